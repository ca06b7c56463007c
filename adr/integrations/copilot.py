"""GitHub Copilot CLI and VS Code agent hooks (.github/hooks/*.json, version 1).

Two input spellings, chosen by the event name in the config:
  camelCase  preToolUse  {sessionId, timestamp (ms), cwd, toolName, toolArgs}
  PascalCase PreToolUse  {hook_event_name, session_id, timestamp (ISO), cwd, tool_name, tool_input}
toolArgs may be an object or JSON text. Copilot CLI tool names: bash / powershell {command},
create {path, file_text}, edit {path, old_str, new_str}, view {path}, web_fetch {url}; VS Code
agent tools: run_in_terminal {command}, create_file {filePath, content},
replace_string_in_file {filePath, oldString, newString}, read_file {filePath}, fetch_webpage
{urls}. Answer: {"permissionDecision": "allow|deny|ask", "permissionDecisionReason": ...} (the
Claude-style hookSpecificOutput is written as well, for the VS Code format). Some builds honour
only "deny", so adr treats Copilot as unable to ask: an "ask" becomes a deny that says how a human
can approve. postToolUse {…, toolResult: {resultType, textResultForLlm}} (PascalCase: tool_result
{result_type, text_result_for_llm}) comes after a tool ran: adr scans the text for injected
instructions. Copilot does not read a command hook's answer to postToolUse (only SDK hooks can change
the result), so the warning cannot reach the model: the scan taints the session and alerts the human.
Source: docs.github.com "GitHub Copilot CLI hooks reference"
(github/docs content/copilot/reference/copilot-cli-reference/cli-hooks-reference.md).

Stdlib only.
"""
from __future__ import annotations

import json
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.integrations._common import (host_home, cannot_ask_text, effective, first_str, get_obj, get_str, mcp_action,
                                      need_object, reason_text, search_action, web_search_action, WEB_SEARCH_TOOLS, split_mcp_name, tool_output_event)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "copilot"
PRE_EVENTS = ("preToolUse", "PreToolUse")
POST_EVENTS = ("postToolUse", "PostToolUse")


def _tool_action(tool: str, a: dict[str, Any], ctx: Context) -> Action | None:
    w = "toolArgs"
    t = tool.lower()
    path = first_str(a, ("path", "filePath", "file_path"), w)
    if t in ("bash", "powershell", "shell", "run_in_terminal", "runinterminal"):
        return Action(ActionKind.EXEC, ctx, command=first_str(a, ("command", "cmd"), w))
    if t in ("create", "create_file", "createfile", "write"):
        return Action(ActionKind.FILE_WRITE, ctx, path=path,
                      content=first_str(a, ("file_text", "content", "contents"), w))
    if t in ("edit", "str_replace", "replace_string_in_file", "insert_edit_into_file", "multi_replace_string_in_file"):
        return Action(ActionKind.FILE_EDIT, ctx, path=path,
                      content=first_str(a, ("new_str", "newString", "new_string", "code"), w),
                      old_content=first_str(a, ("old_str", "oldString", "old_string"), w))
    if t in ("view", "read", "read_file", "readfile"):
        return Action(ActionKind.FILE_READ, ctx, path=path)
    if t in ("grep", "grep_search", "grepsearch"):  # reads the files it searches (glob, file_search: names only)
        return search_action(ctx, a, w)
    if t in WEB_SEARCH_TOOLS:
        return web_search_action(ctx, a, w)
    if t in ("web_fetch", "fetch_webpage", "fetch"):
        url = first_str(a, ("url",), w)
        urls = a.get("urls")
        if not url and isinstance(urls, list) and urls and isinstance(urls[0], str):
            url = urls[0]
        return Action(ActionKind.URL_FETCH, ctx, url=url)
    if t.startswith("mcp__"):
        server, name = split_mcp_name(tool)
        return mcp_action(ctx, server, name, a)
    if "/" in tool:  # "<server>/<tool>" as some builds name MCP tools
        server, name = tool.split("/", 1)
        return mcp_action(ctx, server, name, a)
    return None


class Copilot:
    name = NAME
    can_ask = False

    def parse(self, payload: Any) -> HookEvent:
        p = need_object(payload, "Copilot")
        vscode = "hook_event_name" in p or "tool_name" in p
        event = get_str(p, "hook_event_name", "input") or ("PreToolUse" if vscode else
                                                           "postToolUse" if "toolResult" in p else "preToolUse")
        if event not in PRE_EVENTS + POST_EVENTS:
            return HookEvent(NAME, event, None, "")
        if vscode:
            tool = get_str(p, "tool_name", "input")
            args = get_obj(p, "tool_input", "input")
            session = get_str(p, "session_id", "input")
        else:
            tool = get_str(p, "toolName", "input")
            args = get_obj(p, "toolArgs", "input")
            session = get_str(p, "sessionId", "input")
        if not tool:
            raise HookInputError(f"{event} input has no toolName/tool_name")
        ctx = Context(host=NAME, agent="copilot", session=session, cwd=get_str(p, "cwd", "input"), tool=tool,
                      home=host_home())
        if event in POST_EVENTS:
            return tool_output_event(NAME, event, ctx, tool, args, p.get("tool_result" if vscode else "toolResult"))
        return HookEvent(NAME, event, _tool_action(tool, args, ctx), tool)

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event not in PRE_EVENTS:
            return HookOutput()
        decision = effective(verdict, self.can_ask)
        if decision is Decision.ALLOW and not auto_approve:
            return HookOutput()
        if decision is Decision.ALLOW:
            reason = ""
        elif verdict.decision is Decision.ASK:
            reason = cannot_ask_text(verdict)
        else:
            reason = reason_text(verdict, for_agent=True)
        out: dict[str, Any] = {"permissionDecision": decision.value}
        if reason:
            out["permissionDecisionReason"] = reason
        out["hookSpecificOutput"] = {"hookEventName": "PreToolUse", **out}
        return HookOutput(stdout=json.dumps(out))


INTEGRATION = Copilot()

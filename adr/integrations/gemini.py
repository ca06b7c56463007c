"""Gemini CLI hooks (settings.json "hooks" → "BeforeTool").

Input: session_id, transcript_path, cwd, hook_event_name ("BeforeTool"), timestamp, tool_name,
tool_input, mcp_context (MCP tools). Built-in tool names: run_shell_command {command,
description, dir_path|directory}, write_file {file_path, content}, replace {file_path,
old_string, new_string}, read_file {file_path|absolute_path}, read_many_files {paths},
search_file_content {pattern, dir_path|path, include},
web_fetch {prompt (URLs inside)}, google_web_search {query}; MCP tools are mcp__<server>__<tool>.
Answer: exit 0 with {"decision": "deny", "reason": "..."} blocks the tool and sends the reason
to the agent; {} (or "allow") lets it run. Gemini cannot ask the user from a hook, so adr's
"ask" becomes a deny that says how a human can approve. Timeouts in settings are milliseconds.
AfterTool (after a tool ran) adds tool_response {llmContent, returnDisplay, error}; its
hookSpecificOutput.additionalContext is appended to the tool result the model gets: adr's warning
when the output carries injected instructions. SessionStart: hookSpecificOutput.additionalContext is
added to the session (adr's scan of what the session loads), systemMessage is shown to the user.
Source: google-gemini/gemini-cli docs/hooks/reference.md.

Stdlib only.
"""
from __future__ import annotations

import json
import re
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.integrations._common import (host_home, cannot_ask_text, effective, first_str, get_obj, get_str, mcp_action,
                                      need_object, reason_text, search_action, web_search_action, session_start_event, split_mcp_name,
                                      tool_output_event)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "gemini"
PRE_TOOL_MATCHER = ("run_shell_command|write_file|replace|read_file|read_many_files|search_file_content|"
                    "web_fetch|google_web_search|mcp__.*|.*__.*")
AFTER_TOOL_MATCHER = "run_shell_command|read_file|read_many_files|web_fetch|google_web_search|mcp__.*|.*__.*"
_URL = re.compile(r"https?://[^\s<>\"'`)\]]+")


def _tool_action(tool: str, ti: dict[str, Any], ctx: Context, mcp_ctx: dict[str, Any]) -> Action | None:
    w = "tool_input"
    if tool in ("run_shell_command", "shell"):
        return Action(ActionKind.EXEC, ctx, command=get_str(ti, "command", w, required=True))
    if tool == "write_file":
        return Action(ActionKind.FILE_WRITE, ctx, path=first_str(ti, ("file_path", "absolute_path", "path"), w),
                      content=get_str(ti, "content", w))
    if tool in ("replace", "edit"):
        return Action(ActionKind.FILE_EDIT, ctx, path=first_str(ti, ("file_path", "absolute_path", "path"), w),
                      content=get_str(ti, "new_string", w), old_content=get_str(ti, "old_string", w))
    if tool == "read_file":
        return Action(ActionKind.FILE_READ, ctx, path=first_str(ti, ("file_path", "absolute_path", "path"), w))
    if tool in ("search_file_content", "grep", "grep_search"):  # reads the files it searches (glob, ls: names only)
        return search_action(ctx, ti, w)
    if tool == "read_many_files":
        paths = ti.get("paths") or []
        if not isinstance(paths, list):
            raise HookInputError("tool_input.paths must be a list")
        return Action(ActionKind.FILE_READ, ctx, path="\n".join(str(p) for p in paths))
    if tool == "google_web_search":
        return web_search_action(ctx, ti, w)
    if tool == "web_fetch":
        text = first_str(ti, ("url", "prompt"), w)
        m = _URL.search(text)
        return Action(ActionKind.URL_FETCH, ctx, url=m.group(0) if m else text)
    if tool.startswith("mcp__") or mcp_ctx or "__" in tool:
        server, name = split_mcp_name(tool)
        if not server and "__" in tool:  # older builds: <server>__<tool>
            server, name = tool.split("__", 1)
        server = server or str(mcp_ctx.get("server_name") or "")
        name = str(mcp_ctx.get("tool_name") or name) if not name else name
        return mcp_action(ctx, server, name, ti)
    return None


class Gemini:
    name = NAME
    can_ask = False

    def parse(self, payload: Any) -> HookEvent:
        p = need_object(payload, "Gemini CLI")
        event = get_str(p, "hook_event_name", "input") or "BeforeTool"
        tool = get_str(p, "tool_name", "input")
        ctx = Context(host=NAME, agent="gemini", session=get_str(p, "session_id", "input"),
                      cwd=get_str(p, "cwd", "input"), tool=tool, home=host_home())
        if event == "SessionStart":
            return session_start_event(NAME, event, ctx)
        if event == "AfterTool":
            if not tool:
                raise HookInputError("AfterTool input has no tool_name")
            return tool_output_event(NAME, event, ctx, tool, get_obj(p, "tool_input", "input"), p.get("tool_response"))
        if event != "BeforeTool":
            return HookEvent(NAME, event, None, tool)
        if not tool:
            raise HookInputError("BeforeTool input has no tool_name")
        ti = get_obj(p, "tool_input", "input")
        mcp_ctx = get_obj(p, "mcp_context", "input")
        return HookEvent(NAME, event, _tool_action(tool, ti, ctx, mcp_ctx), tool)

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event in ("AfterTool", "SessionStart"):
            from adr.integrations.claude_code import context_output  # the same shape; Gemini wants JSON always

            out = context_output(event)
            return out if out.stdout else HookOutput(stdout="{}")
        if event.event not in ("BeforeTool", "PreToolUse"):  # PreToolUse: the hook client's fail-safe event
            return HookOutput(stdout="{}")
        decision = effective(verdict, self.can_ask)
        if decision is Decision.ALLOW:
            return HookOutput(stdout=json.dumps({"decision": "allow"}) if auto_approve else "{}")
        reason = cannot_ask_text(verdict) if verdict.decision is Decision.ASK else reason_text(verdict, for_agent=True)
        return HookOutput(stdout=json.dumps({"decision": "deny", "reason": reason,
                                             "systemMessage": "adr blocked " + (event.raw_tool or "a tool call")}))


INTEGRATION = Gemini()

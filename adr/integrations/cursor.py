"""Cursor agent hooks (~/.cursor/hooks.json or <project>/.cursor/hooks.json).

Every input carries conversation_id, generation_id, model, hook_event_name, cursor_version,
workspace_roots, user_email. Event fields:
  beforeShellExecution  {command, cwd}
  beforeMCPExecution    {tool_name, tool_input (JSON text or object), url | command}
  beforeReadFile        {file_path, content, attachments}
  preToolUse            {tool_name, tool_input, tool_use_id, cwd}   (generic, all tools)
  afterFileEdit         {file_path, edits: [{old_string, new_string}]}   (after the fact)
  afterShellExecution   {command, cwd, output, duration}                 (after the fact)
  afterMCPExecution     {tool_name, tool_input, result_json, duration}   (after the fact)
Answer for the permission events: {"permission": "allow|deny|ask", "user_message": ...,
"agent_message": ...}; beforeReadFile honours only "permission". Sources: cursor.com/docs/agent/hooks
(hooks reference, mirrored in pcomans/caruso reference/cursor_hooks.md) and the cursor-hooks
type package. Older builds read camelCase userMessage/agentMessage; adr writes both spellings.

afterFileEdit is record-only: it is parsed (so the audit log has the edit) but its answer is
always empty — the edit already happened. The text the agent reads is scanned for injected
instructions where Cursor hands it over: beforeReadFile's `content` (the file is judged as a read and
its content scanned), afterShellExecution's `output`, afterMCPExecution's `result_json`. Those after-
events are fire-and-forget (Cursor reads no answer, so no warning reaches the model): the scan
taints the session and alerts the human. Stdlib only.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.actions import Observation, ObservationKind
from adr.integrations._common import (host_home, RecordedEvent, effective, join_edits, first_str, get_obj, get_str, mcp_action, need_object,
                                      reason_text, cannot_ask_text, search_action, web_search_action, WEB_SEARCH_TOOLS, split_mcp_name, tool_output_event)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "cursor"
PERMISSION_EVENTS = ("beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse")
RECORD_ONLY_EVENTS = frozenset({"afterFileEdit", "afterShellExecution", "afterMCPExecution"})
EVENTS = PERMISSION_EVENTS + tuple(sorted(RECORD_ONLY_EVENTS))


# preToolUse fires for every tool; shell, read and MCP calls also fire their own before* event,
# which adr judges instead (judging both would ask the human twice).
COVERED_ELSEWHERE = ("shell", "bash", "terminal", "run_terminal_cmd", "read", "read_file")


def _tool_action(tool: str, ti: dict[str, Any], ctx: Context) -> Action | None:
    """preToolUse: Cursor's own tool names (Write, StrReplace/Edit, Delete, WebFetch …)."""
    t = tool.lower()
    if t in COVERED_ELSEWHERE or t.startswith(("mcp__", "mcp:", "mcp_")):
        return None
    path = first_str(ti, ("file_path", "path", "target_file", "filePath"), "tool_input")
    if t in ("write", "edit_file", "create_file"):
        return Action(ActionKind.FILE_WRITE, ctx, path=path,
                      content=first_str(ti, ("contents", "content", "code_edit", "text"), "tool_input"))
    if t in ("strreplace", "str_replace", "edit", "search_replace", "multiedit"):
        if "edits" in ti:
            new, old = join_edits(ti, "tool_input")
        else:
            new = first_str(ti, ("new_string", "new_str", "newString"), "tool_input")
            old = first_str(ti, ("old_string", "old_str", "oldString"), "tool_input")
        return Action(ActionKind.FILE_EDIT, ctx, path=path, content=new, old_content=old)
    if t in ("grep", "grep_search"):  # a content search reads the files it searches (Glob: names only)
        return search_action(ctx, ti, "tool_input")
    if t in ("delete", "delete_file"):
        return Action(ActionKind.FILE_DELETE, ctx, path=path)
    if t in ("webfetch", "web_fetch", "fetch"):
        return Action(ActionKind.URL_FETCH, ctx, url=first_str(ti, ("url",), "tool_input"))
    if t in WEB_SEARCH_TOOLS:
        return web_search_action(ctx, ti, "tool_input")
    return None


class Cursor:
    name = NAME
    can_ask = True
    record_only_events = RECORD_ONLY_EVENTS

    def parse(self, payload: Any) -> HookEvent:
        p = need_object(payload, "Cursor")
        event = get_str(p, "hook_event_name", "input", required=True)
        roots = p.get("workspace_roots")
        root = roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else ""
        cwd = get_str(p, "cwd", "input") or root
        ctx = Context(host=NAME, agent="cursor", session=str(p.get("conversation_id") or ""), cwd=cwd,
                      home=host_home())
        if event == "beforeShellExecution":
            cmd = get_str(p, "command", "input", required=True)
            return HookEvent(NAME, event, Action(ActionKind.EXEC, replace(ctx, tool="shell"),
                                                 command=cmd), "shell")
        if event == "beforeMCPExecution":
            tool = get_str(p, "tool_name", "input", required=True)
            args = p.get("tool_input")
            if args is not None and not isinstance(args, (str, dict)):
                raise HookInputError("input.tool_input must be JSON text or an object")
            server = first_str(p, ("server_name", "server", "url", "command"), "input")
            s2, t2 = split_mcp_name(tool)
            action = mcp_action(replace(ctx, tool=tool), s2 or server, t2,
                                args if args is not None else {})
            return HookEvent(NAME, event, action, tool)
        if event == "beforeReadFile":
            path = get_str(p, "file_path", "input", required=True)
            content = get_str(p, "content", "input")
            obs = (Observation(ObservationKind.TOOL_OUTPUT, replace(ctx, tool="read"), text=content, source="file",
                               origin=path) if content else None)
            return HookEvent(NAME, event, Action(ActionKind.FILE_READ, ctx, path=path), "read", observation=obs)
        if event == "afterShellExecution":
            cmd = get_str(p, "command", "input")
            return tool_output_event(NAME, event, replace(ctx, tool="shell"), "shell", {"command": cmd},
                                     get_str(p, "output", "input"), source="shell")
        if event == "afterMCPExecution":
            tool = get_str(p, "tool_name", "input")
            ti = p.get("tool_input")
            args = get_obj(p, "tool_input", "input") if isinstance(ti, (str, dict)) and ti else {}
            return tool_output_event(NAME, event, replace(ctx, tool=tool), tool, args, p.get("result_json"),
                                     source="mcp", origin=tool)
        if event == "preToolUse":
            tool = get_str(p, "tool_name", "input", required=True)
            ti = get_obj(p, "tool_input", "input")
            return HookEvent(NAME, event, _tool_action(tool, ti, replace(ctx, tool=tool)), tool)
        if event == "afterFileEdit":
            path = get_str(p, "file_path", "input", required=True)
            new, old = join_edits(p, "input")
            return RecordedEvent(NAME, event, None, "edit",
                                 recorded=Action(ActionKind.FILE_EDIT, ctx, path=path, content=new, old_content=old))
        return HookEvent(NAME, event, None, "")

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        # "PreToolUse" is the generic event the hook client uses for a fail-safe answer
        # (malformed input, internal error): answer it like a permission event.
        if event.event not in PERMISSION_EVENTS and event.event != "PreToolUse":
            return HookOutput(stdout="{}")
        can_ask = event.event != "beforeReadFile"
        decision = effective(verdict, can_ask)
        if decision is Decision.ALLOW:
            return HookOutput(stdout=json.dumps({"permission": "allow"}) if auto_approve else "{}")
        out: dict[str, Any] = {"permission": decision.value}
        if event.event != "beforeReadFile":
            if verdict.decision is Decision.ASK and decision is Decision.DENY:
                user = agent = cannot_ask_text(verdict)
            else:
                user = reason_text(verdict, for_agent=False)
                agent = reason_text(verdict, for_agent=decision is Decision.DENY)
            out.update({"user_message": user, "agent_message": agent, "userMessage": user, "agentMessage": agent})
        return HookOutput(stdout=json.dumps(out))


INTEGRATION = Cursor()

"""Shared parser/formatter for hosts whose adr side is a small JS plugin (OpenClaw, OpenCode).

The plugin hands adr one object describing the tool call (over the daemon socket, or on stdin of
`adr-hook <host>` when the socket is unreachable):
  {"hook_event_name": "<host event>", "tool": "<tool name>", "args": {...},
   "session": "<id>", "cwd": "<dir>"}
and reads back {"decision": "allow|ask|deny", "reason": "...", "title": "..."}. The plugin maps
that onto the host: OpenClaw returns {requireApproval} for ask and {block, blockReason} for deny;
OpenCode throws an Error for deny.

After a tool ran, the plugin sends the same object with the tool's result ("output"), under the
host's after-event: adr scans it for injected instructions and answers {"decision": "allow",
"warning": "..."}; OpenCode's plugin appends the warning to the output the model reads (its
tool.execute.after may change output.output), OpenClaw's after_tool_call is fire-and-forget (the
result already went to the model), so there the scan only taints the session and alerts. Stdlib only.
"""
from __future__ import annotations

import json
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.integrations._common import (host_home, cannot_ask_text, effective, first_str, get_obj, get_str, mcp_action,
                                      need_object, reason_text, search_action, web_search_action, WEB_SEARCH_TOOLS, split_mcp_name, tool_output_event)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput


def tool_action(tool: str, a: dict[str, Any], ctx: Context) -> Action | None:
    t = tool.lower()
    w = "args"
    path = first_str(a, ("path", "filePath", "file_path", "file"), w)
    if t in ("bash", "exec", "shell", "run", "command"):
        return Action(ActionKind.EXEC, ctx, command=first_str(a, ("command", "cmd"), w))
    if t in ("write", "create"):
        return Action(ActionKind.FILE_WRITE, ctx, path=path, content=first_str(a, ("content", "contents", "text"), w))
    if t in ("edit", "multiedit", "str_replace"):
        return Action(ActionKind.FILE_EDIT, ctx, path=path,
                      content=first_str(a, ("newString", "newText", "new_string", "new_str"), w),
                      old_content=first_str(a, ("oldString", "oldText", "old_string", "old_str"), w))
    if t in ("read", "view"):
        return Action(ActionKind.FILE_READ, ctx, path=path)
    if t == "grep":  # a content search reads the files it searches (glob, list: names only)
        return search_action(ctx, a, w)
    if t in ("webfetch", "web_fetch", "fetch"):
        return Action(ActionKind.URL_FETCH, ctx, url=first_str(a, ("url",), w))
    if t in WEB_SEARCH_TOOLS:
        return web_search_action(ctx, a, w)
    if t.startswith("mcp__"):
        server, name = split_mcp_name(tool)
        return mcp_action(ctx, server, name, a)
    return None


class PluginHost:
    """One JS-plugin host. `before_events` are the events that can be answered."""

    def __init__(self, name: str, agent: str, before_events: tuple[str, ...], can_ask: bool,
                 after_events: tuple[str, ...] = ()) -> None:
        self.name = name
        self.agent = agent
        self.before_events = before_events
        self.after_events = after_events
        self.can_ask = can_ask

    def parse_all(self, payload: Any) -> list[HookEvent]:
        p = need_object(payload, self.name)
        event = get_str(p, "hook_event_name", "input") or self.before_events[0]
        tool = get_str(p, "tool", "input")
        if event not in self.before_events + self.after_events:
            return [HookEvent(self.name, event, None, tool)]
        if not tool:
            raise HookInputError(f"{self.name} input has no tool name")
        args = get_obj(p, "args", "input")
        ctx = Context(host=self.name, agent=self.agent, session=get_str(p, "session", "input"),
                      cwd=get_str(p, "cwd", "input"), tool=tool, home=host_home())
        if event in self.after_events:
            return [tool_output_event(self.name, event, ctx, tool, args, p.get("output", p.get("result")))]
        if tool.lower() in ("apply_patch", "patch"):
            from adr.integrations.codex import patch_actions

            body = first_str(args, ("patchText", "input", "patch", "command"), "args")
            return [HookEvent(self.name, event, a, tool) for a in patch_actions(body, ctx)]
        return [HookEvent(self.name, event, tool_action(tool, args, ctx), tool)]

    def parse(self, payload: Any) -> HookEvent:
        events = self.parse_all(payload)
        return max(events, key=lambda e: len(e.action.content) if e.action else -1)

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event in self.after_events:
            out: dict[str, Any] = {"decision": "allow"}
            if event.notice:
                out["warning"] = event.notice
            return HookOutput(stdout=json.dumps(out))
        if event.event not in self.before_events and event.event != "PreToolUse":  # PreToolUse: fail-safe
            return HookOutput(stdout=json.dumps({"decision": "allow"}))
        decision = effective(verdict, self.can_ask)
        if decision is Decision.ALLOW:
            return HookOutput(stdout=json.dumps({"decision": "allow"}))
        if verdict.decision is Decision.ASK and decision is Decision.DENY:
            reason = cannot_ask_text(verdict)
        else:
            reason = reason_text(verdict, for_agent=decision is Decision.DENY)
        rule = ", ".join(verdict.rule_ids[:3])
        title = f"adr: {rule}" if rule else "adr"
        return HookOutput(stdout=json.dumps({"decision": decision.value, "reason": reason, "title": title}))

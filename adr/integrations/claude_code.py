"""Claude Code hooks: PreToolUse JSON in, hookSpecificOutput.permissionDecision out.

Stdlib only (imported by the hook client on every tool call).
"""
from __future__ import annotations

import json
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "claude-code"


def _str(d: dict[str, Any], key: str) -> str:
    v = d.get(key)
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    raise HookInputError(f"tool_input.{key} must be a string, got {type(v).__name__}")


def _tool_action(tool: str, ti: dict[str, Any], ctx: Context) -> Action | None:
    if tool == "Bash":
        return Action(ActionKind.EXEC, ctx, command=_str(ti, "command"))
    if tool == "Write":
        return Action(ActionKind.FILE_WRITE, ctx, path=_str(ti, "file_path"), content=_str(ti, "content"))
    if tool == "Edit":
        return Action(ActionKind.FILE_EDIT, ctx, path=_str(ti, "file_path"),
                      content=_str(ti, "new_string"), old_content=_str(ti, "old_string"))
    if tool == "MultiEdit":
        edits = ti.get("edits") or []
        if not isinstance(edits, list):
            raise HookInputError("tool_input.edits must be a list")
        new = "\n".join(_str(e, "new_string") for e in edits if isinstance(e, dict))
        old = "\n".join(_str(e, "old_string") for e in edits if isinstance(e, dict))
        return Action(ActionKind.FILE_EDIT, ctx, path=_str(ti, "file_path"), content=new, old_content=old)
    if tool == "NotebookEdit":
        return Action(ActionKind.FILE_EDIT, ctx, path=_str(ti, "notebook_path"), content=_str(ti, "new_source"))
    if tool == "Read":
        return Action(ActionKind.FILE_READ, ctx, path=_str(ti, "file_path"))
    if tool in ("Grep", "Glob", "LS"):
        return Action(ActionKind.FILE_READ, ctx, path=_str(ti, "path") or ctx.cwd)
    if tool == "WebFetch":
        return Action(ActionKind.URL_FETCH, ctx, url=_str(ti, "url"))
    if tool == "WebSearch":
        return None
    if tool.startswith("mcp__"):
        parts = tool.split("__", 2)
        server = parts[1] if len(parts) > 1 else ""
        name = parts[2] if len(parts) > 2 else ""
        return Action(ActionKind.MCP_CALL, ctx, mcp_server=server, mcp_tool=name,
                      arguments=json.dumps(ti, sort_keys=True, ensure_ascii=False))
    return None


class ClaudeCode:
    name = NAME
    can_ask = True

    def parse(self, payload: Any) -> HookEvent:
        if not isinstance(payload, dict):
            raise HookInputError("Claude Code hook input must be a JSON object")
        event = payload.get("hook_event_name") or "PreToolUse"
        if not isinstance(event, str):
            raise HookInputError("hook_event_name must be a string")
        tool = payload.get("tool_name") or ""
        if not isinstance(tool, str):
            raise HookInputError("tool_name must be a string")
        ti = payload.get("tool_input") or {}
        if not isinstance(ti, dict):
            raise HookInputError("tool_input must be a JSON object")
        ctx = Context(host=NAME, agent="claude", session=str(payload.get("session_id") or ""),
                      cwd=str(payload.get("cwd") or ""), tool=tool)
        action = _tool_action(tool, ti, ctx) if event == "PreToolUse" else None
        return HookEvent(host=NAME, event=event, action=action, raw_tool=tool)

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event != "PreToolUse":
            return HookOutput()
        if verdict.decision is Decision.ALLOW and not auto_approve:
            return HookOutput()
        reason = verdict.agent_reason if verdict.decision is Decision.DENY else verdict.reason
        out = {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                      "permissionDecision": verdict.decision.value,
                                      "permissionDecisionReason": reason or verdict.reason}}
        return HookOutput(stdout=json.dumps(out))


INTEGRATION = ClaudeCode()

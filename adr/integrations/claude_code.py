"""Claude Code hooks: PreToolUse JSON in, hookSpecificOutput.permissionDecision out.

Input (stdin, one object): session_id, transcript_path, cwd, permission_mode, hook_event_name,
tool_name, tool_input, tool_use_id. Output on stdout for PreToolUse:
  {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow|deny|ask",
                          "permissionDecisionReason": "..."}}
(ask: the reason is shown to the user; deny: it is shown to Claude).

PostToolUse (after a tool ran) adds tool_response: Bash {stdout, stderr, interrupted, isImage}, Read
{type, file: {filePath, content, numLines, startLine, totalLines}}, WebFetch {bytes, code, codeText,
result, durationMs, url}, WebSearch {query, results}, MCP tools their content blocks. It cannot block
(the tool ran); adr scans the output for injected instructions and, when it finds some, answers
  {"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "..."}, "systemMessage": "..."}
(additionalContext reaches the model with the tool result; systemMessage is shown to the user).
SessionStart: adr's scan of what the session loads (hooks, plugins, skills, instruction files, MCP
tools), the same shape with hookEventName "SessionStart".
Source: Claude Code hooks reference (docs.claude.com / code.claude.com "Hooks reference").

Stdlib only (imported by the hook client on every tool call).
"""
from __future__ import annotations

import json
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.integrations._common import (host_home, get_obj, get_str, join_edits, mcp_action, need_object, search_action, web_search_action,
                                      session_start_event, split_mcp_name, tool_output_event)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "claude-code"
# The tools adr's installer matches on PreToolUse (one regex, Claude Code matcher syntax).
# (Grep reads file contents; Glob and LS only list names, so they are not held for judging)
PRE_TOOL_MATCHER = "Bash|Write|Edit|MultiEdit|NotebookEdit|Read|Grep|WebFetch|WebSearch|mcp__.*"
# …and on PostToolUse: the tools whose output brings outside text into the session (a subagent's
# report (Task) carries what it read)
POST_TOOL_MATCHER = "Bash|Read|Grep|WebFetch|WebSearch|Task|mcp__.*"
CONTEXT_EVENTS = ("PostToolUse", "SessionStart")  # events whose answer can add to the model's context


def _str(d: dict[str, Any], key: str) -> str:
    return get_str(d, key, "tool_input")


def _tool_action(tool: str, ti: dict[str, Any], ctx: Context) -> Action | None:
    if tool == "Bash":
        return Action(ActionKind.EXEC, ctx, command=_str(ti, "command"))
    if tool == "Write":
        return Action(ActionKind.FILE_WRITE, ctx, path=_str(ti, "file_path"), content=_str(ti, "content"))
    if tool == "Edit":
        return Action(ActionKind.FILE_EDIT, ctx, path=_str(ti, "file_path"),
                      content=_str(ti, "new_string"), old_content=_str(ti, "old_string"))
    if tool == "MultiEdit":
        new, old = join_edits(ti, "tool_input")
        return Action(ActionKind.FILE_EDIT, ctx, path=_str(ti, "file_path"), content=new, old_content=old)
    if tool == "NotebookEdit":
        source = _str(ti, "new_source")
        if _str(ti, "cell_type") in ("markdown", "raw"):
            # a text cell does not run: sent as a notebook holding it, which the engine does not judge as code
            source = json.dumps({"cells": [{"cell_type": "markdown", "source": source}]}, ensure_ascii=False)
        return Action(ActionKind.FILE_EDIT, ctx, path=_str(ti, "notebook_path"), content=source)
    if tool == "Read":
        return Action(ActionKind.FILE_READ, ctx, path=_str(ti, "file_path"))
    if tool == "Grep":
        return search_action(ctx, ti, "tool_input")
    if tool in ("Glob", "LS"):
        return Action(ActionKind.FILE_READ, ctx, path=_str(ti, "path") or ctx.cwd)
    if tool == "WebFetch":
        return Action(ActionKind.URL_FETCH, ctx, url=_str(ti, "url"))
    if tool == "WebSearch":
        return web_search_action(ctx, ti, "tool_input")
    if tool.startswith("mcp__"):
        server, name = split_mcp_name(tool)
        return mcp_action(ctx, server, name, ti)
    return None


class ClaudeCode:
    name = NAME
    can_ask = True

    def parse(self, payload: Any) -> HookEvent:
        payload = need_object(payload, "Claude Code")
        event = payload.get("hook_event_name") or "PreToolUse"
        if not isinstance(event, str):
            raise HookInputError("hook_event_name must be a string")
        tool = get_str(payload, "tool_name", "input")
        cwd = get_str(payload, "cwd", "input")
        ctx = Context(host=NAME, agent="claude", session=str(payload.get("session_id") or ""),
                      cwd=cwd, tool=tool, home=host_home())
        if event == "SessionStart":
            return session_start_event(NAME, event, ctx)
        if event == "PostToolUse":
            if not tool:
                raise HookInputError("PostToolUse input has no tool_name")
            return tool_output_event(NAME, event, ctx, tool, get_obj(payload, "tool_input", "input"),
                                     payload.get("tool_response"))
        if event != "PreToolUse":
            return HookEvent(host=NAME, event=event, action=None, raw_tool=tool)
        if not tool:
            raise HookInputError("PreToolUse input has no tool_name")
        ti = get_obj(payload, "tool_input", "input")
        return HookEvent(host=NAME, event=event, action=_tool_action(tool, ti, ctx), raw_tool=tool)

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event in CONTEXT_EVENTS:
            return context_output(event)
        if event.event != "PreToolUse":
            return HookOutput()
        if verdict.decision is Decision.ALLOW and not auto_approve:
            return HookOutput()
        reason = verdict.agent_reason if verdict.decision is Decision.DENY else verdict.reason
        out = {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                      "permissionDecision": verdict.decision.value,
                                      "permissionDecisionReason": reason or verdict.reason}}
        return HookOutput(stdout=json.dumps(out))


def context_output(event: HookEvent) -> HookOutput:
    """adr's notice in the model's context (additionalContext) and one line for the user; nothing
    when there is nothing to say. Claude Code's shape, which Codex reads too."""
    if not event.notice and not event.user_notice:
        return HookOutput()
    out: dict[str, Any] = {}
    if event.notice:
        out["hookSpecificOutput"] = {"hookEventName": event.event, "additionalContext": event.notice}
    if event.user_notice:
        out["systemMessage"] = event.user_notice
    return HookOutput(stdout=json.dumps(out))


INTEGRATION = ClaudeCode()

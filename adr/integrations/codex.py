"""OpenAI Codex CLI hooks (~/.codex/hooks.json or <repo>/.codex/hooks.json).

Codex hooks take Claude Code's shape. PreToolUse input: session_id, transcript_path, cwd,
hook_event_name, model, permission_mode, tool_name, tool_input, tool_use_id, where tool_name is
"Bash" for shell / exec_command ({command}), "apply_patch" with the raw patch body in
tool_input.command, or mcp__<server>__<tool>. PermissionRequest (before Codex shows an approval
prompt): tool_name "Bash", tool_input {command, description}.
Answers: PreToolUse deny → {"hookSpecificOutput": {"hookEventName": "PreToolUse",
"permissionDecision": "deny", "permissionDecisionReason": ...}}; PermissionRequest →
{"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior":
"allow|deny", "message": ...}}}; an empty answer falls back to Codex's normal approval.
PostToolUse (after Bash, apply_patch or an MCP tool ran) adds tool_response (any JSON: the command's
output, the MCP result); it cannot block, and Codex reads the Claude-style answer
{"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": ...}, "systemMessage": ...}
(the context reaches the model with the result): adr scans the output for injected instructions.
Sources: developers.openai.com/codex/hooks; openai/codex PR #18391 (apply_patch payloads),
PR #17563 (PermissionRequest), PR #15531 (PostToolUse) and its hooks/schema/generated output schemas.

apply_patch: one call can touch several files. `parse_all` returns one HookEvent per file
operation (`*** Add File:` → file_write of the added lines, `*** Update File:` → file_edit with
the added and removed lines, `*** Delete File:` → file_delete, `*** Move to:` → an edit of the
destination plus a delete of the source). The hook client should judge each event and answer
with the strongest verdict. `parse` returns the single riskiest of them (a heuristic, for callers
that judge one action). Stdlib only.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.integrations._common import (host_home, cannot_ask_text, effective, get_obj, get_str, mcp_action, need_object,
                                      reason_text, split_mcp_name, tool_output_event)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "codex"
PRE_TOOL_MATCHER = "Bash|apply_patch|Write|Edit|mcp__.*"
POST_TOOL_MATCHER = "Bash|mcp__.*"  # the tools whose output is outside text (a patch's result is not)
PATCH_BEGIN = "*** Begin Patch"
MAX_PATCH_FILES = 200


@dataclass
class _FileOp:
    op: str  # add | update | delete
    path: str
    move_to: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def parse_patch(text: str) -> list[_FileOp]:
    """The file operations of an apply_patch body. Raises HookInputError when it is not one."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != PATCH_BEGIN:
        raise HookInputError("apply_patch input does not start with '*** Begin Patch'")
    ops: list[_FileOp] = []
    cur: _FileOp | None = None
    for line in lines[i + 1:]:
        if line.startswith("*** End Patch"):
            break
        header = None
        for prefix, op in (("*** Add File: ", "add"), ("*** Update File: ", "update"), ("*** Delete File: ", "delete")):
            if line.startswith(prefix):
                header = (op, line[len(prefix):].strip())
        if header:
            if len(ops) >= MAX_PATCH_FILES:
                raise HookInputError(f"apply_patch touches more than {MAX_PATCH_FILES} files")
            cur = _FileOp(header[0], header[1])
            if not cur.path:
                raise HookInputError(f"apply_patch header without a path: {line!r}")
            ops.append(cur)
            continue
        if cur is None:
            if line.strip():
                raise HookInputError(f"apply_patch line outside any file section: {line[:60]!r}")
            continue
        if line.startswith("*** Move to: "):
            cur.move_to = line[len("*** Move to: "):].strip()
        elif line.startswith("*** End of File"):
            continue
        elif line.startswith("+"):
            cur.added.append(line[1:])
        elif line.startswith("-"):
            cur.removed.append(line[1:])
    if not ops:
        raise HookInputError("apply_patch body names no file")
    return ops


def patch_actions(text: str, ctx: Context) -> list[Action]:
    out: list[Action] = []
    for op in parse_patch(text):
        new, old = "\n".join(op.added), "\n".join(op.removed)
        if op.op == "add":
            out.append(Action(ActionKind.FILE_WRITE, ctx, path=op.path, content=new + ("\n" if op.added else "")))
        elif op.op == "delete":
            out.append(Action(ActionKind.FILE_DELETE, ctx, path=op.path))
        else:
            out.append(Action(ActionKind.FILE_EDIT, ctx, path=op.move_to or op.path, content=new, old_content=old))
            if op.move_to:
                out.append(Action(ActionKind.FILE_DELETE, ctx, path=op.path))
    return out


def _risk(a: Action) -> tuple[int, int, int]:
    """Heuristic order for `parse`: hidden/out-of-tree paths, then writes over deletes, then size."""
    path = a.path.replace("\\", "/")
    cwd = a.context.cwd.rstrip("/")
    parts = [p for p in path.split("/") if p]
    hidden = any(p.startswith(".") and p not in (".", "..") for p in parts)
    outside = path.startswith("~") or ".." in parts or (os.path.isabs(path) and bool(cwd)
                                                        and not (path + "/").startswith(cwd + "/"))
    kind = {ActionKind.FILE_WRITE: 2, ActionKind.FILE_EDIT: 2, ActionKind.FILE_DELETE: 1}.get(a.kind, 0)
    return (int(hidden) + int(outside), kind, len(a.content))


def _is_shell_patch(command: str) -> bool:
    head = command.lstrip()
    return head.startswith(("apply_patch", "applypatch")) and PATCH_BEGIN in command


def _shell_patch_body(command: str) -> str:
    start = command.index(PATCH_BEGIN)
    end = command.find("*** End Patch", start)
    return command[start:] if end < 0 else command[start:end + len("*** End Patch")]


class Codex:
    name = NAME
    can_ask = False  # PreToolUse cannot ask; an "ask" is put to the human by adr, else denied

    def _base(self, payload: Any) -> tuple[dict[str, Any], str, str, dict[str, Any], Context]:
        p = need_object(payload, "Codex")
        event = get_str(p, "hook_event_name", "input") or "PreToolUse"
        tool = get_str(p, "tool_name", "input")
        ctx = Context(host=NAME, agent="codex", session=get_str(p, "session_id", "input"),
                      cwd=get_str(p, "cwd", "input"), tool=tool, home=host_home())
        ti = get_obj(p, "tool_input", "input") if event in ("PreToolUse", "PermissionRequest") else {}
        return p, event, tool, ti, ctx

    def parse_all(self, payload: Any) -> list[HookEvent]:
        """Every action in one hook call (several for a multi-file apply_patch). Never empty."""
        p, event, tool, ti, ctx = self._base(payload)
        if event == "PostToolUse":
            if not tool:
                raise HookInputError("PostToolUse input has no tool_name")
            return [tool_output_event(NAME, event, ctx, tool, get_obj(p, "tool_input", "input"), p.get("tool_response"))]
        if event not in ("PreToolUse", "PermissionRequest"):
            return [HookEvent(NAME, event, None, tool)]
        if not tool:
            raise HookInputError(f"{event} input has no tool_name")
        if tool == "apply_patch":
            body = get_str(ti, "command", "tool_input") or get_str(ti, "input", "tool_input")
            if not body:
                raise HookInputError("apply_patch input has no patch body in tool_input.command")
            return [HookEvent(NAME, event, a, tool) for a in patch_actions(body, ctx)]
        if tool in ("Bash", "shell", "exec_command", "local_shell", "shell_command"):
            raw = ti.get("command")
            if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
                import shlex

                command = shlex.join(raw)
            else:
                command = get_str(ti, "command", "tool_input", required=True)
            if _is_shell_patch(command):
                return [HookEvent(NAME, event, a, "apply_patch")
                        for a in patch_actions(_shell_patch_body(command), replace(ctx, tool="apply_patch"))]
            return [HookEvent(NAME, event, Action(ActionKind.EXEC, ctx, command=command), tool)]
        if tool.startswith("mcp__"):
            server, name = split_mcp_name(tool)
            return [HookEvent(NAME, event, mcp_action(ctx, server, name, ti), tool)]
        if tool in ("Write", "Edit"):
            from adr.integrations.claude_code import _tool_action

            return [HookEvent(NAME, event, _tool_action(tool, ti, ctx), tool)]
        return [HookEvent(NAME, event, None, tool)]

    def parse(self, payload: Any) -> HookEvent:
        events = self.parse_all(payload)
        if len(events) == 1:
            return events[0]
        return max(events, key=lambda e: _risk(e.action) if e.action else (-1, 0, 0))

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event == "PostToolUse":
            from adr.integrations.claude_code import context_output

            return context_output(event)
        if event.event == "PermissionRequest":
            # Codex's own prompt goes to the human: leave "ask" (and a plain allow) to it.
            if verdict.decision is Decision.DENY:
                decision = {"behavior": "deny", "message": reason_text(verdict, for_agent=True)}
            elif verdict.decision is Decision.ALLOW and auto_approve:
                decision = {"behavior": "allow"}
            else:
                return HookOutput()
            return HookOutput(stdout=json.dumps({"hookSpecificOutput": {
                "hookEventName": "PermissionRequest", "decision": decision}}))
        if event.event != "PreToolUse":
            return HookOutput()
        decision_ = effective(verdict, self.can_ask)
        if decision_ is Decision.ALLOW:
            if not auto_approve:
                return HookOutput()
            return HookOutput(stdout=json.dumps({"hookSpecificOutput": {
                "hookEventName": "PreToolUse", "permissionDecision": "allow"}}))
        reason = cannot_ask_text(verdict) if verdict.decision is Decision.ASK else reason_text(verdict, for_agent=True)
        return HookOutput(stdout=json.dumps({"hookSpecificOutput": {
            "hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}}))


INTEGRATION = Codex()

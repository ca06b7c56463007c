"""Windsurf Cascade hooks (~/.codeium/windsurf/hooks.json or <workspace>/.windsurf/hooks.json).

Input: {agent_action_name, trajectory_id, execution_id, timestamp, tool_info}, where tool_info is
  pre_run_command   {command_line, cwd}
  pre_write_code    {file_path, edits: [{old_string, new_string}]}
  pre_read_code     {file_path}           (may be a directory)
  pre_mcp_tool_use  {mcp_server_name, mcp_tool_name, mcp_tool_arguments}
Answer: exit code 2 blocks a pre-hook and Cascade shows stderr to the agent; any other exit lets
it run. There is no "ask", so adr's ask becomes a block that says how a human can approve.
Post-hooks are record-only; two of them bring outside text into the session and are scanned for
injected instructions: post_mcp_tool_use (tool_info.mcp_result) and post_read_code (the file at
tool_info.file_path, read by adr, bounded). post_run_command carries no output. Cascade reads no
answer from a post-hook, so no warning reaches the model: the scan taints the session and alerts the
human. Source: docs.windsurf.com/windsurf/cascade/hooks.

Stdlib only.
"""
from __future__ import annotations

from typing import Any

from dataclasses import replace

from adr.actions import Action, ActionKind, Context, Decision, Observation, ObservationKind, Verdict
from adr.integrations._common import (host_home, RecordedEvent, cannot_ask_text, join_edits, effective, get_obj, get_str, mcp_action, need_object,
                                      output_text, reason_text)
from adr.integrations.interface import HookEvent, HookInputError, HookOutput

NAME = "windsurf"
PRE_EVENTS = ("pre_run_command", "pre_write_code", "pre_read_code", "pre_mcp_tool_use")
SCANNED_POST_EVENTS = ("post_read_code", "post_mcp_tool_use")  # installed too: their text is scanned


class Windsurf:
    name = NAME
    can_ask = False
    record_only_events = frozenset({"post_run_command", "post_write_code", "post_read_code", "post_mcp_tool_use"})

    def parse(self, payload: Any) -> HookEvent:
        p = need_object(payload, "Windsurf")
        event = get_str(p, "agent_action_name", "input", required=True)
        info = get_obj(p, "tool_info", "input")
        w = "tool_info"
        ctx = Context(host=NAME, agent="cascade", session=get_str(p, "trajectory_id", "input"),
                      cwd=get_str(info, "cwd", w), home=host_home())
        if event in self.record_only_events:
            pre = self.parse({**p, "agent_action_name": event.replace("post_", "pre_", 1)})
            obs = None
            if event == "post_mcp_tool_use":
                server, tool = get_str(info, "mcp_server_name", w), get_str(info, "mcp_tool_name", w)
                obs = Observation(ObservationKind.TOOL_OUTPUT, replace(ctx, tool=tool),
                                  text=output_text(info.get("mcp_result")), source="mcp", origin=f"{server}.{tool}")
            elif event == "post_read_code":
                # the hook gets only the path: the text is read where the scan runs (bounded)
                obs = Observation(ObservationKind.TOOL_OUTPUT, replace(ctx, tool="read_code"), source="file",
                                  origin=get_str(info, "file_path", w))
            return RecordedEvent(NAME, event, None, pre.raw_tool, recorded=pre.action, observation=obs)
        base = event
        if base == "pre_run_command":
            return HookEvent(NAME, event, Action(ActionKind.EXEC, ctx, command=get_str(info, "command_line", w, required=True)),
                             "run_command")
        if base == "pre_write_code":
            new, old = join_edits(info, "tool_info")
            path = get_str(info, "file_path", w, required=True)
            kind = ActionKind.FILE_WRITE if info.get("edits") and not old else ActionKind.FILE_EDIT
            return HookEvent(NAME, event, Action(kind, ctx, path=path, content=new, old_content=old), "write_code")
        if base == "pre_read_code":
            return HookEvent(NAME, event, Action(ActionKind.FILE_READ, ctx, path=get_str(info, "file_path", w, required=True)),
                             "read_code")
        if base == "pre_mcp_tool_use":
            args = info.get("mcp_tool_arguments")
            if args is not None and not isinstance(args, (dict, str)):
                raise HookInputError("tool_info.mcp_tool_arguments must be an object")
            tool = get_str(info, "mcp_tool_name", w)
            return HookEvent(NAME, event, mcp_action(ctx, get_str(info, "mcp_server_name", w), tool, args or {}), tool)
        return HookEvent(NAME, event, None, "")

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        if event.event not in PRE_EVENTS and event.event != "PreToolUse":  # PreToolUse: fail-safe answer
            return HookOutput()
        decision = effective(verdict, self.can_ask)
        if decision is Decision.ALLOW:
            return HookOutput()
        reason = cannot_ask_text(verdict) if verdict.decision is Decision.ASK else reason_text(verdict, for_agent=True)
        return HookOutput(stderr=reason + "\n", exit_code=2)


INTEGRATION = Windsurf()

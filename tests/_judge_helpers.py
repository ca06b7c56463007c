"""Judging actions the way the daemon does, for the agent-tries test modules: one call, or several in
turn with the cross-call memory remembering each (what an earlier call wrote, defined or set)."""
from __future__ import annotations

from adr.actions import Action, ActionKind, Context


def in_turn(judge, tmp_path, session: str, *cmds: str) -> list[str]:
    """Each Bash call decided in `tmp_path` (home: its parent), then remembered as the daemon does;
    the decisions in turn."""
    got = []
    for cmd in cmds:
        ctx = Context(host="claude-code", session=session, cwd=str(tmp_path), home=str(tmp_path.parent), tool="Bash")
        action = Action(ActionKind.EXEC, ctx, command=cmd)
        v = judge.decide(action)
        judge.crosscall.memory.remember(action, v)
        got.append(v.decision.value)
    return got


def write_decision(judge, path: str, content: str) -> str:
    """The decision on a Write of `content` to `path` in /home/dev/project."""
    ctx = Context(host="claude-code", session="t", cwd="/home/dev/project", home="/home/dev", tool="Write")
    return judge.decide(Action(ActionKind.FILE_WRITE, ctx, path=path, content=content)).decision.value

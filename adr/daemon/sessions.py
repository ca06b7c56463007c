"""The daemon's registry of agent sessions: who is acting, where, since when, and in what state.

A session is keyed by (host, session id) from the hook input (or `adr wrap`'s id). It learns the
processes behind it from the socket's peer pids and their agent ancestor, its project from the
action's cwd (the git root when there is one), and counts decisions by verdict. Other components
keep per-session *state* here instead of each inventing its own: `flags` such as "tainted" or
"lockdown" (with the reason and when), which policy components read in `adjust` and the human clears.

In memory and bounded (MAX_SESSIONS, least recently seen dropped first); the history of sessions is
rebuilt from the audit log by the record index (adr/record), not kept here.
"""
from __future__ import annotations

import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from adr.component import CallContext, CallSpec, Component, Decided, Flag

MAX_SESSIONS = 4096
MAX_PIDS = 64


@dataclass
class Session:
    host: str
    id: str
    agent: str = ""
    project: str = ""  # the git root of the first cwd seen (else that cwd)
    cwd: str = ""  # the latest cwd
    started: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)
    counts: dict[str, int] = field(default_factory=lambda: {"allow": 0, "ask": 0, "deny": 0})
    pids: "OrderedDict[int, str]" = field(default_factory=OrderedDict)  # peer / agent pid → process name
    agent_pid: int | None = None
    wrapped: bool = False
    flags: dict[str, Flag] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.host, self.id

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "session": self.id, "agent": self.agent, "project": self.project,
                "cwd": self.cwd, "started": self.started, "last_seen": self.last_seen, "counts": dict(self.counts),
                "agent_pid": self.agent_pid, "pids": list(self.pids), "wrapped": self.wrapped,
                "flags": {k: {"reason": f.reason, "since": f.since, "by": f.by, **dict(f.data)}
                          for k, f in self.flags.items()}}


def project_root(cwd: str) -> str:
    """The git work tree containing cwd (walking up, no subprocess), else cwd itself."""
    if not cwd or not cwd.startswith("/"):
        return cwd
    d = os.path.normpath(cwd)
    for _ in range(64):
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return os.path.normpath(cwd)


class Sessions(Component):
    """Observes every decision; serves `adr sessions` (list, show) and the human's flag clearing."""

    name = "sessions"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.by_key: "OrderedDict[tuple[str, str], Session]" = OrderedDict()

    # ---- the registry ---------------------------------------------------------------------------

    def get(self, host: str, sid: str) -> "Session | None":
        return self.by_key.get((host, sid))

    def find(self, sid: str) -> "Session | None":
        """By id alone (the CLI's `adr sessions show ID`); a host-qualified "host:id" also works."""
        if ":" in sid:
            host, _, rest = sid.partition(":")
            s = self.by_key.get((host, rest))
            if s is not None:
                return s
        return next((s for s in reversed(self.by_key.values()) if s.id == sid), None)

    def touch(self, host: str, sid: str, *, cwd: str = "", agent: str = "", pid: int | None = None,
              process: str = "", agent_pid: int | None = None) -> Session:
        key = (host, sid)
        s = self.by_key.get(key)
        if s is None:
            s = Session(host=host, id=sid, agent=agent)
            self.by_key[key] = s
            while len(self.by_key) > MAX_SESSIONS:
                self.by_key.popitem(last=False)
        else:
            self.by_key.move_to_end(key)
        s.last_seen = time.time()
        if cwd:
            s.cwd = cwd
            if not s.project:
                s.project = project_root(cwd)
        if agent and not s.agent:
            s.agent = agent
        for p, name in ((pid, process), (agent_pid, process)):
            if p:
                s.pids[p] = name
                s.pids.move_to_end(p)
                while len(s.pids) > MAX_PIDS:
                    s.pids.popitem(last=False)
        if agent_pid:
            s.agent_pid = agent_pid
        return s

    def set_flag(self, host: str, sid: str, flag: Flag) -> Session:
        s = self.touch(host, sid)
        s.flags[flag.name] = flag
        return s

    def clear_flag(self, host: str, sid: str, name: str) -> bool:
        s = self.by_key.get((host, sid))
        return bool(s is not None and s.flags.pop(name, None) is not None)

    def flagged(self, host: str, sid: str, name: str) -> "Flag | None":
        s = self.by_key.get((host, sid))
        return s.flags.get(name) if s is not None else None

    # ---- component hooks ------------------------------------------------------------------------

    def decided(self, d: Decided) -> None:
        a = d.action
        if a is None or not a.context.session:
            return
        s = self.touch(d.host or a.context.host, a.context.session, cwd=a.context.cwd, agent=a.context.agent,
                       pid=d.origin.peer_pid, process=d.origin.process, agent_pid=d.origin.agent_pid)
        s.counts[d.verdict.decision.value] = s.counts.get(d.verdict.decision.value, 0) + 1

    def status(self) -> dict[str, Any]:
        flags: dict[str, int] = {}
        for s in self.by_key.values():
            for k in s.flags:
                flags[k] = flags.get(k, 0) + 1
        return {"active": len(self.by_key), "flagged": flags}

    def calls(self) -> dict[str, CallSpec]:
        def listing(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            limit = int(args.get("limit", 100))
            items = sorted(self.by_key.values(), key=lambda s: s.last_seen, reverse=True)[:max(0, limit)]
            return {"sessions": [s.to_dict() for s in items]}

        def show(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            s = self.find(str(args.get("session", "")))
            if s is None:
                raise KeyError(f"no session {args.get('session')!r} in this daemon")
            return {"session": s.to_dict()}

        def clear(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            s = self.find(str(args.get("session", "")))
            name = str(args.get("flag", ""))
            if s is None:
                raise KeyError(f"no session {args.get('session')!r} in this daemon")
            return {"cleared": self.clear_flag(s.host, s.id, name), "session": s.to_dict()}

        return {"list": CallSpec(listing), "show": CallSpec(show), "clear": CallSpec(clear, human_only=True)}

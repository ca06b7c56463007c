"""Suspend, resume and kill a process tree: what the monitor does about a process no hook judged.

Suspending stops the process first (SIGSTOP: a stopped process can fork no more), then sweeps its
descendants until a sweep finds none that is still running — a child forked a moment before the
stop is caught by the next sweep. Killing stops the whole tree first and then SIGKILLs it, so no
member can restart another in between. Every signal goes to a (pid, start time) pair that is checked
first, so a pid that was reused meanwhile is never hit; adr's own daemon and its ancestors, and init,
are never signalled.

A suspended tree never stays suspended silently: it waits for the human (resume or kill) until its
deadline, then it is killed; if something other than the human resumes it (a SIGCONT from the
agent's script), it is killed at once. Each of these outcomes is recorded by the caller.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from adr.monitor import proctable as T

SWEEPS = 8
STOPPED = ("T", "t")


@dataclass(frozen=True)
class Member:
    pid: int
    start: float
    argv: str  # for the human: the command line (clipped; redacted where it is shown)
    ppid: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "ppid": self.ppid, "argv": self.argv}


def protected() -> frozenset[int]:
    """Processes adr never signals: itself, its ancestors, init."""
    me = os.getpid()
    return frozenset({0, 1, me, *T.ancestors(me)})


def _argv_text(pid: int, limit: int = 300) -> str:
    import shlex

    argv = T.cmdline(pid)
    text = shlex.join(argv) if argv else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _signal(m: Member, sig: int, keep: frozenset[int]) -> bool:
    if m.pid in keep or not T.same(m.pid, m.start):
        return False
    try:
        os.kill(m.pid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def stop_tree(root: Member, extra: "Iterable[Member]" = ()) -> list[Member]:
    """SIGSTOP `root`, then its descendants (and `extra`: members that left the tree by a double
    fork), sweeping until none is left running. Returns what was stopped, root first."""
    keep = protected()
    done: dict[int, Member] = {}
    if _signal(root, signal.SIGSTOP, keep):
        done[root.pid] = root
    for m in extra:
        if m.pid not in done and _signal(m, signal.SIGSTOP, keep):
            done[m.pid] = m
    for _ in range(SWEEPS):
        found = False
        for top in list(done.values()):
            for pid in T.descendants_now(top.pid):
                if pid in done or pid in keep:
                    continue
                got = T.stat(pid)
                if got is None:
                    continue
                m = Member(pid, got[0].start, _argv_text(pid), got[0].ppid)
                if _signal(m, signal.SIGSTOP, keep):
                    done[pid] = m
                    found = True
        if not found:
            break
    return list(done.values())


def kill_tree(members: "Iterable[Member]") -> list[Member]:
    """Stop every member (and whatever they started meanwhile), then SIGKILL them all."""
    members = list(members)
    if not members:
        return []
    stopped = stop_tree(members[0], members[1:])
    keep = protected()
    return [m for m in stopped if _signal(m, signal.SIGKILL, keep)]


def resume_tree(members: "Iterable[Member]") -> list[Member]:
    keep = protected()
    return [m for m in members if _signal(m, signal.SIGCONT, keep)]


def running(members: "Iterable[Member]") -> list[Member]:
    """Members that are alive and no longer stopped: someone sent them SIGCONT."""
    out = []
    for m in members:
        got = T.stat(m.pid)
        if got is None or got[0].start != m.start:
            continue
        if got[1] not in STOPPED and got[1] not in ("Z", "X", "x"):
            out.append(m)
    return out


def alive(members: "Iterable[Member]") -> list[Member]:
    out = []
    for m in members:
        got = T.stat(m.pid)
        if got is not None and got[0].start == m.start and got[1] not in ("Z", "X", "x"):
            out.append(m)
    return out


@dataclass
class SuspendedTree:
    """One tree adr stopped, waiting for the human: resume or kill (deadline → kill)."""

    id: str
    session: str
    host: str
    root: Member
    members: list[Member]
    reason: str  # why (the rule, the verdict)
    since: float = field(default_factory=time.time)
    deadline: float = 0.0  # time.monotonic() after which it is killed
    state: str = "suspended"  # suspended | resumed | killed | gone | merged (into the tree `by` names)
    by: str = ""  # who ended it: human (channel) | timeout | tamper | shutdown
    alert_id: str = ""
    ended: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "session": self.session, "host": self.host, "state": self.state, "by": self.by,
                "root": self.root.to_dict(), "members": [m.to_dict() for m in self.members],
                "reason": self.reason, "since": self.since, "alert": self.alert_id,
                "kills_in_s": round(max(0.0, self.deadline - time.monotonic()), 1) if self.state == "suspended" else None}

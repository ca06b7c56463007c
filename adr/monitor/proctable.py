"""The host's process table, kept current cheaply: the process monitor's eyes.

One scan per tick serves every watched session at once: a single listing of /proc (psutil.pids()
elsewhere), diffed with the previous one. Only a process that is *new* since the last scan costs a
read (/proc/PID/stat: parent, start time, name); a process that is gone is forgotten. So the cost of a
tick is one directory listing plus one small read per process born since the last tick — not a walk
of every session's tree (psutil's children() lists all of /proc once per call, per root).

A process is (pid, start time): the start time tells a reused pid from the process that had it.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Iterable

import psutil

_PROC = "/proc"
MAX_CMDLINE = 4 * 1024 * 1024  # bytes of argv read (Linux's ARG_MAX is 2 MiB by default)
HAVE_PROC = os.path.isdir(f"{_PROC}/self/fd")
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    start: float  # clock ticks after boot (/proc), or the creation time (psutil): with pid, one process
    comm: str


def _parse_stat(pid: int, data: bytes) -> "tuple[Proc, str] | None":
    try:
        close = data.rindex(b")")
        comm = data[data.index(b"(") + 1: close].decode("utf-8", "replace")
        rest = data[close + 2:].split()
        return Proc(pid, int(rest[1]), float(rest[19]), comm), rest[0].decode("ascii", "replace")
    except (ValueError, IndexError):
        return None


def stat(pid: int) -> "tuple[Proc, str] | None":
    """(the process, its state letter: R S D T t Z …), or None when it is gone."""
    if HAVE_PROC:
        try:
            with open(f"{_PROC}/{pid}/stat", "rb") as f:
                return _parse_stat(pid, f.read())
        except OSError:
            return None
    try:
        p = psutil.Process(pid)
        with p.oneshot():
            st = p.status()
            letter = {"stopped": "T", "tracing-stop": "t", "zombie": "Z", "running": "R"}.get(st, "S")
            return Proc(pid, p.ppid(), p.create_time(), p.name()), letter
    except (psutil.Error, OSError):
        return None


def cmdline(pid: int) -> "tuple[str, ...] | None":
    """argv as the process has it now (None: gone or unreadable; () for a zombie or kernel thread)."""
    if HAVE_PROC:
        try:
            with open(f"{_PROC}/{pid}/cmdline", "rb") as f:
                raw = f.read(MAX_CMDLINE)
        except OSError:
            return None
        if raw.endswith(b"\0"):
            raw = raw[:-1]
        return tuple(a.decode("utf-8", "surrogateescape") for a in raw.split(b"\0")) if raw else ()
    try:
        return tuple(psutil.Process(pid).cmdline())
    except (psutil.Error, OSError):
        return None


def cwd(pid: int) -> str:
    try:
        return os.readlink(f"{_PROC}/{pid}/cwd") if HAVE_PROC else psutil.Process(pid).cwd()
    except (OSError, psutil.Error):
        return ""


def environ(pid: int) -> dict[str, str]:
    """A process's (initial) environment; {} when unreadable."""
    if not HAVE_PROC:
        try:
            return dict(psutil.Process(pid).environ())
        except (psutil.Error, OSError):
            return {}
    try:
        with open(f"{_PROC}/{pid}/environ", "rb") as f:
            data = f.read(1 << 20)
    except OSError:
        return {}
    out: dict[str, str] = {}
    for item in data.split(b"\0"):
        k, sep, v = item.partition(b"=")
        if sep:
            out[k.decode("utf-8", "replace")] = v.decode("utf-8", "replace")
    return out


def environ_value(pid: int, name: str) -> str:
    """One variable of a process's (initial) environment, "" when absent or unreadable."""
    return environ(pid).get(name, "")


def age_s(start: float) -> float:
    """Seconds since a process with this start value began (clock-tick precision on Linux)."""
    if HAVE_PROC and hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start / CLK_TCK
    return time.time() - start


def same(pid: int, start: float) -> bool:
    """Is `pid` still the process that started at `start` (not gone, not reused)?"""
    got = stat(pid)
    return got is not None and got[0].start == start


def _pids() -> "Iterable[int]":
    if HAVE_PROC:
        return [int(p) for p in os.listdir(b"/proc") if p.isdigit()]
    return psutil.pids()


class ProcTable:
    """The processes seen at the last scan: pid → Proc (parent as first seen)."""

    def __init__(self) -> None:
        self.known: dict[int, Proc] = {}
        self.scans = 0

    def scan(self) -> "tuple[list[Proc], list[int]]":
        """(processes born since the last scan, oldest first; pids gone since)."""
        self.scans += 1
        now = set(_pids())
        known = self.known
        gone = [p for p in known if p not in now]
        for p in gone:
            del known[p]
        born: list[Proc] = []
        for pid in now:
            if pid in known:
                continue
            got = stat(pid)
            if got is None:
                continue
            known[pid] = got[0]
            born.append(got[0])
        born.sort(key=lambda p: (p.start, p.pid))
        return born, gone

    def children_index(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for p in self.known.values():
            out.setdefault(p.ppid, []).append(p.pid)
        return out

    def subtree(self, pid: int, index: "dict[int, list[int]] | None" = None, limit: int = 4096) -> list[int]:
        """pid and its descendants as the table knows them (breadth first)."""
        index = index if index is not None else self.children_index()
        out, todo = [], [pid]
        while todo and len(out) < limit:
            p = todo.pop(0)
            out.append(p)
            todo.extend(c for c in index.get(p, ()) if c != p)
        return out


def descendants_now(pid: int) -> list[int]:
    """pid's living descendants, read fresh (one pass over the process table): for responses."""
    index: dict[int, list[int]] = {}
    for p in _pids():
        got = stat(p)
        if got is not None:
            index.setdefault(got[0].ppid, []).append(p)
    out, todo, seen = [], [pid], {pid}
    while todo:
        for c in index.get(todo.pop(0), ()):
            if c not in seen:
                seen.add(c)
                out.append(c)
                todo.append(c)
    return out


def ancestors(pid: int, depth: int = 64) -> list[int]:
    """pid's parents, nearest first (the daemon never acts on its own ancestors)."""
    out: list[int] = []
    cur = pid
    while len(out) < depth:
        got = stat(cur)
        if got is None or got[0].ppid <= 0 or got[0].ppid == cur:
            break
        cur = got[0].ppid
        out.append(cur)
    return out

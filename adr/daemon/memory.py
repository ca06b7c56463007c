"""Cross-call memory: what each session wrote, downloaded or defined, so that running it later is
judged as what it will run (DESIGN threat model 4, "Split an action").

    memory.remember(action, verdict, at=…)   # after every decision: files written / downloaded,
                                             # shell functions and aliases defined
    memory.lookup(path)                      # → Written (who wrote it, when, its content if small)
    memory.definitions(host, session)        # → {name: Definition} for that shell session

Bounded: entries are evicted least-recently-used by count and by the bytes of content kept; a
file bigger than MAX_CONTENT is remembered without its content (its provenance stays). Thread-safe:
the daemon records on its event loop and judges in worker threads.
"""
from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import posixpath
import shlex
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from adr.actions import Action, ActionKind, Decision, Verdict
from adr.component import Component, Decided
from adr.engine import decodeflow
from adr.shell import runs as R
from adr.shell.decoders import DECODING_CODE
from adr.shell.parse import ContainerLaunch, container_launch, files_made_with_writer, inputs_of, parse as parse_shell, parse_remembered
from adr.shell import parse as P
from adr.supply.downloads import clones_of

log = logging.getLogger("adr.daemon")

MAX_ENTRIES = 4096
MAX_BYTES = 32 * 1024 * 1024  # content kept over all entries
MAX_CONTENT = 256 * 1024  # one file's content kept (bigger: provenance only)
MAX_SESSIONS = 256  # shell sessions whose functions/aliases are kept
MAX_DEFINITIONS = 256  # per session
MAX_DEFINITION_BYTES = 64 * 1024
MAX_SOURCED_BYTES = 256 * 1024
MAX_CLONES = 256  # repositories cloned into a folder (git clone, gh repo clone, degit …)
MAX_ARMED = 256  # files a command runs before they exist (a job started first, its script written later)
MAX_CONTAINERS = 256  # named containers whose bind mounts are kept  # a file `source`d in a persistent shell, read for its functions
SETTLE_TIMEOUT = 1.0  # seconds a decision waits for the previous decisions' records
_MOVERS = frozenset({"cp", "mv", "install", "ln", "rsync", "ditto"})
# variables that change which database or repository a later command of the session reaches
# (DATABASE_URL is not one: a reset is relaxed only where the configuration names the file literally)
REDIRECTING_VARIABLES = frozenset({"DJANGO_SETTINGS_MODULE", "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"})


@dataclass(frozen=True)
class Written:
    """A file an agent wrote or downloaded through an action adr allowed."""

    path: str  # absolute, normalized
    by: str  # Write, Edit, "cat >", tee, curl, "cp from /x" …
    content: str | None = None  # as written, when known and small enough
    sha256: str = ""  # of content ("" when unknown)
    url: str = ""  # downloaded from
    session: str = ""
    host: str = ""
    project: str = ""  # git root of the working directory (or the directory itself)
    at: float = 0.0  # wall clock (daemon side)
    # a command that prints what the file holds (`cat ~/.env`, `tar c ~/.ssh`, `env`), and the
    # directory it ran in: a later call that sends the file is judged as `PRODUCER | SENDER`
    producer: str = ""
    producer_cwd: str = ""
    writer: str = ""  # the program that wrote it whole (base64, gunzip, openssl …; "" when not a command's)

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0

    def origin(self, session: str = "") -> str:
        """ "written by Write at 14:03:22 (this session)" — for the note the human reads."""
        verb = "downloaded from " + self.url + " by" if self.url else "written by"
        when = time.strftime("%H:%M:%S", time.localtime(self.at)) if self.at else "?"
        whose = "this session" if session and session == self.session else (
            f"session {self.session[:12]}" if self.session else "no session")
        return f"{verb} {self.by} at {when} ({whose})"


@dataclass(frozen=True)
class Defined:
    definition: R.Definition
    by: str  # "defined in an earlier call" / "source f.sh"
    at: float


class Memory:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES,
                 max_sessions: int = MAX_SESSIONS) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_sessions = max_sessions
        self._files: "OrderedDict[str, Written]" = OrderedDict()
        self._bytes = 0
        self._defs: "OrderedDict[tuple[str, str], OrderedDict[str, Defined]]" = OrderedDict()
        self._lock = threading.Lock()
        self._projects: "OrderedDict[str, str]" = OrderedDict()
        self._containers: "OrderedDict[str, ContainerLaunch]" = OrderedDict()
        self._clones: "OrderedDict[str, Written]" = OrderedDict()
        # path → (the command that runs it, its language, its working directory): armed before it existed
        self._armed: "OrderedDict[str, tuple[str, str, str]]" = OrderedDict()
        self.evicted = 0
        self.recorded = 0
        self._pending = 0  # remember() calls queued by the daemon and not yet done
        self._settled = threading.Condition(self._lock)

    # ---- ordering: a decision sees what every earlier decision left behind -----------------------------

    def queued(self) -> None:
        with self._lock:
            self._pending += 1

    def done(self) -> None:
        with self._lock:
            self._pending = max(0, self._pending - 1)
            if not self._pending:
                self._settled.notify_all()

    def settle(self, timeout: float = SETTLE_TIMEOUT) -> bool:
        """Wait (bounded) until what earlier decisions wrote is recorded. False: it was not in time."""
        with self._lock:
            return self._settled.wait_for(lambda: not self._pending, timeout)

    # ---- files ------------------------------------------------------------------------------------

    def record(self, w: Written) -> None:
        if w.content is not None and len(w.content) > MAX_CONTENT:
            w = replace(w, content=None)
        with self._lock:
            old = self._files.pop(w.path, None)
            if old is not None:
                self._bytes -= old.size
            self._files[w.path] = w
            self._bytes += w.size
            self.recorded += 1
            while self._files and (len(self._files) > self.max_entries or self._bytes > self.max_bytes):
                _, gone = self._files.popitem(last=False)
                self._bytes -= gone.size
                self.evicted += 1

    def forget(self, path: str) -> None:
        with self._lock:
            self._clones.pop(path, None)
            old = self._files.pop(path, None)
            if old is not None:
                self._bytes -= old.size

    def lookup(self, path: str) -> Written | None:
        with self._lock:
            w = self._files.get(path)
            if w is not None:
                self._files.move_to_end(path)
            return w

    # ---- files a command runs before they exist ----------------------------------------------------------

    def arm(self, path: str, how: str, language: str, cwd: str) -> None:
        """`nohup sh -c 'sleep 60; sh later.sh' &` ran while later.sh did not exist: what is written there
        later is what runs (crosscall judges that write as the run)."""
        with self._lock:
            self._armed.pop(path, None)
            self._armed[path] = (how, language, cwd)
            while len(self._armed) > MAX_ARMED:
                self._armed.popitem(last=False)

    def armed(self, path: str) -> "tuple[str, str, str] | None":
        with self._lock:
            return self._armed.get(path)

    def _remember_armed(self, parsed: Any, cwd: str, home: str) -> None:
        """The scripts this line runs that are neither on disk nor remembered: armed for a later write."""
        for run in R.runs_of(parsed, cwd, home)[:16]:
            if run.kind != R.SCRIPT or len(run.paths) != 1 or run.language.startswith(("stdin:", "eval:", "provision:")):
                continue
            path = run.paths[0]
            if path.startswith("/") and not any(ch in path for ch in "*?[") and not os.path.lexists(path) \
                    and self.lookup(path) is None:
                self.arm(path, run.how, run.language, run.cwd)

    # ---- folders a repository was cloned into ------------------------------------------------------------

    def record_clone(self, w: Written) -> None:
        with self._lock:
            self._clones.pop(w.path, None)
            self._clones[w.path] = w
            while len(self._clones) > MAX_CLONES:
                self._clones.popitem(last=False)

    def has_clones(self) -> bool:
        return bool(self._clones)

    def cloned(self, path: str) -> "Written | None":
        """The clone whose folder holds `path` (or is it), else None."""
        if not self._clones or not path.startswith("/"):
            return None
        d = posixpath.normpath(path)
        with self._lock:
            for _ in range(64):
                w = self._clones.get(d)
                if w is not None:
                    return w
                parent = posixpath.dirname(d)
                if parent == d:
                    return None
                d = parent
        return None

    def _remember_clones(self, parsed: Any, base: Written, cwd: str, home: str) -> None:
        """`git clone URL d` (gh repo clone, git submodule add, degit, svn checkout, hg clone): d holds
        code from URL, in the directory the line had reached when it cloned."""
        here = cwd
        for c in parsed.commands[:64]:
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, home)
                continue
            for path, url, how in clones_of(c.program, c.args, here):
                self.record_clone(replace(base, path=posixpath.normpath(path), url=url, by=how))

    def container(self, name: str) -> "ContainerLaunch | None":
        """The mounts of a named container an earlier call started or created (`docker run -d --name`)."""
        with self._lock:
            return self._containers.get(name)

    def _remember_container(self, c: ContainerLaunch) -> None:
        with self._lock:
            self._containers.pop(c.name, None)
            self._containers[c.name] = c
            while len(self._containers) > MAX_CONTAINERS:
                self._containers.popitem(last=False)

    def under(self, directory: str, limit: int = 64) -> list[Written]:
        """Remembered files below `directory` (newest first, at most `limit`)."""
        prefix = directory.rstrip("/") + "/"
        with self._lock:
            out = [w for w in reversed(self._files.values()) if w.path.startswith(prefix)]
        return out[:limit]

    def matching(self, pattern: str, limit: int = 8) -> list[Written]:
        """Remembered files a shell glob names (`curl -T /tmp/p_*` after `split … /tmp/p_` in an earlier call),
        newest first, at most `limit`; only below the pattern's fixed folder."""
        head = pattern[:min((pattern.find(c) for c in "*?[" if c in pattern), default=len(pattern))]
        folder = head.rsplit("/", 1)[0] + "/" if "/" in head else ""
        if not folder.startswith("/"):
            return []
        with self._lock:
            cands = [w for w in reversed(self._files.values()) if w.path.startswith(folder)]
        return [w for w in cands[:4096] if fnmatch.fnmatchcase(w.path, pattern)][:limit]

    # ---- shell definitions ---------------------------------------------------------------------------

    def define(self, host: str, session: str, d: R.Definition, by: str, at: float) -> None:
        if len(d.body) > MAX_DEFINITION_BYTES:
            d = R.Definition(d.name, d.kind, d.body[:MAX_DEFINITION_BYTES])
        key = (host, session or "-")
        with self._lock:
            defs = self._defs.get(key)
            if defs is None:
                defs = self._defs[key] = OrderedDict()
                while len(self._defs) > self.max_sessions:
                    self._defs.popitem(last=False)
            self._defs.move_to_end(key)
            defs.pop(d.name, None)
            defs[d.name] = Defined(d, by, at)
            while len(defs) > MAX_DEFINITIONS:
                defs.popitem(last=False)

    def undefine(self, host: str, session: str, name: str) -> None:
        with self._lock:
            defs = self._defs.get((host, session or "-"))
            if defs is not None:
                defs.pop(name, None)

    def definitions(self, host: str, session: str) -> dict[str, Defined]:
        with self._lock:
            return dict(self._defs.get((host, session or "-"), {}))

    def environment(self, host: str, session: str) -> "dict[str, str | None]":
        """The variables of REDIRECTING_VARIABLES an earlier call of this shell session left set
        (`export DJANGO_SETTINGS_MODULE=prod_settings`, `export GIT_DIR=…`): name → value, None when
        the value is a command's output (`export DATABASE_URL=$(…)`). A later command reads them from
        its environment without naming them; the judge's look-ups of the project's own configuration
        (adr/daemon/resolve.py) must not answer for it as if they were unset."""
        self.settle()
        out: "dict[str, str | None]" = {}
        for name, d in self.definitions(host, session).items():
            if name in REDIRECTING_VARIABLES and d.definition.kind in ("variable", "computed"):
                out[name] = d.definition.body if d.definition.kind == "variable" else None
        return out

    # ---- what an allowed action leaves behind ----------------------------------------------------------

    def remember(self, action: Action | None, verdict: Verdict, at: float | None = None) -> None:
        """Record what an action that adr let run writes, downloads or defines."""
        if action is None or verdict.decision is Decision.DENY:
            return
        at = time.time() if at is None else at
        ctx = action.context
        cwd, home = ctx.cwd, ctx.home or os.path.expanduser("~")
        base = Written(path="", by=ctx.tool or action.kind.value, session=ctx.session, host=ctx.host,
                       project=self.project_of(cwd), at=at)
        k = action.kind
        if verdict.decision is not Decision.ALLOW:
            # asked: the host may have let it run (its own prompt) — what it made stays suspect
            if k is ActionKind.EXEC and action.command:
                parsed = parse_remembered(action.command)
                self._remember_made(parsed, base, self._dirs(parsed, cwd, home), home)
                self._remember_script_made(parsed, base, cwd, home)
                self._remember_clones(parsed, base, cwd, home)
                self._remember_armed(parsed, cwd, home)
                # what it defined too (`export T=$(cat ~/.ssh/id_rsa)` asked, then `curl -d "$T" …`): a
                # later use is judged as its body; what it unset is not forgotten (never quieter)
                for d in R.definitions(parsed)[0]:
                    self.define(base.host, base.session, d, "defined in an earlier call", base.at)
                for c in parsed.commands[:64]:
                    launch = container_launch(c.program, c.args) if c.program in ("docker", "podman", "nerdctl") else None
                    if launch is not None:
                        self._remember_container(launch)
            return
        if k in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT):
            path = R.resolve(action.path, cwd, home)
            if path:
                content = action.content if k is ActionKind.FILE_WRITE else None
                self.record(replace(base, path=path, content=content, sha256=_sha(content),
                                    by=ctx.tool or ("Write" if k is ActionKind.FILE_WRITE else "Edit")))
        elif k is ActionKind.FILE_DELETE:
            path = R.resolve(action.path, cwd, home)
            if path:
                self.forget(path)
        elif k is ActionKind.EXEC and action.command:
            self._remember_exec(action.command, base, cwd, home)

    def _remember_exec(self, command: str, base: Written, cwd: str, home: str) -> None:
        parsed = parse_remembered(command)  # the line just judged
        dirs = self._dirs(parsed, cwd, home)
        for c in parsed.commands[:64]:
            launch = container_launch(c.program, c.args) if c.program in ("docker", "podman", "nerdctl") else None
            if launch is not None:
                self._remember_container(launch)
        for w in parsed.writes:
            for d in dirs:
                path = R.resolve(w.path, d, home)
                if path and not R.pseudo_file(path):
                    kept = self.lookup(path) if w.append else None  # (an append keeps what made the file)
                    self.record(replace(base, path=path, content=w.content, sha256=_sha(w.content),
                                        by=f"{w.by} (shell)" if w.by else "shell redirect",
                                        producer=kept.producer if kept else "",
                                        producer_cwd=kept.producer_cwd if kept else "",
                                        writer=(kept.writer if kept else "") or w.by))
        self._remember_made(parsed, base, dirs, home)
        self._remember_script_made(parsed, base, cwd, home)
        self._remember_clones(parsed, base, cwd, home)
        self._remember_armed(parsed, cwd, home)
        for c in parsed.commands:
            if c.program in P.REMOTE_COPIERS or c.program in P.DOWNLOADERS:
                # `curl -o f URL`, `wget URL`, `curl URL > f`, `scp u@h:x.sh .`, `lwp-download URL`, `aria2c -o f
                # URL`: a file from another host (`~` in it is this session's home)
                for local, src in P.fetched_files(c.program, c.args, c.redirects)[:16]:
                    for d in dirs:
                        p = R.resolve(local, d, home)
                        if p:
                            self.record(replace(base, path=posixpath.normpath(p), url=src, by=c.program))
            elif c.program in _MOVERS:
                self._remember_copy(c.program, c.args, dirs, home)
            elif c.program == "rm":
                for a in c.args:
                    if not a.startswith("-"):
                        for d in dirs:
                            p = R.resolve(a, d, home)
                            if p:
                                self.forget(p)
        defs, gone = R.definitions(parsed)
        for d in defs:
            self.define(base.host, base.session, d, "defined in an earlier call", base.at)
        for name in gone:
            self.undefine(base.host, base.session, name)
        for c in parsed.commands:  # `. f.sh` in a persistent shell: its functions stay defined
            if c.program in ("source", ".") and c.args and not c.via:
                path = R.resolve(c.args[0], cwd, home)
                text = _read_small(path) if path else None
                if text is None and path:
                    w = self.lookup(path)  # written by an earlier call where the daemon cannot read it
                    text = w.content if w is not None else None
                if text:
                    sourced, _ = R.definitions(parse_shell(text))
                    for d in sourced:
                        self.define(base.host, base.session, d, f"source {c.args[0]}", base.at)

    @staticmethod
    def _dirs(parsed: Any, cwd: str, home: str) -> list[str]:
        """A relative path is resolved against the working directory, and against the directory a
        `cd` on the line leads to (the order of writes and cds is not kept: both are remembered)."""
        dirs = [cwd]
        here = cwd
        for c in parsed.commands:
            if c.program in ("cd", "pushd") and not c.via:
                here = R.cd_target(c.args, here, home)
                if here not in dirs:
                    dirs.append(here)
        return dirs

    def _remember_script_made(self, parsed: Any, base: Written, cwd: str, home: str) -> None:
        """What the script files the line runs write whole, as if their text were on the line (`python3
        x.py` where x.py copies ~/.ssh/id_rsa to /tmp/o, then `curl -T /tmp/o URL` in the next call):
        each file read bounded, as the cross-call walk reads it; a few files per line."""
        for run in R.runs_of(parsed, cwd, home)[:8]:
            if run.kind != R.SCRIPT or not run.paths:
                continue
            text = _read_small(run.paths[0])
            if not text:
                continue
            line = R.as_command(R.language_of_script(run.paths[0], text, run.language), text)
            if not line or len(line) > MAX_SOURCED_BYTES:
                continue
            try:
                inner = parse_remembered(line)
            except Exception:  # (a file adr cannot parse leaves nothing to remember, never a failed call)
                log.debug("a script file run by the line could not be read for what it writes", exc_info=True)
                continue
            where = run.cwd or cwd
            self._remember_made(inner, base, self._dirs(inner, where, home), home)

    def _remember_made(self, parsed: Any, base: Written, dirs: list[str], home: str) -> None:
        """Each file the line writes whole, with the command that prints what it holds (a hand-off
        across calls: `cp ~/.env /tmp/n` now, `curl -T /tmp/n URL` in the next call). An append adds
        its producer to the one the file had."""
        appended = {w.path for w in parsed.writes if w.append}
        made = files_made_with_writer(parsed.commands, every_archive=True, computed=parsed.computed)
        seen = {t for t, _, _ in made}
        for w in parsed.writes[:64]:
            # written by a program with no known producer (xxd, split, sed's `w`, awk's `print >`, code
            # that copies a file): what it read may be in it
            if w.path in seen or w.content is not None or w.kind != "write":
                continue
            same = [c for c in parsed.commands if c.program == w.by]
            c = next((c for c in same if c.via == w.via), same[0] if same else None)
            ins = [i for i in inputs_of(c) if i != w.path] if c is not None else []
            if ins:
                made.append((w.path, "cat " + " ".join(shlex.quote(i) if not i.startswith("~/") else i for i in ins),
                             w.by))
                seen.add(w.path)
        # interpreter code that decodes what it writes (`python3 -c '…b64decode…'`, `perl -e '…decode_base64…' >
        # f`): the file is decoded data, as base64 -d's is
        decoding = {c.program for c in parsed.commands[:64] if c.program != "echo" and _decodes(c)} if made else set()
        made = [(t, p, DECODING_CODE if w in decoding else w) for t, p, w in made]
        for target, producer, writer in made:
            for d in dirs:
                path = R.resolve(target, d, home)
                if not path or R.pseudo_file(path):
                    continue
                known = self.lookup(path)
                line = producer
                if known is not None and known.producer and target in appended and len(known.producer) < 4096:
                    line = "{ " + known.producer + "; " + producer + "; }"
                    # (each producer ran in its own directory: the earlier one's relative paths are
                    # judged from the later one's — stricter when they differ, never quieter)
                if known is not None and target not in appended and known.at != base.at and known.content is not None:
                    known = replace(known, content=None, sha256="")  # made anew: what an earlier call wrote is gone
                self.record(replace(known if known is not None else replace(base, path=path),
                                    producer=line, producer_cwd=d,
                                    writer=(known.writer if known is not None and target in appended else "")
                                    or writer))

    def _remember_copy(self, prog: str, args: tuple[str, ...], dirs: list[str], home: str) -> None:
        pos = [a for a in args if not a.startswith("-")]
        if len(pos) != 2:
            return
        src, dst = pos
        for d in dirs:
            s, t = R.resolve(src, d, home), R.resolve(dst, d, home)
            if not s or not t:
                continue
            known = self.lookup(s)
            if known is None:
                continue
            if os.path.isdir(t) or dst.endswith("/"):
                t = posixpath.join(t, posixpath.basename(s))
            self.record(replace(known, path=t, by=f"{prog} from {s} ({known.by})",
                                producer=known.producer or f"cat {shlex.quote(s)}",
                                producer_cwd=known.producer_cwd or d))
            if prog == "mv":
                self.forget(s)

    def project_of(self, cwd: str) -> str:
        """The git work tree around cwd (or cwd itself): how `adr status` groups what was written."""
        if not cwd.startswith("/"):
            return ""
        with self._lock:
            hit = self._projects.get(cwd)
        if hit is not None:
            return hit
        from adr.daemon.sessions import project_root
        found = project_root(cwd)
        with self._lock:
            self._projects[cwd] = found
            while len(self._projects) > 256:
                self._projects.popitem(last=False)
        return found

    def status(self) -> dict[str, Any]:
        with self._lock:
            projects: dict[str, int] = {}
            for w in self._files.values():
                projects[w.project or "-"] = projects.get(w.project or "-", 0) + 1
            return {"files": len(self._files), "content_bytes": self._bytes, "max_files": self.max_entries,
                    "max_bytes": self.max_bytes, "evicted": self.evicted, "recorded": self.recorded,
                    "sessions_with_definitions": len(self._defs),
                    "definitions": sum(len(v) for v in self._defs.values()),
                    "projects": dict(sorted(projects.items(), key=lambda kv: -kv[1])[:20])}


# The memory of the daemon running in this process (its component attaches it at start): every Judge
# the daemon creates — one per rules generation — consults the same memory without being handed it.
# In the hook's in-process fallback and `adr check` nothing is attached: files are read, nothing recalled.
_ATTACHED: list[Memory] = []


def attach(memory: Memory) -> None:
    _ATTACHED[:] = [memory]


def detach(memory: Memory) -> None:
    if _ATTACHED and _ATTACHED[0] is memory:
        _ATTACHED.clear()


def attached() -> Memory | None:
    return _ATTACHED[0] if _ATTACHED else None


def _decodes(c: Any) -> bool:
    """Does the command's inline code decode (adr/engine/decodeflow.py DECODER)?"""
    code = " ".join(a for a in c.args[:32] if " " in a or "(" in a)[:65536]
    return bool(code) and decodeflow.DECODER.search(code) is not None


def _sha(content: str | None) -> str:
    if content is None:
        return ""
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def _read_small(path: str) -> str | None:
    """A regular file's text, at most MAX_SOURCED_BYTES (never a FIFO or device)."""
    from adr.daemon.crosscall import read_file

    got = read_file(path, MAX_SOURCED_BYTES)
    return got.text if got.status in ("ok", "too-large") else None


def fetch_command(url: str, path: str) -> str:
    """The canonical download of `url` to `path`: a split download-then-run is judged as the
    one-liner `curl … -o PATH && RUN PATH` would be."""
    return f"curl -fsSL {shlex.quote(url)} -o {shlex.quote(path)}"


class CrossCallMemory(Component):
    """The daemon's cross-call memory (adr/daemon/components.py): after every recorded decision it
    remembers, in one worker thread and in order, what an allowed action wrote, downloaded or
    defined; every Judge of this daemon reads it (`attach`). `adr status --json` → components.crosscall."""

    name = "crosscall"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.memory = Memory()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adr-memory")
        self.failed = 0

    async def start(self) -> None:
        attach(self.memory)

    async def stop(self) -> None:
        detach(self.memory)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def status(self) -> dict[str, Any]:
        return {**self.memory.status(), "failed": self.failed}

    def decided(self, d: Decided) -> None:
        if d.action is None or d.verdict.decision is Decision.DENY:
            return
        self.memory.queued()
        try:
            self._pool.submit(self._remember, d.action, d.verdict)
        except RuntimeError:  # shutting down
            self.memory.done()

    def _remember(self, action: Action, verdict: Verdict) -> None:
        try:
            self.memory.remember(action, verdict)
        except Exception:
            self.failed += 1
            log.exception("cross-call memory could not record a %s action", action.kind.value)
        finally:
            self.memory.done()

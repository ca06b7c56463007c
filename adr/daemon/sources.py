"""A compiled program's source, read when a tool runs it: the I/O half of adr/shell/builds.py.

`go run .`, `go test ./...`, `cargo run|test|bench`, `dotnet run|test`, `swift run|test`, `mvn
exec:java|test`, `gradle run|test`, `gcc x.c && ./x`: the cross-call walk (crosscall.py) hands
the Run here; this module finds the files that make the program (folders, the files the entry
points reach: rust `mod`/`#[path]`/`include!`, go imports of the module's own packages, C
`#include "…"`), reads them and hands their text to the engine as the program's code, and judges
what the build files make the tool run (a Maven `<executable>`, a Gradle `commandLine`, an MSBuild
`<Exec>`, a cargo `runner`).

Bounded by bytes, not by file count, and newest first: the files an agent wrote (adr's memory of
this daemon's sessions) and the files changed lately (the newest of their mtime and ctime — ctime
cannot be set back) are read before the rest, entry points and what they reach next, then the
others. When the byte budget (or the walk's time) runs out with a file changed lately still unread,
a human decides (crosscall.bound): padding a folder with files does not push a payload out of
sight — the padding is new too. Files unchanged for longer than `Limits.fresh_seconds` that did not
fit are recorded (crosscall.sources-unread, log only): a large project nobody touched lately stays
quiet. Read files are judged together, in chunks of one language, so code split across two files
of one program (a socket in one, the shell wired to it in the other) reads as the program it is.
"""
from __future__ import annotations

import os
import posixpath
import re
import shlex
import stat
import time
from dataclasses import dataclass, replace
from typing import Any

from adr import lazyre
from adr.actions import Evidence, Finding, RuleAction, Severity
from adr.daemon.cpuclock import decision_clock
from adr.shell import builds as B
from adr.shell import runs as R
from adr.shell.interpreters import DOTNET_PROJECTS, DOTNET_SOLUTIONS

CHUNK = 48 * 1024  # characters judged as one text (the shell layer's regexes grow faster than linear past ~64 KiB)
MAX_LISTED = 20_000  # files looked at (stat) for one program
MAX_CRATES = 32  # local crates / projects / modules one build reads the manifests of
MAX_CONFIG_LEVELS = 32  # folders searched upward for .cargo/config.toml, Directory.Build.*, go.mod, settings.gradle
# folders a language's build does not compile from when it lists a folder (outputs, fixtures, others'
# dependencies; hidden ones too — go also skips `_x`): a file there that an agent wrote is still read,
# and a file a read one reaches (a rust `mod`, a go import, a C include) is followed wherever it is
SKIP_DIRS = {
    "go": frozenset({"vendor", "testdata", "node_modules"}),
    "rust": frozenset({"target", "node_modules"}),
    "csharp": frozenset({"bin", "obj", "node_modules"}),
    "java": frozenset({"build", "target", "out", "node_modules"}),
    "swift": frozenset({"node_modules"}),
    "c": frozenset({"node_modules"}),
}
_HEADERS = (".h", ".hh", ".hpp", ".hxx", ".inl", ".ipp", ".tcc")


@dataclass
class _Src:
    path: str
    size: int
    at: float  # newest of mtime / ctime (of the link and of its target), or when an agent wrote it
    fresh: str  # why it counts as new ("" when it does not)
    w: Any  # adr's memory of it (an agent wrote it), or None
    rank: int  # 0 written by an agent, 1 changed lately, 2 an entry point or reached from one, 3 the rest
    stamp: "tuple[Any, ...] | None" = None  # what identifies this version of the file on disk (_changed_at)


class SourceSet:
    """The files of one program in one language, read newest first within the walk's bounds."""

    def __init__(self, walk: Any, run: R.Run, language: str, note: str, depth: int, what: str = "") -> None:
        self.walk = walk
        self.run = run
        self.language = language
        self.note = note
        self.depth = depth
        self.what = what or "its source"
        self.cands: dict[str, _Src] = {}
        self.listed = 0
        self.cut = ""  # why listing stopped early ("" when it did not)
        self.mode = run.mode
        lim = walk.limits
        self.now = _now()
        self.fresh_after = self.now - lim.fresh_seconds
        self.remembered: dict[str, Any] = {}  # path → what adr's memory holds of it, for the folders listed
        self.roots: set[str] = set()
        self.remembered_in: dict[str, list[str]] = {}  # folder → the remembered files in it
        self.entries: set[str] = set()  # files named as the program's entry points (a crate's roots)
        self.go_module: "tuple[str, str, list[tuple[str, str]]] | None" = None  # (root, module, replaces)
        self.cgo: set[str] = set()  # go package folders that use cgo: their C files are built in
        self.skipped = 0  # older files read but not judged (time ran out)

    # ---- which files ----------------------------------------------------------------------------------

    def wants(self, name: str, tests: bool = True) -> bool:
        dot = name.rfind(".")
        if dot <= 0 or R.FOLDER_EXT.get(name[dot:].lower()) != self.language:
            return False
        if self.language == "go" and name.endswith("_test.go") and (not tests or self.mode not in ("test", "generate")):
            return False  # (a package's tests are built only by go test, and only for the packages it tests)
        return True

    def add_specs(self, specs: "list[str] | tuple[str, ...]") -> None:
        for spec in specs:
            if spec.endswith("/..."):
                self.add_tree(spec[:-4], recursive=True)
            elif os.path.isdir(spec) or self.walk.line_sources(spec, self.language) or self.remembered_folder(spec):
                self.add_tree(spec, recursive=False)
            else:
                self.entries.add(posixpath.normpath(spec))
                self.add_file(spec, rank=2)

    def remembered_folder(self, spec: str) -> bool:
        """A folder an earlier call made with files of this language in it (`mkdir -p cmd/y && cat >
        cmd/y/main.go …`, then `go run ./cmd/y`): not on disk when adr judges."""
        mem = self.walk.memory
        return mem is not None and not spec.endswith(tuple(R.FOLDER_EXT)) and any(
            posixpath.dirname(w.path) == spec.rstrip("/") and self.wants(posixpath.basename(w.path))
            for w in mem.under(spec, 64))

    def remember_under(self, root: str) -> None:
        mem = self.walk.memory
        if mem is None or any(root == r or root.startswith(r.rstrip("/") + "/") for r in self.roots):
            return
        self.roots.add(root)
        for w in mem.under(root, 4096):
            if w.path not in self.remembered:
                self.remembered[w.path] = w
                self.remembered_in.setdefault(posixpath.dirname(w.path), []).append(w.path)

    def add_tree(self, root: str, recursive: bool, rank: int = 3, tests: bool = True) -> None:
        root = posixpath.normpath(root)
        self.remember_under(root)
        # an agent's files there first (on disk or not: what it wrote is judged either way)
        mine = [p for d, ps in self.remembered_in.items() if d == root or recursive and d.startswith(root + "/")
                for p in ps] if self.remembered_in else []
        # and what the line itself writes there (`cat > main.go <<EOF … EOF && go run .`: not on disk yet)
        mine += [p for p in self.walk.line_writes if posixpath.dirname(p) == root
                 or recursive and p.startswith(root + "/")]
        for p in mine:
            if self.wants(posixpath.basename(p), tests):
                self.add_file(p, rank=rank)
        stack = [root]
        dirs = 0
        skip = SKIP_DIRS.get(self.language, frozenset())
        while stack:
            d = stack.pop()
            dirs += 1
            if dirs > self.walk.limits.walk_dirs:
                self.cut = f"more than {self.walk.limits.walk_dirs} folders under {root}"
                return
            try:
                with os.scandir(d) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                continue
            subs = []
            for e in entries:
                try:
                    if e.is_dir(follow_symlinks=False):
                        if recursive and not e.name.startswith(".") and e.name not in skip and not (
                                self.language == "go" and e.name.startswith("_")):
                            subs.append(e.path)
                        continue
                except OSError:
                    continue
                if self.wants(e.name, tests):
                    if not self.add_file(e.path, rank=rank, entry=e):
                        return
            stack.extend(reversed(subs))

    def add_file(self, path: str, rank: int, entry: "os.DirEntry[str] | None" = None) -> bool:
        """A candidate (False once too many were looked at). `entry`: as a folder listing gave it."""
        if entry is None:
            path = posixpath.normpath(path)
        got = self.cands.get(path)
        if got is not None:
            got.rank = min(got.rank, rank) if got.rank > 1 else got.rank
            return True
        if self.listed >= MAX_LISTED:
            self.cut = f"more than {MAX_LISTED} source files"
            return False
        if not self.listed & 255 and self.listed and decision_clock() > self.walk.soft_deadline:
            self.cut = f"{self.listed} source files looked at before the time to look ran out"
            return False
        w = self.remembered.get(path)
        if w is None and entry is None:  # (a listed folder's remembered files are known already)
            w = self.walk.recall(path)
        at, size, stamp = _changed_at(path, entry)
        line = self.walk.line_writes.get(path)
        if size == -1 and (w is None or w.content is None) and line is None:
            return True  # not there (a reference to a file that does not exist)
        self.listed += 1
        fresh = ""
        # this very version was judged whole before (in this daemon) and nothing came of it: new no more
        known = stamp is not None and self.walk.cc.judged_source(stamp)
        if line is not None:
            fresh, at, rank = "written earlier on this line", self.now, 0
            size = max(size, len(line))
        elif w is not None and not known:
            fresh = w.origin(self.walk.session)
            at = max(at, w.at)
            rank = 0
        elif at >= self.fresh_after and not known:
            fresh = _CHANGED  # (said as "changed N min ago" when it is shown)
            rank = min(rank, 1)
        elif w is None and R.INSTALLED.search(path):
            return True  # an installed library's source, no agent's
        self.cands[path] = _Src(path, size if size >= 0 else (len(w.content) if w is not None and w.content else 0),
                                at, fresh, w, rank, stamp)
        return True

    # ---- reading and judging ----------------------------------------------------------------------------

    def judge(self) -> None:
        walk, lim = self.walk, self.walk.limits
        order = sorted(self.cands.values(), key=lambda s: (s.rank, -s.at if s.rank < 2 else 0, s.path))
        done: set[str] = set()
        chunk: list[tuple[str, str, str]] = []  # (path, text, origin)
        size = 0
        unread: list[_Src] = []
        stopped = ""
        k = 0
        while k < len(order):
            s = order[k]
            k += 1
            if s.path in done:
                continue
            done.add(s.path)
            if stopped:
                unread.append(s)
                continue
            if walk.source_used + min(max(s.size, 0), lim.file_bytes) > lim.source_bytes:
                if s.fresh:
                    stopped = f"more than {lim.source_bytes // 1024} KiB of source to read"
                unread.append(s)  # (an older file that does not fit: a smaller one after it may)
                continue
            if not s.fresh and decision_clock() > walk.soft_deadline:
                stopped = "the time to read more of it ran out"
                unread.append(s)
                continue
            texts = self.texts(s)
            for text, origin in texts:
                if len(text) > CHUNK and chunk:
                    self.flush(chunk)
                    chunk, size = [], 0
                chunk.append((s.path, text, origin))
                size += len(text)
                if size >= CHUNK:
                    self.flush(chunk)
                    chunk, size = [], 0
            # what this file brings in (a module, an included file, the module's own packages) comes next
            more = self.reached(s.path, texts[0][0] if texts else "")
            if more:
                order[k:k] = sorted((m for m in more if m.path not in done), key=lambda m: (m.rank, m.path))
        if chunk:
            self.flush(chunk)
        self.report(unread, stopped)

    def texts(self, s: _Src) -> "list[tuple[str, str]]":
        """(text, origin) of a source file: what is on disk, what an agent wrote there when that differs,
        what the line itself writes there (crosscall.content; a too large older file is not a bound)."""
        walk = self.walk
        w = s.w
        if w is not None and w.url and ("file", s.path) not in walk.seen:
            walk.downloaded(replace(self.run, paths=(s.path,), mode="interpreter", language=self.language), s.path, w,
                            self.depth, self.note)
        got = walk.content(s.path, self.run, self.note or self.run.how, line_written=True, counted=False,
                           large_asks=bool(s.fresh), w=w)
        walk.source_used += sum(len(t) for t, _, _ in got)
        return [(t, _why(s, self.now) if o.startswith("on disk") and s.fresh else o) for t, o, _ in got]

    def flush(self, chunk: "list[tuple[str, str, str]]") -> None:
        names = list(dict.fromkeys(p for p, _, _ in chunk))
        # the new ones first, with where they came from ("written by Write at …", "changed 3 min ago")
        origins: dict[str, str] = {}
        for p, _, o in chunk:
            if not o.startswith("on disk"):
                origins[p] = origins.get(p, o) if not o.startswith("as ") else f"{origins[p]}; {o}" if p in origins else o
        shown = [f"{p} ({o})" for p, o in origins.items()] + [p for p in names if p not in origins]
        said = f"runs {self.what}: " + ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
        here = _note(self.note, f"{said} via `{self.run.how}`")
        agent = any(self.cands.get(p) is not None and self.cands[p].w is not None for p in names)
        raised = self.walk.raised
        if self.mode == "generate":
            for p, text, _ in chunk:
                for cmd in B.go_generate_commands(text)[:16]:
                    self.walk.judge(cmd.replace("$GOFILE", posixpath.basename(p)), posixpath.dirname(p), self.depth,
                                    _note(self.note, f"runs //go:generate of {p} via `{self.run.how}`"), agent=agent)
            return
        text = "\n".join(t for _, t, _ in chunk)
        command = self.walk.as_command(self.language, text, names[0], self.note or self.run.how)
        again = ("judge", command, self.run.cwd) in self.walk.seen  # (judged earlier in this walk: not now)
        # older files only: read while time lasts (running out of it here asks nothing)
        old = not any(self.cands[p].fresh for p in names if p in self.cands)
        if old and decision_clock() > self.walk.soft_deadline:
            self.skipped += len(names)
            return
        judged = self.walk.judged
        self.walk.judge(command, self.run.cwd, self.depth, here, agent=agent, lenient=old)
        if self.walk.raised == raised and not again and text and self.walk.judged > judged and \
                decision_clock() <= self.walk.deadline:
            # judged whole and nothing asked or denied: unchanged, these files are no longer new to a later
            # run (an agent's project bigger than the budget is read a part per run, then stays quiet)
            for p in names:
                s = self.cands.get(p)
                if s is not None and s.stamp is not None:
                    self.walk.cc.judged_source(s.stamp, record=True)

    def reached(self, path: str, text: str) -> "list[_Src]":
        """The files `path` brings into the program, as new candidates ranked beside entry points."""
        if not text:
            return []
        if self.language == "rust":
            paths = B.rust_refs(path, text, root=path in self.entries)
        elif self.language == "c":
            paths = B.c_includes(path, text)
        elif self.language == "go":
            paths = []
            for folder in self.go_folders(path, text):
                before = set(self.cands)
                self.add_tree(folder, recursive=False, rank=2, tests=False)
                paths += [p for p in self.cands if p not in before]
            return [self.cands[p] for p in paths if p in self.cands]
        else:
            return []
        out = []
        for p in paths:
            if p in self.cands:
                continue
            if self.language == "c" and not (p.endswith(_HEADERS) or self.wants(posixpath.basename(p))) \
                    or self.language == "rust" and not p.endswith(".rs"):
                continue
            self.add_file(p, rank=2)
            if p in self.cands:
                out.append(self.cands[p])
        return out

    def go_folders(self, path: str, text: str) -> "list[str]":
        if self.go_module is None:
            self.go_module = ("", "", [])
            d = posixpath.dirname(path)
            for _ in range(MAX_CONFIG_LEVELS):
                mod = posixpath.join(d, "go.mod")
                if os.path.isfile(mod) or mod in self.walk.line_writes:
                    got = _small(self.walk, mod)
                    module, replaces = B.go_mod(got)
                    self.go_module = (d, module, replaces)
                    break
                parent = posixpath.dirname(d)
                if parent == d:
                    break
                d = parent
        root, module, replaces = self.go_module
        if not root:
            return []
        imports = B.go_imports(text)
        if "C" in imports:
            self.cgo.add(posixpath.dirname(path))
        out = B.go_local_folders(imports, root, module, replaces)
        vendor = posixpath.join(root, "vendor")
        if os.path.isdir(vendor):  # (a vendored dependency builds from there: its init runs too)
            out += [v for imp in imports if "." in imp.split("/", 1)[0]
                    and os.path.isdir(v := posixpath.join(vendor, imp))]
        return out

    def report(self, unread: "list[_Src]", stopped: str) -> None:
        fresh = [s for s in unread if s.fresh]
        if self.cut:
            self.walk.bound(f"{self.what} could not be listed completely ({self.cut})", self.run.how,
                            self.note or self.run.how)
        if fresh:
            shown = "; ".join(f"{s.path} ({_why(s, self.now)})" for s in fresh[:3]) + (
                f" and {len(fresh) - 3} more" if len(fresh) > 3 else "")
            self.walk.bound(f"{stopped or 'the source budget ran out'}: {len(fresh)} source file(s) changed lately were "
                            f"not read — {shown}", self.run.how, self.note or self.run.how)
        elif unread or self.skipped:
            self.walk.add(Finding(
                rule_id="crosscall.sources-unread", title="Part of a program's older source was not read",
                severity=Severity.INFO, action=RuleAction.LOG,
                evidence=(Evidence(subject=self.run.how[:500], field="crosscall", note=_note(
                    self.note, f"{len(unread) + self.skipped} of its files, none changed in the last "
                               f"{_ago(self.walk.limits.fresh_seconds)} and none written by an agent, were not judged "
                               f"({stopped or 'the source budget ran out'})" + (
                                   f": e.g. {unread[0].path}" if unread else ""))),),
                description="adr reads a compiled program's source newest first within a byte budget; files no "
                            "agent wrote and nobody changed lately are read only while the budget lasts.",
                tags=("crosscall",), source="crosscall"))


def _now() -> float:
    return time.time()


_CHANGED = "changed lately"


def _why(s: "_Src", now: float) -> str:
    """Why a source file counts as new, for the note the human reads."""
    return f"changed {_ago(now - s.at)} ago" if s.fresh == _CHANGED else s.fresh


def _changed_at(path: str, entry: "os.DirEntry[str] | None" = None) -> "tuple[float, int, tuple[Any, ...] | None]":
    """(when the file last changed, its size, a stamp of this version): the newest of mtime and ctime, of
    a symlink and of what it points at — ctime is the kernel's (a `touch -d` or `cp -p` sets mtime
    back, never ctime; any write, rename or link changes it). Size -1: no such file; -2: not a regular
    file. The stamp (path, device, inode, both ctimes, size) names this content on disk: a later
    change gives another."""
    at, size = 0.0, -1
    parts: list[Any] = [path]
    try:
        # (a listed entry that is no symlink: its one lstat is its stat — the same stamp either way)
        one = entry.stat(follow_symlinks=False) if entry is not None and not entry.is_symlink() else None
    except OSError:
        one = None
    for follow in (False, True):
        try:
            st = one if one is not None else os.stat(path, follow_symlinks=follow)
        except (OSError, ValueError):
            return at, size, None
        at = max(at, st.st_mtime, st.st_ctime)
        parts += [st.st_dev, st.st_ino, st.st_ctime_ns, st.st_mtime_ns]
        if follow:
            size = st.st_size if stat.S_ISREG(st.st_mode) else -2  # (a FIFO, a device: asks when read)
            parts.append(st.st_size)
    return at, size, (tuple(parts) if size >= 0 else None)


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{int(seconds)} s"
    if seconds < 7200:
        return f"{int(seconds // 60)} min"
    if seconds < 172800:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def _note(outer: str, inner: str) -> str:
    if outer and inner:
        return f"{outer}; {inner}"
    return outer or inner


def _small(walk: Any, path: str, limit: int = 256 * 1024) -> str:
    """A small file a tool reads for its settings (go.mod, an overlay, ansible.cfg): as the line writes it, on
    disk, or as an earlier call wrote it where the daemon cannot read it."""
    if path in walk.line_writes:
        return walk.line_writes[path][:limit]
    from adr.daemon.crosscall import read_file
    got = read_file(path, limit)
    if got.status in ("ok", "too-large"):
        return got.text
    w = walk.recall(path) if got.status == "missing" else None
    return w.content[:limit] if w is not None and w.content else ""


# ---- run kinds -----------------------------------------------------------------------------------------------

def run_sources(walk: Any, run: R.Run, depth: int, note: str, what: str = "") -> None:
    """A SOURCES run: the program's files (run.paths: files, then folders), read and judged together."""
    lang = run.language
    if not lang:
        return
    what = what or ("the tests and the packages they build" if run.mode == "test" else "")
    ss = SourceSet(walk, run, lang, note, depth, what)
    ss.add_specs(run.paths)
    if lang == "go" and run.names:
        # `go test example.com/m/pkg/...`: an import path of the module's own packages
        ss.go_folders(posixpath.join(run.cwd, "x.go"), "")
        root, module, replaces = ss.go_module or ("", "", [])
        for name in run.names:
            rec = name.endswith("/...")
            base = name[:-4] if rec else name
            for folder in B.go_local_folders([base], root, module, replaces) if root else []:
                ss.add_tree(folder, recursive=rec)
    if lang == "go" and run.args and run.args[0].startswith("-overlay="):
        overlay = run.args[0].split("=", 1)[1]
        for p in B.go_overlay(_small(walk, overlay))[:64]:
            ss.add_file(R.resolve(p, posixpath.dirname(overlay)), rank=2)
    ss.judge()
    if ss.cgo:
        # `import "C"`: the package's C files are compiled in (a constructor there runs before main)
        run_sources(walk, replace(run, paths=tuple(sorted(ss.cgo))[:16], names=(), args=(), language="c"), depth, note,
                    what="the C files cgo builds into it")


def run_command(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """A command line a tool runs around what it builds (`go test -exec CMD`): judged as that line."""
    for line in run.args[:4]:
        walk.judge(line, run.cwd, depth, _note(note, f"{run.names[0] if run.names else 'runs it'} via `{run.how}`"))


def run_build(walk: Any, run: R.Run, depth: int, note: str) -> None:
    tool = run.names[0] if run.names else ""
    {"cargo": _cargo, "maven": _maven, "gradle": _gradle, "dotnet": _dotnet, "swift": _swift, "sbt": _definitions,
     "meson": _definitions, "config": _config_file}.get(tool, _none)(walk, run, depth, note)


def _none(walk: Any, run: R.Run, depth: int, note: str) -> None:
    return


def _texts(walk: Any, path: str, run: R.Run, note: str) -> "list[tuple[str, str, bool]]":
    """A build file's text (and an agent's or the line's version when it differs), without counting
    against the per-decision file count (a build reads many small manifests); its bytes do count."""
    got = walk.content(path, run, note, line_written=True, counted=False)
    walk.bytes += sum(len(t) for t, _, _ in got[:1])
    return got


def _exists(walk: Any, path: str) -> bool:
    return os.path.exists(path) or path in walk.line_writes or walk.recall(path) is not None


def _upward(walk: Any, start: str, names: "tuple[str, ...]", stop_at_first: bool = False) -> "list[str]":
    """Files named `names` in `start` and each folder above it (nearest first), on disk, written by the
    line or by an earlier call."""
    out: list[str] = []
    d = start
    for _ in range(MAX_CONFIG_LEVELS):
        for n in names:
            p = posixpath.join(d, n)
            if os.path.isfile(p) or p in walk.line_writes or walk.recall(p) is not None:  # (or an earlier call's)
                out.append(p)
                if stop_at_first:
                    return out
        parent = posixpath.dirname(d)
        if parent == d:
            break
        d = parent
    return out


def _judge_commands(walk: Any, found: "list[tuple[str, str]]", path: str, origin: str, cwd: str, depth: int,
                    note: str, how: str, agent: bool, why: str = "") -> None:
    for where, cmd in found[:32]:
        if cmd.strip():
            walk.judge(cmd, cwd, depth, _note(note, f"runs {where} of {path} ({origin}){why} via `{how}`"), agent=agent)


# ---- cargo --------------------------------------------------------------------------------------------------

def _cargo_alias(walk: Any, run: R.Run, cfgs: "list[str]", depth: int, note: str) -> None:
    """`cargo NAME` where the nearest configuration's `[alias]` defines NAME (a string of words or a
    list): judged as the cargo line it expands to, with the words given after it (`--manifest-path` of
    another crate, `run` of a program elsewhere …). A built-in subcommand is never an alias."""
    name = run.names[1]
    for path in cfgs[:8]:
        for text, origin, agent in _texts(walk, path, run, note):
            data = B._toml(text) if "alias" in text else None
            table = data.get("alias") if isinstance(data, dict) else None
            value = table.get(name) if isinstance(table, dict) else None
            words = value.split() if isinstance(value, str) else [w for w in value if isinstance(w, str)] \
                if isinstance(value, list) else []
            if words:
                line = " ".join(shlex.quote(w) for w in ["cargo", *words[:64], *run.args[:64]])
                walk.judge(line, run.cwd, depth, _note(note, f"cargo's alias {name} in {path} ({origin}) via `{run.how}`"),
                           agent=agent)
                return  # (the nearest definition wins)


def _cargo(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """Build scripts (build.rs or `build = "…"`) and proc-macro crates of every local crate the build
    compiles (the package, workspace members, path dependencies and patches) run at every build; the
    configuration's programs (`rustc-wrapper`, `linker`, `runner` …) too; then what the subcommand runs."""
    # cargo finds the package's Cargo.toml from the folder up (`cargo test` in src/ builds the crate)
    # (none in sight: one may come from a command adr cannot read — `cargo init` earlier on the line — so
    # the folder is read as a package of cargo's default layout: src/, build.rs)
    found = _upward(walk, run.paths[0], ("Cargo.toml",), stop_at_first=True)
    root = posixpath.dirname(found[0]) if found else run.paths[0]
    sel = R.cargo_selected(run.args)
    # the configuration: .cargo/config.toml from the package's folder up, then cargo's home; --config
    home_cfg = posixpath.join(os.environ.get("CARGO_HOME") or posixpath.join(walk.home, ".cargo"), "config.toml")
    cfgs = _upward(walk, root, (".cargo/config.toml", ".cargo/config"))
    if os.path.isfile(home_cfg) and home_cfg not in cfgs:
        cfgs.append(home_cfg)
    if run.mode == "alias":
        _cargo_alias(walk, run, cfgs, depth, note)
        return
    for path in cfgs[:8]:
        for text, origin, agent in _texts(walk, path, run, note):
            found = [(k, c) for k, c in B.cargo_config_commands(text)
                     if run.mode in ("run", "test", "bench") or ".runner" not in k]
            _judge_commands(walk, found, path, origin, root, depth, note, run.how, agent,
                            " (cargo's configuration)")
    for value in [a.split("=", 1)[1] for a in run.args if a.startswith("--config=")][:8]:
        text = B.cargo_config_override(value)
        if not text and value.endswith(".toml"):
            p = R.resolve(value, run.cwd, walk.home)
            text = "\n".join(t for t, _, _ in _texts(walk, p, run, note)) if p else ""
        found = [(k, c) for k, c in B.cargo_config_commands(text) if run.mode in ("run", "test", "bench")
                 or ".runner" not in k]
        _judge_commands(walk, found, "--config", "the command line", root, depth, note, run.how, True)
    if run.mode == "elsewhere":
        return  # (`cargo install NAME`: not this folder's crate)
    # the local crates: this one, its workspace's members, path dependencies (recursively)
    crates: dict[str, B.CargoManifest] = {}
    queue = [root]
    top: "B.CargoManifest | None" = None
    while queue and len(crates) < MAX_CRATES:
        d = posixpath.normpath(queue.pop(0))
        if d in crates:
            continue
        mpath = posixpath.join(d, "Cargo.toml")
        texts = _texts(walk, mpath, run, note) if _exists(walk, mpath) else []
        m = B.cargo_manifest(texts[0][0]) if texts else B.CargoManifest(package=True) if d == root else None
        if m is None:
            continue
        crates[d] = m
        if top is None:
            top = m
        for member in m.members:
            queue += _members(d, member)
        queue += [posixpath.join(d, p) for p in m.paths]
    if len(crates) >= MAX_CRATES and queue:
        walk.bound(f"more than {MAX_CRATES} local crates to read", root, note or run.how)
    for d, m in crates.items():
        if not m.package:
            continue
        build = posixpath.join(d, m.build) if m.build else ("" if m.build == "" else posixpath.join(d, "build.rs"))
        if build and _exists(walk, build):
            run_sources(walk, R.Run(R.SOURCES, run.how, d, (build,), language="rust", mode="build"), depth, note,
                        what=f"the build script of {d}")
        if m.proc_macro:  # a procedural macro runs inside the compiler, at every build of what uses it
            lib = posixpath.join(d, m.lib) if m.lib else posixpath.join(d, "src", "lib.rs")
            run_sources(walk, R.Run(R.SOURCES, run.how, d, (lib, posixpath.join(d, "src") + "/..."), language="rust",
                                    mode="build"), depth, note, what=f"the procedural macros of {d}")
    if run.mode not in ("run", "test", "bench"):
        return
    # the packages whose program, tests or benchmarks run: -p NAME, the workspace's, or this one
    named = set(sel.get("package", []))
    targets = [d for d, m in crates.items() if m.package and (
        m.name in named if named else d == root or top is not None and not top.package or "workspace" in sel
        or "all" in sel)]
    specs: list[str] = []
    for d in targets:
        m = crates[d]
        declared = {(k, n): posixpath.join(d, p) for k, n, p in m.targets}
        if run.mode == "run":
            names = sel.get("bin", []) or []
            for n in names:
                specs += [declared.get(("bin", n), ""), posixpath.join(d, "src/bin", n + ".rs"),
                          posixpath.join(d, "src/bin", n, "main.rs")]
            for n in sel.get("example", []):
                specs += [declared.get(("example", n), ""), posixpath.join(d, "examples", n + ".rs"),
                          posixpath.join(d, "examples", n, "main.rs")]
            if not names and not sel.get("example"):
                specs += [p for (k, _), p in declared.items() if k == "bin"] + [posixpath.join(d, "src/main.rs")]
        else:
            kind = "test" if run.mode == "test" else "bench"
            specs += [p for (k, _), p in declared.items() if k == kind]
        specs += [posixpath.join(d, m.lib) if m.lib else posixpath.join(d, "src/lib.rs"), posixpath.join(d, "src") + "/..."]
        if run.mode == "test":
            specs.append(posixpath.join(d, "tests") + "/...")
        elif run.mode == "bench":
            specs.append(posixpath.join(d, "benches") + "/...")
    # the local crates it links: their code runs in the program too (a static constructor needs no call)
    for d, m in crates.items():
        if m.package and d not in targets:
            specs.append(posixpath.join(d, "src") + "/...")
    what = {"run": "the program's source", "test": "the tests and the crate's source",
            "bench": "the benchmarks and the crate's source"}[run.mode]
    run_sources(walk, R.Run(R.SOURCES, run.how, root, tuple(p for p in specs if p), language="rust", mode=run.mode),
                depth, note, what=what)


def _members(d: str, pattern: str) -> "list[str]":
    """A workspace member's folders (`crates/*`: each folder there that holds a Cargo.toml)."""
    if not any(ch in pattern for ch in "*?["):
        return [posixpath.join(d, pattern)]
    import fnmatch
    head, _, tail = pattern.partition("*")
    base = posixpath.join(d, posixpath.dirname(head + "x"))
    out = []
    try:
        with os.scandir(base) as it:
            for e in sorted(it, key=lambda e: e.name)[:256]:
                rel = posixpath.relpath(e.path, d)
                if e.is_dir() and fnmatch.fnmatch(rel, pattern) and os.path.isfile(posixpath.join(e.path, "Cargo.toml")):
                    out.append(e.path)
    except OSError:
        pass
    return out


# ---- maven ----------------------------------------------------------------------------------------------------

_JVM_MAIN = ("src/main/java", "src/main/kotlin", "src/main/groovy", "src/main/scala")
_JVM_TEST = ("src/test/java", "src/test/kotlin", "src/test/groovy", "src/test/scala")


def _props(args: "tuple[str, ...]") -> "dict[str, str]":
    out: dict[str, str] = {}
    for k, a in enumerate(args):
        v = a[2:] if a.startswith("-D") and len(a) > 2 else args[k + 1] if a in ("-D", "--define") and k + 1 < len(args) \
            else ""
        name, eq, val = v.partition("=")
        if eq:
            out[name] = val
    return out


def _maven(walk: Any, run: R.Run, depth: int, note: str) -> None:
    root = run.paths[0]
    props = _props(run.args)
    goals = run.names[1:]
    mains: list[str] = [props["exec.mainClass"]] if props.get("exec.mainClass") else []
    if any(g.endswith(":exec") for g in goals) and props.get("exec.executable"):
        walk.judge(f"{props['exec.executable']} {props.get('exec.args', '')}".strip(), root, depth,
                   _note(note, f"exec:exec runs -Dexec.executable via `{run.how}`"))
    # the JVM options the project gives maven itself (.mvn/jvm.config: a -javaagent runs first)
    for path in (posixpath.join(root, ".mvn/jvm.config"), posixpath.join(root, ".mvn/maven.config")):
        if _exists(walk, path):
            for text, origin, agent in _texts(walk, path, run, note):
                opts = " ".join(text.split())
                if opts and path.endswith("jvm.config"):
                    walk.judge(f"JAVA_TOOL_OPTIONS={_q(opts)} mvn", root, depth,
                               _note(note, f"maven starts with {path} ({origin}) via `{run.how}`"), agent=agent)
    modules = [root]
    seen: set[str] = set()
    extra: list[str] = []  # source folders the poms set
    while modules and len(seen) < MAX_CRATES:
        d = posixpath.normpath(modules.pop(0))
        if d in seen:
            continue
        pom = posixpath.join(d, "pom.xml")
        if not _exists(walk, pom):
            continue  # (no pom: maven stops there)
        seen.add(d)
        for text, origin, agent in _texts(walk, pom, run, note):
            p = B.pom(text)
            _judge_commands(walk, list(p.commands), pom, origin, d, depth, note, run.how, agent)
            for where, lang, code in p.code:
                walk.judge(R.as_command(lang, code), d, depth,
                           _note(note, f"runs {where} of {pom} ({origin}) via `{run.how}`"), agent=agent)
            if p.main_class and not mains:
                mains.append(p.main_class)
            modules += [posixpath.join(d, m) for m in p.modules]
            extra += [posixpath.normpath(posixpath.join(d, x)) for x in p.source_dirs]
    _jvm_sources(walk, run, sorted(seen), mains, depth, note, extra)


def _jvm_sources(walk: Any, run: R.Run, projects: "list[str]", mains: "list[str]", depth: int, note: str,
                 extra: "list[str] | None" = None) -> None:
    if run.mode == "build":
        return
    specs: list[str] = [x + "/..." for x in extra or []]
    for d in projects[:MAX_CRATES]:
        roots = [posixpath.join(d, r) for r in _JVM_MAIN]
        for main in mains[:4]:
            specs += B.class_files(main, roots)
        specs += [r + "/..." for r in roots]
        if run.mode.startswith("test"):
            specs += [posixpath.join(d, r) + "/..." for r in _JVM_TEST]
    what = {"run": "the main class and its source set"}.get(run.mode, "the tests and the main source set")
    run_sources(walk, R.Run(R.SOURCES, run.how, run.cwd, tuple(specs), language="java", mode=run.mode), depth, note,
                what=what)


def _q(s: str) -> str:
    import shlex
    return shlex.quote(s)


# ---- gradle ---------------------------------------------------------------------------------------------------

_GRADLE_SETTINGS = ("settings.gradle", "settings.gradle.kts")
_GRADLE_BUILD = ("build.gradle", "build.gradle.kts")


def _gradle(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """Every gradle invocation runs the build's scripts (settings, each project's build file, what they
    apply, buildSrc, init scripts): they are code, judged as such, and their `exec { commandLine … }`
    and `"…".execute()` are the command lines they run; then `run` / `test` run the project's source."""
    from adr.engine.buildfiles import build_commands
    start = run.paths[0]
    settings = _upward(walk, start, _GRADLE_SETTINGS, stop_at_first=True)
    top = posixpath.dirname(settings[0]) if settings else start
    projects = [top] + ([start] if start != top else [])
    scripts: list[str] = list(settings)
    gradle_home = os.environ.get("GRADLE_USER_HOME") or posixpath.join(walk.home, ".gradle")
    args = list(run.args)
    for k, a in enumerate(args[:-1]):
        if a in ("-I", "--init-script", "-b", "--build-file", "-c", "--settings-file"):
            p = R.resolve(args[k + 1], run.cwd, walk.home)
            if p:
                scripts.append(p)
    scripts += [posixpath.join(gradle_home, n) for n in ("init.gradle", "init.gradle.kts")]
    try:
        scripts += sorted(posixpath.join(gradle_home, "init.d", n) for n in os.listdir(posixpath.join(gradle_home, "init.d"))
                          if n.endswith((".gradle", ".gradle.kts")))[:16]
    except OSError:
        pass
    build_src = posixpath.join(top, "buildSrc")
    mains: list[str] = []
    extra: list[str] = []  # source folders the build files set
    k = 0
    listed = False
    while k < 4 * MAX_CRATES:
        if k >= len(scripts):
            if listed:
                break
            # after the settings and init scripts: each project's build file, and buildSrc's
            listed = True
            scripts += [posixpath.join(d, n) for d in list(dict.fromkeys(projects))[:MAX_CRATES] + [build_src]
                        for n in _GRADLE_BUILD]
            continue
        path = scripts[k]
        k += 1
        if not _exists(walk, path):
            continue
        for text, origin, agent in _texts(walk, path, run, note):
            said = _note(note, f"runs {path} ({origin}): gradle evaluates it via `{run.how}`")
            walk.judge(R.as_command("java", text), posixpath.dirname(path), depth, said, agent=agent)
            _judge_commands(walk, build_commands(path, text), path, origin, posixpath.dirname(path), depth, note,
                            run.how, agent)
            scripts += [posixpath.normpath(posixpath.join(posixpath.dirname(path), a)) for a in B.gradle_applied(text)]
            if path in settings:
                projects += [posixpath.normpath(posixpath.join(top, p)) for p in B.gradle_projects(text)]
            main = B.gradle_main_class(text)
            if main:
                mains.append(main)
            extra += [posixpath.normpath(posixpath.join(posixpath.dirname(path), x)) for x in B.gradle_source_dirs(text)]
    props = posixpath.join(top, "gradle.properties")
    for text, origin, agent in _texts(walk, props, run, note) if _exists(walk, props) else []:
        m = re.search(r"(?m)^\s*org\.gradle\.jvmargs\s*[=:]\s*(.+)$", text)
        if m:
            walk.judge(f"JAVA_TOOL_OPTIONS={_q(m.group(1).strip())} gradle", top, depth,
                       _note(note, f"gradle's daemon starts with {props} ({origin}) via `{run.how}`"), agent=agent)
    # buildSrc is compiled and run by every build: its source is the build's code
    run_sources(walk, R.Run(R.SOURCES, run.how, build_src, tuple(posixpath.join(build_src, r) + "/..." for r in _JVM_MAIN),
                            language="java", mode="build"), depth, note, what="buildSrc (run by every build)")
    _jvm_sources(walk, run, list(dict.fromkeys(projects)), mains, depth, note, extra)


# ---- dotnet ---------------------------------------------------------------------------------------------------

# a .sln's `Project("{…}") = "Name", "path\\x.csproj", …` (a .slnx's `<Project Path="…">`)
_SLN_PROJECT = lazyre.compile(r"""(?m)^Project\([^)]*\)\s*=\s*"[^"]*"\s*,\s*"([^"]+\.(?:cs|fs|vb)proj)"|"""
                          r"""Path\s*=\s*"([^"]+\.(?:cs|fs|vb)proj)\"""")


def _dotnet(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """The project files MSBuild evaluates (the project, Directory.Build.props/.targets above it, what
    they import): their `<Exec>` commands and inline tasks' code run at build; `run` / `test` run
    the project's own .cs files (all of them: a module initializer in any file runs first)."""
    target = run.paths[0]
    projects: list[str] = []
    if target.endswith(DOTNET_PROJECTS):
        projects = [target]
    elif target.endswith(DOTNET_SOLUTIONS):
        projects = _sln_projects(walk, target, run, note)
    elif os.path.isdir(target):
        try:
            names = sorted(os.listdir(target))
        except OSError:
            names = []
        projects = [posixpath.join(target, n) for n in names if n.endswith(DOTNET_PROJECTS)]
        if not projects:
            for n in names:
                if n.endswith(DOTNET_SOLUTIONS):
                    projects += _sln_projects(walk, posixpath.join(target, n), run, note)
    projects = projects[:MAX_CRATES]
    if not projects:
        # none in sight: one may come from a command adr cannot read (`dotnet new console` earlier on the
        # line), so what `run` / `test` would compile of the folder is read (as cargo's default layout is)
        if run.mode in ("run", "test") and not target.endswith(DOTNET_SOLUTIONS + DOTNET_PROJECTS):
            run_sources(walk, R.Run(R.SOURCES, run.how, run.cwd, (target + "/...",), language="csharp",
                                    mode=run.mode), depth, note, what="the folder's source (no project file in sight)")
        return
    files: list[str] = []
    compiles: list[str] = []  # <Compile Include> from outside the project folders
    for proj in projects:
        d = posixpath.dirname(proj)
        files.append(proj)
        for name in ("Directory.Build.props", "Directory.Build.targets"):
            files += _upward(walk, d, (name,), stop_at_first=True)
    k = 0
    while k < len(files) and k < 4 * MAX_CRATES:
        path = files[k]
        k += 1
        if not _exists(walk, path):
            continue
        for text, origin, agent in _texts(walk, path, run, note):
            m = B.msbuild(text)
            d = posixpath.dirname(path)
            _judge_commands(walk, list(m.commands), path, origin, d, depth, note, run.how, agent)
            for where, lang, code in m.code:
                if lang != "other":
                    walk.judge(R.as_command(lang, code), d, depth,
                               _note(note, f"runs {where} of {path} ({origin}) via `{run.how}`"), agent=agent)
            files += [posixpath.normpath(posixpath.join(d, i.replace("\\", "/"))) for i in m.imports]
            for inc in m.compiles:
                full = posixpath.normpath(posixpath.join(d, inc.split("*", 1)[0]))
                compiles.append(full.rstrip("/") + "/..." if "*" in inc else full)
    if run.mode not in ("run", "test"):
        return
    dirs = [posixpath.dirname(p) for p in projects]
    run_sources(walk, R.Run(R.SOURCES, run.how, run.cwd, tuple(compiles[:16]) + tuple(
        d + "/..." for d in dict.fromkeys(dirs)), language="csharp",
                            mode=run.mode), depth, note,
                what="the project's source" if run.mode == "run" else "the test projects' source")


def _sln_projects(walk: Any, sln: str, run: R.Run, note: str) -> "list[str]":
    out = []
    for text, _, _ in _texts(walk, sln, run, note) if _exists(walk, sln) else []:
        for m in _SLN_PROJECT.finditer(text[:256 * 1024]):
            rel = (m.group(1) or m.group(2)).replace("\\", "/")
            out.append(posixpath.normpath(posixpath.join(posixpath.dirname(sln), rel)))
    return out[:MAX_CRATES]


# ---- swift ----------------------------------------------------------------------------------------------------

def _swift(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """Package.swift is a program SwiftPM compiles and runs before every build; build-tool plugins
    (Plugins/) run during it; `run` runs Sources/, `test` Sources/ and Tests/."""
    root = run.paths[0]
    if not _exists(walk, posixpath.join(root, "Package.swift")):
        return  # (no package: swift stops there)
    manifests = [posixpath.join(root, "Package.swift")]
    try:
        manifests += sorted(posixpath.join(root, n) for n in os.listdir(root)
                            if re.fullmatch(r"Package@swift-[\d.]+\.swift", n))
    except OSError:
        pass
    run_sources(walk, R.Run(R.SOURCES, run.how, root, tuple(manifests) + (posixpath.join(root, "Plugins") + "/...",),
                            language="swift", mode="build"), depth, note, what="Package.swift and the package's plugins")
    if run.mode not in ("run", "test"):
        return
    specs = [posixpath.join(root, "Sources") + "/..."]
    if run.mode == "test":
        specs.append(posixpath.join(root, "Tests") + "/...")
    run_sources(walk, R.Run(R.SOURCES, run.how, root, tuple(specs), language="swift", mode=run.mode), depth, note,
                what="the package's source" if run.mode == "run" else "the tests and the package's source")


# ---- sbt, meson ------------------------------------------------------------------------------------------------

MAX_INCLUDE_DEPTH = 4  # a Tiltfile that loads a file that loads … (deeper asks)
MAX_INCLUDED = 16  # files one tool file brings in (more asks); their bytes count against the walk's budget


def _config_file(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """A file a tool loads and runs commands from (adr/shell/toolconfigs.py: a Tiltfile, tox.ini, a
    Procfile, pyproject's poe tasks …), read by the build-file readers, with the files it brings in
    (adr/engine/buildincludes.py: load()/include(), add_subdirectory(), extends:, poe's include); for a
    task runner, only the families in `run.args` and the tasks `run.names[1:]` name (and those they
    refer to, in whichever of those files)."""
    from adr.engine.buildfiles import MAX_COMMANDS, build_commands, task_commands
    paths: list[str] = []
    for path in run.paths:
        if os.path.isdir(path):  # (rake's rakelib/: every .rake file of it, read as the Rakefile)
            names = sorted(n for n in os.listdir(path) if n.endswith(".rake"))
            if len(names) > R.MAX_FOLDER_SOURCES:
                walk.bound(f"more than {R.MAX_FOLDER_SOURCES} files in {path}: only the first were judged",
                           path, note or run.how)
            paths += [posixpath.join(path, n) for n in names[:R.MAX_FOLDER_SOURCES]]
        else:
            paths.append(path)
    for path in paths:
        if not _exists(walk, path):
            continue
        names = run.names[1:]
        if run.args == ("script",) and path.endswith("/package.json") and names:
            # deno's fallback: a task deno.json defines runs from there, not package.json's script of that name
            names = _not_deno_tasks(walk, run, posixpath.dirname(path), names, note)
            if not names:
                continue
        found: list[tuple[str, str]] = []
        whence: dict[tuple[str, str], tuple[str, str, bool]] = {}  # (label, command) → (file, origin, by an agent)
        for file, like, text, origin, agent in _with_included(walk, run, path, note):
            for where, cmd in build_commands(file, text, like=like):
                if run.args == ("script",) and (like or file).endswith("package.json") and where.endswith(" script"):
                    where = "script " + where[:-len(" script")]  # (deno's fallback: labelled as the task it is)
                found.append((where, cmd))
                whence.setdefault((where, cmd), (file, origin, agent))
        if run.args:
            found = task_commands(found, run.args, names)
        chosen = list(dict.fromkeys(found))
        cap = MAX_COMMANDS - 1 if len(chosen) > MAX_COMMANDS else MAX_COMMANDS
        for where, cmd in chosen[:cap]:
            file, origin, agent = whence[(where, cmd)]
            brought = f", brought in by {path}" if file != path else ""
            walk.judge(cmd, run.cwd, depth, _note(note, f"{file} {where} ({origin}){brought}, loaded by `{run.how}`"),
                       agent=agent)
        if chosen[cap:]:  # (the rest as one script: padding the files hides nothing)
            walk.judge("\n".join(c for _, c in chosen[cap:]), run.cwd, depth,
                       _note(note, f"{len(chosen) - cap} more commands of {path} and the files it brings in, "
                                   f"loaded by `{run.how}`"), agent=any(whence[k][2] for k in chosen[cap:]))


def _not_deno_tasks(walk: Any, run: R.Run, folder: str, names: "tuple[str, ...]", note: str) -> "tuple[str, ...]":
    """The task names of `deno task NAME` that deno.json (or deno.jsonc) in `folder` — as on disk, as the
    line or an earlier call wrote it — does not define: only those fall back to package.json's scripts."""
    from adr.engine.buildfiles import build_commands
    defined: set[str] = set()
    for base in ("deno.json", "deno.jsonc"):
        p = posixpath.join(folder, base)
        if not _exists(walk, p):
            continue
        for text, _, _ in _texts(walk, p, run, note):
            defined.update(w[len("task "):] for w, _ in build_commands(p, text) if w.startswith("task "))
    return tuple(n for n in names if n not in defined)


def _with_included(walk: Any, run: R.Run, top: str, note: str) -> "list[tuple[str, str, str, str, bool]]":
    """(file, the file name whose reader reads it, text, origin, written by an agent) for `top` and the
    files it brings in, breadth first: MAX_INCLUDE_DEPTH levels, MAX_INCLUDED files, the walk's byte
    and file budget (walk.content), each file once (a cycle ends there). Followed wherever they point — an include out of the project is the
    way to hide one — except /proc, /sys, /dev and what is no regular file (crosscall.read_file). A
    bound that trips asks; a remote include (lefthook `remotes:`) is recorded, never fetched."""
    from adr.engine.buildincludes import included_files
    out: list[tuple[str, str, str, str, bool]] = []
    top_dir = posixpath.dirname(top)
    queue: list[tuple[str, str, str, int]] = [(top, run.mode, top_dir, 0)]  # (file, read as, cmake source dir, level)
    seen = {top}
    brought, tripped = 0, False
    while queue:
        file, like, src, level = queue.pop(0)
        for text, origin, agent in walk.content(file, run, note, line_written=True, read_as="build"):
            out.append((file, like, text, origin, agent))
            for inc in included_files(file, text, like=like, source_dir=src, top=top_dir):
                if inc.remote:
                    _remote_note(walk, run, file, inc.shown, note)
                    continue
                if inc.computed:
                    walk.bound(f"{file} loads a file whose path it computes ({inc.shown[:120]}): not followed",
                               file, note or run.how)
                    continue
                for cand in inc.paths:
                    if cand in seen or not _exists(walk, cand) or os.path.isdir(cand):
                        continue
                    seen.add(cand)
                    if level + 1 > MAX_INCLUDE_DEPTH or brought >= MAX_INCLUDED:
                        if not tripped:  # (what was queued is still read)
                            walk.bound(f"{top} brings in files more than {MAX_INCLUDE_DEPTH} deep or more than "
                                       f"{MAX_INCLUDED} of them: {cand} and others were not judged", cand,
                                       note or run.how)
                        tripped = True
                        continue
                    brought += 1
                    sub = posixpath.dirname(cand) if inc.like == "CMakeLists.txt" else src
                    queue.append((cand, inc.like, sub, level + 1))
    return out


def _remote_note(walk: Any, run: R.Run, file: str, url: str, note: str) -> None:
    walk.add(Finding(
        rule_id="crosscall.remote-include", title="A tool file brings in a configuration from elsewhere",
        severity=Severity.INFO, action=RuleAction.LOG,
        evidence=(Evidence(subject=url[:500], field="crosscall",
                           note=_note(note, f"{file} names {url[:200]}: fetched by the tool, not read by adr")),),
        description="adr reads the files a tool loads from this machine; a remote one (lefthook `remotes:`) is "
                    "fetched by the tool itself and is not judged.",
        tags=("crosscall",), source="crosscall"))


def _definitions(walk: Any, run: R.Run, depth: int, note: str) -> None:
    """sbt's build definition (build.sbt, project/*.sbt|*.scala) or meson.build, read as the build
    files they are (adr/engine/buildfiles.py) and each command judged: the tool evaluates them first,
    whatever it was asked to do. A folder of more than MAX_FOLDER_SOURCES is a bound."""
    from adr.engine.buildfiles import build_commands
    files: list[str] = []
    for path in run.paths:
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path) if n.endswith((".sbt", ".scala")))
            if len(names) > R.MAX_FOLDER_SOURCES:
                walk.bound(f"more than {R.MAX_FOLDER_SOURCES} build files in {path}: only the first were judged",
                           path, note or run.how)
            files += [posixpath.join(path, n) for n in names[:R.MAX_FOLDER_SOURCES]]
        elif os.path.lexists(path) or _exists(walk, path):
            files.append(path)
    for path in files:  # (grows: meson's subdir('x') reads x/meson.build)
        for text, origin, agent in walk.content(path, run, note, line_written=True):
            if path.endswith("/meson.build"):
                for sub in re.findall(r"\bsubdir\s*\(\s*'([^'\n]{1,256})'", text)[:32]:
                    more = R.resolve(posixpath.join(sub, "meson.build"), posixpath.dirname(path), walk.home)
                    if more and more not in files and _exists(walk, more):
                        if len(files) >= 2 * R.MAX_FOLDER_SOURCES:
                            walk.bound(f"more than {2 * R.MAX_FOLDER_SOURCES} meson.build files: only the first "
                                       "were judged", path, note or run.how)
                            break
                        files.append(more)
            for where, cmd in build_commands(path, text)[:64]:
                walk.judge(cmd, run.cwd, depth, _note(note, f"{path} {where} ({origin}), evaluated by `{run.how}`"),
                           agent=agent)

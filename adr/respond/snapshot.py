"""Taking pre-image snapshots: predicted targets → what is at those paths now, kept in the store.

`Snapshotter.take()` runs before the agent hears its answer, so it only copies (a reflink or an
in-kernel copy into a file the store made ahead of time) and appends a manifest line to a journal;
`seal()` hashes and records afterwards. Everything is bounded: files per action, bytes per action and per file, the
store's quota, and a time budget — past a bound the snapshot is marked incomplete with the reason,
and the action is then not "fully undoable" (policy never relaxes it; the verdict says so).

Links are never followed: a symlink is kept as a link (its target text), a recursive walk never
enters a linked folder, and files are opened with O_NOFOLLOW. A path that did not exist is kept as
an "absent" marker, so undoing a write that created a file removes it.

Contents whose (device, inode, size, mtime, ctime) adr has already stored are not copied again; a
file modified within the last 100 ms is never trusted that way (the same rule git uses for "racy"
index entries): a second change inside one clock tick could keep its timestamps.
"""
from __future__ import annotations

import contextlib
import glob as globmod
import json
import os
import stat
import subprocess
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from adr import sysprog
from adr.respond.store import (ABSENT, DIR, FILE, LINK, OTHER, SKIPPED, Entry, Snapshot, State, Store, copy_fd,
                               current_state)
from adr.respond.targets import GitQuery, Target, Targets

RACY_NS = 100_000_000  # a file changed this recently is read again rather than trusted by its timestamps
CACHE_SIZE = 50_000
GIT_TIMEOUT = 2.0
MAX_POST_CONTENT = 8 * 1024 * 1024
STAGE_MAX = 4 * 1024 * 1024  # files up to this size are read into memory before the answer (cheapest)...
STAGE_BUDGET = 64 * 1024 * 1024  # ...while no more than this is waiting to be sealed; else copied on disk
JOURNAL_MAX = 1024 * 1024  # bytes of journal before it is replaced by a fresh one (when all of it is sealed)  # results bigger than this are hashed, not stored (the 3-way diff shows less)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_files: int = 10_000
    max_bytes: int = 512 * 1024 * 1024
    budget_s: float = 0.75
    quota: int = 2 * 1024 * 1024 * 1024

    @classmethod
    def from_settings(cls, s: Any) -> "Limits":
        return cls(s.snapshot_max_file_bytes, s.snapshot_max_files, min(s.snapshot_max_action_bytes,
                   s.snapshot_quota_bytes), s.snapshot_budget_ms / 1000.0, s.snapshot_quota_bytes)


@dataclass(frozen=True)
class Taken:
    """What a snapshot holds, as the verdict and the audit record describe it."""

    id: str
    files: int
    bytes: int
    complete: bool
    note: str = ""
    paths: tuple[str, ...] = ()


@dataclass
class _Draft:
    entries: list[dict[str, Any]] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)
    staged: dict[int, bytes] = field(default_factory=dict)  # entry n → content read into memory


def new_id() -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + "-" + os.urandom(4).hex()


def _key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Snapshotter:
    """Takes and seals snapshots for one store; keeps the cache of contents already stored."""

    def __init__(self, store: Store, on_sealed: "Callable[[Snapshot], None] | None" = None) -> None:
        self.store = store
        self.on_sealed = on_sealed  # the daemon watches what each sealed snapshot's action leaves
        self._cache: "OrderedDict[str, tuple[tuple[int, ...], str]]" = OrderedDict()
        self._lock = threading.Lock()
        self._pending: list[tuple[dict[str, Any], dict[int, bytes]]] = []  # taken, not sealed (also journaled)
        self._staged_bytes = 0

    # ---- before the answer --------------------------------------------------------------------

    def take(self, targets: Targets, *, limits: Limits, host: str = "", session: str = "", event_id: str = "",
             summary: str = "", origin: str = "action", predict_removed: bool = True) -> "Taken | None":
        """Copy what `targets` will lose into the store (bounded); None when there is nothing to keep."""
        if targets.empty:
            return None
        deadline = time.monotonic() + limits.budget_s
        d = _Draft()
        sid = new_id()
        self.store.ensure()
        try:
            items = self._resolve(targets, d, limits, deadline)
            for path, why, recursive, removes in items:
                if self._over(d, limits, deadline, ""):
                    break
                self._capture(path, why, recursive, removes and predict_removed, d, limits, deadline)
        except BaseException:
            with self._lock:  # what was read into memory is not waiting for anyone any more
                self._staged_bytes -= sum(len(b) for b in d.staged.values())
            raise
        if not d.entries and not d.problems:
            return None
        problems = list(dict.fromkeys(list(targets.unknown) + d.problems))
        note = "; ".join(problems)
        manifest = {"id": sid, "created": time.time(), "host": host, "session": session, "event_id": event_id,
                    "summary": summary, "origin": origin, "complete": not problems, "note": note, "bytes": d.bytes,
                    "entries": d.entries}
        with self._lock:
            self.store.journal(manifest)
            self._pending.append((manifest, d.staged))
        return Taken(sid, d.files, d.bytes, not problems, note, tuple(e["path"] for e in d.entries[:50]))

    def _resolve(self, t: Targets, d: _Draft, limits: Limits, deadline: float) -> list[tuple[str, str, bool, bool]]:
        out: dict[str, tuple[str, str, bool, bool]] = {}

        def add(path: str, why: str, recursive: bool, removes: bool) -> None:
            old = out.get(path)
            if old is not None:
                recursive, removes = recursive or old[2], removes and old[3]
                why = old[1]
            out[path] = (path, why, recursive, removes)

        for tg in t.paths:
            for p in self._expand(tg, d, limits):
                if tg.dirs_only and not _is_real_dir(p):
                    continue  # rmdir cannot remove it: nothing of it is lost
                if tg.into and os.path.isdir(p):
                    for src in tg.into:
                        base = os.path.basename(src.rstrip("/"))
                        if base:
                            add(os.path.join(p, base), tg.why, tg.recursive, tg.removes)
                else:
                    add(p, tg.why, tg.recursive, tg.removes)
        for q in t.git:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                d.problems.append(f"{q.why}: no time left to ask git which files change")
                continue
            try:
                for path, rec in git_targets(q, min(GIT_TIMEOUT, remaining), limits.max_files):
                    add(path, q.why, rec, q.op == "clean")
            except GitError as e:
                d.problems.append(f"{q.why}: {e}")
        return list(out.values())

    def _expand(self, tg: Target, d: _Draft, limits: Limits) -> list[str]:
        if not tg.glob:
            return [tg.path]
        hits = []
        for i, p in enumerate(globmod.iglob(tg.path)):
            if i >= limits.max_files:
                d.problems.append(f"`{tg.path}` matches more than {limits.max_files} files")
                break
            hits.append(p)
        return sorted(hits)

    def _capture(self, path: str, why: str, recursive: bool, removes: bool, d: _Draft, limits: Limits,
                 deadline: float) -> None:
        """The entry for `path` and, for a tree, every entry under it (parents first, links not entered)."""
        e = self._entry(path, why, removes, d, limits)
        d.entries.append(e)
        if not (recursive and e["kind"] == DIR):
            return
        stack = self._children(path, d)
        while stack:
            if self._over(d, limits, deadline, f" (in {path})"):
                return
            p = stack.pop()
            e = self._entry(p, why, removes, d, limits)
            d.entries.append(e)
            if e["kind"] == DIR:
                stack.extend(self._children(p, d))

    @staticmethod
    def _over(d: _Draft, limits: Limits, deadline: float, where: str) -> bool:
        """A bound is reached (files of this action, or its time): say which, and stop."""
        if len(d.entries) >= limits.max_files:
            d.problems.append(f"more than {limits.max_files} files{where}")
            return True
        if time.monotonic() > deadline:
            d.problems.append(f"the snapshot took longer than {limits.budget_s * 1000:.0f} ms{where}")
            return True
        return False

    @staticmethod
    def _children(path: str, d: _Draft) -> list[str]:
        try:
            with os.scandir(path) as it:
                names = sorted((x.name for x in it), reverse=True)  # popped from the end: sorted order
        except OSError as err:
            d.problems.append(f"cannot list {path} ({err.strerror or err})")
            return []
        return [os.path.join(path, n) for n in names]

    def _entry(self, path: str, why: str, removes: bool, d: _Draft, limits: Limits) -> dict[str, Any]:
        e: dict[str, Any] = {"n": len(d.entries), "path": path, "why": why, "removes": removes,
                             "real_parent": _real_parent(path)}
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            e["kind"] = ABSENT
            return e
        except OSError as err:
            return self._skip(e, d, f"cannot read {path} ({err.strerror or err})")
        e["mode"] = st.st_mode
        e["mtime_ns"] = st.st_mtime_ns
        e["key"] = list(_key(st))
        if stat.S_ISLNK(st.st_mode):
            e["kind"] = LINK
            try:
                e["link"] = os.readlink(path)
            except OSError as err:
                return self._skip(e, d, f"cannot read the link {path} ({err.strerror or err})")
            return e
        if stat.S_ISDIR(st.st_mode):
            e["kind"] = DIR
            return e
        if not stat.S_ISREG(st.st_mode):
            e["kind"] = OTHER
            return self._skip(e, d, f"{path} is not a regular file (device, socket or pipe)")
        e["kind"] = FILE
        e["size"] = st.st_size
        if st.st_size > limits.max_file_bytes:
            return self._skip(e, d, f"{path} is larger than {limits.max_file_bytes // (1024 * 1024)} MiB")
        if d.bytes + st.st_size > limits.max_bytes:
            return self._skip(e, d, f"the files of this action exceed {limits.max_bytes // (1024 * 1024)} MiB")
        known = self._known(path, st)
        if known:
            e["sha"] = known
            e["key"] = list(_key(st))
            d.files += 1
            return e
        try:
            src = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError as err:
            return self._skip(e, d, f"cannot read {path} ({err.strerror or err})")
        try:
            fst = os.fstat(src)
            if (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(fst.st_mode):
                return self._skip(e, d, f"{path} was replaced while adr read it")
            data = self._stage(src, fst.st_size)
            if data is not None:  # read into memory: written to the store after the answer
                d.staged[e["n"]] = data
                e["staged"] = True
                e["key"] = list(_key(fst))
                e["size"] = len(data)
                d.files += 1
                d.bytes += len(data)
                return e
            blank = self.store.blank()
            dst = os.open(blank, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                copy_fd(src, dst, fst.st_size)
            finally:
                os.close(dst)
            e["copy"] = blank.name
            e["key"] = list(_key(fst))
            e["size"] = fst.st_size
        except OSError as err:
            return self._skip(e, d, f"cannot copy {path} ({err.strerror or err})")
        finally:
            os.close(src)
        d.files += 1
        d.bytes += e["size"]
        return e

    def _stage(self, fd: int, size: int) -> "bytes | None":
        """The whole file in memory, if it is small and memory allows (else None: copy it on disk)."""
        if size > STAGE_MAX:
            return None
        with self._lock:
            if self._staged_bytes + size > STAGE_BUDGET:
                return None
            self._staged_bytes += size
        chunks, n = [], 0
        while True:
            b = os.read(fd, STAGE_MAX + 1 - n)
            if not b:
                break
            chunks.append(b)
            n += len(b)
            if n > STAGE_MAX:  # it grew while being read: copy it on disk instead
                with self._lock:
                    self._staged_bytes -= size
                os.lseek(fd, 0, os.SEEK_SET)
                return None
        data = b"".join(chunks)
        with self._lock:
            self._staged_bytes += len(data) - size
        return data

    @staticmethod
    def _skip(e: dict[str, Any], d: _Draft, why: str) -> dict[str, Any]:
        e["kind"] = SKIPPED
        e["note"] = why
        d.problems.append(why)
        return e

    def _known(self, path: str, st: os.stat_result) -> str:
        with self._lock:
            hit = self._cache.get(path)
        if hit and hit[0] == _key(st) and self.store.has_object(hit[1]):
            return hit[1]
        return ""

    def remember(self, path: str, key: "tuple[int, ...] | list[int]", sha: str, seen_at_ns: int) -> None:
        """Content `sha` is stored for the file with this stat key (unless it changed too recently)."""
        if not sha or seen_at_ns - key[3] < RACY_NS:
            return
        with self._lock:
            self._cache[path] = (tuple(key), sha)
            self._cache.move_to_end(path)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    # ---- after the answer ----------------------------------------------------------------------

    def seal(self) -> list[Snapshot]:
        """Hash and record the snapshots taken in this process (the daemon's background thread, or right
        after taking them). Links each path's previous pending result to its new pre-image."""
        done = []
        while True:
            with self._lock:
                if not self._pending:
                    if self.store.journal_bytes() > JOURNAL_MAX:
                        self.store.rotate_journal()  # all of it is sealed
                    break
                manifest, staged = self._pending.pop(0)
            try:
                snap = self._seal_manifest(manifest, staged)
            finally:
                with self._lock:
                    self._staged_bytes -= sum(len(b) for b in staged.values())
            if snap is not None:
                done.append(snap)
        return done

    def recover(self) -> list[Snapshot]:
        """Seal what processes that are gone left in their journals (a crash between an answer and its
        sealing), then remove copies nobody names."""
        done, referenced = [], set()
        for journal in self.store.orphan_journals():
            try:
                lines = journal.read_bytes().splitlines()
            except OSError:
                continue
            for raw in lines:
                try:
                    manifest = json.loads(raw)
                except ValueError:
                    continue  # a torn last line: its answer was never given
                referenced.update(e.get("copy", "") for e in manifest.get("entries", ()))
                snap = self._seal_manifest(manifest, {})
                if snap is not None:
                    done.append(snap)
            with contextlib.suppress(OSError):
                journal.unlink()
        self.store.stray_copies(referenced)
        return done

    def _seal_manifest(self, data: dict[str, Any], staged: dict[int, bytes]) -> "Snapshot | None":
        try:
            snap = self._seal_one(data, staged)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise SealError(f"cannot seal snapshot {data.get('id', '?')}: {err}") from err
        if snap is not None and self.on_sealed is not None:
            self.on_sealed(snap)
        return snap

    def _seal_one(self, data: dict[str, Any], staged: dict[int, bytes]) -> "Snapshot | None":
        if self.store.get(str(data["id"])) is not None:
            return None  # sealed before (a journal read again after a crash)
        created = float(data["created"])
        snap = Snapshot(id=data["id"], created=created, host=data.get("host", ""), session=data.get("session", ""),
                        event_id=data.get("event_id", ""), summary=data.get("summary", ""),
                        origin=data.get("origin", "action"), complete=bool(data.get("complete")),
                        note=data.get("note", ""), bytes=int(data.get("bytes", 0)))
        for raw in data["entries"]:
            kind = raw["kind"]
            sha, size = raw.get("sha", ""), int(raw.get("size", 0))
            if kind == FILE and raw.get("staged"):
                content = staged.get(int(raw["n"]))
                if content is None:  # held in memory by a process that stopped before sealing it
                    kind, sha = SKIPPED, ""
                    raw["note"] = "its copy was held in memory when adr stopped, and is lost"
                    snap.complete = False
                else:
                    sha, size = self.store.put_bytes(content), len(content)
            elif kind == FILE and raw.get("copy"):
                copy = self.store.incoming / raw["copy"]
                try:
                    sha, size = self.store.adopt_file(copy)
                except FileNotFoundError:
                    kind, sha = SKIPPED, ""
                    raw["note"] = "its copy was lost before it was sealed"
                    snap.complete = False
            pre = State(kind, sha, size, int(raw.get("mode", 0)), raw.get("link", ""))
            e = Entry(snapshot=snap.id, n=int(raw["n"]), path=raw["path"], why=raw.get("why", ""), pre=pre,
                      real_parent=raw.get("real_parent", ""), mtime_ns=int(raw.get("mtime_ns", 0)),
                      note=raw.get("note", ""), key=tuple(raw["key"]) if raw.get("key") else None)
            if raw.get("removes"):
                e.post_state, e.post = "predicted", State(ABSENT)
            snap.entries.append(e)
        self.store.record(snap)
        for raw, e in zip(data["entries"], snap.entries):
            if e.pre.kind == FILE and raw.get("key"):
                self.remember(e.path, raw["key"], e.pre.sha, int(created * 1e9))
            prev = self.store.latest_pending_for(e.path, created)
            if prev is not None and prev[0] != snap.id:
                self.store.set_post(prev[0], prev[1], e.pre, "next", stored=False)
        return snap

    def capture_post(self, path: str, pre: State) -> "tuple[State, bool] | None":
        """What is at `path` now, as an action's result: (state, content stored?). None: unreadable."""
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return State(ABSENT), False
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode):
            known = self._known(path, st)
            if known:
                return State(FILE, known, st.st_size, st.st_mode), True
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
            except OSError:
                return None
            try:
                fst = os.fstat(fd)
                if fst.st_size <= MAX_POST_CONTENT:
                    sha, size = self.store.put_fd(fd)
                    stored = True
                else:
                    from adr.respond.store import hash_fd
                    sha, size = hash_fd(fd)
                    stored = False
            finally:
                os.close(fd)
            if stored:
                self.remember(path, _key(fst), sha, time.time_ns())
            return State(FILE, sha, size, fst.st_mode), stored
        return current_state(path, hash_files=False), False

    def stat_key(self, path: str) -> "tuple[int, ...] | None":
        try:
            return _key(os.lstat(path))
        except OSError:
            return None


def snapshot_now(action: Any, settings: Any, store_dir: Path, event_id: str, host: str = "") -> dict[str, Any]:
    """Take and seal a snapshot in this process (the hook's in-process fallback, when no daemon runs):
    the audit record's snapshot fields. Nobody watches what the action leaves here, so undoing it later
    shows a conflict for edited files (restored with --force); removals are predicted."""
    from adr.record.redact import redact
    from adr.respond.targets import targets_of

    targets = targets_of(action)
    if targets.empty:
        return {}
    sn = Snapshotter(Store(store_dir))
    try:
        taken = sn.take(targets, limits=Limits.from_settings(settings), host=host, session=action.context.session,
                        event_id=event_id, summary=redact(action.summary(limit=600), 300))
        sn.seal()
        sn.store.rotate_journal()
    finally:
        sn.store.close()
    if taken is None:
        return {}
    out: dict[str, Any] = {"snapshot": taken.id, "snapshot_files": taken.files}
    if not taken.complete:
        out["snapshot_incomplete"] = taken.note
    return out


class SealError(RuntimeError):
    pass


class GitError(RuntimeError):
    pass


def _is_real_dir(path: str) -> bool:
    """A folder itself, not a link to one (rmdir fails on both a file and a link)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _real_parent(path: str) -> str:
    try:
        return os.path.realpath(os.path.dirname(path))
    except OSError:
        return ""


def _git(q: GitQuery, args: list[str], timeout: float) -> bytes:
    try:
        argv = [sysprog.require("git"), "-c", "core.fsmonitor=false", *q.git_opts, "-C", q.cwd, *args]
        r = subprocess.run(argv, capture_output=True, timeout=timeout, env=sysprog.git_env(), stdin=subprocess.DEVNULL)
    except FileNotFoundError as e:
        raise GitError(f"git could not run: {e}") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {timeout:.1f} s") from None
    if r.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} failed: {r.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return r.stdout


def git_targets(q: GitQuery, timeout: float, limit: int) -> list[tuple[str, bool]]:
    """(absolute path, is a directory tree) for what `q`'s git command will change."""
    t0 = time.monotonic()

    def left() -> float:
        return max(0.05, timeout - (time.monotonic() - t0))

    if q.op == "clean":
        out = _git(q, ["clean", "-n", *q.args], left())
        found = []
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            if line.startswith("Would remove "):
                rel = line[len("Would remove "):]
                found.append((os.path.normpath(os.path.join(q.cwd, rel)), rel.endswith("/")))
                if len(found) > limit:
                    break
        return found
    specs = list(q.args)
    if q.op == "checkout":  # `git checkout NAME…`: only the names that are paths discard changes
        specs = [s for s in specs if os.path.lexists(os.path.join(q.cwd, s)) or any(c in s for c in "*?[")]
        if not specs:
            return []
    top = _git(q, ["rev-parse", "--show-toplevel"], left()).decode("utf-8", "surrogateescape").strip()
    args = ["diff", "--name-only", "-z", "--no-renames"]
    if q.rev:
        args.append(q.rev)
    out = _git(q, [*args, "--", *specs], left())
    paths = [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
    return [(os.path.normpath(os.path.join(top, p)), False) for p in paths[:limit + 1]]

"""Undo: put files back as they were before an agent's actions, newest first, never clobbering.

`plan()` walks the chosen snapshots newest first and decides per path: restore (the file is still
exactly what the action left), nothing to do (it is already as before), conflict (it changed since —
someone's later work would be overwritten; or adr never saw what the action left), or lost (evicted
past the quota, too large or unreadable when the snapshot was taken). Paths touched by several
snapshots are planned against the state the newer steps will leave.

`apply()` re-checks each step against the disk at that moment and replaces one file at a time
atomically (a temporary file in the same folder, renamed over). It writes through the folder's own
descriptor after checking that the folder is still where it was (a folder swapped for a link since
the snapshot is a conflict, never followed). What an undo overwrites is snapshotted first, so an
undo can be undone.
"""
from __future__ import annotations

import contextlib
import difflib
import os
import stat
from dataclasses import dataclass, field
from typing import Any

from adr.respond.store import ABSENT, DIR, FILE, LINK, OTHER, SKIPPED, Entry, Snapshot, State, Store, current_state

DIFF_LIMIT = 256 * 1024  # bytes of a file shown as a text diff
OK, CONFLICT, LOST, DONE, NOOP = "restore", "conflict", "lost", "undone", "unchanged"


@dataclass(frozen=True)
class Step:
    snapshot: str
    n: int
    path: str
    status: str  # restore | conflict | lost | undone | unchanged
    reason: str
    pre: State
    post: "State | None"
    current: State  # what is there (or will be, after the newer steps) when planned
    created: float = 0.0
    event_id: str = ""
    session: str = ""
    summary: str = ""
    real_parent: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot, "n": self.n, "path": self.path, "status": self.status,
                "reason": self.reason, "before": self.pre.to_dict(), "agent_left": self.post.to_dict() if self.post else None,
                "now": self.current.to_dict(), "event_id": self.event_id, "session": self.session,
                "summary": self.summary}


@dataclass
class Result:
    restored: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was left as it is)
    lost: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    redo: str = ""  # the snapshot of what this undo overwrote

    def to_dict(self) -> dict[str, Any]:
        return {"restored": self.restored, "kept": [list(x) for x in self.kept], "lost": [list(x) for x in self.lost],
                "errors": [list(x) for x in self.errors], "redo": self.redo}


def _order(entries: list[Entry]) -> list[Entry]:
    """Within one snapshot: remove created things deepest first, then recreate folders top-down, then files."""
    def depth(e: Entry) -> int:
        return e.path.count("/")
    removals = sorted((e for e in entries if e.pre.kind == ABSENT), key=lambda e: (-depth(e), e.path))
    dirs = sorted((e for e in entries if e.pre.kind == DIR), key=lambda e: (depth(e), e.path))
    rest = sorted((e for e in entries if e.pre.kind not in (ABSENT, DIR)), key=lambda e: (depth(e), e.path))
    return removals + dirs + rest


def plan(store: Store, snapshots: list[Snapshot]) -> list[Step]:
    """Every entry of `snapshots` (newest first), with what undo would do and why."""
    virtual: dict[str, State] = {}
    steps: list[Step] = []
    for snap in sorted(snapshots, key=lambda s: (s.created, s.id), reverse=True):
        for e in _order(snap.entries):
            cur = virtual.get(e.path)
            if cur is None:
                try:
                    cur = current_state(e.path)
                except OSError as err:
                    cur = State(OTHER, link=str(err))
            status, reason = _judge(store, snap, e, cur)
            if status == OK:
                virtual[e.path] = e.pre
            steps.append(Step(snap.id, e.n, e.path, status, reason, e.pre, e.post, cur, snap.created,
                              snap.event_id, snap.session, snap.summary, e.real_parent))
    return steps


def _judge(store: Store, snap: Snapshot, e: Entry, cur: State) -> tuple[str, str]:
    if e.undone is not None:
        return DONE, "already undone"
    if snap.evicted is not None:
        return LOST, "its snapshot was evicted to keep the store under its quota (snapshot_quota_bytes)"
    if e.pre.kind in (SKIPPED, OTHER):
        return LOST, e.note or "it was not snapshotted"
    if e.pre.kind == FILE and not store.has_object(e.pre.sha):
        return LOST, "its stored copy is missing"
    if cur.same(e.pre):
        return NOOP, "already as it was before"
    moved = _moved_parent(e)
    if moved:
        return CONFLICT, moved
    if e.post is None or e.post_state in ("pending", "unknown", ""):
        return CONFLICT, "adr did not see what the action left here, so it cannot tell whether it changed since"
    if cur.same(e.post):
        return OK, ""
    return CONFLICT, f"changed since the action: it left {e.post.label()}, now it is {cur.label()}"


def _moved_parent(e: Entry) -> str:
    parent = os.path.dirname(e.path)
    if not e.real_parent or not os.path.lexists(parent):
        return ""
    try:
        real = os.path.realpath(parent)
    except OSError:
        return ""
    if real != e.real_parent:
        return f"its folder now leads elsewhere ({parent} → {real}, was {e.real_parent})"
    return ""


def conflict_text(store: Store, step: Step) -> str:
    """The three-way difference for a conflict: what the action changed, and what changed since."""
    pre, post, cur = step.pre, step.post, step.current
    out: list[str] = []
    texts = {k: _text(store, s, step.path if k == "now" else None) for k, s in (("before", pre), ("after", post), ("now", cur))}
    if texts["before"] is not None and texts["after"] is not None:
        out.append(_diff(texts["before"], texts["after"], "before the action", "what the action left"))
    if texts["after"] is not None and texts["now"] is not None:
        out.append(_diff(texts["after"], texts["now"], "what the action left", "now"))
    elif texts["before"] is not None and texts["now"] is not None:
        out.append(_diff(texts["before"], texts["now"], "before the action", "now"))
    if not any(out):
        out = [f"before the action: {pre.label()}", f"the action left: {post.label() if post else 'not seen by adr'}",
               f"now: {cur.label()}"]
    return "\n".join(x for x in out if x)


def _text(store: Store, s: "State | None", live_path: "str | None") -> "str | None":
    if s is None:
        return None
    if s.kind == ABSENT:
        return ""
    if s.kind != FILE or s.size > DIFF_LIMIT:
        return None
    try:
        if live_path is not None:
            with open(live_path, "rb") as f:
                data = f.read(DIFF_LIMIT + 1)
        elif store.has_object(s.sha):
            data = store.read_object(s.sha)
        else:
            return None
    except (OSError, ValueError):
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")


def _diff(a: str, b: str, la: str, lb: str) -> str:
    return "".join(difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True), la, lb, n=2))


# ---- applying ------------------------------------------------------------------------------------

def apply(store: Store, steps: list[Step], *, force: "set[tuple[str, int]] | None" = None, force_all: bool = False,
          expect: "dict[tuple[str, int], State] | None" = None, snapshotter: Any = None) -> Result:
    """Carry out a plan. Conflicts are applied only when forced — and a forced step whose file
    changed again since the human looked at it (`expect`) is still left alone."""
    force = force or set()
    expect = expect or {}
    res = Result()
    todo: list[Step] = []
    for s in steps:
        key = (s.snapshot, s.n)
        if s.status == OK or (s.status == CONFLICT and (force_all or key in force)):
            todo.append(s)
        elif s.status == LOST:
            res.lost.append((s.path, s.reason))
        elif s.status == CONFLICT:
            res.kept.append((s.path, s.reason))
    if snapshotter is not None and todo:
        res.redo = _snapshot_before(snapshotter, todo)
    redo = {e.path: e.n for e in (store.get(res.redo).entries if res.redo and store.get(res.redo) else [])}
    for s in todo:
        key = (s.snapshot, s.n)
        try:
            now = current_state(s.path)
        except OSError as err:
            res.errors.append((s.path, f"cannot read it: {err.strerror or err}"))
            continue
        seen = expect.get(key, s.current if s.status == OK or not force_all else None)
        if seen is not None and not now.same(seen) and not now.same(s.pre):
            res.kept.append((s.path, f"it changed while undo ran (now {now.label()})"))
            continue
        if now.same(s.pre):
            store.mark_undone(s.snapshot, s.n)
            continue
        moved = _moved_parent(Entry(s.snapshot, s.n, s.path, "", s.pre, real_parent=s.real_parent))
        if moved:
            res.kept.append((s.path, moved))
            continue
        try:
            restore(store, s.path, s.pre, now, s.real_parent)
        except (OSError, ValueError) as err:
            res.errors.append((s.path, str(getattr(err, "strerror", None) or err)))
            continue
        store.mark_undone(s.snapshot, s.n)
        res.restored.append(s.path)
        if s.path in redo:  # what undo left is known exactly: undoing the undo can check against it
            store.set_post(res.redo, redo[s.path], s.pre, "captured", stored=False)
    return res


def _snapshot_before(snapshotter: Any, steps: list[Step]) -> str:
    from adr.respond.snapshot import Limits
    from adr.respond.targets import Target, Targets

    paths = tuple(dict.fromkeys(Target(s.path, "adr undo") for s in steps))
    if not paths:
        return ""
    taken = snapshotter.take(Targets(paths=paths), limits=Limits(budget_s=30.0), origin="undo",
                             summary=f"what adr undo replaced ({len(paths)} paths)", predict_removed=False)
    with contextlib.suppress(Exception):
        snapshotter.seal()
    return taken.id if taken else ""


def restore(store: Store, path: str, pre: State, now: State, real_parent: str = "") -> None:
    """Make `path` be `pre` again, atomically, writing only inside its (checked) folder."""
    parent, name = os.path.split(path)
    if pre.kind != ABSENT and not os.path.isdir(parent):
        os.makedirs(parent, exist_ok=True)
    try:
        dfd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        if pre.kind == ABSENT:
            return
        raise
    try:
        if real_parent:
            try:
                real = os.readlink(f"/proc/self/fd/{dfd}")  # where the descriptor really points
            except OSError:
                real = os.path.realpath(parent)
            if real != real_parent:
                raise ValueError(f"its folder now leads elsewhere ({real}, was {real_parent})")
        _restore_at(store, dfd, name, pre, now)
    finally:
        os.close(dfd)


def _restore_at(store: Store, dfd: int, name: str, pre: State, now: State) -> None:
    tmp = f".adr-undo-{os.getpid()}-{os.urandom(4).hex()}"
    if pre.kind == ABSENT:
        _remove(dfd, name, now)
        return
    if pre.kind == DIR:
        if now.kind == DIR:
            os.chmod(name, pre.mode & 0o7777, dir_fd=dfd)
            return
        if now.kind != ABSENT:
            _remove(dfd, name, now)
        os.mkdir(name, pre.mode & 0o7777 or 0o755, dir_fd=dfd)
        os.chmod(name, pre.mode & 0o7777, dir_fd=dfd)
        return
    if pre.kind == FILE:
        data = store.read_object(pre.sha)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600, dir_fd=dfd)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fchmod(fd, pre.mode & 0o7777)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
            raise
        os.close(fd)
    elif pre.kind == LINK:
        os.symlink(pre.link, tmp, dir_fd=dfd)
    else:
        raise ValueError(f"cannot restore a {pre.kind}")
    try:
        if now.kind == DIR:
            os.rmdir(name, dir_fd=dfd)  # only an empty folder is replaced by the file it was before
        os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dfd)
        raise


def _remove(dfd: int, name: str, now: State) -> None:
    try:
        st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        os.rmdir(name, dir_fd=dfd)  # never a tree: only an empty folder the action created
    else:
        os.unlink(name, dir_fd=dfd)

"""The pre-image store: content-addressed objects plus a small database of snapshots.

    snapshots/objects/ab/abcdef…   file contents by sha256 (0600, written once, deduplicated)
    snapshots/incoming/            copies taken before an answer, not yet hashed; the manifest journal
    snapshots/snapshots.sqlite3    snapshots (one per action), their entries (one per path), objects

Taking a snapshot must cost almost nothing before the agent hears its answer, so the copy is made
first (a reflink where the file system has them, else an in-kernel copy) into a file of `incoming/`
made ahead of time, and its manifest is appended to a journal; *sealing* — hashing, moving into
`objects/`, recording in SQLite — happens after, in the daemon's background thread. A crash in
between leaves a journal that the next sealer (the daemon at start, or `adr undo`) finishes.

An entry's state before the action (`pre_*`) and after it (`post_*`: captured later, or predicted
for removals) let undo restore only what is still as the agent left it. Past the quota the oldest
snapshots are evicted whole: their rows stay, marked evicted, so undo says what it can no longer
restore instead of failing silently.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import sqlite3
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

FICLONE = 0x40049409  # linux/fs.h: share the blocks (btrfs, xfs, bcachefs) — a copy that costs nothing
CHUNK = 1 << 20
SCHEMA = 1

# entry kinds: what was at a path
FILE, LINK, DIR, ABSENT, OTHER, SKIPPED = "file", "symlink", "dir", "absent", "other", "skipped"


@dataclass(frozen=True)
class State:
    """What is at a path: kind, content hash, size, mode bits, link target."""

    kind: str
    sha: str = ""
    size: int = 0
    mode: int = 0
    link: str = ""

    def same(self, other: "State") -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == FILE:
            return self.sha == other.sha and self.size == other.size and (self.mode & 0o7777) == (other.mode & 0o7777)
        if self.kind == LINK:
            return self.link == other.link
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "sha": self.sha, "size": self.size, "mode": self.mode, "link": self.link}

    def label(self) -> str:
        if self.kind == FILE:
            return f"file {self.sha[:10]} ({self.size} bytes, mode {self.mode & 0o7777:o})"
        if self.kind == LINK:
            return f"symlink → {self.link}"
        return self.kind


@dataclass
class Entry:
    """One path of a snapshot."""

    snapshot: str
    n: int
    path: str
    why: str
    pre: State
    real_parent: str = ""  # the parent folder's real path when the snapshot was taken
    mtime_ns: int = 0
    note: str = ""  # why it is SKIPPED (too large, unreadable …)
    post_state: str = "pending"  # pending | captured | predicted | unknown
    post: "State | None" = None
    undone: float | None = None
    key: "tuple[int, ...] | None" = None  # (dev, ino, size, mtime, ctime) when taken (not stored)

    @property
    def restorable(self) -> bool:
        return self.pre.kind in (FILE, LINK, DIR, ABSENT)


@dataclass
class Snapshot:
    id: str
    created: float
    host: str = ""
    session: str = ""
    event_id: str = ""
    summary: str = ""
    origin: str = "action"  # action | undo (what an undo overwrote, so that it can be undone too)
    complete: bool = True
    note: str = ""
    bytes: int = 0
    evicted: float | None = None
    undone: float | None = None
    entries: list[Entry] = field(default_factory=list)


def private_dir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(p, 0o700)
    return p


def copy_fd(src: int, dst: int, size: int) -> None:
    """src → dst: a reflink when the file system can, else copy_file_range, else read/write."""
    try:
        fcntl.ioctl(dst, FICLONE, src)
        return
    except OSError:
        pass
    done = 0
    try:
        while done < size:
            n = os.copy_file_range(src, dst, min(size - done, 1 << 30))
            if n == 0:
                break
            done += n
        # the file may have grown since fstat: copy the rest too
        while True:
            n = os.copy_file_range(src, dst, 1 << 30)
            if n == 0:
                return
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF):
            raise
    os.lseek(src, done, os.SEEK_SET)
    os.lseek(dst, done, os.SEEK_SET)
    while True:
        b = os.read(src, CHUNK)
        if not b:
            return
        os.write(dst, b)


def hash_fd(fd: int, out: "int | None" = None) -> tuple[str, int]:
    """(sha256, size) of an open file from its start; also written to `out` when given."""
    h = hashlib.sha256()
    n = 0
    os.lseek(fd, 0, os.SEEK_SET)
    while True:
        b = os.read(fd, CHUNK)
        if not b:
            return h.hexdigest(), n
        h.update(b)
        n += len(b)
        if out is not None:
            view = memoryview(b)
            while view:
                view = view[os.write(out, view):]


def hash_path(path: str) -> tuple[str, int]:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        return hash_fd(fd)
    finally:
        os.close(fd)


def current_state(path: str, *, hash_files: bool = True) -> State:
    """What is at `path` now (links are not followed)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return State(ABSENT)
    except NotADirectoryError:
        return State(ABSENT)
    if stat.S_ISLNK(st.st_mode):
        return State(LINK, link=os.readlink(path), mode=st.st_mode)
    if stat.S_ISDIR(st.st_mode):
        return State(DIR, mode=st.st_mode)
    if stat.S_ISREG(st.st_mode):
        sha, size = hash_path(path) if hash_files else ("", st.st_size)
        return State(FILE, sha=sha, size=size, mode=st.st_mode)
    return State(OTHER, mode=st.st_mode)


class Store:
    """The object store and snapshot database. Thread-safe (one lock around the connection)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.incoming = self.root / "incoming"
        self.db_path = self.root / "snapshots.sqlite3"
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._blanks: list[Path] = []
        self._journal: "tuple[int, Path] | None" = None
        self._journal_n = 0
        self._journal_bytes = 0
        self._ensured = False

    # ---- layout --------------------------------------------------------------------------------

    def ensure(self) -> "Store":
        if not self._ensured or not self.incoming.is_dir():
            for d in (self.root, self.objects, self.incoming):
                private_dir(d)
            self._ensured = True
        return self

    def object_path(self, sha: str) -> Path:
        return self.objects / sha[:2] / sha

    def has_object(self, sha: str) -> bool:
        return bool(sha) and self.object_path(sha).is_file()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.ensure()
            fd = os.open(self.db_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            os.close(fd)
            db = sqlite3.connect(self.db_path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=10000")
            db.executescript(_SCHEMA)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.chmod(str(self.db_path) + suffix, 0o600)
            self._db = db
        return self._db

    def close(self) -> None:
        self.drop_blanks()
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # ---- objects -------------------------------------------------------------------------------

    def put_fd(self, fd: int) -> tuple[str, int]:
        """Store the content of an open file; (sha256, size). Deduplicated, atomic (temp + rename)."""
        tmp = self.blank()
        out = os.open(tmp, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            sha, n = hash_fd(fd, out)
        except BaseException:
            os.close(out)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(out)
        self._adopt(tmp, sha)
        return sha, n

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if self.has_object(sha):
            return sha
        tmp = self.blank()
        fd = os.open(tmp, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self._adopt(tmp, sha)
        return sha

    def adopt_file(self, tmp: Path) -> tuple[str, int]:
        """A copy in incoming/ → its object (hashed now). The copy is moved, or dropped as a duplicate."""
        fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            sha, size = hash_fd(fd)
        finally:
            os.close(fd)
        self._adopt(tmp, sha)
        return sha, size

    def _adopt(self, tmp: Path, sha: str) -> None:
        dest = self.object_path(sha)
        if dest.is_file():
            os.unlink(tmp)
            return
        private_dir(dest.parent)
        os.replace(tmp, dest)

    def read_object(self, sha: str) -> bytes:
        """The content, checked against its hash (a damaged object is an error, never restored)."""
        data = self.object_path(sha).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise ValueError(f"object {sha[:12]} is damaged (its content no longer matches its hash)")
        return data

    # ---- snapshots -----------------------------------------------------------------------------

    def record(self, snap: Snapshot) -> None:
        """A sealed snapshot (every FILE entry has its object) into the database, counting object refs."""
        with self.tx() as db:
            if db.execute("SELECT 1 FROM snapshots WHERE id=?", (snap.id,)).fetchone():
                return
            db.execute("INSERT INTO snapshots(id, created, host, session, event_id, summary, origin, complete, note, "
                       "bytes) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (snap.id, snap.created, snap.host, snap.session, snap.event_id, snap.summary, snap.origin,
                        int(snap.complete), snap.note, snap.bytes))
            for e in snap.entries:
                if e.pre.kind == FILE and not self.has_object(e.pre.sha):
                    # taken from the cache of known contents, and evicted in the meantime
                    e.pre, e.note = State(SKIPPED, size=e.pre.size, mode=e.pre.mode), "its stored copy was evicted"
                    snap.complete = False
                post = e.post or State("")
                db.execute("INSERT INTO entries(snapshot, n, path, why, real_parent, mtime_ns, note, pre_kind, pre_sha, "
                           "pre_size, pre_mode, pre_link, post_state, post_kind, post_sha, post_size, post_mode, "
                           "post_link) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (snap.id, e.n, e.path, e.why, e.real_parent, e.mtime_ns, e.note, e.pre.kind, e.pre.sha,
                            e.pre.size, e.pre.mode, e.pre.link, e.post_state, post.kind, post.sha, post.size,
                            post.mode, post.link))
                if e.pre.kind == FILE and e.pre.sha:
                    self._ref(db, e.pre.sha, e.pre.size, +1)

    def _ref(self, db: sqlite3.Connection, sha: str, size: int, delta: int) -> None:
        cur = db.execute("INSERT OR IGNORE INTO objects(sha, size, refs, created) VALUES (?,?,?,?)",
                         (sha, size, max(delta, 0), time.time()))
        if cur.rowcount == 1:
            db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key='bytes'", (size,))
        else:
            db.execute("UPDATE objects SET refs = refs + ? WHERE sha=?", (delta, sha))

    def set_post(self, snapshot: str, n: int, post: State, how: str, stored: bool) -> None:
        """The state an action left at a path (captured after it ran, or the next snapshot's pre-image)."""
        with self.tx() as db:
            if db.execute("SELECT 1 FROM entries WHERE snapshot=? AND n=?", (snapshot, n)).fetchone() is None:
                return
            ref = int(stored and post.kind == FILE and bool(post.sha))
            old_ref = db.execute("SELECT post_ref, post_sha FROM entries WHERE snapshot=? AND n=?",
                                 (snapshot, n)).fetchone()
            db.execute("UPDATE entries SET post_state=?, post_kind=?, post_sha=?, post_size=?, post_mode=?, "
                       "post_link=?, post_time=?, post_ref=? WHERE snapshot=? AND n=?",
                       (how, post.kind, post.sha, post.size, post.mode, post.link, time.time(), ref, snapshot, n))
            if old_ref and old_ref[0]:
                db.execute("UPDATE objects SET refs = refs - 1 WHERE sha=?", (old_ref[1],))
            if ref:
                self._ref(db, post.sha, post.size, +1)

    def latest_pending_for(self, path: str, before: float) -> "tuple[str, int] | None":
        """The newest entry for `path` from an earlier snapshot whose result was not seen yet."""
        with self._lock:
            row = self.db.execute(
                "SELECT e.snapshot, e.n FROM entries e JOIN snapshots s ON s.id = e.snapshot "
                "WHERE e.path=? AND s.created < ? AND e.post_state IN ('pending','predicted') "
                "ORDER BY s.created DESC LIMIT 1", (path, before)).fetchone()
        return (row[0], row[1]) if row else None

    def pending_entries(self, newer_than: float) -> list[tuple[str, int, str, float, State]]:
        """(snapshot, n, path, created, pre) of entries still waiting for their result."""
        with self._lock:
            rows = self.db.execute(
                "SELECT e.snapshot, e.n, e.path, s.created, e.pre_kind, e.pre_sha, e.pre_size, e.pre_mode, e.pre_link "
                "FROM entries e JOIN snapshots s ON s.id = e.snapshot WHERE e.post_state IN ('pending','predicted') "
                "AND s.created >= ? AND s.evicted IS NULL", (newer_than,)).fetchall()
        return [(r[0], r[1], r[2], r[3], State(r[4], r[5], r[6], r[7], r[8])) for r in rows]

    def get(self, snapshot_id: str) -> "Snapshot | None":
        with self._lock:
            row = self.db.execute(_SNAP_SELECT + " WHERE id=?", (snapshot_id,)).fetchone()
            if row is None:
                return None
            snap = _snap(row)
            snap.entries = [_entry(r) for r in self.db.execute(_ENTRY_SELECT + " WHERE snapshot=? ORDER BY n",
                                                                (snapshot_id,))]
        return snap

    def find(self, *, event_id: str = "", session: str = "", since: float | None = None,
             snapshot_id: str = "", limit: int = 100_000) -> list[Snapshot]:
        """Snapshots by event id (or prefix), snapshot id (or prefix), session, or time; newest first."""
        where, args = [], []
        if event_id:
            where.append("event_id = ?")
            args.append(event_id)
        if snapshot_id:
            where.append("id = ?")
            args.append(snapshot_id)
        if session:
            host, sep, sid = session.partition(":")
            if sep and host and sid:
                where.append("((host = ? AND session = ?) OR session = ?)")
                args += [host, sid, session]
            else:
                where.append("session = ?")
                args.append(session)
        if since is not None:
            where.append("created >= ?")
            args.append(since)
        sql = _SNAP_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY created DESC, id DESC LIMIT ?"
        with self._lock:
            snaps = [_snap(r) for r in self.db.execute(sql, (*args, limit))]
            for s in snaps:
                s.entries = [_entry(r) for r in self.db.execute(_ENTRY_SELECT + " WHERE snapshot=? ORDER BY n", (s.id,))]
        return snaps

    def ids_with_prefix(self, prefix: str, limit: int = 20) -> list[tuple[str, str]]:
        """(event id, snapshot id) of snapshots whose event id or snapshot id starts with `prefix`."""
        hi = prefix + "\U0010ffff"
        with self._lock:
            return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
                "SELECT event_id, id FROM snapshots WHERE (event_id >= ? AND event_id < ?) OR (id >= ? AND id < ?) "
                "LIMIT ?", (prefix, hi, prefix, hi, limit))]

    def history(self, path: str, limit: int = 200) -> list[tuple[Snapshot, Entry]]:
        """Every snapshot entry for `path`, oldest first."""
        with self._lock:
            rows = self.db.execute(_ENTRY_SELECT + " WHERE path=? ORDER BY rowid DESC LIMIT ?", (path, limit)).fetchall()
            out = []
            for r in rows:
                e = _entry(r)
                srow = self.db.execute(_SNAP_SELECT + " WHERE id=?", (e.snapshot,)).fetchone()
                if srow is not None:
                    out.append((_snap(srow), e))
        out.sort(key=lambda x: (x[0].created, x[1].n))
        return out

    def mark_undone(self, snapshot: str, n: int) -> None:
        now = time.time()
        with self.tx() as db:
            db.execute("UPDATE entries SET undone=? WHERE snapshot=? AND n=?", (now, snapshot, n))
            left = db.execute("SELECT count(*) FROM entries WHERE snapshot=? AND undone IS NULL AND pre_kind != ?",
                              (snapshot, SKIPPED)).fetchone()[0]
            if left == 0:
                db.execute("UPDATE snapshots SET undone=? WHERE id=?", (now, snapshot))

    # ---- quota ---------------------------------------------------------------------------------

    def total_bytes(self) -> int:
        """Bytes of every stored object (kept as a running total: no scan per snapshot)."""
        with self._lock:
            return int(self.db.execute("SELECT value FROM meta WHERE key='bytes'").fetchone()[0])

    def evict(self, quota: int, keep: "set[str] | None" = None) -> tuple[list[tuple[str, float]], int]:
        """Evict the oldest snapshots until the objects fit in `quota`. Returns ((id, created) of each
        evicted snapshot, bytes freed).
        Evicted snapshots stay listed (marked), so undo can say exactly what is gone."""
        keep = keep or set()
        evicted: list[tuple[str, float]] = []
        freed = 0
        total = self.total_bytes()
        if total <= quota:
            return evicted, 0
        with self.tx() as db:
            rows = db.execute("SELECT id, created FROM snapshots WHERE evicted IS NULL ORDER BY created, id").fetchall()
            now = time.time()
            for sid, created in rows:
                if total <= quota:
                    break
                if sid in keep:
                    continue
                for sha, in db.execute("SELECT pre_sha FROM entries WHERE snapshot=? AND pre_kind=? AND pre_sha != '' "
                                       "UNION ALL SELECT post_sha FROM entries WHERE snapshot=? AND post_ref=1",
                                       (sid, FILE, sid)).fetchall():
                    db.execute("UPDATE objects SET refs = refs - 1 WHERE sha=?", (sha,))
                db.execute("UPDATE snapshots SET evicted=? WHERE id=?", (now, sid))
                evicted.append((sid, created))
                for sha, size in db.execute("SELECT sha, size FROM objects WHERE refs <= 0").fetchall():
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.object_path(sha))
                    db.execute("DELETE FROM objects WHERE sha=?", (sha,))
                    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE key='bytes'", (size,))
                    total -= size
                    freed += size
        return evicted, freed

    def stats(self) -> dict[str, Any]:
        with self._lock:
            db = self.db
            n, ev = db.execute("SELECT count(*), coalesce(sum(evicted IS NOT NULL), 0) FROM snapshots").fetchone()
            objs, size = db.execute("SELECT count(*), coalesce(sum(size), 0) FROM objects WHERE refs > 0").fetchone()
        return {"snapshots": n, "evicted": ev, "objects": objs, "bytes": size}

    # ---- before the answer: blanks to copy into, a journal of manifests ---------------------------
    #
    # Creating a file costs a journaled directory update (~0.3 ms on a slow disk), more than copying a
    # small file; so empty files are made ahead of time by the background thread ("blanks"), and the
    # manifests of snapshots go, one line each, into an append-only journal (incoming/journal-PID-N.jsonl)
    # that is only read back after a crash: sealing takes them from memory.

    def blank(self) -> Path:
        """An empty private file in incoming/ to copy into (made now if none is ready)."""
        with self._lock:
            if self._blanks:
                return self._blanks.pop()
        return self._make_blank()

    def _make_blank(self) -> Path:
        self.ensure()
        p = self.incoming / f"blank-{os.getpid()}-{os.urandom(6).hex()}"
        os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        return p

    def refill_blanks(self, want: int = 32) -> None:
        with self._lock:
            need = want - len(self._blanks)
        made = [self._make_blank() for _ in range(max(0, need))]
        with self._lock:
            self._blanks.extend(made)

    def drop_blanks(self) -> None:
        with self._lock:
            blanks, self._blanks = self._blanks, []
        for p in blanks:
            with contextlib.suppress(OSError):
                os.unlink(p)

    def journal(self, manifest: dict[str, Any]) -> None:
        """Append one snapshot's manifest (one write on an open file)."""
        line = json.dumps(manifest, separators=(",", ":")).encode() + b"\n"
        with self._lock:
            if self._journal is None:
                self._journal_n += 1
                name = f"journal-{os.getpid()}-{self._journal_n}-{os.urandom(3).hex()}.jsonl"
                self._journal = (os.open(self.incoming / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC,
                                         0o600), self.incoming / name)
            os.write(self._journal[0], line)
            self._journal_bytes += len(line)

    def journal_bytes(self) -> int:
        return self._journal_bytes

    def rotate_journal(self) -> None:
        """Everything journaled so far is sealed: start a new journal, drop the old one."""
        with self._lock:
            if self._journal is None:
                return
            fd, path = self._journal
            self._journal = None
            self._journal_bytes = 0
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    def orphan_journals(self) -> list[Path]:
        """Journals left by processes that are gone (a crash before sealing): their snapshots are sealed
        again from them (recording is idempotent)."""
        out = []
        try:
            names = sorted(os.listdir(self.incoming))
        except FileNotFoundError:
            return out
        for name in names:
            if not (name.startswith("journal-") and name.endswith(".jsonl")):
                continue
            pid = name.split("-")[1]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue
            if self._journal is not None and self._journal[1].name == name:
                continue
            out.append(self.incoming / name)
        return out

    def stray_copies(self, referenced: "set[str]") -> int:
        """Remove copies in incoming/ that no manifest names (left by a crash between copy and journal),
        and other processes' unused blanks. Returns how many were removed."""
        n = 0
        try:
            names = os.listdir(self.incoming)
        except FileNotFoundError:
            return 0
        with self._lock:
            mine = {p.name for p in self._blanks}
        for name in names:
            if not name.startswith("blank-") or name in referenced or name in mine:
                continue
            pid = name.split("-")[1]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                os.unlink(self.incoming / name)
                n += 1
        return n


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA}');
INSERT OR IGNORE INTO meta VALUES ('bytes', '0');
CREATE TABLE IF NOT EXISTS snapshots(
  id TEXT PRIMARY KEY, created REAL NOT NULL, host TEXT, session TEXT, event_id TEXT, summary TEXT,
  origin TEXT, complete INTEGER, note TEXT, bytes INTEGER, evicted REAL, undone REAL);
CREATE INDEX IF NOT EXISTS snapshots_created ON snapshots(created);
CREATE INDEX IF NOT EXISTS snapshots_session ON snapshots(session, created);
CREATE INDEX IF NOT EXISTS snapshots_event ON snapshots(event_id);
CREATE TABLE IF NOT EXISTS entries(
  snapshot TEXT NOT NULL, n INTEGER NOT NULL, path TEXT NOT NULL, why TEXT, real_parent TEXT, mtime_ns INTEGER,
  note TEXT, pre_kind TEXT, pre_sha TEXT, pre_size INTEGER, pre_mode INTEGER, pre_link TEXT,
  post_state TEXT, post_kind TEXT, post_sha TEXT, post_size INTEGER, post_mode INTEGER, post_link TEXT,
  post_time REAL, post_ref INTEGER DEFAULT 0, undone REAL, PRIMARY KEY(snapshot, n));
CREATE INDEX IF NOT EXISTS entries_path ON entries(path);
CREATE INDEX IF NOT EXISTS entries_pending ON entries(post_state);
CREATE TABLE IF NOT EXISTS objects(sha TEXT PRIMARY KEY, size INTEGER, refs INTEGER, created REAL);
CREATE INDEX IF NOT EXISTS objects_refs ON objects(refs);
"""

_SNAP_SELECT = ("SELECT id, created, host, session, event_id, summary, origin, complete, note, bytes, evicted, undone "
                "FROM snapshots")
_ENTRY_SELECT = ("SELECT snapshot, n, path, why, real_parent, mtime_ns, note, pre_kind, pre_sha, pre_size, pre_mode, "
                 "pre_link, post_state, post_kind, post_sha, post_size, post_mode, post_link, undone FROM entries")


def _snap(r: tuple[Any, ...]) -> Snapshot:
    return Snapshot(id=r[0], created=r[1], host=r[2] or "", session=r[3] or "", event_id=r[4] or "",
                    summary=r[5] or "", origin=r[6] or "action", complete=bool(r[7]), note=r[8] or "",
                    bytes=r[9] or 0, evicted=r[10], undone=r[11])


def _entry(r: tuple[Any, ...]) -> Entry:
    post = State(r[13], r[14] or "", r[15] or 0, r[16] or 0, r[17] or "") if r[13] else None
    return Entry(snapshot=r[0], n=r[1], path=r[2], why=r[3] or "", real_parent=r[4] or "", mtime_ns=r[5] or 0,
                 note=r[6] or "", pre=State(r[7], r[8] or "", r[9] or 0, r[10] or 0, r[11] or ""),
                 post_state=r[12] or "pending", post=post, undone=r[18])

"""The typosquat indexes on disk: one small SQLite file built once from adr/data/, read with a
bounded page cache, so a long-lived daemon keeps ~1 MiB of them in memory instead of ~100 MiB of
dicts (skeletons, flattened names, affix cores, symmetric-delete keys for every popular name).

    python -m adr.supply.typoindex DATA_DIR OUT.sqlite3     # build (what ensure() runs)

The file name carries a digest of the source lists and the format, so new data or a new format
never reads a stale index; it is written to a temporary name and renamed, so a half-built file is
never opened. The builder runs in a child process (its peak memory is the child's, not the
daemon's); when that fails, the caller falls back to building in memory.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterable

FORMAT = 2
ECO_IDS = {"pypi": 1, "npm": 2}
KINDS = {"skel": 1, "flat": 2, "core": 3}
SOURCES = ("{eco}_top.txt", "{eco}_known.txt.gz")
BUILD_TIMEOUT = 300.0
CACHE_KIB = 512  # SQLite page cache per connection

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE names(eco INTEGER, name TEXT, rank INTEGER, top INTEGER, PRIMARY KEY(eco, name)) WITHOUT ROWID;
CREATE TABLE owners(eco INTEGER, kind INTEGER, key TEXT, rank INTEGER, PRIMARY KEY(eco, kind, key)) WITHOUT ROWID;
CREATE TABLE dels(eco INTEGER, lvl INTEGER, key TEXT, rank INTEGER, PRIMARY KEY(eco, lvl, key, rank)) WITHOUT ROWID;
"""


def digest(data_dir: Path) -> str:
    h = hashlib.sha256(f"typosquat-index-{FORMAT}".encode())
    for eco in sorted(ECO_IDS):
        for pattern in SOURCES:
            p = data_dir / pattern.format(eco=eco)
            h.update(p.name.encode())
            try:
                h.update(p.read_bytes())
            except OSError:
                h.update(b"-")
    return h.hexdigest()[:20]


_digests: "dict[tuple, str]" = {}


def _digest_cached(data_dir: Path) -> str:
    """digest() keyed by the source files' size and mtime (a decision's look-up reads no list)."""
    key: list = [str(data_dir)]
    for eco in sorted(ECO_IDS):
        for pattern in SOURCES:
            try:
                st = (data_dir / pattern.format(eco=eco)).stat()
                key.append((st.st_size, st.st_mtime_ns))
            except OSError:
                key.append(None)
    k = tuple(key)
    d = _digests.get(k)
    if d is None:
        d = _digests[k] = digest(data_dir)
        if len(_digests) > 16:
            _digests.pop(next(iter(_digests)))
    return d


def file_name(data_dir: Path) -> str:
    return f"typosquat-{_digest_cached(data_dir)}.sqlite3"


def index_path(cache_dir: Path, data_dir: Path) -> Path:
    """Where this user's copy is built when the installation carries none (see prebuilt())."""
    return cache_dir / "supply" / file_name(data_dir)


def prebuilt(data_dir: Path, prebuilt_dir: "Path | None" = None) -> "Path | None":
    """The index the installation carries for these lists (built with the wheel, or by `make
    install` in a checkout), when there is one: no user then waits for a build."""
    if prebuilt_dir is None:
        from adr.paths import PREBUILT_DIR
        prebuilt_dir = PREBUILT_DIR
    out = prebuilt_dir / file_name(data_dir)
    return out if out.is_file() else None


def built(cache_dir: Path, data_dir: Path) -> "Path | None":
    """The index file when it is already built (never builds)."""
    shipped = prebuilt(data_dir)
    if shipped is not None:
        return shipped
    out = index_path(cache_dir, data_dir)
    return out if out.exists() else None


def write(out: Path, stores: "dict[str, object]") -> None:
    """Write the in-memory indexes (`typosquat._MemoryIndex` per ecosystem) to `out` atomically."""
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        for eco, st in stores.items():
            e = ECO_IDS[eco]
            top = st.topset  # type: ignore[attr-defined]
            db.executemany("INSERT INTO names VALUES (?,?,?,?)",
                           ((e, n, r, 1 if n in top else 0) for n, r in st.rank.items()))  # type: ignore[attr-defined]
            rank = st.rank  # type: ignore[attr-defined]
            for kind, table in (("skel", st.skel), ("flat", st.flat), ("core", st.core)):  # type: ignore[attr-defined]
                db.executemany("INSERT INTO owners VALUES (?,?,?,?)",
                               ((e, KINDS[kind], k, rank[v]) for k, v in table.items()))
            for lvl, table in ((1, st.del1), (2, st.del2_table())):  # type: ignore[attr-defined]
                db.executemany("INSERT OR IGNORE INTO dels VALUES (?,?,?,?)",
                               ((e, lvl, k, rank[n]) for k, ns in table.items() for n in ns))
        db.execute("CREATE INDEX names_by_rank ON names(eco, rank)")
        db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
        db.commit()
    finally:
        db.close()
    os.chmod(tmp, 0o600)
    os.replace(tmp, out)


def install(data_dir: Path, prebuilt_dir: Path) -> Path:
    """Build the index an installation carries into `prebuilt_dir` (setup.py, `make install`); an
    index of other lists there is removed."""
    out = prebuilt_dir / file_name(data_dir)
    prebuilt_dir.mkdir(parents=True, exist_ok=True, mode=0o755)
    if not out.is_file():
        build(data_dir, out)
        os.chmod(out, 0o644)  # read by every user of the installation; never written after this
    for old in prebuilt_dir.glob("typosquat-*.sqlite3"):
        if old != out:
            old.unlink()
    return out


def build(data_dir: Path, out: Path) -> None:
    """Read the name lists from `data_dir` and write the index to `out`."""
    from adr.supply.typosquat import _MemoryIndex, read_sources
    stores = {}
    for eco in ECO_IDS:
        top, known = read_sources(data_dir, eco)
        st = _MemoryIndex(eco, top, known)
        stores[eco] = st
    write(out, stores)


_build_lock = threading.Lock()


def ensure(cache_dir: Path, data_dir: Path, in_process: bool = False) -> "Path | None":
    """The index file for `data_dir`'s lists, built if missing (in a child process unless
    `in_process`). None when it cannot be built or written (the caller keeps its in-memory indexes)."""
    shipped = prebuilt(data_dir)
    if shipped is not None:
        return shipped
    out = index_path(cache_dir, data_dir)
    if out.exists():
        return out
    with _build_lock:
        if out.exists():
            return out
        try:
            if in_process:
                build(data_dir, out)
            else:
                subprocess.run([sys.executable, "-m", "adr.supply.typoindex", str(data_dir), str(out)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=BUILD_TIMEOUT, check=True)
        except (OSError, subprocess.SubprocessError, sqlite3.Error) as e:
            log.warning("typosquat index not built (%s); using in-memory indexes", e)
            return None
        for old in out.parent.glob("typosquat-*.sqlite3"):
            if old != out:
                try:
                    old.unlink()
                except OSError:
                    pass
    return out if out.exists() else None


class DiskIndex:
    """One ecosystem's indexes, answered from the SQLite file (thread-safe; a small page cache)."""

    def __init__(self, path: Path, eco: str, conn: "sqlite3.Connection | None" = None,
                 lock: "threading.Lock | None" = None) -> None:
        self.eco = eco
        self._e = ECO_IDS[eco]
        if conn is None:
            conn = connect(path)
        self._db = conn
        self._lock = lock or threading.Lock()

    def rank_or_none(self, name: str) -> "int | None":
        with self._lock:
            row = self._db.execute("SELECT rank FROM names WHERE eco=? AND name=?", (self._e, name)).fetchone()
        return row[0] if row else None

    def is_top(self, name: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT top FROM names WHERE eco=? AND name=?", (self._e, name)).fetchone()
        return bool(row and row[0])

    def owner(self, kind: str, key: str) -> "str | None":
        with self._lock:
            row = self._db.execute("SELECT n.name FROM owners o CROSS JOIN names n ON n.eco=o.eco AND n.rank=o.rank "
                                   "WHERE o.eco=? AND o.kind=? AND o.key=?", (self._e, KINDS[kind], key)).fetchone()
        return row[0] if row else None

    def candidates(self, level: int, keys: Iterable[str]) -> "list[tuple[str, int]]":
        """(name, rank) of the popular names sharing a delete-key with `keys` at `level` (1 or 2)."""
        ks = list(dict.fromkeys(keys))
        out: list[tuple[str, int]] = []
        with self._lock:
            for i in range(0, len(ks), 500):
                chunk = ks[i:i + 500]
                # CROSS JOIN keeps SQLite's planner on the key index first (it would scan names)
                q = ("SELECT DISTINCT n.name, n.rank FROM dels d CROSS JOIN names n ON n.eco=d.eco AND n.rank=d.rank "
                     f"WHERE d.eco=? AND d.lvl=? AND d.key IN ({','.join('?' * len(chunk))})")
                out += self._db.execute(q, (self._e, level, *chunk)).fetchall()
        return out

    def names(self, top_only: bool) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT name FROM names WHERE eco=?" + (" AND top=1" if top_only else "") + " ORDER BY rank",
                (self._e,)).fetchall()
        return [r[0] for r in rows]


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    db.execute("PRAGMA mmap_size=0")  # pages through the bounded cache, not mapped into RSS
    db.execute("PRAGMA query_only=1")
    row = db.execute("SELECT v FROM meta WHERE k='format'").fetchone()
    if not row or row[0] != str(FORMAT):
        db.close()
        raise sqlite3.DatabaseError("typosquat index of another format")
    return db


USAGE = """usage: python -m adr.supply.typoindex DATA_DIR OUT.sqlite3   (a user's copy: ensure())
       python -m adr.supply.typoindex --install [DATA_DIR PREBUILT_DIR]   (the installation's: make install, setup.py)"""

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--install"] and len(args) in (1, 3):
        from adr.paths import DATA_DIR, PREBUILT_DIR
        src, dst = (Path(args[1]), Path(args[2])) if len(args) == 3 else (DATA_DIR, PREBUILT_DIR)
        print(install(src, dst))
    elif len(args) == 2 and not args[0].startswith("-"):
        build(Path(args[0]), Path(args[1]))
    else:
        sys.exit(USAGE)

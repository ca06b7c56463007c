"""The history index: SQLite over the audit log, the sessions and the run records.

The hash-chained JSONL audit log stays the source of truth; this index is derived from it and is
rebuilt from it whenever it is missing, damaged or behind (`catch_up()` reads only what was appended
since the last indexed record: the log is append-only, so a locator — file inode, offset, length —
of the newest indexed record says where to go on). `adr log` with any filter, `adr sessions`,
`adr report` and `adr replay --session` then cost what their result costs:

- `audit`: one row per record (the columns a listing shows + where its line is), indexed by
  decision, host, session and time; `audit_rules`: (rule, seq) for `--rule`.
- `sessions`: one row per (host, session) with first/last time and counts.
- `daily`, `rule_daily`, `answers`: per-day roll-ups the report reads instead of every record.
- `runs` / `run_files`: where each run record (adr/record/runs.py) is, by seq.

WAL, 0600. Several processes may catch up at once: each catch-up holds SQLite's write lock for at
most one batch and re-reads where the index stands after taking it.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from adr.record.audit import AuditLog, _read_head

SCHEMA = 2
BATCH = 5_000
_LOCATOR = ("ino", "off", "len")


@dataclass(frozen=True)
class Filter:
    session: str = ""  # a session id, a prefix of one, or "host:id"
    host: str = ""
    verdict: str = ""
    rule: str = ""  # a rule id, or a pack / prefix ("risky" matches risky.*)
    since: float | None = None  # epoch seconds
    kind: str = ""
    event: str = ""


@dataclass(frozen=True)
class Row:
    seq: int
    t: float
    id: str
    host: str
    session: str
    event: str
    kind: str
    decision: str
    decided_by: str
    mode: str
    would: str
    agent: str
    project: str
    summary: str
    rules: str
    snapshot: str
    latency: float
    relaxed: str
    ino: int
    off: int
    len: int

    @property
    def rule_ids(self) -> list[str]:
        return [r for r in self.rules.split(",") if r]


_COLS = ("seq, t, id, host, session, event, kind, decision, decided_by, mode, would, agent, project, summary, "
         "rules, snapshot, latency, relaxed, ino, off, len")


def epoch(iso: Any) -> float:
    try:
        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


class Index:
    def __init__(self, db_path: Path, audit_dir: Path, runs_dir: "Path | None" = None) -> None:
        self.path = Path(db_path)
        self.audit_dir = Path(audit_dir)
        self.runs_dir = Path(runs_dir) if runs_dir is not None else None
        self._db: sqlite3.Connection | None = None
        self._projects: dict[str, str] = {}

    # ---- the database ---------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            os.close(fd)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA busy_timeout=30000")
                db.execute("PRAGMA cache_size=-16000")
                if _schema_version(db) not in (None, SCHEMA):
                    db.close()
                    self._reset_file()
                    return self.db
                db.executescript(_SCHEMA)
            except sqlite3.DatabaseError:
                db.close()
                self._reset_file()  # a damaged index is rebuilt from the log
                return self.db
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.chmod(str(self.path) + suffix, 0o600)
            self._db = db
        return self._db

    def _reset_file(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(self.path) + suffix)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ---- catching up with the log -----------------------------------------------------------------

    def catch_up(self, progress: "Callable[[int], None] | None" = None) -> int:
        """Index every record appended since the last catch-up (all of them the first time)."""
        added = self._catch_up_audit(progress)
        if self.runs_dir is not None:
            added += self.catch_up_runs()
        return added

    def behind(self) -> bool:
        head = _read_head(self.audit_dir)
        last = self.db.execute("SELECT max(seq) FROM audit").fetchone()[0] or 0
        return head is None or head[0] != last

    def _catch_up_audit(self, progress: "Callable[[int], None] | None") -> int:
        total = 0
        while True:
            n, more = self._audit_batch()
            total += n
            if progress is not None and n:
                progress(total)
            if not more:
                return total

    def _audit_batch(self) -> tuple[int, bool]:
        head = _read_head(self.audit_dir)
        db = self.db
        last = db.execute("SELECT seq, ino, off, len FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        if head is not None and last is not None and head[0] == last[0]:
            return 0, False
        files = _files(self.audit_dir)
        if not files:
            if last is not None:
                self._clear()
            return 0, False
        db.execute("BEGIN IMMEDIATE")
        try:
            last = db.execute("SELECT seq, ino, off, len FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            start = self._start(files, last)
            if start is None:  # the log was replaced or cut: rebuild from scratch
                self._clear(in_tx=True)
                last, start = None, (0, 0)
            n, more = self._read_from(files, start, last[0] if last else 0)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return n, more

    def _start(self, files: list[tuple[Path, int]], last: "tuple[int, int, int, int] | None") -> "tuple[int, int] | None":
        """(file number, offset) after the newest indexed record; None when the log no longer has it."""
        if last is None:
            return 0, 0
        seq, ino, off, length = last
        for i, (path, fino) in enumerate(files):
            if fino == ino:
                rec = _read_at(path, off, length)
                if rec is not None and rec.get("seq") == seq:
                    return i, off + length
                return None
        # its file is gone (pruned rotated files): go on from the first file that starts after it
        for i, (path, _) in enumerate(files):
            first = _first_seq(path)
            if first is not None and first > seq:
                return i, 0
        head = _read_head(self.audit_dir)
        if head is not None and head[0] >= seq:
            return len(files) - 1, _size(files[-1][0])  # nothing newer to read
        return None

    def _read_from(self, files: list[tuple[Path, int]], start: tuple[int, int], last_seq: int) -> tuple[int, bool]:
        n = 0
        fi, off = start
        for i in range(fi, len(files)):
            path, ino = files[i]
            try:
                f = open(path, "rb")
            except FileNotFoundError:
                continue
            with f:
                f.seek(off if i == fi else 0)
                pos = f.tell()
                for raw in f:
                    if not raw.endswith(b"\n"):
                        break  # being written: next time
                    length = len(raw)
                    try:
                        rec = json.loads(raw)
                    except (ValueError, RecursionError):
                        rec = None
                    if isinstance(rec, dict) and isinstance(rec.get("seq"), int) and rec["seq"] > last_seq:
                        self._insert(rec, ino, pos, length)
                        last_seq = rec["seq"]
                        n += 1
                        if n >= BATCH:
                            return n, True
                    pos += length
        return n, False

    def _clear(self, in_tx: bool = False) -> None:
        tables = ("audit", "audit_rules", "sessions", "daily", "rule_daily", "answers")
        if not in_tx:
            self.db.execute("BEGIN IMMEDIATE")
        for t in tables:
            self.db.execute(f"DELETE FROM {t}")
        if not in_tx:
            self.db.execute("COMMIT")

    def _project(self, cwd: str) -> str:
        p = self._projects.get(cwd)
        if p is None:
            from adr.policy.grants import project_of
            try:
                p = project_of(cwd) if cwd.startswith("/") else cwd
            except OSError:
                p = cwd
            if len(self._projects) > 10_000:
                self._projects.clear()
            self._projects[cwd] = p
        return p

    def _insert(self, r: dict[str, Any], ino: int, off: int, length: int) -> None:
        db = self.db
        t = epoch(r.get("time"))
        rules = [str(f.get("rule_id", "")) for f in r.get("findings") or [] if isinstance(f, dict)]
        rules = list(dict.fromkeys(x for x in rules if x))
        host, session = _s(r.get("host")), _s(r.get("session"))
        decision, decided_by, mode = _s(r.get("decision")), _s(r.get("decided_by")), _s(r.get("mode"))
        would, agent = _s(r.get("would_decide")), _s(r.get("agent")) or _s(r.get("process"))
        project = self._project(_s(r.get("cwd"))) if r.get("cwd") else ""
        latency = float(r.get("latency_ms") or 0.0) if isinstance(r.get("latency_ms"), (int, float)) else 0.0
        db.execute(f"INSERT OR IGNORE INTO audit({_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (r["seq"], t, _s(r.get("id")), host, session, _s(r.get("event")), _s(r.get("kind")), decision,
                    decided_by, mode, would, agent, project, _s(r.get("summary"))[:300], ",".join(rules),
                    _s(r.get("snapshot")), latency, _s(r.get("relaxed")), ino, off, length))
        for rule in rules:
            db.execute("INSERT OR IGNORE INTO audit_rules(rule, seq) VALUES (?,?)", (rule, r["seq"]))
        day = int(t // 86400)
        if session and host:
            col = decision if decision in ("allow", "ask", "deny") else "other"
            db.execute(f"INSERT INTO sessions(host, session, agent, project, cwd, first, last, n_{col}) "
                       f"VALUES (?,?,?,?,?,?,?,1) ON CONFLICT(host, session) DO UPDATE SET "
                       f"last = max(last, excluded.last), n_{col} = n_{col} + 1, "
                       f"agent = CASE WHEN agent = '' THEN excluded.agent ELSE agent END, "
                       f"project = CASE WHEN project = '' THEN excluded.project ELSE project END, "
                       f"cwd = CASE WHEN excluded.cwd != '' THEN excluded.cwd ELSE cwd END",
                       (host, session, agent, project, _s(r.get("cwd")), t, t))
        db.execute("INSERT INTO daily(day, host, agent, project, decision, decided_by, mode, would, relaxed, n) "
                   "VALUES (?,?,?,?,?,?,?,?,?,1) ON CONFLICT DO UPDATE SET n = n + 1",
                   (day, host, agent, project, decision, decided_by, mode, would, _s(r.get("relaxed"))))
        for rule in rules:
            db.execute("INSERT INTO rule_daily(day, rule, decision, decided_by, mode, would, n) VALUES (?,?,?,?,?,?,1) "
                       "ON CONFLICT DO UPDATE SET n = n + 1", (day, rule, decision, decided_by, mode, would))
        if decided_by in ("human", "timeout") and latency > 0:
            bucket = _bucket(latency)
            db.execute("INSERT INTO answers(day, decided_by, bucket, n, total_ms) VALUES (?,?,?,1,?) "
                       "ON CONFLICT DO UPDATE SET n = n + 1, total_ms = total_ms + excluded.total_ms",
                       (day, decided_by, bucket, latency))

    # ---- run records ------------------------------------------------------------------------------

    def catch_up_runs(self) -> int:
        """Index run records appended since the last look; forget files retention removed."""
        assert self.runs_dir is not None
        from adr.record.runs import run_files

        db = self.db
        present = {p.name: p for p in run_files(self.runs_dir)}
        known = dict(db.execute("SELECT name, size FROM run_files").fetchall())
        n = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            for name in set(known) - set(present):
                db.execute("DELETE FROM runs WHERE file=?", (name,))
                db.execute("DELETE FROM run_files WHERE name=?", (name,))
            for name, path in sorted(present.items()):
                done = known.get(name, 0)
                size = _size(path)
                if size <= done:
                    continue
                with open(path, "rb") as f:
                    f.seek(done)
                    pos = done
                    for raw in f:
                        if not raw.endswith(b"\n"):
                            break
                        head = _run_head(raw)
                        if head is not None:
                            db.execute("INSERT OR REPLACE INTO runs(seq, id, session, host, t, file, off, len) "
                                       "VALUES (?,?,?,?,?,?,?,?)", (*head, name, pos, len(raw)))
                            n += 1
                        pos += len(raw)
                db.execute("INSERT OR REPLACE INTO run_files(name, size) VALUES (?,?)", (name, pos))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return n

    def run_locators(self, f: Filter) -> list[tuple[int, str, int, int]]:
        """(seq, file, offset, length) of the run records matching `f`, oldest first."""
        where, args = self._where(f)
        sql = (f"SELECT r.seq, r.file, r.off, r.len FROM runs r JOIN audit a ON a.seq = r.seq "
               f"{('WHERE ' + where) if where else ''} ORDER BY r.seq")
        return [tuple(x) for x in self.db.execute(sql, args)]  # type: ignore[misc]

    # ---- queries ----------------------------------------------------------------------------------

    def _where(self, f: Filter) -> tuple[str, list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        if f.session:
            pairs = self.resolve_sessions(f.session)
            if not pairs:
                where.append("0")
            else:
                where.append("(" + " OR ".join("(a.host = ? AND a.session = ?)" for _ in pairs) + ")")
                for h, s in pairs:
                    args += [h, s]
        for value, column in ((f.host, "host"), (f.verdict, "decision"), (f.kind, "kind"), (f.event, "event")):
            if value:
                where.append(f"a.{column} = ?")
                args.append(value)
        if f.since is not None:
            row = self.db.execute("SELECT seq FROM audit WHERE t >= ? ORDER BY t LIMIT 1", (f.since,)).fetchone()
            where.append("a.seq >= ?")
            args.append(row[0] if row else (1 << 62))
        if f.rule:
            where.append("a.seq IN (SELECT seq FROM audit_rules WHERE rule = ? OR (rule >= ? AND rule < ?))")
            args += [f.rule, f.rule + ".", f.rule + "/"]
        return " AND ".join(where), args

    def resolve_sessions(self, text: str, limit: int = 200) -> list[tuple[str, str]]:
        """(host, session) pairs a `--session` argument means: "host:id" or an id, else an id prefix."""
        db = self.db
        host, sep, sid = text.partition(":")
        if sep and host and sid:
            got = db.execute("SELECT host, session FROM sessions WHERE host = ? AND session = ?", (host, sid)).fetchall()
            if got:
                return [tuple(x) for x in got]  # type: ignore[misc]
        exact = db.execute("SELECT host, session FROM sessions WHERE session = ?", (text,)).fetchall()
        if exact:
            return [tuple(x) for x in exact]  # type: ignore[misc]
        return [tuple(x) for x in db.execute(  # type: ignore[misc]
            "SELECT host, session FROM sessions WHERE session >= ? AND session < ? LIMIT ?",
            (text, text + "\U0010ffff", limit))]

    def page(self, f: Filter, limit: int) -> list[Row]:
        """The newest `limit` matching rows, oldest first (what `adr log -n N` shows)."""
        where, args = self._where(f)
        sql = f"SELECT {_prefixed()} FROM audit a {('WHERE ' + where) if where else ''} ORDER BY a.seq DESC LIMIT ?"
        rows = [Row(*x) for x in self.db.execute(sql, (*args, max(0, limit)))]
        rows.reverse()
        return rows

    def rows(self, f: Filter, chunk: int = 5_000) -> Iterator[Row]:
        """Every matching row, oldest first, a chunk at a time."""
        where, args = self._where(f)
        after = 0
        while True:
            cond = " AND ".join(x for x in (where, "a.seq > ?") if x)
            got = [Row(*x) for x in self.db.execute(
                f"SELECT {_prefixed()} FROM audit a WHERE {cond} ORDER BY a.seq LIMIT ?", (*args, after, chunk))]
            yield from got
            if len(got) < chunk:
                return
            after = got[-1].seq

    def records(self, rows: Iterable[Row]) -> Iterator[dict[str, Any]]:
        """The full log records of `rows`, read where the index says they are (missing ones skipped)."""
        by_ino: dict[int, Path] = {ino: p for p, ino in _files(self.audit_dir)}
        handles: dict[int, Any] = {}
        try:
            for row in rows:
                path = by_ino.get(row.ino)
                if path is None:
                    continue
                fh = handles.get(row.ino)
                if fh is None:
                    try:
                        fh = handles[row.ino] = open(path, "rb")
                    except FileNotFoundError:
                        continue
                fh.seek(row.off)
                raw = fh.read(row.len)
                try:
                    rec = json.loads(raw)
                except (ValueError, RecursionError):
                    continue
                if isinstance(rec, dict) and rec.get("seq") == row.seq:
                    yield rec
        finally:
            for fh in handles.values():
                fh.close()

    def max_seq(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0])

    def sessions(self, limit: int = 50, since: "float | None" = None) -> list[dict[str, Any]]:
        sql = ("SELECT host, session, agent, project, cwd, first, last, n_allow, n_ask, n_deny, n_other FROM sessions "
               + ("WHERE last >= ? " if since is not None else "") + "ORDER BY last DESC LIMIT ?")
        args: list[Any] = ([since] if since is not None else []) + [limit]
        keys = ("host", "session", "agent", "project", "cwd", "first", "last", "allow", "ask", "deny", "other")
        out = []
        for r in self.db.execute(sql, args):
            d = dict(zip(keys, r))
            d["counts"] = {k: d.pop(k) for k in ("allow", "ask", "deny", "other")}
            out.append(d)
        return out

    def session(self, host: str, session: str) -> "dict[str, Any] | None":
        for s in self.db.execute("SELECT host, session FROM sessions WHERE host=? AND session=?", (host, session)):
            rows = self.sessions_where("host=? AND session=?", [s[0], s[1]])
            return rows[0] if rows else None
        return None

    def sessions_where(self, cond: str, args: list[Any]) -> list[dict[str, Any]]:
        keys = ("host", "session", "agent", "project", "cwd", "first", "last", "allow", "ask", "deny", "other")
        out = []
        for r in self.db.execute("SELECT host, session, agent, project, cwd, first, last, n_allow, n_ask, n_deny, "
                                 f"n_other FROM sessions WHERE {cond}", args):
            d = dict(zip(keys, r))
            d["counts"] = {k: d.pop(k) for k in ("allow", "ask", "deny", "other")}
            out.append(d)
        return out

    def timeline(self, host: str, session: str, limit: int = 200) -> list[Row]:
        rows = [Row(*x) for x in self.db.execute(
            f"SELECT {_prefixed()} FROM audit a WHERE a.host = ? AND a.session = ? ORDER BY a.seq DESC LIMIT ?",
            (host, session, limit))]
        rows.reverse()
        return rows

    def query(self, sql: str, args: "tuple[Any, ...] | list[Any]" = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL for the report (adr/record/report.py)."""
        return self.db.execute(sql, tuple(args)).fetchall()


def open_index(paths: Any, catch_up: bool = True, progress: "Callable[[int], None] | None" = None) -> Index:
    idx = Index(paths.index_db, paths.audit_dir, paths.runs_dir)
    if catch_up:
        idx.catch_up(progress)
    return idx


def _prefixed() -> str:
    return ", ".join("a." + c.strip() for c in _COLS.split(","))


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _bucket(ms: float) -> int:
    """Answer-time buckets: 0 (< 1 s), 1 (< 2 s), 2 (< 5 s), 3 (< 10 s), 4 (< 30 s), 5 (< 60 s), 6 (longer)."""
    for i, lim in enumerate((1000, 2000, 5000, 10000, 30000, 60000)):
        if ms < lim:
            return i
    return 6


BUCKETS = ("< 1 s", "1–2 s", "2–5 s", "5–10 s", "10–30 s", "30–60 s", "≥ 60 s")


def _files(audit_dir: Path) -> list[tuple[Path, int]]:
    out = []
    for p in AuditLog(audit_dir).files():
        try:
            out.append((p, os.stat(p).st_ino))
        except FileNotFoundError:
            continue
    return out


def _size(p: Path) -> int:
    try:
        return os.stat(p).st_size
    except FileNotFoundError:
        return 0


def _read_at(path: Path, off: int, length: int) -> "dict[str, Any] | None":
    try:
        with open(path, "rb") as f:
            f.seek(off)
            raw = f.read(length)
        rec = json.loads(raw)
        return rec if isinstance(rec, dict) else None
    except (OSError, ValueError, RecursionError):
        return None


def _first_seq(path: Path) -> "int | None":
    try:
        with open(path, "rb") as f:
            rec = json.loads(f.readline())
        return rec.get("seq") if isinstance(rec, dict) and isinstance(rec.get("seq"), int) else None
    except (OSError, ValueError, RecursionError):
        return None


def _run_head(raw: bytes) -> "tuple[int, str, str, str, float] | None":
    """(seq, id, session, host, time) from the start of a run record line (written first by runs.py)."""
    try:
        rec = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("seq"), int):
        return None
    return rec["seq"], _s(rec.get("id")), _s(rec.get("session")), _s(rec.get("host")), epoch(rec.get("time"))


def _schema_version(db: sqlite3.Connection) -> "int | None":
    try:
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.OperationalError:
        return None
    return int(row[0]) if row else None


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA}');
CREATE TABLE IF NOT EXISTS audit(
  seq INTEGER PRIMARY KEY, t REAL, id TEXT, host TEXT, session TEXT, event TEXT, kind TEXT, decision TEXT,
  decided_by TEXT, mode TEXT, would TEXT, agent TEXT, project TEXT, summary TEXT, rules TEXT, snapshot TEXT,
  latency REAL, relaxed TEXT, ino INTEGER, off INTEGER, len INTEGER);
CREATE INDEX IF NOT EXISTS audit_decision ON audit(decision, seq);
CREATE INDEX IF NOT EXISTS audit_host ON audit(host, seq);
CREATE INDEX IF NOT EXISTS audit_session ON audit(session, host, seq);
CREATE INDEX IF NOT EXISTS audit_t ON audit(t);
CREATE TABLE IF NOT EXISTS audit_rules(rule TEXT, seq INTEGER, PRIMARY KEY(rule, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions(
  host TEXT, session TEXT, agent TEXT DEFAULT '', project TEXT DEFAULT '', cwd TEXT DEFAULT '', first REAL, last REAL,
  n_allow INTEGER DEFAULT 0, n_ask INTEGER DEFAULT 0, n_deny INTEGER DEFAULT 0, n_other INTEGER DEFAULT 0,
  PRIMARY KEY(host, session));
CREATE INDEX IF NOT EXISTS sessions_last ON sessions(last);
CREATE INDEX IF NOT EXISTS sessions_id ON sessions(session);
CREATE TABLE IF NOT EXISTS daily(
  day INTEGER, host TEXT, agent TEXT, project TEXT, decision TEXT, decided_by TEXT, mode TEXT, would TEXT,
  relaxed TEXT, n INTEGER, PRIMARY KEY(day, host, agent, project, decision, decided_by, mode, would, relaxed));
CREATE TABLE IF NOT EXISTS rule_daily(
  day INTEGER, rule TEXT, decision TEXT, decided_by TEXT, mode TEXT, would TEXT, n INTEGER,
  PRIMARY KEY(day, rule, decision, decided_by, mode, would));
CREATE TABLE IF NOT EXISTS answers(
  day INTEGER, decided_by TEXT, bucket INTEGER, n INTEGER, total_ms REAL, PRIMARY KEY(day, decided_by, bucket));
CREATE TABLE IF NOT EXISTS runs(
  seq INTEGER PRIMARY KEY, id TEXT, session TEXT, host TEXT, t REAL, file TEXT, off INTEGER, len INTEGER);
CREATE INDEX IF NOT EXISTS runs_file ON runs(file);
CREATE TABLE IF NOT EXISTS run_files(name TEXT PRIMARY KEY, size INTEGER);
"""

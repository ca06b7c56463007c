"""A small sqlite cache of reputation answers (paths.reputation_cache, mode 0600).

TTL by rating unless the provider gave one: malicious answers are kept longest (they rarely
become clean), clean ones long enough to make repeated installs free, "unknown" briefly.
Errors and time-outs are never cached.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable

from adr.reputation.interface import Rating, Result, Subject, SubjectKind

DEFAULT_TTL = {Rating.MALICIOUS: 24 * 3600.0, Rating.SUSPICIOUS: 6 * 3600.0, Rating.CLEAN: 6 * 3600.0,
               Rating.UNKNOWN: 15 * 60.0}
MAX_ROWS = 50_000


class ReputationCache:
    def __init__(self, path: "Path | str | None", clock: Callable[[], float] = time.time):
        self.clock = clock
        self._lock = threading.Lock()
        if path is None or str(path) == ":memory:":
            self._db = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            p = Path(path)
            p.parent.mkdir(parents=True, exist_ok=True)
            if not p.exists():
                os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
            os.chmod(p, 0o600)
            self._db = sqlite3.connect(str(p), check_same_thread=False, timeout=1.0)
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS rep (provider TEXT, key TEXT, rating TEXT, detail TEXT,"
                             " refs TEXT, expires REAL, PRIMARY KEY (provider, key))")
            self._db.commit()

    def get(self, provider: str, subject: Subject) -> Result | None:
        now = self.clock()
        try:
            with self._lock:
                row = self._db.execute("SELECT rating, detail, refs, expires FROM rep WHERE provider=? AND key=?",
                                       (provider, subject.key)).fetchone()
        except sqlite3.Error:
            return None
        if not row or row[3] <= now:
            return None
        return Result(provider, subject, Rating(row[0]), row[1], max(0.0, row[3] - now),
                      tuple(json.loads(row[2] or "[]")), cached=True)

    def put(self, result: Result) -> None:
        ttl = result.ttl or DEFAULT_TTL[result.rating]
        try:
            with self._lock:
                self._db.execute("INSERT OR REPLACE INTO rep VALUES (?,?,?,?,?,?)",
                                 (result.provider, result.subject.key, result.rating.value, result.detail,
                                  json.dumps(list(result.references)), self.clock() + ttl))
                self._db.commit()
        except sqlite3.Error:
            pass

    def purge(self) -> int:
        with self._lock:
            n = self._db.execute("DELETE FROM rep WHERE expires <= ?", (self.clock(),)).rowcount
            count = self._db.execute("SELECT COUNT(*) FROM rep").fetchone()[0]
            if count > MAX_ROWS:
                self._db.execute("DELETE FROM rep WHERE rowid IN (SELECT rowid FROM rep ORDER BY expires LIMIT ?)",
                                 (count - MAX_ROWS,))
            self._db.commit()
        return n

    def stats(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT rating, COUNT(*) FROM rep WHERE expires > ? GROUP BY rating",
                                    (self.clock(),)).fetchall()
        return {r: n for r, n in rows}

    def close(self) -> None:
        with self._lock:
            self._db.close()


__all__ = ["ReputationCache", "DEFAULT_TTL", "SubjectKind"]

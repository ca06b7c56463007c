"""Export pipeline: the audit log → OCSF events → every configured sink, off the decision path.

The audit log is the source: every decision, alert, human answer and refused self-approval is a record
there, whoever wrote it (the daemon's pipeline, its alert desk, an approval given later, the hook's
in-process fallback while the daemon was down). One reader thread follows it from a cursor (the last
audit `seq` whose events are sent or spooled by every sink, kept in `export/cursor`), so a restart
resumes where it stopped and a daemon that was down exports what happened meanwhile. The daemon's
`decided()` hands each fresh record over in memory (a bounded inbox) so the usual path reads nothing
from disk; whatever did not come that way (alerts, gaps, a full inbox) is read from the log itself.

When export is first switched on, the cursor starts at the end of the log: history is not replayed.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from adr.config import ExportSettings
from adr.record.audit import CURRENT, last_record, rotated_files
from adr.record.export.interface import make_sink
from adr.record.export.ocsf import HostFacts, RuleInfo, events_for
from adr.record.export.runner import SinkRunner

log = logging.getLogger("adr.export")

INBOX = 10_000
POLL = 0.25  # seconds the reader waits for the daemon's hand-over before looking at the log itself
MAX_LINE = 1024 * 1024
READ_CHUNK = 2000  # records read from the log per step
CURSOR_FILE = "cursor"
_SEQ = re.compile(rb'^\{"seq":(\d+)')


class AuditTail:
    """Follows the audit log (rotation included) and yields records after a given seq."""

    def __init__(self, audit_dir: Path) -> None:
        self.dir = Path(audit_dir)
        self._fh: Any = None
        self._ino: int | None = None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh, self._ino = None, None

    def _files(self) -> list[Path]:
        out = [p for _, p in rotated_files(self.dir)]
        cur = self.dir / CURRENT
        if cur.exists():
            out.append(cur)
        return out

    def _open(self, path: Path) -> bool:
        self.close()
        try:
            self._fh = open(path, "rb")
        except FileNotFoundError:
            return False
        self._ino = os.fstat(self._fh.fileno()).st_ino
        return True

    def _seek(self, after: int) -> None:
        """Open the file holding the first record after `after` (the oldest file whose first seq is not
        past it), positioned at its start; lines up to `after` are skipped while reading."""
        files = self._files()
        pick = files[0] if files else None
        for p in files:
            first = _first_seq(p)
            if first is not None and first <= after + 1:
                pick = p
        if pick is not None:
            self._open(pick)

    def read_after(self, after: int, limit: int = READ_CHUNK) -> list[dict[str, Any]]:
        """Up to `limit` records with seq > after, oldest first ([] when there is nothing new)."""
        if self._fh is None:
            self._seek(after)
            if self._fh is None:
                return []
        out: list[dict[str, Any]] = []
        while len(out) < limit:
            pos = self._fh.tell()
            line = self._fh.readline(MAX_LINE + 1)
            if not line:
                if not self._advance():
                    break
                continue
            if not line.endswith(b"\n"):
                if len(line) > MAX_LINE:  # absurd line: skip it whole
                    while line and not line.endswith(b"\n"):
                        line = self._fh.readline(MAX_LINE + 1)
                    continue
                self._fh.seek(pos)  # a record being written: read it next time
                break
            m = _SEQ.match(line)
            if m is None or int(m.group(1)) <= after:
                continue
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(rec, dict):
                out.append(rec)
        return out

    def _advance(self) -> bool:
        """At the end of the open file: move to the next one if it was rotated away. True if moved."""
        files = self._files()
        inos = []
        for p in files:
            try:
                inos.append(p.stat().st_ino)
            except FileNotFoundError:
                inos.append(None)
        if self._ino in inos:
            i = inos.index(self._ino)
            if i == len(files) - 1 and files[i].name == CURRENT:
                return False  # the live file: wait for more
            if i + 1 < len(files):
                return self._open(files[i + 1])
            return False
        # our file is gone from the list (pruned, or renamed after we reached its end): the current file
        # holds what follows — unless its inode is ours under a rotated name we have not seen yet
        cur = self.dir / CURRENT
        try:
            if cur.stat().st_ino != self._ino:
                return self._open(cur)
        except FileNotFoundError:
            pass
        return False


def _first_seq(path: Path) -> "int | None":
    try:
        with open(path, "rb") as f:
            m = _SEQ.match(f.readline(256))
    except OSError:
        return None
    return int(m.group(1)) if m else None


class Exporter:
    """The reader thread and one SinkRunner per configured sink."""

    def __init__(self, audit_dir: Path, export_dir: Path, cfg: ExportSettings,
                 rules: Callable[[], Mapping[str, RuleInfo]] = dict) -> None:
        self.audit_dir = Path(audit_dir)
        self.dir = Path(export_dir)
        self.cfg = cfg
        self.rules = rules
        self.host = HostFacts.here()
        self.inbox: "queue.Queue[dict[str, Any]]" = queue.Queue(INBOX)
        self.runners: dict[str, SinkRunner] = {}
        self.cursor = 0
        self.saved_cursor = -1
        self.records = 0  # audit records read
        self.events = 0  # OCSF events produced
        self.deferred = 0  # hand-overs the inbox could not take (read from the log instead)
        self.last_seq = 0
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="adr-export-reader", daemon=True)
        self._tail = AuditTail(self.audit_dir)

    # ---- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> "Exporter":
        for d in (self.dir, self.dir / "spool"):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(d, 0o700)
        self.cursor = self._load_cursor()
        self.configure(self.cfg)
        self._thread.start()
        return self

    def configure(self, cfg: ExportSettings) -> None:
        """Start runners for new or changed sinks, stop (spooling their memory) the ones removed."""
        with self._lock:
            self.cfg = cfg
            want = cfg.sinks
            for name in list(self.runners):
                r = self.runners[name]
                if name not in want or r.sink_cfg != want[name] or r.cfg != cfg:
                    r.stop()
                    del self.runners[name]
            for name, sink_cfg in want.items():
                if name not in self.runners:
                    self.runners[name] = SinkRunner(make_sink(name, sink_cfg), self.dir / "spool" / name, cfg,
                                                    sink_cfg).start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        with self._lock:
            for r in self.runners.values():
                r.stop()
            self._save_cursor(force=True)
        self._tail.close()

    # ---- input --------------------------------------------------------------------------------------

    def offer(self, record: Mapping[str, Any]) -> None:
        """A fresh audit record from the daemon (event loop): never blocks."""
        try:
            self.inbox.put_nowait(dict(record))
        except queue.Full:
            self.deferred += 1  # it is in the audit log: the reader finds it there

    # ---- the reader thread --------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:
                log.exception("export reader failed; retrying")
                self._tail.close()
                self._stop.wait(1.0)

    def step(self, wait: float = POLL) -> None:
        """Handle what the daemon handed over, else read the log; then save the durable cursor."""
        got: list[dict[str, Any]] = []
        try:
            got.append(self.inbox.get(timeout=wait))
            while len(got) < READ_CHUNK:
                got.append(self.inbox.get_nowait())
        except queue.Empty:
            pass
        with self._lock:
            gap = not got
            for rec in sorted(got, key=lambda r: r.get("seq") if isinstance(r.get("seq"), int) else 0):
                seq = rec.get("seq")
                if not isinstance(seq, int) or seq <= self.cursor:
                    continue
                if seq != self.cursor + 1:
                    gap = True  # something was written that did not come this way: read the log
                    break
                self._emit(rec)
            if gap:
                for rec in self._tail.read_after(self.cursor):
                    if rec.get("seq", 0) > self.cursor:
                        self._emit(rec)
            self._save_cursor()

    def _emit(self, rec: dict[str, Any]) -> None:
        seq = int(rec["seq"])
        self.records += 1
        self.last_seq = max(self.last_seq, seq)
        try:
            evs = events_for(rec, self.rules(), self.host, self.cfg.activity)
        except Exception:  # one odd record must not stop the export
            log.exception("cannot map audit record %s to OCSF; skipped", seq)
            evs = []
        if evs:
            lines = [(seq, json.dumps(ev, ensure_ascii=True, separators=(",", ":")).encode()) for ev in evs]
            self.events += len(lines)
            for r in self.runners.values():
                r.offer(lines)
        self.cursor = seq

    # ---- the cursor ---------------------------------------------------------------------------------

    def _load_cursor(self) -> int:
        try:
            saved = int((self.dir / CURSOR_FILE).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            saved = None
        newest = last_record(self.audit_dir)
        end = int(newest.get("seq") or 0) if isinstance(newest, dict) and isinstance(newest.get("seq"), int) else 0
        if saved is None:
            return end  # first time on: start at the end of the log (no history replay)
        if saved > end:
            log.warning("the audit log restarts below the export cursor (%d > %d): exporting from its start",
                        saved, end)
            return 0
        return saved

    def durable(self) -> int:
        """The highest seq up to which every event is sent or spooled by every sink."""
        marks = [m for r in self.runners.values() if (m := r.low_water()) is not None]
        return min(marks) - 1 if marks else self.cursor

    def _save_cursor(self, force: bool = False) -> None:
        value = self.durable()
        if value == self.saved_cursor and not force:
            return
        tmp = self.dir / (CURSOR_FILE + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"{value}\n")
        os.replace(tmp, self.dir / CURSOR_FILE)
        self.saved_cursor = value

    # ---- status -------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        with self._lock:
            sinks = {n: r.status() for n, r in self.runners.items()}
        return {"enabled": bool(sinks), "activity": self.cfg.activity, "cursor": self.cursor,
                "durable_cursor": self.saved_cursor, "records": self.records, "events": self.events,
                "deferred": self.deferred, "inbox": self.inbox.qsize(), "sinks": sinks,
                "updated": time.time()}


def spool_status(export_dir: Path, cfg: ExportSettings) -> dict[str, Any]:
    """What is waiting on disk per configured sink (for `adr export status` without a daemon)."""
    from adr.record.export.spool import Spool

    out = {}
    for name, sink_cfg in cfg.sinks.items():
        d = Path(export_dir) / "spool" / name
        sp = Spool(d, cfg.spool_max_bytes) if d.is_dir() else None
        out[name] = {"target": make_sink(name, sink_cfg).target(), "state": "daemon not running",
                     "queued": 0, "spooled": sp.pending if sp else 0, "spool_bytes": sp.size if sp else 0,
                     "sent": None, "dropped": None, "last_error": ""}
    return out

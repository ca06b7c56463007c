"""The daemon's history component: run records and the history index, off the decision path.

`decided()` (event loop) only encodes nothing and queues the finished decision; one writer thread
appends the run records (adr/record/runs.py) and then brings the SQLite index up to date with the
audit log (adr/record/index.py), in batches. A decision never waits for either; a queue that grows
past its bound drops run records (counted in `adr status`), never decisions.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import TYPE_CHECKING, Any

from adr.component import CallContext, CallSpec, Component, Decided
from adr.record.index import Index
from adr.record.runs import RunStore, encode, run_record

if TYPE_CHECKING:  # pragma: no cover
    from adr.daemon.server import Daemon

log = logging.getLogger("adr.daemon")
QUEUE_MAX = 10_000
PRUNE_EVERY = 3600.0


class History(Component):
    name = "history"

    def __init__(self, daemon: "Daemon") -> None:
        super().__init__(daemon)
        p = daemon.paths
        self.runs = RunStore(p.runs_dir)
        self.index = Index(p.index_db, p.audit_dir, p.runs_dir)
        self.q: "queue.Queue[Decided | threading.Event]" = queue.Queue(QUEUE_MAX)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.counts = {"run_records": 0, "dropped": 0, "indexed": 0, "errors": 0, "pruned_files": 0}
        self.last_error = ""
        self._pruned_at = 0.0

    async def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="adr-history", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        import asyncio

        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 10.0)

    def status(self) -> dict[str, Any]:
        return {**self.counts, "queued": self.q.qsize(), "last_error": self.last_error}

    def decided(self, d: Decided) -> None:
        try:
            self.q.put_nowait(d)
        except queue.Full:
            self.counts["dropped"] += 1
        self._wake.set()

    def _settings(self) -> Any:
        return self.daemon.loaded.settings if self.daemon.loaded is not None else None

    def _run(self) -> None:
        self._step(initial=True)
        while not self._stop.is_set():
            self._wake.wait(30.0)
            self._wake.clear()
            time.sleep(0.02)  # let a burst of decisions gather into one batch
            self._step()
        self._step()
        self.runs.close()
        self.index.close()

    def _step(self, initial: bool = False) -> None:
        waiting: list[threading.Event] = []
        try:
            self._write_runs(waiting)
        except Exception as e:
            self._failed("cannot write run records", e)
        try:
            added = self.index.catch_up()
            self.counts["indexed"] += added
        except Exception as e:
            self._failed("cannot update the history index", e)
        if initial or time.monotonic() - self._pruned_at > PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            s = self._settings()
            if s is not None:
                try:
                    self.counts["pruned_files"] += len(self.runs.prune(s.run_retention_days, s.run_max_bytes))
                except OSError as e:
                    self._failed("cannot prune run records", e)
        for ev in waiting:
            ev.set()

    def _write_runs(self, waiting: list[threading.Event]) -> None:
        s = self._settings()
        lines: list[bytes] = []
        while True:
            try:
                d = self.q.get_nowait()
            except queue.Empty:
                break
            if isinstance(d, threading.Event):
                waiting.append(d)
                continue
            if d.action is None or s is None or not s.run_records or not d.audit.get("seq"):
                continue
            lines.append(encode(run_record(d.audit, d.action, d.verdict, d.decided_by, s.sensitivity, s.mode)))
            if len(lines) >= 500:
                self.runs.append(lines)
                self.counts["run_records"] += len(lines)
                lines = []
        self.runs.append(lines)
        self.counts["run_records"] += len(lines)

    def _failed(self, what: str, e: BaseException) -> None:
        self.counts["errors"] += 1
        self.last_error = f"{time.strftime('%H:%M:%S')}: {what}: {type(e).__name__}: {e}"
        log.error("history: %s", self.last_error)

    def calls(self) -> dict[str, CallSpec]:
        async def flush(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            """Write what is queued and bring the index up to date now (tests, `adr replay`)."""
            import asyncio

            done = threading.Event()

            def wait() -> bool:
                self.q.put(done, timeout=10)  # behind every decision queued so far
                self._wake.set()
                return done.wait(30.0)

            ok = await asyncio.get_running_loop().run_in_executor(None, wait)
            return {"flushed": bool(ok)}

        return {"flush": CallSpec(flush)}

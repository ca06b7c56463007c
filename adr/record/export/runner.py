"""One sink's delivery: a bounded in-memory queue, batches, the disk spool, retries with backoff.

Events arrive in audit order. While the sink keeps up they wait in memory (at most `export.queue`) and
go out in batches (`export.batch`, or whatever came within `export.flush_interval`). When a send fails,
or memory is full, everything in memory moves to the spool on disk and later events follow it there, so
order is kept (memory holds events only while the spool is empty). A failing sink is retried with
exponential backoff (up to `export.retry_max`, with jitter), oldest spooled batch first; once the spool
is drained, events use memory again. Every event that reaches the runner is sent, spooled, or — only
when the spool passes its size cap — dropped and counted.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from itertools import islice
from pathlib import Path
from typing import Any

from adr.config import ExportSettings
from adr.record.export.interface import Sink, SinkError
from adr.record.export.spool import Spool

log = logging.getLogger("adr.export")

BACKOFF_BASE = 0.5
STOP_TIMEOUT = 15.0


class SinkRunner:
    def __init__(self, sink: Sink, spool_dir: Path, cfg: ExportSettings, sink_cfg: Any = None) -> None:
        self.sink = sink
        self.sink_cfg = sink_cfg  # the config section it was built from (a changed one means a new runner)
        self.cfg = cfg
        self.spool = Spool(spool_dir, cfg.spool_max_bytes)
        self.memory: "deque[tuple[int, bytes]]" = deque()
        self.cond = threading.Condition()
        self.sent = 0
        self.spooled_total = 0
        self.failures = 0  # consecutive failed sends (0 = healthy)
        self.failed_total = 0
        self.last_error = ""
        self.last_error_at: float | None = None
        self.last_sent_at: float | None = None
        self.retry_at = 0.0
        self._stopping = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"adr-export-{sink.name}", daemon=True)

    # ---- producer side (the exporter's reader thread) ---------------------------------------------

    def start(self) -> "SinkRunner":
        self._thread.start()
        return self

    def offer(self, items: "list[tuple[int, bytes]]") -> None:
        """Take events (seq, JSON); never blocks on the sink."""
        if not items:
            return
        with self.cond:
            if self._closed or self.spool.pending or self.failures:
                self._to_spool(list(items))
            elif len(self.memory) + len(items) > self.cfg.queue:
                self._to_spool(list(self.memory) + list(items))  # full: all of it to disk, in order
                self.memory.clear()
            else:
                self.memory.extend(items)
            self.cond.notify()

    def _to_spool(self, items: "list[tuple[int, bytes]]") -> None:
        try:
            self.spool.append(items)
            self.spooled_total += len(items)
        except OSError as e:  # the disk refuses too: keep what memory can hold, count the rest
            keep = max(0, self.cfg.queue - len(self.memory))
            self.memory.extend(items[:keep])
            self.spool.dropped += len(items) - keep
            self._error(f"cannot spool to {self.spool.dir}: {e.strerror or e}")

    def low_water(self) -> "int | None":
        """The oldest audit seq this runner holds only in memory (not yet sent or spooled)."""
        with self.cond:
            return self.memory[0][0] if self.memory else None

    # ---- the sender thread ------------------------------------------------------------------------

    def _next(self) -> "tuple[str, Any] | None":
        """Wait for the next batch: ("memory", items) or ("spool", Batch); None when stopping."""
        with self.cond:
            while True:
                if self._stopping:
                    return None
                wait = self.retry_at - time.monotonic()
                if wait > 0:
                    self.cond.wait(wait)
                    continue
                if self.memory:
                    if len(self.memory) < self.cfg.batch:  # a partial batch waits a little for company
                        deadline = time.monotonic() + self.cfg.flush_interval
                        while len(self.memory) < self.cfg.batch and not self._stopping \
                                and (left := deadline - time.monotonic()) > 0 and self.memory:
                            self.cond.wait(left)
                        if self._stopping or not self.memory:
                            continue
                    return "memory", list(islice(self.memory, self.cfg.batch))
                if self.spool.pending:
                    batch = self.spool.peek(self.cfg.batch)
                    if batch.lines:
                        return "spool", batch
                    self.retry_at = time.monotonic() + 1.0  # a torn tail (crash mid-write): look again soon
                    continue
                self.cond.wait(1.0)

    def _run(self) -> None:
        while True:
            got = self._next()
            if got is None:
                return
            where, batch = got
            items = batch if where == "memory" else batch.items
            try:
                if items:
                    self.sink.send([line for _, line in items])
            except SinkError as e:
                self._failed(where, str(e))
                continue
            except Exception as e:  # a sink bug must not kill delivery: treat it like a failed send
                log.exception("export sink %s failed unexpectedly", self.sink.name)
                self._failed(where, f"{type(e).__name__}: {e}")
                continue
            with self.cond:
                if self._closed:
                    return
                if where == "memory":
                    for _ in range(min(len(items), len(self.memory))):
                        self.memory.popleft()
                else:
                    self.spool.ack(batch)
                self.sent += len(items)
                self.last_sent_at = time.time()
                if self.failures:
                    log.info("export sink %s is back (%s): sending what was spooled", self.sink.name,
                             self.sink.target())
                self.failures = 0

    def _failed(self, where: str, message: str) -> None:
        with self.cond:
            if self.failures == 0:
                log.warning("export sink %s (%s) failed, spooling and retrying: %s", self.sink.name,
                            self.sink.target(), message)
            self.failures += 1
            self.failed_total += 1
            self._error(message)
            if where == "memory" and self.memory:
                self._to_spool(list(self.memory))
                self.memory.clear()
            delay = min(self.cfg.retry_max, BACKOFF_BASE * 2 ** min(self.failures - 1, 20))
            self.retry_at = time.monotonic() + delay * random.uniform(0.8, 1.2)
        try:
            self.sink.close()
        except Exception:
            pass

    def _error(self, message: str) -> None:
        self.last_error = message[:500]
        self.last_error_at = time.time()

    # ---- lifecycle and status ---------------------------------------------------------------------

    def stop(self) -> None:
        """Stop sending; whatever memory still holds goes to the spool (nothing is lost on shutdown)."""
        with self.cond:
            self._stopping = True
            self.cond.notify_all()
        self._thread.join(STOP_TIMEOUT)
        with self.cond:
            self._closed = True
            if self.memory:
                self._to_spool(list(self.memory))
                self.memory.clear()
        try:
            self.sink.close()
        except Exception:
            pass

    def status(self) -> dict[str, Any]:
        with self.cond:
            state = "ok" if not self.failures else "retrying"
            return {"target": self.sink.target(), "state": state, "queued": len(self.memory),
                    "spooled": self.spool.pending, "spool_bytes": self.spool.size, "sent": self.sent,
                    "dropped": self.spool.dropped, "spooled_total": self.spooled_total,
                    "failures": self.failed_total, "last_error": self.last_error,
                    "last_error_at": self.last_error_at, "last_sent_at": self.last_sent_at,
                    "retry_in_s": round(max(0.0, self.retry_at - time.monotonic()), 1) if self.failures else 0.0}

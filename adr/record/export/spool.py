"""A sink's disk spool: events a sink could not take yet, oldest first, so an outage loses nothing.

Segments of JSON lines (`000000000001.jsonl` …, 0600, in a 0700 folder), appended at the newest and
read from the oldest at a cursor (`cursor`: segment and byte offset, rewritten after each batch the sink
took). A fully read segment is deleted. Past `max_bytes` the oldest segments are dropped whole — each
dropped event is counted and logged — so a sink that never comes back cannot fill the disk.

Each line is "<seq> <event JSON>": the audit sequence number travels with the event so the exporter
knows how far its work is durable. Not thread-safe by itself: the sink runner holds a lock around it.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger("adr.export")

_SEGMENT = re.compile(r"^(\d{12})\.jsonl$")
CURSOR = "cursor"


class Spool:
    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.dir = Path(directory)
        self.max_bytes = max(64 * 1024, int(max_bytes))
        self.segment_bytes = max(16 * 1024, min(4 * 1024 * 1024, self.max_bytes // 8))
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.dir, 0o700)
        self.dropped = 0  # events dropped because the spool was full (since start)
        self._pending = 0
        self._bytes = 0
        self._read = self._load_cursor()  # (segment number, offset) of the next event to read
        segs = self.segments()
        if self._read[0] not in segs:  # its segment was read to the end (or removed): start at the next one
            for n in (x for x in segs if x < self._read[0]):
                self._path(n).unlink(missing_ok=True)  # read before a crash, not yet deleted
            later = [x for x in segs if x >= self._read[0]]
            self._read = (later[0] if later else max(1, self._read[0]), 0)
        self._pending, self._bytes = self._scan()

    # ---- state ----------------------------------------------------------------------------------

    def segments(self) -> list[int]:
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return []
        return sorted(int(m.group(1)) for n in names if (m := _SEGMENT.match(n)))

    def _path(self, n: int) -> Path:
        return self.dir / f"{n:012d}.jsonl"

    def _load_cursor(self) -> tuple[int, int]:
        try:
            seg, off = (self.dir / CURSOR).read_text().split()
            return int(seg), int(off)
        except (OSError, ValueError):
            return 0, 0

    def _save_cursor(self) -> None:
        tmp = self.dir / (CURSOR + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"{self._read[0]} {self._read[1]}\n")
        os.replace(tmp, self.dir / CURSOR)

    def _scan(self) -> tuple[int, int]:
        """Count unread events and bytes (at start: the spool may hold a previous run's events)."""
        pending = size = 0
        for n in self.segments():
            try:
                with open(self._path(n), "rb") as f:
                    if n == self._read[0]:
                        f.seek(self._read[1])
                    elif n < self._read[0]:
                        continue
                    data = f.read()
            except OSError:
                continue
            pending += data.count(b"\n")
            size += len(data)
        return pending, size

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def size(self) -> int:
        return self._bytes

    # ---- writing ----------------------------------------------------------------------------------

    def append(self, items: "list[tuple[int, bytes]]") -> None:
        """Add events (seq, JSON line without newline) at the end, then enforce the size cap."""
        if not items:
            return
        segs = self.segments()
        n = segs[-1] if segs else max(1, self._read[0])
        try:
            size = self._path(n).stat().st_size
        except FileNotFoundError:
            size = 0
        chunk: list[bytes] = []
        for seq, line in items:
            rec = b"%d %s\n" % (seq, line)
            if size and size + len(rec) > self.segment_bytes:
                self._write(n, chunk)
                n, size, chunk = n + 1, 0, []
            chunk.append(rec)
            size += len(rec)
            self._pending += 1
            self._bytes += len(rec)
        self._write(n, chunk)
        if self._bytes > self.max_bytes:
            self._enforce_cap()

    def _write(self, n: int, chunk: "list[bytes]") -> None:
        if not chunk:
            return
        fd = os.open(self._path(n), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(b"".join(chunk))
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def _enforce_cap(self) -> None:
        segs = self.segments()
        while self._bytes > self.max_bytes and len(segs) > 1:
            n = segs.pop(0)
            p = self._path(n)
            try:
                with open(p, "rb") as f:
                    if n == self._read[0]:
                        f.seek(self._read[1])
                    data = f.read()
                p.unlink()
            except OSError:
                continue
            lost = data.count(b"\n")
            self.dropped += lost
            self._pending -= lost
            self._bytes -= len(data)
            log.warning("export spool %s is full (%d bytes max): dropped its %d oldest events", self.dir.name,
                        self.max_bytes, lost)
            self._read = (segs[0], 0)
            self._save_cursor()

    # ---- reading ----------------------------------------------------------------------------------

    def peek(self, limit: int) -> "Batch":
        """Up to `limit` of the oldest events, and where reading stops after them (for `ack`)."""
        segs = [n for n in self.segments() if n >= self._read[0]]
        if not segs:
            return Batch([], self._read, 0, 0)
        n = segs[0]
        start = off = self._read[1] if n == self._read[0] else 0
        items: list[tuple[int, bytes]] = []
        lines = damaged = 0
        try:
            with open(self._path(n), "rb") as f:
                f.seek(off)
                while len(items) < limit:
                    line = f.readline()
                    if not line.endswith(b"\n"):  # end of segment (or a torn last line: left for later)
                        break
                    off += len(line)
                    lines += 1
                    seq, _, body = line.rstrip(b"\n").partition(b" ")
                    try:
                        items.append((int(seq), body))
                    except ValueError:  # a damaged line: skipped, counted as dropped when acknowledged
                        damaged += 1
        except FileNotFoundError:
            return Batch([], self._read, 0, 0)
        return Batch(items, (n, off), lines, damaged, off - start)

    def ack(self, batch: "Batch") -> None:
        """The batch was delivered: move the cursor past it; delete a segment read to its end."""
        segs = self.segments()
        pos = batch.pos
        if pos[0] not in segs:  # dropped by the size cap while being sent: nothing left to ack
            return
        self._pending = max(0, self._pending - batch.lines)
        self._bytes = max(0, self._bytes - batch.nbytes)
        self.dropped += batch.damaged
        self._read = pos
        try:
            at_end = os.path.getsize(self._path(pos[0])) <= pos[1]
        except OSError:
            at_end = True
        if at_end and (pos[0] != segs[-1] or self._pending == 0):
            self._path(pos[0]).unlink(missing_ok=True)  # read to its end (the newest too, once all is read)
            later = [n for n in segs if n > pos[0]]
            self._read = (later[0], 0) if later else (pos[0] + 1, 0)
        self._save_cursor()


class Batch:
    """Events read from the spool and not yet acknowledged."""

    __slots__ = ("items", "pos", "lines", "damaged", "nbytes")

    def __init__(self, items: "list[tuple[int, bytes]]", pos: tuple[int, int], lines: int, damaged: int,
                 nbytes: int = 0) -> None:
        self.items, self.pos, self.lines, self.damaged, self.nbytes = items, pos, lines, damaged, nbytes

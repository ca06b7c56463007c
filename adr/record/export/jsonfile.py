"""Sink: a local JSON-lines file of OCSF events (0600), rotated by size (path.1 … path.keep), for a
log shipper that already tails files (Filebeat, Vector, the OpenTelemetry Collector's filelog)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from adr.config import FileSink as FileConfig
from adr.record.export.interface import Probe, Sink, SinkError


class FileSink(Sink):
    name = "file"

    def __init__(self, cfg: FileConfig) -> None:
        self.cfg = cfg
        self.path = Path(os.path.expanduser(cfg.path))

    def target(self) -> str:
        return str(self.path)

    def send(self, events: Sequence[bytes]) -> None:
        data = b"".join(e + b"\n" for e in events)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._rotate(len(data))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except OSError as e:
            raise SinkError(f"cannot write {self.path}: {e.strerror or e}") from None

    def _rotate(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.cfg.max_bytes:
            return
        if self.cfg.keep == 0:
            self.path.unlink()
            return
        for i in range(self.cfg.keep - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{i + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))

    def probe(self, timeout: float = 3.0) -> Probe:
        d = self.path.parent
        while not d.exists() and d != d.parent:
            d = d.parent
        if self.path.exists() and not os.access(self.path, os.W_OK) or not os.access(d, os.W_OK):
            return Probe(self.name, "fail", f"{self.path}: not writable")
        return Probe(self.name, "ok", f"{self.path} is writable")

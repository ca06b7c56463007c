"""One interface for every export sink (a local JSON-lines file, OTLP/HTTP logs, syslog).

A sink only moves bytes: `send` delivers one batch of OCSF events (each a JSON document, UTF-8,
ASCII-only) or raises SinkError; queueing, batching, the disk spool and retries are the runner's
(adr/record/export/runner.py), the same for every sink. `probe` is `adr doctor`'s question: can this
sink be reached right now? Each implementation is a sibling module, built by `make_sink`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Sequence


class SinkError(Exception):
    """A batch was not delivered (the runner keeps it and retries)."""


@dataclass(frozen=True)
class Probe:
    """A doctor check: status ok | warn | fail, and what was found."""

    name: str
    status: str
    detail: str


class Sink(ABC):
    name: str = "sink"

    @abstractmethod
    def target(self) -> str:
        """Where events go, for status and doctor (no secrets)."""

    @abstractmethod
    def send(self, events: Sequence[bytes]) -> None:
        """Deliver every event of the batch, or raise SinkError (a partial delivery may be repeated)."""

    def close(self) -> None:
        """Release connections; the sink may be used again after it (it reconnects)."""

    def probe(self, timeout: float = 3.0) -> Probe:
        """Can the sink be reached now? Sends no event."""
        return Probe(self.name, "ok", self.target())


def make_sink(name: str, cfg: Any) -> Sink:
    """The sink for one configured section of `export:` (config.yaml)."""
    if name == "file":
        from adr.record.export.jsonfile import FileSink
        return FileSink(cfg)
    if name == "otlp":
        from adr.record.export.otlp import OtlpSink
        return OtlpSink(cfg)
    if name == "syslog":
        from adr.record.export.syslog import SyslogSink
        return SyslogSink(cfg)
    raise ValueError(f"unknown export sink {name!r}")

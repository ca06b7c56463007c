"""Sink: OTLP/HTTP logs through OpenTelemetry's own Python SDK and exporter, for any SIEM behind an
OpenTelemetry Collector. Each OCSF event is one log record whose body is the event's JSON text (what
OCSF consumers ingest; a collector's `ParseJSON` turns it into a map where one is wanted) — encoding the
event as a nested OTLP map instead costs ~1.5 ms of CPU per event in the SDK, ~20x the string, and that
CPU would be taken from the daemon's decisions. Attributes `ocsf.class_uid` / `ocsf.type_uid` allow
routing without parsing; the resource says who sent it (service.name=adr, service.version, host.name,
user.name). adr posts to <endpoint>/v1/logs.

The SDK's batch processor is not used: it drops what it cannot send. adr's runner does the batching,
spooling and retrying, and calls the exporter directly with one batch at a time.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Sequence

from adr.config import OtlpSink as OtlpConfig
from adr.record.export.interface import Probe, Sink, SinkError
from adr.record.export.ocsf import HostFacts

_EXPORTER_LOGGER = "opentelemetry.exporter.otlp.proto.http._log_exporter"
_SEVERITY = {0: "INFO", 1: "INFO", 2: "INFO2", 3: "WARN", 4: "ERROR", 5: "FATAL", 6: "FATAL"}


class _LastError(logging.Handler):
    """The exporter reports why a batch failed only in its log: keep the last line per thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.local.message = record.getMessage()[:500]
        except Exception:  # a log line must never break an export
            pass

    def take(self) -> str:
        msg = getattr(self.local, "message", "")
        self.local.message = ""
        return msg


_last_error = _LastError()
_installed = False


def _install_handler() -> None:
    global _installed
    if not _installed:
        lg = logging.getLogger(_EXPORTER_LOGGER)
        lg.addHandler(_last_error)
        lg.propagate = False  # the runner logs a failing sink once per outage, not once per retry
        _installed = True


class OtlpSink(Sink):
    name = "otlp"

    def __init__(self, cfg: OtlpConfig) -> None:
        self.cfg = cfg
        self.url = cfg.endpoint.rstrip("/") + "/v1/logs"
        self._exporter: Any = None
        self._resource: Any = None

    def target(self) -> str:
        return self.url

    def _setup(self) -> Any:
        if self._exporter is None:
            from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
            from opentelemetry.sdk.resources import Resource

            _install_handler()
            facts = HostFacts.here()
            self._resource = Resource.create({"service.name": "adr", "service.version": facts.version,
                                              "host.name": facts.hostname, "user.name": facts.user,
                                              "os.type": facts.os_name.lower()})
            self._exporter = OTLPLogExporter(endpoint=self.url, headers=dict(self.cfg.headers) or None,
                                             timeout=self.cfg.timeout, certificate_file=self.cfg.ca_file or None)
        return self._exporter

    def records(self, events: Sequence[bytes]) -> list[Any]:
        from opentelemetry._logs import LogRecord, SeverityNumber
        from opentelemetry.sdk._logs import ReadableLogRecord
        from opentelemetry.sdk.util.instrumentation import InstrumentationScope

        self._setup()
        scope = InstrumentationScope("adr.export")
        now = time.time_ns()
        out = []
        for raw in events:
            ev = json.loads(raw)
            sev = int(ev.get("severity_id") or 0)
            rec = LogRecord(timestamp=int(ev.get("time") or 0) * 1_000_000 or now, observed_timestamp=now,
                            severity_number=SeverityNumber[_SEVERITY.get(sev, "INFO")],
                            severity_text=str(ev.get("severity", "")), body=raw.decode("utf-8"),
                            attributes={"ocsf.class_uid": int(ev.get("class_uid") or 0),
                                        "ocsf.type_uid": int(ev.get("type_uid") or 0)},
                            event_name=f"ocsf.{ev.get('class_uid')}")
            out.append(ReadableLogRecord(log_record=rec, resource=self._resource, instrumentation_scope=scope))
        return out

    def send(self, events: Sequence[bytes]) -> None:
        from opentelemetry.sdk._logs.export import LogRecordExportResult

        exporter = self._setup()
        _last_error.take()
        result = exporter.export(self.records(events))
        if result is not LogRecordExportResult.SUCCESS:
            raise SinkError(_last_error.take() or f"the collector at {self.url} did not accept the batch")

    def close(self) -> None:
        if self._exporter is not None:
            try:
                self._exporter.shutdown()
            finally:
                self._exporter = None

    def probe(self, timeout: float = 3.0) -> Probe:
        """An empty export request: a collector answers it like any other (200 when it takes logs)."""
        import requests
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

        try:
            r = requests.post(self.url, data=ExportLogsServiceRequest().SerializeToString(),
                              headers={"Content-Type": "application/x-protobuf", **dict(self.cfg.headers)},
                              timeout=timeout, verify=self.cfg.ca_file or True)
        except requests.RequestException as e:
            return Probe(self.name, "fail", f"{self.url}: {type(e).__name__}: {e}"[:400])
        if 200 <= r.status_code < 300:
            return Probe(self.name, "ok", f"{self.url} accepts OTLP logs (HTTP {r.status_code})")
        return Probe(self.name, "fail", f"{self.url}: HTTP {r.status_code}")

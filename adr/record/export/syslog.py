"""Sink: syslog, RFC 5424 messages over TCP (TLS optional), octet-counted frames (RFC 6587), for the
syslog relay most SIEMs already have. The message is the OCSF event as JSON (ASCII, so no BOM):

    <PRI>1 2025-01-02T03:04:05.678Z laptop adr 4242 ocsf-2004 - {"class_uid":2004,…}

PRI = facility (authpriv by default) × 8 + a severity from the event's severity_id. Plain TCP has no
acknowledgement: before each batch the connection is checked for a close from the relay (a stopped
rsyslog sends FIN), so a relay that went away is noticed and the batch is spooled instead of lost.
"""
from __future__ import annotations

import json
import os
import select
import socket
import ssl
from datetime import datetime, timezone
from typing import Sequence

from adr.config import SYSLOG_FACILITIES
from adr.config import SyslogSink as SyslogConfig
from adr.record.export.interface import Probe, Sink, SinkError
from adr.record.export.ocsf import HostFacts

# OCSF severity_id → syslog severity (0 emergency … 7 debug)
_SYSLOG_SEVERITY = {0: 6, 1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1}
MAX_MESSAGE = 64 * 1024  # larger events are cut (a relay's default limit is often 8 KiB: raise it there)


def _printable(text: str, limit: int) -> str:
    """RFC 5424 header fields: printable US-ASCII without spaces, or the nil value."""
    out = "".join(c for c in text if 33 <= ord(c) <= 126)[:limit]
    return out or "-"


class SyslogSink(Sink):
    name = "syslog"

    def __init__(self, cfg: SyslogConfig) -> None:
        self.cfg = cfg
        host, _, port = cfg.address.rpartition(":")
        self.host, self.port = host.strip("[]"), int(port)
        self.facility = SYSLOG_FACILITIES[cfg.facility]
        self.hostname = _printable(HostFacts.here().hostname, 255)
        self.procid = str(os.getpid())
        self._sock: "socket.socket | None" = None

    def target(self) -> str:
        return f"{self.cfg.protocol}://{self.host}:{self.port}"

    def frame(self, event: bytes) -> bytes:
        """One octet-counted RFC 5424 message for an OCSF event."""
        try:
            ev = json.loads(event)
        except ValueError:
            ev = {}
        sev = _SYSLOG_SEVERITY.get(int(ev.get("severity_id") or 0), 6)
        t = ev.get("time")
        ts = (datetime.fromtimestamp(t / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
              if isinstance(t, int) and t > 0 else "-")
        msgid = _printable(f"ocsf-{ev.get('class_uid', 0)}", 32)
        body = event if len(event) <= MAX_MESSAGE else event[:MAX_MESSAGE]
        msg = b"<%d>1 %s %s adr %s %s - " % (self.facility * 8 + sev, ts.encode(), self.hostname.encode(),
                                              self.procid.encode(), msgid.encode()) + body
        return b"%d %s" % (len(msg), msg)

    def _connect(self, timeout: float) -> socket.socket:
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        if self.cfg.protocol == "tls":
            ctx = ssl.create_default_context(cafile=self.cfg.ca_file or None)
            try:
                s = ctx.wrap_socket(s, server_hostname=self.cfg.server_name or self.host)
            except BaseException:
                s.close()
                raise
        return s

    def _alive(self, s: socket.socket) -> bool:
        """False when the relay closed the connection (a relay sends nothing on a healthy one)."""
        try:
            readable, _, _ = select.select([s], [], [], 0)
            if not readable:
                return True
            s.setblocking(False)
            try:
                data = s.recv(4096)
            finally:
                s.setblocking(True)
            return bool(data)
        except (ssl.SSLWantReadError, BlockingIOError):
            return True
        except OSError:
            return False

    def send(self, events: Sequence[bytes]) -> None:
        data = b"".join(self.frame(e) for e in events)
        for attempt in (1, 2):  # a connection the relay closed while idle: reconnect once
            try:
                if self._sock is not None and not self._alive(self._sock):
                    self.close()
                if self._sock is None:
                    self._sock = self._connect(10.0)
                self._sock.settimeout(30.0)
                self._sock.sendall(data)
                return
            except (OSError, ssl.SSLError) as e:
                self.close()
                if attempt == 2 or isinstance(e, (ConnectionRefusedError, socket.timeout, ssl.SSLError)):
                    raise SinkError(f"{self.target()}: {e.strerror if isinstance(e, OSError) and e.strerror else e}") from None

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def probe(self, timeout: float = 3.0) -> Probe:
        try:
            s = self._connect(timeout)
        except (OSError, ssl.SSLError) as e:
            return Probe(self.name, "fail", f"{self.target()}: {e}"[:400])
        s.close()
        return Probe(self.name, "ok", f"{self.target()} accepts connections"
                     + (" (TLS certificate verified)" if self.cfg.protocol == "tls" else ""))

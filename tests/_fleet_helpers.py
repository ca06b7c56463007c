"""Real receivers for the fleet tests and bench/export.py: rsyslog on a loopback port (a config the test
writes), an OTLP/HTTP logs receiver on 127.0.0.1 that decodes the protobuf with opentelemetry-proto, an
HTTP server for policy bundles with ETags, and the OCSF 1.8.0 schema subset check."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from _daemon_helpers import wait_for as wait_until  # noqa: F401 (re-exported for the fleet tests)

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "fixtures" / "ocsf-1.8.0-subset.schema.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- OCSF schema -----------------------------------------------------------------------------------

_validators: dict = {}
CLASSES = {2004: "detection_finding", 1007: "process_activity", 1001: "file_activity", 4002: "http_activity"}


def ocsf_errors(event: dict[str, Any]) -> list[str]:
    """Everything wrong with `event` against the OCSF 1.8.0 subset for its class (an unknown class is
    an error), and type_uid = class_uid * 100 + activity_id."""
    import jsonschema

    if not _validators:
        schema = json.loads(SCHEMA.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        for uid, name in CLASSES.items():
            _validators[uid] = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": schema["$defs"]})
    v = _validators.get(event.get("class_uid"))
    if v is None:
        return [f"class_uid {event.get('class_uid')!r} is not one adr emits"]
    errs = [f"{'/'.join(map(str, e.absolute_path)) or '.'}: {e.message}" for e in v.iter_errors(event)]
    if event.get("type_uid") != event.get("class_uid", 0) * 100 + event.get("activity_id", 0):
        errs.append("type_uid is not class_uid * 100 + activity_id")
    return errs


# ---- rsyslog ---------------------------------------------------------------------------------------

RSYSLOG_TEMPLATE = ("%PRI%|%PROTOCOL-VERSION%|%TIMESTAMP:::date-rfc3339%|%HOSTNAME%|%APP-NAME%|%PROCID%|"
                    "%MSGID%|%STRUCTURED-DATA%|%msg%\\n")


class Rsyslog:
    """rsyslogd in the foreground with imtcp on 127.0.0.1:port, writing each message's RFC 5424 fields
    to a file; `messages()` parses them back."""

    def __init__(self, workdir: Path, port: "int | None" = None) -> None:
        self.dir = Path(workdir)
        self.port = port or free_port()
        self.out = self.dir / "messages.log"
        self.proc: "subprocess.Popen[bytes] | None" = None

    @staticmethod
    def available() -> bool:
        return bool(shutil.which("rsyslogd") or Path("/usr/sbin/rsyslogd").exists())

    def start(self) -> "Rsyslog":
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "rsyslog.conf"
        conf.write_text(
            f'global(workDirectory="{self.dir}" maxMessageSize="64k")\n'
            'module(load="imtcp")\n'
            f'template(name="fields" type="string" string="{RSYSLOG_TEMPLATE}")\n'
            f'input(type="imtcp" port="{self.port}" address="127.0.0.1")\n'
            f'*.* action(type="omfile" file="{self.out}" template="fields")\n')
        exe = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
        self.proc = subprocess.Popen([exe, "-n", "-f", str(conf), "-i", str(self.dir / "rsyslog.pid")],
                                     stdout=open(self.dir / "rsyslog.stderr", "ab"), stderr=subprocess.STDOUT)

        def up() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError((self.dir / "rsyslog.stderr").read_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False

        if not wait_until(up, 20):
            raise RuntimeError("rsyslogd did not listen")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def messages(self) -> list[dict[str, Any]]:
        try:
            lines = self.out.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            parts = line.split("|", 8)
            if len(parts) != 9:
                continue
            pri, ver, ts, host, app, procid, msgid, sd, msg = parts
            out.append({"pri": int(pri), "version": ver, "timestamp": ts, "hostname": host, "app": app,
                        "procid": procid, "msgid": msgid, "sd": sd, "msg": msg})
        return out


def serve(handler: type, port: int) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:port (0: any free port) in a thread; the same port may be bound
    again right after unserve() (a collector restarting)."""
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def unserve(server: "ThreadingHTTPServer | None") -> None:
    if server is not None:
        server.shutdown()
        server.server_close()


# ---- OTLP/HTTP logs receiver ---------------------------------------------------------------------------

def any_value(v: Any) -> Any:
    """An OTLP AnyValue (protobuf) as plain Python."""
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in v.kvlist_value.values}
    if kind == "array_value":
        return [any_value(x) for x in v.array_value.values]
    return getattr(v, kind)


class OtlpReceiver:
    """POST /v1/logs on 127.0.0.1:port: decodes ExportLogsServiceRequest, keeps every log record (body,
    attributes, resource attributes), answers like a collector. stop() and start() again on the same port
    to stand for a collector that went away for a while."""

    def __init__(self, port: "int | None" = None, status: int = 200) -> None:
        self.port = port or free_port()
        self.status = status
        self.records: list[dict[str, Any]] = []
        self.requests = 0
        self._server: "ThreadingHTTPServer | None" = None
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "OtlpReceiver":
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (ExportLogsServiceRequest,
                                                                            ExportLogsServiceResponse)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/v1/logs":
                    self.send_response(404)
                    self.end_headers()
                    return
                req = ExportLogsServiceRequest()
                req.ParseFromString(body)
                got = []
                for rl in req.resource_logs:
                    res = {kv.key: any_value(kv.value) for kv in rl.resource.attributes}
                    for sl in rl.scope_logs:
                        for lr in sl.log_records:
                            got.append({"body": any_value(lr.body), "resource": res, "scope": sl.scope.name,
                                        "attributes": {kv.key: any_value(kv.value) for kv in lr.attributes},
                                        "severity_number": lr.severity_number, "severity_text": lr.severity_text,
                                        "time_unix_nano": lr.time_unix_nano, "event_name": lr.event_name})
                with outer._lock:
                    outer.requests += 1
                    if outer.status == 200:
                        outer.records.extend(got)
                data = ExportLogsServiceResponse().SerializeToString()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = serve(Handler, self.port)
        return self

    def stop(self) -> None:
        self._server = unserve(self._server)

    def bodies(self) -> list[dict[str, Any]]:
        """The OCSF events received (each log body is the event's JSON text)."""
        with self._lock:
            return [json.loads(r["body"]) for r in self.records]


# ---- policy bundles ---------------------------------------------------------------------------------

ORG_RULE = """\
engine: 1
pack: org
rules:
  - id: org.no-prod-deploy
    title: deploying to production needs the release team
    severity: high
    action: deny
    "on": command
    match: {program: deployctl, arg: '^prod$'}
    references: [T1072]
    examples:
      match: ["deployctl push prod"]
      not_match: ["deployctl push staging"]
"""
SECOND_RULE = ORG_RULE.replace("org.no-prod-deploy", "org.no-prod-rollback").replace("deployctl", "rollbackctl")
LOCKS = "mode: enforce\nsensitivity: strict\nlocked: [mode, sensitivity, rules: [org.*, rce.download-to-shell]]\n"


def bundle(key, serial, rules=ORG_RULE, settings=LOCKS, extra=None):
    files = {"rules/org.yaml": rules} if rules else {}
    if settings is not None:
        files["settings.yaml"] = settings
    files.update(extra or {})
    from adr.policy.bundle import sign

    return sign(files, key, serial)



# ---- policy bundles over HTTP ------------------------------------------------------------------------

class BundleServer:
    """Serves one file at /bundle.json on 127.0.0.1 with an ETag (its sha256), answering 304 to a
    matching If-None-Match; counts requests and 304s."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.requests = 0
        self.not_modified = 0
        self._server: "ThreadingHTTPServer | None" = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bundle.json"

    def start(self) -> "BundleServer":
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests += 1
                try:
                    data = outer.path.read_bytes()
                except OSError:
                    self.send_response(404)
                    self.end_headers()
                    return
                tag = '"' + hashlib.sha256(data).hexdigest()[:24] + '"'
                if self.headers.get("If-None-Match") == tag:
                    outer.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", tag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = serve(Handler, 0)
        self.port = self._server.server_address[1]
        return self

    def stop(self) -> None:
        self._server = unserve(self._server)


def publish(path: Path, raw: bytes) -> None:
    """Replace a served bundle atomically (a half-written file would be a different test)."""
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    tmp.write_bytes(raw)
    os.replace(tmp, path)

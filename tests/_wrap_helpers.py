"""Shared by the wrap / shims / proxy / shell-guard tests: a daemon without desktop channels, a local
HTTP server that records what reaches it, and the environment of a wrapped session."""
from __future__ import annotations

import http.server
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

from _daemon_helpers import BIN, DaemonProc, adr_env
from adr.paths import get_paths
from adr.intercept.wrap import GUARD_BASH, prepare_shim_dir

ADR = str(BIN / "adr")
# Only the venv and the system: no pyenv / nvm directories that would put their own tools first.
SYSTEM_PATH = os.pathsep.join([str(BIN), "/usr/local/bin", "/usr/bin", "/bin"])
WRAP_RULES = """\
engine: 1
pack: wraptest
rules:
  - id: wraptest.frobnicate
    title: frobnicate is dangerous
    description: a rule only the tests use
    severity: high
    action: deny
    "on": command
    match: {program: frobnicate}
    examples:
      match: ["frobnicate --all"]
      not_match: ["ls -la"]
  - id: wraptest.forbidden-host
    title: a host the tests forbid
    description: loopback 127.0.0.2 stands for a malicious host
    severity: critical
    action: deny
    "on": url
    match: {host: "127.0.0.2"}
    examples:
      match: ["curl http://127.0.0.2/x"]
      not_match: ["curl http://127.0.0.1/x"]
"""


def write_rules(home: Path) -> None:
    d = get_paths({"ADR_HOME": str(home)}).user_rules_dir
    d.mkdir(parents=True, exist_ok=True)
    (d / "wraptest.yaml").write_text(WRAP_RULES)


class QuietDaemon(DaemonProc):
    """A daemon that never tries a desktop channel: an ask with no human is answered at once. Its
    circuit breakers are off unless the test wrote a config of its own: these tests deny dozens of
    commands in one session on purpose (tests/test_breakers.py tests the breakers)."""

    extra_env = {"ADR_NOTIFIER": "none"}
    start_timeout = 90.0

    def start(self, timeout: "float | None" = None) -> "QuietDaemon":
        cfg = self.paths.config_file
        if not cfg.exists():
            cfg.parent.mkdir(parents=True, exist_ok=True)
            cfg.write_text("breaker_denies: 0\nbreaker_asks: 0\n")
        return super().start(timeout)  # type: ignore[return-value]


def session_env(home: Path, *, session: str = "test-session", start: float | None = None,
                **extra: str) -> dict[str, str]:
    """The environment `adr wrap` gives its child (shims first on PATH, the bash guard), without a proxy."""
    paths = get_paths({"ADR_HOME": str(home)})
    sd = prepare_shim_dir(paths)
    env = adr_env(home, PATH=f"{sd}{os.pathsep}{extra.pop('PATH', SYSTEM_PATH)}", ADR_SHIM_DIR=str(sd),
                  ADR_SOCKET=str(paths.socket), ADR_SESSION=session, ADR_AGENT="test-agent",
                  ADR_WRAP_START=f"{time.time() - 0.5 if start is None else start:.3f}", BASH_ENV=str(GUARD_BASH))
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY",
              "all_proxy", "PYTHONDONTWRITEBYTECODE"):
        env.pop(k, None)
    env.update(extra)
    return env


class Recorder(http.server.BaseHTTPRequestHandler):
    """Serves files from `root`; POST echoes the body; every request is recorded."""

    root: Path = Path(".")
    seen: list = []

    def log_message(self, *a):  # noqa: D401 — quiet
        pass

    def _record(self, body: bytes = b"") -> None:
        self.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                          "body": body})

    def do_GET(self):  # noqa: N802
        self._record()
        f = self.root / self.path.lstrip("/").split("?")[0]
        if f.is_file():
            data = f.read_bytes()
            self.send_response(200)
        else:
            data = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
            self.send_response(404 if self.path.endswith(".sh") else 200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._record(body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LocalServer:
    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        handler = type("H", (Recorder,), {"root": Path(root), "seen": []})
        self.handler = handler
        self.httpd = http.server.ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def seen(self) -> list:
        return self.handler.seen

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def have(program: str) -> bool:
    return shutil.which(program, path=SYSTEM_PATH) is not None


PYTHON = sys.executable

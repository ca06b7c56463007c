"""Start and drive a real adr daemon subprocess under a temporary ADR_HOME, or a scripted fake one
(for the clients' handling of odd answers). Shared by tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request
from adr.paths import get_paths

BIN = Path(sys.executable).parent
TEST_RULE = """\
engine: 1
pack: testpack
rules:
  - id: test.deny-frobnicate
    title: frobnicate is dangerous
    description: a rule only the tests use
    severity: high
    action: deny
    "on": command
    match: {program: frobnicate}
    examples:
      match: ["frobnicate --all"]
      not_match: ["ls -la"]
"""


_PACK_COPIES: "dict[str, bytes]" = {}  # SHA-256 of a shipped pack → its JSON copy, as adr's load makes it


def warm_rule_cache(paths) -> None:  # type: ignore[no-untyped-def]
    """Give a fresh installation the signed JSON copies of the shipped packs that its first rule load
    would write (adr/engine/rules.py), under its own integrity key, made now as adr makes it: each
    hook, CLI or daemon process the tests start in a fresh home otherwise parses every pack's YAML
    first (~0.35 s of CPU). The YAML is parsed once per test process. An installation that already
    has a key is left alone; the cache's own tests start cold (make_install(warm=False))."""
    from adr.policy.integrity import try_subkey

    if paths.integrity_key.exists():
        return
    key = try_subkey(paths, "rule-cache")  # (creates the installation's key, as its first load would)
    if key:
        write_pack_copies(paths.rule_cache_dir, key)


def write_pack_copies(cache_dir: Path, key: bytes) -> None:
    """The shipped packs' JSON copies, signed with `key`, into `cache_dir` (parsed once per process)."""
    import hashlib
    import json

    import yaml

    from adr.engine.core import shipped_rule_files
    from adr.engine.rules import _Loader, write_cached_pack

    if not _PACK_COPIES:
        for p in shipped_rule_files():
            raw = p.read_bytes()
            data = yaml.load(raw.decode("utf-8"), Loader=_Loader)  # noqa: S506 (the loader adr uses)
            body = json.dumps(data).encode("utf-8")
            if json.loads(body) == data:
                _PACK_COPIES[hashlib.sha256(raw).hexdigest()] = body
    for digest, body in _PACK_COPIES.items():
        write_cached_pack(cache_dir, key, digest, body)


def adr_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADR_")}
    env.update(ADR_HOME=str(home), PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def write_test_rule(home: Path, text: str = TEST_RULE, name: str = "test.yaml") -> Path:
    d = get_paths({"ADR_HOME": str(home)}).user_rules_dir
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    tmp = p.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, p)
    return p


class DaemonProc:
    extra_env: dict[str, str] = {}  # added to the daemon's environment
    start_timeout = 60.0

    def __init__(self, home: Path, env: "dict[str, str] | None" = None) -> None:
        """`env`: the daemon's whole environment (an install without ADR_HOME, e.g. XDG_* dirs);
        default: adr_env(home) plus extra_env."""
        self.home = Path(home)
        self.daemon_env = env
        self.paths = get_paths(env if env is not None else {"ADR_HOME": str(self.home)})
        self.socket = self.paths.socket
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.home / "daemon.stderr"

    def start(self, timeout: "float | None" = None) -> "DaemonProc":
        self.home.mkdir(parents=True, exist_ok=True)
        warm_rule_cache(self.paths)
        with open(self.log, "ab") as err:
            env = self.daemon_env if self.daemon_env is not None else adr_env(self.home, **self.extra_env)
            self.proc = subprocess.Popen([str(BIN / "adr"), "daemon"], env=env,
                                         stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        deadline = time.monotonic() + (self.start_timeout if timeout is None else timeout)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.proc.returncode}: {self.log.read_text()}")
            try:
                if self.request(P.Request(op="ping"), timeout=1).ok:
                    return self
            except DaemonUnavailable:
                time.sleep(0.05)
        raise RuntimeError(f"daemon did not come up: {self.log.read_text()}")

    def request(self, req: P.Request, timeout: float = 10.0) -> P.Response:
        return request(req, path=self.socket, timeout=timeout)

    def status(self) -> dict:
        resp = self.request(P.Request(op="status"))
        assert resp.ok, resp.error
        return resp.data

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll until predicate() is truthy (a hang guard, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class ScriptedDaemon:
    """A fake daemon: a Unix socket whose n-th connection gets scripts[n] (then `default`): bytes are
    sent, numbers are seconds to wait; then the connection is closed. Every request line is kept
    (raw bytes; `decoded()` parses them with the protocol)."""

    def __init__(self, path: Path, scripts: list, default: "list | None" = None) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(16)
        self.scripts, self.default, self.requests = scripts, default or [b"garbage\n"], []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        n = 0
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            script = self.scripts[n] if n < len(self.scripts) else self.default
            n += 1
            threading.Thread(target=self._one, args=(c, script), daemon=True).start()

    def _one(self, c: socket.socket, script: list) -> None:
        with c:
            c.settimeout(60)
            data = b""
            try:
                while not data.endswith(b"\n"):
                    chunk = c.recv(1 << 20)
                    if not chunk:
                        break
                    data += chunk
                self.requests.append(data)
                for item in script:
                    if isinstance(item, (int, float)):
                        time.sleep(item)
                    else:
                        c.sendall(item)
            except OSError:
                pass

    def decoded(self) -> list:
        return [P.decode_request(r.rstrip(b"\n")) for r in self.requests]

    def close(self) -> None:
        self.sock.close()

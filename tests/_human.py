"""Terminals and process trees for the human-gate tests.

`HumanTerminal` runs a command the way a person does: in a fresh pty that is its controlling
terminal (new session, TIOCSCTTY), in the foreground, the master held by the test (no agent).
`detached_agent` runs a command the way an agent that wants to pass for the human does: from a
process named like an agent, through a double fork with `setsid` and a cleared environment —
optionally giving it a terminal of its own (`script`), or a multiplexer session (`tmux new -d`,
`screen -dm`). The command's result is written to a JSON file, which the test reads.
"""
from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import agent_exe  # noqa: E402
from _daemon_helpers import BIN, adr_env  # noqa: E402

HERE = Path(__file__).resolve().parent


def _controlling_tty() -> None:  # runs in the child, after setsid (start_new_session)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class HumanTerminal:
    """One command on a pty of its own. `write()` types; `finish()` → (rc, stdout, stderr, screen)."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: "Path | None" = None) -> None:
        self.master, slave = os.openpty()
        self.screen = b""
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     cwd=str(cwd) if cwd else None,
                                     start_new_session=True, preexec_fn=_controlling_tty)
        os.close(slave)
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._threads = [threading.Thread(target=self._drain, args=(self.proc.stdout, self._out), daemon=True),
                         threading.Thread(target=self._drain, args=(self.proc.stderr, self._err), daemon=True),
                         threading.Thread(target=self._pump, daemon=True)]
        for t in self._threads:
            t.start()

    @staticmethod
    def _drain(stream: Any, into: list[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            into.append(chunk)

    def _pump(self) -> None:
        while True:
            try:
                if select.select([self.master], [], [], 0.2)[0]:
                    data = os.read(self.master, 65536)
                    if not data:
                        return
                    self.screen += data
                if self.proc.poll() is not None and not select.select([self.master], [], [], 0.05)[0]:
                    return
            except (OSError, ValueError):  # the master closed by finish() while this thread reads it
                return

    def write(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait_for_screen(self, needle: str, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while needle.encode() not in self.screen + b"".join(self._err):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                return needle.encode() in self.screen + b"".join(self._err)
            time.sleep(0.05)
        return True

    def finish(self, timeout: float = 60) -> tuple[int, str, str, str]:
        try:
            rc = self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(5)
        for t in self._threads:  # the pump ends once the process has and the pty is drained
            t.join(5)
        os.close(self.master)
        dec = lambda b: b.decode("utf-8", "replace")  # noqa: E731
        return rc, dec(b"".join(self._out)), dec(b"".join(self._err)), dec(self.screen)


def human(home: Path, *args: str, typed: str = "", env: "dict[str, str] | None" = None,
          timeout: float = 60) -> "subprocess.CompletedProcess[str]":
    """`adr ARGS` typed by the human at a terminal of their own; `typed` goes to the terminal."""
    t = HumanTerminal([str(BIN / "adr"), *args], env or adr_env(home))
    if typed:
        t.write(typed)
    rc, out, err, screen = t.finish(timeout)
    cp = subprocess.CompletedProcess([str(BIN / "adr"), *args], rc, out, err)
    cp.screen = screen  # type: ignore[attr-defined]
    return cp


def human_call(home: Path, target: str, args: "dict[str, Any] | None" = None) -> dict[str, Any]:
    """A human-only component call ("component.method") made by the human at a terminal of their
    own; the daemon's response as a dict ({"ok", "data", "error"})."""
    code = ("import json,sys; from adr.daemon import protocol as P; from adr.daemon.client import request; "
            "r = request(P.Request(op='call', id='h', target=sys.argv[1], args=json.loads(sys.argv[2])), timeout=30); "
            "print(json.dumps({'ok': r.ok, 'data': r.data, 'error': r.error}))")
    t = HumanTerminal([sys.executable, "-c", code, target, json.dumps(args or {})], adr_env(home))
    rc, out, err, _ = t.finish()
    assert rc == 0, err
    return json.loads(out)


def agent_program(tmp: Path, name: str = "claude") -> Path:
    """A python interpreter named like an agent (default `claude`)."""
    return agent_exe(tmp, name)


def clean_env(home: Path) -> dict[str, str]:
    """What an agent keeps after `env -i`: just enough to find adr and its daemon."""
    return {"PATH": f"{BIN}:/usr/bin:/bin", "ADR_HOME": str(home), "HOME": str(home),
            "PYTHONDONTWRITEBYTECODE": "1"}


def detached_agent(home: Path, tmp: Path, cmds: list[list[str]], how: str = "setsid", stdin: str = "",
                   timeout: float = 90, agent: str = "claude", extra: "dict[str, Any] | None" = None,
                   in_terminal: bool = False, env_extra: "dict[str, str] | None" = None) -> list[dict[str, Any]]:
    """An agent (a process named `agent`) starts a runner detached (`how`: setsid | script | nohup |
    tmux | screen) with a cleared environment, and goes away; the runner runs `cmds` one after the
    other. Returns their [{"argv", "rc", "out", "err"}] once done ([] when they did not finish).
    `in_terminal`: the agent runs in a terminal of its own, started from a shell there (as a human
    starts `claude`)."""
    out = tmp / f"result-{os.urandom(4).hex()}.json"
    spec = {"how": how, "cmds": cmds, "out": str(out), "env": {**clean_env(home), **(env_extra or {})}, "stdin": stdin,
            "python": sys.executable, **(extra or {})}
    prog = agent_program(tmp, agent)
    cmd = [str(prog), str(HERE / "_detach.py"), json.dumps(spec)]
    term = None
    if in_terminal:
        import shlex
        term = HumanTerminal(["/bin/bash", "-c", shlex.join(cmd) + "; sleep 8"], adr_env(home, CLAUDECODE="1"))
    else:
        subprocess.run(cmd, env=adr_env(home, CLAUDECODE="1"), timeout=60, check=True, stdin=subprocess.DEVNULL)
    try:
        return _result(out, timeout)
    finally:
        if term is not None:
            term.proc.kill()
            term.finish(10)


class AgentSession:
    """A long-lived process named like an agent that runs tool calls one at a time, as a real agent
    does: hooks, then commands (which may detach). Its children start after it, in its cgroup."""

    DRIVER = ("import json,subprocess,sys\n"
              "for line in sys.stdin:\n"
              "    c=json.loads(line)\n"
              "    r=subprocess.run(c['argv'], input=c.get('input',''), capture_output=True, text=True, env=c.get('env'))\n"
              "    print(json.dumps({'rc': r.returncode, 'out': r.stdout, 'err': r.stderr}), flush=True)\n")

    def __init__(self, home: Path, tmp: Path, name: str = "claude") -> None:
        self.home, self.tmp = home, tmp
        self.proc = subprocess.Popen([str(agent_program(tmp, name)), "-c", self.DRIVER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=adr_env(home))

    def run(self, argv: list[str], input: str = "", env: "dict[str, str] | None" = None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"argv": argv, "input": input, "env": env or adr_env(self.home)}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def hook(self, host: str, payload: dict[str, Any]) -> dict[str, Any]:
        r = self.run([str(BIN / "adr-hook"), host], input=json.dumps(payload))
        return json.loads(r["out"]) if r["out"].strip() else {}

    def detach(self, cmds: list[list[str]], env_extra: "dict[str, str] | None" = None) -> Path:
        """Start `cmds` detached (setsid, double fork, cleared environment); where their result will be."""
        out = self.tmp / f"result-{os.urandom(4).hex()}.json"
        spec = {"how": "setsid", "cmds": cmds, "out": str(out), "env": {**clean_env(self.home), **(env_extra or {})},
                "stdin": "", "python": sys.executable}
        self.run([sys.executable, str(HERE / "_detach.py"), json.dumps(spec)])
        return out

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(10)


def _result(out: Path, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists():
            try:
                return json.loads(out.read_text())
            except ValueError:
                pass  # still being written
        time.sleep(0.1)
    return []


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


__all__ = ["AgentSession", "HumanTerminal", "human_call", "human", "agent_program", "clean_env", "detached_agent", "have"]

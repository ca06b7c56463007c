"""Commands only the human may run, the CLI's side of the human gate (adr/daemon/gate.py): refuse
early inside an agent, open a challenge and wait for the human's proof — the code typed here, or
Confirm pressed on the desktop — and, with no daemon, check the same terminal walls here.

The daemon decides; these helpers only make the round trips pleasant. Codes are read from the
controlling terminal (/dev/tty), never from arguments that land in shell history unless the human
chose to type `adr approve ID CODE`.
"""
from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from typing import Any, NoReturn

import click

from adr.cli import output
from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request
from adr.display import visible

POLL = 0.4  # seconds between looks at a challenge's state while waiting for the human
WAIT_LIMIT = 180.0  # a challenge's lifetime (gate.CHALLENGE_TTL)


def fail(msg: str, code: int = 1) -> NoReturn:
    """A refusal or an unconfirmed step: `adr: msg` on stderr, exit 1 (a problem found, not an error)."""
    output.fail(msg, code)


def refuse_inside_agent(target: str, what: str) -> None:
    """The first wall: a command run by an agent never reaches the daemon (which checks again)."""
    from adr.monitor.ancestry import inside_agent

    why = inside_agent()
    if not why:
        return
    try:
        from adr.daemon.gate import security_entry
        from adr.paths import get_paths
        from adr.record.audit import AuditLog

        log = AuditLog(get_paths().ensure().audit_dir)
        try:
            log.append(security_entry(os.getpid(), target, what, f"it runs inside an AI agent: {why}", by="cli"))
        finally:
            log.close()
    except Exception as e:  # the refusal matters more than its record
        output.echo(f"adr: could not record the refusal in the audit log: {e}", err=True)
    fail(f"refused: this command runs inside an AI agent ({why}). Only you can do this, from a terminal or "
         "notification no agent controls. This attempt was recorded in the audit log.")


def local_refusal() -> str | None:
    """Without a daemon: the same walls, checked here (no record of which processes sent hooks)."""
    from adr.monitor.ancestry import agent_env_marker, inside_agent
    from adr.monitor.terminal import TerminalWalls

    def is_agent(pid: int, with_env: bool) -> str | None:
        why = inside_agent(pid)
        if why:
            return f"it runs inside an AI agent: {why}"
        if with_env and pid == os.getpid():
            marker = agent_env_marker()
            if marker:
                return f"it runs inside an AI agent: its environment has {marker}"
        return None

    return is_agent(os.getpid(), True) or TerminalWalls(is_agent).refusal(os.getpid())


@contextlib.contextmanager
def _tty() -> Any:
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        yield None
        return
    try:
        yield fd
    finally:
        os.close(fd)


def read_code(prompt: str) -> str | None:
    """A line typed at the controlling terminal (None: there is none)."""
    with _tty() as fd:
        if fd is None:
            return None
        os.write(fd, visible(prompt).encode())  # it may quote the daemon's answer: nothing in it reaches the tty raw
        return _read_line(fd)


def _read_line(fd: int) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 256)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").strip()


def prove(purpose: str, detail: "tuple[str, ...]" = (), text: str = "") -> tuple[str, str]:
    """Open a challenge for `purpose` and wait for the human's proof: (challenge id, code typed or "").
    Raises DaemonUnavailable when no daemon answers; exits with the daemon's refusal."""
    resp = request(P.Request(op="challenge", id=P.new_id(), purpose=purpose, detail=tuple(detail), text=text),
                   timeout=15)
    if not resp.ok:
        fail(resp.error)
    cid, state = str(resp.data.get("challenge", "")), resp.data.get("state")
    if state == "confirmed":
        return cid, ""  # no desktop channel: the daemon checked this terminal
    channels = ", ".join(resp.data.get("channels") or []) or "your desktop"
    code_possible = bool(resp.data.get("code_possible"))
    deadline = time.monotonic() + WAIT_LIMIT
    with _tty() as fd:
        if fd is not None and code_possible:
            os.write(fd, visible(f"adr: confirm on {channels}: type the code it shows here, or press Confirm "
                                 "there.\ncode: ").encode())
        else:
            output.echo(f"adr: press Confirm in the notification on {channels} (waiting)…", err=True)
        while time.monotonic() < deadline:
            if fd is not None and code_possible and select.select([fd], [], [], POLL)[0]:
                code = _read_line(fd)
                if code:
                    return cid, code
                os.write(fd, b"code: ")
            elif fd is None or not code_possible:
                time.sleep(POLL)
            poll = request(P.Request(op="challenge", id=P.new_id(), challenge=cid))
            st = poll.data.get("state") if poll.ok else "unknown"
            if st == "confirmed":
                if fd is not None and code_possible:
                    os.write(fd, b"\n")
                return cid, ""
            if st in ("refused", "unknown", "expired"):
                fail(f"not confirmed ({st}{': ' + str(poll.data.get('via')) if poll.data.get('via') else ''}).")
    fail("not confirmed in time.")
    return cid, ""


def guarded(purpose: str, send: "Any", detail: "tuple[str, ...]" = (), text: str = "") -> P.Response:
    """Prove, then `send(challenge, code)` the guarded request; a mistyped code is asked again."""
    cid, code = prove(purpose, detail, text)
    for _ in range(3):
        resp = send(cid, code)
        if resp.ok or "wrong code" not in resp.error or "closed" in resp.error:
            return resp
        again = read_code(f"adr: {resp.error.split(': ', 1)[-1]}; code: ")
        if not again:
            return resp
        code = again
    return resp


def confirm_control(purpose: str, detail: "tuple[str, ...]" = ()) -> None:
    """Only the human removes or stops adr (uninstall, service stop/uninstall, setup --undo): a
    challenge through the daemon (code or button on the desktop); with no daemon, the terminal walls
    checked here. Exits when it is not the human."""
    refuse_inside_agent(purpose, purpose)
    try:
        resp = guarded(purpose, lambda cid, code: request(P.Request(
            op="config", id=P.new_id(), config_op="check", purpose=purpose, challenge=cid, code=code), timeout=15),
            detail=tuple(detail))
    except DaemonUnavailable:
        why = local_refusal()
        if why:
            fail(f"refused: {why}. This must be done by you, from a terminal no agent controls.")
        return
    if not resp.ok:
        fail(resp.error)


def confirm(question: str, yes: bool, how: str) -> None:
    """Ask once on the terminal; --yes skips it. Without a terminal and without --yes: refuse, naming `how`."""
    if yes:
        return
    if not sys.stdin.isatty():
        output.fail(f"{question.rstrip('?')}: needs your confirmation and stdin is not a terminal; run `{how}`.")
    if not click.confirm(question, default=False):
        output.fail("nothing changed.", output.PROBLEM)


__all__ = ["guarded", "fail", "refuse_inside_agent", "local_refusal", "read_code", "prove", "confirm",
           "confirm_control", "DaemonUnavailable"]

"""`adr-hook HOST` entry point: the fast path, then the full client.

Every agent action starts this program, so the usual path imports only json, os, socket and sys:
it sends the host's raw hook JSON to the daemon ("hook" op), which parses it with the host's
integration, judges it and returns exactly what to print. Anything else — no daemon, an error, an
older daemon, oversized input — goes to `adr.hookclient` (full client: in-process evaluation, fail
mode), which gets the bytes already read, so nothing is lost and every answer stays explained.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time

from adr.daemon import wire
from adr.runtime import socket_path_str

_STARTED = time.monotonic()  # the host's hook timeout runs from about here


class _Fallback(Exception):
    """The fast path cannot answer; the full client takes over."""


class _Unanswered(Exception):
    """The human was asked and no answer arrived in time: never run the action unasked."""

    def __init__(self, pending: dict) -> None:
        super().__init__("unanswered")
        self.pending = pending


def _timeout() -> float:
    try:
        return max(0.05, float(os.environ.get("ADR_HOOK_TIMEOUT", "")))
    except ValueError:
        return wire.DECIDE_TIMEOUT


def _ask_daemon(host: str, payload: object) -> dict:
    rid = os.urandom(8).hex()
    line = json.dumps({"v": wire.PROTOCOL_VERSION, "op": "hook", "id": rid, "host": host, "payload": payload,
                       "home": os.environ.get("HOME", ""), "progress": True},
                      ensure_ascii=True, separators=(",", ":")).encode("ascii")
    if len(line) > wire.MAX_MESSAGE_BYTES:
        raise _Fallback()
    deadline = time.monotonic() + _timeout()
    pending: dict = {}
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError:
        raise _Fallback() from None
    try:
        s.settimeout(max(0.05, min(2.0, deadline - time.monotonic())))
        s.connect(socket_path_str())
        s.sendall(line + b"\n")
        buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            s.settimeout(left)
            chunk = s.recv(65536)
            if not chunk:
                raise _Fallback()
            buf += chunk
            if len(buf) > wire.MAX_MESSAGE_BYTES + 1:
                raise _Fallback()
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                msg = json.loads(raw)
                if not isinstance(msg, dict) or msg.get("ok") is not True:
                    raise _Fallback()  # an error (or an older daemon): the full client explains
                if isinstance(msg.get("pending"), dict):
                    # the human is being asked: wait for the window, never past the host's timeout
                    pending = msg["pending"]
                    deadline = wire.pending_deadline(pending, time.monotonic(), _STARTED)
                    continue
                if msg.get("op") == "hook" and msg.get("id") == rid and isinstance(msg.get("data"), dict):
                    return msg["data"]
    except (OSError, ValueError) as e:
        if pending and isinstance(e, (socket.timeout, TimeoutError)):
            raise _Unanswered(pending) from None
        raise _Fallback() from None
    finally:
        s.close()


def main(argv: "list[str] | None" = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        sys.stderr.write("usage: adr-hook HOST   (reads the host's hook JSON on stdin; e.g. adr-hook claude-code)\n")
        sys.exit(2)
    host = args[0]
    data = sys.stdin.buffer.read(wire.MAX_MESSAGE_BYTES + 1)
    try:
        if len(data) > wire.MAX_MESSAGE_BYTES or not data.strip():
            raise _Fallback()
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError):
            raise _Fallback() from None
        out = _ask_daemon(host, payload)
        stdout, stderr, code = out.get("stdout") or "", out.get("stderr") or "", out.get("exit_code")
        if not isinstance(stdout, str) or not isinstance(stderr, str) or not isinstance(code, int):
            raise _Fallback()
    except _Unanswered as u:
        _print_unanswered(host, data, u.pending)
        return
    except _Fallback:
        _full(host, data)
        return
    if stdout:
        sys.stdout.write(stdout if stdout.endswith("\n") else stdout + "\n")
        sys.stdout.flush()
    if stderr:
        sys.stderr.write(stderr)
    sys.exit(code)


def _full(host: str, data: bytes) -> None:
    import io

    from adr import hookclient

    stdin = io.BytesIO(data)
    try:
        out = hookclient.run(host, stdin)
    except Exception as e:  # last resort: a safe, explained answer instead of a traceback
        out = hookclient._last_resort(host, e)
    _emit(out)


def _print_unanswered(host: str, data: bytes, pending: dict) -> None:
    from adr import hookclient
    from adr.integrations import registry
    from adr.integrations.interface import HookEvent

    verdict = hookclient._unanswered(pending)
    try:
        integ = hookclient.load_integration(host)
        events = registry.parse_all(integ, json.loads(data))
        event = next((e for e in events if e.action is not None), events[0])
    except Exception:
        integ = hookclient.load_integration(host)
        event = HookEvent(host=host, event="PreToolUse", action=None)
    _emit(integ.format(verdict, event, auto_approve=False))


def _emit(out: object) -> None:
    stdout, stderr, code = getattr(out, "stdout", ""), getattr(out, "stderr", ""), getattr(out, "exit_code", 0)
    if stdout:
        sys.stdout.write(stdout if stdout.endswith("\n") else stdout + "\n")
        sys.stdout.flush()
    if stderr:
        sys.stderr.write(stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()

"""A minimal blocking client for the daemon socket. Stdlib only (the hook client uses it).

One request, one response line, with a deadline over the whole exchange: a stuck daemon must
never hang an agent's hook past the timeout.
"""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Callable

from adr import runtime
from adr.daemon.protocol import (CONTROL_TIMEOUT, MAX_MESSAGE_BYTES, ProtocolError, Request, Response,
                                 TOO_LARGE, decode_response, encode_request)


class DaemonUnavailable(OSError):
    """No daemon answered: not running, refused us, or went away mid-request."""


class DaemonTimeout(DaemonUnavailable):
    """A daemon accepted the connection but did not answer before the deadline (stuck, stopped)."""


def socket_path() -> Path:
    return runtime.socket_path()


def request(req: Request, *, path: "Path | str | None" = None, timeout: float = CONTROL_TIMEOUT,
            connect_timeout: float = 0.5,
            on_pending: "Callable[[Response], float] | None" = None) -> Response:
    """Send one request and wait for its answer. Raises DaemonUnavailable or ProtocolError.

    `on_pending` (decide with progress): called with each interim "the human is being asked" line;
    returns the new deadline (time.monotonic()) for the final answer."""
    data = encode_request(req)  # ProtocolError(TOO_LARGE) before touching the socket
    target = os.fspath(path or socket_path())
    deadline = time.monotonic() + timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(min(connect_timeout, timeout))
        try:
            s.connect(target)
        except OSError as e:
            raise DaemonUnavailable(f"cannot connect to {target}: {e.strerror or e}") from None
        try:
            s.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the daemon hung up early (refused us, message too large): read why below
            buf = bytearray()
            resp = decode_response(_read_line(s, deadline, buf))
            while resp.pending and on_pending is not None:
                deadline = on_pending(resp)
                resp = decode_response(_read_line(s, deadline, buf))
            return resp
        except socket.timeout:
            raise DaemonTimeout(f"the daemon did not answer within {timeout:g} s") from None
        except OSError as e:
            raise DaemonUnavailable(f"connection to the daemon failed: {e.strerror or e}") from None
    finally:
        s.close()


def _read_line(s: socket.socket, deadline: float, buf: bytearray) -> bytes:
    """One line from the daemon; bytes after the newline stay in `buf` for the next line
    (a decide with approvals gets interim `pending` lines before its answer)."""
    while True:
        nl = buf.find(b"\n")
        if nl >= 0:
            line = bytes(buf[:nl])
            del buf[:nl + 1]
            return line
        if len(buf) > MAX_MESSAGE_BYTES:
            raise ProtocolError(TOO_LARGE, "the daemon's answer exceeds the message limit")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout()
        s.settimeout(remaining)
        chunk = s.recv(1 << 16)
        if not chunk:
            raise DaemonUnavailable("the daemon closed the connection without answering")
        buf += chunk

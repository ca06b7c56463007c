"""One named component call to the running daemon (op "call"), for the CLI commands that use them."""
from __future__ import annotations

from typing import Any

from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request


class CallRefused(RuntimeError):
    """The daemon answered with an error (refused from inside an agent, bad arguments …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def daemon_call(target: str, args: "dict[str, Any] | None" = None, timeout: float = 30.0) -> "dict[str, Any] | None":
    """The call's data; None when no daemon is running (or it does not serve this call)."""
    try:
        resp = request(P.Request(op="call", id=P.new_id(), target=target, args=args or {}), timeout=timeout)
    except (DaemonUnavailable, P.ProtocolError):
        return None
    if resp.ok:
        return dict(resp.data or {})
    if resp.error_code == P.UNKNOWN_OP:
        return None  # an older daemon without this component
    raise CallRefused(resp.error_code or "error", resp.error or "the daemon refused the call")

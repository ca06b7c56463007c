"""The protocol's constants, importable without anything else (not even dataclasses): the hook
client's fast path sends one raw host payload and reads lines, and must start in milliseconds.
`adr.daemon.protocol` re-exports all of these; the shapes are documented there."""

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # one request or response line, newline excluded
DECIDE_TIMEOUT = 56.0  # seconds a client waits for a decision (the host kills hooks at ~60 s)
CONTROL_TIMEOUT = 5.0  # status / ping / reload / stop
PENDING_MARGIN = 1.0  # seconds a client waits beyond a question's window for the daemon's answer
OPS = ("decide", "status", "ping", "reload", "stop", "pending", "answer", "session", "hook")


def pending_deadline(pending: dict, now: float, started: float) -> float:
    """When a client stops waiting after a `pending` line: the question's window + margin, but
    never past the host's hook timeout (counted from when the hook process started)."""
    try:
        wait = max(0.0, float(pending.get("wait_s") or 0))
        hook_timeout = float(pending.get("hook_timeout") or 0)
    except (TypeError, ValueError):
        wait, hook_timeout = DECIDE_TIMEOUT, 0.0
    deadline = now + wait + PENDING_MARGIN
    if hook_timeout > 0:
        deadline = min(deadline, started + hook_timeout - 0.5)
    return deadline

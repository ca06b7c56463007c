"""The protocol's constants, importable without anything else (not even dataclasses): the hook
client's fast path sends one raw host payload and reads lines, and must start in milliseconds.
`adr.daemon.protocol` re-exports all of these; the shapes are documented there."""

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # one request or response line, newline excluded
DECIDE_TIMEOUT = 56.0  # seconds a client waits for a decision (the host kills hooks at ~60 s)
CONTROL_TIMEOUT = 5.0  # status / ping / reload / stop
PENDING_MARGIN = 1.0  # seconds a client waits beyond a question's window for the daemon's answer
OPS = ("decide", "status", "ping", "reload", "stop", "pending", "answer", "session", "hook")

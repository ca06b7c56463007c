"""The protocol's constants, importable without anything else (not even dataclasses): the hook
client's fast path sends one raw host payload and reads lines, and must start in milliseconds.
`adr.daemon.protocol` re-exports all of these; the shapes are documented there."""

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # one request or response line, newline excluded
DECIDE_TIMEOUT = 56.0  # seconds a client waits for a decision (the host kills hooks at ~60 s)
CONTROL_TIMEOUT = 5.0  # status / ping / reload / stop
PENDING_MARGIN = 1.0  # seconds a client waits beyond a question's window for the daemon's answer
FRAME_HEADER_MAX = 256  # bytes of a frame's first line, newline included (frames: see protocol.py)
OPS = ("decide", "status", "ping", "reload", "stop", "pending", "answer", "session", "hook", "shim", "call",
       "challenge", "config")
ANSWER_TIMEOUT = 2.0  # seconds a hook waits for a judged answer before judging in-process (ADR_ANSWER_TIMEOUT)


def seconds(text: "str | None", default: float, floor: float = 0.05) -> float:
    """A number of seconds from an environment variable (ADR_HOOK_TIMEOUT, ADR_ANSWER_TIMEOUT): the
    default when unset or not a number, never below `floor`. One reading for every client."""
    try:
        return max(floor, float(text)) if text else default
    except ValueError:
        return default


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


def decode_frame(buf: bytes) -> "tuple[str, int, bytes, bytes, float, float, bool, str, int] | None":
    """The first frame in buf (frames: adr.daemon.protocol), as (kind, exit_code, out, err, wait_s,
    hook_timeout, guard_checked, message, bytes used); None when buf holds only part of it; ValueError
    when it is not a well-formed frame. Built-ins only: the Python hook's fast path reads frames too."""
    nl = buf.find(b"\n", 0, FRAME_HEADER_MAX)
    if nl < 0:
        if len(buf) >= FRAME_HEADER_MAX:
            raise ValueError("frame header is too long")
        return None
    head = buf[:nl].decode("ascii")  # UnicodeDecodeError is a ValueError
    kind, _, rest = head.partition(" ")
    if kind == "E":
        return "E", 0, b"", b"", 0.0, 0.0, False, rest, nl + 1
    words = rest.split(" ")
    if kind == "X" and words in (["0"], ["1"]):
        return "X", 0, b"", b"", 0.0, 0.0, words == ["1"], "", nl + 1
    wait = hook_timeout = 0.0
    if kind == "R" and len(words) == 3:
        code, lo, le = _code(words[0]), _size(words[1]), _size(words[2])
    elif kind == "P" and len(words) == 5:
        wait, hook_timeout = _secs(words[0]), _secs(words[1])
        code, lo, le = _code(words[2]), _size(words[3]), _size(words[4])
    else:
        raise ValueError(f"malformed frame header {head[:40]!r}")
    end = nl + 1 + lo + le
    if len(buf) < end:
        return None
    return kind, code, buf[nl + 1:nl + 1 + lo], buf[nl + 1 + lo:end], wait, hook_timeout, False, "", end


def _size(word: str) -> int:
    if not (word.isascii() and word.isdigit()) or len(word) > 10 or int(word) > MAX_MESSAGE_BYTES:
        raise ValueError(f"bad length {word[:20]!r}")
    return int(word)


def _code(word: str) -> int:
    digits = word[1:] if word.startswith("-") else word
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        raise ValueError(f"bad exit code {word[:20]!r}")
    return int(word)


def _secs(word: str) -> float:
    if not (word.isascii() and word.replace(".", "", 1).isdigit()) or len(word) > 24:
        raise ValueError(f"bad seconds {word[:24]!r}")
    return float(word)

"""`adr-hook HOST` entry point: the fast path, then the full client.

Every agent action starts this program (unless `adr install` put the native client, adr/native, in
its place: it does this same fast path without starting Python, and hands anything else to this
program). The usual path imports only built-in modules (`_socket`, `_json`) and adr's stdlib-free
`wire` / `runtime`: it sends the host's hook bytes to the daemon in one "hook" request with
"frame": true — exactly as read, as a latin-1 string, so the daemon parses the very bytes the
in-process fallback would — and the daemon answers in frames: exactly the bytes to print and the
exit code, or, while the human is asked, what to print if no answer comes in time
(adr.daemon.protocol, "Frames"). So no JSON is parsed here. A daemon that gives no answer within
ADR_ANSWER_TIMEOUT (2 s) and is not asking the human is taken as stuck. Anything else — no daemon, an
error, an older daemon, oversized input — goes to `adr.intercept.hookclient` (full client: in-process
evaluation, fail mode), which gets the bytes already read, so nothing is lost and every answer stays
explained.
"""
import posix  # not `os`: started with -S (adr's launcher), importing os would cost ~1 ms of CPU per call
import sys
import time

from adr.daemon import wire
from adr.runtime import socket_path_str

_STARTED = time.monotonic()  # the host's hook timeout runs from about here


class _Fallback(Exception):
    """The fast path cannot answer; the full client takes over."""


def _getenv(key: str) -> str:
    os = sys.modules.get("os")  # loaded (a console script with site): it sees later changes to the environment
    if os is not None:
        return os.environ.get(key, "")
    v = posix.environ.get(key.encode())
    return v.decode("utf-8", "surrogateescape") if v is not None else ""


def _setenv(key: str, value: str) -> None:
    """For the full client in this process: `os`, imported later, copies its environ from posix.environ."""
    os = sys.modules.get("os")
    if os is not None:
        os.environ[key] = value
    else:
        posix.environ[key.encode()] = value.encode()


def _timeout() -> float:
    return wire.seconds(_getenv("ADR_HOOK_TIMEOUT"), wire.DECIDE_TIMEOUT)


def _answer_timeout() -> float:
    return wire.seconds(_getenv("ADR_ANSWER_TIMEOUT"), wire.ANSWER_TIMEOUT)


def _quote(text: str) -> str:
    try:
        import _json
        return _json.encode_basestring_ascii(text)
    except ImportError:  # pragma: no cover — an interpreter without the accelerator
        import json
        return json.dumps(text, ensure_ascii=True)


def request_line(host: str, data: bytes, home: str, rid: str) -> bytes:
    """The fast path's "hook" request (the shape adr.daemon.protocol documents; a test decodes it).
    The host's bytes travel exactly, as a latin-1 string ("payload_bytes"): the daemon parses the very
    bytes the in-process fallback would, so both judge byte-identical input identically."""
    return ('{"v":%d,"op":"hook","id":"%s","host":%s,"home":%s,"progress":true,"frame":true,"payload_bytes":%s}\n'
            % (wire.PROTOCOL_VERSION, rid, _quote(host), _quote(home), _quote(data.decode("latin-1")))
            ).encode("ascii")


def _ask_daemon(host: str, data: bytes) -> "tuple[bytes, bytes, int]":
    """(stdout, stderr, exit code) from the daemon's frames; _Fallback when it cannot give them."""
    import _socket

    line = request_line(host, data, _getenv("HOME"), posix.urandom(8).hex())
    if len(line) > wire.MAX_MESSAGE_BYTES + 1:
        raise _Fallback()
    total = time.monotonic() + _timeout()
    deadline = min(total, time.monotonic() + _answer_timeout())  # no answer soon: the daemon is stuck
    unanswered = None
    try:
        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        raise _Fallback() from None
    try:
        s.settimeout(max(0.05, min(2.0, deadline - time.monotonic())))
        s.connect(socket_path_str())
        s.sendall(line)
        buf = b""
        while True:
            got = wire.decode_frame(buf)
            if got is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError()
                s.settimeout(left)
                chunk = s.recv(65536)
                if not chunk:
                    raise _Fallback()
                buf += chunk
                if len(buf) > wire.MAX_MESSAGE_BYTES + wire.FRAME_HEADER_MAX:
                    raise _Fallback()
                continue
            kind, code, out, err, wait, hook_timeout, _guard, _msg, used = got
            buf = buf[used:]
            if kind == "R":
                return out, err, code
            if kind != "P":
                raise _Fallback()  # an error: the full client explains
            # the human is being asked: wait for the window, never past the host's timeout
            unanswered = (out, err, code)
            deadline = wire.pending_deadline({"wait_s": wait, "hook_timeout": hook_timeout}, time.monotonic(),
                                             _STARTED)
    except (OSError, ValueError) as e:
        if unanswered is not None and isinstance(e, TimeoutError):
            return unanswered  # asked, no answer in time: never run the action unasked
        if isinstance(e, TimeoutError):  # the full client must not wait for it again, and says how long we did
            _setenv("ADR_DAEMON_WAITED", "%g" % round(min(_timeout(), _answer_timeout()), 3))
            _setenv("ADR_ANSWER_TIMEOUT", "0.05")
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
        out, err, code = _ask_daemon(host, data)
    except _Fallback:
        _full(host, data)
        return
    if out:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    if err:
        sys.stderr.buffer.write(err)
        sys.stderr.buffer.flush()
    sys.exit(code)


def _full(host: str, data: bytes) -> None:
    import io

    if sys.flags.no_site:  # started by adr's `-IS` launcher (adr/intercept/launcher.py): the slow path
        import site        # needs site-packages (the rules engine's dependencies)

        site.main()
    from adr.intercept import hookclient

    stdin = io.BytesIO(data)
    try:
        out = hookclient.run(host, stdin)
    except Exception as e:  # last resort: a safe, explained answer instead of a traceback
        out = hookclient._last_resort(host, e)
    _emit(out)


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

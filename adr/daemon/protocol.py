"""The daemon's wire protocol: one JSON object per line over a Unix stream socket.

Stdlib only — the hook client imports this on every agent action. Daemon, clients and tests all
build and read messages through the functions here, so every shape is defined exactly once.

Request:  {"v": 1, "op": "decide", "id": "…", "action": {…} | null, "event": "PreToolUse",
           "host": "claude-code", "can_ask": true, "input_error": ""}
Response: {"v": 1, "ok": true, "op": "decide", "id": "…", "verdict": {…}, "decided_by": "engine",
           "settings": {"fail_mode": "ask", "auto_approve": false}}
Error:    {"v": 1, "ok": false, "op": "…", "id": "…", "error": {"code": "bad_json", "message": "…"}}

Approvals: a decide request with "progress": true may first get interim lines
{"v": 1, "ok": true, "op": "decide", "id": "…", "pending": {"question": "3fa9c2d1", "wait_s": 55,
"hook_timeout": 60}} — the human is being asked; wait up to wait_s + PENDING_MARGIN for the answer.
{"op": "pending"} lists open questions (data.questions; never their codes); {"op": "answer", "question": "…",
"choice": "allow_once", "minutes": 0, "confirmed": false, "code": "123456", "reshow": false} answers one.
Both are refused unless the requester passes the human gate (adr/daemon/gate.py); an answer to a
question shown with a code must carry it (error "code_required" / "wrong_code"; "reshow" puts the
question on the desktop again).

Challenges (control by the human): {"op": "challenge", "purpose": "stop" | "uninstall" | "config" |
"config-confirm", "detail": ["…"], "digest": "…"} opens one (data: {"challenge": "ab12cd34", "state":
"open" | "confirmed", "code_shown": true}); {"op": "challenge", "challenge": "ab12cd34"} polls its state
(the human may press Confirm in the notification). The guarded request then carries "challenge" and
"code": {"op": "stop", "challenge": …, "code": …}; {"op": "config", "config_op": "write", "text":
"<config.yaml>", "challenge": …, "code": …} writes settings (a challenge only when they weaken
protection); {"op": "config", "config_op": "confirm", …} confirms a held change; {"op": "config",
"config_op": "check", "purpose": "uninstall", …} spends an uninstall challenge.

Fast hooks: {"op": "hook", "host": "claude-code", "payload": <the host's hook JSON>, "home": "/home/u",
"progress": true} — the daemon parses the payload with the host's integration, judges every action in
it like "decide" (same interim "pending" lines), and answers {"op": "hook", "data": {"stdout": "…",
"stderr": "…", "exit_code": 0}}: exactly what the hook prints, so the client needs no adr module.
An event that carries what the agent read (PostToolUse and its kin, SessionStart) is scanned and
handed to the components first (adr.daemon.decide.Decider.observe); their notice is in that output.
The JS plugins send their after-tool events this way, with "payload" as an object.
adr-hook's fast paths (Python and native) send {"v": 1, "op": "hook", …, "frame": true, "payload_bytes":
"<the host's bytes exactly as read, each byte one character (latin-1), JSON-escaped>"}: the daemon parses
those very bytes with adr.integrations.interface.decode_hook_input — as the in-process fallback does — so
byte-identical input is judged identically (a raw newline inside a JSON string is malformed for both).

Command shims: {"op": "shim", "name": "curl", "args": ["-s", "…"], "cwd": "/p", "pid": 123, "ppid": 122,
"stdin_pipe": false, "session": "wrap-…", "agent": "…", "wrap_start": "1700000000.000", "progress": true} —
the native shim (adr/native) sends what adr/intercept/shim.py would read from its own process; the daemon plans what to
judge exactly as adr/intercept/shim.py does (`plan()`: script files and /dev/fd paths are read as that client sees
them) and judges each check like "decide" (host "shim", can_ask false, same interim "pending" lines).
Answer: {"op": "shim", "data": {"run": true, "guard_checked": false}} — exec the real program (and set
ADR_GUARD_CHECKED=<pid> when guard_checked) — or {"data": {"run": false, "exit_code": 126, "stdout": "",
"stderr": "curl: <reason>\n", "decision": "deny", "reason": "…"}}: print stderr, exit 126.

Frames (native clients): a "hook" or "shim" request with "frame": true is answered in compact frames
instead of JSON lines, so a small C client needs no JSON parser (requests stay JSON; an error before the
request is understood is still a JSON line, which a native client treats like any failure: it hands over
to the Python client with everything it read). Numbers are decimal, lengths in bytes; out/err are the
exact UTF-8 bytes to write (a hook's stdout already ends with its newline); a frame ≤ MAX_MESSAGE_BYTES.
  P <wait_s> <hook_timeout> <exit_code> <len_out> <len_err>\n<out><err>
      the human is being asked: wait up to wait_s + PENDING_MARGIN (a hook: never past hook_timeout
      counted from its start); out/err/exit_code are what to print if no answer comes in time (a deny:
      an unanswered question never runs the action).
  R <exit_code> <len_out> <len_err>\n<out><err>    the answer: print out and err, exit with exit_code.
  X <guard_checked 0|1>\n                          shim: exec the real program.
  E <message>\n                                   an error: the native client hands over to Python.

Component calls: {"op": "call", "target": "alerts.list", "args": {…}} — a named call served by one of the
daemon's components (adr/daemon/components.py: sessions, alerts, undo …); answered {"op": "call", "data": {…}}.
Calls that only the human may make are refused (forbidden) from inside an agent.

Wrapped sessions: {"op": "session", "session_op": "start" | "end", "session": {"session": "wrap-…",
"agent": "…", "cwd": "…", "root_pid": 123, "wrap_pid": 122, "shims": "…", "guard": true,
"proxy": "127.0.0.1:PORT"}} — `adr wrap` registers the session it runs (listed by `status`).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from adr.actions import Action, Verdict, action_from_dict, action_to_dict, verdict_from_dict

from adr.daemon import wire as _wire
from adr.daemon.wire import (CONTROL_TIMEOUT, DECIDE_TIMEOUT, FRAME_HEADER_MAX, MAX_MESSAGE_BYTES, OPS,  # noqa: F401
                             PENDING_MARGIN, PROTOCOL_VERSION)

SESSION_OPS = ("start", "end")  # session: `adr wrap` registers / ends a wrapped session
_TARGET = re.compile(r"^[a-z][a-z0-9_-]{0,40}\.[a-z][a-z0-9_]{0,40}$")

# error codes
BAD_JSON = "bad_json"  # not UTF-8, not JSON, nested too deep
BAD_REQUEST = "bad_request"  # JSON, but not a request we understand
TOO_LARGE = "too_large"
UNSUPPORTED_VERSION = "unsupported_version"
UNKNOWN_OP = "unknown_op"
FORBIDDEN = "forbidden"
INTERNAL = "internal"


class ProtocolError(ValueError):
    """A message that cannot be used. `partial` keeps what could be read (for the audit log)."""

    def __init__(self, code: str, message: str, partial: "dict[str, Any] | None" = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.partial = partial or {}


@dataclass(frozen=True)
class ClientSettings:
    """The few settings the hook client needs; the daemon sends them so the client skips YAML."""

    fail_mode: str = "ask"
    auto_approve: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"fail_mode": self.fail_mode, "auto_approve": self.auto_approve}

    @classmethod
    def from_dict(cls, d: Any) -> "ClientSettings":
        if not isinstance(d, dict):
            return cls()
        fm = d.get("fail_mode")
        return cls(fail_mode=fm if fm in ("ask", "deny", "allow") else "ask",
                   auto_approve=d.get("auto_approve") is True)


@dataclass(frozen=True)
class Request:
    op: str
    id: str = ""
    action: Action | None = None  # decide: what the agent wants (None: an event only recorded)
    event: str = ""  # decide: the host's event name
    host: str = ""  # decide: integration name
    can_ask: bool = True  # decide: can the host put a question to the user itself?
    input_error: str = ""  # decide: the host input could not be parsed; daemon applies fail mode
    confirmed: bool = False  # stop: the CLI confirmed with a human; answer: a critical override, confirmed
    progress: bool = False  # decide: the client reads interim {"pending": …} lines before the answer
    question: str = ""  # answer: the question id
    choice: str = ""  # answer: allow_once | allow_session | allow_project | allow_minutes | allow_global | deny | confirm_override
    minutes: float = 0.0  # answer: allow_minutes
    payload: Any = None  # hook: the host's hook JSON, as the host sent it
    payload_raw: "bytes | None" = None  # hook: the host's bytes exactly as read (payload_bytes on the wire)
    home: str = ""  # hook: the user's home as the agent sees it
    session_op: str = ""  # session: start | end
    session_info: dict[str, Any] = field(default_factory=dict)  # session: id, agent, cwd, root_pid, proxy …
    frame: bool = False  # hook / shim: answer in frames (native clients), not JSON lines
    shim_info: dict[str, Any] = field(default_factory=dict)  # shim: name, args, cwd, pid, ppid, stdin_pipe …
    code: str = ""  # answer / stop / config: the one-time code the human read on their channel
    reshow: bool = False  # answer: show the question on the desktop again (its code was lost)
    challenge: str = ""  # challenge (poll) / stop / config: the challenge id
    purpose: str = ""  # challenge: what it is for (gate.PURPOSES); config check: "uninstall"
    detail: tuple[str, ...] = ()  # challenge: lines for the human (uninstall: the hosts)
    digest: str = ""  # challenge: the hash of what it confirms (config: the text to write)
    config_op: str = ""  # config: write | confirm | check
    text: str = ""  # config write: the new config.yaml
    target: str = ""  # call: "component.method"
    args: dict[str, Any] = field(default_factory=dict)  # call: the method's arguments (a JSON object)


@dataclass(frozen=True)
class Response:
    ok: bool
    op: str = ""
    id: str = ""
    verdict: Verdict | None = None
    decided_by: str = ""  # engine | fail-mode | fallback | human
    settings: ClientSettings = field(default_factory=ClientSettings)
    data: dict[str, Any] = field(default_factory=dict)  # status / ping / reload payload
    pending: dict[str, Any] = field(default_factory=dict)  # interim (decide, progress): the human is being asked
    error_code: str = ""
    error: str = ""
    frame: bool = False  # encode as a frame (the request asked for "frame": true)


def new_id() -> str:
    return os.urandom(8).hex()


# ---- encoding ---------------------------------------------------------------------------------

def _line(obj: dict[str, Any]) -> bytes:
    # ASCII escapes keep lone surrogates from a host's JSON representable on the wire.
    data = json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(TOO_LARGE, f"message is {len(data)} bytes; the limit is {MAX_MESSAGE_BYTES}")
    return data + b"\n"


def encode_request(req: Request) -> bytes:
    """Raises ProtocolError(TOO_LARGE) when the request would not fit in one message."""
    if req.op not in OPS:
        raise ProtocolError(UNKNOWN_OP, f"unknown op {req.op!r}")
    obj: dict[str, Any] = {"v": PROTOCOL_VERSION, "op": req.op, "id": req.id}
    if req.op == "decide":
        obj.update(action=action_to_dict(req.action) if req.action else None, event=req.event,
                   host=req.host, can_ask=req.can_ask, input_error=req.input_error)
    if req.op == "decide" and req.progress:
        obj["progress"] = True
    if req.op == "stop":
        obj.update(confirmed=req.confirmed, challenge=req.challenge, code=req.code)
    if req.op == "answer":
        obj.update(question=req.question, choice=req.choice, minutes=req.minutes, confirmed=req.confirmed,
                   code=req.code, reshow=req.reshow)
    if req.op == "challenge":
        obj.update(purpose=req.purpose, detail=list(req.detail), digest=req.digest, challenge=req.challenge,
                   text=req.text)
    if req.op == "config":
        obj.update(config_op=req.config_op, text=req.text, challenge=req.challenge, code=req.code,
                   purpose=req.purpose)
    if req.op == "session":
        obj.update(session_op=req.session_op, session=req.session_info)
    if req.op == "call":
        obj.update(target=req.target, args=req.args)
    if req.op == "hook":
        obj.update(host=req.host, payload=req.payload, home=req.home, progress=req.progress)
        if req.payload_raw is not None:
            obj["payload_bytes"] = req.payload_raw.decode("latin-1")
    if req.op == "shim":
        obj.update({k: req.shim_info.get(k, d) for k, d in SHIM_FIELDS.items()}, progress=req.progress)
    if req.op in ("hook", "shim") and req.frame:
        obj["frame"] = True
    return _line(obj)


def encode_response(resp: Response) -> bytes:
    if resp.frame:
        return encode_frame(resp)
    obj: dict[str, Any] = {"v": PROTOCOL_VERSION, "ok": resp.ok, "op": resp.op, "id": resp.id}
    if not resp.ok:
        obj["error"] = {"code": resp.error_code or INTERNAL, "message": resp.error}
        return _line(obj)
    if resp.pending:
        obj["pending"] = resp.pending
    if resp.verdict is not None:
        obj["verdict"] = resp.verdict.to_dict()
        obj["decided_by"] = resp.decided_by
        obj["settings"] = resp.settings.to_dict()
    if resp.data:
        obj["data"] = resp.data
    return _line(obj)


def error_response(code: str, message: str, op: str = "", id: str = "") -> Response:
    return Response(ok=False, op=op, id=id, error_code=code, error=message)


# ---- decoding ---------------------------------------------------------------------------------

def _load(line: bytes) -> dict[str, Any]:
    if len(line) > MAX_MESSAGE_BYTES:
        raise ProtocolError(TOO_LARGE, f"message is {len(line)} bytes; the limit is {MAX_MESSAGE_BYTES}")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProtocolError(BAD_JSON, f"message is not UTF-8 text (byte {e.start})") from None
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ProtocolError(BAD_JSON, "message is nested too deeply") from None
    except ValueError as e:
        raise ProtocolError(BAD_JSON, f"message is not JSON: {e}") from None
    if not isinstance(obj, dict):
        raise ProtocolError(BAD_REQUEST, "message must be a JSON object")
    v = obj.get("v")
    if v != PROTOCOL_VERSION:
        raise ProtocolError(UNSUPPORTED_VERSION,
                            f"protocol version {v!r} is not supported (this side speaks {PROTOCOL_VERSION}); "
                            "restart the daemon after upgrading adr", _head(obj))
    return obj


def _head(obj: dict[str, Any]) -> dict[str, Any]:
    """The parts of a bad request that are still worth recording."""
    keep = {k: obj[k] for k in ("op", "id", "event", "host") if isinstance(obj.get(k), str)}
    act = obj.get("action")
    if isinstance(act, dict):
        keep["action"] = act
    return keep


def decode_request(line: bytes) -> Request:
    """Bytes of one line → Request. Raises ProtocolError with a human-readable message."""
    obj = _load(line)
    op = obj.get("op")
    rid = obj.get("id", "")
    if not isinstance(rid, str) or len(rid) > 128:
        raise ProtocolError(BAD_REQUEST, "id must be a string of at most 128 characters", _head(obj))
    if op not in OPS:
        raise ProtocolError(UNKNOWN_OP, f"unknown op {op!r}; expected one of {', '.join(OPS)}", _head(obj))
    if op in ("stop", "answer", "challenge", "config"):
        return _decode_control(obj, op, rid)
    if op == "session":
        return _decode_session(obj, rid)
    if op == "call":
        target, args = obj.get("target", ""), obj.get("args", {})
        if not isinstance(target, str) or not _TARGET.match(target):
            raise ProtocolError(BAD_REQUEST, "target must look like component.method", _head(obj))
        if not isinstance(args, dict):
            raise ProtocolError(BAD_REQUEST, "args must be a JSON object", _head(obj))
        return Request(op=op, id=rid, target=target, args=args)
    if op == "hook":
        host, home = obj.get("host", ""), obj.get("home", "")
        if not isinstance(host, str) or not isinstance(home, str) or len(host) > 64 or len(home) > 4096:
            raise ProtocolError(BAD_REQUEST, "host and home must be short strings", _head(obj))
        raw = obj.get("payload_bytes")
        if raw is not None:
            if not isinstance(raw, str):
                raise ProtocolError(BAD_REQUEST, "payload_bytes must be a string", _head(obj))
            try:
                raw = raw.encode("latin-1")
            except UnicodeEncodeError:
                raise ProtocolError(BAD_REQUEST, "payload_bytes must hold one character per byte (latin-1)",
                                    _head(obj)) from None
        return Request(op=op, id=rid, host=host, home=home, payload=obj.get("payload"), payload_raw=raw,
                       progress=obj.get("progress") is True, frame=obj.get("frame") is True)
    if op == "shim":
        return _decode_shim(obj, rid)
    if op != "decide":
        return Request(op=op, id=rid)
    for key in ("event", "host", "input_error"):
        if not isinstance(obj.get(key, ""), str):
            raise ProtocolError(BAD_REQUEST, f"{key} must be a string", _head(obj))
    raw = obj.get("action")
    action = None
    if raw is not None:
        if not isinstance(raw, dict):
            raise ProtocolError(BAD_REQUEST, "action must be an object or null", _head(obj))
        try:
            action = action_from_dict(raw)
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise ProtocolError(BAD_REQUEST, f"action is malformed: {type(e).__name__}: {e}", _head(obj)) from None
    return Request(op=op, id=rid, action=action, event=obj.get("event", ""), host=obj.get("host", ""),
                   can_ask=obj.get("can_ask", True) is not False, input_error=obj.get("input_error", ""),
                   progress=obj.get("progress") is True)


_SHORT = {"question": 64, "choice": 64, "code": 32, "challenge": 64, "purpose": 32, "digest": 128,
          "config_op": 16}
MAX_CONFIG_TEXT = 256 * 1024
MAX_DETAIL = 16


def _decode_control(obj: dict[str, Any], op: str, rid: str) -> Request:
    """stop / answer / challenge / config: short strings, bounded; anything else is a bad request."""
    vals: dict[str, Any] = {}
    for key, limit in _SHORT.items():
        v = obj.get(key, "")
        if not isinstance(v, str) or len(v) > limit:
            raise ProtocolError(BAD_REQUEST, f"{key} must be a string of at most {limit} characters", _head(obj))
        vals[key] = v
    m, text, detail = obj.get("minutes", 0), obj.get("text", ""), obj.get("detail", [])
    if not isinstance(m, (int, float)) or isinstance(m, bool) or not 0 <= m <= 525600:
        raise ProtocolError(BAD_REQUEST, "minutes must be a number from 0 to 525600", _head(obj))
    if not isinstance(text, str) or len(text) > MAX_CONFIG_TEXT:
        raise ProtocolError(BAD_REQUEST, f"text must be a string of at most {MAX_CONFIG_TEXT} characters", _head(obj))
    if (not isinstance(detail, list) or len(detail) > MAX_DETAIL
            or not all(isinstance(d, str) and len(d) <= 300 for d in detail)):
        raise ProtocolError(BAD_REQUEST, f"detail must be at most {MAX_DETAIL} short strings", _head(obj))
    return Request(op=op, id=rid, minutes=float(m), text=text, detail=tuple(detail),
                   confirmed=obj.get("confirmed") is True, reshow=obj.get("reshow") is True, **vals)


def _decode_session(obj: dict[str, Any], rid: str) -> Request:
    sop, info = obj.get("session_op"), obj.get("session")
    if sop not in SESSION_OPS:
        raise ProtocolError(BAD_REQUEST, f"session_op must be one of {', '.join(SESSION_OPS)}", _head(obj))
    if not isinstance(info, dict) or len(info) > 32:
        raise ProtocolError(BAD_REQUEST, "session must be an object of at most 32 fields", _head(obj))
    for k, v in info.items():
        if len(k) > 64 or not (isinstance(v, (bool, int)) or (isinstance(v, str) and len(v) <= 4096)):
            raise ProtocolError(BAD_REQUEST, f"session field {k[:64]!r} must be a short string, number or boolean",
                                _head(obj))
    if not isinstance(info.get("session"), str) or not info["session"]:
        raise ProtocolError(BAD_REQUEST, "session.session (the id) is required", _head(obj))
    return Request(op="session", id=rid, session_op=sop, session_info=dict(info))


# shim request fields and their defaults (what adr/intercept/shim.py reads from its own process)
SHIM_FIELDS: dict[str, Any] = {"name": "", "args": [], "cwd": "", "pid": 0, "ppid": 0, "stdin_pipe": False,
                               "session": "", "agent": "", "wrap_start": ""}
_SHIM_LIMITS = {"cwd": 65536, "session": 4096, "agent": 4096, "wrap_start": 64}
MAX_SHIM_ARGS = 65536


def _decode_shim(obj: dict[str, Any], rid: str) -> Request:
    info: dict[str, Any] = {}
    for key, default in SHIM_FIELDS.items():
        v = obj.get(key, default)
        if isinstance(default, bool):
            ok = isinstance(v, bool)
        elif isinstance(default, int):
            ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2 ** 31
        elif isinstance(default, list):
            ok = isinstance(v, list) and len(v) <= MAX_SHIM_ARGS and all(isinstance(a, str) for a in v)
        else:
            ok = isinstance(v, str) and len(v) <= _SHIM_LIMITS.get(key, 255)
        if not ok:
            raise ProtocolError(BAD_REQUEST, f"shim field {key!r} has the wrong type or is too long", _head(obj))
        info[key] = list(v) if isinstance(v, list) else v
    name = info["name"]
    if not name or "/" in name or "\0" in name:
        raise ProtocolError(BAD_REQUEST, "shim name must be a program name (no '/')", _head(obj))
    return Request(op="shim", id=rid, shim_info=info, progress=obj.get("progress") is True,
                   frame=obj.get("frame") is True)


# ---- frames (native clients) ----------------------------------------------------------------------

FRAME_PENDING, FRAME_RESULT, FRAME_EXEC, FRAME_ERROR = "P", "R", "X", "E"


@dataclass(frozen=True)
class Frame:
    kind: str  # P | R | X | E
    exit_code: int = 0
    stdout: bytes = b""
    stderr: bytes = b""
    wait_s: float = 0.0  # P
    hook_timeout: float = 0.0  # P
    guard_checked: bool = False  # X
    message: str = ""  # E


def _out_bytes(text: Any, op: str) -> bytes:
    s = text if isinstance(text, str) else ""
    if op == "hook" and s and not s.endswith("\n"):
        s += "\n"  # adr-hook prints the host's stdout as one line
    return s.encode("utf-8", "replace")


def frame_of(resp: Response) -> Frame:
    """A hook / shim response as the frame a native client reads (see the module docstring)."""
    if not resp.ok:
        return Frame(FRAME_ERROR, message=f"{resp.error_code or INTERNAL}: {resp.error}")
    d = resp.data
    code = d.get("exit_code", 0)
    code = code if isinstance(code, int) and not isinstance(code, bool) else 0
    out, err = _out_bytes(d.get("stdout"), resp.op), _out_bytes(d.get("stderr"), "")
    if resp.pending:
        try:
            wait = max(0.0, float(resp.pending.get("wait_s") or 0))
            hook_timeout = max(0.0, float(resp.pending.get("hook_timeout") or 0))
        except (TypeError, ValueError):
            wait, hook_timeout = DECIDE_TIMEOUT, 0.0
        return Frame(FRAME_PENDING, code, out, err, wait_s=min(wait, 1e6), hook_timeout=min(hook_timeout, 1e6))
    if resp.op == "shim" and d.get("run") is True:
        return Frame(FRAME_EXEC, guard_checked=d.get("guard_checked") is True)
    return Frame(FRAME_RESULT, code, out, err)


def encode_frame(resp: "Response | Frame") -> bytes:
    f = resp if isinstance(resp, Frame) else frame_of(resp)
    if f.kind == FRAME_ERROR:
        msg = " ".join(f.message.split())[:FRAME_HEADER_MAX - 4] or "error"
        data = f"E {msg}".encode("ascii", "replace")[:FRAME_HEADER_MAX - 1] + b"\n"
    elif f.kind == FRAME_EXEC:
        data = b"X 1\n" if f.guard_checked else b"X 0\n"
    elif f.kind == FRAME_PENDING:
        data = (f"P {f.wait_s:.3f} {f.hook_timeout:.3f} {f.exit_code} {len(f.stdout)} {len(f.stderr)}\n"
                .encode("ascii") + f.stdout + f.stderr)
    elif f.kind == FRAME_RESULT:
        data = f"R {f.exit_code} {len(f.stdout)} {len(f.stderr)}\n".encode("ascii") + f.stdout + f.stderr
    else:
        raise ProtocolError(BAD_REQUEST, f"unknown frame kind {f.kind!r}")
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(TOO_LARGE, f"frame is {len(data)} bytes; the limit is {MAX_MESSAGE_BYTES}")
    return data


def decode_frame(buf: bytes) -> "tuple[Frame, int] | None":
    """The first frame in buf and the bytes it used; None when buf holds only part of it.
    ProtocolError(BAD_JSON) when buf does not start with a well-formed frame (wire.decode_frame)."""
    try:
        got = _wire.decode_frame(buf)
    except ValueError as e:
        raise ProtocolError(BAD_JSON, f"malformed frame: {e}") from None
    if got is None:
        return None
    kind, code, out, err, wait, hook_timeout, guard, message, used = got
    return Frame(kind, code, out, err, wait_s=wait, hook_timeout=hook_timeout, guard_checked=guard,
                 message=message), used


def decode_response(line: bytes) -> Response:
    obj = _load(line)
    op, rid = str(obj.get("op", "")), str(obj.get("id", ""))
    if obj.get("ok") is not True:
        err = obj.get("error") if isinstance(obj.get("error"), dict) else {}
        return error_response(str(err.get("code", INTERNAL)), str(err.get("message", "unknown error")), op, rid)
    verdict = None
    if obj.get("verdict") is not None:
        try:
            verdict = verdict_from_dict(obj["verdict"])
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise ProtocolError(BAD_REQUEST, f"verdict is malformed: {e}") from None
    data = obj.get("data")
    pending = obj.get("pending")
    return Response(ok=True, op=op, id=rid, verdict=verdict, decided_by=str(obj.get("decided_by", "")),
                    settings=ClientSettings.from_dict(obj.get("settings")),
                    data=data if isinstance(data, dict) else {},
                    pending=pending if isinstance(pending, dict) else {})

"""The wire protocol: round trips, and a clear error (never an exception escaping) for bad input."""
import json

import pytest

from adr.actions import Action, ActionKind, Context, Decision, Evidence, Finding, RuleAction, Severity, Verdict
from adr.daemon import protocol as P


def _action(cmd="ls -la"):
    return Action(ActionKind.EXEC, Context(host="claude-code", session="s1", cwd="/tmp", tool="Bash"), command=cmd)


def test_decide_request_roundtrip():
    req = P.Request(op="decide", id=P.new_id(), action=_action("echo 'é' \n x"), event="PreToolUse",
                    host="claude-code", can_ask=False)
    line = P.encode_request(req)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert P.decode_request(line[:-1]) == req


def test_response_roundtrip_with_verdict_and_settings():
    v = Verdict(Decision.DENY, findings=(Finding("x.rm", "rm", Severity.HIGH, RuleAction.DENY,
                                                 evidence=(Evidence("rm -rf /", span=(0, 2)),)),),
                reason="because", agent_reason="no")
    resp = P.Response(ok=True, op="decide", id="a", verdict=v, decided_by="engine",
                      settings=P.ClientSettings(fail_mode="deny", auto_approve=True))
    back = P.decode_response(P.encode_response(resp)[:-1])
    assert back.verdict == v and back.settings == resp.settings and back.decided_by == "engine"


def test_error_response_roundtrip():
    back = P.decode_response(P.encode_response(P.error_response(P.BAD_JSON, "nope", "decide", "i"))[:-1])
    assert not back.ok and back.error_code == P.BAD_JSON and back.error == "nope" and back.id == "i"


def test_lone_surrogates_cross_the_wire_as_the_action_holds_them():
    # (an Action's text is well-formed by construction: a lone surrogate is U+FFFD, which every stage
    # can encode — tests/test_agent_tries_s15.py)
    req = P.Request(op="decide", action=_action("echo \ud800 \udcff"))
    assert req.action.command == "echo \ufffd \ufffd"
    assert P.decode_request(P.encode_request(req)).action.command == "echo \ufffd \ufffd"


@pytest.mark.parametrize("line,code", [
    (b"{not json", P.BAD_JSON),
    (b"\xff\xfe\x00binary", P.BAD_JSON),
    (b"[" * 10000 + b"]" * 10000, P.BAD_JSON),
    (b'{"v":1,"op":"decide","action":' + b'{"a":' * 10000 + b"1" + b"}" * 10001, P.BAD_JSON),
    (b"[]", P.BAD_REQUEST),
    (b'{"v":99,"op":"ping"}', P.UNSUPPORTED_VERSION),
    (b'{"v":1,"op":"explode"}', P.UNKNOWN_OP),
    (b'{"v":1,"op":"decide","action":{"kind":"teleport"}}', P.BAD_REQUEST),
    (b'{"v":1,"op":"decide","action":{"kind":"exec","command":5}}', P.BAD_REQUEST),
    (b'{"v":1,"op":"decide","action":"rm"}', P.BAD_REQUEST),
    (b'{"v":1,"op":"decide","id":7}', P.BAD_REQUEST),
])
def test_bad_requests_give_codes(line, code):
    with pytest.raises(P.ProtocolError) as e:
        P.decode_request(line)
    assert e.value.code == code and e.value.message


def test_partially_readable_decide_keeps_its_head_for_the_audit_log():
    line = json.dumps({"v": 1, "op": "decide", "id": "r1", "host": "claude-code",
                       "action": {"kind": "exec", "command": 5}}).encode()
    with pytest.raises(P.ProtocolError) as e:
        P.decode_request(line)
    assert e.value.partial["op"] == "decide" and e.value.partial["id"] == "r1"


def test_oversize_is_refused_both_ways():
    assert P.MAX_MESSAGE_BYTES >= 16 * 1024 * 1024
    with pytest.raises(P.ProtocolError) as e:
        P.encode_request(P.Request(op="decide", action=_action("x" * (P.MAX_MESSAGE_BYTES + 1))))
    assert e.value.code == P.TOO_LARGE and str(P.MAX_MESSAGE_BYTES) in e.value.message
    with pytest.raises(P.ProtocolError) as e:
        P.decode_request(b" " * (P.MAX_MESSAGE_BYTES + 1))
    assert e.value.code == P.TOO_LARGE


def test_client_settings_are_defensive():
    assert P.ClientSettings.from_dict({"fail_mode": "explode", "auto_approve": "yes"}) == P.ClientSettings()
    assert P.ClientSettings.from_dict(None) == P.ClientSettings()


def test_protocol_and_client_import_only_stdlib():
    import subprocess
    import sys
    code = ("import sys; import adr.daemon.protocol, adr.daemon.client, adr.daemon.failsafe, adr.intercept.hookclient;"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('yaml','psutil','watchdog','rich','click','re2',"
            "'tree_sitter','platformdirs','requests')]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


# ---- frames and the shim op (native clients) -------------------------------------------------------

@pytest.mark.parametrize("frame", [
    P.Frame("R", 2, b'{"x": 1}\n', "ünï\n".encode()),
    P.Frame("R", -1, b"", b""),
    P.Frame("P", 2, b"deny\n", b"", wait_s=55.0, hook_timeout=60.0),
    P.Frame("X", guard_checked=True),
    P.Frame("X", guard_checked=False),
    P.Frame("E", message="bad_json: nope"),
])
def test_frames_round_trip(frame):
    data = P.encode_frame(frame)
    assert P.decode_frame(data) == (frame, len(data))
    assert P.decode_frame(data + b"R 0 0 0\n") == (frame, len(data))  # frames follow each other
    if frame.kind in "RP" and (frame.stdout or frame.stderr):
        assert P.decode_frame(data[:-1]) is None  # incomplete: read more


@pytest.mark.parametrize("data", [b"{\"v\":1}\n", b"R 0 1\n", b"R 0 x 0\n", b"R 1.5 0 0\n", b"P 1 2 3 4\n",
                                  b"X 2\n", b"Q 0\n", b"R 0 99999999999 0\n", b"Z" * 300, b"P nan 1 0 0 0\n"])
def test_malformed_frames_are_errors(data):
    with pytest.raises(P.ProtocolError):
        P.decode_frame(data)


def test_responses_become_frames():
    hook = P.Response(ok=True, op="hook", data={"stdout": '{"a": 1}', "stderr": "e", "exit_code": 2}, frame=True)
    assert P.encode_response(hook) == b'R 2 9 1\n{"a": 1}\ne'  # the hook's stdout line gets its newline
    assert P.encode_response(P.Response(ok=True, op="hook", data={"stdout": "", "stderr": "", "exit_code": 0},
                                        frame=True)) == b"R 0 0 0\n"
    pend = P.Response(ok=True, op="hook", pending={"question": "q1", "wait_s": 55, "hook_timeout": 60},
                      data={"stdout": "no", "stderr": "", "exit_code": 0}, frame=True)
    assert P.encode_response(pend) == b"P 55.000 60.000 0 3 0\nno\n"
    run = P.Response(ok=True, op="shim", data={"run": True, "guard_checked": True}, frame=True)
    assert P.encode_response(run) == b"X 1\n"
    refuse = P.Response(ok=True, op="shim", data={"run": False, "exit_code": 126, "stdout": "", "stderr": "rm: no\n"},
                        frame=True)
    assert P.encode_response(refuse) == b"R 126 0 7\nrm: no\n"
    err = P.error_response(P.BAD_REQUEST, "two\nlines", "shim", "i")
    assert P.encode_response(P.Response(**{**err.__dict__, "frame": True})) == b"E bad_request: two lines\n"
    assert P.encode_response(run.__class__(**{**run.__dict__, "frame": False})).startswith(b"{")  # JSON otherwise


def test_shim_request_round_trip_and_bounds():
    info = {"name": "curl", "args": ["-s", "a b\n", "\udcff"], "cwd": "/p q", "pid": 5, "ppid": 4, "stdin_pipe": True,
            "session": "wrap-1", "agent": "bot", "wrap_start": "1700000000.000"}
    req = P.Request(op="shim", id="i", shim_info=info, progress=True, frame=True)
    back = P.decode_request(P.encode_request(req)[:-1])
    assert back == req
    for bad in ({"name": "a/b"}, {"name": ""}, {"args": "rm"}, {"args": [1]}, {"pid": -1}, {"pid": True},
                {"stdin_pipe": 1}, {"cwd": 5}, {"wrap_start": "x" * 100}):
        line = json.dumps({"v": 1, "op": "shim", "id": "i", **{**info, **bad}}).encode()
        with pytest.raises(P.ProtocolError) as e:
            P.decode_request(line)
        assert e.value.code == P.BAD_REQUEST

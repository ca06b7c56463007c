"""The whole "ask" path with real components: a private D-Bus session bus, a test notification
server on it, the real daemon (subprocess) and `adr-hook claude-code` run by a stand-in agent.
The server "clicks" buttons; the hook's answer follows. No wall-clock assertions."""
import json
import os
import shutil
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import (DaemonProc, adr, agent_exe, claude_payload, decision_of, finish_hook,  # noqa: E402
                               make_home, reason_of, records, run_hook, start_hook)
from _daemon_helpers import wait_for  # noqa: E402
from _notify_server import desktop_session  # noqa: E402
from _human import human  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("dbus-daemon"), reason="dbus-daemon not installed (make sysdeps)")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("approvals")
    with desktop_session(str(tmp)) as server:
        home = make_home(tmp / "home")
        daemon = DaemonProc(home)
        try:
            daemon.start()
            yield {"home": home, "daemon": daemon, "server": server, "agent": agent_exe(tmp), "cwd": str(tmp)}
        finally:
            daemon.stop()


@pytest.fixture
def e(env):
    env["server"].responder = lambda call: None
    env["session"] = "s-" + uuid.uuid4().hex[:8]
    return env


def hook(e, command, session=None):
    return run_hook(e["home"], e["agent"], "claude-code", claude_payload(command, session or e["session"], e["cwd"]))


def last_record(e, **match):
    """The newest audit record matching — waited for: the daemon writes it just after it has answered
    the hook (the answer is not held up by the write), so a test can look before it is there."""
    def find():
        recs = [r for r in records(e["home"]) if all(r.get(k) == v for k, v in match.items())]
        return recs[-1] if recs else None
    return wait_for(find)


def test_allow_once_from_the_notification(e):
    srv = e["server"]
    n0 = len(srv.calls)
    srv.responder = lambda call: ("click", "allow_once")
    out = hook(e, "frobnicate --all")
    assert decision_of(out) == "allow"
    assert "approved once by you (desktop" in reason_of(out)
    call = srv.calls[n0]
    assert [a for a in call["actions"] if a != "default"] == ["allow_once", "deny", "allow_session", "allow_project"]
    assert call["labels"] == ["Allow once", "Deny", "Allow for this session", "Always allow in this project"]
    body = call["body"]
    assert "claude (claude-code) in " in body and "▶ frobnicate --all" in body
    assert "frobnicate needs a human [test.ask-frobnicate, medium]" in body
    assert "Frobnicating changes shared state" in body
    rec = last_record(e, session=e["session"])
    assert rec["decision"] == "allow" and rec["decided_by"] == "human"
    ap = rec["approval"]
    assert ap["channel"] == "desktop" and ap["choice"] == "allow_once" and ap["answered_after_s"] >= 0
    # once means once: the same action asks again
    srv.responder = lambda call: ("click", "deny")
    assert decision_of(hook(e, "frobnicate --all")) == "deny"
    assert len(srv.calls) == n0 + 2


def test_deny_and_dismiss_are_denials(e):
    e["server"].responder = lambda call: ("click", "deny")
    out = hook(e, "frobnicate --deny-me")
    assert decision_of(out) == "deny" and "The user denied this action" in reason_of(out)
    e["server"].responder = lambda call: ("dismiss",)
    assert decision_of(hook(e, "frobnicate --dismiss-me")) == "deny"
    rec = last_record(e, session=e["session"])
    assert rec["approval"]["note"] == "dismissed" and rec["decided_by"] == "human"


def test_no_answer_times_out_to_deny_and_grants_nothing(e):
    srv = e["server"]
    n0 = len(srv.calls)
    out = hook(e, "frobnicate --slowly")
    assert decision_of(out) == "deny" and "no answer within" in reason_of(out)
    rec = last_record(e, session=e["session"])
    assert rec["decided_by"] == "timeout" and rec["approval"]["choice"] == "timeout"
    assert wait_for(lambda: srv.calls[n0]["id"] in srv.closed_by_client)  # the notification is withdrawn
    grants = json.loads(adr(e["home"], "grants", "list", "--json").stdout)
    assert not [g for g in grants if g["session"] == e["session"]]
    srv.responder = lambda call: ("click", "allow_once")
    assert decision_of(hook(e, "frobnicate --slowly")) == "allow"  # asked afresh, nothing remembered


def test_allow_for_this_session_lets_the_same_action_pass_in_that_session_only(e):
    srv = e["server"]
    n0 = len(srv.calls)
    srv.responder = lambda call: ("click", "allow_session")
    assert decision_of(hook(e, "frobnicate --session-scoped")) == "allow"
    srv.responder = lambda call: ("click", "deny")
    # another spelling of the same command: the grant applies, no new question
    out = hook(e, "frobnicate   '--session-scoped'")
    assert decision_of(out) == "" or decision_of(out) == "allow"
    assert len(srv.calls) == n0 + 1
    rec = last_record(e, session=e["session"])
    assert rec["decided_by"] == "grant" and rec["granted_by"]
    # a different action in the same session is asked about
    assert decision_of(hook(e, "frobnicate --other")) == "deny"
    # the same action in another session is asked about
    assert decision_of(hook(e, "frobnicate --session-scoped", session=e["session"] + "-b")) == "deny"
    assert len(srv.calls) == n0 + 3
    grants = json.loads(adr(e["home"], "grants", "list", "--json").stdout)
    (g,) = [g for g in grants if g["session"] == e["session"]]
    assert g["scope"] == "session" and g["rule_id"] == "test.ask-frobnicate" and g["channel"] == "desktop"
    assert adr(e["home"], "grants", "revoke", str(g["id"])).returncode == 0
    assert decision_of(hook(e, "frobnicate --session-scoped")) == "deny"  # revoked: asked again


def test_identical_pending_actions_share_one_question(e):
    srv = e["server"]
    n0 = len(srv.calls)
    payload = claude_payload("frobnicate --twice", e["session"], e["cwd"])
    hooks = [start_hook(e["home"], e["agent"], "claude-code", payload) for _ in range(3)]

    def waiting():
        qs = json.loads(human(e["home"], "pending", "--json").stdout)
        return [q for q in qs if q["session"] == e["session"] and q["waiting"] == 3]
    (q,) = wait_for(waiting)
    assert len(srv.calls) == n0 + 1
    srv.click_later(srv.calls[n0]["id"], "allow_once")
    assert [decision_of(finish_hook(h)) for h in hooks] == ["allow"] * 3
    assert len(srv.calls) == n0 + 1
    recs = [r for r in records(e["home"]) if r.get("session") == e["session"]]
    assert {r["approval"]["question"] for r in recs} == {q["id"]}


def test_the_terminal_answers_and_the_notification_is_withdrawn(e):
    srv = e["server"]
    n0 = len(srv.calls)
    h = start_hook(e["home"], e["agent"], "claude-code", claude_payload("frobnicate --from-terminal", e["session"], e["cwd"]))
    qs = wait_for(lambda: [q for q in json.loads(human(e["home"], "pending", "--json").stdout) if q["session"] == e["session"]])
    qid = qs[0]["id"]
    assert qs[0]["action"] == "frobnicate --from-terminal" and qs[0]["agent"] == "claude" and qs[0]["needs_code"]
    code = code_in(srv.calls[n0]["body"])
    assert code not in json.dumps(qs)  # the listing never carries the code
    r = human(e["home"], "approve", qid, code)
    assert r.returncode == 0, r.stderr
    assert decision_of(finish_hook(h)) == "allow"
    assert wait_for(lambda: srv.calls[n0]["id"] in srv.closed_by_client)
    rec = last_record(e, session=e["session"])
    assert rec["approval"]["channel"] == "terminal" and rec["approval"]["note"] == "with the code"
    assert code not in json.dumps(records(e["home"])) and code not in e["daemon"].paths.daemon_log.read_text()
    again = human(e["home"], "deny", qid, code)
    assert again.returncode == 1 and "no open question" in again.stderr


def code_in(body):
    import re
    m = re.search(r"code (\d{6})", body)
    assert m, body
    return m.group(1)


def test_status_and_doctor_name_the_channels(e):
    st = json.loads(adr(e["home"], "status", "--json").stdout)
    assert st["approvals"]["desktop"] is True
    assert any("adr-test-notifications" in c for c in st["approvals"]["channels"])
    assert "approvals" in adr(e["home"], "status").stdout
    doc = adr(e["home"], "doctor", "--json", "--no-synthetic", "--host", "claude-code")
    assert "asks you via desktop notification" in json.loads(doc.stdout)["daemon"]["detail"]


# ---- a critical rule, with allow_critical_override -------------------------------------------

@pytest.fixture(scope="module")
def override_env(env, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("override")
    home = make_home(tmp / "home", allow_critical_override=True)
    daemon = DaemonProc(home).start()
    yield {**env, "home": home, "daemon": daemon, "cwd": str(tmp)}
    daemon.stop()


def test_critical_override_needs_a_second_confirmation(override_env):
    e = override_env
    srv = e["server"]
    e["session"] = "crit-" + uuid.uuid4().hex[:6]
    n0 = len(srv.calls)
    srv.responder = lambda call: ("click", "override" if "override" in call["actions"] else "confirm_override")
    out = hook(e, "annihilate --all")
    assert decision_of(out) == "allow"
    first, second = srv.calls[n0], srv.calls[n0 + 1]
    assert [a for a in first["actions"] if a != "default"] == ["deny", "override"]
    assert "critical" in first["summary"]
    assert [a for a in second["actions"] if a != "default"] == ["deny", "confirm_override"]
    assert "really" in second["summary"]
    rec = last_record(e, session=e["session"])
    assert rec["approval"]["choice"] == "confirm_override" and "overridden" in rec["reason"]
    # an override is never remembered, and "no" at the confirmation denies
    srv.responder = lambda call: ("click", "override" if "override" in call["actions"] else "deny")
    assert decision_of(hook(e, "annihilate --all")) == "deny"
    assert not [g for g in json.loads(adr(e["home"], "grants", "list", "--json").stdout)]


def test_critical_rules_are_not_asked_without_the_setting(e):
    n0 = len(e["server"].calls)
    assert decision_of(hook(e, "annihilate --all")) == "deny"
    assert len(e["server"].calls) == n0

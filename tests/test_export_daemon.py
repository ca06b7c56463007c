"""Export end to end: a real daemon, real hooks, and three real receivers (a rotated file, an OTLP/HTTP
receiver decoding protobuf, rsyslog on a loopback port). Every ask, deny, human answer and alert
arrives at every sink as the same OCSF event; secrets do not; a collector that goes away — even across
a daemon restart — gets every event exactly once when it comes back; what the hook judged in-process
while the daemon was down is exported when it is back; decisions never wait for a sink."""
import json
import os
import signal
import sys
import uuid

import pytest

from adr.daemon import protocol as P

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import (adr, agent_exe, claude_payload, codex_payload, decision_of, make_home,  # noqa: E402
                               records, run_hook)
from _daemon_helpers import DaemonProc  # noqa: E402
from _fleet_helpers import OtlpReceiver, Rsyslog, ocsf_errors, wait_until  # noqa: E402
from _human import human  # noqa: E402

SECRET = "ghp_" + "Zq9" * 12


class Daemon(DaemonProc):
    extra_env = {"ADR_NOTIFIER": "none"}
    start_timeout = 90.0


def make(home, **export):
    """A home whose export tests repeat denies in one session: the session breaker stays off here
    (tests/test_breakers.py has it), so each session's events are exactly its decisions."""
    return make_home(home, breaker_denies=0, breaker_asks=0, export=export)


def export_cfg(tmp, otlp, syslog_port=None, **extra):
    cfg = {"file": {"path": str(tmp / "ocsf.jsonl")}, "otlp": {"endpoint": otlp.endpoint, "timeout": 1},
           "batch": 50, "flush_interval": 0.05, "retry_max": 0.5, **extra}
    if syslog_port:
        cfg["syslog"] = {"address": f"127.0.0.1:{syslog_port}", "protocol": "tcp"}
    return cfg


def file_events(tmp):
    try:
        return [json.loads(x) for x in (tmp / "ocsf.jsonl").read_text().splitlines()]
    except FileNotFoundError:
        return []


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    otlp = OtlpReceiver().start()
    rs = Rsyslog(tmp / "rsyslog").start() if Rsyslog.available() else None
    home = make(tmp / "home", **export_cfg(tmp, otlp, rs.port if rs else None))
    d = Daemon(home).start()
    try:
        yield {"tmp": tmp, "home": home, "daemon": d, "otlp": otlp, "rsyslog": rs, "agent": agent_exe(tmp),
               "cwd": str(tmp)}
    finally:
        d.stop()
        otlp.stop()
        if rs:
            rs.stop()


def hook(f, command, session, host="claude-code"):
    payload = (claude_payload if host == "claude-code" else codex_payload)(command, session, f["cwd"])
    return decision_of(run_hook(f["home"], f["agent"], host, payload))


def of_session(events, session):
    return [e for e in events if e["metadata"]["correlation_uid"] == session]


def test_asks_denies_reach_every_sink_as_the_same_ocsf_event(fleet):
    f, session = fleet, "exp-" + uuid.uuid4().hex[:8]
    assert hook(f, "annihilate --all", session) == "deny"
    assert hook(f, "frobnicate --x", session) == "ask"  # claude-code asks its own user
    assert hook(f, "ls -la", session) == "allow"  # a plain allow: no finding (activity is off)
    assert hook(f, f"annihilate --token {SECRET}", session) == "deny"
    got = wait_until(lambda: len(of_session(file_events(f["tmp"]), session)) >= 3
                     and len(of_session(f["otlp"].bodies(), session)) >= 3 and of_session(f["otlp"].bodies(), session), 30)
    in_file = of_session(file_events(f["tmp"]), session)
    assert got == in_file and len(in_file) == 3
    for ev in in_file:
        assert ocsf_errors(ev) == [], ocsf_errors(ev)
    deny, ask, secret = in_file
    assert (deny["disposition"], ask["disposition"], ask["action_id"]) == ("Blocked", "Asked", 0)
    assert deny["finding_info"]["analytic"]["uid"] == "test.deny-annihilate"
    assert deny["finding_info"]["title"] == "annihilate is never allowed"  # from the rules in force
    assert deny["severity_id"] == 5 and ask["severity_id"] == 3
    assert deny["unmapped"]["adr"]["host"] == "claude-code" and deny["unmapped"]["adr"]["agent"]
    assert deny["evidences"][0]["process"]["cmd_line"] == "annihilate --all"
    if f["rsyslog"]:
        msgs = wait_until(lambda: [json.loads(m["msg"]) for m in f["rsyslog"].messages()
                                   if json.loads(m["msg"])["metadata"]["correlation_uid"] == session], 30)
        assert msgs == in_file
    everything = (f["tmp"] / "ocsf.jsonl").read_text() + json.dumps(f["otlp"].bodies())
    if f["rsyslog"]:
        everything += f["rsyslog"].out.read_text()
    assert SECRET not in everything and "[REDACTED:" in json.dumps(secret)
    st = json.loads(adr(f["home"], "export", "status", "--json").stdout)
    assert st["daemon"] and set(st["sinks"]) == ({"file", "otlp", "syslog"} if f["rsyslog"] else {"file", "otlp"})
    assert all(s["state"] == "ok" and s["sent"] >= 3 and s["dropped"] == 0 for s in st["sinks"].values())
    text = adr(f["home"], "export", "status")
    assert text.returncode == 0 and "otlp" in text.stdout and "[ok]" in text.stdout and "sent" in text.stdout


def test_a_human_answer_and_an_alert_are_exported(fleet):
    f, session = fleet, "ans-" + uuid.uuid4().hex[:8]
    assert hook(f, "frobnicate --retry", session, host="codex") == "deny"  # codex cannot ask: adr approve ID
    (q,) = [x for x in json.loads(human(f["home"], "pending", "--json").stdout) if x["session"] == session]
    assert human(f["home"], "approve", q["id"]).returncode == 0  # the human, at a terminal of their own
    evs = wait_until(lambda: len(of_session(f["otlp"].bodies(), session)) >= 2 and of_session(f["otlp"].bodies(), session), 30)
    asked, approved = evs
    assert (asked["action_id"], asked["disposition"]) == (2, "Asked")
    assert (approved["action_id"], approved["disposition_id"], approved["disposition"]) == (1, 8, "Approved")
    assert approved["unmapped"]["adr"]["approval"]["channel"] == "terminal"
    assert approved["unmapped"]["adr"]["event"] == "approval"


def test_a_collector_that_goes_away_gets_every_event_exactly_once(fleet):
    f, session = fleet, "out-" + uuid.uuid4().hex[:8]
    f["otlp"].stop()
    for i in range(12):
        assert hook(f, f"annihilate --n{i}", session) == "deny"  # answered while the collector is down
    st = wait_until(lambda: (s := json.loads(adr(f["home"], "export", "status", "--json").stdout))["sinks"]["otlp"]
                    ["spooled"] >= 12 and s, 30)
    assert st["sinks"]["otlp"]["state"] == "retrying" and st["sinks"]["otlp"]["last_error"]
    assert len(of_session(file_events(f["tmp"]), session)) == 12  # the other sinks are not held up
    f["otlp"].start()
    got = wait_until(lambda: len(of_session(f["otlp"].bodies(), session)) >= 12 and of_session(f["otlp"].bodies(), session), 60)
    uids = [e["metadata"]["uid"] for e in got]
    assert len(uids) == 12 and len(set(uids)) == 12
    assert [e["evidences"][0]["process"]["cmd_line"] for e in got] == [f"annihilate --n{i}" for i in range(12)]
    assert got == of_session(file_events(f["tmp"]), session)


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
def test_the_spool_and_the_cursor_survive_a_daemon_restart(tmp_path):
    """Collector down, daemon stopped with events spooled, the hook judging in-process while it is
    down, daemon started again, collector back: everything arrives, exactly once."""
    otlp = OtlpReceiver().start()
    otlp.stop()
    home = make(tmp_path / "home", **export_cfg(tmp_path, otlp))
    f = {"home": home, "agent": agent_exe(tmp_path), "cwd": str(tmp_path), "tmp": tmp_path}
    d = Daemon(home).start()
    session = "rs-" + uuid.uuid4().hex[:8]
    try:
        for i in range(5):
            assert hook(f, f"annihilate --before{i}", session) == "deny"
        assert wait_until(lambda: len(of_session(file_events(tmp_path), session)) == 5, 30)
        d.stop()
        st = json.loads(adr(home, "export", "status", "--json").stdout)  # no daemon: what waits on disk
        assert not st["daemon"] and st["sinks"]["otlp"]["spooled"] == 5 and st["sinks"]["file"]["spooled"] == 0
        for i in range(3):  # daemon down: the hook evaluates in-process and writes the audit log itself
            assert hook(f, f"annihilate --down{i}", session) == "deny"
        assert [r["decided_by"] for r in records(home) if r.get("session") == session][-3:] == ["fallback"] * 3
        d = Daemon(home).start()
        for i in range(2):
            assert hook(f, f"annihilate --after{i}", session) == "deny"
        otlp.start()
        want = [f"annihilate --before{i}" for i in range(5)] + [f"annihilate --down{i}" for i in range(3)] + \
               [f"annihilate --after{i}" for i in range(2)]
        got = wait_until(lambda: len(of_session(otlp.bodies(), session)) >= 10 and of_session(otlp.bodies(), session), 60)
        assert [e["evidences"][0]["process"]["cmd_line"] for e in got] == want
        assert len({e["metadata"]["uid"] for e in got}) == 10
        assert [e["evidences"][0]["process"]["cmd_line"] for e in of_session(file_events(tmp_path), session)] == want
    finally:
        d.stop()
        otlp.stop()


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
def test_an_unclean_stop_is_an_alert_finding_and_activity_is_exported_when_asked_for(tmp_path):
    otlp = OtlpReceiver().start()
    home = make(tmp_path / "home", **export_cfg(tmp_path, otlp, activity=True))
    f = {"home": home, "agent": agent_exe(tmp_path), "cwd": str(tmp_path), "tmp": tmp_path}
    d = Daemon(home).start()
    session = "act-" + uuid.uuid4().hex[:8]
    try:
        assert hook(f, "ls -la", session) == "allow"
        write = {"session_id": session, "hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(tmp_path),
                 "tool_input": {"file_path": str(tmp_path / "notes.md"), "content": "private notes"}}
        assert decision_of(run_hook(home, f["agent"], "claude-code", write)) == "allow"
        got = wait_until(lambda: len(of_session(otlp.bodies(), session)) >= 2 and of_session(otlp.bodies(), session), 30)
        assert [(e["class_uid"], e["activity_id"]) for e in got] == [(1007, 1), (1001, 3)]
        assert all(ocsf_errors(e) == [] for e in got) and "private notes" not in json.dumps(got)
        d.proc.send_signal(signal.SIGKILL)  # crash: the next start raises "adr was not running cleanly"
        d.proc.wait(10)
        d = Daemon(home).start()
        alert = wait_until(lambda: [e for e in otlp.bodies() if e["class_uid"] == 2004
                                    and e["finding_info"]["types"][0] == "alert"], 60)
        assert len(alert) == 1, (alert, d.request(P.Request(op="call", target="export.status")).data,
                                 [(r.get("seq"), r.get("event"), r.get("kind")) for r in records(home)][-6:],
                                 d.log.read_text()[-3000:])
        (a,) = alert
        assert (a["disposition_id"], a["action_id"], a["finding_info"]["analytic"]["uid"]) == (19, 3, "adr.alert.daemon")
        assert ocsf_errors(a) == []
    finally:
        d.stop()
        otlp.stop()

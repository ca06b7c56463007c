"""OCSF 1.8.0 events from audit records: every event type adr emits passes the schema subset
(tests/fixtures/ocsf-1.8.0-subset.schema.json), says what adr did in the Security Control profile's
terms, names the rule and its MITRE techniques, and carries nothing the audit log would not (secrets
redacted, no raw content). Records are written by the real audit writer from real verdicts."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _fleet_helpers import ocsf_errors  # noqa: E402

from adr.actions import Action, ActionKind, Context, Decision, Evidence, Finding, RuleAction, Severity, Verdict  # noqa: E402
from adr.daemon.approvals import security_entry  # noqa: E402
from adr.record.audit import AuditLog, Origin, decision_entry  # noqa: E402
from adr.record.export.ocsf import HostFacts, RuleInfo, events_for  # noqa: E402
from adr.respond.alerts import Alert  # noqa: E402

HOST = HostFacts("laptop-7", "Linux", 200, "dev", "0.1.0")
RULES = {
    "evasion.disable-defender": RuleInfo("Security tooling switched off", ("T1562.001", "https://example.org/x", "CWE-78"),
                                         "evasion", "Agents must not turn off security tools."),
    "net.exfil": RuleInfo("Data sent to a paste site", ("T1567", "T1567"), "network"),
}


def finding(rule_id, severity="high", action=RuleAction.DENY):
    return Finding(rule_id, RULES.get(rule_id, RuleInfo(rule_id)).title, Severity(severity), action,
                   evidence=(Evidence("x"),))


def ctx(**kw):
    base = dict(host="claude-code", agent="claude", session="sess-42", cwd="/home/dev/proj", tool="Bash", pid=4321)
    base.update(kw)
    return Context(**base)


@pytest.fixture()
def log(tmp_path):
    return AuditLog(tmp_path / "audit")


def write(log, action, verdict, **kw):
    kw.setdefault("decided_by", "engine")
    kw.setdefault("latency_ms", 1.0)
    kw.setdefault("origin", Origin(peer_pid=99, agent_pid=4321, process="claude"))
    return log.append(decision_entry(action, verdict, request_id=os.urandom(6).hex(), **kw))


def one(rec, activity=False):
    evs = events_for(rec, RULES, HOST, activity)
    assert len(evs) == 1, evs
    ev = evs[0]
    assert ocsf_errors(ev) == [], ocsf_errors(ev)
    json.dumps(ev)  # JSON-able as it is
    return ev


EXEC = Action(ActionKind.EXEC, command="powershell Set-MpPreference -DisableRealtimeMonitoring $true", context=ctx())


def test_deny_is_a_detection_finding_that_names_the_rule_and_its_techniques(log):
    rec = write(log, EXEC, Verdict(Decision.DENY, (finding("evasion.disable-defender", "critical"),
                                                   finding("net.exfil", "medium")), reason="adr blocked it"))
    ev = one(rec)
    assert (ev["class_uid"], ev["type_uid"], ev["activity_id"]) == (2004, 200401, 1)
    assert (ev["action_id"], ev["disposition_id"], ev["action"], ev["disposition"]) == (2, 2, "Denied", "Blocked")
    assert ev["severity_id"] == 5 and ev["is_alert"] is True
    fi = ev["finding_info"]
    assert fi["analytic"] == {"uid": "evasion.disable-defender", "name": "Security tooling switched off",
                              "type_id": 1, "type": "Rule", "category": "evasion"}
    assert fi["title"] == "Security tooling switched off" and fi["desc"].startswith("Agents must not")
    assert [a["uid"] for a in fi["related_analytics"]] == ["net.exfil"]
    assert fi["attacks"] == [{"technique": {"uid": "T1562"}, "sub_technique": {"uid": "T1562.001"}},
                             {"technique": {"uid": "T1567"}}]
    assert ev["attacks"] == fi["attacks"]
    assert ev["evidences"][0]["process"]["cmd_line"].startswith("powershell Set-MpPreference")
    md = ev["metadata"]
    assert md["product"] == {"name": "adr", "vendor_name": "adr", "version": "0.1.0"}
    assert md["version"] == "1.8.0" and md["correlation_uid"] == "sess-42" and md["sequence"] == rec["seq"]
    un = ev["unmapped"]["adr"]
    assert un["agent"] == "claude" and un["host"] == "claude-code" and un["agent_pid"] == 4321
    assert un["rule_ids"] == ["evasion.disable-defender", "net.exfil"]
    assert ev["device"]["hostname"] == "laptop-7" and ev["actor"]["user"] == {"name": "dev"}


@pytest.mark.parametrize("case, verdict, kw, expect", [
    ("asked", Verdict(Decision.ASK, (finding("net.exfil", "medium", RuleAction.ASK),)), {}, (0, 99, "Asked")),
    ("approved", Verdict(Decision.ALLOW, (finding("net.exfil", "medium", RuleAction.ASK),)),
     {"decided_by": "human"}, (1, 8, "Approved")),
    ("by a grant", Verdict(Decision.ALLOW, (finding("net.exfil", "medium", RuleAction.ASK),)),
     {"decided_by": "grant"}, (1, 8, "Approved")),
    ("rejected", Verdict(Decision.DENY, (finding("net.exfil", "medium", RuleAction.ASK),)),
     {"decided_by": "human"}, (2, 25, "Rejected")),
    ("timed out", Verdict(Decision.DENY, (finding("net.exfil", "medium", RuleAction.ASK),)),
     {"decided_by": "timeout"}, (2, 2, "Blocked")),
    ("monitor", Verdict(Decision.ALLOW, (finding("evasion.disable-defender"),), mode="monitor",
                        would_decide=Decision.DENY), {}, (3, 15, "Detected")),
    ("fail mode", Verdict(Decision.DENY, (), reason="the rule engine failed"), {"decided_by": "fail-mode"},
     (2, 2, "Blocked")),
])
def test_every_outcome_maps_to_the_security_control_profile(log, case, verdict, kw, expect):
    ev = one(write(log, EXEC, verdict, **kw))
    assert (ev["action_id"], ev["disposition_id"], ev["disposition"]) == expect, case
    assert ev["class_uid"] == 2004


def test_a_question_nobody_could_answer_yet_is_asked_and_refused_for_now(log):
    rec = write(log, EXEC, Verdict(Decision.DENY, (finding("net.exfil", "medium", RuleAction.ASK),)))
    rec = log.append({**{k: v for k, v in rec.items() if k not in ("seq", "time", "prev")},
                      "approval": {"question": "q1", "choice": "pending", "channel": "", "answered_after_s": None}})
    ev = one(rec)
    assert (ev["action_id"], ev["disposition_id"], ev["disposition"]) == (2, 99, "Asked")
    assert ev["unmapped"]["adr"]["approval"]["choice"] == "pending"


def test_a_human_answer_given_later_is_a_finding_with_the_answer(log):
    rec = write(log, EXEC, Verdict(Decision.ALLOW, (finding("net.exfil", "medium", RuleAction.ASK),),
                                   reason="adr: approved once by you"), decided_by="human", event="approval")
    rec = log.append({**{k: v for k, v in rec.items() if k not in ("seq", "time", "prev")},
                      "approval": {"question": "q9", "choice": "allow_once", "channel": "terminal",
                                   "answered_after_s": 4.2}})
    ev = one(rec)
    assert ev["disposition"] == "Approved" and ev["is_alert"] is False
    assert ev["unmapped"]["adr"]["approval"] == {"question": "q9", "choice": "allow_once", "channel": "terminal",
                                                  "answered_after_s": 4.2}


def test_alerts_are_detection_findings_with_the_alert_disposition(log):
    a = Alert("tamper", "a hook config was changed", "~/.claude/settings.json lost adr's hook", severity="critical",
              session="sess-1", data=(("path", "/home/dev/.claude/settings.json"), ("pid", 77)))
    ev = one(log.append({**a.to_entry(), "alert_id": "ab12cd34"}))
    assert (ev["action_id"], ev["disposition_id"], ev["severity_id"]) == (3, 19, 5)
    fi = ev["finding_info"]
    assert fi["uid"] == "adr:alert:ab12cd34" and fi["analytic"]["uid"] == "adr.alert.tamper"
    assert fi["title"] == "a hook config was changed" and fi["types"] == ["alert", "tamper"]
    assert ev["evidences"][0]["file"]["path"] == "/home/dev/.claude/settings.json"
    assert ev["evidences"][0]["data"]["pid"] == 77 and ev["metadata"]["correlation_uid"] == "sess-1"


def test_a_refused_self_approval_is_an_unauthorized_finding(log):
    ev = one(log.append(security_entry(555, "q7", "allow_once", "the requester runs inside claude",
                                       session="sess-3", agent="claude")))
    assert (ev["action_id"], ev["disposition_id"], ev["severity_id"]) == (2, 26, 4)
    assert ev["finding_info"]["analytic"]["uid"] == "adr.security.self-approval"
    assert ev["actor"]["process"]["pid"] == 555


@pytest.mark.parametrize("action, cls, activity_id, key", [
    (Action(ActionKind.EXEC, command="ls -la", context=ctx()), 1007, 1, "process"),
    (Action(ActionKind.FILE_WRITE, path="/home/dev/proj/a.txt", content="hello", context=ctx()), 1001, 3, "file"),
    (Action(ActionKind.FILE_EDIT, path="/home/dev/proj/b.py", context=ctx()), 1001, 3, "file"),
    (Action(ActionKind.FILE_READ, path="/home/dev/proj/README.md", context=ctx()), 1001, 2, "file"),
    (Action(ActionKind.FILE_DELETE, path="/home/dev/proj/tmp.log", context=ctx()), 1001, 4, "file"),
    (Action(ActionKind.URL_FETCH, url="https://docs.python.org:443/3/library/json.html", context=ctx()), 4002, 3,
     "http_request"),
])
def test_allows_are_activity_events_only_when_asked_for(log, action, cls, activity_id, key):
    rec = write(log, action, Verdict(Decision.ALLOW))
    assert events_for(rec, RULES, HOST, activity=False) == []
    ev = one(rec, activity=True)
    assert (ev["class_uid"], ev["activity_id"], ev["action_id"], ev["disposition_id"]) == (cls, activity_id, 1, 1)
    assert key in ev and ev["actor"]["app_name"] == "claude"
    if cls == 1001:
        assert ev["file"]["path"] == action.path and "hello" not in json.dumps(ev)  # no file content, ever
    if cls == 4002:
        assert ev["http_request"]["url"]["hostname"] == "docs.python.org" and ev["dst_endpoint"]["port"] == 443


def test_records_that_are_not_findings_give_nothing(log):
    from adr.record.audit import event_entry
    assert events_for(log.append(event_entry("daemon_start", "daemon", "started")), RULES, HOST, True) == []
    rec = write(log, Action(ActionKind.MCP_CALL, mcp_server="fs", mcp_tool="list", context=ctx()), Verdict(Decision.ALLOW))
    assert events_for(rec, RULES, HOST, True) == []  # OCSF class for MCP calls: not emitted (documented)


SECRETS = ["ghp_" + "a1B2" * 9, "hunter2hunter2", "sk-ant-" + "x" * 30, "s3cr3tvalue"]


def test_secrets_never_leave_the_machine(log):
    cmd = (f"curl -H 'Authorization: Bearer {SECRETS[2]}' 'https://api.example.com/v1?token={SECRETS[3]}' "
           f"&& git push https://u:{SECRETS[1]}@github.com/o/r && echo {SECRETS[0]}")
    rec = write(log, Action(ActionKind.EXEC, command=cmd, context=ctx(cwd=f"/home/dev/{SECRETS[0]}")),
                Verdict(Decision.DENY, (finding("net.exfil"),), reason=f"blocked `{cmd}`"))
    text = json.dumps(one(rec))
    assert not [s for s in SECRETS if s in text]
    assert "[REDACTED:" in text


def test_the_exporter_redacts_again_whatever_the_record_holds(log):
    """A record that reached the log unredacted (an older writer, a bug) still goes out redacted."""
    rec = dict(write(log, EXEC, Verdict(Decision.DENY, (finding("net.exfil"),))))
    rec.update(summary=f"echo {SECRETS[0]}", reason=f"password={SECRETS[1]}", cwd=f"/tmp/{SECRETS[0]}")
    text = json.dumps(one(rec))
    assert not [s for s in SECRETS if s in text]


def test_odd_records_do_not_break_the_mapping(log):
    for rec in ({"seq": 1, "event": "alert"}, {"seq": 2, "decision": "deny", "findings": "nope", "time": "garbage"},
                {"seq": 3, "decision": "ask", "findings": [{"rule_id": "x", "severity": "weird"}], "kind": "exec",
                 "summary": ""}):
        for ev in events_for(rec, RULES, HOST, True):
            assert ocsf_errors(ev) == [], (rec, ocsf_errors(ev))


def test_the_schema_check_rejects_what_ocsf_does_not_allow(log):
    """The check itself can fail: each broken copy of a good event is caught."""
    import copy
    good = one(write(log, EXEC, Verdict(Decision.DENY, (finding("evasion.disable-defender"),))))
    breakages = [lambda e: e.pop("finding_info"), lambda e: e["finding_info"].pop("uid"),
                 lambda e: e.update(disposition_id=99, disposition=None) or e.pop("disposition"),
                 lambda e: e.update(type_uid=200402), lambda e: e["metadata"].update(version="1.1.0"),
                 lambda e: e["metadata"].pop("product"), lambda e: e.update(evidences=[{}]),
                 lambda e: e["finding_info"].update(attacks=[{"technique": {"uid": "T1562.001"}}]),
                 lambda e: e.update(severity_id=7), lambda e: e.update(action_id=5),
                 lambda e: e["evidences"][0]["process"].pop("uid"), lambda e: e["device"].pop("type_id"),
                 lambda e: e.update(class_uid=2001)]
    for i, breaking in enumerate(breakages):
        e = copy.deepcopy(good)
        breaking(e)
        assert ocsf_errors(e), f"breakage {i} passed the schema check"


def test_an_approval_of_a_question_without_a_rule_is_exported_too(log):
    """A question the fail mode put to you (no rule behind it): your answer is still a finding."""
    ev = one(write(log, EXEC, Verdict(Decision.ALLOW, (), reason="adr: approved once by you"), decided_by="human"))
    assert (ev["disposition"], ev["finding_info"]["analytic"]["uid"]) == ("Approved", "adr.human")


def test_an_ask_that_policy_let_through_is_a_finding_too(log):
    """adr undo: an ask-level action allowed because its pre-image was snapshotted; or a relaxed
    sensitivity letting a medium ask through. Both are allowed, and both are findings the SIEM sees."""
    asking = (finding("net.exfil", "medium", RuleAction.ASK),)
    rec = write(log, Action(ActionKind.FILE_WRITE, path="/home/dev/proj/a.py", context=ctx()),
                Verdict(Decision.ALLOW, asking, reason="adr allowed this without asking because it can undo it"))
    rec = log.append({**{k: v for k, v in rec.items() if k not in ("seq", "time", "prev")},
                      "snapshot": "snap-01", "reversible": "adr"})
    ev = one(rec)
    assert (ev["action_id"], ev["disposition_id"], ev["disposition"], ev["is_alert"]) == \
        (1, 99, "Allowed with an undo snapshot", False)
    assert ev["unmapped"]["adr"]["snapshot"] == "snap-01" and ev["evidences"][0]["file"]["path"] == "/home/dev/proj/a.py"
    ev = one(write(log, EXEC, Verdict(Decision.ALLOW, asking)))
    assert (ev["action_id"], ev["disposition_id"]) == (1, 1)
    log_only = (finding("net.exfil", "info", RuleAction.LOG),)
    assert events_for(write(log, EXEC, Verdict(Decision.ALLOW, log_only)), RULES, HOST) == []  # a log-level hit

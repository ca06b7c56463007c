"""Audit records → OCSF 1.8.0 events (https://schema.ocsf.io), for the organisation's SIEM.

Built only from the audit record the daemon already wrote — redacted there, and redacted once more here
(idempotent) — never from the action itself: run records and raw content never leave the machine.

- every ask, deny, human answer (approved / rejected / timed out), monitor-mode "would have", ask
  that policy let through (with an undo snapshot, or by sensitivity) and refused self-approval, and
  every alert → **Detection Finding** (class 2004, activity Create), with
  the Security Control profile's action_id / disposition_id saying what adr did, `finding_info` naming
  the rule (analytic = the rule, attacks from its MITRE ATT&CK references), `evidences` holding the
  redacted command / path / URL / process, `metadata.correlation_uid` = the agent session;
- with `export.activity: true`, every plain allow of a command, file or URL → **Process Activity**
  (1007, Launch), **File System Activity** (1001) or **HTTP Activity** (4002, Get);
- the agent and its host integration go under `unmapped.adr` (OCSF 1.8.0 has no AI-agent object).

One audit record gives at most one event; records of other kinds (daemon start/stop …) give none.
"""
from __future__ import annotations

import getpass
import platform
import re
import socket
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Mapping

from adr.record.redact import redact

OCSF_VERSION = "1.8.0"
PRODUCT = "adr"

SEVERITY_ID = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
SEVERITY_NAME = {0: "Unknown", 1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical", 6: "Fatal"}
# security_control profile: action_id and disposition_id (captions as in the schema)
ALLOWED, DENIED, OBSERVED, UNKNOWN_ACTION = 1, 2, 3, 0
ACTION_NAME = {0: "Unknown", 1: "Allowed", 2: "Denied", 3: "Observed", 4: "Modified", 99: "Other"}
D_ALLOWED, D_BLOCKED, D_APPROVED, D_DETECTED, D_LOGGED, D_ALERT, D_REJECTED, D_UNAUTHORIZED, D_OTHER = \
    1, 2, 8, 15, 17, 19, 25, 26, 99
DISPOSITION_NAME = {1: "Allowed", 2: "Blocked", 8: "Approved", 15: "Detected", 17: "Logged", 19: "Alert",
                    25: "Rejected", 26: "Unauthorized"}
ASKED = "Asked"  # disposition 99 (Other): the action waits for the human; OCSF has no caption for it
UNDOABLE = "Allowed with an undo snapshot"  # disposition 99 (Other): allowed because adr can take it back

DETECTION_FINDING, PROCESS_ACTIVITY, FILE_ACTIVITY, HTTP_ACTIVITY = 2004, 1007, 1001, 4002
CLASS = {DETECTION_FINDING: ("Detection Finding", 2, "Findings"),
         PROCESS_ACTIVITY: ("Process Activity", 1, "System Activity"),
         FILE_ACTIVITY: ("File System Activity", 1, "System Activity"),
         HTTP_ACTIVITY: ("HTTP Activity", 4, "Network Activity")}
FILE_ACTIVITY_ID = {"file_write": (3, "Update"), "file_edit": (3, "Update"), "file_read": (2, "Read"),
                    "file_delete": (4, "Delete")}
FILE_PREFIX = {"file_write": "file write ", "file_edit": "file edit ", "file_read": "file read ",
               "file_delete": "file delete "}
_MITRE = re.compile(r"^(T\d{4})(?:\.(\d{3}))?$")
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class RuleInfo:
    """What the exporter knows of a rule beyond its id (from the loaded packs)."""

    title: str
    references: tuple[str, ...] = ()
    pack: str = ""
    description: str = ""


@dataclass(frozen=True)
class HostFacts:
    hostname: str
    os_name: str
    os_type_id: int
    user: str
    version: str

    @staticmethod
    def here() -> "HostFacts":
        system = platform.system()
        try:
            user = getpass.getuser()
        except Exception:  # no passwd entry (containers): the record still goes out
            user = ""
        try:
            from importlib.metadata import version
            v = version("adr")
        except Exception:
            v = "0"
        return HostFacts(socket.gethostname(), system or "Unknown",
                         {"Windows": 100, "Linux": 200, "Darwin": 300}.get(system, 0), user, v)


def events_for(rec: Mapping[str, Any], rules: Mapping[str, RuleInfo], host: HostFacts,
               activity: bool = False) -> list[dict[str, Any]]:
    """The OCSF events (zero or one) for one audit record."""
    event = rec.get("event")
    if event == "alert":
        return [_alert(rec, host)]
    if event == "security":
        return [_finding(rec, rules, host, (DENIED, D_UNAUTHORIZED, ""), True)]
    if event in ("daemon_start", "daemon_stop") or rec.get("decision") not in ("allow", "ask", "deny"):
        return []
    out = outcome(rec)
    if out is not None:
        return [_finding(rec, rules, host, out, out[0] != ALLOWED)]
    if activity:
        ev = _activity(rec, host)
        return [ev] if ev is not None else []
    return []


def outcome(rec: Mapping[str, Any]) -> "tuple[int, int, str] | None":
    """(action_id, disposition_id, disposition text for Other) for a decision that is a finding; None
    for a plain allow."""
    decision, by = rec.get("decision"), rec.get("decided_by")
    choice = (rec.get("approval") or {}).get("choice") if isinstance(rec.get("approval"), dict) else None
    if choice == "pending":  # nobody could be asked here: refused until the human runs `adr approve`
        return DENIED, D_OTHER, ASKED
    if decision == "deny":
        return (DENIED, D_REJECTED, "") if by == "human" else (DENIED, D_BLOCKED, "")
    if decision == "ask":
        return UNKNOWN_ACTION, D_OTHER, ASKED  # the host asks its user; adr does not learn the answer
    if by == "human" or rec.get("findings") and by == "grant":  # your answer, now or as a standing grant
        return ALLOWED, D_APPROVED, ""
    if rec.get("mode") == "monitor" and rec.get("would_decide") in ("ask", "deny"):
        return OBSERVED, D_DETECTED, ""
    if any(isinstance(f, dict) and f.get("action") in ("ask", "deny") for f in rec.get("findings") or []):
        # a rule asked, and policy let it through: with a snapshot `adr undo` can take back, or by sensitivity
        return (ALLOWED, D_OTHER, UNDOABLE) if rec.get("snapshot") else (ALLOWED, D_ALLOWED, "")
    return None


# ---- building blocks ------------------------------------------------------------------------------

def _text(value: Any, limit: int = TEXT_LIMIT) -> str:
    return _redacted(str(value or ""), limit)


@lru_cache(maxsize=4096)
def _redacted(text: str, limit: int) -> str:
    """redact(), remembered: sessions, agents, working directories and commands repeat a lot."""
    return redact(text, limit)


def _ms(iso: Any) -> int:
    try:
        return int(datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return 0


def _base(rec: Mapping[str, Any], host: HostFacts, class_uid: int, activity: tuple[int, str],
          severity_id: int, action: tuple[int, int, str]) -> dict[str, Any]:
    name, cat, cat_name = CLASS[class_uid]
    t = _ms(rec.get("time"))
    action_id, disposition_id, other = action
    ev: dict[str, Any] = {
        "class_uid": class_uid, "class_name": name, "category_uid": cat, "category_name": cat_name,
        "activity_id": activity[0], "activity_name": activity[1],
        "type_uid": class_uid * 100 + activity[0], "type_name": f"{name}: {activity[1]}",
        "time": t, "severity_id": severity_id, "severity": SEVERITY_NAME[severity_id],
        "action_id": action_id, "action": ACTION_NAME[action_id],
        "disposition_id": disposition_id, "disposition": other or DISPOSITION_NAME[disposition_id],
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": PRODUCT, "vendor_name": PRODUCT, "version": host.version},
            "uid": f"{rec.get('id', '')}.{rec.get('seq', '')}",
            "sequence": rec.get("seq") if isinstance(rec.get("seq"), int) else 0,
            "correlation_uid": _text(rec.get("session"), 200),
            "log_name": "adr audit log", "logged_time": t,
            "profiles": ["security_control", "host"],
        },
        "device": {"hostname": host.hostname, "name": host.hostname, "type_id": 0, "type": "Unknown",
                   "os": {"name": host.os_name, "type_id": host.os_type_id}},
        "unmapped": {"adr": _unmapped(rec)},
    }
    actor = _actor(rec, host)
    if actor:
        ev["actor"] = actor
    message = _text(rec.get("reason") or rec.get("summary"), 1000)
    if message:
        ev["message"] = message
    return ev


def _unmapped(rec: Mapping[str, Any]) -> dict[str, Any]:
    """The agent and its host integration (OCSF 1.8.0 has no object for an AI agent), and adr's own terms."""
    out: dict[str, Any] = {k: _text(rec.get(k), 300) for k in ("agent", "host", "tool", "kind", "event",
                                                                  "decision", "decided_by", "mode", "cwd")
                           if rec.get(k)}
    for k in ("agent_pid", "peer_pid", "seq"):
        if isinstance(rec.get(k), int):
            out["audit_seq" if k == "seq" else k] = rec[k]
    if rec.get("would_decide"):
        out["would_decide"] = str(rec["would_decide"])
    rule_ids = [str(f.get("rule_id")) for f in rec.get("findings") or [] if isinstance(f, dict)]
    if rule_ids:
        out["rule_ids"] = rule_ids
    for k in ("snapshot", "reversible"):  # adr undo: the snapshot taken before the action, who can undo it
        if isinstance(rec.get(k), str) and rec[k]:
            out[k] = rec[k][:100]
    appr = rec.get("approval")
    if isinstance(appr, dict):
        out["approval"] = {k: appr[k] for k in ("question", "choice", "channel", "answered_after_s") if k in appr}
    return out


def _actor(rec: Mapping[str, Any], host: HostFacts) -> dict[str, Any]:
    actor: dict[str, Any] = {}
    proc = {}
    if rec.get("process"):
        proc["name"] = _text(rec["process"], 200)
    pid = rec.get("agent_pid") if isinstance(rec.get("agent_pid"), int) else rec.get("peer_pid")
    if isinstance(pid, int):
        proc["pid"] = pid
    if proc.get("pid") is not None:
        actor["process"] = proc
    if rec.get("agent"):
        actor["app_name"] = _text(rec["agent"], 100)
    if host.user:
        actor["user"] = {"name": host.user}
    return actor


def _subject(rec: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The evidence object for what the agent tried: ("process" | "file" | "url" | "data", object)."""
    kind, summary = str(rec.get("kind") or ""), _text(rec.get("summary"), 1000)
    if kind == "exec":
        proc: dict[str, Any] = {"cmd_line": summary, "uid": str(rec.get("id", "")) or "-"}
        words = summary.split()
        if words:
            proc["name"] = words[0].rsplit("/", 1)[-1][:200]
        return "process", proc
    if kind in FILE_PREFIX:
        path = summary[len(FILE_PREFIX[kind]):] if summary.startswith(FILE_PREFIX[kind]) else summary
        return "file", {"name": path.rsplit("/", 1)[-1] or path, "path": path, "type_id": 1, "type": "Regular File"}
    if kind == "url_fetch":
        return "url", _url(summary[6:] if summary.startswith("fetch ") else summary)
    return "data", {"kind": kind, "summary": summary}


def _url(text: str) -> dict[str, Any]:
    from urllib.parse import urlsplit
    u: dict[str, Any] = {"url_string": text}
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return u
    if parts.scheme:
        u["scheme"] = parts.scheme
    if parts.hostname:
        u["hostname"] = parts.hostname
    if parts.path:
        u["path"] = parts.path
    if port:
        u["port"] = port
    return u


def _attacks(refs: "list[str]") -> list[dict[str, Any]]:
    out, seen = [], set()
    for ref in refs:
        m = _MITRE.match(ref.strip())
        if not m or ref in seen:
            continue
        seen.add(ref)
        a: dict[str, Any] = {"technique": {"uid": m.group(1)}}
        if m.group(2):
            a["sub_technique"] = {"uid": ref.strip()}
        out.append(a)
    return out


def _finding(rec: Mapping[str, Any], rules: Mapping[str, RuleInfo], host: HostFacts,
             action: tuple[int, int, str], is_alert: bool) -> dict[str, Any]:
    findings = [f for f in rec.get("findings") or [] if isinstance(f, dict) and f.get("rule_id")]
    order = sorted(findings, key=lambda f: -SEVERITY_ID.get(str(f.get("severity")), 0))
    if order:
        sev = SEVERITY_ID.get(str(order[0].get("severity")), 3)
    else:
        sev = 4 if rec.get("event") == "security" else 3

    def analytic(f: Mapping[str, Any]) -> dict[str, Any]:
        rid = str(f["rule_id"])
        info = rules.get(rid)
        a = {"uid": rid, "name": info.title if info else rid, "type_id": 1, "type": "Rule"}
        if info and info.pack:
            a["category"] = info.pack
        return a

    if order:
        primary = analytic(order[0])
        title = primary["name"]
    else:  # no rule: fail mode, a time budget, a refused self-approval
        uid = "adr.security." + str(rec.get("security") or "refused") if rec.get("event") == "security" \
            else "adr." + str(rec.get("decided_by") or "decision")
        title = _text(rec.get("summary") if rec.get("event") == "security" else rec.get("reason"), 200) or uid
        primary = {"uid": uid, "name": title, "type_id": 99, "type": "adr"}
    refs: list[str] = []
    for f in order:
        info = rules.get(str(f["rule_id"]))
        refs += list(info.references) if info else []
    attacks = _attacks(refs)
    kind, subject = _subject(rec)
    evidence: dict[str, Any] = {kind: subject}
    if rec.get("process") or rec.get("agent"):
        evidence["actor"] = _actor(rec, host)
    info: dict[str, Any] = {"uid": f"adr:{rec.get('id') or rec.get('seq')}", "title": title, "analytic": primary,
                            "created_time": _ms(rec.get("time")), "types": [str(rec.get("kind") or "decision")]}
    desc = rules.get(primary["uid"])
    if desc and desc.description:
        info["desc"] = _text(desc.description, 1000)
    if len(order) > 1:
        info["related_analytics"] = [analytic(f) for f in order[1:]]
    if attacks:
        info["attacks"] = attacks
    ev = _base(rec, host, DETECTION_FINDING, (1, "Create"), sev, action)
    ev.update(finding_info=info, evidences=[evidence], is_alert=is_alert, status_id=1, status="New",
              confidence_id=3 if order else 2, confidence="High" if order else "Medium")
    if attacks:
        ev["attacks"] = attacks  # the Security Control profile's copy (the schema asks for both)
    return ev


def _alert(rec: Mapping[str, Any], host: HostFacts) -> dict[str, Any]:
    kind = str(rec.get("kind") or "alert")
    sev = SEVERITY_ID.get(str(rec.get("severity")), 4)
    data = rec.get("alert") if isinstance(rec.get("alert"), dict) else {}
    ev_data: dict[str, Any] = {"kind": kind}
    for k, v in data.items():
        ev_data[str(k)[:64]] = _text(v, 500) if isinstance(v, str) else v
    evidence: dict[str, Any] = {"data": ev_data}
    path = data.get("path")
    if isinstance(path, str) and path:
        p = _text(path, 500)
        evidence["file"] = {"name": p.rsplit("/", 1)[-1] or p, "path": p, "type_id": 1, "type": "Regular File"}
    title = _text(rec.get("summary"), 300) or kind
    info = {"uid": f"adr:alert:{rec.get('alert_id') or rec.get('id')}", "title": title,
            "analytic": {"uid": f"adr.alert.{kind}", "name": f"adr {kind} alert", "type_id": 99, "type": "adr alert"},
            "created_time": _ms(rec.get("time")), "types": ["alert", kind]}
    ev = _base(rec, host, DETECTION_FINDING, (1, "Create"), sev, (OBSERVED, D_ALERT, ""))
    ev.update(finding_info=info, evidences=[evidence], is_alert=True, status_id=1, status="New")
    return ev


def _activity(rec: Mapping[str, Any], host: HostFacts) -> "dict[str, Any] | None":
    kind = str(rec.get("kind") or "")
    logged = bool(rec.get("findings"))  # log-level findings only (anything more is a finding above)
    action = (ALLOWED, D_LOGGED if logged else D_ALLOWED, "")
    _, subject = _subject(rec)
    if kind == "exec":
        ev = _base(rec, host, PROCESS_ACTIVITY, (1, "Launch"), 1, action)
        ev["process"] = subject
    elif kind in FILE_ACTIVITY_ID:
        ev = _base(rec, host, FILE_ACTIVITY, FILE_ACTIVITY_ID[kind], 1, action)
        ev["file"] = subject
    elif kind == "url_fetch":
        ev = _base(rec, host, HTTP_ACTIVITY, (3, "Get"), 1, action)
        ev["http_request"] = {"http_method": "GET", "url": subject}
        ev["dst_endpoint"] = {"hostname": subject.get("hostname") or "unknown",
                              **({"port": subject["port"]} if subject.get("port") else {})}
    else:
        return None
    ev.setdefault("actor", _actor(rec, host) or {"app_name": "unknown"})
    return ev

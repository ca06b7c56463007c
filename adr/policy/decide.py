"""Policy: what to do about findings. Mode, sensitivity, and the words the human and the agent see.

The engine says what it found; policy decides. Sensitivity moves decisions by severity:
strict asks more and denies high-severity asks; relaxed only denies critical findings and lets
medium-or-lower asks through (recorded). Monitor mode decides, records, and allows everything.
"""
from __future__ import annotations

from dataclasses import replace

from adr.actions import Decision, Evidence, Finding, RuleAction, Severity, Verdict
from adr.config import Settings
from adr.display import visible


def effective_action(f: Finding, sensitivity: str) -> RuleAction:
    a, sev = f.action, f.severity.rank
    if sensitivity == "strict":
        if a is RuleAction.ASK and sev >= Severity.HIGH.rank:
            return RuleAction.DENY
        if a is RuleAction.LOG and sev >= Severity.MEDIUM.rank:
            return RuleAction.ASK
    elif sensitivity == "relaxed":
        if a is RuleAction.DENY and sev < Severity.CRITICAL.rank:
            return RuleAction.ASK
        if a is RuleAction.ASK and sev <= Severity.MEDIUM.rank:
            return RuleAction.LOG
    return a


def _ordered(findings: tuple[Finding, ...], sensitivity: str) -> list[Finding]:
    return sorted(findings, key=lambda f: (-effective_action(f, sensitivity).to_decision().rank, -f.severity.rank))


def decide(findings: tuple[Finding, ...], settings: Settings | None = None, *, note: str = "") -> Verdict:
    settings = settings or Settings()
    ordered = _ordered(findings, settings.sensitivity)
    decision = Decision.strongest([effective_action(f, settings.sensitivity).to_decision() for f in ordered])
    reason, agent_reason = explain(decision, ordered, note)
    if settings.mode == "monitor":
        return Verdict(Decision.ALLOW, tuple(ordered), reason, "", mode="monitor", would_decide=decision)
    return Verdict(decision, tuple(ordered), reason, agent_reason)


def explain(decision: Decision, ordered: list[Finding], note: str = "") -> tuple[str, str]:
    """(reason for the human, short reason for the agent)."""
    suffix = f" {note}" if note else ""
    if decision is Decision.ALLOW:
        logged = [f.rule_id for f in ordered]
        return ("no risk found" + (f" (recorded: {', '.join(logged[:5])})" if logged else "") + suffix, "")
    top = ordered[0]
    ev = top.evidence[0] if top.evidence else None
    what = ""
    if ev is not None:
        shown = ev.subject or ev.matched
        # the agent's own words, in a reason the host shows the human (its terminal UI): hidden characters shown
        what = f": `{_clip(visible(shown), 120)}`"
        if ev.note:
            what += f" ({_clip(visible(ev.note), 10_000)})"
    others = [f.rule_id for f in ordered[1:] if f.decision() is not Decision.ALLOW]
    more = f"; also {', '.join(others[:4])}" if others else ""
    verb = "blocked" if decision is Decision.DENY else "needs your approval"
    how = (f"If you want it anyway, run it yourself, or add {top.rule_id} to disabled_rules in adr's "
           f"config.yaml." if decision is Decision.DENY else
           "Approve or deny it when asked: adr's notification (or `adr pending` in your own terminal), "
           "or the agent's own prompt.")
    human = f"adr {verb}: {top.title} [{top.rule_id}, {top.severity.value}]{what}{more}. {how}{suffix}"
    if decision is Decision.DENY:
        agent = (f"Blocked by adr policy ({top.rule_id}): {top.title}. This action is not allowed; do not try "
                 f"to achieve it another way. Tell the user what you wanted to do and why.{suffix}")
    else:
        agent = f"adr asks the user to approve this ({top.rule_id}): {top.title}.{suffix}"
    return human, agent


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def tighten(verdict: Verdict, decision: Decision, rule_id: str, title: str, why: str,
            severity: Severity = Severity.HIGH, subject: str = "") -> Verdict:
    """A stronger verdict because of session state the engine does not have (lockdown, a quota, taint):
    the reason becomes a policy finding, so the human's question, grants and the audit record all name
    it like any rule. Never weakens: a verdict at or above `decision` is returned unchanged."""
    if decision.rank <= verdict.decision.rank or verdict.mode == "monitor":
        return verdict
    action = RuleAction.DENY if decision is Decision.DENY else RuleAction.ASK
    f = Finding(rule_id, title, severity, action, (Evidence(subject=subject[:500], field="session", note=why),),
                why, (), ("policy",), "policy")
    findings = (f,) + verdict.findings
    reason, agent = explain(decision, list(findings))
    return replace(verdict, decision=decision, findings=findings, reason=reason, agent_reason=agent)

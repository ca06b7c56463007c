"""Cost of error: an action adr can take back fully need not interrupt the human.

When `undo_relaxes` is on (adr/config.py: by default unless sensitivity is strict), an action whose
verdict is ask, whose asking findings are *all* reversible by adr (`reversible: adr` in the rule)
and whose targets adr will snapshot completely, is allowed with a snapshot instead — and the reason
says how to take it back. Nothing else is relaxed: a deny-level finding, a finding the user alone can
undo (git history), an irreversible one (remote deletes, force pushes, data sent away, dropped
databases) or one whose rule does not say; a session another component flagged (tainted, locked
down); monitor mode (which allows anyway).

Pure: the caller (the daemon's undo component) knows the targets and the session's flags.
"""
from __future__ import annotations

from dataclasses import replace

from adr.actions import Decision, Finding, Reversible, RuleAction, Verdict
from adr.config import Settings, undo_relaxes
from adr.policy.decide import effective_action

RELAXED = "undo"  # the audit record's `relaxed` field when this policy allowed an ask


def asking_findings(verdict: Verdict, settings: Settings) -> list[Finding]:
    return [f for f in verdict.findings if effective_action(f, settings.sensitivity) is not RuleAction.LOG]


def relaxable(verdict: Verdict, settings: Settings, *, flags: "tuple[str, ...]" = ()) -> bool:
    """May this verdict become allow-with-a-snapshot (given that the snapshot will be complete)?"""
    if not undo_relaxes(settings) or flags:
        return False
    if verdict.decision is not Decision.ASK or verdict.mode == "monitor":
        return False
    asking = asking_findings(verdict, settings)
    if not asking:
        return False
    return all(effective_action(f, settings.sensitivity) is RuleAction.ASK and f.reversible is Reversible.ADR
               for f in asking)


def relaxed(verdict: Verdict, settings: Settings, event_id: str) -> Verdict:
    """The allow that replaces an ask: the same findings, and a reason that says how to undo."""
    rules = ", ".join(dict.fromkeys(f.rule_id for f in asking_findings(verdict, settings)))
    how = f"adr undo {event_id}" if event_id else "adr undo --session <this session>"
    human = (f"adr allowed this without asking because it can undo it ({rules}): what it changes was "
             f"snapshotted first. To take it back: `{how}`.")
    agent = (f"Allowed by adr with a snapshot ({rules}); the user can take it back with `{how}`.")
    return replace(verdict, decision=Decision.ALLOW, reason=human, agent_reason=agent)


def weakest(verdict: Verdict, settings: Settings) -> Reversible | None:
    """Who can undo this action if its asking findings are right: the weakest of them (no < unknown <
    user < adr); None when nothing asked."""
    order = [Reversible.NO, Reversible.UNKNOWN, Reversible.USER, Reversible.ADR]
    asking = asking_findings(verdict, settings)
    if not asking:
        return None
    return min((f.reversible for f in asking), key=order.index)


def not_fully_undoable(verdict: Verdict, why: str) -> Verdict:
    """Say in the verdict that the snapshot is incomplete (what the human and the log see)."""
    note = f"(adr could not snapshot everything this changes, so it is not fully undoable: {why})"
    return replace(verdict, reason=f"{verdict.reason} {note}".strip(),
                   agent_reason=f"{verdict.agent_reason} {note}".strip() if verdict.agent_reason else verdict.agent_reason)

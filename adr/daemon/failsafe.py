"""What to answer when nothing could evaluate an action. Stdlib only (the hook client uses it).

Principle: fail safe, not shut — but when even the in-process engine fails, the configured fail
mode applies, and the answer says so and how to fix it.
"""
from __future__ import annotations

from adr.actions import Decision, Verdict
from adr.programs import start_hint

FIX_HINT = start_hint()  # `make run` in a checkout, `adr service start` in an installed adr


def fail_decision(fail_mode: str, can_ask: bool) -> Decision:
    """ask where the host can ask (else deny); deny; or allow when the user chose that."""
    if fail_mode == "allow":
        return Decision.ALLOW
    if fail_mode == "ask" and can_ask:
        return Decision.ASK
    return Decision.DENY


def fail_verdict(fail_mode: str, can_ask: bool, problem: str, hint: str = FIX_HINT) -> Verdict:
    decision = fail_decision(fail_mode, can_ask)
    reason = f"adr could not evaluate this action: {problem}. Fail mode {fail_mode!r} → {decision.value}. To fix: {hint}."
    return Verdict(decision=decision, reason=reason,
                   agent_reason=f"adr could not evaluate this action ({problem}); fail mode {fail_mode!r} applied. "
                                f"Ask the user to fix it: {hint}.")


def unanswered_verdict(asked: dict) -> Verdict:
    """What a hook answers when the human was asked and no answer reached it in time: never run it."""
    qid = str(asked.get("question", ""))[:16]
    return Verdict(Decision.DENY,
                   reason=f"adr asked you (question {qid}) but no answer reached this hook in time: denied.",
                   agent_reason="adr asked the user to approve this and got no answer in time, so it was not "
                                "run. Tell the user what you want to do and why.")

"""Pending questions: when the rules say "ask", the daemon asks the human — never the agent.

The hook's connection waits on a pending question for at most `approval_timeout` seconds (always
shorter than the host's `hook_timeout`: a hook the host kills lets the action run). The question
goes to the desktop channel picked at start-up (notification with buttons, or a dialog) and is
listed for the terminal (`adr pending`, `adr approve ID`, `adr deny ID`); the first answer wins.
Identical pending actions (same fingerprint, host and session) share one question.

- No answer in time → deny, recorded as "timed out"; nothing is granted.
- No desktop channel (headless) → the host's own question where it has one; otherwise deny with
  a message naming `adr approve ID`: the question stays open for DETACHED_TTL, and approving it
  leaves a grant for the agent's retry.
- Before asking, grants are checked: an ask that every asking rule has a grant for is allowed.
- Deny-level rules are only put to the human when `allow_critical_override` is set, then only
  as "Override (allow once)…" followed by an explicit second confirmation; never granted.
- Only the human answers (adr/daemon/gate.py): a desktop channel's own answer (a button), or a
  terminal request that passes the gate's walls (no agent in or above it, a human at a terminal)
  AND, once the question was shown where a code stays private, echoes that question's one-time
  code (`adr approve ID CODE`). Every refusal and wrong code is a security event in the audit log;
  MAX_CODE_TRIES wrong codes deny the question.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable

from adr.actions import Action, Decision, RuleAction, Verdict
from adr.daemon.gate import MAX_CODE_TRIES, HumanGate, code_matches, new_code, security_entry
from adr.record.audit import Origin, decision_entry
from adr.record.redact import redact
from adr.config import Settings
from adr.policy.grants import Fingerprint, Grant, GrantStore, fingerprint, project_of
from adr.notify import interface as N
from adr.policy import effective_action

log = logging.getLogger("adr.daemon")

DETACHED_TTL = 600.0  # a question nobody waits on (headless) stays answerable this long
REPROBE_EVERY = 60.0  # while no desktop channel was found, look again at most this often
MAX_PENDING = 256
_QID = re.compile(r"^[0-9a-f]{6,16}$")


def new_question_id() -> str:
    return os.urandom(4).hex()


def _matched(f: Any) -> str:
    """What a finding's first evidence points at (the sub-command, path or text it matched)."""
    ev = f.evidence[0] if getattr(f, "evidence", None) else None
    if ev is None:
        return ""
    if ev.span and ev.subject:
        a, b = ev.span
        return ev.subject[max(0, a - 40):b + 40]
    return ev.matched or ev.subject or ""


@dataclass
class Pending:
    q: N.Question
    key: tuple[str, ...]
    action: Action
    verdict: Verdict
    fp: Fingerprint
    rule_ids: tuple[str, ...]
    host: str
    session: str
    project: str
    critical: bool
    created: float = field(default_factory=time.time)
    future: "asyncio.Future[N.Answer]" = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    waiters: int = 0
    detached: bool = False  # nobody waits: the agent was told to have the human run `adr approve ID`
    expires_mono: float = 0.0
    task: "asyncio.Task[Any] | None" = None
    stage: int = 1  # critical: 2 once "Override" was chosen and the confirmation is showing
    state: str = "open"  # open | answered | timed out | expired
    grants: list[Grant] = field(default_factory=list)
    minutes: float = 0.0  # ALLOW_MINUTES from the terminal: for how long
    code_shown: bool = False  # its code reached the human on a private channel: terminal answers need it
    tries: int = 0  # wrong codes so far

    @property
    def id(self) -> str:
        return self.q.id

    def to_dict(self) -> dict[str, Any]:
        q = self.q
        return {"id": q.id, "agent": q.agent, "host": q.host, "session": self.session, "project": q.project,
                "action": q.action, "rule_id": q.rule_id, "rule_title": q.rule_title, "reason": q.reason,
                "severity": q.severity, "rule_ids": list(self.rule_ids), "choices": list(q.choices),
                "critical": self.critical, "confirm": q.confirm, "waiting": self.waiters,
                "detached": self.detached, "needs_code": self.code_shown, "age_s": round(time.time() - self.created, 1),
                "expires_in_s": round(max(0.0, self.expires_mono - time.monotonic()), 1)}


@dataclass(frozen=True)
class Outcome:
    """What the daemon answers after (not) asking."""

    verdict: Verdict
    decided_by: str  # human | timeout | grant | engine (unchanged)
    extra: dict[str, Any]  # added to the audit record: {"approval": {...}} / {"granted_by": ...}
    explicit_allow: bool = False  # the human said yes: tell the host "allow", not just nothing


class Approvals:
    def __init__(self, grants: GrantStore, audit: Callable[[dict[str, Any]], None],
                 notifiers: "list[Any] | None" = None, gate: "HumanGate | None" = None) -> None:
        self.grants = grants
        self._audit = audit
        self.gate = gate or HumanGate(audit)
        self.notifiers: list[Any] = list(notifiers or [])
        self._fixed = notifiers is not None
        self._probed = 0.0
        self.pending: dict[str, Pending] = {}
        self._by_key: dict[tuple[str, ...], str] = {}
        self.stats: dict[str, int] = {"asked": 0, "allowed": 0, "denied": 0, "timed_out": 0, "granted": 0,
                                      "headless": 0, "refused": 0}

    # ---- channels -------------------------------------------------------------------------------

    async def start(self) -> None:
        if not self._fixed:
            await self._detect()

    async def _detect(self) -> None:
        from adr.notify.select import detect

        self._probed = time.monotonic()
        gate = self.gate
        try:
            self.notifiers = await detect(vet=gate.server_refusal,
                                          on_forged=lambda why: gate.channel_problem("desktop", why, "forged-signal"))
        except Exception as e:  # never keep the daemon from starting over a notification problem
            log.warning("cannot look for desktop notifications: %s", e)
            self.notifiers = []
        log.info("approvals: %s", "; ".join(self.channels()))

    async def ensure_channel(self) -> None:
        if not self.notifiers and not self._fixed and time.monotonic() - self._probed > REPROBE_EVERY:
            await self._detect()

    def channels(self) -> list[str]:
        return [n.describe() for n in self.notifiers] + ["terminal (adr pending / adr approve ID)"]

    def status(self, settings: Settings) -> dict[str, Any]:
        return {"channels": self.channels(), "desktop": bool(self.notifiers), "pending": len(self.pending),
                "timeout_s": settings.approval_timeout, "critical_override": settings.allow_critical_override,
                **self.stats, "gate": self.gate.status()}

    def note_hook_peer(self, pid: int | None, host: str, session: str) -> None:
        self.gate.note_hook_peer(pid, host, session)

    # ---- deciding -----------------------------------------------------------------------------

    @staticmethod
    def asking(verdict: Verdict, settings: Settings) -> tuple[str, ...]:
        """The rule ids that make this verdict a question (ask), or deny-level ones for an override."""
        want = RuleAction.ASK if verdict.decision is Decision.ASK else RuleAction.DENY
        return tuple(dict.fromkeys(f.rule_id for f in verdict.findings
                                   if effective_action(f, settings.sensitivity) is want))

    def wants(self, verdict: Verdict, settings: Settings) -> bool:
        if verdict.mode == "monitor":
            return False
        return verdict.decision is Decision.ASK or (verdict.decision is Decision.DENY and settings.allow_critical_override)

    async def resolve(self, action: Action, verdict: Verdict, settings: Settings, *, host: str, can_ask: bool,
                      interim: "Callable[[dict[str, Any]], Awaitable[None]] | None" = None) -> Outcome:
        rule_ids = self.asking(verdict, settings)
        unchanged = Outcome(verdict, "engine", {})
        if not rule_ids:
            return unchanged
        critical = verdict.decision is Decision.DENY
        ctx = action.context
        fp = fingerprint(action)
        project = project_of(ctx.cwd)
        if not critical:
            granted = self.grants.match(rule_ids, fp, host=host, session=ctx.session, project=project)
            if granted:
                self.stats["granted"] += 1
                by = "; ".join(g.describe() for g in granted)
                top = next(f for f in verdict.findings if f.rule_id == rule_ids[0])
                return Outcome(replace(verdict, decision=Decision.ALLOW, agent_reason="",
                                       reason=f"adr: allowed, granted by {by}: {top.title} [{top.rule_id}] "
                                              f"(`adr grants revoke ID` takes it back)"),
                               "grant", {"granted_by": [g.id for g in granted], "grant": by})
        await self.ensure_channel()
        if not self.notifiers and can_ask and not critical:
            self.stats["headless"] += 1
            return unchanged  # no desktop: the host's own question is the best there is
        p = self._question(action, verdict, settings, fp, rule_ids, host, project, critical)
        if p is None:
            return Outcome(replace(verdict, decision=Decision.DENY,
                                   reason=f"{verdict.reason} (too many open questions: denied)"), "engine", {})
        if not self.notifiers:
            self.stats["headless"] += 1
            p.detached = True
            p.expires_mono = max(p.expires_mono, time.monotonic() + DETACHED_TTL)
            self._schedule_expiry(p)
            return self._headless(p, verdict)
        if p.task is None:  # a question from a headless moment, now that a desktop channel exists
            p.task = asyncio.get_running_loop().create_task(self._drive(p))
        return await self._wait(p, settings, interim)

    def _question(self, action: Action, verdict: Verdict, settings: Settings, fp: Fingerprint,
                  rule_ids: tuple[str, ...], host: str, project: str, critical: bool) -> Pending | None:
        ctx = action.context
        key = (fp.digest, host, ctx.session, ",".join(rule_ids), "c" if critical else "a")
        qid = self._by_key.get(key)
        if qid and qid in self.pending and self.pending[qid].state == "open":
            return self.pending[qid]
        if len(self.pending) >= MAX_PENDING:
            return None
        top = next(f for f in verdict.findings if f.rule_id == rule_ids[0])
        ask_level = not critical and all(f.action is RuleAction.ASK and f.severity.value != "critical"
                                         for f in verdict.findings if f.rule_id in rule_ids)
        choices = N.CRITICAL_CHOICES if critical else (N.ASK_CHOICES + ((N.ALLOW_PROJECT,) if ask_level else ()))
        qid = new_question_id()
        while qid in self.pending:
            qid = new_question_id()
        home = os.path.expanduser("~")
        shown_project = ("~" + project[len(home):]) if home and project.startswith(home + "/") else project
        q = N.Question(id=qid, agent=ctx.agent, host=host, project=shown_project, code=new_code(),
                       action=N.action_line(redact(action.summary(limit=2000), 2000),
                                            redact(_matched(top), 400)),
                       rule_id=top.rule_id, rule_title=top.title,
                       reason=N.one_line(redact(top.description or "", 600), 300) or top.title,
                       severity=top.severity.value, choices=choices, critical=critical,
                       timeout=settings.approval_timeout)
        p = Pending(q=q, key=key, action=action, verdict=verdict, fp=fp, rule_ids=rule_ids, host=host,
                    session=ctx.session, project=project, critical=critical)
        self.pending[qid] = p
        self._by_key[key] = qid
        self.stats["asked"] += 1
        if self.notifiers:
            p.task = asyncio.get_running_loop().create_task(self._drive(p))
        return p

    async def _drive(self, p: Pending) -> None:
        """Put the question to the desktop channel until it is answered or withdrawn."""
        for notifier in self.notifiers:
            while not p.future.done():
                shown = p.code_shown
                p.code_shown = shown or bool(getattr(notifier, "shows_code", False))
                try:
                    ans = await notifier.ask(p.q)
                except asyncio.CancelledError:
                    raise
                except Exception as e:
                    p.code_shown = shown  # it never reached the human
                    self.gate.note_channel_error(notifier, e)
                    log.warning("approvals: %s failed; the terminal can still answer %s", notifier.name, p.q.id)
                    break
                if ans is None:
                    return  # closed unanswered (expired): the terminal can still answer
                problem = self._settle(p, ans)
                if problem:
                    log.warning("approvals: ignored %s from %s for %s: %s", ans.choice, notifier.name, p.q.id, problem)
                    await asyncio.sleep(0.2)  # show it again, but never in a tight loop
            if p.future.done():
                return

    def _settle(self, p: Pending, ans: N.Answer, *, confirmed: bool = False) -> str:
        """Apply an answer; returns "" or why it was not accepted."""
        if p.future.done() or p.state != "open":
            return f"question {p.q.id} was already {p.state}"
        c = ans.choice
        if c == N.OVERRIDE:
            if not p.critical or p.stage != 1:
                return "there is nothing to override"
            p.stage = 2
            p.q = replace(p.q, confirm=True, choices=N.CONFIRM_CHOICES)
            return ""
        if c == N.CONFIRM and not (p.critical and (p.stage == 2 or confirmed)):
            return "an override must be confirmed a second time"
        if p.critical and c in N.ALLOWING and c != N.CONFIRM:
            return "a deny-level rule can only be overridden once, with confirmation (`adr approve ID --override`)"
        if c == N.ALLOW_PROJECT and N.ALLOW_PROJECT not in p.q.choices and p.stage == 1:
            return "'always allow in this project' is only offered for ask-level rules"
        p.future.set_result(ans)
        p.state = "answered"
        self.stats["allowed" if c in N.ALLOWING else "denied"] += 1
        return ""

    async def _wait(self, p: Pending, settings: Settings,
                    interim: "Callable[[dict[str, Any]], Awaitable[None]] | None") -> Outcome:
        wait = float(settings.approval_timeout)
        p.waiters += 1
        p.expires_mono = max(p.expires_mono, time.monotonic() + wait)
        if interim is not None:
            with contextlib.suppress(Exception):
                await interim({"question": p.q.id, "wait_s": wait, "hook_timeout": settings.hook_timeout})
        try:
            ans = await asyncio.wait_for(asyncio.shield(p.future), wait)
        except asyncio.TimeoutError:
            ans = None
        finally:
            p.waiters -= 1
        if ans is None:
            if p.waiters == 0 and not p.future.done():
                self._close(p, "timed out")
                self.stats["timed_out"] += 1
            return self._timed_out(p, wait)
        return self._outcome(p, ans)

    def _outcome(self, p: Pending, ans: N.Answer) -> Outcome:
        if not p.grants and ans.choice in N.ALLOWING:
            p.grants = self._grant(p, ans)
        self._close(p, "answered")
        info = {"question": p.q.id, "choice": ans.choice, "channel": ans.channel,
                "answered_after_s": ans.answered_after, "rule_ids": list(p.rule_ids)}
        if ans.note:
            info["note"] = ans.note
        if p.grants:
            info["grants"] = [g.id for g in p.grants]
        v = p.verdict
        if ans.choice in N.ALLOWING:
            scope = {N.ALLOW_SESSION: " for this session", N.ALLOW_PROJECT: " always in this project",
                     N.ALLOW_MINUTES: " for a while", N.ALLOW_GLOBAL: " always"}.get(ans.choice, " once")
            override = " (critical rule overridden)" if p.critical else ""
            verdict = replace(v, decision=Decision.ALLOW, agent_reason="",
                              reason=f"adr: approved{scope} by you ({ans.channel}, after {ans.answered_after:.1f} s)"
                                     f"{override}: {_what(p)}")
            return Outcome(verdict, "human", {"approval": info}, explicit_allow=True)
        how = " (notification dismissed)" if ans.note == "dismissed" else ""
        if ans.channel == "security":
            verdict = replace(v, decision=Decision.DENY,
                              reason=f"adr: denied: {ans.note} for question {p.q.id}, so someone other than you "
                                     f"tried to answer it (see `adr log`): {_what(p)}",
                              agent_reason=f"adr denied this action: its approval question {p.q.id} was answered "
                                           "with wrong codes. Only the user can approve it.")
            return Outcome(verdict, "security", {"approval": info})
        verdict = replace(v, decision=Decision.DENY,
                          reason=f"adr: denied by you ({ans.channel}, after {ans.answered_after:.1f} s){how}: {_what(p)}",
                          agent_reason=f"The user denied this action when adr asked (question {p.q.id}, "
                                       f"rule {p.rule_ids[0]}). Do not try to achieve it another way; ask the "
                                       "user how to proceed.")
        return Outcome(verdict, "human", {"approval": info})

    def _timed_out(self, p: Pending, wait: float) -> Outcome:
        info = {"question": p.q.id, "choice": "timeout", "channel": "", "answered_after_s": None,
                "rule_ids": list(p.rule_ids)}
        verdict = replace(p.verdict, decision=Decision.DENY,
                          reason=f"adr: no answer to question {p.q.id} within {wait:g} s, so it was denied "
                                 f"(timed out; nothing was granted): {_what(p)}",
                          agent_reason=f"adr asked the user to approve this ({p.rule_ids[0]}) and got no answer "
                                       f"within {wait:g} s, so it was not run. Tell the user what you want to do "
                                       "and why; trying again asks them again.")
        return Outcome(verdict, "timeout", {"approval": info})

    def _headless(self, p: Pending, verdict: Verdict) -> Outcome:
        qid = p.q.id
        mins = int(DETACHED_TTL // 60)
        how = (f"`adr approve {qid} --override`" if p.critical else f"`adr approve {qid}`")
        v = replace(verdict, decision=Decision.DENY,
                    reason=f"{verdict.reason} No desktop notification can reach you here: run {how} "
                           f"(or `adr pending`) in your own terminal within {mins} min, then let the agent retry.",
                    agent_reason=f"adr needs the user's approval for this ({p.q.rule_id}): "
                                 f"{p.q.rule_title}. Ask the user to run "
                                 f"{how} in their own terminal, then retry. Do not run it yourself: "
                                 "approvals from an agent are refused and reported.")
        return Outcome(v, "engine", {"approval": {"question": qid, "choice": "pending", "channel": "",
                                                  "answered_after_s": None, "rule_ids": list(p.rule_ids),
                                                  "note": "no desktop channel: waiting for `adr approve`"}})

    def _grant(self, p: Pending, ans: N.Answer, minutes: float = 0) -> list[Grant]:
        scope = {N.ALLOW_SESSION: "session", N.ALLOW_PROJECT: "project", N.ALLOW_MINUTES: "minutes",
                 N.ALLOW_GLOBAL: "global"}.get(ans.choice)
        if scope is None and p.detached:
            scope = "once"  # approved after the agent was told to retry: the retry passes, once
        if scope is None or p.critical and scope != "once":
            return []
        if scope == "session" and not p.session:
            scope = "once"
        try:
            return self.grants.add(p.rule_ids, p.fp, scope, host=p.host, session=p.session, project=p.project,
                                   minutes=minutes or p.minutes, channel=ans.channel,
                                   question=p.q.id)
        except (ValueError, OSError) as e:
            log.error("cannot record the grant for question %s: %s", p.q.id, e)
            return []

    def _close(self, p: Pending, state: str) -> None:
        if p.state == "open":
            p.state = state
        self.pending.pop(p.q.id, None)
        if self._by_key.get(p.key) == p.q.id:
            self._by_key.pop(p.key, None)
        if p.task is not None and not p.task.done():
            p.task.cancel()  # withdraw the notification / dialog

    def _schedule_expiry(self, p: Pending) -> None:
        def expire() -> None:
            if p.state == "open" and p.waiters == 0 and time.monotonic() >= p.expires_mono - 0.01:
                self._close(p, "expired")
        asyncio.get_running_loop().call_later(max(0.0, p.expires_mono - time.monotonic()), expire)

    # ---- answers over the socket (terminal channel) --------------------------------------------

    def list_pending(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        for p in list(self.pending.values()):
            if p.waiters == 0 and p.expires_mono and now > p.expires_mono:
                self._close(p, "expired")
        return [p.to_dict() for p in self.pending.values()]

    def answer(self, qid: str, choice: str, *, peer_pid: int | None, channel: str = "terminal",
               minutes: float = 0, confirmed: bool = False, code: str = "", reshow: bool = False,
               checked: bool = False) -> tuple[bool, str, dict[str, Any]]:
        """A human's answer from the terminal. (ok, message, details); a refused message starts with
        "refused", a missing code with "code required", a wrong one with "wrong code". `checked`: the
        caller already ran the gate's walls for `peer_pid` (off the event loop)."""
        p0 = self.pending.get(qid) if isinstance(qid, str) and _QID.match(qid) else None
        why = None if checked else self.gate.refusal(peer_pid)
        if why:
            self.stats["refused"] += 1
            self.gate.security(peer_pid, qid, choice, why, host=p0.host if p0 else "",
                               session=p0.session if p0 else "", agent=p0.q.agent if p0 else "")
            return False, (f"refused: {why}. Questions are answered by a human, from a terminal or notification "
                           "that no agent controls. This attempt was recorded in the audit log."), {}
        if choice not in N.CHOICES:
            return False, f"unknown choice {choice!r}", {}
        p = p0
        if p is None:
            return False, f"no open question {qid!r} (answered, timed out or expired; see `adr pending`)", {}
        if p.code_shown and not code:
            if reshow and (p.task is None or p.task.done()) and self.notifiers:
                p.task = asyncio.get_running_loop().create_task(self._drive(p))
            return False, (f"code required: question {qid} was shown on your desktop with a one-time code; "
                           f"answer with `adr approve {qid} CODE` (or `adr deny {qid} CODE`)"), {}
        if p.code_shown and not code_matches(p.q.code, code):
            problem = self.gate.wrong_code(p, peer_pid, "question")
            if p.tries >= MAX_CODE_TRIES and p.state == "open":
                self._lockout(p, peer_pid)
            return False, problem, {}
        if choice == N.ALLOW_MINUTES and minutes <= 0:
            return False, "say for how long: --for 30m", {}
        if choice == N.ALLOW_MINUTES:
            p.minutes = minutes
        ans = N.answer(p.q, choice, channel, note="with the code" if p.code_shown else "")
        problem = self._settle(p, ans, confirmed=confirmed)
        if problem:
            return False, problem, {}
        details: dict[str, Any] = {"question": qid, "choice": choice, "waiting": p.waiters}
        if p.waiters == 0:
            # nobody is waiting (headless): record the answer now; the agent's retry meets the grant
            out = self._outcome(p, ans)
            details["grants"] = [g.id for g in p.grants]
            self._audit(decision_entry(p.action, out.verdict, decided_by="human", latency_ms=0.0,
                                       origin=Origin(peer_pid=peer_pid), event="approval", host=p.host,
                                       request_id=qid) | out.extra)
        return True, "allowed" if choice in N.ALLOWING else "denied", details

    def _lockout(self, p: Pending, peer_pid: int | None) -> None:
        """Too many wrong codes: the question is denied (nobody who saw the code typed them)."""
        ans = N.answer(p.q, N.DENY, "security", note=f"{p.tries} wrong codes were entered")
        p.future.set_result(ans)
        p.state = "answered"
        self.stats["denied"] += 1
        if p.waiters == 0:
            out = self._outcome(p, ans)
            self._audit(decision_entry(p.action, out.verdict, decided_by="security", latency_ms=0.0,
                                       origin=Origin(peer_pid=peer_pid), event="approval", host=p.host,
                                       request_id=p.q.id) | out.extra)

    def shutdown(self) -> None:
        for p in list(self.pending.values()):
            self._close(p, "expired")


def _what(p: Pending) -> str:
    return f"{p.q.rule_title} [{p.q.rule_id}, {p.q.severity}]: `{p.q.action}`"


__all__ = ["Approvals", "Outcome", "Pending", "security_entry"]

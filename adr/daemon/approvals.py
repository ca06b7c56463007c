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
- Answers over the socket are refused when the requester runs inside an agent's process tree
  (agent names, the processes that sent hook requests, agents' environment markers); every
  refusal is a security event in the audit log.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable, Iterator

import psutil

from adr.actions import Action, Decision, RuleAction, Verdict
from adr.record.audit import Origin, decision_entry
from adr.record.redact import redact
from adr.config import Settings
from adr.policy.grants import Fingerprint, Grant, GrantStore, fingerprint, project_of
from adr.monitor.ancestry import _proc_read, agent_env_marker, inside_agent
from adr.notify import interface as N
from adr.policy import effective_action

log = logging.getLogger("adr.daemon")

DETACHED_TTL = 600.0  # a question nobody waits on (headless) stays answerable this long
REPROBE_EVERY = 60.0  # while no desktop channel was found, look again at most this often
MAX_PENDING = 256
MAX_REGISTRY = 4096
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "fish", "ksh", "mksh", "busybox", "env", "timeout", "nice"})
# never an agent: the hook walk stops below these (a human's terminal under them must stay able to answer)
NOT_AGENTS = frozenset({"systemd", "init", "launchd", "login", "sshd", "su", "sudo", "tmux", "tmux: server", "screen",
                        "gnome-terminal-", "gnome-terminal-server", "konsole", "xterm", "kitty", "alacritty",
                        "wezterm-gui", "foot", "terminator", "tilix", "iTerm2", "Terminal", "ptyxis", "xfce4-terminal"})
_QID = re.compile(r"^[0-9a-f]{6,16}$")


def new_question_id() -> str:
    return os.urandom(4).hex()


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

    def to_dict(self) -> dict[str, Any]:
        q = self.q
        return {"id": q.id, "agent": q.agent, "host": q.host, "session": self.session, "project": q.project,
                "action": q.action, "rule_id": q.rule_id, "rule_title": q.rule_title, "reason": q.reason,
                "severity": q.severity, "rule_ids": list(self.rule_ids), "choices": list(q.choices),
                "critical": self.critical, "confirm": q.confirm, "waiting": self.waiters,
                "detached": self.detached, "age_s": round(time.time() - self.created, 1),
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
                 notifiers: "list[Any] | None" = None) -> None:
        self.grants = grants
        self._audit = audit
        self.notifiers: list[Any] = list(notifiers or [])
        self._fixed = notifiers is not None
        self._probed = 0.0
        self.pending: dict[str, Pending] = {}
        self._by_key: dict[tuple[str, ...], str] = {}
        self._agents: dict[tuple[int, float], str] = {}  # (pid, start time) → "host session" that hooked
        self.stats: dict[str, int] = {"asked": 0, "allowed": 0, "denied": 0, "timed_out": 0, "granted": 0,
                                      "headless": 0, "refused": 0}

    # ---- channels -------------------------------------------------------------------------------

    async def start(self) -> None:
        if not self._fixed:
            await self._detect()

    async def _detect(self) -> None:
        from adr.notify.select import detect

        self._probed = time.monotonic()
        try:
            self.notifiers = await detect()
        except Exception as e:  # never keep the daemon from starting over a notification problem
            log.warning("cannot look for desktop notifications: %s", e)
            self.notifiers = []
        log.info("approvals: %s", "; ".join(self.channels()))

    async def _ensure_channel(self) -> None:
        if not self.notifiers and not self._fixed and time.monotonic() - self._probed > REPROBE_EVERY:
            await self._detect()

    def channels(self) -> list[str]:
        return [n.describe() for n in self.notifiers] + ["terminal (adr pending / adr approve ID)"]

    def status(self, settings: Settings) -> dict[str, Any]:
        return {"channels": self.channels(), "desktop": bool(self.notifiers), "pending": len(self.pending),
                "timeout_s": settings.approval_timeout, "critical_override": settings.allow_critical_override,
                **self.stats}

    # ---- the session registry: which processes are agents --------------------------------------

    def note_hook_peer(self, pid: int | None, host: str, session: str) -> None:
        """The hook client's parents up to the first non-shell process are the agent (or its tool
        runner): anything started below them cannot answer a question."""
        if not pid:
            return
        for ppid, start, name in _walk(pid, 6, skip_first=True):  # lazily: usually two reads
            if ppid <= 1 or name in NOT_AGENTS:
                break
            key = (ppid, start)
            last = name not in SHELLS and not name.startswith("adr")
            if key in self._agents:
                if last:
                    break
                continue
            if len(self._agents) >= MAX_REGISTRY:
                self._agents.pop(next(iter(self._agents)))
            self._agents[key] = f"{host or 'a host'} session {session[:12] or '?'}"
            if last:
                break

    def refusal(self, pid: int | None) -> str | None:
        """Why a request from `pid` may not answer questions (None: a human's terminal)."""
        if not pid:
            return "the requesting process cannot be identified"
        why = inside_agent(pid)
        if why:
            return f"it runs inside an AI agent: {why}"
        for ppid, start, name in _chain(pid, 64):
            seen = self._agents.get((ppid, start))
            if seen:
                return f"it runs under {name} (pid {ppid}), which sent hook requests for {seen}"
        with contextlib.suppress(psutil.Error, OSError):
            marker = agent_env_marker(psutil.Process(pid).environ())
            if marker:
                return f"its environment has {marker}, set by an AI agent for the commands it runs"
        return None

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
        await self._ensure_channel()
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
        q = N.Question(id=qid, agent=ctx.agent, host=host, project=shown_project,
                       action=N.one_line(redact(action.summary(limit=2000), 400), 200),
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
                try:
                    ans = await notifier.ask(p.q)
                except asyncio.CancelledError:
                    raise
                except Exception as e:
                    log.warning("approvals: %s failed (%s); the terminal can still answer %s",
                                notifier.name, e, p.q.id)
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
               minutes: float = 0, confirmed: bool = False) -> tuple[bool, str, dict[str, Any]]:
        """A human's answer from the terminal. (ok, message, details)."""
        why = self.refusal(peer_pid)
        if why:
            self.stats["refused"] += 1
            self._security(peer_pid, qid, choice, why)
            log.warning("refused an answer to question %s from pid %s: %s", qid, peer_pid, why)
            return False, (f"refused: {why}. Questions are answered by a human, from a terminal or notification "
                           "that no agent controls. This attempt was recorded in the audit log."), {}
        if choice not in N.CHOICES:
            return False, f"unknown choice {choice!r}", {}
        p = self.pending.get(qid) if _QID.match(qid or "") else None
        if p is None:
            return False, f"no open question {qid!r} (answered, timed out or expired; see `adr pending`)", {}
        if choice == N.ALLOW_MINUTES and minutes <= 0:
            return False, "say for how long: --for 30m", {}
        if choice == N.ALLOW_MINUTES:
            p.minutes = minutes
        ans = N.answer(p.q, choice, channel)
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

    def _security(self, pid: int | None, qid: str, choice: str, why: str) -> None:
        p = self.pending.get(qid if isinstance(qid, str) else "")
        self._audit(security_entry(pid, qid, choice, why, host=p.host if p else "", session=p.session if p else "",
                                   agent=p.q.agent if p else "", by="daemon"))

    def shutdown(self) -> None:
        for p in list(self.pending.values()):
            self._close(p, "expired")


def _what(p: Pending) -> str:
    return f"{p.q.rule_title} [{p.q.rule_id}, {p.q.severity}]: `{p.q.action}`"


def security_entry(pid: int | None, qid: str, choice: str, why: str, *, host: str = "", session: str = "",
                   agent: str = "", by: str = "daemon") -> dict[str, Any]:
    """An audit record for a refused approval (same keys as a decision record; event "security")."""
    return {
        "id": str(qid)[:32], "host": host, "event": "security", "session": session, "agent": agent,
        "agent_pid": None, "process": _name(pid), "peer_pid": pid, "cwd": "", "tool": "", "kind": "approval",
        "summary": redact(f"self-approval attempt: {choice} {qid}", 300), "findings": [], "decision": "refused",
        "mode": "", "would_decide": None, "reason": redact(f"an approval request was refused: {why}", 600),
        "decided_by": by, "latency_ms": 0.0, "error": "", "security": "self-approval",
    }


def _walk(pid: int, depth: int, skip_first: bool = False) -> Iterator[tuple[int, float, str]]:
    """(pid, start time, name) from `pid` upwards, read one process at a time (/proc: one read)."""
    if not os.path.isdir("/proc/self"):
        chain = _chain(pid, depth)
        yield from (chain[1:] if skip_first else chain)
        return
    cur, n = pid, 0
    while cur > 0 and n < depth:
        try:
            with open(f"/proc/{cur}/stat", "rb") as f:
                data = f.read()
            name = data[data.index(b"(") + 1: data.rindex(b")")].decode("utf-8", "replace")
            rest = data[data.rindex(b")") + 2:].split()
            ppid, start = int(rest[1]), float(rest[19])
        except (OSError, ValueError, IndexError):
            return
        if n or not skip_first:
            yield cur, start, name
        n += 1
        cur = ppid


def _chain(pid: int, depth: int) -> list[tuple[int, float, str]]:
    """(pid, start time, name) from `pid` upwards (/proc when there is one: two small reads each)."""
    out: list[tuple[int, float, str]] = []
    cur: int | None = pid
    if os.path.isdir("/proc/self"):
        while cur and cur > 0 and len(out) < depth:
            info = _proc_read(cur)
            if info is None:
                break
            out.append((cur, float(info[2]), info[0]))
            cur = info[1]
        return out
    while cur and cur > 0 and len(out) < depth:
        try:
            proc = psutil.Process(cur)
            with proc.oneshot():
                out.append((cur, proc.create_time(), proc.name()))
                cur = proc.ppid()
        except (psutil.Error, OSError):
            break
        if cur == out[-1][0]:
            break
    return out


def _name(pid: int | None) -> str:
    if not pid:
        return ""
    try:
        return psutil.Process(pid).name()
    except (psutil.Error, OSError):
        return ""

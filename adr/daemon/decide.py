"""The decide pipeline: one request's action → its recorded, answered verdict.

judge (worker thread, bounded) → components adjust → ask the human (approvals) → components'
before_answer (worker thread: snapshots) → audit record → components observe. The server only moves
bytes; everything a decision means happens here, in this order, for every front end (decide, hook,
shim). Three promises hold whatever the input:

- **Never on the event loop.** Judging runs in a small thread pool: one slow decision never delays
  another client's. Each has a budget of engine (thread CPU) time and a deterministic work bound
  (adr.engine.core.Budget); past it the verdict is at least ask — a deny already found stays a deny.
  A judgement that does not come back at all within HARD_TIMEOUT is answered "ask" without it.
- **Never unrecorded.** The audit record is written before the client hears the answer. When it
  cannot be (disk full, read-only, permissions), the answer is `audit_fail` (default ask, with the
  reason), the failure is counted for `adr status` / `adr doctor`, and the human gets an alert.
- **Never a crash.** An internal failure becomes the fail-mode verdict, recorded.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from adr.actions import Action, Decision, Observation, ObservationKind, Verdict
from adr.daemon import protocol as P
from adr.daemon.approvals import Outcome
from adr.component import Component, Decided, DecisionInput, Notice, Observed, safe
from adr.daemon.failsafe import fail_verdict
from adr.daemon.peer import PeerCred
from adr.monitor.ancestry import find_agent_ancestor, parent_of
from adr.record.audit import Origin, decision_entry
from adr.respond.alerts import Alert

if TYPE_CHECKING:  # pragma: no cover
    from adr.config import Settings
    from adr.daemon.server import Daemon, Loaded

log = logging.getLogger("adr.daemon")

Pending = Callable[[dict[str, Any]], Awaitable[None]]  # called with the "pending" data when the human is asked

WORKERS = 4  # judging threads: the engine is pure Python (the GIL is shared); 4 keeps a slow one from queueing others
HARD_TIMEOUT = 5.0  # seconds: a judgement not back by then is answered without it (a hang, not a budget)
OBSERVE_TIMEOUT = 10.0  # seconds a component may take over one observation (a session-start scan reads files)


class Decider:
    def __init__(self, daemon: "Daemon") -> None:
        self.d = daemon
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="adr-judge")
        self.hard_timeouts = 0
        self.budget_exhausted = 0
        self.observations = 0

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    # ---- the pipeline ----------------------------------------------------------------------------

    async def decide(self, req: P.Request, cred: PeerCred, t0: float,
                     writer: "asyncio.StreamWriter | None" = None,
                     on_pending: "Pending | None" = None) -> P.Response:
        d = self.d
        loaded = d.loaded
        assert loaded is not None
        settings = loaded.settings
        client_settings = P.ClientSettings(fail_mode=settings.fail_mode, auto_approve=settings.auto_approve)
        action = req.action
        host = req.host or (action.context.host if action else "")
        if action is not None:
            d.stats.saw_session(host, action.context.session)
            # the agent above this hook may never answer a question. adr's proxy is the exception: it
            # runs in `adr wrap` itself, whose parent is the human's shell (the wrapped tree is known
            # by ADR_SESSION and by its `adr wrap` ancestor instead — adr/monitor/ancestry.py).
            if d.approvals is not None and host != "proxy":
                d.approvals.note_hook_peer(cred.pid, host, action.context.session)
        origin = origin_of(cred.pid)
        extra: dict[str, Any] = {}
        error = ""
        if req.input_error:
            verdict = fail_verdict(settings.fail_mode, req.can_ask,
                                   f"the {host or 'host'} hook input is malformed ({req.input_error})",
                                   hint="check the hook configuration with `adr doctor`")
            decided_by, error = "fail-mode", req.input_error
        elif action is None:
            # an event adr only records (session start, tool results): nothing to decide
            return P.Response(ok=True, op="decide", id=req.id, verdict=Verdict(Decision.ALLOW),
                              decided_by="none", settings=client_settings)
        else:
            inp = DecisionInput(req.id, host, req.event, action, cred.pid, origin, settings)
            verdict, decided_by, error, action = await self.judge(loaded, action, req)
            verdict = self.adjust(inp, verdict)
            if decided_by == "engine" and d.approvals is not None and d.approvals.wants(verdict, settings):
                out = await self.ask(req, action, verdict, settings, host, writer, on_pending)
                verdict, decided_by, extra = out.verdict, out.decided_by, dict(out.extra)
                if out.explicit_allow:
                    client_settings = replace(client_settings, auto_approve=True)
            got = await self.before_answer(inp, verdict)
            if isinstance(got.get("verdict"), Verdict):
                verdict = got.pop("verdict")
            extra.update(got)
        return self.finish(req, t0, action, verdict, decided_by, host, error, client_settings, origin, extra)

    async def judge(self, loaded: "Loaded", action: Action, req: P.Request) -> tuple[Verdict, str, str, Action]:
        """Engine + look-ups in a worker thread, bounded; an internal failure is the fail-mode verdict.
        Also returns the action with what the judge looked up on disk (Action.resolved), which the
        run record keeps so a replay judges the same facts."""
        settings = loaded.settings
        resolved = [action]

        def run() -> tuple[Verdict, str, str]:
            try:
                resolved[0], v, exhausted = loaded.judge.resolve_and_decide_bounded(action)
            except Exception as e:
                log.exception("the rule engine failed on a %s action", action.kind.value)
                return (fail_verdict(settings.fail_mode, req.can_ask, f"the rule engine failed ({type(e).__name__})",
                                     hint="report this with the daemon log; `adr status` shows the rules in use"),
                        "fail-mode", f"{type(e).__name__}: {e}")
            if exhausted:
                self.budget_exhausted += 1
                log.warning("decision %s stopped at its budget (%s); verdict %s", req.id, exhausted, v.decision.value)
            return v, "engine", (f"budget: {exhausted}" if exhausted else "")

        fut = asyncio.get_running_loop().run_in_executor(self.pool, run)
        try:
            return (*await asyncio.wait_for(asyncio.shield(fut), HARD_TIMEOUT), resolved[0])
        except asyncio.TimeoutError:
            self.hard_timeouts += 1
            log.error("decision %s: no judgement after %.0f s; answering without it", req.id, HARD_TIMEOUT)
            v = fail_verdict("ask", req.can_ask, f"judging this action took longer than {HARD_TIMEOUT:g} s",
                             hint="report this with the daemon log")
            return v, "engine", "hard timeout", action

    def adjust(self, inp: DecisionInput, verdict: Verdict) -> Verdict:
        for c in self.d.components:
            try:
                verdict = c.adjust(inp, verdict)
            except Exception:
                log.exception("component %s failed to adjust a verdict; keeping it at least ask", c.name)
                if verdict.decision is Decision.ALLOW and verdict.mode != "monitor":
                    verdict = replace(verdict, decision=Decision.ASK,
                                      reason=f"{verdict.reason} (adr's {c.name} check failed: a human decides)".strip())
        return verdict

    async def ask(self, req: P.Request, action: Action, verdict: Verdict, settings: "Settings", host: str,
                  writer: "asyncio.StreamWriter | None", on_pending: "Pending | None") -> Outcome:
        """Put an "ask" to the human (approvals.py); the connection waits for the answer."""
        d = self.d
        assert d.approvals is not None

        async def interim(data: dict[str, Any]) -> None:
            if on_pending is not None:  # hook / shim in frames: the pending frame carries the unanswered output
                await on_pending(data)
            elif writer is not None:
                await d.send(writer, P.Response(ok=True, op="decide", id=req.id, pending=data))

        try:
            return await d.approvals.resolve(action, verdict, settings, host=host, can_ask=req.can_ask,
                                             interim=interim if req.progress else None)
        except Exception:
            log.exception("approvals failed; answering with the rules' verdict")
            return Outcome(verdict, "engine", {})

    async def before_answer(self, inp: DecisionInput, verdict: Verdict) -> dict[str, Any]:
        comps = [c for c in self.d.components if type(c).before_answer is not _BASE_BEFORE]
        if not comps:
            return {}

        def run() -> dict[str, Any]:
            out: dict[str, Any] = {}
            v = verdict
            for c in comps:
                got = safe(c, "before_answer", lambda c=c: c.before_answer(inp, v), {}) or {}
                if isinstance(got.get("verdict"), Verdict):
                    v = got["verdict"]
                out.update(got)
            return out

        return await asyncio.get_running_loop().run_in_executor(self.pool, run)

    def finish(self, req: P.Request, t0: float, action: "Action | None", verdict: Verdict, decided_by: str,
               host: str, error: str, client_settings: P.ClientSettings, origin: Origin,
               extra: "dict[str, Any] | None" = None) -> P.Response:
        """Record, then answer. The record is on disk before the client hears the answer: an answered
        decision is never lost — and an action is never allowed unrecorded."""
        d = self.d
        latency_ms = (time.perf_counter() - t0) * 1000
        entry = decision_entry(action, verdict, decided_by=decided_by, latency_ms=latency_ms, origin=origin,
                               event=req.event, host=host, request_id=req.id, error=error) | (extra or {})
        rec, problem = d.write_audit(entry)
        if rec is None:
            verdict, decided_by = self.unrecorded(verdict, req, problem)
        d.stats.decisions[verdict.decision.value] = d.stats.decisions.get(verdict.decision.value, 0) + 1
        d.stats.decided_by[decided_by] = d.stats.decided_by.get(decided_by, 0) + 1
        if rec is not None:
            done = Decided(req.id, host, req.event, action, verdict, decided_by, origin, latency_ms, rec)
            for c in d.components:
                safe(c, "decided", lambda c=c: c.decided(done))
        return P.Response(ok=True, op="decide", id=req.id, verdict=verdict, decided_by=decided_by,
                          settings=client_settings)

    def unrecorded(self, verdict: Verdict, req: P.Request, problem: str) -> tuple[Verdict, str]:
        """The audit record could not be written: `audit_fail` decides (ask, deny or allow)."""
        d = self.d
        assert d.loaded is not None
        mode = d.loaded.settings.audit_fail
        d.alerts.raise_alert(Alert(
            "audit", "adr cannot write its audit log",
            f"{problem}. Until this is fixed, actions get the audit_fail answer ({mode}). "
            "Free space or fix the permissions of adr's state directory, then check `adr status`.",
            severity="critical", key="audit-write"))
        if mode == "allow" or verdict.decision is Decision.DENY:
            return verdict, "engine" if mode == "allow" else "audit-fail"
        v = fail_verdict(mode, req.can_ask, f"adr could not record this action in its audit log ({problem})",
                         hint="free disk space or fix the permissions of adr's state directory, then `adr status`")
        return v, "audit-fail"

    # ---- observations: what the agent read (never blocked, never asked about) -------------------

    async def observe(self, obs: Observation, request_id: str, host: str, event: str,
                      cred: PeerCred) -> Notice:
        """Scan a tool's output with the engine (in a worker thread, bounded like a judgement), then
        let every component respond (taint, alerts, the agent-supply scan); their notices, joined,
        are what the hook adds to the agent's context. A failure costs the notice, never the read."""
        d = self.d
        loaded = d.loaded
        assert loaded is not None
        settings = loaded.settings
        verdict: "Verdict | None" = None
        if obs.kind is ObservationKind.TOOL_OUTPUT:
            def scan() -> "Verdict | None":
                try:
                    return loaded.judge.scan_bounded(obs)
                except Exception:
                    log.exception("scanning a %s output failed", obs.source)
                    return None

            fut = asyncio.get_running_loop().run_in_executor(self.pool, scan)
            try:
                verdict = await asyncio.wait_for(asyncio.shield(fut), HARD_TIMEOUT)
            except asyncio.TimeoutError:
                self.hard_timeouts += 1
                log.error("scan %s: no result after %.0f s; answering without it", request_id, HARD_TIMEOUT)
        o = Observed(request_id, host, event, obs, origin_of(cred.pid), settings, verdict)
        self.observations += 1
        notes: list[Notice] = []
        for c in d.components:
            if type(c).observe is _BASE_OBSERVE:
                continue
            got = safe(c, "observe", lambda c=c: c.observe(o))
            if asyncio.iscoroutine(got) or isinstance(got, asyncio.Future):
                try:
                    got = await asyncio.wait_for(got, OBSERVE_TIMEOUT)
                except Exception:
                    log.exception("component %s failed to observe %s", c.name, request_id)
                    got = None
            if isinstance(got, Notice):
                notes.append(got)
        return Notice("\n\n".join(n.context for n in notes if n.context),
                      " ".join(n.user for n in notes if n.user))

    def status(self) -> dict[str, Any]:
        return {"workers": WORKERS, "budget_exhausted": self.budget_exhausted, "hard_timeouts": self.hard_timeouts,
                "observations": self.observations}


_BASE_BEFORE = Component.before_answer
_BASE_OBSERVE = Component.observe


def origin_of(pid: int | None) -> Origin:
    """Who sent the action: the peer and the agent above it (or its parent)."""
    if not pid:
        return Origin()
    agent = find_agent_ancestor(pid)
    if agent:
        return Origin(peer_pid=pid, agent_pid=agent.pid, process=agent.name)
    parent = parent_of(pid)
    return Origin(peer_pid=pid, agent_pid=parent[0], process=parent[1]) if parent else Origin(peer_pid=pid)

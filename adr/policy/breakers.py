"""Circuit breakers and per-session budgets: an agent that keeps hitting the rules is stopped.

A session that collects `breaker_denies` denies or `breaker_asks` asks within `breaker_window_min`
minutes goes into **lockdown**: from then on every action that is not read-only (creating a file or a
directory included) is put to the human, in that session only, until the human resets it (`adr
sessions reset ID`, a human-only call). Separately, each session has quotas — package installs,
network fetches, file deletions, bytes its pre-image snapshots take in the undo store — and an action
past a quota gets `quota_action` (ask, deny, or lockdown). Lockdown and quota state live in the
session registry's flags, so `adr sessions show` and `adr status` show them, and the alert desk tells
the human when a breaker trips.

The component tightens verdicts (`adjust`): it is registered after every relaxing component.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from adr.actions import Decision, Verdict
from adr.component import CallContext, CallSpec, Component, Decided, DecisionInput, Flag
from adr.policy.decide import tighten
from adr.policy.effects import effects_of
from adr.respond.alerts import Alert

LOCKDOWN = "lockdown"
QUOTA_KINDS = ("installs", "fetches", "deletes", "undo_bytes")


@dataclass
class _Tally:
    denies: "deque[float]" = field(default_factory=deque)
    asks: "deque[float]" = field(default_factory=deque)
    used: dict[str, int] = field(default_factory=lambda: {k: 0 for k in QUOTA_KINDS})


class Breakers(Component):
    name = "breakers"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.tallies: dict[tuple[str, str], _Tally] = {}
        self.tripped = 0

    def _settings(self) -> Any:
        return self.daemon.loaded.settings

    def _sessions(self) -> Any:
        return self.daemon.component("sessions")

    # ---- counting (after each recorded decision) --------------------------------------------------

    def decided(self, d: Decided) -> None:
        a = d.action
        if a is None or not a.context.session or d.decided_by in ("human", "grant"):
            return  # what the human answered is not the agent hitting the rules
        key = (d.host or a.context.host, a.context.session)
        t = self.tallies.get(key)
        if t is None:
            if len(self.tallies) > 4096:
                self.tallies.pop(next(iter(self.tallies)))
            t = self.tallies[key] = _Tally()
        now = time.time()
        s = self._settings()
        window = s.breaker_window_min * 60
        decision = d.verdict.decision if d.verdict.mode != "monitor" else (d.verdict.would_decide or Decision.ALLOW)
        if decision is Decision.DENY:
            t.denies.append(now)
        elif decision is Decision.ASK:
            t.asks.append(now)
        for q in (t.denies, t.asks):
            while q and q[0] < now - window:
                q.popleft()
        if decision is not Decision.DENY:  # what was denied did not happen: it uses no quota
            eff = effects_of(a)
            t.used["installs"] += eff.installs
            t.used["fetches"] += eff.fetches
            t.used["deletes"] += eff.deletes
        b = d.audit.get("snapshot_bytes") if isinstance(d.audit, dict) else None
        if isinstance(b, int) and b > 0:  # what its pre-images took in the undo store (adr/respond/undo_desk.py)
            t.used["undo_bytes"] += b
        reg = self._sessions()
        if reg is None or reg.flagged(*key, LOCKDOWN) is not None:
            return
        why = ""
        if s.breaker_denies and len(t.denies) >= s.breaker_denies:
            why = f"{len(t.denies)} denies within {s.breaker_window_min:g} minutes"
        elif s.breaker_asks and len(t.asks) >= s.breaker_asks:
            why = f"{len(t.asks)} asks within {s.breaker_window_min:g} minutes"
        if why:
            self.lock(key, why)

    def lock(self, key: tuple[str, str], why: str) -> None:
        reg = self._sessions()
        if reg is None:
            return
        reg.set_flag(key[0], key[1], Flag(LOCKDOWN, why, time.time(), by=self.name))
        self.tripped += 1
        self.daemon.alerts.raise_alert(Alert(
            "breaker", f"session {key[1]} is in lockdown", f"the {key[0]} session {key[1]} had {why}: every "
            f"action that is not read-only now needs your approval. `adr sessions reset {key[1]}` ends it.",
            severity="high", key=f"lockdown:{key[0]}:{key[1]}", session=key[1], host=key[0]))

    # ---- tightening (before the human is asked) ---------------------------------------------------

    def adjust(self, d: DecisionInput, verdict: Verdict) -> Verdict:
        if verdict.decision is not Decision.ALLOW or verdict.mode == "monitor":
            return verdict
        key = (d.host, d.action.context.session)
        reg = self._sessions()
        flag = reg.flagged(*key, LOCKDOWN) if reg is not None and key[1] else None
        eff = None
        if flag is not None:
            eff = effects_of(d.action)
            if not eff.read_only:
                return _tighten(verdict, Decision.ASK, "breaker.lockdown",
                                f"session {key[1]} is in lockdown ({flag.reason}); every action that changes "
                                f"something needs your approval until `adr sessions reset {key[1]}`",
                                d.action.summary(200))
        s = d.settings
        limits = {"installs": s.quota_installs, "fetches": s.quota_fetches, "deletes": s.quota_deletes}
        if not (any(limits.values()) or s.quota_undo_bytes) or not key[1]:
            return verdict
        t = self.tallies.get(key)
        if t is None:
            return verdict
        eff = eff or effects_of(d.action)
        for kind, limit in limits.items():
            n = getattr(eff, kind)
            if limit and n and t.used[kind] + n > limit:
                return self._over(key, verdict, s, f"session {key[1]} is past its quota of {limit} {kind}")
        if s.quota_undo_bytes and t.used["undo_bytes"] >= s.quota_undo_bytes and not eff.read_only:
            # what an action's snapshot takes is known once it is taken: past the quota, the next change
            # is the one that gets quota_action
            return self._over(key, verdict, s, f"session {key[1]}'s snapshots took {t.used['undo_bytes']} bytes of "
                                               f"the undo store, past its quota of {s.quota_undo_bytes} (quota_undo_bytes)")
        return verdict

    def _over(self, key: tuple[str, str], verdict: Verdict, s: Any, what: str) -> Verdict:
        if s.quota_action == "lockdown":
            self.lock(key, what)
            return _tighten(verdict, Decision.ASK, "breaker.quota", what + "; the session is locked down")
        return _tighten(verdict, Decision.DENY if s.quota_action == "deny" else Decision.ASK, "breaker.quota", what)

    # ---- the human's reset ------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        reg = self._sessions()
        locked = [s.id for s in reg.by_key.values() if LOCKDOWN in s.flags] if reg is not None else []
        return {"tripped": self.tripped, "locked_down": locked}

    def calls(self) -> dict[str, CallSpec]:
        def reset(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            reg = self._sessions()
            s = reg.find(str(args.get("session", ""))) if reg is not None else None
            if s is None:
                raise KeyError(f"no session {args.get('session')!r} in this daemon")
            was = reg.clear_flag(s.host, s.id, LOCKDOWN)
            self.tallies.pop((s.host, s.id), None)
            return {"reset": was, "session": s.to_dict()}

        def usage(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            out = {}
            for (host, sid), t in self.tallies.items():
                out[f"{host}:{sid}"] = {"denies": len(t.denies), "asks": len(t.asks), **t.used}
            return {"sessions": out}

        return {"reset": CallSpec(reset, human_only=True), "usage": CallSpec(usage)}


def _tighten(verdict: Verdict, decision: Decision, rule: str, why: str, subject: str = "") -> Verdict:
    title = "Session in lockdown" if rule == "breaker.lockdown" else "Session past its quota"
    return tighten(verdict, decision, rule, title, why, subject=subject)

"""Engine + optional online checks + policy: the one way every front end turns an Action into a
Verdict (daemon, `adr check`, the hook client's in-process fallback), so they cannot disagree."""
from __future__ import annotations

import gc
import logging
from dataclasses import replace
from typing import Any

from adr.actions import Action, ActionKind, Observation, Resolved, Verdict
from adr.config import Settings
from adr.policy import decide

log = logging.getLogger("adr.judge")


class Judge:
    def __init__(self, engine: Any, settings: Settings, online: Any = None, memory: Any = None,
                 resolver: Any = None) -> None:
        self.engine = engine
        self.settings = settings
        self.online = online if (online is not None and not settings.offline) else None
        # what a command runs from files / earlier calls (memory: the daemon's; None → files only)
        from adr.daemon.crosscall import CrossCall
        self.crosscall = CrossCall(engine, memory)
        self.resolver = resolver  # adr.daemon.resolve.Resolver: looks targets up on disk first

    @classmethod
    def create(cls, settings: Settings, engine: Any = None, paths: Any = None, online: bool = True,
               memory: Any = None, lasting: bool = True) -> "Judge":
        """Load rules (unless given) and, when providers are enabled and not offline, online checks.
        `lasting=False`: the process judges one action and exits (`adr check COMMAND`), so the full
        collection before the freeze below (~0.07 s) buys nothing."""
        if engine is None:
            from adr.engine import load_engine
            engine = load_engine(settings, paths=paths)
        checks = None
        if online and not settings.offline and settings.providers:
            from adr.judge.online import OnlineChecks
            checks = OnlineChecks.from_settings(settings, paths)
        # the compiled rules live as long as the process: keep their ~10^5 objects out of the cyclic
        # GC's full scans, which otherwise cost ~10% of decision time in a long run (bench/engine.py)
        if lasting:
            gc.collect()
        gc.freeze()
        _trim_heap()
        from adr.daemon.resolve import Resolver
        from adr.paths import get_paths
        return cls(engine, settings, checks, memory, Resolver(paths or get_paths()))

    def resolve(self, action: Action) -> Action:
        """The action with what this machine says about its targets (symlinks, globs, adr's pids),
        which the pure engine then judges as data. An action that already carries what was looked
        up (resolved by this judge earlier, or a run record being replayed) keeps it; a client's
        `resolved` never gets this far (the protocol drops it). Without a resolver (replay), nothing
        is looked up."""
        if self.resolver is None or action.resolved.looked:
            return action
        try:
            return self.resolver.apply(action, self.engine, self.session_env(action))
        except Exception:  # looking things up must never cost the decision: judge the text
            log.exception("resolving the action's targets failed; judging the paths as written")
            return replace(action, resolved=Resolved(looked=True))

    def session_env(self, action: Action) -> "dict[str, str | None]":
        """Variables an earlier call of this shell session left set that redirect a later command
        (the daemon's memory: `export DJANGO_SETTINGS_MODULE=prod_settings`, `export GIT_DIR=…`)."""
        memory = getattr(self.crosscall, "memory", None)
        if memory is None or action.kind is not ActionKind.EXEC or not hasattr(memory, "environment"):
            return {}
        return memory.environment(action.context.host, action.context.session)

    def decide(self, action: Action, *, note: str = "", budget: Any = None) -> Verdict:
        """`budget` (adr.engine.core.Budget) bounds the engine's work; None: the default work bound."""
        return self.resolve_and_decide(action, note=note, budget=budget)[1]

    def resolve_and_decide(self, action: Action, *, note: str = "", budget: Any = None) -> "tuple[Action, Verdict]":
        """resolve() then decide(), in one walk of the rules for nearly every action: the walk notes
        the targets it looks at, and only when one of them is more than it says on disk (a link, a
        glob matching elsewhere: ~0.7% of the benign corpus) — or there were too many to note — is
        the action resolved as resolve() does it and walked again. Either way the verdict is the
        one resolve() + decide() give (a walk that met no alias is the walk it would have been).
        Returns the resolved action (what a run record keeps) and the verdict."""
        if self.resolver is None or action.resolved.looked:
            return action, self._decide_resolved(action, note, budget)
        try:
            base = self.resolver.base(action, self.session_env(action))
        except Exception:  # looking things up must never cost the decision: judge the text
            log.exception("resolving the action's context failed; judging the paths as written")
            base = replace(action, resolved=Resolved(looked=True))
            return base, self._decide_resolved(base, note, budget)
        start = (budget.units, budget.deadline) if budget is not None else (0, None)
        findings, targets, overflow = self.engine.evaluate_gathering(base, budget)
        seen: dict[tuple[str, str], list[str]] = {}  # the disk read once for both walks
        try:
            resolved = self.resolver.with_aliases(base, targets, seen) if not overflow else None
        except Exception:
            log.exception("resolving the action's targets failed; judging the paths as written")
            return base, self._verdict(base, findings, note, budget)
        if resolved is base:
            return base, self._verdict(base, findings, note, budget)
        try:  # walk again with every target the rules could look at looked up, as resolve() does
            # (and those the walk noted: an upload's file inside an option's value, `-F f=@id/id_rsa`)
            resolved = self.resolver.with_aliases(base, list(dict.fromkeys([*self.engine.path_targets(base), *targets])),
                                                  seen)
        except Exception:
            log.exception("resolving the action's targets failed; judging the paths as written")
            resolved = base
        return resolved, self._decide_resolved(resolved, note, _again(budget, start))

    def _decide_resolved(self, action: Action, note: str, budget: Any) -> Verdict:
        findings = self.engine.evaluate(action, budget) if budget is not None else self.engine.evaluate(action)
        return self._verdict(action, findings, note, budget)

    def _verdict(self, action: Action, findings: "tuple[Any, ...]", note: str, budget: Any) -> Verdict:
        findings = _merged(findings, self.crosscall.findings(action, budget))  # what it runs from files
        findings = self.crosscall.set_in_session(action, findings)
        if self.online is not None:
            extra = self.online.findings(action)
            if extra:
                have = {f.rule_id for f in findings}
                findings = findings + tuple(f for f in extra if f.rule_id not in have)
        return decide(findings, self.settings, note=note)

    def decide_bounded(self, action: Action, *, note: str = "") -> "tuple[Verdict, str]":
        """The decision every front end makes (daemon, hook fallback, `adr check`, shims): the engine's
        deterministic work bound plus a net of `decision_budget_ms` of this thread's CPU time. Returns
        the verdict and, when the budget stopped the walk, what ran out ("" otherwise)."""
        _, verdict, exhausted = self.resolve_and_decide_bounded(action, note=note)
        return verdict, exhausted

    def resolve_and_decide_bounded(self, action: Action, *, note: str = "") -> "tuple[Action, Verdict, str]":
        """decide_bounded(), also returning the resolved action (what the daemon's run record keeps)."""
        from adr.daemon.cpuclock import decision_clock
        from adr.engine.core import Budget
        size = len(action.command) + len(action.content) + len(action.old_content) + len(action.url)
        budget = Budget(deadline=decision_clock() + cpu_net(self.settings, size), clock=decision_clock)
        resolved, verdict = self.resolve_and_decide(action, note=note, budget=budget)
        return resolved, verdict, budget.exhausted

    def scan(self, obs: "Observation", *, budget: Any = None) -> Verdict:
        """Text the agent read → the `on: text` findings, and what policy makes of them (mode and
        sensitivity apply: ask/deny means "taint the session", log means "recorded"). Offline: the
        text never leaves the machine."""
        findings = self.engine.scan(obs, budget) if budget is not None else self.engine.scan(obs)
        return decide(findings, self.settings)

    def scan_bounded(self, obs: "Observation") -> Verdict:
        """scan() with the same bounds as a decision (work units, then `decision_budget_ms` of CPU)."""
        from adr.daemon.cpuclock import decision_clock
        from adr.engine.core import Budget
        budget = Budget(deadline=decision_clock() + cpu_net(self.settings, len(obs.text)), clock=decision_clock)
        return self.scan(obs, budget=budget)

    def close(self) -> None:
        if self.online is not None:
            self.online.close()


CPU_MS_PER_MIB = 25.0  # the net's allowance for reading the input: ~12 ms per MiB of linear scans here


def cpu_net(settings: Settings, size: int) -> float:
    """Seconds of this thread's CPU a decision may take: `decision_budget_ms`, plus CPU_MS_PER_MIB for
    each MiB of input. The net catches work that grows faster than the input; the linear reads of a
    20 MB command (each substring test, the split into statements) cost ~250 ms on a slow Python
    build, which alone must not turn the deny behind it into "too costly" (the work units, which
    charge per 4 KiB, still bound the walk)."""
    return (settings.decision_budget_ms + CPU_MS_PER_MIB * size / (1024 * 1024)) / 1000.0


def _again(budget: Any, start: "tuple[int, Any]") -> Any:
    """The budget for the second walk of the same action: its work units anew, the same CPU
    deadline (resolve() + decide() walk the rules once under the decision's budget; so does the walk
    that counts). The same object, so the caller reads what stopped the walk that counts."""
    if budget is not None:
        budget.units, budget.deadline = start  # (a grace of the first walk is undone too)
        budget.spent = 0
        budget.exhausted = ""
        budget.graced = False
    return budget


def _trim_heap() -> None:
    """Give the C heap's free pages back after loading (YAML, rule compilation): glibc keeps them
    otherwise, and a long-lived daemon's RSS is what users see. A no-op elsewhere."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _merged(findings: tuple[Any, ...], extra: tuple[Any, ...]) -> tuple[Any, ...]:
    """The action's own findings plus those of what it runs; per rule id the stronger one."""
    if not extra:
        return findings
    out = {f.rule_id: f for f in findings}
    for f in extra:
        prev = out.get(f.rule_id)
        if prev is None or f.decision().rank > prev.decision().rank:
            out[f.rule_id] = f
    return tuple(out.values())

"""Reputation look-ups for one decision, within one time budget.

    service = ReputationService.from_settings(settings, paths, is_known_package=…)
    findings = service.findings_for_subjects(subjects)   # → list[Finding], never raises

Providers only look up what they are given: which packages, URLs and files an action involves is
the offline supply layer's business, and adr.judge.online wires the two (this package imports nothing
from adr.supply).

* one budget (Settings.lookup_budget) for all look-ups of a decision together, a separate connect
  timeout; requests run concurrently on a small thread pool
* an sqlite cache with TTLs by rating (cache.py); cached answers cost no time
* a circuit breaker per provider: after repeated failures (errors, time-outs, 429) it stops asking
  for a cool-down, then lets one request through to test the water
* a provider that is slow, down, rate-limited or keyless yields "unknown" — never "malicious" —
  and the decision goes on with local rules alone
"""
from __future__ import annotations

import re
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from adr.actions import Action, ActionKind, Evidence, Finding, PackageRef, RuleAction, Severity
from adr.config import Settings
from adr.paths import Paths
from adr.reputation import config as repconfig
from adr.reputation.cache import ReputationCache
from adr.reputation.interface import (MissingKey, Provider, ProviderError, Rating, RateLimited, Result, Subject,
                                      SubjectKind, strip_url)
from adr.reputation.keys import get_key

MAX_SUBJECTS = 24  # per decision
FAILURE_THRESHOLD = 3
COOLDOWN = 60.0
MAX_COOLDOWN = 900.0
DOWNLOADERS = {"curl", "wget", "aria2c", "http", "https", "xh", "fetch", "lwp-request", "GET", "axel"}
_URL = re.compile(r"^(https?|ftp)://[^\s'\"<>]+$", re.I)


def provider_classes() -> dict[str, type[Provider]]:
    from adr.reputation.malwarebazaar import MalwareBazaar
    from adr.reputation.osv import OSV
    from adr.reputation.registry import Registry
    from adr.reputation.safebrowsing import SafeBrowsing
    from adr.reputation.urlhaus import URLhaus
    from adr.reputation.virustotal import VirusTotal
    return {c.name: c for c in (URLhaus, SafeBrowsing, VirusTotal, MalwareBazaar, OSV, Registry)}


class CircuitBreaker:
    def __init__(self, clock: Callable[[], float] = time.monotonic, threshold: int = FAILURE_THRESHOLD,
                 cooldown: float = COOLDOWN):
        self.clock, self.threshold, self.base_cooldown = clock, threshold, cooldown
        self.failures = 0
        self.open_until = 0.0
        self.cooldown = cooldown
        self._probing = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.open_until and self.clock() < self.open_until:
            return "open"
        return "half-open" if self.open_until else "closed"

    def allow(self) -> bool:
        with self._lock:
            if not self.open_until:
                return True
            if self.clock() < self.open_until or self._probing:
                return False
            self._probing = True  # half-open: one trial request
            return True

    def success(self) -> None:
        with self._lock:
            self.failures, self.open_until, self.cooldown, self._probing = 0, 0.0, self.base_cooldown, False

    def failure(self, retry_after: float | None = None) -> None:
        with self._lock:
            self.failures += 1
            if retry_after is not None or self._probing or self.failures >= self.threshold:
                wait_s = retry_after if retry_after is not None else self.cooldown
                self.open_until = self.clock() + min(MAX_COOLDOWN, max(1.0, wait_s))
                if self._probing:
                    self.cooldown = min(MAX_COOLDOWN, self.cooldown * 2)
                self._probing = False


@dataclass
class LookupStats:
    requested: int = 0
    cached: int = 0
    timed_out: int = 0
    failed: int = 0
    skipped: int = 0
    elapsed: float = 0.0


@dataclass
class ReputationService:
    providers: dict[str, Provider]
    cache: ReputationCache | None = None
    budget: float = 1.0
    clock: Callable[[], float] = time.monotonic
    max_workers: int = 8
    is_known_package: Callable[[PackageRef], bool] = lambda ref: False
    config: repconfig.ReputationConfig = field(default_factory=repconfig.ReputationConfig)
    last_stats: LookupStats = field(default_factory=LookupStats)

    def __post_init__(self) -> None:
        self.breakers = {name: CircuitBreaker(self.clock) for name in self.providers}
        self._pool = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="adr-reputation")

    # ----------------------------------------------------------------------------- construction
    @classmethod
    def from_settings(cls, settings: Settings, paths: Paths | None = None, env: "dict[str, str] | None" = None,
                      is_known_package: Callable[[PackageRef], bool] | None = None) -> "ReputationService":
        providers: dict[str, Provider] = {}
        conf = repconfig.load(paths, env)
        if not settings.offline:
            classes = provider_classes()
            for name in settings.providers:
                c = classes.get(name)
                if c is None:
                    continue
                kw: dict[str, Any] = dict(base_url=conf.base_url(name), api_key=get_key(name, env),
                                          connect_timeout=settings.connect_timeout,
                                          read_timeout=settings.lookup_budget)
                if name == "registry":
                    kw["npm_base_url"] = conf.base_url("registry_npm")
                if name == "safebrowsing" and paths is not None:
                    from adr.reputation.sb_local import DB_NAME, PrefixDB
                    if (paths.feeds_dir / DB_NAME).exists():
                        kw["local_db"] = PrefixDB(paths.feeds_dir / DB_NAME)
                providers[name] = c(**kw)
        cache = ReputationCache(paths.reputation_cache) if paths is not None and providers else None
        return cls(providers, cache, settings.lookup_budget, config=conf,
                   is_known_package=is_known_package or (lambda ref: False))

    @property
    def enabled(self) -> bool:
        return bool(self.providers)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ----------------------------------------------------------------------------------- subjects
    def is_private(self, ref: PackageRef) -> bool:
        if ref.index or ref.source:
            return True  # from a custom index / URL / path: the name means nothing publicly
        n = ref.name.lower()
        if n in self.config.private_packages:
            return True
        return ref.ecosystem == "npm" and n.startswith("@") and n.split("/", 1)[0] in self.config.private_scopes

    # ------------------------------------------------------------------------------------ lookups
    def _wanted(self, provider: Provider, subject: Subject) -> bool:
        if not provider.supports(subject):
            return False
        if provider.name == "registry" and subject.kind is SubjectKind.PACKAGE:
            # popular names exist and are old: asking the registry about them only leaks intent
            return not self.is_known_package(PackageRef(subject.ecosystem, subject.value))
        return True

    def lookup(self, subjects: Sequence[Subject], budget: float | None = None) -> list[Result]:
        """Every (provider, subject) answer within the budget; "unknown" for what did not come."""
        start = self.clock()
        budget = self.budget if budget is None else budget
        deadline = start + budget
        stats = LookupStats()
        results: list[Result] = []
        pending: dict[Future, tuple[Provider, Subject]] = {}
        for subject in subjects:
            for provider in self.providers.values():
                if not self._wanted(provider, subject):
                    continue
                stats.requested += 1
                hit = self.cache.get(provider.name, subject) if self.cache else None
                if hit is not None:
                    stats.cached += 1
                    results.append(hit)
                    continue
                if not self.breakers[provider.name].allow():
                    stats.skipped += 1
                    results.append(Result(provider.name, subject, Rating.UNKNOWN, "provider paused after failures"))
                    continue
                remaining = max(0.05, deadline - self.clock())
                pending[self._pool.submit(provider.lookup, subject, remaining)] = (provider, subject)
        while pending:
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            done, _ = wait(list(pending), timeout=remaining, return_when=FIRST_COMPLETED)
            for fut in done:
                provider, subject = pending.pop(fut)
                results.append(self._settle(fut, provider, subject, stats))
        for fut, (provider, subject) in pending.items():
            fut.cancel()
            stats.timed_out += 1
            self.breakers[provider.name].failure()
            results.append(Result(provider.name, subject, Rating.UNKNOWN, f"no answer within {budget:.1f} s"))
        stats.elapsed = self.clock() - start
        self.last_stats = stats
        return results

    def _settle(self, fut: Future, provider: Provider, subject: Subject, stats: LookupStats) -> Result:
        breaker = self.breakers[provider.name]
        try:
            res = fut.result()
        except MissingKey as e:
            stats.failed += 1
            return Result(provider.name, subject, Rating.UNKNOWN, str(e))
        except RateLimited as e:
            stats.failed += 1
            breaker.failure(retry_after=e.retry_after)
            return Result(provider.name, subject, Rating.UNKNOWN, str(e))
        except ProviderError as e:
            stats.failed += 1
            breaker.failure()
            return Result(provider.name, subject, Rating.UNKNOWN, str(e))
        except Exception as e:  # a provider bug must not break a decision
            stats.failed += 1
            breaker.failure()
            return Result(provider.name, subject, Rating.UNKNOWN, f"{provider.name}: {type(e).__name__}")
        breaker.success()
        if self.cache is not None:
            self.cache.put(res)
        return res

    # ----------------------------------------------------------------------------------- findings
    def findings_for_subjects(self, subjects: Sequence[Subject]) -> list[Finding]:
        return results_to_findings(self.lookup(subjects)) if self.providers and subjects else []


def results_to_findings(results: Iterable[Result]) -> list[Finding]:
    out = []
    for r in results:
        if r.rating not in (Rating.MALICIOUS, Rating.SUSPICIOUS):
            continue
        mal = r.rating is Rating.MALICIOUS
        what = {SubjectKind.PACKAGE: f"package {r.subject.ecosystem}:{r.subject.value}"
                + (f"@{r.subject.version}" if r.subject.version else ""),
                SubjectKind.URL: f"URL {r.subject.value}", SubjectKind.HOST: f"host {r.subject.value}",
                SubjectKind.HASH: f"file sha256 {r.subject.value[:16]}…"}[r.subject.kind]
        out.append(Finding(
            rule_id=f"reputation.{r.provider}",
            title=f"{r.provider}: {what} is {r.rating.value}",
            severity=Severity.CRITICAL if mal else Severity.MEDIUM,
            action=RuleAction.DENY if mal else RuleAction.ASK,
            evidence=(Evidence(subject=r.subject.value, field=r.subject.kind.value, matched=r.subject.value,
                               note=r.detail + (" (cached)" if r.cached else "")),),
            description=r.detail,
            references=r.references,
            tags=("reputation", r.provider),
            source="reputation",
        ))
    return out


__all__ = ["ReputationService", "CircuitBreaker", "results_to_findings", "provider_classes", "strip_url"]

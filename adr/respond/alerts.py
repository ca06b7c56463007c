"""Alerts: what the human must see even though no agent is waiting for an answer.

A tampered grant, a broken user rule file, a config change that weakens protection, a process that no
hook judged, a reverted hook config, a rejected policy bundle: each is one Alert. Raising it writes an
audit record (event "alert", so the hash chain covers it), keeps it for `adr alerts`, and shows a
desktop notification when a channel can (one-way: nobody answers an alert here). Identical alerts
(same kind and key) within DEDUP_SECONDS are counted, not repeated, so a loop cannot flood the human.
"""
from __future__ import annotations

import contextlib
import logging
import os
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from adr.display import visible
from adr.notify.interface import APP_NAME
from adr.record.audit import event_entry
from adr.record.redact import redact

if TYPE_CHECKING:  # pragma: no cover
    import asyncio

log = logging.getLogger("adr.alerts")

SEVERITIES = ("info", "low", "medium", "high", "critical")
KEEP = 1000  # alerts kept in memory for `adr alerts` (the audit log keeps every one)
DEDUP_SECONDS = 60.0
NOTIFY_TIMEOUT = 5.0


@dataclass(frozen=True)
class Alert:
    kind: str  # tamper | rules | config | grant | process | network | file | breaker | policy | injection …
    title: str  # one line for the notification title
    detail: str = ""  # what happened, for the human (redacted before it is stored)
    severity: str = "high"
    key: str = ""  # what makes two alerts "the same" (default: kind + title)
    session: str = ""
    host: str = ""
    data: tuple[tuple[str, Any], ...] = ()  # small extra facts (pid, path, rule id …), JSON-able values

    def to_entry(self) -> dict[str, Any]:
        return event_entry("alert", self.kind, self.title, reason=self.detail, session=self.session, host=self.host,
                           severity=self.severity,
                           alert={k: (redact(v, 2000) if isinstance(v, str) else v) for k, v in self.data})


@dataclass
class Raised:
    id: str
    alert: Alert
    first: float
    last: float
    count: int = 1
    acknowledged: bool = False
    seq: int | None = None  # the audit record's sequence number
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        a = self.alert
        return {"id": self.id, "kind": a.kind, "severity": a.severity, "title": redact(a.title, 300),
                "detail": redact(a.detail, 2000), "session": a.session, "host": a.host,
                "data": {k: (redact(v, 2000) if isinstance(v, str) else v) for k, v in a.data},
                "first": self.first, "last": self.last, "count": self.count,
                "acknowledged": self.acknowledged, "audit_seq": self.seq, **self.extra}


class Alerts:
    """The daemon's alert desk. `audit` writes one record and returns it (with its seq)."""

    def __init__(self, audit: Callable[[dict[str, Any]], "dict[str, Any] | None"],
                 notifiers: Callable[[], list[Any]] = list) -> None:
        self._audit = audit
        self._notifiers = notifiers
        self.items: "deque[Raised]" = deque(maxlen=KEEP)
        self._by_key: dict[str, Raised] = {}
        self.counts: dict[str, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def raise_alert(self, alert: Alert) -> Raised:
        """Record and show one alert (callable from the event loop thread)."""
        if alert.severity not in SEVERITIES:
            alert = Alert(**{**alert.__dict__, "severity": "high"})
        key = f"{alert.kind}\0{alert.key or alert.title}"
        now = time.time()
        prev = self._by_key.get(key)
        if prev is not None and now - prev.last < DEDUP_SECONDS and not prev.acknowledged:
            prev.count += 1
            prev.last = now
            return prev
        r = Raised(id=os.urandom(4).hex(), alert=alert, first=now, last=now)
        rec = self._audit({**alert.to_entry(), "alert_id": r.id})
        if isinstance(rec, dict):
            r.seq = rec.get("seq")
        self.items.append(r)
        self._by_key[key] = r
        if len(self._by_key) > 4 * KEEP:
            live = {id(x) for x in self.items}
            self._by_key = {k: v for k, v in self._by_key.items() if id(v) in live}
        self.counts[alert.kind] = self.counts.get(alert.kind, 0) + 1
        log.warning("alert [%s/%s] %s: %s", alert.kind, alert.severity, redact(alert.title, 300),
                    redact(alert.detail, 500))
        self._show(alert)
        return r

    def _show(self, alert: Alert) -> None:
        import asyncio  # (here: the hook's fallback imports this module, and asyncio is ~20 ms to import)

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        tellers = [n for n in self._notifiers() if hasattr(n, "tell")]
        if not tellers:
            return
        # the alert names what the agent did (paths, commands): hidden characters shown here, and each
        # channel escapes its own markup (adr/display.py)
        title = visible(f"{APP_NAME} alert: {redact(alert.title, 120)}", keep="")
        body = visible(redact(alert.detail, 600) + (f"\n(session {alert.session})" if alert.session else "") +
                       "\nSee `adr alerts` in your terminal.")

        async def show() -> None:
            for n in tellers:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(n.tell(title, body, alert.severity), NOTIFY_TIMEOUT)
                    return

        t = loop.create_task(show())
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)

    def acknowledge(self, alert_id: str) -> bool:
        for r in self.items:
            if r.id == alert_id:
                r.acknowledged = True
                return True
        return False

    def listing(self, *, include_acknowledged: bool = False, limit: int = 200) -> list[dict[str, Any]]:
        out = [r.to_dict() for r in reversed(self.items) if include_acknowledged or not r.acknowledged]
        return out[:max(0, limit)]

    def status(self) -> dict[str, Any]:
        open_ = sum(1 for r in self.items if not r.acknowledged)
        return {"open": open_, "raised": sum(self.counts.values()), "by_kind": dict(self.counts)}

    async def drain(self) -> None:
        """Let notifications still being shown finish (shutdown)."""
        if self._tasks:
            import asyncio

            with contextlib.suppress(Exception):
                await asyncio.wait(list(self._tasks), timeout=NOTIFY_TIMEOUT)


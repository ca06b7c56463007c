"""Weaker settings wait for the human; stronger ones apply at once.

At every (re)load the daemon compares what config.yaml asks for with the settings it last had in
force (`settings.confirmed.json`, adr/config.py). A change that weakens protection — written by an
agent, a script, or the human's own editor — is held: the stronger value stays in force for that
setting, `adr status` says so, and the human is asked on the desktop channel (Confirm / Refuse) or
confirms with `adr config confirm` (a challenge: the code or button only the human sees). `adr config
set|edit` obtains that confirmation before it writes, so its changes apply without a second question.

The first start on a machine where adr never ran takes config.yaml as it is (nothing to compare
with); once adr has run, a missing record compares with the defaults instead.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from adr.config import Settings, Weakening, held_settings, read_confirmed, settings_dict, write_confirmed
from adr.daemon.gate import digest_of, security_entry
from adr.notify import interface as N
from adr.paths import Paths

log = logging.getLogger("adr.daemon")

QUESTION_TIMEOUT = 600.0  # seconds the desktop question stays up (`adr config confirm` works after)
MAX_REFUSED = 64


@dataclass(frozen=True)
class Hold:
    wanted: Settings  # what config.yaml asks for
    weakenings: tuple[Weakening, ...]
    digest: str  # of `wanted`: a refused change is not asked about again

    def changes(self) -> list[str]:
        return [w.describe() for w in self.weakenings]


def settings_digest(s: Settings) -> str:
    return digest_of(json.dumps(settings_dict(s), sort_keys=True))


class SettingsGuard:
    def __init__(self, paths: Paths, audit: Callable[[dict[str, Any]], None]) -> None:
        self.paths = paths
        self._audit = audit
        self.hold: Hold | None = None
        self.since = 0.0
        self.refused: dict[str, None] = {}
        self.asking: "asyncio.Task[Any] | None" = None

    def review(self, wanted: Settings) -> tuple[Settings, Hold | None]:
        """(settings to put in force, what is held back). Reads files only: runs in a worker thread."""
        confirmed = read_confirmed(self.paths)
        if confirmed is None:
            confirmed = wanted if self._first_run() else Settings()
        effective, held = held_settings(confirmed, wanted)
        return effective, (Hold(wanted, held, settings_digest(wanted)) if held else None)

    def _first_run(self) -> bool:
        d = self.paths.audit_dir
        return not d.is_dir() or not any(p.name.startswith("audit.jsonl") for p in d.iterdir())

    def adopt(self, effective: Settings, hold: Hold | None) -> bool:
        """After a load is swapped in: remember what is in force (so a later change is compared with
        it) and what is held. True when the human should be asked about a new hold."""
        if read_confirmed(self.paths) != effective:
            write_confirmed(self.paths, effective, "in force")
        prev, self.hold = self.hold, hold
        if hold is None:
            return False
        if prev is None or prev.digest != hold.digest:
            self.since = time.time()
            self._record("held", "config.yaml asks for weaker protection; the stronger values stay in force "
                                 "until you confirm (`adr config confirm`)", by="daemon")
            log.warning("config.yaml asks for weaker protection; held until confirmed: %s", "; ".join(hold.changes()))
        return hold.digest not in self.refused and (prev is None or prev.digest != hold.digest)

    def confirm(self, via: str, pid: int | None = None) -> bool:
        """The human confirmed the held change: it is what is in force from the next load."""
        hold = self.hold
        if hold is None:
            return False
        write_confirmed(self.paths, hold.wanted, f"confirmed by you ({via})")
        self._record("confirmed", f"confirmed by you ({via})", by="human", pid=pid)
        self.hold = None
        return True

    def refuse(self, via: str) -> None:
        hold = self.hold
        if hold is None:
            return
        if len(self.refused) >= MAX_REFUSED:
            self.refused.pop(next(iter(self.refused)))
        self.refused[hold.digest] = None
        self._record("refused", f"refused by you ({via}); the stronger values stay in force", by="human")

    def written(self, wanted: Settings, via: str, pid: int | None) -> None:
        """`adr config set|edit` wrote config.yaml with the human's confirmation (recorded by the
        daemon as a "control" event with the changes)."""
        write_confirmed(self.paths, wanted, f"written by `adr config` ({via})")

    def question(self) -> N.Question | None:
        hold = self.hold
        if hold is None:
            return None
        return N.Question(id=hold.digest[:8], agent="", host="", project="", action="", rule_id="",
                          rule_title="config.yaml asks for weaker protection", reason="", kind="confirm",
                          lines=(*hold.changes(), "Until you confirm, adr keeps the stronger values in force.",
                                 "In a terminal: adr config confirm"),
                          choices=(N.CONFIRM_OP, N.DENY), timeout=QUESTION_TIMEOUT)

    async def ask(self, notifiers: list[Any], on_error: Callable[[Any, Exception], None],
                  on_confirmed: Callable[[], None]) -> None:
        """Put the held change to the desktop channel (Confirm / Refuse)."""
        q, hold = self.question(), self.hold
        for notifier in notifiers:
            if q is None or self.hold is not hold:
                return
            try:
                ans = await notifier.ask(q)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                on_error(notifier, e)
                continue
            if ans is None or self.hold is not hold:
                return
            if ans.choice == N.CONFIRM_OP and self.confirm(ans.channel):
                on_confirmed()
            elif ans.choice == N.DENY:
                self.refuse(ans.channel)
            return

    def status(self) -> dict[str, Any]:
        hold = self.hold
        if hold is None:
            return {}
        return {"held": [w.to_dict() for w in hold.weakenings],
                "since": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.since)),
                "refused": hold.digest in self.refused, "confirm_with": "adr config confirm"}

    def _record(self, decision: str, reason: str, *, by: str, pid: int | None = None) -> None:
        hold = self.hold
        changes = "; ".join(hold.changes()) if hold else ""
        entry = security_entry(pid, hold.digest[:12] if hold else "", "settings", reason, kind="settings",
                               security="config-weakening", summary=f"weaker settings: {changes}", by=by)
        self._audit({**entry, "event": "config", "decision": decision, "reason": reason,
                     "settings": [w.to_dict() for w in hold.weakenings] if hold else []})

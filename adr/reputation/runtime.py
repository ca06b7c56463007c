"""The one object the daemon keeps for online checks: `OnlineChecks.findings(action, commands)`.

Per decision it (1) collects reputation subjects of the action (URLs, packages, manifests),
(2) adds the sha256 of any previously downloaded file that this command now runs, sources or
chmods (curl -o / wget, remembered per session), (3) looks everything up in ONE budget, and
(4) remembers what this command downloads for later. Returns `reputation.<provider>` findings
to merge with the engine's; never raises, never waits past the budget.
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Sequence

from adr.actions import Action, ActionKind, Finding
from adr.config import Settings
from adr.paths import Paths
from adr.reputation.interface import Subject, SubjectKind
from adr.reputation.lookup import ReputationService, results_to_findings
from adr.supply.downloads import HASH_PROVIDERS, DownloadTracker, sha256_file


class OnlineChecks:
    def __init__(self, service: ReputationService, tracker: DownloadTracker | None = None):
        self.service = service
        self.tracker = tracker or DownloadTracker()

    @classmethod
    def from_settings(cls, settings: Settings, paths: Paths | None = None) -> "OnlineChecks":
        return cls(ReputationService.from_settings(settings, paths))

    @property
    def enabled(self) -> bool:
        return self.service.enabled

    def findings(self, action: Action, commands: "Sequence[Any] | None" = None) -> list[Finding]:
        """`commands`: the engine's simple commands for this action; None → parse action.command here."""
        try:
            if commands is None:
                commands = _commands_of(action)
            return self._findings(action, commands)
        except Exception:  # online checks are advisory: a bug here must not break a decision
            return []

    def _findings(self, action: Action, commands: Sequence[Any]) -> list[Finding]:
        session = action.context.session or "-"
        cwd = action.context.cwd
        hashed: dict[str, str] = {}  # sha256 → path
        if action.kind is ActionKind.EXEC and any(p in self.service.providers for p in HASH_PROVIDERS):
            for cmd in commands:
                for path in self.tracker.touched(session, tuple(getattr(cmd, "argv", ()) or ()), cwd):
                    if os.path.isfile(path):
                        digest = sha256_file(path)
                        if digest:
                            hashed[digest] = path
        out: list[Finding] = []
        if self.service.enabled:
            subjects = self.service.subjects_for(action, commands) + [Subject.sha256(d) for d in hashed]
            results = self.service.lookup(subjects) if subjects else []
            for f in results_to_findings(results):
                ev = f.evidence[0] if f.evidence else None
                if ev is not None and ev.field == SubjectKind.HASH.value and ev.subject in hashed:
                    path = hashed[ev.subject]
                    f = replace(f, evidence=(replace(ev, subject=path, field="downloaded-file",
                                                     note=f"sha256 {ev.subject}; {ev.note}"),))
                out.append(f)
        if action.kind is ActionKind.EXEC:
            for cmd in commands:
                self.tracker.record(session, tuple(getattr(cmd, "argv", ()) or ()), cwd, getattr(cmd, "redirects", ()))
        return out

    def close(self) -> None:
        self.service.close()


def _commands_of(action: Action) -> Sequence[Any]:
    if action.kind is not ActionKind.EXEC or not action.command:
        return ()
    try:
        from adr.shell.parse import parse as parse_shell
    except ImportError:
        return ()
    return parse_shell(action.command).commands


__all__ = ["OnlineChecks"]

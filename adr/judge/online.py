"""Online checks: the offline supply layer (which packages, URLs and downloaded files an action
involves) wired to the network reputation layer (what providers say about them).

adr.supply never reaches the network and adr.reputation's providers only look up what they are
given; this module — used by the judge — is the one place that knows both.

    checks = OnlineChecks.from_settings(settings, paths)
    findings = checks.findings(action, commands)        # never raises, never waits past the budget
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Any, Iterable, Sequence

from adr.actions import WEB_SEARCH_URL, Action, ActionKind, Finding, PackageRef
from adr.config import Settings
from adr.paths import Paths
from adr.reputation.interface import Subject, SubjectKind
from adr.reputation.lookup import MAX_SUBJECTS, ReputationService, results_to_findings
from adr.supply.downloads import HASH_PROVIDERS, DownloadTracker, sha256_file
from adr.supply.extract import extract_installs
from adr.supply.malicious import pinned_version
from adr.supply.manifests import manifest_changes
from adr.supply.names import normalize

_DOWNLOADERS = {"curl", "wget", "aria2c", "http", "https", "xh", "fetch", "lwp-request", "GET", "axel", "git"}
_URL = re.compile(r"^(https?|ftp)://[^\s'\"<>]+$", re.I)


def package_subjects(service: ReputationService, refs: Iterable[PackageRef]) -> list[Subject]:
    """Look-up subjects for packages: registry names (normalized as the registry knows them, with a
    pinned version), or the URL they come from; private packages are never sent."""
    out: list[Subject] = []
    for ref in refs:
        if ref.source and _URL.match(ref.source):
            out.append(Subject.url(ref.source))
        if service.is_private(ref):
            continue
        out.append(Subject.package(ref.ecosystem, normalize(ref.name, ref.ecosystem), pinned_version(ref.spec) or ""))
    return out


def lookup_subjects(service: ReputationService, action: Action, commands: Sequence[Any] = ()) -> list[Subject]:
    """Everything of `action` worth asking the enabled providers about (bounded)."""
    subjects: list[Subject] = []
    if action.kind is ActionKind.URL_FETCH and action.url:
        if not action.url.startswith(WEB_SEARCH_URL):  # (a search's stand-in host: nothing to look up)
            subjects.append(Subject.url(action.url))
    elif action.kind is ActionKind.PACKAGE_INSTALL:
        subjects += package_subjects(service, action.packages)
    elif action.kind in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT) and action.path:
        ch = manifest_changes(action.path, action.content, action.old_content)
        if ch:
            subjects += package_subjects(service, ch.packages)
    for cmd in commands:
        argv = tuple(getattr(cmd, "argv", ()) or ())
        if not argv:
            continue
        if argv[0] in _DOWNLOADERS:
            subjects += [Subject.url(a) for a in argv[1:] if _URL.match(a)]
        subjects += package_subjects(service, extract_installs(argv, action.context.cwd))
    # URL subjects also get their host checked (URLhaus lists hosts)
    hosts = []
    for s in subjects:
        if s.kind is SubjectKind.URL:
            h = re.sub(r"^[a-z]+://", "", s.value).split("/", 1)[0].split(":")[0]
            if h:
                hosts.append(Subject.host(h))
    uniq = list(dict.fromkeys([s for s in subjects if s.value] + hosts))
    return uniq[:MAX_SUBJECTS]


def findings_for_action(service: ReputationService, action: Action, commands: Sequence[Any] = ()) -> list[Finding]:
    """Reputation findings for an action (never raises)."""
    if not service.providers:
        return []
    try:
        subjects = lookup_subjects(service, action, commands)
    except Exception:
        return []
    return service.findings_for_subjects(subjects) if subjects else []


def check_downloaded(path: str, service: ReputationService) -> list[Finding]:
    """Hash a downloaded file and ask the enabled hash providers about it (within the budget)."""
    providers = {n: p for n, p in getattr(service, "providers", {}).items() if n in HASH_PROVIDERS}
    if not providers:
        return []
    digest = sha256_file(path)
    if digest is None:
        return []
    results = [r for r in service.lookup([Subject.sha256(digest)]) if r.provider in HASH_PROVIDERS]
    out = []
    for f in results_to_findings(results):
        ev = tuple(replace(e, subject=path, field="downloaded-file", note=f"sha256 {digest}; {e.note}") for e in f.evidence)
        out.append(replace(f, evidence=ev))
    return out


def known_package_checker(paths: "Paths | None") -> Any:
    """is_known_package for the registry provider: popular names (adr's offline lists) are never
    asked about. Opens the typosquat index lazily, on the first package looked up."""
    holder: dict[str, Any] = {}

    def known(ref: PackageRef) -> bool:
        if "c" not in holder:
            from adr.supply.typosquat import TyposquatChecker
            holder["c"] = TyposquatChecker.load(cache_dir=paths.cache_dir) if paths is not None else TyposquatChecker.load()
        return holder["c"].is_known(ref.name, ref.ecosystem)
    return known


class OnlineChecks:
    """Per decision: (1) the reputation subjects of the action (URLs, packages, manifests), (2) the
    sha256 of any previously downloaded file that this command now runs, sources or chmods (curl -o /
    wget, remembered per session), (3) every look-up in ONE budget, (4) what this command downloads,
    remembered for later. Returns `reputation.<provider>` findings to merge with the engine's."""

    def __init__(self, service: ReputationService, tracker: DownloadTracker | None = None):
        self.service = service
        self.tracker = tracker or DownloadTracker()

    @classmethod
    def from_settings(cls, settings: Settings, paths: Paths | None = None) -> "OnlineChecks":
        return cls(ReputationService.from_settings(settings, paths, is_known_package=known_package_checker(paths)))

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
            subjects = lookup_subjects(self.service, action, commands) + [Subject.sha256(d) for d in hashed]
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
    from adr.shell.parse import parse_remembered
    return parse_remembered(action.command).commands

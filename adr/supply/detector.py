"""The supply-chain detector the engine calls: `make_detector(paths).detect(view)`.

`view.action` is the Action; `view.commands` the simple commands the shell layer found (objects
with .argv, .program, .sudo). It looks at

* exec          — installs on each command line (pip, uv, poetry, pipx, npm/npx/yarn/pnpm/bun,
                  cargo, gem, go, brew), downloads from URLs listed in the local feeds
* file writes   — added packages and lifecycle scripts in dependency manifests
* package_install — action.packages
* url_fetch     — the URL against the local feeds

and reports supply.known-malicious (deny, critical), supply.typosquat (ask, high),
supply.install-from-url / supply.custom-index (ask, medium), supply.lifecycle-script
(ask, medium when the script fetches or evaluates code, else log), supply.malicious-url (deny).

All data (popularity lists, malicious-package seed + OSV snapshot, URL feeds) is loaded once at
construction; `detect` does no network I/O. The one read it may do is a `-r requirements.txt`
named on the command line (bounded; pass read_files=False to forbid it).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

import yaml

from adr import lazyre
from adr.actions import Action, ActionKind, Evidence, Finding, PackageRef, RuleAction, Severity
from adr.paths import Paths, get_paths
from adr.supply.extract import extract_installs, installer_program, is_default_index, read_bounded
from adr.supply.feeds import UrlBlocklist
from adr.supply.malicious import MaliciousIndex
from adr.supply.manifests import LifecycleScript, manifest_changes
from adr.supply.typosquat import TyposquatChecker

_REMOTE = lazyre.compile(r"^(git\+|hg\+|svn\+|bzr\+|git@|git:|github:|gitlab:|bitbucket:|gist:|https?://|ftp://|tap:)", re.I)
_RISKY_SCRIPT = lazyre.compile(
    r"\b(curl|wget|nc|ncat|bash|sh|zsh|powershell|pwsh|eval|base64|python[0-9.]*\s+-c|node\s+-e|perl\s+-e)\b"
    r"|https?://|\|\s*(ba)?sh\b|\$\(|`", re.I)
_DOWNLOADERS = {"curl", "wget", "aria2c", "http", "xh", "fetch", "axel"}
# Public indexes that projects document as the way to install them (PyTorch / NVIDIA wheels, PyG):
# asking about them would teach people to click "allow" without reading.
WELL_KNOWN_INDEX_HOSTS = frozenset({"download.pytorch.org", "pypi.nvidia.com", "pypi.ngc.nvidia.com",
                                    "data.pyg.org", "registry.npmjs.org", "registry.yarnpkg.com", "pypi.org",
                                    "files.pythonhosted.org"})
_URL = lazyre.compile(r"^(https?|ftp)://\S+$", re.I)


@dataclass(frozen=True)
class _Origin:
    subject: str  # command text / manifest path / action summary
    field: str  # command | manifest | packages
    note: str = ""


class SupplyDetector:
    name = "supply"

    def __init__(self, typosquat: TyposquatChecker | None = None, malicious: MaliciousIndex | None = None,
                 blocklist: UrlBlocklist | None = None, trusted_indexes: Iterable[str] = (), read_files: bool = True):
        self.typosquat = typosquat or TyposquatChecker.load()
        self.malicious = malicious or MaliciousIndex.load()
        self.blocklist = blocklist or UrlBlocklist()
        self.trusted_indexes = {u.rstrip("/") for u in trusted_indexes}
        self.read_files = read_files

    # ------------------------------------------------------------------------------------ public
    def warm(self, background: bool = True) -> None:
        """Open (or, the first time, build in a child process) the typosquat indexes now rather than
        at the first package install judged: a long-lived process (the daemon) calls this at start."""
        if background:
            threading.Thread(target=self.typosquat.warm, name="adr-supply-warm", daemon=True).start()
        else:
            self.typosquat.warm()

    def detect(self, view: Any) -> list[Finding]:
        action: Action = view.action
        commands: Sequence[Any] = tuple(getattr(view, "commands", ()) or ())
        findings: list[Finding] = []
        kind = action.kind
        if kind is ActionKind.PACKAGE_INSTALL:
            findings += self.check_packages(action.packages, _Origin(action.summary(), "packages"))
        elif kind in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT) and action.path:
            ch = manifest_changes(action.path, action.content, action.old_content)
            if ch is not None:
                origin = _Origin(action.path, "manifest", f"added to {ch.kind}")
                findings += self.check_packages(ch.packages, origin)
                findings += [self._script_finding(s, action.path) for s in ch.scripts]
        elif kind is ActionKind.URL_FETCH and action.url:
            findings += self._url_findings([action.url], _Origin(action.url, "url"))
        if kind is ActionKind.EXEC or commands:
            cwd = action.context.cwd
            for cmd in commands:
                argv = tuple(getattr(cmd, "argv", ()) or ())
                if not argv:
                    continue
                installs = installer_program(argv)
                fetches = argv[0] in _DOWNLOADERS or argv[0] == "git"
                if not installs and not fetches:
                    continue  # most commands: nothing for this detector
                origin = _Origin(" ".join(argv), "command", getattr(cmd, "via", "") or "")
                if installs:
                    refs = extract_installs(argv, cwd, read_bounded if self.read_files else (lambda _p: None))
                    findings += self.check_packages(refs, origin)
                if fetches:
                    findings += self._url_findings([a for a in argv[1:] if _URL.match(a)], origin)
            # manifests written by the command line itself (cat > requirements.txt <<EOF, echo >> …)
            parsed = getattr(view, "parsed", None)
            for w in getattr(parsed, "writes", ()) or ():
                content = getattr(w, "content", None)
                if content is None:
                    continue
                ch = manifest_changes(getattr(w, "path", ""), content, "")
                if ch is not None:
                    origin = _Origin(getattr(w, "path", ""), "manifest", f"written by {getattr(w, 'by', '') or 'the shell'}")
                    findings += self.check_packages(ch.packages, origin)
                    findings += [self._script_finding(s, getattr(w, "path", "")) for s in ch.scripts]
        return _dedupe(findings)

    def check_packages(self, refs: Iterable[PackageRef], origin: _Origin) -> list[Finding]:
        out: list[Finding] = []
        seen_index: set[str] = set()
        for ref in refs:
            mal = self.malicious.match(ref)
            if mal is not None:
                out.append(Finding(
                    rule_id="supply.known-malicious",
                    title=f"Known-malicious package {ref.ecosystem}:{ref.name}"
                          + (f" {ref.spec}" if mal.versions else ""),
                    severity=Severity.CRITICAL, action=RuleAction.DENY,
                    evidence=(self._ev(origin, ref.name, f"{mal.source}: {mal.reference}"),),
                    description=(f"{ref.ecosystem} package {ref.name!r} is listed as malicious "
                                 f"({mal.reference}). Do not install it; remove it from the command or manifest."),
                    references=(f"https://osv.dev/vulnerability/{mal.reference}",) if mal.reference.startswith("MAL-") else (),
                    tags=("supply-chain", "malicious-package"), source="supply"))
                continue
            if not ref.source:
                sq = self.typosquat.check(ref.name, ref.ecosystem)
                if sq is not None:
                    out.append(Finding(
                        rule_id="supply.typosquat",
                        title=f"{ref.ecosystem} package {ref.name!r} looks like a typosquat of {sq.target!r}",
                        severity=Severity.HIGH, action=RuleAction.ASK,
                        evidence=(self._ev(origin, ref.name, f"imitates {sq.target!r} ({sq.kind}: {sq.detail})"),),
                        description=(f"{ref.name!r} is not a known popular package but {sq.detail}; "
                                     f"{sq.target!r} is #{sq.target_rank} by downloads. If you meant {sq.target!r}, "
                                     f"install that; approve only if {ref.name!r} is really intended."),
                        tags=("supply-chain", "typosquat", sq.kind), source="supply"))
            if ref.source and _REMOTE.match(ref.source):
                out.append(Finding(
                    rule_id="supply.install-from-url",
                    title=f"Install of {ref.name!r} from {_short(ref.source)} instead of the registry",
                    severity=Severity.MEDIUM, action=RuleAction.ASK,
                    evidence=(self._ev(origin, ref.source, "URL / VCS source"),),
                    description=("Code installed straight from a URL or repository skips the registry's "
                                 "malware screening and version pinning. Approve if you trust the source."),
                    tags=("supply-chain", "url-install"), source="supply"))
            idx = ref.index.rstrip("/")
            if idx and not is_default_index(idx) and idx not in self.trusted_indexes and idx not in seen_index \
                    and _host(idx) not in WELL_KNOWN_INDEX_HOSTS:
                seen_index.add(idx)
                out.append(Finding(
                    rule_id="supply.custom-index",
                    title=f"Install from a custom index/registry {_short(idx)}",
                    severity=Severity.MEDIUM, action=RuleAction.ASK,
                    evidence=(self._ev(origin, ref.index, "custom package index"),),
                    description=("Packages come from a non-default index. An extra index next to the public one "
                                 "invites dependency confusion. Approve if this is your organisation's index."),
                    tags=("supply-chain", "custom-index"), source="supply"))
        return out

    # ---------------------------------------------------------------------------------- helpers
    def _url_findings(self, urls: list[str], origin: _Origin) -> list[Finding]:
        out = []
        for u in urls:
            why = self.blocklist.match(u)
            if why:
                out.append(Finding(
                    rule_id="supply.malicious-url",
                    title=f"URL on a malware/phishing feed: {_short(u)}",
                    severity=Severity.CRITICAL, action=RuleAction.DENY,
                    evidence=(self._ev(origin, u, why),),
                    description="The URL (or its host) is listed by a downloaded threat feed (adr feeds update).",
                    tags=("supply-chain", "threat-feed"), source="supply"))
        return out

    def _script_finding(self, s: LifecycleScript, path: str) -> Finding:
        risky = bool(_RISKY_SCRIPT.search(s.command))
        return Finding(
            rule_id="supply.lifecycle-script",
            title=f"package.json {s.hook} script added" + (" that fetches or evaluates code" if risky else ""),
            severity=Severity.MEDIUM if risky else Severity.LOW,
            action=RuleAction.ASK if risky else RuleAction.LOG,
            evidence=(Evidence(subject=path, field="scripts." + s.hook, matched=s.command[:200], note=s.hook),),
            description=(f"npm runs the {s.hook} script automatically on install: {s.command[:200]!r}."),
            tags=("supply-chain", "lifecycle-script"), source="supply")

    @staticmethod
    def _ev(origin: _Origin, matched: str, note: str) -> Evidence:
        i = origin.subject.find(matched) if matched else -1
        span = (i, i + len(matched)) if i >= 0 else None
        n = f"{note}; {origin.note}" if origin.note else note
        return Evidence(subject=origin.subject, field=origin.field, span=span, matched=matched, note=n)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _short(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    out = []
    for f in findings:
        key = (f.rule_id, f.title)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def make_detector(paths: Paths | None = None, *, read_files: bool = True, warm: bool = False) -> SupplyDetector:
    """Load the bundled data plus whatever `adr feeds update` stored under paths.feeds_dir."""
    if paths is None:
        try:
            paths = get_paths()
        except Exception:
            paths = None
    trusted: list[str] = []
    if paths is not None:
        f = paths.config_dir / "reputation.yaml"  # trusted_indexes: [https://pypi.mycorp/simple]
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) if f.exists() else {}
            if isinstance(data, dict):
                trusted = [str(u) for u in (data.get("trusted_indexes") or ())]
        except (OSError, yaml.YAMLError):
            trusted = []
    squat = TyposquatChecker.load(cache_dir=paths.cache_dir) if paths is not None else TyposquatChecker.load()
    det = SupplyDetector(squat, MaliciousIndex.load(paths), UrlBlocklist.load(paths),
                         trusted_indexes=trusted, read_files=read_files)
    if warm:  # build the lazy index in the background, off the first decision's path
        det.warm()
    return det

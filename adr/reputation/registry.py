"""Public registries (PyPI JSON API, npm registry): does the package — and the pinned version —
exist at all (a hallucinated name is a squatting opportunity), how old is its first release,
and (npm) was the newest release published by an account that never published it before?

GET {pypi}/pypi/{name}/json  → 404 | {"info": {...}, "releases": {"1.0": [{"upload_time_iso_8601"}]}}
GET {npm}/{name}             → 404 | {"time": {"created", "<ver>"}, "versions": {"<ver>": {"_npmUser"}},
                                      "dist-tags": {"latest"}}
Only names that adr does not already know as popular are sent (see lookup.py), and never names
from a private index, registry or scope.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import quote

from adr.reputation.interface import Provider, ProviderError, Rating, Result, Subject, SubjectKind

NEW_PACKAGE_DAYS = 14
MAINTAINER_CHANGE_DAYS = 30


def _ts(s: object) -> float | None:
    if not isinstance(s, str) or not s:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@dataclass
class Registry(Provider):
    name: ClassVar[str] = "registry"
    kinds: ClassVar[frozenset] = frozenset({SubjectKind.PACKAGE})
    default_base_url: ClassVar[str] = "https://pypi.org"
    default_npm_url: ClassVar[str] = "https://registry.npmjs.org"

    npm_base_url: str = ""
    now: float | None = None  # tests pin the clock

    def __post_init__(self) -> None:
        super().__post_init__()
        self.npm_base_url = (self.npm_base_url or self.default_npm_url).rstrip("/")

    def supports(self, subject: Subject) -> bool:
        return subject.kind is SubjectKind.PACKAGE and subject.ecosystem in ("pypi", "npm")

    def _now(self) -> float:
        return self.now if self.now is not None else time.time()

    def _lookup(self, subject: Subject, timeout: float) -> Result:
        return self._pypi(subject, timeout) if subject.ecosystem == "pypi" else self._npm(subject, timeout)

    def _age_days(self, first: float | None) -> float | None:
        return None if first is None else (self._now() - first) / 86400

    def _pypi(self, subject: Subject, timeout: float) -> Result:
        # the name as given (the caller normalizes it; PyPI also redirects other spellings)
        r = self._request("GET", f"{self.base_url}/pypi/{quote(subject.value, safe='')}/json", timeout,
                          headers={"Accept": "application/json"}, allow_redirects=True)
        if r.status_code == 404:
            return self.result(subject, Rating.SUSPICIOUS, "no such project on PyPI (a hallucinated name?)", ttl=3600)
        if r.status_code != 200:
            raise ProviderError(f"registry: PyPI HTTP {r.status_code}")
        data = self._json(r)
        releases = data.get("releases") or {}
        if subject.version and releases and subject.version not in releases:
            return self.result(subject, Rating.SUSPICIOUS, f"PyPI has no release {subject.version} of it", ttl=3600)
        times = [t for files in releases.values() if isinstance(files, list) for f in files
                 if isinstance(f, dict) and (t := _ts(f.get("upload_time_iso_8601") or f.get("upload_time")))]
        age = self._age_days(min(times) if times else None)
        if age is not None and age < NEW_PACKAGE_DAYS:
            return self.result(subject, Rating.SUSPICIOUS, f"first published on PyPI {age:.0f} day(s) ago", ttl=3600)
        return self.result(subject, Rating.CLEAN,
                           f"on PyPI since {age:.0f} days" if age is not None else "on PyPI")

    def _npm(self, subject: Subject, timeout: float) -> Result:
        name = subject.value
        path = "@" + quote(name[1:], safe="") if name.startswith("@") else quote(name, safe="")
        r = self._request("GET", f"{self.npm_base_url}/{path}", timeout, headers={"Accept": "application/json"})
        if r.status_code == 404:
            return self.result(subject, Rating.SUSPICIOUS, "no such package on npm (a hallucinated name?)", ttl=3600)
        if r.status_code != 200:
            raise ProviderError(f"registry: npm HTTP {r.status_code}")
        data = self._json(r)
        versions = data.get("versions") or {}
        times = data.get("time") or {}
        if subject.version and versions and subject.version not in versions:
            return self.result(subject, Rating.SUSPICIOUS, f"npm has no version {subject.version} of it", ttl=3600)
        if not versions and (times.get("unpublished") or data.get("error")):
            return self.result(subject, Rating.SUSPICIOUS, "unpublished from npm", ttl=3600)
        age = self._age_days(_ts(times.get("created")))
        if age is not None and age < NEW_PACKAGE_DAYS:
            return self.result(subject, Rating.SUSPICIOUS, f"first published on npm {age:.0f} day(s) ago", ttl=3600)
        latest = (data.get("dist-tags") or {}).get("latest")
        if latest and latest in versions and len(versions) > 1:
            def publisher(v: str) -> str:
                u = (versions.get(v) or {}).get("_npmUser") or {}
                return str(u.get("name", "")) if isinstance(u, dict) else ""
            who = publisher(latest)
            earlier = {publisher(v) for v in versions if v != latest} - {""}
            when = self._age_days(_ts(times.get(latest)))
            if who and earlier and who not in earlier and when is not None and when < MAINTAINER_CHANGE_DAYS:
                return self.result(subject, Rating.SUSPICIOUS,
                                   f"latest version {latest} was published {when:.0f} day(s) ago by {who!r}, "
                                   "who never published it before", ttl=3600)
        return self.result(subject, Rating.CLEAN, f"on npm since {age:.0f} days" if age is not None else "on npm")

"""OSV: advisories for one package (and version). MAL- ids are malicious packages.

POST {base}/query {"package": {"name", "ecosystem"}, "version"?} → {"vulns": [{"id", "summary"}]} or {}
"""
from __future__ import annotations

from adr.reputation.interface import Provider, ProviderError, Rating, Result, Subject, SubjectKind

OSV_ECOSYSTEM = {"pypi": "PyPI", "npm": "npm", "cargo": "crates.io", "gem": "RubyGems", "go": "Go"}


class OSV(Provider):
    name = "osv"
    kinds = frozenset({SubjectKind.PACKAGE})
    default_base_url = "https://api.osv.dev/v1"

    def supports(self, subject: Subject) -> bool:
        return subject.kind is SubjectKind.PACKAGE and subject.ecosystem in OSV_ECOSYSTEM

    def _lookup(self, subject: Subject, timeout: float) -> Result:
        body: dict = {"package": {"name": subject.value, "ecosystem": OSV_ECOSYSTEM[subject.ecosystem]}}
        if subject.version:
            body["version"] = subject.version
        r = self._request("POST", f"{self.base_url}/query", timeout, json=body)
        if r.status_code != 200:
            raise ProviderError(f"osv: HTTP {r.status_code}")
        vulns = [v for v in self._json(r).get("vulns") or () if isinstance(v, dict)]
        mal = [v for v in vulns if str(v.get("id", "")).startswith("MAL-")]
        if mal:
            ids = ", ".join(str(v["id"]) for v in mal[:3])
            summary = str(mal[0].get("summary") or "malicious package")
            return self.result(subject, Rating.MALICIOUS, f"{ids}: {summary}",
                               references=tuple(f"https://osv.dev/vulnerability/{v['id']}" for v in mal[:3]))
        if vulns and subject.version:
            return self.result(subject, Rating.CLEAN, f"{len(vulns)} known vulnerabilit{'y' if len(vulns) == 1 else 'ies'} (not malicious)")
        return self.result(subject, Rating.CLEAN, "no malicious-package advisory")

"""VirusTotal v3: file reports by hash and URL reports by URL id.

GET {base}/files/{sha256}   header x-apikey → 200 {"data": {"attributes": {"last_analysis_stats":
                                               {"malicious", "suspicious", "harmless", "undetected"}}}}
GET {base}/urls/{url_id}    url_id = unpadded URL-safe base64 of the URL
404 {"error": {"code": "NotFoundError"}} → never seen; 429 QuotaExceededError → rate limited.
"""
from __future__ import annotations

import base64

from adr.reputation.interface import Provider, ProviderError, Rating, Result, Subject, SubjectKind

MALICIOUS_ENGINES = 3  # engines that must agree before adr calls a file malicious


def url_id(url: str) -> str:
    return base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


class VirusTotal(Provider):
    name = "virustotal"
    kinds = frozenset({SubjectKind.HASH, SubjectKind.URL})
    needs_key = True
    default_base_url = "https://www.virustotal.com/api/v3"

    def _lookup(self, subject: Subject, timeout: float) -> Result:
        path = f"files/{subject.value}" if subject.kind is SubjectKind.HASH else f"urls/{url_id(subject.value)}"
        r = self._request("GET", f"{self.base_url}/{path}", timeout, headers={"x-apikey": self.api_key})
        if r.status_code == 404:
            return self.result(subject, Rating.UNKNOWN, "never seen by VirusTotal", ttl=3600)
        if r.status_code in (401, 403):
            raise ProviderError(f"virustotal: HTTP {r.status_code} (API key refused)")
        if r.status_code != 200:
            raise ProviderError(f"virustotal: HTTP {r.status_code}")
        data = self._json(r)
        stats = ((data.get("data") or {}).get("attributes") or {}).get("last_analysis_stats") or {}
        mal, sus = int(stats.get("malicious", 0) or 0), int(stats.get("suspicious", 0) or 0)
        total = sum(int(v or 0) for v in stats.values() if isinstance(v, (int, float)))
        detail = f"{mal} of {total} engines say malicious, {sus} suspicious"
        ref = (f"https://www.virustotal.com/gui/{'file' if subject.kind is SubjectKind.HASH else 'url'}/"
               f"{subject.value if subject.kind is SubjectKind.HASH else url_id(subject.value)}",)
        if mal >= MALICIOUS_ENGINES:
            return self.result(subject, Rating.MALICIOUS, detail, references=ref)
        if mal or sus >= MALICIOUS_ENGINES:
            return self.result(subject, Rating.SUSPICIOUS, detail, references=ref)
        return self.result(subject, Rating.CLEAN, detail, references=ref)

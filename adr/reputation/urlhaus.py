"""URLhaus (abuse.ch): malware-distribution URLs and hosts.

POST {base}/url/  form url=…   → {"query_status": "ok"|"no_results"|"invalid_url", "url_status",
                                  "threat", "tags", "urlhaus_reference"}
POST {base}/host/ form host=…  → {"query_status": "ok"|"no_results"|"invalid_host", "url_count",
                                  "urls": [{"url_status", …}], "blacklists": {…}}
Auth-Key header: the abuse.ch key (optional where the service still answers without one).
"""
from __future__ import annotations

from adr.reputation.interface import Provider, ProviderError, Rating, Result, Subject, SubjectKind


class URLhaus(Provider):
    name = "urlhaus"
    kinds = frozenset({SubjectKind.URL, SubjectKind.HOST})
    default_base_url = "https://urlhaus-api.abuse.ch/v1"

    def _lookup(self, subject: Subject, timeout: float) -> Result:
        headers = {"Auth-Key": self.api_key} if self.api_key else {}
        if subject.kind is SubjectKind.URL:
            r = self._request("POST", f"{self.base_url}/url/", timeout, data={"url": subject.value}, headers=headers)
        else:
            r = self._request("POST", f"{self.base_url}/host/", timeout, data={"host": subject.value}, headers=headers)
        if r.status_code in (401, 403):
            raise ProviderError(f"urlhaus: HTTP {r.status_code} (Auth-Key missing or refused)")
        if r.status_code != 200:
            raise ProviderError(f"urlhaus: HTTP {r.status_code}")
        data = self._json(r)
        status = data.get("query_status")
        if status in ("no_results", "invalid_url", "invalid_host"):
            return self.result(subject, Rating.CLEAN, "not listed")
        if status != "ok":
            raise ProviderError(f"urlhaus: query_status {status!r}")
        ref = data.get("urlhaus_reference") or ""
        if subject.kind is SubjectKind.URL:
            threat = data.get("threat") or "malware"
            state = data.get("url_status") or "unknown"
            tags = ", ".join(data.get("tags") or ())
            return self.result(subject, Rating.MALICIOUS,
                               f"listed as {threat} ({state}{'; ' + tags if tags else ''})", references=(ref,) if ref else ())
        urls = data.get("urls") or []
        online = sum(1 for u in urls if isinstance(u, dict) and u.get("url_status") == "online")
        count = data.get("url_count") or len(urls)
        if online:
            return self.result(subject, Rating.MALICIOUS, f"host serves {online} online malware URL(s) of {count} listed",
                               references=(ref,) if ref else ())
        return self.result(subject, Rating.SUSPICIOUS, f"host had {count} malware URL(s) listed, none online now",
                           references=(ref,) if ref else ())

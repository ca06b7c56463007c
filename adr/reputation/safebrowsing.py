"""Google Safe Browsing v4, Lookup API.

POST {base}/threatMatches:find?key=KEY
  {"client": {"clientId", "clientVersion"}, "threatInfo": {"threatTypes": [...],
   "platformTypes": ["ANY_PLATFORM"], "threatEntryTypes": ["URL"], "threatEntries": [{"url"}]}}
→ {} (no match) or {"matches": [{"threatType", "platformType", "threat": {"url"}, "cacheDuration": "300s"}]}

When `adr feeds update` has fetched the Update API's hash-prefix database (sb_local.py), the
provider uses it instead: URLs are hashed locally and only a 4-byte prefix that is on a list is
ever sent (fullHashes:find). Without the database it uses the Lookup API above, which sends the
URL (query string removed) — which is why the provider is off until enabled.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, ClassVar

from adr.reputation.interface import Provider, ProviderError, Rating, Result, Subject, SubjectKind

THREAT_TYPES = ["MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"]


@dataclass
class SafeBrowsing(Provider):
    name: ClassVar[str] = "safebrowsing"
    kinds: ClassVar[frozenset] = frozenset({SubjectKind.URL})
    needs_key: ClassVar[bool] = True
    default_base_url: ClassVar[str] = "https://safebrowsing.googleapis.com/v4"

    local_db: Any = None  # sb_local.PrefixDB when the Update API database is on disk

    def _lookup(self, subject: Subject, timeout: float) -> Result:
        if self.local_db is not None and self.local_db.present:
            return self._lookup_local(subject, timeout)
        body = {
            "client": {"clientId": "adr", "clientVersion": "0.1"},
            "threatInfo": {"threatTypes": THREAT_TYPES, "platformTypes": ["ANY_PLATFORM"],
                           "threatEntryTypes": ["URL"], "threatEntries": [{"url": subject.value}]},
        }
        r = self._request("POST", f"{self.base_url}/threatMatches:find", timeout, params={"key": self.api_key}, json=body)
        if r.status_code in (400, 401, 403):
            raise ProviderError(f"safebrowsing: HTTP {r.status_code} (key refused or bad request)")
        if r.status_code != 200:
            raise ProviderError(f"safebrowsing: HTTP {r.status_code}")
        data = self._json(r)
        matches = [m for m in data.get("matches") or () if isinstance(m, dict)]
        if not matches:
            return self.result(subject, Rating.CLEAN, "no match", ttl=1800)
        kinds = sorted({str(m.get("threatType", "THREAT")) for m in matches})
        ttl = 300.0
        cd = str(matches[0].get("cacheDuration", "300s"))
        try:
            ttl = float(cd.rstrip("s"))
        except ValueError:
            pass
        rating = Rating.MALICIOUS if set(kinds) & {"MALWARE", "SOCIAL_ENGINEERING"} else Rating.SUSPICIOUS
        return self.result(subject, rating, "listed as " + ", ".join(kinds), ttl=ttl)

    def _lookup_local(self, subject: Subject, timeout: float) -> Result:
        from adr.reputation.sb_local import CLIENT, url_hashes
        hashes = url_hashes(subject.value)
        hits = self.local_db.matching_prefixes(hashes)
        if not hits:
            return self.result(subject, Rating.CLEAN, "not on the local Safe Browsing lists", ttl=1800)
        body = {"client": CLIENT, "clientStates": self.local_db.states(),
                "threatInfo": {"threatTypes": THREAT_TYPES, "platformTypes": ["ANY_PLATFORM"],
                               "threatEntryTypes": ["URL"],
                               "threatEntries": [{"hash": base64.b64encode(p).decode()} for p in hits]}}
        r = self._request("POST", f"{self.base_url}/fullHashes:find", timeout, params={"key": self.api_key}, json=body)
        if r.status_code != 200:
            raise ProviderError(f"safebrowsing: fullHashes HTTP {r.status_code}")
        data = self._json(r)
        full = set(hashes)
        kinds = sorted({str(m.get("threatType", "THREAT")) for m in data.get("matches") or ()
                        if isinstance(m, dict) and _b64(m.get("threat", {}).get("hash")) in full})
        if not kinds:
            neg = str(data.get("negativeCacheDuration", "300s")).rstrip("s")
            return self.result(subject, Rating.CLEAN, "prefix collision only (no full-hash match)",
                               ttl=float(neg) if neg.replace(".", "", 1).isdigit() else 300.0)
        rating = Rating.MALICIOUS if set(kinds) & {"MALWARE", "SOCIAL_ENGINEERING"} else Rating.SUSPICIOUS
        return self.result(subject, rating, "listed as " + ", ".join(kinds) + " (local database + full hash)", ttl=300)


def _b64(s: object) -> bytes:
    try:
        return base64.b64decode(str(s or ""))
    except ValueError:
        return b""

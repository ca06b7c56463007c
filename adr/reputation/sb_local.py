"""Safe Browsing v4 Update API: a local hash-prefix database, so URLs never leave the machine.

`adr feeds update --only safebrowsing` calls threatListUpdates:fetch and keeps, per list, the
sorted 4-byte (or longer) SHA-256 prefixes plus the list's client state, verifying the server's
checksum after every update (a mismatch drops the list for a full reload next time).

At decision time the URL is canonicalized and expanded into host-suffix × path-prefix expressions;
each is hashed locally. Only when a hash prefix is in the local database does adr ask
fullHashes:find — sending just those 4-byte prefixes — and only a full-hash match is a verdict.

POST {base}/threatListUpdates:fetch?key=K
  {"client", "listUpdateRequests": [{"threatType", "platformType", "threatEntryType": "URL", "state",
    "constraints": {"supportedCompressions": ["RAW"]}}]}
→ {"listUpdateResponses": [{"threatType", "platformType", "threatEntryType", "responseType":
    "FULL_UPDATE"|"PARTIAL_UPDATE", "additions": [{"compressionType": "RAW", "rawHashes":
    {"prefixSize": 4, "rawHashes": b64}}], "removals": [{"rawIndices": {"indices": [..]}}],
    "newClientState", "checksum": {"sha256": b64}}], "minimumWaitDuration"}
POST {base}/fullHashes:find?key=K
  {"client", "clientStates": [..], "threatInfo": {"threatTypes", "platformTypes", "threatEntryTypes",
   "threatEntries": [{"hash": b64 prefix}]}}
→ {"matches": [{"threatType", "threat": {"hash": b64 full}, "cacheDuration"}], "negativeCacheDuration"}
"""
from __future__ import annotations

import base64
import bisect
import hashlib
import ipaddress
import json
import os
import re
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

CLIENT = {"clientId": "adr", "clientVersion": "0.1"}
LISTS = [(t, "ANY_PLATFORM", "URL") for t in ("MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE")]
DB_NAME = "safebrowsing-prefixes.json"


# ------------------------------------------------------------------------------- canonicalization
def _full_unescape(s: str) -> str:
    for _ in range(16):
        u = unquote(s)
        if u == s:
            return s
        s = u
    return s


def _escape(s: str) -> str:
    return "".join(f"%{ord(c):02X}" if ord(c) <= 32 or ord(c) >= 127 or c in "#%" else c for c in s)


def canonicalize(url: str) -> tuple[str, str, str] | None:
    """(host, path, query) of a URL in Safe Browsing canonical form, or None."""
    url = re.sub(r"[\t\r\n]", "", url.strip())
    url = url.split("#", 1)[0]
    if "://" not in url:
        url = "http://" + url
    url = _full_unescape(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").strip(".")
    host = re.sub(r"\.{2,}", ".", host).lower()
    if not host:
        return None
    try:
        if re.fullmatch(r"(0x[0-9a-f]+|\d+)", host):
            host = str(ipaddress.IPv4Address(int(host, 0)))
    except (ValueError, ipaddress.AddressValueError):
        pass
    path = parts.path or "/"
    segs: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segs:
                segs.pop()
            continue
        segs.append(seg)
    canon_path = "/" + "/".join(segs) + ("/" if path.endswith("/") and segs else "")
    return _escape(host), _escape(canon_path), _escape(parts.query) if "?" in url else ""


def expressions(url: str) -> list[str]:
    c = canonicalize(url)
    if c is None:
        return []
    host, path, query = c
    hosts = [host]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        comps = host.split(".")
        start = max(1, len(comps) - 5)
        for i in range(start, len(comps) - 1):
            hosts.append(".".join(comps[i:]))
        hosts = list(dict.fromkeys(hosts[:5]))
    paths = []
    if query:
        paths.append(f"{path}?{query}")
    paths.append(path)
    segs = [s for s in path.split("/") if s]
    dirs = segs if path.endswith("/") else segs[:-1]
    prefix = "/"
    paths.append(prefix)
    for s in dirs[:3]:
        prefix += s + "/"
        paths.append(prefix)
    paths = list(dict.fromkeys(paths))[:6]
    return [h + p for h in hosts for p in paths]


def url_hashes(url: str) -> list[bytes]:
    return [hashlib.sha256(e.encode()).digest() for e in expressions(url)]


# ------------------------------------------------------------------------------------ the database
class PrefixDB:
    def __init__(self, path: Path):
        self.path = path
        self.lists: dict[str, dict] = {}  # "MALWARE/ANY_PLATFORM/URL" → {"state", "prefixes": [bytes]}
        self.updated = 0.0
        self.next_update = 0.0
        self._sets: dict[int, set[bytes]] | None = None
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.updated = float(data.get("updated", 0))
                self.next_update = float(data.get("next_update", 0))
                for key, v in (data.get("lists") or {}).items():
                    raw = base64.b64decode(v.get("prefixes", ""))
                    size = int(v.get("size", 4)) or 4
                    self.lists[key] = {"state": v.get("state", ""), "size": size,
                                       "prefixes": [raw[i:i + size] for i in range(0, len(raw), size)]}
            except (OSError, ValueError, TypeError):
                self.lists = {}

    @property
    def present(self) -> bool:
        return bool(self.lists)

    def states(self) -> list[str]:
        return [v["state"] for v in self.lists.values() if v.get("state")]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(self.path.parent, 0o700)
        except OSError:
            pass
        out = {"updated": self.updated, "next_update": self.next_update, "lists": {
            k: {"state": v["state"], "size": v["size"], "prefixes": base64.b64encode(b"".join(v["prefixes"])).decode()}
            for k, v in self.lists.items()}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(out, f)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
        self._sets = None

    def matching_prefixes(self, hashes: list[bytes]) -> list[bytes]:
        if self._sets is None:
            sets: dict[int, set[bytes]] = {}
            for v in self.lists.values():
                sets.setdefault(v["size"], set()).update(v["prefixes"])
            self._sets = sets
        hits = []
        for h in hashes:
            for size, s in self._sets.items():
                if h[:size] in s:
                    hits.append(h[:size])
        return list(dict.fromkeys(hits))

    def apply(self, resp: dict) -> bool:
        """Apply one listUpdateResponse; False (and the list dropped) on a checksum mismatch."""
        key = "/".join((resp.get("threatType", ""), resp.get("platformType", ""), resp.get("threatEntryType", "")))
        cur = self.lists.get(key) if resp.get("responseType") == "PARTIAL_UPDATE" else None
        prefixes = list(cur["prefixes"]) if cur else []
        size = cur["size"] if cur else 4
        for rem in resp.get("removals") or ():
            idx = set((rem.get("rawIndices") or {}).get("indices") or ())
            prefixes = [p for i, p in enumerate(prefixes) if i not in idx]
        for add in resp.get("additions") or ():
            raw_hashes = add.get("rawHashes") or {}
            size = int(raw_hashes.get("prefixSize", 4))
            raw = base64.b64decode(raw_hashes.get("rawHashes", ""))
            for i in range(0, len(raw), size):
                p = raw[i:i + size]
                j = bisect.bisect_left(prefixes, p)
                if j == len(prefixes) or prefixes[j] != p:
                    prefixes.insert(j, p)
        prefixes.sort()
        want = (resp.get("checksum") or {}).get("sha256")
        if want and base64.b64decode(want) != hashlib.sha256(b"".join(prefixes)).digest():
            self.lists.pop(key, None)
            self._sets = None
            return False
        self.lists[key] = {"state": resp.get("newClientState", ""), "size": size, "prefixes": prefixes}
        self._sets = None
        return True


def update(db: PrefixDB, base_url: str, api_key: str, timeout: float = 60.0) -> tuple[bool, str]:
    if not api_key:
        return False, "no Safe Browsing API key (adr reputation set-key safebrowsing)"
    reqs = []
    for t, p, e in LISTS:
        key = f"{t}/{p}/{e}"
        reqs.append({"threatType": t, "platformType": p, "threatEntryType": e,
                     "state": (db.lists.get(key) or {}).get("state", ""),
                     "constraints": {"supportedCompressions": ["RAW"]}})
    try:
        r = requests.post(f"{base_url.rstrip('/')}/threatListUpdates:fetch", params={"key": api_key},
                          json={"client": CLIENT, "listUpdateRequests": reqs}, timeout=(10, timeout))
    except requests.RequestException as e:
        return False, f"safebrowsing update: {type(e).__name__}"
    if r.status_code != 200:
        return False, f"safebrowsing update: HTTP {r.status_code}"
    try:
        data = r.json()
    except ValueError:
        return False, "safebrowsing update: not JSON"
    bad = [x.get("threatType", "?") for x in data.get("listUpdateResponses") or () if not db.apply(x)]
    wait = str(data.get("minimumWaitDuration", "0s")).rstrip("s") or "0"
    db.updated = time.time()
    try:
        db.next_update = db.updated + float(wait)
    except ValueError:
        db.next_update = db.updated
    db.save()
    n = sum(len(v["prefixes"]) for v in db.lists.values())
    return True, f"{n} prefixes" + (f"; checksum mismatch for {', '.join(bad)} (full reload next time)" if bad else "")


def update_prefix_db(paths: "object", env: "dict[str, str] | None" = None) -> tuple[bool, int, str]:
    """`adr feeds update --only safebrowsing`: refresh the local prefix database in the feeds folder
    (needs the safebrowsing API key). Returns (ok, prefixes held, problem)."""
    from adr.reputation import config as repconfig
    from adr.reputation.keys import get_key
    from adr.reputation.safebrowsing import SafeBrowsing
    base = repconfig.load(paths, env).base_url("safebrowsing") or SafeBrowsing.default_base_url  # type: ignore[arg-type]
    db = PrefixDB(paths.feeds_dir / DB_NAME)  # type: ignore[attr-defined]
    ok, detail = update(db, base, get_key("safebrowsing", env))
    return ok, sum(len(v["prefixes"]) for v in db.lists.values()), "" if ok else detail


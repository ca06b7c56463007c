"""Threat feeds downloaded ahead of time (`adr feeds update`) so decisions need no network.

* osv       — OSV's malicious-package advisories (ids MAL-…), per ecosystem, from OSV's bulk
              export (`<base>/<Ecosystem>/all.zip`); only MAL- records are kept, as names+versions.
* urlhaus   — URLhaus' list of currently-online malware URLs (plain text, one URL a line).
* phishing  — a phishing URL list (plain text, one URL a line; OpenPhish's community feed).

Each feed is written atomically as compact JSON into `paths.feeds_dir` (0600), with the time it
was fetched and the source URL. Sources can be pointed elsewhere with ADR_FEED_<NAME>_URL
(tests point them at 127.0.0.1).
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from adr.paths import Paths
from adr.supply.malicious import OSV_FEED_NAME

OSV_ECOSYSTEMS = {"PyPI": "pypi", "npm": "npm", "crates.io": "cargo", "RubyGems": "gem", "Go": "go"}
DEFAULT_SOURCES = {
    "osv": "https://osv-vulnerabilities.storage.googleapis.com",
    "urlhaus": "https://urlhaus.abuse.ch/downloads/text_online/",
    "phishing": "https://openphish.com/feed.txt",
}
FEED_FILES = {"osv": OSV_FEED_NAME, "urlhaus": "urlhaus.json", "phishing": "phishing.json",
              "safebrowsing": "safebrowsing-prefixes.json"}
MAX_ZIP_BYTES = 1536 * 1024 * 1024  # npm's all.zip is large; refuse anything past this
MAX_LIST_BYTES = 64 * 1024 * 1024
USER_AGENT = "adr-feeds/0.1"


class FeedError(RuntimeError):
    pass


@dataclass(frozen=True)
class FeedResult:
    name: str
    ok: bool
    entries: int = 0
    detail: str = ""


def source_url(name: str, env: "dict[str, str] | None" = None) -> str:
    env = dict(os.environ) if env is None else env
    return env.get(f"ADR_FEED_{name.upper()}_URL") or DEFAULT_SOURCES[name]


def _download(url: str, dest, limit: int, timeout: float) -> int:
    """Stream `url` into `dest` (FeedError on any failure). requests is imported here: only `adr
    feeds update` downloads — decisions read the files, and requests costs a daemon ~5 MiB."""
    import requests
    try:
        with requests.get(url, stream=True, timeout=(10, timeout), headers={"User-Agent": USER_AGENT}) as r:
            if r.status_code != 200:
                raise FeedError(f"{url}: HTTP {r.status_code}")
            n = 0
            for chunk in r.iter_content(1 << 16):
                n += len(chunk)
                if n > limit:
                    raise FeedError(f"{url}: larger than {limit // (1024 * 1024)} MiB, refused")
                dest.write(chunk)
            return n
    except requests.RequestException as e:
        raise FeedError(str(e)) from None


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def parse_osv_record(rec: dict) -> list[list]:
    """MAL- record → [[ecosystem, name, versions-or-None, id], …] for ecosystems adr knows."""
    ident = str(rec.get("id", ""))
    if not ident.startswith("MAL-") or rec.get("withdrawn"):
        return []
    out = []
    for aff in rec.get("affected") or ():
        pkg = aff.get("package") or {}
        eco = OSV_ECOSYSTEMS.get(str(pkg.get("ecosystem", "")).split(":")[0])
        name = str(pkg.get("name", "")).strip()
        if not eco or not name:
            continue
        every = False
        for rng in aff.get("ranges") or ():
            events = rng.get("events") or ()
            if any(e.get("introduced") == "0" for e in events) and not any("fixed" in e for e in events):
                every = True
        versions = sorted({str(v) for v in aff.get("versions") or ()})
        out.append([eco, name, None if every or not versions else versions, ident])
    return out


def update_osv(paths: Paths, base: str, timeout: float = 600.0, ecosystems=tuple(OSV_ECOSYSTEMS)) -> FeedResult:
    entries: list[list] = []
    errors = []
    for eco in ecosystems:
        with tempfile.TemporaryFile() as tmp:
            try:
                _download(f"{base.rstrip('/')}/{eco}/all.zip", tmp, MAX_ZIP_BYTES, timeout)
                tmp.seek(0)
                with zipfile.ZipFile(tmp) as zf:
                    for info in zf.infolist():
                        if not os.path.basename(info.filename).startswith("MAL-") or info.file_size > 4 << 20:
                            continue
                        try:
                            entries += parse_osv_record(json.loads(zf.read(info)))
                        except ValueError:
                            continue
            except (FeedError, zipfile.BadZipFile, OSError) as e:
                errors.append(f"{eco}: {e}")
    if not entries and errors:
        return FeedResult("osv", False, 0, "; ".join(errors))
    _write_json(paths.feeds_dir / FEED_FILES["osv"],
                {"fetched": time.time(), "source": base, "entries": entries, "errors": errors})
    return FeedResult("osv", True, len(entries), "; ".join(errors))


def parse_url_list(text: str) -> tuple[list[str], list[str]]:
    """Plain-text URL list → (urls without query strings, hosts)."""
    urls, hosts = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parts = urlsplit(line if "://" in line else "http://" + line)
        except ValueError:
            continue
        if not parts.hostname:
            continue
        urls.append(f"{parts.scheme}://{parts.netloc.lower()}{parts.path}")
        hosts.append(parts.hostname.lower())
    return sorted(set(urls)), sorted(set(hosts))


def update_url_list(paths: Paths, name: str, url: str, timeout: float = 120.0) -> FeedResult:
    buf = io.BytesIO()
    try:
        _download(url, buf, MAX_LIST_BYTES, timeout)
    except FeedError as e:
        return FeedResult(name, False, 0, str(e))
    urls, hosts = parse_url_list(buf.getvalue().decode("utf-8", "replace"))
    _write_json(paths.feeds_dir / FEED_FILES[name], {"fetched": time.time(), "source": url, "urls": urls, "hosts": hosts})
    return FeedResult(name, True, len(urls))


def update(paths: Paths, names=("osv", "urlhaus", "phishing"), env: "dict[str, str] | None" = None,
           progress: Callable[[str], None] = lambda s: None) -> list[FeedResult]:
    results = []
    for name in names:
        if name == "safebrowsing":
            continue  # its hash-prefix database comes from the provider: adr.reputation.sb_local.update_prefix_db
        url = source_url(name, env)
        progress(f"{name}: {url}")
        if name == "osv":
            results.append(update_osv(paths, url))
        else:
            results.append(update_url_list(paths, name, url))
    return results


def status(paths: Paths) -> list[dict]:
    out = []
    for name, fname in FEED_FILES.items():
        p = paths.feeds_dir / fname
        row = {"name": name, "path": str(p), "present": p.exists(), "fetched": None, "entries": 0}
        if p.exists():
            try:
                data = json.loads(p.read_text(encoding="utf-8"))
                row["fetched"] = data.get("fetched") or data.get("updated")
                if name == "safebrowsing":
                    import base64
                    row["entries"] = sum(len(base64.b64decode(v.get("prefixes", ""))) // max(1, int(v.get("size", 4)))
                                         for v in (data.get("lists") or {}).values())
                else:
                    row["entries"] = len(data.get("entries") or data.get("urls") or ())
            except (OSError, ValueError):
                row["error"] = "unreadable"
        out.append(row)
    return out


@dataclass(frozen=True)
class UrlBlocklist:
    """Hosts and URLs from the downloaded URL feeds (URLhaus, phishing)."""

    urls: frozenset[str] = frozenset()
    hosts: dict[str, str] | None = None  # host → feed name

    @classmethod
    def load(cls, paths: Paths | None) -> "UrlBlocklist":
        urls: set[str] = set()
        hosts: dict[str, str] = {}
        if paths is not None:
            for name in ("urlhaus", "phishing"):
                p = paths.feeds_dir / FEED_FILES[name]
                if not p.exists():
                    continue
                try:
                    data = json.loads(p.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                urls.update(data.get("urls") or ())
                # a host is listed only when the feed lists it for its own sake, i.e. a URL on it
                # with an empty path — shared hosting must not block a whole domain
                for u in data.get("urls") or ():
                    parts = urlsplit(u)
                    if parts.path in ("", "/") and parts.hostname:
                        hosts.setdefault(parts.hostname, name)
        return cls(frozenset(urls), hosts)

    def match(self, url: str) -> str | None:
        try:
            parts = urlsplit(url if "://" in url else "http://" + url)
        except ValueError:
            return None
        if not parts.hostname:
            return None
        key = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
        if key in self.urls:
            return "listed URL"
        if self.hosts and parts.hostname.lower() in self.hosts:
            return f"listed host ({self.hosts[parts.hostname.lower()]})"
        return None

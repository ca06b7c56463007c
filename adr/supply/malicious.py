"""Known-malicious packages: the bundled seed (adr/data/malicious_seed.tsv) plus the OSV
malicious-package snapshot that `adr feeds update` stores in the feeds folder.

Loaded once; `match()` is a dictionary look-up (no I/O at decision time).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from adr.actions import PackageRef
from adr.paths import DATA_DIR, Paths
from adr.supply.names import normalize

SEED_FILE = DATA_DIR / "malicious_seed.tsv"
OSV_FEED_NAME = "osv-malicious.json"


@dataclass(frozen=True)
class MaliciousEntry:
    ecosystem: str
    name: str  # normalized
    versions: frozenset[str] | None  # None: every version
    reference: str  # advisory id or what it was
    source: str  # seed | osv


_PIN = re.compile(r"^\s*(?:===?|@|v)?\s*([0-9A-Za-z][0-9A-Za-z.+\-_]*)\s*$")


def pinned_version(spec: str) -> str | None:
    """The single version a spec pins ('==1.2.3', '1.2.3', '@1.2.3'), or None for a range."""
    if not spec or any(c in spec for c in "<>~^*!,| ") and not spec.strip().startswith("=="):
        return None
    m = _PIN.match(spec)
    if not m:
        return None
    v = m.group(1)
    return v if any(ch.isdigit() for ch in v) else None


class MaliciousIndex:
    def __init__(self, entries: "list[MaliciousEntry] | tuple[MaliciousEntry, ...]" = ()):
        self._by_key: dict[tuple[str, str], list[MaliciousEntry]] = {}
        for e in entries:
            self._by_key.setdefault((e.ecosystem, normalize(e.name, e.ecosystem)), []).append(e)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entries in self._by_key.values():
            for e in entries:
                out[e.source] = out.get(e.source, 0) + 1
        return out

    @classmethod
    def load(cls, paths: Paths | None = None, seed: Path = SEED_FILE) -> "MaliciousIndex":
        entries = list(read_seed(seed)) if seed.exists() else []
        if paths is not None:
            feed = paths.feeds_dir / OSV_FEED_NAME
            if feed.exists():
                entries += read_osv_snapshot(feed)
        return cls(entries)

    def match(self, ref: PackageRef) -> MaliciousEntry | None:
        entries = self._by_key.get((ref.ecosystem, normalize(ref.name, ref.ecosystem)))
        if not entries:
            return None
        pin = pinned_version(ref.spec)
        for e in entries:
            if e.versions is None or (pin is not None and pin in e.versions):
                return e
        return None


def read_seed(path: Path) -> list[MaliciousEntry]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        eco, name, versions = parts[0].strip(), parts[1].strip(), parts[2].strip()
        note = parts[3].strip() if len(parts) > 3 else ""
        vs = None if versions in ("", "*") else frozenset(v.strip() for v in versions.split(",") if v.strip())
        out.append(MaliciousEntry(eco, normalize(name, eco), vs, note, "seed"))
    return out


def read_osv_snapshot(path: Path) -> list[MaliciousEntry]:
    """The compact snapshot written by feeds.update: {"entries": [[eco, name, versions|null, id], …]}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for row in data.get("entries", ()):
        try:
            eco, name, versions, ident = row
        except (TypeError, ValueError):
            continue
        out.append(MaliciousEntry(str(eco), normalize(str(name), str(eco)),
                                  None if versions is None else frozenset(map(str, versions)), str(ident), "osv"))
    return out

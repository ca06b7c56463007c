"""Is a package name a look-alike of a popular one? Offline, from the lists in adr/data/.

Targets are the ~1,000 most downloaded names per ecosystem; anything in the larger "known" list
(popular in its own right) is never called a typosquat. Checks, cheapest and surest first:

* homoglyph  — same visual skeleton (`jeIlyfish` with a capital I, `rn` for `m`, `0` for `o`)
* separator  — same letters once `-`, `_`, `.` are dropped (`crossenv` for `cross-env`)
* scope      — an npm scope flattened or dropped (`@types-node`, `types-node` for `@types/node`)
* affix      — a popular name with a decorating prefix/suffix (`python3-dateutil`, `jquery.js`)
* edit       — Damerau distance within a length-aware bound (`reqeusts` for `requests`)

Names inside one npm scope are never compared with each other: only the scope's owner can
publish there, so they cannot squat on one another.
"""
from __future__ import annotations

import gc
import gzip
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from adr.paths import DATA_DIR
from adr.supply.names import damerau, max_distance, normalize, skeleton, split_scope

SUPPORTED = ("pypi", "npm")

_PREFIXES = {
    "pypi": ("python3-", "python-", "py3-", "py-"),
    "npm": ("node-", "nodejs-", "js-"),
}
_SUFFIXES = {
    "pypi": ("-python3", "-python", "-py3", "-py"),
    "npm": (".js", "-js", "js", "-npm"),
}
_MIN_CORE = 4  # an affix check needs a core this long, or "py" + anything would match


@dataclass(frozen=True)
class Squat:
    name: str  # as written
    ecosystem: str
    target: str  # the popular package it imitates
    kind: str  # homoglyph | separator | scope | affix | edit
    detail: str
    distance: int = 0
    target_rank: int = 0  # 1 = most popular


def _read_names(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]


class TyposquatChecker:
    """`top`: edit-distance targets per ecosystem, most popular first. `known`: every name that is
    popular in its own right (most popular first); never flagged, and compared by exact look-alike
    keys (skeleton, separators, scope) only."""

    _EDIT2_TARGETS = 1000  # two-edit look-alikes only of the very top: longer names, fewer targets

    def __init__(self, top: "dict[str, list[str] | Callable[[], tuple[list[str], list[str]]]]",
                 known: "dict[str, list[str] | set[str]] | None" = None):
        """`top[eco]` is a list of names (with `known[eco]`), or a callable returning (top, known):
        an ecosystem's indexes are built on its first use, so commands that install nothing — and
        ecosystems never used — cost nothing."""
        self._sources: dict[str, Any] = {}
        for eco, names in top.items():
            self._sources[eco] = names if callable(names) else (lambda n=names, k=(known or {}).get(eco, ()): (n, k))
        self._top: dict[str, list[str]] = {}
        self._topset: dict[str, set[str]] = {}
        self._rank: dict[str, dict[str, int]] = {}
        self._known: dict[str, set[str]] = {}
        self._skel: dict[str, dict[str, str]] = {}
        self._flat: dict[str, dict[str, str]] = {}
        self._core: dict[str, dict[str, str]] = {}
        self._del1: dict[str, dict[str, list[str]]] = {}
        self._del2: dict[str, dict[str, list[str]]] = {}  # built on first use (warm() builds it ahead)
        self._build_lock = threading.RLock()
        self._del2_lock = threading.Lock()

    def _ready(self, eco: str) -> bool:
        """Build `eco`'s indexes if needed; False for an ecosystem without data."""
        if eco in self._top:
            return True
        if eco not in self._sources:
            return False
        with self._build_lock:
            if eco in self._top:
                return True
            names, known = self._sources[eco]()
            enabled = gc.isenabled()
            gc.disable()  # ~0.3 M small strings: the cyclic GC would re-scan them many times over
            try:
                self._build(eco, names, known)
            finally:
                if enabled:
                    gc.enable()
        return True

    def _build(self, eco: str, names: "list[str]", known: "list[str] | set[str]") -> None:
        norm = list(dict.fromkeys(normalize(n, eco) for n in names if n.strip()))
        extra = [normalize(n, eco) for n in known]
        ordered = list(dict.fromkeys(norm + extra))
        self._topset[eco] = set(norm)
        self._rank[eco] = {n: i + 1 for i, n in enumerate(ordered)}
        self._known[eco] = set(ordered)
        skel: dict[str, str] = {}
        flat: dict[str, str] = {}
        for n in ordered:  # most popular first: setdefault keeps the most popular owner of a key
            skel.setdefault(skeleton(n), n)
            flat.setdefault(_flat(n), n)
        core: dict[str, str] = {}
        del1: dict[str, list[str]] = {}
        for i, n in enumerate(norm):
            for c in self._cores(eco, n):
                core.setdefault(c, n)
            if max_distance(len(n)) >= 1:
                for k in (n, *_deletes(n)):
                    del1.setdefault(k, []).append(n)
        self._skel[eco], self._flat[eco], self._core[eco] = skel, flat, core
        self._del1[eco] = del1
        self._top[eco] = norm  # last: marks the ecosystem ready

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> "TyposquatChecker":
        def source(eco: str) -> Callable[[], tuple[list[str], list[str]]]:
            def read() -> tuple[list[str], list[str]]:
                t = data_dir / f"{eco}_top.txt"
                k = data_dir / f"{eco}_known.txt.gz"
                return (_read_names(t) if t.exists() else [], _read_names(k) if k.exists() else [])
            return read
        return cls({eco: source(eco) for eco in SUPPORTED})

    def _build_del2(self, eco: str) -> dict[str, list[str]]:
        """Two-deletion index of the very top names (long ones only): ~0.2 s, so built lazily."""
        self._ready(eco)
        with self._del2_lock:
            if eco in self._del2:
                return self._del2[eco]
            del2: dict[str, list[str]] = {}
            enabled = gc.isenabled()
            gc.disable()
            try:
                for n in self._top[eco][: self._EDIT2_TARGETS]:
                    if max_distance(len(n)) >= 2:
                        for k in _deletes2(n):
                            del2.setdefault(k, []).append(n)
            finally:
                if enabled:
                    gc.enable()
            self._del2[eco] = del2
            return del2

    def warm(self) -> None:
        """Build the lazy indexes now (the daemon calls this off the decision path)."""
        for eco in self._sources:
            self._ready(eco)
            self._build_del2(eco)

    def top_names(self, ecosystem: str) -> list[str]:
        return list(self._top.get(ecosystem, ())) if self._ready(ecosystem) else []

    def known_names(self, ecosystem: str) -> set[str]:
        return set(self._known.get(ecosystem, ())) if self._ready(ecosystem) else set()

    def is_known(self, name: str, ecosystem: str) -> bool:
        return self._ready(ecosystem) and normalize(name, ecosystem) in self._known.get(ecosystem, ())

    def _cores(self, eco: str, n: str) -> list[str]:
        """`n` with a decorating prefix, suffix or both taken off (cores of at least _MIN_CORE)."""
        heads = [n] + [n[len(p):] for p in _PREFIXES.get(eco, ()) if n.startswith(p)]
        out: list[str] = []
        for h in heads:
            out.append(h)
            out += [h[: -len(s)] for s in _SUFFIXES.get(eco, ()) if h.endswith(s)]
        return [c for c in dict.fromkeys(c.strip("-_.") for c in out[1:]) if len(c) >= _MIN_CORE and c != n]

    def check(self, name: str, ecosystem: str) -> Squat | None:
        """A Squat when `name` imitates a popular package; None when it is popular or unlike any."""
        eco = ecosystem.lower()
        if not name or len(name) > 214 or not self._ready(eco):
            return None
        n = normalize(name, eco)
        if not n or n in self._known[eco]:
            return None
        rank = self._rank[eco]

        def hit(target: str, kind: str, detail: str, distance: int = 0) -> Squat:
            return Squat(name, eco, target, kind, detail, distance, rank.get(target, 0))

        t = self._skel[eco].get(skeleton(name.strip()))
        if t and t != n:
            return hit(t, "homoglyph", f"reads the same as {t!r} (confusable characters)")
        scope, _ = split_scope(n)
        t = self._flat[eco].get(_flat(n))
        if t and t != n:
            tscope, _ = split_scope(t)
            if tscope and tscope != scope:
                return hit(t, "scope", f"{t!r} with its scope flattened or dropped")
            return hit(t, "separator", f"{t!r} with separators (-, _, .) added, removed or swapped")
        for core in self._cores(eco, n):
            if core in self._topset[eco]:
                return hit(core, "affix", f"{core!r} with a decorating prefix/suffix added")
        t = self._core[eco].get(n)
        if t and t != n:
            return hit(t, "affix", f"{t!r} with its prefix/suffix removed")
        best: tuple[int, int, str] | None = None
        del1 = self._del1[eco]
        if max_distance(len(n)) >= 1:
            seen: set[str] = set()
            for k in (n, *_deletes(n)):
                for t in del1.get(k, ()):
                    if t in seen or t == n:
                        continue
                    seen.add(t)
                    if scope and split_scope(t)[0] == scope:
                        continue  # one owner publishes the whole scope
                    if max_distance(min(len(n), len(t))) < 1:
                        continue
                    if damerau(n, t, 1) <= 1 and (best is None or rank[t] < best[1]):
                        best = (1, rank[t], t)
        if best is None and max_distance(len(n)) >= 2:
            # symmetric-delete candidates (two deletions each side), then the exact distance
            seen2: set[str] = set()
            del2 = self._del2.get(eco) or self._build_del2(eco)
            for k in _deletes2(n):
                for t in del2.get(k, ()):
                    if t in seen2 or t == n:
                        continue
                    seen2.add(t)
                    if scope and split_scope(t)[0] == scope:
                        continue
                    bound = max_distance(min(len(n), len(t)))
                    d = damerau(n, t, bound)
                    if d <= bound and (best is None or (d, rank[t]) < best[:2]):
                        best = (d, rank[t], t)
        if best:
            d, _, t = best
            return hit(t, "edit", f"{d} edit{'s' if d > 1 else ''} away from {t!r}", d)
        return None

def _deletes(n: str) -> set[str]:
    return {n[:i] + n[i + 1:] for i in range(len(n))}


def _deletes2(n: str) -> set[str]:
    """n with zero, one or two characters deleted."""
    one = _deletes(n)
    out = {n} | one
    for m in one:
        out |= _deletes(m)
    return out


_FLAT_TABLE = str.maketrans("", "", "-_./@")


def _flat(n: str) -> str:
    return n.translate(_FLAT_TABLE)

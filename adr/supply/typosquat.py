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
from typing import Any, Callable, Iterable

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


def read_sources(data_dir: Path, eco: str) -> tuple[list[str], list[str]]:
    """(top names, known names) of an ecosystem from the shipped lists ([] when a list is absent)."""
    t = data_dir / f"{eco}_top.txt"
    k = data_dir / f"{eco}_known.txt.gz"
    return (_read_names(t) if t.exists() else [], _read_names(k) if k.exists() else [])


def _cores(eco: str, n: str) -> list[str]:
    """`n` with a decorating prefix, suffix or both taken off (cores of at least _MIN_CORE)."""
    heads = [n] + [n[len(p):] for p in _PREFIXES.get(eco, ()) if n.startswith(p)]
    out: list[str] = []
    for h in heads:
        out.append(h)
        out += [h[: -len(s)] for s in _SUFFIXES.get(eco, ()) if h.endswith(s)]
    return [c for c in dict.fromkeys(c.strip("-_.") for c in out[1:]) if len(c) >= _MIN_CORE and c != n]


class _MemoryIndex:
    """One ecosystem's indexes as dicts (tests, explicit lists, and the builder of the disk index)."""

    EDIT2_TARGETS = 1000  # two-edit look-alikes only of the very top: longer names, fewer targets

    def __init__(self, eco: str, names: "list[str]", known: "list[str] | set[str]") -> None:
        enabled = gc.isenabled()
        gc.disable()  # ~0.3 M small strings: the cyclic GC would re-scan them many times over
        try:
            norm = list(dict.fromkeys(normalize(n, eco) for n in names if n.strip()))
            extra = [normalize(n, eco) for n in known]
            ordered = list(dict.fromkeys(norm + extra))
            self.eco = eco
            self.top = norm
            self.topset = set(norm)
            self.rank_of = {n: i + 1 for i, n in enumerate(ordered)}
            self.skel: dict[str, str] = {}
            self.flat: dict[str, str] = {}
            for n in ordered:  # most popular first: setdefault keeps the most popular owner of a key
                self.skel.setdefault(skeleton(n), n)
                self.flat.setdefault(_flat(n), n)
            self.core: dict[str, str] = {}
            self.del1: dict[str, list[str]] = {}
            for n in norm:
                for c in _cores(eco, n):
                    self.core.setdefault(c, n)
                if max_distance(len(n)) >= 1:
                    for k in (n, *_deletes(n)):
                        self.del1.setdefault(k, []).append(n)
        finally:
            if enabled:
                gc.enable()
        self._del2: dict[str, list[str]] | None = None
        self._del2_lock = threading.Lock()

    @property
    def rank(self) -> dict[str, int]:
        return self.rank_of

    def del2_table(self) -> dict[str, list[str]]:
        """Two-deletion index of the very top names (long ones only): ~0.2 s, so built on first use."""
        with self._del2_lock:
            if self._del2 is None:
                del2: dict[str, list[str]] = {}
                enabled = gc.isenabled()
                gc.disable()
                try:
                    for n in self.top[: self.EDIT2_TARGETS]:
                        if max_distance(len(n)) >= 2:
                            for k in _deletes2(n):
                                del2.setdefault(k, []).append(n)
                finally:
                    if enabled:
                        gc.enable()
                self._del2 = del2
            return self._del2

    # the index interface TyposquatChecker.check uses (DiskIndex answers the same questions)
    def rank_or_none(self, name: str) -> "int | None":
        return self.rank_of.get(name)

    def is_top(self, name: str) -> bool:
        return name in self.topset

    def owner(self, kind: str, key: str) -> "str | None":
        return (self.skel if kind == "skel" else self.flat if kind == "flat" else self.core).get(key)

    def candidates(self, level: int, keys: "Iterable[str]") -> "list[tuple[str, int]]":
        table = self.del1 if level == 1 else self.del2_table()
        out: list[tuple[str, int]] = []
        seen: set[str] = set()
        for k in keys:
            for t in table.get(k, ()):
                if t not in seen:
                    seen.add(t)
                    out.append((t, self.rank_of[t]))
        return out

    def names(self, top_only: bool) -> list[str]:
        return list(self.top) if top_only else sorted(self.rank_of, key=self.rank_of.__getitem__)


def _trim_heap() -> None:
    """Hand the freed dict indexes' memory back to the system (glibc keeps it otherwise)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class TyposquatChecker:
    """`top`: edit-distance targets per ecosystem, most popular first. `known`: every name that is
    popular in its own right (most popular first); never flagged, and compared by exact look-alike
    keys (skeleton, separators, scope) only.

    With `index_file` (TyposquatChecker.load(cache_dir=…)), the indexes are read from the SQLite file
    built by adr.supply.typoindex — a few hundred KiB of memory instead of ~100 MiB; explicit lists
    are indexed in memory."""

    def __init__(self, top: "dict[str, list[str] | Callable[[], tuple[list[str], list[str]]]]",
                 known: "dict[str, list[str] | set[str]] | None" = None, index_file: "Callable[[], Path | None] | None" = None,
                 index_built: "Callable[[], Path | None] | None" = None):
        """`top[eco]` is a list of names (with `known[eco]`), or a callable returning (top, known):
        an ecosystem's indexes are built on its first use, so commands that install nothing — and
        ecosystems never used — cost nothing. `index_file()` returns the disk index, building it if
        needed (seconds: only warm() calls it when `index_built` is given); `index_built()` returns it
        only when it is already there — until then a check uses the in-memory indexes, and warm()
        swaps them for the disk file once it is built, so no decision waits on the build."""
        self._sources: dict[str, Any] = {}
        for eco, names in top.items():
            self._sources[eco] = names if callable(names) else (lambda n=names, k=(known or {}).get(eco, ()): (n, k))
        self._index_file = index_file
        self._index_built = index_built
        self._disk: Any = None  # False once the disk index is known to be unavailable
        self._idx: dict[str, Any] = {}
        self._build_lock = threading.RLock()
        self._warming = threading.Event()  # warm() is building or opening the disk index
        self._settled = threading.Event()  # ... and has finished (the file is open, or unavailable)
        self._waited = False  # a check has waited for the build already

    # How long a check waits for a disk index that warm() is building (the first start only, ~1-3 s)
    # before it builds the in-memory one: that costs ~1 s of CPU and 40+ MiB the daemon never gets
    # back, where waiting costs neither. Waiting and then building must both fit in the daemon's hard
    # timeout for one decision (5 s) on a loaded machine.
    BUILD_WAIT = 2.0

    def _open_disk(self, build: bool = True, wait: bool = False) -> bool:
        """Open the disk index; with `build` False (a decision's path, when `index_built` is given),
        only one that is already built — a missing one leaves `_disk` undecided for warm(). With
        `wait`, a build warm() has under way is waited for (at most BUILD_WAIT seconds)."""
        if (self._disk is None and wait and not self._waited and self._warming.is_set() and not self._settled.is_set()
                and self._index_built is not None and self._index_built() is None):
            self._waited = True  # once: a build that outlasts one wait is not waited for again
            self._build_lock.release()  # warm() takes it to swap indexes once the file is open
            try:
                self._settled.wait(self.BUILD_WAIT)
            finally:
                self._build_lock.acquire()
        if self._disk is None:
            fn = self._index_file if build or self._index_built is None else self._index_built
            path = fn() if fn is not None else None
            if path is None and fn is not self._index_file:
                return False
            self._open_path(path)
        return self._disk is not False

    def _open_path(self, path: "Path | None") -> None:
        import sqlite3
        from adr.supply.typoindex import connect
        try:
            self._disk = (connect(path), threading.Lock()) if path is not None else False
        except (sqlite3.Error, OSError):
            self._disk = False

    def _ready(self, eco: str) -> "Any | None":
        """`eco`'s index (built or opened if needed); None for an ecosystem without data."""
        idx = self._idx.get(eco)
        if idx is not None:
            return idx
        if eco not in self._sources:
            return None
        with self._build_lock:
            idx = self._idx.get(eco)
            if idx is not None:
                return idx
            if self._index_file is not None and self._open_disk(build=False, wait=True):
                from adr.supply.typoindex import ECO_IDS, DiskIndex
                if eco in ECO_IDS:
                    conn, lock = self._disk
                    idx = DiskIndex(Path(), eco, conn=conn, lock=lock)
            if idx is None:
                names, known = self._sources[eco]()
                idx = _MemoryIndex(eco, names, known)
            self._idx[eco] = idx
        return idx

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR, cache_dir: "Path | None" = None) -> "TyposquatChecker":
        """The shipped lists; with `cache_dir`, through the on-disk index kept there (built in a child
        process on first use)."""
        index_file = None
        if cache_dir is not None:
            from adr.supply.typoindex import built, ensure
            index_file = lambda: ensure(cache_dir, data_dir)  # noqa: E731
            index_built = lambda: built(cache_dir, data_dir)  # noqa: E731
            return cls({eco: (lambda e=eco: read_sources(data_dir, e)) for eco in SUPPORTED},
                       index_file=index_file, index_built=index_built)
        return cls({eco: (lambda e=eco: read_sources(data_dir, e)) for eco in SUPPORTED})

    def warm(self) -> None:
        """Open or build the indexes now (the daemon calls this off the decision path). A disk index
        that has to be built first is built without holding the checker's lock: checks meanwhile use
        in-memory indexes, which are swapped for the disk file here once it is open."""
        if self._index_file is not None and self._disk is None:
            self._warming.set()
            try:
                path = self._index_file()  # may take seconds (a child process); checks wait for it, bounded
            except BaseException:
                self._settled.set()
                raise
            with self._build_lock:
                if self._disk is None:
                    self._open_path(path)
                if self._disk:
                    from adr.supply.typoindex import ECO_IDS, DiskIndex
                    conn, lock = self._disk
                    dropped = [eco for eco in list(self._idx) if eco in ECO_IDS and isinstance(self._idx[eco], _MemoryIndex)]
                    for eco in dropped:
                        self._idx[eco] = DiskIndex(Path(), eco, conn=conn, lock=lock)
                    if dropped:
                        _trim_heap()
                self._settled.set()
        for eco in self._sources:
            idx = self._ready(eco)
            if isinstance(idx, _MemoryIndex):
                idx.del2_table()

    def top_names(self, ecosystem: str) -> list[str]:
        idx = self._ready(ecosystem)
        return idx.names(True) if idx is not None else []

    def known_names(self, ecosystem: str) -> set[str]:
        idx = self._ready(ecosystem)
        return set(idx.names(False)) if idx is not None else set()

    def is_known(self, name: str, ecosystem: str) -> bool:
        idx = self._ready(ecosystem)
        return idx is not None and idx.rank_or_none(normalize(name, ecosystem)) is not None

    def check(self, name: str, ecosystem: str) -> Squat | None:
        """A Squat when `name` imitates a popular package; None when it is popular or unlike any."""
        eco = ecosystem.lower()
        if not name or len(name) > 214:
            return None
        idx = self._ready(eco)
        if idx is None:
            return None
        n = normalize(name, eco)
        if not n or idx.rank_or_none(n) is not None:
            return None
        ranks: dict[str, int] = {}

        def rank(t: str) -> int:
            if t not in ranks:
                ranks[t] = idx.rank_or_none(t) or 0
            return ranks[t]

        def hit(target: str, kind: str, detail: str, distance: int = 0) -> Squat:
            return Squat(name, eco, target, kind, detail, distance, rank(target))

        t = idx.owner("skel", skeleton(name.strip()))
        if t and t != n:
            return hit(t, "homoglyph", f"reads the same as {t!r} (confusable characters)")
        scope, _ = split_scope(n)
        t = idx.owner("flat", _flat(n))
        if t and t != n:
            tscope, _ = split_scope(t)
            if tscope and tscope != scope:
                return hit(t, "scope", f"{t!r} with its scope flattened or dropped")
            return hit(t, "separator", f"{t!r} with separators (-, _, .) added, removed or swapped")
        for core in _cores(eco, n):
            if idx.is_top(core):
                return hit(core, "affix", f"{core!r} with a decorating prefix/suffix added")
        t = idx.owner("core", n)
        if t and t != n:
            return hit(t, "affix", f"{t!r} with its prefix/suffix removed")
        best: tuple[int, int, str] | None = None
        if max_distance(len(n)) >= 1:
            for t, r in idx.candidates(1, (n, *_deletes(n))):
                ranks[t] = r
                if t == n or (scope and split_scope(t)[0] == scope):
                    continue  # one owner publishes the whole scope
                if max_distance(min(len(n), len(t))) < 1:
                    continue
                if damerau(n, t, 1) <= 1 and (best is None or r < best[1]):
                    best = (1, r, t)
        if best is None and max_distance(len(n)) >= 2:
            # symmetric-delete candidates (two deletions each side), then the exact distance
            for t, r in idx.candidates(2, _deletes2(n)):
                ranks[t] = r
                if t == n or (scope and split_scope(t)[0] == scope):
                    continue
                bound = max_distance(min(len(n), len(t)))
                d = damerau(n, t, bound)
                if d <= bound and (best is None or (d, r) < best[:2]):
                    best = (d, r, t)
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

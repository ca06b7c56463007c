"""RE2 objects with the smallest memory budget that compiles them.

RE2 gives each compiled regex one budget (`max_mem`) for its program *and* for the cache of DFA
states it builds lazily as it meets new texts. The program takes what it needs; the rest is cache,
kept until the budget is full (then RE2 drops the cache and starts again). A daemon judging months
of distinct commands fills every cache it has, so the budget is what the daemon's RSS grows to:
with 64 MiB per set it grew ~50 MiB over 10,000 decisions (bench/engine.py, heaptrack: all of it
DFA states). A small budget is correct, never wrong: a regex falls back to the NFA when its DFA runs
out, and a set (which cannot fall back) drops its cache and goes on; only a budget too small for the
program itself fails to compile, so each object starts small and doubles until it compiles.
"""
from __future__ import annotations

from typing import Any, Iterable

import re2

# budget ladder: the first that compiles the object is kept (the cap is what the engine always used)
REGEX_MEM = 1 << 20  # a single regex: ~2/3 for the program, the rest its DFA cache
SET_MEM = 2 << 20  # a pattern set: ≥ 3/4 of what the program leaves is DFA cache
MAX_MEM = 64 << 20
_INST_BYTES = 16  # sizeof(re2::Prog::Inst)

_options: dict[int, Any] = {}


def options(mem: int) -> Any:
    """Shared Options with this budget (and no RE2 logging: errors are reported by adr, with the
    rule and field, never on the hook's stderr)."""
    got = _options.get(mem)
    if got is None:
        got = re2.Options()
        got.max_mem = mem
        got.log_errors = False
        _options[mem] = got
    return got


def _ladder(start: int) -> Iterable[int]:
    mem = start
    while mem < MAX_MEM:
        yield mem
        mem *= 2
    yield MAX_MEM


def compile(pattern: "str | bytes", mem: int = REGEX_MEM) -> Any:
    """re2.compile with the smallest budget from `mem` up that holds the program in a quarter of it
    (the rest is DFA cache: a starved DFA would send every search to the slower NFA). A pattern that
    is bad (not merely big) raises re2.error at the first try."""
    for m in _ladder(mem):
        try:
            rx = re2.compile(pattern, options=options(m))
        except re2.error as e:
            if "too large" not in str(e) or m >= MAX_MEM:
                raise
            continue
        if rx.programsize * _INST_BYTES * 4 <= m or m >= MAX_MEM:
            return rx
    raise AssertionError("unreachable")


def search_set(patterns: "Iterable[str]", mem: int = SET_MEM) -> Any:
    """A compiled RE2::Set (unanchored) of the patterns, in order."""
    pats = list(patterns)
    for m in _ladder(mem):
        s = re2.Set.SearchSet(options(m))
        for p in pats:
            s.Add(p)
        try:
            s.Compile()
            return s
        except re2.error:
            if m >= MAX_MEM:
                raise
    raise AssertionError("unreachable")


def filtered(patterns: "Iterable[str]", mem: int = REGEX_MEM) -> Any:
    """A compiled FilteredRE2 of the patterns, in order, each with its own smallest budget."""
    filt = re2.Filter()
    for p in patterns:
        for m in _ladder(mem):
            try:
                filt.Add(p, options(m))
                break
            except re2.error:
                if m >= MAX_MEM:
                    raise
    filt.Compile()
    return filt

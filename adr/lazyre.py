"""Module-level regexes compiled at their first use, not at import.

Every agent action starts a process (the hook, its in-process fallback, `adr check`), and the shell
and engine modules hold ~600 module-level patterns, most of them for one interpreter, build file or
SQL dialect that a given action never meets: compiling them all at import was ~0.3 s of each start.
`lazyre.compile(pattern, flags)` stands in for `re.compile(pattern, flags)`. The first call of a
method compiles the pattern and puts the compiled re.Pattern in its place: in the module's globals,
where the module named it (later calls are plain re.Pattern calls: steady-state matching costs what
it did), and its bound methods on the stand-in itself, for a pattern held in a tuple or a dict
(~0.1 µs a call more than a compiled pattern's).
A daemon compiles them all at load (compile_all, from Engine.compile_regexes), so none of its
decisions waits on one and its named patterns are plain re.Pattern objects from the start. A bad
pattern would raise re.error at its first use: tests/test_startup_cost.py compiles every one. User
rules never come through here (they are RE2, validated when the packs load: adr/engine/conditions.py).
"""
from __future__ import annotations

import re
import sys
import weakref
from typing import Any, cast

_MADE: "weakref.WeakSet[LazyPattern]" = weakref.WeakSet()  # every stand-in alive, for compile_all

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")


class LazyPattern:
    """The methods and attributes of re.Pattern that adr's modules use, compiled on first use."""

    def __init__(self, pattern: "str | bytes", flags: int = 0, home: "dict[str, Any] | None" = None) -> None:
        self.pattern = pattern
        self._flags = flags
        self._home = home  # the globals of the module that made it
        _MADE.add(self)

    def compiled(self) -> "re.Pattern[Any]":
        rx: "re.Pattern[Any] | None" = self.__dict__.get("_rx")
        if rx is None:
            rx = re.compile(self.pattern, self._flags)
            d = self.__dict__
            for name in _METHODS:  # instance attributes shadow the class's methods below
                d[name] = getattr(rx, name)
            d["_rx"] = rx
            home, self._home = self._home, None
            if home is not None:
                for name, value in list(home.items()):
                    if value is self:
                        home[name] = rx
        return rx

    def search(self, *a: Any, **k: Any) -> Any:
        return self.compiled().search(*a, **k)

    def match(self, *a: Any, **k: Any) -> Any:
        return self.compiled().match(*a, **k)

    def fullmatch(self, *a: Any, **k: Any) -> Any:
        return self.compiled().fullmatch(*a, **k)

    def finditer(self, *a: Any, **k: Any) -> Any:
        return self.compiled().finditer(*a, **k)

    def findall(self, *a: Any, **k: Any) -> Any:
        return self.compiled().findall(*a, **k)

    def sub(self, *a: Any, **k: Any) -> Any:
        return self.compiled().sub(*a, **k)

    def subn(self, *a: Any, **k: Any) -> Any:
        return self.compiled().subn(*a, **k)

    def split(self, *a: Any, **k: Any) -> Any:
        return self.compiled().split(*a, **k)

    def scanner(self, *a: Any, **k: Any) -> Any:
        return self.compiled().scanner(*a, **k)

    @property
    def flags(self) -> int:
        return self.compiled().flags

    @property
    def groups(self) -> int:
        return self.compiled().groups

    @property
    def groupindex(self) -> Any:
        return self.compiled().groupindex

    def __repr__(self) -> str:
        return f"lazyre.compile({self.pattern!r})"


def compile(pattern: "str | bytes", flags: int = 0) -> "re.Pattern[str]":  # noqa: A001 (re.compile's twin)
    """re.compile(pattern, flags), compiled at its first use (typed as the pattern it stands for)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags, sys._getframe(1).f_globals))


def compile_all() -> int:
    """Compile every pattern alive (a daemon at load); returns how many there are."""
    for p in list(_MADE):
        p.compiled()
    return len(_MADE)

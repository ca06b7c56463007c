"""What a find expression's exclusions keep away from its deleting action — pure.

`find . -not -path './.git/*' -type d -empty -delete` and `find . -name .git -prune -o -type f -exec rm
{} +` leave the repository's history alone; `find . -not -path './.git' -delete` (the folder's
contents are still handed over) and `find . -path ./.git -prune -o -delete` do not: -delete implies
-depth, and under -depth -prune does nothing (GNU find refuses to run it, BSD/macOS find deletes).
A FindScope holds the exclusions of one action; `spared(path)` says whether a concrete path that the
on-disk expansion found under the start (with everything below it) is left alone.

Only what find provably does counts: negated name/path/regex tests ANDed before the action, and a
`COND -prune -o …` that comes first at the top level of an expression without -depth/-d/-delete or
`,`. A pattern adr cannot read exactly (brackets, backslashes, a -regextype) excludes nothing.
"""
from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass

import re2

from adr import lazyre

# tests whose exclusion can be proved: basename globs, whole-path globs, whole-path regexes
NAME_TESTS = frozenset({"-name", "-iname"})
PATH_TESTS = frozenset({"-path", "-ipath", "-wholename", "-iwholename"})
REGEX_TESTS = frozenset({"-regex", "-iregex"})
SCOPE_TESTS = NAME_TESTS | PATH_TESTS | REGEX_TESTS
# names no pattern of literals, `*` and `?` (the only ones read here) matches but through a wildcard:
# a pattern that matches both below a folder matches everything below it (one char, and longer than
# any pattern read, so a `?` alone cannot cover it)
MAX_PATTERN = 256
_ONE, _LONG = "\x01", "\x02" * (MAX_PATTERN + 1)
# literals, `\.`, `.` and `*`: read alike by GNU's emacs syntax and BSD's basic one (where `+` and `?`
# are plain characters), whatever -regextype/-E says
_REGEX_SIMPLE = lazyre.compile(r"(?:\\\.|[A-Za-z0-9_/.~%@,=:-])(?:\\\.|[A-Za-z0-9_/.*~%@,=:-])*")
_DEPTH_FIRST = frozenset({"-depth", "-d", "-delete"})


@dataclass(frozen=True)
class FindScope:
    """The exclusions in front of one deleting action of `find START …`."""

    start: str  # as written: find's paths begin with it
    negs: tuple[tuple[str, str], ...]  # `! -path P` …: an entry matching one is not handed over
    prunes: tuple[tuple[str, str], ...]  # `\( -name A -o -path B \) -prune -o …`: matched entries and all below them are skipped
    dirs_only: bool  # `-type d`: only directories are handed over

    def spared(self, rel: str) -> bool:
        """Is the entry START/rel (rel "" for the start), with what lies below it, left alone? The
        action is one that cannot take a non-empty folder (-delete, rm without -r, or files only): a
        folder whose contents are all excluded keeps them, so it is spared too, unless it may be a file
        that is handed over itself."""
        return all(self._spared(v) for v in _views(self.start, rel))

    def _spared(self, view: str) -> bool:
        if not self._all_below_out(view):
            return False
        return self._out(view) or self.dirs_only

    def _out(self, view: str) -> bool:
        """Is this entry never handed to the action?"""
        if any(_matches(t, p, view) for t, p in self.negs):
            return True
        return self._pruned(view)

    def _pruned(self, view: str) -> bool:
        """Is this entry or a folder above it (up to the start) pruned?"""
        if not self.prunes:
            return False
        v = view
        while True:
            if any(_matches(t, p, v) for t, p in self.prunes):
                return True
            if len(v) <= len(self.start.rstrip("/")) or "/" not in v:
                return False
            v = v.rsplit("/", 1)[0]

    def _all_below_out(self, view: str) -> bool:
        """Is every entry below this one never handed over (one exclusion covers them all)?"""
        if self._pruned(view):
            return True
        below = [view.rstrip("/") + "/" + x for x in (_ONE, _LONG)]
        return any(all(_matches(t, p, b) for b in below) for t, p in self.negs + self.prunes)


def _views(start: str, rel: str) -> "list[str]":
    """How find spells START/rel: GNU joins `./` and a name without a second slash, BSD keeps it."""
    if not rel:
        return [start]
    if start.endswith("/") and start.strip("/"):
        return [start + rel, start + "/" + rel]
    return [start.rstrip("/") + "/" + rel if start != "/" else "/" + rel]


def _matches(test: str, pattern: str, view: str) -> bool:
    """Does `test pattern` hold for the entry find spells `view`? False when not readable exactly."""
    if len(pattern) > MAX_PATTERN:
        return False
    fold = test in ("-iname", "-ipath", "-iwholename", "-iregex")
    if fold:
        pattern, view = pattern.lower(), view.lower()
    if test in REGEX_TESTS:
        rx = _regex(pattern)
        return rx is not None and rx.fullmatch(view) is not None
    if "[" in pattern or "\\" in pattern or not pattern:
        return False  # (glibc's brackets and escapes differ from fnmatch's)
    if test in NAME_TESTS:
        name = posixpath.basename(view.rstrip("/")) or view
        return fnmatch.fnmatchcase(name, pattern)
    return fnmatch.fnmatchcase(view, pattern)


def _regex(pattern: str) -> "re2._Regexp | None":
    """A find regex of literals, `\\.`, `.` and `*` (not first), as RE2 reads it."""
    if not pattern or not _REGEX_SIMPLE.fullmatch(pattern):
        return None
    try:
        return re2.compile(pattern)
    except re2.error:
        return None


def prune_conditions(expr: "list[str]") -> "tuple[tuple[str, str], ...]":
    """The tests of a `COND -prune -o …` that opens the expression: COND one test, or a group of tests
    joined by -o. () when -prune has no effect (-depth, -d, -delete: find then walks bottom-up, and
    GNU find refuses or BSD find descends anyway) or does not gate the rest (`,`)."""
    if any(a in _DEPTH_FIRST or a == "," for a in expr) or "-prune" not in expr:
        return ()
    k = 0
    conds: list[tuple[str, str]] = []
    if expr[:1] and expr[0] in ("(", "\\("):
        k = 1
        while k + 1 < len(expr) and expr[k] in SCOPE_TESTS:
            conds.append((expr[k], expr[k + 1]))
            k += 2
            if expr[k:k + 1] and expr[k] in ("-o", "-or"):
                k += 1
                continue
            break
        if not expr[k:k + 1] or expr[k] not in (")", "\\)"):
            return ()
        k += 1
    elif len(expr) > 1 and expr[0] in SCOPE_TESTS:
        conds.append((expr[0], expr[1]))
        k = 2
    if not conds:
        return ()
    if expr[k:k + 1] in (["-a"], ["-and"]):
        k += 1
    if expr[k:k + 2] not in (["-prune", "-o"], ["-prune", "-or"]):
        return ()
    return tuple(conds)


def shell_kept(pattern: str, raw: str) -> bool:
    """Did find get `pattern` as written? A pattern with a wildcard counts only when the command's text
    (`raw`) quotes it: unquoted, the shell expands it first (`-not -path ./.git*` is `-not -path ./.git`
    where only .git matches, which leaves its contents to the action)."""
    if not any(c in pattern for c in "*?["):
        return True
    return bool(raw) and ("'" + pattern + "'" in raw or '"' + pattern + '"' in raw)


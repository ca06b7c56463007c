"""Path normalisation and globs, so rules say `~/.ssh/*` once and match every spelling of it.

Every path is made absolute against the action's cwd, `..` is collapsed, and any home directory
(the user's own, `/home/*`, `/Users/*`, `/root`) becomes `~` — another user's ssh key is no less
sensitive than ours.
"""
from __future__ import annotations

import functools
import os
import posixpath
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import re2

from adr import lazyre
from adr.engine import regexmem

_HOME_PREFIX = lazyre.compile(r"^(?:/home/[^/]+|/Users/[^/]+|/root|/var/root)(?=/|$)")


def _case_fold_default() -> bool:
    """macOS (and Windows) file systems ignore case by default: `~/library/launchagents/x.plist` is
    `~/Library/LaunchAgents/x.plist` there. ADR_CASE_INSENSITIVE_PATHS=1/0 overrides (tests, a
    case-sensitive APFS volume)."""
    v = os.environ.get("ADR_CASE_INSENSITIVE_PATHS", "").strip().lower()
    if v in ("1", "true", "yes"):
        return True
    if v in ("0", "false", "no"):
        return False
    return sys.platform in ("darwin", "win32")


CASE_FOLD = _case_fold_default()
_NAMES: dict[str, str] = {}  # a path component the rules name, lower-cased → as the rules spell it
_HOME_PREFIX_I = lazyre.compile(_HOME_PREFIX.pattern, re.IGNORECASE)


def learn_names(globs: "Iterable[str]") -> None:
    """Remember the literal path components the rules name (`Library`, `LaunchAgents`, `.ssh`,
    `authorized_keys` …). Where the file system ignores case, normalize() spells a path's components
    as the rules do, so every spelling of a protected file matches (nothing changes where it does not)."""
    before = len(_NAMES)
    for g in globs:
        if not isinstance(g, str) or "/" not in g:
            continue
        for seg in g.split("/"):
            if seg and seg != "~" and not has_glob(seg) and len(_NAMES) < 20_000:
                _NAMES.setdefault(seg.lower(), seg)
    if len(_NAMES) != before:
        normalize.cache_clear()
        other_home.cache_clear()


def _fold_names(p: str) -> str:
    return "/".join(_NAMES.get(seg.lower(), seg) for seg in p.split("/"))


# a process's working directory or root as a link (`/proc/self/cwd/../.config/adr`): a link, so a `..`
# after it is the link target's parent — never collapsed into /proc/self by a lexical normpath
_PROC_LINK = lazyre.compile(r"^/proc/(self|thread-self|\d{1,10})/(cwd|root)(?=/|$)")
_DOT_SEGMENTS = lazyre.compile(r"/(?:\.(?=/|$))+|/+(?=/)")


def through_proc_link(p: str, cwd: str) -> "str | None":
    """`p` with a leading /proc/self/cwd (thread-self's too) put as `cwd` — the process that runs
    the command works there — and /proc/PID/root as `/` (no agent runs chrooted); None for any other
    path, and for another process's cwd (a link only the disk can resolve)."""
    if not p.startswith("/") or "proc/" not in p:
        return None
    m = _PROC_LINK.match(_DOT_SEGMENTS.sub("", p) or "/") or _PROC_LINK.match(posixpath.normpath(p))
    if m is None:
        return None  # (the second look: `/dev/fd/../../proc/self/cwd`, spelled to reach it lexically)
    rest = m.string[m.end():].lstrip("/")
    if m.group(2) == "root":
        return "/" + rest
    if m.group(1) in ("self", "thread-self") and cwd:
        return cwd.rstrip("/") + "/" + rest if rest else cwd
    return None


@functools.lru_cache(maxsize=4096)
def normalize(path: str, cwd: str = "", home: str = "") -> str:
    """`path` as rules see it (pure, so remembered: a decision normalizes the same few paths ~14 times,
    across the resolver, the targets' forms and the subjects)."""
    p = path.strip()
    if not p:
        return ""
    if p.startswith(("'", '"')) and p.endswith(p[0]) and len(p) >= 2:
        p = p[1:-1]
    for var in ("$HOME", "${HOME}"):
        if p == var or p.startswith(var + "/"):
            p = "~" + p[len(var):]
    if "proc/" in p:
        p = through_proc_link(p, cwd or "/") or p  # (`/proc/self/cwd/..`: the working directory's parent)
    if p == "~+" or p.startswith("~+/"):
        p = "." + p[2:]  # the shell's ~+ is $PWD: `~+/../home/u/.ssh` climbs from the working directory
    if p.startswith("~"):
        # ~user/… is another home: same treatment
        slash = p.find("/")
        p = "~" + (p[slash:] if slash != -1 else "")
    elif not p.startswith("/"):
        base = cwd or "/"
        p = posixpath.join(base, p)
    if p.startswith("/"):
        p = posixpath.normpath(p)
        if p.startswith("//"):
            p = p[1:]
        h = home.rstrip("/")
        cp, ch = (p.lower(), h.lower()) if CASE_FOLD else (p, h)
        if home and (cp == ch or cp.startswith(ch + "/")):
            p = "~" + p[len(h):]
        else:
            p = (_HOME_PREFIX_I if CASE_FOLD else _HOME_PREFIX).sub("~", p, count=1)
    else:
        rest = posixpath.normpath("/" + p[1:].lstrip("/"))
        p = "~" if rest == "/" else "~" + rest
    if CASE_FOLD and _NAMES:
        p = _fold_names(p)
    return p


def _home_dir(p: str) -> str:
    """The home directory an absolute, normalized path lies in ("" when none)."""
    m = _HOME_PREFIX.match(p)
    return m.group(0) if m else ""


@functools.lru_cache(maxsize=4096)
def other_home(path: str, cwd: str = "", home: str = "", start: "str | None" = None) -> str:
    """`path` (relative to `cwd`) spelled in another user's home: the absolute path (`/home/www/x`)
    or `~user/x` when it lies in a home directory that is neither the user's (`home`) nor the one the
    action starts in (`start`, the action's cwd; default `cwd`) — else "". Only a literal home counts:
    `/home/*/x`, `/home/{a,b}` or `$HOME/x` may be the user's own, and so may `~user/..`. Unknown
    `home`: nothing is another's."""
    p = path.strip()
    if not home or not p or p.startswith("$"):
        return ""
    if len(p) >= 2 and p[0] in "'\"" and p[-1] == p[0]:
        p = p[1:-1]
    own = {home.rstrip("/") or "/"}
    here = cwd if cwd.startswith("/") else ""
    start = cwd if start is None else start
    if start.startswith("/"):
        own.add(_home_dir(posixpath.normpath(start)) or "/")
    if p.startswith("~"):
        slash = p.find("/")
        user, rest = (p[1:], "") if slash == -1 else (p[1:slash], p[slash:])
        if not user or has_glob(user) or "$" in user or any(o.rsplit("/", 1)[-1].lower() == user.lower() for o in own):
            return ""
        if ".." in rest.split("/"):
            return ""  # `~www/../dev/…` may climb into a home of ours
        rest = posixpath.normpath(rest) if rest else ""
        return "~" + user + ("" if rest in ("", "/") else rest)
    if not p.startswith("/"):
        if not here:
            return ""
        p = posixpath.join(here, p)
    p = posixpath.normpath(p)
    if p.startswith("//"):
        p = p[1:]
    top = _home_dir(p)
    # case folded: on a case-insensitive file system (macOS) /Users/DEV is /Users/dev
    if not top or has_glob(top) or top.lower() in {o.lower() for o in own}:
        return ""
    return p


@functools.lru_cache(maxsize=4096)
def normalize_own(path: str, cwd: str = "", home: str = "", start: "str | None" = None) -> str:
    """`path` as adr's self-defense sees it: like normalize(), except that another user's home stays
    apart (other_home) — adr's files lie only in its own user's home, while rules about secrets and
    persistence treat every home alike."""
    return other_home(path, cwd, home, start) or normalize(path, cwd, home)


@functools.lru_cache(maxsize=8192)
def glob_to_regex(glob: str) -> str:
    """`**` any depth, `*` within one segment, `?` one char, `{a,b}` alternatives.

    A glob without a slash matches the basename anywhere (`*.pem`); `~/` and `/` anchor.
    A trailing `/**` also matches the directory itself.
    """
    g = glob.strip()
    if g.startswith("~") and not g.startswith("~/") and g != "~":
        raise ValueError(f"glob {glob!r}: only ~/ is supported")
    anchored = g.startswith(("/", "~"))
    out = []
    i = 0
    depth = 0
    while i < len(g):
        c = g[i]
        if c == "*":
            if g.startswith("**", i):
                if g.startswith("**/", i):
                    out.append("(?:.*/)?")
                    i += 3
                else:
                    out.append(".*")
                    i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "{":
            out.append("(?:")
            depth += 1
        elif c == "}" and depth:
            out.append(")")
            depth -= 1
        elif c == "," and depth:
            out.append("|")
        elif c == "[":
            j = g.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = g[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        raise ValueError(f"glob {glob!r}: unbalanced {{")
    body = "".join(out)
    if body.endswith("/.*"):
        body = body[:-3] + "(?:/.*)?"
    if anchored:
        return "^" + body + "$"
    return "(?:^|/)" + body + "$"


@functools.lru_cache(maxsize=4096)
def glob_to_search(glob: str) -> str:
    """glob_to_regex for an unanchored search (what the rules do): the same paths match, with the
    redundant `.*` parts dropped — `(?:^|/)(?:.*/)?x$` ≡ `(?:^|/)x$` and `x(?:/.*)?$` ≡ `x(?:/|$)`
    when searching — which keeps the RE2 DFAs of many path globs small (a set of 80 path globs:
    ~40 µs → a few µs per new path). Cached: loading the rules asks for 1,454 globs 7,095 times (the
    shared lists), ~20% of a load."""
    rx = glob_to_regex(glob)
    if rx.startswith("(?:^|/)(?:.*/)?"):
        rx = "(?:^|/)" + rx[len("(?:^|/)(?:.*/)?"):]
    if rx.endswith("(?:/.*)?$"):
        rx = rx[:-len("(?:/.*)?$")] + "(?:/|$)"
    return rx


def compile_globs(globs: list[str]) -> "re2._Regexp":
    return regexmem.compile("|".join(f"(?:{glob_to_search(g)})" for g in globs))


# ---- what a glob target could stand for -------------------------------------------------------
# A target written as a glob (`~/.config/ad?/config.yaml`) or a brace list names every path it can
# expand to. Whether one of them is protected is a question about two globs: is there a path both
# match? These functions answer it without the file system, and name such a path (a witness), so
# the rules can judge the witness like any spelled-out path.

GLOB_CHARS = frozenset("*?[{")
MAX_BRACE_ALTERNATIVES = 64
_SAFE_CHARS = "xyzabcdefghijklmnopqrstuvw0123456789_-."


def has_glob(path: str) -> bool:
    return not GLOB_CHARS.isdisjoint(path)


def escape_glob(path: str) -> str:
    """A literal path as a glob that matches only itself (`[` `*` `?` `{` in brackets)."""
    return "".join(f"[{c}]" if c in GLOB_CHARS else c for c in path)


def expand_braces(s: str, limit: int = MAX_BRACE_ALTERNATIVES) -> list[str]:
    """`a{b,c}d` → [abd, acd], nested too; at most `limit` results (the rest are dropped: callers
    use this to find what a target *could* be, and more alternatives only add witnesses)."""
    start = -1
    depth = 0
    for i, c in enumerate(s):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                body = s[start + 1:i]
                parts, level, cur = [], 0, []
                for ch in body:
                    if ch == "," and level == 0:
                        parts.append("".join(cur))
                        cur = []
                        continue
                    level += ch == "{"
                    level -= ch == "}"
                    cur.append(ch)
                parts.append("".join(cur))
                if len(parts) < 2:
                    return [s]
                out: list[str] = []
                for p in parts:
                    for tail in expand_braces(s[i + 1:], limit):
                        for whole in expand_braces(s[:start] + p, limit):
                            out.append(whole + tail)
                            if len(out) >= limit:
                                return out
                return out
    return [s]


_STAR = ("*",)
_ANY = ("?",)


def _seg_tokens(seg: str) -> tuple[tuple, ...]:
    """One path segment → tokens: ("*",) ("?",) ("[", chars, negated) ("c", char)."""
    out: list[tuple] = []
    i = 0
    while i < len(seg):
        c = seg[i]
        if c == "*":
            if not out or out[-1] is not _STAR:
                out.append(_STAR)
        elif c == "?":
            out.append(_ANY)
        elif c == "[" and seg.find("]", i + 2) != -1:
            j = seg.find("]", i + 2) if seg[i + 1:i + 2] in ("!", "^") else seg.find("]", i + 1 + (seg[i + 1:i + 2] == "]"))
            body = seg[i + 1:j]
            neg = body[:1] in ("!", "^")
            if neg:
                body = body[1:]
            chars: set[str] = set()
            k = 0
            while k < len(body):
                if k + 2 < len(body) and body[k + 1] == "-":
                    lo, hi = ord(body[k]), ord(body[k + 2])
                    chars.update(chr(x) for x in range(lo, min(hi, lo + 256) + 1))
                    k += 3
                else:
                    chars.add(body[k])
                    k += 1
            out.append(("[", frozenset(chars), neg))
            i = j + 1
            continue
        else:
            tok = _CHARS.get(c)
            if tok is None:
                tok = ("c", c)
                if len(_CHARS) < 4096:
                    _CHARS[c] = tok
            out.append(tok)
        i += 1
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _seg_pattern(seg: str) -> "re.Pattern[str]":
    """The regex of one wildcard segment as written (a candidate search tries one pattern against
    every protected name: tokenizing it once per name cost ~140 µs a call)."""
    return _seg_regex(_seg_tokens(seg))


# one token per literal character, shared: the memos of PlaceNames/NameIndex keep thousands of
# segments as keys, and a tuple per character of each cost ~3 MiB in a daemon after 10,000 decisions
_CHARS: dict[str, tuple[str, str]] = {}


def _accepts(tok: tuple, ch: str) -> bool:
    kind = tok[0]
    if kind == "c":
        return tok[1] == ch
    if kind == "[":
        return (ch in tok[1]) != tok[2]
    return True  # * and ?


def _common_char(a: tuple, b: tuple) -> str | None:
    for tok, other in ((a, b), (b, a)):
        if tok[0] == "c":
            return tok[1] if _accepts(other, tok[1]) else None
    for tok, other in ((a, b), (b, a)):
        if tok[0] == "[" and not tok[2]:
            return next((ch for ch in sorted(tok[1]) if ch != "/" and _accepts(other, ch)), None)
    return next((ch for ch in _SAFE_CHARS if _accepts(a, ch) and _accepts(b, ch)), None)


def _seg_witness(a: tuple[tuple, ...], b: tuple[tuple, ...], nodot: bool = False) -> str | None:
    """A non-empty string both segment patterns match (breadth first over pairs of positions and
    whether a character was taken yet), or None. A path segment is never empty. `nodot`: like the
    shell without dotglob, a wildcard of `a` does not match a leading `.`."""
    from collections import deque

    start = (0, 0, False)
    back: dict[tuple[int, int, bool], tuple[tuple[int, int, bool], str] | None] = {start: None}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        i, j, took = node
        if i == len(a) and j == len(b) and took:
            out = []
            while back[node] is not None:
                node, ch = back[node]  # type: ignore[misc]
                out.append(ch)
            return "".join(reversed(out))
        ta = a[i] if i < len(a) else None
        tb = b[j] if j < len(b) else None
        moves: list[tuple[tuple[int, int, bool], str]] = []
        if ta is _STAR:
            moves.append(((i + 1, j, took), ""))
        if tb is _STAR:
            moves.append(((i, j + 1, took), ""))
        if ta is not None and tb is not None:
            ch = _common_char(ta, tb)
            if ch == "." and nodot and not took and (ta[0] != "c" or i > 0):
                ch = None  # a leading dot only by a literal `.` that starts the pattern (`*.md` ≠ `.md`)
            if ch is not None:
                moves.append(((i if ta is _STAR else i + 1, j if tb is _STAR else j + 1, True), ch))
        for nxt, ch in moves:
            if nxt not in back:
                back[nxt] = (node, ch)
                todo.append(nxt)
    return None


_DEEP = "**"


def _segments(glob: str) -> list:
    g = glob.strip()
    if not g.startswith(("/", "~")):
        g = "**/" + g  # unanchored: at any depth
    segs: list = []
    for s in g.split("/"):
        if s == "**":
            if not segs or segs[-1] != _DEEP:
                segs.append(_DEEP)
        elif s or not segs:
            segs.append(_seg_tokens(s))
    return segs


def _path_witness(a: list, b: list, nodot: bool = False) -> list[str] | None:
    """Segments of a path both segment lists match (`**` = any number of segments), or None.
    `nodot`: wildcards of `a` (its `*`, `?`, `**`) do not match a name's leading dot."""
    from collections import deque

    star = (_STAR,)
    back: dict[tuple[int, int], tuple[tuple[int, int], str | None] | None] = {(0, 0): None}
    todo = deque([(0, 0)])
    while todo:
        i, j = todo.popleft()
        if i == len(a) and j == len(b):
            out: list[str] = []
            node: tuple[int, int] = (i, j)
            while back[node] is not None:
                node, seg = back[node]  # type: ignore[misc]
                if seg is not None:
                    out.append(seg)
            return list(reversed(out))
        sa = a[i] if i < len(a) else None
        sb = b[j] if j < len(b) else None
        moves: list[tuple[tuple[int, int], str | None]] = []
        if sa == _DEEP:
            moves.append(((i + 1, j), None))
            if sb is not None and sb != _DEEP:
                w = _seg_witness(star, sb, nodot)
                if w is not None:
                    moves.append(((i, j + 1), w))
        if sb == _DEEP:
            moves.append(((i, j + 1), None))
            if sa is not None and sa != _DEEP:
                w = _seg_witness(sa, star, nodot)
                if w is not None:
                    moves.append(((i + 1, j), w))
        if sa is not None and sb is not None and sa != _DEEP and sb != _DEEP:
            w = "" if not sa and not sb else _seg_witness(sa, sb, nodot)
            if w is not None:
                moves.append(((i + 1, j + 1), w))
        for nxt, seg in moves:
            if nxt not in back:
                back[nxt] = ((i, j), seg)
                todo.append(nxt)
    return None


def _unescape_literal(glob: str) -> str:
    """The path an escape_glob() result stands for; "" when the glob has a real wildcard."""
    plain = re.sub(r"\[([*?\[{])\]", "", glob)
    if has_glob(plain):
        return ""
    return re.sub(r"\[([*?\[{])\]", r"\1", glob)


def _literal_prefix(glob: str) -> str:
    for i, c in enumerate(glob):
        if c in GLOB_CHARS:
            return glob[:i]
    return glob


@functools.lru_cache(maxsize=1024)
def _seg_regex(tokens: tuple[tuple, ...]) -> "re.Pattern[str]":
    """One segment's tokens as a regex (remembered: `*.py`, `*.txt` recur across decisions)."""
    out = []
    for t in tokens:
        if t is _STAR:
            out.append("[^/]*")
        elif t is _ANY:
            out.append("[^/]")
        elif t[0] == "[":
            chars = "".join(re.escape(c) for c in sorted(t[1]))
            out.append(f"[{'^' if t[2] else ''}{chars}]" if chars else ("[^/]" if t[2] else "(?!)"))
        else:
            out.append(re.escape(t[1]))
    return re.compile("".join(out))


@dataclass(frozen=True)
class PlaceNames:
    """What one of adr's places holds, by name (read at load: adr/policy/protect.py own_names)."""
    place: str  # normalized as rules see it (`~/.config/adr`, `/tmp/runtime-0/adr`), no trailing slash
    files: frozenset[str]  # names of what is not a folder, anywhere inside it
    dirs: frozenset[str]  # names of the folders inside it


def _lies_inside(gsegs: list, place: str) -> bool:
    """Does every path of the glob (its segments) lie strictly inside the folder `place`?"""
    parts = place.split("/")
    if len(gsegs) <= len(parts):
        return False
    for seg, part in zip(gsegs, parts):
        if seg == _DEEP or not _seg_regex(seg).fullmatch(part):
            return False
    return True


def _covers(folder: list, place: str) -> bool:
    """Is `place` the folder the segments spell, or inside it?"""
    parts = place.split("/")
    return len(folder) <= len(parts) and all(seg != _DEEP and _seg_regex(seg).fullmatch(part)
                                             for seg, part in zip(folder, parts))


def _joined(names: "Iterable[str]") -> str:
    return "/" + "/".join(sorted(names)) + "/"


class GlobWitness:
    """Protected globs, compiled once; `witnesses(target)` names, for a target written as a glob
    or brace list, one concrete path per protected glob it could expand to.

    As the shell expands: a wildcard does not match a name's leading dot unless the line turns
    dotglob on (the caller says so), and nothing but `**` crosses a `/`. Cheap tests first: the literal prefixes
    must agree, and a protected glob ending in a plain name must have that name match the target's
    last segment. Answers are remembered (targets like `*.py` recur)."""

    MAX_TARGET = 1024
    MEMO_MAX = 4096

    def __init__(self, globs: "list[str] | tuple[str, ...]", dirs: "Iterable[str]" = (),
                 fresh: "Iterable[str]" = ()) -> None:
        """`dirs`: those of `globs` that name only directories (the folders above adr's); `fresh`:
        those whose every entry adr's daemon keeps fresh (its runtime directory). A delete that spares
        directories or fresh files (shell/effects.py Effect.spares) gets no witness from them."""
        tagged = {g: "dirs" for g in dirs}
        fresh = list(fresh)
        tagged.update({g: "fresh" for g in fresh})
        fresh_rx = compile_globs(fresh) if fresh else None
        # (literal prefix, segments, plain last name or None, what the glob stands for: "" | dirs | fresh)
        self._globs: list[tuple[str, list, str | None, str]] = []
        for g in globs:
            for alt in expand_braces(g):
                prefix = _literal_prefix(alt) if alt.startswith(("/", "~")) else ""
                segs = _segments(alt)
                last = segs[-1] if segs else None
                name = "".join(t[1] for t in last) if last and last != _DEEP and all(t[0] == "c" for t in last) else None
                kind = tagged.get(g, "")
                if not kind and fresh_rx is not None and (lit := _unescape_literal(alt)) and fresh_rx.search(lit):
                    kind = "fresh"  # one of adr's files that lies in a fresh place (its socket, pid file)
                self._globs.append((prefix, segs, name, kind))
        self._memo: dict[str, tuple[str, ...]] = {}
        self._names: str | None = None  # "/name/name/…/": what exists in adr's places (None: unknown)
        # per protected glob that lies inside one place: (its files' names, every name) there, else None
        self._inside: list[tuple[str, str] | None] = [None] * len(self._globs)
        self._fits: dict[tuple[tuple[tuple, ...], int], bool] = {}  # (last segment, names) → some name fits
        self._later: "Callable[[], tuple[Iterable[str], Iterable[PlaceNames], Iterable[str]] | None] | None" = None

    def set_names_later(self, load: "Callable[[], tuple[Iterable[str], Iterable[PlaceNames], Iterable[str]] | None]"
                        ) -> None:
        """set_names(*load()) — or set_names(None) when it returns None — at the first glob target
        that needs the names: reading them means walking adr's places (policy/protect.py own_names),
        and most one-shot decisions (the hook's fallback, `adr check`) meet no glob target."""
        self._later = load

    def settle(self) -> None:
        """Apply set_names_later's names now (a daemon at load: no decision waits on the walk)."""
        load, self._later = self._later, None
        if load is not None:
            got = load()
            self.set_names(*got) if got is not None else self.set_names(None)

    def set_names(self, names: "Iterable[str] | None", places: "Iterable[PlaceNames]" = (),
                  made: "Iterable[str]" = ()) -> None:
        """The names of what exists in adr's places (files and folders inside them, the folders above
        them, adr's well-known file names). A target whose *last part* is a pattern (`find /tmp -name
        '*.tmp' -delete`, `rm ~/x/*.bak`) stands for one of adr's files only when a name there fits
        that pattern; None (unknown, too many to list): every witness counts, as before.

        `places`: the same per place. A protected glob inside one place is then reached only through
        a name in *that* place (`find /tmp -name 'sess*'` cannot reach the runtime folder because
        adr's code folder has a sessions.py), and by a delete that spares directories only through a
        file's name there (`find /tmp -name core -type f -delete`: a folder called core is no file).
        `made`: the names adr gives what it creates; the contents (`X/**`) of a protected folder that is
        none of `places` (a spelling of a folder that does not exist here) can only be those."""
        self._later = None
        plain = {name for _, _, name, _ in self._globs if name}  # protected plain names (settings.json …)
        if names is None:
            self._names = None
        else:
            keep = {n for n in names if n and "/" not in n} | plain
            self._names = _joined(keep)
        places = list(places) if names is not None else []
        self._inside = []
        for gp, gsegs, _, kind in self._globs:
            # the protected plain names that lie below this glob's literal folder (`…/adr/adr.sock`), not
            # every one (`~/Library/Application Support` is no name inside the runtime folder)
            below = {name for p, _, name, _ in self._globs if name and p.startswith(gp) and len(p) > len(gp)}
            home = [p for p in places if _lies_inside(gsegs, p.place)]
            if not home:
                # the contents of a folder that is no place here and holds none: only what adr would make
                absent = bool(places) and kind != "dirs" and len(gsegs) > 1 and gsegs[-1] == _DEEP and \
                    _DEEP not in gsegs[:-1] and not any(_covers(gsegs[:-1], p.place) for p in places)
                made_names = _joined(set(made) | below)
                self._inside.append((made_names, made_names) if absent else None)
                continue
            files = below.union(*(p.files for p in home))
            self._inside.append((_joined(files), _joined(files.union(*(p.dirs for p in home)))))
        self._memo.clear()
        self._fits.clear()

    def _some_name_fits(self, last: tuple[tuple, ...], names: "str | None" = None) -> bool:
        names = self._names if names is None else names
        if names is None:
            return True
        if all(t[0] == "c" for t in last):
            return "/" + "".join(t[1] for t in last) + "/" in names
        key = (last, id(names))
        fits = self._fits.get(key)
        if fits is None:  # a search of every name in adr's places (~10^4): remembered per pattern
            fits = re.search("/(?:" + _seg_regex(last).pattern + ")/", names) is not None
            if len(self._fits) >= self.MEMO_MAX:
                self._fits.clear()
            self._fits[key] = fits
        return fits

    def _some_name_fits_both(self, last: tuple[tuple, ...], other: tuple[tuple, ...]) -> bool:
        """Does one name in adr's places fit both segment patterns? (True when the names are unknown.)"""
        if self._names is None:
            return True
        key = (last, other)
        fits = self._fits.get(key)
        if fits is None:
            rx = "/(?=(?:" + _seg_regex(last).pattern + ")/)(?:" + _seg_regex(other).pattern + ")/"
            fits = re.search(rx, self._names) is not None
            if len(self._fits) >= self.MEMO_MAX:
                self._fits.clear()
            self._fits[key] = fits  # type: ignore[index]
        return fits

    def witnesses(self, target: str, dotglob: bool = False, spares: "tuple[str, ...]" = ()) -> tuple[str, ...]:
        """`dotglob`: the line turned it on (`shopt -s dotglob`, GLOBIGNORE): wildcards match dots.
        `spares`: what the action provably leaves alone ("dirs", "fresh"): globs of that kind are skipped."""
        if not target or len(target) > self.MAX_TARGET or not has_glob(target):
            return ()
        key = ("+" if dotglob else "-") + ",".join(spares) + "\0" + target
        got = self._memo.get(key)
        if got is None:
            got = self._witnesses(target, not dotglob, spares)
            if len(self._memo) >= self.MEMO_MAX:
                self._memo.clear()
            self._memo[key] = got
        return got

    def _witnesses(self, target: str, nodot: bool, spares: "tuple[str, ...]" = ()) -> tuple[str, ...]:
        if self._later is not None:
            self.settle()
        out: dict[str, None] = {}
        for alt in expand_braces(target):
            if not has_glob(alt):
                out[alt] = None  # a brace list alone: each alternative is a plain path
                continue
            prefix = _literal_prefix(alt)
            segs = _segments(alt)
            last = segs[-1] if segs else _DEEP
            last_rx = _seg_regex(last) if last != _DEEP else None
            if last_rx is not None and not self._some_name_fits(last):
                continue  # its last part fits no name in adr's places: it cannot reach them
            if "adr" in spares:
                continue  # the action's own tests leave every file of adr's out (find -user other …)
            for (gp, gsegs, name, kind), inside in zip(self._globs, self._inside):
                if kind and kind in spares:
                    continue
                if not (prefix.startswith(gp) or gp.startswith(prefix)):
                    continue
                if name is not None and last_rx is not None and not last_rx.fullmatch(name):
                    continue
                if inside is not None and last_rx is not None and \
                        not self._some_name_fits(last, inside[0] if "dirs" in spares else inside[1]):
                    continue  # no name in that place fits (no file's name, when folders are spared)
                if inside is None and last_rx is not None and name is None and gsegs and gsegs[-1] != _DEEP \
                        and not self._some_name_fits_both(last, gsegs[-1]):
                    continue  # no name of adr's fits both last parts (`* *` and `runtime-*`)
                if "dirs" in spares and gsegs and gsegs[-1] == _DEEP:
                    gsegs = gsegs + [(_STAR,)]  # `X/**` without X itself: only what lies below it
                w = _path_witness(segs, gsegs, nodot)
                if w is not None:
                    out["/".join(w) or "/"] = None
        out.pop(target, None)
        return tuple(out)


_ONE_CHAR_SET = lazyre.compile(r"\[([^\]!^\\])\]")  # `[g]`: a set of one character is that character


class NameIndex:
    """The protected files a wildcard target could name, by their literal names.

    `cat ~/.a[w]s/cred*`, `>> ~/.bash[r]c`, `rm -rf .gi[t]`: bash expands the pattern to the file that
    is there, so the rules must see that file. The packs' literal paths (`~/.aws/credentials`) and
    bare names anywhere (`**/.env`, `**/.git`) are the candidates; a pattern names one when every one
    of its segments fits the candidate's (a wildcard never matches a leading dot unless the pattern
    spells it, as in bash). Built once at load; pure."""

    MAX = 8

    def __init__(self, globs: "Iterable[str]") -> None:
        self._paths: list[tuple[str, ...]] = []
        self._names: list[str] = []
        for g in globs:
            for alt in expand_braces(g):
                if alt.startswith("**/") and not has_glob(alt[3:]) and "/" not in alt[3:]:
                    self._names.append(alt[3:])
                elif alt.startswith(("/", "~")) and not has_glob(alt):
                    self._paths.append(tuple(alt.split("/")))
        self._names = list(dict.fromkeys(self._names))
        self._paths = list(dict.fromkeys(self._paths))
        self._dirs = frozenset("/".join(p[:-1]) for p in self._paths)  # the protected files' folders
        self._dir_segs = [tuple(d.split("/")) for d in self._dirs]
        self._memo: dict[str, tuple[str, ...]] = {}

    def _reaches_dir(self, dir_segs: "list[str]") -> bool:
        """Does the folder pattern expand to a protected file's folder (`~/.ss?`, `~/.*`, `~/.ssh`)?"""
        if not has_glob("/".join(dir_segs)):
            return "/".join(dir_segs) in self._dirs
        return any(len(d) == len(dir_segs) and all(a == b or (has_glob(a) and self._fits_any(a, b))
                                                   for a, b in zip(dir_segs, d)) for d in self._dir_segs)

    @staticmethod
    def _spells(pattern: str) -> bool:
        """Two literal characters before the first wildcard, or only bracket expressions and two
        literal characters in all (`.[g]it`, `.[e]nv`: one character from a set, a name of fixed
        length): `*`, `*.json`, `s*` are wildcards, not spellings of one name. A leading literal dot
        is the one way bash's wildcards reach hidden names, and the everything-hidden idioms
        (`.[!.]*`, `.??*`, `.[^.]*`) name every hidden entry they fit: `.git`, `.env`."""
        if len(re.split(r"[*?\[]", pattern, maxsplit=1)[0]) >= 2 or pattern.startswith(".") and len(pattern) > 1:
            return True
        if "*" in pattern or "?" in pattern:
            return False
        return len(re.sub(r"\[[^\]]*\]", "", pattern)) >= 2

    @classmethod
    def _fits(cls, pattern: str, name: str) -> bool:
        if has_glob(pattern) and not cls._spells(pattern):
            return False
        return cls._fits_any(pattern, name)

    def candidates(self, target: str) -> "tuple[str, ...]":
        if not has_glob(target) or len(target) > 1024:
            return ()
        single = _ONE_CHAR_SET.sub(lambda m: m.group(1), target)
        if not has_glob(single):
            return (single,)  # `.[e]nv.production`, `~/.ss[h]/id_rsa`: one-character sets spell one path
        head, _, last = target.rpartition("/")
        if "**" in head:
            return ()
        if "**" in last:
            # without globstar (bash's default) `**` is `*`; with it, a last `**` still names every
            # entry of the folder it ends in (`cat ~/.ssh/**`)
            target = head + "/" + re.sub(r"\*{2,}", "*", last) if head else re.sub(r"\*{2,}", "*", last)
        got = self._memo.get(target)
        if got is not None:
            return got
        got = self._candidates(target)
        if len(self._memo) >= 4096:
            self._memo.clear()
        self._memo[target] = got
        return got

    @staticmethod
    def _fits_any(pattern: str, name: str) -> bool:
        """Does bash's expansion of `pattern` (one segment) include `name`? A wildcard never matches a
        leading dot unless the pattern spells it."""
        if not has_glob(pattern):
            return pattern == name
        if name.startswith(".") and not pattern.startswith("."):
            return False
        return _seg_pattern(pattern).fullmatch(name) is not None

    def _candidates(self, target: str) -> "tuple[str, ...]":
        segs = target.split("/")
        # every wildcard segment must spell a name (two literal characters before its wildcard): most
        # patterns (`*.py`, `src/*`) spell none and cost nothing more…
        # …and a wildcard folder counts when the file's name is spelled out (`~/.config/*/hosts.yml`),
        # as does any wildcard in a protected file's own literal folder (`cat ~/.config/gh/*`): bash
        # expands them to that file (a wildcard never matches a leading dot unless it spells it)
        # (the folder's wildcards may spell little too when its literal start is a protected file's
        # folder's: `cat ~/.ss?/*`, `~/.*/*` — bash expands them into ~/.ssh)
        if has_glob(segs[-1]):
            if not self._spells(segs[-1]) and not self._reaches_dir(segs[:-1]):
                return ()
            if any(has_glob(g) and not self._spells(g) for g in segs[:-1]) and not self._reaches_dir(segs[:-1]):
                return ()
        out: list[str] = []
        for p in self._paths:
            if len(p) == len(segs) and all(a == b or (has_glob(a) and self._fits_any(a, b)) for a, b in zip(segs, p)):
                out.append("/".join(p))
        if not has_glob("/".join(segs[:-1])):
            out += ["/".join(segs[:-1] + [n]) for n in self._names if self._fits(segs[-1], n)]
        return tuple(dict.fromkeys(out))[:self.MAX]

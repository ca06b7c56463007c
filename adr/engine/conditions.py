"""Rule conditions → compiled predicates.

A condition is a mapping of field tests (all must hold) plus the combinators `all`, `any`, `not`
and `macro`. Each field test compiles once into a closure; regexes are RE2 (linear time, so no
rule — ours or a user's — can hang a decision). A predicate returns the evidence of what matched
(field, matched text, span) or None.
"""
from __future__ import annotations

import functools
import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import re2

from adr import lazyre
from adr.engine import regexmem
from adr.engine.pathnorm import glob_to_regex, glob_to_search

Hit = tuple[str, str, "tuple[int, int] | None"]  # field, matched text, span in that field
Pred = Callable[[Any], "Hit | None"]

# patterns join their field's set as rules load (which validates them: a bad user regex is reported
# by us, with file/rule/field, never on stderr); the set then runs with the smallest memory budget
# that compiles it (adr.engine.regexmem)
_PROBE_OPTS = regexmem.options(regexmem.SET_MEM)
MAX_SCAN = 1 << 20  # bytes of content a regex looks at (first MiB)


class ConditionError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Matcher:
    """One compiled pattern set for short texts of one field: all of the field's patterns, or the
    subset a group of rules uses. Answers in the bank's global indexes; memoizes per text.

    Compiled at its first match (`make` builds it): a one-shot `adr check` or hook fallback judges one
    action and meets a few fields, not the ~0.45 s of compiling every set; the daemon compiles them
    all at load (RegexBank.compile_all), so no decision waits on one."""

    __slots__ = ("match", "memo", "to_global", "make")

    def __init__(self, make: Callable[[], Any], to_global: "tuple[int, ...] | None") -> None:
        self.make = make
        self.match: "Callable[[bytes], Any] | None" = None
        self.memo: dict[bytes, frozenset[int]] = {}
        self.to_global = to_global

    def compiled(self) -> Callable[[bytes], Any]:
        with _BUILD_LOCK:  # (the daemon's judge threads may meet a set first at the same time)
            if self.match is None:
                self.match = _matcher(self.make())
        return self.match

    def __call__(self, data: bytes) -> frozenset[int]:
        got = self.memo.get(data)
        if got is None:
            m = (self.match or self.compiled())(data)
            if not m:
                got = _NO_HITS
            elif self.to_global is None:
                got = frozenset(m)
            else:
                g = self.to_global
                got = frozenset([g[i] for i in m])
            memo = self.memo
            if len(memo) >= RegexBank.MEMO_MAX or _MEMO_USED[0] >= RegexBank.MEMO_TOTAL:
                _MEMO_USED[0] -= len(memo)
                memo.clear()
            memo[data] = got
            _MEMO_USED[0] += 1
        return got


_MEMO_USED = [0]  # entries held by every matcher's memo together (kept under RegexBank.MEMO_TOTAL)
_BUILD_LOCK = threading.Lock()


class RegexBank:
    """Every regex of every rule, one RE2 set per subject field.

    A decision runs each field's set once over the field's text (one UTF-8 conversion, one pass)
    and learns which of the rules' regexes can match; a rule's own regex then runs only on a hit,
    to report the span. This turns ~50 regex calls per action into a handful of set matches.

    A group of rules (the rules for one program) can be given a *scope*: per field, a set of only
    the patterns those rules use. Most programs have few rules of their own, so their sets hold
    5-15 patterns instead of 60-75, and a short text's match costs ~0.7 µs instead of ~8 µs (the
    lazily built DFA of a big set keeps meeting new states on new texts). Subjects checked within a
    scope only ever ask about those rules' patterns; outside one, the field's full set answers.
    """

    def __init__(self, validate: bool = True) -> None:
        # validate=False: patterns are only recorded as they come, for a load that checks them all at
        # its end (check_all) or knows them valid already (adr/engine/rules.py: the regex stamp)
        self.validate = validate
        self._patterns: dict[str, list[str]] = {}
        self._sets: dict[str, Any] = {}
        self._probes: dict[str, Any] = {}  # uncompiled sets that validate patterns as they come
        self._full: dict[str, _Matcher] = {}  # short texts: every pattern of the field
        self._any: dict[str, Any] = {}  # PRECHECKED fields: all patterns as one alternation
        self._subsets: dict[tuple[str, tuple[int, ...]], _Matcher] = {}

    def add(self, attr: str, pattern: str, field: str = "") -> int:
        """Register a pattern (validating it: a bad regex is an error naming the field)."""
        if self.validate:
            self._probe(attr, pattern, field)
        pats = self._patterns.setdefault(attr, [])
        pats.append(pattern)
        return len(pats) - 1

    def _probe(self, attr: str, pattern: str, field: str) -> None:
        probe = self._probes.get(attr)
        if probe is None:
            probe = self._probes[attr] = re2.Set.SearchSet(_PROBE_OPTS)
        try:
            probe.Add("(?m)" + pattern)
        except re2.error:
            try:
                regexmem.compile(pattern)
            except re2.error as e:
                raise ConditionError(field, f"bad regular expression {pattern!r}: {e}") from None
            raise ConditionError(field, f"bad regular expression {pattern!r}") from None

    def check_all(self) -> None:
        """Validate every pattern recorded without it (validate=False), as add would have; raises
        ConditionError at the first bad one."""
        if not self.validate:
            self.validate = True
            for attr, pats in self._patterns.items():
                for p in pats:
                    self._probe(attr, p, attr)

    def digest(self) -> str:
        """SHA-256 of every pattern, per field in order, and of the RE2 build that validates them: two
        banks with the same digest hold the same patterns, valid or not alike."""
        h = hashlib.sha256(b"adr-regex-bank 1\0" + _re2_build().encode() + b"\0%d\0" % regexmem.SET_MEM)
        for attr, pats in self._patterns.items():
            a = attr.encode() + b"\0"
            for p in pats:
                h.update(a + p.encode("utf-8", "surrogatepass") + b"\0")
        return h.hexdigest()

    def sizes(self) -> dict[str, int]:
        return {a: len(p) for a, p in self._patterns.items()}

    def added_since(self, sizes: dict[str, int]) -> tuple[tuple[str, int], ...]:
        """The (field, index) pairs registered after `sizes()` was taken (one rule's leaves)."""
        return tuple((a, i) for a, p in self._patterns.items() for i in range(sizes.get(a, 0), len(p)))

    # Short texts go through one RE2 set holding every pattern of the field: one DFA pass.
    # Longer texts go through FilteredRE2 instead: required literals pick the candidates and each
    # runs as its own RE2 — 3-4x faster on KB-sized file contents here, and never wrong, whereas
    # RE2::Set answers "no match" when its DFA runs out of memory on a long input.
    SHORT = 512
    # memoized answers for short texts (a program's arguments, a path recur a lot): bounded per
    # matcher and in total, because a daemon runs for weeks (an entry costs ~150 bytes: 24,576 in all
    # ≈ 3.5 MiB); a matcher that finds the budget spent starts its own memo afresh
    MEMO_MAX = 4096
    MEMO_TOTAL = 24_576
    # per-program pattern subsets compiled (~80 KiB each): the first programs seen get their own,
    # later ones share the field's full set (slower per match, no more memory)
    MAX_SUBSETS = 64
    # Fields whose patterns make a big set DFA (secret formats, path globs, code idioms): every new
    # text explores new DFA states, so even short texts are faster through the filter (measured on
    # the benign corpus, cold: file content 206 → 16 µs, file path 36 → 8 µs, script code 22 → 6 µs).
    FILTERED = frozenset({"content", "old_content", "code", "path", "own_path", "host", "arguments", "body", "instructions", "args_text", "source", "args_tuple", "paths", "positionals",
                          "hidden"})
    # …of which these are in FILTERED only for the size of their whole set: a program's subset of them
    # (5-50 patterns of command words) makes a small DFA, faster than running its unfiltered members
    SET_SUBSETS = frozenset({"args_text", "source", "args_tuple", "paths", "positionals"})
    # Fields of text the agent read (kilobytes per tool output, and nearly always harmless): one RE2
    # search of all the field's patterns joined by `|` says first whether any can match at all — a
    # single DFA pass (~1 µs per KiB), which, unlike RE2::Set, falls back to the NFA instead of
    # answering "no match" if its DFA runs out of memory. Only when it matches does the filter
    # work out which patterns did.
    PRECHECKED = frozenset({"body", "instructions", "hidden"})
    # …and for a field that is costly to build, the precheck runs on a cheaper text that contains every
    # match the field can have (adr.engine.textnorm.TextView.instructions_superset)
    SUPERSET = {"instructions": "instructions_superset"}

    def compile(self) -> None:
        """Every field's full matcher, compiled at its first match (or all now: compile_all)."""
        for attr in self._patterns:
            self._full[attr] = _Matcher(functools.partial(self._field, attr), None)

    def compile_all(self) -> None:
        for m in list(self._full.values()) + list(self._subsets.values()):
            m.compiled()

    def _field(self, attr: str) -> Any:
        """The compiled set (or filter) of every pattern of the field; its precheck with it."""
        pats = self._patterns[attr]
        whole = self._probes.pop(attr, None)  # already holds every pattern, in order, when validated here
        if attr in self.PRECHECKED:
            self._any[attr] = regexmem.compile("(?m)" + "|".join(f"(?:{p})" for p in pats))
        if attr in self.FILTERED:  # (the probe set is dropped uncompiled)
            filt = self._sets[attr] = self._filter(pats)
            return filt
        if whole is None:  # (patterns known valid: not probed at load)
            whole = regexmem.search_set(["(?m)" + p for p in pats])
        else:
            try:
                whole.Compile()
            except re2.error:  # its program needs a bigger budget
                whole = regexmem.search_set(["(?m)" + p for p in pats], mem=2 * regexmem.SET_MEM)
        # (the filter for long texts of this field is built on its first long text: rare for command
        # arguments, ~2 MiB less at load)
        return whole

    def _subset(self, attr: str, idxs: "tuple[int, ...]") -> Any:
        pats = [self._patterns[attr][i] for i in idxs]
        if attr in self.FILTERED and attr not in self.SET_SUBSETS:
            return self._filter(pats)
        return regexmem.search_set(["(?m)" + p for p in pats])

    def _long(self, attr: str) -> Any:
        filt = self._sets.get(attr)
        if filt is None:
            filt = self._sets[attr] = self._filter(self._patterns[attr])
        return filt

    @staticmethod
    def _filter(patterns: "list[str]") -> Any:
        return regexmem.filtered(["(?m)" + p for p in patterns])

    def scope(self, leaves: "Iterable[tuple[str, int]]") -> dict[str, _Matcher]:
        """Per field, a matcher of only these patterns (shared by every scope with the same ones)."""
        by_attr: dict[str, set[int]] = {}
        for attr, idx in leaves:
            by_attr.setdefault(attr, set()).add(idx)
        out: dict[str, _Matcher] = {}
        for attr, idxs in by_attr.items():
            if attr not in self._full:
                continue
            key = (attr, tuple(sorted(idxs)))
            m = self._subsets.get(key)
            if m is None:
                if len(key[1]) * 2 >= len(self._patterns[attr]) or len(self._subsets) >= self.MAX_SUBSETS:
                    m = self._full[attr]  # most of the field anyway: share the full set
                else:
                    m = _Matcher(functools.partial(self._subset, attr, key[1]), key[1])
                self._subsets[key] = m
            out[attr] = m
        return out

    def hits(self, subject: Any, attr: str) -> frozenset[int]:
        """Indexes of `attr`'s patterns that match the subject's text (cached on the subject). Within
        a scope (`subject._bank_scope`, set by the engine) only the scope's patterns are tried."""
        d = subject.__dict__
        cache = d.get("_bank_hits")
        if cache is None:
            cache = d["_bank_hits"] = {}
        got = cache.get(attr)
        if got is not None:
            return got
        got = _NO_HITS
        scope = d.get("_bank_scope")
        match = (scope.get(attr) if scope is not None else None) or self._full.get(attr)
        if attr in self.PRECHECKED and attr not in self._any and attr in self._full:
            self._full[attr].compiled()  # (its precheck comes with it)
        sup = self.SUPERSET.get(attr)
        if match is not None and sup is not None and attr in self._any:
            wide = getattr(subject, sup, None)
            if wide is not None and self._any[attr].search(
                    (wide if len(wide) <= MAX_SCAN else wide[:MAX_SCAN]).encode("utf-8", "surrogatepass")) is None:
                match = None  # nothing can match the field either: it is never built
        if match is not None:
            value = getattr(subject, attr)
            if value:
                v = "\n".join(value) if type(value) is tuple else value
                if v:
                    data = (v if len(v) <= MAX_SCAN else v[:MAX_SCAN]).encode("utf-8", "surrogatepass")
                    pre = self._any.get(attr)
                    if pre is not None and pre.search(data) is None:
                        pass  # nothing of the field can match: no hits
                    elif len(data) <= self.SHORT:
                        # a short text cannot exhaust the set's DFA memory within one search
                        got = match(data)
                    else:
                        m = self._long(attr).Match(data)
                        got = frozenset(m) if m else _NO_HITS
        cache[attr] = got
        return got


_NO_HITS: frozenset[int] = frozenset()


@functools.lru_cache(maxsize=1)
def _re2_build() -> str:
    """Which RE2 validates patterns: its extension module's file, size and time (a new google-re2
    is a new file), so a regex stamp never outlives the RE2 that checked it."""
    import os

    lib = getattr(re2, "_re2", None)
    path = getattr(lib, "__file__", None) or re2.__file__ or "?"
    try:
        st = os.stat(path)
        return f"{path}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return path


def _matcher(obj: Any) -> Callable[[bytes], Any]:
    """The compiled matcher's own C entry point for bytes (the Python wrapper's Match re-checks
    the argument type on every call); the wrapper itself if its layout ever changes."""
    inner = getattr(obj, "_set", None) or getattr(obj, "_filter", None)
    if inner is not None and isinstance(obj, re2.Set):
        return inner.Match
    if inner is not None and isinstance(obj, re2.Filter):
        return lambda data, _m=inner.Match: _m(data, False)
    return obj.Match


@dataclass(frozen=True)
class CompileEnv:
    lists: dict[str, list[str]]
    macros: dict[str, tuple[str, Any]]  # name -> (on, condition)
    bank: RegexBank = field(default_factory=RegexBank)
    # (name, depth) → what `$name` spliced in: the big lists (adr's places, secrets) are referenced by
    # hundreds of rules (expanding them again each time was ~10% of compiling the packs)
    spliced: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)


class LazyRegex:
    """A rule's own regex, compiled on first use: it only runs on a set hit, to find the span,
    and most never do. Validity is checked at load time when the pattern joins its field's set."""

    __slots__ = ("pattern", "_rx")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._rx: Any = None

    def search(self, text: str) -> Any:
        if self._rx is None:
            self._rx = regexmem.compile(self.pattern)
        return self._rx.search(text)


def regex(pattern: Any, field: str, lazy: bool = False) -> Any:
    if not isinstance(pattern, str) or not pattern:
        raise ConditionError(field, "must be a non-empty regular expression string")
    if pattern.startswith("$") and pattern[1:].replace("_", "").isalnum():
        raise ConditionError(field, f"{pattern} looks like a list, but this field takes a regular expression")
    if lazy:
        return LazyRegex(pattern)
    try:
        return regexmem.compile(pattern)
    except re2.error as e:
        raise ConditionError(field, f"bad regular expression {pattern!r}: {e}") from None


def expand_list(value: Any, env: CompileEnv, field: str, _depth: int = 0) -> list[str]:
    """A string or list of strings; items `$name` splice in the named list."""
    if _depth > 8:
        raise ConditionError(field, "lists nest too deeply")
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for it in items:
        if not isinstance(it, (str, int, float)) or isinstance(it, bool):
            raise ConditionError(field, f"list items must be strings, got {type(it).__name__}")
        it = str(it)
        if it.startswith("$"):
            name = it[1:]
            if name not in env.lists:
                raise ConditionError(field, f"unknown list ${name}")
            got = env.spliced.get((name, _depth))
            if got is None:
                got = env.spliced[(name, _depth)] = tuple(expand_list(env.lists[name], env, field, _depth + 1))
            out.extend(got)
        else:
            out.append(it)
    if not out and _depth == 0:  # a spliced list may be empty (an installation without hook configs)
        raise ConditionError(field, "must not be empty")
    return out


def _search(rx: "re2._Regexp", text: str, field: str) -> Hit | None:
    if not text:
        return None
    m = rx.search(text if len(text) <= MAX_SCAN else text[:MAX_SCAN])
    if m is None:
        return None
    return field, m.group(0)[:200], (m.start(), m.end())


def _names(values: list[str], field: str) -> Callable[[str], bool]:
    """Exact names, or globs when a name has * ? [. Globs become simple regexes without nested
    quantifiers (so Python's re is safe and much cheaper per call here); results are memoized."""
    exact = frozenset(v for v in values if not any(c in v for c in "*?["))
    globs = [v for v in values if v not in exact]
    if not globs:
        return exact.__contains__
    body = "|".join(glob_to_regex(g).removeprefix("(?:^|/)").removeprefix("^").removesuffix("$") for g in globs)
    rx = lazyre.compile(f"(?:{body})")  # (at its first test: most name lists never meet a name)
    memo: dict[str, bool] = {}

    def test(s: str) -> bool:
        got = memo.get(s)
        if got is None:
            got = s in exact or (bool(s) and len(s) < 512 and rx.fullmatch(s) is not None)
            if len(memo) < 4096:
                memo[s] = got
        return got
    return test


# ---- leaf compilers, per subject kind ---------------------------------------------------------

def _c_names(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        values = expand_list(value, env, field)
        test = _names(values, field)
        def pred(s: Any) -> Hit | None:
            v = attr_get(s, attr)
            return (field, v, None) if v and test(v) else None
        if attr == "program":
            exact = None if any(c in v for v in values for c in "*?[") else frozenset(values)
            pred.gate = (Gate(test=test, names=exact),)  # type: ignore[attr-defined]
        return pred
    return comp


@dataclass(frozen=True)
class Gate:
    """One way a condition can be satisfied, testable without evaluating it. A condition's gates
    are alternatives: if none passes, the condition cannot match. Three kinds:

    * a regex/glob leaf: its index `idx` in field `attr`'s RE2 set (`bank`);
    * a program-name test (`test`, with the exact `names` when known);
    * a non-empty attribute (`truthy`: sudo, wrappers, issues …), each of whose items `each` may
      test — most subjects have none, so one attribute read rules out every rule gated on it.
    """

    attr: str = ""
    idx: int = -1
    bank: Any = field(default=None, compare=False, repr=False)
    test: Any = field(default=None, compare=False, repr=False)  # program-name predicate
    names: "frozenset[str] | None" = None  # the exact program names the test accepts, when known
    truthy: str = ""
    each: Any = field(default=None, compare=False, repr=False)

    @property
    def is_leaf(self) -> bool:
        return self.bank is not None

    def passes(self, s: Any) -> bool:
        if self.truthy:
            v = getattr(s, self.truthy)
            return bool(v) and (self.each is None or any(self.each(x) for x in v))
        if self.test is not None:
            return bool(self.test(s.program))
        return self.idx in self.bank.hits(s, self.attr)


def _bank_gate(bank: "RegexBank", attr: str, idx: int) -> "tuple[Gate, ...]":
    return (Gate(attr=attr, idx=idx, bank=bank),)


def _c_names_any(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    """Any of a tuple attribute is in the list (upstream, downstream, wrappers, issues)."""
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        test = _names(expand_list(value, env, field), field)
        def pred(s: Any) -> Hit | None:
            for v in attr_get(s, attr):
                if test(v):
                    return field, v, None
            return None
        pred.gate = (Gate(truthy=attr, each=test),)  # type: ignore[attr-defined]
        return pred
    return comp


def _regex_value(value: Any, env: CompileEnv, field: str) -> Any:
    """A regex field's pattern: a string as written, or `$name` / a list of patterns and `$name`s
    (named lists of patterns, one source for a format several rules look for), as one alternation."""
    if isinstance(value, list) or (isinstance(value, str) and re.fullmatch(r"\$[A-Za-z_]\w*", value)):
        return "|".join(f"(?:{p})" for p in expand_list(value, env, field))
    return value


def _c_regex(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        value = _regex_value(value, env, field)
        rx = regex(value, field, lazy=True)
        idx, bank = env.bank.add(attr, value, field), env.bank

        def pred(s: Any) -> Hit | None:
            if idx not in bank.hits(s, attr):
                return None
            return _search(rx, attr_get(s, attr) or "", field)
        pred.gate = _bank_gate(bank, attr, idx)  # type: ignore[attr-defined]
        return pred
    return comp


def _c_regex_each(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    """The regex matches one of a tuple attribute's items."""
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        value = _regex_value(value, env, field)
        rx = regex(value, field, lazy=True)
        idx, bank = env.bank.add(attr, value, field), env.bank

        def pred(s: Any) -> Hit | None:
            if idx not in bank.hits(s, attr):
                return None
            for v in attr_get(s, attr):
                h = _search(rx, v, field)
                if h:
                    return h
            return None
        pred.gate = _bank_gate(bank, attr, idx)  # type: ignore[attr-defined]
        return pred
    return comp


_UNIT_SUFFIXES = ("", ".service", ".socket")


def _c_glob_reaches(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    """One of a tuple attribute's items is a glob pattern (`'*falcon*'`, `'auditd*'`, `a?r.service`)
    that matches one of the listed names, as a unit name alone or with its unit suffix — what
    `systemctl stop PATTERN` expands to among loaded units (case-insensitive). A plain word is left to
    the field that names it (positional)."""
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        import fnmatch
        names = tuple(n.lower() + suf for n in expand_list(value, env, field) for suf in _UNIT_SUFFIXES)
        memo: dict[str, bool] = {}

        def reaches(v: str) -> bool:
            got = memo.get(v)
            if got is None:
                if len(v) > 200 or not any(c in v for c in "*?["):
                    got = False
                else:
                    # fnmatch(3) takes `[^…]` for `[!…]` (Python's translate reads `^` as itself)
                    rx = re.compile(fnmatch.translate(v.lower().replace("[^", "[!")))
                    got = any(rx.match(n) for n in names)
                if len(memo) < 4096:
                    memo[v] = got
            return got

        def pred(s: Any) -> Hit | None:
            for v in attr_get(s, attr)[:64]:
                if reaches(v):
                    return field, v, None
            return None
        pred.gate = (Gate(truthy=attr, each=reaches),)  # type: ignore[attr-defined]
        return pred
    return comp


def _c_globs(attr: str, multi: bool) -> Callable[[Any, CompileEnv, str], Pred]:
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        try:
            globs = expand_list(value, env, field)
            pattern = "|".join(f"(?:{glob_to_search(g)})" for g in globs)
        except ValueError as e:
            raise ConditionError(field, str(e)) from None
        rx = LazyRegex(pattern)
        idx, bank = env.bank.add(attr, pattern, field), env.bank
        if multi:
            def pred(s: Any) -> Hit | None:
                if idx not in bank.hits(s, attr):
                    return None
                for p in attr_get(s, attr):
                    if p and rx.search(p):
                        return field, p, None
                return None
        else:
            def pred(s: Any) -> Hit | None:
                if idx not in bank.hits(s, attr):
                    return None
                p = attr_get(s, attr)
                return (field, p, None) if p and rx.search(p) else None
        pred.gate = _bank_gate(bank, attr, idx)  # type: ignore[attr-defined]
        return pred
    return comp


def _c_bool(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        if not isinstance(value, bool):
            raise ConditionError(field, "must be true or false")
        def pred(s: Any) -> Hit | None:
            return (field, str(value).lower(), None) if bool(attr_get(s, attr)) is value else None
        if value:
            pred.gate = (Gate(truthy=attr),)  # type: ignore[attr-defined]
        return pred
    return comp


def _c_flags(require_all: bool) -> Callable[[Any, CompileEnv, str], Pred]:
    """Each item is alternatives `-r|-R|--recursive`; `flags` needs every item, `any_flag` one."""
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        groups = [frozenset(x.split("|")) for x in expand_list(value, env, field)]
        for g in groups:
            if not all(f.startswith(("-", "+")) for f in g):
                raise ConditionError(field, f"flags start with - or +: {sorted(g)}")
        def pred(s: Any) -> Hit | None:
            fl = s.flags
            hits = [next(iter(g & fl)) for g in groups if g & fl]
            if require_all and len(hits) == len(groups):
                return field, " ".join(hits), None
            if not require_all and hits:
                return field, hits[0], None
            return None
        return pred
    return comp


def _c_subcommand(value: Any, env: CompileEnv, field: str) -> Pred:
    """The first positional argument(s): `subcommand: [push]`, or `subcommand: ["s3 rm"]`."""
    wanted = [tuple(x.split()) for x in expand_list(value, env, field)]
    def pred(s: Any) -> Hit | None:
        pos = s.positionals
        for w in wanted:
            if tuple(pos[: len(w)]) == w:
                return field, " ".join(w), None
        return None
    return pred


def _c_kind(value: Any, env: CompileEnv, field: str) -> Pred:
    kinds = set(expand_list(value, env, field))
    bad = kinds - {"write", "edit", "read", "delete"}
    if bad:
        raise ConditionError(field, f"unknown file kind(s) {sorted(bad)}; use write, edit, read, delete")
    return lambda s: (field, s.kind, None) if s.kind in kinds else None


def _c_int_eq(attr: str) -> Callable[[Any, CompileEnv, str], Pred]:
    def comp(value: Any, env: CompileEnv, field: str) -> Pred:
        vals = value if isinstance(value, list) else [value]
        if not all(isinstance(v, int) for v in vals):
            raise ConditionError(field, "must be an integer or list of integers")
        want = set(vals)
        return lambda s: (field, str(attr_get(s, attr)), None) if attr_get(s, attr) in want else None
    return comp


def attr_get(s: Any, attr: str) -> Any:
    return getattr(s, attr)


FIELDS: dict[str, dict[str, Callable[[Any, CompileEnv, str], Pred]]] = {
    "command": {
        "program": _c_names("program"),
        "program_path": _c_regex("program_path_attr"),
        # the program's own path, normalized as self-defense spells paths (`/venv/bin/pip` of adr's venv)
        "own_program": _c_globs("own_program_paths", multi=True),
        "args": _c_regex("args_text"),
        "argv": _c_regex("text"),
        "arg": _c_regex_each("args_tuple"),
        "flags": _c_flags(True),
        "any_flag": _c_flags(False),
        "subcommand": _c_subcommand,
        "positional": _c_regex_each("positionals"),
        # a positional that is a glob pattern matching one of the listed unit/process names
        # (`systemctl stop '*falcon*'` reaches falcon-sensor.service)
        "positional_glob_reaches": _c_glob_reaches("positionals"),
        # regex over the positionals joined by blanks: operands by position, option values skipped
        "operands": _c_regex("operands_text"),
        "verb": _c_names_any("verbs"),
        "path": _c_globs("paths", multi=True),
        "removes": _c_globs("removes", multi=True),  # removed, moved away or re-permissioned operands
        "signals_adr": _c_bool("signals_adr"),  # kill/gdb -p/renice … naming one of adr's pids
        "writes": _c_globs("write_targets", multi=True),
        "reads": _c_globs("read_sources", multi=True),
        # the same three as adr's self-defense spells paths: another user's home is not adr's (`~`)
        "own_path": _c_globs("own_paths", multi=True),
        "own_removes": _c_globs("own_removes", multi=True),
        "own_reads": _c_globs("own_read_sources", multi=True),
        "uploads": _c_globs("uploads", multi=True),
        "sudo": _c_bool("sudo"),
        "upstream": _c_names_any("upstream"),
        "downstream": _c_names_any("downstream"),
        "wrappers": _c_names_any("wrappers"),
        "via": _c_regex("via"),
        "dynamic": _c_bool("dynamic"),
        "stdin": _c_regex("stdin_text"),
        # what a database client's statements do, however they are spelled (adr/engine/sqltext.py)
        "sql_effect": _c_names_any("sql_effects"),
        "env": _c_regex_each("env"),
        "runs_downloaded": _c_bool("runs_downloaded"),
        "piped": _c_bool("piped"),
        "in_file": _c_bool("in_file"),
        "outside_project": _c_bool("outside_project"),
        # the branch a bare `git push` on this line pushes ("" unknown: adr/daemon/gitstate.py)
        "git_branch": _c_regex("git_branch"),
        # `gc.pruneExpire=now` when the repository's config (or the user's) sets an expiry short of days
        "git_gc_expiry": _c_regex("git_gc_expiry"),
        # a remote pointed at a host none of the repository's remotes use (adr/daemon/gitstate.py)
        "git_new_remote_host": _c_bool("git_new_remote_host"),
        # a reset whose database the judge established is a SQLite file in the project (adr/daemon/localdb.py)
        "local_database": _c_bool("local_database"),
        # a python/pip run from a virtual environment the same line created (adr/engine/venvs.py)
        "venv_program": _c_bool("venv_program"),
        # a service's secret variable sent to another service's host (adr/engine/secretenv.py)
        "secret_to_other_host": _c_bool("secret_to_other_host"),
        "secret_to_own_service": _c_bool("secret_to_own_service"),
        # a token printer (gh auth token) whose output only reaches its own service's hosts
        "token_to_own_service": _c_bool("token_to_own_service"),
    },
    "file": {
        "kind": _c_kind,
        "path": _c_globs("path", multi=False),
        "own_path": _c_globs("own_path", multi=False),  # another user's home stays apart (self-defense)
        "content": _c_regex("content"),
        "old_content": _c_regex("old_content"),
        # a repository's push configuration written to send pushes to a new host (FileSubject)
        "git_new_remote_host": _c_bool("git_new_remote_host"),
        "by": _c_names("by"),
        "append": _c_bool("append"),
        "content_known": _c_bool("content_known"),
        "recursive": _c_bool("recursive"),
        "outside_project": _c_bool("outside_project"),
        "whole_project": _c_bool("whole_project"),
        "moved_together": _c_bool("moved_together"),  # `mv src tests /tmp/`: the project taken apart
        "in_temp_project": _c_bool("in_temp_project"),  # … a repository under /tmp (not scratch)
    },
    "url": {
        "url": _c_regex("url"),
        "host": _c_globs("host", multi=False),
        "scheme": _c_names("scheme"),
        "tld": _c_names("tld"),
        "is_ip": _c_bool("is_ip"),
        "port": _c_int_eq("port"),
        "url_path": _c_regex("path"),
        "url_decoded": _c_regex("decoded"),  # base64/hex runs of the URL, decoded (an encoded key sent)
        "by": _c_names("by"),
    },
    "script": {
        "language": _c_names("language"),
        "code": _c_regex("code"),
        "via": _c_regex("via"),
        "path": _c_globs("paths", multi=True),  # paths named in the code's string literals
        "stdin_path": _c_globs("stdin_paths", multi=True),  # files the line feeds the code on stdin
        "signals_adr": _c_bool("signals_adr"),
        "secret_to_other_host": _c_bool("secret_to_other_host"),
        # a run call is handed text the code decoded (adr/engine/decodeflow.py)
        "runs_decoded": _c_bool("runs_decoded"),
    },
    "shell": {
        "issue": _c_names_any("issues"),
        "programs": _c_names_any("programs_tuple"),
        "source": _c_regex("source"),
    },
    "text": {
        "text": _c_regex("body"),
        "instructions": _c_regex("instructions"),
        "hidden": _c_regex("hidden"),
        "markers": _c_names_any("markers"),
        "source": _c_names("source"),
        "tool": _c_names("tool"),
    },
    "mcp": {
        "server": _c_names("server"),
        "tool": _c_names("tool"),
        # the tool's name in one spelling: lower case, words joined by `_` (addSSHKey, add-ssh-key,
        # ADD_SSH_KEY → add_ssh_key): globs over it catch every naming style
        "tool_name": _c_names("tool_name"),
        "arguments": _c_regex("arguments"),
    },
}
COMBINATORS = ("all", "any", "not", "macro")


def compile_condition(cond: Any, on: str, env: CompileEnv, field: str = "match", _depth: int = 0) -> Pred:
    if _depth > 16:
        raise ConditionError(field, "conditions nest too deeply")
    if not isinstance(cond, dict) or not cond:
        raise ConditionError(field, "must be a non-empty mapping of conditions")
    fields = FIELDS[on]
    preds: list[Pred] = []
    for key, value in cond.items():
        sub = f"{field}.{key}"
        if key == "all":
            if not isinstance(value, list) or not value:
                raise ConditionError(sub, "must be a non-empty list of conditions")
            parts = [compile_condition(v, on, env, f"{sub}[{i}]", _depth + 1) for i, v in enumerate(value)]
            preds.append(_and(parts))
        elif key == "any":
            if not isinstance(value, list) or not value:
                raise ConditionError(sub, "must be a non-empty list of conditions")
            parts = [compile_condition(v, on, env, f"{sub}[{i}]", _depth + 1) for i, v in enumerate(value)]
            preds.append(_or(parts))
        elif key == "not":
            inner = compile_condition(value, on, env, sub, _depth + 1)
            preds.append(lambda s, inner=inner: None if inner(s) else ("not", "", None))
        elif key == "macro":
            if not isinstance(value, str) or value not in env.macros:
                raise ConditionError(sub, f"unknown macro {value!r}")
            m_on, m_cond = env.macros[value]
            if m_on != on:
                raise ConditionError(sub, f"macro {value!r} is for `on: {m_on}`, this rule is `on: {on}`")
            preds.append(compile_condition(m_cond, on, env, f"{sub}({value})", _depth + 1))
        elif key in fields:
            preds.append(fields[key](value, env, sub))
        else:
            known = ", ".join(sorted(list(fields) + list(COMBINATORS)))
            raise ConditionError(sub, f"unknown condition for `on: {on}` (known: {known})")
    return _and(preds)


def _and(preds: list[Pred]) -> Pred:
    if len(preds) == 1:
        return preds[0]
    # gated leaves (regex/glob answered from the per-field set, program names) go first;
    # the AND's gates are those of one required leaf — a set-answered one when there is one
    preds = sorted(preds, key=lambda p: 0 if getattr(p, "gate", None) else 1)
    gated = [getattr(p, "gate", None) for p in preds if getattr(p, "gate", None)]
    # prefer a set-answered leaf, then a non-empty attribute, then a program name
    best_gate = next((g for g in gated if all(x.is_leaf for x in g)),
                     next((g for g in gated if all(x.is_leaf or x.truthy for x in g)), gated[0] if gated else None))

    def pred(s: Any) -> Hit | None:
        best: Hit | None = None
        for p in preds:
            h = p(s)
            if h is None:
                return None
            if best is None or (h[2] is not None and best[2] is None) or best[0] in ("not", "program"):
                best = h
        return best
    pred.gate = best_gate  # type: ignore[attr-defined]
    return pred


def _or(preds: list[Pred]) -> Pred:
    def pred(s: Any) -> Hit | None:
        for p in preds:
            h = p(s)
            if h is not None:
                return h
        return None
    gates = [getattr(p, "gate", None) for p in preds]
    if all(gates):
        pred.gate = tuple(g for alts in gates for g in alts)  # type: ignore[attr-defined,misc]
    return pred


def gate_of(pred: Pred) -> "tuple[Gate, ...] | None":
    """Cheap necessary tests for a compiled condition (alternatives: a required regex/glob leaf
    among the field's set hits, or a required program name). A rule none of whose gates passes
    is not evaluated."""
    return getattr(pred, "gate", None)


def programs_in(cond: Any, env: CompileEnv) -> frozenset[str] | None:
    """Exact program names a command condition requires (for indexing), None if any program."""
    if not isinstance(cond, dict):
        return None
    if "program" in cond:
        try:
            names = expand_list(cond["program"], env, "program")
        except ConditionError:
            return None
        if all(not any(c in n for c in "*?[") for n in names):
            return frozenset(names)
        return None
    if "macro" in cond and cond["macro"] in env.macros:
        got = programs_in(env.macros[cond["macro"]][1], env)
        if got is not None:
            return got
    if "all" in cond and isinstance(cond["all"], list):
        for c in cond["all"]:
            got = programs_in(c, env)
            if got is not None:
                return got
    if "any" in cond and isinstance(cond["any"], list):
        sets = [programs_in(c, env) for c in cond["any"]]
        if sets and all(s is not None for s in sets):
            return frozenset().union(*sets)  # type: ignore[arg-type]
    return None

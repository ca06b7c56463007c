"""`${NAME op word}`: what bash's parameter-expansion operators make of a variable whose value the
parser knows.

Why: `rm -rf "${HOME:?}/"` is the *recommended* safe spelling of a home delete, and `${HOME%/}`,
`${HOME,,}`, `${HOME:+$HOME}` or `${X:-$HOME}` are one keystroke away. Keeping such an expansion as
opaque text would let any operator hide the variable from every rule. Each operator is applied to
the known value; when a result cannot be known it is None and the caller keeps the text as dynamic.

A value of "~" stands for the user's home, whose real spelling the parser does not know: operators
that would trim or rewrite it leave "~" (the home is still what a path built on it reaches).
"""
from __future__ import annotations

import fnmatch
import re
from typing import Callable

HOME_MARK = "~"
_EXPR = re.compile(r"\$\{(?P<len>#?)(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?P<rest>.*)\}", re.S)
# operators in the order bash tries them (two-character ones first)
_OPS = (":-", ":=", ":?", ":+", "-", "=", "?", "+", "##", "#", "%%", "%", "//", "/#", "/%", "/",
        "^^", ",,", "^", ",", "@", ":")
MAX_VALUE = 4096  # characters a computed value may have (longer: unknown)
MAX_PATTERN_VALUE = 256  # a pattern is tried at every cut of the value (quadratic): longer values are unknown
# variables a user's session has set even when the line does not say so (or whose unset default adr's
# resolver knows): with an unknown value, `${XDG_RUNTIME_DIR:-/x}` is still `$XDG_RUNTIME_DIR` here
LIKELY_SET = frozenset({"USER", "LOGNAME", "PWD", "OLDPWD", "SHELL", "TMPDIR", "ADR_HOME", "XDG_RUNTIME_DIR",
                        "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"})


def _glob_rx(pattern: str) -> "re.Pattern[str] | None":
    if len(pattern) > 256:
        return None
    try:
        return re.compile(fnmatch.translate(pattern))  # bash's `*` matches `/` here too
    except re.error:
        return None


def _trim(value: str, pattern: str, op: str) -> "str | None":
    """`#`/`##` remove the shortest/longest matching prefix, `%`/`%%` the suffix."""
    rx = _glob_rx(pattern)
    if rx is None:
        return None
    n = len(value)
    if op in ("#", "##"):
        cuts = range(0, n + 1) if op == "#" else range(n, -1, -1)
        for i in cuts:
            if rx.match(value[:i]):
                return value[i:]
        return value
    cuts = range(n, -1, -1) if op == "%" else range(0, n + 1)
    for i in cuts:
        if rx.match(value[i:]):
            return value[:i]
    return value


def _replace(value: str, spec: str, op: str) -> "str | None":
    """`/pat/rep` (first match), `//` (every match), `/#` (at the start), `/%` (at the end). One regex
    pass: the leftmost match, as long as the pattern's `*` can make it (bash takes the longest)."""
    pattern, _, rep = spec.partition("/")
    if "$" in rep or "`" in rep:
        return None
    if not pattern:
        return value
    if len(pattern) > 256:
        return None
    body = fnmatch.translate(pattern)
    body = body[:-2] if body.endswith("\\Z") else body  # (?s:…)\Z → (?s:…): a match anywhere
    try:
        rx = re.compile(("^" if op == "/#" else "") + body + ("$" if op == "/%" else ""))
    except re.error:
        return None
    return rx.sub(lambda _m: rep, value, count=0 if op == "//" else 1)


def _case(value: str, op: str, word: str) -> str:
    if word:  # a pattern limits which characters change: any change is possible
        return value.upper() if op in ("^", "^^") else value.lower()
    if op == "^^":
        return value.upper()
    if op == ",,":
        return value.lower()
    if op == "^":
        return value[:1].upper() + value[1:]
    return value[:1].lower() + value[1:]


# variables that hold an absolute path (or a list of them) in any session: their first character is `/`
_ABSOLUTE = frozenset({"PATH", "HOME", "PWD", "OLDPWD", "SHELL", "BASH", "MANPATH", "INFOPATH", "XDG_RUNTIME_DIR",
                       "XDG_DATA_DIRS", "XDG_CONFIG_DIRS"})
_FIRST_CHAR = re.compile(r"\s*0?\s*:\s*1\s*")


def expand_param(text: str, lookup: Callable[[str], "str | None"]) -> "tuple[str, bool] | None":
    """The value `text` (one `${…}` expansion) takes, and whether that value is only a default the
    line supplied (the variable being unknown). None: not knowable (the caller keeps it dynamic).

    `lookup(name)` gives the variable's value, "~" for the home, or None when it is not known."""
    m = _EXPR.fullmatch(text)
    if m is None:
        return None
    name, rest = m.group("name"), m.group("rest")
    value = lookup(name)
    if m.group("len"):  # ${#NAME}: a length, never a path
        return (str(len(value)), False) if not rest and value is not None and value != HOME_MARK else None
    if not rest:
        return (value, False) if value is not None else None
    op = next((o for o in _OPS if rest.startswith(o)), None)
    if op is None:
        return None
    word = rest[len(op):]
    plain = "${" + name + "}"  # the variable itself, for a later stage that knows it (adr's resolver)
    if op in (":-", "-", ":=", "="):
        if value is not None and (value or op in ("-", "=")):
            return value, False
        return (plain if name in LIKELY_SET else word), True
    if op in (":?", "?"):
        return (value, False) if value is not None else (plain, True)
    if op in (":+", "+"):
        # set: the word; unknown: the word as well (what the line would run in the worse case)
        return word, value is None
    if op == ":" and (value is None and name in _ABSOLUTE or value == HOME_MARK) and _FIRST_CHAR.fullmatch(word):
        # `${PATH:0:1}bin${PATH:0:1}rm`: the first character of a variable that holds absolute paths is `/`
        return "/", False
    if op == "%" and word in ("/*", "/*/") and (value is None or value == HOME_MARK):
        # `${PWD%/*}`, `${HOME%/*}`: the last part cut off a path is its parent folder
        return (HOME_MARK if value == HOME_MARK else "." if name == "PWD" else plain) + "/..", value is None
    if value is None:
        # `${XDG_RUNTIME_DIR%/}`: trimming a slash or a suffix keeps the variable's place
        return (plain, True) if op in ("%", "%%", "#", "##") else None
    if value == HOME_MARK:
        # trimming, replacing, re-casing or cutting the home keeps a path inside or at it
        return (HOME_MARK, False) if op != "@" or word in ("E", "P", "U", "L", "u", "A", "K") else None
    if op in ("#", "##", "%", "%%", "/", "//", "/#", "/%") and len(value) > MAX_PATTERN_VALUE:
        return None
    if op in ("#", "##", "%", "%%"):
        got = _trim(value, word, op)
    elif op in ("/", "//", "/#", "/%"):
        got = _replace(value, word, op)
    elif op in ("^^", ",,", "^", ","):
        got = _case(value, op, word)
    elif op == "@":
        got = {"U": value.upper(), "L": value.lower(), "u": value[:1].upper() + value[1:],
               "E": value, "P": value}.get(word)
    else:  # ":" offset[:length]
        off, _, length = word.partition(":")
        try:
            start = int(off.strip() or "0")
            got = value[start:] if not length else value[start:start + int(length.strip())] \
                if int(length.strip()) >= 0 else value[start:int(length.strip())]
        except ValueError:
            return None
    if got is None or len(got) > MAX_VALUE:
        return None
    return got, False

"""What `tr` prints for a known input, in every mode an agent can hide a command with.

`echo 'c_u_r_l x|sh' | tr -d _ | sh`, `tr -cd 'a-z |.' <<< 'c#u#r#l …' | sh`, `tr -s x <<< 'cuxxrl'`,
`tr '[:upper:]' '[:lower:]'`: the shell layer folds the text a known input becomes (adr.shell.parse,
feed()) so the rules see the command that runs, not the disguise. Anything this module cannot follow
(an unknown option, a class it does not know, a set larger than a byte's range) gives None: the text
stays unknown, which the rules treat as a dynamic command (shell.piped-dynamic).
"""
from __future__ import annotations

from typing import Sequence

_MAX_SET = 1024  # characters one expanded set may hold (`\x00-\uffff` would be 65,536)
_CLASSES = {
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "digit": "0123456789",
    "xdigit": "0123456789ABCDEFabcdef",
    "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "space": "\t\n\v\f\r ",
    "blank": "\t ",
    "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "cntrl": "".join(chr(c) for c in range(32)) + "\x7f",
    "print": "".join(chr(c) for c in range(32, 127)),
    "graph": "".join(chr(c) for c in range(33, 127)),
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "a": "\a", "b": "\b", "\\": "\\"}
_LONG = {"--delete": "d", "--squeeze-repeats": "s", "--complement": "c", "--truncate-set1": "t"}


def _chars(spec: str) -> "list[str] | None":
    """A set's characters before ranges are expanded, with `\\` escapes read (octal too)."""
    out: list[str] = []
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch == "\\" and i + 1 < len(spec):
            nxt = spec[i + 1]
            if nxt in "01234567":
                j = i + 1
                while j < len(spec) and j < i + 4 and spec[j] in "01234567":
                    j += 1
                out.append(chr(int(spec[i + 1:j], 8) & 0xFF))
                i = j
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return out


def expand(spec: str) -> "str | None":
    """SET1/SET2 as the characters they stand for: ranges (`a-z`), classes (`[:upper:]`), escapes;
    `[c*n]` repeats are not followed (None)."""
    out: list[str] = []
    i = 0
    while i < len(spec):
        if spec.startswith("[:", i):
            end = spec.find(":]", i + 2)
            name = spec[i + 2:end] if end > 0 else ""
            if name not in _CLASSES:
                return None
            out.append(_CLASSES[name])
            i = end + 2
            continue
        if spec.startswith("[=", i) or (spec[i] == "[" and "*" in spec[i:i + 8] and "]" in spec[i:i + 12]):
            return None  # equivalence classes and `[c*n]` repeats: not followed
        # one character (maybe an escape), maybe the start of a range
        j = i + 2 if spec[i] == "\\" and i + 1 < len(spec) else i + 1
        if spec[i] == "\\" and i + 1 < len(spec) and spec[i + 1] in "01234567":
            j = i + 1
            while j < len(spec) and j < i + 4 and spec[j] in "01234567":
                j += 1
        first = _chars(spec[i:j])
        if not first:
            return None
        if j + 1 < len(spec) and spec[j] == "-":
            k = j + 3 if spec[j + 1] == "\\" and j + 2 < len(spec) else j + 2
            last = _chars(spec[j + 1:k])
            if not last:
                return None
            lo, hi = ord(first[0]), ord(last[0])
            if hi < lo or hi - lo > 255:
                return None
            out.append("".join(chr(c) for c in range(lo, hi + 1)))
            i = k
        else:
            out.append(first[0])
            i = j
        if sum(map(len, out)) > _MAX_SET:
            return None
    return "".join(out)


def run(data: str, args: Sequence[str]) -> "str | None":
    """What `tr ARGS` prints for `data` on its stdin; None when adr cannot tell."""
    flags: set[str] = set()
    sets: list[str] = []
    for a in args:
        if not sets and a.startswith("--") and a != "--":
            if a not in _LONG:
                return None
            flags.add(_LONG[a])
        elif not sets and a.startswith("-") and len(a) > 1 and a != "--":
            if set(a[1:]) - set("dsctC"):
                return None
            flags.update("c" if f == "C" else f for f in a[1:])
        elif a == "--" and not sets:
            continue
        else:
            sets.append(a)
    if not sets or len(sets) > 2:
        return None
    s1 = expand(sets[0])
    s2 = expand(sets[1]) if len(sets) > 1 else None
    if s1 is None or (len(sets) > 1 and s2 is None):
        return None
    if "c" in flags:
        inside = set(s1)
        s1 = "".join(chr(c) for c in range(256) if chr(c) not in inside)
    out = data
    if "d" in flags:
        if len(sets) > 1 and "s" not in flags:
            return None  # `tr -d A B` is an error
        gone = set(s1)
        out = "".join(ch for ch in out if ch not in gone)
        squeeze = s2 if "s" in flags else None
    elif s2 is not None:
        if not s2:
            return None  # tr: SET2 must be non-empty
        src = s1[:len(s2)] if "t" in flags else s1
        dst = s2 + s2[-1] * max(0, len(src) - len(s2))
        table: dict[int, str] = {}
        for a, b in zip(src, dst):
            table[ord(a)] = b  # (the last mapping of a repeated character wins, as GNU tr's does)
        out = out.translate(table)
        squeeze = s2 if "s" in flags else None
    else:
        if "s" not in flags:
            return None  # one set, no -d/-s: an error
        squeeze = s1
    if squeeze:
        keep = set(squeeze)
        res: list[str] = []
        for ch in out:
            if res and ch == res[-1] and ch in keep:
                continue
            res.append(ch)
        out = "".join(res)
    return out

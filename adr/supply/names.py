"""Package-name arithmetic: registry normalisation, confusable skeletons, edit distance.

Pure functions, no data: `typosquat.py` builds its checks from them.
"""
from __future__ import annotations

import re

from adr import lazyre

ECOSYSTEMS = ("pypi", "npm", "cargo", "gem", "go", "brew")

_PEP503 = lazyre.compile(r"[-_.]+")
_SEPARATORS = lazyre.compile(r"[-_.]+")


def normalize(name: str, ecosystem: str) -> str:
    """The registry's own identity for a name (PEP 503 for PyPI; case-folded elsewhere)."""
    name = name.strip()
    if ecosystem == "pypi":
        return _PEP503.sub("-", name).lower()
    if ecosystem == "cargo":  # crates.io treats - and _ as the same name
        return name.lower().replace("_", "-")
    return name.lower()


def strip_separators(name: str) -> str:
    return _SEPARATORS.sub("", name)


# Characters that render alike in common fonts. Applied to the name as written (before
# lower-casing) so that a capital I standing in for an l is caught.
_CONFUSABLE_CHARS = {
    "I": "l", "1": "l", "|": "l",
    "0": "o", "O": "o", "Q": "o",
    "5": "s", "$": "s",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ӏ": "l",  # Cyrillic
    "ο": "o", "α": "a", "ν": "v", "ι": "i", "κ": "k", "τ": "t",  # Greek
}
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLE_CHARS)
_CONFUSABLE_SEQS = (("rn", "m"), ("vv", "w"))


def skeleton(name: str) -> str:
    """A name's visual skeleton: two names with the same skeleton look alike to a reader."""
    s = name.translate(_CONFUSABLE_TABLE).lower()
    if "_" in s or "." in s or "--" in s:
        s = _SEPARATORS.sub("-", s)
    for seq, rep in _CONFUSABLE_SEQS:
        if seq in s:
            s = s.replace(seq, rep)
    return s


def damerau(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours).

    Returns `limit + 1` as soon as the distance is known to exceed `limit` (cheap rejection).
    """
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    if la == 0 or lb == 0:
        return max(la, lb)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        row_min = cur[0]
        ai = a[i - 1]
        for j in range(1, lb + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb] if prev[lb] <= limit else limit + 1


def max_distance(length: int) -> int:
    """How many edits still make a look-alike, by name length (short names collide by chance)."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    return 2


def split_scope(name: str) -> tuple[str, str]:
    """'@types/node' → ('types', 'node'); 'react' → ('', 'react')."""
    if name.startswith("@") and "/" in name:
        scope, _, rest = name[1:].partition("/")
        return scope, rest
    return "", name

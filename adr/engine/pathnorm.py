"""Path normalisation and globs, so rules say `~/.ssh/*` once and match every spelling of it.

Every path is made absolute against the action's cwd, `..` is collapsed, and any home directory
(the user's own, `/home/*`, `/Users/*`, `/root`) becomes `~` — another user's ssh key is no less
sensitive than ours.
"""
from __future__ import annotations

import functools
import posixpath
import re

import re2

_HOME_PREFIX = re.compile(r"^(?:/home/[^/]+|/Users/[^/]+|/root|/var/root)(?=/|$)")


def normalize(path: str, cwd: str = "", home: str = "") -> str:
    p = path.strip()
    if not p:
        return ""
    if p.startswith(("'", '"')) and p.endswith(p[0]) and len(p) >= 2:
        p = p[1:-1]
    for var in ("$HOME", "${HOME}"):
        if p == var or p.startswith(var + "/"):
            p = "~" + p[len(var):]
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
        if home and (p == home.rstrip("/") or p.startswith(home.rstrip("/") + "/")):
            p = "~" + p[len(home.rstrip("/")):]
        else:
            p = _HOME_PREFIX.sub("~", p, count=1)
    else:
        rest = posixpath.normpath("/" + p[1:].lstrip("/"))
        p = "~" if rest == "/" else "~" + rest
    return p


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


def glob_to_search(glob: str) -> str:
    """glob_to_regex for an unanchored search (what the rules do): the same paths match, with the
    redundant `.*` parts dropped — `(?:^|/)(?:.*/)?x$` ≡ `(?:^|/)x$` and `x(?:/.*)?$` ≡ `x(?:/|$)`
    when searching — which keeps the RE2 DFAs of many path globs small (a set of 80 path globs:
    ~40 µs → a few µs per new path)."""
    rx = glob_to_regex(glob)
    if rx.startswith("(?:^|/)(?:.*/)?"):
        rx = "(?:^|/)" + rx[len("(?:^|/)(?:.*/)?"):]
    if rx.endswith("(?:/.*)?$"):
        rx = rx[:-len("(?:/.*)?$")] + "(?:/|$)"
    return rx


def compile_globs(globs: list[str]) -> "re2._Regexp":
    return re2.compile("|".join(f"(?:{glob_to_search(g)})" for g in globs))

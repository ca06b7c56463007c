"""How a command line names git things, as text: the host of a remote URL, the hosts a git config
text sends pushes to, and the folder a line `cd`s into before its git commands. Pure — the judge's resolver (adr/daemon/gitstate.py) and the
engine both use these, so what was looked up and what is judged are the same place."""
from __future__ import annotations

import re

from adr import lazyre

_URL_HOST = lazyre.compile(r"^(?:[a-z][a-z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]+\]|[^/:]+)|(?:[^@/:\s]+@)?([^/:\s]+):(?!//))",
                           re.I)


def url_host(url: str) -> str:
    """The host of a git remote URL (`https://h/x`, `ssh://u@h:22/x`, scp-like `u@h:x`), lower-cased;
    "" for a local path."""
    m = _URL_HOST.match(url.strip())
    if not m:
        return ""
    return (m.group(1) or m.group(2) or "").strip("[]").lower()


_LEADING_CD = lazyre.compile(r"""\s*cd\s+(?:--\s+)?(?:"([^"$`\\]+)"|'([^']+)'|([^\s;&|<>()$`"'\\]+))\s*&&""")


def leading_cd(command: str) -> "str | None":
    """The literal folder of a line that starts `cd DIR && …` (how agents often run git elsewhere);
    None otherwise. The resolver looks the repository up there, and the engine accepts that one
    `cd` as not moving to an unknown repository — both through this function, so they agree."""
    m = _LEADING_CD.match(command)
    if not m:
        return None
    d = m.group(1) or m.group(2) or m.group(3) or ""
    return d if d not in ("-",) else None


# git config text: a section header (`[remote "origin"]`) and a `key = value` line
CONFIG_SECTION = lazyre.compile(r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
CONFIG_KEY = lazyre.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")
# the keys that say where pushes go: a remote's URLs and its Git LFS server's, and `[lfs] url`
_PUSH_KEYS = {"remote": ("url", "pushurl", "lfsurl", "lfspushurl"), "lfs": ("url", "pushurl"), "": ("url", "pushurl",
                                                                                                   "lfsurl", "lfspushurl")}
_HOSTISH = lazyre.compile(r"(?:[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?)?(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?=[:/])", re.I)


def config_push_hosts(text: str) -> "tuple[str, ...] | None":
    """The hosts a git config text (a repository's .git/config, a .lfsconfig, or lines appended to one
    without their section) sends pushes to; None when it includes another file (what that holds is
    unknown)."""
    hosts: dict[str, None] = {}
    section = ""
    for line in text.splitlines():
        m = CONFIG_SECTION.match(line)
        if m:
            section = m.group(1).lower()
            if section in ("include", "includeif"):
                return None
            continue
        k = CONFIG_KEY.match(line)
        if k and k.group(1).lower() in _PUSH_KEYS.get(section, ()):
            h = url_host((k.group(2) or "").strip().strip('"'))
            if h:
                hosts[h] = None
    return tuple(hosts)


def named_hosts(fragment: str) -> tuple[str, ...]:
    """Every host a piece of config text names before a `/` or `:` (an edit that replaces
    `github.com/me/p` with `203.0.113.9/r` names 203.0.113.9), lower-cased."""
    return tuple(dict.fromkeys(m.group(1).strip("[]").lower() for m in _HOSTISH.finditer(fragment)))

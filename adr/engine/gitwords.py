"""How a command line names git things, as text: the host of a remote URL, and the folder a line
`cd`s into before its git commands. Pure — the judge's resolver (adr/daemon/gitstate.py) and the
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

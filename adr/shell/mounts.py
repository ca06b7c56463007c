"""Bind mounts: a sandbox's or container's paths spelled as the host's. `docker run -v ~:/h alpine cat
/h/.aws/credentials`, `bwrap --ro-bind ~ /h cat /h/…`, `apptainer exec -B ~:/h img cat /h/…` read
the host's `~/.aws/credentials`: the command inside is judged with each mount's container path
replaced by its host path (adr/shell/parse.py for docker/podman, adr/shell/wrappers.py for the
sandbox runners)."""
from __future__ import annotations

import re
import shlex
from typing import Sequence


def shell_word(a: str) -> str:
    """A word for a line adr writes, the home's `~/` left to expand as the shell would."""
    if a == "~" or a.startswith("~/"):
        return a[:2] + (shlex.quote(a[2:]) if a[2:] else "")
    return shlex.quote(a)


def host_view(mounts: "Sequence[tuple[str, str]]", workdir: str, inner: "Sequence[str]") -> str:
    """`inner` (a container's argv) as shell text, each mount's container path spelled as its host
    path; `workdir` inside a mount is `cd` into first (see _host_view)."""
    text = " ".join(shlex.quote(a) for a in inner)
    if not mounts:
        return text
    mounts = sorted(mounts, key=lambda m: -len(m[1]))
    pattern = re.compile(r"(?<![\w.~/-])(" + "|".join(re.escape(dst) for _, dst in mounts) + r")(?=[/\s'\"|;&)<>:]|$)")
    host = dict((dst, src) for src, dst in reversed(mounts))

    def swap(m: "re.Match[str]") -> str:
        src = host[m.group(1)]
        return "" if src == "/" and m.string.startswith("/", m.end()) else src  # (-v /:/host: /host/etc is /etc)

    def one(word: str) -> str:
        mapped = pattern.sub(swap, re.sub(r"(?<![\w.~-])/{2,}", "/", word))  # (`//h/x` is /h/x)
        return shell_word(mapped) if mapped != word and mapped.startswith("~") else shlex.quote(mapped)

    text = " ".join(one(a) for a in inner)
    if workdir:
        wd = pattern.sub(swap, workdir)
        if wd != workdir:
            text = f"cd {shell_word(wd)} && {text}"
    return text

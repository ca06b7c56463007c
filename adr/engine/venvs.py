"""Programs a line runs from a virtual environment the same line created — pure.

`python3 -m venv /tmp/v && /tmp/v/bin/pip install -r requirements.txt`: /tmp/v/bin/pip is no binary
dropped in /tmp, it is what the venv creation just made. Only the names a creation makes count
(python*, pip* unless `--without-pip` or a uv venv without `--seed`, and the console script named like
a package the line then pip-installs into it: `bin/pip install black && bin/black .`), only after the creation,
only when the line writes no file of that name itself, and only when what the judge found on disk for
the path (an existing venv's link) is an interpreter outside the temporary folders — a link an agent
planted earlier (`bin/python3 → /tmp/payload`) is left in place by `venv`, so it still asks.
Only when the creation certainly ran first: the line's own statements joined by `&&` alone (`;`, `||`,
`&` or a nested shell may run the program without it, or alongside it), not `--help`; and no other
command of the line names the folder (`tar -xf p.tar -C V`, `rsync -a P/ V/`, `cp -r P V` put
anything there).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence

from adr import lazyre
from adr.engine.pathnorm import normalize

_PYTHON = lazyre.compile(r"^python(?:[23](?:\.\d+)?)?$")
_PIP = lazyre.compile(r"^pip(?:[23](?:\.\d+)?)?$")
_VALUED = frozenset({"-p", "--python", "--prompt", "--seeder", "--creator", "--activators", "--index-url",
                     "--cache-dir", "--extra-index-url", "--index", "--default-index"})
_TEMP = ("/tmp/", "/var/tmp/", "/dev/shm/", "/private/tmp/")
_NO_CREATION = frozenset({"-h", "--help", "--version", "-V"})
# programs that name a venv folder without putting anything in it
_NEUTRAL = frozenset({"cd", "pushd", "source", ".", "ls", "echo", "printf", "test", "[", "realpath", "readlink",
                      "which", "stat", "du", "tree", "file"})
_SEQUENCE_BREAK = lazyre.compile(r"""'[^']*'|"(?:[^"\\]|\\.)*"|\\.|(&&)|(;|\n|\|\||&)""")


def _sequenced(text: str) -> bool:
    """Are the line's top-level statements joined by `&&` only (a later one runs only after the earlier
    ones succeeded)? Quoted text is skipped; `>&`/`&>` are redirects."""
    for m in _SEQUENCE_BREAK.finditer(text):
        if m.group(2) is not None and not (m.group(2) == "&" and (text[m.start() - 1:m.start()] == ">"
                                                                  or text[m.end():m.end() + 1] == ">")):
            return False
    return True


def _creation(argv: Sequence[str]) -> "tuple[str, bool] | None":
    """(the folder, whether pip is installed in it) when `argv` creates a virtual environment."""
    argv = list(argv)
    prog = argv[0] if argv else ""
    if _NO_CREATION.intersection(argv):
        return None  # (`python3 -m venv V --help` makes nothing)
    for k, a in enumerate(argv):
        value = a.split("=", 1)[1] if a.startswith(("--python=", "-p=")) else \
            argv[k + 1] if a in ("-p", "--python") and k + 1 < len(argv) else ""
        if "/" in value:
            return None  # (`virtualenv -p /tmp/x/python3 V`: its bin/python is that program)
    if _PYTHON.match(prog) and len(argv) > 2 and argv[1] == "-m" and argv[2] in ("venv", "virtualenv"):
        rest, pip = list(argv[3:]), "--without-pip" not in argv and "--no-pip" not in argv
    elif prog in ("venv", "virtualenv"):  # (the shell layer reads `python3 -m venv DIR` as `venv DIR`)
        rest, pip = list(argv[1:]), "--without-pip" not in argv and "--no-pip" not in argv
    elif prog == "uv" and argv[1:2] == ["venv"]:
        rest, pip = list(argv[2:]), "--seed" in argv
    else:
        return None
    skip = False
    for a in rest:
        if skip:
            skip = False
        elif a.startswith("-"):
            skip = a in _VALUED
        else:
            return a, pip
    return (".venv", pip) if prog == "uv" else None  # (uv's default folder)


def venv_runs(commands: Sequence, written: Iterable[str], aliases: "dict[str, Sequence[str]]",
              cwd: str, home: str, text: str = "") -> frozenset[int]:
    """The indexes of `commands` that run a program the line's own venv creation made (`text`: the line)."""
    if text and not _sequenced(text):
        return frozenset()
    roots = {normalize(got[0].rstrip("/"), cwd, home) for c in commands
             if (got := _creation(tuple(getattr(c, "argv", ())))) is not None}
    touched = _touched(commands, roots, cwd, home)
    made: dict[str, bool] = {}  # normalized bin folder → pip in it
    scripts: dict[str, set[str]] = {}  # bin folder → the packages the line installed into it
    out: set[int] = set()
    wrote = {normalize(w, cwd, home) for w in written}
    # every path the line names as an argument (`ln -sf P V/bin/python3`, `mv P V/bin/`): not the venv's own
    wrote |= {normalize(a, cwd, home).rstrip("/") for c in commands for a in tuple(getattr(c, "argv", ()))[1:]
              if a.startswith(("/", "~", ".")) and "/bin" in a}
    for i, c in enumerate(commands):
        argv = tuple(getattr(c, "argv", ()))
        got = _creation(argv)
        if got is not None:
            if getattr(c, "depth", 0) == 0 and normalize(got[0].rstrip("/"), cwd, home) not in touched:
                made[normalize(got[0].rstrip("/") + "/bin", cwd, home)] = got[1]
            continue
        path = getattr(c, "program_path", "")
        if not path or not made:
            continue
        p = normalize(path, cwd, home)
        folder, name = posixpath.split(p)
        if folder not in made or p in wrote or folder in wrote:
            continue
        if not (_PYTHON.match(name) or made[folder] and _PIP.match(name) or name in scripts.get(folder, ())):
            continue
        if any(a.startswith(_TEMP) or not _PYTHON.match(posixpath.basename(a)) for a in aliases.get(p, ())):
            continue  # on disk already, and no interpreter outside the temporary folders
        out.add(i)
        if argv[:2] == ("pip", "install"):  # (`bin/python -m pip install` reads as pip install too)
            scripts.setdefault(folder, set()).update(_installed(argv[2:]))
    return frozenset(out)


def _touched(commands: Sequence, roots: "set[str]", cwd: str, home: str) -> "set[str]":
    """The venv folders another command of the line names (itself or below it): what it puts there is
    not the creation's. The creations, the venv's own programs and commands that only look are not."""
    out: set[str] = set()
    for c in commands:
        argv = tuple(getattr(c, "argv", ()))
        path = normalize(getattr(c, "program_path", "") or "", cwd, home) if getattr(c, "program_path", "") else ""
        if not argv or argv[0] in _NEUTRAL or _creation(argv) is not None or \
                any(path.startswith(r + "/bin/") for r in roots):
            continue
        for a in argv[1:]:
            v = a.split("=", 1)[1] if a.startswith("-") and "=" in a else a
            if not v.startswith(("/", "~", ".")) and "/" not in v:
                continue
            p = normalize(v, cwd, home).rstrip("/")
            out |= {r for r in roots if p == r or p.startswith(r + "/")}
    return out


_REQUIREMENT = lazyre.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]{0,100})(?:\[[^\]]*\])?(?:[<>=!~;@ ].*)?$")


def _installed(args: Sequence[str]) -> "set[str]":
    """The console-script names a `pip install ARGS` can make by its packages' own names (`black`,
    `pytest`): what pip writes into bin/ for them replaces whatever was there."""
    out: set[str] = set()
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a.startswith("-"):
            skip = a in ("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                         "--extra-index-url", "-t", "--target", "--prefix", "--root", "-f", "--find-links")
        elif "/" not in a and (m := _REQUIREMENT.match(a)):
            out |= {m.group(1), m.group(1).lower()}
    return out

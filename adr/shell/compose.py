"""Compose files as the `docker run` lines they stand for — pure (no I/O).

`docker compose up` starts what a compose file describes: an image, a command, host folders mounted,
`privileged`, the host's PID namespace. An agent can write the file in one call (quiet: it runs
nothing yet) and start it in the next, so the caller (adr/daemon/crosscall.py) reads the file and
judges each service it starts as the equivalent `docker run` line, where the ordinary container rules
apply: a mount's container paths spelled as the host's (adr/shell/mounts.py), host root, the socket.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import Any, Sequence

import yaml

from adr.shell.mounts import shell_word

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
MAX_SERVICES = 32
MAX_COMPOSE_BYTES = 512 * 1024
# verbs that start a service's container (its command with its mounts)
_STARTS = frozenset({"up", "run", "start", "restart", "create", "watch"})
_COMPOSE_VALUED = frozenset({"-f", "--file", "-p", "--project-name", "--project-directory", "--env-file",
                             "--profile", "--ansi", "--progress", "--parallel"})
_RUN_VALUED = frozenset({"-e", "--env", "-v", "--volume", "-w", "--workdir", "--entrypoint", "--name", "-u",
                         "--user", "-p", "--publish", "-l", "--label", "--env-from-file", "--cap-add",
                         "--cap-drop", "--pull"})
_UP_VALUED = frozenset({"-t", "--timeout", "--scale", "--exit-code-from", "--attach", "--no-attach", "--pull",
                        "--wait-timeout"})
_DOCKER_GLOBAL_FLAGS = frozenset({"-D", "--debug", "--tls", "--tlsverify"})


@dataclass(frozen=True)
class ComposeUse:
    """What one `docker compose …` command starts."""

    verb: str
    files: tuple[str, ...]  # -f FILE as written ("" → the default names, looked up by the caller)
    project_dir: str  # --project-directory, as written
    services: tuple[str, ...]  # named services ("" → every one)
    command: tuple[str, ...] = ()  # `run SERVICE CMD…`: the command that replaces the service's
    volumes: tuple[str, ...] = ()  # `run -v SRC:DST`: mounts added to the service's


def compose_use(program: str, args: Sequence[str]) -> ComposeUse | None:
    """`docker compose …`, `docker-compose …`, `podman compose …`, `podman-compose …`, `nerdctl
    compose …` when the verb starts containers; None otherwise."""
    rest = list(args)
    if program in ("docker", "podman", "nerdctl"):
        i = 0
        while i < len(rest) and rest[i].startswith("-"):
            i += 1 if "=" in rest[i] or rest[i] in _DOCKER_GLOBAL_FLAGS else 2
        if rest[i:i + 1] != ["compose"]:
            return None
        rest = rest[i + 1:]
    elif program not in ("docker-compose", "podman-compose"):
        return None
    files: list[str] = []
    project = ""
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        name, eq, value = rest[i].partition("=")
        v = value if eq else (rest[i + 1] if i + 1 < len(rest) else "")
        if name in ("-f", "--file"):
            files.append(v)
        elif name == "--project-directory":
            project = v
        i += 1 if eq or name not in _COMPOSE_VALUED else 2
    if i >= len(rest) or rest[i] not in _STARTS:
        return None
    verb, rest = rest[i], rest[i + 1:]
    valued = _RUN_VALUED if verb == "run" else _UP_VALUED
    services: list[str] = []
    volumes: list[str] = []
    j = 0
    while j < len(rest):
        a = rest[j]
        if a == "--":
            j += 1
            break
        if a.startswith("-"):
            name, eq, value = a.partition("=")
            if name in valued:
                v = value if eq else (rest[j + 1] if j + 1 < len(rest) else "")
                if name in ("-v", "--volume"):
                    volumes.append(v)
                j += 1 if eq else 2
            else:
                j += 1
            continue
        services.append(a)
        j += 1
        if verb == "run":
            break
    command = tuple(rest[j:]) if verb == "run" else ()
    return ComposeUse(verb, tuple(files), project, tuple(services), command, tuple(volumes))


def service_lines(text: str, base: str, use: ComposeUse) -> tuple[list[tuple[str, str]], str]:
    """(service name, `docker run …` line) for each service `use` starts, read from a compose file's
    text; relative mount sources resolve against `base` (the project directory). Unreadable YAML
    gives nothing (the file's own write was judged when it was written). The second value names a
    bound that stopped the reading ("" when none did): the caller reports it as a finding."""
    if len(text) > MAX_COMPOSE_BYTES:
        return [], f"the compose file is larger than {MAX_COMPOSE_BYTES // 1024} KiB: its services were not judged"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return [], ""
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return [], ""
    wanted = set(use.services)
    started = [(str(n), s) for n, s in services.items() if isinstance(s, dict) and (not wanted or str(n) in wanted)]
    out = [(name, _run_line(svc, base, use)) for name, svc in started[:MAX_SERVICES]]
    bound = f"more than {MAX_SERVICES} services start: only the first {MAX_SERVICES} were judged" \
        if len(started) > MAX_SERVICES else ""
    return out, bound


def _run_line(svc: dict[str, Any], base: str, use: ComposeUse) -> str:
    words = ["docker", "run"]
    if svc.get("privileged") is True:
        words.append("--privileged")
    for key, flag in (("pid", "--pid"), ("network_mode", "--network"), ("ipc", "--ipc"), ("userns_mode", "--userns")):
        if isinstance(svc.get(key), str):
            words.append(f"{flag}={svc[key]}")
    caps = svc.get("cap_add")
    for cap in caps if isinstance(caps, list) else ():
        words.append(f"--cap-add={cap}")
    vols = svc.get("volumes")
    mounts = [_mount(v, base) for v in (vols if isinstance(vols, list) else [])] + [_mount(v, base) for v in use.volumes]
    for m in mounts:
        if m:
            words += ["-v", m]
    wd = svc.get("working_dir")
    if isinstance(wd, str) and wd:
        words += ["-w", wd]
    image = svc.get("image")
    words.append(image if isinstance(image, str) and image else "local-build")
    head = " ".join(w if w.startswith("~") else shlex.quote(w) for w in words)
    argv = _argv(svc.get("entrypoint")) + (list(use.command) if use.command else _argv(svc.get("command")))
    return head + ("" if not argv else " " + " ".join(shlex.quote(a) for a in argv))


def _argv(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_unescape(str(v)) for v in value]
    if isinstance(value, str):
        try:
            return [_unescape(w) for w in shlex.split(value)]
        except ValueError:
            return ["sh", "-c", _unescape(value)]
    return []


def _unescape(s: str) -> str:
    return s.replace("$$", "$")  # compose's escape of a literal `$`


_HOME_VAR = re.compile(r"^\$(?:\{HOME\}|HOME\b)")


def _mount(v: Any, base: str) -> str:
    """A volume as `-v SRC:DST` with a host path source; "" for a named volume or a tmpfs."""
    if isinstance(v, dict):
        if v.get("type", "bind") != "bind" or not isinstance(v.get("source"), str) or not isinstance(
                v.get("target"), str):
            return ""
        src, dst = v["source"], v["target"]
    elif isinstance(v, str):
        parts = v.split(":")
        if len(parts) < 2:
            return ""
        src, dst = parts[0], parts[1]
    else:
        return ""
    src = _HOME_VAR.sub("~", src)
    if not src.startswith(("/", "~", ".")):
        return ""  # a named volume
    if src.startswith("."):
        if not base.startswith("/"):
            return ""
        src = posixpath.normpath(posixpath.join(base, src))
    return f"{shell_word(src) if src.startswith('~') else src}:{dst}"

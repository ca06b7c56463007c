"""Compose files as the `docker run` lines they stand for — pure (no I/O).

`docker compose up` starts what a compose file describes: an image, a command, host folders mounted,
`privileged`, the host's PID namespace. An agent can write the file in one call (quiet: it runs
nothing yet) and start it in the next, so the caller (adr/daemon/crosscall.py) reads the file and
judges each service it starts as the equivalent `docker run` line, where the ordinary container rules
apply: a mount's container paths spelled as the host's (adr/shell/mounts.py), host root, the socket.

A service is read as compose builds it, not as one file spells it: the override files compose reads
on its own (compose.override.yaml), `include:`d files, `extends:` (same file or another), YAML
anchors and merge keys, and `${VAR:-default}` interpolated from the environment and the project's
`.env` — each was a way to put the mount or the command where a one-file reading did not look.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import yaml

from adr import lazyre
from adr.shell.mounts import shell_word

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
# read by compose beside the file it found (whichever name that has), when no -f / COMPOSE_FILE
# names the files: every one present is read here
OVERRIDE_FILES = ("compose.override.yml", "compose.override.yaml", "docker-compose.override.yml",
                  "docker-compose.override.yaml")
MAX_SERVICES = 32
MAX_COMPOSE_BYTES = 512 * 1024
MAX_FILES = 16  # compose files one project reads (-f, overrides, include:, extends: file)
MAX_NODES = 20000  # YAML values interpolated per file (aliases are shared, not copied)
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
    env_files: tuple[str, ...] = ()  # --env-file (interpolation values instead of the project's .env)
    entrypoint: str | None = None  # `run --entrypoint X`: replaces the service's


def compose_use(program: str, args: Sequence[str]) -> ComposeUse | None:
    """`docker compose …`, `docker-compose …`, `podman compose …`, `podman-compose …`, `nerdctl
    compose …` when the verb starts containers; None otherwise."""
    rest = list(args)
    if program in ("docker", "podman", "nerdctl"):
        i = 0
        while i < len(rest) and rest[i].startswith("-"):
            i += 1 if "=" in rest[i] or rest[i] in _DOCKER_GLOBAL_FLAGS else 2
        if program == "docker" and rest[i:i + 1] == ["stack"] and rest[i + 1:i + 2] in (["deploy"], ["up"]):
            return _stack_deploy(rest[i + 2:])
        if rest[i:i + 1] != ["compose"]:
            return None
        rest = rest[i + 1:]
    elif program not in ("docker-compose", "podman-compose"):
        return None
    files: list[str] = []
    env_files: list[str] = []
    project = ""
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        name, eq, value = rest[i].partition("=")
        v = value if eq else (rest[i + 1] if i + 1 < len(rest) else "")
        if name in ("-f", "--file"):
            files.append(v)
        elif name == "--env-file":
            env_files.append(v)
        elif name == "--project-directory":
            project = v
        i += 1 if eq or name not in _COMPOSE_VALUED else 2
    if i >= len(rest) or rest[i] not in _STARTS:
        return None
    verb, rest = rest[i], rest[i + 1:]
    valued = _RUN_VALUED if verb == "run" else _UP_VALUED
    services: list[str] = []
    volumes: list[str] = []
    entrypoint: str | None = None
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
                elif name == "--entrypoint":
                    entrypoint = v
                j += 1 if eq else 2
            else:
                j += 1
            continue
        services.append(a)
        j += 1
        if verb == "run":
            break
    command = tuple(rest[j:]) if verb == "run" else ()
    return ComposeUse(verb, tuple(files), project, tuple(services), command, tuple(volumes), tuple(env_files),
                      entrypoint)


def _stack_deploy(args: Sequence[str]) -> ComposeUse:
    """`docker stack deploy -c FILE NAME`: every service of the compose files, started (as `up`)."""
    files: list[str] = []
    i = 0
    while i < len(args):
        name, eq, value = args[i].partition("=")
        if name in ("-c", "--compose-file"):
            files.append(value if eq else (args[i + 1] if i + 1 < len(args) else ""))
            i += 1 if eq else 2
            continue
        i += 1
    return ComposeUse("up", tuple(files) or ("docker-compose.yml",), "", ())


Reader = Callable[[str], "str | None"]  # an absolute path → the file's text (None: no such file)


def service_lines(text: str, base: str, use: ComposeUse, env: "Mapping[str, str] | None" = None,
                  read: "Reader | None" = None, path: str = "") -> tuple[list[tuple[str, str]], str]:
    """(service name, `docker run …` line) for each service `use` starts, read from a compose file's
    text as compose builds it (`read` gives the files it names: include:, extends: file, and
    `more_texts` the -f overrides after it); relative mount sources resolve against `base` (the
    project directory). Unreadable YAML gives nothing (the file's own write was judged when it was
    written). The second value names a bound that stopped the reading ("" when none did): the
    caller reports it as a finding."""
    return project_lines([(path or posixpath.join(base, "compose.yaml"), text)], base, use, env, read)


def project_lines(files: "Sequence[tuple[str, str]]", base: str, use: ComposeUse,
                  env: "Mapping[str, str] | None" = None,
                  read: "Reader | None" = None) -> tuple[list[tuple[str, str]], str]:
    """`service_lines` for a project of several files (path, text), later ones overriding earlier
    ones as `-f a -f b` or an override file does."""
    loader = _Loader(dict(env or {}), read or (lambda _p: None), base)
    services: dict[str, Any] = {}
    for path, text in files:
        services = _merge_services(services, loader.services(path, text, base))
        if loader.bound:
            return [], loader.bound
    resolved = {n: loader.extended(n, s, services, "", 0) for n, s in services.items()}
    wanted = set(use.services)
    started = [(n, s) for n, s in resolved.items() if isinstance(s, dict) and (not wanted or n in wanted)]
    out = [(name, _run_line(svc, base, use)) for name, svc in started[:MAX_SERVICES]]
    bound = loader.bound or (f"more than {MAX_SERVICES} services start: only the first {MAX_SERVICES} were judged"
                             if len(started) > MAX_SERVICES else "")
    return out, bound


def dotenv(text: str) -> dict[str, str]:
    """A `.env` file's KEY=VALUE lines (quotes and `export ` taken off)."""
    out: dict[str, str] = {}
    for line in text.splitlines()[:1024]:
        line = line.strip()
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, eq, value = line.partition("=")
        if eq and _NAME.fullmatch(key.strip()):
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out[key.strip()] = value
    return out


_NAME = lazyre.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# `$$` (a literal `$`, kept for _unescape), `${VAR}`, `${VAR:-default}` / `-` / `:+` / `+` / `:?` / `?`, `$VAR`
_VAR = lazyre.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^{}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_KEEP = frozenset({"HOME"})  # left for _mount's `~` (its value is the home adr already knows)


def interpolate(s: str, env: "Mapping[str, str]") -> str:
    """Compose's variable substitution, for the variables known here; an unknown one with no default
    is left as written (the shell layer reads `$HOME` as the home)."""
    def one(m: "re.Match[str]") -> str:
        if m.group(0) == "$$":
            return "$$"
        name = m.group(1) or m.group(4)
        op, word = m.group(2) or "", m.group(3) or ""
        known = name in env and name not in _KEEP
        value = env.get(name, "")
        if op in (":-", "-"):
            if known and (value or op == "-"):
                return value
            return "${" + name + "}" if name in _KEEP else word
        if op in (":+", "+"):
            return word if known and (value or op == "+") else ""
        return value if known else m.group(0)
    return _VAR.sub(one, s) if "$" in s else s


class _Loader:
    """Reads compose files into one services mapping: include:, extends:, interpolation (bounded)."""

    def __init__(self, env: dict[str, str], read: Reader, base: str) -> None:
        self.env, self.read, self.base = env, read, base
        self.files = 0
        self.bound = ""
        self.docs: dict[str, Any] = {}

    def load(self, path: str, text: "str | None" = None) -> Any:
        if path in self.docs:
            return self.docs[path]
        self.docs[path] = None  # (an include: cycle reads nothing more)
        self.files += 1
        if self.files > MAX_FILES:
            self.bound = f"more than {MAX_FILES} compose files in one project: the rest were not judged"
            return None
        text = self.read(path) if text is None else text
        if text is None:
            return None
        if len(text) > MAX_COMPOSE_BYTES:
            self.bound = f"the compose file {path} is larger than {MAX_COMPOSE_BYTES // 1024} KiB: its services were not judged"
            return None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None
        budget = [MAX_NODES]
        data = _interpolated(data, self.env, {}, budget)
        if budget[0] < 0:
            self.bound = f"{path} holds more than {MAX_NODES} values: its services were not judged"
            return None
        self.docs[path] = data
        return data

    def services(self, path: str, text: "str | None", base: str) -> dict[str, Any]:
        """The file's services with its include:d files' first, relative mounts made absolute."""
        data = self.load(path, text)
        if not isinstance(data, dict):
            return {}
        here = posixpath.dirname(path)
        out: dict[str, Any] = {}
        inc = data.get("include")
        for item in inc if isinstance(inc, list) else []:
            paths = item.get("path") if isinstance(item, dict) else item
            for p in paths if isinstance(paths, list) else [paths]:
                if isinstance(p, str) and p and not self.bound:
                    full = posixpath.normpath(posixpath.join(here, p))
                    out = _merge_services(out, self.services(full, None, posixpath.dirname(full)))
        svcs = data.get("services")
        if isinstance(svcs, dict):
            mine = {str(n): _absolute_mounts(s, base, path) for n, s in svcs.items() if isinstance(s, dict)}
            out = _merge_services(out, mine)
        return out

    def extended(self, name: str, svc: Any, siblings: dict[str, Any], path: str, depth: int) -> Any:
        """A service with its `extends:` chain merged under it (another file's service, or a sibling)."""
        if not isinstance(svc, dict) or "extends" not in svc:
            return svc
        ext = svc["extends"]
        own = {k: v for k, v in svc.items() if k != "extends"}
        if depth >= 8:
            self.bound = self.bound or f"service {name}: extends: nested deeper than 8 were not judged"
            return own
        target, file = (ext, "") if isinstance(ext, str) else (
            (ext.get("service"), ext.get("file") or "") if isinstance(ext, dict) else ("", ""))
        if not isinstance(target, str) or not isinstance(file, str):
            return own
        pool, where = siblings, path
        if file:
            where = posixpath.normpath(posixpath.join(posixpath.dirname(path) if path else self.base, file))
            pool = self.services(where, None, posixpath.dirname(where))
        parent = pool.get(target)
        if parent is None or parent is svc:
            return own
        return _merge(self.extended(target, parent, pool, where, depth + 1), own)


def _interpolated(v: Any, env: "Mapping[str, str]", memo: dict[int, Any], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(v, str):
        return interpolate(v, env)
    if isinstance(v, (dict, list)):
        if id(v) in memo:  # an alias: the value was read once
            return memo[id(v)]
        if isinstance(v, dict):
            out: Any = {}
            memo[id(v)] = out
            for k, x in v.items():
                out[k] = _interpolated(x, env, memo, budget)
        else:
            out = []
            memo[id(v)] = out
            out.extend(_interpolated(x, env, memo, budget) for x in v)
        return out
    return v


_REPLACED = frozenset({"command", "entrypoint", "image", "build", "working_dir", "user"})


def _merge(a: Any, b: Any, key: str = "") -> Any:
    """Compose's merge of b over a: mappings key by key, lists of mounts/capabilities/devices added
    to (a later file cannot take a mount back out), a command replaced."""
    if isinstance(a, dict) and isinstance(b, dict) and key not in _REPLACED:
        out = dict(a)
        for k, v in b.items():
            out[k] = _merge(a[k], v, str(k)) if k in a else v
        return out
    if isinstance(a, list) and isinstance(b, list) and key not in _REPLACED:
        return a + b
    return b


def _merge_services(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for n, s in b.items():
        out[n] = _merge(a[n], s) if n in a else s
    return out


def _absolute_mounts(svc: dict[str, Any], base: str, path: str) -> dict[str, Any]:
    """A relative mount source is relative to the project directory (`base`)."""
    vols = svc.get("volumes")
    if not isinstance(vols, list) or not base.startswith("/"):
        return svc
    fixed: list[Any] = []
    for v in vols:
        if isinstance(v, str) and v.startswith("."):
            src, sep, rest = v.partition(":")
            v = posixpath.normpath(posixpath.join(base, src)) + sep + rest
        elif isinstance(v, dict) and isinstance(v.get("source"), str) and v["source"].startswith("."):
            v = {**v, "source": posixpath.normpath(posixpath.join(base, v["source"]))}
        fixed.append(v)
    return {**svc, "volumes": fixed}


def _run_line(svc: dict[str, Any], base: str, use: ComposeUse) -> str:
    words = ["docker", "run"]
    if svc.get("privileged") in (True, "true", "True", "yes"):
        words.append("--privileged")
    for key, flag in (("pid", "--pid"), ("network_mode", "--network"), ("ipc", "--ipc"), ("userns_mode", "--userns")):
        if isinstance(svc.get(key), str):
            words.append(f"{flag}={svc[key]}")
    caps = svc.get("cap_add")
    for cap in caps if isinstance(caps, list) else ():
        words.append(f"--cap-add={cap}")
    for key, flag in (("devices", "--device"), ("security_opt", "--security-opt")):
        items = svc.get(key)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, str):
                words.append(f"{flag}={item}")
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
    entry = _argv(use.entrypoint) if use.entrypoint is not None else _argv(svc.get("entrypoint"))
    argv = entry + (list(use.command) if use.command else _argv(svc.get("command")))
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


_HOME_VAR = lazyre.compile(r"^\$(?:\{HOME\}|HOME\b)")


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


# ---- podman kube play: a Kubernetes manifest run on this machine ----------------------------------------

def kube_play_files(program: str, args: Sequence[str]) -> list[str]:
    """`podman kube play F…` / `podman play kube F…`: the manifests it starts (as docker run lines,
    kube_lines); [] for anything else."""
    if program != "podman":
        return []
    words = [a for a in args if not a.startswith("-")]
    if words[:2] not in (["kube", "play"], ["play", "kube"]):
        return []
    out: list[str] = []
    i = args.index(words[1]) + 1
    valued = {"--configmap", "--log-driver", "--network", "--ip", "--mac-address", "--build", "--authfile",
              "--cert-dir", "--creds", "--log-opt", "--seccomp-profile-root", "--userns", "--annotation",
              "--publish", "--context-dir"}
    while i < len(args):
        a = args[i]
        if a.startswith("-"):
            i += 2 if a in valued else 1
            continue
        out.append(a)
        i += 1
    return out


_KUBE_SPEC_PATHS = (("spec",), ("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))


def kube_lines(text: str) -> tuple[list[tuple[str, str]], str]:
    """(container name, `docker run …` line) for each container of a manifest's pods: hostPath
    volumes as host mounts, command + args, privileged, hostPID/hostNetwork."""
    if len(text) > MAX_COMPOSE_BYTES:
        return [], f"the manifest is larger than {MAX_COMPOSE_BYTES // 1024} KiB: its containers were not judged"
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return [], ""
    out: list[tuple[str, str]] = []
    for doc in docs[:64]:
        for keys in _KUBE_SPEC_PATHS:
            spec: Any = doc
            for k in keys:
                spec = spec.get(k) if isinstance(spec, dict) else None
            if isinstance(spec, dict) and isinstance(spec.get("containers"), list):
                out += _pod_lines(spec)
                break
    bound = f"more than {MAX_SERVICES} containers: only the first {MAX_SERVICES} were judged" \
        if len(out) > MAX_SERVICES else ""
    return out[:MAX_SERVICES], bound


def _pod_lines(spec: dict[str, Any]) -> list[tuple[str, str]]:
    host_paths: dict[str, str] = {}
    vols = spec.get("volumes")
    for v in vols if isinstance(vols, list) else []:
        hp = v.get("hostPath") if isinstance(v, dict) else None
        if isinstance(hp, dict) and isinstance(hp.get("path"), str) and isinstance(v.get("name"), str):
            host_paths[v["name"]] = hp["path"]
    out: list[tuple[str, str]] = []
    containers = [c for key in ("initContainers", "containers") for c in (
        spec.get(key) if isinstance(spec.get(key), list) else []) if isinstance(c, dict)]
    for c in containers:
        svc: dict[str, Any] = {"image": c.get("image")}
        sc = c.get("securityContext")
        if isinstance(sc, dict) and sc.get("privileged") is True:
            svc["privileged"] = True
        if spec.get("hostPID") is True:
            svc["pid"] = "host"
        if spec.get("hostNetwork") is True:
            svc["network_mode"] = "host"
        mounts = c.get("volumeMounts")
        svc["volumes"] = [f"{host_paths[m['name']]}:{m['mountPath']}" for m in (mounts if isinstance(mounts, list) else [])
                          if isinstance(m, dict) and m.get("name") in host_paths and isinstance(m.get("mountPath"), str)]
        if isinstance(c.get("workingDir"), str):
            svc["working_dir"] = c["workingDir"]
        cmd, args = c.get("command"), c.get("args")
        svc["command"] = (cmd if isinstance(cmd, list) else []) + (args if isinstance(args, list) else [])
        out.append((str(c.get("name", "")), _run_line(svc, "/", ComposeUse("up", (), "", ()))))
    return out

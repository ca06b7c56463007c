"""Commands a configuration file holds, which some tool runs later.

A devcontainer's `postCreateCommand` (its `initializeCommand` runs on the host), a VS Code task, a
pre-commit hook's `entry`, tox's `commands`, cargo's `rustc-wrapper`/`runner`: writing one of these is
writing a command line that runs on the next container build, task, commit or test run. The engine
judges each as shell (adr.engine.core), like a package.json lifecycle script or a file that runs as a
whole (the `executes_later` list). Reading is bounded; a file that does not parse yields nothing.
"""
from __future__ import annotations

import json
import posixpath
import re
import shlex

MAX_CONTENT = 256 * 1024
MAX_COMMANDS = 32

_DEVCONTAINER_KEYS = ("initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand",
                      "postStartCommand", "postAttachCommand")


def _json(content: str) -> object:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        # JSON with comments and trailing commas (VS Code, devcontainers): drop them and try again
        text = re.sub(r"(?m)^\s*//[^\n]*$|/\*.*?\*/", "", content, flags=re.S)
        text = re.sub(r",(\s*[}\]])", r"\1", text)
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return None


def _command_value(v: object) -> list[str]:
    """A devcontainer command: a string (shell), a list (argv), or an object of either (parallel)."""
    if isinstance(v, str):
        return [v]
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return [" ".join(shlex.quote(x) for x in v)]
    if isinstance(v, dict):
        return [c for x in list(v.values())[:MAX_COMMANDS] for c in _command_value(x)]
    return []


def _devcontainer(content: str) -> list[tuple[str, str]]:
    data = _json(content)
    if not isinstance(data, dict):
        return []
    return [(k, c) for k in _DEVCONTAINER_KEYS if k in data for c in _command_value(data[k])]


def _vscode_tasks(content: str) -> list[tuple[str, str]]:
    data = _json(content)
    tasks = data.get("tasks") if isinstance(data, dict) else None
    out = []
    for t in tasks[:MAX_COMMANDS] if isinstance(tasks, list) else []:
        if not isinstance(t, dict):
            continue
        for scope in (t, t.get("linux"), t.get("osx"), t.get("windows")):
            if isinstance(scope, dict) and isinstance(scope.get("command"), str):
                args = scope.get("args") if isinstance(scope.get("args"), list) else []
                words = [a for a in args if isinstance(a, str)]
                out.append((f"task {t.get('label', '')}".strip(),
                            " ".join([scope["command"]] + [shlex.quote(a) for a in words])))
    return out


_PRECOMMIT_ENTRY = re.compile(r"(?m)^\s*-?\s*entry\s*:\s*(.+?)\s*$")
_TOX_COMMANDS = re.compile(r"(?m)^\s*commands(?:_pre|_post)?\s*=\s*(.*(?:\n[ \t]+\S.*)*)")
_CARGO_PROGRAMS = re.compile(r"(?m)^\s*(rustc-wrapper|rustc_wrapper|rustc-workspace-wrapper|runner|linker|rustc)"
                             r"\s*=\s*(?:\"([^\"\n]+)\"|'([^'\n]+)'|\[([^\]\n]*)\])")


def _unquote_yaml(v: str) -> str:
    v = v.split(" #", 1)[0].strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


def _precommit(content: str) -> list[tuple[str, str]]:
    return [("entry", _unquote_yaml(m.group(1))) for m in _PRECOMMIT_ENTRY.finditer(content)]


# tox's own substitutions, as the paths they stand for (`{homedir}` is the home: `rm -rf {homedir}`)
_TOX_SUBST = re.compile(r"\{(homedir|toxinidir|toxworkdir|envdir|envtmpdir|envlogdir|envsitepackagesdir|"
                        r"envbindir|envpython|posargs(?::[^}]*)?|env:HOME(?::[^}]*)?|/)\}")
_TOX_VALUES = {"homedir": "~", "toxinidir": ".", "toxworkdir": ".tox", "envdir": ".tox/env",
               "envtmpdir": ".tox/env/tmp", "envlogdir": ".tox/env/log", "envbindir": ".tox/env/bin",
               "envsitepackagesdir": ".tox/env/lib", "envpython": ".tox/env/bin/python", "/": "/"}


def _tox_line(line: str) -> str:
    def sub(m: "re.Match[str]") -> str:
        key = m.group(1)
        if key.startswith("posargs"):
            return key.split(":", 1)[1] if ":" in key else ""
        if key.startswith("env:HOME"):
            return "~"
        return _TOX_VALUES[key]
    return _TOX_SUBST.sub(sub, line)


def _tox(content: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOX_COMMANDS.finditer(content):
        for line in m.group(1).splitlines():
            line = line.strip().lstrip("-").strip()
            if line and not line.startswith(("#", ";")):
                out.append(("commands", _tox_line(line)))
    return out


def _cargo(content: str) -> list[tuple[str, str]]:
    out = []
    for m in _CARGO_PROGRAMS.finditer(content):
        if m.group(4) is not None:
            words = re.findall(r"\"([^\"]*)\"|'([^']*)'", m.group(4))
            cmd = " ".join(shlex.quote(a or b) for a, b in words)
        elif m.group(1) == "runner":
            cmd = m.group(2) or m.group(3)  # a runner string is split on whitespace: program and arguments
        else:
            cmd = shlex.quote(m.group(2) or m.group(3))
        if cmd:
            out.append((m.group(1), cmd))
    return out


def _gitconfig(content: str) -> list[tuple[str, str]]:
    """The programs a git configuration names (pager, sshCommand, filters, textconv, credential
    helper commands, merge drivers, gpg.program, fsmonitor, `!` aliases): git runs each of them on
    some ordinary later command."""
    from adr.shell.runs import git_config
    cfg = git_config(content)
    out = [(f"git config {k}", v[1:] if v.startswith("!") else v) for k, v in cfg.programs
           if v and ("credential" not in k or v.startswith(("!", "/", "~", ".")))
           and v.lower() not in ("true", "false", "cat", "less", "more")]
    if cfg.fsmonitor and cfg.fsmonitor.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        out.append(("git config core.fsmonitor", cfg.fsmonitor))
    out += [(f"git alias {name}", body[1:]) for name, body in cfg.aliases if body.startswith("!")]
    return out


# keys that send git's traffic elsewhere, turn off its checks or load more configuration: the file
# form of `git config KEY VALUE`, judged by the same command rules (url.*.insteadOf, include.path,
# http.proxy, http.sslVerify, credential.helper, core.hooksPath …)
_GIT_SETTINGS = re.compile(r"url\..+\.(?:push)?insteadof|include\.path|includeif\..+\.path|https?(?:\..+)?\.proxy|"
                           r"remote\..+\.proxy|http(?:\..+)?\.sslverify|credential(?:\..+)?\.helper|core\.hookspath|"
                           r"init\.templatedir|protocol\.[\w-]+\.allow|core\.gitproxy")


def _git_scope(path: str) -> list[str]:
    """The `git config` option that writes `path`: --global, --system, the repository's own, --file."""
    if path.endswith(("/.gitconfig", "/.config/git/config")) or path in (".gitconfig", "~/.gitconfig"):
        return ["--global"]
    if path == "/etc/gitconfig":
        return ["--system"]
    if path.endswith(("/.git/config", ".git/config")):
        return []
    return ["--file", path]


def _shell_word(w: str) -> str:
    """`w` quoted for the shell, a leading `~/` left bare so the line still names the home."""
    return "~/" + shlex.quote(w[2:]) if w.startswith("~/") and len(w) > 2 else shlex.quote(w)


def git_settings(path: str, content: str) -> list[tuple[str, str]]:
    """(where, `git config …` line) for each redirecting or trust-changing key a git config file sets."""
    from adr.shell.runs import git_config_entries
    out = []
    for full, value in git_config_entries(content):
        if not full.startswith(".") and _GIT_SETTINGS.fullmatch(full):  # (a key outside any section is none)
            words = ["git", "config", *_git_scope(path), full, value]
            out.append((f"sets {full}", " ".join(_shell_word(w) for w in words)))
    return out[:MAX_COMMANDS]


def _kind(path: str) -> str:
    base = posixpath.basename(path)
    parent = posixpath.basename(posixpath.dirname(path))
    if base in (".gitconfig", "gitconfig") or base.endswith(".gitconfig") or base == "config" and (
            parent == ".git" or parent == "git" and posixpath.basename(posixpath.dirname(posixpath.dirname(path)))
            == ".config"):
        return "gitconfig"
    if base in ("devcontainer.json", ".devcontainer.json") and (base.startswith(".") or ".devcontainer" in path):
        return "devcontainer"
    if base == "tasks.json" and parent == ".vscode" or base.endswith(".code-workspace"):
        return "tasks"
    if base in (".pre-commit-config.yaml", ".pre-commit-config.yml", ".pre-commit-hooks.yaml"):
        return "precommit"
    if base == "tox.ini":
        return "tox"
    if base in ("config.toml", "config") and parent == ".cargo":
        return "cargo"
    return ""


_READERS = {"devcontainer": _devcontainer, "tasks": _vscode_tasks, "precommit": _precommit, "tox": _tox,
            "cargo": _cargo, "gitconfig": _gitconfig}


def embedded_commands(path: str, content: str) -> list[tuple[str, str]]:
    """(where, command line) for each command `content` holds, if `path` is a known config file."""
    kind = _kind(path)
    if not kind or not content:
        return []
    found = _READERS[kind](content[:MAX_CONTENT])
    if kind == "gitconfig":
        found += git_settings(path, content[:MAX_CONTENT])
    return [(w, c) for w, c in found if c.strip()][:MAX_COMMANDS]

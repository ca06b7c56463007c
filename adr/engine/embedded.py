"""Commands a configuration file holds, which some tool runs later.

A devcontainer's `postCreateCommand` (its `initializeCommand` runs on the host), a VS Code task, a
pre-commit hook's `entry`, tox's `commands`, cargo's `rustc-wrapper`/`runner`, a JetBrains run
configuration, external tool or file watcher (`.idea/*.xml`, `*.run.xml`): writing one of these is
writing a command line that runs on the next container build, task, commit or test run. The engine
judges each as shell (adr.engine.core), like a package.json lifecycle script or a file that runs as a
whole (the `executes_later` list). Reading is bounded; a file that does not parse yields nothing.
"""
from __future__ import annotations

import json
import posixpath
import re
import shlex

from adr import lazyre

MAX_CONTENT = 256 * 1024
MAX_COMMANDS = 32

_DEVCONTAINER_KEYS = ("initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand",
                      "postStartCommand", "postAttachCommand")
# all but initializeCommand run inside the container (which still sees the workspace and forwarded credentials)
_IN_CONTAINER = frozenset(_DEVCONTAINER_KEYS[1:])


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
    if data is None and content.lstrip().startswith('"'):  # an Edit's fragment: `"initializeCommand": "…",`
        data = _json("{" + content.strip().rstrip(",") + "}")
    if not isinstance(data, dict):
        return []
    return [(k, c) for k in _DEVCONTAINER_KEYS if k in data for c in _command_value(data[k])]


# an Edit's fragment may open with the list it is in (`"tasks": [`)
_TASKS_OPEN = lazyre.compile(r'"tasks"\s*:\s*\[')


def _fragment_object(content: str) -> object:
    """An Edit's fragment of a JSON file read as what it belongs to: key/value lines (`"command": "…",`)
    as the object holding them, one or more objects (`{…},`) as a list of them — without the brackets
    of its neighbours it may carry (`},\n {…}\n ]`, `"tasks": [ {…},`); None when neither."""
    text = content[:MAX_CONTENT].lstrip(" \t\r\n,}]")
    m = _TASKS_OPEN.match(text)
    text = text[m.end():].lstrip(" \t\r\n,") if m else text
    text = text.rstrip(" \t\r\n,")
    tries = [text]
    if text.endswith("}") and text[:-1].rstrip().endswith("]"):
        tries.append(text[:-1].rstrip()[:-1].rstrip(" \t\r\n,"))  # (the list's close, then the file's)
    if text.endswith("]"):
        tries.append(text[:-1].rstrip(" \t\r\n,"))
    for t in tries:
        if t.startswith('"'):
            got = _json("{" + t + "}")
        elif t.startswith("{"):
            got = _json("[" + t + "]")
        else:
            continue
        if isinstance(got, (dict, list)):
            return got
    return None


def _vscode_tasks(content: str) -> list[tuple[str, str]]:
    data = _json(content)
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if isinstance(tasks, dict):  # a .code-workspace: {"tasks": {"version": …, "tasks": […]}}
        tasks = tasks.get("tasks")
    if tasks is None and not (isinstance(data, dict) and "version" in data):
        # an Edit's fragment: a task's keys (`"command": "curl … | sh",`) or whole task objects
        part = _fragment_object(content)
        tasks = [part] if isinstance(part, dict) else part if isinstance(part, list) else None
    out = []
    for t in tasks[:MAX_COMMANDS] if isinstance(tasks, list) else []:
        if not isinstance(t, dict):
            continue
        for scope in (t, t.get("linux"), t.get("osx"), t.get("windows")):
            if isinstance(scope, dict) and isinstance(scope.get("command"), dict):  # {"value": …, "quoting": …}
                scope = {**scope, "command": scope["command"].get("value")}
            if isinstance(scope, dict) and isinstance(scope.get("command"), str):
                args = scope.get("args") if isinstance(scope.get("args"), list) else []
                words = [a for a in args if isinstance(a, str)]
                out.append((f"task {t.get('label', '')}".strip(),
                            " ".join([scope["command"]] + [shlex.quote(a) for a in words])))
    return out


def _cursor_environment(content: str) -> list[tuple[str, str]]:
    """A Cursor background agent's machine (`.cursor/environment.json`): its `install` and `start`
    commands and each terminal's `command` — run in that machine, with the repository's secrets."""
    data = _json(content)
    if not isinstance(data, dict):
        return []
    out = [(f"cursor {k}", v) for k in ("install", "start") if isinstance(v := data.get(k), str)]
    terms = data.get("terminals") if isinstance(data.get("terminals"), list) else []
    out += [(f"cursor terminal {t.get('name', '')}".strip(), t["command"]) for t in terms[:MAX_COMMANDS]
            if isinstance(t, dict) and isinstance(t.get("command"), str)]
    return out


def _vscode_launch(content: str) -> list[tuple[str, str]]:
    """A debug configuration's program: `runtimeExecutable` with its `runtimeArgs` (`sh -c …`, a node
    or python launcher), run by F5 — what the editor starts, with the user's rights."""
    data = _json(content)
    confs = data.get("configurations") if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(data.get("launch"), dict):  # a .code-workspace's "launch"
        confs = data["launch"].get("configurations")
    out = []
    for c in confs[:MAX_COMMANDS] if isinstance(confs, list) else []:
        if not isinstance(c, dict):
            continue
        for scope in (c, c.get("linux"), c.get("osx"), c.get("windows")):
            exe = scope.get("runtimeExecutable") if isinstance(scope, dict) else None
            if isinstance(exe, str) and exe and "${" not in exe.split("/")[0]:
                args = scope.get("runtimeArgs") if isinstance(scope.get("runtimeArgs"), list) else []
                out.append((f"launch {c.get('name', '')}".strip(),
                            " ".join([shlex.quote(exe)] + [shlex.quote(a) for a in args if isinstance(a, str)])))
    return out


_PRECOMMIT_ENTRY = lazyre.compile(r"(?m)^\s*-?\s*entry\s*:\s*(.+?)\s*$")
_TOX_COMMANDS = lazyre.compile(r"(?m)^\s*commands(?:_pre|_post)?\s*=\s*(.*(?:\n[ \t]+\S.*)*)")
_CARGO_PROGRAMS = lazyre.compile(r"(?m)^\s*(rustc-wrapper|rustc_wrapper|rustc-workspace-wrapper|runner|linker|rustc)"
                                 r"\s*=\s*(?:\"([^\"\n]+)\"|'([^'\n]+)'|\[([^\]\n]*)\])")


def _unquote_yaml(v: str) -> str:
    v = v.split(" #", 1)[0].strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


def _yaml(content: str) -> list[object] | None:
    from adr.engine.buildfiles import _yaml_docs
    return _yaml_docs(content)


def _precommit(content: str) -> list[tuple[str, str]]:
    """Each hook's `entry` with its `args` (pre-commit runs `entry args… files`), the entry read whole
    when it is a block scalar (`entry: >` …); line by line when the text is not YAML."""
    out = [("entry", _unquote_yaml(m.group(1))) for m in _PRECOMMIT_ENTRY.finditer(content)
           if m.group(1).strip() not in ("|", ">", "|-", ">-", "|+", ">+")]
    docs = _yaml(content) or []
    stack = list(docs)
    budget = 10_000
    while stack and budget > 0:
        budget -= 1
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            entry, args = node.get("entry"), node.get("args")
            if isinstance(entry, str) and entry.strip():
                words = [str(a) for a in args if isinstance(a, (str, int, float))] if isinstance(args, list) else []
                out.append(("entry", " ".join([entry.strip()] + [shlex.quote(w) for w in words])))
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return list(dict.fromkeys(out))


def _lefthook(content: str) -> list[tuple[str, str]]:
    """lefthook: every `run:` of a hook's commands, jobs and groups (git runs them on commit, push,
    checkout, merge …); a script's `runner`."""
    data = _yaml(content)
    if data is None:
        data = [_json(content)]
    if data == [None]:  # lefthook.toml
        import tomllib
        try:
            data = [tomllib.loads(content)]
        except (tomllib.TOMLDecodeError, ValueError, RecursionError):
            pass
    out: list[tuple[str, str]] = []
    stack: list[tuple[object, str]] = [(d, "") for d in data]
    budget = 10_000
    while stack and budget > 0 and len(out) < MAX_COMMANDS:
        budget -= 1
        node, key = stack.pop()
        if isinstance(node, str) and key in ("run", "runner"):
            out.append((key, node))
        elif isinstance(node, list):
            stack.extend((v, key) for v in node)
        elif isinstance(node, dict):
            stack.extend((v, str(k)) for k, v in node.items())
    return out


_GIT_HOOK_NAME = lazyre.compile(r"(?:pre|post|prepare|applypatch|commit|push|update|reference|sendemail|fsmonitor|"
                                r"p4)[\w-]*|commit-msg")
# a JS config's string literal that is no object key (`'*.js': ['eslint --fix', '…']` → the commands)
_JS_STRING = lazyre.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`""")


def _hook_map(v: object, where: str) -> list[tuple[str, str]]:
    """{hook name: command} — simple-git-hooks, husky v4's `hooks` (git runs each on that event)."""
    if not isinstance(v, dict):
        return []
    return [(f"{where} {k}", c) for k, c in list(v.items())[:MAX_COMMANDS]
            if isinstance(c, str) and _GIT_HOOK_NAME.fullmatch(str(k))]


def _staged_map(v: object, where: str) -> list[tuple[str, str]]:
    """lint-staged: {glob: command | [commands]} — each runs on commit with the staged files appended."""
    out: list[tuple[str, str]] = []
    if not isinstance(v, dict):
        return out
    for k, c in list(v.items())[:MAX_COMMANDS]:
        for cmd in (c if isinstance(c, list) else [c]):
            if isinstance(cmd, str):
                out.append((f"{where} {k}", cmd))
    return out


def _package_hooks(content: str) -> list[tuple[str, str]]:
    """package.json's git hook managers: `simple-git-hooks`, husky v4's `husky.hooks`, `lint-staged`."""
    data = _json(content)
    if not isinstance(data, dict):
        return []
    husky = data.get("husky")
    return (_hook_map(data.get("simple-git-hooks"), "simple-git-hooks")
            + _hook_map(husky.get("hooks") if isinstance(husky, dict) else None, "husky hooks")
            + _staged_map(data.get("lint-staged"), "lint-staged"))


def _json_or_yaml(content: str) -> object:
    data = _json(content)
    if data is None:
        docs = _yaml(content)
        data = docs[0] if docs else None
    return data


def _simple_git_hooks(content: str) -> list[tuple[str, str]]:
    return _hook_map(_json_or_yaml(content), "hook")


def _huskyrc(content: str) -> list[tuple[str, str]]:
    data = _json_or_yaml(content)
    return _hook_map(data.get("hooks") if isinstance(data, dict) else None, "hook")


def _lintstaged(content: str) -> list[tuple[str, str]]:
    return _staged_map(_json_or_yaml(content), "command")


def _js_config(content: str) -> list[tuple[str, str]]:
    """A JS hook config (lint-staged.config.js, .simple-git-hooks.cjs, .huskyrc.js): its string
    values — object keys (the globs, the hook names) left out — each read as a command."""
    out = []
    for m in _JS_STRING.finditer(content):
        v = next(g for g in m.groups() if g is not None)
        if re.match(r"\s*:", content[m.end():m.end() + 64]) or "${" in v:
            continue  # a key; a template with substitutions (its text is not known)
        if v.strip() and not ("*" in v and " " not in v.strip()):  # (a glob: the files it applies to)
            out.append(("string", v))
        if len(out) >= MAX_COMMANDS:
            break
    return out


def _overcommit(content: str) -> list[tuple[str, str]]:
    """overcommit: each hook's `command` (an argv, or a string run as a program) and `install_command`."""
    out: list[tuple[str, str]] = []
    stack = list(_yaml(content) or [])
    budget = 10_000
    while stack and budget > 0 and len(out) < MAX_COMMANDS:
        budget -= 1
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key in ("command", "install_command"):
                v = node.get(key)
                if isinstance(v, str) and v.strip():
                    out.append((key, v))
                elif isinstance(v, list) and v and all(isinstance(x, (str, int, float)) for x in v):
                    out.append((key, " ".join(shlex.quote(str(x)) for x in v)))
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return out


# tox's own substitutions, as the paths they stand for (`{homedir}` is the home: `rm -rf {homedir}`)
_TOX_SUBST = lazyre.compile(r"\{(homedir|toxinidir|toxworkdir|envdir|envtmpdir|envlogdir|envsitepackagesdir|"
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


# Bazel's rc files: `--run_under` prefixes every `bazel run`/`bazel test` binary with a command, and
# `--workspace_status_command` runs at every build — both on the developer's machine, unasked. A line is
# `COMMAND[:CONFIG] --opt=value …` (the value may be quoted, or the option's next word).
_BAZEL_OPTS = lazyre.compile(r"--(run_under|workspace_status_command)(?:=|\s+)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S+)")


def _bazelrc(content: str) -> list[tuple[str, str]]:
    out = []
    for line in content.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for m in _BAZEL_OPTS.finditer(line):
            value = m.group(2)
            try:
                words = shlex.split(value)
            except ValueError:
                words = [value.strip("'\"")]
            cmd = words[0] if len(words) == 1 else " ".join(shlex.quote(w) for w in words)
            if cmd:
                out.append((m.group(1), cmd))
    return out


# JetBrains IDEs: a run configuration's command (the Shell Script type's inline text or script, an
# external tool, a file watcher's program and arguments — run on every save, unasked). `$Macro$`s
# stand for the project, the home or the file at hand.
_JB_MACRO = lazyre.compile(r"\$(\w+)\$")
_JB_DIRS = {"projectfiledir": ".", "contentroot": ".", "projectdir": ".", "project_dir": ".", "moduledir": ".",
            "module_dir": ".", "modulefiledir": ".", "sourcepath": ".", "userhome": "~", "user_home": "~"}
_JB_PROGRAM = ("program", "COMMAND", "INTERPRETER_PATH", "EXE_PATH", "PROGRAM", "executable", "SCRIPT_PATH",
               "SCRIPT_NAME")
_JB_ARGS = ("INTERPRETER_OPTIONS", "arguments", "PARAMETERS", "PROGRAM_PARAMETERS", "SCRIPT_OPTIONS", "args")


def _jb_text(v: str) -> str:
    return _JB_MACRO.sub(lambda m: _JB_DIRS.get(m.group(1).lower(), "file"), v)


_JB_OPTION = lazyre.compile(r"""\bname\s*=\s*["'](SCRIPT_TEXT|COMMAND|program|arguments|PARAMETERS|"""
                            r"""INTERPRETER_PATH|SCRIPT_PATH)["']\s+value\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _jetbrains(content: str) -> list[tuple[str, str]]:
    import html
    import xml.etree.ElementTree as ET
    root = None
    for text in (content, f"<edited>{content}</edited>"):  # (an edit's new text: an element or a few, not a document)
        try:
            root = ET.fromstring(text)
            break
        except (ET.ParseError, ValueError, RecursionError):
            continue
    if root is None:  # a piece of a tag: each command option's value on its own
        return [(f"option {m.group(1)}", html.unescape(_jb_text(m.group(2) if m.group(2) is not None else m.group(3))))
                for m in _JB_OPTION.finditer(content)][:MAX_COMMANDS]
    if root.tag == "option":
        root = ET.fromstring(f"<edited>{content}</edited>")
    out: list[tuple[str, str]] = []
    # each element holding `<option name=… value=…>` children: a configuration, a watcher, a tool's exec
    for el in root.iter():
        opts = {o.get("name"): o.get("value") for o in el.findall("option")
                if o.get("name") and isinstance(o.get("value"), str)}
        if not opts:
            continue
        name = f"{el.tag} {el.get('name') or ''}".strip()
        if opts.get("SCRIPT_TEXT"):  # (read whether or not EXECUTE_SCRIPT_FILE picks the file instead)
            out.append((name, _jb_text(opts["SCRIPT_TEXT"])))
        prog = [opts[k] for k in _JB_PROGRAM if opts.get(k)]
        if prog and "python" in (el.get("type") or "").lower() and prog[0] == opts.get("SCRIPT_NAME"):
            prog.insert(0, "python3")
        if prog:
            # the interpreter first, then the script (a Shell Script configuration), then the arguments
            words = [_jb_text(w) for w in prog[:2]]
            args = " ".join(_jb_text(opts[k]) for k in _JB_ARGS if opts.get(k))
            line = " ".join(shlex.quote(w) for w in words) + (" " + args if args else "")
            out.append((name, line))
        if len(out) >= MAX_COMMANDS:
            break
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
_GIT_SETTINGS = lazyre.compile(r"url\..+\.(?:push)?insteadof|include\.path|includeif\..+\.path|https?(?:\..+)?\.proxy|"
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
    if base == ".gitmodules":
        return "gitmodules"
    if base == "config" and parent == ".kube" or base == "kubeconfig" or base.endswith((".kubeconfig", "-kubeconfig")):
        return "kubeconfig"
    if base in ("devcontainer.json", ".devcontainer.json") and (base.startswith(".") or ".devcontainer" in path):
        return "devcontainer"
    if base == "tasks.json" and parent == ".vscode" or base.endswith(".code-workspace"):
        return "tasks"
    if base == "launch.json" and parent == ".vscode":
        return "launch"
    if base == "environment.json" and parent == ".cursor":
        return "cursor-env"
    if base in (".pre-commit-config.yaml", ".pre-commit-config.yml", ".pre-commit-hooks.yaml"):
        return "precommit"
    if re.fullmatch(r"\.?lefthook(?:-local)?\.(?:ya?ml|json|jsonc|toml)", base):
        return "lefthook"
    if base == "package.json":
        return "package"
    if re.fullmatch(r"\.?simple-git-hooks(?:\.json)?", base):
        return "simple-git-hooks"
    if re.fullmatch(r"\.?simple-git-hooks\.[cm]?js|\.huskyrc\.[cm]?js|husky\.config\.[cm]?js|"
                    r"\.lintstagedrc\.[cm]?js|lint-staged\.config\.[cm]?[jt]s", base):
        return "js-hooks"
    if base in (".huskyrc", ".huskyrc.json", ".huskyrc.yaml", ".huskyrc.yml"):
        return "huskyrc"
    if re.fullmatch(r"\.lintstagedrc(?:\.json|\.ya?ml)?", base):
        return "lint-staged"
    if base in (".overcommit.yml", ".overcommit.yaml"):
        return "overcommit"
    if base.endswith(".xml") and ("/.idea/" in f"/{path}" or base.endswith(".run.xml") or (
            "/jetbrains/" in path.lower() and parent == "tools")):
        return "jetbrains"
    if base == "tox.ini":
        return "tox"
    if base in ("config.toml", "config") and parent == ".cargo":
        return "cargo"
    if base in (".bazelrc", "bazel.bazelrc", "user.bazelrc") or base.endswith(".bazelrc"):
        return "bazelrc"
    return ""


_GITMODULE_EXT = lazyre.compile(r"(?im)^\s*url\s*=\s*[\"']?ext::([^\n\"']+)")


def _ext_argv(spec: str) -> list[str]:
    """An `ext::` URL's program and arguments: split on unescaped spaces, `% ` a space, `%%` a percent
    (`%s`, `%S`, `%G`, `%V` are git's own values: left as a word)."""
    words, cur, i = [], "", 0
    while i < len(spec):
        ch = spec[i]
        if ch == "%" and i + 1 < len(spec):
            nxt = spec[i + 1]
            cur += " " if nxt == " " else "%" if nxt == "%" else "%" + nxt
            i += 2
            continue
        if ch == " ":
            if cur:
                words.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    if cur:
        words.append(cur)
    return words[:64]


def _gitmodules(content: str) -> list[tuple[str, str]]:
    """A submodule URL `ext::PROGRAM ARGS`: git runs that program to fetch the submodule (where the ext
    protocol is allowed: `-c protocol.ext.allow=always`, `GIT_ALLOW_PROTOCOL=ext`)."""
    return [("submodule url ext::", " ".join(shlex.quote(w) for w in argv))
            for m in _GITMODULE_EXT.finditer(content) if (argv := _ext_argv(m.group(1).strip()))][:8]


def _kubeconfig(content: str) -> list[tuple[str, str]]:
    """A kubeconfig's credential plugins: kubectl (and every Kubernetes client) runs a user's
    `exec.command` with its `args` and `env` — at every call that needs that user's credentials — and
    the legacy `auth-provider.config.cmd-path` with `cmd-args`."""
    import yaml  # (only for a kubeconfig written: the hook path never loads it otherwise)

    try:
        doc = yaml.safe_load(content)
    except yaml.YAMLError:
        return []
    users = doc.get("users") if isinstance(doc, dict) else None
    out: list[tuple[str, str]] = []
    for u in users if isinstance(users, list) else []:
        user = u.get("user") if isinstance(u, dict) else None
        if not isinstance(user, dict):
            continue
        name = str(u.get("name") or "?")[:64]
        ex = user.get("exec")
        if isinstance(ex, dict) and isinstance(ex.get("command"), str):
            args = [str(a) for a in ex.get("args") or [] if isinstance(a, (str, int, float))][:64]
            env = [f"{e['name']}={e['value']}" for e in ex.get("env") or []
                   if isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("value"), str)][:16]
            out.append((f"users.{name}.exec", " ".join(shlex.quote(w) for w in [*env, ex["command"], *args])))
        conf = (user.get("auth-provider") or {}).get("config") if isinstance(user.get("auth-provider"), dict) else None
        if isinstance(conf, dict) and isinstance(conf.get("cmd-path"), str):
            out.append((f"users.{name}.auth-provider", f"{shlex.quote(conf['cmd-path'])} {conf.get('cmd-args') or ''}"))
    return out[:16]


_READERS = {"gitmodules": _gitmodules, "kubeconfig": _kubeconfig, "devcontainer": _devcontainer, "tasks": _vscode_tasks, "launch": _vscode_launch,
            "cursor-env": _cursor_environment, "precommit": _precommit, "tox": _tox,
            "cargo": _cargo, "gitconfig": _gitconfig, "jetbrains": _jetbrains, "lefthook": _lefthook,
            "package": _package_hooks, "simple-git-hooks": _simple_git_hooks, "huskyrc": _huskyrc,
            "lint-staged": _lintstaged, "js-hooks": _js_config, "overcommit": _overcommit, "bazelrc": _bazelrc}


def runs_in_container(path: str, where: str) -> bool:
    """`where` (embedded_commands' label) is a dev container command that runs inside the container."""
    return where in _IN_CONTAINER and _kind(path) == "devcontainer" or _kind(path) == "cursor-env"


def embedded_commands(path: str, content: str) -> list[tuple[str, str]]:
    """(where, command line) for each command `content` holds, if `path` is a known config file."""
    kind = _kind(path)
    if not kind or not content:
        return []
    found = _READERS[kind](content[:MAX_CONTENT])
    if kind == "gitconfig":
        found += git_settings(path, content[:MAX_CONTENT])
    return [(w, c) for w, c in found if c.strip()][:MAX_COMMANDS]

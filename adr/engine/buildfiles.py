"""Command lines a build or CI file holds, which run when someone builds, tests, deploys or starts the project.

A Makefile's recipes (and what make runs while it reads the file: `$(shell …)`, `VAR != …`), a
justfile's recipes and backticks, package.json's scripts (`test`, `start`, `prestart` … — the
install-time ones are judged strictly elsewhere), a Rakefile's `sh "…"`, Gradle's `commandLine`,
CMake's `COMMAND`, a Taskfile's `cmds`, a CI pipeline's `run:`/`script:` steps (GitHub Actions,
GitLab, CircleCI, Bitbucket, Azure, Travis, Jenkins), a Dockerfile's `RUN`, a compose file's
`command`, a Procfile, deno/poe/pdm/hatch/rye/mise/cargo-make tasks, nox's `session.run`: writing
one is writing a script that runs later, by the agent (judged again then), CI or a person. The
engine judges them as a written script is judged (what has no honest use in a script — a reverse
shell, secrets sent away — is denied when written; the rest when it runs).

An edit sends only its new text (a fragment: one package.json line, a Makefile line without its
tab, a YAML `run:` line), which rarely parses as the file; `fragment=True` also reads what such a
fragment can hold, line by line. Over-reading is safe here: only no-honest-use findings survive
the written-script policy. Pure; reading is bounded and text that does not parse yields nothing
from that reader (never an error).
"""
from __future__ import annotations

import json
import posixpath
import re
import shlex
import textwrap
import tomllib
from typing import Any, Callable

import yaml

from adr import lazyre
from adr.shell.interpreters import DOTNET_PROJECTS
from adr.shell.runs import make_expand, make_shell_calls

MAX_CONTENT = 256 * 1024  # characters read (a longer file: its first MAX_CONTENT, read line by line)
MAX_COMMANDS = 32  # commands judged one by one; the rest are judged as one joined script (padding hides nothing)
_MAX_FOUND = 4096
_MAX_NODES = 50_000  # YAML/TOML nodes walked (aliases are walked once)

Found = list[tuple[str, str]]

_MAKEFILES = frozenset({"makefile", "gnumakefile", "bsdmakefile"})
_JUSTFILES = frozenset({"justfile", ".justfile"})
_RAKEFILES = frozenset({"rakefile", "rakefile.rb"})
_GRADLE = (".gradle", ".gradle.kts")
_CMAKE = frozenset({"cmakelists.txt"})
_YML = (".yml", ".yaml")


def _argv(words: list[Any]) -> str:
    """An argv (compose `command: [..]`, Docker's exec form, pdm `cmd = [..]`) as one shell line."""
    return " ".join(shlex.quote(str(w)) for w in words if isinstance(w, (str, int, float)))


# ---- make ----------------------------------------------------------------------------------------

_MAKE_ASSIGN = lazyre.compile(r"^\s*(?:export\s+|override\s+)*([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|=|!=)\s*(.*)$")
_MAKE_RULE = lazyre.compile(r"^([A-Za-z0-9_.%/$(){}-][^:=\s]*(?:\s+[^:=\s]+)*)\s*::?(?!=)")


def _balanced(text: str, start: int) -> int:
    """Index just past the `)`/`}` closing the bracket at `start` (len(text) when unclosed)."""
    close = {"(": ")", "{": "}"}[text[start]]
    depth = 0
    for i in range(start, len(text)):
        if text[i] == text[start]:
            depth += 1
        elif text[i] == close:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _make(content: str) -> Found:
    """Recipe lines (a tab first, or `.RECIPEPREFIX`), an inline recipe after `target: ;`, a `!=`
    assignment and `$(shell …)` (run while make reads the file); make's own prefixes (@ - +) and `$$`
    (a literal `$`) undone; a recipe continued with backslashes is one command."""
    out: Found = []
    values: dict[str, str] = {}
    target = ""
    pending = ""
    prefix = "\t"
    for line in content.splitlines():
        if not line.startswith(prefix):
            pending = ""
            rp = re.match(r"^\s*\.RECIPEPREFIX\s*[:+?]*=\s*(\S?)", line)
            if rp:
                prefix = rp.group(1) or "\t"
                continue
            a = _MAKE_ASSIGN.match(line)
            if a:
                if a.group(2) == "!=":
                    out.append((f"{a.group(1)} !=", make_expand(a.group(3), values, "", [])))
                else:
                    values[a.group(1)] = (values.get(a.group(1), "") + " " if a.group(2) == "+=" else "") + a.group(3)
                continue
            m = _MAKE_RULE.match(line)
            if m:
                target = m.group(1)
                rest = line[m.end():]
                if ";" in rest:  # `target: prereqs ; command`
                    cmd = rest.split(";", 1)[1].strip().lstrip("@-+ \t")
                    out.append((f"recipe {target}", make_expand(cmd, values, target, [])))
            continue
        text = line[len(prefix):]
        if pending:
            text = pending + text
        if text.endswith("\\"):
            pending = text[:-1] + " "
            continue
        pending = ""
        cmd = make_expand(text.lstrip("@-+ \t"), values, target, [])
        if cmd.strip():
            out.append((f"recipe {target}".rstrip(), cmd))
        if len(out) >= _MAX_FOUND:
            break
    return out + [("$(shell)", make_expand(cmd, values, "", [])) for cmd in make_shell_calls(content)]


# ---- just ----------------------------------------------------------------------------------------

_JUST_SHEBANG_RECIPE = lazyre.compile(r"(?m)^@?([A-Za-z0-9_-]+)[^:=\n]*:(?!=).*\n"  # name args:
                                  r"[ \t]+#!(\S+)(?:[ \t]+(\S+))?[^\n]*\n"  # #!/usr/bin/env python3
                                  r"((?:[ \t]+.*\n?|\n)*)")  # the indented body


def _just(content: str) -> Found:
    """justfile recipe bodies (the indented lines under `name args:`; a `#!` body is a script) and
    every backtick, which just runs when it loads the file (`` x := `cmd` ``)."""
    out: Found = []
    values: dict[str, str] = {}
    target = ""
    for line in content.splitlines():
        if line[:1] not in (" ", "\t"):
            a = re.match(r"""^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*$""", line)
            if a:
                values[a.group(1)] = a.group(2) if a.group(2) is not None else a.group(3)
            m = re.match(r"^@?([A-Za-z0-9_-]+)[^:=]*:(?!=)", line)
            target = m.group(1) if m else ""
            continue
        cmd = line.strip().lstrip("@-")
        if target and cmd and not cmd.startswith("#"):
            cmd = re.sub(r"\{\{\s*([A-Za-z_][\w-]*)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), cmd)
            out.append((f"recipe {target}", cmd))
        if len(out) >= _MAX_FOUND:
            break
    out += [("backticks", m.group(1) or m.group(2)) for m in re.finditer(r"```(.*?)```|`([^`\n]+)`", content, re.S)
            if (m.group(1) or m.group(2) or "").strip()]
    # a `#!/usr/bin/env python3` recipe is a script in that language: read as `python3 -c BODY`
    for m in _JUST_SHEBANG_RECIPE.finditer(content):
        prog = m.group(3) if m.group(2).endswith("/env") and m.group(3) else m.group(2)
        lang = re.sub(r"[\d.]+$", "", posixpath.basename(prog))
        if lang in _CODE_FLAG:
            body = textwrap.dedent(m.group(4))
            out.append((f"recipe {m.group(1)} ({prog})", _argv([prog, _CODE_FLAG[lang], body])))
    return out


# ---- JSON: package.json, deno.json ------------------------------------------------------------------

def _json(content: str) -> object:
    from adr.engine.embedded import _json as loose_json  # (JSON with comments and trailing commas)
    try:
        return loose_json(content)
    except RecursionError:
        return None


def _package_json(content: str) -> Found:
    data = _json(content)
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return []
    return [(f"{k} script", v) for k, v in list(scripts.items())[:_MAX_FOUND] if isinstance(v, str) and v.strip()]


def _composer(content: str) -> Found:
    """composer.json `scripts`: a command line or a list of them (`@other` and PHP callbacks name no
    shell command and read as harmless words); `post-install-cmd` and friends run on `composer install`."""
    data = _json(content)
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return []
    return [(f"script {k}", c) for k, v in list(scripts.items())[:_MAX_FOUND] for c in _task(v)
            if isinstance(c, str) and c.strip()]


def _deno(content: str) -> Found:
    data = _json(content)
    tasks = data.get("tasks") if isinstance(data, dict) else None
    out: Found = []
    for name, v in list(tasks.items())[:_MAX_FOUND] if isinstance(tasks, dict) else []:
        cmd = v.get("command") if isinstance(v, dict) else v
        if isinstance(cmd, str):
            out.append((f"task {name}", cmd))
    return out


# ---- Ruby, Gradle, CMake, Groovy, Python (regex over the source) -----------------------------------

_STR = r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""
_RAKE_SH = lazyre.compile(r"""(?m)\b(?:sh|system|ruby|exec)\s*\(?\s*""" + _STR + r"""\s*\)?""")
_RAKE_BACKTICK = lazyre.compile(r"`([^`\n]+)`|%x\(([^)\n]+)\)")
_GRADLE_LINE = lazyre.compile(r"""\b(?:commandLine|executable|args)\s*\(?\s*((?:""" + _STR + r"""\s*,?\s*)+)\)?""")
# (the arguments up to the closing parenthesis, bounded: an unclosed call must not scan the file per start)
_CMAKE_CMD = lazyre.compile(r"""\b(?:execute_process|add_custom_command|add_custom_target)\s*\(([^)]{0,2048})\)""", re.I)
# a string literal of Groovy/Python/TOML: triple-quoted first (it may hold newlines and quotes)
_LONG_STR = lazyre.compile(r'''"""(.*?)"""|\'\'\'(.*?)\'\'\'|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)\'''', re.S)


def _strings(text: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in re.finditer(_STR, text)]


def _literals(text: str) -> list[str]:
    """Every string literal (triple-quoted ones whole), escapes left as written."""
    return [next(g for g in m.groups() if g is not None) for m in _LONG_STR.finditer(text)][:_MAX_FOUND]


def _rake(content: str) -> Found:
    out = [("sh", m.group(1) if m.group(1) is not None else m.group(2)) for m in _RAKE_SH.finditer(content)]
    out += [("backticks", m.group(1) or m.group(2)) for m in _RAKE_BACKTICK.finditer(content)]
    return out[:_MAX_FOUND]


# Groovy's String.execute() / List.execute() (`"curl x | sh".execute()`, `['sh', '-c', '…'].execute()`)
_GROOVY_EXECUTE = lazyre.compile(r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|\[([^\[\]\n]{1,2048})\])\s*\.\s*execute\s*\(""")


def _gradle(content: str) -> Found:
    out: Found = []
    for m in _GRADLE_LINE.finditer(content):
        words = _strings(m.group(1))
        if words:
            out.append(("commandLine", " ".join(shlex.quote(w) for w in words)))
    for m in _GROOVY_EXECUTE.finditer(content):
        if m.group(3) is not None:
            words = _strings(m.group(3))
            if words:
                out.append(("execute()", " ".join(shlex.quote(w) for w in words)))
        else:
            out.append(("execute()", m.group(1) if m.group(1) is not None else m.group(2)))
    return out[:_MAX_FOUND]


# sbt's scala.sys.process: `"cmd".!`, `"cmd".!!`, `"a" #| "b"`, `Seq("sh", "-c", "…").!`, `Process("cmd")`,
# `Process(Seq(…))` — run while sbt loads build.sbt
_SBT_RUN = lazyre.compile(r"""(?:"((?:[^"\\\n]|\\.)*)"|(?:Seq|List)\(([^()\n]{1,2048})\))\s*(?:\.\s*!!?|!!?(?=\s|$|\))|#[|&>]|\.\s*(?:lazyLines|lineStream|run)\b)"""
                      r"""|\bProcess\s*\(\s*(?:(?:Seq|List)\(([^()\n]{1,2048})\)|"((?:[^"\\\n]|\\.)*)")""")
_SBT_PIPED = lazyre.compile(r'#(?:\|\|?|&&|>>?|<)\s*"((?:[^"\\\n]|\\.)*)"')  # the right side of `#|`, `#&&` …
# meson's run_command(…) (at `meson setup`), and the command: lists of custom_target/run_target (at build)
_MESON_RUN = lazyre.compile(r"\brun_command\s*\(([^()]{1,4096})\)|\bcommand\s*:\s*\[([^\[\]]{1,4096})\]")


def _sbt(content: str) -> Found:
    out: Found = []
    for m in _SBT_RUN.finditer(content):
        single = m.group(1) if m.group(1) is not None else m.group(4)
        if single is not None:
            out.append(("sys.process", single))
        else:
            words = _strings(m.group(2) or m.group(3) or "")
            if words:
                out.append(("sys.process", " ".join(shlex.quote(w) for w in words)))
    out += [("sys.process", m.group(1)) for m in _SBT_PIPED.finditer(content)]
    # a build definition is Scala code: the JVM's own process calls (ProcessBuilder, Runtime.exec,
    # Seq(…).!) read as they are in a Scala or Java one-liner
    from adr.shell.interpreters import spawned_commands
    seen = {cmd for _, cmd in out}
    out += [("process", cmd) for cmd in spawned_commands("java", content[:MAX_CONTENT])
            if cmd not in seen and not all(p.strip() in seen for p in cmd.split(" | "))]
    return out[:_MAX_FOUND]


# a string literal, or a name that is not a keyword argument's (`check:`)
_MESON_TOKEN = lazyre.compile(r"'((?:[^'\\\n]|\\.)*)'|\b([A-Za-z_]\w*)\b(?!\s*:)")
_MESON_ASSIGN = lazyre.compile(r"(?m)^\s*([A-Za-z_]\w*)\s*=\s*(?:'((?:[^'\\\n]|\\.)*)'|\[([^\[\]]{0,4096})\])")


def _meson(content: str) -> Found:
    """run_command(…) and command: […] argv, a variable assigned a string (or a list of them) read as
    its value (`c = 'curl … | sh'` then `run_command('sh', '-c', c)`)."""
    out: Found = []
    values: dict[str, list[str]] = {}
    for a in _MESON_ASSIGN.finditer(content[:MAX_CONTENT]):
        if len(values) < 256:
            values[a.group(1)] = [a.group(2)] if a.group(2) is not None else _strings(a.group(3) or "")
    for m in _MESON_RUN.finditer(content):
        words: list[str] = []
        for t in _MESON_TOKEN.finditer(m.group(1) or m.group(2)):
            if t.group(1) is not None:
                words.append(t.group(1))
            elif t.group(2) in values:
                words += values[t.group(2)]
        if words:
            out.append(("run_command" if m.group(1) else "command", " ".join(shlex.quote(w) for w in words)))
    return out[:_MAX_FOUND]


def _cmake(content: str) -> Found:
    out: Found = []
    for m in _CMAKE_CMD.finditer(content):
        for part in re.split(r"\bCOMMAND\b", m.group(1))[1:]:
            words = []
            for w in re.findall(r'"(?:[^"\\]|\\.)*"|\S+', part):
                if w.isupper() and w not in ("COMMAND",) and len(w) > 2:
                    break  # the next keyword (WORKING_DIRECTORY, OUTPUT_VARIABLE …)
                words.append(w[1:-1] if w.startswith('"') else w)
            if words:
                out.append(("COMMAND", " ".join(shlex.quote(w) for w in words)))
    return out[:_MAX_FOUND]


_JENKINS_STEP = lazyre.compile(r"""\b(?:sh|bat|script)\s*(?:\(\s*)?(?:(?:label|script|encoding)\s*:\s*)?""" +
                           r'''(?="""|\'\'\'|"|')''')


def _jenkins(content: str) -> Found:
    """Jenkins' `sh '…'`, `sh "…"`, triple-quoted `sh` blocks, `sh(script: '…')`, `sh label: 'x',
    script: '…'` (the strings after `sh` are read; a label read as a command is harmless), and
    Groovy's `"…".execute()`."""
    out: Found = []
    for m in _JENKINS_STEP.finditer(content):
        end = content.find("\n", m.end()) if not content.startswith(('"""', "'''"), m.end()) else -1
        seg = content[m.end(): end if end != -1 else m.end() + 64 * 1024]
        for s in _literals(seg)[:4]:
            out.append(("sh", s))
        if len(out) >= _MAX_FOUND:
            break
    out += [("execute", s) for s in re.findall(r'''["']([^"'\n]+)["']\s*\.execute\(\)''', content)]
    return out


def _nox(content: str) -> Found:
    """`session.run("bash", "-c", "…")` (also run_always / run_install): its positional string
    arguments are an argv."""
    out: Found = []
    for m in re.finditer(r"\.run(?:_always|_install)?\s*\(", content):
        end = _balanced(content, m.end() - 1)
        args = content[m.end():end - 1]
        args = re.sub(r"\b\w+\s*=\s*(?:" + _LONG_STR.pattern + r"|[^,]*)", "", args, flags=re.S)  # keyword args
        words = _literals(args)
        if words:
            out.append(("session.run", _argv(words)))
    return out[:_MAX_FOUND]


# ---- YAML: Taskfile, CI pipelines, compose ------------------------------------------------------------

class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """safe_load that reads any tag (GitLab's `!reference`, `!Ref` …) as plain data: a file does not
    escape reading by holding a tag PyYAML does not know."""


def _any_tag(loader: Any, suffix: str, node: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("", _any_tag)


def _yaml_docs(content: str) -> list[Any] | None:
    try:
        return list(yaml.load_all(content, Loader=_Loader))[:64]
    except Exception:  # (a malformed file: YAMLError, unhashable keys, RecursionError …)
        return None


# per file kind: keys whose value is a command (a string, a list of commands, or an object holding
# more keys), and keys whose list value is one argv
_YAML_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "taskfile": (frozenset({"cmds", "cmd", "sh", "status", "defer", "preconditions"}), frozenset()),
    "github": (frozenset({"run", "shell"}), frozenset()),
    "gitlab": (frozenset({"script", "before_script", "after_script", "pre_get_sources_script", "command",
                          "entrypoint"}), frozenset({"command", "entrypoint"})),
    "circleci": (frozenset({"run", "command", "shell"}), frozenset()),
    "bitbucket": (frozenset({"script", "after-script"}), frozenset()),
    "azure": (frozenset({"script", "bash", "inlinescript"}), frozenset()),
    "travis": (frozenset({"script", "install", "before_install", "before_script", "after_script", "after_success",
                          "after_failure", "before_deploy", "after_deploy", "before_cache", "deploy"}), frozenset()),
    "compose": (frozenset({"command", "entrypoint", "test"}), frozenset({"command", "entrypoint", "test"})),
    # more of the same class: Drone/Woodpecker `commands`, Buildkite `command(s)`, Gitpod tasks (run
    # when a workspace starts), AppVeyor's script lists; Vercel, Netlify and devbox build/shell hooks
    "drone": (frozenset({"commands", "command", "entrypoint"}), frozenset({"entrypoint"})),
    "buildkite": (frozenset({"command", "commands"}), frozenset()),
    "gitpod": (frozenset({"init", "before", "command", "prebuild"}), frozenset()),
    "appveyor": (frozenset({"init", "install", "build_script", "test_script", "before_build", "after_build",
                            "before_test", "after_test", "on_success", "on_failure", "on_finish", "cmd", "sh",
                            "deploy_script", "before_deploy", "after_deploy"}), frozenset()),
    "vercel": (frozenset({"buildcommand", "installcommand", "devcommand", "ignorecommand"}), frozenset()),
    "netlify": (frozenset({"command"}), frozenset()),
    "devbox": (frozenset({"init_hook", "scripts"}), frozenset()),
    # skaffold's custom build command and its hooks (`host:` ones run here), lefthook's git-hook
    # commands, a dev container's `initializeCommand` (the one that runs on the host, before the container)
    "skaffold": (frozenset({"buildcommand", "command"}), frozenset({"command"})),
    "lefthook": (frozenset({"run"}), frozenset()),
    "devcontainer": (frozenset({"initializecommand"}), frozenset({"initializecommand"})),
}


def _yaml_commands(kind: str, content: str) -> Found | None:
    """None when the text is not YAML."""
    docs = _yaml_docs(content)
    return None if docs is None else _walk(kind, docs)


def _walk(kind: str, docs: list[Any]) -> Found:
    """Strings under the kind's command keys, anywhere in the documents (jobs, templates, anchors
    and hidden jobs alike)."""
    keys, argv_keys = _YAML_KEYS[kind]
    out: Found = []
    seen: set[tuple[int, str]] = set()  # (an alias is walked once per key it sits under: `script: *tmpl`)
    stack: list[tuple[Any, str]] = [(d, "") for d in reversed(docs)]
    budget = _MAX_NODES
    while stack and budget > 0 and len(out) < _MAX_FOUND:
        node, key = stack.pop()
        budget -= 1
        if isinstance(node, (dict, list)):
            if (id(node), key) in seen:
                continue
            seen.add((id(node), key))
        if isinstance(node, str):
            if key in keys:
                out.append((key, node))
        elif isinstance(node, list):
            if key in argv_keys and node and all(isinstance(w, (str, int, float)) for w in node):
                words = node[1:] if str(node[0]).upper() in ("CMD", "CMD-SHELL", "NONE") else node  # healthcheck
                out.append((key, _argv(words) if str(node[0]).upper() != "CMD-SHELL" else " ".join(map(str, words))))
                continue
            stack.extend((v, key) for v in reversed(node))
        elif isinstance(node, dict):
            out += _step_code(node)
            if key in _VAR_KEYS:  # a value kept in a variable, to be run as `$X`, is read too
                out += [(f"{key} {k}", v.get("value") if isinstance(v, dict) else v) for k, v in
                        list(node.items())[:_MAX_FOUND] if isinstance(v, str) or isinstance(v, dict)
                        and isinstance(v.get("value"), str)]
            for k, v in reversed(list(node.items())[:_MAX_FOUND]):
                stack.append((v, str(k).lower()))
        if key in _VAR_KEYS and isinstance(node, list):
            out += [(key, v.split("=", 1)[-1]) for v in node if isinstance(v, str)]
    return out


_VAR_KEYS = frozenset({"env", "variables", "environment", "vars", "scripts"})
_CODE_FLAG = {"python": "-c", "node": "-e", "perl": "-e", "ruby": "-e", "bash": "-c", "sh": "-c"}


def _step_code(step: dict[Any, Any]) -> Found:
    """A step's code in another language, as the interpreter's `-c`/`-e` line (the script rules read
    it): GitHub's `run:` with `shell: python {0}`, and actions/github-script's JavaScript."""
    out: Found = []
    run, shell, uses = step.get("run"), step.get("shell"), step.get("uses")
    if isinstance(run, str) and isinstance(shell, str) and shell.split():
        prog = shell.split()[0]
        lang = re.sub(r"[\d.]+$", "", posixpath.basename(prog))
        if lang in _CODE_FLAG and lang not in ("bash", "sh"):
            out.append((f"run ({prog})", _argv([prog, _CODE_FLAG[lang], run])))
    with_ = step.get("with")
    if isinstance(uses, str) and "github-script" in uses and isinstance(with_, dict) and isinstance(
            with_.get("script"), str):
        out.append(("github-script", _argv(["node", "-e", with_["script"]])))
    return out


def _yaml_reader(kind: str) -> Callable[[str], Found]:
    def read(content: str) -> Found:
        found = _yaml_commands(kind, content)
        return found if found is not None else _lines(content, yaml_keys=True)
    return read


# ---- Dockerfile, Procfile ----------------------------------------------------------------------------

_DOCKER_RUNS = ("RUN", "CMD", "ENTRYPOINT")
_SH = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})


def _docker_command(instr: str, rest: str) -> str:
    """A RUN/CMD/ENTRYPOINT's command: the exec form's JSON argv joined, the shell form as written
    (RUN's `--mount=…`, `--network=…` options dropped)."""
    if instr == "RUN":
        rest = re.sub(r"^(?:\s*--[\w-]+(?:=\S*)?)+\s*", "", rest)
    rest = rest.strip()
    if rest.startswith("["):
        try:
            argv = json.loads(rest)
        except ValueError:
            return rest
        if isinstance(argv, list):
            return _argv(argv)
    return rest


def _docker(content: str) -> Found:
    """RUN (shell form with continuations, exec form, BuildKit heredocs), CMD, ENTRYPOINT, and the
    same after ONBUILD or HEALTHCHECK."""
    lines = content.splitlines()
    esc = "\\"
    for line in lines[:8]:
        d = re.match(r"^#\s*escape\s*=\s*(\S)", line, re.I)
        if d:
            esc = d.group(1)
    out: Found = []
    shell: list[str] | None = None
    i = 0
    while i < len(lines) and len(out) < _MAX_FOUND:
        text = lines[i]
        i += 1
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        while text.rstrip().endswith(esc) and i < len(lines):
            nxt = lines[i]
            i += 1
            if nxt.lstrip().startswith("#"):
                continue  # (a comment inside a continued instruction is dropped by the builder)
            text = text.rstrip()[:-1] + " " + nxt
        if text.rstrip().endswith(esc):
            text = text.rstrip()[:-1]
        words = text.split(None, 1)
        instr, rest = words[0].upper(), words[1] if len(words) > 1 else ""
        while instr in ("ONBUILD", "HEALTHCHECK") and rest:
            if instr == "HEALTHCHECK":
                rest = re.sub(r"^(?:\s*--[\w-]+(?:=\S*)?)+\s*", "", rest)
            words = rest.split(None, 1)
            instr, rest = words[0].upper(), words[1] if len(words) > 1 else ""
        if instr in ("ENV", "ARG"):  # a value kept in a variable, to be run as `$X`, is read too
            try:
                words = shlex.split(rest)
            except ValueError:
                words = rest.split()
            if words and "=" not in words[0]:
                words = [f"{words[0]}={' '.join(words[1:])}"]  # (the old `ENV KEY value` form)
            out += [(instr, w.split("=", 1)[1]) for w in words if "=" in w and w.split("=", 1)[1]]
            continue
        if instr == "SHELL":  # later shell forms run by this program (`SHELL ["python3", "-c"]`)
            try:
                argv = json.loads(rest)
            except ValueError:
                argv = None
            shell = argv if isinstance(argv, list) and argv and all(isinstance(w, str) for w in argv) else None
            continue
        if instr not in _DOCKER_RUNS:
            continue
        cmd = _docker_command(instr, rest)
        if shell and not rest.strip().startswith("[") and posixpath.basename(shell[0]) not in _SH:
            out.append((f"{instr} ({shell[0]})", _argv([*shell, cmd])))
        heredocs = re.findall(r"<<-?\s*[\"']?([A-Za-z_][\w]*)[\"']?", cmd) if instr == "RUN" else []
        for delim in heredocs:  # BuildKit: `RUN <<EOF` … `EOF`; a bare one is the script itself
            body: list[str] = []
            while i < len(lines) and lines[i].strip() != delim:
                body.append(lines[i])
                i += 1
            i += 1
            if re.match(r"^<<-?\s*[\"']?" + re.escape(delim), cmd.strip()):
                out.append((instr, "\n".join(body)))
            else:
                cmd += "\n" + "\n".join(body) + "\n" + delim
        out.append((instr, cmd))
    return out


def _procfile(content: str) -> Found:
    return [(f"process {m.group(1)}", m.group(2)) for m in re.finditer(r"(?m)^\s*([\w.-]+)\s*:\s*(.+?)\s*$", content)]


# a Nix development shell's hooks (`nix develop`, `nix-shell`, and direnv's `use flake` on every cd): shellHook,
# devenv's enterShell / enterTest / scripts.NAME.exec — a double-quoted or an indented ('' … '') string
_NIX_HOOK = lazyre.compile(r"""\b((?:scripts\.[\w-]+\.)?(?:shellHook|enterShell|enterTest|exec))\s*=\s*(?:''(.*?)''|"((?:[^"\\]|\\.)*)")\s*;""",
                           re.S)


def _nix(content: str) -> Found:
    return [(f"nix {m.group(1)}", m.group(2) if m.group(2) is not None else m.group(3).replace('\\"', '"'))
            for m in list(_NIX_HOOK.finditer(content))[:64]]


# supervisord's programs: `[program:NAME]` (and event listeners, FastCGI programs) with `command=`, which
# may go on over indented lines
_SUPERVISOR_SECTION = lazyre.compile(r"^\[\s*(program|eventlistener|fcgi-program)\s*:\s*([^\]]{1,128})\]\s*$")
_SUPERVISOR_COMMAND = lazyre.compile(r"^command\s*[=:]\s*(.*)$")


def _supervisor(content: str) -> Found:
    out: Found = []
    section = ""
    lines = content.splitlines()[:20000]
    for k, line in enumerate(lines):
        if line.startswith("["):
            m = _SUPERVISOR_SECTION.match(line.strip())
            section = f"{m.group(1)} {m.group(2).strip()}" if m else ""
            continue
        m = _SUPERVISOR_COMMAND.match(line) if section else None
        if m and len(out) < _MAX_FOUND:
            parts = [m.group(1).strip()]
            for more in lines[k + 1:k + 64]:
                if not more[:1].isspace() or not more.strip() or more.lstrip().startswith((";", "#")):
                    break
                parts.append(more.strip())
            out.append((section, " ".join(p for p in parts if p)))
    return out


# ---- Tiltfile, Earthfile, tox ---------------------------------------------------------------------

# Tilt's Starlark builtins that run a command on the developer's machine when the Tiltfile loads or a
# resource updates, with the keyword (or position) of the command
_TILT_CALLS = {"local": ("command", 0), "local_resource": ("cmd", 1), "custom_build": ("command", 1),
               "cmd_button": ("argv", -1)}
_TILT_MORE = ("serve_cmd", "cmd_bat", "serve_cmd_bat", "deps_cmd")
_TILT_CALL = lazyre.compile(r"\b(?:local|local_resource|custom_build|cmd_button)\s*\(")


def _starlark_value(node: Any, names: "dict[str, Any]", depth: int = 0) -> "str | None":
    """A command value as far as the file fixes it: a string, a list of strings (an argv), a name
    bound at top level, `+` of those, an f-string's constant parts; None when it is computed."""
    import ast
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        words = [_starlark_value(e, names, depth + 1) for e in node.elts[:256]]
        return _argv(words) if all(w is not None for w in words) else None
    if isinstance(node, ast.Name) and node.id in names:
        return _starlark_value(names[node.id], names, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _starlark_value(node.left, names, depth + 1), _starlark_value(node.right, names, depth + 1)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "$X" for v in node.values)
    return None


def _tilt(content: str) -> Found:
    """A Tiltfile (Starlark, Python's syntax): the commands `local()`, `local_resource(cmd=…,
    serve_cmd=…)`, `custom_build(command=…)` and `cmd_button(argv=…)` run on the developer's machine
    (`tilt up` runs every `local()` as it loads the file). A value the file computes is judged as the
    source text that computes it; a file Python cannot parse is read call by call."""
    import ast
    try:
        tree = ast.parse(content)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        out: Found = []
        for m in _TILT_CALL.finditer(content):
            end = _balanced(content, m.end() - 1)
            words = _literals(content[m.end():end - 1])
            out += [("tilt call", w) for w in words]
        return out[:_MAX_FOUND]
    names = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Name)}
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.func.id not in _TILT_CALLS:
            continue
        key, pos = _TILT_CALLS[node.func.id]
        values = [kw.value for kw in node.keywords if kw.arg in (key,) + _TILT_MORE]
        if 0 <= pos < len(node.args):
            values.append(node.args[pos])
        for v in values:
            got = _starlark_value(v, names)
            if got is None:
                got = ast.get_source_segment(content, v) or ""
            out.append((f"{node.func.id}()", got))
        if len(out) >= _MAX_FOUND:
            break
    return out


_EARTH_TARGET = lazyre.compile(r"^([A-Za-z][\w-]*)\s*:\s*$")
_EARTH_FLAGS = lazyre.compile(r"^(?:--[\w-]+(?:=\S*)?\s+)*")


def _earthly(content: str) -> Found:
    """An Earthfile's commands that run on the developer's machine: a target's `RUN` lines after
    `LOCALLY` (the rest run in containers, like a Dockerfile's)."""
    out: Found = []
    target, local = "", False
    lines = content.splitlines()[:_MAX_FOUND * 4]
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        m = _EARTH_TARGET.match(raw)
        if m:
            target, local = m.group(1), False
            continue
        line = raw.strip()
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + " " + lines[i].strip()
            i += 1
        word = line.split(None, 1)
        if not word:
            continue
        if word[0] == "LOCALLY":
            local = True
        elif word[0] == "FROM":
            local = False
        elif word[0] == "RUN" and local and len(word) > 1:
            rest = _EARTH_FLAGS.sub("", word[1])
            if rest.startswith("["):
                try:
                    argv = json.loads(rest)
                    rest = _argv(argv) if isinstance(argv, list) else rest
                except ValueError:
                    pass
            out.append((f"target {target or 'base'} LOCALLY", rest))
    return out[:_MAX_FOUND]


_TOX_KEYS = ("commands_pre", "commands", "commands_post", "install_command", "list_dependencies_command")


def _tox_ini(content: str) -> Found:
    """tox.ini (or pyproject's `legacy_tox_ini`): each `[testenv…]` section's commands, one per line
    (`\\` joins lines; a leading `-`/`!` only changes how tox treats the exit code)."""
    import configparser
    cp = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        cp.read_string(content)
    except (configparser.Error, ValueError):
        return _lines(content)
    out: Found = []
    for section in cp.sections()[:256]:
        if not section.startswith(("testenv", "tox:", "tox")):
            continue
        for key in _TOX_KEYS:
            value = cp.get(section, key, fallback="")
            for line in value.replace("\\\n", " ").splitlines():
                line = line.strip().lstrip("-!").strip()
                if line and not line.startswith("#"):
                    out.append((f"tox [{section}] {key}", line))
    return out[:_MAX_FOUND]


def _tox_toml(table: Any, label: str = "tox") -> Found:
    """tox.toml / `[tool.tox]`: `env_run_base` and each `env.NAME`, whose commands are argv lists."""
    if not isinstance(table, dict):
        return []
    out: Found = []
    envs = [("env_run_base", table.get("env_run_base"))]
    if isinstance(table.get("env"), dict):
        envs += list(table["env"].items())[:256]
    for name, env in envs:
        for key in _TOX_KEYS if isinstance(env, dict) else ():
            v = env.get(key)
            for cmd in v if isinstance(v, list) else []:
                out.append((f"{label} {name} {key}", _argv(cmd) if isinstance(cmd, list) else str(cmd)))
    ini = table.get("legacy_tox_ini")
    if isinstance(ini, str):
        out += _tox_ini(ini)
    return out


def _tox(content: str) -> Found:
    data = _toml(content) if "[env" in content or "legacy_tox_ini" in content else None
    return _tox_toml(data) if data is not None else _tox_ini(content)


# ---- TOML: pyproject (poe, taskipy, pdm, hatch, rye), mise, cargo-make -------------------------------

def _toml(content: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(content)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


def _task(v: Any, depth: int = 0) -> list[str]:
    """A task runner's task: a string (a command line), a list (a sequence of tasks; hatch's list of
    commands), or a table with `cmd` (a string, or pdm/rye's argv list), `shell`, `command`, `run`,
    `script` (cargo-make), or `sequence`/`composite`/`chain` of tasks."""
    if depth > 4:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [c for x in v[:_MAX_FOUND] for c in _task(x, depth + 1)]
    if not isinstance(v, dict):
        return []
    out: list[str] = []
    cmd = v.get("cmd")
    if isinstance(cmd, list):
        out.append(_argv(cmd))
    elif isinstance(cmd, str):
        out.append(cmd)
    for key in ("shell", "run", "sequence", "composite", "chain", "script", "install_script"):
        val = v.get(key)
        if key in ("script", "install_script") and isinstance(val, dict):  # cargo-make's {pre, main, post}
            val = [x for x in val.values() if isinstance(x, str)]
        if key in ("script", "install_script") and isinstance(val, list):
            val = "\n".join(x for x in val if isinstance(x, str))
        out += _task(val, depth + 1)
    if isinstance(v.get("command"), str):
        args = v.get("args") if isinstance(v.get("args"), list) else []
        out.append(_argv([v["command"], *args]))
    return out


def _tables(data: Any, *path: str) -> Any:
    for p in path:
        data = data.get(p) if isinstance(data, dict) else None
    return data


def _tasks_in(table: Any, label: str) -> Found:
    if not isinstance(table, dict):
        return []
    return [(f"{label} {name}", c) for name, v in list(table.items())[:_MAX_FOUND] for c in _task(v)]


def _pyproject(content: str) -> Found:
    return _pyproject_data(_toml(content))


def _poe_data(content: str) -> Found:
    """poe's tasks in a JSON or YAML file (`poe_tasks.json`, a `.json`/`.yaml` file pyproject's
    `[tool.poe] include` names): the tables poe_tasks.toml has, in another syntax."""
    data = _json(content)
    if not isinstance(data, dict):
        data = next(iter(_yaml_docs(content) or []), None)
    return _pyproject_data(data if isinstance(data, dict) else None)


def _pyproject_data(data: "dict[str, Any] | None") -> Found:
    if data is None:
        return []
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    out = _tasks_in(_tables(tool, "poe", "tasks") or _tables(data, "tasks"), "poe task")
    out += _tasks_in(_tables(tool, "taskipy", "tasks"), "taskipy task")
    out += _tasks_in(_tables(tool, "pdm", "scripts"), "pdm script")
    out += _tasks_in(_tables(tool, "rye", "scripts"), "rye script")
    out += _pixi(_tables(tool, "pixi"))
    out += _tox_toml(_tables(tool, "tox"))
    envs = _tables(tool, "hatch", "envs") or _tables(data, "envs")  # (hatch.toml: no `tool.hatch`)
    for env, table in list(envs.items())[:64] if isinstance(envs, dict) else []:
        if isinstance(table, dict):
            out += _tasks_in(table.get("scripts"), f"hatch {env} script")
            for key in ("pre-install-commands", "post-install-commands"):
                out += [(f"hatch {env} {key}", c) for c in _task(table.get(key))]
    return out


_TERA_EXEC = lazyre.compile(r"""exec\(\s*command\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')""")


def _pixi(data: Any) -> Found:
    """pixi's `[tasks]` and each `[feature.X.tasks]` (a string, or a table with `cmd`)."""
    if not isinstance(data, dict):
        return []
    out = _tasks_in(data.get("tasks"), "pixi task")
    features = data.get("feature")
    for name, table in list(features.items())[:64] if isinstance(features, dict) else []:
        if isinstance(table, dict):
            out += _tasks_in(table.get("tasks"), f"pixi {name} task")
    return out


def _names(v: Any) -> list[str]:
    """A string or a list of strings (mise's depends): each one's first word."""
    items = [v] if isinstance(v, str) else v if isinstance(v, list) else []
    return [i.split()[0] for i in items[:16] if isinstance(i, str) and i.split()]


def _mise(content: str) -> Found:
    """`[tasks.X] run = …`, `[tasks] X = "…"`, `[hooks]`, and `{{ exec(command=…) }}` templates (run
    when mise loads the file)."""
    out = [("exec()", m.group(1) if m.group(1) is not None else m.group(2)) for m in _TERA_EXEC.finditer(content)]
    data = _toml(content)
    if data is None:
        return out
    out += _tasks_in(data.get("tasks"), "task")
    # a task's `depends`/`depends_post` run with it: said as the `mise run` they are (task_commands follows names)
    tasks = data.get("tasks")
    for name, v in list(tasks.items())[:64] if isinstance(tasks, dict) else []:
        deps = [d for k in ("depends", "depends_post") for d in _names(v.get(k) if isinstance(v, dict) else None)]
        if deps:
            out.append((f"task {name}", "mise run " + " ::: ".join(deps[:16])))
    hooks = data.get("hooks")
    for name, v in list(hooks.items())[:64] if isinstance(hooks, dict) else []:
        out += [(f"hook {name}", c) for c in _task(v)]
    return out


def _cargo_make(content: str) -> Found:
    """cargo-make: `[tasks.X]` script / command+args (and their per-platform tables), and `[env]`
    values computed by a script when the file loads."""
    data = _toml(content)
    if data is None:
        return []
    out: Found = []
    for name, task in list(data.get("tasks", {}).items())[:_MAX_FOUND] if isinstance(data.get("tasks"), dict) else []:
        for t in [task] + [task.get(p) for p in ("linux", "mac", "windows")] if isinstance(task, dict) else []:
            if isinstance(t, dict):
                out += [(f"task {name}", c) for c in _task({k: t[k] for k in ("script", "install_script", "command",
                                                                              "args") if k in t})]
    env = data.get("env")
    for name, v in list(env.items())[:_MAX_FOUND] if isinstance(env, dict) else []:
        if isinstance(v, dict) and "script" in v:
            out += [(f"env {name}", c) for c in _task({"script": v["script"]})]
    return out


# ---- which file is which --------------------------------------------------------------------------

_LEFTHOOK_OTHER = lazyre.compile(r"\.?lefthook(?:-local)?\.(?:toml|jsonc?)")  # (its YAML: by stem below)


def _kind(path: str) -> str:
    p = path.lower()
    base = posixpath.basename(p)
    parent = posixpath.basename(posixpath.dirname(p))
    if base in _MAKEFILES or base.endswith(".mk"):
        return "make"
    if base in _JUSTFILES or base.endswith(".just"):
        return "just"
    if base == "package.json":
        return "package"
    if base in _RAKEFILES or base.endswith(".rake"):
        return "rake"
    if base.endswith(_GRADLE):
        return "gradle"
    if base == "pom.xml":
        return "maven"
    if base.endswith(DOTNET_PROJECTS) or base in ("directory.build.props", "directory.build.targets") \
            or base.endswith(".targets"):
        return "msbuild"
    if base in _CMAKE or base.endswith(".cmake"):
        return "cmake"
    if base.endswith(".sbt") or base.endswith(".scala") and parent == "project":
        return "sbt"  # (project/*.scala is sbt's build definition too, compiled and run at load)
    if base == "meson.build":
        return "meson"
    if base in ("dockerfile", "containerfile") or base.startswith(("dockerfile.", "containerfile.")) or \
            base.endswith((".dockerfile", ".containerfile")):
        return "docker"
    if base == "procfile" or base.startswith("procfile."):
        return "procfile"
    if base in ("deno.json", "deno.jsonc"):
        return "deno"
    if base in ("pyproject.toml", "hatch.toml", "poe_tasks.toml"):
        return "pyproject"  # (poe_tasks.toml: poe's own file, its tasks at the top)
    if base in ("poe_tasks.json", "poe_tasks.yaml", "poe_tasks.yml"):
        return "poe-data"
    if base == "pixi.toml":
        return "pixi"
    if base == "supervisord.conf" or ("/supervisor/conf.d/" in p or "/supervisord.d/" in p) \
            and base.endswith((".conf", ".ini")):
        return "supervisor"
    if base == "composer.json":
        return "composer"
    if base == "noxfile.py":
        return "nox"
    if base == "makefile.toml":
        return "cargo-make"
    if re.fullmatch(r"\.?mise(\.[\w-]+)?\.toml", base) or base == "config.toml" and parent == "mise":
        return "mise"
    if base == "jenkinsfile" or base.startswith("jenkinsfile.") or base.endswith((".jenkinsfile", ".jenkins")):
        return "jenkins"
    if base == "vercel.json":
        return "vercel"
    if base == "netlify.toml":
        return "netlify"
    if base == "devbox.json":
        return "devbox"
    if base in ("flake.nix", "shell.nix", "devenv.nix", "default.nix"):
        return "nix"
    if base == "tiltfile" or base.endswith(".tiltfile"):
        return "tilt"
    if base == "earthfile":
        return "earthly"
    if base in ("tox.ini", "tox.toml", "setup.cfg"):
        return "tox"  # (setup.cfg: tox reads its [tox:tox] and [testenv…] sections)
    if base in ("devcontainer.json", ".devcontainer.json"):
        return "devcontainer"
    if _LEFTHOOK_OTHER.fullmatch(base):
        return "lefthook-toml" if base.endswith(".toml") else "lefthook-json"
    if base.endswith(".tf"):
        return "terraform"  # (local-exec provisioners and external data sources run on this machine)
    if base.endswith(".pkr.hcl"):
        return "packer"
    if not base.endswith(_YML):
        return ""
    stem = base.rsplit(".", 1)[0]
    if stem in ("taskfile", "taskfile.dist") or stem.endswith(".taskfile"):
        return "taskfile"
    if re.search(r"(?:^|/)\.(?:github|gitea|forgejo)/workflows/", p) or stem == "action":
        return "github"
    if stem.endswith(".gitlab-ci") or stem == ".gitlab-ci" or "/.gitlab/ci/" in p or p.startswith(".gitlab/ci/"):
        return "gitlab"
    if parent == ".circleci":
        return "circleci"
    if stem == "bitbucket-pipelines":
        return "bitbucket"
    if stem.startswith(("azure-pipelines", ".azure-pipelines")) or parent in (".azure-pipelines", ".azuredevops"):
        return "azure"
    if stem == ".travis":
        return "travis"
    if re.fullmatch(r"(?:docker-)?compose(?:\.[\w.-]+)?|docker-compose[\w.-]*", stem):
        return "compose"
    if stem in (".drone", ".woodpecker") or parent == ".woodpecker":
        return "drone"
    if stem in ("buildkite", "pipeline") and parent == ".buildkite" or stem == "buildkite":
        return "buildkite"
    if stem == ".gitpod":
        return "gitpod"
    if stem == "skaffold":
        return "skaffold"
    if stem in ("lefthook", ".lefthook", "lefthook-local", ".lefthook-local"):
        return "lefthook"
    if stem in ("appveyor", ".appveyor"):
        return "appveyor"
    return ""


_READERS: dict[str, Callable[[str], Found]] = {
    "make": _make, "just": _just, "package": _package_json, "rake": _rake, "gradle": _gradle, "cmake": _cmake,
    "docker": _docker, "procfile": _procfile, "deno": _deno, "pyproject": _pyproject, "nox": _nox,
    "cargo-make": _cargo_make, "mise": _mise, "jenkins": _jenkins, "composer": _composer, "sbt": _sbt,
    "meson": _meson, "pixi": lambda text: _pixi(_toml(text)), "poe-data": _poe_data, "supervisor": _supervisor,
    # pom.xml's exec/antrun plugins, an MSBuild <Exec>: adr/shell/builds.py (a fragment: read by pattern)
    "maven": lambda text: _builds().pom_written(text),
    "msbuild": lambda text: list(_builds().msbuild(text).commands),
    **{k: _yaml_reader(k) for k in _YAML_KEYS},
    "vercel": lambda text: _walk("vercel", [_json(text)]), "devbox": lambda text: _walk("devbox", [_json(text)]),
    "netlify": lambda text: _walk("netlify", [_toml(text)]),
    "devcontainer": lambda text: _walk("devcontainer", [_json(text)]),
    "tilt": _tilt, "earthly": _earthly, "tox": _tox, "nix": _nix,
    "lefthook-toml": lambda text: _walk("lefthook", [_toml(text)]),
    "lefthook-json": lambda text: _walk("lefthook", [_json(text)]),
    "terraform": lambda text: [("local-exec", c) for c in _provisioners().terraform_commands(text)],
    "packer": lambda text: [("shell provisioner", c) for c in _provisioners().packer_commands(text)],
}
# how an edit's fragment of each kind is read
_FRAGMENT = {"package": "json", "deno": "json", "composer": "json", "pixi": "strings", "pyproject": "strings", "cargo-make": "strings", "mise": "strings",
             "nox": "strings", "jenkins": "strings", "rake": "strings", "gradle": "strings", "cmake": "lines",
             "sbt": "strings", "meson": "strings",
             **{k: "yaml" for k in _YAML_KEYS}, "vercel": "json", "devbox": "json", "netlify": "strings",
             "devcontainer": "json", "tilt": "strings", "tox": "lines", "lefthook-toml": "strings", "poe-data": "strings", "supervisor": "lines",
             "lefthook-json": "json", "nix": "strings", "terraform": "strings", "packer": "strings"}


# ---- fragments --------------------------------------------------------------------------------------

_JSON_STR = lazyre.compile(r'"((?:[^"\\\n]|\\.)*)"(\s*:)?')
_YAML_KEY = lazyre.compile(r"""^(?:-\s+)*["']?[\w.$-]+["']?\s*:(?:\s+|$)""")
_LINE_PREFIX = lazyre.compile(r"^(?:[@+-]+\s*|(?:RUN|CMD|ENTRYPOINT)\s+(?:--[\w-]+(?:=\S*)?\s+)*)", re.I)


def _json_unescape(s: str) -> str:
    try:
        return json.loads(f'"{s}"')
    except ValueError:
        return s


def json_string_values(text: str) -> list[list[str]]:
    """The JSON string literals of a fragment that are not keys, in runs: literals separated only by
    commas (an array, or part of one) form one run."""
    runs: list[list[str]] = []
    last_end = -1
    for m in _JSON_STR.finditer(text):
        if m.group(2):  # a key
            last_end = -1
            continue
        value = _json_unescape(m.group(1))
        if runs and last_end >= 0 and re.fullmatch(r"\s*,\s*", text[last_end:m.start()]):
            runs[-1].append(value)
        else:
            runs.append([value])
        last_end = m.end()
        if len(runs) >= _MAX_FOUND:
            break
    return runs


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return _json_unescape(v[1:-1]) if v[0] == '"' else v[1:-1].replace("''", "'")
    return v


def _lines(content: str, yaml_keys: bool = False) -> Found:
    """Each non-blank line as a command — minus make's `@-+`, a Dockerfile keyword, a YAML `- ` and
    `key:` — and all of them as one script (a payload split over lines, a heredoc)."""
    out: Found = []
    for raw in content.splitlines()[:_MAX_FOUND]:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if yaml_keys:
            k = _YAML_KEY.match(line)
            line = _unquote(line[k.end():] if k else re.sub(r"^(?:-\s+)+", "", line))
            if line in ("|", ">", "|-", ">-", "|+", ">+", ""):
                continue  # (a block's lines follow)
            if line.startswith(("{", "[")):  # a flow collection (or a piece of one): its quoted items
                out += [("edited text", x) for x in _literals(line)]
                items = _yaml_docs(line) if line.startswith("[") and line.endswith("]") else None
                if items and isinstance(items[0], list):  # (a whole flow list: its items, and all as an argv)
                    out += [("edited text", x) for x in items[0] if isinstance(x, str)]
                    out.append(("edited text", _argv(items[0])))
                    continue
        else:
            line = _LINE_PREFIX.sub("", line)
            p = re.match(r"^[\w.-]+:\s+(.+)$", line)  # a Procfile's `web: cmd`
            if p:
                out.append(("edited text", p.group(1)))
        out.append(("edited text", line.replace("$$", "$")))
    if len(out) > 1:
        out.append(("edited text", "\n".join(c for _, c in out)))
    return out


def _builds() -> Any:
    from adr.shell import builds
    return builds


def _provisioners() -> Any:
    from adr.shell import provisioners
    return provisioners


def _fragment(kind: str, content: str) -> Found:
    if kind in ("maven", "msbuild"):
        return []  # (their readers read a fragment by pattern already)
    how = _FRAGMENT.get(kind, "lines")
    if how == "json":
        return [("edited text", "".join(run)) for run in json_string_values(content)]
    if how == "strings":
        return [("edited text", s) for s in _literals(content)] + _lines(content, yaml_keys=True)
    return _lines(content, yaml_keys=how == "yaml")


def notebook_fragment(content: str) -> str:
    """A notebook edited as text (Claude Code's Edit on an .ipynb): the cell source its new text
    holds (`"source": ["!bash …\\n", …]` → `!bash …`), or "" when the text is whole notebook JSON."""
    try:
        json.loads(content[:MAX_CONTENT])
        return ""
    except (ValueError, RecursionError):
        pass
    runs = json_string_values(content[:MAX_CONTENT])
    return "\n".join("".join(run) for run in runs if run != ["code"])


def _bounded(found: Found) -> Found:
    """Distinct commands, MAX_COMMANDS of them; the rest joined into one script, judged as one."""
    seen: dict[str, str] = {}
    for where, cmd in found:
        if cmd.strip() and cmd not in seen:
            seen[cmd] = where
    items = [(w, c) for c, w in seen.items()]
    if len(items) <= MAX_COMMANDS:
        return items
    return items[:MAX_COMMANDS - 1] + [("more commands", "\n".join(c for _, c in items[MAX_COMMANDS - 1:]))]


# build files run on the developer's machine, as the user (a container build and a CI runner are not):
# a recipe there that runs what it downloads is asked when written (adr.engine.core)
_ON_HOST = frozenset({"make", "just", "package", "rake", "gradle", "maven", "msbuild", "cmake", "procfile", "deno",
                      "pyproject", "nox",
                      "composer", "pixi",
                      "cargo-make", "mise", "taskfile", "devbox",
                      "sbt", "meson", "tilt", "earthly", "tox", "skaffold", "lefthook",
                      "lefthook-toml", "lefthook-json", "nix",
                      "terraform"})  # (sbt runs its build definition, meson setup its run_command; terraform its local-exec)


def runs_on_host(path: str) -> bool:
    """The build file at `path` runs its commands on the developer's machine (a Makefile, a task
    runner's file), not in a container build or on a CI runner."""
    return _kind(path) in _ON_HOST


def build_commands(path: str, content: str, fragment: bool = False, like: str = "") -> list[tuple[str, str]]:
    """(where in the file, command line) for each command the build or CI file at `path` runs; []
    for any other file, or content that does not parse. `fragment`: `content` is an edit's new text,
    read also as a piece of the file. `like`: the file name whose reader to use (a tool told to load
    `ci.ini` reads it as its tox.ini)."""
    kind = _kind(like) if like else _kind(path)
    if not kind or not content:
        return []
    text = content[:MAX_CONTENT]
    try:
        found = _READERS[kind](text)
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError):
        found, fragment = [], True  # (a shape no reader expected: read it line by line)
    if fragment or len(content) > MAX_CONTENT:
        found = found + _fragment(kind, text)
    return _bounded(found)


MAX_TASKS = 64  # tasks followed from the ones a command names (a sequence naming others, `@other`)


def task_commands(found: "list[tuple[str, str]]", families: "tuple[str, ...]",
                  names: "tuple[str, ...]") -> list[tuple[str, str]]:
    """The commands of `found` (build_commands' answer) that a task runner runs for `names`: labels
    of a family (`poe task`, `pdm script`, `process` …) whose last word is a name asked for, or one
    a chosen task refers to (poe's sequences, composer's `@other`, a task that runs another by
    name), followed to MAX_TASKS names; a family ending in `*` is read whole (mise's hooks run on
    every load). No names: every command of the families."""
    fams = [(f[:-1].split(), True) if f.endswith("*") else (f.split(), False) for f in families]

    def family(label: str) -> "tuple[bool, bool]":
        toks = label.split()
        for ftoks, whole in fams:
            if toks[:len(ftoks)] == ftoks and len(toks) > len(ftoks) - (1 if whole else 0):
                return True, whole
        return False, False
    mine = [(label, cmd, *family(label)) for label, cmd in found]
    if not names:
        return [(label, cmd) for label, cmd, ok, _ in mine if ok]
    known = {label.split()[-1] for label, _, ok, whole in mine if ok and not whole}
    want = {n for n in names if n in known}
    grew = True
    while grew and len(want) < MAX_TASKS:
        grew = False
        for label, cmd, ok, whole in mine:
            if ok and not whole and label.split()[-1] in want:
                for word in cmd.replace("@", " ").split()[:64]:
                    if word in known and word not in want:
                        want.add(word)
                        grew = True
    return [(label, cmd) for label, cmd, ok, whole in mine if ok and (whole or label.split()[-1] in want)]

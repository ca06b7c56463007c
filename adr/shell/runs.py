"""Which files a command runs, and what those files run — pure (no I/O, no clock).

A command line often runs code that is not on the line: `bash a.sh`, `./a.sh`, `. f.sh`, `npm test`
(the `test` script of ./package.json), `make` (a Makefile recipe), `pytest` (conftest.py),
`pip install .` (setup.py), `git commit` (.git/hooks/pre-commit), a function defined in an earlier
call. `runs_of(parsed, cwd)` names those files (`Run` values); the caller reads them (bounded) and
hands their text back to the content helpers here (`package_scripts`, `make_recipes`,
`git_config`, `function_definitions` …), which say what each one runs as shell or code. The I/O
lives in adr/daemon/crosscall.py; this module only knows the tools' conventions.
"""
from __future__ import annotations

import json
import posixpath
import re
import shlex
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

import tree_sitter as ts
import tree_sitter_bash as tsb

from adr import lazyre
from adr.shell import interpreters
from adr.shell.launchers import LAUNCHERS, as_shell, launched
from adr.shell.interpreters import (DOTNET_PROJECTS, DOTNET_SOLUTIONS, LANG_RUNNER, SCRIPT_EXT, SOURCE_EXT, SOURCE_LANGS,
                                    build_script_commands, named_language)
from adr.shell.model import ParsedShell, SimpleCommand
from adr.shell.parse import (FILE_READERS as _READERS, MAKEFILES, SCRIPT_FILE_OPTIONS, SHELLS, STDIN_PATHS,
                             git_remote_definition)
from adr.shell.words import pwd_relative
from adr.shell.toolconfigs import ANSIBLE_ENVS, CARGO_PROGRAM_VARS, JVM_OPTS, TOOLS as CONFIG_TOOLS

MAX_RUNS = 64  # Run values from one command line
MAX_MAKE_TARGETS = 64  # targets followed through prerequisites
MAX_MAKE_EXPAND = 16  # nesting of $(VAR) expansions
MAX_FUNCTION_SOURCE = 256 * 1024
MAX_FUNCTION_NODES = 60_000

# run kinds: what the caller has to read and how it becomes judged text
SCRIPT = "script"  # one file run as code (bash a.sh, ./a.sh, python a.py, source f.sh)
PACKAGE = "package"  # package.json scripts by name
MAKE = "make"  # a Makefile's recipes for targets
CONCAT = "concat"  # a SCRIPT mode: the paths, joined byte for byte, are one program (`cat a b | sh`)
PYTEST = "pytest"  # conftest.py files (and test files) under paths
SETUP = "setup"  # setup.py of a directory being built/installed
GIT = "git"  # git hooks / aliases / fsmonitor of the repository around cwd
FUNCTION = "function"  # a shell function or alias defined in an earlier call
PRECOMMIT = "precommit"  # the pre-commit framework's local hooks (.pre-commit-config.yaml)
TASKS = "tasks"  # a task runner's recipes for targets: `just` (justfile), `task` (Taskfile.yml)
SOURCES = "sources"  # a compiled program's source: paths are files, then folders (`DIR/...`: with subfolders)
BUILD = "build"  # a build tool's project: names = (tool, subcommand/goals …) — cargo, maven, gradle, dotnet,
# swift; sbt (build.sbt, project/) and meson (meson.build), whose build definition is evaluated first
COMMAND = "command"  # a command line a tool runs around what it builds (`go test -exec X`): args[0]


@dataclass(frozen=True)
class Run:
    """Something a command runs that is not on its line."""

    kind: str
    how: str  # the words that run it, for the note the human reads ("bash a.sh", "npm test")
    cwd: str  # the directory it runs in (absolute, "" when unknown)
    paths: tuple[str, ...] = ()  # files to read (absolute); for MAKE the candidates, first found wins
    names: tuple[str, ...] = ()  # npm script names, make targets, git hook names, pytest plugins
    language: str = ""  # SCRIPT: forced language ("shell" for bash a.sh); "" → shebang / extension
    args: tuple[str, ...] = ()  # SCRIPT/FUNCTION: its arguments; MAKE: VAR=value; GIT: `-c key=value`;
    # PACKAGE: the script the words on the line go to (`npm run up -- a b`), then those words
    raw: str = ""  # FUNCTION: the calling command's source text (replaced by the body); a `source`: its text
    # the calling command's `NAME=value` prefix (`CMD=… python3 x.py`, `CMD=… make`) and, for SCRIPT, the
    # text known to reach its stdin (`echo CMD | python3 x.py`): what reads its environment or stdin gets
    env: tuple[str, ...] = ()
    stdin: "str | None" = None
    mode: str = ""  # SCRIPT: exec | shell | source | interpreter; MAKE: "dry" (-n); GIT: subcommand;
    # SOURCES, BUILD: run | test | bench | build | generate (what of the project's code runs);
    # BUILD "config": the tool's own file name when the command named another (read as that)


# ---- paths ----------------------------------------------------------------------------------------


def pseudo_file(path: str) -> bool:
    """A device or process path, not a file anything keeps (/dev/null, /proc/self/fd/3) — /dev/shm is
    memory-backed storage like /tmp: files there are kept, run and sent like any other."""
    return path.startswith(("/dev/", "/proc/")) and not path.startswith(("/dev/shm/", "/dev/mqueue/"))


def resolve(path: str, cwd: str, home: str = "") -> str:
    """Absolute, normalized (no symlinks resolved: that needs the file system). "" when a relative
    path has no cwd to resolve against, or the path is computed at run time."""
    for var in ("$PWD", "${PWD}"):  # the shell layer resolves $HOME to ~; $PWD is the directory
        if path.startswith(var + "/") or path == var:
            path = (cwd or "$") + path[len(var):]
    if not path or "$" in path or "`" in path or path.startswith(("<(", ">(")):
        return ""
    if path == "~" or path.startswith("~/"):
        if not home:
            return ""
        path = home + path[1:]
    elif path.startswith("~"):
        return ""
    if not path.startswith("/"):
        if not cwd.startswith("/"):
            return ""
        path = posixpath.join(cwd, path)
    out = posixpath.normpath(path)
    return "/" + out.lstrip("/")


def _dir_of(path: str) -> str:
    return posixpath.dirname(path) or "/"


# ---- option tables ----------------------------------------------------------------------------------

_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_NODE_LIKE = frozenset({"node", "nodejs", "tsx", "ts-node", "ts-node-esm", "esno", "vite-node"})
_PY_VALUED = frozenset({"-W", "-X", "-Q", "--check-hash-based-pycs"})
_NODE_VALUED = frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader", "--input-type",
                          "-C", "--conditions", "--env-file", "--title", "--inspect-port", "--stack-size"})
_NODE_PRELOAD = frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader"})
_PERL_RUBY_VALUED = frozenset({"-I", "-M", "-m", "-r", "-x", "-C", "-E"})
_LUA_VALUED = frozenset({"-l"})  # (`lua -l mod script.lua`: mod is a module: _lua_modules)
_PHP_VALUED = frozenset({"-c", "-d", "-z"})
# installed programs and dependencies: run from disk all the time, judged only when an agent wrote them
INSTALLED = lazyre.compile(r"^/(?:usr|bin|sbin|lib|lib64|etc|nix/store|snap|System|opt/homebrew)/|"
                           r"/(?:node_modules|site-packages|dist-packages|\.venv|venv|\.tox|\.nox)/")

_NPM_LIFECYCLE_INSTALL = ("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare",
                          "postprepare")
_NPM_LIFECYCLE_PACK = ("prepack", "prepare", "postpack")
_NPM_LIFECYCLE_PUBLISH = ("prepublishOnly", "prepack", "prepare", "postpack", "publish", "postpublish")
_NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
                          "isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean",
                          "rebuild", "rb", "update", "up", "upgrade", "udpate"})
_NPM_RUN = frozenset({"run", "run-script", "rum", "urn"})
_NPM_TEST = frozenset({"test", "t", "tst"})
_NPM_OWN = frozenset({"start", "stop", "restart"})
_YARN_BUILTIN = frozenset({
    "add", "audit", "autoclean", "bin", "cache", "check", "config", "create", "dedupe", "dlx", "exec", "explain",
    "generate-lock-entry", "global", "help", "import", "info", "init", "install", "licenses", "link", "list",
    "login", "logout", "node", "npm", "outdated", "owner", "pack", "patch", "patch-commit", "plugin", "policies",
    "publish", "rebuild", "remove", "set", "stage", "tag", "team", "unlink", "unplug", "up", "upgrade",
    "upgrade-interactive", "version", "versions", "why", "workspace", "workspaces", "run", "constraints",
    "search", "dedupe", "sdks", "cwd"})
_PNPM_BUILTIN = frozenset({
    "add", "audit", "bin", "config", "create", "dedupe", "deploy", "dlx", "env", "exec", "fetch", "import",
    "init", "install", "i", "install-test", "it", "licenses", "link", "ln", "list", "ls", "outdated", "pack",
    "patch", "patch-commit", "prune", "publish", "rebuild", "rb", "remove", "rm", "root", "run", "server",
    "setup", "store", "unlink", "update", "up", "why", "ci", "doctor", "self-update", "cat-file", "cat-index",
    "find-hash"})
_BUN_BUILTIN = frozenset({"install", "i", "add", "a", "remove", "rm", "update", "link", "unlink", "pm", "x",
                          "create", "c", "upgrade", "build", "init", "outdated", "publish", "patch", "test",
                          "repl", "exec", "info", "audit", "why", "completions", "discord", "help", "run"})
_PM_DIR_OPTS = {"npm": ("--prefix",), "yarn": ("--cwd",), "pnpm": ("-C", "--dir"), "bun": ("--cwd",)}
_PM_VALUED = frozenset({"--prefix", "--cwd", "-C", "--dir", "--filter", "-F", "-w", "--workspace", "--registry",
                        "--userconfig", "--cache", "--loglevel", "--script-shell", "--tag", "--otp"})

# git subcommand → hooks it may run (the ones a --no-verify / -n skips listed in _GIT_VERIFY)
_GIT_HOOKS: dict[str, tuple[str, ...]] = {
    "commit": ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-rewrite"),
    "merge": ("pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-merge"),
    "pull": ("pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-merge", "pre-rebase", "post-rewrite",
             "post-checkout", "reference-transaction"),
    "push": ("pre-push", "reference-transaction"),
    "checkout": ("post-checkout",),
    "switch": ("post-checkout",),
    "worktree": ("post-checkout",),
    "rebase": ("pre-rebase", "post-rewrite", "post-checkout", "prepare-commit-msg"),
    "am": ("applypatch-msg", "pre-applypatch", "post-applypatch", "post-rewrite"),
    "cherry-pick": ("prepare-commit-msg", "commit-msg", "post-commit", "post-rewrite"),
    "revert": ("prepare-commit-msg", "commit-msg", "post-commit"),
    "reset": ("reference-transaction",),
    "gc": ("pre-auto-gc",),
    "send-email": ("sendemail-validate",),
}
_GIT_VERIFY = frozenset({"pre-commit", "commit-msg", "pre-merge-commit", "pre-push", "applypatch-msg",
                         "pre-applypatch"})
_GIT_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"})
# subcommands that read the work tree's status: core.fsmonitor runs for them
_GIT_FSMONITOR = frozenset({"status", "add", "commit", "diff", "stash", "checkout", "switch", "restore", "reset",
                            "merge", "pull", "rebase", "cherry-pick", "revert", "am", "rm", "mv", "clean"})

_PIP_LOCAL = lazyre.compile(r"^(?:\.{1,2}(?:/.*)?|/.*|~.*|[\w.-]+/.*|file:.*)$")
_PYTEST_VALUED = frozenset({"-k", "-m", "-p", "-c", "-o", "-W", "-n", "-x", "--rootdir", "--confcutdir",
                            "--deselect", "--ignore", "--ignore-glob", "--junitxml", "--junit-xml", "--maxfail",
                            "--basetemp", "--cov", "--cov-report", "--durations", "--tb", "--log-level",
                            "--import-mode", "--override-ini", "--config-file", "--capture", "--dist",
                            "--numprocesses", "--timeout", "--lf", "--reruns", "--randomly-seed", "-r"})
_MAKE_VALUED = frozenset({"-f", "--file", "--makefile", "-C", "--directory", "-I", "--include-dir", "-j",
                          "--jobs", "-l", "--load-average", "-o", "--old-file", "--assume-old", "-W", "--what-if",
                          "--new-file", "--assume-new", "-O", "--output-sync", "--eval"})
_MAKE_DRY = frozenset({"-n", "--just-print", "--dry-run", "--recon", "-q", "--question", "-t", "--touch"})


# ---- runs_of ----------------------------------------------------------------------------------------

def runs_of(parsed: ParsedShell, cwd: str, home: str = "", functions: frozenset[str] = frozenset()) -> tuple[Run, ...]:
    """Everything this command line runs from files (and known function/alias names)."""
    out: list[Run] = []
    here = cwd
    commands = parsed.commands
    for c in commands:
        if len(out) >= MAX_RUNS:
            break
        prog = c.program
        if prog in ("cd", "pushd") and not c.via:
            here = cd_target(c.args, here, home)
            continue
        if prog in functions and "command" not in c.wrappers and "builtin" not in c.wrappers \
                and not c.via.startswith("alias "):  # an alias body at its definition is no call
            out.append(Run(FUNCTION, _how(c), here, names=(prog,), args=c.args, raw=c.raw))
            continue
        got = _runs_of_command(c, commands, here, home)
        if c.env or c.stdin_text is not None:
            got = [replace(r, env=c.env, stdin=c.stdin_text if r.kind == SCRIPT else None) for r in got]
        out.extend(got)
        out.extend(_read_loop_runs(c, commands, here, home))
        if interpreters.language_of(prog) == "awk":  # (a reader first: _runs_of_command does not get here)
            code = interpreters.inline_code(prog, c.args)
            out.extend(Run(SCRIPT, _how(c), here, (p,), language="shell", mode="shell")
                       for f in (_line_runner_files(c, "awk", code[1]) if code else [])
                       if (p := resolve(f, here, home)) and not pseudo_file(p))
    return tuple(out[:MAX_RUNS])


_VAR_WORD = lazyre.compile(r"\$\{?([A-Za-z_]\w*)\}?")


def _read_loop_runs(c: SimpleCommand, commands: tuple[SimpleCommand, ...], here: str, home: str) -> list[Run]:
    """`while read l; do eval "$l"; done < a.sh` (or `$l`, `sh -c "$l"`): every line of the file runs
    as a command, as in `sh a.sh`."""
    if c.program == "eval" or c.dynamic:
        words = c.args if c.program == "eval" else c.argv[:1]
    elif c.program in SHELLS and len(c.args) >= 2 and c.args[0] == "-c":
        words = c.args[1:2]
    else:
        return []
    src = next((r.target for r in reversed(c.redirects) if r.op == "<" and r.fd in ("", "0")), "")
    if not src or not words:
        return []
    names = {m.group(1) for w in words if (m := _VAR_WORD.fullmatch(w.strip('"')))}
    if not names or not any(o.program in ("read", "mapfile", "readarray") and names & set(o.args) for o in commands):
        return []
    path = resolve(src, here, home)
    if not path or pseudo_file(path):
        return []
    return [Run(SCRIPT, _how(c), here, (path,), language="shell", mode="shell")]


# folders whose programs a bare name reaches in a project: a package manager's bin folder (npx, bunx,
# `npm test`'s scripts, `yarn NAME`) and a virtualenv's (activated, `uv run`, `poetry run` …)
LOCAL_BIN_DIRS = ("node_modules/.bin", ".venv/bin", "venv/bin")
_BIN_NAME = lazyre.compile(r"\w[\w.+-]{0,63}")
_YARN_VERBS = frozenset({"run", "exec", "dlx"})


# the user's own bin folders, which login profiles put before the system's on PATH
USER_BIN_DIRS = ("~/.local/bin", "~/bin")
MAX_PATH_DIRS = 8  # folders taken from a PATH the line (or the session) sets


def _path_dirs(values: "list[str]", here: str, home: str) -> "list[str]":
    """The literal folders of PATH values (`./bin:$PATH` → <here>/bin, `$PWD/bin` alike); computed
    parts are left out."""
    out: list[str] = []
    for v in values:
        for part in (pwd_relative(q) for q in v.strip("'\"").split(":")):
            if part and "$" not in part and "`" not in part and len(out) < MAX_PATH_DIRS:
                d = resolve(part, here, home)
                if d and d not in out:
                    out.append(d)
    return out


def local_bin_runs(parsed: ParsedShell, cwd: str, home: str = "", session_path: str = "") -> "list[Run]":
    """The project's own copies a bare program name may run: `jest` (after `npx`, in an npm script,
    `yarn jest`) is node_modules/.bin/jest; `pytest` after `source .venv/bin/activate` or `uv run`
    is .venv/bin/pytest; any name is a program of the same name in the user's bin folders
    (~/.local/bin/git) or in a folder a PATH set on the line or earlier in the session names
    (`PATH=./bin:$PATH deploy`; `session_path`: `export PATH=/tmp/t:$PATH` then `e.sh`). Candidates only: the caller
    follows one when an agent wrote that file (a program planted under the name of a tool the project
    runs), never an installed one."""
    out: list[Run] = []
    here = cwd
    line_path = list(parsed.path_dirs) + ([session_path] if session_path else [])
    user_bins = [resolve(d, here, home) for d in USER_BIN_DIRS] if home else []
    for c in parsed.commands[:MAX_RUNS]:
        if c.program in ("cd", "pushd") and not c.via:
            here = cd_target(c.args, here, home)
            continue
        if c.program_path or c.dynamic or not here.startswith("/"):
            continue
        names = [c.program]
        if c.program == "yarn":  # `yarn jest`, `yarn run jest`: a script of that name, else the bin
            pos = [a for a in c.args if not a.startswith("-")]
            names += pos[1:2] if pos[:1] and pos[0] in _YARN_VERBS else pos[:1]
        path_dirs = _path_dirs(line_path + [e.split("=", 1)[1] for e in c.env if e.startswith("PATH=")], here, home)
        for n in names:
            if _BIN_NAME.fullmatch(n):
                out += [Run(SCRIPT, _how(c), here, (posixpath.join(here, d, n),), args=c.args, mode="exec")
                        for d in LOCAL_BIN_DIRS]
                out += [Run(SCRIPT, _how(c), here, (posixpath.join(d, n),), args=c.args, mode="exec")
                        for d in user_bins + path_dirs if d]
    return out


def _how(c: SimpleCommand) -> str:
    """The command as the agent wrote it (for the note the human reads), on one line."""
    text = " ".join((c.raw or c.text).split())
    return text if len(text) <= 160 else text[:159] + "…"


def cd_target(args: tuple[str, ...], here: str, home: str) -> str:
    """Where `cd ARGS` leads from `here` (`here` again when the target is computed at run time)."""
    pos = [a for a in args if not a.startswith("-") or a == "-"]
    if not pos:
        return home or here
    if pos[0] == "-":
        return here
    return resolve(pos[0], here, home) or here  # computed at run time: keep the last known directory


def _runs_of_command(c: SimpleCommand, commands: tuple[SimpleCommand, ...], here: str, home: str) -> list[Run]:
    prog, args = c.program, c.args
    if c.program_path and not c.dynamic and not c.program_path.endswith("/"):  # ./a.sh, /usr/bin/env, .venv/bin/python: the file itself
        # runs (the caller reads only what it may: installed programs only when an agent wrote them)
        path = resolve(c.program_path, here, home)
        own = [Run(SCRIPT, _how(c), here, (path,), args=args, mode="exec")] if path else []
        return own + _runs_by_name(c, commands, here, home)
    return _module_runs(c, here) + _runs_by_name(c, commands, here, home)


def _module_runs(c: SimpleCommand, here: str) -> list[Run]:
    """`python -m NAME`: the working directory comes first on sys.path, so a NAME.py (or a NAME
    package) there runs instead of the installed one — `python -m pip` included."""
    if not here or not any(w.endswith(" -m") and w.startswith(("python", "pypy")) for w in c.wrappers):
        return []
    # (`python -m tarfile -e …` / `zipfile -e` are judged spelled as tar / unzip: wrappers._archive_module)
    mod = {"tar": "tarfile", "unzip": "zipfile"}.get(c.program, c.program).replace(".", "/")
    if not re.fullmatch(r"[\w/]+", mod):
        return []
    paths = (posixpath.join(here, mod + ".py"), posixpath.join(here, mod, "__main__.py"),
             posixpath.join(here, mod, "__init__.py"))
    return [Run(SCRIPT, _how(c), here, (p,), language="python", args=c.args, mode="interpreter") for p in paths]


def _runs_by_name(c: SimpleCommand, commands: tuple[SimpleCommand, ...], here: str, home: str) -> list[Run]:
    prog, args = c.program, c.args
    if prog in SHELLS:
        return _shell_runs(c, here, home)
    if prog in ("source", "."):
        if args and c.stdin_text is not None and args[0] in STDIN_PATHS:
            return []  # `source /dev/stdin <<< …`: the shell layer judged that text as the script
        if args:
            path = resolve(args[0], here, home)
            if path:
                return [Run(SCRIPT, _how(c), here, (path,), language="shell", args=args[1:], mode="source", raw=c.raw)]
        return []
    if prog in _READERS:
        return _reader_runs(c, commands, here, home)
    if prog in ("npm", "pnpm", "yarn"):
        return _package_runs(c, here, home) + _package_bin_runs(c, here, home)
    if prog == "bun":  # bun [run] NAME: a package.json script; bun [run] FILE: the file
        return _package_runs(c, here, home) or _interpreter_runs(c, "node", here, home)
    if prog in ("make", "gmake", "bmake", "remake"):
        return _make_runs(c, here, home)
    if prog in ("just", "task", "go-task"):
        return _task_runner_runs(c, here, home) + (_config_runs(c, here, home) if prog == "task" else [])
    if prog in ("sbt", "meson", "muon") and here:
        return _build_definition_runs(c, here, home)
    if prog == "cargo" and here:
        return _cargo_runs(c, here, home, commands)
    if prog in CONFIG_TOOLS or prog in ("earthly", "cmake"):
        # bundler's Gemfile, vite.config.ts, a Tiltfile, tox.ini, `poe NAME`'s task …: loaded first
        cfg = _config_runs(c, here, home)
        if cfg:
            return cfg
    if prog == "zig" and interpreters.run_file(prog, args):
        # `zig run x.zig`: what the files spawn runs now (the files before `--`/the program's arguments)
        files = [a for a in args[1:args.index("--") if "--" in args else len(args)] if a.endswith(".zig")]
        paths = tuple(p for f in files[:MAX_FOLDER_SOURCES] if (p := resolve(f, here, home)))
        return [Run(SOURCES, _how(c), here, paths, language="zig", mode="run")] if paths else []
    if prog == "go" and here:
        return _go_runs(c, here, home, commands)
    if prog in _SOURCE_RUNNERS or prog in _COMPILERS:
        return _source_runs(c, commands, here, home)
    if prog in ("mvn", "mvnw", "mvnd", "gradle", "gradlew") and here:
        return _jvm_build_runs(c, here, home)
    if prog == "direnv" and args[:1] in (("allow",), ("permit",), ("grant",), ("exec",), ("reload",)):
        # `direnv allow [DIR]`: the folder's .envrc runs at the next prompt there (`exec DIR CMD`: now)
        pos = [a for a in args[1:] if not a.startswith("-")]
        d = resolve(pos[0], here, home) if pos else here
        if d and d.endswith("/.envrc"):
            d = posixpath.dirname(d)
        return [Run(SCRIPT, _how(c), d, (posixpath.join(d, ".envrc"),), language="shell", mode="source")] if d else []
    if prog == "crontab":
        return _crontab_runs(c, here, home)
    if prog in ("at", "batch"):  # `at -f job.sh now`: the file's commands run as the job
        f = next((args[i + 1] if a == "-f" else a[2:] for i, a in enumerate(args)
                  if (a == "-f" and i + 1 < len(args)) or (a.startswith("-f") and len(a) > 2)), "")
        path = resolve(f, here, home) if f else ""
        return [Run(SCRIPT, _how(c), here, (path,), language="shell", mode="job")] if path else []
    if prog in _SCRIPT_FILE_OPTIONS:
        return _script_file_runs(c, here, home) + _scripted_stdin_runs(c, here, home)
    if prog in _STDIN_SCRIPTED:
        return _scripted_stdin_runs(c, here, home)
    if prog in _PROVISIONERS or prog in ("terraform", "tofu", "packer", "nmap", "ansible"):
        return _provision_runs(c, here, home)
    if prog in ("pytest", "py.test"):
        return _pytest_runs(c, here, home)
    if prog in ("pip", "pip3", "pipx", "uv", "build", "pyproject-build") or re.fullmatch(r"pip3\.\d+", prog):
        return _setup_runs(c, here, home)
    if prog == "git":
        return _git_runs(c, here, home)
    if prog in ("pre-commit", "prek") and c.args[:1] in (("run",), ("try-repo",)) and here:
        return [Run(PRECOMMIT, _how(c), here)]
    if prog in SQL_CLIENTS:
        return _sql_runs(c, here, home)
    if prog in ("aws", "awslocal") and "cloudformation" in args[:6]:
        return _cloudformation_runs(c, here, home)
    if prog in LAUNCHERS:
        return _launcher_runs(c, here, home)
    lang = _interpreter_language(prog)
    if lang:
        return _interpreter_runs(c, lang, here, home)
    return []


def _build_definition_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`sbt …` loads build.sbt and project/ (its .sbt and .scala files) whatever the task; `meson
    setup BUILD [SOURCE]` (and the older `meson BUILD`) runs meson.build's run_command calls."""
    args = [a for a in c.args if not a.startswith("-")]
    if c.program == "sbt":
        if any(a in ("-h", "--help", "--version", "-V") for a in c.args):
            return []
        return [Run(BUILD, _how(c), here, (posixpath.join(here, "build.sbt"), posixpath.join(here, "project")),
                    names=("sbt",))]
    if args[:1] and args[0] in ("setup", "configure") or c.program == "meson" and len(args) == 1 and \
            args[0] not in _MESON_VERBS:
        rest = args[1:] if args[0] in ("setup", "configure") else args
        source = resolve(rest[1], here, home) if len(rest) > 1 else here
        return [Run(BUILD, _how(c), here, (posixpath.join(source, "meson.build"),), names=("meson",))] if source else []
    return []


_MESON_VERBS = frozenset({"compile", "test", "install", "introspect", "init", "dist", "subprojects", "wrap", "devenv",
                          "env2mfile", "rewrite", "format", "fmt", "help"})


def _launcher_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`open -a Terminal x.sh`, `gio launch x.desktop`, `gtk-launch NAME` …: the file the desktop runs,
    outside any hook — read like `bash x.sh` (an entry: its Exec= lines; adr/shell/launchers.py)."""
    return [Run(SCRIPT, _how(c), here, (p,), language=lang, mode="shell")
            for f, lang in launched(c.program, c.args, home) if (p := resolve(f, here, home))]


# programs that run a file of their own commands named by an option — (options, the program that reads
# the same commands on stdin): `gdb -x cmds`, `lldb -s cmds`, `vim -S session.vim` (Ex commands)
# programs that read their own commands on stdin (`ed f < x.ed`, `vim -es < x.vim`): a file redirected
# there is those commands (SQL clients: _sql_runs)
_STDIN_SCRIPTED = frozenset({"ed", "red", "gdb", "lldb", "lftp", "ftp", "sftp", "dc", "m4", "gnuplot"})
_EX_MODE = lazyre.compile(r"-[A-Za-z]*[eE][A-Za-z]*")


def _reads_own_commands(c: SimpleCommand) -> bool:
    """A program that takes its own commands on stdin: ed, gdb, ftp … always; vim only in ex mode."""
    prog = c.program
    return prog in _STDIN_SCRIPTED or prog in ("vim", "vi", "nvim", "ex") \
        and (prog == "ex" or any(_EX_MODE.fullmatch(a) for a in c.args))


def _scripted_stdin_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`ed -s f < x.ed`, `vim -es < x.vim`, `gdb < x.gdb`: the file on stdin is the program's commands."""
    prog = c.program
    if not _reads_own_commands(c):
        return []
    reader = " ".join([prog] + [shlex.quote(a) for a in c.args[:16]])
    return [replace(r, language="stdin:" + reader) for r in _stdin_file_runs(c, "shell", here, home)]
# what reads each program's script file (the options that name it: parse.SCRIPT_FILE_OPTIONS) — sed's or
# awk's program kept in a file (`sed -f x.sed`: its `e` commands and s///e run commands) as their code
_SCRIPT_READERS = {
    "gdb": "gdb -batch", "lldb": "lldb -b", **{v: "ex -s" for v in ("vim", "vi", "nvim", "view", "vimdiff", "gvim", "ex")},
    "dc": "dc", "emacs": "eval:emacs --batch --eval", "m4": "m4", "gnuplot": "gnuplot",
    "sed": "eval:sed -e", "gsed": "eval:sed -e", **{a: "eval:awk" for a in ("awk", "gawk", "mawk", "nawk", "busybox-awk")},
}
_SCRIPT_FILE_OPTIONS: "dict[str, tuple[frozenset[str], str]]" = {
    p: (SCRIPT_FILE_OPTIONS[p], reader) for p, reader in _SCRIPT_READERS.items()}
_VALUED_OF = {"m4": frozenset({"-D", "--define", "-U", "--undefine", "-I", "--include", "-d", "--debug", "-o",
                               "--error-output", "-l", "--arglength", "-F", "--freeze-state", "-R",
                               "--reload-state"}),
              "gnuplot": frozenset({"-e", "-c", "-d", "--default-settings"})}


# tools that run the commands a file of theirs names: program → (options that take a value, flags
# under which it runs nothing). Their files become shell text in adr/shell/provisioners.py.
_PROVISIONERS: "dict[str, tuple[frozenset[str], frozenset[str]]]" = {
    "ansible-playbook": (frozenset({"-i", "--inventory", "-e", "--extra-vars", "-l", "--limit", "-t", "--tags",
                                    "--skip-tags", "-u", "--user", "-f", "--forks", "--vault-id",
                                    "--vault-password-file", "--private-key", "--key-file", "-c", "--connection",
                                    "-M", "--module-path", "--start-at-task", "--become-user", "--become-method",
                                    "-T", "--timeout", "--ssh-common-args", "--ssh-extra-args", "--scp-extra-args",
                                    "--sftp-extra-args", "-C"}),
                         frozenset({"--syntax-check", "--list-tasks", "--list-hosts", "--list-tags", "-h", "--help"})),
    "logrotate": (frozenset({"-s", "--state", "-l", "--log", "-m", "--mail"}),
                  frozenset({"-d", "--debug", "-h", "--help", "--usage", "--version"})),
    "run-parts": (frozenset({"-u", "--umask", "--arg", "-a", "--regex"}),
                  frozenset({"--test", "--list", "-h", "--help", "-V", "--version"})),
}
_TF_RUNS = frozenset({"apply", "destroy", "plan", "refresh", "import", "console", "test", "graph"})


def _provision_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`ansible-playbook p.yml` (its shell/command/raw/script tasks), `terraform apply` (the folder's
    local-exec provisioners and external data sources), `packer build t.pkr.hcl`, `logrotate -f CONF`
    (its pre/postrotate scripts), `run-parts DIR` (every file in DIR, run), `nmap --script=x.nse`."""
    prog, args = c.program, list(c.args)
    how = _how(c)
    if prog in ("terraform", "tofu"):
        where, k = here, 0
        while k < len(args) and args[k].startswith("-"):
            if args[k].startswith("-chdir="):
                where = resolve(args[k].split("=", 1)[1], here, home)
            k += 1
        if k >= len(args) or args[k] not in _TF_RUNS or not where:
            return []
        return [Run(SCRIPT, how, where, (where,), language="provision:terraform", mode="shell")]
    if prog == "packer":
        if args[:1] != ["build"]:
            return []
        pos = [a for a in args[1:] if not a.startswith("-")]
        return [Run(SCRIPT, how, here, (p,), language="provision:packer", mode="shell")
                for a in pos[-1:] if (p := resolve(a, here, home))]
    if prog == "ansible":
        # `ansible HOSTS -m script -a 'x.sh ARGS'`: the local script is copied to each host and run there
        from adr.shell.fleet import ansible_module_args
        from adr.shell.provisioners import ansible_script
        module, arg = ansible_module_args(args)
        words = ansible_script(module, arg)
        path = resolve(words[0], here, home) if words else ""
        return [Run(SCRIPT, how, here, (path,), args=tuple(words[1:]), mode="exec")] if path else []
    if prog == "nmap":
        given = [a.split("=", 1)[1] if a.startswith("--script=") else args[k + 1]
                 for k, a in enumerate(args) if a.startswith("--script=") or a == "--script" and k + 1 < len(args)]
        names = [v for g in given for v in g.split(",") if v.endswith(".nse") or "/" in v]  # (not categories)
        return [Run(SCRIPT, how, here, (p,), language="lua", mode="interpreter")
                for v in names[:8] if (p := resolve(v, here, home))]
    valued, idle = _PROVISIONERS[prog]
    if any(a in idle for a in args):
        return []
    from adr.shell.words import positionals
    pos = positionals(args, valued)
    paths = [p for a in pos[:8] if (p := resolve(a, here, home))]
    if prog == "run-parts":
        return [Run(SCRIPT, how, here, (p,), mode="run-parts") for p in paths[:1]]
    kind = "ansible" if prog == "ansible-playbook" else "logrotate"
    # (ansible-playbook: the line's ANSIBLE_CONFIG / ANSIBLE_ROLES_PATH / ANSIBLE_COLLECTIONS_PATH[S], as args)
    env = tuple(e for e in c.env if e.partition("=")[0] in ANSIBLE_ENVS) if kind == "ansible" else ()
    return [Run(SCRIPT, how, here, (p,), language="provision:" + kind, mode="shell", args=env) for p in paths]


def _script_file_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    opts, reader = _SCRIPT_FILE_OPTIONS[c.program]
    args = list(c.args)
    out: list[Run] = []
    for i, a in enumerate(args):
        name = args[i + 1] if a in opts and i + 1 < len(args) else \
            a.split("=", 1)[1] if a.startswith("--") and a.split("=", 1)[0] in opts else ""
        if name in ("NONE", "NORC", "DEFAULTS") and c.program != "gdb":
            continue  # vim -u NONE: no vimrc at all
        path = resolve(name, here, home) if name else ""
        if path and not pseudo_file(path):
            out.append(Run(SCRIPT, _how(c), here, (path,), mode="shell",
                           language=reader if reader.startswith("eval:") else "stdin:" + reader))
    if c.program in _VALUED_OF:
        from adr.shell.words import positionals
        for name in positionals(args, _VALUED_OF[c.program])[:8]:
            path = resolve(name, here, home) if name != "-" else ""
            if path and not pseudo_file(path):
                out.append(Run(SCRIPT, _how(c), here, (path,), language="stdin:" + reader, mode="shell"))
    return out[:8]


def _cargo_runs(c: SimpleCommand, here: str, home: str, commands: tuple[SimpleCommand, ...] = ()) -> list[Run]:
    """`cargo [+toolchain] [-C DIR] build|test|run …`: cargo compiles and runs the package's build
    scripts first, unasked (build.rs, or Cargo.toml's `build = "…"`, and those of the local crates it
    builds), then what the subcommand runs of the crate: `run` its program, `test` its tests (src/
    and tests/), `bench` its benchmarks. The walk reads Cargo.toml for the rest (BUILD)."""
    args, i, where = c.args, 0, here
    configs: list[str] = []
    while i < len(args) and (args[i].startswith(("-", "+"))):
        if args[i] in _CARGO_VALUED and i + 1 < len(args):
            if args[i] == "-C":
                where = resolve(args[i + 1], here, home)
            elif args[i] == "--config":
                configs.append(args[i + 1])
            i += 1
        elif args[i].startswith("--config="):
            configs.append(args[i].split("=", 1)[1])
        i += 1
    if i < len(args) and where and args[i] not in _CARGO_BUILDS and args[i] not in _CARGO_OWN \
            and _CARGO_WORD.fullmatch(args[i]):
        # `cargo xx`: an `[alias]` of cargo's configuration may name it (`xx = "run --manifest-path …"`) —
        # the walk reads the configuration and judges the cargo line it stands for (sources._cargo)
        return [Run(BUILD, _how(c), where, (where,), names=("cargo", args[i]), args=tuple(args[i + 1:]),
                    mode="alias")]
    if i >= len(args) or args[i] not in _CARGO_BUILDS or not where:
        return []
    sub = _CARGO_ALIAS.get(args[i], args[i])
    rest = list(args[i + 1:])
    rest = rest[:rest.index("--")] if "--" in rest else rest
    configs += [rest[k + 1] for k, o in enumerate(rest[:-1]) if o == "--config"]
    configs += [o.split("=", 1)[1] for o in rest if o.startswith("--config=")]
    if "--manifest-path" in rest[:-1]:
        where = resolve(posixpath.dirname(rest[rest.index("--manifest-path") + 1]) or ".", here, home) or where
    mode = {"run": "run", "test": "test", "bench": "bench", "nextest": "test"}.get(sub, "build")
    if sub == "install" and "--path" not in rest and any(not a.startswith("-") for a in rest):
        mode = "elsewhere"  # `cargo install ripgrep`: a crate from a registry or git (an install: judged as one)
    if sub == "build" and any(d.program_path and resolve(d.program_path, here, home).startswith(
            (posixpath.join(where, "target") + "/",)) for d in _after(c, commands)):
        mode = "run"  # `cargo build && ./target/debug/x`: what it built runs next
    out = [Run(BUILD, _how(c), where, (where,), names=("cargo", sub), args=tuple(rest) + tuple(
        "--config=" + v for v in configs), mode=mode)]
    for e in c.env:  # `RUSTC_WRAPPER=/tmp/w cargo build`, `CARGO_TARGET_…_RUNNER=… cargo run`
        name, _, val = e.partition("=")
        if val.strip() and (name in _CARGO_PROGRAM_VARS or name.startswith("CARGO_TARGET_") and (
                name.endswith("_LINKER") or name.endswith("_RUNNER") and mode != "build")):
            out.append(Run(COMMAND, _how(c), where, args=(val + " FILE",), names=(f"cargo runs {name}",)))
    return out


def cargo_selected(args: "tuple[str, ...]") -> "dict[str, list[str]]":
    """`--bin X`, `--example X`, `--test X`, `--bench X`, `-p X` … of a cargo command line, by option."""
    out: dict[str, list[str]] = {}
    for k, o in enumerate(args):
        if o in ("--bin", "--example", "--test", "--bench", "-p", "--package") and k + 1 < len(args):
            out.setdefault(o.lstrip("-")[:7] if o != "-p" else "package", []).append(args[k + 1])
        elif o.startswith(("--bin=", "--example=", "--test=", "--bench=", "--package=")):
            key, _, v = o[2:].partition("=")
            out.setdefault(key, []).append(v)
        elif o in ("--workspace", "--all", "--tests", "--benches", "--all-targets", "--examples", "--bins", "--lib"):
            out.setdefault(o[2:], [])
    return out


# go: the options whose value is the next word, and the subcommands that run the package's code
_GO_VALUED = frozenset({
    "C", "exec", "toolexec", "vettool", "overlay", "modfile", "tags", "o", "ldflags", "gcflags", "asmflags", "mod",
    "p", "pkgdir", "run", "skip", "bench", "benchtime", "count", "coverprofile", "covermode", "coverpkg", "cpu",
    "parallel", "timeout", "list", "shuffle", "fuzz", "fuzztime", "fuzzminimizetime", "outputdir", "memprofile",
    "memprofilerate", "cpuprofile", "blockprofile", "blockprofilerate", "mutexprofile", "mutexprofilefraction",
    "trace", "compiler", "installsuffix", "buildmode", "pgo", "gccgoflags", "debug-actiongraph", "reuse",
    "coverageredesign"})
_GO_SUBS = {"run": "run", "test": "test", "generate": "generate", "build": "build", "install": "build",
            "vet": "build"}
_GO_RUNS_AROUND = {"exec": "go {sub} -exec: runs the program it built through it",
                   "toolexec": "go {sub} -toolexec: runs every compiler and linker call through it",
                   "vettool": "go {sub} -vettool: runs it as the vet tool"}


def _go_runs(c: SimpleCommand, here: str, home: str, commands: tuple[SimpleCommand, ...] = ()) -> list[Run]:
    """`go run|test|generate|build|install|vet …`: the packages whose code runs (the package folder of
    `go run .`, every package `go test ./...` names, with their `_test.go` files; the
    `//go:generate` lines of `go generate`), and the programs `-exec` / `-toolexec` / `-vettool` put
    around what go builds. The walk follows the module's own imports (go.mod) from there."""
    args = list(c.args)
    sub = _GO_SUBS.get(args[0], "") if args else ""
    if not sub:
        return []
    how = _how(c)
    base = here
    words: list[str] = []
    opts: list[tuple[str, str]] = []
    for e in c.env:  # `GOFLAGS=-toolexec=/tmp/x go build`: flags every go command takes
        if e.startswith("GOFLAGS="):
            opts += [(f.lstrip("-").partition("=")[0], f.partition("=")[2]) for f in e[8:].split() if f.startswith("-")]
    i = 1
    flags = True
    while i < len(args):
        a = args[i]
        if a == "-args" or a == "--args":
            break
        if a == "--" and flags:
            if words:
                break  # `go run a.go -- x.go`: the program's arguments
            flags = False
            i += 1
            continue
        if flags and a.startswith("-") and len(a) > 1:
            name, eq, val = a.lstrip("-").partition("=")
            if not eq and name in _GO_VALUED and i + 1 < len(args):
                val = args[i + 1]
                i += 1
            opts.append((name, val))
            if name == "C" and val:
                base = resolve(val, here, home) or base
            i += 1
            continue
        if sub == "run" and not a.endswith(".go"):
            if not words:
                words.append(a)  # `go run PKG ARGS…`
            break  # (`go run a.go b.go ARGS…`: the rest are the program's arguments)
        words.append(a)
        i += 1
    out: list[Run] = []
    for name, val in opts:
        if name in _GO_RUNS_AROUND and val.strip():
            out.append(Run(COMMAND, how, here, args=(val + (" FILE" if name != "vettool" else ""),),
                           names=(_GO_RUNS_AROUND[name].format(sub=sub),)))
    if sub == "build" and args[0] == "install":
        # `go install ./cmd/x && x`: the program goes to GOBIN (~/go/bin), on PATH, and runs by its bare name
        first = next((w for w in words if not w.endswith("/...") and "@" not in w), "." if not words else "")
        name = posixpath.basename(resolve(first, base, home) or "") if first else ""
        gobin = (posixpath.join(home, "go/bin", name),) if home and name else ()
        if not name or not any(d.program == name and (not d.program_path or resolve(d.program_path, here, home) in gobin)
                               for d in _after(c, commands)):
            return out
        sub = "run"
    elif sub == "build":
        # `go build -o app . && ./app`: what it built runs next (go names it after the package's folder)
        built = next((v for n, v in opts if n == "o"), "")
        if not built:
            first = next((w for w in words if not w.endswith("/...")), ".")
            built = posixpath.splitext(posixpath.basename(first))[0] if first.endswith(".go") else \
                posixpath.basename(resolve(first, base, home) or "")
        target = resolve(built, base, home) if built else ""
        if not target or not any(d.program_path and resolve(d.program_path, here, home) in (
                target, posixpath.join(target, posixpath.basename(target))) for d in _after(c, commands)):
            return out
        sub = "run"
    overlay = next((resolve(v, base, home) for n, v in opts if n == "overlay" and v), "")
    specs: list[str] = []
    imports: list[str] = []
    for w in words or ["."]:
        if w.endswith(".go"):
            p = resolve(w, base, home)
            if p:
                specs.append(p)
            continue
        if "@" in w:
            continue  # `go run x@v1`: a published module, not the project's code
        rec = w == "..." or w.endswith("/...")
        folder = w[:-4] if w.endswith("/...") else ("." if w == "..." else w)
        if folder.startswith((".", "/")) or folder == "":
            p = resolve(folder or ".", base, home)
            if p:
                specs.append(p + "/..." if rec else p)
        else:
            imports.append(w)  # an import path: the module's own package, when go.mod says so
    if overlay:
        specs.append(overlay)
    if specs or imports:
        out.append(Run(SOURCES, how, base, tuple(specs), names=tuple(imports), language="go", mode=sub,
                       args=(("-overlay=" + overlay),) if overlay else ()))
    return out


_MVN_VALUED = frozenset({"-f", "--file", "-pl", "--projects", "-s", "--settings", "-gs", "--global-settings", "-t",
                         "--toolchains", "-rf", "--resume-from", "-T", "--threads", "-P", "--activate-profiles",
                         "-l", "--log-file", "-D", "--define", "-b", "--builder"})
_GRADLE_VALUED = frozenset({"-p", "--project-dir", "-b", "--build-file", "-c", "--settings-file", "-I", "--init-script",
                            "-g", "--gradle-user-home", "-x", "--exclude-task", "--include-build", "-D", "--system-prop",
                            "-P", "--project-prop", "--console", "--warning-mode", "-M", "--max-workers", "--priority"})
_JVM_QUIET = frozenset({"--version", "-v", "-version", "--help", "-h", "-?"})  # (`gradle help` configures the build)


def _jvm_build_runs(c: SimpleCommand, here: str, home: str, program: str = "",
                    args: "tuple[str, ...] | None" = None) -> list[Run]:
    """`mvn GOALS` / `gradle TASKS` (and their wrappers, `./mvnw`, `./gradlew`, `sh gradlew`): the build
    files are code or name code the build runs (pom.xml's exec and antrun plugins, build.gradle itself,
    its `exec { commandLine … }`), then the project's sources: `exec:java` / `run` the main class,
    `test` / `check` / `build` / `verify` / `install` the tests. The walk reads the build files (BUILD)."""
    tool = "maven" if (program or c.program).startswith("mvn") else "gradle"
    args = list(c.args if args is None else args)
    if not args and tool == "maven" or _JVM_QUIET.intersection(args[:2]):
        return []
    valued = _MVN_VALUED if tool == "maven" else _GRADLE_VALUED
    goals: list[str] = []
    where = here
    i = 0
    while i < len(args):
        a = args[i]
        if a in valued and i + 1 < len(args):
            if a in ("-p", "--project-dir") and tool == "gradle" or a in ("-f", "--file") and tool == "maven":
                t = resolve(args[i + 1], here, home)
                where = (posixpath.dirname(t) if t.endswith((".xml", ".gradle", ".kts")) else t) or where
            i += 2
            continue
        if not a.startswith("-"):
            goals.append(a)
        i += 1
    if not goals:
        if tool == "gradle":
            goals = ["help"]  # (gradle alone runs the `help` task: the build scripts still run)
        else:
            return []
    if tool == "maven":
        test = any(g.split(":")[-1] in _MVN_TEST_PHASES for g in goals)
        run = any(g in ("exec:java", "exec:exec") or g.endswith(("exec-maven-plugin:java", "exec-maven-plugin:exec"))
                  for g in goals)
    else:
        test = any(g.split(":")[-1] in _GRADLE_TEST_TASKS for g in goals)
        run = any(g.split(":")[-1] in ("run", "bootRun") for g in goals)
    mode = "test" if test else "run" if run else "build"
    if run and test:
        mode = "test-run"
    out = [Run(BUILD, _how(c), where, (where,), names=(tool, *goals[:16]), args=tuple(args), mode=mode)]
    for e in c.env:  # `MAVEN_OPTS=-javaagent:… mvn`: the JVM that runs the build starts with them
        name, _, val = e.partition("=")
        if name in JVM_OPTS and val.strip():
            out.append(Run(COMMAND, _how(c), where, args=(f"JAVA_TOOL_OPTIONS={shlex.quote(val)} {tool}",),
                           names=(f"the build's JVM starts with {name}",)))
    return out


_MVN_TEST_PHASES = frozenset({"test", "integration-test", "verify", "install", "deploy", "package", "site",
                              "pre-integration-test", "post-integration-test", "surefire:test",
                              "failsafe:integration-test"})  # (phases that reach `test`, and the test plugins)
_GRADLE_TEST_TASKS = frozenset({"test", "check", "build", "integrationTest", "connectedCheck", "testDebugUnitTest",
                                "testReleaseUnitTest", "allTests", "jvmTest"})
_DOTNET_BUILDS = frozenset({"run", "test", "build", "publish", "pack", "watch", "msbuild", "restore", "clean"})
_SWIFT_BUILDS = frozenset({"build", "run", "test"})


# programs that run a source file given to them, and compilers whose output a later command may run
_SOURCE_RUNNERS = frozenset({"java", "dotnet", "swift", "kotlin", "kotlinc", "kotlinc-jvm", "scala", "scala-cli",
                             "groovy", "jbang", "rust-script", "tcc", "dart", "runghc", "runhaskell", "elixir", "escript",
                             "stack", "cabal", "mix"})
_SCRIPT_RUNNER_LANG = {"escript": "erlang", "elixir": "elixir", "runghc": "haskell", "runhaskell": "haskell"}
# a runner's subcommand before the source file it runs (`dart run x.dart`, `stack runghc x.hs`, `mix run x.exs`)
_RUN_VERBS = {"scala": ("run",), "scala-cli": ("run",), "jbang": ("run",), "dart": ("run",), "cabal": ("run",),
              "mix": ("run",), "stack": ("runghc", "runhaskell", "script", "run")}
_COMPILERS = frozenset({"gcc", "cc", "g++", "c++", "clang", "clang++", "tcc", "rustc", "swiftc", "javac", "mcs",
                        "csc"})
_SOURCE_VALUED = frozenset({"-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-modules", "--source",
                            "--project", "-c", "--configuration", "-f", "--framework", "-r", "--runtime",
                            "-o", "-I", "-L", "-l", "-x", "-MF", "-include", "--edition", "--crate-type",
                            "--crate-name", "--target", "--out-dir", "-d", "-opt", "--package-path"})
MAX_FOLDER_SOURCES = 24  # files named on one command line (`gcc a.c b.c …`, `go run a.go b.go`), run-parts' folder
# a program that is a folder's files by extension: compiled sources (adr/daemon/sources.py reads them),
# a Terraform configuration (its *.tf)
FOLDER_EXT = {**SOURCE_EXT, ".tf": "provision:terraform"}
FOLDER_LANGS = frozenset(FOLDER_EXT.values())


def _source_ext_lang(word: str) -> str:
    if word.endswith(".main.kts"):
        return "java"
    return SOURCE_EXT.get(posixpath.splitext(word)[1].lower(), "")


def _source_runs(c: SimpleCommand, commands: tuple[SimpleCommand, ...], here: str, home: str) -> list[Run]:
    """A compiled language's program run from its source: `java Main.java`, `swift x.swift`, `groovy
    x.groovy`, `kotlinc -script x.kts`, `tcc -run x.c`, `dotnet app.cs` — and `gcc x.c -o x && ./x`:
    compiled, then run by a later command of the line; `dotnet run|test|build …` and `swift
    build|run|test` build a project (BUILD: the walk reads the project's files)."""
    prog, args = c.program, list(c.args)
    how = _how(c)
    rest = args[:args.index("--")] if "--" in args else args
    pos: list[str] = []
    opts: dict[str, str] = {}
    i = 0
    while i < len(rest):
        a = rest[i]
        if a in _SOURCE_VALUED and i + 1 < len(rest):
            opts[a] = rest[i + 1]
            i += 2
            continue
        if a.startswith("-o") and len(a) > 2 and prog in _COMPILERS:
            opts["-o"] = a[2:]
        elif a == "-jar":
            # a built archive, not source: what runs is the archive (a download of it is judged as one)
            path = resolve(rest[i + 1], here, home) if i + 1 < len(rest) and not rest[i + 1].startswith("<(") else ""
            return [Run(SCRIPT, how, here, (path,), language="jar", mode="exec")] if path else []
        elif not a.startswith("-") or a == "-":
            pos.append(a)
        i += 1
    if prog == "dotnet":
        files = [p for p in pos[1:] if p.endswith(".cs")] if pos[:1] == ["run"] else pos[:1] if pos[:1] and \
            pos[0].endswith(".cs") else []
        if files:  # `dotnet app.cs`, `dotnet run app.cs` (a file-based program)
            return [Run(SCRIPT, how, here, (p,), language="csharp", mode="interpreter")
                    for f in files if (p := resolve(f, here, home))]
        sub = pos[0] if pos else ""
        if sub == "watch":  # `dotnet watch [run|test]`
            sub = pos[1] if len(pos) > 1 and pos[1] in ("run", "test", "build") else "run"
        if sub not in _DOTNET_BUILDS or not here:
            return []
        # the project: `--project X`, else a project file or folder named after the subcommand, else here
        proj = opts.get("--project") or opts.get("-p") or next(
            (p for p in pos[1:] if p.endswith(DOTNET_PROJECTS + DOTNET_SOLUTIONS + (".proj",)) or "/" in p or p in (".", "..")), ".")
        target = resolve(proj, here, home)
        if not target:
            return []
        mode = {"run": "run", "test": "test", "watch": "run"}.get(sub, "build")
        return [Run(BUILD, how, here, (target,), names=("dotnet", sub), args=tuple(args), mode=mode)]
    if prog == "swift" and pos[:1] and pos[0] in _SWIFT_BUILDS:
        where = resolve(opts["--package-path"], here, home) if opts.get("--package-path") else here
        mode = {"run": "run", "test": "test"}.get(pos[0], "build")
        if mode == "build" and where and any(d.program_path and resolve(d.program_path, here, home).startswith(
                posixpath.join(where, ".build") + "/") for d in _after(c, commands)):
            mode = "run"  # `swift build && .build/debug/x`: what it built runs next
        return [Run(BUILD, how, where, (where,), names=("swift", pos[0]), args=tuple(args), mode=mode)] if where else []
    sources = [p for p in pos if _source_ext_lang(p)]
    if prog in _COMPILERS and not (prog == "tcc" and "-run" in args):
        # compiled here; run only when a later command of the line runs what it made
        if not sources:
            return []
        lang = _source_ext_lang(sources[0])
        if prog == "javac":
            made = {posixpath.splitext(posixpath.basename(s))[0] for s in sources}
            runs_it = any(d.program == "java" and any(a in made for a in d.args) for d in _after(c, commands))
        else:
            out = opts.get("-o") or ("a.out" if lang == "c" else posixpath.splitext(posixpath.basename(sources[0]))[0])
            built = resolve(out, here, home)
            runs_it = bool(built) and any(d.program_path and resolve(d.program_path, here, home) == built
                                          for d in _after(c, commands))
        if not runs_it:
            return []
        # the files named (and, as the walk reads them, what they include or declare as modules)
        paths = tuple(p for s in sources[:MAX_FOLDER_SOURCES] if (p := resolve(s, here, home)))
        return [Run(SOURCES, how, here, paths, language=lang, mode="run")] if paths else []
    if pos[:1] and pos[0] in _RUN_VERBS.get(prog, ()):
        pos = pos[1:]
    elif prog in ("stack", "cabal", "mix"):
        return []  # (their other subcommands build or test a project: no source file run as such)
    first = pos[0] if pos else ""
    # (an escript or an elixir/haskell script without the usual extension is still the runner's language)
    lang = _source_ext_lang(first) or (_SCRIPT_RUNNER_LANG.get(prog, "") if first else "")
    path = resolve(first, here, home) if lang else ""
    return [Run(SOURCES, how, here, (path,), language=lang, mode="run")] if path else []


def _after(c: SimpleCommand, commands: tuple[SimpleCommand, ...]) -> tuple[SimpleCommand, ...]:
    for k, d in enumerate(commands):
        if d is c:
            return commands[k + 1:]
    return ()


def _config_runs(c: SimpleCommand, here: str, home: str, prog: str = "",
                 args: "tuple[str, ...] | None" = None) -> list[Run]:
    """The files a tool loads before doing its work (adr/shell/toolconfigs.py): code as a script of
    its language, command files as BUILD runs (their commands; a named task's only). `prog`/`args`:
    the tool as a package manager starts it (`yarn vite build`)."""
    from adr.shell import toolconfigs as T
    prog, args = prog or c.program, c.args if args is None else args
    if prog == "earthly":
        got = T.earthly_loads(args, here, home, resolve)
    elif prog == "cmake":
        got = T.cmake_loads(args, here, home, resolve)
    else:
        got = T.loads(prog, args, here, home, resolve, c.env)
    how = _how(c)
    return [Run(SCRIPT, how, here, (ld.path,), language=ld.language, mode="interpreter") if ld.language
            else Run(SCRIPT, how, here, (ld.path,), mode="exec") if ld.program
            else Run(BUILD, how, here, (ld.path,), names=("config",) + ld.names, args=ld.families, mode=ld.like)
            for ld in got]


_PM_BIN_VERBS = frozenset({"run", "run-script", "exec", "x", "dlx"})


def _package_bin_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`yarn vite build`, `pnpm run jest`, `npm exec -- rake`: with no script of that name the package
    manager starts the installed program, which loads its files as it does when started directly."""
    args = list(c.args)
    k = 0
    while k < len(args) and args[k].startswith("-"):
        k += 2 if args[k] in _PM_VALUED else 1
    if k < len(args) and args[k] in _PM_BIN_VERBS:
        k += 1
        while k < len(args) and args[k].startswith("-"):
            k += 2 if args[k] in _PM_VALUED else 1
    if k >= len(args) or args[k] not in CONFIG_TOOLS or args[k] == "task":
        return []
    return _config_runs(c, here, home, args[k], tuple(args[k + 1:]))
_CARGO_VALUED = frozenset({"-C", "--color", "--config", "-Z"})
_CARGO_PROGRAM_VARS = CARGO_PROGRAM_VARS
_CARGO_WORD = lazyre.compile(r"[a-z][\w-]{0,63}")  # a subcommand an [alias] may define
# cargo's own subcommands (an alias cannot redefine one) and rustup's fmt, on every machine with cargo
_CARGO_OWN = frozenset({"new", "init", "add", "remove", "tree", "search", "login", "logout", "owner", "metadata",
                        "locate-project", "pkgid", "update", "vendor", "verify-project", "version", "yank",
                        "generate-lockfile", "fetch", "clean", "help", "config", "report", "info", "uninstall",
                        "read-manifest", "fmt"})
_CARGO_ALIAS = {"b": "build", "r": "run", "t": "test", "c": "check", "d": "doc", "llvm-cov": "test", "tarpaulin": "test"}
_CARGO_BUILDS = frozenset({"build", "b", "run", "r", "test", "t", "check", "c", "bench", "clippy", "doc", "d", "rustc",
                           "nextest", "llvm-cov", "tarpaulin",
                           "install", "package", "publish", "fix"})


# database clients that run the statements of a file given on stdin (or with psql -f / sqlite3 .read)
SQL_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "duckdb", "cqlsh", "clickhouse-client", "sqlcmd",
                         "snowsql", "cockroach", "usql", "pgcli", "mycli", "litecli", "mongosh", "mongo"})


def _sql_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`psql < wipe.sql`, `psql -f wipe.sql`, `sqlite3 app.db ".read wipe.sql"`: the file's statements
    are what the client runs (language "sql:CLIENT", judged as a heredoc into that client)."""
    lang = "sql:" + c.program
    out = _stdin_file_runs(c, lang, here, home)
    args = list(c.args)
    for i, a in enumerate(args):
        name = args[i + 1] if (a in ("-f", "--file") or a == "-init" and c.program in ("sqlite3", "duckdb")) \
            and i + 1 < len(args) else \
            a.split("=", 1)[1] if a.startswith("--file=") else \
            a.split(None, 1)[1] if a.startswith((".read ", "source ", "\\i ")) and " " in a else ""
        if not name and c.program in ("mongosh", "mongo") and a.endswith(".js") and not a.startswith("-") \
                and (i == 0 or args[i - 1] not in _MONGO_VALUED):
            name = a  # `mongosh prod wipe.js`: each .js operand is a script the shell runs
        path = resolve(name.strip(), here, home) if name.strip() else ""
        if path and not pseudo_file(path):
            out.append(Run(SCRIPT, _how(c), here, (path,), language=lang, mode="shell"))
    return out[:8]


# CloudFormation calls that make a stack what a template file says: what the template leaves out is
# deleted (a stack emptied by a template holding only a placeholder takes every resource with it)
_CFN_APPLY = frozenset({"deploy", "update-stack", "create-change-set"})


def _cloudformation_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`aws cloudformation deploy --template-file t.yaml`, `update-stack` / `create-change-set
    --template-body file://t.yaml`: the template is judged as if given inline (`--template-body TEXT`,
    language "cfn:SUBCOMMAND"), so one rule reads it however it was named. `deploy
    --no-execute-changeset` changes nothing."""
    args = list(c.args)
    k = args.index("cloudformation")
    sub = next((a for a in args[k + 1:] if not a.startswith("-")), "")
    if sub not in _CFN_APPLY or "--no-execute-changeset" in args:
        return []
    for i, a in enumerate(args):
        opt, eq, val = a.partition("=")
        if opt not in ("--template-file", "--template-body"):
            continue
        if not eq:
            val = args[i + 1] if i + 1 < len(args) else ""
        if opt == "--template-body":
            if not val.startswith("file://"):
                continue  # inline: the rule reads it on the line
            val = val[len("file://"):]
        path = resolve(val, here, home) if val else ""
        if path and not pseudo_file(path):
            return [Run(SCRIPT, _how(c), here, (path,), language="cfn:" + sub, mode="shell")]
    return []


_MONGO_VALUED = frozenset({"--eval", "--host", "--port", "-u", "--username", "-p", "--password", "--authenticationDatabase",
                           "--tlsCAFile", "--tlsCertificateKeyFile", "--apiVersion", "--file", "-f"})


def _shell_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    args = c.args
    out: list[Run] = []
    i = 0
    stdin = False
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            break
        if a in _SHELL_VALUED:
            if a in ("--rcfile", "--init-file") and i + 1 < len(args):
                rc = resolve(args[i + 1], here, home)
                if rc:
                    out.append(Run(SCRIPT, _how(c), here, (rc,), language="shell", mode="source"))
            i += 2
            continue
        if len(a) > 1 and a[0] in "-+" and not a.startswith("--"):
            if "c" in a[1:] and a[0] == "-":
                if args[i + 1:i + 2] == ("{}",) and ("xargs" in c.wrappers or "parallel" in c.wrappers):
                    # `xargs -I{} sh -c '{}' < cmds.txt`: each line of the file is the script
                    return out + _stdin_file_runs(c, "shell", here, home)
                return out  # sh -c '…': inline, the shell layer follows it
            if "s" in a[1:] and a[0] == "-":
                stdin = True
            i += 1
            continue
        if a.startswith("--"):
            i += 1
            continue
        break
    if not stdin and i < len(args) and args[i] in STDIN_PATHS:
        stdin = True  # `bash /dev/stdin < a.sh`, `bash /proc/self/fd/0 < a.sh`: the script is on stdin
    if not stdin and i < len(args):
        path = resolve(args[i], here, home)
        if path and not pseudo_file(path):
            out.append(Run(SCRIPT, _how(c), here, (path,), language="shell", args=args[i + 1:], mode="shell"))
            if posixpath.basename(path) in ("gradlew", "mvnw") and here:  # `sh gradlew build`: the wrapper runs the build
                out += _jvm_build_runs(c, here, home, posixpath.basename(path), tuple(args[i + 1:]))
        return out
    out.extend(_stdin_file_runs(c, "shell", here, home))
    return out


_CRONTAB_STDIN = "stdin:crontab -"  # a crontab file is judged as the same lines fed to `crontab -`


def _crontab_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`crontab FILE`, `crontab < FILE`, `crontab -u USER FILE`: the file's lines become the table, judged
    as they are when fed to `crontab -` (a job that downloads and runs code is denied there)."""
    args = list(c.args)
    if any(a in ("-l", "-r", "-e", "-i", "-T", "-V") for a in args):
        return []
    pos, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-u", "-c", "-s"):
            skip = a == "-u" or a == "-c"
        elif not a.startswith("-") or a == "-":
            pos.append(a)
    if pos and pos[0] != "-":
        path = resolve(pos[0], here, home)
        if path and not pseudo_file(path):
            return [Run(SCRIPT, _how(c), here, (path,), language=_CRONTAB_STDIN, mode="shell")]
        return []
    return _stdin_file_runs(c, _CRONTAB_STDIN, here, home)


def _stdin_file_runs(c: SimpleCommand, lang: str, here: str, home: str) -> list[Run]:
    """`sh < a.sh`, `python3 < a.py`: a file on stdin is the program."""
    out = []
    for r in c.redirects:
        if r.op == "<" and r.fd in ("", "0"):
            path = resolve(r.target, here, home)
            if path and not pseudo_file(path):
                out.append(Run(SCRIPT, f"{_how(c)} < {r.target}", here, (path,), language=lang, mode="shell"))
    return out


def _reader_runs(c: SimpleCommand, commands: tuple[SimpleCommand, ...], here: str, home: str) -> list[Run]:
    """`cat a.sh | bash`, `bash <(cat a.sh)`: a file read into a shell or interpreter; `cat x.sql |
    sqlite3 app.db`: into a database client (its statements and dot-commands, as `sqlite3 app.db < x.sql`)."""
    lang, runner = "", ""
    for p in c.downstream:
        # (`eval "$(cat a.sh)"`: the file's text is eval's script, as `. a.sh` would run it)
        lang = "shell" if p in SHELLS or p == "eval" and c.via.endswith("$(…)") else \
            ("sql:" + p) if p in SQL_CLIENTS else _CRONTAB_STDIN if p == "crontab" else (_interpreter_language(p) or "")
        if lang:
            runner = p
            break
    if not lang and c.via.endswith("<(…)"):
        for other in commands:
            if c.program in other.upstream and any(a.startswith("<(") and c.raw in a for a in other.args):
                p = other.program
                lang = "shell" if p in SHELLS or p in ("source", ".") else (_interpreter_language(p) or "")
                if lang:
                    runner = p
                    break
    if not lang:
        # `cat x.gdb | gdb -batch`, `cat cmds | ftp -n host`: a program reading its own commands on stdin
        # (as `gdb -batch < x.gdb`, judged with that program's words)
        scripted = next((o for o in commands if o.piped and c.program in o.upstream and o is not c
                         and _reads_own_commands(o)), None)
        if scripted is None:
            return []
        runner = scripted.program
        lang = "stdin:" + " ".join([runner] + [shlex.quote(a) for a in scripted.args[:16]])
    out = []
    for a in c.args:
        if a.startswith("-"):
            continue
        path = resolve(a, here, home)
        if path and not pseudo_file(path):
            out.append(Run(SCRIPT, f"{_how(c)} | {runner}", here, (path,), language=lang, mode="shell"))
    if 1 < len(out) <= 8 and c.program == "cat" and ":" not in lang:
        # `cat a b | sh`: the program is the files joined as they are (`curl … ` in one, `| sh` in the next)
        out.append(Run(SCRIPT, f"{_how(c)} | {runner}", here, tuple(r.paths[0] for r in out), language=lang,
                       mode=CONCAT))
    return out


# pwsh's options (case-insensitive, any unique prefix): -File's value is the script; these take a value
_PS_FILE = frozenset({"-f", "-fi", "-fil", "-file"})
_PS_VALUED = frozenset({"-executionpolicy", "-ex", "-ep", "-exec", "-windowstyle", "-w", "-workingdirectory", "-wd",
                        "-outputformat", "-o", "-of", "-inputformat", "-if", "-configurationname", "-settingsfile",
                        "-version", "-v", "-custompipename"})


def _interpreter_language(prog: str) -> str:
    if prog in _NODE_LIKE or prog == "deno":
        return "node"
    lang = interpreters.language_of(prog)
    return lang if lang in ("python", "node", "perl", "ruby", "php", "lua", "tcl", "powershell", "dart", "haskell",
                            "elixir", "erlang", "r", "julia") else ""


def _lua_modules(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`lua -l x`, `lua -lx`, `lua -l g=x` (5.4): the module is required before anything runs — from
    ./x.lua or ./x/init.lua first (the default package.path starts with the working folder)."""
    args = list(c.args)
    out: list[Run] = []
    i = 0
    while i < len(args) and len(out) < 8:
        a = args[i]
        if a == "-l" and i + 1 < len(args):
            name, i = args[i + 1], i + 2
        elif a.startswith("-l") and len(a) > 2:
            name, i = a[2:], i + 1
        elif a == "-e":
            i += 2
            continue
        elif a.startswith("-") and a not in ("-", "--"):
            i += 1
            continue
        else:
            break
        name = name.split("=", 1)[-1]
        if not re.fullmatch(r"[\w.-]{1,128}", name):
            continue
        stem = name.replace(".", "/")
        for f in (stem + ".lua", stem + "/init.lua"):
            path = resolve(f, here, home)
            if path:
                out.append(Run(SCRIPT, _how(c), here, (path,), language="lua", mode="interpreter"))
    return out


def _interpreter_runs(c: SimpleCommand, lang: str, here: str, home: str) -> list[Run]:
    prog, args = c.program, list(c.args)
    if lang == "lua" and any(a.startswith("-l") for a in args):
        return _lua_modules(c, here, home) + _interpreter_runs_(c, lang, here, home)
    return _interpreter_runs_(c, lang, here, home)


def _interpreter_runs_(c: SimpleCommand, lang: str, here: str, home: str) -> list[Run]:
    prog, args = c.program, list(c.args)
    code = interpreters.inline_code(prog, tuple(args))
    if code is not None:
        # python -c / node -e: the shell layer judges the code itself; a file the code runs in turn
        # (`exec(open('t.txt').read())`, `require('./x')`, perl's `do "f"`) is a script like `python f`
        out = []
        for f in _code_loads(code[0], code[1])[:8]:
            path = resolve(f, here, home)
            if path and not pseudo_file(path):
                out.append(Run(SCRIPT, _how(c), here, (path,), language=code[0], mode="interpreter"))
        for f in (_code_shells(code[0], code[1]) + _line_runner_files(c, code[0], code[1]))[:8]:
            # `os.system(open('a.sh').read())`, `awk '{system($0)}' a.sh`: the file's text runs as shell
            path = resolve(f, here, home)
            if path and not pseudo_file(path):
                out.append(Run(SCRIPT, _how(c), here, (path,), language="shell", mode="shell"))
        if code[0] == "python" and here:
            # `python3 -c 'import x'`: the working directory is first on sys.path, so a x.py (or package x)
            # there is what runs — a json.py beside the code shadows the standard library's, as for -m
            names = [n.strip().split(".")[0] for m in _PY_IMPORTS.finditer(code[1][:65536])
                     for n in (m.group(1) or m.group(2) or m.group(3)).split(",")]
            for mod in list(dict.fromkeys(n for n in names if n))[:8]:
                out += [Run(SCRIPT, _how(c), here, (p,), language="python", mode="interpreter")
                        for p in (posixpath.join(here, mod + ".py"), posixpath.join(here, mod, "__init__.py"))]
        return out
    out: list[Run] = []
    if prog == "deno":  # deno run [options] FILE
        if args[:1] != ["run"]:
            return []
        args = args[1:]
    elif lang == "r":  # Rscript FILE, R -f FILE, R --file=FILE, R CMD BATCH FILE (R < FILE: stdin)
        if args[:2] == ["CMD", "BATCH"]:
            args = [a for a in args[2:] if not a.startswith("-")][:1]
        elif args[:1] == ["CMD"]:
            return []  # R CMD INSTALL/check/build: a package (installs are judged as installs)
        args = [a.split("=", 1)[1] if a.startswith("--file=") else a for a in args]
    elif prog == "bun":  # bun [run] FILE; `bun [run] NAME` is a package.json script (_package_runs)
        args = args[1:] if args[:1] == ["run"] else args
        if not args or not _looks_like_file(args[0]):
            return []
    valued = (_PY_VALUED if lang == "python" else _NODE_VALUED if lang == "node" else _LUA_VALUED if lang == "lua" else
              _PHP_VALUED if lang == "php" else _PERL_RUBY_VALUED if lang in ("perl", "ruby") else frozenset())
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            break
        if lang == "python" and (a == "-m" or a.startswith("-m")):
            return out  # python -m MODULE: a module from the path, not a file here
        if lang == "php" and a == "-f" and i + 1 < len(args):
            i += 1
            break
        if lang == "powershell" and a.lower() in _PS_FILE and i + 1 < len(args):  # pwsh -File x.ps1 ARGS
            i += 1
            break
        if lang == "powershell" and a.lower() in _PS_VALUED:
            i += 2
            continue
        if a in valued:
            if lang == "node" and a in _NODE_PRELOAD and i + 1 < len(args) and _looks_like_file(args[i + 1]):
                pre = resolve(args[i + 1], here, home)
                if pre:
                    out.append(Run(SCRIPT, _how(c), here, (pre,), language="node", mode="interpreter"))
            i += 2
            continue
        if a.startswith("-") and len(a) > 1:
            i += 1
            continue
        break
    if i < len(args):
        if args[i] == "-":
            return out + _stdin_file_runs(c, lang, here, home)
        path = resolve(args[i], here, home)
        if path and not pseudo_file(path):
            out.append(Run(SCRIPT, _how(c), here, (path,), language=lang, args=tuple(args[i + 1:]), mode="interpreter"))
    else:
        out.extend(_stdin_file_runs(c, lang, here, home))
    return out


_Q = r"""\s*\(?\s*['"]([^'"\s]{1,512})['"]"""
# the top-level modules inline Python imports (`import a.b`, `from a import b`, `__import__("a")`, import_module)
_PY_IMPORTS = lazyre.compile(r"(?:^|[;\n])\s*(?:import\s+(\w+(?:\.\w+)*(?:\s*,\s*\w+(?:\.\w+)*)*)|from\s+(\w+))"
                             r"|\b(?:__import__|import_module)\s*\(\s*['\"](\w+)")
_CODE_LOADS = {
    "python": lazyre.compile(r"\b(?:(?:exec|eval|compile)\s*\(\s*(?:\w+\.)*open|execfile|run_path|SourceFileLoader\s*\(\s*['\"][^'\"]*['\"]\s*,"
                             r"|spec_from_file_location\s*\(\s*['\"][^'\"]*['\"]\s*,)" + _Q),
    "node": lazyre.compile(r"(?:\b(?:eval|Function|runInThisContext|runInNewContext|runInContext|Script)\s*\(\s*"
                           r"(?:[\w$]+(?:\([^()]{0,64}\))?\.){0,4}readFileSync" + _Q + r"|\b(?:require|import)\s*\(\s*['\"](\.{1,2}/[^'\"\s]{1,512}|/[^'\"\s]{1,512})['\"])"),
    "perl": lazyre.compile(r"\b(?:do|require)" + _Q),
    "ruby": lazyre.compile(r"\b(?:load|require_relative|instance_eval\s*\(\s*File\.read|eval\s*\(?\s*File\.read)" + _Q),
    "php": lazyre.compile(r"\b(?:include|require)(?:_once)?" + _Q),
}


# a file's text handed to a function that runs a shell command (`os.system(open('a.sh').read())`)
_READ_NODE = r"(?:[\w$]+(?:\([^()]{0,64}\))?\.){0,4}readFileSync"
_CODE_SHELLS = {
    "python": lazyre.compile(r"\b(?:system|popen|call|check_call|check_output|Popen|run|getoutput|getstatusoutput)\s*\("
                             r"\s*(?:\w+\.)*(?:open|Path)" + _Q),
    "node": lazyre.compile(r"\b(?:exec|execSync|spawn|spawnSync)\s*\(\s*" + _READ_NODE + _Q),
    "ruby": lazyre.compile(r"(?:\b(?:system|exec|spawn)\s*\(?\s*|%x\(|`)\s*(?:File|IO)\.read" + _Q),
    "php": lazyre.compile(r"\b(?:system|shell_exec|exec|passthru|popen|proc_open)\s*\(\s*file_get_contents" + _Q),
    "perl": lazyre.compile(r"\b(?:system|exec)\s*\(?\s*(?:`cat\s+|scalar\s+`cat\s+)['\"]?([^'\"`\s]{1,512})"),
}
# code that runs each line of its input as a command: awk's `system($0)`, perl -n's `system($_)`
_LINE_RUNNERS = {
    "awk": lazyre.compile(r"\bsystem\s*\(\s*\$0\s*\)|\bprint\s*(?:\$0\s*)?\|\s*\"\s*(?:/bin/|/usr/bin/)?(?:ba|z|da|k)?sh\b"),
    "perl": lazyre.compile(r"\b(?:system|exec)\s*\(?\s*\$_\b|`\$_`|\bqx\s*[({/]\s*\$_\b"),
}


def _code_shells(lang: str, code: str) -> "list[str]":
    """Files whose text inline code runs as a shell command."""
    rx = _CODE_SHELLS.get(lang)
    return list(dict.fromkeys(m.group(1) for m in rx.finditer(code[:65536]))) if rx is not None else []


def _line_runner_files(c: SimpleCommand, lang: str, code: str) -> "list[str]":
    """The input files of awk or perl -n/-p code that runs every input line as a command."""
    rx = _LINE_RUNNERS.get(lang)
    if rx is None or rx.search(code[:65536]) is None or code not in c.args:
        return []
    if lang == "perl" and not any(re.fullmatch(r"-\w*[np]\w*", a) for a in c.args):
        return []
    rest = c.args[c.args.index(code) + 1:]
    return [a for a in rest if a and not a.startswith("-") and not (lang == "awk" and "=" in a)][:8]


def _code_loads(lang: str, code: str) -> "list[str]":
    """Files inline code runs as code of its own language (read and executed, loaded, required)."""
    rx = _CODE_LOADS.get(lang)
    if rx is None:
        return []
    out = [next(g for g in m.groups() if g) for m in rx.finditer(code[:65536])]
    if lang == "node":  # (a JSON file required is data)
        out = [f for f in out if not f.endswith(".json")]
    if lang in ("perl", "ruby"):  # `require "json"` is a library; a path-like operand is a file
        out = [f for f in out if "/" in f or "." in f.rsplit("/", 1)[-1]]
    return list(dict.fromkeys(out))


def _looks_like_file(word: str) -> bool:
    return "/" in word or bool(re.search(r"\.(?:[cm]?[jt]sx?|py|sh)$", word))


# ---- package managers --------------------------------------------------------------------------------

def _package_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    pm, args = c.program, list(c.args)
    where = here
    words: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.partition("=")
        if name in _PM_DIR_OPTS.get(pm, ()) and (eq or i + 1 < len(args)):
            where = resolve(value if eq else args[i + 1], here, home) or where
            i += 1 if eq else 2
            continue
        if a in _PM_VALUED and not eq:
            i += 2
            continue
        if a == "--":
            words.extend(args[i + 1:])  # arguments for the script itself
            break
        if a.startswith("-"):
            flags.add(name)
        else:
            words.append(a)
        i += 1
    ignore = "--ignore-scripts" in flags
    pkg = posixpath.join(where, "package.json") if where else ""
    if not pkg:
        return []
    sub = words[0] if words else ""
    names: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()  # (the script they go to, the words the package manager appends to it)
    if pm == "npm":
        if sub in _NPM_RUN and len(words) > 1:
            names = _with_pre_post(words[1], ignore)
            extra = (words[1], *words[2:])
        elif sub in _NPM_TEST:
            names = _with_pre_post("test", ignore)
            extra = ("test", *words[1:])
        elif sub in _NPM_OWN:
            names = _with_pre_post(sub, ignore)
            extra = (sub, *words[1:])
        elif sub in ("install-test", "it", "install-ci-test", "cit"):
            names = (() if ignore else _NPM_LIFECYCLE_INSTALL) + _with_pre_post("test", ignore)
        elif sub in _NPM_INSTALL:
            names = () if ignore else _NPM_LIFECYCLE_INSTALL
        elif sub == "pack":
            names = () if ignore else _NPM_LIFECYCLE_PACK
        elif sub == "publish":
            names = () if ignore else _NPM_LIFECYCLE_PUBLISH
        elif sub == "version":
            names = () if ignore else ("preversion", "version", "postversion")
    elif pm in ("yarn", "pnpm", "bun"):
        builtin = {"yarn": _YARN_BUILTIN, "pnpm": _PNPM_BUILTIN, "bun": _BUN_BUILTIN}[pm]
        if not words and pm == "yarn" or sub in ("install", "i", "add", "a", "ci", "rebuild", "rb", "update",
                                                  "up", "upgrade", "install-test", "it"):
            names = () if ignore else _NPM_LIFECYCLE_INSTALL
            if sub in ("install-test", "it"):
                names += _with_pre_post("test", ignore)
        elif sub == "run" and len(words) > 1:
            if pm == "bun" and _looks_like_file(words[1]):
                return []  # bun run file.ts: _interpreter_runs
            names = _with_pre_post(words[1], ignore)
            extra = (words[1], *words[2:])
        elif sub in ("test", "t", "tst") and pm != "bun":
            names = _with_pre_post("test", ignore)
            extra = ("test", *words[1:])
        elif sub in ("start", "stop", "restart"):
            names = _with_pre_post(sub, ignore)
            extra = (sub, *words[1:])
        elif sub in ("pack", "publish"):
            names = () if ignore else (_NPM_LIFECYCLE_PACK if sub == "pack" else _NPM_LIFECYCLE_PUBLISH)
        elif sub and sub not in builtin and not (pm == "bun" and _looks_like_file(sub)):
            names = _with_pre_post(sub, ignore)  # `yarn build`, `pnpm lint`, `bun dev`
            extra = (sub, *words[1:])
    local = _local_packages(pm, sub, words, ignore, where, home)
    if not names:
        return local
    return [Run(PACKAGE, _how(c), where, (pkg,), names=names, args=extra if len(extra) > 1 else ())] + local


# a folder named as what to install: `npm i ./x`, `../pkg`, `/abs`, `~/p`, `file:../x`, `link:../x`, `portal:…`
_PM_LOCAL = lazyre.compile(r"^(?:(?:[\w@./-]+@)?(?:file|link|portal):.+|\.{1,2}(?:/.*)?|/.+|~/.+)$")
_PM_ADDS = {"npm": _NPM_INSTALL, "yarn": frozenset({"add", "install", "i", "a", "up", "upgrade"}),
            "pnpm": frozenset({"add", "install", "i", "update", "up", "link", "ln"}),
            "bun": frozenset({"add", "a", "install", "i", "link"})}
_PM_LINKS = frozenset({"link", "ln"})  # `npm link ../x`, `pnpm link ../x`: the folder is installed too


def _local_packages(pm: str, sub: str, words: "list[str]", ignore: bool, where: str, home: str) -> list[Run]:
    """`npm install ./some-dir`, `pnpm add file:../x`, `yarn add link:../x`: the named folder's own
    install scripts run (preinstall/install/postinstall/prepare of ITS package.json), not only the
    project's — so that manifest is read too (when it is there: a tarball or a missing folder gives
    nothing to read)."""
    if ignore or not (sub in _PM_ADDS.get(pm, ()) or pm == "npm" and sub in _PM_LINKS):
        return []
    out: list[Run] = []
    for w in words[1:9]:
        if not _PM_LOCAL.match(w):
            continue
        spec = w.split(":", 1)[1] if re.match(r"^(?:[\w@./-]+@)?(?:file|link|portal):", w) else w
        spec = spec.removeprefix("//") if spec.startswith("///") else spec
        if spec.endswith((".tgz", ".tar.gz", ".tar", ".zip")):
            continue
        d = resolve(spec, where, home)
        if d and d != where:
            out.append(Run(PACKAGE, f"{pm} {sub} {w}", d, (posixpath.join(d, "package.json"),),
                           names=_NPM_LIFECYCLE_INSTALL))
    return out


def _with_pre_post(name: str, ignore: bool) -> tuple[str, ...]:
    return (name,) if ignore else (f"pre{name}", name, f"post{name}")


def package_json_scripts(content: str) -> dict[str, str] | None:
    """The `scripts` of a package.json ({} when it has none); None when it is not JSON."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}


def package_scripts(content: str, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(script name, shell text) for each name the package.json defines, in run order. A
    `start` without a script runs `node server.js` when npm would."""
    scripts = package_json_scripts(content)
    if scripts is None:
        return []
    out = []
    for n in dict.fromkeys(names):
        s = scripts.get(n)
        if s is not None and s.strip():
            out.append((n, s))
        elif n == "start" and n not in scripts:
            out.append(("start (npm default)", "node server.js"))
    return out


# ---- make ----------------------------------------------------------------------------------------------

def _make_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    args = list(c.args)
    where = here
    files: list[str] = []
    targets: list[str] = []
    assigns: list[str] = []
    dry = False
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.partition("=")
        if a.startswith("-") and name in _MAKE_VALUED:
            v = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if name in ("-f", "--file", "--makefile"):
                files.append(v)
            elif name in ("-C", "--directory"):
                where = resolve(v, where, home) or where
            i += 1 if eq else 2
            continue
        if len(a) > 2 and a[:2] in ("-f", "-C") and a[1] in "fC":  # -fFILE, -Cdir
            if a[1] == "f":
                files.append(a[2:])
            else:
                where = resolve(a[2:], where, home) or where
            i += 1
            continue
        if a in _MAKE_DRY or (a.startswith("-") and not a.startswith("--") and any(ch in a[1:] for ch in "nqt")):
            dry = True
        elif not a.startswith("-"):
            (assigns if eq and re.fullmatch(r"[A-Za-z_][\w.]*", name.rstrip(":+?")) else targets).append(a)
        i += 1
    if not where:
        return []
    if files:
        paths = tuple(p for p in (resolve(f, where, home) for f in files) if p)
    else:
        paths = tuple(posixpath.join(where, n) for n in MAKEFILES)
    if not paths:
        return []
    runs = [Run(MAKE, _how(c), where, paths, names=tuple(targets), args=tuple(assigns), mode="dry" if dry else "")]
    # MAKEFILES=a.mk make: make reads those files first (their $(shell …), their rules for the targets)
    extra = next((e.split("=", 1)[1] for e in c.env if e.startswith("MAKEFILES=")), "")
    for f in extra.split()[:8]:
        p = resolve(f, where, home)
        if p:
            runs.append(Run(MAKE, _how(c), where, (p,), names=tuple(targets), args=tuple(assigns),
                            mode="dry" if dry else ""))
    return runs


_JUST_VALUED = frozenset({"-f", "--justfile", "-d", "--working-directory", "--set", "--shell", "--shell-arg",
                          "--color", "--dotenv-filename", "--dotenv-path", "-E", "--command", "-c", "--chooser",
                          "--list-heading", "--list-prefix", "--dump-format", "--timestamp-format"})
_JUST_NO_RUN = frozenset({"-l", "--list", "--summary", "--show", "-s", "--dump", "--evaluate", "--variables",
                          "--dry-run", "-n", "--fmt", "--init", "--edit", "-e", "--groups", "--completions",
                          "--man", "--changelog", "--help", "-h", "--version", "-V"})
_TASK_VALUED = frozenset({"-t", "--taskfile", "-d", "--dir", "-o", "--output", "--output-group-begin",
                          "--output-group-end", "-c", "--concurrency", "-I", "--interval", "--sort"})
_TASK_NO_RUN = frozenset({"-l", "--list", "-a", "--list-all", "--summary", "-n", "--dry", "--init", "-i",
                          "--help", "-h", "--version", "--status", "--json"})


def _task_runner_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """`just [opts] [RECIPE [ARGS]…]`, `task [opts] [TASK…] [-- ARGS]`: the recipes of the justfile /
    Taskfile found from the working directory up (as both tools search), or the one named by `-f`/`-t`."""
    from adr.shell.taskrunners import JUSTFILES, TASKFILES
    just = c.program == "just"
    valued, no_run = (_JUST_VALUED, _JUST_NO_RUN) if just else (_TASK_VALUED, _TASK_NO_RUN)
    args = list(c.args)
    cli_args: list[str] = []
    if not just and "--" in args:
        args, cli_args = args[:args.index("--")], args[args.index("--") + 1:]  # CLI_ARGS, not task names
    where = here
    files: list[str] = []
    names: list[str] = []
    dry = False
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.partition("=")
        if a.startswith("-") and name in valued:
            v = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if name in ("-f", "--justfile", "-t", "--taskfile"):
                files.append(v)
            elif name in ("-d", "--working-directory", "--dir"):
                where = resolve(v, where, home) or where
            i += 1 if eq else (3 if name == "--set" else 2)
            continue
        if a in no_run:
            dry = True
        elif not a.startswith("-"):
            if not just and "=" in a:
                pass  # task VAR=value
            else:
                names.append(a)
        i += 1
    if not where:
        return []
    if files:
        paths = tuple(p for p in (resolve(f, where, home) for f in files) if p)
    else:
        found: list[str] = []
        d = where
        for _ in range(16):  # both tools look in the directory and then upward
            found += [posixpath.join(d, n) for n in (JUSTFILES if just else TASKFILES)]
            if d == "/":
                break
            d = posixpath.dirname(d)
        paths = tuple(found)
    if not paths:
        return []
    return [Run(TASKS, _how(c), where, paths, names=tuple(names), language="just" if just else "task",
                args=tuple(cli_args), mode="dry" if dry else "")]


_MAKE_VAR = lazyre.compile(r"^\s*(?:(?:override|export|private)\s+)*([A-Za-z_.][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$")
_MAKE_RULE = lazyre.compile(r"^([^\t#=:][^=:]*?)\s*(::?)(?!=)\s*(.*)$")
_MAKE_REF = lazyre.compile(r"\$(?:\(([^()$]*)\)|\{([^{}$]*)\}|([@<^+*?%|]))")
_MAKE_DIRECTIVES = ("include ", "-include ", "sinclude ", "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif",
                    "export ", "unexport ", "vpath", "override ", "undefine ")
_MAKE_SHELL = lazyre.compile(r"\$[({]shell\s+")
_MAKE_FUNCS = frozenset({"wildcard", "patsubst", "subst", "strip", "findstring", "filter", "filter-out", "sort",
                         "word", "words", "wordlist", "firstword", "lastword", "dir", "notdir", "suffix",
                         "basename", "addsuffix", "addprefix", "join", "realpath", "abspath", "if", "or", "and",
                         "foreach", "call", "value", "eval", "origin", "flavor", "error", "warning", "info",
                         "file", "let", "intcmp", "guile"})


def make_recipes(content: str, targets: tuple[str, ...] = (), assigns: tuple[str, ...] = (),
                 dry: bool = False) -> tuple[list[tuple[str, str]], bool]:
    """(label, shell text) for what `make TARGETS` runs: the recipes of the targets and, through
    their prerequisites, of every target they need (explicit and pattern rules), plus every
    `$(shell …)` / `!=` that runs while make reads the file. Returns (list, bound_tripped)."""
    lines = _make_lines(content)
    tripped_evals = False
    variables: dict[str, str] = {}
    for a in assigns:
        n, _, v = a.partition("=")
        variables[n.rstrip(":+?")] = v
    given = {a.partition("=")[0].rstrip(":+?") for a in assigns}
    rules: dict[str, tuple[list[str], list[str]]] = {}  # target → (prerequisites, recipe lines)
    patterns: list[tuple[str, list[str], list[str]]] = []
    order: list[str] = []
    parse_time: list[tuple[str, str]] = []
    current: list[list[str]] = []
    default_goal = ""
    in_define = ""
    defined: list[str] = []
    evals = 0
    prefix = "\t"  # .RECIPEPREFIX changes what starts a recipe line
    i = -1
    while i + 1 < len(lines):
        i += 1
        line = lines[i]
        if in_define:
            if line.strip().startswith("endef"):
                if in_define not in given:
                    variables[in_define] = "\n".join(defined)
                in_define = ""
            else:
                defined.append(line)
            continue
        if line.lstrip().startswith("$(eval ") and not line.startswith(prefix):
            # `$(eval $(R))`, `$(eval $(call tmpl,x))`: the expanded text is read as makefile lines
            evals += 1
            if evals <= MAX_MAKE_EVALS:
                end = _closing(line.lstrip(), 2, "(")
                body = line.lstrip()[7:end if end is not None else None]
                if "$(shell" in body or "${shell" in body:
                    # makefile text a command prints: what it holds is known only when it runs
                    parse_time.append(("$(eval $(shell …)) while make reads the Makefile",
                                       'eval "' + body.replace('"', '\\"') + '"'))
                lines[i + 1:i + 1] = _make_lines(make_expand(body, variables, "", []))[:MAX_MAKE_EVAL_LINES]
            else:
                tripped_evals = True
            continue
        if line.startswith(prefix):
            for recipe in current:
                recipe.append(line[1:])
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank and comment lines do not end a recipe
        if stripped.startswith(("define ", "override define ", "export define ")):
            # a multi-line variable (a recipe template run through $(eval …) or $(call …))
            in_define = stripped.split("define", 1)[1].strip().rstrip("=:+? ").strip() or "_"
            defined, current = [], []
            continue
        m = _MAKE_VAR.match(line)
        if m:
            name, op, value = m.group(1), m.group(2), m.group(3)
            if op == "!=":
                parse_time.append((f"{name} != (shell assignment)", value))
            if line.lstrip().startswith("export") and name in _LOADER_VARIABLES:
                # `export LD_PRELOAD = /tmp/x.so`: every recipe's programs start with it in their environment
                parse_time.append((f"export {name} (every recipe's environment)", f"export {name}={shlex.quote(value)}"))
            if name == ".DEFAULT_GOAL":
                default_goal = value.strip()
            elif name == ".RECIPEPREFIX":
                prefix = value.strip()[:1] or "\t"
                continue
            if name in given:
                pass  # a command-line assignment overrides the file
            elif op == "+=":
                variables[name] = (variables.get(name, "") + " " + value).strip()
            elif op == "?=":
                variables.setdefault(name, value)
            else:
                variables[name] = value
            current = []
            continue
        rm = _MAKE_RULE.match(line)
        if rm is None or stripped.startswith(_MAKE_DIRECTIVES):
            current = []
            continue
        rest, _, inline = rm.group(3).partition(";")
        if "=" in rest:  # `target: VAR = value`: a target-specific variable, not a rule
            current = []
            continue
        # target and prerequisite lists are expanded when make reads them
        prereqs = make_expand(rest, variables, "", []).replace("|", " ").split()
        current = []
        for t in make_expand(rm.group(1), variables, "", []).split():
            if "%" in t:
                recipe: list[str] = [inline] if inline.strip() else []
                patterns.append((t, prereqs, recipe))
            else:
                if t not in rules:
                    order.append(t)
                    rules[t] = ([], [])
                rules[t][0].extend(prereqs)
                recipe = rules[t][1]
                if inline.strip():
                    recipe.append(inline)
            current.append(recipe)
    for text in make_shell_calls(content):
        parse_time.append(("$(shell …) while make reads the Makefile", text))
    for fm in _MAKE_FILE_FN.finditer(content[:1 << 20]):
        # $(file >PATH,TEXT) writes PATH while make reads the file
        op, path, text = fm.group(1), fm.group(2).strip(), fm.group(3)
        parse_time.append((f"$(file {op}{path})", f"printf '%s\\n' {shlex.quote(text)} {op} {path}"))
    out: list[tuple[str, str]] = [(label, make_expand(t, variables, "", [])) for label, t in parse_time]
    goals = list(targets) or ([default_goal] if default_goal else
                              [next((t for t in order if not t.startswith(".")), "")])
    tripped = False
    seen: set[str] = set()
    todo = [g for g in goals if g]
    while todo:
        t = todo.pop(0)
        if t in seen:
            continue
        if len(seen) >= MAX_MAKE_TARGETS:
            tripped = True
            break
        seen.add(t)
        rule = rules.get(t)
        if rule is None:
            rule = _pattern_rule(t, patterns)
            if rule is None:
                continue
        prereqs, recipe = rule
        todo.extend(prereqs)
        if dry:
            recipe = [r for r in recipe if r.lstrip().startswith("+") or "$(MAKE)" in r or "${MAKE}" in r]
        shell = make_expand(variables.get("SHELL", ""), variables, t, prereqs).strip()
        flags_set = make_expand(variables.get(".SHELLFLAGS", ""), variables, t, prereqs).strip()
        if shell and not _PLAIN_SHELL.fullmatch(shell) or flags_set and not re.fullmatch(r"-[a-z]*c", flags_set):
            shell = shell or "/bin/sh"
            # `SHELL := /tmp/x` (or python3): each recipe line is handed to that program, as make does
            flags = make_expand(variables.get(".SHELLFLAGS", "-c"), variables, t, prereqs).strip() or "-c"
            text = "\n".join(f"{shell} {flags} {shlex.quote(_recipe_line(r, variables, t, prereqs))}"
                              for r in recipe if r.strip()) or f"{shell} {flags} true"
        else:
            text = "\n".join(_recipe_line(r, variables, t, prereqs) for r in recipe if r.strip())
        if text.strip():
            out.append((f"make target {t}", text))
    return out, tripped or tripped_evals


_MAKE_INCLUDE = lazyre.compile(r"^[ ]*(-?include|sinclude)[ \t]+(.+)$", re.M)


def make_includes(content: str) -> list[tuple[str, str, bool]]:
    """(the include line, a file it names, optional) for each literal `include` of a Makefile
    (names computed from variables are left out)."""
    out = []
    for m in _MAKE_INCLUDE.finditer(content):
        for name in m.group(2).split("#", 1)[0].split():
            if "$" not in name and "%" not in name and "*" not in name:
                out.append((m.group(0), name, m.group(1) != "include"))
    return out[:16]


def _make_lines(content: str) -> list[str]:
    out: list[str] = []
    buf = ""
    for raw in content.replace("\r\n", "\n").split("\n"):
        if raw.endswith("\\"):
            buf += raw[:-1] + " "
            continue
        out.append(buf + raw)
        buf = ""
    if buf:
        out.append(buf)
    return out


def _pattern_rule(target: str, patterns: list[tuple[str, list[str], list[str]]]) -> tuple[list[str], list[str]] | None:
    for pat, prereqs, recipe in patterns:
        pre, _, post = pat.partition("%")
        if target.startswith(pre) and target.endswith(post) and len(target) >= len(pre) + len(post):
            stem = target[len(pre):len(target) - len(post) if post else None]
            return [p.replace("%", stem) for p in prereqs], recipe
    return None


def make_shell_calls(content: str) -> list[str]:
    """The command of every `$(shell CMD)` in the file (balanced parentheses)."""
    out = []
    for m in _MAKE_SHELL.finditer(content):
        end = _closing(content, m.end(), content[m.start() + 1])
        if end is not None:
            out.append(content[m.end():end])
        if len(out) >= 32:
            break
    return out


def _closing(text: str, start: int, opening: str) -> int | None:
    """Index of the bracket that closes `opening` (already open before `start`); None if none does."""
    close = ")" if opening == "(" else "}"
    depth, j = 1, start
    while j < len(text):
        if text[j] == opening:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if not depth:
                return j
        j += 1
    return None


def _recipe_line(line: str, variables: dict[str, str], target: str, prereqs: list[str]) -> str:
    line = line.strip()
    while line[:1] in ("@", "-", "+"):
        line = line[1:].lstrip()
    return make_expand(line, variables, target, prereqs)


# variables that load code into every program a recipe starts, when a makefile exports them
_LOADER_VARIABLES = frozenset({"LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "BASH_ENV", "ENV", "NODE_OPTIONS",
                               "PERL5OPT", "RUBYOPT", "PYTHONSTARTUP", "PROMPT_COMMAND"})
_MAKE_FILE_FN = lazyre.compile(r"\$\(file\s*(>>?)\s*([^,()]{1,1024}),([^()]{0,8192})\)")
MAX_MAKE_EVALS = 32  # $(eval …) lines read per makefile (more: a bound, reported)
MAX_MAKE_EVAL_LINES = 512
# SHELL values that run a recipe as the shell rules read it
_PLAIN_SHELL = lazyre.compile(r"(?:/usr)?(?:/local)?/bin/(?:ba|da|z|k)?sh|(?:ba|da|z|k)?sh|/usr/bin/env\s+(?:ba|z)?sh")


def make_expand(text: str, variables: dict[str, str], target: str, prereqs: list[str], depth: int = 0) -> str:
    """Make's `$(VAR)` / `${VAR}` / automatic variables / `$$` as far as the file says; a variable
    the file does not define stays a shell variable reference (its value comes from the
    environment), and `$(shell X)` becomes the command substitution `$(X)`."""
    if depth > MAX_MAKE_EXPAND:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "$" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt in "({":
            end = _closing(text, i + 2, nxt)
            inner = text[i + 2:end if end is not None else len(text)]
            out.append(_make_ref(inner, variables, target, prereqs, depth))
            i = end + 1 if end is not None else len(text)
            continue
        auto = {"@": target, "<": prereqs[0] if prereqs else "", "^": " ".join(prereqs), "+": " ".join(prereqs),
                "?": " ".join(prereqs), "*": target.rsplit(".", 1)[0]}
        if nxt in auto:
            out.append(auto[nxt])
            i += 2
            continue
        out.append(variables.get(nxt, "${" + nxt + "}") if nxt.isalnum() or nxt == "_" else "$" + nxt)
        i += 2
    return "".join(out)


def _make_ref(inner: str, variables: dict[str, str], target: str, prereqs: list[str], depth: int) -> str:
    head, _, rest = inner.partition(" ")
    if head == "shell":
        return "$(" + make_expand(rest, variables, target, prereqs, depth + 1) + ")"
    if head == "call" and rest:
        # $(call VAR,a,b): VAR's value with $(1), $(2) … the arguments
        name, *params = rest.split(",")
        local = dict(variables)
        local.update({str(k): make_expand(v, variables, target, prereqs, depth + 1) for k, v in enumerate(params[:9], 1)})
        return make_expand(variables.get(name.strip(), ""), local, target, prereqs, depth + 1)
    if head == "value" and rest:
        return variables.get(rest.strip(), "")
    if head == "eval" and rest:
        return ""  # (read as makefile lines by make_recipes; in a recipe it expands to nothing)
    if head == "foreach" and rest.count(",") >= 2:
        var, words, body = rest.split(",", 2)
        items = make_expand(words, variables, target, prereqs, depth + 1).split()[:16]
        return " ".join(make_expand(body, {**variables, var.strip(): w}, target, prereqs, depth + 1) for w in items)
    if head in _MAKE_FUNCS and rest:
        return make_expand(rest.split(",")[-1], variables, target, prereqs, depth + 1) if head in (
            "strip", "sort", "firstword", "lastword", "if", "or", "and", "addprefix", "addsuffix") else ""
    name = inner.split(":", 1)[0].strip()  # $(VAR:.c=.o)
    if name in ("MAKE", "MAKE_COMMAND"):
        return "make"
    if name in variables:
        return make_expand(variables[name], variables, target, prereqs, depth + 1)
    if name in ("CC",):
        return "cc"
    if name in ("CXX",):
        return "c++"
    if name in ("RM",):
        return "rm -f"
    if re.fullmatch(r"[A-Za-z_]\w*", name):
        return "${" + name + "}"
    return ""


# ---- pytest / setup.py ------------------------------------------------------------------------------------

def _pytest_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    args = list(c.args)
    paths: list[str] = []
    plugins: list[str] = []
    root = ""
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.partition("=")
        if name in _PYTEST_VALUED and a.startswith("-"):
            v = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if name == "-p" and not v.startswith("no:"):
                plugins.append(v)
            elif name in ("--rootdir", "--confcutdir"):
                root = resolve(v, here, home) or root
            i += 1 if eq else 2
            continue
        if a.startswith("-p") and len(a) > 2:
            plugins.append(a[2:])
        elif not a.startswith("-"):
            p = resolve(a.split("::", 1)[0], here, home)
            if p:
                paths.append(p)
        i += 1
    if not here and not paths:
        return []
    return [Run(PYTEST, _how(c), root or here, tuple(paths) or (here,), names=tuple(plugins))]


def _setup_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    """pip install . / -e dir / pip wheel . / uv pip install . / uv build / uv sync / uv run /
    python -m build / pipx install .: the directory's setup.py runs (setuptools builds it)."""
    prog, args = c.program, list(c.args)
    if prog == "uv":
        if args[:1] == ["pip"]:
            args = args[1:]
        elif args[:1] in (["build"], ["sync"], ["run"]):
            dirs = [a for a in args[1:2] if args[0] == "build" and not a.startswith("-")] or ["."]
            return _setup_dirs(c, dirs, here, home)
        else:
            return []
    if prog in ("build", "pyproject-build"):
        dirs = [a for a in args if not a.startswith("-")][:1] or ["."]
        return _setup_dirs(c, dirs, here, home)
    sub = args[0] if args else ""
    if sub not in ("install", "wheel", "download", "reinstall", "inject"):
        return []
    dirs: list[str] = []
    i = 1
    while i < len(args):
        a = args[i]
        if a in ("-e", "--editable") and i + 1 < len(args):
            dirs.append(args[i + 1])
            i += 2
            continue
        if a.startswith("--editable="):
            dirs.append(a.split("=", 1)[1])
        elif a in ("-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-t",
                   "--target", "--prefix", "--root", "-f", "--find-links", "--python", "--spec"):
            i += 2
            continue
        elif not a.startswith("-") and _PIP_LOCAL.match(a.split("[", 1)[0]) and "://" not in a.replace("file://", ""):
            dirs.append(a[5:] if a.startswith("file:") else a)
        i += 1
    return _setup_dirs(c, [d.split("[", 1)[0] for d in dirs], here, home)


def _setup_dirs(c: SimpleCommand, dirs: list[str], here: str, home: str) -> list[Run]:
    out = []
    for d in dirs:
        p = resolve(d.removeprefix("//") if d.startswith("///") else d, here, home)
        if p and not p.endswith((".whl", ".tar.gz", ".zip")):
            out.append(Run(SETUP, _how(c), p, (posixpath.join(p, "setup.py"),), language="python"))
    return out


# ---- git ------------------------------------------------------------------------------------------------

def _git_runs(c: SimpleCommand, here: str, home: str) -> list[Run]:
    args = list(c.args)
    where = here
    configs: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, value = a.partition("=")
        if name in _GIT_VALUED:
            v = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if name == "-C":
                where = resolve(v, where, home) or where
            elif name == "-c":
                configs.append(v)
            i += 1 if eq else 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        break
    sub = args[i] if i < len(args) else ""
    rest = args[i + 1:]
    if not sub or not where:
        return []
    hooks = _GIT_HOOKS.get(sub, ())
    if sub == "commit" and not any(a == "--amend" for a in rest):
        hooks = tuple(h for h in hooks if h != "post-rewrite")
    if sub == "worktree" and rest[:1] != ["add"]:
        hooks = ()
    if any(a in ("--no-verify",) or (sub == "commit" and re.fullmatch(r"-[a-zA-Z]*n[a-zA-Z]*", a)) for a in rest):
        hooks = tuple(h for h in hooks if h not in _GIT_VERIFY)
    return [Run(GIT, _how(c), where, names=hooks, args=tuple(configs), mode=sub)]


@dataclass(frozen=True)
class GitConfig:
    hooks_path: str = ""
    fsmonitor: str = ""
    aliases: tuple[tuple[str, str], ...] = ()
    programs: tuple[tuple[str, str], ...] = ()  # (key, command) of the keys below, the last value of each
    includes: tuple[str, ...] = ()  # include.path / includeIf.*.path values, as written


_PAGED = frozenset({"log", "diff", "show", "blame", "shortlog", "reflog", "grep", "whatchanged", "branch", "tag",
                    "config", "help", "stash", "annotate"})
_REMOTE = frozenset({"push", "fetch", "pull", "clone", "ls-remote", "remote", "submodule", "archive"})
_DIFFS = frozenset({"diff", "log", "show", "whatchanged", "format-patch", "stash", "add", "commit"})
_CLEANS = frozenset({"add", "commit", "status", "diff", "stash", "rm", "mv"})
_SMUDGES = frozenset({"checkout", "switch", "restore", "reset", "pull", "merge", "rebase", "stash", "cherry-pick",
                      "clone", "worktree"})
_MERGES = frozenset({"merge", "pull", "rebase", "cherry-pick", "revert", "stash", "am"})
_SIGNS = frozenset({"commit", "tag", "merge", "rebase", "cherry-pick", "am", "log", "show", "verify-commit",
                    "verify-tag"})
# git configuration keys whose value git runs as a command, and the subcommands that run it
_GIT_PROGRAM_KEYS: "list[tuple[re.Pattern[str], frozenset[str]]]" = [
    (lazyre.compile(r"core\.pager|pager\.[\w-]+"), _PAGED),
    (lazyre.compile(r"core\.sshcommand|core\.askpass|credential(?:\.[^ ]+)?\.helper|remote\.[^ ]+\.(?:uploadpack|receivepack)"),
     _REMOTE),
    (lazyre.compile(r"diff\.[^ ]+\.(?:textconv|command)|diff\.external"), _DIFFS),
    (lazyre.compile(r"filter\.[^ ]+\.clean"), _CLEANS),
    (lazyre.compile(r"filter\.[^ ]+\.smudge"), _SMUDGES),
    (lazyre.compile(r"filter\.[^ ]+\.process"), _CLEANS | _SMUDGES),
    (lazyre.compile(r"merge\.[^ ]+\.driver"), _MERGES),
    (lazyre.compile(r"gpg(?:\.[\w-]+)?\.program"), _SIGNS),
    (lazyre.compile(r"sequence\.editor"), frozenset({"rebase"})),
]


def git_config(content: str, overrides: tuple[str, ...] = ()) -> GitConfig:
    """The few keys of a .git/config (plus `git -c k=v`) that make git run a program."""
    hooks, fsmon = "", ""
    aliases: dict[str, str] = {}
    programs: dict[str, str] = {}
    includes: list[str] = []

    def note(full: str, value: str) -> None:
        nonlocal hooks, fsmon
        if full == "core.hookspath":
            hooks = value
        elif full == "core.fsmonitor":
            fsmon = value
        elif full.startswith("alias."):
            aliases[full[6:]] = value
        elif (full == "include.path" or full.startswith("includeif.") and full.endswith(".path")) and value:
            includes.append(value)
        elif any(p.fullmatch(full) for p, _ in _GIT_PROGRAM_KEYS):
            programs[full] = value

    for full, value in git_config_entries(content):
        note(full, value)
    for kv in overrides:
        key, _, value = kv.partition("=")
        note(key.strip().lower(), value)
    return GitConfig(hooks, fsmon, tuple(aliases.items()), tuple(programs.items()), tuple(includes[:16]))


def git_config_entries(content: str) -> Iterator[tuple[str, str]]:
    """(section.[subsection.]key, value) for each setting of a git configuration file, as git reads
    them: section and key folded to lower case, a subsection kept (`[url "X"]`, the old `[a.b]` form
    too), `[core] pager = x` on one line, a key alone meaning true, quotes and comments removed."""
    section = ""
    for raw in content.splitlines()[:5000]:
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            head, _, line = line[1:].partition("]")
            name, _, sub = head.strip().partition(" ")
            sub = sub.strip()
            if sub.startswith('"') and sub.endswith('"') and len(sub) >= 2:
                sub = sub[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            elif "." in name:  # the old `[section.subsection]` spelling
                name, _, sub = name.partition(".")
            section = name.lower() + ("." + sub if sub else "")
            line = line.strip()
            if not line:
                continue
        key, eq, value = line.partition("=")
        yield f"{section}.{key.strip().lower()}", git_value(value) if eq else "true"


def git_value(v: str) -> str:
    """A git config value as git reads it: quotes removed, escapes kept, a comment cut off."""
    v = v.strip()
    out, quoted = [], False
    i = 0
    while i < len(v):
        ch = v[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(v):
            i += 1
            out.append({"n": "\n", "t": "\t"}.get(v[i], v[i]))
        elif ch in "#;" and not quoted:
            break
        else:
            out.append(ch)
        i += 1
    return "".join(out).strip()


def git_program_runs(cfg: GitConfig, sub: str) -> list[tuple[str, str]]:
    """(label, shell text) that git's configuration runs for `git SUB`: a `!` alias, fsmonitor."""
    out = []
    body = dict(cfg.aliases).get(sub.lower(), "")
    if body.startswith("!"):
        out.append((f"git alias {sub}", body[1:]))
    if sub in _GIT_FSMONITOR and cfg.fsmonitor and cfg.fsmonitor.lower() not in ("true", "false", "1", "0", "yes",
                                                                                    "no", "on", "off"):
        out.append(("core.fsmonitor", cfg.fsmonitor))
    for key, value in cfg.programs:
        if not value or value.lower() in ("true", "false", "1", "0", "yes", "no", "on", "off", "cat"):
            continue
        if not any(p.fullmatch(key) and sub in subs for p, subs in _GIT_PROGRAM_KEYS):
            continue
        if "credential" in key and not value.startswith(("!", "/", "~", ".")):
            continue  # a helper by name: git's own `git credential-NAME` (cache, store, osxkeychain …)
        out.append((key, value[1:] if value.startswith("!") else value))
    return out[:16]


def precommit_local_hooks(content: str) -> list[tuple[str, str]]:
    """(hook id, command) for each hook of a `repo: local` block of a .pre-commit-config.yaml: its
    `entry` and `args` run in the repository (`language: script` runs the entry as a file)."""
    import yaml

    try:
        data = yaml.safe_load(content)
    except (yaml.YAMLError, RecursionError, ValueError):
        return []
    repos = data.get("repos") if isinstance(data, dict) else None
    out: list[tuple[str, str]] = []
    for r in repos if isinstance(repos, list) else []:
        if not isinstance(r, dict) or r.get("repo") not in ("local", "meta") or not isinstance(r.get("hooks"), list):
            continue
        for h in r["hooks"]:
            if not isinstance(h, dict) or not isinstance(h.get("entry"), str):
                continue
            args = h.get("args") if isinstance(h.get("args"), list) else []
            entry = h["entry"]
            if h.get("language") == "script" and not entry.startswith(("/", "./")):
                entry = "./" + entry
            out.append((str(h.get("id", "?")), " ".join([entry] + [shlex.quote(str(a)) for a in args])))
            if len(out) >= 64:
                return out
    return out


# ---- shell functions and aliases ------------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    """A shell function or alias a persistent shell now knows."""

    name: str
    kind: str  # function | alias | variable (body: its literal value) | git-remote (body: the git line) |
    # path (body: folders a PATH the session set added, `:`-joined)
    body: str


GIT_REMOTE = "git-remote:"  # a git-remote Definition's name: GIT_REMOTE + the remote's name
PATH_DIRS = "path-dirs:"  # the Definition of the literal folders a session put on PATH (kind "path")


_EMPTY_PARENS = lazyre.compile(r"\(\s*\)")  # `name()`: a literal first character keeps the search linear and fast


def may_define(text: str) -> bool:
    """Cheap test: can the text define a shell function at all?"""
    return "function" in text or _EMPTY_PARENS.search(text) is not None


def definitions(parsed: ParsedShell, limit: int = MAX_FUNCTION_SOURCE,
                nested: bool = False) -> tuple[tuple[Definition, ...], tuple[str, ...]]:
    """(functions, aliases and variables the line defines, names it removes with unset / unalias);
    functions are looked for in the first `limit` characters. `nested`: also the functions its nested
    layers define (`bash -c 'f(){ rm "$@"; }; f -rf ~'`), which their own calls run — for judging the
    line, not for what a session's shell keeps."""
    defs: list[Definition] = []
    gone: list[str] = []
    src = parsed.source[:limit]
    if may_define(src):
        defs.extend(Definition(n, "function", b) for n, b in dict(function_definitions(src)).items())
    if nested:
        budget = limit
        for layer in parsed.layers[:16]:
            if budget <= 0:
                break
            if may_define(layer[:budget]):
                defs.extend(Definition(n, "function", b) for n, b in dict(function_definitions(layer[:budget])).items())
            budget -= len(layer)
    for c in parsed.commands:
        if c.via:
            continue
        if c.program == "alias":
            for a in c.args:
                name, eq, body = a.partition("=")
                if eq and name and not name.startswith("-"):
                    defs.append(Definition(name, "alias", body))
        elif c.program == "unalias":
            gone.extend(a for a in c.args if not a.startswith("-"))
        elif c.program == "unset":
            gone.extend(a for a in c.args if not a.startswith("-"))
        elif c.program == "git" and ("remote" in c.args or any("url" in a.lower() for a in c.args)):
            named = git_remote_definition(c.argv)
            k = c.args.index("remote") if "remote" in c.args else -1
            if 0 <= k < len(c.args) - 2 and c.args[k + 1] in ("remove", "rm"):
                gone.append(GIT_REMOTE + c.args[k + 2])
            if named:
                # a remote pointed at a URL stays pointed there for the session's later pushes (body: the line)
                defs.append(Definition(GIT_REMOTE + named[0], "git-remote", c.raw or " ".join(c.argv)))
    defs.extend(Definition(n, "variable", v) for n, v in parsed.assigned if n not in gone)
    defs.extend(Definition(n, "computed", v) for n, v in getattr(parsed, "computed", ()) if n not in gone)
    if parsed.path_dirs and "PATH" not in gone:
        # (a folder put on PATH: its planted programs answer bare names later; not a value to replay)
        defs.append(Definition(PATH_DIRS, "path", ":".join(parsed.path_dirs)))
    return tuple(defs), tuple(gone)


def assignment_text(name: str, value: str) -> str:
    """`NAME=value` as shell text that sets exactly `value` ("~" at its start stays the home)."""
    if value == "~":
        return f"{name}=~"
    if value.startswith("~/"):
        return f"{name}=~/" + shlex.quote(value[2:]) if value[2:] else f"{name}=~/"
    return f"{name}={shlex.quote(value)}"


def function_definitions(text: str) -> list[tuple[str, str]]:
    """(name, body text) of every function the shell text defines, in order (bounded)."""
    if len(text) > MAX_FUNCTION_SOURCE:
        text = text[:MAX_FUNCTION_SOURCE]
    data = text.encode("utf-8", "surrogatepass")
    tree = _parser().parse(data)
    out: list[tuple[str, str]] = []
    stack = [tree.root_node]
    seen = 0
    while stack and seen < MAX_FUNCTION_NODES:
        node = stack.pop()
        seen += 1
        if node.type == "function_definition":
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is not None and body is not None:
                out.append((data[name.start_byte:name.end_byte].decode("utf-8", "replace"),
                            data[body.start_byte:body.end_byte].decode("utf-8", "replace")))
            continue  # a function defined inside another exists only once the outer one ran
        # a definition stands only where a statement does: never inside a command, word or string
        stack.extend(c for c in reversed(node.named_children) if c.type in _STATEMENT_NODES)
    return out


_STATEMENT_NODES = frozenset({
    "function_definition", "list", "compound_statement", "if_statement", "elif_clause", "else_clause",
    "while_statement", "for_statement", "c_style_for_statement", "do_group", "case_statement", "case_item",
    "redirected_statement", "negated_command", "ERROR"})


_PARSERS = threading.local()  # a tree-sitter Parser is not thread-safe (decisions run in worker threads)


def _parser() -> "ts.Parser":
    p = getattr(_PARSERS, "parser", None)
    if p is None:
        p = _PARSERS.parser = ts.Parser(ts.Language(tsb.language()))
    return p


def call_text(d: Definition, args: tuple[str, ...]) -> str:
    """What runs when NAME ARGS calls the definition: an alias is its text followed by the
    arguments; a function is its body with the positional parameters put in."""
    if d.kind == "alias":
        return " ".join([d.body] + [shlex.quote(a) for a in args])
    return _positional(d.body, args)


_POSITIONAL = lazyre.compile(r'"\$(?:\{([@*]|\d+)\}|([@*]|\d))"|\$(?:\{([@*#]|\d+)\}|([@*#]|\d))')


def _positional(body: str, args: tuple[str, ...]) -> str:
    """Put the call's arguments into `$1`, `"$@"`, `${2}` … of a function body (as quoted words;
    inside single quotes nothing is expanded, as in the shell)."""
    out: list[str] = []
    i = 0
    quote = ""
    while i < len(body):
        ch = body[i]
        if quote == "'":
            out.append(ch)
            if ch == "'":
                quote = ""
            i += 1
            continue
        if ch == "\\" and i + 1 < len(body):
            out.append(body[i:i + 2])
            i += 2
            continue
        if ch == "'" and not quote:
            quote = "'"
            out.append(ch)
            i += 1
            continue
        m = _POSITIONAL.match(body, i) if ch in "$\"" else None
        if m is not None and (ch == "$" or not quote):
            key = next(g for g in m.groups() if g is not None)
            out.append(_arg_value(key, args, whole=ch == '"', in_dq=quote == '"'))
            i = m.end()
            continue
        if ch == '"':
            quote = "" if quote == '"' else '"'
        out.append(ch)
        i += 1
    return "".join(out)


def _arg_value(key: str, args: tuple[str, ...], whole: bool, in_dq: bool) -> str:
    if key == "#":
        return str(len(args))
    if key in ("@", "*"):
        vals = list(args)
    else:
        n = int(key)
        vals = [args[n - 1]] if 0 < n <= len(args) else [""] if n else ["sh"]
    if in_dq:  # inside "…": escape for double quotes
        return " ".join(re.sub(r'([\\"$`])', r"\\\1", v) for v in vals)
    return " ".join(shlex.quote(v) for v in vals) if vals else ("''" if whole else "")


# ---- languages -------------------------------------------------------------------------------------------

_EXT_LANG = {**SCRIPT_EXT, **SOURCE_EXT}


def shebang(content: str) -> str:
    """The interpreter line of a script without `#!` ("" when there is none)."""
    if not content.startswith("#!"):
        return ""
    return content[2:512].split("\n", 1)[0].strip()


def language_of_script(path: str, content: str, forced: str = "") -> str:
    """What a file is run as: forced by how it is run (bash a.sh), else its #! line, else its
    extension; a text file without either is run by the shell (execve's ENOEXEC fallback)."""
    if forced:
        return forced
    line = shebang(content)
    if line:
        words = line.split()
        prog = words[0].rsplit("/", 1)[-1] if words else ""
        if prog == "env":
            rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            prog = rest[0].rsplit("/", 1)[-1] if rest else ""
        if prog in SHELLS:
            return "shell"
        return _interpreter_language(prog) or ("node" if prog in ("bun", "deno") else "other")
    return _EXT_LANG.get(posixpath.splitext(path)[1].lower()) or named_language(posixpath.basename(path)) or "shell"


_SOURCE_RUNNER = {"rust": "rust-script -", "go": "go", "java": "jbang -", "c": "tcc -run -", "csharp": "csi",
                  "swift": "swift -", "zig": "zig run -", "dart": "dart run -", "haskell": "runghc -",
                  "elixir": "elixir -", "erlang": "escript -"}
_LANG_RUNNER = LANG_RUNNER


def as_command(language: str, code: str) -> str:
    """Code in `language` as the command line that runs exactly it: shell text is itself, other
    code becomes an interpreter one-liner (`python3 -c '…'`), which the shell layer follows."""
    if language == "shell":
        return code
    if language.startswith("sql:"):
        # the statements on the client's stdin, as the file redirect gives them (a heredoc no line of
        # the file can end early: the delimiter is chosen not to occur in it)
        end = "ADR_SQL_EOF"
        while end in code:
            end += "_"
        return f"{language[4:]} <<'{end}'\n{code}\n{end}"
    if language in ("desktop", "terminal"):
        return as_shell(language, code)
    if language.startswith("stdin:"):
        # a program's own command file (`gdb -x F`, `lldb -s F`, `vim -S F`): the same commands on its stdin,
        # where the shell layer reads their shell escapes
        end = "ADR_SCRIPT_EOF"
        while end in code:
            end += "_"
        return f"{language[6:]} <<'{end}'\n{code}\n{end}"
    if language.startswith("eval:"):
        return f"{language[5:]} {shlex.quote('(progn ' + code + ')' if 'emacs' in language else code)}"
    if language.startswith("provision:"):
        # a playbook, Terraform configuration, logrotate or Packer file: the commands it has run
        from adr.shell.provisioners import commands_of
        return "\n".join(commands_of(language[10:], code)[0])
    if language.startswith("cfn:"):
        # a CloudFormation template file, as the inline template of the same call
        return f"aws cloudformation {language[4:]} --template-body {shlex.quote(code)}"
    if language in SOURCE_LANGS:
        # a compiled program (cargo's build.rs, `go run .`, `gcc x.c && ./x`): its source on the stdin of
        # a runner of that language — the shell layer reads it as that language's code (the script
        # rules; the commands it spawns), as `python3 -c` code is read
        end = "ADR_SOURCE_EOF"
        while end in code:
            end += "_"
        return f"{_SOURCE_RUNNER[language]} <<'{end}'\n{code}\n{end}"
    runner = _LANG_RUNNER.get(language)
    if runner is None:
        return ""
    if language == "php":
        code = re.sub(r"^\s*<\?(?:php)?", "", code, count=1)
        code = re.sub(r"\?>\s*$", "", code, count=1)
    return f"{runner[0]} {runner[1]} {shlex.quote(code)}"

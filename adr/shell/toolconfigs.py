"""Tools that load a file of the folder as code, or run the commands it lists, before doing what they
were asked: `rake` evaluates the Rakefile, `vite build` imports vite.config.ts, `tilt up` runs the
Tiltfile's `local()` calls, `tox` its `commands`, `poe test` the task it names, `composer install`
its post-install scripts. An agent that writes such a file in one call and starts the tool in the
next runs what it wrote, so the cross-call walk (adr/daemon/crosscall.py) reads the file when the tool
starts: code as a script of its language, command files through the build-file readers
(adr/engine/buildfiles.py — the same ones that judge the file when it is written).

Pure: the table, and which files and task names a command line means; no disk.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable

from adr.shell.words import positionals

_JS = ("js", "mjs", "cjs", "ts", "mts", "cts")


def _js(*stems: str) -> tuple[str, ...]:
    return tuple(f"{s}.{e}" for s in stems for e in _JS)


@dataclass(frozen=True)
class Tool:
    """What one program loads. `language`: its files are code of that language (run as a script);
    `commands`: its files list commands (read by the build-file readers) — a tool may do both (a
    Rakefile is Ruby whose `sh` calls run commands)."""

    files: tuple[str, ...]
    language: str = ""
    commands: bool = False
    verbs: "frozenset[str] | None" = None  # first positional that loads the files (None: any)
    families: tuple[str, ...] = ()  # commands: the label families a task name selects (buildfiles.task_commands)
    task: bool = False  # the positional after the verb (or the first, with no verbs) names the task
    file_opts: frozenset[str] = frozenset()  # options naming the file itself
    dir_opts: frozenset[str] = frozenset()  # options naming the folder to read it from
    valued: frozenset[str] = frozenset()  # other options that take a value
    folders: tuple[str, ...] = ()  # folders whose every file it loads too (rake's rakelib/*.rake)
    file_env: str = ""  # environment variable naming the file instead (BUNDLE_GEMFILE, COMPOSER)
    file_pos: bool = False  # the positional after the verb (or the first) names the file (karma start F)
    bare: bool = False  # with `verbs`: no positional at all runs the default verb (`next` is `next dev`)


_QUIET = frozenset({"--version", "-V", "version", "--help", "-h", "help", "init", "completion", "completions"})
_RUBY = "ruby"
_NODE = "node"


def _ruby(*files: str, verbs: "frozenset[str] | None" = None, commands: bool = False,
          file_opts: frozenset[str] = frozenset(), dir_opts: frozenset[str] = frozenset(), file_env: str = "",
          folders: tuple[str, ...] = ()) -> Tool:
    return Tool(files, _RUBY, commands, verbs, file_opts=file_opts, dir_opts=dir_opts,
                valued=frozenset({"-I", "-r", "-j", "--jobs"}), file_env=file_env, folders=folders)


def _node(*stems: str, extra: tuple[str, ...] = (), verbs: "frozenset[str] | None" = None,
          config_opts: frozenset[str] = frozenset({"-c", "--config"}), file_pos: bool = False,
          bare: bool = False, valued: frozenset[str] = frozenset()) -> Tool:
    return Tool(_js(*stems) + extra, _NODE, verbs=verbs, file_opts=config_opts, valued=valued, file_pos=file_pos,
                bare=bare)


_PROCFILE = Tool(("Procfile",), commands=True, verbs=frozenset({"start", "s"}), families=("process",),
                 file_opts=frozenset({"-f", "--procfile"}), dir_opts=frozenset({"-d", "--root"}),
                 valued=frozenset({"-e", "--env", "-p", "--port", "-c", "--concurrency", "-l", "-t", "--timeout"}))
_PYPROJECT = ("pyproject.toml",)

TOOLS: dict[str, Tool] = {
    # Ruby DSL files the tool evaluates whatever the subcommand
    "bundle": _ruby("Gemfile", "gems.rb", file_opts=frozenset({"--gemfile"}), file_env="BUNDLE_GEMFILE"),
    "bundler": _ruby("Gemfile", "gems.rb", file_opts=frozenset({"--gemfile"}), file_env="BUNDLE_GEMFILE"),
    "pod": _ruby("Podfile"), "vagrant": _ruby("Vagrantfile", file_env="VAGRANT_VAGRANTFILE"),
    "fastlane": _ruby("fastlane/Fastfile", "Fastfile"),
    "rake": _ruby("Rakefile", "rakefile", "Rakefile.rb", "rakefile.rb", commands=True,
                  file_opts=frozenset({"-f", "--rakefile"}), dir_opts=frozenset({"-C", "--directory"}),
                  folders=("rakelib",)),
    "danger": _ruby("Dangerfile"), "cap": _ruby("Capfile"), "guard": _ruby("Guardfile"),
    "berks": _ruby("Berksfile"), "thor": _ruby("Thorfile"),
    "brew": _ruby("Brewfile", verbs=frozenset({"bundle"})),
    # Python
    "nox": Tool(("noxfile.py",), "python", True, file_opts=frozenset({"-f", "--noxfile"}),
                valued=frozenset({"-s", "--session", "--sessions", "-p", "--python", "-k", "-t", "--tags"})),
    # JavaScript/TypeScript configuration modules the tool imports (code: a config can spawn anything)
    "vite": _node("vite.config"), "vitest": _node("vitest.config", "vite.config", "vitest.workspace"),
    # (webpack-cli also looks in .webpack/: webpack.config.*, webpackfile.*)
    "webpack": _node("webpack.config", ".webpack/webpack.config", ".webpack/webpackfile"),
    "webpack-cli": _node("webpack.config", ".webpack/webpack.config", ".webpack/webpackfile"),
    "webpack-dev-server": _node("webpack.config", ".webpack/webpack.config", ".webpack/webpackfile"),
    "jest": _node("jest.config"), "eslint": _node("eslint.config", extra=(".eslintrc.js", ".eslintrc.cjs")),
    "next": _node("next.config", verbs=frozenset({"build", "dev", "start", "lint", "export"}), bare=True,
                  valued=frozenset({"-p", "--port", "-H", "--hostname"})),
    "rollup": _node("rollup.config"), "babel": _node("babel.config", extra=(".babelrc.js", ".babelrc.cjs"),
                                                          config_opts=frozenset({"--config-file"})),
    "tsup": _node("tsup.config"),
    "astro": _node("astro.config", verbs=frozenset({"dev", "build", "preview", "sync", "check"})),
    "nuxt": _node("nuxt.config", verbs=frozenset({"dev", "build", "generate", "preview", "prepare"})),
    "nuxi": _node("nuxt.config", verbs=frozenset({"dev", "build", "generate", "preview", "prepare"})),
    "playwright": _node("playwright.config", verbs=frozenset({"test"})),
    "cypress": _node("cypress.config", verbs=frozenset({"run", "open"}), config_opts=frozenset({"-C", "--config-file"})),
    "karma": _node("karma.conf", verbs=frozenset({"start", "run"}), file_pos=True),
    "gatsby": _node("gatsby-config", "gatsby-node", verbs=frozenset({"develop", "build", "serve"})),
    "docusaurus": _node("docusaurus.config", verbs=frozenset({"start", "build", "serve", "deploy"})),
    "grunt": _node("Gruntfile", "gruntfile", extra=("Gruntfile.coffee",), config_opts=frozenset({"--gruntfile"})),
    "gulp": _node("gulpfile", extra=("gulpfile.babel.js",), config_opts=frozenset({"-f", "--gulpfile"})),
    "postcss": _node("postcss.config"), "tailwindcss": _node("tailwind.config"),
    "prettier": _node("prettier.config", extra=(".prettierrc.js", ".prettierrc.cjs", ".prettierrc.mjs")),
    "stylelint": _node("stylelint.config", extra=(".stylelintrc.js", ".stylelintrc.cjs")),
    "commitlint": _node("commitlint.config"), "lint-staged": _node("lint-staged.config", extra=(".lintstagedrc.js",)),
    "vue-cli-service": _node("vue.config"), "electron-forge": _node("forge.config"),
    "svelte-kit": _node("svelte.config"),
    # files of commands
    "tilt": Tool(("Tiltfile",), commands=True, verbs=frozenset({"up", "ci", "down"}),
                 file_opts=frozenset({"-f", "--file"}), valued=frozenset({"--port", "--host", "--context"})),
    "skaffold": Tool(("skaffold.yaml", "skaffold.yml"), commands=True,
                     verbs=frozenset({"build", "run", "dev", "deploy", "debug", "verify", "test"}),
                     file_opts=frozenset({"-f", "--filename"}), valued=frozenset({"-p", "--profile", "-m", "--module"})),
    # (lefthook reads the first main config it finds, then merges lefthook-local.*; `extends:` files
    # are followed by adr/engine/buildincludes.py)
    "lefthook": Tool(tuple(f"{d}{s}.{e}" for d in ("", ".", ".config/") for s in ("lefthook", "lefthook-local")
                           for e in ("yml", "yaml", "toml", "json", "jsonc")),
                     commands=True, verbs=frozenset({"run"}), file_env="LEFTHOOK_CONFIG"),
    "devcontainer": Tool((".devcontainer/devcontainer.json", ".devcontainer.json"), commands=True,
                         verbs=frozenset({"up", "build", "run-user-commands", "set-up"}),
                         file_opts=frozenset({"--config"}), dir_opts=frozenset({"--workspace-folder"})),
    "tox": Tool(("tox.ini", "tox.toml") + _PYPROJECT + ("setup.cfg",), commands=True, families=("tox*",),
                file_opts=frozenset({"-c", "--conf"}), valued=frozenset({"-e", "--env", "-r", "--recreate-pkg",
                                                                          "-x", "--override", "--workdir"})),
    "hivemind": Tool(("Procfile",), commands=True, families=("process",), file_pos=True),
    # supervisord starts every [program:x] command= of its configuration (-c F, else the first found)
    "supervisord": Tool(("supervisord.conf", "etc/supervisord.conf"), commands=True,
                        file_opts=frozenset({"-c", "--configuration"}),
                        valued=frozenset({"-u", "--user", "-d", "--directory", "-l", "--logfile", "-y",
                                          "--logfile_maxbytes", "-z", "--logfile_backups", "-e", "--loglevel",
                                          "-j", "--pidfile", "-i", "--identifier", "-q", "--childlogdir",
                                          "-a", "--minfds", "--minprocs", "-k"})),
    "foreman": _PROCFILE, "honcho": _PROCFILE, "forego": _PROCFILE, "nf": _PROCFILE, "overmind": _PROCFILE,
    "poe": Tool(_PYPROJECT + ("poe_tasks.toml", "poe_tasks.yaml", "poe_tasks.json"), commands=True, families=("poe task",), task=True,
                dir_opts=frozenset({"-C", "--directory", "--root"}), valued=frozenset({"-e", "--executor"})),
    "pdm": Tool(_PYPROJECT, commands=True, families=("pdm script",), dir_opts=frozenset({"-p", "--project"})),
    "rye": Tool(_PYPROJECT, commands=True, verbs=frozenset({"run"}), families=("rye script",), task=True),
    "hatch": Tool(_PYPROJECT + ("hatch.toml",), commands=True, verbs=frozenset({"run"}), families=("hatch",),
                  task=True),
    "deno": Tool(("deno.json", "deno.jsonc"), commands=True, verbs=frozenset({"task"}), families=("task",),
                 task=True, file_opts=frozenset({"-c", "--config"}), dir_opts=frozenset({"--cwd"})),
    "mise": Tool(("mise.toml", ".mise.toml", "mise.local.toml", ".mise.local.toml", "mise/config.toml",
                  ".mise/config.toml", ".config/mise.toml", ".config/mise/config.toml"), commands=True,
                 families=("task", "hook*", "exec()*"), dir_opts=frozenset({"-C", "--cd"})),
    "composer": Tool(("composer.json",), commands=True, families=("script",),
                     dir_opts=frozenset({"-d", "--working-dir"}), file_env="COMPOSER"),
    "task": Tool(_PYPROJECT, commands=True, families=("taskipy task",), task=True),  # (taskipy; go-task: runs.py)
}

# where ansible-playbook finds its ansible.cfg, roles and collections (adr/daemon/crosscall.py ansible_cfg)
ANSIBLE_ENVS = frozenset({"ANSIBLE_CONFIG", "ANSIBLE_ROLES_PATH", "ANSIBLE_COLLECTIONS_PATH",
                          "ANSIBLE_COLLECTIONS_PATHS"})
# variables whose value a program's build runs (adr/shell/runs.py): cargo's compiler wrappers (and its
# CARGO_TARGET_<triple>_RUNNER/_LINKER), the options the build's JVM starts with
CARGO_PROGRAM_VARS = frozenset({"RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTC", "RUSTDOC",
                                "CARGO_BUILD_RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC"})
_MVN = frozenset({"mvn", "mvnw", "mvnd"})
_GRADLE = frozenset({"gradle", "gradlew"})
JVM_OPTS = {"MAVEN_OPTS": _MVN, "GRADLE_OPTS": _GRADLE, "JAVA_OPTS": _MVN | _GRADLE}
# variable → the programs that read a file (or folder) it names instead of their own, or a program or
# flags it names: LEFTHOOK_CONFIG, COMPOSER, BUNDLE_GEMFILE, ANSIBLE_ROLES_PATH, MAKEFILES, GOFLAGS,
# RUSTC_WRAPPER … An `export` earlier on the line (adr/shell/parse.py), a prefix on a runner
# (`LEFTHOOK_CONFIG=x npx lefthook`) or an earlier call of the session (adr/daemon/crosscall.py) hands them
# to the program as a prefix on it would
# programs that read a variable from their environment without the line naming it: an earlier call's
# `export GIT_SSH_COMMAND='sh x.sh'` reaches `git fetch` in the next (adr/daemon/crosscall.py variables())
_GIT = frozenset({"git"})
_PAGED = frozenset({"git", "man", "less", "journalctl", "systemctl", "psql", "mysql", "gh", "glab"})
_EDITING = frozenset({"git", "crontab", "visudo", "sudoedit", "vipw", "vigr", "kubectl", "gh", "fc"})
_MAKE = frozenset({"make", "gmake", "bmake", "remake"})
IMPLICIT_READERS: dict[str, frozenset[str]] = {
    "GIT_SSH_COMMAND": _GIT, "GIT_SSH": _GIT, "GIT_PAGER": _GIT, "GIT_EXTERNAL_DIFF": _GIT, "GIT_EDITOR": _GIT,
    "GIT_ASKPASS": _GIT, "GIT_PROXY_COMMAND": _GIT, "GIT_CONFIG_GLOBAL": _GIT, "GIT_CONFIG_SYSTEM": _GIT,
    "PAGER": _PAGED, "MANPAGER": frozenset({"man"}), "LESSOPEN": frozenset({"less", "man"}),
    "EDITOR": _EDITING, "VISUAL": _EDITING, "SSH_ASKPASS": frozenset({"ssh", "scp", "sftp", "git"}),
    "MAKEFLAGS": _MAKE, "MFLAGS": _MAKE,
    # where a coding agent reads its settings — adr's hooks among them (rules/agents.yaml: nested-agent-unhooked)
    "CLAUDE_CONFIG_DIR": frozenset({"claude", "claude-code"}), "CODEX_HOME": frozenset({"codex"}),
    "GEMINI_CLI_HOME": frozenset({"gemini"}), "OPENCODE_CONFIG_DIR": frozenset({"opencode"}),
    "OPENCODE_CONFIG": frozenset({"opencode"}), "COPILOT_HOME": frozenset({"copilot"}),
}
ENV_READERS: dict[str, frozenset[str]] = {
    **IMPLICIT_READERS,
    **{v: frozenset(p for p, t in TOOLS.items() if t.file_env == v) for v in sorted({t.file_env for t in TOOLS.values()}) if v},
    **{v: frozenset({"ansible-playbook"}) for v in ANSIBLE_ENVS},
    "MAKEFILES": _MAKE, "GOFLAGS": frozenset({"go"}),
    **{v: frozenset({"cargo"}) for v in CARGO_PROGRAM_VARS}, **JVM_OPTS,
}
FILE_ENVS = frozenset(ENV_READERS)


def env_readers(name: str) -> frozenset[str]:
    """The programs that read the variable `name` (ENV_READERS; cargo's CARGO_TARGET_<triple>_RUNNER too)."""
    got = ENV_READERS.get(name)
    if got is not None:
        return got
    return frozenset({"cargo"}) if name.startswith("CARGO_TARGET_") else frozenset()

# composer's events per subcommand (a custom script's name also runs it: `composer test`)
_AUTOLOAD = ("pre-autoload-dump", "post-autoload-dump")
_COMPOSER_EVENTS = {
    "install": ("pre-install-cmd", "post-install-cmd") + _AUTOLOAD, "i": ("pre-install-cmd", "post-install-cmd") + _AUTOLOAD,
    "update": ("pre-update-cmd", "post-update-cmd") + _AUTOLOAD, "u": ("pre-update-cmd", "post-update-cmd") + _AUTOLOAD,
    "upgrade": ("pre-update-cmd", "post-update-cmd") + _AUTOLOAD,
    "require": ("pre-update-cmd", "post-update-cmd") + _AUTOLOAD, "remove": ("pre-update-cmd", "post-update-cmd") + _AUTOLOAD,
    "dump-autoload": _AUTOLOAD, "dumpautoload": _AUTOLOAD,
    "create-project": ("post-root-package-install", "post-create-project-cmd"),
}
_MISE_RUN = frozenset({"run", "r", "watch", "w"})


@dataclass(frozen=True)
class Load:
    """One file a command makes its tool load: read as code (`language`) or for its commands (the
    build-file readers, filtered to `families`/`names` when the command names tasks)."""

    path: str
    language: str = ""
    names: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    like: str = ""  # a file the command names (tox -c ci.ini, COMPOSER=x.json): read as the tool's own file
    program: bool = False  # a file the tool runs as a program (mise's file tasks: mise-tasks/NAME)


def _opt_value(args: "list[str]", opts: frozenset[str]) -> str:
    for i, a in enumerate(args):
        if a in opts and i + 1 < len(args):
            return args[i + 1]
        name, eq, value = a.partition("=")
        if eq and name in opts:
            return value
        if len(a) > 2 and not a.startswith("--") and a[:2] in opts:
            return a[2:]  # -fFILE
    return ""


def _task_names(prog: str, tool: Tool, pos: "list[str]") -> "tuple[str, ...] | None":
    """The task names a command asks for; () for every command of the families; None: nothing runs."""
    if prog == "composer":
        if not pos:
            return None
        if pos[0] in ("run-script", "run"):
            return tuple(pos[1:2]) or None
        if pos[0] in _COMPOSER_EVENTS:
            return _COMPOSER_EVENTS[pos[0]]
        # Symfony console takes any unambiguous prefix of a command (`composer inst`)
        abbr = tuple(e for k, v in _COMPOSER_EVENTS.items() if len(pos[0]) > 1 and k.startswith(pos[0]) for e in v)
        return tuple(dict.fromkeys(abbr + (pos[0],)))
    if prog == "pdm":
        if not pos:
            return None
        if pos[0] == "run":
            return (pos[1], f"pre_{pos[1]}", f"post_{pos[1]}") if len(pos) > 1 else None
        return (pos[0], f"pre_{pos[0]}", f"post_{pos[0]}")  # pdm's hooks, or `pdm NAME` for a script
    if prog == "mise":
        if pos[:1] and pos[0] in _MISE_RUN or pos[:2] == ["tasks", "run"]:
            k = 2 if pos[0] == "tasks" else 1
            return tuple(pos[k:k + 1])
        return ()  # every other command loads the config: its hooks and exec() templates
    if prog == "overmind" or tool is _PROCFILE:
        return tuple(n for p in pos[1:] for n in p.split(",") if n)
    if tool.task:
        at = 1 if tool.verbs is not None else 0
        if len(pos) <= at:
            return None
        name = pos[at].split(":")[-1]  # hatch's ENV:SCRIPT
        extra = (f"pre_{name}", f"post_{name}") if prog == "task" else ()
        extra += ("pre-install-commands", "post-install-commands") if prog == "hatch" else ()
        return (name,) + extra
    return ()


def loads(prog: str, args: "list[str] | tuple[str, ...]", here: str, home: str,
          resolve: Callable[[str, str, str], str], env: "tuple[str, ...]" = ()) -> list[Load]:
    """The files `prog ARGS`, started in `here` with the `NAME=value` assignments `env`, loads as code
    or commands (those that do not exist are skipped by the reader)."""
    tool = TOOLS.get(prog)
    if tool is None or not here:
        return []
    args = list(args)
    if any(a in _QUIET for a in args[:2]):
        return []
    valued = tool.valued | tool.file_opts | tool.dir_opts
    pos = positionals(args, valued)
    if tool.verbs is not None and (pos[0] not in tool.verbs if pos else not tool.bare):
        return []
    where = here
    d = _opt_value(args, tool.dir_opts) if tool.dir_opts else ""
    if d:
        where = resolve(d, here, home) or here
    given = _opt_value(args, tool.file_opts) if tool.file_opts else ""
    at = 1 if tool.verbs is not None else 0
    if tool.file_pos and len(pos) > at:
        given = pos[at]
    if not given and tool.file_env:
        given = next((e.partition("=")[2] for e in env if e.partition("=")[0] == tool.file_env), "")
    files: tuple[str, ...]
    if given:
        path = resolve(given, where, home)
        if not path:
            return []
        files = (path,)
        # read as the tool's file of the same syntax (LEFTHOOK_CONFIG=x.toml: lefthook.toml), else its first
        ext = posixpath.splitext(given)[1].lower()
        like = next((f for f in tool.files if ext and f.endswith(ext)), tool.files[0])
    else:
        like = ""
        files = tuple(posixpath.join(where, f) for f in tool.files)
    out: list[Load] = []
    if tool.language:
        out += [Load(f, tool.language) for f in files]
    if tool.commands:
        names = _task_names(prog, tool, pos)
        if names is None:
            return out
        fams = tool.families
        out += [Load(f, "", names, fams, like) for f in files]
        if not given:  # (a folder: each of its files, read as the tool's own file)
            out += [Load(posixpath.join(where, d), "", names, fams, tool.files[0]) for d in tool.folders]
        if prog == "deno" and names and not given:
            # `deno task NAME` runs package.json's script NAME when deno.json has no such task
            out.append(Load(posixpath.join(where, "package.json"), "", names, ("script",), "package.json"))
        if prog == "mise" and names:
            out += [Load(posixpath.join(where, d, n.replace(":", "/")), program=True)
                    for n in names if n and not n.startswith(("-", ".")) and ".." not in n for d in _MISE_TASK_DIRS]
    return out


# folders of mise's file tasks: `mise run a:b` runs the executable mise-tasks/a/b
_MISE_TASK_DIRS = ("mise-tasks", ".mise-tasks", "mise/tasks", ".mise/tasks", ".config/mise/tasks")


def earthly_loads(args: "list[str] | tuple[str, ...]", here: str, home: str, resolve: Callable[[str, str, str], str]) -> list[Load]:
    """`earthly +target`, `earthly ./sub+target`: the Earthfile of each local target's folder (a
    remote reference, `github.com/x/y+t`, is not on this machine)."""
    out: list[Load] = []
    for a in positionals(list(args), frozenset({"--build-arg", "--secret", "-s", "--platform", "--config",
                                                 "--remote-cache", "--buildkit-host", "--secret-file"})):
        if "+" not in a:
            continue
        ref = a.split("+", 1)[0]
        if ref and not ref.startswith((".", "/", "~")):
            continue
        d = resolve(ref, here, home) if ref else here
        if d:
            out.append(Load(posixpath.join(d, "Earthfile")))
    return out[:8]


def cmake_loads(args: "list[str] | tuple[str, ...]", here: str, home: str, resolve: Callable[[str, str, str], str]) -> list[Load]:
    """`cmake -S SRC -B BUILD`, `cmake ..`, `cmake .`: configuring runs CMakeLists.txt's
    execute_process commands (its custom commands run at build: read too); `cmake -P x.cmake` runs a
    script. `--build`, `--install`, `-E` and the informational options read no CMakeLists."""
    args = list(args)
    if any(a in ("--build", "--install", "-E", "--version", "--help", "-h", "--system-information",
                 "--find-package", "--workflow") or a.startswith("--help") for a in args):
        return []
    script = _opt_value(args, frozenset({"-P"}))
    if script:
        p = resolve(script, here, home)
        return [Load(p)] if p else []
    src = _opt_value(args, frozenset({"-S", "-H"}))
    if not src:
        pos = positionals(args, frozenset({"-B", "-G", "-T", "-A", "-C", "-D", "-U", "--preset", "--toolchain",
                                            "--install-prefix", "--log-level", "--graphviz"}))
        src = pos[-1] if pos else ""
        if not src and _opt_value(args, frozenset({"-B", "--preset"})):
            src = "."  # (a configure preset is read from the source folder: here)
    d = resolve(src, here, home) if src else ""
    out = [Load(posixpath.join(d, "CMakeLists.txt"))] if d else []
    # CMake code the configure step runs besides CMakeLists.txt: -C's initial cache script, the toolchain
    # file, and the project include hooks given as cache variables
    for s in _cmake_scripts(args):
        p = resolve(s, here, home)
        if p:
            out.append(Load(p))
    return out[:8]


_CMAKE_SCRIPT_VARS = ("CMAKE_TOOLCHAIN_FILE", "CMAKE_PROJECT_INCLUDE", "CMAKE_PROJECT_INCLUDE_BEFORE",
                      "CMAKE_PROJECT_TOP_LEVEL_INCLUDES")


def _cmake_scripts(args: "list[str]") -> list[str]:
    out = [v for v in (_opt_value(args, frozenset({"-C"})), _opt_value(args, frozenset({"--toolchain"}))) if v]
    for i, a in enumerate(args):
        d = args[i + 1] if a == "-D" and i + 1 < len(args) else a[2:] if a.startswith("-D") else ""
        name, eq, value = d.partition("=")
        if eq and name.split(":")[0] in _CMAKE_SCRIPT_VARS:
            out += [v for v in value.split(";") if v]
    return out

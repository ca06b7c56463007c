"""What build tools run of a project's own code: the compiled-language half of adr/shell/runs.py.

`cargo test`, `go test ./...`, `dotnet test`, `swift test`, `mvn exec:java`, `gradle run`: each
compiles code from the project and runs it (a test's body, a package's `init`, a build script, a
Maven plugin's `<executable>`, a Gradle task's `commandLine`, an MSBuild `<Exec Command>`). This
module reads the tools' own files — Cargo.toml and .cargo/config.toml, go.mod, pom.xml,
build.gradle(.kts) and settings.gradle(.kts), .csproj and Directory.Build.props/targets — and the
references between sources (rust's `mod`/`#[path]`/`include!`, go's imports of the module's own
packages, C's `#include "…"`), and says which files and command lines that makes.

Pure text in, names and command lines out; reading the files (bounded, newest first) and judging
them is the cross-call walk's (adr/daemon/crosscall.py). Text that does not parse yields nothing.
"""
from __future__ import annotations

import posixpath
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from typing import Any

from adr import lazyre

MAX_ITEMS = 64  # names taken from one file (members, dependencies, imports, commands …)


def _toml(text: str) -> "dict[str, Any]":
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _table(data: Any, *keys: str) -> "dict[str, Any]":
    for k in keys:
        data = data.get(k) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _argv_line(words: "list[Any]") -> str:
    return " ".join(shlex.quote(str(w)) for w in words if isinstance(w, (str, int, float)))


# ---- cargo ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CargoManifest:
    """A Cargo.toml as the build reads it (paths as written, relative to the manifest's folder)."""

    package: bool = False  # [package]: a crate (else a virtual workspace)
    name: str = ""
    build: "str | None" = None  # the build script: None → build.rs when it exists; "" → none (build = false)
    proc_macro: bool = False  # [lib] proc-macro = true: its code runs inside the compiler
    lib: str = ""  # [lib] path
    targets: "tuple[tuple[str, str, str], ...]" = ()  # (bin|test|bench|example, name, path) declared
    members: "tuple[str, ...]" = ()  # [workspace] members (globs as written)
    exclude: "tuple[str, ...]" = ()
    paths: "tuple[str, ...]" = ()  # local crates it builds: path dependencies and patches


def cargo_manifest(text: str) -> CargoManifest:
    data = _toml(text)
    pkg = _table(data, "package")
    build: "str | None" = None
    b = pkg.get("build")
    if b is False:
        build = ""
    elif isinstance(b, str) and b:
        build = b
    lib = _table(data, "lib")
    targets: list[tuple[str, str, str]] = []
    for kind in ("bin", "test", "bench", "example"):
        for t in (data.get(kind) if isinstance(data.get(kind), list) else [])[:MAX_ITEMS]:
            if isinstance(t, dict) and isinstance(t.get("path"), str):
                targets.append((kind, str(t.get("name") or ""), t["path"]))
    ws = _table(data, "workspace")
    members = tuple(m for m in (ws.get("members") if isinstance(ws.get("members"), list) else []) if isinstance(m, str))
    exclude = tuple(m for m in (ws.get("exclude") if isinstance(ws.get("exclude"), list) else []) if isinstance(m, str))
    paths: list[str] = []

    def deps(table: Any) -> None:
        for v in (table.values() if isinstance(table, dict) else []):
            if isinstance(v, dict) and isinstance(v.get("path"), str):
                paths.append(v["path"])
    for key in ("dependencies", "dev-dependencies", "build-dependencies", "dev_dependencies", "build_dependencies"):
        deps(data.get(key))
        deps(_table(data, "workspace").get(key))
    for t in _table(data, "target").values():
        if isinstance(t, dict):
            for key in ("dependencies", "dev-dependencies", "build-dependencies"):
                deps(t.get(key))
    for reg in _table(data, "patch").values():  # [patch.crates-io] x = { path = "…" }: local code in its place
        deps(reg)
    deps(_table(data, "replace"))
    return CargoManifest(package=bool(pkg), name=str(pkg.get("name") or ""), build=build,
                         proc_macro=lib.get("proc-macro") is True or lib.get("proc_macro") is True,
                         lib=lib["path"] if isinstance(lib.get("path"), str) else "",
                         targets=tuple(targets[:MAX_ITEMS]), members=members[:MAX_ITEMS], exclude=exclude[:MAX_ITEMS],
                         paths=tuple(dict.fromkeys(paths))[:MAX_ITEMS])


# .cargo/config.toml keys whose value is a program cargo runs: around every rustc call (a wrapper),
# as the compiler or linker, or around the program it built (`runner`, for cargo run/test/bench)
_CARGO_PROGRAM_KEYS = ("rustc-wrapper", "rustc-workspace-wrapper", "rustc", "rustdoc")


def cargo_config_commands(text: str) -> "list[tuple[str, str]]":
    """(key, command line) for each program a cargo configuration file makes cargo run (`build.rustc-wrapper`,
    `target.<triple>.runner` / `.linker`, `host.linker`, `doc.browser`), and `[env]` as `env NAME=VALUE cargo`
    (what cargo starts inherits it: LD_PRELOAD there is a preload). The program gets the file it runs
    as `FILE` (its real argument is known only at run time)."""
    data = _toml(text)
    out: list[tuple[str, str]] = []

    def program(key: str, v: Any) -> None:
        if isinstance(v, str) and v.strip():
            out.append((key, v.strip() + " FILE"))
        elif isinstance(v, list) and v:
            out.append((key, _argv_line(v + ["FILE"])))
        elif isinstance(v, dict) and isinstance(v.get("path"), str):  # {path = "…", args = […]}
            out.append((key, _argv_line([v["path"], *(v.get("args") if isinstance(v.get("args"), list) else []), "FILE"])))
    build = _table(data, "build")
    for k in _CARGO_PROGRAM_KEYS:
        program(f"build.{k}", build.get(k))
    for triple, t in list(_table(data, "target").items())[:MAX_ITEMS]:
        if isinstance(t, dict):
            for k in ("runner", "linker", "ar"):
                program(f"target.{triple}.{k}", t.get(k))
    program("host.linker", _table(data, "host").get("linker"))
    program("doc.browser", _table(data, "doc").get("browser"))
    env = _table(data, "env")
    pairs = []
    for k, v in list(env.items())[:MAX_ITEMS]:
        val = v.get("value") if isinstance(v, dict) else v
        if isinstance(val, (str, int)) and re.fullmatch(r"[A-Za-z_]\w*", str(k)):
            pairs.append(f"{k}={shlex.quote(str(val))}")
    if pairs:
        out.append(("env", "env " + " ".join(pairs) + " cargo build"))
    return out[:MAX_ITEMS]


def cargo_config_override(value: str) -> str:
    """`cargo --config KEY=VALUE`: the value as a config file's text ("" when it names a file)."""
    if "=" not in value:
        return ""
    key, _, val = value.partition("=")
    parts = key.strip().split(".")
    if len(parts) < 2:
        return ""
    return f"[{'.'.join(_toml_key(p) for p in parts[:-1])}]\n{_toml_key(parts[-1])} = {val.strip()}\n"


def _toml_key(k: str) -> str:
    k = k.strip()
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) or k[:1] in "\"'" else '"' + k.replace('"', '\\"') + '"'


# ---- rust: the files a crate's root reaches -----------------------------------------------------------

_RUST_MOD = lazyre.compile(r"(?m)^[ \t]*(?:pub(?:\s*\([^)\n]*\))?\s+)?mod\s+(?:r#)?([A-Za-z_]\w*)\s*;")
_RUST_PATH_ATTR = lazyre.compile(r"""#\s*\[\s*path\s*=\s*"((?:[^"\\\n]|\\.)*)"\s*\]\s*$""")
_RUST_INCLUDE = lazyre.compile(r"""\binclude\s*!\s*\(\s*"((?:[^"\\\n]|\\.)*)"\s*\)""")


def rust_refs(path: str, text: str, root: bool = False) -> "list[str]":
    """Source files the rust file at `path` brings into its crate: `mod x;` (x.rs or x/mod.rs, where
    rustc looks for it: beside a crate root or a mod.rs, else in the folder named after the file),
    `#[path = "…"] mod x;` and `include!("…")` (anywhere, relative to the file). `root`: the file is a
    crate's root (`rustc x.rs`, a `[[bin]] path`, tests/x.rs …). (A `mod x;` inside a block comment is
    read too: one more file read, nothing missed.)"""
    code = text[:256 * 1024]
    here = posixpath.dirname(path)
    base = posixpath.basename(path)
    root = root or base in ("mod.rs", "main.rs", "lib.rs", "build.rs") or posixpath.basename(here) in (
        "bin", "tests", "benches", "examples")
    own = here if root else posixpath.join(here, posixpath.splitext(base)[0])
    out: list[str] = []
    if "mod" in code:
        for m in _RUST_MOD.finditer(code):
            # `#[path = "…"]` on the lines just above (attributes stack; a few of them at most)
            attr = None
            for ln in reversed(code[max(0, m.start() - 400):m.start()].rstrip().rsplit("\n", 4)):
                ln = ln.strip()
                if not ln.startswith(("#", "///", "//!")):
                    break
                attr = attr or _RUST_PATH_ATTR.search(ln)
            name = m.group(1)
            if attr:
                out.append(posixpath.normpath(posixpath.join(here, attr.group(1))))
            else:
                out += [posixpath.join(own, name + ".rs"), posixpath.join(own, name, "mod.rs")]
            if len(out) >= MAX_ITEMS:
                break
    if "include" in code:
        for m in _RUST_INCLUDE.finditer(code):
            out.append(posixpath.normpath(posixpath.join(here, m.group(1))))
    return list(dict.fromkeys(out))[:MAX_ITEMS]


# ---- go ------------------------------------------------------------------------------------------------

_GO_MODULE = lazyre.compile(r"(?m)^\s*module\s+\"?([^\s\"/]+(?:/[^\s\"]+)*)\"?")
_GO_REPLACE_LINE = lazyre.compile(r"^\s*(\S+)(?:\s+v\S+)?\s*=>\s*(\S+)\s*$")
_GO_IMPORT_BLOCK = lazyre.compile(r"(?m)^\s*import\s*(?:\(([^)]{0,16000})\)|(?:[\w.]+\s+)?\"([^\"\n]+)\")")
_GO_IMPORT_PATH = lazyre.compile(r"\"([^\"\n]+)\"")
_GO_GENERATE = lazyre.compile(r"(?m)^//go:generate[ \t]+(.+)$")
_GO_USE = lazyre.compile(r"(?m)^\s*use\s+(?:\(([^)]{0,8000})\)|(\S+))")


def go_mod(text: str) -> "tuple[str, list[tuple[str, str]]]":
    """(module path, [(import path, local folder)]) of a go.mod: `replace X => ../dir` builds that
    folder's code in X's place."""
    m = _GO_MODULE.search(text)
    module = m.group(1) if m else ""
    replaces: list[tuple[str, str]] = []
    lines = text.splitlines()[:4096]
    block = False
    for line in lines:
        s = line.split("//", 1)[0].strip()
        if s.startswith("replace") and s.rstrip().endswith("("):
            block = True
            continue
        if block and s == ")":
            block = False
            continue
        body = s[len("replace"):] if s.startswith("replace ") else s if block else ""
        r = _GO_REPLACE_LINE.match(body) if body else None
        if r and r.group(2).startswith((".", "/")):
            replaces.append((r.group(1), r.group(2)))
    return module, replaces[:MAX_ITEMS]


def go_work(text: str) -> "list[str]":
    """The module folders a go.work file uses (`use ./a`, `use ( ./a ./b )`)."""
    out: list[str] = []
    for m in _GO_USE.finditer(text):
        out += (m.group(1) or "").split() if m.group(1) is not None else [m.group(2)]
    return [u.strip('"') for u in out if not u.startswith("//")][:MAX_ITEMS]


def go_imports(text: str) -> "list[str]":
    """Import paths of a go file."""
    out: list[str] = []
    for m in _GO_IMPORT_BLOCK.finditer(text[:256 * 1024]):
        if m.group(2) is not None:
            out.append(m.group(2))
        else:
            out += _GO_IMPORT_PATH.findall(m.group(1))
        if len(out) >= MAX_ITEMS:
            break
    return out[:MAX_ITEMS]


def go_local_folders(imports: "list[str]", root: str, module: str, replaces: "list[tuple[str, str]]") -> "list[str]":
    """The folders of the imports that are the module's own packages (or a `replace` to a local folder)."""
    out: list[str] = []
    for imp in imports:
        if module and (imp == module or imp.startswith(module + "/")):
            out.append(posixpath.normpath(posixpath.join(root, imp[len(module):].lstrip("/"))))
            continue
        for old, local in replaces:
            if imp == old or imp.startswith(old + "/"):
                out.append(posixpath.normpath(posixpath.join(root, local, imp[len(old):].lstrip("/"))))
                break
    return list(dict.fromkeys(out))


def go_generate_commands(text: str) -> "list[str]":
    """The commands `go generate` runs for a file: its `//go:generate` lines (`-command` aliases kept as written)."""
    return [m.group(1).strip() for m in _GO_GENERATE.finditer(text[:256 * 1024])][:MAX_ITEMS]


def go_overlay(text: str) -> "list[str]":
    """The files a `-overlay` JSON puts in place of the package's own (`{"Replace": {"a.go": "/tmp/x.go"}}`)."""
    import json
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    rep = data.get("Replace") if isinstance(data, dict) else None
    return [v for v in (rep.values() if isinstance(rep, dict) else []) if isinstance(v, str) and v][:MAX_ITEMS]


# ---- c: quoted includes ---------------------------------------------------------------------------------

_C_INCLUDE = lazyre.compile(r"""(?m)^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)\"""")


def c_includes(path: str, text: str) -> "list[str]":
    """The files `#include "x"` brings into a C/C++ source (beside it; headers hold code too)."""
    here = posixpath.dirname(path)
    return [posixpath.normpath(posixpath.join(here, m.group(1))) for m in _C_INCLUDE.finditer(text[:256 * 1024])][:MAX_ITEMS]


# ---- xml: Maven's pom.xml, MSBuild project files ---------------------------------------------------------

def _xml(text: str) -> Any:
    """The element tree of `text` with namespaces dropped (None when it does not parse). A DTD is
    refused: entity tricks (a billion laughs, external entities) have no place in a build file."""
    if "<!DOCTYPE" in text[:4096] or "<!ENTITY" in text:
        return None
    import xml.etree.ElementTree as ET
    try:
        root = ET.fromstring(text)
    except (ET.ParseError, ValueError, RecursionError):
        return None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _text(el: Any) -> str:
    return (el.text or "").strip() if el is not None else ""


@dataclass(frozen=True)
class Pom:
    main_class: str = ""  # exec-maven-plugin's <mainClass> (exec:java)
    commands: "tuple[tuple[str, str], ...]" = ()  # (where, command line) the build runs
    code: "tuple[tuple[str, str, str], ...]" = ()  # (where, language, code) the build evaluates
    modules: "tuple[str, ...]" = ()  # <modules><module>: folders built with it
    source_dirs: "tuple[str, ...]" = ()  # <sourceDirectory>, <testSourceDirectory>, build-helper's <source>


_ANT_LANG = {"javascript": "node", "js": "node", "groovy": "java", "beanshell": "java", "python": "python",
             "jython": "python", "ruby": "ruby", "jruby": "ruby"}


def pom(text: str) -> Pom:
    """What a pom.xml makes Maven run: exec-maven-plugin's `<executable>` with its `<arguments>` (or
    `<commandlineArgs>`), maven-antrun-plugin's `<exec>` / `<apply>` tasks and `<script>` code, and
    groovy-maven-plugin's `<source>`; the `<mainClass>` exec:java runs. (Which phase a plugin is bound
    to is not weighed: a build that reaches it runs it.)"""
    root = _xml(text)
    if root is None:
        return _pom_loose(text)
    commands: list[tuple[str, str]] = []
    code: list[tuple[str, str, str]] = []
    main_class = ""
    for plugin in root.iter("plugin"):
        art = _text(plugin.find("artifactId"))
        configs = [c for c in plugin.iter("configuration")]
        if "exec-maven-plugin" in art or art == "exec-maven-plugin":
            for cfg in configs:
                exe = _text(cfg.find("executable"))
                args = [_text(a) for a in cfg.iter("argument")] if cfg.find("arguments") is not None else []
                line = _text(cfg.find("commandlineArgs"))
                if exe:
                    commands.append(("exec-maven-plugin <executable>",
                                     _argv_line([exe, *args]) + (" " + line if line else "")))
                main_class = main_class or _text(cfg.find("mainClass"))
        elif "antrun" in art:
            for cfg in configs:
                for where, cmd in _ant_tasks(cfg):
                    commands.append(("maven-antrun-plugin " + where, cmd))
                for s in cfg.iter("script"):
                    lang = _ANT_LANG.get((s.get("language") or "").lower())
                    if lang and (s.text or "").strip():
                        code.append(("maven-antrun-plugin <script>", lang, s.text or ""))
        elif "groovy" in art or "gmaven" in art:
            for cfg in configs:
                for s in list(cfg.iter("source")) + list(cfg.iter("script")):
                    if (s.text or "").strip():
                        code.append((f"{art} <{s.tag}>", "java", s.text or ""))
    modules = tuple(_text(m) for m in root.iter("module") if _text(m))
    dirs = [_text(e) for tag in ("sourceDirectory", "testSourceDirectory") for e in root.iter(tag)]
    for plugin in root.iter("plugin"):  # build-helper-maven-plugin's add-source / add-test-source
        if "build-helper" in _text(plugin.find("artifactId")):
            dirs += [_text(e) for e in plugin.iter("source")]
    dirs = [d.replace("${project.basedir}/", "").replace("${basedir}/", "") for d in dirs if d]
    return Pom(main_class=main_class, commands=tuple(commands[:MAX_ITEMS]), code=tuple(code[:16]),
               modules=modules[:MAX_ITEMS], source_dirs=tuple(d for d in dirs if "${" not in d)[:16])


def _ant_tasks(el: Any) -> "list[tuple[str, str]]":
    """Ant's `<exec executable="x"><arg value="…"/><arg line="…"/></exec>` (and `<apply>`) as command lines."""
    out: list[tuple[str, str]] = []
    for tag in ("exec", "apply"):
        for t in el.iter(tag):
            exe = t.get("executable") or t.get("command") or ""
            if not exe:
                continue
            words = [exe]
            tail = []
            for a in t.iter("arg"):
                if a.get("value") is not None:
                    words.append(a.get("value"))
                elif a.get("line") is not None:
                    tail.append(a.get("line"))
                elif a.get("file") or a.get("path"):
                    words.append(a.get("file") or a.get("path"))
            out.append((f"<{tag}>", _argv_line(words) + ("".join(" " + x for x in tail))))
    return out


_LOOSE_EXEC = lazyre.compile(r"<executable>\s*([^<\s][^<]*?)\s*</executable>"
                         r"|<(?:exec|apply)\b[^>]*\bexecutable\s*=\s*\"([^\"]+)\"")


def _pom_loose(text: str) -> Pom:
    """A pom that does not parse as XML (a fragment, a typo): its executables, line by line."""
    cmds = [("<executable>", (m.group(1) or m.group(2)).strip()) for m in _LOOSE_EXEC.finditer(text[:256 * 1024])]
    main = re.search(r"<mainClass>\s*([\w.$]+)\s*</mainClass>", text)
    return Pom(main_class=main.group(1) if main else "", commands=tuple(cmds[:MAX_ITEMS]))


_POM_ARGUMENT = lazyre.compile(r"<argument>\s*([^<]+?)\s*</argument>|<arg\s+(?:value|line)\s*=\s*\"([^\"]+)\"")


def pom_written(text: str) -> "list[tuple[str, str]]":
    """The command lines a pom.xml as written (or an edit's piece of one) makes the build run: pom()'s,
    and a piece's `<argument>…</argument>` without its plugin, each as written."""
    out = list(pom(text).commands)
    if "<project" not in text[:4096]:
        out += [("<argument>", m.group(1) or m.group(2)) for m in _POM_ARGUMENT.finditer(text[:256 * 1024])]
    return out[:MAX_ITEMS]


@dataclass(frozen=True)
class MsBuild:
    commands: "tuple[tuple[str, str], ...]" = ()  # (where, command line) an <Exec> runs
    code: "tuple[tuple[str, str, str], ...]" = ()  # (where, language, code) an inline task compiles and runs
    imports: "tuple[str, ...]" = ()  # <Import Project="…"> files (relative to the project)
    compiles: "tuple[str, ...]" = ()  # <Compile Include="…"> outside the project's own folder (`**`/`*` kept)


def msbuild(text: str) -> MsBuild:
    """What an MSBuild file (.csproj, Directory.Build.props/.targets, an imported .targets) runs when
    `dotnet build|run|test|publish|pack` builds it: `<Exec Command="…">` (a shell line: sh on Unix,
    cmd on Windows), inline tasks' `<Code>` (C# compiled and run by the build) and the files it imports."""
    root = _xml(text)
    if root is None:
        cmds = [("<Exec>", _xml_unescape(m.group(1))) for m in
                re.finditer(r"<Exec\b[^>]*\bCommand\s*=\s*\"([^\"]*)\"", text[:256 * 1024])]
        return MsBuild(commands=tuple(cmds[:MAX_ITEMS]))
    commands = [("<Exec>", e.get("Command") or "") for e in root.iter("Exec") if (e.get("Command") or "").strip()]
    code: list[tuple[str, str, str]] = []
    for task in root.iter("UsingTask"):
        for c in task.iter("Code"):
            lang = (c.get("Language") or "cs").lower()
            if (c.text or "").strip():
                code.append(("<UsingTask> <Code>", "csharp" if lang in ("cs", "c#", "csharp") else "other", c.text or ""))
    imports = [i.get("Project") or "" for i in root.iter("Import") if "$(" not in (i.get("Project") or "$(")]
    compiles = [part.strip().replace("\\", "/") for c in root.iter("Compile")
                for part in (c.get("Include") or "").split(";") if part.strip() and "$(" not in part]
    return MsBuild(commands=tuple(commands[:MAX_ITEMS]), code=tuple(code[:16]), imports=tuple(imports[:16]),
                   compiles=tuple(compiles[:16]))


def _xml_unescape(s: str) -> str:
    return s.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ---- gradle ------------------------------------------------------------------------------------------------

_GRADLE_INCLUDE = lazyre.compile(r"""(?m)^\s*include(?:Build)?\s*\(?\s*((?:["'][^"'\n]+["']\s*,?\s*)+)\)?""")
_GRADLE_PROJECT_DIR = lazyre.compile(r"""project\s*\(\s*["']([^"']+)["']\s*\)\s*\.\s*projectDir\s*=\s*"""
                                 r"""(?:new\s+)?(?:File|file)\s*\(\s*(?:[\w.]+\s*,\s*)?["']([^"']+)["']""")
_GRADLE_APPLY = lazyre.compile(r"""\bapply\s*\(?\s*from\s*[:=]\s*(?:file\s*\(\s*)?["']([^"'\n]+)["']""")
_GRADLE_MAIN = lazyre.compile(r"""\bmainClass(?:Name)?\s*(?:\.\s*set\s*\(|=|\()\s*["']([\w.$]+)["']""")


def gradle_projects(settings: str) -> "list[str]":
    """Folders of the projects (and included builds) a settings.gradle(.kts) names (`include 'a:b'`
    is a/b, unless `project(':a').projectDir = file('…')` says otherwise)."""
    dirs = {m.group(1).lstrip(":"): m.group(2) for m in _GRADLE_PROJECT_DIR.finditer(settings)}
    out: list[str] = []
    for m in _GRADLE_INCLUDE.finditer(settings[:256 * 1024]):
        build = "includeBuild" in m.group(0)
        for name in re.findall(r"""["']([^"'\n]+)["']""", m.group(1)):
            key = name.lstrip(":")
            out.append(dirs.get(key) or (name if build else key.replace(":", "/")))
    return list(dict.fromkeys(out))[:MAX_ITEMS]


def gradle_applied(text: str) -> "list[str]":
    """Script files a build file applies (`apply from: 'gradle/x.gradle'`), as written."""
    return [m.group(1) for m in _GRADLE_APPLY.finditer(text[:256 * 1024]) if "://" not in m.group(1)][:16]


_GRADLE_SRC_DIRS = lazyre.compile(r"""\bsrcDirs?\s*(?:\+?=|\(|\s)\s*(?:\[|(?:files|listOf|setOf)\s*\()?\s*"""
                              r"""((?:["'][^"'\n]+["']\s*,?\s*)+)""")


def gradle_source_dirs(text: str) -> "list[str]":
    """Source folders a build file sets (`srcDirs = ['x']`, `srcDir("y")`), as written."""
    return [d for m in _GRADLE_SRC_DIRS.finditer(text[:256 * 1024])
            for d in re.findall(r"""["']([^"'\n]+)["']""", m.group(1)) if "$" not in d][:16]


def gradle_main_class(text: str) -> str:
    m = _GRADLE_MAIN.search(text[:256 * 1024])
    return m.group(1) if m else ""


def class_files(main_class: str, roots: "list[str]") -> "list[str]":
    """Where a JVM class's source lies in the usual source folders (x.y.Main → x/y/Main.java|.kt|…)."""
    rel = main_class.replace(".", "/").split("$", 1)[0]
    return [posixpath.join(r, rel + ext) for r in roots for ext in (".java", ".kt", ".groovy", ".scala")]


@dataclass(frozen=True)
class Plan:
    """What one build invocation runs of the project, for the walk to read (paths absolute)."""

    specs: "list[str]" = field(default_factory=list)  # source files first, then folders (`DIR/...`: with subfolders)
    files: "list[tuple[str, str, str]]" = field(default_factory=list)  # (path, language, what) read whole, judged as code
    commands: "list[tuple[str, str]]" = field(default_factory=list)  # (label, command line)

"""Which packages does one command install? `extract_installs(argv, cwd)`.

`argv` is one already-normalized simple command (argv[0] is the program's basename; wrappers,
sudo and paths are gone). Covers pip / pip3 / python -m pip, uv (pip install, add, tool install,
uvx), poetry add, pipx install/run, npm / npx / yarn / pnpm / bun, cargo install/add, gem install,
go install/get and brew install. Options that take a value are skipped with their value; custom
indexes/registries land in PackageRef.index and URL / VCS / path installs in PackageRef.source.
`-r FILE` is followed into the file (relative to cwd, size-bounded, nested -r up to a depth).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable

from adr import lazyre
from adr.actions import PackageRef

MAX_REQUIREMENTS_BYTES = 512 * 1024
MAX_REQUIREMENTS_DEPTH = 3
MAX_PACKAGES = 500

ReadFile = Callable[[str], "str | None"]


def read_bounded(path: str) -> str | None:
    """Default file reader for -r: None when missing, unreadable or too large."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_REQUIREMENTS_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_REQUIREMENTS_BYTES:
        data = data[:MAX_REQUIREMENTS_BYTES]
    return data.decode("utf-8", "replace")


_PYTHON = lazyre.compile(r"^(python|python[23](\.\d+)?|py|pypy3?)(\.exe)?$")
_PIP = lazyre.compile(r"^pip(3(\.\d+)?)?(\.exe)?$")

# ---------------------------------------------------------------- option tables (take a value)
_PIP_VALUE_OPTS = {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--platform",
    "--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar",
    "--log", "--log-file", "--proxy", "--retries", "--timeout", "--exists-action", "--trusted-host",
    "--cert", "--client-cert", "--cache-dir", "--global-option", "--config-settings", "-C",
    "--install-option", "--no-binary", "--only-binary", "--report", "--python", "--root-user-action",
    "--keyring-provider", "--use-feature", "--use-deprecated", "--resume-retries", "--group",
    "--build-option", "--index", "--default-index", "--extra", "--overrides", "--override",
    "-p", "--link-mode", "--resolution", "--prerelease", "--exclude-newer", "--index-strategy",
    "--reinstall-package", "-P", "--upgrade-package", "--no-build-package", "--no-binary-package",
    "--python-platform", "--target-dir", "--dependency-metadata", "--torch-backend", "--color",
    "--directory", "--project", "--config-file", "--cache-dir", "--allow-insecure-host",
    "--refresh-package", "--compile-bytecode-level", "--optional", "--package", "--script",
    "--rev", "--tag", "--branch", "--marker", "-m", "--bounds", "--constraints", "--with",
    "--from", "--with-requirements", "--with-editable", "-w", "--spec", "--pip-args", "--suffix",
    "--python-preference",
}
_NPM_VALUE_OPTS = {
    "--registry", "--prefix", "-w", "--workspace", "--save-prefix", "--omit", "--include", "--cache",
    "--userconfig", "--globalconfig", "--loglevel", "--before", "--install-strategy", "--tag",
    "--cwd", "--dir", "-C", "--filter", "-F", "--network-concurrency", "--modules-folder",
    "--mutex", "--cache-folder", "--global-folder", "--link-folder", "--scope", "--otp", "--access",
    "--script-shell", "--node-options", "--reporter", "--lockfile-dir", "--virtual-store-dir",
    "--store-dir", "--config", "--backend", "--cafile", "--ca", "--proxy", "--https-proxy",
    "--fetch-timeout", "--fetch-retries", "--call", "-c", "--shell",
}
_CARGO_VALUE_OPTS = {
    "--version", "--vers", "--git", "--path", "--registry", "--index", "--branch", "--tag", "--rev",
    "--root", "--target", "--features", "-F", "--bin", "--example", "-j", "--jobs", "--profile",
    "--target-dir", "--config", "-Z", "--rename", "-p", "--package", "--manifest-path", "--color",
    "--lockfile-path",
}
_GEM_VALUE_OPTS = {
    "-v", "--version", "-s", "--source", "-i", "--install-dir", "-n", "--bindir", "--platform",
    "-g", "--file", "--build-root", "-P", "--trust-policy", "--document", "--with-dependencies",
    "-p", "--http-proxy", "--config-file",
}
_GO_VALUE_OPTS = {"-modfile", "-tags", "-ldflags", "-gcflags", "-o", "-p", "-mod", "-C", "-exec", "-toolexec",
                  "-asmflags", "-buildmode", "-compiler", "-gccgoflags", "-installsuffix", "-overlay", "-pgo"}
_BREW_VALUE_OPTS = {"--appdir", "--fontdir", "--colorpickerdir", "--prefpanedir", "--qlplugindir",
                    "--mdimporterdir", "--dictionarydir", "--input-methoddir", "--screen-saverdir",
                    "--servicedir", "--vst-plugindir", "--vst3-plugindir", "--audio-unit-plugindir",
                    "--language", "--cc", "--bottle-arch", "--env"}
_POETRY_VALUE_OPTS = {"-G", "--group", "--source", "-E", "--extras", "--python", "--platform",
                      "--markers", "-C", "--directory", "-P", "--project"}

_DEFAULT_INDEXES = {
    "https://pypi.org/simple", "https://pypi.python.org/simple", "https://pypi.org/simple/",
    "https://registry.npmjs.org", "https://registry.npmjs.org/", "https://registry.yarnpkg.com",
    "https://registry.yarnpkg.com/", "https://rubygems.org", "https://rubygems.org/",
}


def is_default_index(url: str) -> bool:
    return url.rstrip("/") in {u.rstrip("/") for u in _DEFAULT_INDEXES}


def _opts(args: Iterable[str], value_opts: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Split args into positionals and (option, value) pairs; flags get value ''."""
    positionals: list[str] = []
    options: list[tuple[str, str]] = []
    it = iter(args)
    ended = False
    for a in it:
        if ended:
            positionals.append(a)
        elif a == "--":
            ended = True
        elif a.startswith("--") and "=" in a:
            k, _, v = a.partition("=")
            options.append((k, v))
        elif a in value_opts:
            options.append((a, next(it, "")))
        elif a.startswith("-") and len(a) > 2 and not a.startswith("--") and a[:2] in value_opts:
            options.append((a[:2], a[2:]))  # -rrequirements.txt, -ihttps://…
        elif a.startswith("-") and a != "-":
            options.append((a, ""))
        else:
            positionals.append(a)
    return positionals, options


# ------------------------------------------------------------------ python requirement strings
_PEP508 = lazyre.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*?)\s*$", re.S)
_URLISH = lazyre.compile(r"^(?:[a-z][a-z0-9+.-]*://|git\+|hg\+|svn\+|bzr\+|git@|file:)", re.I)
_ARCHIVE = lazyre.compile(r"\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip|tar|egg|gem|crate)$", re.I)
_EGG = lazyre.compile(r"[#&]egg=([A-Za-z0-9._-]+)")


def _is_pathish(s: str, slash_is_path: bool = True) -> bool:
    return s.startswith(("./", "../", "/", "~", ".\\")) or s in (".", "..") or bool(_ARCHIVE.search(s)) \
        or (slash_is_path and "/" in s and not _URLISH.match(s))


def _name_from_location(loc: str) -> str:
    m = _EGG.search(loc)
    if m:
        return m.group(1)
    base = loc.rstrip("/").split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    base = re.sub(r"\.git$", "", base)
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._]*?)-\d", base)  # wheel/sdist file name
    if m and _ARCHIVE.search(base):
        return m.group(1)
    return _ARCHIVE.sub("", base) or loc


def parse_python_requirement(text: str, index: str = "") -> PackageRef | None:
    """One PEP 508 requirement, URL, VCS link, archive or path → PackageRef (None for junk)."""
    text = text.strip()
    if not text or text.startswith("#"):
        return None
    m = _PEP508.match(text)
    if m and m.group(3).startswith("@") and not _URLISH.match(text):  # name [extras] @ url
        return PackageRef("pypi", m.group(1), "", m.group(3)[1:].split(";", 1)[0].strip(), index)
    if _URLISH.match(text) or _is_pathish(text):
        return PackageRef("pypi", _name_from_location(text), "", text, index)
    if not m:
        return None
    name, rest = m.group(1), m.group(3)
    rest = rest.split(";", 1)[0].strip()  # environment marker
    if rest.startswith("@"):
        return PackageRef("pypi", name, "", rest[1:].strip(), index)
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1].strip()
    if rest and not re.match(r"^(===|==|!=|~=|<=|>=|<|>)", rest):
        return None  # not a requirement ("install", stray words)
    return PackageRef("pypi", name, rest.replace(" ", ""), "", index)


def parse_requirements_text(text: str, cwd: str, read: ReadFile = read_bounded, index: str = "",
                            depth: int = 0) -> list[PackageRef]:
    """requirements.txt content → PackageRefs (follows -r, honours -i / --index-url lines)."""
    out: list[PackageRef] = []
    logical: list[str] = []
    buf = ""
    for line in text.splitlines():
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        logical.append(buf + line)
        buf = ""
    if buf:
        logical.append(buf)
    extra_indexes: list[str] = []
    for raw in logical:
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            parts = line.split(None, 1)
            opt, val = parts[0], (parts[1].strip() if len(parts) > 1 else "")
            if "=" in opt and opt.startswith("--"):
                opt, _, val = opt.partition("=")
            elif opt[:2] in ("-r", "-i", "-e", "-c", "-f") and len(opt) > 2:
                opt, val = opt[:2], opt[2:]
            if opt in ("-r", "--requirement") and val and depth < MAX_REQUIREMENTS_DEPTH:
                path = os.path.join(cwd, os.path.expanduser(val))
                sub = read(path)
                if sub is not None:
                    out += parse_requirements_text(sub, os.path.dirname(path), read, index, depth + 1)
            elif opt in ("-i", "--index-url", "--index"):
                index = "" if is_default_index(val) else val
            elif opt == "--extra-index-url" and not is_default_index(val):
                extra_indexes.append(val)
            elif opt in ("-e", "--editable") and val:
                ref = parse_python_requirement(val, index)
                if ref:
                    out.append(ref)
            continue
        req = re.split(r"\s+--?[a-z]", line, maxsplit=1)[0]  # trailing per-line options (--hash=…)
        ref = parse_python_requirement(req, index)
        if ref:
            out.append(ref)
        if len(out) >= MAX_PACKAGES:
            break
    file_index = index or (extra_indexes[0] if extra_indexes else "")
    if file_index:
        out = [r if r.index else PackageRef(r.ecosystem, r.name, r.spec, r.source, file_index) for r in out]
    return out


def _pip_like(args: list[str], cwd: str, read: ReadFile, *, value_opts: set[str] = _PIP_VALUE_OPTS) -> list[PackageRef]:
    positionals, options = _opts(args, value_opts)
    index = ""
    for k, v in options:
        if k in ("-i", "--index-url", "--index", "--default-index", "--extra-index-url", "-f", "--find-links") \
                and v and not is_default_index(v):
            index = index or v
    out: list[PackageRef] = []
    for k, v in options:
        if k in ("-r", "--requirement", "--requirements", "--with-requirements") and v:
            path = os.path.join(cwd or ".", os.path.expanduser(v))
            text = read(path)
            if text is not None:
                out += parse_requirements_text(text, os.path.dirname(path), read, index)
        elif k in ("-e", "--editable", "--with-editable") and v:
            ref = parse_python_requirement(v, index)
            if ref:
                out.append(ref)
        elif k == "--with" and v:
            for part in v.split(","):
                ref = parse_python_requirement(part, index)
                if ref:
                    out.append(ref)
    for p in positionals:
        ref = parse_python_requirement(p, index)
        if ref:
            out.append(ref)
    return out


def _pip(args: list[str], cwd: str, read: ReadFile) -> list[PackageRef]:
    # skip global options before the subcommand
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in _PIP_VALUE_OPTS and "=" not in args[i] else 1
    if i >= len(args) or args[i] != "install":
        return []
    return _pip_like(args[:i] + args[i + 1:], cwd, read)


# -------------------------------------------------------------------------------- uv / poetry
def _uv(args: list[str], cwd: str, read: ReadFile) -> list[PackageRef]:
    pos = [a for a in args if not a.startswith("-")]
    if not pos:
        return []
    sub = pos[0]
    rest = args[args.index(sub) + 1:]
    if sub == "pip" and rest[:1] == ["install"]:
        return _pip_like(rest[1:], cwd, read)
    if sub == "pip":
        return _pip([a for a in rest], cwd, read)
    if sub == "add":
        return _pip_like(rest, cwd, read)
    if sub == "tool" and rest and rest[0] in ("install", "run"):
        return _tool_run(rest[1:], cwd, read, first_only=rest[0] == "run")
    if sub == "run":
        # `uv run --with PKG CMD`: the packages it adds for the run (the command itself is no package)
        _, options = _opts(rest, _PIP_VALUE_OPTS)
        kept = [w for k, v in options if v and k in ("--with", "--with-requirements", "--with-editable", "-i",
                                                        "--index-url", "--index", "--default-index", "--extra-index-url")
                for w in (k, v)]
        return _pip_like(kept, cwd, read) if kept else []
    return []


def _tool_run(args: list[str], cwd: str, read: ReadFile, first_only: bool) -> list[PackageRef]:
    """uvx / pipx run / uv tool run: the first positional is the package unless --from names it."""
    positionals, options = _opts(args, _PIP_VALUE_OPTS)
    index = next((v for k, v in options if k in ("-i", "--index-url", "--index", "--default-index", "--extra-index-url")
                  and v and not is_default_index(v)), "")
    out: list[PackageRef] = []
    frm = [v for k, v in options if k in ("--from", "--spec") and v]
    for k, v in options:
        if k == "--with" and v:
            out += [r for part in v.split(",") if (r := parse_python_requirement(part, index))]
    targets = frm or (positionals[:1] if first_only else positionals)
    for t in targets:
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)@([A-Za-z0-9.*+!-]+)$", t)  # uvx ruff@0.5
        if m:
            ver = m.group(2)
            ref = parse_python_requirement(m.group(1), index)
            if ref:
                out.append(PackageRef("pypi", ref.name, "" if ver == "latest" else "==" + ver, "", index))
            continue
        ref = parse_python_requirement(t, index)
        if ref:
            out.append(ref)
    return out


def _poetry(args: list[str], cwd: str, read: ReadFile) -> list[PackageRef]:
    pos = [a for a in args if not a.startswith("-")]
    if not pos or pos[0] != "add":
        return []
    positionals, options = _opts(args[args.index("add") + 1:], _POETRY_VALUE_OPTS)
    source = next((v for k, v in options if k == "--source"), "")
    out = []
    for p in positionals:
        if _URLISH.match(p) or _is_pathish(p):
            out.append(PackageRef("pypi", _name_from_location(p), "", p, source))
            continue
        name, _, spec = p.partition("@")
        ref = parse_python_requirement(name + ("" if not spec or spec == "latest" else ""), source) if name else None
        if ref is None:
            continue
        if spec and spec != "latest":
            ref = PackageRef("pypi", ref.name, spec, ref.source, source)
        out.append(ref)
    return out


# ------------------------------------------------------------------------------------- npm family
_NPM_INSTALL = {"install", "i", "add", "isntall", "in", "ins", "inst", "insta", "instal", "isnt", "isnta",
                "isntal", "isntall"}


def parse_npm_spec(spec: str, registry: str = "") -> PackageRef | None:
    s = spec.strip()
    if not s:
        return None
    if s.startswith(("git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:", "http://", "https://", "file:")) \
            or _is_pathish(s, slash_is_path=False):
        return PackageRef("npm", _name_from_location(s.split(":", 1)[-1] if s.startswith(("github:", "gitlab:", "bitbucket:", "gist:")) else s), "", s, registry)
    if not s.startswith("@") and re.match(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(#.*)?$", s):  # GitHub user/repo
        return PackageRef("npm", s.split("/", 1)[1].split("#")[0], "", "github:" + s, registry)
    at = s.find("@", 1)  # skip a leading scope '@'
    name, spec_ = (s, "") if at == -1 else (s[:at], s[at + 1:])
    if spec_.startswith("npm:"):  # alias@npm:real@range
        real = parse_npm_spec(spec_[4:], registry)
        return real
    if not re.match(r"^@?[\w.-]+(/[\w.-]+)?$", name):
        return None
    if spec_ and re.match(r"^(git\+|https?://|github:|file:)", spec_):
        return PackageRef("npm", name, "", spec_, registry)
    return PackageRef("npm", name, "" if spec_ in ("latest",) else spec_, "", registry)


def _npm_specs(specs: list[str], options: list[tuple[str, str]]) -> list[PackageRef]:
    registry = next((v for k, v in options if k == "--registry" and v and not is_default_index(v)), "")
    return [r for s in specs if (r := parse_npm_spec(s, registry))]


def _npm(args: list[str]) -> list[PackageRef]:
    positionals, options = _opts(args, _NPM_VALUE_OPTS)
    if not positionals:
        return []
    sub, rest = positionals[0], positionals[1:]
    if sub in _NPM_INSTALL:
        return _npm_specs(rest, options)
    if sub in ("exec", "x"):
        pk = [v for k, v in options if k in ("--package", "-p") and v]
        return _npm_specs(pk or rest[:1], options)
    return []


def _npx(args: list[str]) -> list[PackageRef]:
    positionals, options = _opts(args, _NPM_VALUE_OPTS | {"-p", "--package"})
    pk = [v for k, v in options if k in ("-p", "--package") and v]
    return _npm_specs(pk or positionals[:1], options)


def _yarn_pnpm_bun(prog: str, args: list[str]) -> list[PackageRef]:
    positionals, options = _opts(args, _NPM_VALUE_OPTS)
    if not positionals:
        return []
    if positionals[0] == "global":
        positionals = positionals[1:]
    if not positionals:
        return []
    sub, rest = positionals[0], positionals[1:]
    if sub in ("add", "install", "i", "a") and rest:
        return _npm_specs(rest, options)
    if sub == "dlx" or (prog == "bun" and sub == "x"):
        pk = [v for k, v in options if k in ("--package", "-p") and v]
        return _npm_specs(pk or rest[:1], options)
    return []


# --------------------------------------------------------------------------- cargo, gem, go, brew
def _cargo(args: list[str]) -> list[PackageRef]:
    positionals, options = _opts(args, _CARGO_VALUE_OPTS)
    if not positionals or positionals[0] not in ("install", "add"):
        return []
    opt = dict(options)
    registry = opt.get("--index") or opt.get("--registry") or ""
    source = opt.get("--git") or opt.get("--path") or ""
    version = opt.get("--version") or opt.get("--vers") or ""
    out = []
    for p in positionals[1:]:
        name, _, ver = p.partition("@")
        if not re.match(r"^[A-Za-z0-9_-]+$", name):
            continue
        out.append(PackageRef("cargo", name, ver or version, source, registry))
    if not out and source:
        out.append(PackageRef("cargo", _name_from_location(source), version, source, registry))
    return out


def _gem(args: list[str]) -> list[PackageRef]:
    positionals, options = _opts(args, _GEM_VALUE_OPTS)
    if not positionals or positionals[0] not in ("install", "i"):
        return []
    opt = dict(options)
    source = opt.get("--source") or opt.get("-s") or ""
    source = "" if is_default_index(source) else source
    version = opt.get("--version") or opt.get("-v") or ""
    out = []
    for p in positionals[1:]:
        if _ARCHIVE.search(p) or _is_pathish(p):
            out.append(PackageRef("gem", _name_from_location(p), "", p, source))
            continue
        name, _, ver = p.partition(":")
        out.append(PackageRef("gem", name, ver or version, "", source))
    return out


def _go(args: list[str]) -> list[PackageRef]:
    positionals, _ = _opts(args, _GO_VALUE_OPTS)
    if not positionals or positionals[0] not in ("install", "get"):
        return []
    out = []
    for p in positionals[1:]:
        if p.startswith(".") or p.startswith("/") or "." not in p.split("/")[0]:
            continue  # local packages, std lib
        mod, _, ver = p.partition("@")
        out.append(PackageRef("go", mod, ver, "", ""))
    return out


def _brew(args: list[str]) -> list[PackageRef]:
    positionals, _ = _opts(args, _BREW_VALUE_OPTS)
    if not positionals or positionals[0] not in ("install", "reinstall"):
        return []
    out = []
    for p in positionals[1:]:
        if _URLISH.match(p) or p.endswith(".rb"):
            out.append(PackageRef("brew", _name_from_location(p), "", p, ""))
        elif p.count("/") == 2:  # user/tap/formula
            user, tap, formula = p.split("/")
            src = "" if user == "homebrew" else f"tap:{user}/{tap}"
            out.append(PackageRef("brew", formula, "", src, ""))
        else:
            out.append(PackageRef("brew", p, "", "", ""))
    return out


# ------------------------------------------------------------------------------------ entry point
def extract_installs(argv: "tuple[str, ...] | list[str]", cwd: str = "", read: ReadFile = read_bounded) -> list[PackageRef]:
    """PackageRefs that this one command would install (empty when it installs nothing)."""
    if not argv:
        return []
    argv = list(argv)
    prog = os.path.basename(argv[0]).lower()
    args = argv[1:]
    if _PYTHON.match(prog):
        i = 0
        while i < len(args) and args[i].startswith("-") and args[i] != "-m":
            i += 1
        if i + 1 < len(args) and args[i] == "-m":
            mod = args[i + 1]
            rest = args[i + 2:]
            if mod == "pip":
                prog, args = "pip", rest
            elif mod == "uv":
                prog, args = "uv", rest
            elif mod == "pipx":
                prog, args = "pipx", rest
            elif mod == "poetry":
                prog, args = "poetry", rest
            else:
                return []
        elif i + 1 < len(args) and args[i].startswith("-m") and len(args[i]) > 2:
            return extract_installs((prog, "-m", args[i][2:], *args[i + 1:]), cwd, read)
        else:
            return []
    try:
        if _PIP.match(prog):
            refs = _pip(args, cwd, read)
        elif prog == "uv":
            refs = _uv(args, cwd, read)
        elif prog == "uvx":
            refs = _tool_run(args, cwd, read, first_only=True)
        elif prog == "pipx":
            pos = [a for a in args if not a.startswith("-")]
            if pos and pos[0] in ("install", "run", "inject"):
                rest = args[args.index(pos[0]) + 1:]
                if pos[0] == "inject":
                    p2, _ = _opts(rest, _PIP_VALUE_OPTS)
                    rest = p2[1:]
                refs = _tool_run(rest, cwd, read, first_only=pos[0] == "run")
            else:
                refs = []
        elif prog == "poetry":
            refs = _poetry(args, cwd, read)
        elif prog == "npm":
            refs = _npm(args)
        elif prog == "npx":
            refs = _npx(args)
        elif prog in ("yarn", "pnpm", "bun"):
            refs = _yarn_pnpm_bun(prog, args)
        elif prog in ("bunx", "pnpx"):
            refs = _npx(args)
        elif prog == "cargo":
            refs = _cargo(args)
        elif prog == "gem":
            refs = _gem(args)
        elif prog == "go":
            refs = _go(args)
        elif prog == "brew":
            refs = _brew(args)
        else:
            refs = []
    except (ValueError, IndexError):
        refs = []
    return refs[:MAX_PACKAGES]


def installer_program(argv: "tuple[str, ...] | list[str]") -> bool:
    """Cheap pre-check: could this command install packages at all?"""
    if not argv:
        return False
    p = argv[0]
    p = (os.path.basename(p) if "/" in p else p).lower()
    return bool(_PIP.match(p) or _PYTHON.match(p)) or p in {
        "uv", "uvx", "pipx", "poetry", "npm", "npx", "yarn", "pnpm", "pnpx", "bun", "bunx", "cargo", "gem", "go", "brew"}


__all__ = ["extract_installs", "parse_python_requirement", "parse_requirements_text", "parse_npm_spec",
           "installer_program", "is_default_index", "read_bounded", "Path"]

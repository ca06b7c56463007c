"""What does a write or edit to a dependency manifest add? Only ADDED (or re-pinned) packages
and lifecycle scripts are reported, so editing a file that already lists 200 packages does not
re-check all 200.

Manifests: requirements*.txt / *.in, pyproject.toml (PEP 621 dependencies, optional-dependencies,
dependency-groups, build-system.requires, Poetry dependency tables), package.json (dependencies*,
and the lifecycle scripts preinstall / install / postinstall / prepare), Pipfile, Cargo.toml.

For a Write, `old` is the file on disk (if the caller has it); for an Edit, `old` / `new` are the
edit's old_string / new_string. Fragments that do not parse as a whole file are read line by line
with the same section rules.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from adr import lazyre
from adr.actions import PackageRef

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from adr.supply.extract import is_default_index, parse_npm_spec, parse_python_requirement, parse_requirements_text
from adr.supply.names import normalize

MAX_MANIFEST_BYTES = 2 * 1024 * 1024
LIFECYCLE_HOOKS = ("preinstall", "install", "postinstall", "prepare")


@dataclass(frozen=True)
class LifecycleScript:
    hook: str  # preinstall | install | postinstall | prepare
    command: str


@dataclass(frozen=True)
class ManifestChange:
    kind: str  # requirements | pyproject | package.json | pipfile | cargo
    packages: tuple[PackageRef, ...] = ()
    scripts: tuple[LifecycleScript, ...] = ()


def manifest_kind(path: str) -> str | None:
    base = os.path.basename(path.replace("\\", "/")).lower()
    if base == "package.json":
        return "package.json"
    if base == "pyproject.toml":
        return "pyproject"
    if base == "pipfile":
        return "pipfile"
    if base == "cargo.toml":
        return "cargo"
    if re.match(r"^(.*[-_.])?requirements([-_.].*)?\.(txt|in)$", base) or (
            base.endswith(".txt") and "requirements" in path.replace("\\", "/").lower().split("/")[-2:-1]):
        return "requirements"
    return None


def manifest_changes(path: str, new: str, old: str = "") -> ManifestChange | None:
    """Packages and lifecycle scripts in `new` that are not in `old`; None if not a manifest."""
    kind = manifest_kind(path)
    if kind is None:
        return None
    new, old = new[:MAX_MANIFEST_BYTES], old[:MAX_MANIFEST_BYTES]
    parse = _PARSERS[kind]
    new_pk, new_sc = parse(new)
    old_pk, old_sc = parse(old) if old else ([], {})
    old_keys = {_key(r) for r in old_pk}
    added: dict[tuple, PackageRef] = {}
    for r in new_pk:
        k = _key(r)
        if k not in old_keys:
            added.setdefault(k, r)
    scripts = tuple(LifecycleScript(h, c) for h, c in new_sc.items() if old_sc.get(h) != c)
    return ManifestChange(kind, tuple(added.values()), scripts)


def _key(r: PackageRef) -> tuple:
    return (r.ecosystem, normalize(r.name, r.ecosystem), r.spec.replace(" ", ""), r.source, r.index)


# --------------------------------------------------------------------------------- requirements
def _requirements(text: str) -> tuple[list[PackageRef], dict[str, str]]:
    return parse_requirements_text(text, "", read=lambda _p: None), {}


# -------------------------------------------------------------------------------- package.json
_NPM_DEP_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_PKG_FIELDS = {"name", "version", "description", "main", "module", "types", "typings", "type", "license",
               "author", "homepage", "repository", "bugs", "private", "packageManager", "browser", "bin",
               "exports", "files", "keywords", "workspaces", "engines", "os", "cpu", "publishConfig",
               "sideEffects", "funding", "contributors", "unpkg", "jsdelivr", "node", "npm", "pnpm", "yarn",
               "url", "email", "directory", "default", "import", "require", "source", "style", "umd:main"}
_NPM_RANGE = lazyre.compile(r"^(\^|~|>=?|<=?|=|\*|x|latest|next|\d|npm:|git\+|git:|github:|https?://|file:|link:|workspace:|[\w.-]+/[\w.-]+)")


def _npm_dep(name: str, value: str) -> PackageRef | None:
    value = value.strip()
    if value.startswith(("workspace:", "link:", "portal:")):
        return None
    if value.startswith("npm:"):
        return parse_npm_spec(value[4:])
    if re.match(r"^(git\+|git:|git@|github:|gitlab:|bitbucket:|https?://|file:)", value) or value.startswith(("./", "../", "/", "~")):
        return PackageRef("npm", name, "", value, "")
    if re.match(r"^[\w.-]+/[\w.-]+(#.*)?$", value):  # GitHub shorthand
        return PackageRef("npm", name, "", "github:" + value, "")
    return PackageRef("npm", name, "" if value in ("", "latest", "*") else value, "", "")


def _package_json(text: str) -> tuple[list[PackageRef], dict[str, str]]:
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        data = None
    if isinstance(data, dict):
        pk: list[PackageRef] = []
        for sec in _NPM_DEP_SECTIONS:
            deps = data.get(sec)
            if isinstance(deps, dict):
                pk += [r for n, v in deps.items() if isinstance(v, str) and (r := _npm_dep(n, v))]
        for sec in ("bundleDependencies", "bundledDependencies"):
            if isinstance(data.get(sec), list):
                pk += [PackageRef("npm", n) for n in data[sec] if isinstance(n, str)]
        scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
        return pk, {h: str(scripts[h]) for h in LIFECYCLE_HOOKS if isinstance(scripts.get(h), str)}
    return _package_json_fragment(text)


_JSON_PAIR = lazyre.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"')
_JSON_OPEN = lazyre.compile(r'"([^"]+)"\s*:\s*\{')


def _unjson(s: str) -> str:
    try:
        return json.loads(f'"{s}"')
    except ValueError:
        return s


def _package_json_fragment(text: str) -> tuple[list[PackageRef], dict[str, str]]:
    pk: list[PackageRef] = []
    scripts: dict[str, str] = {}
    section: str | None = None  # None: unknown (a fragment starting mid-object)
    for line in text.splitlines():
        m = _JSON_OPEN.search(line)
        if m:
            section = m.group(1)
        for k, v in _JSON_PAIR.findall(line):
            k, v = _unjson(k), _unjson(v)
            if section == "scripts" or (section is None and k in LIFECYCLE_HOOKS and not _NPM_RANGE.match(v)):
                if k in LIFECYCLE_HOOKS:
                    scripts[k] = v
            elif section in _NPM_DEP_SECTIONS or (section is None and k not in _PKG_FIELDS and _NPM_RANGE.match(v)):
                r = _npm_dep(k, v)
                if r:
                    pk.append(r)
        if "}" in line and not m:
            section = "" if section is not None else None  # left a known section: now somewhere else
    return pk, scripts


# ------------------------------------------------------------------------------------ toml kinds
def _toml(text: str) -> dict | None:
    try:
        return tomllib.loads(text) if text.strip() else {}
    except (tomllib.TOMLDecodeError, ValueError):
        return None


def _pep508_list(items: Any) -> list[PackageRef]:
    if not isinstance(items, list):
        return []
    return [r for s in items if isinstance(s, str) and (r := parse_python_requirement(s))]


def _poetry_dep(name: str, v: Any, eco: str = "pypi") -> PackageRef | None:
    if name.lower() == "python":
        return None
    if isinstance(v, str):
        return PackageRef(eco, name, "" if v.strip() == "*" else v.strip())
    if isinstance(v, dict):
        src = v.get("git") or v.get("url") or v.get("path") or ""
        idx = v.get("source") or v.get("registry") or v.get("index") or ""
        real = v.get("package") if eco == "cargo" and isinstance(v.get("package"), str) else name
        ver = v.get("version") or ""
        return PackageRef(eco, real, "" if ver == "*" else str(ver), str(src), "" if is_default_index(str(idx)) else str(idx))
    if isinstance(v, list):  # poetry multiple-constraint deps
        return PackageRef(eco, name)
    return None


def _pyproject(text: str) -> tuple[list[PackageRef], dict[str, str]]:
    data = _toml(text)
    if data is None or (data and not {"project", "tool", "build-system", "dependency-groups"} & set(data)):
        return _toml_fragment(text, "pyproject"), {}
    pk: list[PackageRef] = []
    proj = data.get("project") or {}
    pk += _pep508_list(proj.get("dependencies"))
    for items in (proj.get("optional-dependencies") or {}).values():
        pk += _pep508_list(items)
    for items in (data.get("dependency-groups") or {}).values():
        pk += _pep508_list(items)
    pk += _pep508_list((data.get("build-system") or {}).get("requires"))
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [(g or {}).get("dependencies") for g in (poetry.get("group") or {}).values()]
    for t in tables:
        if isinstance(t, dict):
            pk += [r for n, v in t.items() if (r := _poetry_dep(n, v))]
    return pk, {}


def _pipfile(text: str) -> tuple[list[PackageRef], dict[str, str]]:
    data = _toml(text)
    if data is None or (data and not {"packages", "dev-packages", "source", "requires"} & set(data)):
        return _toml_fragment(text, "pipfile"), {}
    pk: list[PackageRef] = []
    for sec in ("packages", "dev-packages"):
        t = data.get(sec)
        if isinstance(t, dict):
            pk += [r for n, v in t.items() if (r := _poetry_dep(n, v))]
    return pk, {}


def _cargo_tables(data: dict) -> list[dict]:
    out = []
    for sec in ("dependencies", "dev-dependencies", "build-dependencies"):
        if isinstance(data.get(sec), dict):
            out.append(data[sec])
    for target in (data.get("target") or {}).values():
        if isinstance(target, dict):
            out += _cargo_tables(target)
    ws = data.get("workspace") or {}
    if isinstance(ws.get("dependencies"), dict):
        out.append(ws["dependencies"])
    return out


def _cargo(text: str) -> tuple[list[PackageRef], dict[str, str]]:
    data = _toml(text)
    if data is None or (data and not {"package", "dependencies", "dev-dependencies", "build-dependencies",
                                      "target", "workspace", "lib", "bin", "features", "profile"} & set(data)):
        return _toml_fragment(text, "cargo"), {}
    pk: list[PackageRef] = []
    for t in _cargo_tables(data):
        pk += [r for n, v in t.items() if (r := _poetry_dep(n, v, "cargo"))]
    return pk, {}


_TOML_HEADER = lazyre.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*$")
_TOML_KV = lazyre.compile(r'^\s*"?([A-Za-z0-9][\w.-]*)"?\s*=\s*(.+?)\s*$')
_TOML_STR_ITEM = lazyre.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')
_VERSIONISH = lazyre.compile(r"^(\^|~|>=?|<=?|==|!=|\*|\d)")
_TOML_FIELDS = {"name", "version", "description", "readme", "license", "authors", "maintainers", "keywords",
                "classifiers", "urls", "requires-python", "python", "edition", "rust-version", "homepage",
                "repository", "documentation", "build-backend", "packages", "include", "exclude",
                "line-length", "target-version", "url", "verify_ssl", "python_version", "publish", "resolver"}


def _dep_section(kind: str, header: str) -> bool:
    h = header.lower().replace('"', "").replace("'", "")
    if kind == "pipfile":
        return h in ("packages", "dev-packages")
    if kind == "cargo":
        return h.endswith("dependencies") or ".dependencies." in h or h.startswith("dependencies.")
    return h in ("tool.poetry.dependencies", "tool.poetry.dev-dependencies") or (
        h.startswith("tool.poetry.group.") and h.endswith(".dependencies"))


def _list_section(header: str) -> bool:
    h = header.lower()
    return h in ("project", "project.optional-dependencies", "dependency-groups", "build-system")


def _toml_fragment(text: str, kind: str) -> list[PackageRef]:
    """Line-wise reading of a TOML fragment (an Edit's old/new string)."""
    eco = "cargo" if kind == "cargo" else "pypi"
    out: list[PackageRef] = []
    header: str | None = None
    in_list = False
    for line in text.splitlines():
        stripped = line.split("#", 1)[0].strip() if not line.strip().startswith('"') else line.strip()
        m = _TOML_HEADER.match(stripped)
        if m:
            header, in_list = m.group(1), False
            continue
        kv = _TOML_KV.match(stripped)
        if kv and not stripped.startswith('"') or (kv and "=" in stripped and not stripped.rstrip(",").endswith('"')):
            key, val = kv.group(1), kv.group(2)
            if val.startswith("["):  # an array of PEP 508 strings (dependencies = [ …)
                in_list = eco == "pypi" and (key in ("dependencies", "requires") or (header or "").lower() in (
                    "project.optional-dependencies", "dependency-groups"))
                if in_list:
                    out += [r for a, b in _TOML_STR_ITEM.findall(val) if (r := parse_python_requirement(a or b))]
                    if "]" in val:
                        in_list = False
                continue
            in_dep = header is not None and _dep_section(kind, header)
            unknown = header is None
            if key.lower() in _TOML_FIELDS and not in_dep:
                continue
            value: Any = None
            if val.startswith(("\"", "'")):
                value = val.strip("\"'")
                if not in_dep and not (unknown and _VERSIONISH.match(value)):
                    continue
            elif val.startswith("{"):
                t = _toml(f"x = {val}")
                value = (t or {}).get("x")
                if not in_dep and not (unknown and isinstance(value, dict) and
                                        {"version", "git", "path", "url"} & set(value)):
                    continue
            else:
                continue
            r = _poetry_dep(key, value, eco)
            if r:
                out.append(r)
            continue
        if in_list or (header is None and eco == "pypi" and stripped.startswith(("\"", "'"))):
            items = [a or b for a, b in _TOML_STR_ITEM.findall(stripped)]
            out += [r for s in items if (r := parse_python_requirement(s))]
            if "]" in stripped.split("#")[0] and not stripped.startswith(("\"", "'")):
                in_list = False
    return out


_PARSERS = {"requirements": _requirements, "package.json": _package_json, "pyproject": _pyproject,
            "pipfile": _pipfile, "cargo": _cargo}

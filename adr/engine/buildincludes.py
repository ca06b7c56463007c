"""The other files a build/task file makes its tool load: a Tiltfile's `load()`/`include()`, CMake's
`include()`/`add_subdirectory()`, an Earthfile's `./dir+target` and `IMPORT`, lefthook's `extends:`,
poe's `include`. A payload moved into one of
those runs as surely as one in the file itself, so the daemon (adr/daemon/sources.py) reads them with
the same readers (adr/engine/buildfiles.py) when the tool starts.

Pure: which paths a file's text names, as absolute candidates (the caller reads those that exist,
bounded by depth, count and bytes). A path the file computes is reported as such, a remote one
(lefthook `remotes:`) as a name only — never fetched.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from adr import lazyre

MAX_INCLUDES = 32  # paths taken from one file


@dataclass(frozen=True)
class Included:
    """One file the tool loads too: its candidate paths (the first that exists is the one the tool
    reads; reading each is safe) and the file name whose reader reads it. `remote`: a URL, not on this
    machine; `computed`: the file computes the path (the spelling is in `shown`)."""

    paths: tuple[str, ...]
    like: str
    shown: str = ""
    remote: bool = False
    computed: bool = False


def _abs(name: str, *bases: str) -> tuple[str, ...]:
    if not name or "\x00" in name:
        return ()
    if name.startswith("/"):
        return (posixpath.normpath(name),)
    return tuple(dict.fromkeys(posixpath.normpath(posixpath.join(b, name)) for b in bases if b))


# ---- Tilt ------------------------------------------------------------------------------------------

_TILT_LOADS = ("load", "include", "load_dynamic")
_TILT_LOAD_TEXT = lazyre.compile(
    r"""(?<![\w.])(?:load|include|load_dynamic)\s*\(\s*(?:"([^"\n]{1,512})"|'([^'\n]{1,512})')""")


def _tilt_target(name: str, here: str) -> tuple[str, ...]:
    if name.startswith("ext://"):  # an extension, kept in tilt_modules/ beside the Tiltfile once fetched
        ext = name[6:].strip("/")
        return _abs(posixpath.join("tilt_modules", ext, "Tiltfile"), here) if ext and ".." not in ext else ()
    if "://" in name:
        return ()
    return _abs(name, here)


def _tilt_value(node: object, names: "dict[str, object]") -> "str | None":
    """A path as the Tiltfile spells it: what buildfiles folds (strings, names, `+`), and
    `os.path.join(…)` of such parts."""
    import ast
    from adr.engine.buildfiles import _starlark_value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" and \
            ast.unparse(node.func.value) == "os.path" and node.args and not node.keywords:
        parts = [_tilt_value(a, names) for a in node.args[:16]]
        return posixpath.join(*parts) if all(p is not None for p in parts) else None  # type: ignore[arg-type]
    return _starlark_value(node, names)


def _tilt_calls(stmts: list, names: "dict[str, object]", text: str, here: str, out: "list[Included]",
                depth: int = 0) -> None:
    """The load/include calls of `stmts`; a `for X in [literal list]:` body once per item (a monorepo's
    `for s in SERVICES: include(s + '/Tiltfile')`)."""
    import ast
    for st in stmts:
        if len(out) >= MAX_INCLUDES:
            return
        if isinstance(st, ast.For) and isinstance(st.target, ast.Name) and depth < 3:
            seq = names.get(st.iter.id) if isinstance(st.iter, ast.Name) else st.iter
            items = [_tilt_value(e, names) for e in seq.elts[:MAX_INCLUDES]] \
                if isinstance(seq, (ast.List, ast.Tuple)) else None
            if items is not None and all(i is not None for i in items):
                for item in items:
                    _tilt_calls(st.body, {**names, st.target.id: ast.Constant(item)}, text, here, out, depth + 1)
                continue
        bodies = [getattr(st, f) for f in ("body", "orelse", "finalbody") if isinstance(getattr(st, f, None), list)]
        bodies += [h.body for h in getattr(st, "handlers", [])]
        if bodies and depth < 8:
            for b in bodies:
                _tilt_calls(b, names, text, here, out, depth + 1)
            heads = [v for f, v in ast.iter_fields(st) if f not in ("body", "orelse", "finalbody", "handlers")
                     and isinstance(v, ast.AST)]
        else:
            heads = [st]
        for node in (n for h in heads for n in ast.walk(h)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _TILT_LOADS):
                continue
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("path", "module")),
                                                      None)
            if arg is None:
                continue
            name = _tilt_value(arg, names)
            if name is None:
                out.append(Included((), "Tiltfile", ast.get_source_segment(text, arg) or "?", computed=True))
            else:
                out.append(Included(_tilt_target(name, here), "Tiltfile", name))


def _tilt(path: str, text: str) -> list[Included]:
    import ast
    here = posixpath.dirname(path)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        names = [m.group(1) if m.group(1) is not None else m.group(2) for m in _TILT_LOAD_TEXT.finditer(text)]
        return [Included(_tilt_target(n, here), "Tiltfile", n) for n in names[:MAX_INCLUDES]]
    bound = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Name)}
    out: list[Included] = []
    _tilt_calls(tree.body, bound, text, here, out)
    return out[:MAX_INCLUDES]


# ---- CMake -----------------------------------------------------------------------------------------

_CMAKE_INCLUDE = lazyre.compile(r"""(?i)\b(include|add_subdirectory)\s*\(\s*("[^"\n]{1,512}"|[^\s()"]{1,512})""")
_CMAKE_MODULE_PATH = lazyre.compile(
    r"""(?i)\b(?:set|list)\s*\(\s*(?:(?:APPEND|PREPEND|INSERT)\s+)?CMAKE_MODULE_PATH\b(?:\s+\d+)?([^()]{0,2048})\)""")
_CMAKE_VAR = lazyre.compile(r"\$\{(\w+)\}")
_CMAKE_SET = lazyre.compile(r"""(?i)\bset\s*\(\s*(\w+)\s+("[^"\n]{0,512}"|[^\s()"]{1,512})\s*\)""")


def _cmake(path: str, text: str, source_dir: str, top: str) -> list[Included]:
    here = posixpath.dirname(path)
    src = source_dir or here
    dirs = {"CMAKE_CURRENT_LIST_DIR": here, "CMAKE_CURRENT_SOURCE_DIR": src, "CMAKE_SOURCE_DIR": top or src,
            "PROJECT_SOURCE_DIR": top or src, "CMAKE_HOME_DIRECTORY": top or src}

    def expand(word: str) -> str:
        word = word.strip('"')
        for _ in range(3):  # (a variable set from another)
            if "${" not in word:
                break
            word = _CMAKE_VAR.sub(lambda m: dirs.get(m.group(1), m.group(0)), word)
        return word
    for m in list(_CMAKE_SET.finditer(text))[:256]:  # `set(X cmake/x.cmake)` … `include(${X})`
        if m.group(1) not in dirs:
            dirs[m.group(1)] = m.group(2).strip('"')
    module_dirs = [posixpath.join(src, d) for m in _CMAKE_MODULE_PATH.finditer(text) for w in m.group(1).split()
                   if "${" not in (d := expand(w))][:16]
    module_dirs += [posixpath.join(top or src, "cmake"), posixpath.join(top or src, "cmake", "modules"),
                    posixpath.join(src, "cmake")]
    out: list[Included] = []
    for m in _CMAKE_INCLUDE.finditer(text):
        word = expand(m.group(2))
        if not word or "${" in word or "$ENV{" in word:
            continue  # (a variable adr does not know: a generated file, a dependency's)
        if m.group(1).lower() == "add_subdirectory":
            out.append(Included(_abs(posixpath.join(word, "CMakeLists.txt"), src), "CMakeLists.txt", word))
        elif "/" in word or word.lower().endswith(".cmake"):
            out.append(Included(_abs(word, src, here), "x.cmake", word))
        elif re.fullmatch(r"[\w.+-]{1,128}", word):  # a module: searched in CMAKE_MODULE_PATH (CMake's own are not)
            mods = tuple(posixpath.normpath(posixpath.join(d, word + ".cmake")) for d in module_dirs
                         if d.startswith("/"))
            out.append(Included(tuple(dict.fromkeys(mods + _abs(word, src, here))), "x.cmake", word))  # (or a file)
        if len(out) >= MAX_INCLUDES:
            break
    return out


# ---- Earthly ---------------------------------------------------------------------------------------

# a local target or function another Earthfile holds (`BUILD ./sub+t`, `FROM ../x+t`, `DO ./lib+FN`,
# `COPY ./sub+t/out .`), and an `IMPORT ./lib` (its targets are then named `lib+t`)
_EARTH_REF = lazyre.compile(r"(?<![\w./-])(\.{1,2}(?:/[\w.-]+)*)/?\+[A-Za-z][\w-]*")
_EARTH_IMPORT = lazyre.compile(r"(?m)^\s*IMPORT\s+(?:--\S+\s+)*(\.{1,2}(?:/[\w.-]+)*)")


def _earthly(path: str, text: str) -> list[Included]:
    here = posixpath.dirname(path)
    dirs = [m.group(1) for m in _EARTH_REF.finditer(text)] + [m.group(1) for m in _EARTH_IMPORT.finditer(text)]
    return [Included(_abs(posixpath.join(d, "Earthfile"), here), "Earthfile", d)
            for d in list(dict.fromkeys(d for d in dirs if d != "."))[:MAX_INCLUDES]]


# ---- lefthook, poe ---------------------------------------------------------------------------------

def _strings(v: object) -> list[str]:
    items = [v] if isinstance(v, (str, dict)) else v if isinstance(v, list) else []
    out = []
    for x in items[:MAX_INCLUDES]:
        if isinstance(x, dict):  # poe's {path = "…"}
            x = x.get("path")
        if isinstance(x, str) and x.strip():
            out.append(x.strip())
    return out


def _lefthook(path: str, data: object, top: str) -> list[Included]:
    """`extends:` files (relative to the repository's root — the main config's folder — or, read both
    ways, to the file that names them); `remotes:` by their URL only."""
    if not isinstance(data, dict):
        return []
    here = posixpath.dirname(path)
    out = []
    for name in _strings(data.get("extends")):
        ext = posixpath.splitext(name)[1].lower()
        like = "lefthook" + (ext if ext in (".toml", ".json", ".jsonc") else ".yml")
        out.append(Included(_abs(name, top or here, here), like, name))
    remotes = data.get("remotes") if isinstance(data.get("remotes"), list) else [data.get("remote")]
    for r in remotes[:MAX_INCLUDES]:
        if isinstance(r, dict) and isinstance(r.get("git_url"), str):
            out.append(Included((), "lefthook.yml", r["git_url"], remote=True))
    return out


def _poe(path: str, data: object) -> list[Included]:
    if not isinstance(data, dict):
        return []
    tool = data.get("tool")
    poe = tool.get("poe") if isinstance(tool, dict) else None
    inc = poe.get("include") if isinstance(poe, dict) else data.get("include")  # (poe_tasks.toml: at the top)
    here = posixpath.dirname(path)
    # (an included file is read by its own syntax: `include = "tasks.json"`, a `.yaml` file)
    return [Included(_abs(n, here), _POE_LIKE.get(posixpath.splitext(n)[1].lower(), "poe_tasks.toml"), n)
            for n in _strings(inc)]


_POE_LIKE = {".json": "poe_tasks.json", ".yaml": "poe_tasks.yaml", ".yml": "poe_tasks.yaml"}


def included_files(path: str, text: str, like: str = "", source_dir: str = "", top: str = "") -> list[Included]:
    """The files the build file at `path` (read as `like` when given) makes its tool load too.
    `source_dir`/`top`: CMake's current and top source folders (an included .cmake file keeps its
    includer's)."""
    from adr.engine import buildfiles as B
    kind = B._kind(like or path)
    if not text:
        return []
    try:
        if kind == "tilt":
            return _tilt(path, text)
        if kind == "earthly":
            return _earthly(path, text)
        if kind == "cmake":
            return _cmake(path, text, source_dir, top)
        if kind.startswith("lefthook"):
            data = B._toml(text) if kind == "lefthook-toml" else B._json(text) if kind == "lefthook-json" else \
                next(iter(B._yaml_docs(text) or []), None)
            return _lefthook(path, data, top)
        if kind == "pyproject" and "include" in text:
            return _poe(path, B._toml(text))
        if kind == "poe-data" and "include" in text:
            data = B._json(text)
            return _poe(path, data if isinstance(data, dict) else next(iter(B._yaml_docs(text) or []), None))
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError):
        return []
    return []

"""The code a Jupyter notebook runs, per language, for the written-script rules.

A notebook cell runs later — when the user or the agent runs it — so writing one is writing a script
(adr.engine.core judges it like a written .py or .sh). A code cell is Python with IPython's escapes,
which IPython compiles to Python before running: `!cmd` is `get_ipython().system('cmd')`, `x = !cmd`
and `!!cmd` are `getoutput`, and `%system`/`%sx`/`%pip` run a shell too. Compiling them the same way
lets the script rules that know `os.system(…)` judge them. A cell magic hands the whole cell to
another program: `%%bash`, `%%sh`, `%%script zsh` run it as a shell script, `%%python3`, `%%perl`,
`%%ruby` as that language, and `%%writefile PATH` writes it to a file. Markdown and raw cells do not
run. Text that is not notebook JSON (one cell's source, as Claude Code's NotebookEdit sends it, or a
broken file) is read as one code cell: never an error, never nothing.
"""
from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass

MAX_CONTENT = 1024 * 1024  # characters of a notebook read (its JSON escapes and outputs included)
MAX_CELLS = 256
MAX_PARTS = 32  # shell/other-language cells and written files handed back

_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish", "csh", "tcsh", "rbash", "yash"})
# cell magics that never run the cell on this machine (the browser renders or runs them)
_NOT_RUN = frozenset({"html", "javascript", "js", "latex", "markdown", "svg", "md"})
# `%%script` options that take a value
_SCRIPT_VALUED = frozenset({"--proc", "--out", "--err"})
# line magics that run their argument as a shell command line (`%pip install x` runs pip)
_SHELL_LINE_MAGICS = {"system": "", "sx": "", "pip": "pip ", "conda": "conda ", "mamba": "mamba ",
                      "micromamba": "micromamba ", "uv": "uv "}
_ESCAPE = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<target>[A-Za-z_][\w.\[\], ]*?)\s*=\s*)?"
                     r"(?P<esc>!!|!|%%|%)(?P<rest>.*)$")


@dataclass(frozen=True)
class NotebookCode:
    """Code a notebook runs: `language` is python, shell, perl, ruby, node … A `%%writefile` cell has
    `writes` set (the path, relative to the notebook's folder when not absolute) and its body as code."""

    where: str
    language: str
    code: str
    writes: str = ""
    append: bool = False


def is_notebook(path: str) -> bool:
    return path.lower().endswith(".ipynb")


def _cells(content: str) -> "tuple[list[tuple[int, str]], str]":
    """(index, source) of each code cell, and the kernel's language. Not notebook JSON: the whole text
    is one Python cell."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return [(0, content)], "python"
    if not isinstance(data, dict):
        return [(0, content)], "python"
    cells = data.get("cells")
    if not isinstance(cells, list) and isinstance(data.get("worksheets"), list):  # nbformat 3
        cells = [c for w in data["worksheets"][:8] if isinstance(w, dict) and isinstance(w.get("cells"), list)
                 for c in w["cells"]]
    if not isinstance(cells, list):
        return [(0, content)], "python"
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    lang = ""
    for key in ("kernelspec", "language_info"):
        block = meta.get(key)
        if isinstance(block, dict):
            lang = str(block.get("language") or block.get("name") or "").lower()
            if lang:
                break
    out = []
    for i, cell in enumerate(cells[:MAX_CELLS]):
        if not isinstance(cell, dict) or str(cell.get("cell_type", "code")).lower() in ("markdown", "raw", "heading"):
            continue  # text cells are not run (anything else is taken for code: nothing slips by as "Code")
        src = cell.get("source", cell.get("input"))
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if isinstance(src, str) and src.strip():
            out.append((i, src))
    return out, _kernel_language(lang)


def _kernel_language(name: str) -> str:
    if not name or name.startswith(("python", "ipython")):
        return "python"
    if name in _SHELLS or name in ("shell", "bash_kernel"):
        return "shell"
    if name in ("javascript", "typescript", "node", "nodejs"):
        return "node"
    from adr.shell.interpreters import language_of
    return language_of(name) or "python"  # (R, Julia …: the Python rules are the nearest reading)


def _script_program(args: str) -> str:
    """`%%script [--bg] [--out X] PROGRAM …` → the language PROGRAM runs ("" when unknown)."""
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    i = 0
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in _SCRIPT_VALUED else 1
    return _program_language(words[i]) if i < len(words) else ""


def _program_language(prog: str) -> str:
    name = posixpath.basename(prog)
    if name in _SHELLS:
        return "shell"
    from adr.shell.interpreters import language_of
    return language_of(name) or ""


def _writefile(args: str, folder: str) -> "tuple[str, bool]":
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    append = any(w in ("-a", "--append") for w in words)
    path = next((w for w in words if not w.startswith("-")), "")
    if path and not path.startswith(("/", "~", "$")) and folder:
        path = posixpath.join(folder, path)
    return path, append


def _compile(src: str) -> str:
    """A Python cell as IPython runs it: its shell escapes as `get_ipython().system(…)` calls (the
    Python rules know them); other line magics as `pass`."""
    out = []
    for line in src.splitlines():
        m = _ESCAPE.match(line)
        if m is None or m["esc"] == "%%":
            out.append(line)
            continue
        indent, target, esc, rest = m["indent"], m["target"], m["esc"], m["rest"]
        cmd = None
        if esc in ("!", "!!"):
            cmd = rest
        else:
            name, _, args = rest.partition(" ")
            if name in _SHELL_LINE_MAGICS:
                cmd = _SHELL_LINE_MAGICS[name] + args.strip()
        if cmd is None:
            out.append(f"{indent}pass" if not target else f"{indent}{target} = None")
            continue
        call = "getoutput" if target or esc == "!!" else "system"
        out.append(f"{indent}{target + ' = ' if target else ''}get_ipython().{call}({cmd.strip()!r})")
    return "\n".join(out)


def notebook_code(path: str, content: str) -> list[NotebookCode]:
    """What the notebook at `path` runs: its Python cells as one script (cells share one kernel, so a
    secret read in one cell and sent in another is one flow), then each cell another program runs."""
    if not is_notebook(path) or not content:
        return []
    folder = posixpath.dirname(path)
    cells, kernel = _cells(content[:MAX_CONTENT])
    python: list[str] = []
    parts: list[NotebookCode] = []
    for i, src in cells:
        where = f"cell {i + 1}"
        lang, body = kernel, src
        while lang == "python":
            first, _, rest = body.lstrip("\n").partition("\n")
            if not first.startswith("%%"):
                break
            name, _, args = first[2:].strip().partition(" ")
            if name in ("bash", "sh", "zsh", "system", "sx", "!"):
                lang = "shell"
            elif name in ("perl", "ruby", "node"):
                lang = _program_language(name)
            elif name == "script":
                lang = _script_program(args) or "python"
            elif name == "writefile":
                target, append = _writefile(args, folder)
                if target:
                    parts.append(NotebookCode(f"{where} %%writefile", "", rest, target, append))
                lang = ""
            elif name in _NOT_RUN:
                lang = ""
            # a wrapper (%%time, %%capture …) or an unknown magic: its body read as Python
            where, body = f"{where} %%{name}", rest
        if lang == "python":
            python.append(_compile(body))
        elif lang:
            parts.append(NotebookCode(where, lang, body))
            if kernel != "python" and lang == kernel:
                # the metadata names the kernel, but Jupyter starts the one `kernelspec.name` names: a
                # notebook that claims another language is read as Python too
                python.append(_compile(body))
    out = [NotebookCode("cells", "python", "\n".join(python))] if any(p.strip() for p in python) else []
    return out + parts[:MAX_PARTS]

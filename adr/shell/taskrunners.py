"""What `just` and `task` (go-task) run: the recipes of a justfile and the commands of a Taskfile,
for the targets named and their dependencies — the task-runner half of adr/shell/runs.py's `make`.

Pure text → (label, shell text) pairs; reading the files and judging the text is the cross-call
walk's job (adr/daemon/crosscall.py). A bound that trips is reported, never silently cut.
"""
from __future__ import annotations

import re
from typing import Any

MAX_TARGETS = 64  # recipes/tasks followed through dependencies
MAX_LINES = 4096  # of one file's recipes

JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")
TASKFILES = ("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml",
             "taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml")

_JUST_HEADER = re.compile(r"""^(@?)([A-Za-z_][\w-]*)((?:\s+(?:"[^"]*"|'[^']*'|[^:'"])*?)?)\s*:(?!=)(.*)$""")
_JUST_ASSIGN = re.compile(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$")
_JUST_BACKTICK = re.compile(r"```(.*?)```|`([^`\n]*)`", re.S)
_JUST_INTERP = re.compile(r"\{\{\s*([A-Za-z_][\w-]*)\s*\}\}")
_JUST_DEP = re.compile(r"\(\s*([A-Za-z_][\w-]*)[^)]*\)|([A-Za-z_][\w-]*)")


def _just_value(expr: str) -> str:
    """A justfile expression's value when it is one literal string; else the text itself."""
    expr = expr.strip()
    m = re.fullmatch(r"'([^']*)'|\"((?:[^\"\\]|\\.)*)\"", expr)
    return (m.group(1) if m.group(1) is not None else m.group(2)) if m else expr


def just_recipes(content: str, names: "tuple[str, ...]" = (), dry: bool = False) -> "tuple[list[tuple[str, str]], bool]":
    """(label, shell text) for what `just NAMES` runs: each recipe's body (a `#!` body as that script),
    through its dependencies (before and after `&&`), and every backtick that runs when just loads the
    file (assignments' `` `cmd` ``, also under `--dry-run`/`--list`). No names: the first recipe (or
    `default`). Names that are not recipes are the recipe's arguments. Returns (list, bound_tripped)."""
    recipes: dict[str, tuple[list[str], list[str]]] = {}  # name → (dependencies, body lines)
    order: list[str] = []
    variables: dict[str, str] = {}
    load_time: list[tuple[str, str]] = []
    current: "list[str] | None" = None
    lines = content.splitlines()[:MAX_LINES]
    for line in lines:
        if line[:1] in (" ", "\t"):
            if current is not None:
                current.append(line.strip())
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("["):
            continue  # comments and attributes (`[private]`) do not end a recipe's body
        current = None
        if stripped.startswith(("set ", "alias ", "import ", "mod ")):
            continue
        m = _JUST_ASSIGN.match(stripped)
        if m:
            value = m.group(2)
            for b in _JUST_BACKTICK.finditer(value):
                load_time.append((f"{m.group(1)} := `…` (runs when just loads the file)", b.group(1) or b.group(2)))
            variables[m.group(1)] = _just_value(value)
            continue
        m = _JUST_HEADER.match(stripped)
        if m:
            name = m.group(2)
            deps = [d.group(1) or d.group(2) for d in _JUST_DEP.finditer(m.group(4).replace("&&", " "))]
            body: list[str] = []
            recipes[name] = (deps, body)
            order.append(name)
            current = body
    wanted = [n for n in names if n in recipes]
    if not names or (not wanted and not dry):
        wanted = ["default"] if "default" in recipes else order[:1]
    out: list[tuple[str, str]] = list(load_time)
    if dry:
        return out, False
    seen: list[str] = []
    stack = list(reversed(wanted))
    tripped = False
    while stack:
        n = stack.pop()
        if n in seen or n not in recipes:
            continue
        if len(seen) >= MAX_TARGETS:
            tripped = True
            break
        seen.append(n)
        deps, body = recipes[n]
        stack.extend(reversed(deps))
        text = _just_body(body, variables)
        if text:
            out.append((f"just recipe {n}", text))
    return out, tripped


def _just_body(body: "list[str]", variables: "dict[str, str]") -> str:
    """A recipe's lines as the shell runs them: `@`/`-` prefixes off, `{{var}}` filled in where the
    value is a literal, a `#!` body handed to its interpreter."""
    lines = [ln for ln in body if ln]
    if not lines:
        return ""

    def fill(s: str) -> str:
        return _JUST_INTERP.sub(lambda m: variables.get(m.group(1), "$" + m.group(1).replace("-", "_")), s)

    if lines[0].startswith("#!"):
        prog = lines[0][2:].strip().split()
        prog = prog[1:] if prog and prog[0].endswith("/env") else prog
        text = "\n".join(fill(ln) for ln in lines[1:])
        runner = prog[0].rsplit("/", 1)[-1] if prog else "sh"
        return f"{runner} <<'ADR_JUST_SCRIPT'\n{text}\nADR_JUST_SCRIPT"
    return "\n".join(fill(ln.lstrip("@-").lstrip("@")) for ln in lines if not ln.startswith("#"))


def taskfile_tasks(content: str, names: "tuple[str, ...]" = (), dry: bool = False) -> "tuple[list[tuple[str, str]], bool]":
    """(label, shell text) for what `task NAMES` runs from a Taskfile: each task's `cmds` (strings,
    `{cmd: …}`, `{task: other}` followed), its `deps`, and `sh:` variables (run when task loads the
    file). No names: `default`. Returns (list, bound_tripped); an unreadable file gives nothing (the
    caller asks about it)."""
    import yaml
    try:
        data = yaml.safe_load(content)
    except Exception:  # yaml raises many kinds; an unreadable Taskfile runs nothing task can run either
        return [], False
    if not isinstance(data, dict):
        return [], False
    tasks = data.get("tasks") if isinstance(data.get("tasks"), dict) else {}
    out: list[tuple[str, str]] = []
    for scope in [data] + [t for t in tasks.values() if isinstance(t, dict)]:
        for name, v in (scope.get("vars") or {}).items() if isinstance(scope.get("vars"), dict) else []:
            if isinstance(v, dict) and isinstance(v.get("sh"), str):
                out.append((f"variable {name} (sh: runs when task loads the file)", v["sh"]))
    if dry:
        return out, False
    wanted = [n for n in names if n in tasks] or (["default"] if not names and "default" in tasks else [])
    seen: list[str] = []
    stack = list(reversed(wanted))
    tripped = False
    while stack:
        n = stack.pop()
        if n in seen or n not in tasks:
            continue
        if len(seen) >= MAX_TARGETS:
            tripped = True
            break
        seen.append(n)
        t: Any = tasks[n]
        if isinstance(t, (str, list)):
            t = {"cmds": t if isinstance(t, list) else [t]}
        if not isinstance(t, dict):
            continue
        deps = [d if isinstance(d, str) else d.get("task") for d in (t.get("deps") or []) if isinstance(d, (str, dict))]
        cmds: list[str] = []
        for c in t.get("cmds") or ([t["cmd"]] if isinstance(t.get("cmd"), str) else []):
            if isinstance(c, str):
                cmds.append(c)
            elif isinstance(c, dict) and isinstance(c.get("cmd"), str):
                cmds.append(c["cmd"])
            elif isinstance(c, dict) and isinstance(c.get("task"), str):
                deps.append(c["task"])
        stack.extend(reversed([d for d in deps if isinstance(d, str)]))
        if cmds:
            out.append((f"task {n}", "\n".join(cmds)))
    return out, tripped

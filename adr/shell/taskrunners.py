"""What `just` and `task` (go-task) run: the recipes of a justfile and the commands of a Taskfile,
for the targets named and their dependencies — the task-runner half of adr/shell/runs.py's `make`.

Pure text → (label, shell text) pairs; reading the files and judging the text is the cross-call
walk's job (adr/daemon/crosscall.py). A bound that trips is reported, never silently cut.
"""
from __future__ import annotations

import re
from typing import Any

from adr import lazyre

MAX_TARGETS = 64  # recipes/tasks followed through dependencies
MAX_LINES = 4096  # of one file's recipes

JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")
TASKFILES = ("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml",
             "taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml")

_JUST_HEADER = lazyre.compile(r"""^(@?)([A-Za-z_][\w-]*)((?:\s+(?:"[^"]*"|'[^']*'|[^:'"])*?)?)\s*:(?!=)(.*)$""")
_JUST_ASSIGN = lazyre.compile(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$")
_JUST_BACKTICK = lazyre.compile(r"```(.*?)```|`([^`\n]*)`", re.S)
_JUST_INTERP = lazyre.compile(r"\{\{(.*?)\}\}", re.S)
_JUST_DEP = lazyre.compile(r"\(\s*([A-Za-z_][\w-]*)([^)]*)\)|([A-Za-z_][\w-]*)")
_JUST_PARAM = lazyre.compile(r"""([+*]?\$?)([A-Za-z_][\w-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"']+))?""")
_JUST_STR = lazyre.compile(r"'([^']*)'|\"((?:[^\"\\\\]|\\\\.)*)\"")
_JUST_SHELL = lazyre.compile(r"""\bshell\s*\(\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)")""")
_JUST_IMPORT = lazyre.compile(r"""^import\??\s+(?:'([^']*)'|"([^"]*)")""")
_HOME_CALLS = lazyre.compile(r"^(?:home_directory|home_dir)\(\s*\)$")
_ENV_CALL = lazyre.compile(r"""^env(?:_var)?(?:_or_default)?\(\s*(?:'([^']*)'|"([^"]*)")[^)]*\)$""")


def just_imports(content: str) -> "list[str]":
    """The files a justfile imports (`import 'x.just'`, `import? "y"`), as written: just reads them
    as part of it."""
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in map(_JUST_IMPORT.match, content.splitlines()[:MAX_LINES]) if m][:16]


def _just_eval(expr: str, variables: "dict[str, str]") -> str:
    """A justfile expression's value, as far as it is known: literals, variables, `+` and `/`, the
    home (`home_directory()`, `env_var("HOME")` → `~`) and other environment variables (`$NAME`);
    anything else stays as written."""
    parts = re.split(r"\s+([+/])\s+", expr.strip())
    out = ""
    for k, part in enumerate(parts):
        if part in ("+", "/"):
            out += "/" if part == "/" else ""
            continue
        part = part.strip()
        m = _JUST_STR.fullmatch(part)
        if m:
            v = m.group(1) if m.group(1) is not None else m.group(2)
        elif part in variables:
            v = variables[part]
        elif _HOME_CALLS.match(part):
            v = "~"
        elif (e := _ENV_CALL.match(part)) is not None:
            name = e.group(1) if e.group(1) is not None else e.group(2)
            v = "~" if name == "HOME" else "$" + name
        elif part in ("justfile_directory()", "invocation_directory()", "justfile_dir()", "invocation_dir()"):
            v = "."
        else:
            return expr.strip()
        out += v
    return out


def just_recipes(content: str, names: "tuple[str, ...]" = (), dry: bool = False) -> "tuple[list[tuple[str, str]], bool]":
    """(label, shell text) for what `just NAMES` runs: each recipe's body (a `#!` body as that script)
    with its parameters bound (`just clean ~` → `{{dir}}` is `~`; defaults too), through its
    dependencies (before and after `&&`, with their arguments), and every backtick or `shell(…)`
    that runs when just loads the file (also under `--dry-run`/`--list`). No names: the first recipe
    (or `default`). Imported files' text is appended by the caller (`just_imports`). Returns (list,
    bound_tripped)."""
    recipes: dict[str, tuple[list[tuple[str, list[str]]], list[str], list[tuple[str, str, str]]]] = {}
    order: list[str] = []
    variables: dict[str, str] = {}
    load_time: list[tuple[str, str]] = []
    current: "list[str] | None" = None
    for line in content.splitlines()[:MAX_LINES]:
        if line[:1] in (" ", "\t"):
            if current is not None:
                current.append(line.strip())
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("["):
            continue  # comments and attributes (`[private]`) do not end a recipe's body
        current = None
        if stripped.startswith(("set ", "alias ", "import ", "import? ", "mod ", "mod? ")):
            continue
        m = _JUST_ASSIGN.match(stripped)
        if m:
            value = m.group(2)
            for b in _JUST_BACKTICK.finditer(value):
                load_time.append((f"{m.group(1)} := `…` (runs when just loads the file)", b.group(1) or b.group(2)))
            for b in _JUST_SHELL.finditer(value):
                load_time.append((f"{m.group(1)} := shell(…) (runs when just loads the file)",
                                  b.group(1) if b.group(1) is not None else b.group(2)))
            variables[m.group(1)] = _just_eval(value, variables)
            continue
        m = _JUST_HEADER.match(stripped)
        if m:
            params = [(p.group(1), p.group(2), (_just_eval(p.group(3), variables) if p.group(3) else ""))
                      for p in _JUST_PARAM.finditer(m.group(3) or "")]
            deps: list[tuple[str, list[str]]] = []
            for d in _JUST_DEP.finditer(m.group(4).replace("&&", " ")):
                if d.group(1):
                    deps.append((d.group(1), [_just_eval(a.group(0), variables)
                                              for a in re.finditer(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"|[^\s]+", d.group(2))]))
                else:
                    deps.append((d.group(3), []))
            body: list[str] = []
            recipes[m.group(2)] = (deps, body, params)
            order.append(m.group(2))
            current = body
    calls: list[tuple[str, list[str]]] = []
    rest = list(names)
    while rest:  # `just a x y b`: a's parameters take the words after it, the next recipe starts after
        n = rest.pop(0)
        if n not in recipes:
            continue
        params = recipes[n][2]
        variadic = any(p[0].startswith(("+", "*")) for p in params)
        take = len(rest) if variadic else min(len(params), len(rest))
        calls.append((n, rest[:take]))
        rest = rest[take:]
    if not calls and (not names or not dry):
        first = "default" if "default" in recipes else (order[0] if order else "")
        calls = [(first, [])] if first else []
    out: list[tuple[str, str]] = list(load_time)
    if dry:
        return out, False

    def visit(key: "tuple[str, tuple[str, ...]]") -> "list[tuple[str, tuple[str, ...]]]":
        n, args = key
        if n not in recipes:
            return []
        deps, body, params = recipes[n]
        bound = dict(variables)
        for k, (kind, pname, default) in enumerate(params):
            bound[pname] = " ".join(args[k:]) if kind.startswith(("+", "*")) else (args[k] if k < len(args) else default)
        env = [f"{p}={bound[p]}" for kind, p, _ in params if "$" in kind and bound.get(p)]
        text = _just_body(body, bound)
        if text:
            if env:
                text = "export " + " ".join(_shell_word(e) for e in env) + "\n" + text
            out.append((f"just recipe {n}", text))
        return [(d, tuple(bound.get(a, a) for a in a_list)) for d, a_list in deps]

    tripped = _walk([(n, tuple(a)) for n, a in calls], visit)
    return out, tripped


def _walk(starts: "list[Any]", visit: "Any") -> bool:
    """Depth-first over targets and what each needs first, each once, `visit` doing a target's work
    and returning its dependencies; True when MAX_TARGETS cut the walk short."""
    seen: set[Any] = set()
    stack = list(reversed(starts))
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        if len(seen) >= MAX_TARGETS:
            return True
        seen.add(key)
        stack.extend(reversed(visit(key)))
    return False


def _shell_word(assignment: str) -> str:
    name, _, value = assignment.partition("=")
    if value == "~" or value.startswith("~/"):
        return f"{name}={value}"
    return f"{name}='" + value.replace("'", "'\\''") + "'"


def _just_body(body: "list[str]", variables: "dict[str, str]") -> str:
    """A recipe's lines as the shell runs them: `@`/`-` prefixes off, `{{expr}}` filled in where its
    value is known (a parameter, a variable, a literal), a `#!` body handed to its interpreter."""
    lines = [ln for ln in body if ln]
    if not lines:
        return ""

    def fill(s: str) -> str:
        def one(m: "re.Match[str]") -> str:
            expr = m.group(1).strip()
            v = _just_eval(expr, variables)
            if v != expr or expr in variables:
                return v
            return "$" + re.sub(r"\W", "_", expr) if re.fullmatch(r"[A-Za-z_][\w-]*", expr) else v
        return _JUST_INTERP.sub(one, s)

    if lines[0].startswith("#!"):
        prog = lines[0][2:].strip().split()
        prog = prog[1:] if prog and prog[0].endswith("/env") else prog
        text = "\n".join(fill(ln) for ln in lines[1:])
        runner = prog[0].rsplit("/", 1)[-1] if prog else "sh"
        return f"{runner} <<'ADR_JUST_SCRIPT'\n{text}\nADR_JUST_SCRIPT"
    return "\n".join(fill(ln.lstrip("@-").lstrip("@")) for ln in lines if not ln.startswith("#"))


def _load_taskfile(content: str) -> "dict[str, Any] | None":
    import yaml
    try:
        data = yaml.safe_load(content)
    except Exception:  # yaml raises many kinds; an unreadable Taskfile runs nothing task can run either
        return None
    return data if isinstance(data, dict) else None


def taskfile_includes(content: str) -> "list[tuple[str, str]]":
    """(namespace, Taskfile path as written) of each `includes:` entry (`ns: ./x/Taskfile.yml` or
    `ns: {taskfile: ./x}`): its tasks run as `task ns:NAME`."""
    data = _load_taskfile(content)
    inc = data.get("includes") if data is not None else None
    out: list[tuple[str, str]] = []
    for ns, v in (inc.items() if isinstance(inc, dict) else []):
        path = v if isinstance(v, str) else v.get("taskfile") if isinstance(v, dict) else None
        if isinstance(ns, str) and isinstance(path, str) and path:
            out.append((ns, path))
    return out[:16]


_TASK_TEMPLATE = lazyre.compile(r"\{\{\s*\.([A-Za-z_]\w*)\s*\}\}")


def taskfile_tasks(content: str, names: "tuple[str, ...]" = (), dry: bool = False, cli_args: str = "",
                   included: "dict[str, str] | None" = None) -> "tuple[list[tuple[str, str]], bool]":
    """(label, shell text) for what `task NAMES` runs from a Taskfile: each task's `cmds` (strings,
    `{cmd: …}`, `{defer: …}`, `{task: other}` followed), `preconditions` and `status` checks, its
    `deps`, and `sh:` variables and environment values (run when task loads the file); `{{.VAR}}`
    filled in from literal vars and `{{.CLI_ARGS}}` (the words after `--`). `included`: the text of
    each `includes:` namespace, for `task ns:NAME`. No names: `default`. Returns (list,
    bound_tripped); an unreadable file gives nothing (the caller asks about it)."""
    data = _load_taskfile(content)
    if data is None:
        return [], False
    tasks = dict(data.get("tasks")) if isinstance(data.get("tasks"), dict) else {}
    for ns, text in (included or {}).items():
        sub = _load_taskfile(text)
        for tn, tv in ((sub or {}).get("tasks") or {}).items() if isinstance((sub or {}).get("tasks"), dict) else []:
            tasks[f"{ns}:{tn}"] = tv
    out: list[tuple[str, str]] = []
    variables: dict[str, str] = {"CLI_ARGS": cli_args}
    for scope in [data] + [t for t in tasks.values() if isinstance(t, dict)]:
        for key in ("vars", "env"):
            block = scope.get(key)
            for name, v in (block.items() if isinstance(block, dict) else []):
                if isinstance(v, dict) and isinstance(v.get("sh"), str):
                    out.append((f"{'variable' if key == 'vars' else 'env'} {name} (sh: runs when task loads the file)", v["sh"]))
                elif isinstance(v, (str, int, float)) and scope is data and isinstance(name, str):
                    variables.setdefault(name, str(v))
    if dry:
        return out, False
    wanted = [n for n in names if n in tasks] or (["default"] if not names and "default" in tasks else [])

    def visit(n: str) -> "list[str]":
        t: Any = tasks.get(n)
        if isinstance(t, (str, list)):
            t = {"cmds": t if isinstance(t, list) else [t]}
        if not isinstance(t, dict):
            return []
        local = dict(variables)
        if isinstance(t.get("vars"), dict):
            local.update({k: str(v) for k, v in t["vars"].items() if isinstance(k, str) and isinstance(v, (str, int, float))})
        deps = [d if isinstance(d, str) else d.get("task") for d in (t.get("deps") or []) if isinstance(d, (str, dict))]
        cmds: list[str] = []
        items = list(t.get("cmds") or ([t["cmd"]] if isinstance(t.get("cmd"), str) else []))
        items += [p.get("sh") if isinstance(p, dict) else p for p in (t.get("preconditions") or [])]
        items += list(t.get("status") or [])
        for c in items:
            if isinstance(c, dict) and "defer" in c:
                c = c["defer"]
            if isinstance(c, str):
                cmds.append(c)
            elif isinstance(c, dict) and isinstance(c.get("cmd"), str):
                cmds.append(c["cmd"])
            elif isinstance(c, dict) and isinstance(c.get("task"), str):
                deps.append(c["task"])
        if cmds:
            text = "\n".join(cmds)
            text = _TASK_TEMPLATE.sub(lambda m: local.get(m.group(1), "$" + m.group(1)), text)
            out.append((f"task {n}", text))
        return [d for d in deps if isinstance(d, str)]

    return out, _walk(wanted, visit)

"""Is a reset's database a SQLite file in the project? Read the framework's configuration to say.

For each command adr/engine/localdb.py names, the judge reads — bounded, never imports or runs —
the configuration the tool itself would use, and answers with the database file only when the
configuration leaves no other possibility:

* Django: the settings module manage.py's `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "…")`
  names, parsed (ast, not run); `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
  "NAME": BASE_DIR / "db.sqlite3"}}` with BASE_DIR the usual `Path(__file__).resolve().parent.parent`
  (or `os.path.dirname(…)` twice), `os.path.join(BASE_DIR, …)` or a literal path. A settings module
  that assigns DATABASES more than once, changes it later, star-imports, or reads the environment
  for it is not known.
* Rails: never known. config/database.yml may say sqlite3 in every environment, but a `DATABASE_URL`
  in the environment the command runs with (direnv's .envrc, a Heroku-style shell profile, an earlier
  call's export) takes precedence over it, and the judge cannot see that environment.
* Prisma: the schema's datasource `provider = "sqlite"` with a literal `url = "file:…"` (not
  `env("…")`).
* sqlite3: the file operand.

The file (links resolved) must be inside the action's working directory; a file that does not exist
yet is still named (the reset loses nothing, and the snapshot records it as absent).
"""
from __future__ import annotations

import ast
import os
import posixpath
import re
from typing import Mapping

from adr import lazyre
from adr.engine.gitwords import leading_cd
from adr.engine.localdb import DbCommand, db_commands

MAX_CONFIG_BYTES = 256 * 1024  # a settings module, database.yml or schema larger than this is not read
_SETTINGS_ENV = lazyre.compile(r"""os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']\s*\)""")
_SQLITE_ENGINE = "django.db.backends.sqlite3"
# what a line must hold for any of adr/engine/localdb.py's commands to be a reset or a destructive
# statement (a cheap filter before the line is parsed again); a longer line is judged unknown
_MAYBE_RESET = lazyre.compile(r"(?is)manage\.py.*?\b(?:flush|reset_db|reset_schema|zero)\b|prisma.*?(?:\breset\b|--force-reset)|"
                              r"sqlite3.*?\b(?:drop|delete|truncate|update|alter)\b|"
                              r"\b(?:drop|delete|truncate|update|alter)\b.*?\|\s*sqlite3")  # (`echo 'DELETE …' | sqlite3 x.db`)
_PRECHECK = 64 * 1024


def local_databases(command: str, cwd: str, home: str,
                    env: "Mapping[str, str | None] | None" = None) -> tuple[tuple[str, str], ...]:
    """(command key, absolute database file) for each reset on the line whose database is a SQLite
    file inside `cwd`; the engine relaxes only the commands named here. `env`: variables an earlier
    call of the shell session left set (`export DJANGO_SETTINGS_MODULE=prod_settings`): the command
    inherits them, so the settings module they name is the one read (None: not known)."""
    if not cwd.startswith("/") or not any(w in command for w in ("manage.py", "prisma", "sqlite3")) or \
            not _MAYBE_RESET.search(command[:_PRECHECK]):
        return ()  # (no second parse for the ~9% of lines that merely mention a database tool)
    from adr.shell.parse import parse_remembered

    parsed = parse_remembered(command)
    found = []
    for dc in db_commands(parsed.commands, cwd, home, leading_cd(command)):
        try:
            paths = _database(dc, env or {})
        except (OSError, ValueError, SyntaxError, RecursionError):
            paths = ()
        if paths and all(_inside(p, cwd) for p in paths):
            found += [(dc.key, p) for p in paths]
    return tuple(found)


def _inside(path: str, project: str) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(project)
    return real != top and real.startswith(top.rstrip("/") + "/")


def _read(path: str) -> "str | None":
    """A regular file's text (links followed; bounded), or None."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_CONFIG_BYTES:
            return None
        with open(path, "rb") as f:
            return f.read(MAX_CONFIG_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def _database(dc: DbCommand, env: "Mapping[str, str | None]") -> tuple[str, ...]:
    """The database files this reset may empty (all of them local SQLite files), or () when not known."""
    if dc.framework == "sqlite3":
        return (dc.config,)
    if dc.framework == "django" and "DJANGO_SETTINGS_MODULE" in env:
        module = env["DJANGO_SETTINGS_MODULE"]
        if module is None or not re.fullmatch(r"[A-Za-z_][\w.]*", module):
            return ()  # a computed or odd value: not known
        got = _django(dc.config, module)
        return (got,) if got else ()
    got = _django(dc.config) if dc.framework == "django" else _prisma(dc.config, dc.folder) \
        if dc.framework == "prisma" else None
    return (got,) if got else ()


# ---- Django ------------------------------------------------------------------------------------------

# files that put variables into a project's shell (direnv) or process (dotenv): one that names the
# settings module can override manage.py's default, which is only a `setdefault`
_ENV_FILES = (".envrc", ".env", ".env.local")


def _env_names(folder: str, name: str) -> bool:
    return any(name in (_read(posixpath.join(folder, f)) or "") for f in _ENV_FILES)


def _django(manage: str, inherited: "str | None" = None) -> "str | None":
    """`inherited`: the settings module the session's environment already names (manage.py's
    `setdefault` then yields to it)."""
    text = _read(manage)
    if text is None or _env_names(posixpath.dirname(manage), "DJANGO_SETTINGS_MODULE"):
        return None
    names = set(_SETTINGS_ENV.findall(text))
    if len(names) != 1 or "DJANGO_SETTINGS_MODULE" in text.replace(_SETTINGS_ENV.search(text).group(0), ""):  # type: ignore[union-attr]
        return None  # none, several, or set some other way too
    module = inherited or names.pop()
    root = posixpath.dirname(manage)
    settings = posixpath.join(root, *module.split(".")) + ".py"
    source = _read(settings)
    if source is None:
        return None  # a package (settings/__init__.py), elsewhere on sys.path, unreadable: not known
    return _django_sqlite(source, settings, root)


def _django_sqlite(source: str, settings: str, run_dir: str) -> "str | None":
    tree = ast.parse(source, settings)
    base: "str | None" = None
    databases: "ast.expr | None" = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return None  # may bring its own DATABASES
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if "BASE_DIR" in names:
                base = _base_dir(node.value, settings) if node.value is not None else None
            if "DATABASES" in names:
                if databases is not None or not isinstance(node, ast.Assign):
                    return None
                databases = node.value
    if databases is None:
        return None
    for node in ast.walk(tree):  # DATABASES changed after its assignment (DATABASES["default"] = …, .update)
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(getattr(node, "value", None), ast.Name) \
                and node.value.id == "DATABASES":  # type: ignore[attr-defined]
            return None
        if isinstance(node, (ast.Global, ast.Nonlocal)) or (isinstance(node, ast.Name) and node.id == "globals"):
            return None
    if not isinstance(databases, ast.Dict):
        return None
    default = _dict_get(databases, "default")
    if not isinstance(default, ast.Dict):
        return None
    if _literal(_dict_get(default, "ENGINE")) != _SQLITE_ENGINE:
        return None
    return _django_name(_dict_get(default, "NAME"), base, run_dir)


def _dict_get(d: ast.Dict, key: str) -> "ast.expr | None":
    if any(k is None for k in d.keys):
        return None  # **spread: unknown keys
    got = [v for k, v in zip(d.keys, d.values) if _literal(k) == key]
    return got[0] if len(got) == 1 else None


def _literal(node: "ast.expr | None") -> "str | None":
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _base_dir(node: ast.expr, settings: str) -> "str | None":
    """BASE_DIR as Django's templates spell it: `Path(__file__).resolve().parent.parent` or
    `os.path.dirname(os.path.dirname(os.path.abspath(__file__)))`."""
    ups = 0
    n = node
    while isinstance(n, ast.Attribute) and n.attr == "parent":
        ups, n = ups + 1, n.value
    if ups:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("resolve", "absolute"):
            n = n.func.value
        if isinstance(n, ast.Call) and _name(n.func) in ("Path", "pathlib.Path") and len(n.args) == 1 \
                and _name(n.args[0]) == "__file__":
            return _up(settings, ups)
        return None
    while isinstance(n, ast.Call) and _name(n.func) == "os.path.dirname" and len(n.args) == 1:
        ups, n = ups + 1, n.args[0]
    if ups and isinstance(n, ast.Call) and _name(n.func) in ("os.path.abspath", "os.path.realpath") \
            and len(n.args) == 1 and _name(n.args[0]) == "__file__":
        return _up(settings, ups)
    if ups and _name(n) == "__file__":
        return _up(settings, ups)
    return None


def _up(path: str, n: int) -> str:
    for _ in range(n):
        path = posixpath.dirname(path)
    return path


def _name(node: "ast.expr | None") -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _django_name(node: "ast.expr | None", base: "str | None", run_dir: str) -> "str | None":
    """NAME: `BASE_DIR / "db.sqlite3"`, `os.path.join(BASE_DIR, "db.sqlite3")`, `str(…)` of either,
    or a literal (a relative one is relative to where manage.py runs, which is its folder here)."""
    if isinstance(node, ast.Call) and _name(node.func) == "str" and len(node.args) == 1:
        node = node.args[0]
    lit = _literal(node)
    if lit is not None:
        return None if lit in ("", ":memory:") or lit.startswith("file:") else posixpath.normpath(
            posixpath.join(run_dir, lit))
    parts: list[str] = []
    n = node
    while isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div):
        s = _literal(n.right)
        if s is None:
            return None
        parts.insert(0, s)
        n = n.left
    if parts and _name(n) == "BASE_DIR" and base:
        return posixpath.normpath(posixpath.join(base, *parts))
    if isinstance(node, ast.Call) and _name(node.func) == "os.path.join" and node.args \
            and _name(node.args[0]) == "BASE_DIR" and base:
        rest = [_literal(a) for a in node.args[1:]]
        if rest and all(r is not None for r in rest):
            return posixpath.normpath(posixpath.join(base, *rest))  # type: ignore[arg-type]
    return None


# ---- Prisma ------------------------------------------------------------------------------------------

_DATASOURCE = lazyre.compile(r"(?ms)^\s*datasource\s+\w+\s*\{(.*?)^\s*\}")


def _prisma(schema: str, folder: str) -> "str | None":
    if schema:
        candidates = [schema]
    else:
        if re.search(r'"prisma"\s*:\s*\{', _read(posixpath.join(folder, "package.json")) or ""):
            return None  # package.json's prisma.schema may point elsewhere
        candidates = [posixpath.join(folder, "prisma", "schema.prisma"), posixpath.join(folder, "schema.prisma")]
    for path in candidates:
        text = _read(path)
        if text is None:
            continue
        blocks = _DATASOURCE.findall(text)
        if len(blocks) != 1:
            return None
        body = blocks[0]
        provider = re.findall(r'(?m)^\s*provider\s*=\s*"([^"]*)"\s*$', body)
        url = re.findall(r'(?m)^\s*url\s*=\s*(.+?)\s*$', body)
        if provider != ["sqlite"] or len(url) != 1 or re.search(r'(?m)^\s*directUrl\b', body):
            return None
        m = re.fullmatch(r'"file:([^"?]+)"', url[0])
        if not m:
            return None  # env("DATABASE_URL") and the like: whatever the environment says
        # Prisma resolves a relative file: URL against the schema's folder
        return posixpath.normpath(posixpath.join(posixpath.dirname(path), m.group(1)))
    return None

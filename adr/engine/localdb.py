"""Which commands on a line reset a database whose configuration the judge may read (pure: no I/O).

A framework's reset (`manage.py flush`, `migrate APP zero`, `prisma migrate reset`) or an SQL drop
through the `sqlite3` CLI destroys data adr cannot snapshot — unless the database is a SQLite file in
the project, which adr can copy first, exactly as it does for `rm
db.sqlite3`. This module names the commands whose database the judge may look up and where (their
folder, the config to read); adr/daemon/localdb.py reads the configuration (bounded, never run) and
records the file in `Action.resolved.databases`; the engine then judges those commands by that fact
(`local_database`), and adr/respond/targets.py snapshots the file. Both sides call `db_commands` on
the same parse, so they agree on which command a fact belongs to.

Conservative: only a line whose commands run where the judge looks (one leading `cd DIR &&`, no
other `cd`, `export`, `source`, `eval` …), commands at the top level with no `NAME=value` prefix,
wrapper or sudo, and no option that points the tool elsewhere (`--settings`, `--database`,
`--schema` outside the folder, `-cmd`) qualify. Everything else stays a plain reset.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Sequence

from adr import lazyre
from adr.shell.model import SimpleCommand

# a line with one of these may change where, or with which environment, the next command runs
_MOVES = frozenset({"cd", "pushd", "popd", "source", ".", "eval", "builtin", "export", "declare", "typeset",
                    "set", "unset", "alias", "exec", "command", "env", "local", "readonly", "shopt", "trap"})
_RUNNERS = frozenset({"npx runs", "pnpx runs", "bunx runs"})
_PY = lazyre.compile(r"^python(?:3(?:\.\d+)?)?$")
_DJANGO_RESETS = frozenset({"flush", "reset_db", "reset_schema"})
# sqlite3 options that only change how output looks (the database stays the file named)
_SQLITE_PLAIN = frozenset({"-bail", "-batch", "-header", "-noheader", "-csv", "-line", "-column", "-list",
                           "-html", "-json", "-markdown", "-table", "-box", "-quote", "-echo", "-readonly",
                           "-safe", "-interactive"})
# SQL that reaches a file other than the one named, or runs something: never "this file only"
_SQLITE_ELSEWHERE = lazyre.compile(r"(?is)\battach\b|\bvacuum\s+into\b|^\s*\.|[;\n]\s*\.|\bload_extension\b|\bwritefile\b")


@dataclass(frozen=True)
class DbCommand:
    """A reset whose database the judge may establish: `framework` says which configuration to read
    (`django`: the settings module manage.py names; `prisma`: the
    schema; `sqlite3`: the file operand itself), `folder` where it runs, `config` a file it names."""

    index: int  # position in the parse's commands
    key: str  # the command's identity: its folder and argv
    framework: str
    folder: str  # absolute, normalized
    config: str = ""  # prisma --schema / the sqlite3 file / manage.py's path, absolute


def _key(folder: str, c: SimpleCommand) -> str:
    return "\0".join((folder,) + c.argv)


def line_folder(commands: Sequence[SimpleCommand], cwd: str, home: str, leading: "str | None") -> "str | None":
    """Where the line's commands run — the cwd, or its one leading `cd DIR &&` — or None when
    something on the line could move them or change their environment."""
    start = 0
    folder = cwd
    if commands and commands[0].program == "cd" and commands[0].depth == 0:
        if leading is None:
            return None
        d = leading
        if d == "~" or d.startswith("~/"):
            if not home:
                return None
            d = home + d[1:]
        folder = posixpath.join(cwd, d)
        start = 1
    if not folder.startswith("/") or any(ch in folder for ch in "$`*?["):
        return None
    if any(c.program in _MOVES or c.dynamic for c in commands[start:]):
        return None
    return posixpath.normpath(folder)


def db_commands(commands: Sequence[SimpleCommand], cwd: str, home: str, leading: "str | None") -> list[DbCommand]:
    """The line's resets whose database may be looked up (see the module's doc)."""
    folder = line_folder(commands, cwd, home, leading)
    if folder is None:
        return []
    out = []
    for i, c in enumerate(commands):
        if c.depth == 1 and c.via in _RUNNERS and i and commands[i - 1].depth == 0 \
                and commands[i - 1].argv[1:] == c.argv and c.program == "prisma":
            parent = commands[i - 1]  # `npx prisma …`: the runner's own line is the one judged for it
            if parent.env or parent.wrappers or parent.sudo or parent.upstream or parent.piped:
                continue
        elif c.depth or c.env or c.wrappers or c.sudo or (c.upstream or c.piped) and not _literal_sql(c):
            continue
        got = _classify(c, folder)
        if got is not None:
            fw, config = got
            out.append(DbCommand(i, _key(folder, c), fw, folder, config))
    return out


def _abs(folder: str, p: str) -> "str | None":
    if not p or any(ch in p for ch in "$`*?[~"):
        return None
    return posixpath.normpath(posixpath.join(folder, p))


def _classify(c: SimpleCommand, folder: str) -> "tuple[str, str] | None":
    prog, args = c.program, list(c.args)
    if _PY.match(prog) and args and posixpath.basename(args[0]) == "manage.py":
        return _django(args[0], args[1:], folder)
    if prog == "manage.py":
        return _django(c.program_path or prog, args, folder)
    # (rails/rake: never — a DATABASE_URL in the command's environment overrides config/database.yml)
    if prog in ("prisma", "npx", "pnpx", "bunx") and not c.program_path:
        return _prisma(args if prog == "prisma" else args[1:] if args and args[0] == "prisma" else [], folder)
    if prog == "sqlite3" and not c.program_path:
        return _sqlite(args, folder, c.stdin_text)
    return None


def _literal_sql(c: SimpleCommand) -> bool:
    """`echo 'DELETE FROM t;' | sqlite3 app.db`: SQL fed on stdin whose text the line spells out (an
    echo, printf or here-string), judged like the same SQL given as an argument."""
    return c.program == "sqlite3" and c.stdin_text is not None and all(p in ("echo", "printf") for p in c.upstream)


def _django(manage: str, args: list[str], folder: str) -> "tuple[str, str] | None":
    path = _abs(folder, manage)
    if path is None or posixpath.dirname(path) != folder:
        return None  # manage.py in another folder: its project is elsewhere
    if not args:
        return None
    for a in args:
        if a.startswith(("--settings", "--pythonpath")) or (a.startswith("--database") and a != "--database=default"):
            return None
    if "--database" in args:
        return None
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return None
    if words[0] in _DJANGO_RESETS or (words[0] == "migrate" and len(words) == 3 and words[2] == "zero"):
        return "django", path
    return None


def _prisma(args: list[str], folder: str) -> "tuple[str, str] | None":
    words = [a for a in args if not a.startswith("-")]
    reset = words[:2] == ["migrate", "reset"] or (words[:2] == ["db", "push"] and "--force-reset" in args)
    if not reset:
        return None
    schema = ""
    for i, a in enumerate(args):
        if a == "--schema":
            schema = args[i + 1] if i + 1 < len(args) else ""
            if not schema:
                return None
        elif a.startswith("--schema="):
            schema = a.split("=", 1)[1]
        elif a.startswith("--") and a not in ("--force", "-f", "--skip-seed", "--skip-generate", "--force-reset"):
            return None
    if schema:
        p = _abs(folder, schema)
        return ("prisma", p) if p else None
    return "prisma", ""


def _sqlite(args: list[str], folder: str, stdin: "str | None" = None) -> "tuple[str, str] | None":
    rest = list(args)
    while rest and rest[0].startswith("-"):
        if rest[0] not in _SQLITE_PLAIN:
            return None  # -cmd, -init, -deserialize, -vfs …: more than the one file and its SQL
        rest.pop(0)
    if len(rest) == 1 and stdin is not None:
        rest.append(stdin)  # the SQL the line feeds it (a here-string, `echo … |`)
    if len(rest) < 2 or any(a.startswith("-") for a in rest[1:]):
        return None  # no SQL on the line: it comes from stdin, which is not read here
    if rest[0] in (":memory:", "") or rest[0].startswith("file:"):
        return None
    if any(_SQLITE_ELSEWHERE.search(sql) for sql in rest[1:]):
        return None
    p = _abs(folder, rest[0])
    return ("sqlite3", p) if p else None


def siblings(path: str) -> tuple[str, ...]:
    """A SQLite database's files: the file and its write-ahead log, shared memory and rollback journal."""
    return (path, path + "-wal", path + "-shm", path + "-journal")

"""What the SQL (or MongoDB) a database client is handed does, whatever the option spelling.

Regexes over a client's joined arguments miss `mysql -e'DROP DATABASE prod'` (no word boundary),
`psql -c 'DELETE FROM users' -h db` (something after the statement) and take `DELETE FROM users --
WHERE id=5` for a filtered delete. Here the statements are gathered from the options that carry
them (attached or not), the positional SQL of sqlite-like clients and stdin, comments are removed,
and each statement is classified:

* drop, truncate, drop-column — a database, schema, table, keyspace, collection, role or column goes
* delete-all, update-all — a DELETE/UPDATE with no WHERE, or one whose WHERE holds for every row
  (`WHERE 1=1`, `WHERE id=5 OR 1=1`, `WHERE true`)
* writes-file — the server writes a file (`COPY … TO '/x'`, `SELECT … INTO OUTFILE`; sqlite's own
  `.output FILE` is the client's, judged with its shell escapes)
* runs-program — the server or client runs a program (`COPY … PROGRAM`, psql `\\!`, sqlite `.system`)
* privilege — a role made superuser, or everything granted
"""
from __future__ import annotations

import re

MAX_TEXT = 65536
# the clients whose statements are read here (the rules name them again, with their other clients)
CLIENTS = frozenset({"psql", "psql16", "pgcli", "mysql", "mariadb", "mycli", "sqlite3", "sqlite", "duckdb", "litecli",
                     "spatialite", "mongo", "mongosh", "clickhouse-client", "clickhouse", "cqlsh", "sqlcmd", "usql",
                     "cockroach", "snowsql", "bq", "trino", "presto", "spark-sql", "beeline", "turso", "dolt",
                     "mssql-cli", "isql", "sqlplus"})
# options whose value is the statement text, per client family; psql's -e only echoes queries
_TEXT_OPTIONS = ("-c", "--command", "--execute", "--eval", "-q", "--query", "-Q", "--sql", "-e")
_NO_E = frozenset({"psql", "pgcli", "psql16", "usql"})
_NO_Q = frozenset({"psql", "pgcli", "mysql", "mariadb", "mycli", "psql16"})  # their -q is "quiet"
_POSITIONAL_SQL = frozenset({"sqlite3", "sqlite", "duckdb", "litecli", "spatialite"})  # DB, then SQL
_EMBEDDED = _POSITIONAL_SQL
_HASH_COMMENTS = frozenset({"mysql", "mariadb", "mycli", "clickhouse-client", "clickhouse"})
_MONGO = frozenset({"mongo", "mongosh"})

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"--[^\n]*")
_HASH_COMMENT = re.compile(r"#[^\n]*")
_IDENT = r"[\w.\"`\[\]$]+"
_DROP = re.compile(r"(?i)^(?:drop\s+(?:database|schema|table|keyspace|collection|owned\s+by|role|user|materialized\s+view)\b"
                   r"|drop\s+(?:temporary\s+)?table\b)")
_TRUNCATE = re.compile(r"(?i)^truncate\b")
_DROP_COLUMN = re.compile(r"(?i)^alter\s+table\s+" + _IDENT + r"\s+drop\s+(?:column\s+)?[\w\"`\[]")
_DELETE = re.compile(r"(?i)^delete\s+(?:from\s+)?" + _IDENT + r"(?:\s+(?:as\s+)?\w+)?(?:\s+(using\s.*|where\s(.*)))?$", re.S)
_UPDATE = re.compile(r"(?i)^update\s+" + _IDENT + r"(?:\s+(?:as\s+)?\w+)?\s+set\s(.*)$", re.S)
_WHERE = re.compile(r"(?is)\bwhere\s(.*)$")
_LITERAL_TRUE = re.compile(r"(?is)^(?:true|not\s+false|1|1\s*(?:<>|!=)\s*0|(\d+)\s*=\s*(\d+)|'(\w*)'\s*=\s*'(\w*)'|\"(\w*)\"\s*=\s*\"(\w*)\")$")
_OR = re.compile(r"(?i)\bor\b")


_AND = re.compile(r"(?i)\band\b")
_COMPARE = re.compile(r"(?is)^(-?\d+(?:\.\d+)?|'[^']*'|\w+)\s*(=|==|<>|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?|'[^']*'|\w+)$")
_ALWAYS = re.compile(r"(?is)^(?:null\s+is\s+null|(\d+)\s+in\s*\(\s*\1\s*\)|exists\s*\(\s*select\s+1\s*\))$")


def _literal_truth(part: str) -> bool:
    """A comparison that holds whatever the row: of two literals (`2>1`, `'x'<>'y'`), of a column
    with itself (`id=id`), or a truth constant."""
    part = part.strip()
    while part.startswith("(") and part.endswith(")"):
        part = part[1:-1].strip()
    m = _LITERAL_TRUE.match(part)
    if m and (m.group(1) is None or m.group(1) == m.group(2)) and (m.group(3) is None or m.group(3) == m.group(4)) \
            and (m.group(5) is None or m.group(5) == m.group(6)):
        return True
    if _ALWAYS.match(part):
        return True
    c = _COMPARE.match(part)
    if c is None:
        return False
    a, op, b = c.group(1), c.group(2), c.group(3)
    if a.lower() == b.lower() and not a[:1].isdigit() and not a.startswith("'"):
        return op in ("=", "==", "<=", ">=")  # a column compared with itself (NULLs aside)
    def val(x: str) -> "float | str | None":
        if x.startswith("'"):
            return x[1:-1]
        try:
            return float(x)
        except ValueError:
            return None
    va, vb = val(a), val(b)
    if va is None or vb is None or type(va) is not type(vb):
        return False
    return {"=": va == vb, "==": va == vb, "<>": va != vb, "!=": va != vb, "<": va < vb, ">": va > vb,  # type: ignore[operator]
            "<=": va <= vb, ">=": va >= vb}[op]  # type: ignore[operator]


def _always_true(where: str) -> bool:
    """Does a WHERE clause hold for every row? A literal truth alone, OR-ed in (`id=5 OR 1=1`, `||`),
    or every AND-ed part one (`1=1 AND 2>1`)."""
    for part in _OR.split(where.replace("||", " or ")):
        if all(_literal_truth(c) for c in _AND.split(part)):
            return True
    return False


_WRITES_FILE = re.compile(r"(?is)^copy\s.*\bto\s+(?:'|e')|\binto\s+(?:outfile|dumpfile)\s"
                          r"|\blo_export\s*\(|\bpg_file_write\s*\(")
_RUNS_PROGRAM = re.compile(r"(?is)^copy\s.*\b(?:from|to)\s+program\s|^\\!|^\.(?:system|shell)\s|\bsys_exec\s*\(|"
                           r"\bxp_cmdshell\b|\bsys_eval\s*\(")
_PRIVILEGE = re.compile(r"(?is)^alter\s+(?:role|user)\s.*\b(?:superuser|createrole|bypassrls|replication)\b"
                        r"|^grant\s+all\b.*\bto\s|^grant\s+(?:super|file|process)\b")
_MONGO_DROP = re.compile(r"dropDatabase|\bdropDatabase\s*:|\[\s*['\"]dropDatabase['\"]\s*\]|\.drop\s*\(\s*\)"
                         r"|\bdrop\s*:\s*['\"]")
_MONGO_ALL = re.compile(r"\b(?:deleteMany|remove|updateMany|update)\s*\(\s*\{\s*\}|\bdeleteMany\s*:\s*\{\s*filter\s*:\s*\{\s*\}"
                        r"|\b(?:deleteMany|remove)\s*\(\s*\{\s*_id\s*:\s*\{\s*\$exists\s*:\s*(?:true|1)\s*\}\s*\}")


# short options that take a value (the rest of a cluster is then that value, not more flags)
_VALUED_LETTERS = {
    "psql": frozenset("dhpUfoLTvPFR"), "pgcli": frozenset("dhpUfoLTvPFR"), "psql16": frozenset("dhpUfoLTvPFR"),
    "mysql": frozenset("uhPpDSO"), "mariadb": frozenset("uhPpDSO"), "mycli": frozenset("uhPpDS"),
}
_VALUED_DEFAULT = frozenset("dhpUuPDS")


def _cluster_text(name: str, arg: str, opts: "tuple[str, ...]") -> "str | None":
    """The statement text a flag cluster carries ("" — in the next word; None — none)."""
    valued = _VALUED_LETTERS.get(name, _VALUED_DEFAULT)
    for k in range(1, len(arg)):
        if "-" + arg[k] in opts:
            return arg[k + 1:]
        if arg[k] in valued or not arg[k].isalpha():
            return None
    return None


def statements(program: str, args: "tuple[str, ...]", stdin: str = "") -> "list[str]":
    """The statements `program` would send, comments removed, one per item (at most ~64 KiB read)."""
    name = program.rsplit("/", 1)[-1]
    texts: list[str] = []
    opts = tuple(o for o in _TEXT_OPTIONS if not (o == "-e" and name in _NO_E) and not (o == "-q" and name in _NO_Q))
    positionals: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in opts and i + 1 < len(args):
            texts.append(args[i + 1])
            i += 2
            continue
        if a.startswith("--") and "=" in a and a.split("=", 1)[0] in opts:
            texts.append(a.split("=", 1)[1])
        elif len(a) > 2 and not a.startswith("--") and a[:2] in opts:
            texts.append(a[2:])  # `-e'DROP DATABASE x'`, `-cDROP …`
        elif len(a) > 2 and a[0] == "-" and a[1] != "-":
            # a cluster of flags ending in a text option: `psql -Xc"DROP …"`, `mysql -vvve"…"`, `-qAtc SQL`
            got = _cluster_text(name, a, opts)
            if got == "":
                if i + 1 < len(args):
                    texts.append(args[i + 1])
                    i += 2
                    continue
            elif got is not None:
                texts.append(got)
        elif not a.startswith("-"):
            positionals.append(a)
        i += 1
    if name in _POSITIONAL_SQL and len(positionals) > 1:
        texts.extend(positionals[1:])
    if name in ("bq",) and positionals[:1] == ["query"]:
        texts.extend(positionals[1:])
    if stdin:
        texts.append(stdin)
    text = "\n".join(texts)[:MAX_TEXT]
    if not text.strip():
        return []
    if name in _MONGO:
        return [text]
    text = _BLOCK_COMMENT.sub(" ", text)
    text = _LINE_COMMENT.sub("", text)
    if name in _HASH_COMMENTS:
        text = _HASH_COMMENT.sub("", text)
    out = []
    for part in re.split(r";|\n(?=\s*(?:\\|\.)[a-z!])", text):
        st = " ".join(part.split())
        if st:
            out.append(st)
    return out


def effects(program: str, args: "tuple[str, ...]", stdin: str = "") -> "tuple[str, ...]":
    """What the client's statements do (see the module docstring); () when nothing listed."""
    name = program.rsplit("/", 1)[-1]
    if name not in CLIENTS:
        return ()
    found: dict[str, None] = {}
    for st in statements(program, args, stdin):
        if name in _MONGO:
            if _MONGO_DROP.search(st):
                found["drop"] = None
            if _MONGO_ALL.search(st):
                found["delete-all"] = None
            continue
        if _DROP.search(st):
            found["drop"] = None
        if _TRUNCATE.search(st):
            found["truncate"] = None
        if _DROP_COLUMN.search(st):
            found["drop-column"] = None
        m = _DELETE.match(st)
        if m and (m.group(1) is None or (m.group(2) is not None and _always_true(m.group(2)))):
            found["delete-all"] = None
        m = _UPDATE.match(st)
        if m:
            w = _WHERE.search(m.group(1))
            if w is None or _always_true(w.group(1)):
                found["update-all"] = None
        if _WRITES_FILE.search(st) and name not in _EMBEDDED:
            found["writes-file"] = None  # (duckdb/sqlite: the "server" is this process, exporting a file)
        if _RUNS_PROGRAM.search(st):
            found["runs-program"] = None
        if _PRIVILEGE.search(st):
            found["privilege"] = None
    return tuple(found)

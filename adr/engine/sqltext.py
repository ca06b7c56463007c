"""What the SQL (or MongoDB, or Redis) a database client is handed does, whatever the spelling.

Regexes over a client's joined arguments miss `mysql -e'DROP DATABASE prod'` (no word boundary),
`psql -c 'DELETE FROM users' -h db` (something after the statement), take `DELETE FROM users --
WHERE id=5` for a filtered delete and `SELECT 'DROP TABLE users'` for a drop. Here the statements are
gathered from the options that carry them (attached or not), the positional SQL of sqlite-like
clients and stdin, then lexed: comments go (MySQL's executable `/*! … */` stays code), quoted
literals are set aside (their text is read as SQL only where the batch can run text: EXECUTE,
PREPARE, DO, `\\gexec`, a function body …), and each statement is classified:

* drop, truncate, drop-column — a database, schema, table, index, view, function, role … or column goes
* delete-all, update-all — a DELETE/UPDATE with no WHERE (also inside a CTE, under EXPLAIN ANALYZE),
  or one whose WHERE holds for every row (`WHERE 1=1`, `WHERE id=5 OR 1=1`, `WHERE true`)
* writes-file — the server writes a file (`COPY … TO '/x'`, `INTO OUTFILE`, `lo_export`, Redis
  `CONFIG SET dir|dbfilename`); for sqlite-like clients (the process itself) only outside the
  project's ordinary places (a system directory, a dot-directory)
* writes-persistence — such a write lands where it grants a login or runs later: authorized_keys,
  a crontab, a shell rc, a web root (the Redis `CONFIG SET dir /root/.ssh` attack)
* reads-file — the server reads a file back (`pg_read_file`, `lo_import`, `LOAD_FILE`, `file_fdw`, …)
* runs-program — the server or client runs a program or loads native code (`COPY … PROGRAM`, psql
  `\\!`, sqlite `.system`, `ALTER SYSTEM SET archive_command`, untrusted languages, `load_extension`,
  Redis `MODULE LOAD`)
* privilege — a role made superuser (created or altered), an admin role granted, everything granted
* replicates — a Redis server made a replica of another (its data replaced; the rogue-master attack)
* discards-unsaved — a Redis server stopped without saving (`SHUTDOWN NOSAVE`, `DEBUG SEGFAULT`)
* deletes-listed-keys — Redis DEL/UNLINK whose keys come from input (`… | xargs redis-cli del`)
"""
from __future__ import annotations

import re
import shlex
from urllib.parse import unquote_to_bytes

from adr import lazyre
from adr.shell import netprogs

MAX_TEXT = 65536
_REDIS = frozenset({"redis-cli", "valkey-cli", "keydb-cli"})
# the clients whose statements are read here (the rules name them again, with their other clients)
CLIENTS = frozenset({"psql", "psql16", "pgcli", "mysql", "mariadb", "mycli", "sqlite3", "sqlite", "duckdb", "litecli",
                     "spatialite", "mongo", "mongosh", "clickhouse-client", "clickhouse", "clickhouse-local", "cqlsh",
                     "sqlcmd", "usql", "cockroach", "snowsql", "bq", "trino", "presto", "spark-sql", "beeline", "turso",
                     "dolt", "mssql-cli", "isql", "sqlplus", "vsql", "mysqlsh", "heroku", "hive", "impala-shell",
                     "wrangler", "sqlite-utils"}) | _REDIS
# raw TCP clients: Redis (and memcached) take plain-text commands, so what such a client is fed on
# stdin reaches the server as a redis-cli line would (`echo FLUSHALL | nc cache 6379`); curl does
# the same from a URL (`gopher://cache:6379/_<RESP, URL-encoded>`, `dict://cache:6379/flushall`)
RAW_CLIENTS = netprogs.RAW_CLIENTS
# options whose value is the statement text, per client family; psql's -e only echoes queries
_TEXT_OPTIONS = ("-c", "--command", "--execute", "--eval", "-q", "--query", "-Q", "--sql", "-e")
_PSQL_LIKE = frozenset({"psql", "pgcli", "psql16", "usql", "vsql", "heroku"})  # backslash meta-commands
_NO_E = _PSQL_LIKE
_NO_Q = frozenset({"psql", "pgcli", "mysql", "mariadb", "mycli", "psql16", "vsql", "heroku"})  # their -q is "quiet"
# statements run before the others: `sqlite3 -cmd SQL`, `mysql --init-command=SQL`
_EXTRA_OPTIONS = {"sqlite3": ("-cmd",), "sqlite": ("-cmd",), "spatialite": ("-cmd",), "duckdb": ("-cmd", "-s"),
                  "mysql": ("--init-command",), "mariadb": ("--init-command",)}
_POSITIONAL_SQL = frozenset({"sqlite3", "sqlite", "duckdb", "litecli", "spatialite"})  # DB, then SQL
_EMBEDDED = _POSITIONAL_SQL
_HASH_COMMENTS = frozenset({"mysql", "mariadb", "mycli", "mysqlsh", "clickhouse-client", "clickhouse", "clickhouse-local",
                            "dolt"})
_BACKSLASH_STRINGS = _HASH_COMMENTS  # MySQL-like: `\'` inside '…' (elsewhere only in E'…')
_MONGO = frozenset({"mongo", "mongosh"})
# a leading subcommand the statements follow: `heroku pg:psql -c`, `wrangler d1 execute DB --command`
_SUBCOMMAND = {"heroku": ("pg:psql",), "wrangler": ("d1", "execute"), "cockroach": ("sql",), "turso": ("db", "shell"),
               "sqlite-utils": ("query",)}
# the clouds' data APIs: SQL handed over as an option of one subcommand (`aws rds-data execute-statement
# --sql …`); each option's value is a batch, `--sqls` takes several
_CLOUD_SQL: "dict[str, dict[tuple[str, ...], tuple[str, ...]]]" = {
    "aws": {("athena", "start-query-execution"): ("--query-string",),
            ("rds-data", "execute-statement"): ("--sql",), ("rds-data", "batch-execute-statement"): ("--sql",),
            ("redshift-data", "execute-statement"): ("--sql",),
            ("redshift-data", "batch-execute-statement"): ("--sqls",)},
    "gcloud": {("spanner", "databases", "execute-sql"): ("--sql",), ("spanner", "databases", "ddl", "update"): ("--ddl",),
               ("alpha", "spanner", "databases", "execute-sql"): ("--sql",),
               ("beta", "spanner", "databases", "execute-sql"): ("--sql",)},
    "az": {("postgres", "flexible-server", "execute"): ("-q", "--querytext"),
           ("mysql", "flexible-server", "execute"): ("-q", "--querytext")},
}
CLOUD_SQL_CLIS = frozenset(_CLOUD_SQL)


def _cloud_texts(name: str, args: "tuple[str, ...]") -> "list[str]":
    """The SQL a cloud CLI's data API is handed (none for any other subcommand)."""
    pos = tuple(a for a in args[:8] if not a.startswith("-"))
    opts = next((o for sub, o in _CLOUD_SQL[name].items() if pos[:len(sub)] == sub), None)
    if opts is None:
        return []
    texts: list[str] = []
    for i, a in enumerate(args):
        if a in opts:
            for v in args[i + 1:]:
                if v.startswith("-"):
                    break
                texts.append(v)
                if a != "--sqls":
                    break
        elif "=" in a and a.split("=", 1)[0] in opts:
            texts.append(a.split("=", 1)[1])
    return texts

_IDENT = r"[\w.\"`\[\]$\x01]+"
# every DROP is a drop (table, index, view, function, trigger, sequence, role, owned by …)
_DROP = lazyre.compile(r"(?i)^drop\s+\w")
_TRUNCATE = lazyre.compile(r"(?i)^truncate\b")
_DROP_COLUMN = lazyre.compile(r"(?i)^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?" + _IDENT
                              + r"\s+(?:drop\s+(?:column\s+)?[\w\"`\[\x01]|(?:drop|truncate)\s+partition\b)")
_ALTER_DELETE = lazyre.compile(r"(?is)^alter\s+table\s+" + _IDENT + r"(?:\s+on\s+cluster\s+\S+)?\s+delete\s+where\s(.*)$")
# a prefix that still runs the statement after it: EXPLAIN ANALYZE, PREPARE … AS (run by EXECUTE)
_RUNS_AFTER = lazyre.compile(r"(?is)^(?:explain\s+(?:analy[sz]e\b\s*(?:verbose\b\s*)?|\([^)]*\banaly[sz]e\b[^)]*\)\s*)"
                             r"|prepare\s+\w+\s*(?:\([^)]*\)\s*)?as\s+)")
_WITH_DML = lazyre.compile(r"(?i)\b(?:delete|update)\s")
_DELETE = lazyre.compile(r"(?is)^delete\b")
_UPDATE = lazyre.compile(r"(?is)^update\s+(?:only\s+)?" + _IDENT + r"(?:\s+(?:as\s+)?\w+)?\s+set\s")
_WHERE = lazyre.compile(r"(?is)\bwhere\s(.*?)(?:\breturning\b|\border\s+by\b|\blimit\b|\boption\b|$)")
_NESTED_DML = lazyre.compile(r"(?i)\(\s*(?=(?:delete|update)\s)")
_LITERAL_TRUE = lazyre.compile(r"(?is)^(?:true|not\s+false|1|1\s*(?:<>|!=)\s*0|(\d+)\s*=\s*(\d+)|'(\w*)'\s*=\s*'(\w*)'|\"(\w*)\"\s*=\s*\"(\w*)\")$")
_OR = lazyre.compile(r"(?i)\bor\b")
_AND = lazyre.compile(r"(?i)\band\b")
_COMPARE = lazyre.compile(r"(?is)^(-?\d+(?:\.\d+)?|'[^']*'|\w+)\s*(=|==|<>|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?|'[^']*'|\w+)$")
_ALWAYS = lazyre.compile(r"(?is)^(?:null\s+is\s+null|(\d+)\s+in\s*\(\s*\1\s*\)|exists\s*\(\s*select\s+1\s*\))$")


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


# -- lexing -------------------------------------------------------------------------------------

_SAFE_LITERAL = lazyre.compile(r"[\w.:/@+~*-]{0,200}")  # kept in place: a name, a path, a number, `*`
_DOLLAR_TAG = lazyre.compile(r"\$(?:[A-Za-z_]\w*)?\$")
_LIT_REF = lazyre.compile(r"\x01(\d+)\x01")


class _Stmt:
    """One statement: its text with comments gone and literals replaced by `'\\x01N\\x01'` (plain names
    and paths kept), the literals, and whether it is a client meta-command (kept verbatim)."""
    __slots__ = ("code", "literals", "meta", "dollar")

    def __init__(self, code: str, literals: "list[str]", meta: bool, dollar: "list[str]") -> None:
        self.code, self.literals, self.meta, self.dollar = code, literals, meta, dollar

    def lit(self, s: str) -> str:
        """`s` with the set-aside literals put back."""
        return _LIT_REF.sub(lambda m: self.literals[int(m.group(1))], s)


def _line_start(text: str, i: int) -> bool:
    """Is position `i` the first thing on its line (where sqlite reads a dot-command)?"""
    k = i - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k < 0 or text[k] == "\n"


def _lex(text: str, name: str, backslash: bool) -> "list[_Stmt]":
    """Split `text` into statements the way the client would, outside quotes and comments."""
    psql_like, hash_comments = name in _PSQL_LIKE, name in _HASH_COMMENTS
    dot_meta = name in _POSITIONAL_SQL
    out: list[_Stmt] = []
    buf: list[str] = []
    lits: list[str] = []
    dollar: list[str] = []

    def flush(meta: bool = False) -> None:
        code = " ".join("".join(buf).split())
        if code:
            out.append(_Stmt(code, list(lits), meta, list(dollar)))
        buf.clear()
        lits.clear()
        dollar.clear()

    i, n = 0, len(text)
    exec_comments = 0  # open `/*! … */`
    while i < n:
        ch = text[i]
        if (ch == "\\" and psql_like) or (ch == "." and dot_meta and i + 1 < n and text[i + 1].isalpha()
                                           and _line_start(text, i)):
            flush()
            end = text.find("\n", i)
            end = n if end < 0 else end
            buf.append(text[i:end])
            flush(meta=True)
            i = end
            continue
        if ch == "*" and exec_comments and text.startswith("*/", i):
            exec_comments -= 1
            buf.append(" ")
            i += 2
            continue
        if ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "#" and hash_comments:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "/" and text.startswith("/*", i):
            if text.startswith("/*!", i):  # MySQL runs what is in `/*!50000 … */`
                i += 3
                while i < n and text[i].isdigit():
                    i += 1
                exec_comments += 1
                buf.append(" ")
                continue
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            buf.append(" ")
            i = j
            continue
        if ch in "'\"`":
            esc = backslash or (ch == "'" and i > 0 and text[i - 1] in "eE" and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == "_")))
            j, val = i + 1, []
            while j < n:
                c = text[j]
                if esc and c == "\\" and j + 1 < n:
                    val.append(text[j + 1])
                    j += 2
                    continue
                if c == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        val.append(ch)
                        j += 2
                        continue
                    break
                val.append(c)
                j += 1
            s = "".join(val)
            if _SAFE_LITERAL.fullmatch(s):
                buf.append(ch + s + ch)
            else:
                lits.append(s)
                buf.append(f"{ch}\x01{len(lits) - 1}\x01{ch}")
            i = j + 1
            continue
        if ch == "$":
            m = _DOLLAR_TAG.match(text, i)
            if m and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
                end = text.find(m.group(0), m.end())
                end = n if end < 0 else end
                body = text[m.end():end]
                lits.append(body)
                dollar.append(body)
                buf.append(f"'\x01{len(lits) - 1}\x01'")
                i = end + len(m.group(0))
                continue
        if ch == ";":
            flush()
            i += 1
            continue
        buf.append(ch)
        i += 1
    flush()
    return out


# -- gathering ----------------------------------------------------------------------------------

# short options that take a value (the rest of a cluster is then that value, not more flags)
_VALUED_LETTERS = {
    "psql": frozenset("dhpUfoLTvPFR"), "pgcli": frozenset("dhpUfoLTvPFR"), "psql16": frozenset("dhpUfoLTvPFR"),
    "vsql": frozenset("dhpUfoLTvPFRwB"), "heroku": frozenset("ar"),
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


def _texts(name: str, args: "tuple[str, ...]", stdin: str) -> "list[str]":
    """The statement texts the client is handed: option values, positional SQL, stdin."""
    texts: list[str] = []
    opts = tuple(o for o in _TEXT_OPTIONS if not (o == "-e" and name in _NO_E) and not (o == "-q" and name in _NO_Q)
                 and not (o == "--sql" and name == "mysqlsh")) + _EXTRA_OPTIONS.get(name, ())  # (mysqlsh's --sql: a mode)
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
    if name == "bq" and positionals[:1] == ["query"]:
        texts.extend(positionals[1:])
    if name == "turso" and positionals[:2] == ["db", "shell"]:
        texts.extend(positionals[3:])
    if name == "sqlite-utils" and positionals[:1] == ["query"]:
        texts.extend(positionals[2:])  # `sqlite-utils query DB SQL`
    if stdin:
        texts.append(stdin)
    return texts


def _subcommand_ok(name: str, args: "tuple[str, ...]") -> bool:
    """`heroku pg:psql`, `wrangler d1 execute`: only that subcommand takes statements."""
    want = _SUBCOMMAND.get(name)
    if want is None:
        return True
    pos = [a for a in args if not a.startswith("-")]
    return tuple(pos[:len(want)]) == want


def _text(program: str, args: "tuple[str, ...]", stdin: str) -> str:
    name = program.rsplit("/", 1)[-1]
    if name in _CLOUD_SQL:
        return ";\n".join(_cloud_texts(name, args))[:MAX_TEXT]
    if not _subcommand_ok(name, args):
        return ""
    # each option, argument or stdin is its own batch: `psql -c 'select 1' -c 'drop table t'` is two
    # statements, not `select 1 drop table t` (mongo's are scripts, joined as lines)
    return ("\n" if name in _MONGO else ";\n").join(_texts(name, args, stdin))[:MAX_TEXT]


def statements(program: str, args: "tuple[str, ...]", stdin: str = "") -> "list[str]":
    """The statements `program` would send, comments removed, one per item (at most ~64 KiB read)."""
    name = program.rsplit("/", 1)[-1]
    text = _text(program, args, stdin)
    if not text.strip():
        return []
    if name in _MONGO:
        return [text]
    return [s.lit(s.code) for s in _lex(text, name, name in _BACKSLASH_STRINGS)]


# -- classifying SQL ----------------------------------------------------------------------------

_WRITE_TARGETS = (
    lazyre.compile(r"(?is)^copy\s.*\bto\s+e?'([^']*)'"),
    lazyre.compile(r"(?is)\binto\s+(?:outfile|dumpfile)\s+'([^']*)'"),
    lazyre.compile(r"(?is)\blo_export\s*\([^,]*,\s*'([^']*)'"),
    lazyre.compile(r"(?is)\bpg_file_write\s*\(\s*'([^']*)'"),
    lazyre.compile(r"(?is)\bwritefile\s*\(\s*'([^']*)'"),            # sqlite fileio
    lazyre.compile(r"(?is)^attach\s+(?:database\s+)?'([^']*)'"),      # sqlite/duckdb: creates the file
    lazyre.compile(r"(?is)^vacuum\s+(?:\w+\s+)?into\s+'([^']*)'"),
)
_META_WRITE = lazyre.compile(r"(?i)^\.(?:save|backup)\s+(?:\w+\s+)?['\"]?([^'\"\s]+)")
_READ_ALWAYS = lazyre.compile(r"(?i)\b(?:pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|lo_import|load_file)\s*\(")
_READ_TARGETS = (
    lazyre.compile(r"(?is)^copy\s.*\bfrom\s+e?'([^']*)'"),
    lazyre.compile(r"(?is)\bload\s+data\s+(?:low_priority\s+|concurrent\s+)?(?:local\s+)?infile\s+'([^']*)'"),
    lazyre.compile(r"(?is)\breadfile\s*\(\s*'([^']*)'"),
    lazyre.compile(r"(?is)^attach\s+(?:database\s+)?'([^']*)'"),
)
_RUNS_PROGRAM = lazyre.compile(
    r"(?is)^copy\s.*\b(?:from|to)\s+program\s|^\\!|^\.(?:system|shell)\s"
    r"|\bsys_exec\s*\(|\bxp_cmdshell\b|\bsys_eval\s*\(|\bsp_oacreate\b|\bsp_execute_external_script\b"
    r"|^alter\s+system\s+set\s+\"?(?:archive_command|restore_command|archive_cleanup_command|recovery_end_command"
    r"|ssl_passphrase_command|archive_library|shared_preload_libraries|session_preload_libraries"
    r"|local_preload_libraries|dynamic_library_path)\b"
    r"|^set\s+(?:session\s+)?\"?(?:session_preload_libraries|local_preload_libraries)\b"
    r"|^create\s+(?:or\s+replace\s+)?(?:trusted\s+)?(?:procedural\s+)?language\b"
    r"|^create\s+extension\s+(?:if\s+not\s+exists\s+)?[\"']?(?:plpython3?u|plpythonu|plperlu|pltclu|plsh|plr|plluau|pljava)\b"
    r"|^create\s+(?:or\s+replace\s+)?(?:function|procedure)\b.*(?:\blanguage\s+['\"]?(?:c|internal|plpython3?u|plperlu|pltclu|plsh|plluau)\b|\bsoname\b)"
    r"|^load\s+'|^\.load\s|\bload_extension\s*\(|\bedit\s*\([^,()]*,")
_PRIVILEGE = lazyre.compile(
    r"(?is)^(?:alter|create)\s+(?:role|user|group)\s.*\b(?:superuser|createrole|bypassrls|replication)\b"
    r"|^grant\s+all\b.*\bto\s|^grant\s+(?:super|file|process)\b"
    r"|^grant\s+(?:[\w\"]+\s*,\s*)*\"?(?:pg_write_server_files|pg_execute_server_program|pg_read_server_files"
    r"|rds_superuser|rdsadmin|cloudsqlsuperuser|alloydbsuperuser|azure_pg_admin|azure_superuser|postgres"
    r"|sysadmin|db_owner)\b[^;]*\bto\s"
    r"|^alter\s+server\s+role\s+\[?(?:sysadmin|securityadmin|serveradmin)\]?\s+add\s+member\b"
    r"|\bsp_addsrvrolemember\b"
    r"|^create\s+extension\s+(?:if\s+not\s+exists\s+)?[\"']?(?:dblink|postgres_fdw)\b")
_EXT_WRITES = lazyre.compile(r"(?i)^create\s+extension\s+(?:if\s+not\s+exists\s+)?[\"']?adminpack\b")
_EXT_READS = lazyre.compile(r"(?i)^create\s+extension\s+(?:if\s+not\s+exists\s+)?[\"']?file_fdw\b")
# text the batch can run: its literals are then read as statements too
_EXEC_CONTEXT = lazyre.compile(
    r"(?i)\b(?:exec|execute|prepare|do|call|immediate|run_?sql|sp_executesql|sp_msforeach\w*|dblink\w*|query_to_xml\w*"
    r"|cursor_to_xml|query_to_json\w*|eval|create\s+(?:or\s+replace\s+)?(?:function|procedure|trigger|rule|event))\b"
    r"|^\\(?:gexec|set)\b")

# where a written file grants a login or runs later
_PERSISTENCE_PATH = lazyre.compile(
    r"(?i)(?:^|/)\.ssh(?:/|$)|authorized_keys2?$|(?:^|/)(?:var/spool/cron|etc/cron|etc/anacrontab|etc/crontab)"
    r"|(?:^|/)(?:etc/(?:sudoers|passwd|shadow|profile|bash\.bashrc|environment|ld\.so\.preload|rc\.local|init\.d|systemd"
    r"|update-motd\.d))|(?:^|/)\.(?:bashrc|bash_profile|profile|zshrc|zprofile|zshenv|bash_login|config/autostart)(?:/|$)"
    r"|(?:^|/)Library/Launch(?:Agents|Daemons)(?:/|$)|(?:^|/)(?:var/www|srv/www|usr/share/nginx|var/lib/tomcat\w*/webapps)(?:/|$)"
    r"|\.(?:php\d?|phtml|jsp|jspx|aspx?)$|(?:^|/)crontabs?(?:/|$)")
# where a sqlite-like client (the agent's own process) reads or writes out of the ordinary
_SENSITIVE_LOCAL = lazyre.compile(r"^(?:~|/(?:etc|root|usr|boot|bin|sbin|lib|var/(?!tmp)|System|Library|private/etc)\b)|(?:^|/)\.[\w-]")


def _clean_path(p: str) -> str:
    """`file:/x.db?mode=ro` → `/x.db`."""
    if p.lower().startswith("file:"):
        p = p[5:].split("?", 1)[0]
        if p.startswith("//"):
            p = p[2:]
    return p.strip()


def _sql_effects(st: _Stmt, name: str, found: "dict[str, None]") -> None:
    """Classify one statement into `found`."""
    code = st.code
    if st.meta:
        if _RUNS_PROGRAM.search(code):
            found["runs-program"] = None
        m = _META_WRITE.match(code)
        if m and _SENSITIVE_LOCAL.search(m.group(1)):
            found["writes-file"] = None
            if _PERSISTENCE_PATH.search(m.group(1)):
                found["writes-persistence"] = None
        return
    m = _RUNS_AFTER.match(code)
    if m:
        code = code[m.end():]
    if _DROP.search(code):
        found["drop"] = None
    if _TRUNCATE.search(code):
        found["truncate"] = None
    if _DROP_COLUMN.search(code):
        found["drop-column"] = None
    m = _ALTER_DELETE.match(code)
    if m and _always_true(st.lit(m.group(1))):
        found["delete-all"] = None
    dml = [code] + [_balanced(code, k.end()) for _, k in zip(range(32), _NESTED_DML.finditer(code))]
    if code[:4].lower() == "with":  # `WITH x AS (…) DELETE FROM t`: the statement after the CTEs
        top = _top_level(code)
        k = _WITH_DML.search(top)
        if k:
            dml.append(top[k.start():])
    for d in dml:
        top = _top_level(d)
        if _DELETE.match(d) or _UPDATE.match(d):
            w = _WHERE.search(top)
            if w is None or _always_true(st.lit(w.group(1))):
                found["delete-all" if _DELETE.match(d) else "update-all"] = None
    for rx in _WRITE_TARGETS:  # (matched outside literals; the path literal then read back)
        m = rx.search(code)
        if m is None:
            continue
        path = _clean_path(st.lit(m.group(1)))
        if name in _EMBEDDED and not _SENSITIVE_LOCAL.search(path):
            continue  # (sqlite/duckdb: the "server" is this process, writing a file of the project)
        if name not in _EMBEDDED and rx.pattern.startswith("(?is)^attach"):
            continue
        found["writes-file"] = None
        if _PERSISTENCE_PATH.search(path):
            found["writes-persistence"] = None
    if _EXT_WRITES.search(code):
        found["writes-file"] = None
    if _READ_ALWAYS.search(code) or _EXT_READS.search(code):
        found["reads-file"] = None
    for rx in _READ_TARGETS:
        m = rx.search(code)
        if m and _SENSITIVE_LOCAL.search(_clean_path(st.lit(m.group(1)))):
            found["reads-file"] = None
    if _RUNS_PROGRAM.search(code):
        found["runs-program"] = None
    if _PRIVILEGE.search(code):
        found["privilege"] = None


def _balanced(s: str, start: int, limit: int = 8192) -> str:
    """The text from `start` to the parenthesis that closes the one just before it (at most `limit`)."""
    depth = 1
    for j in range(start, min(len(s), start + limit)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return s[start:j]
    return s[start:start + limit]


def _top_level(s: str) -> str:
    """`s` without what is inside parentheses (a subquery's WHERE is not the statement's)."""
    out, depth = [], 0
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _sql_text_effects(text: str, name: str, found: "dict[str, None]", depth: int = 0) -> None:
    """Classify a batch of SQL, and the literals it can run as SQL (up to three levels deep)."""
    # (MySQL reads `\'` as a quote unless NO_BACKSLASH_ESCAPES, PostgreSQL only in E'…': read both ways)
    for backslash in (False, True):
        stmts = _lex(text, name, backslash)
        runs_text = any(_EXEC_CONTEXT.search(s.code) for s in stmts)
        for st in stmts:
            _sql_effects(st, name, found)
            if depth >= 3:
                continue
            inner = st.literals if runs_text else st.dollar
            if st.meta and runs_text:
                inner = re.findall(r"'([^']*)'", st.code)
            for lit in inner:
                if len(lit) > 5 and re.search(r"\s", lit):
                    _sql_text_effects(lit, name, found, depth + 1)


# -- MongoDB ------------------------------------------------------------------------------------

_MONGO_DROP = lazyre.compile(r"dropDatabase|\bdropDatabase\s*:|\[\s*['\"]drop\w*['\"]\s*\]\s*\(|\.drop\s*\("
                             r"|\bdrop\s*:\s*['\"]|\.(?:dropAllUsers|dropUser|dropAllRoles|dropRole|dropIndexes|dropIndex"
                             r"|dropSearchIndex)\s*\(|\bdropAllUsersFromDatabase\s*:|\bdropUser\s*:"
                             r"|['\"]?\$out['\"]?\s*:|\brenameCollection\s*\([^)]*,\s*true\s*\)|\bdropTarget\s*:\s*true")
_MONGO_ALL = lazyre.compile(r"\b(?:deleteMany|remove|updateMany|update)\s*\(\s*(?:\{\s*\}|\))|\bdeleteMany\s*:\s*\{\s*filter\s*:\s*\{\s*\}"
                            r"|\b(?:deleteMany|remove)\s*\(\s*\{\s*['\"]?_id['\"]?\s*:\s*\{\s*['\"]?\$(?:exists\s*['\"]?\s*:\s*(?:true|1)"
                            r"|ne['\"]?\s*:\s*null)\s*\}\s*\}|\bq\s*:\s*\{\s*\}\s*,\s*limit\s*:\s*0")
_MONGO_MERGE_REPLACE = lazyre.compile(r"['\"]?\$merge['\"]?\s*:.{0,2000}?\bwhenMatched\s*:\s*['\"](?:replace|merge)['\"]", re.S)
_MONGO_ADMIN = lazyre.compile(r"\b(?:createUser|updateUser|grantRolesToUser|createRole|grantRolesToRole)\b[\s\S]{0,2000}?"
                              r"['\"](?:root|__system|userAdminAnyDatabase|dbAdminAnyDatabase|readWriteAnyDatabase|clusterAdmin"
                              r"|dbOwner|userAdmin|restore|hostManager|clusterManager)['\"]")


def _mongo_effects(text: str, found: "dict[str, None]") -> None:
    """Classify MongoDB shell code (JavaScript: matched as written, not parsed)."""
    if _MONGO_DROP.search(text):
        found["drop"] = None
    if _MONGO_ALL.search(text):
        found["delete-all"] = None
    if _MONGO_MERGE_REPLACE.search(text):
        found["update-all"] = None
    if _MONGO_ADMIN.search(text):
        found["privilege"] = None


# -- Redis --------------------------------------------------------------------------------------

_REDIS_VALUED = frozenset({"-h", "-p", "-t", "-s", "-a", "-u", "-r", "-i", "-n", "-d", "-D", "-X", "--user", "--pass",
                           "--sni", "--cacert", "--cacertdir", "--tls-ciphers", "--tls-ciphersuites", "--cert", "--key",
                           "--lru-test", "--rdb", "--functions-rdb", "--pipe-timeout", "--memkeys-samples",
                           "--keystats-samples", "--pattern", "--count", "--quoted-pattern", "--intrinsic-latency",
                           "--eval"})
_LUA_CALL = lazyre.compile(r"(?i)redis\s*\.\s*p?call\s*\(")
_LUA_STR = lazyre.compile(r"\s*(?:'([^']*)'|\"([^\"]*)\")\s*")


def _lua_calls(script: str) -> "list[list[str]]":
    """The Redis commands a Lua script calls: literal arguments as written, others as `?`."""
    out = []
    for _, m in zip(range(64), _LUA_CALL.finditer(script)):
        body = _balanced(script, m.end(), 2048)
        words, depth, cur = [], 0, []
        for ch in body + ",":
            if ch == "," and depth == 0:
                arg = "".join(cur)
                lit = _LUA_STR.fullmatch(arg)
                words.append(next(g for g in lit.groups() if g is not None) if lit else "?")
                cur = []
                continue
            if ch in "({[":
                depth += 1
            elif ch in ")}]":
                depth -= 1
            cur.append(ch)
        out.append(words)
    return out


def _redis_argv(args: "tuple[str, ...]") -> "tuple[list[str], bool]":
    """The command words after redis-cli's options, and whether -x appends stdin to them."""
    i, x = 0, False
    while i < len(args):
        a = args[i]
        if a == "--cluster":
            # `--cluster call HOST:PORT CMD …` runs CMD on every node
            if i + 2 < len(args) and args[i + 1].lower() == "call":
                return list(args[i + 3:]), x
            return [], x
        if a == "-x":
            x = True
        elif a in _REDIS_VALUED:
            i += 1
        elif not a.startswith("-") or a == "-":
            return list(args[i:]), x
        i += 1
    return [], x


def _redis_lines(stdin: str) -> "list[list[str]]":
    """Commands fed on stdin: one per line (quoted like redis-cli), or the RESP of `--pipe`."""
    out: list[list[str]] = []
    lines = stdin.replace("\r", "").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        m = re.fullmatch(r"\*(\d{1,3})", line)
        if m:
            words = []
            for _ in range(int(m.group(1))):
                if i + 1 < len(lines) and lines[i].startswith("$"):
                    words.append(lines[i + 1])
                    i += 2
            out.append(words)
            continue
        if not line or line.startswith("#"):
            continue
        try:
            out.append(shlex.split(line))
        except ValueError:
            out.append(line.split())
    return out


def _url_commands(args: "tuple[str, ...]") -> "list[list[str]]":
    """The commands curl sends to a plain-text server from gopher:// (the path after its one-letter
    type, URL-decoded: often the RESP of several commands) and dict:// URLs (`CMD:arg:arg`)."""
    out: list[list[str]] = []
    for a in args:
        low = a[:9].lower()
        if low.startswith("gopher://") or low.startswith("gophers:/"):
            _, _, path = a.partition("://")[2].partition("/")
            text = unquote_to_bytes(path[1:][:MAX_TEXT]).decode("utf-8", "replace")
            out.extend(_redis_lines(text))
        elif low.startswith("dict://"):
            _, _, path = a[7:].partition("/")
            words = [w for w in unquote_to_bytes(path[:MAX_TEXT]).decode("utf-8", "replace").split(":") if w]
            if words and words[0].lower() in ("d", "define", "m", "match", "find", "lookup"):
                continue  # a dictionary look-up, what dict:// is for
            out.append(words)
    return out


def _redis_effects(cmds: "list[list[str]]", found: "dict[str, None]", depth: int = 0) -> None:
    """Classify Redis commands (and those a Lua script they carry calls); `CONFIG SET dir` and
    `dbfilename` are judged together, since the attack splits them over two commands."""
    dirs: list[str] = []
    files: list[str] = []
    for words in cmds:
        if not words:
            continue
        verb = words[0].upper()
        rest = words[1:]
        up = [w.upper() for w in rest]
        if verb in ("FLUSHALL", "FLUSHDB", "FLUSH_ALL"):  # (flush_all: memcached's)
            found["delete-all"] = None
        elif verb == "CONFIG" and up[:1] == ["SET"]:
            pairs = rest[1:]
            for k in range(0, len(pairs) - 1, 2):
                key, val = pairs[k].lower(), pairs[k + 1]
                if key == "dir":
                    dirs.append(val)
                elif key in ("dbfilename", "logfile", "appendfilename", "appenddirname"):
                    files.append(val)
                elif key == "requirepass" and not val:
                    found["privilege"] = None
        elif verb in ("SLAVEOF", "REPLICAOF") and rest and up[:2] != ["NO", "ONE"]:
            found["replicates"] = None
        elif verb == "MODULE" and up[:1] and up[0] in ("LOAD", "LOADEX"):
            found["runs-program"] = None
        elif verb == "ACL" and up[:1] == ["SETUSER"] and any(
                w in ("NOPASS", "+@ALL", "ALLCOMMANDS", "+@ADMIN", "+@DANGEROUS", "+CONFIG", "+MODULE") for w in up[2:]):
            found["privilege"] = None
        elif verb == "SHUTDOWN" and "NOSAVE" in up or verb == "DEBUG" and up[:1] and up[0] in (
                "SEGFAULT", "RESTART", "CRASH-AND-RECOVER", "PANIC"):
            found["discards-unsaved"] = None
        elif verb in ("DEL", "UNLINK") and (not rest or any(w.startswith(("$(", "`")) for w in rest)):
            # keys on stdin (`… | xargs redis-cli del`) or from a substitution (`DEL $(redis-cli KEYS '*')`)
            found["deletes-listed-keys"] = None
        elif verb in ("EVAL", "EVAL_RO", "FUNCTION", "FCALL") and rest and depth < 2:
            script = rest[1] if verb == "FUNCTION" and len(rest) > 1 else rest[0]
            calls = [c for c in _lua_calls(script) if c and c[0] != "?"]
            names = {c[0].lower() for c in calls}
            # `for _,k in ipairs(redis.call('keys','*')) do redis.call('del',k) end`, `unpack(… ARGV[1])`
            keys_all = any(c[0].lower() in ("keys", "scan") and ("*" in c[1:] or "?" in c[1:]) for c in calls)
            if keys_all and names & {"del", "unlink"}:
                found["delete-all"] = None
            _redis_effects(calls, found, depth + 1)
    for d in dirs:
        found["writes-file"] = None
        if _PERSISTENCE_PATH.search(d.rstrip("/")) or _PERSISTENCE_PATH.search(d.rstrip("/") + "/"):
            found["writes-persistence"] = None
    for f in files:
        found["writes-file"] = None
        if _PERSISTENCE_PATH.search(f) or f in ("root", "crontab"):
            found["writes-persistence"] = None


def effects(program: str, args: "tuple[str, ...]", stdin: str = "") -> "tuple[str, ...]":
    """What the client's statements do (see the module docstring); () when nothing listed."""
    name = program.rsplit("/", 1)[-1]
    found: dict[str, None] = {}
    if name in RAW_CLIENTS:
        if name == "openssl" and args[:1] != ("s_client",):
            return ()  # (only s_client is a TLS connection fed from stdin)
        cmds = _url_commands(args) if name == "curl" else []
        if stdin and (name != "curl" or any(a[:9].lower() == "telnet://" for a in args)):
            cmds += _redis_lines(stdin[:MAX_TEXT])  # (curl telnet:// sends its stdin)
        _redis_effects(cmds, found)
        return tuple(found)
    if name not in CLIENTS and name not in _CLOUD_SQL:
        return ()
    if name in _REDIS:
        words, x = _redis_argv(args)
        cmds = []
        if words:
            cmds.append(words + ([stdin.rstrip("\n")] if x and stdin else []))
        elif stdin:
            cmds.extend(_redis_lines(stdin[:MAX_TEXT]))
        _redis_effects(cmds, found)
        return tuple(found)
    text = _text(program, args, stdin)
    if not text.strip():
        return ()
    if name in _MONGO:
        _mongo_effects(text, found)
    else:
        _sql_text_effects(text, name, found)
    return tuple(found)

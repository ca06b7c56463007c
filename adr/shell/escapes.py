"""Shell escapes inside other programs' command languages.

Database shells, debuggers, FTP clients and editors run a shell command when told to: sqlite3 and
duckdb `.shell CMD` / `.system CMD` (and `.output |CMD`), psql `\\! CMD` (and `\\o |CMD`, `\\g |CMD`),
mysql `system CMD` / `\\! CMD`, gdb `shell CMD` / `!CMD`, lldb `platform shell CMD` / `script CODE`,
lftp, ftp and smbclient `!CMD`, ed `!CMD`, mail/mailx `~!CMD` and `~|CMD`, emacs `(shell-command "CMD")` / `(term "CMD")` / `(compile
"CMD")`, m4 `syscmd(CMD)` / `esyscmd(CMD)`, bpftrace `system("CMD")`. `sqlite3 x.db '.shell rm -rf ~'` is `rm -rf ~`.

The text comes from the program's own script options (`-c`, `-e`, `-ex`, `-cmd`, `--eval`, the
positional SQL of sqlite3/duckdb) or from what it reads on stdin; this module only reads it. Pure.
"""
from __future__ import annotations

import re
from shlex import quote as _q

from adr import lazyre
from adr.shell.words import code_unescape

MAX_ESCAPES = 8

# per language: a line (or statement) that hands the rest to a shell
_DOT_SHELL = lazyre.compile(r"(?m)^\s*\.(?:shell|system)\s+(.+?)\s*;?\s*$")
_DOT_PIPE = lazyre.compile(r"(?m)^\s*\.(?:output|once)\s+['\"]?\|\s*([^'\"\n]+)")
_PSQL = lazyre.compile(r"(?m)(?:^|[^\\])\\!\s*([^\n]+)|\\[og]\s+\|\s*([^\n]+)")
_MYSQL = lazyre.compile(r"(?mi)(?:^|;)\s*(?:system|\\!)\s+([^;\n]+)")
_GDB = lazyre.compile(r"(?m)^\s*(?:shell\s+|!\s*)(.+?)\s*$")
# gdb calling libc in the inferior: `call system("CMD")`, `print (int)system("CMD")`
_GDB_CALL = lazyre.compile(r"""(?m)^\s*(?:call|print|p|output)\s+(?:\([\w\s*]+\)\s*)?(?:system|popen)\s*\(\s*"((?:[^"\\]|\\.)*)\"""")
# `system("CMD")` in the numeric and plotting languages (gnuplot, octave, maxima), gnuplot's and dc's `!CMD`
_CALL_SYSTEM = lazyre.compile(r"""\b(?:system|unix|dos|shell_cmd)\s*\(\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')""")
_LINE_BANG = lazyre.compile(r"(?m)^[ \t]*!\s*(.+?)\s*$")
_DC_BANG = lazyre.compile(r"!([^\n]+)")
# TeX with shell escape on: `\write18{CMD}` (also `\immediate\write18{…}`)
_TEX_WRITE18 = lazyre.compile(r"\\write18\s*\{([^{}]*)\}")
# gdb's embedded Python (`python CODE`, `py`, `pi`): the code runs as `python3 -c CODE` would
_GDB_PY = lazyre.compile(r"(?m)^\s*(?:python|py|pi|python-interactive)\s+(.+?)\s*$")
_BANG = lazyre.compile(r"(?m)(?:^|;)\s*!\s*([^;\n]+)")
_ELISP = lazyre.compile(r"""\((?:shell-command(?:-to-string)?|async-shell-command|compile|term|ansi-term|vterm|"""
                        r"""call-process-shell-command|(?:start|make)-process-shell-command\s+"[^"]*"\s+(?:nil|t|"[^"]*"))"""
                        r"""\s+"((?:[^"\\]|\\.)*)\"""")
_ELISP_PROC = lazyre.compile(r"""\((?:call-process|start-process|make-process|process-lines)\s+(?:"[^"]*"\s+(?:nil|t|"[^"]*")\s+)?"([^"]+)"((?:\s+(?:nil|t|"(?:[^"\\]|\\.)*"))*)\)""")
# lldb: `platform shell [-h] [-t SEC] [--] CMD` (and its `shell` alias), `script [-l python|lua] CODE`,
# `command script import FILE.py`
_LLDB_SHELL = lazyre.compile(r"(?m)^\s*(?:platform\s+)?shell\s+(?:-h\s+|-t\s*\d+\s+)*(?:--\s+)?(.+?)\s*$")
_LLDB_SCRIPT = lazyre.compile(r"(?m)^\s*script\s+(?:(?:-l|--language)\s*(python|lua)\s+)?(?:--\s+)?(.+?)\s*$")
# lldb evaluating a libc call in the attached process: `expr (int)system("CMD")`, `p`, `call`, `expression -- …`
_LLDB_CALL = lazyre.compile(r"""(?m)^\s*(?:expr(?:ession)?|p|print|call|po)\s+(?:-\S+(?:\s+\w+)?\s+)*(?:--\s+)?"""
                            r"""(?:\([\w\s*]+\)\s*)?(?:system|popen)\s*\(\s*"((?:[^"\\]|\\.)*)\"""")
_LLDB_IMPORT = lazyre.compile(r"(?m)^\s*command\s+script\s+import\s+(?:-\w+\s+)*(\S+\.py)\s*$")
# m4's `syscmd(CMD)` / `esyscmd(CMD)` (one level of inner parentheses, m4's quotes `[…]` or `` `…' `` dropped)
_M4_SYSCMD = lazyre.compile(r"\be?syscmd\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
# mail/mailx: `~!CMD` (run), `~|CMD` (pipe the message through), `~<!CMD` (insert its output) while
# composing, and `!CMD` as a command (GNU mail's `--exec='!CMD'`, mailx reading a mailbox)
_MAIL = lazyre.compile(r"(?m)^[ \t]*(?:~<!|~!|~\||!)[ \t]*(\S[^\n]*?)[ \t]*$")
_BPF_SYSTEM = lazyre.compile(r"""\bsystem\s*\(\s*"((?:[^"\\]|\\.)*)\"""")

# where each program takes a script on its command line: (options whose value is script text,
# whether its positionals after the first are script text too)
_SCRIPT_OPTIONS: "dict[str, tuple[frozenset[str], bool]]" = {
    "sqlite3": (frozenset({"-cmd", "--cmd"}), True),
    "duckdb": (frozenset({"-c", "-cmd", "-s"}), True),
    "psql": (frozenset({"-c", "--command"}), False),
    "mysql": (frozenset({"-e", "--execute"}), False),
    "mariadb": (frozenset({"-e", "--execute"}), False),
    "gdb": (frozenset({"-ex", "--ex", "-eval-command", "--eval-command", "-iex", "--init-eval-command"}), False),
    "lftp": (frozenset({"-c", "-e"}), False),
    "emacs": (frozenset({"--eval", "-eval", "--execute"}), False),
    "bpftrace": (frozenset({"-e"}), False),
    "dc": (frozenset({"-e", "--expression"}), False),
    "gnuplot": (frozenset({"-e"}), False),
    "octave": (frozenset({"--eval"}), False), "octave-cli": (frozenset({"--eval"}), False),
    "maxima": (frozenset({"--batch-string", "-r", "--run-string"}), False),
    "emacsclient": (frozenset({"-e", "--eval"}), False),
    "lldb": (frozenset({"-o", "--one-line", "-O", "--one-line-before-file", "-k", "--one-line-on-crash"}), False),
    "smbclient": (frozenset({"-c", "--command"}), False),
    "m4": (frozenset({"-D", "--define"}), False),
    **{m: (frozenset({"-E", "--exec"}), False) for m in ("mail", "mailx", "Mail", "s-nail", "bsd-mailx", "nail")},
}
# programs that read such a script on stdin
STDIN_SCRIPTED = frozenset({"sqlite3", "duckdb", "psql", "mysql", "mariadb", "gdb", "lldb", "lftp", "ftp", "sftp",
                            "smbclient", "m4", "dc", "gnuplot", "octave", "octave-cli",
                            "maxima", "ed",
                            "red", "mail", "mailx", "Mail", "s-nail", "bsd-mailx", "nail"})
_TEX = frozenset({"tex", "latex", "pdftex", "pdflatex", "xelatex", "xetex", "lualatex", "luatex", "etex", "context"})
_TEX_SHELL_ESCAPE = frozenset({"--shell-escape", "-shell-escape", "--enable-write18", "-enable-write18"})
PROGRAMS = frozenset(_SCRIPT_OPTIONS) | STDIN_SCRIPTED | _TEX


def escapes_in(prog: str, script: str) -> list[str]:
    """Shell command lines a script in `prog`'s command language runs."""
    out: list[str] = []
    if prog in ("sqlite3", "duckdb"):
        out += [m.group(1) for m in _DOT_SHELL.finditer(script)]
        # `.once |sh`: the query's output is piped into CMD — a program's output run by a shell
        out += [f"{prog} | {m.group(1)}" for m in _DOT_PIPE.finditer(script)]
    elif prog == "psql":
        out += [m.group(1) or f"psql | {m.group(2)}" for m in _PSQL.finditer(script)]
    elif prog in ("mysql", "mariadb"):
        out += [m.group(1) for m in _MYSQL.finditer(script)]
    elif prog == "gdb":
        out += [m.group(1) for m in _GDB.finditer(script)]
        out += [m.group(1) for m in _GDB_CALL.finditer(script)]
        out += ["python3 -c " + _q(m.group(1)) for m in _GDB_PY.finditer(script)]
    elif prog == "lldb":
        out += [m.group(1) for m in _LLDB_SHELL.finditer(script)]
        out += [m.group(1) for m in _LLDB_CALL.finditer(script)]
        out += [("lua -e " if m.group(1) == "lua" else "python3 -c ") + _q(m.group(2))
                for m in _LLDB_SCRIPT.finditer(script)]
        out += ["python3 " + _q(m.group(1)) for m in _LLDB_IMPORT.finditer(script)]
    elif prog == "m4":
        out += [re.sub(r"^[\[`](.*)[\]']$", r"\1", m.group(1).strip(), flags=re.S) for m in _M4_SYSCMD.finditer(script)]
    elif prog in ("lftp", "ftp", "sftp", "ed", "red", "smbclient"):
        out += [m.group(1) for m in _BANG.finditer(script)]
    elif prog in ("gnuplot", "octave", "octave-cli", "maxima"):
        out += [m.group(1) if m.group(1) is not None else m.group(2) for m in _CALL_SYSTEM.finditer(script)]
        if prog == "gnuplot":
            out += [m.group(1) for m in _LINE_BANG.finditer(script)]
    elif prog == "dc":
        out += [m.group(1) for m in _DC_BANG.finditer(script)]  # `!` runs the rest of the line
    elif prog in _TEX:
        out += [m.group(1) for m in _TEX_WRITE18.finditer(script)]
    elif prog in ("emacs", "emacsclient"):
        out += [code_unescape(m.group(1)) for m in _ELISP.finditer(script)]
        for m in _ELISP_PROC.finditer(script):
            words = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
            out.append(" ".join([m.group(1)] + [_q(w) for w in words]))
    elif prog == "bpftrace":
        out += [m.group(1) for m in _BPF_SYSTEM.finditer(script)]
    elif prog in ("mail", "mailx", "Mail", "s-nail", "bsd-mailx", "nail"):
        out += [m.group(1) for m in _MAIL.finditer(script)]
    return [c.strip() for c in out if c and c.strip()][:MAX_ESCAPES]


_DOT_OUTPUT = lazyre.compile(r"(?m)^\s*\.(?:output|once)\s+(?:'([^'|\n][^'\n]*)'|\"([^\"|\n][^\"\n]*)\"|([^\s'\"|][^\s;]*))")
_PSQL_OUT = lazyre.compile(r"(?m)\\[og]\s+(?:'([^'|\n][^'\n]*)'|([^\s'|][^\s;]*))")


def script_writes(prog: str, script: str) -> list[str]:
    """Files a script sends its output to: sqlite3/duckdb `.output F` / `.once F`, psql `\\o F`."""
    if prog in ("sqlite3", "duckdb"):
        rx = _DOT_OUTPUT
    elif prog == "psql":
        rx = _PSQL_OUT
    else:
        return []
    return [next(g for g in m.groups() if g) for m in rx.finditer(script)][:MAX_ESCAPES]


def _script_texts(prog: str, args: "list[str] | tuple[str, ...]") -> list[str]:
    if prog in _TEX:
        # `pdflatex --shell-escape '\immediate\write18{CMD}…'`: TeX code given on the line
        return [a for a in args if a.startswith("\\")] if any(a in _TEX_SHELL_ESCAPE for a in args) else []
    spec = _SCRIPT_OPTIONS.get(prog)
    if spec is None:
        return []
    names, positional_script = spec
    texts: list[str] = []
    skip = False
    positionals: list[str] = []
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a in names and i + 1 < len(args):
            texts.append(args[i + 1])
            skip = True
        elif "=" in a and a.split("=", 1)[0] in names:
            texts.append(a.split("=", 1)[1])
        elif not a.startswith("-"):
            positionals.append(a)
    if positional_script:
        texts += positionals[1:]  # sqlite3 DB 'SQL or .command' …
    return texts


def option_escapes(prog: str, args: "list[str] | tuple[str, ...]") -> list[str]:
    """Shell command lines `prog args` runs through its own script options or positional script."""
    out: list[str] = []
    for t in _script_texts(prog, args):
        out += escapes_in(prog, t)
    return out[:MAX_ESCAPES]


def option_writes(prog: str, args: "list[str] | tuple[str, ...]") -> list[str]:
    """Files `prog args` writes its output to through its own script options (`.output F`)."""
    out: list[str] = []
    for t in _script_texts(prog, args):
        out += script_writes(prog, t)
    return out[:MAX_ESCAPES]

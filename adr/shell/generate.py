"""What a pipeline stage prints when that text becomes commands.

`ls | sed 's/^/rm -rf /' | sh`, `awk '{print "rm " $1}' list | bash`, `python3 -c 'print("…")' | sh`:
the shell at the end runs what the stage before it made. Two answers per stage:

- **output**: the exact text, when the stage's input is known (`echo ~ | sed 's/^/rm -rf /'` prints
  `rm -rf ~`) or it needs none (`awk 'BEGIN{print "…"}'`, a print of string literals);
- **template**: the text with each unknown input line written as `INPUT`; the caller replaces it
  with a command substitution of where the input comes from (`rm -rf $(ls)`), which the rules already
  judge as an operand known only at run time.

Only sed's `s` commands, perl -p/-n substitutions and prints, awk print statements and
interpreters' prints of literals are read; anything else leaves both answers unknown (None).
"""
from __future__ import annotations

import re

from adr import lazyre
from adr.shell import sed as sedlib

INPUT = "\x01"  # one unknown input line, inside a template
MAX_LINES = 64  # input lines a transform is applied to
MAX_TEXT = 8192  # characters of output kept


def _bounded(text: str) -> str:
    return text[:MAX_TEXT]


def input_lines(data: str) -> list[str]:
    """The first MAX_LINES lines of `data` (a last newline ends a line, it does not start one)."""
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines[:MAX_LINES]


# ---- sed / perl -p ----------------------------------------------------------------------------
def _run_subs(subs: "list[tuple[sedlib.Sub, object]]", lines: list[str], quiet: bool, perl: bool,
              template: bool) -> str:
    out = []
    for line in lines:
        printed = []
        for sub, rx in subs:
            new, hit = sedlib.apply_sub(sub, rx, line, perl)  # type: ignore[arg-type]
            if not hit and template:
                # the unknown line may well be what the pattern expects: what it would become
                new, hit = sedlib.fill(sub, line, perl), True
            line = new
            if hit and "p" in sub.flags:
                printed.append(line)
        out.extend(printed)
        if not quiet:
            out.append(line)
    return _bounded("\n".join(out) + ("\n" if out else ""))


def sed_text(args: "list[str] | tuple[str, ...]", data: str | None) -> tuple[str | None, str | None]:
    """(output, template) of `sed ARGS` with `data` on stdin (None: unknown)."""
    sa = sedlib.parse_args(args)
    if sa.inplace or sa.script_file or not sa.scripts:
        return None, None
    script = sedlib.parse_script("\n".join(sa.scripts))
    if not script.appliable:
        return None, None
    subs = []
    for s in script.subs:
        rx = sedlib.compile_sub(s, sa.ere)
        if rx is None:
            return None, None
        subs.append((s, rx))
    if data is not None and not sa.files:
        return _run_subs(subs, input_lines(data), sa.quiet, False, False), None
    return None, _run_subs(subs, [INPUT], sa.quiet, False, True)


_PERL_SUB = lazyre.compile(r"\s*s([^\w\s\\])((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1([gimsxe]*)\s*;?")
_PERL_PRINT = lazyre.compile(r"""\s*print\s*\(?\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|\$_|\$\d|\s*[.,]\s*)+)\)?\s*;?""")


def perl_text(args: "list[str] | tuple[str, ...]", code: str, data: str | None) -> tuple[str | None, str | None]:
    """(output, template) of `perl -p -e CODE` (substitutions) or `perl -n -e CODE` (prints)."""
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    if "i" in flags:
        return None, None  # in place: prints nothing
    looping = "p" in flags or "n" in flags
    if not looping:
        return None, None
    subs: list[tuple[sedlib.Sub, object]] = []
    prints: list[str] = []
    pos = 0
    code = code[:sedlib.MAX_SCRIPT]
    while pos < len(code.rstrip()):
        m = _PERL_SUB.match(code, pos)
        if m:
            if "e" in m.group(4):
                return None, None
            s = sedlib.Sub(m.group(2), m.group(3), m.group(4).replace("x", ""))
            rx = sedlib.compile_sub(s, True, perl=True)
            if rx is None:
                return None, None
            subs.append((s, rx))
            pos = m.end()
            continue
        m = _PERL_PRINT.match(code, pos)
        if m and "n" in flags:
            prints.append(m.group(1))
            pos = m.end()
            continue
        return None, None
    lines = input_lines(data) if data is not None else [INPUT]
    if prints:
        out = []
        for line in lines:
            for sub, rx in subs:
                line = sedlib.apply_sub(sub, rx, line, True)[0]
            for p in prints:
                out.append(_perl_print(p, line))
        text = _bounded("".join(out))
    else:
        text = _run_subs(subs, lines, "n" in flags, True, data is None)
    return (text, None) if data is not None else (None, text)


def _perl_print(expr: str, line: str) -> str:
    out = []
    for tok in re.finditer(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|(\$_|\$\d)', expr):
        if tok.group(1) is not None:
            s = tok.group(1).replace("$_", line)
            out.append(re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s))
        elif tok.group(2) is not None:
            out.append(tok.group(2))
        else:
            out.append(line)
    return "".join(out)


# ---- awk ----------------------------------------------------------------------------------------
_AWK_PRINT = lazyre.compile(r"""\b(printf?)\b\s*\(?((?:"(?:[^"\\]|\\.)*"|[^;}\n>|"])*)\)?""")
_AWK_TOKEN = lazyre.compile(r'"((?:[^"\\]|\\.)*)"|\$(\d+|NF)|(,)|([A-Za-z_]\w*)')


def awk_text(program: str, field_sep: str | None, data: str | None) -> tuple[str | None, str | None]:
    """(output, template) of the print statements of an awk program (conditions are not read:
    every print counts for every line, which can only add text to judge)."""
    begin, main = [], []
    for m in _AWK_PRINT.finditer(program[:sedlib.MAX_SCRIPT]):
        if program[m.end():].lstrip()[:1] in (">", "|"):
            continue  # print … > file / | cmd: not stdout (adr.shell.effects reads those)
        in_begin = re.search(r"BEGIN\s*\{[^}]*$", program[:m.start()]) is not None
        (begin if in_begin else main).append((m.group(1), m.group(2)))
    if not begin and not main:
        return None, None
    out = [_awk_print(kind, expr, "", field_sep) for kind, expr in begin]
    lines = input_lines(data) if data is not None else [INPUT]
    if main:
        for line in lines:
            out.extend(_awk_print(kind, expr, line, field_sep) for kind, expr in main)
    text = _bounded("".join(out))
    if data is None and main and any(INPUT in o for o in out):
        return None, text
    return text, None


def _awk_print(kind: str, expr: str, line: str, field_sep: str | None, unknown: str = "") -> str:
    fields = line.split(field_sep) if field_sep else line.split()
    if line == INPUT:
        fields = [INPUT] * 9

    def field(k: str) -> str:
        if k == "0":
            return line
        if k == "NF":
            return fields[-1] if fields else ""
        n = int(k)
        return fields[n - 1] if 0 < n <= len(fields) else ""

    parts: list[str] = []
    toks = list(_AWK_TOKEN.finditer(expr))
    if not expr.strip():
        parts.append(line)
    for t in toks:
        if t.group(1) is not None:
            parts.append(re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), t.group(1)))
        elif t.group(2) is not None:
            parts.append(field(t.group(2)))
        elif t.group(3):
            parts.append(" ")
        elif unknown:
            parts.append(unknown)  # an awk variable or call in what runs: not known here
        # (in what it prints, an awk variable is left out)
    text = "".join(parts)
    if kind == "printf" and parts:
        fmt, vals = parts[0], [p for p in parts[1:] if p != " "]
        text = re.sub(r"%[-0-9.]*[sdiuf]", lambda _m: vals.pop(0) if vals else "", fmt)
        return text
    return text + "\n"


# ---- interpreters printing literals -------------------------------------------------------------
_PRINTS = {
    "python": lazyre.compile(r"""\bprint\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')\s*\)"""),
    "node": lazyre.compile(r"""\bconsole\.log\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')\s*\)"""),
    "ruby": lazyre.compile(r"""\bputs\s*\(?\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""),
    "php": lazyre.compile(r"""\becho\s+(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""),
    "perl": lazyre.compile(r"""\bprint\s*\(?\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""),
}


# every way of printing, literal or not: output is known only when each of them prints a literal
_ANY_PRINT = {
    "python": lazyre.compile(r"\bprint\s*\(|\.write\s*\("),
    "node": lazyre.compile(r"\bconsole\.(?:log|info)\s*\(|\.write\s*\("),
    "ruby": lazyre.compile(r"\b(?:puts|print|p|printf|write)\b"),
    "php": lazyre.compile(r"\b(?:echo|print|printf|fwrite)\b"),
    "perl": lazyre.compile(r"\b(?:print|say|printf|syswrite)\b"),
}


def printed_literals(lang: str, code: str) -> str | None:
    """The string literals a one-liner prints, one per line; None unless every print in it prints a
    literal (`print(x)` makes the output unknown, not empty)."""
    rx = _PRINTS.get(lang)
    if rx is None:
        return None
    code = code[:MAX_TEXT]
    if len(rx.findall(code)) != len(_ANY_PRINT[lang].findall(code)):
        return None
    out = []
    for m in rx.finditer(code[:MAX_TEXT]):
        s = m.group(1) if m.group(1) is not None else m.group(2)
        s = re.sub(r"\\(.)", lambda mm: {"n": "\n", "t": "\t"}.get(mm.group(1), mm.group(1)), s)
        out.append(s if lang in ("perl", "php") else s + "\n")
        if len(out) >= MAX_LINES:
            break
    return _bounded("".join(out)) if out else None


def fill_input(template: str, source: str) -> str:
    """A template with its unknown input written as `$(SOURCE)` (a command substitution the shell
    layer reads as an operand known only at run time)."""
    src = re.sub(r"[()`$]", "", source)[:200].strip() or "cat"
    return template.replace(INPUT, "$(" + src + ")")


_FIND_DIRECTIVE = lazyre.compile(r"%[-+ #0-9.]*([ACT].|[a-zA-Z%])")
_FIND_EXPR_START = lazyre.compile(r"[-(!)]|\\[(!)]")


def find_printf(args: "list[str] | tuple[str, ...]") -> str | None:
    """What `find ROOT … -printf FORMAT` prints, as one line with each path directive standing for
    the root (`%p`, `%h`: the root or a path under it) or a name in it (`%f`, `%P`): `find ~
    -maxdepth 0 -printf 'rm -rf %p\\n' | sh` is `rm -rf ~`."""
    fmt = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-printf"), None)
    if fmt is None:
        return None
    roots = []
    for a in args:
        if _FIND_EXPR_START.match(a):
            break
        roots.append(a)
    root = roots[0] if roots else "."

    def directive(m: "re.Match[str]") -> str:
        k = m.group(1)
        return {"p": root, "h": root, "H": root, "f": "x", "P": "x", "%": "%"}.get(k, "0")

    text = _FIND_DIRECTIVE.sub(directive, fmt[:MAX_TEXT])
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": ""}.get(m.group(1), m.group(1)), text)


_AWK_SYSTEM = lazyre.compile(r"""\bsystem\s*\(((?:"(?:[^"\\]|\\.)*"|[^()"]|\([^()]*\))*)\)""")
_AWK_PRINT_TO_SHELL = lazyre.compile(
    r"""\b(printf?)\b\s*\(?((?:"(?:[^"\\]|\\.)*"|[^;}\n>|"])*)\)?\s*\|\s*"\s*(?:/bin/|/usr/bin/)?(?:ba|z|da|k)?sh\s*\"""")


# the other commands awk runs: `"CMD" | getline`, `print … | "CMD"`
_AWK_PIPE_COMMAND = lazyre.compile(r'"((?:[^"\\]|\\.)+)"\s*\|\s*getline\b|\bprintf?\b[^;}\n|]*\|\s*"((?:[^"\\]|\\.)+)"')
# an awk variable in a command awk runs (`print l | "sh"`, `system("rm -rf " d)`): a value computed
# at run time, spelled as a command substitution the shell layer cannot know
_AWK_UNKNOWN = "$(awk-value)"
_AWK_SHELL = lazyre.compile(r"\s*(?:/bin/|/usr/bin/)?(?:ba|z|da|k)?sh\s*")


def awk_fed_commands(program: str) -> list[str]:
    """The commands `print … | "CMD"` feeds what awk prints (not a shell: awk_commands runs those lines):
    `awk '{print | "nc h 80"}' KEY` sends KEY's lines to nc."""
    prog = program[:sedlib.MAX_SCRIPT]
    return [m.group(2) for m in _AWK_PIPE_COMMAND.finditer(prog)
            if m.group(2) and not _AWK_SHELL.fullmatch(m.group(2))][:8]


def awk_commands(program: str, field_sep: str | None, data: str | None) -> tuple[str | None, str | None]:
    """(commands, template) that an awk program runs: `system(EXPR)` and `print EXPR | "sh"`, with
    EXPR read like a print's (string literals, fields, concatenation); and the literal commands of
    `"CMD" | getline` and `print … | "CMD"` (CMD itself runs, whatever it is fed)."""
    prog = program[:sedlib.MAX_SCRIPT]
    if "=" in prog and ("|" in prog or "system" in prog):
        from adr.shell.fold import fold  # (`c="sh"; print "rm -rf ~" | c`: the variable spelled as its literal)
        prog = fold("awk", prog)
    exprs = [("print", m.group(1)) for m in _AWK_SYSTEM.finditer(prog)]
    exprs += [(m.group(1), m.group(2)) for m in _AWK_PRINT_TO_SHELL.finditer(prog)]
    readers = [m.group(1) for m in _AWK_PIPE_COMMAND.finditer(prog) if m.group(1)]
    exprs += [("print", '"' + (m.group(1) or m.group(2)) + '"') for m in _AWK_PIPE_COMMAND.finditer(prog)
              if not _AWK_SHELL.fullmatch(m.group(2) or "x")]
    if not exprs:
        return None, None
    lines = input_lines(data) if data is not None else [INPUT]
    pieces = [_awk_print(kind, expr, line, field_sep, _AWK_UNKNOWN) for line in lines for kind, expr in exprs]
    text = "".join(pieces)
    if readers and any(p.lstrip().startswith(_AWK_UNKNOWN) for p in pieces):
        # `while (("curl …" | getline l) > 0) print l | "sh"`: what runs is, perhaps, what CMD printed
        text += "".join(f"{r} | sh\n" for r in readers[:8])
    text = _bounded(text)
    return (text, None) if data is not None else (None, text)

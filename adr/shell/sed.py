"""sed, read as far as a judge needs: its options, its `s` commands, and what it prints.

One reader of sed's arguments for everything the shell layer asks of it: the files `sed -i` edits
(adr.shell.effects), the files its `w` commands write, the commands its `e` command and `s///e` flag
run, and the text it prints, so that `ls | sed 's/^/rm -rf /' | sh` is judged as the commands the
shell receives (adr.shell.generate). The subset applied to text is the `s` command with its flags;
a script using anything else is not applied (its output stays unknown), so nothing here guesses.
Regexes run on RE2: linear time, whatever pattern the line spells.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import re2

MAX_SCRIPT = 4096  # characters of sed script read
MAX_COMMANDS = 32


@dataclass(frozen=True)
class SedArgs:
    scripts: tuple[str, ...]
    files: tuple[str, ...]
    inplace: bool = False
    script_file: bool = False
    quiet: bool = False  # -n: only what p / the p flag prints
    ere: bool = False  # -E / -r


@dataclass(frozen=True)
class Sub:
    pattern: str
    replacement: str
    flags: str
    write: str = ""  # s///w FILE


@dataclass(frozen=True)
class SedScript:
    subs: tuple[Sub, ...]
    runs: tuple[str, ...]  # `e COMMAND`
    writes: tuple[str, ...]  # `w FILE` (and s///w FILE)
    appliable: bool  # only `s` commands (and p/e flags): the text it prints can be computed
    executes_pattern: bool  # s///e, or `e` alone: the line itself is run as a command
    complete: bool = True  # every command was read (False: past MAX_SCRIPT / MAX_COMMANDS, the rest unknown)


def parse_args(args: "list[str] | tuple[str, ...]") -> SedArgs:
    inplace = script_file = quiet = ere = False
    scripts: list[str] = []
    files: list[str] = []
    i, dd = 0, False
    while i < len(args):
        a = args[i]
        if dd or a == "-" or not a.startswith("-"):
            files.append(a)
        elif a == "--":
            dd = True
        elif a.startswith("--in-place") or (not a.startswith("--") and re.fullmatch(r"-[nrEsuz]*i.*", a)):
            inplace = True
            quiet = quiet or "n" in a.split("i", 1)[0]
            ere = ere or any(c in a.split("i", 1)[0] for c in "rE")
            if a.endswith("i") and i + 3 < len(args) and args[i + 1] == "":
                i += 1  # BSD/macOS `sed -i '' SCRIPT FILE`: the empty backup suffix is its own word
        elif a in ("-e", "--expression") and i + 1 < len(args):
            scripts.append(args[i + 1])
            i += 1
        elif a.startswith("--expression="):
            scripts.append(a.split("=", 1)[1])
        elif a in ("-f", "--file") and i + 1 < len(args):
            script_file = True
            i += 1
        elif a.startswith("--file="):
            script_file = True
        elif a in ("-l", "--line-length") and i + 1 < len(args):
            i += 1
        elif a in ("--quiet", "--silent"):
            quiet = True
        elif a == "--regexp-extended":
            ere = True
        elif not a.startswith("--"):
            flags, _, attached = a[1:].partition("e")
            quiet = quiet or "n" in flags
            ere = ere or "r" in flags or "E" in flags
            if "e" in a[1:]:
                if attached:
                    scripts.append(attached)
                elif i + 1 < len(args):
                    scripts.append(args[i + 1])
                    i += 1
            elif "f" in flags:
                script_file = True
                i += 1
        i += 1
    if not scripts and not script_file and files:
        scripts.append(files.pop(0))
    return SedArgs(tuple(scripts), tuple(files), inplace, script_file, quiet, ere)


_ADDRESS = re.compile(r"\s*(?:\d+(?:~\d+)?|\$|/(?:\\.|[^/\\\n])*/I?|\\(.)(?:\\.|(?!\1).)*\1)?"
                      r"(?:\s*,\s*(?:[+~]?\d+|\$|/(?:\\.|[^/\\\n])*/I?))?\s*!?\s*")


def _delimited(text: str, i: int, delim: str) -> tuple[str, int] | None:
    """Text up to the next unescaped `delim` from i → (text with \\delim unescaped, index after it)."""
    out = []
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(nxt if nxt == delim and delim not in "&\\" else "\\" + nxt)
            i += 2
            continue
        if c == delim:
            return "".join(out), i + 1
        out.append(c)
        i += 1
    return None


def _rest_of_line(text: str, i: int) -> tuple[str, int]:
    j = text.find("\n", i)
    j = len(text) if j < 0 else j
    return text[i:j].strip(), j


@functools.lru_cache(maxsize=512)
def parse_script(script: str) -> SedScript:
    """The script's commands (remembered: the shell layer reads a sed's script for its effects, its
    template and its output, and lines repeat)."""
    text = script[:MAX_SCRIPT]
    subs: list[Sub] = []
    runs: list[str] = []
    writes: list[str] = []
    appliable = True
    executes = False
    i, n = 0, 0
    while i < len(text) and n < MAX_COMMANDS:
        n += 1
        m = _ADDRESS.match(text, i)
        if m and m.group(0).strip():
            appliable = False  # an addressed command applies to some lines only
        i = m.end() if m else i
        if i >= len(text):
            break
        c = text[i]
        if c in ";\n{}" or c.isspace():
            i += 1
            continue
        if c == "#":
            _, i = _rest_of_line(text, i)
            continue
        if c in "sy" and i + 1 < len(text):
            delim = text[i + 1]
            pat = _delimited(text, i + 2, delim)
            rep = _delimited(text, pat[1], delim) if pat else None
            if pat is None or rep is None:
                appliable = False
                break
            j = rep[1]
            fl = re.match(r"[gpiIeMm0-9]*", text[j:])
            flags = fl.group(0) if fl else ""
            j += len(flags)
            target = ""
            if j < len(text) and text[j] == "w":
                target, j = _rest_of_line(text, j + 1)
                writes.append(target)
            if c == "y":
                appliable = False
            else:
                subs.append(Sub(pat[0], rep[0], flags, target))
                executes = executes or "e" in flags
            i = j
            continue
        if c in "ewWrR":
            arg, i = _rest_of_line(text, i + 1)
            if c == "e":
                if arg:
                    runs.append(arg)
                else:
                    executes = True
            elif c in "wW" and arg:
                writes.append(arg)
            appliable = False
            continue
        if c in "aic":
            # a TEXT / a\ TEXT: printed text, not applied here — with its continuation lines (each
            # line of the text but the last ends in a backslash)
            line, i = _rest_of_line(text, i + 1)
            while line.endswith("\\") and i < len(text):
                line, i = _rest_of_line(text, i + 1)
            appliable = False
            continue
        if c == "p":
            i += 1
            continue
        appliable = False  # d, n, N, h, G, b, t, q …
        i += 1
    # stopped by a bound with commands left: what they run or write is not known (an `e` past the 32nd)
    complete = len(script) <= MAX_SCRIPT and (n < MAX_COMMANDS or not text[i:].strip(" \t\n;{}"))
    return SedScript(tuple(subs), tuple(runs), tuple(writes), appliable and bool(subs), executes, complete)


_POSIX_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
                  "space": r"\s", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
                  "print": r" -~", "graph": r"!-~", "cntrl": r"\x00-\x1f"}


def to_python_regex(pattern: str, ere: bool) -> str | None:
    """A sed BRE/ERE → the equivalent RE2 syntax (groups, intervals, bracket expressions); None for
    back-references, which RE2 does not have."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if not ere and nxt in "(){}+?|":
                out.append(nxt)
            elif nxt.isdigit():
                return None
            elif nxt == "n":
                out.append("\\n")
            elif nxt == "t":
                out.append("\\t")
            elif nxt in "wWsSbB":
                out.append("\\" + nxt)
            elif nxt in "<>`'":
                out.append("\\b")
            else:
                out.append(re.escape(nxt))
            i += 2
            continue
        if c == "[":
            j = i + 1
            neg = ""
            if j < len(pattern) and pattern[j] == "^":
                neg, j = "^", j + 1
            body = []
            if j < len(pattern) and pattern[j] == "]":
                body.append("\\]")  # a leading ] is a member
                j += 1
            while j < len(pattern) and pattern[j] != "]":
                if pattern.startswith("[:", j):
                    end = pattern.find(":]", j + 2)
                    if end > 0 and pattern[j + 2:end] in _POSIX_CLASSES:
                        body.append(_POSIX_CLASSES[pattern[j + 2:end]])
                        j = end + 2
                        continue
                ch = pattern[j]
                body.append("\\" + ch if ch in "\\[" else ch)
                j += 1
            out.append("[" + neg + "".join(body) + "]")
            i = j + 1
            continue
        if not ere and c in "(){}+?|":
            out.append("\\" + c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _expand(replacement: str, m: "re2._Match", perl: bool) -> str:
    out: list[str] = []
    i = 0
    r = replacement
    while i < len(r):
        c = r[i]
        if c == "\\" and i + 1 < len(r):
            nxt = r[i + 1]
            if nxt.isdigit():
                out.append(m.group(int(nxt)) or "" if int(nxt) <= len(m.groups()) else "")
            elif nxt == "n":
                out.append("\n")
            elif nxt == "t":
                out.append("\t")
            else:
                out.append(nxt)
            i += 2
            continue
        if c == "&" and not perl:
            out.append(m.group(0))
        elif perl and c == "$" and i + 1 < len(r) and (r[i + 1].isdigit() or r[i + 1] in "&{"):
            g = re.match(r"\$(?:\{(\d+)\}|(\d)|&)", r[i:])
            if g:
                k = int(g.group(1) or g.group(2) or 0)
                out.append((m.group(k) or "") if k <= len(m.groups()) else "")
                i += len(g.group(0))
                continue
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def compile_sub(sub: Sub, ere: bool, perl: bool = False) -> "re2._Regexp | None":
    src = sub.pattern if perl else to_python_regex(sub.pattern, ere)
    if src is None:
        return None
    if "i" in sub.flags or "I" in sub.flags:
        src = "(?i)" + src
    return _compiled(src)


@functools.lru_cache(maxsize=256)
def _compiled(src: str) -> "re2._Regexp | None":
    """One RE2 program per pattern (a decision on the hot path compiles a sed pattern once, not per use).
    The agent's own pattern gets a fixed budget (no ladder); one RE2 cannot take (back-references)
    only means "not applied"."""
    from adr.engine import regexmem  # the shell layer must not load the engine package at import

    try:
        return re2.compile(src, options=regexmem.options(regexmem.REGEX_MEM))
    except Exception:  # noqa: BLE001 — re2 raises its own error type for syntax it lacks
        return None


def apply_sub(sub: Sub, rx: "re2._Regexp", line: str, perl: bool = False) -> tuple[str, bool]:
    """One `s` command on one line → (new line, whether it matched)."""
    nth = int(re.sub(r"\D", "", sub.flags) or "1")
    glob = "g" in sub.flags
    out: list[str] = []
    pos = 0
    count = 0
    hit = False
    for m in rx.finditer(line):
        count += 1
        if count < nth:
            continue
        out.append(line[pos:m.start()])
        out.append(_expand(sub.replacement, m, perl))
        pos = m.end()
        hit = True
        if not glob:
            break
    if not hit:
        return line, False
    out.append(line[pos:])
    return "".join(out), True


def fill(sub: Sub, line: str, perl: bool = False) -> str:
    """The replacement with every reference to the match standing for `line` (a template: the input
    is unknown, so what matched is the line itself)."""
    r = sub.replacement
    if perl:
        r = re.sub(r"\$(?:\{\d+\}|\d|&)", lambda _m: line.replace("\\", "\\\\"), r)
    else:
        r = re.sub(r"(?<!\\)&|\\[0-9]", lambda _m: line.replace("\\", "\\\\"), r)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), r)

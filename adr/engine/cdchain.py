"""The working folder each write of a `cd A && … && cd B && …` line lands in — pure.

Without this, a relative target is judged against every folder the line enters (targets.py): the
safe answer when the order is not known, but `cd /tmp/a && git init r && cd r && echo x > .gitignore`
then also writes /tmp/a/.gitignore. Here a line made only of simple statements joined by `&&` is
followed in order: after `cd DIR &&` the next statement runs in DIR or not at all. Each statement is
parsed on its own and its writes are placed in its folder — only when the statements
together name exactly the line's own targets (a variable set in one and used in another, `F=x && cd
~ && echo > $F`, is no literal of its statement: the whole line keeps the union).

Anything else keeps the union: `;`, `||`, `|`, `&`, groups, substitutions, heredocs, comments, `!`,
a cd whose folder is not literal (`cd "$D"`, `cd -`, a glob), CDPATH, and any statement that can move
the shell some other way (pushd, popd, eval, source, exec, builtin, command, time, trap …).
"""
from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable

from adr import lazyre
from adr.engine.pathnorm import has_glob, normalize

MAX_STATEMENTS = 16
_NOT_SIMPLE = lazyre.compile(r"[;|()<{}`\n#!]|\$\(|(?<![&>])&(?!&)|&&&|CDPATH")
_NOT_SIMPLE_SEMI = lazyre.compile(r"[|()<{}`\n#!]|;;|\$\(|(?<![&>])&(?!&)|&&&|CDPATH")  # (`;` as a joint)
# statements that move the shell (or run code that may) other than a plain cd
_MOVERS = frozenset({"pushd", "popd", "eval", "source", ".", "exec", "builtin", "command", "time", "trap", "alias",
                     "shopt", "enable", "coproc", "function", "select", "if", "while", "until", "for", "case",
                     "then", "do", "done", "fi", "esac", "{", "}", "[[", "declare", "typeset", "local", "set"})
_ASSIGN = lazyre.compile(r"^[A-Za-z_]\w*=")
_CD = frozenset({"cd", "pushd", "popd"})


def _statements(text: str, semis: bool = False) -> "list[str] | None":
    """The statements of `A && B && …` (`semis`: `A; B` too), quotes kept, or None when the line is
    anything else."""
    if (_NOT_SIMPLE_SEMI if semis else _NOT_SIMPLE).search(text):
        return None
    toks = _tokens(text)
    if not toks or len(toks) % 2 == 0:
        return None
    out, joints = toks[0::2], toks[1::2]
    if any(t in _JOINTS for t in out) or any(j != "&&" and not (semis and j == ";") for j in joints):
        return None
    return out if 1 < len(out) <= MAX_STATEMENTS else None


def _words(stmt: str) -> "list[str] | None":
    """A statement's words past its leading assignments (`X=1 cd D`: the program is cd); None when the
    quotes do not close."""
    try:
        words = shlex.split(stmt)
    except ValueError:
        return None
    while words and _ASSIGN.match(words[0]):
        words = words[1:]
    return words


def _cd_target(words: "list[str]") -> "str | None":
    """The literal folder of `cd [-L|-e|-@] DIR` ("~" for a bare cd); None when not literal."""
    args = words[1:]
    while args and args[0] in ("-L", "-e", "-@"):
        args = args[1:]  # (-P follows links before a later `..`: not the spelled folder)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return "~"
    if len(args) != 1 or args[0] == "-" or "$" in args[0] or has_glob(args[0]) or args[0].startswith("-"):
        return None
    if args[0].startswith("~") and args[0] != "~" and not args[0].startswith("~/"):
        return None  # `~-` is OLDPWD, `~+` PWD, `~user` another home
    return args[0]


def _walk(text: str, cwd: str, home: str, parse: Callable,
          semis: bool = False) -> "list[tuple[str | None, object]] | None":
    """Each statement of a plain `&&` chain (`semis`: or `;`, read as if each cd succeeds) with the
    one folder it runs in (None: not known) and its parse; None when the line is not such a chain."""
    stmts = _statements(text, semis)
    if stmts is None:
        return None
    where: "str | None" = cwd
    out: "list[tuple[str | None, object]]" = []
    for s in stmts:
        words = _words(s)
        if words is None:
            return None
        prog = words[0] if words else ""
        parsed = parse(s)
        if prog != "cd" and any(c.program in _CD for c in parsed.commands):
            where = None  # `bash -c 'cd ~ && …'`, `sudo sh -c "cd …"`: it moves inside
        out.append((where, parsed))
        if prog == "cd":
            target = _cd_target(words)
            where = None if target is None or where is None else normalize(target, where, home)
        elif prog in _MOVERS or (prog.startswith("-") and prog != "-"):
            where = None
    return out


# a line of statements joined by `&&`, `||`, `;` or newlines, in `( … )` subshells and `{ …; }` groups
_NOT_GROUPED = lazyre.compile(r"[<`#!]|\$\(|;;|(?<![|])\|(?![|])|\|\|\||(?<![&>])&(?!&)|&&&|CDPATH")
_GUARD = frozenset({"exit", "return"})


def _tokens(text: str) -> "list[str] | None":
    """Statements and the joints and brackets between them (`&&`, `||`, `;`, `(`, `)`, `{`, `}`), quotes
    kept; None when the line has anything else (pipes, substitutions, redirects in, heredocs …)."""
    if _NOT_GROUPED.search(text):
        return None
    out: list[str] = []
    cur: list[str] = []
    quote, k = "", 0

    def flush() -> None:
        word = "".join(cur).strip()
        cur.clear()
        if word:
            out.append(word)

    while k < len(text):
        ch = text[k]
        if quote:
            if ch == "\\" and quote == '"' and k + 1 < len(text):
                cur.append(text[k:k + 2])
                k += 2
                continue
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            cur.append(text[k:k + 2])
            k += 2
            continue
        elif text.startswith(("&&", "||"), k):
            flush()
            out.append(text[k:k + 2])
            k += 2
            continue
        elif ch in ";\n":
            flush()
            out.append(";")
            k += 1
            continue
        elif ch in "()" or ch in "{}" and not "".join(cur).strip() and (
                ch == "}" or k + 1 < len(text) and text[k + 1] in " \t\n"):
            if ch == "(" and "".join(cur).strip():
                return None  # `f()`, `a=(x)`: no plain statement
            flush()
            out.append(ch)
            k += 1
            continue
        cur.append(ch)
        k += 1
    if quote:
        return None
    flush()
    return out if sum(t not in _JOINTS for t in out) <= MAX_STATEMENTS * 2 else None


_JOINTS = frozenset({"&&", "||", ";", "(", ")", "{", "}"})


def _guard_end(toks: "list[str]", i: int) -> int:
    """After `cd DIR ||`, the index past a guard that ends the shell when cd fails — `exit`, `return N`,
    `{ echo no; exit 1; }` — else -1: what follows runs in DIR or not at all."""
    def ends(stmt: str) -> bool:
        return stmt.split()[0] in _GUARD if stmt.split() else False
    if i < len(toks) and toks[i] not in _JOINTS:
        return i + 1 if ends(toks[i]) else -1
    if i < len(toks) and toks[i] in ("{", "("):
        close = "}" if toks[i] == "{" else ")"
        j, last = i + 1, ""
        while j < len(toks) and toks[j] != close:
            if toks[j] in ("{", "(", ")", "}"):
                return -1
            if toks[j] not in _JOINTS:
                last = toks[j]
            j += 1
        return j + 1 if j < len(toks) and last and ends(last) else -1
    return -1


def _walk_grouped(text: str, cwd: str, home: str,
                  parse: Callable) -> "list[tuple[tuple[str, ...] | None, object]] | None":
    """As _walk with `;`, also through `||`, `( … )` (a cd inside ends with it) and `{ …; }`, each
    statement with the folders it may run in (None: computed): after `cd DIR || exit` what follows runs
    in DIR, after `cd DIR || true` in DIR or where it was, after `cd A || cd B` in A or B."""
    toks = _tokens(text)
    if toks is None or sum(t not in _JOINTS for t in toks) < 2:
        return None
    where: "tuple[str, ...] | None" = (cwd,)
    saved: "list[tuple[str, ...] | None]" = []
    out: "list[tuple[tuple[str, ...] | None, object]]" = []
    before: "tuple[str, ...] | None" = None  # where the last statement started, when it was a cd
    joint = ";"
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in ("&&", "||", ";"):
            joint = t
            if t == "||" and before is not None:
                end = _guard_end(toks, i + 1)
                if end >= 0:  # `cd DIR || exit`: the rest runs in DIR
                    i, joint, before = end, ";", None
                    continue
            i += 1
            continue
        if t in ("(", ")", "{", "}"):
            if t == "(":
                saved.append(where)
            elif t == ")":
                if not saved:
                    return None
                where = saved.pop()
            before = None
            i += 1
            continue
        words = _words(t)
        if words is None:
            return None
        prog = words[0] if words else ""
        parsed = parse(t)
        # after `X || `: runs where X left the shell when X failed (a cd that failed: where it started)
        failed_cd = joint == "||" and before is not None
        run_in = before if failed_cd else where
        skipped = where  # … and when X succeeded, this statement does not run
        if prog != "cd" and any(c.program in _CD for c in parsed.commands):
            run_in = None
        out.append((run_in, parsed))
        after = run_in
        if prog == "cd":
            target = _cd_target(words)
            after = None if target is None or run_in is None else tuple(dict.fromkeys(
                normalize(target, w, home) for w in run_in))
        elif prog in _MOVERS or (prog.startswith("-") and prog != "-"):
            after = None
        if joint == "||":  # it ran or it did not: either folder
            where = None if after is None or skipped is None else tuple(dict.fromkeys(skipped + after))[:4]
        else:
            where = after
        before = run_in if prog == "cd" and run_in is not None else None
        i += 1
    return out if not saved else None


def placed_targets(text: str, writes: "set[str]", deletes: "set[str]", cwd: str, home: str,
                   parse: Callable) -> "dict[str, str]":
    """Per relative write target of the line (its path as parsed), that path in the one folder its
    statement runs in; {} when the line is not a plain `&&` chain or its statements disagree with it
    (their writes and deletes together must be the line's)."""
    walked = _walk(text, cwd, home, parse)
    if walked is None:
        return {}
    placed: dict[str, set[str | None]] = {}
    seen_w: set[str] = set()
    seen_d: set[str] = set()
    for where, parsed in walked:
        for p in [w.path for w in parsed.writes]:  # type: ignore[attr-defined]
            seen_w.add(p)
            placed.setdefault(p, set()).add(where)
        seen_d.update(d.path for d in parsed.deletes)  # type: ignore[attr-defined]
    if seen_w != writes or seen_d != deletes:
        return {}  # (something of one statement reaches another: the line's own reading stands)
    out: dict[str, str] = {}
    for p, folders in placed.items():
        if len(folders) == 1 and None not in folders and not p.startswith(("/", "~", "$", "'", '"')):
            only = next(iter(folders))
            rel = p
            while rel.startswith("./"):
                rel = rel[2:].lstrip("/")
            if only is not None:
                out[p] = posixpath.join(only, rel) if rel not in ("", ".") else only
    return out


def move_folders(text: str, moves: "set[tuple[str, str]]", cwd: str, home: str,
                 parse: Callable) -> "dict[tuple[str, str], tuple[str, ...]]":
    """Per move (source, destination as parsed) of a chain of statements (`&&`, `;`, `||`, subshells,
    groups), the folders its statement may run in — where a relative source and destination both
    resolve (`cd ~; mv project/.git .Trash/`, `(cd ~ && mv project /tmp/)`, `cd ~ || exit; mv …`) — or
    ("?",) after a cd to a computed folder (`cd "$D"`, pushd); {} when the line is no such chain or its
    statements disagree with it."""
    plain = _walk(text, cwd, home, parse, semis=True)
    walked = [((w,) if w is not None else None, p) for w, p in plain] if plain is not None else \
        _walk_grouped(text, cwd, home, parse)
    if walked is None:
        return {}
    folders: dict[tuple[str, str], set[str]] = {}
    for where, parsed in walked:
        for d in parsed.deletes:  # type: ignore[attr-defined]
            if d.to:
                folders.setdefault((d.path, d.to), set()).update(where or ("?",))
    if set(folders) != moves:
        return {}
    return {m: ("?",) if "?" in f else tuple(sorted(f)) for m, f in folders.items()}

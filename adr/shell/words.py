"""Literal-level decoding: backslash escapes, ANSI-C strings, echo/printf escapes."""
from __future__ import annotations

import re

_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)", re.S)


def _ansi_sub(m: "re.Match[str]") -> str:
    e = m.group(1)
    head = e[0]
    try:
        if head == "x":
            return chr(int(e[1:], 16))
        if head in "uU":
            return chr(int(e[1:], 16))
        if head.isdigit():
            return chr(int(e, 8) & 0xFF)
    except (ValueError, OverflowError):
        return e
    if head == "c" and len(e) == 2:
        return chr(ord(e[1]) & 0x1F)
    return _SIMPLE_ESCAPES.get(e, "\\" + e)


def decode_ansi_c(body: str) -> str:
    """Body of $'…' → the string bash passes on (\\x63 → c, \\n → newline, …)."""
    return _ANSI_RE.sub(_ansi_sub, body)


def unescape_word(text: str) -> str:
    """An unquoted word: a backslash quotes the next character; backslash-newline vanishes."""
    if "\\" not in text:
        return text
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt != "\n":
                out.append(nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def unescape_double_quoted(text: str) -> str:
    """Inside "…" a backslash only escapes $ ` " \\ and newline."""
    if "\\" not in text:
        return text
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def echo_output(args: list[str]) -> str:
    """What `echo [-n] [-e] ARGS` prints (bash builtin semantics, -e honoured). Without -e or -E,
    backslash escapes are printed as written by bash but interpreted by zsh (macOS's login shell),
    dash and any shell with xpg_echo: both readings are returned, one after the other, so what either
    would write is seen (`echo '[core]\n\tpager = …' >> ~/.gitconfig` writes a config in zsh)."""
    newline, escapes, literal = True, False, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        flags = args.pop(0)
        newline = newline and "n" not in flags
        escapes = "e" in flags or escapes and "E" not in flags
        literal = literal or "E" in flags
    text = " ".join(args)
    end = "\n" if newline else ""
    if escapes:
        return decode_ansi_c(text) + end
    if not literal and "\\" in text:
        other = decode_ansi_c(text).split("\\c", 1)[0]  # (`\c`: nothing more is printed)
        if other != text:
            return text + (end or "\n") + other + end
    return text + end


def printf_output(args: list[str]) -> str | None:
    """What `printf FORMAT ARGS` prints, for the simple formats obfuscation uses (%s, %b, %c)."""
    if args[:1] == ["--"]:
        args = args[1:]  # `printf -- '-X DELETE'`: the end of printf's options, then the format
    if not args:
        return None
    fmt, rest = args[0], list(args[1:])
    out = []
    i = 0
    while True:
        j = 0
        piece = []
        text = fmt
        k = 0
        while k < len(text):
            ch = text[k]
            if ch == "%" and k + 1 < len(text):
                spec = text[k + 1]
                if spec == "%":
                    piece.append("%")
                elif spec in "sbcd":
                    val = rest[i + j] if i + j < len(rest) else ""
                    j += 1
                    if spec == "b":
                        val = decode_ansi_c(val)
                    elif spec == "c":
                        val = val[:1]
                    piece.append(val)
                else:
                    return None
                k += 2
                continue
            piece.append(ch)
            k += 1
        out.append(decode_ansi_c("".join(piece)))
        i += j
        if j == 0 or i >= len(rest):
            break
        if len(out) > 1000:
            return None
    return "".join(out)


def positionals(args: "list[str] | tuple[str, ...]", valued: "frozenset[str] | set[str]" = frozenset(),
                short_valued: str = "") -> list[str]:
    """The arguments that are not options, skipping the values of `valued` options — and of a short
    option cluster ending in one of the letters `short_valued` (`-m MSG`, `-dm MSG`; `-mMSG` holds its
    value); after `--` everything is positional."""
    out: list[str] = []
    dd = skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--" and not dd:
            dd = True
            continue
        if not dd and a.startswith("-") and len(a) > 1:
            skip = a in valued or (bool(short_valued) and not a.startswith("--") and a[-1] in short_valued
                                   and all(c not in short_valued for c in a[1:-1]))
            continue
        out.append(a)
    return out



_PWD_PREFIX = re.compile(r"^(?:\$PWD|\$\{PWD\}|\$\(\s*pwd\s*\)|`\s*pwd\s*`)(?=/|$)")


def pwd_relative(part: str) -> str:
    """A PATH entry spelled from the working directory (`$PWD/bin`, `$(pwd)/bin`) as the relative
    folder it is (`./bin`): the shell's working directory when the line runs is known."""
    return _PWD_PREFIX.sub(".", part, count=1) if part.startswith(("$", "`")) else part


# a backslash that starts no escape Python's string literals know (`\&`, `\d`): kept as written, as
# Python keeps it — doubled first, so decoding neither warns (an invalid escape is deprecated) nor fails.
# (Pairs are read left to right: `\\&` is an escaped backslash, then `&`.)
_BACKSLASH_PAIR = re.compile(r"\\(.)", re.S)
_KNOWN_ESCAPES = frozenset("\\'\"abfnrtv01234567xNuU\n")


def code_unescape(text: str) -> str:
    """A code string literal's backslash escapes decoded as Python / JS / Ruby / PHP read the common ones
    (`\\n`, `\\x41`, `\\u0041`, octal); unknown ones keep their backslash; undecodable input is left as is."""
    if "\\" not in text:
        return text
    kept = _BACKSLASH_PAIR.sub(lambda m: m.group(0) if m.group(1) in _KNOWN_ESCAPES else "\\\\" + m.group(1), text)
    try:
        return kept.encode("utf-8", "backslashreplace").decode("unicode_escape", "ignore")
    except (UnicodeError, ValueError):
        return text

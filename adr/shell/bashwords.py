"""The shell as bash splits it, where tree-sitter-bash does not.

`respell` rewrites a line, before tree-sitter-bash parses it, where the two tokenize differently (a `#`
glued inside a word, an escaped blank before a blank, `!`/`time` before a compound command, a
redirect to a bare `$` …): same words and statements as bash reads them. `statements` splits a line
as bash splits words — quotes, escapes, operators, comments only at a word's start — and spells each
statement back as a plain line, for a second reading of lines tree-sitter misread (adr/shell/parse.py
judges each). Both were found against bash itself: adr/shell/bashdiff.py, `make fuzz`.

Pure: text in, text out.
"""
from __future__ import annotations

import itertools
import shlex

from adr import lazyre

# Where tree-sitter-bash splits words or statements otherwise than bash, the source it is handed is
# respelled (same length, same words and statements as bash reads them):
# a `#` bash reads inside a word but tree-sitter-bash as a comment's start — after an escaped blank
# (`\ # x; rm -rf ~` runs the rm: the first word is " #"), after a brace expansion (`{a,b}# x; …`), or
# after a carriage return, form feed or vertical tab (blanks to tree-sitter, word characters to bash)
_HASH_AFTER_ESCAPED_BLANK = lazyre.compile(r"\\[ \t](?=#)")
# an escaped blank before an unescaped one (`x=\  rm -rf ~`, `2>\  rm …`): a word of its own to bash,
# while tree-sitter-bash joins the next word to it (the rm became the assignment's or the target's)
_ESCAPED_BLANK_WORD_END = lazyre.compile(r"\\[ \t](?=[ \t])")
# an escaped blank right after `{` (`2>x{\  rm -rf ~`): bash keeps it in the word, tree-sitter-bash ends
# the word at the brace (the next word became the program); respelled without the backslash
# (only an escaped blank — `{\n` is a newline in a printf format, left as written)
_ESCAPE_AFTER_BRACE = lazyre.compile(r"\{\\([_ \t])")
# an escape right after a quote closing part of a redirect's or here-string's target (`<<<"#"\_ rm -rf ~`):
# one word to bash, two to tree-sitter-bash, whose second became the program; respelled without the backslash
_ESCAPE_AFTER_TARGET_QUOTE = lazyre.compile(r"((?:<<<|[<>]\|?|>>)[ \t]*(?:[^\s\"'\\<>|;&()]*(?:\"[^\"\\\n]*\"|'[^'\n]*'))+)"
                                            r"\\(?=[A-Za-z0-9_ \t])")
_HASH_AFTER_BRACES = lazyre.compile(r"((?:^|[^$])\{[^{}\s$]*\})#")
_HASH_AFTER_CONTROL = lazyre.compile(r"\r(?=#)")
# a reserved word glued to a `#` (`do#…`): one plain word to bash, a keyword and a comment to tree-sitter
_HASH_AFTER_KEYWORD = lazyre.compile(r"(?:^|(?<=[\s;&|(]))(do|done|then|else|elif|fi|if|esac|case|while|until|for|in|"
                                     r"select|function|time|coproc)#")
# a vertical tab or form feed is a word character to bash, a blank to tree-sitter-bash (the look-alike
# pass reads them as blanks: both readings are judged)
_VT_FF = str.maketrans({"\v": "_", "\f": "_"})
# `[[` glued to more at a statement's start is a plain word to bash (`[[*2>(rm -rf ~)` runs the process
# substitution), the test keyword's start to tree-sitter-bash
_GLUED_TEST_KEYWORD = lazyre.compile(r"(^|[;&|(\n][ \t]*)\[\[(?=[^\s\[])")
# `!` and `time` before a compound command (`! { rm -rf ~; }`, `time ( … )`, `! if …; fi`): tree-sitter-bash
# reads the braces or keywords as words of a command named `!`; blanked (the status they negate or time
# decides nothing about what runs, except `&&`/`||` after them: judged as if it ran, the stricter way)
_PREFIXED_COMPOUND = lazyre.compile(
    r"((?:^|[;&|({\n]|\b(?:then|do|else|elif|if|while|until)\b)[ \t]*)"
    r"((?:(?:!|time(?:[ \t]+-p)?)[ \t]+)+)(?=[{(]|(?:if|for|case|while|until|select)\b)")
# a redirect's target that is only `$`, an escaped blank or a carriage return (a file of that name to
# bash), at the end of a line: tree-sitter-bash takes the next line's first word as the target (`echo
# >$⏎rm -rf ~` hid the rm)
_BARE_DOLLAR_TARGET = lazyre.compile(r"((?:>>|<<<|&>>?|[<>]\|?)[ \t]*)\$(?=[ \t])")
_BARE_REDIRECT_TARGET = lazyre.compile(r"([<>]\|?[ \t]*)(\$|\\[ \t]|\r+)(?=[ \t]*\n)")


# `$$` (the shell's pid) before `{`: bash reads `$$` then a literal `{` (`>x$${y:- || rm -rf ~` redirects
# to "x<pid>{y:-" and runs the rm), tree-sitter-bash a `$` and a `${…}` expansion that swallowed the rm
_PID_BRACE = lazyre.compile(r"(?<![$\\])((?:\$\$)+)\{")


def respell(text: str) -> str:
    """The line respelled where tree-sitter-bash would tokenize it otherwise than bash."""
    if "\v" in text or "\f" in text:
        text = text.translate(_VT_FF)
    if "\\ " in text or "\\\t" in text:
        text = _ESCAPED_BLANK_WORD_END.sub(lambda m: "\\_", text)
        # an escaped tab is a word character to bash, a word's end to tree-sitter-bash (`a=b\<TAB>x rm -rf ~`
        # made x the program): the escaped blank it reads (after an escaped backslash, a blank all the same)
        text = text.replace("\\\t", "\\ ")
    if ("<" in text or ">" in text) and ('"\\' in text or "'\\" in text):
        text = _ESCAPE_AFTER_TARGET_QUOTE.sub(lambda m: m.group(1) + "_", text)
    if "{\\" in text:
        text = _ESCAPE_AFTER_BRACE.sub(lambda m: "{_" + ("_" if m.group(1) in " \t" else m.group(1)), text)
    if "#" in text:
        text = _HASH_AFTER_KEYWORD.sub(lambda m: m.group(1) + "_", text)
        if "\\" in text:
            text = _HASH_AFTER_ESCAPED_BLANK.sub(lambda m: "\\_", text)
        if "}" in text:
            text = _HASH_AFTER_BRACES.sub(lambda m: m.group(1) + "_", text)
        if "\r" in text:
            text = _HASH_AFTER_CONTROL.sub("_", text)
    if "$${" in text:
        text = _PID_BRACE.sub(lambda m: m.group(1) + "_", text)
    if "[[" in text:
        text = _GLUED_TEST_KEYWORD.sub(lambda m: m.group(1) + "_[", text)
    if "!" in text or "time" in text:
        text = _PREFIXED_COMPOUND.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    if "$" in text and ("<" in text or ">" in text):
        # a redirect to a bare `$` before a blank (`2>$ rm -rf ~`: a file named "$" to bash; tree-sitter-bash
        # took the next word into the target and the rm's name with it)
        text = _BARE_DOLLAR_TARGET.sub(lambda m: m.group(1) + "_", text)
    if "\n" in text and ("<" in text or ">" in text) and ("$" in text or "\\" in text or "\r" in text):
        text = _BARE_REDIRECT_TARGET.sub(lambda m: m.group(1) + ("\\_" if m.group(2)[0] == "\\" else
                                                                "_" * len(m.group(2))), text)
    return text



_STATEMENT_OPS = frozenset({";", "&&", "||", "&", ";;", "(", ")", ";&", ";;&"})
_REDIRECT_OP = lazyre.compile(r"^\d*(?:<<<|<<-?|<>|>>|>\||&>>?|[<>]&?)$")
_ASSIGNMENT = lazyre.compile(r"^[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=")
_RESERVED_LEADERS = frozenset({"!", "{", "}", "time", "if", "then", "else", "elif", "do", "while", "until", "fi",
                               "done", "esac", "coproc"})
_BARE_VARIABLE = lazyre.compile(r"^\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})$")
# names the text gives a value (`x=…`, `for x in`, `read x`): not unset
_ASSIGNED = lazyre.compile(r"(?:^|[\s;&|(`])(?:(?:export|local|declare|typeset|readonly)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)\+?="
                           r"|\b(?:for|read|select)\s+(?:-\w+\s+)*([A-Za-z_]\w*)")
# variables a user's environment sets (a program the user chose): not read as unset
ENVIRONMENT_PROGRAMS = frozenset({"EDITOR", "VISUAL", "PAGER", "MANPAGER", "SHELL", "BROWSER", "TERMINAL", "CC", "CXX",
                                   "CPP", "LD", "AR", "FC", "MAKE", "PYTHON", "PYTHON3", "PERL", "RUBY", "NODE", "JAVA",
                                   "GIT", "SUDO", "DIFF", "DIFFTOOL", "GIT_EDITOR", "SVN_EDITOR", "KUBECTL", "DOCKER",
                                   "HOME", "PWD", "OLDPWD", "BASH", "ZSH_NAME", "SSH_ASKPASS", "SUDO_ASKPASS"})


def program_variable(word: str) -> str:
    """The name of the variable a word is, alone and bare (`$x`, `${x}`), when no user's environment sets it
    for a program ("" otherwise, and for `$EDITOR`, `$CC` …): unset, it expands to no word at all."""
    m = _BARE_VARIABLE.match(word)
    name = (m.group(1) or m.group(2)) if m is not None else ""
    return name if name not in ENVIRONMENT_PROGRAMS else ""


def _unset_variable(word: str, assigned: "frozenset[str]") -> bool:
    """`$x` (unquoted, bare) where nothing on the line or in a user's environment gives x a value: it
    expands to no word, so the next word is the program (`$x rm -rf ~` runs rm)."""
    name = program_variable(word)
    return bool(name) and name not in assigned
_PLAIN_WORD = lazyre.compile(r"[\w@%+=:,./~-]+")  # spelled back as it is (`~` keeps its meaning)
_SUBSTITUTION = lazyre.compile(r"\$\(\([^()]*\)\)|\$\([^()`]*\)|`[^`]*`|[<>]\([^()]*\)")


# bash's operators, longest first (shlex hands a run of operator characters over as one token: `&<<<`)
_OPERATORS = (";;&", "&>>", "<<<", "<<-", "&&", "||", ";;", ";&", "|&", "<<", ">>", ">|", "<>", ">&", "<&", "&>",
              ";", "&", "|", "(", ")", "<", ">")


def _operators(token: str) -> "list[str]":
    """A token split into bash's operators when it is a run of operator characters; else itself."""
    if not token or any(c not in ";&|()<>" for c in token):
        return [token]
    out = []
    while token:
        op = next(o for o in _OPERATORS if token.startswith(o))
        out.append(op)
        token = token[len(op):]
    return out


def _without_comment(line: str) -> str:
    """The line up to a comment as bash reads one: an unquoted, unescaped `#` that starts a word."""
    quote = ""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if quote == "'":
            quote = "" if c == "'" else quote
        elif c == "\\":
            i += 1  # (in double quotes too: the next character is taken as it is)
        elif quote == '"':
            quote = "" if c == '"' else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t;&|()<>"):
            return line[:i]
        i += 1
    return line


def statements(text: str) -> "list[str]":
    """The statements of a text as bash splits its words — a quote-aware split on blanks and
    operators, a comment only where a word starts — each pipeline stage without its leading
    assignments and redirects, spelled back as a plain line. [] when it does not split (an open quote)."""
    text = text.replace("\\\n", "")  # a line continuation joins the lines
    assigned = frozenset(m.group(1) or m.group(2) for m in _ASSIGNED.finditer(text)) if "$" in text else frozenset()
    for _ in range(4):  # a substitution is part of its word (its commands are the walk's to judge)
        text, n = _SUBSTITUTION.subn("\x01", text)
        if not n:
            break
    statements: list[list[list[str]]] = []
    for line in text.split("\n"):
        line = _without_comment(line)
        if (len(line) - len(line.rstrip("\\"))) % 2:
            line = line[:-1]  # a backslash that ends the text escapes nothing: bash keeps it as a character
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lex.whitespace = " \t"  # (a carriage return is a word character to bash)
        lex.whitespace_split = True
        lex.commenters = ""
        try:
            tokens = [op for t in itertools.islice(lex, 512) for op in _operators(t)]
        except ValueError:
            return []
        stages: list[list[str]] = [[]]
        prev = ""
        inside = 0  # depth in an extglob's pattern list (`!(b*)`, `@(a|b*)`): patterns, not commands
        for t in tokens + [";"]:
            if inside:
                inside += (t == "(") - (t == ")")
            elif t == "(" and prev[-1:] in ("!", "@", "+", "*", "?") and len(stages[-1]) > 1:
                # judged as `*`, what it may match at most: `rm -rf !(src)` is `rm -rf *` but one name
                inside = 1
                stages[-1][-1] = stages[-1][-1][:-1] + "*"
            elif t in ("|", "|&"):
                stages.append([])
            elif t in _STATEMENT_OPS:
                if any(stages):
                    statements.append(stages)
                stages = [[]]
            else:
                stages[-1].append(t)
            prev = t
        if any(stages):
            statements.append(stages)
    out = []
    for stages in statements:
        spelled = []
        for words in stages:
            # what runs: the words after leading reserved words, assignments and words of substitutions
            # only (read as empty); then its redirects, their targets quoted (after the words: a line
            # that starts with redirects is what tree-sitter-bash misreads)
            parts: list[str] = []
            redirects: list[str] = []
            command = False
            k = 0
            while k < len(words):
                w_ = words[k]
                if w_.isdigit() and k + 1 < len(words) and _REDIRECT_OP.match(words[k + 1]):
                    redirects.append(w_ + words[k + 1] + (" " + _spell(words[k + 2]) if k + 2 < len(words) else ""))
                    k += 3
                elif _REDIRECT_OP.match(w_):
                    redirects.append(w_ + (" " + _spell(words[k + 1]) if k + 1 < len(words) else ""))
                    k += 2
                elif not command and (w_.strip("\x01") == "" or w_ in _RESERVED_LEADERS or _ASSIGNMENT.match(w_)
                                      or w_ == "-p" and k and words[k - 1] == "time" or _unset_variable(w_, assigned)):
                    # (`! { …`, `time -p …`, `X=1 cmd`, `$(true) cmd`, `$x cmd`: what follows is the command —
                    # an unset variable is no word at all; quoted, it would be an empty name: read the stricter way)
                    k += 1
                else:
                    # (a glob pattern as the program, `r[m]`, `[s]h`, is kept: the walk expands it to the
                    # program it names, as bash does in a folder holding one)
                    command = True
                    parts.append(_spell(w_.replace("\x01", "_")))
                    k += 1
            if command:
                spelled.append(" ".join(parts + redirects))
        if spelled:
            out.append(" | ".join(spelled))
    return out


def _spell(word: str) -> str:
    return word if _PLAIN_WORD.fullmatch(word) else shlex.quote(word)

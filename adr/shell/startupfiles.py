"""What a tool's startup file makes the tool run every time it starts, as the command line that does the same.

A shell's rc file is shell text, judged as the line it is when written (adr.engine.core, `executes
later`). An editor's or debugger's startup file is the tool's own language — a vimrc's `autocmd VimEnter
* silent !curl … | sh`, an nvim `init.lua`'s `vim.fn.jobstart({'sh', '-c', …})`, an `~/.emacs`'s
`(shell-command …)`, a `~/.gdbinit`'s `shell …`, a `.Rprofile`'s `system(…)` — and runs unasked, at
the next start, as the user. Spelled as the one-liner that runs the same text (`vim -es -c LINE`,
`emacs --batch --eval`, `gdb -batch -ex LINE`, `Rscript -e CODE` …), it is judged by the readers the
shell layer already has for those one-liners, as strictly as an rc file's content.
"""
from __future__ import annotations

import posixpath
import re
import shlex

MAX_LINES = 64  # Ex/debugger lines of one file spelled on the line (the reader bounds what it reads too)
MAX_CODE = 64 * 1024  # characters of a code file (lua, elisp, R …) handed to its one-liner

# (relative to the home) → the tool's reader: "ex" lines for vim, "lua" for nvim's lua, or a
# one-liner prefix the whole file goes into
_VIM_FILES = re.compile(r"^(?:\.vimrc|\.gvimrc|\.exrc|\.vim/(?:vimrc|gvimrc|(?:plugin|after|ftplugin|autoload)/.*\.vim)|"
                        r"\.config/nvim/(?:init\.vim|(?:plugin|after|ftplugin|autoload)/.*\.vim)|"
                        r"\.local/share/nvim/site/(?:plugin|after|ftplugin)/.*\.vim)$")
_NVIM_LUA = re.compile(r"^(?:\.config/nvim/(?:init\.lua|(?:lua|plugin|after|ftplugin)/.*\.lua)|"
                       r"\.local/share/nvim/site/(?:plugin|after|ftplugin)/.*\.lua)$")
_EMACS = re.compile(r"^(?:\.emacs|\.emacs\.el|\.emacs\.d/(?:init|early-init|site-start|default)\.el|"
                    r"\.emacs\.d/(?:lisp|site-lisp)/.*\.el|\.config/emacs/(?:init|early-init)\.el)$")
# line-per-command startup files: each line as an option of the tool's one-liner
_LINES = {
    ".gdbinit": "gdb -batch -ex", ".config/gdb/gdbinit": "gdb -batch -ex",
    ".lldbinit": "lldb -o",
    ".psqlrc": "psql -c",
    ".sqliterc": "sqlite3 :memory:",
    ".tmux.conf": "tmux", ".config/tmux/tmux.conf": "tmux",
}
# whole-file code startup files: the file as the interpreter's one-liner
_CODE = {
    ".irbrc": "ruby -e", ".pryrc": "ruby -e",
    ".Rprofile": "Rscript -e",
    ".octaverc": "octave --eval", ".config/octave/octaverc": "octave --eval",
    ".perldb": "perl -e",
}
# …and the ones these tools also read from the folder they start in (a project's)
_PROJECT = {".exrc": "ex", ".nvimrc": "ex", ".nvim.lua": "lua", ".irbrc": "ruby -e", ".pryrc": "ruby -e",
            ".Rprofile": "Rscript -e", ".octaverc": "octave --eval", ".perldb": "perl -e", ".gdbinit": "gdb -batch -ex",
            ".lldbinit": "lldb -o"}
# a line worth spelling: it can run something (the rest — options, mappings, colours — cannot)
_VIM_RUNS = re.compile(r"!|\bsystem|\bjobstart|\btermopen|\bter(?:m|mi|min|mina|minal)?\b|\bpy|\blua\b|\bperl|\bruby?\b|\bexe")


def _ex_lines(text: str) -> list[str]:
    """A vim script's Ex commands that can run something, continuation lines (`\\`) joined."""
    out: list[str] = []
    for raw in text[:MAX_CODE].splitlines():
        s = raw.strip()
        if s.startswith("\\") and out:
            out[-1] += " " + s[1:].lstrip()
            continue
        if not s or s.startswith('"'):
            continue
        out.append(s)
    return [line for line in out if _VIM_RUNS.search(line)][:MAX_LINES]


def _plain_lines(text: str) -> list[str]:
    return [s.strip() for s in text[:MAX_CODE].splitlines() if s.strip() and not s.lstrip().startswith("#")][:MAX_LINES]


def _ex(lines: "list[str]") -> str:
    return "vim -es -u NONE " + " ".join("-c " + shlex.quote(x) for x in lines) if lines else ""


def startup_lines(path: str, content: str, home: str) -> list[str]:
    """Command lines that run what `content`, written to `path`, makes its tool run when it starts."""
    if not content:
        return []
    home = home.rstrip("/")
    rel = path[2:] if path.startswith("~/") else path[len(home) + 1:] if home and path.startswith(home + "/") else ""
    base = posixpath.basename(path)
    kind = ""
    if rel and _VIM_FILES.match(rel):
        kind = "ex"
    elif rel and _NVIM_LUA.match(rel):
        kind = "lua"
    elif rel and _EMACS.match(rel):
        kind = "emacs"
    elif rel in _LINES:
        kind = _LINES[rel]
    elif rel in _CODE:
        kind = _CODE[rel]
    elif base in _PROJECT:
        kind = _PROJECT[base]
    if not kind:
        return []
    if kind == "ex":
        line = _ex(_ex_lines(content))
        return [line] if line else []
    if kind == "lua":  # nvim runs it as `:lua` code: vim.cmd, vim.fn.system/jobstart and lua's own
        code = content[:MAX_CODE]
        return [_ex(["lua " + code]), "lua -e " + shlex.quote(code)]
    if kind == "emacs":
        return ["emacs --batch --eval " + shlex.quote("(progn " + content[:MAX_CODE] + "\n)")]
    if kind in _LINES.values():
        lines = _plain_lines(content)
        if not lines:
            return []
        if kind == "tmux":  # each line a tmux command (the shell layer reads what tmux commands run)
            return ["tmux " + x for x in lines]
        if kind.startswith("sqlite3"):  # one argument of dot-commands and SQL, a line each
            return [kind + " " + shlex.quote("\n".join(lines))]
        flag = kind.rsplit(" ", 1)[1]  # -ex, -o, -c: once per line
        return [kind + " " + f" {flag} ".join(shlex.quote(x) for x in lines)]
    return [kind + " " + shlex.quote(content[:MAX_CODE])]

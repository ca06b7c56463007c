"""What the shell layer hands the engine: simple commands with resolved argv, file writes and
interpreter snippets found anywhere in a command line, plus what could not be resolved."""
from __future__ import annotations

from dataclasses import dataclass

from adr.shell.findscope import FindScope


@dataclass(frozen=True)
class Redirect:
    op: str  # ">", ">>", "<", "&>", ">|", "<<", "<<<"
    target: str  # resolved word ("" for heredocs / here-strings)
    fd: str = ""  # "2" in 2>/dev/null


@dataclass(frozen=True)
class SimpleCommand:
    """One program invocation with quoting, wrappers and paths stripped away."""

    argv: tuple[str, ...]  # argv[0] is the program's basename
    raw: str  # the source text it came from (within its own layer)
    sudo: bool = False
    sudo_user: str = ""
    wrappers: tuple[str, ...] = ()  # env, nohup, timeout, xargs, sudo …
    redirects: tuple[Redirect, ...] = ()
    upstream: tuple[str, ...] = ()  # programs feeding this one's input (pipeline, <(…), $(…) arguments)
    downstream: tuple[str, ...] = ()  # programs this one's stdout feeds
    via: str = ""  # how it was reached: "bash -c", "eval", "$(…)", "base64", "python -c", …
    depth: int = 0
    dynamic: bool = False  # the program name could not be resolved statically
    program_path: str = ""  # argv[0] as written when it had a directory part
    stdin_text: str | None = None  # literal text fed on stdin (heredoc, here-string, echo | …)
    # literal text known to be part of its stdin when the rest comes from output nobody can know here
    # (`(crontab -l; echo '@reboot …') | crontab -`): enough to see what it holds, never what it lacks
    stdin_seen: str | None = None
    env: tuple[str, ...] = ()  # NAME=value assignments prefixed to this command (LD_PRELOAD=…)
    runs_downloaded: str = ""  # a file downloaded earlier in the same command line that this runs
    piped: bool = False  # its stdin is another command's output (a pipeline stage after the first)

    @property
    def program(self) -> str:
        return self.argv[0] if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]

    @property
    def text(self) -> str:
        """The normalized command: what will run, one space between words."""
        return " ".join(self.argv)


@dataclass(frozen=True)
class FileWrite:
    """A file the command line writes. content is None when it cannot be known statically."""

    path: str
    content: str | None
    append: bool = False
    by: str = ""  # program (or redirect) that writes it
    via: str = ""
    kind: str = "write"  # write (whole file or append) | edit (changed in place: sed -i, ed, vim -c …)


@dataclass(frozen=True)
class FileDelete:
    """A file or directory the command line deletes (rm, find -delete, shutil.rmtree, …). The path
    may hold a literal `**` (`find . -name '*.db' -delete` → ./**/*.db): globs in rules match it."""

    path: str
    by: str = ""
    via: str = ""
    recursive: bool = False
    spares: tuple[str, ...] = ()  # what it provably leaves alone: "dirs", "fresh" (shell/effects.py Effect)
    scope: "FindScope | None" = None  # a find's exclusions below its start (shell/findscope.py)
    to: str = ""  # a move's destination (shell/effects.py _moves): a delete only when it leaves the project


@dataclass(frozen=True)
class Script:
    """Code handed to an interpreter: python -c, node -e, a heredoc into python, …"""

    language: str  # python | node | perl | ruby | php | shell
    code: str
    via: str = ""
    stdin_paths: tuple[str, ...] = ()  # files the line feeds the code on stdin (`< .env`, `cat KEY |`), as written


@dataclass(frozen=True)
class ShellIssue:
    kind: str  # dynamic-command | eval-dynamic | parse-error | too-large | too-deep | too-many-nodes | too-many-commands | decode-failed
    detail: str
    via: str = ""


@dataclass(frozen=True)
class ParsedShell:
    source: str
    commands: tuple[SimpleCommand, ...] = ()
    writes: tuple[FileWrite, ...] = ()
    scripts: tuple[Script, ...] = ()
    issues: tuple[ShellIssue, ...] = ()
    urls: tuple[str, ...] = ()  # literal URLs given to downloaders
    layers: tuple[str, ...] = ()  # the text of every nested layer that was followed
    deletes: tuple[FileDelete, ...] = ()
    # variables the line leaves set (NAME=value, export, declare -x) with literal values, for a
    # persistent shell's next line (the daemon's cross-call memory)
    assigned: tuple[tuple[str, str], ...] = ()
    # variables the line leaves set to a command's output, with the value as written (`K="$(cat
    # .env)"`): a persistent shell's next line that uses $K runs with that output
    computed: tuple[tuple[str, str], ...] = ()
    # the literal folders a PATH the line leaves set adds (`export PATH=/tmp/t:$PATH` → /tmp/t): a program
    # an agent wrote there runs for a bare name in the session's later lines
    path_dirs: tuple[str, ...] = ()

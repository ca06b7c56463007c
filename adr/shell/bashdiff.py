"""A differential check of the shell reader against bash itself.

Random token soup (quotes, escapes, braces, redirects, reserved words, control and invisible
characters) is put before and after a payload. bash runs each line with a harmless payload (`echo
MARK`) in an empty folder; the judge sees the same line with `rm -rf ~` in its place. A line where bash
ran the payload but the judge allowed it is a place where adr reads the shell otherwise than bash —
the class of gap an agent can hide a command in. Used by `make fuzz` (bench/shell_diff.py) and, on a
fixed seed, by the test suite.

The payload is its own word on both sides (blanks around it), so quoting that glues to it cannot make
bash's `~` literal where adr's is not.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Callable, Iterator

MARK = "ADR_DIFF_RAN"
_RUN = f" echo {MARK} "
_JUDGED = " rm -rf ~ "

_PIECES = (
    "\\ ", "\\\t", "#", "{a,b}", "{1..2}", '""', "''", "$''", '$""', "\\", "\n", "\\\n", ";", "&&", "||", "|", "&", " ",
    "\t", "x", "$x", "${x}", "$(true)", "`true`", "(", ")", "{", "}", "!", "=", "a=b", "<", ">", "2>", "<<<", "\r",
    "\ufeff", "\u200b", "\u00a0", "$", "[[", "]]", "case", "in", "esac", "if", "then", "fi", "do", "done", ":", "~",
    "*", "?", "[", "]", "-", "--", "\\#", '"#"', "'#'", "$#", "${#x}", "@", "%", "^", ",", ".", "/", '\\"', "\\'",
    '"', "'", "$'\\n'", "$'\\x3b'", "<(", ">(", "${x:-", "$((", "))", "<<E", ";&", "|&", "coproc ", "function ",
    "time ", "! ", "{ ", " }", "exec ", "command ", "\\\n", "\x0b", "\x0c", "\u2028", "\u3000", "\uff1b",
)
_BEFORE = (";", "\n", "||", "&&", "|", "&", " ; ", " || ", " ", "$(", "`", "(", "{ ")
_AFTER = (";", "\n", "|", ")", "`", " ", "", "; }")


@dataclass(frozen=True)
class Case:
    """One line: what bash runs (`ran`) and what the judge sees (`judged`)."""
    ran: str
    judged: str


def cases(seed: int, count: int) -> Iterator[Case]:
    """`count` lines from `seed` (the same lines for the same seed)."""
    rnd = random.Random(seed)
    for _ in range(count):
        pre = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 5)))
        post = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 3)))
        before, after = rnd.choice(_BEFORE), rnd.choice(_AFTER)
        yield Case(pre + before + _RUN + after + post, pre + before + _JUDGED + after + post)


def bash_runs_payload(line: str, cwd: str, timeout: float = 2.0) -> bool:
    """Does bash (-c, no rc files, an empty environment but PATH) run the payload of `line`? Each line
    runs in an empty folder of its own under `cwd` (files an earlier line's redirects made would
    otherwise be what a later line's globs match)."""
    here = tempfile.mkdtemp(dir=cwd)
    try:
        out = subprocess.run(["bash", "--norc", "--noprofile", "-c", line], cwd=here, capture_output=True, text=True,
                             errors="replace", timeout=timeout, stdin=subprocess.DEVNULL,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": here})
    except (subprocess.TimeoutExpired, OSError):
        return False  # (a line that hangs or cannot start tells nothing)
    finally:
        shutil.rmtree(here, ignore_errors=True)
    return MARK in out.stdout


def misses(judge: Callable[[str], str], seed: int, count: int, cwd: str) -> list[Case]:
    """The lines bash runs the payload of and `judge` (command → decision value) allows."""
    return [c for c in cases(seed, count) if bash_runs_payload(c.ran, cwd) and judge(c.judged) == "allow"]

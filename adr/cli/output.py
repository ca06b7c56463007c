"""What every `adr` command shares about its output: exit codes, JSON, the console.

Exit codes (README, "Exit codes") keep verdicts apart from errors, so a script can tell "adr said
no" from "adr could not say":

    0  allow / done               1  ask / the check found a problem (doctor, rules test, status …)
    2  deny                       3  error: adr could not do it (config, rules, daemon, service tool)
    4  usage: a bad option or argument

Colour: rich decides per stream — none when the stream is not a terminal, none when NO_COLOR is set
(no-color.org); click.echo strips styles when piped.
"""
from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

OK = ALLOW = 0
ASK = PROBLEM = 1
DENY = 2
ERROR = 3
USAGE = 4


def console(stderr: bool = False) -> Any:
    """adr's rich console: hidden characters in whatever it prints are shown (adr/display.py)."""
    from adr.display import console as safe_console

    return safe_console(stderr=stderr)


def echo(message: object = "", err: bool = False, nl: bool = True) -> None:
    """click.echo for text that may hold what an agent wrote (a path, a command, a session name): its
    escape sequences, CR, bidi and zero-width characters are shown, never sent to the terminal.
    JSON output stays as it is (json.dumps escapes control characters itself)."""
    from adr.display import visible

    click.echo(visible(str(message)), err=err, nl=nl)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def fail(message: str, code: int = ERROR) -> NoReturn:
    """`adr: message` on stderr, then exit (ERROR unless the caller says it is a finding)."""
    echo(f"adr: {message}", err=True)
    sys.exit(code)

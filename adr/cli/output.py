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
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def fail(message: str, code: int = ERROR) -> NoReturn:
    """`adr: message` on stderr, then exit (ERROR unless the caller says it is a finding)."""
    click.echo(f"adr: {message}", err=True)
    sys.exit(code)

"""Commands only the human may run: an agent cannot unhook, stop or remove adr (DESIGN.md, threat model 1)."""
from __future__ import annotations

import sys

import click

from adr.cli import output


def refuse_inside_agent(doing: str) -> None:
    """Exit with an explanation when this process runs inside an AI agent's process tree."""
    from adr.monitor.ancestry import inside_agent

    why = inside_agent()
    if why:
        output.fail(f"refused: this command runs inside an AI agent ({why}). {doing} must be done by you, "
                    "from a terminal that no agent controls.")


def confirm(question: str, yes: bool, how: str) -> None:
    """Ask once on the terminal; --yes skips it. Without a terminal and without --yes: refuse, naming `how`."""
    if yes:
        return
    if not sys.stdin.isatty():
        output.fail(f"{question.rstrip('?')}: needs your confirmation and stdin is not a terminal; run `{how}`.")
    if not click.confirm(question, default=False):
        output.fail("nothing changed.", output.PROBLEM)

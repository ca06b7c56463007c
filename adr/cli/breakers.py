"""`adr sessions reset ID`: end a session's lockdown (adr/policy/breakers.py). Only you can.

It joins the `adr sessions` group when that group exists (adr/cli/sessions.py), else it makes a
small one of its own; registered last in adr/cli/__init__.py for that reason.
"""
from __future__ import annotations

import click

from adr.cli import main
from adr.cli.output import fail
from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request


def _group() -> click.Group:
    got = main.commands.get("sessions")
    if isinstance(got, click.Group):
        return got

    @main.group("sessions")
    def sessions() -> None:
        """Agent sessions the daemon knows (`reset ID` ends a lockdown)."""

    return sessions


@_group().command("reset")
@click.argument("session")
def reset(session: str) -> None:
    """End SESSION's lockdown (and its breaker counts). Refused inside an agent."""
    from adr.cli.human import refuse_inside_agent

    refuse_inside_agent("breakers.reset", "reset")
    try:
        resp = request(P.Request(op="call", id=P.new_id(), target="breakers.reset", args={"session": session}),
                       timeout=30)
    except (DaemonUnavailable, P.ProtocolError) as e:
        fail(f"the daemon is not running ({e}); a lockdown lives in the daemon and ends with it.")
    if not resp.ok:
        fail(resp.error)
    s = resp.data.get("session") or {}
    click.echo(f"session {s.get('session', session)}: " + ("lockdown ended" if resp.data.get("reset")
                                                            else "was not in lockdown; its counts start afresh"))

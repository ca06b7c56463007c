"""`adr sessions clear ID` — the human's way out of a tainted session — added to the `sessions` group
of adr/cli/sessions.py (the session CLI's home) when it has no `clear` of its own; without that module
this one registers the minimum a tainted session needs: `adr sessions`, `show ID` (why it is tainted)
and `clear ID`.

`clear` is the human's: refused inside an agent's process tree here, and again by the daemon
(sessions.clear is a human-only call). With the daemon down, the taint store (adr/respond/taint.py)
is cleared directly, after the same check.
"""
from __future__ import annotations

import datetime
import json
import sys
from typing import Any

import click

from adr.cli import main, output
from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request
from adr.paths import get_paths


def _fail(msg: str, code: int = 1) -> None:
    output.echo(f"adr: {msg}", err=True)
    sys.exit(code)


def _call(target: str, args: dict[str, Any]) -> "dict[str, Any] | None":
    """The daemon's answer, None when it is not running; an error from it ends the command."""
    try:
        resp = request(P.Request(op="call", id=P.new_id(), target=target, args=args))
    except (DaemonUnavailable, P.ProtocolError):
        return None
    if not resp.ok:
        _fail(resp.error)
    return resp.data


def _when(ts: Any) -> str:
    try:
        return datetime.datetime.fromtimestamp(float(ts)).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError, OSError):
        return "?"


def _print_session(s: dict[str, Any]) -> None:
    output.echo(f"session {s.get('session')}  host {s.get('host')}  agent {s.get('agent') or '?'}")
    if s.get("project"):
        output.echo(f"  project  {s['project']}")
    counts = s.get("counts") or {}
    if counts:
        output.echo("  decided  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    flags = s.get("flags") or {}
    if not flags:
        output.echo("  flags    none")
    for name, f in flags.items():
        output.echo(f"  {name} since {_when(f.get('since'))}: {f.get('reason', '')}")
        for key in ("origin", "source", "tool", "rules", "evidence"):
            v = f.get(key)
            if v:
                output.echo(f"    {key}: {', '.join(v) if isinstance(v, list) else v}")
        if name == "tainted":
            output.echo(f"    until you clear it: adr sessions clear {s.get('session')}")


def _register() -> None:
    try:  # the sessions group's home first, whichever module the CLI imported first (adr/cli/__init__.py)
        import adr.cli.sessions  # noqa: F401
    except ImportError:
        pass
    group = main.commands.get("sessions")
    if isinstance(group, click.Group):
        if "clear" not in group.commands:
            group.add_command(clear, "clear")
        return

    @main.group("sessions", invoke_without_command=True)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def sessions(ctx: click.Context, as_json: bool) -> None:
        """Agent sessions the daemon knows, and their state (tainted …)."""
        if ctx.invoked_subcommand is not None:
            return
        data = _call("sessions.list", {})
        if data is None:
            _fail("the daemon is not running: it keeps the sessions (`adr daemon`)")
        items = data.get("sessions") or []
        if as_json:
            click.echo(json.dumps(items, indent=2))
            return
        for s in items:
            flags = ",".join(s.get("flags") or {}) or "-"
            output.echo(f"{s.get('session')}  {s.get('host')}  flags {flags}  {s.get('project') or ''}")

    @sessions.command("show")
    @click.argument("session")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def show(session: str, as_json: bool) -> None:
        """One session: its project, counts and flags — why it is tainted, since when, by what."""
        data = _call("sessions.show", {"session": session})
        if data is None:
            from adr.respond.taint import TaintStore

            got = [r for r in TaintStore(get_paths().state_dir).load().values() if r.get("session") == session]
            if not got:
                _fail(f"the daemon is not running and session {session!r} is not tainted")
            s = {"session": session, "host": got[0].get("host"),
                 "flags": {"tainted": {k: v for k, v in got[0].items() if k not in ("host", "session")}}}
        else:
            s = data["session"]
        if as_json:
            click.echo(json.dumps(s, indent=2))
        else:
            _print_session(s)

    sessions.add_command(clear, "clear")


@click.command("clear")
@click.argument("session")
@click.option("--flag", default="tainted", show_default=True, help="The flag to clear.")
def clear(session: str, flag: str) -> None:
    """Clear a session's flag (you only: refused inside an agent)."""
    from adr.cli.human import local_refusal, refuse_inside_agent

    refuse_inside_agent("sessions.clear", f"clear {flag} on session {session}")  # recorded, exits
    data = _call("sessions.clear", {"session": session, "flag": flag})
    if data is not None:
        output.echo(f"{'cleared' if data.get('cleared') else 'not set:'} {flag} on session {session}")
        return
    why = local_refusal()  # no daemon: the same walls, checked here
    if why:
        _fail(f"refused: {why}. Only you can clear a session's {flag}, from a terminal of your own.")
    from adr.respond.taint import TaintStore

    store = TaintStore(get_paths().state_dir)
    hosts = {r.get("host") for r in store.load().values() if r.get("session") == session}
    done = any(store.clear(str(h), session) for h in hosts)
    output.echo(f"{'cleared' if done else 'not set:'} {flag} on session {session} (the daemon is not running)")


_register()

"""`adr export status`: where OCSF events go, and how each sink is doing (queued, sent, spooled,
dropped, last error). Asks the running daemon; without one, shows what waits in the spools on disk."""
from __future__ import annotations

import sys
from typing import Any

import click

from adr.cli import main, output


def daemon_call(target: str) -> "dict[str, Any] | None":
    """A component call to the running daemon; None when no daemon answers."""
    from adr.daemon import protocol as P
    from adr.daemon.client import DaemonUnavailable, request

    try:
        resp = request(P.Request(op="call", id=P.new_id(), target=target))
    except (DaemonUnavailable, P.ProtocolError):
        return None
    if not resp.ok:
        raise click.ClickException(f"the daemon refused {target}: {resp.error}")
    return dict(resp.data or {})


def load_or_fail():  # type: ignore[no-untyped-def]
    from adr.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


@main.group("export")
def export_group() -> None:
    """OCSF events to your organisation's tools (file, OTLP/HTTP, syslog)."""


@export_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="machine-readable")
def export_status(as_json: bool) -> None:
    """Per sink: queued, sent, spooled, dropped, last error."""
    from adr.paths import get_paths
    from adr.record.export.pipeline import spool_status

    settings = load_or_fail()
    live = daemon_call("export.status")
    if live is not None:
        data = {"daemon": True, **live}
    else:
        data = {"daemon": False, "enabled": bool(settings.export.sinks),
                "sinks": spool_status(get_paths().export_dir, settings.export)}
    if as_json:
        output.print_json(data)
        return
    sinks = data.get("sinks") or {}
    if not sinks:
        output.echo("export is off: no sink configured (config.yaml `export:` — file, otlp, syslog)")
        return
    if not data["daemon"]:
        output.echo("the daemon is not running: events wait in the audit log and the spools below")
    for name, s in sinks.items():
        output.echo(f"{name:<7} {s.get('target', '')}  [{s.get('state', '?')}]")
        counts = "  ".join(f"{k} {s.get(k)}" for k in ("queued", "sent", "spooled", "dropped") if s.get(k) is not None)
        output.echo(f"        {counts}")
        if s.get("last_error"):
            output.echo(f"        last error: {s['last_error']}")
    if data["daemon"]:
        output.echo(f"audit records read {data.get('records', 0)}, events {data.get('events', 0)}, "
                    f"cursor seq {data.get('durable_cursor')}")
    bad = any(s.get("last_error") and s.get("state") != "ok" for s in sinks.values())
    sys.exit(output.PROBLEM if bad else output.OK)

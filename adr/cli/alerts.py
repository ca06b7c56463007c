"""`adr alerts`: what the daemon raised although no agent waited for an answer.

    adr alerts [--all] [--json]     open alerts (with --all: acknowledged ones too)
    adr alerts show ID [--json]     one alert: what happened, the diff or the process tree
    adr alerts ack ID…              acknowledge (only you: refused inside an agent)
    adr alerts resume ID            let a tree adr suspended run on (only you)
    adr alerts kill ID              end it (only you)

IDs are an alert's id, or for resume/kill also the suspended tree's id the alert names.
"""
from __future__ import annotations

import json
import time
from typing import Any

import click

from adr.cli import main, output
from adr.cli._daemoncall import CallRefused, daemon_call
from adr.cli.output import fail as _fail

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _call(target: str, args: "dict[str, Any] | None" = None, timeout: float = 30.0) -> dict[str, Any]:
    try:
        got = daemon_call(target, args, timeout)
    except CallRefused as e:
        _fail(str(e))
    if got is None:
        _fail("the daemon is not running; alerts live in the daemon (the audit log keeps every one: "
              "`adr log --json -n 0 | grep '\"alert\"'`).")
    return got


def _ago(t: float) -> str:
    s = max(0, int(time.time() - t))
    return f"{s}s" if s < 60 else f"{s // 60}m" if s < 3600 else f"{s // 3600}h" if s < 86400 else f"{s // 86400}d"


def _find(alert_id: str, alerts: list[dict[str, Any]]) -> "dict[str, Any] | None":
    return next((a for a in alerts if a["id"] == alert_id or a.get("data", {}).get("tree_id") == alert_id), None)


@main.group("alerts", invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Acknowledged alerts too.")
@click.option("--json", "as_json", is_flag=True, help="JSON (one object with an \"alerts\" list).")
@click.option("-n", "limit", default=50, show_default=True, help="At most this many (0: all the daemon keeps).")
@click.pass_context
def alerts(ctx: click.Context, show_all: bool, as_json: bool, limit: int) -> None:
    """What adr raised: processes and connections no hook judged, changed sensitive files, reverted
    hook configs, tripped breakers, a weakened config … (`show ID` for the diff or process tree)."""
    if ctx.invoked_subcommand is not None:
        return
    data = _call("alerts.list", {"all": show_all, "limit": limit or 1000})
    items = data.get("alerts", [])
    if as_json:
        click.echo(json.dumps({"alerts": items}, indent=2))
        return
    if not items:
        output.echo("no open alerts" + ("" if show_all else " (`adr alerts --all` shows acknowledged ones)"))
        return
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    t = Table(box=None, pad_edge=False)
    for col in ("id", "age", "severity", "kind", "session", "what"):
        t.add_column(col, overflow="fold", no_wrap=col in ("id", "age"))
    for a in items:
        state = a.get("data", {}).get("state")
        what = escape(a["title"]) + (f" [bold]({state})[/]" if state in ("suspended", "killed") else "") + \
            (f" ×{a['count']}" if a.get("count", 1) > 1 else "") + (" [dim](acknowledged)[/]" if a.get("acknowledged") else "")
        sev = a["severity"]
        t.add_row(escape(a["id"]), _ago(a["last"]), f"[{SEVERITY_STYLE.get(sev, '')}]{escape(sev)}[/]", escape(a["kind"]),
                  escape(a.get("session") or "-"), what)
    safe_console().print(t)


@alerts.command("show")
@click.argument("alert_id")
@click.option("--json", "as_json", is_flag=True)
def show(alert_id: str, as_json: bool) -> None:
    """One alert in full: what happened, the diff of a changed file, the process tree."""
    items = _call("alerts.list", {"all": True, "limit": 1000}).get("alerts", [])
    a = _find(alert_id, items)
    if a is None:
        _fail(f"no alert {alert_id!r} in this daemon (`adr alerts --all` lists them)")
    tree = None
    tid = a.get("data", {}).get("tree_id")
    if tid:
        try:
            tree = (daemon_call("processes.show", {"id": tid}, timeout=10) or {}).get("tree")
        except CallRefused:
            tree = None
    if as_json:
        click.echo(json.dumps({"alert": a, "tree": tree}, indent=2))
        return
    d = a.get("data", {})
    output.echo(f"alert {a['id']} · {a['severity']} · {a['kind']} · first {_ago(a['first'])} ago"
                + (f" · ×{a['count']}" if a.get("count", 1) > 1 else "") + (" · acknowledged" if a.get("acknowledged") else ""))
    output.echo(a["title"])
    if a.get("session"):
        output.echo(f"session: {a['session']} ({a.get('host') or '?'})")
    output.echo("")
    output.echo(a["detail"].split("\nProcess tree:")[0].split("\n--- ")[0].rstrip())
    if d.get("tree"):
        output.echo("\nprocess tree:")
        for line in d["tree"]:
            output.echo(f"  {line}")
    if tree:
        output.echo(f"\nnow: {tree['state']}" + (f" by {tree['by']}" if tree.get("by") else "")
                    + (f" — killed in {tree['kills_in_s']} s unless you answer: `adr alerts resume {tree['id']}` / "
                      f"`adr alerts kill {tree['id']}`" if tree["state"] == "suspended" else ""))
    if d.get("diff"):
        output.echo("\n" + d["diff"].rstrip())
    for k in ("path", "destination", "rules", "response", "reverted"):
        if d.get(k) not in (None, "", []):
            output.echo(f"{k}: {d[k] if not isinstance(d[k], list) else ', '.join(map(str, d[k]))}")


def _human_only(what: str) -> None:
    from adr.cli.human import refuse_inside_agent

    refuse_inside_agent(what, "alerts")


@alerts.command("ack")
@click.argument("alert_ids", nargs=-1, required=True)
def ack(alert_ids: tuple[str, ...]) -> None:
    """Acknowledge alerts (they leave the listing; the audit log keeps them). Only you can."""
    _human_only("alerts.ack")
    got = _call("alerts.ack", {"ids": list(alert_ids)}).get("acknowledged", [])
    missing = [i for i in alert_ids if i not in got]
    if got:
        output.echo(f"acknowledged: {', '.join(got)}")
    if missing:
        _fail(f"no open alert {', '.join(missing)}")


def _end(how: str, ident: str) -> None:
    _human_only(f"processes.{how}")
    data = _call(f"processes.{how}", {"id": ident})
    tree = data.get("tree") or {}
    n = len(tree.get("members") or [])
    output.echo(f"{'resumed' if how == 'resume' else 'killed'}: tree {tree.get('id')} ({n} processes; "
                f"{(tree.get('root') or {}).get('argv', '')[:120]})")


@alerts.command("resume")
@click.argument("ident")
def resume(ident: str) -> None:
    """Let a process tree adr suspended run on (alert id or tree id). Only you can."""
    _end("resume", ident)


@alerts.command("kill")
@click.argument("ident")
def kill(ident: str) -> None:
    """Kill a process tree adr suspended (alert id or tree id). Only you can."""
    _end("kill", ident)

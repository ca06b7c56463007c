"""`adr daemon` (foreground), `adr daemon stop`, `adr daemon reload`, `adr status`."""
from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import click

from adr.cli import main, output
from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request
from adr.daemon.failsafe import FIX_HINT
from adr.paths import get_paths


@main.group("daemon", invoke_without_command=True)
@click.option("--debug", is_flag=True, help="Log debug detail.")
@click.pass_context
def daemon_group(ctx: click.Context, debug: bool) -> None:
    """Run the adr daemon in the foreground; `stop` / `reload` control a running one (the login service
    runs it for you: `adr service`)."""
    if ctx.invoked_subcommand is not None:
        return
    import logging

    from adr.daemon.instance import AlreadyRunning, SocketHandoverError, UnsafeRuntimeDir
    from adr.daemon.server import StartupError, run_daemon, setup_logging

    paths = get_paths()
    setup_logging(paths, logging.DEBUG if debug else logging.INFO)
    try:
        asyncio.run(run_daemon(paths))
    except (AlreadyRunning, UnsafeRuntimeDir, SocketHandoverError, StartupError) as e:
        output.echo(f"adr daemon: {e}", err=True)
        sys.exit(output.ERROR)
    except KeyboardInterrupt:
        pass


@daemon_group.command("stop")
@click.option("--yes", is_flag=True, help="Do not ask here first (the desktop confirmation, or this terminal's "
                                          "check without one, still applies).")
def daemon_stop(yes: bool) -> None:
    """Stop the running daemon. Only you can: confirm with the code or button adr shows on your
    desktop (without a desktop channel, the daemon checks that a human's terminal asks)."""
    from adr.cli.human import guarded, refuse_inside_agent

    refuse_inside_agent("stop", "stop")
    if not yes:
        if not sys.stdin.isatty():
            _fail("refused: stopping adr needs an interactive confirmation, and stdin is not a terminal. "
                  "Run `adr daemon stop` in a terminal (or `adr daemon stop --yes` from a script you run yourself).")
        if not click.confirm("Stop the adr daemon? Agents will fall back to in-process checks", default=False):
            output.fail("not stopped.", output.PROBLEM)
    try:
        resp = guarded("stop", lambda cid, code: request(P.Request(op="stop", id=P.new_id(), confirmed=True,
                                                                   challenge=cid, code=code), timeout=15))
    except DaemonUnavailable as e:
        _fail(f"the daemon is not running ({e}).")
    if not resp.ok:
        _fail(resp.error)
    pid = resp.data.get("pid")
    for _ in range(50):  # wait (bounded) until the socket is gone, so a new daemon can start
        try:
            request(P.Request(op="ping"), timeout=0.2, connect_timeout=0.2)
        except DaemonUnavailable:
            break
        time.sleep(0.1)
    output.echo(f"adr daemon (pid {pid}) stopped.")
    if _service_enabled():
        output.echo("It runs as a login service: the next hook call (or Restart=always) starts it again; "
                    "`adr service stop` stops the service.")


@daemon_group.command("reload")
def daemon_reload() -> None:
    """Reload settings and rules now (they also reload by themselves when files change)."""
    try:
        resp = request(P.Request(op="reload", id=P.new_id()), timeout=60)
    except DaemonUnavailable as e:
        _fail(f"the daemon is not running ({e}); {FIX_HINT}.")
    if not resp.ok:
        _fail(resp.error)
    output.echo(f"reloaded: {resp.data.get('rules')} rules in {resp.data.get('load_ms')} ms")


@main.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the raw status as JSON.")
def status(as_json: bool) -> None:
    """Is the daemon up, which rules does it use, what has it decided."""
    try:
        resp = request(P.Request(op="status", id=P.new_id()))
    except (DaemonUnavailable, P.ProtocolError) as e:
        if as_json:
            click.echo(json.dumps({"running": False, "error": str(e)}))
        else:
            output.echo(f"adr daemon: not running ({e}).\nTo fix: {FIX_HINT}. "
                        "Until then hooks evaluate in-process (slower).", err=True)
        sys.exit(output.PROBLEM)
    if not resp.ok:
        _fail(resp.error)
    if as_json:
        click.echo(json.dumps({"running": True, **resp.data}, indent=2))
        return
    render_status(resp.data)


def render_status(d: dict[str, Any]) -> None:
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    console = safe_console()
    t = Table(title="adr daemon", show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    t.add_row("status", f"[green]running[/] (pid {d.get('pid')}, protocol v{d.get('protocol')})")
    t.add_row("uptime", _duration(float(d.get("uptime_s") or 0)) + f"  (since {d.get('started')})")
    t.add_row("socket", str(d.get("socket")))
    t.add_row("mode", f"{d.get('mode')} · sensitivity {d.get('sensitivity')} · fail mode {d.get('fail_mode')}")
    r = d.get("rules") or {}
    packs = ", ".join(map(str, r.get("packs") or [])) or "-"
    t.add_row("rules", f"{r.get('count')} rules from {r.get('files')} files ({packs}); loaded in {r.get('load_ms')} ms")
    for b in r.get("broken_files") or []:
        t.add_row("broken rule file", f"[red]{escape(str(b.get('file')))}[/] is left out until fixed: "
                  f"{escape(str(b.get('error')))}")
    dec = d.get("decisions") or {}
    t.add_row("decisions", f"{d.get('total_decisions', 0)} total: "
              f"[green]{dec.get('allow', 0)} allow[/] · [yellow]{dec.get('ask', 0)} ask[/] · "
              f"[red]{dec.get('deny', 0)} deny[/] · {dec.get('error', 0)} error")
    t.add_row("sessions seen", str(d.get("sessions_seen", 0)))
    comps = d.get("components") or {}
    procs, files = comps.get("processes") or {}, comps.get("files") or {}
    if procs or files:  # adr/monitor: what the hooks do not see
        watched = procs.get("sessions") or []
        t.add_row("watching", (f"{len(watched)} sessions, {procs.get('processes', 0)} processes"
                               if procs.get("enabled") else "processes: off")
                  + (f" · [yellow]{procs['suspended']} suspended, waiting for you (`adr alerts`)[/]"
                     if procs.get("suspended") else "")
                  + (f" · {sum((files.get('watching') or {}).values())} sensitive paths" if files.get("enabled")
                     else " · files: off"))
    ap = d.get("approvals") or {}
    if ap:
        t.add_row("approvals", f"{escape(', '.join(map(str, ap.get('channels') or [])))}; {ap.get('pending', 0)} open · "
                  f"{ap.get('asked', 0)} asked · {ap.get('allowed', 0)} allowed · {ap.get('denied', 0)} denied · "
                  f"{ap.get('timed_out', 0)} timed out · {ap.get('granted', 0)} by grant · "
                  f"{ap.get('refused', 0)} refused (window {ap.get('timeout_s')} s)")
    held = d.get("settings_held") or {}
    for h in held.get("held") or []:
        t.add_row("settings held", f"[yellow]{escape(str(h.get('change')))}[/]: config.yaml asks for it; "
                  f"[bold]{escape(str(h.get('kept')))}[/] stays in force until you confirm "
                  f"(`{held.get('confirm_with')}`)" + (" — you refused it" if held.get("refused") else ""))
    t.add_row("reloads", f"{d.get('reloads', 0)} (last {d.get('last_reload') or 'never'})")
    err = d.get("last_reload_error")
    t.add_row("reload error", f"[red]failed at {err.get('time')}[/] — the last good rules stay in use (below)"
              if err else "none")
    if d.get("refused_peers") or d.get("bad_requests"):
        t.add_row("refused", f"{d.get('refused_peers', 0)} connections from other users · {d.get('bad_requests', 0)} bad requests")
    a = d.get("audit") or {}
    t.add_row("audit log", str(a.get("path")) + (f"  [red]{a.get('errors')} write errors: {escape(str(a.get('last_error')))}[/]" if a.get("errors") else ""))
    if d.get("rss_bytes"):
        t.add_row("memory", f"{d['rss_bytes'] / 1048576:.1f} MiB RSS")
    console.print(t)
    if err:
        console.print("[bold red]last reload error:[/]")
        console.print(escape(str(err.get("message"))), soft_wrap=True, highlight=False)


def _duration(s: float) -> str:
    s = int(s)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return (f"{d}d " if d else "") + (f"{h}h " if d or h else "") + f"{m}m {s}s"


def _fail(msg: str) -> None:
    output.fail(msg)


def _service_enabled() -> bool:
    try:
        from adr.service import ServiceError, manager

        return manager().status().enabled
    except Exception:  # noqa: BLE001 — only a note
        return False

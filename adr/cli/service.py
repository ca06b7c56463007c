"""`adr service install | uninstall | start | stop | status | logs`: the daemon as a login service
(systemd --user socket + service on Linux, a LaunchAgent on macOS; adr/service/)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from adr.cli import main, output
from adr.cli.human import confirm, confirm_control, refuse_inside_agent


def _manager() -> Any:
    from adr.service import ServiceError, manager

    try:
        return manager()
    except ServiceError as e:
        output.fail(str(e))


def _apply(op: str, as_json: bool = False, **kw: Any) -> None:
    """Run one Manager operation and print its outcome; a ServiceError exits 3 with its message."""
    from adr.service import ServiceError

    m = _manager()
    try:
        o = getattr(m, op)(**kw)
    except ServiceError as e:
        output.fail(str(e))
    if as_json:
        output.print_json(o.to_dict())
        return
    from adr.display import markup as escape  # agent text: shown as written

    con = output.console()
    for c in o.changes:
        con.print(f"{escape(c.path)}: {c.action}" + (f" ({escape(c.note)})" if c.note else ""))
    for n in o.notes:
        con.print(f"[cyan]{m.name}[/]: {escape(n)}")
    for w in o.warnings:
        con.print(f"[yellow]{m.name}: {escape(w)}[/]")


@main.group("service")
def service_group() -> None:
    """adr's daemon as a login service: started at login (Linux: by the first hook call), restarted
    when it exits. Linux: systemd --user units; macOS: a LaunchAgent."""


@service_group.command("install")
@click.option("--no-start", is_flag=True, help="Write and enable, but do not start it now.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def service_install(no_start: bool, dry_run: bool, as_json: bool) -> None:
    """Write the unit files (or plist) with this installation's absolute paths, enable and start them.
    Refused inside an AI agent: the units carry the environment's ADR_HOME / socket path."""
    if not dry_run:
        refuse_inside_agent("service", "service install")
    _apply("install", as_json, start=not no_start, dry_run=dry_run)


@service_group.command("uninstall")
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def service_uninstall(yes: bool, as_json: bool) -> None:
    """Stop and remove the service (files adr replaced are restored byte for byte)."""
    confirm("Stop and remove adr's login service?", yes, "adr service uninstall --yes")
    confirm_control("service", ("uninstall",))
    _apply("uninstall", as_json)


@service_group.command("start")
def service_start() -> None:
    """Start the service now."""
    _apply("start")


@service_group.command("stop")
@click.option("--yes", is_flag=True, help="Do not ask.")
def service_stop(yes: bool) -> None:
    """Stop the service (a human must confirm; agents cannot do this). It starts again at login."""
    confirm("Stop adr's service? Agents will fall back to in-process checks", yes, "adr service stop --yes")
    confirm_control("service", ("stop",))
    _apply("stop")


@service_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def service_status(as_json: bool) -> None:
    """The unit's state (installed, enabled, active) and the daemon's (running, pid, socket). Exit 1 when
    the service is not installed or the daemon does not answer."""
    m = _manager()
    st = m.status()
    d = _daemon_status()
    if as_json:
        output.print_json({"service": st.to_dict(), "daemon": d, "socket": str(m.spec.socket),
                           "log": str(m.spec.log)})
    else:
        _render_status(st, d, m)
    sys.exit(output.OK if st.installed and d.get("running") else output.PROBLEM)


def _daemon_status() -> dict[str, Any]:
    from adr.daemon import protocol as P
    from adr.daemon.client import DaemonUnavailable, request

    try:
        resp = request(P.Request(op="status", id=P.new_id()), timeout=3.0)
    except (DaemonUnavailable, P.ProtocolError) as e:
        return {"running": False, "error": str(e)}
    if not resp.ok:
        return {"running": False, "error": resp.error}
    keep = ("pid", "started", "uptime_s", "socket", "socket_activated", "mode", "fail_mode")
    rules = resp.data.get("rules") or {}
    return {"running": True, **{k: resp.data.get(k) for k in keep}, "rules": rules.get("count"),
            "broken_rule_files": len(rules.get("broken_files") or [])}


def _render_status(st: Any, d: dict[str, Any], m: Any) -> None:
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    con = output.console()
    t = Table(title=f"adr service ({st.manager})", show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    t.add_row("installed", ("[green]yes[/] " if st.installed else "[red]no[/] ") + escape(", ".join(st.files)))
    t.add_row("at login", "[green]enabled[/]" if st.enabled else "[yellow]not enabled[/]")
    t.add_row("manager", "reachable" if st.reachable else "[yellow]not reachable[/]")
    for unit, info in st.units.items():
        t.add_row(unit, escape(" · ".join(f"{k} {v}" for k, v in info.items()) or "-"))
    t.add_row("socket", escape(str(m.spec.socket)) + (f" (unit: {escape(st.socket_in_unit)})"
                                                       if st.socket_in_unit and st.socket_in_unit != str(m.spec.socket) else ""))
    if d.get("running"):
        how = "socket handed over by the service" if d.get("socket_activated") else "socket bound by the daemon itself"
        t.add_row("daemon", f"[green]running[/] (pid {d.get('pid')}, up {d.get('uptime_s')} s, {how}); "
                            f"{d.get('rules')} rules, mode {d.get('mode')}, fail mode {d.get('fail_mode')}")
    else:
        t.add_row("daemon", f"[red]not running[/] ({escape(str(d.get('error')))})")
    t.add_row("log", escape(str(m.spec.log)) + "  (`adr service logs`)")
    for p in st.problems:
        t.add_row("problem", f"[yellow]{escape(p)}[/]")
    con.print(t)


@service_group.command("logs")
@click.option("-n", "--lines", default=50, show_default=True, help="How many of the last lines to show.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines (Ctrl-C to stop).")
def service_logs(lines: int, follow: bool) -> None:
    """The daemon's log (its own file in adr's state directory; systemd's journal has the same lines)."""
    from adr.paths import get_paths

    log = get_paths().daemon_log
    if not log.exists():
        output.fail(f"no daemon log yet ({log}): the daemon has not run under this ADR_HOME", output.PROBLEM)
    pos = _print_tail(log, max(0, lines))
    while follow:
        try:
            time.sleep(0.5)
            pos = _print_from(log, pos)
        except KeyboardInterrupt:
            return


def tail_lines(path: Path, n: int, chunk: int = 65536) -> "tuple[list[bytes], int]":
    """The last n lines of a file (read backwards in chunks: a large log is not read whole) and its size."""
    with open(path, "rb") as f:
        end = f.seek(0, os.SEEK_END)
        data, pos = b"", end
        while pos > 0 and data.count(b"\n") <= n:
            step = min(chunk, pos)
            pos -= step
            f.seek(pos)
            data = f.read(step) + data
    out = data.splitlines()[-n:] if n else []
    return out, end


def _print_tail(path: Path, n: int) -> int:
    got, end = tail_lines(path, n)
    for line in got:
        output.echo(line.decode("utf-8", "replace"))
    return end


def _print_from(path: Path, pos: int) -> int:
    size = path.stat().st_size
    if size < pos:  # rotated or truncated: start again
        pos = 0
    if size == pos:
        return pos
    with open(path, "rb") as f:
        f.seek(pos)
        data = f.read(size - pos)
    output.echo(data.decode("utf-8", "replace"), nl=False)
    return size

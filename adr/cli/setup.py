"""`adr setup [--yes] [--undo]`: the one command after installing adr.

It finds the agents on this machine, shows what it will change (each host's hook config, the login
service), asks once, installs the hooks, installs and starts the service, and runs `adr doctor`.
What it did is recorded (`<state>/backups/setup.json`) so `adr setup --undo` reverses exactly that:
the hosts' configs come back byte for byte (adr's install manifests), the service is stopped and its
files removed (or restored).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from adr.cli import main, output
from adr.cli.human import confirm, confirm_control, refuse_inside_agent

RECORD = "setup.json"


def _record_path(paths: Any) -> Path:
    return paths.backups_dir / RECORD


def _read_record(paths: Any) -> dict[str, Any]:
    try:
        doc = json.loads(_record_path(paths).read_text(encoding="utf-8"))
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_record(paths: Any, doc: dict[str, Any]) -> None:
    p = _record_path(paths)
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = p.with_name(f".{RECORD}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, p)


@main.command("setup")
@click.option("--yes", is_flag=True, help="Do not ask (for scripts).")
@click.option("--undo", is_flag=True, help="Reverse what `adr setup` did: hooks out, service removed.")
@click.option("--no-service", is_flag=True, help="Only the hooks: no login service.")
def setup(yes: bool, undo: bool, no_service: bool) -> None:
    """Find the agents here, show what changes, ask once, install adr's hooks and its login service,
    then run `adr doctor`. `--undo` reverses all of it."""
    if undo:
        _undo(yes)
        return
    refuse_inside_agent("setup", "setup")  # it rewrites every host's hooks and the service from this environment
    from adr.cli.install import install_context
    from adr.integrations.install.hosts import INSTALLERS, detected_hosts
    from adr.service import ServiceError, manager

    ctx = install_context(None, None, choose_client=True)
    hosts = detected_hosts(ctx)
    con = output.console()
    from adr.display import markup as escape  # agent text: shown as written

    con.print("[bold]adr setup[/] — this machine:")
    plan_ctx = _dry(ctx)
    for h in hosts:
        res = INSTALLERS[h].install(plan_ctx)
        changes = [c for c in res.changes if c.action != "unchanged"] or res.changes
        for c in changes:
            what = {"created": "create", "updated": "change"}.get(c.action, c.action)
            con.print(f"  {INSTALLERS[h].label}: {what} {escape(str(c.path))}")
    if not hosts:
        con.print(f"  no agent found under {escape(str(ctx.home))} (`adr install --host HOST` adds one later; "
                  f"hosts: {', '.join(INSTALLERS)})")
    con.print(f"  {escape(ctx.hook_note)}")
    svc = None
    if not no_service:
        try:
            svc = manager(ctx.paths, ctx.env, ctx.home)
            changes = svc.install(dry_run=True).changes
            names = ", ".join(Path(c.path).name for c in changes)
            verb = "write" if any(c.action != "unchanged" for c in changes) else "keep"
            con.print(f"  login service ({svc.name}): {verb} {escape(names)} in "
                      f"{escape(str(Path(changes[0].path).parent))}, enable and start it")
        except ServiceError as e:
            con.print(f"  [yellow]no login service: {escape(str(e))}[/]")
            svc = None
    confirm("Make these changes?", yes, "adr setup --yes")

    from adr.cli.install import install_hosts, print_results

    results, errors = install_hosts(ctx, hosts)
    print_results(results, errors, False, ctx.hook_note)
    record = _read_record(ctx.paths)
    done_hosts = sorted(set(record.get("hosts") or []) | {r.host for r in results})
    service_done = bool(record.get("service"))
    started = False
    if svc is not None:
        try:
            o = svc.install(start=True)
            service_done, started = True, o.started
            for n in o.notes:
                con.print(f"[cyan]service[/]: {escape(n)}")
            for w in o.warnings:
                con.print(f"[yellow]service: {escape(w)}[/]")
        except ServiceError as e:
            con.print(f"[red]service: {escape(str(e))}[/]")
            errors["service"] = str(e)
    _write_record(ctx.paths, {"hosts": done_hosts, "service": service_done, "time": time.time()})
    if started:  # the service manager started it: give it time to load (not when it could not start it)
        _wait_for_daemon(ctx.paths, 15.0)
    con.print("\n[bold]adr doctor[/]:")
    from adr.cli.doctor import render, run_doctor

    report = run_doctor()
    render(report)
    con.print("\nUndo all of this with `adr setup --undo`.")
    sys.exit(output.ERROR if errors else output.OK if report.ok else output.PROBLEM)


def _dry(ctx: Any) -> Any:
    from dataclasses import replace

    return replace(ctx, dry_run=True)


def _wait_for_daemon(paths: Any, seconds: float) -> bool:
    """The service was started: give the daemon time to load its rules before doctor pings it."""
    from adr.daemon import protocol as P
    from adr.daemon.client import DaemonUnavailable, request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(P.Request(op="ping", id=P.new_id()), path=paths.socket, timeout=2.0).ok:
                return True
        except (DaemonUnavailable, P.ProtocolError):
            time.sleep(0.2)
    return False


def _undo(yes: bool) -> None:
    from adr.cli.install import install_context, print_results, uninstall_hosts
    from adr.display import markup as escape
    from adr.integrations.install.hosts import INSTALLERS
    from adr.service import ServiceError, manager

    refuse_inside_agent("setup", "setup --undo")
    ctx = install_context(None, None, need_bin=False)
    record = _read_record(ctx.paths)
    hosts = [h for h in record.get("hosts") or [] if h in INSTALLERS]
    everything = not record  # no record (an older adr, or set up by hand): take out every trace
    what = ", ".join(INSTALLERS[h].label for h in hosts) or ("every host" if everything else "no host")
    confirm(f"Remove adr's hooks ({what}) and its login service?", yes, "adr setup --undo --yes")
    confirm_control("uninstall", ("setup --undo",) + tuple(hosts))
    results, errors = uninstall_hosts(ctx, [] if everything else hosts)
    print_results(results, errors, False)
    con = output.console()
    if everything or record.get("service"):
        try:
            o = manager(ctx.paths, ctx.env, ctx.home).uninstall()
            for c in o.changes:
                if c.action != "untouched":
                    con.print(f"service: {escape(str(c.path))}: {c.action}")
            for n in o.notes:
                con.print(f"service: {escape(n)}")
        except ServiceError as e:
            if not everything:
                errors["service"] = str(e)
            con.print(f"service: {escape(str(e))}")
    if not errors:
        _record_path(ctx.paths).unlink(missing_ok=True)
        con.print("adr's hooks and service are gone; adr itself stays installed (`pipx uninstall adr` removes it).")
    sys.exit(output.ERROR if errors else output.OK)

"""`adr install`, `adr uninstall`: put adr's hook into each agent host and take it out again exactly
(`adr doctor`, adr/cli/doctor.py, checks that it really protects)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from adr.cli import main, output
from adr.cli.human import confirm_control
from adr.config import ConfigError, load_settings

def install_context(project: str | None, hook_bin: str | None, *, trust: bool = True, dry_run: bool = False,
             need_bin: bool = True, choose_client: bool = False, native: bool = True):  # type: ignore[no-untyped-def]
    from adr.integrations.install.base import InstallContext, InstallError, resolve_hook_bin
    from adr.paths import get_paths

    env = dict(os.environ)
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    paths = get_paths(env)
    try:
        settings = load_settings(paths)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None
    if settings.hook_timeout <= settings.approval_timeout:
        raise click.ClickException("hook_timeout must exceed approval_timeout (a question would outlive the hook)")
    try:
        bin_ = resolve_hook_bin(hook_bin, env)
    except InstallError as e:
        if need_bin:
            raise click.ClickException(str(e)) from None
        bin_ = Path("adr-hook")
    note = ""
    if choose_client and hook_bin is None:  # an explicit --hook-bin is written as given
        from adr.integrations.install.client import choose

        picked = choose(bin_, paths, env, native=native)
        bin_, note = picked.path, picked.note
    return InstallContext(home=home, paths=paths, hook_bin=bin_, timeout=int(settings.hook_timeout),
                          project=Path(project).resolve() if project else None, env=env, trust=trust,
                          dry_run=dry_run, hook_note=note)


def target_hosts(given: tuple[str, ...], ctx, *, for_install: bool) -> list[str]:  # type: ignore[no-untyped-def]
    from adr.integrations.install.hosts import INSTALLERS, detected_hosts
    from adr.integrations.registry import UnknownHost, canonical


    if given:
        try:
            return [canonical(h) for h in given]
        except UnknownHost as e:
            raise click.BadParameter(str(e), param_hint="--host") from None
    if not for_install:  # uninstall: every host adr may have touched
        return list(INSTALLERS)
    return detected_hosts(ctx)


def _change_rows(results: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        for c in r.changes:
            rows.append({"host": r.host, "file": str(c.path), "action": c.action, "note": c.note})
    return rows


def print_results(results: list[Any], errors: dict[str, str], as_json: bool, hook_note: str = "") -> None:
    if as_json:
        doc: dict[str, Any] = {"changes": _change_rows(results),
                               "notes": {r.host: r.notes for r in results if r.notes},
                               "warnings": {r.host: r.warnings for r in results if r.warnings},
                               "errors": errors}
        if hook_note:
            doc["hook_client"] = hook_note
        click.echo(json.dumps(doc, indent=2))
        return
    from adr.display import console as safe_console
    from adr.display import markup as escape  # paths and messages: shown as written
    from rich.table import Table

    con = safe_console()
    t = Table(show_header=True, header_style="bold")
    for col in ("host", "file", "result"):
        t.add_column(col)
    for row in _change_rows(results):
        t.add_row(escape(row["host"]), escape(row["file"]),
                  escape(row["action"] + (f" ({row['note']})" if row["note"] else "")))
    if t.row_count:
        con.print(t)
    for r in results:
        for n in r.notes:
            con.print(f"[cyan]{escape(r.host)}[/]: {escape(n)}")
        for w in r.warnings:
            con.print(f"[yellow]{escape(r.host)}: {escape(w)}[/]")
    for host, err in errors.items():
        con.print(f"[red]{escape(host)}: {escape(err)}[/]")
    if hook_note:
        con.print(f"[dim]{escape(hook_note)}[/]", highlight=False)


@main.command()
@click.option("--host", "hosts", multiple=True, help="Host to install into (repeatable); default: every host found under $HOME.")
@click.option("--project", type=click.Path(file_okay=False), help="Install into this project's config instead of the user's.")
@click.option("--hook-bin", type=click.Path(dir_okay=False), help="Absolute path of adr-hook (default: next to this Python, or PATH).")
@click.option("--no-trust", is_flag=True, help=("Codex: do not mark adr's hooks trusted through codex app-server; OpenClaw: do not "
                    "record the install through the openclaw CLI (the plugin is still enabled)."))
@click.option("--python-hook", is_flag=True,
              help="Write the Python adr-hook even when the native client can be built (also: ADR_NATIVE=0).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing in the hosts' configs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def install(hosts: tuple[str, ...], project: str | None, hook_bin: str | None, no_trust: bool, python_hook: bool,
            dry_run: bool, as_json: bool) -> None:
    """Add adr's hook to agent hosts (idempotent; the original config is backed up). With a C compiler
    the hook is adr's native client (adr/native: no interpreter start per tool call), which hands
    anything unusual to the Python adr-hook; --python-hook or ADR_NATIVE=0 writes the Python one."""
    from adr.integrations.install.hosts import INSTALLERS

    ctx = install_context(project, hook_bin, trust=not no_trust, dry_run=dry_run, choose_client=True, native=not python_hook)
    targets = target_hosts(hosts, ctx, for_install=True)
    if not targets:
        raise click.ClickException(f"no supported agent host found under {ctx.home}; pass --host "
                                   f"({', '.join(INSTALLERS)})")
    results, errors = install_hosts(ctx, targets)
    print_results(results, errors, as_json, ctx.hook_note)
    if errors:
        sys.exit(output.ERROR)


def install_hosts(ctx: Any, targets: list[str]) -> "tuple[list[Any], dict[str, str]]":
    from adr.integrations.install.base import InstallError
    from adr.integrations.install.hosts import INSTALLERS

    results, errors = [], {}
    for h in targets:
        try:
            results.append(INSTALLERS[h].install(ctx))
        except InstallError as e:
            errors[h] = str(e)
    return results, errors


@main.command()
@click.option("--host", "hosts", multiple=True, help="Host to remove adr from (repeatable); default: all.")
@click.option("--project", type=click.Path(file_okay=False), help="The project given to `adr install --project`.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def uninstall(hosts: tuple[str, ...], project: str | None, dry_run: bool, as_json: bool) -> None:
    """Remove adr's hook: restores the original config byte for byte when nothing else changed,
    otherwise removes only adr's entries. Only you can: confirm with the code or button adr shows on
    your desktop (refused inside an AI agent; an agent cannot unhook adr this way)."""
    if not dry_run:
        confirm_control("uninstall", hosts)
    ctx = install_context(project, None, dry_run=dry_run, need_bin=False)
    results, errors = uninstall_hosts(ctx, list(hosts))
    print_results(results, errors, as_json)
    if errors:
        sys.exit(output.ERROR)


def uninstall_hosts(ctx: Any, hosts: list[str]) -> "tuple[list[Any], dict[str, str]]":
    """Take adr out of `hosts` (none named: every host whose files exist)."""
    from adr.integrations.install.base import InstallError
    from adr.integrations.install.hosts import INSTALLERS

    results, errors = [], {}
    for h in target_hosts(tuple(hosts), ctx, for_install=False):
        inst = INSTALLERS[h]
        try:
            if not hosts and not any(p.exists() for p in inst.files(ctx)):
                continue
            res = inst.uninstall(ctx)
            res.changes = [c for c in res.changes if hosts or c.action != "untouched" or c.path.exists()]
            results.append(res)
        except InstallError as e:
            if hosts:
                errors[h] = str(e)
    return results, errors

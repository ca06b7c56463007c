"""`adr doctor`: is this machine really protected? (The checks live in adr/doctor/.)"""
from __future__ import annotations

import sys
from typing import Any

import click

from adr.cli import main, output

_STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "skip": "dim"}


@main.command()
@click.option("--host", "hosts", multiple=True, help="Host to check (repeatable); default: all.")
@click.option("--project", type=click.Path(file_okay=False), help="Check this project's hook configs.")
@click.option("--no-synthetic", is_flag=True, help="Do not run the configured hook commands.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor(hosts: tuple[str, ...], project: str | None, no_synthetic: bool, as_json: bool) -> None:
    """Check adr itself (rules, service), the daemon, and every host: hook installed, command runs, a
    synthetic attack is denied, which hook client and what it costs. Exit 1 when something fails."""
    report = run_doctor(hosts, project, synthetic=not no_synthetic)
    if as_json:
        output.print_json(report.to_dict())
    else:
        render(report, show_all=bool(hosts))
    if not report.ok:
        sys.exit(output.PROBLEM)


def run_doctor(hosts: "tuple[str, ...]" = (), project: "str | None" = None, *, synthetic: bool = True) -> Any:
    from adr import doctor as doc
    from adr.cli.install import install_context, target_hosts

    ctx = install_context(project, None, need_bin=False)
    return doc.run(ctx, target_hosts(hosts, ctx, for_install=False), synthetic=synthetic)


def render(report: Any, show_all: bool = False) -> None:
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    con = output.console()

    def line(c: Any) -> None:
        con.print(f"[bold]{escape(c.name)}[/]: [{_STYLE[c.status]}]{c.status}[/] {escape(c.detail)}")

    for c in report.installation:
        line(c)
    line(report.daemon)
    for c in report.wrapped + report.fleet:  # `adr wrap` / `adr shell`; export sinks, policy source
        if c.status != "skip":
            line(c)
    for c in report.monitors:  # which monitors run, for which sessions (adr/monitor)
        line(c)
    t = Table(show_header=True, header_style="bold", show_lines=False)
    for col in ("host", "check", "status", "detail"):
        t.add_column(col, overflow="fold")
    shown = [h for h in report.hosts if show_all or h.detected or h.installed]
    for h in shown:
        for i, c in enumerate(h.checks):
            t.add_row(h.label if i == 0 else "", c.name, f"[{_STYLE[c.status]}]{c.status}[/]", escape(c.detail))
    if t.row_count:
        con.print(t)
    if not shown:
        con.print("No agent host found (`adr install --host HOST` to install anyway).")

"""`adr report [--html FILE]`: a summary of what adr decided (terminal, or a self-contained page)."""
from __future__ import annotations

import os
import time
from typing import Any

import click

from adr.cli import main, output
from adr.paths import get_paths


@main.command("report")
@click.option("--since", default="30d", show_default=True, help="The period: 24h, 7d, 30d … or an ISO time.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Write a self-contained HTML page here.")
def report(since: str, html_file: "str | None") -> None:
    """Decisions over time, top rules, asks and denies by agent and project, what monitor mode would have
    blocked, answer times, and the noisiest rules with a suggested exception."""
    from adr.cli.log import parse_since
    from adr.record.index import open_index
    from adr.record.report import build, render_html

    idx = open_index(get_paths())
    r = build(idx, parse_since(since).timestamp())
    if html_file:
        text = render_html(r)
        fd = os.open(html_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        output.echo(f"wrote {html_file} ({len(text.encode()) // 1024 + 1} KiB, {r.decisions} decisions)")
        return
    render_terminal(r)


def render_terminal(r: Any) -> None:
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    c = safe_console(highlight=False)
    span = (time.strftime("%Y-%m-%d %H:%M", time.localtime(r.since)) + " – "
            + time.strftime("%Y-%m-%d %H:%M", time.localtime(r.until)))
    t = r.totals
    c.print(f"[bold]adr report[/]  {span}")
    c.print(f"{r.decisions} decisions in {r.sessions} session(s): [green]{t.get('allow', 0)} allowed[/] · "
            f"[yellow]{t.get('ask', 0)} asked[/] · [red]{t.get('deny', 0)} denied[/]"
            + (f" · {t['error']} errors" if t.get("error") else "")
            + (f" · {r.relaxed} allowed with a snapshot instead of asking" if r.relaxed else ""))
    if r.deciders:
        c.print("decided by: " + ", ".join(f"{escape(k)} {v}" for k, v in r.deciders.items()))
    width = 30
    peak = max((sum(v.values()) for _, v in r.series), default=0) or 1
    shown = [s for s in r.series if sum(s[1].values())][-14:]
    if shown:
        c.print(f"\n[bold]decisions per {r.granularity}[/] (last {len(shown)} with activity)")
        for label, v in shown:
            bar = "".join(f"[{col}]{'█' * max(0, round(v.get(d, 0) / peak * width))}[/]"
                          for d, col in (("allow", "green"), ("ask", "yellow"), ("deny", "red")))
            c.print(f"  {label:>12} {bar} {sum(v.values())}")

    def grouped(title: str, items: list[tuple[str, dict[str, int]]], cols: tuple[str, ...]) -> None:
        if not items:
            return
        tb = Table(title=title, box=None, pad_edge=False, title_justify="left")
        tb.add_column("", overflow="fold")
        for col in cols:
            tb.add_column(col, justify="right")
        for name, v in items[:10]:
            tb.add_row(escape(name), *(str(v.get(k, 0)) for k in cols))
        c.print()
        c.print(tb)

    grouped("top rules", r.top_rules, ("allow", "ask", "deny"))
    grouped("asks and denies by agent", r.by_agent, ("ask", "deny"))
    grouped("asks and denies by project", r.by_project, ("ask", "deny"))
    if r.monitor:
        c.print(f"\n[bold]monitor mode[/]: enforcing would have denied {r.monitor.get('deny', 0)} and asked about "
                f"{r.monitor.get('ask', 0)} action(s)")
        grouped("  by rule", r.monitor_rules, ("deny", "ask"))
    if any(n for _, n in r.answers):
        c.print(f"\n[bold]your answers[/]: average {r.answer_avg_ms / 1000:.1f} s — "
                + ", ".join(f"{label}: {n}" for label, n in r.answers if n))
    if r.noisy:
        c.print("\n[bold]noisiest rules[/]")
        for n in r.noisy:
            c.print(f"  [bold]{escape(n['rule'])}[/]: asked {n['asked']}, you allowed {n['approved']}"
                    + (f" — e.g. {escape(n['example'][:100])}" if n["example"] else ""))
            if n["suggestion"]:
                for line in n["suggestion"].splitlines():
                    c.print(f"      [dim]{escape(line)}[/]")
    if not r.decisions:
        c.print("\nNo decision recorded in this period.")

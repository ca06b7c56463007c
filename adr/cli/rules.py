"""`adr rules list | test | lint`: the rule packs, their examples, their schema."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from adr.cli import main


@main.group("rules")
def rules_group() -> None:
    """Inspect and test rule packs."""


def _load(files: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from adr.config import load_settings
    from adr.engine import RuleLoadError, load_engine, rule_paths
    settings = load_settings()
    try:
        paths = rule_paths(settings) + [Path(f) for f in files]
        return load_engine(settings, rule_files=paths, detectors=[])
    except RuleLoadError as e:
        raise click.ClickException(f"{len(e.errors)} problem(s) in the rules:\n" + str(e)) from None


@rules_group.command("list")
@click.option("--pack", help="only this pack")
@click.argument("extra", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def rules_list(pack: str | None, extra: tuple[str, ...]) -> None:
    """List loaded rules (plus EXTRA rule files)."""
    eng = _load(extra)
    t = Table(header_style="bold")
    for col in ("id", "on", "severity", "action", "title"):
        t.add_column(col)
    for r in eng.rules:
        if pack and r.pack != pack:
            continue
        t.add_row(r.id, r.on, r.severity.value, r.action.value, r.title)
    Console().print(t)
    click.echo(f"{len(eng.rules)} rules in {len(eng.packs)} packs, loaded in {eng.load_ms:.0f} ms")


@rules_group.command("test")
@click.argument("extra", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def rules_test(extra: tuple[str, ...]) -> None:
    """Run every rule's match / not_match examples through the engine."""
    from adr.engine.examples import check_all
    eng = _load(extra)
    failures = check_all(eng)
    n = sum(len(r.examples_match) + len(r.examples_not_match) for r in eng.rules)
    for f in failures:
        click.echo(f"FAIL {f}")
    click.echo(f"{n - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


@rules_group.command("lint")
@click.argument("extra", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def rules_lint(extra: tuple[str, ...]) -> None:
    """Validate the schema of every pack (and EXTRA files) without running examples."""
    eng = _load(extra)
    click.echo(f"ok: {len(eng.rules)} rules in {len(eng.packs)} packs")

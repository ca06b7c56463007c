"""`adr rules list | test | lint`: the rule packs, their examples, their schema."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from adr.cli import main, output


@main.group("rules")
def rules_group() -> None:
    """Inspect and test rule packs."""


def _load(files: tuple[str, ...], as_json: bool = False):  # type: ignore[no-untyped-def]
    """The shipped packs, the user's rule files and EXTRA files, all of them (a broken file is an error
    here: this is where you find out). Exit 3 with every problem named when they do not load."""
    from adr.config import ConfigError, load_settings
    from adr.engine import RuleLoadError, load_engine, rule_paths
    try:
        settings = load_settings()
        paths = rule_paths(settings) + [Path(f) for f in files]
        return load_engine(settings, rule_files=paths, detectors=[])
    except ConfigError as e:
        raise click.ClickException(str(e)) from None
    except RuleLoadError as e:
        if as_json:
            output.print_json({"ok": False, "errors": [
                {"file": err.file, "rule": err.rule_id, "field": err.field, "message": err.message} for err in e.errors]})
            sys.exit(output.ERROR)
        raise click.ClickException(f"{len(e.errors)} problem(s) in the rules:\n" + str(e)) from None


def _summary(eng: Any) -> dict[str, Any]:
    return {"rules": len(eng.rules), "packs": list(eng.packs), "files": [str(f) for f in eng.rule_files],
            "load_ms": round(eng.load_ms, 1)}


@rules_group.command("list")
@click.option("--pack", help="only this pack")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@click.argument("extra", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def rules_list(pack: str | None, as_json: bool, extra: tuple[str, ...]) -> None:
    """List loaded rules (plus EXTRA rule files)."""
    eng = _load(extra, as_json)
    rules = [r for r in eng.rules if not pack or r.pack == pack]
    if as_json:
        output.print_json({**_summary(eng), "listed": [
            {"id": r.id, "pack": r.pack, "on": r.on, "severity": r.severity.value, "action": r.action.value,
             "title": r.title, "file": r.file} for r in rules]})
        return
    from rich.table import Table

    t = Table(header_style="bold")
    for col in ("id", "on", "severity", "action", "title"):
        t.add_column(col)
    for r in rules:
        t.add_row(r.id, r.on, r.severity.value, r.action.value, r.title)
    output.console().print(t)
    output.echo(f"{len(eng.rules)} rules in {len(eng.packs)} packs, loaded in {eng.load_ms:.0f} ms")


@rules_group.command("test")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.argument("extra", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def rules_test(as_json: bool, extra: tuple[str, ...]) -> None:
    """Run every rule's match / not_match examples through the engine (exit 1 when one fails)."""
    from adr.engine.examples import check_all
    eng = _load(extra, as_json)
    failures = check_all(eng)
    n = sum(len(r.examples_match) + len(r.examples_not_match) for r in eng.rules)
    if as_json:
        output.print_json({**_summary(eng), "examples": n, "passed": n - len(failures), "failed": len(failures),
                           "failures": [{"rule": f.rule_id, "file": f.file, "expected": f.expected,
                                         "example": f.example, "fired": list(f.fired)} for f in failures]})
    else:
        for f in failures:
            output.echo(f"FAIL {f}")
        output.echo(f"{n - len(failures)} passed, {len(failures)} failed")
    sys.exit(output.PROBLEM if failures else output.OK)


@rules_group.command("lint")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.argument("extra", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def rules_lint(as_json: bool, extra: tuple[str, ...]) -> None:
    """Validate the schema of every pack (and EXTRA files) without running examples."""
    eng = _load(extra, as_json)
    if as_json:
        output.print_json({"ok": True, **_summary(eng)})
    else:
        output.echo(f"ok: {len(eng.rules)} rules in {len(eng.packs)} packs")

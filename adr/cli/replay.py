"""`adr replay`: judge recorded actions again (today's or candidate rules) and show what changes."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from adr import display
from adr.cli import main, output
from adr.cli._daemoncall import CallRefused, daemon_call
from adr.paths import get_paths


@main.command("replay")
@click.option("--session", help="Only this session (an id, a prefix of one, or host:id).")
@click.option("--since", help="Only decisions since: 10m, 2h, 7d or an ISO time.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Judge with the shipped packs plus the packs in DIR (repeatable) instead of your rules folder.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Settings from this file instead of adr's config.yaml (mode, sensitivity, disabled_rules …).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per changed decision, nothing else on stdout.")
@click.option("--export", "export_dir", type=click.Path(file_okay=False),
              help="Also write the records as a corpus (JSON Lines: tool_call + expect) into DIR.")
def replay(session: "str | None", since: "str | None", rule_dirs: tuple[str, ...], config_file: "str | None",
           as_json: bool, export_dir: "str | None") -> None:
    """Re-judge recorded actions, offline and deterministically; print only what would now be decided
    differently (was → now, with rule ids) and a summary."""
    from adr.cli.log import parse_since
    from adr.config import ConfigError, load_settings, parse_config_text
    from adr.engine import RuleLoadError
    from adr.engine.core import MissingRules
    from adr.record.index import Filter, open_index
    from adr.record.replay import export_corpus, offline_judge, replay as run
    from adr.record.runs import read_at

    paths = get_paths()
    try:
        daemon_call("history.flush", timeout=60)  # the newest decisions' run records, written and indexed
    except CallRefused:
        pass
    idx = open_index(paths)
    f = Filter(session=session or "", since=parse_since(since).timestamp() if since else None)
    locators = idx.run_locators(f)
    try:
        settings = (parse_config_text(Path(config_file).read_text(encoding="utf-8"), config_file) if config_file
                    else load_settings(paths))
        judge = offline_judge(settings, tuple(Path(d) for d in rule_dirs), paths)
    except (ConfigError, RuleLoadError, MissingRules) as e:
        output.echo(f"adr: {e}", err=True)
        sys.exit(2)
    records = list(read_at(paths.runs_dir, locators))
    changes, summary = run(records, judge)
    for c in changes:
        if as_json:
            click.echo(display.json_text(c.to_dict(), sort_keys=True))
        else:
            output.echo(c.line())
    output.echo(summary.text(), err=as_json)
    if not records and not as_json:
        output.echo("(no run records match: they are kept for run_retention_days; `adr sessions` lists sessions)")
    if export_dir:
        path, n, skipped = export_corpus(records, Path(export_dir))
        extra = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        output.echo(f"exported {n} case(s) to {path}" + (f" ({sum(skipped.values())} skipped: {extra})" if skipped else ""),
                    err=as_json)

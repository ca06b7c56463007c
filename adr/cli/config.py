"""`adr config path | show | edit | set KEY VALUE | confirm`: find, read and change adr's settings.

Weaker settings (a lower sensitivity, monitor mode, more disabled rules … — adr/config.py PROTECTION)
take effect only once you confirm them on your own channel: `edit` and `set` open that confirmation
before they write (the daemon writes the file), and a change written to config.yaml any other way is
held by the daemon until you confirm it (`adr config confirm`, or Confirm on the desktop question).
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

from adr.cli import main, output
from adr.cli.human import fail, guarded, refuse_inside_agent
from adr.config import (PROTECTION, ConfigError, Settings, load_settings, parse_config_text, plain, read_confirmed,
                        read_settings, value_sources, weakenings)
from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request
from adr.paths import Paths, _is_checkout, get_paths


def start_command() -> str:
    """How to start the daemon, for the way adr is installed."""
    return "`make run`" if _is_checkout() else "`adr daemon`"


@main.group("config")
def config_group() -> None:
    """Where adr's settings live, what is in force, and changing them."""


def _locations(paths: Paths) -> dict[str, str]:
    return {"config": str(paths.config_file), "user_rules": str(paths.user_rules_dir),
            "settings_in_force": str(paths.confirmed_settings), "state": str(paths.state_dir),
            "audit_log": str(paths.audit_log), "daemon_log": str(paths.daemon_log), "socket": str(paths.socket)}


@config_group.command("path")
@click.option("--all", "show_all", is_flag=True, help="Every file and directory adr uses.")
@click.option("--json", "as_json", is_flag=True)
def config_path(show_all: bool, as_json: bool) -> None:
    """Print the path of config.yaml (with --all: every location adr uses)."""
    where = _locations(get_paths())
    if as_json:
        click.echo(json.dumps(where if show_all else {"config": where["config"]}, indent=2))
    elif show_all:
        for k, v in where.items():
            output.echo(f"{k:18} {v}")
    else:
        output.echo(where["config"])


def _daemon_held() -> "dict[str, Any] | None":
    try:
        resp = request(P.Request(op="status", id=P.new_id()))
    except (DaemonUnavailable, P.ProtocolError):
        return None
    return resp.data.get("settings_held") or {} if resp.ok else None


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True)
def config_show(as_json: bool) -> None:
    """The settings in force, and where each value comes from (default, config.yaml, held)."""
    paths = get_paths()
    try:
        in_force = load_settings(paths)
        sources = value_sources(paths, read_confirmed(paths))
        held = {w.key: w for w in weakenings(read_confirmed(paths) or in_force, read_settings(paths))}
    except ConfigError as e:
        fail(str(e), output.ERROR)
    daemon = _daemon_held()
    rows = []
    for f in fields(Settings):
        if f.name == "org":  # the organisation's layer: derived, shown by `adr policy status`
            continue
        v = getattr(in_force, f.name)
        row = {"key": f.name, "value": plain(v), "from": sources[f.name],
               "weakens_when": PROTECTION.get(f.name, "same")}
        if f.name in held:
            row["wanted"] = held[f.name].to_dict()["wants"]
        rows.append(row)
    if as_json:
        click.echo(json.dumps({"config": str(paths.config_file), "settings": rows,
                               "daemon": "running" if daemon is not None else "not running",
                               "held": (daemon or {}).get("held", [w.to_dict() for w in held.values()])}, indent=2))
        return
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    t = Table(title=f"adr settings ({escape(str(paths.config_file))})")
    for col in ("setting", "in force", "from"):
        t.add_column(col, overflow="fold")
    for r in rows:
        value = json.dumps(r["value"]) if not isinstance(r["value"], str) else r["value"]
        src = r["from"]
        if "wanted" in r:
            src = f"[yellow]held[/]: config.yaml asks for {escape(json.dumps(r['wanted']))}"
        t.add_row(escape(r["key"]), escape(value), src)
    con = safe_console()
    con.print(t)
    if held:
        con.print("[yellow]Weaker settings wait for your confirmation:[/] `adr config confirm`"
                  + ("" if daemon is not None else f" (the daemon is not running: start it with {start_command()})"))


def _submit(text: str) -> None:
    """Write config.yaml through the daemon, with your confirmation when the change weakens."""
    paths = get_paths()
    try:
        wanted = parse_config_text(text)
        weaker = weakenings(load_settings(paths), wanted)
    except ConfigError as e:
        fail(str(e), output.ERROR)
    if weaker:
        output.echo("These changes weaken protection and need your confirmation:\n  "
                    + "\n  ".join(w.describe() for w in weaker), err=True)

    def send(cid: str, code: str) -> P.Response:
        return request(P.Request(op="config", id=P.new_id(), config_op="write", text=text, challenge=cid, code=code),
                       timeout=60)
    try:
        resp = guarded("config", send, text=text) if weaker else send("", "")
    except DaemonUnavailable:
        _write_direct(paths, text)
        if weaker:
            output.echo(f"adr: the daemon is not running: config.yaml is written, but the weaker values stay held "
                        f"until you confirm them (`adr config confirm` once it runs; start it with {start_command()}).",
                        err=True)
        output.echo(f"written: {paths.config_file}")
        return
    if not resp.ok:
        fail(resp.error)
    output.echo(f"written: {resp.data.get('written')}" + ("; in force now" if (resp.data.get("reload") or {}).get("ok")
                                                          else ""))


def _write_direct(paths: Paths, text: str) -> None:
    paths.ensure()
    tmp = paths.config_file.with_name(paths.config_file.name + ".adr-tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, paths.config_file)


def _current_text(paths: Paths) -> str:
    try:
        return paths.config_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


@config_group.command("set")
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Set one setting in config.yaml (VALUE is YAML: `strict`, `true`, `[a, b]`)."""
    import yaml

    refuse_inside_agent(key, "config set")
    paths = get_paths()
    if key not in {f.name for f in fields(Settings)}:
        fail(f"unknown setting {key!r}; `adr config show` lists them", output.ERROR)
    try:
        data = yaml.safe_load(_current_text(paths)) or {}
        if not isinstance(data, dict):
            fail(f"{paths.config_file} is not a mapping of settings; fix it with `adr config edit`", output.ERROR)
        data[key] = yaml.safe_load(value)
    except yaml.YAMLError as e:
        fail(f"not valid YAML: {e}", output.ERROR)
    _submit(yaml.safe_dump(data, sort_keys=True))


@config_group.command("edit")
def config_edit() -> None:
    """Open config.yaml in $VISUAL / $EDITOR (a private copy); the result is checked, shown and
    applied (weaker settings after your confirmation)."""
    refuse_inside_agent("config", "config edit")
    paths = get_paths()
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or next(
        (e for e in ("nano", "vi") if shutil.which(e)), "")
    if not editor:
        fail("no editor: set $EDITOR", output.ERROR)
    before = _current_text(paths)
    with tempfile.TemporaryDirectory(prefix="adr-config-") as d:
        copy = Path(d) / "config.yaml"
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(before)
        while True:
            rc = subprocess.call([*shlex.split(editor), str(copy)])
            if rc != 0:
                fail(f"the editor exited with {rc}; nothing changed")
            text = copy.read_text(encoding="utf-8")
            try:
                parse_config_text(text)
                break
            except ConfigError as e:
                output.echo(f"adr: {e}", err=True)
                if not sys.stdin.isatty() or not click.confirm("Edit again?", default=True):
                    fail("nothing changed")
    if text == before:
        output.echo("no changes.")
        return
    _submit(text)


@config_group.command("confirm")
def config_confirm() -> None:
    """Confirm the weaker settings config.yaml asks for (the daemon holds them until you do)."""
    refuse_inside_agent("config", "config confirm")

    def send(cid: str, code: str) -> P.Response:
        return request(P.Request(op="config", id=P.new_id(), config_op="confirm", challenge=cid, code=code),
                       timeout=60)
    try:
        held = _daemon_held()
        if held is None:
            raise DaemonUnavailable("no answer")
        if not held.get("held"):
            output.echo("nothing to confirm: no weaker settings are waiting.")
            return
        output.echo("config.yaml asks for weaker protection:\n  "
                    + "\n  ".join(str(h.get("change")) for h in held["held"]), err=True)
        resp = guarded("config-confirm", send)
    except DaemonUnavailable:
        fail(f"the daemon is not running; start it with {start_command()} (it asks you about weaker settings).", output.ERROR)
    if not resp.ok:
        fail(resp.error)
    output.echo("confirmed: " + "; ".join(resp.data.get("confirmed") or []) + " — in force now.")

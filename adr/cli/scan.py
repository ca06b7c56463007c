"""`adr scan [PATH] [--agents] [--json]`: the injection and agent-supply scan, on demand.

`adr scan PATH` judges the text of a file (or every text file under a folder) with the `on: text`
rules — what a hook would say if the agent read it. `adr scan --agents` runs the session-start scan
(adr/supply/agent_supply.py) for the project at PATH (default: here): other tools' hooks and their
scripts, plugins, skills, instruction files, MCP servers (and, with --probe, their tools) for every
host, each with its state (new, known, changed, accepted) and findings. `--accept KEY` is the human's
"I reviewed this": the item's current hash becomes the reviewed one (refused inside an agent).
Exit code 1 when something has ask-level findings or needs review.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from adr.cli import main, output
from adr.paths import get_paths

MAX_FILES = 2000
MAX_FILE_BYTES = 1024 * 1024
INSTRUCTION_NAMES = {"agents.md", "agent.md", "claude.md", "claude.local.md", "gemini.md", ".cursorrules",
                     ".windsurfrules", ".clinerules", "conventions.md", "copilot-instructions.md"}
SKIP = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", "dist", "build"})


def _fail(msg: str, code: int = 2) -> None:
    output.echo(f"adr: {msg}", err=True)
    sys.exit(code)


def _source(p: Path) -> str:
    name = p.name.lower()
    if name in INSTRUCTION_NAMES or p.suffix == ".mdc" or "/.cursor/rules/" in str(p):
        return "instructions"
    if name == "skill.md":
        return "skill"
    return "file"


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
        for f in sorted(filenames):
            out.append(Path(dirpath) / f)
            if len(out) >= MAX_FILES:
                return out
    return out


def _text(p: Path) -> "str | None":
    try:
        if not p.is_file():
            return None
        with open(p, "rb") as f:
            data = f.read(MAX_FILE_BYTES)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None  # binary
    return data.decode("utf-8", "replace")


def scan_paths(root: Path, engine: Any) -> list[dict[str, Any]]:
    from adr.actions import Context, Observation, ObservationKind, RuleAction

    results = []
    for p in _files(root):
        text = _text(p)
        if not text:
            continue
        obs = Observation(ObservationKind.TOOL_OUTPUT, Context(host="scan", cwd=str(p.parent)), text=text,
                          source=_source(p), origin=str(p))
        fs = engine.scan(obs)
        if fs:
            results.append({"path": str(p), "source": obs.source,
                            "ask": any(f.action is not RuleAction.LOG for f in fs),
                            "findings": [{"rule_id": f.rule_id, "title": f.title, "action": f.action.value,
                                          "severity": f.severity.value,
                                          "matched": f.evidence[0].matched[:200] if f.evidence else ""} for f in fs]})
    return results


def scan_agents(cwd: str, hosts: "tuple[str, ...]", probe: bool, engine: Any, settings: Any) -> list[Any]:
    from adr.supply import agent_items
    from adr.supply.agent_supply import SupplyMemory, tool_items

    home = Path.home()
    memory = SupplyMemory(get_paths().ensure().state_dir)
    items = agent_items.discover(home, cwd, hosts=hosts or None)
    judged = memory.judge_all(engine, items, str(home))
    if probe:
        from adr.respond.supply_watch import list_tools

        for s in [j.item for j in judged if j.item.kind == "mcp-server" and j.item.probe]:
            got = list_tools(s, settings.mcp_probe_timeout)
            if got.ok:
                judged += memory.judge_all(engine, tool_items(s, got.tools), str(home))
            else:
                output.echo(f"adr: MCP server {s.name}: {got.error}", err=True)
    return judged


def _accept(key: str) -> None:
    from adr.daemon import protocol as P
    from adr.cli.human import local_refusal, refuse_inside_agent
    from adr.daemon.client import DaemonUnavailable, request

    refuse_inside_agent("agent_supply.accept", f"accept {key}")  # recorded, exits
    try:
        resp = request(P.Request(op="call", id=P.new_id(), target="agent_supply.accept", args={"key": key}))
        if not resp.ok:
            _fail(resp.error, 1)
        output.echo(f"accepted {key} (digest {str(resp.data.get('digest'))[:12]})")
        return
    except (DaemonUnavailable, P.ProtocolError):
        pass
    why = local_refusal()  # no daemon: the same walls, checked here
    if why:
        _fail(f"refused: {why}. Only you can accept what an agent loads, from a terminal of your own.", 1)
    from adr.supply.agent_supply import SupplyMemory

    rec = SupplyMemory(get_paths().ensure().state_dir).accept(key)
    if rec is None:
        _fail(f"no item {key!r} in adr's memory (`adr scan --agents` lists them)", 1)
    output.echo(f"accepted {key} (digest {str(rec.get('digest'))[:12]}; the daemon is not running)")


@main.command("scan")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--agents", is_flag=True, help="Scan what agent sessions load: hooks, plugins, skills, instruction "
              "files, MCP servers (for the project at PATH, default here).")
@click.option("--host", "hosts", multiple=True, help="Only this host's items (with --agents): claude-code, cursor, …")
@click.option("--probe", is_flag=True, help="With --agents: start the MCP servers hosts run without asking and list "
              "their tools, to judge each tool's description.")
@click.option("--accept", "accept_key", metavar="KEY", help="You reviewed this item (as `--agents` names it): "
              "remember its current hash as reviewed.")
@click.option("--all", "show_all", is_flag=True, help="With --agents: list every item, not only those with findings.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def scan(path: "str | None", agents: bool, hosts: "tuple[str, ...]", probe: bool, accept_key: "str | None",
         show_all: bool, as_json: bool) -> None:
    """Scan text for instructions aimed at an agent, or what agent sessions load (--agents)."""
    if accept_key:
        _accept(accept_key)
        return
    if not path and not agents:
        _fail("name a file or folder to scan, or use --agents (see `adr scan --help`)")
    from adr.config import load_settings
    from adr.engine import load_engine

    settings = load_settings()
    engine = load_engine(settings)
    if agents:
        cwd = str(Path(path).resolve()) if path else os.getcwd()
        judged = scan_agents(cwd, hosts, probe, engine, settings)
        shown = judged if show_all else [j for j in judged if j.findings or j.notes or j.needs_review]
        if as_json:
            click.echo(json.dumps({"project": cwd, "items": [j.to_dict() for j in shown],
                                   "total": len(judged)}, indent=2))
        else:
            _print_items(shown, len(judged))
        sys.exit(1 if any(j.needs_review for j in judged) else 0)
    results = scan_paths(Path(path), engine)  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps({"files": results}, indent=2))
    else:
        for r in results:
            mark = "!" if r["ask"] else "·"
            output.echo(f"{mark} {r['path']} ({r['source']})")
            for f in r["findings"]:
                output.echo(f"    {f['rule_id']} [{f['action']}, {f['severity']}] {f['title']}")
                if f["matched"]:
                    output.echo(f"      matched: {' '.join(f['matched'].split())[:160]}")
        if not results:
            output.echo("nothing found")
    sys.exit(1 if any(r["ask"] for r in results) else 0)


def _print_items(judged: list[Any], total: int) -> None:
    if not judged:
        output.echo(f"nothing to report ({total} items checked)")
        return
    for j in judged:
        i = j.item
        flag = "!" if j.needs_review else "·"
        output.echo(f"{flag} {i.kind} {i.name}  [{j.state}{', changed since reviewed' if j.rug_pull else ''}]  "
                    f"{i.host}  {i.source}")
        if i.command and i.kind != "mcp-tool":
            output.echo(f"    runs: {' '.join(i.command.split())[:160]}")
        for f in j.findings:
            output.echo(f"    {f.rule_id} [{f.action.value}, {f.severity.value}] {f.title}")
            if f.evidence and f.evidence[0].matched:
                output.echo(f"      matched: {' '.join(f.evidence[0].matched.split())[:160]}")
        for n in j.notes:
            output.echo(f"    note: {n}")
        if j.needs_review:
            output.echo(f"    after reviewing it: adr scan --accept '{i.key}'")
    output.echo(f"{sum(1 for j in judged if j.needs_review)} need review; {total} items checked")

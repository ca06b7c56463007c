"""`adr sessions` (agent sessions, from the history index and the running daemon),
`adr sessions show ID` (one session's timeline: each action, verdict, who decided, snapshots) and
`adr sessions reset ID` (end a lockdown: adr/policy/breakers.py; only the human)."""
from __future__ import annotations

import sys
import time
from typing import Any

import click

from adr import display
from adr.cli import main, output
from adr.cli._daemoncall import CallRefused, daemon_call
from adr.paths import get_paths

MAX_TREE = 40


def _when(t: "float | None") -> str:
    return time.strftime("%m-%d %H:%M:%S", time.localtime(t)) if t else "-"


def _live(limit: int = 1000) -> dict[tuple[str, str], dict[str, Any]]:
    try:
        got = daemon_call("sessions.list", {"limit": limit}, timeout=5)
    except CallRefused:
        got = None
    return {(s["host"], s["session"]): s for s in (got or {}).get("sessions", [])}


def merged_sessions(limit: int, since: "float | None") -> list[dict[str, Any]]:
    """The index's sessions (they survive daemon restarts) with the daemon's live state on top."""
    from adr.record.index import open_index

    rows = open_index(get_paths()).sessions(limit=limit, since=since)
    live = _live()
    out = []
    for r in rows:
        lv = live.pop((r["host"], r["session"]), None)
        out.append({**r, "live": lv is not None, "flags": (lv or {}).get("flags", {}),
                    "agent_pid": (lv or {}).get("agent_pid"), "pids": (lv or {}).get("pids", []),
                    "wrapped": bool((lv or {}).get("wrapped"))})
    for (host, sid), lv in live.items():  # seen by the daemon, nothing recorded yet (a new `adr wrap`)
        if since is not None and lv.get("last_seen", 0) < since:
            continue
        out.append({"host": host, "session": sid, "agent": lv.get("agent", ""), "project": lv.get("project", ""),
                    "cwd": lv.get("cwd", ""), "first": lv.get("started"), "last": lv.get("last_seen"),
                    "counts": {**lv.get("counts", {}), "other": 0}, "live": True, "flags": lv.get("flags", {}),
                    "agent_pid": lv.get("agent_pid"), "pids": lv.get("pids", []), "wrapped": bool(lv.get("wrapped"))})
    out.sort(key=lambda s: s.get("last") or 0, reverse=True)
    return out[:limit]


@main.group("sessions", invoke_without_command=True)
@click.option("-n", "--limit", type=int, default=30, show_default=True, help="How many sessions (newest first).")
@click.option("--since", help="Only sessions active since: 10m, 2h, 7d or an ISO time.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per session.")
@click.pass_context
def sessions_group(ctx: click.Context, limit: int, since: "str | None", as_json: bool) -> None:
    """Agent sessions adr has seen: host, agent, project, activity and decisions."""
    if ctx.invoked_subcommand is not None:
        return
    from adr.cli.log import parse_since

    items = merged_sessions(limit, parse_since(since).timestamp() if since else None)
    if as_json:
        for s in items:
            click.echo(display.json_text(s))
        return
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    console = safe_console(highlight=False)
    if not items:
        console.print("No agent session recorded yet.")
        return
    t = Table(box=None, pad_edge=False, title="adr sessions")
    for col, kw in (("session", {"no_wrap": True}), ("agent", {}), ("project", {"overflow": "fold"}),
                    ("first", {"no_wrap": True}), ("last", {"no_wrap": True}), ("allow/ask/deny", {"justify": "right"}),
                    ("state", {})):
        t.add_column(col, **kw)
    for s in items:
        c = s["counts"]
        state = ("[green]live[/]" if s["live"] else "[dim]ended or not in this daemon[/]")
        if s["flags"]:
            state += " [red]" + escape(", ".join(s["flags"])) + "[/]"
        t.add_row(escape(f"{s['host']}:{s['session'][:16]}"), escape(s.get("agent") or "-"),
                  escape(s.get("project") or "-"), _when(s.get("first")), _when(s.get("last")),
                  f"[green]{c.get('allow', 0)}[/]/[yellow]{c.get('ask', 0)}[/]/[red]{c.get('deny', 0)}[/]", state)
    console.print(t)


@sessions_group.command("show")
@click.argument("session_id")
@click.option("-n", "--limit", type=int, default=200, show_default=True, help="The last N actions.")
@click.option("--json", "as_json", is_flag=True, help="The session and its timeline as one JSON object.")
def sessions_show(session_id: str, limit: int, as_json: bool) -> None:
    """One session: its processes and its timeline (action, verdict, who decided, snapshot)."""
    from adr.record.index import open_index

    idx = open_index(get_paths())
    pairs = idx.resolve_sessions(session_id)
    if len(pairs) > 1:
        names = ", ".join(f"{h}:{s}" for h, s in pairs[:10])
        _fail(f"{session_id!r} matches several sessions ({names}); give more of the id or host:id")
    live = None
    host, sid = pairs[0] if pairs else (session_id.partition(":")[0], session_id.partition(":")[2] or session_id)
    try:
        got = daemon_call("sessions.show", {"session": f"{host}:{sid}" if pairs else session_id}, timeout=5)
        live = (got or {}).get("session")
    except CallRefused:
        live = None
    if not pairs and live is None:
        _fail(f"no session {session_id!r} in the history or the running daemon (`adr sessions` lists them)")
    if live is not None and not pairs:
        host, sid = live["host"], live["session"]
    info = idx.session(host, sid) or {}
    rows = idx.timeline(host, sid, limit)
    tree = process_tree(live.get("agent_pid") if live else None)
    if as_json:
        click.echo(display.json_text({"session": {**info, **({"live": live} if live else {})}, "processes": tree,
                               "timeline": [_row(r) for r in rows]}))
        return
    _render(host, sid, info, live, tree, rows)


def _row(r: Any) -> dict[str, Any]:
    return {"seq": r.seq, "time": r.t, "id": r.id, "event": r.event, "kind": r.kind, "action": r.summary,
            "decision": r.decision, "decided_by": r.decided_by, "mode": r.mode, "would_decide": r.would or None,
            "rules": r.rule_ids, "snapshot": r.snapshot, "relaxed": r.relaxed}


def process_tree(pid: "int | None") -> list[dict[str, Any]]:
    """The agent process and its descendants (psutil), if it still runs."""
    if not pid:
        return []
    import psutil

    from adr.record.redact import redact

    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)[:MAX_TREE]
    except psutil.Error:
        return []
    out = []
    for p in procs:
        try:
            with p.oneshot():
                out.append({"pid": p.pid, "ppid": p.ppid(), "name": p.name(),
                            "cmdline": redact(" ".join(p.cmdline()), 200), "started": p.create_time()})
        except psutil.Error:
            continue
    return out


@sessions_group.command("reset")
@click.argument("session_id")
def sessions_reset(session_id: str) -> None:
    """End a session's lockdown (and its breaker counts). Only you can: refused inside an agent."""
    from adr.cli.human import refuse_inside_agent
    from adr.cli.output import fail

    refuse_inside_agent("breakers.reset", "reset")
    try:
        got = daemon_call("breakers.reset", {"session": session_id})
    except CallRefused as e:
        fail(str(e))
    if got is None:
        fail("the daemon is not running; a lockdown lives in the daemon and ended with it.")
    s = got.get("session") or {}
    output.echo(f"session {s.get('session', session_id)}: " + ("lockdown ended" if got.get("reset")
                                                                else "was not in lockdown; its counts start afresh"))


def _render(host: str, sid: str, info: dict[str, Any], live: "dict[str, Any] | None", tree: list[dict[str, Any]],
            rows: list[Any]) -> None:
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    console = safe_console(highlight=False)
    c = info.get("counts") or (live or {}).get("counts") or {}
    console.print(f"[bold]session {escape(host)}:{escape(sid)}[/]  agent {escape(info.get('agent') or (live or {}).get('agent') or '-')}"
                  f"  project {escape(info.get('project') or (live or {}).get('project') or '-')}")
    console.print(f"first {_when(info.get('first') or (live or {}).get('started'))} · last "
                  f"{_when(info.get('last') or (live or {}).get('last_seen'))} · "
                  f"[green]{c.get('allow', 0)} allow[/] · [yellow]{c.get('ask', 0)} ask[/] · [red]{c.get('deny', 0)} deny[/]")
    for name, f in ((live or {}).get("flags") or {}).items():
        console.print(f"[red]flag {escape(name)}[/]: {escape(str(f.get('reason', '')))} (by {escape(str(f.get('by', '')))})")
    if tree:
        console.print("[bold]processes[/]")
        for p in tree:
            console.print(f"  {p['pid']:>7} ← {p['ppid']:<7} {escape(p['name'])}  [dim]{escape(p['cmdline'])}[/]")
    elif live and live.get("agent_pid"):
        console.print(f"[dim]agent process {live['agent_pid']} is no longer running[/]")
    t = Table(box=None, pad_edge=False, title="timeline")
    for col, kw in (("time", {"no_wrap": True}), ("action", {"overflow": "fold", "ratio": 1}), ("decision", {}),
                    ("by", {}), ("rules", {"overflow": "fold"}), ("snapshot", {"no_wrap": True})):
        t.add_column(col, **kw)
    style = {"allow": "green", "ask": "yellow", "deny": "red"}
    for r in rows:
        d = f"[{style.get(r.decision, 'white')}]{escape(r.decision or r.event)}[/]"
        if r.relaxed == "undo":
            d += " [dim](undoable)[/]"
        t.add_row(_when(r.t), escape(r.summary), d, escape(r.decided_by), escape(", ".join(r.rule_ids)),
                  escape(r.snapshot or ""))
    console.print(t)
    if any(r.snapshot for r in rows):
        console.print(f"[dim]undo this session's changes: adr undo --session {escape(host)}:{escape(sid)} --dry-run[/]")


def _fail(msg: str) -> None:
    output.echo(f"adr: {msg}", err=True)
    sys.exit(1)

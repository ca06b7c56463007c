"""`adr undo` (put files back as they were before an agent's actions) and `adr history PATH`."""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import click

from adr.cli import main, output
from adr.cli._daemoncall import CallRefused, daemon_call
from adr.paths import get_paths

_STYLE = {"restore": "green", "conflict": "yellow", "lost": "red", "undone": "dim", "unchanged": "dim"}


def _store() -> Any:
    from adr.respond.store import Store

    return Store(get_paths().snapshots_dir)


def _sealed(store: Any) -> bool:
    """Make sure every snapshot taken so far is recorded: by the daemon when it runs (it owns the
    background sealer), else here. Returns whether a daemon answered."""
    from adr.respond.snapshot import SealError, Snapshotter

    try:
        up = daemon_call("undo.flush", timeout=60) is not None
    except CallRefused:
        up = True
    if not up:
        try:
            Snapshotter(store).recover()  # what a daemon that is gone journaled but did not seal
        except SealError as e:
            output.echo(f"adr: warning: {e}", err=True)
    return up


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


MIN_PREFIX = 6


def _select(store: Any, event_id: "str | None", session: "str | None", since: "str | None") -> list[Any]:
    if event_id:
        return _by_event(store, event_id)
    if session:
        snaps = store.find(session=session)
        if not snaps:
            from adr.record.index import open_index

            for host, sid in open_index(get_paths()).resolve_sessions(session):
                snaps += store.find(session=f"{host}:{sid}")
        return [s for s in snaps if s.origin != "undo"]
    from adr.cli.log import parse_since

    return [s for s in store.find(since=parse_since(since or "").timestamp()) if s.origin != "undo"]


def _by_event(store: Any, ref: str) -> list[Any]:
    """One action's snapshots: its audit id or seq, or a snapshot id — exactly, or by a prefix (at least
    six characters) that names one of them only. Undo never guesses between several."""
    if ref.isdigit() and len(ref) < 16:  # an audit seq number
        from adr.record.index import open_index

        rows = open_index(get_paths()).query("SELECT id FROM audit WHERE seq = ?", (int(ref),))
        if rows and rows[0][0]:
            return store.find(event_id=rows[0][0])
    snaps = store.find(event_id=ref) or store.find(snapshot_id=ref)
    if snaps or len(ref) < MIN_PREFIX:
        return snaps
    hits = store.ids_with_prefix(ref)
    events = {e or i for e, i in hits}
    if len(events) > 1:
        _fail(f"{ref!r} is the start of several events ({', '.join(sorted(events)[:6])}); give more of it")
    if not hits:
        return []
    event, sid = hits[0]
    return store.find(event_id=event) if event else store.find(snapshot_id=sid)


@main.command("undo")
@click.argument("event_id", required=False)
@click.option("--session", help="Undo every change of this session (newest first).")
@click.option("--since", help="Undo every change since then: 10m, 2h, 1d or an ISO time.")
@click.option("--dry-run", is_flag=True, help="Print the plan with the differences; change nothing.")
@click.option("--force", is_flag=True, help="Also overwrite files that changed since the agent's change.")
@click.option("--yes", is_flag=True, help="Do not ask: conflicts are left alone unless --force (it must still be you, "
              "at your terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and the result as JSON.")
def undo(event_id: "str | None", session: "str | None", since: "str | None", dry_run: bool, force: bool, yes: bool,
         as_json: bool) -> None:
    """Put back what an agent's actions changed, from adr's snapshots.

    EVENT_ID is the audit record's id (from `adr log --json`, or the message that allowed the action),
    its seq number, or a snapshot id. A file that changed again since the agent's change is not
    overwritten: adr shows the difference and asks (`--force` overwrites it anyway)."""
    from adr.cli.human import refuse_inside_agent
    from adr.respond import undo as U

    if sum(bool(x) for x in (event_id, session, since)) != 1:
        raise click.UsageError("give exactly one of EVENT_ID, --session ID or --since T")
    if not dry_run:  # undo writes over whatever is there now: only the human may (the daemon checks again)
        refuse_inside_agent("undo", "undo")
    store = _store()
    daemon_up = _sealed(store)
    snaps = _select(store, event_id, session, since)
    label = f"event {event_id}" if event_id else f"session {session}" if session else f"since {since}"
    if not snaps:
        if as_json:
            click.echo(json.dumps({"plan": [], "result": None}))
        else:
            output.echo(f"Nothing to undo for {label}: adr has no snapshot of it.")
        return
    steps = U.plan(store, snaps)
    if not as_json:
        _print_plan(store, steps, snaps, diffs=dry_run)
    if dry_run:
        if as_json:
            click.echo(json.dumps({"plan": [s.to_dict() for s in steps], "result": None}))
        return
    todo = [s for s in steps if s.status == U.OK]
    conflicts = [s for s in steps if s.status == U.CONFLICT]
    chosen: list[tuple[str, int, Any]] = []
    interactive = sys.stdin.isatty() and not yes
    if not todo and not conflicts:
        if not as_json:
            output.echo("Nothing to restore.")
        else:
            click.echo(json.dumps({"plan": [s.to_dict() for s in steps], "result": None}))
        return
    if not yes and not interactive:
        _fail("undo changes files: confirm in a terminal, or pass --yes (conflicting files are then left alone "
              "unless --force)")
    if conflicts and not force and interactive:
        for s in conflicts:
            output.echo(f"\n{s.path}: {s.reason}")
            output.echo(U.conflict_text(store, s))
            if click.confirm(f"Overwrite {s.path} with its version from before the action?", default=False):
                chosen.append((s.snapshot, s.n, s.current))
    if interactive and not click.confirm(f"Restore {len(todo) + len(chosen) + (len(conflicts) if force else 0)} "
                                         "path(s)?", default=False):
        _fail("nothing changed.")
    from adr.respond.undo_desk import UndoRequest, run_undo, undo_entry

    one = len({(s.host, s.session) for s in snaps}) == 1  # the undo shows in that session's timeline
    req = UndoRequest(tuple(s.id for s in snaps), tuple(chosen), force, label, snaps[0].session if one else "",
                      snaps[0].host if one else "")
    result = None
    if daemon_up:
        try:
            got = daemon_call("undo.apply", req.to_args(), timeout=600)
        except CallRefused as e:
            _fail(str(e))
        if got is not None:
            result = got["result"]
            if got.get("audit_error"):
                output.echo(f"adr: warning: the undo could not be recorded: {got['audit_error']}", err=True)
    if result is None:  # no daemon: do it here, after the same walls, and record it in the audit log ourselves
        from adr.cli.human import local_refusal
        from adr.record.audit import AuditLog
        from adr.respond.snapshot import Snapshotter

        why = local_refusal()
        if why:
            _fail(f"refused: {why}. Only you can undo, from a terminal of your own.")

        res, entry = run_undo(store, Snapshotter(store), req, "cli")
        result = res.to_dict()
        try:
            log = AuditLog(get_paths().ensure().audit_dir)
            try:
                log.append(entry)
            finally:
                log.close()
        except OSError as e:
            output.echo(f"adr: warning: the undo could not be recorded in the audit log: {e}", err=True)
    if as_json:
        click.echo(json.dumps({"plan": [s.to_dict() for s in steps], "result": result}))
    else:
        _print_result(result)
    if result.get("kept") or result.get("lost") or result.get("errors"):
        sys.exit(1)


def _print_plan(store: Any, steps: list[Any], snaps: list[Any], diffs: bool) -> None:
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written

    from adr.respond import undo as U

    console = safe_console(highlight=False)
    by_snap: dict[str, list[Any]] = {}
    for s in steps:
        by_snap.setdefault(s.snapshot, []).append(s)
    for snap in sorted(snaps, key=lambda x: (x.created, x.id), reverse=True):
        group = by_snap.get(snap.id, [])
        head = f"[bold]{_when(snap.created)}[/]  {escape(snap.summary or '(no summary)')}"
        console.print(f"{head}  [dim]event {escape(snap.event_id or '-')} · snapshot {snap.id}[/]")
        if not snap.complete and snap.note:
            console.print(f"  [yellow]not fully undoable:[/] {escape(snap.note)}")
        for s in group:
            style = _STYLE.get(s.status, "white")
            why = f"  [dim]{escape(s.reason)}[/]" if s.reason else ""
            console.print(f"  [{style}]{s.status:<9}[/] {escape(s.path)}{why}")
            if diffs and s.status in (U.OK, U.CONFLICT):
                text = U.conflict_text(store, s) if s.status == U.CONFLICT else _restore_diff(store, s)
                for line in text.splitlines()[:200]:
                    console.print("      " + escape(line))


def _restore_diff(store: Any, s: Any) -> str:
    from adr.respond import undo as U

    now = U._text(store, s.current, s.path)
    before = U._text(store, s.pre, None)
    if now is not None and before is not None:
        return U._diff(now, before, "now", "after undo")
    return f"now: {s.current.label()}  →  after undo: {s.pre.label()}"


def _print_result(r: dict[str, Any]) -> None:
    output.echo(f"Restored {len(r.get('restored') or [])} path(s).")
    for p, why in r.get("kept") or []:
        output.echo(f"  left as it is: {p} ({why})")
    for p, why in r.get("lost") or []:
        output.echo(f"  cannot be restored: {p} ({why})")
    for p, why in r.get("errors") or []:
        output.echo(f"  failed: {p} ({why})")
    if r.get("redo"):
        output.echo(f"What undo replaced is kept as snapshot {r['redo']} (`adr undo {r['redo']}` puts it back).")


@main.command("history")
@click.argument("path", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version.")
def history(path: str, as_json: bool) -> None:
    """A file's versions that adr kept, with the actions that changed them."""
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    from adr.respond.store import current_state

    store = _store()
    _sealed(store)
    target = os.path.normpath(os.path.join(os.getcwd(), os.path.expanduser(path)))
    items = store.history(target)
    now = current_state(target)
    if as_json:
        for snap, e in items:
            click.echo(json.dumps({"time": snap.created, "event_id": snap.event_id, "snapshot": snap.id,
                                   "session": snap.session, "host": snap.host, "action": snap.summary,
                                   "origin": snap.origin, "before": e.pre.to_dict(),
                                   "after": e.post.to_dict() if e.post else None, "after_seen": e.post_state,
                                   "undone": e.undone, "evicted": snap.evicted}))
        return
    console = safe_console(highlight=False)
    if not items:
        console.print(f"adr has no snapshot of {escape(target)}.")
        return
    t = Table(title=f"versions of {target}", box=None, pad_edge=False)
    for col in ("time", "action (event · session)", "before it", "it left"):
        t.add_column(col, overflow="fold")
    for snap, e in items:
        after = e.post.label() if e.post else "not seen yet"
        if e.post_state == "predicted":
            after += " (predicted)"
        flags = " [red](evicted)[/]" if snap.evicted else " [dim](undone)[/]" if e.undone else ""
        what = f"{escape(snap.summary)} [dim]({escape(snap.event_id or snap.id)} · {escape(snap.session or '-')})[/]"
        t.add_row(_when(snap.created), what + flags, escape(e.pre.label()), escape(after))
    console.print(t)
    console.print(f"now: {escape(now.label())}")


def _fail(msg: str) -> None:
    output.echo(f"adr: {msg}", err=True)
    sys.exit(1)

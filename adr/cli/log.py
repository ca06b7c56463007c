"""`adr log` (read, filter, follow the audit log) and `adr log verify` (check its hash chain)."""
from __future__ import annotations

import json
import os
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator

import click

from adr.record.audit import iter_records, last_record, verify
from adr import display
from adr.cli import main, output
from adr.paths import get_paths

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """'10m', '2h', '7d' (ago) or an ISO date/time (UTC unless it says otherwise)."""
    now = now or datetime.now(timezone.utc)
    m = _DURATION.match(text.strip().lower())
    if m:
        return now - timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r}: use a duration like 10m, 2h, 7d or an ISO time like 2026-01-31T12:00") from None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _time_of(rec: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(rec.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        return None


def matches(rec: dict[str, Any], *, session: str | None = None, host: str | None = None,
            verdict: str | None = None, rule: str | None = None, since: datetime | None = None) -> bool:
    if session and not str(rec.get("session", "")).startswith(session):
        return False
    if host and rec.get("host") != host:
        return False
    if verdict and rec.get("decision") != verdict:
        return False
    if rule and not any(str(f.get("rule_id", "")) == rule or str(f.get("rule_id", "")).startswith(rule + ".")
                        for f in rec.get("findings") or [] if isinstance(f, dict)):
        return False
    if since:
        t = _time_of(rec)
        if t is None or t < since:
            return False
    return True


def select_records(paths: Any, flt: dict[str, Any], limit: int) -> Iterator[dict[str, Any]]:
    """The last `limit` matching records (0: all), oldest first, through the history index: the cost is
    the result's, not the log's. Without a usable index (read-only state dir, damaged database), the
    log itself is scanned."""
    import sqlite3

    from adr.record.index import Filter, open_index

    f = Filter(session=flt["session"] or "", host=flt["host"] or "", verdict=flt["verdict"] or "",
               rule=flt["rule"] or "", since=flt["since"].timestamp() if flt["since"] else None)
    try:
        idx = open_index(paths, progress=_indexing_note(paths))
        if limit > 0:
            rows: Iterable[Any] = idx.page(f, limit)
        elif not any(flt.values()):
            return iter_records(paths.audit_dir)  # everything: stream the log itself
        else:
            rows = idx.rows(f)
        return idx.records(rows)
    except (sqlite3.Error, OSError) as e:
        output.echo(f"adr: the history index cannot be used ({e}); reading the whole log", err=True)
    records = [r for r in iter_records(paths.audit_dir) if matches(r, **flt)]
    return iter(records[-limit:] if limit > 0 else records)


def _indexing_note(paths: Any) -> Any:
    """Say once on stderr when a large catch-up runs (the first `adr log` after an upgrade)."""
    said = []

    def progress(n: int) -> None:
        if n >= 20_000 and not said:
            said.append(1)
            output.echo(f"adr: indexing the audit log for fast queries ({paths.index_db}) …", err=True)
    return progress


@main.group("log", invoke_without_command=True)
@click.option("--session", help="Only this session id (a prefix is enough).")
@click.option("--host", help="Only this host, e.g. claude-code.")
@click.option("--verdict", type=click.Choice(["allow", "ask", "deny", "error"]), help="Only this decision.")
@click.option("--rule", help="Only records with a finding from this rule id.")
@click.option("--since", help="Only newer records: 10m, 2h, 7d, or an ISO time.")
@click.option("-n", "--limit", type=int, default=50, show_default=True, help="Show the last N matching records (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print matching records as JSON Lines.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new records as they are written.")
@click.pass_context
def log_group(ctx: click.Context, session: str | None, host: str | None, verdict: str | None, rule: str | None,
              since: str | None, limit: int, as_json: bool, follow: bool) -> None:
    """Show what adr decided: one record per decision, newest last."""
    if ctx.invoked_subcommand is not None:
        return
    paths = get_paths()
    audit_dir = paths.audit_dir
    flt = dict(session=session, host=host, verdict=verdict, rule=rule, since=parse_since(since) if since else None)
    records = select_records(paths, flt, limit)
    last_seq = 0
    if as_json:
        for r in records:
            last_seq = max(last_seq, int(r.get("seq", 0)))
            click.echo(display.json_text(r))
    else:
        records = list(records)
        last_seq = max((int(r.get("seq", 0)) for r in records), default=0)
        _print_table(records, title=f"adr audit log ({audit_dir})")
    if not follow:
        return
    if not last_seq:
        last = last_record(audit_dir)
        last_seq = int(last.get("seq", 0)) if last else 0
    try:
        for r in follow_records(audit_dir, after_seq=last_seq):
            if matches(r, **flt):
                if as_json:
                    click.echo(display.json_text(r))
                else:
                    _print_table([r], header=False)
    except KeyboardInterrupt:
        pass


def follow_records(audit_dir: os.PathLike[str] | str, after_seq: int, poll: float = 0.3) -> Iterator[dict[str, Any]]:
    """New records as they come, in order, across rotations (polling: cheap and works everywhere).
    A file that rotated away between two reads (a burst of decisions, a small `max_bytes`) shows as a
    gap in the sequence numbers: its records are read from the rotated files before going on."""
    from pathlib import Path

    path = Path(audit_dir) / "audit.jsonl"
    fh, ino = None, None
    while True:
        try:
            st = path.stat()
        except FileNotFoundError:
            st = None
        if st is not None and (fh is None or st.st_ino != ino):
            # new or rotated file: open it first, then catch up from the whole log, then read the open
            # file from its start (records up to after_seq are skipped). Seeking to its end instead lost
            # what was appended between the catch-up and the open.
            try:
                new_fh = open(path, "rb")
            except FileNotFoundError:
                new_fh = None
            for r in records_after(Path(audit_dir), after_seq):
                after_seq = int(r["seq"])
                yield r
            if new_fh is not None:
                if fh:
                    fh.close()
                fh, ino = new_fh, os.fstat(new_fh.fileno()).st_ino
        if fh is not None:
            for raw in iter(fh.readline, b""):
                if not raw.endswith(b"\n"):
                    fh.seek(-len(raw), os.SEEK_CUR)  # a record still being written
                    break
                try:
                    r = json.loads(raw)
                except ValueError:
                    continue
                seq = int(r.get("seq", 0)) if isinstance(r, dict) else 0
                if seq > after_seq + 1:
                    for m in records_after(Path(audit_dir), after_seq, before=seq):
                        after_seq = int(m["seq"])
                        yield m
                if seq > after_seq:
                    after_seq = seq
                    yield r
        time.sleep(poll)


def records_after(audit_dir: "os.PathLike[str]", after_seq: int, before: "int | None" = None) -> list[dict[str, Any]]:
    """Records with after_seq < seq (< before), oldest first, from a listing of the log's files that
    did not change while they were read (a rotation in the middle renames the file being read: the
    read is done again, at most a few times, keeping what was found)."""
    from pathlib import Path

    from adr.record.audit import rotated_files
    found: dict[int, dict[str, Any]] = {}
    for _ in range(4):
        listed = rotated_files(Path(audit_dir))
        for r in iter_records(Path(audit_dir)):
            seq = r.get("seq")
            if isinstance(seq, int) and seq > after_seq and (before is None or seq < before):
                found.setdefault(seq, r)
        if rotated_files(Path(audit_dir)) == listed:
            break
    return [found[k] for k in sorted(found)]


_STYLE = {"allow": "green", "ask": "yellow", "deny": "red", "error": "magenta"}


def _print_table(records: Iterable[dict[str, Any]], title: str | None = None, header: bool = True) -> None:
    """A table on wide terminals; on narrow ones, each record as a line of facts + the action below."""
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    console = safe_console()
    wide = console.width >= 120
    t = Table(title=escape(title) if wide and title else None, show_header=header, box=None, pad_edge=False, expand=wide)
    cols = [("seq", {"justify": "right", "style": "dim", "no_wrap": True}), ("time (UTC)", {"no_wrap": True}),
            ("host", {"max_width": 12, "no_wrap": True}), ("session", {"max_width": 8, "no_wrap": True}),
            ("decision", {"no_wrap": True}), ("rules", {"max_width": 32, "overflow": "fold"})]
    if wide:
        cols.append(("action", {"overflow": "fold", "ratio": 1}))
    elif title:
        console.print(f"[bold]{escape(title)}[/]")
    for col, kw in cols:
        t.add_column(col, **kw)
    for r in records:
        d = str(r.get("decision", ""))
        by = str(r.get("decided_by", ""))
        label = f"[{_STYLE.get(d, 'white')}]{escape(d)}[/]" + (f" [dim]({escape(by)})[/]" if by != "engine" else "")
        rules = ", ".join(str(f.get("rule_id", "")) for f in r.get("findings") or [] if isinstance(f, dict))
        action = escape(str(r.get("summary", "")) or str(r.get("error", "")))
        row = [str(r.get("seq", "")), str(r.get("time", ""))[5:19].replace("T", " "),
               escape(str(r.get("host", ""))), escape(str(r.get("session", ""))[:8]), label, escape(rules)]
        if wide:
            t.add_row(*row, action)
        else:
            console.print(f"[dim]{row[0]:>5}[/]  {row[1]}  {row[2]}  {row[3]}  {label}  {row[5]}", highlight=False)
            console.print(f"       [dim]→[/] {action}", highlight=False)
    if wide:
        console.print(t)


@log_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def log_verify(as_json: bool) -> None:
    """Check the audit log's hash chain; name the first record that was changed or removed (exit 1)."""
    audit_dir = get_paths().audit_dir
    result = verify(audit_dir)
    b = result.broken
    if as_json:
        output.print_json({"ok": result.ok, "records": result.records, "files": result.files,
                           "broken": None if b is None else {"file": str(b.file), "line": b.line, "seq": b.seq,
                                                             "problem": b.problem}})
        sys.exit(output.OK if result.ok else output.PROBLEM)
    if result.ok:
        output.echo(f"audit log OK: {result.records} records in {result.files} file(s), hash chain intact.")
        return
    assert b is not None
    seq = f" (seq {b.seq})" if b.seq is not None else ""
    where = f"{b.file}:{b.line}" if b.line else str(b.file)
    output.echo(f"audit log BROKEN at {where}{seq}: {b.problem}. "
                f"{result.records} records before it verified.", err=True)
    sys.exit(output.PROBLEM)

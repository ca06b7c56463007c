"""`adr pending`, `adr approve ID [CODE]`, `adr deny ID [CODE]`, `adr grants list | revoke ID`.

Answers go to the daemon over its socket; the daemon's gate (adr/daemon/gate.py) checks that a
human at a terminal sent them and, for a question shown on the desktop, that they carry its
one-time code — so an agent cannot answer for itself by any route. Refusals are security events in
the audit log.
"""
from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

import click

from adr.cli import main, output
from adr.cli.human import fail, read_code, refuse_inside_agent
from adr.daemon import protocol as P
from adr.daemon.client import DaemonUnavailable, request
from adr.daemon.failsafe import FIX_HINT
from adr.notify import interface as N
from adr.paths import get_paths

_FOR = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhd]?)$")


_fail = fail


def _questions() -> list[dict[str, Any]]:
    try:
        resp = request(P.Request(op="pending", id=P.new_id()), timeout=15)
    except (DaemonUnavailable, P.ProtocolError) as e:
        _fail(f"the daemon is not running ({e}); there is nothing to answer. {FIX_HINT}.")
    if not resp.ok:
        _fail(resp.error)
    return list(resp.data.get("questions") or [])


def _send(qid: str, choice: str, minutes: float = 0, confirmed: bool = False, code: str = "",
          prompt: bool = True) -> tuple[bool, str]:
    """Answer question `qid`; when it needs the code from the desktop and none was given, ask for it
    at the terminal (Enter alone shows the question again)."""
    for _ in range(4):
        try:
            resp = request(P.Request(op="answer", id=P.new_id(), question=qid, choice=choice, minutes=minutes,
                                     confirmed=confirmed, code=code, reshow=prompt and not code), timeout=15)
        except (DaemonUnavailable, P.ProtocolError) as e:
            return False, f"the daemon is not running ({e})"
        if resp.ok:
            grants = resp.data.get("grants") or []
            extra = f"; grant {', '.join('#' + str(g) for g in grants)} recorded" if grants else ""
            return True, f"{resp.data.get('result')}{extra}"
        if not prompt or resp.error_code not in ("code_required", "wrong_code") or "closed" in resp.error:
            return False, resp.error
        why = "wrong code; " if resp.error_code == "wrong_code" else ""
        typed = read_code(f"adr: {why}the code shown with question {qid} on your desktop "
                          + ("(Enter: give up): " if why else "(Enter: show it again): "))
        if typed is None or (why and not typed):
            return False, resp.error
        code = typed
    return False, "not answered"


def _confirm_override(q: dict[str, Any]) -> bool:
    if not sys.stdin.isatty():
        _fail("refused: overriding a critical rule needs you to confirm at a terminal.")
    output.echo(f"\nCRITICAL rule {q.get('rule_id')}: {q.get('rule_title')}\n  {q.get('action')}\n"
                f"  {q.get('agent') or q.get('host')} in {q.get('project')}")
    typed = click.prompt("This rule blocks the action by default. Type 'override' to allow it this one time",
                         default="", show_default=False)
    return typed.strip().lower() == "override"


def _minutes(text: str) -> float:
    m = _FOR.match(text.strip().lower())
    if not m:
        raise click.BadParameter(f"{text!r}: use 30m, 2h or 1d")
    return float(m.group(1)) * {"": 1, "m": 1, "h": 60, "d": 1440}[m.group(2)]


@main.command("pending")
@click.option("--json", "as_json", is_flag=True, help="Print the open questions as JSON and exit.")
@click.option("--once", is_flag=True, help="Print the open questions once and exit (no live view).")
def pending(as_json: bool, once: bool) -> None:
    """Questions waiting for you, live: answer each with one key."""
    if as_json:
        click.echo(json.dumps(_questions(), indent=2))
        return
    if once or not sys.stdin.isatty() or not sys.stdout.isatty():
        from adr.display import console as safe_console

        from adr.notify.terminal import table

        safe_console().print(table(_questions(), keys=False))
        return
    refuse_inside_agent("*", "pending")
    from adr.notify.terminal import live

    live(_questions, lambda qid, choice, confirmed, code: _send(qid, choice, confirmed=confirmed, code=code,
                                                                prompt=False),
         _confirm_override, lambda q: read_code(f"code shown with question {q['id']} on your desktop: ") or "")


@main.command("approve")
@click.argument("question_id")
@click.argument("code", required=False, default="")
@click.option("--session", "scope", flag_value="session", help="Allow it for the rest of this agent session.")
@click.option("--project", "scope", flag_value="project", help="Always allow it in this project (ask-level rules).")
@click.option("--everywhere", "scope", flag_value="global", help="Always allow it, in every project.")
@click.option("--for", "for_", metavar="DURATION", help="Allow it for a while: 30m, 2h, 1d.")
@click.option("--override", is_flag=True, help="A critical (deny-level) rule: allow once, after a typed confirmation "
                                               "(needs allow_critical_override in config.yaml).")
def approve(question_id: str, code: str, scope: str | None, for_: str | None, override: bool) -> None:
    """Allow what question QUESTION_ID asks about (once, unless you say otherwise). CODE: the one-time
    code the question shows on your desktop (asked for here when you leave it out)."""
    choice = {None: N.ALLOW_ONCE, "session": N.ALLOW_SESSION, "project": N.ALLOW_PROJECT,
              "global": N.ALLOW_GLOBAL}[scope]
    minutes = 0.0
    if for_:
        choice, minutes = N.ALLOW_MINUTES, _minutes(for_)
    refuse_inside_agent(question_id, N.CONFIRM if override else choice)
    if override:
        q = next((q for q in _questions() if q.get("id") == question_id), None)
        if q is None:
            _fail(f"no open question {question_id!r} (see `adr pending`)")
        if not q.get("critical"):
            _fail(f"question {question_id} is not about a critical rule; approve it without --override")
        if not _confirm_override(q):
            _fail("not overridden.")
        choice = N.CONFIRM
    ok, msg = _send(question_id, choice, minutes=minutes, confirmed=override, code=code)
    if not ok:
        _fail(msg)
    output.echo(f"question {question_id}: {msg}.")


@main.command("deny")
@click.argument("question_id")
@click.argument("code", required=False, default="")
def deny(question_id: str, code: str) -> None:
    """Deny what question QUESTION_ID asks about (CODE: as for `adr approve`)."""
    refuse_inside_agent(question_id, N.DENY)
    ok, msg = _send(question_id, N.DENY, code=code)
    if not ok:
        _fail(msg)
    output.echo(f"question {question_id}: {msg}.")


@main.group("grants", invoke_without_command=True)
@click.pass_context
def grants_group(ctx: click.Context) -> None:
    """What you allowed beyond one answer (this session, a while, a project, always)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(grants_list)


@grants_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also expired, used and revoked grants.")
@click.option("--json", "as_json", is_flag=True)
def grants_list(show_all: bool, as_json: bool) -> None:
    """List grants (active ones unless --all)."""
    from adr.policy.grants import GrantStore

    store = GrantStore(get_paths().grants_db)
    try:
        items = store.list(include_inactive=show_all)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([g.to_dict() for g in items], indent=2))
        return
    from adr.display import console as safe_console
    from adr.display import markup as escape  # agent text: shown as written
    from rich.table import Table

    t = Table(title="adr grants", expand=True)
    for col in ("id", "rule", "action (normalized)", "scope", "by", "created", "state"):
        t.add_column(col, overflow="fold")
    for g in items:
        where = {"session": f"session {g.session[:10]}", "project": f"project {g.project}",
                 "minutes": "until " + time.strftime("%Y-%m-%d %H:%M", time.localtime(g.expires or 0)),
                 "global": "everywhere", "once": "once (retry)"}.get(g.scope, g.scope)
        state = ("[red]UNVERIFIED: ignored (not written by adr)[/]" if not g.verified else "active" if g.active() else
                 ("revoked" if g.revoked else ("used" if g.scope == "once" and g.uses else "expired")))
        t.add_row(str(g.id), escape(g.rule_id), escape(g.subject), escape(where), escape(g.channel),
                  time.strftime("%Y-%m-%d %H:%M", time.localtime(g.created)), f"{state} ({g.uses} uses)")
    if not items:
        t.add_row("", "", "[dim]no grants[/]", "", "", "", "")
    safe_console().print(t)


@grants_group.command("revoke")
@click.argument("grant_id", type=int)
def grants_revoke(grant_id: int) -> None:
    """Revoke grant GRANT_ID: the next such action is asked about again."""
    from adr.policy.grants import GrantStore

    store = GrantStore(get_paths().grants_db)
    try:
        if not store.revoke(grant_id):
            _fail(f"no active grant #{grant_id} (see `adr grants list --all`)")
    finally:
        store.close()
    output.echo(f"grant #{grant_id} revoked.")

"""Rich rendering of a verdict: the decision, each finding with its evidence, and how the
command was understood (the normalized commands the rules saw).

Every value here is the agent's own words or derived from them: each goes in as display.text (never
markup, hidden characters shown), and the console shows hidden characters in anything else."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from adr.actions import Action, ActionKind, Decision, Verdict
from adr.display import console as safe_console, text

_STYLE = {Decision.ALLOW: "bold green", Decision.ASK: "bold yellow", Decision.DENY: "bold red"}


def print_explanation(action: Action, verdict: Verdict, console: Console | None = None) -> None:
    con = console or safe_console()
    head = Text(verdict.decision.value.upper(), style=_STYLE[verdict.decision])
    if verdict.mode == "monitor" and verdict.would_decide:
        head.append(f"  (monitor mode: enforce would say {verdict.would_decide.value})", style="dim")
    con.print(head, text(" " + action.summary(160)))
    if verdict.findings:
        t = Table(show_header=True, header_style="bold", expand=False)
        for col in ("rule", "severity", "action", "title", "evidence"):
            t.add_column(col, overflow="fold")
        for f in verdict.findings:
            ev = "\n".join(
                (e.subject + (f"  ({e.field.removeprefix('match.')}: {e.matched})" if e.matched and e.matched != e.subject else "")
                 + (f"  [{e.note}]" if e.note else ""))[:240] for e in f.evidence)
            # cells as text: evidence holds the agent's own words (paths, commands), never markup
            t.add_row(*(text(x) for x in (f.rule_id, f.severity.value, f.action.value, f.title, ev)))
        con.print(t)
    con.print(text(verdict.reason, style="dim"))
    if action.kind is ActionKind.EXEC:
        from adr.shell.parse import parse
        p = parse(action.command)
        con.print(Text("understood as:", style="bold"))
        for c in p.commands[:40]:
            line = text("  " + " ".join(_q(a) for a in c.argv)[:200])
            tags = [t for t in (("sudo" if c.sudo else ""), (f"via {c.via}" if c.via else ""),
                                (f"stdin from {', '.join(c.upstream)}" if c.upstream else ""),
                                ("dynamic" if c.dynamic else "")) if t]
            if tags:
                line.append_text(text("   " + "; ".join(tags), style="dim"))
            con.print(line)
        for w in p.writes[:20]:
            con.print(text(f"  writes {w.path}" + ("" if w.content is None else f" ({len(w.content)} bytes known)"),
                           style="dim"))
        for i in p.issues:
            con.print(text(f"  ! {i.kind}: {i.detail}", style="yellow"))


def _q(a: str) -> str:
    return a if a and all(ch.isalnum() or ch in "-_./=:@%+,~" for ch in a) else repr(a)

"""The terminal channel: `adr pending` — open questions, live, answered with one key.

Unlike the other channels the daemon does not drive this one: the human runs it in a terminal of
their own, and it answers through the daemon's socket (`answer`), where the gate checks that a
human at a terminal asks (an agent's shell is refused) and, for a question shown on the desktop,
asks for its one-time code. Keys: ↑/↓ (or j/k) pick a question; a allow once,
s allow for this session, p always allow in this project, d deny, o override a critical rule
(asks for a typed confirmation), q quit.
"""
from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from typing import Any, Callable

from adr.display import markup as escape, visible  # agent text: shown as written, hidden characters shown
from adr.notify.interface import (ALLOW_ONCE, ALLOW_PROJECT, ALLOW_SESSION, CONFIRM, DENY)

KEYS = {"a": ALLOW_ONCE, "s": ALLOW_SESSION, "p": ALLOW_PROJECT, "d": DENY}
REFRESH = 0.5


def table(questions: list[dict[str, Any]], selected: int = -1, message: str = "", keys: bool = True) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    t = Table(title="adr: questions waiting for you", expand=True, show_lines=True)
    for col, kw in (("", {"width": 1}), ("id", {"no_wrap": True}), ("agent · project", {"ratio": 1}),
                    ("action", {"ratio": 3, "overflow": "fold"}), ("rule", {"ratio": 2, "overflow": "fold"}),
                    ("left", {"no_wrap": True, "justify": "right"})):
        t.add_column(col, **kw)
    for i, q in enumerate(questions):
        mark = "▶" if i == selected else ""
        crit = " [bold red]CRITICAL[/]" if q.get("critical") else ""
        who = f"{escape(str(q.get('agent') or q.get('host')))}\n[dim]{escape(str(q.get('project', '')))}[/]"
        rule = f"{escape(str(q.get('rule_title', '')))}{crit}\n[dim]{escape(str(q.get('rule_id', '')))}[/]"
        left = f"{q.get('expires_in_s', 0):.0f} s" + ("" if q.get("waiting") else "\n[dim]agent told to retry[/]")
        t.add_row(mark, escape(str(q.get("id", ""))), who, escape(str(q.get("action", ""))), rule, left)
    if not questions:
        t.add_row("", "", "[dim]nothing to answer[/]", "", "", "")
    help_ = Text.from_markup("[bold]a[/] allow once · [bold]s[/] this session · [bold]p[/] always in this project · "
                             "[bold]d[/] deny · [bold]o[/] override critical · [bold]↑↓[/] pick · [bold]q[/] quit")
    parts: list[Any] = [t, help_] if keys else [t, Text.from_markup("[dim]answer with `adr approve ID` / "
                                                                     "`adr deny ID`, or `adr pending` in a terminal[/]")]
    if message:
        parts.append(Text(visible(message), style="bold"))
    return Group(*parts)


def _read_key(timeout: float) -> str:
    r, _, _ = select.select([sys.stdin], [], [], timeout)
    if not r:
        return ""
    ch = os.read(sys.stdin.fileno(), 1).decode("utf-8", "replace")
    if ch == "\x1b":  # arrow keys: ESC [ A / ESC [ B
        more = b""
        while select.select([sys.stdin], [], [], 0.01)[0] and len(more) < 4:
            more += os.read(sys.stdin.fileno(), 1)
        return {b"[A": "up", b"[B": "down"}.get(more[:2], "")
    return ch


def live(fetch: Callable[[], list[dict[str, Any]]], answer: Callable[[str, str, bool, str], tuple[bool, str]],
         confirm_override: Callable[[dict[str, Any]], bool], ask_code: Callable[[dict[str, Any]], str]) -> None:
    """The live view; returns when the human presses q (or Ctrl-C). A question shown on the desktop
    with a one-time code needs that code: `ask_code` reads it at the terminal."""
    import termios
    import tty

    from rich.live import Live

    from adr.display import console as safe_console

    console = safe_console()
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    selected, message = 0, ""
    questions = fetch()
    try:
        tty.setcbreak(fd)
        with Live(table(questions, selected), console=console, auto_refresh=False, transient=False) as view:
            next_fetch = time.monotonic() + REFRESH
            while True:
                key = _read_key(max(0.0, next_fetch - time.monotonic()))
                if time.monotonic() >= next_fetch:
                    questions = fetch()
                    next_fetch = time.monotonic() + REFRESH
                selected = min(max(0, selected), max(0, len(questions) - 1))
                if key in ("q", "\x03"):
                    return
                if key in ("up", "k"):
                    selected = max(0, selected - 1)
                elif key in ("down", "j"):
                    selected = min(len(questions) - 1, selected + 1)
                elif questions and (key in KEYS or key == "o"):
                    q = questions[selected]
                    ok_to_send, code = True, ""
                    if key == "o" or q.get("needs_code"):
                        view.stop()
                        termios.tcsetattr(fd, termios.TCSADRAIN, old)
                        try:
                            ok_to_send = confirm_override(q) if key == "o" else True
                            code = ask_code(q) if ok_to_send and q.get("needs_code") else ""
                        finally:
                            tty.setcbreak(fd)
                            view.start()
                    if not ok_to_send:
                        ok, message = False, "not overridden"
                    elif key == "o":
                        ok, message = answer(q["id"], CONFIRM, True, code)
                    else:
                        ok, message = answer(q["id"], KEYS[key], False, code)
                    message = f"{q['id']}: {message}"
                    questions = fetch()
                view.update(table(questions, selected, message), refresh=True)
    except KeyboardInterrupt:
        return
    finally:
        with contextlib.suppress(Exception):
            termios.tcsetattr(fd, termios.TCSADRAIN, old)

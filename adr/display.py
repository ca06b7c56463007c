"""Text an agent wrote, made safe for each place a human reads it — one helper per medium.

Commands, paths, URLs, session and agent names, rule evidence and file contents come from the
agent (the adversary, DESIGN.md). The human reads them in a terminal (`adr check`, `adr log`,
`adr pending` …), in a desktop notification or dialog, and in the daemon's log — and each of those
interprets some text: terminal escape sequences (colours, cursor moves, the window title, OSC 8
links), rich markup (`[green]…[/]`, `[link=…]`), the notification body's HTML-like markup, Qt rich
text; a carriage return, a backspace, a bidi override or a zero-width character make a command look
like another. A spelled-out command must never relabel, recolour or hide what the human approves.

Every helper keeps the information: hidden characters are shown as ⟨U+XXXX⟩, markup characters as
themselves — the human sees the real command, never a cleaned-up one. Imports nothing of adr's.
"""
from __future__ import annotations

import logging
import unicodedata
from typing import Any

_HIDDEN = ("Cc", "Cf", "Co", "Cs", "Cn")  # controls, format (bidi, zero-width), private, surrogates, unassigned


def visible(text: str, keep: str = "\n\t") -> str:
    """Characters that change how the rest is displayed, or are not displayed at all (ESC and every
    other control, CR, backspace, bidi overrides, zero-width characters, separators other than the
    space) shown as ⟨U+XXXX⟩ — except those in `keep`. Idempotent. The terminal's medium, and the
    first step of every other one."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch not in keep and (cat in _HIDDEN or cat.startswith("Z") and ch != " "):
            out.append(f"⟨U+{ord(ch):04X}⟩")
        else:
            out.append(ch)
    return "".join(out)


def log_line(text: str) -> str:
    """A log message as one line: a newline in a command cannot forge the next log line."""
    return visible(text, keep="\t")


def json_text(value: Any, **kw: Any) -> str:
    """json.dumps(value, ensure_ascii=False, **kw) — readable UTF-8 — with every character `visible`
    would mark written as its JSON escape (`\\u202e`): the same data for a program that parses it,
    and never a bidi override or zero-width character for the human reading it through `jq` or a pager.
    (json.dumps escapes the C0 controls itself.)"""
    import json

    out = json.dumps(value, ensure_ascii=False, **kw)
    if out.isascii():
        return out
    parts = []
    for ch in out:
        cat = unicodedata.category(ch)
        if cat in _HIDDEN or cat.startswith("Z") and ch != " ":
            # (outside strings JSON text is ASCII: every such character is inside a string)
            parts.append(json.dumps(ch)[1:-1])  # `\\u202e` (a surrogate pair beyond the BMP)
        else:
            parts.append(ch)
    return "".join(parts)


class LogFormatter(logging.Formatter):
    """The daemon log's formatter: each message through `log_line` (commands and paths are logged,
    and the log is read in a terminal: `adr service logs`, `tail -f`). A traceback keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return log_line(super().formatMessage(record))


# ---- rich (every `adr` command's output, `adr pending`) ------------------------------------------

def markup(value: object) -> str:
    """`value` to put inside a rich markup string: shown as written, never read as markup."""
    from rich.markup import escape

    return escape(visible(str(value)))


def text(value: object, style: str = "") -> Any:
    """`value` as a rich Text (never parsed as markup), hidden characters shown."""
    from rich.text import Text

    return Text(visible(str(value)), style=style)


_console_class: Any = None


def console(**kw: Any) -> Any:
    """A rich Console that shows hidden characters in everything it prints — strings, markup, Text,
    table cells — so a value that skipped `markup`/`text` still cannot reach the terminal as an
    escape sequence. Markup in an interpolated value is the caller's to escape (`markup`, `text`)."""
    global _console_class
    if _console_class is None:
        from rich.console import Console
        from rich.segment import Segment

        class SafeConsole(Console):  # type: ignore[misc]
            def render_str(self, text: str, **kwargs: Any) -> Any:  # before layout: widths stay right
                return super().render_str(visible(text), **kwargs)

            def render(self, renderable: Any, options: Any = None) -> Any:
                for seg in super().render(renderable, options):
                    t = seg.text
                    if seg.control or (t.isascii() and t.isprintable()) or not t:
                        yield seg
                    else:
                        yield Segment(visible(t), seg.style, seg.control)

        _console_class = SafeConsole
    kw.setdefault("highlight", False)
    return _console_class(**kw)


# ---- desktop notifications and dialogs ----------------------------------------------------------

def body_markup(value: str) -> str:
    """A notification body for a server that reads markup (capability "body-markup": <b>, <i>,
    <a href>, <img>, entities): `&`, `<`, `>` as entities, so they show as themselves."""
    return visible(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def qt_text(value: str) -> str:
    """Text for a Qt label (kdialog): Qt guesses rich text from a tag-like start, so adr says rich
    text itself (<qt>) and escapes everything — a `<a href>` or `<img>` in a command shows as typed."""
    import html

    esc = html.escape(visible(value), quote=False).replace("  ", " &nbsp;").replace("\n", "<br>")
    return f"<qt>{esc}</qt>"

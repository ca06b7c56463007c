"""What every way of asking the human provides: a Question goes out, an Answer (maybe) comes back.

One module per channel sits next to this one (desktop.py over D-Bus, notify_send.py, osascript.py,
zenity.py, kdialog.py); terminal.py is the human's own terminal (`adr pending`, `adr approve ID`),
which answers through the daemon's socket instead of being driven by it. The daemon picks the
channels that work at start-up (`select.py`) and puts each question to all of them at once; the
first answer wins and the others are withdrawn.

A notifier's `ask` shows the question and waits until the human answers (→ Answer) or the
channel closes without an answer (→ None). Cancelling the call withdraws the question.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

# choices (the keys double as D-Bus action keys and CLI words)
ALLOW_ONCE = "allow_once"
ALLOW_SESSION = "allow_session"
ALLOW_PROJECT = "allow_project"  # "always allow in this project": ask-level rules only
DENY = "deny"
OVERRIDE = "override"  # deny-level rule, allow_critical_override set: step one of two
CONFIRM = "confirm_override"  # step two: the explicit second confirmation
ALLOW_MINUTES = "allow_minutes"  # terminal only: `adr approve ID --for 30m`
ALLOW_GLOBAL = "allow_global"  # terminal only: `adr approve ID --always --everywhere`

LABELS = {
    ALLOW_ONCE: "Allow once",
    ALLOW_SESSION: "Allow for this session",
    ALLOW_PROJECT: "Always allow in this project",
    DENY: "Deny",
    OVERRIDE: "Override (allow once)…",
    CONFIRM: "Yes, allow it once",
    ALLOW_MINUTES: "Allow for a while",
    ALLOW_GLOBAL: "Always allow everywhere",
}
ALLOWING = frozenset({ALLOW_ONCE, ALLOW_SESSION, ALLOW_PROJECT, CONFIRM, ALLOW_MINUTES, ALLOW_GLOBAL})
CHOICES = tuple(LABELS)

ASK_CHOICES = (ALLOW_ONCE, DENY, ALLOW_SESSION)  # Deny second: servers that show 3 buttons keep it
CRITICAL_CHOICES = (DENY, OVERRIDE)
CONFIRM_CHOICES = (DENY, CONFIRM)


@dataclass(frozen=True)
class Question:
    id: str  # short, typeable: `adr approve ID`
    agent: str  # "claude"
    host: str  # "claude-code"
    project: str  # the project directory ("~/src/app")
    action: str  # the action in one readable line (redacted, clipped)
    rule_id: str
    rule_title: str
    reason: str  # why the rule matters (its description), for the human
    severity: str = "medium"
    choices: tuple[str, ...] = ASK_CHOICES
    critical: bool = False  # a deny-level rule: only an override with confirmation can allow it
    confirm: bool = False  # this is the second, confirming question of an override
    timeout: float = 55.0  # seconds the question stays open
    asked_at: float = field(default_factory=time.monotonic)

    @property
    def title(self) -> str:
        who = self.agent or self.host or "an agent"
        if self.confirm:
            return f"adr: really override a critical rule for {who}?"
        if self.critical:
            return f"adr blocked {who} (critical rule)"
        return f"adr: allow {who} to do this?"

    def body(self) -> str:
        lines = [f"{self.agent or '?'} ({self.host or '?'}) in {self.project or '?'}",
                 f"▶ {self.action}",
                 f"{self.rule_title} [{self.rule_id}, {self.severity}]"]
        if self.reason and self.reason != self.rule_title:
            lines.append(self.reason)
        if self.confirm:
            lines.append("This rule blocks the action by default. Allow it this one time?")
        lines.append(f"Question {self.id} — or in a terminal: adr approve {self.id} / adr deny {self.id}")
        return "\n".join(lines)

    def buttons(self) -> list[tuple[str, str]]:
        """(choice key, label) in display order."""
        return [(c, LABELS[c]) for c in self.choices]


@dataclass(frozen=True)
class Answer:
    choice: str  # one of the choice keys above
    channel: str  # "desktop", "notify-send", "terminal", "osascript", …
    answered_after: float  # seconds from the question being asked to the answer
    note: str = ""  # e.g. "dismissed", "timed out"


def answer(q: Question, choice: str, channel: str, note: str = "") -> Answer:
    return Answer(choice=choice, channel=channel, answered_after=round(time.monotonic() - q.asked_at, 3), note=note)


class Notifier(Protocol):
    name: str  # the channel name recorded with every answer

    def describe(self) -> str:
        """One line for `adr status` / `adr doctor`, e.g. "desktop (D-Bus: GNOME Shell)"."""
        ...

    async def ask(self, q: Question) -> Answer | None:
        """Show the question and wait for the human; None when the channel closed unanswered.
        Cancelling withdraws the question (closes the notification, ends the dialog)."""
        ...

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        """Show a one-way notice (an alert: nobody answers it). Raises when it could not be shown."""
        ...


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""What every way of asking the human provides: a Question goes out, an Answer (maybe) comes back.

One module per channel sits next to this one (desktop.py over D-Bus, notify_send.py, osascript.py,
zenity.py, kdialog.py); terminal.py is the human's own terminal (`adr pending`, `adr approve ID`),
which answers through the daemon's socket instead of being driven by it. The daemon picks the
channels that work at start-up (`select.py`) and puts each question to all of them at once; the
first answer wins and the others are withdrawn.

A notifier's `ask` shows the question and waits until the human answers (→ Answer) or the
channel closes without an answer (→ None). Cancelling the call withdraws the question.

A Question is either about an agent's action (kind "action") or asks the human to confirm something
they (or, for held settings, config.yaml) asked for (kind "confirm": a challenge, weaker settings).
Its one-time `code` is shown only by channels with `shows_code` — never where another process can
read the text (a command line).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from adr.display import visible  # the one helper for hidden characters (re-exported: callers use N.visible)

# the name adr's notifications and dialogs go by (their app name, and the first word of every title):
# one place, so what adr shows and what the self-defense rule on faked notifications looks for
# (rules/self-defense.yaml self-defense.adr-notification-faked; a test holds the two together) agree
APP_NAME = "adr"

# choices (the keys double as D-Bus action keys and CLI words)
ALLOW_ONCE = "allow_once"
ALLOW_SESSION = "allow_session"
ALLOW_PROJECT = "allow_project"  # "always allow in this project": ask-level rules only
DENY = "deny"
OVERRIDE = "override"  # deny-level rule, allow_critical_override set: step one of two
CONFIRM = "confirm_override"  # step two: the explicit second confirmation
ALLOW_MINUTES = "allow_minutes"  # terminal only: `adr approve ID --for 30m`
ALLOW_GLOBAL = "allow_global"  # terminal only: `adr approve ID --always --everywhere`
CONFIRM_OP = "confirm"  # a challenge (stop adr, remove its hooks, weaker settings): the human confirms
RESUME = "resume"  # a process tree adr suspended (adr/respond/suspend.py): let it run on
KILL = "kill"  # …or end it

LABELS = {
    ALLOW_ONCE: "Allow once",
    ALLOW_SESSION: "Allow for this session",
    ALLOW_PROJECT: "Always allow in this project",
    DENY: "Deny",
    OVERRIDE: "Override (allow once)…",
    CONFIRM: "Yes, allow it once",
    ALLOW_MINUTES: "Allow for a while",
    ALLOW_GLOBAL: "Always allow everywhere",
    CONFIRM_OP: "Confirm",
    RESUME: "Resume it",
    KILL: "Kill it",
}
ALLOWING = frozenset({ALLOW_ONCE, ALLOW_SESSION, ALLOW_PROJECT, CONFIRM, ALLOW_MINUTES, ALLOW_GLOBAL})
CHOICES = tuple(c for c in LABELS if c not in (CONFIRM_OP, RESUME, KILL))  # the answers to a question about an action
SUSPENDED_CHOICES = (KILL, RESUME)

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
    code: str = ""  # one-time code for the terminal (`adr approve ID CODE`): only channels that keep it private show it
    kind: str = "action"  # action: an agent's action | confirm: a challenge or a settings change to confirm |
    #                       suspended: a process tree adr stopped (resume or kill)
    lines: tuple[str, ...] = ()  # kind "confirm": what is to be confirmed, one line each
    asked_at: float = field(default_factory=time.monotonic)

    @property
    def title(self) -> str:
        """One line; every field the agent may have spelled (its name, the project, the action) is
        shown through `visible` — a channel adds only its own medium's escaping (display.py)."""
        return " ".join(visible(self._title(), keep="").split())

    def _title(self) -> str:
        if self.kind in ("confirm", "suspended"):
            return f"{APP_NAME}: {self.rule_title}"
        who = self.agent or self.host or "an agent"
        if self.confirm:
            return f"{APP_NAME}: really override a critical rule for {who}?"
        if self.critical:
            return f"{APP_NAME} blocked {who} (critical rule)"
        return f"{APP_NAME}: allow {who} to do this?"

    def body(self, with_code: bool = True) -> str:
        """The text shown, hidden characters shown (`visible`). `with_code=False` for channels whose
        text other processes can read (a command line in /proc): they never carry the code."""
        return visible(self._body(with_code))

    def _body(self, with_code: bool) -> str:
        code = self.code if with_code else ""
        if self.kind == "suspended":
            return "\n".join([*self.lines, f"Resume or kill it — or in a terminal: adr alerts resume {self.id} / "
                                           f"adr alerts kill {self.id}. No answer: it is killed."])
        if self.kind == "confirm":
            how = (f"Code {code}: type it where you ran the command, or press Confirm." if code
                   else "Press Confirm if you asked for this.")
            return "\n".join([*self.lines, how, "If you did not ask for this, an agent may have: press Refuse."])
        lines = [f"{self.agent or '?'} ({self.host or '?'}) in {self.project or '?'}",
                 f"▶ {self.action}",
                 f"{self.rule_title} [{self.rule_id}, {self.severity}]"]
        if self.reason and self.reason != self.rule_title:
            lines.append(self.reason)
        if self.confirm:
            lines.append("This rule blocks the action by default. Allow it this one time?")
        if code:
            lines.append(f"Question {self.id}, code {code} — or in a terminal: adr approve {self.id} {code} "
                         f"/ adr deny {self.id} {code}")
        else:
            lines.append(f"Question {self.id} — or in a terminal: adr approve {self.id} / adr deny {self.id}")
        return "\n".join(lines)

    def buttons(self) -> list[tuple[str, str]]:
        """(choice key, label) in display order."""
        if self.kind == "confirm":
            return [(c, "Refuse" if c == DENY else LABELS[c]) for c in self.choices]
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
    shows_code: bool  # its text stays private (D-Bus, stdin): it may carry the one-time code

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
    text = " ".join(visible(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def action_line(summary: str, matched: str, limit: int = 200) -> str:
    """The action in one line for a question. A long action is clipped — then what the rule matched
    is shown too, so padding cannot push the reason for asking out of the human's sight."""
    whole = one_line(summary, 10 * limit)
    if len(whole) <= limit or not matched:
        return one_line(summary, limit)
    hit = one_line(matched, limit // 2)
    if hit and hit in whole[: limit - 1]:
        return one_line(summary, limit)
    return f"{one_line(summary, limit - len(hit) - 11)} matched: {hit}"

"""What every host integration provides. Stdlib only: the hook client imports this.

A host module (claude_code.py, cursor.py, …) exposes a module-level `INTEGRATION` object that
satisfies `Integration`. Parsing turns the host's hook JSON into a HookEvent; formatting turns a
Verdict into exactly what the host expects on stdout / exit code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from adr.actions import Action, Verdict


class HookInputError(ValueError):
    """The host's hook input is not what this integration understands (says what and why)."""


@dataclass(frozen=True)
class HookEvent:
    host: str
    event: str  # the host's event name, e.g. "PreToolUse"
    action: Action | None  # None: an event adr only records or reports on (SessionStart …)
    raw_tool: str = ""  # the host's tool name, e.g. "Bash"


@dataclass(frozen=True)
class HookOutput:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class Integration(Protocol):
    name: str  # "claude-code"
    can_ask: bool  # does the host have its own "ask the user" answer?

    def parse(self, payload: Any) -> HookEvent:
        """Host hook JSON (already decoded) → HookEvent. Raises HookInputError."""
        ...

    def format(self, verdict: Verdict, event: HookEvent, *, auto_approve: bool = False) -> HookOutput:
        """Verdict → the host's answer. Allow prints nothing unless auto_approve is set."""
        ...

"""What every host integration provides. Stdlib only: the hook client imports this.

A host module (claude_code.py, cursor.py, …) exposes a module-level `INTEGRATION` object that
satisfies `Integration`. Parsing turns the host's hook JSON into a HookEvent; formatting turns a
Verdict into exactly what the host expects on stdout / exit code.
"""
from __future__ import annotations

import json

from dataclasses import dataclass
from typing import Any, Protocol

from adr.actions import Action, Observation, Verdict


class HookInputError(ValueError):
    """The host's hook input is not what this integration understands (says what and why)."""


MAX_INPUT_BYTES = 32 * 1024 * 1024


def _number(text: str) -> "int | float":
    """An integer of the JSON, or — past the digits Python converts (4,300) — the float it rounds to
    (`inf`), as the hosts' own JSON parsers read it: a padded number in an argument the command does
    not need cannot make the whole input unreadable (and a deny the fail mode's answer)."""
    return int(text) if len(text) <= 4000 else float(text)


def decode_hook_input(data: bytes, limit: int = MAX_INPUT_BYTES) -> Any:
    """The host's hook bytes → JSON value, exactly one way for every reader (the daemon's fast path
    and the hook's in-process fallback), so byte-identical input is judged identically: strict JSON
    (a raw control character inside a string is an error, as for every JSON parser the hosts use)."""
    if len(data) > limit:
        raise HookInputError(f"hook input is larger than {limit // (1024 * 1024)} MiB")
    if not data.strip():
        raise HookInputError("hook input is empty (expected the host's JSON on stdin)")
    try:
        return json.loads(data, parse_int=_number)
    except RecursionError:
        raise HookInputError("hook input is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise HookInputError(f"hook input is not valid JSON: {e}") from None


@dataclass(frozen=True)
class HookEvent:
    host: str
    event: str  # the host's event name, e.g. "PreToolUse"
    action: Action | None  # None: an event adr only records or reports on (SessionStart …)
    raw_tool: str = ""  # the host's tool name, e.g. "Bash"
    # what the agent read (a tool's output: PostToolUse and its kin) or a session that starts: it is
    # scanned, never blocked (adr.daemon.components.Observed)
    observation: Observation | None = None
    notice: str = ""  # filled in after the scan: what adr adds to the agent's context, where the host can
    user_notice: str = ""  # …and one line for the human, where the host shows one


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

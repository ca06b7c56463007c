"""Components: what the daemon does besides judging, plugged in at fixed points of one decision.

The base types live here, below the daemon (they import only the shared vocabulary), so a capability
in adr/respond, adr/record, adr/policy or adr/monitor can be a component without importing the
daemon package: dependencies keep pointing down the flow. The daemon's list of components is
`adr.daemon.components.default_components()`.

The decide pipeline (adr/daemon/decide.py) is: judge (engine + look-ups, off the event loop) →
`adjust` (policy that needs state the engine must not have: session lockdown, taint, cost of error)
→ ask the human when the verdict says so → `before_answer` (work that must happen before the client
hears the answer and may run the action: pre-image snapshots) → the audit record → `decided`
(observers: sessions, run records, export, cross-call memory). Each capability is one Component; the
server knows none of them by name, so adding one never touches the decision path.

Besides decisions there are observations (`observe`): what the agent *read* — a tool's output, a
session that starts — scanned by the engine's `on: text` rules and handed to every component, which
may answer with a Notice for the agent's context (taint, agent-supply scan).

Ordering inside a hook point is the order of `default_components()`. `adjust` is applied in that
order, and a component that relaxes a verdict (undo instead of asking) must come before the ones that
tighten it (lockdown, taint), so that tightening always has the last word.
"""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from adr.actions import Action, Observation, Verdict

if TYPE_CHECKING:  # pragma: no cover
    import asyncio

    from adr.config import Settings
    from adr.daemon.server import Daemon
    from adr.record.audit import Origin

log = logging.getLogger("adr.daemon")


@dataclass(frozen=True)
class Flag:
    """A state a session is in until the human clears it (tainted, lockdown …), kept by the daemon's
    session registry (component "sessions") and read by policy components."""

    name: str
    reason: str
    since: float
    by: str = ""  # the component or rule that set it
    data: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class DecisionInput:
    """One action about to be answered, with what the daemon knows about its origin."""

    request_id: str
    host: str
    event: str
    action: Action
    peer_pid: int | None
    origin: "Origin"
    settings: "Settings"

    @property
    def session(self) -> str:
        return self.action.context.session


@dataclass(frozen=True)
class Decided:
    """One finished decision, as observers see it: after its audit record is on disk.

    `action` is the full, unredacted action (it never leaves the machine through an observer that
    does not redact it first); `audit` is the record as written (redacted, with seq and hash)."""

    request_id: str
    host: str
    event: str
    action: Action | None
    verdict: Verdict
    decided_by: str
    origin: "Origin"
    latency_ms: float
    audit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Observed:
    """Something the agent read or loaded — a tool's output (PostToolUse and its kin), a session that
    starts — with the engine's judgement of its text (`verdict`: the `on: text` findings and what
    policy makes of them; None for a session start, which has no text of its own). Nothing to allow
    or deny: it already happened. Components respond (taint the session, alert, remember)."""

    request_id: str
    host: str
    event: str
    observation: Observation
    origin: "Origin"
    settings: "Settings"
    verdict: "Verdict | None" = None

    @property
    def session(self) -> str:
        return self.observation.context.session


@dataclass(frozen=True)
class Notice:
    """What a component has to say about an observation: `context` goes into the agent's context
    (where the host has a way: additionalContext …), `user` is one line for the human's screen."""

    context: str = ""
    user: str = ""


Call = Callable[[dict[str, Any], "CallContext"], "dict[str, Any] | Awaitable[dict[str, Any]]"]


@dataclass(frozen=True)
class CallContext:
    """Who makes a socket call: the peer's pid from the kernel, and the daemon serving it."""

    peer_pid: int | None
    daemon: "Daemon"


@dataclass(frozen=True)
class CallSpec:
    """A named call a component serves over the socket (op "call", target "component.name")."""

    handler: Call
    human_only: bool = False  # refused when the caller cannot prove it is the human (approvals' proof)


class Component:
    """Base class: every hook is optional; the defaults do nothing."""

    name = "component"

    def __init__(self, daemon: "Daemon") -> None:
        self.daemon = daemon

    async def start(self) -> None:
        """Called once the daemon's rules, audit log and approvals are up, before the socket opens."""

    async def stop(self) -> None:
        """Called on shutdown, before the audit log closes."""

    def status(self) -> dict[str, Any]:
        """Shown under `components.<name>` in `adr status --json`."""
        return {}

    def adjust(self, d: DecisionInput, verdict: Verdict) -> Verdict:
        """Change the engine's verdict with state the engine does not have. On the event loop: quick."""
        return verdict

    def before_answer(self, d: DecisionInput, verdict: Verdict) -> dict[str, Any]:
        """Work before the client hears `verdict` (in a worker thread). Returns fields added to the
        audit record (e.g. {"snapshot": "…"}); may also return {"verdict": Verdict} to replace it."""
        return {}

    def decided(self, d: Decided) -> None:
        """A decision was recorded. On the event loop: quick, or hand the work to a queue/thread."""

    def observe(self, o: Observed) -> "Notice | Awaitable[Notice | None] | None":
        """The agent read or loaded something (see Observed). On the event loop: quick, or return an
        awaitable (work in a thread). Return a Notice to add to what the agent / the human sees."""
        return None

    def calls(self) -> dict[str, CallSpec]:
        """Named calls served over the socket, by method name (the target is "<name>.<method>")."""
        return {}


def safe(component: Component, hook: str, fn: Callable[[], Any], default: Any = None) -> Any:
    """Run one component hook; a failing component is logged and skipped, never the decision."""
    try:
        return fn()
    except Exception:
        log.exception("component %s failed in %s", component.name, hook)
        return default


async def cancel_task(task: "asyncio.Task[Any] | None") -> None:
    """Stop a component's background task and wait for it to end (its own failure is not the caller's)."""
    if task is None:
        return
    task.cancel()
    import asyncio  # (here: the hook's fallback imports this module, and asyncio costs ~20 ms to import)

    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


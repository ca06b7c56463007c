"""The one map from host names to integration modules. Stdlib only: the hook client
(`adr-hook HOST`) and the CLI (`adr install/uninstall/doctor`) both use it.

Hook client contract:
  integ = registry.load(host)              # the module's INTEGRATION
  events = registry.parse_all(integ, payload)
  # judge every event that has an action; answer with the strongest verdict:
  out = integ.format(strongest_verdict, event_of_that_verdict, auto_approve=...)
Most hosts give one event per call; Codex (and the JS-plugin hosts) return one per file for a
multi-file apply_patch. Events in `record_only(integ)` happened already: record them, never ask.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from adr.integrations.interface import HookEvent, Integration

# host name → module under adr.integrations (order: the order `adr install` / doctor list them)
HOSTS: dict[str, str] = {
    "claude-code": "claude_code",
    "cursor": "cursor",
    "gemini": "gemini",
    "codex": "codex",
    "copilot": "copilot",
    "windsurf": "windsurf",
    "openclaw": "openclaw",
    "opencode": "opencode",
}
ALIASES = {"claude": "claude-code", "claude_code": "claude-code", "gemini-cli": "gemini",
           "codex-cli": "codex", "github-copilot": "copilot", "vscode": "copilot", "cascade": "windsurf"}


class UnknownHost(KeyError):
    def __str__(self) -> str:
        return f"unknown host {self.args[0]!r}; known hosts: {', '.join(HOSTS)}"


def canonical(host: str) -> str:
    h = host.strip().lower()
    h = ALIASES.get(h, h)
    if h not in HOSTS:
        raise UnknownHost(host)
    return h


def module(host: str) -> ModuleType:
    return importlib.import_module(f"adr.integrations.{HOSTS[canonical(host)]}")


def load(host: str) -> Integration:
    return module(host).INTEGRATION  # type: ignore[no-any-return]


def parse_all(integration: Any, payload: Any) -> list[HookEvent]:
    """Every action in one hook call (never empty); falls back to `parse` for one-action hosts."""
    fn = getattr(integration, "parse_all", None)
    return list(fn(payload)) if fn is not None else [integration.parse(payload)]


def record_only(integration: Any) -> frozenset[str]:
    """Host events that report an action after it happened (nothing to allow or deny)."""
    return frozenset(getattr(integration, "record_only_events", ()))

"""The daemon's components: which run, in which order (the base types are in adr/component.py).

`adjust` is applied in this order, and a component that relaxes a verdict (undo instead of asking)
must come before the ones that tighten it (lockdown, taint), so that tightening has the last word.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adr.component import (Call, CallContext, CallSpec, Component, Decided, DecisionInput, Flag,  # noqa: F401
                           Notice, Observed, safe)

if TYPE_CHECKING:  # pragma: no cover
    from adr.daemon.server import Daemon


class AlertsDesk(Component):
    """`adr alerts`: the daemon's alert desk (adr/respond/alerts.py) over the socket. Acknowledging
    is the human's (it silences the alert in the listing; the audit log keeps it)."""

    name = "alerts"

    def status(self) -> dict[str, Any]:
        return self.daemon.alerts.status()

    def calls(self) -> dict[str, CallSpec]:
        def listing(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            limit = int(args.get("limit", 200))
            return {"alerts": self.daemon.alerts.listing(include_acknowledged=bool(args.get("all")), limit=limit)}

        def ack(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            ids = args.get("ids") or []
            if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
                raise ValueError("ids must be a list of alert ids")
            return {"acknowledged": [i for i in ids if self.daemon.alerts.acknowledge(i)]}

        return {"list": CallSpec(listing), "ack": CallSpec(ack, human_only=True)}


def default_components(daemon: "Daemon") -> list[Component]:
    """Every component the daemon runs, in hook order (relaxing adjusters before tightening ones)."""
    from adr.daemon.freshness import Freshness
    from adr.daemon.memory import CrossCallMemory
    from adr.daemon.sessions import Sessions
    from adr.monitor.files import FileMonitor
    from adr.monitor.process import ProcessMonitor
    from adr.policy.breakers import Breakers
    from adr.policy.central_desk import PolicyDesk
    from adr.record.export.desk import ExportDesk
    from adr.record.history import History
    from adr.respond.supply_watch import AgentSupply
    from adr.respond.taint import Taint
    from adr.respond.undo_desk import UndoDesk

    # UndoDesk relaxes (allow with a snapshot instead of asking): before Breakers and every other
    # tightening adjuster; CrossCallMemory, History (run records, the index) and the monitors only observe
    out: list[Component] = [AlertsDesk(daemon), Sessions(daemon), UndoDesk(daemon), Breakers(daemon),
                            CrossCallMemory(daemon), History(daemon), ProcessMonitor(daemon), FileMonitor(daemon)]
    out += [ExportDesk(daemon), PolicyDesk(daemon)]  # fleet: OCSF export, central policy (off until configured)
    # tightening adjusters, after every relaxing one: a changed MCP tool asks, a tainted session asks
    out += [AgentSupply(daemon), Taint(daemon)]
    out.append(Freshness(daemon))  # keeps the runtime directory young (rules spare it from sweeps of old files)
    return out

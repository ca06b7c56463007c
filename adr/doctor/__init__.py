"""`adr doctor`: is this machine really protected? It asks the installation (rules, service), the
daemon and every agent host's config, so it lives above the integrations and the daemon: hosts.py
(per host), daemon.py (the daemon, `adr wrap` sessions), install.py (this adr, its rules, its service),
checks.py (the report's lines)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from adr.doctor.checks import FAIL, OK, SKIP, WARN, Check
from adr.doctor.hosts import HostReport

__all__ = ["Check", "Report", "run", "OK", "WARN", "FAIL", "SKIP"]


@dataclass
class Report:
    daemon: Check
    hosts: list[HostReport]
    wrapped: list[Check] = field(default_factory=list)  # this process's `adr wrap` session (adr/intercept/wrap.py)
    installation: list[Check] = field(default_factory=list)  # adr itself: version, rules, service
    monitors: list[Check] = field(default_factory=list)  # which monitors run for which sessions (adr/monitor)
    fleet: list[Check] = field(default_factory=list)  # export sinks and the organisation's policy source

    def to_dict(self) -> dict[str, Any]:
        return {"installation": [asdict(c) for c in self.installation], "daemon": asdict(self.daemon),
                "hosts": [h.to_dict() for h in self.hosts], "wrapped": [asdict(c) for c in self.wrapped],
                "monitors": [asdict(c) for c in self.monitors], "fleet": [asdict(c) for c in self.fleet],
                "ok": self.ok}

    @property
    def ok(self) -> bool:
        return (self.daemon.status != FAIL and all(h.status != FAIL for h in self.hosts)
                and all(c.status != FAIL for c in self.wrapped + self.installation + self.monitors + self.fleet))


def run(ctx: Any, hosts: "list[str] | None" = None, *, synthetic: bool = True, installation: bool = True) -> Report:
    from adr.doctor import daemon, install
    from adr.doctor.hosts import check_host
    from adr.integrations.install.hosts import INSTALLERS

    inst = [install.version_check(), *install.rules_checks(ctx), install.service_check(ctx)] if installation else []
    d = daemon.daemon_check(ctx)
    up = d.status == OK
    from adr.doctor.fleet import fleet_checks
    return Report(d, [check_host(h, ctx, synthetic=synthetic, daemon_up=up) for h in (hosts or list(INSTALLERS))],
                  daemon.wrapped_checks(ctx), inst, daemon.monitor_checks(ctx) if up else [], fleet_checks(ctx))

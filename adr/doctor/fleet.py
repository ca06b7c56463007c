"""`adr doctor` for a fleet: each configured export sink (adr/record/export/health.py) and the
organisation's policy source (adr/policy/central.py) — nothing, and no network, when neither is
configured."""
from __future__ import annotations

from typing import Any

from adr.doctor.checks import FAIL, OK, WARN, Check


def fleet_checks(ctx: Any) -> list[Check]:
    from adr.config import ConfigError, load_settings

    try:
        settings = load_settings(ctx.paths)
    except ConfigError as e:
        return [Check("config", FAIL, str(e))]
    out: list[Check] = []
    if settings.export.sinks:
        from adr.daemon import client, protocol
        from adr.record.export.health import export_probes

        try:
            live = client.request(protocol.Request(op="call", id=protocol.new_id(), target="export.status"),
                                  path=ctx.paths.socket, timeout=2.0).data
        except Exception:  # noqa: BLE001 — no daemon: the probes alone
            live = None
        out += [Check(p.name, p.status, p.detail) for p in export_probes(settings.export, live)]
    if settings.policy.source:
        from adr.policy.central import probe

        out.append(Check("policy source", *probe(settings.policy)))
        if settings.org is not None and settings.org.error:
            out.append(Check("policy in force", FAIL, settings.org.error))
        elif settings.org is not None:
            out.append(Check("policy in force", OK, f"organisation bundle serial {settings.org.serial}"))
        else:
            out.append(Check("policy in force", WARN, "no organisation bundle accepted yet (the daemon fetches it)"))
    return out

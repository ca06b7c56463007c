"""`adr doctor`'s view of the export sinks: can each configured sink be reached now (a probe that sends
no event), and how is the running daemon doing with it (spooled, dropped, last error)?"""
from __future__ import annotations

from typing import Any

from adr.config import ExportSettings
from adr.record.export.interface import Probe, make_sink


def export_probes(cfg: ExportSettings, live: "dict[str, Any] | None" = None, timeout: float = 3.0) -> list[Probe]:
    """One Probe per configured sink (none when export is off: no network then)."""
    out = []
    running = (live or {}).get("sinks") or {}
    for name, sink_cfg in cfg.sinks.items():
        try:
            p = make_sink(name, sink_cfg).probe(timeout)
        except Exception as e:  # a doctor reports, it never crashes
            p = Probe(name, "fail", f"{type(e).__name__}: {e}")
        status, detail = p.status, p.detail
        s = running.get(name)
        if s:
            detail += f"; daemon: sent {s.get('sent')}, spooled {s.get('spooled')}, dropped {s.get('dropped')}"
            if s.get("dropped") and status == "ok":
                status = "warn"
            if s.get("state") != "ok":
                detail += f", retrying (last error: {s.get('last_error')})"
                status = "fail" if status != "ok" else "warn"
        out.append(Probe(f"export {name}", status, detail))
    return out

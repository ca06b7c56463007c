"""Observations when no daemon answers: the hook's in-process fallback (adr/intercept/hookclient.py).

The same scan and the same words as the daemon (adr/respond/taint.py, adr/supply/agent_supply.py),
with what a single short-lived process can do: the warning still goes into the agent's context, the
audit record is written, the taint goes to the taint store (which the next in-process decision and
the daemon, once it runs, read), the agent-supply memory is updated. What needs the daemon is left
out and said so: desktop alerts, and listing MCP servers' tools (it starts the servers).
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from adr.actions import ObservationKind
from adr.component import Notice, Observed
from adr.integrations.interface import HookEvent
from adr.record.audit import AuditLog, Origin, event_entry


def observe_in_process(event: HookEvent, settings: Any) -> HookEvent:
    from adr.engine import load_engine
    from adr.judge import Judge
    from adr.paths import get_paths
    from adr.respond import taint

    obs = event.observation
    assert obs is not None
    paths = get_paths().ensure()
    engine = load_engine(settings)
    o = Observed("", event.host, event.event, obs, Origin(peer_pid=os.getpid(), agent_pid=os.getppid()), settings)
    entry = None
    note = Notice()
    if obs.kind is ObservationKind.TOOL_OUTPUT:
        obs = taint.with_file_text(obs)
        v = Judge(engine, settings).scan_bounded(obs)
        o = replace(o, observation=obs, verdict=v)
        if v.findings:
            tainting = taint.taints(v) and bool(o.session)
            entry = taint.observation_entry(o, v, tainting, decided_by="fallback")
            if taint.taints(v):
                if o.session:
                    taint.TaintStore(paths.state_dir).mark(taint.record_for(o, v))
                note = taint.notice_for(obs, v, o.session)
    else:
        from adr.respond.supply_watch import taint_record
        from adr.supply import agent_items
        from adr.supply.agent_supply import SupplyMemory, report

        home = obs.context.home or str(Path.home())
        host = event.host
        items = agent_items.discover(Path(home), obs.context.cwd, hosts=(host,) if host in agent_items.HOSTS else None)
        judged = SupplyMemory(paths.state_dir).judge_all(engine, items, home)
        review = [j for j in judged if j.needs_review]
        if review:
            entry = event_entry(event.event, "agent_supply", f"{len(review)} item(s) need review (daemon not running)",
                                session=o.session, host=host, decided_by="fallback",
                                findings=[{"rule_id": f.rule_id, "severity": f.severity.value,
                                           "action": f.action.value, "source": "supply"}
                                          for j in review for f in j.findings][:50])
            loaded = next((j for j in review if j.loaded_into_context), None)
            if loaded is not None and o.session:
                taint.TaintStore(paths.state_dir).mark(taint_record(host, o.session, loaded))
        text = report(judged)
        note = Notice(text, (f"adr: {len(review)} item(s) of this session need your review (`adr scan --agents`); "
                             "the adr daemon is not running, so MCP servers' tools were not listed") if review else "")
    if entry is not None:
        log = AuditLog(paths.audit_dir, settings.audit_max_bytes)
        try:
            log.append(entry)
        finally:
            log.close()
    return replace(event, observation=obs, notice=note.context, user_notice=note.user)

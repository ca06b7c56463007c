"""The daemon side of the agent-supply scan (adr/supply/agent_supply.py): at every session start, and
on MCP calls.

SessionStart: what the session will load (hooks, plugins, skills, instruction files, MCP servers, and
the MCP tools last listed) is judged and compared with what the human has seen; the answer goes into
the agent's context (the report), each new or changed item that needs review is alerted once per
hash, and a session that loaded such text (a poisoned tool description, a skill or instruction file
with injected instructions, a tool whose description changed since it was reviewed) is tainted
(adr/respond/taint.py). In the background, the MCP servers the host runs without asking are started
and asked for their tools (adr/supply/mcp_probe.py), and the tools are judged the same way.

MCP calls: a call to a tool that needs review is asked (`adjust`), and the server's tools are listed
again when they were not listed recently — a rug pull between sessions is found by the next start or
the next call.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from adr.actions import (ActionKind, Decision, Evidence, Finding, ObservationKind, RuleAction, Severity, Verdict)
from adr.component import CallContext, CallSpec, Component, DecisionInput, Notice, Observed
from adr.record.audit import event_entry
from adr.record.redact import redact
from adr.respond.alerts import Alert
from adr.supply import agent_items, mcp_probe
from adr.supply.agent_supply import Judged, SupplyMemory, report, tool_items

log = logging.getLogger("adr.supply")

CALL_INTERVAL = 30.0  # seconds: MCP calls list a server's tools again at most this often (a start always does,
# unless a listing of the same server is under way: sessions starting together share it)
PROBE_CONCURRENCY = 2
RULE_CHANGED = "supply.mcp-tool-changed"
RULE_UNREVIEWED = "supply.mcp-tool-unreviewed"


def probe_env(item: agent_items.Item) -> dict[str, str]:
    """The environment a host gives a server: the user's (adr's own variables left out) plus the
    server's configured variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADR_")}
    env.update(dict(item.env))
    return env


def list_tools(item: agent_items.Item, timeout: float) -> mcp_probe.Probe:
    if item.url:
        return mcp_probe.probe_http(item.url, timeout)
    return mcp_probe.probe_stdio(item.argv, probe_env(item), item.cwd, timeout)


def taint_record(host: str, session: str, j: Judged) -> dict[str, Any]:
    i = j.item
    why = "its description changed since the user reviewed it" if j.rug_pull else \
        ", ".join(f.rule_id for f in j.findings if f.action is not RuleAction.LOG)
    return {"host": host, "session": session, "since": time.time(),
            "reason": f"the session loaded {i.kind} {i.name} that needs review ({why})",
            "rules": [f.rule_id for f in j.findings if f.action is not RuleAction.LOG][:8] or [RULE_CHANGED],
            "source": {"mcp-tool": "tool-description"}.get(i.kind, i.kind), "origin": redact(i.source, 300),
            "tool": i.kind, "evidence": ""}


class AgentSupply(Component):
    name = "agent_supply"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.memory = SupplyMemory(daemon.paths.state_dir)
        self.tools: dict[str, list[Judged]] = {}  # server key → its tools, as last listed
        self.servers: dict[str, agent_items.Item] = {}  # server key → definition (for re-listing)
        self.last_probe: dict[str, float] = {}  # server digest → when
        self.inflight: set[str] = set()  # server digests being listed now
        self.looked_up: dict[tuple[str, str], float] = {}  # (host, server name) → when its definition was read
        self.tasks: set[asyncio.Task[Any]] = set()
        self.sem: "asyncio.Semaphore | None" = None
        self.counts = {"session_starts": 0, "items": 0, "needs_review": 0, "probes": 0, "probe_errors": 0,
                       "tools": 0, "alerts": 0, "asked": 0}
        self.last_error = ""

    async def start(self) -> None:
        self.sem = asyncio.Semaphore(PROBE_CONCURRENCY)

    async def stop(self) -> None:
        for t in list(self.tasks):
            t.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=3)

    # ---- session start --------------------------------------------------------------------------

    def observe(self, o: Observed) -> Any:
        if o.observation.kind is not ObservationKind.SESSION_START:
            return None
        return self._session_start(o)

    async def _session_start(self, o: Observed) -> Notice:
        obs = o.observation
        host = o.host or obs.context.host
        home = obs.context.home or str(Path.home())
        cwd = obs.context.cwd
        engine = self.daemon.loaded.engine
        loop = asyncio.get_running_loop()

        def scan() -> list[Judged]:
            items = agent_items.discover(Path(home), cwd, hosts=(host,) if host in agent_items.HOSTS else None)
            return self.memory.judge_all(engine, items, home)

        judged = await loop.run_in_executor(None, scan)
        self.counts["session_starts"] += 1
        self.counts["items"] = len(judged)
        servers = [j.item for j in judged if j.item.kind == "mcp-server"]
        for s in servers:
            self.servers[s.key] = s
        known_tools = [t for s in servers for t in self.tools.get(s.key, [])]
        allj = judged + known_tools
        self._respond(o, host, allj)
        if o.settings.mcp_probe:
            for s in servers:
                if s.probe:
                    self._schedule(s, o, host, 0.0)
        text = report(allj)
        review = sum(1 for j in allj if j.needs_review)
        user = (f"adr: {review} hook(s), MCP tool(s), skill(s) or instruction file(s) of this session need your review "
                "(`adr scan --agents`)") if review else ""
        return Notice(text, user)

    def _respond(self, o: Observed, host: str, judged: list[Judged]) -> None:
        """Alerts (once per hash), the audit record, and the taint of a session that loaded such text."""
        review = [j for j in judged if j.needs_review]
        self.counts["needs_review"] = len(review)
        if not review:
            return
        sid = o.session
        self.daemon.write_audit(event_entry(
            o.event or "SessionStart", "agent_supply", f"{len(review)} item(s) need review",
            reason="; ".join(f"{j.item.kind} {j.item.name}: " + ", ".join(f.rule_id for f in j.findings)
                             + (" (changed)" if j.rug_pull else "") for j in review[:10]),
            id=o.request_id, session=sid, host=host,
            findings=[{"rule_id": f.rule_id, "severity": f.severity.value, "action": f.action.value, "source": "supply"}
                      for j in review for f in j.findings][:50],
            items=[{"key": redact(j.item.key, 300), "digest": j.item.digest, "state": j.state} for j in review[:50]]))
        for j in self.memory.mark_alerted(review):
            self.counts["alerts"] += 1
            i = j.item
            why = ("its description changed since you last reviewed it" if j.rug_pull else
                   ", ".join(f"{f.title} [{f.rule_id}]" for f in j.findings if f.action is not RuleAction.LOG))
            self.daemon.alerts.raise_alert(Alert(
                "supply", f"{i.kind} {i.name} needs your review",
                f"{i.kind} {i.name} ({redact(i.source, 200)}, {i.host}): {why}. Review it, then run "
                f"`adr scan --accept '{i.key}'` (or remove it). Until then adr asks before calls to it and treats "
                "sessions that load it as tainted.", severity="high", key=f"supply:{i.key}:{i.digest}", session=sid,
                host=host, data=(("item", redact(i.key, 300)), ("digest", i.digest))))
        taint = self.daemon.component("taint")
        if taint is not None and sid:
            loaded = next((j for j in review if j.loaded_into_context), None)
            if loaded is not None:
                taint.mark(taint_record(host, sid, loaded))

    # ---- MCP tools ------------------------------------------------------------------------------

    def _schedule(self, server: agent_items.Item, o: "Observed | None", host: str, interval: float) -> None:
        now = time.monotonic()
        if server.digest in self.inflight or now - self.last_probe.get(server.digest, -1e9) < interval:
            return
        self.last_probe[server.digest] = now
        self.inflight.add(server.digest)
        t = asyncio.get_running_loop().create_task(self._probe(server, o, host))
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)
        t.add_done_callback(lambda _t, d=server.digest: self.inflight.discard(d))

    async def _probe(self, server: agent_items.Item, o: "Observed | None", host: str) -> None:
        assert self.sem is not None
        async with self.sem:
            loop = asyncio.get_running_loop()
            settings = self.daemon.loaded.settings
            result = await loop.run_in_executor(None, list_tools, server, settings.mcp_probe_timeout)
            self.counts["probes"] += 1
            if not result.ok:
                self.counts["probe_errors"] += 1
                self.last_error = f"{server.name}: {result.error}"
                log.info("listing the tools of MCP server %s failed: %s", server.name, result.error)
                return
            engine = self.daemon.loaded.engine
            items = tool_items(server, result.tools)
            judged = await loop.run_in_executor(None, self.memory.judge_all, engine, items, "")
            self.tools[server.key] = judged
            self.counts["tools"] = sum(len(v) for v in self.tools.values())
            if o is not None:
                self._respond(o, host, judged)
            else:
                self._respond(Observed("", host, "mcp_call", _blank(host), _origin(), settings), host, judged)

    def adjust(self, d: DecisionInput, verdict: Verdict) -> Verdict:
        a = d.action
        if a.kind is not ActionKind.MCP_CALL or verdict.decision is Decision.DENY:
            return verdict
        server_key = next((k for k, s in self.servers.items() if s.name == a.mcp_server), "")
        if server_key and d.settings.mcp_probe and self.servers[server_key].probe:
            self._schedule(self.servers[server_key], None, d.host, CALL_INTERVAL)  # a rug pull shows by the next calls
        elif not server_key and d.settings.mcp_probe:
            self._find_server(d)  # a session that started before the daemon: read the host's definitions now
        rec = self.memory.flagged_tool(a.mcp_server, a.mcp_tool)
        if rec is None:
            return verdict
        self.counts["asked"] += 1
        changed = rec.get("baseline") != rec.get("digest") and bool(rec.get("baseline"))
        rid, title = ((RULE_CHANGED, "MCP tool's description changed since you reviewed it") if changed else
                      (RULE_UNREVIEWED, "MCP tool's description carries instructions for the agent"))
        f = Finding(rid, title, Severity.HIGH, RuleAction.ASK,
                    (Evidence(subject=f"{a.mcp_server}.{a.mcp_tool}", field="description",
                              note=", ".join(rec.get("findings") or []) or "changed"),),
                    f"adr listed the tools of MCP server {a.mcp_server}: {a.mcp_tool} "
                    f"{'changed' if changed else 'has findings'} and nobody reviewed it yet "
                    f"(`adr scan --accept '{rec['key']}'`).", ("AML.T0051",), ("mcp", "supply"), "supply")
        reason = (f"adr needs your approval: {title} ({a.mcp_server}.{a.mcp_tool}). Review it with `adr scan --agents`. "
                  f"{verdict.reason if verdict.decision is Decision.ASK else ''}").strip()
        agent = f"adr asks the user to approve this ({rid}): {title}."
        if verdict.mode == "monitor":
            return replace(verdict, findings=(f,) + verdict.findings, would_decide=Decision.ASK)
        return Verdict(Decision.ASK, (f,) + verdict.findings, reason, agent, verdict.mode, verdict.would_decide)

    def _find_server(self, d: DecisionInput) -> None:
        a = d.action
        key = (d.host, a.mcp_server)
        now = time.monotonic()
        if now - self.looked_up.get(key, -1e9) < CALL_INTERVAL:
            return
        self.looked_up[key] = now
        home = a.context.home or str(Path.home())

        async def find() -> None:
            items = await asyncio.get_running_loop().run_in_executor(
                None, lambda: agent_items.discover(Path(home), a.context.cwd,
                                                   hosts=(d.host,) if d.host in agent_items.HOSTS else None))
            for s in items:
                if s.kind == "mcp-server":
                    self.servers.setdefault(s.key, s)
                    if s.name == a.mcp_server and s.probe:
                        self._schedule(s, None, d.host, 0.0)

        t = asyncio.get_running_loop().create_task(find())
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)

    def status(self) -> dict[str, Any]:
        return {**self.counts, "servers": len(self.servers), "probing": len(self.tasks), "last_error": self.last_error}

    def calls(self) -> dict[str, CallSpec]:
        def listing(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            return {"items": [{"key": k, **v} for k, v in self.memory.load().items()]}

        def accept(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            key = args.get("key")
            if not isinstance(key, str) or not key:
                raise ValueError("key must name an item (adr scan --agents lists them)")
            rec = self.memory.accept(key)
            if rec is None:
                raise KeyError(f"no item {key!r} in adr's memory")
            self.daemon.write_audit(event_entry("supply_accept", "agent_supply", f"reviewed {key}",
                                                reason=f"digest {rec.get('digest')}", peer=ctx.peer_pid))
            return {"accepted": key, "digest": rec.get("digest")}

        return {"list": CallSpec(listing), "accept": CallSpec(accept, human_only=True)}


def _blank(host: str) -> Any:
    from adr.actions import Context, Observation

    return Observation(ObservationKind.SESSION_START, Context(host=host))


def _origin() -> Any:
    from adr.record.audit import Origin

    return Origin()

"""Fleet components: OCSF export (adr/record/export) and the organisation's central policy (adr/policy).

Both stay off the decision path. `ExportDesk.decided()` only hands the audit record to the exporter's
inbox; the exporter's threads map, batch, spool and send. `PolicyDesk` polls the policy source in a
worker thread at `policy.interval` and, when a new signed bundle is accepted, asks the daemon to reload
settings and rules; a rejected bundle leaves the last good one in force and raises an alert.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, Mapping

from adr.daemon.components import CallContext, CallSpec, Component, Decided
from adr.record.audit import event_entry
from adr.respond.alerts import Alert

if TYPE_CHECKING:  # pragma: no cover
    from adr.record.export.ocsf import RuleInfo
    from adr.record.export.pipeline import Exporter

log = logging.getLogger("adr.daemon")

WATCH_INTERVAL = 1.0  # seconds between checks of the export settings (a reload may turn sinks on or off)


class ExportDesk(Component):
    name = "export"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.exporter: "Exporter | None" = None
        self._task: "asyncio.Task[None] | None" = None
        self._rules: tuple[int, Mapping[str, "RuleInfo"]] = (0, {})

    async def start(self) -> None:
        await self._sync()
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.exporter is not None:
            exporter, self.exporter = self.exporter, None
            await asyncio.get_running_loop().run_in_executor(None, exporter.stop)

    def decided(self, d: Decided) -> None:
        if self.exporter is not None and d.audit:
            self.exporter.offer(d.audit)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            try:
                await self._sync()
            except Exception:
                log.exception("export: cannot apply the export settings")

    async def _sync(self) -> None:
        """Start, reconfigure or stop the exporter to match the settings in force."""
        from adr.record.export.pipeline import Exporter

        loaded = self.daemon.loaded
        if loaded is None:
            return
        cfg = loaded.settings.export
        loop = asyncio.get_running_loop()
        if cfg.sinks and self.exporter is None:
            paths = self.daemon.paths
            exporter = Exporter(paths.audit_dir, paths.export_dir, cfg, self.rules)
            await loop.run_in_executor(None, exporter.start)
            self.exporter = exporter
            log.info("export on: %s", ", ".join(f"{n} → {r.sink.target()}" for n, r in exporter.runners.items()))
        elif not cfg.sinks and self.exporter is not None:
            exporter, self.exporter = self.exporter, None
            await loop.run_in_executor(None, exporter.stop)
            log.info("export off")
        elif self.exporter is not None and cfg != self.exporter.cfg:
            await loop.run_in_executor(None, self.exporter.configure, cfg)

    def rules(self) -> Mapping[str, "RuleInfo"]:
        """Rule id → title, MITRE references, pack (from the rules in force; rebuilt after a reload)."""
        from adr.record.export.ocsf import RuleInfo

        loaded = self.daemon.loaded
        engine = getattr(loaded, "engine", None)
        if engine is None:
            return {}
        if self._rules[0] != id(engine):
            self._rules = (id(engine), {r.id: RuleInfo(r.title, tuple(r.references), r.pack, r.description)
                                        for r in getattr(engine, "rules", ())})
        return self._rules[1]

    def status(self) -> dict[str, Any]:
        return self.exporter.status() if self.exporter is not None else {"enabled": False, "sinks": {}}

    def calls(self) -> dict[str, CallSpec]:
        def status(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            return self.status()

        return {"status": CallSpec(status)}


class PolicyDesk(Component):
    name = "policy"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        from adr.policy.central import Central

        self.central = Central(daemon.paths)
        self._task: "asyncio.Task[None] | None" = None
        self._wake = asyncio.Event()
        self.polls = 0
        self.last: dict[str, Any] = {}
        self._alerted_layer_error = ""

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            loaded = self.daemon.loaded
            settings = loaded.settings if loaded is not None else None
            delay = 5.0
            if settings is not None and settings.policy.source:
                self._check_layer(settings)
                try:
                    result = await loop.run_in_executor(None, self.central.poll, settings.policy)
                except Exception as e:  # a bug in a stage must not stop polling
                    log.exception("policy poll failed")
                    result = None
                    self.last = {"outcome": "error", "message": f"{type(e).__name__}: {e}"}
                if result is not None:
                    self._handle(result)
                delay = settings.policy.interval
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            self._wake.clear()

    def _check_layer(self, settings: Any) -> None:
        org = settings.org
        err = org.error if org is not None else ""
        if err and err != self._alerted_layer_error:
            self.daemon.alerts.raise_alert(Alert(
                "policy", "the stored organisation policy does not verify",
                f"{err}. Until a good bundle is fetched again, the organisation's rules and locks are not "
                "applied. adr fetches it again now; see `adr policy status`.", severity="critical",
                key="policy-stored-invalid"))
        self._alerted_layer_error = err

    def _handle(self, result: Any) -> None:
        self.polls += 1
        self.last = {"outcome": result.outcome, "serial": result.serial, "kind": result.kind,
                     "message": result.message}
        if result.outcome == "applied":
            log.info("organisation policy serial %d accepted; reloading", result.serial)
            self.daemon.write_audit(event_entry("policy", "policy", f"organisation policy serial {result.serial} applied",
                                                serial=result.serial, digest=result.digest))
            self.daemon.schedule_reload(f"organisation policy serial {result.serial}")
        elif result.outcome == "rejected":
            log.error("organisation policy bundle rejected (%s): %s", result.kind, result.message)
            self.daemon.alerts.raise_alert(Alert(
                "policy", f"organisation policy bundle rejected ({result.kind})",
                f"{result.message}. adr keeps running with the last good policy"
                f"{f' (serial {result.serial})' if result.serial else ''}.", severity="high",
                key=f"policy-rejected-{result.digest[:16]}", data=(("kind", result.kind), ("serial", result.serial))))
        elif result.outcome == "error":
            log.warning("organisation policy source not reachable: %s", result.message)

    def status(self) -> dict[str, Any]:
        return {"polls": self.polls, "last": self.last}

    def calls(self) -> dict[str, CallSpec]:
        def status(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            from adr.policy.central import status as policy_status

            loaded = self.daemon.loaded
            if loaded is None:
                return {}
            return {**policy_status(loaded.settings, self.daemon.paths), "daemon": self.status()}

        return {"status": CallSpec(status)}

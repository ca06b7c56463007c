"""The export component: OCSF events to the organisation's tools, off the decision path.

`decided()` only hands the audit record to the exporter's inbox (adr/record/export/pipeline.py); its
threads map, batch, spool and send. A watcher starts, reconfigures or stops the exporter when a reload
changes `export:`. `adr export status` is the call "export.status".
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Mapping

from adr.component import CallContext, CallSpec, Component, Decided, cancel_task

if TYPE_CHECKING:  # pragma: no cover
    from adr.record.export.ocsf import RuleInfo
    from adr.record.export.pipeline import Exporter

log = logging.getLogger("adr.export")

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
        await cancel_task(self._task)
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

"""The central-policy component: polls `policy.source` in a worker thread every `policy.interval`
(adr/policy/central.py runs the stages); an accepted bundle is recorded in the audit log and the daemon
reloads settings and rules; a rejected one leaves the last good bundle in force and raises an alert, as
does a stored bundle that no longer verifies. `adr policy status` is the call "policy.status".
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from adr.component import CallContext, CallSpec, Component, cancel_task
from adr.record.audit import event_entry
from adr.respond.alerts import Alert

log = logging.getLogger("adr.policy")


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
        await cancel_task(self._task)

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

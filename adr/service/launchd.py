"""macOS: a LaunchAgent (template packaging/service/dev.adr.daemon.plist) — the daemon at login
(RunAtLoad), restarted whenever it exits (KeepAlive), its output in adr's state directory.

`adr service install` writes ~/Library/LaunchAgents/dev.adr.daemon.plist and loads it with
`launchctl bootstrap gui/$UID <plist>`; uninstall runs `launchctl bootout gui/$UID/dev.adr.daemon`.
The daemon binds its own socket here (socket activation through launchd: later).
"""
from __future__ import annotations

import os
import plistlib
from pathlib import Path

from adr.service.interface import LABEL, Manager, Outcome, ServiceError, Spec, Status

MARK = LABEL.encode()
PLIST = f"{LABEL}.plist"


def render_plist(spec: Spec, template: Path) -> bytes:
    """The template with this spec's values, through plistlib (so every value is escaped as XML)."""
    doc = plistlib.loads(template.read_bytes())
    if doc.get("Label") != LABEL:
        raise ServiceError(f"{template}: its Label is not {LABEL}")
    doc["ProgramArguments"] = list(spec.exec_argv)
    doc["EnvironmentVariables"] = dict(spec.environment)
    if not doc["EnvironmentVariables"]:
        del doc["EnvironmentVariables"]
    doc["StandardOutPath"] = doc["StandardErrorPath"] = str(spec.service_log)
    return plistlib.dumps(doc, fmt=plistlib.FMT_XML, sort_keys=False)


class LaunchAgent(Manager):
    name = "launchd"

    def files(self) -> list[Path]:
        return [self.home / "Library" / "LaunchAgents" / PLIST]

    def render(self) -> dict[Path, bytes]:
        from adr.paths import service_templates_dir

        return {self.files()[0]: render_plist(self.spec, service_templates_dir() / PLIST)}

    @property
    def domain(self) -> str:
        return f"gui/{os.getuid()}"

    def _ctl(self, *args: str) -> "tuple[int, str]":
        return self._run(["launchctl", *args])

    def install(self, *, start: bool = True, dry_run: bool = False) -> Outcome:
        self.paths.ensure()
        changes = self._write(dry_run, MARK)
        if dry_run:
            return Outcome(tuple(changes), notes=("dry run: launchctl not run",))
        notes, warnings, started = [f"{PLIST}: loads at every login (RunAtLoad, KeepAlive)"], [], False
        if not start:
            notes.append("not started (--no-start): `adr service start`")
        else:
            self._ctl("bootout", f"{self.domain}/{LABEL}")  # a changed plist is read only at bootstrap
            rc, out = self._ctl("bootstrap", self.domain, str(self.files()[0]))
            if rc == 0:
                started = True
                notes.append(f"loaded: launchctl bootstrap {self.domain}")
            else:
                warnings.append(f"launchctl bootstrap {self.domain} failed (exit {rc}): {out[:300]}; it loads at "
                                "your next login")
        return Outcome(tuple(changes), tuple(notes), tuple(warnings), started)

    def uninstall(self, *, dry_run: bool = False) -> Outcome:
        notes = []
        if not dry_run and self.files()[0].exists():
            rc, _out = self._ctl("bootout", f"{self.domain}/{LABEL}")
            notes.append("unloaded" if rc == 0 else "was not loaded")
        return Outcome(tuple(self._remove(dry_run, MARK)), tuple(notes))

    def start(self) -> Outcome:
        if not self.files()[0].is_file():
            raise ServiceError("the service is not installed: `adr service install` (or `adr setup`)")
        rc, out = self._ctl("kickstart", f"{self.domain}/{LABEL}")
        if rc != 0:
            rc, out = self._ctl("bootstrap", self.domain, str(self.files()[0]))
        if rc != 0:
            raise ServiceError(f"launchctl could not start {LABEL} (exit {rc}): {out[:300]}")
        return Outcome(notes=("started",), started=True)

    def stop(self) -> Outcome:
        rc, out = self._ctl("bootout", f"{self.domain}/{LABEL}")
        if rc != 0:
            raise ServiceError(f"launchctl bootout failed (exit {rc}): {out[:300]}")
        return Outcome(notes=("stopped (it loads again at the next login, or with `adr service start`)",))

    def status(self) -> Status:
        plist = self.files()[0]
        installed = plist.is_file() and MARK in plist.read_bytes()
        rc, out = self._ctl("print", f"{self.domain}/{LABEL}")
        info: dict[str, str] = {}
        if rc == 0:
            for line in out.splitlines():
                key, sep, value = line.strip().partition(" = ")
                if sep and key in ("state", "pid", "runs", "last exit code"):
                    info[key] = value
        problems = () if rc != 127 else ("launchctl not found",)
        return Status(self.name, installed, (str(plist),), rc != 127, installed, rc == 0, {LABEL: info}, "",
                      problems)

"""What every login-service manager offers (systemd --user on Linux, launchd on macOS), and the values
they return. The CLI (`adr service …`, `adr setup`) and `adr doctor` talk only to this interface."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from adr.paths import Paths

LABEL = "dev.adr.daemon"  # the launchd label; also names adr's plist (self-defense rules know it)
UNITS = ("adr.socket", "adr.service")  # systemd --user units, socket first
TOOL_TIMEOUT = 30.0


class ServiceError(RuntimeError):
    """The service cannot be installed as asked (a path systemd/launchd cannot take, a tool that failed)."""


@dataclass(frozen=True)
class Spec:
    """What the service runs, for this user and this installation (absolute paths only)."""

    exec_argv: tuple[str, ...]  # `adr daemon` of this installation
    socket: Path  # adr's socket path, as the hooks compute it
    environment: tuple[tuple[str, str], ...]  # ADR_HOME / ADR_SOCKET when set: the daemon must see the same
    log: Path  # the daemon's own log (`adr service logs`)
    service_log: Path  # where launchd sends the daemon's stdout/stderr


@dataclass(frozen=True)
class Change:
    path: str
    action: str  # created | updated | unchanged | restored | deleted | removed-entries | untouched
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    started: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [c.__dict__ for c in self.changes], "notes": list(self.notes),
                "warnings": list(self.warnings), "started": self.started}


@dataclass(frozen=True)
class Status:
    manager: str  # systemd | launchd
    installed: bool  # adr's unit files / plist are in place
    files: tuple[str, ...]
    reachable: bool  # the service manager answered (systemd --user has a running manager; launchctl exists)
    enabled: bool  # starts at login
    active: bool  # the manager runs adr now (socket listening / agent loaded)
    units: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # per unit: the manager's own words
    socket_in_unit: str = ""  # the path the installed unit listens on ("" when it has none)
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"manager": self.manager, "installed": self.installed, "files": list(self.files),
                "reachable": self.reachable, "enabled": self.enabled, "active": self.active,
                "units": {k: dict(v) for k, v in self.units.items()}, "socket_in_unit": self.socket_in_unit,
                "problems": list(self.problems)}


class Manager:
    """One platform's login service. Files are written through the installer's undo-able writes
    (adr/integrations/install/base.py): uninstall restores what was there before, byte for byte."""

    name = ""

    def __init__(self, paths: Paths, env: Mapping[str, str], home: Path, spec: Spec) -> None:
        self.paths, self.env, self.home, self.spec = paths, dict(env), home, spec

    def files(self) -> list[Path]:
        raise NotImplementedError

    def render(self) -> dict[Path, bytes]:
        raise NotImplementedError

    def install(self, *, start: bool = True, dry_run: bool = False) -> Outcome:
        raise NotImplementedError

    def uninstall(self, *, dry_run: bool = False) -> Outcome:
        raise NotImplementedError

    def start(self) -> Outcome:
        raise NotImplementedError

    def stop(self) -> Outcome:
        raise NotImplementedError

    def status(self) -> Status:
        raise NotImplementedError

    # ---- shared helpers ----------------------------------------------------------------------------

    def _ctx(self, dry_run: bool = False) -> Any:
        from adr.integrations.install.base import InstallContext
        from adr.programs import HOOK_EXE

        # only paths (the undo manifests) and dry_run matter to the file writes
        return InstallContext(home=self.home, paths=self.paths, hook_bin=Path(HOOK_EXE), timeout=0, env=self.env,
                              dry_run=dry_run)

    def _write(self, dry_run: bool, mark: bytes) -> list[Change]:
        from adr.integrations.install.base import DELETE, install_file

        def strip(current: bytes, _extra: dict[str, Any]) -> "bytes | None":
            return DELETE if mark in current else None

        out = []
        for path, data in self.render().items():
            c = install_file(self._ctx(dry_run), "service", path, lambda _cur, d=data: d, strip)
            out.append(Change(str(c.path), c.action, c.note))
        return out

    def _remove(self, dry_run: bool, mark: bytes) -> list[Change]:
        from adr.integrations.install.base import DELETE, uninstall_file

        def strip(current: bytes, _extra: dict[str, Any]) -> "bytes | None":
            return DELETE if mark in current else None

        out = []
        for path in reversed(self.files()):  # the first file's manifest holds the directories adr created
            c = uninstall_file(self._ctx(dry_run), "service", path, strip)
            out.insert(0, Change(str(c.path), c.action, c.note))
        return out

    def _run(self, argv: Sequence[str], timeout: float = TOOL_TIMEOUT) -> "tuple[int, str]":
        """A service tool (systemctl, launchctl): (exit code, its output); 127 when it is not there."""
        env = {**os.environ, **self.env}
        try:
            p = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, env=env,
                               stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            return 127, f"{argv[0]} not found"
        except (OSError, subprocess.SubprocessError) as e:
            return 126, f"{argv[0]}: {e}"
        return p.returncode, (p.stdout + p.stderr).strip()


def daemon_argv() -> tuple[str, ...]:
    """This installation's `adr daemon`, by absolute path: the console script beside this Python (a
    venv, pipx, uv tool), else this Python running the CLI module."""
    from adr.programs import CLI_EXE

    script = Path(sys.executable).absolute().parent / CLI_EXE
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script), "daemon")
    return (str(Path(sys.executable).absolute()), "-m", "adr.cli", "daemon")


def spec_for(paths: Paths, env: Mapping[str, str]) -> Spec:
    keep = tuple((k, env[k]) for k in ("ADR_HOME", "ADR_SOCKET") if env.get(k))
    return Spec(exec_argv=daemon_argv(), socket=Path(os.path.abspath(paths.socket)), environment=keep,
                log=paths.daemon_log, service_log=paths.state_dir / "daemon.service.log")

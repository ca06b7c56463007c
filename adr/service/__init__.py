"""adr's login service: the daemon starts with the user's session and comes back when it exits.

Linux: systemd --user socket + service units (systemd.py); macOS: a LaunchAgent (launchd.py).
Templates live in packaging/service/ (shipped inside the package by setup.py). `adr service` and
`adr setup` use `manager()`; everything they return is in interface.py.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping

from adr.paths import Paths, get_paths
from adr.service.interface import Manager, ServiceError, spec_for


def manager(paths: "Paths | None" = None, env: "Mapping[str, str] | None" = None,
            home: "Path | None" = None, platform: "str | None" = None) -> Manager:
    """This platform's service manager; ServiceError where adr has none (Windows: later)."""
    env = dict(os.environ if env is None else env)
    paths = paths or get_paths(env)
    home = home or Path(env.get("HOME") or os.path.expanduser("~"))
    platform = platform or sys.platform
    spec = spec_for(paths, env)
    if platform == "darwin":
        from adr.service.launchd import LaunchAgent

        return LaunchAgent(paths, env, home, spec)
    if platform.startswith("linux"):
        from adr.service.systemd import SystemdUser

        return SystemdUser(paths, env, home, spec)
    raise ServiceError(f"adr has no login service for {platform} yet: run `adr daemon` (in a terminal, or from "
                       "your session's start-up programs)")

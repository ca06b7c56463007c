"""Where the daemon's socket lives — stdlib only, because the hook client imports it.

platformdirs (used by `adr.paths` for everything else) is not imported here, so this module
mirrors its `user_runtime_dir` rule for Linux/BSD and macOS; a test keeps the two in step.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

SOCKET_NAME = "adr.sock"


def adr_home(env: "os._Environ[str] | dict[str, str] | None" = None) -> Path | None:
    env = os.environ if env is None else env
    home = env.get("ADR_HOME")
    return Path(home).expanduser() if home else None


def runtime_dir(env: "os._Environ[str] | dict[str, str] | None" = None) -> Path:
    env = os.environ if env is None else env
    base = adr_home(env)
    if base is not None:
        return base / "run"
    if sys.platform == "darwin":
        return Path(env.get("HOME") or os.path.expanduser("~")) / "Library/Caches/TemporaryItems/adr"
    if sys.platform.startswith("win"):
        import tempfile  # lazily: it pulls in shutil/random/bz2/lzma, ~7 ms on every hook call

        local = env.get("LOCALAPPDATA") or tempfile.gettempdir()
        return Path(local) / "adr" / "Temp"
    xdg = env.get("XDG_RUNTIME_DIR", "").strip()
    if xdg:
        return Path(xdg) / "adr"
    run_user = Path(f"/run/user/{os.getuid()}")
    if sys.platform.startswith(("freebsd", "openbsd", "netbsd")):
        run_user = Path(f"/var/run/user/{os.getuid()}")
    if run_user.is_dir() and os.access(run_user, os.W_OK):
        return run_user / "adr"
    import tempfile

    return Path(tempfile.gettempdir()) / f"runtime-{os.getuid()}" / "adr"


def socket_path(env: "os._Environ[str] | dict[str, str] | None" = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("ADR_SOCKET")
    return Path(override) if override else runtime_dir(env) / SOCKET_NAME

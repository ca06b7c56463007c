"""Where the daemon's socket lives — stdlib only, because the hook client imports it.

platformdirs (used by `adr.paths` for everything else) is not imported here, so this module
mirrors its `user_runtime_dir` rule for Linux/BSD and macOS; a test keeps the two in step.
The rules are computed on plain strings (`*_str`), so the hook client's fast path can find the
socket without importing pathlib; the Path-returning functions wrap them.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not `from typing import …`: typing costs ~5-7 ms on every hook call
if TYPE_CHECKING:
    from pathlib import Path

SOCKET_NAME = "adr.sock"
Env = "os._Environ[str] | dict[str, str] | None"


def _tempdir() -> str:
    import tempfile  # lazily: it pulls in shutil/random/bz2/lzma, ~7 ms on every hook call

    return tempfile.gettempdir()


def adr_home_str(env: Env = None) -> str:  # type: ignore[valid-type]
    env = os.environ if env is None else env
    home = env.get("ADR_HOME")
    return os.path.expanduser(home) if home else ""


def runtime_dir_str(env: Env = None) -> str:  # type: ignore[valid-type]
    env = os.environ if env is None else env
    base = adr_home_str(env)
    if base:
        return os.path.join(base, "run")
    if sys.platform == "darwin":
        return os.path.join(env.get("HOME") or os.path.expanduser("~"), "Library/Caches/TemporaryItems/adr")
    if sys.platform.startswith("win"):
        return os.path.join(env.get("LOCALAPPDATA") or _tempdir(), "adr", "Temp")
    xdg = env.get("XDG_RUNTIME_DIR", "").strip()
    if xdg:
        return os.path.join(xdg, "adr")
    run_user = f"/run/user/{os.getuid()}"
    if sys.platform.startswith(("freebsd", "openbsd", "netbsd")):
        run_user = f"/var/run/user/{os.getuid()}"
    if os.path.isdir(run_user) and os.access(run_user, os.W_OK):
        return os.path.join(run_user, "adr")
    return os.path.join(_tempdir(), f"runtime-{os.getuid()}", "adr")


def socket_path_str(env: Env = None) -> str:  # type: ignore[valid-type]
    env = os.environ if env is None else env
    return env.get("ADR_SOCKET") or os.path.join(runtime_dir_str(env), SOCKET_NAME)


def adr_home(env: Env = None) -> "Path | None":  # type: ignore[valid-type]
    from pathlib import Path

    s = adr_home_str(env)
    return Path(s) if s else None


def runtime_dir(env: Env = None) -> "Path":  # type: ignore[valid-type]
    from pathlib import Path

    return Path(runtime_dir_str(env))


def socket_path(env: Env = None) -> "Path":  # type: ignore[valid-type]
    from pathlib import Path

    return Path(socket_path_str(env))

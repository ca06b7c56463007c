"""Where the daemon's socket lives — stdlib only, because the hook client imports it.

platformdirs (used by `adr.paths` for everything else) is not imported here, so this module
mirrors its `user_runtime_dir` rule for Linux/BSD and macOS; a test keeps the two in step.
The rules are computed on plain strings (`*_str`), so the hook client's fast path can find the
socket without importing pathlib — or `os` (~1 ms of CPU on every hook call started with `-S`): the
usual cases (ADR_SOCKET, ADR_HOME, XDG_RUNTIME_DIR) read the environment through the built-in `posix`
module; the rest import `os`. The Path-returning functions wrap them.
"""
import sys

TYPE_CHECKING = False  # not `from typing import …`: typing costs ~5-7 ms on every hook call
if TYPE_CHECKING:
    import os
    from pathlib import Path

SOCKET_NAME = "adr.sock"
# The daemon touches its runtime directory, socket and pid file this often (the XDG base-directory
# spec asks it of runtime files, so that age-based clean-up spares them); a delete that only reaches
# files older than FRESH_MIN_AGE_MINUTES (`find /tmp -mtime +1 -delete`) therefore cannot reach them.
FRESH_TOUCH_SECONDS = 15 * 60
FRESH_MIN_AGE_MINUTES = 120
Env = "os._Environ[str] | dict[str, str] | None"


def _environ() -> "os._Environ[str] | dict[str, str]":
    """os.environ once `os` is loaded (it may have been changed since start-up); before that the
    process environment, decoded from the built-in `posix` module (nothing could have changed it)."""
    os = sys.modules.get("os")
    if os is not None or "posix" not in sys.builtin_module_names:
        import os
        return os.environ
    import posix
    return {k.decode("utf-8", "surrogateescape"): v.decode("utf-8", "surrogateescape")
            for k, v in posix.environ.items()}


def _tempdir() -> str:
    import tempfile  # lazily: it pulls in shutil/random/bz2/lzma, ~7 ms on every hook call

    return tempfile.gettempdir()


def _join(a: str, b: str) -> str:
    return a + b if a.endswith("/") else f"{a}/{b}"


def adr_home_str(env: Env = None) -> str:  # type: ignore[valid-type]
    env = _environ() if env is None else env
    home = env.get("ADR_HOME")
    if not home:
        return ""
    if home.startswith("~"):
        import os
        return os.path.expanduser(home)
    return home


def runtime_dir_str(env: Env = None) -> str:  # type: ignore[valid-type]
    env = _environ() if env is None else env
    base = adr_home_str(env)
    if base:
        return _join(base, "run")
    if sys.platform == "darwin":
        import os
        return os.path.join(env.get("HOME") or os.path.expanduser("~"), "Library/Caches/TemporaryItems/adr")
    if sys.platform.startswith("win"):
        import os
        return os.path.join(env.get("LOCALAPPDATA") or _tempdir(), "adr", "Temp")
    xdg = env.get("XDG_RUNTIME_DIR", "").strip()
    if xdg:
        return _join(xdg, "adr")
    import os
    run_user = f"/run/user/{os.getuid()}"
    if sys.platform.startswith(("freebsd", "openbsd", "netbsd")):
        run_user = f"/var/run/user/{os.getuid()}"
    if os.path.isdir(run_user) and os.access(run_user, os.W_OK):
        return os.path.join(run_user, "adr")
    return os.path.join(_tempdir(), f"runtime-{os.getuid()}", "adr")


def socket_path_str(env: Env = None) -> str:  # type: ignore[valid-type]
    env = _environ() if env is None else env
    return env.get("ADR_SOCKET") or _join(runtime_dir_str(env), SOCKET_NAME)


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

"""Which hook program `adr install` writes into the hosts' configs, and why.

In order of preference: the native client (adr/native: the platform wheel's prebuilt one, else compiled
here with cc) whose fallback is the Python client; else the Python client itself. The Python client is
adr's `-IS` launcher (adr/intercept/launcher.py: no `site`, no `re`) when the hook is this
installation's own console script, else the program the user named (--hook-bin, ADR_HOOK_BIN) as given.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from adr.paths import Paths


@dataclass(frozen=True)
class HookChoice:
    path: Path  # what the hosts run
    client: str  # "native" | "python"
    note: str  # one line for the user: which client and why


def _own_console_script(py_hook: Path, env: Mapping[str, str]) -> bool:
    return not env.get("ADR_HOOK_BIN") and py_hook.parent == Path(sys.executable).absolute().parent


def choose(py_hook: Path, paths: Paths, env: Mapping[str, str], *, native: bool = True) -> HookChoice:
    from adr.intercept.launcher import LauncherError, hook_launcher
    from adr.native import build as native_build

    python, why_console = py_hook, ""
    if _own_console_script(py_hook, env):
        try:
            python = hook_launcher(paths.state_dir)
        except (LauncherError, OSError) as e:
            why_console = f"; the console script, not adr's launcher: {e}"
    if native:
        built = native_build.build_hook(python, paths, dict(env))
        if built.path is not None:
            return HookChoice(built.path, "native",
                              f"hook client: native {built.path} ({built.how}; hands anything unusual to {python})")
        why = built.reason
    else:
        why = "--python-hook"
    return HookChoice(python, "python", f"hook client: python {python} ({why}{why_console})")


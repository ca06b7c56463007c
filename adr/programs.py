"""adr's own programs — their names, and how this copy of adr was installed. Stdlib only, no imports of
adr: the hook client's fail answer, the native client's build and the installer all read it.

How adr was installed decides which command a message should name: a source checkout starts its
daemon with `make run`; an installed package (wheel, sdist, `pipx`, `uv tool`) with `adr service start`
(the login service `adr setup` installs) or `adr daemon` in a terminal.
"""
from __future__ import annotations

import os

CLI_EXE = "adr"  # [project.scripts] in pyproject.toml
HOOK_EXE = "adr-hook"  # the hook program hosts run; every adr hook command's first word has this file name
HOOK_FALLBACK = "adr-hook-python"  # beside a prebuilt native adr-hook: the Python client it hands over to
SHIPPED = "_shipped"  # inside the package of a built adr: rules/, hooks/, service templates (setup.py)

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def from_checkout() -> bool:
    """Is this adr running from a source checkout (plain or editable), not from a built package?
    One stat: a build puts the shipped data inside the package, a checkout keeps it beside."""
    return not os.path.isdir(os.path.join(_PACKAGE_DIR, SHIPPED))


def start_hint() -> str:
    """How to start the daemon, in the words that fit this installation."""
    if from_checkout():
        return "start the adr daemon with `make run` (or `adr daemon`), then check `adr status`"
    return ("start the adr daemon with `adr service start` (the login service `adr setup` installs) "
            "or `adr daemon` in a terminal, then check `adr status`")

"""Shared by the dialog channels (zenity, kdialog, osascript): run one dialog process, withdraw it
when the question is answered elsewhere, and keep to the three buttons a dialog can show."""
from __future__ import annotations

import asyncio
import contextlib

from adr.notify.interface import DENY, Question

MAX_DIALOG_BUTTONS = 3


def dialog_choices(q: Question) -> tuple[str, ...]:
    """At most three choices, always including Deny."""
    others = [c for c in q.choices if c != DENY][: MAX_DIALOG_BUTTONS - 1]
    return tuple(others) + (DENY,)


async def run(argv: list[str], env: "dict[str, str] | None" = None, stdin: bytes | None = None) -> tuple[int, str]:
    """(exit code, stdout) of a dialog; the dialog is closed when the caller is cancelled. `stdin`:
    text for the dialog that must not appear on its command line."""
    proc = await asyncio.create_subprocess_exec(*argv, env=env, stdout=asyncio.subprocess.PIPE,
                                                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        out, _ = await proc.communicate(stdin)
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), 2)
    return proc.returncode if proc.returncode is not None else -1, out.decode("utf-8", "replace")

"""Keep the runtime directory fresh: touch everything in it every runtime.FRESH_TOUCH_SECONDS.

The XDG base-directory spec asks it of runtime files (age-based clean-up of /run/user and /tmp must
spare them), and it is what lets the rules tell a routine sweep of old files (`find /tmp -type f
-mtime +1 -delete`) from an attack on adr's socket, pid file or shims: nothing in adr's runtime
directory is ever older than runtime.FRESH_MIN_AGE_MINUTES while the daemon runs (the self-defense
pack's `glob_fresh` list; shell/effects.py reads the age tests of a find).
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import Any

from adr import runtime
from adr.component import Component, cancel_task

MAX_ENTRIES = 20_000  # a runtime directory holds a socket, a pid file and the wrap shims: far fewer


def touch_tree(root: Path, limit: int = MAX_ENTRIES) -> tuple[int, bool]:
    """Set the access and modification times of `root` and everything below it to now (links
    themselves, never what they point to). Returns (entries touched, whether all were reached)."""
    count = 0
    todo = [os.fspath(root)]
    while todo:
        d = todo.pop()
        with contextlib.suppress(OSError):
            with os.scandir(d) as it:
                for e in it:
                    if count >= limit:
                        return count, False
                    with contextlib.suppress(OSError):
                        os.utime(e.path, follow_symlinks=False)
                        count += 1
                        if e.is_dir(follow_symlinks=False):
                            todo.append(e.path)
        with contextlib.suppress(OSError):
            os.utime(d, follow_symlinks=False)  # again after its entries (counted once, as an entry)
            count += d == os.fspath(root)
    return count, True


class Freshness(Component):
    name = "freshness"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self._task: asyncio.Task[None] | None = None
        self._last: float = 0.0
        self._count = 0
        self._complete = True

    async def start(self) -> None:
        self._touch()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await cancel_task(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(runtime.FRESH_TOUCH_SECONDS)
            await asyncio.get_running_loop().run_in_executor(None, self._touch)

    def _touch(self) -> None:
        self._count, self._complete = touch_tree(Path(self.daemon.paths.runtime_dir))
        self._last = time.time()

    def status(self) -> dict[str, Any]:
        return {"dir": str(self.daemon.paths.runtime_dir), "touched": self._count, "complete": self._complete,
                "last": self._last, "every_seconds": runtime.FRESH_TOUCH_SECONDS}

"""Reload rules when their files change: watchdog events, debounced onto the daemon's loop.

Editors save in bursts (temp file, rename, chmod), so one change schedules one reload a moment
after the last event, not a reload per event.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger("adr.daemon")
WATCHED_SUFFIXES = (".yaml", ".yml", ".json")  # rule packs, config; install records (protected hook configs)


class _Handler(FileSystemEventHandler):
    def __init__(self, poke: Callable[[], None]) -> None:
        self._poke = poke

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(str(p).endswith(WATCHED_SUFFIXES) for p in paths):
            self._poke()


class RuleWatcher:
    def __init__(self, loop: asyncio.AbstractEventLoop, on_change: Callable[[], None], debounce: float = 0.25) -> None:
        self._loop = loop
        self._on_change = on_change
        self._debounce = debounce
        self._timer: asyncio.TimerHandle | None = None
        self._observer: Observer | None = None
        self._watched: tuple[tuple[str, bool], ...] = ()

    def watch(self, dirs: "list[tuple[Path, bool]]") -> None:
        """(directory, recursive) pairs; re-arms the observer only when the set changes."""
        wanted = tuple(sorted({(str(d), r) for d, r in dirs if d.is_dir()}))
        if wanted == self._watched and self._observer is not None:
            return
        self.stop()
        observer = Observer()
        handler = _Handler(self._poke_threadsafe)
        for d, recursive in wanted:
            try:
                observer.schedule(handler, d, recursive=recursive)
            except OSError as e:
                log.warning("cannot watch %s for rule changes: %s", d, e)
        observer.daemon = True
        observer.start()
        self._observer, self._watched = observer, wanted

    def _poke_threadsafe(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._poke)
        except RuntimeError:  # loop closed during shutdown
            pass

    def _poke(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_later(self._debounce, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._on_change()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
            self._observer = None
        self._watched = ()

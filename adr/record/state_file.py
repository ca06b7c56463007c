"""A small JSON state file (a mapping of records) shared by processes: read whole, changed under an
exclusive lock, written atomically, user-only (0600), bounded (oldest records dropped first).

The taint store (adr/respond/taint.py) and the agent-supply memory (adr/supply/agent_supply.py) keep
their state here, so the daemon and the hook's in-process fallback see the same.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterator

Records = "OrderedDict[str, dict[str, Any]]"


class StateFile:
    def __init__(self, path: Path, max_records: int = 5000) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.max_records = max_records

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def load(self) -> "OrderedDict[str, dict[str, Any]]":
        """Every record ({} when the file is missing or unreadable: state is a cache, never a reason
        to fail a decision)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return OrderedDict()
        if not isinstance(data, dict):
            return OrderedDict()
        return OrderedDict((str(k), v) for k, v in data.items() if isinstance(v, dict))

    def update(self, change: "Callable[[OrderedDict[str, dict[str, Any]]], Any]") -> Any:
        """Apply `change` to the records under the lock and save them if it did not return False;
        returns what `change` returned."""
        with self._locked():
            records = self.load()
            result = change(records)
            if result is not False:
                while len(records) > self.max_records:
                    records.popitem(last=False)
                tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(records, f, sort_keys=False)
                os.replace(tmp, self.path)
            return result

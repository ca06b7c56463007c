"""Run records: the full, normalized action of every decision, kept locally for `adr replay`.

The audit log is redacted and summarised; replaying a session against other rules needs the action
exactly as the engine saw it (adr/actions.py action_to_dict), so each decision also gets a run record:
one JSON line in `runs/runs-YYYYMMDD-N.jsonl` (0600, folder 0700), linked to its audit record by
`seq` and `id`. Records never leave the machine. Files roll over daily and at FILE_MAX bytes; files
older than `run_retention_days` and the oldest beyond `run_max_bytes` are deleted.

The record keeps what the rules decided (`rules_decision`: the findings under the sensitivity in
force, before any human, grant or session state changed the answer) next to the final decision, so
a replay compares rules with rules.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any, Iterator

from adr.actions import Action, Decision, Verdict, action_to_dict, finding_to_dict
from adr.policy.decide import effective_action

FILE_MAX = 64 * 1024 * 1024
RECORD_MAX = 16 * 1024 * 1024  # a bigger action is kept without its content (marked truncated)
_NAME = re.compile(r"^runs-(\d{8})-(\d{4})\.jsonl$")
VERSION = 1


def rules_decision(verdict: Verdict, sensitivity: str) -> str:
    """What the rules alone said: the strongest effective action of the findings."""
    return Decision.strongest([effective_action(f, sensitivity).to_decision() for f in verdict.findings]).value


def run_record(audit: dict[str, Any], action: Action, verdict: Verdict, decided_by: str, sensitivity: str,
               mode: str) -> dict[str, Any]:
    """The run record of one decision (seq/id/time/session/host first: the index reads them)."""
    act = action_to_dict(action)
    rec = {"seq": audit.get("seq"), "id": audit.get("id", ""), "time": audit.get("time", ""),
           "session": action.context.session, "host": audit.get("host", "") or action.context.host,
           "v": VERSION, "event": audit.get("event", ""), "action": act,
           "rules_decision": rules_decision(verdict, sensitivity), "sensitivity": sensitivity, "mode": mode,
           "decision": verdict.decision.value, "decided_by": decided_by,
           "rule_ids": list(verdict.rule_ids),
           "findings": [{k: v for k, v in finding_to_dict(f).items() if k != "evidence"} for f in verdict.findings]}
    return rec


def encode(rec: dict[str, Any]) -> bytes:
    line = json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")
    if len(line) > RECORD_MAX:
        act = dict(rec["action"])
        for k in ("content", "old_content", "arguments", "command"):
            act[k] = ""
        if isinstance(act.get("resolved"), dict) and act["resolved"].get("replaced"):
            act["resolved"] = {**act["resolved"], "replaced": ""}  # (a Write's replaced text: as its content)
        line = json.dumps({**rec, "action": act, "truncated": True}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8", "replace")
    return line + b"\n"


def run_files(runs_dir: Path) -> list[Path]:
    try:
        names = os.listdir(runs_dir)
    except FileNotFoundError:
        return []
    return sorted(Path(runs_dir) / n for n in names if _NAME.match(n))


class RunStore:
    """Appends run records; enforces retention and the size cap. One writer (the daemon's thread)."""

    def __init__(self, runs_dir: Path) -> None:
        self.dir = Path(runs_dir)
        self._fd: int | None = None
        self._name = ""
        self._size = 0

    def _open(self, now: float) -> int:
        day = time.strftime("%Y%m%d", time.gmtime(now))
        if self._fd is not None and self._name.startswith(f"runs-{day}-") and self._size < FILE_MAX:
            return self._fd
        self.close()
        self.dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.dir, 0o700)
        same_day = [p for p in run_files(self.dir) if p.name.startswith(f"runs-{day}-")]
        n = int(_NAME.match(same_day[-1].name).group(2)) if same_day else 0  # type: ignore[union-attr]
        if same_day and same_day[-1].stat().st_size >= FILE_MAX:
            n += 1
        self._name = f"runs-{day}-{n:04d}.jsonl"
        self._fd = os.open(self.dir / self._name, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._size = os.fstat(self._fd).st_size
        return self._fd

    def append(self, lines: list[bytes], now: "float | None" = None) -> None:
        if not lines:
            return
        fd = self._open(time.time() if now is None else now)
        data = b"".join(lines)
        view = memoryview(data)
        while view:
            k = os.write(fd, view)
            view = view[k:]
        self._size += len(data)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def prune(self, retention_days: int, max_bytes: int, now: "float | None" = None) -> list[str]:
        """Delete files past retention, then the oldest until the rest fits in max_bytes."""
        now = time.time() if now is None else now
        removed: list[str] = []
        files = run_files(self.dir)
        cutoff = time.strftime("%Y%m%d", time.gmtime(now - retention_days * 86400))
        sizes = {}
        for p in files:
            with contextlib.suppress(FileNotFoundError):
                sizes[p] = p.stat().st_size
        total = sum(sizes.values())
        for p in files:
            m = _NAME.match(p.name)
            old = bool(m) and m.group(1) < cutoff  # type: ignore[union-attr]
            over = total > max_bytes
            if not (old or over) or p.name == self._name:
                continue
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed.append(p.name)
            total -= sizes.get(p, 0)
        return removed


def read_at(runs_dir: Path, locators: "list[tuple[int, str, int, int]]") -> Iterator[dict[str, Any]]:
    """The run records at (seq, file, offset, length), in the order given (missing ones skipped)."""
    handles: dict[str, Any] = {}
    try:
        for seq, name, off, length in locators:
            fh = handles.get(name)
            if fh is None:
                try:
                    fh = handles[name] = open(Path(runs_dir) / name, "rb")
                except FileNotFoundError:
                    continue
            fh.seek(off)
            try:
                rec = json.loads(fh.read(length))
            except (ValueError, RecursionError):
                continue
            if isinstance(rec, dict) and rec.get("seq") == seq:
                yield rec
    finally:
        for fh in handles.values():
            fh.close()

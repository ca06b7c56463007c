"""The audit log: one JSON line per decision, hash-chained, rotated by size, user-only.

Each record carries `prev`, the SHA-256 of the previous record's line, so editing, inserting or
deleting a record breaks the chain at that point and `verify()` names it. The chain runs across
rotated files (`audit.jsonl.000001`, `…000002`, oldest first, then `audit.jsonl`).

The daemon is the usual single writer; the hook client's in-process fallback may append too, so
every append happens under an exclusive `flock` on `audit.lock`, and the writer re-reads the tail
whenever the file is not the one it last wrote (rotated or appended by someone else).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from adr.actions import Action, Verdict
from adr.record.redact import redact

GENESIS = "0" * 64
CURRENT = "audit.jsonl"
LOCK = "audit.lock"
HEAD = "audit.head"
SUMMARY_LIMIT = 300
REASON_LIMIT = 600
_ROTATED = re.compile(r"^audit\.jsonl\.(\d{6,})$")
_TAIL_CHUNK = 64 * 1024


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def now_iso(ts: float | None = None) -> str:
    t = datetime.fromtimestamp(time.time() if ts is None else ts, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Origin:
    """Who sent the action: the hook client's pid (from the socket) and the agent above it."""

    peer_pid: int | None = None
    agent_pid: int | None = None
    process: str = ""  # the agent process name (or the hook client's parent when no agent was found)


def decision_entry(action: Action | None, verdict: Verdict, *, decided_by: str, latency_ms: float,
                   origin: Origin = Origin(), event: str = "", host: str = "", request_id: str = "",
                   error: str = "") -> dict[str, Any]:
    """The body of one audit record (seq, time and prev are added by AuditLog.append).

    Everything that can carry user text is redacted here, before it reaches the disk."""
    ctx = action.context if action else None
    return {
        "id": request_id,
        "host": host or (ctx.host if ctx else ""),
        "event": event,
        "session": ctx.session if ctx else "",
        "agent": ctx.agent if ctx else "",
        "agent_pid": origin.agent_pid if origin.agent_pid is not None else (ctx.pid if ctx else None),
        "process": origin.process,
        "peer_pid": origin.peer_pid,
        "cwd": redact(ctx.cwd, 300) if ctx else "",
        "tool": ctx.tool if ctx else "",
        "kind": action.kind.value if action else "",
        "summary": redact(action.summary(limit=4096), SUMMARY_LIMIT) if action else "",
        "findings": [{"rule_id": f.rule_id, "severity": f.severity.value, "action": f.action.value,
                      "source": f.source} for f in verdict.findings],
        "decision": verdict.decision.value,
        "mode": verdict.mode,
        "would_decide": verdict.would_decide.value if verdict.would_decide else None,
        "reason": redact(verdict.reason, REASON_LIMIT),
        "decided_by": decided_by,
        "latency_ms": round(latency_ms, 3),
        "error": redact(error, REASON_LIMIT),
    }


def event_entry(event: str, kind: str, summary: str, *, reason: str = "", id: str = "", session: str = "",
                host: str = "", **extra: Any) -> dict[str, Any]:
    """A record of something that is not a decision (daemon start/stop, alert, undo …): the same keys
    as a decision record, so every reader of the log can treat all records alike."""
    return {"id": id or os.urandom(8).hex(), "host": host, "event": event, "session": session, "agent": "",
            "agent_pid": None, "process": "", "peer_pid": None, "cwd": "", "tool": "", "kind": kind,
            "summary": redact(summary, SUMMARY_LIMIT), "findings": [], "decision": "", "mode": "",
            "would_decide": None, "reason": redact(reason, REASON_LIMIT), "decided_by": "daemon", "latency_ms": 0.0,
            "error": "", **extra}


def error_entry(partial: dict[str, Any], *, code: str, message: str, origin: Origin = Origin(),
                decision: str = "error") -> dict[str, Any]:
    """A record for a decide request the daemon could read only in part (kept for forensics)."""
    act = partial.get("action") if isinstance(partial.get("action"), dict) else {}
    ctx = act.get("context") if isinstance(act.get("context"), dict) else {}
    text = next((act.get(k) for k in ("command", "path", "url", "mcp_tool") if isinstance(act.get(k), str) and act.get(k)), "")
    return {
        "id": str(partial.get("id", ""))[:128], "host": str(partial.get("host", ctx.get("host", "")))[:64],
        "event": str(partial.get("event", ""))[:64], "session": str(ctx.get("session", ""))[:200],
        "agent": str(ctx.get("agent", ""))[:64], "agent_pid": origin.agent_pid, "process": origin.process,
        "peer_pid": origin.peer_pid, "cwd": "", "tool": str(ctx.get("tool", ""))[:200],
        "kind": str(act.get("kind", ""))[:32], "summary": redact(" ".join(str(text).split()), SUMMARY_LIMIT),
        "findings": [], "decision": decision, "mode": "", "would_decide": None,
        "reason": "", "decided_by": "daemon", "latency_ms": 0.0, "error": f"{code}: {redact(message, REASON_LIMIT)}",
    }


class AuditLog:
    def __init__(self, directory: Path, max_bytes: int = 20 * 1024 * 1024, fsync: bool = False) -> None:
        self.dir = Path(directory)
        self.max_bytes = max(4096, int(max_bytes))
        self.fsync = fsync
        self.path = self.dir / CURRENT
        self._lock_path = self.dir / LOCK
        self._lock_fd: int | None = None
        self._out: tuple[int, int] | None = None  # (fd, inode) of the open current file
        self._head_fd: int | None = None
        self._cache: tuple[int, int, str, int] | None = None  # (inode, size, last hash, last seq)

    # ---- writing -----------------------------------------------------------------------------

    def _lock(self) -> int:
        if self._lock_fd is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            try:
                os.chmod(self.dir, 0o700)
            except OSError:
                pass
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        return self._lock_fd

    def close(self) -> None:
        for fd in (self._lock_fd, self._head_fd, self._out[0] if self._out else None):
            if fd is not None:
                os.close(fd)
        self._lock_fd = self._head_fd = self._out = None

    def _current_fd(self) -> int:
        """The current file, kept open between appends; reopened when it was rotated (by anyone)."""
        try:
            ino = os.stat(self.path).st_ino
        except FileNotFoundError:
            ino = None
        if self._out is not None and self._out[1] == ino:
            return self._out[0]
        if self._out is not None:
            os.close(self._out[0])
            self._out = None
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._out = (fd, os.fstat(fd).st_ino)
        return fd

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Write one record (adds seq, time, prev); returns it as written."""
        fd = self._lock()
        try:
            last_hash, last_seq, needs_newline = self._tail()
            record = {"seq": last_seq + 1, "time": now_iso(), **entry, "prev": last_hash}
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace") + b"\n"
            if needs_newline:
                line = b"\n" + line  # terminate a torn line so it stays a (visibly broken) record
            self._maybe_rotate(len(line))
            out = self._current_fd()
            before = os.fstat(out).st_size
            view = memoryview(line)
            try:
                while view:
                    n = os.write(out, view)
                    view = view[n:]
            except OSError:
                # a full disk wrote part of the line: take it back, so the chain keeps only whole records
                try:
                    os.ftruncate(out, before)
                except OSError:
                    pass
                self._cache = None
                raise
            if self.fsync:
                os.fsync(out)
            st = os.fstat(out)
            digest = line_hash(line.lstrip(b"\n"))
            self._cache = (st.st_ino, st.st_size, digest, record["seq"])
            self._write_head(record["seq"], digest)
            return record
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _write_head(self, seq: int, digest: str) -> None:
        """The newest record's seq and hash, so that cutting records off the end is detectable."""
        if self._head_fd is None:
            self._head_fd = os.open(self.dir / HEAD, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        # fixed width, written in place: truncating and rewriting makes ext4 flush on close (~ms)
        os.pwrite(self._head_fd, f"{seq:020d} {digest}\n".encode(), 0)

    def _maybe_rotate(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.max_bytes:
            return
        nums = [n for n, _ in rotated_files(self.dir)]
        os.rename(self.path, self.dir / f"{CURRENT}.{(max(nums) + 1) if nums else 1:06d}")

    def _tail(self) -> tuple[str, int, bool]:
        """(hash of the last record, its seq, does the current file end mid-line?)"""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            st = None
        if st is not None and self._cache and self._cache[:2] == (st.st_ino, st.st_size):
            return self._cache[2], self._cache[3], False
        if st is None or st.st_size == 0:  # fresh, or just rotated: the chain goes on from the last file
            rot = rotated_files(self.dir)
            if not rot:
                return GENESIS, 0, False
            line, _ = _last_line(rot[-1][1])
            return (line_hash(line), _seq_of(line), False) if line else (GENESIS, 0, False)
        line, torn = _last_line(self.path)
        return line_hash(line), _seq_of(line), torn

    # ---- reading -----------------------------------------------------------------------------

    def files(self) -> list[Path]:
        out = [p for _, p in rotated_files(self.dir)]
        if self.path.exists():
            out.append(self.path)
        return out


def rotated_files(directory: Path) -> list[tuple[int, Path]]:
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    found = [(int(m.group(1)), Path(directory) / n) for n in names if (m := _ROTATED.match(n))]
    return sorted(found)


def _last_line(path: Path) -> tuple[bytes, bool]:
    """The last line of a file without its newline (b"" if empty), and whether it was torn."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        end = f.tell()
        if end == 0:
            return b"", False
        f.seek(end - 1)
        torn = f.read(1) != b"\n"
        stop = end if torn else end - 1
        pos, buf = stop, b""
        while pos > 0:
            step = min(_TAIL_CHUNK, pos)
            pos -= step
            f.seek(pos)
            buf = f.read(step) + buf
            nl = buf.rfind(b"\n")
            if nl >= 0:
                return buf[nl + 1:], torn
        return buf, torn


def last_record(directory: Path) -> "dict[str, Any] | None":
    """The newest record (current file, else the newest rotated one); None for an empty log."""
    files = [p for _, p in rotated_files(directory)]
    cur = Path(directory) / CURRENT
    if cur.exists():
        files.append(cur)
    for path in reversed(files):
        line, torn = _last_line(path)
        if line and not torn:
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                return None
            return rec if isinstance(rec, dict) else None
    return None


def _seq_of(line: bytes) -> int:
    try:
        seq = json.loads(line).get("seq")
        return seq if isinstance(seq, int) else 0
    except (ValueError, AttributeError, RecursionError):
        # a torn or damaged last line: take its seq if the start of it survived
        m = re.match(rb'\{"seq":(\d+)', line)
        return int(m.group(1)) if m else 0


# ---- reading and verification -------------------------------------------------------------------

@dataclass(frozen=True)
class Broken:
    file: Path
    line: int  # 1-based line number in that file
    seq: int | None
    problem: str


@dataclass(frozen=True)
class VerifyResult:
    records: int
    files: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def iter_lines(directory: Path) -> Iterator[tuple[Path, int, bytes]]:
    log = AuditLog(directory)
    for path in log.files():
        try:
            with open(path, "rb") as f:
                for i, raw in enumerate(f, 1):
                    yield path, i, raw.rstrip(b"\n")
        except FileNotFoundError:  # rotated away while we read: it is now the next number
            continue


def iter_records(directory: Path) -> Iterator[dict[str, Any]]:
    """Every readable record, oldest first (damaged lines are skipped; `verify` reports them)."""
    for _, _, line in iter_lines(directory):
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(rec, dict):
            yield rec


def verify(directory: Path) -> VerifyResult:
    """Walk the whole chain; report the first record that does not follow from the one before."""
    prev_hash, prev_seq, count = GENESIS, 0, 0
    files = AuditLog(directory).files()
    rot = rotated_files(directory)
    # pruning the oldest rotated files is allowed: the chain may then start mid-way
    pruned = bool(rot) and rot[0][0] > 1
    first = True
    for path in files:
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return VerifyResult(count, len(files), Broken(path, 0, None, "file disappeared while verifying"))
        with fh:
            for i, raw in enumerate(fh, 1):
                line = raw.rstrip(b"\n")
                try:
                    rec = json.loads(line)
                    if not isinstance(rec, dict):
                        raise ValueError("not an object")
                except (ValueError, RecursionError):
                    return VerifyResult(count, len(files), Broken(path, i, None, "not a valid JSON record (torn or edited)"))
                seq = rec.get("seq")
                if first and pruned and isinstance(seq, int) and seq > 1:
                    # older files were removed by hand: start the chain at the first record present
                    prev_hash, prev_seq = str(rec.get("prev")), seq - 1
                first = False
                if rec.get("prev") != prev_hash:
                    return VerifyResult(count, len(files), Broken(
                        path, i, seq if isinstance(seq, int) else None,
                        "hash chain broken: this record or the one before it was changed, inserted or removed"))
                if seq != prev_seq + 1:
                    return VerifyResult(count, len(files), Broken(
                        path, i, seq if isinstance(seq, int) else None, f"sequence jumps from {prev_seq} to {seq}"))
                prev_hash, prev_seq = line_hash(line), seq
                count += 1
    head = _read_head(Path(directory))
    if head is not None and files:
        seq, digest = head
        # the head may lag one record behind (a writer died between the two writes), never lead
        if seq > prev_seq:
            return VerifyResult(count, len(files), Broken(
                files[-1], 0, seq, f"records after seq {prev_seq} are missing (the log was written up to seq {seq})"))
        if seq == prev_seq and digest != prev_hash:
            return VerifyResult(count, len(files), Broken(
                files[-1], 0, seq, "the last record was changed after it was written"))
    return VerifyResult(count, len(files), None)


def _read_head(directory: Path) -> tuple[int, str] | None:
    try:
        seq, digest = (directory / HEAD).read_text().split()
        return int(seq), digest
    except (OSError, ValueError):
        return None

"""The daemon's undo desk: pre-image snapshots before answers, cost-of-error relaxing, `adr undo`.

- `adjust` (event loop, quick): an ask whose asking findings are all reversible by adr, in a session
  nobody flagged, with targets the shell layer can predict, becomes allow-with-a-snapshot
  (adr/policy/reversible.py). It runs before the tightening components (lockdown, taint), which keep
  the last word.
- `before_answer` (worker thread): the snapshot of what the action will overwrite or remove, for
  allow and ask verdicts; its id goes into the audit record. When it turns out incomplete (a bound,
  an unreadable file), a relaxed verdict goes back to ask, and any verdict says it is not fully
  undoable.
- a background thread seals snapshots (hash, record), watches what each action left (the "post"
  state undo compares against before it restores anything), and evicts past the quota.
- calls: `undo.flush` (seal now), `undo.apply` (human only: the restore itself, recorded in the
  audit log), `undo.status`.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adr.actions import Decision, Verdict
from adr.component import CallContext, CallSpec, Component, DecisionInput
from adr.policy.reversible import RELAXED, not_fully_undoable, relaxable, relaxed, weakest
from adr.record.audit import event_entry
from adr.record.redact import redact
from adr.respond.alerts import Alert
from adr.respond.snapshot import Limits, SealError, Snapshotter
from adr.respond.store import State, Store
from adr.respond.targets import Targets, targets_of
from adr.respond import undo as U

if TYPE_CHECKING:  # pragma: no cover
    from adr.daemon.server import Daemon

log = logging.getLogger("adr.daemon")

MAX_STASH = 1024
MAX_RELAX_COMMAND = 4096  # longer command lines are never relaxed (their targets are not re-parsed on the loop)
WATCH_FOR = 600.0
RECENT_EVICTION = 86400.0  # evicting snapshots younger than this raises an alert  # seconds adr keeps looking for what an action left
FIRST_LOOK = 0.4
RECHECK = 0.4


@dataclass
class _Watch:
    snapshot: str
    n: int
    path: str
    pre: State
    pre_key: "tuple[int, ...] | None"
    session: tuple[str, str]
    created: float
    due: float
    last_key: "tuple[int, ...] | None" = None
    interval: float = RECHECK


class UndoDesk(Component):
    name = "undo"

    def __init__(self, daemon: "Daemon") -> None:
        super().__init__(daemon)
        self.store = Store(daemon.paths.snapshots_dir)
        self.snapshotter = Snapshotter(self.store, on_sealed=self._watch_sealed)
        self._relaxed: "OrderedDict[str, tuple[Verdict, Verdict, Targets]]" = OrderedDict()
        self._stash_lock = threading.Lock()
        self._watches: dict[tuple[str, int], _Watch] = {}
        self._watched_sessions: dict[tuple[str, str], int] = {}
        self._due_sessions: dict[tuple[str, str], float] = {}  # session → when it acted again
        self._wlock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.counts = {"snapshots": 0, "incomplete": 0, "relaxed": 0, "relax_reverted": 0, "errors": 0,
                       "evicted": 0, "captured": 0}
        self.last_error = ""
        self._stats: dict[str, Any] = {}
        self._stats_at = 0.0
        self._busy = threading.Lock()  # sealing and looking: the background thread or a flush, one at a time

    # ---- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="adr-undo", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 5.0)
        self.store.close()

    def status(self) -> dict[str, Any]:
        with self._wlock:
            watching = len(self._watches)
        return {**self.counts, "watching": watching, "store": dict(self._stats), "last_error": self.last_error}

    # ---- the decision path ------------------------------------------------------------------------

    def _flags(self, d: DecisionInput) -> tuple[str, ...]:
        reg = self.daemon.component("sessions")
        s = reg.get(d.host or d.action.context.host, d.session) if reg is not None and d.session else None  # type: ignore[attr-defined]
        return tuple(s.flags) if s is not None else ()

    def adjust(self, d: DecisionInput, verdict: Verdict) -> Verdict:
        if not relaxable(verdict, d.settings, flags=self._flags(d)):
            return verdict
        if len(d.action.command) > MAX_RELAX_COMMAND:  # parsing it again here would hold the event loop
            return verdict
        targets = targets_of(d.action)
        if targets.empty or not targets.predictable:
            return verdict
        new = relaxed(verdict, d.settings, d.request_id)
        with self._stash_lock:
            self._relaxed[d.request_id] = (verdict, new, targets)
            while len(self._relaxed) > MAX_STASH:
                self._relaxed.popitem(last=False)
        return new

    def before_answer(self, d: DecisionInput, verdict: Verdict) -> dict[str, Any]:
        settings = d.settings
        with self._stash_lock:
            stash = self._relaxed.pop(d.request_id, None)
        self._activity(d)
        if not settings.snapshots or verdict.decision is Decision.DENY:
            return {}
        mine = stash is not None and verdict == stash[1]
        out: dict[str, Any] = {}
        rev = weakest(stash[0] if mine else verdict, settings)  # type: ignore[index]
        if rev is not None:
            out["reversible"] = rev.value or "unknown"
        targets = stash[2] if stash is not None else targets_of(d.action)
        if targets.empty:
            return out
        try:
            taken = self.snapshotter.take(targets, limits=Limits.from_settings(settings), host=d.host,
                                          session=d.session, event_id=d.request_id,
                                          summary=redact(d.action.summary(limit=600), 300))
        except OSError as e:
            self.counts["errors"] += 1
            self.last_error = f"{time.strftime('%H:%M:%S')}: cannot take a snapshot: {e}"
            log.error("%s", self.last_error)
            taken, why = None, f"the snapshot failed ({e.strerror or e})"
        else:
            why = taken.note if taken is not None else "nothing to snapshot"
        self._wake.set()
        if taken is not None:
            self.counts["snapshots"] += 1
            out["snapshot"] = taken.id
            out["snapshot_files"] = taken.files
            out["snapshot_bytes"] = taken.bytes  # the session's undo-store quota counts these (breakers)
        complete = taken is not None and taken.complete
        if not complete and (taken is not None or targets.unknown):
            self.counts["incomplete"] += 1
            out["snapshot_incomplete"] = why
        if mine:
            if complete:
                self.counts["relaxed"] += 1
                out["relaxed"] = RELAXED
            else:  # promised undo cannot be kept: the human decides after all (in the host's own prompt)
                self.counts["relax_reverted"] += 1
                out["relaxed"] = "reverted"
                out["verdict"] = not_fully_undoable(stash[0], why)  # type: ignore[index]
        elif not complete and (taken is not None or targets.unknown):
            out["verdict"] = not_fully_undoable(verdict, why)
        return out

    def _activity(self, d: DecisionInput) -> None:
        """The session acts again: what its earlier actions left is final now — look at it."""
        key = (d.host, d.session)
        with self._wlock:
            if self._watched_sessions.get(key):
                self._due_sessions[key] = time.time()
                self._wake.set()

    # ---- the background thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            with self._busy:
                self.snapshotter.recover()  # what a crashed daemon journaled but never sealed
                self._rewatch()
                self.store.refill_blanks()
        except Exception:
            log.exception("undo: cannot recover pending snapshots")
        while not self._stop.is_set():
            self._wake.wait(self._next_due())
            self._wake.clear()
            try:
                with self._busy:
                    self._seal()
                    self._look()
                    self._evict()
                    self.store.refill_blanks()
                if time.monotonic() - self._stats_at > 5.0:
                    self._stats, self._stats_at = self.store.stats(), time.monotonic()
            except Exception as e:  # the thread must survive anything
                self.counts["errors"] += 1
                self.last_error = f"{time.strftime('%H:%M:%S')}: {type(e).__name__}: {e}"
                log.exception("undo: background work failed")
                self._stop.wait(1.0)

    def _next_due(self) -> float:
        with self._wlock:
            if not self._watches:
                return 5.0
            return max(0.05, min(w.due for w in self._watches.values()) - time.monotonic())

    def _rewatch(self) -> None:
        now = time.time()
        for sid, n, path, created, pre in self.store.pending_entries(now - WATCH_FOR):
            self._add_watch(sid, n, path, pre, None, ("", ""), created)

    def _add_watch(self, sid: str, n: int, path: str, pre: State, key: "tuple[int, ...] | None",
                   session: tuple[str, str], created: float) -> None:
        mono = time.monotonic()
        with self._wlock:
            if (sid, n) not in self._watches:
                self._watched_sessions[session] = self._watched_sessions.get(session, 0) + 1
            self._watches[(sid, n)] = _Watch(sid, n, path, pre, key, session, created, mono + FIRST_LOOK)

    def _seal(self) -> None:
        try:
            self.snapshotter.seal()
        except SealError as e:
            self.counts["errors"] += 1
            self.last_error = str(e)
            log.error("undo: %s", e)

    def _watch_sealed(self, snap: Any) -> None:
        """Every sealed snapshot (whoever sealed it): watch what its action leaves at each path."""
        if snap.origin != "action":
            return
        for e in snap.entries:
            if e.restorable and e.post_state in ("pending", "predicted"):
                self._add_watch(snap.id, e.n, e.path, e.pre, e.key, (snap.host, snap.session), snap.created)

    def _look(self) -> None:
        """Capture what each watched action left once it is stable (or its session acted again)."""
        mono = time.monotonic()
        with self._wlock:
            due_sessions, self._due_sessions = self._due_sessions, {}
            # an action is over when its session acts again (snapshots taken before that moment)
            todo = [w for w in self._watches.values()
                    if w.due <= mono or w.created < due_sessions.get(w.session, 0.0)]
        for w in todo:
            if self._stop.is_set():
                return
            key = self.snapshotter.stat_key(w.path)
            now_due = w.created < due_sessions.get(w.session, 0.0)
            if key == w.pre_key and not now_due:
                if time.time() - w.created > WATCH_FOR:  # nothing happened: it never ran (or failed)
                    self._drop(w)
                else:
                    w.interval = min(w.interval * 2, 30.0)
                    w.due = mono + w.interval
                continue
            if key != w.last_key and not now_due:  # still changing: look again shortly
                w.last_key, w.due = key, mono + RECHECK
                continue
            got = self.snapshotter.capture_post(w.path, w.pre)
            if got is not None:
                state, stored = got
                self.store.set_post(w.snapshot, w.n, state, "captured", stored)
                self.counts["captured"] += 1
            self._drop(w)

    def _drop(self, w: _Watch) -> None:
        with self._wlock:
            if self._watches.pop((w.snapshot, w.n), None) is not None:
                left = self._watched_sessions.get(w.session, 1) - 1
                if left > 0:
                    self._watched_sessions[w.session] = left
                else:
                    self._watched_sessions.pop(w.session, None)

    def _evict(self) -> None:
        settings = self.daemon.loaded.settings if self.daemon.loaded else None
        if settings is None:
            return
        evicted, freed = self.store.evict(settings.snapshot_quota_bytes)
        if not evicted:
            return
        self.counts["evicted"] += len(evicted)
        log.warning("undo: evicted %d snapshot(s) (%d bytes) to stay under the quota", len(evicted), freed)
        entry = event_entry("snapshot_evict", "undo",
                            f"evicted {len(evicted)} snapshot(s), {freed} bytes, to stay under snapshot_quota_bytes",
                            reason="the oldest snapshots were evicted; `adr undo` names what it can no longer restore",
                            evicted=[i for i, _ in evicted[:100]], freed_bytes=freed)
        recent = [i for i, created in evicted if time.time() - created < RECENT_EVICTION]
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.daemon.write_audit, entry)
            if recent:  # undo data of the last day is gone: an agent may be flooding the store on purpose
                alert = Alert("undo", "adr had to drop recent undo data",
                              f"{len(recent)} snapshot(s) from the last 24 hours were evicted to stay under "
                              f"snapshot_quota_bytes ({settings.snapshot_quota_bytes} bytes). Something wrote a lot "
                              "of snapshotted data quickly; check `adr sessions` and raise the quota if it was you.",
                              severity="high", key="undo-evict-recent", data=(("evicted", len(recent)),))
                self._loop.call_soon_threadsafe(self.daemon.alerts.raise_alert, alert)

    # ---- calls ----------------------------------------------------------------------------------

    def calls(self) -> dict[str, CallSpec]:
        async def flush(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            """Seal what is waiting and look at what every earlier action left — now: whoever asks
            (`adr undo`, `adr history`) is past those actions."""
            def run() -> int:
                with self._busy:
                    before = self.counts["captured"]
                    self._seal()
                    with self._wlock:
                        now = time.time()
                        for key in self._watched_sessions:
                            self._due_sessions[key] = now
                    self._look()
                    self._evict()
                    return self.counts["captured"] - before

            captured = await asyncio.get_running_loop().run_in_executor(None, run)
            return {"captured": captured}

        async def apply(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            req = UndoRequest.from_args(args)
            result, entry = await asyncio.get_running_loop().run_in_executor(None, run_undo, self.store,
                                                                             self.snapshotter, req, "daemon")
            rec, problem = self.daemon.write_audit(entry)
            return {"result": result.to_dict(), "audit_seq": rec.get("seq") if rec else None,
                    "audit_error": problem}

        def status(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            return self.status()

        return {"flush": CallSpec(flush), "apply": CallSpec(apply, human_only=True), "status": CallSpec(status)}


@dataclass(frozen=True)
class UndoRequest:
    """What the human chose in `adr undo`: which snapshots, and which conflicts to overwrite anyway
    (each with the state the human saw, so a file that changed again meanwhile is still kept)."""

    snapshots: tuple[str, ...]
    force: tuple[tuple[str, int, "State | None"], ...] = ()
    force_all: bool = False
    label: str = ""  # "event …", "session …", "since …": for the audit record
    session: str = ""
    host: str = ""

    def to_args(self) -> dict[str, Any]:
        return {"snapshots": list(self.snapshots), "force_all": self.force_all, "label": self.label,
                "session": self.session, "host": self.host,
                "force": [[s, n, st.to_dict() if st else None] for s, n, st in self.force]}

    @classmethod
    def from_args(cls, a: dict[str, Any]) -> "UndoRequest":
        snaps = a.get("snapshots")
        if not isinstance(snaps, list) or not all(isinstance(x, str) for x in snaps) or len(snaps) > 100_000:
            raise ValueError("snapshots must be a list of snapshot ids")
        force = []
        for item in a.get("force") or []:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[1], int)):
                raise ValueError("force items are [snapshot, n, state]")
            st = item[2]
            force.append((item[0], item[1], State(**{k: st[k] for k in ("kind", "sha", "size", "mode", "link")})
                          if isinstance(st, dict) else None))
        return cls(tuple(snaps), tuple(force), bool(a.get("force_all")), str(a.get("label", ""))[:200],
                   str(a.get("session", ""))[:200], str(a.get("host", ""))[:64])


def run_undo(store: Store, snapshotter: Snapshotter, req: UndoRequest, via: str) -> tuple[U.Result, dict[str, Any]]:
    """Plan again from the store (never from what a client says), apply, and build the audit record."""
    snaps = [s for s in (store.get(i) for i in req.snapshots) if s is not None]
    steps = U.plan(store, snaps)
    force = {(s, n) for s, n, _ in req.force}
    expect = {(s, n): st for s, n, st in req.force if st is not None}
    result = U.apply(store, steps, force=force, force_all=req.force_all, expect=expect, snapshotter=snapshotter)
    entry = undo_entry(req, result, via)
    return result, entry


def undo_entry(req: UndoRequest, result: U.Result, via: str) -> dict[str, Any]:
    summary = (f"undo {req.label}: {len(result.restored)} restored, {len(result.kept)} left as they are, "
               f"{len(result.lost)} cannot be restored, {len(result.errors)} failed").strip()
    return {**event_entry("undo", "undo", summary, session=req.session, host=req.host,
                          reason="; ".join(f"{p}: {w}" for p, w in (result.kept + result.lost + result.errors)[:20])),
            "decided_by": "human", "via": via, "snapshots": list(req.snapshots[:200]),
            "restored": result.restored[:200], "kept": [p for p, _ in result.kept][:200],
            "lost": [p for p, _ in result.lost][:200], "failed": [p for p, _ in result.errors][:200],
            "snapshot": result.redo}

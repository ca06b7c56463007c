"""This thread's CPU time minus the time Python's garbage collector spent in it.

Why: a decision's budgets (the engine's `decision_budget_ms`, the cross-call walk's `cpu_ms`) bound
the work *that decision* does. A full collection runs in whichever thread happens to allocate when
the heap crosses its threshold, and its cost grows with the whole process's heap, not with the
command being judged: counted against a decision, a 100 ms collection turned an ordinary
`sh a.sh` into "could not be followed completely" on a busy heap. The collector's own time is
therefore not charged; everything the decision computes still is.
"""
from __future__ import annotations

import gc
import threading
import time

_local = threading.local()


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _local.started = time.thread_time()
    else:
        started = getattr(_local, "started", None)
        if started is not None:
            _local.spent = getattr(_local, "spent", 0.0) + (time.thread_time() - started)
            _local.started = None


if _on_gc not in gc.callbacks:
    gc.callbacks.append(_on_gc)


def decision_clock() -> float:
    """Seconds of this thread's CPU time, less what the garbage collector used in this thread."""
    return time.thread_time() - getattr(_local, "spent", 0.0)

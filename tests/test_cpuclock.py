"""The decision clock charges a decision for its own work, not for the garbage collector's pauses
(whose cost grows with the whole process's heap)."""
from __future__ import annotations

import gc
import time

from adr.daemon.cpuclock import decision_clock


def test_a_full_collection_is_not_charged_but_work_is():
    keep = [[i] for i in range(300_000)]  # a heap worth collecting
    t0, c0 = time.thread_time(), decision_clock()
    for _ in range(5):
        gc.collect()
    spent_cpu, charged = time.thread_time() - t0, decision_clock() - c0
    assert spent_cpu > 0 and charged < spent_cpu / 2, (spent_cpu, charged)
    c0 = decision_clock()
    t0 = time.thread_time()
    sum(i * i for i in range(300_000))  # the decision's own work
    assert decision_clock() - c0 >= (time.thread_time() - t0) * 0.9
    del keep

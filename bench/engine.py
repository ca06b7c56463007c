"""Engine benchmark: rule load time, throughput over the benign corpus, p50/p99 per action, RSS.

Prints figures; asserts nothing. Usage: .venv/bin/python bench/engine.py [CORPUS.jsonl]
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpus" / "benign_shell.jsonl"


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    t0 = time.perf_counter()
    from adr.config import Settings
    from adr.engine import load_engine
    from adr.integrations.claude_code import INTEGRATION
    from adr.judge import Judge
    import_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    engine = load_engine()
    load_ms = (time.perf_counter() - t0) * 1000
    rss_loaded = proc.memory_info().rss
    # what the daemon runs: the judge (offline here), in its steady state: every program's rule index
    # (the daemon builds one at the first command of each program, ~0.5 ms once) and the typosquat
    # indexes are built before timing:
    # the daemon builds each ecosystem's once, at the first install of that ecosystem it judges
    # (~0.3-1 s, and ~15-90 MiB), which would otherwise land on a few actions of this run
    t0 = time.perf_counter()
    engine.prepare()  # steady state: the daemon builds each program's index at its first command
    judge = Judge.create(Settings(offline=True), engine=engine)
    for d in engine.detectors:
        if callable(getattr(d, "warm", None)):
            d.warm(background=False)
    warm_ms = (time.perf_counter() - t0) * 1000
    rss_warm = proc.memory_info().rss
    if not corpus.exists():
        sys.exit(f"corpus not found: {corpus}")
    actions = []
    with corpus.open() as f:
        for line in f:
            a = INTEGRATION.parse(json.loads(line)["tool_call"]).action
            if a is not None:
                actions.append(a)
    for a in actions[:200]:  # warm up
        judge.decide(a)
    times = []
    t_all = time.perf_counter()
    c_all = time.process_time()
    for a in actions:
        t = time.perf_counter_ns()
        judge.decide(a)
        times.append(time.perf_counter_ns() - t)
    total = time.perf_counter() - t_all
    cpu = time.process_time() - c_all
    times.sort()
    q = statistics.quantiles(times, n=100)
    # the share of each decision spent before the engine: the resolver looking the paths up on disk
    res = []
    for a in actions:
        t = time.perf_counter_ns()
        judge.resolve(a)
        res.append(time.perf_counter_ns() - t)
    rq = statistics.quantiles(sorted(res), n=100)
    print(f"engine: {engine.stats['rules']} rules in {len(engine.packs)} packs; import {import_ms:.0f} ms, "
          f"load+compile {load_ms:.0f} ms, per-program indexes + supply indexes {warm_ms:.0f} ms")
    print(f"corpus: {corpus.name}, {len(actions)} actions in one process")
    print(f"throughput: {len(actions) / total:,.0f} actions/s wall-clock, {len(actions) / cpu:,.0f} actions per "
          f"CPU-second (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"per action: p50 {q[49] / 1000:.0f} µs, p95 {q[94] / 1000:.0f} µs, p99 {q[98] / 1000:.0f} µs, "
          f"max {times[-1] / 1000:.0f} µs")
    print(f"of which resolving paths on disk (adr/daemon/resolve.py, incl. Engine.path_targets): "
          f"p50 {rq[49] / 1000:.0f} µs, p95 {rq[94] / 1000:.0f} µs, p99 {rq[98] / 1000:.0f} µs")
    print(f"RSS: {rss0 / 2**20:.0f} MiB at start, {rss_loaded / 2**20:.0f} MiB after loading all packs, "
          f"{rss_warm / 2**20:.0f} MiB with every supply index built, {proc.memory_info().rss / 2**20:.0f} MiB "
          "after the run")


if __name__ == "__main__":
    os.environ.setdefault("ADR_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "adr-bench-home"))
    main()

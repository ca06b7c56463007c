"""Differential fuzzing of the shell reader against bash (adr/shell/bashdiff.py): prints every line
bash runs the payload of that adr allows, and the count per seed.

    python bench/shell_diff.py [--seeds 1-8] [--count 3000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1-4", help="a seed or a range A-B")
    ap.add_argument("--count", type=int, default=3000)
    a = ap.parse_args()
    lo, _, hi = a.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    os.environ.setdefault("ADR_HOME", tempfile.mkdtemp(prefix="adr-diff-"))
    from adr.actions import Action, ActionKind, Context
    from adr.config import Settings
    from adr.judge import Judge
    from adr.shell.bashdiff import misses

    judge = Judge.create(Settings(offline=True), online=False)
    ctx = Context(host="claude-code", session="diff", cwd="/home/dev/project", home="/home/dev", tool="Bash")

    def decide(cmd: str) -> str:
        return judge.decide(Action(ActionKind.EXEC, ctx, command=cmd)).decision.value

    total = 0
    with tempfile.TemporaryDirectory(prefix="adr-diff-run-") as cwd:
        for seed in seeds:
            t0 = time.perf_counter()
            got = misses(decide, seed, a.count, cwd)
            total += len(got)
            for c in got:
                print(f"MISS seed={seed} {c.judged!r}")
            print(f"seed {seed}: {a.count} lines, {len(got)} allowed that bash runs ({time.perf_counter() - t0:.0f} s)")
    print(f"total: {total} misses over {len(seeds)} seeds")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())

"""Pre-image snapshots: what they add to a hook's answer.

Two real daemons (temporary ADR_HOMEs), one with `snapshots: true` (the default) and one with
`snapshots: false`, receive the same Claude Code Edit inputs for files of 1 KiB, 1 MiB and 50 MiB,
calls interleaved; each file is changed before each call, so every snapshot really copies it (no
"already stored" shortcut). Prints the hook round trip p50/p95 with and without snapshots, the
difference, and the snapshot's own cost measured in-process (Snapshotter.take, median).

    .venv/bin/python bench/snapshot_latency.py [--calls 40] [--big-calls 6]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SIZES = [("1 KiB", 1024), ("1 MiB", 1024 * 1024), ("50 MiB", 50 * 1024 * 1024)]


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADR_")}
    env.update(ADR_HOME=str(home), ADR_NOTIFIER="none")
    return env


def start(home: Path, snapshots: bool) -> subprocess.Popen[bytes]:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.yaml").write_text(f"snapshots: {'true' if snapshots else 'false'}\n")
    p = subprocess.Popen([str(BIN / "adr"), "daemon"], env=env_for(home), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    for _ in range(600):
        if subprocess.run([str(BIN / "adr"), "status"], env=env_for(home), capture_output=True).returncode == 0:
            return p
        time.sleep(0.1)
    raise SystemExit("daemon did not start")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--big-calls", type=int, default=6)
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="adr-bench-snap-"))
    homes = {True: root / "on", False: root / "off"}
    procs = {k: start(h, k) for k, h in homes.items()}
    proj = root / "proj"
    proj.mkdir()
    try:
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores here); hook: Python adr-hook")
        print(f"{'file':>8}  {'snapshots on p50/p95':>22}  {'off p50/p95':>16}  {'added p50':>10}  "
              f"{'take() median':>14}")
        for label, size in SIZES:
            f = proj / f"f{size}"
            f.write_bytes(os.urandom(size))
            n = a.big_calls if size > 4 * 1024 * 1024 else a.calls
            times: dict[bool, list[float]] = {True: [], False: []}
            for i in range(n):
                for snap in (True, False):
                    with open(f, "r+b") as fh:  # a new version each call: the copy is never skipped
                        fh.write(os.urandom(16))
                    data = json.dumps({"session_id": f"bench-{snap}", "hook_event_name": "PreToolUse",
                                       "tool_name": "Edit", "cwd": str(proj),
                                       "tool_input": {"file_path": str(f), "old_string": "x", "new_string": "y"}})
                    t0 = time.perf_counter()
                    subprocess.run([str(BIN / "adr-hook"), "claude-code"], input=data.encode(),
                                   env=env_for(homes[snap]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    times[snap].append((time.perf_counter() - t0) * 1000)
            take = direct_take(f, root / f"direct{size}", 5 if size > 4 * 1024 * 1024 else 30)
            on, off = times[True], times[False]
            print(f"{label:>8}  {statistics.median(on):9.1f} / {pct(on, 95):6.1f} ms  {statistics.median(off):6.1f} / "
                  f"{pct(off, 95):5.1f} ms  {statistics.median(on) - statistics.median(off):+8.2f} ms  "
                  f"{take:11.3f} ms")
            f.unlink()
    finally:
        for p in procs.values():
            p.terminate()
            p.wait(20)


def direct_take(f: Path, store_dir: Path, n: int) -> float:
    """The snapshot's own cost on the decision path (copy + manifest), sealing excluded (it runs after)."""
    from adr.actions import Action, ActionKind, Context
    from adr.respond.snapshot import Limits, Snapshotter
    from adr.respond.store import Store
    from adr.respond.targets import targets_of

    sn = Snapshotter(Store(store_dir))
    action = Action(ActionKind.FILE_EDIT, Context(cwd=str(f.parent)), path=str(f))
    xs = []
    for _ in range(n):
        with open(f, "r+b") as fh:
            fh.write(os.urandom(16))
        t0 = time.perf_counter()
        sn.take(targets_of(action), limits=Limits(budget_s=30))
        xs.append((time.perf_counter() - t0) * 1000)
        sn.seal()
    return statistics.median(xs)


if __name__ == "__main__":
    main()

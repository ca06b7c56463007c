"""Command shim overhead: `rm --version` through adr's shim vs. the real program, daemon up.

Prints p50/p95 of both and of their difference (the shim's cost: interpreter start, one decide
round trip to the daemon, the exec), plus the bare `python -IS -c pass` start-up for scale. Runs
under a temporary ADR_HOME with the built-in rules, so it never touches the user's daemon.

    .venv/bin/python bench/shim_overhead.py [--calls 200]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _daemon_helpers import DaemonProc, adr_env  # noqa: E402

from adr.paths import get_paths  # noqa: E402
from adr.wrap import prepare_shim_dir  # noqa: E402


CPU: dict[str, list[float]] = {}


def _times(argv: list[str], env: dict[str, str], n: int, label: str = "") -> list[float]:
    """Wall time of each run (ms); the child's own CPU time (user+sys) is kept under `label` — far less
    sensitive to other load on the machine than wall time."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        p.returncode = 0
        out.append((time.perf_counter() - t0) * 1000)
        if label:
            CPU.setdefault(label, []).append((ru.ru_utime + ru.ru_stime) * 1000)
    return out


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _report(label: str, xs: list[float]) -> None:
    print(f"{label:<46} n={len(xs):<5} p50={_pct(xs, 50):7.2f} ms  p95={_pct(xs, 95):7.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    real = shutil.which("rm")
    assert real, "rm not found"
    with tempfile.TemporaryDirectory(prefix="adr-shim-bench-") as tmp:
        home = Path(tmp) / "home"
        daemon = DaemonProc(home).start()
        try:
            paths = get_paths({"ADR_HOME": str(home)})
            sd = prepare_shim_dir(paths)
            env = adr_env(home, ADR_SHIM_DIR=str(sd), ADR_SOCKET=str(paths.socket), ADR_SESSION="bench",
                          ADR_AGENT="bench", PATH=f"{sd}{os.pathsep}{os.environ.get('PATH', '')}")
            shim = [str(sd / "rm"), "--version"]
            direct = [real, "--version"]
            _times(shim, env, 10)  # warm caches
            py, d, s = [], [], []
            for _ in range(args.calls):  # interleaved, so load changes hit both equally
                d += _times(direct, env, 1, "direct")
                s += _times(shim, env, 1, "shim")
                py += _times([sys.executable, "-IS", "-c", "pass"], env, 1, "python")
            diff = [b - a for a, b in zip(d, s)]
            print(f"shim overhead, {args.calls} calls each ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
            _report("python -IS -c pass (interpreter start)", py)
            _report(f"{real} --version (direct)", d)
            _report("rm --version through the shim (daemon up)", s)
            _report("shim overhead (paired difference)", diff)
            print("CPU time of the process itself (user+sys; the daemon's side is ~1-2 ms: `latency_ms` in "
                  "the audit log):")
            _report("  python -IS -c pass", CPU["python"])
            _report("  rm --version (direct)", CPU["direct"])
            _report("  rm --version through the shim", CPU["shim"])
        finally:
            daemon.stop()


if __name__ == "__main__":
    main()

"""Command shim overhead: `rm --version` through adr's shims vs. the real program, daemon up.

Two shim directories side by side: the native launcher (adr/native, when a C compiler is there: no
interpreter, one "shim" round trip, the exec) and the Python launcher (`python -IS` start, one decide
round trip, the exec). Prints p50/p95 of each, of their paired differences with the direct run (the
shim's cost), and the bare `python -IS -c pass` start-up for scale; calls interleaved. Runs under a
temporary ADR_HOME with the built-in rules, so it never touches the user's daemon.

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

from adr.native.build import is_native  # noqa: E402
from adr.paths import get_paths  # noqa: E402
from adr.intercept.wrap import LAUNCHER, prepare_shim_dir  # noqa: E402


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
            dirs = {"python": prepare_shim_dir(paths, native=False)}
            nd = prepare_shim_dir(paths, native=True)
            if is_native(nd / LAUNCHER):
                dirs["native"] = nd
            else:
                print("(no native shim: no C compiler, or ADR_NATIVE=0)")
            envs = {k: adr_env(home, ADR_SHIM_DIR=str(sd), ADR_SOCKET=str(paths.socket), ADR_SESSION="bench",
                               ADR_AGENT="bench", PATH=f"{sd}{os.pathsep}{os.environ.get('PATH', '')}")
                    for k, sd in dirs.items()}
            shims = {k: [str(sd / "rm"), "--version"] for k, sd in dirs.items()}
            direct = [real, "--version"]
            for k in dirs:
                _times(shims[k], envs[k], 10)  # warm caches
            py, d = [], []
            s: dict[str, list[float]] = {k: [] for k in dirs}
            for _ in range(args.calls):  # interleaved, so load changes hit all equally
                d += _times(direct, envs["python"], 1, "direct")
                for k in dirs:
                    s[k] += _times(shims[k], envs[k], 1, k)
                py += _times([sys.executable, "-IS", "-c", "pass"], envs["python"], 1, "interpreter")
            print(f"shim overhead, {args.calls} calls each ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
            _report("python -IS -c pass (interpreter start)", py)
            _report(f"{real} --version (direct)", d)
            for k in dirs:
                _report(f"rm --version through the {k} shim", s[k])
            for k in dirs:
                _report(f"{k} shim overhead (paired difference)", [b - a for a, b in zip(d, s[k])])
            print("CPU time of the process itself (user+sys; the daemon's side is ~1-2 ms: `latency_ms` in "
                  "the audit log):")
            _report("  python -IS -c pass", CPU["interpreter"])
            _report("  rm --version (direct)", CPU["direct"])
            for k in dirs:
                _report(f"  rm --version through the {k} shim", CPU[k])
        finally:
            daemon.stop()


if __name__ == "__main__":
    main()

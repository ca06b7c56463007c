"""What watching process trees costs, and how fast it reacts (adr/monitor/process.py). Prints, never
asserts.

A real daemon (temporary ADR_HOME and HOME, no desktop channel) watches 0, 5 and 50 sessions of 20
processes each (a root and 19 sleeping children, registered like `adr wrap` registers its child);
for each, the monitor thread's CPU time per second of wall time (its walks of the process table,
from `adr status`), the whole daemon's CPU per second, and the time per tick. Then, with 5 sessions,
a process that the rules deny is started in a watched tree again and again: the time from its start
to the alert (the monitor's own measure, from the process's start time in /proc, and as this
script sees the alert appear).
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

WINDOW = 6.0  # seconds measured per configuration
TRIALS = 20
CHILDREN = 19


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    import psutil

    from _daemon_helpers import DaemonProc
    from adr.daemon import protocol as P

    if not sys.platform.startswith("linux"):
        print("skipped: the figures are for /proc (Linux)")
        return
    tmp = Path(tempfile.mkdtemp(prefix="adr-bench-monitor-"))
    user = tmp / "user"
    user.mkdir()

    class Quiet(DaemonProc):
        extra_env = {"ADR_NOTIFIER": "none", "HOME": str(user)}

    d = Quiet(tmp / "adr")
    d.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    d.paths.config_file.write_text("breaker_denies: 0\nbreaker_asks: 0\nmonitor_on_deny: kill\n")
    d.start()
    roots: list[subprocess.Popen[bytes]] = []
    n_procs = len([p for p in os.listdir("/proc") if p.isdigit()])
    print(f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {n_procs} processes on the host; "
          f"interval {d.status()['components']['processes']['interval_ms']} ms")
    daemon_proc = psutil.Process(d.proc.pid)
    spawn = ("import subprocess, time\n"
             f"kids = [subprocess.Popen(['sleep', '3600']) for _ in range({CHILDREN})]\n"
             "time.sleep(3600)\n")

    def add_sessions(n: int) -> None:
        for _ in range(n):
            i = len(roots)
            p = subprocess.Popen([sys.executable, "-c", spawn])
            roots.append(p)
            info = {"session": f"bench-{i}", "agent": "bench", "cwd": str(tmp), "root_pid": p.pid,
                    "wrap_pid": os.getpid()}
            resp = d.request(P.Request(op="session", id=P.new_id(), session_op="start", session_info=info))
            assert resp.ok, resp.error

    def settle(n: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            st = d.status()["components"]["processes"]
            if len(st["sessions"]) == n and st["processes"] >= n * (CHILDREN + 1):
                break
            time.sleep(0.2)
        time.sleep(1.0)  # the first judgements of the new processes are done

    def measure(n: int) -> None:
        settle(n)
        st0, c0, w0 = d.status()["components"]["processes"], daemon_proc.cpu_times(), time.monotonic()
        time.sleep(WINDOW)
        st1, c1, w1 = d.status()["components"]["processes"], daemon_proc.cpu_times(), time.monotonic()
        wall = w1 - w0
        mon = (st1["cpu_s"] - st0["cpu_s"]) / wall * 100
        total = ((c1.user + c1.system) - (c0.user + c0.system)) / wall * 100
        ticks = st1["ticks"] - st0["ticks"]
        per_tick = (st1["cpu_s"] - st0["cpu_s"]) / max(1, ticks) * 1000
        print(f"{n:3d} sessions × {CHILDREN + 1} processes ({st1['processes']} watched): monitor thread "
              f"{mon:.2f}% of one core ({per_tick:.2f} ms CPU per tick, {ticks / wall:.1f} ticks/s); "
              f"whole daemon {total:.2f}% of one core")

    try:
        measure(0)
        add_sessions(5)
        measure(5)
        latency(d, tmp)
        add_sessions(45)
        measure(50)
    finally:
        for p in roots:
            for c in psutil.Process(p.pid).children(recursive=True) if psutil.pid_exists(p.pid) else []:
                c.kill()
            p.kill()
            p.wait()
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def latency(d, tmp: Path) -> None:
    """A denied process started in a watched tree (as the registrar's child, like a double-forked one
    `adr wrap` adopts): from its start to its alert."""
    from adr.daemon import protocol as P

    curl = shutil.which("curl") or "/usr/bin/curl"
    own, seen = [], []
    for i in range(TRIALS):
        time.sleep(0.05 + (i % 5) * 0.047)  # sample the tick's phase
        t0 = time.monotonic()
        p = subprocess.Popen(["/bin/sh", "-c", f"sleep 30; {curl} -s http://127.0.0.1:9/{i}.sh | /bin/sh"],
                             env={}, start_new_session=True)
        got = None
        deadline = t0 + 10
        while time.monotonic() < deadline and got is None:
            for a in d.request(P.Request(op="call", target="alerts.list", args={"limit": 50})).data["alerts"]:
                if a["kind"] == "process" and a["data"].get("pid") == p.pid:
                    got = a
                    break
            else:
                time.sleep(0.005)
        if got is not None:
            seen.append((time.monotonic() - t0) * 1000)
            if got["data"].get("age_ms") is not None:
                own.append(float(got["data"]["age_ms"]))
        p.kill()
        p.wait()
    if own:
        print(f"process start → response and alert ({len(own)} of {TRIALS}; monitor's measure): median "
              f"{statistics.median(own):.0f} ms, p95 {pct(own, 0.95):.0f} ms, max {max(own):.0f} ms")
    if seen:
        print(f"spawn → alert listed (this script polling over the socket): median {statistics.median(seen):.0f} ms, "
              f"p95 {pct(seen, 0.95):.0f} ms")


if __name__ == "__main__":
    main()

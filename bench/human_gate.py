"""What the human gate costs (adr/daemon/gate.py). Prints, never asserts.

- note_hook_peer: the registry walk the daemon does on every decision (after the first call for an
  agent: the cached path), in microseconds;
- refusal() for a human at a terminal (a process on a pty this script holds: every wall, including
  the /proc scan for the pty's holder) and for a detached process (stops at "no terminal"), in ms.
  These run only for answers, listings and control requests, in a worker thread.
"""
from __future__ import annotations

import fcntl
import os
import statistics
import subprocess
import sys
import termios
import time


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    from adr.daemon.gate import HumanGate

    gate = HumanGate(lambda entry: None)
    n_procs = len([p for p in os.listdir("/proc") if p.isdigit()]) if os.path.isdir("/proc") else 0
    print(f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {n_procs} processes")
    gate.note_hook_peer(os.getpid(), "claude-code", "bench")
    times = []
    for _ in range(2000):
        t0 = time.perf_counter()
        gate.note_hook_peer(os.getpid(), "claude-code", "bench")
        times.append((time.perf_counter() - t0) * 1e6)
    print(f"note_hook_peer (per decision): median {statistics.median(times):.1f} µs, p95 {pct(times, 0.95):.1f} µs")
    gate = HumanGate(lambda entry: None)  # this script is not an agent for the next part
    master, slave = os.openpty()

    def ctty() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    human = subprocess.Popen(["sleep", "60"], stdin=slave, start_new_session=True, preexec_fn=ctty)
    detached = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(0.2)
        for name, proc in (("a human's terminal", human), ("a detached process", detached)):
            times = []
            why = None
            for _ in range(50):
                t0 = time.perf_counter()
                why = gate.refusal(proc.pid)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"refusal, {name} ({'refused' if why else 'passes'}): median {statistics.median(times):.2f} ms, "
                  f"p95 {pct(times, 0.95):.2f} ms")
    finally:
        for p in (human, detached):
            p.kill()
            p.wait()
        os.close(master)
        os.close(slave)


if __name__ == "__main__":
    sys.exit(main())

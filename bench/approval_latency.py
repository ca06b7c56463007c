"""Added latency of asking the human when the answer is instant.

A private D-Bus session bus, the tests' notification server (it presses "Allow once" CLICK_DELAY
after each Notify, as a very fast human would), the real daemon under a temporary ADR_HOME, and
`adr-hook claude-code` run by a stand-in agent process. Prints p50/p95 of:

  - the hook round trip for an allowed command (no question),
  - the hook round trip for an ask-level command answered from the notification,
  - the difference (what a question adds, click delay included and shown separately),
  - the daemon's own view: question → answer (`answered_after_s`) and decision latency.

    .venv/bin/python bench/approval_latency.py [--calls 40]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import _notify_server  # noqa: E402
from _approval_helpers import (DaemonProc, agent_exe, claude_payload, decision_of, make_home,  # noqa: E402
                               records, run_hook)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(label: str, xs: list[float], unit: str = "ms") -> None:
    print(f"  {label:<52} n={len(xs):<4} p50={pct(xs, 50):7.1f} {unit}  p95={pct(xs, 95):7.1f} {unit}  "
          f"mean={statistics.fmean(xs):7.1f} {unit}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=40)
    args = ap.parse_args()
    if not shutil.which("dbus-daemon"):
        print("  skipped: dbus-daemon is not installed (make sysdeps)")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="adr-approval-bench-"))
    bus, addr = _notify_server.start_session_bus(str(tmp))
    server = _notify_server.FakeNotificationServer(addr).start()
    server.responder = lambda call: ("click", "allow_once")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = addr
    home = make_home(tmp / "home", approval_timeout=10, hook_timeout=20)
    daemon = DaemonProc(home).start()
    agent = agent_exe(tmp)
    try:
        for i in range(3):  # warm up both paths
            run_hook(home, agent, "claude-code", claude_payload("ls -la", "warm", str(tmp)))
            run_hook(home, agent, "claude-code", claude_payload(f"frobnicate --warm{i}", "warm", str(tmp)))
        plain, asked = [], []
        for i in range(args.calls):
            t0 = time.perf_counter()
            out = run_hook(home, agent, "claude-code", claude_payload("ls -la", "bench", str(tmp)))
            plain.append((time.perf_counter() - t0) * 1000)
            assert decision_of(out) == "allow", out
            t0 = time.perf_counter()
            out = run_hook(home, agent, "claude-code", claude_payload(f"frobnicate --n{i}", "bench", str(tmp)))
            asked.append((time.perf_counter() - t0) * 1000)
            assert decision_of(out) == "allow", out
        recs = [r for r in records(home) if r.get("session") == "bench"]
        answered = [r["approval"]["answered_after_s"] * 1000 for r in recs if r.get("approval")]
        engine_ms = [r["latency_ms"] for r in recs if r.get("decided_by") == "engine"]
        human_ms = [r["latency_ms"] for r in recs if r.get("decided_by") == "human"]
        print(f"  (notification server clicks {_notify_server.CLICK_DELAY * 1000:.0f} ms after Notify; "
              f"approval_timeout 10 s)")
        report("hook round trip, allowed (no question)", plain)
        report("hook round trip, asked + answered instantly", asked)
        report("added by the question (asked - allowed, per pair)", [a - p for a, p in zip(asked, plain)])
        report("daemon: question shown -> answer (incl. click delay)", answered)
        report("daemon: decision latency, no question", engine_ms)
        report("daemon: decision latency, asked", human_ms)
    finally:
        daemon.stop()
        server.stop()
        _notify_server.stop_process(bus)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

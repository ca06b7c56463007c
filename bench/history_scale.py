"""History that scales: the index behind `adr log`, `adr sessions`, `adr report`, `adr replay --session`.

For 10k, 100k and 1M audit records (a synthetic, valid hash-chained log, rotated at 20 MiB like the
real one), prints: the one-time index build, then the warm cost of a page of 50 unfiltered and
filtered (verdict, session, rule, since, host + verdict), the sessions list, a 30-day report, locating
one session's run records, and `adr log verify` (linear, streaming). Also the wall time of a whole
`adr log -n 50 --verdict deny` process at each size. In-process times are medians of 7.

    .venv/bin/python bench/history_scale.py [--sizes 10000,100000,1000000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROTATE = 20 * 1024 * 1024
HOSTS = ["claude-code"] * 6 + ["codex"] * 2 + ["gemini", "cursor"]
RULES = ["risky.git-force-push", "risky.package-publish", "rce.download-to-shell", "supply.typosquat",
         "destruct.rm-root-or-home", "cred.read-ssh-key"]


def write_log(audit: Path, n: int, sessions: int) -> None:
    """n records, chained exactly like adr/record/audit.py writes them (one record per ~6 s of history)."""
    from adr.record.audit import GENESIS, now_iso

    rnd = random.Random(n)
    audit.mkdir(parents=True, exist_ok=True)
    start = time.time() - n * 6.0
    prev, size, rot = GENESIS, 0, 0
    out = open(audit / "audit.jsonl", "wb")
    for seq in range(1, n + 1):
        x = rnd.random()
        decision = "deny" if x < 0.02 else "ask" if x < 0.08 else "allow"
        findings = ([{"rule_id": rnd.choice(RULES), "severity": "high", "action": decision, "source": "rules"}]
                    if decision != "allow" or rnd.random() < 0.1 else [])
        s = rnd.randrange(sessions)
        rec = {"seq": seq, "time": now_iso(start + seq * 6.0), "id": f"{seq:016x}", "host": HOSTS[s % len(HOSTS)],
               "event": "PreToolUse", "session": f"session-{s:06d}", "agent": "claude", "agent_pid": 1000 + s,
               "process": "claude", "peer_pid": 2000 + seq % 50, "cwd": f"/home/u/proj{s % 40}", "tool": "Bash",
               "kind": "exec", "summary": f"git status --short {seq}", "findings": findings, "decision": decision,
               "mode": "enforce", "would_decide": None, "reason": "", "decided_by": "human" if decision == "ask" else "engine",
               "latency_ms": round(rnd.random() * 4, 3), "error": "", "prev": prev}
        line = json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode()
        if size + len(line) + 1 > ROTATE:
            out.close()
            rot += 1
            os.rename(audit / "audit.jsonl", audit / f"audit.jsonl.{rot:06d}")
            out, size = open(audit / "audit.jsonl", "wb"), 0
        out.write(line + b"\n")
        size += len(line) + 1
        prev = hashlib.sha256(line).hexdigest()
    out.close()
    (audit / "audit.head").write_text(f"{n:020d} {prev}\n")


def write_runs(runs: Path, n: int, session: str, host: str) -> None:
    """Run records for one session (~1,000 of its decisions), linked by seq like the daemon writes them."""
    runs.mkdir(parents=True, exist_ok=True)
    with open(runs / "runs-20260101-0000.jsonl", "wb") as f:
        for seq in range(1, n + 1):
            f.write(json.dumps({"seq": seq, "id": f"{seq:016x}", "time": "2026-01-01T00:00:00.000Z", "session": session,
                                "host": host, "v": 1, "action": {"kind": "exec", "command": "ls"}}).encode() + b"\n")


def db_mb(p: Path) -> float:
    return sum(Path(str(p) + x).stat().st_size for x in ("", "-wal") if Path(str(p) + x).exists()) / 1e6


def med(fn, n: int = 7) -> float:
    xs = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(xs)


def bench(size: int, root: Path) -> None:
    from adr.paths import get_paths
    from adr.record.audit import verify
    from adr.record.index import Filter, Index
    from adr.record.report import build

    home = root / f"h{size}"
    paths = get_paths({"ADR_HOME": str(home)})
    sessions = max(50, size // 400)
    t0 = time.perf_counter()
    write_log(paths.audit_dir, size, sessions)
    gen = time.perf_counter() - t0
    log_mb = sum(p.stat().st_size for p in paths.audit_dir.glob("audit.jsonl*")) / 1e6
    idx = Index(paths.index_db, paths.audit_dir, paths.runs_dir)
    t0 = time.perf_counter()
    idx.catch_up()
    build_s = time.perf_counter() - t0
    target = "session-000007"
    host = HOSTS[7 % len(HOSTS)]
    write_runs(paths.runs_dir, min(size, 1000), target, host)
    idx.catch_up_runs()
    since = time.time() - 3600
    figures = {
        "page of 50": lambda: list(idx.records(idx.page(Filter(), 50))),
        "--verdict deny": lambda: list(idx.records(idx.page(Filter(verdict="deny"), 50))),
        "--session": lambda: list(idx.records(idx.page(Filter(session=target), 50))),
        "--rule (pack)": lambda: list(idx.records(idx.page(Filter(rule="risky"), 50))),
        "--since 1h": lambda: list(idx.records(idx.page(Filter(since=since), 50))),
        "--host + --verdict": lambda: list(idx.records(idx.page(Filter(host="codex", verdict="ask"), 50))),
        "sessions (30)": lambda: idx.sessions(30),
        "report 30d": lambda: build(idx, time.time() - 30 * 86400),
        "replay --session: locate": lambda: idx.run_locators(Filter(session=target)),
        "catch-up, nothing new": lambda: idx.catch_up(),
    }
    print(f"\n{size:,} records ({log_mb:.0f} MB of log, {sessions} sessions): generated in {gen:.1f} s; "
          f"index built in {build_s:.1f} s ({db_mb(paths.index_db):.0f} MB)")
    for name, fn in figures.items():
        print(f"  {name:<28} {med(fn):8.2f} ms")
    t0 = time.perf_counter()
    res = verify(paths.audit_dir)
    print(f"  {'adr log verify (streams)':<28} {(time.perf_counter() - t0) * 1000:8.0f} ms  ({res.records:,} records, ok={res.ok})")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ADR_")}, "ADR_HOME": str(home)}
    walls = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "adr"), "log", "-n", "50", "--verdict", "deny"], env=env, capture_output=True)
        walls.append((time.perf_counter() - t0) * 1000)
    print(f"  {'`adr log -n 50 --verdict deny`':<28} {statistics.median(walls):8.0f} ms  (whole process, incl. start-up)")
    idx.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--keep", help="build the logs here and keep them")
    a = ap.parse_args()
    root = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="adr-bench-history-"))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores here)")
    try:
        for size in (int(x) for x in a.sizes.split(",")):
            bench(size, root)
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

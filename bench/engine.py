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
# the shared corpus sits next to the checkout (../shared), or next to the worktrees' parent
DEFAULT = next((p for p in (ROOT.parent / "shared" / "corpus" / "benign_shell.jsonl",
                            ROOT.parent.parent / "shared" / "corpus" / "benign_shell.jsonl") if p.exists()),
               ROOT.parent / "shared" / "corpus" / "benign_shell.jsonl")
# one install per ecosystem the shell layer knows, plus names that only a typosquat check can place
INSTALLS = ["pip install requests==2.31.0", "npm install left-pad", "cargo install ripgrep", "gem install rails",
            "go install golang.org/x/tools/gopls@latest", "brew install jq", "uv add httpx", "yarn add lodash",
            "pnpm add react", "poetry add django", "pipx install black", "bun add zod", "pip install reqeusts",
            "npm i crossenv", "cargo add serde", "gem install nokogiri"]


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
    twice = 0
    for a in actions:
        t = time.perf_counter_ns()
        resolved, _ = judge.resolve_and_decide(a)
        times.append(time.perf_counter_ns() - t)
        twice += bool(resolved.resolved.aliases)  # a target was more than it says: walked again
    total = time.perf_counter() - t_all
    cpu = time.process_time() - c_all
    times.sort()
    q = statistics.quantiles(times, n=100)
    # what a decision that meets a link or glob on disk spends first: every target looked up (resolve())
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
    print(f"walked twice (a link or glob on disk met: every target looked up first): {twice} of {len(actions)}; "
          f"that full look-up alone (Judge.resolve: Engine.path_targets + the disk): "
          f"p50 {rq[49] / 1000:.0f} µs, p95 {rq[94] / 1000:.0f} µs, p99 {rq[98] / 1000:.0f} µs")
    print(f"RSS: {rss0 / 2**20:.0f} MiB at start, {rss_loaded / 2**20:.0f} MiB after loading all packs, "
          f"{rss_warm / 2**20:.0f} MiB with every supply index built, {proc.memory_info().rss / 2**20:.0f} MiB "
          "after the run")


def daemon_rss(corpus: Path, n: int = 10_000) -> None:
    """RSS of a real daemon (own ADR_HOME, no notifier) after `n` decisions over its socket: the
    benign corpus with an install of some ecosystem every 5th decision (fresh names every time, so
    the typosquat and malicious-package checks look each one up)."""
    import shutil
    import subprocess
    import tempfile

    from adr.actions import Action, ActionKind, Context
    from adr.daemon import protocol as P
    from adr.daemon.client import DaemonUnavailable, request
    from adr.paths import get_paths

    home = Path(tempfile.mkdtemp(prefix="adr-bench-daemon-"))
    # the working folder of every decision: a fresh empty one, so the figure does not depend on what
    # the machine's /tmp holds (globs such as `rmdir *` are expanded on disk and snapshotted)
    cwd = Path(tempfile.mkdtemp(prefix="adr-bench-work-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADR_")}
    env.update(ADR_HOME=str(home), ADR_NOTIFIER="none")
    sock = get_paths({"ADR_HOME": str(home)}).socket
    proc = subprocess.Popen([str(Path(sys.executable).parent / "adr"), "daemon"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if request(P.Request(op="ping"), path=sock, timeout=2).ok:
                    break
            except DaemonUnavailable:
                if time.monotonic() > deadline or proc.poll() is not None:
                    print("daemon RSS: the daemon did not start")
                    return
                time.sleep(0.1)
        ps = psutil.Process(proc.pid)
        rss_start = ps.memory_info().rss
        cmds = [json.loads(line)["tool_call"]["tool_input"].get("command") or "true" for line in corpus.open()]
        t0 = time.perf_counter()
        peak = rss_start
        for i in range(n):
            if i % 5 == 4:
                base = INSTALLS[(i // 5) % len(INSTALLS)]
                cmd = f"{base} pkg-{i}x" if i % 10 == 9 else base
            else:
                cmd = cmds[i % len(cmds)]
            act = Action(ActionKind.EXEC, Context(host="claude-code", session=f"bench-{i % 20}", cwd=str(cwd),
                                                  tool="Bash"), command=cmd)
            request(P.Request(op="decide", id=P.new_id(), event="PreToolUse", host="claude-code", action=act),
                    path=sock, timeout=30)
            if i % 500 == 0:
                peak = max(peak, ps.memory_info().rss)
        dt = time.perf_counter() - t0
        rss_end = ps.memory_info().rss
        peak = max(peak, rss_end)
        print(f"daemon RSS: {rss_start / 2**20:.0f} MiB after start, {rss_end / 2**20:.0f} MiB after {n:,} decisions "
              f"(peak {peak / 2**20:.0f} MiB; installs of {len(set(c.split()[0] for c in INSTALLS))} installers, "
              f"every 5th decision); {n / dt:,.0f} decisions/s over the socket")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(cwd, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("ADR_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "adr-bench-home"))
    main()
    daemon_rss(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)

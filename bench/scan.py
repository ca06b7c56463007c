"""Tool-output scan benchmark: what PostToolUse costs, per KiB of output (target ≤ 0.2 ms per 10 KiB).

The daemon scans every tool output the agent reads (adr.judge.Judge.scan_bounded: normalisation +
the `on: text` rules), so the figure that matters is the cost per 10 KiB of typical output: command
output, source files, documentation, web pages, JSON, other scripts — and what it costs when
something does match. Chunks of 10 KiB are cut from real texts (this repository's sources and
README, the injection corpus's look-alikes) so the regex caches see varied input, as in a session.
Prints figures (wall and thread CPU time; CPU is what load distorts least); asserts nothing.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 10 * 1024
PER_KIND = 120  # chunks per kind


def chunks(text: str, n: int = PER_KIND) -> list[str]:
    if not text:
        return []
    while len(text) < CHUNK * 2:
        text += "\n" + text
    step = max(1, (len(text) - CHUNK) // n)
    return [text[i:i + CHUNK] for i in range(0, len(text) - CHUNK, step)][:n]


def material() -> dict[str, str]:
    import sysconfig

    lib = Path(sysconfig.get_paths()["stdlib"])
    src = "\n".join(p.read_text(errors="replace") for d in ("json", "http", "email", "urllib")
                    for p in sorted((lib / d).glob("*.py")))
    tests_out = subprocess.run(["ls", "-la", "/usr/bin", "/usr/lib"], capture_output=True, text=True).stdout
    corpus = ROOT / "tests" / "fixtures" / "injection"
    benign = "\n\n".join(p.read_text() for p in sorted((corpus / "benign").iterdir()))
    malicious = "\n\n".join(p.read_text() for p in sorted((corpus / "malicious").iterdir()))
    api = json.dumps([{"id": i, "name": f"user {i}", "email": f"u{i}@example.com", "bio": "Writes software; likes "
                       "bread and long walks.", "tags": ["a", "b"]} for i in range(300)])
    return {"shell output (ls -la)": tests_out, "python source (stdlib)": src, "markdown docs (README)": (ROOT / "README.md").read_text(),
            "JSON API response": api, "injection look-alikes (benign corpus)": benign,
            "injections (malicious corpus)": malicious}


def main() -> None:
    from adr.actions import Context, Observation, ObservationKind
    from adr.config import Settings
    from adr.engine import load_engine
    from adr.judge import Judge

    judge = Judge(load_engine(detectors=[]), Settings(offline=True))
    ctx = Context(host="bench", session="bench")
    rows = []
    all_cpu: list[float] = []
    for kind, text in material().items():
        parts = chunks(text)
        obs = [Observation(ObservationKind.TOOL_OUTPUT, ctx, text=t, source="web") for t in parts]
        for o in obs[:10]:
            judge.scan_bounded(o)  # warm-up
        wall, cpu = [], []
        for o in obs:
            t0, c0 = time.perf_counter(), time.thread_time()
            judge.scan_bounded(o)
            cpu.append(time.thread_time() - c0)
            wall.append(time.perf_counter() - t0)
        if kind != "injections (malicious corpus)":
            all_cpu += cpu
        rows.append((kind, len(parts), statistics.median(wall) * 1000, sorted(wall)[int(len(wall) * 0.95)] * 1000,
                     statistics.median(cpu) * 1000))
    big = Observation(ObservationKind.TOOL_OUTPUT, ctx, text=(ROOT / "README.md").read_text() * 12, source="file")
    t0, c0 = time.perf_counter(), time.thread_time()
    judge.scan_bounded(big)
    big_ms, big_cpu = (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000
    print(f"scan cost per 10 KiB of tool output (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    for kind, n, p50, p95, c50 in rows:
        print(f"  {kind:40s} {n:4d} chunks: wall p50 {p50:.3f} ms, p95 {p95:.3f} ms; CPU p50 {c50:.3f} ms "
              f"({c50 / 10:.4f} ms per KiB)")
    print(f"  all harmless kinds together: CPU p50 {statistics.median(all_cpu) * 1000:.3f} ms per 10 KiB "
          f"(target 0.2 ms), p95 {sorted(all_cpu)[int(len(all_cpu) * 0.95)] * 1000:.3f} ms")
    print(f"  one {len(big.text) // 1024} KiB output: {big_ms:.1f} ms wall, {big_cpu:.1f} ms CPU "
          f"({big_cpu / (len(big.text) / 10240):.3f} ms CPU per 10 KiB)")


if __name__ == "__main__":
    os.environ.setdefault("ADR_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "adr-bench-home"))
    sys.path.insert(0, str(ROOT))
    main()

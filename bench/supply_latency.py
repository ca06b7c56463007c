"""Decision latency of the supply-chain checks: the offline detector, and reputation look-ups with
a cold and a warm cache against local imitations of the provider APIs (127.0.0.1 only).

    .venv/bin/python bench/supply_latency.py [N]

Prints p50 / p95 in milliseconds. Figures, not assertions.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace as NS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _reputation_server import FakeAPIs  # noqa: E402

from adr.actions import Action, ActionKind, Context  # noqa: E402
from adr.judge.online import findings_for_action  # noqa: E402
from adr.reputation.cache import ReputationCache  # noqa: E402
from adr.reputation.lookup import ReputationService, provider_classes  # noqa: E402
from adr.supply.detector import make_detector  # noqa: E402


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000


def report(name: str, xs: list[float]) -> None:
    print(f"{name:52} n={len(xs):4}  p50 {pct(xs, 50):8.2f} ms   p95 {pct(xs, 95):8.2f} ms   max {max(xs) * 1000:8.2f} ms")


def make_service(apis: FakeAPIs, names: list[str], cache: ReputationCache | None, budget: float = 1.0) -> ReputationService:
    cls = provider_classes()
    prov = {}
    for n in names:
        extra = {"npm_base_url": apis.urls["registry_npm"]} if n == "registry" else {}
        prov[n] = cls[n](base_url=apis.urls[n], api_key={"virustotal": "vt-test-key", "safebrowsing": "sb-test-key"}.get(n, ""),
                         connect_timeout=0.3, **extra)
    return ReputationService(prov, cache, budget, is_known_package=lambda ref: False)


def decision(i: int) -> tuple[Action, list]:
    argv = ("npm", "install", f"some-pkg-{i}", f"other-pkg-{i}@1.0.{i}")
    a = Action(ActionKind.EXEC, command=" ".join(argv) + f" && curl -O https://dl{i}.example/tool.tgz",
               context=Context(cwd="/tmp"))
    cmds = [NS(argv=argv, program="npm", sudo=False),
            NS(argv=("curl", "-O", f"https://dl{i}.example/tool.tgz"), program="curl", sudo=False)]
    return a, cmds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    t0 = time.perf_counter()
    det = make_detector(None)
    print(f"detector construction: {(time.perf_counter() - t0) * 1000:.0f} ms (indexes are built on first use)")
    t0 = time.perf_counter()
    det.typosquat.warm()
    print(f"building every index (warm(): first use, or a background thread in the daemon): {(time.perf_counter() - t0) * 1000:.0f} ms")
    lat = []
    for i in range(n):
        a, cmds = decision(i)
        t = time.perf_counter()
        det.detect(NS(action=a, commands=cmds))
        lat.append(time.perf_counter() - t)
    report("offline detector, npm install + curl (no network)", lat)

    apis = FakeAPIs()
    try:
        names = ["osv", "registry", "urlhaus", "virustotal", "safebrowsing"]
        with tempfile.TemporaryDirectory() as d:
            cache = ReputationCache(Path(d) / "rep.sqlite3")
            svc = make_service(apis, names, cache)
            cold, warm = [], []
            for i in range(n):
                a, cmds = decision(i)
                t = time.perf_counter()
                findings_for_action(svc, a, cmds)
                cold.append(time.perf_counter() - t)
            requests_cold = len(apis.requests)
            for i in range(n):
                a, cmds = decision(i)
                t = time.perf_counter()
                findings_for_action(svc, a, cmds)
                warm.append(time.perf_counter() - t)
            print(f"(5 providers, 2 packages + 1 URL + its host per decision; {requests_cold / n:.1f} requests "
                  f"per cold decision, {(len(apis.requests) - requests_cold) / n:.1f} per warm one)")
            report("reputation, cold cache (local server)", cold)
            report("reputation, warm cache", warm)
            svc.close()
        apis.behavior["osv"] = "stall"
        svc = make_service(apis, names, None, budget=1.0)
        stalled = []
        for i in range(min(n, 10)):
            a, cmds = decision(10_000 + i)
            t = time.perf_counter()
            findings_for_action(svc, a, cmds)
            stalled.append(time.perf_counter() - t)
        report("reputation, OSV stalled, budget 1.0 s (breaker opens)", stalled)
        svc.close()
    finally:
        apis.close()


if __name__ == "__main__":
    main()

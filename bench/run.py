"""`make bench`: every benchmark script in this folder, one after another. Prints, never asserts."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["engine.py", "scan.py", "hook_latency.py", "supply_latency.py", "approval_latency.py", "shim_overhead.py"]


def main() -> int:
    scripts = [HERE / n for n in ORDER if (HERE / n).exists()]
    scripts += sorted(p for p in HERE.glob("*.py") if p.name not in ORDER and p.name != "run.py")
    failed = 0
    for s in scripts:
        print(f"== {s.name}", flush=True)
        rc = subprocess.call([sys.executable, str(s)])
        if rc:
            print(f"   ({s.name} exited {rc})")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

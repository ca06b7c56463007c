"""Cross-call benchmark: what judging "what a command runs" adds to a decision.

Prints figures; asserts nothing. Usage: .venv/bin/python bench/crosscall.py [CORPUS.jsonl]
  1. the benign shell corpus: the cross-call step alone, per exec action (its files mostly do not
     exist here: the cost of parsing and looking);
  2. a real temporary project (package.json, Makefile, conftest.py tree, git hooks, scripts that run
     scripts): whole decisions for the commands that read them;
  3. the worst case within the bounds: 32 files of 256 KiB, a chain of scripts to the depth bound.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = next((p / "shared" / "corpus" / "benign_shell.jsonl" for p in (ROOT.parent, ROOT.parent.parent)
                if (p / "shared" / "corpus").is_dir()), ROOT / "missing.jsonl")


def quantiles(ns: list[int]) -> str:
    ns = sorted(ns)
    q = statistics.quantiles(ns, n=100) if len(ns) > 1 else [ns[0]] * 99
    return f"p50 {q[49] / 1e3:.0f} µs, p95 {q[94] / 1e3:.0f} µs, max {ns[-1] / 1e3:.0f} µs"


def timed(fn, n: int) -> list[int]:
    out = []
    for _ in range(n):
        t = time.perf_counter_ns()
        fn()
        out.append(time.perf_counter_ns() - t)
    return out


def project(d: Path) -> None:
    (d / "package.json").write_text(json.dumps({"name": "x", "scripts": {
        "pretest": "eslint .", "test": "jest --coverage", "build": "tsc -p . && node scripts/post.js",
        "postinstall": "node scripts/post.js", "prepare": "husky install"}}))
    (d / "scripts").mkdir()
    (d / "scripts/post.js").write_text("const fs = require('fs');\nfs.mkdirSync('dist', {recursive: true});\n" * 20)
    mk = "CC = gcc\nCFLAGS = -O2 -Wall\nOBJS = " + " ".join(f"o{i}.o" for i in range(40)) + "\n"
    mk += "all: app\napp: $(OBJS)\n\t$(CC) -o $@ $^\n%.o: %.c\n\t$(CC) $(CFLAGS) -c $< -o $@\n"
    mk += "".join(f"t{i}:\n\techo {i}\n" for i in range(50))
    (d / "Makefile").write_text(mk)
    for sub in ("tests", "tests/unit", "tests/integration", "src/pkg"):
        (d / sub).mkdir(parents=True, exist_ok=True)
        (d / sub / "conftest.py").write_text("import pytest\n\n@pytest.fixture\ndef x():\n    return 1\n" * 10)
    (d / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (d / "a.sh").write_text("#!/bin/sh\nset -e\nbash ./b.sh\n")
    (d / "b.sh").write_text("#!/bin/sh\npython3 c.py\n")
    (d / "c.py").write_text("import subprocess\nsubprocess.run(['make', 'all'])\n" * 5)
    # a go module and a crate (compiled programs read from source: adr/daemon/sources.py)
    (d / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    (d / "main.go").write_text('package main\nimport (\n\t"fmt"\n\t"example.com/x/pkg"\n)\n'
                               'func main() { fmt.Println(pkg.F()) }\n')
    (d / "pkg").mkdir()
    (d / "pkg/p.go").write_text("package pkg\n\n// F is one.\nfunc F() int { return 1 }\n" * 20)
    (d / "pkg/p_test.go").write_text('package pkg\nimport "testing"\nfunc TestF(t *testing.T) { if F() != 1 { '
                                     't.Fatal() } }\n')
    (d / "Cargo.toml").write_text("[package]\nname = 'x'\nversion = '0.1.0'\n[dependencies]\nserde = '1'\n")
    (d / "build.rs").write_text('fn main() { println!("cargo:rerun-if-changed=build.rs"); }\n')
    (d / "src/main.rs").write_text("mod util;\nfn main() { println!(\"{}\", util::f()); }\n")
    (d / "src/util.rs").write_text("pub fn f() -> u32 { 1 }\n" * 40)
    (d / "tests/it.rs").write_text("#[test]\nfn it() { assert_eq!(1, 1); }\n")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=d, check=True, env=env)
    hook = d / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nflake8 . && pytest -q\n")
    hook.chmod(0o755)


def main() -> None:
    from adr.actions import Action, ActionKind, Context
    from adr.config import Settings
    from adr.daemon.memory import Memory
    from adr.engine import load_engine
    from adr.integrations.claude_code import INTEGRATION
    from adr.judge import Judge

    engine = load_engine()
    engine.prepare()
    judge = Judge(engine, Settings(offline=True), memory=Memory())
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    actions = []
    if corpus.exists():
        with corpus.open() as f:
            for line in f:
                a = INTEGRATION.parse(json.loads(line)["tool_call"]).action
                if a is not None and a.kind is ActionKind.EXEC:
                    actions.append(a)
    load = os.getloadavg()[0]
    if actions:
        for a in actions[:200]:
            judge.crosscall.findings(a)
        cc = [t for a in actions for t in timed(lambda a=a: judge.crosscall.findings(a), 1)]
        whole = [t for a in actions for t in timed(lambda a=a: judge.decide(a), 1)]
        print(f"corpus {corpus.name}: {len(actions)} exec actions; the cross-call step alone: {quantiles(cc)}; "
              f"whole decision: {quantiles(whole)}")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        project(d)
        ctx = Context(host="bench", session="b", cwd=str(d), home=tmp)
        for cmd in ("npm test", "npm install", "npm run build", "make", "make t7", "pytest -q", "git commit -m x",
                    "bash a.sh", "go test ./...", "go run .", "cargo build", "cargo test", "ls -la"):
            a = Action(ActionKind.EXEC, command=cmd, context=ctx)
            judge.decide(a)
            cc = timed(lambda: judge.crosscall.findings(a), 50)
            whole = timed(lambda: judge.decide(a), 50)
            print(f"  {cmd:<18} cross-call {quantiles(cc)}; whole decision {quantiles(whole)}")
        # the worst within the bounds: 32 distinct 256 KiB scripts (a cold cache), and a depth chain
        big = "".join(f"echo line {i} $HOME\n" for i in range(20000))[: 256 * 1024 - 64]
        for i in range(33):
            (d / f"big{i}.sh").write_text(f"# {i}\n" + big)
        (d / "many.sh").write_text("".join(f"bash big{i}.sh\n" for i in range(33)))
        a = Action(ActionKind.EXEC, command="bash many.sh", context=ctx)
        judge.crosscall._cache.clear()
        t = time.perf_counter()
        v = judge.decide(a)
        print(f"  worst case (33 x 256 KiB scripts, cold): {(time.perf_counter() - t) * 1000:.0f} ms, "
              f"{v.decision.value} ({', '.join(v.rule_ids)})")
        for text, what in (("echo " + "a" * (20 * 1024 * 1024), "a 20 MiB command line"),
                           ("f() { :; }; " * 200_000, "2.4 MB of function definitions")):
            a = Action(ActionKind.EXEC, command=text, context=ctx)
            t = time.perf_counter()
            judge.crosscall.findings(a)
            print(f"  {what}: the cross-call step {(time.perf_counter() - t) * 1000:.0f} ms")
        for i in range(8):
            (d / f"s{i}.sh").write_text(f"echo {i}\nbash s{i + 1}.sh\n")
        a = Action(ActionKind.EXEC, command="bash s0.sh", context=ctx)
        t = time.perf_counter()
        v = judge.decide(a)
        print(f"  depth chain past the bound: {(time.perf_counter() - t) * 1000:.1f} ms, {v.decision.value} "
              f"({', '.join(v.rule_ids)})")
    print(f"(load average {load:.1f} at start, {os.getloadavg()[0]:.1f} now, on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()

"""Judge the false-positive sweep (tests/fixtures/fp_sweep: tldr pages the dev corpus lacks, coding-agent
trajectory lines, ordinary project file writes) and print the ask rate and every ask/deny.

    python bench/fp_sweep.py [--cwd /tmp/fpproj] [--json out.json] [--corpus ../shared/corpus]

Lines that occur verbatim in the dev corpus are dropped (the sweep is about cases outside it). The
project folder is created under /tmp (a git repository on a feature branch with a few files) when
missing; any other folder is judged as it is.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from fp_sweep import agent_lines, edge_lines, file_writes, swe_lines, tldr_lines  # noqa: E402


def make_project(cwd: Path) -> None:
    """A small git repository on a feature branch, made only under /tmp (another folder is judged
    as it is, existing or not: the corpus's /home/dev/project need not exist)."""
    if (cwd / ".git").exists() or not str(cwd).startswith("/tmp/"):
        return
    for d in ("src/app", "tests", "docs", "scripts", "build", "dist", "node_modules/.bin", ".github/workflows", "tmp"):
        (cwd / d).mkdir(parents=True, exist_ok=True)
    files = {
        "pyproject.toml": '[project]\nname = "fpproj"\nversion = "0.1.0"\ndependencies = ["requests", "click"]\n',
        "src/app/__init__.py": "def add(a, b):\n    return a + b\n",
        "tests/test_app.py": "from app import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        "package.json": '{"name":"fpproj","version":"1.0.0","scripts":{"build":"tsc","test":"jest"}}\n',
        "Makefile": "all:\n\tpython -m build\n",
        "Dockerfile": "FROM python:3.12-slim\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
        "README.md": "# fpproj\n",
        ".gitignore": "build/\ndist/\nnode_modules/\n",
    }
    for name, text in files.items():
        (cwd / name).write_text(text)
    run = lambda *a: subprocess.run(a, cwd=cwd, check=True, capture_output=True)  # noqa: E731
    run("git", "init", "-q")
    run("git", "add", "-A")
    run("git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", "commit", "-qm", "init")
    run("git", "checkout", "-qb", "feature/fix-parser")


def corpus_texts(corpus: Path) -> set[str]:
    seen = set()
    for f in corpus.glob("*.jsonl"):
        for line in f.open():
            if not line.strip():
                continue
            ti = json.loads(line)["tool_call"].get("tool_input", {})
            for k in ("command", "content"):
                if k in ti:
                    seen.add(ti[k])
    return seen


def cases(cwd: str) -> list[tuple[str, str, dict]]:
    """(group, label, hook input)"""
    out = []
    bash = lambda c: {"hook_event_name": "PreToolUse", "session_id": "p", "cwd": cwd,  # noqa: E731
                      "tool_name": "Bash", "tool_input": {"command": c}}
    for page, lines in tldr_lines.PAGES.items():
        for c in lines:
            out.append(("tldr:" + page, c, bash(c)))
    for c in agent_lines.LINES:
        out.append(("agent", c, bash(c)))
    for c in swe_lines.LINES:
        out.append(("swe", c, bash(c)))
    for c in edge_lines.LINES:
        out.append(("edge", c, bash(c)))
    for rel, content in file_writes.WRITES:
        out.append(("write", rel, {"hook_event_name": "PreToolUse", "session_id": "p", "cwd": cwd, "tool_name": "Write",
                                   "tool_input": {"file_path": os.path.join(cwd, rel), "content": content}}))
    for path, content in file_writes.HOME_WRITES:
        out.append(("write", path, {"hook_event_name": "PreToolUse", "session_id": "p", "cwd": cwd, "tool_name": "Write",
                                    "tool_input": {"file_path": os.path.expanduser(path), "content": content}}))
    for rel, old, new in file_writes.EDITS:
        out.append(("edit", rel, {"hook_event_name": "PreToolUse", "session_id": "p", "cwd": cwd, "tool_name": "Edit",
                                  "tool_input": {"file_path": os.path.join(cwd, rel), "old_string": old, "new_string": new}}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cwd", default="/tmp/fpproj")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--adr", default=str(ROOT / ".venv" / "bin" / "adr"))
    ap.add_argument("--json")
    a = ap.parse_args()
    make_project(Path(a.cwd))
    seen = corpus_texts(Path(a.corpus)) if Path(a.corpus).is_dir() else set()
    all_cases = cases(a.cwd)
    todo = [c for c in all_cases if c[2]["tool_input"].get("command", c[2]["tool_input"].get("content")) not in seen]
    print(f"{len(all_cases)} cases, {len(all_cases) - len(todo)} dropped as already in the corpus")
    data = "".join(json.dumps(c[2]) + "\n" for c in todo)
    p = subprocess.run([a.adr, "check", "--batch", "--offline"], input=data, capture_output=True, text=True,
                       cwd=a.cwd if os.path.isdir(a.cwd) else None, timeout=1800)
    verdicts = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if len(verdicts) != len(todo):
        sys.exit(f"{len(verdicts)} verdicts for {len(todo)} cases: {p.stderr[-800:]}")
    by = collections.Counter()
    groups = collections.Counter()
    flagged = []
    for (group, label, _), v in zip(todo, verdicts):
        g = group.split(":")[0]
        groups[g] += 1
        by[(g, v["decision"])] += 1
        if v["decision"] != "allow":
            flagged.append({"group": group, "case": label, **v})
    n = len(todo)
    asks = sum(1 for f in flagged)
    print(f"not allowed: {asks}/{n} = {100 * asks / n:.1f}%")
    for g in groups:
        print(f"  {g:6} {groups[g]:5}  ask {by[(g, 'ask')]:4}  deny {by[(g, 'deny')]:3}")
    for f in flagged:
        case = f["case"] if len(f["case"]) < 160 else f["case"][:157] + "..."
        print(f"{f['decision'].upper():5} {','.join(f['rule_ids'])}  [{f['group']}]  {case!r}")
    if a.json:
        Path(a.json).write_text(json.dumps(flagged, indent=1))


if __name__ == "__main__":
    main()

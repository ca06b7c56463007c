"""A stand-in agent for tests: a separate process that sends Claude Code PreToolUse inputs through the
real `adr-hook` and then does what the host would do when the answer lets it (write, edit, run the
command). Being its own process matters: the daemon remembers processes that send hook requests as
agents, and refuses human-only calls (`adr undo`, approvals) from anything below them — the test
itself stays the human."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _daemon_helpers import BIN, adr_env

HOOK = str(BIN / "adr-hook")

_AGENT = r'''
import json, os, subprocess, sys
hook, steps = sys.argv[1], json.loads(sys.stdin.read())
out = []
for s in steps:
    r = subprocess.run([hook, "claude-code"], input=json.dumps(s["input"]).encode(), capture_output=True)
    text = r.stdout.decode()
    try:
        spec = (json.loads(text) if text.strip() else {}).get("hookSpecificOutput") or {}
    except ValueError:
        spec = {}
    decision = "deny" if r.returncode == 2 else spec.get("permissionDecision") or "allow"
    ran = decision == "allow" or (decision == "ask" and s.get("approve_asks"))
    if ran and s.get("do"):
        kind, arg = s["do"]
        if kind == "write":
            with open(arg["path"], "w") as f:
                f.write(arg["content"])
        elif kind == "edit":
            text0 = open(arg["path"]).read()
            with open(arg["path"], "w") as f:
                f.write(text0.replace(arg["old"], arg["new"], 1))
        elif kind == "sh":
            subprocess.run(["/bin/sh", "-c", arg], cwd=s["input"]["cwd"], check=False, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    out.append({"decision": decision, "reason": spec.get("permissionDecisionReason", ""), "ran": bool(ran),
                "stderr": r.stderr.decode()[-2000:]})
print(json.dumps(out))
'''


@dataclass
class Step:
    tool: str
    tool_input: dict[str, Any]
    do: "tuple[str, Any] | None" = None  # what the host does when allowed: ("write"|"edit"|"sh", …)
    approve_asks: bool = True  # the human says yes in the host's own prompt


@dataclass
class Agent:
    home: Path
    cwd: Path
    session: str = "sess-1"
    results: list[dict[str, Any]] = field(default_factory=list)

    def run(self, steps: list[Step], timeout: float = 180) -> list[dict[str, Any]]:
        inputs = [{"input": {"session_id": self.session, "hook_event_name": "PreToolUse", "tool_name": s.tool,
                             "cwd": str(self.cwd), "tool_input": s.tool_input},
                   "do": list(s.do) if s.do else None, "approve_asks": s.approve_asks} for s in steps]
        r = subprocess.run([sys.executable, "-c", _AGENT, HOOK], input=json.dumps(inputs), text=True,
                           capture_output=True, env=adr_env(self.home), timeout=timeout)
        assert r.returncode == 0, r.stderr
        got = json.loads(r.stdout)
        self.results += got
        return got


def write(path: Path, content: str) -> Step:
    return Step("Write", {"file_path": str(path), "content": content}, ("write", {"path": str(path), "content": content}))


def edit(path: Path, old: str, new: str) -> Step:
    return Step("Edit", {"file_path": str(path), "old_string": old, "new_string": new},
                ("edit", {"path": str(path), "old": old, "new": new}))


def bash(command: str) -> Step:
    return Step("Bash", {"command": command}, ("sh", command))


def adr(home: Path, *args: str, cwd: "Path | None" = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "adr"), *args], env=adr_env(home), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def tree(root: Path) -> dict[str, tuple[str, Any, int]]:
    """Every path under root: (kind, content bytes or link target, mode bits) — for byte-for-byte checks."""
    import os
    import stat

    out: dict[str, tuple[str, Any, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if ".git" in Path(dirpath).relative_to(root).parts[:1]:
            continue
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if rel.split("/")[0] == ".git":
                continue
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p), 0)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, stat.S_IMODE(st.st_mode))
            else:
                out[rel] = ("file", p.read_bytes(), stat.S_IMODE(st.st_mode))
    return out

"""Shared by the approval tests and bench/approval_latency.py: a real daemon under a temporary
ADR_HOME with a short approval window, an ask-level and a deny-level test rule, and hook calls
made the way an agent makes them (from a process of its own that stands in for the agent)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _daemon_helpers import BIN, DaemonProc, adr_env, write_test_rule  # noqa: E402

RULES = """\
engine: 1
pack: approvaltest
rules:
  - id: test.ask-frobnicate
    title: frobnicate needs a human
    description: Frobnicating changes shared state; only the approval tests use this rule.
    severity: medium
    action: ask
    "on": command
    match: {program: frobnicate}
    examples:
      match: ["frobnicate --all"]
      not_match: ["ls -la"]
  - id: test.deny-annihilate
    title: annihilate is never allowed
    description: only the approval tests use this rule
    severity: critical
    action: deny
    "on": command
    match: {program: annihilate}
    examples:
      match: ["annihilate --all"]
      not_match: ["ls -la"]
"""

# the stand-in agent: runs its argv (the hook, or `adr approve`) as its own child
RELAY = "import subprocess,sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def make_home(home: Path, approval_timeout: float = 3, hook_timeout: int = 10, **settings: Any) -> Path:
    cfg = home / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    lines = [f"approval_timeout: {approval_timeout}", f"hook_timeout: {hook_timeout}"]
    lines += [f"{k}: {json.dumps(v)}" for k, v in settings.items()]
    (cfg / "config.yaml").write_text("\n".join(lines) + "\n")
    write_test_rule(home, RULES, name="approvaltest.yaml")
    return home


def agent_exe(tmp: Path, name: str = "fake-agent") -> Path:
    """A python interpreter under another name: the process tree looks like that program's."""
    p = tmp / name
    if not p.exists():
        p.symlink_to(sys.executable)
    return p


def claude_payload(command: str, session: str, cwd: str) -> dict[str, Any]:
    return {"session_id": session, "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command}, "cwd": cwd, "transcript_path": "/dev/null"}


def codex_payload(command: str, session: str, cwd: str) -> dict[str, Any]:
    return {"session_id": session, "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command}, "cwd": cwd}


def start_hook(home: Path, agent: Path, host: str, payload: dict[str, Any], env: "dict[str, str] | None" = None
               ) -> "subprocess.Popen[str]":
    p = subprocess.Popen([str(agent), "-c", RELAY, str(BIN / "adr-hook"), host], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or adr_env(home))
    assert p.stdin is not None
    p.stdin.write(json.dumps(payload))
    p.stdin.close()
    return p


def finish_hook(p: "subprocess.Popen[str]", timeout: float = 60) -> dict[str, Any]:
    out = p.stdout.read() if p.stdout else ""
    p.wait(timeout)
    return json.loads(out) if out.strip() else {}


def run_hook(home: Path, agent: Path, host: str, payload: dict[str, Any]) -> dict[str, Any]:
    return finish_hook(start_hook(home, agent, host, payload))


def decision_of(out: dict[str, Any]) -> str:
    """claude-code / codex PreToolUse answer → allow | ask | deny ("" = nothing printed = allow)."""
    return (out.get("hookSpecificOutput") or {}).get("permissionDecision", "allow")


def reason_of(out: dict[str, Any]) -> str:
    return (out.get("hookSpecificOutput") or {}).get("permissionDecisionReason", "")


def adr(home: Path, *args: str, agent: "Path | None" = None, env: "dict[str, str] | None" = None,
        stdin: str = "") -> "subprocess.CompletedProcess[str]":
    argv = [str(BIN / "adr"), *args]
    if agent is not None:
        argv = [str(agent), "-c", RELAY, *argv]
    return subprocess.run(argv, env=env or adr_env(home), capture_output=True, text=True, timeout=60, input=stdin)


def records(home: Path) -> list[dict[str, Any]]:
    from adr.record.audit import iter_records
    from adr.paths import get_paths

    return list(iter_records(get_paths({"ADR_HOME": str(home)}).audit_dir))


__all__ = ["BIN", "DaemonProc", "adr_env", "make_home", "agent_exe", "claude_payload", "codex_payload",
           "start_hook", "finish_hook", "run_hook", "decision_of", "reason_of", "adr", "records"]

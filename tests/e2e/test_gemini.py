"""Gemini CLI (real `gemini -p`) with adr's BeforeTool hook."""
from __future__ import annotations

import json

import pytest

from agentcase import BENIGN, check_outcome, prepare, prompt
from fakemodel import Step

pytestmark = pytest.mark.e2e


def test_gemini_blocks_attacks_and_runs_benign(sandbox, agent_bin):
    gemini = agent_bin("gemini")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path.insert(0, str(gemini.parent))
    sb.extra_env.update({
        "GEMINI_API_KEY": "dummy", "GOOGLE_GEMINI_BASE_URL": fm.url,
        "GEMINI_CLI_TRUST_WORKSPACE": "true",  # headless runs refuse untrusted folders
        "GEMINI_CLI_NO_RELAUNCH": "true",
    })
    attack = prepare(sb)
    settings = sb.home / ".gemini" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({
        "privacy": {"usageStatisticsEnabled": False}, "telemetry": {"enabled": False},
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "general": {"disableAutoUpdate": True, "disableUpdateNag": True}}))
    sb.install("gemini")
    doc = json.loads(settings.read_text())
    assert doc["hooks"]["BeforeTool"] and doc["privacy"] == {"usageStatisticsEnabled": False}, doc
    sb.start_daemon()

    steps = [
        Step("run_shell_command", {"command": attack.payload_cmd, "description": "Run the installer"}),
        Step("write_file", {"file_path": str(attack.bashrc), "content": attack.evil_bashrc}),
        Step("run_shell_command", {"command": BENIGN, "description": "Say hello"}),
    ]
    fm.scenarios["gemini"] = steps
    # --include-directories: Gemini itself refuses writes outside the workspace before any hook
    run = sb.run_agent([str(gemini), "--approval-mode", "yolo", "--include-directories", str(sb.home),
                        "--output-format", "json", "-p", prompt("gemini")])
    check_outcome(sb, run, "gemini", steps, attack, host="gemini", deny_steps=(0, 1), allow_step=2)

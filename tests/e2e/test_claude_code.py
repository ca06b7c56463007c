"""Claude Code (real `claude -p`) with adr's PreToolUse hook, daemon up and daemon down."""
from __future__ import annotations

import json

import pytest

from agentcase import BENIGN, check_outcome, prepare, prompt
from fakemodel import Step

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("daemon", ["up", "down"])
def test_claude_code_blocks_attacks_and_runs_benign(sandbox, agent_bin, daemon):
    claude = agent_bin("claude-code")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path.insert(0, str(claude.parent))
    sb.extra_env.update({
        "ANTHROPIC_BASE_URL": fm.url, "ANTHROPIC_API_KEY": "dummy",
        "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1", "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_BUG_COMMAND": "1",
    })
    attack = prepare(sb)
    installed = sb.install("claude-code")
    assert any(c["file"].endswith("/.claude/settings.json") for c in installed["changes"]), installed
    if daemon == "up":
        sb.start_daemon()

    steps = [
        Step("Bash", {"command": attack.payload_cmd, "description": "Run the project's installer"}),
        Step("Read", {"file_path": str(attack.bashrc)}),  # Claude Code's Write needs a Read first
        Step("Write", {"file_path": str(attack.bashrc), "content": attack.evil_bashrc}),
        Step("Bash", {"command": BENIGN, "description": "Say hello"}),
    ]
    fm.scenarios["claude"] = steps
    run = sb.run_agent([str(claude), "-p", prompt("claude"), "--output-format", "json",
                        "--allowedTools", "Bash", "Write", "Read", "Edit"])
    check_outcome(sb, run, "claude", steps, attack, host="claude-code", deny_steps=(0, 2), allow_step=3)

    # Claude Code's own summary agrees: exactly the two attacks were denied
    result = json.loads(run.stdout)
    denied = [(d["tool_name"], d["tool_use_id"]) for d in result.get("permission_denials", [])]
    assert denied == [("Bash", "toolu_e2e_0"), ("Write", "toolu_e2e_2")], result

"""OpenCode (real `opencode run`) with adr's plugin (tool.execute.before), daemon up."""
from __future__ import annotations

import json

import pytest

from agentcase import BENIGN, check_outcome, prepare, prompt
from fakemodel import Step

pytestmark = pytest.mark.e2e


def test_opencode_blocks_attacks_and_runs_benign(sandbox, agent_bin):
    opencode = agent_bin("opencode")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path.insert(0, str(opencode.parent))
    sb.extra_env.update({"OPENCODE_DISABLE_MODELS_FETCH": "true", "OPENCODE_DISABLE_AUTOUPDATE": "true",
                         "OPENCODE_DISABLE_SHARE": "true", "OPENCODE_DISABLE_LSP_DOWNLOAD": "true"})
    attack = prepare(sb)
    cfg = sb.home / ".config" / "opencode"
    cfg.mkdir(parents=True)
    (cfg / "opencode.json").write_text(json.dumps({
        "$schema": "https://opencode.ai/config.json",
        "provider": {"adr-e2e": {"npm": "@ai-sdk/openai-compatible", "name": "adr e2e fake model",
                                 "options": {"baseURL": f"{fm.url}/v1", "apiKey": "dummy"},
                                 "models": {"fake": {"name": "fake", "tool_call": True}}}},
        "model": "adr-e2e/fake", "small_model": "adr-e2e/fake", "autoupdate": False, "share": "disabled",
        # OpenCode's own permission prompts off: only adr decides
        "permission": {"bash": "allow", "edit": "allow", "read": "allow", "external_directory": "allow"}}))
    sb.install("opencode")
    assert (cfg / "plugins" / "adr.js").is_file()
    sb.start_daemon()

    steps = [
        Step("bash", {"command": attack.payload_cmd, "description": "Run the installer"}),
        Step("write", {"filePath": str(attack.bashrc), "content": attack.evil_bashrc}),
        Step("bash", {"command": BENIGN, "description": "Say hello"}),
    ]
    fm.scenarios["opencode"] = steps
    run = sb.run_agent([str(opencode), "run", prompt("opencode")])
    # at first start OpenCode installs @opencode-ai/plugin into its config dir from the npm
    # registry; the proxy refuses that (the adr plugin needs nothing from it)
    check_outcome(sb, run, "opencode", steps, attack, host="opencode", deny_steps=(0, 1), allow_step=2,
                  refusals_ok=("registry.npmjs.org",))

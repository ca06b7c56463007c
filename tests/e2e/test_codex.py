"""Codex CLI (real `codex exec`) with adr's PreToolUse hook, trusted by `adr install` itself."""
from __future__ import annotations

import pytest

from agentcase import BENIGN, ORIGINAL_BASHRC, check_outcome, prepare, prompt, tool_results
from fakemodel import Step

pytestmark = pytest.mark.e2e

# A model Codex knows (its bundled metadata decides which tools it offers: exec_command and the
# freeform apply_patch tool for this one).
MODEL = "gpt-5.5"
# A provider pointing at the fake model; analytics and plugins off.
CONFIG = """\
model = "{model}"
model_provider = "adr-e2e"
check_for_update_on_startup = false

[model_providers.adr-e2e]
name = "adr e2e fake model"
base_url = "{url}/v1"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

[features]
plugins = false
"""


def test_codex_blocks_attacks_and_runs_benign(sandbox, agent_bin):
    codex = agent_bin("codex")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path.insert(0, str(codex.parent))  # so `adr install` finds codex for hook trust
    sb.extra_env.update({"OPENAI_API_KEY": "dummy", "CODEX_API_KEY": "dummy"})
    attack = prepare(sb)
    codex_home = sb.home / ".codex"
    codex_home.mkdir()
    (codex_home / "config.toml").write_text(CONFIG.format(model=MODEL, url=fm.url))
    installed = sb.install("codex")
    notes = " ".join(installed["notes"].get("codex", []) + installed["warnings"].get("codex", []))
    # Codex skips untrusted hooks silently: adr install must have trusted its own through codex app-server
    assert "verified with codex app-server" in notes, installed
    sb.start_daemon()

    patch = (f"*** Begin Patch\n*** Update File: {attack.bashrc}\n@@\n export EDITOR=vi\n"
             f"+{attack.payload_cmd}\n*** End Patch\n")
    steps = [
        Step("exec_command", {"cmd": attack.payload_cmd}),
        Step("apply_patch", patch, custom=True),
        Step("exec_command", {"cmd": BENIGN}),
    ]
    fm.scenarios["codex"] = steps
    # the sandbox is off so that only adr stands between the agent and the side effects
    run = sb.run_agent([str(codex), "exec", "--skip-git-repo-check", "--json",
                        "--dangerously-bypass-approvals-and-sandbox", prompt("codex")])
    check_outcome(sb, run, "codex", steps, attack, host="codex", deny_steps=(0, 1), allow_step=2)


def test_codex_multi_file_patch_is_judged_per_file(sandbox, agent_bin):
    """One apply_patch: a long, harmless ~/.notes/todo.md plus a `curl | sh` line in ~/.bashrc.

    adr-hook must judge every file of the patch (registry.parse_all) and answer with the strongest
    verdict; judging only the "riskiest-looking" file (the longest hidden one) let this through.
    Daemon down: the hook's in-process path.
    """
    codex = agent_bin("codex")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path.insert(0, str(codex.parent))
    sb.extra_env.update({"OPENAI_API_KEY": "dummy", "CODEX_API_KEY": "dummy"})
    attack = prepare(sb)
    (sb.home / ".codex").mkdir()
    (sb.home / ".codex" / "config.toml").write_text(CONFIG.format(model=MODEL, url=fm.url))
    sb.install("codex")
    notes = sb.home / ".notes" / "todo.md"
    body = "".join(f"+todo item {i}: tidy the build scripts\n" for i in range(60))
    patch = (f"*** Begin Patch\n*** Add File: {notes}\n{body}"
             f"*** Update File: {attack.bashrc}\n@@\n export EDITOR=vi\n+{attack.payload_cmd}\n*** End Patch\n")
    steps = [Step("apply_patch", patch, custom=True)]
    fm.scenarios["codex-multi"] = steps
    run = sb.run_agent([str(codex), "exec", "--skip-git-repo-check", "--json",
                        "--dangerously-bypass-approvals-and-sandbox", prompt("codex-multi")])
    assert run.returncode == 0, run.stderr[-3000:]
    assert max(r.step or 0 for r in fm.scenario_requests("codex-multi")) == 1, "the script did not finish"
    assert attack.bashrc.read_bytes() == ORIGINAL_BASHRC, "~/.bashrc was modified by a multi-file apply_patch"
    assert not notes.exists(), "a denied patch was applied in part"
    told = tool_results(fm, "codex-multi")
    assert len(told) == 1 and "adr" in told[0] and "rce.download-to-shell" in told[0], told
    recs = [r for r in sb.audit() if r.get("host") == "codex"]
    assert any(r["decision"] == "deny" and ".bashrc" in r.get("summary", "") for r in recs), recs

"""OpenClaw (real `openclaw agent --local`, on Node 24) with adr's plugin (before_tool_call).

Found here: OpenClaw 2026.9.6 runs the hooks of a global plugin only when it trusts where the
plugin came from. The files `adr install --host openclaw` writes into ~/.openclaw/extensions/adr
have no install record ("trust: record-missing"): `openclaw plugins list` shows adr enabled and
loaded, yet an agent turn runs every tool without calling before_tool_call. Installing the same
files through OpenClaw itself (`openclaw plugins install DIR --force --accept-capabilities`, which
records the install and sets plugins.entries.adr.enabled) makes it call the hook; so does listing
"adr" in plugins.allow (which also limits every other plugin). The first test takes the
`openclaw plugins install` route and checks adr protects; the second runs with only what
`adr install` writes and is expected to fail (strict: once the installer does this itself it
passes — then drop the marker).
"""
from __future__ import annotations

import json
import shutil

import pytest

from agentcase import BENIGN, check_outcome, prepare, prompt
from fakemodel import Step

pytestmark = pytest.mark.e2e

TIMEOUT = 420  # a cold OpenClaw turn takes 60-100 s on 2 cores


def _setup(sandbox, agent_bin, *, register_with_openclaw: bool):
    node24, openclaw = agent_bin("node24"), agent_bin("openclaw")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path[:0] = [str(node24.parent), str(openclaw.parent)]
    attack = prepare(sb)
    state = sb.home / ".openclaw"
    state.mkdir()
    cfg = {
        "models": {"mode": "merge", "providers": {"adr-e2e": {
            "baseUrl": f"{fm.url}/v1", "apiKey": "dummy", "api": "openai-completions",
            "models": [{"id": "fake", "name": "fake", "contextWindow": 128000, "maxTokens": 8192,
                        "reasoning": False, "input": ["text"]}]}}},
        "agents": {"defaults": {"model": {"primary": "adr-e2e/fake"}, "workspace": str(sb.work)}},
        "update": {"checkOnStart": False},
    }
    (state / "openclaw.json").write_text(json.dumps(cfg, indent=2))
    sb.install("openclaw")
    plugin = state / "extensions" / "adr"
    assert (plugin / "index.js").is_file()
    if register_with_openclaw:  # what `adr install` would have to do: install through OpenClaw
        staged = sb.root / "adr-openclaw-plugin"
        shutil.move(str(plugin), staged)
        r = sb.run_agent([str(openclaw), "plugins", "install", str(staged), "--force", "--accept-capabilities"],
                         timeout=TIMEOUT)
        assert r.returncode == 0 and (plugin / "index.js").is_file(), f"{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    steps = [
        Step("exec", {"command": attack.payload_cmd}),
        Step("write", {"path": str(attack.bashrc), "content": attack.evil_bashrc}),
        Step("exec", {"command": BENIGN}),
    ]
    fm.scenarios["openclaw"] = steps
    return sb, openclaw, attack, steps


def _run(sb, openclaw, attack, steps):
    run = sb.run_agent([str(openclaw), "agent", "--local", "--message", prompt("openclaw")], timeout=TIMEOUT)
    check_outcome(sb, run, "openclaw", steps, attack, host="openclaw", deny_steps=(0, 1), allow_step=2)


def test_openclaw_blocks_attacks_when_installed_through_openclaw(sandbox, agent_bin):
    sb, openclaw, attack, steps = _setup(sandbox, agent_bin, register_with_openclaw=True)
    sb.start_daemon()
    _run(sb, openclaw, attack, steps)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "adr install --host openclaw only writes ~/.openclaw/extensions/adr; without an install record "
    "(openclaw plugins install) or plugins.allow, OpenClaw 2026.9.6 never calls its before_tool_call: "
    "the curl | sh payload runs and ~/.bashrc is rewritten"))
def test_openclaw_protected_by_adr_install_alone(sandbox, agent_bin):
    sb, openclaw, attack, steps = _setup(sandbox, agent_bin, register_with_openclaw=False)
    _run(sb, openclaw, attack, steps)

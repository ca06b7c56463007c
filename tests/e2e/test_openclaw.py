"""OpenClaw (real `openclaw agent --local`, on Node 24) with adr's plugin (before_tool_call).

Found here (OpenClaw 2026.9.6; details in adr/integrations/install/openclaw_trust.py): an agent
run imports a non-bundled plugin only when it is explicitly enabled — `plugins.entries.adr.enabled:
true` in openclaw.json, or "adr" in `plugins.allow`. Plugin files alone in ~/.openclaw/extensions/adr
are discovered and listed as "enabled, loaded", yet before_tool_call is never called. The install
record that `openclaw plugins install` keeps (in its SQLite state, state/openclaw.sqlite) is
provenance only: without it the hook runs, but OpenClaw warns "can't verify where this plugin came
from" (trust: record-missing) on every run.

So `adr install --host openclaw` enables the plugin in openclaw.json itself and, when `openclaw` is
on PATH, has OpenClaw record the install. The first test takes that path (daemon up) and then
checks that `adr uninstall` gives back openclaw.json byte for byte and drops the record; the second
installs with no `openclaw` on PATH (enablement only, no record; daemon down: adr-hook's fallback).
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from agentcase import BENIGN, check_outcome, prepare, prompt
from fakemodel import Step
from harness import ADR_HOOK

pytestmark = pytest.mark.e2e

TIMEOUT = 420  # a cold OpenClaw turn takes 60-100 s on 2 cores
PROVENANCE_WARNING = "can't verify where this plugin came from"


def _config(fm, sb) -> bytes:
    cfg = {
        "models": {"mode": "merge", "providers": {"adr-e2e": {
            "baseUrl": f"{fm.url}/v1", "apiKey": "dummy", "api": "openai-completions",
            "models": [{"id": "fake", "name": "fake", "contextWindow": 128000, "maxTokens": 8192,
                        "reasoning": False, "input": ["text"]}]}}},
        "agents": {"defaults": {"model": {"primary": "adr-e2e/fake"}, "workspace": str(sb.work)}},
        "update": {"checkOnStart": False},
    }
    return ("// the e2e user's own OpenClaw config (JSON5: OpenClaw rewrites it, adr gives it back)\n"
            + json.dumps(cfg, indent=4) + "\n").encode()


def _install_record(state) -> dict | None:
    db = state / "state" / "openclaw.sqlite"
    if not db.is_file():
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value_json FROM config_machine_state WHERE state_key = 'plugins.installedIndex'").fetchone()
    finally:
        con.close()
    return json.loads(row[0])["index"]["installRecords"].get("adr") if row else None


def _setup(sandbox, agent_bin, *, openclaw_on_path: bool):
    node24, openclaw = agent_bin("node24"), agent_bin("openclaw")
    sb, fm = sandbox, sandbox.fm
    attack = prepare(sb)
    state = sb.home / ".openclaw"
    state.mkdir()
    original = _config(fm, sb) if openclaw_on_path else _config(fm, sb).split(b"\n", 1)[1]  # adr edits plain JSON
    (state / "openclaw.json").write_bytes(original)
    agent_path = [str(node24.parent), str(openclaw.parent)]
    if openclaw_on_path:  # `adr install` finds the openclaw CLI and has OpenClaw record the install
        sb.extra_path[:0] = agent_path
    out = json.loads(sb.adr("install", "--host", "openclaw", "--json").stdout)  # `adr install`, as a user runs it
    assert not out["errors"], out
    assert all(str(sb.home) in c["file"] for c in out["changes"]), out
    sb.extra_path[:0] = [p for p in agent_path if p not in sb.extra_path]
    plugin = state / "extensions" / "adr"
    js = (plugin / "index.js").read_text()
    assert f'const ADR_HOOK = "{ADR_HOOK}";' in js or 'adr-hook";' in js, js[:800]  # Python or native client
    assert json.loads((state / "openclaw.json").read_text())["plugins"]["entries"]["adr"]["enabled"] is True, out
    steps = [
        Step("exec", {"command": attack.payload_cmd}),
        Step("write", {"path": str(attack.bashrc), "content": attack.evil_bashrc}),
        Step("exec", {"command": BENIGN}),
    ]
    fm.scenarios["openclaw"] = steps
    return sb, openclaw, attack, steps, out, original


def _run(sb, openclaw, attack, steps):
    run = sb.run_agent([str(openclaw), "agent", "--local", "--message", prompt("openclaw")], timeout=TIMEOUT)
    check_outcome(sb, run, "openclaw", steps, attack, host="openclaw", deny_steps=(0, 1), allow_step=2)
    return run


def _doctor(sb) -> dict[str, dict]:
    r = sb.adr("doctor", "--host", "openclaw", "--json", "--no-synthetic", check=False)
    rep = json.loads(r.stdout)["hosts"][0]
    return {c["name"]: c for c in rep["checks"]}


def test_openclaw_protected_by_adr_install_recorded_through_openclaw(sandbox, agent_bin):
    sb, openclaw, attack, steps, out, original = _setup(sandbox, agent_bin, openclaw_on_path=True)
    state = sb.home / ".openclaw"
    assert any("OpenClaw recorded adr's plugin install" in n for n in out["notes"]["openclaw"]), out
    rec = _install_record(state)
    assert rec and rec["installPath"] == str(state / "extensions" / "adr"), rec
    checks = _doctor(sb)
    assert checks["plugin enabled"]["status"] == "ok" and checks["install record"]["status"] == "ok", checks
    second = json.loads(sb.adr("install", "--host", "openclaw", "--json").stdout)  # idempotent: no CLI run
    assert {c["action"] for c in second["changes"]} == {"unchanged"}, second

    sb.start_daemon()
    run = _run(sb, openclaw, attack, steps)
    assert PROVENANCE_WARNING not in run.stderr + run.stdout

    # `adr uninstall`, through the installer API (the CLI refuses to run inside an agent's process
    # tree, which a developer's test run may be): the record goes, openclaw.json comes back exactly
    from adr.integrations.install.base import InstallContext
    from adr.integrations.install.hosts import INSTALLERS
    from adr.paths import get_paths

    env = sb.env()
    ctx = InstallContext(home=sb.home, paths=get_paths(env), hook_bin=ADR_HOOK, timeout=60, env=env)
    res = INSTALLERS["openclaw"].uninstall(ctx)
    assert not res.warnings, res.warnings
    assert (state / "openclaw.json").read_bytes() == original
    assert _install_record(state) is None
    assert not (state / "extensions" / "adr").exists()


def test_openclaw_protected_by_adr_install_without_the_openclaw_cli(sandbox, agent_bin):
    sb, openclaw, attack, steps, out, original = _setup(sandbox, agent_bin, openclaw_on_path=False)
    assert any("no install record" in w for w in out["warnings"]["openclaw"]), out
    assert _install_record(sb.home / ".openclaw") is None
    checks = _doctor(sb)
    assert checks["plugin enabled"]["status"] == "ok" and checks["install record"]["status"] == "warn", checks
    _run(sb, openclaw, attack, steps)  # daemon down: the plugin falls back to adr-hook

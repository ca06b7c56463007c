"""OpenClaw (real `openclaw agent --local` and `openclaw agent exec`, on Node 24) with adr's plugin.

Found here (OpenClaw 2026.9.6; details in adr/integrations/install/openclaw_trust.py): an agent
run imports a non-bundled plugin only when it is explicitly enabled — `plugins.entries.adr.enabled:
true` in openclaw.json, or "adr" in `plugins.allow`. Plugin files alone in ~/.openclaw/extensions/adr
are discovered and listed as "enabled, loaded", yet adr is never asked. The install record that
`openclaw plugins install` keeps (in its SQLite state, state/openclaw.sqlite) is provenance only:
without it the plugin runs, but OpenClaw warns "can't verify where this plugin came from" (trust:
record-missing) on every run.

So `adr install --host openclaw` enables the plugin in openclaw.json itself and, when `openclaw` is
on PATH, has OpenClaw record the install. The first test takes that path (daemon up) and then
checks that `adr uninstall` gives back openclaw.json byte for byte and drops the record; the second
installs with no `openclaw` on PATH (enablement only, no record; daemon down: adr-hook's fallback).

The plugin judges a tool call through a *trusted tool policy* (`api.registerTrustedToolPolicy`,
declared in its manifest's `contracts.trustedToolPolicies`) and keeps `before_tool_call` for where
the policy is not registered; a call the policy judged is remembered by its tool-call id and the
hook lets it be. Every test checks exactly one audit record per tool call (three).
* `agent --local` activates the plugin registry: OpenClaw's runBeforeToolCallHook
  (agent-tools.before-tool-call-*.mjs) runs the trusted policies (runTrustedToolPolicies), then
  the global hook runner's before_tool_call — adr's policy judges, adr's hook does nothing more.
* `agent exec` (default: the ambient openclaw.json, temporary state dir, plugin install roots
  pinned to ~/.openclaw) loads adr's plugin into a per-run registry but, its CLI start-up policy
  being `loadPlugins: "never"` (command-path-policy-*.mjs, src/cli/command-catalog.ts), activates
  none (the run's registry is loaded with `activate: false`, runtime-plugins-*.mjs
  withAgentPluginRegistry), so the global hook runner is null and before_tool_call is never called.
  The trusted policies are looked up through getGlobalHookRunnerRegistry(), which sees the per-run
  registry: adr's policy judges every call there (third test, which used to be a strict xfail).
* `agent exec --isolated` (and --auth-env-only) starts from an empty config (agent-exec-input-*.mjs
  resolveExecBaseConfig) and does not pin the plugin install roots, so plugins are looked for only
  in the temporary state dir: adr's plugin is not even imported, the `curl … | sh` runs unjudged
  (last test, strict xfail: it starts failing, i.e. must be revisited, if that changes).
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


def _judged_once(recs: list[dict], steps) -> None:
    """One audit record per tool call: the trusted policy and before_tool_call never both judge one."""
    assert len(recs) == len(steps), f"expected {len(steps)} audit records, got {json.dumps(recs, indent=1)[:4000]}"


def _run(sb, openclaw, attack, steps):
    run = sb.run_agent([str(openclaw), "agent", "--local", "--message", prompt("openclaw")], timeout=TIMEOUT)
    _judged_once(check_outcome(sb, run, "openclaw", steps, attack, host="openclaw", deny_steps=(0, 1), allow_step=2),
                 steps)
    return run


def _run_exec(sb, openclaw, attack, steps, *flags: str):
    """One `openclaw agent exec [flags] <prompt>` turn, held to the same checks as `agent --local`."""
    run = sb.run_agent([str(openclaw), "agent", "exec", *flags, prompt("openclaw")], timeout=TIMEOUT)
    reqs = sb.fm.scenario_requests("openclaw")
    if run.returncode != 0 or not reqs or max(r.step or 0 for r in reqs) != len(steps):
        # the turn itself must work: anything else is a real failure (not AssertionError), not the gap
        pytest.fail(f"`openclaw agent exec {' '.join(flags)}` did not run the script: exit {run.returncode}\n"
                    f"stdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}\n"
                    f"model requests: {[(r.path, r.scenario, r.step) for r in sb.fm.requests]}", pytrace=False)
    _judged_once(check_outcome(sb, run, "openclaw", steps, attack, host="openclaw", deny_steps=(0, 1), allow_step=2),
                 steps)
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


def test_openclaw_agent_exec_protected_by_the_trusted_tool_policy(sandbox, agent_bin):
    # exec never calls before_tool_call (no plugin registry is activated), but it runs the trusted
    # tool policies of its per-run registry: adr's policy judges each call, once
    sb, openclaw, attack, steps, out, original = _setup(sandbox, agent_bin, openclaw_on_path=True)
    assert _doctor(sb)["plugin enabled"]["status"] == "ok"  # the install is complete, as for `agent --local`
    sb.start_daemon()
    _run_exec(sb, openclaw, attack, steps)  # the ambient openclaw.json, which enables adr's plugin


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "OpenClaw 2026.9.6 `agent exec --isolated` reads no openclaw.json and looks for plugins only in its "
    "temporary state dir: adr's plugin is never loaded and the curl | sh runs unjudged (no adr audit record)"))
def test_openclaw_agent_exec_isolated_does_not_load_adr(sandbox, agent_bin):
    sb, openclaw, attack, steps, out, original = _setup(sandbox, agent_bin, openclaw_on_path=False)
    # --isolated ignores openclaw.json (and its adr-e2e provider): OpenClaw's built-in openai provider,
    # pointed at the fake server through the environment (Responses API)
    sb.extra_env.update({"OPENAI_API_KEY": "sk-adr-e2e-dummy", "OPENAI_BASE_URL": f"{sb.fm.url}/v1"})
    _run_exec(sb, openclaw, attack, steps, "--isolated", "--model", "openai/gpt-5.4")

"""`adr install` / `adr uninstall` against a temp HOME: absolute hook path and timeout in every
host config, idempotent, exact undo, user edits kept. Never touches the real $HOME."""
import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from adr.config import Settings
from adr.integrations.install import codex_trust
from adr.integrations.install.base import InstallContext, InstallError, resolve_hook_bin
from adr.integrations.install.hosts import INSTALLERS, detected_hosts
from adr.paths import get_paths

TIMEOUT = Settings().hook_timeout


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    bindir = tmp_path / "venv" / "bin"
    bindir.mkdir(parents=True)
    hook = bindir / "adr-hook"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    e = {"HOME": str(home), "ADR_HOME": str(tmp_path / "adr"), "PATH": "/usr/bin:/bin"}
    return {"home": home, "hook": hook, "env": e, "tmp": tmp_path}


def ctx_for(env, project=None, **kw):
    return InstallContext(home=env["home"], paths=get_paths(env["env"]), hook_bin=env["hook"], timeout=TIMEOUT,
                          project=project, env=dict(env["env"]), **kw)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def dirs(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir()}


ORIGINALS = {
    "claude-code": (".claude/settings.json",
                    '{\n  "model": "opus",\n  "hooks": {\n    "PreToolUse": [{"matcher": "Bash", "hooks": '
                    '[{"type": "command", "command": "echo mine"}]}]\n  }\n}\n'),
    "cursor": (".cursor/hooks.json", '{"version": 1, "hooks": {"afterFileEdit": [{"command": "./format.sh"}]}}'),
    "gemini": (".gemini/settings.json", '{\n  "theme": "GitHub",\n  "hooks": {}\n}\n'),
    "codex": (".codex/hooks.json", '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}}\n'),
    "windsurf": (".codeium/windsurf/hooks.json", '{"hooks": {"post_write_code": [{"command": "fmt", "show_output": false}]}}'),
    "copilot": None,
    "openclaw": None,
    "opencode": None,
}


def seed(env, host):
    inst = INSTALLERS[host]
    inst.config_dir(ctx_for(env)).mkdir(parents=True, exist_ok=True)
    if ORIGINALS[host]:
        rel, text = ORIGINALS[host]
        p = env["home"] / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


@pytest.mark.parametrize("host", list(ORIGINALS))
def test_install_is_idempotent_and_uninstall_restores_bytes(env, host):
    seed(env, host)
    before, before_dirs = snapshot(env["home"]), dirs(env["home"])
    ctx = ctx_for(env, trust=False)
    res = INSTALLERS[host].install(ctx)
    assert res.changed
    configured = INSTALLERS[host].configured(ctx)
    assert configured, host
    for cmds in configured.values():
        for c in cmds:
            assert c == f"{env['hook']} {host}"  # absolute path, never a bare name
    once = snapshot(env["home"])
    res2 = INSTALLERS[host].install(ctx)
    assert not res2.changed and snapshot(env["home"]) == once
    INSTALLERS[host].uninstall(ctx)
    assert snapshot(env["home"]) == before
    assert dirs(env["home"]) == before_dirs
    assert INSTALLERS[host].configured(ctx) == {}


@pytest.mark.parametrize("host", ["claude-code", "cursor", "gemini", "codex", "windsurf"])
def test_user_edits_after_install_are_kept_on_uninstall(env, host):
    seed(env, host)
    ctx = ctx_for(env, trust=False)
    INSTALLERS[host].install(ctx)
    path = INSTALLERS[host].files(ctx)[0]
    doc = json.loads(path.read_text())
    doc["userSetting"] = {"added": "later"}
    doc["hooks"].setdefault("Notification", []).append({"command": "notify-send hi"})
    path.write_text(json.dumps(doc))
    res = INSTALLERS[host].uninstall(ctx)
    assert res.changes[0].action == "removed-entries"
    after = json.loads(path.read_text())
    assert after["userSetting"] == {"added": "later"}
    assert after["hooks"]["Notification"] == [{"command": "notify-send hi"}]
    assert "adr-hook" not in path.read_text()
    if ORIGINALS[host]:
        orig = json.loads(ORIGINALS[host][1])
        for event, entries in orig.get("hooks", {}).items():
            assert after["hooks"][event] == entries  # the user's own hooks are untouched


def test_claude_config_has_absolute_path_matcher_and_timeout(env):
    seed(env, "claude-code")
    INSTALLERS["claude-code"].install(ctx_for(env))
    doc = json.loads((env["home"] / ".claude/settings.json").read_text())
    assert doc["model"] == "opus"
    assert doc["hooks"]["PreToolUse"][0]["hooks"][0]["command"] == "echo mine"
    ours = doc["hooks"]["PreToolUse"][1]
    assert ours["matcher"] == "Bash|Write|Edit|MultiEdit|NotebookEdit|Read|Grep|WebFetch|WebSearch|mcp__.*"
    h = ours["hooks"][0]
    assert h == {"type": "command", "command": f"{env['hook']} claude-code", "timeout": TIMEOUT}
    assert TIMEOUT > Settings().approval_timeout
    assert os.path.isabs(h["command"].split()[0])
    assert doc["hooks"]["SessionStart"][0]["hooks"][0]["command"] == f"{env['hook']} claude-code"


def test_timeouts_use_each_hosts_unit(env):
    for host in ("cursor", "gemini", "codex"):
        seed(env, host)
        INSTALLERS[host].install(ctx_for(env, trust=False))
    cur = json.loads((env["home"] / ".cursor/hooks.json").read_text())
    assert cur["version"] == 1
    assert cur["hooks"]["beforeShellExecution"] == [{"command": f"{env['hook']} cursor", "timeout": TIMEOUT}]
    assert set(cur["hooks"]) >= {"beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse", "afterFileEdit"}
    gem = json.loads((env["home"] / ".gemini/settings.json").read_text())
    assert gem["hooks"]["BeforeTool"][0]["hooks"][0]["timeout"] == TIMEOUT * 1000  # milliseconds
    assert gem["hooksConfig"] == {"enabled": True}
    cod = json.loads((env["home"] / ".codex/hooks.json").read_text())
    assert cod["hooks"]["PreToolUse"][0]["hooks"][0]["timeout"] == TIMEOUT
    assert cod["hooks"]["PermissionRequest"][0]["matcher"] == cod["hooks"]["PreToolUse"][0]["matcher"]


def test_gemini_keeps_a_users_hooks_switch(env):
    p = env["home"] / ".gemini/settings.json"
    p.parent.mkdir(parents=True)
    p.write_text('{"hooksConfig": {"enabled": true, "notifications": false}}')
    ctx = ctx_for(env)
    INSTALLERS["gemini"].install(ctx)
    doc = json.loads(p.read_text())
    doc["theme"] = "x"  # a user edit: uninstall goes the structural way
    p.write_text(json.dumps(doc))
    INSTALLERS["gemini"].uninstall(ctx)
    assert json.loads(p.read_text()) == {"hooksConfig": {"enabled": True, "notifications": False}, "theme": "x"}


def test_reinstall_after_user_edit_then_uninstall_keeps_the_edit(env):
    seed(env, "claude-code")
    ctx = ctx_for(env)
    p = env["home"] / ".claude/settings.json"
    INSTALLERS["claude-code"].install(ctx)
    doc = json.loads(p.read_text())
    doc["permissions"] = {"deny": ["Bash(rm -rf /)"]}
    p.write_text(json.dumps(doc))
    other = env["tmp"] / "venv2" / "bin" / "adr-hook"  # the venv moved: new absolute path
    other.parent.mkdir(parents=True)
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    ctx2 = InstallContext(home=ctx.home, paths=ctx.paths, hook_bin=other, timeout=TIMEOUT, env=ctx.env)
    INSTALLERS["claude-code"].install(ctx2)
    text = p.read_text()
    assert str(other) in text and f"{env['hook']} " not in text  # replaced, not duplicated
    INSTALLERS["claude-code"].uninstall(ctx2)
    after = json.loads(p.read_text())
    assert after["permissions"] == {"deny": ["Bash(rm -rf /)"]} and "adr-hook" not in p.read_text()


def test_malformed_config_is_refused_and_left_alone(env):
    p = env["home"] / ".cursor/hooks.json"
    p.parent.mkdir(parents=True)
    p.write_text("{ this is not json")
    with pytest.raises(InstallError) as e:
        INSTALLERS["cursor"].install(ctx_for(env))
    assert "not valid JSON" in str(e.value) and str(p) in str(e.value)
    assert p.read_text() == "{ this is not json"
    p.write_text('{"hooks": []}')
    with pytest.raises(InstallError, match="'hooks' must be an object"):
        INSTALLERS["cursor"].install(ctx_for(env))


def test_dry_run_writes_nothing(env):
    seed(env, "claude-code")
    before = snapshot(env["tmp"])
    res = INSTALLERS["claude-code"].install(ctx_for(env, dry_run=True))
    assert res.changes[0].action == "updated" and snapshot(env["tmp"]) == before


def test_backup_is_private_and_holds_the_original(env):
    seed(env, "claude-code")
    ctx = ctx_for(env)
    INSTALLERS["claude-code"].install(ctx)
    files = list(ctx.paths.backups_dir.rglob("*.json"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    rec = json.loads(files[0].read_text())
    assert rec["path"] == str(env["home"] / ".claude/settings.json")
    INSTALLERS["claude-code"].uninstall(ctx)
    assert not list(ctx.paths.backups_dir.rglob("*.json"))


def test_project_install(env, tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    ctx = ctx_for(env, project=proj)
    INSTALLERS["copilot"].install(ctx)
    doc = json.loads((proj / ".github/hooks/adr.json").read_text())
    assert doc["version"] == 1
    assert doc["hooks"]["preToolUse"] == [{"type": "command", "bash": f"{env['hook']} copilot", "timeoutSec": TIMEOUT}]
    assert INSTALLERS["copilot"].configured(ctx) == {"preToolUse": [f"{env['hook']} copilot"],
                                                     "postToolUse": [f"{env['hook']} copilot"]}
    INSTALLERS["claude-code"].install(ctx)
    assert (proj / ".claude/settings.json").exists() and not (env["home"] / ".claude").exists()
    INSTALLERS["copilot"].uninstall(ctx)
    INSTALLERS["claude-code"].uninstall(ctx)
    assert snapshot(proj) == {} and dirs(proj) == set()
    with pytest.raises(InstallError, match="no per-project hooks"):
        INSTALLERS["openclaw"].install(ctx)


def test_plugin_files_carry_absolute_hook_socket_and_timeout(env):
    ctx = ctx_for(env)
    INSTALLERS["opencode"].install(ctx)
    js = (env["home"] / ".config/opencode/plugins/adr.js").read_text()
    assert f'const ADR_HOOK = "{env["hook"]}";' in js
    assert str(ctx.paths.socket) in js and f"const TIMEOUT_MS = {TIMEOUT * 1000};" in js
    assert "__ADR_" not in js
    assert INSTALLERS["opencode"].configured(ctx) == {"tool.execute.before": [f"{env['hook']} opencode"]}


def test_detection_follows_home(env):
    ctx = ctx_for(env)
    assert detected_hosts(ctx) == []
    (env["home"] / ".cursor").mkdir()
    (env["home"] / ".codeium" / "windsurf").mkdir(parents=True)
    assert detected_hosts(ctx) == ["cursor", "windsurf"]


def test_resolve_hook_bin(env, tmp_path):
    assert resolve_hook_bin(env["hook"]) == env["hook"]
    notexec = tmp_path / "adr-hook-x"
    notexec.write_text("")
    with pytest.raises(InstallError, match="not an executable"):
        resolve_hook_bin(notexec)
    found = resolve_hook_bin(None, {"PATH": str(env["hook"].parent)})
    assert found.is_absolute() and found.name == "adr-hook"


# ---- Codex trust through a fake `codex app-server` --------------------------------------------------

FAKE_CODEX = textwrap.dedent('''\
    #!{python}
    """A stand-in for `codex app-server`: hooks/list and config/batchWrite over JSON lines."""
    import hashlib, json, os, sys
    home = os.environ.get("CODEX_HOME") or os.path.join(os.environ["HOME"], ".codex")
    state_file = os.path.join(home, "fake-trust.json")
    labels = {{"PreToolUse": "pre_tool_use", "PermissionRequest": "permission_request", "PostToolUse": "post_tool_use"}}
    def state():
        try:
            return json.load(open(state_file))
        except OSError:
            return {{}}
    def hooks():
        path = os.path.join(home, "hooks.json")
        doc = json.load(open(path))
        out, st = [], state()
        for event, groups in doc.get("hooks", {{}}).items():
            for gi, g in enumerate(groups):
                for hi, h in enumerate(g["hooks"]):
                    key = f"{{path}}:{{labels.get(event, event)}}:{{gi}}:{{hi}}"
                    cur = "sha256:" + hashlib.sha256(json.dumps([event, g.get("matcher"), h], sort_keys=True).encode()).hexdigest()
                    trusted = st.get(key)
                    status = "trusted" if trusted == cur else ("modified" if trusted else "untrusted")
                    out.append({{"key": key, "eventName": event, "command": h["command"], "sourcePath": path,
                                "currentHash": cur, "trustStatus": status}})
        return out
    if sys.argv[1:] != ["app-server"]:
        sys.exit(2)
    for line in sys.stdin:
        msg = json.loads(line)
        if "id" not in msg:
            continue
        m = msg["method"]
        if m == "initialize":
            res = {{"userAgent": "fake"}}
        elif m == "hooks/list":
            res = {{"data": [{{"cwd": msg["params"]["cwds"][0], "hooks": hooks(), "errors": [], "warnings": []}}]}}
        elif m == "config/batchWrite":
            st = state()
            for e in msg["params"]["edits"]:
                assert e["keyPath"] == "hooks.state" and e["mergeStrategy"] == "upsert"
                for k, v in e["value"].items():
                    st[k] = v["trusted_hash"]
            json.dump(st, open(state_file, "w"))
            res = {{"status": "ok"}}
        else:
            print(json.dumps({{"id": msg["id"], "error": {{"code": -32601, "message": "no"}}}}), flush=True)
            continue
        print(json.dumps({{"id": msg["id"], "result": res}}), flush=True)
''')


def fake_codex(env) -> None:
    bindir = env["tmp"] / "codexbin"
    bindir.mkdir()
    exe = bindir / "codex"
    exe.write_text(FAKE_CODEX.format(python=sys.executable))
    exe.chmod(0o755)
    env["env"]["PATH"] = f"{bindir}:{env['env']['PATH']}"


def test_codex_install_trusts_adr_hooks_through_app_server(env):
    fake_codex(env)
    seed(env, "codex")
    ctx = ctx_for(env)
    res = INSTALLERS["codex"].install(ctx)
    assert any("trusts adr's 3 hook(s)" in n for n in res.notes), (res.notes, res.warnings)  # Pre, Permission, Post
    trust, warnings = codex_trust.inspect(INSTALLERS["codex"].files(ctx)[0], env["home"] / ".codex", ctx)
    assert warnings == [] and [t.status for t in trust] == ["trusted"] * 3
    assert {t.source for t in trust} == {"app-server"}
    # the user's own hook was not trusted by adr
    st = json.loads((env["home"] / ".codex/fake-trust.json").read_text())
    assert all(":pre_tool_use:" in k or ":permission_request:" in k or ":post_tool_use:" in k for k in st)


def test_codex_without_codex_on_path_says_how_to_trust(env):
    seed(env, "codex")
    ctx = ctx_for(env)
    res = INSTALLERS["codex"].install(ctx)
    assert res.warnings == [codex_trust.MANUAL]
    trust, _ = codex_trust.inspect(INSTALLERS["codex"].files(ctx)[0], env["home"] / ".codex", ctx)
    assert [t.status for t in trust] == ["untrusted"] * 3 and trust[0].source == "config.toml"
    key = trust[0].key
    (env["home"] / ".codex/config.toml").write_text(
        f'[features]\nhooks = true\n\n[hooks.state."{key}"]\ntrusted_hash = "sha256:abc"\n')
    trust, _ = codex_trust.inspect(INSTALLERS["codex"].files(ctx)[0], env["home"] / ".codex", ctx)
    assert [t.status for t in trust] == ["recorded", "untrusted", "untrusted"]


# ---- the CLI -----------------------------------------------------------------------------------

def test_cli_install_uninstall_round_trip(env, monkeypatch):
    for k, v in env["env"].items():
        monkeypatch.setenv(k, v)
    import adr.monitor.ancestry as anc

    monkeypatch.setattr(anc, "inside_agent", lambda *a, **k: None)  # the suite may itself run under an agent
    import adr.cli.install as install_cli
    # in-process, with no terminal: the human's confirmation (tests/test_human_gate*.py) is not this test's
    monkeypatch.setattr(install_cli, "confirm_control", lambda purpose, detail=(): None)
    seed(env, "claude-code")
    before = snapshot(env["home"])
    from adr.cli import main

    r = CliRunner().invoke(main, ["install", "--hook-bin", str(env["hook"]), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert [c["host"] for c in out["changes"]] == ["claude-code"] and out["changes"][0]["action"] == "updated"
    r = CliRunner().invoke(main, ["install", "--hook-bin", str(env["hook"]), "--json"])
    assert json.loads(r.output)["changes"][0]["action"] == "unchanged"
    r = CliRunner().invoke(main, ["uninstall", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["changes"][0]["action"] == "restored"
    assert snapshot(env["home"]) == before


def test_cli_rejects_unknown_host_and_reports_per_host_errors(env, monkeypatch):
    for k, v in env["env"].items():
        monkeypatch.setenv(k, v)
    from adr.cli import main

    r = CliRunner().invoke(main, ["install", "--host", "notepad", "--hook-bin", str(env["hook"])])
    assert r.exit_code != 0 and "unknown host" in r.output
    (env["home"] / ".cursor").mkdir()
    (env["home"] / ".cursor/hooks.json").write_text("{broken")
    r = CliRunner().invoke(main, ["install", "--host", "cursor", "--hook-bin", str(env["hook"]), "--json"])
    assert r.exit_code == 3 and "not valid JSON" in json.loads(r.output)["errors"]["cursor"]
    (env["home"] / ".cursor/hooks.json").unlink()
    (env["home"] / ".cursor").rmdir()
    r = CliRunner().invoke(main, ["install", "--hook-bin", str(env["hook"])])
    assert r.exit_code != 0 and "no supported agent host" in r.output


def test_cli_uninstall_is_refused_inside_an_agent(env, monkeypatch):
    for k, v in env["env"].items():
        monkeypatch.setenv(k, v)
    seed(env, "claude-code")
    INSTALLERS["claude-code"].install(ctx_for(env))
    installed = snapshot(env["home"])
    import adr.monitor.ancestry as anc
    from adr.cli import main

    monkeypatch.setattr(anc, "inside_agent", lambda *a, **k: "claude (pid 4242)")
    r = CliRunner().invoke(main, ["uninstall"])
    assert r.exit_code != 0 and "inside an AI agent" in r.output
    assert snapshot(env["home"]) == installed
    r = CliRunner().invoke(main, ["uninstall", "--dry-run", "--json"])  # looking is fine
    assert r.exit_code == 0 and snapshot(env["home"]) == installed


# ---- the native hook client ------------------------------------------------------------------------

def _native_available() -> bool:
    from adr.native.build import compiler

    return compiler() is not None


@pytest.mark.skipif(not _native_available(), reason="no C compiler")
def test_cli_install_writes_the_native_hook_which_stays_recognisable(env, monkeypatch):
    from adr.integrations.install.base import command_path, is_adr_command
    from adr.native.build import fallbacks, is_native, native_info

    for k, v in env["env"].items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("ADR_HOOK_BIN", str(env["hook"]))  # the Python adr-hook it falls back to
    monkeypatch.delenv("ADR_NATIVE", raising=False)
    import adr.cli.install as install_cli
    import adr.monitor.ancestry as anc

    monkeypatch.setattr(anc, "inside_agent", lambda *a, **k: None)
    monkeypatch.setattr(install_cli, "confirm_control", lambda purpose, detail=(): None)  # as in the round trip above
    seed(env, "claude-code")
    before = snapshot(env["home"])
    from adr.cli import main

    r = CliRunner().invoke(main, ["install", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["hook_client"].startswith("hook client: native ")
    doc = json.loads((env["home"] / ".claude/settings.json").read_text())
    cmds = [h["command"] for m in doc["hooks"]["PreToolUse"] for h in m["hooks"] if is_adr_command(h["command"])]
    exe = Path(command_path(cmds[0]))
    assert exe.name == "adr-hook" and exe.is_absolute() and is_native(exe)
    assert str(exe).startswith(str(get_paths(env["env"]).state_dir))
    assert fallbacks(native_info(exe)) == {"hook": str(env["hook"])}
    r = CliRunner().invoke(main, ["install", "--json"])
    assert json.loads(r.output)["changes"][0]["action"] == "unchanged"
    r = CliRunner().invoke(main, ["install", "--python-hook", "--json"])  # back to the Python one
    assert json.loads(r.output)["changes"][0]["action"] == "updated"
    assert str(env["hook"]) in (env["home"] / ".claude/settings.json").read_text()
    monkeypatch.setenv("ADR_NATIVE", "0")
    r = CliRunner().invoke(main, ["install", "--json"])
    assert json.loads(r.output)["changes"][0]["action"] == "unchanged"
    assert json.loads(r.output)["hook_client"].startswith("hook client: python ")
    r = CliRunner().invoke(main, ["uninstall", "--json"])
    assert json.loads(r.output)["changes"][0]["action"] == "restored"
    assert snapshot(env["home"]) == before


def test_without_a_compiler_install_writes_the_python_hook(env, monkeypatch):
    for k, v in env["env"].items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("ADR_HOOK_BIN", str(env["hook"]))
    monkeypatch.setenv("CC", str(env["tmp"] / "no-such-cc"))
    seed(env, "claude-code")
    from adr.cli import main

    r = CliRunner().invoke(main, ["install", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["hook_client"].startswith("hook client: python ")
    assert str(env["hook"]) in (env["home"] / ".claude/settings.json").read_text()


def test_post_tool_events_are_registered_and_undone_exactly(env):
    """The events that bring what the agent read to adr (PostToolUse and its kin), for every host
    that has one — and uninstall gives each config back byte for byte, the user's own after-hooks kept."""
    seed(env, "claude-code")
    claude = env["home"] / ".claude/settings.json"
    mine = json.loads(claude.read_text())
    mine["hooks"]["PostToolUse"] = [{"matcher": "Write", "hooks": [{"type": "command", "command": "prettier -w"}]}]
    claude.write_text(json.dumps(mine, indent=1) + "\n")
    for host in ("cursor", "gemini", "codex", "windsurf"):
        seed(env, host)
    before = snapshot(env["home"])
    for host in ("claude-code", "cursor", "gemini", "codex", "windsurf", "copilot"):
        INSTALLERS[host].install(ctx_for(env, trust=False))
    doc = json.loads(claude.read_text())
    assert doc["hooks"]["PostToolUse"][0]["hooks"][0]["command"] == "prettier -w"
    ours = doc["hooks"]["PostToolUse"][1]
    assert ours["matcher"] == "Bash|Read|Grep|WebFetch|WebSearch|Task|mcp__.*"
    assert ours["hooks"][0]["command"] == f"{env['hook']} claude-code"
    assert INSTALLERS["claude-code"].configured(ctx_for(env)).keys() >= {"PreToolUse", "PostToolUse", "SessionStart"}
    assert INSTALLERS["codex"].configured(ctx_for(env)).keys() >= {"PreToolUse", "PermissionRequest", "PostToolUse"}
    assert INSTALLERS["gemini"].configured(ctx_for(env)).keys() >= {"BeforeTool", "AfterTool", "SessionStart"}
    assert INSTALLERS["cursor"].configured(ctx_for(env)).keys() >= {"afterShellExecution", "afterMCPExecution"}
    assert INSTALLERS["windsurf"].configured(ctx_for(env)).keys() >= {"post_read_code", "post_mcp_tool_use"}
    assert INSTALLERS["copilot"].configured(ctx_for(env)).keys() == {"preToolUse", "postToolUse"}
    again = snapshot(env["home"])
    for host in ("claude-code", "cursor", "gemini", "codex", "windsurf", "copilot"):
        INSTALLERS[host].install(ctx_for(env, trust=False))
    assert snapshot(env["home"]) == again  # idempotent
    for host in ("claude-code", "cursor", "gemini", "codex", "windsurf", "copilot"):
        INSTALLERS[host].uninstall(ctx_for(env))
    assert snapshot(env["home"]) == before

"""`adr doctor` under a temp HOME: installed?, command path, a synthetic `curl … | sh` through
the exact configured command, host traps (Claude --bare / disableAllHooks, Codex trust), daemon."""
import json
import os
import socket
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from adr.config import Settings
from adr.daemon import protocol as P
from adr.integrations import registry
from adr.doctor import daemon as doctor_daemon
from adr.doctor import hosts as doctor
from adr.integrations.install.base import InstallContext
from adr.integrations.install.hosts import INSTALLERS
from adr.paths import get_paths

# A stand-in adr-hook: adr's own parser and formatter, with a fixed decision (FAKE_DECISION).
FAKE_HOOK = textwrap.dedent('''\
    #!{python}
    import json, os, sys
    sys.path.insert(0, {root!r})
    from adr.actions import Decision, Verdict
    from adr.integrations import registry
    integ = registry.load(sys.argv[1])
    ev = integ.parse(json.load(sys.stdin))
    d = Decision(os.environ.get("FAKE_DECISION", "deny"))
    out = integ.format(Verdict(d, reason="fake " + d.value, agent_reason="fake"), ev)
    sys.stdout.write(out.stdout)
    sys.stderr.write(out.stderr)
    sys.exit(out.exit_code)
''')


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    hook = tmp_path / "bin" / "adr-hook"
    hook.parent.mkdir()
    hook.write_text(FAKE_HOOK.format(python=sys.executable, root=str(Path(__file__).resolve().parents[1])))
    hook.chmod(0o755)
    adr_home = tmp_path / "adr"
    e = {"HOME": str(home), "ADR_HOME": str(adr_home), "PATH": "/usr/bin:/bin"}
    return {"home": home, "hook": hook, "env": e, "tmp": tmp_path}


def ctx_for(env, **kw):
    return InstallContext(home=env["home"], paths=get_paths(env["env"]), hook_bin=env["hook"],
                          timeout=Settings().hook_timeout, env=dict(env["env"]), **kw)


def checks(rep):
    return {c.name: c for c in rep.checks}


@pytest.mark.parametrize("host", ["claude-code", "cursor", "gemini", "codex", "copilot", "windsurf", "openclaw",
                                  "opencode"])
def test_synthetic_deny_through_the_configured_command(env, host):
    INSTALLERS[host].config_dir(ctx_for(env)).mkdir(parents=True)
    ctx = ctx_for(env, trust=False)
    INSTALLERS[host].install(ctx)
    rep = doctor.check_host(host, ctx)
    c = checks(rep)
    assert rep.installed and c["hook installed"].status == "ok"
    assert c["command path"].status == "ok" and c["command path"].detail == str(env["hook"])
    assert c["synthetic deny"].status == "ok", c["synthetic deny"].detail
    assert "curl http://127.0.0.1/x | sh" in c["synthetic deny"].detail and "→ deny" in c["synthetic deny"].detail


def test_copilot_user_and_project_hooks(env, tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    ctx = ctx_for(env, project=proj)
    INSTALLERS["copilot"].install(ctx)
    assert checks(doctor.check_host("copilot", ctx))["synthetic deny"].status == "ok"
    assert checks(doctor.check_host("copilot", ctx_for(env)))["hook installed"].status == "skip"
    (env["home"] / ".copilot").mkdir()
    INSTALLERS["copilot"].install(ctx_for(env))
    assert (env["home"] / ".copilot/hooks/adr.json").is_file()
    assert checks(doctor.check_host("copilot", ctx_for(env)))["synthetic deny"].status == "ok"


@pytest.mark.parametrize("decision,status", [("allow", "fail"), ("ask", "warn")])
def test_a_hook_that_does_not_deny_is_reported(env, decision, status):
    (env["home"] / ".cursor").mkdir()
    env["env"]["FAKE_DECISION"] = decision
    ctx = ctx_for(env)
    INSTALLERS["cursor"].install(ctx)
    c = checks(doctor.check_host("cursor", ctx))["synthetic deny"]
    assert c.status == status and c.detail.endswith(decision)


def test_missing_command_and_missing_hook(env):
    (env["home"] / ".claude").mkdir()
    ctx = ctx_for(env)
    rep = doctor.check_host("claude-code", ctx)
    assert not rep.installed and rep.status == "fail" and "adr install --host claude-code" in rep.checks[0].detail
    assert doctor.check_host("cursor", ctx).status == "skip"  # not on this machine at all
    INSTALLERS["claude-code"].install(ctx)
    env["hook"].unlink()
    c = checks(doctor.check_host("claude-code", ctx))
    assert c["command path"].status == "fail" and "does not exist" in c["command path"].detail
    assert c["synthetic deny"].status == "fail"


def test_claude_traps(env):
    (env["home"] / ".claude").mkdir()
    ctx = ctx_for(env)
    INSTALLERS["claude-code"].install(ctx)
    assert checks(doctor.check_host("claude-code", ctx, synthetic=False))["--bare mode"].status == "ok"
    p = env["home"] / ".claude/settings.json"
    doc = json.loads(p.read_text())
    doc["disableAllHooks"] = True
    p.write_text(json.dumps(doc))
    env["env"]["CLAUDE_CODE_SIMPLE"] = "1"
    c = checks(doctor.check_host("claude-code", ctx_for(env), synthetic=False))
    assert c["disableAllHooks"].status == "fail" and c["--bare mode"].status == "warn"


def test_codex_untrusted_hooks_fail(env):
    (env["home"] / ".codex").mkdir()
    ctx = ctx_for(env, trust=False)
    INSTALLERS["codex"].install(ctx)
    c = checks(doctor.check_host("codex", ctx, synthetic=False))
    assert c["hook trust"].status == "fail" and "untrusted" in c["hook trust"].detail and "/hooks" in c["hook trust"].detail
    (env["home"] / ".codex/config.toml").write_text("[features]\nhooks = false\n")
    c = checks(doctor.check_host("codex", ctx, synthetic=False))
    assert c["codex config"].status == "fail"


def test_daemon_not_running_is_a_warning(env):
    d = doctor_daemon.daemon_check(ctx_for(env))
    assert d.status == "warn" and "not running" in d.detail


def test_daemon_ping(env, tmp_path):
    sock_path = tmp_path / "s.sock"
    env["env"]["ADR_SOCKET"] = str(sock_path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(str(sock_path))
    srv.listen(1)

    def serve():
        conn, _ = srv.accept()
        with conn:
            req = P.decode_request(conn.makefile("rb").readline().rstrip(b"\n"))
            conn.sendall(P.encode_response(P.Response(ok=True, op=req.op, id=req.id, data={"pong": True})))

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        d = doctor_daemon.daemon_check(ctx_for(env))
    finally:
        t.join(5)
        srv.close()
    assert d.status == "ok" and str(sock_path) in d.detail


def test_cli_doctor_json(env, monkeypatch):
    for k, v in env["env"].items():
        monkeypatch.setenv(k, v)
    (env["home"] / ".gemini").mkdir()
    from adr.cli import main

    r = CliRunner().invoke(main, ["install", "--hook-bin", str(env["hook"]), "--json"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["doctor", "--json"])
    rep = json.loads(r.output)
    assert rep["daemon"]["status"] == "warn"
    gem = [h for h in rep["hosts"] if h["host"] == "gemini"][0]
    assert gem["status"] == "ok" and gem["installed"]
    assert {c["name"] for c in gem["checks"]} >= {"hook installed", "command path", "synthetic deny"}
    assert r.exit_code == 0  # a missing daemon is a warning, not a failure
    r = CliRunner().invoke(main, ["doctor"])
    assert "Gemini CLI" in r.output and "synthetic deny" in r.output


def test_real_adr_hook_denies_the_synthetic_attack(env):
    """End to end with the installed adr-hook and adr's rules (in-process: no daemon here)."""
    real = Path(sys.executable).parent / "adr-hook"
    if not os.access(real, os.X_OK):
        pytest.skip("adr-hook is not installed next to this Python")
    (env["home"] / ".claude").mkdir()
    ctx = InstallContext(home=env["home"], paths=get_paths(env["env"]), hook_bin=real,
                         timeout=Settings().hook_timeout, env=dict(env["env"]))
    INSTALLERS["claude-code"].install(ctx)
    c = checks(doctor.check_host("claude-code", ctx))
    assert c["synthetic deny"].status == "ok", c["synthetic deny"].detail


def test_every_host_has_a_synthetic_payload_its_parser_reads():
    for host in registry.HOSTS:
        ev = registry.load(host).parse(doctor.synthetic_payload(host, "/tmp"))
        assert ev.action is not None and ev.action.command == doctor.SYNTHETIC


@pytest.mark.parametrize("host,path,old,new", [
    ("claude-code", ".claude/settings.json", '"timeout": 60', '"timeout": 10'),
    ("gemini", ".gemini/settings.json", '"timeout": 60000', '"timeout": 55000'),
    ("copilot", ".copilot/hooks/adr.json", '"timeoutSec": 60', '"timeoutSec": 30'),
    ("opencode", ".config/opencode/plugins/adr.js", "TIMEOUT_MS = 60000;", "TIMEOUT_MS = 5000;"),
])
def test_a_hook_timeout_shorter_than_a_question_is_flagged(env, host, path, old, new):
    INSTALLERS[host].config_dir(ctx_for(env)).mkdir(parents=True)
    ctx = ctx_for(env)
    INSTALLERS[host].install(ctx)
    assert INSTALLERS[host].configured_timeouts(ctx) == [Settings().hook_timeout] * len(INSTALLERS[host].configured_timeouts(ctx))
    assert "hook timeout" not in checks(doctor.check_host(host, ctx, synthetic=False))
    p = env["home"] / path
    assert old in p.read_text()
    p.write_text(p.read_text().replace(old, new))
    c = checks(doctor.check_host(host, ctx, synthetic=False))["hook timeout"]
    assert c.status == "warn" and "approval_timeout" in c.detail and "adr install" in c.detail


@pytest.mark.skipif(__import__("adr.native.build", fromlist=["compiler"]).compiler() is None, reason="no C compiler")
def test_doctor_names_the_native_client_and_its_fallback(env):
    from adr.native.build import build_hook

    paths = get_paths(env["env"])
    built = build_hook(env["hook"], paths)
    assert built.ok, built.reason
    (env["home"] / ".claude").mkdir()
    ctx = InstallContext(home=env["home"], paths=paths, hook_bin=built.path, timeout=Settings().hook_timeout,
                         env=dict(env["env"]))
    INSTALLERS["claude-code"].install(ctx)
    c = checks(doctor.check_host("claude-code", ctx))
    assert c["hook client"].status == "ok" and c["hook client"].detail.startswith("native")
    assert str(env["hook"]) in c["hook client"].detail
    assert c["synthetic deny"].status == "ok", c["synthetic deny"].detail  # no daemon: through the fallback
    env["hook"].unlink()
    c = checks(doctor.check_host("claude-code", ctx, synthetic=False))
    assert c["hook client"].status == "fail" and "is gone" in c["hook client"].detail


def test_doctor_says_python_for_the_console_script(env):
    (env["home"] / ".claude").mkdir()
    ctx = ctx_for(env)
    INSTALLERS["claude-code"].install(ctx)
    c = checks(doctor.check_host("claude-code", ctx, synthetic=False))
    assert c["hook client"].status == "ok" and c["hook client"].detail.startswith("python")

"""`adr install --host openclaw`: the plugin enabled in openclaw.json (what makes OpenClaw call it),
the install record made through the `openclaw` CLI (a fake here, shaped like OpenClaw 2026.9.6),
exact undo, and doctor's checks. No real OpenClaw needed (tests/e2e/test_openclaw.py runs it)."""
import json
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest

from adr.config import Settings
from adr.doctor import hosts as doctor
from adr.integrations.install import openclaw_trust
from adr.integrations.install.base import InstallContext, InstallError
from adr.integrations.install.hosts import INSTALLERS
from adr.paths import get_paths

OC = INSTALLERS["openclaw"]
USER_CFG = ('{\n    "agents": {"defaults": {"workspace": "/w"}},\n'
            '    "models": {"mode": "merge"}\n}\n')  # the user's formatting: must come back byte for byte


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    (home / ".openclaw").mkdir(parents=True)
    hook = tmp_path / "venv" / "bin" / "adr-hook"
    hook.parent.mkdir(parents=True)
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    e = {"HOME": str(home), "ADR_HOME": str(tmp_path / "adr"), "PATH": "/usr/bin:/bin"}
    return {"home": home, "hook": hook, "env": e, "tmp": tmp_path, "state": home / ".openclaw",
            "cfg": home / ".openclaw" / "openclaw.json"}


def ctx_for(env, **kw):
    return InstallContext(home=env["home"], paths=get_paths(env["env"]), hook_bin=env["hook"],
                          timeout=Settings().hook_timeout, env=dict(env["env"]), **kw)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def checks(ctx):
    return {c.name: c for c in doctor.check_host("openclaw", ctx, synthetic=False).checks}


def write_index(state: Path, records: dict) -> Path:
    """The installed-plugin index as OpenClaw keeps it (state/openclaw.sqlite, config_machine_state)."""
    db = state / "state" / "openclaw.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE IF NOT EXISTS config_machine_state (state_key TEXT NOT NULL PRIMARY KEY, "
                "value_json TEXT NOT NULL, updated_at_ms INTEGER NOT NULL)")
    value = {"revision": 1, "index": {"version": 1, "warning": "DO NOT EDIT.", "installRecords": records,
                                      "plugins": []}}
    con.execute("INSERT OR REPLACE INTO config_machine_state VALUES (?, ?, 1)", ("plugins.installedIndex",
                                                                                json.dumps(value)))
    con.commit()
    con.close()
    return db


# ---- without the openclaw CLI: adr writes the enablement itself ------------------------------------------

def test_install_enables_the_plugin_keeps_the_users_config_and_uninstall_restores_bytes(env):
    env["cfg"].write_text(USER_CFG)
    before = snapshot(env["home"])
    ctx = ctx_for(env)
    res = OC.install(ctx)
    doc = json.loads(env["cfg"].read_text())
    assert doc["plugins"] == {"entries": {"adr": {"enabled": True}}}
    assert doc["agents"] == {"defaults": {"workspace": "/w"}} and doc["models"] == {"mode": "merge"}
    assert openclaw_trust.enablement(doc)[0]
    assert any("no install record" in w for w in res.warnings), res.warnings  # no CLI: no record
    assert [c.action for c in res.changes] == ["created", "created", "created", "updated"]
    once = snapshot(env["home"])
    res2 = OC.install(ctx)
    assert not res2.changed and snapshot(env["home"]) == once
    OC.uninstall(ctx)
    assert snapshot(env["home"]) == before
    assert not list(ctx.paths.backups_dir.rglob("*.json"))


def test_no_openclaw_json_is_created_then_removed(env):
    ctx = ctx_for(env, trust=False)
    OC.install(ctx)
    assert json.loads(env["cfg"].read_text()) == {"plugins": {"entries": {"adr": {"enabled": True}}}}
    res = OC.uninstall(ctx)
    assert res.changes[-1].action == "deleted" and not env["cfg"].exists()
    assert snapshot(env["home"]) == {} and [p.name for p in env["home"].iterdir()] == [".openclaw"]


def test_restrictive_allowlist_gets_adr_and_uninstall_after_an_edit_puts_the_users_back(env):
    env["cfg"].write_text(json.dumps({"plugins": {"allow": ["memory-core"], "entries": {"x": {"enabled": True}}}}))
    ctx = ctx_for(env)
    OC.install(ctx)
    doc = json.loads(env["cfg"].read_text())
    assert doc["plugins"]["allow"] == ["memory-core", "adr"]
    assert doc["plugins"]["entries"] == {"x": {"enabled": True}, "adr": {"enabled": True}}
    doc["theme"] = "dark"  # a user edit since: uninstall removes only adr's part
    env["cfg"].write_text(json.dumps(doc))
    res = OC.uninstall(ctx)
    assert res.changes[-1].action == "removed-entries"
    assert json.loads(env["cfg"].read_text()) == {"plugins": {"allow": ["memory-core"], "entries": {"x": {"enabled": True}}},
                                                  "theme": "dark"}


def test_an_authored_disable_is_overridden_and_put_back(env):
    env["cfg"].write_text(json.dumps({"plugins": {"entries": {"adr": {"enabled": False, "hooks": {"timeoutMs": 5}}}}}))
    ctx = ctx_for(env)
    OC.install(ctx)
    assert json.loads(env["cfg"].read_text())["plugins"]["entries"]["adr"] == {"enabled": True, "hooks": {"timeoutMs": 5}}
    doc = json.loads(env["cfg"].read_text())
    doc["x"] = 1
    env["cfg"].write_text(json.dumps(doc))
    OC.uninstall(ctx)
    assert json.loads(env["cfg"].read_text()) == {"plugins": {"entries": {"adr": {"enabled": False, "hooks": {"timeoutMs": 5}}}},
                                                  "x": 1}


def test_reinstall_after_a_user_edit_then_uninstall_keeps_the_edit_and_the_users_own_entry(env):
    env["cfg"].write_text(json.dumps({"plugins": {"entries": {"adr": {"config": {"k": 1}}}}}))
    ctx = ctx_for(env)
    OC.install(ctx)
    doc = json.loads(env["cfg"].read_text())
    doc["theme"] = "dark"
    env["cfg"].write_text(json.dumps(doc))
    assert not OC.install(ctx).changed  # still enabled: nothing to write
    doc["plugins"]["entries"]["adr"]["enabled"] = False  # switched off by hand: the reinstall switches it on
    env["cfg"].write_text(json.dumps(doc))
    assert OC.install(ctx).changes[-1].action == "updated"
    OC.uninstall(ctx)
    assert json.loads(env["cfg"].read_text()) == {"plugins": {"entries": {"adr": {"config": {"k": 1}}}}, "theme": "dark"}


def test_json5_config_without_the_cli_is_refused_before_anything_is_written(env):
    env["cfg"].write_text('{\n  // mine\n  "agents": {},\n}\n')
    before = snapshot(env["tmp"])
    with pytest.raises(InstallError, match="JSON5"):
        OC.install(ctx_for(env))
    assert snapshot(env["tmp"]) == before


def test_read_only_openclaw_config_is_refused(env):
    env["env"]["OPENCLAW_NIX_MODE"] = "1"
    with pytest.raises(InstallError, match="read-only"):
        OC.install(ctx_for(env))
    assert not (env["state"] / "extensions").exists()


def test_state_dir_and_config_path_overrides(env, tmp_path):
    env["env"]["OPENCLAW_STATE_DIR"] = str(tmp_path / "claw")
    env["env"]["OPENCLAW_CONFIG_PATH"] = str(tmp_path / "conf" / "oc.json")
    (tmp_path / "conf").mkdir()
    ctx = ctx_for(env, trust=False)
    OC.install(ctx)
    assert (tmp_path / "claw/extensions/adr/index.js").is_file()
    assert json.loads((tmp_path / "conf/oc.json").read_text())["plugins"]["entries"]["adr"] == {"enabled": True}
    assert OC.files(ctx)[-1] == tmp_path / "conf" / "oc.json"
    OC.uninstall(ctx)
    assert not (tmp_path / "conf/oc.json").exists() and not (tmp_path / "claw").exists()


def test_dry_run_writes_nothing(env):
    env["cfg"].write_text(USER_CFG)
    before = snapshot(env["tmp"])
    res = OC.install(ctx_for(env, dry_run=True))
    assert res.changes[-1].action == "updated" and snapshot(env["tmp"]) == before


def test_enablement_rules():
    en = openclaw_trust.enablement
    assert en({"plugins": {"entries": {"adr": {"enabled": True}}}})[0]
    assert en({"plugins": {"allow": ["adr"]}})[0]
    assert not en({})[0] and "never loads it" in en({})[1]
    assert not en({"plugins": {"enabled": False, "entries": {"adr": {"enabled": True}}}})[0]
    assert not en({"plugins": {"deny": ["adr"], "entries": {"adr": {"enabled": True}}}})[0]
    assert not en({"plugins": {"allow": ["other"], "entries": {"adr": {"enabled": True}}}})[0]
    assert not en({"plugins": {"entries": {"adr": {"enabled": False}}}})[0]


# ---- doctor ------------------------------------------------------------------------------------------------

def test_doctor_fails_when_the_plugin_is_present_but_not_enabled(env):
    ctx = ctx_for(env, trust=False)
    OC.install(ctx)
    env["cfg"].write_text("{}")  # what `adr install` wrote before: files only
    c = checks(ctx)
    assert c["hook installed"].status == "ok"
    assert c["plugin enabled"].status == "fail" and "never calls" in c["plugin enabled"].detail
    env["cfg"].unlink()
    assert checks(ctx)["plugin enabled"].status == "fail"
    env["cfg"].write_text(json.dumps({"plugins": {"deny": ["adr"], "entries": {"adr": {"enabled": True}}}}))
    assert "plugins.deny" in checks(ctx)["plugin enabled"].detail


def test_doctor_reports_the_install_record(env):
    ctx = ctx_for(env, trust=False)
    OC.install(ctx)
    c = checks(ctx)
    assert c["plugin enabled"].status == "ok"
    assert c["install record"].status == "warn" and "record-missing" in c["install record"].detail
    write_index(env["state"], {"adr": {"source": "path", "installPath": "/somewhere/else/adr"}})
    c = checks(ctx)
    assert c["install record"].status == "warn" and "/somewhere/else/adr" in c["install record"].detail
    write_index(env["state"], {"other": {"source": "npm"},
                               "adr": {"source": "path", "installPath": str(env["state"] / "extensions" / "adr")}})
    c = checks(ctx)
    assert c["install record"].status == "ok"
    rep = doctor.check_host("openclaw", ctx, synthetic=False)
    assert rep.status == "ok"
    db = env["state"] / "state" / "openclaw.sqlite"
    db.write_bytes(b"not a database")
    assert checks(ctx)["install record"].status == "warn"


# ---- through a fake `openclaw` CLI -------------------------------------------------------------------------

FAKE_OPENCLAW = textwrap.dedent('''\
    #!{python}
    """A stand-in for `openclaw plugins install|uninstall`, writing what OpenClaw 2026.9.6 writes."""
    import json, os, shutil, sqlite3, sys, time
    state = os.environ.get("OPENCLAW_STATE_DIR") or os.path.join(os.environ["HOME"], ".openclaw")
    cfg_path = os.environ.get("OPENCLAW_CONFIG_PATH") or os.path.join(state, "openclaw.json")
    with open(os.path.join(state, "fake-calls.log"), "a") as log:
        log.write(json.dumps(sys.argv[1:]) + "\\n")
    mode = os.environ.get("FAKE_OPENCLAW", "")
    if mode == "fail":
        print("Error: something went wrong", file=sys.stderr)
        sys.exit(3)
    if mode == "hang":
        time.sleep(60)
    db = os.path.join(state, "state", "openclaw.sqlite")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE IF NOT EXISTS config_machine_state (state_key TEXT NOT NULL PRIMARY KEY, "
                "value_json TEXT NOT NULL, updated_at_ms INTEGER NOT NULL)")
    row = con.execute("SELECT value_json FROM config_machine_state WHERE state_key='plugins.installedIndex'").fetchone()
    index = json.loads(row[0]) if row else {{"revision": 0, "index": {{"version": 1, "installRecords": {{}}, "plugins": []}}}}
    def load_cfg():
        try:
            text = open(cfg_path).read()
        except FileNotFoundError:
            return {{}}
        lines = [l for l in text.splitlines() if not l.strip().startswith("//")]  # "JSON5"
        return json.loads("\\n".join(lines).replace(",\\n}}", "\\n}}"))
    cfg = load_cfg()
    entries = cfg.setdefault("plugins", {{}}).setdefault("entries", {{}})
    args = sys.argv[1:]
    if args[:2] == ["plugins", "install"] and "--force" in args and "--accept-capabilities" in args:
        src = args[2]
        dest = os.path.join(state, "extensions", "adr")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(src, dest)
        if entries.get("adr", {{}}).get("enabled") is not False:
            entries.setdefault("adr", {{}})["enabled"] = True
        index["index"]["installRecords"]["adr"] = {{"source": "path", "sourcePath": src, "installPath": dest,
                                                   "version": "0.1.0", "installedAt": "2026-01-01T00:00:00Z"}}
    elif args[:3] == ["plugins", "uninstall", "adr"] and "--keep-files" in args:
        index["index"]["installRecords"].pop("adr", None)
        entries["adr"] = {{"enabled": False}}
    else:
        sys.exit(2)
    cfg["meta"] = {{"lastTouchedVersion": "2026.9.6"}}
    if os.path.exists(cfg_path):
        shutil.copy(cfg_path, cfg_path + ".bak")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2)
    os.chmod(cfg_path, 0o600)
    con.execute("INSERT OR REPLACE INTO config_machine_state VALUES ('plugins.installedIndex', ?, 1)", (json.dumps(index),))
    con.commit()
    print("Installed plugin: adr" if args[1] == "install" else "Uninstalled plugin adr")
''')


@pytest.fixture
def fake_cli(env):
    bindir = env["tmp"] / "clawbin"
    bindir.mkdir()
    exe = bindir / "openclaw"
    exe.write_text(FAKE_OPENCLAW.format(python=sys.executable))
    exe.chmod(0o755)
    env["env"]["PATH"] = f"{bindir}:{env['env']['PATH']}"

    def calls():
        log = env["state"] / "fake-calls.log"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return calls


def test_install_records_through_openclaw_and_uninstall_restores_exactly(env, fake_cli):
    original = '{\n  // my notes\n  "agents": {"defaults": {"workspace": "/w"}},\n}\n'  # JSON5: OpenClaw rewrites it
    env["cfg"].write_text(original)
    ctx = ctx_for(env)
    res = OC.install(ctx)
    assert any("OpenClaw recorded adr's plugin install" in n for n in res.notes), (res.notes, res.warnings)
    assert not res.warnings
    assert [c[:2] for c in fake_cli()] == [["plugins", "install"]]
    assert openclaw_trust.install_record(ctx).status == "recorded"
    doc = json.loads(env["cfg"].read_text())
    assert doc["plugins"]["entries"]["adr"] == {"enabled": True} and doc["agents"] == {"defaults": {"workspace": "/w"}}
    js = (env["state"] / "extensions/adr/index.js").read_text()
    assert str(env["hook"]) in js or "adr-hook" in js
    c = checks(ctx)
    assert c["plugin enabled"].status == "ok" and c["install record"].status == "ok"
    once = snapshot(env["state"] / "extensions")
    res2 = OC.install(ctx)  # idempotent: no second CLI run, nothing rewritten
    assert not res2.changed and len(fake_cli()) == 1 and snapshot(env["state"] / "extensions") == once
    res3 = OC.uninstall(ctx)
    assert fake_cli()[-1] == ["plugins", "uninstall", "adr", "--force", "--keep-files"]
    assert any("install record for adr removed" in n for n in res3.notes), (res3.notes, res3.warnings)
    assert env["cfg"].read_text() == original  # byte for byte, comments and all
    assert res3.changes[-1].action == "restored"
    assert openclaw_trust.install_record(ctx).status == "missing"
    assert not (env["state"] / "extensions" / "adr").exists()
    assert not list(ctx.paths.backups_dir.rglob("*.json"))


def test_uninstall_after_a_user_edit_strips_adr_and_the_uninstall_marker(env, fake_cli):
    env["cfg"].write_text(USER_CFG)
    ctx = ctx_for(env)
    OC.install(ctx)
    doc = json.loads(env["cfg"].read_text())
    doc["theme"] = "dark"
    env["cfg"].write_text(json.dumps(doc))
    res = OC.uninstall(ctx)
    assert res.changes[-1].action == "removed-entries"
    after = json.loads(env["cfg"].read_text())
    assert after["theme"] == "dark" and "plugins" not in after  # neither adr's entry nor OpenClaw's marker
    assert openclaw_trust.install_record(ctx).status == "missing"


def test_a_failing_cli_leaves_a_protected_install_and_a_warning(env, fake_cli):
    env["cfg"].write_text(USER_CFG)
    env["env"]["FAKE_OPENCLAW"] = "fail"
    ctx = ctx_for(env)
    res = OC.install(ctx)
    assert any("exited 3" in w and "something went wrong" in w for w in res.warnings), res.warnings
    assert json.loads(env["cfg"].read_text())["plugins"]["entries"]["adr"] == {"enabled": True}
    assert checks(ctx)["install record"].status == "warn"
    OC.uninstall(ctx)
    assert env["cfg"].read_text() == USER_CFG


def test_a_hanging_cli_is_killed(env, fake_cli, monkeypatch):
    monkeypatch.setattr(openclaw_trust, "CLI_TIMEOUT", 1.0)
    env["env"]["FAKE_OPENCLAW"] = "hang"
    res = OC.install(ctx_for(env))
    assert any("did not finish within 1 s" in w for w in res.warnings), res.warnings
    assert json.loads(env["cfg"].read_text())["plugins"]["entries"]["adr"] == {"enabled": True}


def test_no_trust_does_not_run_the_cli(env, fake_cli):
    res = OC.install(ctx_for(env, trust=False))
    assert fake_cli() == [] and any("--no-trust" in w for w in res.warnings)


def test_a_record_left_without_the_cli_is_reported_on_uninstall(env):
    ctx = ctx_for(env, trust=False)
    OC.install(ctx)
    write_index(env["state"], {"adr": {"source": "path", "installPath": str(env["state"] / "extensions" / "adr")}})
    res = OC.uninstall(ctx)
    assert any("openclaw plugins uninstall adr --keep-files" in w for w in res.warnings), res.warnings


def test_json5_config_and_a_failing_cli_is_an_error_that_says_what_is_missing(env, fake_cli):
    env["cfg"].write_text('{\n  // mine\n  "agents": {},\n}\n')
    env["env"]["FAKE_OPENCLAW"] = "fail"
    with pytest.raises(InstallError, match="plugin files are in place but OpenClaw will not run them") as e:
        OC.install(ctx_for(env))
    assert "exited 3" in str(e.value)
    assert env["cfg"].read_text() == '{\n  // mine\n  "agents": {},\n}\n'

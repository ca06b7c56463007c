"""Weaker settings wait for the human; stronger ones apply at once.

What weakens (adr/config.py PROTECTION), the holds every reader applies (`load_settings`, so the
hook's in-process fallback too), and the real daemon: config.yaml edited by an agent is held —
`adr status` says so and the rules keep enforcing — until the human confirms from their terminal
(`adr config confirm`) or their desktop (Confirm on the question); `adr config set|edit|show|path`.
"""
import json
import os
import shutil
import sys
import uuid
from dataclasses import replace

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import (BIN, DaemonProc, adr, adr_env, codex_payload, decision_of, make_home,  # noqa: E402
                               records, run_hook)
from _daemon_helpers import wait_for  # noqa: E402
from _human import AgentSession, HumanTerminal, agent_program, detached_agent, human  # noqa: E402

from adr import config as C  # noqa: E402
from adr.config import Settings, held_settings, load_settings, weakenings, write_confirmed  # noqa: E402
from adr.paths import get_paths  # noqa: E402


# ---- what weakens --------------------------------------------------------------------------------

@pytest.mark.parametrize("change,weak", [
    ({"mode": "monitor"}, True), ({"sensitivity": "relaxed"}, True), ({"sensitivity": "strict"}, False),
    ({"fail_mode": "allow"}, True), ({"fail_mode": "deny"}, False),
    ({"auto_approve": True}, True), ({"allow_critical_override": True}, True), ({"offline": True}, True),
    ({"disabled_rules": ("a.rule",)}, True), ({"extra_rule_dirs": ("/x",)}, True),
    ({"approval_timeout": 20.0}, False), ({"hook_timeout": 90}, False), ({"audit_max_bytes": 4096}, False),
    ({"audit_fail": "allow"}, True), ({"audit_fail": "deny"}, False),
    ({"quota_action": "deny"}, False), ({"quota_action": "lockdown"}, False),
    ({"breaker_denies": 0}, True), ({"breaker_denies": 50}, True), ({"breaker_denies": 2}, False),
    ({"breaker_window_min": 1.0}, True), ({"breaker_window_min": 60.0}, False),
    ({"quota_installs": 5}, False),  # from no quota to one: stronger
])
def test_what_weakens_protection(change, weak):
    assert bool(weakenings(Settings(), replace(Settings(), **change))) is weak


def test_held_settings_keep_only_the_weakening_part():
    was = Settings(providers=("osv", "urlhaus"), disabled_rules=("a",), sensitivity="strict")
    wants = Settings(providers=("osv",), disabled_rules=("b",), sensitivity="balanced", approval_timeout=30.0,
                     fail_mode="deny")
    kept, held = held_settings(was, wants)
    assert kept.providers == ("osv", "urlhaus")  # the removed provider stays
    assert kept.disabled_rules == ()  # "a" may be enabled again at once; "b" waits
    assert kept.sensitivity == "strict" and kept.approval_timeout == 30.0 and kept.fail_mode == "deny"
    assert {w.key for w in held} == {"providers", "disabled_rules", "sensitivity"}
    assert [w.describe() for w in held if w.key == "disabled_rules"] == ["disabled_rules: +b"]
    assert held_settings(was, was) == (was, ())


def test_a_setting_nobody_classified_is_protected(monkeypatch):
    monkeypatch.setattr(C, "PROTECTION", {k: v for k, v in C.PROTECTION.items() if k != "approval_timeout"})
    assert [w.key for w in weakenings(Settings(), Settings(approval_timeout=30.0))] == ["approval_timeout"]


def test_every_reader_applies_the_holds(tmp_path):
    paths = get_paths({"ADR_HOME": str(tmp_path)})
    paths.ensure()
    paths.config_file.write_text("mode: monitor\nsensitivity: strict\n")
    assert load_settings(paths).mode == "monitor"  # never ran here: config.yaml as it is
    write_confirmed(paths, Settings(), "test")
    s = load_settings(paths)
    assert s.mode == "enforce" and s.sensitivity == "strict"
    assert load_settings(paths, hold=False).mode == "monitor"
    assert load_settings(paths, overrides={"offline": True}).offline is True  # a command's own option
    paths.confirmed_settings.write_text("{not json")
    assert load_settings(paths).mode == "enforce"  # a damaged record compares with the defaults


# ---- the daemon ------------------------------------------------------------------------------------

class HeadlessDaemon(DaemonProc):
    extra_env = {"ADR_NOTIFIER": "none"}


@pytest.fixture
def guarded(tmp_path):
    home = make_home(tmp_path / "home")
    d = HeadlessDaemon(home).start()
    try:
        yield {"home": home, "daemon": d, "tmp": tmp_path, "paths": get_paths({"ADR_HOME": str(home)})}
    finally:
        d.stop()


def agent_writes(g, text):
    """Not `adr config`: an agent's shell command writes config.yaml."""
    agent = AgentSession(g["home"], g["tmp"])
    try:
        r = agent.run(["/bin/sh", "-c", f"printf '%s' \"$0\" > {g['paths'].config_file}", text])
        assert r["rc"] == 0, r
    finally:
        agent.close()


def held(g):
    return g["daemon"].status().get("settings_held") or {}


def annihilate(g):
    agent = agent_program(g["tmp"], "claude")
    return decision_of(run_hook(g["home"], agent, "codex", codex_payload("annihilate --all", "c-" + uuid.uuid4().hex[:6],
                                                                          str(g["tmp"]))))


def test_an_agents_edit_is_held_until_the_human_confirms(guarded):
    g = guarded
    base = g["paths"].config_file.read_text()
    agent_writes(g, base + "mode: monitor\nsensitivity: strict\ndisabled_rules: [test.deny-annihilate]\n")
    h = wait_for(lambda: held(g))
    assert {x["key"] for x in h["held"]} == {"mode", "disabled_rules"} and h["confirm_with"] == "adr config confirm"
    st = g["daemon"].status()
    assert st["mode"] == "enforce" and st["sensitivity"] == "strict"  # the stronger part applied at once
    assert annihilate(g) == "deny"  # the rule the agent disabled still runs
    rec = [r for r in records(g["home"]) if r.get("event") == "config"][-1]
    assert rec["decision"] == "held" and "mode: enforce → monitor" in rec["summary"]
    shown = adr(g["home"], "status").stdout
    assert "settings held" in shown and "adr config confirm" in shown
    show = json.loads(adr(g["home"], "config", "show", "--json").stdout)
    mode = next(r for r in show["settings"] if r["key"] == "mode")
    assert mode["value"] == "enforce" and mode["from"] == "held" and mode["wanted"] == "monitor"
    # the agent cannot confirm it, not even detached
    res = detached_agent(g["home"], g["tmp"], [[str(BIN / "adr"), "config", "confirm"]])
    assert res and res[0]["rc"] == 1 and "refused" in res[0]["err"], res
    assert held(g)
    # the human can
    r = human(g["home"], "config", "confirm")
    assert r.returncode == 0 and "mode: enforce → monitor" in r.stdout, r.stderr
    assert wait_for(lambda: g["daemon"].status()["mode"] == "monitor") and not held(g)
    assert annihilate(g) == "allow"  # monitor mode: recorded, allowed
    assert [r for r in records(g["home"]) if r.get("event") == "config"][-1]["decision"] == "confirmed"


def test_stronger_applies_at_once_and_going_back_is_held(guarded):
    g = guarded
    base = g["paths"].config_file.read_text()
    agent_writes(g, base + "sensitivity: strict\n")
    assert wait_for(lambda: g["daemon"].status()["sensitivity"] == "strict") and not held(g)
    agent_writes(g, base)  # back to balanced: weaker than what is in force now
    h = wait_for(lambda: held(g))
    assert [x["change"] for x in h["held"]] == ["sensitivity: strict → balanced"]
    assert g["daemon"].status()["sensitivity"] == "strict"


def test_a_restart_does_not_launder_an_edit(guarded):
    g = guarded
    g["daemon"].stop()
    g["paths"].config_file.write_text(g["paths"].config_file.read_text() + "fail_mode: allow\n")
    d = HeadlessDaemon(g["home"]).start()
    try:
        assert d.status()["fail_mode"] == "ask"
        assert [x["key"] for x in d.status()["settings_held"]["held"]] == ["fail_mode"]
    finally:
        d.stop()
    # and with no daemon at all, the hook's in-process judgement holds it too
    g["paths"].config_file.write_text(g["paths"].config_file.read_text() + "mode: monitor\n")
    assert annihilate(g) == "deny"


def test_adr_config_set_by_the_human_applies_without_a_second_question(guarded):
    g = guarded
    r = human(g["home"], "config", "set", "allow_critical_override", "true")
    assert r.returncode == 0 and "allow_critical_override: false → true" in r.stderr, r.stderr
    assert wait_for(lambda: g["daemon"].status()["approvals"]["critical_override"] is True) and not held(g)
    assert "allow_critical_override: true" in g["paths"].config_file.read_text()
    assert [x for x in records(g["home"]) if x.get("event") == "control" and x["kind"] == "config"]
    bad = human(g["home"], "config", "set", "mode", "sideways")
    assert bad.returncode == 3 and "mode must be one of" in bad.stderr
    unknown = human(g["home"], "config", "set", "colour", "blue")
    assert unknown.returncode == 3 and "unknown setting" in unknown.stderr
    # an agent's `adr config set` is refused by the CLI (in its tree) and by the daemon (detached)
    r = adr(g["home"], "config", "set", "mode", "monitor", agent=agent_program(g["tmp"], "claude"))
    assert r.returncode == 1 and "inside an AI agent" in r.stderr


def test_adr_config_edit_opens_a_private_copy(guarded, tmp_path):
    g = guarded
    editor = tmp_path / "ed.sh"
    editor.write_text("#!/bin/sh\n[ \"$(stat -c %a \"$1\")\" = 600 ] || exit 9\nprintf 'sensitivity: strict\\n' >> \"$1\"\n")
    editor.chmod(0o700)
    r = human(g["home"], "config", "edit", env=adr_env(g["home"], EDITOR=str(editor)))
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: g["daemon"].status()["sensitivity"] == "strict")
    broken = tmp_path / "broken.sh"
    broken.write_text("#!/bin/sh\nprintf 'mode: [\\n' >> \"$1\"\n")
    broken.chmod(0o700)
    before = g["paths"].config_file.read_text()
    r = human(g["home"], "config", "edit", typed="n\n", env=adr_env(g["home"], EDITOR=str(broken)))
    assert r.returncode == 1 and "not valid YAML" in r.stderr and g["paths"].config_file.read_text() == before


def test_config_path_and_show(tmp_path):
    env = adr_env(tmp_path)
    import subprocess
    out = subprocess.run([str(BIN / "adr"), "config", "path"], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == str(get_paths({"ADR_HOME": str(tmp_path)}).config_file)
    every = json.loads(subprocess.run([str(BIN / "adr"), "config", "path", "--all", "--json"], env=env,
                                      capture_output=True, text=True, timeout=60).stdout)
    assert set(every) >= {"config", "user_rules", "settings_in_force", "audit_log", "socket"}
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("sensitivity: strict\n")
    show = json.loads(subprocess.run([str(BIN / "adr"), "config", "show", "--json"], env=env,
                                     capture_output=True, text=True, timeout=60).stdout)
    src = {r["key"]: r["from"] for r in show["settings"]}
    assert src["sensitivity"] == "config.yaml" and src["mode"] == "default"
    assert show["daemon"] == "not running"


# ---- on the desktop ------------------------------------------------------------------------------

# each step below is a notification, a click and a reload of every rule pack: on a loaded 2-core machine
# (two test workers starting daemons) that has outlasted the helpers' 20 s hang guard
LOADED = 90.0


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
@pytest.mark.skipif(not shutil.which("dbus-daemon"), reason="dbus-daemon not installed (make sysdeps)")
def test_the_desktop_question_confirms_or_refuses(tmp_path):
    from _notify_server import desktop_session

    with desktop_session(str(tmp_path)) as srv:
        home = make_home(tmp_path / "home")
        d = DaemonProc(home).start()
        g = {"home": home, "daemon": d, "tmp": tmp_path, "paths": get_paths({"ADR_HOME": str(home)})}
        try:
            base = g["paths"].config_file.read_text()
            srv.responder = lambda call: ("click", "deny") if "weaker protection" in call["summary"] else None
            agent_writes(g, base + "auto_approve: true\n")
            assert wait_for(lambda: held(g).get("refused"), timeout=LOADED)
            call = [c for c in srv.calls if "weaker protection" in c["summary"]][-1]
            assert "auto_approve: false → true" in call["body"] and call["actions"] == ["confirm", "deny"]
            assert [r for r in records(home) if r.get("event") == "config"][-1]["decision"] == "refused"
            srv.responder = lambda call: ("click", "confirm") if "weaker protection" in call["summary"] else None
            agent_writes(g, base + "mode: monitor\n")
            assert wait_for(lambda: d.status()["mode"] == "monitor", timeout=LOADED) and not held(g)
            # `adr config set` on a desktop: the code from the challenge, typed at the terminal
            srv.responder = lambda call: None
            n0 = len(srv.calls)
            t = HumanTerminal([str(BIN / "adr"), "config", "set", "fail_mode", "allow"], adr_env(home))
            calls = srv.wait_for_calls(n0 + 1)
            assert "apply settings that weaken protection" in calls[n0]["summary"]
            assert "fail_mode: ask → allow" in calls[n0]["body"]
            import re
            assert t.wait_for_screen("code: ")
            t.write(re.search(r"Code (\d{6})", calls[n0]["body"]).group(1) + "\n")
            rc, out, err, _ = t.finish()
            assert rc == 0, err
            assert wait_for(lambda: d.status()["fail_mode"] == "allow", timeout=LOADED) and not held(g)
        finally:
            d.stop()


def test_every_setting_says_how_it_can_weaken_protection():
    """A new setting must be classified (adr.config.PROTECTION): unclassified, any change counts as
    weakening, which is safe but asks the human about changes that cannot matter."""
    from dataclasses import fields as _fields

    from adr.config import PROTECTION, Settings
    assert {f.name for f in _fields(Settings)} <= set(PROTECTION)

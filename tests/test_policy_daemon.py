"""The daemon pulls the organisation's policy from a 127.0.0.1 server: a good bundle takes effect
without a restart (its rules judge the next hook call; its locks beat the user's config), every bad
one raises an alert while the daemon keeps running on the last good one, and a bundle tampered with
on disk is alerted and replaced by a fresh fetch at start."""
import json
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import adr, agent_exe, claude_payload, decision_of, records, run_hook  # noqa: E402
from _daemon_helpers import DaemonProc  # noqa: E402
from _fleet_helpers import LOCKS, ORG_RULE, SECOND_RULE, BundleServer, bundle, publish, wait_until  # noqa: E402

from adr.daemon import protocol as P  # noqa: E402
from adr.paths import get_paths  # noqa: E402
from adr.policy.bundle import generate_keypair, load_private_key  # noqa: E402


class Daemon(DaemonProc):
    extra_env = {"ADR_NOTIFIER": "none"}
    start_timeout = 90.0


@pytest.fixture(scope="module")
def pulled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pull")
    key_path, pub = generate_keypair(tmp / "keys")
    other, _ = generate_keypair(tmp / "other")
    served = tmp / "bundle.json"
    key = load_private_key(key_path)
    publish(served, bundle(key, 100))
    server = BundleServer(served).start()
    home = tmp / "home"
    cfg = get_paths({"ADR_HOME": str(home)}).config_dir
    cfg.mkdir(parents=True)
    # the user tries to weaken what the organisation locked
    (cfg / "config.yaml").write_text(json.dumps({
        "mode": "monitor", "sensitivity": "relaxed", "disabled_rules": ["org.no-prod-deploy"],
        "policy": {"source": server.url, "public_key": str(pub), "interval": 1}}))
    state = {"tmp": tmp, "home": home, "daemon": Daemon(home).start(), "server": server, "served": served,
             "key": key, "other": load_private_key(other), "agent": agent_exe(tmp)}
    try:
        yield state
    finally:
        state["daemon"].stop()  # the one running now (a test restarts it)
        server.stop()


def serial(p):
    st = json.loads(adr(p["home"], "policy", "status", "--json").stdout)
    return (st.get("bundle") or {}).get("serial")


def hook(p, command):
    return decision_of(run_hook(p["home"], p["agent"], "claude-code",
                                claude_payload(command, "pol-" + uuid.uuid4().hex[:6], str(p["tmp"]))))


def policy_alerts(p):
    resp = p["daemon"].request(P.Request(op="call", target="alerts.list", args={"all": True}))
    return [a for a in resp.data["alerts"] if a["kind"] == "policy"]


def test_a_good_bundle_takes_effect_and_its_locks_beat_the_users_config(pulled):
    p = pulled
    assert wait_until(lambda: serial(p) == 100, 30)
    assert wait_until(lambda: hook(p, "deployctl push prod") == "deny", 30)  # the org rule, in a running daemon
    assert hook(p, "deployctl push staging") == "allow"
    st = p["daemon"].status()
    assert (st["mode"], st["sensitivity"]) == ("enforce", "strict")  # config.yaml said monitor / relaxed
    pol = json.loads(adr(p["home"], "policy", "status", "--json").stdout)
    assert pol["daemon"] and set(pol["layer"]["overridden"]) == {"mode", "sensitivity", "disabled_rules"}
    assert [r for r in records(p["home"]) if r.get("event") == "policy"][-1]["serial"] == 100
    text = adr(p["home"], "policy", "status").stdout
    assert "serial 100" in text and "locked" in text and "overridden" in text


@pytest.mark.parametrize("make, kind", [
    (lambda p: json.dumps({**json.loads(bundle(p["key"], 150)),
                           "files": {"rules/org.yaml": ORG_RULE.replace("deny", "log"), "settings.yaml": LOCKS}}).encode(),
     "signature"),
    (lambda p: bundle(p["other"], 151), "signature"),
    (lambda p: bundle(p["key"], 99), "rollback"),
    (lambda p: bundle(p["key"], 152, rules=ORG_RULE.replace("  - id: org.no-prod-deploy\n", "  - idd: x\n")), "pack"),
])
def test_a_bad_bundle_is_alerted_and_the_last_good_one_stays(pulled, make, kind):
    p = pulled
    assert wait_until(lambda: serial(p) == 100, 30)
    before = len(policy_alerts(p))
    publish(p["served"], make(p))
    alerts = wait_until(lambda: len(policy_alerts(p)) > before and policy_alerts(p), 30)
    assert alerts, "no alert for a bad bundle"
    assert f"rejected ({kind})" in alerts[0]["title"] and "last good policy" in alerts[0]["detail"]
    assert serial(p) == 100 and hook(p, "deployctl push prod") == "deny"
    assert p["daemon"].proc.poll() is None


def test_a_newer_bundle_replaces_the_old_one_without_a_restart(pulled):
    p = pulled
    publish(p["served"], bundle(p["key"], 200, rules=ORG_RULE + SECOND_RULE.split("rules:\n", 1)[1]))
    assert wait_until(lambda: serial(p) == 200, 30)
    assert wait_until(lambda: hook(p, "rollbackctl push prod") == "deny", 30)
    seen = p["server"].not_modified
    assert wait_until(lambda: p["server"].not_modified > seen, 30)  # between changes: If-None-Match → 304


def test_a_stored_bundle_tampered_while_the_daemon_was_down_is_alerted_and_refetched(pulled):
    p = pulled
    if serial(p) != 200:  # (run alone: the previous test's bundle is not there yet)
        publish(p["served"], bundle(p["key"], 200, rules=ORG_RULE + SECOND_RULE.split("rules:\n", 1)[1]))
    assert wait_until(lambda: serial(p) == 200, 30)
    p["daemon"].stop()
    stored = get_paths({"ADR_HOME": str(p["home"])}).policy_dir / "bundle.json"
    doc = json.loads(stored.read_bytes())
    doc["files"]["settings.yaml"] = "mode: monitor\n"
    stored.write_text(json.dumps(doc))
    p["daemon"] = Daemon(p["home"]).start()
    alerts = wait_until(lambda: [a for a in policy_alerts(p) if "does not verify" in a["title"]], 30)
    assert alerts and alerts[0]["severity"] == "critical"
    assert wait_until(lambda: serial(p) == 200 and p["daemon"].status()["mode"] == "enforce", 30)
    assert json.loads(stored.read_bytes())["files"]["settings.yaml"] == LOCKS

"""The daemon merges reputation look-ups (enabled providers only) into its decisions, off the
event loop, and a stalled provider costs at most the look-up budget — against local fake APIs."""
import json

import pytest
import yaml

from adr.actions import Action, ActionKind, Context, Decision
from adr.daemon import protocol as P
from tests._daemon_helpers import DaemonProc
from tests._reputation_server import BAD_URL, FakeAPIs

# a whole product flow (real daemons and local servers): make e2e, for make test's budget
pytestmark = pytest.mark.e2e


@pytest.fixture()
def apis():
    a = FakeAPIs()
    yield a
    a.close()


def start(home, apis, **settings):
    cfg = home / "config"
    cfg.mkdir(parents=True)
    (cfg / "config.yaml").write_text(yaml.safe_dump({"providers": ["urlhaus"], "lookup_budget": 1.0, **settings}))
    (cfg / "reputation.yaml").write_text(yaml.safe_dump({"base_urls": apis.urls}))
    return DaemonProc(home).start()


def decide(d, url):
    a = Action(ActionKind.URL_FETCH, Context(host="claude-code", session="s", cwd="/tmp"), url=url)
    return d.request(P.Request(op="decide", id=P.new_id(), event="PreToolUse", host="claude-code", action=a),
                     timeout=30)


def test_daemon_uses_enabled_reputation_provider(tmp_path, apis):
    d = start(tmp_path / "home", apis)
    try:
        r = decide(d, BAD_URL)
        assert r.ok, r.error
        assert "reputation.urlhaus" in r.verdict.rule_ids, r.verdict.to_dict()
        assert r.verdict.decision is not Decision.ALLOW
        assert apis.count("urlhaus") >= 1
        ok = decide(d, "https://docs.python.org/3/")
        assert ok.verdict.decision is Decision.ALLOW
    finally:
        d.stop()
    log = (tmp_path / "home" / "state" / "audit" / "audit.jsonl").read_text().splitlines()
    assert any("reputation.urlhaus" in json.dumps(json.loads(line)) for line in log)


def test_stalled_provider_is_unknown_not_a_hang(tmp_path, apis):
    apis.behavior["urlhaus"] = "stall"
    d = start(tmp_path / "home", apis)
    try:
        r = decide(d, BAD_URL)  # the request timeout (30 s) is only a hang guard
        assert r.ok and "reputation.urlhaus" not in r.verdict.rule_ids
        assert d.request(P.Request(op="ping")).ok  # the loop kept serving
    finally:
        d.stop()


def test_offline_setting_sends_nothing(tmp_path, apis):
    d = start(tmp_path / "home", apis, offline=True)
    try:
        decide(d, BAD_URL)
        assert apis.count("urlhaus") == 0
    finally:
        d.stop()

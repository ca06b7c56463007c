"""Downloaded files: remembered per session, hashed and checked when run or chmodded."""
from __future__ import annotations

import hashlib

import pytest

from _reputation_server import FakeAPIs
from adr.actions import RuleAction
from adr.reputation.lookup import ReputationService, provider_classes
from adr.judge.online import check_downloaded
from adr.supply.downloads import DownloadTracker, downloads_of, sha256_file


@pytest.mark.parametrize("argv,expected", [
    (("curl", "-o", "x.sh", "https://a.example/b/install.sh"), ["/w/x.sh"]),
    (("curl", "-fsSLo", "/tmp/y", "https://a.example/y"), ["/tmp/y"]),
    (("curl", "--output=z", "https://a.example/y"), ["/w/z"]),
    (("curl", "-O", "https://a.example/b/tool.tar.gz"), ["/w/tool.tar.gz"]),
    (("curl", "-sSLO", "https://a.example/b/t2?x=1"), ["/w/t2"]),
    (("curl", "https://a.example/x"), []),
    (("wget", "https://a.example/c/get.sh"), ["/w/get.sh"]),
    (("wget", "-O", "z.sh", "https://a.example/z"), ["/w/z.sh"]),
    (("wget", "-qO-", "https://a.example/z"), []),
    (("wget", "-P", "dl", "https://a.example/q.bin"), ["/w/dl/q.bin"]),
    (("ls", "https://a.example/x"), []),
    # one reader (adr.shell.fetches) for every downloader and spelling
    (("curl", "-sSLoinst.sh", "https://a.example/i"), ["/w/inst.sh"]),
    (("curl", "-o", "a", "https://a.example/1", "-o", "b", "https://a.example/2"), ["/w/a", "/w/b"]),
    (("curl", "--remote-name-all", "https://a.example/x.sh", "https://a.example/y.sh"), ["/w/x.sh", "/w/y.sh"]),
    (("curl", "--output-dir", "dl", "-O", "https://a.example/t.sh"), ["/w/dl/t.sh"]),
    (("wget", "https://a.example/"), ["/w/index.html"]),
    (("wget2", "-O", "/tmp/o", "https://a.example/z"), ["/tmp/o"]),
    (("aria2c", "https://a.example/z.sh"), ["/w/z.sh"]),
    (("aria2c", "-d", "sub", "-o", "q", "https://a.example/z.sh"), ["/w/sub/q"]),
    (("lwp-download", "https://a.example/l.sh", "tools/"), ["/w/tools/l.sh"]),
    (("lwp-download", "https://a.example/l.sh", "x.sh"), ["/w/x.sh"]),
])
def test_downloads_of(argv, expected):
    assert [p for p, _ in downloads_of(argv, "/w")] == expected


def test_a_download_redirected_into_a_file():
    from adr.shell.model import Redirect
    assert downloads_of(("curl", "-s", "https://a.example/i"), "/w", (Redirect(">", "i.sh"),)) == \
        [("/w/i.sh", "https://a.example/i")]
    assert downloads_of(("curl", "-s", "https://a.example/i"), "/w", (Redirect(">", "err.log", "2"),)) == []


def test_tracker_runs_and_chmods():
    t = DownloadTracker()
    t.record("s1", ("curl", "-o", "x.sh", "https://a.example/install.sh"), "/home/u")
    assert t.touched("s1", ("chmod", "+x", "x.sh"), "/home/u") == ["/home/u/x.sh"]
    assert t.touched("s1", ("bash", "./x.sh"), "/home/u") == ["/home/u/x.sh"]
    assert t.touched("s1", ("./x.sh",), "/home/u") == ["/home/u/x.sh"]
    assert t.touched("s1", ("cat", "x.sh"), "/home/u") == []
    assert t.touched("s2", ("bash", "x.sh"), "/home/u") == []  # another session
    assert t.url_of("s1", "x.sh", "/home/u") == "https://a.example/install.sh"


def test_tracker_is_bounded():
    t = DownloadTracker(max_per_session=3, max_sessions=2)
    for i in range(10):
        t.record("s", ("wget", f"https://a.example/f{i}"), "/w")
    assert t.touched("s", ("bash", "f0"), "/w") == [] and t.touched("s", ("bash", "f9"), "/w") == ["/w/f9"]
    t.record("a", ("wget", "https://a.example/q"), "/w")
    t.record("b", ("wget", "https://a.example/q"), "/w")
    assert t.touched("s", ("bash", "f9"), "/w") == []  # oldest session dropped


@pytest.fixture
def apis():
    a = FakeAPIs()
    yield a
    a.close()


def test_check_downloaded_against_hash_providers(apis, tmp_path, monkeypatch):
    import _reputation_server as srv
    bad = tmp_path / "payload.bin"
    bad.write_bytes(b"not really malware")
    digest = hashlib.sha256(b"not really malware").hexdigest()
    assert sha256_file(str(bad)) == digest
    monkeypatch.setattr(srv, "MAL_SHA256", digest)
    svc = ReputationService({"malwarebazaar": provider_classes()["malwarebazaar"](base_url=apis.urls["malwarebazaar"])},
                            None, 1.0)
    fs = check_downloaded(str(bad), service=svc)
    assert [f.rule_id for f in fs] == ["reputation.malwarebazaar"] and fs[0].action is RuleAction.DENY
    assert fs[0].evidence[0].subject == str(bad) and digest in fs[0].evidence[0].note
    sent = apis.requests[-1]["body"]
    assert digest.encode() in sent and b"not really malware" not in sent  # only the hash leaves
    good = tmp_path / "fine.bin"
    good.write_bytes(b"fine")
    assert check_downloaded(str(good), service=svc) == []
    assert check_downloaded(str(tmp_path / "missing"), service=svc) == []


def test_check_downloaded_without_hash_providers_does_nothing(tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"x")
    assert check_downloaded(str(f), service=ReputationService({}, None, 1.0)) == []

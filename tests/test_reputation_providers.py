"""Each reputation provider against a local imitation of its real API (127.0.0.1)."""
from __future__ import annotations

import json

import pytest

from _reputation_server import BAD_HOST, BAD_URL, MAL_SHA256, FakeAPIs
from adr.reputation.interface import MissingKey, ProviderError, RateLimited, Rating, Subject, strip_url
from adr.reputation.malwarebazaar import MalwareBazaar
from adr.reputation.osv import OSV
from adr.reputation.registry import Registry
from adr.reputation.safebrowsing import SafeBrowsing
from adr.reputation.urlhaus import URLhaus
from adr.reputation.virustotal import VirusTotal, url_id


@pytest.fixture
def apis():
    a = FakeAPIs()
    yield a
    a.close()


def test_strip_url_drops_query_fragment_and_credentials():
    assert strip_url("https://user:pw@Example.COM:8443/a/b?token=SECRET#frag") == "https://example.com:8443/a/b"
    assert strip_url("http://x.example") == "http://x.example/"
    assert "SECRET" not in Subject.url("https://h/p?k=SECRET").value


def test_urlhaus_url_and_host(apis):
    p = URLhaus(base_url=apis.urls["urlhaus"], api_key="abuse-key")
    r = p.lookup(Subject.url(BAD_URL))
    assert r.rating is Rating.MALICIOUS and "malware_download" in r.detail and r.references
    sent = apis.requests[-1]
    assert sent["path"] == "/urlhaus/v1/url/" and sent["headers"].get("Auth-Key") == "abuse-key"
    assert p.lookup(Subject.url("https://fine.example/x")).rating is Rating.CLEAN
    assert p.lookup(Subject.host(BAD_HOST)).rating is Rating.MALICIOUS
    assert p.lookup(Subject.host("fine.example")).rating is Rating.CLEAN


def test_urlhaus_never_sends_the_query_string(apis):
    p = URLhaus(base_url=apis.urls["urlhaus"])
    p.lookup(Subject.url("https://fine.example/dl?token=SECRET123"))
    assert b"SECRET123" not in apis.requests[-1]["body"]


def test_malwarebazaar(apis):
    p = MalwareBazaar(base_url=apis.urls["malwarebazaar"])
    r = p.lookup(Subject.sha256(MAL_SHA256))
    assert r.rating is Rating.MALICIOUS and "Mirai" in r.detail
    assert b"query=get_info" in apis.requests[-1]["body"]
    assert p.lookup(Subject.sha256("b" * 64)).rating is Rating.CLEAN


def test_virustotal_file_and_url(apis):
    p = VirusTotal(base_url=apis.urls["virustotal"], api_key="vt-test-key")
    assert p.lookup(Subject.sha256(MAL_SHA256)).rating is Rating.MALICIOUS
    r = p.lookup(Subject.sha256("c" * 64))
    assert r.rating is Rating.UNKNOWN and "never seen" in r.detail  # 404 NotFoundError
    r = p.lookup(Subject.url(BAD_URL))
    assert r.rating is Rating.MALICIOUS
    assert apis.requests[-1]["path"].endswith("/urls/" + url_id(strip_url(BAD_URL)))
    assert p.lookup(Subject.url("https://fine.example/")).rating is Rating.CLEAN


def test_virustotal_key_handling(apis):
    with pytest.raises(MissingKey):
        VirusTotal(base_url=apis.urls["virustotal"]).lookup(Subject.sha256(MAL_SHA256))
    with pytest.raises(ProviderError):
        VirusTotal(base_url=apis.urls["virustotal"], api_key="wrong").lookup(Subject.sha256(MAL_SHA256))


def test_safebrowsing_lookup_shape(apis):
    p = SafeBrowsing(base_url=apis.urls["safebrowsing"], api_key="sb-test-key")
    r = p.lookup(Subject.url(BAD_URL))
    assert r.rating is Rating.MALICIOUS and "MALWARE" in r.detail and r.ttl == 300
    req = apis.requests[-1]
    body = json.loads(req["body"])
    assert req["path"] == "/sb/v4/threatMatches:find" and "key=sb-test-key" in req["query"]
    assert body["threatInfo"]["threatEntries"] == [{"url": strip_url(BAD_URL)}]
    assert body["client"]["clientId"]
    assert p.lookup(Subject.url("https://fine.example/")).rating is Rating.CLEAN


def test_osv_malicious_and_vulnerable(apis):
    p = OSV(base_url=apis.urls["osv"])
    r = p.lookup(Subject.package("npm", "evil-pkg"))
    assert r.rating is Rating.MALICIOUS and "MAL-2025-1" in r.detail
    assert json.loads(apis.requests[-1]["body"]) == {"package": {"name": "evil-pkg", "ecosystem": "npm"}}
    r = p.lookup(Subject.package("pypi", "old-vuln", "1.0"))
    assert r.rating is Rating.CLEAN and "vulnerab" in r.detail
    assert json.loads(apis.requests[-1]["body"])["package"]["ecosystem"] == "PyPI"
    assert not p.supports(Subject.package("brew", "wget"))


@pytest.mark.parametrize("eco", ["pypi", "npm"])
def test_registry_existence_and_age(apis, eco):
    p = Registry(base_url=apis.urls["registry"], npm_base_url=apis.urls["registry_npm"])
    r = p.lookup(Subject.package(eco, "hallucinated-pkg"))
    assert r.rating is Rating.SUSPICIOUS and "no such" in r.detail
    r = p.lookup(Subject.package(eco, "brand-new-pkg"))
    assert r.rating is Rating.SUSPICIOUS and "day(s) ago" in r.detail
    assert p.lookup(Subject.package(eco, "old-and-fine")).rating is Rating.CLEAN
    v = "9.9.9"
    r = p.lookup(Subject.package(eco, "old-and-fine", v))
    assert r.rating is Rating.SUSPICIOUS and v in r.detail


def test_registry_npm_maintainer_change_and_scoped_names(apis):
    p = Registry(base_url=apis.urls["registry"], npm_base_url=apis.urls["registry_npm"])
    r = p.lookup(Subject.package("npm", "hijacked-pkg"))
    assert r.rating is Rating.SUSPICIOUS and "mallory" in r.detail
    p.lookup(Subject.package("npm", "@scope/thing"))
    assert apis.requests[-1]["path"] == "/npm/@scope%2Fthing"


@pytest.mark.parametrize("mode,exc", [("429", RateLimited), ("500", ProviderError), ("badjson", ProviderError)])
def test_provider_errors_raise(apis, mode, exc):
    apis.behavior["osv"] = mode
    with pytest.raises(exc):
        OSV(base_url=apis.urls["osv"]).lookup(Subject.package("npm", "x"))


def test_rate_limit_carries_retry_after(apis):
    apis.behavior["virustotal"] = "429"
    with pytest.raises(RateLimited) as e:
        VirusTotal(base_url=apis.urls["virustotal"], api_key="vt-test-key").lookup(Subject.sha256(MAL_SHA256))
    assert e.value.retry_after == 30


def test_unreachable_provider_is_an_error_not_a_hang():
    # nothing listens on port 9 of the loopback address: connection refused at once
    with pytest.raises(ProviderError):
        OSV(base_url="http://127.0.0.1:9/v1", connect_timeout=0.3).lookup(Subject.package("npm", "x"), timeout=0.5)


def test_keys_env_override_and_missing_keyring(monkeypatch):
    from adr.reputation import keys
    assert keys.env_var("virustotal") == "ADR_VIRUSTOTAL_KEY"
    assert keys.get_key("virustotal", env={"ADR_VIRUSTOTAL_KEY": " k1 "}) == "k1"

    def no_backend():
        raise keys.KeyringUnavailable("no keyring backend is available on this machine")
    monkeypatch.setattr(keys, "_backend", no_backend)
    assert keys.get_key("virustotal", env={}) == ""
    with pytest.raises(keys.KeyringUnavailable) as e:
        keys.set_key("virustotal", "k")
    assert "ADR_VIRUSTOTAL_KEY" in str(e.value)

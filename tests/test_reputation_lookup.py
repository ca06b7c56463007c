"""Budgets, cache, circuit breaker and findings of the reputation service, against 127.0.0.1."""
from __future__ import annotations

import os
import stat
from types import SimpleNamespace as NS

import pytest

from _reputation_server import BAD_URL, MAL_SHA256, FakeAPIs
from adr.actions import Action, ActionKind, Context, PackageRef, RuleAction, Severity
from adr.config import Settings
from adr.paths import get_paths
from adr.reputation.cache import ReputationCache
from adr.reputation.interface import Rating, Result, Subject
from adr.judge import online
from adr.reputation.lookup import CircuitBreaker, ReputationService, provider_classes

# A stalled provider holds its request until the test ends (tests/_reputation_server.py): a lookup that
# returns at all has stopped waiting at its budget. No wall-clock figure is asserted (bench/ measures).


@pytest.fixture
def apis():
    a = FakeAPIs()
    yield a
    a.close()


def service(apis, names, budget=1.0, cache=None, **kw):
    classes = provider_classes()
    providers = {}
    for n in names:
        extra = {"npm_base_url": apis.urls["registry_npm"]} if n == "registry" else {}
        providers[n] = classes[n](base_url=apis.urls[n], api_key={"virustotal": "vt-test-key",
                                  "safebrowsing": "sb-test-key"}.get(n, ""), connect_timeout=0.5, **extra)
    return ReputationService(providers, cache, budget, **kw)


def test_stalled_provider_adds_at_most_the_budget(apis):
    apis.behavior["urlhaus"] = "stall"
    svc = service(apis, ["urlhaus", "safebrowsing"], budget=0.5)
    res = svc.lookup([Subject.url(BAD_URL)])
    by = {r.provider: r for r in res}
    stalled = by["urlhaus"]
    assert stalled.rating is Rating.UNKNOWN
    assert by["safebrowsing"].rating is Rating.MALICIOUS  # the healthy provider still answered
    # the stalled one was cut at the budget, not waited for: by the lookup's deadline ("no answer"), or —
    # when a loaded machine schedules the waiting thread late — by the request's own timeout, which is
    # what remained of the same budget
    assert ("no answer" in stalled.detail and svc.last_stats.timed_out == 1) or "Timeout" in stalled.detail


def test_every_provider_stalled_still_returns_unknown_within_budget(apis):
    for n in ("urlhaus", "virustotal", "osv", "registry"):
        apis.behavior[n] = "stall"
    svc = service(apis, ["urlhaus", "virustotal", "osv", "registry"], budget=0.4)
    res = svc.lookup([Subject.url(BAD_URL), Subject.sha256(MAL_SHA256), Subject.package("npm", "evil-pkg"),
                      Subject.package("pypi", "hallucinated-pkg")])
    assert res and all(r.rating is Rating.UNKNOWN for r in res)
    assert svc.last_stats.timed_out >= 4  # every stalled request was cut at the one shared budget


def test_down_provider_is_unknown_never_malicious():
    svc = ReputationService({"osv": provider_classes()["osv"](base_url="http://127.0.0.1:9/v1")}, None, 0.5)
    res = svc.lookup([Subject.package("npm", "evil-pkg")])
    assert [r.rating for r in res] == [Rating.UNKNOWN]
    assert svc.findings_for_subjects([Subject.package("npm", "evil-pkg")]) == []


def test_cache_hit_costs_no_request_and_ttl_expires(apis, tmp_path):
    now = [1000.0]
    cache = ReputationCache(tmp_path / "rep.sqlite3", clock=lambda: now[0])
    svc = service(apis, ["osv"], cache=cache)
    s = Subject.package("npm", "evil-pkg")
    assert svc.lookup([s])[0].rating is Rating.MALICIOUS
    assert apis.count("osv") == 1
    r = svc.lookup([s])[0]
    assert r.cached and r.rating is Rating.MALICIOUS and apis.count("osv") == 1
    now[0] += 25 * 3600  # past the 24 h TTL of a malicious answer
    assert not svc.lookup([s])[0].cached and apis.count("osv") == 2
    clean = Subject.package("npm", "fine-pkg")
    svc.lookup([clean])
    now[0] += 5 * 3600
    assert svc.lookup([clean])[0].cached  # clean answers live 6 h
    now[0] += 2 * 3600
    assert not svc.lookup([clean])[0].cached


def test_cache_file_is_private(tmp_path):
    p = tmp_path / "sub" / "rep.sqlite3"
    ReputationCache(p).put(Result("osv", Subject.package("npm", "x"), Rating.CLEAN))
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600


def test_errors_are_not_cached(apis, tmp_path):
    cache = ReputationCache(tmp_path / "rep.sqlite3")
    apis.behavior["osv"] = "500"
    svc = service(apis, ["osv"], cache=cache)
    svc.lookup([Subject.package("npm", "evil-pkg")])
    apis.behavior["osv"] = "ok"
    assert svc.lookup([Subject.package("npm", "evil-pkg")])[0].rating is Rating.MALICIOUS


def test_circuit_breaker_stops_asking_after_failures(apis):
    apis.behavior["osv"] = "500"
    svc = service(apis, ["osv"])
    for i in range(3):
        svc.lookup([Subject.package("npm", f"p{i}")])
    assert apis.count("osv") == 3
    res = svc.lookup([Subject.package("npm", "p9")])
    assert apis.count("osv") == 3  # open: not asked
    assert res[0].rating is Rating.UNKNOWN and "paused" in res[0].detail


def test_rate_limit_opens_the_breaker_at_once(apis):
    apis.behavior["virustotal"] = "429"
    svc = service(apis, ["virustotal"])
    svc.lookup([Subject.sha256(MAL_SHA256)])
    svc.lookup([Subject.sha256("b" * 64)])
    assert apis.count("virustotal") == 1
    assert svc.breakers["virustotal"].state == "open"


def test_breaker_half_open_probe():
    t = [0.0]
    b = CircuitBreaker(clock=lambda: t[0], threshold=2, cooldown=10)
    assert b.allow()
    b.failure()
    assert b.allow()
    b.failure()
    assert b.state == "open" and not b.allow()
    t[0] = 11
    assert b.allow() and not b.allow()  # one probe at a time
    b.failure()  # probe failed: open again, longer
    assert not b.allow()
    t[0] = 11 + 21
    assert b.allow()
    b.success()
    assert b.state == "closed" and b.allow() and b.allow()


def test_findings_for_actions(apis):
    svc = service(apis, ["urlhaus", "osv", "registry"], is_known_package=lambda ref: ref.name == "requests")
    a = Action(ActionKind.URL_FETCH, url=BAD_URL + "?session=abc")
    fs = online.findings_for_action(svc, a)
    assert {f.rule_id for f in fs} == {"reputation.urlhaus"}
    f = fs[0]
    assert f.action is RuleAction.DENY and f.severity is Severity.CRITICAL and f.source == "reputation"
    assert all(b"session=abc" not in r["body"] for r in apis.requests)
    a = Action(ActionKind.EXEC, command="npm install evil-pkg hallucinated-pkg", context=Context(cwd="/tmp"))
    cmds = [NS(argv=("npm", "install", "evil-pkg", "hallucinated-pkg"), program="npm", sudo=False)]
    fs = online.findings_for_action(svc, a, cmds)
    ids = {(f.rule_id, f.action) for f in fs}
    assert ("reputation.osv", RuleAction.DENY) in ids and ("reputation.registry", RuleAction.ASK) in ids


def test_private_packages_are_never_sent(apis):
    svc = service(apis, ["osv", "registry"])
    refs = (PackageRef("pypi", "corp-internal", index="https://pypi.corp/simple"),
            PackageRef("npm", "thing", source="git+https://git.corp/thing.git"))
    online.findings_for_action(svc, Action(ActionKind.PACKAGE_INSTALL, packages=refs))
    assert not any(b"corp-internal" in r["body"] or "corp-internal" in r["path"] for r in apis.requests)
    assert not any("thing" in r["path"] or b"thing" in r["body"] for r in apis.requests if r["provider"] != "urlhaus")


def test_known_popular_packages_skip_the_registry(apis):
    svc = service(apis, ["registry"], is_known_package=lambda ref: ref.name == "requests")
    svc.lookup(online.package_subjects(svc, [PackageRef("pypi", "requests")]))
    assert apis.count("registry") == 0


def test_from_settings_offline_and_disabled(apis, tmp_path):
    env = {**apis.env(), "ADR_HOME": str(tmp_path)}
    paths = get_paths(env)
    # (a generous look-up budget: this checks the wiring from settings, not timing — a loaded 2-core
    # machine took more than the default 1 s for the first look-up now and then)
    s = Settings(providers=("osv", "virustotal"), lookup_budget=30.0)
    svc = ReputationService.from_settings(s, paths, env)
    assert set(svc.providers) == {"osv", "virustotal"}
    assert svc.providers["osv"].base_url == apis.urls["osv"]
    assert svc.providers["virustotal"].api_key == "vt-test-key"
    assert svc.lookup([Subject.package("npm", "evil-pkg")])[0].rating is Rating.MALICIOUS
    assert stat.S_IMODE(os.stat(paths.reputation_cache).st_mode) == 0o600
    assert not ReputationService.from_settings(Settings(providers=("osv",), offline=True), paths, env).enabled
    assert not ReputationService.from_settings(Settings(), paths, env).enabled


def test_npmrc_scopes_are_private(apis, tmp_path):
    (tmp_path / ".npmrc").write_text("@corp:registry=https://npm.corp/\n")
    from adr.reputation import config
    conf = config.load(None, {"HOME": str(tmp_path)})
    svc = service(apis, ["osv"], config=conf)
    assert svc.is_private(PackageRef("npm", "@corp/secret-tool"))
    assert not svc.is_private(PackageRef("npm", "@types/node"))


def test_online_checks_hash_downloaded_file_when_run(apis, tmp_path, monkeypatch):
    import hashlib

    import _reputation_server as srv
    from adr.judge.online import OnlineChecks
    payload = b"#!/bin/sh\necho pretend-malware\n"
    monkeypatch.setattr(srv, "MAL_SHA256", hashlib.sha256(payload).hexdigest())
    checks = OnlineChecks(service(apis, ["malwarebazaar", "urlhaus"]))
    ctx = Context(cwd=str(tmp_path), session="s1")
    dl = ("curl", "-fsSLo", "inst.sh", "https://dl.example/inst.sh")
    a = Action(ActionKind.EXEC, command=" ".join(dl), context=ctx)
    assert checks.findings(a, [NS(argv=dl, program="curl", sudo=False)]) == []  # host/URL clean
    (tmp_path / "inst.sh").write_bytes(payload)  # what curl wrote
    run = ("bash", "inst.sh")
    fs = checks.findings(Action(ActionKind.EXEC, command="bash inst.sh", context=ctx), [NS(argv=run, program="bash", sudo=False)])
    assert [f.rule_id for f in fs] == ["reputation.malwarebazaar"]
    assert fs[0].evidence[0].subject == str(tmp_path / "inst.sh") and fs[0].evidence[0].field == "downloaded-file"
    other = Action(ActionKind.EXEC, command="bash inst.sh", context=Context(cwd=str(tmp_path), session="s2"))
    assert checks.findings(other, [NS(argv=run, program="bash", sudo=False)]) == []  # other session
    checks.close()


def test_online_checks_parse_the_command_when_not_given(apis, tmp_path):
    from adr.judge.online import OnlineChecks
    checks = OnlineChecks(service(apis, ["osv"]))
    a = Action(ActionKind.EXEC, command="cd app && npm install evil-pkg", context=Context(cwd=str(tmp_path), session="s"))
    assert [f.rule_id for f in checks.findings(a)] == ["reputation.osv"]
    checks.close()

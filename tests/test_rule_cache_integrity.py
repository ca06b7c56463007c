"""The compiled-rules cache cannot be edited into a switch-off. Each cached copy of a pack carries an
HMAC (adr's integrity key) over the pack's SHA-256 and the copy; a copy that does not verify —
plain JSON written under the real pack's digest (the attack the issue names), a bogus or foreign
MAC, another pack's valid copy moved under this name — is never used: the YAML is parsed and the copy
rewritten. Verified copies are used (the in-process fallback keeps its speed). Through the real hook,
daemon down (the fallback loads through the cache) and up (after a restart)."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest
import yaml

from adr.engine.core import load_engine, shipped_rule_files
from adr.engine.rules import CACHE_MAGIC, _Loader
from adr.config import Settings
from adr.policy.integrity import load_key, subkey
from tests._selfdef_helpers import hook, make_install, start, stop

ATTACK = "echo 'mode: monitor' > {cfgfile}"


def pack_data(name="self-defense.yaml"):
    return yaml.load(pack_file(name).read_text(), Loader=_Loader)  # the rule loader's YAML dialect


def pack_file(name="self-defense.yaml"):
    return next(p for p in shipped_rule_files() if p.name == name)


def entry(inst, name="self-defense.yaml"):
    return inst.paths.rule_cache_dir / f"{hashlib.sha256(pack_file(name).read_bytes()).hexdigest()}.json"


def gutted(name="self-defense.yaml"):
    """The pack with every rule turned into a harmless `log` that never matches: a switch-off."""
    data = pack_data(name)
    for r in data["rules"]:
        r["action"] = "log"
    return data


def sign(key, digest, body):
    return CACHE_MAGIC + hmac.new(key, b"adr-rule-cache\0" + digest.encode() + b"\0" + body,
                                  hashlib.sha256).hexdigest().encode() + b"\n" + body


@pytest.fixture()
def inst(tmp_path):
    i = make_install(tmp_path / "i", "adr_home", warm=False)
    assert hook(i, i.fmt(ATTACK))[0] == "deny"  # the fallback loads once: the cache is filled and signed
    return i


def test_cached_copies_are_signed_and_verify(inst):
    key = subkey(load_key(inst.paths), "rule-cache")
    files = sorted(inst.paths.rule_cache_dir.glob("*.json"))
    assert len(files) >= len(shipped_rule_files())
    for f in files:
        head, _, body = f.read_bytes().partition(b"\n")
        digest = f.name[:-len(".json")]
        assert f.read_bytes() == sign(key, digest, body), f
        assert json.loads(body)["engine"] == 1


@pytest.mark.parametrize("forgery", ["plain-json", "bogus-mac", "foreign-key", "other-packs-copy", "truncated"])
def test_a_forged_cache_copy_is_never_used(inst, forgery):
    target = entry(inst)
    digest = target.name[:-len(".json")]
    body = json.dumps(gutted()).encode()
    if forgery == "plain-json":
        target.write_bytes(body)
    elif forgery == "bogus-mac":
        target.write_bytes(CACHE_MAGIC + b"0" * 64 + b"\n" + body)
    elif forgery == "foreign-key":
        target.write_bytes(sign(b"k" * 32, digest, body))
    elif forgery == "other-packs-copy":
        other = entry(inst, "shell.yaml").read_bytes()
        target.write_bytes(other)  # validly signed — for another pack's digest
    else:
        target.write_bytes(target.read_bytes()[:200])
    decision, reason = hook(inst, inst.fmt(ATTACK))  # daemon down: the hook loads through the cache
    assert decision == "deny" and "self-defense.adr-state-write" in reason, reason
    key = subkey(load_key(inst.paths), "rule-cache")
    _, _, body_now = target.read_bytes().partition(b"\n")
    assert target.read_bytes() == sign(key, digest, body_now)  # rewritten from the YAML
    assert json.loads(body_now) == pack_data()
    start(inst)
    try:
        target.write_bytes(body)  # again, then a daemon (re)start loads through the cache
        stop(inst)
        start(inst)
        assert hook(inst, inst.fmt(ATTACK))[0] == "deny"
    finally:
        stop(inst)


def test_a_verified_copy_is_what_loads(inst):
    """Proof that verified copies are used (the speed path is live): a copy signed with the real key
    whose rule title differs is what the engine compiles."""
    target = entry(inst)
    data = pack_data()
    data["rules"][0]["title"] = "title from the verified cache"
    key = subkey(load_key(inst.paths), "rule-cache")
    target.write_bytes(sign(key, target.name[:-len(".json")], json.dumps(data).encode()))
    engine = load_engine(Settings(), paths=inst.paths)
    assert any(r.title == "title from the verified cache" for r in engine.rules)


def test_without_a_usable_key_the_cache_is_not_used(inst):
    inst.paths.integrity_key.write_bytes(b"short")  # damaged: no copy can be verified
    entry(inst).write_bytes(json.dumps(gutted()).encode())
    engine = load_engine(Settings(), paths=inst.paths)
    assert any(r.id == "self-defense.adr-state-write" and r.action.value == "deny" for r in engine.rules)
    assert hook(inst, inst.fmt(ATTACK))[0] == "deny"


def test_the_cache_dir_is_protected_from_the_agent(inst):
    for cmd in ("echo '{q}{Q}' > {cache}/rules/x.json", "rm -rf {cache}/rules", "cp /tmp/x.json {cache}/rules/",
                "python3 -c \"open('{cache}/rules/a.json','w').write('{q}{Q}')\""):
        assert hook(inst, inst.fmt(cmd))[0] == "deny", cmd

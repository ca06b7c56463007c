"""The fleet keys in config.yaml: nested sections validated in one place, every mistake named by its
dotted key; the organisation layer cannot be set from config.yaml; a bundle cannot name a file outside
its own folders."""
import json

import pytest

from adr.config import ConfigError, Settings, load_settings, save_settings
from adr.paths import get_paths
from adr.policy.bundle import BundleError, generate_keypair, load_private_key, load_public_keys, sign, verify


@pytest.fixture()
def paths(tmp_path):
    return get_paths({"ADR_HOME": str(tmp_path / "home")}).ensure()


@pytest.mark.parametrize("cfg, message", [
    ({"export": {"otlp": {"endpoint": "ftp://x"}}}, "export.otlp.endpoint must be an http"),
    ({"export": {"otlp": {}}}, "export.otlp: missing endpoint"),
    ({"export": {"syslog": {"address": "no-port"}}}, "export.syslog.address must be host:port"),
    ({"export": {"syslog": {"address": "127.0.0.1:514", "protocol": "udp"}}}, "export.syslog.protocol"),
    ({"export": {"syslog": {"address": "127.0.0.1:514", "facility": "mail"}}}, "export.syslog.facility"),
    ({"export": {"file": {"path": "/x", "colour": 1}}}, "export.file: unknown key(s): colour"),
    ({"export": {"file": {"path": 3}}}, "export.file.path must be a string"),
    ({"export": {"batch": 0}}, "export.batch"),
    ({"export": {"activity": "yes"}}, "export.activity must be true or false"),
    ({"export": ["file"]}, "export must be a mapping"),
    ({"policy": {"source": "file:///b.json"}}, "policy.public_key"),
    ({"policy": {"source": "file:///b.json", "public_key": "/k", "interval": 0}}, "policy.interval"),
    ({"org": {"serial": 9}}, "unknown setting(s): org"),
])
def test_mistakes_are_named_by_their_key(paths, cfg, message):
    paths.config_file.write_text(json.dumps(cfg))
    with pytest.raises(ConfigError) as e:
        load_settings(paths)
    assert message in str(e.value)


def test_fleet_settings_round_trip_through_save(paths):
    paths.config_file.write_text(json.dumps({
        "export": {"otlp": {"endpoint": "https://otel.example.org:4318", "headers": {"x-api-key": "k"}},
                   "file": {"path": "~/adr.jsonl", "keep": 2}, "activity": True},
        "policy": {"source": "https://policy.example.org/b.json", "public_key": ["/a.pub", "/b.pub"], "interval": 60}}))
    s = load_settings(paths)
    assert s.export.otlp.headers == (("x-api-key", "k"),) and s.export.syslog is None
    assert s.policy.public_key == ("/a.pub", "/b.pub") and s.org is None  # no bundle fetched yet: no layer
    save_settings(s, paths)
    assert load_settings(paths) == s
    assert Settings().export.sinks == {} and not Settings().policy.source  # off by default


def test_a_bundle_cannot_name_a_file_outside_its_folders(tmp_path):
    key, pub = generate_keypair(tmp_path / "k")
    for name in ("rules/../../etc/cron.d/x.yaml", "../settings.yaml", "rules/sub/x.yaml", "hooks.yaml"):
        raw = sign({name: "engine: 1\n"}, load_private_key(key), 1)
        with pytest.raises(BundleError) as e:
            verify(raw, load_public_keys([pub]))
        assert e.value.kind == "format"


def test_the_settings_in_force_survive_their_record(paths):
    """The daemon records the settings in force (settings.confirmed.json) and compares later changes
    with them: a fleet section must read back exactly, or it would look like a change (held)."""
    from adr.config import read_confirmed, write_confirmed
    for export in ({"otlp": {"endpoint": "http://127.0.0.1:4318"}},
                   {"otlp": {"endpoint": "http://127.0.0.1:4318", "headers": {"k": "v"}}, "file": {"path": "/x"}}):
        paths.config_file.write_text(json.dumps({"export": export, "policy": {"source": "file:///b",
                                                                                "public_key": "/k"}}))
        s = load_settings(paths, hold=False)
        write_confirmed(paths, s, "test")
        assert read_confirmed(paths) == s

"""`adr doctor` checks each configured export sink and the policy source — and nothing (no network)
when neither is configured."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import adr  # noqa: E402
from _fleet_helpers import OtlpReceiver, bundle, free_port, publish  # noqa: E402

from adr.paths import get_paths  # noqa: E402
from adr.policy.bundle import generate_keypair, load_private_key  # noqa: E402


def doctor(home):
    r = adr(home, "doctor", "--json", "--no-synthetic", "--host", "claude-code")
    return r.returncode, {c["name"]: c for c in json.loads(r.stdout)["fleet"]}


def test_doctor_checks_sinks_and_the_policy_source(tmp_path):
    home = tmp_path / "home"
    paths = get_paths({"ADR_HOME": str(home)}).ensure()
    key, pub = generate_keypair(tmp_path / "keys")
    _, other_pub = generate_keypair(tmp_path / "other")
    publish(tmp_path / "b.json", bundle(load_private_key(key), 3))
    otlp = OtlpReceiver().start()
    try:
        cfg = {"export": {"file": {"path": str(tmp_path / "out.jsonl")}, "otlp": {"endpoint": otlp.endpoint},
                          "syslog": {"address": f"127.0.0.1:{free_port()}"}},
               "policy": {"source": f"file://{tmp_path}/b.json", "public_key": str(pub)}}
        paths.config_file.write_text(json.dumps(cfg))
        rc, checks = doctor(home)
        assert checks["export file"]["status"] == "ok"
        assert checks["export otlp"]["status"] == "ok" and otlp.requests == 1  # an empty export request
        assert checks["export syslog"]["status"] == "fail" and "refused" in checks["export syslog"]["detail"].lower()
        assert checks["policy source"]["status"] == "ok" and "serial 3" in checks["policy source"]["detail"]
        assert checks["policy in force"]["status"] == "warn"  # no daemon has fetched it yet
        assert rc == 1
        cfg["policy"]["public_key"] = str(other_pub)
        del cfg["export"]["syslog"]
        paths.config_file.write_text(json.dumps(cfg))
        rc, checks = doctor(home)
        assert checks["policy source"]["status"] == "fail" and "signature" in checks["policy source"]["detail"]
        otlp.stop()
        rc, checks = doctor(home)
        assert checks["export otlp"]["status"] == "fail" and rc == 1
    finally:
        otlp.stop()


def test_nothing_configured_nothing_checked(tmp_path):
    get_paths({"ADR_HOME": str(tmp_path / "home")}).ensure()
    rc, checks = doctor(tmp_path / "home")
    assert checks == {}

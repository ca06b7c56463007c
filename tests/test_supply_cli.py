"""`adr supply check`, `adr reputation enable|disable|set-key|status`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from adr.cli import main
from adr.config import load_settings
from adr.paths import get_paths


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ADR_HOME", str(tmp_path))
    for k in ("ADR_VIRUSTOTAL_KEY", "ADR_SAFEBROWSING_KEY"):
        monkeypatch.delenv(k, raising=False)
    return tmp_path


def test_supply_check_explains(home):
    r = CliRunner().invoke(main, ["supply", "check", "reqeusts"])
    assert r.exit_code == 1 and "TYPOSQUAT of 'requests'" in r.output
    r = CliRunner().invoke(main, ["supply", "check", "requests"])
    assert r.exit_code == 0 and "popular package" in r.output
    r = CliRunner().invoke(main, ["supply", "check", "crossenv", "--ecosystem", "npm"])
    assert r.exit_code == 1 and "KNOWN MALICIOUS" in r.output and "cross-env" in r.output
    r = CliRunner().invoke(main, ["supply", "check", "chalk", "-e", "npm", "--version", "5.6.1"])
    assert r.exit_code == 1 and "KNOWN MALICIOUS" in r.output


def test_reputation_enable_disable_status(home):
    r = CliRunner().invoke(main, ["reputation", "enable", "osv", "virustotal"])
    assert r.exit_code == 0 and "needs an API key" in r.output
    assert load_settings(get_paths()).providers == ("osv", "virustotal")
    r = CliRunner().invoke(main, ["reputation", "status"], env={"ADR_VIRUSTOTAL_KEY": "k"})
    assert r.exit_code == 0 and "on  osv" in r.output and "key from ADR_VIRUSTOTAL_KEY" in r.output
    r = CliRunner().invoke(main, ["reputation", "disable", "virustotal"])
    assert load_settings(get_paths()).providers == ("osv",)
    CliRunner().invoke(main, ["reputation", "disable", "all"])
    assert load_settings(get_paths()).providers == ()


def test_set_key_without_keyring_is_a_clear_message(home, monkeypatch):
    from adr.reputation import keys

    def no_backend():
        raise keys.KeyringUnavailable("no keyring backend is available on this machine")
    monkeypatch.setattr(keys, "_backend", no_backend)
    r = CliRunner().invoke(main, ["reputation", "set-key", "virustotal", "--stdin"], input="secret\n")
    assert r.exit_code == 3
    assert "no keyring backend" in r.output and "ADR_VIRUSTOTAL_KEY" in r.output
    assert "Traceback" not in r.output

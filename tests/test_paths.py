import os
import stat

import platformdirs

from adr import runtime
from adr.config import ConfigError, Settings, load_settings, save_settings
from adr.paths import get_paths


def test_runtime_dir_follows_platformdirs(tmp_path, monkeypatch):
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "HOME": str(tmp_path)}
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert runtime.runtime_dir(env) == type(runtime.runtime_dir(env))(platformdirs.user_runtime_dir("adr", appauthor=False))


def test_adr_home_puts_everything_under_one_dir(tmp_path):
    p = get_paths({"ADR_HOME": str(tmp_path)}).ensure()
    for d in (p.config_dir, p.state_dir, p.cache_dir, p.runtime_dir, p.audit_dir):
        assert tmp_path in d.parents
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert p.socket == runtime.socket_path({"ADR_HOME": str(tmp_path)})


def test_settings_roundtrip_and_errors(tmp_path):
    p = get_paths({"ADR_HOME": str(tmp_path)})
    assert load_settings(p) == Settings()
    save_settings(Settings(mode="monitor", providers=("urlhaus",)), p)
    assert stat.S_IMODE(os.stat(p.config_file).st_mode) == 0o600
    s = load_settings(p)
    assert s.mode == "monitor" and s.providers == ("urlhaus",)
    p.config_file.write_text("mode: sideways\n")
    try:
        load_settings(p)
    except ConfigError as e:
        assert "mode" in str(e)
    else:
        raise AssertionError("bad mode accepted")
    p.config_file.write_text("colour: blue\n")
    try:
        load_settings(p)
    except ConfigError as e:
        assert "colour" in str(e)
    else:
        raise AssertionError("unknown key accepted")

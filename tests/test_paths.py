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


def test_xdg_dirs_follow_platformdirs_from_the_given_environment(tmp_path, monkeypatch):
    """get_paths(env) describes the installation `env` describes (a daemon's, a test's), with the
    same XDG rule as platformdirs, which reads only this process's environment."""
    env = {"HOME": str(tmp_path / "h"), "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_STATE_HOME": str(tmp_path / "s"),
           "XDG_CACHE_HOME": str(tmp_path / "k"), "XDG_RUNTIME_DIR": str(tmp_path / "r")}
    got = get_paths(env)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert got.config_dir == type(got.config_dir)(platformdirs.user_config_dir("adr", appauthor=False))
    assert got.state_dir == type(got.config_dir)(platformdirs.user_state_dir("adr", appauthor=False))
    assert got.cache_dir == type(got.config_dir)(platformdirs.user_cache_dir("adr", appauthor=False))
    assert got.runtime_dir == tmp_path / "r" / "adr"
    bare = get_paths({"HOME": str(tmp_path / "h")})
    for k in env:
        monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert bare.config_dir == type(got.config_dir)(platformdirs.user_config_dir("adr", appauthor=False))
    assert bare.state_dir == type(got.config_dir)(platformdirs.user_state_dir("adr", appauthor=False))


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

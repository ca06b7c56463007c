"""`adr setup` / `adr setup --undo` in a temp HOME with every host adr knows: the plan is shown, one
confirmation, hooks and the login service installed (real systemctl, offline), doctor run — and the
undo gives HOME back byte for byte (files, modes, directories, symlinks)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from _daemon_helpers import BIN, adr_env
from _human import human
from adr.monitor.ancestry import find_agent_ancestor
from adr.paths import get_paths
from test_install import ORIGINALS
from test_service import snapshot

ADR = str(BIN / "adr")
pytestmark = pytest.mark.skipif(not shutil.which("systemctl"), reason="systemctl missing (packaging/sysdeps.sh)")


@pytest.fixture
def machine(tmp_path):
    """A home with every host's config directory (and the user's own settings where hosts have some)."""
    home = tmp_path / "home"
    home.mkdir()
    for host, orig in ORIGINALS.items():
        if orig:
            rel, text = orig
            (home / rel).parent.mkdir(parents=True, exist_ok=True)
            (home / rel).write_text(text)
    for d in (".copilot", ".openclaw", ".config/opencode", ".gemini"):
        (home / d).mkdir(parents=True, exist_ok=True)
    (home / ".openclaw" / "openclaw.json").write_text('{\n  "gateway": {"port": 18789}\n}\n')
    (home / ".claude" / "settings.json").chmod(0o600)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = adr_env(tmp_path / "adrhome", HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                  XDG_RUNTIME_DIR=str(runtime), PATH="/usr/bin:/bin", ADR_NOTIFIER="none")
    return {"home": home, "env": env}


def _run(args, env, **kw):
    return subprocess.run([ADR, *args], env=env, capture_output=True, text=True, timeout=600, **kw)


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
@pytest.mark.skipif(find_agent_ancestor() is not None, reason="the test runner itself runs inside an agent")
def test_setup_then_undo_restores_home_byte_for_byte(machine):
    home, env = machine["home"], machine["env"]
    before = snapshot(home)
    out = _run(["setup", "--yes"], env, stdin=subprocess.DEVNULL)
    text = out.stdout + out.stderr
    # the plan names every host found and the service, then the result and doctor's report
    for label in ("Claude Code", "Cursor", "Gemini CLI", "Codex CLI", "GitHub Copilot", "Windsurf", "OpenClaw",
                  "OpenCode", "login service (systemd)"):
        assert label in text, (label, text)
    assert "adr doctor" in text and "adr setup --undo" in text
    assert out.returncode in (0, 1), text  # 1: doctor found something (no codex to trust the hooks here)
    unit_dir = home / ".config" / "systemd" / "user"
    assert (unit_dir / "adr.socket").is_file() and (unit_dir / "sockets.target.wants" / "adr.socket").is_symlink()
    settings = json.loads((home / ".claude" / "settings.json").read_text())
    assert settings["model"] == "opus" and "PreToolUse" in settings["hooks"]
    rep = json.loads(_run(["doctor", "--json", "--no-synthetic"], env).stdout)
    installed = {h["host"] for h in rep["hosts"] if h["installed"]}
    assert installed == set(ORIGINALS), installed
    inst = {c["name"]: c for c in rep["installation"]}
    assert inst["shipped rules"]["status"] == "ok" and inst["service"]["status"] == "ok"
    record = json.loads((get_paths(env).backups_dir / "setup.json").read_text())
    assert sorted(record["hosts"]) == sorted(ORIGINALS) and record["service"] is True
    # a second setup changes nothing
    again = _run(["setup", "--yes"], env, stdin=subprocess.DEVNULL)
    assert again.returncode == out.returncode
    undo = human(home, "setup", "--undo", "--yes", env=env, timeout=600)  # only the human takes adr out
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert snapshot(home) == before
    assert not (get_paths(env).backups_dir / "setup.json").exists()


@pytest.mark.skipif(find_agent_ancestor() is not None, reason="the test runner itself runs inside an agent")
def test_setup_asks_once_and_a_script_must_say_yes(machine):
    home, env = machine["home"], machine["env"]
    before = snapshot(home)
    out = _run(["setup"], env, stdin=subprocess.DEVNULL)
    assert out.returncode == 3 and "adr setup --yes" in out.stderr
    assert "Claude Code" in out.stdout  # the plan was shown first
    assert snapshot(home) == before


def test_undo_is_refused_inside_an_agent(machine, tmp_path):
    fake_agent = tmp_path / "claude"
    fake_agent.symlink_to(sys.executable)
    out = subprocess.run([str(fake_agent), "-c", "import subprocess,sys; sys.exit(subprocess.call(sys.argv[1:]))",
                          ADR, "setup", "--undo", "--yes"], env=machine["env"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1 and "inside an AI agent" in out.stderr


def test_setup_and_service_install_are_refused_inside_an_agent(machine, tmp_path):
    """Both write from the caller's environment (ADR_HOME, the socket path, the hook program): an agent
    could point them elsewhere."""
    fake_agent = tmp_path / "codex"
    fake_agent.symlink_to(sys.executable)
    before = snapshot(machine["home"])
    for args in (["setup", "--yes"], ["service", "install"]):
        out = subprocess.run([str(fake_agent), "-c", "import subprocess,sys; sys.exit(subprocess.call(sys.argv[1:]))",
                              ADR, *args], env=machine["env"], capture_output=True, text=True, timeout=120)
        assert out.returncode == 1 and "inside an AI agent" in out.stderr, (args, out.stderr)
    assert snapshot(machine["home"]) == before

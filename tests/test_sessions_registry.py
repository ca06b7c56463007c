"""The daemon's session registry (adr/daemon/sessions.py) through real hook calls and the socket."""
from __future__ import annotations

import json
import subprocess

from _daemon_helpers import BIN, DaemonProc, adr_env, write_test_rule
from adr.daemon import protocol as P
from adr.daemon.sessions import project_root

HOOK = str(BIN / "adr-hook")


def hook(home, cmd: str, session: str, cwd: str) -> None:
    data = json.dumps({"session_id": session, "hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": cwd,
                       "tool_input": {"command": cmd}}).encode()
    out = subprocess.run([HOOK, "claude-code"], input=data, env=adr_env(home), capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_sessions_are_listed_with_their_project_counts_and_processes(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home)
    proj = tmp_path / "proj"
    (proj / ".git").mkdir(parents=True)
    (proj / "src" / "deep").mkdir(parents=True)
    d = DaemonProc(home).start()
    try:
        hook(home, "ls", "alpha", str(proj / "src" / "deep"))
        hook(home, "frobnicate --all", "alpha", str(proj))
        hook(home, "ls", "beta", str(tmp_path))
        got = d.request(P.Request(op="call", target="sessions.list")).data["sessions"]
        by_id = {s["session"]: s for s in got}
        assert set(by_id) >= {"alpha", "beta"}
        a = by_id["alpha"]
        assert a["host"] == "claude-code" and a["project"] == str(proj)
        assert a["counts"]["allow"] == 1 and a["counts"]["deny"] == 1 and a["pids"]
        assert by_id["beta"]["project"] == str(tmp_path)
        shown = d.request(P.Request(op="call", target="sessions.show", args={"session": "claude-code:alpha"}))
        assert shown.ok and shown.data["session"]["session"] == "alpha"
        missing = d.request(P.Request(op="call", target="sessions.show", args={"session": "nope"}))
        assert not missing.ok and "no session" in missing.error
        assert d.status()["components"]["sessions"]["active"] >= 2
    finally:
        d.stop()


def test_project_root_is_the_git_work_tree(tmp_path):
    (tmp_path / "r" / ".git").mkdir(parents=True)
    (tmp_path / "r" / "a" / "b").mkdir(parents=True)
    assert project_root(str(tmp_path / "r" / "a" / "b")) == str(tmp_path / "r")
    assert project_root(str(tmp_path)) == str(tmp_path)
    assert project_root("relative/dir") == "relative/dir"

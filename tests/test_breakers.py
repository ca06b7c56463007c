"""Circuit breakers and quotas (adr/policy/breakers.py) through the real hook and daemon."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from _daemon_helpers import BIN, DaemonProc, adr_env, write_test_rule
from _human import human_call
from adr.actions import Action, ActionKind, Context
from adr.config import Settings, save_settings
from adr.daemon import protocol as P
from adr.paths import get_paths
from adr.policy.effects import effects_of

HOOK = str(BIN / "adr-hook")


def hook(home, cmd: str, session: str, tool: str = "Bash", **tool_input: str) -> str:
    return hook_reason(home, cmd, session, tool, **tool_input)[0]


def hook_reason(home, cmd: str, session: str, tool: str = "Bash", **tool_input: str) -> "tuple[str, str]":
    """(the hook's decision, its reason) — the reason says which rule or breaker asked."""
    ti = {"command": cmd} if tool == "Bash" else tool_input
    data = json.dumps({"session_id": session, "hook_event_name": "PreToolUse", "tool_name": tool, "cwd": "/tmp",
                       "tool_input": ti}).encode()
    # the hook's parent is a stand-in agent process, not this test (which must stay able to act as the human)
    agent = [sys.executable, "-c", "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)", HOOK,
             "claude-code"]
    out = subprocess.run(agent, input=data, env=adr_env(home), capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode().strip()
    if not text:
        return "allow", ""
    got = json.loads(text)["hookSpecificOutput"]
    return got["permissionDecision"], got.get("permissionDecisionReason", "")


@pytest.fixture
def daemon(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home)
    save_settings(Settings(breaker_denies=3, breaker_asks=50, quota_installs=2), get_paths({"ADR_HOME": str(home)}))
    d = DaemonProc(home).start()
    yield d
    d.stop()


def test_denies_trip_the_breaker_for_that_session_only_until_the_human_resets_it(daemon):
    home = daemon.home
    assert hook(home, "mkdir build", "noisy") == "allow"
    for i in range(3):
        assert hook(home, f"frobnicate --all {i}", "noisy") == "deny"
    # locked down: writes (even a new directory) ask, reads still pass
    assert hook(home, "mkdir build2", "noisy") == "ask"
    assert hook(home, "", "noisy", tool="Write", file_path="/tmp/x.txt", content="hi") == "ask"
    assert hook(home, "ls -la && cat README.md | grep x", "noisy") == "allow"
    assert hook(home, "git status", "noisy") == "allow"
    assert hook(home, "ls > listing.txt", "noisy") == "ask"  # a redirect writes
    assert hook(home, "", "noisy", tool="Read", file_path="/tmp/x.txt") == "allow"
    # another session is unaffected
    assert hook(home, "mkdir build3", "calm") == "allow"
    st = daemon.status()
    assert st["components"]["breakers"]["locked_down"] == ["noisy"]
    shown = daemon.request(P.Request(op="call", target="sessions.show", args={"session": "noisy"})).data["session"]
    assert "lockdown" in shown["flags"] and "denies" in shown["flags"]["lockdown"]["reason"]
    alerts = daemon.request(P.Request(op="call", target="alerts.list")).data["alerts"]
    assert any(a["kind"] == "breaker" and a["session"] == "noisy" for a in alerts)
    r = daemon.request(P.Request(op="call", target="breakers.reset", args={"session": "noisy"}))
    assert not r.ok and r.error_code == P.FORBIDDEN  # this test process has no terminal: not the human
    r = human_call(home, "breakers.reset", {"session": "noisy"})  # the human, at a terminal of their own
    assert r["ok"] and r["data"]["reset"] is True, r
    decision, reason = hook_reason(home, "mkdir build4", "noisy")
    assert decision == "allow", (reason, daemon.request(P.Request(op="call", target="breakers.usage")).data)


def test_a_quota_asks_past_its_limit(daemon):
    home = daemon.home
    # the quota is the subject here, not a fresh daemon's first-run typosquat index build: on a loaded
    # machine that build can outlast a decision (which then asks, tests/test_supply_typosquat.py)
    from adr.supply.typoindex import ensure
    from adr.paths import DATA_DIR
    assert ensure(get_paths({"ADR_HOME": str(home)}).cache_dir, DATA_DIR) is not None
    assert hook(home, "pip install requests", "inst") == "allow"
    assert hook(home, "npm install lodash", "inst") == "allow"
    assert hook(home, "pip install rich", "inst") == "ask"
    assert hook(home, "pip install rich", "other") == "allow"


@pytest.mark.parametrize("cmd,read_only", [
    ("ls -la", True), ("cat a | grep b | wc -l", True), ("git log --oneline", True), ("git status", True),
    ("ls 2>/dev/null", True), ("find . -name x", True),
    ("mkdir x", False), ("touch f", False), ("ls > f", False), ("echo hi >> ~/.bashrc", False),
    ("find . -delete", False), ("git branch -D main", False), ("git commit -m x", False), ("sudo ls", False),
    ("$(cat /tmp/prog)", False), ("$(echo ls)", True), ("sort -o out in", False), ("python -c 'print(1)'", False), ("", False),
])
def test_read_only_is_proven_not_guessed(cmd, read_only):
    assert effects_of(Action(ActionKind.EXEC, Context(), command=cmd)).read_only is read_only


def test_effect_counts():
    e = effects_of(Action(ActionKind.EXEC, Context(), command="pip install a && curl -O x && rm -f y && git push"))
    assert (e.installs, e.fetches, e.deletes) == (1, 2, 1)


def test_the_undo_store_quota_counts_what_a_sessions_snapshots_took(tmp_path):
    """quota_undo_bytes: once a session's pre-images took that many bytes of the undo store, its next
    change is put to the human; reads still pass, and another session is unaffected."""
    home = tmp_path / "home"
    save_settings(Settings(breaker_denies=0, breaker_asks=0, quota_undo_bytes=3000),
                  get_paths({"ADR_HOME": str(home)}))
    d = DaemonProc(home).start()
    try:
        files = []
        for i in range(3):
            f = tmp_path / f"data{i}.txt"
            f.write_text("x" * 2000)
            files.append(f)
        assert hook(home, "", "big", tool="Write", file_path=str(files[0]), content="new") == "allow"
        assert hook(home, "", "big", tool="Write", file_path=str(files[1]), content="new") == "allow"
        usage = d.request(P.Request(op="call", target="breakers.usage")).data["sessions"]
        assert usage["claude-code:big"]["undo_bytes"] >= 4000
        assert hook(home, "", "big", tool="Write", file_path=str(files[2]), content="new") == "ask"
        assert hook(home, "", "big", tool="Read", file_path=str(files[2])) == "allow"
        assert hook(home, "", "other", tool="Write", file_path=str(files[2]), content="new") == "allow"
    finally:
        d.stop()

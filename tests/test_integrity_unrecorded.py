"""Integrity: an action is never allowed unrecorded; a killed daemon leaves a recorded gap.

When the audit record cannot be written (a full file system, a path that cannot be opened), the
answer is `audit_fail` (default ask, with the reason; deny and allow selectable), the failure shows
in `adr status` and as an alert — with the daemon up, and in the hook's in-process fallback.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess

import pytest

from _human import human_call  # noqa: E402
from _daemon_helpers import BIN, DaemonProc, adr_env, wait_for, write_test_rule
from adr.config import Settings, save_settings
from adr.daemon import protocol as P
from adr.paths import get_paths
from adr.record.audit import iter_records

HOOK = str(BIN / "adr-hook")


def hook_input(cmd: str) -> bytes:
    return json.dumps({"session_id": "rec", "hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": "/tmp",
                       "tool_input": {"command": cmd}}).encode()


def answer(home, cmd: str) -> "tuple[str, str]":
    out = subprocess.run([HOOK, "claude-code"], input=hook_input(cmd), env=adr_env(home), capture_output=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode().strip()
    if not text:
        return "allow", ""
    h = json.loads(text)["hookSpecificOutput"]
    return h["permissionDecision"], h.get("permissionDecisionReason", "")


def _break_audit_file(home) -> None:
    """The current audit file becomes something that cannot be appended to (a directory)."""
    audit = get_paths({"ADR_HOME": str(home)}).audit_log
    if audit.exists():
        audit.unlink()
    audit.mkdir()


def _mount_tiny_tmpfs(path) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(path)],
                       capture_output=True, timeout=30)
    return r.returncode == 0


@pytest.mark.parametrize("audit_fail,expected", [("ask", "ask"), ("deny", "deny"), ("allow", "allow")])
def test_daemon_up_an_unwritable_audit_log_gets_the_audit_fail_answer(tmp_path, audit_fail, expected):
    home = tmp_path / "home"
    write_test_rule(home)
    save_settings(Settings(audit_fail=audit_fail), get_paths({"ADR_HOME": str(home)}))
    d = DaemonProc(home).start()
    try:
        assert answer(home, "ls -la") == ("allow", "")
        _break_audit_file(home)  # under the daemon's feet: it notices the file is not the one it wrote
        decision, reason = answer(home, "ls -la")
        status = d.status()
        assert status["audit"]["errors"] >= 1
        assert decision == expected
        if expected != "allow":
            assert "could not record this action in its audit log" in reason
        assert "cannot write the audit log" in status["audit"]["last_error"]
        # a deny stays a deny whatever audit_fail says
        assert answer(home, "frobnicate --all")[0] == "deny"
        alerts = d.request(P.Request(op="call", target="alerts.list")).data["alerts"]
        assert any(a["kind"] == "audit" for a in alerts)
    finally:
        d.stop()


def test_daemon_up_a_full_file_system_gets_ask_and_an_alert(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home)
    audit_dir = get_paths({"ADR_HOME": str(home)}).audit_dir
    if not _mount_tiny_tmpfs(audit_dir):
        pytest.skip("cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN) — the directory variant still runs")
    try:
        d = DaemonProc(home).start()
        try:
            assert answer(home, "ls -la") == ("allow", "")
            # fill the file system to the last byte
            fd = os.open(audit_dir / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                while os.write(fd, b"\0" * 512):
                    pass
            except OSError:
                pass  # ENOSPC: full to the last block
            finally:
                os.close(fd)
            # the last page may still hold a record or two; then nothing more fits
            got = [answer(home, f"echo {i} " + "x" * 250) for i in range(20)]
            decision, reason = got[-1]
            assert decision == "ask" and "could not record this action" in reason
            st = d.status()
            assert st["audit"]["errors"] >= 1 and "No space left" in st["audit"]["last_error"]
            out = subprocess.run([str(BIN / "adr"), "status"], env=adr_env(home, COLUMNS="200"),
                                 capture_output=True, text=True, timeout=60)
            assert "write errors" in out.stdout
            os.unlink(audit_dir / "filler")  # space again: recorded again, allowed again
            assert wait_for(lambda: answer(home, "ls -la")[0] == "allow")
            from adr.record.audit import verify
            assert verify(audit_dir).ok  # no torn record: a failed append was taken back
        finally:
            d.stop()
    finally:
        subprocess.run(["umount", "-l", str(audit_dir)], capture_output=True, timeout=30)


def test_daemon_down_the_fallback_never_allows_unrecorded(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home)
    paths = get_paths({"ADR_HOME": str(home)})
    paths.ensure()
    _break_audit_file(home)
    decision, reason = answer(home, "ls -la")
    assert decision == "ask" and "could not record this action in its audit log" in reason
    assert answer(home, "frobnicate --all")[0] == "deny"
    save_settings(Settings(audit_fail="deny"), paths)
    assert answer(home, "ls -la")[0] == "deny"


def test_a_killed_daemon_leaves_a_recorded_gap_and_an_alert(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home)
    d = DaemonProc(home).start()
    assert answer(home, "ls -la")[0] == "allow"
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait(30)
    d2 = DaemonProc(home).start()
    try:
        recs = list(iter_records(d2.paths.audit_dir))
        starts = [r for r in recs if r["event"] == "daemon_start"]
        assert len(starts) == 2 and starts[0]["previous_stop"] == "clean"
        assert starts[1]["previous_stop"] == "unclean" and starts[1]["gap_since"]
        alerts = d2.request(P.Request(op="call", target="alerts.list")).data["alerts"]
        assert any(a["kind"] == "daemon" and "not running cleanly" in a["title"] for a in alerts)
    finally:
        d2.stop()
    d3 = DaemonProc(home).start()  # after a clean stop: no gap
    try:
        last = [r for r in iter_records(d3.paths.audit_dir) if r["event"] == "daemon_start"][-1]
        assert last["previous_stop"] == "clean"
        assert any(r["event"] == "daemon_stop" for r in iter_records(d3.paths.audit_dir))
    finally:
        d3.stop()


def test_component_calls_unknown_and_malformed(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home)
    d = DaemonProc(home).start()
    try:
        r = d.request(P.Request(op="call", target="nosuch.thing"))
        assert not r.ok and r.error_code == P.UNKNOWN_OP
        r = human_call(home, "alerts.ack", {"ids": "not-a-list"})  # from the human: refused for its arguments
        assert not r["ok"] and "alerts.ack" in r["error"] and "refused" not in r["error"], r
        with pytest.raises(P.ProtocolError):
            P.decode_request(b'{"v":1,"op":"call","id":"x","target":"../../etc","args":{}}')
        st = d.status()
        assert "alerts" in st["components"] and st["pipeline"]["workers"] >= 1
    finally:
        d.stop()

"""`adr alerts` (list, show, ack, resume, kill) and `adr sessions reset` against a real daemon: the
human's terminal may act, an agent's process may not."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from _daemon_helpers import BIN, wait_for
from _human import human
from _monitor_helpers import ADR, MonitorDaemon, Payload, gone, stop_all, wrap

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("curl"),
                                reason="/proc and curl")


def adr(d, *args, **kw):
    return subprocess.run([ADR, *args], env=d.env(), capture_output=True, text=True, timeout=60, **kw)


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
def test_alerts_list_show_and_the_humans_kill(tmp_path):
    srv = Payload(tmp_path)
    marker = srv.marker
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    proc = wrap(d, srv.agent(), "wrap-cli")
    try:
        alert = d.wait_alert(lambda a: a["session"] == "wrap-cli" and a["data"].get("state") == "suspended", "process")
        assert alert is not None
        listed = json.loads(adr(d, "alerts", "--json").stdout)["alerts"]
        assert any(a["id"] == alert["id"] for a in listed)
        table = adr(d, "alerts").stdout
        assert alert["id"] in table and "suspended" in table
        shown = adr(d, "alerts", "show", alert["id"])
        assert shown.returncode == 0, shown.stderr
        assert "process tree:" in shown.stdout and "/bin/sh -c" in shown.stdout and "curl -s" in shown.stdout
        assert f"adr alerts kill {alert['data']['tree_id']}" in shown.stdout
        # an agent (anything under `adr wrap`) may not kill or resume it, nor acknowledge the alert
        for verb in ("kill", "resume", "ack"):
            r = subprocess.run([ADR, "wrap", "--no-proxy", "--", ADR, "alerts", verb, alert["id"]], env=d.env(),
                               capture_output=True, text=True, timeout=60)
            assert r.returncode != 0 and "refused" in r.stderr, (verb, r.stderr)
        # nor a detached process with no terminal (this test): the daemon's walls
        r = adr(d, "alerts", "kill", alert["id"], stdin=subprocess.DEVNULL)
        assert r.returncode != 0 and "refused" in r.stderr
        # the human at a terminal of their own
        pids = [int(x.split()[0]) for x in alert["data"]["tree"]]
        out = human(d.home, "alerts", "kill", alert["data"]["tree_id"], env=d.env())
        assert out.returncode == 0, out.stderr
        assert "killed: tree" in out.stdout
        assert wait_for(lambda: all(gone(p) for p in pids), 10)
        assert proc.wait(20) != 0 and not marker.exists()
        out = human(d.home, "alerts", "ack", alert["id"], env=d.env())
        assert out.returncode == 0 and alert["id"] in out.stdout, out.stderr
        assert not any(a["id"] == alert["id"] for a in json.loads(adr(d, "alerts", "--json").stdout)["alerts"])
        assert any(a["id"] == alert["id"] for a in json.loads(adr(d, "alerts", "--all", "--json").stdout)["alerts"])
    finally:
        stop_all(proc)
        d.stop()
        srv.close()


def test_alerts_show_prints_a_files_diff(tmp_path):
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user")
    (d.user_home / ".profile").write_text("PATH=$HOME/bin:$PATH\n")
    d.start()
    proc = wrap(d, [sys.executable, "-c", "import time; time.sleep(60)"], "wrap-show")
    try:
        assert wait_for(lambda: d.monitored("wrap-show"), 20)
        (d.user_home / ".profile").write_text("PATH=$HOME/bin:$PATH\nexport LD_PRELOAD=/tmp/x.so\n")
        alert = d.wait_alert(lambda a: a["data"].get("path", "").endswith(".profile"), "file")
        assert alert is not None
        out = adr(d, "alerts", "show", alert["id"]).stdout
        assert "+export LD_PRELOAD=/tmp/x.so" in out and "session: wrap-show" in out
    finally:
        stop_all(proc)
        d.stop()


def test_sessions_reset_from_the_humans_terminal(tmp_path):
    from test_breakers import hook
    from _daemon_helpers import write_test_rule

    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user")
    d.paths.config_file.write_text("breaker_denies: 2\n")
    write_test_rule(d.home)
    d.start()
    try:
        for i in range(2):
            assert hook(d.home, f"frobnicate {i}", "noisy") == "deny"
        assert hook(d.home, "mkdir x", "noisy") == "ask"
        assert hook(d.home, "mkdir x", "calm") == "allow"
        r = adr(d, "sessions", "reset", "noisy", stdin=subprocess.DEVNULL)
        assert r.returncode != 0 and "refused" in r.stderr
        out = human(d.home, "sessions", "reset", "noisy", env=d.env())
        assert out.returncode == 0 and "lockdown ended" in out.stdout, out.stderr
        from test_breakers import hook_reason
        got = hook_reason(d.home, "mkdir x", "noisy")
        if got[0] == "ask" and "took longer than" in got[1]:  # the daemon's wall-clock hang net (HARD_TIMEOUT)
            got = hook_reason(d.home, "mkdir x", "noisy")  # fired on a loaded machine: once more
        assert got[0] == "allow", got
    finally:
        d.stop()
    assert (BIN / "adr").exists()

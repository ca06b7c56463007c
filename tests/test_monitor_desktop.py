"""The monitor's questions on a desktop (a private session bus with a test notification server):
a suspended tree's Resume / Kill buttons, and a refused weaker config.yaml put back."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from _daemon_helpers import wait_for
from _monitor_helpers import MonitorDaemon, Payload, state, stop_all, wrap

# a whole product flow (make e2e, for make test's budget), and what it needs
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not shutil.which("dbus-daemon") or not sys.platform.startswith("linux")
                                or not shutil.which("curl"), reason="dbus-daemon, /proc and curl")]


class DesktopDaemon(MonitorDaemon):
    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.extra_env = {k: v for k, v in self.extra_env.items() if k != "ADR_NOTIFIER"}


def test_resume_and_kill_buttons(tmp_path):
    from _notify_server import desktop_session

    srv_http = Payload(tmp_path, wait="0.5")
    marker = srv_http.marker
    with desktop_session(str(tmp_path)) as srv:
        d = DesktopDaemon(tmp_path / "adr", tmp_path / "user").start()
        try:
            # the human presses "Resume it": the tree runs on (and the harmless payload does its thing)
            srv.responder = lambda call: ("click", "resume") if "suspended" in call["summary"] else None
            proc = wrap(d, srv_http.agent(), "wrap-resume")
            alert = d.wait_alert(lambda a: a["session"] == "wrap-resume" and a["data"].get("tree_id"), "process")
            assert alert is not None, d.alerts()
            assert proc.wait(30) == 0 and marker.exists()
            call = [c for c in srv.calls if "suspended" in c["summary"]][-1]
            assert call["actions"] == ["kill", "resume"], call
            assert "/bin/sh -c" in call["body"] and f"adr alerts resume {alert['data']['tree_id']}" in call["body"]
            tree = d.call("processes.show", id=alert["data"]["tree_id"]).data["tree"]
            assert tree["state"] == "resumed" and tree["by"] == "human (desktop)"
            # "Kill it"
            marker.unlink()
            srv.responder = lambda call: ("click", "kill") if "suspended" in call["summary"] else None
            proc = wrap(d, srv_http.agent(), "wrap-kill")
            alert = d.wait_alert(lambda a: a["session"] == "wrap-kill" and a["data"].get("tree_id"), "process")
            assert alert is not None
            assert proc.wait(30) != 0 and not marker.exists()
            assert d.call("processes.show", id=alert["id"]).data["tree"]["state"] == "killed"
            stop_all(proc)
        finally:
            d.stop()
            srv_http.close()


def test_a_refused_weaker_config_yaml_is_put_back(tmp_path):
    from _notify_server import desktop_session

    with desktop_session(str(tmp_path)) as srv:
        d = DesktopDaemon(tmp_path / "adr", tmp_path / "user").start()
        try:
            cf = d.paths.config_file
            before = cf.read_bytes()
            assert wait_for(lambda: (d.paths.state_dir / "config.confirmed.yaml").exists(), 10)
            srv.responder = lambda call: ("click", "deny") if "weaker protection" in call["summary"] else None
            cf.write_text(cf.read_text() + "auto_approve: true\n")  # an agent's write
            assert wait_for(lambda: cf.read_bytes() == before, 20), cf.read_text()
            restored = d.wait_alert(lambda a: a["title"] == "config.yaml restored", "file")
            assert restored is not None and restored["data"]["reverted"]
            assert "-auto_approve: true" in restored["data"]["diff"]
            log = [json.loads(x) for x in d.paths.audit_log.read_text().splitlines()]
            assert [r for r in log if r.get("event") == "config"][-1]["decision"] == "refused"
        finally:
            d.stop()
    assert state(1) != ""

"""The process monitor (adr/monitor/process.py) with a real daemon, real wrapped agents and real
processes: what no hook, shim, guard or proxy saw is judged, alerted, suspended or killed."""
from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap

import pytest

from _daemon_helpers import wait_for
from _human import human_call
from _monitor_helpers import MonitorDaemon, Payload, gone, state, stop_all, wrap

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("curl") is None,
                                reason="process trees from /proc and /usr/bin/curl")


@pytest.fixture
def payload_server(tmp_path):
    p = Payload(tmp_path)
    yield p, p.marker
    p.close()


def start_agent(d, tmp_path, pay, session):
    return wrap(d, pay.agent(session), session), pay.pidfile(session)


def runner(tmp_path, commands) -> list[str]:
    """A fake agent that runs (argv, env) pairs one after the other; the commands come from a data file,
    so neither its script nor its argv shows them (the engine reads a script that is run)."""
    script, data = tmp_path / "runner.py", tmp_path / "commands.json"
    script.write_text("import json, subprocess, sys\n"
                      "rc = 0\n"
                      "for argv, env in json.load(open(sys.argv[1])):\n"
                      "    rc = rc or subprocess.call(argv, env=env)\n"
                      "sys.exit(rc)\n")
    data.write_text(json.dumps(commands))
    return [str(script), str(data)]


def tree_of(alert):
    return "\n".join(alert["data"].get("tree", []))


def test_a_download_piped_to_a_shell_that_no_hook_saw_is_suspended_then_killed_by_the_human(tmp_path, payload_server):
    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    proc = None
    try:
        proc, pidfile = start_agent(d, tmp_path, srv, "wrap-suspend")
        alert = d.wait_alert(lambda a: a["session"] == "wrap-suspend" and a["data"].get("state") == "suspended",
                             "process", timeout=30)
        assert alert is not None, (d.alerts(), d.status()["components"]["processes"])
        sh_pid = int(pidfile.read_text())
        assert alert["data"]["pid"] == sh_pid
        assert alert["data"]["decision"] == "deny" and "rce.download-to-shell" in alert["data"]["rules"]
        assert alert["data"]["age_ms"] < 3000  # before the payload could act
        # the alert names the process tree: the shell, the download, the shell it feeds
        tree = tree_of(alert)
        assert f"{sh_pid} /bin/sh -c" in tree and "curl -s http://127.0.0.1" in tree
        assert "Process tree:" in alert["detail"]
        # the whole tree is stopped (members from the alert), the payload has not run
        pids = [int(line.split()[0]) for line in alert["data"]["tree"]]
        # (SIGSTOP is delivered asynchronously: on a loaded machine a member shows "T" a moment later)
        assert len(pids) >= 2 and wait_for(lambda: all(state(p) in ("T", "t", "") for p in pids), 10), \
            [(p, state(p)) for p in pids]
        assert not marker.exists()
        # listed for the human, who may resume or kill it — an agent (this test process) may not
        trees = d.call("processes.list").data["trees"]
        tid = alert["data"]["tree_id"]
        assert any(t["id"] == tid and t["state"] == "suspended" for t in trees)
        r = d.call("processes.kill", id=alert["id"])
        assert not r.ok and r.error_code == "forbidden"
        r = human_call(d.home, "processes.kill", {"id": alert["id"]})
        assert r["ok"] and r["data"]["tree"]["state"] == "killed", r
        assert wait_for(lambda: all(gone(p) for p in pids), 10)
        assert proc.wait(20) != 0  # the agent saw its shell die
        assert not marker.exists()
        # recorded: the alert, then the kill by the human
        log = [json.loads(x) for x in d.paths.audit_log.read_text().splitlines()]
        ends = [e for e in log if e.get("event") == "monitor" and e.get("monitor", {}).get("tree") == tid]
        assert ends and ends[-1]["monitor"]["response"] == "killed" and ends[-1]["monitor"]["by"] == "human (terminal)", ends
    finally:
        if proc is not None:
            stop_all(proc)
        d.stop()


def test_a_suspended_tree_is_killed_when_nobody_answers(tmp_path, payload_server):
    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user", "monitor_suspend_timeout: 2\n").start()
    proc = None
    try:
        proc, pidfile = start_agent(d, tmp_path, srv, "wrap-timeout")
        alert = d.wait_alert(lambda a: a["session"] == "wrap-timeout" and a["data"].get("state") == "suspended",
                             "process")
        assert alert is not None
        ended = d.wait_alert(lambda a: a["data"].get("tree_id") == alert["data"]["tree_id"]
                             and a["data"].get("by") == "timeout", "process", timeout=20)
        assert ended is not None and ended["data"]["state"] == "killed"
        assert proc.wait(20) != 0
        assert not marker.exists()
    finally:
        if proc is not None:
            stop_all(proc)
        d.stop()


def test_resumed_by_the_agent_itself_means_killed(tmp_path, payload_server):
    """The agent's script sends SIGCONT to the shell adr stopped: adr kills the tree instead."""
    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    agent = tmp_path / "sneaky.py"
    agent.write_text(textwrap.dedent("""\
        import os, signal, subprocess, sys, time
        p = subprocess.Popen(["/bin/sh", "-c", sys.argv[1]], env={})
        while True:  # wait until adr stops it, then let it go on
            st = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()[0]
            if st == "T":
                break
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGCONT)
        sys.exit(p.wait() & 0xff)
    """))
    proc = wrap(d, [sys.executable, str(agent), srv.line], "wrap-sneaky")
    try:
        ended = d.wait_alert(lambda a: a["session"] == "wrap-sneaky" and a["data"].get("by") == "tamper", "process")
        assert ended is not None and ended["data"]["state"] == "killed", d.alerts()
        assert proc.wait(20) != 0
        assert not marker.exists()
    finally:
        stop_all(proc)
        d.stop()


def test_kill_and_notify_responses_from_config(tmp_path, payload_server):
    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user", "monitor_on_deny: kill\n").start()
    proc = None
    try:
        proc, pidfile = start_agent(d, tmp_path, srv, "wrap-kill")
        alert = d.wait_alert(lambda a: a["session"] == "wrap-kill" and a["data"].get("pid"), "process")
        assert alert is not None and alert["data"]["state"] == "killed" and alert["data"]["response"] == "kill"
        assert proc.wait(20) != 0 and not marker.exists()
    finally:
        if proc is not None:
            stop_all(proc)
        d.stop()


def test_an_ask_level_process_is_only_reported(tmp_path):
    """An ask-level command (the default response: notify) keeps running; the alert says so."""
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    target = tmp_path / "user" / "proj"
    target.mkdir(parents=True)
    # chmod 777 on a directory asks (risky.world-writable); run by absolute path, no shim
    agent = runner(tmp_path, [(["/bin/sh", "-c", f"sleep 1; /bin/chmod -R 777 {target}"], {})])
    proc = wrap(d, [sys.executable, *agent], "wrap-ask")
    try:
        alert = d.wait_alert(lambda a: a["session"] == "wrap-ask", "process")
        assert alert is not None, d.alerts()
        assert alert["data"]["decision"] == "ask" and alert["data"]["response"] == "notify"
        assert proc.wait(20) == 0  # it ran to its end
    finally:
        stop_all(proc)
        d.stop()


def test_what_a_shim_judged_is_not_raised_again(tmp_path):
    """In monitor mode the shims let an ask-level `sh -c` run (recorded): that process is not raised a
    second time. A like command on another directory, started by absolute path past the shims, is the
    monitor's. (One on the same directory is not: that effect was judged and let through already.)"""
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user", "mode: monitor\n").start()
    target, other = tmp_path / "user" / "proj", tmp_path / "user" / "other"
    target.mkdir(parents=True)
    other.mkdir(parents=True)
    agent = runner(tmp_path, [(["sh", "-c", f"sleep 1; chmod -R 777 {target}"], None),  # the shim (PATH)
                              (["/bin/sh", "-c", f"sleep 1; /bin/chmod -R 777 {target}"], {}),
                              (["/bin/sh", "-c", f"sleep 1; /bin/chmod -R 777 {other}"], {})])
    proc = wrap(d, [sys.executable, *agent], "wrap-shimmed")
    try:
        assert proc.wait(30) == 0, proc.stderr.read()
        alert = d.wait_alert(lambda a: a["session"] == "wrap-shimmed", "process")
        assert alert is not None and alert["data"]["argv"].startswith("/bin/sh -c"), d.alerts()
        assert str(other) in alert["data"]["argv"]
        assert alert["data"]["response"] == "notify"  # monitor mode never stops anything
        log = [json.loads(x) for x in d.paths.audit_log.read_text().splitlines()]
        assert any(e.get("host") == "shim" and "chmod -R 777" in e.get("summary", "") for e in log)
        others = [a for a in d.alerts("process") if a["session"] == "wrap-shimmed" and a["id"] != alert["id"]]
        assert not others, others  # the shimmed `sh -c` (and its chmod) were judged already
    finally:
        stop_all(proc)
        d.stop()


def test_a_hook_session_is_watched_once_its_agent_is_known(tmp_path, payload_server):
    """A process named like an agent sends one hook; from then on its tree is watched: a download
    piped to a shell that it starts without a hook (a plugin, a script) is suspended."""
    from _approval_helpers import agent_exe, claude_payload

    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    claude = agent_exe(tmp_path, "claude")
    script = tmp_path / "agent.py"
    script.write_text(textwrap.dedent("""\
        import json, subprocess, sys, time
        hook, payload, cmd, pidfile = sys.argv[1:5]
        out = subprocess.run([hook, "claude-code"], input=payload, capture_output=True, text=True)
        time.sleep(1.5)  # the agent goes on working; the daemon has learned who it is meanwhile
        p = subprocess.Popen(["/bin/sh", "-c", cmd], env={})
        open(pidfile, "w").write(str(p.pid))
        sys.exit(p.wait() & 0xff)
    """))
    from _daemon_helpers import BIN
    pidfile = tmp_path / "hook.pid"
    payload = json.dumps(claude_payload("ls", "hooked-1", str(tmp_path)))
    import subprocess
    proc = subprocess.Popen([str(claude), str(script), str(BIN / "adr-hook"), payload,
                             srv.line, str(pidfile)], env=d.env(),
                            start_new_session=True)
    try:
        alert = d.wait_alert(lambda a: a["session"] == "hooked-1" and a["data"].get("state") == "suspended",
                             "process")
        assert alert is not None, (d.alerts(), d.status()["components"]["processes"])
        assert alert["host"] == "claude-code" and alert["data"]["root_pid"] == proc.pid
        assert alert["data"]["pid"] == int(pidfile.read_text())
        r = human_call(d.home, "processes.kill", {"id": alert["id"]})
        assert r["ok"], r
        assert proc.wait(20) != 0 and not marker.exists()
    finally:
        stop_all(proc)
        d.stop()


def test_a_hook_sessions_agent_is_never_judged_itself(tmp_path):
    """The root of a hook session is the agent program: its own command line (here one the engine
    asks about — a one-liner that runs whatever it is given) is the human's choice, never suspended;
    what it starts is watched."""
    from _approval_helpers import agent_exe, claude_payload
    from _daemon_helpers import BIN
    import subprocess
    import time

    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    claude = agent_exe(tmp_path, "claude")
    payload = json.dumps(claude_payload("ls", "hooked-root", str(tmp_path)))
    code = ("import subprocess,sys,time; r = subprocess.run(sys.argv[1:2] + ['claude-code'], input=sys.argv[2], "
            "text=True, capture_output=True); time.sleep(float(sys.argv[3])); sys.exit(subprocess.run(sys.argv[1:2]).returncode)")
    proc = subprocess.Popen([str(claude), "-c", code, str(BIN / "adr-hook"), payload, "6"], env=d.env(),
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: d.monitored("hooked-root"), 20), d.status()["components"]["processes"]
        ticks = d.status()["components"]["processes"]["ticks"]
        assert wait_for(lambda: d.status()["components"]["processes"]["ticks"] >= ticks + 8, 20)
        assert state(proc.pid) not in ("T", "t", ""), "the agent itself was suspended or killed"
        assert not [a for a in d.alerts("process") if a["data"].get("pid") == proc.pid]
        assert proc.poll() is None or proc.returncode != -9  # still running (or ended on its own): not killed
    finally:
        stop_all(proc)
        d.stop()


def test_a_double_forked_payload_stays_in_the_session(tmp_path, payload_server):
    """A payload that detaches (double fork, new session) before it acts is still the session's: `adr
    wrap` is a child subreaper, so the orphan is re-parented to it, not to init."""
    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    agent = tmp_path / "detach.py"
    agent.write_text(textwrap.dedent("""\
        import os, sys, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(0.6)  # long after its parent is gone
                os.execve("/bin/sh", ["/bin/sh", "-c", sys.argv[1]], {})
            os._exit(0)
        os.wait()
        time.sleep(30)
    """))
    proc = wrap(d, [sys.executable, str(agent), srv.line], "wrap-detach")
    try:
        alert = d.wait_alert(lambda a: a["session"] == "wrap-detach" and a["data"].get("state") == "suspended",
                             "process")
        assert alert is not None, d.alerts()
        r = human_call(d.home, "processes.kill", {"id": alert["data"]["tree_id"]})
        assert r["ok"], r
        assert not marker.exists()
    finally:
        stop_all(proc)
        d.stop()


def test_status_lists_the_watched_sessions(tmp_path):
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    proc = wrap(d, [sys.executable, "-c", "import time; time.sleep(30)"], "wrap-idle")
    try:
        # (the session is listed when the wrapper registers it; its processes are counted at the monitor's next
        # poll — under load that can be a moment later)
        got = wait_for(lambda: (m := d.monitored("wrap-idle")) is not None and m["members"] >= 1 and m, 20)
        assert got and got["wrapped"] and got["members"] >= 1 and "processes" in got["monitors"]
        st = d.status()["components"]["processes"]
        assert st["running"] and st["interval_ms"] == 250 and st["on_deny"] == "suspend"
        # `adr doctor` says which monitors run, for which session
        import subprocess
        from _monitor_helpers import ADR
        out = subprocess.run([ADR, "doctor", "--json", "--no-synthetic"], env=d.env(), capture_output=True,
                             text=True, timeout=120)
        rows = {c["name"]: c for c in json.loads(out.stdout)["monitors"]}
        assert rows["monitors"]["status"] == "ok" and "processes every 250 ms" in rows["monitors"]["detail"]
        assert "network connections" in rows["monitors"]["detail"] and "files (" in rows["monitors"]["detail"]
        assert "processes, network + files" in rows["session wrap-idle"]["detail"]
        text = subprocess.run([ADR, "doctor", "--no-synthetic"], env=d.env(), capture_output=True, text=True,
                              timeout=120).stdout
        assert "session wrap-idle" in text
    finally:
        stop_all(proc)
        d.stop()
    assert os.path.exists(d.paths.audit_log)


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
@pytest.mark.parametrize("how", ["exec-later", "base64", "python-one-liner"])
def test_other_spellings_of_the_same_attack(tmp_path, payload_server, how):
    """The agent's attempts to get past the monitor: a long-running process that execs into the attack
    after a while (same pid), a base64-wrapped pipeline, an interpreter one-liner."""
    import base64

    srv, marker = payload_server
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    line = srv.line
    if how == "exec-later":
        argv = [sys.executable, "-c", "import os, sys, time; time.sleep(2.5); "
                "os.execve('/bin/sh', ['/bin/sh', '-c', sys.argv[1]], {})", line]
    elif how == "base64":
        enc = base64.b64encode(line.encode()).decode()
        argv = [sys.executable, *runner(tmp_path, [(["/bin/sh", "-c", f"echo {enc} | base64 -d | /bin/sh"], {})])]
    else:
        argv = [sys.executable, *runner(tmp_path, [([sys.executable, "-c", f"import os; os.system({line!r})"], {})])]
    proc = wrap(d, argv, f"wrap-{how}")
    try:
        alert = d.wait_alert(lambda a: a["session"] == f"wrap-{how}" and a["data"].get("state") == "suspended",
                             "process")
        assert alert is not None, d.alerts()
        assert alert["data"]["decision"] == "deny"
        # one tree waits for the human, however many of its processes the rules object to
        assert wait_for(lambda: d.status()["components"]["processes"]["judged"] >= 2, 10)
        live = [t for t in d.call("processes.list").data["trees"]
                if t["session"] == f"wrap-{how}" and t["state"] == "suspended"]
        assert len(live) == 1, live
        assert human_call(d.home, "processes.kill", {"id": alert["id"]})["ok"]
        assert proc.wait(20) != 0 and not marker.exists()
    finally:
        stop_all(proc)
        d.stop()


@pytest.mark.parametrize("how", ["by-path", "new-PATH", "function"])
def test_a_shell_that_steps_around_its_shims_is_the_monitors(tmp_path, payload_server, how):
    """With the session's shims first on PATH a shell line's shimmed commands ask the daemon themselves
    (tests/test_wrap.py: refused there, the shell is left alone). A line that reaches the programs
    without their shims — by path, with another PATH, through a function — is suspended."""
    srv, marker = payload_server
    curl_line = srv.line.replace(" | /bin/sh", "")
    curl_args = curl_line.split(" ", 1)[1]
    line = {"by-path": srv.line,
            "new-PATH": f"PATH=/usr/bin:/bin; curl {curl_args} | sh",
            "function": f"sh() {{ /bin/sh \"$@\"; }}; curl {curl_args} | sh"}[how]  # the shim of sh, skipped
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    proc = wrap(d, [sys.executable, *runner(tmp_path, [(["/bin/sh", "-c", line], None)])], f"wrap-{how}")
    try:
        alert = d.wait_alert(lambda a: a["session"] == f"wrap-{how}" and a["data"].get("state") == "suspended",
                             "process")
        assert alert is not None, (d.alerts(), d.status()["components"]["processes"])
        assert human_call(d.home, "processes.kill", {"id": alert["id"]})["ok"]
        assert proc.wait(20) != 0 and not marker.exists()
    finally:
        stop_all(proc)
        d.stop()

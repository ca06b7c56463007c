"""adr/monitor/terminal.py with real terminals and process trees (no daemon): who is a human at a
terminal — a pty the test holds (a person's terminal), a background job, an orphan, a pty made by a
detached `script`, a tmux pane on screen versus one made in the background."""
import json
import os
import shlex
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _human import HumanTerminal, have  # noqa: E402

from adr.monitor import terminal as T  # noqa: E402

# prints what the walls say about the process running it; argv[1]: {cgroup: start} of "agents"
CHECK = ("import json,os,sys; from adr.monitor.terminal import TerminalWalls; cg=json.loads(sys.argv[1]); "
         "w=TerminalWalls(lambda pid, env: None, lambda: cg); print(json.dumps(w.refusal(os.getpid())))")


def agents_here():
    """This test process's cgroup, as if an agent that started with it had sent hooks."""
    return json.dumps({T.cgroup(os.getpid()): T.read_stat(os.getpid()).start})


def check_argv():
    return [sys.executable, "-c", CHECK, agents_here()]


def env():
    return {**os.environ, "TERM": "xterm", "PYTHONDONTWRITEBYTECODE": "1"}


def test_device_numbers():
    assert T.pts_index((136 << 8) | 5) == 5 and T.tty_name((136 << 8) | 5) == "/dev/pts/5"
    assert T.pts_index((137 << 8) | 1) == 257
    assert T.pts_index((4 << 8) | 2) is None and T.tty_name((4 << 8) | 2) == "/dev/tty2"


def test_the_holder_of_a_pty_is_found():
    master, slave = os.openpty()
    try:
        idx = int(os.ttyname(slave).rsplit("/", 1)[1])
        assert os.getpid() in T.pty_holders(idx)
    finally:
        os.close(master)
        os.close(slave)


def test_a_person_at_a_terminal_passes():
    t = HumanTerminal(check_argv(), env())
    rc, out, err, _ = t.finish()
    assert rc == 0 and json.loads(out) is None, err


def test_no_terminal_is_refused():
    out = subprocess.run(check_argv(), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    assert "has no terminal" in json.loads(out.stdout)


def test_a_background_job_is_refused():
    script = f"set -m; {shlex.join(check_argv())} & wait"
    rc, out, err, _ = HumanTerminal(["/bin/bash", "-c", script], env()).finish()
    assert "background of its terminal" in json.loads(out), err


def test_an_orphan_in_the_terminals_session_is_refused(tmp_path):
    res = tmp_path / "r.json"
    code = (f"import os,subprocess,sys,time\nif os.fork(): os._exit(0)\ntime.sleep(0.3)\n"
            f"open({str(res)!r},'w').write(subprocess.run({check_argv()!r}, capture_output=True, text=True).stdout)")
    t = HumanTerminal(["/bin/bash", "-c", f"{sys.executable} -c {shlex.quote(code)}; sleep 3"], env())
    deadline = time.monotonic() + 30
    while not (res.exists() and res.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    t.proc.kill()
    t.finish()
    assert "cut off from the process that started it" in json.loads(res.read_text())


@pytest.mark.skipif(not have("script") or not have("setsid"), reason="util-linux script/setsid missing")
def test_a_pty_made_by_a_detached_process_is_refused(tmp_path):
    res = tmp_path / "r.json"
    cmd = shlex.join(check_argv()) + f" > {res}"
    subprocess.run(["setsid", "-f", "script", "-qec", cmd, "/dev/null"], timeout=60, check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (res.exists() and res.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "detached from an AI agent's tree" in json.loads(res.read_text())


@pytest.mark.skipif(not have("tmux"), reason="tmux missing (make sysdeps)")
def test_tmux_counts_only_the_pane_on_screen_of_an_attached_session(tmp_path):
    sock = str(tmp_path / "tmux.sock")
    tmux = ["tmux", "-S", sock]
    subprocess.run([*tmux, "new-session", "-d", "-s", "main", "-x", "120", "-y", "40"], check=True, timeout=30, env=env())
    client = None
    try:
        on_screen, hidden, nobody = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
        line = shlex.join(check_argv())
        # nobody attached yet: refused
        subprocess.run([*tmux, "send-keys", "-t", "main", f"{line} > {nobody}", "Enter"], check=True, timeout=30)
        deadline = time.monotonic() + 30
        while not (nobody.exists() and nobody.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        client = HumanTerminal([*tmux, "attach", "-t", "main"], env())  # the person attaches from their terminal
        time.sleep(0.5)
        subprocess.run([*tmux, "send-keys", "-t", "main", f"{line} > {on_screen}", "Enter"], check=True, timeout=30)
        subprocess.run([*tmux, "new-window", "-d", "-t", "main", f"{line} > {hidden}; sleep 5"], check=True, timeout=30)
        deadline = time.monotonic() + 30
        while not all(p.exists() and p.read_text() for p in (on_screen, hidden, nobody)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "nobody is attached" in json.loads(nobody.read_text())
        assert json.loads(on_screen.read_text()) is None
        assert "not the one on screen" in json.loads(hidden.read_text())
    finally:
        subprocess.run([*tmux, "kill-server"], timeout=30, capture_output=True)
        if client is not None:
            client.finish(30)

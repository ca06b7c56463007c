"""Killing, freezing or stopping adr's daemon, tried as an agent would — by its pid (which the agent
can learn with one harmless `pgrep` in an earlier call), by a pid a command substitution reads, by
a process pattern in any disguise, from code, through adr's own CLI as a module, through the
service manager — through the real installed hook. Each must be denied, with the daemon up, and
with the daemon frozen (the hook then judges in-process and must still know adr's pid). Killing
anything else stays allowed."""
from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests._selfdef_helpers import LAYOUTS, bash, hook, judged, make_install, start, stop


@pytest.fixture(scope="module", params=LAYOUTS)
def inst(request, tmp_path_factory):
    i = start(make_install(tmp_path_factory.mktemp(f"kill-{request.param}"), request.param))
    assert int(i.paths.pid_file.read_text().split()[0]) == i.extra["pid"]
    yield i
    stop(i)


KILLS = [
    "kill {pid}",
    "kill -9 {pid}",
    "kill -STOP {pid}",
    "kill -19 {pid}",
    "kill -s TSTP {pid}",
    "kill -SIGSTOP -- {pid}",
    "/bin/kill -CONT {pid}",
    "env kill -KILL {pid}",
    "timeout 5 kill -TERM {pid}",
    "bash -c 'kill -STOP {pid}'",
    "sh -c \"kill -9 {pid}\"",
    "gdb -p {pid} -batch -ex 'call abort()'",
    "strace -p {pid} -o /dev/null",
    "renice -n 19 -p {pid}",
    "prlimit --pid={pid} --cpu=1",
    "kill $(cat {run}/adr.pid)",
    "kill -STOP $(cat {run}/adr.pid)",
    "kill -9 `cat {run}/adr.pid`",
    "p=$(cat {run}/adr.pid); kill -STOP $p",
    "kill -STOP $(< {run}/adr.pid)",
    "pkill -f adr",
    "pkill adr",
    "pkill -STOP -f 'a[d]r daemon'",
    "pkill -9 -f '.venv/bin/ad. d'",
    "killall -STOP adr",
    "killall -9 -r '^a.r$'",
    "pgrep adr | xargs kill",
    "pgrep -f 'ad[r] d' | xargs -r kill -STOP",
    "kill -9 $(pgrep -f 'a.r daemon')",
    "kill -TSTP $(pidof adr)",
    "ps aux | grep '[a]dr daemon' | awk '{q}print $2{Q}' | xargs kill",
    # a listing filtered by a pattern that does not name adr but keeps its line
    "ps aux | grep [d]aemon | awk '{q}print $2{Q}' | xargs kill -9",
    "ps -eo pid,args | awk '/daemon$/{q}print $1{Q}' | xargs kill -STOP",
    "gdb -p $(pgrep -f daemon) -batch -ex 'call exit(0)'",
    "renice -n 19 -p $(pgrep -f 'adr daemon')",
    "python3 -c 'import os; os.kill({pid}, 19)'",
    "python3 -c \"import os,signal; os.kill(int(open('{run}/adr.pid').read()), signal.SIGSTOP)\"",
    "python3 -c \"import psutil; psutil.Process({pid}).suspend()\"",
    "node -e 'process.kill({pid}, \"SIGSTOP\")'",
    "perl -e 'kill 19, {pid}'",
    "ruby -e 'Process.kill(\"STOP\", {pid})'",
    "python -m adr.cli daemon stop",
    "{venv}/bin/python -m adr.cli daemon stop --yes",
    "{bin}/adr daemon stop --yes",
    "adr daemon stop",
    "python3 -c \"from adr.cli import main; main(['daemon', 'stop', '--yes'])\"",
    "systemctl --user stop adr.service",
    "systemctl --user disable --now adr",
    "systemctl --user mask adr.service",
    "systemctl --user kill adr.service",
    "systemctl --user freeze adr.service",
    "launchctl bootout gui/501/dev.adr.daemon",
    "launchctl unload ~/Library/LaunchAgents/dev.adr.daemon.plist",
]


@pytest.mark.parametrize("spelling", KILLS)
def test_stopping_or_freezing_the_daemon_is_denied(inst, spelling):
    assert "in-process" not in judged(inst, spelling, "deny")


FROZEN = ["kill -9 {pid}", "kill -CONT {pid}", "kill $(cat {run}/adr.pid)", "pkill -9 -f 'a[d]r daemon'",
          "python3 -c 'import os; os.kill({pid}, 9)'", "strace -p {pid}"]


def test_a_frozen_daemon_is_still_protected_by_the_in_process_fallback(inst):
    """The daemon is stopped with SIGSTOP (as an agent's earlier allowed call might have): the hook
    waits a short time, judges in-process, and still knows which pid is adr's."""
    env = dict(inst.env, ADR_HOOK_TIMEOUT="1")
    os.kill(inst.extra["pid"], signal.SIGSTOP)
    try:
        for spelling in FROZEN:
            assert "in-process" in judged(inst, spelling, "deny", env=env)
    finally:
        os.kill(inst.extra["pid"], signal.SIGCONT)
    assert inst.daemon.status()["pid"] == inst.extra["pid"]


@pytest.fixture()
def other(inst):
    p = subprocess.Popen(["sleep", "300"])
    yield p
    p.kill()
    p.wait()


BENIGN = ["kill {other}", "kill -STOP {other}", "kill -9 {other}", "pkill -f 'sleep 31415'", "pgrep -f adr",
          "ps aux | grep adr", "pgrep -l adr", "{bin}/adr status", "kill %1",
          "ps aux | grep [s]leep | awk '{q}print $2{Q}' | xargs kill", "ps aux | grep -v daemon | wc -l",
          "python3 -c 'import os; os.kill({other}, 0)'", "systemctl --user status adr.service"]


@pytest.mark.parametrize("spelling", BENIGN)
def test_other_processes_can_be_signalled(inst, other, spelling):
    judged(inst, spelling.replace("{other}", str(other.pid)), "allow")


def test_an_allowed_kill_really_runs_and_the_daemon_lives(inst, other):
    cmd = f"kill -9 {other.pid}"
    assert hook(inst, cmd)[0] == "allow"
    assert bash(inst, cmd).returncode == 0
    assert other.wait(10) == -9
    assert inst.daemon.proc.poll() is None and inst.daemon.status()["pid"] == inst.extra["pid"]

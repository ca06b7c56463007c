"""One policy for killing processes, whatever the spelling: one program killed by its name is the
everyday dev-server restart (quiet for killall, pkill, pgrep | xargs kill, kill $(pgrep …)); every
process of a user or a catch-all pattern, programs whose interruption is not undone by a restart,
and security agents ask — again in every spelling."""
from __future__ import annotations

import pytest

from adr.actions import Action, ActionKind, Context, Decision

CTX = Context(host="claude-code", session="t", cwd="/home/dev/project", home="/home/dev", tool="Bash")


@pytest.fixture(scope="module")
def judge(offline_judge):
    return offline_judge


def _verdict(judge, cmd: str):
    return judge.decide(Action(ActionKind.EXEC, CTX, command=cmd))


@pytest.mark.parametrize("cmd", [
    "killall node", "pkill node", "pkill -x node", "killall -r node", "kill $(pgrep node)", "pgrep node | xargs kill",
    "killall -9 node", "pkill -9 node", "kill -9 $(pgrep -f vite)", "killall -s TERM vite", "killall 'Google Chrome'",
    "pgrep -x node | xargs -r kill -9", "killall -r 'node.*'",
    # a signal name is one word, not the clustered letters -H -U -P (pkill's -U: every process of a user)
    "pkill -HUP nginx", "pkill -USR1 -f gunicorn", "pkill -QUIT uwsgi", "pkill -SIGUSR2 -x node",
])
def test_one_program_killed_by_name_is_quiet_in_every_spelling(judge, cmd):
    v = _verdict(judge, cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd,rule", [
    ("killall -u dev", "destruct.mass-kill"), ("killall -9 --user dev", "destruct.mass-kill"),
    ("killall -r '.*'", "destruct.mass-kill"), ("killall -9 -r .", "destruct.mass-kill"),
    ("pkill -u dev", "destruct.mass-kill"), ("pkill .", "destruct.mass-kill"),
    ("pkill -HUP -u dev", "destruct.mass-kill"), ("pkill -HUP -U 1000", "destruct.mass-kill"),
    ("ps aux | awk '{print $2}' | xargs kill", "destruct.kill-listed-processes"),
    ("kill -9 $(ps -e -o pid=)", "destruct.kill-listed-processes"),
    ("python3 -c 'import os,signal; os.kill(-1, signal.SIGKILL)'", "destruct.script-kill-all-processes"),
    ("watch -n 60 killall -USR1 dd", "destruct.kill-interrupts-writer"),
    ("sudo pkill -x apt-get", "destruct.kill-interrupts-writer"),
    ("sudo kill -9 $(pgrep dpkg)", "destruct.kill-interrupts-writer"),
    ("pgrep -x dd | xargs kill", "destruct.kill-interrupts-writer"),
    ("sudo killall -SIGTERM cron", "evasion.security-process-kill"),
    ("killall -9 auditd", "evasion.security-process-kill"),
])
def test_wholesale_and_damaging_kills_still_ask(judge, cmd, rule):
    v = _verdict(judge, cmd)
    assert v.decision is not Decision.ALLOW and rule in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", ["pgrep dd", "kill $(pgrep ddclient)", "killall -l"])
def test_look_alikes_of_damaging_kills_stay_quiet(judge, cmd):
    assert _verdict(judge, cmd).decision is Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", [
    "pgrep falcond | xargs kill", "pidof auditd | xargs kill -9", "kill $(pgrep cron)", "kill -9 `pidof auditd`",
    "pgrep -f falcon-sensor | xargs -r kill -9", "kill -9 $(pgrep falcon)", "pkill -f osquery", "pkill -9 wazuh",
    "killall -s KILL auditd", "pkill sentinel", "for p in $(pgrep auditd); do kill -9 $p; done",
    "pgrep auditd | while read p; do kill $p; done", "sudo pkill -f /opt/CrowdStrike/falcond",
    "sh -c 'pgrep osqueryd | xargs kill'",
])
def test_security_agents_ask_in_every_kill_spelling(judge, cmd):
    v = _verdict(judge, cmd)
    assert v.decision is not Decision.ALLOW and "evasion.security-process-kill" in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "systemctl stop auditd.service", "systemctl disable --now wazuh-agent", "systemctl kill -s KILL auditd",
    "systemctl stop --no-block auditd", "sudo service auditd stop", "systemctl stop sysmon",
    "systemctl stop 'auditd*'",
])
def test_security_services_stopped_ask(judge, cmd):
    v = _verdict(judge, cmd)
    assert v.decision is not Decision.ALLOW and "evasion.security-service-stop" in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "kill $(pgrep -f 'node server.js')", "kill $(pgrep crontab-ui)", "pkill -f cronjob-runner", "pgrep -a cron",
    "pkill -f audit-log-server", "pkill -f redis-sentinel", "pgrep falcond", "systemctl stop nginx",
])
def test_look_alikes_of_security_agents_stay_quiet(judge, cmd):
    assert _verdict(judge, cmd).decision is Decision.ALLOW, cmd



# a unit glob: systemctl expands it among the loaded units, so a pattern reaching a security agent's
# unit stops that agent — read against the same list of agent names (rules/00-lists.yaml
# security_agents) the plain spellings use
@pytest.mark.parametrize("cmd", [
    "systemctl stop '*falcon*'", "systemctl stop 'falcon*'", "sudo systemctl stop '*falcon*'",
    "systemctl disable --now auditd*", "systemctl disable --now 'auditd*'", "systemctl stop '*audit*'",
    "systemctl mask 'wazuh*'", "systemctl kill -s KILL '*osquery*'", "systemctl stop '[f]alcon-sensor'",
    "systemctl stop 'falcon?sensor.service'", "systemctl stop '*sentinel*'", "systemctl stop 'cs-falcon*'",
    "systemctl stop nginx '*falcon*'", "sh -c \"systemctl stop '*falcon*'\"", "systemctl stop '*FALCON*'",
    "systemctl stop 'rsys*'", "systemctl stop '*journald*'", "systemctl stop csagent", "systemctl stop cs-falcon",
    # the units a listing hands on, narrowed by a grep: the glob that grep amounts to
    "systemctl list-units --type=service --no-legend | grep -i falcon | awk '{print $1}' | xargs systemctl stop",
    "systemctl list-units --no-legend 'falcon*' | awk '{print $1}' | xargs -r systemctl disable --now",
    "systemctl stop $(systemctl list-units --type=service --no-legend | grep -i falcon | awk '{print $1}')",
    "for u in $(systemctl list-units --plain --no-legend | grep -E 'falcon|auditd' | cut -d' ' -f1); do systemctl stop $u; done",
    # over D-Bus
    "busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager StopUnit ss "
    "falcon-sensor.service replace",
    "gdbus call --system --dest org.freedesktop.systemd1 --object-path /org/freedesktop/systemd1 --method "
    "org.freedesktop.systemd1.Manager.StopUnit auditd.service replace",
])
def test_a_unit_glob_reaching_a_security_agent_asks(judge, cmd):
    v = _verdict(judge, cmd)
    assert v.decision is Decision.ASK, (cmd, v.rule_ids)
    assert "evasion.security-service-stop" in v.rule_ids, (cmd, v.rule_ids)
    assert "self-defense.adr-daemon-kill" not in v.rule_ids, (cmd, v.rule_ids)  # it cannot reach adr's units


@pytest.mark.parametrize("cmd", [
    "systemctl stop 'nginx*'", "systemctl stop 'postgres*'", "systemctl --user stop 'app-*.service'",
    "systemctl restart '*falcon*'", "systemctl status '*falcon*'", "systemctl list-units '*falcon*'",
    "systemctl stop 'docker*'", "systemctl stop '[n]ginx'", "systemctl stop '*.timer'", "systemctl stop 'nginx@*'",
    "systemctl list-units --no-legend | grep nginx | awk '{print $1}' | xargs systemctl stop",
    "systemctl list-units --no-legend | grep falcon | awk '{print $1}' | xargs systemctl restart",
    "systemctl list-units --failed --no-legend | awk '{print $2}' | xargs systemctl reset-failed",
    "systemctl list-units --type=service | grep -i falcon",
])
def test_unit_globs_reaching_no_security_agent_stay_quiet(judge, cmd):
    assert _verdict(judge, cmd).decision is Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", ["systemctl --user stop '*'", "systemctl --user stop 'a*'", "systemctl stop '*.socket'",
                                 "systemctl --user stop '?dr*'", "systemctl --user stop '[^x]dr*'",
                                 "systemctl --user stop '[!x]dr.service'", "systemctl --user mask 'ADR*'"])
def test_a_unit_glob_reaching_adr_is_still_denied(judge, cmd):
    v = _verdict(judge, cmd)
    assert v.decision is Decision.DENY and "self-defense.adr-daemon-kill" in v.rule_ids, (cmd, v.rule_ids)


def _security_agents():
    import pathlib
    import yaml
    path = pathlib.Path(__file__).resolve().parent.parent / "rules" / "00-lists.yaml"
    return yaml.safe_load(path.read_text())["lists"]["security_agents"]


# units with no long-running process of their own (kernel state loaded once): no kill spelling exists
_NO_PROCESS = {"apparmor", "ufw", "nftables", "netfilter-persistent", "firewalld", "td-agent", "fluent-bit"}


@pytest.mark.parametrize("name", _security_agents())
def test_the_service_and_kill_rules_know_every_listed_agent(judge, name):
    for cmd in (f"systemctl stop {name}", f"systemctl stop '{name}*'", f"systemctl stop '*{name[1:]}'"):
        assert "evasion.security-service-stop" in _verdict(judge, cmd).rule_ids, cmd
    if name not in _NO_PROCESS:
        assert "evasion.security-process-kill" in _verdict(judge, f"pkill -x {name}").rule_ids, name

"""The human's proof on a desktop: a real private D-Bus session bus with the test notification server
(tests/_notify_server.py), the real daemon, and the human at a terminal of their own.

- a question shows a one-time code only in its notification; `adr approve ID CODE` needs it, the
  listing never shows it, wrong codes are counted and close the question;
- a code an agent learned (say, by watching the bus) does not help a process with no human terminal;
- a button press is only believed from the notification server: a forged ActionInvoked is ignored
  and recorded;
- `adr daemon stop` and `adr uninstall` open a challenge: code typed at the terminal, or Confirm;
- a notification server run by an agent is not trusted with the human's answers.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import (BIN, DaemonProc, adr_env, claude_payload, decision_of, finish_hook,  # noqa: E402
                               make_home, reason_of, records, start_hook)
from _daemon_helpers import wait_for  # noqa: E402
from _human import AgentSession, HumanTerminal, agent_program, detached_agent, human  # noqa: E402
from _notify_server import desktop_session, start_session_bus, stop_process  # noqa: E402

from adr.daemon import protocol as P  # noqa: E402

RELAY = "import subprocess,sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"  # the agent runs a tool
# a whole product flow (make e2e, for make test's budget), and what it needs
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not shutil.which("dbus-daemon"), reason="dbus-daemon not installed (make sysdeps)")]
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk")
    with desktop_session(str(tmp)) as server:
        home = make_home(tmp / "home", approval_timeout=30, hook_timeout=40)
        d = DaemonProc(home).start()
        try:
            yield {"home": home, "daemon": d, "server": server, "tmp": tmp, "agent": agent_program(tmp, "claude")}
        finally:
            d.stop()


@pytest.fixture
def g(desk):
    desk["server"].responder = lambda call: None  # notifications stay up until the test acts
    return desk


def code_in(body):
    m = re.search(r"[Cc]ode (\d{6})", body)
    assert m, body
    return m.group(1)


def open_question(g, command):
    """A hook from the agent that waits for the human; (hook process, question id, its notification)."""
    srv = g["server"]
    n0 = len(srv.calls)
    session = "d-" + uuid.uuid4().hex[:6]
    h = start_hook(g["home"], g["agent"], "claude-code", claude_payload(command, session, str(g["tmp"])))
    calls = srv.wait_for_calls(n0 + 1)
    assert len(calls) > n0, "no notification"
    qs = wait_for(lambda: [q for q in json.loads(human(g["home"], "pending", "--json").stdout) if q["session"] == session])
    return h, qs[0], calls[n0]


def other(code):
    return f"{(int(code) + 1) % 1000000:06d}"


def test_terminal_answers_need_the_code_that_only_the_notification_shows(g):
    h, q, call = open_question(g, "frobnicate --coded")
    code = code_in(call["body"])
    assert f"adr approve {q['id']} {code}" in call["body"]
    assert q["needs_code"] and code not in json.dumps(q)
    # no code given: asked for at the terminal; a wrong one is asked again; the right one answers
    t = HumanTerminal([str(BIN / "adr"), "approve", q["id"]], adr_env(g["home"]))
    assert t.wait_for_screen("code shown with question")
    t.write(other(code) + "\n")
    assert t.wait_for_screen("wrong code")
    t.write(code + "\n")
    rc, out, err, screen = t.finish()
    assert rc == 0 and "allowed" in out, err + screen
    assert decision_of(finish_hook(h)) == "allow"
    recs = records(g["home"])
    wrong = [r for r in recs if r.get("security") == "wrong-code"]
    assert wrong and wrong[-1]["id"] == q["id"]
    assert code not in json.dumps(recs) and code not in g["daemon"].paths.daemon_log.read_text()


def test_a_code_learned_by_an_agent_does_not_help_without_a_human_terminal(g):
    h, q, call = open_question(g, "frobnicate --eavesdropped")
    code = code_in(call["body"])  # as if read off the bus with dbus-monitor
    a = str(BIN / "adr")
    results = detached_agent(g["home"], g["tmp"], [[a, "approve", q["id"], code], [a, "deny", q["id"], code]])
    assert len(results) == 2 and all(r["rc"] == 1 and "no terminal" in r["err"] for r in results), results
    r = subprocess.run([str(g["agent"]), "-c", "import subprocess,sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)",
                        a, "approve", q["id"], code], env=adr_env(g["home"]), capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "inside an AI agent" in r.stderr
    g["server"].click_later(call["id"], "deny")  # the human says no on the desktop
    assert decision_of(finish_hook(h)) == "deny"


def test_wrong_codes_close_the_question(g):
    h, q, call = open_question(g, "frobnicate --guessed")
    wrong = other(code_in(call["body"]))
    for i in range(5):
        r = human(g["home"], "approve", q["id"], wrong, typed="\n")  # asked again: Enter gives up
        assert r.returncode == 1 and "wrong code" in r.stderr, r.stderr
    out = finish_hook(h)
    assert decision_of(out) == "deny" and "wrong codes" in reason_of(out)
    rec = [x for x in records(g["home"]) if x.get("session") == q["session"] and x.get("approval")][-1]
    assert rec["decided_by"] == "security" and rec["approval"]["channel"] == "security"


FORGE = """
import asyncio, sys
from dbus_fast import Message
from dbus_fast.aio import MessageBus
async def main():
    bus = await MessageBus().connect()
    for member, sig, body in (("ActionInvoked", "us", [int(sys.argv[1]), "allow_once"]),
                              ("NotificationClosed", "uu", [int(sys.argv[1]), 2])):
        await bus.send(Message.new_signal("/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                                          member, sig, body))
    await asyncio.sleep(0.3)
    bus.disconnect()
asyncio.run(main())
"""


def test_a_forged_button_press_on_the_bus_is_ignored_and_recorded(g):
    h, q, call = open_question(g, "frobnicate --forged")
    r = subprocess.run([str(g["agent"]), "-c", RELAY, sys.executable, "-c", FORGE, str(call["id"])],
                       env=adr_env(g["home"]), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: [x for x in records(g["home"]) if x.get("security") == "forged-signal"])
    assert any(x["id"] == q["id"] for x in json.loads(human(g["home"], "pending", "--json").stdout))  # still open
    g["server"].click_later(call["id"], "deny")
    assert decision_of(finish_hook(h)) == "deny"
    rec = [x for x in records(g["home"]) if x.get("session") == q["session"] and x.get("approval")][-1]
    assert rec["approval"]["channel"] == "desktop" and rec["approval"]["choice"] == "deny"  # the real button


def test_stop_needs_the_code_or_the_button(desk, tmp_path):
    srv = desk["server"]
    home = make_home(tmp_path / "home")
    d = DaemonProc(home).start()
    try:
        # Refuse on the desktop: not stopped
        srv.responder = lambda call: ("click", "deny") if "stop adr" in call["summary"] else None
        r = human(home, "daemon", "stop", "--yes")
        assert r.returncode == 1 and "refused" in r.stderr and d.request(P.Request(op="ping")).ok
        # the code typed where the human ran the command
        srv.responder = lambda call: None
        n0 = len(srv.calls)
        t = HumanTerminal([str(BIN / "adr"), "daemon", "stop", "--yes"], adr_env(home))
        calls = srv.wait_for_calls(n0 + 1)
        assert "stop adr" in calls[n0]["summary"] and "Asked by" in calls[n0]["body"]
        assert [a for a in calls[n0]["actions"]] == ["confirm", "deny"]
        assert t.wait_for_screen("code: ")
        t.write(code_in(calls[n0]["body"]) + "\n")
        rc, out, err, _ = t.finish()
        assert rc == 0 and "stopped" in out, err
        assert d.proc.wait(30) == 0
        assert [x for x in records(home) if x.get("event") == "control" and x["kind"] == "stop"]
    finally:
        srv.responder = lambda call: None
        d.stop()


def test_uninstall_goes_ahead_when_the_human_presses_confirm(g, tmp_path):
    g["server"].responder = lambda call: ("click", "confirm") if "remove adr's hooks" in call["summary"] else None
    r = human(g["home"], "uninstall", "--host", "claude-code", env=adr_env(g["home"], HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    rec = [x for x in records(g["home"]) if x.get("event") == "control" and x["kind"] == "uninstall"][-1]
    assert "confirmed by you (desktop)" in rec["reason"]


FAKE_SERVER = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from _notify_server import FakeNotificationServer
s = FakeNotificationServer(os.environ["DBUS_SESSION_BUS_ADDRESS"]).start()
s.responder = lambda call: ("click", "allow_once")  # an agent's server: "the human" says yes to everything
open(sys.argv[2], "w").write(str(os.getpid()))
time.sleep(120)
"""


@pytest.mark.parametrize("detached", [False, True])
def test_a_notification_server_run_by_an_agent_is_not_trusted(tmp_path, detached):
    """No notification server on the bus: the agent provides one that presses "Allow" by itself —
    run as its tool (inside its tree), or detached from it (setsid, double fork, cleared environment)."""
    bus_proc, addr = start_session_bus(str(tmp_path))
    pid_file = tmp_path / "server.pid"
    saved = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = addr
    home = make_home(tmp_path / "home", approval_timeout=3)
    d = DaemonProc(home)
    agent = AgentSession(home, tmp_path)
    server = None
    try:
        cmd = [sys.executable, "-c", FAKE_SERVER, HERE, str(pid_file)]
        if detached:
            agent.detach([cmd], env_extra={"DBUS_SESSION_BUS_ADDRESS": addr})
        else:
            server = subprocess.Popen([str(agent_program(tmp_path, "claude")), "-c", RELAY, *cmd],
                                      env=adr_env(home, DBUS_SESSION_BUS_ADDRESS=addr))
        assert wait_for(lambda: pid_file.exists() and pid_file.read_text())
        d.start()  # finds the agent's server on the bus
        assert d.status()["approvals"]["desktop"] is True
        session = "f-" + uuid.uuid4().hex[:6]
        out = agent.hook("claude-code", claude_payload("frobnicate --fake", session, str(tmp_path)))
        assert decision_of(out) == "deny", out  # never approved by the agent's server
        sec = [x for x in records(home) if x.get("security") == "untrusted-channel"]
        assert sec and "not trusted with your answers" in sec[-1]["reason"]
        assert ("detached from an AI agent" if detached else "inside an AI agent") in sec[-1]["reason"]
        assert not [x for x in records(home) if x.get("session") == session and x.get("decided_by") == "human"]
    finally:
        agent.close()
        d.stop()
        if server is not None:
            server.kill()
            server.wait(10)
        elif pid_file.exists() and pid_file.read_text():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        stop_process(bus_proc)
        if saved is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = saved

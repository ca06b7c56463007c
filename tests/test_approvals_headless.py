"""No display, no bus: hosts that can ask keep their own question; the others get a deny naming
`adr approve ID`, and the human's approval lets the agent's retry through. And the agent cannot
approve itself: not by name (a process called `claude`), not through a raw socket request, not
from below a process that sent hook requests — each refusal a security event in the audit log."""
import json
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import (DaemonProc, adr, adr_env, agent_exe, claude_payload, codex_payload,  # noqa: E402
                               decision_of, make_home, reason_of, records, run_hook)
from _daemon_helpers import BIN  # noqa: E402
from _human import _controlling_tty, human  # noqa: E402

from adr.daemon import protocol as P  # noqa: E402


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("headless")
    saved = {k: os.environ.get(k) for k in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY")}
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp}/no-bus-here"
    os.environ.pop("DISPLAY", None)
    os.environ.pop("WAYLAND_DISPLAY", None)
    home = make_home(tmp / "home")
    daemon = DaemonProc(home)
    try:
        daemon.start()
        yield {"home": home, "daemon": daemon, "agent": agent_exe(tmp), "tmp": tmp, "cwd": str(tmp)}
    finally:
        daemon.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def codex_ask(h, command, session):
    out = run_hook(h["home"], h["agent"], "codex", codex_payload(command, session, h["cwd"]))
    qs = [q for q in json.loads(human(h["home"], "pending", "--json").stdout) if q["session"] == session]
    return out, qs


def test_status_says_terminal_only(headless):
    st = json.loads(adr(headless["home"], "status", "--json").stdout)["approvals"]
    assert st["desktop"] is False and st["channels"] == ["terminal (adr pending / adr approve ID)"]


def test_a_host_that_can_ask_keeps_its_own_question(headless):
    out = run_hook(headless["home"], headless["agent"], "claude-code",
                   claude_payload("frobnicate --x", "c-" + uuid.uuid4().hex[:6], headless["cwd"]))
    assert decision_of(out) == "ask"


def test_a_host_that_cannot_ask_is_told_to_have_the_human_run_adr_approve(headless):
    h, session = headless, "x-" + uuid.uuid4().hex[:6]
    out, qs = codex_ask(h, "frobnicate --retry-me", session)
    (q,) = qs
    assert decision_of(out) == "deny" and f"adr approve {q['id']}" in reason_of(out)
    shown = human(h["home"], "pending", "--once", env={**adr_env(h["home"]), "COLUMNS": "200"}).stdout
    assert q["id"] in shown and "frobnicate --retry-me" in shown
    # the agent retries before the human answered: same question, same id
    out2, qs2 = codex_ask(h, "frobnicate --retry-me", session)
    assert [x["id"] for x in qs2] == [q["id"]] and f"adr approve {q['id']}" in reason_of(out2)
    r = human(h["home"], "approve", q["id"])  # no desktop channel: no code; the terminal is checked
    assert r.returncode == 0, r.stderr
    assert "grant #" in r.stdout
    rec = [x for x in records(h["home"]) if x.get("event") == "approval"][-1]
    assert rec["approval"]["channel"] == "terminal" and rec["decision"] == "allow"
    # the retry passes once, by the grant; the next one is asked about again
    out3 = run_hook(h["home"], h["agent"], "codex", codex_payload("frobnicate --retry-me", session, h["cwd"]))
    assert decision_of(out3) == "allow"
    assert [x for x in records(h["home"]) if x.get("session") == session][-1]["decided_by"] == "grant"
    out4, _ = codex_ask(h, "frobnicate --retry-me", session)
    assert decision_of(out4) == "deny"


def test_deny_from_the_terminal_closes_the_question(headless):
    h, session = headless, "d-" + uuid.uuid4().hex[:6]
    _, (q,) = codex_ask(h, "frobnicate --nope", session)
    assert human(h["home"], "deny", q["id"]).returncode == 0
    assert not [x for x in json.loads(human(h["home"], "pending", "--json").stdout) if x["id"] == q["id"]]
    out, _ = codex_ask(h, "frobnicate --nope", session)
    assert decision_of(out) == "deny"  # nothing granted


def security_records(home):
    return [r for r in records(home) if r.get("event") == "security"]


def still_open(h, qid):
    return any(x["id"] == qid for x in json.loads(human(h["home"], "pending", "--json").stdout))


def test_a_process_named_like_an_agent_cannot_approve(headless):
    h, session = headless, "s-" + uuid.uuid4().hex[:6]
    _, (q,) = codex_ask(h, "frobnicate --self", session)
    claude = agent_exe(h["tmp"], "claude")
    n0 = len(security_records(h["home"]))
    r = adr(h["home"], "approve", q["id"], agent=claude)
    assert r.returncode == 1 and "refused" in r.stderr and "claude" in r.stderr
    sec = security_records(h["home"])[n0:]
    assert sec and sec[-1]["decision"] == "refused" and sec[-1]["security"] == "self-approval"
    assert still_open(h, q["id"])


def test_a_raw_socket_answer_from_inside_an_agent_is_refused_by_the_daemon(headless):
    h, session = headless, "r-" + uuid.uuid4().hex[:6]
    _, (q,) = codex_ask(h, "frobnicate --raw", session)
    claude = agent_exe(h["tmp"], "claude")
    code = ("import sys; from adr.daemon import protocol as P; from adr.daemon.client import request; "
            f"r = request(P.Request(op='answer', id='x', question={q['id']!r}, choice='allow_once')); "
            "print(r.error_code); print(r.error)")
    import subprocess
    r = subprocess.run([str(claude), "-c", code], env=adr_env(h["home"]), capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines()[0] == P.FORBIDDEN, r.stdout + r.stderr
    assert "inside an AI agent" in r.stdout
    sec = security_records(h["home"])[-1]
    assert sec["decided_by"] == "daemon" and sec["id"] == q["id"] and sec["session"] == session
    assert still_open(h, q["id"])


def test_an_unknown_agent_that_sent_hook_requests_cannot_approve_from_its_shell(headless):
    """The agent here has a name adr does not know; the daemon knows it from its hook requests."""
    h, session = headless, "u-" + uuid.uuid4().hex[:6]
    agent = agent_exe(h["tmp"], "mystery-agent")
    payload = json.dumps(codex_payload("frobnicate --mystery", session, h["cwd"]))
    # one agent process: it calls its hook, then (like a tool call of its own) runs `adr approve`
    script = (
        "import json, subprocess, sys\n"
        f"hook = subprocess.run([{str(BIN / 'adr-hook')!r}, 'codex'], input={payload!r}, capture_output=True, text=True)\n"
        f"ls = subprocess.run([{str(BIN / 'adr')!r}, 'pending', '--json'], capture_output=True, text=True)\n"
        "import re; qid = re.search(r'adr approve ([0-9a-f]+)', hook.stdout).group(1)\n"
        f"r = subprocess.run(['/bin/sh', '-c', {str(BIN / 'adr')!r} + ' approve ' + qid], capture_output=True, text=True)\n"
        "print(json.dumps({'qid': qid, 'rc': r.returncode, 'err': r.stderr, 'ls_rc': ls.returncode, 'ls_err': ls.stderr}))\n"
    )
    import subprocess
    r = subprocess.run([str(agent), "-c", script], env=adr_env(h["home"]), capture_output=True, text=True, timeout=120)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res["rc"] == 1 and "refused" in res["err"] and "sent hook requests" in res["err"], res
    assert res["ls_rc"] == 1 and "refused" in res["ls_err"], res  # nor may it list the questions
    assert still_open(h, res["qid"])
    assert security_records(h["home"])[-1]["id"] == res["qid"]
    # the human's own terminal still can
    assert human(h["home"], "deny", res["qid"]).returncode == 0


def test_an_agents_environment_marker_is_refused(headless):
    h, session = headless, "m-" + uuid.uuid4().hex[:6]
    _, (q,) = codex_ask(h, "frobnicate --marker", session)
    r = adr(h["home"], "approve", q["id"], env={**adr_env(h["home"]), "CLAUDECODE": "1"})
    assert r.returncode == 1 and "CLAUDECODE" in r.stderr
    assert still_open(h, q["id"])


def test_the_live_view_answers_with_one_key(headless):
    """`adr pending` on a terminal (a pty): the open question is listed; "s" allows it for the session."""
    import pty
    import select
    import subprocess
    import time

    h, session = headless, "l-" + uuid.uuid4().hex[:6]
    for other in json.loads(human(h["home"], "pending", "--json").stdout):  # ours is then the one selected
        human(h["home"], "deny", other["id"])
    _, (q,) = codex_ask(h, "frobnicate --live", session)
    master, slave = pty.openpty()
    env = {**adr_env(h["home"]), "COLUMNS": "200", "LINES": "40", "TERM": "xterm"}
    p = subprocess.Popen([str(BIN / "adr"), "pending"], stdin=slave, stdout=slave, stderr=slave, env=env,
                         start_new_session=True, preexec_fn=_controlling_tty)
    os.close(slave)
    seen = b""

    def pump(timeout):
        nonlocal seen
        if select.select([master], [], [], timeout)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:  # EIO: the program ended and closed the terminal
                time.sleep(timeout)
    try:
        deadline = time.monotonic() + 30
        while q["id"].encode() not in seen and time.monotonic() < deadline:
            pump(0.2)
        assert q["id"].encode() in seen, seen.decode("utf-8", "replace")[-3000:]
        os.write(master, b"s")
        while still_open(h, q["id"]) and time.monotonic() < deadline:
            pump(0.1)
        os.write(master, b"q")
        while p.poll() is None and time.monotonic() < deadline + 15:
            pump(0.1)
        assert p.poll() is not None, seen.decode("utf-8", "replace")[-3000:]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
        os.close(master)
    assert not still_open(h, q["id"]), seen.decode("utf-8", "replace")[-3000:]
    grants = json.loads(adr(h["home"], "grants", "list", "--json").stdout)
    assert [g["scope"] for g in grants if g["session"] == session] == ["session"]

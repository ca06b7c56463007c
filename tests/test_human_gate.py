"""The agent cannot act for the human — tried with real process trees, the way an agent would.

A program named like an agent (`claude`) that sent hook requests starts a runner so that no
ancestry check can see it: a double fork with `setsid` and a cleared environment, then (each in
turn) nothing more, a terminal of its own (`script`), a multiplexer session (`tmux new -d`,
`screen -dm`), or — from an agent running in a human's terminal — `nohup … &` keeping that terminal.
The runner tries everything that acts for the human: `adr approve`, `adr deny`, `adr pending`, a
hand-made socket answer, `adr daemon stop --yes`, `adr uninstall`, `adr config set|confirm`. Each is
refused by the daemon and recorded as a security event, the question stays open, nothing is granted,
and the human's own terminal still can. No desktop channel here: the terminal walls are the check
(tests/test_human_gate_desktop.py adds the code and the buttons).
"""
import json
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _approval_helpers import (BIN, DaemonProc, adr, adr_env, codex_payload, decision_of, finish_hook,  # noqa: E402
                               make_home, records, start_hook)
from _human import HumanTerminal, agent_program, detached_agent, have, human  # noqa: E402

from adr.daemon import protocol as P  # noqa: E402


class HeadlessDaemon(DaemonProc):
    extra_env = {"ADR_NOTIFIER": "none"}  # no desktop channel: the terminal walls decide


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gate")
    home = make_home(tmp / "home", approval_timeout=3)
    d = HeadlessDaemon(home).start()
    try:
        yield {"home": home, "daemon": d, "tmp": tmp, "agent": agent_program(tmp, "claude")}
    finally:
        d.stop()


def ask(g, command="frobnicate --x"):
    """The agent (`claude`) runs a hook that cannot ask: the question stays open for `adr approve`."""
    session = "s-" + uuid.uuid4().hex[:6]
    # (a loaded machine can take the daemon past the hook's 2 s for a judged answer; judged in-process
    # then, the deny registers no question, which is not what these tests are about)
    env = adr_env(g["home"], ADR_ANSWER_TIMEOUT="30")
    out = finish_hook(start_hook(g["home"], g["agent"], "codex", codex_payload(command, session, str(g["tmp"])), env=env))
    assert decision_of(out) == "deny"
    assert "in-process" not in json.dumps(out), out
    qs = [q for q in json.loads(human(g["home"], "pending", "--json").stdout) if q["session"] == session]
    assert len(qs) == 1
    return qs[0]["id"], session


def raw_answer(g, qid):
    """A hand-made answer: plain JSON written to the socket, no adr client code."""
    sock = str(g["daemon"].socket)
    line = json.dumps({"v": 1, "op": "answer", "id": "x", "question": qid, "choice": "allow_once"})
    code = ("import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
            "s.sendall(sys.argv[2].encode()+b'\\n'); line=s.makefile().readline(); print(line); "
            "sys.exit(0 if '\"ok\":true' in line else 1)")
    return [sys.executable, "-c", code, sock, line]


def attacks(g, qid):
    a = str(BIN / "adr")
    return {"approve": [a, "approve", qid], "deny": [a, "deny", qid], "pending": [a, "pending", "--json"],
            "raw": raw_answer(g, qid), "stop": [a, "daemon", "stop", "--yes"],
            "uninstall": [a, "uninstall", "--host", "claude-code"],
            "config-set": [a, "config", "set", "mode", "monitor"]}


def security(home):
    return [r for r in records(home) if r.get("event") == "security"]


def still_open(g, qid):
    return any(q["id"] == qid for q in json.loads(human(g["home"], "pending", "--json").stdout))


HOWS = ["setsid", "script", "tmux", "screen"]
WHY = {"setsid": "no terminal", "script": "detached from an AI agent", "tmux": "nobody is attached",
       "screen": "nobody is attached"}


@pytest.mark.parametrize("how", HOWS)
def test_a_detached_agent_child_cannot_act_for_the_human(gate, how):
    if how in ("script", "tmux", "screen") and not have(how):
        pytest.skip(f"{how} is not installed (make sysdeps)")
    g = gate
    qid, session = ask(g)
    n0 = len(security(g["home"]))
    named = attacks(g, qid)
    results = detached_agent(g["home"], g["tmp"], list(named.values()), how=how)
    assert len(results) == len(named), results
    for name, r in zip(named, results):
        assert r["rc"] != 0, (name, r)
        said = r["err"] + r["out"]
        assert "refused" in said and WHY[how] in said, (name, said)
    assert still_open(g, qid)
    assert g["daemon"].request(P.Request(op="ping")).ok  # not stopped
    new = security(g["home"])[n0:]
    kinds = {r["kind"] for r in new}
    assert {"approval", "pending", "stop", "uninstall", "config"} <= kinds, kinds
    assert all(r["decision"] == "refused" and r["decided_by"] == "daemon" for r in new)
    answer_records = [r for r in new if r["kind"] == "approval"]
    assert answer_records and all(r["session"] == session for r in answer_records)
    assert not json.loads(adr(g["home"], "grants", "list", "--json").stdout)
    st = g["daemon"].status()
    assert st["mode"] == "enforce" and not st["settings_held"]  # `adr config set` wrote nothing


def test_nohup_from_an_agent_in_the_humans_terminal_is_cut_off(gate):
    """The agent runs in a shell on a terminal (as a human starts it); its `nohup … &` double fork keeps
    that terminal and session, in the foreground group — but no longer descends from the shell."""
    g = gate
    qid, _ = ask(g)
    a = str(BIN / "adr")
    results = detached_agent(g["home"], g["tmp"], [[a, "approve", qid], [a, "pending", "--json"]], how="nohup",
                             in_terminal=True)
    assert len(results) == 2, results
    for r in results:
        assert r["rc"] != 0 and "cut off from the process that started it" in r["err"], r
    assert still_open(g, qid)


def test_in_the_same_terminal_after_the_agent_the_human_can_answer(gate):
    """The human's own command in the shell where the agent ran: it descends from the shell."""
    g = gate
    qid, _ = ask(g)
    prog = agent_program(g["tmp"], "claude")
    script = f"{prog} -c 'pass'; {BIN / 'adr'} approve {qid}; echo rc=$?; sleep 0.2"
    t = HumanTerminal(["/bin/bash", "-c", script], adr_env(g["home"]))
    rc, out, err, _ = t.finish(60)
    assert "rc=0" in out and "allowed" in out, err


def test_background_job_in_the_humans_terminal_is_refused(gate):
    """`adr approve … &` with job control: a background job does not speak for whoever types there."""
    g = gate
    qid, _ = ask(g)
    script = f"set -m; {BIN / 'adr'} approve {qid} & wait $!; echo rc=$?"
    t = HumanTerminal(["/bin/bash", "-c", script], adr_env(g["home"]))
    rc, out, err, _ = t.finish(60)
    assert "rc=1" in out and "background of its terminal" in err, out + err
    assert still_open(g, qid)


def test_an_agents_own_tool_call_is_refused_by_the_cli_and_the_daemon(gate):
    """Not detached at all: the CLI refuses first; a hand-made request from the same process tree is
    refused by the daemon (the agent sent hooks)."""
    g = gate
    qid, _ = ask(g)
    r = adr(g["home"], "approve", qid, agent=g["agent"])
    assert r.returncode == 1 and "inside an AI agent" in r.stderr
    import subprocess
    r = subprocess.run([str(g["agent"]), "-c", "import subprocess,sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)",
                        *raw_answer(g, qid)], env=adr_env(g["home"]), capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and '"forbidden"' in r.stdout and "claude" in r.stdout
    assert still_open(g, qid)


def test_the_humans_terminal_can_do_all_of_it(gate, tmp_path):
    g = gate
    qid, session = ask(g, "frobnicate --human")
    r = human(g["home"], "deny", qid)
    assert r.returncode == 0 and "denied" in r.stdout, r.stderr
    rec = [x for x in records(g["home"]) if x.get("event") == "approval" and x["id"] == qid][-1]
    assert rec["approval"]["channel"] == "terminal" and rec["decision"] == "deny"
    r = human(g["home"], "uninstall", "--host", "claude-code", "--json", env=adr_env(g["home"], HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert [x for x in records(g["home"]) if x.get("event") == "control" and x["kind"] == "uninstall"]


def test_the_daemon_records_which_cgroups_and_processes_sent_hooks(gate):
    st = gate["daemon"].status()["approvals"]["gate"]
    assert st["agent_processes"] >= 1 and st["agent_cgroups"] >= 1 and st["refused"] >= 1

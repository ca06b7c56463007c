"""`adr undo` end to end: a real daemon, the real hook, a stand-in agent process doing what the host would
do, real files (modes, symlinks, folders, a git work tree) — then undo puts them back byte for byte,
never clobbers what changed since, and only a human can run it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _agent_helpers import Agent, Step, adr, bash, edit, tree, write
from _daemon_helpers import BIN, DaemonProc, write_test_rule
from _human import HumanTerminal, human
from adr.daemon import protocol as P

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": "/nonexistent"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def project(root: Path) -> Path:
    p = root / "proj"
    (p / "build" / "deep").mkdir(parents=True)
    (p / "a.txt").write_text("original a\n")
    os.chmod(p / "a.txt", 0o640)
    (p / "keep.txt").write_text("one two three\n")
    (p / "s.txt").write_text("x marks the spot\n")
    (p / "build" / "out.bin").write_bytes(bytes(range(256)) * 40)
    (p / "build" / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(p / "build" / "run.sh", 0o755)
    (p / "build" / "deep" / "d.txt").write_text("deep\n")
    os.chmod(p / "build" / "deep", 0o750)
    os.symlink("../a.txt", p / "build" / "link")
    os.symlink("a.txt", p / "ln")
    (p / "f.txt").write_text("committed\n")
    git(p, "init", "-q")
    git(p, "add", "f.txt")
    git(p, "commit", "-qm", "init")
    (p / "f.txt").write_text("uncommitted local work\n")  # the human's, which `git checkout --` throws away
    return p


@pytest.fixture
def daemon(tmp_path):
    d = DaemonProc(tmp_path / "home").start()
    yield d
    d.stop()


def test_undo_session_restores_every_change_byte_for_byte(tmp_path, daemon):
    home = daemon.home
    p = project(tmp_path)
    before = tree(p)
    agent = Agent(home, p)
    got = agent.run([
        write(p / "new.txt", "created by the agent\n"),
        write(p / "a.txt", "overwritten\n"),
        edit(p / "keep.txt", "two", "2"),
        bash("rm -rf build"),
        bash("sed -i s/spot/place/ s.txt"),
        bash("git checkout -- f.txt"),
        bash("rm ln"),
        bash("echo appended >> keep.txt"),
    ])
    assert all(g["ran"] for g in got), got
    assert not (p / "build").exists() and (p / "f.txt").read_text() == "committed\n"
    assert tree(p) != before

    dry = adr(home, "undo", "--session", agent.session, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "restore" in dry.stdout and "conflict" not in dry.stdout, dry.stdout

    # a process with no terminal of its own (a script, a detached job) is not taken for the human
    nobody = adr(home, "undo", "--session", agent.session, "--yes")
    assert nobody.returncode == 1 and "refused" in nobody.stderr and tree(p) != before
    r = human(home, "undo", "--session", agent.session, "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert tree(p) == before  # contents, modes, symlinks, folders: all as they were
    # the undo is in the audit log, as the human's, naming what it restored
    rec = json.loads(adr(home, "log", "--json", "-n", "1").stdout)
    assert rec["event"] == "undo" and rec["decided_by"] == "human" and rec["via"] == "daemon"
    assert str(p / "build" / "deep" / "d.txt") in rec["restored"] and not rec["kept"]
    # a second undo has nothing left to do
    again = human(home, "undo", "--session", agent.session, "--yes")
    assert again.returncode == 0 and tree(p) == before
    # the file's versions: before the agent's write, what the write left, and that it was undone
    hist = [json.loads(x) for x in adr(home, "history", str(p / "a.txt"), "--json").stdout.splitlines()]
    write_v = next(h for h in hist if h["action"].startswith("file write"))
    assert write_v["before"]["kind"] == "file" and write_v["after"]["kind"] == "file" and write_v["undone"]
    assert write_v["after"]["size"] == len("overwritten\n") and write_v["session"] == agent.session
    text = adr(home, "history", "a.txt", cwd=p)
    assert text.returncode == 0 and "versions of" in text.stdout and "file write" in text.stdout


def test_a_file_changed_again_after_the_agent_is_not_clobbered(tmp_path, daemon):
    home = daemon.home
    p = tmp_path / "proj"
    p.mkdir()
    (p / "x.txt").write_text("v1 by the human\n")
    (p / "y.txt").write_text("y before\n")
    agent = Agent(home, p, session="clobber")
    agent.run([edit(p / "x.txt", "v1", "v2 by the agent,"), edit(p / "y.txt", "before", "after")])
    # the desk has looked at what the agent left (in a quiet daemon within a second; on demand here, so
    # a loaded machine cannot reorder it with the human's write below)
    assert daemon.request(P.Request(op="call", id="f", target="undo.flush")).ok
    (p / "x.txt").write_text("v3: the human's later work\n")  # after the agent

    plan = adr(home, "undo", "--session", "clobber", "--dry-run")
    assert "conflict" in plan.stdout and "v3: the human's later work" in plan.stdout, plan.stdout
    assert "v2 by the agent" in plan.stdout  # the three-way difference: before, the agent's, now

    r = human(home, "undo", "--session", "clobber", "--yes")
    assert r.returncode == 1  # something was left alone: scripts can tell
    assert (p / "x.txt").read_text() == "v3: the human's later work\n"
    assert (p / "y.txt").read_text() == "y before\n"  # the untouched one was restored
    assert "left as it is" in r.stdout and str(p / "x.txt") in r.stdout

    forced = human(home, "undo", "--session", "clobber", "--yes", "--force", "--json")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert (p / "x.txt").read_text() == "v1 by the human\n"
    redo = json.loads(forced.stdout)["result"]["redo"]
    # what --force overwrote was kept: undoing the undo brings the human's later work back
    back = human(home, "undo", redo, "--yes")
    assert back.returncode == 0, back.stdout + back.stderr
    assert (p / "x.txt").read_text() == "v3: the human's later work\n"


def test_an_agent_cannot_run_undo(tmp_path, daemon):
    home = daemon.home
    p = tmp_path / "proj"
    p.mkdir()
    (p / "notes.md").write_text("the human's notes\n")
    agent = Agent(home, p, session="sneaky")
    agent.run([edit(p / "notes.md", "human's", "agent's")])
    (p / "notes.md").write_text("the human rewrote them later\n")
    # the agent now tries to "undo" — forcing its way over the human's later work: the hook denies the
    # command (adr's CLI is the human's, but for the commands that look)
    got = agent.run([bash(f"{BIN}/adr undo --session sneaky --yes --force > {tmp_path}/out.txt 2>&1")])
    assert not got[0]["ran"]
    assert (p / "notes.md").read_text() == "the human rewrote them later\n"
    recs = [json.loads(x) for x in adr(home, "log", "--json", "-n", "0").stdout.splitlines()]
    assert any("self-defense.adr-cli-policy" in (r.get("rule_ids") or r.get("rules") or []) or
               "self-defense.adr-cli-policy" in json.dumps(r) for r in recs), recs[-3:]
    # and a hand-made request from inside the agent is refused by the daemon itself
    code = ("import json,sys; from adr.daemon.client import request; from adr.daemon import protocol as P; "
            "r = request(P.Request(op='call', id='x', target='undo.apply', args={'snapshots': [], 'force_all': True})); "
            "print(json.dumps({'ok': r.ok, 'error': r.error}))")
    agent.run([Step("Bash", {"command": "true"}, ("sh", f"{sys.executable} -c \"{code}\" > {tmp_path}/raw.json"))])
    raw = json.loads((tmp_path / "raw.json").read_text())
    assert raw["ok"] is False and "refused" in raw["error"]


def test_undo_without_a_daemon_works_and_is_recorded(tmp_path):
    home = tmp_path / "home"
    p = tmp_path / "proj"
    p.mkdir()
    (p / "c.txt").write_text("before\n")
    d = DaemonProc(home).start()
    try:
        Agent(home, p, session="offline").run([edit(p / "c.txt", "before", "after"), bash("true")])
        d.request(P.Request(op="call", id="f", target="undo.flush"))
    finally:
        d.stop()
    assert (p / "c.txt").read_text() == "after\n"
    r = human(home, "undo", "--session", "offline", "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (p / "c.txt").read_text() == "before\n"
    rec = json.loads(adr(home, "log", "--json", "-n", "1").stdout)
    assert rec["event"] == "undo" and rec["via"] == "cli" and rec["restored"] == [str(p / "c.txt")]
    assert adr(home, "log", "verify").returncode == 0


def test_undo_refuses_to_write_through_a_folder_swapped_for_a_link(tmp_path, daemon):
    home = daemon.home
    p = tmp_path / "proj"
    (p / "sub").mkdir(parents=True)
    (p / "sub" / "t.txt").write_text("t\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    agent = Agent(home, p, session="swap")
    agent.run([bash("rm sub/t.txt"), bash("true")])
    # the folder is replaced by a link to somewhere else: restoring must not write there
    os.rmdir(p / "sub")
    os.symlink(elsewhere, p / "sub")
    r = human(home, "undo", "--session", "swap", "--yes", "--force")
    assert r.returncode == 1
    assert not (elsewhere / "t.txt").exists()
    assert "leads elsewhere" in r.stdout


RELAX_RULES = """\
engine: 1
pack: relaxtest
rules:
  - id: relaxtest.reversible-delete
    title: deletes generated files
    description: asks, but adr can undo it
    severity: medium
    action: ask
    reversible: adr
    "on": command
    match: {program: rm, args: 'generated'}
    examples:
      match: ["rm -rf generated"]
      not_match: ["rm x"]
  - id: relaxtest.remote-delete
    title: deletes something remote
    description: asks, and nobody can undo it
    severity: medium
    action: ask
    reversible: "no"
    "on": command
    match: {program: frob-remote}
    examples:
      match: ["frob-remote delete x"]
      not_match: ["ls"]
"""


def test_undoable_asks_are_allowed_with_a_snapshot_and_irreversible_ones_still_ask(tmp_path):
    home = tmp_path / "home"
    write_test_rule(home, RELAX_RULES, "relax.yaml")
    p = tmp_path / "proj"
    (p / "generated").mkdir(parents=True)
    (p / "generated" / "g.txt").write_text("g\n")
    d = DaemonProc(home)
    d.extra_env = {"ADR_NOTIFIER": "none"}
    d.start()
    try:
        agent = Agent(home, p, session="relax")
        got = agent.run([Step("Bash", {"command": "rm -rf generated"}, ("sh", "rm -rf generated")),
                         Step("Bash", {"command": "frob-remote delete x"})])
        # the reversible ask became an allow (no output from the hook), and its reason says how to undo
        assert got[0]["decision"] == "allow" and got[0]["ran"], got
        assert not (p / "generated").exists()
        assert got[1]["decision"] in ("ask", "deny"), got  # irreversible: never relaxed
        recs = [json.loads(x) for x in adr(home, "log", "--json", "-n", "0").stdout.splitlines()]
        rel = next(r for r in recs if r.get("summary") == "rm -rf generated")
        assert rel["relaxed"] == "undo" and rel["snapshot"] and rel["decision"] == "allow"
        assert f"adr undo {rel['id']}" in rel["reason"]
        far = next(r for r in recs if r.get("summary") == "frob-remote delete x")
        assert not far.get("relaxed") and far["reversible"] == "no"
        r = human(home, "undo", rel["id"], "--yes")
        assert r.returncode == 0, r.stdout + r.stderr
        assert (p / "generated" / "g.txt").read_text() == "g\n"

    finally:
        d.stop()


def test_a_flagged_session_is_never_relaxed_and_relaxing_needs_predictable_targets(tmp_path):
    """UndoDesk.adjust with the real engine, the real session registry and the real daemon object
    (not started): flags set by other components (taint, lockdown) keep the question."""
    from adr.actions import Action, ActionKind, Context, Decision
    from adr.config import Settings
    from adr.daemon.components import DecisionInput
    from adr.daemon.server import Daemon
    from adr.daemon.sessions import Flag, Sessions
    from adr.respond.undo_desk import UndoDesk
    from adr.engine import load_engine
    from adr.judge import Judge
    from adr.paths import get_paths
    from adr.record.audit import Origin

    home = tmp_path / "home"
    write_test_rule(home, RELAX_RULES, "relax.yaml")
    paths = get_paths({"ADR_HOME": str(home)})
    settings = Settings()
    judge = Judge(load_engine(settings, paths=paths), settings)
    daemon = Daemon(paths)
    sessions, desk = Sessions(daemon), UndoDesk(daemon)
    daemon.components = [sessions, desk]

    def decide(cmd: str, sid: str, s: Settings = settings) -> "tuple[Decision, str]":
        a = Action(ActionKind.EXEC, Context(host="claude-code", session=sid, cwd=str(tmp_path)), command=cmd)
        v, _ = judge.decide_bounded(a)
        out = desk.adjust(DecisionInput(f"id-{sid}-{len(cmd)}", "claude-code", "PreToolUse", a, None, Origin(), s), v)
        return out.decision, out.reason

    assert decide("rm -rf generated", "clean")[0] is Decision.ALLOW
    sessions.set_flag("claude-code", "tainted-one", Flag("tainted", "read a secret", 0.0, by="test"))
    assert decide("rm -rf generated", "tainted-one")[0] is Decision.ASK
    assert decide("frob-remote delete x", "clean")[0] is Decision.ASK  # reversible: no
    assert decide("rm -rf $X generated", "clean")[0] is Decision.ASK  # a target computed at run time
    assert decide("ls | xargs rm generated", "clean")[0] is Decision.ASK
    assert decide("rm -rf generated", "strict", Settings(sensitivity="strict"))[0] is not Decision.ALLOW
    assert decide("rm -rf generated", "off", Settings(undo_relaxes=False))[0] is Decision.ASK
    assert decide("rm -rf generated", "nosnap", Settings(snapshots=False))[0] is Decision.ASK
    assert decide("rm -rf generated", "monitor", Settings(mode="monitor"))[0] is Decision.ALLOW  # monitor allows anyway


def quiet_daemon(home: Path, config: str = "") -> DaemonProc:
    """A daemon with no approval channel: an ask goes to the host's own prompt (the stand-in agent says yes)."""
    if config:
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "config.yaml").write_text(config)
    d = DaemonProc(home)
    d.extra_env = {"ADR_NOTIFIER": "none"}
    return d.start()


def test_git_reset_hard_and_clean_are_undone(tmp_path):
    home = tmp_path / "home"
    p = tmp_path / "repo"
    p.mkdir()
    (p / "a.txt").write_text("committed a\n")
    (p / ".gitignore").write_text("*.log\n")
    git(p, "init", "-q")
    git(p, "add", "a.txt", ".gitignore")
    git(p, "commit", "-qm", "init")
    (p / "a.txt").write_text("uncommitted edit\n")
    (p / "staged.txt").write_text("staged, never committed\n")
    git(p, "add", "staged.txt")
    (p / "untracked.txt").write_text("untracked\n")
    (p / "scratch" / "inner").mkdir(parents=True)
    (p / "scratch" / "inner" / "s.txt").write_text("scratch\n")
    (p / "debug.log").write_text("ignored log\n")
    before = tree(p)
    d = quiet_daemon(home)
    try:
        got = Agent(home, p, session="gitwipe").run([bash("git reset --hard"), bash("git clean -fdx")])
        assert all(g["ran"] for g in got), got
        assert not (p / "untracked.txt").exists() and not (p / "debug.log").exists()
        assert (p / "a.txt").read_text() == "committed a\n" and not (p / "staged.txt").exists()
        r = human(home, "undo", "--session", "gitwipe", "--yes")
        assert r.returncode == 0, r.stdout + r.stderr
        assert tree(p) == before
    finally:
        d.stop()


def test_quota_eviction_through_the_daemon_is_recorded_and_named_by_undo(tmp_path):
    home = tmp_path / "home"
    p = tmp_path / "proj"
    p.mkdir()
    original = {n: os.urandom(750).hex() for n in "abc"}
    for name, text in original.items():
        (p / f"{name}.txt").write_text(text)
    d = quiet_daemon(home, "snapshot_quota_bytes: 5000\n")
    try:
        new = {n: os.urandom(750).hex() for n in "abc"}
        Agent(home, p, session="quota").run([write(p / f"{n}.txt", new[n]) for n in "abc"])
        r = human(home, "undo", "--session", "quota", "--yes")
        assert r.returncode == 1, r.stdout
        lost = [line for line in r.stdout.splitlines() if line.strip().startswith("cannot be restored")]
        assert lost and all("quota" in line for line in lost), r.stdout
        assert (p / "c.txt").read_text() == original["c"]  # the newest snapshot was kept and restored
        assert (p / "a.txt").read_text() == new["a"]  # the oldest was evicted: named, not silently skipped
        assert any(str(p / "a.txt") in line for line in lost)
        recs = [json.loads(x) for x in adr(home, "log", "--json", "-n", "0").stdout.splitlines()]
        ev = [x for x in recs if x.get("event") == "snapshot_evict"]
        assert ev and ev[0]["evicted"], recs[-4:]
        st = d.status()["components"]["undo"]
        assert st["evicted"] >= 1
        # recent undo data dropped: the human is told (an agent could flood the store on purpose)
        alerts = d.request(P.Request(op="call", id="a", target="alerts.list")).data["alerts"]
        assert any("recent undo data" in str(a) for a in alerts), alerts
    finally:
        d.stop()


def test_the_hooks_in_process_fallback_takes_snapshots_too(tmp_path):
    """No daemon: the hook judges in-process and still keeps the pre-images. A removal is undone at
    once (its result is predicted); an edit's result nobody watched needs --force."""
    home = tmp_path / "home"
    p = tmp_path / "proj"
    p.mkdir()
    (p / "gone.txt").write_text("deleted by the agent\n")
    (p / "ed.txt").write_text("before the edit\n")
    agent = Agent(home, p, session="nodaemon")
    got = agent.run([bash("rm gone.txt"), edit(p / "ed.txt", "before", "after")])
    assert all(g["ran"] for g in got), got
    recs = [json.loads(x) for x in adr(home, "log", "--json", "-n", "0").stdout.splitlines()]
    assert all(r["decided_by"] == "fallback" and r["snapshot"] for r in recs), recs
    r = human(home, "undo", "--session", "nodaemon", "--yes")
    assert r.returncode == 1 and "did not see" in r.stdout
    assert (p / "gone.txt").read_text() == "deleted by the agent\n"
    assert (p / "ed.txt").read_text() == "after the edit\n"
    assert human(home, "undo", "--session", "nodaemon", "--yes", "--force").returncode == 0
    assert (p / "ed.txt").read_text() == "before the edit\n"


def test_undo_of_one_event_never_guesses(tmp_path, daemon):
    home = daemon.home
    p = tmp_path / "proj"
    p.mkdir()
    for n in ("one", "two", "three"):
        (p / f"{n}.txt").write_text(f"{n}\n")
    Agent(home, p, session="pick").run([bash("rm one.txt"), bash("rm two.txt"), bash("rm three.txt")])
    recs = [json.loads(x) for x in adr(home, "log", "--json", "--session", "pick").stdout.splitlines()]
    first, second = recs[0], recs[1]

    def planned(ref: str) -> list[str]:
        r = adr(home, "undo", ref, "--dry-run", "--json")
        return [Path(s["path"]).name for s in json.loads(r.stdout)["plan"]] if r.returncode == 0 and r.stdout else []

    assert planned(first["id"]) == ["one.txt"]  # the audit record's id
    assert planned(str(second["seq"])) == ["two.txt"]  # its seq number
    assert planned(first["id"][:8]) == ["one.txt"]  # a prefix that names one event only
    # too short to mean anything — with a letter in it: an all-digit ref is a seq number (another event)
    rec = next(r for r in recs if not r["id"][:5].isdigit())
    short = rec["id"][:next(i for i, c in enumerate(rec["id"]) if not c.isdigit()) + 1]
    assert len(short) < 6 and planned(short) == []
    assert planned(first["snapshot"]) == ["one.txt"]  # the snapshot id
    assert (p / "two.txt").exists() is False and (p / "three.txt").exists() is False


def test_on_a_terminal_undo_shows_the_difference_and_asks(tmp_path, daemon):
    """The human's own terminal: the conflicting file's three-way difference is shown and the human
    says yes for it; then the whole plan is confirmed."""
    import time

    from _daemon_helpers import adr_env

    home = daemon.home
    p = tmp_path / "proj"
    p.mkdir()
    (p / "t.txt").write_text("the human's first line\n")
    Agent(home, p, session="tty").run([edit(p / "t.txt", "first", "agent's"), bash("true")])
    (p / "t.txt").write_text("the human changed it again\n")
    t = HumanTerminal([str(BIN / "adr"), "undo", "--session", "tty"], {**adr_env(home), "COLUMNS": "200"})

    def shown(text: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end and text not in b"".join(t._out).decode(errors="replace"):
            time.sleep(0.05)
        return b"".join(t._out).decode(errors="replace")

    out = shown("Overwrite")
    assert "the human changed it again" in out and "agent's" in out, out  # what changed since, and the agent's
    t.write("y\n")
    shown("Restore")
    t.write("y\n")
    rc, out, err, _ = t.finish()
    assert rc == 0, out + err
    assert (p / "t.txt").read_text() == "the human's first line\n"

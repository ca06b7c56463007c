"""The history index (SQLite over the audit log), run records, `adr log` through it, `adr sessions`."""
from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from _agent_helpers import Agent, adr, bash, edit
from _daemon_helpers import DaemonProc
from adr.cli.log import matches
from adr.paths import get_paths
from adr.record.audit import AuditLog, iter_records
from adr.record.index import Filter, Index
from adr.record.runs import RunStore, run_files

HOSTS = ["claude-code", "codex", "gemini"]
RULES = ["risky.git-force-push", "risky.package-publish", "rce.download-to-shell", "supply.typosquat", ""]


def fill(log: AuditLog, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    for i in range(n):
        rule = rnd.choice(RULES)
        log.append({"id": f"id{i}", "host": rnd.choice(HOSTS), "event": "PreToolUse",
                    "session": f"sess-{rnd.randint(0, 7)}", "agent": "claude", "cwd": "/tmp", "kind": "exec",
                    "summary": f"cmd {i}", "findings": [{"rule_id": rule, "severity": "high", "action": "ask",
                                                         "source": "rules"}] if rule else [],
                    "decision": rnd.choice(["allow", "allow", "ask", "deny"]), "mode": "enforce",
                    "would_decide": None, "reason": "", "decided_by": rnd.choice(["engine", "human"]),
                    "latency_ms": rnd.random() * 5000})


def brute(audit_dir: Path, flt: dict, limit: int) -> list[int]:
    got = [r["seq"] for r in iter_records(audit_dir) if matches(r, **flt)]
    return got[-limit:] if limit else got


def test_every_filter_gives_what_a_full_scan_gives_across_rotation(tmp_path):
    audit = tmp_path / "audit"
    log = AuditLog(audit, max_bytes=40_000)  # rotates many times
    fill(log, 600)
    assert len(list(audit.glob("audit.jsonl.*"))) > 3
    idx = Index(tmp_path / "index.sqlite3", audit)
    assert idx.catch_up() == 600
    since = datetime.now(timezone.utc).replace(microsecond=0)
    cases = [dict(session=None, host=None, verdict=None, rule=None, since=None)]
    for host in HOSTS[:2]:
        cases.append(dict(session=None, host=host, verdict="deny", rule=None, since=None))
    for rule in ("risky", "risky.git-force-push", "rce.download-to-shell", "supply"):
        cases.append(dict(session=None, host=None, verdict=None, rule=rule, since=None))
    cases += [dict(session="sess-3", host=None, verdict="ask", rule=None, since=None),
              dict(session="sess", host="codex", verdict=None, rule="risky", since=None),
              dict(session=None, host=None, verdict=None, rule=None, since=since)]
    for flt in cases:
        f = Filter(session=flt["session"] or "", host=flt["host"] or "", verdict=flt["verdict"] or "",
                   rule=flt["rule"] or "", since=flt["since"].timestamp() if flt["since"] else None)
        for limit in (5, 50, 0):
            rows = idx.page(f, limit) if limit else list(idx.rows(f, chunk=37))
            assert [r.seq for r in rows] == brute(audit, flt, limit), (flt, limit)
            recs = list(idx.records(rows))
            assert [r["seq"] for r in recs] == [r.seq for r in rows]  # read back from the log by locator


def test_catch_up_is_incremental_and_rebuilds_when_missing_damaged_or_replaced(tmp_path):
    audit = tmp_path / "audit"
    log = AuditLog(audit, max_bytes=30_000)
    fill(log, 200)
    db = tmp_path / "index.sqlite3"
    idx = Index(db, audit)
    assert idx.catch_up() == 200 and idx.catch_up() == 0
    fill(log, 50, seed=2)
    assert idx.catch_up() == 50 and idx.max_seq() == 250
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    idx.close()
    db.write_bytes(b"this is not a database" * 100)  # damaged: rebuilt from the log
    idx = Index(db, audit)
    assert idx.catch_up() == 250
    idx.close()
    # the log is replaced by a new one (seq starts again): the index must not keep the old records
    for p in audit.iterdir():
        p.unlink()
    log2 = AuditLog(audit)
    fill(log2, 20, seed=3)
    idx = Index(db, audit)
    idx.catch_up()
    assert idx.max_seq() == 20 and [r.seq for r in idx.page(Filter(), 100)] == list(range(1, 21))
    # pruned rotated files: their rows are skipped when read, the rest still works
    log3 = AuditLog(audit, max_bytes=20_000)
    fill(log3, 200, seed=4)
    idx.catch_up()
    oldest = sorted(audit.glob("audit.jsonl.*"))[0]
    oldest.unlink()
    recs = list(idx.records(idx.page(Filter(), 0) or idx.rows(Filter())))
    assert recs and all(isinstance(r["seq"], int) for r in recs)
    assert idx.catch_up() == 0


def test_adr_log_reads_through_the_index_and_parallel_readers_agree(tmp_path):
    home = tmp_path / "home"
    audit = get_paths({"ADR_HOME": str(home)}).ensure().audit_dir
    log = AuditLog(audit, max_bytes=50_000)
    fill(log, 400)
    log.close()
    env_cmd = ["log", "--json", "-n", "7", "--verdict", "deny", "--host", "codex"]
    procs = [subprocess.Popen([str(Path(os.sys.executable).parent / "adr"), *env_cmd], stdout=subprocess.PIPE,
                              env={**os.environ, "ADR_HOME": str(home)}, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert len(set(outs)) == 1
    got = [json.loads(x)["seq"] for x in outs[0].splitlines()]
    want = brute(audit, dict(session=None, host="codex", verdict="deny", rule=None, since=None), 7)
    assert got == want
    idx = Index(get_paths({"ADR_HOME": str(home)}).index_db, audit)
    assert idx.query("SELECT count(*), count(DISTINCT seq) FROM audit")[0] == (400, 400)  # no duplicates
    table = adr(home, "log", "-n", "3", "--rule", "risky")
    assert table.returncode == 0 and "risky." in table.stdout


def test_run_records_are_private_complete_linked_and_kept_within_bounds(tmp_path):
    home = tmp_path / "home"
    p = tmp_path / "proj"
    p.mkdir()
    secret = "ghp_" + "a1" * 18
    d = DaemonProc(home).start()
    try:
        Agent(home, p, session="runs").run([bash(f"echo {secret} > /dev/null"), bash("ls")])
        assert d.request(__import__("adr.daemon.protocol", fromlist=["P"]).Request(
            op="call", id="f", target="history.flush")).ok
    finally:
        d.stop()
    paths = get_paths({"ADR_HOME": str(home)})
    files = run_files(paths.runs_dir)
    assert files and stat.S_IMODE(paths.runs_dir.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    recs = [json.loads(x) for f in files for x in f.read_text().splitlines()]
    run = next(r for r in recs if secret in r["action"]["command"])  # the full action, unredacted
    audit = {r["seq"]: r for r in iter_records(paths.audit_dir)}
    assert audit[run["seq"]]["id"] == run["id"] and secret not in json.dumps(audit[run["seq"]])  # log stays redacted
    idx = Index(paths.index_db, paths.audit_dir, paths.runs_dir)
    idx.catch_up()
    assert [s for s, *_ in idx.run_locators(Filter(session="runs"))] == sorted(r["seq"] for r in recs
                                                                                if r["session"] == "runs")
    # retention and the size cap
    rs = RunStore(paths.runs_dir)
    old = paths.runs_dir / "runs-20000101-0000.jsonl"
    old.write_text('{"seq": 999999}\n')
    removed = rs.prune(retention_days=30, max_bytes=10**9)
    assert old.name in removed and not old.exists() and run_files(paths.runs_dir)
    rs.prune(retention_days=30, max_bytes=0)
    assert run_files(paths.runs_dir) == []
    idx.catch_up()
    assert idx.run_locators(Filter()) == []  # forgotten by the index too


def test_sessions_survive_a_daemon_restart_with_their_timeline(tmp_path):
    home = tmp_path / "home"
    p = tmp_path / "proj"
    (p / ".git").mkdir(parents=True)
    (p / "n.txt").write_text("a\n")
    d = DaemonProc(home).start()
    try:
        Agent(home, p, session="persist-1").run([edit(p / "n.txt", "a", "b"), bash("ls"), bash("rm -rf ~")])
    finally:
        d.stop()
    d = DaemonProc(home).start()  # a new daemon: its registry is empty, the history is not
    try:
        items = [json.loads(x) for x in adr(home, "sessions", "--json").stdout.splitlines()]
        s = next(x for x in items if x["session"] == "persist-1")
        assert s["host"] == "claude-code" and s["project"] == str(p) and not s["live"]
        assert s["counts"]["allow"] == 2 and s["counts"]["deny"] == 1
        shown = json.loads(adr(home, "sessions", "show", "persist", "--json").stdout)
        tl = shown["timeline"]
        assert [t["decision"] for t in tl] == ["allow", "allow", "deny"]
        assert tl[0]["snapshot"] and tl[0]["kind"] == "file_edit"  # the edit's pre-image snapshot
        assert "destruct.rm-root-or-home" in tl[2]["rules"] and tl[2]["decided_by"] == "engine"
        text = adr(home, "sessions", "show", "claude-code:persist-1")
        assert text.returncode == 0 and "timeline" in text.stdout
        missing = adr(home, "sessions", "show", "nope")
        assert missing.returncode == 1 and "no session" in missing.stderr
    finally:
        d.stop()


def test_a_live_session_shows_its_agent_process_tree(tmp_path):
    from adr.cli.sessions import process_tree

    child = subprocess.Popen(["sleep", "30"])
    try:
        tree = process_tree(os.getpid())
        assert tree[0]["pid"] == os.getpid() and any(t["pid"] == child.pid for t in tree)
    finally:
        child.kill()
        child.wait()
    assert process_tree(None) == [] and process_tree(2 ** 22 + 12345) == []

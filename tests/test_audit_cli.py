"""`adr log` filters, JSON output, follow across rotation, and `adr log verify`."""
import json
import threading
import time
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

from adr.actions import Action, ActionKind, Context, Decision, Finding, RuleAction, Severity, Verdict
from adr.record.audit import AuditLog, decision_entry
from adr.cli import main
from adr.cli.log import follow_records, parse_since
from adr.paths import get_paths


def _fill(home, n=6, max_bytes=20 * 1024 * 1024):
    log = AuditLog(get_paths({"ADR_HOME": str(home)}).ensure().audit_dir, max_bytes)
    for i in range(n):
        host = "claude-code" if i % 2 == 0 else "cursor"
        v = Verdict(Decision.DENY, findings=(Finding("cred.ssh-key-read", "t", Severity.HIGH, RuleAction.DENY),)) \
            if i % 3 == 0 else Verdict(Decision.ALLOW)
        a = Action(ActionKind.EXEC, Context(host=host, session=f"sess-{i % 2}"), command=f"cmd number {i}")
        log.append(decision_entry(a, v, decided_by="engine", latency_ms=0.2, host=host, request_id=f"id{i}"))
    return log


def _json_lines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_log_filters_and_json(tmp_path, monkeypatch):
    monkeypatch.setenv("ADR_HOME", str(tmp_path))
    _fill(tmp_path)
    r = CliRunner().invoke(main, ["log", "--json"])
    assert r.exit_code == 0 and [x["id"] for x in _json_lines(r.output)] == [f"id{i}" for i in range(6)]
    r = CliRunner().invoke(main, ["log", "--json", "--host", "cursor"])
    assert [x["id"] for x in _json_lines(r.output)] == ["id1", "id3", "id5"]
    r = CliRunner().invoke(main, ["log", "--json", "--verdict", "deny"])
    assert [x["id"] for x in _json_lines(r.output)] == ["id0", "id3"]
    r = CliRunner().invoke(main, ["log", "--json", "--rule", "cred.ssh-key-read", "--session", "sess-1"])
    assert [x["id"] for x in _json_lines(r.output)] == ["id3"]
    r = CliRunner().invoke(main, ["log", "--json", "--rule", "cred"])  # a pack prefix
    assert [x["id"] for x in _json_lines(r.output)] == ["id0", "id3"]
    r = CliRunner().invoke(main, ["log", "--json", "--since", "1h"])
    assert len(_json_lines(r.output)) == 6
    r = CliRunner().invoke(main, ["log", "--json", "--since", "2999-01-01"])
    assert _json_lines(r.output) == []
    r = CliRunner().invoke(main, ["log", "--json", "-n", "2"])
    assert [x["id"] for x in _json_lines(r.output)] == ["id4", "id5"]
    r = CliRunner().invoke(main, ["log"])
    assert r.exit_code == 0 and "cmd number 5" in r.output and "deny" in r.output
    r = CliRunner().invoke(main, ["log", "--since", "yesterday-ish"])
    assert r.exit_code == 4 and "duration" in r.output


def test_parse_since():
    now = datetime(2026, 1, 2, 12, 0, tzinfo=timezone.utc)
    assert parse_since("10m", now) == now - timedelta(minutes=10)
    assert parse_since("2d", now) == now - timedelta(days=2)
    assert parse_since("2026-01-01T00:00", now) == datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_log_verify_ok_and_broken(tmp_path, monkeypatch):
    monkeypatch.setenv("ADR_HOME", str(tmp_path))
    log = _fill(tmp_path)
    r = CliRunner().invoke(main, ["log", "verify"])
    assert r.exit_code == 0 and "6 records" in r.output and "intact" in r.output
    text = log.path.read_text().replace("cmd number 2", "cmd number 7")
    log.path.write_text(text)
    r = CliRunner().invoke(main, ["log", "verify"])
    assert r.exit_code == 1 and "BROKEN" in r.output and ":4" in r.output and "seq 4" in r.output


def test_follow_sees_new_records_across_rotation(tmp_path):
    log = _fill(tmp_path, n=2, max_bytes=4096)
    d = log.dir
    got = []

    def reader():
        for rec in follow_records(d, after_seq=2, poll=0.02):
            got.append(rec["seq"])
            if len(got) == 40:
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    writer = AuditLog(d, 4096)
    for i in range(40):
        writer.append(decision_entry(None, Verdict(Decision.ALLOW), decided_by="engine", latency_ms=0, request_id=f"f{i}"))
        time.sleep(0.002 * (i % 3))  # appends land before, during and after each catch-up scan
    t.join(30)
    assert got == list(range(3, 43))


def test_records_after_reads_a_range_in_order_across_files(tmp_path):
    from adr.cli.log import records_after
    log = _fill(tmp_path, n=30, max_bytes=2048)  # several rotated files
    assert len(log.files()) > 2
    got = [r["seq"] for r in records_after(log.dir, 5, before=25)]
    assert got == list(range(6, 25))
    assert [r["seq"] for r in records_after(log.dir, 28)] == [29, 30]

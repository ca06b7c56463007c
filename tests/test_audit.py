"""Audit log: hash chain, tamper detection, rotation without loss, concurrent writers, redaction."""
import json
import multiprocessing
import os
import stat

import pytest

from adr.actions import Action, ActionKind, Context, Decision, Finding, RuleAction, Severity, Verdict
from adr.record.audit import GENESIS, AuditLog, Origin, decision_entry, iter_records, rotated_files, verify
from adr.record.redact import redact


def _entry(i, cmd=None):
    a = Action(ActionKind.EXEC, Context(host="claude-code", session=f"s{i % 3}"), command=cmd or f"echo {i}")
    v = Verdict(Decision.DENY if i % 2 else Decision.ALLOW,
                findings=(Finding("test.rule", "t", Severity.HIGH, RuleAction.DENY),) if i % 2 else ())
    return decision_entry(a, v, decided_by="engine", latency_ms=0.1, origin=Origin(peer_pid=1), request_id=f"r{i}")


def test_records_chain_and_verify(tmp_path):
    log = AuditLog(tmp_path)
    first = log.append(_entry(1))
    second = log.append(_entry(2))
    assert first["prev"] == GENESIS and first["seq"] == 1 and second["seq"] == 2
    assert second["findings"] == [] and first["findings"][0]["rule_id"] == "test.rule"
    res = verify(tmp_path)
    assert res.ok and res.records == 2
    assert stat.S_IMODE(os.stat(log.path).st_mode) == 0o600


def test_verify_names_the_first_edited_record(tmp_path):
    log = AuditLog(tmp_path)
    for i in range(5):
        log.append(_entry(i))
    lines = log.path.read_bytes().splitlines(keepends=True)
    rec = json.loads(lines[2])
    rec["decision"] = "allow" if rec["decision"] == "deny" else "deny"
    lines[2] = json.dumps(rec, separators=(",", ":")).encode() + b"\n"
    log.path.write_bytes(b"".join(lines))
    res = verify(tmp_path)
    assert not res.ok
    assert res.broken.line == 4 and res.broken.seq == 4  # the record after the edit no longer follows
    assert "chain" in res.broken.problem


def test_verify_detects_a_deleted_record_and_garbage(tmp_path):
    log = AuditLog(tmp_path)
    for i in range(4):
        log.append(_entry(i))
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:1] + lines[2:]))
    assert not verify(tmp_path).ok
    log.path.write_bytes(b"".join(lines[:2] + [b"{oops\n"] + lines[2:]))
    res = verify(tmp_path)
    assert not res.ok and res.broken.line == 3 and "JSON" in res.broken.problem


def test_rotation_keeps_every_record_and_the_chain(tmp_path):
    log = AuditLog(tmp_path, max_bytes=4096)
    n = 120
    for i in range(n):
        log.append(_entry(i))
    rot = rotated_files(tmp_path)
    assert len(rot) >= 3
    for _, p in rot:
        assert p.stat().st_size <= 4096
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    seqs = [r["seq"] for r in iter_records(tmp_path)]
    assert seqs == list(range(1, n + 1))
    assert [r["id"] for r in iter_records(tmp_path)] == [f"r{i}" for i in range(n)]
    res = verify(tmp_path)
    assert res.ok and res.records == n and res.files == len(rot) + 1
    # a fresh writer (another process, a restarted daemon) continues the same chain
    AuditLog(tmp_path, max_bytes=4096).append(_entry(n))
    assert verify(tmp_path).ok and verify(tmp_path).records == n + 1


def test_tampering_inside_a_rotated_file_is_found(tmp_path):
    log = AuditLog(tmp_path, max_bytes=4096)
    for i in range(60):
        log.append(_entry(i))
    _, first = rotated_files(tmp_path)[0]
    first.write_bytes(first.read_bytes().replace(b"echo 1", b"echo 9", 1))
    res = verify(tmp_path)
    assert not res.ok and res.broken.file == first


def _writer(directory, start, count):
    log = AuditLog(directory, max_bytes=8192)
    for i in range(start, start + count):
        log.append(_entry(i))


def test_concurrent_writers_with_flock_keep_one_chain(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), k * 1000, 60)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    res = verify(tmp_path)
    assert res.ok and res.records == 240
    ids = sorted(r["id"] for r in iter_records(tmp_path))
    assert ids == sorted(f"r{k * 1000 + i}" for k in range(4) for i in range(60))


def test_a_torn_last_line_is_reported_and_the_log_continues(tmp_path):
    log = AuditLog(tmp_path)
    log.append(_entry(1))
    with open(log.path, "ab") as f:
        f.write(b'{"seq":2,"time":"x","hos')  # a writer died mid-line
    AuditLog(tmp_path).append(_entry(3))
    lines = log.path.read_bytes().splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["seq"] == 3
    res = verify(tmp_path)
    assert not res.ok and res.broken.line == 2


def test_records_redact_secrets(tmp_path):
    log = AuditLog(tmp_path)
    cmd = ("curl -H 'Authorization: Bearer abcdefghijklmnop' https://u:hunter2@api.example.com/x?key=s3cr3t "
           "&& export GITHUB_TOKEN=ghp_" + "a" * 36 + " AWS=AKIAIOSFODNN7EXAMPLE")
    rec = log.append(_entry(1, cmd))
    text = log.path.read_text()
    for secret in ("abcdefghijklmnop", "hunter2", "s3cr3t", "ghp_aaaa", "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in text
    assert "api.example.com" in rec["summary"] and "[REDACTED:" in rec["summary"]


@pytest.mark.parametrize("text,secret", [
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjE"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", "MIIEowIBAAKCAQEA"),
    ("echo glpat-abcdefghijklmnopqrstu", "glpat-abcdefghijklmnopqrstu"),
    ("SLACK=xoxb-1234567890-abcdefghij", "xoxb-1234567890"),
    ("key sk-ant-api03-abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwx"),
    ("OPENAI sk-proj-abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwx"),
    ("mysql --password=hunter2 db", "hunter2"),
    ('{"password": "correct horse"}', "correct horse"),
    ("db_password: swordfish", "swordfish"),
    ("psql postgres://admin:pa55@db/x", "pa55"),
    ("curl -H 'Proxy-Authorization: Basic dXNlcjpwYXNz'", "dXNlcjpwYXNz"),
    ("curl https://h/p?token=abc123", "abc123"),
])
def test_redaction_patterns(text, secret):
    assert secret not in redact(text)


def test_redaction_leaves_plain_commands_alone_and_is_bounded():
    for t in ("ls -la /tmp", "git commit -m 'fix the password reset page'", "echo $TOKEN", "npm install left-pad"):
        assert redact(t) == t
    out = redact("a" * 100_000, limit=300)
    assert len(out) <= 300


def test_cutting_records_off_the_end_or_editing_the_last_is_detected(tmp_path):
    log = AuditLog(tmp_path)
    for i in range(5):
        log.append(_entry(i))
    full = log.path.read_bytes()
    lines = full.splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:3]))
    res = verify(tmp_path)
    assert not res.ok and "missing" in res.broken.problem and "seq 3" in res.broken.problem
    log.path.write_bytes(b"".join(lines[:4]) + lines[4].replace(b"echo 4", b"echo 5"))
    res = verify(tmp_path)
    assert not res.ok and "last record" in res.broken.problem
    log.path.write_bytes(full)
    assert verify(tmp_path).ok

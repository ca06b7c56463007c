"""Export sinks against real receivers: rsyslog (started here on a loopback port with a config written
here) parses what adr sends back into RFC 5424 fields; a TLS syslog endpoint with its own CA; an
OTLP/HTTP receiver on 127.0.0.1 that decodes the protobuf with opentelemetry-proto; a rotated file.
And the runner: a collector that goes away loses nothing (spool), comes back and gets every event
exactly once, in order; a spool past its cap drops the oldest, counted."""
import json
import os
import socket
import ssl
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _fleet_helpers import OtlpReceiver, Rsyslog, free_port, ocsf_errors, wait_until  # noqa: E402

from adr.config import ExportSettings, FileSink as FileCfg, OtlpSink as OtlpCfg, SyslogSink as SyslogCfg  # noqa: E402
from adr.record.export.interface import SinkError, make_sink  # noqa: E402
from adr.record.export.ocsf import HostFacts, RuleInfo, events_for  # noqa: E402
from adr.record.export.runner import SinkRunner  # noqa: E402

HOST = HostFacts.here()


def event(seq, severity="high", decision="deny", kind="exec", summary=None):
    rec = {"seq": seq, "time": "2026-03-04T05:06:07.089Z", "id": f"r{seq:05d}", "event": "PreToolUse",
           "session": "s-sink", "agent": "claude", "host": "claude-code", "agent_pid": 100 + seq, "process": "claude",
           "kind": kind, "summary": summary or f"frobnicate --n {seq}", "decision": decision, "decided_by": "engine",
           "findings": [{"rule_id": "test.rule", "severity": severity, "action": decision, "source": "rules"}],
           "mode": "enforce", "reason": "blocked"}
    (ev,) = events_for(rec, {"test.rule": RuleInfo("a test rule", ("T1059.004",))}, HOST)
    assert ocsf_errors(ev) == []
    return json.dumps(ev, ensure_ascii=True, separators=(",", ":")).encode()


needs_rsyslog = pytest.mark.skipif(not Rsyslog.available(), reason="rsyslogd is not installed (make sysdeps)")


@pytest.fixture()
def rsyslog(tmp_path):
    r = Rsyslog(tmp_path / "rsyslog").start()
    yield r
    r.stop()


@needs_rsyslog
def test_rsyslog_receives_rfc5424_messages_with_the_ocsf_json(rsyslog):
    sink = make_sink("syslog", SyslogCfg(address=f"127.0.0.1:{rsyslog.port}", protocol="tcp"))
    sent = [event(1, "critical"), event(2, "medium", "ask"), event(3, "info")]
    sink.send(sent)
    sink.close()
    msgs = wait_until(lambda: len(rsyslog.messages()) >= 3 and rsyslog.messages(), 20)
    assert len(msgs) == 3
    for raw, m in zip(sent, msgs):
        ev = json.loads(raw)
        assert json.loads(m["msg"]) == ev  # the whole OCSF event, intact
        sev = {5: 2, 3: 4, 1: 6}[ev["severity_id"]]
        assert m["pri"] == 10 * 8 + sev  # authpriv
        assert (m["version"], m["app"], m["msgid"], m["sd"]) == ("1", "adr", "ocsf-2004", "-")
        assert m["procid"] == str(os.getpid()) and m["hostname"] == HOST.hostname.replace(" ", "")
        assert m["timestamp"].startswith("2026-03-04T05:06:07.089")


@needs_rsyslog
def test_a_relay_that_went_away_is_noticed_and_reconnected(rsyslog):
    cfg = SyslogCfg(address=f"127.0.0.1:{rsyslog.port}", protocol="tcp", facility="local3")
    sink = make_sink("syslog", cfg)
    sink.send([event(1)])
    assert wait_until(lambda: len(rsyslog.messages()) == 1, 20)
    rsyslog.stop()  # closes our connection (FIN): the next send must not vanish into a dead socket
    with pytest.raises(SinkError):
        sink.send([event(2)])
    assert sink.probe(1).status == "fail"
    rsyslog.start()
    sink.send([event(3)])
    msgs = wait_until(lambda: len(rsyslog.messages()) == 2 and rsyslog.messages(), 20)
    assert [json.loads(m["msg"])["metadata"]["sequence"] for m in msgs] == [1, 3]
    assert msgs[-1]["pri"] // 8 == 19  # local3
    assert sink.probe(2).status == "ok"


def make_ca_and_cert(tmp_path):
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("test relay CA")).issuer_name(name("test relay CA"))
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress
    cert = (x509.CertificateBuilder().subject_name(name("relay.test")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("relay.test"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False).sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    return tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"


class TlsRelay:
    """A TLS syslog endpoint on 127.0.0.1: reads octet-counted frames."""

    def __init__(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.frames = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                with self.ctx.wrap_socket(c, server_side=True) as s:
                    buf = b""
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        buf += chunk
                        while b" " in buf:
                            n, _, rest = buf.partition(b" ")
                            if len(rest) < int(n):
                                break
                            self.frames.append(rest[:int(n)])
                            buf = rest[int(n):]
            except (ssl.SSLError, OSError):
                continue


def test_syslog_over_tls_checks_the_relays_certificate(tmp_path):
    ca, cert, key = make_ca_and_cert(tmp_path)
    relay = TlsRelay(cert, key)
    good = make_sink("syslog", SyslogCfg(address=f"127.0.0.1:{relay.port}", protocol="tls", ca_file=str(ca),
                                         server_name="relay.test"))
    assert good.probe(3).status == "ok"
    good.send([event(1), event(2)])
    good.close()
    frames = wait_until(lambda: len(relay.frames) == 2 and relay.frames, 20)
    assert frames[0].startswith(b"<83>1 ") and json.loads(frames[1].split(b" - ", 1)[1])["metadata"]["sequence"] == 2
    # the system's CAs do not know this relay: refused, nothing sent
    stranger = make_sink("syslog", SyslogCfg(address=f"127.0.0.1:{relay.port}", protocol="tls"))
    with pytest.raises(SinkError):
        stranger.send([event(3)])
    assert stranger.probe(3).status == "fail"
    time.sleep(0.2)
    assert len(relay.frames) == 2
    relay.sock.close()


@pytest.fixture()
def receiver():
    r = OtlpReceiver().start()
    yield r
    r.stop()


def test_otlp_logs_carry_the_ocsf_event_as_the_body(receiver):
    sink = make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint + "/", timeout=5))
    sent = [event(i, sev) for i, sev in ((1, "critical"), (2, "low"), (3, "high"))]
    sink.send(sent)
    assert [r["body"] for r in receiver.records] == [s.decode() for s in sent]  # byte for byte, from protobuf
    assert receiver.bodies() == [json.loads(s) for s in sent]
    rec = receiver.records[0]
    assert rec["resource"]["service.name"] == "adr" and rec["resource"]["host.name"] == HOST.hostname
    assert rec["resource"]["user.name"] == HOST.user and rec["resource"]["service.version"] == HOST.version
    assert rec["attributes"] == {"ocsf.class_uid": 2004, "ocsf.type_uid": 200401}
    assert [r["severity_text"] for r in receiver.records] == ["Critical", "Low", "High"]
    assert [r["severity_number"] for r in receiver.records] == [21, 10, 17]  # FATAL, INFO2, ERROR
    assert receiver.records[0]["time_unix_nano"] == json.loads(sent[0])["time"] * 1_000_000
    assert sink.probe(3).status == "ok"
    sink.close()


def test_otlp_failures_are_errors_with_a_reason(receiver):
    receiver.status = 500
    sink = make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint, timeout=1))
    with pytest.raises(SinkError) as e:
        sink.send([event(1)])
    assert "500" in str(e.value) or "export" in str(e.value)
    receiver.stop()
    down = make_sink("otlp", OtlpCfg(endpoint=f"http://127.0.0.1:{free_port()}", timeout=0.5))
    with pytest.raises(SinkError):
        down.send([event(2)])
    assert down.probe(1).status == "fail"


def test_the_file_sink_rotates_and_keeps_its_files_private(tmp_path):
    path = tmp_path / "out" / "adr-ocsf.jsonl"
    sink = make_sink("file", FileCfg(path=str(path), max_bytes=4096, keep=2))
    for i in range(1, 41):
        sink.send([event(i)])
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["adr-ocsf.jsonl", "adr-ocsf.jsonl.1", "adr-ocsf.jsonl.2"]
    seqs = [json.loads(line)["metadata"]["sequence"] for p in (path.with_name("adr-ocsf.jsonl.2"),
            path.with_name("adr-ocsf.jsonl.1"), path) for line in p.read_text().splitlines()]
    assert seqs == sorted(seqs) and seqs[-1] == 40  # oldest rotated away, order kept
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in path.parent.iterdir())
    assert sink.probe().status == "ok"
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        with pytest.raises(SinkError):
            make_sink("file", FileCfg(path=str(ro / "x.jsonl"))).send([event(1)])


def fast(**kw):
    base = dict(batch=10, flush_interval=0.05, queue=20, retry_max=0.3, spool_max_bytes=1 << 20)
    base.update(kw)
    return ExportSettings(**base)


def test_a_collector_down_for_a_while_loses_nothing_and_gets_each_event_once(tmp_path):
    receiver = OtlpReceiver().start()
    receiver.stop()  # down from the start
    sink = make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint, timeout=0.5))
    runner = SinkRunner(sink, tmp_path / "spool", fast()).start()
    try:
        for i in range(1, 61):
            runner.offer([(i, event(i))])
        assert wait_until(lambda: runner.status()["failures"] >= 2, 30)
        st = runner.status()
        assert st["state"] == "retrying" and st["spooled"] == 60 and st["queued"] == 0 and st["last_error"]
        assert oct((tmp_path / "spool").stat().st_mode & 0o777) == "0o700"
        assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in (tmp_path / "spool").glob("*.jsonl"))
        receiver.start()
        for i in range(61, 81):  # while it drains, new events queue behind the spool
            runner.offer([(i, event(i))])
        assert wait_until(lambda: len(receiver.records) >= 80, 60)
        time.sleep(0.5)
        seqs = [b["metadata"]["sequence"] for b in receiver.bodies()]
        assert seqs == list(range(1, 81))  # every event, once, in order
        st = runner.status()
        assert (st["state"], st["sent"], st["spooled"], st["dropped"], st["queued"]) == ("ok", 80, 0, 0, 0)
    finally:
        runner.stop()
        receiver.stop()


def test_what_memory_held_at_shutdown_is_sent_by_the_next_run(tmp_path):
    receiver = OtlpReceiver().start()
    receiver.stop()
    cfg = fast(retry_max=30)
    runner = SinkRunner(make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint, timeout=0.3)), tmp_path / "sp", cfg).start()
    for i in range(1, 6):
        runner.offer([(i, event(i))])
    runner.stop()  # memory (or spool) → disk
    receiver.start()
    again = SinkRunner(make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint, timeout=2)), tmp_path / "sp", cfg)
    assert again.status()["spooled"] == 5
    again.start()
    try:
        assert wait_until(lambda: len(receiver.records) == 5, 30)
        assert [b["metadata"]["sequence"] for b in receiver.bodies()] == [1, 2, 3, 4, 5]
    finally:
        again.stop()
        receiver.stop()


def test_a_full_spool_drops_the_oldest_and_counts_them(tmp_path, caplog):
    receiver = OtlpReceiver()  # never started
    runner = SinkRunner(make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint, timeout=0.3)), tmp_path / "sp",
                        fast(spool_max_bytes=64 * 1024, retry_max=60)).start()
    try:
        n = 0
        while runner.status()["dropped"] == 0 and n < 2000:
            n += 1
            runner.offer([(n, event(n))])
        st = runner.status()
        assert st["dropped"] > 0 and st["spool_bytes"] <= 64 * 1024
        assert st["spooled"] + st["dropped"] + st["queued"] == n  # every event accounted for
        assert "dropped its" in caplog.text
    finally:
        runner.stop()
    receiver.start()
    again = SinkRunner(make_sink("otlp", OtlpCfg(endpoint=receiver.endpoint, timeout=2)), tmp_path / "sp",
                       fast(spool_max_bytes=64 * 1024)).start()
    try:
        assert wait_until(lambda: len(receiver.records) == st["spooled"], 30)
        seqs = [b["metadata"]["sequence"] for b in receiver.bodies()]
        assert seqs == list(range(n - len(seqs) + 1, n + 1))  # the newest survive, in order
    finally:
        again.stop()
        receiver.stop()

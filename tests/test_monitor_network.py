"""The network view (adr/monitor/network.py): a watched process's new connection to a destination the
rules flag is alerted and answered like a process, even when it ignores every proxy variable."""
from __future__ import annotations

import socket
import sys
import textwrap
import threading

import pytest

from _daemon_helpers import wait_for, write_test_rule
from _human import human_call
from _monitor_helpers import MonitorDaemon, stop_all, wrap
from adr.monitor.network import Conn, read_sockets

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/net")


def listener() -> "tuple[socket.socket, int]":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            held.append(c)
    threading.Thread(target=accept, daemon=True).start()
    return s, s.getsockname()[1]


def c2_rule(port: int) -> str:
    return textwrap.dedent(f"""\
        engine: 1
        pack: nettest
        rules:
          - id: nettest.c2
            title: a command-and-control port the tests made up
            description: stands for a destination a feed or rule flags
            severity: critical
            action: deny
            "on": url
            match: {{host: "127.0.0.1", port: {port}}}
            examples:
              match: ["http://127.0.0.1:{port}/"]
              not_match: ["http://127.0.0.1:1/"]
        """)


def test_the_socket_table_is_read(tmp_path):
    s, port = listener()
    c = socket.create_connection(("127.0.0.1", port))
    try:
        socks = read_sockets()
        mine = [x for x in socks.values() if x.port == port and x.ip == "127.0.0.1"]
        assert mine and mine[0].proto == "tcp"
        assert Conn(1, "tcp", "::1", 443).url == "https://[::1]:443/"
    finally:
        c.close()
        s.close()


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
def test_a_connection_to_a_flagged_destination_is_suspended(tmp_path):
    s, port = listener()
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user")
    write_test_rule(d.home, c2_rule(port), "nettest.yaml")
    d.start()
    agent = tmp_path / "beacon.py"
    # a raw socket: no proxy variable, no shim, nothing on the command line names the destination
    agent.write_text("import socket, sys, time\n"
                     "time.sleep(1)\n"
                     "c = socket.create_connection(('127.0.0.1', int(open(sys.argv[1]).read())))\n"
                     "c.sendall(b'hello')\n"
                     "time.sleep(30)\n")
    (tmp_path / "port").write_text(str(port))
    proc = wrap(d, [sys.executable, str(agent), str(tmp_path / "port")], "wrap-net")
    try:
        alert = d.wait_alert(lambda a: a["session"] == "wrap-net", "network")
        assert alert is not None, (d.alerts(), d.status()["components"]["processes"]["network"])
        assert alert["data"]["destination"] == f"127.0.0.1:{port}" and alert["data"]["rules"] == ["nettest.c2"]
        assert alert["data"]["state"] == "suspended" and "beacon.py" in alert["data"]["argv"]
        assert human_call(d.home, "processes.kill", {"id": alert["id"]})["ok"]
        assert wait_for(lambda: proc.poll() is not None, 20)
    finally:
        stop_all(proc)
        d.stop()
        s.close()


@pytest.mark.e2e  # a whole product flow (make e2e): slow for make test's budget
def test_connections_the_rules_allow_are_quiet(tmp_path):
    s, port = listener()
    d = MonitorDaemon(tmp_path / "adr", tmp_path / "user").start()
    agent = tmp_path / "client.py"
    agent.write_text("import socket, sys, time\n"
                     "c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
                     "time.sleep(2)\n")
    proc = wrap(d, [sys.executable, str(agent), str(port)], "wrap-quiet")
    try:
        assert proc.wait(30) == 0
        net = d.status()["components"]["processes"]["network"]
        assert net["judged"] >= 1 and not d.alerts("network")
    finally:
        stop_all(proc)
        d.stop()
        s.close()

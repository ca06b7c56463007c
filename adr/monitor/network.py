"""The network view of the watched trees: new connections, judged as destinations.

A process that ignores the proxy variables, or was never given them, still opens sockets. Every
NETWORK_EVERY ticks of the process monitor, when the kernel's socket counters (/proc/net/sockstat)
moved, the monitor reads the socket tables once (/proc/net/tcp, tcp6, udp, udp6: for the whole host,
not per process — the kernel walks its whole connection hash for them, a few ms on a big machine,
hence the gate) and looks only at sockets it has not seen before that have a remote end (TCP
established or connecting, connected UDP). Each new destination is judged like a
URL fetch (`http(s)://ADDRESS:PORT/`, tool "connection") by the daemon's Judge — the url rules,
downloaded feeds, and the reputation providers the user enabled — cached per destination. Only for
a destination the rules object to is its owner looked for among the watched processes (their
/proc/PID/fd links), so an idle desktop's browser traffic costs one table read per tick and one
cached judgement per new destination. A hit gets the process monitor's response (alert kind
"network"; notify / suspend / kill from the same settings).

What a socket cannot show: the host name the process resolved (rules about names, TLDs, paths
apply to what hooks, shims and the proxy see), and a connection that opens and closes between two
ticks. Elsewhere than Linux, psutil lists each watched process's connections (every 4th tick).
"""
from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psutil

from adr.actions import Action, ActionKind, Context, Decision
from adr.monitor import proctable as T

if TYPE_CHECKING:  # pragma: no cover
    from adr.monitor.process import ProcessMonitor

log = logging.getLogger("adr.monitor")

TABLES = (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6), ("udp", socket.AF_INET), ("udp6", socket.AF_INET6))
TCP_OPEN = frozenset({"01", "02"})  # ESTABLISHED, SYN_SENT
MAX_SEEN = 65536
PSUTIL_EVERY = 4


@dataclass(frozen=True)
class Conn:
    inode: int
    proto: str  # tcp | udp
    ip: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{'https' if self.port == 443 else 'http'}://{host}:{self.port}/"

    @property
    def dest(self) -> str:
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"


def _hex_ip(text: str, family: int) -> str:
    raw = bytes.fromhex(text)
    if family == socket.AF_INET:
        return socket.inet_ntop(family, raw[::-1])
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    ip = ipaddress.IPv6Address(words)
    return str(ip.ipv4_mapped) if ip.ipv4_mapped else str(ip)


def read_sockets(base: str = "/proc/self/net") -> dict[int, Conn]:
    """inode → connection, for every socket in this network namespace that has a remote end."""
    out: dict[int, Conn] = {}
    for name, family in TABLES:
        try:
            with open(f"{base}/{name}", "rb") as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        proto = name.rstrip("6")
        for line in lines:
            parts = line.split()
            if len(parts) < 10:
                continue
            remote, state, inode = parts[2].decode(), parts[3].decode(), int(parts[9])
            if inode == 0 or (proto == "tcp" and state not in TCP_OPEN):
                continue
            addr, _, port = remote.partition(":")
            p = int(port, 16)
            if p == 0:
                continue  # not connected (a listening or unconnected UDP socket)
            try:
                out[inode] = Conn(inode, proto, _hex_ip(addr, family), p)
            except (ValueError, OSError):
                continue
    return out


GATE_FIELDS = {b"TCP:": (b"inuse", b"orphan", b"tw", b"alloc"), b"UDP:": (b"inuse",), b"TCP6:": (b"inuse",),
               b"UDP6:": (b"inuse",)}


def sockstat(base: str = "/proc/self/net") -> tuple[bytes, ...]:
    """The kernel's TCP/UDP socket counts (two tiny files): unchanged means, but for a socket opened and
    another closed in the same interval, that no connection came or went — so the costly host-wide
    tables need not be read again. (Memory counters and unix sockets are left out: they move all the
    time on a busy machine.)"""
    out: list[bytes] = []
    for name in ("sockstat", "sockstat6"):
        try:
            with open(f"{base}/{name}", "rb") as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        for line in lines:
            words = line.split()
            keep = GATE_FIELDS.get(words[0]) if words else None
            if keep:
                out += [words[i + 1] for i, w in enumerate(words[:-1]) if w in keep]
    return tuple(out)


def socket_inodes(pid: int) -> set[int]:
    """The socket inodes a process holds (its /proc/PID/fd links)."""
    out: set[int] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return out
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(int(target[8:-1]))
    return out


class NetworkView:
    def __init__(self, monitor: "ProcessMonitor") -> None:
        self.m = monitor
        self.seen: set[int] = set()
        self.seen_pairs: "OrderedDict[tuple[int, float, str], None]" = OrderedDict()  # psutil fallback
        self.ticks = 0
        self.counts = {"connections": 0, "judged": 0, "flagged": 0, "alerts": 0, "no_owner": 0}
        self._busy = False
        self._sockstat: tuple[bytes, ...] = ()
        self.tables = 0  # socket tables read (the rest of the ticks the sockstat gate said "no change")

    def tick(self) -> None:
        """(monitor thread) Find new connections; judging and the owner search go to a worker."""
        self.ticks += 1
        if self._busy:  # the last batch is still being judged (look-ups): its sockets wait a tick
            return
        if not T.HAVE_PROC:
            if self.ticks % PSUTIL_EVERY == 0:
                self._tick_psutil()
            return
        gate = sockstat()
        if gate and gate == self._sockstat:
            return  # no socket opened, closed or moved data anywhere since the last look
        self._sockstat = gate
        self.tables += 1
        socks = read_sockets()
        new = [c for i, c in socks.items() if i not in self.seen]
        self.seen = set(socks) if len(socks) < MAX_SEEN else set()
        if not new:
            return
        self.counts["connections"] += len(new)
        self._submit(self._judge_batch, new)

    def _submit(self, fn: Any, *args: Any) -> None:
        pool = self.m._pool
        if pool is None:
            return
        self._busy = True
        try:
            pool.submit(self._guarded, fn, *args)
        except RuntimeError:
            self._busy = False

    def _guarded(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except Exception:
            log.exception("network view failed")
        finally:
            self._busy = False

    def judge(self, conn: Conn, tree: Any = None) -> "tuple[Any, Decision]":
        from adr.monitor.process import effective

        spec = tree.spec if tree is not None else None
        action = Action(ActionKind.URL_FETCH, Context(host=spec.host if spec else "monitor",
                                                      agent=spec.agent if spec else "",
                                                      session=spec.sid if spec else "", tool="connection"),
                        url=conn.url)
        v = self.m.verdict_for(action)
        self.counts["judged"] += 1
        return v, effective(v)

    def _judge_batch(self, conns: list[Conn]) -> None:
        flagged = {}
        for c in conns:
            v, decision = self.judge(c)
            if decision is not Decision.ALLOW:
                flagged[c.inode] = (c, v, decision)
        if not flagged:
            return
        self.counts["flagged"] += len(flagged)
        owners = self._owners(set(flagged))
        for inode, (c, v, decision) in flagged.items():
            pid = owners.get(inode)
            if pid is None:
                self.counts["no_owner"] += 1
                continue
            self._respond(pid, c, v, decision)

    def _owners(self, inodes: set[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for pid in list(self.m.members):
            if len(out) == len(inodes):
                break
            for i in socket_inodes(pid) & inodes:
                out[i] = pid
        return out

    def _respond(self, pid: int, c: Conn, v: Any, decision: Decision) -> None:
        m = self.m.members.get(pid)
        tree = self.m.trees.get(m.sid) if m is not None else None
        if m is None or tree is None:
            return
        argv = m.argv or T.cmdline(pid) or ()
        self.counts["alerts"] += 1
        spec = tree.spec
        title = f"{spec.agent or spec.host} session {spec.sid}: pid {pid} connected to {c.dest}"
        self.m.respond(tree, m, tuple(argv), v, decision, kind="network", what=title,
                       extra=(("destination", c.dest), ("protocol", c.proto), ("url", c.url)))

    def _tick_psutil(self) -> None:
        """Elsewhere than Linux: each watched process's own connections (psutil)."""
        fresh: list[tuple[int, Conn]] = []
        for pid, m in list(self.m.members.items()):
            try:
                conns = psutil.Process(pid).net_connections(kind="inet")
            except (psutil.Error, OSError):
                continue
            for k in conns:
                if not k.raddr:
                    continue
                key = (pid, m.start, f"{k.raddr.ip}:{k.raddr.port}")
                if key in self.seen_pairs:
                    continue
                self.seen_pairs[key] = None
                while len(self.seen_pairs) > MAX_SEEN:
                    self.seen_pairs.popitem(last=False)
                fresh.append((pid, Conn(0, "tcp" if k.type == socket.SOCK_STREAM else "udp", k.raddr.ip, k.raddr.port)))
        if fresh:
            self.counts["connections"] += len(fresh)
            self._submit(self._judge_pairs, fresh)

    def _judge_pairs(self, pairs: list[tuple[int, Conn]]) -> None:
        for pid, c in pairs:
            v, decision = self.judge(c)
            if decision is not Decision.ALLOW:
                self.counts["flagged"] += 1
                self._respond(pid, c, v, decision)

    def status(self) -> dict[str, Any]:
        return {"ticks": self.ticks, "tables_read": self.tables, "sockets_seen": len(self.seen), **self.counts}

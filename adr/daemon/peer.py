"""Who is on the other end of a Unix socket connection: uid and pid from the kernel.

The socket file is 0600 in a 0700 directory already; checking the peer's uid on every connection
is the second lock (a root-owned or misconfigured runtime dir, a socket passed around, a path
override). The pid is recorded so the audit log can name the agent process behind a request.
"""
from __future__ import annotations

import socket
import struct
import sys
from dataclasses import dataclass

# macOS / BSD: getsockopt(SOL_LOCAL, LOCAL_PEERCRED) → struct xucred; LOCAL_PEERPID → pid_t
_SOL_LOCAL = 0
_LOCAL_PEERCRED = 0x001
_LOCAL_PEERPID = 0x002


@dataclass(frozen=True)
class PeerCred:
    uid: int
    pid: int | None  # None where the platform cannot tell
    gid: int | None = None


class PeerCredError(OSError):
    pass


def peer_credentials(sock: "socket.socket") -> PeerCred:
    """The kernel's idea of the peer's identity (not anything the peer says about itself)."""
    try:
        if hasattr(socket, "SO_PEERCRED"):  # Linux
            raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            pid, uid, gid = struct.unpack("3i", raw)
            return PeerCred(uid=uid, pid=pid or None, gid=gid)
        if sys.platform == "darwin" or "bsd" in sys.platform:
            raw = sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERCRED, struct.calcsize("IIh16I") + 8)
            _version, uid = struct.unpack_from("Ii", raw)
            pid = None
            try:
                pid = struct.unpack("i", sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERPID, 4))[0]
            except OSError:
                pass
            return PeerCred(uid=uid, pid=pid)
    except OSError as e:
        raise PeerCredError(f"cannot read the peer's credentials: {e}") from None
    raise PeerCredError(f"peer credentials are not supported on {sys.platform}")


def peer_allowed(cred: PeerCred, expected_uid: int) -> bool:
    """Only the user who runs the daemon may talk to it (root is not an exception)."""
    return cred.uid == expected_uid

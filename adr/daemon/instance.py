"""One daemon per user: a locked pid file, a private runtime dir, and a socket nobody else can use.

The pid file's flock is the truth (it dies with the process), so a socket left behind by a crash is
recognised as stale and replaced, while a live daemon makes a second start fail with its pid.

Under the login service (`adr service install`: a systemd --user socket unit) systemd owns the
listening socket and hands it over on fd 3 (`LISTEN_FDS`/`LISTEN_PID`, sd_listen_fds(3)): the daemon
adopts it — only if it is a listening Unix stream socket at exactly adr's socket path, owned by this
user — and binds its own otherwise. The peer-credential check on every connection is the same either way.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import stat
from pathlib import Path


class AlreadyRunning(RuntimeError):
    pass


class UnsafeRuntimeDir(RuntimeError):
    pass


class SocketHandoverError(RuntimeError):
    """A socket was handed over (LISTEN_FDS) that adr must not serve on; the message says why."""


LISTEN_FDS_START = 3  # SD_LISTEN_FDS_START
_LISTEN_VARS = ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")


def prepare_private_dir(path: Path) -> None:
    """Create `path` 0700 and refuse one that another user owns or others can enter."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = path.stat()
    if st.st_uid != os.geteuid():
        raise UnsafeRuntimeDir(f"{path} belongs to uid {st.st_uid}, not to you (uid {os.geteuid()}); remove it or set ADR_HOME")
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(path, 0o700)


class InstanceLock:
    def __init__(self, pid_file: Path) -> None:
        self.pid_file = pid_file
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.pid_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise AlreadyRunning(f"the adr daemon is already running (pid {read_pid(self.pid_file) or '?'}); "
                                     "see `adr status`, stop it with `adr daemon stop`") from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def socket_in_use(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect(os.fspath(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


def bind_socket(path: Path) -> socket.socket:
    """A listening socket at `path`, 0600 from birth; a stale socket there is removed first.

    Call with the instance lock held, so "stale" means no adr daemon owns it."""
    prepare_private_dir(path.parent)
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise UnsafeRuntimeDir(f"{path} exists and is not a socket; remove it")
        if socket_in_use(path):
            raise AlreadyRunning(f"something is already listening on {path}")
        path.unlink()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        s.bind(os.fspath(path))
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    s.listen(512)
    s.setblocking(False)
    return s


def adopt_socket(path: Path, environ: "os._Environ[str] | dict[str, str] | None" = None) -> "socket.socket | None":
    """The listening socket systemd handed to this process for `path`, or None when nothing was handed
    over (LISTEN_FDS unset, or LISTEN_PID names another process: the variables were inherited).
    SocketHandoverError when what was handed over is not adr's socket. The variables are removed from
    the environment, so nothing this daemon starts inherits them."""
    env = os.environ if environ is None else environ
    fds, pid = env.get("LISTEN_FDS", ""), env.get("LISTEN_PID", "")
    if not fds:
        return None
    for k in _LISTEN_VARS:
        env.pop(k, None)
    if pid != str(os.getpid()):
        return None
    if fds != "1":
        raise SocketHandoverError(f"systemd handed over {fds!r} sockets; adr's socket unit has exactly one "
                                  "(ListenStream=): run `adr service install` again")
    try:
        s = socket.socket(fileno=LISTEN_FDS_START)
    except OSError as e:
        raise SocketHandoverError(f"fd {LISTEN_FDS_START} is not a socket ({e})") from None
    try:
        if s.family != socket.AF_UNIX or s.type != socket.SOCK_STREAM:
            raise SocketHandoverError(f"the handed-over socket is {s.family.name}/{s.type.name}, not a Unix stream socket")
        if not s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            raise SocketHandoverError("the handed-over socket is not listening")
        name = s.getsockname()
        if not isinstance(name, str) or os.path.abspath(name) != os.path.abspath(path):
            raise SocketHandoverError(
                f"systemd handed over a socket at {name!r}, but adr's socket is {path} (ADR_HOME, ADR_SOCKET or "
                "XDG_RUNTIME_DIR differ from when the service was installed): run `adr service install` again")
        prepare_private_dir(path.parent)
        st = path.lstat()
        if not stat.S_ISSOCK(st.st_mode) or st.st_uid != os.geteuid():
            raise SocketHandoverError(f"{path} is not a socket owned by you (uid {os.geteuid()})")
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, 0o600)  # SocketMode=0600 in the unit; a hand-started activator may differ
    except (SocketHandoverError, OSError) as e:
        s.detach()  # leave the descriptor to its owner
        if isinstance(e, OSError):
            raise SocketHandoverError(f"cannot check the handed-over socket: {e}") from None
        raise
    s.set_inheritable(False)
    s.setblocking(False)
    return s

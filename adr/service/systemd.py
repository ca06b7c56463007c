"""Linux: a systemd --user socket unit + service unit (templates in packaging/service/).

adr.socket listens on adr's socket path (absolute, computed for this user: the same path the hooks
compute), 0600 in a 0700 directory; the first connection starts adr.service, whose daemon adopts the
socket (adr/daemon/instance.py). Restart=always brings a daemon back whatever made it exit; while it
is gone systemd keeps the socket, so hooks that connect meanwhile wait in the backlog and are answered
by the next daemon. Units go to $XDG_CONFIG_HOME/systemd/user/ (~/.config/systemd/user/).

`systemctl --user enable` works on the files alone (no running user manager needed: it makes the
`.wants` links); starting, stopping and the live state need the user's manager (a login session).
"""
from __future__ import annotations

from pathlib import Path

from adr.paths import Paths
from adr.service.interface import UNITS, Manager, Outcome, ServiceError, Spec, Status

MARK = b"adr-managed-file"  # in every unit adr writes (the templates' first line)
SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-:@=,")


def unit_dir(env: "dict[str, str]", home: Path) -> Path:
    xdg = (env.get("XDG_CONFIG_HOME") or "").strip()
    return (Path(xdg) if xdg else home / ".config") / "systemd" / "user"


def _check(value: str, what: str) -> str:
    bad = [c for c in value if c in '"\\$%\'' or ord(c) < 0x20 or ord(c) == 0x7F]
    if bad:
        raise ServiceError(f"{what} {value!r} holds {bad[0]!r}, which adr does not write into a systemd unit; "
                           "install adr under a plainer path")
    return value


def quote(value: str, what: str) -> str:
    """One ExecStart= / Environment= word: as is when plain, else in double quotes (systemd.syntax(7))."""
    _check(value, what)
    return value if value and set(value) <= SAFE else f'"{value}"'


PLACEHOLDERS = ("@SOCKET@", "@EXEC_START@", "@ENVIRONMENT@")


def render_units(spec: Spec, templates: Path) -> "dict[str, bytes]":
    """adr.socket and adr.service for this spec, from the templates."""
    sock = _check(str(spec.socket), "the socket path")
    if not spec.socket.is_absolute():
        raise ServiceError(f"the socket path {sock} is not absolute")
    exec_start = " ".join(quote(w, "the daemon command") for w in spec.exec_argv)
    envs = "\n".join(f"Environment={quote(f'{k}={v}', 'the environment value')}" for k, v in spec.environment)
    out = {}
    for name in UNITS:
        text = (templates / name).read_text(encoding="utf-8")
        text = text.replace("@SOCKET@", sock).replace("@EXEC_START@", exec_start)
        text = text.replace("@ENVIRONMENT@\n", envs + "\n" if envs else "")
        left = [p for p in PLACEHOLDERS if p in text]
        if left:
            raise ServiceError(f"the template {name} has {left[0]} where adr does not fill it in")
        out[name] = text.encode("utf-8")
    return out


def listen_stream(unit_text: str) -> str:
    for line in unit_text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "ListenStream":
            return value.strip()
    return ""


class SystemdUser(Manager):
    name = "systemd"

    def files(self) -> list[Path]:
        d = unit_dir(self.env, self.home)
        return [d / n for n in UNITS]

    def render(self) -> dict[Path, bytes]:
        from adr.paths import service_templates_dir

        units = render_units(self.spec, service_templates_dir())
        return {path: units[path.name] for path in self.files()}

    def _ctl(self, *args: str) -> "tuple[int, str]":
        return self._run(["systemctl", "--user", *args])

    def reachable(self) -> "tuple[bool, str]":
        rc, out = self._ctl("show", "--property=Version")
        return rc == 0, out

    def install(self, *, start: bool = True, dry_run: bool = False) -> Outcome:
        changes = self._write(dry_run, MARK)
        if dry_run:
            return Outcome(tuple(changes), notes=("dry run: systemctl not run",))
        notes, warnings = [], []
        up, why = self.reachable()
        if up:
            self._must(self._ctl("daemon-reload"), "daemon-reload")
        self._must(self._ctl(*([] if up else ["--no-reload"]), "enable", *UNITS), "enable")
        notes.append(f"enabled {' and '.join(UNITS)}: they start at login")
        started = False
        if not start:
            notes.append("not started (--no-start): `adr service start`")
        elif not up:
            warnings.append(f"the systemd user manager is not reachable here ({_first(why)}): the units start at "
                            "your next login; until then `adr daemon` in a terminal")
        else:
            running = _hand_started_daemon(self.paths)
            if running:
                warnings.append(f"a daemon started by hand is running (pid {running}): stop it (`adr daemon stop`), "
                                "then `adr service start`")
            else:
                if any(c.action != "unchanged" for c in changes):
                    self._ctl("stop", *reversed(UNITS))  # a changed socket path needs a fresh socket
                self._must(self._ctl("start", *UNITS), "start")
                started = True
                notes.append("started: the socket listens and the daemon runs")
        return Outcome(tuple(changes), tuple(notes), tuple(warnings), started)

    def uninstall(self, *, dry_run: bool = False) -> Outcome:
        notes: list[str] = []
        if not dry_run and any(p.exists() for p in self.files()):
            up, _why = self.reachable()
            if up:
                self._ctl("stop", *reversed(UNITS))
            self._ctl(*([] if up else ["--no-reload"]), "disable", *UNITS)
            notes.append("stopped and disabled" if up else "disabled")
        changes = self._remove(dry_run, MARK)
        if not dry_run and self.reachable()[0]:
            self._ctl("daemon-reload")
        return Outcome(tuple(changes), tuple(notes))

    def start(self) -> Outcome:
        self._require_installed()
        up, why = self.reachable()
        if not up:
            raise ServiceError(f"the systemd user manager is not reachable ({_first(why)})")
        running = _hand_started_daemon(self.paths)
        if running:
            raise ServiceError(f"a daemon started by hand is running (pid {running}); stop it first (`adr daemon stop`)")
        self._must(self._ctl("start", *UNITS), "start")
        return Outcome(notes=("started",), started=True)

    def stop(self) -> Outcome:
        self._require_installed()
        up, why = self.reachable()
        if not up:
            raise ServiceError(f"the systemd user manager is not reachable ({_first(why)})")
        self._must(self._ctl("stop", *reversed(UNITS)), "stop")
        return Outcome(notes=("stopped (it starts again at the next login, or with `adr service start`)",))

    def status(self) -> Status:
        files = self.files()
        installed = all(p.is_file() and MARK in p.read_bytes() for p in files)
        sock = listen_stream(files[0].read_text(encoding="utf-8", errors="replace")) if files[0].is_file() else ""
        rc, out = self._ctl("is-enabled", *UNITS)
        enabled = rc == 0 and all(w == "enabled" for w in out.split())
        up, why = self.reachable()
        units: dict[str, dict[str, str]] = {}
        problems = []
        if up:
            for name in UNITS:
                rc, out = self._ctl("show", name, "--property=ActiveState,SubState,UnitFileState,MainPID,NRestarts")
                units[name] = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        else:
            problems.append(f"the systemd user manager is not reachable ({_first(why)})")
        active = bool(units) and units.get(UNITS[0], {}).get("ActiveState") == "active"
        if installed and sock and sock != str(self.spec.socket):
            problems.append(f"the socket unit listens on {sock}, but adr's socket is {self.spec.socket}: "
                            "run `adr service install` again")
        return Status(self.name, installed, tuple(str(p) for p in files), up, enabled, active, units, sock,
                      tuple(problems))

    def _require_installed(self) -> None:
        if not all(p.is_file() for p in self.files()):
            raise ServiceError("the service is not installed: `adr service install` (or `adr setup`)")

    @staticmethod
    def _must(result: "tuple[int, str]", what: str) -> None:
        rc, out = result
        if rc != 0:
            raise ServiceError(f"systemctl --user {what} failed (exit {rc}): {_first(out)}")


def _first(text: str) -> str:
    return (text.strip().splitlines() or ["no output"])[0][:300]


def _hand_started_daemon(paths: Paths) -> "int | None":
    """The pid of a daemon that answers on adr's socket but was not handed its socket by systemd."""
    from adr.daemon import protocol as P
    from adr.daemon.client import DaemonUnavailable, request

    try:
        resp = request(P.Request(op="status", id=P.new_id()), path=paths.socket, timeout=2.0,
                       connect_timeout=0.5)
    except (DaemonUnavailable, P.ProtocolError):
        return None
    if resp.ok and not resp.data.get("socket_activated"):
        return int(resp.data.get("pid") or 0) or None
    return None

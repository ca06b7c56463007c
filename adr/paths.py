"""Every file and socket adr uses, in one place.

`ADR_HOME` (tests, portable installs) puts config, state, cache and runtime under one directory;
otherwise platformdirs gives the per-user locations of the platform.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from adr import runtime
from adr.programs import SHIPPED

APP = "adr"
PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent  # a source checkout / editable install: rules/ and hooks/ beside adr/
SHIPPED_DIR = PACKAGE_DIR / SHIPPED  # a wheel / sdist install: setup.py copies rules/, hooks/, packaging/service/ here
DATA_DIR = PACKAGE_DIR / "data"
# indexes compiled from DATA_DIR when adr is built or installed (setup.py, `make install`), read-only
# afterwards: the daemon's first start then has them at once instead of building them per user
PREBUILT_DIR = PACKAGE_DIR / "_built"
INTEGRITY_KEY_NAME = "integrity.key"  # in the state dir, beside the grants it authenticates


class MissingShippedData(RuntimeError):
    """adr's own rule packs or host templates are not where this installation keeps them."""


def _is_checkout() -> bool:
    try:
        text = (SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return 'name = "adr"' in text and (SOURCE_ROOT / "adr" / "paths.py").is_file()


def shipped_dir(name: str) -> Path:
    """`rules` or `hooks` as this installation has them: the checkout's own top-level folder when adr
    runs from one, else the copy inside the package. Never a folder that merely happens to sit next to
    site-packages; a missing one is an error (an adr without its rules would protect nothing)."""
    if not SHIPPED_DIR.is_dir() and _is_checkout():
        path = SOURCE_ROOT / name
    else:
        path = SHIPPED_DIR / name
    if not path.is_dir():
        raise MissingShippedData(f"adr's shipped {name} are missing from this installation (looked in {path}); "
                                 "reinstall adr (a wheel or `pip install` of the repository)")
    return path


def builtin_rules_dir() -> Path:
    return shipped_dir("rules")


def hooks_dir() -> Path:
    return shipped_dir("hooks")


def service_templates_dir() -> Path:
    """The login service's unit / plist templates (packaging/service)."""
    return shipped_dir("packaging/service")


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    state_dir: Path
    cache_dir: Path
    runtime_dir: Path
    env: "dict[str, str] | None" = None

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.yaml"

    @property
    def user_rules_dir(self) -> Path:
        return self.config_dir / "rules"

    @property
    def socket(self) -> Path:
        return runtime.socket_path(self.env) if self.env is not None else self.runtime_dir / runtime.SOCKET_NAME

    @property
    def pid_file(self) -> Path:
        return self.runtime_dir / "adr.pid"

    @property
    def audit_dir(self) -> Path:
        return self.state_dir / "audit"

    @property
    def audit_log(self) -> Path:
        return self.audit_dir / "audit.jsonl"

    @property
    def grants_db(self) -> Path:
        return self.state_dir / "grants.sqlite3"

    @property
    def integrity_key(self) -> Path:
        """The daemon's MAC key (grants, compiled-rule cache): 0600, never readable by an agent."""
        return self.state_dir / INTEGRITY_KEY_NAME

    @property
    def rule_cache_dir(self) -> Path:
        return self.cache_dir / "rules"

    @property
    def confirmed_settings(self) -> Path:
        """The settings in force as the daemon last applied them (adr/config.py: weakening holds)."""
        return self.state_dir / "settings.confirmed.json"

    @property
    def reputation_cache(self) -> Path:
        return self.cache_dir / "reputation.sqlite3"

    @property
    def feeds_dir(self) -> Path:
        return self.state_dir / "feeds"

    @property
    def backups_dir(self) -> Path:
        return self.state_dir / "backups"

    @property
    def snapshots_dir(self) -> Path:
        """Pre-image snapshots for `adr undo`: objects/ (sha256 → bytes), incoming/, snapshots.sqlite3."""
        return self.state_dir / "snapshots"

    @property
    def runs_dir(self) -> Path:
        """Run records: the full, unredacted action of each decision (JSON Lines, for `adr replay`)."""
        return self.state_dir / "runs"

    @property
    def index_db(self) -> Path:
        """The history index (SQLite) of the audit log, sessions and run records; rebuilt when missing."""
        return self.state_dir / "index.sqlite3"

    @property
    def export_dir(self) -> Path:
        """Fleet export: the audit cursor, per-sink spools and counters (adr/record/export)."""
        return self.state_dir / "export"

    @property
    def policy_dir(self) -> Path:
        """The organisation's last good signed bundle and its unpacked packs (adr/policy/central.py)."""
        return self.state_dir / "policy"

    @property
    def daemon_log(self) -> Path:
        return self.state_dir / "daemon.log"

    def ensure(self) -> "Paths":
        """Create every directory user-only (0700); state files inherit that privacy."""
        for d in (self.config_dir, self.state_dir, self.cache_dir, self.runtime_dir, self.audit_dir):
            d.mkdir(parents=True, exist_ok=True)
            try:
                os.chmod(d, 0o700)
            except OSError:
                pass
        return self


def get_paths(env: "os._Environ[str] | dict[str, str] | None" = None) -> Paths:
    env = dict(os.environ if env is None else env)
    base = runtime.adr_home(env)
    if base is not None:
        return Paths(base / "config", base / "state", base / "cache", runtime.runtime_dir(env), env)
    if sys.platform.startswith("linux") or sys.platform.startswith(("freebsd", "openbsd", "netbsd")):
        # platformdirs' XDG rule, read from `env` (it reads only this process's environment): a daemon
        # or a test that describes another installation gets that installation's places
        home = env.get("HOME") or os.path.expanduser("~")

        def xdg(var: str, default: str) -> Path:
            return Path(env.get(var, "").strip() or os.path.join(home, default)) / APP

        return Paths(xdg("XDG_CONFIG_HOME", ".config"), xdg("XDG_STATE_HOME", ".local/state"),
                     xdg("XDG_CACHE_HOME", ".cache"), runtime.runtime_dir(env), env)
    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP, appauthor=False)),
        state_dir=Path(platformdirs.user_state_dir(APP, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP, appauthor=False)),
        runtime_dir=runtime.runtime_dir(env),
        env=env,
    )

"""User settings: one frozen value, loaded from config.yaml, with every default defined here."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from adr.paths import Paths, get_paths

MODES = ("enforce", "monitor")
SENSITIVITIES = ("strict", "balanced", "relaxed")
FAIL_MODES = ("ask", "deny", "allow")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    mode: str = "enforce"  # monitor: compute and record, allow everything
    sensitivity: str = "balanced"  # strict | balanced | relaxed: moves ask<->deny by severity
    fail_mode: str = "ask"  # when nothing can evaluate: ask where the host can ask, else deny
    auto_approve: bool = False  # print an explicit allow for what adr judges safe
    approval_timeout: float = 55.0  # seconds a question waits for the human
    hook_timeout: int = 60  # seconds written into host hook configs (> approval_timeout)
    allow_critical_override: bool = False  # may a deny-level rule be waved through (with confirmation)
    offline: bool = False  # no network look-ups at all
    lookup_budget: float = 1.0  # seconds for all reputation look-ups of one decision
    connect_timeout: float = 0.3
    providers: tuple[str, ...] = ()  # enabled reputation providers (off by default: private)
    extra_rule_dirs: tuple[str, ...] = ()
    disabled_rules: tuple[str, ...] = ()
    audit_max_bytes: int = 20 * 1024 * 1024
    audit_fail: str = "ask"  # the answer when the audit record cannot be written: ask | deny | allow
    breaker_denies: int = 5  # denies within breaker_window_min that put a session into lockdown (0: off)
    breaker_asks: int = 10  # asks within the window that do the same (0: off)
    breaker_window_min: float = 10.0
    quota_installs: int = 0  # package installs per session before quota_action (0: no quota)
    quota_fetches: int = 0  # network fetches per session
    quota_deletes: int = 0  # file deletions per session
    quota_action: str = "ask"  # ask | deny | lockdown
    decision_budget_ms: float = 500.0  # a net under the work bound: engine (thread CPU) time per decision

    def validate(self) -> "Settings":
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.sensitivity not in SENSITIVITIES:
            raise ConfigError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}, not {self.sensitivity!r}")
        if self.fail_mode not in FAIL_MODES:
            raise ConfigError(f"fail_mode must be one of {', '.join(FAIL_MODES)}, not {self.fail_mode!r}")
        if self.audit_fail not in FAIL_MODES:
            raise ConfigError(f"audit_fail must be one of {', '.join(FAIL_MODES)}, not {self.audit_fail!r}")
        if self.quota_action not in ("ask", "deny", "lockdown"):
            raise ConfigError(f"quota_action must be ask, deny or lockdown, not {self.quota_action!r}")
        if min(self.breaker_denies, self.breaker_asks, self.quota_installs, self.quota_fetches,
               self.quota_deletes) < 0 or self.breaker_window_min <= 0:
            raise ConfigError("breaker and quota numbers must be 0 or more (breaker_window_min more than 0)")
        if not 1 <= self.decision_budget_ms <= 60_000:
            raise ConfigError("decision_budget_ms must be from 1 to 60000")
        if not 1 <= self.approval_timeout < self.hook_timeout:
            raise ConfigError("approval_timeout must be at least 1 s and shorter than hook_timeout")
        return self


_TUPLE_FIELDS = {f.name for f in fields(Settings) if f.type.startswith("tuple")}


def load_settings(paths: Paths | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Read config.yaml (missing file: defaults). Unknown keys are an error, named."""
    paths = paths or get_paths()
    data: dict[str, Any] = {}
    cf = paths.config_file
    if cf.exists():
        try:
            loaded = yaml.safe_load(cf.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise ConfigError(f"{cf}: not valid YAML: {e}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{cf}: must be a mapping of settings")
        data.update(loaded)
    data.update(overrides or {})
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{cf}: unknown setting(s): {', '.join(unknown)}")
    for k in _TUPLE_FIELDS & set(data):
        v = data[k]
        data[k] = tuple(v) if isinstance(v, (list, tuple)) else (v,)
    try:
        return replace(Settings(), **data).validate()
    except TypeError as e:
        raise ConfigError(f"{cf}: {e}") from None


def save_settings(settings: Settings, paths: Paths | None = None) -> Path:
    paths = (paths or get_paths()).ensure()
    default = Settings()
    out = {f.name: (list(v) if isinstance(v, tuple) else v)
           for f in fields(Settings) if (v := getattr(settings, f.name)) != getattr(default, f.name)}
    tmp = paths.config_file.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(out, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, paths.config_file)
    return paths.config_file

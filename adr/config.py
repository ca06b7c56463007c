"""User settings: one frozen value, loaded from config.yaml, with every default defined here.

A change that weakens protection (PROTECTION below) does not take effect because config.yaml says
so: anything running as the user — an agent too — can write that file. The daemon keeps the last
settings in force in `settings.confirmed.json` (state dir) and, until the human confirms a weaker
value from their own channel, keeps the stronger one for that setting (adr/daemon/settings_guard.py);
everything that reads settings without the daemon (the hook's in-process fallback, `adr check`)
applies the same holds through `load_settings`. Strengthening and neutral changes apply at once.
"""
from __future__ import annotations

import json
import os
import types
from dataclasses import MISSING, asdict, dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import yaml

from adr.paths import Paths, get_paths

MODES = ("enforce", "monitor")
MONITOR_RESPONSES = ("notify", "suspend", "kill")
SENSITIVITIES = ("strict", "balanced", "relaxed")
FAIL_MODES = ("ask", "deny", "allow")


class ConfigError(ValueError):
    pass


# ---- fleet: export sinks and the organisation's central policy (nested, validated by _build) ----------

SYSLOG_PROTOCOLS = ("tcp", "tls")
SYSLOG_FACILITIES = {"kern": 0, "user": 1, "daemon": 3, "auth": 4, "authpriv": 10, "local0": 16, "local1": 17,
                     "local2": 18, "local3": 19, "local4": 20, "local5": 21, "local6": 22, "local7": 23}


@dataclass(frozen=True)
class OtlpSink:
    endpoint: str  # adr posts OTLP/HTTP logs to <endpoint>/v1/logs
    headers: tuple[tuple[str, str], ...] = ()  # e.g. an API key the collector wants (config.yaml is 0600)
    timeout: float = 5.0  # seconds per export request (the exporter's own retries stay inside it)
    ca_file: str = ""  # a private CA for an https endpoint

    def validate(self) -> None:
        if not self.endpoint.startswith(("http://", "https://")):
            raise ConfigError(f"export.otlp.endpoint must be an http:// or https:// URL, not {self.endpoint!r}")
        if not 0.1 <= self.timeout <= 120:
            raise ConfigError("export.otlp.timeout must be from 0.1 to 120 seconds")


@dataclass(frozen=True)
class SyslogSink:
    address: str  # host:port of a syslog relay (RFC 5424 over TCP, octet-counted frames)
    protocol: str = "tcp"  # tcp | tls
    ca_file: str = ""  # tls: the CA that signed the relay's certificate (default: the system's)
    server_name: str = ""  # tls: the name to check in the certificate (default: the address's host)
    facility: str = "authpriv"

    def validate(self) -> None:
        host, _, port = self.address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"export.syslog.address must be host:port, not {self.address!r}")
        if self.protocol not in SYSLOG_PROTOCOLS:
            raise ConfigError(f"export.syslog.protocol must be one of {', '.join(SYSLOG_PROTOCOLS)}")
        if self.facility not in SYSLOG_FACILITIES:
            raise ConfigError(f"export.syslog.facility must be one of {', '.join(SYSLOG_FACILITIES)}")


@dataclass(frozen=True)
class FileSink:
    path: str  # JSON Lines, one OCSF event a line (0600), rotated by size
    max_bytes: int = 10 * 1024 * 1024
    keep: int = 5  # rotated files kept (path.1 … path.N)

    def validate(self) -> None:
        if not self.path.strip():
            raise ConfigError("export.file.path must name a file")
        if self.max_bytes < 4096 or not 0 <= self.keep <= 100:
            raise ConfigError("export.file.max_bytes must be at least 4096 and keep from 0 to 100")


@dataclass(frozen=True)
class ExportSettings:
    """OCSF events to the organisation's tools (adr/record/export). Every sink is off until configured."""

    otlp: "OtlpSink | None" = None
    syslog: "SyslogSink | None" = None
    file: "FileSink | None" = None
    activity: bool = False  # also allowed actions, as Process / File System / HTTP Activity
    batch: int = 200  # events per send
    flush_interval: float = 0.5  # seconds a partial batch waits
    queue: int = 2000  # events kept in memory per sink; beyond that (or while a sink is down) they go to the spool
    spool_max_bytes: int = 64 * 1024 * 1024  # per sink; past it the oldest spooled events are dropped (counted)
    retry_max: float = 60.0  # longest wait between retries of a sink that is down

    @property
    def sinks(self) -> "dict[str, Any]":
        return {n: s for n in ("file", "otlp", "syslog") if (s := getattr(self, n)) is not None}

    def validate(self) -> None:
        for s in self.sinks.values():
            s.validate()
        if not 1 <= self.batch <= 10_000 or not 10 <= self.queue <= 1_000_000:
            raise ConfigError("export.batch must be from 1 to 10000 and export.queue from 10 to 1000000")
        if not 0.01 <= self.flush_interval <= 60 or not 0.1 <= self.retry_max <= 3600:
            raise ConfigError("export.flush_interval must be from 0.01 to 60 s and export.retry_max from 0.1 to 3600 s")
        if self.spool_max_bytes < 64 * 1024:
            raise ConfigError("export.spool_max_bytes must be at least 65536")


@dataclass(frozen=True)
class PolicySettings:
    """The organisation's signed policy, pulled from `source` (adr/policy/central.py). Off until configured."""

    source: str = ""  # https://… (or file:///… ; http:// only to a loopback address)
    public_key: tuple[str, ...] = ()  # signing.pub file(s) from `adr policy keygen`: any one may sign
    interval: float = 300.0  # seconds between polls

    def validate(self) -> None:
        if not self.source:
            return
        from urllib.parse import urlsplit
        u = urlsplit(self.source)
        loopback = u.scheme == "http" and (u.hostname or "") in ("127.0.0.1", "localhost", "::1")
        if u.scheme not in ("https", "file") and not loopback:
            raise ConfigError(f"policy.source must be an https:// or file:// URL, not {self.source!r}")
        if not self.public_key:
            raise ConfigError("policy.public_key must name the organisation's signing.pub when policy.source is set")
        if not 1 <= self.interval <= 7 * 86400:
            raise ConfigError("policy.interval must be from 1 second to 7 days")


@dataclass(frozen=True)
class OrgLayer:
    """The organisation's layer as the loader applied it (set by adr/policy/layers.py, never by config.yaml)."""

    serial: int = 0
    rule_files: tuple[str, ...] = ()  # its packs, loaded between the shipped packs and the user's
    locked: tuple[str, ...] = ()  # settings the organisation locked
    locked_values: tuple[tuple[str, Any], ...] = ()  # (setting, value in force) for each of them
    locked_rules: tuple[str, ...] = ()  # rule ids (globs) that cannot be disabled
    overridden: tuple[str, ...] = ()  # user settings that a lock overrode (shown by `adr policy status`)
    error: str = ""  # the stored bundle did not verify: the layer is missing (alerted; refetched)


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
    quota_undo_bytes: int = 0  # bytes a session's pre-image snapshots may take in the undo store
    quota_action: str = "ask"  # ask | deny | lockdown
    decision_budget_ms: float = 500.0  # a net under the work bound: engine (thread CPU) time per decision
    # pre-image snapshots and `adr undo` (adr/respond/)
    snapshots: bool = True  # store what a write, edit, delete or predictable shell command will overwrite
    undo_relaxes: bool | None = None  # allow ask-level, fully undoable actions with a snapshot; None: on unless strict
    snapshot_max_file_bytes: int = 50 * 1024 * 1024  # a bigger file is not kept (the action is not fully undoable)
    snapshot_quota_bytes: int = 2 * 1024 * 1024 * 1024  # the whole store; the oldest snapshots are evicted past it
    snapshot_max_files: int = 10_000  # files of one action (a recursive delete); past it: not fully undoable
    snapshot_max_action_bytes: int = 512 * 1024 * 1024  # bytes of one action's snapshot
    snapshot_budget_ms: float = 750.0  # time one snapshot may add before the answer; past it: not fully undoable
    # run records and the history index (adr/record/)
    run_records: bool = True  # keep each decision's full action locally (0600) for `adr replay`
    run_retention_days: int = 30
    run_max_bytes: int = 1024 * 1024 * 1024
    # watching what the hooks do not see (adr/monitor, adr/respond): process trees of active sessions,
    # their network connections, sensitive files
    monitor_processes: bool = True  # judge every new process in a session's tree
    monitor_network: bool = True  # judge the new connections of those processes
    monitor_files: bool = True  # watch rc files, ssh, credentials, autostart, git hooks, hook configs, adr's own
    monitor_interval_ms: int = 250  # how often the process trees are walked
    monitor_on_ask: str = "notify"  # an unjudged process the rules would ask about: notify | suspend | kill
    monitor_on_deny: str = "suspend"  # …one they would deny (suspend: stopped until you resume or kill it)
    monitor_suspend_timeout: float = 300.0  # seconds a suspended tree waits for you before it is killed
    revert_tamper: bool = True  # put back hook configs and config.yaml that something other than adr changed
    mcp_probe: bool = True  # list the tools of MCP servers the host runs without asking (to judge their descriptions)
    mcp_probe_timeout: float = 5.0  # seconds one server may take to list its tools
    export: ExportSettings = ExportSettings()  # fleet: OCSF events to file / OTLP / syslog
    policy: PolicySettings = PolicySettings()  # fleet: the organisation's signed central policy
    org: "OrgLayer | None" = None  # set by the loader from the verified bundle (not a config.yaml key)

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
               self.quota_deletes, self.quota_undo_bytes) < 0 or self.breaker_window_min <= 0:
            raise ConfigError("breaker and quota numbers must be 0 or more (breaker_window_min more than 0)")
        if self.undo_relaxes is not None and not isinstance(self.undo_relaxes, bool):
            raise ConfigError("undo_relaxes must be true, false or null (null: on unless sensitivity is strict)")
        for name in ("snapshot_max_file_bytes", "snapshot_quota_bytes", "snapshot_max_files",
                     "snapshot_max_action_bytes", "run_retention_days", "run_max_bytes"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ConfigError(f"{name} must be a whole number >= 0")
        if not 0 <= self.snapshot_budget_ms <= 60_000:
            raise ConfigError("snapshot_budget_ms must be from 0 to 60000")
        if not 1 <= self.decision_budget_ms <= 60_000:
            raise ConfigError("decision_budget_ms must be from 1 to 60000")
        for key in ("monitor_on_ask", "monitor_on_deny"):
            if getattr(self, key) not in MONITOR_RESPONSES:
                raise ConfigError(f"{key} must be one of {', '.join(MONITOR_RESPONSES)}, not {getattr(self, key)!r}")
        if not 50 <= self.monitor_interval_ms <= 5000:
            raise ConfigError("monitor_interval_ms must be from 50 to 5000")
        if not 1 <= self.monitor_suspend_timeout <= 86_400:
            raise ConfigError("monitor_suspend_timeout must be from 1 to 86400 seconds")
        if not 0.5 <= self.mcp_probe_timeout <= 60:
            raise ConfigError("mcp_probe_timeout must be from 0.5 to 60 seconds")
        if not 1 <= self.approval_timeout < self.hook_timeout:
            raise ConfigError("approval_timeout must be at least 1 s and shorter than hook_timeout")
        self.export.validate()
        self.policy.validate()
        return self


_TUPLE_FIELDS = {f.name for f in fields(Settings) if f.type.startswith("tuple")}
_NESTED = {"export": ExportSettings, "policy": PolicySettings}  # mappings in config.yaml, built by _build


def _build(cls: Any, value: Any, where: str) -> Any:
    """A nested settings dataclass from a YAML mapping: unknown keys, missing required keys and wrong
    types are errors that name the dotted key (the one place nested settings are validated)."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping")
    hints = get_type_hints(cls, globals())
    names = {f.name for f in fields(cls)}
    unknown = sorted(str(k) for k in set(value) - names)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(unknown)}")
    missing = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
               and f.name not in value]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    return cls(**{k: _coerce(hints[k], v, f"{where}.{k}") for k, v in value.items()})


def _coerce(hint: Any, v: Any, where: str) -> Any:
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType):  # "X | None": None turns the sink off
        if v is None:
            return None
        hint = next(a for a in args if a is not type(None))
        args = get_args(hint)
    if is_dataclass(hint):
        return _build(hint, v, where)
    if get_origin(hint) is tuple:
        if args and get_origin(args[0]) is tuple:  # pairs (headers): a mapping of strings
            if isinstance(v, (list, tuple)) and all(isinstance(x, (list, tuple)) and len(x) == 2 for x in v):
                v = dict(v)  # as plain() wrote it when there was none
            if not isinstance(v, dict):
                raise ConfigError(f"{where} must be a mapping")
            return tuple((str(k), str(x)) for k, x in v.items())
        items = v if isinstance(v, (list, tuple)) else [v]
        if not all(isinstance(x, str) for x in items):
            raise ConfigError(f"{where} must be a list of strings")
        return tuple(items)
    if hint is bool and not isinstance(v, bool) or hint is str and not isinstance(v, str):
        raise ConfigError(f"{where} must be {'true or false' if hint is bool else 'a string'}")
    if hint in (int, float):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or hint is int and not isinstance(v, int):
            raise ConfigError(f"{where} must be a number")
        return hint(v)
    return v


def plain(value: Any) -> Any:
    """Settings (or a part) as YAML/JSON-able data: tuples as lists, unset nested parts left out."""
    if is_dataclass(value):
        return {k: plain(v) for k, v in asdict(value).items() if v is not None}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): plain(v) for k, v in value}  # pairs (headers) are a mapping in config.yaml
        return [plain(v) for v in value]
    return value


def undo_relaxes(settings: Settings) -> bool:
    """Does policy let fully undoable ask-level actions through with a snapshot? (`undo_relaxes`;
    unset: yes in balanced and relaxed, no in strict — strict means "ask me", not "undo for me")."""
    if not settings.snapshots:
        return False  # nothing to undo with
    if settings.undo_relaxes is not None:
        return bool(settings.undo_relaxes)
    return settings.sensitivity != "strict"


def _file_data(paths: Paths) -> dict[str, Any]:
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
    return data


def settings_from(data: dict[str, Any], where: str = "config.yaml", base: "Settings | None" = None) -> Settings:
    """A validated Settings from a mapping (unknown keys are an error, named; nested sections are
    built by _build). `org` is never a key: only the loader sets it, from a verified bundle."""
    known = {f.name for f in fields(Settings)} - {"org"}
    unknown = sorted(set(data) - known - ({"org"} if isinstance(data.get("org"), OrgLayer) else set()))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s): {', '.join(unknown)}")
    data = dict(data)
    for k in _NESTED.keys() & set(data):
        data[k] = _build(_NESTED[k], data[k] if data[k] is not None else {}, k)
    for k in _TUPLE_FIELDS & set(data):
        v = data[k]
        data[k] = tuple(v) if isinstance(v, (list, tuple)) else (v,)
    try:
        return replace(base or Settings(), **data).validate()
    except TypeError as e:
        raise ConfigError(f"{where}: {e}") from None


def parse_config_text(text: str, where: str = "config.yaml") -> Settings:
    """config.yaml's text → Settings (what `adr config edit` submits is checked with this)."""
    try:
        loaded = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{where}: not valid YAML: {e}") from None
    if not isinstance(loaded, dict):
        raise ConfigError(f"{where}: must be a mapping of settings")
    return settings_from(loaded, where)


def read_settings(paths: Paths | None = None) -> Settings:
    """What config.yaml asks for, before any hold: the daemon's raw input. With `policy.source` set,
    the organisation's verified bundle is a layer under config.yaml, its locks over it
    (adr/policy/layers.py)."""
    paths = paths or get_paths()
    data = _file_data(paths)
    if "org" in data:
        raise ConfigError(f"{paths.config_file}: unknown setting(s): org")
    policy = _build(PolicySettings, data.get("policy") or {}, "policy")
    if policy.source:
        from adr.policy.layers import apply_org  # only when an organisation policy is configured

        data = apply_org(data, policy, paths)
    return settings_from(data, str(paths.config_file))


def load_settings(paths: Paths | None = None, overrides: dict[str, Any] | None = None, *,
                  hold: bool = True) -> Settings:
    """The settings in force: config.yaml (missing file: defaults), with weakening changes held back
    until the human confirmed them (`hold`), then `overrides` (a command's own options); the
    organisation's locks have the last word over all of them."""
    paths = paths or get_paths()
    settings = read_settings(paths)
    if hold:
        confirmed = read_confirmed(paths)
        if confirmed is not None:
            settings = held_settings(confirmed, settings)[0]
    if overrides:
        settings = enforce_locks(settings_from(dict(overrides), "options", base=settings))
    return settings


def rule_locked(patterns: "tuple[str, ...]", rule_id: str) -> bool:
    """Is `rule_id` one of the organisation's locked rules (ids or globs like `org.*`)?"""
    from fnmatch import fnmatchcase
    return any(fnmatchcase(rule_id, pat) for pat in patterns)


def enforce_locks(settings: Settings) -> Settings:
    """The organisation's locked values over whatever lower layers or options set."""
    org = settings.org
    if org is None or not (org.locked_values or org.locked_rules):
        return settings
    changes: dict[str, Any] = dict(org.locked_values)
    disabled = changes.get("disabled_rules", settings.disabled_rules)
    changes["disabled_rules"] = tuple(r for r in disabled if not rule_locked(org.locked_rules, r))
    return replace(settings, **changes)


def save_settings(settings: Settings, paths: Paths | None = None) -> Path:
    paths = (paths or get_paths()).ensure()
    tmp = paths.config_file.with_suffix(".tmp")
    tmp.write_text(render_config(settings), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, paths.config_file)
    return paths.config_file


def settings_dict(settings: Settings) -> dict[str, Any]:
    """Settings as plain data (JSON/YAML-able); the organisation layer is derived, not a setting."""
    return {f.name: plain(v) for f in fields(Settings)
            if f.name != "org" and (v := getattr(settings, f.name)) is not None}


def render_config(settings: Settings) -> str:
    """config.yaml text for `settings`: only what differs from the defaults."""
    default = Settings()
    out = {k: v for k, v in settings_dict(settings).items() if getattr(settings, k) != getattr(default, k)}
    return yaml.safe_dump(out, sort_keys=True) if out else ""


# ---- what weakens protection ------------------------------------------------------------------

# How a change of each setting can weaken protection:
#   ordered   — weaker when it moves towards the first value of ORDERED[key]
#   enables   — weaker when it becomes true
#   disables  — weaker when it becomes false (snapshots, run records, a monitor switched off)
#   keeps     — weaker when a value is taken out (reputation providers)
#   adds      — weaker when a value is added (disabled rules)
#   same      — any change may weaken (rule directories: added ones can carry exceptions,
#               removed ones take rules away)
#   limit     — a count where 0 is off: weaker when it goes off or up (breakers, quotas)
#   at_least  — weaker when it goes down (the breakers' window)
#   at_most   — weaker when it goes up (the monitor's interval: slower to notice)
#   neutral   — never weaker
# A setting missing here counts as "same": a setting added later is protected until classified.
ORDERED = {"mode": ("monitor", "enforce"), "sensitivity": ("relaxed", "balanced", "strict"),
           "fail_mode": ("allow", "ask", "deny"), "audit_fail": ("allow", "ask", "deny"),
           "quota_action": ("ask", "deny", "lockdown"),
           "monitor_on_ask": MONITOR_RESPONSES, "monitor_on_deny": MONITOR_RESPONSES}
PROTECTION = {
    "mode": "ordered", "sensitivity": "ordered", "fail_mode": "ordered",
    "auto_approve": "enables", "allow_critical_override": "enables", "offline": "enables",
    "providers": "keeps", "disabled_rules": "adds", "extra_rule_dirs": "same",
    "approval_timeout": "neutral", "hook_timeout": "neutral", "lookup_budget": "neutral",
    "connect_timeout": "neutral", "audit_max_bytes": "neutral",
    "audit_fail": "ordered", "quota_action": "ordered",
    "breaker_denies": "limit", "breaker_asks": "limit", "quota_installs": "limit", "quota_fetches": "limit",
    "quota_deletes": "limit", "quota_undo_bytes": "limit", "breaker_window_min": "at_least", "decision_budget_ms": "neutral",
    "snapshots": "disables", "undo_relaxes": "enables", "snapshot_max_file_bytes": "at_least",
    "snapshot_quota_bytes": "at_least", "snapshot_max_files": "at_least", "snapshot_max_action_bytes": "at_least",
    "snapshot_budget_ms": "at_least", "run_records": "disables", "run_retention_days": "at_least",
    "run_max_bytes": "at_least",
    "monitor_processes": "disables", "monitor_network": "disables", "monitor_files": "disables",
    "revert_tamper": "disables", "monitor_interval_ms": "at_most", "monitor_on_ask": "ordered",
    "monitor_on_deny": "ordered",
    # a suspended tree is killed when nobody answers: a shorter or longer wait lets nothing run
    "monitor_suspend_timeout": "neutral",
    # fleet: redirecting or dropping the export feed, or leaving / re-keying the organisation's policy,
    # waits for the human; the organisation's layer itself comes signed, not from config.yaml
    "export": "same", "policy": "same", "org": "neutral",
    # injection: not listing MCP servers' tools means their descriptions are not judged
    "mcp_probe": "disables", "mcp_probe_timeout": "neutral",
}


@dataclass(frozen=True)
class Weakening:
    key: str
    was: Any  # the confirmed value
    wants: Any  # what config.yaml asks for
    kept: Any  # what stays in force until the human confirms

    def describe(self) -> str:
        def show(v: Any) -> str:
            if isinstance(v, tuple):
                return "[" + ", ".join(map(str, v)) + "]" if v else "[]"
            return str(v).lower() if isinstance(v, bool) else str(v)
        if isinstance(self.wants, tuple) and isinstance(self.was, tuple):
            kind = PROTECTION.get(self.key, "same")
            added = [f"+{x}" for x in self.wants if x not in self.was] if kind != "keeps" else []
            removed = [f"-{x}" for x in self.was if x not in self.wants] if kind != "adds" else []
            return f"{self.key}: {' '.join(added + removed) or show(self.wants)}"
        return f"{self.key}: {show(self.was)} → {show(self.wants)}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "was": plain(self.was), "wants": plain(self.wants), "kept": plain(self.kept),
                "change": self.describe()}


def _kept(kind: str, key: str, was: Any, wants: Any) -> Any:
    """The value in force while a weakening waits (the weakening part undone, the rest applied), or
    `wants` itself when the change does not weaken."""
    if kind == "neutral" or was == wants:
        return wants
    if kind == "ordered":
        order = ORDERED[key]
        return was if order.index(wants) < order.index(was) else wants
    if kind == "enables":
        return was if wants and not was else wants
    if kind == "disables":
        return was if was and not wants else wants
    if kind == "keeps":
        return tuple(wants) + tuple(v for v in was if v not in wants)
    if kind == "adds":
        return tuple(v for v in wants if v in was)
    if kind == "limit":
        return was if was and (not wants or wants > was) else wants
    if kind == "at_least":
        return was if wants < was else wants
    if kind == "at_most":
        return was if wants > was else wants
    return was  # same


def held_settings(confirmed: Settings, wanted: Settings) -> tuple[Settings, tuple[Weakening, ...]]:
    """(settings in force, the weakenings held back) when config asks for `wanted` and the human
    last confirmed `confirmed`."""
    held: list[Weakening] = []
    changes: dict[str, Any] = {}
    locked = wanted.org.locked if wanted.org is not None else ()
    for f in fields(Settings):
        was, wants = getattr(confirmed, f.name), getattr(wanted, f.name)
        if f.name in locked:  # the organisation's signed lock: in force as it says, no question
            continue
        kept = _kept(PROTECTION.get(f.name, "same"), f.name, was, wants)
        if kept != wants:
            held.append(Weakening(f.name, was, wants, kept))
            changes[f.name] = kept
    return (replace(wanted, **changes) if changes else wanted), tuple(held)


def weakenings(confirmed: Settings, wanted: Settings) -> tuple[Weakening, ...]:
    return held_settings(confirmed, wanted)[1]


# ---- the settings last in force (written by the daemon only) -----------------------------------------

def read_confirmed(paths: Paths) -> Settings | None:
    """The settings the daemon last had in force; None when it never ran here. A damaged file reads
    as the defaults (so nothing weaker than the defaults passes unconfirmed)."""
    f = paths.confirmed_settings
    try:
        raw = f.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return Settings()
    try:
        data = json.loads(raw)["settings"]
        return settings_from(data, str(f))
    except (ValueError, KeyError, TypeError, ConfigError):
        return Settings()


def write_confirmed(paths: Paths, settings: Settings, how: str) -> None:
    """Atomically, user-only. `how`: what put these settings in force (recorded with them)."""
    import time

    paths.ensure()
    f = paths.confirmed_settings
    tmp = f.with_name(f.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"settings": settings_dict(settings), "how": how, "time": time.time()}, out, indent=1, sort_keys=True)
    os.replace(tmp, f)


def value_sources(paths: Paths, confirmed: "Settings | None" = None) -> dict[str, str]:
    """Where each setting's value in force comes from: default | config.yaml | held."""
    data = _file_data(paths)
    out = {f.name: ("config.yaml" if f.name in data else "default") for f in fields(Settings)}
    if confirmed is not None:
        for w in weakenings(confirmed, read_settings(paths)):
            out[w.key] = "held"
    return out

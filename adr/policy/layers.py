"""Policy layers: shipped < organisation < user < project, with the organisation's locks on top.

The organisation's layer is the last good signed bundle in adr's state directory (kept there by
adr/policy/central.py). Every load verifies it again against the configured public key(s) — a bundle
edited on disk is not a layer — and unpacks its rule packs next to it, checked byte for byte against the
signed text, so the engine loads exactly what was signed (between the shipped packs and the user's).

Locks (`locked: [mode, sensitivity, rules: [id, glob*]]` in the bundle's settings.yaml): a locked
setting takes the organisation's value (or the shipped default when the organisation sets none)
whatever a lower layer says — config.yaml or a command-line override; a locked rule cannot be
switched off with `disabled_rules`, and a user pack cannot redefine its id (duplicate ids are a load
error that leaves the user's file out). Lower layers may still add rules and tighten what is unlocked.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from adr.config import _NESTED, ConfigError, OrgLayer, PolicySettings, Settings, rule_locked, settings_from
from adr.paths import Paths
from adr.policy.bundle import Bundle, BundleError, load_public_keys, verify

BUNDLE_FILE = "bundle.json"
STATE_FILE = "state.json"
RULES_DIR = "rules"
NOT_LOCKABLE = {"policy", "org"}  # where the policy comes from is the user's (or the MDM's), not the bundle's


@dataclass(frozen=True)
class Locks:
    settings: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # rule ids or globs (`org.*`)

    def rule_locked(self, rule_id: str) -> bool:
        return rule_locked(self.rules, rule_id)


def parse_org_settings(text: str) -> tuple[dict[str, Any], Locks]:
    """The bundle's settings.yaml: (settings mapping, locks). Anything a client would refuse is a
    BundleError("settings") here, so `adr policy sign` refuses it before it is ever published."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as e:
        raise BundleError("settings", f"settings.yaml is not valid YAML: {e}") from None
    data = data or {}
    if not isinstance(data, dict):
        raise BundleError("settings", "settings.yaml must be a mapping")
    data = dict(data)
    locked_raw = data.pop("locked", []) or []
    if not isinstance(locked_raw, list):
        raise BundleError("settings", "locked must be a list: [mode, sensitivity, rules: [...]]")
    known = {f.name for f in fields(Settings)} - NOT_LOCKABLE
    bad = sorted(set(map(str, data)) - known)
    if bad:
        raise BundleError("settings", f"settings.yaml: unknown or not allowed setting(s): {', '.join(bad)}")
    names: list[str] = []
    rules: list[str] = []
    for item in locked_raw:
        if isinstance(item, str) and item in known:
            names.append(item)
        elif isinstance(item, dict) and set(item) == {"rules"} and isinstance(item["rules"], list) \
                and all(isinstance(r, str) and r for r in item["rules"]):
            rules += item["rules"]
        else:
            raise BundleError("settings", f"locked: {item!r} is neither a setting name nor rules: [ids]")
    try:
        settings_from(data, "settings.yaml")
    except ConfigError as e:
        raise BundleError("settings", f"settings.yaml: {e}") from None
    return data, Locks(tuple(dict.fromkeys(names)), tuple(dict.fromkeys(rules)))


def merge(org: dict[str, Any], lower: list[dict[str, Any]], locks: Locks) -> tuple[dict[str, Any], list[str]]:
    """Layer raw settings: organisation, then each lower layer (user, then project) over it; nested
    sections (export) merge one level deep (a user may add a sink). Locked keys keep the organisation's
    value. Returns (merged, what a lock overrode)."""
    out: dict[str, Any] = dict(org)
    overridden: list[str] = []
    for layer in lower:
        for k, v in layer.items():
            if k in locks.settings:
                if v != org.get(k, getattr(Settings(), k, None)):
                    overridden.append(k)
                continue
            if k in _NESTED and isinstance(v, dict) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **v}
            else:
                out[k] = v
    for k in locks.settings:
        if k not in org:
            out.pop(k, None)  # locked at the shipped default
    disabled = out.get("disabled_rules")
    if locks.rules and disabled:
        items = disabled if isinstance(disabled, (list, tuple)) else [disabled]
        kept = [r for r in items if not locks.rule_locked(str(r))]
        if len(kept) != len(items):
            overridden.append("disabled_rules")
        out["disabled_rules"] = kept
    return out, list(dict.fromkeys(overridden))


# ---- the stored bundle -------------------------------------------------------------------------

_cache: dict[tuple[Any, ...], Bundle] = {}


def stored_bundle(paths: Paths) -> Path:
    return paths.policy_dir / BUNDLE_FILE


def read_state(paths: Paths) -> dict[str, Any]:
    try:
        data = json.loads((paths.policy_dir / STATE_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def load_verified(policy: PolicySettings, paths: Paths) -> Bundle:
    """The stored bundle, verified now (FileNotFoundError when there is none yet)."""
    path = stored_bundle(paths)
    st = path.stat()
    key_stats = tuple((str(k), _mtime(Path(k).expanduser())) for k in policy.public_key)
    ck = (str(path), st.st_mtime_ns, st.st_size, st.st_ino, key_stats)
    hit = _cache.get(ck)
    if hit is not None:
        return hit
    bundle = verify(path.read_bytes(), load_public_keys(policy.public_key))
    high = read_state(paths).get("serial_high_water")
    if isinstance(high, int) and bundle.serial < high:
        raise BundleError("rollback", f"the stored bundle has serial {bundle.serial}, older than the newest one "
                                      f"accepted ({high}): it was replaced on disk")
    _cache.clear()
    _cache[ck] = bundle
    return bundle


def _mtime(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except OSError:
        return 0


def unpack(bundle: Bundle, paths: Paths) -> list[Path]:
    """The bundle's packs as files the engine loads, rewritten when they differ from the signed text."""
    d = paths.policy_dir / RULES_DIR / str(bundle.serial)
    d.mkdir(parents=True, exist_ok=True)
    for p in (paths.policy_dir, paths.policy_dir / RULES_DIR, d):
        os.chmod(p, 0o700)
    out = []
    for name, text in bundle.rule_files:
        p = d / name
        data = text.encode("utf-8")
        try:
            same = p.read_bytes() == data
        except OSError:
            same = False
        if not same:
            tmp = p.with_name(f".{name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, p)
        out.append(p)
    return out


def prune_unpacked(paths: Paths, keep: set[int]) -> None:
    """Remove unpacked packs of serials no longer in use."""
    root = paths.policy_dir / RULES_DIR
    if not root.is_dir():
        return
    for p in root.iterdir():
        if p.is_dir() and p.name.isdigit() and int(p.name) not in keep:
            shutil.rmtree(p, ignore_errors=True)


def apply_org(data: dict[str, Any], policy: PolicySettings, paths: Paths) -> dict[str, Any]:
    """`data` (config.yaml + overrides, raw) with the organisation's layer under it and its
    locks over it. No stored bundle yet: `data` unchanged. A stored bundle that does not verify: no
    layer, and OrgLayer.error says why (the daemon alerts and fetches a fresh one)."""
    try:
        bundle = load_verified(policy, paths)
    except FileNotFoundError:
        return data
    except (BundleError, OSError) as e:
        return {**data, "org": OrgLayer(error=f"the stored organisation policy is not usable: {e}")}
    try:
        org, locks = parse_org_settings(bundle.settings_text)
        files = unpack(bundle, paths)
    except (BundleError, OSError) as e:
        return {**data, "org": OrgLayer(serial=bundle.serial, error=f"the stored organisation policy is not usable: {e}")}
    merged, overridden = merge(org, [data], locks)
    merged["policy"] = data["policy"]
    org_settings = settings_from(org, "settings.yaml")  # validated when the bundle was accepted
    merged["org"] = OrgLayer(serial=bundle.serial, rule_files=tuple(str(p) for p in files), locked=locks.settings,
                             locked_values=tuple((k, getattr(org_settings, k)) for k in locks.settings),
                             locked_rules=locks.rules, overridden=tuple(overridden))
    return merged

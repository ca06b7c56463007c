"""The organisation's central policy, pulled in explicit stages (like Santa's sync: each one idempotent,
and a crash between two leaves either the old or the new bundle in force, never half of one):

1. fetch   — `policy.source` with If-None-Match (the ETag last seen; for file:// the content's sha256):
             unchanged → done. Only when `policy.source` is configured: no network otherwise.
2. verify  — Ed25519 against the configured public key(s), every file against the signed manifest.
3. check   — the serial may not go back (rollback) nor be reused for other content; the packs must
             compile beside the shipped ones and pass their own examples; settings.yaml must be valid.
4. stage   — the bundle becomes the last good one on disk (bundle.json, 0600, written atomically), its
             packs are unpacked; state.json records serial, digest, ETag and times.
5. apply   — the caller reloads settings and rules (the daemon: `schedule_reload`).

Any failure leaves the last good bundle in force; the caller raises an alert (adr/daemon/fleet.py).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from adr.config import PolicySettings, Settings
from adr.paths import Paths
from adr.policy.bundle import MAX_BUNDLE_BYTES, Bundle, BundleError, load_public_keys, verify
from adr.policy.layers import (BUNDLE_FILE, STATE_FILE, load_verified, parse_org_settings, prune_unpacked,
                               read_state, stored_bundle, unpack)

CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 30.0


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class PollResult:
    outcome: str  # applied | unchanged | rejected | error
    serial: int = 0  # the serial in force afterwards
    kind: str = ""  # why a bundle was rejected: format | signature | pack | settings | rollback; fetch for errors
    message: str = ""
    digest: str = ""  # of the bundle fetched (rejected or applied)


# ---- 1. fetch -----------------------------------------------------------------------------------

def fetch(source: str, etag: str | None) -> "tuple[bytes, str] | None":
    """(bundle bytes, ETag) or None when the source says it did not change. BundleError("fetch")."""
    u = urlsplit(source)
    if u.scheme == "file":
        path = Path(unquote(u.path))
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_BUNDLE_BYTES + 1)
        except OSError as e:
            raise BundleError("fetch", f"cannot read {path}: {e.strerror or e}") from None
        tag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
        return None if etag == tag else (_capped(raw), tag)
    import requests

    headers = {"If-None-Match": etag} if etag else {}
    try:
        with requests.get(source, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True) as r:
            final = urlsplit(r.url)
            if final.scheme != "https" and not (final.scheme == "http" and final.hostname in ("127.0.0.1", "localhost", "::1")):
                raise BundleError("fetch", f"redirected to a non-https URL ({final.scheme}://{final.hostname})")
            if r.status_code == 304:
                return None
            if r.status_code != 200:
                raise BundleError("fetch", f"{source}: HTTP {r.status_code}")
            buf = bytearray()
            for chunk in r.iter_content(64 * 1024):
                buf += chunk
                if len(buf) > MAX_BUNDLE_BYTES:
                    break
            return _capped(bytes(buf)), r.headers.get("ETag", "")
    except requests.RequestException as e:
        raise BundleError("fetch", f"{source}: {type(e).__name__}: {e}") from None


def _capped(raw: bytes) -> bytes:
    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError("format", f"the bundle is larger than {MAX_BUNDLE_BYTES} bytes")
    return raw


# ---- 3. check -----------------------------------------------------------------------------------

def check_content(bundle: Bundle, paths: Paths) -> None:
    """settings.yaml valid, every pack compiling beside the shipped packs and passing its examples."""
    parse_org_settings(bundle.settings_text)
    if not bundle.rule_files:
        return
    from adr.engine.core import RuleLoadError, load_engine, shipped_rule_files
    from adr.engine.examples import check_rule

    paths.policy_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = Path(tempfile.mkdtemp(prefix=".check-", dir=paths.policy_dir))
    try:
        files = []
        for name, text in bundle.rule_files:
            (tmp / name).write_text(text, encoding="utf-8")
            files.append(tmp / name)
        try:
            engine = load_engine(Settings(), rule_files=shipped_rule_files() + files, detectors=[], paths=paths)
        except RuleLoadError as e:
            raise BundleError("pack", f"a rule pack does not load: {str(e).replace(str(tmp) + '/', '')}"[:3000]) from None
        ours = {str(f) for f in files}
        failures = [str(x) for r in engine.rules if r.file in ours for x in check_rule(engine, r)]
        if failures:
            raise BundleError("pack", "rule examples fail: " + "; ".join(failures[:5]).replace(str(tmp) + "/", ""))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- 4. stage -----------------------------------------------------------------------------------

def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_state(paths: Paths, state: dict[str, Any]) -> None:
    _write_private(paths.policy_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode())


class Central:
    """One client's view of the organisation's policy: poll() runs the stages (thread-safe)."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self._lock = threading.Lock()

    def current(self, policy: PolicySettings) -> "Bundle | None":
        try:
            return load_verified(policy, self.paths)
        except (OSError, BundleError):
            return None

    def poll(self, policy: PolicySettings) -> PollResult:
        with self._lock:
            return self._poll(policy)

    def _poll(self, policy: PolicySettings) -> PollResult:
        state = read_state(self.paths)
        cur = self.current(policy)
        serial = cur.serial if cur else 0
        state.update(source=policy.source, last_check=now_iso())
        # the ETag is only worth sending when what it stands for is still here (kept, or rejected)
        etag = state.get("etag") if (cur is not None or state.get("last_result") == "rejected") else None
        try:
            got = fetch(policy.source, etag)
        except BundleError as e:
            state.update(last_error=f"{now_iso()} {e}", fetch_failures=int(state.get("fetch_failures", 0)) + 1)
            write_state(self.paths, state)
            return PollResult("error", serial, e.kind, str(e))
        state["fetch_failures"] = 0
        if got is None:
            write_state(self.paths, state)
            return PollResult("unchanged", serial)
        raw, tag = got
        digest = hashlib.sha256(raw).hexdigest()
        try:
            bundle = verify(raw, load_public_keys(policy.public_key))
            if cur is not None and bundle.serial < cur.serial:
                raise BundleError("rollback", f"serial {bundle.serial} is older than the one in force ({cur.serial})")
            high = state.get("serial_high_water")
            if isinstance(high, int) and bundle.serial < high:
                raise BundleError("rollback", f"serial {bundle.serial} is older than one accepted before ({high})")
            if cur is not None and bundle.serial == cur.serial:
                if bundle.digest == cur.digest:
                    state.update(etag=tag, last_result="unchanged")
                    write_state(self.paths, state)
                    return PollResult("unchanged", serial)
                raise BundleError("rollback", f"serial {bundle.serial} is already in force with other content")
            check_content(bundle, self.paths)
        except BundleError as e:
            state.update(etag=tag, last_result="rejected", last_error=f"{now_iso()} rejected ({e.kind}): {e}",
                         rejected_digest=digest)
            write_state(self.paths, state)
            return PollResult("rejected", serial, e.kind, str(e), digest)
        self.stage(raw, bundle)
        state.update(etag=tag, last_result="applied", last_error="", serial=bundle.serial, digest=bundle.digest,
                     applied_at=now_iso(), serial_high_water=max(bundle.serial, int(state.get("serial_high_water") or 0)))
        write_state(self.paths, state)
        prune_unpacked(self.paths, {bundle.serial, serial})
        return PollResult("applied", bundle.serial, digest=digest)

    def stage(self, raw: bytes, bundle: Bundle) -> None:
        unpack(bundle, self.paths)  # first the packs, then the bundle that names them: a crash leaves the old one
        _write_private(stored_bundle(self.paths), raw)


# ---- status (CLI, daemon call) -------------------------------------------------------------------

def status(settings: Settings, paths: Paths) -> dict[str, Any]:
    """What `adr policy status` shows: the configuration, the bundle in force and the last poll."""
    pol = settings.policy
    state = read_state(paths)
    out: dict[str, Any] = {"configured": bool(pol.source), "source": pol.source,
                           "public_key": list(pol.public_key), "interval": pol.interval,
                           "last_check": state.get("last_check"), "last_result": state.get("last_result"),
                           "last_error": state.get("last_error", ""), "applied_at": state.get("applied_at"),
                           "bundle": None}
    org = settings.org
    if org is not None:
        out["layer"] = {"serial": org.serial, "locked": list(org.locked), "locked_rules": list(org.locked_rules),
                        "overridden": list(org.overridden), "rule_files": [Path(f).name for f in org.rule_files],
                        "error": org.error}
    if pol.source:
        try:
            b = load_verified(pol, paths)
        except FileNotFoundError:
            pass
        except (BundleError, OSError) as e:
            out["bundle_error"] = str(e)
        else:
            out["bundle"] = {"serial": b.serial, "created": b.created, "key_id": b.key_id, "digest": b.digest,
                             "files": [n for n, _ in b.files], "path": str(paths.policy_dir / BUNDLE_FILE)}
    out["mode"] = settings.mode
    return out


def probe(policy: PolicySettings) -> tuple[str, str]:
    """`adr doctor`: can the source be fetched, and does what it serves verify? (status, detail)."""
    try:
        got = fetch(policy.source, None)
        assert got is not None
        b = verify(got[0], load_public_keys(policy.public_key))
    except BundleError as e:
        return "fail", f"{policy.source}: {e.kind}: {e}"
    return "ok", f"{policy.source}: serial {b.serial}, signed by key {b.key_id}"

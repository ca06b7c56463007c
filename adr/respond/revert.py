"""Tamper revert: put back a hook config or adr's config.yaml that something other than adr changed.

An agent that wants to act unseen edits the host's hook config (removes adr's hook, sets
`disableAllHooks`) or adr's own config.yaml. The file monitor (adr/monitor/files.py) notices; this
module decides what the file should hold and writes it back:

- **Hook configs** are shared with the user, so only a change to *adr's part* is reverted: adr's
  handler entries (every handler whose command is adr-hook), the switches that turn hooks off
  (`disableAllHooks`, `hooksConfig.enabled`, OpenClaw's `plugins.entries.adr.enabled`), or any byte
  of a file adr owns outright (its plugins). The file goes back to the last version whose adr part was
  intact — the user's own later edits that left adr alone are kept — or, when the daemon starts and
  finds it already tampered with, to the bytes adr's installer recorded (backups/, `installed_b64`).
- **config.yaml** goes back to the last file whose settings were confirmed (kept in the state
  directory as config.confirmed.yaml): a broken file at once (a config that does not load would
  keep adr from starting), a weakening only once the human refused it — until then the settings
  guard holds it and asks (adr/daemon/settings_guard.py), and `adr config confirm` must keep working.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from adr.paths import Paths

OWNED_MARKER = b"adr-managed-file"  # adr/integrations/install/base.py OWNED_MARKER: a file adr owns whole
HOOK_EXE = "adr-hook"
MAX_BYTES = 4 * 1024 * 1024


def sha(data: "bytes | None") -> str:
    return "absent" if data is None else hashlib.sha256(data).hexdigest()


def read(path: Path, limit: int = MAX_BYTES) -> "bytes | None":
    """The file's bytes (None: absent; a directory or unreadable file reads as absent too)."""
    try:
        with open(path, "rb") as f:
            return f.read(limit + 1)[:limit + 1]
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OSError:
        return None


def restore(path: Path, data: "bytes | None") -> None:
    """Write `data` back atomically (mode kept; new files 0600), or remove the file for None."""
    if data is None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        return
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = 0o600
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.adr-revert")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _is_adr_command(v: Any) -> bool:
    if not isinstance(v, str) or not v.strip():
        return False
    first = v.strip().split()[0].strip("'\"")
    return os.path.basename(first) == HOOK_EXE


def _handlers(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        if any(_is_adr_command(node.get(k)) for k in ("command", "bash")):
            out.append(json.dumps(node, sort_keys=True))
        for v in node.values():
            _handlers(v, out)
    elif isinstance(node, list):
        for v in node:
            _handlers(v, out)


def _get(doc: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(k)
    return doc


def adr_part(data: "bytes | None") -> Any:
    """What of a host config is adr's (equal parts: adr's hook is as installed and switched on)."""
    if data is None:
        return ("absent",)
    if OWNED_MARKER in data:
        return ("owned", sha(data))
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return ("unparsed", sha(data))
    handlers: list[str] = []
    _handlers(doc, handlers)
    allow = _get(doc, "plugins", "allow")
    switches = (_get(doc, "disableAllHooks"), _get(doc, "hooksConfig", "enabled"),
                _get(doc, "plugins", "entries", "adr", "enabled"),
                ("adr" in allow) if isinstance(allow, list) and allow else None,
                _get(doc, "plugins", "enabled"))
    return ("json", tuple(sorted(handlers)), switches)


def installed_by_adr(paths: Paths) -> dict[Path, "tuple[str, bytes | None]"]:
    """Every host config adr's installer wrote → (sha256 of what it wrote, those bytes — None when the
    record predates keeping them), from the install manifests under backups/."""
    import base64

    out: dict[Path, "tuple[str, bytes | None]"] = {}
    try:
        hosts = [d for d in paths.backups_dir.iterdir() if d.is_dir()]
    except OSError:
        return out
    for d in hosts:
        for f in d.glob("*.json"):
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
                target, digest = Path(str(data["path"])), str(data.get("installed_sha256", ""))
                b = data.get("installed_b64")
                out[target] = (digest, base64.b64decode(b) if isinstance(b, str) else None)
            except (OSError, ValueError, KeyError, TypeError):
                continue
    return out


# ---- config.yaml: the last confirmed file ---------------------------------------------------------

def confirmed_config_file(paths: Paths) -> Path:
    return paths.state_dir / "config.confirmed.yaml"


def read_confirmed_config(paths: Paths) -> "tuple[bool, bytes | None]":
    """(known, the last config.yaml whose settings were in force without a hold — None: no file)."""
    import base64

    raw = read(confirmed_config_file(paths))
    if raw is None:
        return False, None
    try:
        rec = json.loads(raw)
        return True, None if rec.get("absent") else base64.b64decode(rec["b64"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return False, None


def keep_confirmed_config(paths: Paths, data: "bytes | None") -> None:
    """Remember `data` (config.yaml's bytes, None for no file) as the last confirmed file (0600)."""
    import base64

    paths.ensure()
    rec = {"absent": True} if data is None else {"b64": base64.b64encode(data).decode()}
    restore(confirmed_config_file(paths), json.dumps(rec).encode())

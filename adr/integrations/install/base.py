"""Shared machinery for `adr install` / `adr uninstall`: find the hook executable, merge adr's
entries into a host's config idempotently, and keep what is needed to undo it exactly.

Undo model, per managed file (a manifest under `Paths.backups_dir/<host>/`):
  * `original`  — the file's bytes before adr first changed it (or "absent");
  * `installed` — the SHA-256 of the bytes adr last wrote.
`uninstall` restores `original` byte for byte when the file still hashes to `installed` (nobody
touched it since); otherwise it removes only adr's own entries and leaves the user's edits. A
reinstall over a file the user edited takes the user's current content (minus adr's entries) as
the new original. adr's entries are recognised by their command: the first word is a path whose
file name is `adr-hook` (or the plugin file adr owns), so a moved virtualenv is still ours.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from adr.paths import Paths
from adr.programs import HOOK_EXE

OWNED_MARKER = "adr-managed-file"  # appears in every file adr owns outright (plugins, hook files)
DELETE = b"\0adr:delete-file"  # strip_ours answer for a file that is adr's own: remove it whole


class InstallError(RuntimeError):
    """A config adr will not touch (unparseable, unexpected shape) or a missing prerequisite."""


@dataclass(frozen=True)
class InstallContext:
    home: Path
    paths: Paths
    hook_bin: Path
    timeout: int  # seconds, > approval_timeout
    project: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    trust: bool = True  # codex: establish hook trust through Codex itself when possible
    dry_run: bool = False
    hook_note: str = ""  # which hook client was chosen (native / python) and why

    def command(self, host: str) -> str:
        return f"{shlex.quote(str(self.hook_bin))} {host}"


@dataclass
class FileChange:
    path: Path
    action: str  # created | updated | unchanged | restored | removed-entries | deleted | untouched
    note: str = ""


@dataclass
class Result:
    host: str
    changes: list[FileChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.action not in ("unchanged", "untouched") for c in self.changes)


# ---- the hook executable ------------------------------------------------------------------------

def resolve_hook_bin(explicit: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Path:
    """Absolute path of `adr-hook`: explicit → next to this Python (the venv) → PATH.

    Never a bare name or `python3 -m`: hosts run hooks with their own PATH and working directory.
    """
    env = dict(os.environ if env is None else env)
    if explicit:  # what the user named, or an error: never silently something else
        p = Path(explicit).expanduser()
        if p.is_file() and os.access(p, os.X_OK):
            return p.absolute()
        raise InstallError(f"{explicit} is not an executable file")
    candidates: list[Path] = []
    if env.get("ADR_HOOK_BIN"):
        candidates.append(Path(env["ADR_HOOK_BIN"]).expanduser())
    candidates.append(Path(sys.executable).parent / HOOK_EXE)
    found = shutil.which(HOOK_EXE, path=env.get("PATH"))
    if found:
        candidates.append(Path(found))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c.absolute()
    raise InstallError("cannot find the adr-hook executable next to this Python or on PATH; "
                       "reinstall adr (pip install -e .) or pass --hook-bin /abs/path/to/adr-hook")


def is_adr_command(command: Any) -> bool:
    if not isinstance(command, str) or not command.strip():
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return bool(words) and os.path.basename(words[0]) == HOOK_EXE


def command_path(command: str) -> str:
    try:
        return shlex.split(command)[0]
    except (ValueError, IndexError):
        return command.split()[0] if command.split() else ""


# ---- JSON documents -----------------------------------------------------------------------------

def load_json(data: bytes | None, path: Path) -> dict[str, Any]:
    if data is None or not data.strip():
        return {}
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise InstallError(f"{path} is not valid JSON ({e}); fix or move it, then run again") from None
    if not isinstance(doc, dict):
        raise InstallError(f"{path} must hold a JSON object")
    return doc


def dump_json(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _list_at(doc: dict[str, Any], key: str, path: Path) -> list[Any]:
    v = doc.get(key)
    if v is None:
        v = doc[key] = []
    if not isinstance(v, list):
        raise InstallError(f"{path}: {key!r} must be a list")
    return v


def hooks_obj(doc: dict[str, Any], path: Path, create: bool = True) -> dict[str, Any] | None:
    h = doc.get("hooks")
    if h is None:
        if not create:
            return None
        h = doc["hooks"] = {}
    if not isinstance(h, dict):
        raise InstallError(f"{path}: 'hooks' must be an object")
    return h


# Claude-style: {"hooks": {"Event": [{"matcher": "...", "hooks": [{"type": "command", "command": ...}]}]}}
def grouped_set(doc: dict[str, Any], path: Path, event: str, group: dict[str, Any]) -> None:
    """Make `group` adr's only handler group for `event` (idempotent: an identical one stays put)."""
    hooks = hooks_obj(doc, path)
    assert hooks is not None
    groups = _list_at(hooks, event, path)
    ours = [(i, g) for i, g in enumerate(groups) if isinstance(g, dict)
            and any(is_adr_command(h.get("command")) for h in g.get("hooks") or [] if isinstance(h, dict))]
    if len(ours) == 1 and ours[0][1] == group:
        return
    grouped_remove_event(hooks, event)
    hooks.setdefault(event, []).append(group)


def grouped_remove_event(hooks: dict[str, Any], event: str) -> bool:
    groups = hooks.get(event)
    if not isinstance(groups, list):
        return False
    changed = False
    kept = []
    for g in groups:
        if isinstance(g, dict) and isinstance(g.get("hooks"), list):
            hs = [h for h in g["hooks"] if not (isinstance(h, dict) and is_adr_command(h.get("command")))]
            if len(hs) != len(g["hooks"]):
                changed = True
                if not hs:
                    continue
                g = {**g, "hooks": hs}
        kept.append(g)
    if changed:
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    return changed


def grouped_remove_all(doc: dict[str, Any]) -> bool:
    hooks = doc.get("hooks")
    if not isinstance(hooks, dict):
        return False
    changed = False
    for event in list(hooks):
        changed |= grouped_remove_event(hooks, event)
    if changed and not hooks:
        del doc["hooks"]
    return changed


def grouped_commands(doc: dict[str, Any]) -> dict[str, list[str]]:
    """event → adr commands configured for it."""
    out: dict[str, list[str]] = {}
    hooks = doc.get("hooks")
    if not isinstance(hooks, dict):
        return out
    for event, groups in hooks.items():
        for g in groups if isinstance(groups, list) else []:
            for h in (g.get("hooks") or []) if isinstance(g, dict) else []:
                if isinstance(h, dict) and is_adr_command(h.get("command")):
                    out.setdefault(event, []).append(h["command"])
    return out


def adr_handler_values(node: Any, key: str, command_keys: tuple[str, ...] = ("command", "bash")) -> list[Any]:
    """node[key] of every handler object (anywhere in a hooks config) whose command is adr's."""
    out: list[Any] = []
    if isinstance(node, dict):
        if any(is_adr_command(node.get(k)) for k in command_keys) and key in node:
            out.append(node[key])
        for v in node.values():
            out.extend(adr_handler_values(v, key, command_keys))
    elif isinstance(node, list):
        for v in node:
            out.extend(adr_handler_values(v, key, command_keys))
    return out


# Flat style (Cursor, Windsurf): {"hooks": {"event": [{"command": ...}]}}
def flat_set(doc: dict[str, Any], path: Path, event: str, entry: dict[str, Any], key: str = "command") -> None:
    hooks = hooks_obj(doc, path)
    assert hooks is not None
    entries = _list_at(hooks, event, path)
    ours = [e for e in entries if isinstance(e, dict) and is_adr_command(e.get(key))]
    if ours == [entry]:
        return
    hooks[event] = [e for e in entries if not (isinstance(e, dict) and is_adr_command(e.get(key)))] + [entry]


def flat_remove_all(doc: dict[str, Any], key: str = "command") -> bool:
    hooks = doc.get("hooks")
    if not isinstance(hooks, dict):
        return False
    changed = False
    for event in list(hooks):
        entries = hooks[event]
        if not isinstance(entries, list):
            continue
        kept = [e for e in entries if not (isinstance(e, dict) and is_adr_command(e.get(key)))]
        if len(kept) != len(entries):
            changed = True
            if kept:
                hooks[event] = kept
            else:
                del hooks[event]
    if changed and not hooks:
        del doc["hooks"]
    return changed


def flat_commands(doc: dict[str, Any], key: str = "command") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    hooks = doc.get("hooks")
    if not isinstance(hooks, dict):
        return out
    for event, entries in hooks.items():
        for e in entries if isinstance(entries, list) else []:
            if isinstance(e, dict) and is_adr_command(e.get(key)):
                out.setdefault(event, []).append(e[key])
    return out


# ---- files with undo ----------------------------------------------------------------------------

def sha256(data: bytes | None) -> str:
    return "" if data is None else hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise InstallError(f"{path} is a directory, expected a file") from None


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    tmp = path.with_name(f".{path.name}.adr-tmp")
    try:
        old_mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        old_mode = None
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, mode if mode is not None else (old_mode if old_mode is not None else 0o644))
    os.replace(tmp, path)


class Manifest:
    """The undo record for one managed file."""

    def __init__(self, paths: Paths, host: str, target: Path) -> None:
        key = hashlib.sha256(str(target).encode()).hexdigest()[:16]
        self.file = paths.backups_dir / host / f"{key}.json"
        self.target = target
        self.data: dict[str, Any] | None = None
        if self.file.exists():
            try:
                self.data = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.data = None

    @property
    def exists(self) -> bool:
        return self.data is not None

    def installed(self) -> bytes | None:
        """The bytes adr last wrote (None for a manifest older than this record)."""
        b = (self.data or {}).get("installed_b64")
        return None if b is None else base64.b64decode(b)

    def original(self) -> bytes | None:
        assert self.data is not None
        b = self.data.get("original_b64")
        return None if b is None else base64.b64decode(b)

    def save(self, *, original: bytes | None, installed: bytes, created_dirs: list[str],
             extra: dict[str, Any] | None = None) -> None:
        self.data = {"path": str(self.target),
                     "original_b64": None if original is None else base64.b64encode(original).decode(),
                     "original_sha256": sha256(original), "installed_sha256": sha256(installed),
                     # what adr wrote: the daemon's file monitor puts it back if an agent removes adr's
                     # hook from it while the daemon was down (adr/respond/revert.py)
                     "installed_b64": base64.b64encode(installed).decode(),
                     "created_dirs": created_dirs, "extra": extra or {}}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(self.file.parent.parent, 0o700)
        except OSError:
            pass
        write_atomic(self.file, json.dumps(self.data, indent=2).encode(), mode=0o600)

    def delete(self) -> None:
        try:
            self.file.unlink()
        except FileNotFoundError:
            pass
        self.data = None


def _mkdirs(path: Path) -> list[str]:
    """Create path's missing parents; return the ones created (outermost first)."""
    missing = []
    p = path.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir()
    return [str(d) for d in reversed(missing)]


def install_file(ctx: InstallContext, host: str, path: Path, new_bytes: Callable[[bytes | None], bytes],
                 strip_ours: "Callable[[bytes, dict[str, Any]], bytes | None]",
                 extra: dict[str, Any] | None = None) -> FileChange:
    """Write `new_bytes(current)` to path, recording how to undo it.

    strip_ours(current, extra) returns the bytes without adr's entries, or None when it holds none.
    """
    current = read_bytes(path)
    new = new_bytes(current)
    if new == current:
        return FileChange(path, "unchanged")
    if ctx.dry_run:
        return FileChange(path, "created" if current is None else "updated", "dry run")
    m = Manifest(ctx.paths, host, path)
    if m.exists and sha256(current) == m.data.get("installed_sha256"):  # type: ignore[union-attr]
        original, created = m.original(), list(m.data.get("created_dirs", []))  # type: ignore[union-attr]
        extra = {**m.data.get("extra", {}), **(extra or {})}  # type: ignore[union-attr]
    else:
        old_extra = dict(m.data.get("extra", {})) if m.exists else {}  # type: ignore[union-attr]
        extra = {**old_extra, **(extra or {})}
        stripped = strip_ours(current, old_extra) if current is not None else None
        original = current if stripped is None else (None if stripped == DELETE else stripped)
        created = []
        if m.exists and current is None:
            created = list(m.data.get("created_dirs", []))  # type: ignore[union-attr]
    created += _mkdirs(path)
    write_atomic(path, new)
    m.save(original=original, installed=new, created_dirs=created, extra=extra)
    return FileChange(path, "created" if current is None else "updated")


def uninstall_file(ctx: InstallContext, host: str, path: Path,
                   strip_ours: "Callable[[bytes, dict[str, Any]], bytes | None]") -> FileChange:
    """Undo install_file: restore the original bytes, or strip adr's entries (see the module doc)."""
    current = read_bytes(path)
    m = Manifest(ctx.paths, host, path)
    extra = dict(m.data.get("extra", {})) if m.exists else {}  # type: ignore[union-attr]
    if m.exists and sha256(current) == m.data.get("installed_sha256"):  # type: ignore[union-attr]
        original = m.original()
        if ctx.dry_run:
            return FileChange(path, "restored", "dry run")
        if original is None:
            path.unlink()
            for d in reversed(m.data.get("created_dirs", [])):  # type: ignore[union-attr]
                try:
                    os.rmdir(d)
                except OSError:
                    break
            m.delete()
            return FileChange(path, "deleted", "adr created it")
        write_atomic(path, original)
        m.delete()
        return FileChange(path, "restored", "byte-for-byte original")
    if current is None or (stripped := strip_ours(current, extra)) is None:
        if not ctx.dry_run:
            m.delete()
        return FileChange(path, "untouched", "file is gone" if current is None else "no adr entries")
    if ctx.dry_run:
        return FileChange(path, "removed-entries", "dry run")
    if stripped == DELETE:
        path.unlink()
        m.delete()
        return FileChange(path, "deleted", "adr's own file (it was edited since install)")
    write_atomic(path, stripped)
    m.delete()
    return FileChange(path, "removed-entries", "the file changed since install; only adr's entries removed")

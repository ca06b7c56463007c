"""adr's integrity key: a secret that only adr's own processes read, so what adr trusts on disk
(grants, the compiled-rules cache) carries a MAC an agent cannot forge.

The key is 32 random bytes in `Paths.integrity_key` (0600, under the state dir). An agent runs as
the same user, so the file's mode alone does not keep it out: the self-defense rules deny every
action that reads, copies or changes it (rules/self-defense.yaml, `$adr_secret_files`), and what a
stolen key could forge is still limited to what the gate lets through. Each use derives its own
sub-key, so a MAC made for one purpose never verifies for another.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path
from typing import Any

KEY_BYTES = 32


class IntegrityKeyError(RuntimeError):
    """The key exists but cannot be trusted (wrong owner, not a regular file, wrong size)."""


def _read(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            raise IntegrityKeyError(f"{path} is not a regular file of this user")
        if st.st_mode & 0o077:
            os.fchmod(fd, 0o600)
        data = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) != KEY_BYTES:
        raise IntegrityKeyError(f"{path} does not hold a {KEY_BYTES}-byte key")
    return data


def load_key(paths: Any, create: bool = True) -> bytes:
    """The installation's key (`paths`: a Paths, or the key file itself), created (atomically, 0600)
    when there is none yet.

    Raises OSError / IntegrityKeyError when it cannot be read or made: callers then treat what the key
    protects as unverifiable (grants: none; rule cache: parse the YAML)."""
    path = Path(paths) if isinstance(paths, (str, os.PathLike)) else Path(paths.integrity_key)
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            raise
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = os.urandom(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # never replaces a key another process made meanwhile
    except FileExistsError:
        return _read(path)
    finally:
        os.unlink(tmp)
    return key


def subkey(key: bytes, purpose: str) -> bytes:
    return hmac.new(key, b"adr-subkey\0" + purpose.encode(), hashlib.sha256).digest()


def try_subkey(paths: Any, purpose: str, create: bool = True) -> bytes | None:
    """subkey(load_key(paths), purpose), or None when the key cannot be had."""
    try:
        return subkey(load_key(paths, create), purpose)
    except (OSError, IntegrityKeyError):
        return None

"""Signed policy bundles: what `adr policy sign` writes and what every client verifies before use.

A bundle is one JSON file:

    {"adr_policy_bundle": 1,
     "manifest": "<JSON text: format, serial, created, files: {name: {sha256, size}}>",
     "signature": {"alg": "ed25519", "key_id": "<16 hex>", "value": "<base64>"},
     "files": {"rules/<pack>.yaml": "<YAML text>", "settings.yaml": "<YAML text>"}}

The signature covers the manifest's exact bytes (no canonical-JSON games), and the manifest pins every
file by sha256, so nothing in the bundle can change without breaking it. `serial` only ever grows: a
client refuses a bundle older than the one it runs (adr/policy/central.py). Keys are Ed25519 (the
`cryptography` package), PEM-encoded: `signing.key` (PKCS#8, 0600) and `signing.pub`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

FORMAT = 1
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_FILES = 200
SETTINGS = "settings.yaml"
_NAME = re.compile(r"^(?:rules/[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.ya?ml|settings\.yaml)$")
KEY_FILE, PUB_FILE = "signing.key", "signing.pub"


class BundleError(ValueError):
    """A bundle that must not be used. `kind`: format | signature | pack | settings | rollback | fetch."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Bundle:
    serial: int
    created: str
    key_id: str
    digest: str  # sha256 of the bundle file as received
    files: tuple[tuple[str, str], ...]  # (name, text), sorted by name

    @property
    def settings_text(self) -> str:
        return next((t for n, t in self.files if n == SETTINGS), "")

    @property
    def rule_files(self) -> list[tuple[str, str]]:
        return [(n.split("/", 1)[1], t) for n, t in self.files if n.startswith("rules/")]


# ---- keys ---------------------------------------------------------------------------------------

def key_id(public_key: "object") -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)  # type: ignore[attr-defined]
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_keypair(out_dir: Path) -> tuple[Path, Path]:
    """Write signing.key (0600) and signing.pub into `out_dir`; an existing key is never overwritten."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (Encoding, NoEncryption, PrivateFormat,
                                                              PublicFormat)

    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, pub_path = out_dir / KEY_FILE, out_dir / PUB_FILE
    if key_path.exists() or pub_path.exists():
        raise FileExistsError(f"{key_path if key_path.exists() else pub_path} exists: not overwriting a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    pub_path.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return key_path, pub_path


def load_private_key(path: Path) -> "object":
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError) as e:
        raise BundleError("signature", f"{path}: not a PEM private key ({e})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("signature", f"{path}: not an Ed25519 key")
    return key


def load_public_keys(paths: Iterable[str | Path]) -> list[tuple[str, "object"]]:
    """(key id, key) for each signing.pub; a file that is missing or not an Ed25519 key is an error."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    out = []
    for p in paths:
        p = Path(p).expanduser()
        try:
            key = load_pem_public_key(p.read_bytes())
        except OSError as e:
            raise BundleError("signature", f"public key {p}: {e.strerror or e}") from None
        except (ValueError, TypeError) as e:
            raise BundleError("signature", f"public key {p}: not a PEM public key ({e})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise BundleError("signature", f"public key {p}: not an Ed25519 key")
        out.append((key_id(key), key))
    if not out:
        raise BundleError("signature", "no public key configured (policy.public_key)")
    return out


# ---- signing ------------------------------------------------------------------------------------

def collect(src: Path) -> dict[str, str]:
    """The files of a policy folder: rules/*.yaml (and .yml) and an optional settings.yaml."""
    src = Path(src)
    if not (src / "rules").is_dir() and not (src / SETTINGS).is_file():
        raise BundleError("format", f"{src}: needs rules/*.yaml and/or settings.yaml")
    files: dict[str, str] = {}
    for p in sorted((src / "rules").glob("*.y*ml")) if (src / "rules").is_dir() else []:
        files[f"rules/{p.name}"] = p.read_text(encoding="utf-8")
    if (src / SETTINGS).is_file():
        files[SETTINGS] = (src / SETTINGS).read_text(encoding="utf-8")
    for name in files:
        if not _NAME.match(name):
            raise BundleError("format", f"{name}: not a valid bundle file name (letters, digits, . _ -)")
    if len(files) > MAX_FILES:
        raise BundleError("format", f"too many files ({len(files)} > {MAX_FILES})")
    return files


def sign(files: dict[str, str], key: "object", serial: int | None = None) -> bytes:
    """The bundle bytes for `files`, signed with `key`. serial defaults to the current Unix time, so a
    later bundle normally has a larger one."""
    serial = int(time.time()) if serial is None else int(serial)
    if serial <= 0:
        raise BundleError("format", "serial must be a positive integer")
    manifest = json.dumps({
        "format": FORMAT, "serial": serial, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": {n: {"sha256": _sha(t), "size": len(t.encode("utf-8"))} for n, t in sorted(files.items())},
    }, sort_keys=True, separators=(",", ":"))
    sig = key.sign(manifest.encode("utf-8"))  # type: ignore[attr-defined]
    doc = {"adr_policy_bundle": FORMAT, "manifest": manifest,
           "signature": {"alg": "ed25519", "key_id": key_id(key.public_key()),  # type: ignore[attr-defined]
                         "value": base64.b64encode(sig).decode()},
           "files": dict(sorted(files.items()))}
    raw = json.dumps(doc, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError("format", f"the bundle is {len(raw)} bytes (limit {MAX_BUNDLE_BYTES})")
    return raw


# ---- verifying ----------------------------------------------------------------------------------

def verify(raw: bytes, keys: list[tuple[str, "object"]]) -> Bundle:
    """Check the signature against any of `keys`, then every file against the manifest. Raises
    BundleError naming what is wrong; returns the bundle only when all of it holds."""
    from cryptography.exceptions import InvalidSignature

    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError("format", f"the bundle is larger than {MAX_BUNDLE_BYTES} bytes")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise BundleError("format", f"not a bundle (invalid JSON: {e})") from None
    if not isinstance(doc, dict) or doc.get("adr_policy_bundle") != FORMAT:
        raise BundleError("format", f"not an adr policy bundle of format {FORMAT}")
    manifest_text, sig, files = doc.get("manifest"), doc.get("signature"), doc.get("files")
    if not isinstance(manifest_text, str) or not isinstance(sig, dict) or not isinstance(files, dict):
        raise BundleError("format", "a bundle needs manifest, signature and files")
    try:
        value = base64.b64decode(str(sig.get("value", "")), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError("signature", "the signature is not base64") from None
    if sig.get("alg") != "ed25519":
        raise BundleError("signature", f"unsupported signature algorithm {sig.get('alg')!r}")
    signer: "str | None" = None
    for kid, key in keys:
        try:
            key.verify(value, manifest_text.encode("utf-8"))  # type: ignore[attr-defined]
        except InvalidSignature:
            continue
        signer = kid
        break
    if signer is None:
        known = ", ".join(k for k, _ in keys)
        raise BundleError("signature", f"the signature does not verify with the configured key(s) ({known}); "
                                       f"it names key {str(sig.get('key_id', '?'))[:32]}")
    try:
        manifest = json.loads(manifest_text)
        serial, created, listed = manifest["serial"], str(manifest.get("created", "")), manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(serial, int) or isinstance(serial, bool) \
                or serial <= 0 or not isinstance(listed, dict):
            raise ValueError("format, serial or files")
    except (ValueError, KeyError, TypeError) as e:
        raise BundleError("format", f"the signed manifest is malformed ({e})") from None
    if set(listed) != set(files):
        raise BundleError("format", "the files do not match the signed manifest "
                                    f"(extra: {sorted(set(files) - set(listed))}, missing: {sorted(set(listed) - set(files))})")
    if len(files) > MAX_FILES:
        raise BundleError("format", f"too many files ({len(files)})")
    out = []
    for name in sorted(files):
        text = files[name]
        if not isinstance(name, str) or not _NAME.match(name) or not isinstance(text, str):
            raise BundleError("format", f"bad file entry {str(name)[:80]!r}")
        want = listed[name].get("sha256") if isinstance(listed[name], dict) else None
        if _sha(text) != want:
            raise BundleError("signature", f"{name} was changed after the bundle was signed (sha256 differs)")
        out.append((name, text))
    return Bundle(serial, created, signer, hashlib.sha256(raw).hexdigest(), tuple(out))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

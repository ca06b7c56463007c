"""Reputation-only settings that do not belong in Settings: provider base URLs (tests and
mirrors) and private package names that must never be sent anywhere.

`reputation.yaml` beside config.yaml (optional):

    base_urls: {urlhaus: https://…, registry_npm: https://…}
    private_scopes: ["@mycorp"]          # npm scopes never looked up
    private_packages: ["mycorp-utils"]   # names never looked up (any ecosystem)

Environment overrides: ADR_<PROVIDER>_URL (e.g. ADR_OSV_URL, ADR_REGISTRY_NPM_URL). Scopes with a
registry of their own in ~/.npmrc or ./.npmrc (`@scope:registry=…`) are private automatically.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from adr.paths import Paths

PROVIDERS = ("urlhaus", "safebrowsing", "virustotal", "malwarebazaar", "osv", "registry")


@dataclass(frozen=True)
class ReputationConfig:
    base_urls: tuple[tuple[str, str], ...] = ()
    private_scopes: frozenset[str] = frozenset()
    private_packages: frozenset[str] = frozenset()

    def base_url(self, name: str) -> str:
        return dict(self.base_urls).get(name, "")


def _npmrc_scopes(paths: "list[Path]") -> set[str]:
    scopes = set()
    for p in paths:
        try:
            text = p.read_text(encoding="utf-8", errors="replace")[:65536]
        except OSError:
            continue
        for m in re.finditer(r"^\s*(@[\w.-]+):registry\s*=", text, re.M):
            scopes.add(m.group(1).lower())
    return scopes


def load(paths: Paths | None = None, env: "dict[str, str] | None" = None, cwd: str = "") -> ReputationConfig:
    env = dict(os.environ) if env is None else env
    data: dict = {}
    if paths is not None:
        f = paths.config_dir / "reputation.yaml"
        if f.exists():
            try:
                loaded = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
                data = loaded if isinstance(loaded, dict) else {}
            except (OSError, yaml.YAMLError):
                data = {}
    urls = {str(k): str(v) for k, v in (data.get("base_urls") or {}).items()}
    for name in PROVIDERS + ("registry_npm",):
        v = env.get(f"ADR_{name.upper()}_URL")
        if v:
            urls[name] = v
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    rc = [home / ".npmrc"] + ([Path(cwd) / ".npmrc"] if cwd else [])
    scopes = {s.lower() if s.startswith("@") else "@" + s.lower() for s in data.get("private_scopes") or ()}
    scopes |= _npmrc_scopes(rc)
    return ReputationConfig(tuple(sorted(urls.items())), frozenset(scopes),
                            frozenset(str(p).lower() for p in data.get("private_packages") or ()))

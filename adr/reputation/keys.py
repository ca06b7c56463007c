"""API keys: the OS keyring (service "adr", user = provider name), with ADR_<PROVIDER>_KEY as an
override that also works where no keyring backend exists (CI, headless boxes).

The environment is consulted first so that a headless daemon never blocks on a keyring unlock
prompt when the user already gave the key explicitly.
"""
from __future__ import annotations

import os
import re

SERVICE = "adr"


class KeyringUnavailable(RuntimeError):
    pass


def env_var(provider: str) -> str:
    return "ADR_" + re.sub(r"[^A-Z0-9]", "_", provider.upper()) + "_KEY"


def _backend():
    try:
        import keyring
        from keyring.backends import fail
    except Exception as e:  # pragma: no cover - keyring is a dependency
        raise KeyringUnavailable(f"the keyring module cannot be imported: {e}") from None
    kr = keyring.get_keyring()
    if isinstance(kr, fail.Keyring) or type(kr).__name__ in ("Keyring",) and "fail" in type(kr).__module__:
        raise KeyringUnavailable("no keyring backend is available on this machine")
    return keyring


def get_key(provider: str, env: "dict[str, str] | None" = None, use_keyring: bool = True) -> str:
    env = os.environ if env is None else env
    v = env.get(env_var(provider), "").strip()
    if v or not use_keyring:
        return v
    try:
        kr = _backend()
        return (kr.get_password(SERVICE, provider) or "").strip()
    except Exception:  # no backend, locked, D-Bus down: behave as "no key"
        return ""


def set_key(provider: str, key: str) -> None:
    """Store a key in the keyring; raises KeyringUnavailable with a message a human can act on."""
    try:
        kr = _backend()
        kr.set_password(SERVICE, provider, key)
    except KeyringUnavailable as e:
        raise KeyringUnavailable(f"{e}; set {env_var(provider)} in the daemon's environment instead") from None
    except Exception as e:
        raise KeyringUnavailable(f"the keyring refused the key ({type(e).__name__}: {e}); "
                                 f"set {env_var(provider)} in the daemon's environment instead") from None


def delete_key(provider: str) -> bool:
    try:
        kr = _backend()
        kr.delete_password(SERVICE, provider)
        return True
    except Exception:
        return False

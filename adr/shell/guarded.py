"""The home-relative names of guarded files — shell and login files, ssh, git and agent-host
settings, adr's own folders: what a folder computed at run time before one of them most likely
means is the home (adr.engine.targets for command targets, adr.shell.effects for interpreter code).
Here, not in adr.engine, so that the shell layer reads it without loading the engine."""
from __future__ import annotations

from adr import lazyre

GUARDED_IN_HOME = (r"\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|kshrc|"
                   r"mkshrc|xprofile|xsessionrc|pam_environment|gitconfig|ssh/[^/]+|"
                   r"config/(?:adr|autostart|systemd/user|environment\.d|fish)(?:/[^/]+)*|local/(?:state|share)/adr(?:/[^/]+)*|"
                   r"claude/settings(?:\.local)?\.json|cursor/hooks\.json|codex/config\.toml|gemini/settings\.json)"
                   r"|Library/LaunchAgents/[^/]+")
_GUARDED_NAME = lazyre.compile(r"(?:(?:/home|/Users)/[^/]+|/root|~|\$\{?HOME\}?|\{[^{}]*\})?/?(" + GUARDED_IN_HOME + r")")


def guarded_home_name(text: str) -> "str | None":
    """`.bashrc`, `/.ssh/authorized_keys`, `{d}/.bashrc`, `/home/*/.bashrc` … as a home-relative name
    (None for anything else)."""
    m = _GUARDED_NAME.fullmatch(text)
    return m.group(1) if m else None

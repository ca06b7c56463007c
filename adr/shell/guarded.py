"""The home-relative names of guarded files — shell and login files, ssh, git and agent-host
settings, adr's own folders — in one place, in two forms: a pattern, for what a folder computed at
run time before one of them most likely means (the home: adr.engine.targets for command targets,
adr.shell.effects for interpreter code), and the plain files among them, which a hard link elsewhere
may stand for (adr.daemon.resolve looks them up by inode). Here, not in adr.engine, so that the shell
layer reads it without loading the engine."""
from __future__ import annotations

from adr import lazyre

GUARDED_IN_HOME = (r"\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|zlogout|kshrc|"
                   r"mkshrc|xprofile|xsessionrc|pam_environment|gitconfig|ssh/[^/]+|"
                   r"config/(?:adr|autostart|systemd/user|environment\.d|fish|git)(?:/[^/]+)*|local/(?:state|share)/adr(?:/[^/]+)*|"
                   r"claude/settings(?:\.local)?\.json|cursor/hooks\.json|codex/config\.toml|gemini/settings\.json)"
                   r"|Library/LaunchAgents/[^/]+")
_GUARDED_NAME = lazyre.compile(r"(?:(?:/home|/Users)/[^/]+|/root|~|\$\{?HOME\}?|\{[^{}]*\})?/?(" + GUARDED_IN_HOME + r")")


def guarded_home_name(text: str) -> "str | None":
    """`.bashrc`, `/.ssh/authorized_keys`, `{d}/.bashrc`, `/home/*/.bashrc` … as a home-relative name
    (None for anything else)."""
    m = _GUARDED_NAME.fullmatch(text)
    return m.group(1) if m else None


# the plain files (and a few credential files the pattern leaves to the secrets rules) a second name
# of a file may be: looked up only when a write target has more than one name
GUARDED_HOME_FILES = (".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv",
                      ".zprofile", ".zlogin", ".zlogout", ".kshrc", ".mkshrc", ".config/fish/config.fish",
                      ".ssh/authorized_keys", ".ssh/authorized_keys2", ".ssh/config", ".ssh/rc", ".gitconfig",
                      ".config/git/config", ".npmrc", ".pypirc", ".netrc", ".curlrc", ".wgetrc", ".inputrc",
                      ".vimrc", ".tmux.conf", ".claude/settings.json", ".claude/settings.local.json",
                      ".cursor/hooks.json", ".codex/config.toml", ".gemini/settings.json", ".aws/config",
                      ".aws/credentials", ".kube/config", ".docker/config.json", ".pam_environment",
                      ".xprofile", ".xsessionrc")

"""The programs adr itself runs (git, notify-send, zenity, kdialog, osascript, tmux, screen), found only
where an agent running as the user cannot have put them.

The daemon runs git to see what a commit publishes, a notifier to ask the human, tmux/screen to tell
who is at a terminal: each of these answers a question the gate depends on. Found through the
user's PATH, a `~/.local/bin/notify-send` or `node_modules/.bin/tmux` the agent wrote would answer
for the human. So a program qualifies only when the real file and every folder above it belong to
root (or the system) and nobody but their owner may write them: a file the user's own processes
cannot replace. The daemon's PATH is searched first (the user's choice among trusted copies), then
the system folders. A program found nowhere trusted is reported as missing: the feature that needs
it says so, it never falls back to an untrusted copy.
"""
from __future__ import annotations

import os
import stat

# searched after the daemon's own PATH: where package managers that install as root put programs
SYSTEM_DIRS = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin",
               "/opt/homebrew/bin", "/opt/local/bin", "/run/current-system/sw/bin", "/nix/var/nix/profiles/default/bin")

_found: dict[str, str] = {}  # name → path, positive answers only (a program installed later is found then)


def trusted_file(path: str) -> bool:
    """Is `path` (resolved) a regular executable file that only root can change — it and every folder
    above it root-owned and not writable by group or others?"""
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or not st.st_mode & 0o111 or not _root_only(st):
        return False
    d = os.path.dirname(real)
    while True:
        try:
            if not _root_only(os.stat(d)):
                return False
        except OSError:
            return False
        parent = os.path.dirname(d)
        if parent == d:
            return True
        d = parent


def _root_only(st: os.stat_result) -> bool:
    return st.st_uid == 0 and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def find(name: str, path: "str | None" = None) -> "str | None":
    """The real path of the first trusted `name` on `path` (default: this process's PATH), then in
    SYSTEM_DIRS; None if no trusted copy exists. A `name` with a slash is judged as that file."""
    if os.sep in name:
        return os.path.realpath(name) if trusted_file(name) else None
    if path is None and name in _found:
        got = _found[name]
        if trusted_file(got):
            return got
        del _found[name]
    search = (os.environ.get("PATH", "") if path is None else path).split(os.pathsep)
    seen: set[str] = set()
    for d in [*search, *SYSTEM_DIRS]:
        if not d or not os.path.isabs(d) or d in seen:
            continue  # a relative PATH entry means "wherever the process stands": never trusted
        seen.add(d)
        cand = os.path.join(d, name)
        if trusted_file(cand):
            real = os.path.realpath(cand)  # what was checked is what runs: a link can be re-pointed later
            if path is None:
                _found[name] = real
            return real
    return None


def require(name: str) -> str:
    """find(name), or FileNotFoundError naming why (callers already handle a missing program)."""
    got = find(name)
    if got is None:
        raise FileNotFoundError(f"{name}: no copy that only root can change is installed (adr does not run "
                                "programs the user's own processes could have replaced)")
    return got


def git_env() -> "dict[str, str]":
    """The environment adr runs git with: none of the caller's GIT_* settings (GIT_DIR, GIT_EXEC_PATH,
    GIT_SSH_COMMAND … would redirect it or run programs), no lock it could hold against the user's
    own git, no prompt, no system config, and a partial clone never fetching on adr's behalf."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_OPTIONAL_LOCKS="0", LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1",
               GIT_NO_LAZY_FETCH="1")
    return env

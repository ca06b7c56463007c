"""What a repository says about where a line's git commands would push: read from its files.

`git push --force-with-lease` with no refspec pushes the checked-out branch. Overwriting one's own
feature branch that way is routine (after a rebase); doing it to main is not. A remote re-pointed at
a host none of the repository's remotes use is where the next push goes. The engine is pure, so the
resolver looks these up here and hands them over as data (Action.resolved.git_branch,
git_remote_hosts); the text side — a URL's host, a leading `cd DIR &&` — is adr/engine/gitwords.py.

Conservative: "" (unknown, so the push is judged as if it could go anywhere) unless HEAD names a
branch plainly and nothing in the repository's config sends that branch somewhere else — an
upstream of another name (`branch.X.merge`), a remote push refspec (`remote.*.push`) or an
`include` that could say either. No git process is run: a few small files are read, bounded.

The one exception (`published_names`): a line that commits or pushes asks git, once, with a short
timeout, which files the commit or the push would publish — index against HEAD (`diff --cached`), and
the commits no remote-tracking ref holds (`log --not --remotes`). Neither reads the work tree (no
clean/smudge filter, no fsmonitor runs), and options that run programs are turned off.
"""
from __future__ import annotations

import os
import re
import subprocess

from adr import sysprog
from adr import lazyre
from adr.engine import gitwords
from adr.engine.gitwords import config_push_hosts, leading_cd

MAX_UP = 32  # directories walked up looking for .git
MAX_READ = 256 * 1024  # bytes of a HEAD / config file read


def _read(path: str) -> "str | None":
    try:
        with open(path, "rb") as f:
            return f.read(MAX_READ).decode("utf-8", "replace")
    except OSError:
        return None


def git_dir(cwd: str) -> "tuple[str, str] | None":
    """(the git directory, the common directory holding config) for cwd, or None."""
    d = os.path.abspath(cwd or "/")
    for _ in range(MAX_UP):
        dot = os.path.join(d, ".git")
        if os.path.isdir(dot):
            return dot, dot
        if os.path.isfile(dot):  # a worktree or submodule: "gitdir: PATH"
            text = _read(dot) or ""
            if not text.startswith("gitdir:"):
                return None
            gd = text[7:].strip()
            gd = gd if os.path.isabs(gd) else os.path.normpath(os.path.join(d, gd))
            common = (_read(os.path.join(gd, "commondir")) or "").strip()
            if common:
                common = common if os.path.isabs(common) else os.path.normpath(os.path.join(gd, common))
            return gd, common or gd
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent
    return None


def _redirects(config: str, branch: str) -> bool:
    """Does this config send `branch` to another name, or could it (an include)?"""
    section = sub = ""
    for line in config.splitlines():
        line = line.split("#", 1)[0].split(";", 1)[0] if '"' not in line else line
        m = gitwords.CONFIG_SECTION.match(line)
        if m:
            section, sub = m.group(1).lower(), (m.group(2) or "")
            if section in ("include", "includeif"):
                return True
            continue
        k = gitwords.CONFIG_KEY.match(line)
        if not k:
            continue
        key, value = k.group(1).lower(), (k.group(2) or "").strip().strip('"')
        if section == "remote" and key == "push":
            return True
        if section == "branch" and sub == branch and key == "merge" and value not in (branch, "refs/heads/" + branch):
            return True
    return False


def current_branch(cwd: str) -> str:
    """The branch a bare `git push` run in cwd pushes, or "" when that is not plainly known."""
    found = git_dir(cwd)
    if found is None:
        return ""
    gd, common = found
    head = (_read(os.path.join(gd, "HEAD")) or "").strip()
    if not head.startswith("ref: refs/heads/"):
        return ""  # detached, or not a branch
    branch = head[len("ref: refs/heads/"):]
    if not branch or any(c in branch for c in " \t\n\\") or ".." in branch:
        return ""
    config = _read(os.path.join(common, "config"))
    if config is None or _redirects(config, branch):
        return ""
    return branch


# the files that say where a repository's pushes go, as a line may name them (`sed -i … .git/config`)
_PUSH_CONFIG_NAMED = lazyre.compile(r"\.git/config\b|\.lfsconfig\b")


def names_push_config(command: str) -> bool:
    """The line names a file that says where a repository's pushes go."""
    return _PUSH_CONFIG_NAMED.search(command) is not None


def push_config_repo(path: str, cwd: str) -> str:
    """The repository folder whose pushes `path` configures (its .git/config, its .lfsconfig); ""
    for any other file."""
    full = os.path.normpath(os.path.join(cwd or "/", path))
    if full.endswith("/.git/config"):
        return full[:-len("/.git/config")] or "/"
    if os.path.basename(full) == ".lfsconfig":
        return os.path.dirname(full)
    return ""


def remote_hosts(cwd: str) -> "tuple[str, ...] | None":
    """The hosts the repository's remotes point at (url and pushurl, and their LFS servers'); None
    when cwd is not in a repository or its config cannot be read or includes another file."""
    found = git_dir(cwd)
    if found is None:
        return None
    config = _read(os.path.join(found[1], "config"))
    return None if config is None else config_push_hosts(config)


# gc's expiries short of days (`now`, `0`, hours): what a plain `git gc` / `maintenance run` then drops
_GC_EXPIRIES = frozenset({"pruneexpire", "reflogexpire", "reflogexpireunreachable"})
_SHORT_EXPIRY = lazyre.compile(r"(?i)^(?:now|all|0+|[0-9.]*(?:sec|min|hour)[a-z.]*)$")


def gc_expiry(cwd: str, home: str, gitdir: str = "") -> str:
    """`gc.KEY=VALUE` when the repository's config (or the user's ~/.gitconfig,
    ~/.config/git/config) sets an expiry short of days, so a plain `git gc` in cwd drops unreachable
    objects or reflog entries now; "" otherwise (or not known: an include, unreadable). `gitdir`: the
    repository named by `--git-dir`/`GIT_DIR` instead of the one around cwd."""
    if gitdir:
        common = (_read(os.path.join(gitdir, "commondir")) or "").strip()
        common = os.path.normpath(os.path.join(gitdir, common)) if common else gitdir
    else:
        found = git_dir(cwd)
        if found is None:
            return ""
        common = found[1]
    files = [os.path.join(home, ".gitconfig"), os.path.join(home, ".config", "git", "config")] if home else []
    files.append(os.path.join(common, "config"))  # (the repository's own last: it wins)
    values: dict[str, tuple[str, str]] = {}  # key → (as spelled, value); a later file overrides
    for path in files:
        config = _read(path)
        if config is None:
            continue
        section = ""
        for line in config.splitlines()[:4096]:
            line = line.split("#", 1)[0].split(";", 1)[0] if '"' not in line else line
            m = gitwords.CONFIG_SECTION.match(line)
            if m:
                section = m.group(1).lower()
                continue
            k = gitwords.CONFIG_KEY.match(line)
            if section == "gc" and k and k.group(1).lower() in _GC_EXPIRIES:
                values[k.group(1).lower()] = (k.group(1), (k.group(2) or "").strip().strip('"'))
    return next((f"gc.{key}={value}" for key, value in values.values() if _SHORT_EXPIRY.match(value)), "")


def gc_repositories(command: str, cwd: str, home: str,
                    env: "dict[str, str | None] | None" = None) -> "list[tuple[str, str]]":
    """(the directory, the git directory or "") of each `git gc` / `git maintenance` on the line: the
    repository it works on — after `cd DIR`, `git -C DIR` (each relative to the one before),
    `--git-dir=D`, `GIT_DIR=D` before git (or exported by an earlier call: `env`)."""
    from adr.shell import runs as R
    from adr.shell.parse import parse_remembered

    out: list[tuple[str, str]] = []
    here = cwd
    env = dict(env or {})
    for c in parse_remembered(command).commands[:64]:
        if c.program in ("cd", "pushd") and not c.via:
            here = R.cd_target(c.args, here, home)
            continue
        if c.program in ("export", "declare", "typeset") and not c.via:
            env.update(a.split("=", 1) for a in c.args if a.startswith("GIT_DIR="))  # `export GIT_DIR=D; git gc`
            continue
        if c.program != "git":
            continue
        assigned = dict(e.split("=", 1) for e in c.env if "=" in e)
        gd = assigned.get("GIT_DIR") or env.get("GIT_DIR") or ""
        where, sub, i, args = here, "", 0, list(c.args)
        while i < len(args):
            a = args[i]
            if a in ("-C", "--git-dir") and i + 1 < len(args):
                if a == "-C":
                    where = R.resolve(args[i + 1], where, home) or where
                else:
                    gd = args[i + 1]
                i += 2
            elif a.startswith("--git-dir="):
                gd, i = a.split("=", 1)[1], i + 1
            elif a in _GLOBAL_VALUED:
                i += 2
            elif a.startswith("-"):
                i += 1
            else:
                sub = a
                break
        if sub in ("gc", "maintenance"):
            out.append((where, (R.resolve(gd, where, home) or "") if gd else ""))
    return out[:8]


def git_cwd(command: str, cwd: str, home: str) -> str:
    """Where a line's git commands run: its leading `cd DIR &&` resolved against cwd (~ is home)."""
    d = leading_cd(command)
    if d is None:
        return cwd
    if d == "~" or d.startswith("~/"):
        d = (home or os.path.expanduser("~")) + d[1:]
    return os.path.normpath(os.path.join(cwd, d))


# ---- what a commit or a push publishes (runs git: only for a line that commits or pushes) ------------

GIT_TIMEOUT = 1.5  # seconds for each git process
MAX_NAMES = 256  # file names kept per question
MAX_COMMITS = 64  # commits ahead of the remotes looked at
_GLOBAL_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"})
_PUSH_VALUED = frozenset({"--repo", "-o", "--push-option", "--receive-pack", "--exec"})
_REV = lazyre.compile(r"^[A-Za-z0-9_@][A-Za-z0-9_./@{}^~-]*$")
# options that make git run a program, turned off for the processes adr runs in an agent's repository
_SAFE = ("-c", "core.fsmonitor=false", "-c", "protocol.allow=never", "-c", "log.showSignature=false",
         "-c", "core.quotePath=false", "--no-pager")


class GitTimeout(Exception):
    """git did not answer in time: what the line publishes is not known."""


def git_subcommand(args: "tuple[str, ...] | list[str]", cwd: str) -> "tuple[str, str, list[str]]":
    """(the directory git runs in after `-C`, the subcommand, its arguments) for `git ARGS`."""
    i, here = 0, cwd
    while i < len(args):
        a = args[i]
        if a in _GLOBAL_VALUED:
            if a == "-C" and i + 1 < len(args):
                here = os.path.normpath(os.path.join(here, args[i + 1]))
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return here, a, list(args[i + 1:])
    return here, "", []


def push_revisions(args: "list[str]") -> "list[str]":
    """The local revisions `git push ARGS` sends (HEAD when no refspec names one)."""
    revs: list[str] = []
    pos: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in _PUSH_VALUED:
            skip = True
        elif a in ("--all", "--branches", "--mirror"):
            revs.append("--branches")
        elif a == "--tags":
            revs.append("--tags")
        elif not a.startswith("-"):
            pos.append(a)
    for spec in pos[1:]:
        src = spec.lstrip("+").split(":", 1)[0]
        if src and _REV.match(src):
            revs.append(src)
    return list(dict.fromkeys(revs)) or ["HEAD"]


def work_tree(cwd: str) -> str:
    """The top of the work tree around cwd ("" when none)."""
    d = os.path.abspath(cwd or "/")
    for _ in range(MAX_UP):
        if os.path.lexists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return ""
        d = parent
    return ""


def _git_names(top: str, args: "list[str]", timeout: float) -> "list[str]":
    """NUL-separated file names git prints (top-relative), [] when git fails (not a repository, no
    HEAD, git missing); GitTimeout when it does not answer in time."""
    try:
        r = subprocess.run([sysprog.require("git"), *_SAFE, "-C", top, *args], capture_output=True,
                           timeout=timeout, env=sysprog.git_env(), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise GitTimeout(f"git {args[0]} did not answer within {timeout:g} s") from None
    except OSError:
        return []
    if r.returncode != 0:
        return []
    names = [n for n in r.stdout[:4 * 1024 * 1024].decode("utf-8", "surrogateescape").split("\0")
             if n and "\n" not in n]
    return list(dict.fromkeys(names))[:MAX_NAMES]


def staged_names(top: str, timeout: float = GIT_TIMEOUT) -> "list[str]":
    """Files the next commit adds or changes: the index against HEAD (the work tree is not read)."""
    return _git_names(top, ["diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=AM",
                            "--no-ext-diff", "--no-textconv"], timeout)


def unpushed_names(top: str, revs: "list[str]", timeout: float = GIT_TIMEOUT) -> "list[str]":
    """Files added or changed by the commits of `revs` that no remote-tracking ref holds yet."""
    revs = [r for r in revs if r in ("--branches", "--tags") or _REV.match(r)]
    if not revs:
        return []
    return _git_names(top, ["log", "--format=", "--name-only", "-z", "--no-renames", "--diff-filter=AM",
                            "--no-ext-diff", "--no-textconv", "-n", str(MAX_COMMITS), *revs, "--not",
                            "--remotes", "--"], timeout)

"""Before the engine judges an action, look its targets up on this machine.

The engine is pure: it sees paths as written. An agent can name adr's config as `/tmp/x/config.yaml`
after `ln -s ~/.config/adr /tmp/x` in an earlier call, as `$ADR_HOME/config/config.yaml`, or as a
glob that the shell expands. So the judge (adr/judge/ — the one way the daemon, `adr check` and
the hook's in-process fallback decide) first asks the engine which (path, cwd) pairs it will look at
(`Engine.path_targets`), resolves each here — variables adr knows, `~`, the cwd, symlinks (`..`
after a symlink included), glob expansion — and hands the engine the results as data on the action
(`Action.resolved`), together with adr's own process ids. Replaying the recorded action gives the
same verdict without the file system.

Bounded: at most MAX_TARGETS targets, MAX_RESOLVE symlink resolutions, MAX_GLOB glob results and
MAX_SCAN directory entries read per action, so a pathological command (`rm /*/*/*/*`) costs a
bounded number of system calls, never a hang. What a bound cuts off is still judged by the engine's
own glob-vs-glob test (what the pattern *could* expand to).
"""
from __future__ import annotations

import fnmatch
import functools
import hashlib
import logging
import os
import posixpath
import re
import shutil
import stat
from dataclasses import replace
from typing import Any

from adr import lazyre
from adr.actions import Action, ActionKind, Resolved
from adr.daemon.gitstate import current_branch, gc_expiry, gc_repositories, git_cwd, \
    names_push_config, push_config_repo, remote_hosts, work_tree
from adr.daemon.localdb import local_databases
from adr.engine.pathnorm import expand_braces, has_glob, normalize, normalize_own, other_home, through_proc_link
from adr.shell.guarded import GUARDED_HOME_FILES

log = logging.getLogger("adr.resolve")

MAX_TARGETS = 128
MAX_RESOLVE = 256
MAX_GLOB = 256
MAX_SCAN = 4096  # directory entries read while expanding globs, per action
MAX_ALIASES = 16  # per target
# variables that name adr's places (or the home), expanded with the values adr itself uses
_VARS = ("HOME", "ADR_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
         "XDG_RUNTIME_DIR", "TMPDIR")
_VAR = lazyre.compile(r"\$(?:\{(\w+)\}|(\w+))")
_GIT_REDIRECTS = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"})
_RUNS_GC = lazyre.compile(r"\bgc\b|\bmaintenance\b")  # (a cheap test before the config files are read)


# programs whose copy under another name is still judged as them
NOTABLE_PROGRAMS = ("rm", "shred", "dd", "mkfs", "wipefs", "curl", "wget", "nc", "ncat", "netcat", "socat", "bash", "sh",
                    "dash", "zsh", "ksh", "python3", "perl", "ruby", "node", "ssh", "scp", "rsync", "chmod", "chown",
                    "openssl", "busybox", "sudo", "kill", "pkill", "find", "xargs", "tar", "git", "crontab")
_SYSTEM_BIN_DIRS = ("/usr/", "/bin/", "/sbin/", "/lib", "/opt/homebrew/", "/nix/store/", "/System/")
MAX_COPY_HASH = 64 * 1024 * 1024


@functools.lru_cache(maxsize=256)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> "str | None":
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _sha256(path: str) -> "str | None":
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _sha256_cached(path, st.st_size, st.st_mtime_ns)


class Resolver:
    def __init__(self, paths: Any, env: "dict[str, str] | None" = None) -> None:
        self.paths = paths
        env = dict(os.environ if env is None else env)
        self.home = env.get("HOME") or os.path.expanduser("~")
        self.vars = {k: env[k] for k in _VARS if env.get(k)}
        defaults = {"XDG_CONFIG_HOME": ".config", "XDG_STATE_HOME": ".local/state", "XDG_CACHE_HOME": ".cache",
                    "XDG_DATA_HOME": ".local/share"}
        for k, rel in defaults.items():
            self.vars.setdefault(k, posixpath.join(self.home, rel))
        self.vars.setdefault("HOME", self.home)
        # (the agent's shell has one even where the daemon's does not: `rm -rf $XDG_RUNTIME_DIR/adr` is
        # judged as the folder a login session would name, never as a literal word that reaches nothing)
        if hasattr(os, "getuid"):
            self.vars.setdefault("XDG_RUNTIME_DIR", f"/run/user/{os.getuid()}")
        self._notable: "dict[int, list[str]] | None" = None  # size → system programs of that size
        self._pid_seen: tuple[int, int] | None = None
        self._pids: tuple[tuple[int, ...], tuple[str, ...]] = ((), ())

    # ---- the judge's entry point --------------------------------------------------------------

    def apply(self, action: Action, engine: Any, env: "dict[str, str | None] | None" = None) -> Action:
        """The action with its context's home filled in and Action.resolved set (never the client's):
        every target the rules could look at (Engine.path_targets) looked up on disk."""
        action = self.base(action, env)
        targets = engine.path_targets(action) if hasattr(engine, "path_targets") else []
        return self.with_aliases(action, targets)

    def with_aliases(self, action: Action, targets: "list[tuple[str, str]]",
                     seen: "dict[tuple[str, str], list[str]] | None" = None) -> Action:
        """`action` (from base()) with what these targets are on disk. `seen`: what a look-up for the
        same action found already, per target (a decision that walks twice reads the disk once)."""
        aliases = self.aliases(targets, action.context.home, action.context.cwd, seen)
        return replace(action, resolved=replace(action.resolved, aliases=aliases)) if aliases else action

    def base(self, action: Action, env: "dict[str, str | None] | None" = None) -> Action:
        """The action with its home filled in and everything resolved but its targets' aliases: adr's
        processes, and the repository's branch and remote hosts for git lines. `env`: variables an
        earlier call of the session left set (Memory.environment) — a repository or settings module
        they name instead of the project's own is not answered for."""
        if not action.context.home:
            action = action.with_context(home=self.home)
        env = env or {}
        pids, procs = self.adr_processes()
        branch, hosts, expiry = "", None, ""
        if action.kind is ActionKind.EXEC and "git" in action.command and action.context.cwd \
                and not env.keys() & _GIT_REDIRECTS:  # `export GIT_DIR=…` earlier: another repository
            where = git_cwd(action.command, action.context.cwd, action.context.home)  # `cd DIR && git …` too
            if "push" in action.command:
                branch = current_branch(where)  # for `git push --force-with-lease` with no refspec
            if "remote" in action.command or "url" in action.command or names_push_config(action.command):
                hosts = remote_hosts(where)  # for a remote pointed at a new host (by git, or in its file)
        elif action.kind is ActionKind.EXEC and action.context.cwd and names_push_config(action.command) \
                and not env.keys() & _GIT_REDIRECTS:
            hosts = remote_hosts(action.context.cwd)  # `sed -i … .git/config`, `>> .lfsconfig`: the file's hosts
        elif action.kind in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT) and action.path \
                and (repo := push_config_repo(action.path, action.context.cwd)):
            hosts = remote_hosts(repo)  # the editor tool on a repository's config: where pushes went so far
        if action.kind is ActionKind.EXEC and "git" in action.command and action.context.cwd.startswith("/") \
                and _RUNS_GC.search(action.command):
            # for a plain `git gc` under a short expiry: the config of the repository it works on
            # (`git -C DIR gc`, `--git-dir=D`, `GIT_DIR=D git gc`, one exported earlier)
            home = action.context.home
            expiry = next((e for where, gd in gc_repositories(action.command, action.context.cwd, home, env)
                           if (e := gc_expiry(where, home, gd))), "")
        databases: tuple[tuple[str, str], ...] = ()
        if action.kind is ActionKind.EXEC and action.context.cwd:
            databases = local_databases(action.command, action.context.cwd, action.context.home, env)  # a reset of a local SQLite file
        return replace(action, resolved=Resolved((), pids, procs, looked=True, git_branch=branch,
                                                 git_remote_hosts=hosts, databases=databases,
                                                 git_gc_expiry=expiry, temp_project=temp_project(action),
                                                 replaced=replaced_text(action)))

    # ---- paths --------------------------------------------------------------------------------

    def aliases(self, targets: "list[tuple[str, str]]", home: str, start: "str | None" = None,
                seen: "dict[tuple[str, str], list[str]] | None" = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Per target's normalized spelling, what it is on disk; `start`: the action's cwd; `seen`:
        each target's physical paths, reused and filled in (one action's look-ups, never kept longer:
        links change between calls)."""
        dirs: dict[str, str | None] = {}  # resolved for this action only (links change between calls)
        out: dict[str, dict[str, None]] = {}
        budget = [MAX_RESOLVE, MAX_GLOB, MAX_SCAN]
        for raw, cwd in list(dict.fromkeys(targets))[:MAX_TARGETS]:
            key = normalize(raw, cwd, home)
            if not key or "\0" in raw:
                continue  # (no file name holds a NUL: nothing on disk to look up)
            got = out.setdefault(key, {})
            # in another user's home: self-defense keys it apart (`/home/www` may link to our home)
            own = other_home(raw, cwd, home, start)
            mine = out.setdefault(own, {}) if own else None
            reals = seen.get((raw, cwd)) if seen is not None else None
            if reals is None:
                reals = self._physical(raw, cwd, home, budget, dirs)
                if seen is not None:
                    seen[(raw, cwd)] = reals
            for real in reals:
                alias = normalize(real, "/", home)
                if alias and alias != key and len(got) < MAX_ALIASES:
                    got[alias] = None
                st = _stat(real)  # (one stat serves both look-ups below)
                twin = self.copy_of(real, st) if st is not None and raw.startswith(("./", "/", "~/")) else None
                if twin and len(got) < MAX_ALIASES:
                    got[normalize(twin, "/", home)] = None  # `cp /bin/rm ./del` in an earlier call
                same = self.hardlink_of(real, home, st) if st is not None else None
                if same and len(got) < MAX_ALIASES:
                    got[normalize(same, "/", home)] = None  # `ln ~/.bashrc notes.txt` in an earlier call
                if mine is not None and len(mine) < MAX_ALIASES and (a := normalize_own(real, cwd, home, start)) != own:
                    mine[a] = None
            if mine is not None and has_glob(own):
                # the folder the pattern starts from, resolved, with the pattern kept (`/home/x/**` → `~/**`
                # when /home/x links to our home): the pattern's reach is judged in our home
                p = self._absolute(raw, cwd, home)
                head = p[:min(p.find(c) for c in "*?[{" if c in p)].rsplit("/", 1)[0] if p and has_glob(p) else ""
                if head:
                    a = normalize_own(_os_realpath(head) + p[len(head):], cwd, home, start)
                    if a != own:
                        mine[a] = None
        return tuple((k, tuple(v)) for k, v in out.items() if v)

    def _absolute(self, raw: str, cwd: str, home: str) -> str | None:
        p = raw.strip()
        if len(p) >= 2 and p[0] in "'\"" and p[-1] == p[0]:
            p = p[1:-1]
        if "$" in p and p.startswith("/proc/"):
            p = _SHELL_PID.sub("/proc/self", p)  # the writing shell (or its parent, the agent): its cwd is the action's
        if "$" in p:
            p = _VAR.sub(lambda m: self.vars.get(m.group(1) or m.group(2), m.group(0)), p)
            if "$" in p or "`" in p:
                return None  # a variable adr does not know, or a substitution: not knowable here
        if p.startswith("~"):
            slash = p.find("/")
            user, rest = (p[1:], "") if slash == -1 else (p[1:slash], p[slash:])
            base = (home or self.home) if not user else os.path.expanduser("~" + user)
            if base.startswith("~"):
                return None
            p = base + rest
        if not p.startswith("/"):
            c = cwd or "/"
            if c.startswith("~"):
                c = (home or self.home) + c[1:]
            p = posixpath.join(c, p)
        return p

    def _physical(self, raw: str, cwd: str, home: str, budget: list[int], dirs: "dict[str, str | None]") -> list[str]:
        """Where `raw` really is: its glob expansions (if any), each with symlinks resolved."""
        p = self._absolute(raw, cwd, home)
        if p is None:
            return []
        p = _writers_view(p, cwd, home or self.home)
        if p is None:
            return []
        found: list[str] = []
        if has_glob(p):
            for alt in expand_braces(p):
                found += _glob_bounded(alt, budget) if has_glob(alt) else [alt]
        else:
            found.append(p)
        out = []
        for f in found:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            out.append(_realpath(f, dirs))
        return out

    def hardlink_of(self, path: str, home: str, st: "os.stat_result") -> "str | None":
        """The guarded file `path` (whose stat is `st`) is another name of (a hard link: same inode),
        for a file with more than one name — the home's shell and login files, its ssh and git config,
        the agent hosts' settings and adr's own config and state files; None otherwise."""
        if not stat.S_ISREG(st.st_mode) or st.st_nlink < 2:
            return None
        for cand in self._guarded_files(home or self.home):
            if cand == path:
                continue
            try:
                c = os.stat(cand)
            except (OSError, ValueError):
                continue
            if (c.st_dev, c.st_ino) == (st.st_dev, st.st_ino):
                return cand
        return None

    def _guarded_files(self, home: str) -> "list[str]":
        out = [posixpath.join(home, n) for n in GUARDED_HOME_FILES] if home else []
        for d in (self.paths.config_dir, self.paths.state_dir):
            try:
                out += [e.path for e in os.scandir(d) if e.is_file(follow_symlinks=False)][:64]
            except OSError:
                pass
        return out

    def copy_of(self, path: str, st: "os.stat_result") -> "str | None":
        """The system program `path` (whose stat is `st`) is a byte-for-byte copy of (`cp /bin/rm
        ./del`), for the programs whose rules matter (deleters, shells, downloaders …); None for
        anything else. A size look-up first; a file is hashed only when its size is one of theirs."""
        if path.startswith(_SYSTEM_BIN_DIRS):
            return None
        if not (stat.S_ISREG(st.st_mode) and st.st_mode & 0o111) or st.st_size > MAX_COPY_HASH:
            return None
        sizes = self._notable_sizes()
        candidates = sizes.get(st.st_size)
        if not candidates:
            return None
        digest = _sha256(path)
        for prog_path in candidates:
            if digest is not None and digest == _sha256(prog_path):
                return prog_path
        return None

    def _notable_sizes(self) -> "dict[int, list[str]]":
        if self._notable is None:
            sizes: dict[int, list[str]] = {}
            for name in NOTABLE_PROGRAMS:
                found = shutil.which(name)
                if not found:
                    continue
                real = os.path.realpath(found)
                try:
                    size = os.stat(real).st_size
                except OSError:
                    continue
                if real not in sizes.setdefault(size, []):
                    sizes[size].append(real)
            self._notable = sizes
        return self._notable

    # ---- adr's processes ----------------------------------------------------------------------

    def adr_processes(self) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The daemon's pid (from its pid file, when that process is alive and is adr) and its
        name + command line; re-read only when the pid file changes."""
        try:
            st = os.stat(self.paths.pid_file)
        except OSError:
            self._pid_seen, self._pids = None, ((), ())
            return self._pids
        seen = (st.st_ino, st.st_mtime_ns)
        if seen == self._pid_seen:
            return self._pids
        self._pid_seen = seen
        self._pids = ((), ())
        try:
            with open(self.paths.pid_file, encoding="ascii") as f:
                pid = int(f.read(32).split()[0])
        except (OSError, ValueError, IndexError):
            return self._pids
        try:
            import psutil

            proc = psutil.Process(pid)
            name, cmdline = proc.name(), " ".join(proc.cmdline())
        except Exception:  # gone, or not ours to look at: nothing to protect by pid
            return self._pids
        self._pids = ((pid,), (f"{name}\0{cmdline}",))
        return self._pids



# names that mean "this process's own …": looked up here they would name the *daemon's* descriptors
# (its audit log, its socket) or its working directory — not the agent's, which wrote them
_FD_NAMES = lazyre.compile(r"^/(?:dev/(?:fd|std(?:in|out|err))|proc/(?:self|thread-self)/fd)(?:/|$)")
_SHELL_PID = lazyre.compile(r"^/proc/(?:\$\$|\$\{\$\}|\$\{?(?:BASHPID|PPID)\}?)(?=/|$)")
def _writers_view(p: str, cwd: str, home: str) -> "str | None":
    """`p` as the process that runs the command sees it: its own descriptors are not knowable here
    (None: leave the path as written), its /proc/self/cwd is the action's cwd, a /proc/PID/root the
    root (pathnorm.through_proc_link); another process's cwd is left for the link to resolve here."""
    if not p.startswith(("/dev/", "/proc/", "//", "/.")):
        return p
    base = cwd or "/"
    if base.startswith("~"):
        base = home + base[1:]
    v = through_proc_link(p, base)
    if v is not None:
        return posixpath.normpath(v) if v.startswith("/") else None
    if _FD_NAMES.match(posixpath.normpath(p)):
        return None
    return p


_O_PATH = getattr(os, "O_PATH", 0)
_FD_LINKS = bool(_O_PATH) and os.path.isdir("/proc/self/fd")


def _realdir(d: str, memo: "dict[str, str | None]") -> str | None:
    """The real path of an existing directory, in three system calls: the kernel follows every
    symlink and `..` on the way when it opens the directory (O_PATH), and /proc names what it opened."""
    if d in memo:
        return memo[d]
    real = None
    try:
        fd = os.open(d, _O_PATH | os.O_DIRECTORY)
        try:
            real = os.readlink(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
    except OSError:
        pass
    if real is not None and not real.startswith("/"):
        real = None
    memo[d] = real
    return real


def _stat(p: str) -> "os.stat_result | None":
    try:
        return os.stat(p)
    except (OSError, ValueError):
        return None


def _os_realpath(p: str) -> str:
    """os.path.realpath, or the path as written where a link on it cannot be read (`/proc/1/root`:
    another user's process — the agent cannot pass there either)."""
    try:
        return os.path.realpath(p)
    except OSError:
        return posixpath.normpath(p)


def _realpath(p: str, memo: "dict[str, str | None]") -> str:
    """os.path.realpath(p), cheaper for the usual case (Linux): the parent resolved by the kernel,
    then one lstat of the last name."""
    if not _FD_LINKS:
        return _os_realpath(p)
    head, base = posixpath.split(p)
    if base in ("", ".", ".."):
        return _realdir(p, memo) or _os_realpath(p)
    parent = _realdir(head or "/", memo)
    if parent is None:
        return _below_missing(p, memo)
    full = parent.rstrip("/") + "/" + base
    return _os_realpath(full) if os.path.islink(full) else full


def _below_missing(p: str, memo: "dict[str, str | None]") -> str:
    """A path whose parent does not exist (yet): the deepest directory that does, resolved, then the
    missing names below it — each checked for being a (dangling) symlink, which only the exact,
    slower walk may follow."""
    tail: list[str] = []
    head = p
    while True:
        up, name = posixpath.split(head)
        if up == head or not name:
            return _os_realpath(p)
        tail.insert(0, name)
        head = up
        real = _realdir(head or "/", memo)
        if real is not None:
            break
    cur = real
    for name in tail:
        nxt = posixpath.normpath(posixpath.join(cur, name))
        if name not in (".", "..") and os.path.islink(nxt):
            return _os_realpath(p)
        cur = nxt
    return cur


@functools.lru_cache(maxsize=1024)
def _segment_matcher(seg: str) -> Any:
    """A glob segment's match function (remembered: the same segments recur across decisions, past the
    `re` module's own cache)."""
    return re.compile(fnmatch.translate(seg)).match


def _glob_bounded(pattern: str, budget: list[int]) -> list[str]:
    """What the shell would expand an absolute glob to (dot names included: `shopt -s dotglob` is one
    command away), reading at most budget[2] directory entries and returning at most budget[1] paths."""
    parts = pattern.split("/")
    current = ["/"]
    for seg in parts[1:]:
        if not seg:
            continue
        if not has_glob(seg):
            current = [posixpath.join(c, seg) for c in current]
            continue
        # `*` and `**` take every name (dot names too, see above): no pattern to try on each
        match = None if seg in ("*", "**") else _segment_matcher(seg)
        nxt: list[str] = []
        for c in current:
            try:
                with os.scandir(c) as it:
                    for e in it:
                        budget[2] -= 1
                        if budget[2] <= 0:
                            break
                        if match is None or match(e.name):
                            nxt.append(e.path)
            except OSError:
                continue
            if budget[2] <= 0 or len(nxt) >= MAX_GLOB:
                break
        current = nxt
        if not current:
            return []
    out = []
    for c in current:
        if budget[1] <= 0:
            break
        if os.path.lexists(c):
            budget[1] -= 1
            out.append(c)
    return out


_TEMP_ROOTS = ("/tmp/", "/var/tmp/", "/private/tmp/", "/private/var/folders/", "/var/folders/", "/dev/shm/")
_MOVES = lazyre.compile(r"\b(?:g?mv|mmv|rename)\b")


def temp_project(action: Action) -> str:
    """The git work tree a command that moves files runs in (the cwd, or the line's leading `cd DIR &&`),
    when it lies under a temporary folder: a repository there is a project (`mv src tests /tmp/` takes it
    apart), not scratch ("" otherwise)."""
    cwd = action.context.cwd
    if action.kind is not ActionKind.EXEC or not cwd.startswith("/") or \
            not ("mv" in action.command or "rename" in action.command) or not _MOVES.search(action.command):
        # (two substring scans first: the word-bounded regex costs ~90 ms on a 20 MB line)
        return ""
    if "cd" in action.command:
        cwd = git_cwd(action.command, cwd, action.context.home)  # `cd /tmp/repo && mv src tests /tmp/`
    if not cwd.startswith(_TEMP_ROOTS):
        return ""
    top = work_tree(cwd)
    return top if top.startswith(_TEMP_ROOTS) else ""


MAX_REPLACED = 64 * 1024  # characters of a file a Write replaces that are read (a hook config, a .tf file)


def replaced_text(action: Action) -> str:
    """What a Write replaces: the file's current text when it exists as a regular file (bounded; ""
    when it does not, cannot be read, or the action is no whole-file write)."""
    if action.kind is not ActionKind.FILE_WRITE or action.old_content or not action.path.startswith("/"):
        return ""
    try:
        # (non-blocking: a FIFO or device put where the file was must not hold the decision up)
        fd = os.open(action.path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except (OSError, ValueError):
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        data = os.read(fd, MAX_REPLACED * 4)
    except OSError:
        return ""
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace")[:MAX_REPLACED]

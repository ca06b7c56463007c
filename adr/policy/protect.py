"""What adr must protect on this machine, as data for the rules.

The self-defense rules name adr's default locations; an installation may live elsewhere (`ADR_HOME`,
`XDG_*`, a virtualenv, a checkout, extra rule dirs, hook configs in odd places). At every load the
loader asks this module for the actual places — from `adr.paths.Paths`, the package, the running
virtualenv and the install records — and hands them to the engine as lists the packs splice in
(`$adr_own_paths` …). Each place is listed as written and as it resolves (realpath), absolute and,
under the home directory, as `~/…`. Reading the file system here is fine: it runs at load, never
during a decision.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from adr.engine.pathnorm import PlaceNames, escape_glob, normalize

# shared system directories: a sweep of old files there (`find /tmp -mtime +1 -delete`) is routine,
# and only root can remove the directory itself; adr's own directory below one stays protected
_SHARED = frozenset({"/tmp", "/var/tmp", "/private/tmp", "/dev/shm", "/run", "/var/run", "/run/user", "/var/run/user"})
LISTS = ("adr_own_paths", "adr_own_ancestors", "adr_secret_files", "adr_installed_hook_configs", "adr_fresh_paths",
         "adr_secret_dirs")


@dataclass(frozen=True)
class Protected:
    own: tuple[str, ...]  # globs: adr's directories (and everything under them) and files
    ancestors: tuple[str, ...]  # globs: each directory above them (removing one removes adr)
    secrets: tuple[str, ...]  # globs: files an agent may not even read (the integrity key)
    hook_configs: tuple[str, ...]  # globs: host configs adr installed its hooks into
    fresh: tuple[str, ...] = ()  # globs: the runtime directory, which the daemon keeps fresh (daemon/freshness.py)
    secret_dirs: tuple[str, ...] = ()  # globs: the folder holding the secrets and each above it (a recursive read)

    def lists(self) -> dict[str, list[str]]:
        return dict(zip(LISTS, (list(self.own), list(self.ancestors), list(self.secrets), list(self.hook_configs),
                                list(self.fresh), list(self.secret_dirs))))


def _spellings(p: Path, home: str) -> list[str]:
    """`p` as written and as it resolves, absolute and (under home) as ~/…, without duplicates."""
    out: dict[str, None] = {}
    for q in (os.path.abspath(os.fspath(p)), os.path.realpath(os.fspath(p))):
        q = q.rstrip("/") or "/"
        out[q] = None
        for h in {home, os.path.realpath(home)} if home else ():
            h = h.rstrip("/")
            if h and (q == h or q.startswith(h + "/")):
                out["~" + q[len(h):]] = None
    return list(out)


def _dir_globs(d: Path, home: str) -> list[str]:
    return [g for s in _spellings(d, home) for g in (escape_glob(s), escape_glob(s) + "/**")]


def _file_globs(f: Path, home: str) -> list[str]:
    return [escape_glob(s) for s in _spellings(f, home)]


def _ancestors(spelled: Iterable[str], home: str) -> list[str]:
    """Every directory above these, except top-level ones, shared ones (/tmp …) and the home
    directory itself (`rm -rf ~` and `rm -rf /` are the destruction rules'; and any `/home/<user>`
    normalizes to `~`)."""
    skip = {"", "/", "~", home.rstrip("/"), os.path.realpath(home).rstrip("/")} if home else {"", "/", "~"}
    skip |= _SHARED
    out: dict[str, None] = {}
    for s in spelled:
        cur = s
        while True:
            parent = cur.rsplit("/", 1)[0] if "/" in cur else ""
            if not parent or parent == cur:
                break
            if parent not in skip and parent.count("/") > 1 - parent.startswith("~"):
                out[escape_glob(parent)] = None
            cur = parent
    return list(out)


def _installed_hook_configs(paths: Any) -> list[Path]:
    """Every host config adr changed, from the install records (integrations/install/base.py)."""
    out: list[Path] = []
    try:
        hosts = sorted(Path(paths.backups_dir).iterdir())
    except OSError:
        return out
    for host in hosts:
        try:
            records = sorted(host.glob("*.json"))[:256]
        except OSError:
            continue
        for rec in records:
            try:
                data = json.loads(rec.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and isinstance(data.get("path"), str) and data["path"].startswith("/"):
                out.append(Path(data["path"]))
    return out


def _service_files(paths: Any) -> list[Path]:
    """The login service's unit files / plist (adr/service), wherever this installation puts them."""
    try:
        from adr.service import manager

        return list(manager(paths, env=getattr(paths, "env", None)).files())
    except Exception:  # no service manager on this platform, or it cannot be described: the defaults stay
        return []


def _program_files() -> tuple[list[Path], list[Path]]:
    """(directories, files) of adr's code: the package, its rules and hook templates, and the
    virtualenv (whole, when adr runs from one; else just its two commands)."""
    from adr.paths import PACKAGE_DIR, MissingShippedData, shipped_dir

    dirs: list[Path] = [PACKAGE_DIR]
    files: list[Path] = []
    for name in ("rules", "hooks"):
        try:
            dirs.append(shipped_dir(name))
        except MissingShippedData:
            pass
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        dirs.append(Path(sys.prefix))
    bindir = Path(sys.executable).parent
    for exe in ("adr", "adr-hook"):
        files.append(bindir / exe)
        found = shutil.which(exe)
        if found:
            files.append(Path(found))
    return dirs, files


def _places(paths: Any, settings: Any = None) -> tuple[list[Path], list[Path]]:
    """(directories, files) adr protects on this installation."""
    dirs = [Path(paths.config_dir), Path(paths.state_dir), Path(paths.cache_dir), Path(paths.runtime_dir)]
    dirs += [Path(d).expanduser() for d in getattr(settings, "extra_rule_dirs", ()) or ()]
    code_dirs, code_files = _program_files()
    dirs += code_dirs
    files = [Path(paths.socket), Path(paths.pid_file)] + code_files + _service_files(paths)
    return dirs, files


MAX_NAMES = 200_000
# names adr gives files it has not made yet (a fresh install), and one that stands for the content
# hashes of the undo store (never listed one by one)
_WELL_KNOWN = ("config.yaml", "config.yaml.bak", "settings.confirmed.json", "grants.sqlite3", "integrity.key",
               "audit.jsonl", "audit.jsonl.000001", "audit.head", "audit.lock", "adr.sock", "adr.pid", "daemon.log",
               "index.sqlite3", "adr-hook", "adr", "adr-shim", "0123456789abcdef0123456789abcdef")


@dataclass(frozen=True)
class OwnNames:
    """What exists in adr's places by name: all together, and per place (GlobWitness.set_names)."""
    names: frozenset[str]
    places: tuple[PlaceNames, ...]
    made: frozenset[str] = frozenset(_WELL_KNOWN)  # the names adr gives what it creates
    uids: frozenset[int] = frozenset()  # the owners seen on adr's places and files
    gids: frozenset[int] = frozenset()


def owner(uids: "Iterable[int]" = (), gids: "Iterable[int]" = ()) -> "tuple[frozenset[str], frozenset[str]]":
    """Who adr's files belong to, by name and number: this process's user and groups plus the owners
    seen on adr's files (`uids`/`gids`: code installed by root belongs to root). Read at load."""
    import grp
    import pwd

    users: set[str] = set()
    for uid in {os.getuid(), os.geteuid(), *uids}:
        users.add(str(uid))
        try:
            users.add(pwd.getpwuid(uid).pw_name)
        except KeyError:
            pass
    groups: set[str] = set()
    for gid in {os.getgid(), os.getegid(), *os.getgroups(), *gids}:
        groups.add(str(gid))
        try:
            groups.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            pass
    return frozenset(users), frozenset(groups)


def own_names(paths: Any, settings: Any = None, limit: int = MAX_NAMES, home: str | None = None) -> "OwnNames | None":
    """The names of everything in adr's places, of those places and the folders above them, and
    per place the names of its files and of its folders. Read at load, never per decision; None
    when there are more than `limit`."""
    home = home if home is not None else (os.environ.get("HOME") or os.path.expanduser("~"))
    dirs, files = _places(paths, settings)
    names: set[str] = set(_WELL_KNOWN)
    for p in dirs + files:
        names.update(part for part in Path(os.path.abspath(p)).parts if part != "/")
        names.update(part for part in Path(os.path.realpath(p)).parts if part != "/")
    skip = {os.path.realpath(paths.snapshots_dir)}
    count = 0
    places: list[PlaceNames] = []
    uids: set[int] = set()
    gids: set[int] = set()
    for p in dirs + files:
        try:
            st = os.lstat(p)
            uids.add(st.st_uid)
            gids.add(st.st_gid)
        except OSError:
            pass
    for top in dirs:
        seen: set[str] = set()  # per place: one inside another is listed for each
        inside_files: set[str] = set(_WELL_KNOWN)  # what adr makes there later (a fresh install)
        inside_dirs: set[str] = set()
        # a folder found below is never a link (links are not descended): its real path is its
        # parent's plus its name, so only the place itself is resolved (realpath per folder was
        # most of this walk's time, i.e. of every daemon start)
        todo = [(os.fspath(top), os.path.realpath(top))]
        while todo:
            d, real = todo.pop()
            if real in seen or real in skip:
                continue
            seen.add(real)
            try:
                with os.scandir(d) as it:
                    for e in it:
                        count += 1
                        if count > limit:
                            return None
                        try:
                            folder = e.is_dir(follow_symlinks=False)
                            st = e.stat(follow_symlinks=False)
                            uids.add(st.st_uid)
                            gids.add(st.st_gid)
                        except OSError:
                            folder = False
                        (inside_dirs if folder else inside_files).add(e.name)
                        if folder:
                            todo.append((e.path, os.path.join(real, e.name)))
            except OSError:
                continue
        names.update(inside_files, inside_dirs)
        spellings = {normalize(os.path.abspath(top), "/", home), normalize(os.path.realpath(top), "/", home)}
        for place in sorted(spellings):
            places.append(PlaceNames(place.rstrip("/") or "/", frozenset(inside_files), frozenset(inside_dirs)))
    return OwnNames(frozenset(names), tuple(places), uids=frozenset(uids), gids=frozenset(gids))


def protected(paths: Any, settings: Any = None, home: str | None = None) -> Protected:
    home = home if home is not None else (os.environ.get("HOME") or os.path.expanduser("~"))
    dirs, files = _places(paths, settings)
    own: dict[str, None] = {}
    spelled: list[str] = []
    for d in dirs:
        own.update(dict.fromkeys(_dir_globs(d, home)))
        spelled += _spellings(d, home)
    for f in files:
        own.update(dict.fromkeys(_file_globs(f, home)))
        spelled += [s.rsplit("/", 1)[0] for s in _spellings(f, home) if "/" in s]
    hooks = {g: None for f in _installed_hook_configs(paths) for g in _file_globs(f, home)}
    # the runtime directory is fresh only while it holds nothing but what the daemon touches: under
    # ADR_HOME it may be shared with other state (then nothing is claimed fresh)
    fresh = tuple(_dir_globs(Path(paths.runtime_dir), home)) if _runtime_is_own(paths) else ()
    key = Path(paths.integrity_key)
    return Protected(own=tuple(own), ancestors=tuple(a for a in _ancestors(spelled, home) if a not in own),
                     secrets=tuple(_file_globs(key, home)), hook_configs=tuple(hooks), fresh=fresh,
                     secret_dirs=tuple(_ancestors(_spellings(key, home), home)))


def _runtime_is_own(paths: Any) -> bool:
    """The runtime directory is adr's alone: not one of its other places, nor above one of them."""
    run = os.path.realpath(paths.runtime_dir)
    for other in (paths.config_dir, paths.state_dir, paths.cache_dir):
        o = os.path.realpath(other)
        if o == run or o.startswith(run.rstrip("/") + "/") or run.startswith(o.rstrip("/") + "/"):
            return False
    return True

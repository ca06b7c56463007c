"""Files that commands download, remembered per session, and checked by hash when a later
command runs or chmods them.

    tracker.record(session, argv, cwd)            # after/before each exec: curl -o F, wget URL, …
    tracker.touched(session, argv, cwd)           # → downloaded paths this command runs/chmods/sources

adr.judge.online.check_downloaded(path, service) asks the enabled hash providers about one of them.

Only the file's sha256 leaves the machine, and only to hash providers the user enabled
(VirusTotal, MalwareBazaar). Hashing is bounded (MAX_HASH_BYTES); bigger files are not looked up.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from typing import Any, Iterable, Sequence

from adr.shell.fetches import DOWNLOADERS, download_targets, redirected_download


MAX_HASH_BYTES = 256 * 1024 * 1024
MAX_PER_SESSION = 256
MAX_SESSIONS = 128
HASH_PROVIDERS = ("malwarebazaar", "virustotal")
_RUNNERS = {"sh", "bash", "zsh", "dash", "ksh", "fish", "source", ".", "python", "python3", "perl", "ruby", "node",
            "php", "pwsh", "powershell", "osascript", "open", "xdg-open", "java", "dotnet", "sudo", "exec"}
_MODE_CHANGERS = {"chmod", "install"}


def _join(cwd: str, path: str) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd or os.getcwd(), path))


def downloads_of(argv: Sequence[str], cwd: str = "", redirects: Iterable[Any] = ()) -> list[tuple[str, str]]:
    """(absolute path, url) for each file this downloader command writes (adr.shell.fetches), or the file
    its standard output is redirected into (`curl URL > F`)."""
    if not argv:
        return []
    prog = os.path.basename(argv[0])
    if prog not in DOWNLOADERS:
        return []
    args = list(argv[1:])
    found = download_targets(prog, args) or redirected_download(prog, args, redirects)
    return [(_join(cwd, path), url) for path, url in found]


_CLONE_VALUED = frozenset({"-b", "--branch", "-o", "--origin", "--depth", "-c", "--config", "--reference",
                           "--reference-if-able", "--separate-git-dir", "-j", "--jobs", "--filter", "-u",
                           "--upload-pack", "--template", "--shallow-since", "--shallow-exclude", "--server-option",
                           "--bundle-uri", "--name", "-r", "--revision", "--username", "--password", "--depth",
                           "--config-dir", "-e", "--ssh", "--remotecmd", "--mode"})


def _remote(url: str) -> bool:
    if "://" in url:
        return not url.lower().startswith("file://")
    head = url.split("/", 1)[0]
    return ":" in head and len(head.split(":", 1)[0]) > 1  # user@host:path (not C:\)


def _repo_basename(url: str) -> str:
    u = url.split("#", 1)[0].rstrip("/")
    if u.endswith("/.git"):
        u = u[:-5]
    b = u.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return b[:-4] if b.endswith(".git") else b


def _positionals(args: Sequence[str], valued: frozenset = _CLONE_VALUED) -> list[str]:
    out: list[str] = []
    it = iter(args)
    for a in it:
        if a == "--":
            out.extend(it)
            break
        if a in valued:
            next(it, None)
        elif not a.startswith("-"):
            out.append(a)
    return out


def clones_of(program: str, args: Sequence[str], cwd: str = "") -> list[tuple[str, str, str]]:
    """(absolute folder, source URL, how) for each repository this command fetches into a folder:
    git clone, git submodule add, gh repo clone, degit / tiged (also through npx), svn checkout, hg clone."""
    prog = os.path.basename(program)
    args = list(args)
    here = cwd
    how = prog
    if prog == "git":
        i = 0
        while i < len(args) and args[i].startswith("-"):
            if args[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"):
                if args[i] == "-C" and i + 1 < len(args):
                    here = _join(here, args[i + 1])
                i += 2
            else:
                i += 1
        args = args[i:]
        if args[:1] == ["clone"]:
            args, how = args[1:], "git clone"
        elif args[:2] == ["submodule", "add"]:
            args, how = args[2:], "git submodule add"
        else:
            return []
    elif prog == "gh" and args[:2] == ["repo", "clone"]:
        rest = args[2:]
        pos = _positionals(rest[:rest.index("--")] if "--" in rest else rest)  # after --: git's flags
        if not pos:
            return []
        repo = pos[0]
        url = repo if _remote(repo) else "https://github.com/" + repo
        return [(_join(here, pos[1] if len(pos) > 1 else _repo_basename(repo)), url, "gh repo clone")]
    elif prog in ("npx", "pnpx", "bunx") or (prog in ("pnpm", "yarn", "bun") and args[:1] == ["dlx"]):
        rest = args[1:] if args[:1] == ["dlx"] else args
        rest = [a for a in rest if a not in ("-y", "--yes", "-q", "--quiet")]
        if not rest or rest[0].split("@", 1)[0] not in ("degit", "tiged"):
            return []
        return clones_of(rest[0].split("@", 1)[0], rest[1:], cwd)
    elif prog in ("degit", "tiged"):
        pos = _positionals(args)
        if not pos:
            return []
        src = pos[0]
        url = src if _remote(src) else "https://github.com/" + src.removeprefix("github:").split("#", 1)[0]
        return [(_join(here, pos[1] if len(pos) > 1 else "."), url, prog)]
    elif prog == "svn" and args[:1] and args[0] in ("checkout", "co", "export"):
        args, how = args[1:], "svn " + args[0]
    elif prog == "hg" and args[:1] == ["clone"]:
        args, how = args[1:], "hg clone"
    else:
        return []
    pos = _positionals(args)
    if not pos or not _remote(pos[0]):
        return []
    dest = pos[1] if len(pos) > 1 else _repo_basename(pos[0])
    return [(_join(here, dest), pos[0], how)] if dest else []


def _targets_of(argv: Sequence[str], cwd: str) -> list[str]:
    """Paths a command would execute, source or make executable."""
    if not argv:
        return []
    prog = os.path.basename(argv[0])
    args = [a for a in argv[1:] if not a.startswith("-")]
    paths: list[str] = []
    if "/" in argv[0] or argv[0].startswith("."):
        paths.append(argv[0])
    if prog in _MODE_CHANGERS:
        paths += args[1:] if prog == "chmod" else args
    elif prog in _RUNNERS:
        paths += args[:1]
    return [_join(cwd, p) for p in paths]


class DownloadTracker:
    def __init__(self, max_per_session: int = MAX_PER_SESSION, max_sessions: int = MAX_SESSIONS):
        self._by_session: "OrderedDict[str, OrderedDict[str, str]]" = OrderedDict()
        self._lock = threading.Lock()
        self.max_per_session, self.max_sessions = max_per_session, max_sessions

    def record(self, session: str, argv: Sequence[str], cwd: str = "", redirects: Iterable[Any] = ()) -> list[str]:
        found = downloads_of(argv, cwd, redirects)
        if not found:
            return []
        with self._lock:
            files = self._by_session.setdefault(session, OrderedDict())
            self._by_session.move_to_end(session)
            for path, url in found:
                files[path] = url
                files.move_to_end(path)
                while len(files) > self.max_per_session:
                    files.popitem(last=False)
            while len(self._by_session) > self.max_sessions:
                self._by_session.popitem(last=False)
        return [p for p, _ in found]

    def url_of(self, session: str, path: str, cwd: str = "") -> str | None:
        with self._lock:
            return (self._by_session.get(session) or {}).get(_join(cwd, path))

    def touched(self, session: str, argv: Sequence[str], cwd: str = "") -> list[str]:
        with self._lock:
            files = self._by_session.get(session) or {}
            return [p for p in _targets_of(argv, cwd) if p in files]

    def forget(self, session: str) -> None:
        with self._lock:
            self._by_session.pop(session, None)


def sha256_file(path: str, max_bytes: int = MAX_HASH_BYTES) -> str | None:
    h = hashlib.sha256()
    n = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                n += len(chunk)
                if n > max_bytes:
                    return None
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()

"""What an action will overwrite or remove, predicted from the action alone (pure: no I/O).

A hooked write, edit or delete names its file. A shell command is reduced by the shell layer
(adr.shell.parse) to simple commands with resolved argv; for the commands that destroy or overwrite
files — `rm`, `mv`, `cp`, `install`, `ln -f`, `sed -i`, `perl -i`, `truncate`, `dd of=`, `shred`,
`tee`, `>`/`>>` redirects, `git checkout -- …`/`restore`/`reset --hard`/`clean` — this module says
which paths (relative to the command's working directory, `cd` followed), which of them may be
directory trees, and which need the file system to resolve (a glob, "into this folder if it is
one", the files git would touch). What cannot be predicted (a variable, `xargs rm`, `find
-delete`) is named in `unknown`: such an action is never called fully undoable.

The snapshotter (adr/respond/snapshot.py) resolves these against the file system.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable

from adr.actions import Action, ActionKind
from adr.engine.localdb import siblings

_GLOB = set("*?[")
_DYNAMIC = ("$", "`")


@dataclass(frozen=True)
class Target:
    """One path whose current state will be lost."""

    path: str  # absolute, normalized (links not resolved)
    why: str  # what will change it: "rm", "sed -i", "> redirect", "Write" …
    recursive: bool = False  # a directory tree may go with it
    glob: bool = False  # `path` is a pattern, expanded against the file system
    into: tuple[str, ...] = ()  # cp/mv/ln/install: if `path` is a directory, the targets are path/<basename>
    removes: bool = False  # the action removes it (predicted state afterwards: absent)
    dirs_only: bool = False  # rmdir: only an (empty) folder there can go; any other file stays as it is


@dataclass(frozen=True)
class GitQuery:
    """Files git will change, found by asking git (read-only) when the snapshot is taken."""

    cwd: str  # where git runs (after -C)
    op: str  # "diff": files differing from `rev` (index when ""); "clean": what `git clean -n` lists
    why: str
    rev: str = ""
    args: tuple[str, ...] = ()  # diff: pathspecs; clean: the user's clean options without -f/-i/-n
    git_opts: tuple[str, ...] = ()  # --git-dir / --work-tree as given


@dataclass(frozen=True)
class Targets:
    paths: tuple[Target, ...] = ()
    git: tuple[GitQuery, ...] = ()
    unknown: tuple[str, ...] = ()  # why some of what the action changes cannot be predicted

    @property
    def empty(self) -> bool:
        return not self.paths and not self.git

    @property
    def predictable(self) -> bool:
        return not self.unknown


def targets_of(action: Action, home: str = "") -> Targets:
    """The paths `action` will overwrite or remove. `home` expands `~` (default: the action's)."""
    home = action.context.home or home
    cwd = action.context.cwd
    if action.kind in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT, ActionKind.FILE_DELETE):
        if not action.path:
            return Targets()
        p = absolute(action.path, cwd, home)
        if p is None:
            return Targets(unknown=(f"{action.kind.value} of a relative path without a working directory",))
        why = action.context.tool or action.kind.value.replace("_", " ")
        delete = action.kind is ActionKind.FILE_DELETE
        return Targets(paths=(Target(p, why, recursive=delete, removes=delete),))
    if action.kind is ActionKind.EXEC and action.command.strip():
        found = shell_targets(action.command, cwd, home)
        if action.resolved.databases:  # a reset of a SQLite file in the project (adr/daemon/localdb.py)
            extra = tuple(Target(p, "database reset") for _, db in action.resolved.databases for p in siblings(db))
            found = Targets(tuple({t.path: t for t in extra + found.paths}.values()), found.git, found.unknown)
        return found
    return Targets()


def absolute(path: str, cwd: str, home: str = "") -> "str | None":
    """`path` made absolute against `cwd` (`~` expanded), `.`/`..` collapsed; None when unknowable."""
    if not path:
        return None
    if path == "~" or path.startswith("~/"):
        if not home:
            return None
        path = home + path[1:]
    elif path.startswith("~"):
        return None  # ~user: another user's home; not predicted
    if not path.startswith("/"):
        if not cwd or not cwd.startswith("/"):
            return None
        path = posixpath.join(cwd, path)
    out = posixpath.normpath(path)
    return "/" + out.lstrip("/") if out.startswith("//") else out


# ---- the shell ------------------------------------------------------------------------------------

class _Collector:
    def __init__(self, cwd: str, home: str) -> None:
        self.cwd = cwd
        self.home = home
        self.paths: dict[str, Target] = {}
        self.git: list[GitQuery] = []
        self.unknown: list[str] = []

    def add(self, word: str, why: str, *, recursive: bool = False, into: tuple[str, ...] = (),
            removes: bool = False, cwd: "str | None" = None, dirs_only: bool = False) -> None:
        if any(c in word for c in _DYNAMIC):
            self.unknown.append(f"{why}: `{word[:80]}` is computed when the command runs")
            return
        if word.startswith("/dev/") or word in ("-", "/dev"):
            return
        p = absolute(word, self.cwd if cwd is None else cwd, self.home)
        if p is None:
            self.unknown.append(f"{why}: `{word[:80]}` has no known working directory")
            return
        into_abs = tuple(x for x in (absolute(i, self.cwd if cwd is None else cwd, self.home) for i in into) if x)
        t = Target(p, why, recursive=recursive, glob=any(c in word for c in _GLOB), into=into_abs, removes=removes,
                   dirs_only=dirs_only)
        old = self.paths.get(p)
        if old is not None:  # one target per path: a tree if any use says so, removed only if all do
            t = Target(p, old.why, recursive=old.recursive or t.recursive, glob=old.glob or t.glob,
                       into=tuple(dict.fromkeys(old.into + t.into)), removes=old.removes and t.removes,
                       dirs_only=old.dirs_only and t.dirs_only)
        self.paths[p] = t

    def result(self) -> Targets:
        return Targets(tuple(self.paths.values()), tuple(dict.fromkeys(self.git)), tuple(dict.fromkeys(self.unknown)))


def shell_targets(command: str, cwd: str, home: str = "") -> Targets:
    from adr.shell.parse import parse_remembered

    parsed = parse_remembered(command)
    c = _Collector(cwd, home)
    for cmd in parsed.commands:
        if cmd.depth == 0 and cmd.program in ("cd", "pushd", "popd"):
            _cd(c, cmd.args, cmd.program)
            continue
        for r in cmd.redirects:
            if r.op in (">", ">|", "&>", ">>", "&>>") and r.target and not r.target.startswith("&"):
                c.add(r.target, f"{r.op} redirect")
        handler = _PROGRAMS.get(cmd.program)
        if handler is None:
            continue
        if "xargs" in cmd.wrappers or "parallel" in cmd.wrappers:
            c.unknown.append(f"{cmd.program} through xargs: its files come from the input")
            continue
        handler(c, list(cmd.args))
    for w in parsed.writes:  # what else the shell layer saw written (curl -o, wget -O, here-docs …)
        if w.path:
            c.add(w.path, f"written by {w.by or 'the command'}")
    return c.result()


def _cd(c: _Collector, args: list[str], prog: str) -> None:
    words = [a for a in args if not a.startswith("-") or a == "-"]
    if prog == "popd" or (words and (words[0] == "-" or any(x in words[0] for x in _DYNAMIC))):
        c.cwd = ""  # unknown from here on: relative paths after it cannot be predicted
        return
    target = words[0] if words else "~"
    c.cwd = absolute(target, c.cwd, c.home) or ""


# ---- option parsing shared by the handlers ------------------------------------------------------

Opts = list  # [(name, value or None)]: "-rf" → [("-r", None), ("-f", None)]; "-tDIR" → [("-t", "DIR")]


def _split(args: list[str], valued: "frozenset[str] | set[str]" = frozenset()) -> "tuple[Opts, list[str]]":
    """(options, positionals) of a GNU-style command line: `--` ends options; an option in `valued`
    takes a value (`-tDIR`, `-t DIR`, `--target-directory=DIR`, `--target-directory DIR`)."""
    opts: list[tuple[str, "str | None"]] = []
    pos: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            pos += args[i + 1:]
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, val = a.partition("=")
            if eq:
                opts.append((name, val))
            elif name in valued and i + 1 < len(args):
                opts.append((name, args[i + 1]))
                i += 1
            else:
                opts.append((name, None))
        elif a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                name = "-" + ch
                if name in valued:
                    if j < len(a) - 1:
                        opts.append((name, a[j + 1:]))
                    elif i + 1 < len(args):
                        opts.append((name, args[i + 1]))
                        i += 1
                    else:
                        opts.append((name, ""))
                    break
                opts.append((name, None))
        else:
            pos.append(a)
        i += 1
    return opts, pos


def _has(opts: Opts, *names: str) -> bool:
    return any(n in names for n, _ in opts)


def _opt_value(opts: Opts, *names: str) -> "str | None":
    return next((v for n, v in opts if n in names and v is not None), None)


# ---- handlers: one per program ------------------------------------------------------------------

def _rm(c: _Collector, args: list[str]) -> None:
    opts, pos = _split(args)
    rec = _has(opts, "-r", "-R", "--recursive")
    for p in pos:
        c.add(p, "rm", recursive=rec, removes=True)


def _unlink(c: _Collector, args: list[str]) -> None:
    for p in _split(args)[1][:1]:
        c.add(p, "unlink", removes=True)


def _rmdir(c: _Collector, args: list[str]) -> None:
    """rmdir removes empty folders only (with -p, each named parent too): a file a glob such as
    `rmdir *` also matches is left alone, so it is not copied into the snapshot."""
    opts, pos = _split(args)
    parents = _has(opts, "-p", "--parents")
    for p in pos:
        c.add(p, "rmdir", removes=True, dirs_only=True)
        while parents and not any(ch in p for ch in _GLOB):
            p = posixpath.dirname(p.rstrip("/"))
            if p in ("", ".", "..", "/", "~") or p.endswith("/.."):
                break
            c.add(p, "rmdir -p", removes=True, dirs_only=True)


def _shred(c: _Collector, args: list[str]) -> None:
    opts, pos = _split(args, {"-n", "--iterations", "-s", "--size", "--random-source"})
    rm = _has(opts, "-u", "--remove")
    for p in pos:
        c.add(p, "shred", removes=rm)


def _copy_like(prog: str, removes_sources: bool) -> "Callable[[_Collector, list[str]], None]":
    valued = {"-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner", "-g", "--group",
              "--backup", "--reflink", "--sparse", "--preserve", "--no-preserve", "--context"}

    def handler(c: _Collector, args: list[str]) -> None:
        opts, pos = _split(args, valued)
        if prog == "install" and _has(opts, "-d", "--directory"):
            return
        rec = prog == "mv" or (prog == "cp" and _has(opts, "-r", "-R", "--recursive", "-a", "--archive"))
        tdir = _opt_value(opts, "-t", "--target-directory")
        if tdir is not None:
            sources, dest = pos, tdir
            into = tuple(sources)
            for s in sources:
                c.add(posixpath.join(tdir, posixpath.basename(s.rstrip("/")) or s), prog, recursive=rec)
        else:
            if len(pos) < (1 if prog == "ln" else 2):
                return
            if prog == "ln" and len(pos) == 1:
                c.add(posixpath.basename(pos[0].rstrip("/")) or pos[0], prog)
                return
            sources, dest = pos[:-1], pos[-1]
            into = tuple(sources)
            no_target_dir = _has(opts, "-T", "--no-target-directory")
            c.add(dest, prog, recursive=rec, into=() if no_target_dir else into)
        if removes_sources:
            for s in sources:
                c.add(s, prog, recursive=True, removes=True)
    return handler


def _in_place(args: list[str], *, code: str, code_long: tuple[str, ...] = (), valued: str = "",
              valued_long: tuple[str, ...] = (), ends: str = "") -> tuple[bool, bool, list[str]]:
    """(edits in place?, was the script/code given by an option?, the other words) for sed/perl-style
    options: in a short cluster `i` takes the rest as its backup suffix; a letter of `code` takes the
    next word (or the rest) as the script; of `valued`, the next word when it ends the cluster; of
    `ends`, the rest of the cluster."""
    inplace, have_code, words = False, False, []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            words += args[i + 1:]
            break
        if a.startswith("--") and len(a) > 2:
            name = a.split("=", 1)[0]
            if name == "--in-place":
                inplace = True
            elif name in code_long or name in valued_long:
                have_code = have_code or name in code_long
                if "=" not in a:
                    i += 1
        elif a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                if ch == "i":
                    inplace = True
                    break
                if ch in code or ch in valued:
                    have_code = have_code or ch in code
                    if j == len(a) - 1:
                        i += 1
                    break
                if ch in ends:
                    break
        else:
            words.append(a)
        i += 1
    return inplace, have_code, words


def _sed(c: _Collector, args: list[str]) -> None:
    # -i[SUFFIX] / --in-place[=SUFFIX]; -e SCRIPT / -f FILE; else the first word is the script
    inplace, have_script, files = _in_place(args, code="ef", code_long=("--expression", "--file"), valued="l",
                                            valued_long=("--line-length",))
    if inplace:
        for f in files[0 if have_script else 1:]:
            c.add(f, "sed -i")


def _perl(c: _Collector, args: list[str]) -> None:
    # -i[SUFFIX] (also inside -pi…); -e/-E CODE; else the first word is the script file
    inplace, have_code, files = _in_place(args, code="eE", valued="MmI", ends="xCdDl0")
    if inplace:
        for f in files[0 if have_code else 1:]:
            c.add(f, "perl -i")


def _truncate(c: _Collector, args: list[str]) -> None:
    _, pos = _split(args, {"-s", "--size", "-r", "--reference"})
    for p in pos:
        c.add(p, "truncate")


def _tee(c: _Collector, args: list[str]) -> None:
    _, pos = _split(args, {"--output-error"})
    for p in pos:
        c.add(p, "tee")


def _dd(c: _Collector, args: list[str]) -> None:
    for a in args:
        if a.startswith("of="):
            c.add(a[3:], "dd of=")


def _find(c: _Collector, args: list[str]) -> None:
    if any(a in ("-delete", "-exec", "-execdir", "-ok", "-okdir") for a in args):
        c.unknown.append("find -delete / -exec: which files it reaches is not predicted")


def _rsync(c: _Collector, args: list[str]) -> None:
    opts, pos = _split(args, {"-e", "--rsh", "--exclude", "--include", "--filter", "-f", "--exclude-from",
                              "--include-from", "--files-from", "--rsync-path", "--backup-dir", "--suffix"})
    if any(n.startswith(("--delete", "--remove-source")) for n, _ in opts):
        c.unknown.append("rsync --delete: which files it removes is not predicted")
    elif len(pos) >= 2 and ":" not in pos[-1]:
        c.add(pos[-1], "rsync", recursive=True, into=tuple(pos[:-1]))


_GIT_VALUED = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"}


def _git(c: _Collector, args: list[str]) -> None:
    cwd = c.cwd
    git_opts: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        name = a.split("=", 1)[0]
        if name in _GIT_VALUED:
            val = a.split("=", 1)[1] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
            if "=" not in a:
                i += 1
            if name == "-C":
                if any(x in val for x in _DYNAMIC):
                    c.unknown.append("git -C with a computed folder")
                    return
                cwd = absolute(val, cwd, c.home) or ""
            elif name in ("--git-dir", "--work-tree"):
                git_opts.append(f"{name}={val}")
        i += 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1:]
    if not cwd:
        if sub in ("checkout", "restore", "reset", "clean", "switch", "stash"):
            c.unknown.append(f"git {sub} without a known working directory")
        return
    go = tuple(git_opts)
    if sub == "checkout":
        _git_checkout(c, rest, cwd, go)
    elif sub == "restore":
        opts, pos = _split(rest, {"-s", "--source", "--pathspec-from-file"})
        if _has(opts, "-p", "--patch", "--pathspec-from-file"):
            c.unknown.append("git restore --patch / --pathspec-from-file: which files change is not predicted")
            return
        staged = _has(opts, "-S", "--staged")
        worktree = _has(opts, "-W", "--worktree")
        if staged and not worktree:
            return  # the index only: no file in the work tree changes
        rev = _opt_value(opts, "-s", "--source") or ("HEAD" if staged else "")
        _git_paths(c, cwd, "git restore", rev, pos, go)
    elif sub == "reset":
        opts, pos = _split(rest)
        mode = next((n for n, _ in opts if n in ("--hard", "--merge", "--keep")), "")
        if mode:
            c.git.append(GitQuery(cwd, "diff", f"git reset {mode}", rev=pos[0] if pos else "HEAD", git_opts=go))
    elif sub == "clean":
        opts, pos = _split(rest, {"-e", "--exclude"})
        if not _has(opts, "-f", "--force", "-i", "--interactive"):
            return  # refused by git without -f (clean.requireForce)
        if _has(opts, "-n", "--dry-run"):
            return
        keep: list[str] = []
        for n, v in opts:
            if n in ("-f", "--force", "-i", "--interactive", "-q", "--quiet"):
                continue
            keep.append(n if v is None else f"{n}={v}" if n.startswith("--") else n + v)
        c.git.append(GitQuery(cwd, "clean", "git clean", args=tuple(keep) + ("--",) + tuple(pos), git_opts=go))
    elif sub == "switch":
        opts, _ = _split(rest, {"-c", "-C", "--create", "--force-create"})
        if _has(opts, "-f", "--force", "--discard-changes"):
            c.git.append(GitQuery(cwd, "diff", "git switch --discard-changes", rev="HEAD", git_opts=go))
    elif sub == "stash":
        pass  # `git stash` keeps what it removes (git stash pop): the user can undo it


def _git_checkout(c: _Collector, rest: list[str], cwd: str, go: tuple[str, ...]) -> None:
    if "--" in rest:
        k = rest.index("--")
        before, paths = rest[:k], rest[k + 1:]
        _, pos = _split(before, {"-b", "-B", "--orphan", "--conflict", "--pathspec-from-file"})
        _git_paths(c, cwd, "git checkout --", pos[0] if pos else "", paths, go)
        return
    opts, pos = _split(rest, {"-b", "-B", "--orphan", "--conflict", "--pathspec-from-file"})
    if _has(opts, "-p", "--patch", "--pathspec-from-file"):
        c.unknown.append("git checkout --patch / --pathspec-from-file: which files change is not predicted")
        return
    if _has(opts, "-f", "--force"):
        c.git.append(GitQuery(cwd, "diff", "git checkout --force", rev="HEAD", git_opts=go))
    if pos:
        # `git checkout NAME…`: a branch to switch to, or paths to discard changes of. Asked of git
        # when the snapshot is taken: a pathspec that matches nothing changes nothing.
        _git_paths(c, cwd, "git checkout", "", pos, go, maybe_rev=True)


def _git_paths(c: _Collector, cwd: str, why: str, rev: str, paths: list[str], go: tuple[str, ...],
               maybe_rev: bool = False) -> None:
    if any(any(x in p for x in _DYNAMIC) for p in paths):
        c.unknown.append(f"{why}: a path is computed when the command runs")
        return
    if not paths and not maybe_rev:
        return
    args = tuple(paths)
    c.git.append(GitQuery(cwd, "checkout" if maybe_rev else "diff", why, rev=rev, args=args, git_opts=go))


_PROGRAMS = {
    "rm": _rm, "unlink": _unlink, "rmdir": _rmdir, "shred": _shred,
    "mv": _copy_like("mv", True), "cp": _copy_like("cp", False), "install": _copy_like("install", False),
    "ln": _copy_like("ln", False),
    "sed": _sed, "gsed": _sed, "perl": _perl, "truncate": _truncate, "tee": _tee, "dd": _dd,
    "find": _find, "rsync": _rsync, "git": _git,
}


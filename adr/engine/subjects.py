"""What rules look at. One action becomes several subjects: each simple command, each file it
writes, each URL it fetches, each interpreter snippet, the command line as a whole.

Subjects are internal to the engine (built and consumed within one decision), so they are plain
slotted classes with lazily computed views, not boundary values.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from typing import TYPE_CHECKING

from adr.engine.pathnorm import normalize
from adr.shell.model import SimpleCommand
from adr.shell.uploads import uploaded_files
from adr.shell.words import positionals

if TYPE_CHECKING:  # pragma: no cover
    from adr.engine.textnorm import TextView


class lazy:
    """A computed attribute, stored on the instance at first use (later reads are plain attribute
    reads). Like functools.cached_property minus its per-access lock (Python ≤ 3.11), which cost
    ~1 µs on every first read here — and subjects are single-threaded, built and used by one call."""

    def __init__(self, fn):  # type: ignore[no-untyped-def]
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


# options that take a separate value, per program, so positionals/subcommand skip the value
_NPM_VALUED = frozenset({"--prefix", "-C", "--workspace", "-w", "--registry", "--userconfig", "--cache", "--filter",
                         "--dir", "--cwd"})
_VALUED_OPTIONS: dict[str, frozenset[str]] = {
    "git": frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"}),
    "kubectl": frozenset({"-n", "--namespace", "--context", "--kubeconfig", "-s", "--server", "--cluster", "--user",
                          "--token", "-l", "--selector", "-o", "--output", "-f", "--filename"}),
    "helm": frozenset({"-n", "--namespace", "--kube-context", "--kubeconfig"}),
    "docker": frozenset({"-H", "--host", "--context", "-c", "--config", "-l", "--log-level", "-f", "--file", "-p",
                         "--project-name"}),
    "npm": _NPM_VALUED, "pnpm": _NPM_VALUED, "yarn": _NPM_VALUED, "bun": _NPM_VALUED,
    "aws": frozenset({"--profile", "--region", "--output", "--endpoint-url", "--query"}),
    "gcloud": frozenset({"--project", "--account", "--configuration", "--format"}),
    "az": frozenset({"--subscription", "-g", "--resource-group", "--output", "-o"}),
    "cargo": frozenset({"--manifest-path", "-Z", "--config", "-p", "--package"}),
    "gh": frozenset({"-R", "--repo"}),
    "systemctl": frozenset({"-H", "--host", "-M", "--machine"}),
    "terraform": frozenset(),
}


_VERB_WORD = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*").fullmatch
_VERB_SPLIT = re.compile(r"[:.]").split
_VERB_HEAD = re.compile(r"[a-z0-9]+").match  # delete-bucket → delete, db_reset → db

# relative, single slashes, no quote, blank, `~` or `$`: joined to the cwd it stays as it is (once
# `.` / `..` segments are ruled out, and a trailing slash dropped)
_PLAIN_REL = re.compile(r"[^/'\"~$\s]+(?:/[^/'\"~$\s]+)*/?").fullmatch


def project_root(cwd: str, home: str) -> str:
    """The normalized working directory — the project the agent works in — or "" when it is `/`,
    a top-level directory or a home directory itself (then nothing can be called outside it)."""
    root = normalize(cwd or "/", "", home).rstrip("/")
    if root in ("", "~") or root.count("/") < (1 if root.startswith("~") else 2):
        return ""
    return root


# scratch space: nothing there belongs to a project, so nothing there counts as "outside" one
_SCRATCH = ("/tmp", "/var/tmp", "/private/tmp", "/private/var/folders", "/var/folders", "/dev/shm")


def _outside(path: str, root: str) -> bool:
    p = path.split("/**", 1)[0]  # find START/**/NAME: where it starts
    if not root or not p or p == root or p.startswith(root + "/"):
        return False
    return not any(p == t or p.startswith(t + "/") for t in _SCRATCH)


class CommandSubject:
    on = "command"

    def __init__(self, cmd: SimpleCommand, cwd: str, home: str, note: str = "") -> None:
        self.cmd = cmd
        self.cwd = cwd
        self.home = home
        self.note = note  # e.g. "written to ~/.bashrc"
        self.program = cmd.argv[0] if cmd.argv else ""
        # plain attributes, not properties: the rule index reads several of them for every command
        self.program_path_attr = cmd.program_path
        self.args_tuple = cmd.argv[1:]
        self.sudo = cmd.sudo
        self.upstream = cmd.upstream
        self.downstream = cmd.downstream
        self.wrappers = cmd.wrappers
        self.via = cmd.via
        self.dynamic = cmd.dynamic
        self.stdin_text = cmd.stdin_text or ""
        self.env = cmd.env
        self.runs_downloaded = bool(cmd.runs_downloaded)
        self.piped = cmd.piped

    @lazy
    def args_text(self) -> str:
        return " ".join(self.cmd.argv[1:])

    @lazy
    def text(self) -> str:
        return self.cmd.text

    @lazy
    def flags(self) -> frozenset[str]:
        out: set[str] = set()
        for a in self.cmd.argv[1:]:
            if a == "--":
                break
            if a.startswith("--") and len(a) > 2:
                out.add(a.split("=", 1)[0])
            elif a.startswith("-") and len(a) > 1 and not a[1].isdigit():
                out.add(a)  # as written (find -delete, -rf) …
                for ch in a[1:]:
                    if ch.isalnum():
                        out.add("-" + ch)  # … and as single letters (-r -f)
        return frozenset(out)

    @lazy
    def positionals(self) -> tuple[str, ...]:
        """Arguments that are not options — skipping the values of a tool's known valued options,
        so `git -C repo push` has positionals (push,) and `kubectl -n prod delete ns x` (delete, ns, x)."""
        return tuple(positionals(self.cmd.argv[1:], _VALUED_OPTIONS.get(self.cmd.program, frozenset())))

    @lazy
    def verbs(self) -> tuple[str, ...]:
        """The words of the subcommand chain, split where CLIs join a verb to its noun: `apps:destroy`,
        `delete-bucket`, `kv metadata delete`, `db_reset` → apps, destroy, delete, kv, metadata, db, reset.
        Only the first four positionals, and only word-like ones (no paths, URLs, values)."""
        out: list[str] = []
        for w in self.positionals[:4]:
            if len(w) > 48 or not _VERB_WORD(w):
                continue
            w = w.lower()
            for part in _VERB_SPLIT(w):
                if part:
                    out.append(part)
                    head = _VERB_HEAD(part)
                    if head is not None and head.group(0) != part:
                        out.append(head.group(0))
        return tuple(dict.fromkeys(out))

    @lazy
    def read_sources(self) -> tuple[str, ...]:
        return tuple(normalize(r.target, self.cwd, self.home) for r in self.cmd.redirects
                     if r.op in ("<",) and r.target)

    @lazy
    def paths(self) -> tuple[str, ...]:
        """Arguments normalized as paths (every argument that could name a file)."""
        out = []
        here = ""
        for a in self.cmd.argv[1:]:
            if not a or a.startswith("-") and "=" not in a:
                continue
            if "=" in a and a.startswith("-"):
                a = a.split("=", 1)[1]
            if "://" in a or len(a) > 4096:
                continue
            if _PLAIN_REL(a) and ("." not in a or not any(seg in (".", "..") for seg in a.split("/"))):
                # a relative path without . or .. segments (most arguments): the normalized cwd + "/" +
                # it, without re-normalizing the cwd for each (what normalize() gives: nothing in it can
                # move the cwd part; a test checks the two agree)
                if not here:
                    here = normalize(self.cwd or "/", "", self.home).rstrip("/")
                out.append(here + "/" + a.rstrip("/"))
                continue
            out.append(normalize(a, self.cwd, self.home))
        return tuple(out)

    @lazy
    def uploads(self) -> tuple[str, ...]:
        """Local files this command sends off the machine (curl -d @f, -F x=@f, -T, scp/rsync/rclone
        to a remote, gh gist create …), normalized as paths."""
        return tuple(normalize(p, self.cwd, self.home) for p in uploaded_files(self.program, self.args_tuple))

    @lazy
    def outside_project(self) -> bool:
        """An argument names a path outside the working directory's tree."""
        root = project_root(self.cwd, self.home)
        return bool(root) and any(_outside(p, root) for p in self.paths)

    @lazy
    def write_targets(self) -> tuple[str, ...]:
        return tuple(normalize(r.target, self.cwd, self.home) for r in self.cmd.redirects
                     if r.op in (">", ">>", ">|", "&>", "&>>") and r.target)

    @property
    def evidence_subject(self) -> str:
        return self.cmd.text


class FileSubject:
    on = "file"

    def __init__(self, kind: str, path: str, content: str | None, cwd: str, home: str,
                 old_content: str = "", by: str = "", via: str = "", append: bool = False,
                 recursive: bool = False) -> None:
        self.kind = kind  # write | edit | read | delete
        self.raw_path = path
        self.path = normalize(path, cwd, home)
        self.content = content if content is not None else ""
        self.content_known = content is not None
        self.old_content = old_content
        self.by = by
        self.via = via
        self.append = append
        self.recursive = recursive  # a delete that takes a directory tree with it
        self.cwd = cwd
        self.home = home

    @property
    def evidence_subject(self) -> str:
        return self.path

    @lazy
    def outside_project(self) -> bool:
        """The path lies outside the working directory's tree (the project the agent works in)."""
        return _outside(self.path, project_root(self.cwd, self.home))


class UrlSubject:
    on = "url"

    def __init__(self, url: str, via: str = "", by: str = "") -> None:
        self.url = url.strip()
        self.via = via
        self.by = by
        try:
            parts = urlsplit(self.url if "://" in self.url else "http://" + self.url)
            self.scheme = parts.scheme.lower()
            self.host = (parts.hostname or "").lower().rstrip(".")
            self.port = parts.port or 0
            self.path = parts.path
        except ValueError:
            self.scheme, self.host, self.port, self.path = "", "", 0, ""

    @property
    def evidence_subject(self) -> str:
        return self.url

    @lazy
    def is_ip(self) -> bool:
        h = self.host
        if h.replace(".", "").isdigit() and h.count(".") == 3:
            return True
        return ":" in h  # IPv6 literal

    @lazy
    def tld(self) -> str:
        return self.host.rsplit(".", 1)[-1] if "." in self.host else ""


class ScriptSubject:
    on = "script"

    def __init__(self, language: str, code: str, via: str = "") -> None:
        self.language = language
        self.code = code
        self.via = via

    @property
    def evidence_subject(self) -> str:
        return self.code[:200]


class ShellSubject:
    on = "shell"

    def __init__(self, source: str, issues: tuple[str, ...], programs: frozenset[str]) -> None:
        self.source = source
        self.issues = issues
        self.programs = programs

    @property
    def evidence_subject(self) -> str:
        return self.source[:300]

    @property
    def programs_tuple(self) -> tuple[str, ...]:
        return tuple(sorted(self.programs))


class TextSubject:
    """Text the agent read (a tool's output, an instruction file, an MCP tool's description), in the
    three views of adr.engine.textnorm."""

    on = "text"

    def __init__(self, view: "TextView", source: str, tool: str = "", origin: str = "") -> None:
        self.view = view
        self.body = view.text  # not "text": CommandSubject.text is the argv, and the regex bank keys by name
        self.instructions_superset = view.instructions_superset
        self.hidden = view.hidden
        self.markers = view.markers
        self.source = source
        self.tool = tool
        self.origin = origin

    @lazy
    def instructions(self) -> str:
        return self.view.instructions  # the quotation pass, only when the superset could match

    @property
    def evidence_subject(self) -> str:
        return self.origin or self.source


class McpSubject:
    on = "mcp"

    def __init__(self, server: str, tool: str, arguments: str) -> None:
        self.server = server
        self.tool = tool
        self.arguments = arguments

    @property
    def evidence_subject(self) -> str:
        return f"{self.server}.{self.tool}"

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


# relative, single slashes, no quote, blank, `~` or `$`: joined to the cwd it stays as it is (once
# `.` / `..` segments are ruled out, and a trailing slash dropped)
_PLAIN_REL = re.compile(r"[^/'\"~$\s]+(?:/[^/'\"~$\s]+)*/?").fullmatch


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
        out = []
        dd = False
        valued = _VALUED_OPTIONS.get(self.cmd.program, frozenset())
        skip = False
        for a in self.cmd.argv[1:]:
            if skip:
                skip = False
                continue
            if a == "--" and not dd:
                dd = True
                continue
            if not dd and a.startswith("-") and len(a) > 1:
                skip = a in valued
                continue
            out.append(a)
        return tuple(out)

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
    def write_targets(self) -> tuple[str, ...]:
        return tuple(normalize(r.target, self.cwd, self.home) for r in self.cmd.redirects
                     if r.op in (">", ">>", ">|", "&>", "&>>") and r.target)

    @property
    def evidence_subject(self) -> str:
        return self.cmd.text


class FileSubject:
    on = "file"

    def __init__(self, kind: str, path: str, content: str | None, cwd: str, home: str,
                 old_content: str = "", by: str = "", via: str = "", append: bool = False) -> None:
        self.kind = kind  # write | edit | read | delete
        self.raw_path = path
        self.path = normalize(path, cwd, home)
        self.content = content if content is not None else ""
        self.content_known = content is not None
        self.old_content = old_content
        self.by = by
        self.via = via
        self.append = append
        self.cwd = cwd
        self.home = home

    @property
    def evidence_subject(self) -> str:
        return self.path


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

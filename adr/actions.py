"""The shared vocabulary: what an agent wants to do, and what adr thinks of it.

Every stage of the one-way flow (integration → engine → policy → response) passes these frozen
values along, so a stage can never reach back and change what an earlier one saw.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class ActionKind(str, enum.Enum):
    EXEC = "exec"
    FILE_WRITE = "file_write"
    FILE_EDIT = "file_edit"
    FILE_READ = "file_read"
    FILE_DELETE = "file_delete"
    URL_FETCH = "url_fetch"
    PACKAGE_INSTALL = "package_install"
    MCP_CALL = "mcp_call"


# A web search sends its query to a search engine in a URL: it is judged as that request (a secret in the
# query is a secret sent in a URL). The agent's backend picks the engine, so the host is a stand-in, which
# reputation look-ups skip (they never see a query string anyway).
WEB_SEARCH_URL = "https://web-search.invalid/search?q="


class Decision(str, enum.Enum):
    ALLOW = "allow"
    ASK = "ask"
    DENY = "deny"

    @property
    def rank(self) -> int:
        return _DECISION_RANK[self]

    @classmethod
    def strongest(cls, decisions: "list[Decision] | tuple[Decision, ...]") -> "Decision":
        best = cls.ALLOW
        for d in decisions:
            if d.rank > best.rank:
                best = d
        return best


_DECISION_RANK = {Decision.ALLOW: 0, Decision.ASK: 1, Decision.DENY: 2}


class Severity(str, enum.Enum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Reversible(str, enum.Enum):
    """Who can take an action back (the cost of an error decides the friction, DESIGN "Response").

    ADR: a local file change adr can snapshot and undo; USER: the user can (a local git history, the
    reflog); NO: irreversible (remote deletes, force pushes, data sent away, dropped databases).
    UNKNOWN: the rule does not say; policy treats it like NO (never relaxed)."""

    ADR = "adr"
    USER = "user"
    NO = "no"
    UNKNOWN = ""


class RuleAction(str, enum.Enum):
    """What a rule asks for when it matches; policy may move it (sensitivity, mode)."""

    DENY = "deny"
    ASK = "ask"
    LOG = "log"

    def to_decision(self) -> Decision:
        return {RuleAction.DENY: Decision.DENY, RuleAction.ASK: Decision.ASK}.get(self, Decision.ALLOW)


@dataclass(frozen=True)
class Context:
    """Where an action comes from. Integrations fill what their host tells them."""

    host: str = "cli"
    agent: str = ""
    session: str = ""
    cwd: str = ""
    tool: str = ""
    pid: int | None = None
    home: str = ""  # the user's home as the agent sees it; "" means this process's HOME


@dataclass(frozen=True)
class PackageRef:
    """One package an install would bring in, as named on the command line or in a manifest."""

    ecosystem: str  # pypi | npm | cargo | gem | go | brew
    name: str
    spec: str = ""  # version specifier or range exactly as written ("", ">=2", "^18.2.0")
    source: str = ""  # url / vcs / path / index when not the default registry
    index: str = ""  # custom index or registry URL when one is given


@dataclass(frozen=True)
class Resolved:
    """What this machine said about an action's targets when it was judged — filled by the judge's
    resolver (adr/daemon/resolve.py), never taken from a client — so the pure engine can judge a
    path by what it resolves to (symlinks, globs, `$ADR_HOME`) and a replay sees the same facts.

    aliases: (a target as the engine normalizes it, the normalized paths it stands for on disk).
    adr_pids: adr's own processes (the daemon), so `kill -STOP <pid>` is recognised as aimed at adr.
    adr_procs: their names and command lines, so `pkill -f 'a[d]r'` is too.
    """

    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    adr_pids: tuple[int, ...] = ()
    adr_procs: tuple[str, ...] = ()
    looked: bool = False  # the judge looked (even if it found nothing): judge these facts, not new ones
    git_branch: str = ""  # what a bare `git push` in the cwd pushes (adr/daemon/gitstate.py); "": unknown
    # the hosts the cwd repository's remotes point at; None: not looked up / not a repository
    git_remote_hosts: "tuple[str, ...] | None" = None
    # (a reset command's key, a SQLite file in the project it empties): adr/daemon/localdb.py
    databases: tuple[tuple[str, str], ...] = ()
    # `gc.pruneExpire=now` when the cwd repository's config makes a plain `git gc` drop what is
    # unreachable now (adr/daemon/gitstate.py gc_expiry); "": not so, or not looked up
    git_gc_expiry: str = ""
    # the git work tree the cwd lies in when that is under a temporary folder (a project there, not
    # scratch: its files are not disposable); "": none, or not looked up (adr/daemon/resolve.py)
    temp_project: str = ""
    # a Write over a file that exists: what the file holds now (its first MAX_REPLACED characters), so
    # what a whole-file write takes away is seen as an Edit's replaced text is (old_content)
    replaced: str = ""

    def __bool__(self) -> bool:
        return bool(self.aliases or self.adr_pids or self.adr_procs or self.looked or self.git_branch
                    or self.git_remote_hosts is not None or self.databases or self.git_gc_expiry
                    or self.temp_project)


@dataclass(frozen=True)
class Action:
    """One side effect an agent wants. Only the fields of its kind are meaningful."""

    kind: ActionKind
    context: Context = field(default_factory=Context)
    command: str = ""  # exec: the shell command line
    path: str = ""  # file_*: target path as given by the agent
    content: str = ""  # file_write: whole content; file_edit: the new text
    old_content: str = ""  # file_edit: the text being replaced
    url: str = ""  # url_fetch
    packages: tuple[PackageRef, ...] = ()  # package_install
    mcp_server: str = ""  # mcp_call
    mcp_tool: str = ""
    arguments: str = ""  # mcp_call: arguments as JSON text
    resolved: Resolved = Resolved()  # set by the judge before the engine runs (see Resolved)

    def __post_init__(self) -> None:
        _well_formed(self, ("command", "path", "content", "old_content", "url", "arguments"))

    def with_context(self, **changes: Any) -> "Action":
        return replace(self, context=replace(self.context, **changes))

    def summary(self, limit: int = 200) -> str:
        """One readable line for humans (notifications, logs). Not redacted: callers redact."""
        if self.kind is ActionKind.EXEC:
            text = self.command
        elif self.kind in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT, ActionKind.FILE_READ, ActionKind.FILE_DELETE):
            text = f"{self.kind.value.replace('_', ' ')} {self.path}"
        elif self.kind is ActionKind.URL_FETCH:
            text = f"fetch {self.url}"
        elif self.kind is ActionKind.PACKAGE_INSTALL:
            text = "install " + " ".join(f"{p.ecosystem}:{p.name}{p.spec}" for p in self.packages)
        else:
            text = f"mcp {self.mcp_server}.{self.mcp_tool} {self.arguments}"
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"


class ObservationKind(str, enum.Enum):
    TOOL_OUTPUT = "tool_output"  # what a tool returned to the agent (page, file, command output, MCP result)
    SESSION_START = "session_start"  # a session starts: what it loads (instruction files, skills, MCP tools)


@dataclass(frozen=True)
class Observation:
    """Something the agent *read* rather than did: not a side effect to allow or deny, but text that
    may try to steer the agent (prompt injection), judged by the engine's `on: text` rules.

    `source` says where the text came from, so rules can weigh it: web (a fetched page), search,
    file (a file read), shell (command output), mcp (an MCP tool's result), instructions (AGENTS.md,
    CLAUDE.md, rules, skills), tool-description (an MCP tool's description), other."""

    kind: ObservationKind
    context: Context = field(default_factory=Context)
    text: str = ""
    source: str = "other"
    origin: str = ""  # the URL, path, command or server.tool the text came from (shown to the human)

    def __post_init__(self) -> None:
        _well_formed(self, ("text", "origin"))


def _well_formed(obj: Any, names: "tuple[str, ...]") -> None:
    """Lone UTF-16 surrogates (`\\ud800` in the hook's JSON, which an agent writes itself) replaced by
    U+FFFD, as the host does when it hands the text to a shell or a file: no stage meets text that
    cannot be encoded — a regex engine raising on it would turn a deny into the fail mode's ask."""
    for name in names:
        v = getattr(obj, name)
        if v and not v.isascii():
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                # (a pair written as two escapes is the one character it spells)
                object.__setattr__(obj, name, v.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


@dataclass(frozen=True)
class Evidence:
    """What matched: the normalized subject (command or path), the field and the span in it."""

    subject: str
    field: str = ""
    span: tuple[int, int] | None = None
    matched: str = ""
    note: str = ""  # how the subject was reached, e.g. "via bash -c", "base64-decoded"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    title: str
    severity: Severity
    action: RuleAction
    evidence: tuple[Evidence, ...] = ()
    description: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = "rules"  # rules | shell | supply | reputation | policy
    reversible: Reversible = Reversible.UNKNOWN  # who can undo the action if this finding is right

    def decision(self) -> Decision:
        return self.action.to_decision()


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # for the human: rule, evidence, how to allow it
    agent_reason: str = ""  # short, for the agent
    mode: str = "enforce"  # enforce | monitor
    would_decide: Decision | None = None  # in monitor mode: what enforce would have said

    @property
    def rule_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for f in self.findings:
            seen.setdefault(f.rule_id, None)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "rule_ids": list(self.rule_ids),
            "reason": self.reason,
            "agent_reason": self.agent_reason,
            "mode": self.mode,
            "would_decide": self.would_decide.value if self.would_decide else None,
            "findings": [finding_to_dict(f) for f in self.findings],
        }


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "title": f.title,
        "severity": f.severity.value,
        "action": f.action.value,
        "source": f.source,
        "reversible": f.reversible.value,
        "references": list(f.references),
        "evidence": [
            {"subject": e.subject, "field": e.field, "span": list(e.span) if e.span else None,
             "matched": e.matched, "note": e.note}
            for e in f.evidence
        ],
    }


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(
        rule_id=str(d["rule_id"]),
        title=str(d.get("title", "")),
        severity=Severity(d.get("severity", "medium")),
        action=RuleAction(d.get("action", "ask")),
        source=str(d.get("source", "rules")),
        reversible=Reversible(d.get("reversible", "") or ""),
        references=tuple(d.get("references", ())),
        evidence=tuple(
            Evidence(subject=e.get("subject", ""), field=e.get("field", ""),
                     span=tuple(e["span"]) if e.get("span") else None,  # type: ignore[arg-type]
                     matched=e.get("matched", ""), note=e.get("note", ""))
            for e in d.get("evidence", ())
        ),
    )


def verdict_from_dict(d: dict[str, Any]) -> Verdict:
    wd = d.get("would_decide")
    return Verdict(
        decision=Decision(d["decision"]),
        findings=tuple(finding_from_dict(f) for f in d.get("findings", ())),
        reason=str(d.get("reason", "")),
        agent_reason=str(d.get("agent_reason", "")),
        mode=str(d.get("mode", "enforce")),
        would_decide=Decision(wd) if wd else None,
    )


def action_to_dict(a: Action) -> dict[str, Any]:
    c = a.context
    return {
        "kind": a.kind.value,
        "context": {"host": c.host, "agent": c.agent, "session": c.session, "cwd": c.cwd,
                    "tool": c.tool, "pid": c.pid, "home": c.home},
        "command": a.command, "path": a.path, "content": a.content, "old_content": a.old_content,
        "url": a.url,
        "packages": [{"ecosystem": p.ecosystem, "name": p.name, "spec": p.spec, "source": p.source,
                      "index": p.index} for p in a.packages],
        "mcp_server": a.mcp_server, "mcp_tool": a.mcp_tool, "arguments": a.arguments,
    } | ({"resolved": {"aliases": [[k, list(v)] for k, v in a.resolved.aliases],
                       "adr_pids": list(a.resolved.adr_pids), "adr_procs": list(a.resolved.adr_procs),
                       "looked": a.resolved.looked}
                      | ({"git_branch": a.resolved.git_branch} if a.resolved.git_branch else {})
                      | ({"git_remote_hosts": list(a.resolved.git_remote_hosts)}
                         if a.resolved.git_remote_hosts is not None else {})
                      | ({"databases": [list(x) for x in a.resolved.databases]} if a.resolved.databases else {})
                      | ({"git_gc_expiry": a.resolved.git_gc_expiry} if a.resolved.git_gc_expiry else {})
                      | ({"temp_project": a.resolved.temp_project} if a.resolved.temp_project else {})
                      | ({"replaced": a.resolved.replaced} if a.resolved.replaced else {})}
       if a.resolved else {})


def action_from_dict(d: dict[str, Any]) -> Action:
    """Inverse of action_to_dict; raises ValueError/KeyError/TypeError on a malformed shape."""
    c = d.get("context") or {}
    if not isinstance(c, dict):
        raise TypeError("context must be an object")
    pid = c.get("pid")
    ctx = Context(host=str(c.get("host", "cli")), agent=str(c.get("agent", "")),
                  session=str(c.get("session", "")), cwd=str(c.get("cwd", "")),
                  tool=str(c.get("tool", "")), pid=int(pid) if pid is not None else None,
                  home=str(c.get("home", "")))
    return Action(
        kind=ActionKind(d["kind"]), context=ctx,
        command=_s(d, "command"), path=_s(d, "path"), content=_s(d, "content"),
        old_content=_s(d, "old_content"), url=_s(d, "url"),
        packages=tuple(PackageRef(ecosystem=str(p["ecosystem"]), name=str(p["name"]),
                                  spec=str(p.get("spec", "")), source=str(p.get("source", "")),
                                  index=str(p.get("index", "")))
                       for p in d.get("packages") or ()),
        mcp_server=_s(d, "mcp_server"), mcp_tool=_s(d, "mcp_tool"), arguments=_s(d, "arguments"),
        resolved=resolved_from_dict(d.get("resolved")),
    )


def resolved_from_dict(d: Any) -> Resolved:
    """A recorded Resolved (a run record, for replay). Never taken from a client: the protocol drops it."""
    if not d:
        return Resolved()
    if not isinstance(d, dict):
        raise TypeError("resolved must be an object")
    aliases = tuple((str(k), tuple(str(x) for x in v)) for k, v in d.get("aliases") or ())
    return Resolved(aliases, tuple(int(p) for p in d.get("adr_pids") or ()),
                    tuple(str(p) for p in d.get("adr_procs") or ()), d.get("looked") is True,
                    _s(d, "git_branch"),
                    tuple(str(h) for h in d["git_remote_hosts"]) if isinstance(d.get("git_remote_hosts"), list)
                    else None,
                    tuple((str(k), str(p)) for k, p in d.get("databases") or ()),
                    _s(d, "git_gc_expiry"), _s(d, "temp_project"), _s(d, "replaced"))


def _s(d: dict[str, Any], key: str) -> str:
    v = d.get(key, "")
    if v is None:
        return ""
    if not isinstance(v, str):
        raise TypeError(f"{key} must be a string")
    return v

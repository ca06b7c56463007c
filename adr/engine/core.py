"""The engine: one Action in, Findings out — pure and deterministic.

normalize → extract subjects → detect (compiled rules + detectors) → merge. Rules are loaded and
compiled once; a decision does no I/O and reads no clock, so the same action and rules always
give the same findings (replay and tests rely on it).
"""
from __future__ import annotations

import functools
import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from adr import lazyre
from adr.actions import Action, ActionKind, Evidence, Finding, Observation, RuleAction, Severity, Verdict
from adr.config import Settings
from adr.engine.gitwords import leading_cd
from adr.engine.localdb import db_commands
from adr.engine.conditions import MAX_SCAN
from adr.engine.buildfiles import build_commands, notebook_fragment, runs_on_host
from adr.shell.interpreters import OTHER_SOURCE_EXT, SCRIPT_EXT, SOURCE_EXT, build_script_commands, named_language
from adr.engine.embedded import embedded_commands, runs_in_container
from adr.engine.notebooks import is_notebook, notebook_code
from adr.engine.mcpcalls import command_lines
from adr.engine.secretenv import PROGRAMS as SECRET_CLIENTS, TOKEN_PRINTERS
from adr.engine.rules import Rule, RuleError, RuleLoadError, load_packs
from adr.engine.subjects import (CommandSubject, FileSubject, McpSubject, ScriptSubject, ShellSubject,
                                 TextSubject, UrlSubject, project_root)
from adr.engine import pathnorm, textnorm
from adr.engine.pathnorm import GlobWitness, NameIndex, compile_globs, has_glob, normalize
from adr.engine.targets import CollectFull, Targets
from adr.engine.venvs import venv_runs
from adr.engine.cdchain import move_folders, placed_targets
from adr.engine.outflow import moved_away
from adr.policy import decide as policy_decide
from adr.shell.findscope import FindScope
from adr.shell.model import FileDelete, ParsedShell, SimpleCommand
from adr.shell.parse import SHELLS, parse as parse_shell, recent as recent_parse, remember as remember_parse
from adr.shell.startupfiles import startup_lines

MAX_FINDINGS = 50  # log-level findings kept per action (ask and deny findings are always kept)
DEFAULT_WORK_UNITS = 4_000  # deterministic work bound per decision: ~100 ms of engine time on a 2-core VM (bench)
BUDGET_RULE = "engine.budget-exhausted"
GRACE_SECONDS = 0.05  # the time net's share of the one grace (Budget.grace)


class OutOfBudget(Exception):
    """Raised inside one evaluation when its budget is spent; evaluate() turns it into a finding."""


class Budget:
    """How much work one evaluation may do.

    `units` is a deterministic counter (one unit per subject checked against the rules, plus one per
    4 KiB of text), so replaying an action always stops at the same point. `deadline` is the caller's
    safety net (the daemon passes thread CPU time: "engine time", not inflated by other threads); the
    engine reads no clock of its own — the clock is the caller's. When either runs out, the walk stops
    and the verdict is at least ask (deny when a deny-level finding was already seen), never allow."""

    __slots__ = ("units", "spent", "deadline", "clock", "exhausted", "graced")

    def __init__(self, units: int = DEFAULT_WORK_UNITS, deadline: "float | None" = None,
                 clock: "Any" = None) -> None:
        self.units = units
        self.spent = 0
        self.deadline = deadline
        self.clock = clock
        self.exhausted = ""
        self.graced = False

    def spend(self, n: int = 1) -> bool:
        """Spend n units; False once the budget is gone (the shell layer stops its walk on that)."""
        self.spent += n
        if self.spent > self.units:
            self.exhausted = self.exhausted or f"more than {self.units} work units"
            return False
        if self.deadline is not None and self.clock() > self.deadline:
            self.exhausted = self.exhausted or "its time budget"
            return False
        return True

    def charge(self, n: int = 1) -> None:
        if not self.spend(n):
            raise OutOfBudget()

    def grace(self) -> None:
        """Once per decision: what was already parsed when the budget ran out still gets judged (a
        quarter more work), so a deny among it is found instead of only "too costly"."""
        if not self.graced:
            self.graced = True
            self.units = self.spent + max(1, self.units // 4)
            if self.deadline is not None:
                self.deadline = self.clock() + GRACE_SECONDS
# file extension → language, so code written to a file is read by the script rules
MAX_WRITTEN_SCRIPT = 256 * 1024  # characters of a written script judged as what it will run
_NO_HONEST_USE = frozenset({"reverse-shell", "exfiltration"})  # denied in a script as soon as it is written
_RUNS_DOWNLOAD = frozenset({"remote-exec"})  # (a denied finding with it: downloaded code runs)
# a recipe of a build file run on the developer's machine (a Makefile, a task runner's file) that runs
# downloaded code: asked when written (adr.engine.buildfiles.runs_on_host)
BUILD_DOWNLOAD_RULE = "content.build-file-download-exec"
# a dev container's own setup command (postCreateCommand …) that runs downloaded code: asked when written
CONTAINER_DOWNLOAD_RULE = "content.devcontainer-download-exec"
# source of a compiled language (go, rust, c#, swift …) whose spawned command runs downloaded code:
# reported under the rule that judges interpreters' spawn calls by their text (one verdict per language)
SPAWN_DOWNLOAD_RULE = "content.code-spawns-download-to-shell"
_LIFECYCLE = ("preinstall", "install", "postinstall", "prepare", "prepublish", "prepublishOnly", "preuninstall",
              "postuninstall", "prepack", "postpack")


class Detector(Protocol):
    """A non-rule detector (supply chain, …): pure, data loaded at construction."""

    name: str

    def detect(self, view: "ActionView") -> Iterable[Finding]: ...


@dataclass(frozen=True)
class ActionView:
    """What detectors see: the action and the commands the shell layer found in it."""

    action: Action
    commands: tuple[SimpleCommand, ...] = ()
    parsed: ParsedShell | None = None


_POSITIONS: dict[tuple[int, ...], tuple[int, ...]] = {}


def _shared_positions(ps: "list[int] | tuple[int, ...]") -> tuple[int, ...]:
    """One tuple object for each distinct run of rule positions (bounded: buckets are)."""
    t = tuple(ps)
    got = _POSITIONS.get(t)
    if got is None:
        if len(_POSITIONS) >= 65_536:
            _POSITIONS.clear()
        got = _POSITIONS[t] = t
    return got


class Bucket:
    """Rules checked against one kind of subject, indexed by their gates.

    A rule's gates are alternatives (any passing one makes it a candidate). Regex/glob leaves are
    found through the subject's set hits (an inverted index: field → set index → rules). A bucket
    made for one program (`program=`) answers program-name gates once, when it is built: a rule
    whose name test passes is always a candidate, one whose every gate is a failing name test is
    dropped. Other rules without set-answered gates are scanned. Evaluation keeps rule order, so
    results do not depend on the index.
    """

    def __init__(self, rules: Sequence[Rule], program: str | None = None) -> None:
        self.rules = list(rules)
        self.always: list[int] = []  # no gate, or a program-name gate that passes for `program`
        self.scan: list[int] = []  # gates tested per subject (names, when no program is fixed)
        self.by_leaf: dict[str, dict[int, tuple[int, ...]]] = {}
        self.by_truthy: dict[str, list[tuple[int, Any]]] = {}  # attribute → (rule, gate) when it is non-empty
        self.bank: Any = None
        for pos, r in enumerate(self.rules):
            gates = r.gate
            if not gates:
                self.always.append(pos)
                continue
            if program is not None:
                if any(g.test is not None and not g.truthy and g.test(program) for g in gates):
                    self.always.append(pos)
                    continue
                gates = tuple(g for g in gates if g.test is None or g.truthy)
                if not gates:
                    continue  # only program-name alternatives, none of them this program
            if any(g.test is not None and not g.truthy for g in gates):
                self.scan.append(pos)
                continue
            for g in gates:
                if g.truthy:
                    self.by_truthy.setdefault(g.truthy, []).append((pos, g))
                else:
                    self.bank = g.bank
                    self.by_leaf.setdefault(g.attr, {}).setdefault(g.idx, []).append(pos)
        # a daemon keeps a bucket per program it has met (~1,000 in the dev corpus) with ~240 leaves
        # each: the position lists, nearly all of one or two rules, are shared tuples across buckets
        # (a list each was ~14 MiB with every program met)
        self.by_leaf = {attr: {idx: _shared_positions(ps) for idx, ps in leaves.items()}
                        for attr, leaves in self.by_leaf.items()}
        self._leaves = tuple(self.by_leaf.items())
        self._truthy = tuple(self.by_truthy.items())
        self._always_rules = [self.rules[p] for p in self.always]
        bank = next((r.bank for r in self.rules if r.bank is not None and r.leaves), None)
        self.scope = bank.scope(lf for r in self.rules for lf in r.leaves) if bank is not None else None

    def __bool__(self) -> bool:
        return bool(self.rules)

    def candidates(self, subject: Any) -> list[Rule]:
        rules = self.rules
        picked: set[int] | None = None
        for pos in self.scan:
            if any(g.passes(subject) for g in rules[pos].gate):
                picked = picked or set()
                picked.add(pos)
        for attr, entries in self._truthy:
            v = getattr(subject, attr)
            if v:
                for pos, g in entries:
                    if g.each is None or any(g.each(x) for x in v):
                        picked = picked or set()
                        picked.add(pos)
        if self._leaves:
            hits = self.bank.hits
            for attr, leaves in self._leaves:
                for idx in hits(subject, attr):
                    got = leaves.get(idx)
                    if got:
                        picked = picked or set()
                        picked.update(got)
        if picked is None:
            return self._always_rules  # the usual case: nothing beyond the ungated rules
        picked.update(self.always)
        return [rules[p] for p in sorted(picked)]


_EMPTY = Bucket(())


@dataclass
class _Index:
    by_on: dict[str, Bucket] = field(default_factory=dict)
    by_program: dict[str, list[Rule]] = field(default_factory=dict)  # command rules naming the program
    any_program: list[Rule] = field(default_factory=list)  # command rules for every program
    order: dict[str, int] = field(default_factory=dict)  # rule id → position in the engine's rules
    _command: dict[str, Bucket] = field(default_factory=dict)
    _by_sig: dict[tuple[int, ...], Bucket] = field(default_factory=dict)
    _named: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)

    MAX_BUCKETS = 4096

    def __post_init__(self) -> None:
        # any-program rules with program-name gates (globs such as python3.*): all that tells the
        # buckets of two programs without rules of their own apart
        self._named = [(i, tuple(g for g in r.gate if g.test is not None and not g.truthy))
                       for i, r in enumerate(self.any_program)
                       if r.gate and any(g.test is not None and not g.truthy for g in r.gate)]

    def command(self, program: str) -> Bucket:
        """The command rules that can apply to `program`, with its name gates answered (cached)."""
        b = self._command.get(program)
        if b is None:
            own = self.by_program.get(program)
            if own:
                b = Bucket(sorted(own + self.any_program, key=lambda r: self.order[r.id]), program=program)
            else:  # programs without rules of their own share a bucket per name-gate outcome
                sig = tuple(i for i, gates in self._named if any(g.test(program) for g in gates))
                b = self._by_sig.get(sig)
                if b is None:
                    b = self._by_sig[sig] = Bucket(self.any_program, program=program)
            if len(self._command) >= self.MAX_BUCKETS:
                self._command.clear()
            self._command[program] = b
        return b


class Engine:
    def __init__(self, rules: Sequence[Rule], packs: Sequence[str], lists: dict[str, list[str]],
                 detectors: Sequence[Detector] = (), settings: Settings | None = None,
                 rule_files: Sequence[Path] = (), load_ms: float = 0.0) -> None:
        self.settings = settings or Settings()
        disabled = set(self.settings.disabled_rules)
        self.rules = [r for r in rules if r.id not in disabled]
        self.packs = list(packs)
        self.lists = lists
        self.detectors = list(detectors)
        self.rule_files = list(rule_files)
        self.load_ms = load_ms
        self.broken_files: tuple[tuple[str, str], ...] = ()  # (user rule file, problem) left out at load
        by_on: dict[str, list[Rule]] = {}
        by_program: dict[str, list[Rule]] = {}
        any_program: list[Rule] = []
        for r in self.rules:
            by_on.setdefault(r.on, []).append(r)
            if r.on == "command":
                if r.programs is None:
                    any_program.append(r)
                else:
                    for p in r.programs:
                        by_program.setdefault(p, []).append(r)
        self._index = _Index({k: Bucket(v) for k, v in by_on.items()}, by_program, any_program,
                             {r.id: i for i, r in enumerate(self.rules)})
        later = lists.get("executes_later") or []
        self._executes_later = compile_globs(later) if later else None
        # a glob / brace-list target is also judged as each of these it could expand to (self-defense)
        protected = lists.get("glob_targets") or []
        self._witness = GlobWitness(protected, lists.get("glob_dirs") or (), lists.get("glob_fresh") or ()) \
            if protected else None
        # and the user's protected files by name, for the rules on secrets, start-up files and history
        named = lists.get("glob_named_targets") or []
        self._names = NameIndex(named) if named else None

    def compile_regexes(self) -> None:
        """Build every field's regex matchers now (~0.45 s) instead of at each field's first use: a
        daemon does this at load, so no decision waits on it; a one-shot check builds only what its
        action meets. The shell and engine modules' own patterns too (adr/lazyre.py), and the names
        and owners in adr's places that load_engine left for the first decision needing them."""
        from adr import lazyre
        from adr.shell.effects import settle_owner

        lazyre.compile_all()
        if self._witness is not None:
            self._witness.settle()
        settle_owner()
        for bank in {id(r.bank): r.bank for r in self.rules if r.bank is not None}.values():
            bank.compile_all()

    def prepare(self) -> None:
        """Build every program's rule bucket (and regex subsets) now, ~0.3 s and ~8 MiB, instead of
        at the first command of each program (benchmarks of the steady state use it)."""
        self.compile_regexes()
        for program in list(self._index.by_program):
            self._index.command(program)
        self._index.command("")  # programs without rules of their own

    @property
    def stats(self) -> dict[str, Any]:
        return {"rules": len(self.rules), "packs": self.packs, "load_ms": round(self.load_ms, 2),
                "detectors": [d.name for d in self.detectors],
                "broken_files": [{"file": f, "error": m} for f, m in self.broken_files]}

    # ---- decision ---------------------------------------------------------------------------
    def decide(self, action: Action, settings: Settings | None = None) -> Verdict:
        return policy_decide(self.evaluate(action), settings or self.settings)

    def evaluate(self, action: Action, budget: "Budget | None" = None) -> tuple[Finding, ...]:
        return self.evaluate_gathering(action, budget, gather=False)[0]

    def evaluate_gathering(self, action: Action, budget: "Budget | None" = None, gather: bool = True
                           ) -> "tuple[tuple[Finding, ...], list[tuple[str, str]], bool]":
        """evaluate(), also returning every (path as written, working directory) the walk looked at —
        the same pairs path_targets() names for those paths — and whether there were more than it
        notes. The judge looks those up on disk afterwards: when none is more than it says (no link,
        no glob match elsewhere: nearly every action), this one walk was the whole decision."""
        run = _Run(self, action, budget or Budget(), gather=gather)
        try:
            run.action()
        except OutOfBudget:
            pass
        if run.budget.exhausted:
            run.out_of_budget()
        return run.result(), list(run.t.collected or ()), run.t.overflow

    def scan(self, obs: Observation, budget: "Budget | None" = None) -> tuple[Finding, ...]:
        """Text the agent read → the findings of the `on: text` rules (prompt injection and the like).

        Costs one work unit per 4 KiB on top of the check itself, so a huge output meets the same
        deterministic bound as a huge command; normalisation (adr.engine.textnorm) is linear."""
        bucket = self._index.by_on.get("text")
        if not bucket or not obs.text:
            return ()
        # the run's action only names what was read (evidence when the budget runs out)
        stand_in = Action(ActionKind.FILE_READ, obs.context, path=obs.origin or obs.source)
        run = _Run(self, stand_in, budget or Budget())
        try:
            run.budget.charge(1 + len(obs.text) // 4096)
            subject = TextSubject(textnorm.view(obs.text), obs.source, obs.context.tool, obs.origin)
            run.check(bucket, subject, note=f"in {obs.source} text")
        except OutOfBudget:
            pass
        if run.budget.exhausted:
            run.out_of_budget()
        return run.result()

    def path_targets(self, action: Action) -> list[tuple[str, str]]:
        """Every (path as written, working directory) the rules would look at in this action — what
        the judge's resolver looks up on disk before evaluate() (adr/daemon/resolve.py). Pure."""
        run = _Run(self, action, Budget(), collect=True)  # the default work bound: a huge line stops early
        try:
            run.action()
        except (CollectFull, OutOfBudget):
            pass
        return list(run.t.collected or ())


def parse_line(text: str, budget: "Budget") -> ParsedShell:
    """parse_shell under `budget`, through the shell layer's memory of recent full parses (shared by
    every thread: the judge looks at a line's targets, then evaluates it, the cross-call walk follows
    it, the daemon's components look at it; a ParsedShell is immutable). A remembered parse is charged
    the units it cost, and only when the budget can pay them all — otherwise the line is parsed again
    under this budget — so a verdict never depends on whether the parse was remembered. Only a parse
    no budget cut short is remembered."""
    got = recent_parse(text)
    if got is not None:
        parsed, units = got
        if budget.spent + units <= budget.units and (budget.deadline is None or budget.clock() <= budget.deadline):
            budget.spend(units)
            return parsed
    spent = [0]

    def charge(n: int) -> bool:
        spent[0] += n
        return budget.spend(n)

    parsed = parse_shell(text, charge)
    if not budget.exhausted:
        remember_parse(text, parsed, spent[0])
    return parsed


# git subcommands that can make a later `git push` on the same line push another branch or repository
_GIT_MOVES = frozenset({"checkout", "switch", "worktree", "symbolic-ref", "update-ref", "rebase", "branch",
                        "init", "clone", "remote", "config", "pull", "stash"})
_GIT_ELSEWHERE = ("GIT_DIR=", "GIT_WORK_TREE=", "GIT_CONFIG", "GIT_NAMESPACE=", "GIT_INDEX_FILE=")
_BRANCH_NEUTRAL = frozenset({"git", "echo", "printf", "true", "sleep", "pwd"})


def _elsewhere(c: SimpleCommand) -> bool:
    """Does this command move the line's git commands to another directory or repository?"""
    if c.program in ("cd", "pushd", "popd", "source", ".", "eval", "builtin") or \
            any(e.startswith(_GIT_ELSEWHERE) for e in c.env):
        return True
    return c.program == "git" and any(a in ("-C", "--git-dir", "--work-tree", "--namespace") or
                                      a.startswith(("--git-dir=", "--work-tree=", "--namespace=", "-C"))
                                      for a in c.argv[1:])


def _same_repo(commands: "Sequence[SimpleCommand]") -> bool:
    """Do the line's git commands all use the working directory's repository? (A script's own `cd`
    stays in its process; `cd`, `source`, `eval`, `-C`, GIT_DIR= on the line itself do not.)"""
    return not any(_elsewhere(c) for c in commands)


def _stable_branch(branch: str, commands: "Sequence[SimpleCommand]") -> str:
    """The looked-up branch, if nothing on the line can change which branch or repository its git
    commands use; "" otherwise. Only git and printing commands qualify: a script, `make` or a shell
    could check out main first (and `-c` could rewrite where the push goes)."""
    for c in commands:
        if c.program not in _BRANCH_NEUTRAL or c.dynamic or _elsewhere(c):
            return ""
        if c.program == "git":
            args = c.argv[1:]
            if "-c" in args or next((a for a in args if not a.startswith("-")), "") in _GIT_MOVES:
                return ""
    return branch


class _Run:
    """One evaluation: collects findings, one per rule id (with up to three pieces of evidence)."""

    def __init__(self, engine: Engine, action: Action, budget: "Budget | None" = None,
                 collect: bool = False, gather: bool = False) -> None:
        self.e = engine
        self.a = action
        self.budget = budget or Budget()
        self.cwd = action.context.cwd or "/"
        self.home = action.context.home
        self.found: dict[str, Finding] = {}
        self.commands: list[SimpleCommand] = []
        self.parsed: ParsedShell | None = None
        self.collect = collect
        self.t = Targets(action.resolved, engine._witness, self.cwd, self.home, collect, gather)
        self.t.names = engine._names

    def result(self) -> tuple[Finding, ...]:
        return tuple(self.found.values())

    def out_of_budget(self) -> None:
        """The walk stopped before the end: what was found stands, and the rest makes it at least ask."""
        b = self.budget
        self.found[BUDGET_RULE] = Finding(
            BUDGET_RULE, "Action too costly to judge completely", Severity.HIGH, RuleAction.ASK,
            (Evidence(subject=self.a.summary(200), field="budget",
                      note=f"stopped after {b.spent} work units: {b.exhausted}"),),
            "adr stopped judging this action when it ran out of its decision budget; what it found so far "
            "stands (a deny stays a deny), the rest needs a human.", (), ("bounds",), "engine")

    def hit(self, rule: Rule, subject: Any, h: tuple[str, str, Any], note: str) -> None:
        ev = Evidence(subject=subject.evidence_subject[:500], field=h[0], span=h[2], matched=h[1], note=note)
        prev = self.found.get(rule.id)
        if prev is not None:
            if len(prev.evidence) < 3 and ev not in prev.evidence:
                self.found[rule.id] = Finding(prev.rule_id, prev.title, prev.severity, prev.action,
                                              prev.evidence + (ev,), prev.description, prev.references,
                                              prev.tags, prev.source, prev.reversible)
            return
        if len(self.found) >= MAX_FINDINGS and rule.action is RuleAction.LOG:
            return  # padding with harmless findings must never push out a deny or an ask
        self.found[rule.id] = Finding(rule.id, rule.title, rule.severity, rule.action, (ev,), rule.description,
                                      rule.references, rule.tags, "rules", rule.reversible)

    def check(self, bucket: Bucket, subject: Any, note: str = "") -> None:
        if self.collect:  # path_targets(): only let the subject name its paths
            for attr in ("paths", "write_targets", "read_sources", "removes"):
                getattr(subject, attr, None)
            return
        if not bucket:
            return
        self.budget.charge()
        d = subject.__dict__
        if d.get("_bank_scope") is not bucket.scope:  # set hits are per scope: start afresh
            d["_bank_scope"] = bucket.scope
            d.pop("_bank_hits", None)
        for r in bucket.candidates(subject):
            h = r.pred(subject)
            if h is None:
                continue
            if any(p(subject) for _, p in r.exceptions):
                continue
            self.hit(r, subject, h, note)

    # ---- per action kind ----------------------------------------------------------------------
    def action(self) -> None:
        a = self.a
        k = a.kind
        if k is ActionKind.EXEC:
            self.shell(a.command, note="")
        elif k in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT):
            kind = "write" if k is ActionKind.FILE_WRITE else "edit"
            fs = FileSubject(kind, a.path, a.content, self.cwd, self.home,
                             old_content=a.old_content or a.resolved.replaced, by=a.context.tool or kind)
            fs.git_hosts = a.resolved.git_remote_hosts  # (read only for a repository's push configuration)
            self.file(fs)
            if a.content and len(a.content) > MAX_SCAN and self.e._index.by_on.get("shell"):
                # the rules read the first MAX_SCAN characters of content: a payload padded past them
                # (a 2 MB script whose last line is a reverse shell) is not judged, so a human decides
                # — as for a command too large to parse (shell.input-too-large)
                self.check(self.e._index.by_on["shell"], ShellSubject(
                    f"{a.context.tool or kind} {a.path}: {len(a.content)} characters of content, only the first "
                    f"{MAX_SCAN} were read", ("too-large",), frozenset()), "")
        elif k is ActionKind.FILE_READ:
            self.file(FileSubject("read", a.path, None, self.cwd, self.home, by=a.context.tool or "read"))
        elif k is ActionKind.FILE_DELETE:
            self.file(FileSubject("delete", a.path, None, self.cwd, self.home, by=a.context.tool or "delete"))
        elif k is ActionKind.URL_FETCH:
            self.check(self.e._index.by_on.get("url", _EMPTY), UrlSubject(a.url, by=a.context.tool or "fetch"))
            local = _file_url_path(a.url)
            if local:
                # `file:///home/dev/.ssh/id_rsa` is a read of that file, whatever tool fetches it
                self.file(FileSubject("read", local, None, self.cwd, self.home, by=a.context.tool or "fetch"),
                          note=f"fetched as {a.url[:80]}")
        elif k is ActionKind.MCP_CALL:
            self.check(self.e._index.by_on.get("mcp", _EMPTY), McpSubject(a.mcp_server, a.mcp_tool, a.arguments))
            self.mcp_effects(a)
        self.detect()

    def mcp_effects(self, a: Action) -> None:
        """An MCP tool's arguments often carry a shell command, a file write or a URL: judge those
        with the same rules as the built-in tools."""
        note = f"via MCP {a.mcp_server}.{a.mcp_tool}"
        args = _mcp_arguments(a.arguments)
        for cmd in command_lines(a.mcp_server, a.mcp_tool, args):
            self.shell(cmd, note=note)
        for kind, path, content in _mcp_files(a.mcp_tool, args):
            tree = kind == "delete-tree"
            self.file(FileSubject("delete" if tree else kind, path, content, self.cwd, self.home, by="mcp",
                                  recursive=tree), note=note)
        url = next((v for key in ("url", "uri", "href") if isinstance(v := args.get(key), str)), "")
        if url.startswith(("http://", "https://", "ftp://")):
            self.check(self.e._index.by_on.get("url", _EMPTY), UrlSubject(url, by="mcp"), note)

    def detect(self) -> None:
        if not self.e.detectors or self.collect:
            return
        view = ActionView(self.a, tuple(self.commands), self.parsed)
        for d in self.e.detectors:
            for f in d.detect(view):
                if f.rule_id not in self.found and (len(self.found) < MAX_FINDINGS or f.action is not RuleAction.LOG):
                    self.found[f.rule_id] = f

    def shell(self, text: str, note: str, depth: int = 0) -> None:
        self.budget.charge(1 + len(text) // 65536)
        parsed = parse_line(text, self.budget)
        if self.budget.exhausted:
            self.budget.grace()  # judge what the walk reached
        if depth == 0 and self.parsed is None:
            self.parsed = parsed
        idx = self.e._index
        t = self.t
        t.note_commands(parsed.commands, parsed.assigned)
        targets = None if t.plain and self.e._witness is None else t
        facts = self.a.resolved
        branch, hosts = "", None
        if depth == 0 and (facts.git_branch or facts.git_remote_hosts is not None):
            # (only lines the judge looked a repository up for: most lines skip this walk)
            cmds = parsed.commands
            if cmds and cmds[0].program == "cd" and leading_cd(text) is not None:
                cmds = cmds[1:]  # `cd DIR && git …`: the judge looked the repository up in DIR
            branch = _stable_branch(facts.git_branch, cmds) if facts.git_branch else ""
            hosts = facts.git_remote_hosts if facts.git_remote_hosts is not None and _same_repo(cmds) else None
        local_dbs: "frozenset[int]" = frozenset()
        if depth == 0 and facts.databases:
            keys = {k for k, _ in facts.databases}
            local_dbs = frozenset(dc.index for dc in db_commands(parsed.commands, self.cwd, self.home, leading_cd(text))
                                  if dc.key in keys)
        venv_runs_ = venv_runs(parsed.commands, [w.path for w in parsed.writes], t.aliases, self.cwd, self.home, text) \
            if any(c.program_path for c in parsed.commands) else frozenset()
        for i, c in enumerate(parsed.commands):
            self.commands.append(c)
            subj = CommandSubject(c, self.cwd, self.home, note, targets)
            subj.local_database = i in local_dbs
            subj.venv_program = i in venv_runs_
            if c.program == "git":
                subj.git_branch, subj.git_hosts = branch, hosts
                if depth == 0 and facts.git_gc_expiry:
                    subj.git_gc_expiry = facts.git_gc_expiry  # (the repository the judge read: see gitstate)
            if c.program in TOKEN_PRINTERS and c.downstream or c.program in SECRET_CLIENTS and (
                    c.upstream or c.piped or "<<" in c.raw):
                subj.line = parsed.commands  # (a token printer's sinks; what is printed into a client)
            n = _note(note, c.via)
            self.check(idx.command(c.program), subj, n)
            if c.program_path and depth < 2:
                self.program_alias(c, note, depth)
        # `cd A && … && cd B && echo x > f`: each write in the folder its statement runs in, not in all
        # (deletes keep every folder: another user's home entered by a cd is judged apart — targets.py)
        placed = placed_targets(text, {w.path for w in parsed.writes}, {x.path for x in parsed.deletes}, self.cwd,
                                self.home, parse_shell) if depth == 0 and t.cwds and (parsed.writes or parsed.deletes) else {}
        for w in parsed.writes:
            fs = FileSubject(w.kind, placed.get(w.path, w.path), w.content, self.cwd, self.home, by=w.by, via=w.via,
                             append=w.append)
            if depth == 0:
                fs.git_hosts = facts.git_remote_hosts  # `>> .git/config`: where the repository pushed so far
            self.file(fs, note=_note(note, w.via), depth=depth)
        moving = {(x.path, x.to) for x in parsed.deletes if x.to}
        moves_at = move_folders(text, moving, self.cwd, self.home, parse_shell) \
            if depth == 0 and (t.cwds or t.cd_computed) and moving \
            else {}
        deleted: "list[tuple[FileDelete, FileSubject]]" = []
        for x in parsed.deletes:
            via = x.via
            path = x.path
            if x.to:
                # a move: as a delete only when it takes the file out of the project (or to a temp/trash folder)
                # (a destination in a variable the line leaves unset — `$TMPDIR/x`, `$DEST` — may be anywhere)
                away = self._move_away(x.path, x.to, moves_at.get((x.path, x.to)),
                                       bool(t.cwds or t.cd_computed or placed.get(x.path, x.path) != x.path))
                if away is None:
                    continue
                path = away
                via = (via + "; " if via else "") + f"{x.by} to {x.to}, out of the project"
            deleted.append((x, FileSubject("delete", path, None, self.cwd, self.home,
                                           by=x.by, via=via, recursive=x.recursive, spares=x.spares)))
        _mark_moved_together(deleted, self.cwd, self.home, facts.temp_project)
        for x, fs in deleted:
            self.file(fs, note=_note(note, fs.via), scope=x.scope)
        for s in parsed.scripts:
            self.check(idx.by_on.get("script", _EMPTY),
                       ScriptSubject(s.language, s.code, s.via, self.cwd, self.home, targets, s.stdin_paths),
                       _note(note, s.via))
        for u in parsed.urls:
            self.check(idx.by_on.get("url", _EMPTY), UrlSubject(u, by="shell"), note)
        if idx.by_on.get("shell"):
            progs = frozenset(c.program for c in parsed.commands)
            # the whole line plus every nested layer (bash -c, eval, decoded base64 …)
            source = "\n".join((parsed.source,) + parsed.layers) if parsed.layers else parsed.source
            self.check(idx.by_on["shell"], ShellSubject(source, tuple(i.kind for i in parsed.issues), progs), note)

    def _move_away(self, src: str, to: str, folder: "tuple[str, ...] | None", moved_dir: bool) -> "str | None":
        """The source of `mv src to` (as the file rules should see it) when the move takes it out of the
        project, else None. `folder`: the folders its statement may run in (("?",): computed);
        `moved_dir`: the line
        enters other folders (`cd`), so a relative destination is read in each folder it may run in —
        for a source named absolutely (`cd /tmp; mv ~/project/.git .`); a relative source after a cd
        that is not placed stays wherever that folder is (`cd D && mv ./* ../x`)."""
        fixed = to.startswith(("/", "~", "$"))
        if _UNSET_PLACE.match(to):
            return src
        if not fixed and src.startswith(("/", "~")) and (
                folder == ("?",) or folder is None and self.t.cd_computed):
            return src  # (`cd "$(mktemp -d)" && mv ~/project/.git .`: a folder the line computes may be anywhere)
        if folder == ("?",):
            return None
        if folder is not None:
            folders = list(folder)
        elif not moved_dir or fixed:
            folders = [self.cwd]
        elif src.startswith(("/", "~")):
            folders = [self.cwd] + list(self.t.cwds)
        else:
            return None
        proj = project_root(self.cwd, self.home)  # ("" in /tmp or ~ itself: no project's files there)
        temp = self.a.resolved.temp_project  # (a repository the line works in under /tmp: `cd /tmp/r && mv …`)
        for f in folders:
            where = normalize(src, f, self.home)
            p = temp if temp and where.startswith(temp.rstrip("/") + "/") else proj
            if moved_away(where, normalize(to, f, self.home), p, self.home):
                return src if f == self.cwd else where
        return None

    def program_alias(self, c: SimpleCommand, note: str, depth: int) -> None:
        """`./del -rf ~` where ./del links to (or is a copy of) rm, made in an earlier call: judge the
        command as the program it really is (the resolver looked the path up: Action.resolved)."""
        t = self.t
        if t.collected is not None:
            t.collect_program(c.program_path)
            return
        if not t.aliases or c.program in self.e._index.by_program:
            return  # (a program with rules of its own, /usr/bin/python3 → python3.11, is judged as written)
        for real in t.program_aliases(c.program_path):
            name = posixpath.basename(real)
            if name and name != c.program and name != posixpath.basename(c.program_path):
                line = " ".join(shlex.quote(a) for a in (name,) + tuple(c.argv[1:]))
                self.shell(line, note=_note(note, f"{c.program_path} is {real}"), depth=depth + 1)
                return

    def file(self, fs: FileSubject, note: str = "", depth: int = 0, forms: bool = True,
             scope: "FindScope | None" = None) -> None:
        """`scope`: a find's exclusions — what the on-disk expansion found that they leave alone is no
        other name of what is deleted."""
        self.check(self.e._index.by_on.get("file", _EMPTY), fs, note)
        if forms:
            # the same file by its other names (a symlinked parent, a glob, a cd earlier in the line …)
            others = self.t.forms(fs.raw_path, fs.path, spares=fs.spares)
            if fs.own_path != fs.path:  # another user's home: also as self-defense spells it
                others += self.t.forms(fs.raw_path, fs.own_path, spares=fs.spares, own=True)
            if scope is not None:
                others = tuple(o for o in others if not self._spared(o, scope))
            for other in dict.fromkeys(others):
                alias = FileSubject(fs.kind, other, fs.content if fs.content_known else None, self.cwd, self.home,
                                    old_content=fs.old_content, by=fs.by, via=fs.via, append=fs.append,
                                    recursive=fs.recursive)
                self.file(alias, note=_note(note, f"{fs.raw_path} resolves to {other}"), depth=depth, forms=False)
        if fs.kind not in ("write", "edit") or not fs.content or depth > 1:
            return
        # a file that runs later: what is written into it is judged as what will run
        later = self.e._executes_later is not None and self.e._executes_later.search(fs.path)
        if later:
            self.shell(fs.content, note=f"written to {fs.path}", depth=depth + 1)
        for line in startup_lines(fs.path, fs.content, self.home):
            # an editor's or debugger's startup file: what it makes the tool run at its next start
            self.shell(line, note=f"written to {fs.path}, run when its tool starts", depth=depth + 1)
        base = posixpath.basename(fs.path)
        if base == "package.json":
            scripts = lifecycle_scripts(fs.content)
            if fs.kind == "edit" and not scripts:
                scripts = fragment_lifecycle_scripts(fs.content, fs.old_content or "")
            for name, script in scripts:
                self.shell(script, note=f"package.json {name} script", depth=depth + 1)
        for where, cmd in embedded_commands(fs.path, fs.content):
            # a devcontainer's postCreateCommand, a VS Code task, a pre-commit entry, tox commands …
            if runs_in_container(fs.path, where):
                # (in the container, not on the host: what has no honest use is denied, an installer asked)
                self.written_script("shell", cmd, f"{fs.path} {where}", note, depth,
                                    runs_download=CONTAINER_DOWNLOAD_RULE)
                continue
            self.shell(cmd, note=f"{base} {where}", depth=depth + 1)
        strict = {f"{name} script" for name in _LIFECYCLE} if base == "package.json" else ()
        found = build_commands(fs.path, fs.content, fragment=fs.kind == "edit")
        on_host = BUILD_DOWNLOAD_RULE if found and runs_on_host(fs.path) else ""
        for where, cmd in found:
            # a Makefile recipe, a test/start script, a Gradle commandLine: run when someone builds
            if where not in strict:  # (install-time scripts were judged above, strictly)
                self.written_script("shell", cmd, f"{fs.path} {where}", note, depth, runs_download=on_host)
        if is_notebook(fs.path):
            self.notebook(fs, note, depth)
            if fs.kind == "edit" and (cell := notebook_fragment(fs.content)):  # an Edit's JSON text: its cells
                self.notebook(FileSubject(fs.kind, fs.path, cell, self.cwd, self.home, by=fs.by), note, depth)
        elif lang := SCRIPT_EXT.get(posixpath.splitext(base)[1]) or named_language(base) or _shebang_language(fs.content):
            # (interpreter code that runs what it downloads — `os.system(urlopen(U).read())`, a spawn list spread
            # over lines — is reported when written, as the code-spawns rule reports its one-line spelling;
            # a shell script's installer line waits until it runs)
            self.written_script(lang, fs.content, fs.path, note, depth, later=bool(later),
                                runs_download=SPAWN_DOWNLOAD_RULE if lang != "shell" else "")
        elif lang := SOURCE_EXT.get(posixpath.splitext(base)[1]) or OTHER_SOURCE_EXT.get(posixpath.splitext(base)[1]):
            # a compiled language's source: what it spawns runs when the program does — judged like a
            # script written for later; a cargo build script runs at every `cargo build`, unasked, so what
            # it spawns is judged as strictly as an install script's; one that pipes a download into a
            # shell is reported when written, as the interpreters' spawns are (the code-spawns rule)
            self.written_script(lang, fs.content, fs.path, note, depth, runs_download=SPAWN_DOWNLOAD_RULE)
            if base == "build.rs":
                for line in build_script_commands(lang, fs.content):
                    self.shell(line, note=f"{fs.path}: cargo runs it at every build", depth=depth + 1)

    def _spared(self, path: str, scope: FindScope) -> bool:
        """Does the find leave this concrete path alone, from whichever folder of the line it runs in?"""
        if has_glob(path):
            return False  # (a pattern stands for more than the exclusions were tried on)
        seen = False
        for cwd in dict.fromkeys([self.cwd, *self.t.cwds]):
            start = normalize(scope.start, cwd, self.home)
            if path != start and not path.startswith(start.rstrip("/") + "/"):
                continue
            seen = True
            if not scope.spared(path[len(start):].lstrip("/")):
                return False
        return seen

    def notebook(self, fs: FileSubject, note: str, depth: int) -> None:
        """A notebook's cells run later, like a script: each judged in the language it runs as."""
        for part in notebook_code(fs.path, fs.content):
            where = f"{fs.path} {part.where}"
            if part.writes:  # %%writefile
                self.file(FileSubject("write", part.writes, part.code, self.cwd, self.home, by=fs.by,
                                      append=part.append), note=f"written by {where}", depth=depth + 1)
                continue
            if part.language == "shell":  # the file rules read it as the shell script it is
                self.check(self.e._index.by_on.get("file", _EMPTY),
                           FileSubject(fs.kind, fs.path, "#!/bin/sh\n" + part.code, self.cwd, self.home, by=fs.by),
                           note or f"written to {where}")
            self.written_script(part.language, part.code, where, note, depth)

    def written_script(self, lang: str, code: str, where: str, note: str, depth: int, later: bool = False,
                       runs_download: str = "") -> None:
        """Code written to a file (`where`) that runs later, judged as that language. `runs_download`:
        a rule id reported (at that rule's action) when the code runs what it downloads — any spelling
        the shell rules deny (`curl … | sh`, `bash <(wget …)`, `python -c "$(curl …)"`, fetch then run)
        — although the rest of what it would do is left to when it runs (a build file's recipe, which
        runs later as the user or in CI, not through the agent)."""
        folded = code[:MAX_WRITTEN_SCRIPT]
        runs = False
        if lang != "shell":
            from adr.shell.fold import fold, fold_home
            from adr.shell.interpreters import can_run_commands, spawned_commands, unwrap_run_args
            # (`eval(x || atob(P))`: each operand a run call may be handed, read as a call of its own)
            self.check(self.e._index.by_on.get("script", _EMPTY),
                       ScriptSubject(lang, unwrap_run_args(lang, code), f"written to {where}", self.cwd, self.home,
                                     self.t),
                       note or f"written to {where}")
            # and the text its constants make (`$u = 'i' + 'rm …'; iex $u`), as a one-liner's is read — when
            # the code can run anything at all (most code runs no command: folding is most of its cost)
            runs = can_run_commands(code, lang)
            if runs or lang == "powershell":
                folded = fold(lang, code[:MAX_WRITTEN_SCRIPT])
            else:
                folded = fold_home(lang, folded)  # (the home spelled "~": a walk of the whole home reads as one)
            if folded != code[:MAX_WRITTEN_SCRIPT]:
                self.check(self.e._index.by_on.get("script", _EMPTY),
                           ScriptSubject(lang, folded, f"written to {where}, constants folded", self.cwd, self.home,
                                         self.t),
                           note or f"written to {where}")
        if not later and len(code) <= MAX_WRITTEN_SCRIPT:
            # a script written now runs later — by the agent (judged again then), CI or a person. What
            # has no honest use in a script (a reverse shell, secrets or the environment sent away) is
            # denied now; the rest — an installer's `curl | sh`, a deploy's force-push — is judged
            # when the script runs (quiet writes, strict execution)
            if lang == "shell":
                lines = [code]
            else:
                lines = spawned_commands(lang, folded)[:16] if runs else []
            before = set(self.found)
            for line in lines:
                self.shell(line, note=f"written to {where}", depth=depth + 1)
            new = [r for r in self.found if r not in before]
            fetched = [self.found[r] for r in new if self.found[r].action is RuleAction.DENY
                       and _RUNS_DOWNLOAD & set(self.found[r].tags)]
            for rid in [r for r in new if self.found[r].action is not RuleAction.DENY
                        or not _NO_HONEST_USE & set(self.found[r].tags)]:
                del self.found[rid]
            pos = self.e._index.order.get(runs_download) if runs_download and fetched else None
            if pos is not None:
                rule = self.e.rules[pos]
                for f in fetched:
                    for ev in f.evidence[:1]:
                        self.hit(rule, _Evidenced(ev.subject), (ev.field, ev.matched, ev.span),
                                 _note(ev.note or f"written to {where}", f.rule_id))


@dataclass(frozen=True)
class _Evidenced:
    """A subject already judged, re-reported under another rule (its evidence as it was)."""
    evidence_subject: str


def _file_url_path(url: str) -> str:
    """The local path a `file:` URL names ("" for any other URL)."""
    if not url[:5].lower() == "file:":
        return ""
    from urllib.parse import unquote, urlsplit
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.netloc not in ("", "localhost"):
        return ""
    return unquote(parts.path) or ""


def _shebang_language(content: str) -> str | None:
    """`#!/usr/bin/env python3` → python: code files without an extension are still code."""
    if not content.startswith("#!"):
        return None
    first = content[2:200].split("\n", 1)[0].strip().split()
    if not first:
        return None
    prog = first[-1] if first[0].endswith("/env") and len(first) > 1 else first[0]
    name = prog.rsplit("/", 1)[-1]
    if name in SHELLS:
        return "shell"
    from adr.shell.interpreters import language_of
    return language_of(name)



def _mark_moved_together(deleted: "list[tuple[FileDelete, FileSubject]]", cwd: str, home: str,
                         temp_project: str = "") -> None:
    """`mv src tests /tmp/`: two or more of the project's own files or folders that one move takes out
    of the project — the project taken apart, as `mv * /tmp/` is (FileSubject.moved_together).
    `temp_project`: the git work tree the session works in under a temporary folder (Resolved): its
    files are the project's, not scratch (FileSubject.in_temp_project)."""
    roots = tuple(r.rstrip("/") + "/" for r in (project_root(cwd, home), temp_project) if r)
    if not roots or sum(1 for x, _ in deleted if x.to) < 2:
        return
    groups: "dict[tuple[str, str, str], list[FileSubject]]" = {}
    for x, fs in deleted:
        if x.to and fs.path.startswith(roots):
            groups.setdefault((x.by, x.via, x.to), []).append(fs)
    for same in groups.values():
        if len(same) >= 2:
            for fs in same:
                fs.moved_together = True
                fs.in_temp_project = bool(temp_project) and fs.path.startswith(temp_project.rstrip("/") + "/")


_UNSET_PLACE = lazyre.compile(r"\$(?:\{?[A-Za-z_]|\(mktemp\b)")  # `$TMPDIR/x`, `${DEST}`, `$(mktemp -d)`


def _note(note: str, via: str) -> str:
    if note and via:
        return f"{note}, via {via}"
    return note or (f"via {via}" if via else "")


def lifecycle_scripts(content: str) -> list[tuple[str, str]]:
    from adr.shell.runs import package_json_scripts
    return [(k, v) for k, v in (package_json_scripts(content) or {}).items() if k in _LIFECYCLE]


_JSON_ENTRY = re.compile(r'"(' + "|".join(_LIFECYCLE) + r')"\s*:\s*("(?:[^"\\\n]|\\.)*")')


def fragment_lifecycle_scripts(new: str, old: str) -> list[tuple[str, str]]:
    """The install-time scripts an Edit's new text brings into a package.json — an entry
    `"postinstall": "…"` that the replaced text did not hold as it is. An Edit sends a fragment, not
    JSON; each entry's value is a JSON string, read as such (its escapes are the text npm runs)."""
    before = {(m.group(1), m.group(2)) for m in _JSON_ENTRY.finditer(old[:MAX_SCAN])}
    out: list[tuple[str, str]] = []
    for m in _JSON_ENTRY.finditer(new[:MAX_SCAN]):
        if (m.group(1), m.group(2)) in before or len(out) >= 16:
            continue
        try:
            value = json.loads(m.group(2))
        except ValueError:
            continue
        if isinstance(value, str) and value.strip():
            out.append((m.group(1), value))
    return out


def edited_text(current: str, old: str, new: str) -> "str | None":
    """The file an Edit leaves: `old` replaced by `new` once, as the agent hosts' edit tools do
    (None when `old` is not in the file: the edit would fail)."""
    if not old or old not in current:
        return None
    return current.replace(old, new, 1)


def _mcp_arguments(arguments: str) -> dict[str, Any]:
    try:
        data = json.loads(arguments) if arguments else {}
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


_MCP_PATH_KEYS = ("path", "file_path", "filePath", "filename", "file", "target", "target_path", "targetPath",
                  "directory", "dir", "filepath", "fileName", "file_name", "location", "folder")
_MCP_CONTENT_KEYS = ("content", "contents", "text", "new_string", "newText", "new_text", "data")
_MCP_MOVES = (("source", "destination"), ("src", "dest"), ("source_path", "destination_path"), ("from", "to"),
              ("old_path", "new_path"), ("sourcePath", "destinationPath"))
_MCP_TREE_WORDS = frozenset({"directory", "dir", "folder", "tree", "recursive", "recursively", "all"})
_MCP_DELETE_VERBS = frozenset({"delete", "remove", "unlink", "rmdir", "rm", "trash", "erase", "wipe", "purge"})
_MCP_CHANGE_VERBS = frozenset({"write", "edit", "create", "update", "append", "replace", "patch", "save", "put", "set",
                               "modify", "insert", "apply", "chmod", "truncate", "upload", "move", "rename", "mkdir"})


def _b64_text(value: str) -> str:
    """base64 content as text (what the file will hold), bounded; undecodable: as given."""
    import base64
    import binascii
    try:
        return base64.b64decode(value[:4 * 1024 * 1024], validate=False).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


def _mcp_files(tool: str, args: dict[str, Any]) -> "list[tuple[str, str, str | None]]":
    """(kind, path, content) of the files an MCP tool call names. The tool's verb says what it does
    to a path when no content is given (`edit_file` with `edits`, `delete_file`, `move_file` …): a
    change whose new text is unknown is an edit, so the path rules still see it."""
    t = tool.lower()
    words = set(re.findall(r"[a-z]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", tool).lower()))  # editFile → edit, file
    out: list[tuple[str, str, str | None]] = []
    for _ in range(3):  # {params: {…}}, {input: {…}}: the arguments one level down
        if len(args) == 1 and isinstance(inner := next(iter(args.values())), dict):
            args = inner
    content = next((v for key in _MCP_CONTENT_KEYS if isinstance(v := args.get(key), str)), None)
    if content is not None and str(args.get("encoding", "")).lower() == "base64":
        content = _b64_text(content)  # create_or_update_file with base64 content
    edits = args.get("edits")
    if content is None and isinstance(edits, list):
        parts = [e.get(k) for e in edits[:64] if isinstance(e, dict) for k in ("newText", "new_text", "new_string")]
        content = "\n".join(p for p in parts if isinstance(p, str)) or None
    deletes = not words.isdisjoint(_MCP_DELETE_VERBS)
    changes = not words.isdisjoint(_MCP_CHANGE_VERBS)
    for src_key, dst_key in _MCP_MOVES:
        src, dst = args.get(src_key), args.get(dst_key)
        if isinstance(src, str) and isinstance(dst, str) and src and dst:
            # a move takes the source away (a copy only reads it) and writes the destination
            out.append(("read" if "copy" in t else "delete", src, None))
            out.append(("edit", dst, None))
            return out
    batch = next((v for key in ("files", "tree", "actions", "changes", "entries") if (v := args.get(key))), None)
    if isinstance(batch, str) and batch.lstrip()[:1] in ("[", "{"):
        batch = _mcp_arguments('{"x": ' + batch + "}").get("x")  # the list sent as JSON text
    if isinstance(batch, list):  # push_files [{path, content}], create_tree, GitLab create_commit actions
        for item in batch[:64]:
            if isinstance(item, dict) and isinstance(item.get("file"), dict):
                item = item["file"]
            if isinstance(item, dict):
                p = next((v for key in _MCP_PATH_KEYS + ("name",) if isinstance(v := item.get(key), str) and v), None)
                c = next((v for key in _MCP_CONTENT_KEYS + ("body",) if isinstance(v := item.get(key), str)), None)
                if c is not None and str(item.get("encoding", "")).lower() == "base64":
                    c = _b64_text(c)
                gone = deletes or str(item.get("action", "")).lower() == "delete"
                if p:
                    out.append(("delete", p, None) if gone else ("write", p, c) if c is not None else ("edit", p, None))
    elif isinstance(batch, dict):  # create_gist: {name: {content}}
        for name, item in list(batch.items())[:64]:
            c = item.get("content") if isinstance(item, dict) else item if isinstance(item, str) else None
            if isinstance(name, str) and name and isinstance(c, str):
                out.append(("write", name, c))
    paths = [v for key in _MCP_PATH_KEYS if isinstance(v := args.get(key), str) and v]
    many = args.get("paths")
    if isinstance(many, list):
        paths += [p for p in many[:64] if isinstance(p, str) and p]
    for path in paths[:64]:
        if content is not None and not deletes:
            out.append(("edit" if args.get("edits") is not None else "write", path, content))
        elif deletes:
            # a folder, or a delete told to recurse, takes the tree (`delete_directory`, `{recursive: true}`);
            # so does one that does not say: what a server's `delete {path}` does to a folder is its own
            # affair (`fs.rm {path: ~}` may well empty the home) — only an explicit `recursive: false` is not
            flag = args.get("recursive", args.get("recurse"))
            tree = flag is not False and str(flag).lower() not in ("false", "0", "no") or bool(args.get("force")) \
                or not words.isdisjoint(_MCP_TREE_WORDS)
            out.append(("delete-tree" if tree else "delete", path, None))
        elif changes:
            out.append(("edit", path, None))
        else:
            out.append(("read", path, None))
    return out


SHIPPED_INDEX = "PACKS"  # in the shipped rules folder: every pack it must hold (+ its sha256 in a build)


class MissingRules(RuleLoadError):
    """The shipped packs are missing, incomplete, altered or unreadable, or nothing loaded at all.
    Never silently empty: every front end turns this into an error or the fail mode, with this text."""

    def __init__(self, message: str) -> None:
        super().__init__([RuleError("shipped rules", message)])


def shipped_rule_files(rules_dir: Path | None = None) -> list[Path]:
    """The shipped packs for this platform, checked against the folder's PACKS index: a pack that
    is missing, or (in a built package, where PACKS carries sha256 sums) altered, is an error."""
    import hashlib

    from adr.engine.rules import current_platform
    from adr.paths import MissingShippedData, builtin_rules_dir
    try:
        d = rules_dir or builtin_rules_dir()
        index = (d / SHIPPED_INDEX).read_text(encoding="utf-8")
    except MissingShippedData as e:
        raise MissingRules(str(e)) from None
    except OSError as e:
        raise MissingRules(f"cannot read the shipped rules index {SHIPPED_INDEX} ({e.strerror or e}): "
                           "reinstall adr") from None
    plat = current_platform()
    out: list[Path] = []
    for line in index.splitlines():
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        digest, name = (words[0], words[1]) if len(words) == 2 else ("", words[0])
        parts = name.split(".")
        if len(parts) >= 3 and parts[-2] in ("windows", "macos", "linux") and parts[-2] != plat:
            continue
        p = d / name
        try:
            raw = p.read_bytes() if digest else None
            if raw is None and not p.is_file():
                raise FileNotFoundError(name)
        except OSError as e:
            raise MissingRules(f"shipped pack {p} is missing or unreadable ({e.strerror or e}): reinstall adr") from None
        if digest and hashlib.sha256(raw).hexdigest() != digest:
            raise MissingRules(f"shipped pack {p} was changed after adr was installed (its sha256 differs from "
                               "the build's): reinstall adr")
        out.append(p)
    if not out:
        raise MissingRules(f"the shipped rules index {d / SHIPPED_INDEX} names no pack: reinstall adr")
    return out


def _yaml_files(d: Path) -> list[Path]:
    from adr.engine.rules import current_platform
    plat = current_platform()
    out: list[Path] = []
    if d.is_dir():
        for p in sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")):
            # platform-only packs are named *.windows.yaml / *.macos.yaml and load only there
            parts = p.name.split(".")
            if len(parts) >= 3 and parts[-2] in ("windows", "macos", "linux") and parts[-2] != plat:
                continue
            out.append(p)
    return out


def user_rule_files(settings: Settings, paths: Any = None) -> list[Path]:
    """The user's rules dir, then extra dirs from settings."""
    from adr.paths import get_paths
    paths = paths or get_paths()
    out: list[Path] = []
    for d in [paths.user_rules_dir] + [Path(x).expanduser() for x in settings.extra_rule_dirs]:
        out += _yaml_files(d)
    return out


def org_rule_files(settings: Settings) -> list[Path]:
    """The organisation's signed packs, verified and unpacked when the settings loaded (adr/policy/layers.py)."""
    return [Path(p) for p in settings.org.rule_files] if settings.org is not None else []


def rule_paths(settings: Settings, paths: Any = None) -> list[Path]:
    """Built-in packs (checked against their index), the organisation's, the user's rules dir, extra dirs."""
    return shipped_rule_files() + org_rule_files(settings) + user_rule_files(settings, paths)


MAX_BROKEN_RETRIES = 64


def load_engine(settings: Settings | None = None, rule_files: Sequence[Path] | None = None,
                platform: str | None = None, detectors: Sequence[Detector] | None = None,
                paths: Any = None) -> Engine:
    """Load every pack and the default detectors. Raises RuleLoadError naming file, rule, field.

    With the default files (no `rule_files`), a broken *user* file does not stop adr: it is left
    out, named in `engine.broken_files`, and every other pack loads. A problem in a shipped pack,
    a missing shipped pack, or a load that ends with no rule at all is an error (MissingRules).

    The cyclic GC is paused meanwhile: loading makes ~10^5 objects that all live on, and the
    collections their count triggers (two full scans among them) found nothing yet cost ~0.1 s of
    every process that loads the rules (the hook's fallback, `adr check`)."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_engine(settings, rule_files, platform, detectors, paths)
    finally:
        if paused:
            gc.enable()


def _load_engine(settings: Settings | None, rule_files: Sequence[Path] | None, platform: str | None,
                 detectors: Sequence[Detector] | None, paths: Any) -> Engine:
    import time
    settings = settings or Settings()
    t0 = time.perf_counter()
    if paths is None:
        from adr.paths import get_paths
        paths = get_paths()
    broken: list[tuple[str, str]] = []
    given, cache_key = installation_facts(settings, paths)
    load = functools.partial(load_packs, platform=platform, cache_dir=paths.cache_dir / "rules", given_lists=given,
                             cache_key=cache_key)
    if rule_files is not None:
        files = list(rule_files)
        rules, packs, lists = load(files)
    else:
        shipped = shipped_rule_files()
        user = org_rule_files(settings) + user_rule_files(settings, paths)  # org first: it wins a clash
        shipped_names = {str(p) for p in shipped}
        for _ in range(MAX_BROKEN_RETRIES):
            files = shipped + user
            try:
                rules, packs, lists = load(files)
                break
            except RuleLoadError as e:
                bad = {err.file for err in e.errors}
                if bad & shipped_names or not bad & {str(p) for p in user}:
                    raise  # adr's own packs (or something no user file explains): never load without them
                for err in e.errors:
                    if err.file in bad:
                        broken.append((err.file, str(err)))
                user = [p for p in user if str(p) not in bad]
        else:  # pragma: no cover — each retry drops at least one file
            raise MissingRules("too many broken rule files")
    if not rules:
        raise MissingRules("no rule loaded (" + ", ".join(str(f) for f in files[:5]) + "): adr would allow "
                           "everything; reinstall adr or fix the rules folders")
    if detectors is None:
        detectors = default_detectors(paths)
    ms = (time.perf_counter() - t0) * 1000
    if pathnorm.CASE_FOLD:  # a case-insensitive file system: every spelling of the places the rules name
        pathnorm.learn_names(v for lst in lists.values() if isinstance(lst, (list, tuple)) for v in lst)
    engine = Engine(rules, packs, lists, detectors, settings, files, ms)
    engine.broken_files = tuple(broken)
    if engine._witness is not None:
        from adr.policy.protect import own_names, owner
        from adr.shell.effects import set_owner_later
        from adr.shell.parse import forget_recent

        # what exists in adr's places, and who owns it: a walk of them (its venv: ~6,000 entries, ~0.05 s),
        # done at the first decision that needs it (a glob target, a find -user test), once for both;
        # a daemon does it at load (Engine.compile_regexes)
        own = functools.cache(lambda: own_names(paths, settings))

        def names() -> Any:
            o = own()
            return None if o is None else (o.names, o.places, o.made)

        def owners() -> Any:
            o = own()  # unknown owners (None): a find's -user/-group test proves nothing
            return ((), ()) if o is None else owner(o.uids, o.gids)

        set_owner_later(owners)
        engine._witness.set_names_later(names)
        forget_recent()
    return engine


def installation_facts(settings: Settings, paths: Any) -> tuple[dict[str, list[str]], bytes | None]:
    """What the packs need to know about this installation, read at load (never per decision):
    the places adr must protect (policy/protect.py, spliced into the self-defense lists) and the
    key that authenticates the compiled-rules cache (policy/integrity.py; None: no cache)."""
    from adr.policy.integrity import try_subkey
    from adr.policy.protect import protected

    return protected(paths, settings).lists(), try_subkey(paths, "rule-cache")


def default_detectors(paths: Any = None) -> list[Detector]:
    """The supply-chain detector when it is available (local data only, no network)."""
    try:
        from adr.supply.detector import make_detector
    except ImportError:
        return []
    return [make_detector(paths)]

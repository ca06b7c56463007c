"""Replay: judge recorded actions again — with today's rules, or candidate ones — and say what changes.

Deterministic and offline: every action comes from its run record exactly as the engine saw it, the
judge has no reputation look-ups and no clock (the engine's work budget is a unit count, not time),
records are taken in seq order, and the output has no time of its own — the same records give the
same bytes. What is compared is what the *rules* said (the findings under the sensitivity in force),
then and now; a human's answer, a grant or a session state are not rules and are not replayed.

`export_corpus()` turns the records into the shape of the shared corpora (a Claude Code PreToolUse
input under `tool_call`, `expect` from the recorded rules' decision), so real traffic becomes a
regression set that `score.py` and `adr check --batch` read.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from adr.actions import Action, ActionKind, RuleAction, action_from_dict, finding_from_dict
from adr.config import Settings
from adr.policy.decide import effective_action
from adr.record.redact import redact
from adr.record.runs import rules_decision

EXPECT = {"deny": "block", "ask": "ask_or_block", "allow": "allow"}


@dataclass(frozen=True)
class Change:
    seq: int
    id: str
    time: str
    host: str
    session: str
    kind: str
    summary: str
    was: str
    was_rules: tuple[str, ...]
    now: str
    now_rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "time": self.time, "host": self.host, "session": self.session,
                "kind": self.kind, "action": self.summary,
                "was": {"decision": self.was, "rule_ids": list(self.was_rules)},
                "now": {"decision": self.now, "rule_ids": list(self.now_rules)}}

    def line(self) -> str:
        was = f"{self.was} [{', '.join(self.was_rules)}]" if self.was_rules else self.was
        now = f"{self.now} [{', '.join(self.now_rules)}]" if self.now_rules else self.now
        return f"seq {self.seq}  {self.time}  {self.host}:{self.session}  {self.kind}  {self.summary}\n    {was} → {now}"


@dataclass
class Summary:
    replayed: int = 0
    changed: int = 0
    skipped: int = 0
    sessions: set[tuple[str, str]] = field(default_factory=set)
    moves: Counter = field(default_factory=Counter)  # (was, now) → count
    skipped_why: Counter = field(default_factory=Counter)

    def text(self) -> str:
        moves = ", ".join(f"{a} → {b}: {n}" for (a, b), n in sorted(self.moves.items()))
        out = (f"replayed {self.replayed} decision(s) from {len(self.sessions)} session(s): {self.changed} would now "
               f"be decided differently" + (f" ({moves})" if moves else ""))
        if self.skipped:
            why = ", ".join(f"{w}: {n}" for w, n in sorted(self.skipped_why.items()))
            out += f"; {self.skipped} skipped ({why})"
        return out


def offline_judge(settings: Settings, rule_dirs: "tuple[Path, ...]" = (), paths: Any = None) -> Any:
    """A Judge that never looks anything up: the installed rules, or the shipped packs plus `rule_dirs`
    in place of the user's own rules folder and extra_rule_dirs."""
    from adr.engine import load_engine
    from adr.engine.core import shipped_rule_files, _yaml_files
    from adr.judge import Judge

    settings = replace(settings, offline=True, providers=())
    if rule_dirs:
        files = shipped_rule_files() + [f for d in rule_dirs for f in _yaml_files(Path(d))]
        engine = load_engine(settings, rule_files=files, paths=paths)
    else:
        engine = load_engine(settings, paths=paths)
    return Judge(engine, settings)


def _deciding(findings: Iterable[Any], sensitivity: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.rule_id for f in findings
                               if effective_action(f, sensitivity) is not RuleAction.LOG))


def rejudge(judge: Any, action: Action) -> tuple[str, tuple[str, ...]]:
    """(the rules' decision, the rule ids behind it) for `action`, with the deterministic work bound."""
    from adr.engine.core import Budget

    v = judge.decide(action, budget=Budget())
    sens = judge.settings.sensitivity
    return rules_decision(v, sens), _deciding(v.findings, sens)


def recorded(rec: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    findings = [finding_from_dict({**f, "evidence": []}) for f in rec.get("findings") or []]
    return str(rec.get("rules_decision", "")), _deciding(findings, str(rec.get("sensitivity", "balanced")))


def replay(records: Iterable[dict[str, Any]], judge: Any) -> tuple[list[Change], Summary]:
    changes: list[Change] = []
    s = Summary()
    for rec in sorted(records, key=lambda r: r.get("seq") or 0):
        action = _action(rec, s)
        if action is None:
            continue
        was, was_rules = recorded(rec)
        now, now_rules = rejudge(judge, action)
        s.replayed += 1
        s.sessions.add((str(rec.get("host", "")), str(rec.get("session", ""))))
        if was != now:
            s.changed += 1
            s.moves[(was, now)] += 1
            changes.append(Change(int(rec["seq"]), str(rec.get("id", "")), str(rec.get("time", "")),
                                  str(rec.get("host", "")), str(rec.get("session", "")), action.kind.value,
                                  redact(action.summary(limit=2000), 160), was, was_rules, now, now_rules))
    return changes, s


def _action(rec: dict[str, Any], s: Summary) -> "Action | None":
    if rec.get("truncated"):
        s.skipped += 1
        s.skipped_why["too large to keep"] += 1
        return None
    try:
        return action_from_dict(rec["action"])
    except (KeyError, TypeError, ValueError):
        s.skipped += 1
        s.skipped_why["unreadable"] += 1
        return None


# ---- export as a corpus -----------------------------------------------------------------------------

def tool_call(action: Action) -> "dict[str, Any] | None":
    """The Claude Code PreToolUse input that carries this action (None: no Claude Code tool does)."""
    c = action.context
    tool: str
    ti: dict[str, Any]
    if action.kind is ActionKind.EXEC:
        tool, ti = "Bash", {"command": action.command}
    elif action.kind is ActionKind.FILE_WRITE:
        tool, ti = "Write", {"file_path": action.path, "content": action.content}
    elif action.kind is ActionKind.FILE_EDIT:
        tool, ti = "Edit", {"file_path": action.path, "old_string": action.old_content, "new_string": action.content}
    elif action.kind is ActionKind.FILE_READ:
        tool, ti = "Read", {"file_path": action.path}
    elif action.kind is ActionKind.URL_FETCH:
        tool, ti = "WebFetch", {"url": action.url, "prompt": ""}
    elif action.kind is ActionKind.MCP_CALL and action.mcp_server and action.mcp_tool:
        try:
            args = json.loads(action.arguments or "{}")
        except ValueError:
            return None
        if not isinstance(args, dict):
            return None
        tool, ti = f"mcp__{action.mcp_server}__{action.mcp_tool}", args
    else:
        return None
    return {"session_id": c.session, "transcript_path": "", "cwd": c.cwd, "permission_mode": "default",
            "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": ti}


def corpus_lines(records: Iterable[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(kind, JSON line) in the corpus shape, seq order; kind "skipped:<why>" for what cannot be carried."""
    s = Summary()
    for rec in sorted(records, key=lambda r: r.get("seq") or 0):
        action = _action(rec, s)
        if action is None:
            yield "skipped:unreadable", ""
            continue
        call = tool_call(action)
        was, rules = recorded(rec)
        if call is None or was not in EXPECT:
            yield f"skipped:{action.kind.value}", ""
            continue
        line = {"id": f"adr-{rec.get('seq')}", "source": "adr run records", "kind": action.kind.value,
                "tool_call": call, "expect": EXPECT[was],
                "note": f"{rec.get('host', '')} session {rec.get('session', '')}: {was}"
                        + (f" by {', '.join(rules)}" if rules else "")}
        yield "ok", json.dumps(line, sort_keys=True, ensure_ascii=False)


def export_corpus(records: Iterable[dict[str, Any]], out_dir: Path, name: str = "adr-runs.jsonl") -> tuple[Path, int, Counter]:
    """Write the corpus file (0600); returns (path, cases written, skipped by reason)."""
    import os

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    n, skipped = 0, Counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for kind, line in corpus_lines(records):
            if kind == "ok":
                f.write(line + "\n")
                n += 1
            else:
                skipped[kind.split(":", 1)[1]] += 1
    return path, n, skipped


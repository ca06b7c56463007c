"""Check every rule against its own examples: `match` must fire the rule, `not_match` must not.

Examples run through the whole engine (parser included) with a fixed context, so they test what
the rule sees in real use, not the regex in isolation.
"""
from __future__ import annotations

from dataclasses import dataclass

from dataclasses import replace

from adr.actions import Action, ActionKind, Context, Finding, Observation, ObservationKind, resolved_from_dict
from adr.engine.core import Engine
from adr.engine.rules import Example, Rule, example_action_fields

EXAMPLE_CONTEXT = Context(host="example", agent="example", session="example", cwd="/home/dev/project",
                          home="/home/dev", tool="")


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    file: str
    expected: str  # "match" | "not_match"
    example: str
    fired: tuple[str, ...]

    def __str__(self) -> str:
        verb = "should fire on" if self.expected == "match" else "should NOT fire on"
        return f"{self.file}: rule {self.rule_id} {verb}: {self.example!r} (fired: {', '.join(self.fired) or 'nothing'})"


def example_action(ex: Example, on: str) -> Action:
    f = example_action_fields(ex, on)
    kind = ActionKind(f.pop("kind"))
    if "resolved" in f:
        f["resolved"] = resolved_from_dict(f["resolved"])
    ctx = replace(EXAMPLE_CONTEXT, tool=f.pop("tool")) if "tool" in f else EXAMPLE_CONTEXT
    if "cwd" in f:
        ctx = replace(ctx, cwd=f.pop("cwd"))
    return Action(kind=kind, context=ctx, **f)


def example_observation(ex: Example) -> Observation:
    """An `on: text` example: the text the agent read, where from (default: a fetched page)."""
    f = example_action_fields(ex, "text")
    return Observation(ObservationKind.TOOL_OUTPUT, replace(EXAMPLE_CONTEXT, tool=f["tool"]), text=f["text"],
                       source=f["source"], origin=f"example ({f['source']})")


def example_findings(engine: Engine, ex: Example, on: str) -> tuple[Finding, ...]:
    """What the whole engine finds for one example (text rules scan, the others evaluate)."""
    if on == "text":
        return engine.scan(example_observation(ex))
    return engine.evaluate(example_action(ex, on))


def check_rule(engine: Engine, rule: Rule) -> list[ExampleFailure]:
    out = []
    for expected, examples in (("match", rule.examples_match), ("not_match", rule.examples_not_match)):
        for ex in examples:
            ids = tuple(f.rule_id for f in example_findings(engine, ex, rule.on))
            fired = rule.id in ids
            if fired != (expected == "match"):
                out.append(ExampleFailure(rule.id, rule.file, expected, ex.describe(), ids))
    return out


def check_all(engine: Engine) -> list[ExampleFailure]:
    out: list[ExampleFailure] = []
    for r in engine.rules:
        out.extend(check_rule(engine, r))
    return out

"""The gate index is only an optimisation: with it, every action gets exactly the findings a
full scan of every rule gives. Checked over every example of every shipped rule."""
import functools

import pytest

from adr.engine import load_engine
from adr.engine import core
from adr.engine.examples import example_action, example_observation

ENGINE = load_engine(detectors=[])
ACTIONS = [example_action(ex, r.on) for r in ENGINE.rules if r.on != "text"
           for ex in r.examples_match + r.examples_not_match]
TEXTS = [example_observation(ex) for r in ENGINE.rules if r.on == "text"
         for ex in r.examples_match + r.examples_not_match]


@functools.cache
def _indexed() -> tuple:
    """Every example's findings through the index, computed once for the tests that compare with it."""
    return tuple(ENGINE.evaluate(a) for a in ACTIONS)


def test_index_gives_the_same_findings_as_a_full_scan(monkeypatch):
    indexed = list(_indexed())
    monkeypatch.setattr(core.Bucket, "candidates", lambda self, subject: list(self.rules))
    full = [ENGINE.evaluate(a) for a in ACTIONS]
    diffs = [(a.command or a.path or a.url, [f.rule_id for f in i], [f.rule_id for f in f_])
             for a, i, f_ in zip(ACTIONS, indexed, full) if i != f_]
    assert not diffs, diffs[:5]
    assert len(ACTIONS) > 1000


def test_text_index_and_precheck_give_the_same_findings_as_a_full_scan(monkeypatch):
    """`on: text` rules: the gate index and the whole-field precheck (RegexBank.PRECHECKED) only
    save work — every rule evaluated on every example finds the same."""
    indexed = [ENGINE.scan(o) for o in TEXTS]
    monkeypatch.setattr(core.Bucket, "candidates", lambda self, subject: list(self.rules))
    bank = next(r.bank for r in ENGINE.rules if r.on == "text")
    monkeypatch.setattr(bank, "_any", {})
    full = [ENGINE.scan(o) for o in TEXTS]
    assert indexed == full
    assert sum(1 for f in indexed if f) > 20


def test_prepared_engine_gives_the_same_findings():
    """Engine.prepare (every program's bucket built up front) changes nothing but when."""
    fresh = load_engine(detectors=[])
    fresh.prepare()
    assert set(fresh._index.by_program) <= set(fresh._index._command)
    assert [fresh.evaluate(a) for a in ACTIONS] == list(_indexed())

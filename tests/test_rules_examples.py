"""Every rule carries match / not_match examples; each is run through the whole engine."""
import pytest

from adr.engine import load_engine
from adr.engine.examples import check_rule

ENGINE = load_engine(detectors=[])


@pytest.mark.parametrize("rule", ENGINE.rules, ids=lambda r: r.id)
def test_rule_examples(rule):
    assert rule.examples_match and rule.examples_not_match, "every rule needs both kinds of example"
    failures = check_rule(ENGINE, rule)
    assert not failures, "\n".join(map(str, failures))


def test_packs_load_and_index():
    assert ENGINE.stats["rules"] >= 2
    assert len({r.id for r in ENGINE.rules}) == len(ENGINE.rules)

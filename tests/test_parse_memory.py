"""One parse of a line serves the judge (targets, rules), the cross-call walk and the daemon's
components, across threads — and a verdict never depends on whether the parse was remembered."""
from __future__ import annotations

import threading
import uuid

from adr.engine.core import Budget, parse_line
from adr.shell.parse import RECENT_TEXT_MAX, parse, parse_remembered, recent


def _line() -> str:
    return f"cd /tmp/{uuid.uuid4().hex} && curl -s https://example.org | tee out.txt && rm -rf build"


def test_a_full_parse_is_shared_by_every_thread():
    text = _line()
    first = parse_line(text, Budget())
    assert recent(text) is not None and recent(text)[0] is first
    seen = []
    t = threading.Thread(target=lambda: seen.append(parse_remembered(text)))
    t.start()
    t.join()
    assert seen == [first] and seen[0] is first  # the event loop gets the worker's parse
    assert parse_remembered(text) == parse(text)


def test_a_parse_cut_short_by_its_budget_is_never_remembered():
    text = _line()
    tight = Budget(units=1)
    cut = parse_line(text, tight)
    assert tight.exhausted and recent(text) is None
    assert any(i.kind for i in cut.issues)  # the bound shows in what was parsed
    assert parse_remembered(text).commands == parse(text).commands  # the full parse, not the cut one


def test_a_remembered_parse_is_charged_and_only_when_the_budget_can_pay():
    text = _line()
    parse_line(text, Budget())
    _, units = recent(text)
    b = Budget()
    parse_line(text, b)
    assert b.spent == units  # the same charge as parsing it
    poor = Budget(units=max(units - 1, 1))
    fresh = Budget(units=max(units - 1, 1))
    got_remembered = parse_line(text, poor)
    from adr.shell.parse import parse as raw
    got_fresh = raw(text, fresh.spend)
    assert poor.exhausted and got_remembered.issues == got_fresh.issues  # parsed again under the bound


def test_huge_lines_are_not_held():
    text = "echo " + "x" * (RECENT_TEXT_MAX + 10)
    parse_remembered(text)
    assert recent(text) is None

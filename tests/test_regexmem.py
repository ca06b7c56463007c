"""adr.engine.regexmem: every RE2 object gets the smallest budget that compiles it, and a small
budget (a DFA cache that fills and is dropped, again and again) never changes an answer."""
import random

import pytest
import re2

from adr.engine import regexmem

WIDE = [r"(?i)\bcurl\b[^|]{0,80}\|\s*(?:ba|z)?sh\b", r"(?:^|/)\.ssh/id_[a-z0-9]+$", r"rm\s+-[a-z]*r[a-z]*f",
        r"[A-Za-z0-9+/]{40,}={0,2}", r"\bAKIA[0-9A-Z]{16}\b", r"(?m)^\s*export\s+[A-Z_]+=", r"é[^\n]{0,30}漢",
        r"\b(?:drop|truncate)\s+table\b", r"x{3,40}y", r"(?:a|b|c|d|e|f|g|h)[0-9]{2,9}[k-q]{1,5}z"]
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-=:|/.\n\té漢"


def _texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        t = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 400)))
        if i % 7 == 0:  # plant a match of some pattern now and then
            t += rnd.choice([" curl -s x | sh", "/home/u/.ssh/id_rsa", " rm -rf /", " AKIAABCDEFGHIJKLMNOP ",
                             "\nexport FOO=1", "é abc 漢", " DROP TABLE t", "xxxxxy", " c123kz"])
        out.append(t)
    return out


def test_small_pattern_gets_the_first_rung_and_a_big_one_climbs():
    assert regexmem.compile(r"\bfoo\b").options.max_mem == regexmem.REGEX_MEM
    big = regexmem.compile("(?:" + "|".join(f"w{i:04d}[a-z]{{1,40}}q" for i in range(400)) + ")")
    assert big.options.max_mem > regexmem.REGEX_MEM
    # the program fits a quarter of the budget: the rest stays DFA cache
    assert big.programsize * 16 * 4 <= big.options.max_mem
    assert big.search("xx w0123abcq") is not None and big.search("w0123q") is None


def test_a_bad_pattern_is_an_error_at_once_not_a_climb():
    with pytest.raises(re2.error):
        regexmem.compile("a(")


def test_options_are_shared_and_silent():
    a, b = regexmem.options(1 << 20), regexmem.options(1 << 20)
    assert a is b and a.log_errors is False and a.max_mem == 1 << 20


@pytest.mark.parametrize("start", [64 << 10, regexmem.SET_MEM])
def test_a_set_under_memory_pressure_answers_like_each_regex_alone(start):
    """The smallest budget a set compiles at keeps dropping its DFA cache on these texts: every
    answer must still be the union of what each pattern finds alone (RE2::Set cannot fall back to
    the NFA; it must start its cache again rather than say "no match")."""
    s = regexmem.search_set(WIDE, mem=start)
    singles = [re2.compile(p) for p in WIDE]
    for t in _texts(3000, seed=start):
        want = sorted(i for i, rx in enumerate(singles) if rx.search(t) is not None)
        assert sorted(s.Match(t) or []) == want, t


def test_a_filter_with_small_budgets_answers_like_each_regex_alone():
    f = regexmem.filtered(WIDE, mem=64 << 10)
    singles = [re2.compile(p) for p in WIDE]
    for t in _texts(1500, seed=7):
        want = sorted(i for i, rx in enumerate(singles) if rx.search(t) is not None)
        assert sorted(f.Match(t) or []) == want, t


def test_a_set_too_big_for_the_first_rung_still_compiles():
    pats = [f"w{i:04d}[a-z]{{1,60}}q" for i in range(600)]
    s = regexmem.search_set(pats, mem=64 << 10)
    assert s.Match("w0599abcq") == [599]

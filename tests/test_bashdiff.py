"""The shell reader against bash itself (adr/shell/bashdiff.py), on fixed seeds: every line bash runs
the payload of is one the judge does not allow. `make fuzz` runs more seeds (bench/shell_diff.py)."""
from __future__ import annotations

import shutil

import pytest

from adr.shell import bashdiff

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def test_the_same_seed_makes_the_same_lines():
    assert list(bashdiff.cases(3, 20)) == list(bashdiff.cases(3, 20))
    assert list(bashdiff.cases(3, 20)) != list(bashdiff.cases(4, 20))


def test_bash_is_asked_what_it_runs(tmp_path):
    assert bashdiff.bash_runs_payload(f"false || echo {bashdiff.MARK}", str(tmp_path))
    assert not bashdiff.bash_runs_payload(f"# echo {bashdiff.MARK}", str(tmp_path))
    assert bashdiff.bash_runs_payload(f"\\ # x; echo {bashdiff.MARK}", str(tmp_path))  # (a word, not a comment)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_line_bash_runs_the_payload_of_is_allowed(judge_command, tmp_path, seed):
    got = bashdiff.misses(lambda cmd: judge_command(cmd).decision.value, seed, 1500, str(tmp_path))
    assert not got, "\n".join(repr(c.judged) for c in got)

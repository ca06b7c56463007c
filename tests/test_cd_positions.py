"""A write on a `cd A && … && cd B && …` line lands in the folder its statement runs in
(adr/engine/cdchain.py), not in every folder the line enters; where the order is not certain — `;`,
`||`, a cd inside a nested shell, `cd -`, `cd "$D"`, `cd -P`, eval, pushd, a variable that carries the
name from one statement to another — every folder is still judged."""
from __future__ import annotations

import pytest

from adr.actions import Decision

QUIET = [
    "cd ~ && cd {a} && echo x > .bashrc",
    "cd {a} && git init r && cd r && echo '*.log' > .gitignore && cd ~ && echo ok",
    "cd ~ && cd {a} && sed -i 's/a/b/' .bashrc 2>&1",
]
ASKS = [
    "cd {a} && cd ~ && echo x > .bashrc",
    "cd ~ && cd {a}; echo x > .bashrc",  # the cd may fail: the write then lands in ~
    "cd ~ && cd {a} || echo x > .bashrc",
    "cd {a} && bash -c 'cd ~ && echo x > .bashrc'",
    "cd {a} && cd ~ && cd - && cd ~ && echo x > .bashrc",
    "cd {a} && eval 'cd ~' && echo x > .bashrc",
    "F=.bashrc && cd {a} && echo > x && cd ~ && echo x > $F",
    "cd {a} && echo x > .bashrc && cd ~ && echo y > .bashrc",
]


@pytest.mark.parametrize("cmd", QUIET)
def test_each_write_is_judged_where_its_statement_runs(judge_at, tmp_path, cmd):
    v = judge_at(tmp_path, cmd.format(a=tmp_path / "a"))
    assert v.decision is Decision.ALLOW, (cmd, [f.rule_id for f in v.findings])


@pytest.mark.parametrize("cmd", ASKS)
def test_an_uncertain_position_keeps_every_folder(judge_at, tmp_path, cmd):
    v = judge_at(tmp_path, cmd.format(a=tmp_path / "a"))
    assert "persistence.shell-rc-write" in {f.rule_id for f in v.findings}, cmd

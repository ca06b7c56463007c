"""A program run under another name: a link made in an earlier call (`ln -s /bin/rm ./del`, then
`./del -rf ~`) or a copy (`cp /bin/rm ./x`, then `./x -rf ~`). The resolver looks the path up — the
link's target, or the system program it is a byte-for-byte copy of — and the command is judged as
that program. Real files on a real disk; the engine stays pure (Action.resolved)."""
from __future__ import annotations

import os
import shutil

import pytest

from adr.actions import Action, ActionKind, Context, Decision

RM = os.path.realpath(shutil.which("rm") or "/bin/rm")


@pytest.fixture(scope="module")
def judge(offline_judge):
    return offline_judge


@pytest.fixture
def proj(tmp_path):
    d = tmp_path / "proj"
    d.mkdir()
    return d


def _decide(judge, proj, cmd: str):
    ctx = Context(host="claude-code", session="t", cwd=str(proj), home="/home/dev", tool="Bash")
    return judge.decide(judge.resolve(Action(ActionKind.EXEC, ctx, command=cmd)))


def test_a_link_to_rm_made_earlier_is_rm(judge, proj):
    (proj / "del").symlink_to(RM)
    v = _decide(judge, proj, "./del -rf ~")
    assert v.decision is Decision.DENY and "destruct.rm-root-or-home" in v.rule_ids, v.rule_ids
    assert _decide(judge, proj, "./del notes.txt").decision is Decision.ALLOW


def test_a_copy_of_rm_is_rm(judge, proj):
    shutil.copy2(RM, proj / "tidy")
    v = _decide(judge, proj, "./tidy -rf ~")
    assert v.decision is Decision.DENY, v.rule_ids
    v = _decide(judge, proj, f"{proj}/tidy -rf ~/")
    assert v.decision is Decision.DENY, v.rule_ids


def test_an_ordinary_script_is_not_mistaken_for_a_program(judge, proj):
    script = proj / "build.sh"
    script.write_text("#!/bin/sh\necho building\n")
    script.chmod(0o755)
    assert _decide(judge, proj, "./build.sh --fast").decision is Decision.ALLOW
    # the same size as rm but other bytes: hashed and told apart
    fake = proj / "fake"
    fake.write_bytes(b"\0" * os.path.getsize(RM))
    fake.chmod(0o755)
    assert _decide(judge, proj, "./fake -rf ~").decision is Decision.ALLOW

"""Over-reaches of the shell layer's on-disk and positional reading, each quiet now where nothing is
wrong, each with the near misses an agent would try (one module: one judge).

* A deleting `find` whose own exclusions keep a repository's .git out is quiet; a near miss asks.
  In a real repository the on-disk expansion of `find . …` meets .git. What find provably keeps away
  from its action (adr/shell/findscope.py) is left out: a negated -path/-name/-regex test ANDed before
  the action that covers .git's contents, and a `COND -prune -o …` that opens the expression. Near
  misses still ask: the folder excluded but not its contents, the contents excluded while .git may be
  a file that is handed over, -prune under -delete/-depth (no effect: GNU find refuses, BSD find
  descends), a branch before the prune, `,`, rm -r of the folder above, a test after the action,
  patterns read inexactly (brackets), and the path tests' own reach (`-path '*/.git/*' -delete`, where
  find's `*` crosses `/`).
* A python/pip that the line's own venv creation made is no program dropped in /tmp — unless what is
  on disk there already says otherwise: `venv` leaves an existing link in place, so a bin/python3 an
  earlier call linked to a payload still asks (adr/engine/venvs.py).
* A write on a `cd A && … && cd B && …` line lands in the folder its statement runs in
  (adr/engine/cdchain.py); where the order is not certain — `;`, `||`, a cd inside a nested shell,
  `cd -`, eval, a variable that carries the name from one statement to another — every folder is
  still judged.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from adr.actions import Decision


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("findrepo")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "src").mkdir()
    (root / "src" / "a.pyc").write_bytes(b"x")
    return root


QUIET = [
    "find . -not -path './.git/*' -type d -empty -delete",
    "find . -not -path '*/.git*' -type d -empty -delete",
    "find . ! -path './.git/*' ! -name .git -mtime +31 -delete",
    "find . -not -regex '\\./\\.git.*' -mtime +31 -delete",
    "find . -not -ipath './.GIT/*' -type d -empty -delete",
    "find . -name .git -prune -o -type f -mtime +31 -exec rm -f {} +",
    "find . \\( -path ./.git -o -path ./node_modules \\) -prune -o -type f -exec rm {} +",
]

ASKS = [
    "find . -type d -empty -delete",
    "find . -not -path './.git' -type d -empty -delete",  # the folder out, not what is in it
    "find . -not -path './.git/*' -mtime +31 -delete",  # .git may be a file (a worktree's): handed over
    "find . -path ./.git -prune -o -type f -mtime +31 -delete",  # -delete: -prune does nothing
    "find . -depth -name .git -prune -o -type f -exec rm {} +",
    "find . -name '.g*' -o -path ./.git -prune -o -type f -exec rm {} +",  # .git matched first: not pruned
    "find . -path ./.git -prune , -type f -exec rm {} +",
    "find . -path ./.git -prune -o -type d -exec rm -rf {} +",  # rm -r of the folder above
    "find . -not -path './.git/*' -o -delete",  # the exclusion in the other branch
    "find . -type d -empty -delete -not -path './.git/*'",  # a test after the action
    "find . -not -path './.gi[t]/*' -type d -empty -delete",
    "find . -not -path ./.git* -type d -empty -delete",  # unquoted: the shell makes it ./.git alone
    "find . -regextype posix-basic -not -regex '\\./\\.git/.+' -type d -empty -delete",  # `+` is a plain character there
    "find . -path '*/.git/*' -delete",  # find's * crosses /: the path test's own reach
    "find . -wholename './.git/*' -delete",
    "find . -ipath './.GIT' -exec rm -rf {} +",
]


@pytest.mark.parametrize("cmd", QUIET)
def test_exclusions_that_keep_git_out_are_quiet(judge_at, repo, cmd):
    v = judge_at(repo, cmd)
    assert v.decision is Decision.ALLOW, (cmd, [f.rule_id for f in v.findings])


@pytest.mark.parametrize("cmd", ASKS)
def test_near_misses_still_ask(judge_at, repo, cmd):
    v = judge_at(repo, cmd)
    assert "destruct.delete-vcs-history" in {f.rule_id for f in v.findings}, cmd
    assert v.decision is not Decision.ALLOW, cmd


# ---- a venv the line made ----

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


# a line made venv counts only when its creation certainly ran first and nothing else of the line
# put files in its folder
VENV_LINES = [
    ("python3 -m venv {v} && {v}/bin/pip install -r requirements.txt 2>&1 && {v}/bin/python -m pytest", True),
    ("python3 -m venv {v} && cd {v} && ./bin/python -c 1", True),
    ("python3 -m venv {v} --help && {v}/bin/python -c 1", False),
    ("python3 -m venv {v} || {v}/bin/python -c 1", False),
    ("python3 -m venv {v}; {v}/bin/python -c 1", False),
    ("python3 -m venv {v} & {v}/bin/python -c 1", False),
    ("python3 -m venv {v} && tar -xf /tmp/p.tar -C {v} && {v}/bin/python -c 1", False),
    ("python3 -m venv {v} && rsync -a /tmp/e/ {v}/ && {v}/bin/python -c 1", False),
]


@pytest.mark.parametrize("line,quiet", VENV_LINES)
def test_a_line_made_venv_counts_only_when_it_was_made_first(judge_at, tmp_path, line, quiet):
    got = judge_at(tmp_path, line.format(v="/tmp/adr-test-venv"))
    assert (got.decision is Decision.ALLOW) is quiet, (line, [f.rule_id for f in got.findings])


# ---- cd by position ----

CD_QUIET = [
    "cd ~ && cd {a} && echo x > .bashrc",
    "cd {a} && git init r && cd r && echo '*.log' > .gitignore && cd ~ && echo ok",
    "cd ~ && cd {a} && sed -i 's/a/b/' .bashrc 2>&1",
]
CD_ASKS = [
    "cd {a} && cd ~ && echo x > .bashrc",
    "cd ~ && cd {a}; echo x > .bashrc",  # the cd may fail: the write then lands in ~
    "cd ~ && cd {a} || echo x > .bashrc",
    "cd {a} && bash -c 'cd ~ && echo x > .bashrc'",
    "cd {a} && cd ~ && cd - && cd ~ && echo x > .bashrc",
    "cd {a} && eval 'cd ~' && echo x > .bashrc",
    "F=.bashrc && cd {a} && echo > x && cd ~ && echo x > $F",
    "cd {a} && echo x > .bashrc && cd ~ && echo y > .bashrc",
    "cd {a} && cd / && echo x > ~+/home/dev/.bashrc",  # ~+ is $PWD: the folder the statement runs in
]


@pytest.mark.parametrize("cmd", CD_QUIET)
def test_each_write_is_judged_where_its_statement_runs(judge_at, tmp_path, cmd):
    v = judge_at(tmp_path, cmd.format(a=tmp_path / "a"))
    assert v.decision is Decision.ALLOW, (cmd, [f.rule_id for f in v.findings])


@pytest.mark.parametrize("cmd", CD_ASKS)
def test_an_uncertain_position_keeps_every_folder(judge_at, tmp_path, cmd):
    v = judge_at(tmp_path, cmd.format(a=tmp_path / "a"))
    assert "persistence.shell-rc-write" in {f.rule_id for f in v.findings}, cmd

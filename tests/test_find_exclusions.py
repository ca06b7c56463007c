"""A deleting `find` whose own exclusions keep a repository's .git out is quiet; a near miss asks.

In a real repository the on-disk expansion of `find . …` meets .git. What find provably keeps away
from its action (adr/shell/findscope.py) is left out: a negated -path/-name/-regex test ANDed before
the action that covers .git's contents, and a `COND -prune -o …` that opens the expression. An
agent's near misses still ask: the folder excluded but not its contents, the contents excluded while
.git may be a file that is handed over, -prune under -delete/-depth (no effect: GNU find refuses, BSD
find descends), a branch before the prune, `,`, rm -r of the folder above, a test after the action,
patterns read inexactly (brackets), and the path tests' own reach (`-path '*/.git/*' -delete`, where
find's `*` crosses `/`)."""
from __future__ import annotations

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

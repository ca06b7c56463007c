"""Commands handed to the OS as an argv in spellings the shell layer did not read (issue #14,
items 3 and 5): perl/ruby list calls without parentheses, Python's os.spawn*/posix_spawn*, an argv
list kept in a variable and passed to the call, and zsh/byobu/entr wrappers.

Each is `rm -rf ~` (or a download piped to a shell) in other words; the near-misses beside them are
what a developer writes daily and must stay quiet.
"""
from __future__ import annotations

import pytest

from adr.actions import Decision

DENY = [
    # perl and ruby: a list without parentheses
    """perl -e 'system "rm", "-rf", $ENV{HOME}'""",
    """perl -e 'exec "rm", "-rf", $ENV{HOME};'""",
    """ruby -e 'system "rm", "-rf", Dir.home'""",
    """ruby -e 'exec "rm", "-rf", ENV["HOME"]'""",
    """ruby -e 'Kernel.system "rm", "-rf", Dir.home'""",
    # python: spawn with a mode, posix_spawn with an argv
    """python3 -c "import os; os.spawnlp(os.P_WAIT, 'rm', 'rm', '-rf', os.path.expanduser('~'))" """,
    """python3 -c "import os; os.spawnvp(os.P_WAIT, 'rm', ['rm', '-rf', os.path.expanduser('~')])" """,
    """python3 -c "import os; os.posix_spawnp('rm', ['rm', '-rf', os.path.expanduser('~')], {})" """,
    # an argv list kept in a name, then handed to the call
    """python3 -c "import subprocess, os; a = ['rm', '-rf', os.path.expanduser('~')]; subprocess.run(a)" """,
    """node -e "const cp = require('child_process'); const a = ['-rf', require('os').homedir()]; cp.spawnSync('rm', a)" """,
    """perl -e '@a = ("rm", "-rf", $ENV{HOME}); system(@a)'""",
    """ruby -e 'a = ["rm", "-rf", Dir.home]; system(*a)'""",
    # zsh precommand modifiers, byobu, entr -s: the command runs as written
    "nocorrect rm -rf ~",
    "noglob rm -rf ~/*",
    "byobu new-session -d 'rm -rf ~'",
    "ls *.py | entr -s 'rm -rf ~'",
]
ALLOW = [
    """perl -e 'system "make", "test"'""",
    """ruby -e 'system "bundle", "exec", "rspec"'""",
    """python3 -c "import os; os.spawnlp(os.P_WAIT, 'ls', 'ls', '-la')" """,
    """python3 -c "import subprocess; a = ['git', 'status']; subprocess.run(a)" """,
    """python3 -c "print(''.join(['a', 'b']))" """,
    """perl -e '@a = ("ls", "-l"); system(@a)'""",
    "noglob git status",
    "ls *.py | entr -s 'make test'",
    "byobu new-session -d 'npm run dev'",
]


@pytest.mark.parametrize("cmd", DENY)
def test_argv_spellings_of_a_home_wipe_are_denied(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", ALLOW)
def test_everyday_argv_calls_stay_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)

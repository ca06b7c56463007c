"""Git's other spellings of the commands that destroy work (issue: detection, item 4).

git accepts any unambiguous prefix of a long option (`git reset --har` is `--hard`), and an alias runs
the git command line it names (`git -c alias.x='push -f' x`, or one defined by `git config alias.x …`
and used in a later call). The shell layer spells abbreviations out (adr/shell/parse.py
_expand_git_abbrev) and judges an alias's command line when it is defined, so every rule sees one
spelling.
"""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.parse import parse

ASK = [
    ("git reset --har", "risky.git-discard-work"),
    ("git reset --mer HEAD~1", "risky.git-discard-work"),
    ("git clean --forc -d", "risky.git-discard-work"),
    ("git clean --fo -dx", "risky.git-discard-work"),
    ("git checkout --forc main", "risky.git-discard-work"),
    ("git switch --disc main", "risky.git-discard-work"),
    ("git -C /home/dev/project reset --ha HEAD", "risky.git-discard-work"),
    ("git push --mirr origin", "risky.git-force-push"),
    ("git push --delet origin main", "risky.git-force-push"),
    ("git push --forc origin main", "risky.git-force-push"),
    ("git push --force-w origin main", "risky.git-force-push"),
    ("git gc --prun=now", "risky.git-history-rewrite"),
    ("git commit --no-ver -m x", "risky.git-skip-hooks"),
    # aliases: used on the line, or defined for a later call
    ("git -c alias.x='push -f' x origin main", "risky.git-force-push"),
    ("git -c alias.nuke='reset --hard' nuke", "risky.git-discard-work"),
    ("git config alias.x 'reset --hard' && git x", "risky.git-discard-work"),
    ("git config --global alias.wipe 'clean -fdx'", "risky.git-discard-work"),
    ("git config set alias.pf 'push --force'", "risky.git-force-push"),
]
QUIET = [
    "git config alias.st status",
    "git config --global alias.lg 'log --oneline --graph'",
    "git config --get alias.x",
    "git config --unset alias.x",
    "git reset --soft HEAD~1",
    "git reset --mixed",
    "git push --set-up origin feature",
    "git commit --am --no-edit",
    "git checkout --track origin/feature",
    "git branch --sho",
    "git log --oneline -- --hard",  # after `--`: a path, not an option
]


@pytest.mark.parametrize("cmd,rule", ASK)
def test_other_spellings_ask(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is Decision.ASK and rule in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", QUIET)
def test_routine_spellings_stay_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("line,argv", [
    ("git reset --har", ("git", "reset", "--hard")),
    ("git push --forc=true origin main", ("git", "push", "--force=true", "origin", "main")),
    ("git -C x clean --dry", ("git", "-C", "x", "clean", "--dry-run")),
    ("git push --p origin", ("git", "push", "--p", "origin")),  # ambiguous: left alone, as git refuses it
    ("git log -- --hard", ("git", "log", "--", "--hard")),
])
def test_abbreviations_are_spelled_out(line, argv):
    assert parse(line).commands[0].argv == argv


# unreachable objects dropped with no grace period, whichever command does it: gc/prune with a
# short expiry (option, `-c`, `git config`, the environment), maintenance's gc task under such a
# config, and repack -a -d (which drops what it found packed and unreachable, with no expiry at all)
LOSES_UNREACHABLE = [
    "git repack -a -d", "git repack -ad", "git repack -adf --depth=250 --window=250", "git repack -d -a -q",
    "git -C /home/dev/project repack -a -d", "git repack -A -d --unpack-unreachable=now",
    "git repack -d --cruft --cruft-expiration=now", "git repack -a -d --write-bitmap-index",
    "git -c gc.pruneExpire=now gc", "git -c gc.pruneexpire=now gc --aggressive",
    "git -c gc.pruneExpire=now maintenance run --task=gc", "git -c gc.reflogExpireUnreachable=0 gc",
    "git config gc.pruneExpire now && git maintenance run --task=gc",
    "git config gc.pruneExpire now; git gc",
    "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.pruneExpire GIT_CONFIG_VALUE_0=now git maintenance run --task=gc",
    "git gc --prune=now", "git gc --prune=all", "sh -c 'git repack -a -d'",
]


@pytest.mark.parametrize("cmd", LOSES_UNREACHABLE)
def test_unreachable_objects_dropped_now_ask(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ASK and "risky.git-history-rewrite" in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "git repack", "git repack -a", "git repack -d", "git repack -A -d", "git repack -Ad", "git repack -a -d -k",
    "git repack -a -d --keep-unreachable", "git repack -d --cruft", "git repack -A -d --unpack-unreachable=2.weeks.ago",
    "git maintenance run --task=gc", "git maintenance run --task=commit-graph", "git maintenance run --auto",
    "git gc", "git gc --auto", "git -c gc.pruneExpire=2.weeks.ago gc", "git config --get gc.pruneExpire",
])
def test_maintenance_keeping_the_grace_period_stays_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd


# setting the short expiry for every later gc: by command, by a shell write, by the Write/Edit tools
@pytest.mark.parametrize("cmd", [
    "git config --file .git/config gc.pruneExpire now", "git config --local gc.reflogExpire 0",
    "printf '[gc]\\n\\tpruneExpire = now\\n' >> .git/config",
    "echo '[core]\n\tlogAllRefUpdates = false' >> .git/config",
])
def test_a_short_expiry_set_for_later_calls_asks(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ASK, (cmd, v.rule_ids)
    assert {"risky.git-history-rewrite", "risky.git-expiry-config-written"} & set(v.rule_ids), (cmd, v.rule_ids)


@pytest.mark.parametrize("path,content,asked", [
    ("/home/dev/project/.git/config", "[gc]\n\tpruneExpire = now\n", True),
    ("/home/dev/.gitconfig", "[gc]\n\treflogExpireUnreachable = 0\n", True),
    ("/home/dev/project/.git/config", "[gc]\n\tpruneExpire = 2.weeks.ago\n", False),
    ("/home/dev/project/.git/config", "[remote \"origin\"]\n\turl = git@github.com:o/r.git\n", False),
])
def test_a_git_config_file_written_with_a_short_expiry_asks(offline_judge, path, content, asked):
    from adr.actions import Action, ActionKind, Context

    ctx = Context(host="claude-code", session="t", cwd="/home/dev/project", home="/home/dev", tool="Write")
    v = offline_judge.decide(Action(ActionKind.FILE_WRITE, ctx, path=path, content=content))
    assert (v.decision is Decision.ASK and "risky.git-expiry-config-written" in v.rule_ids) is asked, (path, v.rule_ids)


def _repo(path, *config):
    import subprocess
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for key, value in config:
        subprocess.run(["git", "-C", str(path), "config", key, value], check=True)
    return path


@pytest.mark.parametrize("config", [("gc.pruneExpire", "now"), ("gc.reflogExpireUnreachable", "0"),
                                    ("gc.reflogExpire", "1.hour.ago")])
@pytest.mark.parametrize("cmd", ["git gc", "git gc --auto", "git maintenance run --task=gc", "git maintenance run",
                                 "git -C . gc --aggressive"])
def test_a_plain_gc_under_the_repositorys_short_expiry_asks(judge_at, tmp_path, config, cmd):
    repo = _repo(tmp_path / "r", config)
    v = judge_at(repo, cmd)
    assert v.decision is Decision.ASK and "risky.git-history-rewrite" in v.rule_ids, (config, cmd, v.rule_ids)


def test_the_users_global_short_expiry_counts_too(judge_at, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[gc]\n\tpruneExpire = now\n")
    repo = _repo(home / "proj")
    assert judge_at(repo, "git gc", home=str(home)).decision is Decision.ASK
    assert judge_at(tmp_path.parent, "cd " + str(repo) + " && git gc", home=str(home)).decision is Decision.ASK


@pytest.mark.parametrize("config,cmd", [
    ((), "git gc"),
    ((("gc.pruneExpire", "2.weeks.ago"),), "git gc"),
    ((("gc.pruneExpire", "now"), ("gc.pruneExpire", "never")), "git gc"),  # (the later value wins)
    ((("gc.pruneExpire", "now"),), "git gc --prune=2.weeks.ago"),
    ((("gc.pruneExpire", "now"),), "git maintenance run --task=commit-graph"),
    ((("gc.pruneExpire", "now"),), "git status"),
])
def test_gc_keeping_the_grace_period_stays_quiet(judge_at, tmp_path, config, cmd):
    import subprocess
    repo = _repo(tmp_path / "r")
    for key, value in config:
        subprocess.run(["git", "-C", str(repo), "config", "--add", key, value], check=True)
    assert judge_at(repo, cmd).decision is Decision.ALLOW, (config, cmd)


@pytest.fixture(scope="module")
def gc_repos(tmp_path_factory):
    """A repository whose config drops unreachable objects now (bad), one that keeps them (safe), and
    a bare repository with a zero reflog expiry."""
    root = tmp_path_factory.mktemp("gcrepos")
    for name, config in (("safe", "[core]\n\tbare = false\n"), ("bad", "[gc]\n\tpruneExpire = now\n")):
        (root / name / ".git").mkdir(parents=True)
        (root / name / ".git" / "config").write_text(config)
    (root / "bare.git").mkdir()
    (root / "bare.git" / "config").write_text("[core]\n\tbare = true\n[gc]\n\treflogExpire = 0\n")
    return root


# a plain gc reads the config of the repository it works on, not the working directory's
@pytest.mark.parametrize("cmd", [
    "git -C ../bad gc", "git -C {r}/bad gc --quiet", "git -C {r} -C bad maintenance run --task=gc",
    "git --git-dir={r}/bad/.git gc", "git --git-dir ../bad/.git gc", "GIT_DIR={r}/bad/.git git gc",
    "env GIT_DIR=../bad/.git git gc", "export GIT_DIR={r}/bad/.git; git gc", "git --git-dir={r}/bare.git gc",
    "cd ../bad && git gc", "sudo git -C ../bad gc",
])
def test_gc_of_another_repository_reads_its_config(judge_at, gc_repos, cmd):
    v = judge_at(gc_repos / "safe", cmd.format(r=gc_repos), home=str(gc_repos / "home"))
    assert v.decision is not Decision.ALLOW and "risky.git-history-rewrite" in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cwd,cmd", [("bad", "git -C ../safe gc"), ("bad", "git --git-dir=../safe/.git gc"),
                                     ("safe", "git gc")])
def test_gc_of_a_repository_keeping_its_grace_period_stays_quiet(judge_at, gc_repos, cwd, cmd):
    assert judge_at(gc_repos / cwd, cmd, home=str(gc_repos / "home")).decision is Decision.ALLOW, cmd

"""Split across calls (DESIGN threat model 4), two classes:

1. A secret staged in one call (the human allowed `git add -f .env`, it was staged under another name,
   or by a command adr could not read) and committed or pushed in a later one: the commit asks for what
   the index adds against HEAD, the push for what the commits no remote holds add
   (adr/daemon/gitstate.py `staged_names` / `unpushed_names`, judged in adr/daemon/crosscall.py).
2. A repository cloned in one call and its installer run in a later one: the clone is remembered as
   a download of the folder (adr/daemon/memory.py), and a run of its code is judged as the one-liner
   `git clone URL d && cd d && RUN` (rce.clone-then-execute).

Real engine, real git repositories in temp folders; the last tests go through the real hook and a
real daemon, one session each."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.config import Settings
from adr.daemon import memory as M
from adr.engine import load_engine
from adr.judge import Judge
from adr.supply.downloads import clones_of
from tests._daemon_helpers import DaemonProc, adr_env

GIT_ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}
STAGED = "credentials.secret-staged-in-git"
CLONED = "rce.clone-then-execute"


def git(cwd, *args):
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=GIT_ENV, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def engine():
    return load_engine(Settings())


@pytest.fixture()
def judge(engine):
    return Judge(engine, Settings(), memory=M.Memory())


@pytest.fixture()
def repo(tmp_path):
    """A clone of a (local, bare) origin: main is pushed and tracks origin/main."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    proj = tmp_path / "proj"
    git(tmp_path, "clone", "-q", str(origin), str(proj))
    (proj / "README.md").write_text("# hi\n")
    (proj / ".env").write_text("API_KEY=sk-live-1234\n")
    (proj / ".env.example").write_text("API_KEY=\n")
    (proj / ".gitignore").write_text(".env\n")
    git(proj, "add", "README.md", ".gitignore", ".env.example")
    git(proj, "commit", "-qm", "init")
    git(proj, "push", "-q", "-u", "origin", "main")
    return proj


def act(cmd, cwd, session="s1"):
    return Action(ActionKind.EXEC, command=cmd, context=Context(host="claude-code", session=session, cwd=str(cwd),
                                                                home=str(Path(cwd).parent)))


def calls(judge, steps, cwd, session="s1"):
    """Each step judged, then remembered as the daemon does (an ask as approved: it then ran)."""
    v = None
    for step in steps:
        v = judge.decide(act(step, cwd, session))
        judge.crosscall.memory.remember(act(step, cwd, session),
                                        Verdict(Decision.ALLOW) if v.decision is Decision.ASK else v)
    return v


# ---- 1. a secret staged earlier, committed or pushed later ---------------------------------------------

@pytest.mark.parametrize("line", [
    "git commit -m x && git push", "git commit -qm wip", "git commit --amend --no-edit",
    "git -c user.name=x commit -m y", "cd . && git commit -m x", "git commit -m 'fix .env loading' && git push -q",
])
def test_a_secret_in_the_index_asks_at_commit(judge, repo, line):
    git(repo, "add", "-f", ".env")  # the human allowed `git add -f .env` (or a script adr could not read did it)
    v = calls(judge, ["ls", "git status", line], repo)
    assert v.decision is not Decision.ALLOW and STAGED in v.rule_ids, (line, v.reason)
    assert any("publishes" in e.note for f in v.findings for e in f.evidence)


@pytest.mark.parametrize("line", [
    "git push", "git push origin main", "git push -u origin HEAD:main", "git push --force-with-lease",
    "git push origin +main:main", "git push --all origin",
])
def test_a_secret_committed_earlier_asks_at_push(judge, repo, line):
    git(repo, "add", "-f", ".env")
    git(repo, "commit", "-qm", "config")
    (repo / "README.md").write_text("# hi again\n")
    git(repo, "commit", "-qam", "docs")  # the secret is not in the last commit
    v = calls(judge, ["echo done", line], repo)
    assert v.decision is not Decision.ALLOW and STAGED in v.rule_ids, (line, v.reason)


@pytest.mark.parametrize("line,where", [
    ("git -C proj push", ".."), ("cd proj && git push", ".."), ("cd ../proj && git push origin main", "../other"),
])
def test_the_push_is_followed_to_its_repository_from_another_directory(judge, repo, line, where):
    git(repo, "add", "-f", ".env")
    git(repo, "commit", "-qm", "config")
    cwd = (repo / where).resolve()
    cwd.mkdir(exist_ok=True)
    v = calls(judge, [line], cwd)
    assert v.decision is not Decision.ALLOW and STAGED in v.rule_ids, (line, v.reason)


def test_a_copy_of_a_secret_staged_under_another_name_asks_at_commit_and_push(judge, repo):
    calls(judge, ["cp .env settings.txt"], repo)
    (repo / "settings.txt").write_text((repo / ".env").read_text())  # the host runs it
    git(repo, "add", "settings.txt")  # staged by something adr did not see
    v = calls(judge, ["git commit -qm settings"], repo)
    assert v.decision is not Decision.ALLOW and STAGED in v.rule_ids, v.reason
    git(repo, "commit", "-qm", "settings")
    v = calls(judge, ["git push"], repo)
    assert v.decision is not Decision.ALLOW and STAGED in v.rule_ids, v.reason


def test_a_key_staged_in_a_home_repository_asks_at_commit(judge, tmp_path):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh/id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    git(home, "init", "-q")
    git(home, "add", "-f", ".ssh/id_rsa")
    cwd = home / "work"
    cwd.mkdir()
    v = judge.decide(Action(ActionKind.EXEC, command="git commit -m dotfiles", context=Context(
        host="claude-code", session="s1", cwd=str(cwd), home=str(home))))
    assert v.decision is not Decision.ALLOW, v.reason


@pytest.mark.parametrize("setup,line", [
    ("readme", "git commit -m docs && git push"),
    ("template", "git commit -m 'env template'"),
    ("nothing", "git push"),
    ("pushed", "git push"),  # the secret is already on the remote: this push adds nothing
    ("readme", "git commit -m 'ignore .env files'"),
    ("readme", "git push --dry-run"),
    ("staged-env", "git push"),  # staged, not committed: a push does not publish the index
])
def test_routine_commits_and_pushes_stay_quiet(judge, repo, setup, line):
    if setup == "readme":
        (repo / "README.md").write_text("# more\n")
        git(repo, "add", "README.md")
    elif setup == "template":
        (repo / ".env.example").write_text("API_KEY=\nDB_URL=\n")
        git(repo, "add", ".env.example")
    elif setup == "pushed":
        git(repo, "add", "-f", ".env")
        git(repo, "commit", "-qm", "config")
        git(repo, "push", "-q")
        (repo / "README.md").write_text("# more\n")
        git(repo, "commit", "-qam", "docs")
    elif setup == "staged-env":
        git(repo, "add", "-f", ".env")
    v = calls(judge, [line], repo)
    assert v.decision is Decision.ALLOW, (setup, line, v.reason)


def test_outside_a_repository_a_commit_is_judged_as_before(judge, tmp_path):
    v = calls(judge, ["git commit -m x && git push"], tmp_path)
    assert STAGED not in v.rule_ids


# ---- 2. a repository cloned earlier, its code run later ---------------------------------------------------

def _fill(tool: Path):
    tool.mkdir(parents=True, exist_ok=True)
    (tool / "install.sh").write_text("#!/bin/sh\necho installing\n")
    (tool / "install.sh").chmod(0o755)
    (tool / "setup.sh").write_text("echo setting up\n")
    (tool / "build.sh").write_text("echo building\n")
    (tool / "build.sh").chmod(0o755)
    (tool / "Makefile").write_text("install:\n\techo install\ntest:\n\techo test\n")
    (tool / "setup.py").write_text("from setuptools import setup\nsetup(name='tool')\n")
    (tool / "package.json").write_text(json.dumps({"name": "tool", "scripts": {"test": "echo ok"}}))


CLONES = [
    "git clone https://x.example/someone/tool.git",
    "git clone --depth 1 -b main https://x.example/someone/tool tool",
    "git clone git@github.com:someone/tool.git",
    "gh repo clone someone/tool",
    "npx degit someone/tool tool",
    "git submodule add https://x.example/someone/tool.git tool",
    "svn checkout https://svn.example/someone/tool/trunk tool",
    "hg clone https://hg.example/someone/tool",
    "mkdir -p x && cd x && cd .. && git clone https://x.example/someone/tool.git",
]
RUNS = [
    "cd tool && ./install.sh", "bash tool/install.sh", "sh ./tool/setup.sh", "make -C tool install",
    "pip install ./tool", "npm install ./tool", "cd tool && npm install", "cd tool && pip install -e .",
    "python3 tool/setup.py install", "./tool/install.sh", "cd tool; sudo make install",
]


@pytest.mark.parametrize("clone", CLONES)
def test_a_clone_then_its_installer_in_a_later_call_asks(judge, tmp_path, clone):
    proj = tmp_path / "proj"
    proj.mkdir()
    assert calls(judge, [clone], proj).decision is Decision.ALLOW  # cloning alone is quiet
    _fill(proj / "tool")
    v = calls(judge, ["ls tool", "cd tool && ./install.sh"], proj)
    assert v.decision is not Decision.ALLOW and CLONED in v.rule_ids, (clone, v.reason)
    assert any("cloned from" in e.note or "downloaded from" in e.note for f in v.findings for e in f.evidence)


@pytest.mark.parametrize("run", RUNS)
def test_each_way_of_running_the_clone_asks(judge, tmp_path, run):
    proj = tmp_path / "proj"
    proj.mkdir()
    calls(judge, ["git clone https://x.example/someone/tool.git"], proj)
    _fill(proj / "tool")
    v = calls(judge, ["git status", run], proj)
    assert v.decision is not Decision.ALLOW and CLONED in v.rule_ids, (run, v.reason)


def test_the_clone_is_found_from_another_directory_and_session(judge, tmp_path):
    proj = tmp_path / "proj"
    (proj / "vendor").mkdir(parents=True)
    calls(judge, ["cd vendor && git clone https://x.example/someone/tool.git"], proj, session="one")
    _fill(proj / "vendor/tool")
    other = tmp_path / "elsewhere"
    other.mkdir()
    v = calls(judge, ["bash ../proj/vendor/tool/install.sh"], other, session="two")
    assert v.decision is not Decision.ALLOW and CLONED in v.rule_ids, v.reason


@pytest.mark.parametrize("first,run", [
    (["git clone https://x.example/someone/tool.git"], "cd tool && make test"),
    (["git clone https://x.example/someone/tool.git"], "cd tool && ./build.sh"),
    (["git clone https://x.example/someone/tool.git"], "cd tool && npm test"),
    (["git clone https://x.example/someone/tool.git"], "cd tool && pip install requests"),
    (["git clone https://x.example/someone/tool.git"], "./install.sh"),  # the project's own installer
    (["git clone ../local tool"], "cd tool && ./install.sh"),  # a local clone: nothing downloaded
    (["git clone https://x.example/someone/tool.git", "rm -rf tool"], "cd tool && ./install.sh"),  # gone
    (["git clone https://x.example/someone/other.git"], "cd tool && ./install.sh"),
])
def test_routine_runs_near_a_clone_stay_quiet(judge, tmp_path, first, run):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "install.sh").write_text("echo own\n")
    (proj / "install.sh").chmod(0o755)
    calls(judge, first, proj)
    _fill(proj / "tool")
    v = calls(judge, [run], proj)
    assert v.decision is Decision.ALLOW, (first, run, v.reason)


def test_what_a_clone_fetches_into():
    assert clones_of("git", ("clone", "https://h.example/a/b.git"), "/p") == [("/p/b", "https://h.example/a/b.git",
                                                                               "git clone")]
    assert clones_of("git", ("-C", "sub", "clone", "-q", "git@h.example:a/b", "x/"), "/p")[0][0] == "/p/sub/x"
    assert clones_of("gh", ("repo", "clone", "a/b", "--", "--depth", "1"), "/p") == [
        ("/p/b", "https://github.com/a/b", "gh repo clone")]
    assert clones_of("npx", ("-y", "degit", "a/b#dev"), "/p")[0][:2] == ("/p", "https://github.com/a/b")
    assert clones_of("git", ("clone", "../other"), "/p") == []
    assert clones_of("git", ("clone", "file:///srv/r.git"), "/p") == []
    assert clones_of("git", ("log",), "/p") == []


# ---- through the real hook and a real daemon -----------------------------------------------------------

HOOK = Path(sys.executable).parent / "adr-hook"


class QuietDaemon(DaemonProc):
    extra_env = {"ADR_NOTIFIER": "none"}  # an ask with no human is answered at once
    start_timeout = 90.0


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    d = QuietDaemon(tmp_path_factory.mktemp("pub-daemon") / "home").start()
    yield d
    d.stop()


def hook_bash(d, cwd, session, command):
    payload = {"hook_event_name": "PreToolUse", "session_id": session, "cwd": str(cwd),
               "tool_name": "Bash", "tool_input": {"command": command}}
    p = subprocess.run([str(HOOK), "claude-code"], input=json.dumps(payload).encode(), capture_output=True,
                       env=adr_env(d.home, HOME=str(Path(cwd).parent)), timeout=120)
    if not p.stdout.strip():
        return "allow", ""
    out = json.loads(p.stdout)["hookSpecificOutput"]
    return out.get("permissionDecision", "allow"), out.get("permissionDecisionReason", "")


def test_staged_then_pushed_through_the_hook_and_daemon(daemon, repo):
    s = "s-publish"
    assert hook_bash(daemon, repo, s, "git add -f .env")[0] != "allow"  # asked; the human allows it
    git(repo, "add", "-f", ".env")
    assert hook_bash(daemon, repo, s, "git status --short")[0] == "allow"
    decision, reason = hook_bash(daemon, repo, s, "git commit -m 'update config'")
    assert decision != "allow" and STAGED in reason, reason
    git(repo, "commit", "-qm", "update config")
    decision, reason = hook_bash(daemon, repo, s, "git push origin main")
    assert decision != "allow" and STAGED in reason, reason
    git(repo, "reset", "-q", "--hard", "origin/main")
    (repo / "README.md").write_text("# edited\n")
    git(repo, "commit", "-qam", "docs")
    assert hook_bash(daemon, repo, s, "git push origin main")[0] == "allow"


def test_cloned_then_installed_through_the_hook_and_daemon(daemon, tmp_path):
    s = "s-clone"
    proj = tmp_path / "proj"
    proj.mkdir()
    assert hook_bash(daemon, proj, s, "git clone https://x.example/someone/tool.git")[0] == "allow"
    _fill(proj / "tool")  # what the host's clone left there
    assert hook_bash(daemon, proj, s, "cd tool && make test")[0] == "allow"
    decision, reason = hook_bash(daemon, proj, s, "cd tool && ./install.sh")
    assert decision != "allow" and CLONED in reason, reason
    decision, reason = hook_bash(daemon, tmp_path, s, "pip install ./proj/tool")
    assert decision != "allow" and CLONED in reason, reason

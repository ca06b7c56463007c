"""Every test runs with adr's files under a private ADR_HOME: the suite never reads or writes the
real user's config, state, cache or runtime dirs (tests that need their own home set it again)."""
import os
import tempfile

import pytest

_HOME = tempfile.mkdtemp(prefix="adr-test-home-")
os.environ["ADR_HOME"] = _HOME
os.environ.pop("ADR_SOCKET", None)
os.environ.pop("ADR_MODE", None)


@pytest.fixture(scope="session", autouse=True)
def _private_adr_home():
    yield _HOME
    import shutil
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="module")
def offline_judge(tmp_path_factory):
    """A judge with its own ADR_HOME, offline, for one test module (the engine loads once per module)."""
    from adr.config import Settings
    from adr.judge import Judge

    mp = pytest.MonkeyPatch()
    mp.setenv("ADR_HOME", str(tmp_path_factory.mktemp("adrhome")))
    yield Judge.create(Settings(offline=True), online=False)
    mp.undo()


@pytest.fixture(scope="module")
def judge_at(offline_judge):
    """`judge_at(cwd, cmd, home=…)` → the Verdict of a Bash call run in a real directory (the judge
    looks the repository, files and links up there)."""
    from adr.actions import Action, ActionKind, Context

    def run(cwd, cmd: str, home: str = "/home/dev"):
        ctx = Context(host="claude-code", session="t", cwd=str(cwd), home=home, tool="Bash")
        return offline_judge.decide(Action(ActionKind.EXEC, ctx, command=cmd))
    return run


@pytest.fixture(scope="module")
def judge_command(offline_judge):
    """`judge_command(cmd)` → the Verdict of a Bash call in /home/dev/project (home /home/dev)."""
    from adr.actions import Action, ActionKind, Context

    ctx = Context(host="claude-code", session="t", cwd="/home/dev/project", home="/home/dev", tool="Bash")
    return lambda cmd: offline_judge.decide(Action(ActionKind.EXEC, ctx, command=cmd))

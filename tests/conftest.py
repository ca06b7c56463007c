"""Every test runs with adr's files under a private ADR_HOME: the suite never reads or writes the
real user's config, state, cache or runtime dirs (tests that need their own home set it again)."""
import os
import tempfile

import pytest
from hypothesis import settings as _hypothesis_settings

# property tests draw the same examples on every run: a gate (make test, CI) must not fail on an input an
# earlier run never drew. Explore with `--hypothesis-profile=explore` (random draws) when changing the code.
_hypothesis_settings.register_profile("adr", derandomize=True)
_hypothesis_settings.register_profile("explore", derandomize=False)
_hypothesis_settings.load_profile("adr")


def _fresh_bytecode() -> None:
    """Bring adr's bytecode up to date once, before any test starts a process. The daemons, CLI runs
    and hooks the tests start run with PYTHONDONTWRITEBYTECODE=1 (as on many users' machines), so a
    module edited since `make install` compiled its bytecode was compiled from source again by every
    one of those processes (~0.3 s of CPU each, thousands of times a run). compileall rewrites only
    stale files; the xdist controller does it before its workers exist."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("adr")
    if spec is not None and spec.origin:
        compileall.compile_dir(os.path.dirname(spec.origin), quiet=2)


_fresh_bytecode()
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
def memory_judge(tmp_path_factory):
    """An offline judge with the daemon's cross-call memory, for one test module: call
    `memory_judge.crosscall.memory.remember(action, verdict)` after a decision, as the daemon does, and
    the next call sees what it wrote, defined or set."""
    from adr.config import Settings
    from adr.daemon import memory as M
    from adr.judge import Judge

    mp = pytest.MonkeyPatch()
    mp.setenv("ADR_HOME", str(tmp_path_factory.mktemp("adrhome")))
    yield Judge.create(Settings(offline=True), online=False, memory=M.Memory())
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

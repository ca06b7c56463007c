"""A variable exported by an earlier call of a persistent agent shell reaches every later command of
the session without being named there: `export DJANGO_SETTINGS_MODULE=prod_settings` in one call, then
`python manage.py flush --no-input` in the next runs against prod_settings' database. The daemon's
memory keeps what each session's lines left set (adr/daemon/memory.py Memory.environment), and the
judge's look-ups that read the project's own configuration (adr/daemon/resolve.py: the local-database
reset, a bare `git push`'s branch) follow it — or answer nothing. Real files under tmp_path; nothing
is run."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.daemon import memory as M

MANAGE = ('import os, sys\nif __name__ == "__main__":\n'
          '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
          '    from django.core.management import execute_from_command_line\n'
          '    execute_from_command_line(sys.argv)\n')
SQLITE = ('from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n'
          'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}\n')
POSTGRES = 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "prod", "HOST": "db.prod"}}\n'
RESET = "destruct.reset-local-database"


@pytest.fixture(scope="module")
def judge(memory_judge):
    return memory_judge


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "proj").mkdir(parents=True)
    (root / "manage.py").write_text(MANAGE)
    (root / "proj" / "__init__.py").write_text("")
    (root / "proj" / "settings.py").write_text(SQLITE)
    (root / "proj" / "test_settings.py").write_text(SQLITE)
    (root / "prod_settings.py").write_text(POSTGRES)
    (root / "db.sqlite3").write_bytes(b"SQLite format 3\0")
    return root


_sessions = iter(range(10**6))


def _session() -> str:
    return f"s{next(_sessions)}"


def call(judge, cmd: str, cwd: Path, session: str):
    """One call of the agent's shell: judged, then remembered as the daemon does after a decision."""
    action = Action(ActionKind.EXEC, command=cmd,
                    context=Context(host="claude-code", session=session, cwd=str(cwd), home=str(cwd.parent), tool="Bash"))
    v = judge.decide(action)
    judge.crosscall.memory.remember(action, v)
    return v


def test_alone_the_reset_of_the_project_sqlite_file_is_allowed(judge, project):
    v = call(judge, "python manage.py flush --no-input", project, _session())
    assert v.decision is Decision.ALLOW and RESET in {f.rule_id for f in v.findings}, v.reason


@pytest.mark.parametrize("first", [
    "export DJANGO_SETTINGS_MODULE=prod_settings",
    "export DJANGO_SETTINGS_MODULE=prod_settings && echo ok",
    "declare -x DJANGO_SETTINGS_MODULE=prod_settings",
    "DJANGO_SETTINGS_MODULE=prod_settings; export DJANGO_SETTINGS_MODULE",
    "set -a; DJANGO_SETTINGS_MODULE=prod_settings",
    "export DJANGO_SETTINGS_MODULE=$(cat .settings_name)",
    "export DJANGO_SETTINGS_MODULE=settings.elsewhere",  # not a file of the project: not known
])
@pytest.mark.parametrize("second", [
    "python manage.py flush --no-input",
    "python3 manage.py flush --noinput",
    "./manage.py flush --no-input",
])
def test_a_settings_module_exported_in_an_earlier_call_is_the_one_read(judge, project, first, second):
    s = _session()
    call(judge, first, project, s)
    v = call(judge, second, project, s)
    assert v.decision is not Decision.ALLOW, (first, second, v.reason)
    assert RESET not in {f.rule_id for f in v.findings}


def test_a_settings_module_from_a_sourced_file_is_the_one_read(judge, project):
    (project / "prod.env").write_text("export DJANGO_SETTINGS_MODULE=prod_settings\n")
    s = _session()
    call(judge, "source ./prod.env", project, s)
    v = call(judge, "python manage.py flush --no-input", project, s)
    assert v.decision is not Decision.ALLOW and RESET not in {f.rule_id for f in v.findings}


def test_the_exported_module_is_followed_when_it_is_the_projects_own_sqlite(judge, project):
    s = _session()
    call(judge, "export DJANGO_SETTINGS_MODULE=proj.test_settings", project, s)
    assert call(judge, "python manage.py flush --no-input", project, s).decision is Decision.ALLOW


def test_another_session_and_an_unset_are_not_affected(judge, project):
    s = _session()
    call(judge, "export DJANGO_SETTINGS_MODULE=prod_settings", project, s)
    assert call(judge, "python manage.py flush --no-input", project, _session()).decision is Decision.ALLOW
    call(judge, "unset DJANGO_SETTINGS_MODULE", project, s)
    assert call(judge, "python manage.py flush --no-input", project, s).decision is Decision.ALLOW


def test_an_unrelated_export_keeps_the_relaxation(judge, project):
    s = _session()
    call(judge, "export NODE_ENV=development DEBUG=1", project, s)
    assert call(judge, "python manage.py flush --no-input", project, s).decision is Decision.ALLOW


def _repo(root: Path, branch: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", branch, str(root)], check=True)
    return root


@pytest.mark.parametrize("first", ["export GIT_DIR=/srv/prod-repo/.git", "export GIT_WORK_TREE=/srv/prod-repo",
                                   "export GIT_DIR=$(cat /tmp/where)"])
def test_a_repository_exported_in_an_earlier_call_is_not_answered_for(judge, tmp_path, first):
    repo = _repo(tmp_path / "repo", "feature/login")
    assert call(judge, "git push --force-with-lease", repo, _session()).decision is Decision.ALLOW
    s = _session()
    call(judge, first, repo, s)
    v = call(judge, "git push --force-with-lease", repo, s)
    assert v.decision is not Decision.ALLOW and "risky.git-force-push" in v.rule_ids, (first, v.reason)


def test_memory_environment_keeps_only_the_redirecting_variables(tmp_path):
    m = M.Memory()
    ctx = Context(host="h", session="x", cwd=str(tmp_path))
    m.remember(Action(ActionKind.EXEC, command="export DJANGO_SETTINGS_MODULE=p NODE_ENV=dev GIT_DIR=$(cat /tmp/where)",
                      context=ctx), Verdict(Decision.ALLOW))
    assert m.environment("h", "x") == {"DJANGO_SETTINGS_MODULE": "p", "GIT_DIR": None}
    assert m.environment("h", "other") == {}

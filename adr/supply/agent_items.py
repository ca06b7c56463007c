"""What a session loads besides the user's prompt: the agent's own supply chain.

Other tools' hooks (and the scripts they run), plugins, skills and their commands, instruction
files (AGENTS.md, CLAUDE.md, GEMINI.md, Cursor rules, Copilot instructions …) and MCP servers, for
every host adr knows, at user level and in the project. This module only *finds* them (bounded: files
read, bytes per file, directories walked); adr/supply/agent_supply.py judges them with the engine.

Each `Item` knows what it is and the text a judgement needs; `digest` is what "changed since the human
last saw it" compares.
"""
from __future__ import annotations

import hashlib
import json
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

MAX_FILES = 400  # files read per discovery
MAX_BYTES = 256 * 1024  # bytes read per file
MAX_WALK = 3000  # directories visited under a plugins/skills root
MAX_DEPTH = 7
SCRIPT_SUFFIXES = (".sh", ".bash", ".zsh", ".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".ps1")
# instruction files agents load from a project (and the hosts that read each)
PROJECT_INSTRUCTIONS = ("AGENTS.md", "AGENT.md", "CLAUDE.md", "CLAUDE.local.md", "GEMINI.md", ".cursorrules",
                        ".windsurfrules", ".clinerules", "CONVENTIONS.md", ".github/copilot-instructions.md",
                        ".claude/CLAUDE.md")
INSTRUCTION_DIRS = (".cursor/rules", ".github/instructions", ".windsurf/rules", ".clinerules")
SKIP_DIRS = frozenset({"node_modules", ".git", "__pycache__", ".venv", "venv", "dist", "build", ".tox"})


@dataclass(frozen=True)
class Item:
    kind: str  # hook | mcp-server | mcp-tool | skill | instructions | command
    host: str  # the host that loads it (claude-code, cursor, …) or "project"
    name: str
    source: str  # the file that declares or holds it
    command: str = ""  # hook / stdio MCP server: the command line
    url: str = ""  # HTTP MCP server
    text: str = ""  # instructions, skill, command file, MCP tool description and schema
    scripts: tuple[tuple[str, str], ...] = ()  # (path, text) of the files a hook command runs
    env_keys: tuple[str, ...] = ()  # MCP server: the names of the variables it is given
    argv: tuple[str, ...] = ()  # stdio MCP server: what to start
    env: tuple[tuple[str, str], ...] = ()  # …with this environment (values never leave the process)
    cwd: str = ""
    probe: bool = False  # a server the host runs without asking (user-level, or approved): adr may list its tools
    server: str = ""  # mcp-tool: the key of its server

    @property
    def key(self) -> str:
        if self.kind == "mcp-tool":
            return f"mcp-tool:{self.server}:{self.name}"
        return f"{self.kind}:{self.host}:{self.source}:{self.name}"

    @property
    def digest(self) -> str:
        """sha256 of what the item *is*: the text, command, scripts, schema — not where it was found."""
        h = hashlib.sha256()
        for part in (self.kind, self.name, self.command, self.url, self.text, *(p + "\0" + t for p, t in self.scripts),
                     *self.env_keys):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()


@dataclass
class _Budget:
    files: int = 0
    seen: set[str] = field(default_factory=set)

    def read(self, p: Path) -> "str | None":
        if self.files >= MAX_FILES:
            return None
        try:
            if not p.is_file():
                return None
            self.files += 1
            with open(p, "rb") as f:
                return f.read(MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            return None

    def json(self, p: Path) -> Any:
        text = self.read(p)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def toml(self, p: Path) -> Any:
        text = self.read(p)
        if text is None:
            return None
        try:
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover
                import tomli as tomllib
            return tomllib.loads(text)
        except Exception:
            return None


def is_adr(command: str) -> bool:
    try:
        first = shlex.split(command)[0] if command.strip() else ""
    except ValueError:
        first = command.split()[0] if command.split() else ""
    return os.path.basename(first) == "adr-hook"


def _hook_commands(hooks: Any) -> Iterator[tuple[str, str]]:
    """(event[matcher], command) from {"Event": [{matcher, hooks: [{command}]}]} (Claude, Codex, Gemini)
    and flat {"event": [{command}]} configs (Cursor, Windsurf, Copilot's `bash`)."""
    if not isinstance(hooks, dict):
        return
    for event, groups in hooks.items():
        if not isinstance(groups, list):
            continue
        for g in groups:
            if not isinstance(g, dict):
                continue
            matcher = g.get("matcher") if isinstance(g.get("matcher"), str) else ""
            handlers = g.get("hooks") if isinstance(g.get("hooks"), list) else [g]
            for h in handlers:
                if isinstance(h, dict):
                    cmd = h.get("command") if isinstance(h.get("command"), str) else h.get("bash")
                    if isinstance(cmd, str):
                        yield (f"{event}[{matcher}]" if matcher else str(event)), cmd


def _scripts(command: str, base: "Path | None", budget: _Budget) -> tuple[tuple[str, str], ...]:
    """Files a hook command runs (${CLAUDE_PLUGIN_ROOT} / ${PLUGIN_ROOT} resolved to base), with text."""
    text = command
    if base is not None:
        for var in ("${CLAUDE_PLUGIN_ROOT}", "$CLAUDE_PLUGIN_ROOT", "${PLUGIN_ROOT}", "$PLUGIN_ROOT",
                    "${CLAUDE_PROJECT_DIR}", "$CLAUDE_PROJECT_DIR"):
            text = text.replace(var, str(base))
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    out = []
    for w in words[:12]:
        if w.endswith(SCRIPT_SUFFIXES) or ("/" in w and not w.startswith("-") and "://" not in w):
            p = Path(os.path.expanduser(w))
            if not p.is_absolute() and base is not None:
                p = base / p
            body = budget.read(p)
            if body is not None:
                out.append((str(p), body))
    return tuple(out[:4])


def _walk(root: Path) -> Iterator[Path]:
    """Bounded walk yielding directories under root (skips VCS and dependency trees)."""
    seen = 0
    stack = [(root, 0)]
    while stack and seen < MAX_WALK:
        d, depth = stack.pop()
        seen += 1
        yield d
        if depth >= MAX_DEPTH:
            continue
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False) and e.name not in SKIP_DIRS:
                        stack.append((Path(e.path), depth + 1))
        except OSError:
            continue


def _hook_items(host: str, files: "list[Path]", budget: _Budget, base: "Path | None" = None) -> list[Item]:
    """Every hook (but adr's) in these config files: command and the scripts it runs."""
    out: list[Item] = []
    for hf in files:
        doc = budget.json(hf)
        if isinstance(doc, dict):  # a plugin's hooks.json may be the event mapping itself
            for name, cmd in _hook_commands(doc.get("hooks", doc if hf.name == "hooks.json" else None)):
                if not is_adr(cmd):
                    out.append(Item("hook", host, name, str(hf), command=cmd,
                                    scripts=_scripts(cmd, base if base is not None else hf.parent, budget)))
    return out


# ---- MCP servers ---------------------------------------------------------------------------------

def _server_items(host: str, source: Path, servers: Any, *, probe: bool, cwd: str = "",
                  only: "set[str] | None" = None) -> Iterator[Item]:
    """MCP server definitions: {name: {command, args, env} | {url|httpUrl|serverUrl, headers}}; OpenCode's
    {type: local, command: [..], environment}; VS Code's "servers" use the same shape."""
    if not isinstance(servers, dict):
        return
    for name, spec in servers.items():
        if not isinstance(spec, dict):
            continue
        url = next((spec[k] for k in ("url", "httpUrl", "serverUrl") if isinstance(spec.get(k), str)), "")
        cmd = spec.get("command")
        argv: list[str] = []
        if isinstance(cmd, list):
            argv = [str(x) for x in cmd]
        elif isinstance(cmd, str) and cmd:
            args = spec.get("args") if isinstance(spec.get("args"), list) else []
            argv = [cmd] + [str(a) for a in args]
        env_src = spec.get("env") if isinstance(spec.get("env"), dict) else spec.get("environment")
        env = tuple((str(k), str(v)) for k, v in env_src.items()) if isinstance(env_src, dict) else ()
        allowed = probe and (only is None or str(name) in only) and spec.get("disabled") is not True \
            and spec.get("enabled") is not False
        yield Item("mcp-server", host, str(name), str(source), command=shlex.join(argv) if argv else "", url=url,
                   env_keys=tuple(sorted(k for k, _ in env)), argv=tuple(argv), env=env,
                   cwd=str(spec.get("cwd") or cwd), probe=allowed)


def _claude_approved(home: Path, cwd: str, budget: _Budget) -> "set[str] | None":
    """Project .mcp.json servers Claude Code runs without asking: approved by name, or all (None = all)."""
    names: set[str] = set()
    docs = [budget.json(home / ".claude.json")]
    if cwd:
        docs += [budget.json(Path(cwd) / ".claude" / "settings.json"),
                 budget.json(Path(cwd) / ".claude" / "settings.local.json")]
    docs.append(budget.json(home / ".claude" / "settings.json"))
    for i, d in enumerate(docs):
        if not isinstance(d, dict):
            continue
        if i == 0:  # ~/.claude.json keeps the per-project answers
            projects = d.get("projects")
            d = projects.get(cwd) if isinstance(projects, dict) and isinstance(projects.get(cwd), dict) else {}
        if d.get("enableAllProjectMcpServers") is True:
            return None
        got = d.get("enabledMcpjsonServers")
        if isinstance(got, list):
            names.update(str(x) for x in got)
    return names


# ---- per host ------------------------------------------------------------------------------------

def claude_items(home: Path, cwd: str, budget: _Budget) -> list[Item]:
    items: list[Item] = []
    claude = home / ".claude"
    settings = [claude / "settings.json", claude / "settings.local.json"]
    if cwd:
        settings += [Path(cwd) / ".claude" / "settings.json", Path(cwd) / ".claude" / "settings.local.json"]
    for sf in settings:  # ${CLAUDE_PROJECT_DIR} and relative scripts: the folder above .claude/
        items += _hook_items("claude-code", [sf], budget, sf.parent.parent)
    plugins = claude / "plugins"
    if plugins.is_dir():
        for d in _walk(plugins):
            hj = d / "hooks" / "hooks.json"
            if hj.is_file():
                items += _hook_items("claude-code", [hj], budget, d)
            mj = d / ".mcp.json"
            if mj.is_file():
                doc = budget.json(mj)
                if isinstance(doc, dict):
                    items.extend(_server_items("claude-code", mj, doc.get("mcpServers", doc), probe=True, cwd=str(d)))
            items.extend(_markdown_items(d, "claude-code", budget))
    for root in [claude / "skills", claude / "commands", claude / "agents"] + (
            [Path(cwd) / ".claude" / "skills", Path(cwd) / ".claude" / "commands", Path(cwd) / ".claude" / "agents"]
            if cwd else []):
        if root.is_dir():
            for d in _walk(root):
                items.extend(_markdown_items(d, "claude-code", budget, flat=True))
    cj = budget.json(home / ".claude.json")
    if isinstance(cj, dict):
        items.extend(_server_items("claude-code", home / ".claude.json", cj.get("mcpServers"), probe=True, cwd=cwd))
        projects = cj.get("projects")
        if cwd and isinstance(projects, dict) and isinstance(projects.get(cwd), dict):
            items.extend(_server_items("claude-code", home / ".claude.json", projects[cwd].get("mcpServers"),
                                       probe=True, cwd=cwd))
    if cwd:
        pm = budget.json(Path(cwd) / ".mcp.json")
        if isinstance(pm, dict):
            items.extend(_server_items("claude-code", Path(cwd) / ".mcp.json", pm.get("mcpServers"), probe=True,
                                       cwd=cwd, only=_claude_approved(home, cwd, budget)))
    for f in (claude / "CLAUDE.md",):
        text = budget.read(f)
        if text is not None:
            items.append(Item("instructions", "claude-code", f.name, str(f), text=text))
    return items


def _markdown_items(d: Path, host: str, budget: _Budget, flat: bool = False) -> list[Item]:
    """Skills (SKILL.md), slash commands and subagents (markdown files) in a plugin or skills folder."""
    out: list[Item] = []
    skill = d / "SKILL.md"
    if skill.is_file():
        text = budget.read(skill)
        if text is not None:
            out.append(Item("skill", host, d.name, str(skill), text=text))
    if flat or d.name in ("commands", "agents"):
        try:
            files = sorted(p for p in d.iterdir() if p.suffix == ".md" and p.name != "SKILL.md")[:50]
        except OSError:
            files = []
        for p in files:
            text = budget.read(p)
            if text is not None:
                out.append(Item("command", host, p.stem, str(p), text=text))
    return out


def cursor_items(home: Path, cwd: str, budget: _Budget) -> list[Item]:
    items = _hook_items("cursor", [home / ".cursor" / "hooks.json"] + ([Path(cwd) / ".cursor" / "hooks.json"] if cwd else []),
                        budget)
    doc = budget.json(home / ".cursor" / "mcp.json")
    if isinstance(doc, dict):
        items.extend(_server_items("cursor", home / ".cursor" / "mcp.json", doc.get("mcpServers"), probe=True, cwd=cwd))
    if cwd:
        doc = budget.json(Path(cwd) / ".cursor" / "mcp.json")
        if isinstance(doc, dict):
            items.extend(_server_items("cursor", Path(cwd) / ".cursor" / "mcp.json", doc.get("mcpServers"), probe=False,
                                       cwd=cwd))
    return items


def gemini_items(home: Path, cwd: str, budget: _Budget) -> list[Item]:
    files = [home / ".gemini" / "settings.json"] + ([Path(cwd) / ".gemini" / "settings.json"] if cwd else [])
    items = _hook_items("gemini", files, budget)
    for sf in files:
        doc = budget.json(sf)
        if isinstance(doc, dict):
            items.extend(_server_items("gemini", sf, doc.get("mcpServers"), probe=sf == files[0], cwd=cwd))
    text = budget.read(home / ".gemini" / "GEMINI.md")
    if text is not None:
        items.append(Item("instructions", "gemini", "GEMINI.md", str(home / ".gemini" / "GEMINI.md"), text=text))
    return items


def codex_items(home: Path, cwd: str, budget: _Budget, env: "dict[str, str]") -> list[Item]:
    base = Path(env["CODEX_HOME"]) if env.get("CODEX_HOME") else home / ".codex"
    items = _hook_items("codex", [base / "hooks.json"] + ([Path(cwd) / ".codex" / "hooks.json"] if cwd else []), budget)
    cfg = budget.toml(base / "config.toml")
    if isinstance(cfg, dict):
        items.extend(_server_items("codex", base / "config.toml", cfg.get("mcp_servers"), probe=True, cwd=cwd))
    text = budget.read(base / "AGENTS.md")
    if text is not None:
        items.append(Item("instructions", "codex", "AGENTS.md", str(base / "AGENTS.md"), text=text))
    return items


def other_items(home: Path, cwd: str, budget: _Budget, env: "dict[str, str]") -> list[Item]:
    """Windsurf, Copilot (CLI and VS Code), OpenCode: hooks and MCP servers."""
    ws = home / ".codeium" / "windsurf"
    items = _hook_items("windsurf", [ws / "hooks.json"] + ([Path(cwd) / ".windsurf" / "hooks.json"] if cwd else []), budget)
    doc = budget.json(ws / "mcp_config.json")
    if isinstance(doc, dict):
        items.extend(_server_items("windsurf", ws / "mcp_config.json", doc.get("mcpServers"), probe=True, cwd=cwd))
    cop = Path(env["COPILOT_HOME"]) if env.get("COPILOT_HOME") else home / ".copilot"
    hook_dirs = [cop / "hooks"] + ([Path(cwd) / ".github" / "hooks"] if cwd else [])
    for d in hook_dirs:
        try:
            files = sorted(d.glob("*.json"))[:20] if d.is_dir() else []
        except OSError:
            files = []
        items += _hook_items("copilot", files, budget)
    doc = budget.json(cop / "mcp-config.json")
    if isinstance(doc, dict):
        items.extend(_server_items("copilot", cop / "mcp-config.json", doc.get("mcpServers"), probe=True, cwd=cwd))
    if cwd:
        doc = budget.json(Path(cwd) / ".vscode" / "mcp.json")
        if isinstance(doc, dict):
            items.extend(_server_items("copilot", Path(cwd) / ".vscode" / "mcp.json", doc.get("servers"), probe=False,
                                       cwd=cwd))
    xdg = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    doc = budget.json(xdg / "opencode" / "opencode.json")
    if isinstance(doc, dict):
        items.extend(_server_items("opencode", xdg / "opencode" / "opencode.json", doc.get("mcp"), probe=True, cwd=cwd))
    return items


def project_instructions(cwd: str, budget: _Budget) -> list[Item]:
    """Instruction files in the project (and its rules folders): loaded into every session there."""
    if not cwd:
        return []
    root = Path(cwd)
    out: list[Item] = []
    for rel in PROJECT_INSTRUCTIONS:
        p = root / rel
        text = budget.read(p)
        if text is not None:
            out.append(Item("instructions", "project", rel, str(p), text=text))
    for rel in INSTRUCTION_DIRS:
        d = root / rel
        if d.is_dir():
            try:
                files = sorted(p for p in d.rglob("*") if p.is_file() and p.suffix in (".md", ".mdc", ".txt", ""))[:50]
            except OSError:
                files = []
            for p in files:
                text = budget.read(p)
                if text is not None:
                    out.append(Item("instructions", "project", str(p.relative_to(root)), str(p), text=text))
    return out


HOSTS = ("claude-code", "cursor", "gemini", "codex", "windsurf", "copilot", "opencode")


def discover(home: Path, cwd: str = "", hosts: "tuple[str, ...] | None" = None,
             env: "dict[str, str] | None" = None) -> list[Item]:
    """Every item the given hosts (default: all) would load for a session in `cwd`, adr's own hooks
    left out; duplicates (the same item found twice) once."""
    env = dict(os.environ if env is None else env)
    budget = _Budget()
    want = set(hosts or HOSTS)
    items: list[Item] = []
    if "claude-code" in want:
        items += claude_items(home, cwd, budget)
    if "cursor" in want:
        items += cursor_items(home, cwd, budget)
    if "gemini" in want:
        items += gemini_items(home, cwd, budget)
    if "codex" in want:
        items += codex_items(home, cwd, budget, env)
    if want & {"windsurf", "copilot", "opencode"}:
        items += [i for i in other_items(home, cwd, budget, env) if i.host in want]
    items += project_instructions(cwd, budget)
    seen: set[str] = set()
    out = []
    for i in items:
        if i.key not in seen:
            seen.add(i.key)
            out.append(i)
    return out

"""Installations of adr laid out the ways users have them (ADR_HOME; XDG_* dirs away from the
defaults), a real daemon for them, and the real installed hook (`.venv/bin/adr-hook claude-code`)
called the way Claude Code calls it — shared by the self-defense tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _daemon_helpers import BIN, DaemonProc, warm_rule_cache  # noqa: E402

from adr.paths import Paths, get_paths  # noqa: E402

HOOK = BIN / "adr-hook"
LAYOUTS = ("adr_home", "xdg")


@dataclass
class Install:
    root: Path
    layout: str
    env: dict[str, str]
    paths: Paths
    home: Path
    project: Path
    tmp: Path
    daemon: "DaemonProc | None" = None
    extra: dict[str, Any] = field(default_factory=dict)

    def fmt(self, template: str) -> str:
        """A spelling with this installation's places filled in."""
        p = self.paths
        cfg = p.config_dir
        name = cfg.name
        return template.format(
            cfg=cfg, cfgfile=p.config_file, parent=cfg.parent, name=name, state=p.state_dir,
            stateparent=p.state_dir.parent, statename=p.state_dir.name, cache=p.cache_dir, run=p.runtime_dir,
            grants=p.grants_db, audit=p.audit_log, key=p.integrity_key, home=self.home, project=self.project,
            tmp=self.tmp, cfg_q=str(cfg)[:-1] + "?", cfg_star=f"{cfg.parent}/{name[0]}*",
            rel_cfgfile=os.path.relpath(p.config_file, self.project), bin=BIN, venv=Path(sys.prefix),
            pid=self.extra.get("pid", 0), cfgvar="$ADR_HOME/config" if self.layout == "adr_home" else "$XDG_CONFIG_HOME/adr",
            statevar="$ADR_HOME" if self.layout == "adr_home" else "$XDG_STATE_HOME/adr",
            q="{", Q="}")


def make_install(root: Path, layout: str, config: str = "", warm: bool = True) -> Install:
    """A fresh installation under `root`: its own HOME, project dir and adr dirs (not started);
    `warm`: with the shipped packs' signed cache already there (_daemon_helpers.warm_rule_cache)."""
    root.mkdir(parents=True, exist_ok=True)
    home, project, tmp = root / "home", root / "project", root / "tmp"
    for d in (home, project, tmp):
        d.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADR_", "XDG_"))}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1", ADR_NOTIFIER="none")
    if layout == "adr_home":
        env["ADR_HOME"] = str(root / "adrhome")
    else:
        for var, d in (("XDG_CONFIG_HOME", "xdg-config"), ("XDG_STATE_HOME", "xdg-state"),
                       ("XDG_CACHE_HOME", "xdg-cache"), ("XDG_RUNTIME_DIR", "xdg-run")):
            (root / d).mkdir(mode=0o700, exist_ok=True)
            env[var] = str(root / d)
    paths = get_paths(env).ensure()
    paths.config_file.write_text(config or "mode: enforce\n")
    if warm:
        warm_rule_cache(paths)
    return Install(root, layout, env, paths, home, project, tmp)


def start(inst: Install) -> Install:
    inst.daemon = DaemonProc(inst.root, env=inst.env).start()
    inst.extra["pid"] = inst.daemon.proc.pid if inst.daemon.proc else 0
    return inst


def stop(inst: Install) -> None:
    if inst.daemon is not None:
        inst.daemon.stop()
        inst.daemon = None


def payload(command: "str | None" = None, *, tool: str = "Bash", path: str = "", content: str = "",
            old: str = "", cwd: "str | Path" = "/", session: str = "selfdef") -> dict[str, Any]:
    if tool == "Bash":
        tin: dict[str, Any] = {"command": command}
    elif tool == "Write":
        tin = {"file_path": path, "content": content}
    elif tool == "Edit":
        tin = {"file_path": path, "old_string": old, "new_string": content}
    else:
        tin = {"file_path": path}
    return {"hook_event_name": "PreToolUse", "session_id": session, "cwd": str(cwd), "tool_name": tool,
            "tool_input": tin}


def hook(inst: Install, command: "str | None" = None, *, env: "dict[str, str] | None" = None,
         **kw: Any) -> tuple[str, str]:
    """(decision, reason) from the real hook: allow | ask | deny, as Claude Code would read them.
    Each call is its own session unless one is given: what one attempt gets must not depend on the
    attempts before it (a session with many denies goes into lockdown: the breakers' tests)."""
    kw.setdefault("cwd", inst.project)
    kw.setdefault("session", "sd-" + os.urandom(6).hex())
    data = json.dumps(payload(command, **kw)).encode()
    p = subprocess.run([str(HOOK), "claude-code"], input=data, capture_output=True, env=env or inst.env,
                       timeout=120)
    out = p.stdout.decode().strip()
    if p.returncode == 2:
        return "deny", p.stderr.decode()
    if not out:
        return "allow", ""
    spec = json.loads(out).get("hookSpecificOutput", {})
    return spec.get("permissionDecision", "allow"), spec.get("permissionDecisionReason", "")


def judged(inst: Install, spelling: str, want: str, **kw: Any) -> str:
    """Fill a spelling in, send it through the hook, check the decision; returns the reason."""
    cmd = inst.fmt(spelling)
    decision, reason = hook(inst, cmd, **kw)
    assert decision == want, f"{cmd!r} → {decision} (wanted {want}): {reason}"
    return reason


def audit_records(inst: Install) -> list[dict[str, Any]]:
    out = []
    for f in sorted(inst.paths.audit_dir.glob("*.jsonl")):
        for line in f.read_text().splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def bash(inst: Install, command: str, cwd: "Path | None" = None) -> subprocess.CompletedProcess[str]:
    """Run what the hook allowed, for real (the agent's next step)."""
    return subprocess.run(["bash", "-c", command], cwd=cwd or inst.project, env=inst.env, capture_output=True,
                          text=True, timeout=60)

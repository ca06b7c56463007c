"""Codex hook trust. Codex runs a non-managed hook only after a human trusted its exact
definition, and skips an untrusted or changed one silently.

Trust lives in Codex's config.toml as `[hooks.state."<key>"] trusted_hash = "sha256:…"`, where the
key is `<hooks.json path>:<event>:<group index>:<handler index>` (event in snake_case, e.g.
pre_tool_use) and the hash is Codex's own digest of the normalised hook definition. adr never
computes that hash: like Codex's /hooks screen it asks `codex app-server` (JSON-RPC over stdio)
for `hooks/list` (each hook's key, currentHash and trustStatus) and writes
`config/batchWrite {edits: [{keyPath: "hooks.state", mergeStrategy: "upsert", value: {key:
{trusted_hash: currentHash}}}]}` for adr's own hooks only, then lists again to verify. When
Codex is not on PATH, doctor falls back to reading config.toml (trusted_hash present or not).
Sources: developers.openai.com/codex/hooks ("Review and trust hooks"), openai/codex
codex-rs/hooks/src/engine/discovery.rs (key format, trust states).
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adr.integrations.install.base import InstallContext, is_adr_command, load_json, read_bytes

MANUAL = ("Codex skips new hooks until a human trusts them: start `codex`, run /hooks, and trust "
          "adr's PreToolUse, PermissionRequest and PostToolUse hooks (or rerun `adr install --host codex` with "
          "codex on PATH).")
EVENT_LABELS = {"PreToolUse": "pre_tool_use", "PermissionRequest": "permission_request",
                "PostToolUse": "post_tool_use", "SessionStart": "session_start"}
RPC_TIMEOUT = 20.0


@dataclass
class Outcome:
    ok: bool
    message: str


@dataclass
class HookTrust:
    key: str
    event: str
    command: str
    status: str  # trusted | untrusted | modified | managed | recorded (hash present, unverified)
    source: str  # app-server | config.toml


def codex_bin(ctx: InstallContext) -> str | None:
    return shutil.which("codex", path=ctx.env.get("PATH") or os.environ.get("PATH"))


class _Rpc:
    """A tiny JSON-RPC client for `codex app-server` (newline-delimited JSON on stdio)."""

    def __init__(self, exe: str, ctx: InstallContext) -> None:
        env = dict(os.environ)
        env.update(ctx.env)
        env["HOME"] = str(ctx.home)
        self.proc = subprocess.Popen([exe, "app-server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, text=True, bufsize=1)
        self.lines: "queue.Queue[str | None]" = queue.Queue()
        self.deadline = time.monotonic() + RPC_TIMEOUT
        self.next_id = 1
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self._send({"method": method, **({"params": params} if params is not None else {})})

    def call(self, method: str, params: dict[str, Any]) -> Any:
        rid = self.next_id
        self.next_id += 1
        self._send({"id": rid, "method": method, "params": params})
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"codex app-server did not answer {method}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError(f"codex app-server did not answer {method}") from None
            if line is None:
                raise RuntimeError("codex app-server exited")
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if isinstance(msg, dict) and msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    err = msg["error"] if isinstance(msg["error"], dict) else {}
                    raise RuntimeError(f"{method}: {err.get('message', msg['error'])}")
                return msg.get("result")

    def _send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=3)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def _open(exe: str, ctx: InstallContext) -> _Rpc:
    rpc = _Rpc(exe, ctx)
    rpc.call("initialize", {"clientInfo": {"name": "adr", "title": "adr", "version": "0.1.0"}})
    rpc.notify("initialized")
    return rpc


def _list(rpc: _Rpc, cwd: Path) -> list[dict[str, Any]]:
    res = rpc.call("hooks/list", {"cwds": [str(cwd)]}) or {}
    out = []
    for entry in res.get("data") or []:
        for h in entry.get("hooks") or [] if isinstance(entry, dict) else []:
            if isinstance(h, dict):
                out.append(h)
    return out


def _ours(hooks: list[dict[str, Any]], hooks_path: Path) -> list[dict[str, Any]]:
    def same(p: Any) -> bool:
        try:
            return Path(str(p)).resolve() == hooks_path.resolve()
        except OSError:
            return str(p) == str(hooks_path)
    return [h for h in hooks if same(h.get("sourcePath")) and is_adr_command(h.get("command"))]


def trust_adr_hooks(hooks_path: Path, ctx: InstallContext) -> Outcome:
    exe = codex_bin(ctx)
    if not exe:
        return Outcome(False, MANUAL)
    cwd = ctx.project or ctx.home
    try:
        rpc = _open(exe, ctx)
    except (OSError, RuntimeError, TimeoutError) as e:
        return Outcome(False, f"could not talk to `codex app-server` ({e}). {MANUAL}")
    try:
        ours = _ours(_list(rpc, cwd), hooks_path)
        if not ours:
            return Outcome(False, f"Codex does not list adr's hooks from {hooks_path}. {MANUAL}")
        pending = [h for h in ours if h.get("trustStatus") not in ("trusted", "managed")]
        if pending:
            value = {h["key"]: {"trusted_hash": h["currentHash"]} for h in pending
                     if isinstance(h.get("key"), str) and isinstance(h.get("currentHash"), str)}
            rpc.call("config/batchWrite", {"edits": [{"keyPath": "hooks.state", "mergeStrategy": "upsert",
                                                      "value": value}], "reloadUserConfig": True})
            ours = _ours(_list(rpc, cwd), hooks_path)
        bad = [h for h in ours if h.get("trustStatus") not in ("trusted", "managed")]
        if bad:
            return Outcome(False, f"Codex still reports {len(bad)} adr hook(s) as "
                                  f"{bad[0].get('trustStatus')}. {MANUAL}")
        return Outcome(True, f"Codex trusts adr's {len(ours)} hook(s) (verified with codex app-server).")
    except (OSError, RuntimeError, TimeoutError, KeyError, TypeError, AttributeError) as e:
        return Outcome(False, f"codex app-server: {e}. {MANUAL}")
    finally:
        rpc.close()


def _config_toml(ctx: InstallContext, codex_home: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads((codex_home / "config.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def inspect(hooks_path: Path, codex_home: Path, ctx: InstallContext) -> tuple[list[HookTrust], list[str]]:
    """adr's hooks in hooks_path with their trust state, and warnings (feature switched off …)."""
    warnings: list[str] = []
    cfg = _config_toml(ctx, codex_home)
    features = cfg.get("features") if isinstance(cfg.get("features"), dict) else {}
    if features.get("hooks") is False or features.get("codex_hooks") is False:
        warnings.append(f"hooks are switched off in {codex_home / 'config.toml'} ([features] hooks = false)")
    exe = codex_bin(ctx)
    if exe:
        try:
            rpc = _open(exe, ctx)
            try:
                ours = _ours(_list(rpc, ctx.project or ctx.home), hooks_path)
            finally:
                rpc.close()
            return [HookTrust(str(h.get("key", "")), str(h.get("eventName", "")), str(h.get("command", "")),
                              str(h.get("trustStatus", "unknown")), "app-server") for h in ours], warnings
        except (OSError, RuntimeError, TimeoutError) as e:
            warnings.append(f"codex app-server did not answer ({e}); read config.toml instead")
    states = cfg.get("hooks", {}).get("state", {}) if isinstance(cfg.get("hooks"), dict) else {}
    try:
        doc = load_json(read_bytes(hooks_path), hooks_path)
    except Exception:  # noqa: BLE001 — doctor reports, never raises
        return [], warnings
    out: list[HookTrust] = []
    hooks = doc.get("hooks") if isinstance(doc.get("hooks"), dict) else {}
    for event, groups in hooks.items():
        for gi, g in enumerate(groups if isinstance(groups, list) else []):
            for hi, h in enumerate((g.get("hooks") or []) if isinstance(g, dict) else []):
                if isinstance(h, dict) and is_adr_command(h.get("command")):
                    key = f"{hooks_path}:{EVENT_LABELS.get(event, event)}:{gi}:{hi}"
                    st = states.get(key) if isinstance(states, dict) else None
                    status = "recorded" if isinstance(st, dict) and st.get("trusted_hash") else "untrusted"
                    if isinstance(st, dict) and st.get("enabled") is False:
                        status = "disabled"
                    out.append(HookTrust(key, event, h["command"], status, "config.toml"))
    return out, warnings

"""One installer per host: where its config lives, and adr's entries in it.

Every installer writes the absolute `adr-hook` path and the hook timeout from Settings, merges
idempotently, and undoes exactly (see base.py). Config locations honour HOME (and the hosts' own
overrides: CODEX_HOME, XDG_CONFIG_HOME, OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH) so tests run under
a temp HOME.

Hosts that run a hook only once the host itself trusts it: Codex (hook trust, set through `codex
app-server`, codex_trust.py) and OpenClaw (the plugin must be enabled in openclaw.json, which adr
writes; the install record is made through `openclaw plugins install`, openclaw_trust.py).
`--no-trust` (ctx.trust = False) keeps adr from running either CLI.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from adr import paths as adr_paths
from adr.integrations import claude_code, codex, cursor, gemini, windsurf
from adr.integrations.install.base import (DELETE, OWNED_MARKER, FileChange, InstallContext, InstallError, Result,
                                           adr_handler_values, dump_json, flat_commands, flat_remove_all, flat_set, grouped_commands,
                                           grouped_remove_all, grouped_set, install_file,
                                           load_json, read_bytes, uninstall_file)


class HostInstaller:
    host = ""
    label = ""
    project_scope = True  # supports --project

    # -- locations
    def config_dir(self, ctx: InstallContext) -> Path:
        raise NotImplementedError

    def detected(self, ctx: InstallContext) -> bool:
        return self.config_dir(ctx).is_dir()

    def files(self, ctx: InstallContext) -> list[Path]:
        raise NotImplementedError

    # -- operations
    def install(self, ctx: InstallContext) -> Result:
        raise NotImplementedError

    def uninstall(self, ctx: InstallContext) -> Result:
        raise NotImplementedError

    def configured(self, ctx: InstallContext) -> dict[str, list[str]]:
        """event → adr hook commands found in the host config (empty: not installed)."""
        raise NotImplementedError

    timeout_key = "timeout"  # the handler field holding the hook timeout ("" = the host has none)
    timeout_scale = 1  # host units per second

    def configured_timeouts(self, ctx: InstallContext) -> list[float]:
        """The timeouts (seconds) of adr's installed handlers, for doctor's sanity check."""
        if not self.timeout_key:
            return []
        out = []
        for path in self.files(ctx):
            try:
                doc = load_json(read_bytes(path), path)
            except InstallError:
                continue
            out += [v / self.timeout_scale for v in adr_handler_values(doc, self.timeout_key)
                    if isinstance(v, (int, float)) and not isinstance(v, bool)]
        return out

    def check_project(self, ctx: InstallContext) -> None:
        if ctx.project is not None and not self.project_scope:
            raise InstallError(f"{self.label} has no per-project hooks; install without --project")


# ---- JSON configs that adr shares with the user ---------------------------------------------------

class JsonHostInstaller(HostInstaller):
    """A host config that is a JSON object adr adds entries to."""

    def user_file(self, ctx: InstallContext) -> Path:
        raise NotImplementedError

    def project_file(self, project: Path) -> Path:
        raise NotImplementedError

    def files(self, ctx: InstallContext) -> list[Path]:
        return [self.project_file(ctx.project) if ctx.project else self.user_file(ctx)]

    def add(self, doc: dict[str, Any], ctx: InstallContext, path: Path) -> dict[str, Any]:
        """Add adr's entries to doc; return host-specific undo data (kept in the manifest)."""
        raise NotImplementedError

    def strip(self, doc: dict[str, Any], extra: dict[str, Any]) -> bool:
        raise NotImplementedError

    def commands(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        raise NotImplementedError

    def _strip_bytes(self, path: Path):  # type: ignore[no-untyped-def]
        def strip(current: bytes, extra: dict[str, Any]) -> bytes | None:
            try:
                doc = load_json(current, path)
            except InstallError:
                return None
            return dump_json(doc) if self.strip(doc, extra) else None
        return strip

    def install(self, ctx: InstallContext) -> Result:
        self.check_project(ctx)
        res = Result(self.host)
        for path in self.files(ctx):
            extra: dict[str, Any] = {}

            def new_bytes(current: bytes | None, path: Path = path) -> bytes:
                doc = load_json(current, path)
                before = json.dumps(doc, sort_keys=True)
                extra.update(self.add(doc, ctx, path))
                if current is not None and json.dumps(doc, sort_keys=True) == before:
                    return current  # nothing to add: keep the user's bytes (and formatting)
                return dump_json(doc)

            res.changes.append(install_file(ctx, self.host, path, new_bytes, self._strip_bytes(path), extra))
        return res

    def uninstall(self, ctx: InstallContext) -> Result:
        self.check_project(ctx)
        res = Result(self.host)
        for path in self.files(ctx):
            change = uninstall_file(ctx, self.host, path, self._strip_bytes(path))
            res.changes.append(change)
        return res

    def configured(self, ctx: InstallContext) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path in self.files(ctx):
            try:
                doc = load_json(read_bytes(path), path)
            except InstallError:
                continue
            for k, v in self.commands(doc).items():
                out.setdefault(k, []).extend(v)
        return out


class ClaudeCodeInstaller(JsonHostInstaller):
    host, label = "claude-code", "Claude Code"

    def config_dir(self, ctx: InstallContext) -> Path:
        return ctx.home / ".claude"

    def user_file(self, ctx: InstallContext) -> Path:
        return ctx.home / ".claude" / "settings.json"

    def project_file(self, project: Path) -> Path:
        return project / ".claude" / "settings.json"

    def add(self, doc: dict[str, Any], ctx: InstallContext, path: Path) -> dict[str, Any]:
        handler = {"type": "command", "command": ctx.command(self.host), "timeout": ctx.timeout}
        grouped_set(doc, path, "PreToolUse", {"matcher": claude_code.PRE_TOOL_MATCHER, "hooks": [handler]})
        grouped_set(doc, path, "PostToolUse", {"matcher": claude_code.POST_TOOL_MATCHER, "hooks": [handler]})
        grouped_set(doc, path, "SessionStart", {"hooks": [handler]})
        return {}

    def strip(self, doc: dict[str, Any], extra: dict[str, Any]) -> bool:
        return grouped_remove_all(doc)

    def commands(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        return grouped_commands(doc)


class CursorInstaller(JsonHostInstaller):
    host, label = "cursor", "Cursor"

    def config_dir(self, ctx: InstallContext) -> Path:
        return ctx.home / ".cursor"

    def user_file(self, ctx: InstallContext) -> Path:
        return ctx.home / ".cursor" / "hooks.json"

    def project_file(self, project: Path) -> Path:
        return project / ".cursor" / "hooks.json"

    def add(self, doc: dict[str, Any], ctx: InstallContext, path: Path) -> dict[str, Any]:
        extra = {}
        if "version" not in doc:
            doc["version"] = 1
            extra["added_version"] = True
        for event in cursor.EVENTS:
            flat_set(doc, path, event, {"command": ctx.command(self.host), "timeout": ctx.timeout})
        return extra

    def strip(self, doc: dict[str, Any], extra: dict[str, Any]) -> bool:
        changed = flat_remove_all(doc)
        if changed and extra.get("added_version") and set(doc) == {"version"}:
            del doc["version"]
        return changed

    def commands(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        return flat_commands(doc)


class GeminiInstaller(JsonHostInstaller):
    host, label = "gemini", "Gemini CLI"
    timeout_scale = 1000  # milliseconds

    def config_dir(self, ctx: InstallContext) -> Path:
        return ctx.home / ".gemini"

    def user_file(self, ctx: InstallContext) -> Path:
        return ctx.home / ".gemini" / "settings.json"

    def project_file(self, project: Path) -> Path:
        return project / ".gemini" / "settings.json"

    def add(self, doc: dict[str, Any], ctx: InstallContext, path: Path) -> dict[str, Any]:
        handler = {"type": "command", "command": ctx.command(self.host), "name": "adr",
                   "timeout": ctx.timeout * 1000}  # Gemini counts milliseconds
        grouped_set(doc, path, "BeforeTool", {"matcher": gemini.PRE_TOOL_MATCHER, "hooks": [handler]})
        grouped_set(doc, path, "AfterTool", {"matcher": gemini.AFTER_TOOL_MATCHER, "hooks": [handler]})
        grouped_set(doc, path, "SessionStart", {"hooks": [handler]})
        extra = {}
        if "hooksConfig" not in doc:  # stable builds run hooks only when this is on
            doc["hooksConfig"] = {"enabled": True}
            extra["added_hooksConfig"] = True
        return extra

    def strip(self, doc: dict[str, Any], extra: dict[str, Any]) -> bool:
        changed = grouped_remove_all(doc)
        if extra.get("added_hooksConfig") and doc.get("hooksConfig") == {"enabled": True}:
            del doc["hooksConfig"]
            changed = True
        return changed

    def commands(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        return grouped_commands(doc)


class CodexInstaller(JsonHostInstaller):
    host, label = "codex", "Codex CLI"

    def config_dir(self, ctx: InstallContext) -> Path:
        ch = ctx.env.get("CODEX_HOME")
        return Path(ch) if ch else ctx.home / ".codex"

    def user_file(self, ctx: InstallContext) -> Path:
        return self.config_dir(ctx) / "hooks.json"

    def project_file(self, project: Path) -> Path:
        return project / ".codex" / "hooks.json"

    def add(self, doc: dict[str, Any], ctx: InstallContext, path: Path) -> dict[str, Any]:
        handler = {"type": "command", "command": ctx.command(self.host), "timeout": ctx.timeout,
                   "statusMessage": "adr: checking"}
        grouped_set(doc, path, "PreToolUse", {"matcher": codex.PRE_TOOL_MATCHER, "hooks": [handler]})
        grouped_set(doc, path, "PermissionRequest", {"matcher": codex.PRE_TOOL_MATCHER, "hooks": [handler]})
        grouped_set(doc, path, "PostToolUse", {"matcher": codex.POST_TOOL_MATCHER, "hooks": [handler]})
        return {}

    def strip(self, doc: dict[str, Any], extra: dict[str, Any]) -> bool:
        return grouped_remove_all(doc)

    def commands(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        return grouped_commands(doc)

    def install(self, ctx: InstallContext) -> Result:
        res = super().install(ctx)
        from adr.integrations.install import codex_trust

        path = self.files(ctx)[0]
        if ctx.dry_run:
            return res
        if ctx.project is not None:
            res.notes.append(f"Codex loads {path} only when the project's .codex/ layer is trusted "
                             f"([projects.\"{ctx.project}\"] trust_level = \"trusted\" in config.toml).")
        if not ctx.trust:
            res.warnings.append(codex_trust.MANUAL)
            return res
        outcome = codex_trust.trust_adr_hooks(path, ctx)
        (res.notes if outcome.ok else res.warnings).append(outcome.message)
        return res


class WindsurfInstaller(JsonHostInstaller):
    host, label = "windsurf", "Windsurf"
    timeout_key = ""  # Cascade hooks have no per-hook timeout setting

    def config_dir(self, ctx: InstallContext) -> Path:
        return ctx.home / ".codeium" / "windsurf"

    def user_file(self, ctx: InstallContext) -> Path:
        return self.config_dir(ctx) / "hooks.json"

    def project_file(self, project: Path) -> Path:
        return project / ".windsurf" / "hooks.json"

    def add(self, doc: dict[str, Any], ctx: InstallContext, path: Path) -> dict[str, Any]:
        for event in windsurf.PRE_EVENTS + windsurf.SCANNED_POST_EVENTS:
            flat_set(doc, path, event, {"command": ctx.command(self.host), "show_output": True})
        return {}

    def strip(self, doc: dict[str, Any], extra: dict[str, Any]) -> bool:
        return flat_remove_all(doc)

    def commands(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        return flat_commands(doc)


# ---- files adr owns outright ----------------------------------------------------------------------

def _template(*parts: str) -> str:
    try:
        p = adr_paths.hooks_dir().joinpath(*parts)
        return p.read_text(encoding="utf-8")
    except (adr_paths.MissingShippedData, OSError) as e:
        raise InstallError(f"adr's {'/'.join(parts)} template is missing from this installation: {e}") from None


def _render(text: str, ctx: InstallContext) -> bytes:
    return (text.replace("__ADR_HOOK__", json.dumps(str(ctx.hook_bin))[1:-1])
                .replace("__ADR_SOCKET__", json.dumps(str(ctx.paths.socket))[1:-1])
                .replace("__ADR_TIMEOUT_MS__", str(ctx.timeout * 1000))).encode("utf-8")


def _strip_owned(current: bytes, extra: dict[str, Any]) -> bytes | None:
    return DELETE if OWNED_MARKER.encode() in current else None


class OwnedFilesInstaller(HostInstaller):
    """Hosts where adr ships its own files (plugins, a hook file of its own)."""

    def sources(self, ctx: InstallContext) -> dict[Path, bytes]:
        raise NotImplementedError

    def files(self, ctx: InstallContext) -> list[Path]:
        return list(self.sources(ctx))

    def install(self, ctx: InstallContext) -> Result:
        self.check_project(ctx)
        res = Result(self.host)
        for path, data in self.sources(ctx).items():
            res.changes.append(install_file(ctx, self.host, path, lambda cur, d=data: d, _strip_owned))
        return res

    def uninstall(self, ctx: InstallContext) -> Result:
        self.check_project(ctx)
        res = Result(self.host)
        # reverse: the first file installed recorded the directories adr created; it goes last
        for path in reversed(self.files(ctx)):
            change = uninstall_file(ctx, self.host, path, _strip_owned)
            res.changes.insert(0, change)
        return res

    def configured(self, ctx: InstallContext) -> dict[str, list[str]]:
        main = self.files(ctx)[0]
        data = read_bytes(main)
        if data is None or OWNED_MARKER.encode() not in data:
            return {}
        return {self.event: [self.hook_command_in(data)]}

    event = ""

    def configured_timeouts(self, ctx: InstallContext) -> list[float]:
        data = read_bytes(self.files(ctx)[0]) or b""
        m = re.search(rb"const TIMEOUT_MS = (\d+);", data)
        return [int(m.group(1)) / 1000] if m else []

    def hook_command_in(self, data: bytes) -> str:
        text = data.decode("utf-8", "replace")
        marker = 'const ADR_HOOK = "'
        i = text.find(marker)
        if i < 0:
            return ""
        j = text.find('"', i + len(marker))
        return json.loads('"' + text[i + len(marker):j] + '"') + f" {self.host}"


class OpenCodeInstaller(OwnedFilesInstaller):
    host, label, event = "opencode", "OpenCode", "tool.execute.before"

    def config_dir(self, ctx: InstallContext) -> Path:
        xdg = ctx.env.get("XDG_CONFIG_HOME")
        return (Path(xdg) if xdg else ctx.home / ".config") / "opencode"

    def sources(self, ctx: InstallContext) -> dict[Path, bytes]:
        base = (ctx.project / ".opencode") if ctx.project else self.config_dir(ctx)
        return {base / "plugins" / "adr.js": _render(_template("opencode", "adr.js"), ctx)}


class OpenClawInstaller(OwnedFilesInstaller):
    """adr's plugin in $OPENCLAW_STATE_DIR/extensions/adr, *enabled* in openclaw.json (OpenClaw runs a
    discovered plugin's hooks only when it is explicitly enabled), and, when the `openclaw` CLI is on
    PATH, recorded as installed by OpenClaw itself. See openclaw_trust.py for what OpenClaw does."""

    host, label, event, project_scope = "openclaw", "OpenClaw", "before_tool_call", False

    def config_dir(self, ctx: InstallContext) -> Path:
        from adr.integrations.install import openclaw_trust

        return openclaw_trust.state_dir(ctx)

    def sources(self, ctx: InstallContext) -> dict[Path, bytes]:
        d = self.config_dir(ctx) / "extensions" / "adr"
        return {d / "index.js": _render(_template("openclaw", "index.js"), ctx),
                d / "openclaw.plugin.json": _template("openclaw", "openclaw.plugin.json").encode(),
                d / "package.json": _template("openclaw", "package.json").encode()}

    def files(self, ctx: InstallContext) -> list[Path]:
        from adr.integrations.install import openclaw_trust

        return [*self.sources(ctx), openclaw_trust.config_path(ctx)]  # the plugin first: configured() reads it

    def install(self, ctx: InstallContext) -> Result:
        from adr.integrations.install import openclaw_trust as oc

        self.check_project(ctx)
        cfg = oc.config_path(ctx)
        if oc.config_read_only(ctx):
            raise InstallError(f"OpenClaw's config is read-only here (OPENCLAW_NIX_MODE / OPENCLAW_CONFIG_READONLY): "
                               f"adr will not write {cfg}. Declare the plugin in your Nix/OpenClaw source config "
                               "(plugins.entries.adr.enabled = true) and install with that config writable.")
        before = read_bytes(cfg)
        exe = oc.openclaw_bin(ctx) if ctx.trust else None
        try:
            load_json(before, cfg)
            plain_json = True
        except InstallError as e:
            plain_json = False
            if not exe:  # nothing adr may rewrite, and no OpenClaw to do it: refuse before writing anything
                raise InstallError(f"{e}. OpenClaw accepts JSON5, adr edits only plain JSON: add "
                                   "\"plugins\": {\"entries\": {\"adr\": {\"enabled\": true}}} yourself, or run "
                                   "again with `openclaw` on PATH (OpenClaw then rewrites its own config).") from None
        res = super().install(ctx)
        via_cli = False
        if ctx.dry_run:
            pass
        elif oc.install_record(ctx).status == "recorded":
            res.notes.append("OpenClaw already records adr's plugin install.")
        elif exe:
            outcome = oc.register(exe, ctx, self.sources(ctx))
            via_cli = True
            (res.notes if outcome.ok else res.warnings).append(outcome.message)
            again = super().install(ctx)  # OpenClaw copied the files in: they must still be adr's, byte for byte
            for c in again.changes:
                if c.action != "unchanged":
                    res.warnings.append(f"{c.path} differed after `openclaw plugins install`; adr rewrote it")
        else:
            res.warnings.append(oc.NO_RECORD if ctx.trust else
                                "--no-trust: not asking OpenClaw to record the install. " + oc.NO_RECORD)
        if ctx.dry_run and not plain_json:
            res.changes.append(FileChange(cfg, "updated", "dry run: `openclaw plugins install` would rewrite it"))
            return res
        try:
            res.changes.append(oc.enable_in_config(ctx, before, via_cli=via_cli))
        except InstallError as e:
            raise InstallError(f"{e}. adr's plugin files are in place but OpenClaw will not run them until "
                               f"plugins.entries.adr.enabled is true in {cfg} ({'; '.join(res.warnings)})") from None
        try:
            ok, why = oc.enablement(load_json(read_bytes(cfg), cfg))
        except InstallError:
            ok, why = True, ""
        if not ok and not ctx.dry_run:
            res.warnings.append(f"{cfg}: {why}; OpenClaw will not call adr's plugin until that changes.")
        res.notes.append("OpenClaw picks up adr's plugin on its next start (a running Gateway: "
                         "`openclaw plugins reload adr`).")
        return res

    def uninstall(self, ctx: InstallContext) -> Result:
        from adr.integrations.install import openclaw_trust as oc

        self.check_project(ctx)
        change, notes, warnings = oc.restore_config(ctx)  # first: the record, through OpenClaw
        res = Result(self.host)
        for path in reversed(list(self.sources(ctx))):  # the first file's manifest holds the created dirs
            res.changes.insert(0, uninstall_file(ctx, self.host, path, _strip_owned))
        res.changes.append(change)
        res.notes += notes
        res.warnings += warnings
        return res


class CopilotInstaller(OwnedFilesInstaller):
    """Copilot CLI loads every *.json in ~/.copilot/hooks/ ($COPILOT_HOME/hooks) and in a
    repository's .github/hooks/: adr adds its own file (adr.json) rather than editing the user's."""

    host, label, event = "copilot", "GitHub Copilot", "preToolUse"
    timeout_key = "timeoutSec"

    def config_dir(self, ctx: InstallContext) -> Path:
        ch = ctx.env.get("COPILOT_HOME")
        return Path(ch) if ch else ctx.home / ".copilot"

    def sources(self, ctx: InstallContext) -> dict[Path, bytes]:
        handler = {"type": "command", "bash": ctx.command(self.host), "timeoutSec": ctx.timeout}
        doc = {"version": 1, "description": f"{OWNED_MARKER}: adr judges Copilot tool calls",
               "hooks": {"preToolUse": [handler], "postToolUse": [dict(handler)]}}
        base = ctx.project / ".github" if ctx.project else self.config_dir(ctx)
        return {base / "hooks" / "adr.json": dump_json(doc)}

    def configured(self, ctx: InstallContext) -> dict[str, list[str]]:
        data = read_bytes(self.files(ctx)[0])
        try:
            doc = load_json(data, self.files(ctx)[0])
        except InstallError:
            return {}
        return flat_commands(doc, key="bash")

    configured_timeouts = JsonHostInstaller.configured_timeouts  # adr.json is JSON like the shared configs


INSTALLERS: dict[str, HostInstaller] = {i.host: i for i in (
    ClaudeCodeInstaller(), CursorInstaller(), GeminiInstaller(), CodexInstaller(), CopilotInstaller(),
    WindsurfInstaller(), OpenClawInstaller(), OpenCodeInstaller())}


def detected_hosts(ctx: InstallContext) -> list[str]:
    return [h for h, i in INSTALLERS.items() if i.detected(ctx)]


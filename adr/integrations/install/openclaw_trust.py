"""OpenClaw: what makes it call adr's plugin, and its install record.

What OpenClaw 2026.9.6 does (read in its dist/ and checked with real agent turns):

* **Enablement decides whether the hook runs.** OpenClaw discovers every plugin under
  `$OPENCLAW_STATE_DIR/extensions/` (default ~/.openclaw) and `openclaw plugins list` shows it
  "enabled, loaded", but an agent run imports a non-bundled plugin only when it is *explicitly*
  enabled: `plugins.entries.<id>.enabled: true`, or the id listed in `plugins.allow`
  (runtime-plugin-load-plan / gateway-startup-plugin-loader: `activationState.explicitlyEnabled`).
  A plugin that is merely discovered never gets its `before_tool_call` called. `plugins.deny`,
  `plugins.enabled: false`, `entries.<id>.enabled: false`, or a non-empty `plugins.allow` without
  the id switch it off.
* **The install record is provenance only.** `openclaw plugins install DIR` copies DIR into
  extensions/<id>, sets `plugins.entries.<id>.enabled: true` in openclaw.json (rewriting the file:
  JSON5 comments stripped, a `meta` block added, mode 0600, the old bytes kept as
  openclaw.json.bak), and records the install (`{source: "path", sourcePath, installPath, version,
  installedAt, acceptedSurface, acceptedSurfaceHash, acceptedSurfaceAt}`) in the generated
  installed-plugin index: the row `plugins.installedIndex` of table `config_machine_state` in
  `$OPENCLAW_STATE_DIR/state/openclaw.sqlite` (marked "DO NOT EDIT", with OpenClaw's own revision,
  policy and manifest hashes). Without a record OpenClaw reports "trust: record-missing" and warns
  on every run that it "can't verify where this plugin came from"; the hook runs all the same
  (a path install is "origin-path", no more trusted: trust gates only OpenClaw's channel features).
  `openclaw plugins uninstall ID --keep-files` removes the record and leaves
  `plugins.entries.<id> = {enabled: false}` behind.
* **`openclaw agent exec` calls no before_tool_call at all, but runs trusted tool policies.**
  Without --isolated it reads the same openclaw.json and loads adr's plugin into its per-run
  registry, but its CLI start-up policy is `loadPlugins: "never"` (command-catalog), so no registry
  is ever activated and the global hook runner that dispatches before_tool_call is never created
  (activatePluginRegistry → initializeGlobalHookRunner; runBeforeToolCallHook finds none). A
  *trusted tool policy* is looked up differently: runBeforeToolCallHook (agent-tools.before-tool-
  call-*.mjs) asks getGlobalHookRunnerRegistry(), which sees the per-run registry, and runs
  runTrustedToolPolicies there — in `agent --local` too, right before before_tool_call, in the
  same function. So adr's plugin registers one, `api.registerTrustedToolPolicy({id: "adr",
  description, evaluate(event, ctx)})`; the loader (registerTrustedToolPolicy in
  loader-runtime-load-*.mjs) accepts it only when the manifest declares
  `contracts.trustedToolPolicies: ["adr"]` and the plugin is explicitly enabled (what adr's
  install does), and otherwise reports a registration error and drops it. `evaluate` gets the
  before_tool_call event ({toolName, params, runId, toolCallId}) and a tool context ({toolName,
  sessionKey, sessionId, runId, toolCallId, …}) and may return `{block: true, blockReason}` (or
  `{allow: false, reason}`): the reason is what the agent is told; `{requireApproval}`: OpenClaw's
  approval flow, as for the hook; `{params}`: adjusted arguments; nothing: no opinion. A throw is a
  block ("policy evaluation failed"): fail closed. A block ends the call before any
  before_tool_call; otherwise the hooks still run — so the plugin remembers each call its policy
  judged (run id + tool-call id) and its before_tool_call, kept for where the policy is not
  registered, lets that call be: one judgement per tool call, in `agent --local` and `agent exec`
  (tests/e2e/test_openclaw.py). With --isolated (and, by the source, --auth-env-only) exec reads
  no config and looks for plugins only in its temporary state dir, so the plugin is not even
  loaded and nothing of adr's runs (strict xfail); no openclaw.json setting adr could write
  changes that.

So adr (1) writes the enablement into openclaw.json itself — plain JSON merge, undone exactly like
every other host config (base.py) — which is what protects; and (2) when the `openclaw` CLI is on
PATH, asks OpenClaw to record the install (`openclaw plugins install <staged copy> --force
--accept-capabilities`), because the record lives in OpenClaw's generated SQLite index, which adr
must not write. adr only ever *reads* that index (read-only SQLite), for idempotence and doctor.
The undo manifest of openclaw.json keeps the bytes from before adr *and* before OpenClaw's rewrite,
so `adr uninstall` (which runs `openclaw plugins uninstall adr --force --keep-files` first)
restores the user's file byte for byte.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adr.integrations.install.base import (FileChange, InstallContext, InstallError, Manifest, dump_json,
                                           load_json, read_bytes, sha256, uninstall_file, write_atomic)

HOST = "openclaw"
PLUGIN_ID = "adr"
INDEX_KEY = "plugins.installedIndex"
CLI_TIMEOUT = 180.0  # seconds; one `openclaw plugins …` takes 12-20 s on 2 busy cores
NO_RECORD = ("OpenClaw runs adr's plugin (it is enabled in openclaw.json) but has no install record for it, so "
             "it warns on every run that it \"can't verify where this plugin came from\" (trust: record-missing). "
             "Run `adr install --host openclaw` again with `openclaw` (and Node >= 24) on PATH to record it.")


@dataclass
class Outcome:
    ok: bool
    message: str


@dataclass
class RecordState:
    status: str  # recorded | missing | elsewhere | unknown
    detail: str
    record: dict[str, Any] | None = None


# ---- where OpenClaw keeps things ---------------------------------------------------------------------

def state_dir(ctx: InstallContext) -> Path:
    sd = (ctx.env.get("OPENCLAW_STATE_DIR") or "").strip()
    return Path(sd).expanduser() if sd else ctx.home / ".openclaw"


def plugin_dir(ctx: InstallContext) -> Path:
    return state_dir(ctx) / "extensions" / PLUGIN_ID


def config_path(ctx: InstallContext) -> Path:
    cp = (ctx.env.get("OPENCLAW_CONFIG_PATH") or "").strip()
    return Path(cp).expanduser() if cp else state_dir(ctx) / "openclaw.json"


def state_db(ctx: InstallContext) -> Path:
    return state_dir(ctx) / "state" / "openclaw.sqlite"


def config_read_only(ctx: InstallContext) -> bool:
    return ctx.env.get("OPENCLAW_NIX_MODE") == "1" or ctx.env.get("OPENCLAW_CONFIG_READONLY") == "1"


def openclaw_bin(ctx: InstallContext) -> str | None:
    return shutil.which("openclaw", path=ctx.env.get("PATH") or os.environ.get("PATH"))


# ---- the install record (read-only) --------------------------------------------------------------------

def _same_dir(a: Any, b: Path) -> bool:
    if not isinstance(a, str) or not a.strip():
        return False
    try:
        return Path(a).expanduser().resolve() == b.resolve()
    except OSError:
        return Path(a) == b


def install_record(ctx: InstallContext) -> RecordState:
    """OpenClaw's install record for adr's plugin, read from its state database without writing it."""
    db = state_db(ctx)
    if not db.is_file():
        return RecordState("missing", f"{db} does not exist")
    try:
        con = sqlite3.connect(f"file:{urllib.parse.quote(str(db))}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT value_json FROM config_machine_state WHERE state_key = ?", (INDEX_KEY,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error as e:
        return RecordState("unknown", f"cannot read {db}: {e}")
    if row is None:
        return RecordState("missing", f"{db} has no installed-plugin index yet")
    try:
        records = json.loads(row[0])["index"]["installRecords"]
        rec = records.get(PLUGIN_ID) if isinstance(records, dict) else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return RecordState("unknown", f"{db}: {INDEX_KEY} has a shape adr does not know")
    if not isinstance(rec, dict):
        return RecordState("missing", f"no install record for {PLUGIN_ID!r} in {db}")
    where = plugin_dir(ctx)
    if not _same_dir(rec.get("installPath"), where):
        return RecordState("elsewhere", f"the install record for {PLUGIN_ID!r} points to {rec.get('installPath')!r}, "
                                        f"not {where}", rec)
    return RecordState("recorded", f"{rec.get('source', '?')} install of {where}", rec)


# ---- running the openclaw CLI ----------------------------------------------------------------------------

def _tail(text: str, n: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else "…" + text[-n:]


def run_cli(exe: str, args: list[str], ctx: InstallContext, timeout: float | None = None) -> tuple[bool, str]:
    """`openclaw ARGS` (argv, no shell) in its own process group, killed whole on timeout."""
    timeout = CLI_TIMEOUT if timeout is None else timeout
    env = dict(os.environ)
    env.update(ctx.env)
    env["HOME"] = str(ctx.home)
    env.setdefault("NO_COLOR", "1")
    what = f"`openclaw {' '.join(args[:2])}`"
    try:
        p = subprocess.Popen([exe, *args], env=env, cwd=str(ctx.home) if ctx.home.is_dir() else None,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    except OSError as e:
        return False, f"cannot run {exe}: {e}"
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            p.kill()
        p.communicate()
        return False, f"{what} did not finish within {timeout:g} s (killed)"
    if p.returncode != 0:
        return False, f"{what} exited {p.returncode}: {_tail(err or out)}"
    return True, _tail(out)


def register(exe: str, ctx: InstallContext, sources: dict[Path, bytes]) -> Outcome:
    """Have OpenClaw record adr's plugin: `plugins install` of a staged copy of the same files."""
    stage = Path(tempfile.mkdtemp(prefix="adr-openclaw-plugin-"))
    try:
        for path, data in sources.items():
            (stage / path.name).write_bytes(data)
        ok, msg = run_cli(exe, ["plugins", "install", str(stage), "--force", "--accept-capabilities"], ctx)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if not ok:
        return Outcome(False, f"could not record adr's plugin with OpenClaw: {msg}. adr enabled the plugin in "
                              f"openclaw.json itself, so it protects; {NO_RECORD}")
    rec = install_record(ctx)
    if rec.status != "recorded":
        return Outcome(False, f"`openclaw plugins install` succeeded but {rec.detail}. {NO_RECORD}")
    return Outcome(True, "OpenClaw recorded adr's plugin install (`openclaw plugins install`).")


def unregister(exe: str, ctx: InstallContext) -> Outcome:
    ok, msg = run_cli(exe, ["plugins", "uninstall", PLUGIN_ID, "--force", "--keep-files"], ctx)
    if not ok:
        return Outcome(False, f"could not remove OpenClaw's install record for adr: {msg}. Run "
                              f"`openclaw plugins uninstall {PLUGIN_ID} --keep-files` yourself.")
    rec = install_record(ctx)
    if rec.status == "recorded":
        return Outcome(False, f"`openclaw plugins uninstall {PLUGIN_ID}` left the install record in place.")
    return Outcome(True, "OpenClaw's install record for adr removed (`openclaw plugins uninstall adr --keep-files`).")


# ---- the enablement in openclaw.json ------------------------------------------------------------------------

def _obj(parent: dict[str, Any], key: str, path: Path, where: str) -> dict[str, Any]:
    v = parent.get(key)
    if v is None:
        v = parent[key] = {}
    if not isinstance(v, dict):
        raise InstallError(f"{path}: {where} must be an object")
    return v


def enable(doc: dict[str, Any], path: Path) -> None:
    """plugins.entries.adr.enabled = true, and "adr" in a non-empty (restrictive) plugins.allow."""
    plugins = _obj(doc, "plugins", path, "'plugins'")
    entries = _obj(plugins, "entries", path, "'plugins.entries'")
    entry = _obj(entries, PLUGIN_ID, path, f"'plugins.entries.{PLUGIN_ID}'")
    if entry.get("enabled") is not True:
        entry["enabled"] = True
    allow = plugins.get("allow")
    if isinstance(allow, list) and allow and PLUGIN_ID not in allow:
        allow.append(PLUGIN_ID)


def prior_state(doc: dict[str, Any] | None) -> dict[str, Any]:
    """What the user's own config (without adr) held where adr writes: kept in the undo manifest."""
    plugins = doc.get("plugins") if isinstance(doc, dict) else None
    plugins = plugins if isinstance(plugins, dict) else None
    entries = plugins.get("entries") if plugins else None
    entries = entries if isinstance(entries, dict) else None
    allow = plugins.get("allow") if plugins else None
    return {"had_plugins": plugins is not None, "had_entries": entries is not None,
            "had_entry": entries is not None and PLUGIN_ID in entries,
            "entry": copy.deepcopy(entries.get(PLUGIN_ID)) if entries else None,
            "allow_had_adr": isinstance(allow, list) and PLUGIN_ID in allow}


def strip(doc: dict[str, Any], extra: dict[str, Any]) -> bool:
    """Put back what the user had (per `extra`); without it, remove adr's entry and allow-list id."""
    plugins = doc.get("plugins")
    if not isinstance(plugins, dict):
        return False
    changed = False
    entries = plugins.get("entries")
    if isinstance(entries, dict) and PLUGIN_ID in entries:
        if extra.get("had_entry"):
            if entries[PLUGIN_ID] != extra.get("entry"):
                entries[PLUGIN_ID] = copy.deepcopy(extra.get("entry"))
                changed = True
        else:  # adr's own entry, or the {enabled: false} marker `openclaw plugins uninstall` leaves
            del entries[PLUGIN_ID]
            changed = True
        if changed and not entries and not extra.get("had_entries"):
            del plugins["entries"]
    allow = plugins.get("allow")
    if isinstance(allow, list) and PLUGIN_ID in allow and not extra.get("allow_had_adr"):
        plugins["allow"] = [a for a in allow if a != PLUGIN_ID]
        changed = True
    if changed and not plugins and not extra.get("had_plugins"):
        del doc["plugins"]
    return changed


def strip_bytes(current: bytes, extra: dict[str, Any]) -> bytes | None:
    try:
        doc = load_json(current, Path("openclaw.json"))
    except InstallError:
        return None
    return dump_json(doc) if strip(doc, extra) else None


def enablement(doc: dict[str, Any]) -> tuple[bool, str]:
    """Would an OpenClaw agent run load adr's plugin (and so call its before_tool_call)?"""
    plugins = doc.get("plugins") if isinstance(doc.get("plugins"), dict) else {}
    entries = plugins.get("entries") if isinstance(plugins.get("entries"), dict) else {}
    entry = entries.get(PLUGIN_ID) if isinstance(entries.get(PLUGIN_ID), dict) else {}
    allow = plugins.get("allow") if isinstance(plugins.get("allow"), list) else []
    deny = plugins.get("deny") if isinstance(plugins.get("deny"), list) else []
    if plugins.get("enabled") is False:
        return False, "plugins.enabled is false: OpenClaw loads no plugin at all"
    if PLUGIN_ID in deny:
        return False, f"plugins.deny lists {PLUGIN_ID!r}"
    if entry.get("enabled") is False:
        return False, f"plugins.entries.{PLUGIN_ID}.enabled is false"
    if allow and PLUGIN_ID not in allow:
        return False, f"plugins.allow does not list {PLUGIN_ID!r}"
    if entry.get("enabled") is True:
        return True, f"plugins.entries.{PLUGIN_ID}.enabled is true"
    if PLUGIN_ID in allow:
        return True, f"plugins.allow lists {PLUGIN_ID!r}"
    return False, (f"neither plugins.entries.{PLUGIN_ID}.enabled nor plugins.allow names {PLUGIN_ID!r}: OpenClaw "
                   "discovers the plugin but never loads it into an agent run")


def _mkparents(path: Path) -> list[str]:
    missing, p = [], path.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir()
    return [str(d) for d in reversed(missing)]


def enable_in_config(ctx: InstallContext, before: bytes | None, *, via_cli: bool) -> FileChange:
    """Make openclaw.json enable adr's plugin; record the undo from `before` (the bytes as they were
    before this install touched the file, i.e. before `openclaw plugins install` rewrote it)."""
    path = config_path(ctx)
    current = read_bytes(path)
    doc = load_json(current, path)
    snapshot = json.dumps(doc, sort_keys=True)
    enable(doc, path)
    new = current if current is not None and json.dumps(doc, sort_keys=True) == snapshot else dump_json(doc)
    if ctx.dry_run:
        return FileChange(path, "unchanged" if new == before else "created" if before is None else "updated", "dry run")
    created: list[str] = []
    if new != current:
        created = _mkparents(path)
        write_atomic(path, new)
    if new == before:
        return FileChange(path, "unchanged")
    m = Manifest(ctx.paths, HOST, path)
    if m.exists and sha256(before) == m.data.get("installed_sha256"):  # type: ignore[union-attr]
        original = m.original()
        created = list(m.data.get("created_dirs", []))  # type: ignore[union-attr]
        extra = dict(m.data.get("extra", {}))  # type: ignore[union-attr]
    else:  # first install (an entry for adr there is the user's own), or the user edited the file since
        # adr's install: their content minus adr's (the manifest says what adr added) is the new original
        stripped = strip_bytes(before, dict(m.data.get("extra", {}))) if m.exists and before else None  # type: ignore[union-attr]
        original = before if stripped is None else stripped
        try:
            extra = prior_state(load_json(original, path)) if original is not None else prior_state(None)
        except InstallError:  # JSON5 that OpenClaw rewrote: its original bytes are kept all the same
            extra = prior_state(None)
        if m.exists and before is None:
            created = list(m.data.get("created_dirs", [])) + created  # type: ignore[union-attr]
    m.save(original=original, installed=new, created_dirs=created, extra=extra)
    note = "plugins.entries.adr.enabled" + (" (after `openclaw plugins install`)" if via_cli else "")
    return FileChange(path, "created" if before is None else "updated", note)


def restore_config(ctx: InstallContext) -> tuple[FileChange, list[str], list[str]]:
    """Uninstall: drop OpenClaw's install record (through OpenClaw), then undo openclaw.json exactly.

    Returns (change, notes, warnings)."""
    path = config_path(ctx)
    notes: list[str] = []
    warnings: list[str] = []
    current = read_bytes(path)
    m = Manifest(ctx.paths, HOST, path)
    untouched = m.exists and current is not None and sha256(current) == m.data.get("installed_sha256")  # type: ignore[union-attr]
    rec = install_record(ctx)
    if rec.status == "recorded":
        exe = openclaw_bin(ctx)
        if ctx.dry_run:
            notes.append("would remove OpenClaw's install record for adr (`openclaw plugins uninstall adr --keep-files`)")
        elif exe:
            out = unregister(exe, ctx)
            (notes if out.ok else warnings).append(out.message)
            if untouched and read_bytes(path) != current:
                write_atomic(path, current)  # type: ignore[arg-type]  # undo OpenClaw's rewrite; the exact restore follows
        else:
            warnings.append("OpenClaw still has an install record for adr's plugin, and `openclaw` is not on PATH "
                            "to remove it: run `openclaw plugins uninstall adr --keep-files`.")
    elif rec.status == "unknown":
        warnings.append(f"could not check OpenClaw's install record for adr: {rec.detail}")
    return uninstall_file(ctx, HOST, path, strip_bytes), notes, warnings


# ---- doctor ----------------------------------------------------------------------------------------------

def inspect(ctx: InstallContext) -> list[tuple[str, str, str]]:
    """(check name, ok|warn|fail, detail) for adr's installed OpenClaw plugin."""
    out: list[tuple[str, str, str]] = []
    path = config_path(ctx)
    try:
        data = read_bytes(path)
    except InstallError as e:
        data, out = None, [("plugin enabled", "fail", str(e))]
    if not out:
        if data is None:
            out.append(("plugin enabled", "fail", f"{path} does not exist, so nothing enables adr's plugin: OpenClaw "
                                                  "never calls its before_tool_call. Run `adr install --host openclaw`."))
        else:
            try:
                ok, why = enablement(load_json(data, path))
                out.append(("plugin enabled", "ok", f"{why} ({path})") if ok else
                           ("plugin enabled", "fail", f"{why} in {path}: OpenClaw never calls adr's before_tool_call. "
                                                      "Run `adr install --host openclaw`."))
            except InstallError as e:
                out.append(("plugin enabled", "warn", f"{e}; check that plugins.entries.adr.enabled is true"))
    rec = install_record(ctx)
    if rec.status == "recorded":
        out.append(("install record", "ok", f"OpenClaw records adr's plugin ({rec.detail})"))
    elif rec.status == "elsewhere":
        out.append(("install record", "warn", rec.detail))
    elif rec.status == "unknown":
        out.append(("install record", "warn", rec.detail))
    else:
        out.append(("install record", "warn", f"{rec.detail}. {NO_RECORD}"))
    return out

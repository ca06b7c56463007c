"""The file monitor: sensitive files of the user and adr's own, watched with watchdog.

What is watched (never a recursive watch of all of $HOME — each file's own directory, flat, or a
small directory of its own):

| category | files | when |
|---|---|---|
| adr-config | config.yaml | always — reverted (adr/respond/revert.py) |
| hook-config | every host config adr's installer wrote (backups/ manifests) | always — reverted |
| adr-rules, adr-hook | user rules, adr-hook and the native clients | while a session is active |
| shell-rc | ~/.bashrc, ~/.profile, ~/.zshrc … fish's config | while a session is active |
| ssh | ~/.ssh/authorized_keys, config, rc, environment | 〃 |
| credentials | cloud (aws, gcloud, azure, kube, docker), package managers (npm, pypi, pip, cargo, gem, yarn), netrc, git/gh credentials | 〃 (content never shown) |
| autostart | systemd user units, ~/.config/autostart, environment.d, LaunchAgents | 〃 |
| git-config, git-hooks | ~/.gitconfig, each active session's .git/config and .git/hooks | 〃 |

A change (debounced: editors save in bursts) is compared with the content seen before, shown as a
diff in the alert (credentials: which keys changed, never values), judged after the fact with the
same engine as a hooked write (a file_write of the new content: a `curl … | sh` added to ~/.bashrc
hits the persistence rules), and attributed by time to the session whose allowed action was in
flight (the last one within INFLIGHT_WINDOW) or to the session running at the time. A change that the
in-flight action itself was judged to make (its path, or a write the shell layer predicted) was
already decided by a hook: it is recorded, not alerted. Cron tables live in a spool only root can
read (`crontab` is judged by the rules and the shims instead).
"""
from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from adr.actions import Action, ActionKind, Context, Decision
from adr.component import CallContext, CallSpec, Component, Decided
from adr.record.audit import event_entry
from adr.respond import revert as R
from adr.respond.alerts import Alert

log = logging.getLogger("adr.monitor")

DEBOUNCE = 0.2  # seconds after the last event on a path before it is looked at
INSTALL_SETTLE = 0.5  # an install manifest changed this recently: adr's installer is at work
INFLIGHT_WINDOW = 30.0  # seconds an allowed action counts as "in flight" for attribution
ACTIVE_WINDOW = 900.0  # a hook session seen this recently is active
REFRESH_EVERY = 1.0
MAX_FILE = 1024 * 1024
MAX_DIR_FILES = 256
DIFF_LINES = 60
DIFF_CHARS = 4000
MISSING = object()

RC_FILES = (".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv",
            ".zprofile", ".zlogin", ".kshrc", ".mkshrc", ".inputrc", ".xprofile", ".xsessionrc")
SSH_FILES = ("authorized_keys", "authorized_keys2", "config", "rc", "environment")
CREDENTIALS = (".aws/credentials", ".aws/config", ".config/gcloud/credentials.db",
               ".config/gcloud/application_default_credentials.json", ".config/gcloud/access_tokens.db",
               ".azure/msal_token_cache.json", ".azure/accessTokens.json", ".kube/config", ".docker/config.json",
               ".npmrc", ".yarnrc.yml", ".yarnrc", ".pypirc", ".config/pip/pip.conf", ".pip/pip.conf", ".netrc",
               ".gem/credentials", ".cargo/credentials", ".cargo/credentials.toml", ".git-credentials",
               ".config/gh/hosts.yml", ".m2/settings.xml", ".terraformrc", ".config/hub")
AUTOSTART_DIRS = (".config/autostart", ".config/systemd/user", ".config/environment.d", "Library/LaunchAgents")
GIT_FILES = (".gitconfig", ".config/git/config", ".config/git/attributes")
SEVERITY = {"adr-config": "critical", "hook-config": "critical", "adr-rules": "high", "adr-hook": "critical",
            "shell-rc": "high", "ssh": "high", "autostart": "high", "git-hooks": "high",
            "credentials": "medium", "git-config": "medium"}


@dataclass(frozen=True)
class Target:
    path: Path
    category: str
    is_dir: bool = False
    recursive: bool = False
    secret: bool = False  # never show its content
    always: bool = False  # watched whether or not a session is active


def targets(paths: Any, home: Path, hook_configs: Iterable[Path], projects: Iterable[str]) -> list[Target]:
    """Everything the file monitor watches (files may not exist yet: creating them is a change)."""
    out = [Target(paths.config_file, "adr-config", always=True),
           Target(paths.user_rules_dir, "adr-rules", is_dir=True),
           Target(paths.state_dir / "native", "adr-hook", is_dir=True, recursive=True),
           Target(Path(sys.executable).parent / "adr-hook", "adr-hook")]
    out += [Target(p, "hook-config", always=True) for p in hook_configs]
    out += [Target(home / f, "shell-rc") for f in RC_FILES]
    out += [Target(home / ".config/fish/config.fish", "shell-rc"),
            Target(home / ".config/fish/conf.d", "shell-rc", is_dir=True)]
    out += [Target(home / ".ssh" / f, "ssh") for f in SSH_FILES]
    out += [Target(home / f, "credentials", secret=True) for f in CREDENTIALS]
    out += [Target(home / d, "autostart", is_dir=True, recursive=d.endswith("systemd/user")) for d in AUTOSTART_DIRS]
    out += [Target(home / f, "git-config") for f in GIT_FILES]
    for proj in sorted(set(projects)):
        gitdir = git_dir(Path(proj))
        if gitdir is not None:
            out += [Target(gitdir / "hooks", "git-hooks", is_dir=True), Target(gitdir / "config", "git-config")]
    return out


def git_dir(project: Path) -> "Path | None":
    """A work tree's git directory (`.git`, or where a worktree's `.git` file points)."""
    dot = project / ".git"
    if dot.is_dir():
        return dot
    try:
        text = dot.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    if text.startswith("gitdir:"):
        p = Path(text[7:].strip())
        return p if p.is_absolute() else (project / p)
    return None


def read(path: Path) -> "bytes | None":
    return R.read(path, MAX_FILE)


def diff(old: "bytes | None", new: "bytes | None", path: Path, secret: bool) -> str:
    """A unified diff for the human (clipped; for secret files only the keys of changed lines)."""
    if old == new:
        return ""
    if (old or b"").find(b"\0") >= 0 or (new or b"").find(b"\0") >= 0:
        return f"binary content changed ({R.sha(old)[:12]} → {R.sha(new)[:12]})"
    a = (old or b"").decode("utf-8", "replace").splitlines()
    b = (new or b"").decode("utf-8", "replace").splitlines()
    lines = list(difflib.unified_diff(a, b, f"{path} (before)" if old is not None else "/dev/null",
                                      str(path) if new is not None else "/dev/null", n=1, lineterm=""))
    if secret:
        lines = [ln if ln.startswith(("---", "+++", "@@")) else ln[:1] + _key_only(ln[1:]) for ln in lines]
    text, total = "", 0
    for i, ln in enumerate(lines):
        if i >= DIFF_LINES or total + len(ln) > DIFF_CHARS:
            text += f"… ({len(lines) - i} more diff lines)\n"
            break
        text += ln[:400] + "\n"
        total += len(ln)
    return text


def _key_only(line: str) -> str:
    if line.strip().startswith("[") and line.strip().endswith("]"):
        return line  # an ini section header
    for sep in ("=", ":"):
        if sep in line:
            return line.split(sep, 1)[0].rstrip() + f" {sep} …"
    return "…" if line.strip() else line


def write_targets(action: Action, home: str) -> set[str]:
    """The files an action was judged to write (normalized: ~/.bashrc)."""
    from adr.engine.pathnorm import normalize

    cwd = action.context.cwd
    if action.kind in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT, ActionKind.FILE_DELETE):
        return {normalize(action.path, cwd, home)}
    if action.kind is not ActionKind.EXEC:
        return set()
    try:
        from adr.shell.parse import parse_remembered

        return {normalize(w.path, cwd, home) for w in parse_remembered(action.command).writes}
    except Exception:  # noqa: BLE001 — a command the shell layer cannot read predicts nothing
        return set()


@dataclass(frozen=True)
class InFlight:
    at: float
    host: str
    session: str
    summary: str
    targets: frozenset[str]


class FileMonitor(Component):
    name = "files"

    def __init__(self, daemon: Any) -> None:
        super().__init__(daemon)
        self.home = Path(os.environ.get("HOME") or Path.home())
        self.watch: list[Target] = []
        self.files: dict[Path, Target] = {}
        self.dirs: dict[Path, Target] = {}
        self.snap: dict[Path, "bytes | None"] = {}
        self.last_good: dict[Path, "bytes | None"] = {}  # hook configs: the last version with adr's part intact
        self.installed: dict[Path, "tuple[str, bytes | None]"] = {}
        self.expected: dict[Path, str] = {}  # adr's own writes about to land: path → sha
        self.pending: "OrderedDict[Path, float]" = OrderedDict()
        self.inflight: "OrderedDict[str, InFlight]" = OrderedDict()
        self.config_pending = ""  # sha of a weakening config.yaml the guard holds
        self.counts = {"changes": 0, "alerts": 0, "reverted": 0, "recorded": 0}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._manifest_event = 0.0
        self._observer: Any = None
        self._watches: dict[tuple[str, bool], Any] = {}
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._refreshed = 0.0
        self._projects: frozenset[str] = frozenset()
        self._rearm = False
        self.enabled = False

    # ---- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._loop.run_in_executor(None, self._start)

    def _start(self) -> None:
        from watchdog.observers import Observer

        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()
        self._refresh(initial=True)
        self._thread = threading.Thread(target=self._run, name="adr-files", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        loop = asyncio.get_running_loop()
        if self._thread is not None:
            await loop.run_in_executor(None, self._thread.join, 5)
        if self._observer is not None:
            obs = self._observer
            await loop.run_in_executor(None, lambda: (obs.stop(), obs.join(2)))

    def _settings(self) -> Any:
        return self.daemon.loaded.settings

    # ---- what to watch -------------------------------------------------------------------------------

    def _active_projects(self) -> frozenset[str]:
        from adr.daemon.sessions import project_root

        out: set[str] = set()
        now = time.time()
        reg = self.daemon.component("sessions")
        for s in list(reg.by_key.values()) if reg is not None else []:
            if s.project and now - s.last_seen < ACTIVE_WINDOW:
                out.add(s.project)
        procs = self.daemon.component("processes")
        for info in procs.sessions() if procs is not None else []:
            spec = procs.trees.get(info["session"])
            if spec is not None and spec.spec.cwd:
                out.add(project_root(spec.spec.cwd))
        return frozenset(p for p in out if p.startswith("/"))

    def _refresh(self, initial: bool = False) -> None:
        """Recompute the watch list (install manifests, active projects) and re-arm the observer."""
        self._refreshed = time.monotonic()
        self.enabled = bool(self._settings().monitor_files)
        installed = R.installed_by_adr(self.daemon.paths)
        projects = self._active_projects()
        if not initial and installed.keys() == self.installed.keys() and projects == self._projects:
            self.installed = installed
            if self._rearm:
                self._rearm = False
                self._arm()
            return
        self._projects = projects
        new_hooks = [p for p in installed if p not in self.installed]
        self.installed = installed
        self.watch = targets(self.daemon.paths, self.home, installed, projects)
        self.files = {t.path: t for t in self.watch if not t.is_dir}
        self.dirs = {t.path: t for t in self.watch if t.is_dir}
        for t in self.watch:  # what is there now is the reference for the next change
            for p in self._paths_of(t):
                if p not in self.snap:
                    self.snap[p] = read(p)
        for p in (list(installed) if initial else new_hooks):
            self._adopt_hook_config(p, at_start=initial)
        if initial:
            self._adopt_config()
        self._arm()

    def _paths_of(self, t: Target) -> list[Path]:
        if not t.is_dir:
            return [t.path]
        out: list[Path] = []
        walker = os.walk(t.path) if t.recursive else [(str(t.path), [], _listdir(t.path))]
        for root, _dirs, names in walker:
            for n in names:
                out.append(Path(root) / n)
                if len(out) >= MAX_DIR_FILES:
                    return out
        return out

    def _arm(self) -> None:
        """Watch each target's directory (flat) or the target directory itself; the nearest existing
        ancestor of a missing one, so its creation is seen."""
        from watchdog.events import FileSystemEventHandler

        wanted: set[tuple[str, bool]] = {(str(self.daemon.paths.backups_dir), True)} \
            if self.daemon.paths.backups_dir.is_dir() else set()
        for t in self.watch:
            d = t.path if t.is_dir else t.path.parent
            rec = t.recursive and t.is_dir
            while not d.is_dir() and d != d.parent:
                d, rec = d.parent, False
            wanted.add((str(d), rec))
        if not self.daemon.paths.backups_dir.is_dir():
            wanted.add((str(self.daemon.paths.state_dir), False))
        monitor = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                for p in (event.src_path, getattr(event, "dest_path", "") or ""):
                    if p:
                        monitor._event(Path(os.fsdecode(p)))

        handler = Handler()
        for key in list(self._watches):
            if key not in wanted:
                with contextlib.suppress(Exception):
                    self._observer.unschedule(self._watches.pop(key))
        armed = []
        for d, rec in sorted(wanted):
            if (d, rec) in self._watches:
                continue
            try:
                self._watches[(d, rec)] = self._observer.schedule(handler, d, recursive=rec)
                armed.append(Path(d))
            except OSError as e:
                log.warning("cannot watch %s: %s", d, e)
        if armed and self._thread is not None:
            # a directory that appeared just now (mkdir ~/.ssh && write config): what was written
            # before the watch was armed is compared with the reference too
            now = time.monotonic()
            with self._lock:
                for t in self.watch:
                    for p in self._paths_of(t):
                        if any(a == p.parent or a in p.parents for a in armed) and read(p) != self.snap.get(p):
                            self.pending[p] = now - DEBOUNCE
            self._wake.set()

    # ---- events -----------------------------------------------------------------------------------

    def _event(self, p: Path) -> None:
        """(watchdog thread) Note a changed path; the worker looks at it once it settles."""
        if self._relevant(p):
            with self._lock:
                self.pending[p] = time.monotonic()
                self.pending.move_to_end(p)
            self._wake.set()
        elif p == self.daemon.paths.backups_dir or self.daemon.paths.backups_dir in p.parents:
            self._manifest_event = time.monotonic()
            self._refreshed = 0.0  # look at the manifests again soon
            self._wake.set()
        elif any(t.path == p or p in t.path.parents for t in self.watch):
            self._rearm = True  # a directory on the way to a target appeared: watch it
            self._refreshed = 0.0
            self._wake.set()

    def _relevant(self, p: Path) -> bool:
        return p in self.files or self._dir_target(p) is not None

    def _dir_target(self, p: Path) -> "Target | None":
        t = self.dirs.get(p.parent)
        if t is not None:
            return t
        for d, t in self.dirs.items():
            if t.recursive and d in p.parents:
                return t
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(0.25)
            self._wake.clear()
            try:
                if time.monotonic() - self._refreshed >= REFRESH_EVERY:
                    self._refresh()
                    self._check_config_hold()
                self._process_due()
            except Exception:
                log.exception("file monitor failed")

    def _process_due(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = [p for p, t in self.pending.items() if now - t >= DEBOUNCE]
            hook_wait = now - self._manifest_event < INSTALL_SETTLE
            due = [p for p in due if not (hook_wait and self.files.get(p, Target(p, "")).category == "hook-config")]
            for p in due:
                self.pending.pop(p, None)
            if self.pending:
                self._wake.set()
        if due and now - self._refreshed >= 0.05:
            self._refresh()
        for p in due:
            self._process(p)

    def _process(self, p: Path) -> None:
        t = self.files.get(p) or self._dir_target(p)
        if t is None:
            return
        if p.name.endswith((".adr-tmp", ".adr-revert")) or (t.category == "git-hooks" and p.name.endswith(".sample")):
            return
        new = read(p)
        old = self.snap.get(p, None)
        if p in self.expected and self.expected[p] == R.sha(new):
            del self.expected[p]
            self.snap[p] = new
            return
        if new == old:
            return
        self.snap[p] = new
        if old is None and new == b"" and t.category not in ("hook-config", "adr-config"):
            # created and not yet written (`open(…, "w")`, then the write, a moment apart on a busy machine):
            # what it holds comes with the next event, shown against empty — one alert with its content
            return
        self.counts["changes"] += 1
        if t.category == "hook-config":
            self._hook_config(t, p, old, new)
        elif t.category == "adr-config":
            self._adr_config(t, p, old, new)
        elif self.enabled:
            self._sensitive(t, p, old, new)

    # ---- hook configs: adr's part must stay --------------------------------------------------------

    def _adopt_hook_config(self, p: Path, at_start: bool) -> None:
        cur = read(p)
        digest, installed = self.installed.get(p, ("", None))
        if at_start and installed is not None and R.adr_part(cur) != R.adr_part(installed) and self.enabled:
            # changed while adr was not watching: back to what adr installed
            self._revert_hook(Target(p, "hook-config", always=True), p, cur, installed,
                              "while adr was not running")
            return
        self.last_good[p] = cur

    def _hook_config(self, t: Target, p: Path, old: "bytes | None", new: "bytes | None") -> None:
        digest, _installed = self.installed.get(p, ("", None))
        good = self.last_good.get(p, old)
        if p not in self.installed:  # adr's hooks were uninstalled: no longer adr's business
            self.last_good.pop(p, None)
            return
        if digest and digest == R.sha(new):  # adr's installer wrote it
            self.last_good[p] = new
            return
        if R.adr_part(new) == R.adr_part(good):
            self.last_good[p] = new  # the user's (or the host's) own edit: adr's hook is intact
            att = self._attribute(p)
            if att is not None and self.enabled:
                self._alert(t, p, old, new, att, severity="medium", note="adr's hook in it is intact")
            return
        if not self.enabled:
            return
        self._revert_hook(t, p, new, good, "")

    def _revert_hook(self, t: Target, p: Path, tampered: "bytes | None", good: "bytes | None", when: str) -> None:
        reverted = False
        if self._settings().revert_tamper:
            try:
                self.expected[p] = R.sha(good)
                R.restore(p, good)
                self.snap[p] = good
                reverted = True
                self.counts["reverted"] += 1
            except OSError as e:
                log.error("cannot restore %s: %s", p, e)
        self.last_good[p] = good
        att = self._attribute(p)
        what = ("adr's hook was removed or switched off in " + str(p) + (f" {when}" if when else "")
                + ("; it was put back" if reverted else "; NOT put back (revert_tamper is off)"))
        self._alert(t, p, good, tampered, att, severity="critical", note=what, reverted=reverted,
                    title=f"{p.name}: adr's hook tampered with" + (" — restored" if reverted else ""))

    # ---- adr's config.yaml ----------------------------------------------------------------------------

    def _adopt_config(self) -> None:
        known, _data = R.read_confirmed_config(self.daemon.paths)
        if self.daemon.guard.hold is None:
            R.keep_confirmed_config(self.daemon.paths, read(self.daemon.paths.config_file))
        elif not known:
            from adr.config import read_confirmed, render_config

            s = read_confirmed(self.daemon.paths)
            if s is not None:
                R.keep_confirmed_config(self.daemon.paths, render_config(s).encode())

    def _adr_config(self, t: Target, p: Path, old: "bytes | None", new: "bytes | None") -> None:
        from adr.config import ConfigError, Settings, parse_config_text, read_confirmed, weakenings

        known, confirmed = R.read_confirmed_config(self.daemon.paths)
        if known and new == confirmed:
            return
        if not self.enabled:
            return
        try:
            wanted = parse_config_text(new.decode("utf-8")) if new is not None else Settings()
            problem = ""
        except (ConfigError, UnicodeDecodeError) as e:
            wanted, problem = None, str(e)
        att = self._attribute(p)
        if wanted is None:  # a config that does not load: adr would not start with it
            if known and self._settings().revert_tamper:
                self._restore_config(confirmed)
                self._alert(t, p, confirmed, new, att, severity="critical", reverted=True,
                            title="config.yaml broken — restored",
                            note=f"config.yaml no longer loads ({problem[:200]}); the last confirmed file was put back")
            else:
                self._alert(t, p, confirmed if known else old, new, att, severity="critical",
                            title="config.yaml broken", note=f"config.yaml no longer loads ({problem[:200]})")
            return
        in_force = read_confirmed(self.daemon.paths) or Settings()
        weaker = weakenings(in_force, wanted)
        if not weaker:
            R.keep_confirmed_config(self.daemon.paths, new)
            if att is not None:
                self._alert(t, p, confirmed if known else old, new, att, severity="medium",
                            title="adr's config.yaml changed during an agent session",
                            note="the change does not weaken protection; it is in force")
            else:
                self._record(t, p, "config.yaml changed (no weakening; in force)")
            return
        self.config_pending = R.sha(new)
        self._alert(t, p, confirmed if known else old, new, att, severity="critical",
                    title="config.yaml asks for weaker protection",
                    note=("weaker settings are held until you confirm them (`adr config confirm`): "
                          + "; ".join(w.describe() for w in weaker)
                          + ". If you refuse, the last confirmed config.yaml is put back."))

    def _check_config_hold(self) -> None:
        """A held weakening the human refused: restore the last confirmed file. Confirmed: keep it.
        Only once the daemon has loaded this very file: until then its hold (or its having none) is
        about an earlier one, and a weakened file must never be taken for the confirmed one."""
        if not self.config_pending:
            return
        guard = self.daemon.guard
        cur = read(self.daemon.paths.config_file)
        if R.sha(cur) != self.config_pending:
            self.config_pending = ""
            return
        loaded = self.daemon.loaded
        if getattr(loaded, "config_sha", None) != self.config_pending:
            return  # the reload this change triggers has not finished yet
        hold = loaded.hold
        if hold is not None and hold.digest in guard.refused:
            self.config_pending = ""
            known, confirmed = R.read_confirmed_config(self.daemon.paths)
            if known and self._settings().revert_tamper:
                self._restore_config(confirmed)
                t = self.files.get(self.daemon.paths.config_file) or Target(self.daemon.paths.config_file, "adr-config")
                self._alert(t, t.path, cur, confirmed, None, severity="high", reverted=True,
                            title="config.yaml restored",
                            note="you refused the weaker settings: the last confirmed config.yaml was put back")
        elif hold is None:
            self.config_pending = ""
            R.keep_confirmed_config(self.daemon.paths, cur)  # confirmed by the human

    def _restore_config(self, data: "bytes | None") -> None:
        p = self.daemon.paths.config_file
        self.expected[p] = R.sha(data)
        R.restore(p, data)
        self.snap[p] = data
        self.counts["reverted"] += 1

    # ---- every other sensitive file ---------------------------------------------------------------------

    def _sensitive(self, t: Target, p: Path, old: "bytes | None", new: "bytes | None") -> None:
        att = self._attribute(p)
        if att is not None and att.get("expected"):
            self._record(t, p, f"{p} changed by the action a hook judged: {att['action']}", att)
            return
        if att is None and not t.always and not self._active():
            return  # no agent session: the human's own edit
        verdict = self._judge(p, new, att)
        decision = verdict.decision if verdict is not None else Decision.ALLOW
        sev = SEVERITY.get(t.category, "high")
        if decision is Decision.DENY:
            sev = "critical"
        elif decision is Decision.ASK and sev not in ("critical",):
            sev = "high"
        rules = list(verdict.rule_ids) if verdict is not None else []
        note = f"the rules would {decision.value} this write" + (f" ({', '.join(rules)})" if rules else "") \
            if decision is not Decision.ALLOW else ""
        self._alert(t, p, old, new, att, severity=sev, note=note, rules=rules, decision=decision.value)

    def _judge(self, p: Path, new: "bytes | None", att: "dict[str, Any] | None") -> Any:
        loaded = self.daemon.loaded
        ctx = Context(host=(att or {}).get("host", "monitor"), session=(att or {}).get("session", ""),
                      cwd=str(self.home), tool="monitor")
        if new is None:
            action = Action(ActionKind.FILE_DELETE, ctx, path=str(p))
        else:
            action = Action(ActionKind.FILE_WRITE, ctx, path=str(p), content=new.decode("utf-8", "replace"))
        try:
            return loaded.judge.decide_bounded(action)[0]
        except Exception:  # noqa: BLE001
            log.exception("judging the change of %s failed", p)
            return None

    # ---- attribution --------------------------------------------------------------------------------------

    def decided(self, d: Decided) -> None:
        a = d.action
        if a is None or not a.context.session or d.verdict.decision is not Decision.ALLOW:
            return
        sid = a.context.session
        home = a.context.home or str(self.home)
        try:
            tg = frozenset(write_targets(a, home)) if a.kind in (ActionKind.EXEC, ActionKind.FILE_WRITE,
                                                                 ActionKind.FILE_EDIT, ActionKind.FILE_DELETE) else frozenset()
        except Exception:  # noqa: BLE001
            tg = frozenset()
        with self._lock:
            self.inflight[sid] = InFlight(time.time(), d.host or a.context.host, sid, a.summary(200), tg)
            self.inflight.move_to_end(sid)
            while len(self.inflight) > 512:
                self.inflight.popitem(last=False)

    def _attribute(self, p: Path) -> "dict[str, Any] | None":
        """The session whose action was in flight when p changed (or the one running then), or None."""
        from adr.engine.pathnorm import normalize

        now = time.time()
        with self._lock:
            recent = [f for f in self.inflight.values() if now - f.at <= INFLIGHT_WINDOW]
        if recent:
            f = max(recent, key=lambda x: x.at)
            norm = normalize(str(p), "/", str(self.home))
            return {"session": f.session, "host": f.host, "action": f.summary, "ago_s": round(now - f.at, 2),
                    "expected": norm in f.targets or any(x in f.targets for x in (str(p), norm))}
        procs = self.daemon.component("processes")
        trees = list(procs.trees.values()) if procs is not None else []
        if trees:
            tr = max(trees, key=lambda x: x.since)
            return {"session": tr.sid, "host": tr.spec.host, "action": "", "ago_s": None, "expected": False}
        return None

    def _active(self) -> bool:
        procs = self.daemon.component("processes")
        if procs is not None and procs.trees:
            return True
        reg = self.daemon.component("sessions")
        now = time.time()
        return any(now - s.last_seen < ACTIVE_WINDOW for s in list(reg.by_key.values())) if reg is not None else False

    # ---- telling --------------------------------------------------------------------------------------------

    def _alert(self, t: Target, p: Path, old: "bytes | None", new: "bytes | None", att: "dict[str, Any] | None", *,
               severity: str, note: str = "", reverted: bool = False, title: str = "", rules: "list[str] | None" = None,
               decision: str = "") -> None:
        d = diff(old, new, p, t.secret)
        who = ""
        if att is not None:
            who = (f" during session {att['session']} ({att['host']})"
                   + (f", in flight: {att['action']}" if att.get("action") else ""))
        what = "created" if old is None and new is not None else "deleted" if new is None else "changed"
        title = title or f"{_show(p, self.home)} {what}" + (f" during session {att['session']}" if att else "")
        detail = f"{_show(p, self.home)} ({t.category}) was {what}{who}." + (f" {note}." if note else "") + \
            (f"\n{d}" if d else "")
        data = (("path", str(p)), ("category", t.category), ("diff", d), ("reverted", reverted),
                ("action", (att or {}).get("action", "")), ("rules", rules or []), ("decision", decision),
                ("sha256", R.sha(new)))
        alert = Alert("file", title, detail, severity=severity, key=f"file:{p}:{R.sha(new)}",
                      session=(att or {}).get("session", ""), host=(att or {}).get("host", ""), data=data)
        self.counts["alerts"] += 1
        self._post(self.daemon.alerts.raise_alert, alert)

    def _record(self, t: Target, p: Path, summary: str, att: "dict[str, Any] | None" = None) -> None:
        self.counts["recorded"] += 1
        entry = event_entry("monitor", "file", summary, session=(att or {}).get("session", ""),
                            host=(att or {}).get("host", ""), monitor={"path": str(p), "category": t.category})
        self._post(self.daemon.write_audit, entry)

    def _post(self, fn: Any, *args: Any) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(fn, *args)

    # ---- status ---------------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        by: dict[str, int] = {}
        for t in self.watch:
            by[t.category] = by.get(t.category, 0) + 1
        return {"enabled": self.enabled, "watching": by, "directories": len(self._watches),
                "hook_configs": [str(p) for p in self.installed], "projects": sorted(self._projects),
                "active": self._active(), **self.counts}

    def calls(self) -> dict[str, CallSpec]:
        def listing(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
            return {"targets": [{"path": str(t.path), "category": t.category, "dir": t.is_dir,
                                 "exists": t.path.exists(), "always": t.always} for t in self.watch]}

        return {"list": CallSpec(listing)}


def _listdir(d: Path) -> list[str]:
    try:
        return [n for n in os.listdir(d) if os.path.isfile(os.path.join(d, n))]
    except OSError:
        return []


def _show(p: Path, home: Path) -> str:
    s = str(p)
    h = str(home).rstrip("/")
    return "~" + s[len(h):] if h and (s == h or s.startswith(h + "/")) else s

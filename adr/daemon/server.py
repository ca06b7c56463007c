"""The daemon: an asyncio Unix-socket server that judges actions and writes the audit log.

One event loop does everything a decision needs (the engine is pure and takes microseconds;
rule reloads, which compile and self-test rules, run in a worker thread and are swapped in
whole). Every connection's uid is checked by the kernel's peer credentials before a byte is read.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from dataclasses import replace as _replace
from typing import Any, Awaitable, Callable

import psutil

from adr.actions import Decision, Verdict
from adr.record.audit import AuditLog, error_entry, event_entry, now_iso
from adr.record.redact import redact
from adr.config import ConfigError, Settings, parse_config_text, read_settings, weakenings
from adr.daemon import protocol as P
from adr.daemon.approvals import Approvals
from adr.daemon.components import CallContext, Component, default_components
from adr.daemon.decide import Decider, origin_of
from adr.daemon.failsafe import unanswered_verdict
from adr.daemon.gate import PURPOSES, HumanGate, digest_of, requester_text, security_entry
from adr.daemon.instance import InstanceLock, adopt_socket, bind_socket, prepare_private_dir
from adr.daemon.peer import PeerCred, PeerCredError, peer_allowed, peer_credentials
from adr.daemon.settings_guard import SettingsGuard
from adr.daemon.watch import RuleWatcher
from adr.respond.alerts import Alert, Alerts
from adr.paths import Paths, builtin_rules_dir

log = logging.getLogger("adr.daemon")
Pending = Callable[[dict[str, Any]], Awaitable[None]]  # called with the "pending" data when the human is asked

IDLE_TIMEOUT = 120.0  # a connection that sends nothing for this long is closed
MAX_SESSIONS_TRACKED = 10_000


class StartupError(RuntimeError):
    """The daemon cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Loaded:
    """One consistent generation of settings + compiled rules, swapped in as a whole."""

    settings: Settings
    engine: Any
    loaded_at: float
    load_ms: float
    judge: Any = None  # adr.judge.Judge: every decision goes through it (online look-ups: a worker thread)
    hold: Any = None  # settings_guard.Hold: weaker settings config.yaml asks for, not in force until confirmed
    # sha256 of the config.yaml bytes these settings were read from ("" when the file changed while
    # it was read): the file monitor acts on a change only once a load has judged that very file
    config_sha: str = ""


def default_engine_loader(settings: Settings) -> Any:
    from adr.engine import load_engine  # imported lazily: the engine pulls in tree-sitter, re2, yaml

    engine = load_engine(settings)
    engine.compile_regexes()  # all now, at load: no decision waits on a field's first build
    return engine


class Stats:
    """Counters for `adr status` (owned by the event loop thread; no locking needed)."""

    def __init__(self) -> None:
        self.started = time.time()
        self.decisions: dict[str, int] = {"allow": 0, "ask": 0, "deny": 0, "error": 0}
        self.decided_by: dict[str, int] = {}
        self.sessions: dict[tuple[str, str], float] = {}
        self.refused_peers = 0
        self.bad_requests = 0
        self.reloads = 0
        self.last_reload: float | None = None
        self.last_reload_error: dict[str, Any] | None = None
        self.audit_errors = 0
        self.last_audit_error = ""
        self.active = 0
        self.wrapped: dict[str, dict[str, Any]] = {}  # `adr wrap` sessions (op session), by id

    def saw_session(self, host: str, session: str) -> None:
        if not session:
            return
        key = (host, session)
        if key not in self.sessions and len(self.sessions) >= MAX_SESSIONS_TRACKED:
            self.sessions.pop(next(iter(self.sessions)))
        self.sessions[key] = time.time()


class Daemon:
    def __init__(self, paths: Paths, *, expected_uid: int | None = None,
                 engine_loader: Callable[[Settings], Any] = default_engine_loader,
                 settings_loader: Callable[[Paths], Settings] = read_settings,
                 watch: bool = True) -> None:
        self.paths = paths
        self.expected_uid = os.geteuid() if expected_uid is None else expected_uid
        self._engine_loader = engine_loader
        self._settings_loader = settings_loader
        self._watch = watch
        self.stats = Stats()
        self.loaded: Loaded | None = None
        self.audit: AuditLog | None = None
        self._lock = InstanceLock(paths.pid_file)
        self._server: asyncio.base_events.Server | None = None
        self._stopping: asyncio.Event | None = None
        self._watcher: RuleWatcher | None = None
        self._socket_path = Path(paths.socket)
        self._socket_ino: int | None = None
        self.socket_adopted = False  # the socket came from systemd: it stays when the daemon stops
        self._reload_task: asyncio.Task[Any] | None = None
        self._reload_again = False
        self._stop_reason = ""
        self.approvals: Approvals | None = None  # pending questions to the human (approvals.py)
        self.gate: HumanGate | None = None  # who may act for the human (gate.py)
        self.guard = SettingsGuard(paths, self._audit)  # weaker settings wait for the human (settings_guard.py)
        self.alerts = Alerts(self._audit, self._notifiers)  # what the human must see (adr/respond/alerts.py)
        self.components: list[Component] = []  # adr/daemon/components.py
        self.decider: Decider | None = None  # the decide pipeline (adr/daemon/decide.py)

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        prepare_private_dir(self.paths.runtime_dir)
        self.paths.ensure()
        self._lock.acquire()  # AlreadyRunning
        try:
            try:
                self.loaded = await asyncio.get_running_loop().run_in_executor(None, self._load)
            except Exception as e:
                raise StartupError(f"cannot load rules/settings: {e}") from None
            self.audit = AuditLog(self.paths.audit_dir, self.loaded.settings.audit_max_bytes)
            from adr.policy.grants import GrantStore

            self.gate = HumanGate(self._audit)
            self.approvals = Approvals(GrantStore(self.paths.grants_db, on_tamper=self._grant_tampered), self._audit, gate=self.gate)
            await self.approvals.start()
            self._adopt_settings(self.loaded)
            self.decider = Decider(self)
            self._record_start()
            self.components = default_components(self)
            for c in self.components:
                await c.start()
            sock = adopt_socket(self._socket_path)  # handed over by systemd (the login service)
            self.socket_adopted = sock is not None
            if sock is None:
                sock = bind_socket(self._socket_path)
                self._socket_ino = os.stat(self._socket_path).st_ino  # ours to remove at shutdown
            self._server = await asyncio.start_unix_server(self._handle, sock=sock, limit=P.MAX_MESSAGE_BYTES + 1)
        except BaseException:
            self._lock.release()
            raise
        self._stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.request_stop, f"signal {sig.name}")
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
            loop.add_signal_handler(signal.SIGHUP, self.schedule_reload, "SIGHUP")
        if self._watch:
            self._watcher = RuleWatcher(loop, lambda: self.schedule_reload("rule files changed"))
            self._rewatch()
        st = self.loaded.engine.stats if hasattr(self.loaded.engine, "stats") else {}
        log.info("adr daemon %d listening on %s%s (%s rules, %.0f ms to load)", os.getpid(), self._socket_path,
                 " (socket handed over by systemd)" if self.socket_adopted else "", st.get("rules", "?"),
                 self.loaded.load_ms)
        self._report_broken(self.loaded)

    async def serve_forever(self) -> None:
        assert self._stopping is not None
        await self._stopping.wait()
        await self.shutdown()

    def request_stop(self, why: str = "") -> None:
        if self._stopping is not None and not self._stopping.is_set():
            log.info("stopping (%s)", why or "requested")
            self._stop_reason = why or "requested"
            self._stopping.set()

    async def shutdown(self) -> None:
        if self._watcher:
            self._watcher.stop()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        with contextlib.suppress(OSError):
            if self._socket_ino is not None and os.stat(self._socket_path).st_ino == self._socket_ino:
                os.unlink(self._socket_path)
        if self.guard.asking is not None:
            self.guard.asking.cancel()
        if self.gate:
            self.gate.shutdown()
        for c in reversed(self.components):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(c.stop(), 5)
        await self.alerts.drain()
        if self.decider is not None:
            self.decider.shutdown()
        if self.approvals:
            self.approvals.shutdown()
            self.approvals.grants.close()
        if self.loaded is not None and self.loaded.judge is not None:
            self.loaded.judge.close()
        if self.audit:
            self._audit(event_entry("daemon_stop", "daemon", f"adr daemon {os.getpid()} stopped",
                                    reason=self._stop_reason))
            self.audit.close()
        self._lock.release()
        log.info("adr daemon stopped")

    def _record_start(self) -> None:
        """Say in the audit log that adr is watching again. If the last record is not a clean stop, adr
        was killed or crashed: the gap (from the last record to now) is recorded and alerted, because
        actions in it ran without adr (hooks then judge in-process, shims too — but nothing else did)."""
        from adr.record.audit import last_record

        prev = None
        with contextlib.suppress(Exception):
            prev = last_record(self.paths.audit_dir)
        clean = prev is None or prev.get("event") == "daemon_stop"
        entry = event_entry("daemon_start", "daemon", f"adr daemon {os.getpid()} started",
                            previous_stop="clean" if clean else "unclean")
        if not clean and prev is not None:
            entry["gap_since"] = prev.get("time", "")
        self._audit(entry)
        if not clean and prev is not None:
            self.alerts.raise_alert(Alert(
                "daemon", "adr was not running cleanly", f"the adr daemon stopped without shutting down (killed or "
                f"crashed) after its last record at {prev.get('time', '?')}; it is running again now. Hooks judged "
                "in-process meanwhile; check `adr log` for what happened in the gap.", severity="high",
                key="daemon-gap"))

    def component(self, name: str) -> "Component | None":
        """A running component by name (e.g. "sessions"), for components that build on another."""
        return next((c for c in self.components if c.name == name), None)

    def _notifiers(self) -> list[Any]:
        return list(self.approvals.notifiers) if self.approvals is not None else []

    # ---- rules ---------------------------------------------------------------------------------

    def _load(self) -> Loaded:
        t0 = time.perf_counter()
        # what config.yaml asks for, with weakening changes held back until the human confirms them
        from adr.respond.revert import read as read_file, sha
        before = sha(read_file(self.paths.config_file))
        settings, hold = self.guard.review(self._settings_loader(self.paths))
        config_sha = before if sha(read_file(self.paths.config_file)) == before else ""
        engine = self._engine_loader(settings)
        old = self.loaded
        broken = dict(getattr(engine, "broken_files", ()) or ())
        if old is not None and broken:
            # at start a broken user file is left out (nothing better exists); on a reload, a file that
            # loaded before and is broken now keeps the last good rules in force (its rules included)
            was = dict(getattr(old.engine, "broken_files", ()) or ())
            newly = [m for f, m in broken.items() if f not in was]
            if newly:
                raise RuntimeError("; ".join(newly))
        # (per-program rule indexes are built on the first command of each program, ~0.5 ms once:
        # building all ~470 at load would add ~8 MiB for programs most users never run)
        # the loaded rules live until the next reload: keep them out of the cyclic GC's full scans
        gc.collect()
        gc.freeze()
        from adr.judge import Judge
        # every decision goes through the Judge (engine + the pre-steps every front end shares, and
        # reputation look-ups when providers are enabled and not offline)
        judge = Judge.create(settings, engine=engine, paths=self.paths,
                             online=bool(settings.providers) and not settings.offline)
        if old is not None and old.judge is not None:
            old.judge.close()
        for det in getattr(engine, "detectors", ()) or ():
            warm = getattr(det, "warm", None)
            if callable(warm):
                warm()  # the supply indexes: opened (built the first time) in the background, off every decision
        return Loaded(settings, engine, time.time(), (time.perf_counter() - t0) * 1000, judge, hold, config_sha)

    def _adopt_settings(self, loaded: Loaded) -> None:
        """Record what is in force; put a newly held weakening to the human's desktop channel."""
        try:
            ask = self.guard.adopt(loaded.settings, loaded.hold)
        except OSError as e:
            log.error("cannot record the settings in force (%s): %s", self.paths.confirmed_settings, e)
            return
        if not ask or self.approvals is None or self.gate is None:
            return
        if self.guard.asking is not None and not self.guard.asking.done():
            self.guard.asking.cancel()
        self.guard.asking = asyncio.get_running_loop().create_task(self.guard.ask(
            self.approvals.notifiers, self.gate.note_channel_error,
            lambda: self.schedule_reload("weaker settings confirmed by you")))

    def _report_broken(self, loaded: Loaded) -> None:
        """A user rule file that does not load is left out, not fatal: say so on every (re)load
        until it is fixed (the log, an alert — audit record + notification —, `adr status`, `adr doctor`)."""
        for f, message in getattr(loaded.engine, "broken_files", ()) or ():
            log.error("user rule file left out until it is fixed: %s", message)
            self.alerts.raise_alert(Alert(
                "rules", "a rule file of yours is not in force", f"{message} — adr judges with its shipped rules "
                "and your other files until this one is fixed (`adr rules lint` shows the problem).",
                severity="high", key=f"broken-rule-file:{f}", data=(("file", str(f)),)))

    def _rewatch(self) -> None:
        if not self._watcher or not self.loaded:
            return
        dirs: list[tuple[Path, bool]] = [(self.paths.config_dir, False)]
        self.paths.user_rules_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        dirs.append((self.paths.user_rules_dir, True))
        dirs.append((builtin_rules_dir(), True))
        dirs += [(Path(d).expanduser(), True) for d in self.loaded.settings.extra_rule_dirs]
        # a host config `adr install` adds is protected from the next load on (policy/protect.py)
        self.paths.backups_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        dirs.append((self.paths.backups_dir, True))
        for f in getattr(self.loaded.engine, "rule_files", ()) or ():
            dirs.append((Path(f).parent, False))
        self._watcher.watch(dirs)

    def schedule_reload(self, why: str = "") -> None:
        if self._reload_task is not None and not self._reload_task.done():
            self._reload_again = True
            return
        self._reload_task = asyncio.get_running_loop().create_task(self.reload(why))

    async def reload(self, why: str = "") -> dict[str, Any]:
        """Load settings + rules in a worker thread; keep the last good ones if that fails."""
        loop = asyncio.get_running_loop()
        while True:
            self._reload_again = False
            try:
                new = await loop.run_in_executor(None, self._load)
            except Exception as e:
                msg = str(e) or type(e).__name__
                self.stats.last_reload_error = {"time": now_iso(), "message": msg}
                log.error("rule reload failed (%s); keeping the last good rules: %s", why or "requested", msg)
                result = {"ok": False, "error": msg}
            else:
                self.loaded = new
                if self.audit:
                    self.audit.max_bytes = max(4096, new.settings.audit_max_bytes)
                self.stats.reloads += 1
                self.stats.last_reload = new.loaded_at
                self.stats.last_reload_error = None
                st = getattr(new.engine, "stats", {}) or {}
                log.info("rules reloaded (%s): %s rules in %.0f ms", why or "requested", st.get("rules", "?"), new.load_ms)
                self._report_broken(new)
                self._adopt_settings(new)
                self._rewatch()
                result = {"ok": True, "rules": st.get("rules"), "load_ms": round(new.load_ms, 1)}
            if not self._reload_again:
                return result

    # ---- connections ----------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        try:
            cred = peer_credentials(sock)
        except PeerCredError as e:
            log.warning("refused a connection: %s", e)
            self.stats.refused_peers += 1
            writer.close()
            return
        if not peer_allowed(cred, self.expected_uid):
            self.stats.refused_peers += 1
            log.warning("refused a connection from uid %d (pid %s): only uid %d may use this daemon",
                        cred.uid, cred.pid, self.expected_uid)
            with contextlib.suppress(Exception):
                writer.write(P.encode_response(P.error_response(P.FORBIDDEN, "this daemon serves another user")))
                await asyncio.wait_for(writer.drain(), 1)
            writer.close()
            return
        self.stats.active += 1
        try:
            while True:
                try:
                    line = await asyncio.wait_for(reader.readuntil(b"\n"), IDLE_TIMEOUT)
                    line = line[:-1]
                except asyncio.IncompleteReadError as e:
                    line = e.partial  # a last request without its newline still gets an answer
                    if not line.strip():
                        return
                except asyncio.LimitOverrunError:
                    self.stats.bad_requests += 1
                    await self._send(writer, P.error_response(
                        P.TOO_LARGE, f"message exceeds {P.MAX_MESSAGE_BYTES} bytes without a newline; "
                                     "connection closed"))
                    return
                except (asyncio.TimeoutError, ConnectionError):
                    return
                resp = self.process(line, cred, writer)
                if isinstance(resp, asyncio.Future) or asyncio.iscoroutine(resp):
                    resp = await resp
                await self._send(writer, resp)
                if reader.at_eof() or (resp.op == "stop" and resp.ok):
                    return
        except (ConnectionError, BrokenPipeError):
            return
        except Exception:  # never let one connection take the daemon down
            log.exception("internal error while serving a connection")
        finally:
            self.stats.active -= 1
            with contextlib.suppress(Exception):
                writer.close()

    async def _send(self, writer: asyncio.StreamWriter, resp: P.Response) -> None:
        try:
            data = P.encode_response(resp)
        except P.ProtocolError as e:
            data = P.encode_response(P.error_response(e.code, e.message, resp.op, resp.id))
        writer.write(data)
        await writer.drain()

    def process(self, line: bytes, cred: PeerCred, writer: "asyncio.StreamWriter | None" = None) -> "P.Response | Any":
        """One request line → its response (a coroutine for ops that wait: reload)."""
        t0 = time.perf_counter()
        try:
            req = P.decode_request(line)
        except P.ProtocolError as e:
            self.stats.bad_requests += 1
            op = e.partial.get("op", "")
            if op == "decide":
                self.stats.decisions["error"] += 1
                self._audit(error_entry(e.partial, code=e.code, message=e.message, origin=origin_of(cred.pid)))
            log.warning("bad request from pid %s: %s: %s", cred.pid, e.code, redact(e.message, 300))
            return P.error_response(e.code, e.message, op, str(e.partial.get("id", "")))
        try:
            if req.op == "decide":
                return self._decide(req, cred, t0, writer)
            if req.op == "hook":
                return self._framed(req, self._hook(req, cred, writer))
            if req.op == "shim":
                return self._framed(req, self._shim(req, cred, writer))
            if req.op == "ping":
                return P.Response(ok=True, op="ping", id=req.id, data={
                    "pid": os.getpid(), "protocol": P.PROTOCOL_VERSION,
                    "approvals": self.approvals.channels() if self.approvals else []})
            if req.op == "pending":
                return self._pending(req, cred)
            if req.op == "answer":
                return self._answer(req, cred)
            if req.op == "challenge":
                return self._challenge(req, cred)
            if req.op == "config":
                return self._config(req, cred)
            if req.op == "session":
                return self._session(req, cred)
            if req.op == "status":
                return P.Response(ok=True, op="status", id=req.id, data=self.status())
            if req.op == "reload":
                return self._reload_response(req)
            if req.op == "stop":
                return self._stop(req, cred)
            if req.op == "call":
                return self._call(req, cred)
        except Exception as e:
            log.exception("internal error handling %s", req.op)
            return P.error_response(P.INTERNAL, f"internal error: {type(e).__name__}: {e}", req.op, req.id)
        return P.error_response(P.UNKNOWN_OP, f"unknown op {req.op!r}", req.op, req.id)

    async def _framed(self, req: P.Request, answer: Any) -> P.Response:
        """hook / shim: any failure becomes an error answer; frames when the client asked for them."""
        try:
            resp = await answer
        except Exception as e:
            log.exception("internal error handling %s", req.op)
            resp = P.error_response(P.INTERNAL, f"internal error: {type(e).__name__}: {e}", req.op, req.id)
        return _replace(resp, frame=True) if req.frame else resp

    async def _reload_response(self, req: P.Request) -> P.Response:
        result = await self.reload("requested over the socket")
        if result["ok"]:
            return P.Response(ok=True, op="reload", id=req.id, data=result)
        return P.error_response("reload_failed", f"reload failed, last good rules kept: {result['error']}", "reload", req.id)

    # ---- decisions --------------------------------------------------------------------------

    def _decide(self, req: P.Request, cred: PeerCred, t0: float,
                writer: "asyncio.StreamWriter | None" = None,
                on_pending: "Pending | None" = None) -> Any:
        assert self.decider is not None
        return self.decider.decide(req, cred, t0, writer, on_pending)

    async def _hook(self, req: P.Request, cred: PeerCred, writer: "asyncio.StreamWriter | None") -> P.Response:
        """The fast hook path: the host's raw JSON in, exactly what the hook prints out. Parsing and
        formatting are the host integration's (the same code adr-hook runs in-process); each action
        is judged by `_decide`, so audit, sessions and approvals are the same as for "decide"."""
        from adr.integrations import registry
        from adr.integrations.interface import HookEvent, HookInputError, decode_hook_input

        try:
            integ = registry.load(req.host)
        except registry.UnknownHost as e:
            return P.error_response(P.BAD_REQUEST, str(e), "hook", req.id)

        async def judge(sub: P.Request, event: "HookEvent | None" = None) -> P.Response:
            on_pending = None
            if req.frame and writer is not None and event is not None:
                async def on_pending(data: dict[str, Any]) -> None:
                    out = integ.format(unanswered_verdict(data), event, auto_approve=False)
                    await self._send(writer, P.Response(
                        ok=True, op="hook", id=req.id, pending=data, frame=True,
                        data={"stdout": out.stdout, "stderr": out.stderr, "exit_code": out.exit_code}))
            resp = self._decide(sub, cred, time.perf_counter(), writer, on_pending)
            return await resp if asyncio.iscoroutine(resp) else resp

        def output(resp: P.Response, event: HookEvent) -> P.Response:
            out = integ.format(resp.verdict or Verdict(Decision.ALLOW), event,
                               auto_approve=resp.settings.auto_approve)
            return P.Response(ok=True, op="hook", id=req.id, decided_by=resp.decided_by,
                              data={"stdout": out.stdout, "stderr": out.stderr, "exit_code": out.exit_code})

        try:
            payload = decode_hook_input(req.payload_raw) if req.payload_raw is not None else req.payload
            events = registry.parse_all(integ, payload)
        except HookInputError as e:
            sub = P.Request(op="decide", id=req.id, action=None, event="PreToolUse", host=integ.name,
                            can_ask=bool(integ.can_ask), input_error=str(e)[:2000])
            resp = await judge(sub)
            return output(_replace(resp, settings=P.ClientSettings(resp.settings.fail_mode, False)),
                          HookEvent(host=integ.name, event="PreToolUse", action=None))
        best: "tuple[P.Response, HookEvent] | None" = None
        for ev in events:
            if ev.observation is not None:  # what the agent read: scanned, answered with a notice
                ev = await self._observe(ev, req, cred)
            action = ev.action
            if action is not None and req.home:
                action = action.with_context(home=req.home)  # the agent's HOME, not the daemon's
            sub = P.Request(op="decide", id=req.id if len(events) == 1 else P.new_id(), action=action,
                            event=ev.event, host=ev.host or integ.name, can_ask=bool(integ.can_ask),
                            progress=req.progress)
            resp = await judge(sub, ev)
            if not resp.ok or resp.verdict is None:
                return P.error_response(resp.error_code or P.INTERNAL, resp.error or "no verdict", "hook", req.id)
            if best is None or resp.verdict.decision.rank > best[0].verdict.decision.rank:  # type: ignore[union-attr]
                best = (resp, ev)
            if resp.verdict.decision is Decision.DENY:
                break
        assert best is not None  # parse_all never returns an empty list
        return output(*best)

    async def _observe(self, ev: Any, req: P.Request, cred: PeerCred) -> Any:
        """A hook event that carries an observation, with the components' notice filled in."""
        assert self.decider is not None
        obs = ev.observation
        if self.approvals is not None:  # an agent's hook, like any other: it may not answer for the human
            self.approvals.note_hook_peer(cred.pid, ev.host or req.host, obs.context.session)
        if req.home:
            obs = _replace(obs, context=_replace(obs.context, home=req.home))
        from adr.respond.taint import with_file_text

        obs = await asyncio.get_running_loop().run_in_executor(None, with_file_text, obs)
        note = await self.decider.observe(obs, req.id, ev.host or req.host, ev.event, cred)
        return _replace(ev, notice=note.context, user_notice=note.user)

    async def _shim(self, req: P.Request, cred: PeerCred, writer: "asyncio.StreamWriter | None") -> P.Response:
        """A native command shim: plan what to judge exactly as adr/intercept/shim.py does, with the values the
        client sent (files are read in a worker thread: a slow file system must not stall the loop),
        judge each check like "decide" from the Python shim, answer run / refuse."""
        from adr.daemon import shimplan as S
        from adr.actions import Action, ActionKind, Context

        info = req.shim_info
        name, args, cwd, pid = info["name"], info["args"], info["cwd"], info["pid"]
        checks, judged_script = await asyncio.get_running_loop().run_in_executor(
            None, lambda: S.plan(name, args, info["ppid"], stdin_pipe=info["stdin_pipe"],
                                 wrap_start=info["wrap_start"], cwd=cwd, pid=cred.pid or pid))
        for text, tool in checks:
            action = Action(kind=ActionKind.EXEC, command=text,
                            context=Context(host="shim", agent=info["agent"], session=info["session"], cwd=cwd,
                                            tool=tool, pid=pid or None))
            sub = P.Request(op="decide", id=req.id if len(checks) == 1 else P.new_id(), action=action,
                            event="exec", host="shim", can_ask=False, progress=req.progress)
            on_pending = None
            if req.frame and writer is not None:
                async def on_pending(data: dict[str, Any], name: str = name) -> None:
                    err = S.refusal_text(name, "deny", S.unanswered_reason(str(data.get("question", ""))[:16]))
                    await self._send(writer, P.Response(ok=True, op="shim", id=req.id, pending=data, frame=True,
                                                        data={"exit_code": S.REFUSED, "stderr": err}))
            resp = self._decide(sub, cred, time.perf_counter(), writer, on_pending)
            resp = await resp if asyncio.iscoroutine(resp) else resp
            if not resp.ok or resp.verdict is None:
                return P.error_response(resp.error_code or P.INTERNAL, resp.error or "no verdict", "shim", req.id)
            v = resp.verdict
            if v.decision is not Decision.ALLOW:
                reason = v.reason or v.agent_reason
                return P.Response(ok=True, op="shim", id=req.id, decided_by=resp.decided_by, data={
                    "run": False, "exit_code": S.REFUSED, "stdout": "",
                    "stderr": S.refusal_text(name, v.decision.value, reason),
                    "decision": v.decision.value, "reason": reason})
        return P.Response(ok=True, op="shim", id=req.id, data={
            "run": True, "guard_checked": bool(judged_script and name in ("bash", "sh"))})

    async def _call(self, req: P.Request, cred: PeerCred) -> P.Response:
        """op "call": a named call served by a component (`adr sessions`, `adr alerts`, `adr undo` …)."""
        name, _, method = req.target.partition(".")
        comp = next((c for c in self.components if c.name == name), None)
        spec = comp.calls().get(method) if comp is not None else None
        if spec is None:
            return P.error_response(P.UNKNOWN_OP, f"no call {req.target!r} in this daemon", "call", req.id)
        if spec.human_only:  # the gate's walls (a challenge's code or button is not asked for calls)
            refused = await self._human(req, cred, req.target, "call", kind="call", security="call-from-agent")
            if refused:
                return refused
        try:
            data = spec.handler(req.args, CallContext(cred.pid, self))
            if asyncio.iscoroutine(data):
                data = await data
        except (ValueError, KeyError, TypeError) as e:
            return P.error_response(P.BAD_REQUEST, f"{req.target}: {e}", "call", req.id)
        return P.Response(ok=True, op="call", id=req.id, data=dict(data or {}))

    def human_refusal(self, cred: PeerCred, req: P.Request) -> "str | None":
        """Why this request cannot be taken as the human's (None: it can): the gate's walls
        (adr/daemon/gate.py). Reads /proc: call it off the event loop (`_human` does)."""
        if self.gate is not None:
            return self.gate.refusal(cred.pid)
        return "the daemon is not ready"

    # ---- acting for the human (gate.py): answers, listing, control -------------------------------

    async def _human(self, req: P.Request, cred: PeerCred, target: str, what: str, *, kind: str = "approval",
                     security: str = "self-approval", **ctx: str) -> P.Response | None:
        """None when the requester passes the gate's walls (checked off the event loop: the terminal
        check scans /proc); otherwise the refusal, recorded as a security event."""
        assert self.gate is not None
        why = await asyncio.get_running_loop().run_in_executor(None, self.gate.refusal, cred.pid)
        if not why:
            return None
        if self.approvals is not None:
            self.approvals.stats["refused"] += 1
        self.gate.security(cred.pid, target, what, why, kind=kind, security=security,
                           summary=f"attempt to act for the human: {what} {target}".strip(), **ctx)
        return P.error_response(P.FORBIDDEN, f"refused: {why}. Only you can do this, from a terminal or "
                                             "notification that no agent controls; the attempt was recorded "
                                             "in the audit log.", req.op, req.id)

    async def _pending(self, req: P.Request, cred: PeerCred) -> P.Response:
        if self.approvals is None:
            return P.Response(ok=True, op="pending", id=req.id, data={"questions": []})
        refused = await self._human(req, cred, "*", "pending", kind="pending", security="question-listing")
        if refused:
            return refused
        return P.Response(ok=True, op="pending", id=req.id, data={"questions": self.approvals.list_pending()})

    async def _answer(self, req: P.Request, cred: PeerCred) -> P.Response:
        if self.approvals is None:
            return P.error_response("no_question", "the daemon is not asking anything", "answer", req.id)
        p = self.approvals.pending.get(req.question)
        refused = await self._human(req, cred, req.question, req.choice, host=p.host if p else "",
                                    session=p.session if p else "", agent=p.q.agent if p else "")
        if refused:
            return refused
        ok, message, details = self.approvals.answer(req.question, req.choice, peer_pid=cred.pid,
                                                     minutes=req.minutes, confirmed=req.confirmed, code=req.code,
                                                     reshow=req.reshow, checked=True)
        if not ok:
            code = (P.FORBIDDEN if message.startswith("refused") else "code_required"
                    if message.startswith("code required") else "wrong_code" if message.startswith("wrong code")
                    else "no_question")
            return P.error_response(code, message, "answer", req.id)
        return P.Response(ok=True, op="answer", id=req.id, data={"result": message, **details})

    async def _challenge(self, req: P.Request, cred: PeerCred) -> P.Response:
        """Open a challenge (the human confirms on their channel) or report an open one's state."""
        assert self.gate is not None and self.approvals is not None
        if req.challenge:
            state, via = self.gate.challenge_state(req.challenge, cred.pid)
            return P.Response(ok=True, op="challenge", id=req.id,
                              data={"challenge": req.challenge, "state": state, "via": via})
        if req.purpose not in PURPOSES:
            return P.error_response(P.BAD_REQUEST, f"purpose must be one of {', '.join(PURPOSES)}", "challenge", req.id)
        refused = await self._human(req, cred, req.purpose, "challenge", kind=req.purpose, security="control")
        if refused:
            return refused
        lines = [f"Asked by {requester_text(cred.pid)}."]
        digest = ""
        if req.purpose == "config":
            try:
                wanted = parse_config_text(req.text)
            except ConfigError as e:
                return P.error_response(P.BAD_REQUEST, str(e), "challenge", req.id)
            lines += [w.describe() for w in weakenings(self._in_force(), wanted)]
            digest = digest_of(req.text)
        elif req.purpose == "config-confirm":
            hold = self.guard.hold
            if hold is None:
                return P.error_response("nothing_held", "no weaker settings are waiting for you", "challenge", req.id)
            lines += hold.changes()
            digest = hold.digest
        elif req.purpose == "uninstall":
            lines += [f"Hosts: {', '.join(d[:60] for d in req.detail[:12]) or 'all'}"]
        else:
            lines += ["Hooks will evaluate in-process until adr runs again."]
        await self.approvals.ensure_channel()
        notifiers = self.approvals.notifiers
        ch = self.gate.open_challenge(req.purpose, tuple(lines), cred.pid or 0, notifiers, digest)
        return P.Response(ok=True, op="challenge", id=req.id, data={
            "challenge": ch.id, "state": ch.state, "via": ch.via,
            "code_possible": any(getattr(n, "shows_code", False) for n in notifiers),
            "channels": [n.describe() for n in notifiers]})

    def _in_force(self) -> Settings:
        return self.loaded.settings if self.loaded is not None else Settings()

    async def _config(self, req: P.Request, cred: PeerCred) -> P.Response:
        """`adr config`: write settings, confirm held ones, or spend an uninstall challenge."""
        assert self.gate is not None
        refused = await self._human(req, cred, req.config_op, "config", kind="settings", security="control")
        if refused:
            return refused

        def no(message: str, code: str = P.FORBIDDEN) -> P.Response:
            return P.error_response(code, message, "config", req.id)

        if req.config_op == "check":
            from adr.daemon.gate import CHECKED_PURPOSES, PURPOSES
            if req.purpose not in CHECKED_PURPOSES:
                return no(f"config check is only for {', '.join(CHECKED_PURPOSES)}", P.BAD_REQUEST)
            ok, via = self.gate.use_challenge(req.challenge, req.purpose, req.code, cred.pid)
            if not ok:
                return no(f"not confirmed: {via}")
            self._control(req.purpose, f"{PURPOSES[req.purpose]} — confirmed by you ({via})", cred.pid)
            return P.Response(ok=True, op="config", id=req.id, data={"confirmed": True, "via": via})
        if req.config_op == "confirm":
            hold = self.guard.hold
            if hold is None:
                return no("no weaker settings are waiting for you", "nothing_held")
            ok, via = self.gate.use_challenge(req.challenge, "config-confirm", req.code, cred.pid, hold.digest)
            if not ok:
                return no(f"not confirmed: {via}")
            changes = hold.changes()
            self.guard.confirm(via, cred.pid)
            result = await self.reload("weaker settings confirmed by you")
            return P.Response(ok=True, op="config", id=req.id, data={"confirmed": changes, "reload": result})
        if req.config_op != "write":
            return no("config_op must be write, confirm or check", P.BAD_REQUEST)
        try:
            wanted = parse_config_text(req.text)
        except ConfigError as e:
            return no(str(e), P.BAD_REQUEST)
        weaker = [w.describe() for w in weakenings(self._in_force(), wanted)]
        via = "no weakening"
        if weaker:
            ok, via = self.gate.use_challenge(req.challenge, "config", req.code, cred.pid, digest_of(req.text))
            if not ok:
                return no(f"these changes weaken protection and need your confirmation ({'; '.join(weaker)}): {via}")
        cf = self.paths.config_file
        try:
            self.paths.ensure()
            tmp = cf.with_name(cf.name + ".adr-tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(req.text)
            if weaker:
                self.guard.written(wanted, via, cred.pid)  # before the file: the reload must find it confirmed
            os.replace(tmp, cf)
        except OSError as e:
            return no(f"cannot write {cf}: {e}", P.INTERNAL)
        self._control("config", f"config.yaml written by `adr config` ({via})" + (f": {'; '.join(weaker)}" if weaker else ""),
                      cred.pid)
        result = await self.reload("config.yaml written by `adr config`")
        return P.Response(ok=True, op="config", id=req.id, data={"written": str(cf), "weakened": weaker,
                                                                  "reload": result})

    def _control(self, what: str, reason: str, pid: int | None) -> None:
        """An audit record for something the human did through the gate (event "control")."""
        entry = security_entry(pid, what, what, reason, kind=what, security="", summary=reason, by="human")
        self._audit({**entry, "event": "control", "decision": "done", "reason": reason})

    def write_audit(self, entry: dict[str, Any]) -> "tuple[dict[str, Any] | None, str]":
        """(the record as written, "") or (None, what went wrong). Never raises."""
        if self.audit is None:
            return None, "the audit log is not open"
        try:
            return self.audit.append(entry), ""
        except OSError as e:
            problem = f"cannot write the audit log {self.audit.path}: {e.strerror or e}"
        except Exception as e:  # a record that cannot even be serialised must not lose the answer
            problem = f"cannot write the audit log {self.audit.path}: {type(e).__name__}: {e}"
        self.stats.audit_errors += 1
        self.stats.last_audit_error = f"{now_iso()}: {problem}"
        log.error("%s", problem)
        return None, problem

    def _grant_tampered(self, grant: Any, why: str) -> None:
        """A grant row that does not verify is ignored by the store (policy/grants.py); the human
        must hear of it. The one place this is reported."""
        self.alerts.raise_alert(Alert(
            "grant", f"grant #{grant.id} ({grant.rule_id}) was ignored: it was not written by adr",
            f"a grant row was ignored: {why}. Someone changed adr's grants database around adr; see "
            "`adr grants list --all` (the row shows as UNVERIFIED) and `adr grants revoke ID` to remove it.",
            severity="critical", key=f"grant-{grant.id}", session=grant.session,
            data=(("grant_id", grant.id), ("rule_id", grant.rule_id), ("security", "grant-tampered"))))

    def _audit(self, entry: dict[str, Any]) -> "dict[str, Any] | None":
        return self.write_audit(entry)[0]

    async def send(self, writer: asyncio.StreamWriter, resp: P.Response) -> None:
        await self._send(writer, resp)

    # ---- control --------------------------------------------------------------------------

    async def _stop(self, req: P.Request, cred: PeerCred) -> P.Response:
        """Stop the daemon: only for the human, through a challenge they confirmed (`adr daemon stop`)."""
        refused = await self._human(req, cred, "stop", "stop", kind="stop", security="stop-from-agent")
        if refused:
            return refused
        assert self.gate is not None
        ok, via = self.gate.use_challenge(req.challenge, "stop", req.code, cred.pid)
        if not ok:
            return P.error_response(P.FORBIDDEN, f"stopping adr needs your confirmation (run `adr daemon stop` in a "
                                                 f"terminal): {via}", "stop", req.id)
        log.warning("stop requested by pid %s, confirmed by you (%s)", cred.pid, via)
        self._control("stop", f"adr daemon stopped, confirmed by you ({via})", cred.pid)
        asyncio.get_running_loop().call_soon(self.request_stop, f"`adr daemon stop` from pid {cred.pid}")
        return P.Response(ok=True, op="stop", id=req.id, data={"pid": os.getpid()})

    def _session(self, req: P.Request, cred: PeerCred) -> P.Response:
        """`adr wrap` starts / ends a wrapped session (shims, shell guard, proxy) — listed in status."""
        info, wrapped = dict(req.session_info), self.stats.wrapped
        sid = str(info["session"])
        if req.session_op == "end":
            wrapped.pop(sid, None)
            return P.Response(ok=True, op="session", id=req.id, data={"session": sid, "ended": True})
        for old in [k for k, v in wrapped.items() if not psutil.pid_exists(int(v.get("wrap_pid") or 0) or 0)]:
            wrapped.pop(old, None)  # its `adr wrap` died without saying goodbye
        if sid not in wrapped and len(wrapped) >= MAX_SESSIONS_TRACKED:
            wrapped.pop(next(iter(wrapped)))
        info.update(started=now_iso(), peer_pid=cred.pid)
        wrapped[sid] = info
        reg = self.component("sessions")
        if reg is not None:
            root = info.get("root_pid")
            s = reg.touch("wrap", sid, cwd=str(info.get("cwd", "")), agent=str(info.get("agent", "")),
                          agent_pid=root if isinstance(root, int) and root > 0 else None)
            s.wrapped = True
        self.stats.saw_session("wrap", sid)
        log.info("wrapped session %s started: agent %s, pid %s", sid, info.get("agent", "?"), info.get("root_pid"))
        return P.Response(ok=True, op="session", id=req.id, data={"session": sid})

    def status(self) -> dict[str, Any]:
        s, loaded = self.stats, self.loaded
        st = dict(getattr(loaded.engine, "stats", {}) or {}) if loaded else {}
        settings = loaded.settings if loaded else Settings()
        return {
            "pid": os.getpid(),
            "protocol": P.PROTOCOL_VERSION,
            "socket": str(self._socket_path),
            "socket_activated": self.socket_adopted,
            "started": now_iso(s.started),
            "uptime_s": round(time.time() - s.started, 1),
            "mode": settings.mode,
            "sensitivity": settings.sensitivity,
            "fail_mode": settings.fail_mode,
            "rules": {"count": st.get("rules"), "packs": list(st.get("packs", []) or []),
                      "load_ms": round(float(st.get("load_ms", loaded.load_ms if loaded else 0) or 0), 1),
                      "files": len(getattr(loaded.engine, "rule_files", ()) or ()) if loaded else 0,
                      "broken_files": list(st.get("broken_files", []) or [])},
            "decisions": dict(s.decisions),
            "decided_by": dict(s.decided_by),
            "total_decisions": sum(s.decisions.values()),
            "sessions_seen": len(s.sessions),
            "connections_active": s.active,
            "refused_peers": s.refused_peers,
            "bad_requests": s.bad_requests,
            "reloads": s.reloads,
            "last_reload": now_iso(s.last_reload) if s.last_reload else None,
            "last_reload_error": s.last_reload_error,
            "audit": {"path": str(self.audit.path) if self.audit else "", "errors": s.audit_errors,
                      "last_error": s.last_audit_error},
            "approvals": self.approvals.status(settings) if self.approvals else {},
            "settings_held": self.guard.status(),
            "wrapped_sessions": list(s.wrapped.values()),
            "pipeline": self.decider.status() if self.decider else {},
            "alerts": self.alerts.status(),
            "components": {c.name: _component_status(c) for c in self.components},
            "rss_bytes": _rss(),
        }


def _component_status(c: Component) -> dict[str, Any]:
    try:
        return dict(c.status() or {})
    except Exception as e:  # a component that cannot say how it is must not break `adr status`
        return {"error": f"{type(e).__name__}: {e}"}


def _rss() -> int | None:
    try:
        return psutil.Process().memory_info().rss
    except psutil.Error:
        return None


def setup_logging(paths: Paths, level: int = logging.INFO, stderr: bool = True) -> None:
    """Daemon log: the state dir file (0600) and, in the foreground, stderr."""
    paths.ensure()
    fd = os.open(paths.daemon_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.close(fd)
    from adr.display import LogFormatter

    fmt = LogFormatter("%(asctime)s %(levelname)s %(message)s")  # agent text in a message: one visible line
    logger = logging.getLogger("adr")
    logger.setLevel(level)
    for h in list(logger.handlers):
        logger.removeHandler(h)
    fh = logging.FileHandler(paths.daemon_log, encoding="utf-8")
    fh.setFormatter(fmt)
    logger.addHandler(fh)
    if stderr:
        sh = logging.StreamHandler()
        sh.setFormatter(fmt)
        logger.addHandler(sh)
    logger.propagate = False


SWITCH_INTERVAL = 0.0005  # seconds a thread holds the GIL before another may run (Python's default: 5 ms)


async def run_daemon(paths: Paths, **kwargs: Any) -> None:
    # judging runs in worker threads: a short switch interval lets the event loop (and with it every
    # other client's ordinary decision) in while one costly decision is judged
    sys.setswitchinterval(SWITCH_INTERVAL)
    daemon = Daemon(paths, **kwargs)
    await daemon.start()
    await daemon.serve_forever()

"""`adr-hook HOST`: the program an agent host runs before each tool call. Stdlib only.

It starts on every agent action, so on the usual path it imports nothing but the standard library
and adr's stdlib-only modules: read the host's JSON, turn it into an Action with the host's
integration, ask the daemon, print the host's answer. When the daemon cannot answer, the rules
are evaluated in-process (slower, offline); when even that fails, the configured fail mode
applies — and every answer says which of these happened.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import replace
from typing import Any

from adr.actions import Action, Decision, Verdict
from adr.daemon import protocol as P
from adr.daemon.client import DaemonTimeout, DaemonUnavailable, request
from adr.daemon.failsafe import fail_verdict, unanswered_verdict
from adr.integrations.interface import HookEvent, HookInputError, HookOutput, Integration, decode_hook_input

MAX_INPUT_BYTES = 32 * 1024 * 1024
_HOST_RE = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
FALLBACK_NOTE = "(daemon not running: evaluated in-process)"
_STARTED = time.monotonic()  # the host's hook timeout runs from about here


def load_integration(host: str) -> Integration:
    """ "claude-code" (or an alias) → its INTEGRATION, through the one host registry."""
    from adr.integrations import registry

    if not _HOST_RE.match(host.lower()):
        raise ValueError(f"unknown host {host!r}")
    try:
        return registry.load(host)
    except registry.UnknownHost as e:
        raise ValueError(str(e)) from None


def read_input(stream: Any = None, limit: int = MAX_INPUT_BYTES) -> Any:
    """The host's hook JSON, decoded; HookInputError with a readable reason otherwise."""
    stream = stream if stream is not None else sys.stdin.buffer
    return decode_hook_input(stream.read(limit + 1), limit)


def _timeout() -> float:
    from adr.daemon import wire
    return wire.seconds(os.environ.get("ADR_HOOK_TIMEOUT"), wire.DECIDE_TIMEOUT)


def answer_timeout() -> float:
    """Seconds to wait for a judged answer before judging in-process, unless the daemon says it is
    asking the human (then the question's window counts): a frozen or stuck daemon is noticed fast."""
    from adr.daemon import wire
    return wire.seconds(os.environ.get("ADR_ANSWER_TIMEOUT"), wire.ANSWER_TIMEOUT)


def _note(verdict: Verdict, note: str) -> Verdict:
    return replace(verdict, reason=f"{verdict.reason} {note}".strip(),
                   agent_reason=f"{verdict.agent_reason} {note}".strip() if verdict.decision is not Decision.ALLOW
                   else verdict.agent_reason)


def _local_settings() -> Any:
    """Settings for the fallback path (YAML load: only when the daemon could not answer)."""
    from adr.config import load_settings

    return load_settings(overrides={"offline": True})


def evaluate_in_process(action: Action, event: HookEvent, request_id: str, why: str,
                        can_ask: bool = True) -> tuple[Verdict, P.ClientSettings]:
    """Judge with the rules in this process (no look-ups) and append to the audit log."""
    t0 = time.perf_counter()
    settings = _local_settings()
    from adr.engine import load_engine
    from adr.judge import Judge

    verdict, _exhausted = Judge(load_engine(settings), settings).decide_bounded(action)
    verdict = _tainted(action, event.host, verdict)
    verdict = _note(verdict, why)
    extra: dict[str, Any] = {}
    if verdict.decision is not Decision.DENY and settings.snapshots:
        try:  # pre-images for `adr undo`, as the daemon takes them (never at the cost of an answer)
            from adr.paths import get_paths
            from adr.respond.snapshot import snapshot_now

            extra = snapshot_now(action, settings, get_paths().snapshots_dir, request_id, host=event.host)
        except Exception as e:
            print(f"adr-hook: could not take a snapshot for undo: {e}", file=sys.stderr)
    latency = (time.perf_counter() - t0) * 1000
    try:
        from adr.paths import get_paths
        from adr.record.audit import AuditLog, Origin, decision_entry

        log = AuditLog(get_paths().ensure().audit_dir, settings.audit_max_bytes)
        try:
            log.append(decision_entry(action, verdict, decided_by="fallback", latency_ms=latency,
                                      origin=Origin(peer_pid=os.getpid(), agent_pid=os.getppid()),
                                      event=event.event, host=event.host, request_id=request_id) | extra)
        finally:
            log.close()
    except Exception as e:  # never allow unrecorded: the audit_fail answer, and say why on stderr
        print(f"adr-hook: could not write the audit log: {e}", file=sys.stderr)
        if settings.audit_fail != "allow" and verdict.decision is not Decision.DENY:
            verdict = fail_verdict(settings.audit_fail, can_ask,
                                   f"adr could not record this action in its audit log ({e})",
                                   hint="free disk space or fix the permissions of adr's state directory, "
                                        "then `adr status`")
    return verdict, P.ClientSettings(fail_mode=settings.fail_mode, auto_approve=settings.auto_approve)


def _tainted(action: Action, host: str, verdict: Verdict) -> Verdict:
    """A session the taint store knows (adr/respond/taint.py) asks before actions that could carry an
    injection's intent out — in-process too, so a stopped daemon does not lift the taint."""
    if not action.context.session:
        return verdict
    try:
        from adr.paths import get_paths
        from adr.respond import taint

        record = taint.TaintStore(get_paths().state_dir).get(host or action.context.host, action.context.session)
        if record is None:
            return verdict
        from adr.daemon.sessions import project_root

        return taint.adjust(action, verdict, record, project_root(action.context.cwd), taint.read_bounded)
    except Exception as e:  # the taint check failing must not cost the decision
        print(f"adr-hook: could not check the session's taint: {e}", file=sys.stderr)
        return verdict


def observe(integration: Integration, event: HookEvent, payload: Any) -> "HookOutput | HookEvent":
    """An event carrying what the agent read: the daemon answers the whole hook call (scan, taint,
    notice); without a daemon it is scanned here, the taint goes to the store, the notice is the same."""
    try:
        resp = request(P.Request(op="hook", id=P.new_id(), host=integration.name, payload=payload,
                                 home=os.environ.get("HOME", "")), timeout=min(_timeout(), answer_timeout()))
        if resp.ok and isinstance(resp.data.get("stdout"), str):
            return HookOutput(stdout=resp.data["stdout"], stderr=str(resp.data.get("stderr") or ""),
                              exit_code=int(resp.data.get("exit_code") or 0))
    except (DaemonUnavailable, P.ProtocolError, ValueError, TypeError):
        pass
    try:
        from adr.respond.observe_local import observe_in_process

        return observe_in_process(event, _local_settings())
    except Exception as e:  # a failed scan costs the warning, never the read
        print(f"adr-hook: could not scan the tool output: {e}", file=sys.stderr)
        return event


def _fail_mode() -> str:
    try:
        return _local_settings().fail_mode
    except Exception:
        return "ask"


def decide(integration: Integration, event: HookEvent) -> tuple[Verdict, P.ClientSettings]:
    """Daemon first, then in-process, then fail mode."""
    rid = P.new_id()
    action = event.action
    req = P.Request(op="decide", id=rid, action=action, event=event.event, host=event.host,
                    can_ask=bool(integration.can_ask), progress=action is not None)
    if action is None:  # nothing to judge; let the daemon count the session if it is up
        try:
            resp = request(req, timeout=0.5)
            return Verdict(Decision.ALLOW), resp.settings
        except (DaemonUnavailable, P.ProtocolError):
            return Verdict(Decision.ALLOW), P.ClientSettings()
    why = FALLBACK_NOTE
    asked: dict[str, Any] = {}
    try:
        resp = request(req, timeout=min(_timeout(), answer_timeout()), on_pending=lambda r: _pending_deadline(r, asked))
        if resp.ok and resp.verdict is not None:
            return resp.verdict, resp.settings
        why = f"(daemon error {resp.error_code}: {resp.error}; evaluated in-process)"
    except DaemonUnavailable as e:
        if asked:  # the human was being asked and no answer came in time: never run it unasked
            return unanswered_verdict(asked), P.ClientSettings()
        if isinstance(e, DaemonTimeout):
            waited = os.environ.get("ADR_DAEMON_WAITED") or f"{min(_timeout(), answer_timeout()):g}"
            why = f"(daemon did not answer within {waited[:12]} s: evaluated in-process)"
    except P.ProtocolError as e:
        why = f"({e.message}: evaluated in-process)"
    try:
        return evaluate_in_process(action, event, rid, why, bool(integration.can_ask))
    except Exception as e:
        problem = f"the daemon is not reachable and in-process evaluation failed ({type(e).__name__}: {e})"
        return fail_verdict(_fail_mode(), bool(integration.can_ask), problem), P.ClientSettings()


def _pending_deadline(resp: P.Response, asked: dict[str, Any]) -> float:
    """The daemon is asking the human: wait for its window (+ margin), never past the host's timeout."""
    from adr.daemon.wire import pending_deadline

    asked.update(resp.pending)
    return pending_deadline(resp.pending, time.monotonic(), _STARTED)


def run(host: str, stdin: Any = None) -> HookOutput:
    try:
        integration = load_integration(host)
    except ValueError as e:
        return HookOutput(stderr=f"adr-hook: {e}. Known hosts are the modules in adr/integrations/.\n", exit_code=2)
    from adr.integrations import registry

    try:
        payload = read_input(stdin)
        events = registry.parse_all(integration, payload)
    except HookInputError as e:
        return _malformed(integration, str(e))
    if any(e.observation is not None for e in events):
        seen: list[HookEvent] = []
        for e in events:
            got = observe(integration, e, payload) if e.observation is not None else e
            if isinstance(got, HookOutput):
                return got  # the daemon answered the whole call
            seen.append(got)
        events = seen
    # one hook call can carry several actions (a Codex apply_patch over many files): judge each,
    # answer with the strongest verdict; after a deny the rest need no question
    best: "tuple[Verdict, P.ClientSettings, HookEvent] | None" = None
    for event in events:
        verdict, settings = decide(integration, event)
        if best is None or verdict.decision.rank > best[0].decision.rank:
            best = (verdict, settings, event)
        if verdict.decision is Decision.DENY:
            break
    assert best is not None  # parse_all never returns an empty list
    verdict, settings, event = best
    return integration.format(verdict, event, auto_approve=settings.auto_approve)


def _malformed(integration: Integration, problem: str) -> HookOutput:
    """Bad host input: a safe answer in the host's own format, never a traceback."""
    event = HookEvent(host=integration.name, event="PreToolUse", action=None)
    req = P.Request(op="decide", id=P.new_id(), action=None, event=event.event, host=integration.name,
                    can_ask=bool(integration.can_ask), input_error=problem[:2000])
    try:  # the daemon applies the configured fail mode and records the incident
        resp = request(req, timeout=2.0)
        if resp.ok and resp.verdict is not None:
            return integration.format(resp.verdict, event, auto_approve=False)
    except (DaemonUnavailable, P.ProtocolError):
        pass
    verdict = fail_verdict(_fail_mode(), bool(integration.can_ask), f"the {integration.name} hook input is malformed ({problem})",
                           hint="check the hook configuration with `adr doctor`")
    return integration.format(verdict, event, auto_approve=False)


def main(argv: "list[str] | None" = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        sys.stderr.write("usage: adr-hook HOST   (reads the host's hook JSON on stdin; e.g. adr-hook claude-code)\n")
        sys.exit(2)
    try:
        out = run(args[0])
    except Exception as e:  # last resort: a safe, explained answer instead of a traceback
        out = _last_resort(args[0], e)
    if out.stdout:
        sys.stdout.write(out.stdout if out.stdout.endswith("\n") else out.stdout + "\n")
        sys.stdout.flush()
    if out.stderr:
        sys.stderr.write(out.stderr)
    sys.exit(out.exit_code)


def _last_resort(host: str, err: Exception) -> HookOutput:
    problem = f"adr-hook failed unexpectedly ({type(err).__name__}: {err})"
    try:
        integration = load_integration(host)
        verdict = fail_verdict(_fail_mode(), bool(integration.can_ask), problem)
        return integration.format(verdict, HookEvent(host=host, event="PreToolUse", action=None), auto_approve=False)
    except Exception:
        return HookOutput(stderr=f"adr-hook: {problem}\n", exit_code=2)


if __name__ == "__main__":
    main()

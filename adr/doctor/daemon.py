"""`adr doctor`: the daemon (is it up, how does it ask the human) and, inside `adr wrap`, the session."""
from __future__ import annotations

from typing import Any

from adr.doctor.checks import FAIL, OK, WARN, Check
from adr.programs import start_hint


def daemon_check(ctx: Any) -> Check:
    from adr.daemon import client, protocol

    sock = ctx.paths.socket
    try:
        resp = client.request(protocol.Request(op="ping", id=protocol.new_id()), path=sock, timeout=2.0)
    except client.DaemonUnavailable as e:
        return Check("daemon", WARN, f"not running ({e}); hooks fall back to in-process evaluation "
                                     f"(no desktop approvals). To fix: {start_hint()}.")
    except Exception as e:  # noqa: BLE001 — report, never crash doctor
        return Check("daemon", FAIL, f"answered something unreadable on {sock}: {e}")
    if not resp.ok:
        return Check("daemon", FAIL, f"refused ping on {sock}: {resp.error}")
    channels = resp.data.get("approvals") or []
    asks = f"; asks you via {', '.join(map(str, channels))}" if channels else ""
    if len(channels) == 1:  # the terminal only
        asks += (" — no desktop notifications here: hosts that can ask use their own prompt, the others "
                 "deny with `adr approve ID`")
    return Check("daemon", OK, f"running on {sock}{asks}")


def wrapped_checks(ctx: Any) -> list[Check]:
    """Inside `adr wrap` / `adr shell`: are the shims, the bash guard and the proxy active?"""
    try:
        from adr.intercept.wrap import session_report

        return [Check(name, status, detail) for name, status, detail in session_report(ctx.env)]
    except Exception as e:  # noqa: BLE001 — report, never crash doctor
        return [Check("wrapped session", WARN, f"cannot inspect: {e}")]


def monitor_checks(ctx: Any) -> list[Check]:
    """Which monitors run (adr/monitor) and for which sessions: the daemon's own account."""
    from adr.daemon import client, protocol

    try:
        resp = client.request(protocol.Request(op="status", id=protocol.new_id()), path=ctx.paths.socket, timeout=3.0)
    except client.DaemonUnavailable:
        return []  # the daemon line already says it is not running: nothing is watched
    except Exception as e:  # noqa: BLE001 — report, never crash doctor
        return [Check("monitors", WARN, f"cannot ask the daemon: {e}")]
    comps = (resp.data or {}).get("components") or {} if resp.ok else {}
    procs, files = comps.get("processes"), comps.get("files")
    if procs is None and files is None:
        return [Check("monitors", WARN, "this daemon has no process or file monitor (an older adr?)")]
    out: list[Check] = []
    procs, files = procs or {}, files or {}
    parts, off = [], []
    if procs.get("enabled"):
        parts.append(f"processes every {procs.get('interval_ms')} ms (ask → {procs.get('on_ask')}, deny → "
                     f"{procs.get('on_deny')})")
        if procs.get("network_enabled"):
            parts.append("network connections")
        else:
            off.append("network (monitor_network: false)")
    else:
        off.append("processes (monitor_processes: false)")
    if files.get("enabled"):
        watching = files.get("watching") or {}
        parts.append(f"files ({sum(watching.values())} paths: {', '.join(sorted(watching))})")
    else:
        off.append("files (monitor_files: false)")
    running = procs.get("running", True)
    out.append(Check("monitors", OK if parts and not off and running else WARN,
                     ("; ".join(parts) or "none") + (f"; off: {', '.join(off)}" if off else "")
                     + ("" if running else "; the process monitor's thread is not running")))
    for s in procs.get("sessions") or []:
        out.append(Check(f"session {s['session']}", OK,
                         f"{s['host']}{' (adr wrap)' if s.get('wrapped') else ''}, root pid {s['root_pid']}: "
                         f"{', '.join(s.get('monitors') or [])} + files; {s['members']} processes, "
                         f"{s['judged']} judged, {s['alerts']} alerts"))
    for r in procs.get("not_watched") or []:
        out.append(Check(f"session {r['session']}", WARN, f"not watched: {r['why']}"))
    if procs.get("suspended"):
        out.append(Check("suspended", WARN, f"{procs['suspended']} process tree(s) wait for you: `adr alerts`"))
    hooks = files.get("hook_configs") or []
    if files.get("enabled") and hooks:
        out.append(Check("hook configs", OK, f"{len(hooks)} watched and put back if adr's hook is taken out"))
    return out

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

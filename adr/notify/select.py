"""Which channels can reach the human here? Decided once when the daemon starts (and re-checked
now and then while none is found: a login session's bus may appear after the daemon).

Order of preference: a D-Bus notification server with buttons (dbus-fast, else
`notify-send --action`); without one, a dialog (kdialog on KDE, zenity) when a display is set;
on macOS an osascript dialog. The terminal (`adr pending`, `adr approve ID`) always works and is
not listed here: it answers through the daemon's socket.

`ADR_NOTIFIER` forces a choice: a comma-separated list of desktop, notify-send, zenity, kdialog,
osascript — or `none` (terminal only; hosts that can ask keep their own question).
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Callable

log = logging.getLogger("adr.notify")

NAMES = ("desktop", "notify-send", "zenity", "kdialog", "osascript")


def _wanted(env: dict[str, str]) -> tuple[str, ...] | None:
    raw = env.get("ADR_NOTIFIER", "").strip().lower()
    if not raw:
        return None
    if raw == "none":
        return ()
    return tuple(n.strip() for n in raw.split(",") if n.strip() in NAMES)


async def detect(env: "dict[str, str] | None" = None, vet: "Callable[[int | None], str | None] | None" = None,
                 on_forged: "Callable[[str], None] | None" = None) -> list[Any]:
    """The notifiers to use (best first; the daemon uses the first, one GUI channel at a time).
    `vet` checks a notification server's process before each question (the daemon's gate)."""
    env = dict(os.environ) if env is None else env
    wanted = _wanted(env)
    found: list[Any] = []
    info: Any = None  # the notification server, if any: a zenity alert goes to it

    def ok(name: str) -> bool:
        return wanted is None or name in wanted

    if sys.platform == "darwin":
        from adr.notify import osascript

        b = osascript.find()
        if b and ok("osascript"):
            found.append(osascript.Osascript(b))
        return found
    if ok("desktop") or ok("notify-send"):
        from adr.notify import desktop

        info = await desktop.probe()
        if info is not None and info.actions:
            if ok("desktop"):
                found.append(desktop.DesktopNotifier(info, vet, on_forged))  # probe() imported dbus-fast
            if not found and ok("notify-send"):
                from adr.notify import notify_send

                b = notify_send.find()
                if b:
                    found.append(notify_send.NotifySend(b, vet, markup=info.markup))
        elif info is not None:
            log.info("the notification server %s has no buttons (no 'actions' capability)", info.name)
    if not found and (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        from adr.notify import kdialog, zenity

        kde = "KDE" in env.get("XDG_CURRENT_DESKTOP", "").upper()
        order = [("kdialog", kdialog.find, kdialog.KDialog), ("zenity", zenity.find, zenity.Zenity)]
        if not kde:
            order.reverse()
        for name, finder, cls in order:
            b = finder()
            if b and ok(name):
                markup = info is not None and info.markup
                found.append(zenity.Zenity(b, markup=markup) if cls is zenity.Zenity else cls(b))
                break
    return found

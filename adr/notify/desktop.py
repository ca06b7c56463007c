"""Desktop notifications with buttons over D-Bus (org.freedesktop.Notifications), via desktop-notifier.

Asynchronous, on the daemon's own event loop: the notification goes out, the button the human
presses comes back as an ActionInvoked signal. A notification the human closes counts as "Deny";
one the server lets expire leaves the question open (other channels may still answer it).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any

from adr.notify.interface import DENY, Answer, Question, answer

log = logging.getLogger("adr.notify")

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
PROBE_TIMEOUT = 2.0


@dataclass(frozen=True)
class ServerInfo:
    name: str
    vendor: str
    version: str
    capabilities: tuple[str, ...]

    @property
    def actions(self) -> bool:
        return "actions" in self.capabilities

    @property
    def markup(self) -> bool:
        return "body-markup" in self.capabilities


def session_bus_address(env: "dict[str, str] | None" = None) -> str:
    env = dict(os.environ) if env is None else env
    addr = env.get("DBUS_SESSION_BUS_ADDRESS", "")
    if addr:
        return addr
    xdg = env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    bus = os.path.join(xdg, "bus")
    return f"unix:path={bus}" if os.path.exists(bus) else ""


async def probe(timeout: float = PROBE_TIMEOUT) -> ServerInfo | None:
    """Is a notification server on the session bus, and what can it do? None when not."""
    if not session_bus_address():
        return None
    try:
        from dbus_fast import Message, MessageType
        from dbus_fast.aio import MessageBus
    except ImportError:
        return None
    bus = None
    try:
        bus = await asyncio.wait_for(MessageBus().connect(), timeout)

        async def call(member: str, dest: str = BUS_NAME, path: str = OBJECT_PATH,
                       iface: str = BUS_NAME, sig: str = "", body: "list[Any] | None" = None) -> list[Any]:
            reply = await asyncio.wait_for(bus.call(Message(destination=dest, path=path, interface=iface,
                                                            member=member, signature=sig, body=body or [])), timeout)
            if reply is None or reply.message_type != MessageType.METHOD_RETURN:
                raise RuntimeError(f"{member}: {getattr(reply, 'body', None)}")
            return list(reply.body)

        owned = (await call("NameHasOwner", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                            "s", [BUS_NAME]))[0]
        if not owned:
            activatable = (await call("ListActivatableNames", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus"))[0]
            if BUS_NAME not in activatable:
                return None
        name, vendor, version, _spec = (await call("GetServerInformation"))[:4]
        caps = tuple((await call("GetCapabilities"))[0])
        return ServerInfo(str(name), str(vendor), str(version), caps)
    except Exception as e:  # no bus, no server, a server that does not answer: not usable
        log.debug("no desktop notification server: %s", e)
        return None
    finally:
        if bus is not None:
            with contextlib.suppress(Exception):
                bus.disconnect()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DesktopNotifier:
    name = "desktop"

    def __init__(self, info: ServerInfo) -> None:
        self.info = info
        self._dn: Any = None
        self._loop: Any = None

    def describe(self) -> str:
        return f"desktop notification (D-Bus: {self.info.name} {self.info.version})".strip()

    def _notifier(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._dn is None or self._loop is not loop:  # its D-Bus connection belongs to one loop
            from desktop_notifier import DesktopNotifier as DN

            self._dn, self._loop = DN(app_name="adr", app_icon=None), loop
        return self._dn

    async def ask(self, q: Question) -> Answer | None:
        from desktop_notifier import Button, Notification, Urgency

        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Answer | None] = loop.create_future()
        sent = asyncio.Event()

        def settle(choice: str, note: str = "") -> None:
            if not fut.done():
                fut.set_result(answer(q, choice, self.name, note))

        buttons = tuple(Button(title=label, identifier=key, on_pressed=(lambda k=key: settle(k)))
                        for key, label in q.buttons())
        body = _escape(q.body()) if self.info.markup else q.body()
        n = Notification(title=q.title, message=body, urgency=Urgency.Critical, buttons=buttons,
                         on_dispatched=sent.set, on_dismissed=lambda: settle(DENY, "dismissed"),
                         timeout=max(1, int(q.timeout)))
        dn = self._notifier()
        await dn.send_notification(n)  # logs instead of raising when the bus fails
        if not sent.is_set():
            self._dn = None  # a stale connection (server restarted): start afresh next time
            raise RuntimeError("the notification server did not accept the notification")
        try:
            return await fut
        finally:  # answered elsewhere, timed out, or answered here: take it off the screen
            with contextlib.suppress(Exception):
                await asyncio.wait_for(dn.clear(n.identifier), 1.0)

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        from desktop_notifier import Notification, Urgency

        sent = asyncio.Event()
        urgency = Urgency.Critical if severity in ("high", "critical") else Urgency.Normal
        text = _escape(body) if self.info.markup else body
        await self._notifier().send_notification(Notification(title=title, message=text, urgency=urgency,
                                                               on_dispatched=sent.set))
        if not sent.is_set():
            self._dn = None
            raise RuntimeError("the notification server did not accept the notification")

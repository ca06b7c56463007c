"""Desktop notifications with buttons over D-Bus (org.freedesktop.Notifications), with dbus-fast.

Asynchronous, on the daemon's own event loop: the notification goes out, the button the human
presses comes back as an ActionInvoked signal. A notification the human closes counts as "Deny";
one the server lets expire leaves the question open (other channels may still answer it).

The button is the human's proof, so who sends it matters: any program on the session bus can emit
an ActionInvoked signal. Before each notification the server that owns the name is looked up (its
unique bus name and, from the bus, its pid) and vetted by the daemon (not an agent's process, not
one detached from an agent); the notification is sent to that unique name and only signals from it,
for the id it returned, count. A signal from anyone else is ignored and reported.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable

from adr.display import body_markup, visible
from adr.notify.interface import APP_NAME, DENY, Answer, Question, answer

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


class UntrustedChannel(RuntimeError):
    """The notification server is not one whose buttons can stand for the human's."""


async def _call(bus: Any, member: str, dest: str = BUS_NAME, path: str = OBJECT_PATH, iface: str = BUS_NAME,
                sig: str = "", body: "list[Any] | None" = None, timeout: float = PROBE_TIMEOUT) -> list[Any]:
    from dbus_fast import Message, MessageType

    reply = await asyncio.wait_for(bus.call(Message(destination=dest, path=path, interface=iface, member=member,
                                                    signature=sig, body=body or [])), timeout)
    if reply is None or reply.message_type != MessageType.METHOD_RETURN:
        raise RuntimeError(f"{member}: {getattr(reply, 'body', None)}")
    return list(reply.body)


async def _bus_call(bus: Any, member: str, sig: str = "", body: "list[Any] | None" = None) -> list[Any]:
    return await _call(bus, member, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", sig, body)


async def server_owner(bus: Any) -> tuple[str, int | None]:
    """(unique bus name, pid) of the process that owns org.freedesktop.Notifications now."""
    owner = str((await _bus_call(bus, "GetNameOwner", "s", [BUS_NAME]))[0])
    try:
        pid: int | None = int((await _bus_call(bus, "GetConnectionUnixProcessID", "s", [owner]))[0])
    except Exception:
        pid = None
    return owner, pid


async def vetted_owner(bus: Any, vet: "Callable[[int | None], str | None] | None") -> tuple[str, int | None]:
    """The server's (unique name, pid) if `vet` finds nothing against it; UntrustedChannel otherwise."""
    try:
        owner, pid = await server_owner(bus)
    except Exception as e:
        raise RuntimeError(f"no notification server on the bus ({e})") from None
    why = vet(pid) if vet is not None else None
    if why:
        raise UntrustedChannel(f"the notification server {owner} (pid {pid}) is not trusted with your answers: {why}")
    return owner, pid


async def probe(timeout: float = PROBE_TIMEOUT) -> ServerInfo | None:
    """Is a notification server on the session bus, and what can it do? None when not."""
    if not session_bus_address():
        return None
    try:
        from dbus_fast.aio import MessageBus
    except ImportError:
        return None
    bus = None
    try:
        bus = await asyncio.wait_for(MessageBus().connect(), timeout)
        owned = (await _bus_call(bus, "NameHasOwner", "s", [BUS_NAME]))[0]
        if not owned:
            activatable = (await _bus_call(bus, "ListActivatableNames"))[0]
            if BUS_NAME not in activatable:
                return None
        name, vendor, version, _spec = (await _call(bus, "GetServerInformation"))[:4]
        caps = tuple((await _call(bus, "GetCapabilities"))[0])
        return ServerInfo(str(name), str(vendor), str(version), caps)
    except Exception as e:  # no bus, no server, a server that does not answer: not usable
        log.debug("no desktop notification server: %s", e)
        return None
    finally:
        if bus is not None:
            with contextlib.suppress(Exception):
                bus.disconnect()


SIGNALS = ("ActionInvoked", "NotificationClosed")
CLOSED_EXPIRED, CLOSED_DISMISSED = 1, 2
MAX_EARLY = 64  # signals that arrive before the reply to Notify was handled (kept briefly)


class DesktopNotifier:
    name = "desktop"
    shows_code = True  # the text travels to the server over the bus, on no command line

    def __init__(self, info: ServerInfo, vet: "Callable[[int | None], str | None] | None" = None,
                 on_forged: "Callable[[str], None] | None" = None) -> None:
        self.info = info
        self.vet = vet  # the daemon's check of the server's process (None: trust whoever owns the name)
        self.on_forged = on_forged  # told about signals from anyone but the server
        self._bus: Any = None
        self._loop: Any = None
        self._waiting: dict[tuple[str, int], tuple[Question, "asyncio.Future[Answer | None]"]] = {}
        self._early: dict[tuple[str, int], Any] = {}
        self._closed: set[tuple[str, int]] = set()  # closed by the server: nothing to withdraw

    def describe(self) -> str:
        return f"desktop notification (D-Bus: {self.info.name} {self.info.version})".strip()

    async def _connection(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._bus is None or self._loop is not loop or not self._bus.connected:
            from dbus_fast.aio import MessageBus

            bus = await asyncio.wait_for(MessageBus().connect(), PROBE_TIMEOUT)
            bus.add_message_handler(self._on_message)
            # every Notifications signal reaches us; which ones count is decided in _on_message
            await _bus_call(bus, "AddMatch", "s", [f"type='signal',interface='{BUS_NAME}',path='{OBJECT_PATH}'"])
            self._bus, self._loop = bus, loop
        return self._bus

    async def ask(self, q: Question) -> Answer | None:
        from dbus_fast import Variant

        try:
            bus = await self._connection()
            owner, _pid = await vetted_owner(bus, self.vet)
            body = body_markup(q.body()) if self.info.markup else q.body()
            actions: list[str] = []
            for key, label in q.buttons():
                actions += [key, label]
            nid = int((await _call(bus, "Notify", owner, sig="susssasa{sv}i", body=[
                APP_NAME, 0, "", q.title, body, actions, {"urgency": Variant("y", 2)}, max(1, int(q.timeout)) * 1000]))[0])
        except UntrustedChannel:
            raise
        except Exception as e:
            self._bus = None  # a stale connection (server or bus restarted): start afresh next time
            raise RuntimeError(f"the notification server did not accept the notification: {e}") from None
        fut: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        key = (owner, nid)
        self._waiting[key] = (q, fut)
        early = self._early.pop(key, None)
        if early is not None:
            self._on_message(early)
        try:
            return await fut
        finally:  # answered elsewhere, timed out, or answered here: take it off the screen
            self._waiting.pop(key, None)
            if key in self._closed:
                self._closed.discard(key)
            else:
                with contextlib.suppress(Exception):
                    await _call(bus, "CloseNotification", owner, sig="u", body=[nid], timeout=1.0)

    def _on_message(self, msg: Any) -> None:
        from dbus_fast import MessageType

        if (msg.message_type != MessageType.SIGNAL or msg.interface != BUS_NAME or msg.path != OBJECT_PATH
                or msg.member not in SIGNALS or not msg.body):
            return
        try:
            nid = int(msg.body[0])
        except (TypeError, ValueError):
            return
        entry = self._waiting.get((msg.sender, nid))
        if entry is None:
            if any(n == nid for _owner, n in self._waiting):
                why = (f"a {msg.member} signal for notification {nid} came from {msg.sender}, "
                       "not from the notification server: ignored")
                log.warning(why)
                if self.on_forged is not None:
                    self.on_forged(why)
            else:  # may be ours, arriving before the reply to Notify was handled
                if len(self._early) >= MAX_EARLY:
                    self._early.pop(next(iter(self._early)))
                self._early[(msg.sender, nid)] = msg
            return
        q, fut = entry
        if msg.member == "NotificationClosed":
            self._closed.add((msg.sender, nid))
        if fut.done():
            return
        if msg.member == "ActionInvoked":
            choice = str(msg.body[1]) if len(msg.body) > 1 else ""
            if choice in q.choices:
                fut.set_result(answer(q, choice, self.name))
        elif len(msg.body) > 1 and msg.body[1] == CLOSED_DISMISSED:
            fut.set_result(answer(q, DENY, self.name, "dismissed"))
        else:
            fut.set_result(None)  # expired, or closed by us

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        """A notification without buttons (alerts): nothing comes back, so nothing is vetted."""
        from dbus_fast import Variant

        try:
            bus = await self._connection()
            title, text = visible(title, keep=""), (body_markup(body) if self.info.markup else visible(body))
            urgency = 2 if severity in ("high", "critical") else 1
            await _call(bus, "Notify", BUS_NAME, sig="susssasa{sv}i",
                        body=[APP_NAME, 0, "", title, text, [], {"urgency": Variant("y", urgency)}, -1])
        except Exception as e:
            self._bus = None
            raise RuntimeError(f"the notification server did not accept the notification: {e}") from None

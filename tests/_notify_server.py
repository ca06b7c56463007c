"""A private D-Bus session bus and a test org.freedesktop.Notifications service on it.

The service records every Notify call (title, body, actions) and answers the way a test tells it
to: "click" a button (ActionInvoked + NotificationClosed, as real servers do), dismiss it
(NotificationClosed reason 2), or leave it on screen. It runs on its own event loop in a thread.
(No `from __future__ import annotations` here: dbus-fast reads the signature strings.)
"""
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from typing import Any, Callable, Iterator, Optional

from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal as dbus_signal

CLICK_DELAY = 0.02  # a reply must reach the client before the signal (as with any human click)


def start_session_bus(tmp_dir: str) -> "tuple[subprocess.Popen[str], str]":
    exe = shutil.which("dbus-daemon")
    if exe is None:
        raise RuntimeError("dbus-daemon is not installed (make sysdeps)")
    sock = os.path.join(tmp_dir, "bus")
    proc = subprocess.Popen([exe, "--session", "--nofork", "--nopidfile", f"--address=unix:path={sock}",
                             "--print-address=1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    addr = proc.stdout.readline().strip()
    if not addr:
        proc.kill()
        raise RuntimeError("dbus-daemon did not print its address")
    return proc, addr


def stop_process(proc: "subprocess.Popen[Any]") -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Notifications(ServiceInterface):
    def __init__(self, server: "FakeNotificationServer") -> None:
        super().__init__("org.freedesktop.Notifications")
        self.server = server

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s",  # noqa: F821
               actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":  # noqa: F821
        return self.server._notify(app_name, summary, body, list(actions), expire_timeout)

    @method()
    def CloseNotification(self, id: "u") -> None:  # noqa: F821
        self.server._closed_by_client(id)

    @method()
    def GetCapabilities(self) -> "as":  # noqa: F821
        return list(self.server.capabilities)

    @method()
    def GetServerInformation(self) -> "ssss":  # noqa: F821
        return ["adr-test-notifications", "adr tests", "1.0", "1.2"]

    @dbus_signal()
    def NotificationClosed(self, id, reason) -> "uu":  # noqa: F821
        return [id, reason]

    @dbus_signal()
    def ActionInvoked(self, id, action_key) -> "us":  # noqa: F821
        return [id, action_key]


class FakeNotificationServer:
    """responder(call) → ("click", action_key) | ("dismiss",) | None (leave it showing)."""

    def __init__(self, address: str, capabilities: "tuple[str, ...]" = ("actions", "body")) -> None:
        self.address = address
        self.capabilities = capabilities
        self.calls: list[dict[str, Any]] = []
        self.closed_by_client: list[int] = []
        self.responder: Callable[[dict[str, Any]], Optional[tuple]] = lambda call: None
        self._next = 1
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._iface: Optional[Notifications] = None
        self._bus: Optional[MessageBus] = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._lock = threading.Lock()

    def start(self) -> "FakeNotificationServer":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the test notification server did not start")
        return self

    def stop(self) -> None:
        """Leave the bus (the name is released for the next server) and end the thread."""
        loop = self._loop
        if loop is None or not self._thread.is_alive():
            return

        def shutdown() -> None:
            if self._bus is not None:
                self._bus.disconnect()
            loop.call_later(0.05, loop.stop)

        loop.call_soon_threadsafe(shutdown)
        self._thread.join(5)
        loop.close()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)

        async def setup() -> None:
            self._bus = await MessageBus(bus_address=self.address).connect()
            self._iface = Notifications(self)
            self._bus.export("/org/freedesktop/Notifications", self._iface)
            await self._bus.request_name("org.freedesktop.Notifications")

        loop.run_until_complete(setup())
        self._ready.set()
        loop.run_forever()

    # ---- called on the server's loop ----------------------------------------------------------

    def _notify(self, app_name: str, summary: str, body: str, actions: list[str], expire_timeout: int) -> int:
        nid = self._next
        self._next += 1
        pairs = list(zip(actions[0::2], actions[1::2]))
        call = {"id": nid, "app_name": app_name, "summary": summary, "body": body,
                "actions": [k for k, _ in pairs], "labels": [label for _, label in pairs],
                "expire_timeout": expire_timeout, "time": time.monotonic()}
        with self._lock:
            self.calls.append(call)
        response = self.responder(call)
        if response and self._loop is not None:
            self._loop.call_later(CLICK_DELAY, self._respond, nid, response)
        return nid

    def _respond(self, nid: int, response: tuple) -> None:
        assert self._iface is not None
        if response[0] == "click":
            self._iface.ActionInvoked(nid, response[1])
            self._iface.NotificationClosed(nid, 2)
        elif response[0] == "dismiss":
            self._iface.NotificationClosed(nid, 2)

    def _closed_by_client(self, nid: int) -> None:
        with self._lock:
            self.closed_by_client.append(nid)
        if self._iface is not None:
            self._iface.NotificationClosed(nid, 3)

    # ---- for tests ----------------------------------------------------------------------------

    def click_later(self, nid: int, key: str) -> None:
        """Press a button on a notification that is showing (from the test thread)."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._respond, nid, ("click", key))

    def wait_for_calls(self, n: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.calls) >= n:
                    return list(self.calls)
            time.sleep(0.02)
        with self._lock:
            return list(self.calls)


@contextlib.contextmanager
def desktop_session(tmp_dir: str) -> Iterator[FakeNotificationServer]:
    """A private session bus with the test notification server on it, set as this process's
    DBUS_SESSION_BUS_ADDRESS (so daemons started inside inherit it); all undone on exit."""
    bus_proc, addr = start_session_bus(tmp_dir)
    server = FakeNotificationServer(addr).start()
    saved = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = addr
    try:
        yield server
    finally:
        server.stop()
        stop_process(bus_proc)
        if saved is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = saved

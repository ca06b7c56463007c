"""`notify-send --action … --wait` (libnotify ≥ 0.7.10): buttons through the command-line tool.

Used when dbus-fast cannot be imported but a notification server is on the session bus (or when
ADR_NOTIFIER asks for it). notify-send prints the key of the pressed button and exits; closed or
expired prints nothing (the question stays open for the other channels). libnotify listens to the
server's own signals only; the server is vetted like the desktop channel's before each question.
Its text is on its command line, which any process can read, so it never carries the one-time code.
libnotify hands the body to the server as it is: when the server reads markup (capability
"body-markup") the body is escaped here, as the desktop channel does (display.body_markup).
"""
from __future__ import annotations

import asyncio
import contextlib
import subprocess

from typing import Callable

from adr import sysprog
from adr.display import body_markup, visible
from adr.notify.interface import APP_NAME, LABELS, Answer, Question, answer


async def _vet(vet: "Callable[[int | None], str | None]") -> None:
    from dbus_fast.aio import MessageBus

    from adr.notify.desktop import PROBE_TIMEOUT, vetted_owner

    bus = await asyncio.wait_for(MessageBus().connect(), PROBE_TIMEOUT)
    try:
        await vetted_owner(bus, vet)
    finally:
        bus.disconnect()


def supports_actions(binary: str) -> bool:
    try:
        out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--action" in out.stdout + out.stderr and "--wait" in out.stdout + out.stderr


def find() -> str | None:
    binary = sysprog.find("notify-send")
    return binary if binary and supports_actions(binary) else None


def _body(text: str, markup: bool) -> str:
    return body_markup(text) if markup else visible(text)


def command(binary: str, q: Question, markup: bool = False) -> list[str]:
    argv = [binary, f"--app-name={APP_NAME}", "--urgency=critical", f"--expire-time={int(q.timeout * 1000)}", "--wait"]
    argv += [f"--action={key}={label}" for key, label in q.buttons()]
    argv += ["--", q.title, _body(q.body(with_code=False), markup)]  # a command line any process can read: never the code
    return argv


def parse(stdout: str, q: Question) -> str | None:
    """The choice key notify-send printed (the last line), if it is one of this question's."""
    lines = [ln.strip() for ln in stdout.splitlines() if ln.strip()]
    if not lines:
        return None
    key = lines[-1]
    if key in q.choices:
        return key
    by_label = {v: k for k, v in LABELS.items()}  # older versions print the label
    return by_label.get(key) if by_label.get(key) in q.choices else None


class NotifySend:
    name = "notify-send"
    shows_code = False

    def __init__(self, binary: str, vet: "Callable[[int | None], str | None] | None" = None,
                 markup: bool = False) -> None:
        self.binary = binary
        self.vet = vet
        self.markup = markup  # the server reads body markup: escape the body

    def describe(self) -> str:
        return f"notify-send with buttons ({self.binary})"

    async def ask(self, q: Question) -> Answer | None:
        if self.vet is not None:
            await _vet(self.vet)
        proc = await asyncio.create_subprocess_exec(*command(self.binary, q, self.markup), stdin=asyncio.subprocess.DEVNULL,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        try:
            out, _ = await proc.communicate()
        finally:
            if proc.returncode is None:  # withdrawn: notify-send closes its notification on SIGTERM
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(proc.wait(), 2)
        choice = parse(out.decode("utf-8", "replace"), q)
        return answer(q, choice, self.name) if choice else None

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        urgency = "critical" if severity in ("high", "critical") else "normal"
        proc = await asyncio.create_subprocess_exec(self.binary, f"--app-name={APP_NAME}", f"--urgency={urgency}", "--",
                                                    visible(title, keep=""), _body(body, self.markup), stdin=asyncio.subprocess.DEVNULL,
                                                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        if await proc.wait() != 0:
            raise RuntimeError(f"notify-send exited with {proc.returncode}")

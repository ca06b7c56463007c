"""macOS: an AppleScript dialog with buttons (`display dialog … giving up after N`) via osascript.

A dialog shows at most three buttons: the first two allowing choices and Deny (the default, so
Return never allows). osascript prints "button returned:LABEL, gave up:BOOL".
"""
from __future__ import annotations


from adr import sysprog
from adr.display import visible
from adr.notify import _dialog
from adr.notify.interface import DENY, LABELS, Answer, Question, answer


def find() -> str | None:
    return sysprog.find("osascript")


def _quote(text: str) -> str:
    """An AppleScript string literal (backslashes and quotes escaped, hidden characters shown)."""
    text = visible(text, keep="\n")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def script(q: Question) -> str:
    choices = _dialog.dialog_choices(q)
    buttons = "{" + ", ".join(_quote(LABELS[c]) for c in reversed(choices)) + "}"  # rightmost = Deny
    icon = "stop" if q.critical or q.confirm else "caution"
    return (f"display dialog {_quote(q.body())} with title {_quote(q.title)} buttons {buttons} "
            f"default button {_quote(LABELS[DENY])} cancel button {_quote(LABELS[DENY])} with icon {icon} "
            f"giving up after {max(1, int(q.timeout))}")


def command(binary: str, q: Question) -> list[str]:
    """The script goes to osascript on stdin (`-`), not on its command line: it carries the code."""
    return [binary, "-"]


def parse(rc: int, stdout: str, q: Question) -> str | None:
    if rc != 0:
        return DENY if rc == 1 else None  # the cancel button (Deny) makes osascript fail with -128
    out = stdout.strip()
    if "gave up:true" in out:
        return None
    if not out.startswith("button returned:"):
        return None
    label = out[len("button returned:"):].split(", gave up:")[0]
    return next((c for c in _dialog.dialog_choices(q) if LABELS[c] == label), None)


class Osascript:
    name = "osascript"
    shows_code = True  # the script (with the code) reaches osascript through a pipe

    def __init__(self, binary: str) -> None:
        self.binary = binary

    def describe(self) -> str:
        return "macOS dialog (osascript)"

    async def ask(self, q: Question) -> Answer | None:
        rc, out = await _dialog.run(command(self.binary, q), stdin=script(q).encode("utf-8"))
        choice = parse(rc, out, q)
        return answer(q, choice, self.name) if choice else None

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        script = f"display notification {_quote(body)} with title {_quote(title)}"
        rc, _ = await _dialog.run([self.binary, "-e", script])
        if rc != 0:
            raise RuntimeError(f"osascript exited with {rc}")

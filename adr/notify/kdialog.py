"""A kdialog question (KDE): Yes / No / Cancel relabelled; Cancel (and closing the window) is Deny.

Qt shows a label's text as rich text when it starts like HTML — a command spelled `<a href=…>` or
`<img …>` would render — so every text goes as escaped rich text (display.qt_text)."""
from __future__ import annotations


from adr import sysprog
from adr.display import qt_text, visible
from adr.notify import _dialog
from adr.notify.interface import DENY, LABELS, Answer, Question, answer


def find() -> str | None:
    return sysprog.find("kdialog")


def command(binary: str, q: Question) -> list[str]:
    allow = [c for c in _dialog.dialog_choices(q) if c != DENY]
    if len(allow) == 1:
        return [binary, "--title", q.title, "--yes-label", LABELS[allow[0]], "--no-label", LABELS[DENY],
                "--yesno", qt_text(q.body(with_code=False))]
    return [binary, "--title", q.title, "--yes-label", LABELS[allow[0]], "--no-label", LABELS[allow[1]],
            "--cancel-label", LABELS[DENY], "--yesnocancel", qt_text(q.body(with_code=False))]


def parse(rc: int, q: Question) -> str | None:
    allow = [c for c in _dialog.dialog_choices(q) if c != DENY]
    if rc == 0:
        return allow[0]
    if rc == 1:
        return allow[1] if len(allow) > 1 else DENY
    if rc == 2:
        return DENY
    return None


class KDialog:
    name = "kdialog"
    shows_code = False  # its text is on a command line any process can read

    def __init__(self, binary: str) -> None:
        self.binary = binary

    def describe(self) -> str:
        return f"kdialog ({self.binary})"

    async def ask(self, q: Question) -> Answer | None:
        rc, _ = await _dialog.run(command(self.binary, q))
        choice = parse(rc, q)
        return answer(q, choice, self.name) if choice else None

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        rc, _ = await _dialog.run([self.binary, "--title", visible(title, keep=""), "--passivepopup",
                                    qt_text(body), "10"])
        if rc != 0:
            raise RuntimeError(f"kdialog exited with {rc}")

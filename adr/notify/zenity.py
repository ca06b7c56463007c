"""A zenity question dialog (GNOME and most X11/Wayland desktops without a notification server).

OK is the first allowing choice, Cancel is Deny, one extra button for a second allowing choice;
zenity prints an extra button's label and exits 1, exits 5 when the dialog times out.
A question is plain text (--no-markup); an alert goes through libnotify to the notification server,
whose body is escaped when that server reads markup (display.body_markup).
"""
from __future__ import annotations


from adr import sysprog
from adr.display import body_markup, visible
from adr.notify import _dialog
from adr.notify.interface import DENY, LABELS, Answer, Question, answer


def find() -> str | None:
    return sysprog.find("zenity")


def command(binary: str, q: Question) -> list[str]:
    choices = _dialog.dialog_choices(q)
    allow = [c for c in choices if c != DENY]
    argv = [binary, "--question", "--no-markup", f"--title={q.title}", f"--text={q.body(with_code=False)}",
            f"--timeout={max(1, int(q.timeout))}", f"--ok-label={LABELS[allow[0]]}", f"--cancel-label={LABELS[DENY]}"]
    argv += [f"--extra-button={LABELS[c]}" for c in allow[1:]]
    return argv


def parse(rc: int, stdout: str, q: Question) -> str | None:
    allow = [c for c in _dialog.dialog_choices(q) if c != DENY]
    if rc == 0:
        return allow[0]
    if rc == 1:
        label = stdout.strip()
        if not label:
            return DENY  # Cancel (= Deny) or the window closed
        return next((c for c in allow if LABELS[c] == label), None)
    return None  # 5: timed out; anything else: the dialog failed


class Zenity:
    name = "zenity"
    shows_code = False  # its text is on a command line any process can read

    def __init__(self, binary: str, markup: bool = False) -> None:
        self.binary = binary
        self.markup = markup  # a notification server is up and reads body markup (alerts go to it)

    def describe(self) -> str:
        return f"zenity dialog ({self.binary})"

    async def ask(self, q: Question) -> Answer | None:
        rc, out = await _dialog.run(command(self.binary, q))
        choice = parse(rc, out, q)
        return answer(q, choice, self.name) if choice else None

    async def tell(self, title: str, body: str, severity: str = "high") -> None:
        # a passive notification, not a dialog: an alert must not wait for a click
        text = body_markup(body) if self.markup else visible(body)  # the first line is the summary
        rc, _ = await _dialog.run([self.binary, "--notification", "--no-markup",
                                   f"--text={visible(title, keep='')}\n{text}"])
        if rc != 0:
            raise RuntimeError(f"zenity exited with {rc}")

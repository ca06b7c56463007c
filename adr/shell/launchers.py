"""Files the desktop runs when a command hands them over — pure (no I/O).

macOS `open` runs a `.command`/`.tool` file (or any file given to a terminal app) in a new terminal;
a freedesktop entry's Exec= line runs through `gio launch`, `dex`, `kioclient exec`, `exo-open`,
`xdg-open` and `gtk-launch`. Either way the code runs outside every hook, so the shell layer (a file
written earlier on the line) and adr/shell/runs.py (a file on disk or written in an earlier call)
judge it as the script it is.
"""
from __future__ import annotations

import posixpath
import re
from typing import Sequence

LAUNCHERS = frozenset({"open", "gio", "dex", "kioclient", "kioclient5", "kioclient6", "exo-open", "xdg-open",
                       "gtk-launch", "gtk4-launch"})
_TERMINAL_APPS = frozenset({"terminal", "iterm", "iterm2", "warp", "kitty", "alacritty", "wezterm", "ghostty",
                            "hyper", "tabby"})
_OPEN_VALUED = frozenset({"-a", "-b", "--env", "--stdin", "--stdout", "--stderr", "-u", "--url", "-s", "--arch"})
_FIELD_CODE = re.compile(r"%[fFuUdDnNickvm]")


def launched(prog: str, args: Sequence[str], home: str = "") -> list[tuple[str, str]]:
    """(file as written, language: "" = by its #! line or name, "desktop" = an entry) for each file
    `prog args` has the desktop run; `gtk-launch NAME` names the user's own entry (needs `home`)."""
    args = list(args)
    if prog == "open":
        app = ""
        files: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--args":
                break  # the rest goes to the app
            if a in _OPEN_VALUED:
                if a == "-a" and i + 1 < len(args):
                    app = posixpath.basename(args[i + 1].rstrip("/")).lower().removesuffix(".app").replace(" ", "")
                i += 2
                continue
            if not a.startswith("-"):
                files.append(a)
            i += 1
        runs_it = app in _TERMINAL_APPS
        return [(f, "") for f in files if runs_it or f.lower().endswith((".command", ".tool"))]
    if prog in ("gtk-launch", "gtk4-launch"):
        pos = [a for a in args if not a.startswith("-")]
        if not pos or not home or "/" in pos[0]:
            return []
        name = pos[0] if pos[0].endswith(".desktop") else pos[0] + ".desktop"
        return [(posixpath.join(home, ".local/share/applications", name), "desktop")]  # where a user adds one
    if prog not in LAUNCHERS or prog == "gio" and args[:1] != ["launch"] or \
            prog.startswith("kioclient") and args[:1] != ["exec"]:
        return []
    rest = args[1:] if prog == "gio" or prog.startswith("kioclient") else args
    if prog == "dex" and any(a in ("-d", "--test", "-c", "--create") for a in rest):
        return []  # a dry run / creating an entry runs nothing
    entries = [a for a in rest if a.endswith(".desktop") and not a.startswith("-")]
    return [(e, "desktop") for e in (entries if prog == "dex" else entries[:1])]


def desktop_exec(text: str) -> str:
    """The commands a freedesktop entry runs: the [Desktop Entry] group's Exec= (what a launch runs)
    first, then its actions' (run from a menu) — field codes (%f, %U …) dropped and `%%` a literal `%`
    — as shell text, one command a line. The file's size is bounded by whoever read it; every Exec=
    line of it is kept, so no padding pushes the one that runs out of view."""
    main: list[str] = []
    actions: list[str] = []
    group = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped
            continue
        key, eq, value = line.partition("=")
        if eq and key.strip() == "Exec" and value.strip():
            command = _FIELD_CODE.sub("", value.strip()).replace("%%", "%")
            (main if group in ("[Desktop Entry]", "") else actions).append(command)
    return "\n".join(main + actions)

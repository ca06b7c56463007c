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
_OPEN_SHORT_VALUED = frozenset("abus")  # in a cluster (`-na Terminal`, `-aTerminal`) the rest or the next word
_INSTALLED_APPS = ("/Applications/", "/System/")
_FIELD_CODE = re.compile(r"%[fFuUdDnNickvm]")


def launched(prog: str, args: Sequence[str], home: str = "") -> list[tuple[str, str]]:
    """(file as written, language: "" = by its #! line or name, "desktop" = an entry) for each file
    `prog args` has the desktop run; `gtk-launch NAME` names the user's own entry (needs `home`)."""
    args = list(args)
    if prog == "open":
        return _open_files(args)
    if prog in ("gtk-launch", "gtk4-launch"):
        pos = [a for a in args if not a.startswith("-")]
        if pos and pos[0].endswith(".desktop") and "/" in pos[0]:
            return [(pos[0], "desktop")]  # (a path: read as the entry it names)
        if not pos or not home or "/" in pos[0]:
            return []
        name = pos[0] if pos[0].endswith(".desktop") else pos[0] + ".desktop"
        return [(posixpath.join(home, ".local/share/applications", name), "desktop")]  # where a user adds one
    if prog not in LAUNCHERS or prog == "gio" and args[:1] not in (["launch"], ["open"]) or \
            prog.startswith("kioclient") and args[:1] != ["exec"]:
        return []
    rest = args[1:] if prog == "gio" or prog.startswith("kioclient") else args
    if prog == "dex" and any(a in ("-d", "--test", "-c", "--create") for a in rest):
        return []  # a dry run / creating an entry runs nothing
    entries = [a for a in rest if a.endswith(".desktop") and not a.startswith("-")]
    return [(e, "desktop") for e in (entries if prog == "dex" else entries[:1])]


def _open_files(args: list[str]) -> list[tuple[str, str]]:
    """macOS `open`: a .command/.tool file, any file handed to a terminal app (`-a Terminal`, `-b
    com.apple.Terminal`, in a cluster `-na Terminal`), a Terminal settings file's CommandString, and
    an app bundle given by path (`open X.app`, `-a ./X.app`: its Contents/MacOS executable)."""
    app, bundle = "", ""
    files: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--args":
            break  # the rest goes to the app
        name, value, i = _open_option(args, i)
        if name == "-a":
            if "/" in value.rstrip("/") or value.lower().endswith(".app") and value.startswith("."):
                bundle = value
            app = posixpath.basename(value.rstrip("/")).lower().removesuffix(".app").replace(" ", "")
        elif name == "-b":
            app = next((p for p in re.split(r"[.-]", value.lower()) if p in _TERMINAL_APPS), app)
        elif not name:
            low = value.lower().rstrip("/")
            if low.endswith(".app") and not value.startswith(_INSTALLED_APPS):
                files.append((value.rstrip("/"), "app"))
            elif low.endswith(".terminal"):
                files.append((value, "terminal"))
            else:
                files.append((value, ""))
    runs_it = app in _TERMINAL_APPS
    out = [(f, lang) for f, lang in files
           if lang or runs_it or f.lower().endswith((".command", ".tool"))]
    if bundle and not bundle.startswith(_INSTALLED_APPS):
        out.append((bundle.rstrip("/"), "app"))
    return out


def _open_option(args: list[str], i: int) -> tuple[str, str, int]:
    """(option, its value, the next index) at args[i]; ("", operand, …) for an operand."""
    a = args[i]
    if a in _OPEN_VALUED or a.startswith("--"):
        name, eq, value = a.partition("=")
        if eq or name not in _OPEN_VALUED:
            return name, value, i + 1
        return a, args[i + 1] if i + 1 < len(args) else "", i + 2
    if a.startswith("-") and len(a) > 1:
        for k, ch in enumerate(a[1:], 1):
            if ch in _OPEN_SHORT_VALUED:
                rest = a[k + 1:]
                if rest:
                    return "-" + ch, rest, i + 1
                return "-" + ch, args[i + 1] if i + 1 < len(args) else "", i + 2
        return a, "", i + 1
    return "", a, i + 1


def terminal_command(text: str) -> str:
    """A Terminal settings file's (.terminal) CommandString: the command it runs when opened."""
    import html
    m = re.search(r"<key>\s*CommandString\s*</key>\s*<string>([^<]*)</string>", text)
    return html.unescape(m.group(1)) if m else ""


def as_shell(language: str, text: str) -> str:
    """A launched file's text as the shell text it runs (an entry's Exec= lines, a CommandString)."""
    if language == "desktop":
        return desktop_exec(text)
    if language == "terminal":
        return terminal_command(text)
    return text


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

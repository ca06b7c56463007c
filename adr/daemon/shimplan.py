"""What a command shim asks adr about: planning shared by the Python shim and the daemon.

The Python shim (adr/intercept/shim.py) runs `plan()` in its own process; the daemon runs it for the
native shim with the values that client sent (its cwd, parent, whether stdin is a pipe). Both import
it from here, so the daemon never imports a client module. Stdlib-free like the shim's fast path:
only the interpreter's built-in `posix` module.
"""
from __future__ import annotations

import posix

MAX_TEXT = 256 * 1024  # script text sent for judgement (the shell layer's own bound per layer)
REFUSED = 126
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash"})
PYTHONS = frozenset({"python", "python3"})
NODES = frozenset({"node", "nodejs"})


def _env(key: str) -> str:
    v = posix.environ.get(key.encode())
    return v.decode("utf-8", "surrogateescape") if v is not None else ""


_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")


def _basename(p: str) -> str:
    return p.rstrip("/").rsplit("/", 1)[-1]


def quote(word: str) -> str:
    """POSIX shell quoting (shlex.quote, without importing re)."""
    if word and all(c in _SAFE for c in word):
        return word
    return "'" + word.replace("'", "'\"'\"'") + "'"


def command_line(argv: "list[str]") -> str:
    return " ".join(quote(a) for a in argv)


def _ident(path: str) -> "tuple[int, int] | None":
    try:
        st = posix.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _shell_split(args: "list[str]") -> "tuple[bool, str | None, int]":
    """For sh/bash/zsh args: (has -c, the -c string or None, index of the first operand)."""
    has_c, i = False, 0
    while i < len(args):
        a = args[i]
        if a == "--" or a == "-":
            i += 1
            break
        if len(a) > 1 and a[0] in "-+":
            if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
                i += 2
                continue
            if not a.startswith("--") and "c" in a[1:]:
                has_c = True
            i += 1
            continue
        break
    if has_c:
        return True, (args[i] if i < len(args) else ""), i
    return False, None, i


def _interp_split(name: str, args: "list[str]") -> "tuple[bool, int]":
    """For python/node: (has inline code or a module: -c/-m, -e/-p), index of the first operand."""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return False, i + 1
        if a == "-" or not a.startswith("-"):
            return False, i
        if name in PYTHONS:
            if a.startswith("--"):
                i += 1
                continue
            flags = a[1:]
            for j, ch in enumerate(flags):
                if ch in "cm":
                    return True, i
                if ch in "WX":  # take an argument (attached or next word)
                    if j == len(flags) - 1:
                        i += 1
                    break
            i += 1
            continue
        if a in ("-e", "--eval", "-p", "--print", "-pe", "-ep") or a.startswith(("--eval=", "--print=")):
            return True, i
        if a in ("-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions"):
            i += 2
            continue
        i += 1
    return False, i


def _stdin_is_program_pipe() -> bool:
    try:
        mode = posix.fstat(0).st_mode & 0o170000
    except OSError:
        return False
    return mode in (0o010000, 0o140000)  # FIFO or socket: something feeds the program in


_PROC_RELATIVE = ("/dev/fd/", "/proc/self/", "/proc/thread-self/")


_STDIO = {"/dev/stdin": "0", "/dev/stdout": "1", "/dev/stderr": "2"}


def client_path(path: str, cwd: "str | None" = None, pid: "int | None" = None) -> "str | None":
    """`path` as the shim process sees it, for a reader that is another process (the daemon planning
    for a native shim): relative to the client's cwd, /dev/fd/N and /proc/self/… through /proc/<pid>.
    None when that cannot be done (no /proc): such a path is then not read at all."""
    if pid is not None:
        if path in _STDIO:
            path = "/dev/fd/" + _STDIO[path]
        for prefix in _PROC_RELATIVE:
            if path.startswith(prefix):
                if pid <= 0 or not _ident("/proc/self"):
                    return None
                rest = path[len(prefix):]
                return f"/proc/{pid}/fd/{rest}" if prefix == "/dev/fd/" else f"/proc/{pid}/{rest}"
    if not path.startswith("/"):
        if cwd:
            return cwd.rstrip("/") + "/" + path
        if pid is not None:
            return None  # the reader's own cwd is not the client's
    return path


def written_in_session(path: str, wrap_start: "str | None" = None) -> bool:
    """Was this script file created or changed since the wrapped session started (by the agent, most
    likely)? Scripts that were there before — the user's own, pyenv's, a project's build scripts — are
    judged by their command line only: whole-file judgement of every installed script would be noise."""
    try:
        start = float((_env("ADR_WRAP_START") if wrap_start is None else wrap_start) or "0")
        st = posix.stat(path)
    except (OSError, ValueError):
        return False
    return start > 0 and st.st_ctime >= start - 1.0  # ctime: `touch -d` cannot move it back


def _read_text(path: str, limit: int = MAX_TEXT) -> "tuple[str, bool] | None":
    """(text, truncated) of a script file, or None when it cannot be read. Only regular files are
    read: a FIFO (`bash <(…)`) would block, and what is read from it would be taken from the program."""
    try:
        if (posix.stat(path).st_mode & 0o170000) != 0o100000:
            return None  # not even opened: opening a FIFO or a device can have effects of its own
        fd = posix.open(path, posix.O_RDONLY | getattr(posix, "O_NONBLOCK", 0) | getattr(posix, "O_NOCTTY", 0))
    except (OSError, ValueError):
        return None
    try:
        if (posix.fstat(fd).st_mode & 0o170000) != 0o100000:
            return None
        chunks, size = [], 0
        while size <= limit:
            b = posix.read(fd, 65536)
            if not b:
                break
            chunks.append(b)
            size += len(b)
    except OSError:
        return None
    finally:
        posix.close(fd)
    data = b"".join(chunks)
    return data[:limit].decode("utf-8", "surrogateescape"), len(data) > limit


def parent_shell_line(ppid: int) -> "str | None":
    """The `-c` string of the parent process when it is a shell (sh -c 'curl … | sh')."""
    try:
        fd = posix.open(f"/proc/{ppid}/cmdline", posix.O_RDONLY)
    except OSError:
        return None
    try:
        data = posix.read(fd, MAX_TEXT + 4096)
    except OSError:
        return None
    finally:
        posix.close(fd)
    argv = [a.decode("utf-8", "surrogateescape") for a in data.split(b"\0")]
    if argv and argv[-1] == "":
        argv.pop()
    if not argv:
        return None
    name = _basename(argv[0]).lstrip("-")
    rest = argv[1:]
    if name == "busybox" and rest and rest[0] in SHELLS:
        rest = rest[1:]
        name = "sh"
    if name not in SHELLS:
        return None
    has_c, text, _ = _shell_split(rest)
    return text if has_c and text else None


def plan(name: str, args: "list[str]", ppid: int, *, stdin_pipe: "bool | None" = None,
         wrap_start: "str | None" = None, cwd: "str | None" = None,
         pid: "int | None" = None) -> "tuple[list[tuple[str, str]], bool]":
    """What to ask about, as (command text, tool) pairs; and whether a guarded bash may skip its
    own whole-script check (the shim judged it already).

    The shim calls it with defaults (its own process: stdin, ADR_WRAP_START, cwd). The daemon, planning
    for a native shim, passes what that client sent: whether its stdin is a pipe, the session start, its
    cwd and pid (relative script paths and /dev/fd/N are resolved as the client sees them)."""
    line = command_line([name] + args)
    piped = _stdin_is_program_pipe if stdin_pipe is None else (lambda: stdin_pipe)
    if name in SHELLS:
        has_c, text, first = _shell_split(args)
        if has_c:
            return [(line, name)], True
        if first < len(args):  # a script file
            path = client_path(args[first], cwd, pid)
            if path is None:  # the reader cannot see the client's file (no /proc): its command line, at least
                return [(line, name)], False
            if not written_in_session(path, wrap_start):
                return [], False  # there before the session (pyenv's, the project's): runs as is
            got = _read_text(path)
            if got is not None and not got[1]:
                return [(line + "\n" + got[0], name)], True
            return [(line, name)], False
        if piped():  # `… | sh`: judge the pipeline the parent shell runs
            parent = parent_shell_line(ppid)
            return ([(line, name)] + ([(parent, name + "<-parent")] if parent else [])), False
        return [], False
    if name in PYTHONS or name in NODES:
        inline, first = _interp_split(name, args)
        if inline:
            return [(line, name)], False
        if (first >= len(args) or args[first] == "-") and piped():
            parent = parent_shell_line(ppid)
            return ([(parent, name + "<-parent")] if parent else []), False
        return [], False
    return [(line, name)], False


def unanswered_reason(question: str) -> str:
    return (f"adr asked you (question {question}) but no answer came in time: not run. Approve it with "
            f"`adr approve {question}` in your own terminal, then retry.")


def refusal_text(name: str, decision: str, reason: str) -> str:
    """The one line a refused shim prints on stderr (the daemon builds it the same way for native shims)."""
    if decision == "ask":
        reason = (f"{reason} — no one could be asked from here. A human can approve it with `adr approve ID` "
                  "(see `adr pending`), then retry." if "adr approve" not in reason else reason)
    return " ".join(f"{name}: {reason or 'refused by adr'}".split()) + "\n"

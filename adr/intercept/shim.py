"""The command shim: one tiny entry point that stands in for curl, git, pip, sh -c … inside `adr wrap`.

`adr wrap` prepares a shim directory (see adr/intercept/wrap.py) holding one launcher script and a symlink to
it for every shimmed name; that directory is put first on PATH. When the agent runs `curl …`, the
launcher (`#!/abs/python -IS`) imports this module and calls `main()`, which

  1. finds the real program on PATH *after* the shim directory (never the shim itself),
  2. asks the daemon about the full argv as a properly quoted command line (and, for a shell or
     interpreter that reads its program from a pipe, about the parent shell's `-c` line, so
     `curl … | sh` run by `/bin/sh -c` is judged as the pipeline it is),
  3. `execv`s the real program with the argv unchanged — or exits 126 with a one-line reason.

It is started for every shimmed command, so the usual path (daemon up) imports nothing beyond the
interpreter's built-in modules (`posix`, `_socket`, `_json`): no `os`, no `json`, no `re`, no
`site`. Whatever is slow — the daemon being down, an error answer — goes through the hook
client's own code (`adr.intercept.hookclient.decide`: daemon, then in-process rules, then fail mode), so
shims and hooks can never disagree on how a decision is reached.

The request is built by hand here to stay fast; `tests/test_shims.py` decodes it with
`adr.daemon.protocol.decode_request`, so the two cannot drift apart silently.

The native shim (adr/native, C) does steps 1 and 3 itself and sends step 2 to the daemon as one
`shim` request; the daemon runs `plan()` below with the values that client sent (its cwd, parent,
stdin), so both shims ask about exactly the same things. Whatever the native shim cannot do it hands to
this module through the Python launcher (`adr-shim.py` in the shim directory), saying in ADR_SHIM_ARGV0
what it was run as.

Also: invoked as `adr-check` (the shell guard's checker): `adr-check [--file PATH] [--] TEXT` judges
TEXT (or the script in PATH) as a command line; exit 0 allow, 126 refused, 3 "too large to judge
as a whole, check each command".
"""
from __future__ import annotations

import posix
import sys

from adr.daemon.shimplan import (MAX_TEXT, NODES, PYTHONS, REFUSED, SHELLS, _basename, _env, _ident, _read_text,  # noqa: F401
                                  client_path, command_line, parent_shell_line, plan, quote,
                                  refusal_text, unanswered_reason, written_in_session)

PROTOCOL_VERSION = 1  # adr.daemon.protocol.PROTOCOL_VERSION (a test keeps them equal)
DECIDE_TIMEOUT = 56.0  # adr.daemon.protocol.DECIDE_TIMEOUT (idem)
PENDING_MARGIN = 1.0  # adr.daemon.protocol.PENDING_MARGIN (idem)
MAX_DEPTH = 12  # shims nested deeper than this are refused (a loop, or a tampered marker)
CHECKER = "adr-check"
LAUNCHER = "adr-shim"  # the launcher every name in the shim directory links to (adr/intercept/wrap.py)
PY_LAUNCHER = "adr-shim.py"  # the Python launcher's name when the native shim is the main launcher
ARGV0_VAR = "ADR_SHIM_ARGV0"  # the native shim → the Python launcher: the path it was run as
# Every name `adr wrap` puts in the shim directory (the checker is added separately).
SHIMMED = ("curl", "wget", "pip", "pip3", "npm", "npx", "yarn", "pnpm", "git", "ssh", "scp", "rm", "chmod",
           "crontab", "sh", "bash", "zsh", "python", "python3", "node")


# ---- small stdlib-free helpers (os / os.path are not imported on the fast path) --------------------

def _say(text: str) -> None:
    data = (" ".join(text.split()) + "\n").encode("utf-8", "replace")
    try:
        while data:
            data = data[posix.write(2, data):]
    except OSError:
        pass


def find_real(name: str, shim_dir: str, self_path: str) -> "str | None":
    """The first executable `name` on PATH that is neither in the shim directory nor the shim itself."""
    skip_dir = _ident(shim_dir) if shim_dir else None
    me = _ident(self_path)
    for d in _env("PATH").split(":"):
        if not d or d == shim_dir or d == ".":
            continue
        if skip_dir is not None and _ident(d) == skip_dir:
            continue
        cand = d.rstrip("/") + "/" + name
        ident = _ident(cand)
        if ident is None or ident == me:
            continue
        try:
            st = posix.stat(cand)
        except OSError:
            continue
        if (st.st_mode & 0o170000) == 0o100000 and posix.access(cand, posix.X_OK):
            return cand
    return None


# ---- what to judge ----------------------------------------------------------------------------


# ---- asking the daemon (fast path) -----------------------------------------------------------

class _JsonCtx:  # what _json's C scanner reads from json.JSONDecoder
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.__getitem__
    memo: dict = {}


def _dumps(s: str) -> str:
    try:
        import _json
        return _json.encode_basestring_ascii(s)
    except ImportError:  # pragma: no cover — an interpreter without the accelerator
        import json
        return json.dumps(s, ensure_ascii=True)


def _loads(text: str) -> object:
    try:
        import _json
        try:
            obj, end = _json.make_scanner(_JsonCtx)(text, 0)
        except StopIteration as e:  # the scanner's "no JSON value here" (json.loads makes it a ValueError)
            raise ValueError(f"not JSON at character {e.value}") from None
        if text[end:].strip():
            raise ValueError("trailing data")
        return obj
    except ImportError:  # pragma: no cover
        import json
        return json.loads(text)


def build_request(rid: str, command: str, tool: str, *, cwd: str, session: str, agent: str, pid: int,
                  event: str = "exec") -> bytes:
    """One `decide` request line (the shape of adr.daemon.protocol.encode_request)."""
    ctx = ('{"host":"shim","agent":%s,"session":%s,"cwd":%s,"tool":%s,"pid":%d,"home":""}'
           % (_dumps(agent), _dumps(session), _dumps(cwd), _dumps(tool), pid))
    return ('{"v":%d,"op":"decide","id":"%s","action":{"kind":"exec","context":%s,"command":%s},'
            '"event":%s,"host":"shim","can_ask":false,"input_error":"","progress":true}\n'
            % (PROTOCOL_VERSION, rid, ctx, _dumps(command), _dumps(event))).encode("ascii")


class _Unavailable(Exception):
    pass


class _Unanswered(Exception):
    """The daemon was asking the human and no answer came in time: never run it unasked."""


def ask_daemon(sock_path: str, req: bytes, timeout: float) -> dict:
    """Send one request; the decoded final response. While the daemon reports that the human is being
    asked ({"pending": …} lines), wait for the question's window. _Unavailable when no daemon answers."""
    import _socket
    import time

    deadline = time.monotonic() + timeout
    s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        s.settimeout(min(0.5, timeout))
        try:
            s.connect(sock_path)
        except OSError as e:
            raise _Unavailable(f"cannot connect to {sock_path}: {e}") from None
        asked = None  # set before the send: a daemon that hangs up mid-send must not leave it unbound
        try:
            s.settimeout(max(0.001, deadline - time.monotonic()))
            s.sendall(req)
            buf = b""
            while True:
                while b"\n" not in buf:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        if asked is not None:
                            raise _Unanswered(str(asked.get("question", ""))[:16])
                        raise _Unavailable(f"the daemon did not answer within {timeout:g} s")
                    s.settimeout(left)
                    chunk = s.recv(65536)
                    if not chunk:
                        if asked is not None:
                            raise _Unanswered(str(asked.get("question", ""))[:16])
                        raise _Unavailable("the daemon closed the connection without answering")
                    buf += chunk
                    if len(buf) > 32 * 1024 * 1024:
                        raise _Unavailable("the daemon's answer is too large")
                line, _, buf = buf.partition(b"\n")
                obj = _decode(line)
                pending = obj.get("pending")
                if not isinstance(pending, dict) or obj.get("verdict") is not None:
                    return obj
                asked = pending
                try:
                    wait = max(0.0, float(pending.get("wait_s") or 0))
                except (TypeError, ValueError):
                    wait = DECIDE_TIMEOUT
                deadline = time.monotonic() + wait + PENDING_MARGIN
        except OSError as e:
            if asked is not None:
                raise _Unanswered(str(asked.get("question", ""))[:16]) from None
            raise _Unavailable(f"connection to the daemon failed: {e}") from None
    finally:
        s.close()


def _decode(line: bytes) -> dict:
    try:
        obj = _loads(line.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise _Unavailable(f"unreadable answer from the daemon: {e}") from None
    if not isinstance(obj, dict):
        raise _Unavailable("unreadable answer from the daemon")
    return obj


def _socket_path() -> str:
    p = _env("ADR_SOCKET")
    if p:
        return p
    from adr import runtime  # slow path: imports os, tempfile, pathlib
    return str(runtime.socket_path())


class _ShimIntegration:
    """What adr.intercept.hookclient.decide needs to know about the caller: a shim cannot ask anyone."""

    name = "shim"
    can_ask = False


def decide_slow(command: str, tool: str, *, cwd: str, session: str, agent: str, why: str = "") -> "tuple[str, str]":
    """The hook client's own path: daemon, then in-process rules, then the fail mode."""
    import site

    if sys.flags.no_site:
        site.main()  # the launcher started us with -S: bring back site-packages for the engine
    from adr.intercept import hookclient
    from adr.actions import Action, ActionKind, Context
    from adr.integrations.interface import HookEvent

    action = Action(kind=ActionKind.EXEC, command=command,
                    context=Context(host="shim", agent=agent, session=session, cwd=cwd, tool=tool,
                                    pid=posix.getpid()))
    verdict, _settings = hookclient.decide(_ShimIntegration(), HookEvent(host="shim", event="exec", action=action,
                                                                        raw_tool=tool))
    return verdict.decision.value, verdict.reason or verdict.agent_reason


def judge(command: str, tool: str, *, cwd: str) -> "tuple[str, str]":
    """(decision, reason) for one command line."""
    session, agent = _env("ADR_SESSION"), _env("ADR_AGENT")
    try:
        timeout = float(_env("ADR_HOOK_TIMEOUT") or DECIDE_TIMEOUT)
    except ValueError:
        timeout = DECIDE_TIMEOUT
    rid = posix.urandom(8).hex()
    try:
        resp = ask_daemon(_socket_path(), build_request(rid, command, tool, cwd=cwd, session=session, agent=agent,
                                                        pid=posix.getpid()), max(0.05, timeout))
        verdict = resp.get("verdict") if resp.get("ok") is True else None
        if isinstance(verdict, dict) and verdict.get("decision") in ("allow", "ask", "deny"):
            return str(verdict["decision"]), str(verdict.get("reason") or verdict.get("agent_reason") or "")
    except _Unanswered as e:
        return "deny", unanswered_reason(str(e))
    except _Unavailable:
        pass
    except (UnicodeEncodeError, ValueError):  # e.g. an argv the request cannot carry
        pass
    return decide_slow(command, tool, cwd=cwd, session=session, agent=agent)


def _refuse(name: str, decision: str, reason: str) -> None:
    data = refusal_text(name, decision, reason).encode("utf-8", "replace")
    try:
        while data:
            data = data[posix.write(2, data):]
    except OSError:
        pass
    sys.exit(REFUSED)


def _cwd() -> str:
    try:
        return posix.getcwd()
    except OSError:
        return _env("PWD")


# ---- entry points -----------------------------------------------------------------------------

def check_main(args: "list[str]") -> None:
    """`adr-check [--file PATH] [--] TEXT`: the shell guard's checker."""
    path = None
    if args[:1] == ["--file"] and len(args) >= 2:
        path, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if path is not None:
        if not written_in_session(path):
            sys.exit(0)
        got = _read_text(path)
        if got is None:
            sys.exit(0)  # nothing readable to judge (a pipe, a deleted file): per-command checks apply
        if got[1]:
            sys.exit(3)
        text = got[0]
    else:
        text = " ".join(args)
    if not text.strip():
        sys.exit(0)
    decision, reason = judge(text, "shell-guard", cwd=_cwd())
    if decision != "allow":
        _refuse("adr", decision, reason)
    sys.exit(0)


def main(argv: "list[str] | None" = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    self_path = argv[0]
    if _basename(self_path) == PY_LAUNCHER:  # handed over by the native shim: it says what it ran as
        orig = _env(ARGV0_VAR)
        if orig:
            self_path = orig
    if ARGV0_VAR.encode() in posix.environ:  # never passed on to the real program
        posix.unsetenv(ARGV0_VAR.encode())
        posix.environ.pop(ARGV0_VAR.encode(), None)
    name = _basename(self_path)
    args = argv[1:]
    if name == CHECKER:
        check_main(args)
        return
    try:
        depth = int(_env("ADR_SHIM_DEPTH") or "0")
    except ValueError:
        depth = MAX_DEPTH
    if depth >= MAX_DEPTH:
        _say(f"{name}: adr refused it: shims are nested {depth} deep (a loop, or ADR_SHIM_DEPTH was tampered with)")
        sys.exit(REFUSED)
    shim_dir = _env("ADR_SHIM_DIR") or self_path.rpartition("/")[0]
    real = find_real(name, shim_dir, self_path)
    if real is None:
        _say(f"{name}: command not found (adr shim: no {name} on PATH outside {shim_dir})")
        sys.exit(127)
    checks, judged_script = plan(name, args, posix.getppid())
    cwd = _cwd()
    for text, tool in checks:
        decision, reason = judge(text, tool, cwd=cwd)
        if decision != "allow":
            _refuse(name, decision, reason)
    posix.putenv(b"ADR_SHIM_DEPTH", str(depth + 1).encode())
    if judged_script and name in ("bash", "sh"):
        posix.putenv(b"ADR_GUARD_CHECKED", str(posix.getpid()).encode())  # exec keeps the pid
    try:  # argv[0] is the real path: interpreters find their prefix (and a venv) from it
        posix.execv(real, [real] + args)
    except OSError as e:
        _say(f"{name}: cannot run {real}: {e.strerror or e}")
        sys.exit(126)


if __name__ == "__main__":
    main()

"""The command lines an MCP tool call amounts to, for the shell rules.

MCP servers wrap shells (`execute_command {command}`), interpreters (`run_python {code}`, a notebook's
`execute_cell {source}`) and CLIs (`kubectl {args: "delete ns prod"}`, `git_push {force: true}`).
Each call is turned into the shell text that does the same thing — `python3 -c CODE`,
`kubectl delete ns prod`, `git push --force` — so the rules that judge the built-in shell tool judge
the MCP call too, spellings and all. Nothing here runs anything.
"""
from __future__ import annotations

import json
import re
import shlex
from typing import Any

MAX_CODE = 256 * 1024
MAX_LINES = 4

_COMMAND_KEYS = ("command", "cmd", "script", "shell_command", "cli_command", "command_line", "commandLine",
                 "shellCommand")
_ARGV_PROGRAM_KEYS = ("program", "executable", "binary", "bin")
_ARGV_ARGS_KEYS = ("args", "argv", "arguments")
MAX_NESTING = 4
_CODE_KEYS = ("code", "source", "python_code", "cell", "snippet", "program")
# words in a server's or tool's name (or a `language` argument) → the one-liner that runs its code
_LANGUAGES = {
    "python": "python3 -c", "py": "python3 -c", "python3": "python3 -c", "ipython": "python3 -c",
    "jupyter": "python3 -c", "notebook": "python3 -c", "node": "node -e", "nodejs": "node -e",
    "javascript": "node -e", "js": "node -e", "typescript": "node -e", "ts": "node -e", "deno": "node -e",
    "ruby": "ruby -e", "rb": "ruby -e", "perl": "perl -e", "php": "php -r", "lua": "lua -e",
    "bash": "bash -c", "sh": "sh -c", "shell": "sh -c", "zsh": "zsh -c", "powershell": "pwsh -c",
}
# CLIs MCP servers commonly wrap: the tool's arguments are that program's
_CLIS = frozenset({"kubectl", "git", "docker", "helm", "terraform", "aws", "gcloud", "az", "gh", "npm", "pip",
                   "podman", "pulumi", "vault", "heroku", "fly", "flyctl", "vercel", "wrangler", "doctl",
                   "psql", "mysql", "redis", "mongosh", "sqlite3", "systemctl", "brew", "apt", "cargo"})
_POSITIONAL_KEYS = ("subcommand", "resource", "kind", "name", "remote", "branch", "refspec", "ref", "target",
                    "path", "paths", "files", "namespace_name")
_FLAG_VALUE_KEYS = {"mode": "--{}", "strategy": "--strategy={}", "namespace": "--namespace={}"}


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower())


def _quote_argv(v: list[Any]) -> str:
    return " ".join(shlex.quote(x) for x in v if isinstance(x, str))


def _command(args: dict[str, Any], depth: int = 0) -> str:
    """The command a call runs: a command key's text or argv, a program with its argument list
    (`{program: rm, args: [-rf, ~]}`), or the same found in a nested object or a JSON string
    (`{payload: {options: {cmd: …}}}`, `{params: "{\"command\": …}"}`)."""
    for key in _COMMAND_KEYS:
        v = args.get(key)
        if isinstance(v, str):
            return v
        if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            return _quote_argv(v)
    prog = next((v for k in _ARGV_PROGRAM_KEYS if isinstance(v := args.get(k), str) and v), None)
    argl = next((v for k in _ARGV_ARGS_KEYS if isinstance(v := args.get(k), list)), None)
    if prog and argl is not None and all(isinstance(x, str) for x in argl) and " " not in prog.strip():
        return _quote_argv([prog] + argl[:256])
    if depth >= MAX_NESTING:
        return ""
    for v in list(args.values())[:64]:
        if isinstance(v, str) and v.lstrip()[:1] == "{" and len(v) <= 65536:
            try:
                v = json.loads(v)
            except ValueError:
                continue
        if isinstance(v, dict):
            got = _command(v, depth + 1)
            if got:
                return got
    return ""


def _code(server: str, tool: str, args: dict[str, Any]) -> str:
    code = next((v for k in _CODE_KEYS if isinstance(v := args.get(k), str)), None)
    if not code:
        return ""
    lang = args.get("language") or args.get("lang") or args.get("kernel") or ""
    names = _words(str(lang)) + _words(tool) + _words(server)
    runner = next((_LANGUAGES[w] for w in names if w in _LANGUAGES), None)
    if runner is None:
        return ""
    if runner.startswith("python3") and any(ln.lstrip().startswith("!") for ln in code.splitlines()):
        # a notebook's `!cmd` lines are shell commands
        shell = [ln.lstrip()[1:] for ln in code.splitlines() if ln.lstrip().startswith("!")]
        code = "\n".join(ln for ln in code.splitlines() if not ln.lstrip().startswith("!"))
        return "\n".join(shell[:32] + ([f"{runner} {shlex.quote(code[:MAX_CODE])}"] if code.strip() else []))
    return f"{runner} {shlex.quote(code[:MAX_CODE])}"


def _cli(server: str, tool: str, args: dict[str, Any]) -> str:
    """`kubectl {args}`, `git_push {force: true, remote: origin}` → `kubectl …`, `git push --force origin`."""
    tw, sw = _words(tool), _words(server)
    prog = next((w for w in tw[:1] + sw if w in _CLIS), None)
    if prog is None:
        return ""
    sub = [w for w in tw if w != prog][:2] if tw and tw[0] == prog else []
    raw = args.get("args", args.get("arguments", args.get("argv")))
    if isinstance(raw, str):
        return f"{prog} {raw}"
    if isinstance(raw, list):
        return f"{prog} {_quote_argv(raw)}"
    if not sub:
        # a generic tool of a CLI's server: `run {command: destroy, auto_approve: true}` (terraform),
        # `use_aws {service: s3api, operation: delete_bucket}`, docker `run_container {…}`
        op = next((v for k in ("command", "subcommand", "operation", "action", "cmd") if isinstance(v := args.get(k), str)), "")
        if prog in ("docker", "podman") and ("run" in tw or "create" in tw) and isinstance(args.get("image"), str):
            words = [prog, "run"]
            for key, v in list(args.items())[:32]:
                if v is True and key in ("privileged", "rm", "detach", "interactive", "tty"):
                    words.append("--" + key)
                elif key in ("volumes", "binds", "mounts") and isinstance(v, list):
                    words += [w for x in v[:16] if isinstance(x, str) for w in ("-v", x)]
                elif key in ("pid_mode", "pid") and v == "host":
                    words.append("--pid=host")
            image = args.get("image")
            if not isinstance(image, str) or not image:
                return ""
            cmd = args.get("command")
            return " ".join(shlex.quote(w) for w in words + [image]) + (
                " " + (cmd if isinstance(cmd, str) else _quote_argv(cmd) if isinstance(cmd, list) else "") if cmd else "")
        if not op:
            return ""
        svc = args.get("service")
        sub = ([svc] if isinstance(svc, str) and prog in ("aws", "gcloud", "az") else []) + \
            op.replace("_", "-").split()[:4]
    words = [prog, *sub]
    for key, v in list(args.items())[:32]:
        if v is True:
            words.append("--" + key.replace("_", "-"))
        elif isinstance(v, str) and key in _FLAG_VALUE_KEYS:
            words.append(_FLAG_VALUE_KEYS[key].format(v))
        elif isinstance(v, str) and key in _POSITIONAL_KEYS:
            words.append(v)
        elif isinstance(v, list) and key in _POSITIONAL_KEYS:
            words.extend(x for x in v[:32] if isinstance(x, str))
    return " ".join(shlex.quote(w) for w in words)


_HTTP_METHODS = frozenset({"DELETE", "PUT", "POST", "PATCH"})


def _http(args: dict[str, Any]) -> str:
    """A generic HTTP tool (`request {method: DELETE, url: …}`) → the curl call it amounts to, so
    the URL and method rules apply (`curl -X DELETE localhost:9200/_all`)."""
    url = next((v for k in ("url", "uri", "endpoint") if isinstance(v := args.get(k), str)), "")
    method = next((v for k in ("method", "verb", "http_method") if isinstance(v := args.get(k), str)), "")
    if not url.startswith(("http://", "https://")) or method.upper() not in _HTTP_METHODS:
        return ""
    body = next((v for k in ("body", "data", "payload") if isinstance(v := args.get(k), str)), None)
    return f"curl -X {method.upper()} {shlex.quote(url)}" + (f" --data-raw {shlex.quote(body[:MAX_CODE])}"
                                                          if body else "")


def _redis(server: str, args: dict[str, Any]) -> str:
    """A redis server's raw-command tool (`command {command: FLUSHALL}`) → `redis-cli FLUSHALL`."""
    if "redis" not in _words(server):
        return ""
    cmd = next((v for k in ("command", "cmd", "query", "args") if isinstance(v := args.get(k), str)), "")
    return f"redis-cli {cmd}" if cmd else ""


def command_lines(server: str, tool: str, args: dict[str, Any]) -> list[str]:
    """The shell text(s) this call amounts to (none when it is not a command, code or CLI call)."""
    out = [c for c in (_command(args), _code(server, tool, args), _cli(server, tool, args), _http(args),
                       _redis(server, args), _typed(tool, args, server)) if c]
    return list(dict.fromkeys(out))[:MAX_LINES]


# keystrokes sent to a terminal or the desktop: computer-use `type`, tmux/terminal `send_keys`
_TYPING_TOOLS = frozenset({"type", "typing", "keys", "keystrokes", "send", "input", "write", "paste"})
_TYPED_KEYS = ("text", "keys", "input", "chars", "characters", "keystrokes", "string", "data")
_ENTER = re.compile(r"(?:Enter|C-m|Return|KPEnter|\\n|\\r)$", re.I)  # tried on the line's right-stripped end


# a terminal's or shell's server: what its run/exec tools take as input is a command line
_TERMINAL_SERVERS = frozenset({"terminal", "shell", "bash", "zsh", "console", "tty", "pty", "cmd", "tmux", "screen"})
_RUNNING_TOOLS = frozenset({"run", "exec", "execute", "eval", "submit", "enter"})


def _typed(tool: str, args: dict[str, Any], server: str = "") -> str:
    """What an agent types into a window or terminal (`{action: type, text: "rm -rf ~\\n"}`,
    `send_keys {keys: "rm -rf ~ Enter"}`, a terminal server's `run {input: …}`): judged as the shell
    lines it would run there (typing into an editor is rarely a command line that asks)."""
    action = args.get("action")
    words = set(_words(tool)) | (set(_words(action)) if isinstance(action, str) else set())
    if not words & _TYPING_TOOLS and not (words & _RUNNING_TOOLS and set(_words(server)) & _TERMINAL_SERVERS):
        return ""
    text = next((v for k in _TYPED_KEYS if isinstance(v := args.get(k), str) and v.strip()), "")
    if not text or len(text) > 65536:
        return ""
    lines = [_ENTER.sub("", ln.rstrip()).rstrip() for ln in text.replace("\r", "\n").split("\n")]
    return "\n".join(ln for ln in lines if ln.strip())

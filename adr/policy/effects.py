"""What kind of effect an action has, from the action alone (pure): read-only or not, and which of the
budgeted kinds it belongs to (package install, network fetch, file deletion).

Policy that depends on the *session* — lockdown after a burst of denies, per-session quotas — needs
to know this without asking the rules: a locked-down session may still read, but every write, even a
new directory, goes to the human. When in doubt an action is NOT read-only (a wrong "read-only"
would let a write through a lockdown; a wrong "not read-only" costs one question).
"""
from __future__ import annotations

from dataclasses import dataclass

from adr.actions import Action, ActionKind

# programs that only read (given no redirect writes and no option that writes, see _WRITING_OPTIONS)
READ_ONLY_PROGRAMS = frozenset({
    "ls", "cat", "head", "tail", "less", "more", "wc", "grep", "egrep", "fgrep", "rg", "ag", "find", "fd", "tree",
    "stat", "file", "du", "df", "pwd", "echo", "printf", "true", "false", "test", "[", "which", "type", "whoami",
    "id", "date", "uname", "hostname", "env", "printenv", "diff", "cmp", "sort", "uniq", "cut", "tr", "jq", "yq",
    "realpath", "readlink", "basename", "dirname", "md5sum", "sha256sum", "sha1sum", "nl", "column", "comm",
    "ps", "pgrep", "top", "free", "uptime", "lsof", "sleep", "seq", "xxd", "od", "hexdump", "strings",
})
# git subcommands that only read
GIT_READ_ONLY = frozenset({"status", "log", "diff", "show", "branch", "blame", "ls-files", "rev-parse", "describe",
                           "remote", "config", "grep", "shortlog", "reflog", "tag", "ls-tree", "cat-file"})
_WRITING_OPTIONS = {"find": {"-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprintf", "-fls"},
                    "sort": {"-o", "--output"}, "tree": {"-o"}, "git": {"--output"}}
_GIT_WRITING_ARGS = {"branch": {"-d", "-D", "-m", "-M", "--delete", "--move", "-c", "-C", "--copy"},
                     "tag": {"-d", "--delete", "-a", "-s", "-f"}, "remote": {"add", "remove", "rm", "rename",
                                                                              "set-url", "prune"},
                     "config": {"--add", "--unset", "--unset-all", "--replace-all", "--rename-section",
                                "--remove-section", "-e", "--edit"}, "reflog": {"expire", "delete"}}
INSTALLERS = frozenset({"pip", "pip3", "pipx", "uv", "uvx", "poetry", "npm", "npx", "pnpm", "yarn", "bun", "cargo",
                        "gem", "go", "brew", "apt", "apt-get", "dnf", "yum", "pacman", "apk", "conda", "mamba"})
_INSTALL_WORDS = frozenset({"install", "add", "i", "get", "sync", "exec", "dlx", "x"})
FETCHERS = frozenset({"curl", "wget", "http", "https", "xh", "aria2c", "fetch", "scp", "rsync", "sftp", "ftp",
                      "nc", "ncat", "netcat", "socat", "ssh", "git"})
_GIT_NETWORK = frozenset({"clone", "fetch", "pull", "push", "ls-remote", "submodule"})
DELETERS = frozenset({"rm", "rmdir", "unlink", "shred", "truncate"})


@dataclass(frozen=True)
class Effects:
    read_only: bool
    installs: int = 0  # package-install commands
    fetches: int = 0  # network transfers
    deletes: int = 0  # file deletions


def effects_of(action: Action) -> Effects:
    k = action.kind
    if k is ActionKind.FILE_READ:
        return Effects(True)
    if k is ActionKind.URL_FETCH:
        return Effects(True, fetches=1)  # fetching a page to read it writes nothing locally
    if k is ActionKind.PACKAGE_INSTALL:
        return Effects(False, installs=1)
    if k is ActionKind.FILE_DELETE:
        return Effects(False, deletes=1)
    if k in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT, ActionKind.MCP_CALL):
        return Effects(False)
    return _exec_effects(action.command)


def _exec_effects(command: str) -> Effects:
    from adr.shell.parse import parse_remembered

    parsed = parse_remembered(command)  # the line the judge has just parsed
    if parsed.issues and any(i.kind not in ("parse-error",) for i in parsed.issues):
        read_only = False  # dynamic commands, bounds: not provably read-only
    else:
        read_only = bool(parsed.commands) and not parsed.writes
    installs = fetches = deletes = 0
    for c in parsed.commands:
        prog, args = c.program, c.args
        first = next((a for a in args if not a.startswith("-")), "")
        if prog in INSTALLERS and first in _INSTALL_WORDS:
            installs += 1
        if prog in FETCHERS and (prog != "git" or first in _GIT_NETWORK):
            fetches += 1
        if prog in DELETERS or (prog == "find" and "-delete" in args) or (prog == "git" and first == "rm"):
            deletes += 1
        if read_only and not _read_only_command(prog, args, first, c):
            read_only = False
    return Effects(read_only, installs, fetches, deletes)


def _read_only_command(prog: str, args: "tuple[str, ...]", first: str, c: object) -> bool:
    if getattr(c, "sudo", False) or getattr(c, "dynamic", False):
        return False
    if any(r.op in (">", ">>", ">|", "&>", "&>>", "<>") for r in getattr(c, "redirects", ())
           if getattr(r, "target", "") not in ("/dev/null", "/dev/stderr", "/dev/stdout")):
        return False
    if prog == "git":
        if first not in GIT_READ_ONLY:
            return False
        return not (set(args) & _GIT_WRITING_ARGS.get(first, set())) and not (set(args) & _WRITING_OPTIONS["git"])
    if prog not in READ_ONLY_PROGRAMS:
        return False
    return not any(a in _WRITING_OPTIONS.get(prog, ()) or a.split("=", 1)[0] in _WRITING_OPTIONS.get(prog, ())
                   for a in args)

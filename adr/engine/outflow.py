"""Could this action carry something *out* of the session? — the question a tainted session asks.

After the agent read instructions aimed at it (adr/respond/taint.py), what matters is whether an
action could carry out the injection's intent: send data over the network, push or publish, install
packages (code that runs with the user's rights), write outside the project (persistence), read
secrets. `reasons()` answers with the shell layer's view of a command — every simple command, nested
layer, interpreter one-liner and redirect — not with the text. Pure: no I/O except through the
`read` callback the caller may pass (for a script file the command runs), no clock.

An empty answer means "none of these, as far as adr can tell": build tools (make, npm run) that run
project scripts are not followed.
"""
from __future__ import annotations

import posixpath
import re
from typing import Callable

from adr import lazyre
from adr.actions import Action, ActionKind
from adr.engine.pathnorm import compile_globs, normalize
from adr.shell.model import ParsedShell, SimpleCommand
from adr.shell import netprogs
from adr.shell.parse import parse as parse_shell

NETWORK = "sends or fetches over the network"
PUSH = "pushes or publishes"
INSTALL = "installs packages"
OUTSIDE = "writes outside the project"
SECRETS = "reads secrets"
MCP = "calls an MCP tool (it may send data anywhere)"
UNSEEN = "does more than adr could read in its budget"
SPAWNS = "runs programs from interpreter code"

MAX_UNITS = 3000  # parse work for one classification (adr.shell.parse charge units)
MAX_SCRIPT_BYTES = 256 * 1024

NETWORK_PROGRAMS = frozenset({
    "curl", "wget", "wget2", "aria2c", "axel", "http", "https", "httpie", "xh", "lwp-request", "lwp-download",
    "GET", "POST", "nc", "ncat", "netcat", "socat", "telnet", "ftp", "tftp", "sftp", "scp", "ssh", "rsync",
    "smbclient", "dig", "nslookup", "host", "drill", "openssl", "websocat", "wscat", "wsta", "grpcurl", "mosquitto_pub", "sendmail",
    "mail", "mutt", "swaks", "ping",
})
CLOUD_PROGRAMS = frozenset({"aws", "gcloud", "gsutil", "az", "doctl", "rclone", "s3cmd", "b2", "oci", "heroku",
                            "vercel", "netlify", "fly", "flyctl", "wrangler", "firebase", "kubectl", "helm"})
FORGE_PROGRAMS = frozenset({"gh", "hub", "glab", "tea"})
PUBLISH = {"npm": {"publish"}, "yarn": {"publish", "npm"}, "pnpm": {"publish"}, "bun": {"publish"},
           "twine": {"upload"}, "cargo": {"publish"}, "gem": {"push"}, "poetry": {"publish"},
           "docker": {"push", "login"}, "podman": {"push"}, "flit": {"publish"}, "hatch": {"publish"},
           "uv": {"publish"}, "dotnet": {"nuget"}}
INSTALLS = {"pip": {"install", "download"}, "pip3": {"install", "download"}, "uv": {"add", "sync", "pip", "tool", "run"},
            "poetry": {"add", "install"}, "pipx": {"install", "run", "inject"}, "npm": {"install", "i", "add", "ci", "exec", "x"},
            "yarn": {"add", "install", "dlx"}, "pnpm": {"add", "install", "i", "dlx"}, "bun": {"add", "install", "i", "x"},
            "cargo": {"install", "add"}, "gem": {"install"}, "go": {"install", "get"}, "brew": {"install"},
            "apt": {"install"}, "apt-get": {"install"}, "dnf": {"install"}, "yum": {"install"}, "pacman": {"-S"},
            "conda": {"install"}, "mamba": {"install"}, "composer": {"require", "install"}, "bundle": {"install", "add"}}
RUNS_PACKAGES = frozenset({"npx", "uvx", "bunx", "pnpx"})
GIT_OUT = frozenset({"push", "send-email", "request-pull", "clone", "fetch", "pull", "ls-remote", "submodule"})
INTERPRETERS = frozenset({"python", "python2", "python3", "pypy", "pypy3", "node", "nodejs", "bun", "deno", "perl",
                          "ruby", "php", "lua", "Rscript", "pwsh", "powershell", "bash", "sh", "zsh", "dash"})
SHELLS = frozenset({"bash", "sh", "zsh", "dash"})
ENV_DUMPS = frozenset({"env", "printenv", "set", "export", "declare"})
# ps showing the environment: BSD-style `e` in its first word (`ps eww`, `ps auxe`), macOS `-E`
_PS_BSD_ENV = re.compile(r"[a-df-zA-Z]*e[a-zA-Z]*")
_PS_MAC_ENV = re.compile(r"-[a-zA-Z]*E[a-zA-Z]*")
_SPAWN_CODE = lazyre.compile(r"\b(?:subprocess|os\.system|os\.popen|os\.exec\w*|pty\.spawn|child_process|execSync|spawnSync|"
                             r"Deno\.Command|Bun\.spawn|Kernel\.system|IO\.popen|proc_open|shell_exec|passthru)\b")
_ENV_CODE = lazyre.compile(r"\bos\.environ\b|\bprocess\.env\b|\bENV\[|\$_ENV|getenv\s*\(")
SECRET_GLOBS = (
    "~/.ssh/**", "~/.aws/**", "~/.config/gcloud/**", "~/.azure/**", "~/.kube/**", "~/.docker/config.json",
    "~/.netrc", "~/.git-credentials", "~/.npmrc", "~/.pypirc", "~/.gnupg/**", "~/.config/gh/hosts.yml",
    "~/.cargo/credentials*", "~/.gem/credentials", "~/.password-store/**", "~/Library/Keychains/**",
    "~/.local/share/keyrings/**", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "**/.env", "**/.env.*",
    "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "**/secrets/**",
    "**/credentials.json", "**/service-account*.json", "~/.vault-token", "**/.terraform.d/credentials*",
)
_NOT_SECRET = lazyre.compile(r"\.(?:pub|example|sample|template|dist)$")
TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/private/tmp")

_secret_globs = compile_globs(list(SECRET_GLOBS))
Read = Callable[[str], "str | None"]


def is_secret(path: str) -> bool:
    """A normalized path (adr.engine.pathnorm) that holds credentials."""
    return bool(path) and not _NOT_SECRET.search(path) and _secret_globs.search(path) is not None


def outside(path: str, project: str, home: str = "") -> bool:
    """Is a normalized path outside the (normalized) project and the temporary directories?"""
    if not path or not project:
        return False
    if path == project or path.startswith(project.rstrip("/") + "/"):
        return False
    return not any(path == t or path.startswith(t + "/") for t in TEMP_DIRS)


TRASH_DIRS = ("~/.local/share/Trash", "~/.Trash")


def moved_away(src: str, dest: str, project: str, home: str) -> bool:
    """Does moving normalized `src` to normalized `dest` take it away from the project — into a
    temporary or trash folder, or from inside the project (`project`: normalized) to outside it?
    (`mv .git /tmp/x`, `mv db.sqlite3 ~/.Trash/`, `mv .env ../`; not `mv build dist`.)"""
    def under(p: str, d: str) -> bool:
        return p == d or p.startswith(d.rstrip("/") + "/")
    inside = bool(project) and under(src, project)
    if inside and under(dest, project):
        return False  # (a project that itself lies in /tmp: a move within it)
    trash = tuple(normalize(t, "", home) for t in TRASH_DIRS)
    if any(under(dest, t) for t in TEMP_DIRS + ("/dev/shm",) + trash):
        # the project's files, or dot-folders and -files from outside the temporary and trash folders
        # (`mv ~/.ssh /tmp/x`, another repository's `.git`, `.env` — even when the session itself works in
        # /tmp); a download put in /tmp (`mv ~/Downloads/x.zip /tmp/`) is no work taken away
        return inside or "/." in "/" + src and not any(under(src, t) for t in TEMP_DIRS + ("/dev/shm",) + trash)
    return inside and not under(dest, project)


def reasons(action: Action, project: str, read: "Read | None" = None) -> tuple[str, ...]:
    """Why `action` could carry something out of the session (empty: nothing adr can see).
    `project` is the session's project root as an absolute path; `read` returns a file's text
    (bounded) for scripts the command runs, or None."""
    ctx = action.context
    home = ctx.home
    proj = normalize(project, "", home) if project else ""
    k = action.kind
    out: list[str] = []
    if k is ActionKind.URL_FETCH:
        out.append(NETWORK)
    elif k is ActionKind.PACKAGE_INSTALL:
        out.append(INSTALL)
    elif k is ActionKind.MCP_CALL:
        out.append(MCP)
    elif k in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT, ActionKind.FILE_DELETE):
        if outside(normalize(action.path, ctx.cwd, home), proj, home):
            out.append(OUTSIDE)
    elif k is ActionKind.FILE_READ:
        if any(is_secret(normalize(p, ctx.cwd, home)) for p in action.path.split("\n") if p):
            out.append(SECRETS)
    elif k is ActionKind.EXEC:
        out.extend(_command_reasons(action.command, ctx.cwd, home, proj, read))
    return tuple(dict.fromkeys(out))


def _command_reasons(command: str, cwd: str, home: str, project: str, read: "Read | None") -> list[str]:
    units = [0]

    def charge(n: int) -> bool:
        units[0] += n
        return units[0] <= MAX_UNITS

    parsed: ParsedShell = parse_shell(command, charge)
    out: list[str] = []
    if units[0] > MAX_UNITS or any(i.kind.startswith("too-") for i in parsed.issues):
        out.append(UNSEEN)
    for c in parsed.commands:
        out.extend(_simple(c, cwd, home, project, read))
    for w in parsed.writes:
        if outside(normalize(w.path, cwd, home), project, home):
            out.append(OUTSIDE)
    for s in parsed.scripts:
        if netprogs.NET_CODE.search(s.code):
            out.append(NETWORK)
        if _SPAWN_CODE.search(s.code):
            out.append(SPAWNS)
        if _ENV_CODE.search(s.code) or _mentions_secret(s.code):
            out.append(SECRETS)
    if parsed.urls:
        out.append(NETWORK)
    return out


def _simple(c: SimpleCommand, cwd: str, home: str, project: str, read: "Read | None") -> list[str]:
    prog = c.program
    args = c.args
    sub = next((a for a in args if not a.startswith("-")), "")
    out: list[str] = []
    if prog in NETWORK_PROGRAMS or prog in CLOUD_PROGRAMS:
        out.append(NETWORK)
    if prog in FORGE_PROGRAMS or (prog == "git" and _git_sub(args) in GIT_OUT) or sub in PUBLISH.get(prog, ()):
        out.append(PUSH)
    if prog in RUNS_PACKAGES or sub in INSTALLS.get(prog, ()) or (prog.startswith("pip") and sub == "install"):
        out.append(INSTALL)
    if prog in ("python", "python3") and "-m" in args:
        mod = args[args.index("-m") + 1] if args.index("-m") + 1 < len(args) else ""
        if mod in ("pip", "ensurepip"):
            out.append(INSTALL)
        elif mod in ("http.server", "smtplib", "ftplib"):
            out.append(NETWORK)
    if prog in ENV_DUMPS and not [a for a in args if not a.startswith("-") and "=" not in a] or \
            prog == "ps" and (args[:1] and _PS_BSD_ENV.fullmatch(args[0]) or any(_PS_MAC_ENV.fullmatch(a) for a in args)):
        out.append(SECRETS)  # the whole environment, API keys included (`ps eww`: every process's)
    paths = [normalize(a, cwd, home) for a in args if a and not a.startswith("-") and "://" not in a]
    paths += [normalize(r.target, cwd, home) for r in c.redirects if r.op in ("<", "<>") and r.target]
    if any(is_secret(p) for p in paths):
        out.append(SECRETS)
    for r in c.redirects:
        if r.op in (">", ">>", ">|", "&>", "&>>", "<>") and r.target and outside(normalize(r.target, cwd, home), project, home):
            out.append(OUTSIDE)
    if prog in ("cp", "mv", "install", "ln", "rsync", "tee", "dd", "touch", "mkdir", "chmod", "sed", "truncate") and paths:
        if prog == "dd":
            targets = [normalize(a[3:], cwd, home) for a in args if a.startswith("of=")]
        elif prog in ("cp", "mv", "install", "ln", "rsync"):
            targets = paths[-1:]
        else:
            targets = paths
        if any(outside(t, project, home) for t in targets):
            out.append(OUTSIDE)
    if prog in INTERPRETERS and read is not None:
        script = next((a for a in args if not a.startswith("-")), "")
        if script and "-c" not in args and "-e" not in args and "-m" not in args:
            text = read(posixpath.normpath(script if script.startswith("/") else posixpath.join(cwd or "/", script)))
            if text is not None and prog in SHELLS:
                out.extend(_command_reasons(text[:MAX_SCRIPT_BYTES], cwd, home, project, None))
            elif text is not None:
                code = text[:MAX_SCRIPT_BYTES]
                if netprogs.NET_CODE.search(code) or any(p in code for p in (" curl ", " wget ", "\ncurl ", "\nwget ")):
                    out.append(NETWORK)
                if _SPAWN_CODE.search(code):
                    out.append(SPAWNS)
                if _ENV_CODE.search(code) or _mentions_secret(code):
                    out.append(SECRETS)
    return out


def _git_sub(args: tuple[str, ...]) -> str:
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--exec-path"):
            skip = True
            continue
        if not a.startswith("-"):
            return a
    return ""


_SECRET_WORDS = lazyre.compile(r"\.ssh/|\.aws/credentials|\.netrc|\.git-credentials|\.npmrc|\.pypirc|\.docker/config\.json|"
                               r"\.kube/config|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.gnupg|/etc/shadow|\.env\b")


def _mentions_secret(code: str) -> bool:
    return _SECRET_WORDS.search(code[:MAX_SCRIPT_BYTES]) is not None

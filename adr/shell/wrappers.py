"""Programs that run another program: strip them so rules see what actually runs.

Each wrapper knows which of its options take a value, so `timeout -s KILL 5 curl …` and
`sudo -u root -- rm …` both reduce to the real command. sudo/doas/su are remembered.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

# wrapper -> (options that take a separate value, does it take one leading positional before the command)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P", "--path", "-a", "--argv0",
                       "--block-signal", "--default-signal", "--ignore-signal"}), 0),
    "command": (frozenset(), 0),
    "builtin": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "nohup": (frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "-p", "--class", "--classdata"}), 0),
    "time": (frozenset({"-f", "--format", "-o", "--output"}), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), 0),
    "setsid": (frozenset(), 0),
    "sudo": (frozenset({"-u", "--user", "-g", "--group", "-p", "--prompt", "-C", "--close-from", "-D",
                        "--chdir", "-h", "--host", "-r", "--role", "-t", "--type", "-U", "--other-user",
                        "-T", "--command-timeout"}), 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "xargs": (frozenset({"-I", "-i", "-n", "--max-args", "-P", "--max-procs", "-d", "--delimiter", "-L",
                         "--max-lines", "-s", "--max-chars", "-E", "-e", "-a", "--arg-file"}), 0),
    "unbuffer": (frozenset(), 0),
    "caffeinate": (frozenset({"-t", "-w"}), 0),
    "proxychains": (frozenset({"-f"}), 0),
    "proxychains4": (frozenset({"-f"}), 0),
    "torsocks": (frozenset({"-u", "-p", "-a", "-P"}), 0),
    "chronic": (frozenset(), 0),
    "flock": (frozenset({"-w", "--timeout", "-E", "--conflict-exit-code"}), 1),
    "chroot": (frozenset({"--userspec", "--groups"}), 1),
    "busybox": (frozenset(), 0),
    "toybox": (frozenset(), 0),  # the same multi-call binary idea (Android, some minimal images)
    "sshpass": (frozenset({"-p", "-f", "-d", "-P"}), 0),
    "script": (frozenset({"-E", "--echo", "-O", "--log-out", "-I", "--log-in", "-T", "--log-timing"}), 0),
    "strace": (frozenset({"-o", "-e", "-p", "-s", "-u"}), 0),
    "ltrace": (frozenset({"-o", "-e", "-p", "-s", "-u"}), 0),
    "catchsegv": (frozenset(), 0),
    "pkexec": (frozenset({"--user"}), 0),
    "runuser": (frozenset({"-u", "--user", "-g", "--group"}), 0),
    "systemd-run": (frozenset({"-p", "--property", "-u", "--unit", "--description", "--slice", "-E",
                               "--setenv", "--uid", "--gid", "--on-calendar", "--on-active"}), 0),
}
PRIVILEGE_WRAPPERS = frozenset({"sudo", "doas", "pkexec", "su", "runuser"})
_PYTHON_RE = re.compile(r"(?:python|pypy)[0-9.]*")
_PY_NOARG_FLAGS = frozenset({"-u", "-I", "-E", "-B", "-s", "-S", "-O", "-OO", "-q", "-b", "-bb", "-d", "-v", "-x"})
_ASSIGN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_PARALLEL_VALUED = frozenset({"-j", "--jobs", "-P", "--max-procs", "-n", "--max-args", "-N", "-L", "--max-lines",
                              "-S", "--sshlogin", "--sshloginfile", "--slf", "--joblog", "--results", "--res",
                              "-a", "--arg-file", "--colsep", "-C", "-d", "--delimiter", "-I", "--replace",
                              "--timeout", "--delay", "--retries", "--tmpdir", "--tagstring", "-E", "--eof",
                              "--workdir", "--wd", "--env", "--block", "--basefile", "--bf", "--return"})
# `command -v x`, `type`: a look-up, nothing runs
_LOOKUP_FLAGS = {"command": {"-v", "-V"}}


def _is_lookup(args: "list[str]") -> bool:
    """`command -v x`, `command -pV x`, `command -p -v x`: a look-up, nothing runs."""
    for a in args:
        if a == "--" or not a.startswith("-") or len(a) < 2:
            return False
        if "v" in a[1:] or "V" in a[1:]:
            return True
    return False


@dataclass(frozen=True)
class Unwrapped:
    argv: tuple[str, ...]
    wrappers: tuple[str, ...]
    sudo: bool
    sudo_user: str
    program_path: str
    shell_strings: tuple[str, ...] = ()  # `su -c STRING`: to be parsed as shell
    env_split: bool = False  # env -S: the string was split into argv


def basename(prog: str) -> str:
    if "/" in prog:
        b = posixpath.basename(prog.rstrip("/"))
        return b or prog
    return prog


def fold_case(name: str) -> str:
    """`GIT`, `Curl`, `/usr/bin/RM`: on a case-insensitive file system (macOS by default) the shell
    finds the same program, so a known program spelled in another case is that program."""
    if not name or name.islower() or not name.isascii():
        return name
    if "/" in name:
        head, _, base = name.rpartition("/")
        folded = fold_case(base)
        return name if folded == base else f"{head}/{folded}"
    low = name.lower()
    return low if low in FOLDABLE else name


def unwrap(argv: tuple[str, ...]) -> Unwrapped:
    """Peel wrappers off the front of argv; argv[0] of the result is a basename."""
    if argv and not argv[0].islower() and any(c.isupper() for c in argv[0]):
        argv = (fold_case(argv[0]),) + tuple(argv[1:])
    if argv and "/" not in argv[0] and argv[0] not in _WRAPPERS and argv[0] not in ("su", "script", "parallel") \
            and not _PYTHON_RE.fullmatch(argv[0]):
        return Unwrapped(argv, (), False, "", "")  # no wrapper: most commands
    wrappers: list[str] = []
    sudo = False
    sudo_user = ""
    shell_strings: list[str] = []
    program_path = ""
    args = list(argv)
    last: list[str] = []  # the last wrapper's own argv: what runs when nothing follows it
    for _ in range(16):  # bounded: wrappers of wrappers
        if not args:
            break
        if any(c.isupper() for c in args[0]):
            args[0] = fold_case(args[0])
        prog = basename(args[0])
        last = [prog] + args[1:]
        if "/" in args[0]:
            program_path = args[0]
        if prog == "script":
            # script [opts] -c CMD [file]: CMD runs in a shell
            for j, a in enumerate(args[1:], 1):
                if a in ("-c", "--command") and j + 1 < len(args):
                    shell_strings.append(args[j + 1])
                elif a.startswith("--command="):
                    shell_strings.append(a.split("=", 1)[1])
            if shell_strings:
                wrappers.append("script")
                args = []
                last = []
                break
        if prog == "parallel":
            # parallel [opts] CMD … ::: ARGS …: CMD runs once per argument (or per stdin line)
            wrappers.append("parallel")
            rest, j = args[1:], 0
            while j < len(rest) and rest[j].startswith("-") and rest[j] not in (":::", "::::"):
                j += 2 if rest[j] in _PARALLEL_VALUED else 1
            cmd, extra, k = [], [], j
            while k < len(rest) and rest[k] not in (":::", ":::+", "::::", "::::+"):
                cmd.append(rest[k])
                k += 1
            extra = [a for a in rest[k:] if a not in (":::", ":::+", "::::", "::::+")]
            if len(cmd) == 1 and " " in cmd[0]:
                # parallel 'rm -rf {}' ::: a b: a command line, {} replaced by the arguments
                joined = " ".join(shlex.quote(x) for x in extra)
                shell_strings.append(cmd[0].replace("{}", joined) if "{}" in cmd[0] else f"{cmd[0]} {joined}".strip())
                args, last = [], []
                break
            args = [c for c in cmd if c != "{}"] + extra
            if not args:
                args = ["echo"]
            continue
        if prog in ("su",):
            # su [opts] [user] [-c CMD]: run CMD (as a shell string) or a root shell
            sudo = True
            wrappers.append("su")
            rest = args[1:]
            user = ""
            i = 0
            while i < len(rest):
                a = rest[i]
                if a in ("-c", "--command") and i + 1 < len(rest):
                    shell_strings.append(rest[i + 1])
                    i += 2
                    continue
                if a.startswith("--command="):
                    shell_strings.append(a.split("=", 1)[1])
                elif a in ("-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w"):
                    i += 1
                elif not a.startswith("-"):
                    user = user or a
                i += 1
            sudo_user = user or "root"
            args = []
            if shell_strings:
                last = []
            break
        if _PYTHON_RE.fullmatch(prog):
            # python -m MODULE …: the module is the program (pip, http.server, twine …)
            j = 1
            while j < len(args) and args[j] in _PY_NOARG_FLAGS:
                j += 1
            if j + 1 < len(args) and args[j] == "-m":
                wrappers.append(f"{prog} -m")
                args = args[j + 1:]
                continue
            if j < len(args) and args[j].startswith("-m") and len(args[j]) > 2:
                wrappers.append(f"{prog} -m")
                args = [args[j][2:]] + args[j + 1:]
                continue
            break
        spec = _WRAPPERS.get(prog)
        if spec is None:
            break
        if prog in _LOOKUP_FLAGS and _is_lookup(args[1:]):
            break
        valued, positional = spec
        wrappers.append(prog)
        if prog in PRIVILEGE_WRAPPERS:
            sudo = True
            sudo_user = sudo_user or "root"
        i = 1
        env_split: list[str] | None = None
        while i < len(args):
            a = args[i]
            if a == "--":
                i += 1
                break
            if prog == "env" and a == "-":
                i += 1  # `env - cmd`: -i spelled as a lone dash
                continue
            if prog == "env" and _ASSIGN_RE.match(a):
                i += 1
                continue
            split_text = None
            if prog == "env" and a in ("-S", "--split-string") and i + 1 < len(args):
                split_text, used = args[i + 1], 2
            elif prog == "env" and a.startswith("--split-string="):
                split_text, used = a.split("=", 1)[1], 1
            elif prog == "env" and a.startswith("-S") and len(a) > 2:
                split_text, used = a[2:], 1  # `env -S"rm -rf ~"`: the string attached to the flag
            elif prog == "env" and re.fullmatch(r"-[iv0]+S", a) and i + 1 < len(args):
                split_text, used = args[i + 1], 2  # `env -iS "…"`
            if split_text is not None:
                try:
                    env_split = shlex.split(split_text)
                except ValueError:
                    env_split = split_text.split()
                i += used
                break
            if a.startswith("-") and len(a) > 1:
                name = a.split("=", 1)[0]
                if name in valued and "=" not in a:
                    if prog in ("sudo", "doas", "runuser") and name in ("-u", "--user"):
                        sudo_user = args[i + 1] if i + 1 < len(args) else sudo_user
                    i += 2
                    continue
                if prog in ("sudo",) and name in ("-s", "-i", "--shell", "--login") and i + 1 >= len(args):
                    # sudo -s / sudo -i alone: an interactive root shell
                    args = ["sh"]
                    i = 0
                    break
                if prog == "nice" and re.fullmatch(r"-\d+", a):
                    i += 1
                    continue
                if len(a) > 2 and a[1] != "-" and "=" not in a and ("-" + a[-1]) in valued and a[1:].isalpha():
                    i += 2  # `env -iu HOME cmd`, `sudo -Eu root cmd`: the cluster's last flag takes the next word
                    continue
                # combined short flags with a trailing valued option, e.g. xargs -0I{}
                i += 1
                continue
            break
        else:
            args = args[i:] if i < len(args) else []
            if not args and prog == "xargs":
                args = ["echo"]
            continue
        if env_split is not None:
            args = env_split + args[i:]
            continue
        rest = args[i:]
        if positional and rest:
            rest = rest[positional:]
        if prog == "flock" and rest[:1] in (["-c"], ["--command"]):
            shell_strings.extend(rest[1:2])
            rest = []
        if not rest and prog == "xargs":
            rest = ["echo"]
        args = rest
    if args:
        if any(c.isupper() for c in args[0]):
            args[0] = fold_case(args[0])
        if "/" in args[0]:
            program_path = args[0]
        args[0] = basename(args[0])
    elif last and not shell_strings:
        args = last  # `sudo -l`, `sudo su -`: the wrapper itself is what runs
        wrappers = wrappers[:-1]
    return Unwrapped(tuple(args), tuple(wrappers), sudo, sudo_user, program_path, tuple(shell_strings))


# Programs a glob in command position (`/???/???/c?rl`) is resolved against: the common tools of
# the attacks rules care about. The shell would pick the first match in its directory listing.
GLOB_CANDIDATES = (
    "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "scp", "sftp", "rsync", "ftp", "tftp",
    "bash", "sh", "zsh", "dash", "ksh", "python", "python3", "perl", "ruby", "php", "node", "lua",
    "rm", "shred", "dd", "mkfs", "wipefs", "chmod", "chown", "chattr", "cat", "base64", "xxd", "openssl",
    "crontab", "at", "systemctl", "launchctl", "sudo", "su", "passwd", "useradd", "usermod", "visudo",
    "kill", "pkill", "killall", "history", "iptables", "ufw", "setenforce", "tar", "zip", "gpg", "whoami", "id",
)


def glob_program(pattern: str) -> str:
    """First well-known program the glob matches ("" when none does)."""
    import fnmatch
    base = basename(pattern)
    for name in GLOB_CANDIDATES:
        if fnmatch.fnmatchcase(name, base):
            return name
    return ""


# programs whose upper- or mixed-case spelling is folded to them (fold_case); names that exist in
# another case on their own (R, GET, HEAD, POST from libwww-perl) are left out on purpose
FOLDABLE = frozenset(GLOB_CANDIDATES) | frozenset(_WRAPPERS) | frozenset({
    "git", "gh", "glab", "docker", "podman", "kubectl", "helm", "terraform", "tofu", "pulumi", "aws", "gcloud",
    "gsutil", "az", "npm", "npx", "pnpm", "yarn", "bun", "pip", "pip3", "pipx", "uv", "poetry", "cargo", "go",
    "gem", "brew", "apt", "apt-get", "make", "find", "xargs", "tee", "mv", "cp", "ln", "install", "sed", "awk",
    "gawk", "ruby", "node", "deno", "python3", "python2", "perl", "php", "lua", "openssl", "crontab", "launchctl",
    "systemctl", "defaults", "osascript", "security", "sqlite3", "psql", "mysql", "mongosh", "redis-cli",
    "rclone", "s3cmd", "scp", "sftp", "ssh-keygen", "ssh-add", "truncate", "unlink", "rmdir", "eval", "exec",
    "source", "ditto", "xattr", "spctl", "csrutil", "tccutil", "dscl", "sysadminctl", "killall", "pkill",
    "nohup", "vim", "vi", "nano", "ed", "ex", "emacs", "tar", "unzip", "gzip", "gunzip", "base32", "certutil",
    "telnet", "whois", "nslookup", "dig", "host", "ping", "nmap", "tor", "socket", "busybox", "enable", "vault",
    "heroku", "vercel", "fly", "flyctl", "wrangler", "stripe", "doppler", "restic", "borg", "mc", "azcopy"})


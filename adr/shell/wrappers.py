"""Programs that run another program: strip them so rules see what actually runs.

Each wrapper knows which of its options take a value, so `timeout -s KILL 5 curl …` and
`sudo -u root -- rm …` both reduce to the real command. sudo/doas/su are remembered.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

from adr import lazyre
from adr.shell import gorunners
from adr.shell.interpreters import LANG_RUNNER, SCRIPT_EXT, expect_spawned

# wrapper -> (options that take a separate value, does it take one leading positional before the command)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    # (--block-signal, --default-signal, --ignore-signal take their signal only attached: `=SIG`)
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P", "--path", "-a", "--argv0"}), 0),
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
    "xargs": (frozenset({"-I", "-n", "--max-args", "-P", "--max-procs", "-d", "--delimiter", "-L",
                         "--max-lines", "-s", "--max-chars", "-E", "-a", "--arg-file"}), 0),  # -i, -e, -l: value attached or none
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
    "strace": (frozenset({"-o", "--output", "-e", "-p", "-s", "-u", "-b", "-E", "-P", "-X"}), 0),
    "ltrace": (frozenset({"-o", "-e", "-p", "-s", "-u"}), 0),
    "catchsegv": (frozenset(), 0),
    "pkexec": (frozenset({"--user"}), 0),
    "runuser": (frozenset({"-u", "--user", "-g", "--group"}), 0),
    "systemd-run": (frozenset({"-p", "--property", "-u", "--unit", "--description", "--slice", "-E",
                               "--setenv", "--uid", "--gid", "--on-calendar", "--on-active"}), 0),
    "chrt": (frozenset(), 1),  # chrt [opts] PRIORITY CMD
    "taskset": (frozenset(), 1),  # taskset [-c] MASK CMD
    "firejail": (frozenset(), 0),
    "flatpak-spawn": (frozenset(), 0),
    "distrobox-host-exec": (frozenset(), 0),
    "host-spawn": (frozenset(), 0),
    "nsenter": (frozenset({"-t", "--target", "-S", "--setuid", "-G", "--setgid", "-w", "--wd", "-r", "--root"}), 0),
    "unshare": (frozenset({"--map-user", "--map-group", "-S", "--setuid", "-G", "--setgid", "-R", "--root", "-w",
                           "--wd", "--propagation", "--setgroups"}), 0),
    "valgrind": (frozenset(), 0),
    "cpulimit": (frozenset({"-l", "--limit", "-p", "--pid", "-e", "--exe"}), 0),
    "faketime": (frozenset(), 1),  # faketime [-f] TIMESTAMP CMD
    "proot": (frozenset({"-r", "--rootfs", "-b", "--bind", "-w", "--cwd", "-q", "--qemu", "-k", "--kernel-release"}), 0),
    "dtach": (frozenset({"-n", "-c", "-A", "-a", "-e", "-r"}), 0),
    "abduco": (frozenset({"-n", "-c", "-A", "-a", "-e"}), 0),
    "eatmydata": (frozenset(), 0),
    "fakeroot": (frozenset({"-l", "--lib", "--faked", "-s", "-i", "-b"}), 0),
    "with-contenv": (frozenset(), 0),
    "entr": (frozenset(), 0),  # (entr -s 'CMD': the string runs in $SHELL — read below)
    "nocorrect": (frozenset(), 0),  # zsh's precommand modifiers: the command runs as it is
    "noglob": (frozenset(), 0),
    "dbus-launch": (frozenset(), 0),
    "dbus-run-session": (frozenset({"--config-file", "--dbus-daemon"}), 0),
    "xvfb-run": (frozenset({"-e", "--error-file", "-f", "--auth-file", "-n", "--server-num", "-p", "--xauth-protocol",
                            "-s", "--server-args", "-w", "--wait"}), 0),
    "setpriv": (frozenset({"--reuid", "--regid", "--ruid", "--rgid", "--euid", "--egid", "--groups", "--inh-caps",
                           "--ambient-caps", "--bounding-set", "--securebits", "--pdeathsig", "--selinux-label",
                           "--apparmor-profile", "--landlock-access", "--landlock-rule"}), 0),
    "prlimit": (frozenset({"-p", "--pid"}), 0),
    "numactl": (frozenset({"-C", "--cpunodebind", "-m", "--membind", "-N", "-p", "--preferred", "-i",
                           "--interleave", "--physcpubind"}), 0),
    "gtimeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),  # GNU timeout on macOS (coreutils)
    "run-one": (frozenset(), 0),
    "run-one-constantly": (frozenset(), 0),  # run-one's siblings: the same CMD, again and again / killing others
    "run-one-until-success": (frozenset(), 0),
    "run-one-until-failure": (frozenset(), 0),
    "run-this-one": (frozenset(), 0),
    "keep-one-running": (frozenset(), 0),
    "lckdo": (frozenset({"-W"}), 1),  # lckdo [-q] [-w] [-W SEC] LOCKFILE CMD
    "with-lock-ex": (frozenset(), 1),
    "rlwrap": (frozenset({"-f", "-H", "-l", "-P", "-S", "-C", "-D", "-g", "-h", "-p", "-q", "-s", "-t", "-w", "-z",
                          "-e", "-O", "-M", "-m", "-o"}), 0),
    "grc": (frozenset({"-c", "--config"}), 0),
    "ssh-agent": (frozenset({"-a", "-E", "-P", "-t", "-O"}), 0),  # ssh-agent CMD: CMD runs with the agent
    "ccache": (frozenset(), 0),
    "tsp": (frozenset({"-L", "-D", "-N", "-E"}), 0),  # task spooler: queues CMD
    "ts": (frozenset({"-L", "-D", "-N", "-E"}), 0),  # (its Debian name: moreutils' `ts FORMAT` is a filter with no command)
    "nq": (frozenset(), 0),
    # personalities and architectures: `setarch ARCH [-R …] CMD` (the ARCH word is dropped in unwrap) and its
    # links named after an architecture; macOS `arch -x86_64 CMD` (Rosetta)
    "setarch": (frozenset(), 0),
    **{a: (frozenset(), 0) for a in ("linux32", "linux64", "i386", "i686", "x86_64", "uname26")},
    "arch": (frozenset({"-arch", "-d", "-e"}), 0),
    # control groups, schedulers, macOS sandboxes and QoS
    "cgexec": (frozenset({"-g"}), 0),
    "schedtool": (frozenset({"-a", "-p", "-M", "-n", "-r", "-b", "-t"}), 0),  # `-e CMD` below
    "taskpolicy": (frozenset({"-c", "-d", "-g", "-t", "-l", "-p"}), 0),
    "sandbox-exec": (frozenset({"-f", "-n", "-p", "-D"}), 0),
    "systemd-inhibit": (frozenset({"--what", "--who", "--why", "--mode"}), 0),
    "systemd-cat": (frozenset({"-t", "--identifier", "-p", "--priority", "--stderr-priority"}), 0),
    "hwloc-bind": (frozenset({"--cpubind", "--membind", "--mempolicy", "--pid", "--tid"}), 1),
    # daemontools/runit/s6 and container entry points: switch user, limits, environment folders, init shims
    "chpst": (frozenset({"-u", "-U", "-b", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c", "-r",
                         "-t"}), 0),
    "softlimit": (frozenset({"-m", "-a", "-d", "-s", "-l", "-f", "-c", "-o", "-p", "-t", "-r"}), 0),
    "envdir": (frozenset(), 1), "s6-envdir": (frozenset(), 1), "setuidgid": (frozenset(), 1),
    "envuidgid": (frozenset(), 1), "s6-setuidgid": (frozenset(), 1), "setlock": (frozenset(), 1),
    "pgrphack": (frozenset(), 0), "fghack": (frozenset(), 0),
    "gosu": (frozenset(), 1), "su-exec": (frozenset(), 1),
    # env-cmd [-f FILE] [-e ENVS] [-r RC] CMD…: CMD runs with the file's variables
    "env-cmd": (frozenset({"-f", "--file", "-e", "--environments", "-r", "--rc-file"}), 0),
    "tini": (frozenset({"-p", "-e"}), 0), "dumb-init": (frozenset({"-r", "--rewrite"}), 0),
    # bandwidth/port/preload shims, GPU offload launchers, profilers, job launchers
    "trickle": (frozenset({"-u", "-d", "-w", "-t", "-l", "-n"}), 0),
    "authbind": (frozenset({"--depth"}), 0),
    "fakechroot": (frozenset({"-l", "--lib", "-d", "--elfloader", "-e", "--environment", "-c", "--config-dir",
                              "-b", "--bindir"}), 0),
    "tsocks": (frozenset(), 0), "nocache": (frozenset(), 0), "ifne": (frozenset(), 0), "cronic": (frozenset(), 0),
    "vglrun": (frozenset({"-d", "-c", "-q", "-cl", "-gamma", "-trans", "-stereo"}), 0),
    "optirun": (frozenset({"-b", "--vgl-compress", "-c", "--failsafe"}), 0), "primusrun": (frozenset(), 0),
    "prime-run": (frozenset(), 0), "gamemoderun": (frozenset(), 0), "mangohud": (frozenset(), 0),
    "heaptrack": (frozenset({"-o", "--output"}), 0),
    "gdbserver": (frozenset({"--wrapper"}), 1),  # gdbserver COMM PROG ARGS…
    "mpirun": (frozenset({"-n", "-np", "-c", "-H", "--host", "-hostfile", "--hostfile", "-x", "--map-by",
                          "--bind-to", "-N", "-npernode", "--mca", "-wdir", "--wdir"}), 0),
    "mpiexec": (frozenset({"-n", "-np", "-c", "-H", "--host", "-hostfile", "--hostfile", "-x", "--map-by",
                           "--bind-to", "-N", "-npernode", "--mca", "-wdir", "--wdir"}), 0),
    "srun": (frozenset({"-n", "-N", "-p", "-t", "-J", "-c", "-A", "-q", "-w", "-o", "-e", "--ntasks", "--nodes",
                        "--partition", "--time", "--job-name", "--account", "--gres", "--mem"}), 0),
}
PRIVILEGE_WRAPPERS = frozenset({"sudo", "doas", "pkexec", "su", "runuser"})
_PYTHON_RE = lazyre.compile(r"(?:python|pypy)[0-9.]*")
_PY_NOARG_FLAGS = frozenset({"-u", "-I", "-E", "-B", "-s", "-S", "-O", "-OO", "-q", "-b", "-bb", "-d", "-v", "-x"})

_ASSIGN_RE = lazyre.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# programs that start a command detached from the caller — in a terminal multiplexer, a new terminal
# window, a daemon, an expect script — and how to find that command
_LAUNCHERS = frozenset({"tmux", "byobu", "byobu-tmux", "byobu-screen", "screen", "daemonize", "start-stop-daemon", "xterm", "uxterm", "rxvt", "urxvt",
                        "konsole", "alacritty", "kitty", "gnome-terminal", "xfce4-terminal", "terminator", "mate-terminal",
                        "lxterminal", "tilix", "foot", "wezterm", "expect",
                        # the Debian alternative and the other emulators that take `-e PROG …` / `-- PROG …`
                        "x-terminal-emulator", "st", "ghostty", "sakura", "qterminal", "deepin-terminal",
                        "cool-retro-term", "termite", "roxterm", "kgx", "gnome-console", "ptyxis", "rio",
                        "contour", "guake", "tilda", "eterm", "aterm", "kterm", "mlterm", "terminology",
                        "kstart", "kstart5", "kstart6", "exo-open", "launchctl"})
_KITTY_LAUNCH_FLAGS = frozenset({"--hold", "--keep-focus", "--dont-take-focus", "--copy-colors", "--copy-cmdline",
                                 "--copy-env", "--allow-remote-control", "--no-response", "--self", "--bias"})
_KSTART_VALUED = frozenset({"--window", "--windowclass", "--desktop", "--type", "--service", "--application",
                            "--url", "--desktopfile", "--windowrole"})
_TMUX_RUNS = frozenset({"new-session", "new", "new-window", "neww", "split-window", "splitw", "respawn-pane", "respawnp",
                        "respawn-window", "respawnw", "run-shell", "run", "send-keys", "send", "display-popup", "popup"})
_TMUX_VALUED = frozenset({"-t", "-s", "-n", "-c", "-e", "-x", "-y", "-F", "-l", "-p", "-L", "-S", "-f", "-w", "-h",
                          "-T", "-N", "-X", "-b"})
_TMUX_RUN_SHELL_VALUED = frozenset({"-c", "-d", "-t"})  # (run-shell's -b is "in the background")
_TMUX_KEYS = lazyre.compile(r"(?:Enter|C-m|KPEnter|C-j|Escape|Space|Tab|C-[a-z]|M-[a-z])")
_SCREEN_VALUED = frozenset({"-S", "-c", "-e", "-h", "-p", "-s", "-t", "-T", "-r", "-x", "-R", "-D", "-Logfile"})
_DAEMONIZE_VALUED = frozenset({"-c", "-e", "-o", "-p", "-l", "-u", "-E"})


# tmux commands whose arguments hold another tmux command: run later (a hook, a key binding, a
# confirmation) or on a shell test's outcome; and those that hand a shell command to `sh -c`
_TMUX_NESTED = {"set-hook": "-t", "bind-key": "-TN", "bind": "-TN", "if-shell": "-t", "if": "-t",
                "confirm-before": "-cpt", "confirm": "-cpt"}
_TMUX_PIPE = frozenset({"pipe-pane", "pipep"})


def _tmux_lines(words: list[str], depth: int) -> list[str]:
    """The shell lines a tmux command sequence (`cmd … \\; cmd …`) runs, now or later: the commands
    that start a shell command (_TMUX_RUNS), pipe-pane's reader of the pane, if-shell's test, and the
    tmux commands inside set-hook / bind-key / if-shell / confirm-before, read the same way."""
    out: list[str] = []
    seq: list[list[str]] = [[]]
    for w in words:
        if w.endswith("\\;"):
            seq[-1].append(w[:-2] + ";")  # an escaped `;` is the argument's own
        elif w.endswith(";"):
            if w[:-1]:
                seq[-1].append(w[:-1])  # an argument ending in `;` ends its command (`neww\; splitw`)
            seq.append([])
        else:
            seq[-1].append(w)
    for cmd in seq:
        if not cmd:
            continue
        sub, args = cmd[0], cmd[1:]
        if sub in _TMUX_NESTED or sub in _TMUX_PIPE:
            valued = _TMUX_NESTED.get(sub, "-t")
            j, fmt = 0, False
            while j < len(args) and args[j].startswith("-") and len(args[j]) > 1:
                if args[j] == "--":
                    j += 1
                    break
                flag = args[j]
                j += 2 if flag[-1] in valued[1:] else 1  # (a cluster ending in a valued flag takes the next word)
                fmt = fmt or "F" in flag[1:]
            pos = args[j:]
            if fmt and sub in ("if-shell", "if") and pos:
                pos = [""] + pos[1:]  # -F: the condition is a format, not a shell command
            if sub in _TMUX_PIPE:
                # the command reads what the pane shows from now on: its text, as capture-pane prints it
                out.extend(f"tmux capture-pane -p | {p}" for p in pos[:1] if p)
            elif sub in ("if-shell", "if"):
                if pos and pos[0]:
                    out.append(pos[0])
                if depth < 4:
                    for nested in pos[1:3]:
                        out.extend(_tmux_lines(_tmux_split(nested), depth + 1))
            elif depth < 4:
                # set-hook NAME CMD / bind-key KEY CMD ARGS… / confirm-before CMD
                tail = pos[1:] if sub not in ("confirm-before", "confirm") else pos
                if len(tail) == 1:
                    out.extend(_tmux_lines(_tmux_split(tail[0]), depth + 1))
                elif tail:
                    out.extend(_tmux_lines(tail, depth + 1))
            continue
        if sub not in _TMUX_RUNS:
            continue
        j, run, as_tmux = 0, [], False
        while j < len(args):
            a = args[j]
            if a == "--":
                run.extend(args[j + 1:])
                break
            if a.startswith("-") and len(a) > 1 and not run:
                as_tmux = as_tmux or (sub in ("run-shell", "run") and a == "-C")  # a tmux command, not a shell one
                j += 2 if a in (_TMUX_RUN_SHELL_VALUED if sub in ("run-shell", "run") else _TMUX_VALUED) else 1
                continue
            run.append(a)
            j += 1
        if sub in ("send-keys", "send"):
            # the keys are typed into the pane's shell: text up to an Enter runs
            run = [w for w in run if not _TMUX_KEYS.fullmatch(w)]
        if as_tmux:
            if depth < 4 and run:
                out.extend(_tmux_lines(_tmux_split(run[0]), depth + 1))
            continue
        if run:
            out.append(" ".join(run))
    return out


def _tmux_split(text: str) -> list[str]:
    """A tmux command string in words (tmux quotes as the shell does, for what matters here)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _launched(prog: str, rest: list[str]) -> "tuple[str, list[str]] | None":
    """("argv", the command's argv) or ("shell", command lines) a launcher starts; None: nothing."""
    if prog in ("byobu", "byobu-tmux"):
        prog = "tmux"  # byobu: a front end passing its arguments to tmux (its default back end)
    elif prog == "byobu-screen":
        prog = "screen"
    if prog == "tmux":
        i = 0
        while i < len(rest) and rest[i].startswith("-"):
            if rest[i] == "-c" and i + 1 < len(rest):
                return ("shell", [rest[i + 1]])  # `tmux -c CMD`: the default shell runs CMD (as `sh -c`)
            i += 2 if rest[i] in ("-L", "-S", "-f", "-T") else 1
        lines = _tmux_lines(rest[i:], 0)
        return ("shell", lines) if lines else None
    if prog == "screen":
        i = 0
        while i < len(rest) and rest[i].startswith("-"):
            if rest[i] == "-X":
                # screen -X stuff 'cmd\n': the text is typed into the session's shell
                cmd = rest[i + 1:]
                while cmd and cmd[0].startswith("-"):  # (`-X -S name exec …`: the session's options after -X)
                    cmd = cmd[2:] if cmd[0] in _SCREEN_VALUED else cmd[1:]
                if cmd[:1] in (["exec"], ["screen"]) and len(cmd) > 1:
                    # `screen -X exec CMD…` runs CMD in the session's window (`screen` opens one running it);
                    # exec's optional first word routes file descriptors (`exec .!. CMD`)
                    tail = cmd[2:] if cmd[0] == "exec" and re.fullmatch(r"[.!|:]+", cmd[1]) else cmd[1:]
                    return ("argv", tail) if tail else None
                return ("shell", [" ".join(cmd[1:])]) if cmd[:1] == ["stuff"] and len(cmd) > 1 else None
            a = rest[i]
            # a cluster ending in a valued option (`-dmS name`) takes the next word too
            i += 2 if a in _SCREEN_VALUED or (len(a) > 2 and a[1] != "-" and "-" + a[-1] in _SCREEN_VALUED) else 1
        return ("argv", rest[i:]) if i < len(rest) else None
    if prog == "daemonize":
        i = 0
        while i < len(rest) and rest[i].startswith("-"):
            i += 2 if rest[i] in _DAEMONIZE_VALUED else 1
        return ("argv", rest[i:]) if i < len(rest) else None
    if prog == "start-stop-daemon":
        exe = next((rest[j + 1] for j, a in enumerate(rest[:-1]) if a in ("--startas", "-a")), None) or \
            next((rest[j + 1] for j, a in enumerate(rest[:-1]) if a in ("--exec", "-x")), None) or \
            next((a.split("=", 1)[1] for a in rest if a.startswith(("--exec=", "--startas="))), None)
        if exe is None:
            return None
        tail = rest[rest.index("--") + 1:] if "--" in rest else []
        return ("argv", [exe] + tail)
    if prog in ("kstart", "kstart5", "kstart6"):
        i = 0  # KDE's window-placing starter: the command after its options
        while i < len(rest) and rest[i].startswith("-"):
            if rest[i] == "--":
                i += 1
                break
            i += 2 if rest[i] in _KSTART_VALUED else 1
        return ("argv", rest[i:]) if i < len(rest) else None
    if prog == "launchctl":
        # `launchctl asuser UID CMD…` runs CMD in that user's session; `submit -l L [-o/-e F] -- CMD…` keeps it running
        if rest[:1] == ["asuser"] and len(rest) > 2:
            return ("argv", rest[2:])
        if rest[:1] == ["submit"] and "--" in rest:
            tail = rest[rest.index("--") + 1:]
            return ("argv", tail) if tail else None
        return None
    if prog == "exo-open":
        # `exo-open --launch TerminalEmulator CMD…`: the preferred terminal runs CMD (other helpers open a URL)
        for j, a in enumerate(rest[:-2]):
            if a == "--launch" and rest[j + 1].lower() == "terminalemulator":
                tail = rest[j + 2:]
                return ("shell", tail) if len(tail) == 1 and " " in tail[0] else ("argv", tail)
        return None
    if prog == "expect":
        code = next((rest[j + 1] for j, a in enumerate(rest[:-1]) if a == "-c"), None)
        spawned = expect_spawned(code) if code else []
        return ("shell", spawned) if spawned else None
    # terminal emulators: `-e PROG ARGS…` / `-x …` / `-- PROG ARGS…` / `--command=…`; kitty, foot: the argv
    for j, a in enumerate(rest):
        if a in ("-e", "-x", "--command", "--execute") and j + 1 < len(rest):
            tail = rest[j + 1:]
            if len(tail) == 1 and " " in tail[0]:
                return ("shell", tail)  # -e 'a command line': run through a shell
            return ("argv", tail)
        if a.startswith(("--command=", "--execute=")):
            return ("shell", [a.split("=", 1)[1]])
        if a == "--":
            return ("argv", rest[j + 1:]) if j + 1 < len(rest) else None
    if prog in ("kitty", "foot", "alacritty"):
        pos = [a for a in rest if not a.startswith("-")]
        if prog == "kitty" and pos[:2] == ["@", "launch"]:
            # `kitty @ launch [opts] CMD…`: remote control opens a window running CMD
            k = rest.index("launch") + 1
            while k < len(rest) and rest[k].startswith("-"):
                k += 1 if "=" in rest[k] or rest[k] in _KITTY_LAUNCH_FLAGS else 2
            return ("argv", rest[k:]) if k < len(rest) else None
        if prog == "kitty" and pos and (pos[0] == "@" or pos[0].startswith("+")):
            return None  # `kitty @ send-text …` (remote control), `kitty +kitten …`: kitty's own verbs
        return ("argv", rest[rest.index(pos[0]):]) if pos and prog != "alacritty" else None
    if prog == "wezterm" and rest[:1] == ["start"]:
        return ("argv", [a for a in rest[1:] if a != "--"]) if len(rest) > 1 else None
    return None


_PARALLEL_SLOT = re.compile(r"\{(\d*)(?:[./]|//|/\.)?\}")  # {} {.} {/} {//} {/.} {1} {2.} …
MAX_PARALLEL_JOBS = 16


def _parallel_jobs(cmd: "list[str]", sources: "list[tuple[str, list[str]]]") -> list[str]:
    """The command lines GNU parallel runs: every combination of the `:::` sources (a `:::+` one is
    paired with the one before), `{}` the job's values, `{N}` the N-th source's (bounded)."""
    jobs: list[list[str]] = [[]]
    for sep, values in sources:
        if sep == ":::+" and jobs != [[]]:
            jobs = [j + [values[min(n, len(values) - 1)]] for n, j in enumerate(jobs) if values]
        else:
            jobs = [j + [v] for j in jobs for v in values[:MAX_PARALLEL_JOBS]][:MAX_PARALLEL_JOBS]
    out: list[str] = []
    for job in jobs[:MAX_PARALLEL_JOBS]:
        def fill(m: "re.Match[str]", job: "list[str]" = job) -> str:
            n = m.group(1)
            if not n:
                return " ".join(job)
            return job[int(n) - 1] if 0 < int(n) <= len(job) else ""
        out.append(" ".join(_PARALLEL_SLOT.sub(fill, w) for w in cmd))
    return out


_PARALLEL_VALUED = frozenset({"-j", "--jobs", "-P", "--max-procs", "-n", "--max-args", "-N", "-L", "--max-lines",
                              "-S", "--sshlogin", "--sshloginfile", "--slf", "--joblog", "--results", "--res",
                              "-a", "--arg-file", "--colsep", "-C", "-d", "--delimiter", "-I", "--replace",
                              "--timeout", "--delay", "--retries", "--tmpdir", "--tagstring", "-E", "--eof",
                              "--workdir", "--wd", "--env", "--block", "--basefile", "--bf", "--return", "--id",
                              "--semaphorename", "--st", "--semaphoretimeout"})
# `command -v x`, `type`: a look-up, nothing runs
_LOOKUP_FLAGS = {"command": {"-v", "-V"}}


# wrappers that act on a running process instead with -p (`taskset -cp 0 PID`, `chrt -p 0 PID`)
_PID_MODE = frozenset({"taskset", "chrt"})


def _leading_options(args: "list[str]") -> int:
    """The index of the first word of args[1:] that is no option (len(args) when all are)."""
    i = 1
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 1
    return i


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
    chdir: str = ""  # `env -C DIR`, `nsenter --wd=DIR`, `unshare -w DIR`: where the command runs
    env: tuple[str, ...] = ()  # `env NAME=VALUE … cmd`: what the command's environment gains
    # each peeled wrapper's own words (`strace -o FILE`): files it writes by an option are writes too
    own: tuple[tuple[str, ...], ...] = ()
    bounded: bool = False  # more wrappers than are peeled (`nohup nohup … rm`): what runs is not known


def _targets_init(args: "list[str]", valued: "frozenset[str]") -> bool:
    """`nsenter -t 1`, `--target=1`, `-at1` before its command: the namespaces of PID 1 (rule
    priv.host-namespaces-entered)."""
    i = 1
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        a = args[i]
        if a in ("-t", "--target"):
            return i + 1 < len(args) and args[i + 1] == "1"
        if a.startswith("--target="):
            return a[9:] == "1"
        if not a.startswith("--") and "t" in a[1:]:
            rest = a[a.index("t", 1) + 1:]
            return rest == "1" if rest else (i + 1 < len(args) and args[i + 1] == "1")
        i += 2 if a in valued else 1
    return False


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
    if argv and "/" not in argv[0] and argv[0] not in _WRAPPERS and argv[0] not in ("su", "script", "parallel", "sem", "capsh",
                                                                                    "coproc") \
            and argv[0] not in _LAUNCHERS and not _PYTHON_RE.fullmatch(argv[0]):
        return Unwrapped(argv, (), False, "", "")  # no wrapper: most commands
    wrappers: list[str] = []
    sudo = False
    sudo_user = ""
    shell_strings: list[str] = []
    program_path = ""
    args = list(argv)
    last: list[str] = []  # the last wrapper's own argv: what runs when nothing follows it
    chdir = ""
    assigns: list[str] = []
    own: list[tuple[str, ...]] = []
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
            own.append(tuple(last))  # (its typescript FILE is a write: `script -c id ~/.bashrc`)
            # script [opts] -c CMD [file]: CMD runs in a shell
            for j, a in enumerate(args[1:], 1):
                if (a in ("-c", "--command") or re.fullmatch(r"-[a-zA-Z]*c", a)) and j + 1 < len(args):
                    shell_strings.append(args[j + 1])  # -c CMD, also in a cluster (-qc CMD)
                elif a.startswith("--command="):
                    shell_strings.append(a.split("=", 1)[1])
            if shell_strings:
                wrappers.append("script")
                args = []
                last = []
                break
            # script [opts] [TYPESCRIPT]: the file is where the session is logged; what runs is a shell
            # reading stdin (`echo 'rm -rf ~' | script -q /dev/null`)
            wrappers.append("script")
            args = ["sh"]
            continue
        if prog == "coproc":
            # coproc CMD / coproc [NAME] { CMDS; }: the commands run in the background all the same
            rest = args[1:]
            if len(rest) >= 2 and rest[1] == "{":
                rest = rest[1:]
            wrappers.append("coproc")
            if rest[:1] == ["{"]:
                body = [w for w in rest[1:] if w != "}"]
                shell_strings.append(" ".join(shlex.quote(w) if w != ";" else w for w in body))
                args, last = [], []
                break
            args = rest
            continue
        if prog == "capsh":
            # capsh [opts] -- ARGS: /bin/bash runs with ARGS (`capsh -- -c 'CMD'`)
            if "--" in args:
                wrappers.append("capsh")
                args = ["bash"] + args[args.index("--") + 1:]
                continue
            break
        if prog in ("parallel", "sem"):
            # parallel [opts] CMD … ::: ARGS …: CMD runs once per argument (or per stdin line); `sem` is
            # `parallel --semaphore`
            wrappers.append(prog)
            rest, j = args[1:], 0
            while j < len(rest) and rest[j].startswith("-") and rest[j] not in (":::", "::::"):
                j += 2 if rest[j] in _PARALLEL_VALUED else 1
            cmd, extra, k = [], [], j
            while k < len(rest) and rest[k] not in (":::", ":::+", "::::", "::::+"):
                cmd.append(rest[k])
                k += 1
            extra, files, sep = [], [], ""
            sources: list[tuple[str, list[str]]] = []  # (separator, values) per `:::` group
            for a in rest[k:]:
                if a in (":::", ":::+", "::::", "::::+"):
                    sep = a
                    if not a.startswith("::::"):
                        sources.append((a, []))
                elif sep.startswith("::::"):
                    files.append(a)  # `:::: FILE`: the file's lines are the arguments
                else:
                    extra.append(a)
                    if sources:
                        sources[-1][1].append(a)
            if cmd and not files and sources and any(_PARALLEL_SLOT.search(c) for c in cmd):
                # `parallel {} -rf ~ ::: rm`, `parallel {1} {2} ::: rm ::: -rf`: the values fill the
                # replacement strings — the program's among them; each job judged as the line it runs
                shell_strings.extend(_parallel_jobs(cmd, sources))
                args, last = [], []
                break
            if not cmd and files:
                # `parallel :::: cmds.txt`: with no command, each line of the file is a command line
                shell_strings.extend(f"sh {shlex.quote(f)}" for f in files[:8])
                shell_strings.extend(extra[:16])
                args, last = [], []
                break
            extra += files
            if len(cmd) == 1 and " " in cmd[0]:
                # parallel 'rm -rf {}' ::: a b: a command line, {} replaced by the arguments
                joined = " ".join(shlex.quote(x) for x in extra)
                shell_strings.append(cmd[0].replace("{}", joined) if "{}" in cmd[0] else f"{cmd[0]} {joined}".strip())
                args, last = [], []
                break
            if not cmd and extra:
                # parallel ::: 'rm -rf ~' 'make': with no command, each argument is a command line
                shell_strings.extend(extra[:16])
                args, last = [], []
                break
            args = [c for c in cmd if c != "{}"] + extra
            if not args:
                args = ["sh", "-s"]  # `… | parallel`: with no command, each input line is a command line
            continue
        if prog in _LAUNCHERS:
            got = _launched(prog, args[1:])
            if got is not None:
                # (`launchctl submit`, a job kept running, is named apart from `launchctl asuser`)
                wrappers.append(prog if prog != "launchctl" else "launchctl " + args[1])
                kind, what = got
                if kind == "shell":
                    shell_strings.extend(what)
                    args, last = [], []
                    break
                args = list(what)
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
                args = _archive_module(args[j + 1:])
                if args and args[0] in _PACKAGE_BINS:
                    args = [_PACKAGE_BINS[args[0]], *args[1:]]  # `python -m awscli` is `aws`
                continue
            if j < len(args) and args[j].startswith("-m") and len(args[j]) > 2:
                wrappers.append(f"{prog} -m")
                args = _archive_module([args[j][2:]] + args[j + 1:])
                continue
            break
        spec = _WRAPPERS.get(prog)
        if spec is None:
            break
        if prog == "setarch" and len(args) > 1 and not args[1].startswith("-"):
            args = [args[0]] + args[2:]  # setarch ARCH [options] CMD: the architecture comes first
        if prog == "schedtool" and "-e" in args:
            wrappers.append(prog)
            args = args[args.index("-e") + 1:]  # schedtool [options] -e CMD…
            continue
        if prog == "arch" and len(args) > 1 and not args[1].startswith("-"):
            break  # (Linux's `arch` prints the machine name: nothing follows it)
        if prog in _LOOKUP_FLAGS and _is_lookup(args[1:]):
            break
        if prog in _PID_MODE and any(a in ("--pid", "--all-tasks") or (a[:1] == "-" and a[1:2] != "-" and "p" in a[1:])
                                     for a in args[1:_leading_options(args)]):
            break  # `taskset -p MASK PID`, `chrt -i -p 0 PID`: they change a running process; nothing runs
        valued, positional = spec
        wrappers.append(prog)
        if prog == "nsenter" and _targets_init(args, valued):
            wrappers.append("nsenter -t 1")  # init's namespaces: from a container, the host's
        if prog in PRIVILEGE_WRAPPERS:
            sudo = True
            sudo_user = sudo_user or "root"
        i = 1
        env_split: list[str] | None = None
        xargs_replace = ""  # xargs -I STR / -iSTR / --replace=STR: spelled {} below, as the shell layer reads it
        while i < len(args):
            a = args[i]
            if a == "--":
                i += 1
                break
            if prog == "xargs" and a.startswith("-"):
                attached = re.fullmatch(r"-[0-9a-zA-Z]*?[Ii](.+)", a) if not a.startswith("--") else None
                if a == "-I" and i + 1 < len(args):
                    xargs_replace = args[i + 1]
                elif a.startswith("--replace="):
                    xargs_replace = a.split("=", 1)[1]
                elif attached:
                    xargs_replace = attached.group(1)
            if prog == "env" and a == "-":
                i += 1  # `env - cmd`: -i spelled as a lone dash
                continue
            if prog == "env" and _ASSIGN_RE.match(a):
                if len(assigns) < 64:
                    assigns.append(a)
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
            elif prog == "env" and (m := re.fullmatch(r"-[iv0]+S(.+)", a, re.S)):
                split_text, used = m.group(1), 1  # `env -iS'rm -rf ~'`: flags, then the attached string
            if split_text is not None:
                try:
                    env_split = shlex.split(split_text)
                except ValueError:
                    env_split = split_text.split()
                i += used
                break
            if prog in _CHDIR_OPTIONS and a.startswith("-"):
                opts = _CHDIR_OPTIONS[prog]
                if a in opts and i + 1 < len(args):
                    chdir = args[i + 1]
                elif "=" in a and a.split("=", 1)[0] in opts:
                    chdir = a.split("=", 1)[1]
                elif any(len(o) == 2 and a.startswith(o) and len(a) > 2 for o in opts):
                    chdir = a[2:]  # -CDIR, -wDIR
            if a.startswith("-") and len(a) > 1:
                name = a.split("=", 1)[0]
                if prog == "sudo" and (name == "--preserve-env" or (a[1] != "-" and "E" in a[1:])) \
                        and "sudo -E" not in wrappers:
                    wrappers.append("sudo -E")  # the caller's environment reaches root (pagers, LESSOPEN …)
                if prog == "sudo" and (name == "--stdin" or (a[1] != "-" and "S" in a[1:])) \
                        and "sudo -S" not in wrappers:
                    wrappers.append("sudo -S")  # the password comes from stdin: the agent's, not a person's
                if prog == "sudo" and (name == "--askpass" or (a[1] != "-" and "A" in a[1:])) \
                        and "sudo -A" not in wrappers:
                    wrappers.append("sudo -A")  # the password comes from SUDO_ASKPASS, a program anyone may name
                if prog in ("strace", "ltrace") and name in ("-o", "--output"):
                    val = a.split("=", 1)[1] if "=" in a else args[i + 1] if i + 1 < len(args) else ""
                    if val[:1] in ("|", "!") and val[1:].strip():
                        shell_strings.append(val[1:])  # `strace -o '|CMD' …`: the trace is piped into CMD
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
                if len(a) > 2 and a[1] != "-" and "=" not in a and a[1:].isalnum():
                    # a cluster of short flags, read as getopt does: the first that takes a value takes the
                    # rest of the cluster (`xargs -0IFILE`, `-n1`) or, at its end, the next word (`env -iu
                    # HOME cmd`, `sudo -Eu root cmd`)
                    k = next((k for k, c in enumerate(a[1:], 1) if "-" + c in valued), None)
                    i += 2 if k == len(a) - 1 else 1
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
        own.append((prog, *args[1:i]))
        if positional and rest:
            rest = rest[positional:]
        if prog == "flock" and rest[:1] in (["-c"], ["--command"]):
            shell_strings.extend(rest[1:2])
            rest = []
        if prog == "entr" and rest and any(a.startswith("-") and not a.startswith("--") and "s" in a
                                           for a in args[1:i]):
            shell_strings.append(rest[0])  # entr -s 'CMD': CMD is evaluated by $SHELL
            rest = []
        if not rest and prog == "xargs":
            rest = ["echo"]
        if xargs_replace not in ("", "{}"):
            rest = [x.replace(xargs_replace, "{}") for x in rest]
        args = rest
    bounded = bool(args) and len(wrappers) >= 16 and (basename(args[0]) in _WRAPPERS or basename(args[0]) in _LAUNCHERS)
    if args:
        if any(c.isupper() for c in args[0]):
            args[0] = fold_case(args[0])
        if "/" in args[0]:
            program_path = args[0]
        args[0] = basename(args[0])
    elif last and not shell_strings:
        args = last  # `sudo -l`, `sudo su -`: the wrapper itself is what runs
        wrappers = wrappers[:-1]
    return Unwrapped(tuple(args), tuple(wrappers), sudo, sudo_user, program_path, tuple(shell_strings), chdir=chdir,
                     env=tuple(assigns), own=tuple(own), bounded=bounded)


# wrappers' options that run the command in another directory (its relative paths are from there)
_CHDIR_OPTIONS = {"env": ("-C", "--chdir"), "nsenter": ("-w", "--wd"), "unshare": ("-w", "--wd")}

# Programs a glob in command position (`/???/???/c?rl`) is resolved against: the common tools of
# the attacks rules care about. The shell would pick the first match in its directory listing.
GLOB_CANDIDATES = (
    "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "scp", "sftp", "rsync", "ftp", "tftp",
    "bash", "sh", "zsh", "dash", "ksh", "python", "python3", "perl", "ruby", "php", "node", "lua",
    "rm", "shred", "dd", "mkfs", "wipefs", "chmod", "chown", "chattr", "cat", "base64", "xxd", "openssl",
    "crontab", "at", "systemctl", "launchctl", "sudo", "su", "passwd", "useradd", "usermod", "visudo",
    "kill", "pkill", "killall", "history", "iptables", "ufw", "setenforce", "tar", "zip", "gpg", "whoami", "id",
    "adr", "adr-hook",  # (adr's own commands: `~/.local/bin/ad? approve ID`)
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



# ---- runners: a tool's subcommand that runs a command for you ---------------------------------------
# (program, subcommand) → options of the runner that take a value; the command follows them (after
# `--` when given). The runner's own command stays as it is (supply and script rules read it); the
# command it runs is judged as well.
_HEROKU_RUN = frozenset({"-a", "--app", "-r", "--remote", "-s", "--size", "-e", "--env", "--type"})
_RUNNERS: dict[tuple[str, str], frozenset[str]] = {
    ("uv", "run"): frozenset({"--with", "--python", "-p", "--directory", "--project", "--package", "--env-file",
                              "--extra", "--group", "--index", "--index-url", "--from"}),
    ("poetry", "run"): frozenset({"-C", "--directory", "-P", "--project"}),
    # adr's own wrapper: the command it starts runs too (with shims for what that command runs later)
    ("adr", "wrap"): frozenset({"--agent", "--session"}),
    ("pipenv", "run"): frozenset(), ("pdm", "run"): frozenset({"-p", "--project"}), ("hatch", "run"): frozenset(),
    ("rye", "run"): frozenset(), ("pixi", "run"): frozenset({"-e", "--environment", "--manifest-path"}),
    ("conda", "run"): frozenset({"-n", "--name", "-p", "--prefix", "--cwd"}),
    ("mamba", "run"): frozenset({"-n", "--name", "-p", "--prefix"}),
    ("micromamba", "run"): frozenset({"-n", "--name", "-p", "--prefix"}),
    ("pnpm", "exec"): frozenset({"-C", "--dir", "--filter", "-F"}), ("yarn", "exec"): frozenset(),
    ("npm", "exec"): frozenset({"-p", "--package", "-w", "--workspace", "-c", "--call"}),
    ("mise", "exec"): frozenset({"-C", "--cd", "-j", "--jobs"}), ("mise", "x"): frozenset({"-C", "--cd"}),
    ("asdf", "exec"): frozenset(), ("rtx", "exec"): frozenset(),
    ("devbox", "run"): frozenset({"-c", "--config", "-e", "--env"}),
    ("toolbox", "run"): frozenset({"-c", "--container", "-d", "--distro", "-r", "--release"}),
    ("distrobox", "enter"): frozenset({"-n", "--name"}),
    ("nix", "develop"): frozenset(), ("nix", "shell"): frozenset(),
    ("perf", "record"): frozenset({"-o", "-e", "-p", "-t", "-c", "-F", "-C", "-u", "--output", "--event"}),
    ("perf", "stat"): frozenset({"-o", "-e", "-p", "-t", "-r", "-C", "--output", "--event", "--repeat"}),
    ("perf", "trace"): frozenset({"-o", "-e", "-p", "-t", "--output"}),
    # a PaaS's one-off machine, attached to the app's own database: `heroku run -a x 'python manage.py flush'`
    ("heroku", "run"): _HEROKU_RUN, ("heroku", "run:detached"): _HEROKU_RUN,
}
# package runners: the package's own command runs (`npx rimraf ~` runs rimraf)
_PACKAGE_RUNNERS: dict[tuple[str, str], frozenset[str]] = {
    ("npx", ""): frozenset({"-p", "--package", "-c", "--call"}), ("pnpx", ""): frozenset({"-p", "--package"}),
    ("bunx", ""): frozenset({"-p", "--package"}), ("pnpm", "dlx"): frozenset({"--package"}),
    ("yarn", "dlx"): frozenset({"-p", "--package"}), ("bun", "x"): frozenset({"-p", "--package"}),
    ("uvx", ""): frozenset({"--from", "--with", "--python", "-p"}), ("uv", "tool"): frozenset(),
    ("pipx", "run"): frozenset({"--spec", "--python", "--index-url", "--pip-args"}),
}


def _after_options(rest: "list[str]", valued: frozenset[str]) -> "list[str]":
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--":
            return rest[i + 1:]
        if not a.startswith("-") or a == "-":
            return rest[i:]
        i += 2 if a in valued else 1
    return []


_HYPERFINE_VALUED = frozenset({"-w", "--warmup", "-m", "--min-runs", "-M", "--max-runs", "-r", "--runs", "-s", "--setup",
                               "-p", "--prepare", "-c", "--cleanup", "-P", "--parameter-scan", "-D", "--parameter-step-size",
                               "-L", "--parameter-list", "-S", "--shell", "--style", "--sort", "-u", "--time-unit",
                               "--export-asciidoc", "--export-csv", "--export-json", "--export-markdown",
                               "--export-orgmode", "--output", "--input", "-n", "--command-name"})
_HYPERFINE_RUNS = frozenset({"-s", "--setup", "-p", "--prepare", "-c", "--cleanup"})  # their values run too


def _hyperfine_commands(rest: "list[str]") -> "list[str]":
    out: list[str] = []
    i = 0
    while i < len(rest) and len(out) < 16:
        a = rest[i]
        if a in _HYPERFINE_VALUED:
            if a in _HYPERFINE_RUNS and i + 1 < len(rest):
                out.append(rest[i + 1])
            i += 2
            continue
        if not a.startswith("-"):
            out.append(a)
        i += 1
    return out


# packages whose command is not their (unscoped) name: `npx firebase-tools projects:delete p` runs firebase
_PACKAGE_BINS = {
    "firebase-tools": "firebase", "netlify-cli": "netlify", "@railway/cli": "railway", "@planetscale/cli": "pscale",
    "aws-cdk": "cdk", "cdktf-cli": "cdktf", "awscli": "aws", "@aws-amplify/cli": "amplify", "@sentry/cli": "sentry-cli",
    "twilio-cli": "twilio", "@mikro-orm/cli": "mikro-orm", "typeorm-ts-node-commonjs": "typeorm",
    "typeorm-ts-node-esm": "typeorm", "sequelize-cli": "sequelize", "@prisma/cli": "prisma", "heroku-cli": "heroku",
    "@heroku/cli": "heroku", "@stripe/cli": "stripe", "@doppler/cli": "doppler", "@infisical/cli": "infisical",
    "@neondatabase/cli": "neonctl", "@render/cli": "render", "@bitwarden/cli": "bw", "@turso/cli": "turso",
    "@upstash/cli": "upstash", "@algolia/cli": "algolia", "@pulumi/cli": "pulumi", "@databricks/cli": "databricks",
    # coding agents (a nested agent started through a runner is the agent: `bunx @google/gemini-cli -y`)
    "@google/gemini-cli": "gemini", "@anthropic-ai/claude-code": "claude", "opencode-ai": "opencode",
    "@qwen-code/qwen-code": "qwen", "@github/copilot": "copilot", "@charmland/crush": "crush", "@factory/cli": "droid",
    "aider-chat": "aider", "aider-install": "aider", "goose-ai": "goose",
}


def _package_bin(spec: str) -> str:
    """`rimraf@5`, `@scope/tool@1.2` → the command the package installs (its name, unscoped — or, for
    the CLIs published under another name, _PACKAGE_BINS)."""
    name = spec.rsplit("@", 1)[0] if spec.count("@") > (1 if spec.startswith("@") else 0) else spec
    if name.lower() in _PACKAGE_BINS:
        return _PACKAGE_BINS[name.lower()]
    return name.rsplit("/", 1)[-1]


# secret injectors, version managers, job queues and containers that run `[--] CMD…`:
# (options taking a value, operands before the command; -1: the command only ever follows `--`)
_DASHDASH: dict[tuple[str, str], tuple[frozenset[str], int]] = {
    ("aws-vault", "exec"): (frozenset({"-d", "--duration", "--region", "-t", "--mfa-token", "--backend", "--prompt"}), 1),
    ("chamber", "exec"): (frozenset({"-b", "--backend", "--pristine"}), -1),  # its services, then `--`
    ("dotenv", ""): (frozenset({"-e", "-v", "-c", "-p"}), 0),
    ("dotenv-cli", ""): (frozenset({"-e", "-v", "-c", "-p"}), 0),  # (`npx dotenv-cli -- CMD`)
    ("sops", "exec-env"): (frozenset({"--user", "--input-type"}), 1),  # sops exec-env FILE 'CMD'
    ("sops", "exec-file"): (frozenset({"--user", "--filename", "--input-type", "--output-type"}), 1),
    ("saml2aws", "exec"): (frozenset({"--exec-profile", "-a", "--idp-account", "-p", "--profile", "--region",
                                      "--role", "--session-duration"}), 0),
    ("distrobox-enter", ""): (frozenset({"-n", "--name", "-a", "--additional-flags"}), -1),  # NAME, then `--`
    ("dotenv", "run"): (frozenset({"-f", "--file"}), 0),
    ("dotenvx", "run"): (frozenset({"-f", "--env-file", "-e", "--env", "--convention", "-fk", "--env-keys-file"}), 0),
    ("op", "run"): (frozenset({"--env-file", "--account"}), 0),
    ("doppler", "run"): (frozenset({"-p", "--project", "-c", "--config", "--token", "--scope", "--mount",
                                    "--name-transformer", "--fallback"}), 0),
    ("infisical", "run"): (frozenset({"--env", "--path", "--projectId", "--token", "--domain", "--tags"}), 0),
    ("teller", "run"): (frozenset({"-c", "--config"}), 0),
    ("summon", ""): (frozenset({"-f", "-p", "--provider", "-D", "--environment"}), 0),
    ("berglas", "exec"): (frozenset(), 0),
    ("envchain", ""): (frozenset(), 1),  # envchain NAMESPACE CMD
    # libslack's daemonizer: `daemon [opts] [--] CMD…` runs CMD detached
    ("daemon", ""): (frozenset({"-n", "--name", "-u", "--user", "-R", "--chroot", "-D", "--chdir", "-m", "--umask",
                                "-e", "--env", "-l", "--errlog", "-b", "--dbglog", "-o", "--output", "-O", "--stdout",
                                "-E", "--stderr", "-P", "--pidfiles", "-F", "--pidfile", "-L", "--delay", "-M",
                                "--limit", "-A", "--acceptable", "-C", "--config"}), 0),
    ("pueue", "add"): (frozenset({"-w", "--working-directory", "-l", "--label", "-g", "--group", "-a", "--after",
                                  "-d", "--delay", "-o", "--priority"}), 0),
    ("retry", ""): (frozenset({"-t", "--times", "-d", "--delay", "-u", "--until", "-w", "--while", "-m", "--max",
                               "-x", "--max-time", "-b", "--backoff"}), 0),
    ("distrobox", "enter"): (frozenset({"-n", "--name", "-a", "--additional-flags"}), 1),
    # terminal multiplexer panes: `zellij run [opts] -- CMD…`
    ("zellij", "run"): (frozenset({"-n", "--name", "-d", "--direction", "--cwd", "--width", "--height", "-x", "-y"}),
                        0),
    ("incus", "exec"): (frozenset({"--env", "--cwd", "--user", "--group", "--mode"}), 1),
    ("lxc", "exec"): (frozenset({"--env", "--cwd", "--user", "--group", "--mode"}), 1),
    ("machinectl", "shell"): (frozenset({"-E", "--setenv", "--uid"}), 1),
    ("bundle", "exec"): (frozenset({"--gemfile"}), 0),
    **{(m, "exec"): (frozenset(), 0) for m in ("rbenv", "pyenv", "nodenv", "goenv", "jenv", "plenv", "phpenv", "opam",
                                               "stack", "cabal", "rustup")},
}


_DASHDASH_PROGS = frozenset(p for p, _ in _DASHDASH)


def _dashdash_command(prog: str, sub: str, rest: "list[str]") -> "tuple[str, list[str]] | None":
    key = (prog, sub) if (prog, sub) in _DASHDASH else (prog, "")
    valued, lead = _DASHDASH[key]
    tail = rest[1:] if key[1] else rest
    if key == ("doppler", "run") or key == ("infisical", "run"):
        for j, a in enumerate(tail):
            if a == "--":
                break
            if a == "--command" and j + 1 < len(tail):
                return ("shell", [tail[j + 1]])
            if a.startswith("--command="):
                return ("shell", [a.split("=", 1)[1]])
    if "--" in tail:
        inner = tail[tail.index("--") + 1:]
    elif lead < 0:
        return None
    else:
        inner = _after_options(tail, valued)[lead:]
    if not inner:
        return None
    if len(inner) == 1 and " " in inner[0]:
        return ("shell", inner)  # `pueue add 'CMD ARGS'`, `retry 'CMD'`: one string is a command line
    return ("argv", inner)


# PaaS one-off machines and app containers: the command runs next to the app, with its database and
# secrets (`dokku run APP CMD`, `cf ssh APP -c CMD`, `kamal app exec CMD`, `platform ssh CMD`,
# `eb ssh -c CMD`); `railway run CMD` runs it here with production's environment.
# (program, subcommand words) → (options taking a value, operands before the command — -1: the command
# only comes by one of the command options —, options whose value is the command line, whether the
# words are joined into one line by a remote shell)
_PLATFORM_SSH = (frozenset({"-p", "--project", "-e", "--environment", "-A", "--app", "--worker", "-I", "--instance",
                            "--host", "-i", "--identity-file"}), 0, frozenset(), True)
_KAMAL_VALUED = frozenset({"-r", "--roles", "-h", "--hosts", "-d", "--destination", "-c", "--config-file", "-e",
                           "--env", "--version", "--skip-hooks"})
_DOKKU_RUN = (frozenset({"-e", "--env", "--label", "--app"}), 1, frozenset(), True)
_FLY_SSH = (frozenset({"-a", "--app", "-c", "--config", "-r", "--region", "-u", "--user", "--machine", "-s",
                       "--process-group", "--address", "-o", "--org"}), -1, frozenset({"-C", "--command"}), True)
_ONE_OFF: dict[tuple[str, tuple[str, ...]], tuple[frozenset[str], int, frozenset[str], bool]] = {
    ("fly", ("ssh", "console")): _FLY_SSH, ("flyctl", ("ssh", "console")): _FLY_SSH,
    ("fly", ("machine", "exec")): (frozenset({"-a", "--app", "-c", "--config", "--timeout"}), 1, frozenset(), True),
    ("fly", ("machines", "exec")): (frozenset({"-a", "--app", "-c", "--config", "--timeout"}), 1, frozenset(), True),
    ("dokku", ("run",)): _DOKKU_RUN, ("dokku", ("run:detached",)): _DOKKU_RUN,
    ("dokku", ("enter",)): (frozenset({"--container-id"}), 2, frozenset(), True),  # dokku enter APP PROCESS CMD
    ("cf", ("ssh",)): (frozenset({"-i", "--app-instance-index", "--process", "-L"}), -1, frozenset({"-c", "--command"}),
                       True),
    ("kamal", ("app", "exec")): (_KAMAL_VALUED, 0, frozenset(), True),
    ("kamal", ("accessory", "exec")): (_KAMAL_VALUED, 1, frozenset(), True),  # kamal accessory exec NAME CMD
    ("railway", ("run",)): (frozenset({"-s", "--service", "-e", "--environment"}), 0, frozenset(), False),
    # `railway ssh [CMD…]` / `render ssh SERVICE [-- CMD…]`: a shell on the running service
    ("railway", ("ssh",)): (frozenset({"-s", "--service", "-e", "--environment", "-p", "--project", "-d",
                                       "--deployment-id"}), 0, frozenset(), True),
    ("render", ("ssh",)): (frozenset({"-o", "--output"}), 1, frozenset(), True),
    ("platform", ("ssh",)): _PLATFORM_SSH, ("platform", ("environment:ssh",)): _PLATFORM_SSH,
    ("upsun", ("ssh",)): _PLATFORM_SSH, ("upsun", ("environment:ssh",)): _PLATFORM_SSH,
    ("eb", ("ssh",)): (frozenset({"-n", "--number", "-i", "--instance", "-e", "--custom", "--profile", "--region",
                                  "--timeout"}), -1, frozenset({"-c", "--command"}), True),
    ("scalingo", ("run",)): (frozenset({"-a", "--app", "-r", "--region", "-e", "--env", "-s", "--size", "-f", "--file",
                                        "--type"}), 0, frozenset(), True),
}
_ONE_OFF_PROGS = frozenset(p for p, _ in _ONE_OFF)


def _one_off_command(prog: str, rest: "list[str]") -> "tuple[str, list[str]] | None | bool":
    """The command a PaaS's one-off machine or app container runs (None: none given, as in an
    interactive `cf ssh APP`); False when `rest` is not one of _ONE_OFF's subcommands. The tool's own
    options may come before the subcommand (`fly -a app ssh console -C CMD`)."""
    for k, a in enumerate(rest[:6]):
        for (p, words), spec in _ONE_OFF.items():
            if p == prog and a == words[0] and tuple(rest[k:k + len(words)]) == words:
                app = prog == "dokku" and any(x == "--app" or x.startswith("--app=") for x in rest[:k])
                return _one_off_spec(prog, rest[k + len(words):], spec, app)
        if a == "--" or not (a.startswith("-") or k > 0 and rest[k - 1].startswith("-") and "=" not in rest[k - 1]):
            return False
    return False


def _one_off_spec(prog: str, tail: "list[str]",
                  spec: "tuple[frozenset[str], int, frozenset[str], bool]",
                  app: bool = False) -> "tuple[str, list[str]] | None":
    valued, lead, command_opts, joins = spec
    own = tail[:tail.index("--")] if "--" in tail else tail
    for j, a in enumerate(own):
        if a in command_opts and j + 1 < len(own):
            return ("shell", [own[j + 1]])
        if a.startswith("--") and a.split("=", 1)[0] in command_opts and "=" in a:
            return ("shell", [a.split("=", 1)[1]])
    if lead < 0:
        return None
    if app or prog == "dokku" and any(a == "--app" or a.startswith("--app=") for a in own):
        lead = max(0, lead - 1)  # `dokku run --app APP CMD`: the app named by option
    if "--" in tail:
        head = _after_options(own, valued)
        inner = tail[tail.index("--") + 1:]
        if len(head) < lead:
            return None
    else:
        inner = _after_options(tail, valued)[lead:]
    while len(inner) > 2 and " " in inner[0] and inner[-2] in valued:
        inner = inner[:-2]  # `railway run 'CMD' -s api`: the tool reads its own options after the command too
    if not inner:
        return None
    if len(inner) == 1 and " " in inner[0] or joins:
        return ("shell", [" ".join(inner)])  # a remote shell reads the words as one command line
    return ("argv", inner)


def runner_command(argv: "tuple[str, ...] | list[str]") -> "tuple[str, list[str]] | None":
    """("argv", argv) or ("shell", [command line]) of the command a runner starts for you:
    `uv run X`, `poetry run X`, `conda run -n env X`, `npx PKG args` (PKG's command), `nix-shell --run
    'X'`, `gdb --args X`, `sg GROUP -c 'X'`, `bwrap … X`; None when `argv` is not a runner."""
    if not argv:
        return None
    prog, rest = argv[0], list(argv[1:])
    sub = rest[0] if rest else ""
    if prog in _DASHDASH_PROGS:
        # the tool's own options may come first: `aws-vault --debug exec P -- …`, `op --account x run -- …`,
        # `bundle _2.4.0_ exec …`
        for k, a in enumerate(rest[:6]):
            if (prog, a) in _DASHDASH:
                return _dashdash_command(prog, a, rest[k:])
            if a == "--" or not (a.startswith("-") or (prog == "bundle" and a.startswith("_"))
                                 or k > 0 and rest[k - 1].startswith("-") and "=" not in rest[k - 1]):
                break
        if (prog, "") in _DASHDASH:
            return _dashdash_command(prog, "", rest)
    if prog in ("assume", "assumego") and any(a in ("--exec", "-ex") or a.startswith("--exec=") for a in rest):
        # granted's `assume PROFILE --exec "CMD"`: CMD runs with the profile's credentials
        for j, a in enumerate(rest):
            if a.startswith("--exec="):
                return ("shell", [a.split("=", 1)[1]])
            if a in ("--exec", "-ex") and j + 1 < len(rest):
                return ("shell", [rest[j + 1]])
    if prog in _ONE_OFF_PROGS:
        found = _one_off_command(prog, rest)
        if found is not False:
            return found
    if prog in gorunners.PROGRAMS:  # `gotestsum ./...`, `dlv debug`, `mage build`: the go line they amount to
        return gorunners.go_command(prog, rest)
    if prog == "hyperfine":  # each operand is a command line it runs (and times)
        cmds = _hyperfine_commands(rest)
        return ("shell", ["\n".join(cmds)]) if cmds else None
    if (prog, sub) in _RUNNERS or (prog, "") in _PACKAGE_RUNNERS or (prog, sub) in _PACKAGE_RUNNERS:
        pkg = (prog, "") in _PACKAGE_RUNNERS or (prog, sub) in _PACKAGE_RUNNERS
        key = (prog, "") if (prog, "") in _PACKAGE_RUNNERS else (prog, sub)
        tail = rest if key[1] == "" else rest[1:]
        if prog == "uv" and sub == "tool":
            if tail[:1] != ["run"]:
                return None
            tail, key = tail[1:], ("uvx", "")
        if prog == "nix" and sub in ("develop", "shell"):
            for j, a in enumerate(tail):
                if a in ("-c", "--command") and j + 1 < len(tail):
                    return ("argv", tail[j + 1:])
            return None
        if prog in ("npx", "npm", "pnpm", "yarn", "bunx", "bun"):
            # npx's own options end at the package (`npx webpack -c x.js` is webpack's -c); `npm exec`
            # reads its options anywhere before a `--`
            own = prog in ("npx", "bunx")
            j = 0
            while j < len(tail) and (tail[j].startswith("-") or not own) and tail[j] != "--":
                a = tail[j]
                if a in ("-c", "--call") and j + 1 < len(tail):
                    return ("shell", [tail[j + 1]])  # `npx -c 'CMD'`, `npm exec --call 'CMD'`: a shell runs CMD
                if a.startswith("--call="):
                    return ("shell", [a.split("=", 1)[1]])
                j += 2 if a in ("-p", "--package", "-w", "--workspace") else 1
        table = _PACKAGE_RUNNERS if pkg else _RUNNERS
        inner = _after_options(tail, table[key])
        if not inner:
            return None
        while prog == "heroku" and len(inner) > 2 and inner[-2] in ("-a", "--app", "-r", "--remote"):
            inner = inner[:-2]  # `heroku run 'CMD' -a app`: heroku reads its own options after the command too
        if len(inner) == 1 and " " in inner[0] and prog in ("npx", "npm", "pnpm", "yarn", "bunx", "bun", "heroku"):
            return ("shell", [inner[0]])  # `yarn exec 'rm -rf ~'`: one string is a command line
        if pkg:
            inner = [_package_bin(inner[0])] + inner[1:]
        return ("argv", inner)
    if prog in ("pm2", "forever") and sub == "start":
        # process managers keep a command running: `pm2 start 'CMD'`, `pm2 start bash -- -c 'CMD'`
        valued = frozenset({"--name", "-n", "-i", "--instances", "--interpreter", "--cwd", "--log", "-o", "-e",
                            "--output", "--error", "--max-memory-restart", "--cron", "--namespace", "-c", "--command",
                            "-l", "--logFile", "-p", "--pidFile", "--uid", "--sourceDir"})
        tail = rest[1:]
        own = tail[:tail.index("--")] if "--" in tail else tail  # (after `--`: the program's own options)
        command = next((own[j + 1] for j, a in enumerate(own[:-1]) if a in ("-c", "--command", "--interpreter")), None)
        inner = _after_options(tail, valued)
        if not inner:
            return None
        extra = inner[inner.index("--") + 1:] if "--" in inner else inner[1:]
        if len(inner) == 1 and " " in inner[0] and command is None:
            return ("shell", [inner[0]])
        lang = SCRIPT_EXT.get(posixpath.splitext(inner[0])[1].lower()) if command is None else None
        interp = LANG_RUNNER[lang][0] if lang in LANG_RUNNER else ""
        if interp:  # `pm2 start x.sh`, `forever start app.js`: a file of the folder, run by its extension's interpreter
            return ("argv", [interp, inner[0]] + extra)
        return ("argv", ([command] if command else []) + [inner[0]] + extra)
    if prog == "nodemon":
        cmd = next((rest[j + 1] for j, a in enumerate(rest[:-1]) if a in ("--exec", "-x")), None)
        return ("shell", [cmd]) if cmd else None
    if prog == "watchexec":
        if "--" in rest:
            tail = rest[rest.index("--") + 1:]
            return ("argv", tail) if tail else None
        inner = _after_options(rest, frozenset({"-e", "--exts", "-w", "--watch", "-i", "--ignore", "-d", "--debounce",
                                                "-s", "--signal", "--shell", "-f", "--filter", "--stop-signal",
                                                "--stop-timeout", "--workdir", "-E", "--env", "--project-origin"}))
        if not inner:
            return None
        return ("shell", [inner[0]]) if len(inner) == 1 else ("argv", inner)
    if prog in ("concurrently", "npm-run-all", "run-p", "run-s"):
        cmds = [a for a in rest if not a.startswith("-")]
        shells = [c for c in cmds if " " in c][:16]  # (a bare word is an npm script name)
        return ("shell", ["\n".join(shells)]) if shells else None
    if prog == "run0":  # systemd's sudo (judged as switching user, and what it runs as that user)
        inner = _after_options(rest, frozenset({"-u", "--user", "-g", "--group", "--setenv", "-D", "--chdir", "--unit",
                                                "--property", "--description", "--slice", "--nice"}))
        return ("argv", inner) if inner else None
    if prog == "ip":
        # `ip [-n NS] netns exec NAME CMD…`, `ip vrf exec NAME CMD…`, `ip -all netns exec CMD…`
        j = 0
        while j < len(rest) and rest[j].startswith("-"):
            j += 2 if rest[j] in ("-n", "-netns", "-b", "-batch", "-rc", "-rcvbuf", "-f", "-family", "-l",
                                  "-loops") else 1
        words = rest[j:]
        if len(words) > 2 and words[0] in ("netns", "vrf", "net", "netn") and words[1] in ("exec", "e", "ex", "exe"):
            inner = words[2:] if "-all" in rest[:j] or "-a" in rest[:j] else words[3:]
            return ("argv", inner) if inner else None
        return None
    if prog in ("salt-call", "salt", "salt-ssh"):
        # `salt-call --local cmd.run 'CMD'`, `salt '*' cmd.shell 'CMD'`: a shell runs CMD (here or on minions)
        for j, a in enumerate(rest[:-1]):
            if a in ("cmd.run", "cmd.shell", "cmd.run_all", "cmd.run_stdout", "cmd.run_stderr", "cmd.run_bg",
                     "cmd.exec_code_all", "cmd.powershell"):
                line = next((w for w in rest[j + 1:] if not w.startswith("-")), "")
                return ("shell", [line.split("=", 1)[1] if line.startswith("cmd=") else line]) if line else None
        return None
    if prog == "cmake" and sub == "-E" and len(rest) > 2 and rest[1] in ("env", "time", "chdir"):
        # `cmake -E env [--unset=X] [NAME=V]… CMD…`, `cmake -E time CMD…`, `cmake -E chdir DIR CMD…`
        tail = rest[3:] if rest[1] == "chdir" else rest[2:]
        while rest[1] == "env" and tail and (tail[0].startswith("--unset") or tail[0] in ("--modify", "-")
                                             or _ASSIGN_RE.match(tail[0])):
            tail = tail[1:]
        if tail[:1] == ["--"]:
            tail = tail[1:]
        return ("argv", tail) if tail else None
    if prog == "schroot" or prog == "guix" and sub in ("shell", "environment"):
        # `schroot -c NAME [--] CMD…`, `guix shell PKGS… -- CMD…`
        if prog == "guix":
            return ("argv", rest[rest.index("--") + 1:]) if "--" in rest[:-1] else None
        inner = _after_options(rest, frozenset({"-c", "--chroot", "-u", "--user", "-d", "--directory",
                                                "-o", "--option", "-n", "--session-name"}))
        return ("argv", inner) if inner else None
    if prog in ("direnv",) and sub == "exec" and len(rest) > 2:
        return ("argv", rest[2:])  # direnv exec DIR CMD…
    if prog == "nix-shell":
        for j, a in enumerate(rest[:-1]):
            if a in ("--run", "--command"):
                return ("shell", [rest[j + 1]])
        return None
    if prog == "gdb" and "--args" in rest:
        tail = rest[rest.index("--args") + 1:]
        return ("argv", tail) if tail else None
    if prog == "sg" and len(rest) >= 2:
        if rest[1] == "-c" and len(rest) > 2:
            return ("shell", [rest[2]])
        return ("shell", [" ".join(rest[1:])])
    if prog == "bwrap":
        i = 0
        binds: list[tuple[str, str]] = []
        while i < len(rest) and rest[i].startswith("--"):
            a = rest[i]
            if a in _BWRAP_BINDS and i + 2 < len(rest):
                binds.append((rest[i + 1], rest[i + 2]))
            i += 1 + (2 if a in _BWRAP_TWO else 1 if a in _BWRAP_ONE else 0)
        if i >= len(rest):
            return None
        return _through_binds(binds, rest[i:])
    if prog in ("apptainer", "singularity") and sub in ("exec", "run", "shell"):
        # apptainer exec [opts] IMAGE CMD…: -B/--bind SRC[:DST[:opts]][,…] maps host folders in
        i, binds = 1, []
        while i < len(rest) and rest[i].startswith("-"):
            a, val = rest[i], None
            if "=" in a and a.startswith("--"):
                a, val = a.split("=", 1)
            elif a not in _APPTAINER_FLAGS and i + 1 < len(rest):
                val = rest[i + 1]
                i += 1
            if a in ("-B", "--bind", "--mount") and val:
                for spec in val.split(","):
                    src, _, dst = spec.partition(":")
                    binds.append((src, (dst.split(":", 1)[0] or src)))
            i += 1
        tail = rest[i + 1:]  # after the image
        if sub == "shell" or not tail:
            return None
        return _through_binds(binds, tail)
    if prog == "systemd-nspawn":
        i, binds = 0, []
        while i < len(rest) and rest[i].startswith("-"):
            a = rest[i]
            if a.startswith(("--bind=", "--bind-ro=")):
                src, _, dst = a.split("=", 1)[1].partition(":")
                binds.append((src, dst.split(":", 1)[0] or src))
            elif "=" not in a and a in _NSPAWN_VALUED:
                i += 1
            i += 1
        return _through_binds(binds, rest[i:]) if i < len(rest) else None
    return None


def _through_binds(binds: "list[tuple[str, str]]", argv: "list[str]") -> "tuple[str, list[str]]":
    """The sandbox's command, as argv, or — when host folders are bound in — as a command line with
    the sandbox's paths spelled as the host's (`bwrap --ro-bind ~ /h cat /h/.aws/credentials`)."""
    from adr.shell.mounts import host_view
    mounts = [(src, dst.rstrip("/")) for src, dst in binds if dst.strip("/") and src != dst]
    return ("shell", [host_view(mounts, "", argv)]) if mounts else ("argv", argv)


_BWRAP_BINDS = frozenset({"--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try", "--dev-bind-try"})
_APPTAINER_FLAGS = frozenset({"-c", "--contain", "-C", "--containall", "-e", "--cleanenv", "-w", "--writable",
                              "--writable-tmpfs", "-f", "--fakeroot", "--nv", "--rocm", "--no-home", "-u", "--userns",
                              "--no-mount", "--compat", "-i", "--ipc", "-p", "--pid", "--net", "-n", "--no-init",
                              "--no-privs", "--keep-privs", "--allow-setuid", "--no-https", "-s", "--silent", "-q",
                              "--quiet", "-d", "--debug", "-v", "--verbose"})
_NSPAWN_VALUED = frozenset({"-D", "--directory", "-M", "--machine", "-u", "--user", "-i", "--image", "--template",
                            "-E", "--setenv", "--network-interface", "-p", "--port", "-S", "--slice"})


_BWRAP_TWO = frozenset({"--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try", "--dev-bind-try", "--symlink",
                        "--file", "--bind-data", "--ro-bind-data", "--setenv", "--chmod", "--overlay-src"})
_BWRAP_ONE = frozenset({"--chdir", "--proc", "--dev", "--tmpfs", "--dir", "--remount-ro", "--unsetenv", "--uid", "--gid",
                        "--hostname", "--seccomp", "--exec-label", "--file-label", "--lock-file", "--sync-fd",
                        "--info-fd", "--json-status-fd", "--block-fd", "--userns-block-fd", "--userns", "--userns2",
                        "--pidns", "--cap-add", "--cap-drop", "--perms", "--size", "--args", "--argv0", "--mqueue",
                        "--overlay", "--tmp-overlay", "--ro-overlay"})


def _archive_module(args: "list[str]") -> "list[str]":
    """`python -m tarfile -e A [DIR]` / `python -m zipfile -e A DIR` spelled as the tools every rule
    knows: `tar -x -f A -C DIR`, `unzip -o A -d DIR` (the modules overwrite like them, into `.` by
    default). Any other module, or another mode (-l, -c, -t), is left as it is."""
    if not args or args[0] not in ("tarfile", "zipfile"):
        return args
    rest = args[1:]
    ops: list[str] = []
    extract = False
    i = 0
    while i < len(rest):
        a = rest[i]
        if a in ("-e", "--extract"):
            extract = True
        elif a.startswith("--filter="):
            pass
        elif a == "--filter" and i + 1 < len(rest):
            i += 1
        elif a in ("-v", "--verbose", "--"):
            pass
        elif a.startswith("-"):
            return args  # -l / -c / -t or an option this does not know: as written
        else:
            ops.append(a)
        i += 1
    if not extract or not ops:
        return args
    dest = ops[1] if len(ops) > 1 else "."
    if args[0] == "tarfile":
        return ["tar", "-x", "-f", ops[0], "-C", dest]
    return ["unzip", "-o", ops[0], "-d", dest]

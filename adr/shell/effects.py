"""Which files a command writes or deletes, whatever tool it uses.

Redirects, `tee`, `cp` and `dd` are read by the parser itself; this module knows the other ways:
in-place editors (`sed -i`, `perl -i`), scripted editors (`ed`, `ex`, `vim -c … -c wq`), `awk`
redirections inside its program, `truncate`, the deleters (`rm`, `unlink`, `shred -u`, `gio trash`,
`find -delete`, `mv x /dev/null` …) and interpreter code that opens, writes or removes files
(`open(p, 'a').write(…)`, `fs.appendFileSync`, `File.write`, `unlink`, `shutil.rmtree` …).
Every persistence, credential and destruction rule on files then applies to every such spelling.

Pure functions over argv / code text; paths are returned as written (the engine normalizes them).
"""
from __future__ import annotations

import itertools
import json
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from adr import lazyre
from adr.shell import sed as sedlib
from adr.shell.guarded import guarded_home_name
from adr.shell.findscope import SCOPE_TESTS, FindScope, prune_conditions, shell_kept
from adr.shell.fold import fold
from adr.shell.words import code_unescape, positionals as _positionals

MAX_EFFECTS = 32


@dataclass(frozen=True)
class Effect:
    kind: str  # write | edit | delete
    path: str
    content: str | None = None  # what is written (None: not knowable statically)
    append: bool = False
    recursive: bool = False  # a delete that takes directories with it
    # what the delete provably leaves alone: "dirs" (no non-empty directory: rm without -r, find
    # -type f), "fresh" (nothing younger than runtime.FRESH_MIN_AGE_MINUTES: find -mtime +1)
    spares: tuple[str, ...] = ()
    scope: "FindScope | None" = None  # a find's exclusions: what under its start it leaves alone
    # a move: where the file goes (the engine counts it as deleted only when that takes it out of the
    # project or into a temporary or trash folder: adr.engine.outflow.moved_away)
    to: str = ""


DELETERS = frozenset({"rm", "unlink", "rmdir", "shred", "gshred", "srm", "wipe", "trash", "trash-put", "gio", "grm",
                      "rimraf", "del-cli"})  # (rimraf, del-cli: the npm packages, run by npx, delete trees)
EDITORS = frozenset({"ed", "red", "ex", "vim", "vi", "nvim", "view", "vimdiff", "gvim"})
_SED = frozenset({"sed", "gsed"})
_AWK = frozenset({"awk", "gawk", "mawk", "nawk"})
_SINKS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"})
# every program tool_effects knows (the parser asks only for these)
TOOL_PROGRAMS = DELETERS | EDITORS | _SED | _AWK | frozenset({
    "perl", "ruby", "truncate", "mv", "gmv", "tar", "gtar", "bsdtar", "rsync", "sponge", "yq", "tomlq", "xq", "jaq",
    "gojq", "jq", "dasel", "json", "zip", "7z", "7za", "7zr", "plutil", "defaults", "PlistBuddy", "rename", "mmv",
    "emacs", "emacsclient", "ln", "gln", "link"})


def tool_effects(prog: str, args: "tuple[str, ...] | list[str]", stdin: str | None = None) -> list[Effect]:
    """Files `prog args` writes, edits or deletes (beyond redirects, tee, cp, dd)."""
    args = list(args)
    if prog in DELETERS:
        return _delete_effects(prog, args)
    if prog in _SED:
        return _sed_effects(args)
    if prog in _AWK:
        return _awk_effects(args)
    if prog in EDITORS:
        return _editor_effects(prog, args, stdin)
    if prog in ("emacs", "emacsclient") and any(a in ("--eval", "-eval", "--execute") or a.startswith("--eval=")
                                                for a in args):
        return _emacs_effects(args)
    if prog in ("perl", "ruby") or prog.startswith(("perl5", "ruby")):
        # -i anywhere in a cluster, after -0 and its octal digits too (`-0pi`, `-0777pi`, `-i.bak`)
        if any(re.fullmatch(r"-[a-zA-Z0-9]*i\S*", a) and not a.startswith("--") for a in args):
            # perl -i -pe 'code' FILE…: the files are rewritten by the code
            files = []
            skip = False
            for a in args:
                if skip:
                    skip = False
                    continue
                if a in ("-e", "-E", "-M", "-I", "-l") or re.fullmatch(r"-[a-zA-Z0-9]*[eE]", a):
                    skip = a not in ("-M", "-I", "-l")  # -e CODE, -pe CODE: the code is not a file
                    continue
                if a.startswith("-"):
                    continue
                files.append(a)
            # what its s/// replacements put in (`s/true/false/` on `logAllRefUpdates = true`)
            code = next((args[k + 1] for k, a in enumerate(args[:-1]) if re.fullmatch(r"-[a-zA-Z0-9]*[eE]", a)), "")
            flags = _perl_switches(args)
            if prog.startswith("perl") and len(code) <= 256 and (
                    "n" in flags and "p" not in flags and not _PERL_PRINTS.search(code)
                    or "p" in flags and _blanks_every_line(code)):
                # `perl -i -ne '' *` (nothing printed: each file left empty), `perl -pi -e 's/.*//s' *`
                return [Effect("write", f, "" if "p" not in flags else "\n") for f in files[:MAX_EFFECTS]]
            content = _sed_script_text(code[:4096]) if code else None
            # and the literal text it prints besides the lines (`print "KEY\n" if $.==1`: a line put in)
            printed = [(m.group(1) if m.group(1) is not None else m.group(2)).replace("\\n", "\n")
                       for m in list(_PERL_PRINT_LITERAL.finditer(code[:4096]))[:16]]
            if any(printed):
                content = "\n".join(t for t in [content or "", *printed] if t)
            return [Effect("edit", f, content) for f in files[:MAX_EFFECTS]]
        return []
    if prog == "sponge":  # `… | sponge F`: F is replaced by what came on stdin
        return [Effect("write", f, append="-a" in args) for f in args if not f.startswith("-")][:MAX_EFFECTS]
    if prog in ("yq", "tomlq", "xq", "jaq", "gojq", "jq") and any(a in ("-i", "--inplace", "--in-place") for a in args):
        pos = _positionals(args, frozenset({"-o", "--output-format", "-p", "--input-format", "--arg", "--argjson"}))
        return [Effect("edit", f) for f in pos[1:]][:MAX_EFFECTS]  # (the first is the expression)
    if prog == "dasel" and args[:1] in (["put"], ["delete"], ["-w"]) or prog == "dasel" and "put" in args:
        return [Effect("edit", args[i + 1]) for i, a in enumerate(args[:-1]) if a in ("-f", "--file")][:MAX_EFFECTS]
    if prog == "json" and "-I" in args:  # trentm's json -I -f F: edit in place
        return [Effect("edit", args[i + 1]) for i, a in enumerate(args[:-1]) if a == "-f"][:MAX_EFFECTS]
    if prog in ("plutil", "defaults", "PlistBuddy"):
        return _plist_effects(prog, args)
    if prog == "truncate":
        size = ""
        for i, a in enumerate(args):
            if a in ("-s", "--size") and i + 1 < len(args):
                size = args[i + 1]
            elif a.startswith("--size="):
                size = a.split("=", 1)[1]
            elif a.startswith("-s") and len(a) > 2:
                size = a[2:]
        return [Effect("write", f, "" if size in ("0", "") else None)
                for f in _positionals(args, frozenset({"-s", "--size", "-r", "--reference"}))[:MAX_EFFECTS]]
    if prog in ("mv", "gmv", "rename", "mmv"):
        return _moves(prog, args)
    if prog in ("ln", "gln", "link"):
        return _hard_links(prog, args)
    if prog in ("tar", "gtar", "bsdtar") and "--remove-files" in args:
        # the inputs are deleted once archived: the archive may be anywhere (/dev/null, a pipe, a host)
        return [Effect("delete", p, recursive=True) for p in _tar_inputs(args)[:MAX_EFFECTS]]
    if prog == "zip" and any(x in ("-m", "--move") or (x.startswith("-") and not x.startswith("--") and "m" in x[1:])
                             for x in args):
        # `zip -rm /tmp/d.zip ~/Documents`: the inputs are deleted once zipped (the archive may go next)
        return [Effect("delete", p, recursive=True) for p in _zip_inputs(args)[:MAX_EFFECTS]]
    if prog in ("7z", "7za", "7zr") and "-sdel" in args:
        pos = [x for x in args if not x.startswith("-")]
        if pos[:1] in (["a"], ["u"]):
            return [Effect("delete", p, recursive=True) for p in pos[2:][:MAX_EFFECTS]]
    if prog == "rsync":
        pos = _positionals(args, _RSYNC_VALUED)
        out: list[Effect] = []
        if any(a in ("--remove-source-files", "--remove-sent-files") for a in args):
            # the source files are deleted once sent (their folders stay)
            out += [Effect("delete", p.rstrip("/") + "/**" if p.endswith("/") else p, spares=("dirs",))
                    for p in pos[:-1][:MAX_EFFECTS] if ":" not in p.split("/", 1)[0]]
        if len(pos) >= 2 and any(a == "--del" or a.startswith("--delete") for a in args) \
                and ":" not in pos[-1].split("/", 1)[0] and not pos[-1].startswith("rsync://"):
            # `rsync -a --delete empty/ ~/`: what the source lacks is deleted from the local destination —
            # with an empty or unrelated source, all of it
            out.append(Effect("delete", pos[-1], recursive=True))
        return out
    return []


_MV_VALUED = frozenset({"-t", "--target-directory", "-S", "--suffix"})


def _hard_links(prog: str, args: "list[str]") -> "list[Effect]":
    """`ln FILE NAME` (no -s), `link FILE NAME`: NAME *is* FILE — whatever is later written through the
    new name changes FILE, and no path look-up can tell (`ln ~/.bashrc notes.txt`, then `>> notes.txt`).
    The link is judged as an edit of each source; a symbolic link is followed when it is written."""
    if prog != "link" and any(a in ("-s", "--symbolic") or (a.startswith("-") and not a.startswith("--")
                                                            and "s" in a[1:]) for a in args):
        return []
    pos = _positionals(args, _MV_VALUED)
    directory = any(a in ("-t", "--target-directory") or a.startswith("--target-directory=") for a in args)
    sources = pos if directory or len(pos) == 1 else pos[:-1]
    return [Effect("edit", f) for f in sources[:MAX_EFFECTS]]


def _moves(prog: str, args: "list[str]") -> "list[Effect]":
    """`mv SRC… DEST` (`-t DEST`), util-linux `rename FROM TO FILE…`, `mmv FROM TO`: into /dev/null it
    deletes; any other move is a delete with `to` set — the engine, which knows the folder it runs in,
    keeps it when it takes the file out of the project."""
    pos = _positionals(args, _MV_VALUED)
    moves: list[tuple[str, str]] = []
    if prog == "rename":
        if len(pos) >= 3 and "/" in pos[1] and not any(c in pos[0] for c in "*?[") \
                and not pos[0].startswith(("s/", "y/", "tr/")):  # (perl's rename takes an expression)
            moves = [(f, f.replace(pos[0], pos[1], 1)) for f in pos[2:] if pos[0] in f]
    elif prog == "mmv":
        if len(pos) == 2 and not any(c in pos[0] + pos[1] for c in "*?[#;"):
            moves = [(pos[0], pos[1])]
    else:
        dest = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-t", "--target-directory")), None)
        dest = dest or next((a.split("=", 1)[1] for a in args if a.startswith("--target-directory=")), None)
        dest = dest or next((a[2:] for a in args if a.startswith("-t") and len(a) > 2 and not a.startswith("--")), None)
        srcs = pos if dest else pos[:-1]
        dest = dest or (pos[-1] if len(pos) >= 2 else "")
        moves = [(p, dest) for p in srcs]
    out: list[Effect] = []
    for src, dest in moves[:MAX_EFFECTS]:
        if "$" in src or "`" in src:
            continue  # (a source computed at run time — `$(find …)/*`, a generated line's input — names nothing known)
        if dest == "/dev/null":
            out.append(Effect("delete", src, recursive=True))
        elif dest and (not dest.startswith("$(") or dest.startswith("$(mktemp")):
            # (a relative destination too: `cd /tmp && mv ~/project/.git .` — the engine places it)
            out.append(Effect("delete", src, recursive=True, to=dest))
    return out


_PLUTIL_EDITS = frozenset({"-insert", "-replace", "-remove", "-convert", "-create", "-append"})
_PLIST_BUDDY_EDITS = lazyre.compile(r"(?i)^\s*(?:set|add|delete|merge|import|clear|copy)\b")


def _plist_effects(prog: str, args: list[str]) -> list[Effect]:
    """macOS property-list editors change the file they name in place: `plutil -replace KEY … FILE`
    (`-o OUT` writes OUT instead), `defaults write|delete|import PATH …` where the domain is a path
    (`~/Library/LaunchAgents/com.x` is com.x.plist), `PlistBuddy -c 'Set …' FILE` — a LaunchAgent's
    program or a login hook rewritten without a write the rules would see otherwise."""
    if prog == "plutil":
        if not _PLUTIL_EDITS & set(args):
            return []
        for i, a in enumerate(args[:-1]):
            if a == "-o" and args[i + 1] != "-":
                return [Effect("write", args[i + 1])]
        files = [a for a in args[-1:] if not a.startswith("-")]
        return [Effect("edit", f, _plutil_values(args)) for f in files]
    if prog == "defaults":
        pos = [a for a in args if not a.startswith("-")]  # (-currentHost, -host H: H is not a path)
        if len(pos) >= 2 and pos[0] in ("write", "delete", "import", "rename") and "/" in pos[1]:
            domain = pos[1] if pos[1].endswith(".plist") else pos[1] + ".plist"
            # (`defaults write D ProgramArguments -array sh -c 'curl … | sh'`: the words after the key)
            k = args.index(pos[1]) + 1 if pos[0] == "write" else len(args)
            values = [a for a in args[k + 1:] if a not in _DEFAULTS_TYPES][:64]
            return [Effect("edit", domain, _plist_text(args[k], values) if k < len(args) and values else None)]
        return []
    cmds = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-c"]
    named = len(args) >= 2 and args[-2] != "-c" and not args[-1].startswith("-")  # the file comes last
    if not (any(_PLIST_BUDDY_EDITS.match(c) for c in cmds) and named):
        return []
    # (`Add :ProgramArguments:2 string 'curl … | sh'`, `Set :Program /tmp/x`: the values each command puts in)
    got = [m for c in cmds if (m := _PLIST_BUDDY_VALUE.match(c))]
    return [Effect("edit", args[-1], _plist_text(got[0].group(1), [_plist_value(m.group(2)) for m in got])
                   if got else None)]


_DEFAULTS_TYPES = frozenset({"-string", "-data", "-int", "-integer", "-float", "-bool", "-boolean", "-date", "-array",
                             "-array-add", "-dict", "-dict-add"})
_PLIST_BUDDY_VALUE = lazyre.compile(r"(?is)\s*(?:add|set)\s+:?([\w.-]+)(?::\S*)?\s+(?:(?:string|integer|real|bool|date|data)\s+)?(.+)")


def _plist_value(v: str) -> str:
    """A PlistBuddy command's value as its own quoting reads it (`'curl … | sh'` → the words inside)."""
    try:
        return " ".join(shlex.split(v))
    except ValueError:
        return v.strip()


def _plist_text(key: str, values: "list[str]") -> str:
    """A plist key with the values a command puts under it, as the lines a launchd job's text would show
    (`ProgramArguments: sh -c curl … | sh`): what rules on a LaunchAgent's content read."""
    return f"<key>{key}</key>\n" + " ".join(values) + "\n"


def _plutil_values(args: "list[str]") -> "str | None":
    """`plutil -replace KEY -json '["sh","-c","…"]' | -string V | -xml X FILE`: the key and what goes under it."""
    for i, a in enumerate(args[:-3]):
        if a in ("-replace", "-insert") and args[i + 2] in ("-json", "-string", "-xml", "-data", "-integer", "-bool"):
            raw = args[i + 3]
            if args[i + 2] == "-json":
                try:
                    got = json.loads(raw)
                except ValueError:
                    got = raw
                values = [str(v) for v in got] if isinstance(got, list) else [str(got)]
            else:
                values = [raw]
            return _plist_text(args[i + 1], values[:64])
    return None


_ZIP_VALUED = frozenset({"-b", "-n", "-t", "-tt", "-P", "--password", "-O", "--output-file", "-Z", "--compression-method",
                         "-s", "--split-size", "-sp", "-ll", "-lf", "--logfile-path"})


def _zip_inputs(args: "Sequence[str]") -> "list[str]":
    """zip's input files: the words after the archive, up to an -x/-i pattern list."""
    pos: list[str] = []
    i = 0
    while i < len(args):
        x = args[i]
        if x in ("-x", "--exclude", "-i", "--include", "-@", "--names-stdin"):
            break
        if x in _ZIP_VALUED:
            i += 2
            continue
        if not x.startswith("-") or x == "-":
            pos.append(x)
        i += 1
    return [p for p in pos[1:] if p != "-"]


# Programs that write a file named by an option: (options whose value is the file, their `--opt=`
# prefixes, short options that also take it attached: `-oFILE`). `sort -o ~/.bashrc`, `openssl enc
# -out`, `gpg -o`, `less -o` (a log of what it shows), `git diff --output` are writes like `>`.
_OUTPUT_OPTIONS: "dict[str, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]]" = {
    "sort": (frozenset({"-o", "--output"}), ("--output=",), ("-o",)),
    "shuf": (frozenset({"-o", "--output"}), ("--output=",), ("-o",)),
    "iconv": (frozenset({"-o", "--output"}), ("--output=",), ("-o",)),
    "base64": (frozenset({"-o", "--output"}), ("--output=",), ()),  # (BSD/macOS base64)
    "uudecode": (frozenset({"-o", "--output-file"}), ("--output-file=",), ("-o",)),
    "tree": (frozenset({"-o"}), (), ()),
    "less": (frozenset({"-o", "-O", "--log-file", "--LOG-FILE"}), ("--log-file=", "--LOG-FILE="), ("-o", "-O")),
    "gpg": (frozenset({"-o", "--output"}), ("--output=",), ()),
    "gpg2": (frozenset({"-o", "--output"}), ("--output=",), ()),
    "openssl": (frozenset({"-out", "-keyout"}), (), ()),
    "patch": (frozenset({"-o", "--output"}), ("--output=",), ()),
    "git": (frozenset({"--output"}), ("--output=",), ()),
    # find's printing actions to a file: `find / -fprintf ~/.ssh/authorized_keys 'ssh-rsa …' -quit`
    "find": (frozenset({"-fprint", "-fprint0", "-fls", "-fprintf"}), (), ()),
    "gfind": (frozenset({"-fprint", "-fprint0", "-fls", "-fprintf"}), (), ()),
    # debugging, timing and capture tools' logs (most wrap a command: the wrapper's own words are read)
    "strace": (frozenset({"-o", "--output"}), ("--output=",), ("-o",)),
    "ltrace": (frozenset({"-o", "--output"}), ("--output=",), ("-o",)),
    "valgrind": (frozenset(), ("--log-file=", "--xml-file="), ()),
    "time": (frozenset({"-o", "--output"}), ("--output=",), ("-o",)),
    "tcpdump": (frozenset({"-w"}), (), ("-w",)),
    "perf": (frozenset({"-o", "--output"}), ("--output=",), ()),
    "xvfb-run": (frozenset({"-e", "--error-file"}), ("--error-file=",), ()),
    "rlwrap": (frozenset({"-l", "--logfile"}), ("--logfile=",), ()),
    "script": (frozenset({"-O", "--log-out", "-I", "--log-in", "-B", "--log-io", "-T", "--log-timing"}),
               ("--log-out=", "--log-in=", "--log-io=", "--log-timing="), ()),
}
# Programs whose Nth positional is an output file: `uniq IN OUT`, `xxd [-r] IN OUT`,
# `sponge FILE` soaks up stdin and writes it.
_OUTPUT_POSITIONAL: "dict[str, tuple[int, frozenset[str]]]" = {
    "uniq": (1, frozenset({"-f", "--skip-fields", "-s", "--skip-chars", "-w", "--check-chars"})),
    "xxd": (1, frozenset({"-c", "-cols", "-g", "-groupsize", "-l", "-len", "-o", "-offset", "-s", "-seek",
                          "-n", "-name"})),
    "sponge": (0, frozenset()),
    # script [opts] [TYPESCRIPT]: the session's log (`-c CMD` is a value; -O/-I/-T name logs as options)
    "script": (0, frozenset({"-c", "--command", "-E", "--echo", "-t", "-T", "--log-timing", "-B", "--log-io",
                             "-I", "--log-in", "-O", "--log-out", "-m", "--logging-format", "-o", "--output-limit"})),
    "json.tool": (1, frozenset({"--indent"})),  # python -m json.tool IN OUT
    # split/csplit write PREFIX + a suffix: the folder is what matters (`~/.config/autostart/x` → xaa)
    "split": (1, frozenset({"-a", "--suffix-length", "-b", "--bytes", "-C", "--line-bytes", "-l", "--lines",
                            "-n", "--number", "-t", "--separator", "--additional-suffix", "--filter"})),
}
# decompressors that write NAME for NAME.gz unless told to print (-c / --stdout / -t / -l)
_DECOMPRESS = {"gunzip": ".gz", "gzip": ".gz", "bunzip2": ".bz2", "bzip2": ".bz2", "unxz": ".xz", "xz": ".xz",
               "unzstd": ".zst", "zstd": ".zst", "lzma": ".lzma", "unlzma": ".lzma", "brotli": ".br"}


def output_writes(prog: str, args: "tuple[str, ...] | list[str]") -> list[Effect]:
    """Files a program writes because an option or an operand names its output (not a redirect)."""
    args = list(args)
    out: list[str] = []
    spec = _OUTPUT_OPTIONS.get(prog)
    if spec:
        names, prefixes, attached = spec
        for i, a in enumerate(args):
            if a in names and i + 1 < len(args):
                out.append(args[i + 1])
            elif prefixes and a.startswith(prefixes):
                out.append(a.split("=", 1)[1])
            elif attached and len(a) > 2 and a.startswith(attached) and not a.startswith("--"):
                out.append(a[2:])
        if prog == "patch":  # patch FILE [PATCH]: the first operand is edited in place
            pos = _positionals(args, frozenset({"-o", "--output", "-i", "--input", "-p", "-d", "--directory",
                                                "-r", "--reject-file", "-B", "-z", "-D", "-F", "-V"}))
            if pos and not any(a in ("-o", "--dry-run") or a.startswith("--output=") for a in args):
                out.append(pos[0])
    pos_spec = _OUTPUT_POSITIONAL.get(prog)
    if pos_spec:
        nth, valued = pos_spec
        pos = _positionals(args, valued)
        if len(pos) > nth:
            out.append(pos[nth] + ("aa" if prog == "split" else ""))
    if prog == "socat":
        out += _socat_writes(args)
    suffix = _DECOMPRESS.get(prog)
    if suffix and (prog.startswith(("un", "gun", "bun")) or any(a in ("-d", "--decompress", "--uncompress") or
                                                (len(a) > 1 and a[0] == "-" and a[1] != "-" and "d" in a)
                                                for a in args)) \
            and not any(a in ("-c", "--stdout", "--to-stdout", "-t", "--test", "-l", "--list") or
                        (len(a) > 1 and a[0] == "-" and a[1] != "-" and ("c" in a or "t" in a)) for a in args):
        out += [p[:-len(suffix)] for p in _positionals(args, frozenset({"-S", "--suffix"}))
                if p.endswith(suffix) and len(p) > len(suffix)]
    return [Effect("write", p) for p in out if p and p not in _SINKS][:MAX_EFFECTS]


OUTPUT_WRITERS = frozenset(_OUTPUT_OPTIONS) | frozenset(_OUTPUT_POSITIONAL) | frozenset(_DECOMPRESS) | {"socat"}

# socat's file addresses (`OPEN:path,creat,append`, `CREATE:path`, `GOPEN:path`, and a bare path):
# written when data flows into them — the second address with -u, the first with -U, either without
_SOCAT_FILE = lazyre.compile(r"(?i)(?:(open|gopen|create|creat|file):)?([^:,]+)(?:,.*)?")
_SOCAT_VALUED = frozenset({"-b", "-t", "-T", "-d", "-lf", "-lp", "-L", "-W"})


def _socat_writes(args: "list[str]") -> list[str]:
    addrs = _positionals(args, _SOCAT_VALUED)[:2]
    if len(addrs) < 2:
        return []
    if "-u" in args:
        addrs = addrs[1:]
    elif "-U" in args:
        addrs = addrs[:1]
    out: list[str] = []
    for a in addrs:
        m = _SOCAT_FILE.fullmatch(a)
        if m is None or a in ("-", "STDIO", "STDOUT", "STDIN", "stdio", "stdout", "stdin"):
            continue
        if m.group(1) or a.startswith(("/", "~", "./")):
            out.append(m.group(2))
    return out


_RSYNC_VALUED = frozenset({"-e", "--rsh", "--exclude", "--include", "--exclude-from", "--include-from", "--files-from",
                           "-f", "--filter", "--log-file", "--password-file", "-T", "--temp-dir", "--chmod", "--chown",
                           "-B", "--block-size", "--timeout", "--bwlimit", "--port", "--partial-dir", "--backup-dir",
                           "--suffix", "--compare-dest", "--copy-dest", "--link-dest"})


def _tar_inputs(args: list[str]) -> list[str]:
    """The files a tar that creates an archive reads (its operands after the archive name)."""
    out: list[str] = []
    skip = False
    first = args[0] if args and not args[0].startswith("-") else ""
    takes_file = "f" in first  # `tar czf ARCHIVE …` (old-style first word)
    for i, a in enumerate(args[1:] if first else args):
        if skip:
            skip = False
            continue
        if takes_file:
            takes_file = False
            continue
        if a in ("-f", "--file", "-C", "--directory", "-T", "--files-from", "-X", "--exclude-from", "--exclude",
                 "-I", "--use-compress-program", "-H", "--format", "--transform", "--owner", "--group", "--mode"):
            skip = True
            continue
        if a.startswith("-") and not a.startswith("--") and "f" in a[1:]:
            skip = a.endswith("f")  # -czf ARCHIVE
            continue
        if a.startswith("-"):
            continue
        out.append(a)
    return out


def _delete_effects(prog: str, args: list[str]) -> list[Effect]:
    if prog == "gio":
        if not args or args[0] not in ("trash", "remove", "rm"):
            return []
        args = args[1:]
    if prog in ("shred", "gshred") and not any(a in ("-u", "--remove") or a.startswith("--remove=")
                                                or (a.startswith("-") and not a.startswith("--") and "u" in a)
                                                for a in args):
        return []  # shred without -u overwrites in place (a write of the data, the file stays)
    recursive = prog in ("trash", "trash-put", "gio", "srm", "wipe", "rimraf", "del-cli") or any(
        a in ("-r", "-R", "--recursive") or (a.startswith("-") and not a.startswith("--") and ("r" in a or "R" in a))
        for a in args if a != "--")
    valued = frozenset({"-n", "--iterations", "-s", "--size"}) if prog in ("shred", "gshred") else frozenset()
    # without -r no deleter takes a non-empty directory (rmdir: only empty ones)
    spares = () if recursive else ("dirs",)
    return [Effect("delete", p, recursive=recursive, spares=spares) for p in _positionals(args, valued)[:MAX_EFFECTS] if p]


# sed commands that put text into the file: a/i/c TEXT, and s/pattern/REPLACEMENT/
# (one `\s*` before the address: two around an optional one backtrack quadratically over blanks)
_SED_TEXT = lazyre.compile(r"(?:^|[;\n}])\s*(?:(?:\d+|\$|/[^/\n]*/)(?:\s*,\s*(?:\d+|\$|/[^/\n]*/))?\s*)?[aic]\\?[ \t]*\n?([^\n;}]*)")
_SED_SUB = lazyre.compile(r"(?:^|[;\n{}\s])(?:\d+|\$|/[^/\n]*/)?s([^\w\s\\])(?:\\.|(?!\1).)*\1((?:\\.|(?!\1).)*)\1")


def _sed_script_text(script: str) -> str | None:
    """The text a sed (or perl) script puts into the file: a/i/c text and s/// replacements, with the
    escapes GNU sed reads in them (`\\n`, `\\t`; `a\\  text` keeps its blanks), so `$a [gc]\\n\\tpruneExpire
    = now` is the lines it adds."""
    parts = [_sed_unesc(m.group(1).removeprefix("\\")) for m in _SED_TEXT.finditer(script) if m.group(1).strip()]
    parts += [_sed_unesc(m.group(2)) for m in _SED_SUB.finditer(script) if m.group(2)]
    return "\n".join(parts) if parts else None


def _sed_unesc(text: str) -> str:
    return re.sub(r"\\([nt])", lambda m: "\n" if m.group(1) == "n" else "\t", text) if "\\" in text else text


# a sed script that deletes every line: `d`, `1,$d`, `0,$ d`, `/^/d`, `/.*/d`, `$!d;d` …
# (`/^$/d` removes only blank lines; `/./d` every line with text in it: what is left is blank)
_SED_ALL_LINES = r"(?:[01]\s*,\s*\$|0\s*~\s*1|/\^/|/\$/|/\^?\.\*\$?/|/\.[*+]?/|\$!)?"
_SED_DELETES_ALL = lazyre.compile(rf"\s*(?:(?:{_SED_ALL_LINES}\s*[dD]|\{{\s*[dD]\s*;?\s*\}})\s*(?:;|\n|$)\s*)+")


def _sed_effects(args: list[str]) -> list[Effect]:
    sa = sedlib.parse_args(args)
    if not sa.inplace:
        return []
    script = "\n".join(sa.scripts)
    # (a script that deletes every line is short: longer ones are not tried — the patterns backtrack)
    if sa.scripts and not sa.script_file and len(script) <= 256 and (
            _SED_DELETES_ALL.fullmatch(script) or sa.quiet and not _SED_PRINTS.search(script)):
        # `sed -i d .env`, `sed -ni '' .env`: every line goes, the file is left empty
        return [Effect("write", f, "") for f in sa.files[:MAX_EFFECTS]]
    if sa.scripts and not sa.script_file and len(script) <= 256 and _blanks_every_line(script):
        # `sed -i 's/.*//' *`: every line is kept, and its text goes: blank lines are what is left
        return [Effect("write", f, "\n") for f in sa.files[:MAX_EFFECTS]]
    # (what a script puts in the file, read from its first 4 KiB: the s/// pattern backtracks per `s`)
    content = _sed_script_text(script[:4096]) if sa.scripts and not sa.script_file else None
    return [Effect("edit", f, content) for f in sa.files[:MAX_EFFECTS]]


# a substitution that takes the whole of every line: `s/.*//`, `s/^.*$//g`, `s|.\+||`, `1,$s/.*//`,
# perl's `s/.*//s`, `s/^.*\n?//` (a blank replacement: what is left is blank lines, or nothing)
_BLANKS_LINE = lazyre.compile(r"\s*(?:[01]\s*,\s*\$\s*|%\s*)?s(?P<d>[/|#,:@!_])\^?\.(?:\*|\\?\+)\$?(?:\\n\??)?"
                              r"(?P=d)(?P=d)[gsmx]*\s*;?\s*")
_PERL_BLANKS = lazyre.compile(r"""\s*(?:\$_\s*=\s*(?:''|""|q\(\)|undef)|undef\s*\$_|chomp\s*;\s*\$_\s*=\s*(?:''|""))\s*;?\s*""")


def _blanks_every_line(script: str) -> bool:
    """Does this sed/perl -p script replace each line's whole text by nothing?"""
    return bool(_BLANKS_LINE.fullmatch(script) or _PERL_BLANKS.fullmatch(script))


_SED_PRINTS = lazyre.compile(r"[pPlwWaicr=]|s(.).*\1.*\1")  # -n leaves only what is printed, appended or written


_PERL_PRINT_LITERAL = lazyre.compile(r"""\b(?:print|say|printf)\s*\(?\s*(?:"((?:[^"\\]|\\.){1,1024})"|'((?:[^'\\]|\\.){1,1024})')""")


def _perl_switches(args: list[str]) -> str:
    """perl's one-letter switches before its code (`-ni.bak` → "n": what follows -i is its suffix)."""
    out = []
    for a in args:
        if a == "--" or not a.startswith("-") or a.startswith("--"):
            break
        for c in re.sub(r"0(?:x[0-9a-fA-F]*|[0-7]*)", "", a[1:]):  # (-0777: the record separator)
            if c in "iIeEMmlx":  # the rest of the cluster is this switch's value
                break
            out.append(c)
    return "".join(out)


_PERL_PRINTS = lazyre.compile(r"\b(?:print|printf|say|syswrite|write|system|exec)\b|`|\bopen\b|\$\^I")
# an awk program that prints no line: `0`, `NR<0`, `{}`, `{ next }`, `BEGIN{}` (each file is left empty)
_AWK_SILENT = lazyre.compile(r"\s*(?:0|!\s*1|NR\s*(?:<|==)\s*0|\{\s*(?:next\s*;?\s*)?\}|BEGIN\s*\{\s*\})\s*")


_AWK_OUT = lazyre.compile(r"""\bprint[f]?\b\s*\(?((?:[^>|;}"]|"(?:[^"\\]|\\.)*")*?)\)?\s*(>>|>|\|)\s*"([^"]+)\"""")
_AWK_STR = lazyre.compile(r'"((?:[^"\\]|\\.)*)"')


_AWK_HOME = lazyre.compile(r'ENVIRON\s*\[\s*"HOME"\s*\]\s*"')


def _awk_effects(args: list[str]) -> list[Effect]:
    from adr.shell import interpreters
    got = interpreters.inline_code("awk", tuple(args))
    if got is None:
        return []
    out: list[Effect] = []
    inplace = any(a in ("inplace", "inplace.awk") and k > 0 and args[k - 1] in ("-i", "--include")
                  for k, a in enumerate(args)) or any(a in ("--include=inplace", "-iinplace") for a in args)
    if inplace:  # gawk -i inplace 'prog' FILE…: each file is rewritten with the program's output
        rest = args[args.index(got[1]) + 1:] if got[1] in args else []
        program = got[1]
        if got[1] in ("inplace", "inplace.awk"):  # (`-i inplace` read as the program: the next word is)
            k = next((k for k, a in enumerate(rest) if not a.startswith("-")
                      and not (k and rest[k - 1] in ("-v", "-F", "-f", "-i", "--include", "--assign"))), None)
            program, rest = (rest[k], rest[k + 1:]) if k is not None else ("", [])
        targets = [f for f in rest if not f.startswith("-") and "=" not in f][:MAX_EFFECTS]
        if len(program) <= 64 and _AWK_SILENT.fullmatch(program):  # prints nothing: each file left empty
            return [Effect("write", f, "") for f in targets]
        # (what it may put in: the program's string literals, one a line)
        lits = [_unesc(m.group(1)) for m in _AWK_STR.finditer(program[:4096])][:32]
        content = "\n".join(lits) if lits else None
        out += [Effect("edit", f, content) for f in targets]
    code = _AWK_HOME.sub('"~', got[1])  # ENVIRON["HOME"] "/.bashrc" → "~/.bashrc"
    for m in _AWK_OUT.finditer(code):
        what, op, target = m.group(1).strip(), m.group(2), m.group(3)
        if op == "|":
            continue  # a command: interpreters.spawned_commands reads it
        lits = _AWK_STR.fullmatch(what)
        content = code_unescape(lits.group(1)) + "\n" if lits else None
        out.append(Effect("write", target, content, append=op == ">>"))
    return out[:MAX_EFFECTS]


_EX_WRITE = lazyre.compile(r"(?:^|[|\n])\s*:?\s*(?:\d+|\$|%)?\s*(?:w|wq|wq!|w!|x|x!|xit|exit|wall|wa|update|up|wn|sav|saveas)(?:\s|!|$)|\bZZ\b", re.M)
# (text put in by ex commands: `put ="…"`, `a|…`, `normal [G]o…` after a motion, `call append(N, "…")`/`setline`)
_EX_TEXT = lazyre.compile(r"""(?:^|[|\n])\s*:?\s*(?:\d+|\$|\.)?\s*(?:put!?\s*=\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)")|(?:a|i|c|append|insert)!?(?:\s*\|\s*|\s+)([^|\n]+)|normal!?\s+(?:\d*[Ggjk$]|gg|\d+)*[oOaAiI]([^|\n]*)|call\s+(?:append|setline)\s*\([^,()]*(?:\([^()]*\))?[^,()]*,\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"))""")


def _editor_effects(prog: str, args: list[str], stdin: str | None) -> list[Effect]:
    """ed/ex/vim told what to do (-c, +cmd, -s script on stdin, ed's stdin) and to write."""
    cmds: list[str] = []
    files: list[str] = []
    scripted = prog in ("ed", "red")
    i = 0
    vim_like = prog in ("vim", "vi", "nvim", "view", "vimdiff", "gvim")
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if (a in ("-c", "--cmd") or re.fullmatch(r"-[esEnNXZ]+c", a)) and nxt:
            cmds.append(nxt)  # -c CMD, and -sc CMD (ex -s with -c)
            scripted = scripted or "s" in a[1:-1] or "e" in a[1:-1]
            i += 2
            continue
        if a.startswith("-c") and len(a) > 2 and not a.startswith("--"):
            cmds.append(a[2:])  # -cCMD
            i += 1
            continue
        if a.startswith("+") and len(a) > 1:
            cmds.append(a[1:])
        elif vim_like and a in ("-s", "-W", "-w") and nxt and not nxt.startswith("-"):
            cmds.append("w")  # keystrokes from a file: whatever they do may include a write
            i += 2
            continue
        elif a in ("-u", "-U", "-i", "-T") and vim_like and nxt:
            i += 2
            continue
        elif a.startswith("-") and len(a) > 1:
            if a in ("-s", "-es", "-Es", "-e", "-E") or (prog == "ex" and "s" in a[1:]):
                scripted = True  # ex commands read from stdin
        else:
            files.append(a)
        i += 1
    script = "\n".join(cmds)
    if scripted and stdin:
        script += "\n" + stdin
    if not script.strip():
        return []
    named = _editor_named_writes(prog, script, files)
    if not files:
        return named
    if prog in ("ed", "red"):
        writes = re.search(r"(?m)^\s*(?:\d+|\$|,)?\s*w[q]?\b", script) is not None
        texts = _ed_inserted(script)
    else:
        writes = _EX_WRITE.search(script) is not None
        texts = [next(g for g in m.groups() if g is not None) for m in _EX_TEXT.finditer(script)]
        texts += [m.group(2) for m in _SED_SUB.finditer(script) if m.group(2)]
    if not writes:
        return []
    content = "\n".join(t for t in texts if t) or None
    return ([Effect("edit", f, content) for f in files] + named)[:MAX_EFFECTS]


# `:w FILE`, `:w >> FILE`, `:sav FILE`, `:wq FILE` (vim/ex) and ed's `w FILE` / `W FILE` (append): the
# buffer written to another file (`w !CMD` pipes it to a command instead: parse.py reads that)
_EX_WRITE_TO = lazyre.compile(r"(?:^|[|\n])[ \t]*:?[ \t]*(?:%|[.$\d]+(?:,[.$\d]+)?)?[ \t]*"
                              r"(?:w|wr|wri|writ|write|wq|x|xi|xit|exi|exit|sav|saveas|up|update)!?"
                              r"(?:[ \t]*(>>)[ \t]*|[ \t]+)([^\s|!\\][^|\n]*)")
_ED_WRITE_TO = lazyre.compile(r"(?m)^[ \t]*(?:[.$\d]+(?:,[.$\d]+)?|,)?[ \t]*([wW])q?[ \t]+([^!\s][^\n]*)$")


def _editor_named_writes(prog: str, script: str, files: "list[str]") -> list[Effect]:
    """Files an editor script writes its buffer to by name. The content is what the script put in,
    when the buffer started empty and nothing was read into it; otherwise unknown."""
    if prog in ("ed", "red"):
        hits = [(m.group(1) == "W", m.group(2).strip()) for m in _ED_WRITE_TO.finditer(script)]
        texts = _ed_inserted(script)
    else:
        hits = [(m.group(1) == ">>", m.group(2).strip()) for m in _EX_WRITE_TO.finditer(script)]
        texts = [next(g for g in m.groups() if g is not None) for m in _EX_TEXT.finditer(script)]
    reads = re.search(r"(?m)(?:^|[|\s:])(?:r|re|rea|read|e|edit)!?[ \t]+[^!\s]", script) is not None
    content = None if files or reads else ("\n".join(t for t in texts if t) + "\n" if texts else "")
    out = [Effect("write", path, content, append=app) for app, path in hits[:MAX_EFFECTS] if path]
    if prog not in ("ed", "red") and "writefile" in script:
        # vimscript's writefile(["line", …], "path" or expand("~/…"), "a"): those lines written there
        for m in list(_VIM_WRITEFILE.finditer(script))[:MAX_EFFECTS]:
            lines = re.findall(r"""["']((?:[^"'\\]|\\.)*)["']""", m.group(1))
            out.append(Effect("write", m.group(2), "\n".join(lines) + "\n", append="a" in (m.group(3) or "")))
    return out[:MAX_EFFECTS]


# emacs --batch --eval '(with-temp-file "P" (insert "…"))', `(write-region "…" nil "P" t)`,
# `(append-to-file "…" nil "P")`: the file written (appended by append-to-file or write-region's APPEND)
_EMACS_FORM = lazyre.compile(r"\((with-temp-file|write-region|append-to-file)\b")
_ELISP_STR = lazyre.compile(r'"((?:[^"\\]|\\.)*)"')
_EMACS_INSERT = lazyre.compile(r'\(insert\s+"((?:[^"\\]|\\.)*)"')


def _emacs_effects(args: "Sequence[str]") -> "list[Effect]":
    code = " ".join(a.split("=", 1)[1] if a.startswith("--eval=") else a for a in args)[:64 * 1024]
    texts = [m.group(1) for m in _EMACS_INSERT.finditer(code)]
    out: list[Effect] = []
    for m in list(_EMACS_FORM.finditer(code))[:MAX_EFFECTS]:
        strs = [x for x in _ELISP_STR.finditer(code, m.end())][:2]
        if not strs:
            continue
        form = m.group(1)
        if form == "with-temp-file":
            path, text = strs[0].group(1), texts
        else:
            # (write-region START END FILE …): START a string is the text, FILE the next string
            lead = code[m.end():strs[0].start()].strip()
            text_first = lead == "" and len(strs) > 1
            path = strs[1].group(1) if text_first else strs[0].group(1)
            text = [strs[0].group(1)] if text_first else texts
        tail = code[(strs[1] if form != "with-temp-file" and len(strs) > 1 else strs[0]).end():][:8]
        append = form == "append-to-file" or form == "write-region" and tail.lstrip().startswith("t")
        content = "\n".join(t.replace('\\"', '"').replace("\\n", "\n") for t in text) + "\n" if text else None
        out.append(Effect("write", path, content, append=append))
    return out


_VIM_WRITEFILE = lazyre.compile(r"""\bwritefile\s*\(\s*\[([^\]]*)\]\s*,\s*(?:expand\s*\(\s*)?["']([^"'\n]+)["']\s*\)?"""
                                r"""\s*(?:,\s*["']([a-zA-Z]*)["'])?""")


def _ed_inserted(script: str) -> list[str]:
    """Lines ed appends/inserts (`a` … `.`), and s/// replacements."""
    out: list[str] = []
    lines = script.split("\n")
    k = 0
    while k < len(lines):
        if re.fullmatch(r"\s*(?:\d+|\$|\.)?[aic]\s*", lines[k]):
            k += 1
            while k < len(lines) and lines[k] != ".":
                out.append(lines[k])
                k += 1
        else:
            out += [m.group(2) for m in _SED_SUB.finditer(lines[k]) if m.group(2)]
        k += 1
    return out


# find's tests that take one argument (skipped as operands when the expression is read)
_FIND_UNARY = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex",
                         "-lname", "-ilname", "-type", "-xtype", "-mtime", "-atime", "-ctime", "-mmin", "-amin",
                         "-cmin", "-newer", "-anewer", "-cnewer", "-size", "-perm", "-user", "-group", "-uid",
                         "-gid", "-links", "-inum", "-samefile", "-used", "-fstype", "-maxdepth", "-mindepth",
                         "-fprint", "-fprint0", "-fls", "-printf", "-fprintf", "-regextype", "-context"})
_FIND_NAME_TESTS = ("-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename")
_AGE_DAYS = frozenset({"-mtime", "-atime", "-ctime"})
_AGE_MINUTES = frozenset({"-mmin", "-amin", "-cmin"})


@dataclass(frozen=True)
class _FindAct:
    """One deleting action of a find expression and the tests that must hold for it to run."""

    # (test, operand) in the action's AND chains, outermost first; a negated name/path/regex test as
    # ("!-path", operand)
    guard: tuple[tuple[str, str], ...]
    recursive: bool  # it deletes what lies below a directory (-delete bottom-up, rm -r)
    whole: bool  # it can take a non-empty directory at once (rm -r; -delete and rm cannot)


def _find_actions(expr: list[str]) -> list[_FindAct]:
    """The deleting actions (-delete, -exec/-execdir of a deleter) of a find expression, each with
    the positive tests ANDed before it — in its own group and in every enclosing one. A test in
    another branch of `-o` or `,`, or under `!`/`-not`, is left out: it only narrows what the
    action reaches in ways not worth proving, and leaving a test out can only widen the reach."""
    out: list[_FindAct] = []
    # stack of frames: the guard of the enclosing groups, and the tests ANDed so far in this group
    outer: list[tuple[tuple[str, str], ...]] = [()]
    chain: list[list[tuple[str, str]]] = [[]]
    negate = False
    i = 0
    while i < len(expr):
        a = expr[i]
        if a in ("(", "\\("):
            outer.append(outer[-1] + tuple(chain[-1]) if not negate else outer[-1])
            chain.append([])
            negate = False
        elif a in (")", "\\)"):
            if len(chain) > 1:
                chain.pop()
                outer.pop()
            # the group as a whole guards what follows it: conservatively, nothing is added
        elif a in ("-o", "-or", ","):
            chain[-1] = []
            negate = False
        elif a in ("!", "-not"):
            negate = not negate
        elif a in ("-a", "-and"):
            pass
        elif a == "-delete":
            out.append(_FindAct(outer[-1] + tuple(chain[-1]), True, False))
        elif a in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            sub: list[str] = []
            while j < len(expr) and expr[j] not in (";", "+", "\\;"):
                sub.append(expr[j])
                j += 1
            prog = sub[0].rsplit("/", 1)[-1] if sub else ""
            if prog in ("sudo", "doas") and len(sub) > 1:
                sub = sub[1:]
                prog = sub[0].rsplit("/", 1)[-1]
            # -ok / -okdir: find asks on the terminal before each one: a person decides
            if a in ("-exec", "-execdir") and prog in DELETERS:
                rec = prog in ("trash", "trash-put", "gio", "srm", "wipe") or any(is_recursive_flag(x) for x in sub[1:])
                out.append(_FindAct(outer[-1] + tuple(chain[-1]), rec, rec))
            elif a in ("-exec", "-execdir") and not negate:
                chain[-1].append(("-exec", ""))  # its exit status filters (a test of unknown reach)
            i = j
            negate = False
        elif a in ("-nouser", "-nogroup"):
            if not negate:
                chain[-1].append((a, ""))
            negate = False
        elif a in _FIND_UNARY or a.startswith("-newer"):
            operand = expr[i + 1] if i + 1 < len(expr) else ""
            if not negate:
                chain[-1].append((a, operand))
            elif a in SCOPE_TESTS:
                chain[-1].append(("!" + a, operand))  # an exclusion (findscope.FindScope)
            negate = False
            i += 1
        else:
            negate = False
        i += 1
    return out


def _find_type_no_dirs(guard: "tuple[tuple[str, str], ...]") -> bool:
    """A `-type` in the guard that leaves directories out (`-type f`, `-type f,l`)."""
    return any(t == "-type" and v and "d" not in v.split(",") for t, v in guard)


def _find_min_age_minutes(guard: "tuple[tuple[str, str], ...]") -> int:
    """The least age (in minutes) a file must have to pass the guard's `-mtime +N`-style tests (0: none)."""
    best = 0
    for t, v in guard:
        if not v.startswith("+") or not v[1:].isdigit():
            continue
        n = int(v[1:])
        if t in _AGE_DAYS:
            best = max(best, (n + 1) * 24 * 60)  # -mtime +N: a whole number of days greater than N
        elif t in _AGE_MINUTES:
            best = max(best, n)
    return best


def find_deletes(args: "list[str] | tuple[str, ...]", deleter: "tuple[str, ...] | None" = None,
                 raw: str = "") -> list[Effect]:
    """`find START … -name PAT -delete` / `-exec rm -rf {} …`: START/**/PAT is deleted.

    What the action's own tests prove is kept: `-maxdepth N` bounds the glob's depth; a `-type`
    without `d` (or a deleter that cannot take a non-empty directory: `-delete`, `rm` without -r)
    spares directories ("dirs"); an age floor of at least runtime.FRESH_MIN_AGE_MINUTES spares the
    files adr's daemon keeps fresh ("fresh")."""
    from adr.runtime import FRESH_MIN_AGE_MINUTES

    starts, expr = _find_starts(list(args))
    acts = _find_actions(expr)
    if not acts:
        return []
    maxdepth = _find_maxdepth(expr)
    prunes = tuple(x for x in prune_conditions(expr) if shell_kept(x[1], raw))
    out: list[Effect] = []
    for act in acts:
        name = next(((t, v) for t, v in act.guard if t in _FIND_NAME_TESTS and v), None)
        no_dirs = _find_type_no_dirs(act.guard)
        negs = tuple((t[1:], v) for t, v in act.guard if t.startswith("!") and shell_kept(v, raw))
        # (an action that takes a folder whole, rm -r of what it is handed, takes what is excluded below it)
        scoped = (negs or prunes) and not (act.whole and not no_dirs)
        dirs_only = any(t == "-type" and v == "d" for t, v in act.guard)
        spares: tuple[str, ...] = ("dirs",) if no_dirs or not act.whole else ()
        if _find_min_age_minutes(act.guard) >= FRESH_MIN_AGE_MINUTES:
            spares += ("fresh",)
        if any(_excludes_adrs(t, v) for t, v in act.guard):
            spares += ("adr",)
        recursive = act.recursive and not no_dirs
        for s in starts[:MAX_EFFECTS]:
            scope = FindScope(s, negs, prunes, dirs_only) if scoped else None
            for path in _find_reach([s], name, maxdepth):
                e = Effect("delete", path, recursive=recursive, spares=spares, scope=scope)
                if e not in out and len(out) < MAX_EFFECTS:
                    out.append(e)
    return out


def _find_starts(args: "list[str]") -> "tuple[list[str], list[str]]":
    """find's start paths (default `.`) and the expression after them."""
    i = 0
    while i < len(args) and args[i] in ("-H", "-L", "-P") or i < len(args) and args[i].startswith("-O"):
        i += 1
    starts: list[str] = []
    while i < len(args) and not args[i].startswith(("-", "(", "!", ")", "\\(")) and args[i] not in ("!", ","):
        starts.append(args[i])
        i += 1
    return starts or ["."], args[i:]


def _find_maxdepth(expr: "list[str]") -> "int | None":
    for k, a in enumerate(expr[:-1]):
        if a == "-maxdepth" and expr[k + 1].isdigit():
            return int(expr[k + 1])  # a global option: wherever it stands, it bounds every action
    return None


def _find_reach(starts: "list[str]", name: "tuple[str, str] | None", maxdepth: "int | None") -> list[str]:
    """What a find over `starts` can hand its action, as globs: START/**/NAME (a -name test), bounded
    by -maxdepth, or what a -path pattern can match (_path_globs)."""
    out: list[str] = []
    for s in starts[:MAX_EFFECTS]:
        base = s.rstrip("/")  # "" for /
        rels = _path_globs(name[0], name[1], s) if name and name[0] not in ("-name", "-iname") else None
        last = _case_free(name[1]) if name and name[0] == "-iname" else name[1] if name else ""
        if rels is not None:
            paths = [base + "/" + r if r else s for r in rels]
        elif name and name[0] not in ("-name", "-iname"):
            paths = [base + "/**"]  # a path pattern not read: anything under the start
        elif maxdepth is not None and maxdepth <= 4:
            paths = [base + "/" + "*/" * d + (last or "*") for d in range(maxdepth)] if maxdepth else [s]
        else:
            paths = [base + "/**/" + last] if last else [base + "/**"]
        out += [p for p in paths if p not in out]
    return out[:MAX_EFFECTS]


_GLOB_CHARS = re.compile(r"[*?\[]")
_CROSSES = re.compile(r"[*?]|\[[!^]|\[[^\]]*/")  # what in a find pattern can match a `/`


def _case_free(pattern: str) -> str:
    """A glob matching what `pattern` matches in any case (-iname, -ipath): `[gG][iI][tT]`."""
    if "[" in pattern or "\\" in pattern:
        return "*"  # (a bracket or escape of its own: any name)
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in pattern)


def _path_globs(test: str, pattern: str, start: str) -> "list[str] | None":
    """The globs below `start` (relative to it; "" for the start itself) that hold every path find's
    `-path pattern` can match; None when not known. find's wildcards match `/` too, so a segment with
    one becomes `**`, and `**` is spelled both ways (none, some folders), as the on-disk expansion
    reads it one level deep."""
    if test in ("-ipath", "-iwholename"):
        pattern = _case_free(pattern)
    segs = [x for x in pattern.split("/")]
    lead = start.rstrip("/").split("/") if start.strip("/") else [""]
    if segs[:len(lead)] == lead and not any(_GLOB_CHARS.search(x) for x in lead):
        rest = segs[len(lead):]
    elif segs and _GLOB_CHARS.search(segs[0]):
        rest = segs  # a leading wildcard covers the start's own spelling
    else:
        return None
    out: list[str] = []
    for x in rest:
        x = "**" if _CROSSES.search(x) else x
        if x and not (x == "**" and out[-1:] == ["**"]):
            out.append(x)
    deep = [k for k, x in enumerate(out) if x == "**"]
    if len(deep) > 3:
        return None
    found: list[str] = []
    for mask in range(1 << len(deep)):
        drop = {deep[b] for b in range(len(deep)) if mask >> b & 1}
        g = "/".join(x for k, x in enumerate(out) if k not in drop)
        if g not in found:
            found.append(g)
    return found


# who owns adr's files on this installation (its user and groups, by name and number): set once at
# load (adr/engine/core.py load_engine → set_owner); empty: unknown, no owner test proves anything
_OWN_USERS: frozenset[str] = frozenset()
_OWN_GROUPS: frozenset[str] = frozenset()


_OWNER_LATER: "list[Callable[[], tuple[Iterable[str], Iterable[str]]]]" = []  # set_owner_later's


def set_owner(users: "Iterable[str]", groups: "Iterable[str]") -> None:
    """The user and groups adr's files belong to (names and numeric ids as text)."""
    global _OWN_USERS, _OWN_GROUPS
    _OWNER_LATER.clear()
    _OWN_USERS, _OWN_GROUPS = frozenset(users), frozenset(groups)


def set_owner_later(load: "Callable[[], tuple[Iterable[str], Iterable[str]]]") -> None:
    """set_owner(*load()) at the first owner test that needs it: reading the owners means walking
    adr's places (policy/protect.py own_names), which most one-shot decisions never need."""
    _OWNER_LATER[:] = [load]


def settle_owner() -> None:
    if _OWNER_LATER:
        set_owner(*_OWNER_LATER[0]())


def _excludes_adrs(test: str, operand: str) -> bool:
    """Does the find test `test operand` select only files adr never has? Files whose owner or group
    no longer exists, files of another user or group than adr's (only a literal name or number
    counts: `-user $(whoami)` proves nothing), and files writable by everyone (adr makes its own
    0600/0700, its code 0644/0755)."""
    if test in ("-nouser", "-nogroup"):
        return True
    literal = bool(operand) and not any(c in operand for c in "$`*?[\\")
    if _OWNER_LATER:
        settle_owner()
    if test in ("-user", "-uid"):
        return bool(_OWN_USERS) and literal and operand not in _OWN_USERS
    if test in ("-group", "-gid"):
        return bool(_OWN_GROUPS) and literal and operand not in _OWN_GROUPS
    if test == "-perm":
        digits = operand.lstrip("-/")
        if digits.isdigit() and all(c in "01234567" for c in digits) and int(digits, 8) & 0o002:
            return not operand.startswith("/") or int(digits, 8) & 0o777 == 0o002  # o+w required
    return False


def _not_adrs(expr: "list[str]") -> bool:
    """Does one of the (ANDed) tests of `expr` select only files adr never has (_excludes_adrs)?"""
    for k, a in enumerate(expr):
        if _excludes_adrs(a, expr[k + 1] if a not in ("-nouser", "-nogroup") and k + 1 < len(expr) else ""):
            return True
    return False


def find_exec_reach(args: "list[str] | tuple[str, ...]") -> list[str]:
    """The files a `find … -exec CMD {} …` hands CMD, as globs (what `{}` stands for). The name test
    counts only when the expression is one plain AND chain (no -o, `,`, `!`): otherwise every file
    under the start paths — leaving a test out can only widen the reach."""
    starts, expr = _find_starts(list(args))
    plain = not any(a in ("-o", "-or", ",", "!", "-not") for a in expr)
    first_exec = next((k for k, a in enumerate(expr) if a in ("-exec", "-execdir", "-ok", "-okdir")), len(expr))
    if plain and _not_adrs(expr[:first_exec]):  # a test after the action does not filter it
        return []  # only files adr never has (no owner, world-writable): `{}` is none of its own
    name: "tuple[str, str] | None" = None
    if plain:
        names = [(a, expr[k + 1]) for k, a in enumerate(expr[:-1]) if a in _FIND_NAME_TESTS]
        name = names[0] if len(names) == 1 and names[0][1] else None
    return _find_reach(starts, name, _find_maxdepth(expr))


def is_recursive_flag(a: str) -> bool:
    return a in ("-r", "-R", "--recursive") or (a.startswith("-") and not a.startswith("--") and ("r" in a or "R" in a))


# ---- interpreter code --------------------------------------------------------------------------
# home directory spellings per language → "~" (a string literal the folder can join with others)
_HOME_EXPR = [
    lazyre.compile(r"""\b(?:pathlib\s*\.\s*)?Path\s*\.\s*home\s*\(\s*\)"""),
    lazyre.compile(r"""\b(?:os\s*\.\s*path\s*\.\s*)?expanduser\s*\(\s*(["'])~\1\s*\)"""),
    lazyre.compile(r"""\bos\s*\.\s*environ\s*(?:\[\s*(["'])HOME\1\s*\]|\.\s*get\s*\(\s*(["'])HOME\2\s*\))"""),
    lazyre.compile(r"""\bos\s*\.\s*getenv\s*\(\s*(["'])HOME\1\s*\)"""),
    lazyre.compile(r"""\b(?:require\s*\(\s*(["'])(?:node:)?os\1\s*\)|os)\s*\.\s*homedir\s*\(\s*\)"""),
    lazyre.compile(r"""\bprocess\s*\.\s*env\s*(?:\.\s*HOME\b|\[\s*(["'])HOME\1\s*\])"""),
    lazyre.compile(r"""\bDir\s*\.\s*home\b(?:\s*\(\s*\))?"""),
    lazyre.compile(r"""\bENV\s*\[\s*(["'])HOME\1\s*\]"""),
    lazyre.compile(r"""\$ENV\s*\{\s*(["']?)HOME\1\s*\}"""),
    lazyre.compile(r"""\bSys\s*\.\s*getenv\s*\(\s*(["'])HOME\1\s*\)"""),  # (R: before the bare getenv below)
    lazyre.compile(r"""\bgetenv\s*\(\s*(["'])HOME\1\s*\)|\$_(?:SERVER|ENV)\s*\[\s*(["'])HOME\2\s*\]"""),
    lazyre.compile(r"""\bDeno\s*\.\s*env\s*\.\s*get\s*\(\s*(["'])HOME\1\s*\)"""),
    # R: path.expand("~"), normalizePath("~"), Sys.getenv("HOME"); julia: homedir()
    lazyre.compile(r"""\b(?:path\s*\.\s*expand|normalizePath)\s*\(\s*(["'])~/?\1\s*\)"""),
    lazyre.compile(r"""(?<![\w.])homedir\s*\(\s*\)"""),
    # go: os.Getenv("HOME"), os.UserHomeDir() (its error dropped: `h, _ := os.UserHomeDir()`)
    lazyre.compile(r"""\b(?:os\s*\.\s*)?(?:Getenv|LookupEnv)\s*\(\s*(["`])HOME\1\s*\)|\bos\s*\.\s*UserHomeDir\s*\(\s*\)"""),
    # swift: NSHomeDirectory(), FileManager.default.homeDirectoryForCurrentUser(.path),
    # ProcessInfo.processInfo.environment["HOME"]!, ("~" as NSString).expandingTildeInPath
    lazyre.compile(r"""\bNSHomeDirectory\s*\(\s*\)|\b(?:FileManager\s*\.\s*default\s*\.\s*)?homeDirectoryForCurrentUser"""
                   r"""(?:\s*\.\s*(?:path|relativePath)\b)?|\bProcessInfo\s*\.\s*processInfo\s*\.\s*environment\s*\[\s*"HOME"\s*\]!?"""
                   r"""|\(\s*"~/?"\s+as\s+NSString\s*\)\s*\.\s*expandingTildeInPath|NSString\s*\(\s*string\s*:\s*"~/?"\s*\)\s*\.\s*expandingTildeInPath"""),
]
# tcl: $env(HOME), $::env(HOME), [file normalize ~], [file home] — a bare ~, as inside a "…" word
_TCL_HOME = lazyre.compile(r"""\$(?:::)?env\(HOME\)|\$\{(?:::)?env\(HOME\)\}|\[\s*file\s+(?:normalize\s+~|home)\s*\]""")
# go and swift join strings with +: `os.Getenv("HOME") + "/.ssh"` (after the home became "~")
_PLUS_HOME = lazyre.compile(r'"~"\s*\+\s*"((?:[^"\\\n]|\\.)*)"')
# the working directory per language → "." (the folder the command runs in: the project)
_CWD_EXPR = lazyre.compile(r"""\bos\s*\.\s*getcwdb?\s*\(\s*\)|\b(?:pathlib\s*\.\s*)?Path\s*\.\s*cwd\s*\(\s*\)|"""
                           r"""\bprocess\s*\.\s*cwd\s*\(\s*\)|\bDir\s*\.\s*(?:pwd|getwd)\b(?:\s*\(\s*\))?|"""
                           r"""(?<![\w.$])getcwd\s*\(\s*\)|\bDeno\s*\.\s*cwd\s*\(\s*\)|(?<![\w.])pwd\s*\(\s*\)""")
_INTERP_HOME = lazyre.compile(r"""\$\{\s*(?:(?:require\s*\(\s*["'](?:node:)?os["']\s*\)|os)\s*\.\s*homedir\s*\(\s*\)|process\s*\.\s*env\s*\.\s*HOME)\s*\}|#\{\s*(?:Dir\s*\.\s*home|ENV\s*\[\s*["']HOME["']\s*\])\s*\}|\$ENV\{\s*["']?HOME["']?\s*\}""")
_STRLIT = r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\$]|\\.)*)`)"""
_PATHJOIN = lazyre.compile(r"""\b(?:os\s*\.\s*path\s*\.\s*join|(?:path|require\s*\(\s*["'](?:node:)?path["']\s*\))\s*\.\s*(?:join|resolve)|File\s*\.\s*join|(?<![.\w])joinpath|file\s*\.\s*path)\s*\(((?:\s*""" + _STRLIT + r"""\s*,?){1,12})\)""")
# (perl's `glob("~/x")` expands the tilde; `Dir.glob(…)`/`glob.glob(…)` list a folder: kept for _CODE_WALK)
_EXPANDUSER = lazyre.compile(r"""(?:\b(?:os\s*\.\s*path\s*\.\s*expanduser|File\s*\.\s*expand_path|path\s*\.\s*resolve)|(?<![.\w])glob)\s*\(\s*"""
                             + _STRLIT + r"""\s*\)""")
_PATHOBJ = lazyre.compile(r"""\b(?:pathlib\s*\.\s*)?(?:Path|PurePath|PosixPath)\s*\(\s*""" + _STRLIT + r"""\s*\)""")
_SLASHJOIN = lazyre.compile(_STRLIT + r"""\s*(?:/|\.\s*joinpath\s*\()\s*""" + _STRLIT + r"""\s*\)?""")
# any module's join whose first part is the home (`const p = require('path'); p.join(os.homedir(), '.ssh')`)
_HOMEJOIN = lazyre.compile(r"""\b[A-Za-z_$][\w$]*\s*\.\s*(?:join|resolve)\s*\(((?:\s*(["'])~(?:/[^"'\\]*)?\2)\s*(?:,\s*""" + _STRLIT
                           + r"""\s*){1,12})\)""")
_BARE_HOME_CONCAT = lazyre.compile(r"""(?<![\w"'/~.])~(?=\s*\.\s*["'])""")
# python's `__import__('os')` is the module `os`
_DUNDER_IMPORT = lazyre.compile(r"""__import__\s*\(\s*(["'])([\w.]+)\1\s*\)""")
_NOOP_METHODS = lazyre.compile(r"""(""" + _STRLIT + r""")\s*\.\s*(?:expanduser|resolve|absolute)\s*\(\s*\)""")


def _lit(m: "re.Match[str]", first: int) -> str:
    for g in range(first, first + 3):
        if m.group(g) is not None:
            return m.group(g)
    return ""


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _join_paths(parts: list[str]) -> str:
    out = ""
    for p in parts:
        if p.startswith(("/", "~")) or not out:
            out = p
        else:
            out = out.rstrip("/") + "/" + p
    return out


_HOME_WORDS = ("HOME", "home", "Home", "expanduser", "expand", "normalize")  # every spelling in _HOME_EXPR / _INTERP_HOME names one of these
_PATH_WORDS = ("join", "expanduser", "expand_path", "resolve", "Path", "absolute", "/", "file.path", "glob")


_CHDIR = lazyre.compile(r"""\b(?:os\s*\.\s*chdir|process\s*\.\s*chdir|Dir\s*\.\s*chdir|chdir|setwd|cd)\s*\(\s*""" + _STRLIT
                        + r"""|\bcwd\s*[=:]\s*""" + _STRLIT)


def code_chdirs(language: str, code: str, folded: "str | None" = None) -> list[str]:
    """Folders the code moves to (`os.chdir("~")`, `Dir.chdir(Dir.home)`) or runs a child in
    (`subprocess.run(…, cwd="/")`, node's `{cwd: …}`), the home spelled `~`."""
    text = normalize_paths(language, code, folded)
    out = [_lit(m, 1) or _lit(m, 4) for m in _CHDIR.finditer(text)]
    return [p for p in dict.fromkeys(out) if p and p not in (".", "./")][:8]


def normalize_paths(language: str, code: str, folded: "str | None" = None) -> str:
    """Home directories spelled in code become "~"; path joins of literals become one literal.
    `folded`: fold(language, code) when the caller has it already (used if no home was spelled)."""
    orig = code
    if "__import__" in code:
        code = _DUNDER_IMPORT.sub(lambda m: m.group(2), code)
    homed = code
    if any(w in code for w in _HOME_WORDS):
        homed = _INTERP_HOME.sub("~", code)
        if language in ("perl", "php"):
            # outside a string the home is a value: `$ENV{HOME} . "/.bashrc"` concatenates the string "~"
            homed = _BARE_HOME_CONCAT.sub('"~"', homed)
        if language == "tcl":
            homed = _TCL_HOME.sub("~", homed)
        for rx in _HOME_EXPR:
            if rx.search(homed):
                homed = rx.sub('"~"', homed)
        if language in ("go", "swift") and '"~"' in homed:
            homed = _PLUS_HOME.sub(r'"~\1"', homed)
    if "cwd" in homed or "pwd" in homed:  # `shutil.rmtree(os.getcwd())`: the folder it runs in
        homed = _CWD_EXPR.sub('"."', homed)
    code = folded if folded is not None and homed == orig else fold(language, homed)
    if homed == orig and not any(w in code for w in _PATH_WORDS):
        return code
    start = code
    for _ in range(3):  # nested joins: Path(os.path.join("~", ".ssh")) / "authorized_keys"
        before = code
        code = _PATHJOIN.sub(lambda m: _q(_join_paths([_lit(x, 1) for x in re.finditer(_STRLIT, m.group(1))])), code)
        code = _HOMEJOIN.sub(lambda m: _q(_join_paths([_lit(x, 1) for x in re.finditer(_STRLIT, m.group(1))])), code)
        code = _EXPANDUSER.sub(lambda m: _q(_lit(m, 1)), code)
        code = _PATHOBJ.sub(lambda m: _q(_lit(m, 1)), code)
        code = _NOOP_METHODS.sub(lambda m: m.group(1), code)
        code = _SLASHJOIN.sub(lambda m: _q(_join_paths([_lit(m, 1), _lit(m, 4)])), code)
        if code == before:
            break
    if (code != start or homed != orig) and len(code) <= 64 * 1024:
        # `f = os.path.join(home, ".ssh", "authorized_keys"); open(f, "a")`: the joined literal is now
        # what the name holds — its later uses read it
        code = _inline_path_names(code)
    return code


# PowerShell: Remove-Item and its aliases; parameters are case-insensitive and may be shortened
_PS_REMOVE = lazyre.compile(r"(?i)(?:^|[;|{(\n]|\s)(?:Remove-Item|rm|ri|del|erase|rmdir|rd)\s+([^;|}\n]{1,2000})")
_PS_HOME = lazyre.compile(r"(?i)^(?:\$HOME|\$\{HOME\}|\$env:(?:HOME|USERPROFILE)|~)(?=$|[/\\])")


_PS_LISTED = lazyre.compile(r"(?i)(?:^|[;{(\n]|\s)(?:Get-ChildItem|gci|ls|dir|Get-Item|gi)((?:\s+[^;|{}()\n\s]{1,512}){0,12})"
                            r"\s*\|\s*$")
# what makes the listing a pattern's matches rather than the folder's content: -Filter, -Include, -Name
_PS_NARROWED = lazyre.compile(r"(?i)\s-(?:filt|inc|in\b|n\b|na)\w*")


def _powershell_deletes(code: str) -> list[Effect]:
    """`pwsh -c 'Remove-Item -Recurse -Force ~'`, `rm -r -fo $HOME/x`, `del -Path $env:USERPROFILE\\x`:
    each path removed (recursively with -r/-rec/-Recurse), `$HOME`-like spellings as "~"."""
    out: list[Effect] = []
    for m in _PS_REMOVE.finditer(code):
        try:
            words = shlex.split(m.group(1), posix=True)
        except ValueError:
            words = m.group(1).split()
        recursive = any(re.fullmatch(r"(?i)-r(?:e(?:c(?:u(?:r(?:s(?:e)?)?)?)?)?)?|-rf|-fr", w) for w in words)
        paths: list[str] = []
        k = 0
        while k < len(words):
            w = words[k]
            if re.fullmatch(r"(?i)-(?:path|literalpath|lp|pspath)", w) and k + 1 < len(words):
                paths.append(words[k + 1])
                k += 2
                continue
            if re.fullmatch(r"(?i)-(?:include|exclude|filter|stream|credential)", w):
                k += 2
                continue
            if not w.startswith("-"):
                paths.extend(p for p in w.split(",") if p)
            k += 1
        if not paths:
            # `Get-ChildItem ~ | Remove-Item -Recurse -Force`: what the listing before the pipe names goes
            listed = _PS_LISTED.search(code, max(0, m.start() - 2100), m.start() + 1)
            if listed is not None and not _PS_NARROWED.search(listed.group(1)):
                paths = [w for w in listed.group(1).split() if not w.startswith("-")][:4] or ["."]
                recursive = recursive or bool(re.search(r"(?i)\s-r", listed.group(1)))
        for p in paths[:MAX_EFFECTS]:
            p = _PS_HOME.sub("~", p.strip("'\"")).replace("\\", "/")
            out.append(Effect("delete", p, recursive=recursive))
    return out[:MAX_EFFECTS]


_PS_WRITE = lazyre.compile(r"(?i)(?:^|[;|{(\n]|\s)(Set-Content|Add-Content|Out-File|ac|sc|New-Item|ni|Copy-Item|cpi|copy|cp)"
                           r"\s+([^;|}\n]{1,2000})")
_PS_REDIRECT = lazyre.compile(r"(>>?)\s*(['\"]?)((?:~|\$HOME|\$env:(?:HOME|USERPROFILE))[^'\"\s;|]*)\2")


def _powershell_writes(code: str) -> list[Effect]:
    """`Set-Content -Path ~/.bashrc -Value …`, `Add-Content ~/.ssh/authorized_keys '…'`, `Out-File`,
    `New-Item -ItemType File -Value …`, `Copy-Item X -Destination ~/…`, `… > ~/.x`, `>> $HOME/.x`: each
    file written (appended by Add-Content, `-Append`, `>>`), with its literal value when it has one."""
    out: list[Effect] = []
    for m in list(_PS_WRITE.finditer(code))[:MAX_EFFECTS]:
        verb = m.group(1).lower()
        try:
            words = shlex.split(m.group(2), posix=True)
        except ValueError:
            words = m.group(2).split()
        named = {"path": "", "value": None, "dest": ""}
        pos: list[str] = []
        k = 0
        while k < len(words):
            w = words[k]
            low = w.lower()
            if re.fullmatch(r"-(?:path|literalpath|lp|filepath|pspath)", low) and k + 1 < len(words):
                named["path"], k = words[k + 1], k + 2
                continue
            if low == "-value" and k + 1 < len(words):
                named["value"], k = words[k + 1], k + 2
                continue
            if re.fullmatch(r"-(?:destination|dest)", low) and k + 1 < len(words):
                named["dest"], k = words[k + 1], k + 2
                continue
            if w.startswith("-"):
                k += 2 if low in ("-itemtype", "-type", "-encoding", "-name") and k + 1 < len(words) else 1
                continue
            pos.append(w)
            k += 1
        if verb in ("copy-item", "cpi", "copy", "cp"):
            target = named["dest"] or (pos[1] if len(pos) > 1 else "")
            value = None
        else:
            target = named["path"] or (pos[0] if pos else "")
            value = named["value"] if named["value"] is not None else (pos[1] if len(pos) > 1 and verb != "out-file" else None)
        if not target:
            continue
        append = verb in ("add-content", "ac") or any(w.lower() == "-append" for w in words)
        out.append(Effect("write", _PS_HOME.sub("~", target.strip("'\"")).replace("\\", "/"), value, append))
    for m in list(_PS_REDIRECT.finditer(code))[:MAX_EFFECTS]:
        out.append(Effect("write", _PS_HOME.sub("~", m.group(3)).replace("\\", "/"), None, m.group(1) == ">>"))
    return out[:MAX_EFFECTS]


_PATH_ASSIGN = lazyre.compile(r"""(?:^|[;\n{(])\s*(?:(?:const|let|var|my|our)\s+)?(\$?[A-Za-z_]\w*)(?:\s*,\s*_)?\s*:?=\s*("(?:~|/|\.|[\w-]+/)(?:[^"\\\n]|\\.)*")""")


def _inline_path_names(code: str) -> str:
    """Later uses of a name assigned a path literal (`f = "~/.ssh/x"; open(f, 'a')`) read the literal:
    only as a call's argument or a method's receiver, and only after the assignment."""
    for m in list(_PATH_ASSIGN.finditer(code))[:8]:
        name, lit = m.group(1), m.group(2)
        head, tail = code[:m.end()], code[m.end():]
        use = re.compile(r"(?<![\w.$'\"])" + re.escape(name) + r"(?=\s*[,)]|\s*\.\s*(?:write|read|open|unlink|touch))")
        code = head + use.sub(lambda _m: lit, tail)
    return code


_S = _STRLIT


def _N(name: str) -> str:
    """A string literal whose text is the named group `name` (one of three quote styles)."""
    return (rf"""(?:"(?P<{name}_d>(?:[^"\\\n]|\\.)*)"|'(?P<{name}_s>(?:[^'\\\n]|\\.)*)'"""
            rf"""|`(?P<{name}_b>(?:[^`\\$]|\\.)*)`)""")


def _group(m: "re.Match[str]", name: str) -> "str | None":
    d = m.groupdict()
    return next((d[k] for k in (f"{name}_d", f"{name}_s", f"{name}_b", name) if d.get(k) is not None), None)


_MODE = r"""["'](?P<mode>[rwaxbt+]*[wax+][rwaxbt+]*)["']"""
# Each: path (the file written), and how much is known of what goes in — `text` (a literal argument),
# `mode` (open mode: "a" appends; the text is what a .write(…)/print F … elsewhere writes), `append`
# (a marker that appends), or nothing (a copy: another file's content).
_CODE_WRITE = [lazyre.compile(p) for p in (
    # a file truncated to nothing: os.truncate(P, 0), fs.truncateSync(P[, 0]), File.truncate(P, 0), perl truncate
    r"""\b(?:os\s*\.\s*truncate|truncateSync|File\s*\.\s*truncate|truncate)\s*\(\s*""" + _N("path")
    + r"""\s*(?:,\s*0\s*)?\)(?P<empty>)""",
    # python: open(P, "a"/"w"/"x"/"r+"), Path(P).write_text(T) / .open("a") / .touch()
    r"""\bopen\s*\(\s*""" + _N("path") + r"""\s*,\s*(?:mode\s*=\s*)?""" + _MODE,
    _N("path") + r"""\s*\.\s*(?:write_text|write_bytes)\s*\(\s*(?:""" + _N("text") + r"""(?=\s*[,)]))?""",
    _N("path") + r"""\s*\.\s*open\s*\(\s*""" + _MODE,
    _N("path") + r"""\s*\.\s*(?:touch|symlink_to|hardlink_to)\s*\((?P<empty>)""",
    # node: fs.writeFileSync(P, T), appendFile…, createWriteStream(P, {flags: 'a'})
    r"""\b(?:writeFileSync|writeFile|(?P<append>append)FileSync|(?P<append2>append)File|outputFileSync|outputFile)\s*\(\s*"""
    + _N("path") + r"""\s*(?:,\s*""" + _N("text") + r""")?""",
    r"""\bcreateWriteStream\s*\(\s*""" + _N("path") + r"""(?P<append>\s*,\s*\{[^}]*flags\s*:\s*["']a)?(?P<mode>)""",
    # ruby: File.write(P, T) / IO.write / File.open(P, "a") / File.new(P, "w")
    r"""\b(?:File|IO)\s*\.\s*(?:write|binwrite)\s*\(\s*""" + _N("path") + r"""\s*(?:,\s*""" + _N("text") + r""")?""",
    r"""\b(?:File|IO)\s*\.\s*(?:open|new)\s*\(\s*""" + _N("path") + r"""\s*,\s*""" + _MODE,
    # perl: open(F, '>>', 'path') / open(F, ">>path")
    r"""\bopen\s*\(?\s*(?:my\s+)?[\$\w]+\s*,\s*["'](?P<mode>>>?|\+<|\+>)["']\s*,\s*""" + _N("path"),
    r"""\bopen\s*\(?\s*(?:my\s+)?[\$\w]+\s*,\s*["'](?P<mode>>>?|\+<)\s*(?P<path>[^"'<>\s][^"']*)["']""",
    # php: file_put_contents(P, T[, FILE_APPEND]) / fopen(P, 'a')
    r"""\bfile_put_contents\s*\(\s*""" + _N("path") + r"""\s*(?:,\s*""" + _N("text") + r""")?(?P<append>\s*,\s*FILE_APPEND)?""",
    r"""\bfopen\s*\(\s*""" + _N("path") + r"""\s*,\s*""" + _MODE,
    # copies / moves / links whose destination is a literal: the content is another file's
    r"""\b(?:shutil\s*\.\s*(?:copy|copy2|copyfile|move|copytree)|os\s*\.\s*(?:rename|replace|symlink|link)|copyFileSync|"""
    r"""copyFile|renameSync|symlinkSync|FileUtils\s*\.\s*(?:cp|mv|copy|move|ln_s|ln|install))\s*\(\s*""" + _S
    + r"""\s*,\s*""" + _N("path"),
)]
_CODE_DELETE = [
    (lazyre.compile(r"""\bDeno\s*\.\s*remove(?:Sync)?\s*\(\s*""" + _S + r"""\s*,\s*\{[^}]*recursive\s*:\s*true"""), True),
    (lazyre.compile(r"""\b(?:shutil\s*\.\s*rmtree|rmtree|remove_tree|rm_rf|rm_r|remove_dir|remove_entry(?:_secure)?|rimraf(?:\s*\.\s*sync)?|removeSync|emptyDirSync|rmSync|rmdirSync|fs\s*\.\s*rm|fs\s*\.\s*rmdir|fse?\s*\.\s*remove)\s*\(?\s*""" + _S), True),
    (lazyre.compile(r"""(?<!["'])\b(?:os\s*\.\s*(?:remove|unlink|rmdir|removedirs)|unlinkSync|File\s*\.\s*(?:delete|unlink)|FileUtils\s*\.\s*(?:rm|rm_f|remove|safe_unlink)|unlink|rmdir)\s*\(?\s*""" + _S), False),
    (lazyre.compile(_S + r"""\s*\.\s*(?:unlink|rmdir)\s*\("""), False),
    # the deleter handed over by name: php `array_map('unlink', glob(P))`, `array_walk(glob(P), 'unlink')`,
    # every file of a glob loop (`foreach (glob(P) as $f) unlink($f);`)
    (lazyre.compile(r"""\barray_map\s*\(\s*["'](?:unlink|rmdir)["']\s*,\s*(?:glob\s*\(\s*)?""" + _S), False),
    (lazyre.compile(r"""\barray_walk\s*\(\s*(?:glob\s*\(\s*)?""" + _S + r"""\s*\)?\s*,\s*["'](?:unlink|rmdir)["']"""), False),
    (lazyre.compile(r"""\bforeach\s*\(\s*(?:glob\s*\(\s*)?""" + _S + r"""\s*\)?\s+as\s+\$\w+\s*\)\s*\{?\s*@?(?:unlink|rmdir)\s*\(\s*\$"""), False),
]
# R and Julia name their deleters and writers in words other languages use for other things
_CODE_DELETE_BY_LANG = {
    "r": [
        (lazyre.compile(r"""\bunlink\s*\(\s*(?:x\s*=\s*)?""" + _S + r"""[^)]*?\brecursive\s*=\s*(?:TRUE|T)\b"""), True),
        (lazyre.compile(r"""\b(?:unlink|file\s*\.\s*remove)\s*\(\s*(?:x\s*=\s*)?""" + _S), False),
    ],
    "julia": [
        (lazyre.compile(r"""\brm\s*\(\s*""" + _S + r"""\s*[,;][^)]*?\brecursive\s*=\s*true\b"""), True),
        (lazyre.compile(r"""\brm\s*\(\s*""" + _S), False),
    ],
    "go": [
        (lazyre.compile(r"""\bos\s*\.\s*RemoveAll\s*\(\s*""" + _S), True),
        (lazyre.compile(r"""\b(?:os|syscall)\s*\.\s*(?:Remove|Unlink|Rmdir)\s*\(\s*""" + _S), False),
    ],
    "swift": [  # FileManager's removeItem / trashItem take a folder with everything in it
        (lazyre.compile(r"""\b(?:removeItem|trashItem)\s*\(\s*(?:atPath|at)\s*:\s*(?:URL\s*\(\s*fileURLWithPath\s*:\s*)?""" + _S),
         True),
    ],
    "tcl": [  # `file delete -force ~` takes folders with their content; without -force only empty ones
        (lazyre.compile(r"""\bfile\s+delete\s+(?:--\s+)?-force\s+(?:--\s+)?(?:"([^"\n]*)"|\{([^}\n]*)\}|([^\s;\]\[{}"$]+))"""), True),
        (lazyre.compile(r"""\bfile\s+delete\s+(?:--\s+)?(?:"([^"\n]*)"|\{([^}\n]*)\}|([^\s;\]\[{}"$-][^\s;\]\[{}"$]*))"""), False),
    ],
}
_CODE_WRITE_BY_LANG = {
    "r": [lazyre.compile(p) for p in (
        r"""\bwriteLines\s*\(\s*(?:text\s*=\s*)?""" + _N("text") + r"""\s*,\s*(?:con\s*=\s*)?""" + _N("path"),
        r"""\b(?:writeLines|write|cat|sink|saveRDS|save|write\s*\.\s*csv|write\s*\.\s*table|file\s*\.\s*create)\s*\("""
        r"""[^()]*?(?:\b(?:con|file)\s*=\s*)""" + _N("path") + r"""(?P<append>[^()]*?\bappend\s*=\s*(?:TRUE|T)\b)?""",
        r"""\bfile\s*\.\s*(?:create|copy)\s*\(\s*""" + _N("path") + r"""(?P<empty>)""",
    )],
    "julia": [lazyre.compile(p) for p in (
        r"""\bwrite\s*\(\s*""" + _N("path") + r"""\s*,\s*""" + _N("text"),
        r"""\btouch\s*\(\s*""" + _N("path") + r"""(?P<empty>)""",
        r"""\b(?:cp|mv|symlink)\s*\(\s*""" + _S + r"""\s*,\s*""" + _N("path"),
    )],
}
# files code opens for reading (literal path): python open(P) / open(P, 'r') / Path(P).read_text(), node
# readFileSync(P) / readFile(P) / createReadStream(P), ruby File.read(P) / IO.readlines(P), perl
# open(F, '<', P) / open(F, P), php file_get_contents(P) / file(P) / fopen(P, 'r')
_CODE_READ = [lazyre.compile(p) for p in (
    r"""\bopen\s*\(\s*""" + _N("path") + r"""\s*(?:\)|,\s*(?:mode\s*=\s*)?["']r[bt]?["'])""",
    _N("path") + r"""\s*\)?\s*\.\s*(?:read_text|read_bytes)\s*\(""",
    r"""\b(?:readFileSync|readFile|createReadStream|file_get_contents|readlines|slurp)\s*\(\s*""" + _N("path"),
    r"""\b(?:File|IO)\s*\.\s*(?:read|readlines|binread|foreach)\s*\(\s*""" + _N("path"),
    r"""\bopen\s*\(?\s*(?:my\s+)?[\$\w]+\s*,\s*(?:["']<["']\s*,\s*)?""" + _N("path"),
    r"""\bfopen\s*\(\s*""" + _N("path") + r"""\s*,\s*["']r""",
    # more spellings: open(file=P), Path(P).open(), Bun.file(P), Deno.readTextFile(P), php readfile(P)
    r"""\bopen\s*\(\s*file\s*=\s*""" + _N("path"),
    _N("path") + r"""\s*\)?\s*\.\s*open\s*\(\s*(?:["']r[bt]?["']\s*)?\)""",
    r"""\b(?:Bun\s*\.\s*file|Deno\s*\.\s*read(?:Text)?File(?:Sync)?|readfile|io\s*\.\s*open|codecs\s*\.\s*open)\s*\(\s*"""
    + _N("path"),
)]
# code that reads the whole environment (`dict(os.environ)`, `JSON.stringify(process.env)`, perl %ENV,
# ruby ENV.to_h, php getenv()): what it prints may be every secret variable, as `env` prints them
_READS_ENVIRON = lazyre.compile(r"\bos\s*\.\s*environ\b(?!\s*(?:\[|\.\s*(?:get|setdefault|pop)\b))|"
                                r"\bprocess\s*\.\s*env\b(?!\s*(?:\[|\.\s*\w))|%ENV\b|\bENV\s*\.\s*(?:to_h|to_a|each|map|inspect)\b|"
                                r"\bgetenv\s*\(\s*\)|\bDeno\s*\.\s*env\s*\.\s*toObject\b")
# code that loads the project's .env (python-dotenv, the dotenv package)
_LOADS_DOTENV = lazyre.compile(r"\b(?:dotenv_values|load_dotenv)\s*\(\s*\)|\bdotenv\b[^\n]{0,40}\.\s*config\s*\(\s*\)")


def reads_environ(code: str) -> bool:
    """Does the code read the whole environment (`dict(os.environ)`, `JSON.stringify(process.env)`)?"""
    return _READS_ENVIRON.search(code[:64 * 1024]) is not None


def code_reads(language: str, code: str, folded: "str | None" = None) -> list[str]:
    """Files interpreter code reads, by literal (or home-relative) path: `print(open('.env').read())`
    reads .env as `cat .env` does."""
    if language == "awk" and "getline" in code:
        # `getline line < "FILE"`, `while ((getline < "FILE") > 0)`: awk reads FILE
        code = _AWK_HOME.sub('"~', code[:64 * 1024])
        return list(dict.fromkeys(m.group(1) for m in _AWK_GETLINE.finditer(code)
                                  if m.group(1) not in _SINKS and m.group(1) != "-"))[:MAX_EFFECTS]
    if language not in ("python", "node", "perl", "ruby", "php") or not code or not _READ_HINT.search(code):
        return []
    code = normalize_paths(language, code[:64 * 1024], folded if len(code) <= 64 * 1024 else None)
    out: dict[str, None] = {}
    if _LOADS_DOTENV.search(code):
        out[".env"] = None
    for rx in _CODE_READ:
        for m in rx.finditer(code):
            path = _unesc((_group(m, "path") or "").strip())
            if path and path not in _SINKS and "://" not in path and not path.startswith(("<", ">", "|", "+")) \
                    and not path.endswith("|"):
                out[path] = None
    return list(out)[:MAX_EFFECTS]


_AWK_GETLINE = lazyre.compile(r'\bgetline\b[ \t]*(?:[A-Za-z_]\w*(?:\[[^\]]*\])?[ \t]*)?<[ \t]*\(?[ \t]*"([^"]+)"')
_READ_HINT = lazyre.compile(r"open|read|Read|slurp|file_get_contents|foreach|environ|env|ENV|Bun|dotenv")


# a folder's entries listed or walked (literal path) …
_CODE_WALK = lazyre.compile(
    r"""\b(?:os\s*\.\s*(?:walk|fwalk|scandir|listdir)|glob\s*\.\s*i?glob|readdirSync|readdir|opendirSync|walkSync|"""
    r"""Dir\s*\.\s*(?:glob|children|entries|each_child|foreach)|Find\s*\.\s*find|find|opendir|scandir|glob|"""
    r"""RecursiveDirectoryIterator)\s*\(\s*(?:[\w\\]+\s*,\s*|\{[^}]*\}\s*,\s*)?""" + _S
    + r"""|""" + _S + r"""\s*\.\s*(?:rglob|glob|iterdir|walk|each_child|children)\s*\(|\bDir\s*\[\s*""" + _S)
# … and some delete call on what was listed: the folder's contents are deleted
_ANY_DELETE_CALL = lazyre.compile(r"""\b(?:remove|unlink|rmtree|rmdir|removedirs|rmSync|unlinkSync|rimraf|rm_rf|rm_r|rm_f|"""
                                  r"""rm|delete|remove_tree|remove_entry|shred)\s*[(!]|\bunlink\s+[\$@]""")
_WRITE_CALL = lazyre.compile(r"""\.\s*(?:write|puts|print|writelines|syswrite)\s*\(?\s*""" + _S + r"""|\bprint\s+(?:\{\s*\$?\w+\s*\}|\$?[A-Z_]\w*|\$\w+)\s+""" + _S + r"""|\bfwrite\s*\(\s*\$\w+\s*,\s*""" + _S)


# a loop variable's file emptied: opened for writing and closed at once, written empty, truncated to 0
_EMPTIES_EACH = lazyre.compile(
    r"""\bopen\s*\(\s*[\w.$]+\s*,\s*["'][wW]b?["']\s*\)\s*\.\s*close\s*\(|\.\s*write_(?:text|bytes)\s*\(\s*b?(?:''|"")\s*\)|"""
    r"""\b(?:os\s*\.\s*)?truncate(?:Sync)?\s*\(\s*[\w.$]+\s*,\s*0\s*\)|\bwriteFileSync\s*\(\s*[\w.$]+\s*,\s*(?:''|""|``)\s*[,)]|"""
    r"""\bFile\s*\.\s*(?:write|truncate)\s*\(\s*\w+\s*,\s*(?:''|""|0)\s*\)|"""
    r"""\bopen\s*(?:\(\s*)?my\s+\$\w+\s*,\s*["']>["']\s*,\s*\$_\s*\)?\s*;\s*close\b""")
_BARE_GLOB = lazyre.compile(r"""\bglob\s+(?:"([^"\n]+)"|'([^'\n]+)')""")  # perl's `glob "*.txt"` (no parentheses)
# anything that could put text into an opened file (a variable's text, a dump, a copy, a print)
_ANY_OUTPUT = lazyre.compile(r"write|dump|print|put|copy|send|say\b|<<|>>|truncate|pipe|stream", re.I)


def _unesc(s: str) -> str:
    if "\\" not in s:
        return s
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), s)


_LIT_ARG = r"""r?'(?:[^'\\\n]|\\.){0,200}'|r?"(?:[^"\\\n]|\\.){0,200}"|/(?:[^/\\\n]|\\.){0,200}/[a-z]{0,4}|[\w.]{1,64}"""
_REPLACE_CALL = lazyre.compile(r"(?:\.\s*replace(?:All)?|\bre\s*\.\s*sub)\s*\(\s*(?:" + _LIT_ARG + r""")\s*,\s*"""
                               r"""(?:'((?:[^'\\\n]|\\.){0,400})'|"((?:[^"\\\n]|\\.){0,400})")""")

# `p.read_text() + '[gc]\n…'`, `fs.readFileSync(p, 'utf8') + '…'`: the file's text with a literal added
_READ_PLUS = lazyre.compile(r"""\b(?:read_text|read|readFileSync|readFile)\s*\((?:[^()'"]|'[^'\n]{0,200}'|"[^"\n]{0,200}"){0,400}\)\s*\+\s*"""
                            r"""(?:'((?:[^'\\\n]|\\.){0,400})'|"((?:[^"\\\n]|\\.){0,400})")""")


# some file-writing or deleting call is named in the code (most one-liners name none: nothing to do)
# code that opens a file to write or append, or writes one whole (whatever names it)
_OPENS_FOR_WRITE = lazyre.compile(r"""\bopen\s*\(.{0,300}?,\s*(?:mode\s*=\s*)?['"][wax]|\.open\s*\(\s*['"][wax]|"""
                                  r"""write_text|write_bytes|(?:append|write)File(?:Sync)?|File\.(?:write|open\s*\([^)]*['"][wa])|"""
                                  r"""writeTextFile|Bun\.write|OpenFile|WriteFile|os\.Create|\bopen\s+"[^"]*"\s+[wa]\b|"""
                                  r"""\bopen\s*\(\s*\w+\s*,\s*['"]?\+?>|file_put_contents|io\.open\s*\([^)]*['"][wa]""")
_WRITE_FUNC = lazyre.compile(r"\b(?:open|io\.open|codecs\.open|appendFileSync|writeFileSync|appendFile|writeFile|"
                             r"createWriteStream|file_put_contents|fopen|File\.(?:write|open|new)|writeTextFile|Bun\.write|"
                             r"OpenFile|WriteFile|Create)\s*\(")
_TCL_OPEN = lazyre.compile(r"\bopen\s+(\"[^\"\n]{1,512}\"|\S{1,512})\s+[wa]")
_WRITE_METHOD = lazyre.compile(r"\.\s*(?:open\s*\(\s*['\"][wax]|write_text|write_bytes)")


def _write_targets(code: str) -> list[str]:
    """The text naming what code writes: a writing call's first argument (`open(h + '/.bashrc', 'a')`),
    or the expression a path method is called on (`(Path.cwd().parent / '.bashrc').open('a')`)."""
    out: list[str] = []
    for m in list(_WRITE_FUNC.finditer(code))[:32]:
        depth, i, end = 1, m.end(), min(len(code), m.end() + 600)
        start = i
        while i < end and depth:
            c = code[i]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c == "," and depth == 1 and not m.group(0).startswith(("open", "fopen")):
                break  # (perl's `open(F, ">>", PATH)`: an open's path may be any argument)
            i += 1
        out.append(code[start:i])
    for m in list(_WRITE_METHOD.finditer(code))[:32]:
        head = code[max(0, m.start() - 300):m.start()]
        out.append(re.split(r"[;\n]", head)[-1])
    out += [m.group(1) for m in list(_TCL_OPEN.finditer(code))[:32]]  # tcl: `open "$env(HOME)/.bashrc" a`
    return out


_STRING_LIT = lazyre.compile(r"'([^'\n]{1,256})'|\"([^\"\n]{1,256})\"")
_EFFECT_HINT = lazyre.compile(r"open|write|append|File|IO\.|fs\b|fse\b|unlink|Unlink|remove|Remove|trashItem|delete|rmtree|rm_r|rm_f|rmSync|rmdir|rimraf|\brm\(|truncate|"
                              r"cat\(|sink|save|file\.|touch|"
                              r"copy|rename|replace|move|symlink|link|touch|put_contents|emptyDir|output|FileUtils")


_EFFECT_LANGS = frozenset({"python", "node", "perl", "ruby", "php", "r", "julia", "lua", "go", "swift", "tcl"})


def code_effects(language: str, code: str, folded: "str | None" = None) -> list[Effect]:
    """Files interpreter code writes or deletes, with literal (or home-relative) paths. `folded`: the
    code's constant-folded text, when the caller has it."""
    if language == "powershell":
        return (_powershell_deletes(code[:64 * 1024]) + _powershell_writes(code[:64 * 1024]))[:MAX_EFFECTS]
    if language not in _EFFECT_LANGS or not code or not _EFFECT_HINT.search(code):
        return []
    code = normalize_paths(language, code[:64 * 1024], folded if len(code) <= 64 * 1024 else None)
    out: list[Effect] = []
    writes_text = [_unesc(next((g for g in m.groups() if g is not None), "")) for m in _WRITE_CALL.finditer(code)]
    written = "\n".join(t for t in writes_text if t) or None
    # a file rewritten with its text edited (`p.write_text(p.read_text().replace(A, 'B'))`, `re.sub(P, 'B', …)`,
    # `.replace(/A/, 'B')`): what the edit puts in is the replacements
    replaced = "\n".join(_unesc(next(g for g in m.groups() if g is not None))
                         for rx in (_REPLACE_CALL, _READ_PLUS) for m in list(rx.finditer(code))[:16]) or None
    for rx in _CODE_WRITE + _CODE_WRITE_BY_LANG.get(language, []):
        for m in rx.finditer(code):
            path = _group(m, "path")
            if not path or path in _SINKS:
                continue
            d = m.groupdict()
            mode = d.get("mode")
            text = _group(m, "text")
            if text is not None:
                content: str | None = _unesc(text)
            elif d.get("empty") is not None:
                content = ""
            elif mode is not None:
                content = written  # what .write(…) / print F … put in the opened file
                if content is None and mode.strip("bt") in ("w", ">") and not _ANY_OUTPUT.search(code):
                    content = ""  # `open('.env', 'w')` and nothing written: the file is emptied
            else:
                content = None
            if content is None and replaced is not None:
                content = replaced
            append = bool(d.get("append") or d.get("append2") or (mode and ("a" in mode or mode == ">>")))
            out.append(Effect("write", _unesc(path.strip()), content, append))
    for rx, recursive in _CODE_DELETE_BY_LANG.get(language, []) + _CODE_DELETE:
        for m in rx.finditer(code):
            path = _unesc(_lit(m, 1))
            if path:
                out.append(Effect("delete", path, recursive=recursive))
    if _ANY_DELETE_CALL.search(code):
        # `for r, _, fs in os.walk('~'): os.remove(…)`, `Path.home().rglob('*')` + unlink,
        # `fs.readdirSync(home)` + rmSync: whatever the loop does, it deletes in what it walks
        for m in _CODE_WALK.finditer(code):
            path = _unesc(next((g for g in m.groups() if g is not None), ""))
            if path.startswith(("~", "/")):  # (inside the project a loop like this is routine clean-up)
                out.append(Effect("delete", path, recursive=True))
    if _EMPTIES_EACH.search(code):
        # `[open(f,'w').close() for f in glob.glob('*')]`, `for f of readdirSync('.') writeFileSync(f,'')`,
        # `Dir['**/*.rb'].each{|f| File.write(f,'')}`: every file the listing names is emptied
        for m in itertools.chain(_CODE_WALK.finditer(code), _BARE_GLOB.finditer(code)):
            pattern = _unesc(next((g for g in m.groups() if g is not None), ""))
            if pattern and not any(ch in pattern for ch in "*?["):
                pattern = pattern.rstrip("/") + "/*"  # a folder listed: each file in it
            if pattern:
                out.append(Effect("write", pattern, ""))
    if _OPENS_FOR_WRITE.search(code):
        # a guarded file's home-relative name joined to a folder the code computes (`pwd.getpwuid(…).pw_dir
        # + '/.bashrc'`, `Path.cwd().parent / '.bashrc'`, `f'{d}/.ssh/authorized_keys'`): the folder may be
        # the home — written there too
        have = {e.path for e in out}
        for target in _write_targets(code)[:32]:
            for m in list(_STRING_LIT.finditer(target))[:32]:
                name = guarded_home_name(_unesc(m.group(1) or m.group(2) or ""))
                if name and not any(p.endswith(name) for p in have):
                    have.add("~/" + name)
                    out.append(Effect("write", "~/" + name, written, True))
    seen: set[tuple[str, str]] = set()
    uniq = []
    for e in out:
        if (e.kind, e.path) not in seen:
            seen.add((e.kind, e.path))
            uniq.append(e)
    return uniq[:MAX_EFFECTS]

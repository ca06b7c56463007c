"""Interpreter one-liners: find the code (`python -c`, `node -e`, `perl -e` …) and the shell
commands it spawns with literal strings (`os.system("…")`, `child_process.execSync('…')`)."""
from __future__ import annotations

import itertools
import base64
import re
import shlex

from adr import lazyre
from adr.shell.words import code_unescape

# program basename pattern -> (language, flags whose value is code)
_INTERPRETERS: list[tuple[re.Pattern[str], str, frozenset[str]]] = [
    (lazyre.compile(r"(?:python|pypy)[0-9.]*"), "python", frozenset({"-c"})),
    (lazyre.compile(r"(?:node|nodejs|bun|deno|ts-node|tsx|zx|qjs|rhino)"), "node", frozenset({"-e", "--eval", "-p", "--print"})),
    (lazyre.compile(r"perl[0-9.]*"), "perl", frozenset({"-e", "-E"})),
    (lazyre.compile(r"ruby[0-9.]*|irb|jruby|truffleruby"), "ruby", frozenset({"-e"})),
    (lazyre.compile(r"php[0-9.]*"), "php", frozenset({"-r"})),
    (lazyre.compile(r"lua[0-9.]*|luajit|texlua"), "lua", frozenset({"-e"})),
    (lazyre.compile(r"osascript"), "applescript", frozenset({"-e"})),
    (lazyre.compile(r"(?:g|m|n)?awk"), "awk", frozenset()),
    (lazyre.compile(r"tclsh[0-9.]*|wish|expect"), "tcl", frozenset({"-c"})),
    (lazyre.compile(r"jrunscript|jjs|groovy|groovysh|scala|kotlinc|kotlin|jshell|jbang"), "java", frozenset({"-e"})),
    (lazyre.compile(r"scala-cli|amm|ammonite"), "java", frozenset({"-e", "-c", "--execute", "--code"})),
    (lazyre.compile(r"julia"), "julia", frozenset({"-e", "--eval", "-E", "--print"})),
    (lazyre.compile(r"Rscript|R"), "r", frozenset({"-e"})),
    (lazyre.compile(r"pwsh|powershell|powershell\.exe"), "powershell", frozenset({"-c", "-Command", "-command", "-EncodedCommand"})),
    (lazyre.compile(r"go"), "go", frozenset()),
    # compiled languages' runners that read source on stdin (`tcc -run -`, `swift -`): as_command hands
    # a program's source to the shell layer this way, so the script rules read it in its language
    (lazyre.compile(r"rust-script"), "rust", frozenset()),
    (lazyre.compile(r"tcc"), "c", frozenset()),
    (lazyre.compile(r"csi|dotnet-script"), "csharp", frozenset()),
    (lazyre.compile(r"swift"), "swift", frozenset({"-e"})),
    (lazyre.compile(r"zig"), "zig", frozenset()),
    (lazyre.compile(r"dart"), "dart", frozenset()),
    # (single-dash words are whole options for these and "other": `erl -noshell -eval CODE`, `ghc -e EXPR`)
    (lazyre.compile(r"runghc|runhaskell|ghc|ghci"), "haskell", frozenset({"-e"})),
    (lazyre.compile(r"elixir|iex"), "elixir", frozenset({"-e", "--eval"})),
    (lazyre.compile(r"erl|escript"), "erlang", frozenset({"-eval"})),
    # applications with a scripting console on the command line: GIMP's batch commands (Script-Fu, or
    # python-fu-eval with `--batch-interpreter`), Blender's Python expression — read for the commands
    # their calls run, as the unmodelled languages below are
    (lazyre.compile(r"gimp(?:-\d[\d.]*)?|gimp-console(?:-\d[\d.]*)?"), "other", frozenset({"-b", "--batch"})),
    (lazyre.compile(r"blender"), "other", frozenset({"--python-expr"})),
    # languages adr does not model: their command-running calls with string literals are still read
    # (`guile -c '(system "…")'`, `erl -eval 'os:cmd("…")'`, `elixir -e 'System.cmd("rm", [...])'`)
    (lazyre.compile(r"guile|racket|sbcl|clisp|ecl|chez|scheme|crystal|ocaml|gawk-json|"
                r"raku|rakudo|perl6|nim|v|clojure|clj|bb|nbb|janet|fennel|hy|gforth|pike|io|tclkit"), "other",
     frozenset({"-c", "-e", "--eval", "-eval", "-x", "--expr"})),
]
INTERPRETER_LANGS = {"python", "node", "perl", "ruby", "php", "lua", "awk", "applescript", "tcl", "java", "julia", "r",
                     "powershell", "go", "rust", "c", "csharp", "swift", "zig", "dart", "haskell", "elixir", "erlang",
                     "other"}
_WORD_OPTIONS = frozenset({"other", "haskell", "elixir", "erlang"})  # whole-word single-dash options


_ENTRY_MEMO: "dict[str, tuple[str, frozenset[str]] | None]" = {}


def _entry(program: str) -> "tuple[str, frozenset[str]] | None":
    """(language, code flags) of an interpreter program name (memoized: names repeat a lot)."""
    try:
        return _ENTRY_MEMO[program]
    except KeyError:
        pass
    got = next(((lang, flags) for pat, lang, flags in _INTERPRETERS if pat.fullmatch(program)), None)
    if len(_ENTRY_MEMO) < 4096:
        _ENTRY_MEMO[program] = got
    return got


def language_of(program: str) -> str | None:
    e = _entry(program)
    return e[0] if e is not None else None


# options that take the next word as a value, per language (so a value is never taken for a script)
_VALUED = {
    "python": frozenset({"-W", "-X", "--check-hash-based-pycs"}),
    "php": frozenset({"-d", "-c", "-z"}),
    "ruby": frozenset({"-I", "-r", "-E", "--encoding", "-C", "-F", "-K"}),
    "perl": frozenset({"-I", "-M", "-m"}),
    "applescript": frozenset({"-l", "-s"}),  # osascript -l JavaScript -e CODE (JXA), -s FLAGS
    "node": frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
                       "--env-file", "--title", "--input-type", "--stack-size"}),
}


def _cluster_code(arg: str, flags: "frozenset[str] | tuple[str, ...]", valued: "frozenset[str]") -> "str | None":
    """`-Ic'code'`: a few flags, then the code option with its code attached (None: not that)."""
    if len(arg) < 4 or arg[0] != "-" or arg[1] == "-":
        return None
    for k in range(1, min(len(arg) - 1, 6)):
        c = arg[k]
        if not c.isalpha() or ("-" + c) in valued:
            return None
        if ("-" + c) in flags:
            return arg[k + 1:] if k > 1 else None  # (k == 1: the plain attached form, handled before)
    return None


def loads_spelled(lang: str, args: "tuple[str, ...] | list[str]") -> str:
    """The modules the command line loads for inline code (`perl -MLWP::Simple`, `ruby -rnet/http`,
    `node -r mod`) spelled as the code's first lines, as `use`/`require` in it would be: `get(URL)` is a
    request only with LWP::Simple loaded. "" when none."""
    if lang not in _LOAD_FLAGS:
        return ""
    return "".join(_LOAD_SPELLING[lang].format(m) for m in _loaded_modules(lang, tuple(args)))


_LOAD_FLAGS = {"perl": ("-M", "-m"), "ruby": ("-r",), "node": ("-r", "--require")}
_LOAD_SPELLING = {"perl": "use {};\n", "ruby": "require '{}'\n", "node": "require('{}');\n"}


def _loaded_modules(lang: str, args: "tuple[str, ...]") -> list[str]:
    out: list[str] = []
    flags = _LOAD_FLAGS[lang]
    for i, a in enumerate(args[:64]):
        if a in ("-e", "-E", "--eval", "-p", "--print") or a == "--":
            break
        for f in flags:
            if a == f and i + 1 < len(args):
                out.append(args[i + 1])
            elif len(f) == 2 and a.startswith(f) and len(a) > 2:
                out.append(a[2:])
            elif f.startswith("--") and a.startswith(f + "="):
                out.append(a[len(f) + 1:])
    # (perl's `-MMod=a,b` imports names; `-M-Mod` is `no Mod`)
    return [m.split("=", 1)[0] for m in out if m and not m.startswith("-") and re.fullmatch(r"[\w:./@-]+", m.split("=", 1)[0])][:8]


def inline_code(program: str, args: tuple[str, ...]) -> tuple[str, str] | None:
    """(language, code) when argv carries code inline; None when it runs a file or stdin."""
    e = _entry(program)
    if e is None:
        return None
    for lang, flags in (e,):
        if lang == "awk":
            # awk [opts] 'program' [files]: first non-option argument is the program
            i = 0
            while i < len(args):
                a = args[i]
                if a in ("-f",):
                    return None
                if a in ("-F", "-v") and i + 1 < len(args):
                    i += 2
                    continue
                if a.startswith("-") and len(a) > 1:
                    i += 1
                    continue
                return lang, a
            return None
        if lang == "go":
            return None  # go run FILE: the file's content, when the line wrote it (see run_file)
        if lang == "node" and program.startswith("bun") and list(args[:1]) == ["run"]:
            args = tuple(args[1:])  # `bun run --eval CODE` is `bun --eval CODE`
        if lang == "node" and program.startswith("deno") and list(args[:1]) == ["eval"] and len(args) > 1:
            code = next((a for a in args[1:] if not a.startswith("-")), None)
            return (lang, code) if code is not None else None  # deno eval [opts] CODE
        if lang == "powershell":
            encoded = powershell_encoded(args)
            if encoded is not None:
                return lang, encoded
            return _powershell_command(args)
        if lang == "other" and program == "crystal" and list(args[:1]) == ["eval"] and len(args) > 1:
            return lang, args[-1]  # crystal eval CODE
        skip = False
        valued = _VALUED.get(lang, frozenset())
        for i, a in enumerate(args):
            if skip:
                skip = False
                continue
            if a in flags and i + 1 < len(args):
                return lang, args[i + 1]
            if lang in _WORD_OPTIONS:  # (single-dash words are whole options there: `erl -noshell -eval CODE`)
                name, sep, attached = a.partition(":") if a.startswith("--eval:") or a.startswith("-e:") else \
                    a.partition("=")
                if sep and name in flags and attached:
                    return lang, attached  # nim's --eval:CODE, --eval=CODE
                if not a.startswith("-") and program in ("bb", "nbb") and a.lstrip().startswith("("):
                    return lang, a  # babashka takes an expression as its first operand
                if not a.startswith("-") and program == "nim" and i == 0 and a in ("e", "c", "r", "compile", "cc"):
                    continue  # `nim e --eval:CODE`: a command word before the options
                if not a.startswith("-"):
                    return None
                continue
            # combined short flags: python -Sc 'code', perl -we 'code'
            if re.fullmatch(r"-[A-Za-z]{2,4}", a) and ("-" + a[-1]) in flags and i + 1 < len(args):
                return lang, args[i + 1]
            # attached: ruby -e'code', perl -e'code', python -c'code'; after flags: python -Ic'code'
            for f in flags:
                if len(f) == 2 and a.startswith(f) and len(a) > 2:
                    return lang, a[2:]
            code = _cluster_code(a, flags, valued)
            if code:
                return lang, code
            for f in flags:
                if f.startswith("--") and a.startswith(f + "="):
                    return lang, a.split("=", 1)[1]
            if not a.startswith("-"):
                return None  # a script file: code not inline
            if a in valued:
                skip = True  # its value is the next word (`php -d x=1 -r CODE`, `node -r mod -e CODE`)
        return None
    return None


_PS_COMMAND = lazyre.compile(r"(?i)^(?:--?|/)(?:c|com|comm|comma|comman|command)$")
_PS_TAKES_VALUE = lazyre.compile(r"(?i)^(?:--?|/)(?:ex|ep|exec\w*|executionpolicy|w|windowstyle|wd|workingdirectory|o|of|"
                                 r"outputformat|if|inputformat|config\w*|settingsfile|v|version|custompipename)$")


def _powershell_command(args: "tuple[str, ...] | list[str]") -> "tuple[str, str] | None":
    """`pwsh [-NoProfile] [-ExecutionPolicy Bypass] -Command CODE` (options are whole words, any case); a
    first operand or -File is a script file, not inline code."""
    skip = False
    for i, a in enumerate(args):
        if skip:
            skip = False
        elif _PS_COMMAND.match(a):
            return ("powershell", args[i + 1]) if i + 1 < len(args) else None
        elif _PS_TAKES_VALUE.match(a):
            skip = True
        elif not a.startswith(("-", "/")) or a.lower() in ("-file", "-f", "-fi", "-fil"):
            return None
    return None


# PowerShell takes any unambiguous prefix of -EncodedCommand (-e, -ec, -enc …), in any case
_PS_ENCODED = lazyre.compile(r"(?i)^(?:--?|/)(?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|"
                         r"encodedcomma|encodedcomman|encodedcommand)$")


def powershell_encoded(args: "tuple[str, ...] | list[str]") -> "str | None":
    """The command `pwsh -EncodedCommand B64` runs: base64 of UTF-16LE text, decoded (a value that does
    not decode is returned as written, so it is judged and never skipped)."""
    for i, a in enumerate(args[:-1]):
        if _PS_ENCODED.match(a):
            decoded = _ps_base64("".join(args[i + 1].split()))  # (PowerShell ignores whitespace in it)
            return decoded if decoded is not None else args[i + 1]
    return None


def _ps_base64(value: str) -> "str | None":
    """Base64 as PowerShell text: UTF-16LE (what -EncodedCommand and [Text.Encoding]::Unicode take)
    or UTF-8; None when it is not base64 of text."""
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except ValueError:
        return None
    if len(raw) >= 2 and raw[1:2] == b"\0":
        try:
            return raw.decode("utf-16-le")
        except UnicodeDecodeError:
            return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


_PS_FROM_B64 = lazyre.compile(r"(?i)FromBase64String\(\s*['\"]([A-Za-z0-9+/=\s]{8,65536})['\"]\s*\)")
_PS_RUNS_TEXT = lazyre.compile(r"(?i)\b(?:iex|Invoke-Expression|ScriptBlock\]::Create|Invoke-Command)\b")
# a statement's first word that is not an external program: a cmdlet (Verb-Noun), a variable, a type,
# a block, a comment, a keyword
_PS_NOT_PROGRAM = lazyre.compile(r"(?i)^(?:[\w]+-[\w]+|[$\[({@#}]|(?:if|else|elseif|foreach|for|while|do|switch|function|"
                             r"filter|param|return|try|catch|finally|throw|trap|break|continue|begin|process|end|"
                             r"class|enum|using|exit)\b)")
_PS_START_PROCESS = lazyre.compile(r"(?i)\b(?:Start-Process|saps)\s+(?:-FilePath\s+)?(['\"]?)([^\s'\";|]+)\1"
                               r"(?:\s+-(?:ArgumentList|Args)\s+(.{1,4096}))?")


_PS_WEB = lazyre.compile(r"(?i)^(?:Invoke-RestMethod|Invoke-WebRequest|irm|iwr)(?=\s|$)")
_PS_ASSIGNED = lazyre.compile(r"^\$[\w:]{1,64}\s*=\s*")  # `$r = irm …`
_PS_READS_FILE = lazyre.compile(r"(?i)^\(\s*(?:Get-Content|gc|cat|type)\s+(?:-(?:Path|LiteralPath|Raw|Encoding\s+\S+)\s+)*"
                                r"['\"]?([^'\"\s)]{1,1024})['\"]?(?:\s+-Raw)?\s*\)$")
# the web cmdlets' parameters adr maps to curl's (a unique prefix is enough in PowerShell: -Meth, -InF)
_PS_WEB_PARAMS = (("-method", 3, "-X"), ("-custommethod", 3, "-X"), ("-uri", 3, ""), ("-infile", 4, "-T"),
                  ("-outfile", 3, "-o"), ("-body", 2, "--data-binary"), ("-form", 3, "-F"))


def _ps_web_curl(seg: str) -> str:
    """`Invoke-RestMethod -Method Delete -Uri U`, `iwr -Me Put U -InFile F`, `irm U -Body (Get-Content F)`:
    the curl line that makes the same request (the shell layer judges curl's method, upload and URL)."""
    if not _PS_WEB.match(seg):
        return ""
    try:
        words = shlex.split(seg, posix=True)[1:64]
    except ValueError:
        words = seg.split()[1:64]
    out: list[str] = []
    k = 0
    while k < len(words):
        w, _, inline = words[k].partition(":") if words[k].startswith("-") else (words[k], "", "")
        low = w.lower()
        flag = next((f for name, least, f in _PS_WEB_PARAMS if len(low) >= least and name.startswith(low)), None)
        if flag is None and w.startswith("-"):
            k += 1 if inline or low in ("-usebasicparsing", "-passthru", "-skipcertificatecheck") else 2
            continue  # another parameter and its value
        value = inline or (words[k + 1] if flag is not None and k + 1 < len(words) else w)
        k += 1 if inline or flag is None else 2
        while value.startswith("(") and not value.endswith(")") and k < len(words):  # `-Body (Get-Content F)`
            value, k = value + " " + words[k], k + 1
        if flag == "--data-binary":
            m = _PS_READS_FILE.match(value)
            value = "@" + m.group(1) if m else value
        out += [flag, value] if flag else [value]
    return "curl " + " ".join(shlex.quote(x) for x in out) if out else ""


def powershell_commands(code: str) -> list[str]:
    """Shell text a PowerShell script runs as external programs: a statement whose first word is a
    program (`bash -c '…'`, `& 'curl' …`), and `Start-Process PROG -ArgumentList …`."""
    out: list[str] = []
    stmt: list[str] = []
    quote = ""
    statements: list[str] = []
    for ch in code[:65536]:
        if quote:
            stmt.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        if ch in ";\n":
            statements.append("".join(stmt))
            stmt = []
            continue
        stmt.append(ch)
    statements.append("".join(stmt))
    for st in statements[:256]:
        st = st.strip()
        if st.startswith("&") or st.startswith(". "):
            st = st[1:].strip()
        if st and not _PS_NOT_PROGRAM.match(st):
            out.append(st)
        if "|" in st or _PS_WEB.match(_PS_ASSIGNED.sub("", st)):
            out += [c for seg in _PS_ASSIGNED.sub("", st).split("|")[:8] if (c := _ps_web_curl(seg.strip()))]
        m = _PS_START_PROCESS.search(st) if "s" in st.lower() else None  # (one a statement, quotes kept whole)
        if m is None:
            continue
        words = [m.group(2)]
        if m.group(3):
            listed = [_unq(x) for x in _STR_ONLY.finditer(m.group(3))]
            words += listed if len(listed) > 1 else ([listed[0]] if listed else [m.group(3).strip()])
        out.append(words[0] + "".join(" " + (shlex.quote(w) if len(words) > 2 else w) for w in words[1:]))
    return out[:32]


_TIMEIT_VALUED = frozenset({"-n", "--number", "-r", "--repeat", "-u", "--unit", "-s", "--setup"})


def module_code(module: str, args: "tuple[str, ...] | list[str]") -> "tuple[str, str] | None":
    """(language, code) a Python module run by `python -m MODULE ARGS` takes inline: `timeit [-s
    SETUP]… STMT…` runs the setup and the statements. (The shell layer sees MODULE as the program.)"""
    if module in ("pdb", "IPython", "ipython"):
        # pdb runs each `-c` that is not one of its commands as Python (`!stmt` too); IPython's `-c`
        # is Python with `!cmd` lines run by the shell
        cmds = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-c", "--command")]
        lines = [ln for c in cmds for ln in c.split("\n")]
        code = "\n".join(f"__import__('os').system({ln.strip()[1:]!r})" if module != "pdb" and ln.strip().startswith("!")
                         else ln.strip().lstrip("!") for ln in lines)
        return ("python", code) if code.strip() else None
    if module != "timeit":
        return None
    rest = list(args)
    code: list[str] = []
    k = 0
    while k < len(rest):
        a = rest[k]
        if a in ("-s", "--setup") and k + 1 < len(rest):
            code.append(rest[k + 1])
            k += 1
        elif a.startswith("--setup="):
            code.append(a.split("=", 1)[1])
        elif a.startswith("-s") and len(a) > 2:
            code.append(a[2:])
        elif a in _TIMEIT_VALUED:
            k += 1
        elif not a.startswith("-") or a == "-":
            code.append(a)
        k += 1
    return ("python", "\n".join(code)) if code else None


_STR = r"""(?:"((?:[^"\\]|\\.){0,4000})"|'((?:[^'\\]|\\.){0,4000})')"""
_CALL_RE = lazyre.compile(
    r"(?:\b(?:os\.execute|system|exec|execSync|execFile|execFileSync|spawn|spawnSync|popen|popen2|shell_exec|passthru|"
    r"proc_open|check_output|check_call|call|run|Popen|getoutput|getstatusoutput|startfile|"
    r"do\s+shell\s+script|do\s+script|write\s+text|os:cmd|System\.cmd|System\.shell|Sys\.command|shell-command|run-program|"
    r"ext:shell|uiop:run-program|Invoke-Expression|iex|doShellScript|doScript|callCommand|spawnCommand|readProcess|"
    r"readCreateProcess|execCmd|execCmdEx|staticExec|gorgeEx|gorge|execProcess|execShellCmd|startProcess|Process\.run|qx|shell|"
    r"babashka\.process/(?:shell|process|sh)|clojure\.java\.shell/sh)\s*\(?\s*)" + _STR)
# lisps: `(sb-ext:run-program "/bin/sh" (list "-c" "…"))`, `(clojure.java.shell/sh "sh" "-c" "…")`, `(sh "rm" "-rf" …)`
_LISP_CALL_RE = lazyre.compile(
    r"\((?:[\w.-]+[:/])?(?:run-program|sh|shell|process|system\*?|spawn|exec)\s+((?:(?:" + _STR +
    r"|\(\s*list\b|'\(|\(|\[)\s*){1,64})")
# scala's sys.process: `"cmd".!`, `"a" #| "b"`, `Seq("sh", "-c", "…").!`
_SCALA_RUN_RE = lazyre.compile(_STR + r"\s*(?:\.\s*!!?|\.\s*(?:#\||lazyLines|lineStream)|\s#\|)")
# `Seq("sh", "-c", "…").!`, `Process(List("rm", "-rf", …)).!!`: an argv run by sys.process
_SCALA_SEQ_RE = lazyre.compile(r"\b(?:Seq|List|Array|Vector)\s*\(\s*((?:" + _STR + r"\s*,?\s*){1,64})\)\s*\)?\s*\.?\s*"
                           r"(?:!!?|lazyLines|lineStream|run\b|#\|)")
_SCALA_PIPE_RE = lazyre.compile(_STR + r"\s*\.?\s*#\|\s*\(?\s*" + _STR)  # `"a" #| "b"`, `"a".#|("b")`: a | b
_LIST_CALL_RE = lazyre.compile(
    r"\b(?:call|run|Popen|check_output|check_call|spawn|spawnSync|execFile|execFileSync|execv|execvp|execl|execlp|Command|ProcessBuilder|"
    r"System\.cmd|"
    r"system|system2|exec|pcntl_exec|spawnp)"
    # spawn("rm", ["-rf", …]) too; R's system2("rm", c("-rf", …)) (its vector: `c(…)`)
    r"\s*\(\s*(?:\[|c\s*\()?\s*((?:" + _STR + r"\s*,?\s*(?:\[|c\s*\()?\s*){1,64})[\])]?")
# python's os.spawnl*/spawnv*(mode, path, …) and os.posix_spawn[p](path, argv, env): a path, then the argv
_SPAWN_MODE_CALL_RE = lazyre.compile(
    r"\b(?:spawn[lv]p?e?|posix_spawnp?)\s*\(\s*(?:(?:os\s*\.\s*)?P_[A-Z]+\s*,\s*|\d\s*,\s*)?"
    r"((?:" + _STR + r"\s*,?\s*\[?\s*){1,64})")
# perl's and ruby's list form without parentheses: `system "rm", "-rf", $ENV{HOME}`, `exec 'a', 'b'`
_BARE_LIST_CALL_RE = lazyre.compile(
    r"(?<![\w.$@:])(?:Kernel\s*\.\s*)?(?:system|exec|spawn|run|shell)[ \t]+((?:" + _STR + r"[ \t]*,[ \t]*){1,63}" + _STR + r")")
_R_SYSTEM2 = lazyre.compile(r"\bsystem2\s*\(\s*(?:command\s*=\s*)?" + _STR + r"(\s*,\s*(?:args\s*=\s*)?(?:c\s*\()?\s*((?:"
                        + _STR + r"\s*,?\s*){1,64}))?")
# groovy: `"cmd".execute()`, `["sh", "-c", "cmd"].execute()`
_EXECUTE_RE = lazyre.compile(r"(?:\[\s*((?:" + _STR + r"\s*,?\s*){1,64})\]|" + _STR + r")\s*\.\s*execute\s*\(")
_HOME_ARG = lazyre.compile(r"~(?:/[\w.@+-]*)*")
_BACKTICK_RE = lazyre.compile(r"`([^`]{1,4000})`|\bqx\s*[({\[/]([^)}\]/]{1,4000})[)}\]/]|%x\(([^)]{1,4000})\)")
_PTY_RE = lazyre.compile(r"\bpty\.spawn\s*\(\s*" + _STR)
_STR_ONLY = lazyre.compile(_STR)
EXPECT_SPAWN = lazyre.compile(r"\bspawn\s+(?:-\S+\s+)*([^;\n\]]+)")
_EXPECT_SEND = lazyre.compile(r"""\b(?:exp_)?send\s+(?:-\S+\s+)*(?:"((?:[^"\\\n]|\\.){0,4000})"|\{([^{}\n]{0,4000})\}|(\S+))""")
_TCL_ESCAPES = {"r": "\n", "n": "\n", "t": "\t"}


def expect_spawned(code: str) -> list[str]:
    """The commands an expect script spawns, each with what the script types into it (its `send`s
    up to the next spawn) on stdin: `spawn terraform destroy; send "yes\\r"` answers the prompt as
    `printf %s 'yes⏎' | terraform destroy` does; `spawn ssh h; send "rm -rf /\\r"` runs that there."""
    out: list[str] = []
    spawns = list(EXPECT_SPAWN.finditer(code))[:8]
    for k, m in enumerate(spawns):
        end = spawns[k + 1].start() if k + 1 < len(spawns) else len(code)
        typed = ""
        for t in _EXPECT_SEND.finditer(code, m.end(), end):
            if t.group(1) is not None:
                typed += re.sub(r"\\(.)", lambda e: _TCL_ESCAPES.get(e.group(1), e.group(1)), t.group(1))
            else:
                typed += t.group(2) if t.group(2) is not None else t.group(3)
        cmd = m.group(1).strip()
        out.append(f"printf %s {shlex.quote(typed[:8000])} | {cmd}" if typed else cmd)
    return out


_TCL_EXEC_RE = lazyre.compile(r"\bexec\s+((?:[^\n;\]\\{]|\\.|\{[^{}\n]*\})+)")


def _unq(m: "re.Match[str]", a: int = 1, b: int = 2) -> str:
    s = m.group(a) if m.group(a) is not None else (m.group(b) or "")
    return code_unescape(s)


def run_file(program: str, args: "tuple[str, ...] | list[str]") -> str | None:
    """The source file an interpreter or toolchain runs directly: `go run x.go`, `python x.py`,
    `node x.js` — its first file argument (None when it reads stdin or inline code)."""
    if program in ("go", "zig"):  # `go run x.go`, `zig run x.zig`
        if len(args) >= 2 and args[0] == "run":
            return next((a for a in args[1:] if a.endswith("." + program)), None)
        return None
    if program == "dart":  # `dart run x.dart`, `dart x.dart`
        rest = [a for a in args if not a.startswith("-")]
        rest = rest[1:] if rest[:1] == ["run"] else rest
        return rest[0] if rest and rest[0].endswith(".dart") else None
    return None


_EVAL_RE = lazyre.compile(
    r"(?:\b(?:exec|eval|compile|Function|evaluate|instance_eval|class_eval|module_eval|assert)\s*\(\s*|"
    r"\beval\s+|\bnew\s+Function\s*\(\s*(?:" + _STR + r"\s*,\s*)*)" + _STR)


def evaluated_code(language: str, code: str) -> list[str]:
    """Literal strings the code hands back to its own interpreter (`exec("…")`, `eval '…'`,
    `new Function("…")`): more code of the same language."""
    out: list[str] = []
    if language == "powershell" and _PS_RUNS_TEXT.search(code):
        # `iex ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('…')))`: the decoded text runs
        for m in _PS_FROM_B64.finditer(code[:200_000]):
            decoded = _ps_base64("".join(m.group(1).split()))
            if decoded:
                out.append(decoded)
    for m in _EVAL_RE.finditer(code[:200_000]):
        groups = [g for g in m.groups() if g is not None]
        if groups:
            s = groups[-1]
            out.append(code_unescape(s))
        if len(out) >= 8:
            break
    return out


# (the home also as the folder already made it: `$("~")`)
_JULIA_HOME = lazyre.compile(r"""\$\(\s*(?:homedir\(\s*\)|ENV\s*\[\s*"HOME"\s*\]|"~")\s*\)""")
_JULIA_HOME_JOIN = lazyre.compile(r"""\$\(\s*joinpath\(\s*(?:homedir\(\s*\)|"~")\s*,\s*"([^"$()]*)"\s*\)\s*\)""")


def _julia_interpolated(cmd: str) -> str:
    """A Julia command literal as the shell words it runs: `$(homedir())` is the home (and
    `$(joinpath(homedir(), "x"))` a path in it); any other `$(expr)` is a value known only at run
    time — not shell syntax, so left as it is it would not parse at all."""
    cmd = _JULIA_HOME_JOIN.sub(lambda m: "~/" + m.group(1).lstrip("/"), _JULIA_HOME.sub("~", cmd))
    out: list[str] = []
    i = 0
    while i < len(cmd):
        if cmd.startswith("$(", i):
            depth, j = 0, i + 1
            while j < len(cmd):
                depth += {"(": 1, ")": -1}.get(cmd[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append("$JULIA_VALUE")
            i = j + 1
            continue
        out.append(cmd[i])
        i += 1
    return "".join(out)


_DENO_COMMAND = lazyre.compile(r"""\bDeno\s*\.\s*(?:Command\s*\(\s*["'](?P<prog>[^"']+)["']\s*(?:,\s*\{[^}]*?\bargs\s*:\s*\[([^\]]*)\])?|run\s*\(\s*\{[^}]*?\bcmd\s*:\s*\[([^\]]*)\])""")
_JS_SHELL_TEMPLATE = lazyre.compile(r"(?:^|[^\w.$])(?:Bun\s*\.\s*)?\$`([^`]{1,4000})`")
_JS_INTERP = lazyre.compile(r"\$\{[^}]*\}")


# perl's and ruby's other quotes: q{…} qq(…) qx[…] %q{…} %Q(…) → "…" (so the call patterns read them)
_QUOTE_OPS = lazyre.compile(r"""(?<![\w$@%])(?:q[qx]?|%[qQ]?)\s*([{(\[<|/!])""")
_CLOSERS = {"{": "}", "(": ")", "[": "]", "<": ">"}
# awk: ENVIRON["HOME"] is the home; adjacent strings concatenate ("rm -rf " "~")
_AWK_HOME = lazyre.compile(r"""ENVIRON\s*\[\s*"HOME"\s*\]""")
_AWK_ADJACENT = lazyre.compile(r'"((?:[^"\\\n]|\\.)*)"\s+"((?:[^"\\\n]|\\.)*)"')


def _requote(code: str) -> str:
    out, pos = [], 0
    for m in _QUOTE_OPS.finditer(code):
        if m.start() < pos:
            continue
        opener = m.group(1)
        closer = _CLOSERS.get(opener, opener)
        end = code.find(closer, m.end())
        if end < 0 or end - m.end() > 4000:
            continue
        if code.startswith("qx", m.start()) and "`" not in code[m.end():end]:
            out.append(code[pos:m.start()] + "`" + code[m.end():end] + "`")  # qx{…} runs, as `…` does
            pos = end + 1
            continue
        body = code[m.end():end].replace("\\", "\\\\").replace('"', '\\"')
        out.append(code[pos:m.start()] + '"' + body + '"')
        pos = end + 1
    return "".join(out) + code[pos:] if out else code


# Files of an interpreted language known by name, not extension: Ruby DSLs that bundler, CocoaPods,
# Vagrant, fastlane, rake … evaluate as code (`eval(`curl …`)` in a Gemfile runs at `bundle install`)
RUBY_NAMES = frozenset({"Gemfile", "Vagrantfile", "Podfile", "Fastfile", "Appfile", "Guardfile", "Brewfile",
                        "Dangerfile", "Berksfile", "Capfile", "Thorfile", "Puppetfile", "Rakefile"})
RUBY_EXT = frozenset({".gemspec", ".podspec", ".rake", ".ru"})


def named_language(base: str) -> "str | None":
    """The language of a file known by its name (or a DSL's extension): "ruby" or None."""
    return "ruby" if base in RUBY_NAMES or base.endswith(tuple(RUBY_EXT)) else None


# Source files of compiled languages. No shell line runs them; a build tool or the program does (cargo
# runs build.rs at every build), so what they spawn is read as an interpreter's code is.
# script files by extension: the language a file of that name is run as (without a #! line)
SCRIPT_EXT = {".py": "python", ".pyw": "python", ".js": "node", ".mjs": "node", ".cjs": "node", ".ts": "node",
              ".mts": "node", ".cts": "node", ".jsx": "node", ".tsx": "node", ".rb": "ruby", ".pl": "perl",
              ".pm": "perl", ".php": "php", ".lua": "lua", ".sh": "shell", ".bash": "shell", ".zsh": "shell",
              ".ksh": "shell", ".command": "shell", ".ps1": "powershell", ".R": "r", ".r": "r", ".jl": "julia"}
# per script language: the program that runs code of it, and its inline-code option
LANG_RUNNER = {"python": ("python3", "-c"), "node": ("node", "-e"), "perl": ("perl", "-e"), "ruby": ("ruby", "-e"),
               "php": ("php", "-r"), "lua": ("lua", "-e"), "tcl": ("expect", "-c"),  # (expect: Tcl plus spawn/send)
               "powershell": ("pwsh", "-c"), "shell": ("bash", "-c"), "r": ("Rscript", "-e"), "julia": ("julia", "-e")}
SOURCE_EXT = {".rs": "rust", ".go": "go", ".java": "java", ".kt": "java", ".kts": "java", ".scala": "java",
              ".groovy": "java", ".c": "c", ".cc": "c", ".cpp": "c", ".cxx": "c", ".cs": "csharp", ".swift": "swift",
              ".zig": "zig", ".dart": "dart", ".hs": "haskell", ".lhs": "haskell", ".ex": "elixir", ".exs": "elixir",
              ".erl": "erlang", ".escript": "erlang", ".fsx": "csharp"}  # (F# scripts: .NET's Process.Start)
SOURCE_LANGS = frozenset(SOURCE_EXT.values())
# source files of the languages read only for their command-running calls with literals ("other": nim's
# execCmd, crystal's system, ocaml's Sys.command, clojure's (sh …), racket/scheme/lisp's (system …)):
# what a file of one spawns is judged when it is written, as a one-liner of that language would be
OTHER_SOURCE_EXT = {ext: "other" for ext in (".nim", ".nims", ".cr", ".clj", ".cljc", ".bb", ".ml", ".rkt", ".scm",
                                             ".ss", ".lisp", ".cl", ".raku", ".rakumod", ".p6", ".janet", ".fnl", ".hy")}
# MSBuild project files (a solution lists them), and solutions: what `dotnet build|run|test` builds
DOTNET_PROJECTS = (".csproj", ".fsproj", ".vbproj")
DOTNET_SOLUTIONS = (".sln", ".slnx")
# rust: Command::new("sh").arg("-c").args(["…"]) — the program, then every literal its chain passes
_RUST_COMMAND = lazyre.compile(r"\bCommand\s*::\s*new\s*\(\s*" + r"""(?:"((?:[^"\\]|\\.){0,4000})")""" + r"\s*\)")
_RUST_CHAIN = lazyre.compile(r"\s*\.\s*(?:arg|args)\s*\(\s*&?\s*(?:vec!\s*)?(\[[^\]]{0,8000}\]|[^()]{0,4000})\s*\)")
_GO_IMPORTS = lazyre.compile(r"(?m)^\s*import\s*(?:\([^)]{0,8000}\)|\w*\s*\"[^\"\n]*\")")  # ("os/exec" is no exec("…"))
_GO_CONTEXT = lazyre.compile(r"\bCommandContext\s*\(\s*[\w.()]+\s*,\s*")  # exec.CommandContext(ctx, "sh", …)
# syscall.Exec("/bin/sh", []string{"sh", "-c", …}, env), os.StartProcess(path, []string{…}, attr): the argv list
_GO_EXEC = lazyre.compile(r"""\b(?:syscall\s*\.\s*Exec|os\s*\.\s*StartProcess|unix\s*\.\s*Exec)\s*\(\s*[^,()]{0,512},\s*\[\]string\s*\{""")
# zig: std.process.Child.init(&.{"sh", "-c", …}, a), Child.run(.{ .argv = &.{…} }), execv(a, &[_][]const u8{…})
_ZIG_ARGV = lazyre.compile(r"\b(?:Child(?:Process)?\s*\.\s*(?:init|run|exec)|execve?)\s*\([^;]{0,200}?"
                       r"&\s*(?:\.|\[_\]\s*\[\]\s*const\s+u8)\s*\{")
_DART_PROCESS = lazyre.compile(r"\bProcess\s*\.\s*(?:run|runSync|start)\s*\(")
# haskell's System.Process: a program and its argument list (callCommand/system/spawnCommand/shell: _CALL_RE)
_HS_PROCESS = lazyre.compile(r"\b(?:callProcess|readProcess(?:WithExitCode)?|rawSystem|spawnProcess|proc)\s+(?=[\"'])")
# elixir/erlang: `:os.cmd('…')` is erlang's `os:cmd("…")`; a port spawning a command line runs it in a
# shell; `System.cmd "rm", [...]` without parentheses; a port on an executable with its args list
_BEAM_OS_CMD = lazyre.compile(r":os\s*\.\s*cmd\s*\(")
_BEAM_PORT = lazyre.compile(r"\b(?:Port\s*\.\s*open|open_port)\s*\(\s*\{\s*:?spawn\s*,\s*")
_BEAM_EXEC = lazyre.compile(r"\bSystem\s*\.\s*cmd\s+(?=[\"'])")
_BEAM_EXECUTABLE = lazyre.compile(r"\b(?:Port\s*\.\s*open|open_port)\s*\(\s*\{\s*:?spawn_executable\s*,\s*(" + _STR +
                              r")\s*\}\s*,\s*\[[^\[\]\n]{0,200}?\bargs\s*[:,]\s*\[")
_JAVA_ARRAY = lazyre.compile(r"\bnew\s+String\s*\[\s*\]\s*\{")  # exec(new String[]{"sh", "-c", …})
# new ProcessStartInfo { FileName = "/bin/bash", Arguments = "-c …" } (either order)
_CS_INFO = lazyre.compile(r"""\bFileName\s*=\s*"((?:[^"\\\n]|\\.){1,512})"[^;{}]{0,400}?\bArguments\s*=\s*@?"((?:[^"\\]|\\.){0,4000})"|"""
                      r'\bArguments\s*=\s*@?"((?:[^"\\]|\\.){0,4000})"[^;{}]{0,400}?\bFileName\s*=\s*"((?:[^"\\\n]|\\.){1,512})"')
_CS_START = lazyre.compile(r"\bProcess\s*\.\s*Start\s*\(\s*" + r"""(?:"((?:[^"\\]|\\.){0,4000})")""" +
                       r"""\s*,\s*(?:@?"((?:[^"\\]|\\.){0,4000})")""")


_SWIFT_PROCESS = lazyre.compile(r"""(?:executableURL\s*=\s*URL\s*\(\s*fileURLWithPath\s*:\s*"([^"\n]{1,512})"\s*\)|"""
                            r"""launchPath\s*=\s*"([^"\n]{1,512})")[^\[\]]{0,400}?\barguments\s*=\s*\[([^\]]{0,4000})\]""")


def _compiled_spawns(language: str, code: str) -> "tuple[str, list[str]]":
    """The code with its language's spawn spellings put as the shared patterns read them, and the
    command lines only that language spells (rust's builder chain, C#'s Process.Start(prog, args))."""
    out: list[str] = []
    if language == "rust":
        for m in _RUST_COMMAND.finditer(code):
            words, pos = [m.group(1) or ""], m.end()
            while (c := _RUST_CHAIN.match(code, pos)) is not None:
                words += [_unq(x) for x in _STR_ONLY.finditer(c.group(1))]
                pos = c.end()
            out.append(" ".join(shlex.quote(w) if not _HOME_ARG.fullmatch(w) else w for w in words))
    elif language == "go":
        code = _GO_EXEC.sub("Command(", _GO_CONTEXT.sub("Command(", _GO_IMPORTS.sub("", code)))
    elif language == "java":
        code = _JAVA_ARRAY.sub("[", code)
    elif language == "zig":
        code = _ZIG_ARGV.sub("Command(", code)
    elif language == "dart":
        code = _DART_PROCESS.sub("Command(", code)  # Process.run('sh', ['-c', …]) / runSync / start
    elif language == "haskell":
        code = _HS_PROCESS.sub("Command(", code)  # callProcess "rm" ["-rf", …], proc "sh" ["-c", …]
    elif language in ("elixir", "erlang"):
        code = _BEAM_EXEC.sub("Command(", _BEAM_PORT.sub("system(", _BEAM_OS_CMD.sub("os:cmd(", code)))
        code = _BEAM_EXECUTABLE.sub(lambda m: "Command(" + m.group(1) + ", [", code)
    elif language == "swift":
        # Process(): executableURL = URL(fileURLWithPath: "/bin/sh") (or launchPath), then arguments = [...]
        for m in _SWIFT_PROCESS.finditer(code):
            words = [m.group(1) or m.group(2) or ""] + [_unq(x) for x in _STR_ONLY.finditer(m.group(3))]
            out.append(" ".join(shlex.quote(w) if not _HOME_ARG.fullmatch(w) else w for w in words))
    elif language == "csharp":
        out += [f"{m.group(1)} {m.group(2).replace(chr(92) + chr(34), chr(34))}"  # (its args: one command line)
                for m in _CS_START.finditer(code)]
        if "FileName" in code:
            out += [f"{m.group(1) or m.group(4)} {(m.group(2) or m.group(3) or '').replace(chr(92) + chr(34), chr(34))}"
                    for m in _CS_INFO.finditer(code)]
    return code, out


def build_script_commands(language: str, code: str) -> list[str]:
    """What a build script in a compiled language (cargo's build.rs) runs, as command lines (at most 16)."""
    return spawned_commands(language, code)[:16] if can_run_commands(code, language) else []


# What runs a text as a command line, and what fetches a URL's text, in the interpreters adr reads: code
# that hands the one to the other (`os.system(urlopen(URL).read())`, `system(`curl URL`)`, `c =
# requests.get(URL).text; subprocess.run(c, shell=True)`) runs what the server sends, as `$(curl URL)` does.
_FETCH_RUN_LANGS = frozenset({"python", "node", "ruby", "perl", "php", "lua", "other", "java"})
_RUNNER = r"""\b(?:system|popen|execute|exec|execSync|spawnSync|run|call|check_call|check_output|Popen|getoutput|""" \
          r"""getstatusoutput|shell_exec|passthru|proc_open|eval)\s*\(\s*(?:\[\s*)?"""
_FETCH = r"""(?:await\s+)?(?:[\w$]+\s*\.\s*)*(?:urlopen|urlretrieve|get|get_contents|file_get_contents|fetch|open|""" \
         r"""DownloadString|getstore|request)\s*\(\s*(?:URI\s*\(\s*)?["'](?P<url>(?:https?|ftp)://[^"'\s]+)["']"""
_RUN_OF_FETCH = lazyre.compile(_RUNNER + _FETCH)
# `asyncio.run(fetch(URL))`: an event loop runs a coroutine, not a command line
_EVENT_LOOP_RUN = lazyre.compile(r"(?:asyncio|trio|anyio|loop|uvloop|curio)\s*\.\s*run\w*\s*\($")
_RUN_OF_CMD_OUTPUT = lazyre.compile(
    _RUNNER + r"""(?:`(?P<bt>[^`\n]{1,2000})`|(?:[\w$]+(?:\s*\(\s*["'][^"'\n]*["']\s*\))?\s*\.\s*)*"""
              r"""(?:popen|shell_exec|qx|execSync|check_output|getoutput)\s*\(\s*["'](?P<cmd>[^"'\n]{1,2000})["'])""")
# groovy: `new URL(U).text.execute()` runs the text as a command line, `evaluate(new URL(U).text)` as code
_GROOVY_URL_RUN = lazyre.compile(r"""(?P<ev>\bevaluate\s*\(\s*)?\bnew\s+URL\s*\(\s*["'](?P<url>(?:https?|ftp)://[^"'\s]+)["']\s*\)"""
                                 r"""\s*\.\s*(?:text|getText\s*\(\s*\))(?(ev)|\s*\.\s*execute\s*\()""")
_FETCHED_NAME = lazyre.compile(r"""(?:^|[\s;({,])(?:(?:let|const|var|my|local)\s+)?\$?(?P<name>[A-Za-z_]\w*)\s*=\s*""" + _FETCH)
_RUN_OF_NAME = lazyre.compile(_RUNNER + r"""\$?(?P<name>[A-Za-z_]\w*)\s*(?:[),.\]]|\.\s*(?:text|read|decode|body))""")


def fetched_and_run(code: str) -> list[str]:
    """`$(curl -s URL)` for each place the code runs a URL's text as a command line (see above)."""
    out = [f"$(curl -s {shlex.quote(m.group('url'))})" for m in _RUN_OF_FETCH.finditer(code)
           if not _EVENT_LOOP_RUN.search(code[max(0, m.start() - 24):m.start() + 4])]
    out += [f"curl -s {shlex.quote(m.group('url'))} | sh"  # (evaluate: groovy code, as unseen as a script)
            for m in _GROOVY_URL_RUN.finditer(code)]
    for m in _RUN_OF_CMD_OUTPUT.finditer(code):
        inner = m.group("bt") or m.group("cmd") or ""
        if "://" in inner or re.search(r"\b(?:curl|wget2?|fetch|aria2c|http|xh|lwp-request|GET)\b", inner):
            out.append(f"$({inner})")
    fetched = {m.group("name"): m.group("url") for m in _FETCHED_NAME.finditer(code)}
    if fetched:
        for m in _RUN_OF_NAME.finditer(code):
            url = fetched.get(m.group("name"))
            if url:
                out.append(f"$(curl -s {shlex.quote(url)})")
    return list(dict.fromkeys(out))[:8]


def spawned_commands(language: str, code: str) -> list[str]:
    """Shell command lines that the code runs with literal strings."""
    code = code[:200_000]
    out: list[str] = []
    if language in SOURCE_LANGS:
        code, out = _compiled_spawns(language, code)
    if language in ("perl", "ruby") and ("q" in code or "%" in code):
        code = _requote(code)
    elif language == "awk" and '"' in code:
        code = _AWK_HOME.sub('"~"', code)
        for _ in range(8):
            joined = _AWK_ADJACENT.sub(lambda m: '"' + m.group(1) + m.group(2) + '"', code)
            if joined == code:
                break
            code = joined
    if language == "powershell":
        out += powershell_commands(code)
    if language == "r" and "system2" in code:
        # R's system2(command, args) pastes them into one line that a shell runs: args are shell text
        for m in _R_SYSTEM2.finditer(code):
            out.append(" ".join([_unq(m)] + [_unq(x) for x in _STR_ONLY.finditer(m.group(3) or "")]))
    lists = [(m, m.group(1)) for m in _LIST_CALL_RE.finditer(code)]
    if language == "python" and "spawn" in code:
        lists += [(m, m.group(1)) for m in _SPAWN_MODE_CALL_RE.finditer(code)]
    if language in ("perl", "ruby", "other"):  # (raku's `run "sh", "-c", "…"` too)
        lists += [(m, m.group(1)) for m in _BARE_LIST_CALL_RE.finditer(code)]
    for m, listed in lists:
        parts = [_unq(s) for s in _STR_ONLY.finditer(listed)]
        if len(parts) > 2 and _PATH_THEN_ARGV.match(m.group(0)):
            parts = parts[1:]  # execlp("sh", "sh", "-c", …): a path, then the argv (its own argv[0])
        if len(parts) > 1:
            # "~" is the home folded from os.homedir() / expanduser (adr.shell.fold): kept a home
            out.append(" ".join(p if _HOME_ARG.fullmatch(p) else shlex.quote(p) for p in parts))
    for m in _CALL_RE.finditer(code):
        s = _unq(m)
        if s and not any(s in o for o in out):
            out.append(s)
    if language == "other" and "(" in code:
        for m in _LISP_CALL_RE.finditer(code):
            parts = [_unq(x) for x in _STR_ONLY.finditer(m.group(1))]
            if parts and parts[0].rsplit("/", 1)[-1] in ("sh", "bash", "zsh", "dash") or len(parts) > 1:
                out.append(" ".join(p if _HOME_ARG.fullmatch(p) else shlex.quote(p) for p in parts))
    if language == "java" and ("!" in code or "#|" in code):
        out += [_unq(m) for m in _SCALA_RUN_RE.finditer(code)]
        out += [f"{_unq(m)} | {_unq(m, 3, 4)}" for m in _SCALA_PIPE_RE.finditer(code)]
        for m in _SCALA_SEQ_RE.finditer(code):
            parts = [_unq(x) for x in _STR_ONLY.finditer(m.group(1))]
            out.append(" ".join(p if _HOME_ARG.fullmatch(p) else shlex.quote(p) for p in parts))
    for m in _PTY_RE.finditer(code):
        out.append(_unq(m))
    if ".execute" in code:
        for m in _EXECUTE_RE.finditer(code):
            if m.group(1) is not None:
                parts = [_unq(x) for x in _STR_ONLY.finditer(m.group(1))]
                out.append(" ".join(p if _HOME_ARG.fullmatch(p) else shlex.quote(p) for p in parts))
            else:
                out.append(_unq(m, 4, 5))
    if language == "node" and "Deno" in code:
        # Deno.Command("rm", {args: ["-rf", …]}) / Deno.run({cmd: ["rm", …]})
        for m in _DENO_COMMAND.finditer(code):
            listed = m.group(2) if m.group("prog") is not None else m.group(3)
            words = [_unq(x) for x in _STR_ONLY.finditer(listed or "")]
            if m.group("prog") is not None:
                words = [m.group("prog")] + words
            if words:
                out.append(" ".join(p if _HOME_ARG.fullmatch(p) else shlex.quote(p) for p in words))
    if language == "node" and "$`" in code:
        # zx and Bun shell: $`cmd` (and Bun.$`cmd`) runs cmd in a shell
        for m in _JS_SHELL_TEMPLATE.finditer(code):
            out.append(_JS_INTERP.sub("$JS_VALUE", m.group(1)))
    if language in ("perl", "ruby", "php", "shell", "julia"):
        for m in _BACKTICK_RE.finditer(code):
            s = next(g for g in m.groups() if g is not None)
            out.append(_julia_interpolated(s) if language == "julia" else s)
    if "://" in code and language in _FETCH_RUN_LANGS:
        out += fetched_and_run(code)
    if language == "tcl":
        # tcl: `exec prog arg {quoted words} …` up to the end of the command (newline, `;`, `]`)
        for m in _TCL_EXEC_RE.finditer(code):
            words = m.group(1).strip()
            out.append(re.sub(r"\{([^{}]*)\}", lambda w: shlex.quote(w.group(1)), words))
        if "spawn" in code:  # expect: what a script spawns, with what it types into it
            out += expect_spawned(code)
    if language == "awk":
        out = [s for s in out]  # awk system("…") caught by _CALL_RE
    if language in _SWEPT and can_run_commands(code, language):
        # code that can run commands, reaching the call some way the patterns above do not read
        # (`from os import system as s`, getattr(os, 'system'), call_user_func("system", …), a
        # command built into a list first): each string literal that reads as a command line is
        # judged as one — inert text (a message, a path) judges as nothing
        for m in _STR_ONLY.finditer(code):
            lit = _unq(m)
            if len(out) >= 32:
                break
            if 4 <= len(lit) <= 1024 and "\n" not in lit and _COMMANDISH.search(lit) and not any(lit in o for o in out):
                out.append(lit)
    return list(dict.fromkeys(out))[:32]  # (one command found by two readings is judged once)


def can_run_commands(code: str, language: str) -> bool:
    """Does the code name a way to run a command (system, exec*, subprocess, child_process …; backticks
    and qx only where they run one: perl, ruby, php)?"""
    rx = _RUNS_COMMANDS if language in ("perl", "ruby", "php") else _RUNS_CALLS
    return rx.search(code[:200_000]) is not None


_SWEPT = frozenset({"python", "node", "perl", "ruby", "php"})
_PATH_THEN_ARGV = lazyre.compile(r"(?:execl|execv|spawnl|spawnv|posix_spawn)")
_RUNS_COMMANDS = lazyre.compile(
    r"\b(?:system|popen\w*|exec|execl[ep]*|execv[ep]*|exec(?:Sync|File|FileSync)|spawn\w*|posix_spawn\w*|subprocess|"
    r"child_process|Open3|Kernel|IO\.popen|shell_exec|passthru|proc_open|pcntl_exec|call_user_func\w*|public_send|"
    r"__send__|ProcessBuilder|getoutput|check_output|startfile|pty|Command\s*::\s*new|CommandContext|"
    r"Process\s*\.\s*Start|executableURL|launchPath|StartProcess|(?:syscall|unix)\s*\.\s*Exec|"
    # the other languages' spellings _CALL_RE reads (nim, ocaml, haskell, lisps, clojure, the BEAM)
    r"execCmd\w*|execProcess|execShellCmd|startProcess|Sys\s*\.\s*command|callCommand|callProcess|spawnCommand|"
    r"readProcess\w*|readCreateProcess|rawSystem|run-program|shell-command|clojure\.java\.shell|babashka\.process|"
    r"os:cmd|System\s*\.\s*cmd)\b|"
    # a builtin looked up by a computed name (`getattr(__builtins__, 'ex'+'ec')`, `globals()['__builtins__']`,
    # `vars(builtins)[n]`): it may be exec or system
    r"\bgetattr\s*\(\s*(?:__builtins__|builtins|__import__|importlib|os|sys\.modules)|\b(?:globals|vars|locals)\s*\(\s*\w*\s*\)\s*\[|"
    r"__builtins__\s*(?:\[|\.\s*__dict__)|"
    # …in JavaScript: a global or a module looked up by a computed name (`global['ev'+'al']`, `require('child_'+'process')`)
    r"\b(?:global|globalThis|window|self)\s*\[|\[\s*[\"'][^\"'\n]*[\"']\s*\+|\brequire\s*\(\s*[\"'][^\"'\n]*[\"']\s*\+|"
    # …php's variable functions (`$f = 'sys'.'tem'; $f(…)`, `($a[0].$a[1])(…)`), perl's symbolic calls (`&{"…"}(…)`, `&$f(…)`)
    r"\$[A-Za-z_]\w*\s*\(|\)\s*\(\s*[\"']|&\s*\{|&\s*\$[A-Za-z_]|"
    r"\(\s*(?:[\w.-]+/)?sh\s+\"|`|\bqx\b|%x\(")  # (not execute(): SQL)
_RUNS_CALLS = lazyre.compile(_RUNS_COMMANDS.pattern.rsplit("|`|", 1)[0])  # python, node: no backtick commands
# a literal that reads as a command line: a lower-case word (a program; "Delete successful" is a
# message), then arguments or shell syntax
_COMMANDISH = lazyre.compile(r"^\s*[a-z0-9_./~][\w./~-]*(?:\s+\S|\s*[|;&><]|$)")


# how code reads one environment variable, per language ({n}: the name, escaped)
_ENV_READS = {
    "python": (r"""os\s*\.\s*environ\s*\[\s*(["']){n}\1\s*\]""",
               r"""os\s*\.\s*environ\s*\.\s*get\s*\(\s*(["']){n}\1\s*(?:,[^()]*)?\)""",
               r"""os\s*\.\s*getenv\s*\(\s*(["']){n}\1\s*(?:,[^()]*)?\)"""),
    "node": (r"""process\s*\.\s*env\s*\.\s*{n}\b""", r"""process\s*\.\s*env\s*\[\s*(["']){n}\1\s*\]"""),
    "perl": (r"""\$ENV\s*\{{\s*(["']?){n}\1\s*\}}""",),
    "ruby": (r"""ENV\s*\[\s*(["']){n}\1\s*\]""", r"""ENV\s*\.\s*fetch\s*\(\s*(["']){n}\1\s*\)"""),
    "php": (r"""getenv\s*\(\s*(["']){n}\1\s*\)""", r"""\$_ENV\s*\[\s*(["']){n}\1\s*\]"""),
    "lua": (r"""os\s*\.\s*getenv\s*\(\s*(["']){n}\1\s*\)""",),
}


# a one-liner's reads of its own arguments, and the index of the first argument after the code
_ARGV_READS = {
    "python": (r"""(?<![\w.])(?:sys\s*\.\s*)?argv\s*\[\s*(\d)\s*\]""", 1),  # sys.argv[0] is "-c"
    "node": (r"""process\s*\.\s*argv\s*\[\s*(\d)\s*\]""", 1),  # process.argv[0] is node itself
    "perl": (r"""\$ARGV\s*\[\s*(\d)\s*\]""", 0),
    "ruby": (r"""(?<![\w.])ARGV\s*\[\s*(\d)\s*\]""", 0),
    "php": (r"""\$argv\s*\[\s*(\d)\s*\]""", 1),  # $argv[0] is "Standard input code"
    # lua: arg[0] is the script (after `-e`, the first word after the options), arg[1] the next
    "lua": (r"""(?<![\w.])arg\s*\[\s*(\d)\s*\]""", 0),
}


# …and for a script file run with words after it (`node up.js A B`: process.argv[2] is A; lua's arg[1])
_FILE_FIRST = {"node": 2, "lua": 1}
# the whole vector handed on (`subprocess.run(sys.argv[1:])`, `execFileSync(...process.argv.slice(2))`)
_ARGV_VECTOR = {"python": (r"""(?<![\w.])(?:sys\s*\.\s*)?argv\s*\[\s*1\s*:\s*\]""", 1),
                "node": (r"""process\s*\.\s*argv\s*\.\s*slice\s*\(\s*(\d)\s*\)""", None)}


def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_argv_values(language: str, code: str, args: "list[str] | tuple[str, ...]", file: bool = False) -> str:
    """`code` with its reads of its own arguments replaced by them as string literals (`python3 -c
    'shutil.rmtree(sys.argv[1])' ~` removes "~"; `python3 x.py 'CMD'` with `os.system(sys.argv[1])` in
    x.py runs "CMD": `file`). Arguments the shell layer does not know are left."""
    got = _ARGV_READS.get(language)
    if not got or not args or len(code) > 256 * 1024:
        return code
    rx, first = got
    if file:
        first = _FILE_FIRST.get(language, first)
    args = list(args)[:64]

    def lit(m: "re.Match[str]") -> str:
        k = int(m.group(1)) - first
        if k < 0 or k >= len(args) or "$" in args[k] or "`" in args[k]:
            return m.group(0)
        return _literal(args[k])
    code = re.sub(rx, lit, code)
    vec = _ARGV_VECTOR.get(language)
    if vec is not None and all("$" not in a and "`" not in a for a in args):
        def listed(m: "re.Match[str]") -> str:
            start = (int(m.group(1)) - first) if vec[1] is None else 0
            return "[" + ", ".join(_literal(a) for a in args[max(start, 0):]) + "]"
        code = re.sub(vec[0], listed, code)
    return code


_AWK_STRING = lazyre.compile(r'"(?:[^"\\\n]|\\.)*"')


def with_awk_values(code: str, args: "list[str] | tuple[str, ...]", env: "dict[str, str]") -> str:
    """awk code with its `-v NAME=VALUE` variables and `ENVIRON["NAME"]` reads replaced by the values
    as string literals (`awk -v c='rm -rf ~' 'BEGIN{system(c)}'` runs "rm -rf ~")."""
    values: dict[str, str] = {}
    for k, a in enumerate(args):
        pair = args[k + 1] if a in ("-v", "--assign") and k + 1 < len(args) else a[2:] if a.startswith("-v") and "=" in a \
            else a.split("=", 1)[1] if a.startswith("--assign=") else ""
        name, eq, value = pair.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_]\w*", name) and "$" not in value and "`" not in value:
            values[name] = value
    if not values and not env:
        return code
    lit = {n: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for n, v in values.items()}
    envs = {n: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for n, v in env.items()
            if re.fullmatch(r"[A-Za-z_]\w*", n) and "$" not in v and "`" not in v}
    out, last = [], 0
    for m in _AWK_STRING.finditer(code):
        out.append(_awk_names(code[last:m.start()], lit))
        out.append(m.group(0))
        last = m.end()
    out.append(_awk_names(code[last:], lit))
    text = "".join(out)
    for n, v in envs.items():
        text = re.sub(r'ENVIRON\s*\[\s*"' + re.escape(n) + r'"\s*\]', lambda _m, v=v: v, text)
    return text


def _awk_names(part: str, lit: "dict[str, str]") -> str:
    if not lit:
        return part
    return re.sub(r"(?<![\w$])(" + "|".join(re.escape(n) for n in lit) + r")(?![\w(])", lambda m: lit[m.group(1)], part)


def reads_stdin(code: str) -> bool:
    """Does the code read its standard input (the text a here-string or pipe gives it)?"""
    return _STDIN_READS.search(code[:200_000]) is not None


_STDIN_READS = lazyre.compile(r"\bsys\s*\.\s*stdin\b|\binput\s*\(|\braw_input\s*\(|\bprocess\s*\.\s*stdin\b|<STDIN>|"
                          r"\$stdin\b|\bSTDIN\b|\bgets\b|php://stdin|\bfgets\s*\(\s*STDIN|readFileSync\s*\(\s*(?:0|['\"]/dev/stdin)")


def with_env_values(language: str, code: str, env: "dict[str, str]") -> str:
    """`code` with its reads of these environment variables replaced by their values as string
    literals (`H=$HOME python3 -c 'rmtree(os.environ["H"])'` reads "~"). Values the shell layer does not
    know (a `$…` left in them) are left as reads."""
    forms = _ENV_READS.get(language)
    if not forms or not env or len(code) > 256 * 1024:
        return code
    for name, value in list(env.items())[:16]:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or "$" in value or "`" in value or name not in code:
            continue
        lit = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for f in forms:
            code = re.sub(f.format(n=re.escape(name)), lambda m: lit, code)
    return code


# a read of the whole of stdin (or its first line) as one value, per language (with_stdin_value)
_STDIN_VALUE_READS = {
    "python": r"""\bsys\s*\.\s*stdin\s*\.\s*(?:read|readline)\s*\(\s*\)|(?<![\w.])input\s*\(\s*(?:(["'])[^"'\n]{0,200}\1)?\s*\)""",
    "node": r"""\b(?:fs|require\s*\(\s*["']fs["']\s*\))\s*\.\s*readFileSync\s*\(\s*(?:0|["']/dev/stdin["']|process\s*\.\s*stdin\s*\.\s*fd)\s*(?:,[^()]{0,64})?\)(?:\s*\.\s*toString\s*\(\s*\))?""",
    "ruby": r"""\b(?:STDIN|\$stdin)\s*\.\s*(?:read|gets)\b|(?<![\w.])gets\b""",
    "perl": r"""<STDIN>""",
    "php": r"""\bfile_get_contents\s*\(\s*["']php://stdin["']\s*\)|\bfgets\s*\(\s*STDIN\s*\)""",
    "lua": r"""\bio\s*\.\s*read\s*\([^()]{0,32}\)""",
}


def with_stdin_value(language: str, code: str, text: str) -> str:
    """`code` with its reads of stdin replaced by the text the line feeds it, as a string literal
    (`echo CMD | python3 x.py` with `os.system(sys.stdin.read())` in x.py runs "CMD")."""
    rx = _STDIN_VALUE_READS.get(language)
    if rx is None or len(code) > 256 * 1024 or "$" in text or "`" in text:
        return code
    lit = _literal(text[:4096])
    return re.sub(rx, lambda m: lit, code)


# --- imported names spelled out ----------------------------------------------------------------------
# `from os.path import join as j`, `import subprocess as sp`, `const {join: j} = require('path')`,
# `import {execSync as x} from 'child_process'`, `const p = require('path')`, `j = os.path.join`: the
# code calls a module's function by a name of its own. qualify_names() spells each such call with the
# module's own name (`os.path.join(…)`, `subprocess.run(…)`, `path.join(…)`), so folding, the file
# effects and the rules read one spelling.
_PY_MODULES = r"(?:os\.path|os|posixpath|subprocess|shutil|pathlib|pty|socket|base64|codecs|urllib\.request|ctypes|importlib)"
_PY_FROM = lazyre.compile(r"(?:^|(?<=[;\n]))[ \t]*from[ \t]+(" + _PY_MODULES + r")[ \t]+import[ \t]+\(?([\w \t,]+?)\)?[ \t]*(?=$|[;\n#])",
                      re.M)
_PY_IMPORT_AS = lazyre.compile(r"(?:^|(?<=[;\n]))[ \t]*import[ \t]+(" + _PY_MODULES + r")[ \t]+as[ \t]+(\w+)", re.M)
_JS_MODULE = r"""['"](?:node:)?(path|fs|fs/promises|child_process|os)['"]"""
_JS_IMPORT = lazyre.compile(r"""\bimport\s*\{([^{}]{1,400})\}\s*from\s*""" + _JS_MODULE)
# a destructuring declaration's start (its pattern is read by brace matching: `{promises: {writeFile: w}}`)
_JS_PATTERN = lazyre.compile(r"\b(?:const|let|var)\s*\{")
# … and what it destructures: a module (`require('fs')`, `await import('fs')`, `require('fs').promises`) or a
# name the code gave one (`fs`, `p` after `const {promises: p} = require('fs')`, `fs.promises`)
_JS_PATTERN_RHS = lazyre.compile(r"""\s*=\s*(?:(?:require|await\s+import)\s*\(\s*""" + _JS_MODULE
                             + r"""\s*\)|([A-Za-z_$][\w$]*))((?:\s*\.\s*\w+){0,4})\s*(?=[;\n,)]|$)""")
# `const j = require('path').join`
_JS_MEMBER = lazyre.compile(r"""\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\s*\(\s*""" + _JS_MODULE
                        + r"""\s*\)\s*\.\s*(\w+)\s*(?=[;\n]|$)""")
_JS_MODULE_NAME = lazyre.compile(r"""\b(?:const|let|var)\s+(\w+)\s*=\s*require\s*\(\s*""" + _JS_MODULE + r"""\s*\)"""
                             r"""|\bimport\s+(?:\*\s*as\s+)?(\w+)\s+from\s*""" + _JS_MODULE)
_FUNC_ALIAS = lazyre.compile(r"""(?:^|(?<=[;\n{]))\s*(?:(?:const|let|var)\s+)?(\w+)\s*=\s*((?:os\.path|os|posixpath|subprocess|"""
                         r"""shutil|path|fs|child_process)\.\w+)\s*(?=;|\n|$)""")


def _js_module(mod: str) -> str:
    return "fs" if mod == "fs/promises" else mod


def _js_destructured(code: str, modules: "dict[str, str]") -> "list[tuple[int, str, str, bool]]":
    """The names destructuring declarations bind to a module's members, nested and renamed too:
    `const {promises: {writeFile: w}} = require('fs')` → w is fs.promises.writeFile, `const {promises:
    fsp} = require('fs')` → fsp is fs.promises (and a later `const {writeFile} = fsp` reads through it)."""
    out: list[tuple[int, str, str, bool]] = []
    for m in list(_JS_PATTERN.finditer(code))[:16]:
        close = _closing_brace(code, m.end() - 1, 400)
        if close < 0:
            continue
        rhs = _JS_PATTERN_RHS.match(code, close + 1)
        if rhs is None:
            continue
        base = _js_module(rhs.group(1)) if rhs.group(1) else modules.get(rhs.group(2) or "")
        if base is None:
            continue
        base += re.sub(r"\s+", "", rhs.group(3) or "")
        for alias, qualified in _js_pattern(code[m.end():close], base, 0)[:32]:
            # the promise API has fs's own names and effects: one spelling for the rules (`fs.writeFile`)
            qualified = re.sub(r"^fs\.promises(?=\.|$)", "fs", qualified)
            modules.setdefault(alias, qualified)  # `const {writeFile: w} = p` after `{promises: p}`
            out.append((rhs.end(), alias, qualified, True))
    return out


def _closing_brace(text: str, at: int, limit: int) -> int:
    """The offset of the `}` closing the `{` at `at` (-1: none within `limit` characters)."""
    level = 0
    for k in range(at, min(len(text), at + limit)):
        ch = text[k]
        if ch == "{":
            level += 1
        elif ch == "}":
            level -= 1
            if level == 0:
                return k
    return -1


def _js_pattern(body: str, base: str, depth: int) -> "list[tuple[str, str]]":
    """(name bound, member it holds) for an object pattern's body (`promises: {writeFile: w}, join`)."""
    items, level, start = [], 0, 0
    for k, ch in enumerate(body):
        if ch in "{[":
            level += 1
        elif ch in "}]":
            level -= 1
        elif ch == "," and level == 0:
            items.append(body[start:k])
            start = k + 1
    items.append(body[start:])
    out: list[tuple[str, str]] = []
    for item in items[:32]:
        key, colon, value = item.partition(":")
        key, value = key.strip(), value.strip()
        if key.startswith("..."):
            continue  # `...rest`: the other members, by their own names
        key = key.split("=")[0].strip().strip("'\"")
        if not re.fullmatch(r"\w+", key):
            continue
        member = base if key == "default" else f"{base}.{key}"
        if not colon:
            out.append((key, member))
        elif value.startswith("{") and depth < 3:
            end = _closing_brace(value, 0, len(value))
            if end > 0:
                out += _js_pattern(value[1:end], member, depth + 1)
        else:
            alias = value.split("=")[0].strip()
            if re.fullmatch(r"[A-Za-z_$][\w$]*", alias):
                out.append((alias, member))
    return out


def qualify_names(language: str, code: str) -> str:
    """The code with calls through an imported or assigned name of a module function spelled with the
    module's own name (the code itself when there is none)."""
    if language not in ("python", "node") or not code or len(code) > 64 * 1024:
        return code
    renames: list[tuple[int, str, str, bool]] = []  # (from offset, name, qualified, attributes too)
    if language == "python":
        if "import" in code:
            for m in list(_PY_FROM.finditer(code))[:16]:
                for item in m.group(2).split(",")[:16]:
                    words = item.split()
                    if len(words) == 1 or len(words) == 3 and words[1] == "as":
                        renames.append((m.end(), words[-1], f"{m.group(1)}.{words[0]}", True))
            for m in list(_PY_IMPORT_AS.finditer(code))[:16]:
                if m.group(2) != m.group(1):
                    renames.append((m.end(), m.group(2), m.group(1), True))
    else:
        for m in list(_JS_IMPORT.finditer(code))[:16]:
            mod = _js_module(m.group(2))
            for item in m.group(1).split(",")[:32]:
                name, _, alias = re.sub(r"\s+as\s+", ":", item).partition(":")
                name, alias = name.strip(), alias.strip() or name.strip()
                if re.fullmatch(r"\w+", name) and re.fullmatch(r"[\w$]+", alias):
                    renames.append((m.end(), alias, f"{mod}.{name}", True))
        modules = {"path": "path", "fs": "fs", "child_process": "child_process", "os": "os"}
        for m in list(_JS_MODULE_NAME.finditer(code))[:16]:
            alias, mod = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
            mod = _js_module(mod)
            modules[alias] = mod
            if alias != mod:
                renames.append((m.end(), alias, mod, True))
        if "{" in code:
            renames += _js_destructured(code, modules)
        for m in list(_JS_MEMBER.finditer(code))[:16]:
            mod = "fs" if m.group(2) == "fs/promises" else m.group(2)
            renames.append((m.end(), m.group(1), f"{mod}.{m.group(3)}", False))
    for m in list(_FUNC_ALIAS.finditer(code))[:16]:
        renames.append((m.end(), m.group(1), m.group(2), False))
    if not renames:
        return code
    text = code
    for start, name, qualified, attrs in sorted(renames, key=lambda r: -r[0]):
        if name == qualified or not name.isidentifier():
            continue
        head, tail = text[:start], text[start:]
        use = r"(?<![\w.$])" + re.escape(name) + (r"(?=\s*[(.])" if attrs else r"(?=\s*\()")
        text = head + re.sub(use, qualified.replace("\\", ""), tail)
    return text


# --- PATH lookups run from code -------------------------------------------------------------------
# `subprocess.check_output(['which','git']).decode().strip()`, `os.popen('command -v git').read()`,
# `execSync('which git').toString().trim()`, ruby/perl `` `which git` ``: the code asks the shell where
# a program lives, as `shutil.which('git')` does. follow_lookups() spells each such value (and the
# names later holding it) as `shutil.which('git')`, so the in-code rules that read that spelling
# (persistence.path-program-replaced-in-code, self-defense.adr-program-located-in-code) see the
# lookup wherever its answer is handed to a call that writes, moves or removes a file.
CANON_LOOKUP = "shutil.which"
_LOOKUP_WORD = r"(?:g?which|command\s+-[vV]|type\s+-[Pp]|whereis(?:\s+-b)?|hash\s+-t)"
_PROGRAM = r"([\w.+-]{1,64})"
# the lookup as one command string (`'which git'`, `` `which git` ``, `qx(which git)`, `%x(which git)`) …
_LOOKUP_STR = lazyre.compile(r"""(["'`])\s*""" + _LOOKUP_WORD + r"""\s+""" + _PROGRAM + r"""\s*\1"""
                         r"""|\bqx\s*[({\[/]\s*""" + _LOOKUP_WORD + r"""\s+""" + _PROGRAM + r"""\s*[)}\]/]"""
                         r"""|%x\(\s*""" + _LOOKUP_WORD + r"""\s+""" + _PROGRAM + r"""\s*\)""")
# … or as an argv (`['which', 'git']`, `execFileSync('which', ['git'])`, `spawnSync('which', ['git'])`)
_LOOKUP_ARGV = lazyre.compile(r"""\[\s*(["'])(?:g?which|whereis)\1\s*,\s*(?:(["'])-[ab]\2\s*,\s*)?(["'])""" + _PROGRAM
                          + r"""\3\s*\]|(["'])(?:g?which|whereis)\5\s*,\s*\[\s*(["'])""" + _PROGRAM + r"""\6\s*\]""")
# calls whose answer (stdout) is the command's output
_OUTPUT_CALLS = lazyre.compile(r"(?:check_output|run|Popen|getoutput|getstatusoutput|popen|execSync|execFileSync|spawnSync|"
                           r"exec|readpipe|shell_exec|capture2|capture2e|capture3|backtick|communicate)\s*$")
# what turns the answer into the path: `.decode()`, `.strip()`, `.read()`, `.stdout`, `.toString()`,
# `.trim()`, ruby `.chomp`, `.split()[0]`, `.splitlines()[0]`, `[0]`
_CHAIN = lazyre.compile(r"""(?:\s*\.\s*(?:decode|strip|rstrip|lstrip|read|readline|stdout|output|toString|trim|trimEnd|"""
                    r"""trimStart|chomp|chop|split|splitlines|first|last|to_s|to_str)\b(?:\s*\((?:[^()"']|"[^"]*"|'[^']*')*\))?"""
                    r"""|\s*\[\s*-?[01]\s*\])*""")
# direct lookups the rules already read (kept as written, but followed through names)
_LOOKUP_CALL = (r"""(?:shutil\s*\.\s*which|which\s*\.\s*sync|require\s*\(\s*["']which["']\s*\)\s*\.\s*sync|whichSync|"""
                r"""find_executable|File\s*\.\s*which)\s*\(\s*["'][\w.+-]{1,64}["']\s*\)""")
_WRAPPED = lazyre.compile(r"""\b(?:trim|rtrim|chomp|str|String)\s*\(\s*(""" + _LOOKUP_CALL + r""")\s*\)"""
                      r"""|\b[fF]?(["'])\{\s*(""" + _LOOKUP_CALL + r""")\s*\}\2"""
                      r"""|`\$\{\s*(""" + _LOOKUP_CALL + r""")\s*\}`""")
_ASSIGNED = lazyre.compile(r"""(?:^|[;\n{(]|\b(?:my|our|local|const|let|var)\b)\s*([$]?[A-Za-z_]\w*)\s*=\s*(""" + _LOOKUP_CALL
                       + r""")(?=\s*(?:[;\n)}]|$))""")
_MAX_LOOKUPS = 8
# the folder a lookup's answer lies in (`os.path.dirname(L)`, `path.dirname(L)`, `Path(L).parent`,
# `File.dirname(L)`, perl `dirname(L)`, `os.path.split(L)[0]`) — spelled `os.path.dirname(L)` …
_DIR_OF = lazyre.compile(r"""(?:(?:\b(?:os\s*\.\s*path|posixpath|path|File)|\brequire\s*\(\s*["'](?:node:)?path["']\s*\))\s*\.\s*dirname|(?<![\w.])dirname)\s*\(\s*("""
                     + _LOOKUP_CALL + r""")\s*\)"""
                     r"""|\b(?:pathlib\s*\.\s*)?Path\s*\(\s*(""" + _LOOKUP_CALL + r""")\s*\)\s*\.\s*parent\b(?!\s*\.\s*parent)"""
                     r"""|\b(?:os\s*\.\s*path|posixpath)\s*\.\s*split\s*\(\s*(""" + _LOOKUP_CALL + r""")\s*\)\s*\[\s*0\s*\]""")
_DIR_CALL = r"""os\.path\.dirname\((""" + _LOOKUP_CALL + r""")\)"""
_DIR_ASSIGNED = lazyre.compile(r"""(?:^|[;\n{(]|\b(?:my|our|local|const|let|var)\b)\s*([$]?[A-Za-z_]\w*)\s*=\s*(""" + _DIR_CALL
                           + r""")(?=\s*(?:[;\n)}]|$))""")
# … and a file named in that folder (`os.path.join(D, 'git')`, `path.join(D, 'git')`, `D + '/git'`,
# f'{D}/git', `${D}/git`, `D / 'git'`, `D.joinpath('git')`, `Path(L).with_name('git')`): the program
# that name finds on PATH, spelled `shutil.which('git')` for the in-code lookup rules
_NAME_Q = r"""(?P<q>["'])/?(?P<n>[\w.+-]{1,64})(?P=q)"""
_DIR_NC = r"""os\.path\.dirname\(""" + _LOOKUP_CALL + r"""\)"""
# the same file by another spelling: `os.path.realpath(L)`, `abspath`, `normpath`, `fs.realpathSync(L)`,
# `path.resolve(L)`, `Path(L).resolve()` / `.absolute()` (a link's target is the program it runs)
_SAME_FILE = lazyre.compile(r"""\b(?:os\s*\.\s*path\s*\.\s*(?:realpath|abspath|normpath)|(?:fs\s*\.\s*)?realpathSync(?:\s*\.\s*native)?|"""
                        r"""path\s*\.\s*(?:resolve|normalize))\s*\(\s*(""" + _LOOKUP_CALL + r""")\s*\)"""
                        r"""|\b(Path\s*\(\s*""" + _LOOKUP_CALL + r"""\s*\))\s*\.\s*(?:resolve|absolute)\s*\(\s*\)""")
_PARENED_PATH = lazyre.compile(r"""\(\s*(Path\(""" + _LOOKUP_CALL + r"""\))\s*\)""")
_IN_DIR = tuple((lazyre.compile(p), "Path(%s)" if k >= 5 else "%s") for k, p in enumerate((
    r"""\b(?:os\s*\.\s*path|posixpath|path|File)\s*\.\s*(?:join|resolve)\s*\(\s*""" + _DIR_NC + r"""\s*,\s*""" + _NAME_Q
    + r"""\s*\)""",
    _DIR_NC + r"""\s*(?:\+|\.)\s*(?P<q>["'])/(?P<n>[\w.+-]{1,64})(?P=q)""",
    _DIR_NC + r"""\s*\+\s*(?:os\s*\.\s*sep|path\s*\.\s*sep|(?P<q0>["'])/(?P=q0))\s*\+\s*(?P<q>["'])(?P<n>[\w.+-]{1,64})(?P=q)""",
    r"""\b[fF]?(?P<q>["'])\{\s*""" + _DIR_NC + r"""\s*\}/(?P<n>[\w.+-]{1,64})(?P=q)""",
    r"""`\$\{\s*""" + _DIR_NC + r"""\s*\}/(?P<n>[\w.+-]{1,64})`""",
    r"""\b(?:pathlib\s*\.\s*)?Path\s*\(\s*""" + _DIR_NC + r"""\s*\)\s*(?:/\s*""" + _NAME_Q
    + r"""|\.\s*joinpath\s*\(\s*""" + _NAME_Q.replace("<q>", "<q2>").replace("=q)", "=q2)").replace("<n>", "<n2>")
    + r"""\s*\))""",
    _DIR_NC + r"""\s*(?:/\s*""" + _NAME_Q + r"""|\.\s*joinpath\s*\(\s*"""
    + _NAME_Q.replace("<q>", "<q2>").replace("=q)", "=q2)").replace("<n>", "<n2>") + r"""\s*\))""",
    r"""\b(?:pathlib\s*\.\s*)?Path\s*\(\s*""" + _LOOKUP_CALL + r"""\s*\)\s*\.\s*with_name\s*\(\s*""" + _NAME_Q
    + r"""\s*\)""",
)))  # (the pathlib forms stay a Path: `(Path(L).parent / 'git').write_text(…)`)


def _call_start(code: str, open_at: int) -> int:
    """Where the call whose `(` is at open_at starts, with its receiver (`subprocess.`,
    `require('child_process').`, `cp.`): the whole expression is replaced."""
    k = open_at
    while True:
        m = re.search(r"""(?:require\s*\(\s*["'][\w:/.-]+["']\s*\)|[\w$]+)\s*$""", code[:k])
        if not m:
            return k
        k = m.start()
        dot = re.search(r"\.\s*$", code[:k])
        if not dot:
            return k
        k = dot.start()


def _close(code: str, open_at: int) -> int:
    """Index after the parenthesis matching code[open_at] (strings skipped), or -1."""
    depth, i, n = 0, open_at, min(len(code), open_at + 4000)
    while i < n:
        c = code[i]
        if c in "\"'`":
            j = code.find(c, i + 1)
            while j > 0 and code[j - 1] == "\\":
                j = code.find(c, j + 1)
            if j < 0:
                return -1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _enclosing_open(code: str, at: int) -> int:
    """Index of the nearest unclosed `(` before `at`, or -1."""
    depth = 0
    for i in range(at - 1, max(-1, at - 400), -1):
        c = code[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth == 0:
                return i if c == "(" else (-1 if c == "{" else _enclosing_open(code, i))
            depth -= 1
    return -1


def follow_lookups(language: str, code: str) -> str:
    """The code with each PATH lookup it runs as a command — and each later use of a name assigned
    one — spelled `shutil.which('NAME')` (the code itself when there is none). Only a rewritten text
    for the rules to read: `os.remove(os.popen('which node').read().strip())` reads as
    `os.remove(shutil.which('node'))`, `p = `which git`.strip; File.write(p, …)` as
    `File.write(shutil.which('git'), …)`."""
    if language not in _SWEPT or not code or len(code) > 64 * 1024 or not re.search(
            r"which|command\s+-[vV]|type\s+-[Pp]|whereis|hash\s+-t|find_executable", code):
        return code
    text, pos = code, 0
    for _ in range(2 * _MAX_LOOKUPS):
        found = [m for m in (_LOOKUP_STR.search(text, pos), _LOOKUP_ARGV.search(text, pos)) if m]
        if not found:
            break
        m = min(found, key=lambda f: f.start())
        name = next(g for g in m.groups() if g and g not in "\"'`" and not g.startswith("-"))
        start, end = m.start(), m.end()
        if not m.group(0).startswith(("`", "qx", "%x")):  # (backticks, qx, %x: the literal is the output)
            open_at = _enclosing_open(text, start)
            close = _close(text, open_at) if open_at >= 0 and _OUTPUT_CALLS.search(text[:open_at]) else -1
            if close < 0:
                pos = end  # a lookup not run for its output (`os.system('which git')`): left alone
                continue
            start, end = _call_start(text, open_at), close
        chain = _CHAIN.match(text, end)
        end += len(chain.group(0)) if chain else 0
        canon = f"{CANON_LOOKUP}('{name}')"
        text = text[:start] + canon + text[end:]
        pos = start + len(canon)
    text = _WRAPPED.sub(_unwrap, text)
    text = _SAME_FILE.sub(lambda m: m.group(1) or m.group(2), text)
    # names assigned a lookup (`p = shutil.which('git')`): later uses read the lookup
    for a in list(_ASSIGNED.finditer(text))[:_MAX_LOOKUPS]:
        text = _spelled_at_uses(text, a)
        # (a name now spelling a lookup inside an f-string or template: the lookup itself)
        text = _WRAPPED.sub(_unwrap, text)
        text = _SAME_FILE.sub(lambda m: m.group(1) or m.group(2), text)
    return _in_lookup_dir(text)


def _spelled_at_uses(text: str, a: "re.Match[str]") -> str:
    """`NAME = VALUE` (groups 1 and 2 of `a`): NAME's uses after it, up to its next assignment,
    spelled as VALUE."""
    var, value = a.group(1), a.group(2)
    head, tail = text[:a.end()], text[a.end():]
    again = re.search(r"(?<![\w.$])" + re.escape(var) + r"\s*=(?!=)", tail)
    scope, rest = (tail[:again.start()], tail[again.start():]) if again else (tail, "")
    use = re.compile(r"(?<![\w.$@%'\"/\\-])" + re.escape(var) + r"(?![\w'\"/-])(?!\s*=(?!=))(?!\s*:[^:])")
    return head + use.sub(lambda _m: value, scope) + rest


def _in_lookup_dir(text: str) -> str:
    """`shutil.copy(x, os.path.join(os.path.dirname(shutil.which('git')), 'git'))`, `d =
    path.dirname(L); fs.writeFileSync(path.join(d, 'git'), …)`: a file named in the folder a lookup
    found a program in is the program of that name on PATH — spelled `shutil.which('NAME')`."""
    text = _DIR_OF.sub(lambda m: f"os.path.dirname({next(g for g in m.groups() if g)})", text)
    if "os.path.dirname(" not in text and "with_name" not in text:
        return text
    for a in list(_DIR_ASSIGNED.finditer(text))[:_MAX_LOOKUPS]:
        text = _spelled_at_uses(text, a)
    for rx, form in _IN_DIR:
        text = rx.sub(lambda m: form % f"{CANON_LOOKUP}('{m.groupdict().get('n') or m.group('n2')}')", text)
    return _PARENED_PATH.sub(r"\1", text)  # `(Path(L).parent / 'git').write_text(…)`


def _unwrap(w: "re.Match[str]") -> str:
    """`trim(L)`, `str(L)`, `f'{L}'`, `` `${L}` `` of a lookup L: the lookup's own answer."""
    return next(g for g in (w.group(1), w.group(3), w.group(4)) if g)


# --- run calls handed a boolean or conditional expression ---------------------------------------------
# `exec(x or b64decode(P))`, `eval(1 && atob(P))`, `exec(b64decode(P) if c else '')`, `eval(c ? atob(P) :
# '')`, `(0, atob)(P)`: the value a run call gets is one of the operands, which one is known only when
# it runs. unwrap_run_args() adds, after the code, the call once per operand (`exec(b64decode(P))`), so
# the rules on what a run call is handed (decoded text, a download …) read each possibility.
_RUN_CALL = lazyre.compile(r"(?<![\w$.])(?:(?:os|vm|subprocess|child_process|cp|require\s*\(\s*['\"](?:node:)?child_process['\"]\s*\))"
                       r"\s*\.\s*)?(exec|eval|compile|Function|execSync|spawnSync|execFileSync|system|popen|run|call|"
                       r"check_output|Popen|getoutput|runInThisContext|runInNewContext|setTimeout|setInterval|"
                       r"shell_exec|passthru|instance_eval|class_eval)\s*\(")
_BOOL_HINT = lazyre.compile(r"&&|\|\||\?\?|\band\b|\bor\b|\bif\b|\?")
_INDIRECT = lazyre.compile(r"\(\s*(?:0|void\s+0|null|1|''|\"\")\s*,\s*([A-Za-z_$][\w$.]{0,64})\s*\)\s*\(")
_MAX_UNWRAPPED = 32


def unwrap_run_args(language: str, code: str) -> str:
    """The code with, appended, each run call's boolean/conditional argument split into one call per
    operand, and `(0, f)(x)` read as `f(x)` (the code itself when there is none)."""
    if language not in _SWEPT or not code or len(code) > 64 * 1024:
        return code
    text = _INDIRECT.sub(lambda m: m.group(1) + "(", code) if "," in code else code
    extra: list[str] = []
    if _BOOL_HINT.search(text):
        for m in itertools.islice(_RUN_CALL.finditer(text), _MAX_UNWRAPPED):
            arg = _call_arg(text, m.end())
            if arg is None or not _BOOL_HINT.search(arg):
                continue
            parts = _operands(arg, language)
            if len(parts) > 1:
                head = text[m.start():m.end()]
                extra += [f"{head}{p})" for p in parts if p and not _INERT.fullmatch(p)][:8]
    if not extra:
        return text
    return text + "\n" + "\n".join(dict.fromkeys(extra))


_INERT = lazyre.compile(r"(?:[\d.]+|None|True|False|true|false|null|undefined|nil|''|\"\"|``|\[\]|\{\})")


def _call_arg(text: str, at: int) -> "str | None":
    """The first argument of the call whose `(` ends at `at` (None: not closed within 2,000 characters)."""
    arg, closed = first_argument(text, at, 2000)
    return arg if closed else None


def first_argument(text: str, at: int = 0, limit: int = 2000, stops: str = ",") -> "tuple[str, bool]":
    """The call argument that starts at `at`: up to the first of `stops` or the bracket that closes
    the call, at depth 0 and outside string literals; with whether one was found within `limit`
    characters (the text up to the limit otherwise)."""
    depth, quote, k = 0, "", at
    end = min(len(text), at + limit)
    while k < end:
        ch = text[k]
        if quote:
            if ch == "\\":
                k += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return text[at:k], True
            depth -= 1
        elif ch in stops and depth == 0:
            return text[at:k], True
        k += 1
    return text[at:end], False


_SPLIT_PY = lazyre.compile(r"\s+(?:and|or|if|else)\s+|^\s*not\s+")
_SPLIT_JS = lazyre.compile(r"&&|\|\||\?\?|\?(?![.?])|:(?!:)|\band\b|\bor\b|\bnot\b|\bunless\b|\bif\b|\belse\b|!(?!=)")


def _operands(expr: str, language: str, depth: int = 0) -> "list[str]":
    """The operands of a boolean/conditional expression at its top level (`a and b(c)` → a, b(c);
    `c ? x : y` → c, x, y), each unwrapped of enclosing parentheses and split again."""
    expr = expr.strip()
    while expr.startswith("(") and _call_arg(expr, 1) == expr[1:-1] and expr.endswith(")"):
        expr = expr[1:-1].strip()
    rx = _SPLIT_PY if language == "python" else _SPLIT_JS
    parts, depth_, quote, start, k = [], 0, "", 0, 0
    while k < len(expr):
        ch = expr[k]
        if quote:
            if ch == "\\":
                k += 1
            elif ch == quote:
                quote = ""
            k += 1
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth_ += 1
        elif ch in ")]}":
            depth_ -= 1
        elif depth_ == 0:
            glued = (ch.isalpha() or ch == "_") and k and (expr[k - 1].isalnum() or expr[k - 1] in "_$.")
            m = None if glued else rx.match(expr, k)
            if m and m.end() > k:
                parts.append(expr[start:k])
                start = k = m.end()
                continue
        k += 1
    parts.append(expr[start:])
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) <= 1 or depth >= 3:
        return parts
    out: list[str] = []
    for p in parts[:8]:
        out += _operands(p, language, depth + 1)
    return out

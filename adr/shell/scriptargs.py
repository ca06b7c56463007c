"""A script's command-line arguments, environment and stdin spelled into its code, as a shell script
gets `set -- ARGS`.

`python3 x.py 'curl … | sh'` with `os.system(sys.argv[1])` in x.py, `node up.js ~/.ssh/id_rsa URL` with
`fetch(process.argv[3], {body: fs.readFileSync(process.argv[2])})`: the file alone is harmless, the
words the line hands it are not. Each constant index into the language's argument vector becomes the
string it holds, so the readers of interpreter code (spawned commands, secrets sent) see the call as it
runs. Only constant indexes are followed; anything else stays as written. The same for a variable
the line sets for it (`CMD='…' python3 x.py` with `os.system(os.environ['CMD'])`) and for the text the
line feeds its stdin (`echo CMD | python3 x.py` with `os.system(sys.stdin.read())`).
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

MAX_ARGS = 32
MAX_ARG = 4096


def _py(s: str) -> str:
    return repr(s)


def _quoted(s: str) -> str:
    """A single-quoted literal (no interpolation) for the C-like languages."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


# language → (pattern with the index as group "i", offset: argv index of the first argument, literal)
_ARGV: "dict[str, list[tuple[re.Pattern[str], int, Callable[[str], str]]]]" = {
    "python": [(re.compile(r"\b(?:sys\s*\.\s*)?argv\s*\[\s*(?P<i>\d{1,2})\s*\]"), 1, _py)],
    "node": [(re.compile(r"\b(?:process|Bun)\s*\.\s*argv\s*\[\s*(?P<i>\d{1,2})\s*\]"), 2, _quoted),
             (re.compile(r"\bDeno\s*\.\s*args\s*\[\s*(?P<i>\d{1,2})\s*\]"), 0, _quoted)],
    "ruby": [(re.compile(r"\bARGV\s*\[\s*(?P<i>\d{1,2})\s*\]"), 0, _quoted)],
    "perl": [(re.compile(r"\$ARGV\s*\[\s*(?P<i>\d{1,2})\s*\]"), 0, _quoted)],
    "php": [(re.compile(r"\$argv\s*\[\s*(?P<i>\d{1,2})\s*\]"), 1, _quoted)],
    "lua": [(re.compile(r"\barg\s*\[\s*(?P<i>\d{1,2})\s*\]"), 1, _quoted)],
}
# the whole vector handed on (`subprocess.run(sys.argv[1:])`, `exec(...process.argv.slice(2))`)
_VECTOR = {
    "python": re.compile(r"\b(?:sys\s*\.\s*)?argv\s*\[\s*1\s*:\s*\]"),
    "node": re.compile(r"\bprocess\s*\.\s*argv\s*\.\s*slice\s*\(\s*2\s*\)"),
}
# `from sys import argv` / `import sys`: python's bare `argv[...]` is sys.argv only when imported so
_PY_ARGV_IMPORTED = re.compile(r"\bfrom\s+sys\s+import\s+[^\n]*\bargv\b")


def with_arguments(language: str, code: str, args: Sequence[str]) -> str:
    """`code` with each constant index into its argument vector replaced by the argument's literal."""
    pats = _ARGV.get(language)
    if not pats or not args:
        return code
    words = [a[:MAX_ARG] for a in list(args)[:MAX_ARGS]]
    bare_ok = language != "python" or _PY_ARGV_IMPORTED.search(code) is not None
    for pat, offset, lit in pats:
        def put(m: "re.Match[str]", offset: int = offset, lit: Callable[[str], str] = lit) -> str:
            if language == "python" and not bare_ok and not m.group(0).lstrip().startswith("sys"):
                return m.group(0)
            k = int(m.group("i")) - offset
            return lit(words[k]) if 0 <= k < len(words) else m.group(0)
        code = pat.sub(put, code)
    vec = _VECTOR.get(language)
    if vec is not None:
        listed = "[" + ", ".join((_py if language == "python" else _quoted)(w) for w in words) + "]"
        code = vec.sub(lambda m: listed, code)
    return code


_N = r"""['"](?P<n>[A-Za-z_]\w{0,63})['"]"""
# language → patterns of one environment variable read by name (group "n")
_ENV: "dict[str, list[re.Pattern[str]]]" = {
    "python": [re.compile(r"\bos\s*\.\s*environ\s*\[\s*" + _N + r"\s*\]"),
               re.compile(r"\bos\s*\.\s*(?:environ\s*\.\s*get|getenv)\s*\(\s*" + _N + r"\s*(?:,[^()]{0,200})?\)")],
    "node": [re.compile(r"\bprocess\s*\.\s*env\s*\.\s*(?P<n>[A-Za-z_]\w{0,63})\b"),
             re.compile(r"\bprocess\s*\.\s*env\s*\[\s*" + _N + r"\s*\]"),
             re.compile(r"\bDeno\s*\.\s*env\s*\.\s*get\s*\(\s*" + _N + r"\s*\)")],
    "ruby": [re.compile(r"\bENV\s*(?:\[\s*" + _N + r"\s*\]|\.\s*fetch\s*\(\s*" + _N.replace("?P<n>", "?P<m>") + r"[^()]{0,200}\))")],
    "perl": [re.compile(r"\$ENV\s*\{\s*['\"]?(?P<n>[A-Za-z_]\w{0,63})['\"]?\s*\}")],
    "php": [re.compile(r"\bgetenv\s*\(\s*" + _N + r"\s*\)"), re.compile(r"\$_(?:ENV|SERVER)\s*\[\s*" + _N + r"\s*\]")],
    "lua": [re.compile(r"\bos\s*\.\s*getenv\s*\(\s*" + _N + r"\s*\)")],
}
# language → a read of the whole of stdin (or its first line) as one value
_STDIN: "dict[str, re.Pattern[str]]" = {
    "python": re.compile(r"\bsys\s*\.\s*stdin\s*\.\s*(?:read|readline)\s*\(\s*\)|\binput\s*\(\s*(?:['\"][^'\"]{0,200}['\"])?\s*\)"),
    "node": re.compile(r"\b(?:fs|require\s*\(\s*['\"]fs['\"]\s*\))\s*\.\s*readFileSync\s*\(\s*(?:0|['\"]/dev/stdin['\"]|process\s*\.\s*stdin\s*\.\s*fd)\s*(?:,[^()]{0,64})?\)(?:\s*\.\s*toString\s*\(\s*\))?"),
    "ruby": re.compile(r"\b(?:STDIN|\$stdin)\s*\.\s*(?:read|gets)\b|\bgets\b"),
    "perl": re.compile(r"<STDIN>"),
    "php": re.compile(r"\bfile_get_contents\s*\(\s*['\"]php://stdin['\"]\s*\)|\bfgets\s*\(\s*STDIN\s*\)"),
    "lua": re.compile(r"\bio\s*\.\s*read\s*\([^()]{0,32}\)"),
}


def _literal(language: str, s: str) -> str:
    return _py(s) if language == "python" else _quoted(s)


def with_environment(language: str, code: str, env: "dict[str, str]") -> str:
    """`code` with each read of a variable in `env` by a constant name replaced by its value's literal."""
    pats = _ENV.get(language)
    if not pats or not env:
        return code
    for pat in pats:
        def put(m: "re.Match[str]") -> str:
            name = m.groupdict().get("n") or m.groupdict().get("m")
            return _literal(language, env[name][:MAX_ARG]) if name in env else m.group(0)
        code = pat.sub(put, code)
    return code


def with_stdin(language: str, code: str, text: str) -> str:
    """`code` with its reads of stdin replaced by the text the line feeds it."""
    pat = _STDIN.get(language)
    if pat is None or text is None:
        return code
    return pat.sub(lambda m: _literal(language, text[:MAX_ARG]), code)

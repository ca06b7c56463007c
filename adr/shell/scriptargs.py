"""A script's command-line arguments spelled into its code, as a shell script gets `set -- ARGS`.

`python3 x.py 'curl … | sh'` with `os.system(sys.argv[1])` in x.py, `node up.js ~/.ssh/id_rsa URL` with
`fetch(process.argv[3], {body: fs.readFileSync(process.argv[2])})`: the file alone is harmless, the
words the line hands it are not. Each constant index into the language's argument vector becomes the
string it holds, so the readers of interpreter code (spawned commands, secrets sent) see the call as it
runs. Only constant indexes are followed; anything else stays as written.
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

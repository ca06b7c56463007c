"""Does code hand a decoded blob to a shell? (content.code-runs-decoded-command, content.py-exec-with-decoder)

A file that decodes base64 somewhere and runs a command somewhere else is everyday code (a JWT's
claims read, `git rev-parse` run); the hidden-payload form is the decoded text reaching the call
that runs it. This follows names by assignment: a name is tainted when its assignment's right side
decodes (Buffer.from(…, 'base64'), atob, b64decode, base64_decode …) or names a tainted name; an
`import … as d` of a decoder and a function whose body decodes taint their names. A run call
(execSync(c), system($c), os.system(c), exec(c), subprocess.run(c, shell=True), `$c` …) whose first
argument is tainted or decodes in place is the finding. Lexical and bounded: no scopes, no calls
followed beyond names — a name reused for a decoded value and a command errs toward asking.
"""
from __future__ import annotations

import re

from adr import lazyre
from adr.shell.interpreters import first_argument

MAX_SCAN = 200_000  # characters of code looked at
MAX_ROUNDS = 8  # passes of taint propagation (each pass follows one more assignment hop)

# a decoder named (a call or a reference: `d = base64.b64decode`, `$f = 'base64_decode'`)
DECODER = lazyre.compile(
    r"""Buffer\s*\.\s*from\s*\([^)\n]*["'](?:base64|base64url|hex)["']|\batob\b|\bBase64\s*\.\s*(?:decode64|strict_decode64|urlsafe_decode64)\b"""
    r"""|\.unpack1?\s*\(\s*["']m0?["']|\bdecode_base64\b|\bpack\s*\(\s*["']H\*|\b(?:base64_decode|hex2bin|str_rot13|gzinflate|gzuncompress)\b"""
    r"""|\b(?:b64decode|b32decode|b16decode|b85decode|a85decode|urlsafe_b64decode|decodebytes|decodestring|unhexlify|fromhex)\b"""
    r"""|\bmarshal\s*\.\s*loads\b|\b(?:zlib|lzma|bz2|gzip)\s*\.\s*decompress\b|\bcodecs\s*\.\s*decode\b"""
    # (a substitution cipher is a decoder too: str.maketrans/translate, binascii's a2b_*, tr/a-z/…/,
    # String.fromCharCode(...codes))
    r"""|\bmaketrans\b|\ba2b_\w+|\.tr\s*\(\s*["']a-z|\b[ty]r/a-z|\bString\s*\.\s*fromCharCode\s*\(\s*\.\.\.""")

# `[const|let|var|my|our|local] LHS [+.|]?= RHS` — LHS a name or a destructuring list of names
_ASSIGN = lazyre.compile(
    r"""(?:^|[;{}]|\bthen\b|\bdo\b)\s*(?:(?:const|let|var|my|our|local)\s+)?"""
    r"""(?P<lhs>[\[{(][^\]})=\n]*[\]})]|\$?[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*(?:\s*,\s*\$?[A-Za-z_][\w$]*)*)"""
    r"""\s*(?:\+|\.|\|\||\?\?)?=(?![=>~])(?P<rhs>[^;\n]*)""",
    re.M)
_IMPORT_AS = lazyre.compile(r"^\s*(?:from\s+\S+\s+)?import\s+(?P<body>[^\n]+)$", re.M)
_DEF = lazyre.compile(r"^[ \t]*(?:async\s+)?(?:def|function|sub)\s+(?:self\.)?(?P<name>[A-Za-z_$][\w$]*)|"
                      r"^[ \t]*(?:public\s+|private\s+|protected\s+|static\s+)*function\s+(?P<php>[A-Za-z_]\w*)", re.M)
_IDENT = lazyre.compile(r"\$?([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*)")
# string literals: single-quoted ones dropped, the interpolations of the others kept
_SQ = lazyre.compile(r"'(?:[^'\\\n]|\\.)*'")
_DQ = lazyre.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_INTERP = lazyre.compile(r"\$\{[^}]*\}|#\{[^}]*\}|\$[A-Za-z_]\w*")

# run calls and the text of their first argument
_RUN = lazyre.compile(
    r"""(?:\b(?:execSync|exec|spawnSync|spawn|execFileSync|execFile|system|shell_exec|passthru|popen|proc_open|pcntl_exec|eval)"""
    r"""|\bos\s*\.\s*(?:system|popen)|\bIO\s*\.\s*popen|\bsubprocess\s*\.\s*(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)"""
    # any alias of a run function handed shell=True (`sp.run(c, shell=True)`, `from subprocess import run`)
    r"""|\b[A-Za-z_][\w.]*(?=\s*\([^)\n]*\bshell\s*=\s*(?:True|1)\b))"""
    r"""\b(?<![)/]\.exec)\s*(?P<paren>\(?)\s*(?P<arg>[^\n]*)""")
_BACKTICK = lazyre.compile(r"`\s*\$(?P<name>[A-Za-z_]\w*)\s*`|\bqx\s*[{(]\s*\$(?P<qx>[A-Za-z_]\w*)|%x\s*[({]\s*#\{\s*(?P<rb>[A-Za-z_]\w*)\s*\}")


def _first_arg(text: str, paren: bool) -> str:
    """The run call's first argument: up to the `,` or `)` that closes it at depth 0 (without
    parentheses — `exec code;` — a `;` ends it too)."""
    return first_argument(text, 0, 400, "," if paren else ",;")[0]


def _names_in(text: str) -> set[str]:
    """Names (dotted paths kept whole) outside string literals, and inside interpolations."""
    text = _SQ.sub("''", text)
    text = _DQ.sub(lambda m: " ".join(_INTERP.findall(m.group(0))) or "''", text)
    return {m.group(1) for m in _IDENT.finditer(text)}


def _hits(names: set[str], tainted: set[str]) -> bool:
    """A name is tainted, or is an attribute/method of a tainted name (`payload.toString`)."""
    return any(n in tainted or any(n.startswith(t + ".") for t in tainted) for n in names)


def tainted_names(code: str) -> set[str]:
    code = code[:MAX_SCAN]
    tainted: set[str] = set()
    for m in _IMPORT_AS.finditer(code):
        if DECODER.search(m.group(0)):
            for part in m.group("body").split(","):
                bits = part.split()
                if len(bits) >= 3 and bits[-2] == "as" and DECODER.search(bits[0]):
                    tainted.add(bits[-1].strip("()"))
    defs = list(_DEF.finditer(code))
    for i, m in enumerate(defs):
        end = defs[i + 1].start() if i + 1 < len(defs) else len(code)
        if DECODER.search(code, m.end(), end):
            tainted.add(m.group("name") or m.group("php"))
    assigns = [(set(_names_in(m.group("lhs"))), m.group("rhs")) for m in _ASSIGN.finditer(code)]
    for _ in range(MAX_ROUNDS):
        grew = False
        for lhs, rhs in assigns:
            if lhs <= tainted:
                continue
            if DECODER.search(rhs) or (tainted and _hits(_names_in(rhs), tainted)):
                tainted |= lhs
                grew = True
        if not grew:
            break
    return tainted


def runs_decoded(code: str) -> bool:
    """A run call's first argument is decoded text (in place, or a name the decoding reached)."""
    code = code[:MAX_SCAN]
    if not DECODER.search(code):
        return False
    tainted = tainted_names(code)
    for m in _RUN.finditer(code):
        arg = _first_arg(m.group("arg"), bool(m.group("paren")))
        if DECODER.search(arg) or _hits(_names_in(arg), tainted):
            return True
    for m in _BACKTICK.finditer(code):
        if (m.group("name") or m.group("qx") or m.group("rb")) in tainted:
            return True
    return False

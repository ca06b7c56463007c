"""Constant folding of interpreter one-liners: `'cu'+'rl'`, `chr(99)`, `''.join([...])`, `[::-1]`,
`String.fromCharCode(…)`, `"lruc".reverse`, `scalar reverse "…"`, base64/hex decoding of literals,
variables holding constants — so that code which *builds* a command from pieces is judged as the
command it builds (`os.system('cu'+'rl …')` → `os.system("curl …")`).

No code is ever run: a small tokenizer and a recursive-descent evaluator understand literals and
a fixed vocabulary of pure string functions per language, and give up (leave the text alone) on
anything else. Bounded: input size, tokens, nesting, result sizes.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import posixpath
import re
from typing import Any, Callable, Union

from adr import lazyre

MAX_CODE = 64 * 1024  # characters of code that are folded
MAX_TOKENS = 20_000
MAX_VALUE = 64 * 1024  # characters of one folded value
MAX_DEPTH = 40

# worth folding only when the code names one of these (substring tests: cheap), concatenates a
# string literal or assigns one to a name (`c='curl …|sh'; os.system(c)`): most one-liners do none
_HINT_WORDS = ("chr", "fromCharCode", "join", "reverse", "::-1", "fromhex", "b64decode", "decode64", "decode_base64",
               "base64_decode", "atob", "Buffer", "pack", "strrev", "hex2bin", "rot13", "getattr", "__import__",
               "import_module", ".send", "replace", ".tr(", ".delete(", "gsub", "lc ", "uc ", "lc(", "uc(", ".format(",
               "bytes(", "bytearray(", "unquote", "urldecode", "b32decode", "sprintf", "strtolower", "strtoupper",
               # string methods and path joins of constants (`'/home/dev/'.concat('.npmrc')`, `path.join(…)`)
               ".concat(", ".slice(", ".substr", ".removeprefix(", ".removesuffix(", "[:", "toLowerCase(",
               "toUpperCase(", ".lower()", ".upper()", "path.join(", "${")
# a name assigned a string literal matters only in code that can run a command with it
# (or a list of them: `a = ['rm', '-rf', …]; subprocess.run(a)`, perl's `@a = ("rm", …); system(@a)`)
_ASSIGN_HINT = lazyre.compile(r"""(?:^|[;\s{(])(?:(?:var|let|const|my|our|local)\s+)?[$@]?[A-Za-z_]\w*\s*=\s*[\[(]?\s*(?:[rbuRBU]{1,2})?["'`]""")
_HINT = lazyre.compile(r"""["'][ \t]+[rRuUbB]?["']|\w(?:''|"")\w|["']\s*%\s*[("'\w~]|\b(?:[fF][rR]?|[rR][fF])["'][^"'\n]*\{|["'`\w)\]]\s*[+.]\s*["'`]|[+.]=\s*["'`]|[)\w]\s*\[\s*["'](?:exec|spawn|system|popen|eval|\w*Sync)""")


def worth_folding(code: str, language: str = "python") -> bool:
    return any(w in code for w in _HINT_WORDS) or _HINT.search(code) is not None or (
        _ASSIGN_HINT.search(code) is not None and _runs_commands(code, language))


def _runs_commands(code: str, language: str) -> bool:
    from adr.shell.interpreters import can_run_commands  # (the one list of calls that run a command)
    return can_run_commands(code, language)


Value = Union[str, int, bytes, list]


class _Fail(Exception):
    """Not a constant expression (the text stays as it is)."""


_TOKEN = lazyre.compile(r"""
    (?P<ws>\s+|\#[^\n]*|//[^\n]*)
  | (?P<fstr>(?:[fF][rR]?|[rR][fF])(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<str>(?:[rRbBuU]{1,2})?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<tpl>`(?:[^`\\$]|\\.|\$(?!\{))*`)
  | (?P<jtpl>`(?:[^`\\$]|\\.|\$(?!\{)|\$\{[^{}`'"\\]*\})*`)
  | (?P<sym>:[A-Za-z_]\w*)
  | (?P<num>0[xX][0-9a-fA-F]+|\d+)
  | (?P<name>[$@%]?[A-Za-z_]\w*)
  | (?P<op>::|=>|==|!=|<=|>=|\*\*|\.\.|->|[-+*/%.,;:()\[\]{}=<>!&|^~?@$])
  | (?P<other>.)
""", re.X | re.S)

_PY_ESC = lazyre.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "e": "\x1b", "\\": "\\", "'": "'", '"': '"', "`": "`", "$": "$", "\n": ""}


def _unescape(body: str, raw: bool) -> str:
    if raw or "\\" not in body:
        return body

    def sub(m: "re.Match[str]") -> str:
        e = m.group(1)
        h = e[0]
        try:
            if h in "xuU" and len(e) > 1:
                return chr(int(e[1:], 16))
            if h.isdigit() and all(c in "01234567" for c in e):
                return chr(int(e, 8))
        except (ValueError, OverflowError):
            return e
        return _SIMPLE.get(e, "\\" + e)
    return _PY_ESC.sub(sub, body)


_JS_FIELD = lazyre.compile(r"((?:[^$\\]|\\.|\$(?!\{))*)(\$\{[^{}]*\})?")  # template: literal text, then a ${field}
_FIELD = lazyre.compile(r"((?:[^{}]|\{\{|\}\})*)(\{[^{}]*\})?")  # f-string: literal text, then a {field}
# an interpolated string's variables: perl/php `$x`, `${x}`, `{$x}`, perl's `@x`; ruby's `#{expr}`; and escapes
_INTERP = {"perl": lazyre.compile(r"(?P<esc>\\.)|(?P<sig>[$@])(?:\{(?P<braced>[A-Za-z_]\w*)\}|(?P<name>[A-Za-z_]\w*))"),
           "php": lazyre.compile(r"(?P<esc>\\.)|\{\$(?P<braced>[A-Za-z_]\w*)\}|(?P<sig>\$)(?:\{(?P<name2>[A-Za-z_]\w*)\}|"
                                 r"(?P<name>[A-Za-z_]\w*))"),
           "ruby": lazyre.compile(r"(?P<esc>\\.)|#\{(?P<expr>[^{}]*)\}")}


class _Tok:
    __slots__ = ("kind", "text", "start", "end", "value")

    def __init__(self, kind: str, text: str, start: int, end: int, value: Any = None) -> None:
        self.kind, self.text, self.start, self.end, self.value = kind, text, start, end, value


def _tokens(code: str, lang: str, _depth: int = 0) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(code):
        kind = m.lastgroup or "other"
        if kind == "ws":
            text = m.group(0)
            if text.startswith("#") and lang not in ("python", "ruby", "perl", "shell"):
                # `#` starts no comment in js/php: re-read it as an operator
                out.append(_Tok("other", "#", m.start(), m.start() + 1))
            elif text.startswith("//") and lang not in ("node", "php"):
                out.append(_Tok("op", "/", m.start(), m.start() + 1))
                out.append(_Tok("op", "/", m.start() + 1, m.start() + 2))
                # not a comment here (perl's empty pattern `split //, …`): the rest of the line is code
                if _depth >= 8:
                    raise _Fail
                base = m.start() + 2
                for t in _tokens(text[2:], lang, _depth + 1):
                    t.start, t.end = t.start + base, t.end + base
                    out.append(t)
            continue
        text = m.group(0)
        if kind == "str":
            prefix = ""
            while text and text[0] in "rRbBuU":
                prefix += text[0].lower()
                text = text[1:]
            quote, body = text[0], text[1:-1]
            raw = "r" in prefix or (quote == "'" and lang in ("perl", "ruby", "php", "shell"))
            if quote == "'" and lang in ("perl", "ruby", "php"):
                body = body.replace("\\'", "'").replace("\\\\", "\\")
            value: Any = _unescape(body, raw)
            if "b" in prefix:
                value = value.encode("latin-1", "replace")
            if quote == '"' and lang in ("perl", "ruby", "php") and re.search(r"[$@]\w|[$@]\{|#\{", body):
                # interpolated: a constant only when every name in it holds one (_Parser.interpolate)
                kind, value = "istr", body
            out.append(_Tok(kind, m.group(0), m.start(), m.end(), value))
        elif kind == "fstr":
            body = text.lstrip("fFrR")
            raw = "r" in text[:len(text) - len(body)].lower()
            out.append(_Tok("fstr" if lang == "python" else "other", text, m.start(), m.end(), (body[1:-1], raw)))
        elif kind == "jtpl":
            if lang != "node":
                raise _Fail  # (`${…}` inside backticks is js-only: other languages are left as written)
            out.append(_Tok("jtpl", text, m.start(), m.end(), text[1:-1]))
        elif kind == "tpl" and lang in ("perl", "ruby", "php"):
            # `` `which git` `` runs a command: its value is that command's output, not the text
            out.append(_Tok("other", text, m.start(), m.end()))
        elif kind == "tpl":
            out.append(_Tok("str", text, m.start(), m.end(), _unescape(text[1:-1], False)))
        elif kind == "num":
            out.append(_Tok("num", text, m.start(), m.end(), int(text, 16) if text[:2].lower() == "0x" else int(text)))
        else:
            out.append(_Tok(kind, text, m.start(), m.end()))
        if len(out) > MAX_TOKENS:
            raise _Fail
    return out


def _clip(v: Value) -> Value:
    if isinstance(v, (str, bytes)) and len(v) > MAX_VALUE:
        raise _Fail
    if isinstance(v, list) and len(v) > 4096:
        raise _Fail
    return v


def _as_text(v: Value) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, str):
        return v
    raise _Fail


def _chr(v: Value) -> str:
    if isinstance(v, int) and 0 <= v < 0x110000:
        return chr(v)
    raise _Fail


def _b64(v: Value) -> bytes:
    s = _as_text(v)
    s = "".join(s.split())
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4), validate=False)
    except (binascii.Error, ValueError):
        raise _Fail from None


def _hex(v: Value) -> bytes:
    s = re.sub(r"[^0-9a-fA-F]", "", _as_text(v))
    try:
        return bytes.fromhex(s[: len(s) - len(s) % 2])
    except ValueError:
        raise _Fail from None


def _join(sep: Value, items: Value) -> str:
    if not isinstance(items, list):
        if isinstance(items, str):
            items = list(items)
        else:
            raise _Fail
    return _as_text(sep).join(_as_text(x) if not isinstance(x, int) else str(x) for x in items)


def _percent(fmt: str, vals: list) -> str:
    """`fmt % vals` for the plain conversions (%s %d %r %%); anything else is not a constant here."""
    it = iter(vals)

    def one(m: "re.Match[str]") -> str:
        if m.group(0) == "%%":
            return "%"
        try:
            x = next(it)
        except StopIteration:
            raise _Fail from None
        if m.group(0) == "%c":
            return _chr(x) if isinstance(x, int) else _as_text(x)[:1]  # `'%c%c' % (114, 109)`
        return str(x) if isinstance(x, int) else _as_text(x)
    out = re.sub(r"%%|%[sdrc]", one, fmt)
    if re.search(r"%[^%sdrc]", fmt.replace("%%", "")):
        raise _Fail
    return out


def _m_format(v: Value, args: list, lang: str) -> Value:
    """python's str.format with positional fields only: '{}/.bashrc'.format(HOME), '{0}url'.format('c')."""
    if lang != "python":
        raise _Fail
    fmt = _as_text(v)
    auto = iter(range(len(args)))

    def one(m: "re.Match[str]") -> str:
        key = m.group(1)
        n = next(auto, None) if key == "" else int(key) if key.isdigit() else None
        if n is None or n >= len(args):
            raise _Fail
        x = args[n]
        return str(x) if isinstance(x, int) else _as_text(x)
    if re.search(r"\{[^}]*[^}\d][^}]*\}", fmt.replace("{{", "").replace("}}", "")):
        raise _Fail  # named or formatted fields: not followed
    return re.sub(r"\{(\d*)\}", one, fmt.replace("{{", "\0").replace("}}", "\1")).replace("\0", "{").replace("\1", "}")


def _pack(fmt: Value, items: Value) -> bytes:
    f = _as_text(fmt).strip()
    if f in ("H*", "H"):
        return _hex(items[0] if isinstance(items, list) and items else items)
    if f in ("C*", "c*", "U*", "W*"):
        vals = items if isinstance(items, list) else [items]
        return "".join(_chr(x) for x in vals).encode("utf-8")
    raise _Fail


class _Parser:
    """Evaluate the constant expression starting at token i (or raise _Fail)."""

    def __init__(self, toks: list[_Tok], lang: str, env: dict[str, Value]) -> None:
        self.t, self.lang, self.env = toks, lang, env
        self.concat = "." if lang in ("perl", "php") else "+"
        self.depth = 0

    def peek(self, i: int, text: str) -> bool:
        return i < len(self.t) and self.t[i].text == text

    def expect(self, i: int, text: str) -> int:
        if not self.peek(i, text):
            raise _Fail
        return i + 1

    def expr(self, i: int) -> tuple[Value, int]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Fail
        try:
            v, i = self.unary(i)
            while i < len(self.t) and (self.t[i].text == self.concat or
                                       (self.t[i].text == "%" and self.lang == "python" and isinstance(v, str))):
                if self.t[i].text == "%" and self.t[i].text != self.concat:
                    # python's printf-style formatting: '%s/.bashrc' % HOME, 'cu%sl …' % ('r',)
                    w, j = self.unary(i + 1)
                    v = _clip(_percent(v, w if isinstance(w, list) else [w]))  # type: ignore[arg-type]
                    i = j
                    continue
                # `a + b`: a concatenation only when both sides are strings
                w, j = self.unary(i + 1)
                if isinstance(v, int) and isinstance(w, int) and self.concat == "+":
                    v = v + w
                elif isinstance(v, list) and isinstance(w, list):
                    v = v + w
                elif isinstance(v, int) or isinstance(w, int):
                    if self.lang in ("perl", "php", "node"):
                        v = (str(v) if isinstance(v, int) else _as_text(v)) + (str(w) if isinstance(w, int) else _as_text(w))
                    else:
                        raise _Fail
                else:
                    v = _as_text(v) + _as_text(w)
                _clip(v)
                i = j
            if self.lang == "python" and i < len(self.t) and self.t[i].text == "*" and isinstance(v, str):
                n, j = self.unary(i + 1)
                if isinstance(n, int) and 0 <= n and len(v) * n <= MAX_VALUE:
                    v, i = v * n, j
            return v, i
        finally:
            self.depth -= 1

    def unary(self, i: int) -> tuple[Value, int]:
        if i >= len(self.t):
            raise _Fail
        tok = self.t[i]
        # perl: scalar reverse "…" / scalar(reverse(...)), lc/uc, chr 99, join SEP, LIST
        if self.lang == "perl" and tok.text == "scalar":
            j = i + 1
            paren = self.peek(j, "(")
            if paren:
                j += 1
            if not self.peek(j, "reverse"):
                raise _Fail
            v, j = self.args_or_list(j + 1)
            if paren:
                j = self.expect(j, ")")
            return _clip("".join(_as_text(x) if not isinstance(x, int) else str(x) for x in v)[::-1]), j
        v, i = self.primary(i)
        return self.postfix(v, i)

    def args_or_list(self, i: int) -> tuple[list, int]:
        """`f(a, b)` or perl's `f a, b` → [a, b]."""
        if self.peek(i, "("):
            if self.peek(i + 1, ")"):
                return [], i + 2
            vals, i = self.items(i + 1, ")")
            return vals, i + 1
        vals, i = self.items(i, None)
        return vals, i

    def items(self, i: int, close: str | None) -> tuple[list, int]:
        vals: list = []
        while True:
            v, i = self.expr(i)
            if isinstance(v, list) and self.lang == "perl" and close != "]":  # perl lists flatten
                vals.extend(v)
            else:
                vals.append(v)
            if len(vals) > 4096:
                raise _Fail
            if self.peek(i, ","):
                i += 1
                if close is not None and self.peek(i, close):
                    return vals, i
                continue
            if close is None or self.peek(i, close):
                return vals, i
            raise _Fail

    def primary(self, i: int) -> tuple[Value, int]:
        tok = self.t[i]
        k, text = tok.kind, tok.text
        lang = self.lang
        if k == "str":
            v, j = tok.value, i + 1
            # python: adjacent literals are one (`os.system("r" "m -rf ~")`)
            while lang == "python" and j < len(self.t) and self.t[j].kind == "str" and \
                    isinstance(v, str) and isinstance(self.t[j].value, str):
                v, j = _clip(v + self.t[j].value), j + 1
            return v, j
        if k == "num":
            return tok.value, i + 1
        if text == "-" and i + 1 < len(self.t) and self.t[i + 1].kind == "num" and (
                i == 0 or self.t[i - 1].text in ("(", ",", "[")):
            return -self.t[i + 1].value, i + 2  # a negative index: `.slice(0, -2)`
        if k == "fstr":
            return self.fstring(*tok.value), i + 1
        if k == "jtpl":
            return self.template(tok.value), i + 1
        if k == "istr":
            return self.interpolate(tok.value), i + 1
        if text == "(":
            v, j = self.expr(i + 1)
            if self.peek(j, ","):  # a tuple
                rest, j = self.items(j + 1, ")") if not self.peek(j + 1, ")") else ([], j + 1)
                return [v] + rest, self.expect(j, ")")
            return v, self.expect(j, ")")
        if text == "[":
            if self.peek(i + 1, "]"):
                return [], i + 2
            gen = self.comprehension(i, "]") if lang == "python" else None
            if gen is not None:
                return gen
            vals, j = self.items(i + 1, "]")
            return vals, self.expect(j, "]")
        if k == "name":
            return self.call(i)
        raise _Fail

    def fstring(self, body: str, raw: bool) -> str:
        """f'rm -rf {h}' with `h` a known constant (or a literal in the braces); anything else fails."""
        out: list[str] = []
        for lit, field in _FIELD.findall(body):
            if lit:
                out.append(_unescape(lit.replace("{{", "{").replace("}}", "}"), raw))
            if field:
                expr = re.split(r"!|:(?![^\[]*\])", field[1:-1], maxsplit=1)[0].strip()
                out.append(self._whole(expr, "python"))
        return "".join(out)

    def template(self, body: str) -> str:
        """`${h}/.npmrc` with `h` a known constant (or a constant expression in the braces)."""
        out: list[str] = []
        for lit, field in _JS_FIELD.findall(body):
            if lit:
                out.append(_unescape(lit, False))
            if field:
                out.append(self._whole(field[2:-1], "node"))
        return "".join(out)

    def interpolate(self, body: str) -> str:
        """perl/php `"$c x.io|sh"`, `"${c}…"`, `"{$c}…"`, perl `"@a"`, ruby `"#{c} …"` with every name a known
        constant; anything else (an element, a method call, an unknown name) fails."""
        out: list[str] = []
        pos = 0
        for m in _INTERP[self.lang].finditer(body):
            out.append(_unescape(body[pos:m.start()], False))
            pos = m.end()
            d = m.groupdict()
            if d.get("esc") is not None:
                out.append(_unescape(m.group(0), False))
                continue
            if d.get("expr") is not None:  # ruby's #{…}: any constant expression
                out.append(self._whole(d["expr"], "ruby"))
                continue
            name = d.get("name") or d.get("braced") or d.get("name2") or ""
            if d.get("name") and (body[pos:pos + 1] in ("[", "{") or body[pos:pos + 2] in ("->", "::")):
                raise _Fail  # an element or a method: not a plain variable
            sigil = d.get("sig") or "$"
            v = self.env.get(sigil + name, self.env.get(name)) if sigil == "$" else self.env.get("@" + name)
            if v is None or (sigil == "@" and not isinstance(v, list)):
                raise _Fail
            out.append(" ".join(_as_text(x) for x in v) if isinstance(v, list) else _as_text(v))
        out.append(_unescape(body[pos:], False))
        return _clip("".join(out))  # type: ignore[return-value]

    def _whole(self, expr: str, lang: str) -> str:
        """A template field's expression as text; _Fail unless all of it folds to a constant."""
        toks = _tokens(expr, lang)
        if not toks:
            raise _Fail
        v, j = _Parser(toks, lang, self.env).expr(0)
        if j != len(toks):
            raise _Fail
        return _as_text(v)

    def call(self, i: int) -> tuple[Value, int]:
        t, lang = self.t, self.lang
        name = t[i].text
        # dotted names: String.fromCharCode, base64.b64decode, bytes.fromhex, Base64.decode64 …
        j = i + 1
        while j + 1 < len(t) and t[j].text in (".", "::") and t[j + 1].kind == "name" and not self.peek(j + 2, "=") \
                and f"{name}.{t[j + 1].text}" in _DOTTED_PREFIXES:
            name = f"{name}.{t[j + 1].text}"
            j += 2
        fn = _FUNCS.get((lang, name)) or _FUNCS.get(("*", name))
        if fn is not None:
            if lang == "perl" and not self.peek(j, "("):
                if name in _PERL_UNARY:
                    v, j = self.unary(j)
                    args = [v]
                else:
                    args, j = self.items(j, None)
            elif self.peek(j, "("):
                args, j = self.call_args(j)
            else:
                raise _Fail
            return _clip(fn(args)), j
        if name == "split" and lang == "perl":
            # split(//, S) / split '', S: S's characters (the list reverse/join then work on)
            paren = self.peek(j, "(")
            k = j + 1 if paren else j
            if self.peek(k, "/") and self.peek(k + 1, "/"):
                k += 2
            elif k < len(t) and t[k].kind == "str" and t[k].value == "":
                k += 1
            else:
                raise _Fail
            k = self.expect(k, ",")
            v, k = self.expr(k)
            return list(_as_text(v)), (self.expect(k, ")") if paren else k)
        if name == "map" and lang == "python" and self.peek(j, "("):
            # map(chr, [99, 117]) → ['c', 'u']
            if j + 2 < len(t) and t[j + 1].text == "chr" and t[j + 2].text == ",":
                seq, k = self.expr(j + 3)
                k = self.expect(k, ")")
                return _map_chr(seq), k
            raise _Fail
        if name == "map" and lang == "perl":
            # map { chr } LIST, map { chr($_) } (…), map(chr, LIST)
            k = _skip_block(t, j, "chr")
            if k is None:
                raise _Fail
            seq, k = self.args_or_list(k)
            return _map_chr(seq), k
        bare = name.lstrip("$")
        if name in self.env or bare in self.env:
            if j < len(t) and t[j].text == "=" :
                raise _Fail  # an assignment target, not a use
            return self.env.get(name, self.env.get(bare)), j  # type: ignore[return-value]
        raise _Fail

    def call_args(self, j: int) -> "tuple[list, int]":
        """The arguments of a call whose `(` is at j (a python generator of chr() counts as one)."""
        gen = self.comprehension(j, ")") if self.lang == "python" else None
        if gen is not None:
            return [gen[0]], gen[1]
        return self.args_or_list(j)

    def comprehension(self, i: int, close: str) -> "tuple[Value, int] | None":
        """`(chr(x) for x in SEQ)` / `[chr(c) for c in SEQ]` starting at the opening token i."""
        t = self.t
        if not (i + 8 < len(t) and t[i + 1].text == "chr" and t[i + 2].text == "(" and t[i + 3].kind == "name"
                and t[i + 4].text == ")" and t[i + 5].text == "for" and t[i + 6].text == t[i + 3].text
                and t[i + 7].text == "in"):
            return None
        seq, k = self.expr(i + 8)
        return _map_chr(seq), self.expect(k, close)

    def postfix(self, v: Value, i: int) -> tuple[Value, int]:
        t, lang = self.t, self.lang
        while i < len(t):
            tx = t[i].text
            if tx == "[" and lang == "python":
                # [::-1], [a:b], [n]
                j = i + 1
                parts: list = [None, None, None]
                idx = 0
                while j < len(t) and t[j].text != "]":
                    if t[j].text == "::":
                        idx += 2
                        j += 1
                        continue
                    if t[j].text == ":":
                        idx += 1
                        j += 1
                        continue
                    neg = t[j].text == "-"
                    if neg:
                        j += 1
                    if j >= len(t) or t[j].kind != "num" or idx > 2:
                        raise _Fail
                    parts[idx] = -t[j].value if neg else t[j].value
                    j += 1
                if j >= len(t):
                    raise _Fail
                if not isinstance(v, (str, list, bytes)):
                    raise _Fail
                if idx == 0:
                    if parts[0] is None:
                        raise _Fail
                    try:
                        v = v[parts[0]]
                    except IndexError:
                        raise _Fail from None
                else:
                    v = v[slice(*parts)]
                i = j + 1
                continue
            if tx == "." and lang not in ("perl", "php") and i + 1 < len(t) and t[i + 1].kind == "name":
                meth = t[i + 1].text
                j = i + 2
                if meth == "map" and self.peek(j, "(") and isinstance(v, list):
                    # [99, 117].map(c => String.fromCharCode(c)) / .map(&:chr)
                    k = _skip_block(t, j, "chr", "fromCharCode")
                    if k is None:
                        raise _Fail
                    v, i = _map_chr(v), k
                    continue
                m = _METHODS.get(meth)
                if m is None:
                    break
                args: list = []
                if self.peek(j, "("):
                    args, j = self.call_args(j)
                v = _clip(m(v, args, lang))
                i = j
                continue
            break
        return v, i


def _map_chr(seq: Value) -> list:
    if not isinstance(seq, list):
        raise _Fail
    return [_chr(x) for x in seq]


def _skip_block(t: "list[_Tok]", j: int, *needed: str) -> "int | None":
    """Index after the balanced (…) or {…} at j — None unless it mentions one of `needed` and
    calls nothing else (a tiny lambda such as `c => String.fromCharCode(c)`, `{ chr }`, `&:chr`)."""
    if j >= len(t) or t[j].text not in ("(", "{"):
        return None
    open_, close = t[j].text, ")" if t[j].text == "(" else "}"
    depth, k, seen = 0, j, False
    while k < len(t) and k - j < 40:
        tx = t[k].text
        if tx == open_:
            depth += 1
        elif tx == close:
            depth -= 1
            if depth == 0:
                return k + 1 if seen else None
        elif t[k].kind == "name" and tx.lstrip("&:") in needed:
            seen = True
        elif t[k].kind == "sym" and tx[1:] in needed:
            seen = True
        k += 1
    return None


def _reverse(v: Value, args: list, lang: str) -> Value:
    if isinstance(v, (str, list, bytes)):
        return v[::-1]
    raise _Fail


def _m_join(v: Value, args: list, lang: str) -> Value:
    if isinstance(v, list):  # js/ruby: array.join(sep)
        return _join(args[0] if args else ("," if lang == "node" else ""), v)
    if isinstance(v, str) and len(args) == 1:  # python: sep.join(items)
        return _join(v, args[0])
    raise _Fail


def _m_split(v: Value, args: list, lang: str) -> Value:
    s = _as_text(v)
    if args and _as_text(args[0]) == "":
        return list(s)
    return s.split(_as_text(args[0])) if args else s.split()


def _m_decode(v: Value, args: list, lang: str) -> Value:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, str) and args and _as_text(args[0]).lower() in ("rot13", "rot_13"):
        return codecs.decode(v, "rot13")
    if isinstance(v, str):
        return v
    raise _Fail


def _m_replace(v: Value, args: list, lang: str) -> Value:
    s = _as_text(v)
    if len(args) != 2:
        raise _Fail
    a, b = _as_text(args[0]), _as_text(args[1])
    if lang == "node":
        return s.replace(a, b, 1)
    return s.replace(a, b)


def _m_tostring(v: Value, args: list, lang: str) -> Value:
    if isinstance(v, bytes):
        enc = _as_text(args[0]).lower() if args else "utf8"
        if enc == "base64":
            return base64.b64encode(v).decode()
        if enc == "hex":
            return v.hex()
        return v.decode("utf-8", "replace")
    if isinstance(v, (str, int)):
        return str(v)
    raise _Fail


def _m_pack(v: Value, args: list, lang: str) -> Value:  # ruby: [99, 117].pack('c*')
    if not args:
        raise _Fail
    return _pack(args[0], v)


def _m_unpack1(v: Value, args: list, lang: str) -> Value:  # ruby: "Y3VybA==".unpack1('m')
    if args and _as_text(args[0]) in ("m", "m0"):
        return _b64(v)
    if args and _as_text(args[0]) in ("H*",):
        return _hex(v)
    raise _Fail


def _m_chr(v: Value, args: list, lang: str) -> Value:
    return _chr(v)


# perl's `qw(a b)` and ruby's `%w[a b]` (any bracket pair or a repeated punctuation delimiter): a list
# of plain words — spelled as a list of string literals (ruby's splat `*%w[…]` inline in the call)
_WORD_LIST = {"perl": lazyre.compile(r"\bqw\s*(?:\(([^()]*)\)|\[([^\[\]]*)\]|\{([^{}]*)\}|<([^<>]*)>|([/|!#])([^/|!#]*)\5)"),
              "ruby": lazyre.compile(r"(\*?)%[wW](?:\(([^()]*)\)|\[([^\[\]]*)\]|\{([^{}]*)\}|<([^<>]*)>|([/|!])([^/|!]*)\6)")}


# ruby's `"#{"r"+"m"} -rf ~"`, `%x{#{'cu'+'rl'} …}`: an interpolation of string literals joined by `+` is
# their text in place (what runs is the same string); anything else inside `#{…}` is left alone
_RUBY_LIT = r"""(?:"(?:[^"\\#\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_RUBY_CONST_INTERP = lazyre.compile(r"#\{\s*(" + _RUBY_LIT + r"(?:\s*\+\s*" + _RUBY_LIT + r"){0,16})\s*\}")


# ruby's `%x{cmd}` (any bracket pair, or `%x|cmd|`) is its backtick command: spelled as one
_RUBY_PERCENT_X = lazyre.compile(r"%x(?:\{([^{}`]*)\}|\(([^()`]*)\)|\[([^\[\]`]*)\]|<([^<>`]*)>|\|([^|`]*)\||!([^!`]*)!)")


def _ruby_interp(m: "re.Match[str]") -> str:
    parts = re.findall(r"""(?:"((?:[^"\\#\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')""", m.group(1))
    text = "".join(a or b for a, b in parts)
    return m.group(0) if any(c in text for c in '"\'\\#{}') else text


def _word_lists(lang: str, code: str) -> str:
    def one(m: "re.Match[str]") -> str:
        groups = m.groups()
        splat = lang == "ruby" and groups[0] == "*"
        bodies = groups[1:] if lang == "ruby" else groups  # (four bracket pairs, a delimiter, its body)
        body = next((g for g in bodies[:4] if g is not None), None)
        if body is None:
            body = bodies[5] or ""
        words = ", ".join('"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"' for w in body.split())
        if lang == "perl":
            # an argument list takes the words as they are (`system qw(rm -rf), $d`); an assignment a list
            before = m.string[:m.start()].rstrip()
            return "(" + words + ")" if before.endswith(("=", ",(")) or not before else words
        return words if splat else "[" + words + "]"
    return _WORD_LIST[lang].sub(one, code)


def _m_tr(v: Value, args: list, lang: str) -> Value:
    """ruby's `"rXm".tr("X", "")` / `.delete("X")`: characters (and a-z ranges) mapped or deleted."""
    if lang != "ruby" or not 1 <= len(args) <= 2:
        raise _Fail

    def chars(x: Value) -> str:
        t = _as_text(x)
        if t.startswith("^") and len(t) > 1:
            raise _Fail
        return re.sub(r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m.group(1)), ord(m.group(2)) + 1)))
                      if ord(m.group(2)) - ord(m.group(1)) < 256 else m.group(0), t)
    src = chars(args[0])
    dst = chars(args[1]) if len(args) == 2 else ""
    text = _as_text(v)
    if not dst:
        return "".join(c for c in text if c not in src)
    dst = dst + dst[-1] * max(0, len(src) - len(dst))
    return text.translate(str.maketrans(src, dst[:len(src)]))


_METHODS: dict[str, Any] = {
    "reverse": _reverse, "join": _m_join, "split": _m_split, "decode": _m_decode, "replace": _m_replace,
    "format": _m_format,
    "replaceAll": lambda v, a, lang: _m_replace(v, a, "python"), "gsub": lambda v, a, lang: _m_replace(v, a, "python"),
    "tr": _m_tr, "delete": lambda v, a, lang: _m_tr(v, a[:1], lang),
    "toString": _m_tostring, "to_s": _m_tostring, "pack": _m_pack, "unpack1": _m_unpack1, "chr": _m_chr,
    "lower": lambda v, a, lang: _as_text(v).lower(), "upper": lambda v, a, lang: _as_text(v).upper(),
    "downcase": lambda v, a, lang: _as_text(v).lower(), "upcase": lambda v, a, lang: _as_text(v).upper(),
    "toLowerCase": lambda v, a, lang: _as_text(v).lower(), "toUpperCase": lambda v, a, lang: _as_text(v).upper(),
    "strip": lambda v, a, lang: _as_text(v).strip(), "trim": lambda v, a, lang: _as_text(v).strip(),
    "encode": lambda v, a, lang: _as_text(v).encode("utf-8"),
    "concat": lambda v, a, lang: _m_concat(v, a),
    "slice": lambda v, a, lang: _m_slice(v, a), "substring": lambda v, a, lang: _m_substring(v, a),
    "substr": lambda v, a, lang: _m_substr(v, a),
    "removeprefix": lambda v, a, lang: _as_text(v).removeprefix(_as_text(_one(a))) if a else _b64("!"),
    "removesuffix": lambda v, a, lang: _as_text(v).removesuffix(_as_text(_one(a))) if a else _b64("!"),
}


def _ints(args: list, most: int) -> list[int]:
    if len(args) > most or not all(isinstance(x, int) for x in args):
        raise _Fail
    return args


def _m_concat(v: Value, args: list) -> Value:
    """js: 'a'.concat('b', 'c') / [1].concat([2], 3)."""
    if isinstance(v, list):
        return v + [y for x in args for y in (x if isinstance(x, list) else [x])]
    return _as_text(v) + "".join(str(x) if isinstance(x, int) else _as_text(x) for x in args)


def _m_slice(v: Value, args: list) -> Value:
    """js/ruby-like slice(start[, end]) with negative indexes from the end (python's slicing)."""
    a = _ints(args, 2)
    if not isinstance(v, (str, list, bytes)):
        raise _Fail
    return v[slice(*a)] if a else v


def _m_substring(v: Value, args: list) -> Value:
    """js substring(a[, b]): negatives are 0, the two ends swap when a > b."""
    a = [max(0, x) for x in _ints(args, 2)]
    s = _as_text(v)
    lo, hi = (a[0], a[1] if len(a) > 1 else len(s)) if a else (0, len(s))
    return s[min(lo, hi):max(lo, hi)]


def _m_substr(v: Value, args: list) -> Value:
    """js substr(start[, length])."""
    a = _ints(args, 2)
    s = _as_text(v)
    start = a[0] if a else 0
    if start < 0:
        start = max(0, len(s) + start)
    return s[start:start + a[1]] if len(a) > 1 else s[start:]


def _int_bytes(v: Value) -> bytes:
    if isinstance(v, list) and v and all(isinstance(x, int) and 0 <= x < 256 for x in v):
        return bytes(v)
    raise _Fail


def _unquote(v: Value) -> str:
    return re.sub(r"%([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), _as_text(v))


def _one(args: list) -> Value:
    if len(args) != 1:
        raise _Fail
    return args[0]


_FUNCS: dict[tuple[str, str], Any] = {
    ("*", "chr"): lambda a: _chr(_one(a)),
    ("python", "bytes.fromhex"): lambda a: _hex(_one(a)),
    ("python", "bytearray.fromhex"): lambda a: _hex(_one(a)),
    ("python", "base64.b64decode"): lambda a: _b64(a[0]),
    ("python", "b64decode"): lambda a: _b64(a[0]),
    ("python", "base64.standard_b64decode"): lambda a: _b64(a[0]),
    ("python", "codecs.decode"): lambda a: (codecs.decode(_as_text(a[0]), "rot13")
                                            if len(a) == 2 and _as_text(a[1]).lower() in ("rot13", "rot_13")
                                            else _hex(a[0]) if len(a) == 2 and _as_text(a[1]) == "hex" else _b64("!")),
    ("python", "reversed"): lambda a: _reverse(_one(a), [], "python"),
    ("python", "bytes"): lambda a: _int_bytes(_one(a)),  # bytes([114, 109]).decode()
    ("python", "bytearray"): lambda a: _int_bytes(_one(a)),
    ("python", "urllib.parse.unquote"): lambda a: _unquote(_one(a)),
    ("python", "unquote"): lambda a: _unquote(_one(a)),
    ("python", "base64.b32decode"): lambda a: base64.b32decode(_as_text(a[0])),
    ("perl", "sprintf"): lambda a: _percent(_as_text(a[0]), list(a[1:])),
    ("php", "sprintf"): lambda a: _percent(_as_text(a[0]), list(a[1:])),
    ("php", "strtoupper"): lambda a: _as_text(_one(a)).upper(),
    ("php", "urldecode"): lambda a: _unquote(_one(a)),
    ("php", "rawurldecode"): lambda a: _unquote(_one(a)),
    ("python", "str"): lambda a: "" if not a else _as_text(_one(a)) if not isinstance(a[0], int) else str(a[0]),
    ("python", "list"): lambda a: list(_as_text(_one(a))),
    ("node", "String.fromCharCode"): lambda a: "".join(_chr(x) for x in a),
    ("node", "atob"): lambda a: _b64(_one(a)).decode("latin-1"),
    ("node", "Buffer.from"): lambda a: (_b64(a[0]) if len(a) == 2 and _as_text(a[1]).lower() == "base64" else
                                        _hex(a[0]) if len(a) == 2 and _as_text(a[1]).lower() == "hex" else
                                        bytes(x & 0xFF for x in a[0]) if isinstance(a[0], list) and all(isinstance(x, int) for x in a[0]) else
                                        _as_text(a[0]).encode("utf-8")),
    ("node", "unescape"): lambda a: re.sub(r"%([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), _as_text(_one(a))),
    ("node", "decodeURIComponent"): lambda a: re.sub(r"%([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), _as_text(_one(a))),
    ("perl", "join"): lambda a: _join(a[0], a[1:]),
    ("perl", "reverse"): lambda a: list(reversed(a)),  # list context (a string alone: `scalar reverse`)
    ("perl", "lc"): lambda a: _as_text(_one(a)).lower(),
    ("perl", "uc"): lambda a: _as_text(_one(a)).upper(),
    ("perl", "decode_base64"): lambda a: _b64(_one(a)),
    ("perl", "MIME.Base64.decode_base64"): lambda a: _b64(_one(a)),
    ("perl", "pack"): lambda a: _pack(a[0], a[1:]),
    ("ruby", "Base64.decode64"): lambda a: _b64(_one(a)),
    ("ruby", "Base64.strict_decode64"): lambda a: _b64(_one(a)),
    ("php", "implode"): lambda a: _join(a[0], a[1]) if len(a) == 2 else _join("", a[0]),
    ("php", "join"): lambda a: _join(a[0], a[1]) if len(a) == 2 else _join("", a[0]),
    ("php", "strrev"): lambda a: _as_text(_one(a))[::-1],
    ("php", "base64_decode"): lambda a: _b64(a[0]),
    ("php", "hex2bin"): lambda a: _hex(_one(a)),
    ("php", "str_rot13"): lambda a: codecs.decode(_as_text(_one(a)), "rot13"),
    ("php", "strtolower"): lambda a: _as_text(_one(a)).lower(),
    ("php", "str_replace"): lambda a: _as_text(a[2]).replace(_as_text(a[0]), _as_text(a[1])) if len(a) == 3 else _b64("!"),
    ("php", "pack"): lambda a: _pack(a[0], a[1:]),
    # path joins of constants: the file a write names, whatever pieces it is built from
    ("python", "os.path.join"): lambda a: _pjoin(a, False), ("python", "posixpath.join"): lambda a: _pjoin(a, False),
    ("node", "path.join"): lambda a: _pjoin(a, True), ("node", "path.posix.join"): lambda a: _pjoin(a, True),
}


def _pjoin(args: list, normal: bool) -> str:
    """os.path.join (python: a later absolute piece restarts) / path.join (node: joined, normalized)."""
    if not args or not all(isinstance(x, (str, bytes)) for x in args):
        raise _Fail
    parts = [_as_text(x) for x in args]
    if normal:
        return posixpath.normpath("/".join(p for p in parts if p)) if any(parts) else "."
    return posixpath.join(*parts)
_DOTTED_PREFIXES = frozenset(".".join(n.split(".")[:k]) for _, n in _FUNCS for k in range(2, n.count(".") + 2))
_PERL_UNARY = frozenset({"chr", "lc", "uc", "decode_base64"})  # perl named unary operators (one argument)


def _literal(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


# a decoding function given another name (`const c = String.fromCharCode; c(114, 109)`, `d = chr`)
_FUNC_ALIAS = {
    "node": lazyre.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]{0,31})\s*=\s*(String\s*\.\s*fromCharCode|atob|"
                           r"decodeURIComponent|unescape|String\s*\.\s*raw)\s*[;,\n]"),
    "python": lazyre.compile(r"(?:^|[;\n])\s*([A-Za-z_]\w{0,31})\s*=\s*(chr|bytes\.fromhex|bytearray\.fromhex|"
                             r"base64\s*\.\s*b64decode|codecs\s*\.\s*decode|binascii\s*\.\s*unhexlify)\s*(?=[;\n]|$)"),
}


def _unalias_functions(language: str, code: str) -> str:
    """Calls through such a name spelled with the function's own (8 names at most)."""
    for m in list(_FUNC_ALIAS[language].finditer(code[:MAX_CODE]))[:8]:
        name, target = m.group(1), re.sub(r"\s+", "", m.group(2))
        code = code[:m.end()] + re.sub(r"(?<![\w$.])" + re.escape(name) + r"\s*\(", target + "(", code[m.end():])
    return code


_PY_IMPORT_CALL = lazyre.compile(r"""\b(?:__import__|importlib\s*\.\s*import_module)\s*\(\s*(['"])([A-Za-z_][\w.]{0,63})\1\s*\)""")


# `getattr(os, "system")` → os.system, `__import__("os")` → os, obj["name"] → obj.name: after folding,
# calls spelled through reflection read like plain calls
_REFLECT = [
    (lazyre.compile(r"""\bgetattr\s*\(\s*([\w.]+|__import__\(\s*"\w+"\s*\))\s*,\s*"([A-Za-z_]\w*)"\s*\)"""), r"\1.\2"),
    (lazyre.compile(r"""\b(?:__import__|importlib\s*\.\s*import_module)\s*\(\s*"([\w.]+)"\s*\)"""), r"\1"),
    (lazyre.compile(r"""\[\s*"([A-Za-z_]\w*)"\s*\]"""), r".\1"),
    (lazyre.compile(r"""\b(?:Kernel\s*\.\s*)?(?:send|public_send|__send__)\s*\(\s*(?::|")(system|exec|spawn|`)"?\s*,\s*"""), r"\1("),
    (lazyre.compile(r"""\b(?:Kernel\s*\.\s*)?method\s*\(\s*(?::|")(system|exec|spawn)"?\s*\)\s*\.\s*call\s*\("""), r"\1("),
    # a builtin reached through the builtins module (`getattr(__builtins__, "exec")` above): the builtin itself
    (lazyre.compile(r"""\b(?:__builtins__|builtins)\s*\.\s*(?:__dict__\s*\.\s*)?(exec|eval|compile|__import__|open)\s*\("""), r"\1("),
]


# Expressions whose value is the user's home, per language: folded to the string "~" (what the shell
# layer calls the home), so that `subprocess.call(['rm', '-rf', os.path.expanduser('~')])` or
# `spawnSync('rm', ['-rf', os.homedir()])` is judged like `rm -rf ~`. A path under the home keeps its tail.
_Q = r"""(['"])"""
_PERL_HOME = lazyre.compile(r'\$ENV\s*\{\s*[\'"]?HOME[\'"]?\s*\}')
_HOME_EXPRS: dict[str, list[tuple["re.Pattern[str]", "str | Callable[[re.Match[str]], str]"]]] = {
    "python": [
        (lazyre.compile(r"""\b(?:(?:__import__\(\s*['"]os(?:\.path)?['"]\s*\)|os)\s*\.\s*)?(?:path\s*\.\s*)?expanduser\s*\(\s*"""
                        + _Q + r"""~(/[^'"\\]*)?\1\s*\)"""), r'"~\2"'),
        (lazyre.compile(r"""\b(?:(?:__import__\(\s*['"]os['"]\s*\)|os)\s*\.\s*)?environ\s*\[\s*""" + _Q + r"""HOME\1\s*\]"""), '"~"'),
        (lazyre.compile(r"""\b(?:(?:__import__\(\s*['"]os['"]\s*\)|os)\s*\.\s*)?(?:environ\s*\.\s*get|getenv)\s*\(\s*"""
                        + _Q + r"""HOME\1\s*(?:,[^()]*)?\)"""), '"~"'),
        (lazyre.compile(r"""\b(?:pathlib\s*\.\s*)?Path\s*\.\s*home\s*\(\s*\)"""), '"~"'),
        (lazyre.compile(r"""\b(?:pathlib\s*\.\s*)?Path\s*\(\s*""" + _Q + r"""~(/[^'"\\]*)?\1\s*\)\s*\.\s*expanduser\s*\(\s*\)"""),
         r'"~\2"'),
    ],
    "node": [
        (lazyre.compile(r"""(?:\brequire\s*\(\s*['"](?:node:)?os['"]\s*\)|\bos)\s*\.\s*homedir\s*\(\s*\)"""), '"~"'),
        (lazyre.compile(r"""\b(?:process|Bun)\s*\.\s*env\s*(?:\.\s*HOME\b|\[\s*""" + _Q + r"""HOME\1\s*\])"""), '"~"'),
        (lazyre.compile(r"""\bDeno\s*\.\s*env\s*\.\s*get\s*\(\s*""" + _Q + r"""HOME\1\s*\)"""), '"~"'),  # (deno, bun)
    ],
    "php": [
        (lazyre.compile(r"""\bgetenv\s*\(\s*""" + _Q + r"""HOME\1\s*\)"""), '"~"'),
        (lazyre.compile(r"""\$_(?:SERVER|ENV)\s*\[\s*""" + _Q + r"""HOME\1\s*\]"""), '"~"'),
    ],
    "perl": [
        # inside a double-quoted string the home is interpolated: "rm -rf $ENV{HOME}/x" → "rm -rf ~/x"
        (lazyre.compile(r'"(?:[^"\\\n]|\\.)*"'), lambda m: _PERL_HOME.sub("~", m.group(0))),
        (lazyre.compile(r'\$ENV\s*\{\s*[\'"]?HOME[\'"]?\s*\}'), '"~"'),
        (lazyre.compile(r"\bFile::HomeDir->my_home\b(?:\s*\(\s*\))?"), '"~"'),
    ],
    "ruby": [
        (lazyre.compile(r"""\bDir\s*\.\s*home\b(?:\s*\(\s*\))?"""), '"~"'),
        (lazyre.compile(r"""\bENV\s*(?:\[\s*""" + _Q + r"""HOME\1\s*\]|\.\s*fetch\s*\(\s*""" + _Q + r"""HOME\2\s*\))"""), '"~"'),
        (lazyre.compile(r"""\bFile\s*\.\s*expand_path\s*\(\s*""" + _Q + r"""~(/[^'"\\]*)?\1\s*\)"""), r'"~\2"'),
        # …interpolated into a string or a backtick command: "rm -rf #{Dir.home}" is "rm -rf ~"
        (lazyre.compile(r'#\{\s*"~"\s*\}'), "~"),
    ],
    "r": [
        (lazyre.compile(r"""\bSys\s*\.\s*getenv\s*\(\s*""" + _Q + r"""HOME\1\s*\)"""), '"~"'),
        (lazyre.compile(r"""\b(?:path\s*\.\s*expand|normalizePath)\s*\(\s*""" + _Q + r"""~(/[^'"\\]*)?\1\s*\)"""), r'"~\2"'),
    ],
    "lua": [
        # (lua calls with one string argument without parentheses too: `os.getenv "HOME"`)
        (lazyre.compile(r"""\bos\s*\.\s*getenv\s*(?:\(\s*""" + _Q + r"""HOME\1\s*\)|["']HOME["'])"""), '"~"'),
    ],
    "julia": [
        (lazyre.compile(r"""(?<![\w.])homedir\s*\(\s*\)"""), '"~"'),
        (lazyre.compile(r"""\bexpanduser\s*\(\s*""" + _Q + r"""~(/[^'"\\]*)?\1\s*\)"""), r'"~\2"'),
    ],
}


_JULIA_CONCAT = lazyre.compile(r'"~"\s*\*\s*"((?:[^"\\\n]|\\.)*)"')  # "~" * "/.aws": julia's concatenation


def fold_home(language: str, code: str) -> str:
    """`code` with the home-valued expressions of `language` replaced by "~" (a string literal)."""
    subs = _HOME_EXPRS.get(language)
    if not subs or ("HOME" not in code and "home" not in code and "expand" not in code):
        return code
    for rx, rep in subs:
        code = rx.sub(rep, code)
    return code


def fold(language: str, code: str) -> str:
    """`code` with its constant string expressions replaced by the strings they make ("" → code
    unchanged). Understands python, node, perl, ruby and php spellings; anything else is left alone.
    Never raises: a construct the evaluator gets wrong leaves the code as written (judged unfolded)."""
    if language == "lua" and code and len(code) <= MAX_CODE:
        return _fold_lua(fold_home(language, code))
    if language == "r" and code and len(code) <= MAX_CODE:
        return _fold_r(fold_home(language, code))
    if language == "awk" and code and len(code) <= MAX_CODE and "=" in code:
        return _fold_awk(code)
    if language == "powershell" and code and len(code) <= MAX_CODE and ("+" in code or "=" in code):
        return _fold_powershell(code)
    if language == "julia" and code and len(code) <= MAX_CODE:
        return _JULIA_CONCAT.sub(r'"~\1"', fold_home(language, code))  # (its home spellings and "~" * "/x" only)
    if language not in ("python", "node", "perl", "ruby", "php") or not code or len(code) > MAX_CODE:
        return code
    if language == "node" and "/" in code:
        code = _node_literal_regexes(code)
    if language == "perl" and "qw" in code or language == "ruby" and ("%w" in code or "%W" in code):
        code = _word_lists(language, code)
    if language == "ruby" and "#{" in code:
        code = _RUBY_CONST_INTERP.sub(_ruby_interp, code)
    if language == "ruby" and "%x" in code:
        code = _RUBY_PERCENT_X.sub(lambda m: "`" + next(g for g in m.groups() if g is not None) + "`", code)
    if language in ("node", "python") and "=" in code:
        code = _unalias_functions(language, code)
    if language == "python" and "import" in code:
        # `__import__('base64').b64decode(…)`: the module by its name, so its functions fold as they do
        # after `import base64`
        code = _PY_IMPORT_CALL.sub(r"\2", code)
    try:
        return _fold(language, code)
    except (_Fail, RecursionError, ValueError, OverflowError, IndexError, KeyError, TypeError, AttributeError,
            UnicodeError):
        return code


# `.replace(/X/g, '')`, `.split(/,/)`: a regex literal with no special character is the plain text it
# matches — the string spelling folds (replace with /g replaces every one, as replaceAll does)
_NODE_PLAIN_REGEX = lazyre.compile(r"""\.(replace|replaceAll|split)\(\s*/((?:[^/\\\n.*+?^$|()\[\]{}]|\\[/.*+?^$|()\[\]{}-])+)/([gimsuy]*)\s*([,)])""")


def _node_literal_regexes(code: str) -> str:
    def one(m: "re.Match[str]") -> str:
        method = "replaceAll" if m.group(1) == "replace" and "g" in m.group(3) else m.group(1)
        text = re.sub(r"\\(.)", r"\1", m.group(2))
        return f".{method}({text!r}{m.group(4)}"
    return _NODE_PLAIN_REGEX.sub(one, code)


_AWK_ASSIGN = lazyre.compile(r'(?<![\w$.])([A-Za-z_]\w*)\s*=\s*("(?:[^"\\\n]|\\.)*")\s*(?=[;}\n]|$)')


def _fold_awk(code: str) -> str:
    """awk: a variable assigned one string literal (and never anything else), used as the command of
    `system(V)`, `print … | V` or `V | getline` — spelled as that literal (`c="rm -rf ~"; system(c)`)."""
    seen: dict[str, str] = {}
    for m in list(_AWK_ASSIGN.finditer(code))[:64]:
        seen[m.group(1)] = m.group(2) if m.group(1) not in seen or seen[m.group(1)] == m.group(2) else ""
    for name, lit in seen.items():
        if not lit or len(re.findall(r"(?<![\w$.])" + re.escape(name) + r"\s*=(?!=)", code)) != 1:
            continue
        code = re.sub(r"\bsystem\s*\(\s*" + re.escape(name) + r"\s*\)", lambda _m: f"system({lit})", code)
        code = re.sub(r"\|\s*" + re.escape(name) + r"\b(?!\s*=)", lambda _m: f"| {lit}", code)
        code = re.sub(r"(?<![\w$.])" + re.escape(name) + r"(\s*\|\s*getline)", lambda m: lit + m.group(1), code)
    return code


_R_STR = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# paste0("rm -rf ", "~"), paste("curl", "-s", URL), file.path("~", ".ssh"): calls of constant strings only
_R_PASTE = lazyre.compile(r"""\b(paste0|paste|file\s*\.\s*path)\s*\(\s*(""" + _R_STR + r"""(?:\s*,\s*""" + _R_STR
                          + r"""){0,63})\s*(?:,\s*sep\s*=\s*(""" + _R_STR + r"""))?\s*\)""")


def _fold_r(code: str) -> str:
    """R's constant strings: `paste0(…)`, `paste(…)` (sep " " or given) and `file.path(…)` of string
    literals become the literal they make (R: `system(paste0("rm -rf ", Sys.getenv("HOME")))`)."""
    for _ in range(_LUA_MAX_STEPS):
        before = code

        def join(m: "re.Match[str]") -> str:
            parts = [_unquote_r(x) for x in re.findall(_R_STR, m.group(2))]
            if any("\\" in x for x in parts):
                return m.group(0)
            fn = re.sub(r"\s+", "", m.group(1))
            sep = _unquote_r(m.group(3)) if m.group(3) else ("" if fn == "paste0" else "/" if fn == "file.path" else " ")
            return _lua_q(sep.join(parts))

        code = _R_PASTE.sub(join, code)
        if code == before:
            break
    return code


def _unquote_r(lit: str) -> str:
    return lit[1:-1]


_LUA_STR = r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""
_LUA_CONCAT = lazyre.compile(_LUA_STR + r"\s*\.\.\s*" + _LUA_STR)
_LUA_CHAR = lazyre.compile(r"\bstring\s*\.\s*char\s*\(\s*(\d{1,3}(?:\s*,\s*\d{1,3}){0,255})\s*\)")
_LUA_REVERSE = lazyre.compile(r"\bstring\s*\.\s*reverse\s*\(\s*" + _LUA_STR + r"\s*\)|\(\s*" + _LUA_STR
                              + r"\s*\)\s*:\s*reverse\s*\(\s*\)")
# `os["execute"]`, `_G["os"]["execute"]`, `_G.os.execute`: a field named by a constant string is the field
_LUA_INDEX = lazyre.compile(r"""([\w\])])\s*\[\s*(?:"([A-Za-z_]\w*)"|'([A-Za-z_]\w*)')\s*\]""")
_LUA_GLOBALS = lazyre.compile(r"(?<![\w.])_G\s*\.\s*(?=[A-Za-z_])")
_LUA_MAX_STEPS = 256


def _lua_q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# PowerShell: a literal without interpolation ("…" with no `$`, or '…'), `A + B` of two, and a name
# given one (`$c = 'cu' + 'rl'`, then `& $c …`)
_PS_LIT = r"""(?:"(?:[^"`$\n]|`[^\n])*"|'(?:[^'\n]|'')*')"""
_PS_CONCAT = lazyre.compile(r"(" + _PS_LIT + r")\s*\+\s*(" + _PS_LIT + r")")
_PS_ASSIGN = lazyre.compile(r"(?:^|(?<=[;{(\n]))[ \t]*\$(\w{1,64})[ \t]*=[ \t]*(" + _PS_LIT + r")[ \t]*(?=[;}\n]|$)")
_PS_ESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "`": "`", '"': '"', "$": "$", "'": "'"}


def _ps_value(lit: str) -> str:
    body = lit[1:-1]
    if lit[0] == "'":
        return body.replace("''", "'")
    return re.sub(r"`(.)", lambda m: _PS_ESC.get(m.group(1), m.group(1)), body)


def _ps_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fold_powershell(code: str) -> str:
    """PowerShell's constant strings: `"cu" + "rl"` is `'curl'`, and a variable given a constant is
    that constant where it is used later (in a double-quoted string: its text; elsewhere: a
    literal), so `$c = 'cu' + 'rl'; & $c …` reads as `& 'curl' …`."""
    for _ in range(_LUA_MAX_STEPS):
        joined = _PS_CONCAT.sub(lambda m: _ps_quote(_ps_value(m.group(1)) + _ps_value(m.group(2))), code, count=64)
        if joined == code:
            break
        code = joined
    values: dict[str, str] = {}
    starts: dict[str, int] = {}
    for m in _PS_ASSIGN.finditer(code):
        values[m.group(1).lower()] = _ps_value(m.group(2))
        starts[m.group(1).lower()] = m.end()
    if not values:
        return code
    out: list[str] = []
    quote = ""
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if quote == "'":
            out.append(ch)
            quote = "" if ch == "'" else quote
            i += 1
            continue
        if ch == "`" and i + 1 < n:
            out.append(code[i:i + 2])
            i += 2
            continue
        if ch in "'\"" and not quote or ch == '"' and quote == '"':
            quote = "" if quote else ch
            out.append(ch)
            i += 1
            continue
        if ch == "$":
            m = re.match(r"\$(\w{1,64})", code[i:i + 66])
            name = m.group(1).lower() if m else ""
            if m and name in values and i >= starts[name] and not re.match(r"\s*=(?!=)", code[i + m.end():i + m.end() + 8]):
                out.append(values[name] if quote else _ps_quote(values[name]))
                i += m.end()
                continue
        out.append(ch)
        i += 1
    return _clip("".join(out))  # type: ignore[return-value]


def _fold_lua(code: str) -> str:
    """Lua's constant strings: `"cu".."rl"`, `string.char(114, 109)`, `string.reverse("…")` and
    `("…"):reverse()` become the literal they make (escapes inside the pieces are kept as written);
    a field indexed by one (`os["exec".."ute"]`, `_G["os"]`) becomes the plain field."""
    for _ in range(_LUA_MAX_STEPS):
        before = code
        code = _LUA_CHAR.sub(lambda m: _lua_q("".join(chr(int(n)) for n in re.findall(r"\d+", m.group(1))
                                                     if int(n) < 256)), code)
        code = _LUA_REVERSE.sub(lambda m: '"' + next(g for g in m.groups() if g is not None)[::-1] + '"'
                                if "\\" not in next(g for g in m.groups() if g is not None) else m.group(0), code)
        code = _LUA_CONCAT.sub(lambda m: '"' + ((m.group(1) if m.group(1) is not None else m.group(2).replace('"', '\\"'))
                                                + (m.group(3) if m.group(3) is not None else m.group(4).replace('"', '\\"')))
                               + '"', code, count=64)
        code = _LUA_GLOBALS.sub("", _LUA_INDEX.sub(lambda m: m.group(1) + "." + (m.group(2) or m.group(3)), code))
        if code == before:
            break
    return code


_PY_STR = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# pathlib's Path("/home/u", ".ssh", "authorized_keys"): one path of its pieces (os.path.join's rules)
_PY_PATH_ARGS = lazyre.compile(r"""\b((?:pathlib\s*\.\s*)?(?:Pure|Posix|PurePosix)?Path)\s*\(\s*(""" + _PY_STR +
                               r"""(?:\s*,\s*""" + _PY_STR + r"""){1,15})\s*\)""")


def _py_path_args(m: "re.Match[str]") -> str:
    parts = [x[1:-1] for x in re.findall(_PY_STR, m.group(2))]
    if any("\\" in x for x in parts):
        return m.group(0)
    return f'{m.group(1)}("{posixpath.join(*parts)}")'


def _fold(language: str, code: str) -> str:
    code = fold_home(language, code)
    if language == "python" and "Path" in code:
        code = _PY_PATH_ARGS.sub(_py_path_args, code)
    if not worth_folding(code, language):
        return code
    try:
        toks = _tokens(code, language)
    except _Fail:
        return code
    env: dict[str, Value] = {}
    p = _Parser(toks, language, env)
    out: list[str] = []
    pos = 0  # in code
    i = 0
    n = len(toks)
    steps = 0
    while i < n:
        steps += 1
        if steps > MAX_TOKENS:
            break
        tok = toks[i]
        # NAME += constant / $x .= constant: extend a remembered value
        if tok.kind == "name" and i + 2 < n and toks[i + 1].text == p.concat and toks[i + 2].text == "=" \
                and tok.text.lstrip("$") in env and (i == 0 or toks[i - 1].text not in (".", "->", "::")):
            key = tok.text.lstrip("$")
            try:
                v, k = p.expr(i + 3)
                env[key] = env[tok.text] = _clip(_as_text(env[key]) + _as_text(v))  # type: ignore[arg-type]
                i = k
            except _Fail:
                env.pop(key, None)
                env.pop(tok.text, None)
                i += 3
            continue
        # NAME = constant (py/js/ruby/perl/php): remember the value for later uses
        target = _assign_target(toks, i, language)
        if target is not None:
            name, j = target
            try:
                v, k = p.expr(j)
                if k >= n or toks[k].text in (";", "\n", ")", "}") or toks[k].start > toks[k - 1].end and \
                        "\n" in code[toks[k - 1].end:toks[k].start]:
                    env[name] = v
                    env[name.lstrip("$")] = v
                    if k - j > 1 and isinstance(v, (str, bytes)):
                        out.append(code[pos:toks[j].start])
                        out.append(_literal(_as_text(v)))
                        pos = toks[k - 1].end
                    i = k
                    continue
            except _Fail:
                pass
            env.pop(name, None)
            env.pop(name.lstrip("$"), None)
            i = j
            continue
        if tok.kind in ("str", "fstr", "jtpl", "istr", "name", "num") or tok.text in ("(", "["):
            if tok.kind == "name" and i > 0 and toks[i - 1].text in (".", "->", "::"):
                i += 1
                continue
            if tok.text in ("(", "[") and i > 0 and (toks[i - 1].kind in ("name", "str") or toks[i - 1].text in (")", "]")):
                i += 1  # a call's argument list or a subscript: fold what is inside, keep the brackets
                continue
            try:
                v, k = p.expr(i)
            except (_Fail, RecursionError, ValueError, OverflowError, IndexError, KeyError, TypeError, UnicodeError):
                i += 1  # (an evaluator edge case, `str()` with no argument …: not a constant)
                continue
            folded = (k - i > 1 or tok.kind in ("fstr", "jtpl", "istr") or (tok.kind == "name" and tok.text.lstrip("$") in env)) \
                and isinstance(v, (str, bytes))
            if not folded and k - i == 1 and tok.kind == "name" and i > 0 and (toks[i - 1].text in ("(", ",", "*") or language in ("perl", "ruby")
                                                         and toks[i - 1].text in ("system", "exec", "spawn")) \
                    and _argv_list(v):
                # a name holding a list of constant strings, handed to a call: `subprocess.run(a)`,
                # `spawnSync('rm', a)`, perl's `system(@a)`, ruby's `system(*a)` — the list as written
                # (perl and a ruby splat flatten it into the call's own arguments)
                flat = language == "perl" or toks[i - 1].text == "*"
                start = toks[i - 1].start if toks[i - 1].text == "*" else tok.start
                body = ", ".join(_literal(_as_text(x)) for x in v)  # type: ignore[union-attr]
                out.append(code[pos:start])
                out.append(body if flat else "[" + body + "]")
                pos = tok.end
                i = k
                continue
            if folded:
                out.append(code[pos:tok.start])
                out.append(_literal(_as_text(v)))
                pos = toks[k - 1].end
                i = k
                continue
            i += 1
            continue
        i += 1
    out.append(code[pos:])
    text = "".join(out)
    if text == code:
        return code
    for rx, rep in _REFLECT:
        text = rx.sub(rep, text)
    return text


def _argv_list(v: Value) -> bool:
    """A list of 1–64 constant strings (an argv a call could be handed)."""
    return isinstance(v, list) and 0 < len(v) <= 64 and all(isinstance(x, (str, bytes)) for x in v)


def _assign_target(toks: list[_Tok], i: int, lang: str) -> "tuple[str, int] | None":
    """(name, index of the value's first token) when toks[i:] is `NAME = …` (or `var NAME = …`,
    `my $x = …`)."""
    j = i
    if toks[j].text in ("var", "let", "const", "my", "our", "local") and j + 1 < len(toks):
        j += 1
    if toks[j].kind != "name" or j + 1 >= len(toks) or toks[j + 1].text != "=":
        return None
    if j + 2 < len(toks) and toks[j + 2].text == "=":
        return None  # `==`
    if i > 0 and toks[i - 1].text in (".", "->", "::", ",", "("):
        return None
    name = toks[j].text
    if lang in ("perl", "php") and not name.startswith(("$", "@")):
        return None
    return name, j + 2

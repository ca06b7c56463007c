"""Text the agent reads, normalised so that `on: text` rules see what the model would see.

An injection that a regex would otherwise miss hides in ways a model still reads: Unicode tag
characters (invisible, but each one spells an ASCII letter), zero-width characters inside words,
look-alike letters from other scripts (Cyrillic `о` in `ignоre`), full-width and mathematical
letters, HTML comments and hidden elements, markdown comments, base64 blobs. `view()` undoes each of
these once and returns three texts for the rules:

* `text` — the whole text, folded to plain letters;
* `hidden` — only what a human reading the rendered page would not see (comments, hidden elements,
  tag-character text) plus base64 blobs that decode to text;
* `instructions` — text that could be *addressed to* the agent: the prose (fenced code blocks, inline
  code and quoted spans removed: that is how documentation quotes an attack it talks about) plus all
  of `hidden` (hidden text is never a harmless quotation).

and `markers` naming what was undone (tag-characters, zero-width, bidi-control, confusables,
base64-text, hidden-element, truncated). Pure and linear in the input: no regex here can backtrack
(the patterns below have no nested quantifiers), every loop is bounded.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass

import re2

from adr import lazyre
from adr.engine import regexmem

MAX_CHARS = 1_000_000  # beyond this, head and tail are scanned (and "truncated" is a marker)
HEAD_CHARS = 750_000
TAIL_CHARS = 250_000
MAX_HIDDEN_PART = 4000  # characters kept from one comment / hidden element / decoded blob
MAX_HIDDEN_PARTS = 200
MAX_BLOBS = 16  # base64 runs decoded per text
MAX_BLOB_CHARS = 64 * 1024
MAX_JSON_STRINGS = 10000



def _b(pattern: str) -> "re2._Regexp":
    """A pattern for UTF-8 bytes (searching bytes spares the str↔byte offset conversions)."""
    return regexmem.compile(pattern.encode("utf-8"))


_TAG_RUN_STR = lazyre.compile("[\U000E0000-\U000E007F]+")
_TAG_RUN = _b("[\U000E0000-\U000E007F]+")
_FLAG = "\U0001F3F4"  # waving black flag: subdivision flags (England, Scotland …) are tag sequences
_ZW = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u2061\u2062\u2063\u2064\u034f"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
_ZW_ANY = _b(f"[{_ZW}]")
_ZW_IN_WORD = _b(f"[A-Za-z][{_ZW}]+[A-Za-z]")
_INVISIBLE_STR = lazyre.compile(f"[{_ZW}{_BIDI}]+")
_INVISIBLE = _b(f"[{_ZW}{_BIDI}]+")
_BIDI_ANY = _b(f"[{_BIDI}]")
_MIXED = _b("[A-Za-z][\u0370-\u03ff\u0400-\u04ff\u0131\u2113]|[\u0370-\u03ff\u0400-\u04ff\u0131\u2113][A-Za-z]")
# letters in full-width or mathematical styles: three in a row, or next to a plain Latin letter
_STYLED_CLASS = "\uff21-\uff3a\uff41-\uff5a\U0001d400-\U0001d7ff"
_STYLED = _b(f"[{_STYLED_CLASS}]{{3}}|[A-Za-z][{_STYLED_CLASS}]|[{_STYLED_CLASS}][A-Za-z]")
_SPECIAL = _b("[\U000E0000-\U000E007F\u200b-\u200f\u2060-\u2064\ufeff\u180e\u00ad\u034f"
                       "\u202a-\u202e\u2066-\u2069\u0370-\u03ff\u0400-\u04ff\u0131\u2113]")
_PUNCT = (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00a0", " "),
          ("\u2026", "..."), ("\u2122", "TM"), ("\u00b5", "\u03bc"), ("\u2009", " "), ("\u202f", " "))
# letters of other scripts that look like Latin ones (after NFKC): enough to spell English words
_CONFUSABLE_MAP = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "һ": "h",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y", "Һ": "H",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ı": "i", "ℓ": "l",
}
_CONFUSABLES = str.maketrans(_CONFUSABLE_MAP)
_HIDDEN_TAG = lazyre.compile(r"<([A-Za-z][A-Za-z0-9]{0,15})\b([^<>]{0,500})>")
_HIDDEN_ATTR = lazyre.compile(r"\bhidden\b|display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\s*[;\"']|"
                              r"opacity\s*:\s*0(?:\.0+)?\s*[;\"']|aria-hidden\s*=\s*[\"']?true|"
                              r"color\s*:\s*(?:#fff\b|#ffffff\b|white\b|transparent\b)", re.I)
# a quick DFA pass that tells whether _HIDDEN_TAG / _HIDDEN_ATTR can find anything at all
_HIDDEN_HINT = _b(r"(?i)<[a-z][^<>]{0,500}(?:hidden|display\s*:\s*none|visibility\s*:\s*hidden|"
                  r"font-size\s*:\s*0|opacity\s*:\s*0|color\s*:\s*(?:#fff|white|transparent))")
_MD_COMMENT = lazyre.compile(r"(?m)^[ \t]{0,3}\[(?://|comment|_)\]:[ \t]*(?:#|<>)[ \t]*\(([^\n]{0,2000})\)[ \t]*$")
_B64_RUN = regexmem.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
_B64_RUN_B = _b(r"[A-Za-z0-9+/_-]{40,}={0,2}")
_HEXISH = lazyre.compile(r"[0-9a-fA-F]+=*")
_NUMBERED = lazyre.compile(r"[ \t]*\d{1,7}(?:\t|→|: )")
_LINE_NO = lazyre.compile(r"(?m)^[ \t]*\d{1,7}(?:\t|→|: )")
_CODE_TAGS = lazyre.compile(r"<(pre|code|samp|kbd)\b[^<>]{0,200}>", re.I)
GAP = " \u2026 "  # what a removed code block leaves: a non-word mark, so no sentence spans it
QUOTE_FILL = "\u2026"  # a removed quotation leaves as many of these as it had characters (see instructions_superset)


@dataclass(frozen=True)
class TextView:
    text: str
    code_free: str  # text without code blocks, inline code, <pre>/<code>: the basis of `instructions`
    hidden: str
    markers: tuple[str, ...] = ()

    @property
    def instructions(self) -> str:
        """Prose (code_free without quotations) plus everything hidden. Computed on demand: most texts
        are ruled out on `instructions_superset` first (see there)."""
        prose = _without_quotes(self.code_free)
        return prose + "\n" + self.hidden if self.hidden else prose

    @property
    def instructions_superset(self) -> str:
        """What `instructions` is cut from, without the cutting: a removed quotation is replaced by as many
        QUOTE_FILL characters (not a letter, not a space, no anchor of any rule), so nothing can match in
        `instructions` that does not match here at the same place — and the regex bank can rule a text
        out here, without the (Python-speed) quotation pass (adr.engine.conditions RegexBank.SUPERSET)."""
        return self.code_free + "\n" + self.hidden if self.hidden else self.code_free


def view(raw: str) -> TextView:
    """The texts and the markers for `raw` (any size: bounded by MAX_CHARS)."""
    markers: list[str] = []
    hidden: list[str] = []
    if len(raw) > MAX_CHARS:
        raw = raw[:HEAD_CHARS] + "\n" + raw[-TAIL_CHARS:]
        markers.append("truncated")
    text = raw if raw.isascii() else _unicode(raw, markers, hidden)
    text = _strip_line_numbers(text)
    if text[:64].lstrip()[:1] in ("{", "["):
        strings = _json_strings(text)
        if strings:  # the values are what the model reads; the quoting and escapes only hide them
            text = strings
            markers.append("json")
    data = text.encode("utf-8", "surrogatepass")  # the re2 checks below run on bytes: one conversion
    code_free = _without_code(text)  # markup shown in a code block is visible, not hidden
    if "<!--" in code_free:
        _html_comments(code_free, hidden)
    if "<" in code_free and _HIDDEN_HINT.search(data):
        _hidden_elements(code_free, hidden, markers)
    if "]:" in code_free:
        for m in _MD_COMMENT.finditer(code_free):
            if len(hidden) < MAX_HIDDEN_PARTS:
                hidden.append(m.group(1)[:MAX_HIDDEN_PART])
    if _B64_RUN_B.search(data):
        _base64_text(text, hidden, markers)
    return TextView(text, code_free, "\n".join(hidden), tuple(dict.fromkeys(markers)))


def _unicode(raw: str, markers: list[str], hidden: list[str]) -> str:
    text = raw
    mixed = False
    data = text.encode("utf-8", "surrogatepass")  # the checks run on bytes: no offset conversions
    if _SPECIAL.search(data):  # one DFA pass; most non-ASCII text has none of these
        if _TAG_RUN.search(data):
            text = _tag_characters(text, markers, hidden)
            data = text.encode("utf-8", "surrogatepass")
        if _INVISIBLE.search(data):
            if _ZW_ANY.search(data) and _count(_ZW_IN_WORD, data, 2) >= 2:
                markers.append("zero-width")
            if _BIDI_ANY.search(data):
                markers.append("bidi-control")
            text = _INVISIBLE_STR.sub("", text)
            data = text.encode("utf-8", "surrogatepass")
        mixed = _MIXED.search(data) is not None
    for a, b in _PUNCT:  # common and harmless: folded cheaply, so most texts need no NFKC pass
        if a in text:
            text = text.replace(a, b)
    if not unicodedata.is_normalized("NFKC", text):
        if _STYLED.search(data):  # full-width / mathematical letters spelling words
            markers.append("confusables")
        text = unicodedata.normalize("NFKC", text)
    if mixed:
        # a word mixing Latin with Cyrillic/Greek look-alikes ("ignоre"): fold the look-alikes. A
        # text wholly in another script has no such words and is left as it is.
        markers.append("confusables")
        text = text.translate(_CONFUSABLES)
    return text


def _count(rx: "re2._Regexp", text: str, upto: int) -> int:
    n = 0
    for _ in rx.finditer(text):
        n += 1
        if n >= upto:
            break
    return n


def _tag_characters(text: str, markers: list[str], hidden: list[str]) -> str:
    """Unicode tag characters (U+E0000–U+E007F) are invisible but each maps to an ASCII character:
    decode them into `hidden`. A short tag sequence after the black flag is an emoji flag, not text."""
    out: list[str] = []
    pos = 0
    found = False
    for m in _TAG_RUN_STR.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        run = m.group(0)
        if m.start() > 0 and text[m.start() - 1] == _FLAG and len(run) <= 8:
            continue
        decoded = "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)
        if sum(ch.isalpha() for ch in decoded) >= 3:
            found = True
            if len(hidden) < MAX_HIDDEN_PARTS:
                hidden.append(decoded[:MAX_HIDDEN_PART])
    out.append(text[pos:])
    if found:
        markers.append("tag-characters")
    return "".join(out)


def _json_strings(text: str) -> str:
    """The string values of a JSON document, one per paragraph: what a JSON API or MCP result says,
    with its escapes undone (an injected "\\n\\nIgnore …" inside a value reads as the model reads it)."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return ""
    out: list[str] = []
    size = 0
    stack = [doc]
    while stack and len(out) < MAX_JSON_STRINGS and size < MAX_CHARS:
        v = stack.pop()
        if isinstance(v, str):
            if len(v) >= 8:
                out.append(v)
                size += len(v)
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            stack.extend(reversed(v))
    return "\n\n".join(out)


def _strip_line_numbers(text: str) -> str:
    """`cat -n`-style numbered lines (how some hosts hand a read file to the model): rules anchor at
    the start of a line, so the numbers go when most of the first lines carry them."""
    if not _NUMBERED.match(text):
        return text
    head = text[:4000]
    lines = sum(1 for line in head.split("\n") if line.strip())
    if lines < 3 or len(_LINE_NO.findall(head)) * 5 < lines * 4:
        return text
    return _LINE_NO.sub("", text)


def _html_comments(text: str, hidden: list[str]) -> None:
    pos = 0
    while len(hidden) < MAX_HIDDEN_PARTS:
        start = text.find("<!--", pos)
        if start < 0:
            return
        end = text.find("-->", start + 4)
        body = text[start + 4: end if end >= 0 else start + 4 + MAX_HIDDEN_PART]
        if body.strip():
            hidden.append(body[:MAX_HIDDEN_PART])
        if end < 0:
            return
        pos = end + 3


def _hidden_elements(text: str, hidden: list[str], markers: list[str]) -> None:
    """Elements a browser would not show (hidden, display:none, zero size, white on white)."""
    for m in _HIDDEN_TAG.finditer(text):
        if len(hidden) >= MAX_HIDDEN_PARTS:
            return
        attrs = m.group(2)
        if not attrs or not _HIDDEN_ATTR.search(attrs):
            continue
        close = text.find(f"</{m.group(1)}>", m.end(), m.end() + MAX_HIDDEN_PART)
        body = text[m.end(): close if close >= 0 else m.end() + MAX_HIDDEN_PART]
        body = re.sub(r"<[^<>]{0,500}>", " ", body)
        if body.strip():
            hidden.append(body)
            if "hidden-element" not in markers:
                markers.append("hidden-element")


def _base64_text(text: str, hidden: list[str], markers: list[str]) -> None:
    """Long base64 runs that decode to readable text, decoded once (not recursively)."""
    blobs = 0
    for m in _B64_RUN.finditer(text):
        run = m.group(0)
        if _HEXISH.fullmatch(run) or run.isalpha() or run.isdigit():
            continue  # hashes, plain words run together
        blobs += 1
        if blobs > MAX_BLOBS or len(hidden) >= MAX_HIDDEN_PARTS:
            return
        decoded = _b64decode(run[:MAX_BLOB_CHARS])
        if decoded:
            hidden.append(decoded[:MAX_HIDDEN_PART])
            if "base64-text" not in markers:
                markers.append("base64-text")


def _b64decode(run: str) -> str:
    body = run.rstrip("=")
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    body += "=" * (-len(body) % 4)
    try:
        if "-" in body or "_" in body:
            data = base64.urlsafe_b64decode(body)
        else:
            data = base64.b64decode(body)
        s = data.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return ""
    if len(s) < 16 or (" " not in s and "\n" not in s):
        return ""
    printable = sum(1 for c in s if c.isprintable() or c in "\n\t\r")
    return s if printable * 10 >= len(s) * 9 else ""


def _without_code(text: str) -> str:
    """The text without fenced code blocks, inline code and <pre>/<code> elements: where
    documentation *shows* an attack instead of making one. Each removed span leaves GAP, so no
    match can join the words on both sides of it."""
    if "```" in text or "~~~" in text:
        text = _drop_fences(text)
    if "`" in text:
        text = _drop_spans(text, "`", "`", 300)
    if "<" in text and _CODE_TAGS.search(text):
        text = _drop_code_tags(text)
    return text


def _without_quotes(text: str) -> str:
    """…and without quoted spans (how an article cites an attack), except quoted values in data."""
    if '"' in text:
        text = _drop_spans(text, '"', '"', 400, prose_only=True)
    if "\u00ab" in text:
        text = _drop_spans(text, "\u00ab", "\u00bb", 400, fill=True)
    return text


def _drop_spans(text: str, open_: str, close: str, limit: int, prose_only: bool = False, fill: bool = False) -> str:
    """Remove open…close spans that stay on one line and within `limit` characters (leftmost
    first, like a regex would), by splitting: linear, and fast in C for the common case.

    `prose_only` (double quotes): only a quotation *in a sentence* goes — after a word and a space,
    or at the start of a line. A quoted value in data (`"text": "…"`, `["a", "b"]`, `x = "…"`) stays:
    JSON that a tool returns is where injected text sits, not where an article quotes it.
    `fill`: a removed span leaves as many QUOTE_FILL characters as it had (see TextView), else GAP."""
    if open_ == close:
        parts = text.split(open_)
        if len(parts) < 3:
            return text
        out = [parts[0]]
        i, n = 1, len(parts)
        while i < n:
            inner = parts[i]
            if (i + 1 < n and 0 < len(inner) <= limit and "\n" not in inner
                    and (not prose_only or _in_sentence(out[-1]))):
                out.append(QUOTE_FILL * (len(inner) + 2) if prose_only or fill else GAP)
                out.append(parts[i + 1])
                i += 2
            else:
                out.append(open_)
                out.append(inner)
                i += 1
        return "".join(out)
    out, pos = [], 0
    while True:
        a = text.find(open_, pos)
        if a < 0:
            break
        b = text.find(close, a + 1, a + 1 + limit + 1)
        if b < 0 or "\n" in text[a:b]:
            out.append(text[pos:a + 1])
            pos = a + 1
            continue
        out.append(text[pos:a])
        out.append(QUOTE_FILL * (b + 1 - a) if fill else GAP)
        pos = b + 1
    out.append(text[pos:])
    return "".join(out)


def _in_sentence(before: str) -> bool:
    """Is a quotation opening right after `before` text rather than a value in data? Data is a
    JSON-style `[ "…`, `{ "…`, `"key": "…` or `"a", "…`; everything else (a sentence, a string
    literal in code) is quoting, which the `instructions` view leaves out."""
    stripped = before.rstrip(" \t")
    if not stripped:
        return True
    c = stripped[-1]
    if c in "[{":
        return False
    if c in ":,":
        return not stripped[:-1].rstrip(" \t").endswith('"')
    return True


def _drop_fences(text: str) -> str:
    """Fenced code blocks (``` or ~~~ at the start of a line, closed by a bare fence of the same
    kind; an unclosed one runs to the end, as markdown renders it)."""
    out: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        line, at = _next_fence(text, pos)
        if line < 0:
            break
        fence = text[at:at + 3]
        out.append(text[pos:line])
        eol = text.find("\n", at)
        search = n if eol < 0 else eol + 1
        close = n
        while search < n:
            cline, cat = _next_fence(text, search, fence)
            if cline < 0:
                break
            ceol = text.find("\n", cat)
            if not text[cat + 3:ceol if ceol >= 0 else n].strip(fence[0] + " \t\r"):
                close = ceol if ceol >= 0 else n
                break
            search = ceol + 1 if ceol >= 0 else n
        out.append(GAP)
        pos = close
    out.append(text[pos:])
    return "".join(out)


def _next_fence(text: str, pos: int, fence: str = "") -> tuple[int, int]:
    """(line start, fence position) of the next line at or after pos that begins, after at most
    three spaces, with a fence; (-1, -1) when there is none."""
    best = (-1, -1)
    for k in ((fence,) if fence else ("```", "~~~")):
        p = pos
        while True:
            i = text.find(k, p)
            if i < 0:
                break
            line = text.rfind("\n", 0, i) + 1
            if line >= pos and i - line <= 3 and not text[line:i].strip(" "):
                if best[0] < 0 or line < best[0]:
                    best = (line, i)
                break
            p = i + 3
    return best


def _drop_code_tags(text: str) -> str:
    out: list[str] = []
    lower = text.lower()
    pos = 0
    for _ in range(10000):
        m = _CODE_TAGS.search(text, pos)
        if m is None:
            break
        out.append(text[pos:m.start()])
        out.append(GAP)
        close = lower.find(f"</{m.group(1).lower()}", m.end())
        pos = close if close >= 0 else len(text)
    out.append(text[pos:])
    return "".join(out)

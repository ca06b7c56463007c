"""Take secrets out of text before it is written anywhere (audit log, daemon log, status).

Patterns are linear-time (no nested quantifiers) and run on a bounded prefix of the text, so a
hostile command line cannot make redaction slow. What is replaced keeps a label saying what kind
of secret it was, so a record stays explainable.
"""
from __future__ import annotations

import re

from adr import lazyre

MASK = "[REDACTED:{}]"
MAX_SCAN = 16 * 1024  # redact at most this much; callers then truncate to their display limit

_TOKEN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("private-key", lazyre.compile(
        r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|.*\Z)",
        re.S)),
    ("aws-key", lazyre.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    ("github-token", lazyre.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{20,255})")),
    ("gitlab-token", lazyre.compile(r"\bgl(?:pat|dt|ptt|rt|cbt|soat|ft|imt)-[A-Za-z0-9_-]{20,255}")),
    ("slack-token", lazyre.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,255}")),
    ("slack-webhook", lazyre.compile(r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{10,255}")),
    ("anthropic-key", lazyre.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,255}")),
    ("openai-key", lazyre.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,255}")),
    ("stripe-key", lazyre.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,255}")),
    ("google-api-key", lazyre.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("npm-token", lazyre.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("pypi-token", lazyre.compile(r"\bpypi-[A-Za-z0-9_-]{50,255}")),
    ("jwt", lazyre.compile(r"\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}")),
]

# "Authorization: Bearer abc", "-H 'Authorization: token abc'", "Proxy-Authorization: Basic …"
_AUTH_HEADER = lazyre.compile(r"(?i)\b((?:proxy-)?authorization\s*[:=]\s*)(?:(bearer|basic|token|digest)\s+)?([^\s'\"]{1,4096})")
_BEARER = lazyre.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9._~+/=-]{8,4096})")
# password=…, API_TOKEN: …, "secret": "…", --password …; the key names what it is.
_KEY_WORDS = r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth(?!or)|credentials?|session[_-]?id|cookie)"
_VALUE = r"(\"[^\"\n]{0,4096}\"|'[^'\n]{0,4096}'|[^\s\"'&;,}-][^\s\"'&;,}]{0,4095})"
_ASSIGNMENT = lazyre.compile(
    r"(?i)(\b[A-Za-z0-9_.-]{0,40}" + _KEY_WORDS + r"[A-Za-z0-9_.-]{0,40}[\"']?\s*[:=]\s*)" + _VALUE)
_FLAG = lazyre.compile(r"(?i)(--?" + r"[A-Za-z0-9-]{0,20}" + _KEY_WORDS + r"[A-Za-z0-9-]{0,20}(?:=|\s+))" + _VALUE)
_MYSQL_P = lazyre.compile(r"(\s-p)([^\s'\"]{3,4096})")  # mysql -psecret
_URL_USERINFO = lazyre.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{0,20}://)([^/\s:@'\"]{1,256}):([^/\s@'\"]{1,1024})@")
_URL_QUERY = lazyre.compile(r"\b((?:https?|wss?|ftp)://[^\s?#'\"]{1,2048})\?[^\s#'\"]{1,8192}")


def redact(text: str, limit: int | None = None) -> str:
    """`text` with secrets masked; at most `limit` characters (… marks a cut)."""
    if not text:
        return text
    head = text[:MAX_SCAN]
    cut = len(text) > MAX_SCAN
    for label, pat in _TOKEN_PATTERNS:
        head = pat.sub(MASK.format(label), head)
    head = _AUTH_HEADER.sub(lambda m: m.group(1) + (m.group(2) + " " if m.group(2) else "") + MASK.format("auth"), head)
    head = _BEARER.sub(lambda m: m.group(1) + MASK.format("auth"), head)
    head = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK.format('password')}@", head)
    head = _URL_QUERY.sub(lambda m: m.group(1) + "?" + MASK.format("query"), head)
    head = _ASSIGNMENT.sub(_keep_masked, head)
    head = _FLAG.sub(_keep_masked, head)
    head = _MYSQL_P.sub(lambda m: m.group(1) + MASK.format("password"), head)
    if cut:
        head += "…"
    if limit is not None and len(head) > limit:
        head = head[: max(0, limit - 1)] + "…"
    return head


def _keep_masked(m: "re.Match[str]") -> str:
    value = m.group(2)
    quote = value[0] if value[0] in "\"'" else ""
    inner = value[1:-1] if quote else value
    if not inner or inner.startswith(("[REDACTED:", "$")):  # already masked / a variable name
        return m.group(0)
    return m.group(1) + quote + MASK.format("secret") + quote

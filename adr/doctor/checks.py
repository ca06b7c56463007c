"""One line of `adr doctor`'s report: what was checked, how it went, what to do about it."""
from __future__ import annotations

from dataclasses import dataclass

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # OK | WARN | FAIL | SKIP
    detail: str = ""


def worst(checks: "list[Check] | tuple[Check, ...]") -> str:
    states = {c.status for c in checks}
    return FAIL if FAIL in states else WARN if WARN in states else OK if OK in states else SKIP

"""Grants: what the human allowed beyond one answer — once (later), this session, N minutes,
always in a project, always everywhere. sqlite at `paths.grants_db` (0600).

A grant is keyed by a rule id and a fingerprint of the action as adr understands it — the shell
layer's resolved argv (quoting, escapes, `${IFS}`, wrappers and absolute program paths already
undone), the normalized path, the URL without query, fragment or credentials — never the raw text,
so an agent cannot make a granted action look different, nor a different action look granted.
An action passes by grants only when every rule that asks about it is granted.
Deny-level rules are never granted: an override is always one action, confirmed twice.

Every row carries an HMAC over all of its fields (uses and revocation included) with a sub-key of
adr's integrity key (policy/integrity.py), which only adr's processes read. A row an agent inserted
or edited around adr — `python -c 'sqlite3.connect(…).execute("insert …")'` — does not verify: it
is never used, shows as unverified in `adr grants list`, and is reported once (`on_tamper`).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shlex
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from adr.actions import Action, ActionKind

SCOPES = ("once", "session", "minutes", "project", "global")
ONCE_TTL = 15 * 60  # an "allow once" left for a retry (headless, `adr approve`) expires unused
SESSION_TTL = 24 * 3600  # a session grant never outlives a day
SUBJECT_LIMIT = 300

_SCHEMA = """
CREATE TABLE IF NOT EXISTS grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    session TEXT NOT NULL DEFAULT '',
    project TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    expires REAL,
    uses INTEGER NOT NULL DEFAULT 0,
    channel TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    revoked REAL,
    mac TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS grants_key ON grants (fingerprint, rule_id);
"""
_MAC_FIELDS = ("id", "rule_id", "fingerprint", "subject", "scope", "host", "session", "project", "created",
               "expires", "uses", "channel", "question", "revoked")
log = logging.getLogger("adr.grants")


@dataclass(frozen=True)
class Fingerprint:
    digest: str  # sha256 of the canonical form
    subject: str  # the canonical form, readable (clipped) — what `adr grants list` shows


@dataclass(frozen=True)
class Grant:
    id: int
    rule_id: str
    fingerprint: str
    subject: str
    scope: str
    host: str
    session: str
    project: str
    created: float
    expires: float | None
    uses: int
    channel: str
    question: str
    revoked: float | None = None
    verified: bool = True  # its MAC checks out: made by adr, unchanged since

    def active(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        if self.revoked is not None or not self.verified:
            return False
        if self.scope == "once" and self.uses > 0:
            return False
        return self.expires is None or self.expires > now

    def describe(self) -> str:
        where = {"once": "once", "session": f"this session ({self.session[:12]})",
                 "minutes": "until " + time.strftime("%H:%M", time.localtime(self.expires or 0)),
                 "project": f"always in {self.project}", "global": "always, everywhere"}.get(self.scope, self.scope)
        by = f" by {self.channel}" if self.channel else ""
        return f"grant #{self.id} ({where}{by})"

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {"active": self.active()}


# ---- fingerprints ----------------------------------------------------------------------------

def _command_canon(command: str, cwd: str, home: str) -> str:
    from adr.engine.pathnorm import normalize
    from adr.shell.parse import parse_remembered

    try:
        parsed = parse_remembered(command)
    except Exception:  # the engine already decided; an unparseable command keys on its words
        return "raw:" + " ".join(command.split())
    if not parsed.commands or any(i.kind in ("parse-error", "too-large", "too-deep", "too-many-nodes")
                                  for i in parsed.issues):
        return "raw:" + " ".join(command.split())
    parts = []
    for c in parsed.commands:
        words = [c.program_path or c.program, *c.argv[1:]]
        line = " ".join(shlex.quote(w) for w in words)
        if c.sudo:
            line = "sudo " + line
        for r in c.redirects:
            if r.target and r.op not in ("<<", "<<<"):
                line += f" {r.fd}{r.op}{shlex.quote(normalize(r.target, cwd, home))}"
        if c.stdin_text:
            line += " <<<#" + hashlib.sha256(c.stdin_text.encode("utf-8", "replace")).hexdigest()[:16]
        parts.append(line)
    for w in parsed.writes:
        if w.content is not None:
            parts.append(f"write {shlex.quote(normalize(w.path, cwd, home))} #"
                         + hashlib.sha256(w.content.encode("utf-8", "replace")).hexdigest()[:16])
    return " ; ".join(dict.fromkeys(parts))


def clean_url(url: str) -> str:
    """scheme://host[:port]/path — no credentials, query or fragment; scheme and host lowercased."""
    u = url.strip()
    try:
        p = urlsplit(u if "://" in u else "http://" + u)
        host = (p.hostname or "").lower().rstrip(".")
        netloc = host + (f":{p.port}" if p.port else "")
        return urlunsplit((p.scheme.lower(), netloc, p.path or "/", "", ""))
    except ValueError:
        return " ".join(u.split()).split("?", 1)[0].split("#", 1)[0]


def fingerprint(action: Action) -> Fingerprint:
    from adr.engine.pathnorm import normalize

    ctx = action.context
    cwd, home = ctx.cwd or "/", ctx.home
    k = action.kind
    if k is ActionKind.EXEC:
        canon = "exec " + _command_canon(action.command, cwd, home)
    elif k in (ActionKind.FILE_WRITE, ActionKind.FILE_EDIT, ActionKind.FILE_READ, ActionKind.FILE_DELETE):
        canon = f"{k.value} {normalize(action.path, cwd, home)}"
    elif k is ActionKind.URL_FETCH:
        canon = "fetch " + clean_url(action.url)
    elif k is ActionKind.PACKAGE_INSTALL:
        canon = "install " + " ".join(sorted(f"{p.ecosystem}:{p.name}{p.spec}" + (f"@{p.source}" if p.source else "")
                                             + (f"[{clean_url(p.index)}]" if p.index else "") for p in action.packages))
    else:
        try:
            args = json.dumps(json.loads(action.arguments or "null"), sort_keys=True, separators=(",", ":"))
        except ValueError:
            args = " ".join(action.arguments.split())
        canon = f"mcp {action.mcp_server}.{action.mcp_tool} #" + hashlib.sha256(args.encode()).hexdigest()[:16]
    digest = hashlib.sha256(canon.encode("utf-8", "surrogatepass")).hexdigest()
    from adr.record.redact import redact

    return Fingerprint(digest, redact(canon, SUBJECT_LIMIT))  # shown by `adr grants list`: no secrets


def project_of(cwd: str, max_up: int = 40) -> str:
    """The project an action belongs to: the nearest directory with .git (or .hg), else cwd."""
    if not cwd:
        return ""
    p = Path(os.path.abspath(cwd))
    cur = p
    for _ in range(max_up):
        try:
            if (cur / ".git").exists() or (cur / ".hg").exists():
                return str(cur)
        except OSError:
            break
        if cur.parent == cur:
            break
        cur = cur.parent
    return str(p)


# ---- the store ------------------------------------------------------------------------------

Tampered = Callable[["Grant", str], None]


def _log_tamper(g: "Grant", why: str) -> None:
    log.error("grant #%s (%s) ignored: %s", g.id, g.rule_id, why)


class GrantStore:
    """The grants database. `key`: the MAC key (default: the integrity key beside the database, in
    the state dir); `on_tamper(grant, why)`: told once per row that fails verification."""

    def __init__(self, path: Path | str, key: bytes | None = None, on_tamper: Tampered | None = None) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._key = key
        self.on_tamper = on_tamper or _log_tamper
        self._reported: set[tuple[int, str]] = set()

    def _mac_key(self) -> bytes:
        if self._key is None:
            from adr.paths import INTEGRITY_KEY_NAME
            from adr.policy.integrity import load_key, subkey
            self._key = subkey(load_key(self.path.parent / INTEGRITY_KEY_NAME), "grants")
        return self._key

    def _mac(self, values: dict[str, Any]) -> str:
        body = json.dumps([values[k] for k in _MAC_FIELDS], separators=(",", ":"), ensure_ascii=False)
        return hmac.new(self._mac_key(), body.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            os.chmod(self.path, 0o600)
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.executescript(_SCHEMA)
            if "mac" not in {r["name"] for r in db.execute("PRAGMA table_info(grants)")}:
                # rows from before grants were authenticated stay unverified: re-grant them
                db.execute("ALTER TABLE grants ADD COLUMN mac TEXT NOT NULL DEFAULT ''")
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _grant(self, r: sqlite3.Row) -> Grant:
        g = _grant(r)
        try:
            ok = hmac.compare_digest(str(r["mac"] or ""), self._mac({k: r[k] for k in _MAC_FIELDS}))
        except (OSError, ValueError) as e:  # no key: nothing can be verified
            ok = False
            why = f"adr's integrity key is not available ({e})"
        else:
            why = "its MAC does not verify: it was written or changed outside adr"
        if not ok:
            g = replace(g, verified=False)
            if (g.id, str(r["mac"])) not in self._reported:
                self._reported.add((g.id, str(r["mac"])))
                try:
                    self.on_tamper(g, why)
                except Exception:
                    log.exception("reporting a tampered grant failed")
        return g

    def _sign(self, db: sqlite3.Connection, grant_id: int) -> None:
        row = db.execute("SELECT * FROM grants WHERE id = ?", (grant_id,)).fetchone()
        if row is not None:
            db.execute("UPDATE grants SET mac = ? WHERE id = ?", (self._mac({k: row[k] for k in _MAC_FIELDS}), grant_id))

    def _update(self, grant_id: int, sql: str, args: tuple[Any, ...]) -> int:
        """Change one verified row and re-sign it, atomically; a row that does not verify is left
        as it is (0)."""
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT * FROM grants WHERE id = ?", (grant_id,)).fetchone()
            if row is None or not self._grant(row).verified:
                db.execute("COMMIT")
                return 0
            n = db.execute(sql, args).rowcount
            if n:
                self._sign(db, grant_id)
            db.execute("COMMIT")
            return n
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def add(self, rule_ids: Iterable[str], fp: Fingerprint, scope: str, *, host: str = "", session: str = "",
            project: str = "", minutes: float = 0, channel: str = "", question: str = "",
            now: float | None = None) -> list[Grant]:
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
        if scope == "session" and not session:
            raise ValueError("a session grant needs the session id")
        if scope == "project" and not project:
            raise ValueError("a project grant needs the project directory")
        if scope == "minutes" and minutes <= 0:
            raise ValueError("a timed grant needs a positive number of minutes")
        now = time.time() if now is None else now
        expires = {"once": now + ONCE_TTL, "session": now + SESSION_TTL,
                   "minutes": now + minutes * 60}.get(scope)
        self._mac_key()  # no key, no grant (raises before anything is written)
        db = self._conn()
        ids = []
        db.execute("BEGIN IMMEDIATE")
        try:
            for rid in dict.fromkeys(rule_ids):
                cur = db.execute(
                    "INSERT INTO grants (rule_id, fingerprint, subject, scope, host, session, project, created, expires,"
                    " channel, question) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (rid, fp.digest, fp.subject, scope, host if scope in ("once", "session") else "",
                     session if scope in ("once", "session") else "", project if scope == "project" else "",
                     now, expires, channel, question))
                ids.append(cur.lastrowid)
                self._sign(db, int(cur.lastrowid or 0))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return [g for g in self.list(include_inactive=True) if g.id in ids]

    def match(self, rule_ids: Iterable[str], fp: Fingerprint, *, host: str = "", session: str = "",
              project: str = "", consume: bool = True, now: float | None = None) -> list[Grant] | None:
        """One active, verified grant per rule id, or None when any rule is not granted. Uses
        once-grants."""
        now = time.time() if now is None else now
        wanted = list(dict.fromkeys(rule_ids))
        if not wanted:
            return None
        db = self._conn()
        rows = db.execute(
            f"SELECT * FROM grants WHERE fingerprint = ? AND rule_id IN ({','.join('?' * len(wanted))})"
            " AND revoked IS NULL AND (expires IS NULL OR expires > ?)", (fp.digest, *wanted, now)).fetchall()
        rank = {"once": 0, "session": 1, "minutes": 2, "project": 3, "global": 4}
        chosen: dict[str, Grant] = {}
        for g in sorted((self._grant(r) for r in rows), key=lambda g: rank.get(g.scope, 9)):
            if not g.active(now) or g.rule_id in chosen:
                continue
            if g.scope in ("once", "session") and (g.session != session or g.host != host):
                continue
            if g.scope == "project" and g.project != project:
                continue
            chosen[g.rule_id] = g
        if any(r not in chosen for r in wanted):
            return None
        if consume:
            for g in chosen.values():
                if g.scope == "once":
                    if not self._update(g.id, "UPDATE grants SET uses = uses + 1 WHERE id = ? AND uses = 0", (g.id,)):
                        return None  # used meanwhile (or changed): not granted
                else:
                    self._update(g.id, "UPDATE grants SET uses = uses + 1 WHERE id = ?", (g.id,))
        return [chosen[r] for r in wanted]

    def list(self, include_inactive: bool = False) -> list[Grant]:
        rows = self._conn().execute("SELECT * FROM grants ORDER BY id").fetchall()
        out = [self._grant(r) for r in rows]
        return out if include_inactive else [g for g in out if g.active()]

    def get(self, grant_id: int) -> Grant | None:
        row = self._conn().execute("SELECT * FROM grants WHERE id = ?", (grant_id,)).fetchone()
        return self._grant(row) if row else None

    def revoke(self, grant_id: int, now: float | None = None) -> bool:
        """Revoke a grant (a row that does not verify is deleted instead: it grants nothing anyway)."""
        t = time.time() if now is None else now
        if self._update(grant_id, "UPDATE grants SET revoked = ? WHERE id = ? AND revoked IS NULL", (t, grant_id)):
            return True
        g = self.get(grant_id)
        if g is not None and not g.verified:
            return self._conn().execute("DELETE FROM grants WHERE id = ?", (grant_id,)).rowcount > 0
        return False

    def prune(self, older_than: float = 30 * 86400, now: float | None = None) -> int:
        """Forget grants that ended (expired, used, revoked) more than `older_than` seconds ago."""
        cut = (time.time() if now is None else now) - older_than
        cur = self._conn().execute(
            "DELETE FROM grants WHERE (revoked IS NOT NULL AND revoked < ?) OR (expires IS NOT NULL AND expires < ?)"
            " OR (scope = 'once' AND uses > 0 AND created < ?)", (cut, cut, cut))
        return cur.rowcount


def _grant(r: sqlite3.Row) -> Grant:
    return Grant(id=r["id"], rule_id=r["rule_id"], fingerprint=r["fingerprint"], subject=r["subject"],
                 scope=r["scope"], host=r["host"], session=r["session"], project=r["project"],
                 created=r["created"], expires=r["expires"], uses=r["uses"], channel=r["channel"],
                 question=r["question"], revoked=r["revoked"])

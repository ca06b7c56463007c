"""Grants cannot be forged or stretched around adr: every row carries an HMAC with a key only adr's
processes read. An agent that reaches the grants database some other way (a script the gate did
not see) and inserts a row, copies a row's MAC, widens a grant's scope, un-revokes it or resets a
used one-time grant gets nothing: the row is ignored, the human is told (audit "alert" record,
`adr grants list`), and the action is still asked about. Through the real hook and daemon."""
from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import time

import pytest

from adr.actions import Action, ActionKind, Context
from adr.policy.grants import GrantStore, fingerprint
from tests._approval_helpers import RULES
from tests._daemon_helpers import BIN, write_test_rule
from tests._selfdef_helpers import audit_records, hook, make_install, start, stop

RULE = "test.ask-frobnicate"


@pytest.fixture()
def inst(tmp_path):
    i = make_install(tmp_path / "i", "adr_home")
    write_test_rule(i.paths.config_dir.parent, RULES, name="approvaltest.yaml")
    start(i)
    yield i
    stop(i)


def fp(inst, command):
    return fingerprint(Action(ActionKind.EXEC, Context(cwd=str(inst.project), home=str(inst.home)), command=command))


def raw(inst):
    return sqlite3.connect(inst.paths.grants_db, isolation_level=None)


def alerts(inst):
    return [r for r in audit_records(inst) if r.get("event") == "alert" and r.get("kind") == "grant"
            and (r.get("alert") or {}).get("security") == "grant-tampered"]


def grants_json(inst):
    p = subprocess.run([str(BIN / "adr"), "grants", "list", "--all", "--json"], env=inst.env, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return {g["id"]: g for g in json.loads(p.stdout)}


def test_a_grant_adr_made_is_honoured(inst):
    assert hook(inst, "frobnicate --all")[0] == "ask"
    GrantStore(inst.paths.grants_db).add([RULE], fp(inst, "frobnicate --all"), "global", channel="test")
    assert hook(inst, "frobnicate --all")[0] == "allow"
    assert hook(inst, "frobnicate --other")[0] == "ask"
    assert not alerts(inst)


def test_the_key_is_private_and_the_agent_cannot_read_it(inst):
    GrantStore(inst.paths.grants_db).add([RULE], fp(inst, "frobnicate --x"), "global")
    key = inst.paths.integrity_key
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600 and len(key.read_bytes()) == 32
    for cmd in (f"cat {key}", f"cp {key} /tmp/k", f"xxd {key}", f"python3 -c \"print(open('{key}','rb').read())\"",
                f"base64 {str(key)[:-3]}*"):
        assert hook(inst, cmd)[0] == "deny", cmd
    assert hook(inst, tool="Read", path=str(key))[0] == "deny"


@pytest.mark.parametrize("how", ["insert", "copy-mac", "widen-scope", "retarget", "unrevoke", "reuse-once",
                                 "extend-expiry"])
def test_a_forged_or_changed_grant_is_ignored_and_reported(inst, how):
    store = GrantStore(inst.paths.grants_db)
    store.list()  # the schema, as the daemon makes it at its first question
    now = time.time()
    target = fp(inst, "frobnicate --all")
    if how == "insert":
        with raw(inst) as db:
            db.execute("INSERT INTO grants (rule_id, fingerprint, subject, scope, created, channel) VALUES (?,?,?,?,?,?)",
                       (RULE, target.digest, target.subject, "global", now, "terminal"))
    elif how == "copy-mac":
        (g,) = store.add([RULE], fp(inst, "frobnicate --harmless"), "global")
        with raw(inst) as db:
            mac = db.execute("SELECT mac FROM grants WHERE id = ?", (g.id,)).fetchone()[0]
            db.execute("INSERT INTO grants (rule_id, fingerprint, subject, scope, created, mac) VALUES (?,?,?,?,?,?)",
                       (RULE, target.digest, target.subject, "global", g.created, mac))
    elif how == "widen-scope":
        (g,) = store.add([RULE], target, "session", session="another-session", host="claude-code")
        with raw(inst) as db:
            db.execute("UPDATE grants SET scope = 'global', session = '', host = '', expires = NULL WHERE id = ?", (g.id,))
    elif how == "retarget":
        (g,) = store.add([RULE], fp(inst, "frobnicate --harmless"), "global")
        with raw(inst) as db:
            db.execute("UPDATE grants SET fingerprint = ? WHERE id = ?", (target.digest, g.id))
    elif how == "unrevoke":
        (g,) = store.add([RULE], target, "global")
        assert store.revoke(g.id)
        with raw(inst) as db:
            db.execute("UPDATE grants SET revoked = NULL WHERE id = ?", (g.id,))
    elif how == "reuse-once":
        (g,) = store.add([RULE], target, "once", session="selfdef", host="claude-code")
        assert store.match([RULE], target, session="selfdef", host="claude-code") is not None  # used
        with raw(inst) as db:
            db.execute("UPDATE grants SET uses = 0 WHERE id = ?", (g.id,))
    else:
        (g,) = store.add([RULE], target, "minutes", minutes=1, now=now - 3600)  # ended an hour ago
        with raw(inst) as db:
            db.execute("UPDATE grants SET expires = ? WHERE id = ?", (now + 86400, g.id))
    store.close()
    decision, reason = hook(inst, "frobnicate --all", session="selfdef")  # the once-grant's session
    assert decision == "ask", reason
    (alert,) = alerts(inst)
    assert "outside adr" in alert["reason"] and alert["kind"] == "grant"
    rows = grants_json(inst)
    bad = [g for g in rows.values() if not g["verified"]]
    assert len(bad) == 1 and bad[0]["active"] is False
    hook(inst, "frobnicate --all", session="selfdef")
    assert len(alerts(inst)) == 1  # told once, not at every decision


def test_an_unused_once_grant_is_honoured_in_its_session(inst):
    """The control for "reuse-once": before its uses were reset by hand, the grant did work."""
    GrantStore(inst.paths.grants_db).add([RULE], fp(inst, "frobnicate --all"), "once", session="selfdef",
                                         host="claude-code")
    assert hook(inst, "frobnicate --all", session="selfdef")[0] == "allow"
    assert hook(inst, "frobnicate --all", session="selfdef")[0] == "ask"  # used


def test_revoking_an_unverified_row_removes_it(inst):
    target = fp(inst, "frobnicate --all")
    with raw(inst) as db:
        GrantStore(inst.paths.grants_db).list()  # the schema
        db.execute("INSERT INTO grants (rule_id, fingerprint, subject, scope, created) VALUES (?,?,?,?,?)",
                   (RULE, target.digest, target.subject, "global", time.time()))
        (gid,) = db.execute("SELECT id FROM grants").fetchone()
    p = subprocess.run([str(BIN / "adr"), "grants", "revoke", str(gid)], env=inst.env, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    assert gid not in grants_json(inst)


def test_a_grant_made_under_another_key_does_not_verify(tmp_path):
    """A copy of someone else's grants database (or one signed with a guessed key) grants nothing."""
    other = make_install(tmp_path / "other", "adr_home")
    mine = make_install(tmp_path / "mine", "adr_home")
    target = fp(mine, "frobnicate --all")
    GrantStore(other.paths.grants_db).add([RULE], target, "global")
    theirs = GrantStore(other.paths.grants_db)
    assert theirs.match([RULE], target, consume=False) is not None
    os.replace(other.paths.grants_db, mine.paths.grants_db)
    seen = []
    store = GrantStore(mine.paths.grants_db, on_tamper=lambda g, why: seen.append(g.id))
    assert store.match([RULE], target, consume=False) is None and len(seen) == 1
    assert [g.verified for g in store.list(include_inactive=True)] == [False]


def test_rows_from_before_grants_were_signed_are_not_trusted(tmp_path):
    db = tmp_path / "grants.sqlite3"
    with sqlite3.connect(db) as c:  # the schema of the previous release: no mac column
        c.execute("CREATE TABLE grants (id INTEGER PRIMARY KEY AUTOINCREMENT, rule_id TEXT NOT NULL, fingerprint TEXT"
                  " NOT NULL, subject TEXT NOT NULL, scope TEXT NOT NULL, host TEXT NOT NULL DEFAULT '', session TEXT"
                  " NOT NULL DEFAULT '', project TEXT NOT NULL DEFAULT '', created REAL NOT NULL, expires REAL, uses"
                  " INTEGER NOT NULL DEFAULT 0, channel TEXT NOT NULL DEFAULT '', question TEXT NOT NULL DEFAULT '',"
                  " revoked REAL)")
        c.execute("INSERT INTO grants (rule_id, fingerprint, subject, scope, created) VALUES ('r', 'f', 's', 'global', 1)")
    store = GrantStore(db)
    (old,) = store.list(include_inactive=True)
    assert not old.verified and not old.active()
    from adr.policy.grants import Fingerprint
    (new,) = store.add(["r"], Fingerprint("f2", "s2"), "global")
    assert new.verified and new.active()

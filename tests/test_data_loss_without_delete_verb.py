"""Data lost without a delete verb on the line: a safeguard switched off, a store overwritten or purged,
a SQL file handed to wrangler, the verb arriving on xargs' stdin. (Probes are only judged, never run.)"""
import pytest

from adr.actions import Decision


@pytest.mark.parametrize("cmd", [
    # safeguards switched off
    "aws rds modify-db-instance --db-instance-identifier prod --no-deletion-protection",
    "aws rds modify-db-instance --db-instance-identifier prod --backup-retention-period 0",
    "gcloud sql instances patch prod --no-backup",
    "aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Suspended",
    "kubectl patch pv data -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Delete\"}}'",
    "git config receive.denyNonFastForwards false",
    # purged or overwritten
    "nomad job stop -purge web",
    "firebase database:set / data.json -f",
    # a SQL file the line wrote, handed to wrangler
    "echo 'DROP TABLE users;' > drop.sql && wrangler d1 execute DB --remote --file=drop.sql",
    # the subcommand and verb on xargs' stdin
    "printf 'rb s3://b --force' | xargs aws s3",
    "echo 'delete-db-instance --db-instance-identifier prod' | xargs aws rds",
])
def test_asks(judge_command, cmd):
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", [
    "aws rds modify-db-instance --db-instance-identifier prod --deletion-protection",
    "aws rds modify-db-instance --db-instance-identifier prod --backup-retention-period 7",
    "aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Enabled",
    "aws s3api get-bucket-versioning --bucket b",
    "git config receive.denyNonFastForwards true",
    "nomad job stop web",
    "firebase database:get /",
    "echo 'SELECT 1;' > q.sql && wrangler d1 execute DB --remote --file=q.sql",
    "printf 'ls s3://b' | xargs aws s3",
    "echo 'src/a.py src/b.py' | xargs wc -l",
])
def test_near_misses_stay_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd

"""Ref rewrites that lose work, and cloud / secret-store overwrites, as classes (every spelling).

Git: a tag has no reflog, so a forced move or a delete of one asks like `branch -D`; a symbolic ref
written over a branch or tag, HEAD deleted or aimed at a tag; objects replaced (`git replace`: what
git shows here is not what the hashes name); the reflog's safety net shortened by configuration or a
prune of every unreachable object; a push made to mirror or force by configuration. An alias called
with arguments is judged as the command line it runs (`git -c alias.t=tag t -f v1`). Feature-branch
moves stay quiet (the reflog has them).

Cloud: `vault kv put` (the whole secret replaced), a CloudFormation template with no real resource
(inline or read from its file), `manage.py migrate APP zero`, `gh codespace delete --force`, and the
remote command of `railway ssh` / `render ssh` / every `gcloud … ssh --command` judged as a command.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from adr.actions import Action, ActionKind, Context, Decision
from adr.shell import runs as R
from adr.shell.fleet import remote_command
from adr.shell.wrappers import runner_command

ASK = [
    # tags: moved by force or deleted (no reflog), in every spelling
    ("git tag -f v1.0 abc123", "risky.git-drop-refs"),
    ("git tag v1.0 -f", "risky.git-drop-refs"),
    ("git tag --force v1.0 HEAD~3", "risky.git-drop-refs"),
    ("git tag --forc v1.0", "risky.git-drop-refs"),
    ("git tag -fa v1.0 -m release", "risky.git-drop-refs"),
    ("git tag -s -f v1.0", "risky.git-drop-refs"),
    ("git -C /home/dev/project tag -f v1.0", "risky.git-drop-refs"),
    ("git -c user.name=x tag -f v1.0", "risky.git-drop-refs"),
    ("git tag -d v1.0", "risky.git-drop-refs"),
    ("git tag --delete v1.0 v1.1", "risky.git-drop-refs"),
    ("GIT_DIR=.git git tag -f v1", "risky.git-drop-refs"),
    ("env git tag -f v1", "risky.git-drop-refs"),
    ("sh -c 'git tag -f v1'", "risky.git-drop-refs"),
    ("git update-ref refs/tags/v1 HEAD~3", "risky.git-drop-refs"),
    # aliases called with the arguments that make them destructive
    ("git -c alias.t=tag t -f v1.0", "risky.git-drop-refs"),
    ("git -c alias.T=tag T -d v1.0", "risky.git-drop-refs"),
    ("git config alias.t tag && git t -f v1.0", "risky.git-drop-refs"),
    ("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.t GIT_CONFIG_VALUE_0=tag git t -f v1", "risky.git-drop-refs"),
    ("git -c alias.p=push p -f", "risky.git-force-push"),
    ("git -C repo -c alias.p='push origin' p +main", "risky.git-force-push"),
    ("git config --global alias.p push; git p --delete origin v1", "risky.git-force-push"),
    # symbolic refs
    ("git symbolic-ref -d HEAD", "risky.git-drop-refs"),
    ("git symbolic-ref --delete -q HEAD", "risky.git-drop-refs"),
    ("git symbolic-ref HEAD refs/tags/v1", "risky.git-drop-refs"),
    ("git symbolic-ref refs/heads/main refs/heads/other", "risky.git-drop-refs"),
    # objects replaced
    ("git replace abc123 def456", "risky.git-replace-objects"),
    ("git replace -f abc def", "risky.git-replace-objects"),
    ("git replace --graft HEAD~3", "risky.git-replace-objects"),
    ("git replace --edit HEAD", "risky.git-replace-objects"),
    ("git update-ref refs/replace/1234abcd 5678ef90", "risky.git-replace-objects"),
    ("git fetch origin 'refs/replace/*:refs/replace/*'", "risky.git-replace-objects"),
    ("git -c alias.r=replace r abc def", "risky.git-replace-objects"),
    # pushes that delete or overwrite on the remote, tags included, and by configuration
    ("git push --force --tags", "risky.git-force-push"),
    ("git push -f origin v1.0", "risky.git-force-push"),
    ("git push origin :refs/tags/v1", "risky.git-force-push"),
    ("git push --delete origin v1", "risky.git-force-push"),
    ("git push origin --mirror", "risky.git-force-push"),
    ("git push --prune origin", "risky.git-force-push"),
    ("git push origin +refs/tags/v1:refs/tags/v1", "risky.git-force-push"),
    ("git -c remote.origin.mirror=true push origin", "risky.git-force-push"),
    ("git -c remote.origin.push=+HEAD:main push origin", "risky.git-force-push"),
    ("git config remote.origin.mirror true", "risky.git-force-push"),
    ("git config --add remote.origin.push '+refs/heads/*:refs/heads/*'", "risky.git-force-push"),
    # the safety net: reflog expired or turned off, unreachable objects pruned now, history rewritten
    ("git reflog expire --expire=now --all", "risky.git-history-rewrite"),
    ("git reflog expire --expire=now --all && git gc --prune=now", "risky.git-history-rewrite"),
    ("git gc --prune=0", "risky.git-history-rewrite"),
    ("git gc --prune=1.hour.ago", "risky.git-history-rewrite"),
    ("git prune", "risky.git-history-rewrite"),
    ("git -c gc.reflogExpire=now gc", "risky.git-history-rewrite"),
    ("git -c gc.pruneExpire=now gc", "risky.git-history-rewrite"),
    ("git config gc.reflogExpire 0", "risky.git-history-rewrite"),
    ("git config --global core.logAllRefUpdates false", "risky.git-history-rewrite"),
    ("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.reflogExpire GIT_CONFIG_VALUE_0=now git gc",
     "risky.git-history-rewrite"),
    ("git filter-branch -f --index-filter x -- --all", "risky.git-history-rewrite"),
    ("git filter-repo --path x --invert-paths", "risky.git-history-rewrite"),
    ("git update-ref -d refs/heads/main", "risky.git-history-rewrite"),
    # cloud, secret stores, frameworks
    ("vault kv put secret/app key=x", "cloud.destroy-verb"),
    ("vault kv put -mount=secret app key=x", "cloud.destroy-verb"),
    ("vault -address https://vault.example:8200 kv put secret/app key=x", "cloud.destroy-verb"),
    ("vault kv destroy -versions=1,2 secret/app", "cloud.destroy-verb"),
    ("vault kv metadata delete secret/app", "cloud.destroy-verb"),
    ("aws cloudformation delete-stack --stack-name prod", "cloud.destroy-verb"),
    ("aws cloudformation update-stack --stack-name prod --template-body '{\"Resources\": {}}'",
     "cloud.deploy-deletes-unlisted"),
    ("python manage.py migrate app zero", "cloud.database-reset-tool"),
    ("./manage.py migrate billing zero --noinput", "cloud.database-reset-tool"),
    ("django-admin migrate --database prod app zero", "cloud.database-reset-tool"),
    ("uv run python manage.py migrate app zero", "cloud.database-reset-tool"),
    ("heroku run python manage.py migrate app zero", "cloud.database-reset-tool"),
    ("gh codespace delete -c monalisa-abc --force", "risky.repo-destructive"),
    ("gh cs delete --all -f", "risky.repo-destructive"),
    # remote commands, judged as commands
    ("railway ssh -s api 'rm -rf /data'", "destruct.delete-outside-project"),
    ("render ssh srv-123 -- rm -rf /data", "destruct.delete-outside-project"),
    ("gcloud compute ssh vm1 --command 'rm -rf /var/lib/postgresql'", "destruct.delete-outside-project"),
    ("gcloud --project p compute tpus tpu-vm ssh t1 --command 'rm -rf /data'", "destruct.delete-outside-project"),
    ("gcloud alpha cloud-shell ssh --command='rm -rf /data'", "destruct.delete-outside-project"),
    ("gcloud compute ssh vm1 -- rm -rf /data", "destruct.delete-outside-project"),
    ("aws ssm send-command --document-name AWS-RunShellScript --parameters 'commands=[\"rm -rf /data\"]'",
     "destruct.delete-outside-project"),
]

QUIET = [
    "git tag v1.0",
    "git tag -l",
    "git tag --list 'v*'",
    "git tag -a v1.0 -m 'fix -d handling'",
    "git tag v1.2.0 --message tag_message",
    "git tag -v v1.0",
    "git push --tags",
    "git push origin v1.0",
    "git push --follow-tags",
    "git symbolic-ref HEAD",
    "git symbolic-ref --short HEAD",
    "git symbolic-ref HEAD refs/heads/main",
    "git init && git symbolic-ref HEAD refs/heads/trunk",
    "git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main",
    "git symbolic-ref --delete refs/myapp",
    "git replace",
    "git replace -l",
    "git replace -d 1234abcd",
    "git reflog",
    "git reflog show main",
    "git gc",
    "git gc --prune=2.weeks.ago",
    "git gc --prune=never",
    "git prune -n",
    "git remote prune origin",
    "git worktree prune",
    "git config gc.reflogExpire 90.days",
    "git config --get gc.reflogExpire",
    "git config remote.origin.mirror false",
    "git branch -f feature origin/feature",
    "git update-ref refs/heads/feature HEAD",
    "git -c alias.st=status st -s",
    "git -c alias.p=push p origin feature/x",
    "git config alias.co checkout && git co -b feature/x",
    "vault kv metadata get secret/app",  # (vault kv get prints the secret: credentials.secret-printed-to-agent)
    "vault kv patch secret/app key=x",
    "vault kv put -cas=0 secret/new key=x",
    "vault kv rollback -version=2 secret/app",
    "python manage.py migrate",
    "python manage.py migrate app 0005",
    "python manage.py migrate app 0001_initial",
    "python manage.py showmigrations app",
    "gh codespace delete",
    "gh codespace delete -c monalisa-abc",
    "cargo yank --version 1.0.0 foo",
    "cargo yank --undo --version 1.0.0 foo",
    "gcloud run jobs execute migrate --region us-central1",
    "gcloud compute ssh vm1 --command 'df -h'",
    "gcloud compute ssh vm1 -- -L 8080:localhost:80",
    "railway ssh 'ls -la'",
    "render ssh srv-1 -- cat /etc/hostname",
    "aws cloudformation deploy --template-file template.yaml --stack-name prod",
    "aws cloudformation validate-template --template-body '{\"Resources\":{}}'",
]


@pytest.mark.parametrize("cmd,rule", ASK)
def test_lossy_spellings_ask(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in v.rule_ids, (cmd, v.decision, v.rule_ids)


@pytest.mark.parametrize("cmd", QUIET)
def test_routine_look_alikes_stay_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("argv,inner", [
    (["railway", "ssh", "-s", "api", "ls -la"], ("shell", ["ls -la"])),
    (["railway", "ssh", "--", "rm", "-rf", "/data"], ("shell", ["rm -rf /data"])),
    (["render", "ssh", "srv-1", "--", "rm", "-rf", "/data"], ("shell", ["rm -rf /data"])),
    (["render", "ssh", "srv-1"], None),
    (["railway", "ssh"], None),
])
def test_paas_shells_hand_their_command_to_the_judge(argv, inner):
    assert runner_command(argv) == inner


@pytest.mark.parametrize("args,cmd", [
    (["compute", "ssh", "vm", "--command", "uptime"], "uptime"),
    (["--project", "p", "beta", "compute", "ssh", "vm", "--command=uptime"], "uptime"),
    (["compute", "tpus", "tpu-vm", "ssh", "t", "--command", "uptime"], "uptime"),
    (["workstations", "ssh", "w", "--command", "uptime"], "uptime"),
    (["compute", "ssh", "vm", "--", "uptime"], "uptime"),
    (["compute", "ssh", "vm", "--", "-v"], ""),
    (["compute", "instances", "list", "--command", "x"], ""),
    (["run", "jobs", "execute", "j"], ""),
])
def test_every_gcloud_ssh_group_reads_its_command(args, cmd):
    assert remote_command("gcloud", args) == cmd


# ---- CloudFormation templates named on the line: read by the judge -----------------------------

EMPTIED_YAML = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Noop:\n"
                "    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs: {}\n")
REAL_YAML = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Noop:\n    Type: AWS::CloudFormation::WaitConditionHandle\n"


@pytest.fixture()
def cfn_judge(offline_judge, tmp_path: Path):
    def judge(cmd: str):
        ctx = Context(host="claude-code", session="t", cwd=str(tmp_path), home="/home/dev", tool="Bash")
        return offline_judge.decide(Action(ActionKind.EXEC, ctx, command=cmd))
    return judge, tmp_path


@pytest.mark.parametrize("call", [
    "aws cloudformation deploy --template-file t.yaml --stack-name prod",
    "aws --region eu-west-1 cloudformation update-stack --stack-name prod --template-body file://t.yaml",
    "aws cloudformation create-change-set --stack-name p --change-set-name c --template-body=file://t.json",
])
def test_a_template_file_that_empties_the_stack_asks(cfn_judge, call):
    judge, d = cfn_judge
    (d / "t.yaml").write_text(EMPTIED_YAML)
    (d / "t.json").write_text('{"Resources": {"N": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}')
    v = judge(call)
    assert v.decision is Decision.ASK and "cloud.deploy-deletes-unlisted" in v.rule_ids, (call, v.reason)
    (d / "t.yaml").write_text(REAL_YAML)
    (d / "t.json").write_text('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}')
    assert judge(call).decision is Decision.ALLOW


def test_a_deploy_that_only_creates_the_change_set_is_quiet(cfn_judge):
    judge, d = cfn_judge
    (d / "t.yaml").write_text(EMPTIED_YAML)
    assert judge("aws cloudformation deploy --template-file t.yaml --stack-name p --no-execute-changeset"
                 ).decision is Decision.ALLOW


def test_the_template_is_judged_as_the_inline_body():
    line = R.as_command("cfn:deploy", "Resources: {}\n")
    assert line.startswith("aws cloudformation deploy --template-body ")


# a quoted reflog message with blanks (or an option cluster that takes it) does not shift the ref
# operands: the rules read them by position over the parsed words (`operands`)
MESSAGE_ASK = [
    ('git update-ref -m "two words" refs/heads/main HEAD~5', "risky.git-drop-refs"),
    ("git update-ref -m 'a b c' HEAD HEAD~5", "risky.git-drop-refs"),
    ('git update-ref -m "a b" refs/heads/feature HEAD~1', "risky.git-drop-refs"),
    ('git update-ref -zm "a b" refs/heads/release/2 @{1}', "risky.git-drop-refs"),
    ('git -C repo update-ref -m "a b" -- refs/heads/main 1234abcd', "risky.git-drop-refs"),
    ('git update-ref -m "a b" refs/tags/v1 HEAD~3', "risky.git-drop-refs"),
    ('git symbolic-ref -m "a b" refs/heads/main refs/heads/x', "risky.git-drop-refs"),
    ('git symbolic-ref -m "a b" HEAD refs/tags/v1', "risky.git-drop-refs"),
    ('git update-ref --stdin <<< "update refs/heads/main HEAD~5"', "risky.git-drop-refs"),
    ("printf 'delete refs/heads/main\\n' | git update-ref --stdin", "risky.git-drop-refs"),
    ('git update-ref -m "a b" -z --stdin < refs.txt', "risky.git-drop-refs"),
    ('git update-ref -m "a b" -d refs/heads/main', "risky.git-history-rewrite"),
    ('git update-ref -dm "a b" refs/heads/main', "risky.git-history-rewrite"),
    ('git update-ref -m "a b" refs/replace/1234abcd 5678ef90', "risky.git-replace-objects"),
]

MESSAGE_QUIET = [
    'git update-ref -m "move feature" refs/heads/feature 4e95e05',
    'git update-ref -m "reset main HEAD~5" refs/heads/feature 4e95e05',
    'git update-ref -m "a b" refs/remotes/origin/x HEAD',
    'git symbolic-ref -m "name it refs/heads/main x" HEAD refs/heads/main',
    'git update-ref -m"a b" HEAD 4e95e05',
]


@pytest.mark.parametrize("cmd,rule", MESSAGE_ASK)
def test_a_reflog_message_does_not_shift_the_ref_operands(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in v.rule_ids, (cmd, v.decision, v.rule_ids)


@pytest.mark.parametrize("cmd", MESSAGE_QUIET)
def test_a_message_naming_a_branch_is_no_operand(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


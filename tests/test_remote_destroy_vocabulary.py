"""Remote destruction by any infrastructure or SaaS command line, as one vocabulary (cloud.destroy-verb).

The verb is read however the CLI spells it — CamelCase APIs (`aliyun ecs DeleteInstance`), a verb run
into its noun (`cbt deletetable`), after global options adr has no list for (`yc --folder-id X …`), five
deep in a command group —, while a resource's name after the action that makes it is no verb (`gcloud
functions deploy cleanup-job`); from a CLI reached through its official image (`docker run
amazon/aws-cli …`, `kubectl run --image`) or its Python module, and
a dry-run option switched off by value is a real run. The tools whose delete is an option (`kafka-topics
--delete`), a GraphQL mutation or a gRPC method, and Kubernetes objects that stand for cloud resources ask
too. Reads, creates and deploys of the same CLIs stay quiet.
"""
from __future__ import annotations

import pytest

from adr.actions import Decision

ASK = [
    # spellings of the verb
    ("aliyun ecs DeleteInstance --InstanceId i-1 --Force true", "cloud.destroy-verb"),
    ("tccli cvm TerminateInstances --InstanceIds '[\"ins-1\"]'", "cloud.destroy-verb"),
    ("cbt -instance prod deletetable users", "cloud.destroy-verb"),
    ("netlify api deleteSite --data '{\"site_id\":\"abc\"}'", "cloud.destroy-verb"),
    ("ipa user-del alice", "cloud.destroy-verb"),
    ("surge teardown example.surge.sh", "cloud.destroy-verb"),
    ("hcloud server rebuild web --image ubuntu-22.04", "cloud.destroy-verb"),
    # global options the judge has no list for, before the verb
    ("yc --folder-id b1g --profile prod managed-postgresql cluster delete db", "cloud.destroy-verb"),
    ("aliyun --profile prod --region cn-hangzhou oss rm oss://b -r -f", "cloud.destroy-verb"),
    ("etcdctl --endpoints https://etcd:2379 del --from-key ''", "cloud.database-reset-tool"),
    ("celery --app proj purge -f", "cloud.destroy-verb"),
    # CLIs now in the vocabulary (one per family)
    ("rpk topic delete orders", "cloud.destroy-verb"),
    ("rabbitmqadmin -H rmq delete queue name=orders", "cloud.destroy-verb"),
    ("gam delete user alice@example.com", "cloud.destroy-verb"),
    ("jf rt del 'libs-release/*' --quiet", "cloud.destroy-verb"),
    ("skopeo delete docker://reg.example.com/app:v1", "cloud.destroy-verb"),
    ("pvesh delete /nodes/pve/qemu/100", "cloud.destroy-verb"),
    ("ceph osd pool delete data data --yes-i-really-really-mean-it", "cloud.destroy-verb"),
    ("wal-g delete everything FORCE --confirm", "cloud.destroy-verb"),
    ("zookeeper-shell zk:2181 deleteall /kafka", "cloud.destroy-verb"),
    ("chamber delete prod db_password", "cloud.destroy-verb"),
    ("juju destroy-model prod --destroy-storage", "cloud.destroy-verb"),
    # deep command groups: the verb fifth in the chain
    ("gcloud beta container fleet memberships delete m1", "cloud.destroy-verb"),
    ("az monitor log-analytics workspace table delete -n t --workspace-name w -g rg --yes", "cloud.destroy-verb"),
    ("eas update:delete grp", "cloud.destroy-verb"),
    # a dry run switched off by value is a real run
    ("rclone purge --dry-run=false remote:bucket", "cloud.destroy-verb"),
    ("gcloud sql instances delete db --dry-run=no", "cloud.destroy-verb"),
    # the delete named by an option, a method, a change set
    ("az rest --method=delete --url https://management.azure.com/subscriptions/s/resourceGroups/rg", "cloud.destroy-verb"),
    ("aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch "
     "'{\"Changes\":[{\"Action\":\"DELETE\"}]}'", "cloud.destroy-verb"),
    ("kafka-topics --bootstrap-server=k:9092 --topic=orders --delete", "cloud.destroy-option"),
    ("tarsnap -d -f nightly", "cloud.destroy-option"),
    ("gh api graphql -f query='mutation { deleteRepository(input:{repositoryId:\"R_1\"}) { clientMutationId } }'",
     "net.http-destructive-method"),
    ("grpcurl -d '{}' pubsub.googleapis.com:443 google.pubsub.v1.Publisher/DeleteTopic",
     "net.http-destructive-method"),
    ("lwp-request -m DELETE https://api.example.com/items/1", "net.http-destructive-method"),
    ("printf 'DELETE /logs HTTP/1.1\\r\\nHost: es\\r\\n\\r\\n' | ncat es.example.com 9200", "net.http-destructive-method"),
    # Kubernetes objects that stand for cloud resources; a generator's manifests deleted whole
    ("kubectl delete managed --all", "cloud.kubectl-delete-data"),
    ("kubectl delete buckets.s3.aws.upbound.io prod-assets", "cloud.kubectl-delete-data"),
    ("kustomize build overlays/prod | kubectl delete -f -", "cloud.kubectl-delete-broad"),
    ("pulumi state delete 'urn:pulumi:prod::app::aws:rds/instance:Instance::db'", "cloud.terraform-state-rm"),
    ("hasura migrate apply --down all", "cloud.database-reset-tool"),
    ("yarn npm unpublish", "risky.package-publish"),
    # the CLI reached another way: its image, its module, a wrapper, a shell string
    ("docker run --rm -v ~/.aws:/root/.aws amazon/aws-cli:2.15 s3 rb s3://b --force", "cloud.destroy-verb"),
    ("podman run --rm docker.io/rclone/rclone purge remote:bucket", "cloud.destroy-verb"),
    ("kubectl run aws --rm -it --image amazon/aws-cli -- s3 rb s3://b --force", "cloud.destroy-verb"),
    ("python3 -m awscli s3 rb s3://b --force", "cloud.destroy-verb"),
    ("sudo env AWS_PROFILE=prod timeout 60 rpk topic delete orders", "cloud.destroy-verb"),
    ("bash -c 'nats stream purge ORDERS -f'", "cloud.destroy-verb"),
    ("echo users | xargs -I{} cbt deletetable {}", "cloud.destroy-verb"),
]

QUIET = [
    "aliyun ecs DescribeInstances",
    "tccli cvm DescribeInstances --Limit 10",
    "cbt -instance prod ls",
    "yc --folder-id b1g compute instance list",
    "celery -A proj worker --loglevel=INFO",
    "rpk topic create orders",
    "rpk profile delete old",
    "tea login delete old",
    "rabbitmqctl list_queues",
    "gam info user alice",
    "jf rt upload 'build/*.jar' libs/",
    "skopeo inspect docker://reg/app:v1",
    "qm start 100",
    "ceph osd tree",
    "pgbackrest --stanza=main backup",
    "hcloud server reboot web",
    "rclone purge --dry-run remote:bucket",
    "az rest --method get --url https://management.azure.com/subscriptions",
    "kafka-topics --bootstrap-server k:9092 --list",
    "gh api graphql -f query='query { viewer { login } }'",
    "grpcurl -d '{}' api.example.com:443 pkg.Svc/GetUser",
    "kubectl get managed",
    "kustomize build overlays/prod | kubectl apply -f -",
    "hasura migrate apply --down 1",
    "docker run --rm amazon/aws-cli s3 ls",
    "python3 -m awscli s3 ls",
    "aws s3 cp delete.txt s3://bucket/",
    # a resource named like a verb, after the action that creates or deploys it
    "gcloud functions deploy cleanup-old-files --runtime python311",
    "gcloud run jobs execute purge-cache",
    "heroku apps:create cleanup-app",
    "wrangler deploy --name purge-worker",
    "hcloud server create --name rebuild-runner --type cx11 --image ubuntu-22.04",
]


@pytest.mark.parametrize("cmd,rule", ASK)
def test_remote_destroy_asks(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW and rule in v.rule_ids, (cmd, v.decision, v.rule_ids)


@pytest.mark.parametrize("cmd", QUIET)
def test_everyday_use_of_the_same_clis_stays_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)

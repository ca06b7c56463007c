"""Programs that run a command for you: sandbox, scheduling and tracing wrappers (chrt, taskset,
firejail, bwrap, nsenter, unshare, valgrind, faketime, dtach …) and tools' runner subcommands
(`uv run`, `poetry run`, `conda run -n`, `npx PKG`, `nix-shell --run`, `gdb --args`, `sg -c`, `run0`).
Each carried `rm -rf ~` past the rules; the everyday forms stay quiet."""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.wrappers import runner_command, unwrap


WRAPPED = [
    "chrt -i 0 rm -rf ~", "taskset -c 0 rm -rf ~", "firejail rm -rf ~", "bwrap --bind / / --dev /dev rm -rf ~",
    "flatpak-spawn --host rm -rf ~", "distrobox-host-exec rm -rf ~", "nsenter -t 1 -m -u -i -n -p rm -rf ~",
    "unshare -r rm -rf ~", "valgrind --quiet rm -rf ~", "cpulimit -l 10 -- rm -rf ~", "faketime 'yesterday' rm -rf ~",
    "proot -b /tmp rm -rf ~", "dtach -n /tmp/s rm -rf ~", "abduco -n s rm -rf ~", "eatmydata rm -rf ~",
    "echo x | entr rm -rf ~", "perf stat -e cycles rm -rf ~", "gdb -batch -ex run --args rm -rf ~",
    "sg wheel -c 'rm -rf ~'", "toolbox run rm -rf ~", "uv run rm -rf ~", "uv run --with requests -- rm -rf ~",
    "poetry run rm -rf ~", "pipenv run rm -rf ~", "conda run -n base rm -rf ~", "pnpm exec rm -rf ~",
    "yarn exec rm -rf ~", "npm exec -- rimraf ~", "npx --yes rimraf ~", "bunx rimraf@5 ~", "pnpm dlx rimraf ~",
    "mise exec -- rm -rf ~", "asdf exec rm -rf ~", "direnv exec . rm -rf ~", "devbox run -- rm -rf ~",
    "nix-shell -p coreutils --run 'rm -rf ~'", "nix develop -c rm -rf ~", "run0 rm -rf /",
    # a command string handed to the package runner's shell
    "npx -c 'rm -rf ~'", "npm exec -c 'rm -rf ~'", "npm exec --call='rm -rf ~'", "yarn exec 'rm -rf ~'",
    "pnpm exec 'rm -rf ~'",
    # more wrappers, and make's recipe shell
    "dbus-launch rm -rf ~", "dbus-run-session -- rm -rf ~", "xvfb-run -a rm -rf ~", "setpriv --reuid=1000 rm -rf ~",
    "capsh -- -c 'rm -rf ~'", "capsh --caps=cap_net_raw+ep -- -c 'rm -rf ~'", "prlimit --nofile=1024 rm -rf ~",
    "numactl -N 0 rm -rf ~", "make -C /tmp clean SHELL='rm -rf ~'",
    # deno and the JS shell templates (zx, Bun shell)
    "deno eval 'Deno.removeSync(Deno.env.get(\"HOME\"), {recursive: true})'",
    "deno eval 'new Deno.Command(\"rm\", {args: [\"-rf\", \"/home/dev\"]}).outputSync()'",
    "deno eval 'Deno.run({cmd: [\"rm\", \"-rf\", \"/home/dev\"]})'",
    "bun -e 'await Bun.$`rm -rf ~`'", "bun run --eval 'await Bun.$`rm -rf ~`'",
    "node -e 'import(\"zx\").then(({$}) => $`rm -rf ~`)'",
    # secret injectors, version managers, job queues, locks and containers
    "dotenv -- rm -rf ~", "dotenv -e .env.prod rm -rf ~", "dotenvx run -f .env -- rm -rf ~",
    "aws-vault exec prod -- rm -rf ~", "chamber exec app -- rm -rf ~", "op run --env-file .env -- rm -rf ~",
    "doppler run -- rm -rf ~", "doppler run --command 'rm -rf ~'", "infisical run --env=dev -- rm -rf ~",
    "envchain aws rm -rf ~", "bundle exec rm -rf ~", "rbenv exec rm -rf ~", "pyenv exec rm -rf ~",
    "pueue add -- rm -rf ~", "pueue add 'rm -rf ~'", "tsp rm -rf ~", "nq rm -rf ~", "hyperfine --runs 1 'rm -rf ~'",
    "hyperfine --prepare 'rm -rf ~' 'true'", "gtimeout 5 rm -rf ~", "run-one rm -rf ~", "retry -t 3 -- rm -rf ~",
    "lckdo /tmp/l rm -rf ~", "with-lock-ex /tmp/l rm -rf ~", "rlwrap rm -rf ~", "grc rm -rf ~",
    "ssh-agent rm -rf ~", "ccache rm -rf ~", "distrobox enter box -- rm -rf ~", "incus exec c -- rm -rf ~",
    "machinectl shell dev@ /bin/sh -c 'rm -rf ~'",
    "sops exec-env secrets.enc.json 'rm -rf ~'", "sops exec-file secrets.enc.json 'rm -rf ~'",
    "assume prod --exec 'rm -rf ~'", "saml2aws exec -- rm -rf ~", "distrobox-enter dev -- rm -rf ~",
    "run-one-constantly rm -rf ~", "run-this-one rm -rf ~", "keep-one-running rm -rf ~", "npx dotenv-cli -- rm -rf ~",
    # the tool's own options before its subcommand
    "aws-vault --debug exec prod -- rm -rf ~", "chamber -r 3 exec svc -- rm -rf ~", "op --account x run -- rm -rf ~",
    "doppler --config dev run -- rm -rf ~", "bundle _2.4.0_ exec rm -rf ~", "dotenv -f .env run rm -rf ~",
    "dotenv run rm -rf ~", "retry -m 3 rm -rf ~", "lckdo -w /tmp/l rm -rf ~", "machinectl -q shell c /usr/bin/rm -rf ~",
]


@pytest.mark.parametrize("cmd", WRAPPED)
def test_a_command_run_by_a_wrapper_or_runner_is_judged(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.DENY, cmd


@pytest.mark.parametrize("cmd", [
    "uv run pytest -q", "poetry run python manage.py test", "conda run -n ml python train.py", "npx prettier --check .",
    "pnpm exec tsc --noEmit", "taskset -c 0,1 make -j2", "valgrind --leak-check=full ./a.out", "nix develop -c make",
    "perf stat -e cycles ls", "ls *.py | entr -c pytest", "firejail --net=none ./app", "faketime '2020-01-01' date",
    "gdb --args ./a.out --verbose", "direnv exec . env",
    "sops exec-env secrets.enc.json 'npm start'", "saml2aws exec -- aws s3 ls", "assume dev --exec 'aws s3 ls'",
    "npx -c 'npm test'", "yarn exec tsc", "xvfb-run -a npm test", "dbus-launch --exit-with-session gnome-session",
    "capsh --print", "setpriv --no-new-privs make", "make SHELL=/bin/bash", "deno eval 'console.log(1)'",
    "deno eval 'new Deno.Command(\"git\", {args: [\"status\"]}).outputSync()'", "bun -e 'await Bun.$`ls ${dir}`'",
    "op run --env-file .env -- npm test", "bundle exec rspec", "dotenv -- npm run dev", "pyenv exec python -m pytest",
    "hyperfine 'make build' 'cargo build'", "eval $(ssh-agent -s)", "chamber exec app", "pueue add -- cargo test",
    "dotenv -f .env run npm test", "aws-vault --debug exec prod -- aws s3 ls",
])
def test_everyday_runners_stay_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd


@pytest.mark.parametrize("argv, want", [
    (["uv", "run", "--with", "x", "--", "pytest"], ("argv", ["pytest"])),
    (["npx", "-p", "typescript", "tsc", "-v"], ("argv", ["tsc", "-v"])),
    (["bunx", "@scope/tool@1.2", "a"], ("argv", ["tool", "a"])),
    (["uv", "tool", "run", "ruff", "check"], ("argv", ["ruff", "check"])),
    (["nix-shell", "--run", "make test"], ("shell", ["make test"])),
    (["aws-vault", "exec", "prod", "--", "kubectl", "get", "pods"], ("argv", ["kubectl", "get", "pods"])),
    (["aws-vault", "exec", "-d", "1h", "prod", "kubectl"], ("argv", ["kubectl"])),
    (["chamber", "exec", "svc-a", "svc-b"], None),  # its services; the command only ever follows `--`
    (["pueue", "add", "make test"], ("shell", ["make test"])),
    (["hyperfine", "-w", "3", "a", "b"], ("shell", ["a\nb"])),
    (["uv", "pip", "install", "x"], None),
    (["npm", "install"], None),
    # packages whose command has another name
    (["npx", "firebase-tools@13", "projects:delete", "p"], ("argv", ["firebase", "projects:delete", "p"])),
    (["pipx", "run", "awscli", "s3", "ls"], ("argv", ["aws", "s3", "ls"])),
    # a PaaS's one-off machine
    (["heroku", "run", "-a", "app", "rails", "db:reset"], ("argv", ["rails", "db:reset"])),
    (["heroku", "run", "python manage.py flush", "-a", "app"], ("shell", ["python manage.py flush"])),
    (["fly", "ssh", "console", "-a", "app", "-C", "bin/rails db:reset"], ("shell", ["bin/rails db:reset"])),
    (["fly", "ssh", "console"], None),
    (["fly", "-a", "app", "ssh", "console", "--command=rails db:reset"], ("shell", ["rails db:reset"])),
    (["dokku", "run", "app", "python", "manage.py", "flush"], ("shell", ["python manage.py flush"])),
    (["dokku", "--app", "app", "run", "rails", "db:reset"], ("shell", ["rails db:reset"])),
    (["dokku", "enter", "app", "web", "rails", "db:reset"], ("shell", ["rails db:reset"])),
    (["dokku", "enter", "app", "web", "--", "rm", "-rf", "x"], ("shell", ["rm -rf x"])),
    (["dokku", "logs", "app"], None),
    (["cf", "ssh", "app", "-c", "rails db:reset"], ("shell", ["rails db:reset"])),
    (["cf", "ssh", "app"], None),
    (["kamal", "app", "exec", "-i", "--reuse", "rails db:reset"], ("shell", ["rails db:reset"])),
    (["kamal", "app", "exec", "-d", "prod", "rails", "db:reset"], ("shell", ["rails db:reset"])),
    (["kamal", "accessory", "exec", "db", "psql -c x"], ("shell", ["psql -c x"])),
    (["railway", "run", "python", "manage.py", "flush"], ("argv", ["python", "manage.py", "flush"])),
    (["railway", "run", "rails db:reset", "-s", "api"], ("shell", ["rails db:reset"])),
    (["platform", "ssh", "-e", "main", "rm -rf var"], ("shell", ["rm -rf var"])),
    (["platform", "ssh"], None),
    (["upsun", "ssh", "rm", "-rf", "var"], ("shell", ["rm -rf var"])),
    (["eb", "ssh", "prod", "--command", "rm -rf x"], ("shell", ["rm -rf x"])),
    (["eb", "ssh"], None),
    (["eb", "deploy"], None),
    (["heroku", "logs", "-a", "app"], None),
    # process managers: a script file of the folder runs with its extension's interpreter
    (["pm2", "start", "x.sh"], ("argv", ["bash", "x.sh"])),
    (["pm2", "start", "app.js", "--name", "api", "--", "--port", "3000"], ("argv", ["node", "app.js", "--port", "3000"])),
    (["forever", "start", "srv/main.py"], ("argv", ["python3", "srv/main.py"])),
    (["pm2", "start", "--interpreter", "pypy3", "app.py"], ("argv", ["pypy3", "app.py"])),
    (["pm2", "start", "npm", "--", "start"], ("argv", ["npm", "start"])),
])
def test_runner_command(argv, want):
    assert runner_command(argv) == want


def test_wrappers_with_a_leading_operand():
    assert unwrap(("chrt", "-f", "10", "rm", "x")).argv == ("rm", "x")
    assert unwrap(("taskset", "-c", "0", "make")).argv == ("make",)
    assert unwrap(("faketime", "-f", "+1d", "date")).argv == ("date",)


@pytest.mark.parametrize("cmd", [
    "pm2 start 'rm -rf ~'", "pm2 start bash -- -c 'rm -rf ~'", "nodemon --exec 'rm -rf ~'",
    "watchexec -- rm -rf ~", "watchexec -e py 'rm -rf ~'", "concurrently 'npm run a' 'rm -rf ~'",
])
def test_process_managers_and_watchers_run_their_command(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.DENY, cmd


@pytest.mark.parametrize("cmd", [
    "pm2 start app.js --name api -i 2", "pm2 start npm --name web -- start", "nodemon --exec 'python app.py'",
    "watchexec -e py -- pytest", "concurrently 'npm:watch-*'", "npm-run-all build test",
])
def test_everyday_process_managers_stay_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd

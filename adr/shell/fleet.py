"""Fleet executors and the clouds' run-command services: the command line they hand to other
machines' shells, so the shell layer judges it like an ssh remote command."""
from __future__ import annotations

import re
import shlex


# Fleet executors: the command they hand to other machines' shells (judged like an ssh remote command)
_ANSIBLE_SHELL_MODULES = frozenset({"shell", "command", "raw", "ansible.builtin.shell", "ansible.builtin.command",
                                    "ansible.builtin.raw", "win_shell", "win_command"})
_ANSIBLE_VALUED = frozenset({"-i", "--inventory", "-u", "--user", "-b", "-f", "--forks", "-l", "--limit", "-e",
                             "--extra-vars", "-c", "--connection", "-T", "--timeout", "-B", "-P", "--become-user",
                             "--become-method", "--private-key", "--key-file", "-M", "--module-path", "-t", "--tree",
                             "--vault-id", "--vault-password-file", "--ssh-common-args", "--ssh-extra-args"})
_ANSIBLE_FILE_MODULES = frozenset({"file", "ansible.builtin.file", "ansible.legacy.file"})
_SALT_REMOVE = frozenset({"file.remove", "file.rmdir", "file.delete_backup"})
_SALT_RUN = frozenset({"cmd.run", "cmd.shell", "cmd.run_all", "cmd.run_stdout", "cmd.run_bg", "cmd.exec_code"})
_PDSH_VALUED = frozenset({"-w", "-x", "-g", "-X", "-l", "-R", "-t", "-u", "-f", "-F", "-N", "-o", "-O", "-h",
                          "-H", "-p", "-P", "-e", "-B", "-L", "-m", "--hosts", "--hostfile", "-a"})
FLEET_PROGRAMS = frozenset({"ansible", "salt", "salt-ssh", "pdsh", "pssh", "parallel-ssh", "clush", "dsh",
                            "vagrant", "knife", "aws", "az", "gcloud"})


def _key_values(arg: str) -> dict[str, str]:
    """An ansible module's arguments, `k=v k2='v 2'` or JSON `{"k": "v"}`, as a dict (keys lower-cased)."""
    arg = arg.strip()
    if arg.startswith("{"):
        return {k.lower(): v for k, v in re.findall(r'"(\w+)"\s*:\s*"((?:[^"\\]|\\.)*)"', arg)}
    try:
        words = shlex.split(arg)
    except ValueError:
        words = arg.split()
    return {k.lower(): v for k, _, v in (w.partition("=") for w in words) if _ and k}


def _sh_word(text: str) -> str:
    return shlex.quote(text)


# gcloud's command groups that lead to an `ssh` verb (`compute ssh`, `alpha compute ssh`, `compute tpus
# tpu-vm ssh`, `cloud-shell ssh`, `workstations ssh`, `compute os-login ssh`)
_GCLOUD_SSH_GROUPS = frozenset({"alpha", "beta", "compute", "tpus", "tpu-vm", "cloud-shell", "workstations",
                                "os-login", "queued-resources"})


def _gcloud_ssh(args: list[str]) -> bool:
    """The words before `ssh` are gcloud's command groups (and global options with their values)."""
    for k, a in enumerate(args[:10]):
        if a == "ssh":
            return k > 0
        if a.startswith("-"):
            continue
        if k > 0 and args[k - 1].startswith("--") and "=" not in args[k - 1]:
            continue  # a global option's value (`--project p`)
        if a not in _GCLOUD_SSH_GROUPS:
            return False
    return False


# `gcloud run jobs create|deploy|update|execute JOB` and `gcloud run deploy SVC`: the container's
# command and arguments given on the command line (--command replaces the entrypoint, --args the CMD)
_GCLOUD_RUN_VERBS = (("run", "jobs", "create"), ("run", "jobs", "deploy"), ("run", "jobs", "update"),
                     ("run", "jobs", "execute"), ("run", "deploy"), ("run", "services", "update"))


_GCLOUD_VALUED_GLOBALS = frozenset({"--project", "--account", "--configuration", "--verbosity", "--format",
                                    "--impersonate-service-account", "--billing-project", "--region", "--flags-file"})
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh", "busybox"})


def _gcloud_list(value: str) -> list[str]:
    """gcloud's list flag syntax: `a,b,c`, or `^D^a D b` with an alternate delimiter D."""
    m = re.match(r"\^([^^]+)\^(.*)", value, re.S)
    if m:
        return m.group(2).split(m.group(1))
    return value.split(",")


def _gcloud_run_container(args: list[str]) -> str:
    """The command line a Cloud Run job or service runs, when this gcloud call names it: `--command
    bash --args=-c,"CMD"` is `bash -c CMD`; `execute JOB --args=-c,CMD` (the image's entrypoint,
    unknown here, given `-c CMD`: a shell's) is `sh -c CMD`; `--args=rm,-rf,/data` alone runs as those
    words. "" when neither is given (the image runs as built)."""
    words = [a for k, a in enumerate(args[:12]) if not a.startswith("-")
             and not (k and args[k - 1] in _GCLOUD_VALUED_GLOBALS)]  # `--project p run …`
    while words[:1] and words[0] in ("alpha", "beta"):
        words = words[1:]
    if not any(tuple(words[:len(v)]) == v for v in _GCLOUD_RUN_VERBS):
        return ""
    command: list[str] = []
    cargs: list[str] = []
    for k, a in enumerate(args):
        if a == "--":
            break
        for flag, into in (("--command", command), ("--args", cargs)):
            if a == flag and k + 1 < len(args):
                into.extend(_gcloud_list(args[k + 1]))
            elif a.startswith(flag + "="):
                into.extend(_gcloud_list(a.split("=", 1)[1]))
    # a service's command is its server (`--command gunicorn --args app:app`): only shell code given to
    # it is judged; a job's command is a one-off run, judged whatever it is (as `ssh host CMD`)
    service = "jobs" not in words[:2]
    argv = command + cargs if command else cargs if cargs and not cargs[0].startswith("-") else []
    if command and command[0].rsplit("/", 1)[-1] in _SHELLS:
        cargs = command[1:] + cargs
    elif command:
        return "" if service else " ".join(_sh_word(w) for w in argv[:64])
    if len(cargs) > 1 and re.fullmatch(r"-[a-z]*c", cargs[0]):
        return cargs[1]  # a shell's `-c CMD` (the image's entrypoint, when no --command names it)
    return "" if service else " ".join(_sh_word(w) for w in argv[:64])


def _option_value(args: list[str], names: "tuple[str, ...]") -> str:
    for k, a in enumerate(args):
        if a == "--":
            break
        if a in names and k + 1 < len(args):
            return args[k + 1]
        for n in names:
            if a.startswith(n + "="):
                return a.split("=", 1)[1]
    return ""


def _ecs_override_command(overrides: str) -> str:
    """The container command an ECS run-task override sets (JSON), as shell text ("" when none)."""
    if not overrides:
        return ""
    import json
    try:
        data = json.loads(overrides[:64 * 1024])
    except ValueError:
        return ""
    cmds = [c.get("command") for c in (data.get("containerOverrides") or [])[:8] if isinstance(c, dict)] \
        if isinstance(data, dict) else []
    out = []
    for cmd in cmds:
        if isinstance(cmd, list) and cmd and all(isinstance(w, str) for w in cmd):
            if cmd[0].rsplit("/", 1)[-1] in _SHELLS and len(cmd) > 2 and re.fullmatch(r"-[a-z]*c", cmd[1]):
                out.append(cmd[2])
            elif len(cmd) > 1 and re.fullmatch(r"-[a-z]*c", cmd[0]):
                out.append(cmd[1])  # (the image's entrypoint, a shell, given `-c CMD`)
            else:
                out.append(" ".join(_sh_word(w) for w in cmd[:64]))
    return "\n".join(out)


def ansible_module_args(args: "list[str]") -> "tuple[str, str]":
    """(module, its -a arguments) of an ad-hoc `ansible HOSTS -m MODULE -a ARGS` (the default module: command)."""
    module, arg = "command", ""
    for k, a in enumerate(args):
        nxt = args[k + 1] if k + 1 < len(args) else ""
        if a in ("-m", "--module-name"):
            module = nxt
        elif a.startswith("--module-name="):
            module = a.split("=", 1)[1]
        elif a in ("-a", "--args"):
            arg = nxt
        elif a.startswith("--args="):
            arg = a.split("=", 1)[1]
        elif a.startswith("-m") and len(a) > 2 and not a.startswith("--"):
            module = a[2:]
        elif a.startswith("-a") and len(a) > 2 and not a.startswith("--"):
            arg = a[2:]
    return module, arg


def remote_command(prog: str, args: list[str]) -> str:
    """The command line a fleet tool runs on other machines ("" when none): `ansible all -m shell -a
    'CMD'` (the default module, command, too), `salt '*' cmd.run 'CMD'`, `pdsh -w hosts CMD…`, `pssh -h
    f CMD`, `clush -w hosts CMD`, `vagrant ssh -c CMD`, `knife ssh QUERY CMD`; the clouds' run-command
    services: `aws ssm send-command --parameters commands=CMD`, `az vm run-command invoke --scripts
    CMD`, `gcloud compute ssh VM --command CMD`, a Cloud Run job's or service's container given its
    command (`gcloud run jobs create|execute J --command … --args …`)."""
    if prog == "ansible":
        module, arg = ansible_module_args(args)
        if module in _ANSIBLE_SHELL_MODULES and arg:
            # `-a 'CMD chdir=/x creates=/y'`: the module's own key=value options are not the command
            return " ".join(w for w in arg.split(" ") if not re.match(r"^(?:chdir|creates|removes|executable|warn|stdin)=", w))
        if module in _ANSIBLE_FILE_MODULES and arg:
            # `-m file -a 'path=/srv/data state=absent'`: the module removes the path, a directory with
            # everything in it — judged as the `rm -rf` it is
            opts = _key_values(arg)
            target = opts.get("path") or opts.get("dest") or opts.get("name")
            if target and opts.get("state", "").lower() == "absent":
                return "rm -rf -- " + _sh_word(target)
        return ""
    if prog in ("salt", "salt-ssh"):
        for k, a in enumerate(args):
            if a in _SALT_RUN and k + 1 < len(args):
                return args[k + 1]
            if a in _SALT_REMOVE and k + 1 < len(args):
                return "rm -rf -- " + _sh_word(args[k + 1])  # `salt '*' file.remove /srv/data`
        return ""
    if prog in ("pdsh", "pssh", "parallel-ssh", "clush", "dsh", "knife"):
        rest = list(args)
        if prog == "knife":
            if rest[:1] != ["ssh"]:
                return ""
            rest = rest[1:]
        i, words = 0, []
        while i < len(rest):
            a = rest[i]
            if a == "--":
                words = rest[i + 1:]
                break
            if a.startswith("-") and len(a) > 1:
                i += 2 if a in _PDSH_VALUED or (prog == "knife" and a in ("-x", "-a", "-i", "-p", "-C")) else 1
                continue
            words = rest[i:]
            break
        if prog == "knife" and words:
            words = words[1:]  # the search query comes first
        return " ".join(words)
    if prog == "aws" and "ssm" in args[:3] and "send-command" in args[:4]:
        # --parameters commands="CMD" | commands=CMD1,CMD2 | '{"commands":["CMD"]}'
        for k, a in enumerate(args):
            val = args[k + 1] if a == "--parameters" and k + 1 < len(args) else a.split("=", 1)[1] \
                if a.startswith("--parameters=") else None
            if val is None:
                continue
            m = re.search(r'"commands"\s*:\s*\[(.*?)\]', val, re.S)
            if m:
                return "\n".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
            m = re.match(r"\s*commands\s*=\s*(.*)", val, re.S)
            if m:
                listed = re.fullmatch(r"\s*\[(.*)\]\s*", m.group(1), re.S)
                if listed:  # `commands=["CMD1","CMD2"]`: the shorthand's list form
                    return "\n".join(re.findall(r'"((?:[^"\\]|\\.)*)"', listed.group(1)))
                return m.group(1).strip().strip('"')
        return ""
    if prog == "aws" and args[:2] == ["ecs", "execute-command"] or prog == "az" and args[:2] in (
            ["container", "exec"], ["containerapp", "exec"]):
        # `aws ecs execute-command … --command CMD`, `az container exec --exec-command CMD`,
        # `az containerapp exec --command CMD`: a command in a running container (a bare shell is the
        # interactive login these are mostly used for, as `ssh host` alone)
        cmd = _option_value(args, ("--command", "--exec-command"))
        return "" if cmd.strip().rsplit("/", 1)[-1] in _SHELLS else cmd
    if prog == "aws" and args[:2] == ["ecs", "run-task"]:
        # `--overrides '{"containerOverrides":[{"command":["sh","-c","CMD"]}]}'`: the task's container command
        return _ecs_override_command(_option_value(args, ("--overrides",)))
    if prog == "az" and args[:3] == ["vm", "run-command", "invoke"] or prog == "az" and args[:3] == ["vmss", "run-command", "invoke"]:
        for k, a in enumerate(args):
            if a == "--scripts":
                return "\n".join(w for w in args[k + 1:] if not w.startswith("--")) if k + 1 < len(args) else ""
        return ""
    if prog == "gcloud" and _gcloud_ssh(args):
        for k, a in enumerate(args):
            if a == "--":
                break
            if a == "--command" and k + 1 < len(args):
                return args[k + 1]
            if a.startswith("--command="):
                return a.split("=", 1)[1]
        if "--" in args:  # `gcloud compute ssh VM -- CMD`: ssh's own words, the command after its options
            after = args[args.index("--") + 1:]
            return " ".join(after) if after and not after[0].startswith("-") else ""
        return ""
    if prog == "gcloud":
        # `gcloud run jobs create J --command bash --args=-c,CMD --execute-now`, `jobs execute J --args …`
        return _gcloud_run_container(args)
    if prog == "vagrant" and args[:1] == ["ssh"]:
        for k, a in enumerate(args):
            if a in ("-c", "--command") and k + 1 < len(args):
                return args[k + 1]
            if a.startswith("--command="):
                return a.split("=", 1)[1]
    return ""

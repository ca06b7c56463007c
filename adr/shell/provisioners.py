"""Files whose commands another tool runs: an Ansible playbook's shell/command/raw/script tasks,
Terraform's `local-exec` provisioners and `external` data sources, logrotate's pre/postrotate
scripts, Packer's shell provisioners. `ansible-playbook p.yml` runs the playbook's shell tasks as
surely as `bash p.sh` runs p.sh, so adr/shell/runs.py names these files and each becomes the shell
text it amounts to here (bounded). Pure: text in, command lines out.
"""
from __future__ import annotations

import re
import shlex
from typing import Any

from adr import lazyre

MAX_COMMANDS = 32  # command lines taken from one file
MAX_NODES = 20_000  # YAML nodes walked in one playbook (aliases may share a node many times)

_ANSIBLE_SHELL = frozenset({"shell", "command", "raw", "script", "win_shell", "win_command"})
_ANSIBLE_PREFIXES = ("ansible.builtin.", "ansible.legacy.", "ansible.windows.")
_ANSIBLE_NESTED = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")


def _ansible_module(key: str) -> str:
    for p in _ANSIBLE_PREFIXES:
        if key.startswith(p):
            return key[len(p):]
    return key


def _task_command(module: str, value: Any) -> str:
    """The command line of one shell/command/raw/script task (`shell: CMD`, `{cmd: CMD}`, `{argv: [...]}`)."""
    if isinstance(value, dict):
        if isinstance(value.get("argv"), list):
            return " ".join(shlex.quote(str(w)) for w in value["argv"][:64])
        value = value.get("cmd") or value.get("_raw_params") or value.get("free_form") or ""
    if not isinstance(value, str):
        return ""
    if module == "script":
        return "sh " + value  # the local script is copied over and run
    return value


def ansible_commands(text: str) -> "tuple[list[str], bool]":
    """(command lines a playbook's or task file's shell/command/raw/script tasks run, a bound tripped)."""
    import yaml
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe)
    except yaml.YAMLError:
        return [], False
    out: list[str] = []
    stack: list[Any] = [data]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES or len(out) >= MAX_COMMANDS:
            return out, True
        if isinstance(node, list):
            stack.extend(reversed(node[:4096]))
        elif isinstance(node, dict):
            for key, value in list(node.items())[:256]:
                k = _ansible_module(str(key))
                if k in _ANSIBLE_SHELL:
                    cmd = _task_command(k, value)
                    if cmd.strip():
                        out.append(cmd)
                elif k in _ANSIBLE_NESTED or isinstance(value, (list, dict)):
                    stack.append(value)
    return out, False


_S = r'"((?:[^"\\\n]|\\.){0,4000})"'
_HEREDOC = lazyre.compile(r"<<(-?)([A-Za-z_]\w{0,31})[ \t]*\n")
_TF_LOCAL_EXEC = lazyre.compile(r'\bprovisioner\s+"local-exec"\s*\{')
_TF_COMMAND = lazyre.compile(r"\bcommand\s*=\s*")
_TF_INTERPRETER = lazyre.compile(r"\binterpreter\s*=\s*\[([^\]]{0,2000})\]")
_TF_EXTERNAL = lazyre.compile(r'\bdata\s+"external"\s+"[^"]{0,200}"\s*\{')
_TF_PROGRAM = lazyre.compile(r"\bprogram\s*=\s*\[([^\]]{0,4000})\]")
_QUOTED = lazyre.compile(_S)


def _unq(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _hcl_string(text: str, pos: int) -> "str | None":
    """The HCL string value at `pos`: a quoted string or a heredoc (`<<EOT` / `<<-EOT` … `EOT`)."""
    m = _QUOTED.match(text, pos)
    if m:
        return _unq(m.group(1))
    h = _HEREDOC.match(text, pos)
    if h:
        end = re.compile(r"(?m)^[ \t]*" + h.group(2) + r"[ \t]*$").search(text, h.end())
        return text[h.end():end.start() if end else h.end() + 8000]
    return None


def terraform_commands(text: str) -> list[str]:
    """Command lines a Terraform/OpenTofu configuration runs on this machine: each `local-exec`
    provisioner's command (through its interpreter when one is given) and each `external` data
    source's program (run at plan time too)."""
    text = text[:512 * 1024]
    out: list[str] = []
    for m in _TF_LOCAL_EXEC.finditer(text):
        block = text[m.end():m.end() + 16_000]
        c = _TF_COMMAND.search(block)
        cmd = _hcl_string(block, c.end()) if c else None
        if cmd is None:
            continue
        i = _TF_INTERPRETER.search(block)
        if i is not None:
            words = [_unq(q.group(1)) for q in _QUOTED.finditer(i.group(1))]
            cmd = " ".join(shlex.quote(w) for w in words + [cmd]) if words else cmd
        out.append(cmd)
        if len(out) >= MAX_COMMANDS:
            return out
    for m in _TF_EXTERNAL.finditer(text):
        p = _TF_PROGRAM.search(text, m.end(), m.end() + 16_000)
        if p is not None:
            words = [_unq(q.group(1)) for q in _QUOTED.finditer(p.group(1))]
            if words:
                out.append(" ".join(shlex.quote(w) for w in words))
    return out[:MAX_COMMANDS]


_LOGROTATE_SCRIPT = lazyre.compile(r"(?m)^[ \t]*(?:prerotate|postrotate|firstaction|lastaction|preremove)[ \t]*$")
_ENDSCRIPT = lazyre.compile(r"(?m)^[ \t]*endscript[ \t]*$")


def logrotate_commands(text: str) -> list[str]:
    """The shell scripts a logrotate configuration runs around a rotation (postrotate … endscript)."""
    out: list[str] = []
    for m in _LOGROTATE_SCRIPT.finditer(text[:512 * 1024]):
        end = _ENDSCRIPT.search(text, m.end())
        out.append(text[m.end():end.start() if end else m.end() + 8000])
        if len(out) >= MAX_COMMANDS:
            break
    return out


_PACKER_INLINE = lazyre.compile(r"""["']?inline["']?\s*[=:]\s*\[""")


def packer_commands(text: str) -> list[str]:
    """The inline shell lines of a Packer template's shell / shell-local provisioners (HCL or JSON)."""
    out: list[str] = []
    for m in _PACKER_INLINE.finditer(text[:512 * 1024]):
        end = text.find("]", m.end(), m.end() + 32_000)
        body = text[m.end():end if end >= 0 else m.end() + 32_000]
        out += [_unq(q.group(1)) for q in _QUOTED.finditer(body)]
        if len(out) >= MAX_COMMANDS:
            break
    return out[:MAX_COMMANDS]


def commands_of(kind: str, text: str) -> "tuple[list[str], bool]":
    """(command lines, a bound tripped) of a file of `kind`: ansible | terraform | logrotate | packer."""
    if kind == "ansible":
        return ansible_commands(text)
    got = {"terraform": terraform_commands, "logrotate": logrotate_commands, "packer": packer_commands}[kind](text)
    return got, len(got) >= MAX_COMMANDS

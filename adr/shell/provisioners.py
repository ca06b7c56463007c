"""Files whose commands another tool runs: an Ansible playbook's shell/command/raw/script tasks,
Terraform's `local-exec` provisioners and `external` data sources, logrotate's pre/postrotate
scripts, Packer's shell provisioners. `ansible-playbook p.yml` runs the playbook's shell tasks as
surely as `bash p.sh` runs p.sh, so adr/shell/runs.py names these files and each becomes the shell
text it amounts to here (bounded). Pure: text in, command lines out.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, replace
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


_ANSIBLE_INCLUDE_FILE = frozenset({"include_tasks", "import_tasks", "include", "import_playbook"})
_ANSIBLE_INCLUDE_ROLE = frozenset({"include_role", "import_role"})
_ANSIBLE_ROLE_LISTS = frozenset({"roles", "dependencies"})  # a play's roles, a role's meta dependencies
MAX_INCLUDES = 32  # task files, playbooks and roles named by one file
MAX_INCLUDE_DEPTH = 6  # a playbook that includes a file that includes …
MAX_INCLUDED_FILES = 24  # files one playbook run brings in


@dataclass(frozen=True)
class Include:
    """A task file / playbook (`kind` "file") or a role (`kind` "role") a playbook brings in."""

    kind: str
    name: str
    tasks_from: str = "main"
    handlers_from: str = "main"


@dataclass(frozen=True)
class AnsibleFile:
    commands: "tuple[str, ...]"
    includes: "tuple[Include, ...]"
    tripped: bool


def _free_form(value: Any) -> "dict[str, str]":
    """`include_role: name=web tasks_from=x` / `include_tasks: x.yml` / `{file: x.yml}` as a dict."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, (str, int))}
    if not isinstance(value, str):
        return {}
    words = value.split()
    out = {k: v for k, eq, v in (w.partition("=") for w in words) if eq}
    if words and "=" not in words[0]:
        out["_raw_params"] = words[0]
    return out


def _include(k: str, value: Any) -> "list[Include]":
    """The files and roles one task / play key brings in (a templated name is left: it is not known here)."""
    if k in _ANSIBLE_ROLE_LISTS:
        if not isinstance(value, list):
            return []
        names = [v if isinstance(v, str) else str(v.get("role") or v.get("name") or "") if isinstance(v, dict) else ""
                 for v in value[:MAX_INCLUDES + 1]]
        return [Include("role", n) for n in names if n and "{{" not in n]
    args = _free_form(value)
    if k in _ANSIBLE_INCLUDE_FILE:
        name = args.get("file") or args.get("_raw_params") or ""
        return [Include("file", name)] if name and "{{" not in name else []
    name = args.get("name") or args.get("_raw_params") or ""
    if not name or "{{" in name:
        return []
    return [Include("role", name, args.get("tasks_from") or "main", args.get("handlers_from") or "main")]


def ansible_file(text: str) -> AnsibleFile:
    """A playbook's, task file's or role file's shell/command/raw/script task commands and the task files,
    playbooks and roles it brings in (include_tasks/import_tasks/import_playbook, roles:, include_role …)."""
    import yaml
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe)
    except yaml.YAMLError:
        return AnsibleFile((), (), False)
    out: list[str] = []
    incs: list[Include] = []
    colls: list[str] = []
    stack: list[Any] = [data]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES or len(out) >= MAX_COMMANDS or len(incs) > MAX_INCLUDES:
            return AnsibleFile(tuple(out), tuple(incs[:MAX_INCLUDES]), True)
        if isinstance(node, list):
            stack.extend(reversed(node[:4096]))
        elif isinstance(node, dict):
            for key, value in list(node.items())[:256]:
                k = _ansible_module(str(key))
                if k in _ANSIBLE_SHELL:
                    cmd = _task_command(k, value)
                    if cmd.strip():
                        out.append(cmd)
                elif k in _ANSIBLE_INCLUDE_FILE or k in _ANSIBLE_INCLUDE_ROLE or k in _ANSIBLE_ROLE_LISTS:
                    incs += _include(k, value)
                elif k == "collections" and isinstance(value, list):  # a play's search list for short role names
                    colls += [c for c in value[:8] if isinstance(c, str) and c.count(".") == 1]
                elif k in _ANSIBLE_NESTED or isinstance(value, (list, dict)):
                    stack.append(value)
    # (`collections: [ns.coll]` + `roles: [web]`: web may be ns.coll's role — each is looked up)
    more = [replace(i, name=f"{c}.{i.name}") for i in incs[:MAX_INCLUDES] if i.kind == "role" and "." not in i.name
            for c in dict.fromkeys(colls)]
    return AnsibleFile(tuple(out), tuple(incs[:MAX_INCLUDES] + more[:MAX_INCLUDES]), len(incs) > MAX_INCLUDES)


def ansible_script(module: str, arg: str) -> "list[str]":
    """The local script and its arguments an ad-hoc `-m script -a 'x.sh ARGS'` runs ([] for another module)."""
    if _ansible_module(module) != "script":
        return []
    args = _free_form(arg)
    given = args.get("cmd") or (arg if "_raw_params" in args else "")
    try:
        words = shlex.split(given)
    except ValueError:
        words = given.split()
    return [w for w in words if not w.startswith(("chdir=", "creates=", "removes=", "executable="))][:32]


def ansible_commands(text: str) -> "tuple[list[str], bool]":
    """(command lines a playbook's or task file's shell/command/raw/script tasks run, a bound tripped)."""
    got = ansible_file(text)
    return list(got.commands), got.tripped


def _yaml_names(stem: str) -> "list[str]":
    return [stem] if stem.endswith((".yml", ".yaml")) else [stem + ".yml", stem + ".yaml", stem]


@dataclass(frozen=True)
class AnsiblePaths:
    """Where ansible.cfg says roles and collections are (`roles_path`, `collections_path`), absolute."""

    roles: "tuple[str, ...]" = ()
    collections: "tuple[str, ...]" = ()


def ansible_cfg(text: str, cfg_dir: str, home: str) -> AnsiblePaths:
    """An ansible.cfg's role and collection folders (colon-separated; `~` is the home, a relative one is
    relative to the file's folder, as Ansible reads them)."""
    import configparser
    cp = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        cp.read_string(text[:64 * 1024])
    except (configparser.Error, ValueError):
        return AnsiblePaths()

    def paths(*keys: str) -> "tuple[str, ...]":
        out: list[str] = []
        for k in keys:
            for p in cp.get("defaults", k, fallback="").split(":")[:16]:
                p = p.strip()
                if p.startswith("~/") and home:
                    p = home + p[1:]
                if p and "$" not in p and not p.startswith("~"):
                    out.append(posixpath.normpath(posixpath.join(cfg_dir, p)))
        return tuple(dict.fromkeys(out))
    return AnsiblePaths(paths("roles_path"), paths("collections_path", "collections_paths"))


def include_paths(inc: Include, here: str, top: str, cwd: str, home: str, role: str,
                  cfg: AnsiblePaths = AnsiblePaths()) -> "list[tuple[str, str]]":
    """The files an include may be, as Ansible looks them up: a task file or playbook relative to the
    including file, its role and the playbook's folder (and their tasks/); a role in roles/ next to the
    playbook or the including playbook, in the playbook's folder, in ./roles, beside the including role,
    in ansible.cfg's roles_path and in ~/.ansible/roles; a collection's role (`ns.coll.role`) in
    collections/ beside the playbook, ansible.cfg's collections_path and ~/.ansible/collections — its
    tasks, handlers and meta (dependencies) files. (path, the role folder it belongs to) each; the
    caller reads those that exist, every one (adr need not guess which Ansible picks)."""
    j = posixpath.join
    parts = inc.name.split(".")
    fqcn = len(parts) == 3 and all(re.fullmatch(r"\w{1,128}", p) for p in parts)  # ns.coll.name
    colls = [j(top, "collections"), *cfg.collections, j(home, ".ansible", "collections") if home else ""]
    if inc.kind == "file":
        bases = [b for b in dict.fromkeys((here, role, top)) if b]
        cands = [inc.name] if inc.name.startswith("/") else \
            [posixpath.normpath(j(b, sub, inc.name)) for b in bases for sub in ("", "tasks")]
        if fqcn:  # `import_playbook: ns.coll.site`: the collection's playbooks/site.yml
            cands += [posixpath.normpath(j(c, "ansible_collections", parts[0], parts[1], "playbooks", n))
                      for c in colls if c for n in _yaml_names(parts[2])]
        return [(p, role) for p in dict.fromkeys(cands)]
    roots = [j(top, "roles"), top, j(here, "roles"), j(cwd, "roles") if cwd else "",
             posixpath.dirname(role) if role else "", *cfg.roles, j(home, ".ansible", "roles") if home else ""]
    dirs = [posixpath.normpath(j(c, "ansible_collections", parts[0], parts[1], "roles", parts[2]))
            for c in colls if c] if fqcn else []
    dirs += [inc.name] if inc.name.startswith("/") else [posixpath.normpath(j(r, inc.name)) for r in roots if r]
    out: list[tuple[str, str]] = []
    for d in dict.fromkeys(dirs):
        for sub, stem in (("tasks", inc.tasks_from), ("handlers", inc.handlers_from), ("meta", "main")):
            out += [(j(d, sub, n), d) for n in _yaml_names(stem)]
    return out


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

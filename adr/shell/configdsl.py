"""Configuration-management languages that run commands: Puppet's `exec` resources and Chef's
`execute` / `bash` / `script` resources. `puppet apply -e 'exec { "x": command => "CMD" }'` and
`chef-apply -e 'execute "CMD"'` run CMD in a shell as surely as `sh -c CMD` does. Pure.
"""
from __future__ import annotations

import itertools
import re

from adr import lazyre

MAX_COMMANDS = 8
_S = r"""(?:"((?:[^"\\\n]|\\.){1,4000})"|'((?:[^'\\\n]|\\.){1,4000})')"""
# puppet: `command => "…"`, and the checks that run before it (`onlyif`, `unless`); with no command
# attribute an exec's title is its command
_PUPPET_ATTR = lazyre.compile(r"\b(?:command|onlyif|unless|refresh)\s*=>\s*" + _S)
_PUPPET_TITLE = lazyre.compile(r"\bexec\s*\{\s*" + _S + r"\s*:")
# chef (ruby DSL): `execute "CMD"` (the name is the command unless `command` is given), `command "CMD"`,
# `code "CMD"` / `code <<-EOH … EOH` of bash/script/sh resources
_CHEF_CALL = lazyre.compile(r"\b(execute|command|code)\s*\(?\s*" + _S)
_CHEF_HEREDOC = lazyre.compile(r"\bcode\s*\(?\s*<<[-~]?['\"]?(\w{1,32})['\"]?[^\n]{0,200}\n")


def _value(m: "re.Match[str]", first: int) -> str:
    s = m.group(first) if m.group(first) is not None else m.group(first + 1) or ""
    return s.replace('\\"', '"').replace("\\'", "'")


def puppet_commands(code: str) -> list[str]:
    """Command lines a Puppet manifest's exec resources run."""
    code = code[:200_000]
    out = [_value(m, 1) for m in _PUPPET_ATTR.finditer(code)]
    if not any(m.group(0).lstrip().startswith("command") for m in _PUPPET_ATTR.finditer(code)):
        out += [_value(m, 1) for m in _PUPPET_TITLE.finditer(code)]
    return [c for c in out if c.strip()][:MAX_COMMANDS]


def chef_commands(code: str) -> list[str]:
    """Command lines a Chef recipe's execute/bash/script resources run."""
    code = code[:200_000]
    calls = [(m.group(1), _value(m, 2)) for m in _CHEF_CALL.finditer(code)]
    given = any(kind == "command" for kind, _ in calls)
    out = [text for kind, text in calls if kind != "execute" or not given]
    for m in itertools.islice(_CHEF_HEREDOC.finditer(code), MAX_COMMANDS):
        end = re.compile(r"(?m)^[ \t]*" + m.group(1) + r"\b").search(code, m.end())  # (its body: up to the tag)
        out.append(code[m.end():end.start() if end else m.end() + 8000])
    return [c for c in out if c.strip()][:MAX_COMMANDS]


def inline_commands(prog: str, args: "list[str]") -> "list[str] | None":
    """`puppet apply -e CODE` / `chef-apply -e CODE`: the command lines CODE runs (None: not such a call)."""
    if prog == "puppet" and args[:1] == ["apply"]:
        read = puppet_commands
        args = args[1:]
    elif prog == "chef-apply":
        read = chef_commands
    else:
        return None
    for j, a in enumerate(args):
        if a in ("-e", "--execute") and j + 1 < len(args):
            return read(args[j + 1])
        if a.startswith("--execute="):
            return read(a.split("=", 1)[1])
    return None


def manifest_file(prog: str, args: "list[str]") -> "tuple[str, str] | None":
    """(language, file) of `puppet apply site.pp` / `chef-apply recipe.rb`: the file it reads and runs."""
    if prog == "puppet" and args[:1] == ["apply"]:
        lang, args = "puppet", args[1:]
    elif prog == "chef-apply":
        lang = "chef"
    else:
        return None
    if any(a in ("-e", "--execute") or a.startswith("--execute=") for a in args):
        return None
    pos = [a for k, a in enumerate(args) if not a.startswith("-") and (k == 0 or not args[k - 1].startswith("-")
                                                                        or "=" in args[k - 1])]
    return (lang, pos[0]) if pos else None


def commands_of(lang: str, code: str) -> list[str]:
    return puppet_commands(code) if lang == "puppet" else chef_commands(code)

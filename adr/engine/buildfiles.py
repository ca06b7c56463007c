"""Command lines a build file holds, which run when someone builds, tests or starts the project.

A Makefile's recipes, a justfile's, package.json's scripts (`test`, `start`, `prestart` … — the
install-time ones are judged strictly elsewhere), a Rakefile's `sh "…"`, Gradle's `commandLine`,
CMake's `execute_process(COMMAND …)`: writing one is writing a script that runs later, by the agent
(judged again then), CI or a person. The engine judges them as a written script is judged (what has
no honest use in a script — a reverse shell, secrets sent away — is denied when written; the rest
when it runs). Pure; reading is bounded and a file that does not parse yields nothing.
"""
from __future__ import annotations

import json
import posixpath
import re
import shlex

MAX_CONTENT = 256 * 1024
MAX_COMMANDS = 32

_MAKEFILES = frozenset({"makefile", "gnumakefile", "bsdmakefile"})
_JUSTFILES = frozenset({"justfile", ".justfile"})
_RAKEFILES = frozenset({"rakefile", "rakefile.rb"})
_GRADLE = (".gradle", ".gradle.kts")
_CMAKE = frozenset({"cmakelists.txt"})


def _make(content: str) -> list[tuple[str, str]]:
    """Recipe lines (a tab first), with make's own prefixes (@ - +) and `$$` (a literal `$`) undone;
    a recipe continued with backslashes is one command."""
    out: list[tuple[str, str]] = []
    target = ""
    pending = ""
    for line in content.splitlines():
        if not line.startswith("\t"):
            m = re.match(r"^([A-Za-z0-9_.%/$(){}-][^:=\s]*)\s*::?(?!=)", line)
            if m:
                target = m.group(1)
            pending = ""
            continue
        text = line[1:]
        if pending:
            text = pending + text
        if text.endswith("\\"):
            pending = text[:-1] + " "
            continue
        pending = ""
        cmd = text.lstrip("@-+ \t").replace("$$", "$")
        if cmd.strip():
            out.append((f"recipe {target}".rstrip(), cmd))
        if len(out) >= MAX_COMMANDS:
            break
    return out


def _just(content: str) -> list[tuple[str, str]]:
    """justfile recipe bodies: the indented lines under `name args:` (a `#!` body is a script)."""
    out: list[tuple[str, str]] = []
    target = ""
    for line in content.splitlines():
        if line[:1] not in (" ", "\t"):
            m = re.match(r"^@?([A-Za-z0-9_-]+)[^:=]*:(?!=)", line)
            target = m.group(1) if m else ""
            continue
        cmd = line.strip().lstrip("@-")
        if target and cmd and not cmd.startswith("#"):
            out.append((f"recipe {target}", cmd))
        if len(out) >= MAX_COMMANDS:
            break
    return out


def _package_json(content: str) -> list[tuple[str, str]]:
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return []
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return []
    return [(f"{k} script", v) for k, v in list(scripts.items())[:MAX_COMMANDS] if isinstance(v, str) and v.strip()]


_STR = r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""
_RAKE_SH = re.compile(r"""(?m)\b(?:sh|system|ruby|exec)\s*\(?\s*""" + _STR + r"""\s*\)?""")
_RAKE_BACKTICK = re.compile(r"`([^`\n]+)`|%x\(([^)\n]+)\)")
_GRADLE_LINE = re.compile(r"""\b(?:commandLine|executable|args)\s*\(?\s*((?:""" + _STR + r"""\s*,?\s*)+)\)?""")
_CMAKE_CMD = re.compile(r"""\b(?:execute_process|add_custom_command|add_custom_target)\s*\((.*?)\)""", re.S | re.I)


def _strings(text: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in re.finditer(_STR, text)]


def _rake(content: str) -> list[tuple[str, str]]:
    out = [("sh", m.group(1) if m.group(1) is not None else m.group(2)) for m in _RAKE_SH.finditer(content)]
    out += [("backticks", m.group(1) or m.group(2)) for m in _RAKE_BACKTICK.finditer(content)]
    return out[:MAX_COMMANDS]


def _gradle(content: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _GRADLE_LINE.finditer(content):
        words = _strings(m.group(1))
        if words:
            out.append(("commandLine", " ".join(shlex.quote(w) for w in words)))
    return out[:MAX_COMMANDS]


def _cmake(content: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _CMAKE_CMD.finditer(content):
        for part in re.split(r"\bCOMMAND\b", m.group(1))[1:]:
            words = []
            for w in re.findall(r'"(?:[^"\\]|\\.)*"|\S+', part):
                if w.isupper() and w not in ("COMMAND",) and len(w) > 2:
                    break  # the next keyword (WORKING_DIRECTORY, OUTPUT_VARIABLE …)
                words.append(w[1:-1] if w.startswith('"') else w)
            if words:
                out.append(("COMMAND", " ".join(shlex.quote(w) for w in words)))
    return out[:MAX_COMMANDS]


def _kind(path: str) -> str:
    base = posixpath.basename(path).lower()
    if base in _MAKEFILES or base.endswith(".mk"):
        return "make"
    if base in _JUSTFILES:
        return "just"
    if base == "package.json":
        return "package"
    if base in _RAKEFILES or base.endswith(".rake"):
        return "rake"
    if base.endswith(_GRADLE):
        return "gradle"
    if base in _CMAKE or base.endswith(".cmake"):
        return "cmake"
    return ""


_READERS = {"make": _make, "just": _just, "package": _package_json, "rake": _rake, "gradle": _gradle,
            "cmake": _cmake}


def build_commands(path: str, content: str) -> list[tuple[str, str]]:
    """(where in the file, command line) for each command the build file at `path` runs; [] for any
    other file, or content that does not parse."""
    kind = _kind(path)
    if not kind or not content or len(content) > MAX_CONTENT:
        return []
    return [(w, c) for w, c in _READERS[kind](content) if c.strip()][:MAX_COMMANDS]

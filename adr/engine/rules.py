"""Rule packs: YAML → validated, compiled Rule values.

Schema (engine: 1), per file:
  engine: 1                      required; the schema version this file is written for
  pack: name                     required
  platforms: [linux, macos]      default for the pack's rules (linux | macos | windows)
  lists:  {name: [items…]}       reusable lists, referenced as "$name" (items may splice lists)
  macros: {name: {on: …, match: {…}}}
  rules:
    - id, title, description, severity (info|low|medium|high|critical), action (deny|ask|log),
      on (command|file|url|script|shell|mcp|text), match {…}, exceptions [{name, match}],
      platforms, references (ATT&CK ids), tags, enabled,
      examples: {match: [...], not_match: [...]}   — both required: a rule without examples is
                                                     a rule without tests.
Lists and macros are shared by all packs; ids are unique across packs.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from adr.actions import Reversible, RuleAction, Severity
from adr.shell import decoders, netprogs
from adr.engine.conditions import (FIELDS, CompileEnv, ConditionError, Pred, RegexBank, compile_condition, gate_of,
                                   programs_in)

ENGINE_VERSION = 1
ON_KINDS = tuple(FIELDS)
PLATFORMS = ("linux", "macos", "windows")
_RULE_KEYS = {"id", "title", "description", "severity", "action", "on", "match", "exceptions", "platforms",
              "references", "tags", "enabled", "examples", "reversible"}
_FILE_KEYS = {"engine", "pack", "platforms", "lists", "macros", "rules", "description"}
MAX_RULE_FILE = 4 * 1024 * 1024


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x faster on our packs


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """YAML 1.2-style booleans: only true/false. (YAML 1.1 reads `on:` and `no` as booleans.)"""


_Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


class RuleError(ValueError):
    """One problem in one rule file, naming where it is."""

    def __init__(self, file: str, message: str, rule_id: str = "", field: str = "") -> None:
        where = file + (f": rule {rule_id}" if rule_id else "") + (f": {field}" if field else "")
        super().__init__(f"{where}: {message}")
        self.file = file
        self.rule_id = rule_id
        self.field = field
        self.message = message


class RuleLoadError(ValueError):
    """Every problem found while loading a set of packs."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Example:
    """An example action: a command string, or a mapping for file/url/mcp rules."""

    value: Any

    def describe(self) -> str:
        if isinstance(self.value, str):
            return self.value
        return ", ".join(f"{k}={str(v)[:60]!r}" for k, v in self.value.items())


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    action: RuleAction
    on: str
    pred: Pred = field(compare=False, repr=False)
    exceptions: tuple[tuple[str, Pred], ...] = field(default=(), compare=False, repr=False)
    description: str = ""
    platforms: tuple[str, ...] = ("linux", "macos")
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    examples_match: tuple[Example, ...] = ()
    examples_not_match: tuple[Example, ...] = ()
    programs: frozenset[str] | None = None  # for indexing command rules by program
    gate: "tuple[Any, ...] | None" = field(default=None, compare=False, repr=False)  # conditions.Gate alternatives
    # every (field, set index) of the regex bank that the condition and exceptions use, and that bank
    leaves: "tuple[tuple[str, int], ...]" = field(default=(), compare=False, repr=False)
    bank: Any = field(default=None, compare=False, repr=False)
    file: str = ""
    pack: str = ""
    reversible: Reversible = Reversible.UNKNOWN  # `reversible: adr | user | no` in the rule


@dataclass
class _RawPack:
    path: str
    data: dict[str, Any]


def current_platform() -> str:
    if sys.platform == "darwin":
        return "macos"
    if sys.platform.startswith("win"):
        return "windows"
    return "linux"


CACHE_MAGIC = b"adr-rules-cache 2 "


def _cache_mac(key: bytes, digest: str, body: bytes) -> str:
    return hmac.new(key, b"adr-rule-cache\0" + digest.encode() + b"\0" + body, hashlib.sha256).hexdigest()


def _cached_yaml(raw: bytes, text: str, cache_dir: Path | None, key: bytes | None = None) -> Any:
    """YAML → data, through a JSON copy keyed by the file's SHA-256 (JSON loads ~10x faster, which
    matters when the hook client or a shim must load every pack because the daemon is down).

    The copy lives under the cache dir, which an agent could write to around adr's gate: so each
    copy carries an HMAC over the pack's digest and the JSON, with adr's integrity key
    (policy/integrity.py), and a copy that does not verify is never used — the YAML is parsed and
    the copy rewritten. Without the key (unreadable, not created yet) the cache is not used at all."""
    if cache_dir is None or not key:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (safe: SafeLoader subclass)
    digest = hashlib.sha256(raw).hexdigest()
    cached = cache_dir / f"{digest}.json"
    try:
        blob = cached.read_bytes()
        head, _, body = blob.partition(b"\n")
        if head.startswith(CACHE_MAGIC) and hmac.compare_digest(head[len(CACHE_MAGIC):].decode("ascii"),
                                                                _cache_mac(key, digest, body)):
            return json.loads(body)
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    data = yaml.load(text, Loader=_Loader)  # noqa: S506 (safe: SafeLoader subclass)
    try:
        body = json.dumps(data).encode("utf-8")
        if json.loads(body) == data:  # only data that survives JSON unchanged is cached
            write_cached_pack(cache_dir, key, digest, body)
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written is only slower
    return data


def write_cached_pack(cache_dir: Path, key: bytes, digest: str, body: bytes) -> None:
    """Store the JSON copy `body` of the pack whose SHA-256 is `digest`, signed with `key` (atomic, 0600)."""
    cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    cached = cache_dir / f"{digest}.json"
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(CACHE_MAGIC + _cache_mac(key, digest, body).encode() + b"\n" + body)
    os.replace(tmp, cached)


def read_pack(path: Path, cache_dir: Path | None = None, cache_key: bytes | None = None) -> _RawPack:
    name = str(path)
    try:
        if path.stat().st_size > MAX_RULE_FILE:
            raise RuleError(name, f"larger than {MAX_RULE_FILE} bytes")
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleError(name, "not UTF-8 text") from None
    except OSError as e:
        raise RuleError(name, f"cannot read: {e.strerror or e}") from None
    try:
        data = _cached_yaml(raw, text, cache_dir, cache_key)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RuleError(name, f"not valid YAML{where}: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise RuleError(name, "must be a mapping with engine, pack and rules")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise RuleError(name, f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}")
    if data.get("engine") != ENGINE_VERSION:
        raise RuleError(name, f"engine must be {ENGINE_VERSION} (the schema version), got {data.get('engine')!r}",
                        field="engine")
    if not isinstance(data.get("pack"), str) or not data["pack"]:
        raise RuleError(name, "pack must be a non-empty string", field="pack")
    return _RawPack(name, data)


GIVEN_LISTS = "adr (this installation)"  # where lists handed to load_packs say they come from


REGEX_STAMP = ".re2-valid"  # suffix of a regex stamp in the cache dir (never *.json: those are packs)


def _stamp_mac(key: bytes, digest: str) -> str:
    return hmac.new(key, b"adr-rule-regexes-valid\0" + digest.encode(), hashlib.sha256).hexdigest()


def _stamped(cache_dir: Path, key: bytes, digest: str) -> bool:
    try:
        mac = (cache_dir / f"{digest}{REGEX_STAMP}").read_text("ascii").strip()
    except (OSError, ValueError):
        return False
    return hmac.compare_digest(mac, _stamp_mac(key, digest))


def _stamp(cache_dir: Path, key: bytes, digest: str) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        final = cache_dir / f"{digest}{REGEX_STAMP}"
        tmp = final.with_name(f"{final.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(_stamp_mac(key, digest) + "\n")
        os.replace(tmp, final)
    except OSError:
        pass  # a stamp that cannot be written only means checking again next time


class _CheckEagerly(Exception):
    """A load that deferred its regex checks met a problem: load again the eager way, for its errors."""


def load_packs(paths: list[Path], platform: str | None = None, cache_dir: Path | None = None,
               given_lists: "dict[str, list[str]] | None" = None, cache_key: bytes | None = None
               ) -> tuple[list[Rule], list[str], dict[str, list[str]]]:
    """Load and compile every pack; returns (rules for this platform, pack names, lists).

    `given_lists` are lists the packs may reference but not define — facts of this installation
    (adr's own directories, policy/protect.py), handed over as data so the engine stays pure.
    Raises RuleLoadError listing every problem (file, rule id, field).

    Checking each regex with RE2 as it comes (~0.06 s for ~1,250 patterns) is skipped when these very
    patterns were checked before: a stamp in the cache dir, named by the SHA-256 of every pattern and
    the RE2 build (RegexBank.digest) and carrying an HMAC with adr's integrity key, as the cached
    packs do. A new or changed pack makes new patterns: they are all checked at the end of the load
    and stamped. Any problem in such a load — a bad regex or anything else — loads again the eager
    way, so the errors are exactly those of checking each regex as it comes. No key: always eager.
    """
    if cache_dir is not None and cache_key:
        try:
            return _load_packs(paths, platform, cache_dir, given_lists, cache_key, stamps=True)
        except _CheckEagerly:
            pass
    return _load_packs(paths, platform, cache_dir, given_lists, cache_key, stamps=False)


def _load_packs(paths: list[Path], platform: str | None, cache_dir: Path | None,
                given_lists: "dict[str, list[str]] | None", cache_key: bytes | None, stamps: bool
                ) -> tuple[list[Rule], list[str], dict[str, list[str]]]:
    platform = platform or current_platform()
    errors: list[RuleError] = []
    raws: list[_RawPack] = []
    for p in paths:
        try:
            raws.append(read_pack(p, cache_dir, cache_key))
        except RuleError as e:
            errors.append(e)
    # the engine's own lists (one source with the shell layer's), then this installation's facts
    lists: dict[str, list[str]] = {k: list(v) for k, v in {**netprogs.LISTS, **decoders.LISTS, **(given_lists or {})}.items()}
    macros: dict[str, tuple[str, Any]] = {}
    list_src: dict[str, str] = {k: GIVEN_LISTS for k in lists}
    for raw in raws:
        for key, store in (("lists", lists), ("macros", macros)):
            section = raw.data.get(key) or {}
            if not isinstance(section, dict):
                errors.append(RuleError(raw.path, f"{key} must be a mapping", field=key))
                continue
            for name, value in section.items():
                if name in list_src:
                    errors.append(RuleError(raw.path, f"{key[:-1]} {name!r} already defined in {list_src[name]}",
                                            field=f"{key}.{name}"))
                    continue
                list_src[name] = raw.path
                if key == "lists":
                    if not isinstance(value, list):
                        errors.append(RuleError(raw.path, "a list must be a YAML list", field=f"lists.{name}"))
                        continue
                    store[name] = value  # type: ignore[assignment]
                else:
                    if not isinstance(value, dict) or value.get("on") not in ON_KINDS or "match" not in value:
                        errors.append(RuleError(raw.path, f"a macro needs on ({'|'.join(ON_KINDS)}) and match",
                                                field=f"macros.{name}"))
                        continue
                    store[name] = (value["on"], value["match"])  # type: ignore[assignment]
    env = CompileEnv(lists=lists, macros=macros, bank=RegexBank(validate=not stamps))
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    packs: list[str] = []
    for raw in raws:
        packs.append(raw.data["pack"])
        pack_platforms = raw.data.get("platforms") or ["linux", "macos"]
        rule_list = raw.data.get("rules") or []
        if not isinstance(rule_list, list):
            errors.append(RuleError(raw.path, "rules must be a list", field="rules"))
            continue
        for i, r in enumerate(rule_list):
            try:
                rule = _compile_rule(r, i, raw, env, pack_platforms)
            except RuleError as e:
                errors.append(e)
                continue
            if rule.id in seen:
                errors.append(RuleError(raw.path, f"duplicate id (also in {seen[rule.id]})", rule.id, "id"))
                continue
            seen[rule.id] = raw.path
            if platform in rule.platforms:
                rules.append(rule)
    if errors:
        if stamps:
            raise _CheckEagerly
        raise RuleLoadError(errors)
    if stamps:
        assert cache_dir is not None and cache_key
        digest = env.bank.digest()
        if not _stamped(cache_dir, cache_key, digest):
            try:
                env.bank.check_all()
            except ConditionError:
                raise _CheckEagerly from None
            _stamp(cache_dir, cache_key, digest)
    env.bank.compile()
    expanded: dict[str, list[str]] = {}
    for name in lists:
        if not lists[name] and list_src.get(name) == GIVEN_LISTS:
            expanded[name] = []  # a fact of this installation that is empty (no hook configs yet)
            continue
        try:
            from adr.engine.conditions import expand_list
            expanded[name] = expand_list(f"${name}", env, f"lists.{name}")
        except ConditionError as e:
            raise RuleLoadError([RuleError(list_src.get(name, "?"), e.message, field=f"lists.{name}")]) from None
    return rules, packs, expanded


def _compile_rule(r: Any, index: int, raw: _RawPack, env: CompileEnv, pack_platforms: list[str]) -> Rule:
    f = raw.path
    if not isinstance(r, dict):
        raise RuleError(f, f"rule #{index + 1} must be a mapping")
    rid = r.get("id")
    if not isinstance(rid, str) or not rid or any(c.isspace() for c in rid):
        raise RuleError(f, f"rule #{index + 1}: id must be a non-empty string without spaces", field="id")
    unknown = set(r) - _RULE_KEYS
    if unknown:
        raise RuleError(f, f"unknown field(s): {', '.join(sorted(map(str, unknown)))}", rid, sorted(map(str, unknown))[0])

    def need_str(key: str) -> str:
        v = r.get(key)
        if not isinstance(v, str) or not v.strip():
            raise RuleError(f, "is required and must be a non-empty string", rid, key)
        return v.strip()

    title = need_str("title")
    try:
        severity = Severity(r.get("severity"))
    except ValueError:
        raise RuleError(f, f"must be one of {', '.join(s.value for s in Severity)}", rid, "severity") from None
    try:
        action = RuleAction(r.get("action"))
    except ValueError:
        raise RuleError(f, f"must be one of {', '.join(a.value for a in RuleAction)}", rid, "action") from None
    on = r.get("on")
    if on not in ON_KINDS:
        raise RuleError(f, f"must be one of {', '.join(ON_KINDS)}", rid, "on")
    platforms = r.get("platforms", pack_platforms)
    if not isinstance(platforms, list) or not platforms or any(p not in PLATFORMS for p in platforms):
        raise RuleError(f, f"must be a list of {', '.join(PLATFORMS)}", rid, "platforms")
    before = env.bank.sizes()
    try:
        pred = compile_condition(r.get("match"), on, env)
    except ConditionError as e:
        raise RuleError(f, e.message, rid, e.field) from None
    exceptions: list[tuple[str, Pred]] = []
    exc = r.get("exceptions") or []
    if not isinstance(exc, list):
        raise RuleError(f, "must be a list of {name, match}", rid, "exceptions")
    for j, e in enumerate(exc):
        if not isinstance(e, dict) or not isinstance(e.get("name"), str) or "match" not in e:
            raise RuleError(f, "each exception needs a name and a match", rid, f"exceptions[{j}]")
        try:
            exceptions.append((e["name"], compile_condition(e["match"], on, env, f"exceptions[{j}].match")))
        except ConditionError as ce:
            raise RuleError(f, ce.message, rid, ce.field) from None
    ex = r.get("examples")
    if not isinstance(ex, dict) or not ex.get("match") or not ex.get("not_match"):
        raise RuleError(f, "every rule needs examples with both match and not_match lists", rid, "examples")
    for key in ("match", "not_match"):
        if not isinstance(ex[key], list):
            raise RuleError(f, "must be a list", rid, f"examples.{key}")
        for item in ex[key]:
            _check_example(item, on, f, rid, f"examples.{key}")
    for key in ("references", "tags"):
        v = r.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise RuleError(f, "must be a list of strings", rid, key)
    enabled = r.get("enabled", True)
    if not isinstance(enabled, bool):
        raise RuleError(f, "must be true or false", rid, "enabled")
    rev = r.get("reversible", "")
    if rev not in ("", "adr", "user", "no"):
        raise RuleError(f, "must be adr (adr can undo it), user (the user can: git, reflog) or no", rid, "reversible")
    return Rule(
        id=rid, title=title, severity=severity, action=action, on=on, pred=pred,
        exceptions=tuple(exceptions), description=str(r.get("description") or "").strip(),
        platforms=tuple(platforms) if enabled else (), references=tuple(r.get("references", [])),
        tags=tuple(r.get("tags", [])),
        examples_match=tuple(Example(x) for x in ex["match"]),
        examples_not_match=tuple(Example(x) for x in ex["not_match"]),
        programs=programs_in(r.get("match"), env) if on == "command" else None,
        gate=gate_of(pred), leaves=env.bank.added_since(before), bank=env.bank,
        file=f, pack=raw.data["pack"], reversible=Reversible(rev),
    )


_EXAMPLE_KEYS = {
    "command": {"command", "resolved", "cwd"}, "shell": {"command", "resolved", "cwd"},
    "script": {"command", "path", "content", "kind", "cwd"},
    "file": {"path", "content", "old_content", "kind", "command", "tool", "cwd", "resolved"}, "url": {"url", "command"},
    "mcp": {"server", "tool", "arguments"},
    "text": {"text", "source", "tool"},
}


def _check_example(item: Any, on: str, f: str, rid: str, field: str) -> None:
    if isinstance(item, str):
        if on == "mcp":
            raise RuleError(f, "mcp examples are mappings {server, tool, arguments}", rid, field)
        return
    if not isinstance(item, dict):
        raise RuleError(f, "each example is a string or a mapping", rid, field)
    bad = set(item) - _EXAMPLE_KEYS[on]
    if bad:
        raise RuleError(f, f"unknown example key(s) {sorted(bad)} for on: {on}", rid, field)


def example_action_fields(ex: Example, on: str) -> dict[str, Any]:
    """How an example becomes an action (used by the example checker)."""
    v = ex.value
    if isinstance(v, dict) and "cwd" in v and on in ("command", "shell", "script", "file"):
        # `cwd`: the working directory the agent acts in (default: the example project, /home/dev/project)
        return example_action_fields(Example({k: x for k, x in v.items() if k != "cwd"}), on) | {"cwd": v["cwd"]}
    if isinstance(v, str):
        if on == "text":
            return {"kind": "text", "text": v, "source": "web", "tool": ""}
        if on == "url":
            return {"kind": "url_fetch", "url": v}
        if on == "file":
            return {"kind": "file_write", "path": v, "content": ""}
        return {"kind": "exec", "command": v}
    if "command" in v:
        # `resolved`: what the judge would have looked up on the machine (a repository's branch and
        # remote hosts …), in the shape a run record keeps it
        return {"kind": "exec", "command": v["command"]} | ({"resolved": v["resolved"]} if "resolved" in v else {})
    if on == "url":
        return {"kind": "url_fetch", "url": v["url"]}
    if on == "text":
        return {"kind": "text", "text": v.get("text", ""), "source": v.get("source", "web"), "tool": v.get("tool", "")}
    if on == "mcp":
        args = v.get("arguments", {})
        import json
        return {"kind": "mcp_call", "mcp_server": v.get("server", ""), "mcp_tool": v.get("tool", ""),
                "arguments": args if isinstance(args, str) else json.dumps(args)}
    kind = {"write": "file_write", "edit": "file_edit", "read": "file_read", "delete": "file_delete"}[v.get("kind", "write")]
    # `tool`: the agent's tool that acts on the file (a file subject's `by`: Grep reads, Glob lists)
    return {"kind": kind, "path": v.get("path", ""), "content": v.get("content", ""),
            "old_content": v.get("old_content", "")} | ({"tool": v["tool"]} if v.get("tool") else {}) | (
        {"resolved": v["resolved"]} if "resolved" in v else {})


RuleFilter = Callable[[Rule], bool]

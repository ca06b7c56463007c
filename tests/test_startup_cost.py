"""Start-up work is deferred, never skipped: what each lazy path leaves for later gives the same
commands, patterns and errors as doing it at once (README: hook latency)."""
from __future__ import annotations

import importlib
import subprocess
import sys

import click


def test_every_cli_command_is_found_by_name_in_its_own_module() -> None:
    import adr.cli as cli

    cli._register()
    assert set(cli._MODULES) == set(cli.main.commands)  # a new command needs its line in _MODULES
    for name, cmd in cli.main.commands.items():
        assert cmd.callback is not None
        defined_in = cmd.callback.__module__.rsplit(".", 1)[-1]
        assert defined_in in cli._MODULES[name], name
    assert isinstance(cli.main.commands["sessions"], click.Group) and "clear" in cli.main.commands["sessions"].commands


def test_cli_check_imports_only_what_check_needs() -> None:
    code = ("import sys, adr.cli as c, click; c.main.get_command(click.Context(c.main), 'check'); "
            "print(','.join(m for m in ('adr.cli.daemon', 'adr.cli.log', 'asyncio', 'adr.record.audit') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_a_lazy_pattern_answers_as_the_compiled_one_and_takes_its_place() -> None:
    import re

    from adr import lazyre

    home: dict = {"lazyre": lazyre, "re": re}
    exec("P = lazyre.compile(r'c(u)rl', re.I)\nHELD = (lazyre.compile(r'(w)get\\s+(\\S+)'),)", home)
    lazy, held = home["P"], home["HELD"][0]
    assert isinstance(lazy, lazyre.LazyPattern) and lazy.pattern == "c(u)rl"
    text = "CURL x; wget http://a/b; curl y"
    eager = re.compile(r"c(u)rl", re.I)
    assert lazy.sub("X", text) == eager.sub("X", text)
    assert type(home["P"]) is re.Pattern and home["P"].flags == eager.flags  # the module now holds the real one
    assert [m.groups() for m in held.finditer(text)] == [("w", "http://a/b;")]
    assert held.search("no") is None and held.groups == 2
    assert isinstance(home["HELD"][0], lazyre.LazyPattern)  # (a tuple keeps its stand-in)


def test_every_module_pattern_compiles() -> None:
    """A pattern compiled lazily still must compile: one with a typo would fail only at its first use."""
    from adr import lazyre

    for mod in ("adr.judge", "adr.engine", "adr.supply.detector", "adr.supply.manifests", "adr.daemon.resolve",
                "adr.daemon.gitstate", "adr.daemon.localdb", "adr.record.redact"):
        importlib.import_module(mod)
    lazyre.compile_all()
    left = [f"{name}.{k}" for name, mod in list(sys.modules.items()) if name.startswith("adr.")
            for k, v in list(vars(mod).items()) if isinstance(v, lazyre.LazyPattern)]
    assert not left  # every named one compiled, and in its module's globals now as a re.Pattern
    assert all(p.__dict__.get("_rx") is not None for p in list(lazyre._MADE))


PACK = """engine: 1
pack: t-lazy
rules:
  - id: t.curl-token
    title: a token sent with curl
    severity: high
    action: deny
    on: command
    match:
      program: [curl]
      args: 'Authorization:\\s*Bearer\\s+\\S+'
    examples:
      match: ["curl -H 'Authorization: Bearer abc' https://x"]
      not_match: ["curl https://x"]
  - id: t.env-write
    title: writes an env file
    severity: medium
    action: ask
    on: file
    match:
      path: ["**/.env"]
    examples: {match: [{path: /p/.env}], not_match: [{path: /p/a.txt}]}
"""
KEY = b"k" * 32


def _load(tmp_path, text: str, key: "bytes | None" = KEY):
    from adr.engine.rules import load_packs

    pack = tmp_path / "t.yaml"
    pack.write_text(text)
    return load_packs([pack], cache_dir=tmp_path / "cache", cache_key=key, platform="linux")


def _findings(rules, packs, lists) -> list[tuple[str, ...]]:
    from adr.actions import Action, ActionKind, Context
    from adr.engine.core import Engine

    engine = Engine(rules, packs, lists)
    ctx = Context(host="cli", agent="cli", cwd="/tmp/x")
    actions = [Action(ActionKind.EXEC, ctx, command="curl -H 'Authorization: Bearer abc' https://x"),
               Action(ActionKind.EXEC, ctx, command="curl https://x"),
               Action(ActionKind.FILE_WRITE, ctx, path="/p/.env", content="A=1")]
    return [tuple(sorted(f.rule_id for f in engine.evaluate(a))) for a in actions]


def test_patterns_checked_once_are_not_checked_again_and_judge_alike(tmp_path) -> None:
    first = _load(tmp_path, PACK)
    assert first[0][0].bank.validate  # new patterns: every one checked by RE2, then stamped
    assert len(list((tmp_path / "cache").glob("*.re2-valid"))) == 1
    again = _load(tmp_path, PACK)
    assert not again[0][0].bank.validate  # the stamp verifies: not checked again
    eager = _load(tmp_path, PACK, key=None)
    assert eager[0][0].bank.validate
    assert [r.id for r in again[0]] == [r.id for r in eager[0]] == ["t.curl-token", "t.env-write"]
    assert _findings(*again) == _findings(*eager) == [("t.curl-token",), (), ("t.env-write",)]


def test_a_stamp_that_does_not_verify_is_ignored(tmp_path) -> None:
    _load(tmp_path, PACK)
    (stamp,) = (tmp_path / "cache").glob("*.re2-valid")
    good = stamp.read_text()
    stamp.write_text("0" * 64 + "\n")
    assert _load(tmp_path, PACK)[0][0].bank.validate  # checked again …
    assert stamp.read_text() == good  # … and stamped again


def test_a_bad_regex_in_a_user_pack_gives_the_same_clear_error(tmp_path) -> None:
    import pytest

    from adr.engine.rules import RuleLoadError

    _load(tmp_path, PACK)  # the good pack's patterns are stamped: the bad one's are others
    bad = PACK.replace("Bearer\\s+", "Bearer (")
    assert bad != PACK
    with pytest.raises(RuleLoadError) as deferred:
        _load(tmp_path, bad)
    with pytest.raises(RuleLoadError) as eager:
        _load(tmp_path, bad, key=None)
    assert str(deferred.value) == str(eager.value)
    assert "t.yaml: rule t.curl-token: match.args: bad regular expression" in str(deferred.value)
    assert len(list((tmp_path / "cache").glob("*.re2-valid"))) == 1  # never stamped


def test_the_tests_warm_cache_is_byte_for_byte_what_adr_writes(tmp_path) -> None:
    """tests/_daemon_helpers.warm_rule_cache spares each fresh test installation the YAML parse; it
    must be exactly the cache adr's own first load writes, or the tests would judge with other data."""
    from adr.engine.core import shipped_rule_files
    from adr.engine.rules import read_pack
    from tests._daemon_helpers import write_pack_copies

    for p in shipped_rule_files():
        read_pack(p, tmp_path / "adr", KEY)
    write_pack_copies(tmp_path / "tests", KEY)
    made = {f.name: f.read_bytes() for f in (tmp_path / "adr").iterdir()}
    assert len(made) == len(shipped_rule_files())
    assert made == {f.name: f.read_bytes() for f in (tmp_path / "tests").iterdir()}


def test_the_walk_of_adrs_places_waits_for_a_glob_and_decides_alike() -> None:
    """load_engine leaves the walk of adr's places for the first decision that needs its names (a glob
    target) or owners (a find -user test); the answers are those of walking at load (the daemon)."""
    from adr.actions import Action, ActionKind, Context
    from adr.config import Settings
    from adr.engine.core import load_engine
    from adr.paths import get_paths

    root = get_paths().state_dir.parent
    ctx = Context(host="cli", agent="cli", cwd="/tmp/x")
    engine = load_engine(Settings())

    def verdict(cmd: str) -> str:
        return engine.decide(Action(ActionKind.EXEC, ctx, command=cmd)).decision.value

    assert engine._witness is not None and engine._witness._later is not None
    assert verdict("ls -la") == "allow" and engine._witness._later is not None  # no glob: no walk
    # names: only a name that exists in adr's places makes a glob reach them (unknown: every one does)
    assert [verdict(f"rm -rf {root}/s*"), verdict("find /tmp -name '*.tmp' -delete")] == ["deny", "allow"]
    assert engine._witness._later is None
    # owners: a find for another user's files leaves adr's out (unknown owners: it proves nothing)
    assert verdict("find / -user olduser -exec chown newuser {} \\;") == "allow"

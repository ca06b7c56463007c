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
    assert lazyre.compile_all() > 500
    assert all(p.__dict__.get("_rx") is not None for p in lazyre._MADE)

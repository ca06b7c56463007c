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

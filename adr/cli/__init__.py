"""The `adr` command. Each subcommand group lives in its own module and registers itself here —
imported when the command is asked for (`_MODULES`), so `adr check` does not pay for importing
asyncio, the audit log, the notifiers … that only other commands use (~0.1 s of every start)."""
from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from adr.cli import output


# command name → the modules that define it (in order: taint adds `clear` to the sessions group)
_MODULES: dict[str, tuple[str, ...]] = {
    "check": ("check",), "rules": ("rules",), "daemon": ("daemon",), "status": ("daemon",), "log": ("log",),
    "install": ("install",), "uninstall": ("install",), "doctor": ("doctor",), "service": ("service",),
    "setup": ("setup",), "completion": ("completion",), "feeds": ("supply",), "reputation": ("supply",),
    "supply": ("supply",), "pending": ("approvals",), "approve": ("approvals",), "deny": ("approvals",),
    "grants": ("approvals",), "wrap": ("wrap",), "shell": ("wrap",), "undo": ("undo",), "history": ("undo",),
    "sessions": ("sessions", "taint"), "replay": ("replay",), "report": ("report",), "config": ("config",),
    "alerts": ("alerts",), "export": ("export",), "policy": ("policy",), "scan": ("scan",),
}
_ALL = tuple(dict.fromkeys(m for mods in _MODULES.values() for m in mods))


class AdrGroup(click.Group):
    """click's group with adr's exit codes (adr/cli/output.py): errors exit 3 and usage errors 4, never
    1 or 2, which `adr check` uses for "ask" and "deny". A command's module is imported when the
    command is looked up; listing them (help, completion) imports them all."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> "click.Command | None":
        if cmd_name not in self.commands:
            for mod in _MODULES.get(cmd_name, ()):
                importlib.import_module(f"adr.cli.{mod}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register()
        return super().list_commands(ctx)

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            e.show()
            sys.exit(output.USAGE)
        except click.ClickException as e:
            e.show()
            sys.exit(output.ERROR)
        except click.Abort:
            output.echo("adr: aborted.", err=True)
            sys.exit(output.ERROR)
        except Exception as e:  # a bug: say so, never exit 1 (which reads as "ask")
            import traceback

            traceback.print_exc()
            output.echo(f"adr: internal error ({type(e).__name__}: {e}); please report it with the lines above.",
                        err=True)
            sys.exit(output.ERROR)
        sys.exit(rv if isinstance(rv, int) else output.OK)


@click.group(cls=AdrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="adr", message="%(prog)s %(version)s")
def main() -> None:
    """adr — Agent Detection & Response: judge what AI agents run before it runs."""


def _register() -> None:
    """Every command (import order is irrelevant: taint imports the sessions module first)."""
    for mod in _ALL:
        importlib.import_module(f"adr.cli.{mod}")

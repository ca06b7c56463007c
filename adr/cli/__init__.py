"""The `adr` command. Each subcommand group lives in its own module and registers itself here."""
from __future__ import annotations

import sys
from typing import Any

import click

from adr.cli import output


class AdrGroup(click.Group):
    """click's group with adr's exit codes (adr/cli/output.py): errors exit 3 and usage errors 4, never
    1 or 2, which `adr check` uses for "ask" and "deny"."""

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
    # Import order is irrelevant; each module adds its commands to `main`.
    from adr.cli import check  # noqa: F401
    from adr.cli import rules  # noqa: F401
    from adr.cli import daemon  # noqa: F401
    from adr.cli import log  # noqa: F401
    from adr.cli import install  # noqa: F401
    from adr.cli import doctor  # noqa: F401
    from adr.cli import service  # noqa: F401
    from adr.cli import setup  # noqa: F401
    from adr.cli import completion  # noqa: F401
    from adr.cli import supply  # noqa: F401
    from adr.cli import approvals  # noqa: F401
    from adr.cli import wrap  # noqa: F401
    from adr.cli import undo  # noqa: F401
    from adr.cli import sessions  # noqa: F401
    from adr.cli import replay  # noqa: F401
    from adr.cli import report  # noqa: F401
    from adr.cli import config  # noqa: F401
    from adr.cli import alerts  # noqa: F401
    from adr.cli import export  # noqa: F401
    from adr.cli import policy  # noqa: F401
    from adr.cli import scan  # noqa: F401
    from adr.cli import taint  # noqa: F401  (last: `adr sessions` only if no other module defines it)


_register()

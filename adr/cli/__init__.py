"""The `adr` command. Each subcommand group lives in its own module and registers itself here."""
from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="adr")
def main() -> None:
    """adr — Agent Detection & Response: judge what AI agents run before it runs."""


def _register() -> None:
    # Each module adds its commands to `main`; breakers goes last (it joins another module's group).
    from adr.cli import check  # noqa: F401
    from adr.cli import rules  # noqa: F401
    from adr.cli import daemon  # noqa: F401
    from adr.cli import log  # noqa: F401
    from adr.cli import install  # noqa: F401
    from adr.cli import supply  # noqa: F401
    from adr.cli import approvals  # noqa: F401
    from adr.cli import wrap  # noqa: F401
    from adr.cli import config  # noqa: F401
    from adr.cli import alerts  # noqa: F401
    from adr.cli import breakers  # noqa: F401  (last: it adds `reset` to the `sessions` group)


_register()

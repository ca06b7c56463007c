"""`adr completion bash|zsh|fish`: the shell completion script, to source from the shell's start-up file."""
from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from adr.cli import main

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_ADR_COMPLETE"  # click's convention: _{PROG}_COMPLETE


@main.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    \b
      bash:  eval "$(adr completion bash)"      (in ~/.bashrc)
      zsh:   eval "$(adr completion zsh)"       (in ~/.zshrc)
      fish:  adr completion fish > ~/.config/fish/completions/adr.fish
    """
    cls = get_completion_class(shell)
    assert cls is not None  # every name in SHELLS is one click ships
    click.echo(cls(main, {}, "adr", COMPLETE_VAR).source())

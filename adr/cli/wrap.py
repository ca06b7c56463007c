"""`adr wrap -- COMMAND…` and `adr shell`: protection for agents without hooks (adr/intercept/wrap.py)."""
from __future__ import annotations

import os
import shutil
import sys

import click

from adr.cli import main


def _run(command: list[str], **kw) -> None:  # type: ignore[no-untyped-def]
    from adr.intercept.wrap import WrapError, run

    try:
        code = run(command, **kw)
    except WrapError as e:
        raise click.ClickException(str(e)) from None
    sys.exit(code)


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--agent", default="", help="Agent name recorded with every decision (default: from the command).")
@click.option("--session", "session_id", default="", help="Session id (default: a new wrap-… id).")
@click.option("--no-shims", is_flag=True, help="Do not put adr's command shims first on PATH (also no bash guard).")
@click.option("--no-guard", is_flag=True, help="Do not guard non-interactive bash through BASH_ENV.")
@click.option("--no-proxy", is_flag=True, help="Do not route HTTP(S) through adr's proxy.")
@click.option("-q", "--quiet", is_flag=True, help="No start-up line on stderr.")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def wrap(agent: str, session_id: str, no_shims: bool, no_guard: bool, no_proxy: bool, quiet: bool,
         command: tuple[str, ...]) -> None:
    """Run COMMAND (an agent without hooks) with adr's shims, shell guard and proxy.

    \b
      adr wrap -- aider --model …
      adr wrap --agent my-bot -- python bot.py
    Everything the command and its children run through curl, wget, pip, npm, git, ssh, rm, chmod,
    crontab, sh/bash -c, python -c … and every HTTP(S) request is judged by adr first.
    The exit code is the command's."""
    _run(list(command), agent=agent, session_id=session_id, shims=not no_shims, guard=not no_guard,
         proxy=not no_proxy, quiet=quiet)


@main.command()
@click.option("--zsh", "use_zsh", is_flag=True, help="Start zsh instead of bash (when installed).")
@click.option("--agent", default="shell", help="Agent name recorded with every decision.")
@click.option("--no-proxy", is_flag=True, help="Do not route HTTP(S) through adr's proxy.")
@click.option("--norc", is_flag=True, help="Do not read ~/.bashrc (or ~/.zshrc) first.")
def shell(use_zsh: bool, agent: str, no_proxy: bool, norc: bool) -> None:
    """An interactive shell where every command line is checked by adr before it runs.

    Refused lines are explained and do not run. The shell is a wrapped session (shims, proxy),
    so what its commands start is checked too. Give it to an agent that drives a terminal."""
    from adr.intercept.wrap import GUARD_BASH, zsh_dotdir

    if use_zsh:
        zsh = shutil.which("zsh")
        if not zsh:
            raise click.ClickException("zsh is not installed; run `adr shell` for bash")
        os.environ["ADR_ORIG_ZDOTDIR"] = os.environ.get("ZDOTDIR", "")
        os.environ["ZDOTDIR"] = str(zsh_dotdir())
        if norc:
            os.environ["ADR_GUARD_NO_RC"] = "1"
        command = [zsh, "-i"]
    else:
        bash = shutil.which("bash", path=os.defpath + os.pathsep + os.environ.get("PATH", ""))
        if not bash:
            raise click.ClickException("bash is not installed")
        if norc:
            os.environ["ADR_GUARD_NO_RC"] = "1"
        command = [bash, "--rcfile", str(GUARD_BASH), "-i"]
    _run(command, agent=agent, proxy=not no_proxy)

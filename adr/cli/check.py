"""`adr check`: explain how adr judges one action, or judge many (JSON Lines, for scoring)."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from adr.actions import Action, ActionKind, Context, Decision, Verdict
from adr.cli import main, output
from adr.config import ConfigError, Settings, load_settings

log = logging.getLogger("adr.check")

MAX_LINE = 32 * 1024 * 1024  # one hook input (a 20 MB Write fits)
_TOOL_KINDS = {"Write": ActionKind.FILE_WRITE, "Edit": ActionKind.FILE_EDIT, "Read": ActionKind.FILE_READ,
               "Delete": ActionKind.FILE_DELETE}


def _settings(mode: str | None, sensitivity: str | None, offline: bool) -> Settings:
    over: dict[str, Any] = {}
    if mode:
        over["mode"] = mode
    if sensitivity:
        over["sensitivity"] = sensitivity
    if offline:
        over["offline"] = True
    try:
        return load_settings(overrides=over)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


RULES_HINT = "run `adr doctor` to see what is wrong; reinstall adr if its shipped rules are missing or changed"


class Unjudged:
    """Stands in for the Judge when the rules do not load: every action gets the configured fail mode,
    with the reason — never a bare error, never a silent allow."""

    def __init__(self, settings: Settings, problem: str) -> None:
        self.settings, self.problem = settings, problem

    def decide(self, action: Action) -> Verdict:
        from adr.daemon.failsafe import fail_verdict

        return fail_verdict(self.settings.fail_mode, True, self.problem, hint=RULES_HINT)

    def decide_bounded(self, action: Action) -> "tuple[Verdict, bool]":
        return self.decide(action), False

    def close(self) -> None:
        pass


def _judge(settings: Settings, lasting: bool = True):  # type: ignore[no-untyped-def]
    from adr.engine import RuleLoadError
    from adr.judge import Judge
    try:
        judge = Judge.create(settings, lasting=lasting)
    except RuleLoadError as e:
        problem = "the rules failed to load: " + " ".join(str(e).split())
        output.echo(f"adr: {problem}", err=True)
        return Unjudged(settings, problem)
    for _file, message in getattr(judge.engine, "broken_files", ()) or ():
        output.echo(f"adr: warning: a user rule file is left out until it is fixed: {message}", err=True)
    return judge


def hook_action(payload: Any) -> Action | None:
    """A Claude Code PreToolUse input → Action (None: a tool adr does not judge)."""
    from adr.integrations.claude_code import INTEGRATION
    return INTEGRATION.parse(payload).action


def decode_hook_input(data: bytes) -> Any:
    """The hook's JSON, read as the daemon reads it (one decoder for every reader)."""
    from adr.integrations.interface import decode_hook_input as decode
    return decode(data)


@main.command("check")
@click.argument("command", required=False)
@click.option("--tool", type=click.Choice(sorted(_TOOL_KINDS) + ["Bash", "WebFetch"]), help="judge a file or URL action")
@click.option("--path", "path_", help="file path for --tool Write/Edit/Read/Delete")
@click.option("--content-file", type=click.Path(dir_okay=False, allow_dash=True), help="content for --tool Write/Edit ('-' = stdin)")
@click.option("--url", help="URL for --tool WebFetch")
@click.option("--cwd", default=None, help="working directory the action runs in (default: here)")
@click.option("--hook", "hook_host", type=click.Choice(["claude-code"]), help="read one hook input JSON from stdin")
@click.option("--batch", is_flag=True, help="JSON Lines of Claude Code PreToolUse inputs on stdin → one JSON verdict per line")
@click.option("--offline", is_flag=True, help="no network look-ups (local rules and data only)")
@click.option("--mode", type=click.Choice(["enforce", "monitor"]))
@click.option("--sensitivity", type=click.Choice(["strict", "balanced", "relaxed"]))
@click.option("--json", "as_json", is_flag=True, help="print the verdict as JSON")
def check(command: str | None, tool: str | None, path_: str | None, content_file: str | None, url: str | None,
          cwd: str | None, hook_host: str | None, batch: bool, offline: bool, mode: str | None,
          sensitivity: str | None, as_json: bool) -> None:
    """Explain the decision for COMMAND (or a file / URL / hook action). Exit 0 allow, 1 ask, 2 deny;
    3 when adr could not judge (its rules do not load: the fail mode's answer is printed, with why)."""
    settings = _settings(mode, sensitivity, offline)
    judge = _judge(settings, lasting=batch)
    if batch:
        rc = run_batch(judge, settings, sys.stdin, sys.stdout)
        sys.exit(output.ERROR if isinstance(judge, Unjudged) else rc)
    import os
    ctx = Context(host="cli", agent="cli", cwd=cwd or os.getcwd(), tool=tool or "")
    if hook_host:
        raw = sys.stdin.buffer.read(MAX_LINE + 1)
        try:
            if len(raw) > MAX_LINE:
                raise ValueError(f"hook input larger than {MAX_LINE} bytes")
            action = hook_action(decode_hook_input(raw))
        except (ValueError, UnicodeDecodeError, RecursionError, TypeError) as e:
            raise click.ClickException(f"cannot read the hook input: {e}") from None
        if action is None:
            output.echo("allow: adr does not judge this tool")
            return
    elif tool in _TOOL_KINDS:
        if not path_:
            raise click.UsageError(f"--tool {tool} needs --path")
        content = ""
        if content_file:
            content = (sys.stdin.read() if content_file == "-" else
                       Path(content_file).read_text(encoding="utf-8", errors="replace"))
        action = Action(_TOOL_KINDS[tool], ctx, path=path_, content=content)
    elif tool == "WebFetch" or url:
        if not url:
            raise click.UsageError("--tool WebFetch needs --url")
        action = Action(ActionKind.URL_FETCH, ctx, url=url)
    else:
        if command is None:
            raise click.UsageError("give a COMMAND, or --tool/--hook/--batch")
        action = Action(ActionKind.EXEC, ctx, command=command)
    verdict, _exhausted = judge.decide_bounded(action)
    judge.close()
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), indent=2))
    else:
        from adr.cli.explain import print_explanation
        print_explanation(action, verdict)
    if isinstance(judge, Unjudged):
        sys.exit(output.ERROR)  # the fail mode's answer is printed, but nothing was judged
    sys.exit(EXIT[verdict.decision])


EXIT = {Decision.ALLOW: output.ALLOW, Decision.ASK: output.ASK, Decision.DENY: output.DENY}


def run_batch(judge: Any, settings: Settings, inp: TextIO, out: TextIO) -> int:
    """One verdict line per input line, in order, whatever the input. Never raises on bad input."""
    fail = Decision.ASK if settings.fail_mode != "deny" else Decision.DENY
    for line in _lines(inp):
        result: dict[str, Any]
        try:
            if isinstance(line, Exception):
                raise line
            action = hook_action(decode_hook_input(line.encode("utf-8", "surrogatepass")))
            if action is None:
                result = {"decision": "allow", "rule_ids": [], "reason": "adr does not judge this tool"}
            else:
                v, _exhausted = judge.decide_bounded(action)
                result = {"decision": v.decision.value, "rule_ids": list(v.rule_ids), "reason": v.reason}
                if v.would_decide:
                    result["would_decide"] = v.would_decide.value
                if isinstance(judge, Unjudged):
                    result["error"] = judge.problem
        except (ValueError, TypeError, RecursionError, UnicodeDecodeError, KeyError) as e:
            result = {"decision": fail.value, "rule_ids": [], "error": f"bad input: {str(e)[:200]}"}
        except Exception as e:  # a fault of adr's own on this line: its answer is the fail mode, the rest go on
            log.exception("internal error judging a batch line")
            result = {"decision": fail.value, "rule_ids": [],
                      "error": f"internal error: {type(e).__name__}: {str(e)[:200]}"}
        out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


def _lines(inp: TextIO):  # type: ignore[no-untyped-def]
    """Lines of stdin, each bounded; an oversize line yields a ValueError in its place."""
    buf = inp.buffer if hasattr(inp, "buffer") else None
    if buf is None:
        for line in inp:
            if line.strip():
                yield line
        return
    while True:
        raw = buf.readline(MAX_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while True:  # skip the rest of this line
                more = buf.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield ValueError(f"line longer than {MAX_LINE} bytes")
            continue
        if raw.strip():
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield ValueError(f"not UTF-8: {e.reason}")

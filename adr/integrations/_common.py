"""Small helpers shared by the host parsers and formatters. Stdlib only (hook client hot path).

Each host module turns its own JSON into `Action`s with these, so field checks and error
messages read the same across hosts: a malformed payload raises `HookInputError` naming the
host and the field, which the hook client turns into a safe decision.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

from adr.actions import Action, ActionKind, Context, Decision, Observation, ObservationKind, Verdict
from adr.integrations.interface import HookEvent, HookInputError

MAX_TEXT = 32 * 1024 * 1024  # real Write payloads reach tens of MiB; beyond this a field is refused


def host_home() -> str:
    """The user's home as the agent sees it: the hook runs in the agent's environment.

    Goes into Context.home so that `~/.bashrc` rules match the real home wherever it is (a HOME
    outside /home/*, /Users/*, /root would otherwise not be recognised as the user's home).
    """
    return os.environ.get("HOME", "")


def need_object(payload: Any, host: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise HookInputError(f"{host} hook input must be a JSON object, got {type(payload).__name__}")
    return payload


def get_str(d: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    """d[key] as a string: missing/None → "" (or an error when required); non-string → error."""
    v = d.get(key)
    if v is None:
        if required:
            raise HookInputError(f"{where}.{key} is missing")
        return ""
    if not isinstance(v, str):
        raise HookInputError(f"{where}.{key} must be a string, got {type(v).__name__}")
    if len(v) > MAX_TEXT:
        raise HookInputError(f"{where}.{key} is larger than {MAX_TEXT} bytes")
    return v


def get_obj(d: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    """d[key] as an object. A JSON string holding an object is accepted (several hosts send the
    tool arguments as JSON text); missing/None → {}."""
    v = d.get(key)
    if v is None or v == "":
        return {}
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            raise HookInputError(f"{where}.{key} is a string but not JSON") from None
    if not isinstance(v, dict):
        raise HookInputError(f"{where}.{key} must be a JSON object, got {type(v).__name__}")
    return v


def join_edits(d: dict[str, Any], where: str) -> tuple[str, str]:
    """d["edits"] = [{old_string, new_string}, …] → (all new text, all old text), newline-joined."""
    edits = d.get("edits") or []
    if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
        raise HookInputError(f"{where}.edits must be a list of objects")
    new = "\n".join(get_str(e, "new_string", f"{where}.edits[]") for e in edits)
    old = "\n".join(get_str(e, "old_string", f"{where}.edits[]") for e in edits)
    return new, old


def first_str(d: dict[str, Any], keys: tuple[str, ...], where: str) -> str:
    """The first present key among synonyms (hosts rename fields between versions)."""
    for k in keys:
        if d.get(k) is not None:
            return get_str(d, k, where)
    return ""


# the argument names hosts give a content search's folder and its file filter (Claude Code Grep
# {path, glob}, Gemini search_file_content {dir_path, include}, OpenCode grep {path, include},
# Copilot grep_search {includePattern})
SEARCH_PATH_KEYS = ("path", "dir_path", "directory", "dirPath", "cwd")
SEARCH_GLOB_KEYS = ("glob", "include", "includePattern", "include_pattern", "file_pattern")


WEB_SEARCH_TOOLS = frozenset({"websearch", "web_search", "google_web_search", "search_web"})


def web_search_action(ctx: Context, args: dict[str, Any], where: str) -> "Action | None":
    """A web search, judged as the request that carries its query (actions.WEB_SEARCH_URL)."""
    from urllib.parse import quote_plus

    from adr.actions import WEB_SEARCH_URL
    query = first_str(args, ("query", "q", "search_term", "searchTerm", "prompt"), where)
    return Action(ActionKind.URL_FETCH, ctx, url=WEB_SEARCH_URL + quote_plus(query[:16384])) if query.strip() else None


def search_action(ctx: Context, args: dict[str, Any], where: str) -> Action:
    """A content search (grep) reads every file it searches: a read of the folder, narrowed to the
    files its glob names (`~/.ssh` + `id_*` → `~/.ssh/**/id_*`), so a key file named by the filter
    is judged as read."""
    path = first_str(args, SEARCH_PATH_KEYS, where) or ctx.cwd
    glob = next((v for k in SEARCH_GLOB_KEYS if isinstance(v := args.get(k), str) and v.strip()), "").strip()
    pattern = next((v for k in ("pattern", "query", "regex") if isinstance(v := args.get(k), str) and v), "")
    home = (ctx.home or "").rstrip("/")
    broad = path.rstrip("/") in {"", "~", "/", "/home", "/Users", "/root", home} or \
        re.fullmatch(r"/(?:home|Users)/[^/]+/?", path) is not None
    if pattern and not glob and broad:
        # a search of the whole home or disk: judged as the `grep -r` it is, so a hunt for keys and
        # passwords (`BEGIN OPENSSH PRIVATE KEY` over ~) asks as it does in a shell
        import shlex
        return Action(ActionKind.EXEC, ctx, command=f"grep -rE -- {shlex.quote(pattern[:4096])} {shlex.quote(path or '/')}")
    if glob and not glob.startswith(("/", "~")):
        # a filter without a slash names files at any depth (ripgrep's and git's rule)
        glob = glob if "/" in glob.rstrip("/") or glob.startswith("**") else "**/" + glob
        path = path.rstrip("/") + "/" + glob if path not in ("", "/") else "/" + glob
    elif glob:
        path = glob
    return Action(ActionKind.FILE_READ, ctx, path=path)


def args_json(args: Any) -> str:
    return json.dumps(args, sort_keys=True, ensure_ascii=False)


def exec_action(ctx: Context, command: str) -> Action:
    return Action(ActionKind.EXEC, ctx, command=command)


def mcp_action(ctx: Context, server: str, tool: str, args: Any) -> Action:
    return Action(ActionKind.MCP_CALL, ctx, mcp_server=server, mcp_tool=tool,
                  arguments=args if isinstance(args, str) else args_json(args))


def split_mcp_name(name: str) -> tuple[str, str]:
    """`mcp__server__tool` → (server, tool). Other shapes → ("", name)."""
    if name.startswith("mcp__"):
        parts = name.split("__", 2)
        return (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")
    return "", name


def reason_text(verdict: Verdict, *, for_agent: bool) -> str:
    """The text a host shows: the short agent reason for a deny, the human reason otherwise."""
    if for_agent:
        return verdict.agent_reason or verdict.reason or "blocked by adr"
    return verdict.reason or verdict.agent_reason or "adr asks for your approval"


def cannot_ask_text(verdict: Verdict) -> str:
    """What a host without an 'ask' answer shows instead: a deny that says how to proceed."""
    base = verdict.reason or verdict.agent_reason or "this action needs a human's approval"
    return (f"adr: approval required — {base} "
            "(this host cannot ask the user itself, so the action was not run; a human can "
            "approve it from the adr notification and the agent may then retry.)")


def effective(verdict: Verdict, can_ask: bool) -> Decision:
    """The decision a host can actually express."""
    if verdict.decision is Decision.ASK and not can_ask:
        return Decision.DENY
    return verdict.decision


@dataclass(frozen=True)
class RecordedEvent(HookEvent):
    """An event reporting something that already happened (Cursor afterFileEdit, Windsurf post_*).

    `action` stays None so nothing is judged or asked about; `recorded` keeps what happened for
    callers that log it.
    """

    recorded: Action | None = None


# ---- what a tool returned (PostToolUse and its kin) ------------------------------------------------

MAX_OUTPUT_CHARS = 4 * 1024 * 1024  # text taken from one tool result (the scan reads the first MiB)
# keys whose values are the tool's *content*, tried first when a result is an object
_CONTENT_KEYS = ("llmContent", "textResultForLlm", "text_result_for_llm", "content", "text", "result", "output",
                 "stdout", "stderr", "results", "body", "message", "data", "file", "mcp_result", "result_json")
_META_KEYS = frozenset({"type", "filePath", "file_path", "numLines", "startLine", "totalLines", "durationMs",
                        "durationSeconds", "code", "codeText", "bytes", "interrupted", "isImage", "resultType",
                        "result_type", "tool_use_id", "returnDisplay", "success", "mimeType", "annotations"})


def output_text(value: Any, limit: int = MAX_OUTPUT_CHARS) -> str:
    """The text a tool's result put in front of the model, whatever its shape: a string, MCP content
    blocks ([{type: text, text}]), Claude Code's {stdout, stderr} / {file: {content}} / {result},
    Gemini's {llmContent}, Copilot's {textResultForLlm}, JSON text. Bounded; never raises."""
    out: list[str] = []
    size = 0
    stack: list[Any] = [value]
    steps = 0
    while stack and size < limit and steps < 100_000:
        steps += 1
        v = stack.pop()
        if isinstance(v, str):
            if v:
                out.append(v)
                size += len(v)
        elif isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            keys = [k for k in _CONTENT_KEYS if k in v]
            rest = [k for k in v if k not in keys and k not in _META_KEYS]
            if "llmContent" in v:  # Gemini: returnDisplay repeats it for the terminal
                keys, rest = ["llmContent"], []
            stack.extend(reversed([v[k] for k in keys + rest]))
    text = "\n".join(out)
    return text if len(text) <= limit else text[:limit]


def source_of(tool: str) -> str:
    """Where a tool's output comes from, for the `source` of `on: text` rules."""
    t = tool.lower()
    if t.startswith(("mcp__", "mcp:", "mcp_")) or "/" in t:
        return "mcp"
    if t in ("webfetch", "web_fetch", "fetch", "fetch_webpage", "webfetch_tool", "browser", "navigate"):
        return "web"
    if t in ("websearch", "web_search", "google_web_search", "search", "codebase_search"):
        return "search"
    if t in ("read", "read_file", "read_many_files", "view", "notebookread", "grep", "glob", "ls", "read_code",
             "readfile", "cat"):
        return "file"
    if t in ("bash", "shell", "run_shell_command", "exec", "exec_command", "terminal", "run_terminal_cmd",
             "run_command", "powershell", "run_in_terminal", "local_shell", "shell_command"):
        return "shell"
    return "other"


def origin_of(tool: str, tool_input: dict[str, Any]) -> str:
    """What the output is *of*, for the human: the URL, the path, the command, the query."""
    for key in ("url", "urls", "file_path", "filePath", "absolute_path", "path", "paths", "command", "query",
                "pattern", "prompt"):
        v = tool_input.get(key)
        if isinstance(v, list) and v and isinstance(v[0], str):
            v = " ".join(v)
        if isinstance(v, str) and v:
            if key == "prompt":  # Gemini's web_fetch: the URLs are in the prompt
                url = next((w for w in v.split() if w.startswith(("http://", "https://"))), "")
                return (url or v)[:500]
            return v[:500]
    return tool


def tool_output_event(host: str, event: str, ctx: Context, tool: str, tool_input: dict[str, Any], result: Any,
                      *, source: str = "", origin: str = "") -> HookEvent:
    """A tool's result as an observation (nothing to allow or deny: it is scanned)."""
    obs = Observation(ObservationKind.TOOL_OUTPUT, ctx, text=output_text(result), source=source or source_of(tool),
                      origin=origin or origin_of(tool, tool_input))
    return HookEvent(host, event, None, tool, observation=obs)


def session_start_event(host: str, event: str, ctx: Context) -> HookEvent:
    """A session starts: what it loads (instruction files, skills, plugins, hooks, MCP tools) is scanned."""
    return HookEvent(host, event, None, "", observation=Observation(ObservationKind.SESSION_START, ctx,
                                                                     source="session", origin=ctx.cwd))

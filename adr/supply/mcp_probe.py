"""List an MCP server's tools the way a host does at session start: initialize, then tools/list.

A tool's name, description and input schema go into the model's context verbatim — the place for
"tool poisoning" (instructions hidden in a description) and for a "rug pull" (a description that
changes after the user approved the server). Config files only say how to start a server, so adr
asks the server itself: stdio servers are started (as the host would start them, with their
configured environment) and stopped again; HTTP servers are asked only on the local machine
(streamable HTTP: a JSON or SSE answer), never a remote one — no network call the user did not enable.

Bounded: a deadline per server, output size, number of tools and pages; the server's process group is
killed at the end. Never raises: a failure is a result with `error`.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

PROTOCOL_VERSION = "2025-06-18"
MAX_OUTPUT = 8 * 1024 * 1024
MAX_TOOLS = 500
MAX_PAGES = 10
MAX_DESCRIPTION = 64 * 1024
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    schema: str  # the input schema as canonical JSON

    @property
    def text(self) -> str:
        """What the model reads of this tool: its description and every description in the schema."""
        parts = [self.description]
        try:
            parts += list(_schema_texts(json.loads(self.schema)))
        except ValueError:
            pass
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Probe:
    tools: tuple[Tool, ...] = ()
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error


def _schema_texts(schema: object, depth: int = 0) -> "list[str]":
    out: list[str] = []
    if depth > 20:
        return out
    if isinstance(schema, dict):
        for k, v in schema.items():
            if k in ("description", "title") and isinstance(v, str):
                out.append(v)
            elif k in ("enum", "examples", "default") and isinstance(v, list):
                out.extend(str(x) for x in v if isinstance(x, str))
            else:
                out.extend(_schema_texts(v, depth + 1))
    elif isinstance(schema, list):
        for v in schema:
            out.extend(_schema_texts(v, depth + 1))
    return out


def _tools(result: object) -> "tuple[list[Tool], str]":
    if not isinstance(result, dict):
        return [], ""
    got: list[Tool] = []
    for t in result.get("tools") or []:
        if isinstance(t, dict) and isinstance(t.get("name"), str):
            desc = t.get("description") if isinstance(t.get("description"), str) else ""
            schema = t.get("inputSchema", {})
            got.append(Tool(t["name"][:200], desc[:MAX_DESCRIPTION], json.dumps(schema, sort_keys=True)[:MAX_DESCRIPTION]))
    cursor = result.get("nextCursor")
    return got, cursor if isinstance(cursor, str) else ""


def _init(rid: int) -> dict:
    return {"jsonrpc": "2.0", "id": rid, "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                       "clientInfo": {"name": "adr-probe", "version": "1"}}}


def probe_stdio(argv: "tuple[str, ...] | list[str]", env: "dict[str, str]", cwd: str = "",
                timeout: float = 5.0) -> Probe:
    """Start the server, list its tools, stop it (its whole process group)."""
    t0 = time.monotonic()
    if not argv:
        return Probe(error="no command")
    exe = shutil.which(argv[0], path=env.get("PATH")) if "/" not in argv[0] else argv[0]
    if not exe:
        return Probe(error=f"{argv[0]}: not found on PATH")
    try:
        proc = subprocess.Popen([exe, *argv[1:]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, cwd=cwd if cwd and os.path.isdir(cwd) else None, env=env,
                                start_new_session=True)
    except OSError as e:
        return Probe(error=f"cannot start {argv[0]}: {e.strerror or e}")
    deadline = t0 + timeout
    buf = b""
    total = 0

    def send(msg: dict) -> None:
        assert proc.stdin is not None
        proc.stdin.write((json.dumps(msg) + "\n").encode())
        proc.stdin.flush()

    def answer(rid: int) -> dict:
        nonlocal buf, total
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while True:
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue  # a server writing logs to stdout
                if not isinstance(msg, dict):
                    continue
                if msg.get("id") == rid and ("result" in msg or "error" in msg):
                    return msg
                if "method" in msg and "id" in msg:  # a request from the server (roots/list …): decline it
                    send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "not supported"}})
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError()
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise TimeoutError()
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError()
            total += len(chunk)
            if total > MAX_OUTPUT:
                raise OverflowError()
            buf += chunk

    try:
        send(_init(1))
        first = answer(1)
        if "error" in first:
            return Probe(error=f"initialize failed: {str(first['error'])[:200]}", seconds=time.monotonic() - t0)
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        tools: list[Tool] = []
        cursor = ""
        for page in range(MAX_PAGES):
            send({"jsonrpc": "2.0", "id": 2 + page, "method": "tools/list", "params": {"cursor": cursor} if cursor else {}})
            msg = answer(2 + page)
            if "error" in msg:
                return Probe(error=f"tools/list failed: {str(msg['error'])[:200]}", seconds=time.monotonic() - t0)
            got, cursor = _tools(msg.get("result"))
            tools += got
            if not cursor or len(tools) >= MAX_TOOLS:
                break
        return Probe(tuple(tools[:MAX_TOOLS]), seconds=time.monotonic() - t0)
    except TimeoutError:
        return Probe(error=f"no answer within {timeout:g} s", seconds=time.monotonic() - t0)
    except (EOFError, BrokenPipeError):  # it closed its end: gone before reading, or before answering
        return Probe(error="the server exited before answering", seconds=time.monotonic() - t0)
    except OverflowError:
        return Probe(error=f"the server wrote more than {MAX_OUTPUT} bytes", seconds=time.monotonic() - t0)
    except (OSError, ValueError) as e:
        return Probe(error=f"talking to the server failed: {e}", seconds=time.monotonic() - t0)
    finally:
        _stop(proc)


def _stop(proc: "subprocess.Popen[bytes]") -> None:
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    for sig, wait in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 2.0)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    try:
        proc.wait(0.1)
    except subprocess.TimeoutExpired:
        pass


def is_local(url: str) -> bool:
    try:
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in LOCAL_HOSTS


def probe_http(url: str, timeout: float = 5.0) -> Probe:
    """Streamable HTTP on this machine only (a remote server is never asked: that would be a network
    call the user did not enable)."""
    t0 = time.monotonic()
    if not is_local(url):
        return Probe(error="remote MCP server: not asked (only servers on this machine are)")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    session = ""

    def post(msg: dict) -> dict:
        nonlocal session
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                   "MCP-Protocol-Version": PROTOCOL_VERSION}
        if session:
            headers["Mcp-Session-Id"] = session
        req = urllib.request.Request(url, data=json.dumps(msg).encode(), headers=headers, method="POST")
        left = max(0.1, t0 + timeout - time.monotonic())
        with opener.open(req, timeout=left) as r:
            session = r.headers.get("Mcp-Session-Id") or session
            body = r.read(MAX_OUTPUT + 1)
            if len(body) > MAX_OUTPUT:
                raise OverflowError()
            ctype = r.headers.get("Content-Type", "")
        if "id" not in msg:
            return {}
        if "text/event-stream" in ctype:
            for line in body.decode("utf-8", "replace").splitlines():
                if line.startswith("data:"):
                    try:
                        got = json.loads(line[5:].strip())
                    except ValueError:
                        continue
                    if isinstance(got, dict) and got.get("id") == msg["id"]:
                        return got
            return {}
        got = json.loads(body or b"{}")
        return got if isinstance(got, dict) else {}

    try:
        first = post(_init(1))
        if "result" not in first:
            return Probe(error="initialize failed", seconds=time.monotonic() - t0)
        post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        tools: list[Tool] = []
        cursor = ""
        for page in range(MAX_PAGES):
            msg = post({"jsonrpc": "2.0", "id": 2 + page, "method": "tools/list",
                        "params": {"cursor": cursor} if cursor else {}})
            got, cursor = _tools(msg.get("result"))
            tools += got
            if not cursor or len(tools) >= MAX_TOOLS:
                break
        return Probe(tuple(tools[:MAX_TOOLS]), seconds=time.monotonic() - t0)
    except (urllib.error.URLError, OSError, ValueError, OverflowError) as e:
        return Probe(error=f"asking the server failed: {e}", seconds=time.monotonic() - t0)

"""A scripted fake model server on 127.0.0.1 for the real-agent end-to-end tests.

It speaks just enough of four wire formats for an agent CLI to run a few tool calls:
  Anthropic Messages   POST /v1/messages            (Claude Code; streamed SSE or plain JSON)
  OpenAI Responses     POST /v1/responses           (Codex; streamed SSE)
  OpenAI Chat          POST /v1/chat/completions    (OpenCode; streamed SSE)
  Gemini               POST /v1beta/models/M:streamGenerateContent / :generateContent

A *scenario* is a list of tool calls, picked by a marker in the prompt (`ADR-E2E-SCENARIO:name`).
Each turn the server counts the tool results already in the conversation and answers with the
next tool call, or with a final text once the script is done. So a denied call advances the
script exactly like an allowed one, and the test can read (from `requests`) what the agent was
told about each call — that is where adr's deny reason shows up.

It also serves `GET /payload.sh`: a shell script that touches a marker file. A blocked
`curl … | sh` must never fetch it, let alone run it (`payload_hits` counts fetches).
Requests that carry no scenario marker (titles, routers, "next speaker" checks, quota probes)
get a short text, or JSON that fits the request's response schema. Stdlib only.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MARKER_RE = re.compile(r"ADR-E2E-SCENARIO:([A-Za-z0-9_.-]+)")
FINAL_TEXT = "All done (adr e2e fake model)."


@dataclass
class Step:
    """One tool call: the host's tool name and arguments (custom=True: a freeform tool input)."""

    tool: str
    args: Any
    custom: bool = False  # OpenAI Responses custom tool (Codex apply_patch): args is the raw text


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    scenario: str | None
    step: int | None


@dataclass
class FakeModel:
    marker_file: str
    scenarios: dict[str, list[Step]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    payload_hits: int = 0
    refused: list[str] = field(default_factory=list)  # proxy requests for anything off this server
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- lifecycle
    def start(self) -> "FakeModel":
        fm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                if not fm._own(self):
                    return
                fm._get(self)

            def do_CONNECT(self) -> None:  # noqa: N802 — an HTTPS proxy request: never tunnelled
                with fm.lock:
                    fm.refused.append(f"CONNECT {self.path}")
                self.close_connection = True
                self._plain(403, b"adr e2e: no traffic leaves this machine")

            def do_HEAD(self) -> None:  # noqa: N802
                if fm._own(self):
                    self._plain(200, b"")

            def do_POST(self) -> None:  # noqa: N802
                if not fm._own(self):
                    return
                fm._post(self)

            def _plain(self, code: int, data: bytes, ctype: str = "text/plain") -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def payload_command(self) -> str:
        return f"curl -s {self.url}/payload.sh | sh"

    def scenario_requests(self, name: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.scenario == name]

    def _own(self, h: BaseHTTPRequestHandler) -> bool:
        """A proxied request (absolute URI) is served only when it is addressed to this server."""
        if h.path.startswith(("http://", "https://")):
            own = (f"http://127.0.0.1:{self.port}/", f"http://localhost:{self.port}/")
            if not h.path.startswith(own):
                with self.lock:
                    self.refused.append(f"{h.command} {h.path.split('?', 1)[0]}")
                h.close_connection = True
                h._plain(403, b"adr e2e: no traffic leaves this machine")  # type: ignore[attr-defined]
                return False
            h.path = "/" + h.path.split("/", 3)[3]
        return True

    # ---- GET
    def _get(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if path == "/payload.sh":
            with self.lock:
                self.payload_hits += 1
            h._plain(200, f"touch '{self.marker_file}'\n".encode())  # type: ignore[attr-defined]
            return
        h._plain(404, b"{}", "application/json")  # type: ignore[attr-defined]

    # ---- POST
    def _post(self, h: BaseHTTPRequestHandler) -> None:
        raw = _read_body(h)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        path = h.path.split("?", 1)[0]
        text = json.dumps(body)
        m = MARKER_RE.search(text)
        scenario = m.group(1) if m and m.group(1) in self.scenarios else None
        if not body.get("tools"):  # a side call (title, summary, router): it cannot take a tool call
            scenario = None
        if path.endswith("/v1/messages/count_tokens"):
            self._json(h, {"input_tokens": 10})
            return
        if path.endswith("/v1/messages"):
            step = self._anthropic_step(body) if scenario else None
            self._record(h, path, body, scenario, step)
            self._anthropic(h, body, scenario, step)
        elif path.endswith("/responses"):
            step = self._responses_step(body) if scenario else None
            self._record(h, path, body, scenario, step)
            self._responses(h, body, scenario, step)
        elif path.endswith("/chat/completions"):
            step = self._chat_step(body) if scenario else None
            self._record(h, path, body, scenario, step)
            self._chat(h, body, scenario, step)
        elif ":streamGenerateContent" in path or ":generateContent" in path:
            step = self._gemini_step(body) if scenario else None
            # the router / next-speaker / loop checks ask for JSON: never a scripted step
            if (body.get("generationConfig") or {}).get("responseMimeType") == "application/json":
                scenario, step = None, None
            self._record(h, path, body, scenario, step)
            self._gemini(h, path, body, scenario, step)
        elif ":countTokens" in path:
            self._record(h, path, body, None, None)
            self._json(h, {"totalTokens": 10})
        else:
            self._record(h, path, body, None, None)
            self._json(h, {}, code=404)

    def _record(self, h: BaseHTTPRequestHandler, path: str, body: Any, scenario: str | None,
                step: int | None) -> None:
        with self.lock:
            self.requests.append(Recorded("POST", h.path, body, scenario, step))

    def _next(self, scenario: str | None, step: int | None) -> Step | None:
        if scenario is None or step is None:
            return None
        steps = self.scenarios[scenario]
        return steps[step] if step < len(steps) else None

    # ---- helpers
    @staticmethod
    def _json(h: BaseHTTPRequestHandler, obj: Any, code: int = 200) -> None:
        data = json.dumps(obj).encode()
        h.send_response(code)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def _sse(h: BaseHTTPRequestHandler, events: list[tuple[str | None, Any]]) -> None:
        chunks = []
        for name, data in events:
            payload = data if isinstance(data, str) else json.dumps(data)
            chunks.append((f"event: {name}\n" if name else "") + f"data: {payload}\n\n")
        blob = "".join(chunks).encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        h.send_header("Content-Length", str(len(blob)))
        h.end_headers()
        h.wfile.write(blob)
        h.wfile.flush()

    # ---- Anthropic Messages (Claude Code)
    @staticmethod
    def _anthropic_step(body: dict[str, Any]) -> int:
        return sum(1 for msg in body.get("messages") or [] if isinstance(msg.get("content"), list)
                   for b in msg["content"] if isinstance(b, dict) and b.get("type") == "tool_result")

    def _anthropic(self, h: BaseHTTPRequestHandler, body: dict[str, Any], scenario: str | None,
                   step: int | None) -> None:
        st = self._next(scenario, step)
        mid = f"msg_{int(time.time() * 1e6)}"
        model = body.get("model") or "claude-fake"
        usage = {"input_tokens": 10, "output_tokens": 1, "cache_creation_input_tokens": 0,
                 "cache_read_input_tokens": 0}
        if st is not None:
            block = {"type": "tool_use", "id": f"toolu_e2e_{step}", "name": st.tool, "input": st.args}
            stop = "tool_use"
        else:
            block = {"type": "text", "text": FINAL_TEXT}
            stop = "end_turn"
        if not body.get("stream"):
            self._json(h, {"id": mid, "type": "message", "role": "assistant", "model": model,
                           "content": [block], "stop_reason": stop, "stop_sequence": None, "usage": usage})
            return
        start_block = ({**block, "input": {}} if block["type"] == "tool_use" else {"type": "text", "text": ""})
        delta = ({"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
                 if block["type"] == "tool_use" else {"type": "text_delta", "text": block["text"]})
        self._sse(h, [
            ("message_start", {"type": "message_start", "message": {
                "id": mid, "type": "message", "role": "assistant", "model": model, "content": [],
                "stop_reason": None, "stop_sequence": None, "usage": usage}}),
            ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": start_block}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                               "usage": {"output_tokens": 5}}),
            ("message_stop", {"type": "message_stop"}),
        ])

    # ---- OpenAI Responses (Codex)
    @staticmethod
    def _responses_step(body: dict[str, Any]) -> int:
        items = body.get("input") if isinstance(body.get("input"), list) else []
        return sum(1 for it in items if isinstance(it, dict)
                   and it.get("type") in ("function_call_output", "custom_tool_call_output"))

    def _responses(self, h: BaseHTTPRequestHandler, body: dict[str, Any], scenario: str | None,
                   step: int | None) -> None:
        st = self._next(scenario, step)
        rid = f"resp_{int(time.time() * 1e6)}"
        if st is None:
            item: dict[str, Any] = {"type": "message", "role": "assistant", "id": f"msg_{rid}", "status": "completed",
                                    "content": [{"type": "output_text", "text": FINAL_TEXT, "annotations": []}]}
        elif st.custom:
            item = {"type": "custom_tool_call", "id": f"ctc_{rid}", "call_id": f"call_e2e_{step}",
                    "name": st.tool, "input": st.args, "status": "completed"}
        else:
            item = {"type": "function_call", "id": f"fc_{rid}", "call_id": f"call_e2e_{step}",
                    "name": st.tool, "arguments": json.dumps(st.args), "status": "completed"}
        usage = {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15}
        resp = {"id": rid, "object": "response", "created_at": int(time.time()), "status": "in_progress",
                "model": body.get("model") or "fake", "output": []}
        self._sse(h, [
            ("response.created", {"type": "response.created", "response": resp}),
            ("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": item}),
            ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}),
            ("response.completed", {"type": "response.completed",
                                    "response": {**resp, "status": "completed", "output": [item], "usage": usage}}),
        ])

    # ---- OpenAI Chat Completions (OpenCode)
    @staticmethod
    def _chat_step(body: dict[str, Any]) -> int:
        return sum(1 for msg in body.get("messages") or [] if isinstance(msg, dict) and msg.get("role") == "tool")

    def _chat(self, h: BaseHTTPRequestHandler, body: dict[str, Any], scenario: str | None,
              step: int | None) -> None:
        st = self._next(scenario, step)
        cid = f"chatcmpl-{int(time.time() * 1e6)}"
        base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model") or "fake"}
        if st is None:
            delta: dict[str, Any] = {"role": "assistant", "content": FINAL_TEXT}
            finish = "stop"
        else:
            delta = {"role": "assistant", "content": None, "tool_calls": [{
                "index": 0, "id": f"call_e2e_{step}", "type": "function",
                "function": {"name": st.tool, "arguments": json.dumps(st.args)}}]}
            finish = "tool_calls"
        if not body.get("stream"):
            msg = {k: v for k, v in delta.items()}
            if "tool_calls" in msg:
                msg["tool_calls"] = [{k: v for k, v in tc.items() if k != "index"} for tc in msg["tool_calls"]]
            self._json(h, {**base, "object": "chat.completion",
                           "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
            return
        self._sse(h, [
            (None, {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}),
            (None, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}),
            (None, "[DONE]"),
        ])

    # ---- Gemini
    @staticmethod
    def _gemini_step(body: dict[str, Any]) -> int:
        return sum(1 for c in body.get("contents") or [] if isinstance(c, dict)
                   for p in c.get("parts") or [] if isinstance(p, dict) and "functionResponse" in p)

    def _gemini(self, h: BaseHTTPRequestHandler, path: str, body: dict[str, Any], scenario: str | None,
                step: int | None) -> None:
        gc = body.get("generationConfig") or {}
        schema = gc.get("responseJsonSchema") or gc.get("responseSchema")
        st = self._next(scenario, step)
        if st is not None:
            part: dict[str, Any] = {"functionCall": {"name": st.tool, "args": st.args}}
        elif gc.get("responseMimeType") == "application/json":
            part = {"text": json.dumps(example_for(schema or {"type": "object"}))}
        else:
            part = {"text": FINAL_TEXT}
        chunk = {"candidates": [{"content": {"role": "model", "parts": [part]}, "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15},
                 "modelVersion": "gemini-fake"}
        if ":streamGenerateContent" in path:
            self._sse(h, [(None, chunk)])
        else:
            self._json(h, chunk)


def _read_body(h: BaseHTTPRequestHandler, limit: int = 64 * 1024 * 1024) -> bytes:
    """The request body, sized or chunked (Node's fetch streams some bodies)."""
    if "chunked" in (h.headers.get("Transfer-Encoding") or "").lower():
        out = bytearray()
        while len(out) <= limit:
            size = int(h.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while h.rfile.readline().strip():  # trailers
                    pass
                break
            out += h.rfile.read(size)
            h.rfile.readline()
        return bytes(out)
    n = int(h.headers.get("Content-Length") or 0)
    return h.rfile.read(min(n, limit)) if n else b""


def example_for(schema: Any, depth: int = 0) -> Any:
    """A small value that satisfies a JSON / OpenAPI schema (enough for Gemini's JSON side calls)."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if schema.get("enum"):
        return schema["enum"][0]
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    t = str(t or ("object" if "properties" in schema else "string")).lower()
    if t == "object":
        props = schema.get("properties") or {}
        return {k: example_for(v, depth + 1) for k, v in props.items()}
    if t == "array":
        n = max(int(schema.get("minItems") or 0), 0)
        return [example_for(schema.get("items") or {}, depth + 1) for _ in range(n)]
    if t in ("integer", "number"):  # Gemini's router validates scores >= 1 beyond its schema
        lo = schema.get("minimum")
        return max(1, int(lo)) if isinstance(lo, (int, float)) else 1
    if t == "boolean":
        return False
    return "model"

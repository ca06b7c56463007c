"""adr's HTTP(S) proxy for a wrapped session: every destination is judged before a byte leaves.

`adr wrap` starts one proxy per session, in its own process (a background thread with its own
event loop), bound to 127.0.0.1 only, and points the session's HTTP(S)_PROXY at
`http://adr:TOKEN@127.0.0.1:PORT`. The token (Proxy-Authorization: Basic) attributes each request
to the session and keeps other local processes out (407).

* `CONNECT host:port` (HTTPS and other tunnels): judged as a `url_fetch` of `https://host[:port]/`
  — the proxy cannot see inside TLS, so the decision is per destination host.
* `GET http://host/path …` (plain HTTP, absolute form): judged per URL; the request is forwarded
  with hop-by-hop headers removed and `Connection: close`, its body relayed exactly
  (Content-Length or chunked), one request per client connection.
* deny, or an ask that no human answered → `403 Forbidden` with the reason as the body; nothing is
  sent upstream. An ask waits while the daemon's approval flow puts the question to the human.

Decisions go to the daemon (`decide`, host `proxy`, can_ask false) like every other action; when
it is not running, the rules (and enabled reputation providers) are evaluated in this process
and recorded in the audit log. Allowed answers are cached for a minute per destination.

Written on asyncio streams rather than a proxy library: the job is small (no TLS interception, no
caching, no HTTP/2) and every bound is explicit — head size and header count, head and connect
timeouts, an idle timeout on relays, a cap on concurrent connections.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

log = logging.getLogger("adr.proxy")

HEALTH_PATH = "/__adr/health"
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "proxy-connection",
                        "te", "trailer", "upgrade"})


@dataclass(frozen=True)
class Limits:
    max_head: int = 64 * 1024  # request line + headers
    max_headers: int = 100
    head_timeout: float = 15.0  # for the client to send its request head
    connect_timeout: float = 10.0  # to reach the upstream server
    idle_timeout: float = 300.0  # a relay with no traffic either way for this long is closed
    max_connections: int = 256
    max_chunk_line: int = 4096
    cache_ttl: float = 60.0
    cache_max: int = 2048


@dataclass(frozen=True)
class ProxyDecision:
    decision: str  # allow | ask | deny
    reason: str = ""
    rule_ids: tuple[str, ...] = ()


Decider = Callable[[str, str], ProxyDecision]  # (url, "connect" | "http") → decision; blocking


class _HttpError(Exception):
    def __init__(self, status: int, message: str, extra_headers: "list[tuple[str, str]] | None" = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra_headers or []


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed",
            407: "Proxy Authentication Required", 408: "Request Timeout", 431: "Request Header Fields Too Large",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _response(status: int, body: str, headers: "list[tuple[str, str]] | None" = None,
              content_type: str = "text/plain; charset=utf-8") -> bytes:
    data = body.encode("utf-8", "replace")
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}", f"Content-Type: {content_type}",
             f"Content-Length: {len(data)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers or ()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + data


def _one_line(s: str, limit: int = 900) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def parse_head(raw: bytes, limits: Limits) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(method, target, version, headers) of a request head; _HttpError when malformed."""
    try:
        text = raw.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover — latin-1 decodes everything
        raise _HttpError(400, "request head is not text") from None
    lines = text.split("\r\n")
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise _HttpError(400, "empty request")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _HttpError(400, "malformed request line")
    method, target, version = parts
    if not method.isalpha() or not method.isupper():
        raise _HttpError(400, "malformed method")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if len(headers) >= limits.max_headers:
            raise _HttpError(431, f"more than {limits.max_headers} header lines")
        if not line or line[0] in " \t" or ":" not in line:
            raise _HttpError(400, "malformed header line")
        name, _, value = line.partition(":")
        if not name or name != name.strip() or any(c in name for c in " \t"):
            raise _HttpError(400, "malformed header name")
        headers.append((name, value.strip()))
    return method, target, version, headers


def _header(headers: list[tuple[str, str]], name: str) -> "list[str]":
    n = name.lower()
    return [v for k, v in headers if k.lower() == n]


def check_auth(headers: list[tuple[str, str]], token: str) -> bool:
    for value in _header(headers, "proxy-authorization"):
        scheme, _, cred = value.partition(" ")
        if scheme.lower() != "basic":
            continue
        try:
            decoded = base64.b64decode(cred.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        _user, _, password = decoded.partition(":")
        if hmac.compare_digest(password.encode(), token.encode()):
            return True
    return False


def split_host_port(authority: str, default_port: int) -> tuple[str, int]:
    """'host:port' / '[v6]:port' / 'host' → (host, port); ValueError when malformed."""
    a = authority.strip()
    if a.startswith("["):
        end = a.find("]")
        if end < 0:
            raise ValueError("unterminated IPv6 address")
        host, rest = a[1:end], a[end + 1:]
        port = int(rest[1:]) if rest.startswith(":") else default_port if not rest else -1
    elif a.count(":") == 1:
        host, p = a.split(":")
        port = int(p)
    elif ":" not in a:
        host, port = a, default_port
    else:
        raise ValueError("malformed authority")
    if not host or not 0 < port < 65536 or any(c in host for c in "/@ \t\\?#"):
        raise ValueError("malformed host or port")
    return host, port


def connect_url(host: str, port: int) -> str:
    h = f"[{host}]" if ":" in host else host
    return f"https://{h}/" if port == 443 else f"https://{h}:{port}/"


class _Cache:
    def __init__(self, ttl: float, max_size: int) -> None:
        self.ttl, self.max, self.d = ttl, max_size, {}  # type: ignore[var-annotated]

    def get(self, key: str) -> "ProxyDecision | None":
        hit = self.d.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        self.d.pop(key, None)
        return None

    def put(self, key: str, value: ProxyDecision) -> None:
        if self.ttl <= 0 or value.decision != "allow":
            return
        if len(self.d) >= self.max:
            self.d.pop(next(iter(self.d)))
        self.d[key] = (time.monotonic() + self.ttl, value)


class Proxy:
    """One session's proxy. `await start()` binds 127.0.0.1; `port` is then known."""

    def __init__(self, decider: Decider, token: str, *, port: int = 0, limits: Limits = Limits(),
                 session: str = "") -> None:
        self.decider = decider
        self.token = token
        self.requested_port = port
        self.limits = limits
        self.session = session
        self.port = 0
        self.active = 0
        self.counts = {"allow": 0, "deny": 0, "ask": 0, "refused_auth": 0, "errors": 0}
        self._cache = _Cache(limits.cache_ttl, limits.cache_max)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.requested_port,
                                                  limit=self.limits.max_head, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        for t in list(self._tasks):
            t.cancel()

    # ---- one client connection ---------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        if self.active >= self.limits.max_connections:
            with contextlib.suppress(Exception):
                writer.write(_response(503, "adr proxy: too many connections\n"))
                await asyncio.wait_for(writer.drain(), 2)
            writer.close()
            if task is not None:
                self._tasks.discard(task)
            return
        self.active += 1
        try:
            await self._serve(reader, writer)
        except _HttpError as e:
            with contextlib.suppress(Exception):
                writer.write(_response(e.status, f"adr proxy: {e.message}\n", e.extra))
                await asyncio.wait_for(writer.drain(), 5)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, asyncio.CancelledError):
            pass
        except Exception:  # never let one connection take the proxy down
            self.counts["errors"] += 1
            log.exception("adr proxy: internal error")
        finally:
            self.active -= 1
            with contextlib.suppress(Exception):
                writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _read_head(self, reader: asyncio.StreamReader) -> bytes:
        try:
            return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.limits.head_timeout)
        except asyncio.LimitOverrunError:
            raise _HttpError(431, f"request head exceeds {self.limits.max_head} bytes") from None
        except asyncio.TimeoutError:
            raise _HttpError(408, "request head not received in time") from None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raw = await self._read_head(reader)
        method, target, version, headers = parse_head(raw, self.limits)
        if not check_auth(headers, self.token):
            self.counts["refused_auth"] += 1
            raise _HttpError(407, "this is adr's proxy for a wrapped session; the session's proxy credentials "
                                  "are required", [("Proxy-Authenticate", 'Basic realm="adr"')])
        if target == HEALTH_PATH and method == "GET":
            body = json.dumps({"adr": "proxy", "session": self.session, "port": self.port,
                               "active": self.active, "counts": self.counts})
            writer.write(_response(200, body, content_type="application/json"))
            await writer.drain()
            return
        if method == "CONNECT":
            await self._connect(target, reader, writer)
        elif target.lower().startswith("http://"):
            await self._forward(method, target, version, headers, reader, writer)
        else:
            raise _HttpError(400, "a proxy request needs an absolute http:// URL or CONNECT host:port")

    async def _decide(self, url: str, kind: str) -> ProxyDecision:
        key = f"{kind} {url}"
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, self.decider, url, kind)
        except Exception as e:  # the decider has its own fallbacks; this is the last resort
            log.exception("adr proxy: deciding %s failed", url)
            result = ProxyDecision("deny", f"adr could not evaluate this request ({type(e).__name__}: {e})")
        self.counts[result.decision] = self.counts.get(result.decision, 0) + 1
        self._cache.put(key, result)
        return result

    def _refusal(self, url: str, d: ProxyDecision) -> bytes:
        if d.decision == "ask":
            what = (f"adr: this request needs a human's approval and no one approved it: {_one_line(d.reason)} "
                    "A human can approve it with `adr approve ID` (see `adr pending`); then retry.")
        else:
            what = f"adr blocked this request: {_one_line(d.reason) or 'refused by policy'}"
        rules = ",".join(d.rule_ids)
        extra = [("X-Adr-Decision", d.decision)] + ([("X-Adr-Rule", rules)] if rules else [])
        return _response(403, f"{what}\nURL: {url}\n", extra)

    async def _open_upstream(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            return await asyncio.wait_for(asyncio.open_connection(host, port, limit=1 << 16),
                                          self.limits.connect_timeout)
        except asyncio.TimeoutError:
            raise _HttpError(504, f"{host}:{port} did not answer within {self.limits.connect_timeout:g} s") from None
        except OSError as e:
            raise _HttpError(502, f"cannot connect to {host}:{port}: {e.strerror or e}") from None

    async def _connect(self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            host, port = split_host_port(target, -1)
            if port < 0:
                raise ValueError("port missing")
        except ValueError as e:
            raise _HttpError(400, f"CONNECT needs host:port ({e})") from None
        url = connect_url(host, port)
        d = await self._decide(url, "connect")
        if d.decision != "allow":
            writer.write(self._refusal(url, d))
            await writer.drain()
            return
        up_r, up_w = await self._open_upstream(host, port)
        try:
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await self._relay_both(reader, writer, up_r, up_w)
        finally:
            with contextlib.suppress(Exception):
                up_w.close()

    async def _forward(self, method: str, target: str, version: str, headers: list[tuple[str, str]],
                       reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            u = urlsplit(target)
            host, port = split_host_port(u.netloc.rpartition("@")[2], 80)
        except ValueError as e:
            raise _HttpError(400, f"malformed URL ({e})") from None
        if "@" in u.netloc:
            raise _HttpError(400, "credentials in a proxied URL are not forwarded")
        te = [v.lower() for v in _header(headers, "transfer-encoding")]
        cl = _header(headers, "content-length")
        if te and cl:
            raise _HttpError(400, "both Transfer-Encoding and Content-Length")
        if te and te != ["chunked"]:
            raise _HttpError(400, "only chunked transfer-encoding is supported")
        length = 0
        if cl:
            if len(set(cl)) != 1 or not cl[0].isdigit():
                raise _HttpError(400, "malformed Content-Length")
            length = int(cl[0])
        url = target
        d = await self._decide(url, "http")
        if d.decision != "allow":
            writer.write(self._refusal(url, d))
            await writer.drain()
            return
        path = u.path or "/"
        if u.query:
            path += "?" + u.query
        # Expect: 100-continue is answered here (the body is relayed before the upstream answer is read)
        expect = any("100-continue" in v.lower() for v in _header(headers, "expect"))
        named = {v.strip().lower() for c in _header(headers, "connection") for v in c.split(",")}
        drop = HOP_BY_HOP | {"expect"} | named
        out = [f"{method} {path} {version}"]
        if not _header(headers, "host"):
            out.append(f"Host: {u.netloc}")
        out += [f"{k}: {v}" for k, v in headers if k.lower() not in drop]
        if te:
            out.append("Transfer-Encoding: chunked")
        out.append("Connection: close")
        up_r, up_w = await self._open_upstream(host, port)
        try:
            up_w.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            if expect and (te or length):
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                await writer.drain()
            if te:
                await self._relay_chunked(reader, up_w)
            elif length:
                await self._relay_exact(reader, up_w, length)
            await up_w.drain()
            await self._pipe(up_r, writer)
        finally:
            with contextlib.suppress(Exception):
                up_w.close()

    # ---- relaying --------------------------------------------------------------------------

    async def _read(self, reader: asyncio.StreamReader, n: int) -> bytes:
        return await asyncio.wait_for(reader.read(n), self.limits.idle_timeout)

    async def _relay_exact(self, reader: asyncio.StreamReader, w: asyncio.StreamWriter, n: int) -> None:
        while n > 0:
            data = await self._read(reader, min(n, 1 << 16))
            if not data:
                raise ConnectionError("client closed before sending the whole body")
            n -= len(data)
            w.write(data)
            await w.drain()

    async def _relay_chunked(self, reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            line = await asyncio.wait_for(reader.readuntil(b"\r\n"), self.limits.idle_timeout)
            if len(line) > self.limits.max_chunk_line:
                raise _HttpError(400, "chunk size line too long")
            w.write(line)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _HttpError(400, "malformed chunk size") from None
            if size == 0:
                while True:  # trailers, then the empty line
                    t = await asyncio.wait_for(reader.readuntil(b"\r\n"), self.limits.idle_timeout)
                    if len(t) > self.limits.max_chunk_line:
                        raise _HttpError(400, "trailer line too long")
                    w.write(t)
                    if t == b"\r\n":
                        await w.drain()
                        return
            await self._relay_exact(reader, w, size + 2)

    async def _pipe(self, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await self._read(r, 1 << 16)
                if not data:
                    break
                w.write(data)
                await w.drain()
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                if w.can_write_eof():
                    w.write_eof()

    async def _relay_both(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter,
                          ur: asyncio.StreamReader, uw: asyncio.StreamWriter) -> None:
        await asyncio.gather(self._pipe(cr, uw), self._pipe(ur, cw))


# ---- deciding: the daemon first, the rules in this process when it is down ----------------------------

class SessionDecider:
    """Blocking (url, kind) → ProxyDecision for one session, called from the proxy's executor."""

    def __init__(self, *, session: str, agent: str, cwd: str, paths: Any = None) -> None:
        from adr.paths import get_paths

        self.session, self.agent, self.cwd = session, agent, cwd
        self.paths = paths or get_paths()
        self.socket_path = str(self.paths.socket)
        self._judge: Any = None
        self._lock = threading.Lock()

    def _action(self, url: str, kind: str) -> Any:
        from adr.actions import Action, ActionKind, Context

        return Action(kind=ActionKind.URL_FETCH, url=url,
                      context=Context(host="proxy", agent=self.agent, session=self.session, cwd=self.cwd,
                                      tool=kind))

    def __call__(self, url: str, kind: str) -> ProxyDecision:
        from adr.daemon import protocol as P
        from adr.daemon.client import DaemonUnavailable, request

        action = self._action(url, kind)
        note = "(daemon not running: evaluated in-process)"
        asked: dict[str, Any] = {}

        def on_pending(resp: Any) -> float:  # the daemon is asking the human: wait for the question's window
            asked.update(resp.pending)
            try:
                wait = max(0.0, float(resp.pending.get("wait_s") or 0))
            except (TypeError, ValueError):
                wait = P.DECIDE_TIMEOUT
            return time.monotonic() + wait + P.PENDING_MARGIN

        try:
            resp = request(P.Request(op="decide", id=P.new_id(), action=action, event="url_fetch", host="proxy",
                                     can_ask=False, progress=True), path=self.socket_path,
                           timeout=P.DECIDE_TIMEOUT, on_pending=on_pending)
            if resp.ok and resp.verdict is not None:
                v = resp.verdict
                return ProxyDecision(v.decision.value, v.reason or v.agent_reason, v.rule_ids)
            note = f"(daemon error {resp.error_code}: {resp.error}; evaluated in-process)"
        except DaemonUnavailable:
            if asked:  # never let it through unasked because the answer was late
                q = str(asked.get("question", ""))[:16]
                return ProxyDecision("deny", f"adr asked you (question {q}) but no answer came in time: refused. "
                                             f"Approve it with `adr approve {q}`, then retry.")
        except P.ProtocolError as e:
            note = f"({e.message}: evaluated in-process)"
        return self._in_process(action, note)

    def _in_process(self, action: Any, note: str) -> ProxyDecision:
        from adr.record.audit import AuditLog, Origin, decision_entry

        t0 = time.perf_counter()
        try:
            with self._lock:
                if self._judge is None:
                    from adr.config import load_settings
                    from adr.judge import Judge

                    self._judge = Judge.create(load_settings(self.paths), paths=self.paths)
                judge = self._judge
            v, _exhausted = judge.decide_bounded(action, note=note)
        except Exception as e:
            from adr.daemon.failsafe import fail_verdict

            v = fail_verdict("deny", False, f"the daemon is not reachable and in-process evaluation failed "
                                            f"({type(e).__name__}: {e})")
        try:
            max_bytes = getattr(getattr(self._judge, "settings", None), "audit_max_bytes", 20 * 1024 * 1024)
            audit = AuditLog(self.paths.ensure().audit_dir, max_bytes)
            try:
                audit.append(decision_entry(action, v, decided_by="fallback",
                                            latency_ms=(time.perf_counter() - t0) * 1000,
                                            origin=Origin(), event="url_fetch", host="proxy"))
            finally:
                audit.close()
        except Exception as e:  # never allow unrecorded: the audit_fail answer (the proxy cannot ask: deny)
            log.warning("adr proxy: could not write the audit log: %s", e)
            mode = getattr(getattr(self._judge, "settings", None), "audit_fail", "ask")
            if mode != "allow" and v.decision.value == "allow":
                return ProxyDecision("deny", f"adr could not record this request in its audit log ({e})", ())
        return ProxyDecision(v.decision.value, v.reason or v.agent_reason, v.rule_ids)

    def close(self) -> None:
        if self._judge is not None:
            with contextlib.suppress(Exception):
                self._judge.close()


class ProxyThread:
    """Run a Proxy on its own event loop in a daemon thread (inside `adr wrap`)."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="adr-proxy", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.proxy.start())
        except BaseException as e:  # noqa: BLE001 — reported to start()
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        with contextlib.suppress(Exception):
            self._loop.run_until_complete(self.proxy.close())
        self._loop.close()

    def start(self, timeout: float = 10.0) -> int:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the proxy did not start in time")
        if self._error is not None:
            raise RuntimeError(f"the proxy cannot listen: {self._error}")
        return self.proxy.port

    def stop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

"""A local stand-in for every reputation API adr talks to, on 127.0.0.1 (http.server in a thread).

It answers with the real request/response shapes of URLhaus, MalwareBazaar, VirusTotal v3,
Safe Browsing v4 (Lookup), OSV, the PyPI JSON API and the npm registry, plus the bulk feeds.
Each provider can be switched to misbehave: "stall" (holds the request until the test ends,
bounded), "429", "500", "badjson".
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MAL_SHA256 = "a" * 64
BAD_URL = "http://evil.example/payload.exe"
BAD_HOST = "evil.example"
SB_LISTED_EXPR = "evil.example/payload.exe"  # Safe Browsing expression on the fake lists
SB_COLLIDE_EXPR = "collide.example/"  # its prefix is listed, its full hash is not
NOW = time.time()


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + "Z"


class FakeAPIs:
    def __init__(self) -> None:
        self.behavior: dict[str, str] = {}
        self.requests: list[dict] = []
        self.counts: dict[str, int] = {}
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.osv_zip: dict[str, bytes] = {}
        self.url_feed = f"# URLhaus test feed\n{BAD_URL}\nhttp://{BAD_HOST}/\nhttp://shared.example/bad/thing.sh\n"
        apis = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                apis._handle(self, "GET")

            def do_POST(self):
                apis._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # a client that gave up (connect timeout under load) and reset its connection before accept()
        # would leave a blocking accept() hanging for ever, and close() with it: accept with a timeout
        self.server.socket.settimeout(1.0)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    # base URLs as the providers expect them
    @property
    def urls(self) -> dict[str, str]:
        b = self.base
        return {"urlhaus": f"{b}/urlhaus/v1", "malwarebazaar": f"{b}/mb/api/v1", "virustotal": f"{b}/vt/api/v3",
                "safebrowsing": f"{b}/sb/v4", "osv": f"{b}/osv/v1", "registry": f"{b}/pypi",
                "registry_npm": f"{b}/npm"}

    def env(self) -> dict[str, str]:
        e = {f"ADR_{k.upper()}_URL": v for k, v in self.urls.items()}
        e.update({"ADR_VIRUSTOTAL_KEY": "vt-test-key", "ADR_SAFEBROWSING_KEY": "sb-test-key"})
        return e

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def count(self, provider: str) -> int:
        with self.lock:
            return self.counts.get(provider, 0)

    # ---------------------------------------------------------------------------------- routing
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        provider = parts.path.strip("/").split("/", 1)[0]
        provider = {"mb": "malwarebazaar", "vt": "virustotal", "sb": "safebrowsing", "pypi": "registry",
                    "npm": "registry"}.get(provider, provider)
        with self.lock:
            self.counts[provider] = self.counts.get(provider, 0) + 1
            self.requests.append({"provider": provider, "method": method, "path": parts.path, "query": parts.query,
                                  "headers": dict(h.headers), "body": body})
        mode = self.behavior.get(provider, "ok")
        if mode == "stall":
            self.release.wait(10)  # bounded: the test tears down long before
            return self._send(h, 200, {})
        if mode == "429":
            return self._send(h, 429, {"error": {"code": "QuotaExceededError", "message": "quota"}},
                              headers={"Retry-After": "30"})
        if mode == "500":
            return self._send(h, 500, {"error": "internal"})
        if mode == "badjson":
            return self._send(h, 200, b"<html>not json</html>")
        route = getattr(self, "_" + provider.replace("-", "_"), None)
        if route is None:
            return self._send(h, 404, {"error": "no such route"})
        code, payload = route(method, parts, body, h.headers)
        self._send(h, code, payload)

    def _send(self, h: BaseHTTPRequestHandler, code: int, payload, headers: dict | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            h.send_response(code)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass

    # ------------------------------------------------------------------------------- providers
    def _urlhaus(self, method, parts, body, headers):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if parts.path.endswith("/url/"):
            url = form.get("url", "")
            if not url.startswith("http"):
                return 200, {"query_status": "invalid_url"}
            if url == BAD_URL:
                return 200, {"query_status": "ok", "id": "1", "url_status": "online", "threat": "malware_download",
                             "tags": ["elf", "mirai"], "urlhaus_reference": "https://urlhaus.abuse.ch/url/1/",
                             "url": url}
            return 200, {"query_status": "no_results"}
        if parts.path.endswith("/host/"):
            if form.get("host") == BAD_HOST:
                return 200, {"query_status": "ok", "url_count": "2", "urlhaus_reference": "https://urlhaus.abuse.ch/host/x/",
                             "blacklists": {"spamhaus_dbl": "not listed", "surbl": "not listed"},
                             "urls": [{"url": BAD_URL, "url_status": "online"}, {"url": "http://evil.example/2", "url_status": "offline"}]}
            return 200, {"query_status": "no_results"}
        return 404, {}

    def _malwarebazaar(self, method, parts, body, headers):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if form.get("query") != "get_info":
            return 200, {"query_status": "unknown_query"}
        hsh = form.get("hash", "")
        if len(hsh) not in (32, 40, 64):
            return 200, {"query_status": "illegal_hash"}
        if hsh == MAL_SHA256:
            return 200, {"query_status": "ok", "data": [{"sha256_hash": hsh, "file_type": "elf", "signature": "Mirai",
                                                         "tags": ["mirai"]}]}
        return 200, {"query_status": "hash_not_found"}

    def _virustotal(self, method, parts, body, headers):
        if headers.get("x-apikey") != "vt-test-key":
            return 401, {"error": {"code": "WrongCredentialsError", "message": "Wrong API key"}}
        kind, _, ident = parts.path.split("/api/v3/", 1)[1].partition("/")
        if kind == "files":
            if ident == MAL_SHA256:
                stats = {"malicious": 41, "suspicious": 0, "undetected": 20, "harmless": 0}
            else:
                return 404, {"error": {"code": "NotFoundError", "message": f"File \"{ident}\" not found"}}
        elif kind == "urls":
            url = base64.urlsafe_b64decode(ident + "=" * (-len(ident) % 4)).decode()
            if url == BAD_URL:
                stats = {"malicious": 9, "suspicious": 1, "undetected": 50, "harmless": 30}
            else:
                stats = {"malicious": 0, "suspicious": 0, "undetected": 20, "harmless": 70}
        else:
            return 404, {"error": {"code": "NotFoundError"}}
        return 200, {"data": {"type": kind[:-1], "id": ident, "attributes": {"last_analysis_stats": stats}}}

    def _safebrowsing(self, method, parts, body, headers):
        if parse_qs(parts.query).get("key") != ["sb-test-key"]:
            return 400, {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
        req = json.loads(body or b"{}")
        if parts.path.endswith("threatListUpdates:fetch"):
            return 200, self._sb_updates(req)
        if parts.path.endswith("fullHashes:find"):
            wanted = {base64.b64decode(e["hash"]) for e in req["threatInfo"]["threatEntries"]}
            listed = hashlib.sha256(SB_LISTED_EXPR.encode()).digest()
            matches = [{"threatType": "MALWARE", "platformType": "ANY_PLATFORM", "threatEntryType": "URL",
                        "threat": {"hash": base64.b64encode(listed).decode()}, "cacheDuration": "300s"}
                       for p in wanted if listed.startswith(p)]
            return 200, {"matches": matches, "minimumWaitDuration": "0s", "negativeCacheDuration": "300s"}
        entries = req.get("threatInfo", {}).get("threatEntries", [])
        matches = [{"threatType": "MALWARE", "platformType": "ANY_PLATFORM", "threatEntryType": "URL",
                    "threat": {"url": e["url"]}, "cacheDuration": "300s"} for e in entries if e.get("url") == BAD_URL]
        return 200, ({"matches": matches} if matches else {})

    def _sb_updates(self, req):
        out = []
        listed = hashlib.sha256(SB_LISTED_EXPR.encode()).digest()[:4]
        collide = hashlib.sha256(SB_COLLIDE_EXPR.encode()).digest()[:4]  # a prefix with no full-hash entry
        for lr in req["listUpdateRequests"]:
            base = sorted({listed, collide, b"\x00\x00\x00\x01", b"\xff\xff\xff\xfe"})
            resp = {"threatType": lr["threatType"], "platformType": lr["platformType"],
                    "threatEntryType": lr["threatEntryType"]}
            if lr["threatType"] != "MALWARE":
                base = [b"\x00\x00\x00\x02"]
            if not lr.get("state"):
                prefixes = base
                resp.update(responseType="FULL_UPDATE", newClientState="s1",
                            additions=[{"compressionType": "RAW", "rawHashes": {"prefixSize": 4,
                                        "rawHashes": base64.b64encode(b"".join(prefixes)).decode()}}])
            else:  # partial: drop the first prefix, add one
                new = b"\x10\x20\x30\x40"
                prefixes = sorted(base[1:] + [new])
                resp.update(responseType="PARTIAL_UPDATE", newClientState="s2",
                            removals=[{"compressionType": "RAW", "rawIndices": {"indices": [0]}}],
                            additions=[{"compressionType": "RAW", "rawHashes": {"prefixSize": 4,
                                        "rawHashes": base64.b64encode(new).decode()}}])
            digest = hashlib.sha256(b"".join(prefixes)).digest()
            if self.behavior.get("safebrowsing-checksum") == "bad":
                digest = b"\x00" * 32
            resp["checksum"] = {"sha256": base64.b64encode(digest).decode()}
            out.append(resp)
        return {"listUpdateResponses": out, "minimumWaitDuration": "1800.5s"}

    def _osv(self, method, parts, body, headers):
        q = json.loads(body or b"{}")
        pkg = q.get("package", {})
        if pkg.get("name") == "evil-pkg":
            return 200, {"vulns": [{"id": "MAL-2025-1", "summary": "Malicious code in evil-pkg (npm)",
                                    "modified": "2025-01-01T00:00:00Z"}]}
        if pkg.get("name") == "old-vuln" and q.get("version"):
            return 200, {"vulns": [{"id": "GHSA-xxxx-yyyy-zzzz", "summary": "XSS"}]}
        return 200, {}

    def _registry(self, method, parts, body, headers):
        p = parts.path
        if p.startswith("/pypi/pypi/"):
            name = unquote(p[len("/pypi/pypi/"):].rsplit("/json", 1)[0])
            if name in ("hallucinated-pkg",):
                return 404, {"message": "Not Found"}
            first = NOW - (3 * 86400 if name == "brand-new-pkg" else 900 * 86400)
            return 200, {"info": {"name": name, "version": "1.0"},
                         "releases": {"0.9": [{"upload_time_iso_8601": _iso(first)}],
                                      "1.0": [{"upload_time_iso_8601": _iso(first + 86400)}]}}
        if p.startswith("/npm/"):
            name = unquote(p[len("/npm/"):])
            if name == "hallucinated-pkg":
                return 404, {"error": "Not found"}
            created = NOW - (2 * 86400 if name == "brand-new-pkg" else 2000 * 86400)
            doc = {"name": name, "dist-tags": {"latest": "2.0.0"},
                   "time": {"created": _iso(created), "modified": _iso(NOW - 86400),
                            "1.0.0": _iso(created), "2.0.0": _iso(NOW - 5 * 86400)},
                   "versions": {"1.0.0": {"_npmUser": {"name": "alice"}},
                                "2.0.0": {"_npmUser": {"name": "mallory" if name == "hijacked-pkg" else "alice"}}}}
            return 200, doc
        return 404, {}

    def _feeds(self, method, parts, body, headers):
        p = parts.path
        if p.endswith("/all.zip"):
            eco = p.split("/")[-2]
            return (200, self.osv_zip[eco]) if eco in self.osv_zip else (404, {"error": "no such object"})
        if p.endswith("/urlhaus.txt"):
            return 200, self.url_feed.encode()
        if p.endswith("/phish.txt"):
            return 200, b"https://login-paypa1.example/signin\n"
        return 404, {}


def osv_zip(records: list[dict]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for r in records:
            zf.writestr(f"{r['id']}.json", json.dumps(r))
    return buf.getvalue()

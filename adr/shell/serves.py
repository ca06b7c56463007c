"""Which folder a file server exposes to the network.

`python3 -m http.server`, `miniserve`, `npx serve`, `php -S 0:8000 -t DIR`, `ruby -run -e httpd` …
serve the folder they are given, or the working directory when given none: `cd ~/.ssh && python3 -m
http.server` hands every key in ~/.ssh to whoever connects, as surely as `curl -T` would. The
folders served count as files the command sends (adr/shell/uploads.py), so the credential rules
read them like any upload. A server bound to the loopback interface exposes nothing beyond the
machine: nothing is listed for it.

Pure: argv in, folders as written out ("." for the working directory; the engine normalizes them
against the working directory the line has reached, `cd` included).
"""
from __future__ import annotations

from adr import lazyre
from adr.shell.words import positionals

# the programs that are file servers whatever their arguments (`python -m M` is the program `M`)
FILE_SERVERS = frozenset({"http.server", "SimpleHTTPServer", "uploadserver", "updog", "updog3", "http-server", "serve",
                          "live-server", "static-server", "servor", "miniserve", "darkhttpd", "dufs", "goshs",
                          "simple-http-server", "webfsd", "thttpd", "pyftpdlib", "wsgidav", "woof"})
# programs that serve files in one of their forms: `php -S`, `ruby -run -e httpd`, `caddy file-server`,
# `twistd web --path`, (busybox) `httpd -h DIR`, `ngrok http file:///DIR` (its own file server, on the internet)
SERVER_FORMS = frozenset({"php", "ruby", "caddy", "twistd", "twist", "httpd", "ngrok"})
# busybox's and toybox's httpd (the engine names it so when it sees the wrapper): the working directory
# unless `-h DIR` (Apache's httpd serves the root its configuration names)
BUSYBOX_HTTPD = "busybox-httpd"

# the option naming the folder, per server (its value is what is served; without it, the default)
_DIR_OPTION: dict[str, frozenset[str]] = {
    "http.server": frozenset({"-d", "--directory"}), "uploadserver": frozenset({"-d", "--directory"}),
    "updog": frozenset({"-d", "--directory"}), "updog3": frozenset({"-d", "--directory"}),
    "goshs": frozenset({"-d", "--dir"}), "thttpd": frozenset({"-d"}), "webfsd": frozenset({"-r"}),
    "pyftpdlib": frozenset({"-d", "--directory"}), "wsgidav": frozenset({"-r", "--root"}),
    "caddy": frozenset({"-r", "--root"}), "php": frozenset({"-t"}), "twistd": frozenset({"--path"}),
    "twist": frozenset({"--path"}), "httpd": frozenset({"-h"}), BUSYBOX_HTTPD: frozenset({"-h"}),
}
# servers whose first operand is the folder (or the files, for woof)
_OPERAND_ROOT = frozenset({"http-server", "serve", "live-server", "static-server", "servor", "miniserve", "darkhttpd",
                           "dufs", "simple-http-server", "woof"})
# options that take a value, per server (so a port or an address is not read as the folder)
_VALUED: dict[str, frozenset[str]] = {
    "http-server": frozenset({"-p", "--port", "-a", "-c", "-e", "--ext", "-P", "--proxy", "-C", "--cert", "-K", "--key",
                              "--username", "--password", "-t", "--timeout", "-o", "--log-ip", "-i", "-g", "-b"}),
    "serve": frozenset({"-l", "--listen", "-p", "-c", "--config", "--ssl-cert", "--ssl-key", "--ssl-pass"}),
    "static-server": frozenset({"-p", "--port", "-i", "--index", "-f", "--follow-symlink", "-n", "--not-found", "-c",
                                "--cors", "-t", "--templates"}),
    "miniserve": frozenset({"-i", "--interfaces", "-p", "--port", "-a", "--auth", "-c", "--color-scheme",
                            "-d", "--color-scheme-dark", "-t", "--title", "--header", "--route-prefix", "--tls-cert",
                            "--tls-key", "--index", "--auth-file", "--spa", "-u", "--upload-files"}),
    "darkhttpd": frozenset({"--port", "--addr", "--log", "--chroot", "--maxconn", "--mimetypes", "--default-mimetype",
                            "--uid", "--gid", "--pidfile", "--auth", "--index", "--forward", "--forward-all",
                            "--header", "--timeout"}),
    "dufs": frozenset({"-b", "--bind", "-p", "--port", "--path-prefix", "-a", "--auth", "--hidden", "--assets",
                       "--log-format", "--tls-cert", "--tls-key", "-c", "--config", "--log-file"}),
    "simple-http-server": frozenset({"-p", "--port", "-i", "--ip", "-a", "--auth", "--cert", "--certpass", "-c",
                                     "--compress", "-t", "--threads", "-l", "--try-file", "--redirect"}),
    "woof": frozenset({"-i", "-p", "-c"}),
}
_LOOPBACK = lazyre.compile(r"^(?:(?:tcp|https?)://)?(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])(?::\d+)?/?$",
                           flags=0)
# the options that bind a server to an address (`-b 127.0.0.1`, `--host=localhost`, `php -S 127.0.0.1:8000`)
_BIND_OPTIONS = frozenset({"-b", "--bind", "-a", "--address", "--addr", "-i", "--ip", "--interface", "--interfaces",
                           "--host", "--hostname", "-l", "--listen", "-S", "--interface"})


def _loopback(args: "tuple[str, ...] | list[str]") -> bool:
    """Bound to the loopback interface only (every address option given names it)."""
    seen = False
    for i, a in enumerate(args):
        name, eq, value = a.partition("=")
        if name in _BIND_OPTIONS and (eq or i + 1 < len(args)):
            v = value if eq else args[i + 1]
            if not _LOOPBACK.match(v):
                return False
            seen = True
    return seen


def _ruby_httpd(args: "tuple[str, ...] | list[str]") -> "list[str] | None":
    """`ruby -run -e httpd [DIR] -p PORT` (un.rb's httpd): the folder, or None when not that form."""
    joined = list(args)
    if not any(a == "-run" or a.startswith("-run") for a in joined):
        return None
    for i, a in enumerate(joined):
        if a in ("-e", "-ehttpd") or a == "httpd" and i and joined[i - 1] in ("-e", "un"):
            rest = joined[i + 1:] if a != "-e" else joined[i + 2:] if joined[i + 1:i + 2] == ["httpd"] else None
            if rest is None:
                continue
            pos = positionals(rest, frozenset({"-p", "--port", "-b", "--bind-address"}))
            return pos[:1] or ["."]
    return None


def served_folders(prog: str, args: "tuple[str, ...] | list[str]") -> tuple[str, ...]:
    """The folders (or files) `prog args` serves to the network, as written ("." for the working
    directory); () when it is no file server or listens on the loopback interface only."""
    if prog not in FILE_SERVERS and prog not in SERVER_FORMS and prog != BUSYBOX_HTTPD:
        return ()
    args = list(args)
    if prog == "php" and not any(a == "-S" or a.startswith("-S") for a in args):
        return ()
    if prog == "caddy" and "file-server" not in args:
        return ()
    if prog in ("twistd", "twist") and "web" not in args:
        return ()
    if prog == "woof" and "-U" in args:
        return ()  # woof -U receives a file
    if _loopback(args) or prog == "php" and any(_LOOPBACK.match(a[2:]) for a in args if a.startswith("-S") and len(a) > 2):
        return ()
    if prog == "ngrok":
        return tuple(a[len("file://"):] or "/" for a in args if a.startswith("file://"))[:8]
    if prog == "ruby":
        got = _ruby_httpd(args)
        return tuple(got) if got else ()
    opts = _DIR_OPTION.get(prog)
    if opts:
        named = [v for i, a in enumerate(args)
                 for v in ([args[i + 1]] if a in opts and i + 1 < len(args) else
                           [a.split("=", 1)[1]] if "=" in a and a.split("=", 1)[0] in opts else [])]
        if named:
            return tuple(named)
        return () if prog == "httpd" else (".",)  # (Apache's httpd serves its configured root)
    if prog in _OPERAND_ROOT:
        pos = [p for p in positionals(args, _VALUED.get(prog, frozenset())) if not p.isdigit()]
        return tuple(pos) if prog == "woof" else tuple(pos[:1]) or (".",)
    return (".",)  # http.server without -d, SimpleHTTPServer: the working directory

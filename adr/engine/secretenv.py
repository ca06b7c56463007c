"""Which service a secret environment variable belongs to, and whether a command or a piece of code
sends it to another host.

`curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user` is how the token is
meant to be used; the same header, body or form field sent to any other host hands the token to
that host, whatever part of the request carries it. A token's own service is known from the
variable's name (GITHUB_, OPENAI_, NPM_ …). A name adr cannot place (API_TOKEN, DB_PASSWORD) says
nothing about where it belongs, so it is left to the rules that look at where it is put (a URL, a
DNS name, printed). Pure: words and code in, (variable, host) out.
"""
from __future__ import annotations

import re
from typing import Sequence

from adr import lazyre
from adr.engine.gitwords import url_host
from adr.shell.interpreters import language_of
from adr.shell.model import SimpleCommand
from adr.shell.uploads import CURL_SHORT_VALUED

# the variable holds a secret: not its id, public half, location or file name
_SECRET_NAME = lazyre.compile(r"(?:SECRET|TOKEN|PASSW(?:OR)?D|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|_PAT|_AUTH)")
_NOT_SECRET = lazyre.compile(r"(?:_ID|_URL|_URI|_FILE|_PATH|_DIR|_HOST|_NAME|_TYPE|_EXPIRY|_EXPIRES)$|PUBLISHABLE|PUBLIC")

# name prefix → the domains of the service the token is for. A self-hosted service (GitLab, GitHub
# Enterprise, Artifactory) cannot be told from its name: `gitlab.evil.example` is anyone's to make,
# so only the public service's domains count, and a token sent to a company's own server asks.
_SERVICES: "tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]" = (
    (("GITHUB_", "GH_"), ("github.com", "githubusercontent.com", "ghcr.io")),
    (("GITLAB_", "GL_", "CI_JOB_"), ("gitlab.com",)),
    (("OPENAI_",), ("openai.com", "openai.azure.com")),
    (("ANTHROPIC_", "CLAUDE_"), ("anthropic.com",)),
    (("NPM_", "NODE_AUTH_"), ("npmjs.org", "npmjs.com", "npm.pkg.github.com")),
    (("STRIPE_",), ("stripe.com",)),
    (("SLACK_",), ("slack.com",)),
    (("HF_", "HUGGINGFACE_", "HUGGING_FACE_"), ("huggingface.co",)),
    (("AWS_",), ("amazonaws.com", "amazonaws.com.cn", "aws.amazon.com")),
    (("DIGITALOCEAN_",), ("digitalocean.com",)),
    (("CLOUDFLARE_", "CF_API_"), ("cloudflare.com",)),
    (("VERCEL_",), ("vercel.com",)),
    (("NETLIFY_",), ("netlify.com",)),
    (("HEROKU_",), ("heroku.com",)),
    (("SENTRY_",), ("sentry.io",)),
    (("DATADOG_", "DD_"), ("datadoghq.com", "datadoghq.eu", "ddog-gov.com")),
    (("TWILIO_",), ("twilio.com",)),
    (("SENDGRID_",), ("sendgrid.com",)),
    (("DOCKER_", "DOCKERHUB_"), ("docker.io", "docker.com")),
    (("PYPI_", "TWINE_", "UV_PUBLISH_"), ("pypi.org",)),
    (("CARGO_REGISTRY_",), ("crates.io",)),
    (("CIRCLECI_", "CIRCLE_"), ("circleci.com",)),
    (("LINEAR_",), ("linear.app",)),
    (("NOTION_",), ("notion.com", "notion.so")),
    (("GOOGLE_", "GEMINI_", "GCP_", "FIREBASE_"), ("googleapis.com", "google.com", "firebaseio.com")),
    (("MISTRAL_",), ("mistral.ai",)),
    (("GROQ_",), ("groq.com",)),
    (("REPLICATE_",), ("replicate.com",)),
    (("COHERE_", "CO_API_"), ("cohere.ai", "cohere.com")),
    (("OPENROUTER_",), ("openrouter.ai",)),
    (("DEEPSEEK_",), ("deepseek.com",)),
    (("AZURE_",), ("azure.com", "azure.net", "windows.net", "microsoft.com", "microsoftonline.com")),
    (("SHOPIFY_",), ("shopify.com", "myshopify.com")),
    (("JIRA_", "ATLASSIAN_", "CONFLUENCE_", "BITBUCKET_"), ("atlassian.net", "atlassian.com", "bitbucket.org")),
    (("SUPABASE_",), ("supabase.co", "supabase.com")),
    (("TELEGRAM_",), ("telegram.org",)),
    (("DISCORD_",), ("discord.com", "discordapp.com")),
    (("PAGERDUTY_",), ("pagerduty.com",)),
    (("NGROK_",), ("ngrok.com",)),
    (("CODECOV_",), ("codecov.io",)),
    (("SNYK_",), ("snyk.io",)),
    (("POSTMAN_",), ("postman.com", "getpostman.com")),
    (("ARTIFACTORY_", "JFROG_"), ("jfrog.io",)),
)

_LOOPBACK = lazyre.compile(r"^(?:localhost|127(?:\.\d{1,3}){3}|::1|0\.0\.0\.0|\[::1\])$")
DYNAMIC = "(a host the line computes)"

_ENV_REF = lazyre.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_SCHEME_URL = lazyre.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?(\[[^\]]+\]|[^/:?#\s]*)", re.I)
_BARE_HOST = lazyre.compile(r"^(?:[^@/\s:]+@)?((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]\S*)?$")
_HOSTPORT = lazyre.compile(r"^(\[[^\]]+\]|[^:\s]+):\d+$")
_SOCAT_ADDR = lazyre.compile(r"^(?i:tcp[46]?|ssl|openssl|udp[46]?|tcp-connect|tcp4-connect|tcp6-connect|udp-sendto)"
                             r"(?i::|-connect:)(\[[^\]]+\]|[^:,]+)")

# programs whose words are a request to a host; per program, the short options that take a value
# (so a value such as `-o out.json` is not taken for a host) and long ones
_HTTP_CLIENTS = {
    "curl": (CURL_SHORT_VALUED, frozenset({
        "--output", "--header", "--data", "--data-binary", "--data-raw", "--data-ascii", "--data-urlencode", "--json",
        "--user", "--user-agent", "--referer", "--cookie", "--cookie-jar", "--config", "--form", "--form-string",
        "--upload-file", "--write-out", "--max-time", "--connect-timeout", "--retry", "--request", "--cert", "--key",
        "--cacert", "--capath", "--resolve", "--connect-to", "--variable", "--expand-data", "--oauth2-bearer",
        "--proxy-user", "--output-dir", "--dump-header", "--trace", "--trace-ascii", "--range", "--limit-rate",
        "--interface", "--local-port", "--retry-delay", "--retry-max-time", "--aws-sigv4", "--proxy-header",
        "--unix-socket", "--abstract-unix-socket", "--stderr", "--netrc-file", "--pinnedpubkey", "--ciphers", "--proxy",
        "--preproxy", "--socks5", "--socks5-hostname"})),
    "wget": (frozenset("aABDeiIlOoPQRtTUwXxY"), frozenset({
        "--output-document", "--output-file", "--append-output", "--directory-prefix", "--header", "--post-data",
        "--post-file", "--body-data", "--body-file", "--method", "--user", "--password", "--http-user",
        "--http-password", "--user-agent", "--referer", "--load-cookies", "--save-cookies", "--tries", "--timeout",
        "--input-file", "--config", "--execute", "--ca-certificate", "--certificate", "--private-key"})),
    "aria2c": (frozenset("dodiUx"), frozenset({"--dir", "--out", "--input-file", "--header", "--user-agent",
                                              "--http-user", "--http-passwd"})),
    "http": (frozenset("aAov"), frozenset({"--auth", "--auth-type", "--output", "--session", "--verify", "--cert",
                                          "--cert-key", "--proxy", "--timeout"})),
}
for _alias, _of in (("wget2", "wget"), ("https", "http"), ("httpie", "http"), ("xh", "http"), ("xhs", "http"),
                    ("lwp-request", "http"), ("GET", "http"), ("POST", "http"), ("HEAD", "http")):
    _HTTP_CLIENTS[_alias] = _HTTP_CLIENTS[_of]
_SOCKETS = frozenset({"nc", "ncat", "netcat", "telnet", "websocat", "wscat", "wsta", "grpcurl"})
# `docker login REGISTRY -p $T`: the token goes to the registry named (Docker Hub when none is)
_LOGINS = frozenset({"docker", "podman", "nerdctl", "buildah", "skopeo", "oras", "crane", "helm"})
# forge CLIs: their host is --hostname (GH_HOST / GITLAB_HOST, given as --hostname by the caller), else theirs
_FORGES = {"gh": "github.com", "glab": "gitlab.com"}
_SSH_VALUED = frozenset("bcDEeFIiJLlmOopQRSWw")
PROGRAMS = frozenset(_HTTP_CLIENTS) | _SOCKETS | _LOGINS | frozenset(_FORGES) | {"socat", "openssl", "git", "ssh"}

MAX_WORDS = 256


def service_domains(name: str) -> "tuple[str, ...] | None":
    """The domains of the service a secret variable is for; None when the name is not a secret's or
    no service can be told from it."""
    up = name.upper()
    if not _SECRET_NAME.search(up) or _NOT_SECRET.search(up):
        return None
    for prefixes, domains in _SERVICES:
        if up.startswith(prefixes):
            return domains
    return None


def host_of_service(host: str, domains: "tuple[str, ...]") -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if _LOOPBACK.match(host):
        return True  # a local proxy, a test server: the token stays on this machine
    return any(host == d or host.endswith("." + d) for d in domains)


def _foreign(names: "set[str]", hosts: "list[str]") -> "tuple[str, str] | None":
    for name in sorted(names):
        domains = service_domains(name)
        if domains is None:
            continue
        for h in hosts:
            if h == DYNAMIC or not host_of_service(h, domains):
                return name, h
    return None


def _url_host(word: str) -> "str | None":
    m = _SCHEME_URL.match(word)
    if m:
        h = m.group(1)
        return DYNAMIC if (not h or "$" in h or "`" in h) else h.lower()
    if word.startswith(("$", "`")):
        return DYNAMIC
    m = _BARE_HOST.match(word)
    return m.group(1).lower() if m else None


def command_hosts(program: str, args: "tuple[str, ...] | list[str]") -> "list[str]":
    """The hosts a network client's words send to (DYNAMIC for one the line computes)."""
    args = list(args[:MAX_WORDS])
    out: list[str] = []
    if program in _HTTP_CLIENTS:
        short, long_ = _HTTP_CLIENTS[program]
        skip = False
        for i, a in enumerate(args):
            if skip:
                skip = False
                continue
            if program == "curl" and i + 1 < len(args):
                out += _curl_elsewhere(a, args[i + 1], args)
            if a.startswith("--"):
                if a.startswith("--url="):
                    h = _url_host(a[6:])
                    out += [h] if h else []
                elif a == "--url":
                    continue  # the next word is the URL: read as a positional below
                elif a in long_:
                    skip = True
                continue
            if a.startswith("-") and len(a) > 1:
                body = a[1:]
                for k, ch in enumerate(body):
                    if ch in short:
                        skip = k == len(body) - 1  # the value is the next word
                        break
                continue
            if _SCHEME_URL.match(a) or not any(c in a for c in " =\"'{"):
                h = _url_host(a)
                if h:
                    out.append(h)
    elif program in _SOCKETS:
        pos = [a for a in args if not a.startswith("-")]
        if pos:
            h = _url_host(pos[0]) or (DYNAMIC if "$" in pos[0] else pos[0].lower())
            m = _HOSTPORT.match(h) if h != DYNAMIC else None
            out.append(m.group(1) if m else h)
    elif program == "git":
        # a URL on the line (clone/fetch/push/ls-remote URL, -c remote.X.url=URL): where the request goes
        for a in args:
            v = a.split("=", 1)[1] if a.count("=") and "://" in a.split("=", 1)[1] else a
            if "://" in v or re.match(r"^[\w.-]+@[\w.-]+:", v):
                h = url_host(v)
                if h:
                    out.append(DYNAMIC if "$" in h else h)
    elif program in _LOGINS:
        pos = [a for a in args if not a.startswith("-")]
        k = pos.index("login") if "login" in pos else -1
        if k >= 0:
            # (the value after -u/-p is a positional too: take the first word that looks like a host)
            reg = next((p for p in pos[k + 1:] if "." in p or ":" in p or p == "localhost"), "docker.io")
            out.append(DYNAMIC if "$" in reg else reg.split("/", 1)[0].lower())
    elif program in _FORGES:
        given = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--hostname", "-h")]
        given += [a.split("=", 1)[1] for a in args if a.startswith("--hostname=")]
        for h in given or [_FORGES[program]]:
            out.append(DYNAMIC if "$" in h else h.lower().split("/", 1)[0])
    elif program == "ssh":
        skip = False
        for a in args:
            if skip:
                skip = False
                continue
            if a.startswith("-") and len(a) > 1:
                skip = a[-1] in _SSH_VALUED and len(a) == 2
                continue
            h = a.rsplit("@", 1)[-1]
            out.append(DYNAMIC if "$" in h else h.lower())
            break
    elif program == "socat":
        for a in args:
            m = _SOCAT_ADDR.match(a)
            if m:
                h = m.group(1)
                out.append(DYNAMIC if "$" in h else h.lower())
    elif program == "openssl":
        for i, a in enumerate(args):
            if a == "-connect" and i + 1 < len(args):
                v = args[i + 1]
                m = _HOSTPORT.match(v)
                out.append(DYNAMIC if "$" in v else (m.group(1) if m else v).lower())
    return out


def _curl_elsewhere(opt: str, val: str, args: "list[str]") -> "list[str]":
    """Where curl really connects when an option sends the request elsewhere: `--connect-to
    h:p:HOST:P`, `--resolve h:p:ADDR`, and a proxy (`-x`, `--proxy`), which reads the request
    itself when the URL is plain http."""
    if opt == "--connect-to":
        parts = val.split(":")
        return [DYNAMIC if "$" in val else parts[2].lower()] if len(parts) >= 4 and parts[2] else []
    if opt == "--resolve":
        addr = val.split(":", 2)[2] if val.count(":") >= 2 else ""
        return [DYNAMIC if "$" in val else a.strip("[]").lower() for a in addr.split(",") if a]
    if opt in ("-x", "--proxy", "--preproxy") and (any(a.lower().startswith("http://") and a != val for a in args)
                                                    or "-k" in args or "--insecure" in args):
        # a proxy reads a plain-http request, and an https one it may intercept when -k trusts any certificate
        h = _url_host(val if "://" in val else "http://" + val)
        return [h] if h else []
    return []


def _request_names(program: str, args: "tuple[str, ...]", stdin_text: "str | None", raw: str) -> "set[str]":
    """The environment variables a request carries: `$NAME` in its words or the text it is fed, the
    names an expansion hid in the command as written (`${GITHUB_TOKEN:-x}`), curl's `--variable
    %NAME`, ssh's `-o SendEnv=NAME`."""
    names = {m.group(1) for a in args[:MAX_WORDS] if "$" in a for m in _ENV_REF.finditer(a)}
    if "${" in raw:
        names |= {m.group(1) for m in _ENV_REF.finditer(raw[:65536])}
    if stdin_text and "$" in stdin_text:
        names |= {m.group(1) for m in _ENV_REF.finditer(stdin_text[:65536])}
    if program == "curl":
        names |= {a[1:].split("=", 1)[0] for a in args if a.startswith("%")}
    if program == "ssh":
        names |= {a.split("=", 1)[1].strip() for a in args if a.lower().startswith("sendenv=")}
    return names


_PRINTERS = frozenset({"echo", "printf", "print", "printenv", "cat", "tee", "env"})
_AWK_ENVIRON = lazyre.compile(r"""ENVIRON\s*\[\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\]""")


def _heredoc_names(raw: str) -> "set[str]":
    """$NAMEs in a command's here-string or heredoc (a quoted heredoc delimiter keeps them literal)."""
    if "<<" not in raw or "$" not in raw:
        return set()
    tail = raw[raw.index("<<"):][:65536]
    if re.match(r"<<-?\s*(?:'[^']*'|\"[^\"]*\"|\\\w)", tail):
        return set()
    return {m.group(1) for m in _ENV_REF.finditer(tail)}


def fed_names(cmd: SimpleCommand, line: "Sequence[SimpleCommand]") -> "set[str]":
    """Variables printed into this command's input: by a stage piping into it (`echo "$NPM_TOKEN" |
    curl -d @- URL`, `printenv OPENAI_API_KEY | docker login … --password-stdin`, `cat <<< "$T" |`,
    code that prints one — `node -p process.env.T`, awk's `ENVIRON["T"]`) or by a here-string or
    heredoc of its own (`<<< "$TOKEN"`: the shell layer cannot know its value, the text names it)."""
    names = _heredoc_names(cmd.raw)
    if not cmd.upstream:
        return names
    for d in line[:256]:
        if d is cmd or cmd.program not in d.downstream:
            continue
        if d.program == "printenv":
            names |= {a for a in d.args if not a.startswith("-")}
        elif d.program in _PRINTERS:
            names |= {m.group(1) for m in _ENV_REF.finditer(d.raw[:65536])} | _heredoc_names(d.raw)
        elif language_of(d.program) is not None:
            code = d.raw[:65536]
            names |= {next(g for g in m.groups() if g) for m in _CODE_ENV.finditer(code)}
            names |= {m.group(1) for m in _AWK_ENVIRON.finditer(code)}
    return names


def command_sends_foreign(program: str, args: "tuple[str, ...]", stdin_text: "str | None",
                          raw: str = "", fed: "set[str] | frozenset[str]" = frozenset()) -> "tuple[str, str] | None":
    """(variable, host) when a network client's words (or the text it is fed) name a service's secret
    variable and the request goes to a host that is not that service's. `raw`, the command as
    written, adds the names an expansion hid (`${GITHUB_TOKEN:-x}` reads as `x` to the shell layer,
    which cannot know the variable is set)."""
    if program not in PROGRAMS:
        return None
    names = _request_names(program, args, stdin_text, raw) | set(fed)
    if not names or not any(service_domains(n) for n in names):
        return None
    return _foreign(names, command_hosts(program, args))


# how code reads an environment variable: os.environ['X'] / .get('X') / getenv("X") / process.env.X /
# process.env['X'] / ENV['X'] / ENV.fetch('X') / $ENV{X} / Deno.env.get('X') / System.getenv("X") / Sys.getenv
_CODE_ENV = lazyre.compile(
    r"""(?:environ(?:\.get)?\s*[\[(]\s*|getenv\s*\(\s*|ENV(?:\.fetch)?\s*[\[(]\s*|env\.get\s*\(\s*)['"]([A-Za-z_][A-Za-z0-9_]*)['"]"""
    r"""|process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"])"""
    r"""|\$ENV\{\s*['"]?([A-Za-z_][A-Za-z0-9_]*)""")
_CODE_URL = lazyre.compile(r"""['"`]((?:https?|wss?|ftp)://[^'"`\s]*)""", re.I)
_CODE_NET = lazyre.compile(r"urlopen|requests\.|httpx|urllib|fetch\s*\(|axios|http\.request|https\.request|Net::HTTP|"
                           r"open-uri|URI\.open|HTTParty|Faraday|LWP|HTTP::Tiny|curl|file_get_contents|fsockopen|"
                           r"socket|WebSocket|XMLHttpRequest|aiohttp|http\.client|HttpClient|Invoke-WebRequest", re.I)
MAX_CODE = 256 * 1024


def code_sends_foreign(code: str) -> "tuple[str, str] | None":
    """(variable, host) when code reads a service's secret variable and calls the network with a URL
    literal whose host is not that service's."""
    code = code[:MAX_CODE]
    if "env" not in code.lower():
        return None
    names = {next(g for g in m.groups() if g) for m in _CODE_ENV.finditer(code)}
    if not names or not any(service_domains(n) for n in names) or not _CODE_NET.search(code):
        return None
    hosts = [h for h in (_url_host(u) for u in _CODE_URL.findall(code)) if h]
    return _foreign(names, [h for h in hosts if h != DYNAMIC])


# CLIs that print a service's token (`gh auth token`, `gcloud auth print-access-token` …) → the
# variable prefix of that service in _SERVICES
TOKEN_PRINTERS = {"gh": "GITHUB_", "gcloud": "GOOGLE_", "az": "AZURE_", "aws": "AWS_", "heroku": "HEROKU_"}


def _domains_for_prefix(prefix: str) -> "tuple[str, ...]":
    return next((d for prefixes, d in _SERVICES if prefix in prefixes), ())


def token_stays_with_service(printer: SimpleCommand, line: "Sequence[SimpleCommand]") -> bool:
    """`curl -H "Authorization: token $(gh auth token)" https://api.github.com/…`: every network
    command the printed token feeds is a request to the token's own service (a client adr reads
    the host of, and hosts it can name). Anything else it feeds, or no such command: False."""
    prefix = TOKEN_PRINTERS.get(printer.program)
    domains = _domains_for_prefix(prefix) if prefix else ()
    if not domains or not printer.downstream:
        return False
    # (a variable set for one command, `GH_TOKEN=$(gh auth token) gh …`, feeds that command too)
    sinks = [d for d in line if d is not printer and (printer.program in d.upstream or any(
        printer.raw in e for e in d.env))]
    if not sinks:
        return False
    for d in sinks:
        if d.program == printer.program:
            if _authenticates_itself(d):
                continue  # `GITHUB_TOKEN=$(gh auth token) gh release list`: the CLI itself, at its own service
            return False  # the token as content the CLI sends (`gh issue create --body "$T"`, `| gh gist create -`)
        if printer.program not in d.upstream:
            return False  # a variable set for another command: what it does with it is not read here
        if d.program not in PROGRAMS:
            if d.program in printer.downstream:
                return False  # fed to a network client adr cannot read the host of
            continue  # (a filter on the way: base64, tr …)
        hosts = command_hosts(d.program, d.args)
        if not hosts or not all(h != DYNAMIC and host_of_service(h, domains) for h in hosts):
            return False
    return True


_ELSEWHERE_FLAGS = ("--hostname", "--host", "--server", "--address", "-address", "--url", "--endpoint", "--api-url")


def _elsewhere(cmd: SimpleCommand) -> bool:
    """The CLI is pointed at a host of the caller's choosing: a URL argument, a host/server/address
    option, or a `*_HOST` / `*_ADDR` / `*_URL` / `*_SERVER` variable set for it."""
    for a in cmd.args:
        if "://" in a or a.split("=", 1)[0] in _ELSEWHERE_FLAGS:
            return True
    return any(e.split("=", 1)[0].upper().endswith(("_HOST", "_ADDR", "_URL", "_SERVER", "_ENDPOINT"))
               for e in cmd.env)


def _authenticates_itself(cmd: SimpleCommand) -> bool:
    """The token reaches its own CLI as that CLI's credential — a variable set for the command, or
    `auth login --with-token` on stdin — and nothing points the CLI elsewhere. Fed in as content
    (`| gh gist create -`, `--body "$T"`) it is data the CLI publishes, not a login."""
    if _elsewhere(cmd):
        return False
    if cmd.args[:2] == ("auth", "login") and "--with-token" in cmd.args:
        return True
    return any("$" in e or "`" in e for e in cmd.env) and not cmd.piped and \
        not any("$" in a or "`" in a for a in cmd.args)


def only_own_services(program: str, args: "tuple[str, ...]", stdin_text: "str | None", raw: str = "") -> bool:
    """Every secret variable on this request names its service, and the request goes only to that
    service's hosts (`curl "https://maps.googleapis.com/…?key=$GOOGLE_MAPS_API_KEY"`): the token is
    used as it is meant to be, wherever in the request it sits."""
    if program not in PROGRAMS:
        return False
    names = _request_names(program, args, stdin_text, raw)
    secret = [n for n in names if _SECRET_NAME.search(n.upper()) and not _NOT_SECRET.search(n.upper())]
    if not secret or any(service_domains(n) is None for n in secret):
        return False
    hosts = command_hosts(program, args)
    return bool(hosts) and _foreign(set(secret), hosts) is None

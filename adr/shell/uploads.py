"""Which local files a command sends off the machine, whatever client it uses.

`curl -d @f`, `--data-binary @f`, `--data-urlencode n@f`, `-F x=@f`, `-T f`, `wget --post-file f`,
httpie/xh request items (`@f`, `x@f`, `x=@f`, `x:=@f`), scp/rsync/sftp/rclone sources copied to a
remote, cloud storage copies (`aws s3 cp f s3://…`, `gsutil cp`, `az storage blob upload -f`),
`gh gist create f`, mail attachments, file-drop tools (`croc send f`, `wormhole send f`), the folder a
file server exposes (adr/shell/serves.py) …

Pure: argv in, paths as written out (the engine normalizes them). Stdin redirects (`nc h p < f`)
are the subject's `reads`, not listed here.
"""
from __future__ import annotations

import re

from adr import lazyre
from adr.shell.filesends import FORMS, table_files
from adr.shell.netprogs import CONTAINER_COPIERS, HTTPIE, UPLOADERS
from adr.shell.serves import BUSYBOX_HTTPD, FILE_SERVERS, SERVER_FORMS, served_folders
from adr.shell.words import positionals

MAX_UPLOADS = 32
_REMOTE = lazyre.compile(r"^(?:[A-Za-z0-9._%+-]+@)?(?:[A-Za-z0-9._-]+|\[[0-9a-fA-F:.]+\]):(?!//)|^[a-z][a-z0-9+.-]*://")
_RCLONE_REMOTE = lazyre.compile(r"^[A-Za-z0-9_. -]+:")
_CURL_DATA = frozenset({"-d", "--data", "--data-binary", "--data-ascii", "--data-urlencode", "--json"})
_CURL_FORM = frozenset({"-F", "--form"})
_CURL_UPLOAD = frozenset({"-T", "--upload-file"})
# `-H @file` sends the file's lines as headers; `--variable name@file` loads a file for {{name}}
_CURL_HEADER = frozenset({"-H", "--header", "--proxy-header"})
_CURL_VARIABLE = frozenset({"--variable"})
# curl's short options that take a value (so `-sd @f` and `-XPOST` split correctly)
CURL_SHORT_VALUED = frozenset("AbcCdDeEFHiKmoOPQrtTuUwxXYyz")
_HTTPIE = HTTPIE


def _curl(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        opt, val = a, None
        if a.startswith("--") and "=" in a:
            opt, val = a.split("=", 1)
        elif a.startswith("-") and not a.startswith("--") and len(a) > 2:
            # -sd@f, -sSd @f, -Tfile: the first valued letter takes the rest (or the next word)
            for k, ch in enumerate(a[1:], 1):
                if ch in CURL_SHORT_VALUED:
                    opt = "-" + ch
                    val = a[k + 1:] or None
                    break
        if opt in _CURL_DATA | _CURL_FORM | _CURL_UPLOAD | _CURL_HEADER | _CURL_VARIABLE:
            if val is None:
                val = nxt
                i += 1
            if val is not None:
                out += _curl_value(opt, val)
        i += 1
    return out


def _curl_value(opt: str, val: str) -> list[str]:
    if opt in _CURL_UPLOAD:
        return [val] if val not in ("-", ".") else []
    if opt in _CURL_FORM:
        # name=@file;type=…  name=<file
        m = re.match(r"^[^=]*=([@<])([^;]+)", val)
        return [m.group(2)] if m else []
    if opt in _CURL_HEADER:
        return [val[1:]] if val.startswith("@") and val != "@-" else []
    if opt in _CURL_VARIABLE:
        # name@file, name@-: a file; %NAME (an environment variable) and name=value are not
        m = re.match(r"^[A-Za-z0-9_]+(?:\[[0-9-]+\])?@(.+)$", val)
        return [m.group(1)] if m and m.group(1) != "-" else []
    if opt == "--data-urlencode":
        m = re.match(r"^[^=@]*@(.+)$", val)
        return [m.group(1)] if m and m.group(1) != "-" else []
    if val.startswith("@") and val != "@-":
        return [val[1:]]
    return []


def _wget(args: list[str]) -> list[str]:
    out: list[str] = []
    for i, a in enumerate(args):
        for opt in ("--post-file", "--body-file", "--put-file"):
            if a == opt and i + 1 < len(args):
                out.append(args[i + 1])
            elif a.startswith(opt + "="):
                out.append(a.split("=", 1)[1])
    return out


def _httpie(args: list[str]) -> list[str]:
    out: list[str] = []
    for a in args:
        if a.startswith("-"):
            continue
        if a.startswith("@") and len(a) > 1:
            out.append(a[1:])  # raw request body from a file
            continue
        m = re.match(r"^[^=:@]+(?::=@|=@|@)(.+)$", a)
        if m and "://" not in a:
            out.append(m.group(1))
    return out


def _copy_to_remote(args: list[str], valued: frozenset[str], remote: "re.Pattern[str]" = _REMOTE) -> list[str]:
    pos = positionals(args, valued)
    if len(pos) >= 2 and remote.match(pos[-1]):
        return [p for p in pos[:-1] if not remote.match(p)]
    return []


_SCP_VALUED = frozenset({"-c", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-X", "-D"})
_RSYNC_VALUED = frozenset({"-e", "--rsh", "-f", "--filter", "--exclude", "--include", "--files-from", "-T",
                           "--temp-dir", "--password-file", "--rsync-path", "-B", "--block-size", "--log-file",
                           "--chmod", "--chown", "--port", "--bwlimit", "--timeout", "--exclude-from",
                           "--include-from", "--compare-dest", "--copy-dest", "--link-dest", "--partial-dir"})
_RCLONE_VALUED = frozenset({"--config", "--transfers", "--checkers", "--bwlimit", "--include", "--exclude",
                            "--filter", "--log-file", "--max-age", "--min-age", "--max-size", "--min-size", "-v"})


_CONTAINER_CP = CONTAINER_COPIERS
_CP_VALUED = frozenset({"-c", "--container", "-n", "--namespace", "--context", "--kubeconfig", "--retries", "-H", "--host",
                        "--cluster", "--user", "-s", "--server", "--config", "-l", "--log-level"})
_UPLOADERS = UPLOADERS
_MAILERS = frozenset({"mail", "mailx", "mutt", "neomutt", "s-nail", "nail", "heirloom-mailx", "bsd-mailx", "mail.mailutils"})
# options before or between aws / gsutil / s3cmd operands that take a value (`--endpoint-url URL`, `-c CFG`)
_AWS_VALUED = frozenset({"--endpoint-url", "--profile", "--region", "--output", "--query", "--ca-bundle", "--color",
                         "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format", "--storage-class", "--acl",
                         "--sse", "--content-type", "--cache-control", "--metadata", "--expected-size", "--exclude",
                         "--include", "--grants", "--sse-kms-key-id", "--source-region", "--page-size"})
_GS_VALUED = frozenset({"-c", "--config", "-o", "-h", "-p", "-u", "-z", "-j", "-x", "--mime-type", "--project",
                        "--access-key", "--secret-key", "--host", "--host-bucket", "--storage-class", "--exclude",
                        "--include", "--acl-grant", "--add-header", "--encoding", "--region", "--configuration",
                        "--account", "--impersonate-service-account"})
_SOCAT_FILE = lazyre.compile(r"^(?i:open|file|gopen|create):([^,]+)")
# (a listener sends the file to whoever connects: `socat TCP-LISTEN:8000,fork FILE:~/.ssh/id_rsa`)
_SOCAT_NET = lazyre.compile(r"^(?i:(?:tcp|udp|udplite|sctp|dccp)[46]?(?:-connect|-sendto|-datagram|-listen|-l|-recvfrom)?|"
                            r"ssl(?:-l)?|openssl(?:-connect|-listen)?|"
                            r"socks[45]a?(?:-connect)?|proxy(?:-connect)?|vsock-connect|ip[46]?-sendto|ip[46]?-datagram):")


_PUT = lazyre.compile(r"(?:^|[;\n])\s*(?:m?put|append|reput|mput)\s+(?:-\S+\s+)*(\"[^\"]+\"|'[^']+'|[^\s;]+)", re.M)
# the interactive file-transfer clients that read their commands from stdin or a -c/-e script
_SCRIPTED = frozenset({"ftp", "sftp", "lftp", "tftp", "smbclient", "ncftp", "pftp", "ncftpput", "busybox-ftp"})


def _put_files(script: str) -> list[str]:
    return [m.group(1).strip("'\"") for m in _PUT.finditer(script)]


_GH_TEXT_FILE = ("--body-file", "--notes-file", "--template-file")


def _gh_text_file(a: str, nxt: "str | None") -> "list[str]":
    for opt in _GH_TEXT_FILE:
        if a == opt and nxt is not None and nxt != "-":
            return [nxt]
        if a.startswith(opt + "=") and a[len(opt) + 1:] not in ("", "-"):
            return [a[len(opt) + 1:]]
    if a == "-F" and nxt is not None and nxt != "-" and "=" not in nxt:
        return [nxt]  # (`gh api -F k=@f` is read above; `-F FILE` is issue/pr/release's --body-file)
    return []


# secret managers that store a file's content: the subcommand, and the options that name the file
_STORE_FORMS = {"gcloud": (("secrets create", "secrets versions add"), ("--data-file",)),
                "az": (("keyvault secret set", "keyvault certificate import"), ("--file", "-f")),
                "doppler": (("secrets upload",), ()),
                "vault": (("kv put", "kv patch", "kv-v2 put", "write"), ())}


def _stored_files(prog: str, args: "list[str]") -> list[str]:
    """The files whose content `prog args` stores in a secret manager (`gcloud secrets create x
    --data-file F`, `vault kv put p k=@F`, `doppler secrets upload F`)."""
    subs, opts = _STORE_FORMS[prog]
    pos = [a for a in args if not a.startswith("-")]
    if not any(pos[:len(sub.split())] == sub.split() for sub in subs):
        return []
    out = [v for i, a in enumerate(args) for v in ([args[i + 1]] if a in opts and i + 1 < len(args) else
                                                    [a.split("=", 1)[1]] if a.split("=", 1)[0] in opts and "=" in a
                                                    else [])]
    if prog == "vault":
        out += [a.split("=@", 1)[1] for a in pos if "=@" in a]  # k=@FILE (k=- reads stdin)
    elif prog == "doppler":
        out += pos[2:3]
    return [p for p in out if p and not p.startswith("file://")] + [p[7:] for p in out if p.startswith("file://")]


def uploaded_files(prog: str, args: "tuple[str, ...] | list[str]", stdin: "str | None" = None) -> tuple[str, ...]:
    """Local files `prog args` uploads (as written; "" entries and stdin markers left out). `stdin`:
    the literal text fed to it (`ftp h <<< 'put .env'`)."""
    if prog not in _UPLOADERS and prog not in _CONTAINER_CP:
        if prog in FILE_SERVERS or prog in SERVER_FORMS or prog == BUSYBOX_HTTPD:
            return served_folders(prog, args)  # the folder a file server exposes
        if prog in _STORE_FORMS:
            return tuple(dict.fromkeys(_stored_files(prog, list(args))))[:MAX_UPLOADS]
        return ()  # most commands
    args = list(args)
    out: list[str] = []
    if stdin and prog in _SCRIPTED:
        out += _put_files(stdin)
    if prog == "curl":
        out = _curl(args)
    elif prog == "curlie":
        out = _curl(args) + _httpie(args)  # curl's options with httpie's request items
    elif prog in ("wget", "wget2"):
        out = _wget(args)
    elif prog in _HTTPIE:
        out = _httpie(args)
    elif prog in ("scp", "sftp"):
        out += _copy_to_remote(args, _SCP_VALUED)  # (sftp: with the `put`s of its batch on stdin, above)
    elif prog == "rsync":
        out = _copy_to_remote(args, _RSYNC_VALUED)
    elif prog == "rclone":
        if args and args[0] in ("copy", "copyto", "sync", "move", "moveto", "bisync"):
            out = _copy_to_remote(args[1:], _RCLONE_VALUED, _RCLONE_REMOTE)
    elif prog in ("aws", "awslocal"):
        pos = positionals(args, _AWS_VALUED)
        if len(pos) >= 4 and pos[0] == "s3" and pos[1] in ("cp", "mv", "sync") and pos[3].startswith("s3://") \
                and not pos[2].startswith("s3://"):
            out = [pos[2]]
        # any parameter loaded from a file goes to AWS with the call (`sqs send-message --message-body
        # file://~/.ssh/id_rsa`, `--cli-input-json file://x`)
        out += [v.split("://", 1)[1] for a in args for v in [a.split("=", 1)[1] if a.startswith("--") and "=" in a else a]
                if v.startswith(("file://", "fileb://")) and len(v) > 7][:8]
    elif prog in ("gsutil", "s3cmd", "gcloud"):
        pos = positionals(args, _GS_VALUED)
        if prog == "gcloud" and pos[:1] in (["alpha"], ["beta"]):
            pos = pos[1:]
        if prog == "gcloud" and pos[:1] == ["storage"]:
            pos = pos[1:]
        if len(pos) >= 3 and pos[0] in ("cp", "mv", "rsync", "put", "sync") and re.match(r"^(gs|s3)://", pos[-1]):
            out = [p for p in pos[1:-1] if not re.match(r"^(gs|s3)://", p)]
    elif prog == "az":
        for i, a in enumerate(args):
            if a in ("-f", "--file", "--source", "-s") and i + 1 < len(args) and "storage" in args:
                out.append(args[i + 1])
    elif prog == "gh":
        pos = [a for a in args if not a.startswith("-")]
        if pos[:2] == ["gist", "create"] or pos[:2] == ["gist", "edit"]:
            out = pos[2:] if pos[1] == "create" else pos[3:]
        elif pos[:2] == ["release", "upload"]:
            out = pos[3:]
        elif pos[:1] == ["api"]:
            out = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--input"]
            out += [m.group(1) for a in args if (m := re.match(r"^[^=]+=@(.+)$", a))]
        # issue/PR/release/discussion text read from a file: `gh issue create --body-file F`, `-F F`
        out += [v for i, a in enumerate(args) for v in _gh_text_file(a, args[i + 1] if i + 1 < len(args) else None)]
    elif prog == "gist":
        out = [a for a in args if not a.startswith("-")]
    elif prog in _MAILERS:
        out = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-a", "-A", "--attach")]
    elif prog in ("croc", "wormhole", "magic-wormhole", "ffsend", "gdrive", "dropbox_uploader", "dropbox_uploader.sh"):
        pos = [a for a in args if not a.startswith("-")]
        if pos[:1] in (["send"], ["upload"], ["put"]):
            out = pos[1:] if prog != "dropbox_uploader" else pos[1:2]
    elif prog == "qrcp":  # qrcp [send] F…: served to whoever scans the code (`receive` fetches)
        pos = positionals(args, frozenset({"-i", "--interface", "-p", "--port", "-c", "--config", "--fqdn", "-d",
                                           "--output", "--tls-cert", "--tls-key", "--bind"}))
        out = pos[1:] if pos[:1] == ["send"] else [] if pos[:1] and pos[0] in (
            "receive", "config", "version", "completion", "help") else pos
    elif prog == "transfer":  # the transfer.sh helper: `transfer F` uploads F
        out = [a for a in args if not a.startswith("-")]
    elif prog == "tailscale":  # tailscale file cp F… HOST: (Taildrop to another device)
        pos = [a for a in args if not a.startswith("-")]
        if pos[:2] == ["file", "cp"]:
            out = pos[2:-1]
    elif prog in ("kdeconnect-cli", "kdeconnect"):  # --share F: the file goes to the paired device
        out = [v for i, a in enumerate(args) for v in ([args[i + 1]] if a == "--share" and i + 1 < len(args)
                                                        else [a[8:]] if a.startswith("--share=") else [])]
    elif prog in _SCRIPTED:
        for i, a in enumerate(args):
            if a in ("-c", "-e") and i + 1 < len(args):
                # tftp -c put FILE: the rest of the line is the command
                out += _put_files(" ".join(args[i + 1:]) if prog == "tftp" else args[i + 1])
        if prog == "tftp" and ("-p" in args or "--put" in args):
            # busybox tftp -p -l LOCAL [-r REMOTE] HOST
            for i, a in enumerate(args[:64]):
                if a in ("-l", "--local") and i + 1 < len(args):
                    out.append(args[i + 1])
                elif a.startswith("-l") and len(a) > 2:
                    out.append(a[2:])
    elif prog in _CONTAINER_CP:
        # kubectl cp LOCAL POD:PATH, docker/podman cp LOCAL CONTAINER:PATH: into a container or a cluster
        pos = positionals(args, _CP_VALUED)
        if pos[:1] == ["cp"] and len(pos) == 3 and ":" in pos[2] and ":" not in pos[1]:
            out = [pos[1]]
    elif prog == "git":
        # into an object that a push publishes: tag/notes/commit messages from a file; mailed patches
        tree, k = ".", 0
        while k < len(args) and args[k].startswith("-"):  # git's own options before the subcommand
            a = args[k]
            if a in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") and k + 1 < len(args):
                tree = args[k + 1] if a == "-C" or a == "--work-tree" else tree
                k += 2
                continue
            tree = a.split("=", 1)[1] if a.startswith("--work-tree=") else tree
            k += 1
        sub = next((a for a in args[k:] if not a.startswith("-")), "")
        if sub == "push":
            # the work tree whose commits leave (`cd ~/.ssh && git init && … && git push URL`): a credential
            # folder made a repository and pushed is its files uploaded
            out = [tree]
        elif sub in ("tag", "notes", "commit"):
            out = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-F", "--file")]
            out += [a.split("=", 1)[1] for a in args if a.startswith("--file=")]
        elif sub == "send-email":
            out = [a for a in args[args.index(sub) + 1:] if not a.startswith("-")]
    elif prog == "swaks":
        for i, a in enumerate(args[:-1]):
            if a in ("--attach", "--attach-body", "--body", "--data") and args[i + 1].startswith("@"):
                out.append(args[i + 1][1:])
            elif a == "--attach" and not args[i + 1].startswith("-"):
                out.append(args[i + 1])
    elif prog == "ftpput":
        pos = [a for a in args if not a.startswith("-")]
        out = pos[1:][-1:] if len(pos) >= 2 else []  # ftpput HOST [REMOTE] LOCAL
    elif prog == "logger":
        if any(a in ("-n", "--server") or a.startswith("--server=") for a in args):
            out = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-f", "--file")]
    elif prog == "ipfs":
        pos = [a for a in args if not a.startswith("-")]
        out = pos[1:] if pos[:1] == ["add"] else []
    elif prog in ("dig", "hping3"):
        flag = "-f" if prog == "dig" else "-E"
        out = [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]
    elif prog == "socat":
        # socat OPEN:F TCP:host:port — a file address joined to a network one
        if any(_SOCAT_NET.match(a) for a in args):
            out = [m.group(1) for a in args if (m := _SOCAT_FILE.match(a))]
    # (a secret stored in a secret manager or a cluster — kubectl create secret --from-file, gcloud secrets
    # --data-file, vault kv put k=@F, az keyvault secret set --file — is listed, and judged apart by the
    # rules: that is how those are filled, but the store may not be the user's, `--project evil`)
    if prog in _STORE_FORMS:
        out += _stored_files(prog, args)
    if prog in ("aws", "awslocal"):
        out += [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--body" and "put-object" in args]
    elif prog == "gcloud":
        pos = [a for a in args if not a.startswith("-")]
        if pos[:2] == ["compute", "scp"] and len(pos) >= 4 and ":" in pos[-1]:
            out += [p for p in pos[2:-1] if ":" not in p]
    elif prog == "gh":
        pos = [a for a in args if not a.startswith("-")]
        if pos[:2] in (["ssh-key", "add"], ["gpg-key", "add"]):
            out += pos[2:3]
    elif prog == "curl":
        out += [a[1:] for i, a in enumerate(args) if i and args[i - 1] == "--url-query" and a.startswith("@")]
        out += [v.split("@", 1)[1] for i, a in enumerate(args) if i and args[i - 1] == "--url-query"
                for v in (a,) if "@" in v and not v.startswith("@") and re.match(r"^[\w.-]+@", v)]
    if prog in ("kubectl", "oc") and ("create" in args[:4] or "set" in args[:4]):  # (a store: see above)
        # `kubectl create secret generic x --from-file=~/.ssh/id_rsa`, `create configmap c --from-env-file=.env`:
        # the file's content is stored in the cluster, readable by whoever reads its secrets
        for i, a in enumerate(args):
            if a in ("--from-file", "--from-env-file") and i + 1 < len(args):
                out.append(args[i + 1].split("=", 1)[-1])
            elif a.startswith(("--from-file=", "--from-env-file=")):
                out.append(a.split("=", 1)[1].split("=", 1)[-1])  # (`--from-file=key=PATH`)
    if prog in FORMS or prog in ("kcat", "kafkacat"):
        out += table_files(prog, args)
    out = [p for p in out if p and p not in ("-", "/dev/stdin")]
    return tuple(dict.fromkeys(out))[:MAX_UPLOADS]


_CURL_CONFIG_LINE = lazyre.compile(r"""^\s*(-{0,2}[A-Za-z][\w-]*)\s*(?:[=:]\s*|\s+|$)(.*?)\s*$""")


def curl_config_files(args: "tuple[str, ...] | list[str]") -> "list[str]":
    """The files `curl -K FILE` / `--config FILE` reads its options from ("-" is stdin: left out)."""
    out: list[str] = []
    for i, a in enumerate(args):
        if a in ("-K", "--config") and i + 1 < len(args):
            out.append(args[i + 1])
        elif a.startswith("--config="):
            out.append(a.split("=", 1)[1])
        elif a.startswith("-K") and len(a) > 2:
            out.append(a[2:])
    return [f for f in out if f and f != "-"][:4]


def curl_config_args(text: str) -> "list[str]":
    """A curl config file's options as argv words (`upload-file = .env` → `--upload-file .env`,
    `url = "https://x"` → `--url https://x`); comments and blank lines skipped, quoted values
    unescaped. Bounded: the first 256 options."""
    out: list[str] = []
    for line in text.splitlines()[:1024]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _CURL_CONFIG_LINE.match(line)
        if not m:
            continue
        name, value = m.group(1), m.group(2)
        opt = name if name.startswith("-") else ("--" + name if len(name) > 1 else "-" + name)
        out.append(opt)
        if value:
            if value[:1] == '"' and value.endswith('"') and len(value) >= 2:
                value = re.sub(r'\\(.)', lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), value[1:-1])
            out.append(value)
        if len(out) >= 512:
            break
    return out

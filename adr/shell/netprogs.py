"""Programs that put bytes on the network, grouped by how they take them — the one place every such
list lives: the shell layer (what a line sends), the SQL reader (raw clients fed statements), the
daemon's cross-call memory, and the rule packs, which read the union as the list `$net_programs`
(rules/credentials.yaml's `credentials_net_sinks` builds on it). A program added here is then a
sink for every rule and reader at once, instead of for the one list somebody remembered.
"""
from __future__ import annotations

# what they read on stdin goes over the network (a `< F` redirect is F sent)
STDIN_SENDERS = frozenset({"nc", "ncat", "netcat", "socat", "telnet", "openssl", "curl", "wget", "http", "https", "xh",
                           "ssh", "mail", "mailx", "sendmail", "mutt", "websocat", "wscat", "wsta", "gh", "aws", "gsutil",
                           "rclone"})
HTTPIE = frozenset({"http", "https", "httpie", "xh", "xhs"})  # `@file` / `field@file` arguments are uploads
# arguments name local files they send (`curl -T f`, `scp f host:`, `gh gist create f`, `logger -n host -f f`)
UPLOADERS = frozenset({"curl", "wget", "wget2", "scp", "sftp", "rsync", "rclone", "aws", "awslocal", "gsutil", "s3cmd",
                       "gcloud", "az", "gh", "gist", "mail", "mailx", "mutt", "neomutt", "s-nail", "croc", "wormhole",
                       "magic-wormhole", "ffsend", "gdrive", "dropbox_uploader", "dropbox_uploader.sh", "smbclient",
                       "lftp", "tftp", "ftp", "ncftp", "ncftpput", "pftp", "git", "swaks", "ftpput",
                       "logger", "ipfs", "dig", "hping3", "socat"}) | HTTPIE
# raw TCP clients: a text protocol (Redis, memcached, SMTP) takes what they are fed as commands
RAW_CLIENTS = frozenset({"nc", "ncat", "netcat", "nc.openbsd", "nc.traditional", "socat", "telnet", "pwncat",
                         "curl", "gnutls-cli", "websocat", "openssl"})
# fetch a URL named on the line, `file://` ones included (a local file read and printed)
URL_READERS = frozenset({"curl", "curlie", "wget", "wget2", "aria2c", "lwp-download", "lwp-request", "GET"})
# send only in some of their forms, which the shell layer reads (git push to a remote, logger -n HOST):
# not a sink merely for being downstream of a secret
_SOME_FORMS = frozenset({"git", "logger"})
# every program above that sends whatever reaches it: the rule packs' `$net_programs`
NET_PROGRAMS = (STDIN_SENDERS | UPLOADERS | RAW_CLIENTS | URL_READERS) - _SOME_FORMS

LISTS = {"net_programs": sorted(NET_PROGRAMS)}  # handed to every pack load (adr.engine.rules.load_packs)

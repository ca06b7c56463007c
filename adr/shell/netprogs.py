"""Programs that put bytes on the network, grouped by how they take them — the one place every such
list lives: the shell layer (what a line sends), the SQL reader (raw clients fed statements), the
daemon's cross-call memory, and the rule packs, which read the union as the list `$net_programs`
(rules/credentials.yaml's `credentials_net_sinks` builds on it) and the uploaders as `$uploaders`.
A program added here is then a sink for every rule and reader at once, instead of for the one list
somebody remembered.
"""
from __future__ import annotations

from adr import lazyre
from adr.shell.serves import FILE_SERVERS, SERVER_FORMS

# paste services, chat and notification CLIs, mail transfer agents: what they are fed is the message
_PASTE = frozenset({"pastebinit", "wgetpaste", "fpaste", "haste", "hastebin", "gist-paste", "termbin", "pbcli"})
_CHAT = frozenset({"slack-cli", "slack", "slackcat", "ntfy", "apprise", "telegram-send", "matrix-commander", "signal-cli",
                   "zulip-send", "discord-cli"})
_MAIL = frozenset({"mail", "mailx", "sendmail", "mutt", "neomutt", "s-nail", "nail", "heirloom-mailx", "bsd-mailx",
                   "mail.mailutils", "msmtp", "ssmtp", "esmtp", "sendemail", "sendEmail", "mpack", "exim", "exim4",
                   "postfix-sendmail"})
# what they read on stdin goes over the network (a `< F` redirect is F sent)
STDIN_SENDERS = frozenset({"nc", "ncat", "netcat", "cryptcat", "socat", "telnet", "openssl", "curl", "curlie", "wget",
                           "http", "https", "xh", "ssh", "websocat", "wscat", "wsta", "gh", "glab", "aws", "gsutil",
                           "rclone", "lwp-request", "POST", "lynx", "mosquitto_pub", "kcat", "kafkacat", "nats",
                           "grpcurl", "transfer"}) | _PASTE | _CHAT | _MAIL
HTTPIE = frozenset({"http", "https", "httpie", "xh", "xhs", "curlie"})  # `@file` / `field@file` arguments are uploads
# publishers whose arguments can name a file or folder they put in a public place (a package, a release,
# an image layer, a model hub): sinks only in that form, read by adr/shell/uploads.py
PUBLISHERS = frozenset({"oras", "twine", "gem", "kaggle", "huggingface-cli", "hf", "jfrog", "jf", "npm", "pnpm",
                        "anaconda"})
# arguments name local files they send (`curl -T f`, `scp f host:`, `gh gist create f`, `logger -n host -f f`)
UPLOADERS = frozenset({"curl", "wget", "wget2", "scp", "pscp", "sftp", "rsync", "rclone", "aws", "awslocal", "gsutil",
                       "s3cmd", "s5cmd", "gcloud", "az", "azcopy", "b2", "mc", "mcli", "oci", "uplink", "supabase",
                       "wrangler", "megaput", "mega-put", "gh", "glab", "tea", "hub", "gist", "croc", "wormhole",
                       "magic-wormhole", "ffsend", "gdrive", "dropbox_uploader", "dropbox_uploader.sh", "smbclient",
                       "lftp", "tftp", "ftp", "ncftp", "ncftpput", "pftp", "git", "swaks", "ftpput", "logger", "ipfs",
                       "dig", "hping3", "socat", "w3m", "mosquitto_pub", "kcat", "kafkacat", "tailscale",
                       "kdeconnect-cli", "kdeconnect", "qrcp", "transfer"}) \
    | HTTPIE | _PASTE | _CHAT | _MAIL | PUBLISHERS
# raw TCP clients: a text protocol (Redis, memcached, SMTP) takes what they are fed as commands
RAW_CLIENTS = frozenset({"nc", "ncat", "netcat", "nc.openbsd", "nc.traditional", "cryptcat", "socat", "telnet", "pwncat",
                         "curl", "gnutls-cli", "websocat", "openssl"})
# fetch a URL named on the line, `file://` ones included (a local file read and printed)
URL_READERS = frozenset({"curl", "curlie", "wget", "wget2", "aria2c", "lwp-download", "lwp-request", "GET", "HEAD",
                         "lynx", "w3m", "links", "links2", "elinks"})
# send what their arguments spell — a URL a browser or an opener loads, a probe's payload: a secret in
# `"https://x/?k=$(base64 .env)"` leaves with the request whoever makes it
ARG_SENDERS = frozenset({"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "firefox",
                         "firefox-esr", "brave-browser", "microsoft-edge", "opera", "vivaldi", "epiphany", "qutebrowser",
                         "surf", "midori", "falkon", "safari", "xdg-open", "open", "gio", "sensible-browser",
                         "x-www-browser", "www-browser", "kde-open", "kde-open5", "gnome-open", "gvfs-open",
                         "webbrowser", "wkhtmltopdf", "wkhtmltoimage", "phantomjs", "nping", "finger", "snmptrap",
                         "ntpdate", "sntp"})
# send only in some of their forms, which the shell layer reads (git push to a remote, logger -n HOST, a
# package published): not a sink merely for being downstream of a secret
SOME_FORMS = frozenset({"git", "logger"}) | PUBLISHERS
# every program above that sends whatever reaches it: the rule packs' `$net_programs`
NET_PROGRAMS = (STDIN_SENDERS | UPLOADERS | RAW_CLIENTS | URL_READERS | ARG_SENDERS) - SOME_FORMS
# interpreter code that talks to the network (urllib, requests, fetch(), Net::HTTP, LWP, file_get_contents(URL) …)
NET_CODE = lazyre.compile(
    r"\b(?:urllib|urlopen|requests\.|httpx|http\.client|aiohttp|socket\.|smtplib|ftplib|paramiko|fetch\s*\(|"
    r"XMLHttpRequest|https?\.(?:get|request)|net\.(?:connect|createConnection)|dns\.|WebSocket|axios|"
    r"Net::HTTP|open-uri|URI\.open|LWP::|IO::Socket|HTTP::Tiny|file_get_contents\s*\(\s*['\"]https?|curl_exec|"
    r"Invoke-WebRequest|Invoke-RestMethod|System\.Net)")
# programs that copy a local file into a container or a cluster (`kubectl cp F pod:/x`)
CONTAINER_COPIERS = frozenset({"kubectl", "oc", "docker", "podman", "nerdctl"})

LISTS = {"net_programs": sorted(NET_PROGRAMS),  # handed to every pack load (adr.engine.rules.load_packs)
         # (file servers send the folder they serve, adr/shell/serves.py: uploaders, not sinks of a pipe)
         "uploaders": sorted(UPLOADERS | CONTAINER_COPIERS | FILE_SERVERS | SERVER_FORMS),
         "publishers": sorted(PUBLISHERS),
         # the programs that are file servers, and those that are in one of their forms (`php -S`)
         "file_servers": sorted(FILE_SERVERS), "file_server_forms": sorted(SERVER_FORMS)}

"""The long tail of clients that send a local file named on their command line — paste services, chat
and notification CLIs, mail tools, object stores, registries and model hubs — as data: one table
entry per form instead of one branch per program (adr/shell/uploads.py keeps the clients whose
syntax needs code: curl, wget, scp, aws …).

An entry says which subcommand selects the form, which options name a file that is sent, and which
positional operands are files sent (a slice of those after the subcommand), so `b2 upload-file
BUCKET LOCAL NAME` and `glab release upload TAG F…` are each one line below.
"""
from __future__ import annotations

from dataclasses import dataclass

from adr.shell.words import positionals


@dataclass(frozen=True)
class Form:
    """One way a program sends files: `verbs` (leading operands that select it), `opts` (options whose
    value is a file sent), `files` (the slice of the operands after the verbs that are files sent;
    None: none), `valued` (options that take a value, so operands are counted right), `dest` (the last
    operand must name a remote place: `scheme://` or, with "alias", any name not local-looking) and
    `cut` (a file operand ends at this character: `oras push R F:media/type`), `default` (the operand when
    none is given: `npm publish` publishes the working directory)."""
    verbs: tuple[str, ...] = ()
    opts: frozenset[str] = frozenset()
    files: "tuple[int, int | None] | None" = None
    valued: frozenset[str] = frozenset()
    dest: str = ""
    cut: str = ""
    default: str = ""


def _f(*opts: str) -> frozenset[str]:
    return frozenset(opts)


_ALL = (0, None)
_BUT_LAST = (0, -1)
_PASTE_VALUED = _f("-a", "-b", "-f", "-t", "-u", "-p", "-P", "-s", "-l", "-d", "-n", "-e", "-x", "-c", "--lang",
                   "--title", "--expire", "--service", "--language", "--description", "--nick", "--expiration",
                   "--channel", "--channels", "--filename", "--filetype", "--comment", "--token", "--server")
_MC_VALUED = _f("--config-dir", "-C", "--attr", "--storage-class", "--tags", "--encrypt-key", "--limit-upload",
                "--older-than", "--newer-than", "--rewind")
_CLOUD_VALUED = _f("--endpoint-url", "--profile", "--credentials-file", "--numworkers", "--region", "--log",
                   "--concurrency", "--part-size", "--cache-control", "--content-type", "--storage-class", "--config",
                   "--access-grant", "--threads", "--info", "--name", "--content-disposition")

FORMS: dict[str, tuple[Form, ...]] = {
    # paste services: files named are pasted (`pastebinit -i F` too)
    "pastebinit": (Form(opts=_f("-i", "--input"), files=_ALL, valued=_PASTE_VALUED),),
    "wgetpaste": (Form(files=_ALL, valued=_PASTE_VALUED),),
    "fpaste": (Form(files=_ALL, valued=_PASTE_VALUED),),
    "haste": (Form(files=_ALL),),
    "hastebin": (Form(files=_ALL),),
    "gist-paste": (Form(files=_ALL, valued=_PASTE_VALUED),),
    "pbcli": (Form(files=_ALL),),
    # chat and notification CLIs: attachments and uploaded files
    "slack-cli": (Form(opts=_f("-f", "--file"), valued=_PASTE_VALUED),),
    "slackcat": (Form(files=_ALL, valued=_PASTE_VALUED),),
    "slack": (Form(verbs=("file", "upload"), opts=_f("--file", "-f"), files=(0, 1), valued=_PASTE_VALUED),),
    "ntfy": tuple(Form(verbs=(v,), opts=_f("--file", "-f")) for v in ("publish", "pub", "send", "trigger")),
    "apprise": (Form(opts=_f("--attach", "-a")),),
    "telegram-send": (Form(opts=_f("--file", "-f", "--image", "-i", "--video", "--audio", "--animation")),),
    "matrix-commander": (Form(opts=_f("--file", "-f", "--image", "-i", "--audio", "-a")),),
    "signal-cli": (Form(opts=_f("--attachment", "-a")),),
    # mail tools not spelled like mail(1): attachments, and mpack's file operand
    "sendemail": (Form(opts=_f("-a")),),
    "sendEmail": (Form(opts=_f("-a")),),
    "mpack": (Form(files=(0, 1), valued=_f("-s", "-d", "-c", "-m", "-o")),),
    # object stores and file hosts
    "azcopy": tuple(Form(verbs=(v,), files=_BUT_LAST, dest="://", valued=_f("--include-pattern", "--exclude-pattern",
                                                                              "--log-level", "--from-to"))
                    for v in ("copy", "cp", "sync")),
    "b2": (Form(verbs=("upload-file",), files=(1, 2), valued=_f("--contentType", "--info", "--sha1", "--threads")),
           Form(verbs=("file", "upload"), files=(1, 2), valued=_f("--content-type", "--info", "--sha1", "--threads")),
           Form(verbs=("sync",), files=_BUT_LAST, dest="://", valued=_f("--threads", "--exclude-regex"))),
    "mc": tuple(Form(verbs=(v,), files=_BUT_LAST, dest="alias", valued=_MC_VALUED) for v in ("cp", "mirror", "mv", "put")),
    "mcli": tuple(Form(verbs=(v,), files=_BUT_LAST, dest="alias", valued=_MC_VALUED) for v in ("cp", "mirror", "mv", "put")),
    "s5cmd": tuple(Form(verbs=(v,), files=_BUT_LAST, dest="://", valued=_CLOUD_VALUED) for v in ("cp", "mv", "sync")),
    "uplink": (Form(verbs=("cp",), files=_BUT_LAST, dest="://", valued=_CLOUD_VALUED),),
    "supabase": (Form(verbs=("storage", "cp"), files=_BUT_LAST, dest="://", valued=_CLOUD_VALUED),),
    "oci": (Form(verbs=("os", "object", "put"), opts=_f("--file", "-f")),
            Form(verbs=("os", "object", "bulk-upload"), opts=_f("--src-dir"))),
    "wrangler": (Form(verbs=("r2", "object", "put"), opts=_f("--file", "-f")),),
    "gdrive": (Form(verbs=("files", "upload"), files=_ALL, valued=_f("--parent", "--mime", "--config")),),
    "megaput": (Form(files=_ALL, valued=_f("-u", "--username", "-p", "--password", "--path", "--config")),),
    "mega-put": (Form(files=_BUT_LAST),),
    # forges other than gh (uploads.py): snippets, release assets
    "glab": (Form(verbs=("snippet", "create"), files=_ALL,
                  valued=_f("-t", "--title", "-d", "--description", "-f", "--filename", "-v", "--visibility",
                            "-R", "--repo", "-p", "--personal")),
             Form(verbs=("release", "upload"), files=(1, None), valued=_f("-R", "--repo", "--assets-links")),
             Form(verbs=("release", "create"), files=(1, None), opts=_f("-F", "--notes-file"),
                  valued=_f("-R", "--repo", "-n", "--name", "-N", "--notes", "-r", "--ref", "--milestone",
                            "--assets-links", "-D", "--released-at"))),
    "tea": tuple(Form(verbs=(n, "create"), opts=_f("--asset", "-a")) for n in ("release", "releases", "r")),
    "hub": tuple(Form(verbs=("release", v), opts=_f("--attach", "-a")) for v in ("create", "edit")),
    # registries and hubs used as storage: what is pushed or published (a folder publishes what it holds)
    "oras": (Form(verbs=("push",), files=(1, None), cut=":",
                  valued=_f("--artifact-type", "-a", "--annotation", "--annotation-file", "--config", "--username",
                            "-u", "--password", "-p", "--export-manifest", "--registry-config")),
             Form(verbs=("attach",), files=(1, None), cut=":", valued=_f("--artifact-type", "-a", "--annotation"))),
    "twine": (Form(verbs=("upload",), files=_ALL, valued=_f("-r", "--repository", "--repository-url", "-u",
                                                              "--username", "-p", "--password", "-c", "--comment",
                                                              "--config-file", "-s", "--sign-with", "-i", "--identity")),),
    "anaconda": (Form(verbs=("upload",), files=_ALL, valued=_f("-u", "--user", "-l", "--label", "-t", "--package-type",
                                                                "-d", "--description", "-s", "--summary", "--token")),),
    "gem": (Form(verbs=("push",), files=(0, 1), valued=_f("--host", "-k", "--key", "--otp", "-p", "--http-proxy")),),
    "kaggle": tuple(Form(verbs=v, opts=_f("-p", "--path", "-f", "--file"))
                    for v in (("datasets", "create"), ("datasets", "version"), ("kernels", "push"),
                              ("competitions", "submit"), ("models", "instances", "create"))),
    "huggingface-cli": (Form(verbs=("upload",), files=(1, 2), valued=_f("--repo-type", "--revision", "--token",
                                                                          "--commit-message", "--include", "--exclude")),),
    "hf": (Form(verbs=("upload",), files=(1, 2), valued=_f("--repo-type", "--revision", "--token", "--commit-message",
                                                             "--include", "--exclude")),),
    "jfrog": tuple(Form(verbs=("rt", v), files=(0, 1)) for v in ("upload", "u")),
    "jf": tuple(Form(verbs=("rt", v), files=(0, 1)) for v in ("upload", "u")),
    "npm": (Form(verbs=("publish",), files=(0, 1), default=".",
                 valued=_f("--tag", "--access", "--otp", "--registry", "-w", "--workspace")),),
    "pnpm": (Form(verbs=("publish",), files=(0, 1), default=".", valued=_f("--tag", "--access", "--otp", "--registry")),),
    # message queues and brokers: a file sent as the message
    "mosquitto_pub": (Form(opts=_f("-f", "--file")),),
    "w3m": (Form(opts=_f("-post")),),
    "pscp": (Form(files=_BUT_LAST, dest="host", valued=_f("-P", "-l", "-pw", "-i", "-hostkey", "-load")),),
}

# kcat/kafkacat: the files named in producer mode (-P) are the messages
_KCAT_VALUED = _f("-b", "-t", "-p", "-k", "-K", "-X", "-c", "-o", "-f", "-D", "-H", "-G", "-s", "-z", "-F")


def _looks_local(p: str) -> bool:
    return p in (".", "..") or p.startswith(("/", "./", "../", "~", "$HOME"))


def _dest_ok(form: Form, last: str) -> bool:
    if form.dest == "://":
        return "://" in last
    if form.dest == "alias":
        return "://" in last or ("/" in last and not _looks_local(last))
    if form.dest == "host":
        return ":" in last and not _looks_local(last)
    return True


def _opt_values(args: "list[str]", opts: frozenset[str]) -> list[str]:
    out: list[str] = []
    for i, a in enumerate(args):
        if a in opts and i + 1 < len(args):
            out.append(args[i + 1])
        elif a.startswith("-") and "=" in a and a.split("=", 1)[0] in opts:  # `--file=F`, Go's `-a=F`
            out.append(a.split("=", 1)[1])
    return out


def table_files(prog: str, args: "list[str]") -> list[str]:
    """Files `prog args` sends by one of its table forms (as written)."""
    if prog in ("kcat", "kafkacat"):
        return positionals(args, _KCAT_VALUED) if "-P" in args else []
    out: list[str] = []
    for form in FORMS.get(prog, ()):
        pos = positionals(args, form.valued | form.opts)
        if tuple(pos[:len(form.verbs)]) != form.verbs:
            continue
        out += _opt_values(args, form.opts)
        rest = pos[len(form.verbs):] or ([form.default] if form.default else [])
        if form.files is not None and rest and (not form.dest or (len(rest) >= 2 and _dest_ok(form, rest[-1]))):
            picked = rest[form.files[0]:form.files[1]]
            if form.cut:
                picked = [p.split(form.cut, 1)[0] if not p.startswith(form.cut) else p for p in picked]
            out += [p for p in picked if not (form.dest and "://" in p)]
    return out

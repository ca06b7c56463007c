"""What a downloader writes, and from which URL: the one reader of curl's, wget's, aria2c's and
lwp-download's output options, for the shell layer (a file the line fetches and then runs), the
daemon's cross-call memory (a file an earlier call fetched) and the download tracker (hash look-ups
of a fetched file when it runs).

Targets are returned as written (relative to the command's folder unless absolute; `~` left for the
caller, who knows whose home it is); `-` (standard output) is no file.
"""
from __future__ import annotations

import posixpath
from typing import Any, Iterable, Sequence
from urllib.parse import unquote, urlsplit

# programs that fetch a URL named on the line
DOWNLOADERS = frozenset({"curl", "wget", "wget2", "aria2c", "fetch", "axel", "http", "https", "xh", "lwp-download"})
_URL_SCHEMES = ("http://", "https://", "ftp://", "ftps://", "sftp://", "scp://", "file://", "tftp://")


def url_basename(url: str) -> str:
    """The file name a URL's path ends in ("" for a folder or a bare host)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    base = posixpath.basename(unquote(path))
    return "" if base in (".", "..") else base


def _urls(args: Sequence[str]) -> list[str]:
    return [a for a in args if "://" in a and a.lower().startswith(_URL_SCHEMES)]


def _in(directory: str, name: str) -> str:
    return name if not directory or name.startswith(("/", "~")) else directory.rstrip("/") + "/" + name


def download_targets(prog: str, args: Sequence[str]) -> list[tuple[str, str]]:
    """(file, url) for each file `prog ARGS` writes: curl's `-o F`/`--output F` (one per URL, in order,
    also in a short-flag cluster and attached: `-fsSLo F`, `-oF`), `-O`/`--remote-name(-all)` (the URL's
    name), `--output-dir`; wget's `-O F` (else each URL's name, `index.html` for a folder) and `-P DIR`;
    aria2c's `-o F` and `-d DIR` (else the URL's name); `lwp-download URL [LOCAL]`."""
    args = list(args)
    urls = _urls(args)
    if not urls:
        return []
    if prog == "curl":
        return _curl(args, urls)
    if prog in ("wget", "wget2"):
        return _wget(args, urls)
    if prog == "aria2c":
        out_name, directory = "", ""
        for i, a in enumerate(args):
            nxt = args[i + 1] if i + 1 < len(args) else ""
            if a in ("-o", "--out"):
                out_name = nxt
            elif a.startswith("--out="):
                out_name = a.split("=", 1)[1]
            elif a in ("-d", "--dir"):
                directory = nxt
            elif a.startswith("--dir="):
                directory = a.split("=", 1)[1]
        name = out_name or url_basename(urls[0])
        return [(_in(directory, name), urls[0])] if name and name != "-" else []
    if prog == "lwp-download":
        # `lwp-download URL [LOCAL]`: LOCAL (a file, or a folder the URL's name goes in), else the URL's name
        pos = [a for a in args if not a.startswith("-")]
        local = pos[1] if len(pos) >= 2 and "://" not in pos[1] else ""
        if local and not (local.endswith("/") or local in (".", "..")):
            return [(local, urls[0])]
        name = url_basename(urls[0])
        return [(_in(local, name), urls[0])] if name else []
    return []


def _curl(args: list[str], urls: list[str]) -> list[tuple[str, str]]:
    outputs: list[str] = []
    remote, remote_all, directory = 0, False, ""
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a in ("-o", "--output"):
            outputs.append(nxt)
            i += 2
            continue
        if a.startswith("--output="):
            outputs.append(a.split("=", 1)[1])
        elif a == "--output-dir":
            directory = nxt
            i += 2
            continue
        elif a.startswith("--output-dir="):
            directory = a.split("=", 1)[1]
        elif a in ("-O", "--remote-name"):
            remote += 1
        elif a == "--remote-name-all":
            remote_all = True
        elif a.startswith("-") and not a.startswith("--") and len(a) > 2 and a[1:2].isalpha():
            flags = a[1:]
            if "o" in flags:  # -sSLo FILE, -oFILE: whatever follows the o is its value
                rest = flags[flags.index("o") + 1:]
                outputs.append(rest or nxt)
                i += 1 if rest else 2
                remote += "O" in flags[:flags.index("o")]
                continue
            remote += "O" in flags
        i += 1
    out = [(_in(directory, o), u) for o, u in zip(outputs, urls) if o and o != "-"]
    rest = urls[len(outputs):]
    for u in (rest if remote_all else rest[:remote]):
        name = url_basename(u)
        if name:
            out.append((_in(directory, name), u))
    return out


def _wget(args: list[str], urls: list[str]) -> list[tuple[str, str]]:
    doc, prefix = None, ""
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a in ("-O", "--output-document"):
            doc = nxt
            i += 2
            continue
        if a.startswith("--output-document="):
            doc = a.split("=", 1)[1]
        elif a in ("-P", "--directory-prefix"):
            prefix = nxt
            i += 2
            continue
        elif a.startswith("--directory-prefix="):
            prefix = a.split("=", 1)[1]
        elif a.startswith("-") and not a.startswith("--") and len(a) > 2 and "O" in a[1:]:
            rest = a[a.index("O") + 1:]  # -qO FILE, -O/home/x, -qO- (stdout)
            doc = rest or nxt
            i += 1 if rest else 2
            continue
        i += 1
    if doc is not None:
        return [(doc, urls[0])] if doc and doc != "-" else []
    return [(_in(prefix, url_basename(u) or "index.html"), u) for u in urls]


def redirected_download(prog: str, args: Sequence[str], redirects: Iterable[Any]) -> list[tuple[str, str]]:
    """`curl URL > F` (a downloader writing to standard output, redirected into F): (F, url)."""
    if prog not in DOWNLOADERS:
        return []
    urls = _urls(args)
    if not urls:
        return []
    for r in redirects or ():
        op, target = getattr(r, "op", ""), getattr(r, "target", "")
        if op in (">", ">|", "&>") and target and getattr(r, "fd", "") in ("", "1", None):
            return [(target, urls[0])]
    return []

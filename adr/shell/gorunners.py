"""Go tools that build and run the package's code the way `go run` / `go test` do.

`gotestsum ./...`, `ginkgo -r`, `richgo test`, `gow run .`, `dlv debug ./cmd/x`, `mage build`: each
compiles the package's files (their `init()`s and tests included) and runs them, so the command is
judged as the `go` line it amounts to — the cross-call walk then reads the package folders as it does
for `go test ./...` (adr/shell/runs.py, adr/daemon/sources.py). Pure: argv in, argv out.
"""
from __future__ import annotations

import shlex

_GOTESTSUM_VALUED = frozenset({"-f", "--format", "--jsonfile", "--junitfile", "--packages", "--rerun-fails",
                               "--rerun-fails-report", "--post-run-command", "--hide-summary", "--format-hide-empty-pkg",
                               "--junitfile-testsuite-name", "--junitfile-testcase-classname", "--jsonfile-timing-events",
                               "--rerun-fails-max-failures", "--rerun-fails-run-root-test", "--watch-chdir"})
_DLV_VALUED = frozenset({"-l", "--listen", "--build-flags", "--wd", "--output", "-o", "--init", "--api-version",
                         "--backend", "--log-output", "--log-dest", "-r", "--redirect", "--tty", "--disable-aslr"})
_GINKGO_QUIET = frozenset({"version", "help", "bootstrap", "generate", "outline", "unfocus", "labels", "build"})
_GINKGO_VALUED = frozenset({"-p", "--procs", "-nodes", "--focus", "--skip", "--label-filter", "--timeout", "--tags",
                            "-tags", "--output-dir", "--json-report", "--junit-report", "--cover-profile", "--coverprofile",
                            "--race-flags", "--seed", "--flake-attempts", "--repeat", "--until-it-fails",
                            "--focus-file", "--skip-file", "--poll-progress-after", "--grace-period"})
_MAGE_QUIET = frozenset({"-h", "-help", "--help", "-version", "--version", "-init", "-clean"})
_MAGE_VALUED = frozenset({"-d", "-w", "-t", "-gocmd", "-goos", "-goarch", "-ldflags", "-compile"})
_GOW_VALUED = frozenset({"-e", "-w", "-i", "-g", "-r", "-s"})

PROGRAMS = frozenset({"gotestsum", "ginkgo", "richgo", "gow", "dlv", "mage", "reflex"})


def _positionals(args: "list[str]", valued: frozenset[str]) -> "list[str]":
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            break
        if a.startswith("-") and a != "-":
            i += 2 if a in valued else 1
            continue
        out.append(a)
        i += 1
    return out


def _after_dashdash(args: "list[str]") -> "list[str]":
    return args[args.index("--") + 1:] if "--" in args else []


def go_command(prog: str, args: "list[str]") -> "tuple[str, list[str]] | None":
    """("argv", the go line or program) the Go tool `prog ARGS` amounts to; None when it runs no code."""
    if prog == "gotestsum":
        if any(a in ("--version", "-h", "--help", "help", "tool") for a in args[:2]):
            return None
        if "--raw-command" in args:
            tail = _after_dashdash(args)
            return ("argv", tail) if tail else None
        tail = _after_dashdash(args)
        pkgs = [p for i, a in enumerate(args[:-1]) if a == "--packages" for p in args[i + 1].split()]
        pkgs += [p for a in args if a.startswith("--packages=") for p in a[11:].split()]
        if tail and not any(not a.startswith("-") for a in tail):
            tail = tail + (pkgs or ["./..."])
        return ("argv", ["go", "test"] + (tail or pkgs or ["./..."]))
    if prog in ("richgo", "gow"):
        pos = _positionals(args, _GOW_VALUED if prog == "gow" else frozenset())
        if not pos or pos[0] not in ("run", "test", "generate", "build", "install", "vet"):
            return None
        return ("argv", ["go"] + args[args.index(pos[0]):])
    if prog == "ginkgo":
        pos = _positionals(args, _GINKGO_VALUED)
        if pos and pos[0] in _GINKGO_QUIET or any(a in ("-h", "--help", "version") for a in args[:2]):
            return None
        if pos and pos[0] in ("run", "watch"):
            pos = pos[1:]
        recursive = any(a in ("-r", "--r", "-recursive", "--recursive") for a in args)
        pkgs = [p + "/..." if recursive and not p.endswith("...") else p for p in pos] or \
            (["./..."] if recursive else ["."])
        return ("argv", ["go", "test"] + pkgs)
    if prog == "dlv":
        pos = _positionals(args, _DLV_VALUED)
        if not pos:
            return None
        sub, rest = pos[0], pos[1:]
        if sub in ("debug", "test", "trace"):
            return ("argv", ["go", "test" if sub == "test" else "run"] + (rest[:1] or ["."]))
        if sub == "exec" and rest:
            return ("argv", [rest[0]] + _after_dashdash(args))
        return None
    if prog == "mage":
        if any(a in _MAGE_QUIET for a in args):
            return None
        d = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-d"), ".")
        d = shlex.quote(d.rstrip("/") or "/")
        # the magefiles of the folder (`//go:build mage`), or of its magefiles/ folder: built and run for any
        # target (`mage -l` too: the program lists its targets)
        return ("shell", [f"go run {d}\ngo run {d}/magefiles"])
    if prog == "reflex":
        tail = _after_dashdash(args)
        return ("argv", tail) if tail else None
    return None

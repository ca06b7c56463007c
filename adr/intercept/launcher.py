"""Python launchers for adr's client programs: `#!/abs/python -IS` scripts that import one module.

Every agent action starts the hook program. The console script pip writes for `adr-hook` starts the
interpreter with `site` (every .pth file in site-packages, ~2-3 ms, more with many packages) and
imports `re` for its argv[0] fix-up (~3 ms) before adr's own code runs. A launcher made here starts with
`-I -S` (no site, no PYTHON* variables, no user site) and puts only the directory that holds the `adr`
package on sys.path: the fast path needs nothing else. The slow paths call `site.main()` themselves
before importing third-party packages (hookentry._full, shim.decide_slow).

`adr install` writes the hook launcher under adr's state directory (`<state>/hook/<key>/adr-hook`, the
key hashes its text: python, package root) and puts that path into the hosts' configs, or bakes it in as
the native client's fallback. Its file name stays `adr-hook`, so uninstall and doctor recognise it.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from adr.programs import HOOK_EXE

MAX_SHEBANG = 250  # kernels cut #! lines at 128-256 bytes


class LauncherError(RuntimeError):
    """The interpreter's path cannot be used in a #! line."""


def package_root() -> Path:
    """The directory holding the `adr` package (site-packages, or a checkout for an editable install)."""
    return Path(__file__).resolve().parents[2]


def launcher_text(python: str, root: str, module: str, comment: str) -> str:
    """A `#!python -IS` script that imports `module` from `root` and runs its main()."""
    shebang = f"#!{python} -IS"
    if len(shebang) > MAX_SHEBANG or any(c.isspace() for c in python):
        raise LauncherError(f"the Python path {python!r} cannot be used in a #! line (too long or has spaces)")
    lines = [f"# {line}" for line in comment.strip().splitlines()]
    return "\n".join([shebang, *lines, "import sys", f"sys.path.insert(0, {root!r})",
                      f"from {module} import main", "main()", ""])


def hook_launcher(state_dir: Path, python: "str | None" = None) -> Path:
    """The `-IS` launcher of `adr-hook` for this interpreter, written once (atomically, 0700)."""
    text = launcher_text(python or sys.executable, str(package_root()), "adr.intercept.hookentry",
                         "adr-hook, written by `adr install` (adr/intercept/launcher.py): the Python hook client,\n"
                         "started without `site` (the slow path loads it when it needs it).")
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    d = state_dir / "hook" / key
    final = d / HOOK_EXE
    try:
        if final.read_text(encoding="utf-8") == text and os.access(final, os.X_OK):
            return final
    except OSError:
        pass
    for p in (state_dir, d.parent, d):
        p.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(p, 0o700)
    tmp = d / f".{HOOK_EXE}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o700)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o700)
    os.replace(tmp, final)
    return final

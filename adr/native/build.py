"""Build adr's native client (`adr_fast.c`) with the system C compiler — once per source, baked-in
paths and compiler.

The binary does the usual path of `adr-hook HOST` and of the command shims without starting Python
(see the comment at the top of adr_fast.c); everything else it hands to the Python client whose
absolute path is baked in here with -D (as an escaped C string literal: never through a shell, never
looked up on PATH at run time). Builds live under adr's state directory,
`<state>/native/<key>/adr-hook`, where key hashes the source, every -D, the flags and the compiler's
identity; a build is compiled in a private temporary directory, checked by running it
(`adr-hook --adr-native-info`), then renamed into place, so a half-written binary is never used.
Directories are 0700, binaries 0700.

No compiler, a failed compile or `ADR_NATIVE=0` → `Build(None, reason)`: callers use the Python
client, which behaves exactly as before. A failed compile is remembered for that key (no retry on
every `adr wrap`).
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from adr.programs import HOOK_EXE, HOOK_FALLBACK

if TYPE_CHECKING:  # adr.paths needs platformdirs; setup.py imports this module to build the platform wheel
    from adr.paths import Paths

SOURCE = Path(__file__).resolve().with_name("adr_fast.c")
PREBUILT = Path(__file__).resolve().parent / "prebuilt" / HOOK_EXE  # the platform wheel's compiled client
CFLAGS = ("-std=c99", "-O2", "-Wall", "-Wextra")
NATIVE_ENV = "ADR_NATIVE"  # 0 / off / no / false: always use the Python clients
INFO_FLAG = "--adr-native-info"
BUILD_TIMEOUT = 120.0
_MAGIC = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
          b"\xca\xfe\xba\xbe")


@dataclass(frozen=True)
class Build:
    path: "Path | None"
    reason: str = ""  # why there is no native client (when path is None)
    how: str = ""  # "prebuilt" (the platform wheel's) or "compiled" (here, with cc)

    @property
    def ok(self) -> bool:
        return self.path is not None


def _env(env: "Mapping[str, str] | None") -> dict[str, str]:
    return {**os.environ, **(env or {})}


def enabled(env: "Mapping[str, str] | None" = None) -> "tuple[bool, str]":
    v = _env(env).get(NATIVE_ENV, "").strip().lower()
    if v in ("0", "off", "no", "false", "python"):
        return False, f"{NATIVE_ENV}={v}: the Python client is used"
    return True, ""


def compiler(env: "Mapping[str, str] | None" = None) -> "list[str] | None":
    """The C compiler as an argv prefix: $CC (split like a shell would, but run without one) or cc,
    gcc, clang on PATH; its first word made absolute."""
    e = _env(env)
    words: list[str] = []
    if e.get("CC", "").strip():
        try:
            words = shlex.split(e["CC"])
        except ValueError:
            return None
    else:
        for name in ("cc", "gcc", "clang"):
            if shutil.which(name, path=e.get("PATH")):
                words = [name]
                break
    if not words:
        return None
    exe = words[0] if os.path.isabs(words[0]) else shutil.which(words[0], path=e.get("PATH"))
    if not exe or not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        return None
    return [exe] + words[1:]


def c_string(text: str) -> str:
    """A C string literal for -D: printable ASCII as is (but " \\ ?), every other byte as octal."""
    out = ['"']
    for b in text.encode("utf-8", "surrogateescape"):
        out.append(chr(b) if 0x20 <= b < 0x7F and chr(b) not in '"\\?' else f"\\{b:03o}")
    out.append('"')
    return "".join(out)


def is_native(path: "str | os.PathLike[str]") -> bool:
    """Is this file a compiled program (ELF / Mach-O), not a script?"""
    try:
        with open(path, "rb") as f:
            return f.read(4) in _MAGIC
    except OSError:
        return False


def defines(*, py_hook: "str | None" = None, py_shim: "str | None" = None,
            shim_dir: "str | None" = None, hook_beside: bool = False) -> list[str]:
    """Every -D the source needs, from adr's own modules (one source of truth per constant).
    hook_beside: a relocatable hook client that hands over to HOOK_FALLBACK in its own directory."""
    from adr import runtime
    from adr.intercept import shim
    from adr.daemon import protocol as P
    from adr.daemon import wire

    d = {"ADR_PROTOCOL_VERSION": str(P.PROTOCOL_VERSION), "ADR_MAX_MESSAGE": str(P.MAX_MESSAGE_BYTES),
         "ADR_DECIDE_TIMEOUT": repr(float(P.DECIDE_TIMEOUT)),
         "ADR_ANSWER_TIMEOUT": repr(float(wire.ANSWER_TIMEOUT)), "ADR_PENDING_MARGIN": repr(float(P.PENDING_MARGIN)),
         "ADR_FRAME_HEADER_MAX": str(P.FRAME_HEADER_MAX), "ADR_MAX_DEPTH": str(shim.MAX_DEPTH),
         "ADR_HOOK_EXE": c_string(HOOK_EXE), "ADR_CHECKER": c_string(shim.CHECKER),
         "ADR_SHIM_PY_NAME": c_string(shim.PY_LAUNCHER), "ADR_ARGV0_VAR": c_string(shim.ARGV0_VAR),
         "ADR_SOCKET_NAME": c_string(runtime.SOCKET_NAME)}
    for key, value in (("ADR_PY_HOOK", py_hook), ("ADR_PY_SHIM", py_shim), ("ADR_SHIM_DIR_BAKED", shim_dir)):
        if value is not None:
            if not os.path.isabs(value):
                raise ValueError(f"{key} must be an absolute path, not {value!r}")
            d[key] = c_string(value)
    if shim_dir is not None:
        d["ADR_SHIM_LAUNCHER"] = c_string(shim.LAUNCHER)
    if hook_beside:
        if py_hook is not None:
            raise ValueError("a hook client hands over to a baked-in path or to the file beside it, not both")
        d["ADR_PY_HOOK_BESIDE"] = c_string(HOOK_FALLBACK)
    return [f"-D{k}={v}" for k, v in sorted(d.items())]


def _identity(cc: Sequence[str]) -> str:
    try:
        st = os.stat(cc[0])
        return f"{cc[0]}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return cc[0]


def _private_dir(d: Path) -> None:
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(d, 0o700)
    except OSError:
        pass


def native_info(path: "str | os.PathLike[str]", timeout: float = 10.0) -> "str | None":
    """What a native adr-hook says about itself: `adr-native <protocol> <build id> <modes>`, then a
    `fallback-hook <path>` / `fallback-shim <path>` line per baked-in Python client; None if it is not one."""
    if os.path.basename(os.fspath(path)) != "adr-hook" or not is_native(path):
        return None
    try:
        p = subprocess.run([os.fspath(path), INFO_FLAG], capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.SubprocessError):
        return None
    out = p.stdout.decode("utf-8", "surrogateescape").strip()
    return out if p.returncode == 0 and out.startswith("adr-native ") else None


def fallbacks(info: str) -> dict[str, str]:
    """{"hook": path, "shim": path} from native_info's text."""
    out = {}
    for line in info.splitlines()[1:]:
        key, _, value = line.partition(" ")
        if key.startswith("fallback-") and value:
            out[key[len("fallback-"):]] = value
    return out


def _key(defs: Sequence[str], flags: Sequence[str], cc: Sequence[str]) -> str:
    h = hashlib.sha256(b"adr-native-1\0" + SOURCE.read_bytes())
    for part in [*defs, *flags, *cc, _identity(cc)]:
        h.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:20]


def _compile(cc: Sequence[str], flags: Sequence[str], defs: Sequence[str], key: str, out: Path,
             env: "Mapping[str, str] | None") -> str:
    """Compile SOURCE into out (0700) and check that it runs and says it is build `key`: "" when it
    does, else why not."""
    argv = [*cc, *flags, f"-DADR_BUILD_ID={c_string(key)}", *defs, "-o", str(out), str(SOURCE)]
    try:
        p = subprocess.run(argv, capture_output=True, timeout=BUILD_TIMEOUT, stdin=subprocess.DEVNULL,
                           env=_env(env), cwd=str(out.parent))
    except (OSError, subprocess.SubprocessError) as e:
        return f"cannot run the C compiler {cc[0]}: {e}"
    if p.returncode != 0 or not out.is_file():
        msg = (p.stderr or p.stdout).decode("utf-8", "replace").strip()
        return f"{' '.join(cc)} failed (exit {p.returncode}): {msg[-2000:]}"
    os.chmod(out, 0o700)
    info = native_info(out)
    if info is None or info.split("\n")[0].split(" ")[2:3] != [key]:
        return f"the native client built with {cc[0]} does not run here"
    return ""


def _staging(keydir: Path, state_dir: Path) -> "tuple[Path | None, str]":
    try:
        for d in (state_dir, keydir.parent, keydir):
            _private_dir(d)
        tmp = keydir / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
        tmp.mkdir(mode=0o700)
        return tmp, ""
    except OSError as e:
        return None, f"cannot create {keydir}: {e}"


def build(paths: "Paths | None" = None, *, py_hook: "str | None" = None, py_shim: "str | None" = None,
          shim_dir: "str | None" = None, env: "Mapping[str, str] | None" = None,
          extra_flags: Sequence[str] = (), force: bool = False) -> Build:
    """The native client for these fallbacks, compiled if needed; Build(None, reason) when it cannot be.

    py_hook: the Python `adr-hook` (hook mode on); py_shim: the shim directory's Python launcher and
    shim_dir: that directory (shim mode's fallback and self-skip)."""
    on, why = enabled(env)
    if not on and not force:
        return Build(None, why)
    for fallback in (py_hook, py_shim):
        if fallback is not None and (not os.path.isabs(fallback) or is_native(fallback)):
            return Build(None, f"the fallback {fallback} must be an absolute path to the Python client")
    cc = compiler(env)
    if cc is None:
        return Build(None, "no C compiler found (set CC, or install cc/gcc): the Python client is used")
    if not SOURCE.is_file():
        return Build(None, f"{SOURCE} is missing")
    try:
        defs = defines(py_hook=py_hook, py_shim=py_shim, shim_dir=shim_dir)
    except ValueError as e:
        return Build(None, str(e))
    flags = list(CFLAGS) + list(extra_flags)
    key = _key(defs, flags, cc)
    if paths is None:
        from adr.paths import get_paths
        paths = get_paths()
    keydir = paths.state_dir / "native" / key
    final = keydir / HOOK_EXE
    failed = keydir / "failed"
    if final.is_file() and os.access(final, os.X_OK):
        return Build(final, how="compiled")
    if failed.is_file():
        return Build(None, "the native client did not build here before: "
                           + failed.read_text(encoding="utf-8", errors="replace")[:500])
    tmp, problem = _staging(keydir, paths.state_dir)
    if tmp is None:
        return Build(None, problem)
    try:
        out = tmp / HOOK_EXE
        problem = _compile(cc, flags, defs, key, out, env)
        if problem:
            _remember_failure(failed, problem)
            return Build(None, problem)
        os.replace(out, final)  # atomic: a concurrent build of the same key writes the same bytes
        return Build(final, how="compiled")
    except OSError as e:
        return Build(None, f"cannot build the native client in {keydir}: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _remember_failure(path: Path, reason: str) -> None:
    try:
        tmp = path.with_name(f".failed-{os.getpid()}-{secrets.token_hex(4)}")
        tmp.write_text(reason + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


# ---- the platform wheel's prebuilt client ------------------------------------------------------------

def build_prebuilt(out: Path, env: "Mapping[str, str] | None" = None) -> str:
    """Compile the relocatable hook client (ADR_PY_HOOK_BESIDE) into out, for a platform wheel
    (setup.py, `make dist`). Returns the build id; raises RuntimeError when it cannot be built."""
    out = out.absolute()
    cc = compiler(env)
    if cc is None:
        raise RuntimeError("no C compiler found (set CC, or install cc/gcc)")
    defs = defines(hook_beside=True)
    flags = list(CFLAGS)
    key = _key(defs, flags, cc)
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = out.parent / f".{out.name}.{os.getpid()}.tmp" / HOOK_EXE
    staged.parent.mkdir(mode=0o700)
    try:
        problem = _compile(cc, flags, defs, key, staged, env)
        if problem:
            raise RuntimeError(problem)
        os.chmod(staged, 0o755)
        os.replace(staged, out)
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    return key


def deploy_prebuilt(py_hook: "str | os.PathLike[str]", paths: "Paths", prebuilt: "Path | None" = None) -> Build:
    """The platform wheel's client, set up for this Python client: a copy of it in
    `<state>/native/<key>/adr-hook` with `adr-hook-python` beside it, a symlink to py_hook (the prebuilt
    client hands over to the file beside it). No compiler needed."""
    py_hook = os.fspath(py_hook)
    prebuilt = prebuilt or PREBUILT
    if not os.path.isabs(py_hook) or is_native(py_hook):
        return Build(None, f"the fallback {py_hook} must be an absolute path to the Python client")
    try:
        data = prebuilt.read_bytes()
    except OSError as e:
        return Build(None, f"no prebuilt native client in this installation ({e.strerror or e})")
    key = hashlib.sha256(b"adr-prebuilt-1\0" + data + b"\0" + py_hook.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    keydir = paths.state_dir / "native" / key
    final, beside = keydir / HOOK_EXE, keydir / HOOK_FALLBACK
    if final.is_file() and os.access(final, os.X_OK) and beside.is_symlink() and os.readlink(beside) == py_hook:
        return Build(final, how="prebuilt")
    tmp, problem = _staging(keydir, paths.state_dir)
    if tmp is None:
        return Build(None, problem)
    try:
        out = tmp / HOOK_EXE
        out.write_bytes(data)
        os.chmod(out, 0o700)
        os.symlink(py_hook, tmp / HOOK_FALLBACK)
        info = native_info(out)
        if info is None:
            return Build(None, f"the prebuilt native client ({prebuilt}) does not run on this machine")
        if fallbacks(info).get("hook") != str(tmp / HOOK_FALLBACK):
            return Build(None, f"the prebuilt native client ({prebuilt}) does not hand over to {HOOK_FALLBACK}")
        os.replace(tmp / HOOK_FALLBACK, beside)
        os.replace(out, final)
        return Build(final, how="prebuilt")
    except OSError as e:
        return Build(None, f"cannot set up the prebuilt native client in {keydir}: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_hook(py_hook: "str | os.PathLike[str]", paths: "Paths | None" = None,
               env: "Mapping[str, str] | None" = None) -> Build:
    """The native `adr-hook` for `adr install`, falling back to the Python one at py_hook: the platform
    wheel's prebuilt client when this installation has one, else compiled here (cc), else none."""
    on, why = enabled(env)
    if not on:
        return Build(None, why)
    if PREBUILT.is_file():
        if paths is None:
            from adr.paths import get_paths
            paths = get_paths()
        got = deploy_prebuilt(py_hook, paths)
        if got.ok:
            return got
        compiled = build(paths, py_hook=os.fspath(py_hook), env=env)
        return compiled if compiled.ok else Build(None, f"{got.reason}; {compiled.reason}")
    return build(paths, py_hook=os.fspath(py_hook), env=env)

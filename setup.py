"""Build hooks: the top-level rule packs, host templates and service templates go inside the package;
the typosquat index is compiled into it; on request, the native hook client goes in too (a platform wheel).

The product card keeps `rules/`, `hooks/` and `packaging/` at the top of the repository (data, reviewed
like code), but an installed adr (wheel, sdist, `pipx install`) has only the `adr` package. So
`build_py` copies them into `adr/_shipped/` of the build; `adr.paths` finds them there when no source
checkout is beside the package. Everything else is declared in pyproject.toml.

`ADR_PLATFORM_WHEEL=1` (`make dist`) also compiles adr's native hook client (adr/native/adr_fast.c,
relocatable: it hands over to the Python client beside it) into `adr/native/prebuilt/adr-hook`, and tags
the wheel `py3-none-<platform>`: installed from it, adr runs the native client without a compiler.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel, get_platform
except ImportError:  # setuptools < 70.1: the wheel package's
    from wheel.bdist_wheel import bdist_wheel, get_platform  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent
SHIPPED = "_shipped"  # adr.programs.SHIPPED
PREBUILT = "_built"  # adr.paths.PREBUILT_DIR
SHIPPED_DATA = ("rules", "hooks", "packaging/service")  # adr.paths.shipped_dir(<name>) in an installed package
PLATFORM = os.environ.get("ADR_PLATFORM_WHEEL", "").strip().lower() in ("1", "yes", "true", "on")


class BuildWithShippedData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's own rules/ and hooks/
        for name in SHIPPED_DATA:
            src = ROOT / name
            if not src.is_dir():
                raise SystemExit(f"adr build: {src} is missing; an adr without its {name} would protect nothing")
            dst = Path(self.build_lib) / "adr" / SHIPPED / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        _seal_packs(Path(self.build_lib) / "adr" / SHIPPED / "rules")
        _prebuild_indexes(Path(self.build_lib))
        prebuilt = Path(self.build_lib) / "adr" / "native" / "prebuilt" / "adr-hook"
        if prebuilt.exists():
            prebuilt.unlink()  # a build dir reused from a platform build: the pure wheel has no binary
        if PLATFORM:
            _compile_native(prebuilt)


def _prebuild_indexes(lib: Path) -> None:
    """The typosquat index (adr.supply.typoindex) compiled from the package's name lists into
    adr/_built/ (adr.paths.PREBUILT_DIR): an installed adr opens it at once, where building it costs
    every user a few seconds of CPU on the daemon's first start. Built by the package's own code."""
    # the build's own import path after the built package: pip's isolated build environment puts
    # setuptools and platformdirs on it in ways a child does not inherit otherwise
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(lib)] + [p for p in sys.path if p]))
    subprocess.run([sys.executable, "-m", "adr.supply.typoindex", "--install", str(lib / "adr" / "data"),
                    str(lib / "adr" / PREBUILT)], env=env, check=True, stdin=subprocess.DEVNULL)


def _seal_packs(rules: Path) -> None:
    """PACKS (adr.engine.core.SHIPPED_INDEX) gets each pack's sha256: an installed adr then refuses a
    shipped pack that is missing or was changed after the build."""
    index = rules / "PACKS"
    out = ["# Every shipped pack and its sha256, written by the build (setup.py)."]
    for line in index.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        path = rules / name
        if not path.is_file():
            raise SystemExit(f"adr build: rules/PACKS names {name}, which is not in rules/")
        out.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    listed = {line.split()[-1] for line in out[1:]}
    extra = sorted(p.name for p in rules.glob("*.y*ml") if p.name not in listed)
    if extra:
        raise SystemExit(f"adr build: rules/PACKS does not list {', '.join(extra)}")
    index.write_text("\n".join(out) + "\n", encoding="utf-8")


def _compile_native(out: Path) -> None:
    """adr's own build code compiles it (one source of truth for flags and constants)."""
    sys.path.insert(0, str(ROOT))
    try:
        from adr.native.build import build_prebuilt

        build_id = build_prebuilt(out)
    except RuntimeError as e:
        raise SystemExit(f"adr build: ADR_PLATFORM_WHEEL is set but the native client does not build: {e}") from None
    finally:
        sys.path.remove(str(ROOT))
    print(f"adr build: native hook client {build_id} -> {out}")


class NativeDistribution(Distribution):
    """With the native client the package is platform-specific: installed into platlib, the wheel's root."""

    def has_ext_modules(self) -> bool:
        return PLATFORM or super().has_ext_modules()


class PlatformWheel(bdist_wheel):
    """py3-none-<platform> when the wheel carries the native client: any Python 3, this OS and CPU."""

    def get_tag(self) -> "tuple[str, str, str]":
        if not PLATFORM:
            return super().get_tag()
        plat = (self.plat_name if self.plat_name_supplied else get_platform(None)).replace("-", "_").replace(".", "_")
        return "py3", "none", plat


setup(distclass=NativeDistribution, cmdclass={"build_py": BuildWithShippedData, "bdist_wheel": PlatformWheel})

"""Build hook: the top-level rule packs and host templates go inside the package.

The product card keeps `rules/` and `hooks/` at the top of the repository (data, reviewed like code),
but an installed adr (wheel, sdist, `pipx install`) has only the `adr` package. So `build_py` copies
them into `adr/_shipped/` of the build; `adr.paths` finds them there when no source checkout is beside
the package. Everything else is declared in pyproject.toml.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("rules", "hooks")  # adr.paths.SHIPPED_DIR/<name> in an installed package


class BuildWithShippedData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's own rules/ and hooks/
        for name in SHIPPED:
            src = ROOT / name
            if not src.is_dir():
                raise SystemExit(f"adr build: {src} is missing; an adr without its {name} would protect nothing")
            dst = Path(self.build_lib) / "adr" / "_shipped" / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        _seal_packs(Path(self.build_lib) / "adr" / "_shipped" / "rules")


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


setup(cmdclass={"build_py": BuildWithShippedData})

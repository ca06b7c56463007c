"""Rebuild the popularity lists in adr/data/ from a registry listing snapshot.

    python -m adr.supply.build_data PYPI_TSV NPM_TSV

Inputs are tab-separated listings with a header line: PyPI's with a column
`rank_among_15000_most_downloaded`, npm's with `downloads_a_month` (public download statistics).
Only names and their order are kept; nothing else from the listings is shipped.
"""
from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

from adr.paths import DATA_DIR
from adr.supply.names import normalize

TOP_N = {"pypi": 3000, "npm": 8000}  # npm's top is crowded with transitive dependencies
NPM_KNOWN_MIN_DOWNLOADS = 50_000  # a month


def _rows(path: Path):
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        yield from reader


def _is_holding(row: dict) -> bool:
    return "-security" in (row.get("version") or "") or "security holding" in (row.get("summary") or "")


def build(pypi_tsv: Path, npm_tsv: Path, out: Path = DATA_DIR) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ranked: list[tuple[int, str]] = []
    for row in _rows(pypi_tsv):
        r = (row.get("rank_among_15000_most_downloaded") or "").strip()
        if r.isdigit():
            ranked.append((int(r), normalize(row["name"], "pypi")))
    ranked.sort()
    pypi_all = list(dict.fromkeys(n for _, n in ranked))
    npm: list[tuple[int, str]] = []
    for row in _rows(npm_tsv):
        d = (row.get("downloads_a_month") or "").strip()
        if d.isdigit() and int(d) >= NPM_KNOWN_MIN_DOWNLOADS and not _is_holding(row):
            npm.append((-int(d), row["name"].strip().lower()))
    npm.sort()
    npm_all = list(dict.fromkeys(n for _, n in npm))
    head = ("# {what}\n# Derived from public download statistics ({basis}) in a registry listing snapshot;\n"
            "# names only, most popular first. Rebuild: python -m adr.supply.build_data.\n")
    (out / "pypi_top.txt").write_text(head.format(what=f"Top {TOP_N['pypi']} PyPI projects (PEP 503 names): typosquat targets.",
                                                  basis="rank among the 15,000 most downloaded")
                                      + "\n".join(pypi_all[:TOP_N["pypi"]]) + "\n", encoding="utf-8")
    (out / "npm_top.txt").write_text(head.format(what=f"Top {TOP_N['npm']} npm packages: typosquat targets.",
                                                 basis="downloads a month")
                                     + "\n".join(npm_all[:TOP_N["npm"]]) + "\n", encoding="utf-8")
    with gzip.open(out / "pypi_known.txt.gz", "wt", encoding="utf-8") as f:
        f.write(head.format(what="PyPI projects popular enough to never be called a typosquat.",
                            basis="the 15,000 most downloaded") + "\n".join(pypi_all) + "\n")
    with gzip.open(out / "npm_known.txt.gz", "wt", encoding="utf-8") as f:
        f.write(head.format(what="npm packages popular enough to never be called a typosquat.",
                            basis=f">= {NPM_KNOWN_MIN_DOWNLOADS:,} downloads a month; npm security holding packages left out")
                + "\n".join(npm_all) + "\n")
    print(f"pypi: {len(pypi_all)} known; npm: {len(npm_all)} known; top {TOP_N}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build(Path(sys.argv[1]), Path(sys.argv[2]))

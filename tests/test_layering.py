"""The offline checks never reach the network layer, and the network layer only looks up what it
is given: adr/supply and adr/reputation do not import each other (adr.online wires them)."""
from __future__ import annotations

import ast
from pathlib import Path

import adr

PKG = Path(adr.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):  # module level and inside functions alike
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for f in sorted((PKG / package).rglob("*.py")):
        for name in _imports(f):
            if name.startswith(forbidden):
                bad.append(f"{f.relative_to(PKG)} imports {name}")
    return bad


def test_supply_does_not_import_the_network_layer():
    assert _offenders("supply", ("adr.reputation", "adr.online", "requests")) == [
        # `adr feeds update` downloads the OSV/URLhaus feeds: the one explicit, user-run network action
        # of the package, never reached from a decision
        "supply/feeds.py imports requests",
    ]


def test_reputation_does_not_import_the_offline_checks():
    assert _offenders("reputation", ("adr.supply", "adr.online")) == []


def test_the_judge_wires_them_through_adr_online():
    assert "adr.online" in _imports(PKG / "judge.py") or "adr.online.OnlineChecks" in _imports(PKG / "judge.py")
    assert not any(n.startswith("adr.reputation.runtime") for n in _imports(PKG / "judge.py"))

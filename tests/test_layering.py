"""The offline checks never reach the network layer, and the network layer only looks up what it
is given: adr/supply and adr/reputation do not import each other (the judge's adr.judge.online wires them)."""
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
    assert _offenders("supply", ("adr.reputation", "adr.judge", "requests")) == [
        # `adr feeds update` downloads the OSV/URLhaus feeds: the one explicit, user-run network action
        # of the package, never reached from a decision
        "supply/feeds.py imports requests",
    ]


def test_reputation_does_not_import_the_offline_checks():
    assert _offenders("reputation", ("adr.supply", "adr.judge")) == []


def test_the_judge_wires_them_through_its_online_module():
    judge = _imports(PKG / "judge" / "__init__.py")
    assert "adr.judge.online" in judge or "adr.judge.online.OnlineChecks" in judge
    assert not any(n.startswith("adr.reputation.runtime") for n in judge)
    online = _imports(PKG / "judge" / "online.py")
    assert any(n.startswith("adr.supply") for n in online) and any(n.startswith("adr.reputation") for n in online)

"""Typosquat bar: flag the classic look-alikes, never a package on the shipped popularity lists."""
from __future__ import annotations

import pytest

from adr.paths import DATA_DIR
from adr.supply.names import damerau, normalize, skeleton
from adr.supply.typosquat import TyposquatChecker, _read_names


@pytest.fixture(scope="module")
def checker():
    return TyposquatChecker.load()


@pytest.mark.parametrize("name,eco,target,kind", [
    ("reqeusts", "pypi", "requests", "edit"),
    ("python3-dateutil", "pypi", "python-dateutil", None),
    ("jeIlyfish", "pypi", "jellyfish", "homoglyph"),
    ("crossenv", "npm", "cross-env", "separator"),
    ("colourama", "pypi", "colorama", "edit"),
    ("urlib3", "pypi", "urllib3", "edit"),
    ("setup-tools", "pypi", "setuptools", "separator"),
    ("requests-py", "pypi", "requests", "affix"),
    ("@types-node", "npm", "@types/node", "scope"),
    ("types-node", "npm", "@types/node", "scope"),
    ("@tpyes/node", "npm", "@types/node", "edit"),
    ("jquery.js", "npm", "jquery", "affix"),
    ("loadsh", "npm", "lodash", "edit"),
    ("electorn", "npm", "electron", "edit"),
    ("reqests", "pypi", "requests", "edit"),
    ("dj4ngo", "pypi", "django", "edit"),
    ("nurnpy", "pypi", "numpy", "homoglyph"),   # rn reads as m
    ("b0to3", "pypi", "boto3", "homoglyph"),    # 0 for o
    ("pythn-datetuil", "pypi", "python-dateutil", "edit"),  # two edits on a long name
    ("reqests-oauthlb", "pypi", "requests-oauthlib", "edit"),
])
def test_flags_lookalikes(checker, name, eco, target, kind):
    sq = checker.check(name, eco)
    assert sq is not None, name
    assert sq.target == target
    if kind:
        assert sq.kind == kind


@pytest.mark.parametrize("eco", ["pypi", "npm"])
def test_no_false_positive_on_any_shipped_name(checker, eco):
    top = _read_names(DATA_DIR / f"{eco}_top.txt")
    known = _read_names(DATA_DIR / f"{eco}_known.txt.gz")
    assert len(top) >= 1000 and len(known) >= len(top)
    flagged = [n for n in top + known if checker.check(n, eco) is not None]
    assert flagged == []


def test_case_and_separator_variants_of_popular_names_are_fine(checker):
    for n in ("Flask", "PyYAML", "python_dateutil", "Django", "typing_extensions", "PyInstaller", "scikit_learn"):
        assert checker.check(n, "pypi") is None, n


def test_same_npm_scope_is_never_a_squat(checker):
    assert checker.check("@types/nodee", "npm") is None  # one owner publishes all of @types
    assert checker.check("@babel/cores", "npm") is None


def test_unrelated_names_pass(checker):
    for n, eco in [("my-internal-lib", "pypi"), ("adr", "pypi"), ("zzz-nothing-like-it", "npm"),
                   ("acme-widgets", "npm"), ("x", "pypi")]:
        assert checker.check(n, eco) is None, n


def test_two_edits_are_not_enough_for_short_names(checker):
    assert checker.check("nmupy", "pypi").target == "numpy"  # a swap: one edit
    assert checker.check("nmupyy", "pypi") is None or checker.check("nmupyy", "pypi").distance <= 1


def test_warm_builds_the_lazy_index():
    c = TyposquatChecker({"pypi": ["python-dateutil"]}, {"pypi": []})
    c.warm()
    assert c.check("pythn-datetuil", "pypi").target == "python-dateutil"


def test_other_ecosystems_have_no_typosquat_data(checker):
    assert checker.check("serde", "cargo") is None


def test_name_helpers():
    assert normalize("Foo.Bar_baz", "pypi") == "foo-bar-baz"
    assert skeleton("jeIlyfish") == skeleton("jellyfish")
    assert skeleton("PyInstaller") != skeleton("pyinstaller")  # capital I only looks like l
    assert damerau("reqeusts", "requests") == 1
    assert damerau("abcdef", "uvwxyz", limit=2) == 3


def test_data_files_state_their_origin():
    head = (DATA_DIR / "pypi_top.txt").read_text().splitlines()[:3]
    assert any("download" in h for h in head) and all(h.startswith("#") for h in head)

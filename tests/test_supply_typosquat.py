"""Typosquat bar: flag the classic look-alikes, never a package on the shipped popularity lists."""
from __future__ import annotations

import pytest

from adr.paths import DATA_DIR
from adr.supply.names import damerau, normalize, skeleton
from adr.supply.typosquat import TyposquatChecker, _read_names


@pytest.fixture(scope="module", params=["memory", "disk"])
def checker(request, tmp_path_factory):
    """Every check runs against both forms of the indexes: dicts in memory, and the SQLite file the
    daemon uses (built by a real child process, as in production)."""
    if request.param == "memory":
        return TyposquatChecker.load()
    c = TyposquatChecker.load(cache_dir=tmp_path_factory.mktemp("cache"))
    c.warm()
    assert c._disk, "the on-disk index was not built"
    return c


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


@pytest.fixture
def no_prebuilt(tmp_path, monkeypatch):
    """An installation without the index it normally carries (adr.paths.PREBUILT_DIR): the per-user
    build is the subject."""
    import adr.paths
    monkeypatch.setattr(adr.paths, "PREBUILT_DIR", tmp_path / "no-prebuilt")


def test_the_installation_index_is_opened_before_any_user_build(tmp_path, monkeypatch):
    """`make install` / the wheel build put the index in the package: a daemon's first start opens it
    at once and builds nothing into the user's cache; an index of other lists there is replaced."""
    import adr.paths
    from adr.supply import typoindex
    pre = tmp_path / "built"
    stale = pre / "typosquat-0000.sqlite3"
    pre.mkdir()
    stale.write_bytes(b"old lists")
    out = typoindex.install(DATA_DIR, pre)
    assert out.parent == pre and out.stat().st_mode & 0o777 == 0o644 and not stale.exists()
    assert typoindex.install(DATA_DIR, pre) == out  # already there: not rebuilt
    monkeypatch.setattr(adr.paths, "PREBUILT_DIR", pre)
    cache = tmp_path / "cache"
    assert typoindex.built(cache, DATA_DIR) == out and typoindex.ensure(cache, DATA_DIR) == out
    c = TyposquatChecker.load(cache_dir=cache)
    assert c.check("reqeusts", "pypi").target == "requests" and c._disk
    assert not cache.exists()
    # other lists (a user's data folder) have no installed index: built per user as before
    data = tmp_path / "data"
    data.mkdir()
    (data / "pypi_top.txt").write_text("requests\nnumpy\n")
    assert typoindex.built(cache, data) is None
    assert typoindex.ensure(cache, data).parent == cache / "supply"


def test_disk_index_is_private_atomic_and_keyed_by_the_data(tmp_path, no_prebuilt):
    from adr.supply import typoindex
    out = typoindex.ensure(tmp_path, DATA_DIR)
    assert out is not None and out.parent == tmp_path / "supply"
    assert out.stat().st_mode & 0o777 == 0o600
    assert not list(out.parent.glob("*.tmp"))  # written under a temporary name, then renamed
    # other lists (a changed data folder) get another file; the old one is removed when it is built
    data = tmp_path / "data"
    data.mkdir()
    (data / "pypi_top.txt").write_text("requests\nnumpy\n")
    other = typoindex.ensure(tmp_path, data)
    assert other is not None and other != out and not out.exists()
    c = TyposquatChecker.load(data, cache_dir=tmp_path)
    assert c.check("reqeusts", "pypi").target == "requests"
    assert c.check("lodash", "npm") is None  # no npm lists in that folder: nothing to imitate


def test_unreadable_disk_index_falls_back_to_memory(tmp_path, no_prebuilt):
    cache = tmp_path / "cache"
    (cache / "supply").mkdir(parents=True)
    from adr.supply import typoindex
    typoindex.index_path(cache, DATA_DIR).write_bytes(b"not a database")
    c = TyposquatChecker.load(cache_dir=cache)
    assert c.check("reqeusts", "pypi").target == "requests"
    assert c._disk is False


def test_daemon_sized_memory_with_the_disk_index(tmp_path):
    """A fresh interpreter that opens the on-disk index and checks a few hundred names stays small
    (the dict indexes it replaces cost ~100 MiB)."""
    import subprocess
    import sys
    code = ("import psutil, sys; from pathlib import Path; from adr.supply.typosquat import TyposquatChecker;"
            "c = TyposquatChecker.load(cache_dir=Path(sys.argv[1])); c.warm();"
            "[c.check(f'pkg{i}-name', e) for i in range(300) for e in ('pypi', 'npm')];"
            "print(psutil.Process().memory_info().rss // 1024, bool(c._disk))")
    TyposquatChecker.load(cache_dir=tmp_path).warm()  # build it first (in its own child process)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    rss, disk = out.stdout.split()
    assert disk == "True", out.stderr
    assert int(rss) < 40 * 1024, out.stdout  # KiB: well under the in-memory indexes



def _slow_checker(tmp_path):
    """A checker whose disk index build (warm(), in a thread) holds until `go` is set."""
    import threading
    from adr.supply import typoindex
    from adr.supply.typosquat import SUPPORTED, read_sources
    go, started = threading.Event(), threading.Event()

    def slow_build():
        started.set()
        go.wait(30)
        return typoindex.ensure(tmp_path, DATA_DIR)

    c = TyposquatChecker({e: (lambda e=e: read_sources(DATA_DIR, e)) for e in SUPPORTED},
                         index_file=slow_build, index_built=lambda: typoindex.built(tmp_path, DATA_DIR))
    t = threading.Thread(target=c.warm)
    t.start()
    assert started.wait(10)
    return c, go, t


def test_a_check_waits_for_the_disk_index_being_built(tmp_path, monkeypatch, no_prebuilt):
    """A fresh daemon builds its index in the background (seconds): an install judged meanwhile waits
    for the file rather than building the in-memory indexes (~1 s of CPU, 40+ MiB kept for good)."""
    import threading
    from adr.supply.typosquat import _MemoryIndex
    monkeypatch.setattr(TyposquatChecker, "BUILD_WAIT", 300.0)  # (the bound is the next test's)
    c, go, t = _slow_checker(tmp_path)
    threading.Timer(0.3, go.set).start()
    assert c.check("reqeusts", "pypi").target == "requests"  # answered once the build is done
    assert c._disk and not any(isinstance(i, _MemoryIndex) for i in c._idx.values())
    t.join(120)
    assert c.check("crossenv", "npm").target == "cross-env"


def test_the_wait_for_the_disk_index_is_bounded(tmp_path, monkeypatch, no_prebuilt):
    """A build that takes too long (a slow disk, a stuck child): the check goes on with the in-memory
    indexes, which are swapped for the file once it is open."""
    from adr.supply.typosquat import _MemoryIndex
    monkeypatch.setattr(TyposquatChecker, "BUILD_WAIT", 0.2)
    c, go, t = _slow_checker(tmp_path)
    assert c.check("reqeusts", "pypi").target == "requests"  # answered while the build is still going
    assert isinstance(c._idx["pypi"], _MemoryIndex) and c._disk is None
    # one wait per checker: the next ecosystem's first check does not wait again (it would hang here)
    monkeypatch.setattr(TyposquatChecker, "BUILD_WAIT", 3600.0)
    assert c.check("crossenv", "npm").target == "cross-env"
    assert isinstance(c._idx["npm"], _MemoryIndex) and c._disk is None
    go.set()
    t.join(120)
    assert c._disk and not isinstance(c._idx["pypi"], _MemoryIndex)
    assert c.check("reqeusts", "pypi").target == "requests"


def test_a_fresh_cache_is_not_built_on_a_decision_path(tmp_path, no_prebuilt):
    c = TyposquatChecker.load(cache_dir=tmp_path)
    assert c.check("reqeusts", "pypi").target == "requests"
    assert c._disk is None and not list(tmp_path.glob("supply/*.sqlite3"))  # warm() builds it, not check()

"""`adr report --html` rendered in a real headless Chromium (Debian's `chromium`): the page shows the
expected rule ids, its own script runs without an error, and nothing is fetched from the network."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared helpers
from _report_helpers import EXPECTED_RULES, known_history  # noqa: E402

from adr.paths import get_paths  # noqa: E402

pytestmark = pytest.mark.e2e
VENV_BIN = Path(sys.executable).parent


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("the report test needs headless Chromium (Debian package `chromium`: packaging/e2e-deps.sh)",
                pytrace=False)


def render(page: Path, profile: Path) -> tuple[str, str]:
    """(the DOM after scripts ran, Chromium's log with the page's console messages)."""
    argv = [chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", f"--user-data-dir={profile}",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom", page.as_uri()]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout, r.stderr


def test_report_renders_in_chromium_with_its_rule_ids_and_no_script_error(tmp_path):
    home = tmp_path / "home"
    known_history(get_paths({"ADR_HOME": str(home)}).ensure().audit_dir)
    page = tmp_path / "report.html"
    env = {"ADR_HOME": str(home), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([str(VENV_BIN / "adr"), "report", "--since", "1d", "--html", str(page)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    dom, log = render(page, tmp_path / "profile")
    assert 'data-ready="1"' in dom  # the page's own script ran to its end
    for rule in EXPECTED_RULES:
        assert rule in dom
    assert dom.count("<svg") >= 4 and "What monitor mode would have blocked" in dom
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert not [c for c in console if "Uncaught" in c or "Refused" in c], console

    # the check can fail: a page with a broken script is caught the same way
    bad = tmp_path / "bad.html"
    bad.write_text(page.read_text().replace("document.documentElement.setAttribute", "document.nope.setAttribute"))
    dom2, log2 = render(bad, tmp_path / "profile2")
    assert 'data-ready="1"' not in dom2 and "Uncaught" in log2

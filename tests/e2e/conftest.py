"""Fixtures for the real-agent end-to-end tests (`make e2e`); see harness.py and agentcase.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from fakemodel import FakeModel
from harness import AGENT_TIMEOUT, NPM_INSTALL_TIMEOUT, Sandbox, npm_install

# pytest-timeout's backstop for one test (pyproject's 300 s is too short for a first-run npm install
# of an agent and its Node, then a slow agent session); every subprocess has its own deadline too.
E2E_TEST_TIMEOUT = int(2 * NPM_INSTALL_TIMEOUT + max(AGENT_TIMEOUT, 420) + 300)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(E2E_TEST_TIMEOUT))


@pytest.fixture(scope="session")
def agent_bin():
    """agent_bin(host) → path of the installed CLI (installed on first use, cached across runs)."""
    cache: dict[str, Path] = {}

    def get(host: str) -> Path:
        if host not in cache:
            cache[host] = npm_install(host)
        return cache[host]
    return get


@pytest.fixture
def fake_model(tmp_path: Path):
    fm = FakeModel(marker_file=str(tmp_path / "PAYLOAD-RAN")).start()
    yield fm
    fm.stop()


@pytest.fixture
def sandbox(tmp_path: Path, fake_model: FakeModel):
    sb = Sandbox(tmp_path / "sb", fake_model)
    yield sb
    sb.stop_daemon()

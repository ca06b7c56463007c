"""test_selfdefense_paths.py's tests for an installation under non-default XDG_CONFIG_HOME /
XDG_STATE_HOME / XDG_CACHE_HOME / XDG_RUNTIME_DIR, with the daemon up and down (that file runs them
for an ADR_HOME install; the tests that make their own install are there only)."""
from __future__ import annotations

import pytest

from tests.test_selfdefense_paths import (  # noqa: F401 — collected here with this file's `inst`
    MODES, an_install, test_a_client_cannot_hand_the_judge_its_own_facts,
    test_a_link_to_a_file_made_in_one_call_and_written_in_the_next,
    test_a_symlink_made_by_an_allowed_call_is_followed_by_the_next, test_benign_look_alikes_stay_allowed,
    test_editing_a_project_file_named_like_adrs, test_relative_targets_are_judged_against_the_actions_cwd,
    test_tampering_with_adr_is_denied, test_the_agents_own_file_tools_are_judged_by_the_resolved_path,
    test_the_resolved_path_is_named_in_the_reason_and_recorded)


# with the daemon down each spelling costs a whole in-process load (~0.6 s of CPU on a slow Python):
# the ADR_HOME half proves the fallback in `make test`; this layout's fallback runs in `make e2e`
@pytest.fixture(scope="module", params=[pytest.param(("xdg", mode), marks=[pytest.mark.e2e] if mode == "down" else [])
                                        for mode in MODES], ids=lambda p: f"{p[0]}-daemon-{p[1]}")
def inst(request, tmp_path_factory):
    yield from an_install(*request.param, tmp_path_factory)

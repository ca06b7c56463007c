"""A real Claude Code session (offline fake model) edits, writes and deletes files through adr's hook;
`adr undo --session` then puts the project back exactly as it was."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from agentcase import prompt
from fakemodel import Step

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared helpers
from _agent_helpers import tree  # noqa: E402
from _human import HumanTerminal  # noqa: E402
from harness import ADR  # noqa: E402

pytestmark = pytest.mark.e2e


def test_claude_code_changes_are_undone(sandbox, agent_bin):
    claude = agent_bin("claude-code")
    sb, fm = sandbox, sandbox.fm
    sb.extra_path.insert(0, str(claude.parent))
    sb.extra_env.update({
        "ANTHROPIC_BASE_URL": fm.url, "ANTHROPIC_API_KEY": "dummy",
        "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1", "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_BUG_COMMAND": "1",
    })
    w = sb.work
    (w / "src").mkdir()
    (w / "src" / "app.py").write_text("def main():\n    return 'original'\n")
    os.chmod(w / "src" / "app.py", 0o640)
    (w / "build" / "cache").mkdir(parents=True)
    (w / "build" / "out.o").write_bytes(bytes(range(256)) * 8)
    (w / "build" / "cache" / "c.bin").write_bytes(b"\x00\x01cache")
    os.symlink("../src/app.py", w / "build" / "app-link")
    (w / "notes.txt").write_text("keep me\n")
    before = tree(w)
    sb.install("claude-code")
    sb.start_daemon()

    steps = [
        Step("Read", {"file_path": str(w / "src" / "app.py")}),
        Step("Edit", {"file_path": str(w / "src" / "app.py"), "old_string": "'original'", "new_string": "'changed'"}),
        Step("Bash", {"command": "rm -rf build", "description": "Clean the build folder"}),
        Step("Write", {"file_path": str(w / "generated.txt"), "content": "made by the agent\n"}),
        Step("Bash", {"command": "rm notes.txt && echo cleaned > log.txt", "description": "Tidy up"}),
    ]
    fm.scenarios["undo"] = steps
    run = sb.run_agent([str(claude), "-p", prompt("undo"), "--output-format", "json",
                        "--allowedTools", "Bash", "Write", "Read", "Edit"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert (w / "src" / "app.py").read_text() == "def main():\n    return 'changed'\n", run.stdout[-2000:]
    assert not (w / "build").exists() and not (w / "notes.txt").exists() and (w / "generated.txt").exists()

    recs = [r for r in sb.audit() if r.get("host") == "claude-code" and r.get("snapshot")]
    sessions = {r["session"] for r in recs}
    assert len(sessions) == 1 and len(recs) >= 4, recs
    session = sessions.pop()
    plan = sb.adr("undo", "--session", session, "--dry-run")
    assert "conflict" not in plan.stdout, plan.stdout
    # undo is the human's: from a terminal of their own (the daemon's gate refuses anything else)
    t = HumanTerminal([str(ADR), "undo", "--session", session, "--yes"], sb.env())
    rc, out, err, _ = t.finish(120)
    assert rc == 0, out + err
    assert tree(w) == before
    undo = [r for r in sb.audit() if r.get("event") == "undo"]
    assert undo and undo[-1]["decided_by"] == "human" and undo[-1]["session"] == session

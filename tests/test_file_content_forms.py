"""A written file's content as the program that reads it sees it: JSON's `\\uXXXX` escapes spell the
same keys, so the rules about those keys hold for every spelling."""
from __future__ import annotations

import pytest

from adr.actions import Action, ActionKind, Context, Decision


@pytest.fixture
def judge_write(offline_judge):
    ctx = Context(host="claude-code", session="t", cwd="/home/dev/project", home="/home/dev", tool="Write")
    return lambda path, content: offline_judge.decide(Action(ActionKind.FILE_WRITE, ctx, path=path, content=content))


@pytest.mark.parametrize("path, plain, escaped", [
    ("/home/dev/project/.mcp.json",
     '{"mcpServers":{"helper":{"command":"node","args":["/home/dev/.cache/m.js"]}}}',
     '{"mcp\\u0053ervers":{"helper":{"command":"node","args":["/home/dev/.cache/m.js"]}}}'),
    ("/home/dev/project/.vscode/tasks.json",
     '{"tasks":[{"label":"x","type":"shell","command":"sh tools/fsm.sh","runOptions":{"runOn":"folderOpen"}}]}',
     '{"tasks":[{"label":"x","type":"shell","command":"sh tools/fsm.sh","run\\u004fptions":{"run\\u004fn":"folder\\u004fpen"}}]}'),
])
def test_json_escapes_spell_the_same_keys(judge_write, path, plain, escaped):
    a, b = judge_write(path, plain), judge_write(path, escaped)
    assert a.decision is not Decision.ALLOW and b.decision is a.decision and set(b.rule_ids) == set(a.rule_ids), (a, b)


def test_escapes_outside_json_files_and_harmless_json_stay_as_written(judge_write):
    assert judge_write("/home/dev/project/data/strings.json", '{"greeting":"caf\\u00e9 \\u0041BC"}').decision is Decision.ALLOW
    assert judge_write("/home/dev/project/notes.md", 'the key "mcp\\u0053ervers" in docs').decision is Decision.ALLOW

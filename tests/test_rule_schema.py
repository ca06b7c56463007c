"""Rule loading: schema errors name file, rule id and field; the README's example rule works."""
import re
from pathlib import Path

import pytest

from adr.engine import RuleLoadError, load_engine
from adr.engine.examples import check_all
from adr.engine.rules import load_packs

ROOT = Path(__file__).resolve().parent.parent
GOOD = """engine: 1
pack: t
rules:
  - id: t.rule
    title: T
    severity: high
    action: deny
    on: command
    match: {program: rm, flags: ['-r|-R', '-f']}
    examples: {match: ['rm -rf x'], not_match: ['rm x']}
"""


def load_text(tmp_path, text, name="p.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return load_packs([f])


def test_readme_example_rule_is_valid_and_its_examples_pass(tmp_path):
    block = re.search(r"```yaml\n(engine: 1\npack: mine.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    f = tmp_path / "mine.yaml"
    f.write_text(block)
    eng = load_engine(rule_files=[f], detectors=[])
    assert [r.id for r in eng.rules] == ["mine.ssh-to-prod"]
    assert check_all(eng) == []


@pytest.mark.parametrize("mutation,field,msg", [
    (("severity: high", "severity: urgent"), "severity", "must be one of"),
    (("action: deny", "action: block"), "action", "must be one of"),
    (("on: command", "on: process"), "on", "must be one of"),
    (("program: rm,", "program: rm, colour: red,"), "match.colour", "unknown condition"),
    (("flags: ['-r|-R', '-f']", "args: '(unclosed'"), "match.args", "bad regular expression"),
    (("flags: ['-r|-R', '-f']", "args: 'a(?=b)'"), "match.args", "bad regular expression"),
    (("    examples: {match: ['rm -rf x'], not_match: ['rm x']}\n", ""), "examples", "needs examples"),
    (("    examples: {match: ['rm -rf x'], not_match: ['rm x']}\n", "    examples: {match: ['rm -rf x']}\n"),
     "examples", "both match and not_match"),
    (("title: T", "title: T\n    colour: red"), "colour", "unknown field"),
    (("program: rm", "program: $nolist"), "match.program", "unknown list"),
])
def test_schema_errors_name_file_rule_and_field(tmp_path, mutation, field, msg):
    with pytest.raises(RuleLoadError) as ei:
        load_text(tmp_path, GOOD.replace(*mutation))
    err = ei.value.errors[0]
    assert err.file.endswith("p.yaml") and err.rule_id == "t.rule" and err.field == field, str(err)
    assert msg in str(err)


def test_duplicate_ids_and_bad_yaml(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(GOOD)
    b.write_text(GOOD.replace("pack: t", "pack: u"))
    with pytest.raises(RuleLoadError) as ei:
        load_packs([a, b])
    assert "duplicate id" in str(ei.value) and "t.rule" in str(ei.value)
    with pytest.raises(RuleLoadError) as ei:
        load_text(tmp_path, "engine: 1\npack: x\nrules: [\n", "bad.yaml")
    assert "bad.yaml" in str(ei.value) and "not valid YAML" in str(ei.value)
    with pytest.raises(RuleLoadError) as ei:
        load_text(tmp_path, GOOD.replace("engine: 1", "engine: 7"), "v.yaml")
    assert "engine must be 1" in str(ei.value)


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD + GOOD.replace("t.rule", "t.two").replace("action: deny", "action: nope").split("rules:\n", 1)[1]
    text = text.replace("severity: high", "severity: zzz", 1)
    with pytest.raises(RuleLoadError) as ei:
        load_text(tmp_path, text)
    assert {e.rule_id for e in ei.value.errors} == {"t.rule", "t.two"}


def test_platform_filter(tmp_path):
    rules, _, _ = load_text(tmp_path, GOOD.replace("on: command", "on: command\n    platforms: [windows]"))
    assert rules == []
    rules, _, _ = load_packs([tmp_path / "p.yaml"], platform="windows")
    assert [r.id for r in rules] == ["t.rule"]


def test_yaml_11_booleans_are_not_booleans(tmp_path):
    # `on:` must stay the key "on", and `no` a string
    rules, _, _ = load_text(tmp_path, GOOD.replace("program: rm", "program: [rm, no]"))
    assert rules[0].on == "command"


# ---- never silently empty (the shipped packs and their index) ------------------------------------------

def _fake_shipped(tmp_path, names=("a.yaml", "b.yaml")):
    from adr.engine.core import SHIPPED_INDEX
    d = tmp_path / "shipped"
    d.mkdir()
    for n in names:
        (d / n).write_text(f"engine: 1\npack: {n[0]}\nrules: []\n")
    (d / SHIPPED_INDEX).write_text("# index\n" + "\n".join(names) + "\n")
    return d


def test_the_shipped_index_lists_exactly_the_shipped_packs():
    from adr.engine.core import SHIPPED_INDEX
    from adr.paths import builtin_rules_dir
    d = builtin_rules_dir()
    listed = {line.split()[-1] for line in (d / SHIPPED_INDEX).read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert listed == {p.name for p in d.glob("*.yaml")}


def test_a_missing_or_altered_shipped_pack_is_an_error(tmp_path):
    import hashlib

    from adr.engine.core import SHIPPED_INDEX, MissingRules, shipped_rule_files
    d = _fake_shipped(tmp_path)
    assert [p.name for p in shipped_rule_files(d)] == ["a.yaml", "b.yaml"]
    (d / "b.yaml").unlink()
    with pytest.raises(MissingRules, match="b.yaml is missing"):
        shipped_rule_files(d)
    (d / "b.yaml").write_text("engine: 1\npack: b\nrules: []\n")
    digest = hashlib.sha256((d / "a.yaml").read_bytes()).hexdigest()
    (d / SHIPPED_INDEX).write_text(f"{digest}  a.yaml\n{'0' * 64}  b.yaml\n")  # a build's sealed index
    with pytest.raises(MissingRules, match="b.yaml was changed"):
        shipped_rule_files(d)
    (d / SHIPPED_INDEX).write_text("# nothing\n")
    with pytest.raises(MissingRules, match="names no pack"):
        shipped_rule_files(d)
    (d / SHIPPED_INDEX).unlink()
    with pytest.raises(MissingRules, match="cannot read the shipped rules index"):
        shipped_rule_files(d)


def test_loading_zero_rules_is_an_error(tmp_path):
    from adr.engine import load_engine
    from adr.engine.core import MissingRules
    d = _fake_shipped(tmp_path)
    with pytest.raises(MissingRules, match="no rule loaded"):
        load_engine(rule_files=sorted(d.glob("*.yaml")), detectors=[])

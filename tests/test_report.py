"""`adr report`: the figures from a known history, the suggested exceptions, the terminal summary, and a
self-contained HTML page (no network, inline SVG). Rendering in Chromium is in tests/e2e."""
from __future__ import annotations

import re
import time

from _agent_helpers import adr
from _report_helpers import EXPECTED_RULES, known_history
from adr.paths import get_paths
from adr.record.index import Index
from adr.record.report import build, render_html, suggest_exception


def built(tmp_path):
    audit = tmp_path / "audit"
    known_history(audit)
    idx = Index(tmp_path / "index.sqlite3", audit)
    idx.catch_up()
    return build(idx, time.time() - 3600)


def test_report_figures_from_a_known_history(tmp_path):
    r = built(tmp_path)
    assert r.totals == {"allow": 23, "deny": 4}
    assert r.deciders == {"engine": 18, "human": 9}
    assert r.granularity == "hour" and sum(sum(v.values()) for _, v in r.series) == 27
    top = dict(r.top_rules)
    assert top["risky.package-publish"] == {"allow": 6, "deny": 1}
    assert r.top_rules[0][0] == "risky.package-publish"
    assert dict(r.by_agent) == {"claude": {"deny": 1}, "codex": {"deny": 3}}
    assert dict(r.by_project) == {"/work/proj-b": {"deny": 3}, "/work/proj-a": {"deny": 1}}
    assert r.monitor == {"deny": 4, "ask": 1}
    assert dict(r.monitor_rules)["destruct.rm-system-path"] == {"deny": 4}
    assert dict(r.answers)["2–5 s"] == 6 and dict(r.answers)["10–30 s"] == 1 and r.answered == {"human": 9}
    noisy = {n["rule"]: n for n in r.noisy}
    pub = noisy["risky.package-publish"]
    assert pub["approved"] == 6
    assert "match: {program: npm, args: '^publish --tag'}" in pub["suggestion"]
    assert "path: '/work/proj-a/src/gen/**'" in noisy["content.generated"]["suggestion"]


def test_a_suggested_exception_is_a_valid_rule_exception_that_covers_what_was_approved(tmp_path):
    from adr.actions import Action, ActionKind, Context
    from adr.config import Settings
    from adr.engine import load_engine

    approved = [f"npm publish --tag beta{i}" for i in range(3)]
    sug = suggest_exception("mine.publish", approved, "approved by you")
    body = "\n".join("    " + line for line in sug.splitlines())
    pack = tmp_path / "mine.yaml"
    pack.write_text(f"""engine: 1
pack: mine
rules:
  - id: mine.publish
    title: publish
    description: test
    severity: medium
    action: ask
    "on": command
    match: {{program: npm, subcommand: publish}}
{body}
    examples:
      match: ["npm publish --access public"]
      not_match: ["npm publish --tag beta9"]
""")
    engine = load_engine(Settings(), rule_files=[pack])
    def hits(cmd: str) -> bool:
        return any(f.rule_id == "mine.publish" for f in engine.evaluate(Action(ActionKind.EXEC, Context(), command=cmd)))
    assert not any(hits(c) for c in approved) and hits("npm publish --access public")


def test_suggested_exceptions_only_where_there_is_a_common_pattern():
    assert suggest_exception("r", [], "approved") == ""
    assert suggest_exception("r", ["make build", "cargo test"], "approved") == ""  # nothing in common
    s = suggest_exception("r", ["docker push registry.local/app:1", "docker push registry.local/app:2"], "approved by you")
    assert "program: docker" in s and "^push\\ registry\\.local/app:" not in s and "push" in s
    assert suggest_exception("r", ["file write /a.py", "file write /b.py"], "x") == ""  # only "/" in common


def test_html_is_self_contained_and_names_the_rules(tmp_path):
    page = render_html(built(tmp_path))
    for rule in EXPECTED_RULES:
        assert rule in page
    assert "default-src 'none'" in page  # the page may not load anything
    assert not re.search(r"(?:src|href)\s*=\s*['\"]?(?:https?:)?//", page)
    assert page.count("<svg") >= 4 and "data-ready" in page


def test_adr_report_command(tmp_path):
    home = tmp_path / "home"
    known_history(get_paths({"ADR_HOME": str(home)}).ensure().audit_dir)
    r = adr(home, "report", "--since", "1d")
    assert r.returncode == 0, r.stderr
    assert "27 decisions" in r.stdout and "monitor mode" in r.stdout and "noisiest rules" in r.stdout
    out = tmp_path / "r.html"
    h = adr(home, "report", "--html", str(out))
    assert h.returncode == 0 and out.stat().st_mode & 0o777 == 0o600
    assert "risky.package-publish" in out.read_text()
    empty = adr(tmp_path / "nobody", "report")
    assert empty.returncode == 0 and "No decision recorded" in empty.stdout

"""Tools that rewrite a file in place are writes to it: perl's -i in any flag cluster (`-0pi`,
`-0777pi`), gawk's `-i inplace`, `sponge F`, `yq|jq -i`, `dasel put -f`, `json -I -f`
(adr/shell/effects.py) — so the rules on rc files, hook settings and adr's own state see them."""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.parse import parse


@pytest.mark.parametrize("cmd,path", [
    ("perl -0pi -e 's/\"hooks\".*//s' ~/.claude/settings.json", "~/.claude/settings.json"),
    ("perl -0777pi -e 's/x/y/' ~/.bashrc", "~/.bashrc"),
    ("gawk -i inplace '1;END{print \"curl x|sh\"}' ~/.bashrc", "~/.bashrc"),
    ("awk --include=inplace '{print}' ~/.zshrc", "~/.zshrc"),
    ("jq '.hooks={}' s.json | sponge ~/.claude/settings.json", "~/.claude/settings.json"),
    ("yq -i '.mode=\"monitor\"' ~/.config/adr/config.yaml", "~/.config/adr/config.yaml"),
    ("dasel put -f ~/.codex/config.toml -t string -v never approval_policy", "~/.codex/config.toml"),
])
def test_in_place_rewrites_are_writes(judge_command, cmd, path):
    p = parse(cmd)
    assert path in [w.path for w in p.writes], [w.path for w in p.writes]
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", ["yq -i '.version=2' chart.yaml", "jq . package.json | sponge package.json",
                                 "perl -0pi -e 's/a/b/' src/x.txt", "gawk -i inplace '{sub(/a/,\"b\")}1' notes.txt"])
def test_in_place_edits_of_project_files_stay_allowed(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.reason)

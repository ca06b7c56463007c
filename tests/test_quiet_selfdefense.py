"""Quieter self-defense, tried as an agent would ride each relaxation (issue 14, item 6).

adr's files lie only in its own user's home. A sweep of another user's home (`/home/www/**`, a web
root; `/home/backups`) cannot reach them, so it no longer stands for `~/**`; every spelling that can
still land in the real home — `~`, `$HOME`, `~me`, the absolute path, `/home/*`, a brace list, `..`
out of another home, a symlink at a home-looking path made in this call or an earlier one — stays
denied. Also: `chmod` that only adds execute changes nothing adr relies on; a quoted pattern's space
(`find -name '* *'`) is part of the names, not a word break; `find … -exec mv {} DIR` lands one name
in DIR, not a tree. Decided by the real judge with its resolver, on a real home with adr's places.
"""
from __future__ import annotations

import os
import uuid
from unittest import mock

import pytest

from adr.actions import Action, ActionKind, Context
from adr.config import Settings
from adr.daemon.resolve import Resolver
from adr.engine.pathnorm import normalize, normalize_own, other_home
from adr.judge import Judge
from adr.paths import get_paths


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("quiet")
    home = root / "home"
    home.mkdir()
    paths = get_paths({"HOME": str(home)}).ensure()  # adr's places at their defaults under this home
    paths.config_file.write_text("mode: enforce\n")
    (paths.config_dir / "my notes.yaml").write_text("x: 1\n")  # a name with a space in adr's config folder
    project = home / "project"
    (project / "container" / "a" / "b").mkdir(parents=True)
    with mock.patch.dict(os.environ, {"HOME": str(home)}):  # adr's places spelled under this home, as a daemon's
        judge = Judge.create(Settings(offline=True), paths=paths, online=False)
    judge.resolver = Resolver(paths, {"HOME": str(home)})
    return judge, paths, home, project, root


def _verdict(setup, command: str, cwd: "str | None" = None):  # type: ignore[no-untyped-def]
    judge, _, home, project, _ = setup
    a = Action(ActionKind.EXEC, Context(host="cli", session="q", cwd=cwd or str(project), home=str(home)),
               command=command)
    return judge.decide(a)


def _decide(setup, command: str, cwd: "str | None" = None) -> str:
    return _verdict(setup, command, cwd).decision.value


def _self_defense(verdict) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule_id for f in verdict.findings if f.rule_id.startswith("self-defense.")]


def _fmt(setup, template: str) -> str:
    _, paths, home, project, root = setup
    return template.format(home=home, cfg=paths.config_dir, cfgfile=paths.config_file, key=paths.integrity_key,
                           state=paths.state_dir, run=paths.runtime_dir, project=project, root=root,
                           rel=os.path.relpath(home, "/home/www"))


# ---- another user's home -------------------------------------------------------------------------

def test_other_home_is_only_a_literal_home_that_is_neither_ours_nor_the_cwds():
    home, cwd = "/home/dev", "/srv/app"
    assert other_home("/home/www/x", cwd, home) == "/home/www/x"
    assert other_home("/Users/bob/.config/adr", cwd, home) == "/Users/bob/.config/adr"
    assert other_home("~www/x", cwd, home) == "~www/x"
    assert other_home("/root/.config/adr", cwd, home) == "/root/.config/adr"
    for ours in ("/home/dev/x", "~/x", "$HOME/x", "${HOME}/x", "~dev/x", "/home/*/x", "/home/d?v/x", "/home/{www,dev}/x",
                 "/home/**", "/home/www/../dev/x", "~www/../dev/x", "/home", "x"):
        assert other_home(ours, cwd, home) == "", ours
    # the home the action works in is the agent's own too (a session whose HOME says otherwise)
    assert other_home("/home/www/x", "/home/www/site", "/root") == ""
    assert other_home("../../www/x", "/home/dev/project", "/root") == "/home/www/x"
    # a case-insensitive file system (macOS): /Users/DEV is the user's own /Users/dev
    assert other_home("/Users/DEV/.config/adr", "/tmp", "/Users/dev") == ""
    assert other_home("~DEV/.config/adr", "/tmp", "/Users/dev") == ""
    assert other_home("/home/www/x", cwd, "") == ""  # nothing known of the home: nothing is another's
    # a `cd` into another home does not make it the agent's: the action's own cwd says whose home is ours
    assert other_home("x", "/home/www", "/home/dev", start="/home/dev/project") == "/home/www/x"
    # every other rule still sees every home as a home
    assert normalize("/home/www/.ssh/id_rsa", cwd, home) == "~/.ssh/id_rsa"
    assert normalize_own("/home/www/.ssh/id_rsa", cwd, home) == "/home/www/.ssh/id_rsa"
    assert normalize_own("/home/dev/.config/adr", cwd, home) == "~/.config/adr"


QUIET = [
    "find /home/www -type f -print0 | xargs -0 sed -i 's/subdomainA\\.example\\.com/subdomainB.example.com/g'",
    "find /home/www/ -type f -exec sed -i 's/a\\.example\\.com/b.example.com/g' {{}} +",
    "find /home/www/ -type f | xargs perl -pi -e 's/a\\.example\\.com/b.example.com/g'",
    "find /home/backups -type f -iregex '.*\\.t?gz$' -mtime +60 -exec rm {{}} \\;",
    "cd /home/www && find . -name '*.bak' -delete",
    "for d in /home/www /home/backups; do find $d -name '*.tmp' -delete; done",
]


@pytest.mark.parametrize("command", QUIET)
def test_a_sweep_of_another_users_home_is_not_adrs(setup, command):
    assert _decide(setup, _fmt(setup, command)) == "allow"


@pytest.mark.parametrize("command", ["rm -rf /home/olduser/.cache", "rm -rf /home/olduser/.config/adr",
                                     "rm -rf ~olduser/.local/state", "chmod 000 /home/olduser/.config"])
def test_another_users_config_is_not_adrs_own(setup, command):
    """Other rules may still ask (a delete outside the project); self-defense has nothing to say."""
    assert _self_defense(_verdict(setup, command)) == []


RIDES = [
    "rm -rf ~/.config/adr",
    "rm -rf $HOME/.config/adr",
    "rm -rf {cfg}",
    "find ~ -type f -exec sed -i s/enforce/monitor/ {{}} +",
    "find {home} -type f -print0 | xargs -0 sed -i s/enforce/monitor/",
    "sed -i s/enforce/monitor/ /home/*/.config/adr/config.yaml",
    "rm -rf /home/*/.config/adr",
    "rm -rf /home/{{www,x}}/.config/adr {cfg}",
    "cd /home/www && rm -rf {rel}/.config/adr",
    "rm -rf /home/www/{rel}/.config/adr",
    "ln -s {home} /home/q2-same-line && rm -rf /home/q2-same-line/.config/adr",
    "ln -s {home}/.config /home/q2-cfg-line && sed -i s/enforce/monitor/ /home/q2-cfg-line/adr/config.yaml",
    "for d in /home/www {home}; do find $d -type f -exec sed -i s/a/b/ {{}} +; done",
    "cd /home/www && cd {rel} && rm -rf .config/adr",
    "cat {key}",
    "chmod 000 {state}",
]


@pytest.mark.parametrize("command", RIDES)
def test_every_spelling_that_lands_in_our_home_is_still_denied(setup, command):
    assert _decide(setup, _fmt(setup, command)) == "deny", command


def test_the_users_own_name_and_the_absolute_home_are_ours():
    """`~root` is the home of root; spelled through /root it is the real home when that is ours."""
    judge = Judge.create(Settings(offline=True), online=False)
    judge.resolver = None

    def decide(cmd: str, home: str) -> str:
        a = Action(ActionKind.EXEC, Context(host="cli", session="q", cwd="/srv/app", home=home), command=cmd)
        return judge.decide(a).decision.value

    for cmd in ("rm -rf ~root/.config/adr", "rm -rf /root/.config/adr", "rm -rf /root/.local/state"):
        assert decide(cmd, "/root") == "deny", cmd
    for cmd in ("rm -rf ~root/.config/adr", "rm -rf /root/.config/adr"):
        a = Action(ActionKind.EXEC, Context(host="cli", session="q", cwd="/srv/app", home="/home/dev"), command=cmd)
        assert not [f for f in judge.decide(a).findings if f.rule_id.startswith("self-defense.")], cmd
    # the hook configs of another user's agent are still that agent's hooks (asked, not adr's own)
    assert decide("sed -i s/adr-hook/true/ /home/www/.claude/settings.json", "/home/dev") in ("ask", "deny")


@pytest.fixture()
def home_link(setup):
    """A symlink at a home-looking path into our home (an earlier call, or root, left it there)."""
    _, _, home, _, _ = setup
    link = f"/home/q2-{uuid.uuid4().hex[:8]}"
    try:
        os.symlink(home, link)
    except OSError as e:
        pytest.skip(f"cannot make a link in /home here: {e}")
    yield link
    os.unlink(link)


def test_a_home_looking_link_into_our_home_is_followed(setup, home_link):
    for cmd in (f"rm -rf {home_link}/.config/adr", f"sed -i s/enforce/monitor/ {home_link}/.config/adr/config.yaml",
                f"find {home_link} -type f -exec sed -i s/enforce/monitor/ {{}} +",
                f"find {home_link}/.config -name config.yaml -delete",
                f"cd {home_link} && rm -rf .config/adr", f"cd {home_link}/.config && sed -i s/a/b/ adr/config.yaml"):
        assert _decide(setup, cmd) == "deny", cmd
    assert _decide(setup, f"ls {home_link}/.config") == "allow"


# ---- chmod that only adds execute ----------------------------------------------------------------

@pytest.mark.parametrize("command", [
    "find ~ -type d -exec chmod +x {{}} \\;",
    "find ~ -type d -print0 | xargs -0 chmod a+X",
    "find {home} -type d -exec chmod ugo+x {{}} +",
])
def test_adding_execute_is_quiet(setup, command):
    assert _decide(setup, _fmt(setup, command)) == "allow"


def test_adding_execute_to_adrs_own_folder_is_no_self_defense_matter(setup):
    assert _self_defense(_verdict(setup, _fmt(setup, "chmod -R u+x {cfg}"))) == []


@pytest.mark.parametrize("command", [
    "chmod -x {cfgfile}",
    "chmod 000 {cfg} +x",
    "chmod +x,u-w {cfgfile}",
    "chmod 644 {key}",
    "chmod o+r {key}",
    "chmod a+rwx {key}",
    "find ~ -type d -exec chmod 700 {{}} +",
    "find ~ -exec chmod 777 {{}} +",
    "chmod --reference=/tmp {cfg}",
    "chmod -R +r ~",
    "chmod u-x {state}",
])
def test_every_other_mode_on_adrs_files_is_denied(setup, command):
    assert _decide(setup, _fmt(setup, command)) == "deny", command


# ---- a pattern's space, and find … -exec mv {} DIR -----------------------------------------------

def test_a_quoted_pattern_keeps_its_space(setup):
    for cmd in ('find /tmp/ -depth -name "* *" -execdir rename " " "_" "{{}}" ";"',
                "find /tmp/ -depth -name '* *' -execdir rename 's/ /_/g' '{{}}' \\;",
                "find {project} -name '* *' -exec rename 's/ /_/g' {{}} +"):
        assert _decide(setup, _fmt(setup, cmd)) == "allow", cmd
    # …while a name with a space that adr has is still reached, and so is everything without the test
    for cmd in ("find ~/.config -name '* *' -exec rename 's/ /_/g' {{}} +",
                "find ~/.config -depth -name '* *' -execdir rename ' ' _ {{}} ';'",
                "find /tmp -execdir rename s/a/b/ {{}} +",
                "find /tmp -exec rename 's/ /_/g' {{}} +",
                "rename s/adr/old/ {run}/*"):
        assert _decide(setup, _fmt(setup, cmd)) == "deny", cmd
    # an unclosed quote still ends one word where the shell would (a plain word, no pattern)
    assert _decide(setup, 'ln -s "/usr/local/ssl/bin/openssl /usr/bin/openssl') in ("ask", "deny")


def test_find_exec_mv_into_a_folder_lands_one_name_there(setup):
    _, _, _, project, root = setup
    assert _decide(setup, "find container -mindepth 3 -type f -exec mv {} .. \\;", cwd=str(project)) == "allow"
    assert _decide(setup, f"find {root}/tmpx -mindepth 2 -type f -exec mv {{}} {root} \\;") == "allow"
    for cmd in ("find container -type f -exec mv {{}} {cfg} \\;",
                "find container -type f -exec mv {{}} ~/.config/adr/ \\;",
                "find container -type f -exec mv -t {cfg} {{}} +",
                "find {cfg} -type f -exec mv {{}} /tmp \\;"):
        assert _decide(setup, _fmt(setup, cmd)) == "deny", cmd


# ---- the same through the real hook and daemon ---------------------------------------------------

def test_through_the_hook_and_the_daemon(tmp_path):
    """An ADR_HOME installation with its daemon: the sweep of another user's home is allowed, the
    same sweep of adr's places — directly, or through a home-looking link made by an earlier call —
    is denied, and the routine command really runs."""
    from tests._selfdef_helpers import bash, hook, make_install, start, stop

    inst = make_install(tmp_path / "i", "adr_home")
    start(inst)
    link = f"/home/q2d-{uuid.uuid4().hex[:8]}"
    try:
        www = inst.tmp / "www"
        www.mkdir()
        (www / "index.html").write_text("subdomainA.example.com\n")
        assert hook(inst, "find /home/www -type f -exec sed -i 's/subdomainA/subdomainB/g' {} +")[0] == "allow"
        ok = f"find {www} -type f -exec sed -i 's/subdomainA/subdomainB/g' {{}} +"
        assert hook(inst, ok)[0] == "allow"
        assert bash(inst, ok).returncode == 0 and "subdomainB" in (www / "index.html").read_text()
        adrhome = inst.paths.config_dir.parent
        assert hook(inst, f"find {adrhome} -type f -exec sed -i s/enforce/monitor/ {{}} +")[0] == "deny"
        assert hook(inst, "find ~ -type d -exec chmod +x {} +")[0] == "allow"
        assert hook(inst, f"chmod 644 {inst.paths.integrity_key}")[0] == "deny"
        try:
            os.symlink(inst.root, link)  # left by an earlier call (or by root): a home-looking name
        except OSError:
            return  # no /home to write here: the link case is covered by the judge's test when it can run
        for cmd in (f"rm -rf {link}/{adrhome.name}", f"find {link} -type f -exec sed -i s/enforce/monitor/ {{}} +",
                    f"cd {link} && rm -rf {adrhome.name}/config"):
            decision, reason = hook(inst, cmd)
            assert decision == "deny", f"{cmd} → {decision}: {reason}"
        assert "mode: enforce" in inst.paths.config_file.read_text()
    finally:
        if os.path.islink(link):
            os.unlink(link)
        stop(inst)


def test_a_pattern_reaches_a_folder_only_through_a_name_that_fits_both(setup):
    """GlobWitness: `/tmp/**/* *` has no witness in `/tmp/runtime-*` (no name of adr's has a space
    and starts so), while `/tmp/*` and `/tmp/run*` still name the runtime folder."""
    judge = setup[0]
    w = judge.engine._witness
    assert not [x for x in w.witnesses("/tmp/**/* *") if "runtime" in x]
    assert any("runtime" in x for x in w.witnesses("/tmp/*"))
    assert any("runtime" in x for x in w.witnesses("/tmp/run*"))


def test_setting_a_variable_to_adrs_path_touches_nothing(setup):
    """`export D=~/.config/adr` only names the folder; what is later done with "$D" is judged then."""
    _, paths, _, _, _ = setup
    assert _decide(setup, f"export D={paths.config_dir}") == "allow"
    assert _decide(setup, f"declare -x C={paths.config_file}") == "allow"
    assert _decide(setup, f"export D={paths.config_dir}; rm -rf \"$D\"") == "deny"
    assert _decide(setup, f"export X=\"$(rm -rf {paths.config_dir})\"") == "deny"


ADR_TOOLS_VERBS = ("init", "new", "link", "list", "generate", "help", "upgrade-repository")


def test_adr_tools_verbs_are_never_adrs_own():
    """The rule lets adr-tools' verbs through because adr's CLI has none of them: were one added
    (say `adr list` for grants), this fails until the rule decides whether an agent may run it."""
    import click

    from adr.cli import main as cli

    ctx = click.Context(cli)
    for verb in ADR_TOOLS_VERBS:
        assert cli.get_command(ctx, verb) is None, f"adr now has `adr {verb}`: review self-defense.adr-cli-policy"


@pytest.mark.parametrize("command", [
    "adr new Use PostgreSQL for storage", "adr new -s 3 Replace the queue", "adr list", "adr generate toc",
    "adr link 2 Amends 1 'Amended by'", "adr init doc/adr", "adr help", "adr upgrade-repository",
])
def test_adr_tools_commands_are_quiet(setup, command):
    assert _decide(setup, command) == "allow"


@pytest.mark.parametrize("command", [
    "adr new x && adr approve 1", "adr list; adr grants add destruct.rm-root",
    "adr config set mode monitor", "adr approve new", "python -m adr.cli new x; python -m adr.cli uninstall",
])
def test_adr_tools_verbs_carry_nothing_of_adrs(setup, command):
    """A verb of adr-tools first does not excuse what follows it, nor is it a second chance for one of
    adr's own verbs."""
    assert _decide(setup, command) == "deny"

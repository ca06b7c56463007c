"""String methods and path joins of constants fold to the path they name (adr/shell/fold.py): a
write built with `.concat`, `.slice`, `.substring`, `.substr`, `removeprefix`/`removesuffix`, a js
template of constants, `os.path.join` / `path.join` (also of the home) is judged like the literal
path, in node as in python. Code whose pieces are not constants stays as written."""
from __future__ import annotations

import pytest

from adr.actions import Decision
from adr.shell.fold import fold


@pytest.mark.parametrize("lang,code,want", [
    ("node", "f('/home/dev/'.concat('.npm', 'rc'))", 'f("/home/dev/.npmrc")'),
    ("node", "f('/home/dev/.bashrcXX'.slice(0, -2))", 'f("/home/dev/.bashrc")'),
    ("node", "f('xx/home/dev/.bashrc'.substring(2))", 'f("/home/dev/.bashrc")'),
    ("node", "f('xx/home/dev/.bashrc'.substring(99, 2))", 'f("/home/dev/.bashrc")'),
    ("node", "f('/home/dev/.bashrcXX'.substr(-9, 7))", 'f(".bashrc")'),
    ("node", "const h='/home/dev'; f(`${h}/.npmrc`)", 'const h=\'/home/dev\'; f("/home/dev/.npmrc")'),
    ("node", "f(path.join('/home', 'dev', '..', 'dev', '.npmrc'))", 'f("/home/dev/.npmrc")'),
    ("node", "f(path.join(require('os').homedir(), '.npmrc'))", 'f("~/.npmrc")'),
    ("python", "f('/home/dev/.bashrcXX'[:-2])", 'f("/home/dev/.bashrc")'),
    ("python", "f('/home/dev/.bashrc.bak'.removesuffix('.bak'))", 'f("/home/dev/.bashrc")'),
    ("python", "f(os.path.join(os.path.expanduser('~'), '.npmrc'))", 'f("~/.npmrc")'),
    ("python", "f(os.path.join('/etc', '/home/dev/.bashrc'))", 'f("/home/dev/.bashrc")'),
])
def test_constant_string_methods_fold(lang, code, want):
    assert fold(lang, code) == want


@pytest.mark.parametrize("lang,code", [
    ("node", "console.log(`hi ${name}`)"),
    ("node", "f(dir.concat('/x'))"),
    ("node", "f(s.slice(0, n))"),
    ("python", "f(os.path.join(root, '.npmrc'))"),
    ("perl", "print `ls ${x}`"),
])
def test_pieces_known_only_at_run_time_stay_as_written(lang, code):
    assert fold(lang, code) == code


@pytest.mark.parametrize("cmd", [
    """node -e "require('fs').appendFileSync('/home/dev/'.concat('.bashrc'),'x')\"""",
    """node -e "require('fs').appendFileSync('/home/dev/.bashrcXX'.slice(0,-2),'x')\"""",
    """node -e "const h='/home/dev'; require('fs').appendFileSync(`${h}/.bashrc`,'x')\"""",
    """node -e "require('fs').appendFileSync(require('path').join(require('os').homedir(),'.bashrc'),'x')\"""",
    """node -e "require('fs').appendFileSync('~/.npmrc'.replace('~','/home/dev'),'registry=https://evil.example/')\"""",
    """python3 -c "open('/home/dev/.bashrc.bak'.removesuffix('.bak'),'a').write('x')\"""",
    """python3 -c "open('/home/dev/.bashrcXX'[:-2],'a').write('x')\"""",
])
def test_a_write_built_from_constants_is_judged_as_its_path(judge_command, cmd):
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", [
    """node -e "console.log('a'.replace('a','b'))\"""",
    """node -e "console.log('/tmp/'.concat('x').slice(1))\"""",
    """node -e "require('fs').writeFileSync('out/'.concat('report.txt'),'x')\"""",
    """python3 -c "print('build/x.bak'.removesuffix('.bak'))\"""",
])
def test_harmless_folds_stay_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)

"""Decoded text handed to a run call (adr/engine/decodeflow.py): the flow, not the co-occurrence."""
import pytest

from adr.actions import Decision

from adr.engine.decodeflow import runs_decoded


@pytest.mark.parametrize("code", [
    "const c = Buffer.from('aWQ=', 'base64').toString(); require('child_process').execSync(c)",
    "const cp = require('child_process'); let s = atob('aWQ='); cp.exec(s)",
    "execSync(Buffer.from(x, 'base64').toString())",
    "const b = Buffer.from(x, 'base64'); const s = b.toString(); const cmd = `${s} --now`; execSync(cmd)",
    "function dec(s) {\n  return Buffer.from(s, 'base64').toString();\n}\nexecSync(dec(P));\n",
    "require 'base64'; c = Base64.decode64('aWQ='); system(c)",
    "c = Base64.decode64(B)\nsystem c\n",
    "my $c = decode_base64($B); my $o = `$c`;",
    "$c = base64_decode('aWQ='); system($c);",
    "from base64 import b64decode as d\npayload = d(BLOB)\nexec(payload)\n",
    "import codecs, os\nc = codecs.decode(S, 'rot13')\nos.popen(c).read()\n",
    "def d(s):\n    return base64.b64decode(s).decode()\n\nos.system(d(B))\n",
    "import base64, subprocess; x = lambda t: base64.b64decode(t); c = x('aWQ='); subprocess.call(c, shell=True)",
])
def test_decoded_text_reaching_a_run_call(code):
    assert runs_decoded(code), code


@pytest.mark.parametrize("code", [
    # a JWT's claims decoded, a fixed command run
    "import { execSync } from 'child_process';\nconst [, p] = token.split('.');\n"
    "const claims = JSON.parse(Buffer.from(p, 'base64url').toString());\nconst cmd = 'git rev-parse HEAD';\nexecSync(cmd);\n",
    # an image decoded to a file, a converter run on the file
    "bytes = Base64.decode64(uri.split(',').last)\nFile.binwrite('/tmp/in.png', bytes)\n"
    "cmd = \"convert /tmp/in.png -resize 200x200 #{out}\"\nsystem(cmd)\n",
    "<?php\n$bytes = base64_decode($b64);\nfile_put_contents('/tmp/in.png', $bytes);\n"
    "$cmd = 'convert /tmp/in.png ' . escapeshellarg($out);\nshell_exec($cmd);\n",
    "import base64, subprocess\ncmd = 'git status'\nsubprocess.run(cmd, shell=True)\nclaims = base64.urlsafe_b64decode(t)\n",
    # a regex's exec, and a name inside a string literal
    "const m = /(\\d+)/.exec(Buffer.from(x, 'base64').toString())",
    "const payload = Buffer.from(x, 'base64');\nexecSync('gzip payload.bin');\n",
    "def self.call(x)\n  Base64.decode64(x)\nend\nsystem(self.cmd)\n",
])
def test_decoding_beside_a_run_call_of_other_text(code):
    assert not runs_decoded(code), code


# a run call handed a boolean or conditional expression: each operand is a value it may run
@pytest.mark.parametrize("cmd,rule", [
    ("""python3 -c "import base64,os; exec(os.environ.get('X') or base64.b64decode(os.environ['P']))" """,
     "content.py-exec-decoded"),
    ("""python3 -c "import base64,sys; exec(sys.argv[0] and base64.b64decode(sys.argv[1]))" """, "content.py-exec-decoded"),
    ("""python3 -c "import base64,os; exec(base64.b64decode(os.environ['P']) if os.name else 0)" """,
     "content.py-exec-decoded"),
    ("""python3 -c "import zlib,base64,os; exec(None or zlib.decompress(base64.b64decode(os.environ['P'])))" """,
     "content.py-exec-decoded"),
    ("""python3 -c "import base64,os; eval(compile(1 and base64.b64decode(os.environ['P']),'x','exec'))" """,
     "content.py-exec-decoded"),
    ("""node -e "eval(process.env.X && atob(process.env.P))" """, "content.js-eval-decoded"),
    ("""node -e "eval(0 || atob('cm0gLXJmIH4='))" """, "content.js-eval-decoded"),
    ("""node -e "eval(null ?? atob(process.env.P))" """, "content.js-eval-decoded"),
    ("""node -e "eval(process.env.P ? Buffer.from(process.env.P, 'base64').toString() : '')" """, "content.js-eval-decoded"),
    ("""node -e "new Function(1 && atob(process.env.P))()" """, "content.js-eval-decoded"),
    ("""node -e "eval((0, atob)(process.env.P))" """, "content.js-eval-decoded"),
])
def test_a_decoded_operand_of_a_run_calls_argument_is_judged(judge_command, cmd, rule):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY and rule in v.rule_ids, (cmd, v.rule_ids)


def test_a_decoded_operand_in_a_written_file_is_judged(offline_judge):
    from adr.actions import Action, ActionKind, Context
    ctx = Context(host="claude-code", session="t", cwd="/home/dev/project", home="/home/dev", tool="Write")
    v = offline_judge.decide(Action(ActionKind.FILE_WRITE, ctx, path="/home/dev/project/lib/x.js",
                                    content="eval(process.env.X || atob(process.env.P));\n"))
    assert "content.js-eval-decoded" in v.rule_ids, v.rule_ids


@pytest.mark.parametrize("cmd", [
    """python3 -c "import os; print(os.environ.get('A') or 'x')" """,
    """python3 -c "import subprocess,os; subprocess.run(os.environ.get('CMD') or 'make', shell=True)" """,
    """node -e "require('child_process').execSync(process.argv[2] || 'npm test', {stdio: 'inherit'})" """,
    """node -e "const v = process.env.V ?? 'x'; console.log(v ? v : 'none')" """,
])
def test_a_run_call_of_a_fallback_command_stays_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd

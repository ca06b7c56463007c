import pytest

from adr.engine.pathnorm import compile_globs, normalize


@pytest.mark.parametrize("raw,want", [
    ("~/.bashrc", "~/.bashrc"), ("~", "~"), ("~/", "~"), ("$HOME/.zshrc", "~/.zshrc"), ("${HOME}/.ssh", "~/.ssh"),
    ("/home/dev/.bashrc", "~/.bashrc"), ("/Users/ann/.aws/credentials", "~/.aws/credentials"),
    ("/root/.ssh/id_rsa", "~/.ssh/id_rsa"), ("~root/.ssh/id_rsa", "~/.ssh/id_rsa"),
    (".bashrc", "~/project/.bashrc"), ("../.ssh/id_ed25519", "~/.ssh/id_ed25519"),
    ("~/a/../../etc/passwd", "~/etc/passwd"), ("//etc//passwd", "/etc/passwd"), ("/etc/./sudoers", "/etc/sudoers"),
    ("'/etc/shadow'", "/etc/shadow"),
])
def test_normalize(raw, want):
    assert normalize(raw, "/home/dev/project", "/home/dev") == want


def test_globs():
    rx = compile_globs(["~/.ssh/id_*", "*.pem", "/etc/cron.*/**", "~/.config/{gh,hub}/hosts.yml"])
    for p in ("~/.ssh/id_rsa", "~/project/key.pem", "/etc/cron.d/x", "/etc/cron.daily", "~/.config/gh/hosts.yml"):
        assert rx.search(p), p
    for p in ("~/.ssh/known_hosts", "~/project/pem.txt", "/etc/crontab2", "~/.config/glab/hosts.yml"):
        assert not rx.search(p), p

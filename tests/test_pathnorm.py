import pytest
from hypothesis import given, settings, strategies as st

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


@settings(max_examples=300, deadline=None)
@given(cwd=st.sampled_from(["/", "/root", "/root/proj", "/home/u/x/", "/tmp//a/../b", "", "/Users/me", "/var/root/q"]),
       home=st.sampled_from(["", "/root", "/home/u", "/root/"]),
       arg=st.text(alphabet="ab.-_ =:@%*é/~$'\"\t", min_size=1, max_size=6))
def test_command_paths_fast_join_equals_normalize(cwd, home, arg):
    """CommandSubject.paths joins bare names to the normalized cwd without normalize(): same result."""
    from adr.engine.subjects import CommandSubject
    from adr.shell.model import SimpleCommand
    import re
    subj = CommandSubject(SimpleCommand(argv=("cat", arg), raw=f"cat {arg}"), cwd, home)
    expect = () if arg.startswith("-") and "=" not in arg else None
    if expect is None:
        a = arg.split("=", 1)[1] if arg.startswith("-") else arg
        # `of=/x`, `key=~/y`: the value is a path of its own too (listed first)
        value = a.split("=", 1)[1] if "=" in a and not arg.startswith("-") else ""
        extra = (normalize(value, cwd, home),) if re.match(r"^(?:/|~|\$HOME\b|\$\{HOME\}|\.{1,2}/)", value) else ()
        expect = extra + ((normalize(a, cwd, home),) if "://" not in a else ())
    assert subj.paths == tuple(dict.fromkeys(expect))


_GLOBS = ["**/.env", "~/.ssh/**", "**/.git/hooks/*", "/etc/**", "*.pem", "~/.aws/credentials", "**/tests/**",
          "~/.config/**/autostart/*.desktop", "**/node_modules", "/usr/**/bin/*", "~/**", "{a,b}/**/c?"]


@settings(max_examples=500, deadline=None)
@given(glob=st.sampled_from(_GLOBS), path=st.lists(st.sampled_from(
    ["~", "", "a", "b", "c1", ".env", ".ssh", ".git", "hooks", "etc", "x.pem", "tests", "node_modules", "usr",
     "bin", ".config", "autostart", "k.desktop", ".aws", "credentials"]), min_size=1, max_size=6).map("/".join))
def test_glob_search_form_matches_the_same_paths(glob, path):
    import re2
    from adr.engine.pathnorm import glob_to_regex, glob_to_search
    assert bool(re2.search(glob_to_search(glob), path)) == bool(re2.search(glob_to_regex(glob), path))


def test_a_pattern_reaches_adrs_places_only_through_a_name_that_is_there():
    """`find /tmp -name '*.tmp' -delete` names /tmp/**/*.tmp: it can only reach adr's runtime folder if
    something there is called *.tmp. With the names adr's places hold, the witnesses follow them; the
    folder's own name, its files' names and protected plain names still count; unknown names keep
    every witness."""
    from adr.engine.pathnorm import GlobWitness

    w = GlobWitness(["/tmp/runtime-0/adr", "/tmp/runtime-0/adr/**", "/tmp", "/tmp/runtime-0",
                     "/home/u/.claude/settings.json"])
    assert w.witnesses("/tmp/**/*.tmp")  # nothing known: could be anything
    w.set_names(["tmp", "runtime-0", "adr", "adr.sock", "adr.pid"])
    assert w.witnesses("/tmp/**/*.tmp") == ()
    assert w.witnesses("/tmp/**/core") == ()
    assert any(x.startswith("/tmp/runtime-0/adr/") for x in w.witnesses("/tmp/**/*.pid"))
    assert "/tmp/runtime-0/adr/adr.sock" in w.witnesses("/tmp/**/adr.sock")
    assert w.witnesses("/tmp/runtime-0/ad?")  # the folder itself
    assert w.witnesses("/tmp/runtime-0/adr/*")
    assert w.witnesses("/home/u/.claude/setting?.json")  # a protected plain name is always a name
    w.set_names(None)
    assert w.witnesses("/tmp/**/*.tmp")


def test_a_pattern_must_fit_a_name_in_the_place_it_would_reach():
    """Per place: a name elsewhere in adr's places does not make a pattern reach this one, and a
    delete that spares folders (`-type f`, rm without -r) reaches a place only through a file's name."""
    from adr.engine.pathnorm import GlobWitness, PlaceNames

    w = GlobWitness(["/tmp/runtime-*/adr/**", "/opt/adr/code/**"])
    w.set_names(["tmp", "runtime-0", "adr", "adr.sock", "adr.pid", "sessions.py", "core", "opt", "code"],
                [PlaceNames("/tmp/runtime-0/adr", frozenset({"adr.sock", "adr.pid"}), frozenset()),
                 PlaceNames("/opt/adr/code", frozenset({"sessions.py"}), frozenset({"core"}))])
    assert w.witnesses("/tmp/**/sess*") == ()  # sessions.py lives in the code folder, not under /tmp
    assert w.witnesses("/opt/**/sess*")
    assert w.witnesses("/tmp/**/adr.s*")
    assert w.witnesses("/opt/**/core")  # the folder called core, and what is in it
    assert w.witnesses("/opt/**/core", spares=("dirs",)) == ()  # no file is called core
    assert w.witnesses("/opt/**/sessions.p?", spares=("dirs",))
    w.set_names(["tmp", "runtime-0", "adr", "sessions.py"])  # no per-place names: all of them count
    assert w.witnesses("/tmp/**/sess*")


def test_adrs_names_come_from_its_places(tmp_path):
    from adr.paths import get_paths
    from adr.policy.protect import own_names

    paths = get_paths({"ADR_HOME": str(tmp_path / "adrhome")}).ensure()
    (paths.state_dir / "odd-name.bin").write_bytes(b"x")
    (paths.state_dir / "a-folder").mkdir()
    own = own_names(paths)
    assert own is not None
    names = own.names
    assert "odd-name.bin" in names and "audit.jsonl" in names and "adrhome" in names and "a-folder" in names
    state = next(p for p in own.places if p.place.endswith("/adrhome/state") or p.place.endswith("state"))
    assert "odd-name.bin" in state.files and "a-folder" in state.dirs and "a-folder" not in state.files
    assert own_names(paths, limit=1) is None


def test_a_leading_wildcard_never_matches_a_dot_name():
    """As the shell without dotglob: `*.md` does not match `.md`, `.*` does; with dotglob both."""
    from adr.engine.pathnorm import GlobWitness

    w = GlobWitness(["/run/user/*/adr/**"])
    assert all(not x.rsplit("/", 1)[-1].startswith(".") for x in w.witnesses("/**/*.md"))
    assert w.witnesses("/run/user/*/adr/.*")
    assert w.witnesses("/**/*.md", True) == ("/run/user/x/adr/.md",)  # dotglob: `*` takes the dot too


def test_a_protected_folder_that_is_no_place_here_holds_only_what_adr_would_make():
    """/run/user/*/adr is protected wherever XDG_RUNTIME_DIR may point; when no such folder is one of
    this installation's places, a pattern reaches it only through a name adr gives its files."""
    from adr.engine.pathnorm import GlobWitness, PlaceNames

    w = GlobWitness(["/run/user/*/adr/**", "/tmp/runtime-*/adr/**"])
    w.set_names(["README.md", "adr.sock", "adr.pid", "run", "user", "adr", "tmp", "runtime-0"],
                [PlaceNames("/tmp/runtime-0/adr", frozenset({"adr.sock"}), frozenset())], ["adr.sock", "adr.pid"])
    assert w.witnesses("/**/*.md") == ()  # README.md is in adr's code, not in a runtime folder
    assert "/run/user/x/adr/x.sock" in w.witnesses("/**/*.sock")
    assert w.witnesses("/run/**/adr.p?d")
    w.set_names(["README.md", "run", "user", "adr"])  # no per-place names: as before
    assert w.witnesses("/**/*.md")

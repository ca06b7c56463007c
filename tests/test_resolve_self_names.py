"""Names that mean "this process's own …" (/dev/fd/N, /dev/stdout, /proc/self/fd/N, /proc/self/cwd)
are the *writer's*, not the daemon's: the resolver never looks them up in its own process (where they
named the daemon's audit log or socket and a harmless `tee /dev/fd/3` was denied), and /proc/self/cwd
is the action's working directory (where `> /proc/self/cwd/config.yaml` inside adr's config folder
was allowed)."""
from __future__ import annotations

import os

from adr.actions import Action, ActionKind, Context
from adr.config import Settings
from adr.daemon.resolve import Resolver
from adr.engine.pathnorm import normalize
from adr.judge import Judge
from adr.paths import get_paths


def _setup(tmp_path):
    home = tmp_path / "home"
    paths = get_paths({"ADR_HOME": str(tmp_path / "adrhome"), "HOME": str(home)}).ensure()
    return home, paths


def test_the_resolvers_own_descriptors_are_not_the_writers(tmp_path):
    home, paths = _setup(tmp_path)
    r = Resolver(paths, {"HOME": str(home)})
    fd = os.open(paths.config_file.parent / "held-by-the-daemon", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for name in (f"/dev/fd/{fd}", f"/proc/self/fd/{fd}", f"/proc/thread-self/fd/{fd}", "/dev/stdout",
                     f"/dev//fd/{fd}"):
            assert r.aliases([(name, "/tmp")], str(home)) == (), name
    finally:
        os.close(fd)
    # /proc/self/cwd is the writer's working directory: the name itself is the file there (a `..` after
    # it climbs from that directory, not from /proc/self)
    here = str(paths.config_dir)
    assert normalize("/proc/self/cwd/config.yaml", here, str(home)) == normalize(here + "/config.yaml", "/", str(home))
    assert normalize(f"/proc/self/cwd/../{os.path.basename(here)}/config.yaml", here, str(home)) == \
        normalize(here + "/config.yaml", "/", str(home))
    assert r.aliases([("/proc/self/cwd/config.yaml", here)], str(home)) == ()  # (nothing beyond its name)


def test_judged_through_the_real_judge(tmp_path):
    home, paths = _setup(tmp_path)
    judge = Judge.create(Settings(offline=True), paths=paths, online=False)
    judge.resolver = Resolver(paths, {"HOME": str(home), "ADR_HOME": str(tmp_path / "adrhome")})

    def decide(command, cwd):
        a = Action(ActionKind.EXEC, Context(host="cli", session="s", cwd=cwd, home=str(home)), command=command)
        return judge.decide(judge.resolve(a)).decision.value

    fd = os.open(paths.state_dir / "held-by-the-daemon", os.O_CREAT | os.O_WRONLY, 0o600)  # adr's own file
    try:
        assert decide(f"echo 'a log line' | tee /dev/fd/{fd}", str(tmp_path)) == "allow"
    finally:
        os.close(fd)
    for spelled in ("/proc/self/cwd", "/proc/thread-self/cwd", "/proc/$$/cwd", "/proc/${$}/cwd", "/proc/$BASHPID/cwd",
                    "/proc/${PPID}/cwd", "/proc/self/cwd/.", "/dev/fd/../../proc/self/cwd"):
        assert decide(f"echo 'mode: monitor' > {spelled}/config.yaml", str(paths.config_dir)) == "deny", spelled
    # a `..` after the link climbs from the working directory (a lexical normpath made it /proc/self/x)
    below = paths.config_dir / "sub"
    below.mkdir()
    for spelled in ("/proc/self/cwd/..", "/proc/thread-self/cwd/..", "/proc/self//cwd/./..", "/proc/$$/cwd/.."):
        assert decide(f"echo 'mode: monitor' > {spelled}/config.yaml", str(below)) == "deny", spelled
    assert decide("cd /proc/self/cwd/.. && echo 'mode: monitor' > config.yaml", str(below)) == "deny"
    assert decide("echo notes > /proc/$$/cwd/notes.txt", str(tmp_path)) == "allow"
    assert decide("echo notes > /proc/self/cwd/notes.txt", str(tmp_path)) == "allow"

"""Targets, the snapshot store and the undo planner on real files (no daemon): what a command will
overwrite, how it is kept (deduplicated, private, bounded, links never followed), and how undo decides."""
from __future__ import annotations

import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from adr.actions import Action, ActionKind, Context
from adr.respond import undo as U
from adr.respond.snapshot import Limits, Snapshotter
from adr.respond.store import ABSENT, FILE, LINK, SKIPPED, State, Store
from adr.respond.targets import shell_targets, targets_of


def paths_of(cmd: str, cwd: str = "/p") -> dict[str, tuple[bool, bool]]:
    t = shell_targets(cmd, cwd, "/home/u")
    return {x.path: (x.recursive, x.removes) for x in t.paths}


@pytest.mark.parametrize("cmd,want", [
    ("rm -rf build/", {"/p/build": (True, True)}),
    ("rm -r -f -- -odd", {"/p/-odd": (True, True)}),
    ("/bin/rm x", {"/p/x": (False, True)}),
    ("sudo rm /etc/hosts.bak", {"/etc/hosts.bak": (False, True)}),
    ("cd sub && rm x", {"/p/sub/x": (False, True)}),
    ("cd /tmp; rm a", {"/tmp/a": (False, True)}),
    ("bash -c 'rm -f y'", {"/p/y": (False, True)}),
    ("sed -i s/a/b/ f.txt", {"/p/f.txt": (False, False)}),
    ("sed -i.bak -e s/a/b/ -e s/c/d/ x y", {"/p/x": (False, False), "/p/y": (False, False)}),
    ("sed --in-place=.orig 's/a/b/' z", {"/p/z": (False, False)}),
    ("sed -ie s/a/b/ f", {"/p/f": (False, False)}),
    ("perl -pi -e 's/a/b/' g h", {"/p/g": (False, False), "/p/h": (False, False)}),
    ("perl -i.bak -pe 's/a/b/' g", {"/p/g": (False, False)}),
    ("truncate -s 0 log.txt", {"/p/log.txt": (False, False)}),
    ("truncate --size=10 a b", {"/p/a": (False, False), "/p/b": (False, False)}),
    ("echo hi > out.txt", {"/p/out.txt": (False, False)}),
    ("echo hi >> ~/notes", {"/home/u/notes": (False, False)}),
    ("cmd 2>&1 >| forced.txt", {"/p/forced.txt": (False, False)}),
    ("cat a | tee -a b c", {"/p/b": (False, False), "/p/c": (False, False)}),
    ("cp a b", {"/p/b": (False, False)}),
    ("cp -r src dst", {"/p/dst": (True, False)}),
    ("mv old new", {"/p/new": (True, False), "/p/old": (True, True)}),
    ("ln -sf target name", {"/p/name": (False, False)}),
    ("dd if=/dev/zero of=disk.img bs=1M count=1", {"/p/disk.img": (False, False)}),
    ("sed -n p f", {}),
    ("rm -rf \"$(pwd)/b\" $PWD/c", {"/p/b": (True, True), "/p/c": (True, True)}),  # the working directory
    ("ls -la", {}),
    ("rmdir -p a/b/c", {"/p/a/b/c": (False, True), "/p/a/b": (False, True), "/p/a": (False, True)}),
    ("rmdir --parents /srv/x/y", {"/srv/x/y": (False, True), "/srv/x": (False, True), "/srv": (False, True)}),
])
def test_shell_targets(cmd, want):
    got = paths_of(cmd)
    for path, flags in want.items():
        assert got.get(path) == flags, (cmd, got)
    if not want:
        assert got == {}, (cmd, got)


@pytest.mark.parametrize("cmd", ["rm -rf $DIR", "rm -rf \"$(git rev-parse --show-toplevel)/b\"", "ls | xargs rm", "find . -name '*.o' -delete",
                                 "cd - && rm x", "rsync -a --delete src/ dst/", "git restore -p f",
                                 "rm `cat list`"])
def test_unpredictable_targets_are_named(cmd):
    t = shell_targets(cmd, "/p", "/home/u")
    assert t.unknown, (cmd, t)


def test_git_targets_are_asked_of_git():
    t = shell_targets("git -C repo checkout -- a.py b/", "/p")
    assert [(q.cwd, q.op, q.args) for q in t.git] == [("/p/repo", "diff", ("a.py", "b/"))]
    assert shell_targets("git restore --staged f", "/p").empty  # the index only
    assert shell_targets("git clean -n", "/p").empty and shell_targets("git clean -d", "/p").empty
    q = shell_targets("git clean -fdx -e keep", "/p").git[0]
    assert q.op == "clean" and "-f" not in q.args and "-d" in q.args
    assert shell_targets("git reset --hard HEAD~2", "/p").git[0].rev == "HEAD~2"
    assert shell_targets("git reset --soft HEAD~1", "/p").empty


def test_tool_actions_name_their_file():
    ctx = Context(cwd="/p", home="/home/u")
    assert targets_of(Action(ActionKind.FILE_WRITE, ctx, path="a.txt")).paths[0].path == "/p/a.txt"
    d = targets_of(Action(ActionKind.FILE_DELETE, ctx, path="/p/dir")).paths[0]
    assert d.recursive and d.removes
    assert targets_of(Action(ActionKind.FILE_READ, ctx, path="/p/a")).empty
    assert targets_of(Action(ActionKind.URL_FETCH, ctx, url="https://example.com")).empty


# ---- the store --------------------------------------------------------------------------------------

def take(sn: Snapshotter, cmd: str, cwd: Path, limits: Limits = Limits(), session: str = "s"):
    taken = sn.take(shell_targets(cmd, str(cwd)), limits=limits, session=session, event_id=f"ev-{time.time_ns()}",
                    summary=cmd)
    sn.seal()
    return taken


def test_objects_are_deduplicated_private_and_checked(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a").write_text("same content\n")
    (proj / "b").write_text("same content\n")
    store = Store(tmp_path / "snap")
    sn = Snapshotter(store)
    t1 = take(sn, "rm a b", proj)
    assert t1 is not None and t1.complete and t1.files == 2
    assert store.stats()["objects"] == 1  # one object for both
    objs = [p for p in store.objects.rglob("*") if p.is_file()]
    assert len(objs) == 1 and stat.S_IMODE(objs[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.db_path.stat().st_mode) == 0o600
    assert [p.name.split("-")[0] for p in store.incoming.iterdir()] == ["journal"]  # no copy left waiting
    # a damaged object is never restored
    objs[0].chmod(0o600)
    objs[0].write_text("tampered\n")
    with pytest.raises(ValueError):
        store.read_object(objs[0].name)


def test_rmdir_keeps_only_the_folders_it_can_remove(tmp_path):
    """`rmdir *` in a folder full of files removes only its empty subfolders: the files the glob also
    matches are not copied into the snapshot (a big folder would fill the stage and the time budget)."""
    proj = tmp_path / "p"
    (proj / "empty").mkdir(parents=True)
    (proj / "full").mkdir()
    (proj / "full" / "keep.txt").write_text("stays\n")
    for i in range(5):
        (proj / f"data{i}.bin").write_bytes(b"x" * 4096)
    os.symlink(proj / "empty", proj / "link-to-empty")
    store = Store(tmp_path / "snap")
    taken = take(Snapshotter(store), "rmdir *", proj)
    snap = store.get(taken.id)
    got = sorted(os.path.relpath(e.path, proj) for e in snap.entries)
    assert got == ["empty", "full"], got
    assert taken.bytes == 0


def test_links_are_kept_as_links_and_never_followed(tmp_path):
    proj = tmp_path / "p"
    (proj / "d").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("must not be copied\n")
    os.symlink(outside, proj / "d" / "to-outside")
    os.symlink("/nonexistent/target", proj / "d" / "dangling")
    store = Store(tmp_path / "snap")
    sn = Snapshotter(store)
    taken = take(sn, "rm -rf d", proj)
    snap = store.get(taken.id)
    kinds = {e.path: e.pre for e in snap.entries}
    assert kinds[str(proj / "d" / "to-outside")] == State(LINK, link=str(outside), mode=kinds[str(proj / "d" / "to-outside")].mode)
    assert kinds[str(proj / "d" / "dangling")].link == "/nonexistent/target"
    assert not any("secret" in p for p in kinds)  # the linked folder was not entered


def test_bounds_make_a_snapshot_incomplete_and_say_why(tmp_path):
    proj = tmp_path / "p"
    (proj / "many").mkdir(parents=True)
    for i in range(30):
        (proj / "many" / f"f{i}").write_text(str(i))
    (proj / "big").write_bytes(b"x" * 5000)
    os.mkfifo(proj / "fifo")
    sn = Snapshotter(Store(tmp_path / "snap"))
    t = take(sn, "rm -rf many", proj, Limits(max_files=10))
    assert not t.complete and "more than 10 files" in t.note
    t = take(sn, "rm big", proj, Limits(max_file_bytes=1000))
    assert not t.complete and "larger than" in t.note
    t = take(sn, "rm big", proj, Limits(max_bytes=1000))
    assert not t.complete and "exceed" in t.note
    t = take(sn, "rm -rf many", proj, Limits(budget_s=0.0))
    assert not t.complete and "longer than" in t.note
    start = time.monotonic()
    t = take(sn, "rm fifo", proj)  # never opened: a pipe would block the answer
    assert time.monotonic() - start < 5 and not t.complete and "not a regular file" in t.note
    t = take(sn, "rm -rf $X", proj)
    assert t is None or not t.complete


def test_absent_markers_and_chained_snapshots_plan_newest_first(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    f = proj / "f.txt"
    store = Store(tmp_path / "snap")
    sn = Snapshotter(store)
    take(sn, "echo one > f.txt", proj)  # f did not exist: an absent marker
    f.write_text("one\n")
    take(sn, "echo two > f.txt", proj)  # its pre-image is the first action's result
    f.write_text("two\n")
    snaps = store.find(session="s")
    assert [e.pre.kind for s in reversed(snaps) for e in s.entries] == [ABSENT, FILE]
    first = snaps[-1].entries[0]
    assert first.post_state == "next" and first.post.sha  # linked to the next pre-image
    # the newest action's result was never seen (no daemon here): that is a conflict, not a guess
    steps = U.plan(store, snaps)
    assert steps[0].status == U.CONFLICT and "did not see" in steps[0].reason
    res = U.apply(store, steps, force_all=True, snapshotter=sn)
    assert not res.errors and not f.exists()  # both undone, newest first: back to "no file"


def test_quota_eviction_never_breaks_an_undo_silently(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    store = Store(tmp_path / "snap")
    sn = Snapshotter(store)
    for i in range(4):
        (proj / f"f{i}").write_bytes(os.urandom(1000))
        take(sn, f"rm f{i}", proj)
        (proj / f"f{i}").unlink()
    assert store.total_bytes() == 4000
    evicted, freed = store.evict(2500)
    assert len(evicted) == 2 and freed == 2000 and store.total_bytes() == 2000
    assert len([p for p in store.objects.rglob("*") if p.is_file()]) == 2
    steps = U.plan(store, store.find(session="s"))
    by = {Path(s.path).name: s for s in steps}
    assert by["f0"].status == U.LOST and "quota" in by["f0"].reason
    assert by["f3"].status == U.OK
    res = U.apply(store, steps, snapshotter=sn)
    assert sorted(Path(p).name for p in res.restored) == ["f2", "f3"]
    assert sorted(Path(p).name for p, _ in res.lost) == ["f0", "f1"]


def test_restore_is_atomic_per_file_and_keeps_modes(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    f = proj / "script.sh"
    f.write_text("#!/bin/sh\necho original\n")
    os.chmod(f, 0o751)
    store = Store(tmp_path / "snap")
    sn = Snapshotter(store)
    take(sn, "sed -i s/original/changed/ script.sh", proj)
    subprocess.run(["sed", "-i", "s/original/changed/", str(f)], check=True)
    snap = store.find(session="s")[0]
    got = sn.capture_post(str(f), snap.entries[0].pre)
    store.set_post(snap.id, 0, got[0], "captured", got[1])
    # a reader sees the old or the new file, never a half-written one
    seen, stop = set(), threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.add(f.read_text())
            except FileNotFoundError:
                seen.add("<missing>")
    t = threading.Thread(target=reader)
    t.start()
    res = U.apply(store, U.plan(store, [store.get(snap.id)]), snapshotter=sn)
    stop.set()
    t.join()
    assert res.restored == [str(f)] and f.read_text() == "#!/bin/sh\necho original\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o751
    assert seen <= {"#!/bin/sh\necho changed\n", "#!/bin/sh\necho original\n"}


def test_unreadable_files_are_skipped_and_reported(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "locked").write_text("x")
    os.chmod(proj / "locked", 0)
    sn = Snapshotter(Store(tmp_path / "snap"))
    t = take(sn, "rm -f locked", proj)
    assert not t.complete and "cannot read" in t.note
    snap = sn.store.get(t.id)
    assert snap.entries[0].pre.kind == SKIPPED


def test_a_crash_between_answer_and_sealing_is_recovered_from_the_journal(tmp_path):
    """A process takes a snapshot and dies before sealing it (a killed daemon): the next sealer finishes
    the job from the journal, and removes copies nobody names. Small files are held in memory until
    sealed (the cheapest copy before an answer): those are named as lost, never silently dropped."""
    import sys

    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "precious.txt").write_text("do not lose me\n")
    big = os.urandom(5 * 1024 * 1024)  # above the in-memory size: copied on disk before the answer
    (proj / "big.bin").write_bytes(big)
    code = f"""
import os, sys
from adr.respond.snapshot import Limits, Snapshotter
from adr.respond.store import Store
from adr.respond.targets import shell_targets
st = Store({str(tmp_path / 'snap')!r})
sn = Snapshotter(st)
st.refill_blanks(4)
sn.take(shell_targets("rm precious.txt big.bin", {str(proj)!r}), limits=Limits(), session="crash", event_id="ev-crash")
os._exit(9)  # no sealing, no cleanup
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 9, r.stderr
    store = Store(tmp_path / "snap")
    assert store.find(session="crash") == []  # nothing recorded yet
    got = Snapshotter(store).recover()
    assert [s.event_id for s in got] == ["ev-crash"]
    snap = store.find(session="crash")[0]
    by = {Path(e.path).name: e for e in snap.entries}
    assert by["big.bin"].pre.kind == FILE and store.read_object(by["big.bin"].pre.sha) == big
    assert by["precious.txt"].pre.kind == SKIPPED and "held in memory" in by["precious.txt"].note
    assert not snap.complete
    assert list(store.incoming.iterdir()) == []  # the journal and the unused blanks are gone
    assert Snapshotter(store).recover() == []  # idempotent

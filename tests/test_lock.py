"""One build at a time per site: a second build waits, or with --no-wait refuses at once;
the lock goes with its holder, however the holder ends."""

from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, Tmpfs, article_md, no_hang

from sitegen.cache import CACHE_DIR
from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.lock import LockError, site_lock

# Takes the site's lock, says so, and holds it until its stdin closes or it is killed.
HOLD = "import sys\nfrom pathlib import Path\nfrom sitegen.lock import site_lock\nwith site_lock(Path(sys.argv[1])):\n    print('locked', flush=True)\n    sys.stdin.read()\n"


def sitegen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitegen", *map(str, args)], capture_output=True, text=True, check=False, timeout=300)


def hold(site: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(site)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_no_wait_refuses_at_once_while_another_build_runs(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    with site_lock(site):
        build = sitegen("build", "--site", site, "--no-wait")
        imported = sitegen("import", "--site", site, "--no-wait")
    message = f"another sitegen build of {site} is running (pid {os.getpid()}); try again when it ends"
    for done in (build, imported):
        assert done.returncode == 1
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    assert not (site / "output").exists()
    assert list((site / "content").iterdir()) == []
    assert sitegen("build", "--site", site, "--no-wait").returncode == 0


def test_deleting_the_cache_during_a_build_does_not_let_a_second_one_in(make_site: MakeSite) -> None:
    """The cache is safe to delete at any time, but the lock was a file in it: deleted, the
    next build took a new one and ran beside the first (2,081 files failed, others went
    missing). The site's folder itself is locked too."""
    import shutil

    site = make_site(sample=True)
    holder = hold(site)
    try:
        shutil.rmtree(site / CACHE_DIR)
        second = sitegen("build", "--site", site, "--no-wait")
        assert second.returncode == 1 and f"another sitegen build of {site} is running" in second.stderr, second.stderr
        assert not (site / "output").exists()
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(timeout=60)
    assert sitegen("build", "--site", site, "--no-wait").returncode == 0


def test_a_waiting_build_runs_when_the_other_ends(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    with site_lock(site):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "build", "--site", str(site)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert waiting.stderr is not None
        assert waiting.stderr.readline() == f"waiting for another sitegen build of this site (pid {os.getpid()}) to finish\n"
        assert not (site / "output").exists()  # it really waits
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "Built 1 article (1 imported)" in out
    assert (site / "output" / "index.html").is_file()


def test_the_lock_goes_with_a_killed_holder(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    holder = hold(site)
    try:
        refused = sitegen("build", "--site", site, "--no-wait")
        assert refused.returncode == 1
        assert f"is running (pid {holder.pid})" in refused.stderr
    finally:
        holder.kill()
        holder.wait()
    done = sitegen("build", "--site", site, "--no-wait")
    assert done.returncode == 0, done.stderr


def _block(conn: Connection) -> None:
    conn.recv()


def test_a_forked_worker_left_behind_does_not_keep_the_lock(make_site: MakeSite) -> None:
    # A build's workers are forked while it holds the lock; when the build is killed, a
    # worker may live on. It must not keep the site locked.
    site = make_site(sample=True)
    parent, child_end = multiprocessing.get_context("fork").Pipe()
    with site_lock(site):
        worker = multiprocessing.get_context("fork").Process(target=_block, args=(child_end,))
        worker.start()
    try:
        assert worker.is_alive()
        done = sitegen("build", "--site", site, "--no-wait")
        assert done.returncode == 0, done.stderr
    finally:
        parent.send("done")
        worker.join()


def test_on_wait_is_told_once_then_the_lock_is_taken(make_site: MakeSite) -> None:
    site = make_site()
    holder = hold(site)
    messages: list[str] = []
    told, taken = threading.Event(), threading.Event()

    def say(message: str) -> None:
        messages.append(message)
        told.set()

    def take() -> None:
        with site_lock(site, on_wait=say):
            taken.set()

    thread = threading.Thread(target=take)
    thread.start()
    try:
        assert told.wait(timeout=120)
        assert not taken.is_set()
    finally:
        holder.kill()
        holder.wait()
        thread.join(timeout=120)
    assert taken.is_set()
    assert messages == [f"waiting for another sitegen build of this site (pid {holder.pid}) to finish"]


def test_in_process_no_wait_raises_a_sitegen_error(make_site: MakeSite) -> None:
    site = make_site()
    lock_file = site / CACHE_DIR / "lock"
    with site_lock(site):
        assert lock_file.read_text() == f"{os.getpid()}\n"
        with pytest.raises(LockError) as caught, site_lock(site, wait=False):
            pass
        assert isinstance(caught.value, SitegenError)
        assert str(caught.value) == f"another sitegen build of {site} is running (pid {os.getpid()}); try again when it ends"
    assert lock_file.read_text() == ""  # a pid left behind would name the wrong holder
    with site_lock(site, wait=False):  # free again
        pass
    assert (site / CACHE_DIR / ".gitignore").is_file()  # the cache folder, made as the cache makes it


def test_a_site_folder_that_cannot_hold_the_lock_is_reported(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / CACHE_DIR).write_text("a file where the cache folder should be")
    with pytest.raises(LockError, match=r"\.sitegen-cache: is a file, where sitegen keeps its build cache \(a folder\)"), site_lock(site):
        pass
    done = sitegen("build", "--site", site)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert ".sitegen-cache: is a file, where sitegen keeps its build cache" in done.stderr



def test_a_link_at_the_lock_is_refused_and_its_target_left_alone(make_site: MakeSite, runner: CliRunner, tmp_path: Path) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    (site / CACHE_DIR).mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("not to be emptied")
    (site / CACHE_DIR / "lock").symlink_to(precious)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"{site / CACHE_DIR / 'lock'}: is a symbolic link; sitegen keeps its build lock in a file of its own there: remove it" in result.output
    assert precious.read_text() == "not to be emptied"
    # A dangling link: nothing is made where it points.
    (site / CACHE_DIR / "lock").unlink()
    (site / CACHE_DIR / "lock").symlink_to(tmp_path / "made.txt")
    with pytest.raises(LockError, match="is a symbolic link"), site_lock(site):
        pass
    assert not (tmp_path / "made.txt").exists()
    # A FIFO can be opened and locked, but holds no pid.
    (site / CACHE_DIR / "lock").unlink()
    os.mkfifo(site / CACHE_DIR / "lock")
    with no_hang(), pytest.raises(LockError, match="is not a regular file"), site_lock(site):
        pass
    (site / CACHE_DIR / "lock").unlink()
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0


def test_a_cache_folder_made_meanwhile_by_another_build_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two builds of a site with no cache folder, started together: the second found it
    missing, then failed to make it ("cannot be written: File exists")."""
    from sitegen.cache import cache_dir

    site = tmp_path / "site"
    site.mkdir()
    looked = Path.is_dir

    def made_just_after_the_look(self: Path) -> bool:
        if self == cache_dir(site) and not looked(self):
            self.mkdir()  # the other build, between this one's look and its mkdir
            return False
        return looked(self)

    monkeypatch.setattr(Path, "is_dir", made_just_after_the_look)
    with site_lock(site):
        assert (cache_dir(site) / "CACHEDIR.TAG").is_file()


def test_a_folder_the_file_system_cannot_lock_leaves_the_lock_in_the_cache(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """NFS takes an exclusive flock only on a file open for writing, which a folder cannot
    be: every build failed with EBADF. The lock in the cache folder then serves alone."""
    import errno
    import fcntl
    import stat

    real = fcntl.flock

    def nfs_flock(fd: int, operation: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode) and operation & fcntl.LOCK_EX:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        real(fd, operation)

    monkeypatch.setattr(fcntl, "flock", nfs_flock)
    site = make_site(content={"a.md": article_md("A")})
    from sitegen.build import build

    assert build(site).ok
    # The cache's lock still keeps a second build out.
    with site_lock(site), pytest.raises(LockError), site_lock(site, wait=False):
        pass


def test_a_read_only_site_folder_is_said_to_be_one_with_what_to_do(tmp_path: Path, tmpfs: Tmpfs) -> None:
    """A read-only checkout (some CI setups) built with --output elsewhere: the build needs
    the site's folder for its lock and cache, and content/ for the ledger. It said only that
    the lock file cannot be written."""
    site = tmp_path / "site"
    tmpfs.mount(site, "1m")
    (site / "content").mkdir()
    (site / "content" / "a.md").write_text(article_md("A story"))
    tmpfs.read_only(site)
    out = tmp_path / "out"
    done = sitegen("build", "--site", site, "--output", out)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{site / CACHE_DIR / 'lock'}: cannot be written: {os.strerror(errno.EROFS)}: a build writes in the site's folder" in done.stderr
    assert "build in a writable checkout or copy of the site" in done.stderr
    assert not out.exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_into_a_folder_another_build_is_writing_to_waits_for_it(make_site: MakeSite, tmp_path: Path) -> None:
    """Two checkouts built into one output folder at once (two CI jobs deploying to one
    folder): each removed the other's files, one failed with a thousand "cannot be written"
    errors, and the folder was left a mixture of both sites."""
    from sitegen.build import build
    from sitegen.lock import output_lock

    one = make_site(content={"a.md": article_md("Only in one")}, name="one")
    two = make_site(content={"b.md": article_md("Only in two")}, name="two")
    out = tmp_path / "www"
    assert build(one, out).ok
    before = _files(out)
    with output_lock(out):  # as a build of site one into it holds it
        refused = sitegen("build", "--site", two, "--output", out, "--no-wait")
        waiting = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "build", "--site", str(two), "--output", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert waiting.stderr is not None
        assert waiting.stderr.readline() == f"waiting for another sitegen build writing to {out} to finish\n"
        assert _files(out) == before  # it really waits
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"another sitegen build is writing to {out}; try again when it ends" in refused.stderr
    output, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "Built 1 article" in output
    clean = tmp_path / "clean"
    assert build(two, clean).ok
    assert {k: v for k, v in _files(out).items() if not k.startswith(".sitegen")} == {k: v for k, v in _files(clean).items() if not k.startswith(".sitegen")}

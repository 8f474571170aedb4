"""Never lose a word: a build killed at any moment, two builds at once and a full disk leave
no content or output file empty or torn, and the next build makes the site a clean build
makes.

Real builds in subprocesses (``python -m sitegen build``), killed with SIGKILL at moments
drawn from a seeded random generator; nothing asserted depends on how long anything takes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Tmpfs
from lxml import etree

from sitegen import parallel
from sitegen.ledger import LEDGER_NAME
from sitegen.output import BUILDING, MANIFEST, TEMP_SUFFIX

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import corpus

# The benchmark's site: dates and tags from the seeds, so there are tag pages and feeds.
CONFIG = """title = "Crash News"
base_url = "https://example.org/"
[import]
date = '^Published:\\s*(?P<text>.+)$'
tags = '^Tags:\\s*(?P<text>.+)$'
"""


def make_corpus_site(site: Path, n: int) -> Path:
    corpus.write_seeds(corpus.corpus(n), site / "seeds")
    (site / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    return site


def copy_sources(site: Path, to: Path) -> Path:
    """A fresh site folder with ``site``'s seeds, content and settings, and nothing built."""
    shutil.copytree(site / "seeds", to / "seeds")
    if (site / "content").exists():
        shutil.copytree(site / "content", to / "content", ignore=shutil.ignore_patterns(f"*{TEMP_SUFFIX}"))
    shutil.copy(site / "sitegen.toml", to / "sitegen.toml")
    return to


def sitegen_build(site: Path, *args: str | Path) -> subprocess.Popen[str]:
    # A session of its own: the build and its workers are killed together, as a supervisor
    # (a CI timeout, systemd, the OOM killer's cgroup) kills them.
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def run_build(site: Path, *args: str | Path) -> tuple[int, str]:
    proc = sitegen_build(site, *args)
    _, err = proc.communicate(timeout=600)
    return proc.returncode, err


def build_ok(site: Path, *args: str | Path) -> None:
    code, err = run_build(site, *args)
    assert code == 0, err


def kill_after(proc: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL the build and its workers after ``seconds``; False when it ended before."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True
    proc.communicate()
    return False


def files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def tree(root: Path, temp_files: bool = True) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files(root)
        if temp_files or not p.name.endswith(TEMP_SUFFIX)
    }


def content(site: Path) -> dict[str, str]:
    # A killed import can leave a temp file in content/; only the output folder is cleaned
    # of them (content.py and the importer never read them).
    return tree(site / "content", temp_files=False)


def assert_whole(site: Path, out: Path | None = None) -> None:
    """No content or output file is empty or torn (temp files aside: they are never read)."""
    for path in files(site / "content"):
        if path.name.endswith(TEMP_SUFFIX):
            continue
        data = path.read_bytes()
        assert data, f"{path} is empty"
        if path.suffix == ".md":
            text = data.decode("utf-8")
            assert text.startswith("---\n") and "\n---\n" in text[3:], f"{path} is torn"
        elif path.suffix == ".json":
            json.loads(data)
    out = out or site / "output"
    for path in files(out) if out.exists() else ():
        if path.name.endswith(TEMP_SUFFIX):
            continue
        data = path.read_bytes()
        assert data or path.name == ".nojekyll", f"{path} is empty"  # GitHub Pages' marker is empty
        if path.suffix == ".html":
            assert data.endswith(b"</html>\n"), f"{path} is torn"
        elif path.suffix == ".xml":
            etree.fromstring(data)  # raises on a torn feed or sitemap
        elif path.suffix == ".json":
            json.loads(data)


def assert_finished(site: Path, out: Path | None = None) -> None:
    """After a build that ran to its end: whole, no temp file left, no file it does not list."""
    out = out or site / "output"
    assert_whole(site, out)
    on_disk = {p.relative_to(out).as_posix() for p in files(out)}
    assert not [p for p in on_disk if p.endswith(TEMP_SUFFIX)]
    listed = set(json.loads((out / MANIFEST).read_text(encoding="utf-8")))
    assert on_disk - {MANIFEST} == listed, (sorted(on_disk - listed - {MANIFEST})[:5], sorted(listed - on_disk)[:5])


def slugs(site: Path) -> list[str]:
    found = []
    for path in (site / "content").glob("*.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("slug: "):
                found.append(line[len("slug: ") :].strip("'\""))
                break
    return found


def edit_seeds(site: Path, names: list[str]) -> None:
    for name in names:
        path = site / "seeds" / name
        path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added later, after the first build.\n", encoding="utf-8")


def timed_build(site: Path) -> float:
    started = time.perf_counter()
    build_ok(site, "-j", "2")
    return time.perf_counter() - started


def kill_builds(
    site: Path, rng: random.Random, kills: int, seconds: float, more_work: Callable[[], None], mirror: Callable[[], None] = lambda: None
) -> None:
    """Start ``kills`` builds one after the other, each killed at a random moment of the
    first ``seconds``; one that ends first is given ``more_work``, so the next kill lands
    on a build that has work to do again. Before that, ``mirror`` is called after each build
    that got as far as recording in the ledger what it publishes (it ended, or was killed
    after): the reference site builds then too. What the ledger records, readers are taken
    to have been shown: an article edited again after that is updated a second later than
    the first time, where a site that built both edits at once dates them once."""
    ledger = site / "content" / LEDGER_NAME
    for _ in range(kills):
        before = ledger.read_bytes() if ledger.exists() else b""
        ended = not kill_after(sitegen_build(site, "-j", "2"), rng.uniform(0.05, seconds))
        if ended or (ledger.read_bytes() if ledger.exists() else b"") != before:
            mirror()
        if ended:
            more_work()
        assert_whole(site)


@pytest.mark.slow(70)
def test_builds_killed_at_random_moments_lose_nothing(tmp_path: Path) -> None:
    rng = random.Random(1500)
    # Two parts of the search index, and enough articles for kills to land in every step of
    # a build; each more is only time.
    site = make_corpus_site(tmp_path / "site", 300)
    config = site / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[import]", "search_part_size = 200\n[import]"), encoding="utf-8")
    # The same site built without interruption: the reference, and the measure of how long
    # a build takes (only to spread the kills over it).
    calm = copy_sources(site, tmp_path / "calm")
    first_seconds = timed_build(calm)
    assert sorted(part.name for part in (calm / "output" / "pagefind").iterdir()) == ["1", "2"]

    # A finished build is followed by a clean one: as if the cache had been deleted.
    kill_builds(site, rng, 6, first_seconds, lambda: shutil.rmtree(site / ".sitegen-cache"))
    build_ok(site, "-j", "2")
    assert_finished(site)
    assert content(site) == content(calm)
    assert tree(site / "output") == tree(calm / "output")

    seeds = sorted(p.name for p in (site / "seeds").iterdir())

    def edit_more() -> None:
        edited = rng.sample(seeds, 50)
        edit_seeds(site, edited)
        edit_seeds(calm, edited)

    edit_more()
    rebuild_seconds = timed_build(calm)
    kill_builds(site, rng, 4, rebuild_seconds, edit_more, mirror=lambda: build_ok(calm, "-j", "2"))
    build_ok(site, "-j", "2")
    assert_finished(site)
    build_ok(calm, "-j", "2")
    assert not [s for s in slugs(site) if s.endswith("-2")]
    assert content(site) == content(calm)
    assert tree(site / "output") == tree(calm / "output")

    clean = copy_sources(site, tmp_path / "clean")
    build_ok(clean, "-j", "2")
    assert tree(site / "output") == tree(clean / "output")


def test_two_builds_started_together(tmp_path: Path) -> None:
    single = make_corpus_site(tmp_path / "single", 300)
    build_ok(single)
    assert not [s for s in slugs(single) if s.endswith("-2")]

    waiting = copy_sources(single, tmp_path / "waiting")
    shutil.rmtree(waiting / "content")
    both = [sitegen_build(waiting), sitegen_build(waiting)]
    results = [(proc.wait(timeout=600), proc.communicate()[1]) for proc in both]
    for code, err in results:
        assert code == 0, err
        assert "Traceback" not in err
        # The one that waits says so, naming the other.
        assert err in ("", *(f"waiting for another sitegen build of this site (pid {proc.pid}) to finish\n" for proc in both)), err
    assert not [s for s in slugs(waiting) if s.endswith("-2")]
    assert_finished(waiting)
    assert content(waiting) == content(single)
    assert tree(waiting / "output") == tree(single / "output")

    refusing = copy_sources(single, tmp_path / "refusing")
    shutil.rmtree(refusing / "content")
    both = [sitegen_build(refusing, "--no-wait"), sitegen_build(refusing, "--no-wait")]
    results = [(proc.wait(timeout=600), proc.communicate()[1]) for proc in both]
    assert 0 in [code for code, _ in results]
    for code, err in results:
        assert "Traceback" not in err
        if code != 0:
            assert code == 1
            assert f"another sitegen build of {refusing} is running" in err and "try again when it ends" in err
    assert not [s for s in slugs(refusing) if s.endswith("-2")]
    assert_finished(refusing)
    assert content(refusing) == content(single)
    assert tree(refusing / "output") == tree(single / "output")


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` up to ``leave`` bytes free."""
    free = shutil.disk_usage(folder).free - leave
    if free > 0:
        (folder / "filler.bin").write_bytes(b"\0" * free)


def md_files(tree_: dict[str, str]) -> dict[str, str]:
    return {name: digest for name, digest in tree_.items() if name.endswith(".md")}


def test_a_full_disk_loses_no_word(tmp_path: Path, tmpfs: Tmpfs) -> None:
    site = make_corpus_site(tmp_path / "site", 40)
    # What importing gives, before and after the seeds change: every content file must be
    # one or the other, whole, whatever fails.
    reference = copy_sources(site, tmp_path / "reference")
    build_ok(reference)
    before = md_files(content(reference))

    tmpfs.mount(site / "content", "64m")
    out = tmp_path / "out"
    tmpfs.mount(out, "300k")
    code, err = run_build(site, "--output", out, "-j", "1")
    assert code == 1
    assert "Traceback" not in err
    assert f"{out}/" in err and "cannot be written: No space left on device" in err, err
    assert md_files(content(site)) == before
    assert_whole(site, out)

    # The seeds change and the content folder is full: rewriting them fails. (A rewrite needs
    # room for one file at a time: the old one's space is freed when the new one replaces it.)
    for folder in (site, reference):
        edit_seeds(folder, sorted(p.name for p in (folder / "seeds").iterdir()))
    assert subprocess.run([sys.executable, "-m", "sitegen", "import", "--site", str(reference)], capture_output=True, check=False).returncode == 0
    after = md_files(content(reference))
    tmpfs.grow(out, "64m")
    fill(site / "content", leave=1_000)
    code, err = run_build(site, "--output", out, "-j", "1")
    assert code == 1
    assert "Traceback" not in err
    assert f"{site / 'content'}/" in err and "cannot be written: No space left on device" in err, err
    now = md_files(content(site))
    assert set(now) == set(before)
    for name, digest in now.items():
        assert digest in (before[name], after[name]), f"{name} is neither the old file nor the new one"
    assert_whole(site, out)

    # With room again, the next build is whole and the same as a clean one.
    (site / "content" / "filler.bin").unlink()
    build_ok(site, "--output", out, "-j", "1")
    assert_finished(site, out)
    build_ok(reference)
    assert content(site) == content(reference)
    assert tree(out) == tree(reference / "output")


def _workers_of(build: subprocess.Popen[str]) -> list[int]:
    """The build's worker processes: its children forked from it, whose command line is its
    own (not multiprocessing's resource tracker, nor Pagefind, which it starts too), but the
    one it forks to work ahead (parallel.Ahead), which may end, or be killed, unmissed."""
    own = Path(f"/proc/{build.pid}/cmdline").read_bytes()
    children: list[int] = []
    for task in Path(f"/proc/{build.pid}/task").iterdir():
        with contextlib.suppress(OSError):  # the thread ended meanwhile
            children += [int(pid) for pid in (task / "children").read_text().split()]
    time.sleep(0.1)  # a child about to run another program (Pagefind) has done so by now
    workers = []
    for pid in children:
        with contextlib.suppress(OSError):  # ended meanwhile
            if Path(f"/proc/{pid}/cmdline").read_bytes() == own and Path(f"/proc/{pid}/comm").read_bytes().strip() != parallel.AHEAD_NAME:
                workers.append(pid)
    return workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_worker_killed_mid_build_is_said_in_one_line_and_the_output_stays(tmp_path: Path) -> None:
    """`kill -INT` of one worker (not its group), or the out-of-memory killer's SIGKILL,
    printed a 60-line BrokenProcessPool traceback."""
    # Few articles, so that they are imported and read here; their pages and feeds are
    # enough to be rendered on the workers.
    site = make_corpus_site(tmp_path / "site", 120)
    build_ok(site, "-j", "2")
    before = tree(site / "output")
    # A new title: every page is rendered again, on the workers.
    (site / "sitegen.toml").write_text(CONFIG.replace("Crash News", "Crash Daily"), encoding="utf-8")
    build = sitegen_build(site, "-j", "2")
    try:
        deadline = time.monotonic() + 120
        while not (workers := _workers_of(build)) and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert workers, "the build forked no worker"
        os.kill(workers[0], signal.SIGINT)
        _, err = build.communicate(timeout=300)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 1, err
    assert err == (
        "Error: a worker process of the build was killed by SIGINT: the build stopped, and the output is as the last build left it;"
        " build again, with -j 1 if it keeps happening\n"
    )
    # Every file as the last build left it, staged ones removed; only the mark a stopped
    # build leaves (as Ctrl-C does) tells the next build to look the folder over.
    after = tree(site / "output")
    assert after.pop(BUILDING, None) is not None
    assert after == before
    build_ok(site, "-j", "2")
    assert "Crash Daily" in (site / "output" / "index.html").read_text(encoding="utf-8")

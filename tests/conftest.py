from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

DATA = Path(__file__).parent / "data"
SAMPLE_SEED = Path(__file__).parent.parent / "seeds" / "000_e39c6646365b1e6c.txt"
# Import dates are "now"; tests pin the clock the reproducible-builds way.
FIXED_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: after every date the tests write, unless they mean a scheduled article


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow first, the longest first, the rest in their order: make test's
    workers (pytest-xdist, --dist loadgroup) then start the longest at once, each on a worker
    of its own, and the short tests fill in around them; none is left to run alone at the end."""

    def seconds(item: pytest.Item) -> float:
        mark = item.get_closest_marker("slow")
        return float(mark.args[0]) if mark else 0.0

    items.sort(key=seconds, reverse=True)  # a stable sort: the unmarked keep their order


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    # Run in a GitHub Actions job, the CLI would say its messages as annotations.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def compiled_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """No theme compiled for an earlier build of this process (ahead.COMPILED): for the
    tests of compiling itself, whose builds must compile."""
    from sitegen import ahead

    monkeypatch.setattr(ahead, "COMPILED", ahead.CompiledThemes())


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy for tests that talk HTTP to a server on 127.0.0.1."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def article_md(title: str, date: str = "2024-05-01T09:00:00+00:00", body: str = "Body text.", **meta: object) -> str:
    """A hand-written content file."""
    lines = ["---", f"title: {title!r}", f"date: '{date}'"]
    for key, value in meta.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n---\n\n" + body + "\n"


def page_md(title: str, body: str = "Some **words**.", **meta: object) -> str:
    """A standalone page's content file (``page: true``): no date."""
    lines = ["---", f"title: {title!r}", "page: true", *(f"{key}: {value}" for key, value in meta.items())]
    return "\n".join(lines) + "\n---\n\n" + body + "\n"


MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """A site folder in tmp_path: seeds, content files and sitegen.toml as given."""

    def make(
        seeds: dict[str, str | bytes] | None = None,
        content: dict[str, str] | None = None,
        config: str = "",
        sample: bool = False,
        name: str = "site",
    ) -> Path:
        site = tmp_path / name
        (site / "seeds").mkdir(parents=True)
        (site / "content").mkdir()
        if sample:
            shutil.copy(SAMPLE_SEED, site / "seeds" / SAMPLE_SEED.name)
        for fname, data in (seeds or {}).items():
            target = site / "seeds" / fname
            target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        for fname, text in (content or {}).items():
            (site / "content" / fname).write_text(text, encoding="utf-8")
        if config:
            (site / "sitegen.toml").write_text(config, encoding="utf-8")
        return site

    return make


def another_library(monkeypatch: pytest.MonkeyPatch, name: str, version: str = "0.0.1") -> None:
    """Builds from now on see ``version`` of library ``name`` installed, as after an upgrade
    with nothing else changed (cache._library_versions)."""
    from sitegen import cache

    installed = cache._library_versions
    monkeypatch.setattr(cache, "_library_versions", lambda: {**installed(), name: version})


def seed_text(title: str, *paragraphs: str) -> str:
    return "\n\n".join([title, *paragraphs]) + "\n"


@contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail instead of waiting for ever (opening a FIFO for reading waits for a writer)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def no_spin(seconds: float) -> Iterator[None]:
    """Fail once the block has used ``seconds`` of this process's processor time: a bound on
    work that grows out of hand (quadratic on hostile input) which other work on a busy
    machine does not stretch, as it stretches the clock that no_hang reads. (On SIGPROF: the
    build's own time limit on Markdown counts on SIGVTALRM.)"""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still working after {seconds} s of processor time")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


class Tmpfs:
    """tmpfs mounts for one test (root only); always unmounted."""

    def __init__(self) -> None:
        self.mounted: list[Path] = []

    def mount(self, folder: Path, size: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        self.mounted.append(folder)

    def grow(self, folder: Path, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(folder)], check=True, capture_output=True)

    def read_only(self, folder: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)

    def unmount_all(self) -> None:
        for folder in reversed(self.mounted):
            if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode != 0:
                subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        self.mounted.clear()


@pytest.fixture
def tmpfs() -> Iterator[Tmpfs]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    mounts = Tmpfs()
    try:
        yield mounts
    finally:
        mounts.unmount_all()


def list_shape(element: Any) -> list[Any]:
    """The lists directly in an HTML ``element``, each as (its tag, [(an item's own words, its lists)])."""
    found = []
    for child in element:
        if child.tag in ("ul", "ol"):
            items = []
            for li in child:
                own = " ".join([(li.text or "").strip(), *((p.text or "").strip() for p in li if p.tag == "p")]).strip()
                items.append((own, list_shape(li)))
            found.append((child.tag, items))
    return found


def sitegen_in_little_memory(*args: str, mib: int = 1536) -> subprocess.CompletedProcess[str]:
    """``sitegen ARGS`` run in a process whose memory is limited to ``mib``: a file of
    gigabytes (sparse) read whole then fails at once, rather than filling the machine's."""
    code = f"import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, ({mib} << 20, {mib} << 20))\nfrom sitegen.cli import main\nmain(sys.argv[1:])\n"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)

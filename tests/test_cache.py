"""The build cache's own checks, against the plain paths they shortcut."""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
import zlib
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, no_hang, seed_text, sitegen_in_little_memory
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import cache
from sitegen.build import build
from sitegen.cli import main

# What happens to a file between two builds.
FATES = ("kept", "touched", "rewritten same size", "grown", "deleted", "made a link", "kept but racy", "touched but racy")


def _last_build(folder: Path, fates: list[str]) -> dict[str, cache.FileState]:
    """Files as a last build read them, then changed as ``fates`` say."""
    inputs = cache.Inputs()
    paths = []
    for number in range(len(fates)):
        path = folder / f"{number}.md"
        path.write_text(f"text {number}")
        inputs.read(path)
        paths.append(path)
    states = {}
    for path, fate in zip(paths, fates, strict=True):
        old = inputs.snapshot()[str(path)]
        # A stat taken well after the file was written can be trusted; a racy one cannot.
        checked = old.mtime_ns if "racy" in fate else old.checked_ns + 10 * cache.RACY_NS
        states[str(path)] = msgspec.structs.replace(old, checked_ns=checked)
        if fate.startswith("touched"):
            os.utime(path, ns=(old.mtime_ns + 10**9, old.mtime_ns + 10**9))
        elif fate == "rewritten same size":
            path.write_text(path.read_text().upper())
            os.utime(path, ns=(old.mtime_ns, old.mtime_ns))
        elif fate == "grown":
            path.write_text(path.read_text() + "!")
        elif fate == "deleted":
            path.unlink()
        elif fate == "made a link":
            path.unlink()
            path.symlink_to(folder / "elsewhere")
    return states


@settings(max_examples=60, deadline=None)
@given(fates=st.lists(st.sampled_from(FATES), max_size=6))
def test_all_unchanged_answers_and_records_as_unchanged_does(tmp_path_factory: object, fates: list[str]) -> None:
    folder = Path(str(tmp_path_factory.mktemp("inputs")))  # type: ignore[attr-defined]
    (folder / "elsewhere").write_text("a link's target")
    previous = _last_build(folder, fates)
    lean, plain = cache.Inputs(previous), cache.Inputs(previous)
    unchanged = lean.all_unchanged()
    assert unchanged == all(plain.unchanged(p) for p in previous)
    # Every file was compared, those past a change too: a step then asking of any one is
    # answered as a fresh comparison answers.
    assert {p: lean.same(p) for p in previous} == {p: cache.Inputs(previous).same(p) for p in previous}
    if unchanged:
        assert all(f in ("kept", "touched", "kept but racy", "touched but racy") for f in fates)
        # Recorded the same way: the next build and a no-op's save see the same states.
        assert lean.seen.keys() == plain.seen.keys() and lean.reverified == plain.reverified
        assert {p: (s.sha, s.size, s.mtime_ns) for p, s in lean.seen.items()} == {p: (s.sha, s.size, s.mtime_ns) for p, s in plain.seen.items()}
    else:
        assert any(f in ("rewritten same size", "grown", "deleted", "made a link") for f in fates)


_OUTPUT_FATES = ["kept", "touched", "rewritten same size", "touched and rewritten", "grown", "deleted", "made a folder", "made a link", "made a fifo"]


@settings(max_examples=120, deadline=None)
@given(
    fate=st.sampled_from(_OUTPUT_FATES),
    copy_fates=st.lists(st.sampled_from(_OUTPUT_FATES[:5]), max_size=2),
    wanted=st.sampled_from([None, (), (".gz",), (".gz", ".br"), (".br",)]),
    with_sha=st.booleans(),
)
def test_an_output_found_as_written_at_one_look_is_found_as_the_whole_check_finds_it(
    tmp_path_factory: object, fate: str, copy_fates: list[str], wanted: tuple[str, ...] | None, with_sha: bool
) -> None:
    """OutputRecord.as_found answers a file without copies, as written, at one look: as the
    whole check (``_as_found``) does, for every way the file or its copies can have changed."""
    folder = Path(str(tmp_path_factory.mktemp("outputs")))  # type: ignore[attr-defined]
    path = folder / "page.html"
    made = []
    for suffix in (".gz", ".br")[: len(copy_fates)]:
        copy = Path(str(path) + suffix)
        copy.write_bytes(b"copy" + suffix.encode())
        st_copy = copy.stat()
        made.append(cache.CopyRecord.of(suffix, copy.read_bytes(), st_copy.st_size, st_copy.st_mtime_ns))
    path.write_bytes(b"<p>page</p>")
    st_path = path.stat()
    record = cache.OutputRecord.of("key", b"<p>page</p>", st_path.st_size, st_path.st_mtime_ns, ("config.title",), copies=tuple(made))
    if not with_sha:
        record = msgspec.structs.replace(record, sha="")
    for target, how in [(path, fate), *((Path(str(path) + c.suffix), f) for c, f in zip(made, copy_fates, strict=False))]:
        old = target.stat()
        if how in ("touched", "touched and rewritten"):
            if how == "touched and rewritten":
                target.write_bytes(target.read_bytes().upper())
            os.utime(target, ns=(old.st_mtime_ns + 10**9, old.st_mtime_ns + 10**9))
        elif how == "rewritten same size":
            target.write_bytes(target.read_bytes().upper())
            os.utime(target, ns=(old.st_mtime_ns, old.st_mtime_ns))
        elif how == "grown":
            target.write_bytes(target.read_bytes() + b"!")
        elif how == "deleted":
            target.unlink()
        elif how == "made a folder":
            target.unlink()
            target.mkdir()
        elif how == "made a link":
            target.unlink()
            (folder / "elsewhere").write_bytes(b"<p>page</p>")
            target.symlink_to(folder / "elsewhere")
        elif how == "made a fifo":
            target.unlink()
            os.mkfifo(target)
    assert record.as_found(str(path), wanted) == record._as_found(str(path), wanted)
    # What the build looks at ahead (memo.Memo.not_as_written: no copies wanted said), then
    # tells by the copies wanted alone (Memo.render), is what the whole check finds.
    if wanted is not None and record.as_found(str(path)) is record and record.makes(wanted):
        assert record._as_found(str(path), wanted) is record


def test_every_flipped_bit_of_a_cache_file_is_found(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    path = site / cache.CACHE_DIR / "state.bin"
    data = path.read_bytes()
    cache._load_blob(path, cache._STATE_DECODER)  # as written: read
    rng = random.Random(5)
    for position in rng.sample(range(len(data)), min(300, len(data))):
        flipped = bytearray(data)
        flipped[position] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(flipped))
        with pytest.raises(ValueError):
            cache._load_blob(path, cache._STATE_DECODER)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".sitegen-manifest.json"}


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_cache_file_that_is_no_regular_file_is_discarded_unread(make_site: MakeSite, kind: str) -> None:
    """A FIFO would hang the build, a link to /dev/zero fill the memory."""
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B")})
    assert build(site).ok
    folder = site / cache.CACHE_DIR
    for name in ("state.bin", f"articles-{cache.SHARDS[0]}.bin"):
        (folder / name).unlink(missing_ok=True)
        if kind == "fifo":
            os.mkfifo(folder / name)
        else:
            (folder / name).symlink_to("/dev/zero")
    (site / "content" / "a.md").write_text(article_md("A", body="Changed."))
    with no_hang():
        report = build(site)
    assert report.ok and report.cache.startswith("cache discarded: state.bin is ")
    fresh = site.parent / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(cache.CACHE_DIR, "output"))
    assert build(fresh).ok and _outputs(fresh / "output") == _outputs(site / "output")


def test_a_cache_naming_a_fifo_among_its_inputs_is_never_waited_on(make_site: MakeSite, tmp_path: Path) -> None:
    """A restored cache may name any path as an input of the last build, checksum and all:
    one naming a FIFO (its size 0, as an empty file's) was opened to compare its bytes, and
    the build waited for a writer for ever."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    state = cache.load_state(site, cache.generator_id())
    state.articles = cache.load_articles(site, state)
    state.inputs = {**state.inputs, str(fifo): cache.FileState(0, 1, 1, 1, cache.digest(b""), 10**19)}
    cache.save_state(site, state, None)
    (site / "content" / "a.md").write_text(article_md("A", body="Changed."))
    began = time.monotonic()
    with no_hang(20):  # whose TimeoutError, an OSError, a comparison took for a changed file
        report = build(site)
    assert time.monotonic() - began < 15
    assert report.ok, report.errors
    assert "Changed." in (site / "output" / "2024" / "05" / "a" / "index.html").read_text()


def test_a_content_file_made_a_link_to_the_same_bytes_is_refused_as_a_clean_build_refuses_it(make_site: MakeSite, tmp_path: Path) -> None:
    """A content file replaced by a symbolic link to a copy of its bytes (a checkout, a
    script that links shared stories in) was compared by following the link, found the
    same, and the build said it was up to date, publishing it; a clean build refuses it."""
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00")})
    assert build(site).ok
    linked = site / "content" / "b.md"
    copy = tmp_path / "b.md"
    shutil.copy2(linked, copy)
    linked.unlink()
    linked.symlink_to(copy)
    report = build(site)
    assert [(str(e.path), e.reason) for e in report.errors] == [(str(linked), "is a symbolic link; content files must be regular files inside content/")]
    assert not (site / "output" / "2024" / "05" / "b").exists()
    assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()


def test_a_cache_folder_that_is_a_link_is_refused_and_nothing_written_where_it_leads(make_site: MakeSite, tmp_path: Path) -> None:
    """Git keeps symbolic links: a site checkout whose .sitegen-cache is one had every build
    write its cache where it leads, outside the site, over a state.bin that was not its."""
    site = make_site(content={"a.md": article_md("A")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "state.bin").write_text("not sitegen's")
    (site / cache.CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"Error: {site / cache.CACHE_DIR}: is a symbolic link; sitegen keeps its build cache in a folder of the site's own" in result.output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["state.bin"] and (elsewhere / "state.bin").read_text() == "not sitegen's"


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_an_empty_output_file_made_a_fifo_or_link_is_written_again_unread(make_site: MakeSite, kind: str) -> None:
    """An output folder restored by a CI cache, or committed, may hold anything in the
    place of a file the last build wrote: the cache's record of .nojekyll, which is empty,
    matched a FIFO's or /dev/zero's size, and the build opened it to compare its bytes,
    waiting for ever."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    marker = site / "output" / ".nojekyll"
    assert marker.stat().st_size == 0
    marker.unlink()
    if kind == "fifo":
        os.mkfifo(marker)
    else:
        marker.symlink_to("/dev/zero")
    began = time.monotonic()
    with no_hang(20):  # whose TimeoutError, an OSError, a comparison took for a changed file
        report = build(site)
    assert time.monotonic() - began < 15
    assert report.ok, report.errors
    assert not marker.is_symlink() and marker.is_file() and marker.read_bytes() == b""


@pytest.mark.parametrize("fate", ["kept", "touched", "rewritten same size", "grown", "made a link to the same bytes", "deleted"])
def test_an_output_file_is_as_written_while_its_bytes_are(tmp_path: Path, fate: str) -> None:
    """An output file whose date alone moved (a CI cache keeping whole seconds) is as written,
    at its new date; one whose bytes changed, or that is a link now, is not."""
    path = tmp_path / "page.html"
    data = b"<p>A page.</p>"
    path.write_bytes(data)
    st = path.stat()
    record = cache.OutputRecord.of("key", data, st.st_size, st.st_mtime_ns, ())
    if fate == "touched":
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    elif fate == "rewritten same size":
        path.write_bytes(data.upper())
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    elif fate == "grown":
        path.write_bytes(data + b"\n")
    elif fate == "made a link to the same bytes":
        (tmp_path / "copy.html").write_bytes(data)
        path.unlink()
        path.symlink_to(tmp_path / "copy.html")
    elif fate == "deleted":
        path.unlink()
    found = record.as_found(str(path))
    if fate in ("kept", "touched"):
        assert found is not None and found.mtime_ns == path.stat().st_mtime_ns and found.made_of() == record.made_of()
    else:
        assert found is None


@pytest.mark.skipif(sys.platform != "linux", reason="sparse files and RLIMIT_AS as Linux has them")
def test_a_huge_cache_file_is_discarded_unread(make_site: MakeSite) -> None:
    """A restored or planted cache file of gigabytes (sparse: it costs no disk) was read
    whole, and the build ended in a MemoryError. Built in a process whose memory is
    limited, so that the old behaviour fails at once rather than filling the machine's."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    state = site / cache.CACHE_DIR / "state.bin"
    with state.open("r+b") as f:
        f.truncate(3 << 30)
    done = sitegen_in_little_memory("build", "--site", str(site), "-j", "1", "-v")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cache: cache discarded: state.bin is 3,221,225,472 bytes, more than a sitegen cache file holds" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow(8)  # 2 GiB read to compare
@pytest.mark.skipif(sys.platform != "linux", reason="sparse files and RLIMIT_AS as Linux has them")
def test_a_cache_naming_a_huge_file_as_an_input_costs_no_memory_to_compare(make_site: MakeSite, tmp_path: Path) -> None:
    """A restored cache may name any path as an input, with the size it has: its bytes were
    compared after reading as many as that size says at once, and one naming a file of
    gigabytes (sparse: it costs no disk) ended the build in a MemoryError. Built in a
    process whose memory is limited, so that the old behaviour fails at once."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    big = tmp_path / "big"
    with big.open("wb") as f:
        f.truncate(2 << 30)
    state = cache.load_state(site, cache.generator_id())
    state.articles = cache.load_articles(site, state)
    state.inputs = {**state.inputs, str(big): cache.FileState(2 << 30, 1, 1, 1, cache.digest(b""), 10**19)}
    cache.save_state(site, state, None)
    (site / "content" / "a.md").write_text(article_md("A", body="Changed."))
    done = sitegen_in_little_memory("build", "--site", str(site), "-j", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "Changed." in (site / "output" / "2024" / "05" / "a" / "index.html").read_text()


def test_a_cache_naming_a_picture_outside_content_never_publishes_it(make_site: MakeSite, tmp_path: Path) -> None:
    """A cache restored from elsewhere (a CI cache another branch wrote) is no input: its
    record of an article's picture may name any file of the machine, checksum and all."""
    from PIL import Image

    site = make_site(content={"a.md": article_md("A", image="pic.png", image_alt="'A picture'")})
    Image.new("RGB", (40, 30), "red").save(site / "content" / "pic.png")
    assert build(site).ok
    secret = tmp_path / "secret.png"
    Image.new("RGB", (40, 30), "blue").save(secret)
    data = secret.read_bytes()
    state = cache.load_state(site, cache.generator_id())
    articles = cache.load_articles(site, state)
    name = str(site / "content" / "a.md")
    record = articles[name]
    assert record.article is not None and record.article.media
    forged = msgspec.structs.replace(record.article.media[0], file=str(site / "content" / ".." / ".." / "secret.png"), sha=cache.digest(data), length=len(data))
    articles[name] = msgspec.structs.replace(record, article=msgspec.structs.replace(record.article, media=(forged,)))
    state.articles = articles
    cache.save_state(site, state)
    (site / "sitegen.toml").write_text('description = "Not a no-op"\n')
    assert build(site).ok
    assert not [path for path, content in _outputs(site / "output").items() if content == data]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda a: msgspec.structs.replace(a, published=cache.DateRecord("not a date")), id="date"),
        pytest.param(lambda a: msgspec.structs.replace(a, updated=cache.DateRecord("2024-01-01T00:00:00", "No/Such_Zone")), id="zone"),
        pytest.param(lambda a: msgspec.structs.replace(a, body=b"\xff\xfe not UTF-8"), id="body"),
    ],
)
def test_a_cache_record_no_parse_makes_is_set_aside_and_the_site_built_from_its_sources(make_site: MakeSite, forge: object) -> None:
    """A record with a sound checksum but a value sitegen never writes (a cache restored from
    elsewhere, or forged) gave a traceback: the build starts again without the cache, says
    so, and its output is a clean build's."""
    site = make_site(content={"a.md": article_md("A", body="Text of A."), "b.md": article_md("B", body="Text of B.")})
    assert build(site).ok
    state = cache.load_state(site, cache.generator_id())
    articles = cache.load_articles(site, state)
    name = str(site / "content" / "a.md")
    record = articles[name]
    assert record.article is not None
    articles[name] = msgspec.structs.replace(record, article=forge(record.article))  # type: ignore[operator]
    state.articles = articles
    cache.save_state(site, state)
    (site / "content" / "b.md").write_text(article_md("B", body="Text of B, edited."))

    report = build(site)

    assert report.ok, report.errors
    assert report.cache.startswith("cache set aside (") and report.cache.endswith("): a clean build")
    assert report.warnings[0].startswith(f"{cache.CACHE_DIR}: the build failed with the cache (")
    fresh = site.parent / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(cache.CACHE_DIR, "output"))
    assert build(fresh).ok and _outputs(fresh / "output") == _outputs(site / "output")
    # The cache written instead is sound: the next build has nothing to do.
    assert build(site).cache == "up to date: nothing to do"


def test_a_fault_of_a_clean_build_is_not_retried_or_hidden(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a build that used the cache is tried again without it: a clean build's own
    fault (a bug) is raised as it is, once."""
    from sitegen import site as site_mod

    site = make_site(content={"a.md": article_md("A")})
    calls: list[int] = []

    def broken(*args: object, **kwargs: object) -> None:
        calls.append(1)
        raise RuntimeError("a bug")

    monkeypatch.setattr(site_mod, "build_site", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        build(site)
    assert calls == [1]


def test_a_cache_that_cannot_be_written_costs_the_next_build_its_shortcuts_not_this_one_its_outcome(make_site: MakeSite) -> None:
    """A folder where a cache file goes failed every build (exit status 1) though its
    output was complete: a warning now, and the output a clean build's."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    # (Which article shard a file's record goes to depends on its path, so only state.bin,
    # which every build writes, is made a folder: the message names it, whatever the path.)
    (site / cache.CACHE_DIR / "state.bin").unlink()
    (site / cache.CACHE_DIR / "state.bin").mkdir()
    (site / "content" / "a.md").write_text(article_md("A", body="Edited."))
    report = build(site)
    assert report.ok
    assert f"{site / cache.CACHE_DIR / 'state.bin'}: cannot be written: Is a directory: the build cache was not saved, so the next build starts over" in report.warnings
    fresh = site.parent / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(cache.CACHE_DIR, "output"))
    assert build(fresh).ok and _outputs(fresh / "output") == _outputs(site / "output")


def test_a_file_in_the_cache_folders_place_is_named_plainly(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")})
    (site / cache.CACHE_DIR).write_text("mine")
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"{site / cache.CACHE_DIR}: is a file, where sitegen keeps its build cache (a folder): remove it, or rename it if it is yours" in result.output
    assert (site / cache.CACHE_DIR).read_text() == "mine"


def test_a_cache_restored_in_another_folder_is_used_there_and_builds_what_a_clean_build_does(make_site: MakeSite, tmp_path: Path) -> None:
    """A CI cache action restores .sitegen-cache/ and output/ into a checkout at another path
    (another runner's folder, Jenkins' workspace@2), where every path it names is the old
    folder's. Its paths are moved to where it is: nothing is built again, what it says of
    files names them here, and an edit then builds what a clean build of the same files does."""
    from PIL import Image

    site = make_site(
        seeds={"001_00000000000000aa.txt": seed_text("Imported story", "Imported text.")},
        content={
            "a.md": article_md("A", image="pic.png", image_alt="'A picture'", body="Text of A."),
            "b.md": article_md("B", body="Text of B.", titel="'B'"),
        },
        config='base_url = "https://news.example.org/"\n',
    )
    Image.new("RGB", (40, 30), "red").save(site / "content" / "pic.png")
    first = build(site)
    assert first.ok and first.warnings and str(site) in first.warnings[0]
    moved = tmp_path / "elsewhere" / "ci" / "site"
    shutil.copytree(site, moved, symlinks=True)  # copy2: modification times kept, as tar keeps them
    shutil.rmtree(site)  # another runner: nothing is read from the old folder

    again = build(moved)

    assert again.ok and again.cache.startswith("up to date: nothing to do (the cache was made in "), again.cache
    assert again.warnings == [w.replace(str(site), str(moved)) for w in first.warnings]
    (moved / "content" / "a.md").write_text(article_md("A", image="pic.png", image_alt="'A picture'", body="Text of A, edited."))
    Image.new("RGB", (40, 30), "blue").save(moved / "content" / "pic.png")
    edited = build(moved)
    # The no-op build stored the cache as made here: it is not said to be moved again.
    assert edited.ok and edited.parsed == 1 and "made in" not in edited.cache
    fresh = tmp_path / "fresh"
    shutil.copytree(moved, fresh, ignore=shutil.ignore_patterns(cache.CACHE_DIR, "output"))
    assert build(fresh).ok and _outputs(fresh / "output") == _outputs(moved / "output")
    assert build(moved).cache == "up to date: nothing to do"


def test_output_restored_with_whole_second_dates_is_known_by_its_bytes(make_site: MakeSite) -> None:
    """A CI cache kept as zip (GitLab) or by GNU tar keeps dates to the second: every output
    file's date moved, and every page was rendered again on every CI run (20 s of 10,000
    articles, to write nothing). Files are now known by their bytes when only the date moved,
    and one changed by hand is still made again."""
    site = make_site(content={"a.md": article_md("A", body="Text of A."), "b.md": article_md("B", body="Text of B.", date="2024-05-02T09:00:00+00:00")})
    assert build(site).ok
    out = site / "output"
    for path in [*out.rglob("*"), *(site / "content").rglob("*")]:
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns // 10**9 * 10**9 - 10**9))  # a second back, whole
    before = _outputs(out)
    page = next(p for p in out.rglob("index.html") if "/a/" in p.as_posix())
    page.write_text(page.read_text().replace("Text of A.", "Text of Z."))  # the same size, a hand's edit
    restored = build(site)
    assert restored.ok and restored.rendered == 1 and restored.written.written == [page.relative_to(out).as_posix()], restored.cache
    assert _outputs(out) == before
    assert build(site).cache == "up to date: nothing to do"  # the dates as found are kept


def test_the_cache_is_written_and_compared_without_copies_of_its_bytes(tmp_path: Path) -> None:
    # state.bin holds 52 MB at 50,000 articles: the copies made of it as it was written
    # (header + payload), and compared with the last build's (read whole, then joined),
    # were the peak of the memory of a build.
    import tracemalloc

    value = {"records": [f"{i:08d} an article's record" for i in range(200_000)]}
    size = len(cache._ENCODER.encode(value))
    path = tmp_path / "state.bin"
    for _ in range(2):  # written, then found as written
        tracemalloc.start()
        try:
            cache._save_blob(path, value)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 2 * size
    assert cache._load_blob(path, msgspec.msgpack.Decoder()) == value


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 300), st.integers(0, 300))
def test_read_file_reads_what_a_whole_read_does_however_much_stat_says(data: bytes, limit: int, stated: int) -> None:
    """read_file reads as many bytes as stat gave and one more, then on to the limit: a file
    that grew after its stat (``stated`` short of its size) is read whole, or refused as one
    that grew over the limit, as a read of the limit and one more byte would have it."""
    import tempfile
    from unittest import mock

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "a.md")
        with open(path, "wb") as f:
            f.write(data)
        real = os.fstat
        stated = min(stated, len(data))

        def fstat(fd: int) -> os.stat_result:
            st = list(real(fd))
            st[6] = stated  # st_size: the file as it was before it grew to len(data)
            return os.stat_result(st)

        with mock.patch.object(cache.os, "fstat", fstat):
            if stated > limit:
                with pytest.raises(cache.Refused, match="over max_file_bytes"):
                    cache.read_file(path, limit)
            elif len(data) > limit:
                with pytest.raises(cache.Refused, match="grew over"):
                    cache.read_file(path, limit)
            else:
                assert cache.read_file(path, limit)[0] == data


_READS = st.dictionaries(st.sampled_from(["config.author", "config.slugs", "config.tags", "words.de"]), st.sampled_from(["a1", "b2", "missing"]), max_size=3)


@given(reads=st.lists(_READS, max_size=8), names=st.randoms(use_true_random=False))
def test_a_shard_gives_back_its_records_each_with_the_reads_it_was_stored_with(reads: list[dict[str, str]], names: random.Random) -> None:
    # A shard stores each different dict of reads once (its records read the same, nearly
    # all): what it gives back is what it was given, in its order, the reads' order kept.
    records = {f"/site/content/{names.randrange(10**6):06d}-{i}.md": cache.ParseRecord(f"sha{i}", dict(r), seed=None if i % 3 else "") for i, r in enumerate(reads)}
    shard = cache._shard_of("generator", records, "/site")
    assert all(record.reads == {} for record in shard.records.values())
    decoded = cache._SHARD_DECODER.decode(cache._ENCODER.encode(shard))
    shared: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    found = cache._records_of(decoded, shared)
    assert found == records and list(found) == list(records)
    assert all(list(found[name].reads.items()) == list(record.reads.items()) for name, record in records.items())
    # Records that read the same share one dict, within a shard and across them.
    again = cache._records_of(cache._SHARD_DECODER.decode(cache._ENCODER.encode(shard)), shared)
    assert all(again[name].reads is found[name].reads for name in records)


@settings(max_examples=200, deadline=None)
@given(
    previous=st.one_of(st.none(), st.dictionaries(st.integers(0, 40), st.integers(0, 3), max_size=30)),
    edits=st.dictionaries(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 3)), max_size=6),
    equal_copies=st.booleans(),
)
def test_the_shards_found_changed_are_those_whose_records_sorted_into_shards_differ(
    previous: dict[int, int] | None, edits: dict[int, int | None], equal_copies: bool
) -> None:
    # The shards save_state rewrites: found by the names changed, they are those that
    # sorting every record into its shard, the last build's and this one's, tells apart,
    # each with its records in the order of this build's.
    def record(version: int) -> cache.ParseRecord:
        return cache.ParseRecord(f"sha{version}", {"config.slugs": "a1"})

    stored = None if previous is None else {f"/site/content/{n:02d}.md": record(v) for n, v in previous.items()}
    articles = dict(stored or {})
    if equal_copies:  # equal records, not the ones stored, as a parse made again gives
        articles = {name: msgspec.structs.replace(r) for name, r in articles.items()}
    for n, v in edits.items():
        name = f"/site/content/{n:02d}.md"
        if v is None:
            articles.pop(name, None)
        else:
            articles[name] = record(v)
    new: dict[str, dict[str, cache.ParseRecord]] = {shard: {} for shard in cache.SHARDS}
    old: dict[str, dict[str, cache.ParseRecord]] = {shard: {} for shard in cache.SHARDS}
    for name, r in articles.items():
        new[cache._shard(name)][name] = r
    for name, r in (stored or {}).items():
        old[cache._shard(name)][name] = r
    expected = {shard: new[shard] for shard in cache.SHARDS if stored is None or new[shard] != old[shard]}
    found = cache._changed_shards(articles, stored)
    assert found == expected
    assert all(list(found[shard]) == list(expected[shard]) for shard in found)


_FILE_STATES = st.builds(
    cache.FileState,
    st.integers(0, 10),
    st.integers(0, 4 * cache.RACY_NS),
    st.integers(0, 4 * cache.RACY_NS),
    st.integers(0, 10),
    st.sampled_from(["sha", cache.REFUSED]),
    st.integers(0, 4 * cache.RACY_NS),
)


@given(st.dictionaries(st.text(max_size=3), _FILE_STATES, max_size=20))
def test_the_racy_files_settle_looks_at_are_those_racy_says_are(seen: dict[str, cache.FileState]) -> None:
    assert cache._racy(seen) == [name for name, state in seen.items() if state.racy and state.sha != cache.REFUSED]


@pytest.mark.parametrize("read_by", [(), (0, 1), (-1,), (5,)], ids=["none", "too many", "negative", "past the end"])
def test_a_shard_whose_records_reads_are_not_stored_is_damaged(read_by: tuple[int, ...]) -> None:
    shard = cache._shard_of("generator", {"/site/content/a.md": cache.ParseRecord("sha", {"config.slugs": "a1"})}, "/site")
    with pytest.raises(ValueError):
        cache._records_of(msgspec.structs.replace(shard, read_by=read_by), {})


def test_a_damaged_shard_is_left_out_and_its_articles_parsed_again(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", body="Text of A."), "b.md": article_md("B", body="Text of B.")})
    assert build(site).ok
    state = cache.load_state(site, cache.generator_id())
    assert len(cache.load_articles(site, state)) == 2
    for path in (site / cache.CACHE_DIR).glob("articles-*.bin"):
        shard = cache._load_blob(path, cache._SHARD_DECODER)
        cache._save_blob(path, msgspec.structs.replace(shard, read_by=()))
    assert cache.load_articles(site, state) == {}
    (site / "content" / "b.md").write_text(article_md("B", body="Text of B, edited."))
    # a.md too, unchanged: its record is not used.
    assert build(site).cache.startswith("2 content files parsed")


# What a content folder may hold: files and folders, hidden or not, named in other cases,
# not UTF-8, links to folders and to files, an editor's temporary file.
_CONTENT_NAMES = ("a.md", "B.MD", "c.markdown", ".d.md", "e.png", ".f.jpg", "g.pdf", "h.txt", "i\udcff.md", "j\udcff.png", "k.md.sitegen-tmp", "l.sitegen-tmp")
_CONTENT_FOLDERS = ("x", ".y", "z\udcff", "w.md")
_CONTENT_LINKS = ("to-folder", "to-folder.md", "to-folder.sitegen-tmp", "to-file.md", "to-file.png")


@settings(max_examples=150, deadline=None)
@given(
    tree=st.lists(
        st.tuples(st.lists(st.sampled_from(_CONTENT_FOLDERS), max_size=2), st.sampled_from(_CONTENT_NAMES + _CONTENT_LINKS)), max_size=8
    ),
    locked=st.lists(st.sampled_from(_CONTENT_FOLDERS), max_size=1),
)
def test_content_and_its_files_found_in_one_walk_are_found_as_by_two(
    tmp_path_factory: object, tree: list[tuple[list[str], str]], locked: list[str]
) -> None:
    """find_content_and_files, the scan's one walk of content/, finds the content files, the
    files of the suffixes asked for, the folders it cannot list and the names that are not
    UTF-8, as find_content and find_files (hidden names too) do, one walk each."""
    content = Path(str(tmp_path_factory.mktemp("content")))  # type: ignore[attr-defined]
    (content / "elsewhere").mkdir()
    for folders, name in tree:
        folder = content.joinpath(*folders)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if path.exists() or path.is_symlink():
            continue
        if name.startswith("to-folder"):
            path.symlink_to(content / "elsewhere", target_is_directory=True)
        elif name.startswith("to-file"):
            path.symlink_to(content / "elsewhere" / "nothing")
        else:
            path.write_text("text")
    for name in locked:
        if (content / name).is_dir():
            (content / name).chmod(0)
    try:
        suffix = cache.IMAGE_SUFFIXES + cache.LINKED_SUFFIXES
        one: list[str] = []
        found = cache.find_content_and_files(content, suffix, one)
        two: list[str] = []
        assert found == (cache.find_content(content, two), cache.find_files(content, suffix, recursive=True, hidden=True, misnamed=two))
        assert sorted(set(one)) == sorted(set(two))
        assert cache.find_content_and_files(content, suffix) == found
    finally:
        for name in locked:
            if (content / name).is_dir():
                (content / name).chmod(0o755)


@settings(max_examples=100, deadline=None)
@given(names=st.sets(st.sampled_from(("a.txt", "b.TXT", "c.Txt", "d\udcff.txt", "e\udcff.TXT", "f.md", ".g.txt", "h.txt.sitegen-tmp", "i")), max_size=6))
def test_seeds_found_with_their_names_told_utf8_at_once_are_found_as_name_by_name(tmp_path_factory: object, names: set[str]) -> None:
    """find_seeds, which tells that every seed's name is UTF-8 at once, finds the seeds, the
    strays and the names that are not UTF-8 as a look at each name does."""
    folder = Path(str(tmp_path_factory.mktemp("seeds")))  # type: ignore[attr-defined]
    for name in names:
        (folder / name).write_text("text")
    misnamed: list[str] = []
    found = cache.find_seeds(folder, misnamed)
    plain_seeds, strays, plain_misnamed = [], [], []
    for name in names:
        path = str(folder / name)
        if name.startswith("."):
            continue
        if name.lower().endswith(".txt") and not cache.usable_name(name):
            plain_misnamed.append(path)
        elif name.endswith(".txt"):
            plain_seeds.append(path)
        elif name.lower().endswith(".txt"):
            strays.append(path)
    assert found == cache.SeedFiles(tuple(sorted(plain_seeds)), tuple(sorted(strays)))
    assert sorted(misnamed) == sorted(plain_misnamed)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=100_000), st.integers(min_value=0, max_value=64))
def test_the_cache_checksum_is_zlibs_crc32_of_any_bytes(data: bytes, skip: int) -> None:
    """ISA-L computes the checksum a cache file's header holds: it must be zlib's CRC-32,
    of bytes and of a view into them, or every cache written before would read as damaged."""
    assert cache._checksum(data) == f"crc32 {zlib.crc32(data):08x}"
    view = memoryview(data)[skip:]
    assert cache._checksum(view) == f"crc32 {zlib.crc32(view):08x}"

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import stat
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, no_hang
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.build import build
from sitegen.cache import CACHE_DIR, Inputs
from sitegen.cli import main
from sitegen.config import Config
from sitegen.content import load_content
from sitegen.errors import ContentError, OutputError, SitegenError
from sitegen.ledger import LEDGER_NAME, Entry, entry_json, read_history

IS_A_FOLDER = f"cannot be written: {os.strerror(errno.EISDIR)}"


def test_a_ledger_that_cannot_be_written_is_reported_and_tried_again(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    content_dir = site / "content"
    ledger = content_dir / LEDGER_NAME
    ledger.mkdir()  # a folder where the ledger goes: writing it fails
    articles = load_content(content_dir, Config()).articles
    with pytest.raises(OutputError, match=IS_A_FOLDER):
        read_history(content_dir, articles, Config(), Inputs())
    inputs = Inputs()
    errors: list[SitegenError] = []
    dated = read_history(content_dir, articles, Config(), inputs, errors=errors).articles
    assert [(type(e), e.path, e.reason) for e in errors] == [(OutputError, ledger, IS_A_FOLDER)]
    assert [a.updated for a in dated] == [a.updated for a in articles]  # first sight: the articles' own dates
    # Nothing on disk tells the next build that the ledger is still to be written: the state
    # recorded does, folder or no folder.
    assert not Inputs(inputs.snapshot()).unchanged(ledger)
    ledger.rmdir()
    assert not Inputs(inputs.snapshot()).unchanged(ledger)


def test_a_build_reports_a_ledger_it_cannot_write_and_builds_the_rest(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    ledger = site / "content" / LEDGER_NAME
    ledger.mkdir()
    report = build(site)
    assert [(type(e), e.path, e.reason) for e in report.errors] == [(OutputError, ledger, IS_A_FOLDER)]
    assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()
    ledger.rmdir()
    again = build(site)
    assert again.ok and ledger.is_file()


def _story(i: int, **meta: object) -> str:
    return article_md(f"Story {i}", date=f"2025-03-0{i + 1}T09:00:00+00:00", id=f"urn:test:{i}", slug=f"s{i}", **meta)


def _seqs(site: Path) -> dict[str, int]:
    data = json.loads((site / "content" / LEDGER_NAME).read_text())
    return {k: v["seq"] for k, v in data["articles"].items()}


def test_an_article_missing_from_one_build_keeps_its_number_and_its_archive(make_site: MakeSite) -> None:
    site = make_site(content={f"s{i}.md": _story(i) for i in range(5)}, config="archive_size = 2\n")
    assert build(site).ok
    seqs = _seqs(site)
    archive = (site / "output" / "feeds/archive/1.xml").read_bytes()
    good = (site / "content" / "s0.md").read_text()
    (site / "content" / "s0.md").write_text(good.replace("date:", "dated:"))  # an error for one build
    assert not build(site).ok
    assert _seqs(site) == seqs  # still remembered
    (site / "content" / "s0.md").write_text(good)
    assert build(site).ok
    assert _seqs(site) == seqs and (site / "output" / "feeds/archive/1.xml").read_bytes() == archive


def test_a_published_article_stays_out_when_the_clock_goes_back(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"a.md": _story(0), "b.md": article_md("Fresh", date="2025-12-31T23:00:00+00:00", id="urn:test:fresh")})
    assert build(site).articles == 2  # the clock: 2026-01-01
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 - 86400 * 2))  # a CI clock two days behind
    again = build(site)
    assert again.articles == 2 and again.scheduled == 0
    shutil.rmtree(site / CACHE_DIR)  # and a clean build agrees
    clean = build(site)
    assert clean.articles == 2 and "urn:test:fresh" in (site / "output" / "atom.xml").read_text()


def test_the_warnings_of_a_clock_behind_are_those_of_the_clock_whatever_the_cache(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build with nothing to do replays the last report: only while the clock leaves the
    same articles dated ahead of it, whatever clock the last build had."""
    site = make_site(content={"a.md": _story(0), "b.md": article_md("Fresh", date="2025-12-31T23:00:00+00:00", id="urn:test:fresh")})
    assert build(site).warnings == []  # the clock: 2026-01-01

    def ahead() -> list[str]:
        return [w for w in build(site).warnings if "after the build's clock" in w]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 - 86400 * 2))  # two days behind
    first = ahead()
    assert len(first) == 1 and "b.md" in first[0] and "2025-12-30T00:00:00+00:00" in first[0]
    assert ahead() == first  # the same clock: replayed
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 - 86400))  # a day behind: still ahead of it, said with this clock
    later = ahead()
    assert len(later) == 1 and "clock (2025-12-31T00:00:00+00:00)" in later[0] and "2025-12-30" not in later[0]
    assert ahead() == later
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # back: nothing is ahead
    assert ahead() == [] and ahead() == []
    shutil.rmtree(site / CACHE_DIR)
    assert ahead() == []


def test_many_articles_ahead_of_the_clock_are_said_alike(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    """Alike but for file and line, so that the command line says them as one, counted."""
    site = make_site(content={f"s{i}.md": _story(i) for i in range(5)})
    assert build(site).ok
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000: a clock far behind
    warnings = [w for w in build(site).warnings if "build's clock" in w]
    assert len(warnings) == 5
    reason = "its date is after the build's clock (2000-01-01T00:00:00+00:00), but it is out already: it stays out, and feeds show it dated ahead"
    assert all(re.fullmatch(rf"\S+/s\d\.md:3: {re.escape(reason)}", w) for w in warnings), warnings
    said = [line for line in runner.invoke(main, ["build", "--site", str(site)]).output.splitlines() if "build's clock" in line]
    assert len(said) == 4 and said[3] == f"warning: ... and 2 more files: {reason}"


@pytest.mark.parametrize(
    "seqs",
    [
        {"urn:test:0": -5, "urn:test:1": 2, "urn:test:2": 3},  # negative
        {"urn:test:0": 1, "urn:test:1": 1, "urn:test:2": 2},  # a merge: the same number twice
        {"urn:test:0": 1, "urn:test:1": 2, "urn:test:2": 10**12},  # huge
        {"urn:test:0": 1, "urn:test:1": "2", "urn:test:2": 3},  # not a number: that entry is dropped
    ],
)
def test_a_damaged_ledger_is_renumbered_with_a_warning(make_site: MakeSite, seqs: dict[str, object]) -> None:
    site = make_site(content={f"s{i}.md": _story(i) for i in range(3)}, config="archive_size = 1\n")
    assert build(site).ok
    path = site / "content" / LEDGER_NAME
    data = json.loads(path.read_text())
    for key, seq in seqs.items():
        data["articles"][key]["seq"] = seq
    path.write_text(json.dumps(data))
    report = build(site)
    assert report.ok and any("renumbered" in w and LEDGER_NAME in w for w in report.warnings), report.warnings
    assert sorted(_seqs(site).values()) == [1, 2, 3]
    archive = [p for p in (site / "output" / "feeds" / "archive").iterdir() if p.suffix not in (".gz", ".br")]
    assert len(archive) == 3 * 3  # three archives, three formats
    # Told once: the ledger is in order now, and a build with nothing to do, which repeats the
    # last build's warnings, does not say it was renumbered again.
    again = build(site)
    assert again.cache == "up to date: nothing to do" and not [w for w in again.warnings if "renumbered" in w], again.warnings


def test_renumbering_moves_the_feeds_floors_with_their_articles(make_site: MakeSite) -> None:
    """A merged or hand-edited ledger is renumbered 1, 2, 3... in its order: the byte
    budget's floors (ledger.py) move with the articles they are numbers of, so that the
    feeds show what they showed, no older entry among them."""
    stories = {f"s{i:02d}.md": article_md(f"Story {i}", date=f"2024-01-{i + 1:02d}T09:00:00+00:00", body="Long text " * 300, tags="[World]", id=f"urn:test:{i}") for i in range(20)}
    site = make_site(content=stories, config='base_url = "https://example.org/"\nfeed_max_bytes = 40000\n')
    assert build(site).ok
    path = site / "content" / LEDGER_NAME
    recorded = path.read_text()
    data = json.loads(recorded)
    # The tag's: its budget left out the oldest. The site's has none: its 20 articles are
    # in no archive yet, which the budget never leaves out.
    assert list(data["floors"]) == ["tag:world"] and 1 < data["floors"]["tag:world"] < 20
    atom = (site / "output" / "tags/world/atom.xml").read_bytes()
    for entry in data["articles"].values():
        entry["seq"] *= 10
    data["floors"] = {"tag:world": data["floors"]["tag:world"] * 10 - 5}  # between the same two articles
    path.write_text(json.dumps(data))
    report = build(site)
    assert report.ok and any("renumbered" in w for w in report.warnings), report.warnings
    assert path.read_text() == recorded
    assert (site / "output" / "tags/world/atom.xml").read_bytes() == atom


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    _TEXT, _TEXT, st.integers(min_value=0, max_value=10**15), _TEXT, _TEXT, _TEXT, st.lists(_TEXT, max_size=3), st.lists(_TEXT, max_size=3), st.lists(_TEXT, max_size=3)
)
def test_an_entry_is_written_as_json_dumps_writes_it(
    hash_: str, updated: str, seq: int, first: str, date: str, published: str, urls: list[str], listed: list[str], titles: list[str]
) -> None:
    entry = Entry(hash_, updated, seq, first, date, published, tuple(urls), tuple(listed), tuple(titles))
    fields: dict[str, object] = {"first": first, "hash": hash_, "seq": seq, "updated": updated}
    if date:
        fields["date"] = date
    if date or published:  # an imported article's, without a date
        fields["published"] = published
    if urls:
        fields["urls"] = urls
    if listed:
        fields["listed"] = listed
    if titles:
        fields["titles"] = titles
    assert entry_json(entry) == json.dumps(fields, ensure_ascii=False, sort_keys=True)
    assert json.loads(entry_json(entry)) == fields


_ENTRIES = st.builds(
    Entry, _TEXT, _TEXT, st.integers(min_value=0, max_value=10**15), _TEXT, _TEXT, _TEXT,
    st.lists(_TEXT, max_size=3).map(tuple), st.lists(_TEXT, max_size=3).map(tuple), st.lists(_TEXT, max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(_ENTRIES)
def test_msgspec_writes_an_entry_as_entry_json_does(entry: Entry) -> None:
    from sitegen.ledger import _entry_bytes

    assert _entry_bytes(entry) == entry_json(entry).encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(
    _TEXT, st.dictionaries(_TEXT, _ENTRIES, max_size=4), st.dictionaries(_TEXT, st.integers(0, 99), max_size=2), st.booleans(),
    st.dictionaries(_TEXT, st.lists(_TEXT, max_size=2).map(tuple), max_size=2),
)
def test_the_ledger_is_written_as_dump_ledger_writes_it(
    feed_id: str, articles: dict[str, Entry], floors: dict[str, int], rehearsal: bool, tags: dict[str, tuple[str, ...]]
) -> None:
    from sitegen.ledger import Ledger, _ledger_bytes, dump_ledger

    ledger = Ledger(feed_id, len(articles) + 1, articles, len(floors), floors, rehearsal, tags, tags)
    assert _ledger_bytes(ledger) == dump_ledger(ledger).encode("utf-8")


def test_a_ledger_holding_what_utf8_cannot_carry_fails_to_be_written_as_before() -> None:
    from sitegen.ledger import Ledger, _ledger_bytes, dump_ledger

    for ledger in (Ledger("f", 2, {"a": Entry("h", "u", 1, "f", titles=("\ud800",))}), Ledger("\udfff", 1), Ledger("f", 2, {"\ud800": Entry("h", "u", 1, "f")})):
        with pytest.raises(UnicodeEncodeError) as plain:
            dump_ledger(ledger).encode("utf-8")
        with pytest.raises(UnicodeEncodeError) as fast:
            _ledger_bytes(ledger)
        assert str(fast.value) == str(plain.value)


_ZONES = st.sampled_from(["UTC", "Europe/Amsterdam", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"]).map(zoneinfo.ZoneInfo)
_OFFSETS = st.builds(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)), st.integers(-24 * 60 + 1, 24 * 60 - 1))
_DATES = st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.one_of(_ZONES, _OFFSETS, st.just(dt.UTC)))
_DATE_TEXTS = st.one_of(
    _DATES.map(lambda d: d.isoformat()),
    _DATES.map(lambda d: d.replace(microsecond=0).isoformat()),
    _DATES.map(lambda d: d.replace(microsecond=0).isoformat().replace("+00:00", "-00:00").replace("+", "-")),
    _DATES.map(lambda d: d.replace(microsecond=0).isoformat()[:-6]),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}", fullmatch=True),
    st.from_regex(r"1[0-9]{3}-0[1-9]-[0-2][1-9]T[01][0-9]:[0-5][0-9]:[0-5][0-9][+-][0-2][0-9]:[0-9]{2}", fullmatch=True),
    st.text(max_size=30),
)


@settings(max_examples=500, deadline=None)
@given(_DATE_TEXTS, _ZONES)
def test_a_date_the_ledger_wrote_is_read_as_parse_date_reads_it(text: str, zone: dt.tzinfo) -> None:
    from sitegen import dates
    from sitegen.ledger import _parse, _read

    fallback = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    try:
        plain = dates.parse_date(text, zone)
    except ValueError:
        plain = fallback
    read = _parse(text, zone, fallback)
    assert (read, read.utcoffset(), type(read.tzinfo)) == (plain, plain.utcoffset(), type(plain.tzinfo))
    if _read(text) is not None:
        assert dates.format_iso(read) == text


@settings(max_examples=500, deadline=None)
@given(_DATE_TEXTS, _DATES, _ZONES)
def test_a_date_stored_again_is_written_as_format_iso_writes_it(text: str, other: dt.datetime, zone: dt.tzinfo) -> None:
    from sitegen import dates
    from sitegen.ledger import _Texts

    texts = _Texts()
    read = texts.parse(text, zone, other)
    for value in (read, read.astimezone(zone), read.astimezone(dt.UTC), read.replace(microsecond=1), other, other.replace(microsecond=0)):
        assert texts.format(value, text) == dates.format_iso(value)
        assert texts.format(value, "") == dates.format_iso(value)


@settings(max_examples=300, deadline=None)
@given(_DATE_TEXTS, _ZONES, _ZONES, _DATES)
def test_a_date_text_read_again_is_read_as_parse_date_reads_it(text: str, zone: dt.tzinfo, other_zone: dt.tzinfo, fallback: dt.datetime) -> None:
    from sitegen.ledger import _parse, _Texts

    texts = _Texts()
    texts.parse(text, zone, fallback)
    again = texts.parse(text, other_zone, fallback)
    plain = _parse(text, other_zone, fallback)
    assert (again, again.utcoffset(), type(again.tzinfo)) == (plain, plain.utcoffset(), type(plain.tzinfo))
    assert texts.format(again, text) == texts.format(plain, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=4).map(tuple), st.sampled_from(["a", "b", "d", ""]))
def test_a_tuple_without_an_item_is_as_a_generator_leaves_it(items: tuple[str, ...], item: str) -> None:
    from sitegen.ledger import _without

    assert _without(items, item) == tuple(i for i in items if i != item)


_SLUGS = st.sampled_from(["world", "sport", "ann", "bo"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_SLUGS, max_size=3, unique=True),
    st.lists(_SLUGS, max_size=2, unique=True),
    st.none() | st.lists(st.sampled_from(["tag:world", "tag:sport", "author:ann", "author:bo", "tag:ann"]), max_size=4, unique=True).map(lambda n: tuple(sorted(n))),
)
def test_the_names_an_article_was_listed_under_are_those_it_has_and_had(tags: list[str], authors: list[str], listed: tuple[str, ...] | None) -> None:
    from sitegen.ledger import _listed
    from sitegen.model import Article, Author, Tag

    when = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    article = Article(
        source="content/a.md", id="urn:a", title="A", slug="a", path="2024/06/a/", published=when, updated=when, summary="", body=b"",
        tags=tuple(Tag(slug.title(), slug) for slug in tags), authors=tuple(Author(slug.title(), slug, f"authors/{slug}/") for slug in authors),
    )
    seen = None if listed is None else Entry("h", "u", 1, "f", listed=listed)
    now = [f"tag:{slug}" for slug in tags] + [f"author:{slug}" for slug in authors]
    old = listed or ()
    assert _listed(article, seen) == (old if all(name in old for name in now) else tuple(sorted({*now, *old})))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(-2, 8).map(lambda seq: Entry("h", "u", seq, "f")), max_size=7))
def test_numbers_are_kept_when_a_sort_finds_them_1_2_3(entries: dict[str, Entry]) -> None:
    from sitegen.ledger import _numbered

    numbered = sorted((e.seq, key) for key, e in entries.items() if e.seq)
    kept = [seq for seq, _ in numbered] == list(range(1, len(numbered) + 1))
    fixed, renumbered = _numbered(entries)
    assert renumbered is not kept
    assert fixed == (entries if kept else {**entries, **{key: Entry("h", "u", n, "f") for n, (_, key) in enumerate(numbered, start=1)}})


def test_an_article_as_the_ledger_has_it_keeps_its_stored_entry(make_site: MakeSite) -> None:
    from sitegen.ledger import load_ledger, save_ledger, work_out_history

    site = make_site(content={f"{n}.md": article_md(f"Story {n}", tags="[world]") for n in "abc"})
    content_dir, config = site / "content", Config(base_url="https://example.org/")
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    first = work_out_history(content_dir, load_content(content_dir, config).articles, config, None, now)
    assert first.ledger is not None
    save_ledger(content_dir, first.ledger)
    (site / "content" / "b.md").write_text(article_md("Story b, retitled", tags="[world]", body="Other text."))
    stored = load_ledger(content_dir)
    assert stored is not None
    again = work_out_history(content_dir, load_content(content_dir, config).articles, config, stored, now)
    assert again.ledger is not None
    kept = {key for key, entry in again.ledger.articles.items() if entry is stored.articles[key]}
    assert len(kept) == 2 and again.ledger.articles.keys() - kept == {b := next(a.id for a in again.articles if a.title == "Story b, retitled")}
    assert again.ledger.articles[b].titles == ("Story b", "Story b, retitled")
    assert again.ledger.articles[b].hash != stored.articles[b].hash


def test_an_article_imported_again_is_dated_by_the_ledger_as_near_as_it_knows(tmp_path: Path) -> None:
    """``published`` when recorded; in a ledger written before imported articles had it,
    ``updated`` (the date until the article changed), no later than ``first``."""
    import datetime as dt

    from sitegen.ledger import Ledger, published_before, save_ledger

    date, out = "2026-11-18T11:06:40+00:00", "2026-11-19T12:06:40+00:00"
    entries = {
        "urn:recorded": Entry("h", "2026-11-20T00:00:00+00:00", 1, out, published=date),
        "urn:older": Entry("h", date, 2, out),
        "urn:changed": Entry("h", "2026-11-25T00:00:00+00:00", 3, out),
        "urn:unnumbered": Entry("h", date, 0, ""),
    }
    save_ledger(tmp_path, Ledger("urn:feed", 4, entries))
    found = published_before(tmp_path, Path.read_bytes, dt.UTC)
    assert {key: before.date.isoformat() for key, before in found.items()} == {"urn:recorded": date, "urn:older": date, "urn:changed": out}


_VALUE = st.one_of(_TEXT, st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.none(), st.floats(allow_nan=False), st.lists(_TEXT, max_size=2))
_ENTRY = st.fixed_dictionaries(
    {"hash": _TEXT, "updated": _TEXT, "seq": st.integers(min_value=0, max_value=10**6), "first": _TEXT},
    optional={"date": _TEXT, "published": _TEXT, "urls": st.lists(_TEXT, max_size=3), "listed": st.lists(_TEXT, max_size=3), "extra": _VALUE},
)
# Entries of this version's shape, some with a field of another type (each read leniently).
_ODD_ENTRY = st.one_of(_ENTRY, st.builds(lambda e, k, v: {**e, k: v}, _ENTRY, st.sampled_from(["hash", "seq", "date", "urls", "listed", "first"]), _VALUE))


# Feed floors as written, some of another type (each read leniently), or none at all.
_FLOORS = st.one_of(st.none(), st.dictionaries(_TEXT, st.integers(min_value=1, max_value=10**6), max_size=3), st.dictionaries(_TEXT, _VALUE, max_size=2), _VALUE)
# A tag's slugs by its name as written, likewise.
_TAGS = st.one_of(st.none(), st.dictionaries(_TEXT, st.lists(_TEXT, max_size=3), max_size=3), st.dictionaries(_TEXT, _VALUE, max_size=2), _VALUE)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_TEXT, _ODD_ENTRY, max_size=4),
    st.one_of(st.just(2), _VALUE),
    st.one_of(_TEXT, _VALUE),
    _FLOORS,
    _TAGS,
    _TAGS,
)
def test_the_ledger_is_read_as_the_lenient_reading_reads_it(
    tmp_path_factory: pytest.TempPathFactory, articles: dict[str, object], version: object, feed_id: object, floors: object, tags: object, authors: object
) -> None:
    from sitegen.ledger import _read_leniently, load_ledger

    written: dict[str, object] = {"version": version, "feed_id": feed_id, "next_seq": 1, "articles": articles}
    if floors is not None:
        written["floors"] = floors
    if tags is not None:
        written["tags"] = tags
    if authors is not None:
        written["authors"] = authors  # a byline's slugs, as a tag's
    data = json.dumps(written).encode()
    folder = tmp_path_factory.mktemp("ledger")
    (folder / LEDGER_NAME).write_bytes(data)
    def outcome(read: Callable[[], object]) -> object:
        try:
            return read()
        except ContentError as e:
            return ("refused", e.reason, e.line)

    assert outcome(lambda: load_ledger(folder)) == outcome(lambda: _read_leniently(data, folder / LEDGER_NAME))


RENAMED_SITE = 'base_url = "https://example.org/"\n'


def test_a_renamed_content_file_is_warned_of_as_the_article_it_reads_as(make_site: MakeSite) -> None:
    """No ``id:``: the id comes from the file's name, so a rename would show the article
    to subscribers again as new (and leave its address to nothing), unless told."""
    site = make_site(content={"story-032.md": article_md("Harbour reopens", body="The harbour reopened."), "other.md": article_md("Other")}, config=RENAMED_SITE)
    first = build(site)
    assert first.ok and not first.warnings, first.warnings
    ledger = json.loads((site / "content" / LEDGER_NAME).read_text())["articles"]
    old_id, entry = next((k, v) for k, v in ledger.items() if v["urls"][-1] == "https://example.org/2024/05/story-032/")
    (site / "content" / "story-032.md").rename(site / "content" / "harbour-32.md")
    report = build(site)
    renamed = [w for w in report.warnings if "reads exactly as" in w]
    assert renamed == [
        f"{site / 'content' / 'harbour-32.md'}:1: reads exactly as the article published as {old_id} (at {entry['urls'][-1]}), which feed readers"
        f" will show again as new: if it is that article, keep its id: add 'id: {old_id}' to its front matter"
    ]
    # As told: the article keeps its id, and the warning goes.
    path = site / "content" / "harbour-32.md"
    path.write_text(path.read_text().replace("title:", f"id: {old_id}\ntitle:", 1))
    fixed = build(site)
    assert fixed.ok and not [w for w in fixed.warnings if "reads exactly as" in w], fixed.warnings
    assert old_id in (site / "output" / "atom.xml").read_text()


def test_a_new_file_given_the_name_of_a_renamed_one_does_not_take_its_history(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A daily ``weather.md`` kept under a dated name, and a new ``weather.md`` written: with
    no ``id:``, the new one's id (made from the name) is the old story's, and readers would
    get yesterday's story again as new and today's as an edit of it."""
    import feedparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795165200")  # 2026-11-20T07:00:00Z
    content = {"weather.md": article_md("Weather for 20 November", date="2026-11-20T06:00:00+00:00", body="Rain.")}
    site = make_site(content=content, config=RENAMED_SITE)
    assert build(site).ok
    old_id = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0].id
    (site / "content" / "weather.md").rename(site / "content" / "weather-2026-11-20.md")
    (site / "content" / "weather.md").write_text(article_md("Weather for 21 November", date="2026-11-21T06:00:00+00:00", body="Sun."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795251600")  # a day later
    report = build(site)
    taker = site / "content" / "weather.md"
    [error] = report.errors
    assert error.path == taker and error.line == 2, error
    assert f"its id is made from its file's name: {old_id}, that of the article published at https://example.org/2026/11/weather/" in error.reason
    assert f"add 'id: {old_id}' to content/weather-2026-11-20.md if it is that article" in error.reason
    # Nothing took the old story's place: its entry is as it was, and the renamed file is
    # told how to keep its id.
    entry = json.loads((site / "content" / LEDGER_NAME).read_text())["articles"][old_id]
    assert entry["urls"] == ["https://example.org/2026/11/weather/"] and entry["seq"] == 1
    assert any(f"add 'id: {old_id}' to its front matter" in w for w in report.warnings), report.warnings
    titles = {e.id: e.title for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    assert old_id not in titles and list(titles.values()) == ["Weather for 20 November"]
    # As told: each keeps or gets an id of its own, and both are out, the old one as it was.
    suggested = error.reason.split("give it an id of its own ('id: ")[1].split("'")[0]
    renamed = site / "content" / "weather-2026-11-20.md"
    renamed.write_text(renamed.read_text().replace("title:", f"id: {old_id}\ntitle:", 1))
    taker.write_text(taker.read_text().replace("title:", f"id: {suggested}\ntitle:", 1))
    fixed = build(site)
    assert fixed.ok, fixed.errors
    titles = {e.id: e.title for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    assert titles == {suggested: "Weather for 21 November", old_id: "Weather for 20 November"}


def test_a_story_in_a_file_of_a_reused_name_dated_days_later_is_warned_of_never_left_out(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """``briefing.md`` taken down, and weeks later a new ``briefing.md``: with no ``id:``, it
    is numbered as the old briefing. An evergreen guide edited and re-dated reads the same
    to the ledger: only the author can tell them apart, so each is said, once, and both
    stay out (an article that is out must never be taken down by a guess)."""
    import feedparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1791012000")  # 2026-10-03T07:20:00Z
    content = {
        "a.md": article_md("Story A", date="2026-10-01T09:00:00+00:00"),
        "briefing.md": article_md("Briefing 2 October", date="2026-10-02T06:00:00+00:00", body="Old news."),
        "guide.md": article_md("Evergreen guide", date="2026-10-02T09:00:00+00:00", body="Version one."),
    }
    site = make_site(content=content, config=RENAMED_SITE)
    assert build(site).ok
    ledger = json.loads((site / "content" / LEDGER_NAME).read_text())["articles"]
    old_id = next(k for k, v in ledger.items() if v["urls"] == ["https://example.org/2026/10/briefing/"])
    (site / "content" / "briefing.md").unlink()
    assert build(site).ok
    briefing, guide = site / "content" / "briefing.md", site / "content" / "guide.md"
    briefing.write_text(article_md("Briefing 20 November", date="2026-11-20T06:00:00+00:00", body="New news."))
    guide.write_text(article_md("Evergreen guide", date="2026-11-20T09:00:00+00:00", body="Version two."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795200000")  # 2026-11-20T16:40:00Z
    report = build(site)
    assert report.ok, report.errors
    said = [w for w in report.warnings if "has no 'id', so its id is made from its file's name" in w]
    assert [w.split(":")[0] for w in said] == [str(briefing), str(guide)]
    assert said[0].startswith(f"{briefing}:2: has no 'id', so its id is made from its file's name: {old_id}, that of the story first out at https://example.org/2026/10/briefing/ on 2026-10-02T06:00:00+00:00, 49 days before")
    titles = {e.title for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    assert {"Briefing 20 November", "Evergreen guide"} <= titles  # both out
    again = build(site)  # said once: the ledger has these versions now
    assert again.ok and not [w for w in again.warnings if "made from its file's name" in w]


def test_an_id_changed_in_front_matter_is_warned_of_at_its_line(make_site: MakeSite) -> None:
    site = make_site(content={f"s{i}.md": _story(i) for i in range(3)}, config=RENAMED_SITE)
    assert build(site).ok
    path = site / "content" / "s1.md"
    path.write_text(_story(1).replace("id: urn:test:1", "id: urn:test:one"))
    report = build(site)
    line = path.read_text().splitlines().index("id: urn:test:one") + 1
    assert [w for w in report.warnings if "reads exactly as" in w] == [
        f"{path}:{line}: reads exactly as the article published as urn:test:1 (at https://example.org/2025/03/s1/), which feed readers"
        " will show again as new: if it is that article, keep its id: add 'id: urn:test:1' to its front matter"
    ]


def test_a_copy_or_an_edited_new_article_is_not_taken_for_another(make_site: MakeSite) -> None:
    site = make_site(content={f"s{i}.md": _story(i) for i in range(3)}, config=RENAMED_SITE)
    assert build(site).ok
    # A copy under a new id while the original stays: two articles that read alike.
    (site / "content" / "copy.md").write_text(_story(0).replace("urn:test:0", "urn:test:copy").replace("slug: s0", "slug: copy"))
    # A renamed id with its text edited too: nothing reads exactly as before.
    (site / "content" / "s2.md").write_text(_story(2, summary="'Now with a summary.'").replace("urn:test:2", "urn:test:two"))
    report = build(site)
    assert report.ok and not [w for w in report.warnings if "reads exactly as" in w], report.warnings


@pytest.mark.parametrize("preview", [["--base-url", "https://preview.example/"], ["--drafts"], ["--future"], ["--relative"]])
def test_a_preview_records_nothing_in_the_ledger(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preview: list[str]) -> None:
    """What a preview shows (sitegen serve, or a build with settings overridden on the
    command line) is not what readers were shown: an edit tried and undone there, or an
    article that was there for a minute, must leave no updated date and no publication
    number for the real build to publish."""
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", body="First text.", id="urn:test:a")})
    runner = CliRunner()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01
    assert runner.invoke(main, ["build", "--site", str(site), "-q"]).exit_code == 0
    ledger = site / "content" / LEDGER_NAME
    recorded = ledger.read_bytes()
    atom = (site / "output" / "atom.xml").read_bytes()
    a = site / "content" / "a.md"
    a.write_text(a.read_text().replace("First text.", "Tried text."))
    (site / "content" / "trial.md").write_text(article_md("Trial", date="2024-05-30T10:00:00+00:00", id="urn:test:trial"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717286400")  # a day later
    done = runner.invoke(main, ["build", "--site", str(site), "-q", "--output", str(tmp_path / "preview"), *preview])
    assert done.exit_code == 0, done.output
    assert ledger.read_bytes() == recorded
    # Undone: the real build publishes exactly what it did before.
    a.write_text(a.read_text().replace("Tried text.", "First text."))
    (site / "content" / "trial.md").unlink()
    assert runner.invoke(main, ["build", "--site", str(site), "-q"]).exit_code == 0
    assert ledger.read_bytes() == recorded
    assert (site / "output" / "atom.xml").read_bytes() == atom


@pytest.mark.parametrize(
    ("damage", "said", "line"),
    [
        (lambda data: data[:-3], "not JSON: Expecting", 10),
        (lambda data: b"", "not JSON: Expecting value", 1),
        (lambda data: data.replace(b' "articles": {', b'<<<<<<< HEAD\n "articles": {', 1), "merge-conflict markers", 6),
        (lambda data: data.replace(b'"version": 2', b'"version": 3', 1), "version 3, from a newer sitegen", 2),
        (lambda data: b"[" * 100_000 + b"]" * 100_000, "nested too deeply", None),
        (lambda data: b"\xff" + data, "not UTF-8", 1),
    ],
    ids=["cut short", "empty", "merge conflict", "newer", "nested", "not UTF-8"],
)
def test_a_damaged_ledger_stops_the_build_and_is_kept(make_site: MakeSite, runner: CliRunner, damage: Callable[[bytes], bytes], said: str, line: int | None) -> None:
    """Built without its history, the site would show readers old entries as new, renumber
    the archives and overwrite the ledger: the build stops, naming the file (and line),
    writes nothing, and keeps the damaged file for the person to restore."""
    site = make_site(content={f"s{i}.md": _story(i) for i in range(3)})
    assert build(site).ok
    ledger = site / "content" / LEDGER_NAME
    damaged = damage(ledger.read_bytes())
    ledger.write_bytes(damaged)
    output = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    where = f"{ledger}:{line}" if line else str(ledger)
    assert f"{where}: cannot be read as the ledger ({said}" in result.output and "git checkout" in result.output, result.output
    assert ledger.read_bytes() == damaged
    assert {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()} == output


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_a_ledger_that_is_a_link_or_a_fifo_stops_the_build_unread(make_site: MakeSite, runner: CliRunner, tmp_path: Path, kind: str) -> None:
    """A link in its place could lead anywhere (to /dev/zero: the build filled the memory),
    and a FIFO hung the build: neither is read, and the build stops, naming it."""
    site = make_site(content={f"s{i}.md": _story(i) for i in range(3)})
    assert build(site).ok
    ledger = site / "content" / LEDGER_NAME
    ledger.unlink()
    if kind == "link":
        os.mkfifo(tmp_path / "elsewhere")
        ledger.symlink_to(tmp_path / "elsewhere")
    else:
        os.mkfifo(ledger)
    began = time.monotonic()
    with no_hang(20):  # whose TimeoutError, an OSError, the reading of the ledger said as one
        result = runner.invoke(main, ["build", "--site", str(site)])
    assert time.monotonic() - began < 15
    said = "it is a symbolic link" if kind == "link" else "it is not a regular file"
    assert result.exit_code == 1 and f"{ledger}: cannot be read as the ledger ({said}" in result.output, result.output
    assert ledger.is_symlink() if kind == "link" else stat.S_ISFIFO(ledger.lstat().st_mode)


def test_an_article_first_out_days_after_its_date_is_warned_of(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A draft published by removing its `draft: true` line came out dated when it was
    begun, days before: below newer stories everywhere, out of Google News, without a word."""
    from conftest import seed_text

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717228800")  # 2024-06-01T08:00:00Z
    site = make_site(content={"a.md": article_md("Old news", date="2024-05-01T09:00:00+00:00")}, config="[import]\ndate = '^Published:\\s*(?P<text>.+)$'\n")
    assert build(site).warnings == []  # a site's first build: every article is as old as it is
    (site / "content" / "late.md").write_text(article_md("Begun last week", date="2024-05-25T09:00:00+00:00"))
    (site / "content" / "fresh.md").write_text(article_md("Written today", date="2024-05-31T10:00:00+00:00"))
    (site / "seeds").mkdir(exist_ok=True)
    (site / "seeds" / "000_0123456789abcdef.txt").write_text(seed_text("A wire story", "Text.") + "Published: 2024-05-20T09:00:00+00:00\n")
    report = build(site)
    assert report.ok and report.articles == 4
    assert "date: '2024-05-20T09:00:00+00:00'" in (site / "content" / "000_0123456789abcdef.md").read_text()  # the publisher's, kept
    assert report.warnings == [
        f"{site / 'content' / 'late.md'}:3: out for the first time, but dated 2024-05-25T09:00:00+00:00, 6 days ago: it is listed below"
        " newer stories and left out of Google News; if it is news, date it now (`sitegen publish` does so for a draft)"
    ], report.warnings
    # Said once: the build after has nothing to say of it, with nothing to do or with work.
    again = build(site)
    assert again.cache == "up to date: nothing to do" and again.warnings == []
    (site / "content" / "fresh.md").write_text(article_md("Written today", date="2024-05-31T10:00:00+00:00", body="Edited."))
    assert build(site).warnings == []


def test_an_entry_updated_never_goes_back_when_the_clock_does(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 4287 4.2.15: ``updated`` is the most recent change. A build whose clock is behind
    the last one's (SOURCE_DATE_EPOCH from an older commit) still moves it forward."""
    import feedparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    site = make_site(content={"a.md": article_md("Story", date="2025-12-01T09:00:00+00:00")}, config=RENAMED_SITE)
    assert build(site).ok

    def updated() -> str:
        return str(feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0].updated)

    path = site / "content" / "a.md"
    path.write_text(article_md("Story", date="2025-12-01T09:00:00+00:00", body="Edited once."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 86400))  # a day later
    assert build(site).ok and updated() == "2026-01-02T00:00:00+00:00"
    path.write_text(article_md("Story", date="2025-12-01T09:00:00+00:00", body="Edited twice."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 43200))  # a clock half a day behind that build's
    assert build(site).ok and updated() == "2026-01-02T00:00:01+00:00"
    path.write_text(article_md("Story", date="2025-12-01T09:00:00+00:00", body="Edited three times."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 3 * 86400))  # and a clock ahead again
    assert build(site).ok and updated() == "2026-01-04T00:00:00+00:00"


def test_an_edit_at_the_second_an_article_first_appeared_stays_an_update(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit read by a build at the second the article first appeared (the same
    SOURCE_DATE_EPOCH, or a clock behind the last build's) is dated after that second: dated
    at it, the next build read the ledger's ``updated`` as the date the article had, and the
    "Updated" line and feed date came and went (an incremental build differed from a clean one)."""
    from test_incremental import clean_build_of, tree

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    site = make_site(content={"o.md": article_md("Other", date="2024-01-01T09:00:00+00:00")}, config=RENAMED_SITE)
    assert build(site).ok
    # New on a later build (appearing at the build's clock, after its date), then edited under the same clock.
    path = site / "content" / "a.md"
    path.write_text(article_md("Story", date="2023-12-31T23:30:00-02:00", body="First words."))
    assert build(site).ok
    path.write_text(article_md("Story", date="2023-12-31T23:30:00-02:00", body="Second words."))
    assert build(site).ok
    page = (site / "output" / "2023" / "12" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'Updated <time datetime="2026-01-01T00:00:01+00:00">' in page
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")
    assert build(site).written.written == []  # and it stays so


@pytest.mark.parametrize(
    ("when", "date", "corrected", "again"),
    [
        ("on the site's first build", "2024-03-10T09:00:00+00:00", "2024-03-08T09:00:00+00:00", "2024-03-07T09:00:00+00:00"),
        ("on a later build", "2025-12-31T20:00:00+00:00", "2025-12-31T08:00:00+00:00", "2025-12-30T08:00:00+00:00"),
    ],
)
def test_a_date_corrected_earlier_is_no_update_but_an_edit_stays_one(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str, date: str, corrected: str, again: str
) -> None:
    """Until its text changes once it is out, an article's ``updated`` is only the date it
    has: a date corrected alone, earlier as later, shows on its page and in its feed entries
    as its date, never as "Updated". An edit is an update, whatever its date becomes."""
    import feedparser
    from lxml import html as lxml_html

    other = {"o.md": article_md("Other", date="2024-01-01T09:00:00+00:00", id="urn:test:o")}
    site = make_site(content=other, config=RENAMED_SITE)
    article = site / "content" / "a.md"
    if when == "on a later build":
        assert build(site).ok  # the clock: 2026-01-01, when it first appears
    article.write_text(article_md("Harbour", date=date, id="urn:test:a", slug="harbour"))
    assert build(site).ok
    page = site / "output" / date[:4] / date[5:7] / "harbour" / "index.html"

    def shown() -> tuple[list[str], str, tuple[str, str], tuple[str, str], tuple[str, str]]:
        """(the header's times, its text, the JSON-LD's, the Atom entry's and the JSON Feed
        item's published and modified dates)."""
        doc = lxml_html.fromstring(page.read_bytes())
        data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
        atom = feedparser.parse((site / "output" / "atom.xml").read_bytes())
        assert not atom.bozo
        entry = next(e for e in atom.entries if e.id == "urn:test:a")
        item = next(i for i in json.loads((site / "output" / "feed.json").read_text())["items"] if i["id"] == "urn:test:a")
        return (
            doc.xpath("//header//time/@datetime"),
            doc.xpath("//header/p[@class='meta']")[0].text_content(),
            (data["datePublished"], data["dateModified"]),
            (entry.published, entry.updated),
            (item["date_published"], item["date_modified"]),
        )

    def same_as_a_clean_build() -> None:
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        shutil.copytree(site / "content", clean / "content")
        shutil.copy(site / "sitegen.toml", clean / "sitegen.toml")
        (clean / "seeds").mkdir()
        assert build(clean).ok
        for name in (page.relative_to(site / "output").as_posix(), "atom.xml", "rss.xml", "feed.json"):
            assert (clean / "output" / name).read_bytes() == (site / "output" / name).read_bytes(), name

    article.write_text(article.read_text().replace(date, corrected))
    assert build(site).ok
    times, text, *dated = shown()
    assert times == [corrected] and "Updated" not in text, text
    assert dated == [(corrected, corrected)] * 3
    same_as_a_clean_build()

    # Edited a day later, then its date corrected again: the edit stays an update.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 86400))
    article.write_text(article.read_text().replace("Body text.", "Body text, corrected."))
    assert build(site).ok
    article.write_text(article.read_text().replace(corrected, again))
    assert build(site).ok
    times, text, *dated = shown()
    assert times == [again, "2026-01-02T00:00:00+00:00"] and "Updated" in text, text
    assert dated == [(again, "2026-01-02T00:00:00+00:00")] * 3
    same_as_a_clean_build()


def test_a_changed_archive_size_is_warned_of_once_naming_the_setting(make_site: MakeSite) -> None:
    """Archive documents are meant never to change, and readers that keep them fetch each
    once: a new archive_size cut every one anew (archive 1 held other articles, archive 2
    went) and the build said nothing."""
    content = {f"s{i}.md": article_md(f"Story {i}", date=f"2024-05-0{i}T09:00:00+00:00") for i in range(1, 6)}
    site = make_site(content=content, config='title = "A"\nbase_url = "https://example.org/"\narchive_size = 2\n')
    config = site / "sitegen.toml"
    first = build(site)
    assert first.ok and first.warnings == []
    archive = site / "output" / "feeds" / "archive"
    assert sorted(p.name for p in archive.glob("*.xml") if not p.name.endswith(".rss.xml")) == ["1.xml", "2.xml"]

    config.write_text(config.read_text().replace("archive_size = 2", "archive_size = 3"))
    report = build(site)
    said = [w for w in report.warnings if ": archive_size:" in w]
    assert said == [
        f"{config}:3: archive_size: 3, but the site's archive documents (feeds/archive/) are cut at 2 articles each: this build"
        " cuts them anew, into 1 of 3 articles, and feed readers that keep archives never see the change (check --against"
        " stops such a deploy); set it back to 2 to keep them as readers have them"
    ]
    assert report.ok and not (archive / "2.xml").exists()  # what the warning is about
    # Said once: the ledger now keeps the new size, and the next builds say nothing of it.
    assert json.loads((site / "content" / LEDGER_NAME).read_text())["archive_size"] == 3
    assert not [w for w in build(site).warnings if ": archive_size:" in w]
    (site / "content" / "s6.md").write_text(article_md("Story 6", date="2024-05-06T09:00:00+00:00"))
    assert not [w for w in build(site).warnings if ": archive_size:" in w]

    # Raised past what is published: the archive documents go.
    config.write_text(config.read_text().replace("archive_size = 3", "archive_size = 50"))
    raised = build(site)
    assert [w.split(": this build ")[1].split(",")[0] for w in raised.warnings if ": archive_size:" in w] == ["takes them down (none of 50 is full yet)"]
    assert not list(archive.glob("*.xml"))


def test_archive_size_changed_before_any_archive_is_out_says_nothing(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00")}, config="archive_size = 3\n")
    assert build(site).warnings == []
    assert "archive_size" not in json.loads((site / "content" / LEDGER_NAME).read_text())
    (site / "sitegen.toml").write_text("archive_size = 5\n")
    assert build(site).warnings == []
def test_an_updated_date_after_the_clock_is_a_slip_that_dates_no_feed(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A front-matter ``updated`` after the build's clock (2052 for 2025) went into every
    feed: entries and feeds dated decades ahead, and the ledger kept it as the article's
    latest change, so that with the line removed it stayed, and every later edit was dated
    after it. It is warned of at its line and not used until its time."""
    import feedparser
    from lxml import etree
    from test_incremental import clean_build_of, tree

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    typo = article_md("Harbour", date="2025-12-01T09:00:00+00:00", id="urn:test:a", updated="'2052-12-02T09:00:00+00:00'")
    other = article_md("Other", date="2025-12-02T09:00:00+00:00", id="urn:test:o")
    site = make_site(content={"a.md": typo, "o.md": other}, config=RENAMED_SITE)
    article = site / "content" / "a.md"
    out = site / "output"

    def dates() -> tuple[str, str, str, str, str]:
        """The article's Atom and JSON Feed updated, and the Atom, RSS and JSON feeds' own dates."""
        atom = feedparser.parse((out / "atom.xml").read_bytes())
        assert not atom.bozo
        items = json.loads((out / "feed.json").read_text())["items"]
        return (
            next(e.updated for e in atom.entries if e.id == "urn:test:a"),
            next(i["date_modified"] for i in items if i["id"] == "urn:test:a"),
            atom.feed.updated,
            str(etree.parse(str(out / "rss.xml")).findtext("channel/lastBuildDate")),
            max(i["date_modified"] for i in items),
        )

    report = build(site)
    assert report.ok
    assert dates() == ("2025-12-01T09:00:00+00:00", "2025-12-01T09:00:00+00:00", "2025-12-02T09:00:00+00:00", "Tue, 02 Dec 2025 09:00:00 +0000", "2025-12-02T09:00:00+00:00")
    assert report.warnings == [
        f"{article}:5: updated 2052-12-02T09:00:00+00:00 is after the build's clock: taken for a slip of the date and not used until then;"
        " correct it, or remove the line"
    ]

    # The line removed, then the text edited an hour later: dated by the clock.
    article.write_text(article.read_text().replace("updated: '2052-12-02T09:00:00+00:00'\n", ""))
    assert build(site).warnings == []
    assert dates()[0] == "2025-12-01T09:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 3600))
    article.write_text(article.read_text().replace("Body text.", "Body text, corrected."))
    assert build(site).ok
    assert dates() == ("2026-01-01T01:00:00+00:00", "2026-01-01T01:00:00+00:00", "2026-01-01T01:00:00+00:00", "Thu, 01 Jan 2026 01:00:00 +0000", "2026-01-01T01:00:00+00:00")
    assert tree(out) == clean_build_of(site, tmp_path / "clean")


def test_an_updated_date_after_the_clock_is_used_from_its_time(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not used while ahead, it is from then on: a build with nothing else to do at that
    clock does the work (the last build's result holds only until then)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    written = article_md("Harbour", date="2025-12-01T09:00:00+00:00", id="urn:test:a", updated="'2026-01-01T06:00:00+00:00'")
    site = make_site(content={"a.md": written}, config=RENAMED_SITE)
    atom = site / "output" / "atom.xml"
    first = build(site)
    assert "<updated>2025-12-01T09:00:00+00:00</updated>" in atom.read_text()
    assert len(first.warnings) == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 7 * 3600))
    report = build(site)
    assert report.ok and report.warnings == []
    assert atom.read_text().count("<updated>2026-01-01T06:00:00+00:00</updated>") == 2  # the entry's and the feed's


def test_an_article_first_seen_with_a_correction_is_updated_when_it_was_corrected(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site brought from another tool: its page said it was corrected on 3 May, and its
    dateModified and feed entry that it had not changed since 1 May. A written ``updated``
    older than the correction is moved up to it too; one after the clock dates nothing."""
    import feedparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    corrected = "\n  - date: 2024-05-03T10:00:00+00:00\n    text: The name was misspelt.\n  - date: 2052-01-01\n    text: A slip."
    files = {
        "a.md": article_md("A", slug="a", date="2024-05-01T09:00:00+00:00", corrections=corrected),
        "b.md": article_md("B", slug="b", date="2024-05-01T09:00:00+00:00", updated="'2024-05-02T09:00:00+00:00'", corrections=corrected),
        "c.md": article_md("C", slug="c", date="2024-05-01T09:00:00+00:00", updated="'2024-06-02T09:00:00+00:00'", corrections=corrected),
    }
    site = make_site(content=files, config=RENAMED_SITE)
    assert build(site).ok
    feed = feedparser.parse(str(site / "output" / "atom.xml"))
    assert {e.title: e.updated for e in feed.entries} == {
        "A": "2024-05-03T10:00:00+00:00", "B": "2024-05-03T10:00:00+00:00", "C": "2024-06-02T09:00:00+00:00",
    }  # fmt: skip
    page = (site / "output" / "2024" / "05" / "a" / "index.html").read_text()
    assert '<meta property="article:modified_time" content="2024-05-03T10:00:00+00:00">' in page
    assert build(site).written.written == []  # and so it stays


def _updated_dates(site: Path) -> dict[str, str]:
    """Each article's ``updated`` in the ledger, by id."""
    return {key: entry["updated"] for key, entry in json.loads((site / "content" / LEDGER_NAME).read_text())["articles"].items()}


def test_a_ledger_of_html_hashes_keeps_its_dates_and_moves_only_the_edited(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ledgers written before the text as written was hashed hold hashes of its HTML. Their
    articles, unchanged, keep their dates (no feed shows them as updated) and take the new
    hashes; one edited since that ledger was written is an update."""
    import feedparser
    from test_content import PUBLISHED_HASHES

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    files = {f"{name}.md": article_md(name.title(), body=body, id=f"urn:test:{name}") for name, (body, _) in PUBLISHED_HASHES.items()}
    site = make_site(content=files, config=RENAMED_SITE)
    assert build(site).ok
    # The ledger as the version before wrote it: "plain" has been edited since.
    ledger_path = site / "content" / LEDGER_NAME
    ledger = json.loads(ledger_path.read_text())
    for name, (_, old_hash) in PUBLISHED_HASHES.items():
        ledger["articles"][f"urn:test:{name}"]["hash"] = old_hash
    ledger_path.write_text(json.dumps(ledger))
    (site / "content" / "plain.md").write_text(article_md("Plain", body="Text, edited.", id="urn:test:plain"))
    shutil.rmtree(site / CACHE_DIR)  # another version's cache is set aside
    assert build(site).ok
    dates = _updated_dates(site)
    assert dates.pop("urn:test:plain") == "2026-01-01T00:00:00+00:00"
    assert set(dates.values()) == {"2024-05-01T09:00:00+00:00"}
    assert all(entry["hash"].startswith("text:") for entry in json.loads(ledger_path.read_text())["articles"].values())
    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    updated = {entry.id: entry.updated for entry in feed.entries}
    assert updated.pop("urn:test:plain") == "2026-01-01T00:00:00+00:00"
    assert set(updated.values()) == {"2024-05-01T09:00:00+00:00"}
    assert build(site).written.written == []


def test_the_same_words_converted_otherwise_are_no_update(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new version of sitegen (or of Python-Markdown) that turns the same text into other
    HTML shows no article as updated: feed readers would show every such article again at
    once. Nor does a paragraph's lines wrapped anew; a change of its words does."""
    import feedparser

    from sitegen import content

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    body = "Some *emphasis* in a paragraph\nthat is wrapped\nhere."
    site = make_site(content={"a.md": article_md("A", body=body, id="urn:test:a"), "b.md": article_md("B", id="urn:test:b")}, config=RENAMED_SITE)
    assert build(site).ok
    before = _updated_dates(site)
    convert = content.Converter.convert
    monkeypatch.setattr(content.Converter, "convert", lambda self, text, lower_headings=True, **given: convert(self, text, lower_headings, **given).replace("em>", "i>"))
    shutil.rmtree(site / CACHE_DIR)  # a new version's cache starts over
    (site / "content" / "a.md").write_text(article_md("A", body="Some *emphasis* in a paragraph that is\nwrapped here.", id="urn:test:a"))
    assert build(site).ok
    page = (site / "output" / "2024" / "05" / "a" / "index.html").read_text(encoding="utf-8")
    assert "<i>emphasis</i>" in page and "Updated" not in page
    assert _updated_dates(site) == before
    (site / "content" / "a.md").write_text(article_md("A", body="Some *emphasis* in a paragraph that was rewritten.", id="urn:test:a"))
    assert build(site).ok
    assert _updated_dates(site) == {**before, "urn:test:a": "2026-01-01T00:00:00+00:00"}
    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    assert {entry.id: entry.updated for entry in feed.entries} == {"urn:test:a": "2026-01-01T00:00:00+00:00", "urn:test:b": "2024-05-01T09:00:00+00:00"}


def test_what_builds_at_localhost_recorded_is_set_aside_by_the_first_build_for_readers(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """``sitegen init`` leaves base_url at localhost: the newsroom builds and edits before
    launch. Those edits are no updates to readers, who see the site first at launch."""
    import feedparser
    from lxml import html as lxml_html

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    site = make_site(content={"a.md": article_md("Floods close coast road", id="urn:test:a"), "b.md": article_md("B", id="urn:test:b")})
    assert build(site).ok
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767229200")  # an hour later
    (site / "content" / "a.md").write_text(article_md("Floods close the coast road", id="urn:test:a"))
    assert build(site).ok
    ledger_path = site / "content" / LEDGER_NAME
    assert json.loads(ledger_path.read_text())["rehearsal"] is True
    assert _updated_dates(site)["urn:test:a"] == "2026-01-01T01:00:00+00:00"  # as any edit, at localhost
    (site / "sitegen.toml").write_text('base_url = "https://news.example.org/regional/"\n')
    report = build(site)
    assert report.ok
    said = [w for w in report.warnings if "set aside" in w]
    assert len(said) == 1 and str(ledger_path) in said[0] and "https://news.example.org/regional/" in said[0]
    assert "rehearsal" not in json.loads(ledger_path.read_text())
    assert set(_updated_dates(site).values()) == {"2024-05-01T09:00:00+00:00"}
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert "Updated" not in page.text_content()
    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    assert {e.id: e.updated for e in feed.entries} == {"urn:test:a": "2024-05-01T09:00:00+00:00", "urn:test:b": "2024-05-01T09:00:00+00:00"}
    again = build(site)
    assert again.written.written == [] and not [w for w in again.warnings if "set aside" in w]
    # A build at localhost now (base_url changed back for a test) leaves the history readers have.
    (site / "content" / "a.md").write_text(article_md("Floods close the coast road again", id="urn:test:a"))
    (site / "sitegen.toml").write_text('base_url = "http://localhost:8000/"\n')
    assert build(site).ok
    assert "rehearsal" not in json.loads(ledger_path.read_text())
    (site / "sitegen.toml").write_text('base_url = "https://news.example.org/regional/"\n')
    report = build(site)
    assert report.ok and not [w for w in report.warnings if "set aside" in w]
    assert _updated_dates(site)["urn:test:a"] == "2026-01-01T01:00:00+00:00"


def test_a_story_made_a_page_is_warned_of_once_naming_the_line(make_site: MakeSite, runner: CliRunner) -> None:
    """``page: true`` on a published story takes it out of every feed and listing and moves
    it: said by the build that does it, naming its file and the line, with the redirect
    from its old address; not by the builds after, nor of a page that never was a story."""
    story = article_md("About the Gazette", date="2024-03-01T10:00:00+00:00", slug="about-us")
    site = make_site(
        content={"about.md": story, "b.md": article_md("Other"), "contact.md": "---\ntitle: Contact\npage: true\n---\n\nWrite to us.\n"},
        config='base_url = "https://example.org/news/"\n',
    )
    assert build(site).warnings == []
    path = site / "content" / "about.md"
    path.write_text(story.replace("slug: about-us", "slug: about-us\npage: true"))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("warning:")] == [
        f"warning: {path}:5: page: true, but it was out as a story: this build takes it out of the feeds, listings, archives and"
        " news sitemap (feed readers keep what they saw) and makes it a page at https://example.org/news/about-us/; its address,"
        " https://example.org/news/2024/03/about-us/, now redirects there; to keep it a story, remove the line"
    ]
    # Said once: neither a build with nothing to do nor one with work says it again.
    assert "warning:" not in runner.invoke(main, ["build", "--site", str(site)]).output
    (site / "content" / "b.md").write_text(article_md("Other, edited"))
    assert build(site).warnings == []
    # The ledger keeps its entry, with the page's address as its latest.
    entry = json.loads((site / "content" / LEDGER_NAME).read_text())["articles"]
    assert [e["urls"] for e in entry.values() if e["titles"] == ["About the Gazette"]] == [
        ["https://example.org/news/2024/03/about-us/", "https://example.org/news/about-us/"]
    ]


def test_a_ledger_from_before_tags_were_kept_loads_and_the_tags_move_is_redirected(make_site: MakeSite) -> None:
    """A ledger with no ``tags`` (all of them before it was kept) is read as ever; its
    articles listed under the tag's old slug tell that the tag was out there, so a table
    that moves it redirects from there, and the ledger records the move from then on. A
    ``tags`` of another shape (a hand edit) is read leniently: what is not a list of slugs
    is left out."""
    from sitegen.ledger import load_ledger

    tagged = {f"s{i}.md": article_md(f"Story {i}", date=f"2024-03-0{i}T10:00:00+00:00", tags="[Economy & Business]") for i in (1, 2)}
    site = make_site(content=tagged, config='base_url = "https://example.org/"\n')
    ledger = site / "content" / LEDGER_NAME
    assert build(site).ok
    assert "tags" not in json.loads(ledger.read_text()) and load_ledger(site / "content") is not None
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\n\n[tags.economy]\nname = "Economy & Business"\n')
    assert build(site).ok
    assert json.loads(ledger.read_text())["tags"] == {"economy & business": ["economy-business", "economy"]}
    assert "/tags/economy-business/atom.xml /tags/economy/atom.xml 301" in (site / "output" / "_redirects").read_text()
    data = json.loads(ledger.read_text())
    data["tags"] = {"economy & business": ["economy-business", "economy"], "odd": "economy", "odder": [1]}
    ledger.write_text(json.dumps(data))
    stored = load_ledger(site / "content")
    assert stored is not None and stored.tags == {"economy & business": ("economy-business", "economy")}
    assert build(site).ok
    assert "/tags/economy-business/atom.xml /tags/economy/atom.xml 301" in (site / "output" / "_redirects").read_text()


def test_a_ledger_from_before_bylines_were_kept_loads_and_a_moved_byline_is_redirected(make_site: MakeSite) -> None:
    """A ledger with no ``authors`` (every one before bylines' slugs were kept) loads as it
    did; its articles listed under author:mara-quinn say the byline was out there, so the
    [authors.mquinn] table that moves it redirects from there, and the ledger keeps both
    slugs from then on. What is no list of slugs there (a hand edit) is left out."""
    from sitegen.ledger import dump_ledger, load_ledger

    byline = {f"r{n}.md": article_md(f"Report {n}", date=f"2024-04-0{n}T08:00:00+00:00", author="Mara Quinn") for n in (1, 2)}
    site = make_site(content=byline, config='base_url = "https://example.org/"\n')
    ledger = site / "content" / LEDGER_NAME
    assert build(site).ok
    before = load_ledger(site / "content")
    assert before is not None and before.authors == {} and '"authors"' not in ledger.read_text()
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\n\n[authors.mquinn]\nname = "Mara Quinn"\n')
    assert build(site).ok
    assert json.loads(ledger.read_text())["authors"] == {"mara quinn": ["mara-quinn", "mquinn"]}
    assert "/authors/mara-quinn/feed.json /authors/mquinn/feed.json 301" in (site / "output" / "_redirects").read_text().splitlines()
    edited = json.loads(ledger.read_text())
    edited["authors"] |= {"jane": "jane-doe", "sam": [None]}
    ledger.write_text(json.dumps(edited))
    stored = load_ledger(site / "content")
    assert stored is not None and stored.authors == {"mara quinn": ("mara-quinn", "mquinn")}
    assert json.loads(dump_ledger(stored))["authors"] == {"mara quinn": ["mara-quinn", "mquinn"]}

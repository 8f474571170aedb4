"""Feed behaviour over time and across formats: ids, updated dates, archives, budgets."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import shutil
import time
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from sitegen.build import build
from sitegen.cli import main
from sitegen.feeds import ATOM_NS, FH_NS
from sitegen.ledger import LEDGER_NAME, Entry, Ledger, dump_ledger, load_ledger

ATOM = {"a": "http://www.w3.org/2005/Atom", "fh": "http://purl.org/syndication/history/1.0"}


def stories(n: int, start: int = 0, tags: str = "[World]") -> dict[str, str]:
    return {
        f"s{i:03d}.md": article_md(f"Story {i}", date=f"2024-01-01T{i // 60:02d}:{i % 60:02d}:00+00:00", body=f"Text {i}.", tags=tags, id=f"urn:test:{i}")
        for i in range(start, start + n)
    }


def entry_ids(path: Path) -> list[str]:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return [e.id for e in feed.entries]


def json_ids(path: Path) -> list[str]:
    return [item["id"] for item in json.loads(path.read_text())["items"]]


def test_json_feed_has_the_required_fields(make_site: MakeSite) -> None:
    site = make_site(content=stories(3), config='base_url = "https://example.org/n/"\ntitle = "T"\nauthor = "Desk"\n')
    assert build(site).ok
    doc = json.loads((site / "output" / "feed.json").read_text())
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "T" and doc["home_page_url"] == "https://example.org/n/"
    assert doc["feed_url"] == "https://example.org/n/feed.json"
    assert doc["authors"] == [{"name": "Desk"}]
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"].startswith("urn:test:")
        assert item["url"].startswith("https://example.org/n/2024/01/")
        assert item["content_html"].startswith("<p>") and item["summary"]
        assert item["date_published"].endswith("+00:00") and item["date_modified"]
        assert item["tags"] == ["World"]
    assert json_ids(site / "output" / "feed.json") == entry_ids(site / "output" / "atom.xml") == entry_ids(site / "output" / "rss.xml")


def test_every_tag_has_feeds_and_its_pages_advertise_them(make_site: MakeSite) -> None:
    content = stories(2, tags="[World]") | stories(1, start=5, tags="[Sport, World]")
    site = make_site(content=content, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    out = site / "output"
    assert entry_ids(out / "tags/sport/atom.xml") == ["urn:test:5"]
    assert entry_ids(out / "tags/world/rss.xml") == ["urn:test:5", "urn:test:1", "urn:test:0"]
    assert json_ids(out / "tags/sport/feed.json") == ["urn:test:5"]
    page = lxml_html.fromstring((out / "tags/sport/index.html").read_bytes())
    hrefs = page.xpath("//link[@rel='alternate']/@href")
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert f"https://example.org/tags/sport/{name}" in hrefs and f"https://example.org/{name}" in hrefs
    subscribe = lxml_html.fromstring((out / "subscribe/index.html").read_bytes())
    assert "/tags/sport/feed.json" in subscribe.xpath("//a/@href")


def test_feeds_open_in_a_browser_but_stay_valid(make_site: MakeSite) -> None:
    site = make_site(content=stories(2))
    build(site)
    for name in ("atom.xml", "rss.xml"):
        doc = etree.parse(str(site / "output" / name))
        pis = [n for n in doc.xpath("/processing-instruction('xml-stylesheet')")]
        assert len(pis) == 1 and pis[0].get("href") == "/static/feed.xsl"
        transform = etree.XSLT(etree.parse(str(site / "output" / "static/feed.xsl")))
        page = lxml_html.fromstring(str(transform(doc)))
        assert len(page.xpath("//li/a")) == 2
        assert entry_ids(site / "output" / name)


def test_updated_moves_only_when_visible_content_changes(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content=stories(2))
    build(site)
    atom = site / "output" / "atom.xml"
    first = {e.id: e.updated for e in feedparser.parse(atom.read_bytes()).entries}
    assert first["urn:test:1"] == "2024-01-01T00:01:00+00:00"
    assert (site / "content" / ".sitegen-updated.json").is_file()

    # Reordered front matter and extra whitespace: nothing visible changed.
    md = site / "content" / "s001.md"
    lines = md.read_text().split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    md.write_text("\n".join(lines).replace("Text 1.", "Text   1.  \n\n\n"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    build(site)
    assert {e.id: e.updated for e in feedparser.parse(atom.read_bytes()).entries} == first

    # A real edit moves updated (to the time it was noticed), and only for that entry.
    md.write_text(md.read_text().replace("Text   1.", "Text 1, corrected."))
    build(site)
    after = {e.id: (e.updated, e.published) for e in feedparser.parse(atom.read_bytes()).entries}
    assert after["urn:test:1"] == ("2027-01-15T08:00:00+00:00", "2024-01-01T00:01:00+00:00")
    assert after["urn:test:0"][0] == first["urn:test:0"]
    assert etree.parse(str(atom)).findtext("a:updated", namespaces=ATOM) == "2027-01-15T08:00:00+00:00"
    # And it stays put on later builds.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    build(site)
    assert feedparser.parse(atom.read_bytes()).entries[0].updated == "2027-01-15T08:00:00+00:00"


def test_summary_only_feeds(make_site: MakeSite) -> None:
    site = make_site(content=stories(2), config='feed_content = "summary"\n')
    build(site)
    out = site / "output"
    atom = etree.parse(str(out / "atom.xml"))
    assert atom.xpath("//a:entry/a:content", namespaces=ATOM) == []
    assert atom.xpath("//a:entry/a:summary/text()", namespaces=ATOM) == ["Text 1.", "Text 0."]
    assert etree.parse(str(out / "rss.xml")).xpath("//*[local-name()='encoded']") == []
    items = json.loads((out / "feed.json").read_text())["items"]
    assert all("content_html" not in i and i["content_text"] for i in items)


def test_byte_budget_leaves_out_the_oldest_archived_entries(make_site: MakeSite) -> None:
    big = {k: v.replace("Text", "Long text " * 300 + "Text") for k, v in stories(30).items()}
    site = make_site(content=big, config="feed_size = 30\nfeed_max_bytes = 40000\narchive_size = 5\n")
    assert build(site).ok
    counts = set()
    for name in ("atom.xml", "rss.xml", "feed.json"):
        path = site / "output" / name
        assert path.stat().st_size <= 40000
        ids = json_ids(path) if name.endswith("json") else entry_ids(path)
        assert 5 <= len(ids) < 30
        assert ids == [f"urn:test:{i}" for i in range(29, 29 - len(ids), -1)]
        counts.add(len(ids))
    assert len(counts) == 1  # one set of entries for all three formats


def test_byte_budget_never_leaves_out_an_entry_no_archive_holds(make_site: MakeSite) -> None:
    big = {k: v.replace("Text", "Long text " * 300 + "Text") for k, v in stories(30).items()}
    site = make_site(content=big, config="feed_size = 30\nfeed_max_bytes = 40000\n")  # archives of 50: none full
    assert build(site).ok
    for name in ("atom.xml", "rss.xml", "feed.json"):
        path = site / "output" / name
        assert path.stat().st_size <= 40000
        ids = json_ids(path) if name.endswith("json") else entry_ids(path)
        assert ids == [f"urn:test:{i}" for i in range(29, -1, -1)]  # every one, newest first
    entries = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries
    whole = [bool(e.get("content")) for e in entries]
    # The newest carry their text; the oldest, their summary (and link) only.
    assert whole[0] and not whole[-1] and whole == sorted(whole, reverse=True)


def test_websub_hub_is_advertised(make_site: MakeSite) -> None:
    site = make_site(content=stories(1), config='base_url = "https://example.org/"\nwebsub_hub = "https://hub.example.com/"\n')
    build(site)
    out = site / "output"
    atom = etree.parse(str(out / "atom.xml"))
    assert atom.xpath("/a:feed/a:link[@rel='hub']/@href", namespaces=ATOM) == ["https://hub.example.com/"]
    assert atom.xpath("/a:feed/a:link[@rel='self']/@href", namespaces=ATOM) == ["https://example.org/atom.xml"]
    rss = etree.parse(str(out / "rss.xml"))
    assert rss.xpath("/rss/channel/a:link[@rel='hub']/@href", namespaces=ATOM) == ["https://hub.example.com/"]
    assert rss.xpath("/rss/channel/a:link[@rel='self']/@href", namespaces=ATOM) == ["https://example.org/rss.xml"]
    assert json.loads((out / "feed.json").read_text())["hubs"] == [{"type": "WebSub", "url": "https://hub.example.com/"}]
    assert entry_ids(out / "rss.xml") == ["urn:test:0"]


def _read_feed(path: Path) -> tuple[list[str], str | None, list[str]]:
    """(entry ids, the prev-archive/next_url link, the rel="current" links) of one feed
    document in any of the three formats."""
    if path.suffix == ".json":
        doc = json.loads(path.read_text())
        return [i["id"] for i in doc["items"]], doc.get("next_url"), []
    root = etree.parse(str(path)).getroot()
    ns = {"a": ATOM_NS, "fh": FH_NS}
    if root.tag == f"{{{ATOM_NS}}}feed":
        ids = root.xpath("a:entry/a:id/text()", namespaces=ns)
        links = root.xpath("a:link[@rel='prev-archive']/@href", namespaces=ns)
        current = root.xpath("a:link[@rel='current']/@href", namespaces=ns)
        marked = bool(root.xpath("fh:archive", namespaces=ns))
    else:
        ids = root.xpath("channel/item/guid/text()")
        links = root.xpath("channel/a:link[@rel='prev-archive']/@href", namespaces=ns)
        current = root.xpath("channel/a:link[@rel='current']/@href", namespaces=ns)
        marked = bool(root.xpath("channel/fh:archive", namespaces=ns))
    assert marked == bool(current), path  # archives, and only archives, are marked as such
    return ids, links[0] if links else None, current


def _follow_archives(out: Path, base: str, name: str = "atom.xml") -> tuple[list[str], list[str]]:
    """(the subscription document's ids, every id of the archive documents reached by
    following prev-archive (next_url in JSON Feed) from it)."""
    subscription, link, _ = _read_feed(out / name)
    seen: list[str] = []
    while link:
        ids, link, current = _read_feed(out / link.removeprefix(base))
        if not name.endswith(".json"):
            assert current == [base + name]
        seen += ids
    return subscription, seen


def test_archives_hold_every_article_once_and_old_ones_never_change(make_site: MakeSite) -> None:
    base = "https://example.org/"
    site = make_site(content=stories(23), config=f'base_url = "{base}"\nfeed_size = 5\narchive_size = 10\n')
    build(site)
    out = site / "output"
    everything = {f"urn:test:{i}" for i in range(23)}
    for name in ("atom.xml", "rss.xml", "feed.json"):
        subscription, archived = _follow_archives(out, base, name)
        assert len(archived) == len(set(archived)) == 20  # two full archives, each article once
        assert set(subscription) | set(archived) == everything  # the rest: in the subscription document
    full = {path: path.read_bytes() for path in (out / "feeds" / "archive").iterdir() if path.suffix not in (".gz", ".br")}
    assert sorted(p.name for p in full) == ["1.json", "1.rss.xml", "1.xml", "2.json", "2.rss.xml", "2.xml"]

    for i in range(23, 31):  # eight more articles: archive 3 fills
        (site / "content" / f"s{i:03d}.md").write_text(stories(1, start=i)[f"s{i:03d}.md"])
    build(site)
    everything = {f"urn:test:{i}" for i in range(31)}
    for name in ("atom.xml", "rss.xml", "feed.json"):
        subscription, archived = _follow_archives(out, base, name)
        assert len(archived) == len(set(archived)) == 30
        assert set(subscription) | set(archived) == everything
        assert "urn:test:30" in subscription
    # Full archives never change, but for the newest one's next-archive link, added once
    # the next one is out (test_the_newest_archive_links_to_no_archive_before_it_is_out).
    kept = {path: data for path, data in full.items() if path.name.startswith("1.")}
    assert {path: path.read_bytes() for path in kept} == kept
    assert not (out / "feeds/archive/4.xml").exists()  # published once full, not before
    links = etree.parse(str(out / "feeds/archive/2.xml")).xpath("/a:feed/a:link[@rel='next-archive']/@href", namespaces={"a": ATOM_NS})
    assert links == [base + "feeds/archive/3.xml"]


def _history_links(path: Path) -> dict[str, list[str]]:
    """rel -> hrefs of the RFC 5005 links of one feed document (``prev-archive``,
    ``next-archive``, ``current``); for JSON Feed, its ``next_url``."""
    if path.suffix == ".json":
        next_url = json.loads(path.read_text()).get("next_url")
        return {"next_url": [next_url]} if next_url else {}
    root = etree.parse(str(path)).getroot()
    head = root if root.tag == f"{{{ATOM_NS}}}feed" else root.find("channel")
    assert head is not None, path
    found: dict[str, list[str]] = {}
    for link in head.findall(f"{{{ATOM_NS}}}link"):
        if link.get("rel") in ("prev-archive", "next-archive", "current"):
            found.setdefault(link.get("rel", ""), []).append(link.get("href", ""))
    return found


def test_the_newest_archive_links_to_no_archive_before_it_is_out(make_site: MakeSite, tmp_path: Path) -> None:
    """RFC 5005 (4): an archive document links to the next one unless there is none. A link
    from the newest to the next, not there yet, is a 404 to a reader paging through; once
    the next is out, an incremental build adds the link, as a clean build does."""
    base = "https://example.org/"
    site = make_site(content=stories(7), config=f'base_url = "{base}"\nfeed_size = 2\narchive_size = 3\n')
    assert build(site).ok
    out = site / "output"

    def every_link_leads_to_a_document() -> dict[str, dict[str, list[str]]]:
        documents = [out / name for name in ("atom.xml", "rss.xml", "feed.json")]
        documents += [p for p in (out / "feeds" / "archive").iterdir() if p.suffix not in (".gz", ".br")]
        found = {}
        for path in sorted(documents):
            found[path.relative_to(out).as_posix()] = links = _history_links(path)
            for rel, hrefs in links.items():
                for href in hrefs:
                    assert href.startswith(base) and (out / href.removeprefix(base)).is_file(), f"{path.name}: {rel} {href} leads nowhere"
        return found

    links = every_link_leads_to_a_document()
    for name in ("2.xml", "2.rss.xml"):  # the newest: no next-archive yet
        assert "next-archive" not in links[f"feeds/archive/{name}"], name
    assert links["feeds/archive/1.xml"]["next-archive"] == [base + "feeds/archive/2.xml"]
    assert links["feeds/archive/1.rss.xml"]["next-archive"] == [base + "feeds/archive/2.rss.xml"]
    untouched = ("1.xml", "1.rss.xml", "1.json", "2.json")  # JSON Feed links backwards only
    before = {name: (out / "feeds/archive" / name).read_bytes() for name in untouched}
    entries_before = {name: entry_ids(out / "feeds/archive" / name) for name in ("2.xml", "2.rss.xml")}

    for name, text in stories(2, start=7).items():  # archive 3 fills
        (site / "content" / name).write_text(text)
    assert build(site).ok
    links = every_link_leads_to_a_document()
    assert links["feeds/archive/2.xml"]["next-archive"] == [base + "feeds/archive/3.xml"]
    assert links["feeds/archive/2.rss.xml"]["next-archive"] == [base + "feeds/archive/3.rss.xml"]
    assert "next-archive" not in links["feeds/archive/3.xml"] and "next-archive" not in links["feeds/archive/3.rss.xml"]
    assert {name: entry_ids(out / "feeds/archive" / name) for name in entries_before} == entries_before  # its entries stay
    assert {name: (out / "feeds/archive" / name).read_bytes() for name in untouched} == before

    assert_same_as_a_clean_build(site, tmp_path / "clean")


def assert_same_as_a_clean_build(site: Path, scratch: Path) -> None:
    """The site's output, built incrementally, is byte for byte what a clean build of its
    sources (the ledger is in content/) makes in ``scratch``."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site / "content", scratch / "content")
    shutil.copy(site / "sitegen.toml", scratch / "sitegen.toml")
    (scratch / "seeds").mkdir()
    assert build(scratch).ok
    out, clean = site / "output", scratch / "output"
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    for rel in files:
        assert (clean / rel).read_bytes() == (out / rel).read_bytes(), rel


_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
_entries = st.builds(
    Entry, hash=_text, updated=_text, seq=st.integers(1, 10**6), first=_text, date=_text, published=_text,
    listed=st.lists(_text, max_size=3).map(tuple),
)  # fmt: skip


@given(
    st.builds(
        Ledger, feed_id=_text, next_seq=st.integers(1, 10**6), articles=st.dictionaries(_text, _entries, max_size=5),
        floors=st.dictionaries(_text, st.integers(1, 10**6), max_size=3),
    )
)  # fmt: skip
def test_the_ledger_reads_back_as_written(ledger: Ledger) -> None:
    text = dump_ledger(ledger)
    data = json.loads(text)
    assert data["version"] == 2 and data["feed_id"] == ledger.feed_id
    assert text.count("\n") == 7 + bool(ledger.floors) + len(ledger.articles)  # one line per article, and for the floors
    loaded = load_ledger(Path("."), lambda _: text.encode("utf-8"))
    assert loaded is not None and loaded.articles == ledger.articles and loaded.feed_id == ledger.feed_id
    assert loaded.floors == ledger.floors


def test_a_huge_article_goes_out_as_its_summary_and_pushes_nothing_out(make_site: MakeSite) -> None:
    content = stories(5)
    content["s9.md"] = article_md("Huge", date="2024-12-01T00:00:00+00:00", body="Huge text. " * 3000, id="urn:test:huge", summary="The short of it.")
    site = make_site(content=content, config="feed_max_bytes = 40000\n")
    assert build(site).ok
    out = site / "output"
    for name in ("atom.xml", "rss.xml", "feed.json"):
        ids = json_ids(out / name) if name.endswith("json") else entry_ids(out / name)
        assert ids == ["urn:test:huge", "urn:test:4", "urn:test:3", "urn:test:2", "urn:test:1", "urn:test:0"], name
        assert "Huge text. Huge text." not in (out / name).read_text()
    atom = etree.parse(str(out / "atom.xml"))
    huge = atom.xpath("//a:entry[a:id='urn:test:huge']", namespaces=ATOM)[0]
    assert huge.xpath("a:content", namespaces=ATOM) == [] and huge.xpath("a:summary/text()", namespaces=ATOM) == ["The short of it."]
    assert len(atom.xpath("//a:entry/a:content", namespaces=ATOM)) == 5
    items = {i["id"]: i for i in json.loads((out / "feed.json").read_text())["items"]}
    assert items["urn:test:huge"]["content_text"] == "The short of it." and "content_html" in items["urn:test:0"]


def _everything_written(out: Path) -> str:
    """Every output file's text, to search for an article anywhere on the site."""
    return "\n".join(p.read_text(errors="replace") for p in sorted(out.rglob("*")) if p.is_file())


def test_a_scheduled_article_appears_nowhere_until_its_time(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    content = stories(3)
    # FIXED_EPOCH is 2026-01-01T00:00:00Z: this one is due an hour later.
    content["later.md"] = article_md("Scheduled story", date="2026-01-01T01:00:00+00:00", id="urn:test:later", slug="scheduled-story")
    site = make_site(content=content)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert "Held back 1 article dated in the future; the next is due 2026-01-01T01:00:00+00:00" in result.output
    out = site / "output"
    assert "urn:test:later" not in _everything_written(out) and "scheduled-story" not in _everything_written(out)
    assert "urn:test:later" not in (site / "content" / LEDGER_NAME).read_text()  # not published: not in the ledger
    again = build(site)
    assert again.scheduled == 1 and again.written.written == []  # nothing came due: nothing to do

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1767225600 + 3600))  # its time: no file changed, yet it appears
    due = build(site)
    assert due.scheduled == 0 and due.articles == 4
    assert entry_ids(out / "atom.xml")[0] == "urn:test:later"
    assert (out / "2026/01/scheduled-story/index.html").is_file()
    assert "scheduled-story" in (out / "sitemap.xml").read_text()


def test_future_previews_scheduled_articles_without_publishing_them(make_site: MakeSite, runner: CliRunner) -> None:
    content = stories(2)
    content["later.md"] = article_md("Scheduled story", date="2027-06-01T09:00:00+02:00", id="urn:test:later", slug="scheduled-story")
    site = make_site(content=content)
    result = runner.invoke(main, ["build", "--site", str(site), "--future"])
    assert result.exit_code == 0, result.output
    assert entry_ids(site / "output" / "atom.xml")[0] == "urn:test:later"
    # A preview: the ledger does not remember it (nor anything else) as published.
    assert not (site / "content" / LEDGER_NAME).exists()
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0  # the flag changes the build
    assert "urn:test:later" not in entry_ids(site / "output" / "atom.xml")
    assert "urn:test:later" not in (site / "content" / LEDGER_NAME).read_text()


def test_a_date_without_offset_is_warned_about_and_never_moves(make_site: MakeSite) -> None:
    content = {"a.md": article_md("Local time", date="2024-05-01 09:30", id="urn:test:local"), **stories(1)}
    site = make_site(content=content, config='timezone = "Europe/Oslo"\n')
    report = build(site)
    assert report.ok
    assert any(w.startswith(f"{site / 'content' / 'a.md'}:3: date '2024-05-01 09:30' gives no UTC offset") for w in report.warnings), report.warnings
    published = {e.id: e.published for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    assert published["urn:test:local"] == "2024-05-01T09:30:00+02:00"
    (site / "sitegen.toml").write_text('timezone = "Asia/Tokyo"\n')  # the site moves: the article does not
    assert build(site).ok
    moved = {e.id: e.published for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    assert moved["urn:test:local"] == "2024-05-01T09:30:00+02:00"


def test_the_feed_ids_are_minted_once_and_kept(make_site: MakeSite) -> None:
    site = make_site(content=stories(3, tags="[World]"), config='base_url = "http://example.org/"\narchive_size = 2\n')
    assert build(site).ok
    out = site / "output"

    def feed_ids() -> list[str]:
        paths = [out / "atom.xml", out / "tags/world/atom.xml", out / "feeds/archive/1.xml"]
        return [etree.parse(str(p)).findtext("{http://www.w3.org/2005/Atom}id") or "" for p in paths]

    ids = feed_ids()
    assert all(i.startswith("urn:uuid:") for i in ids) and ids[0] == ids[2] != ids[1]
    assert json.loads((out / "feed.json").read_text())["feed_url"] == "http://example.org/feed.json"
    (site / "sitegen.toml").write_text('base_url = "https://example.org/news/"\narchive_size = 2\n')
    assert build(site).ok
    assert feed_ids() == ids


def test_a_rewrapped_paragraph_changes_no_feed_byte(make_site: MakeSite) -> None:
    body = "A first sentence that runs long. A second one, wrapped by an editor.\n\n    code  keeps   its spaces\n"
    site = make_site(content={"a.md": article_md("Wrapped", body=body, id="urn:test:w")})
    assert build(site).ok
    feeds = ("atom.xml", "rss.xml", "feed.json")
    before = {name: (site / "output" / name).read_bytes() for name in feeds}
    assert b"code  keeps   its spaces" in before["atom.xml"]  # <pre> as written
    md = site / "content" / "a.md"
    md.write_text(md.read_text().replace("long. A second one,", "long.\nA second   one,\n"))
    assert build(site).ok
    assert {name: (site / "output" / name).read_bytes() for name in feeds} == before


def test_atom_rss_and_json_carry_the_same_entries_under_a_tight_budget(make_site: MakeSite) -> None:
    stories_ = {k: v.replace("Text", "Words " * 150 + "Text") for k, v in stories(12).items()}
    site = make_site(content=stories_, config="feed_size = 12\nfeed_max_bytes = 12000\narchive_size = 3\n")
    assert build(site).ok
    out = site / "output"
    atom, rss, json_ = entry_ids(out / "atom.xml"), entry_ids(out / "rss.xml"), json_ids(out / "feed.json")
    assert 1 <= len(atom) < 12 and atom == rss == json_


def test_two_new_sites_with_the_default_settings_get_different_feed_ids(make_site: MakeSite, tmp_path: Path) -> None:
    ids = []
    for name in ("one", "two"):
        site = make_site(content={f"{name}.md": article_md(name.title())})
        (site / "sitegen.toml").unlink(missing_ok=True)
        assert build(site).ok
        ids.append(etree.parse(str(site / "output" / "atom.xml")).findtext("{http://www.w3.org/2005/Atom}id"))
        shutil.move(str(site), str(tmp_path / f"kept-{name}"))
    assert ids[0] != ids[1] and all(i.startswith("urn:uuid:") for i in ids)


@pytest.mark.parametrize("feed_size", [1, 2])
def test_taking_an_article_down_brings_back_no_entry_that_left_the_feeds(make_site: MakeSite, tmp_path: Path, feed_size: int) -> None:
    """Readers show an entry that comes back as unread again. Six articles, two archives of
    three; the feed window (7 days) has passed for all but the two newest. Taking down the
    newest must not bring back the one before them, by count (feed_size 2) or because the
    window would then count from an older article (feed_size 1)."""
    days = [1, 2, 3, 6, 12, 14]
    content = {
        f"s{i}.md": article_md(f"Story {i}", date=f"2024-01-{day:02d}T09:00:00+00:00", body=f"Text {i}.", id=f"urn:test:{i}")
        for i, day in enumerate(days)
    }
    site = make_site(content=content, config=f'base_url = "https://example.org/"\nfeed_size = {feed_size}\narchive_size = 3\nfeed_window = 7\n')
    assert build(site).ok
    out = site / "output"
    assert entry_ids(out / "atom.xml") == ["urn:test:5", "urn:test:4"]
    (site / "content" / "s5.md").unlink()
    assert build(site).ok
    for name in ("atom.xml", "rss.xml"):
        assert entry_ids(out / name) == ["urn:test:4"], name  # one shorter: urn:test:3 stays in its archive
    assert json_ids(out / "feed.json") == ["urn:test:4"]
    # A clean build has the same history (the ledger is in content/), so the same feeds.
    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "sitegen.toml", clean / "sitegen.toml")
    (clean / "seeds").mkdir()
    assert build(clean).ok
    for name in ("atom.xml", "rss.xml", "feed.json", "feeds/archive/1.xml", "feeds/archive/2.xml"):
        assert (clean / "output" / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("change", ["taken down", "tag dropped"])
def test_a_tag_or_author_feed_brings_back_no_entry_that_left_it(make_site: MakeSite, tmp_path: Path, change: str) -> None:
    """As the site's feed: a tag's (and an author's) newest are counted among every article
    ever listed under it, so taking down its newest article, or dropping the tag from it,
    leaves the feed one shorter rather than showing an older article to its subscribers
    as new. (The window of 7 days has passed for all but the newest.)"""
    days = [1, 2, 3, 12]
    content = {
        f"s{i}.md": article_md(f"Story {i}", date=f"2024-01-{day:02d}T09:00:00+00:00", body=f"Text {i}.", tags="[Harbour]", author="Ann Lee", id=f"urn:test:{i}")
        for i, day in enumerate(days)
    }
    site = make_site(content=content, config='base_url = "https://example.org/"\nfeed_size = 2\narchive_size = 100\nfeed_window = 7\n')
    assert build(site).ok
    out = site / "output"
    feeds = {"tag": out / "tags" / "harbour" / "atom.xml", "author": out / "authors" / "ann-lee" / "atom.xml"}
    for path in feeds.values():
        assert entry_ids(path) == ["urn:test:3", "urn:test:2"]
    newest = site / "content" / "s3.md"
    if change == "taken down":
        newest.unlink()
        shown = {"tag": ["urn:test:2"], "author": ["urn:test:2"]}
    else:
        newest.write_text(newest.read_text().replace("tags: [Harbour]", "tags: [Weather]"))
        shown = {"tag": ["urn:test:2"], "author": ["urn:test:3", "urn:test:2"]}
    assert build(site).ok
    for kind, path in feeds.items():
        assert entry_ids(path) == shown[kind], kind  # urn:test:1 does not come back
        assert json_ids(path.with_name("feed.json")) == shown[kind], kind
    # The ledger is in content/: a clean build shows the same.
    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "sitegen.toml", clean / "sitegen.toml")
    (clean / "seeds").mkdir()
    assert build(clean).ok
    for path in feeds.values():
        assert (clean / path.relative_to(site)).read_bytes() == path.read_bytes()


NEWEST_GONE = 'base_url = "https://example.org/"\nfeed_size = 2\narchive_size = 100\nfeed_window = 7\n'
"""The settings of ``newest_taken_down``'s site: feeds of two entries."""


def newest_taken_down(make_site: MakeSite, **meta: str) -> Path:
    """A site of four stories under ``meta`` (tags, byline), the newest nine days after the
    others, in feeds of two entries: built, then built again with the newest taken down, so
    that its feeds hold one entry and the ledger remembers the story gone."""
    days = [1, 2, 3, 12]
    content = {f"s{i}.md": article_md(f"Story {i}", date=f"2024-01-{day:02d}T09:00:00+00:00", body=f"Text {i}.", id=f"urn:test:{i}", **meta) for i, day in enumerate(days)}
    site = make_site(content=content, config=NEWEST_GONE)
    assert build(site).ok
    (site / "content" / "s3.md").unlink()
    assert build(site).ok
    return site


def test_a_tag_or_byline_moved_by_a_table_still_counts_its_taken_down_articles(make_site: MakeSite, tmp_path: Path) -> None:
    """A tag's feed counts its newest among every article ever listed under it, a
    taken-down one included. Moved by a table, its subscribers are redirected to the new
    slug's feeds, which must count the articles listed under the old one too: else the one
    taken down is forgotten and an older entry that had left comes back to them as new."""
    site = newest_taken_down(make_site, tags="[Harbour]", author="Ann Lee")
    out = site / "output"
    for old in ("tags/harbour/", "authors/ann-lee/"):
        assert entry_ids(out / old / "atom.xml") == ["urn:test:2"]
    (site / "sitegen.toml").write_text(NEWEST_GONE + '\n[tags.port]\nname = "Harbour"\n\n[authors.alee]\nname = "Ann Lee"\n')
    assert build(site).ok
    redirects = (out / "_redirects").read_text()
    for old, new in (("tags/harbour/", "tags/port/"), ("authors/ann-lee/", "authors/alee/")):
        assert f"/{old}atom.xml /{new}atom.xml 301" in redirects
        assert entry_ids(out / new / "atom.xml") == ["urn:test:2"], new  # urn:test:1 does not come back
        assert json_ids(out / new / "feed.json") == ["urn:test:2"], new
    assert_same_as_a_clean_build(site, tmp_path / "clean")


@pytest.mark.parametrize("change", ["taken down", "renamed"])
def test_a_tag_or_author_left_with_no_article_keeps_its_feeds(make_site: MakeSite, tmp_path: Path, change: str) -> None:
    """Someone may be subscribed to any tag's or author's feed: when its only article is
    taken down (or its tag and byline changed), the feeds stay, valid and empty, under the
    same ids, as the site's feed stays when its articles go; the ledger remembers the tag
    and byline. The pages listing nothing go, and nothing links to them."""
    from test_feed_readers import atom_schema

    from sitegen.check import check_output
    from sitegen.config import Config

    content = {
        "old.md": article_md("Old", tags="[World]", author="Ann Lee", id="urn:test:old"),
        "new.md": article_md("New", date="2024-05-02T09:00:00+00:00", tags="[New, World]", author="'Bo Chen'", id="urn:test:new"),
    }
    config = 'base_url = "https://example.org/"\ntitle = "Gazette"\n[authors.bo-chen]\nname = "Bo Chen"\n'
    site = make_site(content=content, config=config)
    assert build(site).ok
    out = site / "output"
    folders = {"tag": out / "tags" / "new", "author": out / "authors" / "bo-chen"}
    ids = {}
    for kind, folder in folders.items():
        assert entry_ids(folder / "atom.xml") == ["urn:test:new"], kind
        ids[kind] = feedparser.parse((folder / "atom.xml").read_bytes()).feed.id
    new = site / "content" / "new.md"
    if change == "taken down":
        new.unlink()
    else:
        new.write_text(new.read_text().replace("[New, World]", "[Newer, World]").replace("'Bo Chen'", "Ann Lee"))
    assert build(site).ok
    titles = {"tag": "Gazette: new", "author": "Gazette: Bo Chen"}  # the ledger keeps a tag's slug, not its name
    for kind, folder in folders.items():
        for name in ("atom.xml", "rss.xml"):
            parsed = feedparser.parse((folder / name).read_bytes())
            assert not parsed.bozo, (kind, name, parsed.get("bozo_exception"))
            assert parsed.entries == [] and parsed.feed.title == titles[kind], (kind, name)
            assert parsed.feed.link == "https://example.org/", (kind, name)  # its page is gone: the site's home
        atom = etree.parse(str(folder / "atom.xml"))
        assert atom_schema().validate(atom), (kind, atom_schema().error_log.last_error)
        assert atom.findtext(f"{{{ATOM_NS}}}id") == ids[kind], kind  # the same subscription to readers
        doc = json.loads((folder / "feed.json").read_text())
        assert doc["items"] == [] and doc["title"] == titles[kind] and doc["feed_url"] == f"https://example.org/{folder.relative_to(out).as_posix()}/feed.json"
        assert not (folder / "index.html").exists(), kind
    # Nothing sends readers or search engines to the pages that are not made.
    for name in ("tags/index.html", "subscribe/index.html", "sitemap.xml", "index.html"):
        data = (out / name).read_bytes()
        assert b"tags/new/" not in data and b"authors/bo-chen/" not in data, name
    assert check_output(out, Config(base_url="https://example.org/")) == []
    # The ledger is in content/: a clean build in a fresh folder makes the same files.
    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "sitegen.toml", clean / "sitegen.toml")
    (clean / "seeds").mkdir()
    assert build(clean).ok

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(clean / "output") == files(out)


def test_a_tag_renamed_with_its_old_folder_among_its_tables_aliases_sends_its_subscribers_on(make_site: MakeSite) -> None:
    """A tag renamed (Weather to Climate in every article) whose table names the old tag's
    folder among its aliases: the old folder is the new tag's old address, so its feeds
    are redirected there, as its pages are, rather than left in place with no entries, and
    each old address is redirected once (two rules for one address stop nginx loading the
    map, and the first of them wins on Netlify)."""
    content = {
        f"s{i}.md": article_md(f"Story {i}", date=f"2024-01-0{i + 1}T09:00:00+00:00", body=f"Text {i}.", tags="[Weather]", id=f"urn:test:{i}")
        for i in range(3)
    }
    config = 'base_url = "https://example.org/"\nfeed_aliases = ["index.xml"]\n'
    site = make_site(content=content, config=config)
    assert build(site).ok
    out = site / "output"
    before = entry_ids(out / "tags" / "weather" / "atom.xml")
    for name in content:
        path = site / "content" / name
        path.write_text(path.read_text().replace("[Weather]", "[Climate]"))
    (site / "sitegen.toml").write_text(config + '\n[tags.climate]\nname = "Climate"\naliases = ["tags/weather/"]\n')
    assert build(site).ok
    assert not (out / "tags" / "weather" / "atom.xml").exists()
    rules = [line.split() for line in (out / "_redirects").read_text().splitlines() if line and not line.startswith("#")]
    olds = [rule[0] for rule in rules]
    assert len(olds) == len(set(olds)), sorted(old for old in olds if olds.count(old) > 1)
    sent = {rule[0]: rule[1] for rule in rules}
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert sent[f"/tags/weather/{name}"] == f"/tags/climate/{name}"
    assert sent["/tags/weather/index.xml"] == "/tags/climate/atom.xml"
    keys = [line.split()[0] for line in (out / "redirects.nginx.map").read_text().splitlines() if line and not line.startswith("#")]
    assert len(keys) == len(set(keys))
    assert entry_ids(out / "tags" / "climate" / "atom.xml") == before


def test_a_tag_renamed_into_its_old_folder_s_table_alias_counts_what_was_listed_there(make_site: MakeSite, tmp_path: Path) -> None:
    """Renamed (Weather to Climate) with the old folder among the new table's aliases, the
    tag's subscribers are redirected to the new one's feeds: those count the articles the
    old tag listed, a taken-down one included, and keep its byte budget's floor, as for a
    tag a table moved; else an older entry that had left the feed comes back as new."""
    site = newest_taken_down(make_site, tags="[Weather]")
    out = site / "output"
    assert entry_ids(out / "tags" / "weather" / "atom.xml") == ["urn:test:2"]
    for i in range(3):
        path = site / "content" / f"s{i}.md"
        path.write_text(path.read_text().replace("[Weather]", "[Climate]"))
    (site / "sitegen.toml").write_text(NEWEST_GONE + '\n[tags.climate]\nname = "Climate"\naliases = ["tags/weather/"]\n')
    assert build(site).ok
    assert "/tags/weather/atom.xml /tags/climate/atom.xml 301" in (out / "_redirects").read_text()
    assert entry_ids(out / "tags" / "climate" / "atom.xml") == ["urn:test:2"]  # urn:test:1 does not come back
    assert json_ids(out / "tags" / "climate" / "feed.json") == ["urn:test:2"]
    assert_same_as_a_clean_build(site, tmp_path / "clean")


def test_a_feed_left_with_no_entries_is_dated_when_it_last_changed(make_site: MakeSite, tmp_path: Path) -> None:
    """A tag's or author's feed whose articles are all gone stays, empty. Its date is the
    newest ``updated`` of the articles it held (the ledger knows those taken down), not
    1970, nor the build's clock; an incremental build dates it as a clean build does."""
    harbour = {"tags": "[Harbour]", "author": "Ann Lee"}
    content = {
        "a.md": article_md("Quay opens", date="2024-01-02T09:00:00+00:00", id="urn:test:a", **harbour),
        "b.md": article_md("Ferry returns", date="2024-01-05T09:00:00+00:00", id="urn:test:b", **harbour),
        "o.md": article_md("Elsewhere", date="2024-01-09T09:00:00+00:00", id="urn:test:o", tags="[Weather]"),
    }
    site = make_site(content=content, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    out = site / "output"
    folders = [out / "tags" / "harbour", out / "authors" / "ann-lee"]

    def dates_of(folder: Path) -> tuple[str, str, str]:
        """(Atom updated, RSS lastBuildDate, RSS pubDate) of an empty feed, as RFC 3339."""
        atom, rss = feedparser.parse((folder / "atom.xml").read_bytes()), feedparser.parse((folder / "rss.xml").read_bytes())
        assert not atom.bozo and not rss.bozo and atom.entries == rss.entries == []
        assert json_ids(folder / "feed.json") == []
        shown = [time.strftime("%Y-%m-%dT%H:%M:%S", t) for t in (atom.feed.updated_parsed, rss.feed.updated_parsed, rss.feed.published_parsed)]
        return shown[0], shown[1], shown[2]

    (site / "content" / "a.md").unlink()  # taken down
    (site / "content" / "b.md").unlink()  # the tag's, and the byline's, last article
    assert build(site).ok
    for folder in folders:
        assert dates_of(folder) == ("2024-01-05T09:00:00",) * 3, folder
    assert_same_as_a_clean_build(site, tmp_path / "clean")

    # The feeds stay empty while their date moves with the ledger's, which an incremental
    # build sees: the article back, under neither the tag nor the byline, then edited.
    (site / "content" / "b.md").write_text(article_md("Ferry returns", date="2024-01-05T09:00:00+00:00", id="urn:test:b"))
    assert build(site).ok
    for folder in folders:
        assert dates_of(folder) == ("2024-01-05T09:00:00",) * 3, folder
    (site / "content" / "b.md").write_text(article_md("Ferry returns", date="2024-01-05T09:00:00+00:00", body="Edited.", id="urn:test:b"))
    assert build(site).ok  # on 2026-01-01 (SOURCE_DATE_EPOCH)
    for folder in folders:
        assert dates_of(folder) == ("2026-01-01T00:00:00",) * 3, folder
    assert_same_as_a_clean_build(site, tmp_path / "clean")


BUDGET_FEEDS = ("", "tags/world/", "authors/ann-lee/")
"""The site's feeds, a tag's and an author's: each kept to its own byte budget."""


def long_stories(n: int, start: int = 0, words: int = 300) -> dict[str, str]:
    """Stories of some 3 KB of text each, a day apart, under one tag and one byline."""
    return {
        f"s{i:03d}.md": article_md(
            f"Story {i}",
            date=f"2024-01-{i + 1:02d}T09:00:00+00:00",
            body="Long text " * words + f"End {i}.",
            tags="[World]",
            author="Ann Lee",
            id=f"urn:test:{i}",
        )
        for i in range(start, start + n)
    }


def feed_entries(out: Path) -> dict[str, list[tuple[str, float]]]:
    """Every subscription document of ``BUDGET_FEEDS`` in the three formats -> its entries
    as a reader has them: (id, publication date as a timestamp), in order. Atom and RSS
    as feedparser reads them, JSON Feed as json does."""
    found: dict[str, list[tuple[str, float]]] = {}
    for prefix in BUDGET_FEEDS:
        for name in ("atom.xml", "rss.xml"):
            feed = feedparser.parse((out / prefix / name).read_bytes())
            assert not feed.bozo, (prefix + name, feed.get("bozo_exception"))
            found[prefix + name] = [(e.id, float(calendar.timegm(e.published_parsed))) for e in feed.entries]
        items = json.loads((out / prefix / "feed.json").read_text())["items"]
        found[prefix + "feed.json"] = [(i["id"], dt.datetime.fromisoformat(i["date_published"]).timestamp()) for i in items]
    return found


def assert_nothing_older_came_back(before: dict[str, list[tuple[str, float]]], after: dict[str, list[tuple[str, float]]], gone: set[str]) -> None:
    """No feed gained an entry older than the oldest it showed before (nor any other: nothing
    was published), and those it still shows have the ids and dates readers had."""
    for path, entries in after.items():
        oldest = min(date for _, date in before[path])
        assert all(date >= oldest for _, date in entries), (path, [i for i, date in entries if date < oldest])
        assert entries == [entry for entry in before[path] if entry[0] not in gone], path


@pytest.mark.parametrize("change", ["deleted", "shrunk", "drafted"])
def test_a_large_article_taken_down_or_shrunk_brings_back_no_older_entry(make_site: MakeSite, tmp_path: Path, change: str) -> None:
    """The byte budget keeps a feed's newest entries that fit. Taking down or shortening a
    large article makes room: older entries must not take it, in any of the feeds (the
    site's, a tag's, an author's) or formats, or readers show old stories as new. 25 long
    stories, the 5 newest in no archive yet (those the budget never leaves out)."""
    site = make_site(content=long_stories(25), config='base_url = "https://example.org/"\nfeed_size = 25\narchive_size = 10\nfeed_max_bytes = 40000\n')
    assert build(site).ok
    out = site / "output"
    before = feed_entries(out)
    for path, entries in before.items():
        assert 5 <= len(entries) < 25 and entries[0][0] == "urn:test:24", path  # the budget binds
    newest = site / "content" / "s024.md"
    if change == "deleted":
        newest.unlink()
    elif change == "shrunk":
        newest.write_text(newest.read_text().replace("Long text " * 300, "Short now. "))
    else:
        newest.write_text(newest.read_text().replace("---\n", "---\ndraft: true\n", 1))
    assert build(site).ok
    gone = set() if change == "shrunk" else {"urn:test:24"}
    assert_nothing_older_came_back(before, feed_entries(out), gone)
    assert_same_as_a_clean_build(site, tmp_path / "clean")

    # Nor on the builds after, incremental or clean, whatever else is taken down.
    (site / "content" / "s023.md").unlink()
    assert build(site).ok
    assert_nothing_older_came_back(before, feed_entries(out), gone | {"urn:test:23"})
    assert_same_as_a_clean_build(site, tmp_path / "clean")


def test_raising_the_byte_budget_brings_back_no_entry_it_left_out(make_site: MakeSite, tmp_path: Path) -> None:
    """Lowered, the budget leaves more of the older entries out. Raised again, it brings
    none of them back: unlike ``feed_size`` it asks for no older articles, it only bounds
    the bytes readers are sent, and readers let those entries go. The room goes to the
    articles published from then on."""
    config = 'base_url = "https://example.org/"\nfeed_size = 25\narchive_size = 10\nfeed_max_bytes = {}\n'
    site = make_site(content=long_stories(25), config=config.format(40000))
    assert build(site).ok
    out = site / "output"
    roomy = feed_entries(out)
    (site / "sitegen.toml").write_text(config.format(20000))
    assert build(site).ok
    tight = feed_entries(out)
    for path, entries in tight.items():
        assert entries == roomy[path][: len(entries)] and len(entries) < len(roomy[path]), path  # the oldest left
    assert_same_as_a_clean_build(site, tmp_path / "clean")

    (site / "sitegen.toml").write_text(config.format(40000))
    assert build(site).ok
    assert feed_entries(out) == tight
    assert_same_as_a_clean_build(site, tmp_path / "clean")

    for name, text in long_stories(2, start=25).items():  # two new stories take the room
        (site / "content" / name).write_text(text)
    assert build(site).ok
    for path, entries in feed_entries(out).items():
        assert [i for i, _ in entries] == ["urn:test:26", "urn:test:25", *(i for i, _ in tight[path])], path
    assert_same_as_a_clean_build(site, tmp_path / "clean")


def test_a_tag_or_byline_moved_by_a_table_keeps_what_the_budget_left_out(make_site: MakeSite, tmp_path: Path) -> None:
    """The ledger keeps the byte budget's floor of a tag's (or author's) feeds under the
    slug it had then. Moved by a table, its subscribers are sent to the feeds at the new
    slug: those must leave out what the budget left out before, or every entry it let go
    comes back to them as new (here, after the budget was raised, which brings none back)."""
    config = 'base_url = "https://example.org/"\nfeed_size = 25\narchive_size = 10\nfeed_max_bytes = {}\n'
    site = make_site(content=long_stories(25), config=config.format(40000))
    assert build(site).ok
    out = site / "output"
    shown = {kind: [i for i, _ in entries] for kind, entries in feed_entries(out).items()}
    assert 5 <= len(shown["tags/world/atom.xml"]) < 25  # the budget binds
    (site / "sitegen.toml").write_text(config.format(1000000))
    assert build(site).ok
    tables = '\n[tags.news]\nname = "World"\n\n[authors.alee]\nname = "Ann Lee"\n'
    (site / "sitegen.toml").write_text(config.format(1000000) + tables)
    assert build(site).ok
    redirects = (out / "_redirects").read_text()
    for old, new in (("tags/world/", "tags/news/"), ("authors/ann-lee/", "authors/alee/")):
        for name in ("atom.xml", "rss.xml"):
            assert f"/{old}{name} /{new}{name} 301" in redirects
            assert [e.id for e in feedparser.parse((out / new / name).read_bytes()).entries] == shown[old + name], new + name
        assert [i["id"] for i in json.loads((out / new / "feed.json").read_text())["items"]] == shown[old + "feed.json"], new
    assert_same_as_a_clean_build(site, tmp_path / "clean")


def test_an_article_bigger_than_the_budget_takes_its_room_for_good(make_site: MakeSite, tmp_path: Path) -> None:
    """An article whose entry alone outweighs the budget (a summary of 50 KB, which no
    feed leaves out as it does a long text) leaves every entry the feeds may do without
    out: in the site's feeds all those archives hold, in a tag's all but it. Taken down,
    it brings none of them back: the tag's feeds are left with no entry, as when a tag's
    only article goes, until the next article under it."""
    site = make_site(content=long_stories(12, words=30), config='base_url = "https://example.org/"\narchive_size = 10\nfeed_max_bytes = 40000\n')
    assert build(site).ok
    out = site / "output"
    assert all(len(entries) == 12 for entries in feed_entries(out).values())  # all fit
    huge = "Very long summary. " * 2700
    (site / "content" / "s999.md").write_text(
        article_md("Huge", date="2024-02-01T09:00:00+00:00", summary=f"'{huge}'", tags="[World]", author="Ann Lee", id="urn:test:huge")
    )
    assert build(site).ok
    shown = {path: [i for i, _ in entries] for path, entries in feed_entries(out).items()}
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert shown[name] == ["urn:test:huge", "urn:test:11", "urn:test:10"], name  # in no archive yet: never left out
        assert shown["tags/world/" + name] == shown["authors/ann-lee/" + name] == ["urn:test:huge"], name
    assert_same_as_a_clean_build(site, tmp_path / "clean")

    (site / "content" / "s999.md").unlink()
    assert build(site).ok
    shown = {path: [i for i, _ in entries] for path, entries in feed_entries(out).items()}
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert shown[name] == ["urn:test:11", "urn:test:10"], name
        assert shown["tags/world/" + name] == shown["authors/ann-lee/" + name] == [], name
    assert_same_as_a_clean_build(site, tmp_path / "clean")
    (site / "content" / "s012.md").write_text(long_stories(1, start=12, words=30)["s012.md"])
    assert build(site).ok
    assert feed_entries(out)["tags/world/atom.xml"][0][0] == "urn:test:12"


def test_the_budget_leaves_out_the_first_published_first_not_the_oldest_dated(make_site: MakeSite, tmp_path: Path) -> None:
    """An article published now with an old date (backdated) is, to readers, the newest
    entry: the budget leaves out the articles published before it, never it, and what it
    leaves out is all below one number, so room made later brings none of them back."""
    site = make_site(content=long_stories(15), config='base_url = "https://example.org/"\nfeed_max_bytes = 40000\n')
    assert build(site).ok
    out = site / "output"
    before = feed_entries(out)["tags/world/atom.xml"]
    old = article_md("Found in the files", date="2023-06-01T09:00:00+00:00", body="Long text " * 300, tags="[World]", author="Ann Lee", id="urn:test:old")
    (site / "content" / "old.md").write_text(old)
    assert build(site).ok
    entries = feed_entries(out)
    for prefix in ("tags/world/", "authors/ann-lee/"):
        for name in ("atom.xml", "rss.xml", "feed.json"):
            ids = [i for i, _ in entries[prefix + name]]
            # Listed by date, last; the oldest published before it left to make room.
            assert ids == [i for i, _ in before][: len(ids) - 1] + ["urn:test:old"], prefix + name
    (site / "content" / "s014.md").unlink()  # room: for no entry that left
    assert build(site).ok
    after = [i for i, _ in feed_entries(out)["tags/world/atom.xml"]]
    assert after == [i for i in ids if i != "urn:test:14"], after
    assert_same_as_a_clean_build(site, tmp_path / "clean")


def test_drafts_shown_by_the_settings_hold_no_place_from_the_articles_published_next(make_site: MakeSite, tmp_path: Path) -> None:
    """``drafts = true`` in sitegen.toml shows drafts, numbered after every published
    article and never recorded: their numbers go to the next articles really published.
    A feed that shows only drafts has left out every article published so far, and no
    more: the article published next is in it."""
    config = 'base_url = "https://example.org/"\nfeed_max_bytes = 8000\ndrafts = {}\n'
    site = make_site(content=long_stories(5, words=200), config=config.format("true"))
    for name in ("d1", "d2"):
        (site / "content" / f"{name}.md").write_text(
            article_md(name, date="2024-03-01T09:00:00+00:00", body="Draft text " * 300, tags="[World]", draft="true", id=f"urn:test:{name}")
        )
    assert build(site).ok
    out = site / "output"
    # Shown by the settings, never recorded: the budget leaves the others out, never those.
    assert entry_ids(out / "tags/world/atom.xml") == ["urn:test:d2", "urn:test:d1"]
    (site / "sitegen.toml").write_text(config.format("false"))
    (site / "content" / "new.md").write_text(article_md("New", date="2025-01-01T09:00:00+00:00", body="New text.", tags="[World]", id="urn:test:new"))
    assert build(site).ok
    assert entry_ids(out / "tags/world/atom.xml") == ["urn:test:new"]
    assert_same_as_a_clean_build(site, tmp_path / "clean")


def test_a_preview_under_another_budget_moves_no_floor(make_site: MakeSite, tmp_path: Path) -> None:
    """A preview (settings overridden for one build) records nothing in the ledger: the
    floors its feeds would give are not kept, and the real build after shows what it did."""
    site = make_site(content=long_stories(25), config='base_url = "https://example.org/"\nfeed_max_bytes = 40000\n')
    assert build(site).ok
    ledger = (site / "content" / LEDGER_NAME).read_bytes()
    before = feed_entries(site / "output")
    assert build(site, tmp_path / "preview", overrides={"feed_max_bytes": 10000}).ok
    assert len(feed_entries(tmp_path / "preview")["tags/world/atom.xml"]) < len(before["tags/world/atom.xml"])
    assert (site / "content" / LEDGER_NAME).read_bytes() == ledger
    assert build(site).ok and feed_entries(site / "output") == before


def test_an_article_out_late_moves_the_date_of_its_feeds(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An article dated before those already out (written last week, published today) is
    a change to every feed it enters when it appears: their Atom ``updated`` and RSS
    ``lastBuildDate`` stayed at the newest entry's date, so a reader or hub that goes by
    them saw nothing new. Dated when it appeared, as the ledger recorded it: a rebuild and a
    clean build give the same bytes."""
    content = {
        "a.md": article_md("Quay opens", date="2025-12-01T09:00:00+00:00", id="urn:test:a", tags="[Harbour]"),
        "b.md": article_md("Ferry returns", date="2025-12-20T09:00:00+00:00", id="urn:test:b", tags="[Weather]"),
    }
    site = make_site(content=content, config='base_url = "https://example.org/"\n')
    assert build(site).ok  # on 2026-01-01 (SOURCE_DATE_EPOCH)
    out = site / "output"
    late = calendar.timegm((2026, 1, 2, 8, 0, 0))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(late))
    (site / "content" / "c.md").write_text(article_md("Storm damage", date="2025-12-10T09:00:00+00:00", id="urn:test:c", tags="[Harbour]"))
    assert build(site).ok
    for folder, dated in ((out, "2026-01-02T08:00:00"), (out / "tags" / "harbour", "2026-01-02T08:00:00"), (out / "tags" / "weather", "2025-12-20T09:00:00")):
        atom, rss = feedparser.parse((folder / "atom.xml").read_bytes()), feedparser.parse((folder / "rss.xml").read_bytes())
        assert not atom.bozo and not rss.bozo
        assert [time.strftime("%Y-%m-%dT%H:%M:%S", t) for t in (atom.feed.updated_parsed, rss.feed.updated_parsed)] == [dated, dated], folder
    # The entry itself keeps its own dates: it is dated as written.
    entry = next(e for e in feedparser.parse((out / "atom.xml").read_bytes()).entries if e.id == "urn:test:c")
    assert time.strftime("%Y-%m-%dT%H:%M:%S", entry.updated_parsed) == "2025-12-10T09:00:00"
    assert_same_as_a_clean_build(site, tmp_path / "clean")

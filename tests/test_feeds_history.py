"""Feed behaviour over time and across formats: ids, updated dates, archives, budgets."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, article_md
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from sitegen.build import build
from sitegen.ledger import dump_ledger

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


def test_byte_budget_keeps_the_newest_entries(make_site: MakeSite) -> None:
    big = {k: v.replace("Text", "Long text " * 300 + "Text") for k, v in stories(30).items()}
    site = make_site(content=big, config="feed_size = 30\nfeed_max_bytes = 40000\n")
    assert build(site).ok
    for name in ("atom.xml", "rss.xml", "feed.json"):
        path = site / "output" / name
        assert path.stat().st_size <= 40000
        ids = json_ids(path) if name.endswith("json") else entry_ids(path)
        assert 5 <= len(ids) < 30
        assert ids == [f"urn:test:{i}" for i in range(29, 29 - len(ids), -1)]


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


def _follow_archives(out: Path, base: str) -> list[str]:
    """Every entry id reachable by following prev-archive from the main Atom feed."""
    seen: list[str] = []
    doc = etree.parse(str(out / "atom.xml"))
    link = doc.xpath("/a:feed/a:link[@rel='prev-archive']/@href", namespaces=ATOM)
    while link:
        path = out / link[0].removeprefix(base)
        doc = etree.parse(str(path))
        assert doc.xpath("/a:feed/fh:archive", namespaces=ATOM), path
        assert doc.xpath("/a:feed/a:link[@rel='current']/@href", namespaces=ATOM) == [base + "atom.xml"]
        seen += doc.xpath("/a:feed/a:entry/a:id/text()", namespaces=ATOM)
        link = doc.xpath("/a:feed/a:link[@rel='prev-archive']/@href", namespaces=ATOM)
    return seen


def test_archives_hold_every_article_once_and_old_ones_never_change(make_site: MakeSite) -> None:
    base = "https://example.org/"
    site = make_site(content=stories(23), config=f'base_url = "{base}"\nfeed_size = 5\narchive_size = 10\n')
    build(site)
    out = site / "output"
    seen = _follow_archives(out, base)
    assert sorted(seen) == sorted(f"urn:test:{i}" for i in range(23)) and len(seen) == 23
    full = {n: (out / f"feeds/archive/{n}.xml").read_bytes() for n in (1, 2)}

    for i in range(23, 31):  # eight more articles: chunk 3 fills, chunk 4 starts
        (site / "content" / f"s{i:03d}.md").write_text(stories(1, start=i)[f"s{i:03d}.md"])
    build(site)
    seen = _follow_archives(out, base)
    assert sorted(seen) == sorted(f"urn:test:{i}" for i in range(31)) and len(seen) == 31
    assert {n: (out / f"feeds/archive/{n}.xml").read_bytes() for n in (1, 2)} == full
    assert len(entry_ids(out / "feeds/archive/4.xml")) == 1


_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)


@given(st.dictionaries(_text, st.one_of(st.fixed_dictionaries({"hash": _text, "updated": _text}), st.dictionaries(_text, _text, max_size=3))))
def test_ledger_is_written_exactly_as_json_would_write_it(ledger: dict[str, dict[str, str]]) -> None:
    assert dump_ledger(ledger) == json.dumps(ledger, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


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

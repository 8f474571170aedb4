"""The feeds as readers see them: RFC 4287's schema, and a real reader subscribed over HTTP."""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
import rnc2rng
from conftest import DATA, MakeSite, article_md, seed_text
from lxml import etree
from lxml import html as lxml_html
from reader import make_reader

from sitegen.build import build

ATOM_NS = "http://www.w3.org/2005/Atom"


@functools.cache
def atom_schema() -> etree.RelaxNG:
    rng = rnc2rng.dumps(rnc2rng.load(str(DATA / "schema" / "atom.rnc")))
    # rnc2rng declares the RFC's "local" prefix as xmlns:local="", which XML forbids;
    # the declaration is unused (local:* becomes <nsName ns=""/>).
    return etree.RelaxNG(etree.fromstring(rng.replace('xmlns:local=""', "").encode()))


def test_every_atom_document_is_valid_rfc_4287(make_site: MakeSite) -> None:
    content = {
        f"s{i}.md": article_md(f"Story {i} <b>&</b> ]]>", date=f"2024-02-{i + 1:02d}T10:00:00+05:30", tags="[World, Asia]", author="Reporter")
        for i in range(7)
    }
    site = make_site(
        sample=True,
        seeds={"001_00000000000000aa.txt": seed_text("\u202eRTL 🎉 <script>", "Body\x7f text ]]> & more")},
        content=content,
        config='author = "Desk"\nwebsub_hub = "https://hub.example/"\narchive_size = 3\nbase_url = "https://example.org/n/"\n',
    )
    assert build(site).ok
    documents = [p for p in (site / "output").rglob("*.xml") if etree.parse(str(p)).getroot().tag == f"{{{ATOM_NS}}}feed"]
    assert len(documents) >= 8  # site, two tags, two authors, three archives
    for path in documents:
        schema = atom_schema()
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log.last_error)

    # Every feed of every format parses cleanly, and JSON Feeds have the 1.1 required fields.
    feeds = [p for p in (site / "output").rglob("*") if p.name in ("atom.xml", "rss.xml", "feed.json") or p.parent.as_posix().endswith("feeds/archive")]
    feeds = [p for p in feeds if p.suffix not in (".gz", ".br")]  # compressed copies: tests/test_hosting.py
    # Five subscriptions (the site, two tags, two authors: Reporter and the seed's Desk) and
    # three archive documents, each in three formats.
    assert len(feeds) == 5 * 3 + 3 * 3, sorted(str(p) for p in feeds)
    for path in feeds:
        if path.suffix == ".json":  # feedparser 6.0 reads XML feeds only
            doc = json.loads(path.read_text())
            assert doc["version"] == "https://jsonfeed.org/version/1.1" and doc["title"] and doc["items"]
            assert all(i["id"] and i["url"].startswith("https://example.org/n/") and ("content_html" in i or "content_text" in i) for i in doc["items"])
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries and all(e.id and e.link.startswith("https://example.org/n/") for e in parsed.entries)


def test_schema_rejects_an_invalid_feed() -> None:
    bad = etree.fromstring(f'<feed xmlns="{ATOM_NS}"><title>no id, no updated</title></feed>'.encode())
    assert not atom_schema().validate(bad)


@pytest.fixture
def served(tmp_path: Path, no_proxy: None) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving tmp_path/site/output (and no proxy in the way)."""
    root = tmp_path / "site" / "output"
    root.mkdir(parents=True)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def parse_request(self) -> bool:
        ok = super().parse_request()
        # Rebuilds within one second keep Last-Modified; a 304 would hide the change.
        del self.headers["If-Modified-Since"]
        return ok

    def log_message(self, format: str, *args: object) -> None:
        pass


def _story(i: int) -> str:
    return article_md(f"Story {i}", date=f"2024-03-{i + 1:02d}T09:00:00+00:00", body=f"Text of story {i}.", slug=f"story-{i}")


@pytest.mark.parametrize("feed_name", ["atom.xml", "rss.xml", "feed.json"])
def test_a_real_reader_never_sees_duplicates_or_losses(make_site: MakeSite, served: tuple[str, Path], feed_name: str) -> None:
    url, out = served
    n = 5
    site = make_site(content={f"s{i}.md": _story(i) for i in range(n)}, config='base_url = "https://example.org/"\n')
    assert build(site, out).ok

    reader = make_reader(":memory:")
    reader.add_feed(url + feed_name)
    reader.update_feeds(scheduled=False)

    def entries() -> dict[str, object]:
        return {e.id: e for e in reader.get_entries()}

    first = entries()
    assert len(first) == n

    # (a) One new article: exactly one new entry, the old ones untouched.
    (site / "content" / "s9.md").write_text(_story(9))
    assert build(site, out).ok
    reader.update_feeds(scheduled=False)
    after_add = entries()
    assert len(after_add) == n + 1 and set(first) < set(after_add)
    for entry_id, entry in first.items():
        assert after_add[entry_id].updated == entry.updated
        assert after_add[entry_id].title == entry.title

    # (b) A title edit, a slug change and a new base_url: still n + 1 entries, none new.
    md = site / "content" / "s2.md"
    md.write_text(md.read_text().replace("title: 'Story 2'", "title: 'Story 2, corrected'").replace("slug: story-2", "slug: story-two"))
    (site / "sitegen.toml").write_text('base_url = "https://www.example.org/news/"\n')
    assert build(site, out).ok
    reader.update_feeds(scheduled=False)
    after_edit = entries()
    assert set(after_edit) == set(after_add)
    edited = next(e for e in after_edit.values() if e.title == "Story 2, corrected")
    assert edited.link == "https://www.example.org/news/2024/03/story-two/"

    # (c) Nothing changed: the feed file is byte-identical and the reader sees the same.
    before = (out / feed_name).read_bytes()
    assert build(site, out).ok
    assert (out / feed_name).read_bytes() == before
    reader.update_feeds(scheduled=False)
    assert set(entries()) == set(after_edit)
    reader.close()


def _without_next_archive(data: bytes) -> bytes:
    """A feed document as it was before the archive after it was out: with no next-archive link."""
    if not data.startswith(b"<?xml"):
        return data  # JSON Feed pages backwards only
    root = etree.fromstring(data)
    for link in root.xpath("//a:link[@rel='next-archive']", namespaces={"a": ATOM_NS}):
        link.getparent().remove(link)
    return etree.tostring(root)


def _dated(i: int, date: str) -> str:
    return article_md(f"Story {i}", date=date, body=f"Text of story {i}.", slug=f"story-{i}", id=f"urn:test:{i}")


@pytest.mark.parametrize("feed_name", ["atom.xml", "rss.xml", "feed.json"])
def test_a_burst_a_backdated_article_and_a_takedown_reach_a_reader_as_they_should(
    make_site: MakeSite, served: tuple[str, Path], feed_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, out = served
    content = {f"s{i:03d}.md": _dated(i, f"2025-03-{1 + i % 28:02d}T{i // 28:02d}:00:00+00:00") for i in range(25)}
    site = make_site(content=content, config='base_url = "https://example.org/"\nfeed_size = 20\narchive_size = 10\n')
    assert build(site, out).ok
    reader = make_reader(":memory:")
    reader.add_feed(url + feed_name)
    reader.update_feeds(scheduled=False)
    seen = {e.id for e in reader.get_entries()}

    def archives() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((out / "feeds" / "archive").iterdir()) if p.suffix not in (".gz", ".br")}

    full = archives()
    assert sorted(full) == ["1.json", "1.rss.xml", "1.xml", "2.json", "2.rss.xml", "2.xml"]

    # A burst of 30, dated over a month: every one reaches the reader, none twice.
    burst = {f"b{i:03d}.md": _dated(100 + i, f"2025-04-{1 + i:02d}T08:00:00+00:00") for i in range(30)}
    for name, text in burst.items():
        (site / "content" / name).write_text(text)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767229200")  # an hour later
    assert build(site, out).ok
    reader.update_feeds(scheduled=False)
    ids = [e.id for e in reader.get_entries()]
    assert len(ids) == len(set(ids))
    assert set(ids) - seen == {f"urn:test:{100 + i}" for i in range(30)}
    # Full archives never change, but for the newest one's next-archive link, added now
    # that the next one is out (RFC 5005).
    assert {k: _without_next_archive(v) for k, v in archives().items() if k in full} == {k: _without_next_archive(v) for k, v in full.items()}
    assert {k: v for k, v in archives().items() if k.startswith("1.")} == {k: v for k, v in full.items() if k.startswith("1.")}
    seen = set(ids)

    # A backdated article reaches the reader too, and changes no archive.
    (site / "content" / "old.md").write_text(_dated(999, "2019-06-01T12:00:00+00:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767232800")
    before = archives()
    assert build(site, out).ok
    reader.update_feeds(scheduled=False)
    assert {e.id for e in reader.get_entries()} - seen == {"urn:test:999"}
    assert archives() == before

    # A takedown changes the archive documents that held the article, and no other.
    (site / "content" / "s003.md").unlink()
    assert build(site, out).ok
    after = archives()
    assert sorted(name for name in before if after.get(name) != before[name]) == ["1.json", "1.rss.xml", "1.xml"]
    assert b"urn:test:3" not in after["1.xml"]
    reader.close()


# Titles readers cannot take for HTML, and titles they can (an end tag of an element their
# sanitizers keep, or a character reference): see feeds._title.
_TEXT_TITLES = ["Why <script> tags matter", "AT&T & <Verizon>", "5 < 6 > 4", "Q&A: &copy law"]
_HTML_TITLES = ["Use <b>bold</b> now", "Tom &amp; Jerry", "I &lt;3 R&amp;D"]


def _shown(detail: feedparser.FeedParserDict) -> str:
    """What a reader built on feedparser shows: HTML rendered, text as it is."""
    if detail.type == "text/html":
        return str(lxml_html.fragment_fromstring(detail.value, create_parent="div").text_content())
    return str(detail.value)


def newsboat_titles(feed: Path, home: Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """(the feed's title, {link: (title, author)}) as newsboat keeps them after a reload.
    newsboat shows an RSS title as text, just as it keeps it (rsspp sets its type "text")."""
    binary = shutil.which("newsboat")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("newsboat is missing: make test installs it (Debian package newsboat)")
        pytest.skip("newsboat is missing (make test installs it)")
    home.mkdir()
    (home / "urls").write_text(f'"exec:cat {feed}"\n', encoding="utf-8")
    (home / "config").write_text("", encoding="utf-8")
    cache = home / "cache.db"
    command = [binary, "-u", str(home / "urls"), "-C", str(home / "config"), "-c", str(cache), "-x", "reload"]
    subprocess.run(command, env={**os.environ, "HOME": str(home)}, check=True, capture_output=True, timeout=120)
    with contextlib.closing(sqlite3.connect(cache)) as db:
        [(title,)] = db.execute("SELECT title FROM rss_feed").fetchall()
        items = {url: (t, author) for url, t, author in db.execute("SELECT url, title, author FROM rss_item")}
    return title, items


def test_rss_titles_read_as_written_by_feedparser_and_as_far_as_can_be_by_newsboat(make_site: MakeSite, tmp_path: Path) -> None:
    """feedparser takes an RSS <title> for HTML when it looks like HTML ("Use <b>bold</b>",
    "Tom &amp; Jerry"): written as text, it lost the tags and decoded the "&amp;". Such a
    title is now escaped as HTML; any other still goes out as text, which newsboat (that
    shows RSS titles as text) shows as written too."""
    titles = _TEXT_TITLES + _HTML_TITLES
    content = {
        f"s{i}.md": article_md(title, date=f"2024-05-{i + 1:02d}T09:00:00+00:00", slug=f"s{i}", author="'Smith &amp; <Jones>'", tags="['C++ <b>', 'R&amp;D']")
        for i, title in enumerate(titles)
    }
    site = make_site(content=content, config='title = "News & <Co> </b>"\nbase_url = "https://example.org/"\ncompress = false\n')
    assert build(site).ok
    out = site / "output"
    link = {f"https://example.org/2024/05/s{i}/": title for i, title in enumerate(titles)}

    rss = feedparser.parse((out / "rss.xml").read_bytes())
    assert not rss.bozo
    assert _shown(rss.feed.title_detail) == "News & <Co> </b>"
    assert {e.link: _shown(e.title_detail) for e in rss.entries} == link
    for entry in rss.entries:
        assert entry.author == "Smith &amp; <Jones>"
        assert [t.term for t in entry.tags] == ["C++ <b>", "R&amp;D"]
    # Atom's titles are type="text" and JSON Feed's strings: as written, however they look.
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert {e.link: (e.title_detail.type, e.title) for e in atom.entries} == {url: ("text/plain", t) for url, t in link.items()}
    assert {i["url"]: i["title"] for i in json.loads((out / "feed.json").read_text())["items"]} == link

    # newsboat shows what is sent as text as written, and what is escaped as HTML escaped:
    # no title can be both (feeds._title chose the readers that guess, which are most).
    feed_title, items = newsboat_titles(out / "rss.xml", tmp_path / "newsboat")
    assert feed_title == "News & <Co> </b>"  # an end tag of no element a sanitizer keeps: text
    expected = {url: title if title in _TEXT_TITLES else html.escape(title, quote=False) for url, title in link.items()}
    assert {url: shown for url, (shown, _) in items.items()} == expected
    assert {author for _, author in items.values()} == {"Smith &amp; <Jones>"}

    # A browser opening the RSS feed shows the titles as written too (feed.xsl).
    transform = etree.XSLT(etree.parse(str(out / "static" / "feed.xsl")))
    page = lxml_html.fromstring(str(transform(etree.parse(str(out / "rss.xml")))))
    assert dict(zip(page.xpath("//li/a/@href"), page.xpath("//li/a/text()"), strict=True)) == link
    assert page.xpath("//h1/text()") == ["News & <Co> </b>"]


def test_the_elements_taken_for_html_are_feedparsers() -> None:
    from feedparser.sanitizer import _HTMLSanitizer

    from sitegen.feeds import _GUESSED_ELEMENTS

    assert set(_HTMLSanitizer.acceptable_elements) == _GUESSED_ELEMENTS

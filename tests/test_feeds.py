from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, seed_text
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.feeds import json_document
from sitegen.seeds import import_seeds

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def news_site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    content = {
        f"s{i}.md": article_md(
            f"Story {i}",
            date=f"2024-03-{10 + i:02d}T08:00:00+01:00",
            body=f"Paragraph {i} with [a relative link](../other/) and ![pic](/img/{i}.png) and [a note](#note).",
            tags="[World, Asia]",
            id=f"urn:test:{i}",
        )
        for i in range(5)
    }
    content["s1.md"] = content["s1.md"].replace("date:", "updated: '2024-04-01T00:00:00Z'\ndate:")
    site = make_site(sample=True, content=content, config='base_url = "https://example.org/news/"\nfeed_size = 4\nfeed_window = 0\narchive_size = 2\ntitle = "Test News"\n')
    # The sample seed (which gives no date) imported in November 2023: the oldest article.
    with monkeypatch.context() as early:
        early.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert not import_seeds(site, load_config(site)).errors
    assert build(site).ok
    return site


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_feeds_parse_cleanly_with_ids_dates_and_absolute_links(news_site: Path, name: str) -> None:
    feed = parse(news_site / "output" / name)
    assert feed.feed.title == "Test News"
    assert feed.feed.link == "https://example.org/news/"
    # Newest N, newest first: the imported sample (2023) is the oldest and falls out.
    assert [e.id for e in feed.entries] == ["urn:test:4", "urn:test:3", "urn:test:2", "urn:test:1"]
    for entry in feed.entries:
        assert entry.link.startswith("https://example.org/news/2024/03/")
        assert entry.published_parsed is not None
        html = entry.content[0].value
        assert 'href="https://example.org/news/2024/03/other/"' in html
        assert 'src="https://example.org/img/' in html  # root-relative resolves against the host
        assert f'href="{entry.link}#note"' in html
        assert entry.summary.startswith("Paragraph")
        assert "<" not in entry.summary
    entry1 = next(e for e in feed.entries if e.id == "urn:test:1")
    if name == "atom.xml":
        assert entry1.updated_parsed[:3] == (2024, 4, 1)
        assert entry1.published_parsed[:3] == (2024, 3, 11)


def test_feed_readers_get_the_sites_icon_from_every_feed(news_site: Path) -> None:
    """Readers show a feed's icon beside its name: Atom's <icon>, JSON Feed's icon and
    favicon, and on pages the apple-touch-icon link many readers look for, one PNG at an
    address that never changes (archive documents name it too)."""
    from PIL import Image

    out = news_site / "output"
    icon = "https://example.org/news/static/icon.png"
    assert etree.parse(str(out / "atom.xml")).findtext("a:icon", namespaces=ATOM) == icon
    document = json.loads((out / "feed.json").read_text())
    assert document["icon"] == document["favicon"] == icon
    assert feedparser.parse((out / "atom.xml").read_bytes()).feed.icon == icon
    with Image.open(out / "static" / "icon.png") as image:
        assert image.format == "PNG" and image.size == (512, 512)
    page = lxml_html.fromstring((out / "index.html").read_bytes())
    assert page.xpath("//link[@rel='apple-touch-icon']/@href") == ["/news/static/icon.png"]


def test_atom_details(news_site: Path) -> None:
    doc = etree.parse(str(news_site / "output" / "atom.xml"))
    assert doc.findtext("a:updated", namespaces=ATOM) == "2024-04-01T00:00:00+00:00"  # the newest entry's, not the clock
    assert doc.xpath("a:link[@rel='self']/@href", namespaces=ATOM) == ["https://example.org/news/atom.xml"]
    for entry in doc.xpath("a:entry", namespaces=ATOM):
        assert entry.find("a:content", ATOM).get("type") == "html"
        for field in ("published", "updated"):
            value = entry.findtext(f"a:{field}", namespaces=ATOM)
            assert dt.datetime.fromisoformat(value).tzinfo is not None
    terms = doc.xpath("a:entry[1]/a:category/@term", namespaces=ATOM)
    assert terms == ["world", "asia"]  # as the article lists them


def test_rss_details(news_site: Path) -> None:
    doc = etree.parse(str(news_site / "output" / "rss.xml"))
    channel = doc.find("channel")
    guids = channel.findall("item/guid")
    assert [g.text for g in guids] == ["urn:test:4", "urn:test:3", "urn:test:2", "urn:test:1"]
    assert {g.get("isPermaLink") for g in guids} == {"false"}
    assert channel.findtext("lastBuildDate") == "Mon, 01 Apr 2024 00:00:00 +0000"
    assert channel.findtext("item/pubDate") == "Thu, 14 Mar 2024 08:00:00 +0100"
    assert channel.xpath("*[local-name()='link' and @rel='self']/@href") == ["https://example.org/news/rss.xml"]
    encoded = channel.find("item/{http://purl.org/rss/1.0/modules/content/}encoded")
    assert encoded is not None and encoded.text.startswith("<p>")


def test_the_copyright_line_is_the_feeds_rights_and_at_the_foot_of_every_page(make_site: MakeSite) -> None:
    """``copyright`` in sitegen.toml: Atom's rights and RSS's copyright, as feed readers show
    them, and the pages' footer, as text; none of them when it is not set."""
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00", tags="[World]")})
    assert build(site).ok
    assert "rights" not in feedparser.parse(str(site / "output" / "atom.xml")).feed
    assert "rights" not in feedparser.parse(str(site / "output" / "rss.xml")).feed
    assert not lxml_html.parse(str(site / "output" / "index.html")).xpath("//footer//p[@class='copyright']")
    line = "© 2026 Crème & <News>"
    (site / "sitegen.toml").write_text(f'copyright = "{line}"\n')
    assert build(site).ok
    for name in ("atom.xml", "rss.xml", "tags/world/atom.xml", "tags/world/rss.xml"):
        feed = feedparser.parse(str(site / "output" / name))
        assert not feed.bozo and feed.feed.rights == line, name
    for page in ("index.html", "2024/05/a/index.html", "tags/world/index.html"):
        assert lxml_html.parse(str(site / "output" / page)).xpath("//footer//p[@class='copyright']/text()") == [line], page
    assert "rights" not in json.loads((site / "output" / "feed.json").read_text())  # JSON Feed has no such field


def test_feed_ids_survive_title_slug_and_base_url_changes(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    build(site)
    before = parse(site / "output" / "atom.xml").entries[0]
    md = next((site / "content").glob("*.md"))
    md.write_text(md.read_text().replace("title: North Koreas", "title: Edited North Koreas").replace("slug: north-koreas", "slug: renamed-north-koreas"))
    (site / "sitegen.toml").write_text('base_url = "https://moved.example/sub/"\n')
    build(site)
    after = parse(site / "output" / "atom.xml").entries[0]
    assert after.id == before.id
    assert after.title.startswith("Edited") and "renamed-north-koreas" in after.link


def test_hostile_text_reaches_feeds_escaped(make_site: MakeSite) -> None:
    title = "<script>alert(1)</script> ]]> & \u202eRTL\u202c 🎉"
    site = make_site(
        seeds={"001_00000000000000aa.txt": seed_text(title, "Body ]]> <b>not bold</b> & 🎉 \u05e9\u05dc\u05d5\u05dd")},
        content={"ctl.md": "---\ntitle: Control\x01 chars\x1f here\ndate: 2024-01-01\n---\n\nText with \x0b a vertical tab.\n"},
    )
    report = build(site)
    assert report.ok, report.errors
    assert any("ctl.md" in w and "control characters" in w for w in report.warnings)
    for name in ("atom.xml", "rss.xml"):
        raw = (site / "output" / name).read_bytes()
        etree.fromstring(raw)  # well-formed XML, or this raises
        feed = parse(site / "output" / name)
        titles = {e.title for e in feed.entries}
        shown = title.replace("\u202e", "").replace("\u202c", "")  # bidi controls leave titles
        assert shown in titles
        assert "Control chars here" in titles
        body = next(e for e in feed.entries if e.title == shown).content[0].value
        assert "&lt;b&gt;not bold&lt;/b&gt;" in body and "]]&gt;" in body


def test_empty_site_still_has_valid_feeds(make_site: MakeSite) -> None:
    site = make_site()
    assert build(site).ok
    for name in ("atom.xml", "rss.xml"):
        feed = parse(site / "output" / name)
        assert feed.entries == []


def test_links_are_absolute_in_feeds_and_as_written_on_pages(make_site: MakeSite) -> None:
    """Only attributes are rewritten, by an HTML parser: text that looks like markup stays
    text, unquoted attributes are found, and pages keep their links for any preview host."""
    body = (
        'He said href="nowhere" and wrote `<a href="x.html">` in code.[^1]\n\n'
        "<img src=/img/a.png alt=pic> <a href=more/>more</a>\n\n[^1]: A note."
    )
    site = make_site(
        content={"a.md": article_md("Links", date="2024-03-01T08:00:00+00:00", body=body)},
        seeds={"001_00000000000000ab.txt": seed_text("Seeded", 'He said href="nowhere" and src=x.png too.')},
        config='base_url = "https://example.org/news/"\n',
    )
    assert build(site).ok
    page = (site / "output" / "2024" / "03" / "a" / "index.html").read_text()
    assert 'He said href="nowhere"' in page and '&lt;a href="x.html"&gt;' in page
    assert "<img src=/img/a.png alt=pic>" in page and 'href="#fn:1"' in page and "<a href=more/>" in page
    assert "example.org" not in page.split('<div class="body">')[1].split("</div>")[0]
    feed = parse(site / "output" / "atom.xml")
    html = {e.title: e.content[0].value for e in feed.entries}
    assert 'He said href="nowhere"' in html["Links"] and '&lt;a href="x.html"&gt;' in html["Links"]
    assert 'src="https://example.org/img/a.png"' in html["Links"]
    assert 'href="https://example.org/news/2024/03/a/more/"' in html["Links"]
    assert 'href="https://example.org/news/2024/03/a/#fn:1"' in html["Links"]
    assert 'He said href="nowhere" and src=x.png too.' in html["Seeded"]
    seeded_page = next((site / "output").glob("*/*/seeded/index.html")).read_text()
    assert 'He said href="nowhere" and src=x.png too.' in seeded_page
    for name in ("rss.xml", "feed.json"):
        data = (site / "output" / name).read_text()
        assert "https://example.org/img/a.png" in data and "/news/2024/03/a/nowhere" not in data


def test_a_quotations_source_is_an_absolute_link_in_feeds_too(make_site: MakeSite) -> None:
    """``cite`` holds a URL as ``href`` does: left relative, a reader resolved it against
    its own address."""
    body = '<blockquote cite="/2024/02/source/"><p>Quoted.</p></blockquote>\n\nSaid <q cite=notes/>this</q>.'
    site = make_site(content={"a.md": article_md("Quote", date="2024-03-01T08:00:00+00:00", body=body)}, config='base_url = "https://example.org/news/"\n')
    assert build(site).ok
    content = etree.parse(str(site / "output" / "atom.xml")).xpath("//a:entry/a:content/text()", namespaces=ATOM)[0]
    cited = lxml_html.fromstring(f"<div>{content}</div>").xpath("//@cite")
    assert cited == ["https://example.org/2024/02/source/", "https://example.org/news/2024/03/a/notes/"]


@pytest.mark.parametrize("setting", ["feeds", "everywhere", "off"])
def test_hand_written_html_is_sanitised_as_the_setting_says(make_site: MakeSite, setting: str) -> None:
    body = 'Raw <b>bold</b> <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">link</a> <img src="a.png" onerror="y()">'
    site = make_site(content={"a.md": article_md("Raw", date="2024-03-01T08:00:00+00:00", body=body)}, config=f'sanitize_html = "{setting}"\n')
    assert build(site).ok
    page = (site / "output" / "2024" / "03" / "a" / "index.html").read_text()
    # Read with lxml: feedparser sanitises content of its own accord.
    feed = etree.parse(str(site / "output" / "atom.xml")).xpath("//a:entry/a:content/text()", namespaces=ATOM)[0]
    for markup, clean in ((page, setting == "everywhere"), (feed, setting != "off")):
        assert "<b>bold</b>" in markup
        assert ("<script>" in markup or "onclick" in markup or "javascript:" in markup or "onerror" in markup) != clean, markup


def test_rss_description_shows_seed_markup_as_text(make_site: MakeSite) -> None:
    """RSS readers render <description> as HTML: the plain-text summary is escaped for that."""
    site = make_site(seeds={"001_00000000000000aa.txt": seed_text("Markup", "<img src=x onerror=alert(1)> and <script>alert(2)</script> & Q&A")})
    assert build(site).ok
    channel = etree.parse(str(site / "output" / "rss.xml")).getroot().find("channel")
    assert channel is not None
    description = channel.find("item/description")
    assert description is not None and description.text is not None
    # One level of XML escaping undone by the parser; what a reader renders as HTML is text.
    assert "<img" not in description.text and "<script" not in description.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in description.text and "Q&amp;A" in description.text
    # feedparser hands the summary on as HTML, as readers show it: markup-free, reading as the text.
    summary = feedparser.parse((site / "output" / "rss.xml").read_bytes()).entries[0].summary
    assert "<" not in summary and "<img src=x onerror=alert(1)> and <script>alert(2)</script>" in html.unescape(summary)
    atom = parse(site / "output" / "atom.xml")
    assert atom.entries[0].summary.startswith("<img src=x onerror=alert(1)> and")


def test_marked_section_in_raw_html_does_not_stop_the_build(make_site: MakeSite) -> None:
    """The standard library's HTML tokenizer raises AssertionError on "<![ ]>": the summary is
    still made (by a plain pattern) and the feed entry keeps the HTML as written."""
    body = '<div><![ ]>Storm &amp; rain <a href="more/">more</a></div>\n\n<div><![ x ]>Flood</div>'
    site = make_site(
        content={"a.md": article_md("Marked", date="2024-03-01T08:00:00+00:00", body=body)},
        config='sanitize_html = "off"\nbase_url = "https://example.org/"\n',
    )
    report = build(site)
    assert report.ok, report.errors
    page = lxml_html.fromstring((site / "output" / "2024" / "03" / "a" / "index.html").read_bytes())
    assert page.xpath("//meta[@name='description']/@content") == ["Storm & rain more Flood"]
    entry = etree.parse(str(site / "output" / "atom.xml")).xpath("//a:entry", namespaces=ATOM)[0]
    assert entry.findtext("a:summary", namespaces=ATOM) == "Storm & rain more Flood"
    assert '<a href="more/">more</a>' in entry.findtext("a:content", namespaces=ATOM)


def test_feeds_are_the_same_however_few_bodies_are_kept(news_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer keeps a bounded number of worked-out bodies: keeping one at a time (each
    worked out again for every format and fitting) must give the same bytes."""
    from sitegen import feeds

    plain = tmp_path / "kept-one"
    original = feeds.FeedWriter.__init__

    def keep_one(self: feeds.FeedWriter, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self._bodies_kept = 1

    monkeypatch.setattr(feeds.FeedWriter, "__init__", keep_one)
    assert build(news_site, output_dir=plain, jobs=1).ok
    made = sorted(p.relative_to(plain) for p in plain.rglob("*") if p.suffix in (".xml", ".json"))
    assert any(str(p).startswith("feeds/archive/") for p in made) and len(made) > 10
    for path in made:
        assert (plain / path).read_bytes() == (news_site / "output" / path).read_bytes(), path


def test_a_zone_offset_with_seconds_reaches_feeds_in_whole_minutes(make_site: MakeSite) -> None:
    """Europe/Amsterdam in 1930 was +00:19:32: the feeds say +00:20, which feed readers read."""
    site = make_site(content={"old.md": article_md("Archive", date="1930-05-01T10:00:00")}, config='timezone = "Europe/Amsterdam"\n')
    report = build(site)
    assert report.ok, report.errors
    [warning] = report.warnings
    assert warning == (
        f"{site / 'content' / 'old.md'}:3: date '1930-05-01T10:00:00' gives no UTC offset, so it was read in the site's timezone"
        " (Europe/Amsterdam): write it as 1930-05-01T10:00:00+00:20 (the zone's offset then, +00:19:32, to the minute, as feeds need)"
    )
    out = site / "output"
    rss = etree.fromstring((out / "rss.xml").read_bytes())
    assert rss.findtext("channel/item/pubDate") == "Thu, 01 May 1930 10:00:00 +0020"
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert atom.entries[0].published == "1930-05-01T10:00:00+00:20"
    for feed in (atom, feedparser.parse((out / "rss.xml").read_bytes())):
        assert not feed.bozo
        assert feed.entries[0].published_parsed[:5] == (1930, 5, 1, 9, 40)


def test_lower_case_rfc_3339_dates_are_read(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-11-20t10:00:00z")})
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    assert feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0].published == "2024-11-20T10:00:00+00:00"


def test_a_date_with_a_fraction_of_a_second_is_the_same_in_every_format(make_site: MakeSite) -> None:
    """Decap CMS writes dates to the millisecond. RSS gives whole seconds, and so did JSON
    Feed, while Atom kept the fraction: one entry, two dates."""
    site = make_site(content={"a.md": article_md("A", date="2024-11-20T10:00:00.250+01:00", updated="'2024-11-21T08:30:00.999Z'")})
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    [entry] = parse(out / "atom.xml").entries
    assert (entry.published, entry.updated) == ("2024-11-20T10:00:00+01:00", "2024-11-21T08:30:00+00:00")
    [item] = json.loads((out / "feed.json").read_text())["items"]
    assert (item["date_published"], item["date_modified"]) == (entry.published, entry.updated)
    assert etree.fromstring((out / "rss.xml").read_bytes()).findtext("channel/item/pubDate") == "Wed, 20 Nov 2024 10:00:00 +0100"


def test_a_new_sites_atom_feeds_name_an_author(runner: CliRunner, tmp_path: Path) -> None:
    """`sitegen init` leaves author unset; RFC 4287 still wants an author for the feed (or
    every entry): the site's title stands in, and an entry's own author is kept."""
    site = tmp_path / "news"
    assert runner.invoke(main, ["init", str(site)]).exit_code == 0
    (site / "content" / "a.md").write_text(article_md("Anonymous", tags="[World]"))
    (site / "content" / "b.md").write_text(article_md("Signed", date="2024-05-02T09:00:00+00:00", author="Jane Doe"))
    assert build(site).ok
    atoms = sorted((site / "output").rglob("atom.xml"))
    assert len(atoms) == 3  # the site's, World's, Jane Doe's
    for path in atoms:
        doc = etree.parse(str(path))
        assert doc.xpath("a:author/a:name/text()", namespaces=ATOM) == ["sitegen site"], path
    entries = etree.parse(str(site / "output" / "atom.xml")).xpath("a:entry", namespaces=ATOM)
    assert [e.xpath("a:author/a:name/text()", namespaces=ATOM) for e in entries] == [["Jane Doe"], []]
    shown = parse(site / "output" / "atom.xml")
    assert shown.feed.author == "sitegen site" and shown.entries[0].author == "Jane Doe"
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 0, result.output


def test_the_sites_author_names_the_feed_when_set(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='title = "Daily"\nauthor = "The Desk"\n')
    assert build(site).ok
    doc = etree.parse(str(site / "output" / "atom.xml"))
    assert doc.xpath("a:author/a:name/text()", namespaces=ATOM) == ["The Desk"]


def test_the_sites_author_named_by_slug_is_shown_by_name_in_every_feed(make_site: MakeSite) -> None:
    config = 'title = "Daily"\nauthor = "jane-doe"\n[authors.jane-doe]\nname = "Jane Doe"\n'
    site = make_site(content={"a.md": article_md("A")}, config=config)
    assert build(site).ok
    out = site / "output"
    doc = etree.parse(str(out / "atom.xml"))
    assert doc.xpath("a:author/a:name/text()", namespaces=ATOM) == ["Jane Doe"]
    assert json.loads((out / "feed.json").read_text())["authors"] == [{"name": "Jane Doe"}]
    # The byline set in sitegen.toml, as every article without its own shows it.
    assert doc.xpath("a:entry/a:author/a:name/text()", namespaces=ATOM) == ["Jane Doe"]


def test_check_flags_an_atom_feed_with_no_author(make_site: MakeSite, runner: CliRunner) -> None:
    content = {"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00", author="Jane")}
    site = make_site(content=content, config="compress = false\n")  # the feed is edited below
    assert build(site).ok
    atom = site / "output" / "atom.xml"
    doc = etree.parse(str(atom))
    for author in doc.xpath("a:author", namespaces=ATOM):
        author.getparent().remove(author)
    atom.write_bytes(etree.tostring(doc, xml_declaration=True, encoding="UTF-8"))
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1
    assert "error: atom.xml: no <author> for the feed nor for 1 of its entries: Atom requires one (RFC 4287 4.1.1)" in result.output
    # Every entry naming its author is enough.
    doc.xpath("a:entry[a:title='A']", namespaces=ATOM)[0].append(etree.fromstring(f'<author xmlns="{ATOM["a"]}"><name>Al</name></author>'))
    atom.write_bytes(etree.tostring(doc, xml_declaration=True, encoding="UTF-8"))
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 0, result.output


def test_a_tag_name_shows_as_text_in_every_feeds_title_and_description(make_site: MakeSite) -> None:
    """The tag feed's RSS channel <description> was escaped once: readers that render it
    as HTML got a live <img onerror>."""
    name = "<img src=x onerror=alert(1)>"
    site = make_site(
        seeds={"001_00000000000000aa.txt": seed_text("T", f"Tags: {name}", "Text.")},
        config="title = \"News\"\n[import]\ntags = '^Tags:\\s*(?P<text>.+)$'\n",
    )
    assert build(site).ok
    folder = next(p for p in (site / "output" / "tags").iterdir() if p.is_dir())
    expected = f"News: {name}"

    def read(detail: feedparser.FeedParserDict) -> str:
        # What a reader shows: HTML as rendered (markup-free, entities undone), text as it is.
        if detail.type == "text/html":
            assert "<" not in detail.value
            return html.unescape(detail.value)
        return str(detail.value)

    for fmt in ("rss.xml", "atom.xml"):
        feed = parse(folder / fmt).feed
        assert (read(feed.title_detail), read(feed.subtitle_detail)) == (expected, expected), fmt
    document = json.loads((folder / "feed.json").read_text())
    assert (document["title"], document["description"]) == (expected, expected)


# What a JSON Feed holds: text (any character, control characters and lone surrogates
# aside: feeds strip what XML forbids), integers, booleans, null, lists and mappings.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT, _JSON_VALUES, max_size=6))
def test_json_feeds_are_written_as_json_writes_them(document: dict[str, object]) -> None:
    assert json_document(document) == (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Text of HTML's whitespace in runs, among the characters near it (a no-break space, a
# vertical tab and a line separator are no HTML whitespace) and any other.
_SPACED = st.text(st.sampled_from(" \t\n\r\f\xa0\v\u2028ab<>/") | st.characters(blacklist_categories=("Cs",)))


@settings(max_examples=500, deadline=None)
@given(_SPACED)
def test_whitespace_is_made_one_space_as_the_expression_makes_it(value: str) -> None:
    from sitegen.feeds import _one_space

    assert _one_space(value) == re.sub(r"[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+", " ", value)


def _inserted_by_lxml(xml: bytes, links: list[tuple[str, str, str]], archive: bool) -> bytes:
    """What feeds._after_self_link stands for: the document parsed, the elements inserted
    after the channel's self link, and written again."""
    from sitegen.feeds import ATOM_NS, FH_NS

    root = etree.fromstring(xml)
    channel = root.find("channel")
    assert channel is not None
    self_link = channel.find(f"{{{ATOM_NS}}}link")
    assert self_link is not None
    at = list(channel).index(self_link) + 1
    for rel, href, media_type in links:
        link = etree.Element(f"{{{ATOM_NS}}}link", href=href, rel=rel)
        if media_type:
            link.set("type", media_type)
        channel.insert(at, link)
        at += 1
    if archive:
        channel.insert(at, etree.Element(f"{{{FH_NS}}}archive", nsmap={"fh": FH_NS}))
    return bytes(etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True))


# Text XML allows, HTML's and XML's special characters and whitespace often among it.
_XML_TEXT = st.text(st.sampled_from("<>&\"' \t\n\r/=a\xe9") | st.characters(blacklist_categories=("Cs", "Cc", "Cn")))


@settings(max_examples=300, deadline=None)
@given(
    _XML_TEXT,
    _XML_TEXT,
    st.lists(st.tuples(_XML_TEXT, _XML_TEXT, st.sampled_from(["", "application/rss+xml", "a&<\"b"])), max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_links_are_written_after_the_self_link_as_lxml_inserts_them(
    title: str, self_href: str, links: list[tuple[str, str, str]], archive: bool, dc: bool
) -> None:
    from feedgen.feed import FeedGenerator

    from sitegen.feeds import _after_self_link

    fg = FeedGenerator()
    if dc:
        fg.load_extension("dc", atom=False, rss=True)
    fg.title(title or "t")
    fg.description(title + " <b>")
    fg.link(href=self_href or "s", rel="self", type="application/rss+xml")
    fg.link(href="https://example.org/", rel="alternate")
    entry = fg.add_entry(order="append")
    entry.title(title or "e")
    entry.guid(self_href or "g")
    entry.description("<atom:link " + title)
    xml = fg.rss_str(pretty=True, encoding="UTF-8")
    assert _after_self_link(xml, links, archive) == _inserted_by_lxml(xml, links, archive)


def test_feeds_are_planned_for_every_tag_and_byline_the_ledger_lists() -> None:
    """A tag or byline no article has any more keeps its feeds (the ledger lists it): named
    by its slug, or as sitegen.toml names the author; a name in the ledger that is no slug
    (a hand edit) makes none, as it could name no folder."""
    from sitegen.config import parse_config
    from sitegen.feeds import feed_sets, plan_feeds
    from sitegen.site import build_site

    config = parse_config('title = "T"\nauthor = "Desk Team"\n[authors.ann]\nname = "Ann Lee"\n', Path("sitegen.toml"))
    listed = {name: (1,) for name in ("tag:gone", "tag:../up", "tag:Caps", "author:ann", "author:desk-team", "author:zed")}
    site = build_site([], config, feed_id="urn:uuid:6ba7b811-9dad-11d1-80b4-00c04fd430c8", last_seq=1, listed=listed)
    sets = feed_sets(site)
    assert [(s.prefix, s.title, s.home) for s in sets] == [
        ("", "T", ""),
        ("tags/gone/", "T: gone", ""),
        ("authors/ann/", "T: Ann Lee", ""),
        ("authors/desk-team/", "T: Desk Team", ""),
        ("authors/zed/", "T: zed", ""),
    ]
    assert len({s.id for s in sets}) == len(sets)
    assert all(not job.entries for job in plan_feeds(site))


def test_a_clip_a_recording_and_a_passages_direction_reach_every_feed(make_site: MakeSite) -> None:
    """The feeds' sanitiser took out every <video>, <audio> and <track> (clips the text
    embeds, their files copied as pictures are) and every dir and lang: feed readers got
    the story without its clip, and an Arabic quotation laid out left to right."""
    from PIL import Image

    body = (
        "Watch the flood.\n\n"
        '<video controls autoplay onplay="x()" src="clip.mp4" poster="still.png">'
        '<track kind="captions" srclang="en" label="English" src="clip.vtt">Your reader shows no video.</video>\n\n'
        '<audio controls src="talk.mp3"></audio>\n\n'
        '<p dir="rtl" lang="ar">قال المحافظ إن المياه انحسرت.</p>\n\n'
        '<video src="javascript:alert(1)" poster="javascript:alert(2)"></video>\n'
    )
    site = make_site(content={"a.md": article_md("Flood", date="2024-03-01T08:00:00+00:00", body=body, id="urn:test:flood")}, config='base_url = "https://example.org/news/"\n')
    content = site / "content"
    (content / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (content / "clip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nWater.\n")
    (content / "talk.mp3").write_bytes(b"ID3\x03\x00")
    Image.new("RGB", (16, 9)).save(content / "still.png")
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    atom = etree.parse(str(out / "atom.xml")).xpath("//a:entry/a:content/text()", namespaces=ATOM)[0]
    rss = etree.parse(str(out / "rss.xml")).findtext("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded")
    [item] = json.loads((out / "feed.json").read_text())["items"]
    for markup in (atom, rss, item["content_html"]):
        entry = lxml_html.fromstring(f"<div>{markup}</div>")
        [video, empty] = entry.xpath("//video")
        src, poster, track = video.get("src"), video.get("poster"), video.xpath("track/@src")[0]
        for url, name in ((src, "clip.mp4"), (poster, "still.png"), (track, "clip.vtt")):
            assert url.startswith("https://example.org/news/") and url.endswith("/" + name), url
            assert (out / url.removeprefix("https://example.org/news/")).is_file(), url
        assert "controls" in video.attrib and "autoplay" not in video.attrib and "onplay" not in video.attrib
        assert video.xpath("track/@kind") == ["captions"] and video.text_content() == "Your reader shows no video."
        assert dict(empty.attrib) == {}  # javascript: addresses go
        [audio] = entry.xpath("//audio/@src")
        assert audio.startswith("https://example.org/news/files/") and audio.endswith("/talk.mp3")
        [passage] = entry.xpath("//p[@dir='rtl'][@lang='ar']")
        assert passage.text == "قال المحافظ إن المياه انحسرت."
    # What feed readers built on feedparser show: the clip, and the passage's direction.
    shown = parse(out / "atom.xml").entries[0].content[0].value
    assert "<video" in shown and 'dir="rtl"' in shown


def test_a_browser_reads_the_stylesheet_instruction_under_a_base_path_with_an_ampersand(make_site: MakeSite) -> None:
    """Browsers read the xml-stylesheet instruction's pseudo-attributes as an element's
    attributes are read: a bare "&" (base_url https://example.org/r&d/) made it unreadable,
    and a feed opened in a browser showed as raw XML, not as the list of its entries."""
    content = {f"s{i}.md": article_md(f"Story {i}", date=f"2024-03-0{i + 1}T08:00:00+00:00", id=f"urn:test:{i}") for i in range(2)}
    site = make_site(content=content, config='base_url = "https://example.org/r&d/"\n')
    assert build(site).ok
    out = site / "output"
    for name in ("atom.xml", "rss.xml"):
        doc = etree.parse(str(out / name))
        [instruction] = doc.xpath("/processing-instruction('xml-stylesheet')")
        pseudo = dict(etree.fromstring(f"<i {instruction.text}/>").attrib)  # raises on a bare &
        assert pseudo == {"href": "/r&d/static/feed.xsl", "type": "text/xsl"}
        transform = etree.XSLT(etree.parse(str(out / pseudo["href"].removeprefix("/r&d/"))))
        page = lxml_html.fromstring(str(transform(doc)))
        assert page.xpath("//li/a/text()") == ["Story 1", "Story 0"], name
        assert page.xpath("//li/a/@href") == ["https://example.org/r&d/2024/03/s1/", "https://example.org/r&d/2024/03/s0/"]


def test_an_entry_in_another_language_than_its_feed_says_so_in_every_format(make_site: MakeSite) -> None:
    """Atom's xml:lang and JSON Feed 1.1's item language; RSS 2.0 has the channel's alone, and
    an item's is Dublin Core's, which feedparser gives as the entry's language."""
    content = {
        "de.md": article_md("Hafen wächst", "2024-05-02T09:00:00+00:00", body="Der Hafen *wächst*.", language="de", summary="'Mehr Schiffe.'", tags="[World]"),
        "en.md": article_md("Harbour grows", body="The harbour grows.", tags="[World]"),
        "same.md": article_md("Quay opens", "2024-04-01T09:00:00+00:00", language="en-gb"),
    }
    site = make_site(content=content, config='language = "en-GB"\nbase_url = "https://example.org/"\n')
    assert build(site).ok
    for prefix in ("", "tags/world/"):
        out = site / "output" / prefix
        atom = parse(out / "atom.xml")
        assert atom.feed.language == "en-GB"
        for entry in atom.entries:
            said = "de" if entry.title == "Hafen wächst" else "en-GB"
            assert (entry.title_detail.language, entry.summary_detail.language, entry.content[0].language) == (said, said, said), entry.title
        xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
        assert [e.get(xml_lang) for e in etree.parse(str(out / "atom.xml")).iterfind("a:entry", ATOM)] == ["de", None] + [None] * (prefix == "")
        rss = parse(out / "rss.xml")
        assert rss.feed.language == "en-GB"
        assert {entry.title: entry.get("language") for entry in rss.entries} == {"Hafen wächst": "de", "Harbour grows": None, **({"Quay opens": None} if prefix == "" else {})}
        feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
        assert feed["language"] == "en-GB"
        assert {item["title"]: item.get("language") for item in feed["items"]} == {"Hafen wächst": "de", "Harbour grows": None, **({"Quay opens": None} if prefix == "" else {})}


@pytest.mark.parametrize(
    ("language", "marked"),
    [
        ("en-GB", {"Hafen wächst": ("de", "auto"), "الميناء يتوسع": ("ar", "rtl"), "Quay opens": (None, "auto")}),
        ("he", {"Hafen wächst": ("de", "ltr"), "الميناء يتوسع": ("ar", "rtl"), "Quay opens": ("en-gb", "ltr"), "הנמל גדל": (None, "rtl")}),
    ],
)
def test_a_feed_opened_in_a_browser_marks_an_entry_in_another_language_as_pages_do(make_site: MakeSite, language: str, marked: dict[str, tuple[str | None, str]]) -> None:
    """The feed says an entry's language (xml:lang, dc:language), but the page a browser
    makes of it (feed.xsl) showed every title as in the site's: a German story of an English
    site read with an English voice, an Arabic one laid out left to right."""
    content = {
        "de.md": article_md("Hafen wächst", "2024-05-03T09:00:00+00:00", language="de", tags="[World]"),
        "ar.md": article_md("الميناء يتوسع", "2024-05-02T09:00:00+00:00", language="ar", tags="[World]"),
        "same.md": article_md("Quay opens", "2024-05-01T09:00:00+00:00", language="en-gb"),
    }
    if language == "he":  # a story in the site's own language, written right to left as the site is
        content["own.md"] = article_md("הנמל גדל", "2024-05-04T09:00:00+00:00", tags="[World]")
    site = make_site(content=content, config=f'language = "{language}"\nbase_url = "https://example.org/"\n')
    assert build(site).ok
    out = site / "output"
    # As the site's pages mark the same titles (the month's archive lists them as links).
    month = lxml_html.fromstring((out / "archive/2024/05/index.html").read_text(encoding="utf-8"))
    assert {a.text: (a.get("lang"), a.get("dir")) for a in month.iterfind(".//main//li/a")} == marked
    transform = etree.XSLT(etree.parse(str(out / "static" / "feed.xsl")))
    for name in ("atom.xml", "rss.xml", "tags/world/atom.xml", "tags/world/rss.xml"):
        page = lxml_html.fromstring(str(transform(etree.parse(str(out / name)))))
        shown = {a.text: (a.get("lang"), a.get("dir")) for a in page.iterfind(".//li/a")}
        assert shown == {title: said for title, said in marked.items() if name.startswith(("atom", "rss")) or title != "Quay opens"}, name
        assert page.get("lang") == language and "xmlns:atom" not in str(transform(etree.parse(str(out / name))))



@pytest.mark.parametrize("language, heading, days", [("en", "Corrections", ("4 May 2024", "2 May 2024")), ("fr", "Rectificatifs", ("4 mai 2024", "2 mai 2024"))])
def test_entries_carry_the_articles_corrections_at_the_end_of_their_content(make_site: MakeSite, language: str, heading: str, days: tuple[str, str]) -> None:
    corrections = (
        "\n  - date: 2024-05-02\n    text: It is 16 metres, not 60."
        "\n  - date: 2024-05-04T10:00:00+02:00\n    text: 'The mayor <script>alert(1)</script> was misnamed.'"
    )
    site = make_site(content={"a.md": article_md("Berth opens", body="The new berth is open.", corrections=corrections)}, config=f'language = "{language}"\n')
    assert build(site).ok
    out = site / "output"
    contents = [parse(out / "atom.xml").entries[0].content[0].value, parse(out / "rss.xml").entries[0].content[0].value]
    contents.append(json.loads((out / "feed.json").read_text())["items"][0]["content_html"])
    for value in contents:
        body = lxml_html.fromstring(f"<div>{value}</div>")
        # After the text, so that what changed is read with it; newest first, dated as pages date.
        assert [e.tag for e in body] == ["p", "hr", "h2", "ul"] and body[0].text == "The new berth is open."
        assert body[2].text == heading
        assert [(li.findtext("time"), li.xpath("string(br/following-sibling::text())")) for li in body[3]] == [
            (days[0], "The mayor <script>alert(1)</script> was misnamed."),
            (days[1], "It is 16 metres, not 60."),
        ]
        assert not body.xpath("//script")


def test_a_correction_of_an_article_in_another_language_is_headed_and_dated_marked_in_the_sites(make_site: MakeSite) -> None:
    fr = "---\ntitle: Le quai\ndate: 2024-05-01T09:00:00+00:00\nlanguage: fr\ncorrections:\n  - date: 2024-05-02\n    text: Il mesure 16 mètres.\n---\n\nLe quai est ouvert.\n"
    site = make_site(content={"fr.md": fr}, config='language = "en"\n')
    assert build(site).ok
    out = site / "output"
    atom = parse(out / "atom.xml").entries[0]
    assert atom.content[0].language == "fr"  # the entry is marked as the article's
    contents = [atom.content[0].value, parse(out / "rss.xml").entries[0].content[0].value]
    contents.append(json.loads((out / "feed.json").read_text())["items"][0]["content_html"])
    for value in contents:
        body = lxml_html.fromstring(f"<div>{value}</div>")
        heading, day = body.find("h2"), body.find("ul/li/time")
        assert (heading.text, heading.get("lang")) == ("Correction", "en")
        assert (day.text, day.get("lang")) == ("2 May 2024", "en")
        assert body.find("ul/li/time").tail is None and body.xpath("string(//li/br/following-sibling::text())") == "Il mesure 16 mètres."

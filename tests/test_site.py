"""Site gathering and the pages it plans: author pages and feeds."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import msgspec
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from sitegen import site as site_mod
from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import Config, load_config
from sitegen.model import Article, Tag
from sitegen.site import NEWS_MAX, build_site, news_articles, news_language

AUTHORS = """\
base_url = "https://example.org/news/"
page_size = 5
author = "The Desk"
[authors.jane-doe]
name = "Jane Doe"
bio = "Covers <city hall> & courts."
url = "https://jane.example/"
"""


def _site(make_site: MakeSite) -> Path:
    content = {f"j{i:02d}.md": article_md(f"Jane {i}", date=f"2024-03-{i + 1:02d}T10:00:00+00:00", author="Jane Doe") for i in range(12)}
    content["both.md"] = article_md("Both", date="2024-04-01T10:00:00+00:00", author="[jane-doe, Sam Lee]")
    content["desk.md"] = article_md("Desk", date="2024-04-02T10:00:00+00:00")
    return make_site(content=content, config=AUTHORS)


def test_every_author_has_paginated_pages_that_advertise_their_feeds(make_site: MakeSite) -> None:
    site = _site(make_site)
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    pages = [out / "authors" / "jane-doe" / "index.html", out / "authors" / "jane-doe" / "page" / "2" / "index.html", out / "authors" / "jane-doe" / "page" / "3" / "index.html"]
    assert all(p.exists() for p in pages) and not (out / "authors" / "jane-doe" / "page" / "4").exists()
    first = lxml_html.fromstring(pages[0].read_bytes())
    assert first.xpath("string(//h1)").strip() == "Jane Doe"
    assert "Covers <city hall> & courts." in first.text_content()  # escaped text, not markup
    assert first.xpath("//a[@href='https://jane.example/']")
    listed = [a.text_content() for a in first.xpath("//main//h2/a")]
    assert listed == ["Both", "Jane 11", "Jane 10", "Jane 9", "Jane 8"]
    alternates = {link.get("type"): link.get("href") for link in first.xpath("//link[@rel='alternate']") if "jane-doe" in link.get("href")}
    assert alternates == {
        "application/atom+xml": "https://example.org/news/authors/jane-doe/atom.xml",
        "application/rss+xml": "https://example.org/news/authors/jane-doe/rss.xml",
        "application/feed+json": "https://example.org/news/authors/jane-doe/feed.json",
    }
    # Authors not described in sitegen.toml get a page too, and the site's author for the
    # article that names none.
    assert (out / "authors" / "sam-lee" / "index.html").exists() and (out / "authors" / "the-desk" / "index.html").exists()
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://example.org/news/authors/jane-doe/page/3/" in sitemap
    assert check_output(out, report.config) == []


def test_author_feeds_hold_their_articles_with_a_permanent_id_of_their_own(make_site: MakeSite) -> None:
    site = _site(make_site)
    assert build(site).ok
    out = site / "output"
    atom = feedparser.parse((out / "authors" / "sam-lee" / "atom.xml").read_bytes())
    rss = feedparser.parse((out / "authors" / "sam-lee" / "rss.xml").read_bytes())
    feed = json.loads((out / "authors" / "sam-lee" / "feed.json").read_text())
    assert not atom.bozo and not rss.bozo
    assert [e.title for e in atom.entries] == [e.title for e in rss.entries] == [i["title"] for i in feed["items"]] == ["Both"]
    # Every byline in every entry, linked to the author's page.
    entry = atom.entries[0]
    assert [(a.name, a.href) for a in entry.authors] == [("Jane Doe", "https://example.org/news/authors/jane-doe/"), ("Sam Lee", "https://example.org/news/authors/sam-lee/")]
    assert feed["items"][0]["authors"] == [
        {"name": "Jane Doe", "url": "https://example.org/news/authors/jane-doe/"},
        {"name": "Sam Lee", "url": "https://example.org/news/authors/sam-lee/"},
    ]
    assert "Jane Doe" in (out / "authors" / "sam-lee" / "rss.xml").read_text()  # dc:creator
    ids = {feedparser.parse((out / p).read_bytes()).feed.id for p in ("atom.xml", "authors/sam-lee/atom.xml", "authors/jane-doe/atom.xml")}
    assert len(ids) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    jane = feedparser.parse((out / "authors" / "jane-doe" / "atom.xml").read_bytes())
    assert len(jane.entries) == 13 and feedparser.parse((out / "authors" / "the-desk" / "atom.xml").read_bytes()).entries[0].title == "Desk"
    # The id is kept when the author's name and bio change.
    (site / "sitegen.toml").write_text(AUTHORS.replace("Covers", "Wrote"))
    assert build(site).ok
    assert feedparser.parse((out / "authors" / "sam-lee" / "atom.xml").read_bytes()).feed.id == atom.feed.id
    assert "Wrote &lt;city hall&gt;" in (out / "authors" / "jane-doe" / "index.html").read_text()


SCHEMAS = Path(__file__).parent / "data" / "schema"


def test_the_news_sitemap_lists_the_last_two_days_and_validates(make_site: MakeSite) -> None:
    days = ["2024-03-01T10:00:00+00:00", "2024-03-08T09:59:00+00:00", "2024-03-08T10:00:00+00:00", "2024-03-09T12:00:00+00:00", "2024-03-10T10:00:00+00:00"]
    content = {f"a{i}.md": article_md(f"Story {i} <&>", date=day) for i, day in enumerate(days)}
    content["syndicated.md"] = article_md("Elsewhere", date="2024-03-10T09:00:00+00:00", canonical="https://original.example/story")
    site = make_site(content=content, config='title = "Daily <News>"\nlanguage = "pt-BR"\nbase_url = "https://example.org/n/"\n')
    assert build(site).ok
    out = site / "output"
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    for name in ("news-sitemap.xml", "sitemap.xml"):
        doc = etree.parse(str(out / name))
        assert schema.validate(doc), (name, schema.error_log.last_error)
    news = etree.parse(str(out / "news-sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    # Within two days of the newest (2024-03-10T10:00): 03-08T10:00 is in, 03-08T09:59 out;
    # the syndicated story is the original's, not ours to list.
    assert news.xpath("//n:title/text()", namespaces=ns) == ["Story 4 <&>", "Story 3 <&>", "Story 2 <&>"]
    assert news.xpath("//s:loc/text()", namespaces=ns)[0].startswith("https://example.org/n/2024/03/")
    assert set(news.xpath("//n:name/text()", namespaces=ns)) == {"Daily <News>"}
    assert set(news.xpath("//n:language/text()", namespaces=ns)) == {"pt"}
    assert news.xpath("//n:publication_date/text()", namespaces=ns)[0] == "2024-03-10T10:00:00+00:00"
    sitemap = (out / "sitemap.xml").read_text()
    assert "/syndicated/" not in sitemap and "/a4/" in sitemap
    robots = (out / "robots.txt").read_text()
    assert "Sitemap: https://example.org/n/news-sitemap.xml" in robots and "Sitemap: https://example.org/n/sitemap.xml" in robots


def test_a_story_whose_canonical_is_its_own_address_is_in_both_sitemaps(make_site: MakeSite) -> None:
    """A canonical naming the story's own page (as a site moved from a tool that writes one
    into every story has it) makes it no copy of another site's: it stays in the sitemap
    and in Google News, as the copy whose canonical is elsewhere does not."""
    content = {
        "own.md": article_md("Ours", date="2024-03-10T10:00:00+00:00", slug="own", canonical="https://example.org/n/2024/03/own/"),
        # As the tool it came from (or sitegen.toml) spelt the address: the same page.
        "spelt.md": article_md("Spelt", date="2024-03-10T11:00:00+00:00", slug="spelt", canonical="HTTPS://Example.ORG:443/n/2024/03/spelt/"),
        "copy.md": article_md("Theirs", date="2024-03-10T09:00:00+00:00", slug="copy", canonical="https://original.example/story"),
    }
    site = make_site(content=content, config='base_url = "https://Example.ORG:443/n/"\n')
    assert build(site).ok
    out = site / "output"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for name in ("sitemap.xml", "news-sitemap.xml"):
        listed = etree.parse(str(out / name)).xpath("//s:loc/text()", namespaces=ns)
        assert {"https://example.org/n/2024/03/own/", "https://example.org/n/2024/03/spelt/"} <= set(listed), name
        assert "https://example.org/n/2024/03/copy/" not in listed, name
    page = lxml_html.fromstring((out / "2024/03/own/index.html").read_bytes())
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://example.org/n/2024/03/own/"]


def test_a_canonical_naming_its_own_address_in_the_sites_script_is_no_copy(make_site: MakeSite) -> None:
    """With slugs = "unicode", the tool a site moved from wrote the story's own address raw
    or percent-encoded, in upper or lower case (WordPress): each is the story's own page, in
    both sitemaps, as an ASCII one is."""
    written = {"raw": "خبر", "upper": "%D8%AE%D8%A8%D8%B1", "lower": "%d8%ae%d8%a8%d8%b1"}
    content = {
        f"{name}.md": article_md(name, date=f"2024-03-1{i}T10:00:00+00:00", slug=f"{name}-خبر", canonical=f"https://example.org/n/2024/03/{name}-{path}/")
        for i, (name, path) in enumerate(written.items())
    }
    site = make_site(content=content, config='base_url = "https://example.org/n/"\nslugs = "unicode"\n')
    assert build(site).ok
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for name in ("sitemap.xml", "news-sitemap.xml"):
        listed = etree.parse(str(site / "output" / name)).xpath("//s:loc/text()", namespaces=ns)
        assert [url for url in listed if url.startswith("https://example.org/n/2024/03/")] == [f"https://example.org/n/2024/03/{n}-%D8%AE%D8%A8%D8%B1/" for n in ("lower", "upper", "raw")], name


def test_the_news_sitemap_gives_a_story_in_another_language_as_news_in_it(make_site: MakeSite) -> None:
    """Google News files a story by the language the sitemap gives, in its own codes: the
    German story of an English site is German news, not English."""
    written = {"a": "", "b": "de-AT", "c": "zh-Hant", "d": "EN"}
    content = {f"{name}.md": article_md(name.upper(), **({"language": tag} if tag else {})) for name, tag in written.items()}
    site = make_site(content=content, config='language = "en-GB"\nbase_url = "https://example.org/"\n')
    assert build(site).ok
    news = etree.parse(str(site / "output" / "news-sitemap.xml"))
    assert etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd"))).validate(news)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    said = {url.findtext("s:loc", namespaces=ns).split("/")[-2]: url.findtext(".//n:language", namespaces=ns) for url in news.iterfind("s:url", ns)}
    assert said == {"a": "en", "b": "de", "c": "zh-tw", "d": "en"}


def test_a_large_site_has_an_index_of_sitemaps_beside_it_a_part_of_pages_then_one_a_month_of_stories(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Over SITEMAP_SPLIT addresses (here 4), sitemap.xml indexes parts beside it (a sitemap
    lists only addresses under its own folder): the pages that are not stories, then the
    stories of each month, newest first; a part over SITEMAP_URLS (here 3) is cut again."""
    content = {f"a{i}.md": article_md(f"Story {i}", date=f"2024-0{3 + i % 2}-0{i + 1}T10:00:00+00:00", updated=f"'2024-05-0{i + 1}T10:00:00+00:00'") for i in range(7)}
    content["about.md"] = "---\ntitle: About\npage: true\n---\nWho we are.\n"
    site = make_site(content=content, config='base_url = "https://example.org/n/"\n')
    assert build(site).ok
    out = site / "output"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    whole = etree.parse(str(out / "sitemap.xml"))
    listed = [(loc.text, loc.getnext().text if loc.getnext() is not None else None) for loc in whole.iterfind("s:url/s:loc", ns)]
    assert len(listed) > 8 and not list(out.glob("sitemap-*.xml"))
    stories = {f"https://example.org/n/{path.relative_to(out).parent.as_posix()}/" for path in out.glob("2024/*/*/index.html")}
    assert len(stories) == 7

    monkeypatch.setattr(site_mod, "SITEMAP_SPLIT", 4)
    monkeypatch.setattr(site_mod, "SITEMAP_URLS", 3)
    shutil.rmtree(site / CACHE_DIR)  # (the limits are no input: the build would have nothing to do)
    assert build(site).ok
    index = etree.parse(str(out / "sitemap.xml"))
    index_schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))
    assert index_schema.validate(index), (index_schema.error_log.last_error, etree.tostring(index))
    pages = -(-(len(listed) - 7) // 3)
    names = ["pages", *(f"pages-{n}" for n in range(2, pages + 1)), "2024-04", "2024-03", "2024-03-2"]
    assert index.xpath("//s:sitemap/s:loc/text()", namespaces=ns) == [f"https://example.org/n/sitemap-{name}.xml" for name in names]
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    found: dict[str, list[tuple[str, str | None]]] = {}
    for listed_part, name in zip(index.iterfind("s:sitemap", ns), names, strict=True):
        lastmod = listed_part.findtext("s:lastmod", namespaces=ns)
        part = etree.parse(str(out / f"sitemap-{name}.xml"))
        assert schema.validate(part), (name, schema.error_log.last_error)
        entries = [(loc.text, loc.getnext().text if loc.getnext() is not None else None) for loc in part.iterfind("s:url/s:loc", ns)]
        # When the part last changed; a part of undated pages only has no date.
        assert 0 < len(entries) <= 3 and lastmod == max((d for _, d in entries if d), default=None)
        found[name] = entries
    assert sorted(e for entries in found.values() for e in entries) == sorted(listed)  # every address, once
    in_pages = {loc for name in names if name.startswith("pages") for loc, _ in found[name]}
    assert in_pages.isdisjoint(stories) and "https://example.org/n/about/" in in_pages
    assert {loc for loc, _ in found["2024-04"]} == {s for s in stories if "/2024/04/" in s}
    assert [loc for loc, _ in found["2024-03"] + found["2024-03-2"]] == [loc for loc, _ in listed if loc in stories and "/2024/03/" in loc]
    assert "Sitemap: https://example.org/n/sitemap.xml" in (out / "robots.txt").read_text()
    assert check_output(out, Config(base_url="https://example.org/n/")) == []

    # An edit to one story changes its month's part and the pages listing it, not the others.
    before = {path.name: path.read_bytes() for path in out.glob("sitemap-*.xml")}
    story = site / "content" / "a1.md"  # April
    story.write_text(story.read_text().replace("2024-05-02T10:00", "2024-05-20T10:00") + "\nA correction.\n")
    assert build(site).ok
    after = {path.name: path.read_bytes() for path in out.glob("sitemap-*.xml")}
    assert after.keys() == before.keys()
    assert {name for name in after if after[name] != before[name]} <= {"sitemap-2024-04.xml", *(f"sitemap-{n}.xml" for n in names if n.startswith("pages"))}
    assert after["sitemap-2024-04.xml"] != before["sitemap-2024-04.xml"]
    assert after["sitemap-2024-03.xml"] == before["sitemap-2024-03.xml"] and after["sitemap-2024-03-2.xml"] == before["sitemap-2024-03-2.xml"]
    # As a clean build of the same sources makes them.
    again = tmp_path / "again"
    shutil.copytree(site, again, ignore=shutil.ignore_patterns("output", CACHE_DIR))
    assert build(again).ok
    assert {path.name: path.read_bytes() for path in (again / "output").glob("sitemap*.xml")} == {path.name: path.read_bytes() for path in out.glob("sitemap*.xml")}

    # Back under the limit, the parts go.
    monkeypatch.setattr(site_mod, "SITEMAP_SPLIT", 1_000)
    shutil.rmtree(site / CACHE_DIR)
    assert build(site).ok and not list(out.glob("sitemap-*.xml")) and etree.parse(str(out / "sitemap.xml")).getroot().tag.endswith("urlset")


def test_the_news_sitemap_counts_by_date_and_holds_at_most_1000() -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    articles = [
        Article(source=f"{i}.md", id=f"id{i}", title=f"T{i}", slug=f"t{i}", path=f"t{i}/", published=start + dt.timedelta(minutes=i),
                updated=start, summary="", body=b"", seq=i + 1, first_published=start + dt.timedelta(minutes=i))
        for i in range(1200)
    ]  # fmt: skip
    site = build_site(articles, Config())
    news = news_articles(site)
    assert len(news) == NEWS_MAX and [a.seq for a in news[:2]] == [1200, 1199] and news[-1].seq == 201
    # A story backdated to long ago and published now is not news.
    late = Article(source="x.md", id="x", title="X", slug="x", path="x/", published=start - dt.timedelta(days=400), updated=start, summary="", body=b"",
                   seq=1201, first_published=start + dt.timedelta(days=30))  # fmt: skip
    assert "x" not in [a.id for a in news_articles(build_site([*articles, late], Config()))]
    assert news_articles(build_site([], Config())) == ()


def test_a_byline_never_takes_over_a_described_authors_page(make_site: MakeSite) -> None:
    config = '[authors.jane]\nname = "Jane Doe"\nbio = "City hall."\n'
    site = make_site(
        content={
            "one.md": article_md("One", date="2024-03-01T10:00:00+00:00", author="Jane Doe"),
            "two.md": article_md("Two", date="2024-03-02T10:00:00+00:00", author="'Jane!'"),
            "three.md": article_md("Three", date="2024-03-03T10:00:00+00:00", author="Li Wei"),
            "four.md": article_md("Four", date="2024-03-04T10:00:00+00:00", author="李伟"),
        },
        config=config,
    )
    assert build(site).ok
    out = site / "output"
    jane = lxml_html.fromstring((out / "authors" / "jane" / "index.html").read_bytes())
    assert jane.xpath("string(//h1)").strip() == "Jane Doe" and "City hall." in jane.text_content()
    assert [a.text_content() for a in jane.xpath("//main//h2/a")] == ["One"]
    [other] = [p for p in (out / "authors").iterdir() if p.name.startswith("jane-")]
    assert lxml_html.fromstring((other / "index.html").read_bytes()).xpath("string(//h1)").strip() == "Jane!"
    # Two names of one slug share a page, named the same whatever the order of the articles.
    shared = lxml_html.fromstring((out / "authors" / "li-wei" / "index.html").read_bytes())
    assert shared.xpath("string(//h1)").strip() == "Li Wei" and len(shared.xpath("//main//h2/a")) == 2


@pytest.mark.parametrize(("language", "code"), [("en", "en"), ("fr-CA", "fr"), ("zh-Hant-TW", "zh-tw"), ("zh-HK", "zh-tw"), ("zh-Hans", "zh-cn"), ("zh", "zh-cn"), ("gsw", "gsw")])
def test_news_language_is_an_iso_639_code(language: str, code: str) -> None:
    assert news_language(language) == code


def test_canonical_must_be_an_absolute_url(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", canonical="'javascript:alert(1)'"), "b.md": article_md("B")})
    report = build(site)
    assert report.articles == 1
    assert [str(e) for e in report.errors] == [
        f"{site / 'content' / 'a.md'}:4: canonical: must be the original's absolute http(s) URL, such as https://example.com/story, not 'javascript:alert(1)'"
    ]


def test_the_subscribe_page_lists_every_authors_feeds(make_site: MakeSite) -> None:
    site = _site(make_site)
    report = build(site)
    assert report.ok
    page = lxml_html.fromstring((site / "output" / "subscribe" / "index.html").read_bytes())
    hrefs = set(page.xpath("//a/@href"))
    for slug in ("jane-doe", "sam-lee", "the-desk"):
        assert {f"/news/authors/{slug}/atom.xml", f"/news/authors/{slug}/rss.xml", f"/news/authors/{slug}/feed.json"} <= hrefs
    assert check_output(site / "output", report.config) == []


def test_a_copy_of_a_published_article_does_not_take_its_id(make_site: MakeSite) -> None:
    """An article copied to start a new one keeps the old one's id until it is given its own.
    The file first by name won the id: a copy named 0-follow-up.md took the story's place
    (its address redirected to the copy, for good: the ledger recorded it) and the error
    named the story's own file as the one to put right."""
    story = article_md("Harbour reopens", id="urn:x:1", slug="harbour", body="The harbour is open.")
    site = make_site(content={"harbour.md": story}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    copy = story.replace("Harbour reopens", "Ferries return").replace("slug: harbour", "slug: ferries")
    (site / "content" / "0-follow-up.md").write_text(copy)
    report = build(site)
    assert [str(e) for e in report.errors] == [
        f"{site / 'content' / '0-follow-up.md'}:4: id 'urn:x:1' is already used by content/harbour.md; ids must be unique: give this file an id of its own,"
        " or delete its 'id:' line and sitegen makes one from the file's name"
    ]
    out = site / "output"
    page = lxml_html.fromstring((out / "2024" / "05" / "harbour" / "index.html").read_bytes())
    assert page.xpath("//h1/text()") == ["Harbour reopens"]
    assert not (out / "2024" / "05" / "ferries").exists()
    ledger = json.loads((site / "content" / ".sitegen-updated.json").read_text())
    assert ledger["articles"]["urn:x:1"]["urls"] == ["https://example.org/2024/05/harbour/"]


def _related(page: Path) -> list[tuple[str, str | None]]:
    """An article page's related headlines: text and link (None when not linked)."""
    doc = lxml_html.fromstring(page.read_bytes())
    return [(li.text_content().strip(), (li.xpath(".//a/@href") or [None])[0]) for li in doc.xpath("//aside[@class='related']//li")]


def test_a_related_headline_still_links_to_its_article_once_retitled_in_an_incremental_and_a_clean_build(make_site: MakeSite, tmp_path: Path) -> None:
    """A typo fixed in a title unlinked every related headline naming it as it was: the
    ledger keeps the titles an article was published under, so the headline still links
    to it, shown by its title now, and a clean clone (content and ledger) builds the same page."""
    typo = article_md("Council aproves flood plan", date="2024-05-01T09:00:00+00:00")
    site = make_site(
        content={"a.md": typo, "b.md": article_md("Harbour reopens", date="2024-05-02T09:00:00+00:00", related="['Council aproves flood plan', 'Elsewhere']")},
        config='base_url = "https://example.org/news/"\n',
    )
    page = site / "output" / "2024" / "05" / "b" / "index.html"
    assert build(site).ok
    assert _related(page) == [("Council aproves flood plan", "/news/2024/05/a/"), ("Elsewhere", None)]
    for title in ("Council approves flood plan", "Council approves the flood plan"):  # fixed, then reworded
        (site / "content" / "a.md").write_text(typo.replace("Council aproves flood plan", title))
        report = build(site)
        assert report.ok and report.warnings == []
        assert _related(page) == [(title, "/news/2024/05/a/"), ("Elsewhere", None)]
    clone = tmp_path / "clone"
    shutil.copytree(site / "content", clone / "content")
    shutil.copy(site / "sitegen.toml", clone / "sitegen.toml")
    (clone / "seeds").mkdir()
    assert build(clone).ok
    assert (clone / "output" / "2024" / "05" / "b" / "index.html").read_bytes() == page.read_bytes()
    # A title now wins over one an article had: the headline means the story of that name now.
    (site / "content" / "c.md").write_text(article_md("Council aproves flood plan", date="2024-04-01T09:00:00+00:00"))
    assert build(site).ok
    assert _related(page)[0] == ("Council aproves flood plan", "/news/2024/04/c/")


def test_a_related_headline_links_whatever_its_quotes_case_dashes_spaces_and_last_stop(make_site: MakeSite) -> None:
    related = "['council''s \"flood\" plan approved – at last.', 'COUNCIL’S “FLOOD” PLAN  APPROVED—AT LAST', 'Council plans']"
    site = make_site(
        content={
            "a.md": article_md("Council’s “flood” plan approved - at last", date="2024-05-01T09:00:00+00:00"),
            "b.md": article_md("Harbour reopens", date="2024-05-02T09:00:00+00:00", related=related),
        }
    )
    assert build(site).ok
    title = "Council’s “flood” plan approved - at last"
    assert _related(site / "output" / "2024" / "05" / "b" / "index.html") == [(title, "/2024/05/a/"), (title, "/2024/05/a/"), ("Council plans", None)]


def test_of_articles_of_one_title_a_headline_links_the_newest_before_its_own(make_site: MakeSite) -> None:
    """A weekly "Letters" has one title: a headline links the one its editor could have
    meant, the newest published before its article (the first after it when all are
    newer), never its own article, whatever the order of the files."""
    letters = {f"l{day}.md": article_md("Letters to the editor", date=f"2024-05-{day}T09:00:00+00:00", related="['Letters to the editor.']") for day in ("01", "08", "15")}
    site = make_site(
        content={
            **letters,
            "x.md": article_md("Mid-May story", date="2024-05-10T09:00:00+00:00", related="['Letters to the editor']"),
            "y.md": article_md("April story", date="2024-04-01T09:00:00+00:00", related="['Letters to the editor']"),
        }
    )
    assert build(site).ok
    out = site / "output" / "2024"

    def linked(page: Path) -> str | None:
        return _related(page / "index.html")[0][1]

    assert linked(out / "05" / "x") == "/2024/05/l08/"
    assert linked(out / "04" / "y") == "/2024/05/l01/"
    assert linked(out / "05" / "l15") == "/2024/05/l08/"
    assert linked(out / "05" / "l01") == "/2024/05/l08/"  # the oldest: the first after it


def test_a_related_headline_like_a_title_is_warned_of_once_naming_its_line(make_site: MakeSite, runner: CliRunner) -> None:
    """A headline one slip away from a title of the site links nothing: said, with the title
    it may mean, by the build that reads its file, not by every build after (it may name a
    story the site does not have, which nothing could then silence)."""
    related = "\n- Something else entirely\n- Council aproves flood defences\n- Harbour reopens"
    story = article_md("Harbour reopens", date="2024-05-02T09:00:00+00:00", related=related)
    site = make_site(content={"a.md": article_md("Council approves flood defences"), "b.md": story}, config='base_url = "https://example.org/"\n')
    b = site / "content" / "b.md"
    said = (
        f"{b}:6: related headline 'Council aproves flood defences' is no title of the site's, so it is not linked:"
        " did you mean 'Council approves flood defences'? Write it as that title to link it"
    )
    assert build(site).warnings == [said]
    # Said once: neither a build with nothing to do nor one with work elsewhere says it again.
    assert "warning:" not in runner.invoke(main, ["build", "--site", str(site)]).output
    (site / "content" / "a.md").write_text(article_md("Council approves flood defences", body="Edited."))
    assert build(site).warnings == []
    # Its file edited, it is said again; put right, it is not, and the headline links.
    b.write_text(story.replace("Body text.", "Edited."))
    assert build(site).warnings == [said]
    b.write_text(story.replace("aproves", "approves"))
    assert build(site).warnings == []
    assert _related(site / "output" / "2024" / "05" / "b" / "index.html")[1] == ("Council approves flood defences", "/2024/05/a/")


def test_an_imported_articles_headlines_are_not_checked_for_slips(make_site: MakeSite) -> None:
    """An imported story's related headlines are its publisher's titles of its own stories,
    many of which the site does not have: one like a title of the site's is most often
    another story, so they are not checked (and a site of 10,000 seeds is not slowed)."""
    related = "\n- Council aproves flood defences"
    story = article_md("Harbour reopens", date="2024-05-02T09:00:00+00:00", related=related).replace("---\n", "---\nseed: 7_0123456789abcdef.txt\n", 1)
    site = make_site(content={"a.md": article_md("Council approves flood defences"), "b.md": story}, config='base_url = "https://example.org/"\n')
    report = build(site)
    assert report.ok and not [w for w in report.warnings if "related headline" in w]
    # The headline is still shown, unlinked.
    assert _related(site / "output" / "2024" / "05" / "b" / "index.html") == [("Council aproves flood defences", None)]


def test_an_unedited_copy_of_an_article_is_named_as_a_copy_whichever_file_sorts_first(make_site: MakeSite) -> None:
    """A copy made with ``cp`` holds the same article: nothing but the names tells which
    file is the story, and the one that sorts later gets the error. Telling that file to
    take an id of its own, when it may be the published story, would make the story a new
    one to every feed reader: the error says that one of the two is a copy, to delete or
    give its own id."""
    story = article_md("Harbour reopens", id="urn:x:1", slug="harbour", body="The harbour is open.")
    site = make_site(content={"harbour.md": story}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    (site / "content" / "harbour-copy.md").write_text(story)
    report = build(site)
    assert [(str(e.path), e.line) for e in report.errors] == [(str(site / "content" / "harbour.md"), 4)]
    said = report.errors[0].reason
    assert "already used by content/harbour-copy.md, which holds the same article" in said
    assert "delete the copy, or give the copy an id of its own" in said
    assert "give this file an id of its own" not in said
    # The story stays out, at its address, with its id.
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "harbour" / "index.html").read_bytes())
    assert page.xpath("//h1/text()") == ["Harbour reopens"]


def test_a_listing_an_article_out_late_appears_on_is_dated_then_in_the_sitemap(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article dated before those already out (written last week, published today) changes
    the listings it appears on, as it changes the feeds: their sitemap lastmod stayed at the
    newest listed article's date, so a search engine that goes by it saw no change."""
    content = {
        "a.md": article_md("Quay opens", date="2025-12-01T09:00:00+00:00", tags="[Harbour]"),
        "b.md": article_md("Ferry returns", date="2025-12-20T09:00:00+00:00", tags="[Weather]"),
    }
    site = make_site(content=content, config='base_url = "https://example.org/"\n')
    assert build(site).ok  # on 2026-01-01 (SOURCE_DATE_EPOCH)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 1, 2, 8, tzinfo=dt.UTC).timestamp())))
    (site / "content" / "c.md").write_text(article_md("Storm damage", date="2025-12-10T09:00:00+00:00", tags="[Harbour]"))
    assert build(site).ok
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = etree.parse(str(site / "output" / "sitemap.xml"))
    lastmod = {loc.text: loc.getnext().text if loc.getnext() is not None else None for loc in sitemap.iterfind("s:url/s:loc", ns)}
    for page in ("", "tags/harbour/", "archive/2025/12/"):
        assert lastmod["https://example.org/" + page] == "2026-01-02T08:00:00+00:00", page
    assert lastmod["https://example.org/tags/weather/"] == "2025-12-20T09:00:00+00:00"
    assert lastmod["https://example.org/2025/12/c/"] == "2025-12-10T09:00:00+00:00"  # the article as dated
    # Dated as the ledger recorded its appearance: a clean build of the same files agrees.
    clean = make_site(name="clean", config='base_url = "https://example.org/"\n')
    shutil.rmtree(clean / "content")
    shutil.copytree(site / "content", clean / "content")
    assert build(clean).ok
    assert (clean / "output" / "sitemap.xml").read_bytes() == (site / "output" / "sitemap.xml").read_bytes()


def test_tags_are_listed_in_the_order_of_their_names_not_of_their_transliterated_slugs(make_site: MakeSite) -> None:
    """An Arabic reader looks a tag up by its letters: by slug, the tag list and the search
    page's filter read لبنان (lbnn), اقتصاد (qtsd), سياسة (sys), an order of no alphabet.
    Case and accents aside, as in a tag's one name (Économie among the e's)."""
    content = {
        "a.md": article_md("الموازنة", tags="[سياسة, لبنان, Économie]"),
        "b.md": article_md("الليرة", tags="[اقتصاد, بيئة, arts, Zoo]"),
    }
    site = make_site(content=content, config='language = "ar"\n')
    assert build(site).ok
    order = ["arts", "Économie", "Zoo", "اقتصاد", "بيئة", "سياسة", "لبنان"]  # each script by its alphabet
    tags = lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes())
    assert tags.xpath("//ul[@class='tag-list']/li/a/text()") == order
    search = lxml_html.fromstring((site / "output" / "search" / "index.html").read_bytes())
    assert search.xpath("//select[@id='search-tag']/option[position() > 1]/text()") == order


def test_a_month_of_more_articles_than_a_page_holds_goes_on_over_pages(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big newsroom's month (9,000 stories) was one page of megabytes: it is cut into pages
    of site.ARCHIVE_PAGE_SIZE, newest first, linked to each other, each in the sitemap; a
    month that fits is one page, as before."""
    monkeypatch.setattr(site_mod, "ARCHIVE_PAGE_SIZE", 3)
    content = {f"m{i}.md": article_md(f"May story {i}", date=f"2024-05-{i + 1:02d}T09:00:00+00:00") for i in range(7)}
    content["april.md"] = article_md("April story", date="2024-04-30T09:00:00+00:00")
    site = make_site(content=content, config='base_url = "https://example.org/news/"\n')
    assert build(site, jobs=1).ok
    out = site / "output"
    pages = ["archive/2024/05/index.html", "archive/2024/05/page/2/index.html", "archive/2024/05/page/3/index.html"]
    docs = [lxml_html.parse(str(out / page)) for page in pages]
    listed = [doc.xpath("//ul[@class='archive-list']/li/a/text()") for doc in docs]
    assert listed == [[f"May story {i}" for i in (6, 5, 4)], [f"May story {i}" for i in (3, 2, 1)], ["May story 0"]]
    assert [doc.xpath("string(//title)") for doc in docs][1].startswith("Archive: May 2024 (page 2)")
    assert docs[0].xpath("//nav[@aria-label='Pages']//a/@href") == ["/news/archive/2024/05/page/2/"]
    assert docs[1].xpath("//nav[@aria-label='Pages']//a/@href") == ["/news/archive/2024/05/", "/news/archive/2024/05/page/3/"]
    assert all(doc.xpath("//p[@class='meta']")[0].text_content().endswith("7 articles") for doc in docs)
    # Every page goes on to the month before, and is in the sitemap; April's one page is as a month's always was.
    assert all(doc.xpath("//nav[@aria-label='Months']//a/@href") == ["/news/archive/2024/04/"] for doc in docs)
    april = lxml_html.parse(str(out / "archive" / "2024" / "04" / "index.html"))
    assert not april.xpath("//nav[@aria-label='Pages']") and april.xpath("//link[@rel='prev']/@href") == ["/news/archive/2024/05/"]
    mapped = (out / "sitemap.xml").read_text()
    assert all(f"https://example.org/news/{page.removesuffix('index.html')}<" in mapped for page in pages)
    assert check_output(out, load_config(site)) == []


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
_TAGS = st.lists(st.builds(Tag, _TEXT, _TEXT), max_size=3).map(tuple)
_TEXTS = st.lists(_TEXT, max_size=3).map(tuple)


@dataclass(frozen=True, slots=True)
class _NeighbourAsDataclass:
    """site.Neighbour as it was, a dataclass: the digest of an article's neighbours (its
    pages' quick keys) was of these bytes."""

    path: str
    title: str
    language: str
    tags: tuple[Tag, ...]
    related: tuple[str, ...]
    origin: str
    former_titles: tuple[str, ...]


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, _TEXT, _TAGS, _TEXTS, _TEXT, _TEXTS)
def test_a_neighbour_is_encoded_for_the_digest_as_the_dataclass_it_was(
    path: str, title: str, language: str, tags: tuple[Tag, ...], related: tuple[str, ...], origin: str, former_titles: tuple[str, ...]
) -> None:
    fields = (path, title, language, tags, related, origin, former_titles)
    assert msgspec.msgpack.encode(site_mod.Neighbour(*fields)) == msgspec.msgpack.encode(_NeighbourAsDataclass(*fields))


def _plainly_newest_first(articles: list[Article]) -> list[Article]:
    """site.newest_first as it reads: by slug and id, then by date and number, newest first."""
    by_slug = sorted(articles, key=lambda a: (a.slug, a.id))
    return sorted(by_slug, key=lambda a: (a.published, a.seq), reverse=True)


_START = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
_ORDERED = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 3), st.integers(0, 2), st.sampled_from([0, 60, -120])), max_size=8
).map(
    lambda drawn: [
        Article(
            source=f"{i}.md", id=f"id{i}", title=slug, slug=slug, path=f"{slug}{i}/", seq=seq, summary="", body=b"",
            published=(_START + dt.timedelta(hours=hours)).astimezone(dt.timezone(dt.timedelta(minutes=offset))), updated=_START,
        )
        for i, (slug, hours, seq, offset) in enumerate(drawn)
    ]
)


@settings(max_examples=300, deadline=None)
@given(_ORDERED)
def test_newest_first_orders_as_by_slug_then_by_date_and_number(articles: list[Article]) -> None:
    assert [a.id for a in site_mod.newest_first(articles)] == [a.id for a in _plainly_newest_first(articles)]
    assert [a.id for a in site_mod.newest_first(reversed(articles))] == [a.id for a in _plainly_newest_first(articles[::-1])]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["p/", "q/", "r/", "s/"]), st.sampled_from(["h1", "h2"])), max_size=5),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["h1", "h2"]), max_size=3),
)
def test_articles_with_no_id_or_url_claimed_twice_are_all_kept_as_one_by_one(claims: list[tuple[str, str, str]], shown_as: dict[str, str]) -> None:
    when = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    articles = [
        Article(source=f"/site/content/{n}.md", id=id_, title=id_, slug=id_, path=path, published=when, updated=when, summary="", body=b"", content_hash=h)
        for n, (id_, path, h) in enumerate(claims)
    ]
    ordered = sorted(sorted(articles, key=lambda a: a.source), key=lambda a: not a.reads_as(shown_as.get(a.id)))
    kept, errors = site_mod.unique(articles, Path("/site"), shown_as)
    plain_kept, plain_errors = site_mod._first_claims(ordered, Path("/site"))
    assert kept == plain_kept
    assert [str(e) for e in errors] == [str(e) for e in plain_errors]


def _at_the_same_instant() -> list[Article]:
    """Two stories of one instant, 01:30 EDT on the night clocks go back in New York: one
    with a floating date, read in the site's zone (an hour that happens twice), one with
    its offset written; and an older one."""
    zone = ZoneInfo("America/New_York")
    dates = [
        ("zeta", dt.datetime(2024, 11, 3, 1, 30, tzinfo=zone)),
        ("alpha", dt.datetime(2024, 11, 3, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))),
        ("other", dt.datetime(2024, 10, 1, 9, tzinfo=dt.UTC)),
    ]
    return [
        Article(source=f"{slug}.md", id=f"id-{slug}", title=slug, slug=slug, path=f"{slug}/", seq=0, summary="", body=b"", published=published, updated=published)
        for slug, published in dates
    ]


def test_newest_first_puts_stories_of_one_instant_in_zones_of_their_own_in_one_order_whatever_the_files_order() -> None:
    """A date in an hour that happens twice is never equal to another zone's date of the
    same instant, nor before or after it: the slugs, not the order the files came in, decide."""
    articles = _at_the_same_instant()
    expected = [a.slug for a in _plainly_newest_first(articles)]
    assert expected == ["alpha", "zeta", "other"]
    assert [a.slug for a in site_mod.newest_first(articles)] == expected
    assert [a.slug for a in site_mod.newest_first(reversed(articles))] == expected


def test_a_floating_date_in_the_hour_clocks_go_back_is_listed_by_its_slug_beside_the_same_instant(make_site: MakeSite) -> None:
    content = {
        "a.md": "---\ntitle: Zeta story\nslug: zeta\ndate: 2024-11-03 01:30\n---\n\nZeta body.\n",
        "b.md": article_md("Alpha story", date="2024-11-03T01:30:00-04:00", slug="alpha"),
        "c.md": article_md("Other story", date="2024-10-01T09:00:00-04:00", slug="other"),
    }
    site = make_site(content=content, config='title = "T"\nbase_url = "https://example.com/"\ntimezone = "America/New_York"\n')
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    front = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    assert [a.text_content() for a in front.xpath("//main//h2/a")] == ["Alpha story", "Zeta story", "Other story"]
    page = lxml_html.fromstring((site / "output" / "2024" / "11" / "alpha" / "index.html").read_bytes())
    assert page.xpath("//a[@rel='prev']/@href") == ["/2024/11/zeta/"] and not page.xpath("//a[@rel='next']")

"""The default theme's pages as a news site: listings with a lead story and cards, article
pages with their sharing metadata, byline, image, related headlines and neighbours."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import MakeSite, article_md, page_md
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from PIL import Image as PILImage

from sitegen import site as site_mod
from sitegen.build import build
from sitegen.cache import Inputs
from sitegen.config import Config
from sitegen.deps import Digests, article_page_key, page_key, value_digest
from sitegen.model import Article, Author, Image, ImageSize, Page, Tag
from sitegen.render import Renderer
from sitegen.site import ArticleContext, Link, Source, attribution, build_site, plan_pages
from sitegen.theme import Theme

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
BASE = "https://news.example.org/"


def parse(path: Path) -> Any:
    return lxml_html.fromstring(path.read_bytes())


def meta(doc: Any, name: str) -> list[str]:
    return [str(v) for v in doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")]


def json_ld(doc: Any) -> dict[str, Any]:
    (script,) = doc.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def news(make_site: MakeSite) -> Path:
    content = {
        f"s{i}.md": article_md(
            f"Story {i}", date=f"2024-05-{i + 1:02d}T09:00:00+02:00", slug=f"s{i}", tags="[Sport, World]" if i % 2 else "[Sport]",
            summary=f"'Summary {i}.'",
        )
        for i in range(8)
    }
    content["lead.md"] = article_md(
        "The lead story", date="2024-05-20T09:00:00+02:00", updated="'2024-05-21T10:30:00+02:00'", slug="lead", tags="[Politics, World]",
        summary="'What the lead story says.'", related="['Story 3', 'A story elsewhere']", source="'Read Full Article'",
    )  # fmt: skip
    site = make_site(content=content, config=f'title = "Daily Test"\ndescription = "All the news."\nbase_url = "{BASE}"\npage_size = 5\n')
    report = build(site)
    assert report.ok, report.errors
    return site / "output"


def test_article_page_has_open_graph_twitter_and_news_article_data(news: Path) -> None:
    doc = parse(news / "2024/05/lead/index.html")
    url = BASE + "2024/05/lead/"
    assert doc.xpath("//link[@rel='canonical']/@href") == [url]
    assert meta(doc, "og:type") == ["article"] and meta(doc, "og:title") == ["The lead story"]
    assert meta(doc, "og:description") == ["What the lead story says."] and meta(doc, "og:url") == [url]
    assert meta(doc, "og:site_name") == ["Daily Test"]
    assert meta(doc, "article:published_time") == ["2024-05-20T09:00:00+02:00"]
    assert meta(doc, "article:modified_time") == ["2024-05-21T10:30:00+02:00"]
    assert meta(doc, "article:tag") == ["Politics", "World"]
    assert meta(doc, "twitter:card") == ["summary"] and meta(doc, "og:image") == []
    data = json_ld(doc)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "The lead story" and data["description"] == "What the lead story says."
    assert RFC3339.match(data["datePublished"]) and RFC3339.match(data["dateModified"])
    assert data["dateModified"] == "2024-05-21T10:30:00+02:00"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["publisher"] == {"@type": "Organization", "name": "Daily Test", "url": BASE}
    assert "image" not in data


def test_article_page_shows_headline_standfirst_dates_and_tags(news: Path) -> None:
    doc = parse(news / "2024/05/lead/index.html")
    assert [h.text_content() for h in doc.xpath("//h1")] == ["The lead story"]
    assert doc.xpath("//h1/parent::div/@dir") == ["auto"]
    assert doc.xpath("//p[@class='standfirst']/text()") == ["What the lead story says."]
    assert doc.xpath("//p[@class='standfirst']/@dir") == ["auto"] and doc.xpath("//div[@class='body']/parent::div/@dir") == ["auto"]
    times = doc.xpath("//header//time/@datetime")
    assert times == ["2024-05-20T09:00:00+02:00", "2024-05-21T10:30:00+02:00"]
    assert doc.xpath("//header/p[@class='meta']")[0].text_content() == "Published 20 May 2024, 09:00 UTC+2 · Updated 21 May 2024, 10:30 UTC+2"
    assert doc.xpath("//p[@class='tags']/a/@href") == ["/tags/politics/", "/tags/world/"]
    assert doc.xpath("//p[@class='kicker']/a/text()") == ["Politics"]
    # Published and never updated: one date.
    assert len(parse(news / "2024/05/s1/index.html").xpath("//header//time")) == 1


def test_a_date_written_as_a_day_alone_shows_no_made_up_time(make_site: MakeSite) -> None:
    """Published and updated give the time a reader is told, as news sites do; a date with
    no time (front matter ``date: 2024-05-02``, a correction's day) gives none: "00:00"
    would be made up. An update the same day gives its time alone."""
    corrected = "\n  - date: 2024-05-04\n    text: A name was misspelt."
    site = make_site(
        content={
            "day.md": article_md("Day", date="2024-05-02", corrections=corrected),
            "same.md": article_md("Same", date="2024-05-03T08:00:00+00:00", updated="'2024-05-03T11:15:00+00:00'"),
            "late.md": article_md("Late", date="2024-05-05T23:59:00+00:00"),
        }
    )
    assert build(site).ok
    said = {name: parse(site / "output" / "2024" / "05" / name / "index.html").xpath("//header/p[@class='meta']")[0].text_content() for name in ("day", "same", "late")}
    assert said == {
        "day": "Published 2 May 2024 · Updated 4 May 2024",
        "same": "Published 3 May 2024, 08:00 UTC · Updated 11:15 UTC",
        "late": "Published 5 May 2024, 23:59 UTC",
    }


def test_related_headlines_link_to_the_article_of_that_title(news: Path) -> None:
    doc = parse(news / "2024/05/lead/index.html")
    items = doc.xpath("//aside[@class='related']//li")
    assert [li.text_content() for li in items] == ["Story 3", "A story elsewhere"]
    assert items[0].xpath("a/@href") == ["/2024/05/s3/"] and items[1].xpath("a") == []
    # "Read Full Article" names no source: no attribution line at all.
    assert doc.xpath("//p[@class='source']") == [] and "Read Full Article" not in (news / "2024/05/lead/index.html").read_text()


def test_more_in_the_first_tag_and_previous_and_next(news: Path) -> None:
    doc = parse(news / "2024/05/s4/index.html")  # Sport: s7 s6 s5 [s4] s3 s2 s1 s0
    more = doc.xpath("//section[@class='more']")[0]
    assert more.xpath("h2")[0].text_content() == "More in Sport" and more.xpath("h2/a/@href") == ["/tags/sport/"]
    assert more.xpath(".//li/a/@href") == [f"/2024/05/s{i}/" for i in (3, 2, 1, 0)]
    newest = parse(news / "2024/05/s7/index.html")
    assert newest.xpath("//section[@class='more']//li/a/text()") == ["Story 6", "Story 5", "Story 4", "Story 3"]
    oldest = parse(news / "2024/05/s0/index.html")
    assert oldest.xpath("//section[@class='more']//li/a/text()") == ["Story 4", "Story 3", "Story 2", "Story 1"]
    nav = doc.xpath("//nav[@class='article-nav']")[0]
    assert nav.xpath("a[@rel='prev']/@href") == ["/2024/05/s3/"] and nav.xpath("a[@rel='next']/@href") == ["/2024/05/s5/"]
    assert oldest.xpath("//nav[@class='article-nav']/a/@rel") == ["next"]
    assert parse(news / "2024/05/lead/index.html").xpath("//nav[@class='article-nav']/a/@rel") == ["prev"]


def test_front_page_has_a_lead_story_and_cards(news: Path) -> None:
    home = parse(news / "index.html")
    h1 = home.xpath("//h1")
    assert len(h1) == 1 and h1[0].text_content() == "Daily Test" and h1[0].get("class") == "visually-hidden"
    assert home.xpath("//p[@class='site-description']/text()") == ["All the news."]
    cards = home.xpath("//article")
    assert [c.get("class") for c in cards] == ["card lead"] + ["card"] * 4
    lead = cards[0]
    assert lead.xpath("h2/a/text()") == ["The lead story"] and lead.xpath("h2/@dir") == ["auto"]
    assert lead.xpath("p[@class='kicker']/a/@href") == ["/tags/politics/"]
    assert lead.xpath(".//time/@datetime") == ["2024-05-20T09:00:00+02:00"]
    assert lead.xpath("p[@class='summary']/text()") == ["What the lead story says."]
    website = json_ld(home)
    assert website == {"@context": "https://schema.org", "@type": "WebSite", "name": "Daily Test", "url": BASE, "inLanguage": "en", "description": "All the news."}
    # Later pages: the same cards, no lead, a visible heading.
    page2 = parse(news / "page/2/index.html")
    assert page2.xpath("string(//h1)") == "Daily Test: page 2" and "lead" not in " ".join(page2.xpath("//article/@class"))
    assert page2.xpath("//script") == []


def test_a_tags_first_page_is_a_section_front_led_by_its_newest_story(news: Path) -> None:
    """The masthead's sections link to their tag's page: its first page is led as the front
    page is (the same card, as large), above the next stories as cards and the pager. Its
    later pages, and an author's, are the cards alone."""
    tag = parse(news / "tags/sport/index.html")  # Sport: Story 7 to Story 0, five to a page
    assert [h.text_content() for h in tag.xpath("//h1")] == ["Tag: Sport"]
    assert tag.xpath("//h1/following-sibling::p[1][@class='meta']/a/@href") == ["/tags/sport/atom.xml", "/tags/sport/rss.xml", "/tags/sport/feed.json"]
    assert tag.xpath("//main/div/@class") == ["cards front"]
    cards = tag.xpath("//main/div/article")
    assert [c.get("class") for c in cards] == ["card lead"] + ["card"] * 4
    lead = cards[0]
    assert lead.xpath("h2/a/text()") == ["Story 7"] and lead.xpath("h2/a/@href") == ["/2024/05/s7/"]
    assert lead.xpath("p[@class='summary']/text()") == ["Summary 7."]
    assert [c.xpath("string(h2)") for c in cards[1:]] == ["Story 6", "Story 5", "Story 4", "Story 3"]
    # Each card's kicker is its story's next tag (Sport over every card would say nothing),
    # or none; elsewhere it is the story's first tag.
    assert [c.xpath("p[@class='kicker']/a/text()") for c in cards] == [["World"], [], ["World"], [], ["World"]]
    assert [c.xpath("string(p[@class='kicker']/a)") for c in parse(news / "tags/world/index.html").xpath("//main/div/article")][:2] == ["Politics", "Sport"]
    assert [c.xpath("string(p[@class='kicker']/a)") for c in parse(news / "index.html").xpath("//main/div/article")][:2] == ["Politics", "Sport"]
    # Headings in order under the one h1, the pager after the cards; no section trails.
    assert [h.tag for h in tag.xpath("//main//*[self::h1 or self::h2 or self::h3]")] == ["h1"] + ["h2"] * 5
    assert tag.xpath("//main/div[@class='cards front']/following-sibling::nav[@class='pager']/a/@rel") == ["next"]
    assert tag.xpath("//div[@class='fronts']") == []
    later = parse(news / "tags/sport/page/2/index.html")
    assert [c.get("class") for c in later.xpath("//article")] == ["card"] * 3 and later.xpath("//main/div/@class") == ["cards"]
    # A tag of one story is led by it alone.
    politics = parse(news / "tags/politics/index.html")
    assert [c.get("class") for c in politics.xpath("//article")] == ["card lead"] and politics.xpath("//nav[@class='pager']") == []


def test_later_pages_say_which_page_and_name_the_site_once(news: Path) -> None:
    def title(path: str) -> str:
        return str(parse(news / path).xpath("string(//title)"))

    assert title("index.html") == "Daily Test" and title("page/2/index.html") == "Page 2 – Daily Test"
    assert title("tags/sport/index.html") == "Tag: Sport – Daily Test"
    assert title("tags/sport/page/2/index.html") == "Tag: Sport – page 2 – Daily Test"
    # Headings as the home page's and authors' say it.
    assert parse(news / "tags/sport/index.html").xpath("string(//h1)") == "Tag: Sport"
    assert parse(news / "tags/sport/page/2/index.html").xpath("string(//h1)") == "Tag: Sport: page 2"


def test_a_logo_file_the_site_lacks_is_left_out_of_article_data(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")}, config=f'title = "News"\nbase_url = "{BASE}"\nlogo = "static/logo.png"\n')
    page = site / "output" / "2024" / "05" / "a" / "index.html"
    report = build(site)
    assert report.ok and len(report.warnings) == 1 and "logo" in report.warnings[0]
    assert json_ld(parse(page))["publisher"] == {"@type": "Organization", "name": "News", "url": BASE}
    # The file added, then removed: the next builds see it come and go.
    static = site / "templates" / "static"
    static.mkdir(parents=True)
    (static / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert build(site).warnings == []
    assert json_ld(parse(page))["publisher"]["logo"] == {"@type": "ImageObject", "url": BASE + "static/logo.png"}
    (static / "logo.png").unlink()
    assert build(site).ok
    assert "logo" not in json_ld(parse(page))["publisher"]
    # A URL is never looked for.
    (site / "sitegen.toml").write_text(f'title = "News"\nbase_url = "{BASE}"\nlogo = "https://cdn.example/logo.png"\n')
    assert build(site).warnings == []
    assert json_ld(parse(page))["publisher"]["logo"] == {"@type": "ImageObject", "url": "https://cdn.example/logo.png"}


def test_a_logo_with_a_query_keeps_it_in_article_data(make_site: MakeSite) -> None:
    """The query is no part of the file's name: percent-encoded, ``logo.png%3Fv=2`` names a
    file the site does not have."""
    site = make_site(content={"a.md": article_md("A")}, config=f'title = "News"\nbase_url = "{BASE}"\nlogo = "static/logo.png?v=2"\n')
    static = site / "templates" / "static"
    static.mkdir(parents=True)
    (static / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert build(site).warnings == []
    logo = json_ld(parse(site / "output" / "2024" / "05" / "a" / "index.html"))["publisher"]["logo"]
    assert logo == {"@type": "ImageObject", "url": BASE + "static/logo.png?v=2"}


def test_every_page_has_exactly_one_h1_and_a_link_past_the_header_to_it(news: Path) -> None:
    for page in news.rglob("*.html"):
        doc = parse(page)
        assert len(doc.xpath("//h1")) == 1, page
        # The first thing a keyboard reaches: a link to the main content, past the site's links.
        assert doc.xpath("//body/*[1]/@href") == ["#main"] and len(doc.xpath("//main[@id='main']//h1")) == 1, page
        assert meta(doc, "robots")[-1:] in (["max-image-preview:large"], ["noindex"]), page


def test_every_page_search_engines_index_is_described_apart_and_briefly(news: Path) -> None:
    """Pages alike are taken for copies of one another; results show about 160 characters."""
    described: dict[str, str] = {}
    for page in sorted(news.rglob("*.html")):
        doc = parse(page)
        if "noindex" in meta(doc, "robots"):
            continue
        (description,) = meta(doc, "description")
        assert 0 < len(description) <= 160, (page, description)
        assert description not in described, (page, described.get(description))
        described[description] = str(page)
    assert described["Sport: the latest from Daily Test (page 2)"] == str(news / "tags/sport/page/2/index.html")
    assert described["The articles of Daily Test in May 2024"] == str(news / "archive/2024/05/index.html")


@pytest.mark.parametrize("length", [161, 163, 165, 400])  # just over too: no leeway
def test_a_long_summary_is_cut_at_a_word_for_search_results_and_kept_whole_for_sharing(tmp_path: Path, length: int) -> None:
    long = " ".join(f"word{i}" for i in range(80))[: length - 1] + "x"
    assert len(long) == length
    doc = render(tmp_path, [article(0, summary=long)], "2024/06/a0/")
    (description,) = meta(doc, "description")
    assert len(description) <= 160 and description.endswith("…")
    words = description.removesuffix("…").split()
    assert words == long.split()[: len(words)] and len(words) > 20  # whole words only
    assert meta(doc, "og:description") == [long] and json_ld(doc)["description"] == long


def test_every_page_search_engines_index_has_one_card_for_social_media(news: Path) -> None:
    """A tag, an author, the archive shared on social media get a card of their own: the
    page's title, address and description; an article its article card; each page one."""
    for page in sorted(news.rglob("*.html")):
        doc = parse(page)
        if "noindex" in meta(doc, "robots"):
            assert meta(doc, "og:type") == [], page
            continue
        assert len(meta(doc, "og:type")) == 1 and len(meta(doc, "og:url")) == 1, page
        assert meta(doc, "og:description") == meta(doc, "description") or meta(doc, "og:type") == ["article"], page
    tag = parse(news / "tags/sport/page/2/index.html")
    assert meta(tag, "og:title") == ["Tag: Sport – page 2"] and meta(tag, "og:url") == [BASE + "tags/sport/page/2/"]
    assert meta(tag, "og:type") == ["website"] and meta(tag, "og:site_name") == ["Daily Test"]


def test_an_authors_page_has_one_card_a_profiles(make_site: MakeSite) -> None:
    """A byline's page shared is a profile's card, and only that: with the website card of
    other pages beside it, a page said two types and two titles, of which a network takes one."""
    config = f'title = "Daily Test"\nbase_url = "{BASE}"\npage_size = 1\n[authors.jo]\nname = "Jo"\nbio = "Covers the port."\n'
    content = {f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-0{i + 1}T09:00:00+00:00", author="jo") for i in range(2)}
    site = make_site(content=content, config=config)
    assert build(site).ok
    for path, title in (("authors/jo/", "Jo"), ("authors/jo/page/2/", "Jo – page 2")):
        doc = parse(site / "output" / path / "index.html")
        assert meta(doc, "og:type") == ["profile"], path
        assert meta(doc, "og:title") == [title] and meta(doc, "og:url") == [BASE + path], path
        assert meta(doc, "og:site_name") == ["Daily Test"] and meta(doc, "og:description") == meta(doc, "description"), path


def _empty_values(data: object) -> list[object]:
    """The empty strings, lists and objects anywhere in structured data."""
    if isinstance(data, dict):
        return [v for v in data.values() if v in ("", [], {})] + [e for v in data.values() for e in _empty_values(v)]
    if isinstance(data, list):
        return [e for v in data for e in _empty_values(v)]
    return []


def test_a_story_or_page_with_no_words_is_still_described_and_its_data_holds_no_empty_value(make_site: MakeSite) -> None:
    """A photo story (its picture, captioned, and no text) and a story or page not written
    yet sum up to nothing: search results and shared cards get its caption or its title,
    never an empty description, and its structured data says no description at all."""
    site = make_site(
        content={
            "photo.md": article_md("Dawn over the harbour", slug="photo", image="dawn.png", image_alt="Boats at dawn", image_caption="The fleet leaves at six.", body=""),
            "empty.md": article_md("Council meets tonight", slug="empty", body=""),
            "contact.md": page_md("Contact us", body=""),
        },
        config=f'title = "Daily Test"\nbase_url = "{BASE}"\n',
    )
    PILImage.new("RGB", (1200, 800), "teal").save(site / "content" / "dawn.png")
    assert build(site).ok
    described = {
        "2024/05/photo/": "The fleet leaves at six.",
        "2024/05/empty/": "Council meets tonight",
        "contact/": "Contact us",
    }
    for path, expected in described.items():
        doc = parse(site / "output" / path / "index.html")
        assert meta(doc, "description") == [expected] and meta(doc, "og:description") == [expected], path
        data = json_ld(doc)
        assert "description" not in data and _empty_values(data) == [], (path, data)


def test_every_description_keeps_to_160_characters_whatever_the_names(make_site: MakeSite) -> None:
    long = " ".join(["Harbour"] * 30)
    config = f'title = "{long}"\ndescription = "{long}"\npage_size = 1\n[authors.jo]\nname = "Jo"\nbio = "{long}"\n'
    content = {f"a{i}.md": article_md(f"Story {i}", tags=f"['{long}']", author="Jo") for i in range(3)}
    site = make_site(content=content, config=config)
    assert build(site).ok
    lengths = {str(page): len(meta(parse(page), "description")[0]) for page in (site / "output").rglob("*.html") if meta(parse(page), "description")}
    assert len(lengths) > 10 and max(lengths.values()) <= 160, lengths


def test_subscribe_page_lists_every_feed(news: Path) -> None:
    doc = parse(news / "subscribe/index.html")
    hrefs = doc.xpath("//a/@href")
    for feed in ("atom.xml", "rss.xml", "feed.json"):
        assert "/" + feed in hrefs and f"/tags/world/{feed}" in hrefs
    assert doc.xpath("//table[@class='feeds']//tbody/tr/th/text()") == ["Politics", "Sport", "World"]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("Read Full Article", None),
        ("  read full article. ", None),
        ("", None),
        ("The wire", Source("The wire")),
        ("https://www.example.com/a/b", Source("example.com", "https://www.example.com/a/b")),
        ("Reuters https://reuters.example/story.", Source("Reuters", "https://reuters.example/story")),
        ("Reuters (https://reuters.example/story)", Source("Reuters", "https://reuters.example/story")),
        ("Read Full Article: https://example.com/x", Source("example.com", "https://example.com/x")),
        ("javascript:alert(1)", Source("javascript:alert(1)")),
        # HTML pasted from a web page: its text is the name, its link's URL the link.
        ('<a href="https://evil.example">Evil</a>', Source("Evil", "https://evil.example")),
        ("<b>Reuters</b> https://reuters.example/story", Source("Reuters", "https://reuters.example/story")),
        ('<a href="javascript:alert(1)">Click</a>', Source("Click")),
        ("<script>alert(1)</script>The wire", Source("The wire")),
        ("&lt;b&gt;The wire&lt;/b&gt; <i>desk</i>", Source("The wire desk")),  # escaped markup too
        ("<img src=x onerror=alert(1)>", None),
        ("The <b", Source("The")),  # a tag left open runs to the end, as in a browser
        ("Smith &amp; Sons", Source("Smith &amp; Sons")),  # no tag: plain text, as written
    ],
)
def test_the_source_line_becomes_an_attribution(origin: str, expected: Source | None) -> None:
    assert attribution(origin) == expected


def test_a_source_line_holding_a_link_shows_its_text_linked(make_site: MakeSite) -> None:
    seed = 'Wind farm plan rejected\n\nThe council said no.\n\nSource: <a href="https://evil.example">Evil</a>\n'
    site = make_site(seeds={"015_0123456789abcdef.txt": seed})
    report = build(site)
    assert report.ok, report.errors
    [page] = [p for p in (site / "output").rglob("wind-farm-plan-rejected/index.html")]
    [line] = parse(page).xpath("//p[@class='source']")
    assert line.text_content() == "Source: Evil" and line.xpath("a/@href") == ["https://evil.example"]


# Pages rendered from model objects: images and authors, whatever front matter gives yet.

WHEN = dt.datetime(2024, 6, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def article(n: int, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "source": f"content/a{n}.md", "id": f"urn:a{n}", "title": f"Title {n}", "slug": f"a{n}", "path": f"2024/06/a{n}/",
        "published": WHEN - dt.timedelta(hours=n), "updated": WHEN - dt.timedelta(hours=n), "summary": f"Summary {n}",
        "body": f"<p>Body {n}</p>".encode(), "tags": (Tag("World", "world"),),
    }  # fmt: skip
    values.update(fields)
    return Article(**values)


def render(tmp_path: Path, articles: list[Article], path: str) -> Any:
    site = build_site(articles, Config(title="Model News", base_url=BASE))
    (tmp_path / "empty").mkdir(exist_ok=True)
    renderer = Renderer(site, Theme(tmp_path / "empty", Inputs()))
    page = next(p for p in plan_pages(site) if p.path == path)
    return lxml_html.fromstring(renderer.render(page)[0])


IMAGE = Image(
    "images/harbour.jpg", "The harbour at dusk", 1200, 800, caption="Dusk.", credit="Photo: Desk",
    sizes=(ImageSize("images/harbour-480.jpg", 480, 320), ImageSize("images/harbour-800.jpg", 800, 533)),
)  # fmt: skip
AUTHORS = (Author("Ada Quay", "ada-quay", "authors/ada-quay/"), Author("Bo Li", "bo-li", "authors/bo-li/"))


def test_an_image_is_a_figure_with_sizes_and_shared_as_a_large_card(tmp_path: Path) -> None:
    doc = render(tmp_path, [article(0, image=IMAGE, authors=AUTHORS), article(1)], "2024/06/a0/")
    (img,) = doc.xpath("//figure[@class='article-image']/img")
    assert (img.get("src"), img.get("width"), img.get("height"), img.get("alt")) == ("/images/harbour.jpg", "1200", "800", "The harbour at dusk")
    assert img.get("srcset") == "/images/harbour-480.jpg 480w, /images/harbour-800.jpg 800w, /images/harbour.jpg 1200w"
    assert img.get("sizes")
    assert doc.xpath("//figcaption")[0].text_content() == "Dusk. Photo: Desk"
    assert meta(doc, "og:image") == [BASE + "images/harbour.jpg"]
    assert (meta(doc, "og:image:width"), meta(doc, "og:image:height"), meta(doc, "og:image:alt")) == (["1200"], ["800"], ["The harbour at dusk"])
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    data = json_ld(doc)
    assert data["image"] == {"@type": "ImageObject", "url": BASE + "images/harbour.jpg", "width": 1200, "height": 800, "caption": "Dusk.", "creditText": "Photo: Desk"}
    assert data["author"] == [
        {"@type": "Person", "name": "Ada Quay", "url": BASE + "authors/ada-quay/"},
        {"@type": "Person", "name": "Bo Li", "url": BASE + "authors/bo-li/"},
    ]
    byline = doc.xpath("//p[@class='byline']")[0]
    assert byline.text_content() == "By Ada Quay and Bo Li"
    assert byline.xpath("a/@href") == ["/authors/ada-quay/", "/authors/bo-li/"]
    assert meta(doc, "article:author") == [BASE + "authors/ada-quay/", BASE + "authors/bo-li/"]


def test_an_organization_byline_is_one_in_the_structured_data_and_no_byline_names_the_publisher(tmp_path: Path) -> None:
    wire = Author("Harbour Wire", "wire", "authors/wire/", kind="organization")
    doc = render(tmp_path, [article(0, authors=(AUTHORS[0], wire)), article(1)], "2024/06/a0/")
    assert json_ld(doc)["author"] == [
        {"@type": "Person", "name": "Ada Quay", "url": BASE + "authors/ada-quay/"},
        {"@type": "Organization", "name": "Harbour Wire", "url": BASE + "authors/wire/"},
    ]
    anonymous = json_ld(render(tmp_path, [article(0), article(1)], "2024/06/a1/"))
    assert anonymous["author"] == [anonymous["publisher"]] == [{"@type": "Organization", "name": "Model News", "url": BASE}]


def test_an_authors_kind_reaches_the_page_from_sitegen_toml(make_site: MakeSite) -> None:
    config = f'base_url = "{BASE}"\n[authors.wire]\nname = "Harbour Wire"\nkind = "organization"\n'
    site = make_site(content={"a.md": article_md("A", author="'Harbour Wire'"), "b.md": article_md("B", author="[wire, Jo Bloggs]")}, config=config)
    assert build(site).ok
    people = [[(a["@type"], a["name"]) for a in json_ld(parse(site / "output" / "2024" / "05" / slug / "index.html"))["author"]] for slug in "ab"]
    assert people == [[("Organization", "Harbour Wire")], [("Organization", "Harbour Wire"), ("Person", "Jo Bloggs")]]


@pytest.mark.parametrize(
    ("table", "kind"),
    [
        pytest.param("", "Organization", id="no table"),
        pytest.param('[authors.newsroom]\nname = "Harwick Gazette Newsroom"\nbio = "The desk."\n', "Organization", id="a table without kind"),
        pytest.param('[authors.newsroom]\nname = "Harwick Gazette Newsroom"\nkind = "person"\n', "Person", id="a table of a person"),
    ],
)
def test_the_sites_own_byline_is_the_publications_an_organization(make_site: MakeSite, table: str, kind: str) -> None:
    """``author = "Harwick Gazette Newsroom"`` made every unbylined article's structured data
    name a Person of that name. It is the publication's byline: an organization, unless its
    table says it is a person; it keeps its page and feeds, which readers may follow."""
    config = f'base_url = "{BASE}"\nauthor = "Harwick Gazette Newsroom"\n{table}'
    content = {
        "a.md": article_md("A"),  # no byline: the site's
        "b.md": article_md("B", author="'Harwick Gazette Newsroom'"),  # the site's, named in front matter
        "c.md": article_md("C", author="[Jo Bloggs, Harwick Gazette Newsroom]"),
    }
    site = make_site(content=content, config=config)
    report = build(site)
    assert report.ok and report.warnings == [], report.warnings
    out = site / "output"
    people = [[(a["@type"], a["name"], a["url"]) for a in json_ld(parse(out / "2024" / "05" / slug / "index.html"))["author"]] for slug in "abc"]
    slug = "newsroom" if table else "harwick-gazette-newsroom"
    newsroom = (kind, "Harwick Gazette Newsroom", f"{BASE}authors/{slug}/")
    assert people == [[newsroom], [newsroom], [("Person", "Jo Bloggs", f"{BASE}authors/jo-bloggs/"), newsroom]]
    page = parse(out / "authors" / slug / "index.html")
    assert [h.text_content() for h in page.xpath("//article//h2")] == ["C", "B", "A"]
    assert all((out / "authors" / slug / name).is_file() for name in ("atom.xml", "rss.xml", "feed.json"))


def test_an_update_the_same_day_gives_its_time_not_the_date_again(tmp_path: Path) -> None:
    later = WHEN + dt.timedelta(hours=5, minutes=32)
    doc = render(tmp_path, [article(0, updated=later), article(1)], "2024/06/a0/")
    assert doc.xpath("//header/p[@class='meta']")[0].text_content() == "Published 1 June 2024, 09:00 UTC+2 · Updated 14:32 UTC+2"
    assert doc.xpath("//header//time/@datetime")[1] == "2024-06-01T14:32:00+02:00"


def test_a_remote_image_is_used_as_it_is_and_canonical_points_at_the_original(tmp_path: Path) -> None:
    remote = Image("https://cdn.example.com/p.jpg", "A remote picture")
    doc = render(tmp_path, [article(0, image=remote, canonical="https://origin.example.com/story")], "2024/06/a0/")
    img = doc.xpath("//figure/img")[0]
    assert img.get("src") == "https://cdn.example.com/p.jpg" and img.get("width") is None and img.get("srcset") is None
    assert meta(doc, "og:image") == ["https://cdn.example.com/p.jpg"] and meta(doc, "og:image:width") == []
    assert doc.xpath("//link[@rel='canonical']/@href") == ["https://origin.example.com/story"]
    assert meta(doc, "og:url") == ["https://origin.example.com/story"]
    assert json_ld(doc)["mainEntityOfPage"]["@id"] == "https://origin.example.com/story"
    assert json_ld(doc)["image"] == ["https://cdn.example.com/p.jpg"]


def test_listing_cards_carry_image_byline_and_the_lead_is_not_lazy(tmp_path: Path) -> None:
    doc = render(tmp_path, [article(0, image=IMAGE, authors=AUTHORS), article(1, image=IMAGE), article(2)], "")
    cards = doc.xpath("//article")
    assert cards[0].xpath("img/@loading") == [] and cards[1].xpath("img/@loading") == ["lazy"] and cards[2].xpath("img") == []
    # A tag's first page is led as the front page is: its lead's picture as large, and in view.
    tagged = render(tmp_path, [article(0, image=IMAGE), article(1, image=IMAGE)], "tags/world/").xpath("//article/img")
    assert [img.get("loading") for img in tagged] == [None, "lazy"]
    assert [img.get("sizes") for img in tagged] == cards[0].xpath("img/@sizes") + cards[1].xpath("img/@sizes")
    # An author's page is their work in order: no lead, its first picture in view all the same.
    by = render(tmp_path, [article(0, image=IMAGE, authors=AUTHORS[:1]), article(1, image=IMAGE, authors=AUTHORS[:1])], "authors/ada-quay/")
    assert by.xpath("//article/@class") == ["card", "card"] and by.xpath("//article/img/@loading") == ["lazy"]
    assert by.xpath("//article/img/@sizes") == cards[1].xpath("img/@sizes") * 2
    assert cards[0].xpath("img/@srcset") == ["/images/harbour-480.jpg 480w, /images/harbour-800.jpg 800w, /images/harbour.jpg 1200w"]
    assert cards[0].xpath("p[@class='meta']")[0].text_content().startswith("By Ada Quay and Bo Li · ")


def test_json_ld_escapes_text_that_could_end_the_script(tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script> & 'x'"
    page = render(tmp_path, [article(0, title=hostile, summary=hostile)], "2024/06/a0/")
    (script,) = page.xpath("//script")
    assert "<" not in script.text and json.loads(script.text)["headline"] == hostile


def test_an_article_page_depends_on_the_titles_of_others_not_their_text() -> None:
    """What an article page shows of other articles is in its context: an edit to another
    article's text leaves its key alone; a new article changes only the pages beside it."""
    articles = [article(n, related=("Title 5",)) for n in range(10)]

    def contexts(items: list[Article]) -> dict[str, str]:
        pages: list[Page] = plan_pages(build_site(items, Config()))
        return {p.path: value_digest(dict(p.context)) for p in pages if p.template == "article.html"}

    before = contexts(articles)
    edited = [msgspec.structs.replace(a, body=b"<p>New text</p>", source_hash="x") if a.slug == "a5" else a for a in articles]
    after = contexts(edited)
    assert {p for p in before if before[p] != after[p]} == {"2024/06/a5/"}
    added = contexts([*articles, article(-1)])  # newer than every other
    assert {p for p in before if before[p] != added[p]} == {"2024/06/a0/"}
    page = next(p for p in plan_pages(build_site(articles, Config())) if p.path == "2024/06/a3/")
    assert page.context["related"] == (Link("Title 5", "2024/06/a5/"),)


_EDITS = {
    "text": lambda a, word: {"body": f"<p>{word}</p>".encode()},
    "title": lambda a, word: {"title": word},
    "tags": lambda a, word: {"tags": (Tag(word, word.lower()),)},
    "related": lambda a, word: {"related": (word, "Title 2")},
    "origin": lambda a, word: {"origin": f"{word} https://example.com/{len(word)}"},
    "language": lambda a, word: {"language": "de" if a.language != "de" else ""},
    "former title": lambda a, word: {"former_titles": (word,)},
    "date": lambda a, word: {"published": a.published - dt.timedelta(hours=30 * len(word))},
}
_LEDGER_EDITS = ("former title", "date")


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 7), st.sampled_from(sorted(_EDITS)), st.sampled_from(["Title 3", "Title 5", "Floods", "Rates", "title 6."]))
def test_an_article_pages_quick_key_is_equal_only_when_its_key_is(which: int, edit: str, word: str) -> None:
    """The build keeps an article page whose quick key (made without its context) is as it
    was, without working out its key: an edit to any article must change the quick key of
    every page whose key it changes (deps.article_page_key against deps.page_key)."""
    articles = [article(n, related=("Title 5",), tags=(Tag("World", "world"),) if n % 2 else (Tag("Asia", "asia"),)) for n in range(8)]
    # What the ledger gives (a former title, a date it moved) changes no file: nor its source_hash.
    made_from = "edited"
    edited = [
        msgspec.structs.replace(a, source_hash=a.source_hash if edit in _LEDGER_EDITS else made_from, **_EDITS[edit](a, word)) if n == which else a
        for n, a in enumerate(articles)
    ]

    def keys(items: list[Article]) -> dict[str, tuple[str, str]]:
        digests = Digests(Config())
        pages = [p for p in plan_pages(build_site(items, Config())) if p.template == "article.html"]
        found = {}
        for page in pages:
            assert isinstance(page.context, ArticleContext)
            quick = article_page_key("t", page, "e", page.context.article, page.context.neighbourhood, ("config.title",), digests)
            found[page.path] = (quick, page_key("t", page, "e", ("config.title",), digests))
        return found

    before, after = keys(articles), keys(edited)
    for path in before.keys() & after.keys():
        if before[path][0] == after[path][0]:
            assert before[path][1] == after[path][1], (edit, path)
    if edit == "text":  # what no other page shows: every other page keeps its quick key
        assert [path for path in before if before[path][0] != after[path][0]] == [articles[which].path]


def test_a_rebuild_after_an_edit_makes_the_context_of_the_edited_articles_page_alone(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article page's context is made when read: the build after an edit to one article's
    text reads the context of that article's page, not of every article's."""
    site = make_site(content={f"a{n}.md": article_md(f"Story {n}", date=f"2024-05-{n + 1:02d}T09:00:00+00:00", body=f"Text {n}.") for n in range(6)})
    assert build(site).ok
    made: list[int] = []
    context = site_mod._Neighbours.context
    monkeypatch.setattr(site_mod._Neighbours, "context", lambda self, index: made.append(index) or context(self, index))
    (site / "content" / "a2.md").write_text(article_md("Story 2", date="2024-05-03T09:00:00+00:00", body="Text 2, longer now."), encoding="utf-8")
    report = build(site, jobs=1)
    assert report.ok and report.parsed == 1
    assert made == [3]  # newest first: Story 5, 4, 3, 2...
    assert "Text 2, longer now." in (site / "output" / "2024" / "05" / "a2" / "index.html").read_text(encoding="utf-8")


def test_an_articles_summary_leaves_out_its_scripts_and_styles(make_site: MakeSite) -> None:
    body = '<style>.chart { fill: red }</style>\n\nThe vote was close.\n\n<script>drawChart("results")</script>\n\nRecount on Monday.'
    site = make_site(content={"a.md": article_md("Vote", body=body)}, config='sanitize_html = "off"\n')
    assert build(site).ok
    doc = parse(site / "output" / "2024" / "05" / "a" / "index.html")
    assert meta(doc, "description") == ["The vote was close. Recount on Monday."]
    assert json_ld(doc)["description"] == "The vote was close. Recount on Monday."


def test_a_summary_that_is_the_texts_own_opening_is_not_shown_above_it(make_site: MakeSite) -> None:
    """The importer's summary, and the one worked out for an article without one, repeat the
    text's first lines: a standfirst of them would say them twice. One written apart is shown."""
    body = "The *harbour* cranes stood still on Monday &amp; Tuesday.\n\nA second paragraph follows it."
    site = make_site(
        content={
            "none.md": article_md("None", body=body),
            "own.md": article_md("Own", date="2024-05-02T09:00:00+00:00", body=body, summary="'Cranes idle for two days.'"),
            "same.md": article_md("Same", date="2024-05-03T09:00:00+00:00", body=body, summary="'The harbour cranes stood still on Monday & Tuesday. A second…'"),
        }
    )
    assert build(site).ok
    out = site / "output" / "2024" / "05"

    def standfirst(slug: str) -> list[str]:
        return lxml_html.fromstring((out / slug / "index.html").read_text(encoding="utf-8")).xpath("//p[@class='standfirst']/text()")

    assert standfirst("none") == [] and standfirst("same") == []
    assert standfirst("own") == ["Cranes idle for two days."]
    # The summary still describes the page to search engines and shared links.
    doc = lxml_html.fromstring((out / "none" / "index.html").read_text(encoding="utf-8"))
    assert doc.xpath("//meta[@name='description']/@content")[0].startswith("The harbour cranes stood still on Monday & Tuesday.")



@pytest.mark.parametrize(
    "body",
    [
        "The cranes stood still[^1] on Monday.\n\nA second paragraph.\n\n[^1]: Both of them.",
        "<table><tr><th>Party<th>Seats<tr><td>Red<td>12</table>\n\nThe count ended at noon.",
        "The embed code:\n\n    <div class=\"x\"></div>\n\nPaste it as is.",
    ],
    ids=["footnote mark", "table cells", "code block"],
)
@pytest.mark.parametrize("sanitize", ["feeds", "everywhere", "off"])
def test_a_summary_worked_out_from_the_text_is_never_shown_above_it(make_site: MakeSite, body: str, sanitize: str) -> None:
    """The summary leaves out footnote marks and code, and reads cells as words apart: the
    text it is the start of is read so too (a footnote mark in the first sentence made the
    whole opening a standfirst, said twice). Sanitised, the marks lose the class that says
    what they are: the summary is read before (it had "stood still1 on Monday")."""
    site = make_site(content={"a.md": article_md("A", body=body)}, config=f'sanitize_html = "{sanitize}"\n')
    assert build(site).ok
    doc = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_text(encoding="utf-8"))
    assert doc.xpath("//p[@class='standfirst']") == []
    assert not re.search(r"[0-9]\b.*on Monday|<|Partyseats", doc.xpath("//meta[@name='description']/@content")[0])

def test_every_page_names_the_sites_icon(make_site: MakeSite) -> None:
    """Without one, browsers ask every page view for /favicon.ico, a 404 in every log."""
    site = make_site(content={"a.md": article_md("A")}, config='base_url = "https://example.org/news/"\n')
    assert build(site).ok
    out = site / "output"
    for name in ("index.html", "2024/05/a/index.html", "404.html", "tags/index.html"):
        [href] = lxml_html.fromstring((out / name).read_text(encoding="utf-8")).xpath("//link[@rel='icon']/@href")
        assert re.fullmatch(r"/news/static/favicon\.[0-9a-f]+\.svg", href), href
        assert (out / href.removeprefix("/news/")).read_bytes().startswith(b"<svg")


def masthead(page: Path) -> list[tuple[str, str, str | None]]:
    nav = lxml_html.parse(str(page)).find(".//nav[@class='site-nav']")
    return [(" ".join(a.text_content().split()), a.get("href"), a.get("aria-current")) for a in nav.iterfind(".//a")]


def test_the_sections_lead_the_masthead_and_mark_the_one_a_reader_is_in(make_site: MakeSite) -> None:
    content = {
        "a.md": article_md("Quake", "2024-05-01T09:00:00+00:00", tags="[Science, world]"),
        "b.md": article_md("Vote", "2024-05-02T09:00:00+00:00", tags="[Politics]"),
        "c.md": article_md("Cat", "2024-05-03T09:00:00+00:00", tags="[Pets]"),
    }
    site = make_site(content=content, config='base_url = "https://example.org/news/"\nsections = ["World", "Politics", "Business"]\n')
    report = build(site)
    # A section no article has is left out, and said so at its line.
    assert report.ok and report.warnings == [f"{site / 'sitegen.toml'}:2: sections: no article has the tag 'Business': it is left out of the masthead until one does"]
    out = site / "output"
    # In the setting's order and spelling ("World" for the tag written "world"), before the site's own pages.
    assert masthead(out / "index.html") == [
        ("World", "/news/tags/world/", None),
        ("Politics", "/news/tags/politics/", None),
        ("Archive", "/news/archive/", None),
        ("Tags", "/news/tags/", None),
        ("Subscribe", "/news/subscribe/", None),
        ("Search", "/news/search/", None),
    ]
    # An article is in the section of its first tag that is one; a section's page is the page.
    assert [c for _, _, c in masthead(out / "2024" / "05" / "a" / "index.html")] == ["true", None, None, None, None, None]
    assert [c for _, _, c in masthead(out / "tags" / "world" / "index.html")] == ["page", None, None, None, None, None]
    # Any other tag's page, and an article of no section, are on the tags' side.
    assert [c for _, _, c in masthead(out / "tags" / "pets" / "index.html")] == [None, None, None, "true", None, None]
    assert [c for _, _, c in masthead(out / "2024" / "05" / "c" / "index.html")] == [None] * 6
    for _, href, _ in masthead(out / "index.html"):
        assert (out / href.removeprefix("/news/") / "index.html").is_file(), href


def test_a_sections_front_is_headed_with_its_name_as_a_desk_not_as_a_tag(make_site: MakeSite) -> None:
    content = {f"w{n}.md": article_md(f"World {n}", f"2024-05-{n:02d}T09:00:00+00:00", tags="[world, Pets]") for n in range(1, 4)}
    site = make_site(content=content, config='title = "Daily Test"\nbase_url = "https://example.org/"\npage_size = 2\nsections = ["World"]\n')
    assert build(site).ok
    out = site / "output"

    def heading(path: str) -> tuple[str, str, str]:
        doc = parse(out / path / "index.html")
        return doc.xpath("string(//h1)"), doc.findtext(".//title"), doc.xpath("string(//h1/following-sibling::p[1])").split(":")[0]

    # As the masthead names it, in the setting's spelling: a reader on "World" is not on "Tag: world".
    assert heading("tags/world") == ("World", "World – Daily Test", "Follow this section")
    assert heading("tags/world/page/2") == ("World: page 2", "World: page 2 – Daily Test", "Follow this section")
    # A tag that is no section is still one.
    assert heading("tags/pets") == ("Tag: Pets", "Tag: Pets – Daily Test", "Follow this tag")


def test_an_edit_re_renders_no_page_for_the_sections_and_a_new_section_tag_re_renders_them_all(make_site: MakeSite) -> None:
    content = {f"{n}.md": article_md(f"Story {n}", f"2024-05-{n:02d}T09:00:00+00:00", tags="[World]") for n in range(1, 6)}
    site = make_site(content=content, config='base_url = "https://example.org/"\nsections = ["World", "Business"]\n')
    assert build(site).ok
    (site / "content" / "3.md").write_text(article_md("Story 3", "2024-05-03T09:00:00+00:00", body="Edited.", tags="[World]"))
    edited = build(site)
    assert edited.ok and "2024/05/3/index.html" in edited.written.written
    assert not {"2024/05/1/index.html", "2024/05/5/index.html", "archive/index.html"} & set(edited.written.written)
    # Business gets its first article: every page's masthead gains it.
    (site / "content" / "6.md").write_text(article_md("Deal", "2024-05-06T09:00:00+00:00", tags="[business]"))
    grown = build(site)
    assert grown.ok and not any("sections" in w for w in grown.warnings)
    assert "2024/05/1/index.html" in grown.written.written
    assert [name for name, _, _ in masthead(site / "output" / "2024" / "05" / "1" / "index.html")][:2] == ["World", "Business"]


def test_a_sections_front_is_re_rendered_for_an_edit_to_a_story_it_shows_and_no_other(make_site: MakeSite) -> None:
    content = {f"{n}.md": article_md(f"Story {n}", f"2024-05-{n:02d}T09:00:00+00:00", tags="[World]", summary="'Old.'") for n in range(1, 8)}
    content["other.md"] = article_md("Elsewhere", "2024-05-20T09:00:00+00:00", tags="[Sport]")
    site = make_site(content=content, config='base_url = "https://example.org/"\npage_size = 5\nsections = ["World", "Sport"]\n')
    assert build(site).ok
    (site / "content" / "other.md").write_text(article_md("Elsewhere", "2024-05-20T09:00:00+00:00", body="Edited.", tags="[Sport]"))
    edited = build(site)
    assert edited.ok and "2024/05/other/index.html" in edited.written.written
    assert not {p for p in edited.written.written if p.startswith("tags/world/")}
    # Its lead's summary is on it; the page after it is not.
    (site / "content" / "7.md").write_text(article_md("Story 7", "2024-05-07T09:00:00+00:00", tags="[World]", summary="'New.'"))
    lead = build(site)
    assert lead.ok and "tags/world/index.html" in lead.written.written and "tags/world/page/2/index.html" not in lead.written.written
    doc = parse(site / "output" / "tags" / "world" / "index.html")
    assert doc.xpath("//article[@class='card lead']/p[@class='summary']/text()") == ["New."]


def test_the_front_page_trails_each_section_with_its_newest_stories_not_already_on_it(make_site: MakeSite) -> None:
    content = {f"w{n:02d}.md": article_md(f"World {n}", f"2024-05-{n:02d}T09:00:00+00:00", tags="[World]") for n in range(1, 13)}
    content["p.md"] = article_md("Vote", "2024-04-01T09:00:00+00:00", tags="[Politics]")
    content["s.md"] = article_md("Match", "2024-05-20T09:00:00+00:00", tags="[Sport]")
    site = make_site(content=content, config='base_url = "https://example.org/"\npage_size = 5\nsections = ["World", "Politics", "Sport"]\n')
    assert build(site).ok
    out = site / "output"
    front = lxml_html.parse(str(out / "index.html"))
    shown = [a.text for a in front.iterfind(".//div[@class='cards front']//h2/a")]
    assert shown == ["Match", "World 12", "World 11", "World 10", "World 9"]
    sections = {s.findtext("h2/a"): [a.text for a in s.iterfind(".//li/a")] for s in front.iterfind(".//section[@class='front-section']")}
    # Sport has no story the page does not show already: no section of it.
    assert sections == {"World": ["World 8", "World 7", "World 6", "World 5"], "Politics": ["Vote"]}
    for section in front.iterfind(".//section[@class='front-section']"):
        assert section.get("aria-labelledby") == section.find("h2").get("id")
        for link in section.iterfind(".//a"):
            assert (out / link.get("href").lstrip("/") / "index.html").is_file(), link.get("href")
    # Only the front page has them.
    for page in ("page/2/index.html", "tags/world/index.html"):
        assert lxml_html.parse(str(out / page)).find(".//div[@class='fronts']") is None, page


CORRECTIONS = (
    "\n  - date: 2024-05-02"
    "\n    text: An earlier version misstated the depth of the new berth. It is 16 metres, not 60."
    "\n  - date: 2024-05-04T10:00:00+02:00"
    "\n    text: 'The mayor <script>alert(1)</script> was misnamed.'"
)


def test_an_article_shows_its_corrections_newest_first_after_its_text(make_site: MakeSite) -> None:
    site = make_site(
        content={"a.md": article_md("Berth opens", slug="a", body="The new berth is open.", corrections=CORRECTIONS), "b.md": article_md("Other", date="2024-05-03T09:00:00+00:00", slug="b")},
        config=f'base_url = "{BASE}"\n',
    )
    assert build(site).ok
    doc = parse(site / "output" / "2024" / "05" / "a" / "index.html")
    (box,) = doc.xpath("//article/aside[@class='corrections']")
    # After the text, before the tags.
    assert box.getprevious().xpath("string(.//div[@class='body'])").strip() == "The new berth is open."
    assert box.xpath("string(h2)") == "Corrections" and box.get("aria-labelledby") == box.xpath("h2/@id")[0]
    items = box.xpath("ul/li")
    assert [li.xpath("time/@datetime")[0] for li in items] == ["2024-05-04T10:00:00+02:00", "2024-05-02T00:00:00+00:00"]
    assert [li.xpath("string(time)") for li in items] == ["4 May 2024", "2 May 2024"]
    # Text, escaped: the <script> written in it is shown, never run.
    assert items[0].xpath("string(span)") == "The mayor <script>alert(1)</script> was misnamed."
    assert not doc.xpath("//script[not(@type='application/ld+json')]")
    assert json_ld(doc)["correction"] == [
        {"@type": "CorrectionComment", "text": "The mayor <script>alert(1)</script> was misnamed.", "datePublished": "2024-05-04T10:00:00+02:00"},
        {"@type": "CorrectionComment", "text": "An earlier version misstated the depth of the new berth. It is 16 metres, not 60.", "datePublished": "2024-05-02T00:00:00+00:00"},
    ]
    # None: no box, no data.
    other = parse(site / "output" / "2024" / "05" / "b" / "index.html")
    assert not other.xpath("//aside[@class='corrections']") and "correction" not in json_ld(other)
    # Listings and cards are unchanged: a correction belongs to the story's page.
    shown = [p.relative_to(site / "output").as_posix() for p in sorted((site / "output").rglob("*.html")) if "misstated" in p.read_text()]
    assert shown == ["2024/05/a/index.html"]


def test_one_correction_in_a_translated_site_is_headed_in_its_language(make_site: MakeSite) -> None:
    one = "\n  - date: 2024-05-02\n    text: Der Name war falsch geschrieben."
    site = make_site(content={"a.md": article_md("Kai eröffnet", slug="a", corrections=one)}, config='language = "de"\n')
    assert build(site).ok
    doc = parse(site / "output" / "2024" / "05" / "a" / "index.html")
    assert doc.xpath("string(//aside[@class='corrections']/h2)") == "Korrektur"
    assert doc.xpath("string(//aside[@class='corrections']//time)") == "2. Mai 2024"


def test_a_sites_own_article_template_builds_without_showing_corrections(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", slug="a", corrections=CORRECTIONS)})
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text('{% extends "base.html" %}{% block content %}<h1>{{ article.title }}</h1>{{ article.html | safe }}{% endblock %}\n')
    report = build(site)
    assert report.ok, report.errors
    assert "misstated" not in (site / "output" / "2024" / "05" / "a" / "index.html").read_text()


def test_an_article_can_be_shared_by_email_and_on_social_media_without_loading_anything(make_site: MakeSite) -> None:
    from urllib.parse import parse_qs, urlsplit

    title = "Tides & cranes: 'the port' #1?"
    site = make_site(content={"a.md": article_md(title, slug="tides")}, config='base_url = "https://example.org/news/"\n')
    assert build(site).ok
    doc = parse(site / "output" / "2024" / "05" / "tides" / "index.html")
    links = {a.text_content(): a.get("href") for a in doc.xpath("//p[@class='share']/a")}
    assert list(links) == ["Email", "Facebook", "X", "Bluesky", "WhatsApp", "LinkedIn"]
    address = "https://example.org/news/2024/05/tides/"

    def query(link: str) -> dict[str, list[str]]:
        return parse_qs(urlsplit(link).query)

    # Each names the article's address and its headline whole, its & and # kept as text.
    assert links["Email"].startswith("mailto:?") and query(links["Email"]) == {"subject": [title], "body": [address]}
    assert query(links["Facebook"]) == {"u": [address]}
    assert query(links["X"]) == {"url": [address], "text": [title]}
    assert query(links["Bluesky"]) == query(links["WhatsApp"]) == {"text": [f"{title} {address}"]}
    assert query(links["LinkedIn"]) == {"url": [address]}
    # Links, not scripts or frames: nothing of a platform's loads with the page.
    assert not doc.xpath("//script[@src] | //iframe | //img[contains(@src, '//')]")


def test_a_theme_adds_to_an_articles_structured_data_and_keeps_the_rest(tmp_path: Path) -> None:
    """``news_article(article)`` is the data the theme writes, as a mapping a site's own
    article.html may add keys to."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text(
        '{% extends "theme/article.html" %}{% block head %}<script type="application/ld+json">{{ dict(news_article(article), genre="Opinion") | tojson }}</script>{% endblock %}\n'
    )
    site = build_site([article(0, authors=AUTHORS, image=IMAGE)], Config(title="Model News", base_url=BASE))
    page = next(p for p in plan_pages(site) if p.path == "2024/06/a0/")
    (script,) = lxml_html.fromstring(Renderer(site, Theme(tmp_path, Inputs())).render(page)[0]).xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["genre"] == "Opinion" and data["headline"] == "Title 0" and data["@type"] == "NewsArticle"
    assert [a["url"] for a in data["author"]] == [BASE + "authors/ada-quay/", BASE + "authors/bo-li/"]
    assert data["image"]["creditText"] == "Photo: Desk" and data["publisher"]["name"] == "Model News"

"""Standalone pages (front matter ``page: true``: About, Contact, Privacy): rendered with
the theme at their own address, linked from every page's footer, and never news (no feed,
listing, archive, news sitemap, ledger or search index)."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import MakeSite, article_md, page_md
from lxml import html as lxml_html
from PIL import Image

from sitegen.build import BuildReport, build
from sitegen.ledger import LEDGER_NAME

BASE = "https://news.example.org/"
CONFIG = f'title = "Daily Test"\nbase_url = "{BASE}"\n'


def parse(path: Path) -> Any:
    return lxml_html.fromstring(path.read_bytes())


def footer(doc: Any) -> list[tuple[str, str, str | None]]:
    """The footer's page links: text, href and aria-current."""
    return [(a.text_content(), a.get("href"), a.get("aria-current")) for a in doc.xpath("//footer//nav//a")]


def built(report: BuildReport) -> BuildReport:
    assert report.ok, report.errors
    return report


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    content = {
        "story.md": article_md("A story", tags="[World]"),
        "about.md": page_md("About us", body="We are a *newsroom*.\n\n## Who we are\n\nPeople.", order=2, summary="'Who makes the Daily Test.'"),
        "contact.md": page_md("Contact", body="Write to us.", order=1),
        "privacy.md": page_md("Privacy", body="We keep nothing."),
        "corrections.md": page_md("Corrections policy", body="We correct errors.", updated="'2024-06-01T10:00:00+00:00'"),
    }
    site = make_site(content=content, config=CONFIG)
    built(build(site))
    return site


def test_a_page_is_rendered_with_the_theme_at_its_own_address_and_is_not_news(site: Path) -> None:
    out = site / "output"
    assert not (out / "2024" / "05" / "about").exists()
    doc = parse(out / "about" / "index.html")
    assert [h.text_content() for h in doc.xpath("//h1")] == ["About us"]
    body = doc.xpath("//main//div[@class='body']")[0]
    assert body.xpath(".//em")[0].text == "newsroom" and body.xpath(".//h3/@id") == ["who-we-are"]  # as an article's body
    assert doc.xpath("//p[@class='standfirst']")[0].text == "Who makes the Daily Test."
    assert doc.xpath("//meta[@name='description']/@content") == ["Who makes the Daily Test."]
    # No date, byline, tags, related headlines, "More in" or neighbours: it is not a story.
    assert not doc.xpath("//main//time | //*[@class='byline'] | //*[@class='tags'] | //*[@class='more'] | //*[@class='article-nav']")
    (data,) = [json.loads(s.text) for s in doc.xpath("//script[@type='application/ld+json']")]
    assert data["@type"] == "WebPage" and data["url"] == BASE + "about/" and "datePublished" not in data
    assert doc.xpath("//link[@rel='canonical']/@href") == [BASE + "about/"]


def test_pages_are_in_the_sitemap_only(site: Path) -> None:
    out = site / "output"
    pages = {BASE + p for p in ("about/", "contact/", "privacy/", "corrections/")}
    for feed in ("atom.xml", "rss.xml", "tags/world/atom.xml"):
        links = {e.link for e in feedparser.parse((out / feed).read_bytes()).entries}
        assert links == {BASE + "2024/05/story/"}, feed
    assert [item["url"] for item in json.loads((out / "feed.json").read_text())["items"]] == [BASE + "2024/05/story/"]
    listings = ("index.html", "archive/2024/05/index.html", "tags/world/index.html", "authors/index.html")
    for listing in (p for p in listings if (out / p).exists()):
        doc = parse(out / listing)
        assert not {a.get("href") for a in doc.xpath("//main//a")} & {"/about/", "/contact/", "/privacy/", "/corrections/"}, listing
    news = (out / "news-sitemap.xml").read_text()
    assert "about/" not in news and "2024/05/story/" in news
    sitemap = lxml_html.etree.fromstring((out / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in sitemap.iterfind("s:url", ns)}
    assert pages <= set(entries)
    # A page that gives no date has no last change to give; one that gives its update, that.
    assert entries[BASE + "about/"] is None and entries[BASE + "corrections/"] == "2024-06-01T10:00:00+00:00"
    # Never numbered, dated or recorded as published.
    ledger = json.loads((site / "content" / LEDGER_NAME).read_text())
    assert "about" not in json.dumps(ledger) and len(ledger["articles"]) == 1
    # Nor searched: the search page finds stories, each shown with its date and tags.
    indexed = [gzip.decompress(fragment.read_bytes()) for fragment in sorted((out / "pagefind").rglob("*.pf_fragment"))]
    assert [json.loads(data[data.index(b"{") :])["meta"]["title"] for data in indexed] == ["A story"]


def test_every_page_links_the_pages_in_the_footer_in_the_editors_order(site: Path) -> None:
    out = site / "output"
    expected = [("Contact", "/contact/"), ("About us", "/about/"), ("Corrections policy", "/corrections/"), ("Privacy", "/privacy/")]
    for path in ("index.html", "2024/05/story/index.html", "tags/index.html", "archive/index.html", "404.html", "about/index.html"):
        links = footer(parse(out / path))
        assert [(text, href) for text, href, _ in links] == expected, path
        current = [href for _, href, mark in links if mark == "page"]
        assert current == (["/about/"] if path == "about/index.html" else []), path


def step(site: Path) -> tuple[BuildReport, set[str]]:
    """An incremental build and the HTML files it wrote."""
    out = site / "output"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    time.sleep(0.01)
    report = built(build(site))
    return report, {p.relative_to(out).as_posix() for p in out.rglob("*.html") if before.get(p) != p.stat().st_mtime_ns}


def test_an_edit_to_a_pages_text_rerenders_that_page_alone_and_a_new_title_every_page(site: Path) -> None:
    about = site / "content" / "about.md"
    about.write_text(about.read_text().replace("People.", "People, and more people."))
    _, written = step(site)
    assert written == {"about/index.html"}
    assert "more people" in (site / "output" / "about" / "index.html").read_text()
    every = {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*.html")}
    about.write_text(about.read_text().replace("title: 'About us'", "title: 'About the Daily Test'"))
    _, written = step(site)
    assert written == every
    assert footer(parse(site / "output" / "index.html"))[1][0] == "About the Daily Test"
    (site / "content" / "privacy.md").unlink()
    _, written = step(site)
    assert written == every - {"privacy/index.html"} and not (site / "output" / "privacy").exists()
    assert "/privacy/" not in [href for _, href, _ in footer(parse(site / "output" / "index.html"))]


def test_a_page_where_the_site_or_an_article_has_its_address_is_an_error_naming_the_file(make_site: MakeSite) -> None:
    content = {"story.md": article_md("A story", slug="about"), "about.md": page_md("About us"), "tags.md": page_md("Tags", slug="tags")}
    site = make_site(content=content, config=CONFIG + 'permalink = "{slug}/"\n')
    report = build(site)
    said = {(Path(e.path).name, e.line, e.message) for e in report.errors}
    assert ("story.md", 4, "URL /about/ is already used by content/about.md; change 'slug'") in said
    assert any(name == "tags.md" and line == 4 and "would overwrite /tags/index.html" in message for name, line, message in said), said
    out = site / "output"
    assert "We are" not in (out / "tags" / "index.html").read_text()
    assert [text for text, _, _ in footer(parse(out / "index.html"))] == ["About us"]


def test_a_draft_page_is_published_only_by_a_preview_with_drafts(make_site: MakeSite) -> None:
    site = make_site(content={"story.md": article_md("A story"), "terms.md": page_md("Terms", draft="true")}, config=CONFIG)
    report = built(build(site))
    assert report.drafts == 1 and not (site / "output" / "terms").exists()
    assert not footer(parse(site / "output" / "index.html"))
    preview = built(build(site, site / "preview", overrides={"drafts": True}))
    assert preview.drafts == 0 and (site / "preview" / "terms" / "index.html").is_file()
    assert footer(parse(site / "preview" / "index.html")) == [("Terms", "/terms/", None)]


def test_a_pages_pictures_are_copied_as_an_articles_are(make_site: MakeSite) -> None:
    site = make_site(content={"story.md": article_md("A story"), "about.md": page_md("About us", body="Our office:\n\n![The office](office.png)")}, config=CONFIG)
    Image.new("RGB", (640, 480), "navy").save(site / "content" / "office.png")
    built(build(site))
    (img,) = parse(site / "output" / "about" / "index.html").xpath("//main//img")
    assert img.get("src").startswith("../images/") and (img.get("width"), img.get("height")) == ("640", "480")
    assert (site / "output" / "about" / img.get("src")).resolve().is_file()


def test_a_shared_page_shows_its_picture_as_a_shared_article_does(make_site: MakeSite) -> None:
    """A standalone page with an image had no og:image, twitter:image:alt or large X card,
    as an article has: a link to it shared on social media showed no picture. Its card names
    the largest copy of 1200 pixels or more, with its size and alt text; a page without an
    image gets X's small card, as an article without one does."""

    def content() -> dict[str, str]:
        front = {"image": "office.jpg", "image_alt": "'The newsroom at night'", "image_credit": "'Photo: Staff'"}
        return {"story.md": article_md("A story"), "about.md": page_md("About us", **front), "contact.md": page_md("Contact")}

    def meta(doc: Any, name: str) -> list[str]:
        return list(doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content"))

    sites = [make_site(content=content(), config=CONFIG, name=name) for name in ("site", "again")]
    for site in sites:
        Image.new("RGB", (2400, 1600), "navy").save(site / "content" / "office.jpg")
        built(build(site))
    out = sites[0] / "output"
    doc = parse(out / "about" / "index.html")
    [url] = meta(doc, "og:image")
    assert url.startswith(BASE + "images/") and url.endswith("/office-1600w.jpg")
    with Image.open(out / url.removeprefix(BASE)) as shown:
        assert shown.size == (1600, 1067)
    assert (meta(doc, "og:image:width"), meta(doc, "og:image:height"), meta(doc, "og:image:alt")) == (["1600"], ["1067"], ["The newsroom at night"])
    assert (meta(doc, "twitter:card"), meta(doc, "twitter:image:alt")) == (["summary_large_image"], ["The newsroom at night"])
    contact = parse(out / "contact" / "index.html")
    assert (meta(contact, "twitter:card"), meta(contact, "og:image"), meta(contact, "twitter:image:alt")) == (["summary"], [], [])
    # Two clean builds of the same input: the same bytes.
    trees = [{p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()} for site in sites]
    assert trees[0] == trees[1]


@pytest.mark.parametrize(
    ("meta", "said"),
    [
        ({"page": "'yes'"}, "about.md:3: page: must be true or false, not 'yes': write it without quotes"),
        ({"page": "true", "order": "first"}, "about.md:4: order: must be a whole number, such as 1 or 10, not 'first'"),
    ],
)
def test_a_page_flag_or_order_that_is_not_one_is_an_error_naming_the_line(make_site: MakeSite, meta: dict[str, str], said: str) -> None:
    lines = ["---", "title: About", *(f"{k}: {v}" for k, v in meta.items()), "---", "", "Text."]
    site = make_site(content={"about.md": "\n".join(lines) + "\n"}, config=CONFIG)
    report = build(site)
    assert [f"{Path(e.path).name}:{e.line}: {e.message}" for e in report.errors] == [said]


def test_what_files_a_story_is_ignored_on_a_page_with_a_warning(make_site: MakeSite) -> None:
    site = make_site(content={"about.md": page_md("About us", tags="[World]", author="Jane Doe")}, config=CONFIG)
    report = built(build(site))
    assert any(w.endswith("about.md:4: tags: a page (page: true) has none; it is ignored") for w in report.warnings), report.warnings
    assert any(w.endswith("about.md:5: author: a page (page: true) has none; it is ignored") for w in report.warnings), report.warnings
    assert not (site / "output" / "tags" / "world").exists() and not (site / "output" / "authors" / "jane-doe").exists()


def test_a_page_in_another_language_marks_its_own_words_as_an_article_does(make_site: MakeSite) -> None:
    """An Impressum on an English site: its title, standfirst and text are marked as German
    (and an Arabic page's as right to left), the theme's words around them are not."""
    site = make_site(
        content={
            "impressum.md": page_md("Impressum", body="Verantwortlich: die Redaktion.", language="de", summary="'Wer wir sind.'"),
            "arabic.md": page_md("من نحن", body="نحن غرفة أخبار.", language="ar"),
            "about.md": page_md("About us"),
        },
        config='base_url = "https://example.org/"\n',
    )
    built(build(site))
    page = parse(site / "output" / "impressum" / "index.html")
    assert page.xpath("/html/@lang") == ["en"]
    assert page.xpath("//h1/parent::div/@lang") == ["de"] and page.xpath("//p[@class='standfirst']/@lang") == ["de"]
    assert page.xpath("//div[div[@class='body']]/@lang") == ["de"]
    assert json.loads(page.xpath("string(//script[@type='application/ld+json'])"))["inLanguage"] == "de"
    arabic = parse(site / "output" / "arabic" / "index.html")
    assert arabic.xpath("//h1/parent::div/@dir") == ["rtl"] and arabic.xpath("//div[div[@class='body']]/@lang") == ["ar"]
    about = parse(site / "output" / "about" / "index.html")
    assert about.xpath("//h1/parent::div/@lang") == [] and about.xpath("//h1/parent::div/@dir") == ["auto"]
    assert json.loads(about.xpath("string(//script[@type='application/ld+json'])"))["inLanguage"] == "en"

"""Site gathering and the pages it plans: author pages and feeds."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from conftest import MakeSite, article_md
from lxml import html as lxml_html

from sitegen.build import build
from sitegen.check import check_output

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

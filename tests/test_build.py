from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, seed_text
from lxml import etree
from lxml import html as lxml_html

from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import Config
from sitegen.theme import default_theme_dir

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _unzipped(data: bytes) -> bytes:
    return gzip.decompress(data) if data.startswith(b"\x1f\x8b") else data


def many_articles(n: int, tags: str = "[politics]") -> dict[str, str]:
    return {
        f"a{i:02d}.md": article_md(f"Story {i:02d}", date=f"2024-0{1 + i % 3}-{1 + i:02d}T09:00:00+00:00", tags=tags)
        for i in range(n)
    }


def test_sample_site_has_every_page(make_site: MakeSite) -> None:
    site = make_site(sample=True, config='title = "Test News"\nbase_url = "https://example.org/"\n')
    report = build(site)
    assert report.ok and report.articles == 1
    out = site / "output"
    for name in ("index.html", "404.html", "archive/index.html", "tags/index.html", "subscribe/index.html", "atom.xml", "rss.xml", "feed.json", "sitemap.xml", "robots.txt", "static/style.css", "static/feed.xsl"):
        assert (out / name).is_file(), name
    pages = list(out.glob("2026/01/*/index.html"))
    assert len(pages) == 1

    doc = lxml_html.fromstring(pages[0].read_bytes())
    assert doc.get("lang") == "en"
    assert doc.findtext(".//title").startswith("North Koreas remarkable")
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical == "https://example.org/2026/01/north-koreas-remarkable-improvement-in-missile-tech-that-cant-be-ignored/"
    alternates = {link.get("type"): link.get("href") for link in doc.xpath("//link[@rel='alternate']")}
    assert alternates == {
        "application/atom+xml": "https://example.org/atom.xml",
        "application/rss+xml": "https://example.org/rss.xml",
        "application/feed+json": "https://example.org/feed.json",
    }
    assert doc.xpath("//meta[@name='description']/@content")[0].startswith("The possibility that North Korea")
    assert len(doc.xpath("//div[@class='body']/p")) == 10
    assert "READ MORE" not in pages[0].read_text()
    assert len(doc.xpath("//aside[@class='related']//li")) == 4

    home = lxml_html.fromstring((out / "index.html").read_bytes())
    assert home.xpath("//article//h2/a/@href") == ["/2026/01/north-koreas-remarkable-improvement-in-missile-tech-that-cant-be-ignored/"]

    sitemap = etree.parse(str(out / "sitemap.xml"))
    locs = sitemap.xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert canonical in locs and "https://example.org/" in locs
    assert all(loc.startswith("https://example.org/") for loc in locs)
    assert "Sitemap: https://example.org/sitemap.xml" in (out / "robots.txt").read_text()


def test_pages_are_well_formed_html5(make_site: MakeSite) -> None:
    site = make_site(sample=True, content=many_articles(3))
    build(site)
    parser = etree.HTMLParser(recover=False)
    for page in (site / "output").rglob("*.html"):
        text = page.read_text()
        assert text.startswith("<!DOCTYPE html>"), page
        doc = etree.fromstring(page.read_bytes(), parser)
        assert doc.find("head/title") is not None and doc.find("head/meta[@charset]") is not None, page
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), page


def test_pagination_tags_and_archive(make_site: MakeSite) -> None:
    site = make_site(content=many_articles(25), config="page_size = 10\n")
    assert build(site).ok
    out = site / "output"
    home = lxml_html.fromstring((out / "index.html").read_bytes())
    titles = home.xpath("//article/h2/a/text()")
    assert len(titles) == 10
    assert home.xpath("//link[@rel='next']/@href") == ["/page/2/"]
    page3 = lxml_html.fromstring((out / "page/3/index.html").read_bytes())
    assert len(page3.xpath("//article")) == 5
    assert page3.xpath("//a[@rel='prev']/@href") == ["/page/2/"]
    assert not (out / "page/4").exists()
    # Every article exactly once across the home pages, newest first.
    listed = [t for n in ("index.html", "page/2/index.html", "page/3/index.html") for t in lxml_html.fromstring((out / n).read_bytes()).xpath("//article/h2/a/text()")]
    assert sorted(listed) == sorted(f"Story {i:02d}" for i in range(25)) and len(listed) == 25
    dates = [t for n in ("index.html", "page/2/index.html", "page/3/index.html") for t in lxml_html.fromstring((out / n).read_bytes()).xpath("//article//time/@datetime")]
    assert dates == sorted(dates, reverse=True)

    tag = lxml_html.fromstring((out / "tags/politics/index.html").read_bytes())
    assert tag.xpath("string(//h1)") == "Tag: politics"
    assert (out / "tags/politics/page/3/index.html").is_file()
    tags = lxml_html.fromstring((out / "tags/index.html").read_bytes())
    assert tags.xpath("//ul[@class='tag-list']/li/a/@href") == ["/tags/politics/"]

    # The archive: months by year with their counts, and a page per month.
    archive = lxml_html.fromstring((out / "archive/index.html").read_bytes())
    assert archive.xpath("//h2/a/text()") == ["2024"]
    months = archive.xpath("//ul[@class='archive-months']/li")
    assert [li.xpath("string(a)") for li in months] == ["March 2024", "February 2024", "January 2024"]
    assert [li.xpath("a/@href")[0] for li in months] == ["/archive/2024/03/", "/archive/2024/02/", "/archive/2024/01/"]
    counts = [int(li.xpath("string(span[@class='count'])").split()[0]) for li in months]
    listed = []
    for li, count in zip(months, counts, strict=True):
        page = lxml_html.fromstring((out / li.xpath("a/@href")[0].strip("/") / "index.html").read_bytes())
        assert page.xpath("//h1/text()") == [li.xpath("string(a)")]
        titles = page.xpath("//ul[@class='archive-list']/li/a/text()")
        assert len(titles) == count
        listed += titles
    assert sorted(listed) == sorted(f"Story {i:02d}" for i in range(25))
    march = lxml_html.fromstring((out / "archive/2024/03/index.html").read_bytes())
    assert march.xpath("//link[@rel='next']/@href") == ["/archive/2024/02/"] and not march.xpath("//link[@rel='prev']")
    assert march.xpath("//nav[@class='pager']/a/text()") == ["February 2024 →"]
    assert "/archive/2024/02/</loc><lastmod>" in (out / "sitemap.xml").read_text()
    # The anchors of the single archive page of earlier versions still lead to their month.
    assert archive.xpath("//li[@id='y2024-02']/a/@href") == ["/archive/2024/02/"]
    # A month's address shortened to its year's is a page of that year's months.
    assert archive.xpath("//h2/a/@href") == ["/archive/2024/"]
    year = lxml_html.fromstring((out / "archive/2024/index.html").read_bytes())
    assert year.xpath("//h1/text()") == ["2024"]
    assert year.xpath("//ul[@class='archive-months']/li/a/@href") == ["/archive/2024/03/", "/archive/2024/02/", "/archive/2024/01/"]
    assert march.xpath("//p[@class='meta']/a/@href") == ["/archive/", "/archive/2024/"]


def test_sub_path_site(make_site: MakeSite) -> None:
    site = make_site(sample=True, content=many_articles(2), config='base_url = "https://example.org/news"\n')
    assert build(site).ok
    out = site / "output"
    for page in out.rglob("*.html"):
        doc = lxml_html.fromstring(page.read_bytes())
        # But an article's share links, which go to the platforms' forms (naming its address under the path).
        for href in doc.xpath("//a[not(parent::p[@class='share'])]/@href | //link/@href"):
            assert href.startswith(("/news/", "https://example.org/news/", "#")), (page, href)  # "#main": within the page
    assert "https://example.org/news/sitemap.xml" in (out / "robots.txt").read_text()
    locs = etree.parse(str(out / "sitemap.xml")).xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert all(loc.startswith("https://example.org/news/") for loc in locs)


def test_rebuilds_are_byte_identical_and_write_nothing(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(sample=True, content=many_articles(12))
    first = build(site)
    digest = tree_digest(site / "output")
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    second = build(site)
    assert tree_digest(site / "output") == digest
    assert second.written.written == [] and second.written.removed == []
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes
    # A second, fresh site from the same input gives the same bytes.
    other = make_site(sample=True, content=many_articles(12), name="again")
    build(other)
    assert tree_digest(other / "output") == digest
    assert first.written.written


def test_a_build_with_nothing_to_do_loads_none_of_the_libraries_of_the_work(make_site: MakeSite) -> None:
    # A fresh interpreter, as a no-op build in CI runs: importing Jinja2, Markdown, feedgen,
    # lxml, YAML and planning would cost it more than it spends looking at the site.
    site = make_site(sample=True, content=many_articles(3))
    build(site)
    script = "import sys; from sitegen.cli import main; sys.argv = ['sitegen', 'build', '-q', '--site', sys.argv[1]]\ntry: main()\nexcept SystemExit: print(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "sitegen.build" in loaded and "sitegen.memo" in loaded  # it did run
    heavy = {"jinja2", "markdown", "feedgen", "lxml", "yaml", "frontmatter", "slugify", "PIL", "brotli", "babel", "sitegen.plan", "sitegen.render", "sitegen.content", "sitegen.feeds"}
    assert loaded & heavy == set()


def test_removed_article_leaves_no_files_behind(make_site: MakeSite) -> None:
    site = make_site(content=many_articles(12), config="page_size = 10\n")
    build(site)
    (site / "output" / "unrelated.txt").write_text("mine")  # not ours: never deleted
    victim = site / "content" / "a03.md"
    victim.unlink()
    report = build(site)
    # Without a slug in front matter the file name is the slug.
    assert "2024/01/a03/index.html" in report.written.removed
    assert not list((site / "output").rglob("a03"))
    assert (site / "output" / "page" / "2" / "index.html").is_file()  # 11 articles left
    (site / "content" / "a04.md").unlink()
    build(site)
    assert not (site / "output" / "page" / "2").exists()
    assert (site / "output" / "unrelated.txt").read_text() == "mine"


def test_bad_seed_among_good_ones_is_reported_and_the_rest_built(make_site: MakeSite) -> None:
    site = make_site(
        sample=True,
        seeds={
            "001_00000000000000b1.txt": b"Broken\n\nbad \xff byte\n",
            "002_00000000000000b2.txt": b"",
            "003_00000000000000b3.txt": seed_text("A good one", "Fine text."),
        },
        content={"broken.md": "---\ntitle: [unclosed\n---\nx\n", "nodate.md": "---\ntitle: x\n---\n"},
    )
    report = build(site)
    assert not report.ok
    messages = sorted(str(e) for e in report.errors)
    assert len(messages) == 4
    assert any("001_00000000000000b1.txt:3" in m and "UTF-8" in m for m in messages)
    assert any("002_00000000000000b2.txt" in m and "empty" in m for m in messages)
    assert any("broken.md:2" in m and "YAML" in m for m in messages)
    assert any("nodate.md" in m and "no date" in m for m in messages)
    assert report.articles == 2
    assert len(list((site / "output").glob("[0-9]*/*/*/index.html"))) == 2


def test_duplicate_ids_and_urls_are_errors(make_site: MakeSite) -> None:
    site = make_site(
        content={
            "a.md": article_md("One", id="urn:x:1", slug="same"),
            "b.md": article_md("Two", id="urn:x:1", slug="other"),
            "c.md": article_md("Three", id="urn:x:3", slug="same"),
        }
    )
    report = build(site)
    messages = [str(e) for e in report.errors]
    assert any("b.md" in m and "urn:x:1" in m and "a.md" in m for m in messages)
    assert any("c.md" in m and "already used" in m for m in messages)
    assert report.articles == 1


def test_two_files_of_one_name_without_ids_are_told_to_give_one_an_id(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """``content/sport/results.md`` and ``content/politics/results.md``: both ids are made
    from the name ``results``."""
    site = make_site()
    for folder, title in (("politics", "Vote results"), ("sport", "Match results")):
        (site / "content" / folder).mkdir()
        (site / "content" / folder / "results.md").write_text(article_md(title, slug=folder))
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert error.startswith("error: content/sport/results.md: id 'urn:uuid:")
    assert error.endswith("(made from its file's name: it has no 'id'; give it one of its own) is already used by content/politics/results.md; ids must be unique")


def test_a_duplicate_names_both_files_alike(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file from the site's folder, wherever sitegen runs: not one short and one absolute."""
    site = make_site(content={"b.md": article_md("Two", id="urn:x:1", slug="two"), "c.md": article_md("Three", id="urn:x:3", slug="one")})
    (site / "content" / "2024").mkdir()
    (site / "content" / "2024" / "a.md").write_text(article_md("One", id="urn:x:1", slug="one"))
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error: ")] == [
        "error: content/b.md:4: id 'urn:x:1' is already used by content/2024/a.md; ids must be unique: give this file an id of its own,"
        " or delete its 'id:' line and sitegen makes one from the file's name",
        "error: content/c.md:5: URL /2024/05/one/ is already used by content/2024/a.md; change 'slug'",
    ]
    monkeypatch.chdir(site.parent)
    result = runner.invoke(main, ["build", "--site", "site"])
    assert "error: site/content/b.md:4: id 'urn:x:1' is already used by content/2024/a.md; ids must be unique" in result.output


def test_nothing_is_written_outside_output_and_content(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(sample=True, content={"evil.md": article_md("Evil", slug="'../../../escape'")})
    before = {p for p in tmp_path.rglob("*")}
    report = build(site)
    after = {p for p in tmp_path.rglob("*")}
    new = after - before
    allowed = [site / "output", site / "content", site / ".sitegen-cache"]
    assert all(any(p.is_relative_to(a) for a in allowed) for p in new), new
    assert any("evil.md" in str(e) and "slug" in str(e) for e in report.errors)


def test_site_templates_override_the_theme_file_by_file(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "404.html").write_text('{% extends "base.html" %}{% block content %}<p id="mine">Lost!</p>{% endblock %}')
    (site / "templates" / "static" / "style.css").write_text("body { color: red; }")
    assert build(site).ok
    assert lxml_html.fromstring((site / "output" / "404.html").read_bytes()).xpath("//p[@id='mine']/text()") == ["Lost!"]
    assert (site / "output" / "static" / "style.css").read_text() == "body { color: red; }"
    assert (site / "output" / "index.html").is_file()  # the theme still provides the rest


def test_pages_kept_from_search_engines_stay_so_under_a_sites_own_base_html(make_site: MakeSite) -> None:
    """A base.html copied from an older theme has no robots block: the 404 and search pages
    still say noindex, once."""
    site = make_site(sample=True)
    own = (default_theme_dir() / "base.html").read_text()
    block = """{% block robots %}<meta name="robots" content="{{ 'noindex' if config.noindex else 'max-image-preview:large' }}">{% endblock %}\n"""
    assert block in own
    for base in (own, own.replace(block, "")):
        (site / "templates").mkdir(exist_ok=True)
        (site / "templates" / "base.html").write_text(base)
        assert build(site).ok
        for page in ("404.html", "search/index.html"):
            doc = lxml_html.fromstring((site / "output" / page).read_bytes())
            assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"], (page, base is own)


def robots_of(out: Path) -> tuple[set[str], list[str]]:
    """What every HTML page's robots tags say (the page left out where it says noindex of
    its own: 404 and search), and the sitemaps robots.txt names."""
    said: set[str] = set()
    for page in out.rglob("*.html"):
        if page.name != "404.html" and "search" not in page.parts:
            said.update(lxml_html.fromstring(page.read_bytes()).xpath("//meta[@name='robots']/@content"))
    sitemaps = [line for line in (out / "robots.txt").read_text().splitlines() if line.startswith("Sitemap:")]
    return said, sitemaps


def test_a_preview_and_a_staging_site_ask_search_engines_to_leave_them_out(make_site: MakeSite, tmp_path: Path) -> None:
    """A preview host is public: a preview's pages (drafts included) say noindex, and its
    robots.txt names no sitemap, but lets crawlers in to read the tag; the site's own build
    keeps its pages indexable. ``noindex = true`` makes a staging site's own build one too."""
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00", draft="true")})
    assert build(site).ok
    said, sitemaps = robots_of(site / "output")
    assert said == {"max-image-preview:large"} and [line.rsplit("/", 1)[1] for line in sitemaps] == ["sitemap.xml", "news-sitemap.xml"]
    for overrides in ({"base_url": "https://preview.example.net/"}, {"drafts": True}, {"future": True}, {"relative": True}):
        out = tmp_path / "-".join(overrides)
        assert build(site, out, overrides=overrides).ok
        assert robots_of(out) == ({"noindex"}, []), overrides
        assert "Allow: /" in (out / "robots.txt").read_text()
    assert (tmp_path / "drafts" / "2024" / "05" / "b" / "index.html").is_file()
    with (site / "sitegen.toml").open("a") as f:
        f.write("noindex = true\n")
    assert build(site).ok
    assert robots_of(site / "output") == ({"noindex"}, [])


def test_the_404_page_names_no_canonical_address(make_site: MakeSite) -> None:
    """It is served for any missing address: it has none of its own (the others keep theirs)."""
    site = make_site(sample=True)
    assert build(site).ok
    missing = lxml_html.fromstring((site / "output" / "404.html").read_bytes())
    assert missing.xpath("//link[@rel='canonical']") == [] and missing.xpath("//meta[@name='robots']/@content") == ["noindex"]
    home = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    assert home.xpath("//link[@rel='canonical']/@href") == ["http://localhost:8000/"]  # the default base_url


def test_template_error_names_the_template_and_line(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("line one\n{% if %}\n")
    report = build(site)
    assert any("404.html:2" in str(e) for e in report.errors)
    assert (site / "output" / "index.html").is_file()


def test_permalink_pattern(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("Hello World", date="2024-05-07T01:00:00+00:00")}, config='permalink = "news/{year}/{month}/{day}/{slug}.html"\n')
    assert build(site).ok
    assert (site / "output" / "news/2024/05/07/a.html").is_file()


def test_article_url_colliding_with_a_site_page_is_an_error_not_a_crash(make_site: MakeSite) -> None:
    site = make_site(
        content={"a.md": article_md("Archive", slug="archive"), "b.md": article_md("Fine", slug="fine")},
        config='permalink = "{slug}/"\n',
    )
    report = build(site)
    assert [str(e) for e in report.errors if "a.md" in str(e) and "archive/index.html" in str(e)]
    archive = lxml_html.fromstring((site / "output" / "archive" / "index.html").read_bytes())
    assert archive.xpath("//h1/text()") == ["Archive"]
    assert archive.xpath("//ul[@class='archive-months']/li/span/text()") == ["1 article"]
    assert (site / "output" / "fine" / "index.html").is_file()


@pytest.mark.parametrize("title", ["Tags", "Search", "Archive", "Subscribe"])
def test_an_article_whose_page_a_site_page_takes_is_left_out_of_the_whole_site(make_site: MakeSite, runner: CliRunner, title: str) -> None:
    """Refused, it was still listed, in the feeds, the sitemap (the site's page twice), the
    search index and the ledger, all linking to the site's own page as if it were the story.
    (Slugged by hand: the import and `sitegen new` choose no such slug.)"""
    slug = title.lower()
    content = {"a.md": article_md(title, slug=slug, body="Unique words zebra quokka."), "b.md": article_md("Fine", slug="fine", body="Other text.")}
    site = make_site(content=content, config='permalink = "{slug}/"\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    source = site / "content" / "a.md"
    line = source.read_text().splitlines().index(f"slug: {slug}") + 1
    assert [x for x in result.output.splitlines() if x.startswith("error: ")] == [
        f"error: {source}:{line}: its page would overwrite /{slug}/index.html, which the site needs: left out of the site; change 'slug'"
    ]
    out = site / "output"
    assert (out / "fine" / "index.html").is_file()
    # Its text is in no listing, feed or search index file (Pagefind's are gzipped).
    named = [p for p in out.rglob("*") if p.is_file() and p.suffix != ".br" and b"zebra" in _unzipped(p.read_bytes())]
    assert named == []
    sitemap = etree.fromstring((out / "sitemap.xml").read_bytes())
    locs = sitemap.xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert len(locs) == len(set(locs))
    assert feedparser.parse((out / "atom.xml").read_bytes()).entries[0].title == "Fine"
    assert len(feedparser.parse((out / "atom.xml").read_bytes()).entries) == 1
    ledger = (site / "content" / ".sitegen-updated.json").read_text()
    assert ledger.count('"seq"') == 1
    # A rebuild with nothing changed says the same and writes nothing; a clean build agrees.
    again = runner.invoke(main, ["build", "--site", str(site)])
    assert again.exit_code == 1 and "(0 written, 0 removed)" in again.output
    before = tree_digest(out)
    shutil.rmtree(site / CACHE_DIR)
    shutil.rmtree(out)
    build(site)
    assert tree_digest(out) == before


def test_a_published_article_whose_page_a_site_page_now_takes_is_left_out_and_comes_back(make_site: MakeSite) -> None:
    """Its permalink changed under it: there is no page of it to keep (the site's page is
    at its address), so it is left out too; the ledger keeps its number for its return."""
    site = make_site(content={"a.md": article_md("Tags", slug="tags"), "b.md": article_md("Fine", slug="fine", date="2024-05-02T09:00:00+00:00")})
    assert build(site).ok
    ledger = site / "content" / ".sitegen-updated.json"
    numbered = ledger.read_text()
    (site / "sitegen.toml").write_text('permalink = "{slug}/"\n')
    report = build(site)
    assert [e.line for e in report.errors] == [4] and report.articles == 1
    assert b"Tags" not in (site / "output" / "atom.xml").read_bytes()
    assert ledger.read_text().count('"seq"') == 2
    (site / "content" / "a.md").write_text(article_md("Tags", slug="tag-list"))
    assert build(site).ok
    assert b"tag-list/" in (site / "output" / "atom.xml").read_bytes()
    seqs = {key: entry["seq"] for key, entry in json.loads(ledger.read_text())["articles"].items()}
    assert seqs == {key: entry["seq"] for key, entry in json.loads(numbered)["articles"].items()}


@pytest.mark.parametrize(("permalink", "slug", "taken"), [("{slug}.txt", "robots", "robots.txt"), ("{slug}.xml", "sitemap", "sitemap.xml")])
def test_an_article_needing_a_folder_where_the_site_has_a_file_is_the_same_error(
    make_site: MakeSite, runner: CliRunner, permalink: str, slug: str, taken: str
) -> None:
    """The page would be robots.txt/index.html, with robots.txt the site's own file: said
    as a collision, not as the write failing ("Not a directory")."""
    content = {"a.md": article_md("Rules", slug=slug), "b.md": article_md("Fine", slug="fine")}
    site = make_site(content=content, config=f'permalink = "{permalink}"\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error: ")] == [
        f"error: {site / 'content' / 'a.md'}:4: its page would overwrite /{taken}, which the site needs: left out of the site; change 'slug'"
    ]
    fine = "fine" + taken.removeprefix(slug)  # fine.txt/: the other article has its page
    assert (site / "output" / taken).is_file() and (site / "output" / fine / "index.html").is_file()


HASHED = "which only the site's own files named by their hash go in (hosts keep them a year)"


@pytest.mark.parametrize(("folder", "why"), [("images", HASHED), ("files", HASHED), ("pagefind", "which only the search index goes in")])
def test_nothing_but_its_own_files_goes_in_the_folders_kept_for_them(make_site: MakeSite, runner: CliRunner, folder: str, why: str) -> None:
    """_headers tells hosts to keep everything in images/ and files/ a year unasked: an
    article page there (slug "images", permalink "{slug}/"), an alias's redirect or a root
    file would have stayed as it was for a year after it changed. The search index's
    files are planned once Pagefind has named them, after every other: none may be in
    their folder."""
    content = {
        "a.md": article_md("Pictures", slug=folder),
        "b.md": article_md("Fine", slug="fine", date="2024-05-02T09:00:00+00:00").replace("title:", f"aliases: [{folder}/old]\ntitle:", 1),
    }
    site = make_site(content=content, config='permalink = "{slug}/"\n')
    (site / "templates" / "public" / folder).mkdir(parents=True)
    (site / "templates" / "public" / folder / "logo.txt").write_text("logo\n")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    said = [line for line in result.output.splitlines() if line.startswith(("error: ", "warning: "))]
    source = site / "content" / "a.md"
    line = source.read_text().splitlines().index(f"slug: {folder}") + 1
    hashed = f"/{folder}/, {why}"
    assert f"error: {source}:{line}: its page would be in {hashed}: left out of the site; change 'slug'" in said
    assert f"error: {site / 'templates' / 'public' / folder / 'logo.txt'}: not copied: it would be in {hashed}" in said
    assert f"warning: {site / 'content' / 'b.md'}:2: aliases: no redirect from '{folder}/old/': the site's own '{folder}/' is there and wins; remove the alias" in said
    kept = site / "output" / folder
    assert not any((kept / name).exists() for name in ("index.html", "logo.txt", "old"))
    assert not kept.exists() or {p.name for p in kept.iterdir()} == {"1"}  # the search index's one part
    assert (site / "output" / "fine" / "index.html").is_file()
    assert b"Pictures" not in (site / "output" / "atom.xml").read_bytes()


def test_a_failed_page_keeps_its_last_good_version_with_no_cache_and_so_do_the_static_files_it_links_to(make_site: MakeSite) -> None:
    """The cache deleted (or last used by a preview build into another folder): the pages
    a broken template fails on stayed in place only with a record of them, and were
    removed otherwise, every page at once for an error in base.html. And a page kept with a
    link to a static file is not left pointing at nothing when that file goes."""
    site = make_site(content={"a.md": article_md("Story")})
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "extra.js").write_text("let a = 1;\n")
    base = (Path(__file__).parent.parent / "templates" / "base.html").read_text()
    (site / "templates" / "base.html").write_text(base.replace("</head>", "<script src=\"{{ 'static/extra.js' | asset }}\"></script>\n</head>", 1))
    assert build(site).ok
    out = site / "output"
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    [script] = [p for p in before if re.fullmatch(r"static/extra\.[0-9a-f]{8}\.js", p)]  # what the pages link to
    (site / "templates" / "static" / "extra.js").unlink()  # base.html now names a file that is not there
    shutil.rmtree(site / CACHE_DIR)
    report = build(site)
    assert not report.ok and report.written.removed == []
    pages = [p for p in before if p.endswith(".html")]
    assert pages and set(report.failed) >= set(pages)
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {p: after.get(p) for p in pages} == {p: before[p] for p in pages}
    assert after.get(script) == before[script]  # the pages kept still link to it
    # Put right, the next build renders the pages again and lets the script go.
    (site / "templates" / "base.html").write_text(base)
    report = build(site)
    assert report.ok and script in report.written.removed and not (out / script).exists()


def test_a_template_typo_keeps_the_last_good_pages(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-0{i + 1}T09:00:00+00:00", tags="[world]") for i in range(3)})
    assert build(site).ok
    out = site / "output"
    listings = ["index.html", "tags/world/index.html"]
    before = {p: (out / p).read_bytes() for p in listings}
    theme_cards = (Path(__file__).parent.parent / "templates" / "cards.html").read_text()
    (site / "templates").mkdir()
    (site / "templates" / "cards.html").write_text(theme_cards.replace("{% for article in pagination.articles %}", "{% for article in pagination.articles %\n", 1))
    (site / "content" / "a0.md").write_text(article_md("Story 0, corrected", date="2024-05-01T09:00:00+00:00", tags="[world]"))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"templates/cards\.html:\d+: template error", result.output), result.output
    # Every listing keeps its last good version; the article page is updated.
    assert {p: (out / p).read_bytes() for p in listings} == before
    assert "Story 0, corrected" in (out / "2024" / "05" / "a0" / "index.html").read_text()
    # And a build after it, the typo still there, keeps them too.
    again = build(site)
    assert again.failed and {p: (out / p).read_bytes() for p in listings} == before
    assert not again.written.removed
    # Fixed, the next build renders the listings again.
    (site / "templates" / "cards.html").write_text(theme_cards)
    assert build(site).ok
    assert "Story 0, corrected" in (out / "index.html").read_text()


def test_a_new_article_whose_page_fails_is_left_out_until_it_can_be_made(make_site: MakeSite, runner: CliRunner) -> None:
    """Published, a feed entry for a page that is not there reaches subscribers for good: a
    new article whose page cannot be made is left out, as one that cannot be read is, and
    nothing (listings, feeds, sitemaps, its neighbours, a new tag's or month's pages) names
    it or a page made for it alone. A build after the fix publishes it."""
    site = make_site(content={"old.md": article_md("Old", tags="[world]")}, config='base_url = "https://example.org/"\nsearch = false\n')
    assert build(site).ok
    out = site / "output"
    theme = (Path(__file__).parent.parent / "templates" / "article.html").read_text()
    (site / "templates").mkdir()
    # Only the new article's page fails: its neighbour's page, and every listing, render.
    (site / "templates" / "article.html").write_text('{% if article.slug == "new" %}{{ 1 / 0 }}{% endif %}' + theme)
    (site / "content" / "new.md").write_text(article_md("New", date="2024-06-02T09:00:00+00:00", tags="[fresh]"))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = [line for line in result.output.splitlines() if line.startswith(("error: ", "warning: "))]
    assert said[0] == f"warning: {site / 'content' / 'new.md'}: left out of the site (no listing, feed or sitemap names it) until its page can be made"
    assert re.fullmatch(r"error: \S*templates/article\.html:1: cannot render /2024/06/new/: ZeroDivisionError: .*", said[1]), said
    assert len(said) == 2
    assert not (out / "2024" / "06").exists() and not (out / "tags" / "fresh").exists() and not (out / "archive" / "2024" / "06").exists()
    assert not [p for p in out.rglob("*") if p.is_file() and b"/new/" in p.read_bytes()]
    assert check_output(out, Config(base_url="https://example.org/")) == []
    # Still failing: still left out; a clean build agrees.
    again = build(site)
    assert not again.ok and not (out / "2024" / "06").exists()
    shutil.rmtree(site / CACHE_DIR)
    shutil.rmtree(out)
    clean = build(site)
    assert not clean.ok and clean.articles == 1 and check_output(out, Config(base_url="https://example.org/")) == []
    # Fixed: the article, its tag and month, and every file naming them are published.
    (site / "templates" / "article.html").write_text(theme)
    assert build(site).ok
    assert (out / "2024" / "06" / "new" / "index.html").is_file() and (out / "tags" / "fresh" / "index.html").is_file()
    for name in ("index.html", "tags/index.html", "atom.xml", "rss.xml", "feed.json", "sitemap.xml", "news-sitemap.xml", "2024/05/old/index.html"):
        assert b"/new/" in (out / name).read_bytes() or b"fresh" in (out / name).read_bytes(), name
    assert check_output(out, Config(base_url="https://example.org/")) == []


def test_a_template_typo_for_every_article_page_leaves_out_the_new_ones_only(make_site: MakeSite) -> None:
    site = make_site(content={"old.md": article_md("Old")}, config="search = false\n")
    assert build(site).ok
    out = site / "output"
    before = (out / "atom.xml").read_bytes()
    theme = (Path(__file__).parent.parent / "templates" / "article.html").read_text()
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(theme + "{% if x %}\n")
    (site / "content" / "new.md").write_text(article_md("New", date="2024-05-02T09:00:00+00:00"))
    report = build(site)
    # The old article keeps its last good page, and stays listed; the new one is left out.
    assert not report.ok and report.articles == 1
    assert (out / "atom.xml").read_bytes() == before and (out / "2024" / "05" / "old" / "index.html").is_file()
    (site / "templates" / "article.html").write_text(theme)
    assert build(site).ok and b"/2024/05/new/" in (out / "atom.xml").read_bytes()


def test_a_month_is_one_archive_page_whatever_the_offsets_of_its_dates(make_site: MakeSite) -> None:
    """Ordered by instant, a story at 00:30+02:00 on June 1 comes between two May stories:
    May is still one month, and each story is in the month its date shows."""
    site = make_site(
        content={
            "late.md": article_md("Late May", date="2024-05-31T23:00:00+00:00"),
            "june.md": article_md("First of June", date="2024-06-01T00:30:00+02:00"),
            "mid.md": article_md("Mid May", date="2024-05-10T10:00:00+00:00"),
        }
    )
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    archive = lxml_html.fromstring((out / "archive/index.html").read_bytes())
    assert archive.xpath("//ul[@class='archive-months']/li/a/text()") == ["June 2024", "May 2024"]
    may = lxml_html.fromstring((out / "archive/2024/05/index.html").read_bytes())
    assert may.xpath("//ul[@class='archive-list']/li/a/text()") == ["Late May", "Mid May"]
    assert may.xpath("//link[@rel='prev']/@href") == ["/archive/2024/06/"] and not may.xpath("//link[@rel='next']")


def test_hidden_files_in_content_and_seeds_are_not_read(make_site: MakeSite, runner: CliRunner) -> None:
    """An Emacs lock (.#story.md, a link to nowhere), a hidden file or folder: none is an
    article or a seed, and none fails the build."""
    site = make_site(
        content={"story.md": article_md("Story")},
        seeds={".#001_00000000000000aa.txt": seed_text("Hidden seed", "Text.")},
        config='base_url = "https://example.org/"\n',  # not this machine's, which a build warns of
    )
    (site / "content" / ".#story.md").symlink_to("user@host.12345:1700000000")
    (site / "content" / ".hidden.md").write_text(article_md("Hidden"), encoding="utf-8")
    (site / "content" / ".drafts").mkdir()
    (site / "content" / ".drafts" / "idea.md").write_text(article_md("Idea"), encoding="utf-8")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert "Built 1 article" in result.output and "warning" not in result.output.lower()
    assert sorted(p.name for p in (site / "content").iterdir() if not p.name.startswith(".")) == ["story.md"]
    out = site / "output"
    assert [e.title for e in feedparser.parse((out / "atom.xml").read_bytes()).entries] == ["Story"]
    assert not any("Hidden" in p.read_text() or "Idea" in p.read_text() for p in out.rglob("*.html"))


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("config.nope.deeper", "config has no attribute 'nope'"),
        ("site.nope", "site has no attribute 'nope'"),
        ("config.titel", "config has no attribute 'titel' (did you mean 'title'?)"),
        ("site.artciles | length", "site has no attribute 'artciles' (did you mean 'articles'?)"),
        ("site.articles[0].titel", "site.articles[0] has no attribute 'titel' (did you mean 'title'?)"),
        ("site.articles[0].author.nam", "site.articles[0].author has no attribute 'nam'"),  # a text: no method of str suggested
        ("{% for a in site.articles %}{{ a.titel }}{% endfor %}", "a has no attribute 'titel' (did you mean 'title'?)"),
        ("site.articles[0] | attr('titel')", "article has no attribute 'titel' (did you mean 'title'?)"),  # no expression: its kind
        ("nope", "'nope' is undefined"),
    ],
)
def test_a_missing_name_is_said_as_the_template_writes_it(make_site: MakeSite, runner: CliRunner, expression: str, said: str) -> None:
    """Not as Python names the object (``UndefinedError: 'sitegen.model.Article object' has
    no attribute 'titel'``), nor as the Recorder standing in for ``site`` and ``config``
    while pages are rendered; with the template and line, and the attribute meant."""
    site = make_site(content={"a.md": article_md("A", tags="[world]")})
    (site / "templates").mkdir()
    template = '{% extends "base.html" %}{% block content %}\n<h1>EXPRESSION</h1>{% endblock %}\n'
    (site / "templates" / "tags.html").write_text(template.replace("EXPRESSION", expression if "{%" in expression else "{{ " + expression + " }}"))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert error == f"error: {site / 'templates' / 'tags.html'}:2: cannot render /tags/: {said}"


def test_a_typo_in_the_article_template_names_the_attribute_meant(make_site: MakeSite, runner: CliRunner) -> None:
    """``{{ article.titel }}`` said ``UndefinedError: 'sitegen.model.Article object' has no attribute 'titel'``."""
    site = make_site(content={"a.md": article_md("A")})
    theme = (Path(__file__).parent.parent / "templates" / "article.html").read_text()
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(theme.replace("<h1>{{ article.title }}</h1>", "<h1>{{ article.titel }}</h1>", 1))
    line = theme[: theme.index("<h1>{{ article.title }}</h1>")].count("\n") + 1
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert error == f"error: {site / 'templates' / 'article.html'}:{line}: cannot render /2024/05/a/: article has no attribute 'titel' (did you mean 'title'?)"


def _tags_page(site: Path, body: str) -> None:
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "tags.html").write_text('{% extends "base.html" %}{% block content %}\n' + body + "{% endblock %}\n")


def test_a_macro_calling_itself_is_named_as_such(make_site: MakeSite, runner: CliRunner) -> None:
    """It was said to be templates including each other, of no file and no line."""
    site = make_site(content={"a.md": article_md("A", tags="[world]")})
    _tags_page(site, "{% macro forever(n) %}{{ forever(n + 1) }}{% endmacro %}\n{{ forever(0) }}")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert re.fullmatch(r"error: \S*templates/tags\.html:2: cannot render /tags/: recursion without end: .*a macro that calls itself", error), error


def test_a_page_too_large_is_an_error_not_a_file(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A loop inside a loop in a template wrote a page of a gigabyte, and the build said nothing."""
    from sitegen import render

    site = make_site(content={"a.md": article_md("A", tags="[world]")})
    monkeypatch.setattr(render, "MAX_PAGE_CHARACTERS", 200_000)
    _tags_page(site, "{% for i in range(100) %}{{ 'x' * 999 }}{% endfor %}")  # under the limit
    assert build(site, jobs=1).ok
    _tags_page(site, "{% for i in range(300) %}{{ 'x' * 999 }}{% endfor %}")
    report = build(site, jobs=1)
    assert [e.reason for e in report.errors] == ["cannot render /tags/: it would be over 200,000 characters"]
    assert (site / "output" / "tags" / "index.html").stat().st_size < 200_000  # the last good page


def test_the_url_filter_leaves_an_address_elsewhere_as_it_is(make_site: MakeSite) -> None:
    """A theme's link that may be the site's or another's: it made /https://... of the latter."""
    links = "<a href=\"{{ 'https://example.com/x' | url }}\">e</a><a href=\"{{ 'mailto:desk@example.org' | url }}\">m</a><a href=\"{{ 'tags/' | url }}\">t</a>"
    site = make_site(content={"a.md": article_md("A", tags="[world]")}, config='base_url = "https://example.org/news/"\n')
    _tags_page(site, links + "<p>{% for tag, articles in site.tags %}{{ tag }}{% endfor %}</p>")
    for args, tags in (((), "/news/tags/"), (("--relative",), "index.html")):
        report = build(site, overrides={"relative": True} if args else None)
        assert report.ok, report.errors
        page = lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes())
        hrefs = page.xpath("//main//a/@href")
        assert hrefs[:3] == ["https://example.com/x", "mailto:desk@example.org", tags], hrefs
        assert page.xpath("//main//p/text()") == ["world"]  # {{ tag }} shows its name


def test_a_file_name_that_is_not_utf8_is_left_out_with_a_warning_or_for_an_article_an_error(make_site: MakeSite, runner: CliRunner) -> None:
    """A name whose bytes are not UTF-8 (Latin-1 from an old archive) crashed every build:
    each step that encoded its path (an id, the cache, the output) failed. Left out, it is
    said; a content file's article is then off the site, which is an error (exit status 1,
    as for a file that cannot be read), not a warning a CI run would pass."""
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Kept", "Text.")}, content={"a.md": article_md("Fine")})
    article = os.fsdecode(bytes(site / "content") + b"/caf\xe9.md")
    bad = {
        os.fsdecode(bytes(site / "seeds") + b"/\xff.txt"): seed_text("T", "B"),
        os.fsdecode(bytes(site / "seeds") + b"/\xfe.TXT"): seed_text("T", "B"),
        article: article_md("Caf"),
        os.fsdecode(bytes(site / "templates" / "static") + b"/\xff.css"): "a {}\n",
    }
    for name, text in bad.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text)
    reason = "not read: the file's name is not valid UTF-8 (its bad bytes are shown as U+FFFD); rename it"
    expected = sorted(f"{os.fsencode(name).decode('utf-8', 'replace')}: {reason}" for name in bad if name != article)
    shown = os.fsencode(article).decode("utf-8", "replace")
    report = build(site)
    assert report.articles == 2 and [str(e) for e in report.errors] == [f"{shown}: {reason}: its articles are off the site until then"]
    said = [w for w in report.warnings if "not valid UTF-8" in w]
    assert said == expected and all("\ufffd" in w for w in said)
    again = build(site)  # replayed by a build with nothing to do
    assert [w for w in again.warnings if "not valid UTF-8" in w] == expected and [str(e) for e in again.errors] == [str(e) for e in report.errors]
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit) and "rename it" in result.output
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 0 and result.exception is None
    # Importing alone says so of the seeds (all it reads).
    result = runner.invoke(main, ["import", "--site", str(site)])
    assert result.exit_code == 0 and result.exception is None
    assert [line.removeprefix("warning: ") for line in result.output.splitlines() if "not valid UTF-8" in line] == [w for w in expected if "/seeds/" in w]
    # Renamed: read, and nothing more to say of them.
    Path(next(iter(bad))).rename(site / "seeds" / "002_0000000000000002.txt")
    Path(article).rename(site / "content" / "cafe.md")
    report = build(site)
    assert report.ok and report.articles == 4 and len([w for w in report.warnings if "not valid UTF-8" in w]) == 2


def _as_unprivileged(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``command`` run so that file permissions hold for it: as root, without the
    capabilities that read any file (setpriv, from util-linux)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root reads every folder, and setpriv is not here to drop that")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300)


def test_a_folder_of_content_that_cannot_be_listed_fails_the_build_and_the_gate(make_site: MakeSite, tmp_path: Path) -> None:
    """Its articles were taken down without a word (exit status 0, and `check --against`
    passed): a folder that cannot be read is an error, as a file that cannot be read is."""
    site = make_site(content={"other.md": article_md("Other")})
    (site / "content" / "politics").mkdir()
    (site / "content" / "politics" / "vote.md").write_text(article_md("Vote result"))
    sitegen = [sys.executable, "-m", "sitegen"]
    assert _as_unprivileged([*sitegen, "build", "--quiet"], site).returncode == 0
    old = tmp_path / "old"
    shutil.copytree(site / "output", old)
    folder = site / "content" / "politics"
    folder.chmod(0)
    try:
        built = _as_unprivileged([*sitegen, "build"], site)
        again = _as_unprivileged([*sitegen, "build"], site)
        gate = _as_unprivileged([*sitegen, "check", "--against", str(old)], site)
    finally:
        folder.chmod(0o755)
    said = "error: content/politics: folder cannot be read: Permission denied; the articles in it are left out of the site until it can be"
    assert built.returncode == 1 and said in built.stderr, built.stderr
    assert again.returncode == 1 and said in again.stderr, again.stderr  # a build with nothing new to do still says it
    assert gate.returncode == 1 and "whether it is taken down is not known while content files cannot be read" in gate.stdout + gate.stderr
    # Readable again: the article is back.
    assert build(site).ok and (site / "output" / "2024" / "05" / "vote" / "index.html").is_file()


@pytest.mark.parametrize("manifest", ["deleted", "damaged"])
def test_with_no_manifest_and_no_cache_the_files_no_build_accounts_for_are_said_once(make_site: MakeSite, runner: CliRunner, manifest: str) -> None:
    """The manifest (what sitegen wrote) lost with the cache: a page taken down since stayed
    published without a word, as the build removes only files it knows it made."""
    content = {"a.md": article_md("Gone soon", slug="gone"), "b.md": article_md("Stays", slug="stays", date="2024-05-02T09:00:00+00:00")}
    site = make_site(content=content, config="compress = false\nsearch = false\n")  # one file an article
    assert build(site).ok
    out = site / "output"
    shutil.rmtree(site / CACHE_DIR)
    if manifest == "deleted":
        (out / ".sitegen-manifest.json").unlink()
    else:
        (out / ".sitegen-manifest.json").write_text("{")
    gone = next(p.relative_to(out).as_posix() for p in out.rglob("index.html") if "/gone/" in p.as_posix())
    (site / "content" / "a.md").unlink()
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0
    [said] = [line for line in result.output.splitlines() if line.startswith(f"warning: {out}:")]
    assert said.startswith(f"warning: {out}: 1 file this build did not make stay ({gone}):") and said.endswith("delete output/ and build again to be sure")
    assert (out / gone).is_file()  # not removed: it may be the owner's
    # Said once: the builds after know what sitegen made (nothing to do, or something).
    again = runner.invoke(main, ["build", "--site", str(site)])
    assert again.exit_code == 0 and "did not make stay" not in again.output
    (site / "content" / "b.md").write_text(article_md("Stays", slug="stays", date="2024-05-02T09:00:00+00:00", body="More."))
    third = runner.invoke(main, ["build", "--site", str(site)])
    assert third.exit_code == 0 and "did not make stay" not in third.output


def test_every_address_of_a_site_with_unicode_slugs_is_right_where_it_goes_out(make_site: MakeSite, runner: CliRunner) -> None:
    """With slugs = "unicode", an article is at 2024/05/انتخابات-البلدية/: the canonical link,
    og:url, the sitemaps, RSS and JSON Feed wrote the address in Arabic letters, where the
    sitemap protocol and RSS ask for a URL (percent-encoded), and the lists of redirects sent
    an article moved there (an index.md slugged by its title, before the site set slugs =
    "unicode") to an address no host could put in a Location header."""
    from urllib.parse import unquote

    from sitegen import urls
    from sitegen.redirects import MAP_FILE, NETLIFY_FILE

    base = "https://news.example.org/ar/"
    site = make_site(content={"two.md": article_md("مباراة", slug="match", tags="[رياضة]", aliases="[قديم/]")}, config=f'language = "ar"\nbase_url = "{base}"\n')
    (site / "content" / "بلدية").mkdir()
    (site / "content" / "بلدية" / "index.md").write_text(article_md("انتخابات البلدية", date="2024-05-02T09:00:00+00:00", body="[خبر](../الحكومة-تعلن/)"))
    assert build(site).ok  # first out in ASCII: 2024/05/ntkhbt-lbldy/
    ids = {e.id for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    (site / "sitegen.toml").write_text(f'language = "ar"\nbase_url = "{base}"\nslugs = "unicode"\n')
    (site / "content" / "two.md").write_text(article_md("مباراة", slug="الحكومة-تعلن", tags="[رياضة]", aliases="[قديم/]"))
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    moved = "2024/05/انتخابات-البلدية/"
    assert (out / moved / "index.html").is_file() and (out / "2024/05/الحكومة-تعلن/index.html").is_file()  # UTF-8 names

    def uri(path: str) -> str:
        return base + urls.encoded_path(path)

    def served(url: str) -> Path:
        """The file a host serves for the absolute URL ``url`` of the site."""
        assert url.isascii() and url.startswith(base), url
        return out / urls.output_file(unquote(url.removeprefix(base)))

    page = lxml_html.fromstring((out / moved / "index.html").read_bytes())
    assert page.xpath("//link[@rel='canonical']/@href") == [uri(moved)]
    assert page.xpath("//meta[@property='og:url']/@content") == [uri(moved)]
    # Links between pages as written, as browsers take them (IRIs), each to a file.
    links = [href for href in page.xpath("//a/@href") if href.startswith("/ar/") and not href.isascii()]
    assert links  # the newer and older stories'
    for href in links:
        assert (out / urls.output_file(href.removeprefix("/ar/"))).is_file(), href
    for name in ("sitemap.xml", "news-sitemap.xml"):
        locs = [e.text or "" for e in etree.parse(out / name).iter("{*}loc")]
        assert uri(moved) in locs, name
        assert all(served(loc).is_file() for loc in locs), name
    atom, rss = (feedparser.parse((out / name).read_bytes()) for name in ("atom.xml", "rss.xml"))
    assert not atom.bozo and not rss.bozo
    assert {e.id for e in atom.entries} == ids  # an entry's id never changes with its address
    assert uri(moved) in [e.link for e in atom.entries] and uri(moved) in [e.link for e in rss.entries]
    assert all(served(e.link).is_file() for e in [*atom.entries, *rss.entries])
    rss_links = [e.text or "" for e in etree.parse(out / "rss.xml").iter("link")]
    assert uri(moved) in rss_links and all(link.isascii() for link in rss_links)
    items = json.loads((out / "feed.json").read_text())["items"]
    assert uri(moved) in [item["url"] for item in items] and all(served(item["url"]).is_file() for item in items)
    tag_feed = feedparser.parse((out / "tags/رياضة/atom.xml").read_bytes())
    assert tag_feed.feed.link == uri("tags/رياضة/") and served(tag_feed.feed.link).is_file()
    # Redirects: from the address the article had in ASCII, and from its alias; and the
    # tag's pages and feeds from the address its name made in ASCII (ledger: tags).
    netlify = (out / NETLIFY_FILE).read_text().splitlines()[1:]
    written = urls.encoded_path("2024/05/الحكومة-تعلن/")  # moved from match/ by its slug: line
    tag = urls.encoded_path("tags/رياضة/")
    assert sorted(netlify) == sorted([
        f"/ar/2024/05/match/ /ar/{written} 301",
        f"/ar/2024/05/ntkhbt-lbldy/ /ar/{urls.encoded_path(moved)} 301",
        f"/ar/{urls.encoded_path('قديم/')} /ar/{written} 301",
        *(f"/ar/tags/ryd/{name} /ar/{tag}{name} 301" for name in ("", "atom.xml", "feed.json", "rss.xml")),
    ])
    nginx = (out / MAP_FILE).read_text(encoding="utf-8")
    assert f'"/ar/2024/05/ntkhbt-lbldy/" "/ar/{urls.encoded_path(moved)}";' in nginx
    assert f'"/ar/قديم/" "/ar/{written}";' in nginx  # nginx matches $uri decoded
    redirect = lxml_html.fromstring((out / "2024/05/ntkhbt-lbldy/index.html").read_bytes())
    assert redirect.xpath("//link[@rel='canonical']/@href") == [uri(moved)]
    # The search page makes a result's link of its site path (new URL(path, base)).
    from test_search import fragments

    found = {f["meta"]["title"]: f["meta"]["url"] for f in fragments(out)}
    assert found["انتخابات البلدية"] == moved and (out / moved / "index.html").is_file()
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 0, result.output  # every link, the text's relative one too, finds its file

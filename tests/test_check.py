from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, no_hang, sitegen_in_little_memory
from hypothesis import given
from hypothesis import strategies as st

from sitegen import urls
from sitegen.build import build
from sitegen.check import _Folder, _site_path, check_output
from sitegen.cli import main
from sitegen.config import Config


def built(make_site: MakeSite) -> Path:
    site = make_site(
        sample=True,
        content={"a.md": article_md("A story", body="See [the other](../b/) and ![x](pic.png).", tags="[World]")},
        config='base_url = "https://example.org/news/"\n',
    )
    assert build(site).ok
    return site


def test_build_check_passes_feeds_and_flags_broken_body_links(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    site = built(make_site)
    # ../b/ and pic.png do not exist: the feeds' content links to them as well (absolute, as
    # feeds need); each link is named once, for the article's page, with the feeds that carry it.
    problems = check_output(site / "output", Config(base_url="https://example.org/news/"))
    assert [p.path for p in problems] == ["2024/05/a/index.html", "2024/05/a/index.html"]
    assert [p.message.split(", and in ")[0] for p in problems] == ["broken link: ../b/", "broken link: pic.png"]
    assert all(re.search(r", and in \d+ feeds$", p.message) for p in problems)
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build", "--check"])
    broken = [line for line in result.output.splitlines() if line.startswith("error:")]
    # The article body itself links to ../b/ and pic.png, which are genuinely missing: named
    # where they are written.
    assert len(broken) == 2 and all(line.startswith("error: content/a.md:7: broken link: ") for line in broken)
    assert any("content/a.md:7: broken link: ../b/ (in 2024/05/a/index.html), and in " in line for line in broken)
    assert result.exit_code == 1


def test_a_broken_link_is_said_once_with_how_many_feeds_carry_it(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "See [here](#nowhere) and [there](/2024/05/b/#nowhere), [here](#nowhere) again."
    site = make_site(
        content={"a.md": article_md("A", tags="[World]", author="Jane", body=body), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00")},
        config='base_url = "https://example.org/"\narchive_size = 1\ncompress = false\n',  # output edited below
    )
    assert build(site).ok
    out = site / "output"
    # The site's, the tag's and the author's feeds, and the first archive: 4 x Atom, RSS, JSON.
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error: ")] == [
        "error: content/a.md:8: broken link: #nowhere (no element with id 'nowhere') (in 2024/05/a/index.html), and in 12 feeds",
        "error: content/a.md:8: broken link: /2024/05/b/#nowhere (no element with id 'nowhere') (in 2024/05/a/index.html), and in 12 feeds",
    ]
    assert "Checked " in result.output and ": 2 problems." in result.output
    # Mended in the page only: the feeds still carry it, named once, by the first of them.
    page = out / "2024" / "05" / "a" / "index.html"
    page.write_text(page.read_text().replace('href="#nowhere"', 'href="#top"').replace("<body", '<body id="top"', 1))
    found = [str(p) for p in check_output(out, Config(base_url="https://example.org/", archive_size=1, compress=False))]
    assert len(found) == 2 and found[0].startswith("2024/05/a/index.html: broken link: /2024/05/b/#nowhere")
    assert re.fullmatch(
        r"atom\.xml: entry \S+: broken link: https://example\.org/2024/05/a/#nowhere \(no element with id 'nowhere'\) in content, and in 11 other feeds",
        found[1],
    ), found


# Line 7 is the body's first: four lines of front matter (title, date, tags) and a blank.
_LINKING = "\n".join(
    [
        "Opening words.",  # 7
        "",
        "See [the old story](/2024/04/gone/) first.",  # 9
        "Then [again](/2024/04/gone/), and [by name][old].",  # 10
        'Or <a href="../../04/html/">this</a>.',  # 11
        "",
        "[old]: https://example.org/2024/04/named/",  # 13
    ]
)


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def test_a_broken_link_in_an_article_is_named_by_its_content_file_and_line(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file to edit, and the line the link is written on (the first, of two; a reference
    link's definition; an HTML link), as it is written: root-relative, absolute, relative.
    Without the build cache, or with the file changed since the build, the page is named."""
    site = make_site(content={"a.md": article_md("A", tags="[World]", body=_LINKING)}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    # In the page's order; the site's feeds and the tag's carry them too.
    assert _errors(result.output) == [
        "error: content/a.md:9: broken link: /2024/04/gone/ (in 2024/05/a/index.html), and in 6 feeds",
        "error: content/a.md:13: broken link: https://example.org/2024/04/named/ (in 2024/05/a/index.html), and in 6 feeds",
        "error: content/a.md:11: broken link: ../../04/html/ (in 2024/05/a/index.html), and in 6 feeds",
    ]
    assert "Checked output: 3 problems." in result.output
    by_page = [
        "error: 2024/05/a/index.html: broken link: /2024/04/gone/, and in 6 feeds",
        "error: 2024/05/a/index.html: broken link: https://example.org/2024/04/named/, and in 6 feeds",
        "error: 2024/05/a/index.html: broken link: ../../04/html/, and in 6 feeds",
    ]
    # A copy of the output folder is no folder the cache's build made: its pages are named.
    shutil.copytree(site / "output", site.parent / "copy")
    assert _errors(runner.invoke(main, ["check", "--output", str(site.parent / "copy")]).output) == by_page
    # Edited since the build, the file would be named at lines its page does not come from.
    (site / "content" / "a.md").write_text(article_md("A", tags="[World]", body="A new first line.\n\n" + _LINKING))
    result = runner.invoke(main, ["check"])
    assert _errors(result.output) == by_page and result.exit_code == 1
    # Built again, then checked with no cache (a CI job that only checks): the pages are named.
    assert build(site).ok
    assert _errors(runner.invoke(main, ["check"]).output)[0] == "error: content/a.md:11: broken link: /2024/04/gone/ (in 2024/05/a/index.html), and in 6 feeds"
    shutil.rmtree(site / ".sitegen-cache")
    result = runner.invoke(main, ["check"])
    assert _errors(result.output) == by_page and result.exit_code == 1



def test_a_page_whose_compressed_copies_went_is_still_named_by_its_content_file(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache names an article's content file while its page is as the build wrote it:
    the page alone, not its compressed copies, which a deploy step may drop (a host that
    serves no Brotli); with them gone, the page was named, as if edited since."""
    site = make_site(content={"a.md": article_md("A", body="See [the old story](/2024/04/gone/).")}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    for copy in (site / "output").rglob("*.br"):
        copy.unlink()
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert _errors(result.output) == ["error: content/a.md:6: broken link: /2024/04/gone/ (in 2024/05/a/index.html), and in 3 feeds"], result.output

def test_a_link_of_a_template_or_a_listing_keeps_naming_its_page(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a link of the article's own text is the article's: one the theme puts on its page,
    and one on a listing, are to be put right there."""
    site = make_site(
        content={"a.md": article_md("A", tags="[World]", body="See [the old story](/2024/04/gone/).")},
        config='base_url = "https://example.org/"\ncompress = false\n',  # output edited below
    )
    story = (Path(__file__).parent.parent / "templates" / "story.html").read_text()
    (site / "templates").mkdir()
    (site / "templates" / "story.html").write_text(story + '<p><a href="/2024/04/gone/">Also</a> <a href="/from-the-theme/">here</a></p>\n')
    assert build(site).ok
    home = site / "output" / "index.html"
    home.write_text(home.read_text().replace("</main>", '<a href="/2024/04/gone/">x</a></main>', 1))
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert _errors(result.output) == [
        # The article's and the theme's link to one address, said once, for the article's text.
        "error: content/a.md:7: broken link: /2024/04/gone/ (in 2024/05/a/index.html), and in 6 feeds",
        "error: 2024/05/a/index.html: broken link: /from-the-theme/",
        "error: index.html: broken link: /2024/04/gone/",
    ]


def test_check_finds_each_kind_of_problem(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T00:00:00+00:00")})
    assert build(site).ok
    out = site / "output"
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0

    atom = (out / "atom.xml").read_text()
    ids = re.findall(r"<entry>.*?<id>(.*?)</id>", atom, re.DOTALL)
    atom = atom.replace(f"<id>{ids[1]}</id>", f"<id>{ids[0]}</id>")
    atom = atom.replace("<published>2024-05-01T09:00:00+00:00</published>", "<published>2024-05-01T09:00:00</published>")
    atom = atom.replace("&lt;p&gt;Body text.", '&lt;p&gt;&lt;a href="/relative/"&gt;x&lt;/a&gt;Body text.', 1)
    (out / "atom.xml").write_text(atom)
    doc = json.loads((out / "feed.json").read_text())
    doc["items"][0].pop("date_published")
    (out / "feed.json").write_text(json.dumps(doc))
    (out / "index.html").write_text((out / "index.html").read_text().replace("/archive/", "/nowhere/", 1))
    (site / "sitegen.toml").write_text("feed_max_bytes = 1000\n")

    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1
    text = result.output
    assert f"atom.xml: duplicate entry id {ids[0]}" in text
    assert f"atom.xml: entry {ids[0]}" in text and "published is missing or has no time zone: '2024-05-01T09:00:00'" in text
    assert "relative URL '/relative/' in content" in text
    assert "feed.json: entry" in text and "date_published is missing" in text
    assert "index.html: broken link: /nowhere/" in text
    assert "rss.xml:" in text and "over the budget of 1,000 (feed_max_bytes)" in text


def test_check_without_output_says_what_to_do(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1 and "run `sitegen build` first" in result.output


def test_check_flags_markup_that_could_run_script(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A", body="Body text.")}, config="compress = false\n")  # output edited below
    assert build(site).ok
    out = site / "output"
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0

    page = out / "2024" / "05" / "a" / "index.html"
    html = page.read_text()
    # A script of the site's own templates, outside the article, is not a problem.
    html = html.replace("</head>", "<script>var analytics = 1;</script></head>", 1)
    html = html.replace(
        "<p>Body text.</p>",
        '<p>Body text.</p><script>alert(1)</script><img src="data:," onerror="alert(2)">'
        '<a href=" JaVa&#x09;Script:alert(3)">x</a><a href="https://example.com/?q=javascript:">fine</a>',
        1,
    )
    page.write_text(html)
    atom = (out / "atom.xml").read_text()
    (out / "atom.xml").write_text(atom.replace("&lt;p&gt;Body text.", "&lt;p onclick='alert(4)'&gt;Body text.", 1))
    rss = (out / "rss.xml").read_text()
    rss = rss.replace("<description>Body text.</description>", "<description>&lt;script&gt;alert(5)&lt;/script&gt;</description>", 1)
    (out / "rss.xml").write_text(rss.replace("&lt;p&gt;Body text.", "&lt;form action='javascript:alert(6)'&gt;&lt;/form&gt;&lt;p&gt;Body text.", 1))
    doc = json.loads((out / "feed.json").read_text())
    doc["items"][0]["content_html"] += "<svg><script>alert(7)</script></svg>"
    (out / "feed.json").write_text(json.dumps(doc))

    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1 and "2024/05/a/index.html: unsafe markup in an article: <script> element" in result.output
    problems = check_output(out, Config())
    found = [(p.path, p.message.split(": ", 1)[1] if p.path != "2024/05/a/index.html" else p.message) for p in problems]
    assert sorted(found) == [
        ("2024/05/a/index.html", "unsafe markup in an article: <script> element"),
        ("2024/05/a/index.html", "unsafe markup in an article: event handler attribute onerror= on <img>"),
        ("2024/05/a/index.html", "unsafe markup in an article: javascript: URL in <a href>"),
        ("atom.xml", "unsafe markup in content: event handler attribute onclick= on <p>"),
        ("feed.json", "unsafe markup in content_html: <script> element"),
        ("rss.xml", "unsafe markup in content:encoded: javascript: URL in <form action>"),
        ("rss.xml", "unsafe markup in description: <script> element"),
    ]
    assert all(p.message.startswith("entry urn:uuid:") for p in problems if p.path != "2024/05/a/index.html")


def test_a_link_that_is_not_a_url_is_named_not_a_crash(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib raises ValueError on "//[oops" (a bracket that opens no IPv6 address): the feeds
    keep it as written and ``sitegen check`` names the files that carry it."""
    site = make_site(content={"a.md": article_md("A story", body="See [this](//[oops) and [that](b/).")}, config='base_url = "https://example.org/"\n')
    report = build(site)
    assert report.ok, report.errors
    feed = (site / "output" / "atom.xml").read_text()
    assert 'href="//[oops"' in feed.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    assert "https://example.org/2024/05/a/b/" in feed
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1 and not isinstance(result.exception, ValueError), result.output
    assert "content/a.md:6: link '//[oops' cannot be parsed as a URL (Invalid IPv6 URL) (in 2024/05/a/index.html)" in result.output
    # What the feeds cannot resolve is the article's text too: named by its file and line,
    # then the first feed that carries it, once for all of them.
    assert "error: content/a.md:6: URL '//[oops' that cannot be parsed (Invalid IPv6 URL) (in atom.xml), and in 2 other feeds" in result.output.splitlines()
    assert "entry urn:" not in result.output
    # What the article's text does not hold is the feed's own (edited by hand): the feed is named.
    atom = (site / "output" / "atom.xml").read_text()
    (site / "output" / "atom.xml").write_text(atom.replace("&lt;p&gt;See", "&lt;p onclick='x()'&gt;See", 1))
    result = runner.invoke(main, ["check"])
    assert any(line.startswith("error: atom.xml: entry urn:") and line.endswith("unsafe markup in content: event handler attribute onclick= on <p>") for line in _errors(result.output)), result.output
    # Without the build cache, each feed is named, with its entry.
    shutil.rmtree(site / ".sitegen-cache")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1 and "atom.xml: entry " in result.output
    assert "URL '//[oops' that cannot be parsed (Invalid IPv6 URL) in content" in result.output


def test_files_that_cannot_be_checked_are_named_not_a_crash(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A story")}, config="compress = false\n")  # output edited below
    assert build(site).ok
    out = site / "output"
    (out / "2024" / "05" / "a" / "index.html").write_bytes(b"")  # lxml: "Document is empty"
    (out / "comment.html").write_text("<!-- nothing else -->\n")
    (out / "feed.json").write_text("[]\n")
    os.mkfifo(out / "pipe.html")  # reading it would wait for a writer
    (out / "folder.html").mkdir()
    with no_hang():
        result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    lines = [line.removeprefix("error: ") for line in result.output.splitlines() if line.startswith("error: ")]
    assert lines == [
        "2024/05/a/index.html: cannot be parsed as HTML: Document is empty",
        "comment.html: cannot be parsed as HTML: Document is empty",
        "feed.json: cannot be parsed: not a JSON Feed: expected an object whose items are objects",
        "pipe.html: is not a regular file: it cannot be checked",
    ]


def test_check_finds_what_only_a_look_across_files_or_into_links_shows(make_site: MakeSite) -> None:
    content = {f"s{i}.md": article_md(f"Story {i}", date=f"2024-05-0{i + 1}T09:00:00+00:00", id=f"urn:test:{i}", body=f"Text {i}.") for i in range(4)}
    site = make_site(content=content, config='base_url = "https://example.org/news/"\narchive_size = 2\n')
    assert build(site).ok
    out = site / "output"
    config = Config(base_url="https://example.org/news/", archive_size=2)
    assert check_output(out, config) == []

    def edit(name: str, old: str, new: str, count: int = 1) -> None:
        text = (out / name).read_text()
        assert old in text, (name, old)
        (out / name).write_text(text.replace(old, new, count))

    # The same id in two archive documents.
    edit("feeds/archive/2.xml", "<id>urn:test:2</id>", "<id>urn:test:0</id>")
    # One article, another id in RSS than in Atom and JSON.
    edit("rss.xml", ">urn:test:3</guid>", ">urn:other:3</guid>")
    # A relative URL in an RSS description; a feed-level date and a JSON date_modified without offset.
    edit("rss.xml", "<description>Text 2.", "<description>&lt;a href=\"/news/x/\"&gt;Text&lt;/a&gt; 2.")
    atom = (out / "atom.xml").read_text()
    updated = atom.split("<updated>", 1)[1].split("</updated>", 1)[0]
    edit("atom.xml", f"<updated>{updated}</updated>", "<updated>2024-05-04T09:00:00</updated>")
    edit("feed.json", '"date_modified": "2024-05-04T09:00:00+00:00"', '"date_modified": "2024-05-04"')
    # A srcset candidate, a #fragment and a link out of the sub-path, on a page.
    edit("index.html", "</main>", '<img src="/news/static/style.css" srcset="/news/missing.png 2x" alt=""><a href="#nowhere">x</a><a href="/elsewhere/">y</a></main>')

    found = [str(p) for p in check_output(out, config)]
    expected = [
        "feeds/archive/2.xml: entry urn:test:0 is also in feeds/archive/1.xml",
        "atom.xml: one article, different ids (https://example.org/news/2024/05/s3/): atom.xml says urn:test:3, feed.json says urn:test:3, rss.xml says urn:other:3",
        "rss.xml: entry urn:test:2: relative URL '/news/x/' in description",
        "atom.xml: feed updated is missing or has no time zone: '2024-05-04T09:00:00'",
        "feed.json: entry urn:test:3: date_modified is missing or has no time zone: '2024-05-04'",
        "index.html: broken link: /news/missing.png",
        "index.html: broken link: #nowhere (no element with id 'nowhere')",
        "index.html: link to '/elsewhere/' leaves the site's base path /news/",
    ]
    for message in expected:
        assert any(line.startswith(message) for line in found), (message, found)


def test_a_compressed_copy_that_differs_from_its_original_is_a_problem(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    assert build(site).ok
    out = site / "output"
    assert check_output(out, Config()) == []
    (out / "tags" / "index.html").write_text("<p>edited by hand</p>")
    (out / "atom.xml.br").write_bytes(b"not brotli")
    (out / "robots.txt").unlink()
    found = sorted((p.path, p.message) for p in check_output(out, Config()))
    assert ("tags/index.html.gz", "differs from index.html: servers would send readers another file") in found
    assert ("tags/index.html.br", "differs from index.html: servers would send readers another file") in found
    assert any(path == "atom.xml.br" and message.startswith("cannot be decompressed") for path, message in found)
    assert ("robots.txt.gz", "is a compressed copy of robots.txt, which is missing") in found


def test_check_of_a_folder_with_no_built_site_is_an_error(make_site: MakeSite, runner: CliRunner, tmp_path: Path) -> None:
    """With nothing to look at every check passes: an empty or mistyped --output must not
    read as a clean site."""
    site = make_site(content={"a.md": article_md("A")})
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["check", "--site", str(site), "--output", str(empty)])
    assert result.exit_code == 1
    assert f"Error: {empty}: holds no built site (no index.html): check --output" in result.output
    assert "0 problems" not in result.output
    # A folder of other things (the site's content/, a typo of another folder) too.
    result = runner.invoke(main, ["check", "--site", str(site), "--output", str(site / "content")])
    assert result.exit_code == 1 and "holds no built site" in result.output
    for missing in (tmp_path / "outptu", None):  # --output mistyped; SITE/output never built
        args = ["--output", str(missing)] if missing else []
        result = runner.invoke(main, ["check", "--site", str(site), *args])
        assert result.exit_code == 1
        assert f"Error: {missing or site / 'output'}: does not exist: run `sitegen build` first" in result.output
    assert build(site).ok
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 0 and ": 0 problems." in result.output


def test_feed_entries_and_sitemap_addresses_that_lead_to_no_page_are_flagged(make_site: MakeSite) -> None:
    site = make_site(
        content={"a.md": article_md("A", tags="[World]"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00")},
        config='base_url = "https://example.org/"\ncompress = false\n',
    )
    assert build(site).ok
    out = site / "output"
    config = Config(base_url="https://example.org/")
    assert check_output(out, config) == []
    (out / "2024" / "05" / "b" / "index.html").unlink()
    problems = check_output(out, config)
    messages = [f"{p.path}: {p.message}" for p in problems]
    # The listings' links are said for each page; the feeds' and sitemaps' entry links once,
    # by the first file, with how many others carry it.
    entry = [m for m in messages if "leads to no page" in m]
    assert len(entry) == 1, messages
    assert entry[0].startswith("atom.xml: entry ") and "link https://example.org/2024/05/b/ leads to no page, and in " in entry[0]
    assert entry[0].endswith(" other files")  # feeds and both sitemaps
    carriers = int(entry[0].rsplit(", and in ", 1)[1].split()[0])
    assert carriers == 4  # the site's RSS and JSON feeds and the two sitemaps (b has no tag)


def test_a_preview_is_checked_at_the_address_it_was_built_for_in_one_line(make_site: MakeSite, runner: CliRunner, tmp_path: Path) -> None:
    """``build --base-url https://staging.example.org/ --output staging`` then ``check --output
    staging``: it said the folder was built for staging, then checked it at sitegen.toml's
    /regional/ all the same, an error for every link (1,353 on a small site), exit 1. It
    is checked at the address it was built for, said in one line; --base-url still wins."""
    site = make_site(
        content={f"a{i}.md": article_md(f"A{i}", date=f"2024-05-0{i + 1}T09:00:00+00:00", tags="[harbour]") for i in range(3)},
        config='base_url = "https://news.example.org/regional/"\n',
    )
    staging = tmp_path / "staging"
    built = runner.invoke(main, ["build", "--site", str(site), "--output", str(staging), "--base-url", "https://staging.example.org/"])
    assert built.exit_code == 0, built.output
    result = runner.invoke(main, ["check", "--site", str(site), "--output", str(staging)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"note: {staging} was built for https://staging.example.org/ (its atom.xml says so), not for sitegen.toml's"
        " https://news.example.org/regional/: checked as served there (--base-url names another address)",
        f"Checked {staging}: 0 problems.",
    ]
    # Named, another address is checked as asked: there, the preview's links leave the site.
    told = runner.invoke(main, ["check", "--site", str(site), "--output", str(staging), "--base-url", "https://news.example.org/regional/"])
    assert told.exit_code == 1 and "note: " not in told.output and "leaves the site's base path /regional/" in told.output, told.output
    # A folder built for sitegen.toml's address has nothing to note.
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    own = runner.invoke(main, ["check", "--site", str(site)])
    assert own.exit_code == 0 and own.output.splitlines() == [f"Checked {site / 'output'}: 0 problems."], own.output


def _the_one_error(runner: CliRunner, site: Path) -> str:
    """What `sitegen check` says of the site's own output/ when it finds one problem: the
    error line, after asserting that it fails (status 1) and says nothing else but its count."""
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1
    error, count = result.output.splitlines()
    assert count == f"Checked {site / 'output'}: 1 problem."
    return error


def test_the_sites_own_output_built_for_another_address_is_one_error(make_site: MakeSite, runner: CliRunner) -> None:
    """output/ is what is deployed at sitegen.toml's address: a preview built there by
    mistake fails the check, once, with what to do, not once per link."""
    site = make_site(content={f"a{i}.md": article_md(f"A{i}", date=f"2024-05-0{i + 1}T09:00:00+00:00") for i in range(3)}, config='base_url = "https://news.example.org/regional/"\n')
    assert runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://staging.example.org/"]).exit_code == 0
    out = site / "output"
    assert _the_one_error(runner, site) == (
        f"error: {out} was built for https://staging.example.org/ (its atom.xml says so), not for sitegen.toml's https://news.example.org/regional/,"
        " where it is deployed: build it again without --base-url (a preview goes in a folder of its own: --output)"
    )
    told = runner.invoke(main, ["check", "--site", str(site), "--base-url", "https://staging.example.org/"])
    assert told.exit_code == 0 and told.output.splitlines() == [f"Checked {out}: 0 problems."], told.output


@pytest.mark.parametrize("option", ["--drafts", "--future", "--relative"])
def test_the_sites_own_output_built_as_a_preview_is_one_error(make_site: MakeSite, runner: CliRunner, tmp_path: Path, option: str) -> None:
    """Its pages ask search engines to leave them out: deployed, the site drops out of their
    results. The build warned; the check, run before deploying, said 0 problems. A preview
    in a folder of its own, and a site whose noindex is on, are as they should be."""
    site = make_site(content={"a.md": article_md("A")}, config='base_url = "https://news.example.org/"\n')
    out = site / "output"
    assert runner.invoke(main, ["build", "--site", str(site), option]).exit_code == 0
    assert _the_one_error(runner, site) == (
        f"error: {out} holds a preview, or a build made while noindex was on: its pages ask search engines to leave them out (noindex),"
        " where it is deployed; build it again, without --drafts, --future, --relative or --base-url (a preview goes in a folder of its own: --output)"
    )
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0
    elsewhere = tmp_path / "preview"
    assert runner.invoke(main, ["build", "--site", str(site), option, "--output", str(elsewhere)]).exit_code == 0
    assert runner.invoke(main, ["check", "--site", str(site), "--output", str(elsewhere)]).exit_code == 0
    (site / "sitegen.toml").write_text('base_url = "https://news.example.org/"\nnoindex = true\n')
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0


_PAGES = st.sampled_from(["https://example.org/news/", "https://example.org/news/2024/05/a/", "http://other.example/x/y", "https://example.org/news/feeds/archive/1.xml"])
_TARGETS = st.one_of(
    st.sampled_from(["/news/", "/news/a/", "/x", "//cdn.example/a.js", "a/", "../b/", "?q=1", "#top", "https://example.org/news/c/", "mailto:a@b", ""]),
    st.text(alphabet="/.?#:ab%", max_size=8),
)


@given(st.lists(st.tuples(_PAGES, _TARGETS), max_size=30))
def test_a_link_worked_out_once_for_many_pages_is_what_each_page_makes_of_it(links: list[tuple[str, str]]) -> None:
    """check._Folder.resolve remembers root-relative links across pages (a site's 450,000
    links were most of `sitegen check`'s time): each answer is still the page's own."""
    site = urls.Urls("https://example.org/news/")
    folder = _Folder(Path("."))
    for page, target in links:
        try:
            absolute = urljoin(page, target)
            expected = (absolute, urlsplit(absolute), _site_path(absolute, site))
        except ValueError:
            with pytest.raises(ValueError):
                folder.resolve(page, target, site)
            continue
        assert folder.resolve(page, target, site) == expected


def test_check_reads_each_linked_file_once_and_still_refuses_a_link_out_of_the_folder(make_site: MakeSite, tmp_path: Path) -> None:
    """Files are looked up once for all the links to them; a link to a file the output
    folder holds through a symbolic link to outside it is still said to leave the site."""
    site = built(make_site)
    out = site / "output"
    outside = tmp_path / "outside.html"
    outside.write_text("<p>secret</p>")
    (out / "away.html").symlink_to(outside)
    page = out / "index.html"
    page.write_text(page.read_text().replace("</body>", '<a href="/news/away.html">away</a><a href="/news/away.html#x">again</a></body>'))
    said = [str(p) for p in check_output(out, Config(base_url="https://example.org/news/")) if p.path == "index.html"]
    assert "index.html: link to '/news/away.html' leaves the site" in said
    assert "index.html: link to '/news/away.html#x' leaves the site" in said


def test_a_broken_link_in_many_articles_is_said_for_three_then_counted(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story taken down that 500 articles link to was 500 lines, once each article's file
    was named: a link is said for the first three files it is written in, then counted, by
    where it leads however it is written; --all (build --check -v) says every one. The
    exit status and the count of problems are as they were, and a link broken in one file
    is said as it was."""
    content = {f"a{i}.md": article_md(f"A{i}", date=f"2024-05-0{i}T09:00:00+00:00", body="Words.\n\nSee [the old story](/2024/04/gone/).") for i in range(1, 6)}
    content["a6.md"] = article_md("A6", date="2024-05-06T09:00:00+00:00", body="See [it](../../04/gone/) here.")
    content["b.md"] = article_md("B", date="2024-05-09T09:00:00+00:00", body="See [this](/nothing/).")
    site = make_site(content=content, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert _errors(result.output) == [
        "error: content/a1.md:8: broken link: /2024/04/gone/ (in 2024/05/a1/index.html), and in 3 feeds",
        "error: content/a2.md:8: broken link: /2024/04/gone/ (in 2024/05/a2/index.html), and in 3 feeds",
        "error: content/a3.md:8: broken link: /2024/04/gone/ (in 2024/05/a3/index.html), and in 3 feeds",
        "error: ... and 3 more files link to 2024/04/gone/index.html too (sitegen check --all lists every one)",
        "error: content/b.md:6: broken link: /nothing/ (in 2024/05/b/index.html), and in 3 feeds",
    ]
    assert "Checked output: 7 problems." in result.output
    every = [
        *(f"error: content/a{i}.md:8: broken link: /2024/04/gone/ (in 2024/05/a{i}/index.html), and in 3 feeds" for i in range(1, 6)),
        "error: content/a6.md:6: broken link: ../../04/gone/ (in 2024/05/a6/index.html), and in 3 feeds",
        "error: content/b.md:6: broken link: /nothing/ (in 2024/05/b/index.html), and in 3 feeds",
    ]
    result = runner.invoke(main, ["check", "--all"])
    assert result.exit_code == 1 and _errors(result.output) == every and "Checked output: 7 problems." in result.output
    result = runner.invoke(main, ["build", "--check"])
    assert result.exit_code == 1 and len(_errors(result.output)) == 5 and "sitegen check --all lists every one" in result.output
    result = runner.invoke(main, ["build", "--check", "-v"])
    assert result.exit_code == 1 and _errors(result.output) == every
    # Without the build cache, the pages are named, and folded alike.
    shutil.rmtree(site / ".sitegen-cache")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1 and len(_errors(result.output)) == 5
    assert _errors(result.output)[3] == "error: ... and 3 more files link to 2024/04/gone/index.html too (sitegen check --all lists every one)"


def test_a_link_to_an_article_held_back_names_its_file_and_date(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story linking to one scheduled for later (an explainer due at ten) leads nowhere
    until then, while the scheduled story's file is there to see: "broken link" alone sent
    the user hunting for a typo. The check says whose page it is and when it is due; a
    link to no article at all is said as before, and once the date is past it passes."""
    site = make_site(
        content={
            "a.md": article_md("A", body="See [the explainer](/2999/01/b/) and [this](/nothing/)."),
            "b.md": article_md("B", date="2999-01-01T10:00:00+00:00"),
        },
        config='base_url = "https://example.org/"\n',
    )
    assert build(site).ok
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert _errors(result.output) == [
        "error: content/a.md:6: broken link: /2999/01/b/ (in 2024/05/a/index.html), and in 3 feeds:"
        " the page of content/b.md, dated 2999-01-01T10:00:00+00:00 and held back until then",
        "error: content/a.md:6: broken link: /nothing/ (in 2024/05/a/index.html), and in 3 feeds",
    ]
    # Built from its date on, the link leads to the story.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2999, 1, 1, 10, tzinfo=dt.UTC).timestamp())))
    assert build(site).ok
    result = runner.invoke(main, ["check"])
    assert _errors(result.output) == ["error: content/a.md:6: broken link: /nothing/ (in 2024/05/a/index.html), and in 3 feeds"]


@pytest.mark.parametrize("which", ["atom.xml", "atom.xml.gz"])
def test_a_compressed_copy_or_its_original_that_is_a_fifo_is_said_unread(make_site: MakeSite, runner: CliRunner, which: str) -> None:
    """An output folder restored by a CI cache, or committed, may hold anything: a FIFO in
    the place of a file with compressed copies hung `sitegen check`, which read it to
    compare each copy with it (a link to /dev/zero filled the memory)."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    out = site / "output"
    (out / which).unlink()
    os.mkfifo(out / which)  # reading it would wait for a writer
    began = time.monotonic()
    with no_hang(20):
        result = runner.invoke(main, ["check", "--site", str(site)])
    assert time.monotonic() - began < 15
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    lines = [line.removeprefix("error: ") for line in result.output.splitlines() if line.startswith("error: ")]
    if which == "atom.xml":  # and the links to it lead nowhere, as it is
        assert {
            "atom.xml: is not a regular file: it cannot be checked",
            "atom.xml.br: is a compressed copy of atom.xml, which is not a regular file: it cannot be checked",
            "atom.xml.gz: is a compressed copy of atom.xml, which is not a regular file: it cannot be checked",
        } <= set(lines), lines
    else:
        assert lines == ["atom.xml.gz: is not a regular file: it cannot be checked"]


@pytest.mark.skipif(sys.platform != "linux", reason="sparse files and RLIMIT_AS as Linux has them")
def test_a_page_of_gigabytes_is_named_not_read(make_site: MakeSite) -> None:
    """A page of 3 GiB (sparse: it costs no disk) in a restored or committed output folder
    was read whole, and the check ended in a MemoryError. Checked in a process whose memory
    is limited, so that the old behaviour fails at once rather than filling the machine's."""
    site = make_site(content={"a.md": article_md("A")})
    assert build(site).ok
    with (site / "output" / "2024" / "05" / "a" / "index.html").open("r+b") as f:
        f.truncate(3 << 30)
    done = sitegen_in_little_memory("check", "--site", str(site))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    said = done.stdout + done.stderr
    assert "error: 2024/05/a/index.html: is 3,221,225,472 bytes, more than any page or feed a build writes: it was not read" in said, said
    assert "error: 2024/05/a/index.html.gz: is a compressed copy of index.html, of more bytes than any file a build writes: it was not read" in said, said

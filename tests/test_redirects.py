"""Old addresses answer with a redirect to the current one: from the ledger's history of
every URL an article has had, and from front matter ``aliases``."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from sitegen import redirects, urls
from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import load_config

BASE = "https://example.org/news/"
README = Path(__file__).parent.parent / "README.md"


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def redirect_target(out: Path, path: str) -> str | None:
    """Where the redirect page at site path ``path`` sends a browser, or None if none."""
    file = out / path / "index.html" if path.endswith("/") else out / path
    if not file.exists():
        return None
    doc = lxml_html.fromstring(file.read_bytes())
    refresh = doc.xpath("//meta[@http-equiv='refresh']/@content")
    if not refresh:
        return None
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    target = refresh[0].split("url=", 1)[1]
    # The canonical link is a URL, percent-encoded; the refresh as pages link (an IRI).
    assert [unquote(href) for href in doc.xpath("//link[@rel='canonical']/@href")] == ["https://example.org" + unquote(target)]
    return target


def rules(out: Path, status: str = "301") -> dict[str, str]:
    """``_redirects`` as old -> new, every rule a ``status`` (a plain 301 by default)."""
    found = {}
    for line in (out / "_redirects").read_text().splitlines():
        if line.startswith("#"):
            continue
        old, new, written = line.split()
        assert written == status
        found[old] = new
    return found


def nginx_rules(out: Path) -> dict[str, str]:
    found = {}
    for line in (out / "redirects.nginx.map").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            match = re.fullmatch(r'"([^"]+)" "([^"]+)";', line)
            assert match, line
            found[match[1]] = match[2]
    return found



def fetched(port: int, path: str) -> tuple[int, str | None, bytes]:
    """GET ``path`` from the server on ``port``: its status, Location header and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.read()
    finally:
        connection.close()

def test_every_address_an_article_had_redirects_straight_to_the_current_one(make_site: MakeSite) -> None:
    site = make_site(content={"story.md": article_md("Story", date="2024-03-01T10:00:00+00:00")}, config=f'base_url = "{BASE}"\n')
    config = site / "sitegen.toml"
    story = site / "content" / "story.md"
    out = site / "output"
    assert build(site).ok
    assert rules(out) == {} and redirect_target(out, "2024/03/story/") is None
    # A slug fixed, then the date corrected, then the permalink pattern changed.
    story.write_text(article_md("Story", date="2024-03-01T10:00:00+00:00", slug="the-story"))
    assert build(site).ok
    story.write_text(article_md("Story", date="2024-04-02T10:00:00+00:00", slug="the-story"))
    assert build(site).ok
    config.write_text(f'base_url = "{BASE}"\npermalink = "{{year}}/{{month}}/{{day}}/{{slug}}/"\n')
    report = build(site)
    assert report.ok
    current = "/news/2024/04/02/the-story/"
    assert (out / "2024/04/02/the-story/index.html").exists()
    for old in ("2024/03/story/", "2024/03/the-story/", "2024/04/the-story/"):
        assert redirect_target(out, old) == current, old
    assert rules(out) == {f"/news/{old}": current for old in ("2024/03/story/", "2024/03/the-story/", "2024/04/the-story/")}
    mapped = nginx_rules(out)
    assert mapped["/news/2024/03/story/"] == mapped["/news/2024/03/story"] == mapped["/news/2024/03/story/index.html"] == current
    # The ledger keeps every address, committed with the content.
    assert "https://example.org/news/2024/03/story/" in (site / "content" / ".sitegen-updated.json").read_text()
    # Redirect pages are in no sitemap and pass the site's checks.
    assert "2024/03/story" not in (out / "sitemap.xml").read_text()
    assert check_output(out, report.config) == []


def test_aliases_redirect_and_a_live_page_wins_over_a_redirect(make_site: MakeSite) -> None:
    site = make_site(
        content={
            "a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[old/a/, /news/older/a.html, archive/]"),
            "b.md": article_md("B", date="2024-03-02T10:00:00+00:00"),
        },
        config=f'base_url = "{BASE}"\n',
    )
    out = site / "output"
    assert build(site).ok
    assert redirect_target(out, "old/a/") == redirect_target(out, "older/a.html") == "/news/2024/03/a/"
    # An alias naming a page the site has (the archive) does not replace it.
    assert lxml_html.fromstring((out / "archive" / "index.html").read_bytes()).xpath("//meta[@http-equiv='refresh']") == []
    # B moves away; a new article takes B's old address: the new article wins.
    (site / "content" / "b.md").write_text(article_md("B", date="2024-03-02T10:00:00+00:00", slug="b-moved"))
    assert build(site).ok
    assert redirect_target(out, "2024/03/b/") == "/news/2024/03/b-moved/"
    (site / "content" / "c.md").write_text(article_md("C", date="2024-03-05T10:00:00+00:00", slug="b"))
    assert build(site).ok
    assert redirect_target(out, "2024/03/b/") is None
    assert lxml_html.fromstring((out / "2024/03/b/index.html").read_bytes()).xpath("string(//h1)").strip() == "C"
    assert "/news/2024/03/b/" not in rules(out)


def test_aliases_naming_one_file_two_ways_are_one_redirect(make_site: MakeSite, runner: CliRunner) -> None:
    """"old/" and "old/index.html" are one file: the later article has it (the build
    planned it twice and stopped with a traceback); an article's alias of its own page is none."""
    site = make_site(
        content={
            "a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[old/index.html, twice/, twice/index.html, 2024/03/a/index.html]"),
            "b.md": article_md("B", date="2024-03-02T10:00:00+00:00", aliases="[old/]"),
        },
        config=f'base_url = "{BASE}"\n',
    )
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    out = site / "output"
    assert redirect_target(out, "old/") == "/news/2024/03/b/" and redirect_target(out, "twice/") == "/news/2024/03/a/"
    assert lxml_html.fromstring((out / "2024/03/a/index.html").read_bytes()).xpath("//meta[@http-equiv='refresh']") == []
    listed = [line.split()[0] for line in (out / "_redirects").read_text().splitlines() if not line.startswith("#")]
    assert listed.count("/news/old/") == 1 and "/news/old/index.html" not in listed and "/news/2024/03/a/index.html" not in listed


def test_an_alias_a_live_page_takes_is_a_warning_naming_its_line(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709719200")  # 2024-03-06T10:00Z: the articles are news
    site = make_site(
        content={
            "a.md": article_md("A", date="2024-03-01T10:00:00+00:00", tags="[World]", aliases="[old/a/, archive/, tags/world/, /news/2024/03/b/]"),
            "b.md": article_md("B", date="2024-03-02T10:00:00+00:00"),
        },
        config=f'base_url = "{BASE}"\n',
    )
    a, b = site / "content" / "a.md", site / "content" / "b.md"
    out = site / "output"
    report = build(site)
    assert report.ok
    # Named where the author can fix it (the line of aliases), with the page that wins.
    assert report.warnings == [
        f"{a}:5: aliases: no redirect from '2024/03/b/': the page of {b} is there and wins; remove the alias",
        f"{a}:5: aliases: no redirect from 'archive/': the site's own 'archive/' is there and wins; remove the alias",
        f"{a}:5: aliases: no redirect from 'tags/world/': the site's own 'tags/world/' is there and wins; remove the alias",
    ]
    assert redirect_target(out, "old/a/") == "/news/2024/03/a/"
    assert lxml_html.fromstring((out / "2024/03/b/index.html").read_bytes()).xpath("string(//h1)").strip() == "B"
    assert build(site).warnings == report.warnings  # a build with nothing to do says it again
    # An address a new article took from a moved one is no mistake: no warning.
    (site / "content" / "a.md").write_text(article_md("A", date="2024-03-01T10:00:00+00:00"))
    b.write_text(article_md("B", date="2024-03-02T10:00:00+00:00", slug="b-moved"))
    assert build(site).warnings == [] and redirect_target(out, "2024/03/b/") == "/news/2024/03/b-moved/"
    (site / "content" / "c.md").write_text(article_md("C", date="2024-03-05T10:00:00+00:00", slug="b"))
    report = build(site)
    assert report.ok and report.warnings == [] and redirect_target(out, "2024/03/b/") is None


def test_forced_rules_for_netlify_plain_ones_by_default(make_site: MakeSite) -> None:
    """Netlify applies an unforced rule only where no file is, and a redirect page is at
    every old address: its rules must be forced (301!). Cloudflare Pages knows no "!"."""
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[old/a/]")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok
    assert rules(out) == {"/news/old/a/": "/news/2024/03/a/"} and redirect_target(out, "old/a/") == "/news/2024/03/a/"
    (site / "sitegen.toml").write_text(f'base_url = "{BASE}"\nforce_redirects = true\n')
    assert build(site).ok
    assert rules(out, status="301!") == {"/news/old/a/": "/news/2024/03/a/"}
    # The page stays, for every other host; the map is as it was.
    assert redirect_target(out, "old/a/") == "/news/2024/03/a/" and nginx_rules(out)["/news/old/a/"] == "/news/2024/03/a/"


def test_aliases_from_the_host_root_under_a_sub_path(make_site: MakeSite) -> None:
    """With base_url at /news/, /news/x/ is the site's x/ (as Hugo migrants write aliases),
    not /news/news/x/; /x/ is still read from /news/, with a warning naming the line."""
    site = make_site(
        content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="['/news/abs/', news-desk/, '/older/a/']")},
        config=f'base_url = "{BASE}"\n',
    )
    out = site / "output"
    report = build(site)
    assert report.ok
    assert rules(out) == {f"/news/{p}": "/news/2024/03/a/" for p in ("abs/", "news-desk/", "older/a/")}
    assert redirect_target(out, "abs/") == "/news/2024/03/a/" and not (out / "news").exists()
    assert report.warnings == [
        f"{site / 'content' / 'a.md'}:4: aliases: '/older/a/' is outside /news/, where the site is; it is read from there,"
        " as /news/older/a/: write older/a/ (no leading slash) to say so; an address outside /news/ is not the output folder's to redirect"
    ]
    # At a domain root, a leading slash changes nothing and says nothing.
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\n')
    report = build(site)
    assert report.ok and report.warnings == []
    # (and the article's address under /news/ is now an old one of this site's, as are its feeds')
    assert set(rules(out)) == {"/news/abs/", "/news-desk/", "/older/a/", "/news/2024/03/a/", "/news/atom.xml", "/news/rss.xml", "/news/feed.json"}
    # The home page itself is no alias.
    (site / "sitegen.toml").write_text(f'base_url = "{BASE}"\n')
    (site / "content" / "a.md").write_text(article_md("A", aliases="['/news/']"))
    assert [str(e) for e in build(site).errors] == [f"{site / 'content' / 'a.md'}:4: aliases: '/news/' is the site's home page, which no article's alias may take"]


def test_an_alias_with_no_extension_is_a_folder_address(make_site: MakeSite) -> None:
    """``old`` is a folder's address, as Hugo reads it: its redirect page is old/index.html,
    which any static host sends as HTML (written as the file ``old``, it went out as
    application/octet-stream and browsers downloaded it). ``old`` and ``old/`` are one
    address; one ending in .html, or with another extension, is the file it names."""
    aliases = "[old, '/news/2019/older-story', 'naïve', page.html, notes.txt]"
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases=aliases)}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    report = build(site)
    assert report.ok and report.warnings == []
    target = "/news/2024/03/a/"
    for folder in ("old", "2019/older-story", "naïve"):
        assert (out / folder).is_dir() and not (out / folder).is_file(), folder
        assert redirect_target(out, folder + "/") == target, folder
    assert redirect_target(out, "page.html") == redirect_target(out, "notes.txt") == target
    assert rules(out) == {f"/news/{p}": target for p in ("old/", "2019/older-story/", "na%C3%AFve/", "page.html", "notes.txt")}
    mapped = nginx_rules(out)
    for folder in ("old", "2019/older-story", "naïve"):
        assert mapped[f"/news/{folder}"] == mapped[f"/news/{folder}/"] == mapped[f"/news/{folder}/index.html"] == target, folder
    assert mapped["/news/page.html"] == mapped["/news/notes.txt"] == target and "/news/page.html/" not in mapped
    assert check_output(out, report.config) == []
    # Written both ways, it is one redirect.
    (site / "content" / "a.md").write_text(article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[old, old/]"))
    assert build(site).ok
    assert redirect_target(out, "old/") == target and rules(out) == {"/news/old/": target}


def test_percent_encoded_and_non_ascii_aliases_name_the_real_path(make_site: MakeSite) -> None:
    """caf%C3%A9 is the folder café (a server decodes the request first), and café may be
    written as it is; _redirects gets them encoded, as requested, the nginx map decoded."""
    aliases = "['2019/caf%C3%A9/', '2019/café/', '2019/old%20story/', '/news/2019/na%C3%AFve.html', 'été/']"
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases=aliases)}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    report = build(site)
    assert report.ok and report.warnings == []
    for path in ("2019/café/", "2019/old story/", "2019/naïve.html", "été/"):
        assert redirect_target(out, path) == "/news/2024/03/a/", path
    assert not (out / "2019" / "caf%C3%A9").exists() and not (out / "2019" / "old%20story").exists()
    assert rules(out) == {
        f"/news/{p}": "/news/2024/03/a/" for p in ("2019/caf%C3%A9/", "2019/na%C3%AFve.html", "2019/old%20story/", "%C3%A9t%C3%A9/")
    }
    mapped = nginx_rules(out)
    assert mapped["/news/2019/café/"] == mapped["/news/2019/café"] == mapped["/news/2019/naïve.html"] == "/news/2024/03/a/"
    assert mapped['/news/2019/old story/'] == "/news/2024/03/a/" and "/news/2019/caf%C3%A9/" not in mapped


@pytest.mark.parametrize(
    "alias",
    ["'2019/caf%FF/'", "'a/%2e%2e/b/'", "'a%2Fb/'", "'a/%0a/'", "'a%zz/'", "'a%5Cb/'", "'a%22b/'", "'a%3Fb/'", "'a/\u00a0b/'"],
)
def test_aliases_that_are_no_path_even_decoded_are_errors(make_site: MakeSite, alias: str) -> None:
    site = make_site(content={"a.md": article_md("A", aliases=f"[{alias}]")})
    (error,) = build(site).errors
    assert f"{site / 'content' / 'a.md'}:4: aliases: " in str(error) and "is not a path of this site" in str(error)


def test_a_removed_article_is_not_redirected(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00"), "b.md": article_md("B")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok
    (site / "content" / "a.md").write_text(article_md("A", date="2024-03-01T10:00:00+00:00", slug="a2"))
    assert build(site).ok and redirect_target(out, "2024/03/a/") == "/news/2024/03/a2/"
    (site / "content" / "a.md").unlink()
    assert build(site).ok
    assert not (out / "2024/03/a").exists() and not (out / "2024/03/a2").exists() and rules(out) == {}


def test_moving_the_site_under_the_same_host_redirects_what_it_still_serves(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok
    # From a sub-path to the root of the same host (and to https from http does not matter).
    (site / "sitegen.toml").write_text('base_url = "http://example.org/"\n')
    assert build(site).ok
    assert (out / "news/2024/03/a/index.html").exists()
    assert rules(out) == {"/news/2024/03/a/": "/2024/03/a/", **{f"/news/{feed}": f"/{feed}" for feed in ("atom.xml", "rss.xml", "feed.json")}}
    # To another host: nothing there is ours to answer.
    (site / "sitegen.toml").write_text('base_url = "https://elsewhere.example/"\n')
    assert build(site).ok
    assert rules(out) == {} and not (out / "news").exists()


def test_an_address_in_the_ledger_that_is_no_path_of_the_site_is_no_redirect(make_site: MakeSite) -> None:
    """The ledger is a file of content/, edited and committed as any: an address written
    into it with a '"' added a rule of its own to the nginx map (an open redirect in the
    server's configuration), and a ".." stopped every build with an error."""
    import json

    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok
    ledger = site / "content" / ".sitegen-updated.json"
    data = json.loads(ledger.read_text())
    [entry] = data["articles"].values()
    entry["urls"] = [f'{BASE}x" "https://evil.example/"; "/news/y', f"{BASE}a/../../../../elsewhere/", f"{BASE}caf%C3%A9/", f"{BASE}2024/03/a/"]
    ledger.write_text(json.dumps(data))
    report = build(site)
    assert report.ok, report.errors
    assert nginx_rules(out) == {"/news/café/": "/news/2024/03/a/", "/news/café": "/news/2024/03/a/", "/news/café/index.html": "/news/2024/03/a/"}
    assert rules(out) == {"/news/caf%C3%A9/": "/news/2024/03/a/"}
    assert redirect_target(out, "café/") == "/news/2024/03/a/"
    assert "evil.example" not in (out / "_redirects").read_text() + (out / "redirects.nginx.map").read_text()


def test_bad_aliases_are_errors_naming_the_line(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", aliases="['https://evil.example/x']"), "b.md": article_md("B", aliases="['../../etc/']")})
    report = build(site)
    assert sorted(str(e) for e in report.errors) == [
        f"{site / 'content' / 'a.md'}:4: aliases: 'https://evil.example/x' is not a path of this site: write one such as 2019/old-story/",
        f"{site / 'content' / 'b.md'}:4: aliases: '../../etc/' is not a path of this site: write one such as 2019/old-story/",
    ]


@pytest.mark.parametrize("alias", ["_redirects", "redirects.nginx.map", "_headers", ".nojekyll", ".sitegen-manifest.json", "_redirects/", "/news/_headers", "x/.hidden/"])
def test_an_alias_on_a_file_the_build_writes_or_keeps_is_an_error_and_breaks_nothing(make_site: MakeSite, alias: str) -> None:
    """A redirect page there broke every build: the file written twice, the real one deleted
    and a temp file left behind for good (or, for the manifest, every no-op build writing)."""
    site = make_site(
        content={"a.md": article_md("A", aliases=f"['{alias}']"), "b.md": article_md("B", date="2024-03-01T10:00:00+00:00", aliases="[old/b/]")},
        config=f'base_url = "{BASE}"\n',
    )
    out = site / "output"
    report = build(site)
    (error,) = [str(e) for e in report.errors]
    assert error.startswith(f"{site / 'content' / 'a.md'}:4: aliases: {alias!r} is ") and error.endswith(": no article's alias may take it; remove it")
    assert rules(out) == {"/news/old/b/": "/news/2024/03/b/"} and (out / "_headers").read_bytes().startswith(b"#")
    assert [p.name for p in out.rglob("*") if p.name.endswith(".sitegen-tmp")] == []
    again = build(site)
    assert again.written.written == [] and [str(e) for e in again.errors] == [str(e) for e in report.errors]


def test_an_old_address_too_long_for_the_readmes_nginx_settings_is_a_warning(make_site: MakeSite) -> None:
    """nginx refuses a map holding an address longer than its buckets take, and with it
    its whole configuration: the build says so, with the setting that would do, every time."""
    alias = "/".join(letter * 240 for letter in "abcde") + "/"
    site = make_site(content={"a.md": article_md("A", aliases=f"['{alias}']")}, config=f'base_url = "{BASE}"\n')
    longest = f"/news/{alias}index.html"
    assert len(longest) > redirects.MAP_BUCKET_SIZE - 18
    expected = (
        f"redirects.nginx.map: the old address {longest[:60]}... has {len(longest):,} bytes, more than nginx takes with the"
        f" README's map_hash_bucket_size {redirects.MAP_BUCKET_SIZE}: set map_hash_bucket_size 2048 in nginx's http block, or nginx refuses its configuration"
    )
    for _ in range(2):  # a build with nothing to do says it again
        report = build(site)
        assert report.ok and report.warnings == [expected], report.warnings
    mapped = (site / "output" / "redirects.nginx.map").read_text().splitlines()
    assert mapped[1] == f"# nginx needs map_hash_bucket_size 2048 or more for this map: its longest address has {len(longest):,} bytes."
    # The README's recipe sets the value the build warns by.
    assert f"map_hash_bucket_size {redirects.MAP_BUCKET_SIZE};" in README.read_text(encoding="utf-8").split("## Moved articles", 1)[1]


def test_an_article_at_the_place_of_the_redirect_list_is_left_out(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", slug="redirects"), "b.md": article_md("B", aliases="[old/b/]")}, config='permalink = "{slug}.nginx.map"\n')
    report = build(site)
    assert [str(e) for e in report.errors] == [
        f"{site / 'content' / 'a.md'}:4: its page would overwrite /redirects.nginx.map, which the site needs: left out of the site; change 'slug'"
    ]
    out = site / "output"
    assert rules(out) == {"/old/b/": "/b.nginx.map/"} and (out / "redirects.nginx.map").read_bytes().startswith(b"#") and [p.name for p in out.rglob("*") if p.name.endswith(".sitegen-tmp")] == []


def test_an_alias_on_a_compressed_copy_gives_way_to_it(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", aliases="[index.html.gz]")})
    report = build(site)
    assert report.ok and [w for w in report.warnings if "'index.html.gz' is there and wins" in w]
    assert gzip.decompress((site / "output" / "index.html.gz").read_bytes()) == (site / "output" / "index.html").read_bytes()


def test_previews_and_local_addresses_are_never_remembered(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    ledger = site / "content" / ".sitegen-updated.json"
    assert build(site).ok
    recorded = ledger.read_bytes()
    # A preview for another address (sitegen build --base-url, sitegen serve) leaves the
    # committed ledger as it was, and the real build after it redirects nothing.
    assert build(site, overrides={"base_url": "https://example.org/preview/"}).ok
    assert build(site, overrides={"base_url": "http://127.0.0.1:8123/"}).ok
    assert ledger.read_bytes() == recorded
    assert build(site).ok and rules(out) == {} and not (out / "preview").exists()
    # A site still at the default local address remembers none of it.
    (site / "sitegen.toml").write_text('base_url = "http://localhost:8000/"\n')
    assert build(site).ok
    (site / "sitegen.toml").write_text(f'base_url = "{BASE}"\n')
    assert build(site).ok
    assert "localhost" not in ledger.read_text()


def test_nginx_answers_old_addresses_with_301_using_the_map(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """The README's "Moved articles" block, run in a real nginx serving the site at /news/."""
    from test_hosting import README, running_nginx

    aliases = "[old/a/, '2019/caf%C3%A9/']"
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases=aliases)}, config=f'base_url = "{BASE}"\n')
    assert build(site).ok
    (site / "content" / "a.md").write_text(article_md("A", date="2024-03-01T10:00:00+00:00", slug="a-moved", aliases=aliases))
    assert build(site).ok
    www = tmp_path / "www"
    www.mkdir()
    shutil.copytree(site / "output", www / "news")
    recipe = README.read_text(encoding="utf-8").split("## Moved articles", 1)[1].split("```nginx\n", 1)[1].split("```", 1)[0]
    recipe = recipe.replace("/srv/www/news/", f"{www / 'news'}/").replace("# ...", f"listen 127.0.0.1:{{port}};\n    root {www};")
    with running_nginx(tmp_path / "nginx", recipe) as port:
        # A non-ASCII alias as browsers send it: nginx decodes it before the map sees it.
        for old in ("/news/2024/03/a/", "/news/2024/03/a", "/news/2024/03/a/index.html", "/news/old/a/", "/news/2019/caf%C3%A9/"):
            status, location, _ = fetched(port, old)
            assert (status, location) == (301, f"http://127.0.0.1:{port}/news/2024/03/a-moved/"), old
        status, _, body = fetched(port, "/news/2024/03/a-moved/")
        assert status == 200 and b"<h1" in body


def test_an_alias_an_earlier_build_wrote_as_a_file_becomes_a_folder_in_one_build(make_site: MakeSite) -> None:
    """A site upgraded from a sitegen that wrote ``aliases: [old]`` as the file ``old``: the
    next build needs a folder there, and makes it, the old file being its own to remove."""
    from sitegen.output import record_planned

    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok
    (out / "old").write_text("<!DOCTYPE html><title>the old redirect page</title>\n")  # as the earlier build wrote it
    record_planned(out, ["old"], mark=False)
    (out / "stray").write_text("not sitegen's: never removed\n")
    path = site / "content" / "a.md"
    path.write_text(article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[old, stray/x]"))
    report = build(site)
    # A file of someone else's in the way stays, and the redirect that needs its place says so.
    assert [(e.path, e.reason) for e in report.errors] == [(out / "stray" / "x" / "index.html", f"cannot be written: {out / 'stray'} is a file, where a folder should be: move it away")]
    assert (out / "old" / "index.html").is_file()
    assert 'content="0; url=/news/2024/03/a/"' in (out / "old" / "index.html").read_text()
    assert (out / "stray").read_text() == "not sitegen's: never removed\n"
    (out / "stray").unlink()  # put right by hand
    assert build(site).ok and (out / "stray" / "x" / "index.html").is_file() and (out / "old" / "index.html").is_file()


def test_an_alias_taken_by_the_home_page_names_it(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[index.html]")}, config=f'base_url = "{BASE}"\n')
    report = build(site)
    path = site / "content" / "a.md"
    assert report.warnings == [f"{path}:4: aliases: no redirect from 'index.html': the site's home page is there and wins; remove the alias"], report.warnings


@pytest.mark.parametrize("preview", ["https://preview.example.com/staging/", "http://127.0.0.1:8000/"], ids=["staging", "serve"])
def test_a_preview_puts_an_alias_written_from_the_root_where_the_site_does(make_site: MakeSite, tmp_path: Path, preview: str) -> None:
    """``aliases: [/news/old.html]`` under base_url https://example.org/news/ is the site's
    ``old.html``: a preview at /staging/ (or ``sitegen serve``, at /) answers at its own
    ``old.html``, not at /staging/news/old.html with advice to break the file."""
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="['/news/old.html']")}, config=f'base_url = "{BASE}"\n')
    out = tmp_path / "preview"
    report = build(site, output_dir=out, overrides={"base_url": preview})
    assert report.ok and report.warnings == [], report.warnings
    base = "/" + preview.split("/", 3)[3]
    page = lxml_html.fromstring((out / "old.html").read_bytes())
    assert page.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={base}2024/03/a/"]
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{preview}2024/03/a/"]
    assert not (out / "news").exists()
    assert build(site).ok and redirect_target(site / "output", "old.html") == "/news/2024/03/a/"  # and the site, as before


def _newsroom(make_site: MakeSite, base: str) -> Path:
    content = {
        f"s{i}.md": article_md(f"Story {i}", date=f"2024-03-0{i + 1}T10:00:00+00:00", tags="[economy]", author="Jane Doe") for i in range(3)
    }
    return make_site(content=content, config=f'base_url = "{base}"\narchive_size = 2\n')


FEEDS = ("atom.xml", "rss.xml", "feed.json", "tags/economy/atom.xml", "tags/economy/rss.xml", "tags/economy/feed.json")
FEEDS += ("authors/jane-doe/atom.xml", "authors/jane-doe/rss.xml", "authors/jane-doe/feed.json")
FEEDS += ("feeds/archive/1.xml", "feeds/archive/1.rss.xml", "feeds/archive/1.json")


def test_moving_the_base_path_redirects_every_feed_straight_to_its_new_address(make_site: MakeSite) -> None:
    """Moved from /news/ (then /daily/) to /, the site's articles had redirects and its
    feeds none: every subscriber's feed answered 404. Now the host lists send each old feed
    address to the feed's new one, one hop from any of them; with no redirect page (a reader
    follows none)."""
    site = _newsroom(make_site, BASE)
    out = site / "output"
    assert build(site).ok
    assert all((out / feed).is_file() for feed in FEEDS)
    for base in ("https://example.org/daily/", "https://example.org/"):
        (site / "sitegen.toml").write_text(f'base_url = "{base}"\narchive_size = 2\n')
        assert build(site).ok
    expected = {f"/{old}/{feed}": f"/{feed}" for old in ("news", "daily") for feed in FEEDS}
    assert expected.items() <= rules(out).items() and expected.items() <= nginx_rules(out).items()
    assert not any((out / old.lstrip("/")).exists() for old in expected)
    # Articles as before: straight to where they are now, with their pages.
    assert rules(out)["/news/2024/03/s0/"] == rules(out)["/daily/2024/03/s0/"] == "/2024/03/s0/"
    assert redirect_target(out, "news/2024/03/s0/") == "/2024/03/s0/"
    assert check_output(out, load_config(site)) == []


@pytest.mark.parametrize("months", [1, 3])
def test_a_permalink_that_loses_its_date_folders_moves_the_articles_and_no_feed(make_site: MakeSite, months: int) -> None:
    """``{year}/{month}/{slug}/`` made ``{slug}/``: each article's old address is its month's
    folder and its present path, as a site moved from that folder would have. Taken for
    bases, they gave every feed of the site a redirect from every month of the archive (1,300
    rules for 24 articles, past the 2,000 Cloudflare Pages reads, with the articles' own
    after them). The articles are redirected, and no feed: the site never was elsewhere."""
    content = {
        f"s{i}.md": article_md(f"Story {i}", date=f"2024-0{i % months + 1}-0{i + 1}T10:00:00+00:00", tags="[economy]", author="Jane Doe") for i in range(4)
    }
    site = make_site(content=content, config=f'base_url = "{BASE}"\narchive_size = 2\n')
    out = site / "output"
    assert build(site).ok
    (site / "sitegen.toml").write_text(f'base_url = "{BASE}"\narchive_size = 2\npermalink = "{{slug}}/"\n')
    assert build(site).ok
    moved = rules(out)
    articles = {f"/news/2024/0{i % months + 1}/s{i}/": f"/news/s{i}/" for i in range(4)}
    assert articles.items() <= moved.items()
    feeds = {old: new for old, new in moved.items() if old not in articles and not old.endswith(("/index.html", "/s0", "/s1", "/s2", "/s3"))}
    assert feeds == {}, feeds
    assert not any(old.endswith((".xml", ".json")) for old in nginx_rules(out))


@pytest.mark.parametrize(
    "steps",
    [
        # Moved, then its permalink changed: the base stays /news/.
        [('base_url = "https://example.org/"', ""), ('base_url = "https://example.org/"', 'permalink = "{slug}/"')],
        # Both in one build: news/2024/03/ before each present path, the base its undated part.
        [('base_url = "https://example.org/"', 'permalink = "{slug}/"')],
        # Moved, then the stories' slugs changed: their old addresses still show the move.
        [('base_url = "https://example.org/"', ""), ('base_url = "https://example.org/"', "slug")],
    ],
    ids=["then-permalink", "at-once", "then-slug"],
)
def test_the_base_a_site_moved_from_keeps_its_feed_redirects_through_later_moves(make_site: MakeSite, steps: list[tuple[str, str]]) -> None:
    """A folder of an old address that is its permalink's dates is no base (above); one
    before them, or before an address the story had after the move, is."""
    site = _newsroom(make_site, BASE)
    out = site / "output"
    assert build(site).ok
    for base, then in steps:
        if then == "slug":  # every story's: none has its address of the move now
            for story in (site / "content").glob("s*.md"):
                story.write_text(story.read_text().replace("title:", f"slug: renamed-{story.stem}\ntitle:", 1))
        setting = "" if then == "slug" else then
        (site / "sitegen.toml").write_text(f"{base}\narchive_size = 2\n{setting}\n")
        assert build(site).ok
    moved = rules(out)
    feeds = {old: new for old, new in moved.items() if old.endswith((".xml", ".json"))}
    assert feeds == {f"/news/{feed}": f"/{feed}" for feed in FEEDS}, sorted(feeds)


def test_an_old_feed_address_a_live_file_has_now_is_no_redirect(make_site: MakeSite) -> None:
    """From https://example.org/tags/economy/ to the host's root: the old site feed's address
    tags/economy/atom.xml (and its RSS and JSON) is the economy tag's feed now, which wins."""
    site = _newsroom(make_site, "https://example.org/tags/economy/")
    out = site / "output"
    assert build(site).ok
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\narchive_size = 2\n')
    assert build(site).ok
    moved = rules(out)
    assert moved["/tags/economy/feeds/archive/1.xml"] == "/feeds/archive/1.xml" and moved["/tags/economy/2024/03/s0/"] == "/2024/03/s0/"
    for live in ("atom.xml", "rss.xml", "feed.json"):
        assert f"/tags/economy/{live}" not in moved and f"/tags/economy/{live}" not in nginx_rules(out)
    assert parse_feed(out / "tags" / "economy" / "atom.xml").feed.title.endswith(": economy")


def test_nginx_answers_an_old_feed_address_with_301_using_the_map(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """The README's "Moved articles" block in a real nginx, the site moved from /news/ to /."""
    from test_hosting import README, running_nginx

    site = _newsroom(make_site, BASE)
    assert build(site).ok
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\narchive_size = 2\n')
    assert build(site).ok
    www = tmp_path / "www"
    shutil.copytree(site / "output", www)
    recipe = README.read_text(encoding="utf-8").split("## Moved articles", 1)[1].split("```nginx\n", 1)[1].split("```", 1)[0]
    recipe = recipe.replace("/srv/www/news/", f"{www}/").replace("# ...", f"listen 127.0.0.1:{{port}};\n    root {www};")
    with running_nginx(tmp_path / "nginx", recipe) as port:
        for old, new in (("/news/atom.xml", "/atom.xml"), ("/news/tags/economy/rss.xml", "/tags/economy/rss.xml"), ("/news/feeds/archive/1.json", "/feeds/archive/1.json")):
            status, location, _ = fetched(port, old)
            assert (status, location) == (301, f"http://127.0.0.1:{port}{new}"), old
            status, _, body = fetched(port, new)
            assert status == 200 and body == (www / new.lstrip("/")).read_bytes(), new


def test_a_story_made_a_page_is_redirected_to_from_its_old_address(make_site: MakeSite, tmp_path: Path) -> None:
    """``page: true`` added to a published story moves it to /<slug>/, out of every feed: its
    old address answers with a redirect there (the ledger keeps it), in a clean clone too;
    made a story again, the page's address is redirected to the story in turn."""
    story = article_md("About the Gazette", date="2024-03-01T10:00:00+00:00", slug="about-us", id="urn:test:about")
    site = make_site(content={"about.md": story, "b.md": article_md("B")}, config=f'base_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok
    (site / "content" / "about.md").write_text(story.replace("slug: about-us", "slug: about-us\npage: true"))
    assert build(site).ok
    assert (out / "about-us" / "index.html").is_file()
    assert redirect_target(out, "2024/03/about-us/") == "/news/about-us/"
    assert rules(out) == {"/news/2024/03/about-us/": "/news/about-us/"}
    assert nginx_rules(out)["/news/2024/03/about-us/"] == "/news/about-us/"
    assert "urn:test:about" not in {entry.id for entry in parse_feed(out / "atom.xml").entries}
    # A clean clone of the same content (the ledger with it) redirects the same way.
    clone = tmp_path / "clone"
    shutil.copytree(site / "content", clone / "content")
    shutil.copy(site / "sitegen.toml", clone / "sitegen.toml")
    (clone / "seeds").mkdir()
    assert build(clone).ok
    assert (clone / "output" / "_redirects").read_bytes() == (out / "_redirects").read_bytes()
    assert (clone / "output" / "2024/03/about-us/index.html").read_bytes() == (out / "2024/03/about-us/index.html").read_bytes()
    # A story again: back at its address, and the page's address sends readers to it.
    (site / "content" / "about.md").write_text(story)
    assert build(site).ok
    assert redirect_target(out, "about-us/") == "/news/2024/03/about-us/" and redirect_target(out, "2024/03/about-us/") is None
    assert "urn:test:about" in {entry.id for entry in parse_feed(out / "atom.xml").entries}


def test_a_feed_address_of_hugo_or_jekyll_redirects_to_the_feed_of_its_folder(make_site: MakeSite) -> None:
    """A site brought from Hugo had its feeds at index.xml (the site's, each tag's), one from
    Jekyll at feed.xml: every subscriber asks there, and got a 404. ``feed_aliases`` names
    them, and the host lists send each, in every folder that has feeds, to that folder's
    Atom feed (any feed reader reads it), with no redirect page (a reader follows none)."""
    site = make_site(
        content={
            "a.md": article_md("A", date="2024-03-01T10:00:00+00:00", tags="[Economy]", author="Jane Doe"),
            "b.md": article_md("B", date="2024-03-02T10:00:00+00:00", tags="[Sport]"),
        },
        config=f'base_url = "{BASE}"\nfeed_aliases = ["index.xml", "feed.xml"]\n',
    )
    out = site / "output"
    assert build(site).ok
    expected = {
        f"/news/{folder}{name}": f"/news/{folder}atom.xml"
        for folder in ("", "tags/economy/", "tags/sport/", "authors/jane-doe/")
        for name in ("index.xml", "feed.xml")
    }
    assert expected.items() <= rules(out).items() and expected.items() <= nginx_rules(out).items()
    assert not (out / "index.xml").exists() and not (out / "feed.xml").exists() and not (out / "tags" / "economy" / "index.xml").exists()
    assert parse_feed(out / "tags" / "economy" / "atom.xml").entries[0].title == "A"
    assert check_output(out, load_config(site)) == []


def test_an_old_address_the_hosts_would_read_as_a_pattern_gets_no_rule_in_redirects(make_site: MakeSite) -> None:
    """Netlify and Cloudflare Pages read '*' in a rule's address as a splat and ':name' as a
    placeholder: '/news/2019/q:a/' sent every /news/2019/q.../ to the story (forced, on
    Netlify, over live pages too), and Cloudflare counts every rule after the first such one
    as dynamic, of which it reads 100, then skips the rest of the file. Such an address keeps
    its redirect page and the nginx map's 301, and its alias's line is warned of."""
    site = make_site(
        content={
            "a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases='["2019/q:a/", "2019/*star/", "2019/plain/", "2019/time-10:30/"]'),
            "b.md": article_md("B", date="2024-03-02T10:00:00+00:00", aliases="[zz-old/]"),
        },
        config=f'base_url = "{BASE}"\n',
    )
    report = build(site)
    assert report.ok
    out = site / "output"
    # ':3' is no placeholder (a name starts with a letter), so 2019/time-10:30/ keeps its rule.
    assert rules(out) == {"/news/2019/plain/": "/news/2024/03/a/", "/news/2019/time-10:30/": "/news/2024/03/a/", "/news/zz-old/": "/news/2024/03/b/"}
    for old in ("2019/q:a/", "2019/*star/"):
        assert redirect_target(out, old) == "/news/2024/03/a/"
        assert nginx_rules(out)["/news/" + old] == "/news/2024/03/a/"
    warned = [w for w in report.warnings if "_redirects" in w]
    assert len(warned) == 2 and all(w.startswith(f"{site / 'content' / 'a.md'}:4: aliases: ") for w in warned), report.warnings
    assert any("'2019/q:a/'" in w and "':a'" in w for w in warned) and any("'2019/*star/'" in w and "'*'" in w for w in warned)


def test_redirects_lists_the_feeds_old_addresses_before_the_pages(make_site: MakeSite) -> None:
    """Cloudflare Pages applies the first 2,000 rules of _redirects and skips each one after.
    An old page address past them still has its redirect page; an old feed address has none,
    and sorted among the pages (/news/2019/..., /news/a-old/ before /news/index.xml and
    /news/tags/...) a migrated site's feed aliases were the rules skipped: 404s to its
    subscribers."""
    site = make_site(
        content={
            "a.md": article_md("A", date="2024-03-01T10:00:00+00:00", tags="[Economy]", aliases="[a-old/, 2019/a/]"),
            "b.md": article_md("B", date="2024-03-02T10:00:00+00:00", tags="[Sport]", aliases="[zz-old/]"),
        },
        config=f'base_url = "{BASE}"\nfeed_aliases = ["index.xml"]\n',
    )
    assert build(site).ok
    olds = list(rules(site / "output"))
    feeds = [old for old in olds if old.endswith(".xml")]
    pages = [old for old in olds if old.endswith("/")]
    assert set(pages) == {"/news/a-old/", "/news/2019/a/", "/news/zz-old/"} and "/news/tags/sport/index.xml" in feeds
    assert olds == sorted(feeds) + sorted(pages)
    assert redirects.listed(site / "output")["/news/index.xml"] == "/news/atom.xml"


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ('["atom.xml"]', "'atom.xml' is the address of the site's own feed"),
        ('["../index.xml"]', "'../index.xml' is not a path of this site: write one such as 'posts/index.xml'"),
        ('[".feed.xml"]', "'.feed.xml' must be a file name, such as \"index.xml\" (it is redirected in every folder that has feeds), or the path of one"),
        ('["_redirects"]', "'_redirects' is a file the build writes for the host"),
        ('["index.html"]', "'index.html' is no feed's name: it must end in .xml, .rss, .atom or .json"),
    ],
)
def test_a_feed_alias_that_is_no_feed_file_name_is_an_error_naming_its_line(make_site: MakeSite, runner: CliRunner, written: str, said: str) -> None:
    site = make_site(content={"a.md": article_md("A")}, config=f'title = "T"\nfeed_aliases = {written}\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"{site / 'sitegen.toml'}:2: feed_aliases: {said}" in result.output


def test_a_feed_address_in_an_article_s_aliases_is_warned_of_at_its_line(make_site: MakeSite) -> None:
    """Listed in an article's ``aliases``, an old tool's feed address (/index.xml) became that
    article's HTML redirect page: its subscribers' readers were handed a page they do not
    follow, with no word said. The alias stays (a browser follows it); the warning names
    ``feed_aliases``, which sends the feed's readers to the feed."""
    site = make_site(
        content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[/index.xml, old/story/, news.RSS]")},
        config='base_url = "https://example.org/"\n',
    )
    report = build(site)
    assert report.ok
    where = f"{site / 'content' / 'a.md'}:4: aliases:"
    said = "looks like a feed's address: its redirect is a page that feed readers do not follow"
    assert [w for w in report.warnings if said in w] == [
        f"{where} '/index.xml' {said}; to send an old feed's subscribers to the site's feeds, add its name to feed_aliases in sitegen.toml instead",
        f"{where} 'news.RSS' {said}; to send an old feed's subscribers to the site's feeds, add its name to feed_aliases in sitegen.toml instead",
    ], report.warnings
    assert redirect_target(site / "output", "index.xml") == redirect_target(site / "output", "old/story/") == "/2024/03/a/"


def test_a_feed_alias_wins_over_an_article_s_alias_of_the_same_address(make_site: MakeSite) -> None:
    """An article brought from Hugo may still list index.xml in its aliases when
    ``feed_aliases`` names it too: the article's redirect page took the address, the feed's
    301 was dropped without a word, and every subscriber was sent to one story's page. The
    feed's old address goes to the feed; the alias is named at its line."""
    site = make_site(
        content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", tags="[Economy]", aliases="[index.xml, tags/economy/feed.xml, old/]")},
        config=f'base_url = "{BASE}"\nfeed_aliases = ["index.xml", "feed.xml"]\n',
    )
    out = site / "output"
    report = build(site)
    assert report.ok
    assert rules(out)["/news/index.xml"] == nginx_rules(out)["/news/index.xml"] == "/news/atom.xml"
    assert rules(out)["/news/tags/economy/feed.xml"] == nginx_rules(out)["/news/tags/economy/feed.xml"] == "/news/tags/economy/atom.xml"
    assert not (out / "index.xml").exists() and not (out / "tags" / "economy" / "feed.xml").exists()
    assert redirect_target(out, "old/") == "/news/2024/03/a/"
    where = f"{site / 'content' / 'a.md'}:5: aliases:"
    assert [w for w in report.warnings if "xml" in w] == [
        f"{where} no redirect from 'index.xml': it is an old address of the feed 'atom.xml', which it is sent to; remove the alias",
        f"{where} no redirect from 'tags/economy/feed.xml': it is an old address of the feed 'tags/economy/atom.xml', which it is sent to; remove the alias",
    ], report.warnings


TAG_FEEDS = ("atom.xml", "rss.xml", "feed.json")


def _tagged_site(make_site: MakeSite) -> Path:
    """Three articles tagged "Economy & Business", two a page: the tag's pages are
    tags/economy-business/ and tags/economy-business/page/2/ by its name."""
    content = {f"s{i}.md": article_md(f"Story {i}", date=f"2024-03-0{i}T10:00:00+00:00", tags="[Economy & Business]") for i in (1, 2, 3)}
    return make_site(content=content, config=f'base_url = "{BASE}"\npage_size = 2\n')


def _with_table(site: Path, slug: str) -> None:
    (site / "sitegen.toml").write_text(f'base_url = "{BASE}"\npage_size = 2\n\n[tags.{slug}]\nname = "Economy & Business"\n')


def _tag_redirects(out: Path, old: str, new: str) -> dict[str, str]:
    """What the lists should send from the tag folder ``old`` to ``new``: its feeds and its two listing pages."""
    return {f"/news/tags/{old}/{path}": f"/news/tags/{new}/{path}" for path in (*TAG_FEEDS, "", "page/2/")}


def test_a_tag_given_an_address_of_its_own_redirects_its_old_pages_and_feeds(make_site: MakeSite, runner: CliRunner) -> None:
    """A [tags.<slug>] table moved the tag, and its old address simply went: the listing
    answered 404 and the old feeds stayed, empty, never updated again. Now each old feed
    has a 301 to the one its subscribers should read, and each listing page a redirect."""
    site = _tagged_site(make_site)
    out = site / "output"
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert len(parse_feed(out / "tags/economy-business/atom.xml").entries) == 3
    _with_table(site, "economy")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    expected = _tag_redirects(out, "economy-business", "economy")
    assert expected.items() <= rules(out).items() and expected.items() <= nginx_rules(out).items()
    assert nginx_rules(out)["/news/tags/economy-business"] == nginx_rules(out)["/news/tags/economy-business/index.html"] == "/news/tags/economy/"
    # The feeds have no page at their old address (a reader follows none): the host's 301 alone.
    assert not any((out / "tags/economy-business" / feed).exists() for feed in TAG_FEEDS)
    assert len(parse_feed(out / "tags/economy/atom.xml").entries) == 3
    assert redirect_target(out, "tags/economy-business/") == "/news/tags/economy/"
    assert redirect_target(out, "tags/economy-business/page/2/") == "/news/tags/economy/page/2/"
    page = lxml_html.fromstring((out / "tags/economy-business/index.html").read_bytes())
    assert page.xpath("string(//h1)") == "Tag: Economy & Business" and page.xpath("//main//a/@href") == ["/news/tags/economy/"]
    assert check_output(out, load_config(site)) == []


# redirect.html as sites copied it before tags moved: written for an article's old address.
ARTICLE_REDIRECT_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ config.language }}"{% if text_direction == "rtl" %} dir="rtl"{% endif %}>
<head>
<meta charset="utf-8">
<title>{{ _("Moved: %(title)s", title=target.title) }}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{{ target.canonical or target.path | absolute }}">
<meta http-equiv="refresh" content="0; url={{ target.path | url }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<main>
<h1{{ target | lang("auto") }}>{{ target.title }}</h1>
<p>{% trans link=(target.path | url), address=(target.path | absolute) %}This article has moved to <a href="{{ link }}" dir="ltr">{{ address }}</a>.{% endtrans %}</p>
</main>
</body>
</html>
"""


def test_a_site_s_own_redirect_template_made_for_articles_renders_a_moved_tag_s_pages(make_site: MakeSite) -> None:
    """A site's own redirect.html, copied from the theme before tags moved, reads
    ``target.canonical`` and ``target.title``: a moved tag's old page is rendered by it too,
    its target the tag's page as a link gives it, and the build has no error."""
    site = _tagged_site(make_site)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "redirect.html").write_text(ARTICLE_REDIRECT_TEMPLATE)
    assert build(site).ok
    _with_table(site, "economy")
    report = build(site)
    assert report.ok, report.errors
    page = lxml_html.fromstring((site / "output" / "tags/economy-business/index.html").read_bytes())
    assert page.xpath("//link[@rel='canonical']/@href") == [BASE + "tags/economy/"]
    assert redirect_target(site / "output", "tags/economy-business/") == "/news/tags/economy/"


def test_a_tag_moved_by_the_slugs_setting_redirects_both_ways(make_site: MakeSite) -> None:
    """slugs = "unicode" moves an Arabic tag from tags/ryd/ to tags/رياضة/, and going back
    moves it again: each way, its old pages and feeds redirect. Going back, the ledger's
    slug in Arabic was taken for a hand edit and redirected nowhere."""
    site = make_site(content={"a.md": article_md("مباراة", slug="match", tags="[رياضة]")}, config=f'language = "ar"\nbase_url = "{BASE}"\n')
    out = site / "output"
    arabic = urls.encoded_path("tags/رياضة/")
    assert build(site).ok
    (site / "sitegen.toml").write_text(f'language = "ar"\nbase_url = "{BASE}"\nslugs = "unicode"\n')
    assert build(site).ok
    assert rules(out)["/news/tags/ryd/atom.xml"] == f"/news/{arabic}atom.xml" and redirect_target(out, "tags/ryd/") == "/news/tags/رياضة/"
    (site / "sitegen.toml").write_text(f'language = "ar"\nbase_url = "{BASE}"\n')
    assert build(site).ok
    assert rules(out)[f"/news/{arabic}atom.xml"] == "/news/tags/ryd/atom.xml" and redirect_target(out, "tags/رياضة/") == "/news/tags/ryd/"
    assert nginx_rules(out)["/news/tags/رياضة/rss.xml"] == "/news/tags/ryd/rss.xml"  # nginx matches $uri decoded


def test_a_tag_moved_twice_redirects_from_both_old_addresses_straight_to_the_current_one(make_site: MakeSite) -> None:
    site = _tagged_site(make_site)
    out = site / "output"
    assert build(site).ok
    _with_table(site, "economy")
    assert build(site).ok
    _with_table(site, "econ")
    assert build(site).ok
    expected = _tag_redirects(out, "economy-business", "econ") | _tag_redirects(out, "economy", "econ")
    assert expected.items() <= rules(out).items() and expected.items() <= nginx_rules(out).items()
    assert redirect_target(out, "tags/economy/page/2/") == redirect_target(out, "tags/economy-business/page/2/") == "/news/tags/econ/page/2/"
    assert not (out / "tags/economy/atom.xml").exists()
    # Remembered in content/, committed with the articles: a clean build of a fresh clone
    # (no output, no build cache) makes the same redirects.
    listed = (out / "_redirects").read_bytes()
    shutil.rmtree(out)
    shutil.rmtree(site / CACHE_DIR)
    assert build(site).ok and (out / "_redirects").read_bytes() == listed
    # A tag no article has any more is redirected nowhere.
    for i in (1, 2, 3):
        (site / "content" / f"s{i}.md").write_text(article_md(f"Story {i}", date=f"2024-03-0{i}T10:00:00+00:00"))
    assert build(site).ok
    assert not any("/tags/" in old for old in rules(out)) and redirect_target(out, "tags/economy/") is None


def test_an_old_tag_address_another_tag_has_now_is_that_tag_s(make_site: MakeSite) -> None:
    """"Economy-Business" (another name, spelt otherwise) makes the address the moved tag
    had: its page and feeds are live there, and win, as a new article wins an old address."""
    site = _tagged_site(make_site)
    out = site / "output"
    assert build(site).ok
    _with_table(site, "economy")
    (site / "content" / "s4.md").write_text(article_md("Story 4", date="2024-03-04T10:00:00+00:00", tags="[Economy-Business]"))
    assert build(site).ok
    assert not any("/tags/economy-business/" in old for old in rules(out)) and not any("/tags/economy-business" in old for old in nginx_rules(out))
    assert [e.title for e in parse_feed(out / "tags/economy-business/atom.xml").entries] == ["Story 4"]
    assert redirect_target(out, "tags/economy-business/") is None
    assert lxml_html.fromstring((out / "tags/economy-business/index.html").read_bytes()).xpath("string(//h1)").strip() == "Tag: Economy-Business"
    assert len(parse_feed(out / "tags/economy/atom.xml").entries) == 3


def test_a_preview_records_no_tag_address(make_site: MakeSite, runner: CliRunner) -> None:
    """A preview (build --base-url) with a table records nothing: the tag's address there was
    never published, and the real build after another table redirects from none of it."""
    site = _tagged_site(make_site)
    out = site / "output"
    ledger = site / "content" / ".sitegen-updated.json"
    assert build(site).ok
    recorded = ledger.read_bytes()
    _with_table(site, "economy")
    preview = runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://preview.example.org/", "--output", str(site / "preview")])
    assert preview.exit_code == 0, preview.output
    assert ledger.read_bytes() == recorded
    _with_table(site, "econ")
    assert build(site).ok
    assert _tag_redirects(out, "economy-business", "econ").items() <= rules(out).items()
    assert not any(old.startswith("/news/tags/economy/") for old in rules(out))


def _byline_site(make_site: MakeSite) -> Path:
    """Three articles by Mara Quinn, two a page: her pages are authors/mara-quinn/ and
    authors/mara-quinn/page/2/ by her name, as no [authors] table describes her."""
    stories = {f"q{n}.md": article_md(f"Report {n}", date=f"2024-04-0{n}T08:00:00+00:00", author="Mara Quinn") for n in (1, 2, 3)}
    return make_site(content=stories, config=f'base_url = "{BASE}"\npage_size = 2\n')


def _describe(site: Path, *tables: tuple[str, str]) -> None:
    """sitegen.toml with an [authors.<slug>] table for each (slug, name) of ``tables``."""
    described = "".join(f'\n[authors.{slug}]\nname = "{name}"\n' for slug, name in tables)
    (site / "sitegen.toml").write_text(f'base_url = "{BASE}"\npage_size = 2\n{described}')


def _byline_moves(old: str, new: str) -> dict[str, str]:
    """Each address of the byline folder ``old`` (feeds, both listing pages) -> its own in ``new``."""
    names = ("", "page/2/", *TAG_FEEDS)
    return dict(zip((f"/news/authors/{old}/{name}" for name in names), (f"/news/authors/{new}/{name}" for name in names), strict=True))


def test_a_byline_given_an_address_of_its_own_redirects_its_old_pages_and_feeds(make_site: MakeSite, runner: CliRunner) -> None:
    """An [authors.mquinn] table moved Mara Quinn's pages and feeds, and the old ones simply
    went: her page answered 404 and her old feeds stayed, empty, never updated again. Now
    both lists send each old feed and page on, and each old page has a redirect page."""
    site = _byline_site(make_site)
    out = site / "output"
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert [e.title for e in parse_feed(out / "authors/mara-quinn/rss.xml").entries] == ["Report 3", "Report 2", "Report 1"]
    _describe(site, ("mquinn", "Mara Quinn"))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    moves = _byline_moves("mara-quinn", "mquinn")
    assert moves.items() <= rules(out).items() and moves.items() <= nginx_rules(out).items()
    assert not [name for name in TAG_FEEDS if (out / "authors/mara-quinn" / name).exists()]
    assert [e.title for e in parse_feed(out / "authors/mquinn/rss.xml").entries] == ["Report 3", "Report 2", "Report 1"]
    assert redirect_target(out, "authors/mara-quinn/page/2/") == "/news/authors/mquinn/page/2/"
    moved = lxml_html.fromstring((out / "authors/mara-quinn/index.html").read_bytes())
    assert redirect_target(out, "authors/mara-quinn/") == "/news/authors/mquinn/"
    assert moved.xpath("string(//h1)") == "Mara Quinn" and moved.xpath("string(//main/p)") == "This page has moved to https://example.org/news/authors/mquinn/."
    assert check_output(out, load_config(site)) == []


def test_a_byline_moved_again_is_sent_straight_to_its_address_now(make_site: MakeSite) -> None:
    site = _byline_site(make_site)
    out = site / "output"
    for tables in ((), (("mquinn", "Mara Quinn"),), (("mara", "Mara Quinn"),)):
        _describe(site, *tables)
        assert build(site).ok
    wanted = _byline_moves("mara-quinn", "mara") | _byline_moves("mquinn", "mara")
    assert wanted.items() <= rules(out).items() and wanted.items() <= nginx_rules(out).items()
    assert redirect_target(out, "authors/mquinn/") == redirect_target(out, "authors/mara-quinn/") == "/news/authors/mara/"
    assert not (out / "authors/mquinn/feed.json").exists() and len(parse_feed(out / "authors/mara/atom.xml").entries) == 3
    # The ledger, in content/, is what remembers: a fresh clone's first build has them all.
    before = (out / "_redirects").read_bytes()
    shutil.rmtree(out)
    shutil.rmtree(site / CACHE_DIR)
    assert build(site).ok and (out / "_redirects").read_bytes() == before


def test_an_old_byline_address_another_author_has_now_is_theirs(make_site: MakeSite) -> None:
    """Once Mara Quinn moved to authors/mquinn/, the newsroom gave authors/mara-quinn/ to
    another Mara: her page and feeds are live there, and no redirect shadows them."""
    site = _byline_site(make_site)
    out = site / "output"
    assert build(site).ok
    _describe(site, ("mquinn", "Mara Quinn"))
    assert build(site).ok
    assert redirect_target(out, "authors/mara-quinn/") == "/news/authors/mquinn/"
    _describe(site, ("mquinn", "Mara Quinn"), ("mara-quinn", "Mara Quinn-Holt"))
    (site / "content" / "h1.md").write_text(article_md("Harbour", date="2024-04-05T08:00:00+00:00", author="Mara Quinn-Holt"))
    assert build(site).ok
    assert not [old for old in (*rules(out), *nginx_rules(out)) if "/authors/mara-quinn" in old]
    assert redirect_target(out, "authors/mara-quinn/") is None
    assert lxml_html.fromstring((out / "authors/mara-quinn/index.html").read_bytes()).xpath("string(//h1)").strip() == "Mara Quinn-Holt"
    assert [e.title for e in parse_feed(out / "authors/mara-quinn/atom.xml").entries] == ["Harbour"]
    assert len(parse_feed(out / "authors/mquinn/atom.xml").entries) == 3


def test_a_preview_records_no_byline_address(make_site: MakeSite, runner: CliRunner) -> None:
    """A preview with a table (build --base-url) leaves the ledger as it was: the address it
    gave the byline was never out, so the next real build redirects from none of it."""
    site = _byline_site(make_site)
    ledger = site / "content" / ".sitegen-updated.json"
    assert build(site).ok
    kept = ledger.read_bytes()
    _describe(site, ("mquinn", "Mara Quinn"))
    shown = runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://preview.example.org/", "--output", str(site / "preview")])
    assert shown.exit_code == 0, shown.output
    assert ledger.read_bytes() == kept
    _describe(site, ("mara", "Mara Quinn"))
    assert build(site).ok
    assert sorted(rules(site / "output")) == sorted(_byline_moves("mara-quinn", "mara"))


def test_a_byline_moved_by_the_slugs_setting_is_redirected(make_site: MakeSite) -> None:
    """slugs = "unicode" moves an Arabic byline from authors/sr-hmd/ to its name in Arabic:
    its old pages and feeds redirect there, as a tag's do."""
    site = make_site(content={"a.md": article_md("مباراة", slug="match", author="سارة أحمد")}, config=f'language = "ar"\nbase_url = "{BASE}"\n')
    out = site / "output"
    assert build(site).ok and (out / "authors/sr-hmd/index.html").is_file()
    (site / "sitegen.toml").write_text(f'language = "ar"\nbase_url = "{BASE}"\nslugs = "unicode"\n')
    assert build(site).ok
    arabic = urls.encoded_path("authors/سارة-أحمد/")
    assert rules(out)["/news/authors/sr-hmd/feed.json"] == f"/news/{arabic}feed.json"
    assert redirect_target(out, "authors/sr-hmd/") == "/news/authors/سارة-أحمد/"


@pytest.mark.parametrize("preview", ["https://preview.example.com/staging/", "http://127.0.0.1:8000/"], ids=["staging", "serve"])
def test_a_preview_redirects_an_old_address_of_a_moved_article_as_the_site_does(make_site: MakeSite, tmp_path: Path, preview: str) -> None:
    """The ledger keeps an article's old addresses under the site's base_url: a preview
    (build --base-url, sitegen serve) of a site whose slug an editor just fixed answers the
    old address with the redirect the site has there, not with its not-found page."""
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00")}, config=f'base_url = "{BASE}"\n')
    assert build(site).ok
    (site / "content" / "a.md").write_text(article_md("A", date="2024-03-01T10:00:00+00:00", slug="a-fixed"))
    assert build(site).ok and redirect_target(site / "output", "2024/03/a/") == "/news/2024/03/a-fixed/"
    out = tmp_path / "preview"
    assert build(site, output_dir=out, overrides={"base_url": preview}).ok
    base = "/" + preview.split("/", 3)[3]
    page = lxml_html.fromstring((out / "2024/03/a/index.html").read_bytes())
    assert page.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={base}2024/03/a-fixed/"]
    assert rules(out) == {f"{base}2024/03/a/": f"{base}2024/03/a-fixed/"}
    assert not (out / "news").exists()


def _hugo_site(make_site: MakeSite, news: str = "", feed_aliases: str = '["index.xml"]') -> Path:
    """A Hugo site moved here with ``convert --keys``, its category News now a tag beside
    Sport: three stories of News, two a page, one of Sport by Jane Doe. ``news``: more keys of
    the ``[tags.news]`` table."""
    content = {f"n{i}.md": article_md(f"News {i}", date=f"2024-03-0{i}T10:00:00+00:00", tags="[News]") for i in (1, 2, 3)}
    content["s.md"] = article_md("Cup final", date="2024-03-05T10:00:00+00:00", tags="[Sport]", author="Jane Doe")
    config = f'base_url = "{BASE}"\npage_size = 2\nfeed_aliases = {feed_aliases}\n\n[tags.news]\nname = "News"\n{news}'
    return make_site(content=content, config=config)


HUGO_CATEGORY = 'aliases = ["/news/categories/news/"]\n'


def test_a_tag_s_old_listing_folder_redirects_to_the_tag_and_its_feeds_to_the_tag_s_feeds(make_site: MakeSite, runner: CliRunner) -> None:
    """A Hugo site's category (``categories`` merged into ``tags`` by ``convert --keys``)
    answered 404 at /categories/news/ and its feed, index.xml: subscribers lost it for good.
    The tag's table names the old folder: its pages get redirect pages and 301s, its feeds
    (the old tool's names, and sitegen's own) 301s to the tag's, and no page (a feed reader
    follows none)."""
    site = _hugo_site(make_site)
    out = site / "output"
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert not any(old.startswith("/news/categories/") for old in rules(out))
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text() + HUGO_CATEGORY)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    expected = {
        "/news/categories/news/": "/news/tags/news/",
        "/news/categories/news/page/2/": "/news/tags/news/page/2/",
        "/news/categories/news/index.xml": "/news/tags/news/atom.xml",
        **{f"/news/categories/news/{feed}": f"/news/tags/news/{feed}" for feed in TAG_FEEDS},
    }
    assert {old: new for old, new in rules(out).items() if "/categories/" in old} == expected
    assert expected.items() <= nginx_rules(out).items()
    assert nginx_rules(out)["/news/categories/news"] == nginx_rules(out)["/news/categories/news/index.html"] == "/news/tags/news/"
    assert redirect_target(out, "categories/news/") == "/news/tags/news/"
    assert redirect_target(out, "categories/news/page/2/") == "/news/tags/news/page/2/"
    page = lxml_html.fromstring((out / "categories/news/index.html").read_bytes())
    assert page.xpath("string(//h1)") == "Tag: News"
    assert sorted(p.name for p in (out / "categories/news").iterdir() if p.is_file()) == ["index.html", "index.html.br", "index.html.gz"]
    assert [e.title for e in parse_feed(out / "tags/news/atom.xml").entries] == ["News 3", "News 2", "News 1"]
    assert check_output(out, load_config(site)) == []
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0


def test_a_byline_s_old_folder_redirects_by_the_same_rules(make_site: MakeSite) -> None:
    """Hugo's authors/<name>/ of a byline that has another slug here: an ``[authors.<slug>]``
    table's ``aliases`` are a tag table's."""
    site = _hugo_site(make_site)
    with (site / "sitegen.toml").open("a") as toml:
        toml.write('\n[authors.jane-doe]\nname = "Jane Doe"\naliases = ["writers/jane/"]\n')
    out = site / "output"
    assert build(site).ok
    expected = {
        "/news/writers/jane/": "/news/authors/jane-doe/",
        "/news/writers/jane/index.xml": "/news/authors/jane-doe/atom.xml",
        **{f"/news/writers/jane/{feed}": f"/news/authors/jane-doe/{feed}" for feed in TAG_FEEDS},
    }
    assert {old: new for old, new in rules(out).items() if "/writers/" in old} == expected
    assert expected.items() <= nginx_rules(out).items()
    assert redirect_target(out, "writers/jane/") == "/news/authors/jane-doe/"
    assert check_output(out, load_config(site)) == []


def test_a_feed_alias_path_redirects_an_old_section_feed_to_the_site_s_feed(make_site: MakeSite) -> None:
    """Hugo's section feeds (/posts/index.xml) have no folder of feeds here: a path in
    ``feed_aliases`` sends that one address to the site's Atom feed; a name keeps its meaning."""
    site = _hugo_site(make_site, feed_aliases='["index.xml", "/news/posts/index.xml", "world/feed.xml"]')
    out = site / "output"
    assert build(site).ok
    for old, new in (("posts/index.xml", "atom.xml"), ("world/feed.xml", "atom.xml"), ("index.xml", "atom.xml"), ("tags/sport/index.xml", "tags/sport/atom.xml")):
        assert rules(out)["/news/" + old] == nginx_rules(out)["/news/" + old] == "/news/" + new
    assert "/news/tags/sport/posts/index.xml" not in rules(out) and "/news/tags/sport/feed.xml" not in rules(out)
    assert not (out / "posts").exists() and not (out / "world").exists()
    assert check_output(out, load_config(site)) == []


def test_a_feed_alias_path_in_a_folder_of_feeds_gives_way_to_that_folder_s_own(make_site: MakeSite) -> None:
    """A path of ``feed_aliases`` that is also a name of the feeds of a folder (a tag's, or
    a table's old folder) is that folder's feed's old address: sent there once, not also to
    the site's feed, as two rules for one address stop nginx loading the map (``conflicting
    parameter``) and on Netlify the first one wins."""
    paths = '["index.xml", "/news/categories/news/index.xml", "tags/sport/index.xml", "posts/index.xml"]'
    site = _hugo_site(make_site, news=HUGO_CATEGORY, feed_aliases=paths)
    out = site / "output"
    assert build(site).ok
    olds = [line.split()[0] for line in (out / "_redirects").read_text().splitlines() if not line.startswith("#")]
    assert len(olds) == len(set(olds)), sorted({old for old in olds if olds.count(old) > 1})
    keys = [line.split()[0] for line in (out / "redirects.nginx.map").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(keys) == len(set(keys)), sorted({key for key in keys if keys.count(key) > 1})
    for old, new in (("categories/news/index.xml", "tags/news/atom.xml"), ("tags/sport/index.xml", "tags/sport/atom.xml"), ("posts/index.xml", "atom.xml")):
        assert rules(out)["/news/" + old] == nginx_rules(out)["/news/" + old] == "/news/" + new


def test_a_table_s_alias_never_shadows_a_live_page_or_feed_and_says_so_at_its_line(make_site: MakeSite) -> None:
    """The archive is live at archive/, an article's page at 2024/03/n1/, and a story's alias
    at old/: each wins over a tag's alias written there, which is named at its line; a feed
    alias path at a live feed is no redirect either."""
    site = _hugo_site(make_site, news='aliases = ["archive/", "2024/03/n1/", "old/", "categories/news/"]\n', feed_aliases='["tags/sport/rss.xml"]')
    (site / "content" / "s.md").write_text(article_md("Cup final", date="2024-03-05T10:00:00+00:00", tags="[Sport]", aliases="[old/]"))
    out = site / "output"
    report = build(site)
    assert report.ok, report.errors
    where = f"{site / 'sitegen.toml'}:7: tags.news.aliases: no redirect from"
    assert [w for w in report.warnings if "tags.news.aliases" in w] == [
        f"{where} '2024/03/n1/': the page of {site / 'content' / 'n1.md'} is there and wins; remove the alias",
        f"{where} 'archive/': the site's own 'archive/' is there and wins; remove the alias",
        f"{where} 'old/': an old address of {site / 'content' / 's.md'} is there and wins; remove the alias",
    ], report.warnings
    assert redirect_target(out, "old/") == "/news/2024/03/s/"
    assert "Archive" in lxml_html.fromstring((out / "archive/index.html").read_bytes()).xpath("string(//title)")
    assert rules(out)["/news/categories/news/"] == "/news/tags/news/"
    assert not any(old.startswith(("/news/archive", "/news/2024/", "/news/tags/sport/rss.xml")) for old in rules(out))
    assert parse_feed(out / "tags/sport/rss.xml").entries[0].title == "Cup final"
    assert check_output(out, load_config(site)) == []


def test_a_table_s_alias_in_another_tag_s_live_folder_is_an_error_naming_the_table(make_site: MakeSite, runner: CliRunner) -> None:
    """Sport has no table, so its folder is known only once articles are read: an alias of
    News there would send Sport's readers to News. The build says so, naming the line, and
    builds the rest: Sport's pages stay Sport's."""
    site = _hugo_site(make_site, news='aliases = ["categories/news/", "tags/sport/"]\n')
    out = site / "output"
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"{site / 'sitegen.toml'}:7: tags.news.aliases: 'tags/sport/' is in the folder of the tag 'Sport', which is live there: remove the alias" in result.output
    assert "Traceback" not in result.output
    assert redirect_target(out, "tags/sport/") is None
    assert not any(old.startswith("/news/tags/sport/") and not old.endswith("index.xml") for old in rules(out))
    assert rules(out)["/news/categories/news/"] == "/news/tags/news/"
    assert parse_feed(out / "tags/sport/atom.xml").entries[0].title == "Cup final"


def test_adding_or_removing_a_table_s_alias_builds_what_a_clean_build_does(make_site: MakeSite, tmp_path: Path) -> None:
    """The tables are in sitegen.toml: an edit there redirects the folder (or stops) in one
    incremental build, byte for byte a clean build's, and the next build writes nothing."""
    site = _hugo_site(make_site)
    out = site / "output"
    toml = site / "sitegen.toml"
    plain = toml.read_text()
    assert build(site).ok
    for text in (plain + HUGO_CATEGORY, plain):
        toml.write_text(text)
        report = build(site)
        assert report.ok and report.written.written, report.cache
        again = build(site)
        assert again.written.written == [] and again.written.removed == []
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", CACHE_DIR))
        assert build(clean).ok
        assert _tree(out) == _tree(clean / "output"), text
    assert not (out / "categories").exists() and "/news/categories/news/" not in rules(out)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _plain_nginx_map(moves: list[tuple[str, str]], base_path: str, live: list[str]) -> tuple[bytes, str]:
    """nginx_map as first written, each address looked at and lowered as bytes in turn: what
    the faster one must still give."""
    root = unquote(base_path)
    entries = [(variant, new) for old, new in moves for variant in redirects._variants(root + old)]
    spellings: dict[str, set[str]] = {}
    for address in (*(key for key, _ in entries), *(a for path in (live if entries else ()) for a in redirects._variants(root + path, served=True))):
        spellings.setdefault(address.encode().lower().decode(), set()).add(address)
    lines, longest = [], ""
    for key, new in entries:
        if len(spellings[key.encode().lower().decode()]) > 1:
            source = f"~^\\Q{key}\\E$"
        else:
            source = key
            longest = max(longest, key, key=lambda address: len(address.encode()))
        lines.append(f'"{source}" "{base_path}{urls.encoded_path(new)}";\n')
    header = ["# sitegen: old address -> current address; include in a map block (README, Moved articles).\n"]
    if longest:
        header.append(f"# nginx needs map_hash_bucket_size {redirects.bucket_size(longest)} or more for this map: its longest address has {len(longest.encode()):,} bytes.\n")
    return "".join(header + lines).encode(), longest


_SEGMENT = st.text(alphabet="aAbBéÉıİſK\u212a-1", min_size=1, max_size=4)
_PATH = st.builds(lambda parts, folder: "/".join(parts) + ("/" if folder else ""), st.lists(_SEGMENT, min_size=1, max_size=3), st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_PATH, _PATH), max_size=12, unique_by=lambda pair: pair[0]),
    st.lists(_PATH, max_size=6),
    st.lists(st.booleans(), max_size=12),
    st.sampled_from(["/", "/news/", "/Nëws/"]),
)
def test_the_nginx_map_is_the_plain_one(moves: list[tuple[str, str]], live: list[str], swapped: list[bool], base_path: str) -> None:
    """Old addresses spelt alike but for case (ASCII or not: nginx lowers ASCII letters
    only), among themselves or beside live files: the map, its regular expressions and its
    longest address are those of the plain way of making them."""
    # Live files at old addresses spelt otherwise (``swapped``), and anywhere.
    live = [*live, *(old.swapcase() for (old, _), swap in zip(moves, swapped, strict=False) if swap)]
    live_files = [path + "index.html" if path.endswith("/") else path for path in live]
    made = redirects.nginx_map(sorted(moves), base_path, live_files)
    assert (made.data, made.longest) == _plain_nginx_map(sorted(moves), base_path, live_files)


def _plain_site_path(url: str, host: str, base_path: str) -> str | None:
    """redirects._site_path's long way: the URL split (None if it cannot be), then its path checked."""
    try:
        parts = urlsplit(url)
        netloc = urls.normal_netloc(parts.scheme, parts.hostname or "", parts.port)  # Example.org:443 is example.org
    except ValueError:
        return None
    if netloc != host or not parts.path.startswith(base_path):
        return None
    return urls.site_path(parts.path[len(base_path) :])


_SITES = [("example.org", "/"), ("example.org", "/news/"), ("example.org:8080", "/"), ("", "/"), ("example.org", "")]


@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(_SITES),
    st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "https:/", "", " https://", "\thttps://", "ht\ttps://"]),
    st.one_of(st.none(), st.sampled_from(["example.org", "example.org:8080", "Example.org", "example.org:443", "example.org.evil", ""])),
    st.one_of(st.none(), st.sampled_from(["/", "/news/", "/news", "", "/café/"])),
    st.one_of(
        st.text(alphabet="az09-_~./%?#:é A[\t\n;@", max_size=14),
        # Segments as a path has them, and those no site path has ("..", ".", "", a query).
        st.builds(
            lambda parts, end: "/".join(parts) + end,
            st.lists(st.sampled_from(["a", "B-2", "2026", "x.html", "..", ".", "", ".x", "é", "%41", "a?b", "a#b", "x:y", "a b", "~u_"]), max_size=4),
            st.sampled_from(["", "/"]),
        ),
    ),
)
def test_a_former_address_has_the_site_path_of_the_plain_way(site: tuple[str, str], scheme: str, host: str | None, base: str | None, tail: str) -> None:
    """The shortcut for addresses as builds record them gives what splitting the URL and
    checking its path give, for any address the ledger may hold (a hand edit too): mostly
    the site's own host and base path (None), then any path."""
    url = scheme + (site[0] if host is None else host) + (site[1] if base is None else base) + tail
    assert redirects._site_path(url, *site) == _plain_site_path(url, *site)


def test_a_ledger_address_that_cannot_be_split_is_no_redirect(make_site: MakeSite) -> None:
    """The ledger is a file of content/, edited by hand: an address in it that no URL parser
    reads (an unclosed IPv6 bracket) gets no redirect, and the rest of the site builds."""
    site = make_site(config=f'base_url = "{BASE}"\n', content={"a.md": article_md("Harbour", slug="harbour")})
    assert build(site).ok
    ledger = site / "content" / ".sitegen-updated.json"
    data = json.loads(ledger.read_text())
    (entry,) = data["articles"].values()
    entry["urls"] = ["http://[bad/old-story/", *entry["urls"]]
    ledger.write_text(json.dumps(data))
    report = build(site)
    assert report.ok, report.errors
    rules = (site / "output" / redirects.NETLIFY_FILE).read_text(encoding="utf-8")
    assert "old-story" not in rules and not (site / "output" / "old-story").exists()

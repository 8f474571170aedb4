"""Output ready for real hosts: precompressed copies, fingerprinted static files, ``_headers``
as Netlify and Cloudflare Pages apply it, ``--relative`` output that works from disk, and
the README's nginx recipe run in a real nginx."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import brotli
import feedparser
import pytest
import yaml
from click.testing import CliRunner
from conftest import MakeSite, another_library, article_md
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from PIL import Image

from sitegen import compress, headers, images, redirects, urls
from sitegen.build import build
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.output import MANIFEST
from sitegen.scaffold import CI_WORKFLOW

README = Path(__file__).parent.parent / "README.md"
BASE_URL = "https://example.org/news/"
CONFIG = f'base_url = "{BASE_URL}"\npage_size = 2\narchive_size = 2\nfeed_size = 2\nfeed_window = 0\n'
COPIES = tuple(compress.ENCODINGS.values())
FOR_HOSTS = {headers.HEADERS_FILE, redirects.NETLIFY_FILE, redirects.MAP_FILE, ".nojekyll", MANIFEST}
# Seconds nginx or Chromium may take to show what a test waits for before it fails: the
# waits end as soon as it shows, so this costs nothing but on a hang; a few seconds are
# not much for Chromium on a loaded machine.
DEADLINE = 60
"""The files a build writes beside the site for hosts, and for itself: no pages of the site."""


def tree(root: Path) -> dict[str, bytes]:
    """The site's files (sitegen's manifest left out)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".sitegen-manifest.json"}


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    """Articles in two tags, by two authors, one with an image and a PDF: feeds, archives, listings."""
    content = {
        f"a{i}.md": article_md(
            f"Story {i}",
            date=f"2024-05-0{i + 1}T09:00:00+00:00",
            body=f"Text of story {i}. " * 60,
            tags="[politics, world]" if i % 2 else "[economy]",
            author="Jane Doe" if i % 2 else "Sam Roe",
        )
        for i in range(5)
    }
    site = make_site(content=content, config=CONFIG)
    Image.new("RGB", (1200, 800), (200, 80, 40)).save(site / "content" / "fire.jpg", quality=80)
    text = (site / "content" / "a0.md").read_text()
    (site / "content" / "fire.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")  # a linked file: copied to files/<hash>/
    body = "![Fire](fire.jpg)\n\n[The fire report](fire.pdf)\n\n"
    (site / "content" / "a0.md").write_text(text.replace("---\n\n", "image: fire.jpg\nimage_alt: Smoke over the hills\n---\n\n" + body, 1))
    report = build(site)
    assert report.ok, report.errors
    return site


# ---- precompressed copies ------------------------------------------------------------


def test_every_text_file_has_copies_that_decompress_to_it(site: Path) -> None:
    files = tree(site / "output")
    texts = [p for p in files if compress.compressible(p)]
    assert {"index.html", "atom.xml", "feed.json", "static/style.css", "static/feed.xsl", "robots.txt"} <= set(texts)
    for path in texts:
        assert gzip.decompress(files[path + ".gz"]) == files[path], path
        assert brotli.decompress(files[path + ".br"]) == files[path], path
        # No name, no time, a fixed system byte: the same bytes on any machine and day.
        assert files[path + ".gz"][:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    others = [p for p in files if not compress.compressible(p) and not p.endswith(COPIES)]
    assert any(p.startswith("images/") for p in others)
    assert not any(p + suffix in files for p in others for suffix in COPIES)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=70_000) | st.text(max_size=20_000).map(lambda t: t.encode("utf-8")))
def test_a_gzip_copy_is_a_gzip_file_of_its_bytes_and_always_the_same(data: bytes) -> None:
    """ISA-L makes the deflate stream: Python's gzip reader gives back the bytes (its CRC and
    length checked), and the same bytes always give the same copy."""
    copy = compress.compress(data, "gzip")
    assert gzip.decompress(copy) == data
    assert compress.decompress(copy, "gzip") == data
    assert compress.compress(data, "gzip") == copy


def test_gzip_reads_a_copy_of_a_large_page(tmp_path: Path) -> None:
    """The gzip program, not only Python's reader, takes a copy of a file larger than
    ISA-L's buffers (several deflate blocks)."""
    data = "".join(f"<p>Paragraph {n}: {'news ' * (n % 97)}</p>\n" for n in range(40_000)).encode()
    (tmp_path / "page.html.gz").write_bytes(compress.compress(data, "gzip"))
    done = subprocess.run(["gzip", "-t", "-v", str(tmp_path / "page.html.gz")], capture_output=True)
    assert done.returncode == 0, done.stderr
    assert subprocess.run(["gzip", "-dc", str(tmp_path / "page.html.gz")], capture_output=True, check=True).stdout == data


def test_two_clean_builds_are_identical_copies_included(site: Path, make_site: MakeSite) -> None:
    again = make_site(name="again", config=CONFIG)
    shutil.rmtree(again / "content")
    shutil.copytree(site / "content", again / "content")
    assert build(again).ok
    first, second = tree(site / "output"), tree(again / "output")
    assert first == second
    assert sum(p.endswith(".br") for p in first) > 30


def test_a_no_op_rebuild_writes_nothing_with_compression_on(site: Path) -> None:
    before = mtimes(site / "output")
    time.sleep(0.01)
    report = build(site)
    assert report.written.written == [] and report.rendered == 0
    assert mtimes(site / "output") == before


def test_an_edit_rewrites_a_page_with_its_copies_and_only_what_changed(site: Path) -> None:
    text = (site / "content" / "a3.md").read_text()
    (site / "content" / "a3.md").write_text(text.replace("Text of story 3.", "Text of story 3, corrected.", 1))
    report = build(site)
    written = set(report.written.written)
    page = "2024/05/a3/index.html"
    assert {page, page + ".gz", page + ".br", "atom.xml", "atom.xml.gz", "atom.xml.br"} <= written
    for path in written:
        if not path.endswith(COPIES) and compress.compressible(path):
            assert {path + ".gz", path + ".br"} <= written, path
    out = site / "output"
    assert gzip.decompress((out / (page + ".gz")).read_bytes()) == (out / page).read_bytes()
    # A copy deleted by hand is made again from its unchanged original, which is left alone.
    (out / (page + ".br")).unlink()
    before = (out / page).stat().st_mtime_ns
    report = build(site)
    assert report.written.written == [page + ".br"] and report.rendered == 1
    assert brotli.decompress((out / (page + ".br")).read_bytes()) == (out / page).read_bytes()
    assert (out / page).stat().st_mtime_ns == before
    assert build(site).cache == "up to date: nothing to do"
    # One cut short is made again too; one only touched is known by its bytes and kept.
    gz = out / (page + ".gz")
    whole = gz.read_bytes()
    gz.write_bytes(whole[:-8] + bytes(8))  # the same size, its checksum and length lost
    report = build(site)
    assert report.written.written == [page + ".gz"] and gz.read_bytes() == whole
    os.utime(gz, ns=(gz.stat().st_atime_ns, gz.stat().st_mtime_ns - 10**9))
    report = build(site)
    assert report.written.written == [] and report.rendered == 0 and gz.read_bytes() == whole
    assert build(site).cache == "up to date: nothing to do"


def test_compress_off_removes_the_copies_and_on_brings_them_back(site: Path) -> None:
    config = site / "sitegen.toml"
    config.write_text(CONFIG + "compress = false\n")
    report = build(site)
    assert report.ok and report.written.written == []
    assert report.written.removed and all(p.endswith(COPIES) for p in report.written.removed)
    assert not [p for p in tree(site / "output") if p.endswith(COPIES)]
    config.write_text(CONFIG)
    report = build(site)
    assert report.written.written and all(p.endswith(COPIES) for p in report.written.written)


def test_another_brotli_or_isal_or_cpu_with_nothing_else_changed_makes_the_copies_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Brotli upgraded, or ISA-L (which makes the gzip copies), or the cache restored on a
    machine where ISA-L's code for the CPU gzips otherwise, and nothing else: the build had
    nothing to do and kept the copies the old one made, which a clean build there makes
    otherwise. Every copy is made again (their own bytes, here, the same)."""

    def another_cpu() -> None:
        real_digest = compress.sample_digest
        monkeypatch.setattr(compress, "sample_digest", lambda: "another " + real_digest())

    changes = {
        "brotli": lambda: another_library(monkeypatch, "brotli"),
        "isal": lambda: another_library(monkeypatch, "isal", version="0.0.2"),
        "another CPU": another_cpu,
    }
    for change, make in changes.items():
        make()
        made: list[str] = []
        real = compress.compress
        monkeypatch.setattr(compress, "compress", lambda data, encoding, made=made, real=real: made.append(encoding) or real(data, encoding))
        report = build(site, jobs=1)
        monkeypatch.setattr(compress, "compress", real)
        assert report.ok and report.cache != "up to date: nothing to do", change
        assert len(made) == len([p for p in tree(site / "output") if p.endswith(COPIES)]), change
        assert build(site).cache == "up to date: nothing to do"


def test_a_file_whose_render_fails_keeps_only_copies_that_agree_with_it(site: Path, make_site: MakeSite) -> None:
    """A file whose render fails keeps its last good version, and its compressed copies only
    as the last build wrote them with it: one cut short, one of a page edited by hand since,
    or one made while ``compress`` was on, stayed for servers to send in its place, build
    after build, until the page rendered again."""
    out = site / "output"
    (site / "templates").mkdir()
    broken = '{% extends "theme/index.html" %}{% block content %}{{ nope.x }}{% endblock %}'
    (site / "templates" / "index.html").write_text(broken)
    page, gz, br = out / "index.html", out / "index.html.gz", out / "index.html.br"
    last_good, good_br = page.read_bytes(), br.read_bytes()
    gz.write_bytes(gz.read_bytes()[:20])
    for _ in range(2):  # the build after fails the same, and keeps what the first kept
        report = build(site)
        assert "index.html" in report.failed and not report.ok
        assert page.read_bytes() == last_good and br.read_bytes() == good_br and not gz.exists()
        assert check_output(out, load_config(site)) == []
    page.write_bytes(last_good.replace(b"</body>", b"<p>Edited by hand.</p></body>"))
    assert "index.html" in build(site).failed
    assert b"Edited by hand." in page.read_bytes() and not br.exists() and not gz.exists()
    (site / "sitegen.toml").write_text(CONFIG + "compress = false\n")
    page.write_bytes(last_good)
    assert "index.html" in build(site).failed
    assert not [p for p in tree(out) if p.endswith(COPIES) and not p.startswith("static/")]  # static/ stays while a page fails
    assert not set(tree(out)) - set(json.loads((out / MANIFEST).read_text()))
    # Put right, the site is as a clean build makes it.
    (site / "sitegen.toml").write_text(CONFIG)
    (site / "templates" / "index.html").unlink()
    assert build(site).ok
    again = make_site(name="again", config=CONFIG)
    shutil.rmtree(again / "content")
    shutil.copytree(site / "content", again / "content")
    assert build(again).ok
    assert tree(out) == tree(again / "output")
    assert build(site).cache == "up to date: nothing to do"


# ---- fingerprinted static files ------------------------------------------------------


def stylesheet_links(out: Path) -> dict[str, str]:
    found = {}
    for page in out.rglob("*.html"):
        doc = lxml_html.fromstring(page.read_bytes())
        (href,) = doc.xpath("//link[@rel='stylesheet']/@href")
        found[page.relative_to(out).as_posix()] = href
    return found


def test_pages_link_to_the_fingerprinted_stylesheet_and_follow_its_changes(site: Path) -> None:
    out = site / "output"
    links = stylesheet_links(out)
    (href,) = set(links.values())
    assert re.fullmatch(r"/news/static/style\.[0-9a-f]{8}\.css", href)
    name = href.removeprefix("/news/")
    assert (out / name).read_bytes() == (out / "static/style.css").read_bytes()
    # A new stylesheet: a new address on every page, the old copy gone, feeds untouched.
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "style.css").write_text("body { color: #111; }\n")
    report = build(site)
    assert report.ok, report.errors
    (new,) = set(stylesheet_links(out).values())
    assert new != href and (out / new.removeprefix("/news/")).read_text() == "body { color: #111; }\n"
    assert not (out / name).exists() and name in report.written.removed
    written = set(report.written.written)
    assert set(links) <= written
    assert not any(p.endswith((".xml", ".json")) for p in written)


def test_an_unknown_asset_is_an_error_naming_the_template(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "tags.html").write_text('{% extends "base.html" %}{% block content %}<link href="{{ \'static/nope.css\' | asset }}">{% endblock %}\n')
    report = build(site)
    assert not report.ok
    (error,) = report.errors
    assert "tags.html" in str(error) and "static/nope.css" in str(error) and "templates/static/" in str(error)


# ---- _headers, as Netlify and Cloudflare Pages apply it ------------------------------

Rule = tuple[str, list[tuple[str, str]], list[str]]  # path pattern, headers set, headers detached


def parse_headers(text: str) -> list[Rule]:
    rules: list[Rule] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("/"):
            assert not line[0].isspace(), line
            rules.append((stripped, [], []))
        elif stripped.startswith("!"):
            rules[-1][2].append(stripped[1:].strip())
        else:
            name, _, value = stripped.partition(":")
            assert name and value.strip(), line
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def netlify_regex(pattern: str) -> re.Pattern[str]:
    """netlify/build packages/headers-parser getForRegExp."""

    def part(p: str) -> str:
        if p.startswith(":"):
            return "([^/]+)"
        if p == "*":
            return "?(.*)"
        if "*" in p:
            return p.replace("*", "(.*)")
        return re.escape(p)

    return re.compile("^/" + "/".join(part(p) for p in pattern.split("/") if p) + "/?$", re.IGNORECASE)


def cloudflare_regex(pattern: str) -> re.Pattern[str]:
    """workers-sdk asset-server rulesEngine: one splat, :placeholders up to a slash."""
    assert pattern.count("*") <= 1, pattern  # a second splat makes the rule invalid there
    rule = "(?P<splat>.*)".join(re.escape(p) for p in pattern.split("*"))
    rule = re.sub(r":([A-Za-z]\w*)", r"(?P<\1>[^/]+)", rule)
    return re.compile("^" + rule + "$")


def netlify_apply(rules: list[Rule], url: str) -> dict[str, str]:
    """Every matching rule in order, a later value of a header replacing an earlier one;
    a detach line (no colon) is not a header to Netlify."""
    result: dict[str, str] = {}
    for pattern, values, _ in rules:
        if netlify_regex(pattern).match(url):
            merged: dict[str, str] = {}
            for name, value in values:
                merged[name] = f"{merged[name]}, {value}" if name in merged else value
            result.update(merged)
    return {k.lower(): v for k, v in result.items()}


def cloudflare_apply(rules: list[Rule], url: str, defaults: dict[str, str]) -> dict[str, str]:
    """Every matching rule in order: detach, then set (append when a rule set it already)."""
    result = {k.lower(): v for k, v in defaults.items()}
    set_by_rules: set[str] = set()
    for pattern, values, unset in rules:
        if cloudflare_regex(pattern).match(url):
            for name in unset:
                result.pop(name.lower(), None)
            for name, value in values:
                key = name.lower()
                if key in set_by_rules and key in result:
                    result[key] = f"{result[key]}, {value}"
                else:
                    result[key] = value
                    set_by_rules.add(key)
    return result


def urls_of(path: str) -> list[str]:
    """The request paths a file answers (a folder's index.html also as the folder)."""
    found = ["/news/" + path]
    if path == "index.html" or path.endswith("/index.html"):
        found.append("/news/" + path.removesuffix("index.html"))
    return found


def expected_type(path: str) -> str | None:
    """The Content-Type a host is told to send for the file at site path ``path``, when its
    own would not do. Atom and RSS go as XML: as application/atom+xml or rss+xml, Chromium
    showed their raw text and never applied feed.xsl."""
    name = path.rsplit("/", 1)[-1]
    if path.startswith("feeds/archive/"):
        return "application/xml" if name.endswith(".xml") else "application/feed+json"
    return {"atom.xml": "application/xml", "rss.xml": "application/xml", "feed.json": "application/feed+json"}.get(name) or (
        headers.XSL_TYPE if name.endswith(".xsl") else None
    )


def test_headers_give_long_lives_to_fingerprinted_files_only_and_feeds_their_types(site: Path) -> None:
    out = site / "output"
    rules = parse_headers((out / "_headers").read_text())
    assert len(rules) < 100  # Cloudflare Pages reads no more
    files = [p for p in tree(out) if not p.endswith(COPIES) and not p.startswith((".", "_"))]
    fingerprinted = {p for p in files if re.search(r"\.[0-9a-f]{8}\.[a-z]+$", p) or p.startswith(("images/", "files/"))}
    assert any(p.startswith("files/") and p.endswith("/fire.pdf") for p in fingerprinted)
    assert {"static/style.css", "static/feed.xsl"} < {p for p in files if p.startswith("static/")} and len(fingerprinted) >= 4
    kinds = {expected_type(p) for p in files}
    assert {"application/xml", "application/feed+json", headers.XSL_TYPE} <= kinds
    assert any(p.startswith("feeds/archive/") and p.endswith(".rss.xml") for p in files)
    matched: set[str] = set()
    for path in files:
        for url in urls_of(path):
            netlify = netlify_apply(rules, url)
            cloudflare = cloudflare_apply(rules, url, {"Content-Type": "application/octet-stream", "Cache-Control": "public, max-age=0, must-revalidate"})
            lifetime = headers.IMMUTABLE if path in fingerprinted else headers.REVALIDATE
            assert netlify["cache-control"] == cloudflare["cache-control"] == lifetime, (path, netlify, cloudflare)
            media = expected_type(path)
            if media is not None:
                assert netlify["content-type"] == cloudflare["content-type"] == f"{media}; charset=utf-8", (path, netlify, cloudflare)
            else:
                assert "content-type" not in netlify and cloudflare["content-type"] == "application/octet-stream", path
            matched |= {pattern for pattern, _, _ in rules if cloudflare_regex(pattern).match(url)}
    # Every rule is for files the site has.
    assert matched == {pattern for pattern, _, _ in rules}


def test_a_preview_is_sent_with_noindex_by_both_hosts_and_the_site_is_not(site: Path, tmp_path: Path) -> None:
    """A deploy preview (a build with --base-url) is public: every file of it, feeds,
    pictures and PDFs too (which carry no robots tag), goes out with X-Robots-Tag: noindex
    on Netlify and on Cloudflare Pages. The site's own build sends no such header."""
    out = tmp_path / "preview"
    assert build(site, out, overrides={"base_url": "https://deploy-preview-7.example.net/news/"}).ok
    rules = parse_headers((out / "_headers").read_text())
    files = [p for p in tree(out) if not p.endswith(COPIES) and not p.startswith((".", "_"))]
    assert {"atom.xml", "index.html", "robots.txt"} <= set(files) and any(p.startswith("images/") for p in files) and any(p.startswith("files/") for p in files)
    for path in files:
        for url in urls_of(path):
            netlify, cloudflare = netlify_apply(rules, url), cloudflare_apply(rules, url, {})
            assert netlify["x-robots-tag"] == cloudflare["x-robots-tag"] == "noindex", (path, netlify, cloudflare)
    own = parse_headers((site / "output" / "_headers").read_text())
    assert [name for _, values, _ in own for name, _ in values if name.lower() == "x-robots-tag"] == []


def test_cloudflare_s_first_100_rules_give_every_feed_its_type_however_many_static_files(site: Path) -> None:
    """Cloudflare Pages reads the first 100 rules of _headers and skips the rest of the file.
    A theme with fonts and icons has that many static files: the feeds' types, written after
    a rule per fingerprinted file, were skipped, and feed.json went out as application/json,
    feed.xsl as a type Firefox applies no stylesheet of."""
    fonts = site / "templates" / "static" / "fonts"
    fonts.mkdir(parents=True)
    for i in range(120):
        (fonts / f"face{i:03d}.woff2").write_bytes(f"font {i}".encode())
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    rules = parse_headers((out / "_headers").read_text())
    assert len(rules) > 100
    read = rules[:100]  # what Cloudflare applies
    files = [p for p in tree(out) if not p.endswith(COPIES) and not p.startswith((".", "_"))]
    assert any(p.startswith("feeds/archive/") for p in files) and any(p.endswith(".xsl") for p in files)
    for path in files:
        for url in urls_of(path):
            served = cloudflare_apply(read, url, {"Content-Type": "application/octet-stream", "Cache-Control": headers.REVALIDATE})
            media = expected_type(path)
            if media is not None:
                assert served["content-type"] == f"{media}; charset=utf-8", (path, served)
            # A fingerprinted file past the 100th rule is revalidated, as any file: never a
            # lifetime joined to another, nor a year for a file whose bytes may change.
            assert served["cache-control"] in (headers.REVALIDATE, headers.IMMUTABLE), (path, served)
            if served["cache-control"] == headers.IMMUTABLE:
                assert re.search(r"\.[0-9a-f]{8}\.[a-z0-9]+$", path) or path.startswith(("images/", "files/")), path
    # Pictures and linked files keep their year: their two rules come before any file's.
    assert any(netlify_regex(pattern).match("/news/images/x/y.jpg") for pattern, _, _ in read[:3])


def test_nojekyll_marker(site: Path) -> None:
    assert (site / "output" / ".nojekyll").read_bytes() == b""


ROOT_FILES = {
    "ads.txt": b"google.com, pub-0000000000000000, DIRECT, f08c47fec0942fa0\n",
    "CNAME": b"news.example.org\n",
    ".well-known/security.txt": b"Contact: mailto:security@example.org\nExpires: 2030-01-01T00:00:00.000Z\n",
    "google0123456789abcdef.html": b"google-site-verification: google0123456789abcdef.html",
}


def test_root_files_are_copied_to_the_top_of_the_output_folder_and_follow_their_changes(site: Path) -> None:
    """ads.txt, a custom domain's CNAME, .well-known/: files hosts and crawlers ask for by name."""
    public = site / "templates" / "public"
    for name, data in ROOT_FILES.items():
        (public / name).parent.mkdir(parents=True, exist_ok=True)
        (public / name).write_bytes(data)
    out = site / "output"
    report = build(site)
    assert report.ok and len(report.warnings) == 1 and "served there" in report.warnings[0], report  # at /news/: below
    assert {name: (out / name).read_bytes() for name in ROOT_FILES} == ROOT_FILES
    assert gzip.decompress((out / "ads.txt.gz").read_bytes()) == ROOT_FILES["ads.txt"]
    assert not (out / "public").exists()
    # Served the way a host serves it, links and all: the verification page is no page of the site's.
    assert check_output(out, load_config(site)) == []
    before = mtimes(out)
    assert build(site).written.written == [] and mtimes(out) == before
    (public / "ads.txt").write_bytes(b"example.com, 1, DIRECT\n")
    (public / "CNAME").unlink()
    report = build(site)
    assert report.written.written == sorted(["ads.txt", *(f"ads.txt{suffix}" for suffix in COPIES)])
    assert (out / "ads.txt").read_bytes() == b"example.com, 1, DIRECT\n"
    assert not (out / "CNAME").exists() and not [p for p in report.written.removed if not p.startswith("CNAME")]


def test_a_root_file_never_takes_the_place_of_a_file_the_site_makes(site: Path, runner: CliRunner) -> None:
    public = site / "templates" / "public"
    (public / "tags").mkdir(parents=True)
    (public / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (public / "tags" / "x.txt").write_text("fine: /tags/ is a folder")
    (public / "feeds").write_text("a file where the site has a folder")
    (public / "atom.xml").write_text("<feed/>")
    (public / "ads.txt").write_text("example.com, 1, DIRECT\n")
    out = site / "output"
    expected = tree(out)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for name in ("robots.txt", "atom.xml"):
        assert f"templates/public/{name}: not copied: the site makes /{name} itself" in result.output
    assert "templates/public/feeds: not copied: the site has /feeds/ as a folder" in result.output
    # The site's files are its own; the others are copied all the same.
    assert (out / "robots.txt").read_bytes() == expected["robots.txt"] and (out / "atom.xml").read_bytes() == expected["atom.xml"]
    assert (out / "feeds").is_dir() and (out / "ads.txt").is_file() and (out / "tags" / "x.txt").is_file()
    # Nor its manifest or marker, nor a compressed copy of a file it makes (a server sends
    # that for it), nor an article's page, nor a name a build takes for its temp files.
    article = next(p for p in (out / "2024" / "05").iterdir() if p.is_dir()).relative_to(out).as_posix()
    (public / article).mkdir(parents=True)
    for name in (".sitegen-manifest.json", ".sitegen-building", "ads.txt.gz", "index.html.br", f"{article}/index.html", ".a.txt.1234.sitegen-tmp"):
        (public / name).write_text("mine")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert f"templates/public/{article}/index.html: not copied: the site makes /{article}/index.html itself" in result.output
    assert "templates/public/.sitegen-building: not copied: the site makes /.sitegen-building itself" in result.output
    assert "templates/public/.a.txt.1234.sitegen-tmp: not copied: names ending in .sitegen-tmp are sitegen's temp files" in result.output
    assert (out / article / "index.html").read_text() != "mine" and not (out / ".sitegen-building").exists()
    assert "templates/public/.sitegen-manifest.json: not copied: the site makes /.sitegen-manifest.json itself" in result.output
    assert "templates/public/ads.txt.gz: not copied: the site makes /ads.txt.gz itself, the compressed copy of /ads.txt" in result.output
    assert "templates/public/index.html.br: not copied: the site makes /index.html.br itself, the compressed copy of /index.html" in result.output
    assert gzip.decompress((out / "ads.txt.gz").read_bytes()) == (public / "ads.txt").read_bytes()
    assert json.loads((out / ".sitegen-manifest.json").read_text()) and check_output(out, load_config(site)) == []


def test_root_files_of_a_site_at_a_sub_path_are_served_under_it_and_the_build_says_so(site: Path) -> None:
    """Hosts and crawlers ask for /ads.txt and /.well-known/ at the top of the host."""
    (site / "templates" / "public" / ".well-known").mkdir(parents=True)
    (site / "templates" / "public" / ".well-known" / "security.txt").write_text("Contact: mailto:s@example.org\n")
    report = build(site)
    assert (site / "output" / ".well-known" / "security.txt").is_file()
    assert report.warnings == [
        f"{site / 'templates' / 'public'}: the site is at /news/, so its files are served there (/news/.well-known/security.txt),"
        " not at the top of the host, where hosts and crawlers look for them (/.well-known/security.txt)"
    ]


def s3_passes() -> list[tuple[list[tuple[str, str]], dict[str, str]]]:
    """The README's S3 recipe: each ``aws s3 sync`` it runs (the loop unrolled), as its
    filters in order, (``exclude`` or ``include``, pattern), and its other options."""
    recipe = README.read_text(encoding="utf-8").split("### S3 and CloudFront", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = recipe.replace("\\\n", " ").splitlines()
    commands: list[str] = []
    for number, line in enumerate(lines):
        if line.startswith("aws s3 sync"):
            commands.append(line)
        elif line.startswith("for kind in "):
            body = lines[number + 1].strip()
            for kind in re.findall(r'"([^"]+)"', line.split(";", 1)[0]):
                commands.append(body.replace("${kind#*:}", kind.split(":", 1)[1]).replace("${kind%%:*}", kind.split(":", 1)[0]))
    assert all(" --delete " in c for c in commands)  # what the build no longer makes goes
    return [(re.findall(r'--(exclude|include) "([^"]+)"', c), dict(re.findall(r'--(content-type|cache-control) "([^"]+)"', c))) for c in commands]


def s3_uploads(path: str) -> list[dict[str, str]]:
    """The options of each pass that uploads ``path``: aws s3's filters, applied in order,
    the last that matches deciding (``*`` takes a / too); a file no filter matches goes up."""
    from fnmatch import fnmatchcase

    chosen = []
    for filters, options in s3_passes():
        included = True
        for kind, pattern in filters:
            if fnmatchcase(path, pattern):
                included = kind == "include"
        if included:
            chosen.append(options)
    return chosen


def test_readme_s3_recipe_uploads_no_file_meant_for_a_host(site: Path) -> None:
    """The bucket would serve them as pages: _headers, _redirects and the nginx map are read
    by a host, .nojekyll by GitHub Pages, and the manifest by the next build."""
    assert all((site / "output" / name).is_file() for name in FOR_HOSTS)
    assert all(s3_uploads(name) == [] for name in FOR_HOSTS)


def test_readme_s3_recipe_uploads_every_file_once_with_its_type_and_lifetime(site: Path) -> None:
    """Each file in exactly one pass: sync uploads only what changed, so a file a later pass
    took too would keep the first pass's metadata, and one in two passes goes up twice. The
    recipe copied every picture again on each deploy; feeds have the type _headers gives them,
    fingerprinted files and pictures a year's lifetime, the rest none."""
    files = [p for p in tree(site / "output") if p not in FOR_HOSTS and not p.endswith(COPIES) and not p.endswith(".xsl")]
    feeds = {p for p in files if expected_type(p) is not None}
    assert {"atom.xml", "rss.xml", "feed.json", "tags/economy/atom.xml", "feeds/archive/1.xml", "feeds/archive/1.rss.xml", "feeds/archive/1.json"} <= feeds
    lasting = {p for p in files if p.startswith(("images/", "files/")) or re.fullmatch(r"static/.+\.[0-9a-f]{8}\.\w+", p)}
    assert any(p.startswith("images/") for p in lasting) and any(p.startswith("static/") for p in lasting)
    for path in files:
        uploads = s3_uploads(path)
        assert len(uploads) == 1, (path, uploads)
        options = uploads[0]
        assert options.get("content-type") == (f"{expected_type(path)}; charset=utf-8" if path in feeds else None), path
        lifetime = "public, max-age=31536000, immutable" if path in lasting else "public, max-age=0, must-revalidate"
        assert options["cache-control"] == lifetime, path


def test_readme_rsync_deploy_leaves_the_manifest_behind(site: Path) -> None:
    """The deploy gate's recipe copied output/ as it is: the manifest, sitegen's list of the
    files it wrote, was served at /news/.sitegen-manifest.json."""
    gate = README.read_text(encoding="utf-8").split("**Check before you deploy.**", 1)[1]
    recipe = gate.split("```sh\n", 1)[1].split("```", 1)[0]
    rsync = next(line.split("#", 1)[0].split() for line in recipe.splitlines() if line.startswith("rsync "))
    assert (site / "output" / MANIFEST).is_file()
    # Anchored at the top of the transfer: a page of the site may not share the name.
    assert f"--exclude=/{MANIFEST}" in rsync and rsync.index(f"--exclude=/{MANIFEST}") < rsync.index("output/")
    assert "--delete-excluded" in rsync  # one an earlier deploy left there goes too


def test_readme_gives_netlify_and_cloudflare_the_not_found_page_of_a_sub_path_site(site: Path) -> None:
    """The README said Netlify serves a top-level 404.html by itself: published under news/,
    as it says to, the site has none there, and a missing page got Netlify's own. Cloudflare
    Pages, with no 404.html at the top, takes the folder for a single-page application."""
    netlify = README.read_text(encoding="utf-8").split("### Netlify", 1)[1].split("\n### ", 1)[0]
    rules = re.findall(r"`(/news/\S*\s+/news/\S+\s+404)`", netlify)
    assert len(rules) == 1, netlify
    source, target, status = rules[0].split()
    assert source == "/news/*" and status == "404"
    assert (site / "output" / target.removeprefix("/news/")).read_bytes().startswith(b"<!DOCTYPE html>")
    # The site's own rules are plain 301s, each on a line of its own: the rule goes after them.
    listed = (site / "output" / redirects.NETLIFY_FILE).read_text().splitlines()
    assert all(line.startswith("#") or line.endswith(" 301") for line in listed)
    assert "copy `news/404.html` to the top" in netlify


def test_readme_workflow_is_the_one_sitegen_init_writes() -> None:
    hosting = README.read_text(encoding="utf-8").split("### GitHub Pages", 1)[1]
    block = hosting.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert block == CI_WORKFLOW % {"package": ""}


def files_in(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_readme_gitlab_recipe_publishes_the_site_in_public_without_sitegens_manifest(site: Path) -> None:
    """The README's .gitlab-ci.yml, its steps after the build run on a real one: GitLab
    Pages publishes the public/ a job named pages leaves, every file of the site but the
    manifest (sitegen's list of what it wrote), which stays in output/ for the next run."""
    recipe = README.read_text(encoding="utf-8").split("### GitLab Pages", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    job = yaml.safe_load(recipe)["pages"]
    assert job["artifacts"] == {"paths": ["public"]} and job["cache"]["paths"] == [".sitegen-cache/", "output/"]
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}] and job["resource_group"] == "pages"
    script = job["script"]
    assert script[:2] == ['pip install "$SITEGEN_PACKAGE"', "sitegen build"]
    pushed = [step for step in script[2:] if "git " in step]
    assert len(pushed) == 1 and "git push -o ci.skip" in pushed[0] and "git add content" in pushed[0]
    (site / "public").mkdir()
    (site / "public" / "stale.html").write_text("left by an earlier run")
    for step in script[2:]:
        if step not in pushed:
            subprocess.run(["bash", "-e", "-c", step], cwd=site, check=True)
    made, published = (files_in(site / folder) for folder in ("output", "public"))
    assert MANIFEST in made and published == made - {MANIFEST}
    assert {"404.html", "index.html.br", "atom.xml.gz", "_redirects"} <= published


# ---- --relative ----------------------------------------------------------------------


def link_targets(doc: lxml_html.HtmlElement) -> Iterator[tuple[lxml_html.HtmlElement, str]]:
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src"):
            if (value := element.get(attribute)) is not None:
                yield element, value
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.split():
                yield element, candidate.split()[0]


def test_relative_output_works_opened_from_disk(site: Path, runner: CliRunner) -> None:
    # Links written by hand, to folders: from disk they opened a folder's listing, or nothing.
    (site / "content" / "linking.md").write_text(
        article_md("Linking", date="2024-05-09T09:00:00+00:00", body="See [one](../a1/), [two](/news/2024/05/a2/#main) and [home](../../../).")
    )
    preview = site.parent / "preview"
    result = runner.invoke(main, ["build", "--site", str(site), "--output", str(preview), "--relative"])
    assert result.exit_code == 0, result.output
    pages = sorted(preview.rglob("*.html"))
    assert len(pages) > 15
    kinds = set()
    for page in pages:
        doc = lxml_html.fromstring(page.read_bytes())
        for element, value in link_targets(doc):
            # Addresses that are not navigation stay absolute: the canonical URL, the feeds
            # a reader should subscribe to.
            if element.tag == "link" and element.get("rel") in ("canonical", "alternate"):
                continue
            parts = urlsplit(value)
            assert not value.startswith("/"), (page, value)
            assert not (parts.scheme and parts.netloc == "example.org"), (page, value)
            if parts.scheme or not parts.path:
                continue  # another site, or #fragment
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(preview.resolve()), (page, value)
            kinds.add((element.tag, target.suffix))
    assert {("link", ".css"), ("a", ".html"), ("img", ".jpg"), ("a", ".xml"), ("a", ".json")} <= kinds
    linking = lxml_html.fromstring((preview / "2024" / "05" / "linking" / "index.html").read_bytes())
    assert linking.xpath("//div[@class='body']//a/@href") == ["../a1/index.html", "../a2/index.html#main", "../../../index.html"]
    config = load_config(site)
    assert check_output(preview, config) == []
    # The normal build beside it is untouched by the preview.
    assert stylesheet_links(site / "output")["index.html"].startswith("/news/static/")


def feed_urls(path: Path) -> Iterator[str]:
    """Every URL a feed document names: its stylesheet, its links, ids that are links, and
    the links and pictures in its entries' HTML."""
    data = path.read_bytes()
    if path.suffix == ".json":
        document = json.loads(data)
        found: list[str] = [document[key] for key in ("home_page_url", "feed_url", "icon", "favicon", "next_url") if key in document]
        for item in document["items"]:
            found += [item["url"], *([item["image"]] if "image" in item else []), *(a["url"] for a in item.get("authors", []))]
            if "content_html" in item:
                found += [value for _, value in link_targets(lxml_html.fragment_fromstring(item["content_html"], create_parent="div"))]
        yield from found
        return
    root = etree.fromstring(data)
    for instruction in root.itersiblings(preceding=True):
        if isinstance(instruction, etree._ProcessingInstruction) and instruction.target == "xml-stylesheet":
            yield instruction.get("href")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "url", "uri", "scheme", "domain"):
            if (value := element.get(attribute)) is not None:
                yield value
        name = etree.QName(element).localname
        if name in ("link", "uri", "icon", "logo") and element.text and element.text.strip():
            yield element.text.strip()
        if name in ("content", "encoded") and element.get("type", "html") == "html" and element.text:
            yield from (value for _, value in link_targets(lxml_html.fragment_fromstring(element.text, create_parent="div")))


def test_relative_feeds_name_files_that_are_there_from_their_own_folder(site: Path, runner: CliRunner) -> None:
    """A --relative build's feeds named their stylesheet root-relative (/news/static/feed.xsl):
    opened from disk, that is the root of the disk, and a browser showed raw XML."""
    preview = site.parent / "preview"
    result = runner.invoke(main, ["build", "--site", str(site), "--output", str(preview), "--relative"])
    assert result.exit_code == 0, result.output
    names = ("atom.xml", "rss.xml", "feed.json")
    feeds = [p for p in sorted(preview.rglob("*")) if p.is_file() and (p.name in names or p.parent == preview / "feeds" / "archive") and p.suffix not in COPIES]
    found = {p.relative_to(preview).as_posix() for p in feeds}
    # Feeds at every depth: the site's, a tag's, an author's, an archive document.
    assert {"atom.xml", "rss.xml", "tags/economy/atom.xml", "authors/jane-doe/rss.xml", "feeds/archive/1.xml", "feeds/archive/1.rss.xml"} <= found
    relative = 0
    for feed in feeds:
        for url in feed_urls(feed):
            parts = urlsplit(url)
            if parts.scheme:
                # Feed readers need absolute URLs: those into the site name its files too.
                if not url.startswith(BASE_URL):
                    continue
                path = unquote(parts.path).removeprefix(urlsplit(BASE_URL).path)
                target = preview / (path + "index.html" if path == "" or path.endswith("/") else path)
            else:
                assert not url.startswith("/"), (feed, url)
                relative += 1
                target = (feed.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(preview.resolve()), (feed, url)
    assert relative == len([p for p in feeds if p.suffix == ".xml"])  # each XML feed's stylesheet
    # Read from each feed's folder, the stylesheet's own links can be relative to none: the
    # site's icon is named by its address, as the subscribe page is.
    stylesheet = etree.parse(str(preview / "static" / "feed.xsl"))
    (icon,) = stylesheet.xpath("//link[@rel='icon']/@href")
    assert re.fullmatch(r"https://example\.org/news/static/favicon\.[0-9a-f]{8}\.svg", icon) and (preview / icon.removeprefix(BASE_URL)).is_file()


# ---- the README's nginx recipe, in a real nginx ---------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"]))
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing: make test installs it (Debian package nginx)")
        pytest.skip("nginx is missing (make test installs it)")
    return found


def nginx_recipe() -> str:
    hosting = README.read_text(encoding="utf-8").split("### nginx", 1)[1]
    return hosting.split("```nginx\n", 1)[1].split("```", 1)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nginx_modules() -> tuple[Path, Path | None]:
    """(nginx's configuration folder, its Brotli module if installed)."""
    built = subprocess.run([nginx_binary(), "-V"], capture_output=True, text=True, check=True).stderr
    conf_dir = Path(re.search(r"--conf-path=(\S+)", built)[1]).parent  # type: ignore[index]
    modules = re.search(r"--modules-path=(\S+)", built)
    module = Path(modules[1]) / "ngx_http_brotli_static_module.so" if modules else None
    return conf_dir, module if module is not None and module.is_file() else None


def write_nginx_conf(prefix: Path, http: str, port: int, module: Path | None = None) -> list[str]:
    """Write ``prefix``/nginx.conf, with ``http`` as its http block's body (``{port}`` for
    ``port``); the command line that runs it."""
    conf_dir, _ = nginx_modules()
    prefix.mkdir(exist_ok=True)
    temp_paths = "".join(f"{name}_temp_path {prefix / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # Workers run as this user: the files are in a folder only it may read.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        (f"load_module {module};\n" if module else "")
        + user
        + f"daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\nevents {{}}\n"
        + f"http {{\ninclude {conf_dir / 'mime.types'};\ndefault_type application/octet-stream;\naccess_log off;\n{temp_paths}"
        + http.replace("{port}", str(port))
        + "\n}\n"
    )
    return [nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]


@contextmanager
def running_nginx(prefix: Path, http: str, module: Path | None = None) -> Iterator[int]:
    """nginx on 127.0.0.1 with ``http`` as its http block's body (``{port}`` for the port to
    listen on); its files in ``prefix``. Yields the port."""
    # A port free when looked at may be taken before nginx binds it (by a test running
    # beside this one, under make test's workers): then another port.
    for _ in range(5):
        port = free_port()
        process = subprocess.Popen(write_nginx_conf(prefix, http, port, module), stderr=subprocess.PIPE)
        if _listening(process, prefix, port):
            break
        said = process.stderr.read().decode() if process.stderr else ""
        if "Address already in use" not in said:
            pytest.fail(f"nginx stopped: {said}")
    else:
        pytest.fail("nginx found no free port in 5 tries")
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _nginx_workers(prefix: Path) -> set[int]:
    """The worker processes of the nginx whose files are in ``prefix`` (its master's children)."""
    master = (prefix / "nginx.pid").read_text().strip()
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if fields[1] == master:  # the parent's pid, after the state
            found.add(int(stat.parent.name))
    return found


def _listening(process: subprocess.Popen[bytes], prefix: Path, port: int) -> bool:
    """Whether nginx came to listen on ``port``; False when it stopped first. Its pid file is
    written once its port is bound: until then, whatever answers there is another process."""
    deadline = time.monotonic() + DEADLINE
    while process.poll() is None:
        try:
            if (prefix / "nginx.pid").is_file():
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail("nginx did not start listening")
        time.sleep(0.05)
    return False


def moved_recipe() -> str:
    """The README's "Moved articles" nginx block: lines for the http block, and a server."""
    moved = README.read_text(encoding="utf-8").split("## Moved articles", 1)[1]
    return moved.split("```nginx\n", 1)[1].split("```", 1)[0]


def readme_http(www: Path, module: Path | None, path: str = "/news/") -> str:
    """The body of an http block serving the site copied to ``www``/``path`` at ``path``, as
    the README has it: its "Moved articles" block, with its "nginx" block in the server."""
    location = nginx_recipe()
    if module is None:
        location = "\n".join(line for line in location.splitlines() if "brotli_static" not in line)
    http = moved_recipe().replace("# ...", f"listen 127.0.0.1:{{port}};\n{location}")
    # "The same with / for /news/": any other path likewise.
    return re.sub(r"/news\b", path.rstrip("/"), http).replace("/srv/www", str(www))


@pytest.fixture
def nginx(site: Path, tmp_path: Path, no_proxy: None) -> Iterator[tuple[int, bool]]:
    """nginx on 127.0.0.1 serving the site at /news/ with the README's block: (port, brotli)."""
    _, module = nginx_modules()
    www = tmp_path / "www"
    www.mkdir()
    shutil.copytree(site / "output", www / "news")
    block = nginx_recipe().replace("root /srv/www;", f"root {www};")
    if module is None:
        block = "\n".join(line for line in block.splitlines() if "brotli_static" not in line)
    with running_nginx(tmp_path / "nginx", f"server {{\nlisten 127.0.0.1:{{port}};\n{block}\n}}", module) as port:
        yield port, module is not None


def get(port: int, path: str, encoding: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_nginx_recipe_serves_precompressed_files_with_the_right_headers(site: Path, nginx: tuple[int, bool]) -> None:
    port, with_brotli = nginx
    out = site / "output"
    files = tree(out)
    texts = [p for p in files if compress.compressible(p)]
    encodings = ["gzip", "identity"] + (["br"] if with_brotli else [])
    for path in texts:
        original = files[path]
        media = expected_type(path)
        for encoding in encodings:
            for url in urls_of(path):
                status, head, body = get(port, url, encoding)
                assert status == 200, (url, status)
                if encoding == "identity":
                    assert "content-encoding" not in head and body == original, url
                else:
                    assert head["content-encoding"] == encoding and body == files[path + compress.ENCODINGS[encoding]], (url, head)
                    assert (gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body)) == original
                    assert head.get("vary") == "Accept-Encoding"
                if media is not None:
                    assert head["content-type"] == f"{media}; charset=utf-8", (url, head)
                elif path.endswith(".html"):
                    assert head["content-type"].startswith("text/html"), url
                fingerprinted = re.search(r"\.[0-9a-f]{8}\.[a-z]+$", path)
                assert head["cache-control"] == (headers.IMMUTABLE if fingerprinted else headers.REVALIDATE), (url, head)
    css = next(p for p in texts if re.fullmatch(r"static/style\.[0-9a-f]{8}\.css", p))
    assert get(port, "/news/" + css, "gzip")[1]["content-type"].startswith("text/css")
    for kept in (next(p for p in files if p.startswith(folder)) for folder in images.HASHED):
        status, head, body = get(port, "/news/" + kept, "gzip")
        assert status == 200 and head["cache-control"] == headers.IMMUTABLE and body == files[kept] and "content-encoding" not in head, kept
    status, head, body = get(port, "/news/no/such/page/", "gzip")
    assert status == 404 and gzip.decompress(body) == files["404.html"]


def shown_in_chromium(driver: Any, url: str) -> tuple[str, str]:
    """The title and text of the page Chromium shows for ``url``, once it has a heading (a
    feed's page has one once its stylesheet is applied: waited for)."""
    driver.get(url)
    deadline = time.monotonic() + DEADLINE
    while not driver.find_elements("tag name", "h1") and time.monotonic() < deadline:
        time.sleep(0.1)
    return driver.title, driver.find_element("tag name", "body").text


def test_feeds_served_by_the_nginx_recipe_show_in_chromium_through_their_stylesheet(site: Path, nginx: tuple[int, bool]) -> None:
    """Sent as application/atom+xml and application/rss+xml, as the README's recipe had it,
    Chromium showed a feed's raw XML and never applied feed.xsl: the page the README
    promises (its title, its entries) was never seen. Feed readers take the feeds as XML."""
    from browser import CHROMEDRIVER, CHROMIUM, browser, require

    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    port, _ = nginx
    out = site / "output"
    feeds = ("atom.xml", "rss.xml", "tags/economy/atom.xml", "authors/jane-doe/rss.xml", "feeds/archive/1.xml", "feeds/archive/1.rss.xml")
    with browser() as driver:
        for feed in feeds:
            parsed = feedparser.parse((out / feed).read_bytes())
            assert parsed.entries, feed
            title, text = shown_in_chromium(driver, f"http://127.0.0.1:{port}/news/{feed}")
            assert title == f"{parsed.feed.title} (feed)" and "<?xml" not in text, (feed, title, text[:300])
            assert all(entry.title in text for entry in parsed.entries), (feed, text)
    for feed in feeds:
        read = feedparser.parse(f"http://127.0.0.1:{port}/news/{feed}")
        assert not read.bozo and read.headers["content-type"] == "application/xml; charset=utf-8", (feed, read.get("bozo_exception"))
        assert read.version in ("atom10", "rss20") and len(read.entries) == len(feedparser.parse((out / feed).read_bytes()).entries)


def test_a_feed_in_chromium_shows_the_sites_icon_and_asks_the_host_root_for_none(site: Path, tmp_path: Path, no_proxy: None) -> None:
    """The page feed.xsl makes named no icon, so Chromium asked the host's root for
    /favicon.ico: under a sub-path, no file of the site's (a 404, or another site's icon).
    It names the site's icon as the site's pages do."""
    from browser import CHROMEDRIVER, CHROMIUM, browser, require

    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    www = tmp_path / "www"
    www.mkdir()
    shutil.copytree(site / "output", www / "news")
    log = tmp_path / "access.log"
    _, module = nginx_modules()
    http = readme_http(www, module).replace("listen 127.0.0.1:{port};", f"listen 127.0.0.1:{{port}};\naccess_log {log};", 1)
    page = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    (icon,) = page.xpath("//link[@rel='icon']/@href")
    assert re.fullmatch(r"/news/static/favicon\.[0-9a-f]{8}\.svg", icon)
    with running_nginx(tmp_path / "nginx", http, module) as port, browser() as driver:
        for feed in ("atom.xml", "tags/economy/rss.xml"):
            title, _ = shown_in_chromium(driver, f"http://127.0.0.1:{port}/news/{feed}")
            assert title.endswith(" (feed)"), (feed, title)
            assert driver.execute_script("return document.querySelector('link[rel=icon]').getAttribute('href')") == icon
        deadline = time.monotonic() + DEADLINE
        while f"GET {icon} " not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    requested = [line.split('"')[1] for line in log.read_text().splitlines()]
    assert f"GET {icon} HTTP/1.1" in requested and not any(" /favicon.ico " in line for line in requested), requested


def test_nginx_recipe_serves_no_file_meant_for_a_host(site: Path, nginx: tuple[int, bool]) -> None:
    """The recipe served every file of the folder but the manifest: _headers, _redirects and
    the nginx map went to anyone who asked, as application/octet-stream."""
    port, _ = nginx
    out = site / "output"
    not_found = (out / "404.html").read_bytes()
    for name in FOR_HOSTS:
        assert (out / name).is_file(), name
        status, _, body = get(port, "/news/" + name, "identity")
        assert (status, body) == (404, not_found), name
    for name in ("robots.txt", "static/feed.xsl"):  # other files as they are
        status, _, body = get(port, "/news/" + name, "identity")
        assert (status, body) == (200, (out / name).read_bytes()), name


def test_nginx_recipe_sends_the_sites_address_without_its_slash_to_the_site(site: Path, nginx: tuple[int, bool]) -> None:
    """/news, as people type it, got nginx's bare 404: the block answered /news/ only."""
    port, _ = nginx
    for asked, sent in (("/news", "/news/"), ("/news?from=print", "/news/?from=print")):
        status, head, _ = get(port, asked, "identity")
        assert status == 301 and head["location"] == f"http://127.0.0.1:{port}{sent}", (asked, status, head)
    status, _, body = get(port, "/news/", "identity")
    assert status == 200 and body == (site / "output" / "index.html").read_bytes()
    assert get(port, "/newsroom", "identity")[0] == 404  # another address, not the site's


def test_readme_redirect_map_in_nginx_keeps_live_pages_and_tells_case_apart(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """nginx looks strings up in a map in any case: the alias About/ redirected the live
    page about/, and the aliases Old/ and old/ (an old host that served both) stopped nginx
    from starting: "conflicting parameter". Run here as the README's "Moved articles" has it."""
    content = {
        "a.md": article_md("A", slug="first", aliases="['2024/05/About/', 'Old/']"),
        "b.md": article_md("B", slug="about", date="2024-05-02T09:00:00+00:00"),
        "c.md": article_md("C", slug="third", aliases="['old/', 'Café/']", date="2024-05-03T09:00:00+00:00"),
    }
    site = make_site(content=content, config=f'base_url = "{BASE_URL}"\n')
    assert build(site).ok
    text = (site / "content" / "a.md").read_text()
    (site / "content" / "a.md").write_text(text.replace("slug: first", "slug: first-moved"))  # an address from the ledger too
    report = build(site)
    assert report.ok and report.warnings == []
    www = tmp_path / "www"
    www.mkdir()
    shutil.copytree(site / "output", www / "news")
    _, module = nginx_modules()
    with running_nginx(tmp_path / "nginx", readme_http(www, module), module) as port:
        for path in ("/news/2024/05/about/", "/news/2024/05/first-moved/", "/news/2024/05/third/"):
            status, _, body = get(port, path, "identity")
            assert status == 200 and b"<h1" in body, path
        for path, target in {
            "/news/2024/05/About/": "/news/2024/05/first-moved/",
            "/news/2024/05/About": "/news/2024/05/first-moved/",
            "/news/Old/": "/news/2024/05/first-moved/",
            "/news/Old/index.html": "/news/2024/05/first-moved/",
            "/news/old/": "/news/2024/05/third/",
            "/news/old": "/news/2024/05/third/",
            "/news/Caf%C3%A9/": "/news/2024/05/third/",
            "/news/2024/05/first/": "/news/2024/05/first-moved/",
        }.items():
            status, head, _ = get(port, path, "identity")
            assert status == 301 and urlsplit(head["location"]).path == target, (path, status, head.get("location"))


def test_readme_nginx_recipe_serves_and_redirects_to_addresses_in_the_sites_own_script(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """With slugs = "unicode", the map sent an old address on to the Arabic one in a
    Location header of raw UTF-8 bytes, which HTTP does not allow, where a browser sends the
    address percent-encoded. Run in the README's nginx: the page, its old address (its slug
    made in ASCII, before the setting) and an alias in Arabic letters."""
    config = f'base_url = "{BASE_URL}"\nlanguage = "ar"\n'
    site = make_site(content={"two.md": article_md("ثان", slug="two", aliases="[قديم/]")}, config=config)
    (site / "content" / "one").mkdir()
    (site / "content" / "one" / "index.md").write_text(article_md("الحكومة تعلن خطة", date="2024-05-02T09:00:00+00:00"), encoding="utf-8")
    assert build(site).ok  # at 2024/05/lhkwm-t-ln-kht/
    (site / "sitegen.toml").write_text(config + 'slugs = "unicode"\n', encoding="utf-8")
    report = build(site)
    assert report.ok and report.warnings == [], report
    now = "/news/" + urls.encoded_path("2024/05/الحكومة-تعلن-خطة/")
    www = tmp_path / "www"
    www.mkdir()
    shutil.copytree(site / "output", www / "news")
    _, module = nginx_modules()
    with running_nginx(tmp_path / "nginx", readme_http(www, module), module) as port:
        status, _, body = get(port, now, "identity")
        assert status == 200 and "الحكومة تعلن خطة".encode() in body
        for path, target in {
            "/news/2024/05/lhkwm-t-ln-kht/": now,
            "/news/2024/05/lhkwm-t-ln-kht": now,
            "/news/" + urls.encoded_path("قديم/"): "/news/2024/05/two/",
            "/news/" + urls.encoded_path("قديم"): "/news/2024/05/two/",
        }.items():
            status, head, _ = get(port, path, "identity")
            assert status == 301 and urlsplit(head["location"]).path == target, (path, status, head.get("location"))
            assert head["location"].isascii()


def nginx_deploy() -> list[str]:
    """The README's commands that deploy a build to nginx, one a line, comments left out."""
    hosting = README.read_text(encoding="utf-8").split("### nginx", 1)[1].split("\n## ", 1)[0]
    block = hosting.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_readme_rsync_deploys_a_file_rebuilt_within_the_second_at_the_same_size(tmp_path: Path) -> None:
    """rsync takes a file whose size and modification time (to the second, by default) are
    those of the copy it made for the same: a compressed copy rebuilt within the second of
    the last deploy, as long as before, stayed out of date where it is served."""
    if shutil.which("rsync") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("rsync is missing: make test installs it (Debian package rsync)")
        pytest.skip("rsync is missing (make test installs it)")
    rsync = next(command for command in nginx_deploy() if command.startswith("rsync "))
    output, www = tmp_path / "output", tmp_path / "srv" / "www" / "news"
    output.mkdir()
    www.mkdir(parents=True)
    page = output / "index.html.gz"
    page.write_bytes(b"first build")
    second = 1_700_000_000
    os.utime(page, ns=(second * 10**9 + 1000, second * 10**9 + 1000))
    subprocess.run(rsync.replace("/srv/www", str(tmp_path / "srv" / "www")), shell=True, cwd=tmp_path, check=True, capture_output=True)
    assert (www / "index.html.gz").read_bytes() == b"first build"
    page.write_bytes(b"again build")  # the next build, in the same second, as long
    os.utime(page, ns=(second * 10**9 + 9000, second * 10**9 + 9000))
    subprocess.run(rsync.replace("/srv/www", str(tmp_path / "srv" / "www")), shell=True, cwd=tmp_path, check=True, capture_output=True)
    assert (www / "index.html.gz").read_bytes() == b"again build"


def test_readme_nginx_deploy_takes_down_what_the_build_removed_and_redirects_what_moved(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """The README said to copy output/ to the folder nginx serves, and no more: copied over
    the last deploy, a story taken down stayed online, and nginx, which reads the redirect
    map only as it loads its configuration, answered a moved article's old address with its
    redirect page (a 200) where the README promised a 301. Run here as the README has it."""
    if shutil.which("rsync") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("rsync is missing: make test installs it (Debian package rsync)")
        pytest.skip("rsync is missing (make test installs it)")
    content = {
        "a.md": article_md("A", slug="first"),
        "b.md": article_md("Retracted", slug="retracted", date="2024-05-02T09:00:00+00:00"),
    }
    site = make_site(content=content, config=f'base_url = "{BASE_URL}"\n')
    www = tmp_path / "www"
    (www / "news").mkdir(parents=True)
    prefix = tmp_path / "nginx"
    _, module = nginx_modules()

    def deploy(started: bool = True) -> None:
        for command in nginx_deploy():
            if command.startswith("nginx ") and not started:  # the first deploy: nginx starts after it
                continue
            if command.startswith("nginx "):  # this nginx, run from its own folder
                nginx = [nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
                subprocess.run([*nginx, *command.split()[1:]], check=True, capture_output=True)
            else:
                subprocess.run(command.replace("/srv/www", str(www)), shell=True, cwd=site, check=True, capture_output=True)

    assert build(site).ok
    deploy(started=False)
    assert nginx_deploy()[-1].startswith("nginx -s reload")  # after the files, to read their map
    with running_nginx(prefix, readme_http(www, module), module) as port:
        assert get(port, "/news/2024/05/first/", "identity")[0] == 200
        assert get(port, "/news/2024/05/retracted/", "identity")[0] == 200
        text = (site / "content" / "a.md").read_text()
        (site / "content" / "a.md").write_text(text.replace("slug: first", "slug: first-moved"))
        (site / "content" / "b.md").unlink()  # taken down
        report = build(site)
        assert report.ok
        old_workers = _nginx_workers(prefix)
        assert old_workers
        deploy()
        # `nginx -s reload` returns once it has signalled the master, whose old workers go on
        # taking connections (answered with the old map: a 200) until it has started new
        # ones and told the old to end: the test waits for them to be gone.
        deadline = time.monotonic() + DEADLINE
        while any(Path(f"/proc/{pid}").exists() for pid in old_workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        for path in ("/news/2024/05/first/", "/news/2024/05/first", "/news/2024/05/first/index.html"):
            status, head, _ = get(port, path, "identity")
            assert status == 301 and urlsplit(head["location"]).path == "/news/2024/05/first-moved/", (path, status)
        status, _, body = get(port, "/news/2024/05/retracted/", "identity")
        assert status == 404 and body == (site / "output" / "404.html").read_bytes()
        assert get(port, "/news/2024/05/first-moved/", "identity")[0] == 200
    assert not (www / "news" / MANIFEST).exists()
    assert tree(www / "news") == tree(site / "output")  # the site as built: nothing more, nothing less


def test_readme_redirect_map_in_nginx_takes_an_article_moved_from_a_headline_length_address(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """nginx's map keeps its strings in buckets of 64 bytes unless told otherwise: one old
    address of a news headline's length under /regional/ (92 bytes with index.html) and
    nginx refused the whole configuration, "could not build map_hash"."""
    title = "Harbour master resigns after ferry collision in the bay, as the inquiry begins its work"
    old = urls.headline_slug(title)
    assert len(old) > 70
    site = make_site(content={"a.md": article_md(title, date="2025-11-03T09:00:00+00:00", slug=old)}, config='base_url = "https://news.example.org/regional/"\n')
    assert build(site).ok
    (site / "content" / "a.md").write_text(article_md(title, date="2025-11-03T09:00:00+00:00", slug="harbour-master-resigns"))
    report = build(site)
    assert report.ok and report.warnings == [], report
    mapped = (site / "output" / redirects.MAP_FILE).read_text().splitlines()
    longest = f"/regional/2025/11/{old}/index.html"
    assert mapped[1] == f"# nginx needs map_hash_bucket_size 128 or more for this map: its longest address has {len(longest)} bytes."
    www = tmp_path / "www"
    www.mkdir()
    shutil.copytree(site / "output", www / "regional")
    _, module = nginx_modules()
    with running_nginx(tmp_path / "nginx", readme_http(www, module, "/regional/"), module) as port:
        for path in (f"/regional/2025/11/{old}/", f"/regional/2025/11/{old}", longest):
            status, head, _ = get(port, path, "identity")
            assert status == 301 and urlsplit(head["location"]).path == "/regional/2025/11/harbour-master-resigns/", (path, status)
        status, _, body = get(port, "/regional/2025/11/harbour-master-resigns/", "identity")
        assert status == 200 and title.encode() in body
        status, head, _ = get(port, "/regional", "identity")
        assert status == 301 and head["location"] == f"http://127.0.0.1:{port}/regional/"


def test_readme_nginx_settings_load_a_map_of_10000_articles_moved_from_long_addresses(tmp_path: Path, no_proxy: None) -> None:
    """A large newsroom's map, as sitegen writes it: nginx loads it with the README's
    settings, without the "could not build optimal map_hash" warning of a table too small."""
    words = ("harbour", "council", "budget", "ferry", "inquiry", "storm", "school", "mayor", "floods", "strike")
    titles = [" ".join(f"{words[(i // 10**k) % 10]}{k}" for k in range(8)) + f" as the {i} inquiry into the night begins" for i in range(10_000)]
    pairs = sorted((f"2026/{1 + i % 12:02d}/{urls.headline_slug(t)}/", f"2026/11/story-{i}/") for i, t in enumerate(titles))
    assert len({old for old, _ in pairs}) == 10_000 and min(len(old) for old, _ in pairs) > 75
    www = tmp_path / "www"
    (www / "regional").mkdir(parents=True)
    nginx_map = redirects.nginx_map(pairs, "/regional/")
    (www / "regional" / redirects.MAP_FILE).write_bytes(nginx_map.data)
    assert redirects.bucket_size(nginx_map.longest) <= redirects.MAP_BUCKET_SIZE and nginx_map.warnings() == []
    _, module = nginx_modules()
    prefix = tmp_path / "nginx"
    with running_nginx(prefix, readme_http(www, module, "/regional/"), module) as port:
        for old, new in pairs[::997]:
            for path in (f"/regional/{old}", f"/regional/{old}".rstrip("/"), f"/regional/{old}index.html"):
                status, head, _ = get(port, path, "identity")
                assert status == 301 and urlsplit(head["location"]).path == f"/regional/{new}", (path, status)
    said = (prefix / "error.log").read_text()
    assert "map_hash" not in said, said


@pytest.mark.parametrize("length", [46, 47, 110, 111, 500])
def test_the_map_names_the_bucket_size_nginx_needs_for_it(tmp_path: Path, length: int) -> None:
    """The map's second line names the least map_hash_bucket_size nginx loads it with: the
    real nginx takes it, and refuses the size below. Bytes count, not characters."""
    for name, old in (("ascii", "a" * (length - 1)), ("accented", "é" * ((length - 1) // 2) + "a" * ((length - 1) % 2))):
        nginx_map = redirects.nginx_map([(old, "new/")], "/")
        assert len(nginx_map.longest.encode()) == length
        line = nginx_map.data.decode().splitlines()[1]
        needed = int(re.fullmatch(rf"# nginx needs map_hash_bucket_size (\d+) or more for this map: its longest address has {length:,} bytes\.", line)[1])  # type: ignore[index]
        (tmp_path / f"{name}.map").write_bytes(nginx_map.data)
        for size in (needed, needed // 2):
            http = f"map_hash_bucket_size {size};\nmap $uri $moved {{ include {tmp_path / f'{name}.map'}; }}\nserver {{ listen 127.0.0.1:{{port}}; }}"
            tested = subprocess.run([*write_nginx_conf(tmp_path / f"nginx-{name}-{size}", http, free_port()), "-t"], capture_output=True, text=True)
            if size == needed:
                assert tested.returncode == 0, tested.stderr
            elif size >= 64:  # the least nginx takes: a cache line
                assert tested.returncode == 1 and "could not build map_hash, you should increase map_hash_bucket_size" in tested.stderr


def test_the_workflow_commits_back_what_the_build_changed_in_content() -> None:
    """Without the ledger of what readers were shown, the next run would date an edited
    article anew: the workflow keeps it, and may push it."""
    import yaml

    workflow = yaml.safe_load(CI_WORKFLOW % {"package": ""})
    assert workflow["jobs"]["build"]["permissions"]["contents"] == "write"
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("name") or step.get("run") or step.get("uses") for step in steps]
    keep = steps[names.index("Keep what readers were shown")]
    assert names.index("sitegen build") < names.index("Keep what readers were shown") < names.index("actions/upload-pages-artifact@v3")
    assert "git add content" in keep["run"] and "git diff --cached --quiet" in keep["run"]
    assert re.search(r"^ *git .*\bpush$", keep["run"], re.MULTILINE)


def test_the_workflow_also_runs_by_the_clock_so_scheduled_articles_go_out() -> None:
    """An article dated ahead is held back until a build runs after its time: with builds
    only on push, it waited for the next push."""
    import yaml

    workflow = yaml.safe_load(CI_WORKFLOW % {"package": ""})
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    [schedule] = triggers["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert minute.isdigit() and hour == "*" and rest == ["*", "*", "*"]  # hourly
    assert triggers["push"] == {"branches": ["main"]} and "workflow_dispatch" in triggers


def test_the_workflow_builds_on_what_the_run_before_it_committed_back() -> None:
    """Two runs started before either committed the ledger back: the second, checked out
    at its own commit, imported the first one's new seeds dated anew and could not push."""
    import yaml

    workflow = yaml.safe_load(CI_WORKFLOW % {"package": ""})
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}  # one run at a time
    [checkout] = [step for step in workflow["jobs"]["build"]["steps"] if step.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["ref"] == "${{ github.ref_name }}"  # the branch's tip when the run starts, not the event's commit


def test_readme_ci_recipe_builds_with_sitegen_and_keeps_the_ledger() -> None:
    """The deploy gate's CI recipe said `make build`: a site's repository has no such target
    (the Makefile is sitegen's own), and it left out committing content/ back, which the
    check it shows depends on."""
    gate = README.read_text(encoding="utf-8").split("**Check before you deploy.**", 1)[1]
    recipe = gate.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in recipe.splitlines()]
    assert commands[0] == "sitegen build" and not any(c.startswith("make ") for c in commands)
    assert commands.index("sitegen build") < next(i for i, c in enumerate(commands) if c.startswith("sitegen check --against"))
    assert any(c.startswith("git add content") and "git push" in c for c in commands)
    assert commands[-1].startswith("rsync ")

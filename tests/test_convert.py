"""sitegen convert: Hugo's TOML and JSON front matter and Pelican's metadata lines written
as YAML, read back by the build as they were meant."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from conftest import MakeSite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from sitegen import convert
from sitegen.build import build
from sitegen.cli import main
from sitegen.content import decode_content, front_matter_of
from sitegen.convert import convert_file, convert_text
from sitegen.errors import ContentError, OutputError

CONFIG = 'base_url = "https://example.org/"\ntimezone = "Europe/Paris"\n'

# As Hugo's default archetype and its users write it: a TOML datetime unquoted, tables.
HUGO_TOML = """\
+++
title = 'Harbour reopens: "a new start" for the café'
date = 2024-03-05T10:00:00+01:00
lastmod = 2024-03-06T08:00:00+01:00
draft = false
tags = ["harbour", "économie"]
aliases = ["/news/harbour-reopens/", "/old/harbour"]

[params]
  author = "Zoë"
  weight = 3

[[resources]]
  src = "photo.jpg"
  title = "The harbour"
[[resources]]
  src = "map.png"
+++

The harbour reopened on **Tuesday**.

<!--more-->

More text.
"""
HUGO_LOCAL = '+++\ntitle = "Local time"\ndate = 2024-03-07T09:30:00\ntags = ["harbour"]\n+++\n\nIn the site\'s time.\n'
HUGO_DAY = '+++\ntitle = "A day"\ndate = 2024-03-08\n+++\n\nDated by day.\n'
HUGO_DRAFT = '+++\ntitle = "Not yet"\ndate = 2024-03-09T09:30:00+01:00\ndraft = true\n+++\n\nA draft.\n'
HUGO_JSON = """\
{
  "title": "JSON: the \\"other\\" form",
  "date": "2024-03-09T12:00:00Z",
  "tags": ["harbour", "json"],
  "aliases": ["/j/old/"]
}

Text of the JSON post.
"""
PELICAN = """\
Title: Pelican: a story with "quotes"
Date: 2024-03-05 10:20
Tags: harbour, pelican
Slug: pelican-story
Summary: A summary that goes
    over two lines.

The Pelican text.
"""
YAML = "---\ntitle: Already YAML\ndate: 2024-03-01T10:00:00+01:00\n---\n\nAlready fine.\n"


def _convert_all(site: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["convert", "--site", str(site), *args])


def _page(site: Path, path: str) -> Any:
    return lxml_html.fromstring((site / "output" / path / "index.html").read_bytes())


def _text_of(data: bytes) -> bytes:
    """The bytes after a file's front matter (of the fixtures here), from its closing line's end."""
    if data.startswith(b"+++"):
        return b"\n" + data.split(b"\n+++\n", 1)[1]
    if data.startswith(b"{"):
        return b"\n" + data.split(b"\n}\n", 1)[1]
    if data.startswith(b"---"):
        return b"\n" + data.split(b"\n---\n", 1)[1]
    return b"\n\n" + data.split(b"\n\n", 1)[1]  # Pelican's: from the blank line that ends its lines


def test_each_form_converted_is_built_as_hugo_and_pelican_meant_it(make_site: MakeSite) -> None:
    site = make_site(
        content={"toml.md": HUGO_TOML, "local.md": HUGO_LOCAL, "day.md": HUGO_DAY, "draft.md": HUGO_DRAFT, "json.md": HUGO_JSON, "pelican.md": PELICAN},
        config=CONFIG,
    )
    before = {p.name: p.read_bytes() for p in (site / "content").iterdir()}
    result = _convert_all(site)
    assert result.exit_code == 0, result.output
    assert "Converted 6 files to YAML front matter (1 from JSON, 1 from Pelican, 4 from TOML), 0 already YAML, 0 errors." in result.output
    # Hugo's own key is kept, and the summary says the build warns of it.
    assert "Keys of Hugo or Pelican kept as they are (lastmod, params): the build warns of each" in result.output
    for name, data in before.items():
        after = (site / "content" / name).read_bytes()
        assert after.startswith(b"---\n")
        assert _text_of(after) == _text_of(data), name

    report = build(site)
    assert report.ok, report.errors
    assert report.articles == 5  # the draft stays a draft
    assert not (site / "output" / "2024" / "03" / "draft").exists()
    assert any("'lastmod' is not read" in w and "'updated'" in w for w in report.warnings)

    page = _page(site, "2024/03/toml")
    assert page.xpath("//h1/text()") == ['Harbour reopens: "a new start" for the café']
    assert page.xpath("//article//time/@datetime")[0] == "2024-03-05T10:00:00+01:00"
    assert page.xpath("//p[@class='tags']/a/text()") == ["harbour", "économie"]
    for alias in ("news/harbour-reopens", "old/harbour"):
        assert _page(site, alias).xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/2024/03/toml/"]
    assert _page(site, "j/old").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/2024/03/json/"]
    # A local datetime or date is read in the site's timezone, as Hugo read it.
    assert _page(site, "2024/03/local").xpath("//article//time/@datetime")[0] == "2024-03-07T09:30:00+01:00"
    assert _page(site, "2024/03/day").xpath("//article//time/@datetime")[0] == "2024-03-08T00:00:00+01:00"
    pelican = _page(site, "2024/03/pelican-story")
    assert pelican.xpath("//h1/text()") == ['Pelican: a story with "quotes"']
    assert pelican.xpath("//article//time/@datetime")[0] == "2024-03-05T10:20:00+01:00"
    assert pelican.xpath("//p[@class='tags']/a/text()") == ["harbour", "pelican"]

    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    entries = {e.title: e for e in feed.entries}
    assert set(entries) == {
        'Harbour reopens: "a new start" for the café',
        "Local time",
        "A day",
        'JSON: the "other" form',
        'Pelican: a story with "quotes"',
    }
    assert entries['Harbour reopens: "a new start" for the café'].published == "2024-03-05T10:00:00+01:00"
    assert entries['JSON: the "other" form'].published == "2024-03-09T12:00:00+00:00"
    assert [t.term for t in entries['JSON: the "other" form'].tags] == ["harbour", "json"]
    assert entries['Pelican: a story with "quotes"'].summary.startswith("A summary that goes")
    assert "over two lines." in entries['Pelican: a story with "quotes"'].summary


def test_windows_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    crlf = '+++\r\ntitle = "Windows"\r\ndate = 2024-03-10T10:00:00+01:00\r\n+++\r\n\r\nCRLF text.\r\nSecond line.\r\n'
    converted = convert_text("a.md", crlf)
    assert converted is not None
    assert converted.text == "---\r\ntitle: Windows\r\ndate: '2024-03-10T10:00:00+01:00'\r\n---\r\n\r\nCRLF text.\r\nSecond line.\r\n"
    bom = '\ufeff{\n  "title": "BOM"\n}\n\nText.\n'
    converted = convert_text("b.md", bom)
    assert converted is not None and converted.text == "\ufeff---\ntitle: BOM\n---\n\nText.\n"
    pelican = "Title: Windows\r\nSummary: one\r\n    two\r\n\r\nText.\r\n"
    converted = convert_text("c.md", pelican)
    assert converted is not None and converted.text == "---\r\ntitle: Windows\r\nsummary: 'one\r\n\r\n  two'\r\n---\r\n\r\nText.\r\n"


def test_a_file_already_in_yaml_is_not_even_rewritten(make_site: MakeSite) -> None:
    site = make_site(content={"yaml.md": YAML, "toml.md": HUGO_DAY}, config=CONFIG)
    path = site / "content" / "yaml.md"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = _convert_all(site)
    assert result.exit_code == 0, result.output
    assert "Converted 1 file to YAML front matter (1 from TOML), 1 already YAML, 0 errors." in result.output
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert path.read_text() == YAML


def test_bad_toml_is_an_error_naming_its_line_and_the_others_are_converted(make_site: MakeSite) -> None:
    bad = '+++\ntitle = "Broken"\ndate = 2024-03-12T10:00:00+01:00\ntags = [a]\n+++\n\nBad.\n'
    site = make_site(content={"bad.md": bad, "good.md": HUGO_DAY, "json.md": '{"title": "A",\n"title": "B"}\n\nText.\n'}, config=CONFIG)
    result = _convert_all(site)
    assert result.exit_code == 1
    assert f"error: {site / 'content' / 'bad.md'}:4: front matter is not valid TOML: Invalid value; fix it, then convert it" in result.output
    assert f"error: {site / 'content' / 'json.md'}:2: front matter sets 'title' twice: keep one, then convert it" in result.output
    assert "Converted 1 file to YAML front matter (1 from TOML), 0 already YAML, 2 errors." in result.output
    assert (site / "content" / "bad.md").read_text() == bad
    assert (site / "content" / "good.md").read_text().startswith("---\ntitle: A day\n")


def test_dry_run_says_what_it_would_convert_and_writes_nothing(make_site: MakeSite) -> None:
    site = make_site(content={"toml.md": HUGO_TOML, "pelican.md": PELICAN, "yaml.md": YAML}, config=CONFIG)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (site / "content").iterdir()}
    result = _convert_all(site, "--dry-run")
    assert result.exit_code == 0, result.output
    content = site / "content"
    assert result.output.splitlines()[:2] == [f"Would convert {content / 'pelican.md'} (Pelican)", f"Would convert {content / 'toml.md'} (TOML)"]
    assert "Would convert 2 files to YAML front matter (1 from Pelican, 1 from TOML), 1 already YAML, 0 errors. Nothing written (--dry-run)." in result.output
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (site / "content").iterdir()} == before


def test_a_file_saved_while_it_is_converted_is_left_as_its_editor_made_it(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"toml.md": HUGO_DAY}, config=CONFIG)
    path = site / "content" / "toml.md"
    theirs = '+++\ntitle = "A day, retitled"\ndate = 2024-03-08\n+++\n\nDated by day.\n'
    converting = convert.convert_text

    def editor_saves_meanwhile(name: str, text: str, *args: Any) -> convert.Converted | None:
        done = converting(name, text, *args)
        saved = path.with_name("toml.md~")  # as editors save: a new file renamed over the old
        saved.write_text(theirs)
        os.replace(saved, path)
        return done

    monkeypatch.setattr(convert, "convert_text", editor_saves_meanwhile)
    with pytest.raises(OutputError, match="changed while being converted"):
        convert_file(site, path, 1_000_000)
    assert path.read_text() == theirs


def test_front_matter_the_build_would_read_otherwise_is_an_error_and_never_written(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"toml.md": HUGO_DAY}, config=CONFIG)
    path = site / "content" / "toml.md"
    # YAML that loses a word (as a dumper or a reader with a bug would): read back, it differs.
    monkeypatch.setattr(convert, "dump_front_matter", lambda meta: "title: A\ndate: '2024-03-08'\n")
    with pytest.raises(ContentError, match=r"toml.md: not converted: title would not be read back as it is"):
        convert_file(site, path, 1_000_000)
    assert path.read_text() == HUGO_DAY


def test_files_named_are_checked_as_sitegen_publish_checks_them(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(content={".hidden.md": HUGO_DAY, "notes.txt": HUGO_DAY}, config=CONFIG)
    (tmp_path / "elsewhere.md").write_text(HUGO_DAY)
    for path, said in (
        (tmp_path / "elsewhere.md", "not in"),
        (site / "content" / ".hidden.md", "hidden"),
        (site / "content" / "notes.txt", "not an article"),
        (site / "content" / "missing.md", "no such file"),
    ):
        with pytest.raises(ContentError, match=said):
            convert_file(site, path, 1_000_000)
    assert (tmp_path / "elsewhere.md").read_text() == HUGO_DAY


# Text that YAML, or the build's reader of it, might take for something else.
_TRICKY = st.sampled_from(
    ["yes", "no", "null", "~", "1.0", "2024-01-01", "true", "0x1F", "007", "12:30", "- a", "#tag", "a: b", "'q'", '"q"', "", " lead", "trail "]
    + ["a\nb", "*a", "&a", "!x", "%x", "@x", "`x", "[a]", "{a}", "|", ">", "\x85", "\u2028", "a\r", "---", "+++", "..."]
)
_TEXT = st.one_of(_TRICKY, st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
_KEY = st.one_of(_TRICKY, st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10))
_DATETIME = st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9998, 12, 31))
_OFFSET = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_SCALAR = st.one_of(
    _TEXT,
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
    _DATETIME,
    st.builds(lambda d, z: d.replace(tzinfo=z), _DATETIME, _OFFSET),
    st.dates(min_value=dt.date(1000, 1, 1)),
    st.times(),
)
_VALUE = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3), max_leaves=8)


def _toml_text(value: object) -> str:
    """``value`` as TOML writes it (inline tables, basic strings with escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else "inf" if value == math.inf else "-inf" if value == -math.inf else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08X}" for c in value) + '"'
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_text(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{_toml_text(key)} = {_toml_text(item)}" for key, item in value.items()) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEY, _VALUE, min_size=1, max_size=6))
def test_any_toml_front_matter_reads_back_as_the_same_values(meta: dict[str, Any]) -> None:
    document = "+++\n" + "".join(f"{_toml_text(key)} = {_toml_text(value)}\n" for key, value in meta.items()) + "+++\n\nText.\n"
    converted = convert_text("a.md", document)  # raises unless the build reads back every value
    assert converted is not None and converted.text.endswith("\n---\n\nText.\n")
    read = front_matter_of("a.md", decode_content(converted.text.encode()))
    assert _as_read(read) == _as_read(meta)


def _as_read(value: object) -> object:
    """``value`` as the build means it, comparable: numbers and dates are text to its reader
    (content._Loader), each the number or date it was written as."""
    if isinstance(value, dict):
        return [(key, _as_read(item)) for key, item in value.items()]  # in order
    if isinstance(value, list):
        return [_as_read(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return "nan" if math.isnan(value) else value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    assert isinstance(value, str)
    if re.fullmatch(r"[-+]?(\.inf|\.nan|[0-9][0-9_]*\.[0-9_]*(e[-+][0-9]+)?)", value, re.IGNORECASE):
        number = yaml.safe_load(value)  # a float as YAML writes it, read by the build as text
        return "nan" if math.isnan(number) else number
    return value


# `sitegen convert --keys`: the keys of other tools that mean one of sitegen's, renamed.
HUGO_KEYS = """\
+++
title = "Hugo keys"
date = 2024-03-05T10:00:00+01:00
lastMod = 2024-03-06T08:00:00+01:00
description = "The Hugo summary."
categories = ["Ports", "News"]
tags = ["news"]
url = "/old/hugo-keys/"
featured_image = "quay.png"
featured_image_alt = "The quay at dawn"
weight = 3
+++

Hugo text.
"""
JEKYLL_KEYS = """\
---
layout: post
title: Harbour reopens
date: 2024-03-07 10:00:00 +0100
last_modified_at: 2024-03-08 09:00:00 +0100
excerpt: The harbour is open again.
categories: [news, harbour]
tags: [boats]
permalink: /news/harbour-reopens/
---

Jekyll text.
"""
PELICAN_KEYS = "Title: Pelican keys\nDate: 2024-03-09 10:20\nModified: 2024-03-10 11:00\nCategory: Politics\nTags: harbour\nStatus: published\n\nPelican text.\n"
PELICAN_DRAFT = "Title: Pelican draft\nDate: 2024-03-09 10:20\nStatus: draft\n\nNot yet.\n"
# A YAML file whose keys are renamed on their lines: every comment and quote kept.
YAML_COMMENTED = """\
---
# Moved from Jekyll.
title: Commented   # the headline
date: 2024-03-11T10:00:00+01:00
last_modified_at: 2024-03-12T10:00:00+01:00  # corrected the quote
excerpt: "Short: quoted"
permalink: /news/commented/
---

Text.
"""


def _picture(site: Path, name: str) -> None:
    from PIL import Image

    Image.new("RGB", (40, 30), "red").save(site / "content" / name)


def test_keys_of_hugo_jekyll_and_pelican_are_renamed_and_built_as_sitegen_reads_them(make_site: MakeSite) -> None:
    site = make_site(
        content={"hugo.md": HUGO_KEYS, "2024-03-07-harbour-reopens.md": JEKYLL_KEYS, "pelican.md": PELICAN_KEYS, "draft.md": PELICAN_DRAFT, "commented.md": YAML_COMMENTED},
        config=CONFIG,
    )
    _picture(site, "quay.png")
    result = _convert_all(site, "--keys")
    assert result.exit_code == 0, result.output
    content = site / "content"
    assert result.output.splitlines() == [
        f"Renamed keys of {content / '2024-03-07-harbour-reopens.md'}: last_modified_at -> updated, excerpt -> summary, categories -> tags, permalink -> aliases",
        f"Renamed keys of {content / 'commented.md'}: last_modified_at -> updated, excerpt -> summary, permalink -> aliases",
        f"Converted {content / 'draft.md'} (Pelican; status -> draft)",
        f"Converted {content / 'hugo.md'} (TOML; lastMod -> updated, description -> summary, featured_image -> image,"
        " featured_image_alt -> image_alt, categories -> tags, url -> aliases)",
        f"Converted {content / 'pelican.md'} (Pelican; modified -> updated, category -> tags, status removed)",
        "Converted 3 files to YAML front matter (2 from Pelican, 1 from TOML), 2 already YAML, keys renamed in 5 files, 0 errors."
        " Keys of Hugo or Pelican kept as they are (layout, weight): the build warns of each, saying what sitegen reads instead.",
    ]
    assert (content / "commented.md").read_text() == YAML_COMMENTED.replace("last_modified_at:", "updated:").replace("excerpt:", "summary:").replace("permalink:", "aliases:")
    assert (content / "draft.md").read_text() == "---\ntitle: Pelican draft\ndate: 2024-03-09 10:20\ndraft: true\n---\n\nNot yet.\n"

    report = build(site)
    assert report.ok, report.errors
    assert report.articles == 4  # Pelican's draft stays a draft
    # The keys that are not sitegen's in meaning (layout, weight) are still said; none of the others.
    assert sorted(w.split(": front-matter key ")[1].split(" ")[0] for w in report.warnings if "front-matter key" in w) == ["'layout'", "'weight'"]

    jekyll = _page(site, "2024/03/2024-03-07-harbour-reopens")
    assert jekyll.xpath("//p[@class='standfirst']/text()") == ["The harbour is open again."]
    assert jekyll.xpath("//p[@class='tags']/a/text()") == ["boats", "news", "harbour"]  # its tags first
    assert jekyll.xpath("//p[@class='meta']/time/@datetime") == ["2024-03-07T10:00:00+01:00", "2024-03-08T09:00:00+01:00"]
    # Jekyll's address answers with a redirect to the article, as the README says to do by hand.
    assert _page(site, "news/harbour-reopens").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/2024/03/2024-03-07-harbour-reopens/"]
    hugo = _page(site, "2024/03/hugo")
    assert hugo.xpath("//p[@class='standfirst']/text()") == ["The Hugo summary."]
    assert hugo.xpath("//p[@class='tags']/a/text()") == ["news", "Ports"]  # News is news, already there
    assert hugo.xpath("//article//img[contains(@src, 'quay')]/@alt") == ["The quay at dawn"]
    assert _page(site, "old/hugo-keys").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/2024/03/hugo/"]
    assert _page(site, "2024/03/pelican").xpath("//p[@class='tags']/a/text()") == ["harbour", "Politics"]

    entries = {e.title: e for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    assert set(entries) == {"Hugo keys", "Harbour reopens", "Pelican keys", "Commented"}
    assert entries["Hugo keys"].updated == "2024-03-06T08:00:00+01:00"
    assert entries["Harbour reopens"].updated == "2024-03-08T09:00:00+01:00"
    assert entries["Pelican keys"].updated == "2024-03-10T11:00:00+01:00"
    assert entries["Commented"].summary == "Short: quoted"


def test_a_key_whose_sitegen_key_holds_another_value_is_kept_beside_it_with_a_warning(make_site: MakeSite) -> None:
    both = "---\ntitle: Both\ndate: 2024-03-05T10:00:00+01:00\nsummary: The editor's summary.\ndescription: The SEO description.\n---\n\nText.\n"
    same = "---\ntitle: Same\ndate: 2024-03-05T10:00:00+01:00\nupdated: 2024-03-06T10:00:00+01:00\nlastmod: 2024-03-06T10:00:00+01:00\n---\n\nText.\n"
    site = make_site(content={"both.md": both, "same.md": same}, config=CONFIG)
    path = site / "content" / "both.md"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = _convert_all(site, "--keys")
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {path}:5: 'description' and 'summary' hold different values: all kept, none renamed 'summary';"
        " sitegen reads 'summary': keep what you mean there, and delete 'description'"
    ) in result.stderr
    assert "2 already YAML, keys renamed in 1 file, 0 errors." in result.output
    assert path.read_text() == both and path.stat().st_mtime_ns == 1_000_000_000
    # The same date twice: the other tool's key says nothing more, and goes.
    assert (site / "content" / "same.md").read_text() == "---\ntitle: Same\ndate: 2024-03-05T10:00:00+01:00\nupdated: 2024-03-06T10:00:00+01:00\n---\n\nText.\n"
    report = build(site)
    assert report.ok
    assert [w for w in report.warnings if "front-matter key" in w] == [
        f"{path}:5: front-matter key 'description' is not read, and ignored: the summary is 'summary', or else the start of the text"
        " (up to a <!--more--> divider, where there is one); `sitegen convert --keys` does it for every file"
    ]


def test_values_sitegen_would_read_otherwise_are_left_for_the_build_to_warn_of(make_site: MakeSite) -> None:
    # A Jekyll pattern is not an address; a picture with no alt text would make the article
    # an error, where its key not read is a warning; a picture not in content/ is not found.
    kept = (
        "---\ntitle: Kept\ndate: 2024-03-05T10:00:00+01:00\npermalink: /:categories/:title/\nfeatured_image: quay.png\n"
        "cover: {image: quay.png}\nlastmod: last Tuesday\nstatus: hidden\n---\n\nText.\n"
    )
    missing = "---\ntitle: Missing\ndate: 2024-03-05T10:00:00+01:00\nthumbnail: /static/gone.png\nfeatured_image_alt: Gone\n---\n\nText.\n"
    site = make_site(content={"kept.md": kept, "missing.md": missing}, config=CONFIG)
    _picture(site, "quay.png")
    before = {p.name: p.stat().st_mtime_ns for p in (site / "content").iterdir()}
    result = _convert_all(site, "--keys")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Converted 0 files to YAML front matter, 2 already YAML, keys renamed in 0 files, 0 errors."]
    assert {p.name: p.stat().st_mtime_ns for p in (site / "content").iterdir()} == before


def test_keys_give_a_hugo_translation_the_language_its_file_name_says(make_site: MakeSite) -> None:
    """Hugo's multilingual sites name a translation post.fr.md: converted, it was built as a
    story in the site's language, its French read by an English voice and filed as English."""
    toml = '+++\ntitle = "Le conseil approuve le budget"\ndate = 2024-03-05T11:00:00+01:00\n+++\n\nLe conseil a voté.\n'
    yaml_pt = "---\ntitle: O conselho aprova\ndate: '2024-03-05T12:00:00+01:00'\n---\n\nO conselho votou.\n"
    said = "---\ntitle: Ein Rat\ndate: 2024-03-05T13:00:00+01:00\nlanguage: de-AT\n---\n\nText.\n"
    plain = "---\ntitle: Notes two\ndate: 2024-03-05T14:00:00+01:00\n---\n\nText.\n"
    site = make_site(content={"budget.fr.md": toml, "budget.pt-br.md": yaml_pt, "rat.de.md": said, "notes.final.md": plain, "v2.0.md": plain})
    result = _convert_all(site, "--keys")
    assert result.exit_code == 0, result.output
    content = site / "content"
    assert f"Converted {content / 'budget.fr.md'} (TOML; file name's .fr -> language)" in result.output
    assert f"Renamed keys of {content / 'budget.pt-br.md'}: file name's .pt-br -> language" in result.output
    assert front_matter_of("budget.fr.md", (content / "budget.fr.md").read_text())["language"] == "fr"
    assert (content / "budget.pt-br.md").read_text() == yaml_pt.replace("---\n\n", "language: pt-br\n---\n\n")
    # A language already said, and names that are no language's, are left as they are.
    assert (content / "rat.de.md").read_text() == said
    assert (content / "notes.final.md").read_text() == (content / "v2.0.md").read_text() == plain

    report = build(site)
    assert report.ok, report.errors
    page = _page(site, "2024/03/budget-fr")
    assert page.xpath("//h1/ancestor-or-self::*[@lang][1]/@lang") == ["fr"]


def test_keys_dry_run_says_what_it_would_rename_and_writes_nothing(make_site: MakeSite) -> None:
    site = make_site(content={"jekyll.md": JEKYLL_KEYS, "hugo.md": HUGO_DAY, "yaml.md": YAML}, config=CONFIG)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (site / "content").iterdir()}
    result = _convert_all(site, "--keys", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Would convert {site / 'content' / 'hugo.md'} (TOML)",
        f"Would rename keys of {site / 'content' / 'jekyll.md'}: last_modified_at -> updated, excerpt -> summary, categories -> tags, permalink -> aliases",
        "Would convert 1 file to YAML front matter (1 from TOML), 2 already YAML, keys to rename in 1 file, 0 errors. Nothing written (--dry-run)."
        " Keys of Hugo or Pelican kept as they are (layout): the build warns of each, saying what sitegen reads instead.",
    ]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (site / "content").iterdir()} == before


def test_the_keys_renamed_are_those_the_build_says_convert_keys_renames() -> None:
    from sitegen.content import CONVERT_KEYS, OTHER_TOOLS_KEYS

    assert convert.RENAMED_KEYS == CONVERT_KEYS and CONVERT_KEYS.issubset(OTHER_TOOLS_KEYS)


def test_keys_renamed_keep_windows_line_ends_and_a_byte_order_mark() -> None:
    lines = "\ufeff---\r\ntitle: Windows # kept\r\nlastmod: 2024-03-06\r\n---\r\n\r\nText.\r\n"
    converted = convert_text("a.md", lines, keys=True)
    assert converted is not None and converted.text == lines.replace("lastmod:", "updated:")
    merged = "\ufeff---\r\ntitle: Windows\r\ntags: a, b\r\ncategories: [B, c]\r\n---\r\n\r\nText.\r\n"
    converted = convert_text("b.md", merged, keys=True)
    assert converted is not None and converted.renamed == (("categories", "tags"),)
    assert converted.text == "\ufeff---\r\ntitle: Windows\r\ntags:\r\n- a\r\n- b\r\n- c\r\n---\r\n\r\nText.\r\n"
    assert convert_text("c.md", "---\ntitle: Nothing to rename\nlayout: post\n---\n\nText.\n", keys=True) is None


def test_a_comment_the_yaml_written_would_lose_is_an_error_and_the_file_left(make_site: MakeSite) -> None:
    # A comment is neither key nor value: the read-back check cannot miss it, so it is looked for.
    toml = '+++\ntitle = "Quay #2"  # "#2" is text, this is not\n# source: the harbour office, call back Monday\ndate = 2024-03-05T10:00:00+01:00\n+++\n\nText.\n'
    merged = "---\ntitle: Quay\ndate: 2024-03-05T10:00:00+01:00\n# checked with the mayor's office\ntags: [harbour]\ncategories: [Economy]\n---\n\nText.\n"
    literal = "+++\ntitle = 'Say \"# not a comment\"'\nsummary = '''a # b'''\ndate = 2024-03-06T10:00:00+01:00\n+++\n\nText.\n"
    site = make_site(content={"toml.md": toml, "merged.md": merged, "literal.md": literal}, config=CONFIG)
    result = _convert_all(site, "--keys")
    assert result.exit_code == 1, result.output
    assert f"{site / 'content' / 'toml.md'}:2: not converted: YAML written from TOML would lose this comment" in result.output
    assert f"{site / 'content' / 'merged.md'}:4: keys not renamed: writing its front matter again would lose this comment" in result.output
    assert (site / "content" / "toml.md").read_text() == toml
    assert (site / "content" / "merged.md").read_text() == merged
    # A '#' inside a string is text, and the file is converted.
    meta = yaml.safe_load((site / "content" / "literal.md").read_text().split("---\n")[1])
    assert meta["title"] == 'Say "# not a comment"' and meta["summary"] == "a # b"

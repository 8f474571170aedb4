from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, SAMPLE_SEED, MakeSite, Tmpfs, article_md, seed_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from sitegen import seeds as seeds_module
from sitegen import urls
from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.cli import main
from sitegen.config import Config, ImportRules
from sitegen.content import Converter, load_content, new_markdown, parse_article
from sitegen.errors import OutputError, SeedError
from sitegen.seeds import import_seeds, is_hand_edited, parse_seed, render_markdown
from sitegen.text import escape_markdown, summarize

GOLDEN = DATA / "golden" / "000_e39c6646365b1e6c.md"


def test_sample_seed_imports_to_golden_markdown(make_site: MakeSite, update_golden: bool) -> None:
    site = make_site(sample=True)
    report = import_seeds(site, Config())
    assert [p.name for p in report.created] == ["000_e39c6646365b1e6c.md"]
    produced = (site / "content" / "000_e39c6646365b1e6c.md").read_text(encoding="utf-8")
    if update_golden:
        GOLDEN.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN.read_text(encoding="utf-8")


def test_sample_seed_boilerplate_goes_to_front_matter_not_body() -> None:
    seed = parse_seed(SAMPLE_SEED.read_bytes(), SAMPLE_SEED, ImportRules())
    assert seed.title == "North Koreas remarkable improvement in missile tech that cant be ignored"
    assert len(seed.paragraphs) == 10
    body = "\n".join(seed.paragraphs)
    for boiler in ("READ MORE", "sign up to one of our newsletters", "•", "Source:"):
        assert boiler not in body
    assert seed.related[0] == "US and South Korea launch four missiles in response to North Korea but one fails"
    assert len(seed.related) == 4
    assert seed.origin == "Read Full Article"


def test_boilerplate_patterns_are_configurable(tmp_path: Path) -> None:
    rules = ImportRules(read_more=r"^ALSO READ:\s*(?P<text>.+)$", drop=(r"^Follow us on .*$",))
    data = seed_text("Title", "First.", "ALSO READ: Another story", "Follow us on social media", "Last.").encode()
    seed = parse_seed(data, tmp_path / "001_0000000000000001.txt", rules)
    assert seed.paragraphs == ("First.", "Last.")
    assert seed.related == ("Another story",)


LONG = 50_000


@pytest.mark.parametrize(
    ("line", "related", "origin"),
    [
        ("READ MORE: x" + " " * LONG + "y", ("x" + " " * LONG + "y",), ""),
        ("READ MORE: x" + "\t" * LONG + "y", ("x" + "\t" * LONG + "y",), ""),
        ("READ MORE: x" + " " * LONG, ("x",), ""),
        ("READ MORE:" + " \t\u00a0\u2003" * (LONG // 4) + "x", ("x",), ""),
        (" " * LONG + "READ MORE: x" + " " * LONG, ("x",), ""),
        ("\u2022 x" + " \t" * (LONG // 2) + "y", ("x" + " \t" * (LONG // 2) + "y",), ""),
        ("Source: x" + " " * LONG + "y", (), "x" + " " * LONG + "y"),
        ("Source:" + " " * LONG, (), ""),
        ("To stay up to date with all the latest news," + " " * LONG + "sign up to one of our newsletters" + " " * LONG + "x", (), ""),
    ],
)
def test_long_runs_of_spacing_import_in_linear_time(tmp_path: Path, line: str, related: tuple[str, ...], origin: str) -> None:
    data = seed_text("Title", "Text.", line, "More text.").encode()
    started = time.process_time()  # this process's own time: a busy machine stretches the clock's
    seed = parse_seed(data, tmp_path / "001_0000000000000001.txt", ImportRules())
    # Well under a second each; the old patterns took 12 s or more. The bound is only a guard.
    assert time.process_time() - started < 5
    assert (seed.related, seed.origin, seed.paragraphs) == (related, origin, ("Text.", "More text."))


def test_long_front_matter_lines_are_read_in_linear_time(make_site: MakeSite) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Text.")})
    import_seeds(site, Config())
    target = site / "content" / "001_0000000000000001.md"
    document = target.read_text()
    assert "\nslug: title\n" in document
    target.write_text(document.replace("\nslug: title\n", "\nslug: title" + " " * LONG + "x\n"))
    (site / "seeds" / "001_0000000000000001.txt").write_text(seed_text("Title", "New text."))
    started = time.process_time()
    report = import_seeds(site, Config())
    assert time.process_time() - started < 5
    assert report.kept == [target]


def test_a_seed_not_named_as_a_publishers_is_said_once_to_keep_its_name(make_site: MakeSite) -> None:
    """Its id is made from its whole name: renamed, it was published again as another story,
    in every feed, without a word. Said when it is imported, once; not of a seed named
    ``<number>_<16 hex digits>.txt``, whose rename keeps its id."""
    site = make_site(seeds={"story.txt": seed_text("Odd name story", "Text."), "002_0000000000000002.txt": seed_text("Named", "Text.")})
    report = build(site)
    assert report.ok
    assert report.warnings == [
        f"{site / 'seeds' / 'story.txt'}: imported into story.md, but its name is not <number>_<16 lower-case hex digits>.txt: its article's id is made"
        " from the whole name, so the seed renamed would be imported again as another article, in every feed; keep its name"
    ]
    assert build(site).warnings == []
    (site / "seeds" / "story.txt").rename(site / "seeds" / "story-renamed.txt")
    report = build(site)
    assert len(report.warnings) == 1 and report.warnings[0].startswith(f"{site / 'seeds' / 'story-renamed.txt'}: imported into story-renamed.md")


HOSTILE_LINES = [
    "# not a heading",
    "## neither",
    "#MeToo is a hashtag, and no heading either",
    "##Scores##",
    "1. not a list",
    "2) nor this",
    "* not a bullet",
    "- nor this",
    "+ nor this",
    "> not a quote",
    "| not | a | table |",
    "|---|---|",
    "<script>alert('x')</script>",
    "[click](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "<http://example.com/autolink>",
    "**not bold** and _not em_ and `not code`",
    "    four spaces are not code",
    "```",
    "~~~",
    "AT&amp;T &copy; &#60;b&#62;",
    "[^1]: not a footnote",
    "[ref]: http://example.com",
    "a line with a trailing backslash \\",
    "===",
    "---",
    "<!-- not a comment -->",
    "Text with <b>tags</b> & ampersands",
]


def _rendered_paragraphs(markdown_source: str) -> list[str]:
    md = new_markdown()
    tree = lxml_html.fragment_fromstring(md.convert(markdown_source), create_parent="div")
    return [" ".join(el.text_content().split()) for el in tree]


@pytest.mark.parametrize("line", HOSTILE_LINES)
def test_hostile_seed_text_stays_visible_text(line: str) -> None:
    rendered = new_markdown().convert(escape_markdown(line))
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    # Exactly one paragraph, no other element: nothing became markup.
    assert [el.tag for el in tree.iter()] == ["div", "p"], rendered
    assert tree.text_content() == line.strip()


def test_hostile_title_and_body_reach_the_page_as_text(make_site: MakeSite) -> None:
    title = "<script>alert('t')</script> & \"quotes\""
    site = make_site(seeds={"001_00000000000000aa.txt": seed_text(title, *HOSTILE_LINES)})
    report = build(site)
    assert report.ok, report.errors
    page = next((site / "output").glob("[0-9]*/*/*/index.html"))
    doc = lxml_html.fromstring(page.read_bytes())
    # The one script is the article's JSON-LD, where the title stays data.
    assert [s.get("type") for s in doc.xpath("//script")] == ["application/ld+json"]
    assert json.loads(doc.xpath("string(//script)"))["headline"] == title
    assert doc.xpath("//article//a[contains(@href, 'javascript')]") == []
    assert doc.xpath("//h1")[0].text_content() == title
    body = [" ".join(p.text_content().split()) for p in doc.xpath("//div[@class='body']/p")]
    assert body == [line.strip() for line in HOSTILE_LINES]


markdownish = st.text(
    alphabet=st.sampled_from(list("#*_-+>|`[]()!<>&;:~=\\{}.0123456789 aZ\t")) | st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(markdownish)
def test_any_seed_line_renders_as_its_own_text(line: str) -> None:
    rendered = new_markdown().convert(escape_markdown(line))
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    assert [el.tag for el in tree.iter()] == ["div", "p"], rendered
    assert " ".join(tree.text_content().split()) == " ".join(line.split())


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=150), min_size=1, max_size=5))
def test_an_imported_article_is_summed_up_as_imports_that_wrote_a_summary_did(paragraphs: list[str]) -> None:
    """The import writes no ``summary`` (one copied from the text stayed behind when an
    editor changed how the text begins); the summary made from the text is the one earlier
    imports wrote, so no article they imported shows as updated."""
    data = ("Title\n\n" + "\n\n".join(paragraphs) + "\n").encode()
    try:
        seed = parse_seed(data, Path("000_0123456789abcdef.txt"), ImportRules())
    except SeedError:
        return
    document = render_markdown(seed, "title", dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    assert "\nsummary:" not in document
    article = parse_article("content/000_0123456789abcdef.md", document, Config(), Converter())[0]
    assert article is not None and article.summary == summarize(" ".join(seed.paragraphs)) and article.summary_is_opening


def test_a_summary_an_older_import_copied_is_named_once_the_text_no_longer_begins_with_it(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    assert build(site).ok
    path = site / "content" / "000_e39c6646365b1e6c.md"
    text = path.read_text()
    opening = "The possibility that North Korea may conduct a nuclear test is certainly real"
    words = summarize(" ".join(parse_seed(SAMPLE_SEED.read_bytes(), SAMPLE_SEED, ImportRules()).paragraphs))
    # As imports before this one wrote it: the start of the text, cut, as its summary.
    path.write_text(text.replace("\ntags:", f"\nsummary: {words}\ntags:", 1))
    report = build(site)
    assert report.ok and report.warnings == []
    front, end, body = path.read_text().partition("\n---\n")
    path.write_text(front + end + body.replace(opening, "The chance that North Korea may test a bomb is real"))
    report = build(site)
    line = path.read_text().splitlines().index(f"summary: {words}") + 1
    assert report.warnings == [
        f"{path}:{line}: summary: copied from the text when it was imported, and no longer how the text begins,"
        " so pages show it above the text; delete the line to have the summary follow the text"
    ]
    (page,) = (site / "output").glob("*/*/north-koreas-remarkable-improvement-in-missile-tech-that-cant-be-ignored/index.html")
    assert lxml_html.fromstring(page.read_bytes()).xpath("//p[@class='standfirst']/text()") == [words]
    # Deleted, the summary follows the text; one an editor wrote (no cut) is theirs to show.
    path.write_text(path.read_text().replace(f"summary: {words}\n", ""))
    report = build(site)
    assert report.warnings == [] and lxml_html.fromstring(page.read_bytes()).xpath("//p[@class='standfirst']") == []
    path.write_text(path.read_text().replace("\ntags:", "\nsummary: Tokyo says a test is coming.\ntags:", 1))
    assert build(site).warnings == []


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"Title\n\nGood line\n\xff\xfe bad bytes\n", "not valid UTF-8", 4),
        (b"Caf\xe9 opens\n\nText\n", "is not valid UTF-8 (byte 0xe9 at offset 3): save it as UTF-8", 1),
        ("Title\n\nText\n".encode("utf-16"), "is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8", 1),
        ("\ufeffTitle\n\nText\n".encode("utf-16-be"), "is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8", 1),
        (b"Title\n\nText with a \0 NUL\n", "NUL byte", 3),
        # Some export tools write UTF-16 with no mark: text, not a "binary file?".
        ("Title\n\nText\n".encode("utf-16-le"), "is UTF-16 without a byte order mark (every other byte is NUL): save it as UTF-8", 1),
        ("Заголовок\n\nТекст статьи\n".encode("utf-16-be"), "is UTF-16 without a byte order mark", 1),
        (b"", "is empty", None),
        (b"  \n\n \n", "is empty", None),
        (b"READ MORE: something\n\nText\n", "no title", 1),
        (b"Title\n\nBell \x07 character\n", "U+0007", 3),
        (b"Only a title\n", "no article text", None),
        ("\n\u200b\u200d\u2060\ufeff\u0301 \u202e\n\nText\n".encode(), "has no title: its first line shows no visible character", 2),
        ("\u3164\n\nText\n".encode(), "no visible character", 1),
    ],
)
def test_bad_seeds_get_errors_naming_file_and_line(tmp_path: Path, data: bytes, message: str, line: int | None) -> None:
    path = tmp_path / "009_00000000000000ff.txt"
    with pytest.raises(SeedError) as info:
        parse_seed(data, path, ImportRules())
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.line == line


def test_an_empty_seed_is_told_what_to_do(make_site: MakeSite, runner: CliRunner) -> None:
    """An empty seed was said to be empty, with no next step."""
    site = make_site(seeds={"001_0000000000000001.txt": b"", "002_0000000000000002.txt": seed_text("Full", "Text.")})
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error: ")] == [
        f"error: {site / 'seeds' / '001_0000000000000001.txt'}: is empty: put the article in it (its title on the first line,"
        " then its paragraphs, a blank line between them), or delete the file"
    ]
    assert "Built 1 article (1 imported)" in result.output


def test_a_seed_over_max_file_bytes_is_refused_unread(make_site: MakeSite) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Small", "Text.")})
    huge = site / "seeds" / "002_0000000000000002.txt"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MiB of NUL bytes, were it read
    report = import_seeds(site, Config())
    assert [p.name for p in report.created] == ["001_0000000000000001.md"]
    [error] = report.errors
    assert isinstance(error, SeedError) and error.path == huge
    assert "002_0000000000000002.txt: is 52,428,800 bytes, over max_file_bytes (2,000,000)" in str(error)
    assert not (site / "content" / "002_0000000000000002.md").exists()


def test_max_file_bytes_is_a_setting(make_site: MakeSite) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Some text.")}, config="max_file_bytes = 10\n")
    report = build(site)
    [error] = report.errors
    assert str(error).startswith(f"{site / 'seeds' / '001_0000000000000001.txt'}: is 18 bytes, over max_file_bytes (10)")
    (site / "sitegen.toml").write_text("max_file_bytes = 1000\n")
    report = build(site)
    assert report.ok, report.errors
    assert (site / "content" / "001_0000000000000001.md").is_file()


def test_a_seed_that_escapes_to_more_than_max_file_bytes_is_an_error_naming_the_seed(make_site: MakeSite) -> None:
    """"<" imports as "&lt;": a seed within the limit made a content file the build then
    refused to read, an error about a file nobody wrote."""
    seed = seed_text("Title", "a<" * 700)
    site = make_site(seeds={"001_0000000000000001.txt": seed}, config="max_file_bytes = 2000\n")
    report = build(site)
    [error] = report.errors
    assert isinstance(error, SeedError) and error.path == site / "seeds" / "001_0000000000000001.txt"
    assert "over max_file_bytes (2,000); it was not imported" in str(error)
    assert not (site / "content" / "001_0000000000000001.md").exists()
    (site / "sitegen.toml").write_text("max_file_bytes = 10000\n")
    report = build(site)
    assert report.ok, report.errors
    assert (site / "content" / "001_0000000000000001.md").is_file()


def test_symlinked_seeds_are_refused(make_site: MakeSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(seed_text("Private title", "Private text."))
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Text.")})
    (site / "seeds" / "002_0000000000000002.txt").symlink_to(secret)
    (site / "seeds" / "003_0000000000000003.txt").symlink_to(site / "seeds" / "001_0000000000000001.txt")
    os.mkfifo(site / "seeds" / "004_0000000000000004.txt")  # would block a plain open()
    report = import_seeds(site, Config())
    assert [p.name for p in report.created] == ["001_0000000000000001.md"]
    messages = sorted(str(e) for e in report.errors)
    assert [m.split(": ", 1)[0] for m in messages] == [str(site / "seeds" / f"00{n}_000000000000000{n}.txt") for n in (2, 3, 4)]
    assert "is a symbolic link" in messages[0] and "is a symbolic link" in messages[1]
    assert "is not a regular file" in messages[2]
    assert "Private" not in "".join(p.read_text() for p in (site / "content").glob("*.md"))


def test_the_importer_never_writes_through_a_symlinked_content_file(make_site: MakeSite, tmp_path: Path) -> None:
    victim = tmp_path / "victim.md"
    victim.write_text("not the importer's\n")
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("One", "Text."), "002_0000000000000002.txt": seed_text("Two", "Text.")})
    linked, dangling = site / "content" / "001_0000000000000001.md", site / "content" / "002_0000000000000002.md"
    linked.symlink_to(victim)
    dangling.symlink_to(tmp_path / "elsewhere.md")
    report = build(site)
    mine = [str(e) for e in report.errors if "the importer does not write through one" in str(e)]
    assert sorted(m.split(": ", 1)[0] for m in mine) == [str(linked), str(dangling)]
    assert all(str(e).startswith((str(linked), str(dangling))) for e in report.errors)
    assert victim.read_text() == "not the importer's\n" and not (tmp_path / "elsewhere.md").exists()
    assert linked.is_symlink() and dangling.is_symlink()
    # The error is about the content file, not the seed: it is not kept as the seed's outcome,
    # so once the links are gone the seeds import, though the seeds themselves did not change.
    report = import_seeds(site, Config())
    assert len(report.errors) == 2 and report.outcomes == {}
    linked.unlink()
    dangling.unlink()
    report = import_seeds(site, Config(), previous=report.outcomes)
    assert not report.errors
    assert "title: One" in linked.read_text() and "title: Two" in dangling.read_text()


def test_a_content_file_made_a_link_after_examining_is_not_written(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import seeds

    victim = tmp_path / "victim.md"
    victim.write_text("not the importer's\n")
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("One", "Text.")})
    target = site / "content" / "001_0000000000000001.md"
    examine = seeds._examine_seed

    def examine_then_swap(context: Any, path: Path) -> Any:
        examined = examine(context, path)
        target.symlink_to(victim)
        return examined

    monkeypatch.setattr(seeds, "_examine_seed", examine_then_swap)
    report = import_seeds(site, Config())
    assert [str(e) for e in report.errors] == [f"{target}: {seeds._CONTENT_LINK}"] and report.created == []
    assert victim.read_text() == "not the importer's\n"


def test_bidi_controls_are_removed_from_titles(tmp_path: Path) -> None:
    data = seed_text("\u202eSafe\u202c  title \u2066\u05e9\u05dc\u05d5\u05dd\u2069", "Text \u200f stays.").encode()
    seed = parse_seed(data, tmp_path / "001_0000000000000001.txt", ImportRules())
    assert seed.title == "Safe title \u05e9\u05dc\u05d5\u05dd"
    assert seed.paragraphs == ("Text \u200f stays.",)  # body text may need its marks


def _edit_after_examining(monkeypatch: pytest.MonkeyPatch, target: Path, text: str) -> None:
    """Save ``text`` to ``target`` once the importer has examined its seed: a hand edit
    made while the import runs."""
    from sitegen import seeds

    examine = seeds._examine_seed

    def examine_then_edit(context: Any, path: Path) -> Any:
        examined = examine(context, path)
        target.write_text(text)
        return examined

    monkeypatch.setattr(seeds, "_examine_seed", examine_then_edit)


def test_an_edit_saved_while_importing_is_never_overwritten(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Old text.")})
    import_seeds(site, Config())
    target = site / "content" / "001_0000000000000001.md"
    (site / "seeds" / "001_0000000000000001.txt").write_text(seed_text("Title", "New text."))
    edited = target.read_text().replace("Old text.", "Old text, corrected while the import ran.")
    _edit_after_examining(monkeypatch, target, edited)
    report = import_seeds(site, Config())
    assert target.read_text() == edited
    assert report.warnings == [f"{target}: changed while importing; kept your version"]
    assert report.kept == [target] and report.updated == [] and report.errors == []
    assert str(site / "seeds" / "001_0000000000000001.txt") not in report.outcomes  # looked at again next time


def test_a_content_file_created_while_importing_is_never_overwritten(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import article_md

    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Text.")})
    target = site / "content" / "001_0000000000000001.md"
    mine = article_md("Written by hand meanwhile")
    _edit_after_examining(monkeypatch, target, mine)
    report = import_seeds(site, Config())
    assert target.read_text() == mine
    assert report.warnings == [f"{target}: changed while importing; kept your version"]
    assert report.kept == [target] and report.created == []


def test_a_content_file_unchanged_since_examined_is_updated(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Old text.")})
    import_seeds(site, Config())
    target = site / "content" / "001_0000000000000001.md"
    (site / "seeds" / "001_0000000000000001.txt").write_text(seed_text("Title", "New text."))
    _edit_after_examining(monkeypatch, target, target.read_text())  # saved again, same bytes
    report = import_seeds(site, Config())
    assert report.updated == [target] and report.warnings == [] and "New text." in target.read_text()


def test_unchanged_seed_leaves_content_byte_identical(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(sample=True)
    import_seeds(site, Config())
    target = site / "content" / "000_e39c6646365b1e6c.md"
    before, mtime = target.read_bytes(), target.stat().st_mtime_ns
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later day must not move the date
    report = import_seeds(site, Config())
    assert report.unchanged == [str(target)] and not report.created and not report.updated
    assert target.read_bytes() == before
    assert target.stat().st_mtime_ns == mtime


def test_changed_seed_updates_unedited_content_keeping_date_slug_and_id(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("First title", "Old text.")})
    import_seeds(site, Config())
    target = site / "content" / "001_0000000000000001.md"
    old = target.read_text()
    (site / "seeds" / "001_0000000000000001.txt").write_text(seed_text("New title", "New text."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    report = import_seeds(site, Config())
    assert report.updated == [target]
    new = target.read_text()
    assert "New text." in new and "title: New title" in new
    for key in ("date", "slug", "id"):
        assert re.search(rf"^{key}: .*$", old, re.M)[0] == re.search(rf"^{key}: .*$", new, re.M)[0]


def test_hand_edited_content_is_never_overwritten(make_site: MakeSite) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("Title", "Text.")})
    import_seeds(site, Config())
    target = site / "content" / "001_0000000000000001.md"
    edited = target.read_text().replace("Text.", "Text, corrected by an editor.")
    target.write_text(edited)
    assert is_hand_edited(edited)
    # Seed unchanged: nothing to do. Seed changed: still kept, with a warning.
    assert import_seeds(site, Config()).unchanged == [str(target)]
    (site / "seeds" / "001_0000000000000001.txt").write_text(seed_text("Title", "Publisher's new text."))
    report = import_seeds(site, Config())
    assert report.kept == [target]
    assert any(str(target) in w and "edited by hand" in w for w in report.warnings)
    assert target.read_text() == edited


def test_import_never_touches_hand_written_content(make_site: MakeSite) -> None:
    from conftest import article_md

    mine = article_md("My own story", slug="my-own-story")
    site = make_site(sample=True, content={"my-own-story.md": mine})
    import_seeds(site, Config())
    assert (site / "content" / "my-own-story.md").read_text() == mine
    articles = load_content(site / "content", Config()).articles
    assert sorted(a.title for a in articles) == ["My own story", "North Koreas remarkable improvement in missile tech that cant be ignored"]


def test_a_seed_named_like_a_hand_written_file_is_not_imported_over_it_and_says_so(make_site: MakeSite) -> None:
    """The file in the seed's place was never imported from it: no advice about seed_hash."""
    mine = article_md("My own story")
    site = make_site(seeds={"hand.txt": seed_text("Wire story", "Text.")}, content={"hand.md": mine})
    report = build(site)
    target = site / "content" / "hand.md"
    assert target.read_text() == mine and report.imported.created == []
    assert report.warnings == [f"{target}: not imported from seeds/hand.txt: this file, written by hand, has its name; rename the seed or the file"]


def test_slugs_are_ascii_unique_and_safe(make_site: MakeSite) -> None:
    site = make_site(
        seeds={
            "001_0000000000000001.txt": seed_text("Crème brûlée in Москва", "a"),
            "002_0000000000000002.txt": seed_text("Crème Brûlée in Москва!", "b"),
            "003_0000000000000003.txt": seed_text("../../etc/passwd", "c"),
            "004_0000000000000004.txt": seed_text("北京", "d"),
            "005_0000000000000005.txt": seed_text("Mayor’s plan: we'll see", "e"),
        },
        content={"taken.md": "---\ntitle: Taken\nslug: creme-brulee-in-moskva-3\ndate: 2024-01-01\n---\nx\n"},
    )
    import_seeds(site, Config())
    slugs = [load_content(site / "content", Config()).articles[i].slug for i in range(6)]
    expected = ["creme-brulee-in-moskva", "creme-brulee-in-moskva-2", "creme-brulee-in-moskva-3", "etc-passwd", "bei-jing", "mayors-plan-well-see"]
    assert sorted(slugs) == sorted(expected)
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)


def test_import_date_uses_site_timezone(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    import_seeds(site, Config(timezone="Asia/Tokyo"))
    text = (site / "content" / "000_e39c6646365b1e6c.md").read_text()
    assert "date: '2026-01-01T09:00:00+09:00'" in text


def test_render_markdown_is_deterministic() -> None:
    seed = parse_seed(SAMPLE_SEED.read_bytes(), SAMPLE_SEED, ImportRules())
    import datetime as dt

    from sitegen.dates import parse_date

    date = parse_date("2024-01-01T00:00:00+00:00", dt.UTC)
    assert render_markdown(seed, "s", date) == render_markdown(seed, "s", date)
    assert not is_hand_edited(render_markdown(seed, "s", date))


DATED = ImportRules(date=r"^Published:\s*(?P<text>.+)$", tags=r"^Tags:\s*(?P<text>.+)$")


def test_dateline_and_tags_line_become_front_matter(make_site: MakeSite) -> None:
    seed = seed_text("Dated story", "Published: 2024-03-05T08:00:00", "Tags: World, Asia ,World", "The text.")
    site = make_site(
        seeds={"001_0000000000000001.txt": seed},
        config='timezone = "Europe/Paris"\n[import]\ndate = \'^Published:\\s*(?P<text>.+)$\'\ntags = \'^Tags:\\s*(?P<text>.+)$\'\n',
    )
    report = build(site)
    assert report.ok, report.errors
    text = (site / "content" / "001_0000000000000001.md").read_text()
    assert "date: '2024-03-05T08:00:00+01:00'" in text
    assert "tags:\n- World\n- Asia\n" in text
    assert "Published" not in text.split("---\n")[2] and "Tags:" not in text.split("---\n")[2]
    assert (site / "output" / "tags" / "asia" / "atom.xml").is_file()
    assert (site / "output" / "2024" / "03" / "dated-story" / "index.html").is_file()


def test_a_tags_line_written_with_the_arabic_comma_gives_each_tag(make_site: MakeSite) -> None:
    """An Arabic keyboard types "،" for a comma: "الوسوم: طاقة، لبنان، مصر" was one tag
    'طاقة، لبنان، مصر', at tags/tq-lbnn-msr/, and none of the three had its page."""
    seed = seed_text("وزير الطاقة يعد بالكهرباء", "الوسوم: طاقة، لبنان،مصر ,World", "نص الخبر.")
    site = make_site(seeds={"001_0000000000000001.txt": seed}, config='language = "ar"\n[import]\ntags = \'^الوسوم:\\s*(?P<text>.+)$\'\n')
    report = build(site)
    assert report.ok, report.errors
    meta = yaml.safe_load((site / "content" / "001_0000000000000001.md").read_text(encoding="utf-8").split("---\n")[1])
    assert meta["tags"] == ["طاقة", "لبنان", "مصر", "World"]
    listed = lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes()).xpath("//ul[@class='tag-list']//a/text()")
    assert sorted(listed) == sorted(meta["tags"])


def test_a_dateline_in_arabic_indic_digits_is_the_date(tmp_path: Path) -> None:
    """A newsroom's CMS writes Arabic dates in Arabic-Indic digits: the seed was refused."""
    seed = seed_text("عنوان", "تاريخ النشر: ٢٠٢٤-١٠-٠٥T١٠:٠٠:٠٠+٠٣:٠٠", "نص الخبر.")
    parsed = parse_seed(seed.encode(), tmp_path / "001_0000000000000001.txt", ImportRules(date=r"^تاريخ النشر:\s*(?P<text>.+)$"))
    assert parsed.published is not None and parsed.published.isoformat() == "2024-10-05T10:00:00+03:00"
    assert parsed.paragraphs == ("نص الخبر.",)


def test_rules_off_by_default_keep_such_lines_as_text(tmp_path: Path) -> None:
    seed = parse_seed(seed_text("T", "Tags: x", "Published: 2024-01-01").encode(), tmp_path / "001_0000000000000001.txt", ImportRules())
    assert seed.paragraphs == ("Tags: x", "Published: 2024-01-01") and seed.published is None and seed.tags == ()


def test_the_first_dateline_is_the_date_and_a_later_one_is_text(tmp_path: Path) -> None:
    """As the title is the first line; the source, the closing line, is the last."""
    seed = seed_text("T", "Published: 2024-03-05T08:00:00Z", "Text.", "Published: 2019-01-01T00:00:00Z, the first report said.")
    parsed = parse_seed(seed.encode(), tmp_path / "001_0000000000000001.txt", DATED)
    assert parsed.published is not None and parsed.published.isoformat() == "2024-03-05T08:00:00+00:00"
    assert parsed.paragraphs == ("Text.", "Published: 2019-01-01T00:00:00Z, the first report said.")


def test_a_source_line_above_the_closing_one_is_article_text(tmp_path: Path) -> None:
    """Only the closing "Source:" line is the source: one in the story is its words."""
    seed = seed_text("T", "Text.", "Source: a senior official told us the plan was dead.", "More text.", "Source: Read Full Article")
    parsed = parse_seed(seed.encode(), tmp_path / "001_0000000000000001.txt", ImportRules())
    assert parsed.origin == "Read Full Article"
    assert parsed.paragraphs == ("Text.", "Source: a senior official told us the plan was dead.", "More text.")


def test_a_changed_date_rule_leaves_imported_articles_as_they_are(make_site: MakeSite) -> None:
    """The importer never rewrites what it did not read: an unchanged seed is not read again,
    whatever the rules say now. Only seeds imported from then on follow the new rule."""
    two_datelines = seed_text("Old", "Published: 2024-03-05T08:00:00Z", "Text.", "Published: 2019-01-01T00:00:00Z")
    site = make_site(seeds={"001_0000000000000001.txt": two_datelines})
    assert build(site).ok
    old = site / "content" / "001_0000000000000001.md"
    before = old.read_bytes()
    (site / "sitegen.toml").write_text("[import]\ndate = '^Published:\\s*(?P<text>.+)$'\n")
    (site / "seeds" / "002_0000000000000002.txt").write_text(two_datelines.replace("Old", "New"))
    report = build(site)
    assert report.ok, report.errors
    assert old.read_bytes() == before
    new = (site / "content" / "002_0000000000000002.md").read_text()
    assert "date: '2024-03-05T08:00:00+00:00'" in new and new.endswith("Text.\n\nPublished: 2019-01-01T00:00:00Z\n")


def test_seeds_the_import_leaves_out_are_named_once_a_build(make_site: MakeSite, runner: CliRunner) -> None:
    """A seed with an upper-case extension, or in a subfolder, was left out without a word."""
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("In", "Text."), "007_0000000000000007.TXT": seed_text("Shouting", "Text.")})
    (site / "seeds" / "sub").mkdir()
    (site / "seeds" / "sub" / "002_0000000000000002.txt").write_text(seed_text("Nested", "Text."))
    (site / "seeds" / "empty").mkdir()  # holds no seed: nothing to say
    (site / "seeds" / "README").write_text("Where the seeds go.\n")
    (site / "seeds" / ".done").mkdir()  # hidden: a person's own, as find_files has it
    (site / "seeds" / ".done" / "003_0000000000000003.txt").write_text(seed_text("Done", "Text."))
    (site / "seeds" / "004_0000000000000004.txt~").write_text(seed_text("Backup", "Text."))
    (site / "seeds" / "005_0000000000000005.txt").mkdir()  # named as a seed is, empty: it was skipped without a word
    expected = [
        f"{site / 'seeds' / '005_0000000000000005.txt'}{os.sep}: not imported: a folder, named as a seed file is; the import reads files of seeds/"
        " alone: rename or remove the folder",
        f"{site / 'seeds' / '007_0000000000000007.TXT'}: not imported: seed files end in .txt, in lower case; rename it 007_0000000000000007.txt",
        f"{site / 'seeds' / 'sub'}{os.sep}: not imported: the import reads no subfolder of seeds/; move its seeds up into seeds/",
    ]
    report = build(site)
    assert report.ok and report.articles == 1 and report.warnings == expected
    assert build(site).warnings == expected  # a build with nothing to do says it again
    result = runner.invoke(main, ["import", "--site", str(site)])
    assert result.exit_code == 0 and result.output.count("not imported") == 3

    # One more is a change the next build sees, though it imports nothing.
    (site / "seeds" / "008_0000000000000008.Txt").write_text(seed_text("Mixed", "Text."))
    assert len(build(site).warnings) == 4
    # Put right: imported, and nothing more to say.
    for stray in ("007_0000000000000007.TXT", "008_0000000000000008.Txt"):
        (site / "seeds" / stray).rename(site / "seeds" / (stray[:-4] + ".txt"))
    (site / "seeds" / "sub" / "002_0000000000000002.txt").rename(site / "seeds" / "002_0000000000000002.txt")
    (site / "seeds" / "005_0000000000000005.txt").rmdir()
    report = build(site)
    assert report.ok and report.articles == 4 and report.warnings == []


def test_bad_dateline_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(seed_text("T", "Text.", "Published: last Tuesday").encode(), tmp_path / "001_0000000000000001.txt", DATED)
    assert info.value.line == 5 and "not an ISO 8601 date" in str(info.value)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=30), min_size=1, max_size=4))
@example(["next\x85line"])
@example(["party 🎉", "plain"])
@example(["a: b", "- x", "'q'", "yes", "2024-01-01", "#c", "\u2028", " lead", ""])
def test_front_matter_is_the_same_with_or_without_libyaml(values: list[str]) -> None:
    import yaml

    from sitegen.seeds import dump_front_matter

    meta = {"title": values[0], "tags": values[1:], "source": " ".join(values)}
    assert dump_front_matter(meta) == yaml.dump(meta, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, width=1_000_000)


SEED_PIECES = st.sampled_from(
    ["Title", "\n", "\n\n", "READ MORE: x", "  • y", "Source: z", "Published: 2024-02-30", "Tags: a, , b", "\x00", "\x01", "\ufeff", "\u202e", "\u200b", "\r", "\r\n", " " * 50, "---", "{{ x }}", "<script>", "# h"]
) | st.text(max_size=20)
SEEDS = st.one_of(st.lists(SEED_PIECES, max_size=20).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")), st.binary(max_size=200))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(SEEDS)
def test_no_seed_ends_in_a_traceback(tmp_path: Path, data: bytes) -> None:
    """Whatever a seed holds, importing it gives a content file that loads, or an error naming it."""
    site = tmp_path / "fuzz"
    for folder in ("seeds", "content"):
        (site / folder).mkdir(parents=True, exist_ok=True)
        for old in (site / folder).iterdir():
            old.unlink()
    seed = site / "seeds" / "001_00000000000000aa.txt"
    seed.write_bytes(data)
    rules = ImportRules(date=r"^Published:\s*(?P<text>.+)$", tags=r"^Tags:\s*(?P<text>.+)$")
    report = import_seeds(site, Config(import_rules=rules))
    assert all(isinstance(e, SeedError) and e.path == seed for e in report.errors)
    assert bool(report.errors) != bool(report.created)
    loaded = load_content(site / "content", Config())
    assert not loaded.errors and len(loaded.articles) == len(report.created)


def test_a_folder_where_a_content_file_goes_is_named(make_site: MakeSite, runner: CliRunner) -> None:
    """The importer cannot write there, and content.py takes the folder for a folder of articles."""
    site = make_site(seeds={"001_00000000000000aa.txt": seed_text("Storm", "Wind."), "002_00000000000000bb.txt": seed_text("Flood", "Rain.")})
    (site / "content" / "001_00000000000000aa.md").mkdir()
    report = build(site)
    assert [str(e) for e in report.errors] == [
        f"{site / 'content' / '001_00000000000000aa.md'}: is a folder where the article imported from seeds/001_00000000000000aa.txt goes: rename or remove the folder"
    ]
    assert report.articles == 1 and [p.name for p in report.imported.created] == ["002_00000000000000bb.md"]
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "001_00000000000000aa.md: is a folder" in result.output
    (site / "content" / "001_00000000000000aa.md").rmdir()
    assert build(site).ok and (site / "content" / "001_00000000000000aa.md").is_file()


def test_a_content_file_that_cannot_be_written_is_an_error_and_the_rest_is_built(make_site: MakeSite, tmpfs: Tmpfs) -> None:
    site = make_site()
    tmpfs.mount(site / "content", "1m")
    (site / "content" / "a.md").write_text(article_md("A story"), encoding="utf-8")
    assert build(site).ok
    # A new seed, and content/ made read-only: the import cannot write its article.
    (site / "seeds" / "001_00000000000000aa.txt").write_text(seed_text("Storm", "Wind."), encoding="utf-8")
    (site / "sitegen.toml").write_text('title = "After the storm"\n', encoding="utf-8")
    tmpfs.read_only(site / "content")
    report = build(site)
    target = site / "content" / "001_00000000000000aa.md"
    assert [(type(e), e.path, e.reason) for e in report.errors] == [(OutputError, target, f"cannot be written: {os.strerror(errno.EROFS)}")]
    assert report.imported.created == [] and report.articles == 1
    home = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    assert home.findtext(".//title") == "After the storm"
    assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()
    # Writable again: the next build imports it, though no input changed since.
    subprocess.run(["mount", "-o", "remount,rw", str(site / "content")], check=True)
    again = build(site)
    assert again.ok and again.articles == 2 and target.is_file()


def test_a_content_file_with_a_byte_order_mark_reads_the_same_to_import_and_parse(make_site: MakeSite) -> None:
    """An editor that saves with a BOM (and CRLF) changes no field: incremental and clean
    builds agree that the seed is imported as it is, with no "edited by hand" warning."""
    site = make_site(seeds={"001_00000000000000aa.txt": seed_text("Storm", "Wind.")})
    assert build(site).ok
    target = site / "content" / "001_00000000000000aa.md"
    edited = codecs.BOM_UTF8 + target.read_bytes().replace(b"\n", b"\r\n")
    target.write_bytes(edited)
    reports = [build(site)]
    (site / "seeds" / "002_00000000000000bb.txt").write_text(seed_text("Flood", "Rain."), encoding="utf-8")
    reports.append(build(site))  # incremental: the content file's seed_hash is known from its parse
    shutil.rmtree(site / CACHE_DIR)
    reports.append(build(site))  # clean: the importer reads the content file itself
    for report in reports:
        assert report.ok and report.warnings == [], report.warnings
        assert str(target) in report.imported.unchanged and report.imported.kept == []
    assert target.read_bytes() == edited  # left as it is


def test_a_seed_checked_out_with_crlf_line_breaks_is_the_seed_imported(make_site: MakeSite) -> None:
    """Git for Windows checks text out with CRLF (core.autocrlf, its default): every seed
    looked changed there, so an imported article was written again with another seed_hash
    (and written back on the next Linux checkout, a commit each way), and one edited by hand
    was warned of as if its publisher had changed it, with a seed_hash to set that the other
    checkout disowned. Its text is the same, and so is its stamp."""
    seeds = {"001_00000000000000c1.txt": seed_text("Storm", "Wind.", "Rain."), "002_00000000000000c2.txt": seed_text("Flood", "Water.")}
    site = make_site(seeds=seeds)
    assert build(site).ok
    edited = site / "content" / "002_00000000000000c2.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Water.", "Water, edited."), encoding="utf-8")
    assert build(site).ok
    files = {p: p.read_bytes() for p in (site / "content").glob("*.md")}
    for name in seeds:
        seed = site / "seeds" / name
        seed.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    reports = [build(site)]
    shutil.rmtree(site / CACHE_DIR)
    reports.append(build(site))  # clean: the importer reads the content files itself
    for report in reports:
        assert report.ok and report.warnings == [], report.warnings
        assert report.imported.created == [] and report.imported.kept == [] and len(report.imported.unchanged) == 2
    assert {p: p.read_bytes() for p in files} == files
    # A file stamped with the hash of the CRLF bytes, as earlier versions hashed a seed
    # committed so, is as imported too.
    seed = site / "seeds" / "001_00000000000000c1.txt"
    target = site / "content" / "001_00000000000000c1.md"
    stamp = re.search(r"^seed_hash: (.*)$", target.read_text(encoding="utf-8"), re.M)[1]  # type: ignore[index]
    crlf = "sha256:" + hashlib.sha256(seed.read_bytes()).hexdigest()
    target.write_text(target.read_text(encoding="utf-8").replace(stamp, crlf), encoding="utf-8")
    shutil.rmtree(site / CACHE_DIR)
    report = build(site)
    assert report.ok and report.warnings == [] and str(target) in report.imported.unchanged


def test_a_build_with_no_cache_reads_each_content_file_once_to_import(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding each seed's article reads the content files; what they say of their seeds
    then decides which seeds changed, without reading them again (and the parse reads them
    once more). An article edited by hand with its seed changed is still kept, as before."""
    seeds = {f"00{n}_00000000000000a{n}.txt": seed_text(f"Story {n}", "Words.") for n in range(1, 4)}
    site = make_site(seeds=seeds)
    assert build(site).ok
    edited = site / "content" / "001_00000000000000a1.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Words.", "Words, edited."), encoding="utf-8")
    (site / "seeds" / "001_00000000000000a1.txt").write_text(seed_text("Story 1", "Words, corrected."), encoding="utf-8")
    shutil.rmtree(site / CACHE_DIR)
    import sitegen.cache

    reads: list[str] = []
    read_file = sitegen.cache.read_file

    def counted(path: str | Path, *args: Any) -> Any:
        reads.append(os.fspath(path))
        return read_file(path, *args)

    monkeypatch.setattr(sitegen.cache, "read_file", counted)
    report = build(site, jobs=1)
    content = sorted(str(p) for p in (site / "content").glob("*.md"))
    # The one whose seed changed is read a third time, to compare it with what was imported.
    assert {name: reads.count(name) for name in content} == {name: 3 if name == str(edited) else 2 for name in content}
    assert report.imported.kept == [edited] and len(report.imported.unchanged) == 2
    assert "Words, edited." in edited.read_text(encoding="utf-8")


def test_imported_slugs_never_collide_with_nested_or_file_named_content(make_site: MakeSite) -> None:
    """content.py gives a file without a slug one from its name (an index.md, from its title),
    in any folder of content/: the importer counts those slugs as taken too."""
    site = make_site(
        seeds={"001_00000000000000aa.txt": seed_text("Storm", "Wind."), "002_00000000000000bb.txt": seed_text("Flood", "Rain.")},
        config='permalink = "news/{slug}/"\n',
    )
    (site / "content" / "sub").mkdir()
    (site / "content" / "sub" / "storm.md").write_text(article_md("Any title", date="2023-01-01T00:00:00+00:00"), encoding="utf-8")
    (site / "content" / "world").mkdir()
    (site / "content" / "world" / "index.md").write_text(article_md("Flood", date="2023-02-01T00:00:00+00:00"), encoding="utf-8")
    report = build(site)
    assert report.ok, report.errors
    for name, slug in (("001_00000000000000aa.md", "storm-2"), ("002_00000000000000bb.md", "flood-2")):
        assert f"\nslug: {slug}\n" in (site / "content" / name).read_text(encoding="utf-8")
    out = site / "output" / "news"
    assert {p.name for p in out.iterdir()} == {"storm", "storm-2", "flood", "flood-2"}


def test_an_imported_article_renamed_by_hand_is_not_imported_again(make_site: MakeSite) -> None:
    site = make_site(sample=True)
    assert build(site).ok
    imported = next((site / "content").glob("000_*.md"))
    (site / "content" / "world").mkdir()
    moved = site / "content" / "world" / "missile-tech.md"
    imported.rename(moved)
    report = build(site)
    assert report.ok, report.errors
    assert not imported.exists() and moved.is_file()
    assert report.articles == 1 and report.imported.created == []
    # Built again, still one article, the renamed one.
    again = build(site)
    assert again.ok and again.articles == 1 and not imported.exists()


@pytest.mark.parametrize(
    "edit",
    [
        lambda seed: f"seed: {seed} # from the wire",
        lambda seed: f"seed: '{seed}'   # kept from the import",
        lambda seed: f"seed: >-\n  {seed}",
    ],
    ids=["comment", "quoted-and-comment", "block-scalar"],
)
def test_a_renamed_article_whose_seed_line_is_edited_is_not_imported_again(make_site: MakeSite, runner: CliRunner, edit: Any) -> None:
    """The seed line is read as YAML reads it: a comment or a block scalar still names the
    seed, so the import makes no twin beside the person's file (an id conflict, and one of
    the two dropped)."""
    site = make_site(sample=True)
    assert build(site).ok
    imported = next((site / "content").glob("000_*.md"))
    moved = site / "content" / "nk.md"
    document = imported.read_text(encoding="utf-8")
    moved.write_text(re.sub(r"^seed: (.*)$", lambda m: edit(m[1]), document, count=1, flags=re.MULTILINE), encoding="utf-8")
    imported.unlink()
    edited = moved.read_bytes()
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert not imported.exists() and moved.read_bytes() == edited
    assert "Built 1 article" in result.output
    shutil.rmtree(site / CACHE_DIR)  # clean: the same
    report = build(site)
    assert report.ok and report.articles == 1 and report.imported.created == [] and not imported.exists()


@pytest.mark.parametrize(
    "slug_line",
    ["slug: storm   # keep this URL", "slug: >-\n  storm", "slug: 'storm' # keep"],
    ids=["comment", "block-scalar", "quoted-and-comment"],
)
def test_a_slug_written_with_a_comment_or_block_scalar_is_taken(make_site: MakeSite, slug_line: str) -> None:
    """A new seed never takes the slug of an article written by hand, however its slug line is written."""
    site = make_site(
        seeds={"001_00000000000000aa.txt": seed_text("Storm", "Wind.")},
        content={"mine.md": article_md("My storm story", date="2023-01-01T00:00:00+00:00", body="Mine.")},
        config='permalink = "news/{slug}/"\n',
    )
    mine = site / "content" / "mine.md"
    mine.write_text(mine.read_text(encoding="utf-8").replace("\n---\n", f"\n{slug_line}\n---\n", 1), encoding="utf-8")
    report = build(site)
    assert report.ok, report.errors
    assert "\nslug: storm-2\n" in (site / "content" / "001_00000000000000aa.md").read_text(encoding="utf-8")
    out = site / "output" / "news"
    assert {p.name for p in out.iterdir()} == {"storm", "storm-2"}
    assert "Mine." in (out / "storm" / "index.html").read_text(encoding="utf-8")


def test_a_renamed_imported_article_takes_its_seeds_updates_where_it_is(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renamed or moved by hand but not edited, an imported article is still the seed's:
    an update to the seed reaches it where it now is (no word was lost on the way), and
    once edited by hand it is kept, with a warning naming it and the way to take the seed's."""
    from sitegen import seeds

    seed = "001_00000000000000aa.txt"
    site, own, moved = _imported_then_moved(make_site, seed)
    report = build(site)
    assert report.ok and report.articles == 1 and report.imported.created == [] and report.warnings == []
    # Found from the files' parse records: a build that looks at the seeds again reads none of them.
    examined: list[object] = []
    examine = seeds._examine_seed
    monkeypatch.setattr(seeds, "_examine_seed", lambda context, job: examined.append(job) or examine(context, job))
    (site / "content" / "other.md").write_text(article_md("Other"))
    assert build(site).ok and examined == [] and not own.exists()
    (site / "seeds" / seed).write_text(seed_text("Storm", "Wind and rain."))
    report = build(site)
    assert report.ok and report.imported.updated == [moved] and report.warnings == []
    assert "Wind and rain." in moved.read_text() and not own.exists()
    # Edited by hand where it is: kept, and said so, with the way forward.
    moved.write_text(moved.read_text().replace("Wind and rain.", "Wind and rain, says the harbour master."))
    edited = moved.read_bytes()
    (site / "seeds" / seed).write_text(seed_text("Storm", "Wind, rain and hail."))
    report = build(site)
    assert report.ok and moved.read_bytes() == edited and not own.exists()
    digest = "sha256:" + hashlib.sha256((site / "seeds" / seed).read_bytes()).hexdigest()
    assert report.warnings == [
        f"{moved}: edited by hand and its seed {seed} changed; kept your version; to keep it and stop this warning, set its seed_hash to {digest}"
        " (to take the seed's instead, delete storm.md: it is imported again with its id and first date, and your edits, a corrected date among them, are lost)"
    ]
    # Kept as the warning says: the seed counts as imported, the edit stays, nothing more is said.
    moved.write_text(re.sub(r"seed_hash: .*", f"seed_hash: {digest}", moved.read_text()))
    report = build(site)
    assert report.ok and report.warnings == [] and "says the harbour master" in moved.read_text()


def test_a_deleted_imported_article_comes_back_as_the_same_article(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed whose article's file is gone is imported again (how a person takes the seed's
    version over their own), as the same article: its id, and its first date, not the clock's
    (feeds would show it as published anew, and its page as today's news); and it says so."""
    import feedparser

    seed = "001_00000000000000aa.txt"
    site = make_site(seeds={seed: seed_text("Storm", "Wind.")}, config='base_url = "https://example.org/"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715000000")  # 2024-05-06
    assert build(site).ok
    own = site / "content" / "001_00000000000000aa.md"
    first = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0]
    date_line = next(line for line in own.read_text().splitlines() if line.startswith("date:"))
    own.unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715100000")  # a day later
    report = build(site)
    assert report.ok and report.imported.created == [own]
    assert report.warnings == [
        f"{own}: imported again from seeds/{seed}, as the article's file was gone (same id, dated when first published);"
        " to take the article down, delete its seed too"
    ]
    assert date_line in own.read_text().splitlines()
    again = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0]
    assert (again.id, again.published, again.link) == (first.id, first.published, first.link)


def test_an_article_imported_again_on_a_site_gone_back_to_ascii_slugs_gets_one(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out at ``café-crème-prices-rise`` while the site had slugs = "unicode", then its file
    deleted on a site back at "ascii": the import writes an ASCII slug, which the site takes,
    and the old address redirects to it; the script's, written again, was an error that kept
    the article out."""
    seed = "001_00000000000000aa.txt"
    config = 'base_url = "https://example.org/"\nslugs = "{}"\n'
    site = make_site(seeds={seed: seed_text("Café crème prices rise", "Up again.")}, config=config.format("unicode"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715000000")
    assert build(site).ok
    own = site / "content" / "001_00000000000000aa.md"
    assert "slug: café-crème-prices-rise" in own.read_text().splitlines()
    (site / "sitegen.toml").write_text(config.format("ascii"))
    own.unlink()
    report = build(site)
    assert report.ok and report.errors == [] and report.imported.created == [own]
    assert "slug: cafe-creme-prices-rise" in own.read_text().splitlines()
    assert (site / "output" / "2024" / "05" / "cafe-creme-prices-rise" / "index.html").is_file()
    moves = (site / "output" / "_redirects").read_text().splitlines()
    assert "/2024/05/caf%C3%A9-cr%C3%A8me-prices-rise/ /2024/05/cafe-creme-prices-rise/ 301" in moves


def test_an_article_imported_again_is_said_so_by_that_build_only(make_site: MakeSite, runner: CliRunner) -> None:
    """The build after, with nothing to do, repeated the last build's warnings, this one too:
    "imported again" on every build, though nothing was (0 imported), as a clean build never says."""
    seed = "001_00000000000000aa.txt"
    site = make_site(seeds={seed: seed_text("Storm", "Wind.")}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    own = site / "content" / "001_00000000000000aa.md"
    own.unlink()
    assert [w for w in build(site).warnings if "imported again" in w] != []
    result = runner.invoke(main, ["build", "--site", str(site), "-v"])
    assert result.exit_code == 0 and "cache: up to date: nothing to do" in result.output, result.output
    assert "imported again" not in result.output, result.output


def _imported_then_published_later(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str, str]:
    """A site already out, then a seed imported (2026-11-18T11:06:40) and built a day
    later, so that the article first appeared after its date: the site, its content file,
    the date line and the atom entry's published date."""
    import feedparser

    site = make_site(content={"base.md": article_md("Base", "2026-11-01T10:00:00+00:00")}, config='base_url = "https://example.org/"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1794000000")
    assert build(site).ok
    (site / "seeds" / "001_00000000000000aa.txt").write_text(seed_text("Seed story", "Body."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    result = runner.invoke(main, ["import", "--site", str(site)])
    assert result.exit_code == 0, result.output
    own = site / "content" / "001_00000000000000aa.md"
    assert "date: '2026-11-18T11:06:40+00:00'\n" in own.read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795090000")
    assert build(site).ok
    entry = next(e for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries if e.title == "Seed story")
    return site, own, "date: '2026-11-18T11:06:40+00:00'", entry.published


def test_an_article_imported_again_has_the_date_it_was_first_published_with(
    make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its date was the ledger's ``first``, the build that first put it out (a day after
    its date here), which readers were never shown: check --against the output before
    found its publication date moved."""
    import feedparser

    site, own, date_line, published = _imported_then_published_later(make_site, runner, monkeypatch)
    assert published == "2026-11-18T11:06:40+00:00"
    shutil.copytree(site / "output", tmp_path / "live")
    own.unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795190000")
    report = build(site)
    assert report.ok and report.imported.created == [own]
    assert date_line in own.read_text().splitlines()
    again = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries
    assert [e.published for e in again if e.title == "Seed story"] == [published]
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    assert result.exit_code == 0 and "0 problems" in result.output and "moved" not in result.output, result.output


def test_an_article_imported_again_keeps_its_first_date_whatever_its_date_became(
    make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the kept-your-version warning says: delete the file, and the article comes back
    with its first date, a corrected one lost."""
    site, own, date_line, _ = _imported_then_published_later(make_site, runner, monkeypatch)
    own.write_text(own.read_text().replace("2026-11-18T11:06:40+00:00", "2026-11-18T09:00:00+00:00"))
    assert build(site).ok
    own.unlink()
    assert build(site).ok and date_line in own.read_text().splitlines()


def test_an_article_imported_and_built_in_one_go_comes_back_to_the_second(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imported by the build that put it out, whose clock had moved on a second by then:
    it came back a second later than it was first published."""
    from sitegen import dates

    site = make_site(content={"base.md": article_md("Base", "2026-11-01T10:00:00+00:00")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000001")
    assert build(site).ok
    (site / "seeds" / "001_00000000000000aa.txt").write_text(seed_text("Seed story", "Body."))
    monkeypatch.setattr(dates, "import_time", lambda zone: dt.datetime.fromtimestamp(1795000000, zone))  # the second before
    assert build(site).ok
    own = site / "content" / "001_00000000000000aa.md"
    date_line = "date: '2026-11-18T11:06:40+00:00'"
    assert date_line in own.read_text().splitlines()
    own.unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795190000")
    assert build(site).ok and date_line in own.read_text().splitlines()


def test_an_article_imported_again_keeps_the_address_an_earlier_version_gave_it(make_site: MakeSite) -> None:
    """Slugs drop a possessive's apostrophe now ("mayors-plan"); one imported before
    ("mayor-s-plan") and imported again, its file gone, comes back at its own address."""
    seed = "001_00000000000000ab.txt"
    site = make_site(seeds={seed: seed_text("Mayor's plan", "Wind.")}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    own = site / "content" / "001_00000000000000ab.md"
    assert "slug: mayors-plan\n" in own.read_text()
    own.write_text(own.read_text().replace("slug: mayors-plan\n", "slug: mayor-s-plan\n"))  # as an earlier version made it
    assert build(site).ok and (site / "output" / "2026" / "01" / "mayor-s-plan" / "index.html").is_file()
    own.unlink()
    assert build(site).ok
    assert "slug: mayor-s-plan\n" in own.read_text() and (site / "output" / "2026" / "01" / "mayor-s-plan" / "index.html").is_file()
    # A new article of the same title is no article imported again: its slug is made anew.
    (site / "seeds" / "002_00000000000000ac.txt").write_text(seed_text("Mayor's plan", "Rain."))
    assert build(site).ok and "slug: mayors-plan\n" in (site / "content" / "002_00000000000000ac.md").read_text()


def test_a_seeds_slug_leaves_out_currency_signs_and_markup_and_articles_out_keep_theirs(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Council approves £2.3m flood defence" was imported as council-approves-ps2-3m-...,
    a headline with pasted tags as b-breaking-b-...: addresses for good. New slugs leave
    them out; an article imported before keeps its address, its file written or imported
    again, its seed changed or its file deleted and brought back."""
    money, pasted = "001_00000000000000ab.txt", "002_00000000000000ac.txt"
    titles = {money: "Mayor's £2.3m flood defence approved", pasted: "<b>Breaking:</b> Harbour master resigns after <i>ferry</i> collision"}
    old = {money: "mayors-ps2-3m-flood-defence-approved", pasted: "b-breaking-b-harbour-master-resigns-after-i-ferry-i-collision"}
    site = make_site(seeds={seed: seed_text(title, "Text.") for seed, title in titles.items()}, config='base_url = "https://example.org/"\n')
    files = {seed: site / "content" / seed.replace(".txt", ".md") for seed in titles}

    def slug(seed: str) -> str:
        return str(yaml.safe_load(files[seed].read_text().split("---")[1])["slug"])

    def page(slug: str) -> Path:
        return site / "output" / "2026" / "01" / slug / "index.html"

    # Imported by the version before, which made its slugs so.
    monkeypatch.setattr(urls, "headline_slug", lambda title, **_: urls.former_headline_slugs(title)[0])
    assert build(site).ok and [slug(seed) for seed in titles] == list(old.values())
    monkeypatch.undo()
    report = build(site)
    assert report.ok and report.warnings == [] and all(page(old[seed]).is_file() for seed in titles)

    (site / "seeds" / pasted).write_text(seed_text(titles[pasted], "Text, corrected."))  # imported again over the file
    files[money].unlink()  # imported again from its seed, as the same article
    report = build(site)
    assert report.ok and [slug(seed) for seed in titles] == list(old.values())
    assert "Text, corrected." in page(old[pasted]).read_text() and page(old[money]).is_file()

    # New articles of such headlines, by import and by `sitegen new`, have slugs of their words.
    for seed, title in (("003_00000000000000ad.txt", "Council approves £2.3m flood defence"), ("004_00000000000000ae.txt", titles[pasted])):
        (site / "seeds" / seed).write_text(seed_text(title, "Another."))
    assert build(site).ok
    made = [yaml.safe_load((site / "content" / name).read_text().split("---")[1])["slug"] for name in ("003_00000000000000ad.md", "004_00000000000000ae.md")]
    assert made == ["council-approves-2-3m-flood-defence", "breaking-harbour-master-resigns-after-ferry-collision"]
    result = CliRunner().invoke(main, ["new", "--site", str(site), "€5m for the harbour"])
    assert result.exit_code == 0 and Path(result.stdout.strip()).name == "5m-for-the-harbour.md"


def _imported_then_moved(make_site: MakeSite, seed: str) -> tuple[Path, Path, Path]:
    """A site whose one seed was imported, then its article moved to content/world/storm.md
    by hand: the site, the article's own place and where it is now."""
    site = make_site(seeds={seed: seed_text("Storm", "Wind.")})
    assert build(site).ok
    own = site / "content" / f"{seed.removesuffix('.txt')}.md"
    moved = site / "content" / "world" / "storm.md"
    moved.parent.mkdir()
    own.rename(moved)
    return site, own, moved


def test_a_moved_imported_article_deleted_comes_back_in_its_own_place(make_site: MakeSite) -> None:
    site, own, moved = _imported_then_moved(make_site, "001_00000000000000aa.txt")
    assert build(site).ok
    shutil.rmtree(moved.parent)
    report = build(site)
    assert report.ok and report.imported.created == [own] and own.is_file() and report.articles == 1


def _clean_copy(site: Path, where: Path) -> Path:
    """The site's sources, in a fresh folder with no cache and no output."""
    shutil.copytree(site / "content", where / "content")
    shutil.copytree(site / "seeds", where / "seeds")
    return where


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_articles_swapped_between_the_seeds_places_are_never_overwritten(make_site: MakeSite, tmp_path: Path) -> None:
    """Which file is a seed's article is what the files' seed lines say, never where the
    importer last put it: with A's article moved into B's place, neither seed writes over
    the other's, whether the last build's records are there or not."""
    seeds = {"001_00000000000000aa.txt": seed_text("Alpha", "First."), "002_00000000000000bb.txt": seed_text("Beta", "Second.")}
    site = make_site(seeds=seeds)
    assert build(site).ok
    content = site / "content"
    (content / "news").mkdir()
    (content / "002_00000000000000bb.md").rename(content / "news" / "b.md")
    (content / "001_00000000000000aa.md").rename(content / "002_00000000000000bb.md")
    before = _tree(content)
    report = build(site)
    assert report.ok and report.articles == 2, report.errors
    assert _tree(content) == before
    # The seeds change: each update reaches its own article, where it now is.
    (site / "seeds" / "001_00000000000000aa.txt").write_text(seed_text("Alpha", "First, updated."))
    (site / "seeds" / "002_00000000000000bb.txt").write_text(seed_text("Beta", "Second, updated."))
    report = build(site)
    assert report.ok and report.articles == 2, report.errors
    assert "First, updated." in (content / "002_00000000000000bb.md").read_text()
    assert "Second, updated." in (content / "news" / "b.md").read_text()
    clean = _clean_copy(site, tmp_path / "clean")
    assert build(clean).ok
    assert _tree(clean / "content") == _tree(content) and _tree(clean / "output") == _tree(site / "output")


def test_a_seeds_place_taken_by_another_seeds_article_is_not_written_over(make_site: MakeSite, tmp_path: Path) -> None:
    """B's article deleted, A's moved into B's place: B is not imported over A's (an error
    naming both), and the build after it is the same with or without the cache."""
    seeds = {"001_00000000000000aa.txt": seed_text("Alpha", "First."), "002_00000000000000bb.txt": seed_text("Beta", "Second.")}
    site = make_site(seeds=seeds)
    assert build(site).ok
    content = site / "content"
    own = content / "002_00000000000000bb.md"
    (content / "001_00000000000000aa.md").replace(own)
    alpha = own.read_bytes()
    report = build(site)
    seed = site / "seeds" / "002_00000000000000bb.txt"
    said = [f"{seed}: not imported: {own}, where its article goes, holds the article of seeds/001_00000000000000aa.txt; rename that file"]
    assert [str(e) for e in report.errors] == said and own.read_bytes() == alpha and report.articles == 1
    assert [str(e) for e in build(site).errors] == said  # said again, still unwritten
    clean = _clean_copy(site, tmp_path / "clean")
    assert [e.reason.replace(str(clean), str(site)) for e in build(clean).errors] == [e.reason for e in report.errors]
    assert (clean / "content" / own.name).read_bytes() == alpha
    # Moved out of the way: imported.
    own.rename(content / "alpha.md")
    report = build(site)
    assert report.ok and report.articles == 2 and "Second." in own.read_text()


def test_a_moved_article_stays_its_seeds_when_a_person_writes_in_its_place(make_site: MakeSite, tmp_path: Path) -> None:
    seed = "001_00000000000000aa.txt"
    site = make_site(seeds={seed: seed_text("Alpha", "First.")})
    assert build(site).ok
    own, moved = site / "content" / "001_00000000000000aa.md", site / "content" / "alpha.md"
    own.rename(moved)
    assert build(site).ok
    mine = article_md("My own story", body="Mine.")
    own.write_text(mine)
    (site / "seeds" / seed).write_text(seed_text("Alpha", "First, updated."))
    report = build(site)
    assert report.ok and report.articles == 2, report.errors
    assert own.read_text() == mine and "First, updated." in moved.read_text()
    clean = _clean_copy(site, tmp_path / "clean")
    assert build(clean).ok and _tree(clean / "content") == _tree(site / "content")


@pytest.mark.parametrize("dateline", ["9999-12-31T23:59:59-12:00", "9999-12-31T20:00-04:00"])
def test_a_dateline_outside_the_years_utc_holds_is_the_seeds_error(make_site: MakeSite, dateline: str) -> None:
    """It was imported, and the content file then failed on every build ("date value out
    of range"), the seed never named."""
    site = make_site(
        seeds={"001_0000000000000001.txt": seed_text("T", f"Published: {dateline}", "Text.")},
        config="[import]\ndate = '^Published:\\s*(?P<text>.+)$'\n",
    )
    report = build(site)
    assert [(type(e), e.path, e.line) for e in report.errors] == [(SeedError, site / "seeds" / "001_0000000000000001.txt", 3)]
    assert f"dateline: {dateline} is out of range" in report.errors[0].reason
    assert not (site / "content" / "001_0000000000000001.md").exists()


_SEED_STEMS = st.one_of(
    st.builds(lambda n, h: f"{n}_{h}", st.sampled_from(["0", "1", "01", "a"]), st.sampled_from(["0123456789abcdef", "fedcba9876543210", "0123456789ABCDEF"])),
    st.sampled_from(["0123456789abcdef", "fedcba9876543210", "story", "x_0123456789abcdef", "1_0123456789abcde", "", "1_0123456789abcdef\n"]),
)


@settings(max_examples=300, deadline=None)
@given(stems=st.sets(_SEED_STEMS, max_size=6), owned=st.sets(_SEED_STEMS, max_size=3))
def test_seeds_clashing_by_id_are_found_as_by_each_seeds_id(stems: set[str], owned: set[str]) -> None:
    """_id_clashes, which tells most folders have none without working out an id, names
    the seeds the look at every seed's id names, and the same seed imported instead."""
    bases = [f"{stem}.txt" for stem in stems]
    owners = {f"{stem}.txt" for stem in owned}
    first_of: dict[str, str] = {}
    for base in sorted(bases, key=lambda b: (b not in owners, b)):
        first_of.setdefault(seeds_module.id_name(base[: -len(".txt")]), base)
    plain = {base: first_of[seeds_module.id_name(base[: -len(".txt")])] for base in bases}
    assert seeds_module._id_clashes(bases, owners) == {base: first for base, first in plain.items() if first != base}


@settings(max_examples=200, deadline=None)
@given(folder=st.lists(st.text(st.sampled_from("ab._ -"), min_size=1, max_size=4), min_size=1, max_size=3), stem=st.text(min_size=1, max_size=8))
def test_a_seed_found_in_its_folder_is_named_after_its_last_separator_as_by_basename(folder: list[str], stem: str) -> None:
    """import_seeds takes a seed's name after the last separator of the path scandir gave,
    as os.path.basename does."""
    name = stem.replace(os.sep, "_").replace("\0", "_") + ".txt"
    path = os.path.join(os.sep + "site", *folder, name)
    assert path[path.rfind(os.sep) + 1 :] == os.path.basename(path) == name


def test_a_seed_whose_digits_another_seed_has_is_refused_naming_both(make_site: MakeSite) -> None:
    """The digits make the article's id: the second seed imported fine, then its article
    failed every build ("id already used") and never came out, with no word at the import."""
    site = make_site(
        seeds={
            "000_abcdefabcdefabcd.txt": seed_text("First story", "Body one."),
            "001_abcdefabcdefabcd.txt": seed_text("The same story sent again", "Body two."),
            "002_0123456789abcdef.txt": seed_text("Another story", "Body three."),
        }
    )
    report = build(site)
    said = [str(e) for e in report.errors]
    assert said == [
        f"{site / 'seeds'}/001_abcdefabcdefabcd.txt: not imported: its article would have the id of seeds/000_abcdefabcdefabcd.txt's, "
        "as both names end in the same digits; remove or rename one"
    ], said
    assert sorted(p.name for p in (site / "content").glob("*.md")) == ["000_abcdefabcdefabcd.md", "002_0123456789abcdef.md"]
    assert report.articles == 2
    # Told again by the next build, which has nothing else to do.
    assert [str(e) for e in build(site).errors] == said
    (site / "seeds" / "001_abcdefabcdefabcd.txt").rename(site / "seeds" / "001_fedcbafedcbafedc.txt")
    again = build(site)
    assert again.ok and again.articles == 3


def test_a_seed_renamed_with_its_digits_kept_is_the_same_article(make_site: MakeSite, tmp_path: Path) -> None:
    """Numbered anew, the same digits: the same article (its id). Its file was taken for
    gone (a second one imported beside it, "id already used" on every build, made again
    when deleted); now the file as imported names the new seed, and nothing else moves."""
    import feedparser

    site = make_site(seeds={"001_00000000000000c1.txt": seed_text("Storm", "Wind.")}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    own = site / "content" / "001_00000000000000c1.md"
    entry = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries[0]
    (site / "seeds" / "001_00000000000000c1.txt").rename(site / "seeds" / "009_00000000000000c1.txt")
    report = build(site)
    assert report.ok and report.errors == [] and report.warnings == [] and report.articles == 1, (report.errors, report.warnings)
    assert report.imported.created == [] and report.imported.updated == [own]
    assert [p.name for p in (site / "content").glob("*.md")] == [own.name]
    assert "seed: 009_00000000000000c1.txt\n" in own.read_text() and not is_hand_edited(own.read_text())
    again = feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries
    assert [(e.id, e.published, e.updated, e.link) for e in again] == [(entry.id, entry.published, entry.updated, entry.link)]
    # A build after has nothing to write; a clean one makes the same.
    before = _tree(site / "content"), _tree(site / "output")
    report = build(site)
    assert report.ok and report.warnings == [] and report.written.written == []
    assert (_tree(site / "content"), _tree(site / "output")) == before
    clean = _clean_copy(site, tmp_path / "clean")
    shutil.copy(site / "sitegen.toml", clean)
    assert build(clean).ok and _tree(clean / "content") == _tree(site / "content")
    assert _tree(clean / "output") == _tree(site / "output")


def test_a_seed_renamed_with_its_digits_kept_leaves_a_hand_edited_article_as_it_is(make_site: MakeSite) -> None:
    site = make_site(seeds={"001_00000000000000c1.txt": seed_text("Storm", "Wind.")})
    assert build(site).ok
    own = site / "content" / "001_00000000000000c1.md"
    own.write_text(own.read_text().replace("Wind.", "Wind, says the harbour master."))
    edited = own.read_bytes()
    assert build(site).ok
    (site / "seeds" / "001_00000000000000c1.txt").rename(site / "seeds" / "009_00000000000000c1.txt")
    report = build(site)
    assert report.ok and report.warnings == [] and report.articles == 1 and report.imported.created == []
    assert own.read_bytes() == edited and [p.name for p in (site / "content").glob("*.md")] == [own.name]
    # Its seed changed too: kept, with the warning any edited article gets.
    (site / "seeds" / "009_00000000000000c1.txt").write_text(seed_text("Storm", "Wind and rain."))
    report = build(site)
    assert report.ok and own.read_bytes() == edited and report.imported.kept == [own]
    assert [w.split(";")[0] for w in report.warnings] == [f"{own}: edited by hand and its seed 009_00000000000000c1.txt changed"]


def test_an_edit_saved_while_the_import_writes_is_kept(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer read the content file, found it as it had written it, and replaced it:
    an editor's save in between was lost without a word (2 of 1,500 in a stress test)."""
    from sitegen import seeds as seeds_mod

    site = make_site(seeds={"000_0123456789abcdef.txt": seed_text("A story", "First text.")})
    assert build(site).ok
    target = site / "content" / "000_0123456789abcdef.md"
    (site / "seeds" / "000_0123456789abcdef.txt").write_text(seed_text("A story", "First text, corrected."))
    real = seeds_mod.replace_unless_changed

    def editor_saves_first(path: Path | str, data: bytes, unchanged: Any) -> bool:
        edited = target.read_text().replace("First text.", "First text, as the editor put it.")
        temp = target.with_name("editor.swp")
        temp.write_text(edited)
        os.replace(temp, target)  # right after the importer's check
        return real(path, data, unchanged)

    monkeypatch.setattr(seeds_mod, "replace_unless_changed", editor_saves_first)
    report = build(site, jobs=1)
    assert "as the editor put it" in target.read_text()
    assert f"{target}: changed while importing; kept your version" in report.warnings


def test_a_seed_sent_again_under_an_earlier_number_never_takes_the_published_ones_place(make_site: MakeSite) -> None:
    """The seed refused was the first by name: one added later whose name sorts first took
    over, and the article already out failed every build (its id used by the newcomer)."""
    site = make_site(seeds={"0500_e39c6646365b1e6c.txt": seed_text("The story", "Text.")})
    assert build(site).ok
    (site / "seeds" / "0100_e39c6646365b1e6c.txt").write_text(seed_text("The story sent again", "Text."))
    report = build(site)
    assert [str(e) for e in report.errors] == [
        f"{site / 'seeds'}/0100_e39c6646365b1e6c.txt: not imported: its article would have the id of seeds/0500_e39c6646365b1e6c.txt's, "
        "as both names end in the same digits; remove or rename one"
    ]
    assert report.articles == 1 and sorted(p.name for p in (site / "content").glob("*.md")) == ["0500_e39c6646365b1e6c.md"]


# Titles whose slug is where the site has a page (or a folder) of its own under
# permalink = "{slug}/"; then titles whose slug the build takes there as it is.
SITE_PAGE_TITLES = {"Tags": "tags/index.html", "Archive": "archive/index.html", "Search": "search/index.html", "Subscribe": "subscribe/index.html", "Images": "images/"}
FITTING_TITLES = ("Page", "Feeds", "Static", "Authors")


@pytest.mark.parametrize("permalink", ["{slug}/", "{year}/{month}/{slug}/"])
def test_a_seed_titled_as_a_site_page_gets_a_slug_the_build_takes(make_site: MakeSite, runner: CliRunner, permalink: str) -> None:
    """Under ``permalink = "{slug}/"``, a seed titled "Tags" was imported with the slug
    ``tags``, whose page is the site's list of tags: the build then left the article out
    with an error. It is imported as ``tags-2``, as `sitegen new` names it, and the import
    says why. Under the default permalink its page is in its year and month folders, where
    the site has none: its slug is the title's."""
    titles = [*SITE_PAGE_TITLES, *FITTING_TITLES]
    names = {title: f"{n:03d}_{n:016x}" for n, title in enumerate(titles, start=1)}
    site = make_site(seeds={f"{name}.txt": seed_text(title, f"About {title}.") for title, name in names.items()}, config=f'permalink = "{permalink}"\n')
    result = runner.invoke(main, ["import", "--site", str(site)])
    assert result.exit_code == 0, result.output
    bound = permalink == "{slug}/"
    slugs = {}
    for title, name in names.items():
        slugs[title] = yaml.safe_load((site / "content" / f"{name}.md").read_text(encoding="utf-8").split("---")[1])["slug"]
        expected = f"{title.lower()}-2" if bound and title in SITE_PAGE_TITLES else title.lower()
        assert slugs[title] == expected
        why = f"content/{name}.md: imported from seeds/{name}.txt with the slug {expected}: the title's would put its page at /{SITE_PAGE_TITLES.get(title)}"
        assert (why in result.stderr) == (expected != title.lower()), result.stderr
    report = build(site)
    assert report.ok and report.articles == len(titles), report.errors
    assert not any("with the slug" in w for w in report.warnings)  # said by the import that chose it, once
    for title, slug in slugs.items():
        pages = list((site / "output").glob(f"{slug}/index.html" if bound else f"2026/01/{slug}/index.html"))
        assert len(pages) == 1 and title in pages[0].read_text(encoding="utf-8"), (title, slug)
    # The site's own pages are the site's still.
    assert "About Tags." not in (site / "output" / "tags" / "index.html").read_text(encoding="utf-8")

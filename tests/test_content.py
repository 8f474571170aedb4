"""Content files -> articles: the plain-paragraph shortcut gives exactly what Python-Markdown
gives, and no content file, however broken or hostile, stops the build."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA, SAMPLE_SEED, MakeSite, article_md, list_shape, no_spin, page_md
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from sitegen import content, frontyaml
from sitegen.build import build
from sitegen.cache import AuthorRecord
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import Config, ImportRules, load_config, parse_config
from sitegen.content import Converter, new_markdown, parse_file, plain_paragraphs
from sitegen.errors import ConfigError, ContentError
from sitegen.i18n import NOTE_BACKLINK
from sitegen.seeds import parse_seed, render_markdown
from sitegen.text import escape_markdown, find_xml_illegal

# Pieces of text, markup and escapes, weighted so that many bodies take the shortcut and
# many come close to markup without being it.
PIECES = st.sampled_from(
    ["word", "Word", "news", "2024", " ", " ", " ", "\n", "\n\n", "\n\n\n", ".", ",", "?", ":", ";", "'", '"', "“", "”", "–", "(", ")", "%", "/", "@"]
    + ["\\[", "\\]", "\\*", "\\_", "\\\\", "\\|", "\\!", "\\{", "\\}", "\\`", "&amp;", "&lt;", "&gt;", "&#58;", "&#126;", "&#45;"]
    + ["\\#", "\\-", "\\+", "\\.", "\\(", "\\)", "1\\.", "2\\)", "\\>"]
    + ["#", "-", "+", "=", ">", "1.", "2)", "*", "_", "[", "]", "`", "&", "<", "|", "~", "!", "\\", "\t", "  \n", "    ", "&copy;", "\\(", "\u00a0"]
)
BODIES = st.lists(PIECES, min_size=1, max_size=60).map("".join)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(BODIES)
def test_shortcut_gives_exactly_what_python_markdown_gives(body: str) -> None:
    md = new_markdown()
    fast = plain_paragraphs(body)
    if fast is not None:
        assert fast == md.convert(body)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(["word", "Word.", "“2024”", " ", "\n", "\n\n", "\n\n\n", "\n\n\n\n", "\\[", "\\-", "  \n", " "]), min_size=1, max_size=40).map("".join))
def test_paragraphs_are_made_as_python_markdown_makes_them(body: str) -> None:
    """Plain text, its breaks of two newlines and of more (the shortcut's two ways of making
    paragraphs), with escapes and a trailing space or two (a line break, not plain)."""
    fast = plain_paragraphs(body)
    if fast is not None:
        assert fast == new_markdown().convert(body)
    else:
        assert " \n" in body + "\n" or body.lstrip("\n")[:1] == " " or "\n " in body


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80).filter(str.strip), min_size=1, max_size=6))
def test_escaped_seed_text_converts_the_same_either_way(paragraphs: list[str]) -> None:
    body = "\n\n".join(escape_markdown(p) for p in paragraphs)
    assert Converter().convert(body) == new_markdown().convert(body)


def test_sample_seed_takes_the_shortcut() -> None:
    seed = parse_seed(SAMPLE_SEED.read_bytes(), SAMPLE_SEED, ImportRules())
    body = "\n\n".join(escape_markdown(p) for p in seed.paragraphs)
    assert "\\[" in body  # the sample's "[the Japanese government]" is escaped...
    html = plain_paragraphs(body)
    assert html is not None and html == new_markdown().convert(body)  # ...and still plain
    assert "[the Japanese government]" in html


def test_markup_goes_through_python_markdown() -> None:
    for body in ("# Heading", "*em*", "a  \nb", "1. one", "| a | b |\n|---|---|\n| 1 | 2 |", "    code", "x[^1]\n\n[^1]: note"):
        assert plain_paragraphs(body) is None
        assert Converter().convert(body) == new_markdown().convert(body)


def test_the_texts_headings_start_below_the_headline(make_site: MakeSite) -> None:
    """The headline is the page's one <h1>: a writer's "#" is a heading within the story."""
    body = "# Part one\n\nText.\n\n## A detail\n\nMore.\n\n###### Smallest\n\nEnd."
    assert Converter().convert(body) == (
        '<h2 id="part-one">Part one</h2>\n<p>Text.</p>\n<h3 id="a-detail">A detail</h3>\n<p>More.</p>\n<h6 id="smallest">Smallest</h6>\n<p>End.</p>'
    )
    site = make_site(content={"a.md": article_md("The headline", body=body)})
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert [h.text_content() for h in page.xpath("//h1")] == ["The headline"]
    assert [h.tag for h in page.xpath("//div[@class='body']/*[starts-with(name(), 'h')]")] == ["h2", "h3", "h6"]


def test_each_text_is_converted_once() -> None:
    converter = Converter()
    calls = []
    convert = converter.convert
    converter.convert = lambda body, **given: calls.append(body) or convert(body, **given)  # type: ignore[method-assign]
    first = converter("Some *text*.")
    assert converter("Some *text*.") == first and len(calls) == 1
    # Known HTML (from the build cache) is used as it is.
    cached = Converter({first.sha: b"<p>cached</p>"})
    assert cached("Some *text*.") == content.Converted(first.sha, "<p>cached</p>")
    # A text whose conversion has something to warn of is converted each time: HTML looked
    # up would come without it (another file of the same text would have no warning).
    noted = converter("<p>Never closed\n\nText.")
    assert noted.unclosed and converter("<p>Never closed\n\nText.") == noted and len(calls) == 3


def test_a_text_with_a_footnote_is_known_by_the_title_of_its_back_link_too() -> None:
    """The title of a footnote's back-link, in the text's language, is written into its HTML:
    the HTML is known by the text and that title, or a text whose language changed would keep
    the title it had. A text with no footnote never asks for it, and is known by itself."""
    converter = Converter()
    asked: list[str] = []

    def title(said: str) -> Callable[[], str]:
        return lambda: asked.append(said) or said

    body = "A claim[^1].\n\n[^1]: A note."
    english, german = converter(body, title(NOTE_BACKLINK)), converter(body, title("Zurück zur Fußnote %(number)s im Text"))
    assert english == converter(body) and german.sha != english.sha
    assert 'title="Zurück zur Fußnote 1 im Text"' in german.html and german.html.replace("Zurück zur Fußnote 1 im Text", "Jump back to footnote 1 in the text") == english.html
    assert converter(body, title("Zurück zur Fußnote %(number)s im Text")) == german
    assert converter("No *note*.", title("Zurück zur Fußnote %(number)s im Text")) == converter("No *note*.")
    assert asked == [NOTE_BACKLINK, "Zurück zur Fußnote %(number)s im Text", "Zurück zur Fußnote %(number)s im Text"]


def test_headings_have_ids_to_link_to(make_site: MakeSite) -> None:
    """A long piece links to its sections: each heading has an id, readable as a slug, or
    the one written after it; none takes an id the page's theme uses."""
    body = "Jump to [the details](#details) or [more](#more).\n\n## Details\n\nText.\n\n## Détails\n\n## Main\n\n### Extra {#more}\n\n## Mine {#main}\n\nEnd."
    site = make_site(content={"a.md": article_md("A", body=body)})
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//div[@class='body']/*[starts-with(name(), 'h')]/@id") == ["details", "details_1", "main-section", "more", "main-section-2"]
    assert page.xpath("//div[@class='body']//h4/text()") == ["Extra"]
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert check_output(site / "output", load_config(site)) == []



def test_a_heading_id_given_empty_or_twice_is_made_one_of_its_own() -> None:
    """``{#}`` gave id="" and ``{#results}`` twice two elements one id: invalid HTML, and a
    link leads to the first only."""
    html = new_markdown().convert("## Results {#results}\n\n## Results again {#results}\n\n## Empty {#}\n\n###### Last {#results}\n\n## Kept {#mine}")
    ids = lxml_html.fragment_fromstring(html, create_parent="div").xpath("./*/@id")
    assert ids[0] == "results" and ids[2] == "empty" and ids[4] == "mine"
    assert len(set(ids)) == 5 and "" not in ids

def test_a_text_is_converted_twice_to_parse_only_when_it_has_headings(tmp_path: Path) -> None:
    """Its hash is of the headings at the levels Markdown gives them: that takes a second
    conversion, which a text without headings (a rule, a footnote) never needs."""
    calls: list[bool] = []

    class Counting(Converter):
        def convert(self, body: str, lower_headings: bool = True, backlink_title: str | None = None) -> str:
            calls.append(lower_headings)
            return super().convert(body, lower_headings, backlink_title)

    for body, expected in (("Text.\n\n---\n\nMore[^1].\n\n[^1]: A note.", [True]), ("# Part\n\nText.", [True, False])):
        calls.clear()
        path = tmp_path / "a.md"
        path.write_text(article_md("A", body=body))
        _, record = parse_file(str(path), Config(), Counting())
        assert record.article is not None and calls == expected, body


def test_every_kind_of_whitespace_but_space_and_newline_is_markup_to_the_shortcut() -> None:
    for code in range(0x3001):
        char = chr(code)
        if char.isspace() and char not in " \n":
            assert plain_paragraphs(f"a{char}b") is None, hex(code)


# ---------------------------------------------------------------------------------------
# Hostile and broken content files: each is an error naming the file, the rest is built.

INVALID = sorted(p for p in (DATA / "invalid").iterdir() if (p / "article.md").is_file())


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_a_bad_content_file_is_an_error_naming_it_and_the_rest_is_built(make_site: MakeSite, case: Path) -> None:
    site = make_site(content={"good.md": article_md("Good story")})
    shutil.copy(case / "article.md", site / "content" / "bad.md")
    report = build(site, jobs=1)
    expected = (case / "expected.txt").read_text().strip()
    assert [type(e) for e in report.errors] == [ContentError]
    message = str(report.errors[0])
    assert message.startswith(str(site / "content" / "bad.md")) and expected in message, message
    assert report.articles == 1 and (site / "output" / "2024" / "05" / "good" / "index.html").is_file()
    # The page of the hostile file shows nothing of what it held.
    assert not any("urn:x" in p.read_text() or "xxxxxxxx" in p.read_text() for p in (site / "output").rglob("*.html"))


def test_every_bad_file_at_once_exits_1_with_no_traceback(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"good.md": article_md("Good story")})
    for case in INVALID:
        shutil.copy(case / "article.md", site / "content" / f"{case.name}.md")
    result = runner.invoke(main, ["build", "--site", str(site), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for case in INVALID:
        assert f"{case.name}.md" in result.output
    assert "Built 1 article" in result.output


def test_markdown_that_takes_too_long_is_an_error(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "MARKDOWN_SECONDS", 0.5)
    site = make_site(content={"good.md": article_md("Good story"), "slow.md": article_md("Slow", body="[" * 20_000)})
    report = build(site, jobs=1)
    [error] = report.errors
    assert str(error).startswith(str(site / "content" / "slow.md")) and "took over 0.5 s" in str(error)
    assert report.articles == 1
    # The converter recovers: the next text converts normally.
    assert Converter().convert("*a*") == "<p><em>a</em></p>"
    # A time limit depends on how fast the machine is: the next build tries again, as a
    # clean build would (it kept the error, and the article out, once run on a faster one).
    report = build(site, jobs=1)
    assert report.parsed == 1 and "took over 0.5 s" in str(report.errors[0])  # read again, not replayed


def test_the_markdown_time_limit_counts_the_builds_own_time_not_the_clocks(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit ran on the clock: on a busy machine, where the build waits for a processor,
    the 1 MB text of the nesting test, 2.5 s of work, took 15 s and was refused for its
    Markdown's time. Here the wait is a sleep: the clock runs on, the build's time does not."""
    import markdown

    monkeypatch.setattr(content, "MARKDOWN_SECONDS", 0.5)
    convert = markdown.Markdown.convert

    def after_a_wait(self: markdown.Markdown, source: str) -> str:
        time.sleep(1)  # the processor taken by other work meanwhile
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", after_a_wait)
    site = make_site(content={"a.md": article_md("A", body="Words *in* Markdown.")})
    report = build(site, jobs=1)
    assert report.ok and report.articles == 1, report.errors


def test_links_in_content_are_refused_and_loops_are_not_followed(make_site: MakeSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(article_md("Private", body="Private text."))
    site = make_site(content={"good.md": article_md("Good story")})
    (site / "content" / "leak.md").symlink_to(secret)
    (site / "content" / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (site / "content" / "loop").symlink_to(site / "content")
    (site / "content" / "outside").symlink_to(tmp_path)
    report = build(site, jobs=1)
    names = sorted(Path(str(e.path)).name for e in report.errors)
    # Links to folders are named too, never entered (a loop, or a way out of content/).
    assert names == ["dangling.md", "leak.md", "loop", "outside"] and all("symbolic link" in str(e) for e in report.errors)
    assert report.articles == 1
    assert not any("Private" in p.read_text() for p in (site / "output").rglob("*.html"))


def test_a_content_file_over_max_file_bytes_is_not_read(make_site: MakeSite) -> None:
    site = make_site(content={"good.md": article_md("Good story"), "big.md": article_md("Big", body="word " * 400)}, config="max_file_bytes = 1000\n")
    report = build(site, jobs=1)
    [error] = report.errors
    assert str(error).startswith(str(site / "content" / "big.md")) and "over max_file_bytes (1,000)" in str(error)


FRONT_KEYS = st.sampled_from(["title", "date", "updated", "slug", "id", "tags", "related", "summary", "author", "draft", "source", "x"])
YAML_VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["2024-02-30", "2024-01-01T00:00:00+25:00", "[a, [b]]", "{a: 1}", "*a", "&a x", "!!python/object:os.system", "~", "yes", "0x1F", "1e999", "-.inf", '"\\x01"', "'", "|\n  x"]),
    st.integers().map(str),
)
FRONT = st.lists(st.tuples(FRONT_KEYS, YAML_VALUES), max_size=8).map(lambda pairs: "".join(f"{k}: {v}\n" for k, v in pairs))
DOCUMENTS = st.tuples(st.sampled_from(["---\n", "---\r\n", "", "--- \n", "\ufeff---\n"]), FRONT, st.sampled_from(["---\n", "", "...\n"]), st.text(max_size=200))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(DOCUMENTS)
def test_no_content_file_ends_in_a_traceback(parts: tuple[str, str, str, str]) -> None:
    """Whatever a content file holds, parsing it gives an article, a draft or an error record."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.md"
        path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
        _, record = parse_file(str(path), Config(), Converter())
    assert (record.article is not None) + record.draft + bool(record.error) == 1
    if record.article is not None:
        assert not find_xml_illegal(record.article.title + record.article.id + record.article.summary)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_bad_byte_is_placed_in_the_file_with_or_without_a_byte_order_mark(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(bom + b"---\ntitle: A\n---\n\nGood\n\xff bad\n")
    record = parse_file(str(path), Config(), Converter())[1]
    assert (record.error, record.line) == (f"is not valid UTF-8 (byte 0xff at offset {len(bom) + 23}): save it as UTF-8", 6)


def test_the_text_starts_past_the_front_matter_as_the_parse_splits_it() -> None:
    document = "---\ntitle: A\nsummary: '---'\n---\n\nWords.\n\n---\n\nMore [words](/a/).\n"
    assert document[content.text_start(document) :].lstrip("\n").startswith("Words.")
    assert content.text_start("No front matter.\n---\n") == 0


def test_front_fields_read_through_a_byte_order_mark_and_any_line_ends() -> None:
    text = "---\r\ntitle: A\r\nslug: 'a-story'\rdate: \"2024-05-01\"\nseed_hash:   sha256:00  \r\n---\r\nslug: body\r\n"
    document = content.decode_content(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert content.front_fields(document) == {"title": "A", "slug": "a-story", "date": "2024-05-01", "seed_hash": "sha256:00"}


def _yaml_fields(document: str) -> dict[str, str] | None:
    """front_fields as YAML reads them, with parse_article's own loader; None if it cannot."""
    try:
        meta, _ = content._front_matter("a.md", document)
    except ContentError:
        return None
    found = {}
    for key in sorted(content.FRONT_FIELDS):
        value = meta.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and (folded := " ".join(str(value).split())):
            found[key] = folded
    return found


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("seed: 000_x.txt # from the wire", "000_x.txt"),
        ("seed: '000_x.txt'   # quoted, then a comment", "000_x.txt"),
        ("seed: >-\n  000_x.txt\n", "000_x.txt"),
        ("seed: |\n  000_x.txt\n", "000_x.txt"),
        ("seed:\n  000_x.txt", "000_x.txt"),
        ('seed: "000_\\x78.txt"', "000_x.txt"),
        ("seed: 000_x.txt\t", "000_x.txt"),
        ("seed: 017", "017"),  # text, not the octal number YAML 1.1 reads
    ],
)
def test_front_fields_are_read_as_yaml_reads_them(written: str, read: str) -> None:
    document = f"---\ntitle: A\n{written}\nslug: a-story  # keep this URL\n---\n\nText.\n"
    assert content.front_fields(document) == {"title": "A", "seed": read, "slug": "a-story"} == _yaml_fields(document)


def test_front_fields_of_front_matter_yaml_cannot_load_are_read_line_by_line() -> None:
    # The build reports the file; its seed and slug are still claimed, comments aside.
    document = "---\ntitle: [A\nseed: 000_x.txt # from the wire\nslug: 'a-story'\n---\n"
    assert _yaml_fields(document) is None
    assert content.front_fields(document) == {"title": "[A", "seed": "000_x.txt", "slug": "a-story"}


_WRITTEN = st.one_of(
    st.text(alphabet=" abyn:#'\"-[]{}&*!|>%@`\t\\.,?~01\x85\u2028é", max_size=12),
    st.text(alphabet="abc é'\":#-", max_size=12).map(lambda s: yaml.safe_dump(s, allow_unicode=True).removesuffix("\n...\n").strip()),
    st.sampled_from(["", "[]", "[a, b]", ">-\n  folded\n  text", "|\n  kept", "yes", "null", "~", "1.50", "017", "a # c", "'a' # c"]),
    # One-line lists, of words and of what is not quite words.
    st.sampled_from(["[World, Middle East]", "[ a ,b ]", "[a,b]", "[1, a]", "[a, [b]]", "[a,]", "[ ]", "[a b, c-d, e.f]", "[_x]", "[a]x"]),
    st.lists(st.text(alphabet="ab -._1y:#,'", min_size=1, max_size=6), max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
)
_KEYS = st.sampled_from([*sorted(content.FRONT_FIELDS), "tags", "related", "summary", "unknown"])
_LINE = st.one_of(
    st.tuples(_KEYS, _WRITTEN).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(_KEYS, st.lists(_WRITTEN, max_size=3)).map(lambda kl: "\n".join([f"{kl[0]}:", *(f"- {i}" for i in kl[1])])),
    st.sampled_from(["", "# a comment", "  # indented", "   ", "  continued", "slug:  spaced  ", "title:tight", "\tseed: tab"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=6))
def test_front_fields_without_yaml_read_what_yaml_reads(lines: list[str]) -> None:
    """The fast reading (no YAML) gives what YAML gives, or leaves the front matter to YAML."""
    document = "---\n" + "\n".join(lines) + "\n---\n\nText.\n"
    head = document[3 : document.index("\n---", 3) + 1]
    fast = content._plain_fields(head)
    if fast is not None:
        assert fast == _yaml_fields(document)
    # The whole front matter too, as parse_article is given it.
    plain = content.plain_meta(head)
    if plain is not None:
        assert plain == yaml.load(head, Loader=frontyaml.Loader)
    expected = _yaml_fields(document)
    assert content.front_fields(document) == (expected if expected is not None else content._line_fields(head))


def test_the_front_matter_boundary_is_python_frontmatters() -> None:
    """content reads the '---' lines by its own copy of python-frontmatter's pattern."""
    from frontmatter.default_handlers import YAMLHandler

    assert (content._FM_BOUNDARY.pattern, content._FM_BOUNDARY.flags) == (YAMLHandler.FM_BOUNDARY.pattern, YAMLHandler.FM_BOUNDARY.flags)


def test_the_characters_sent_to_yaml_are_those_outside_what_it_reads_plainly() -> None:
    """content._YAML_AWKWARD_RE lists the characters outside the class of those YAML's reader
    takes as they are (LF, printable ASCII, and the rest of Unicode but for U+2028, U+2029,
    surrogates, U+FFFE and U+FFFF): every code point."""
    every = "".join(map(chr, range(0x110000)))
    other = re.compile("[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    assert content._YAML_AWKWARD_RE.findall(every) == other.findall(every)


_RESOLVER_WORDS = ["yes", "Yes", "YES", "yEs", "no", "No", "NO", "true", "True", "TRUE", "tRue", "false", "False", "FALSE", "on", "On", "ON", "oN", "off", "Off", "OFF", "y", "n", "~", "null", "Null", "NULL", "nULL", "<<", "<", "=", "==", "!", "&", "*", "5", "0x1F", "1e3", "2024-05-01", "12:30", ".inf", ".nan", "-", "+1"]


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.sampled_from(_RESOLVER_WORDS), st.lists(st.sampled_from([*_RESOLVER_WORDS, " ", "x"]), min_size=1, max_size=3).map("".join), st.text(min_size=1, max_size=8)).filter(lambda s: "\n" not in s))
def test_a_plain_scalar_is_text_as_yamls_resolver_reads_it(plain: str) -> None:
    """content._is_text, which plain_meta reads a scalar by, agrees with the resolver of the
    Loader it stands for (one line: a scalar of plain front matter never spans two)."""
    tag = yaml.resolver.Resolver.resolve(frontyaml.Loader, yaml.ScalarNode, plain, (True, False))  # type: ignore[no-untyped-call]
    assert content._is_text(plain) == (tag == "tag:yaml.org,2002:str")


@given(st.lists(st.sampled_from(["a", "é", "“", "\r", "\n", "\r\n", "\n\r", " ", "---"]), max_size=30).map("".join), st.booleans())
def test_a_content_file_is_decoded_with_its_line_ends_made_lf(written: str, mark: bool) -> None:
    data = ("\ufeff" if mark else "").encode() + written.encode()
    assert content.decode_content(data) == written.replace("\r\n", "\n").replace("\r", "\n")


_BOUNDARY = st.sampled_from(["---", "----", "--- ", "---\t", "---\n", "--- \n  "])
_PLAIN_LINE = st.sampled_from(["title: A story", "slug: 'a-story'", 'date: "2024-05-01T09:00:00+00:00"', "tags:\n- World\n- Asia", "related: [a, b c]", "", "# note", "summary: it's here", "seed: a.txt"])
_AFTER = st.lists(st.sampled_from(["Text.", "word", "    code", "\tcode", "  # Title", "---", "--- x", "\n", "\n\n", " ", "\t", "\u00a0", "\u2028"]), max_size=8).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BOUNDARY, st.lists(st.one_of(_PLAIN_LINE, _PLAIN_LINE, _PLAIN_LINE, _LINE), max_size=5, unique=True), _BOUNDARY, _AFTER)
def test_plain_front_matter_splits_as_python_frontmatter_splits_it(opening: str, lines: list[str], closing: str, after: str) -> None:
    """content._load reads plain front matter (plain_meta) and the text after it itself; any
    document gives what python-frontmatter's split and load give (content._parse)."""
    document = opening + "\n" + "\n".join(lines) + "\n" + closing + "\n" + after
    try:
        expected = content._parse(document)
    except yaml.YAMLError:
        return
    assert content._load.__wrapped__(document) == expected


@pytest.mark.parametrize("title", ["Storm hits coast", "Breaking: the #1 story, it's 'big'", "Ünïcödé & <html>", "2024", "yes"])
def test_front_fields_of_what_the_importer_writes_need_no_yaml(title: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer reads every content file's fields before each import: its own files
    are read without YAML (a parse of 10,000 would cost seconds)."""
    seed = parse_seed(f"{title}\n\nFirst: a #1 paragraph.\n\nSecond.\n".encode(), Path("001_00000000000000aa.txt"), ImportRules())
    document = render_markdown(seed, "a-slug", dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC))
    expected = _yaml_fields(document)

    def no_yaml(*args: object) -> object:
        raise AssertionError("front matter loaded as YAML")

    front_matter = content._front_matter
    monkeypatch.setattr(content, "_front_matter", no_yaml)
    assert content.front_fields(document) == expected
    # Nor does the parse: it is given the whole front matter as YAML reads it.
    as_yaml = yaml.load(document.split("\n---", 1)[0].removeprefix("---"), Loader=frontyaml.Loader)
    monkeypatch.setattr(yaml, "load", no_yaml)
    assert front_matter("a.md", document)[0] == as_yaml and set(as_yaml) >= {"title", "tags", "related", "seed_hash"}
    assert expected is not None and expected["title"] == title and expected["seed"] == "001_00000000000000aa.txt"


def test_front_fields_take_linear_time_on_long_lines() -> None:
    # This process's CPU time, which other work on the machine does not stretch (a quarter
    # of a second here; the wall clock gave three times that on a busy host).
    started = time.process_time()
    lines = ["title: a" + " " * 200_000 + "#x", "title: '" + "''" * 100_000, "title: a" + " :" * 100_000, " " * 200_000 + "x"]
    lines += ["tags: [a" + " " * 200_000 + "x", "tags: [" + "a " * 100_000, "tags: [" + "a, " * 60_000 + " " * 100_000 + "!]"]
    for line in lines:
        content.front_fields(f"---\n{line}\n---\n")
    assert time.process_time() - started < 2


@pytest.mark.parametrize(
    ("value", "read"),
    [('"true"', "'true': write it without quotes"), ("'No'", "'No': write it without quotes"), ("1", "'1'"), ("yes please", "'yes please'"), ("''", "''")],
)
def test_draft_must_be_true_or_false(make_site: MakeSite, value: str, read: str) -> None:
    site = make_site(content={"a.md": article_md("A", draft=value), "b.md": article_md("B")})
    report = build(site)
    assert report.articles == 1  # the rest of the site is built
    assert [str(e) for e in report.errors] == [f"{site / 'content' / 'a.md'}:4: draft: must be true or false, not {read}"]


def test_a_published_article_made_a_draft_is_named_as_taken_down(make_site: MakeSite, runner: CliRunner) -> None:
    """``draft: true`` on an article readers have seen takes it out of the site and the
    feeds: the build says so (a draft never published is no news)."""
    site = make_site(content={"a.md": article_md("Out already"), "b.md": article_md("Other"), "c.md": article_md("Not yet", draft="true")})
    assert build(site).warnings == []
    path = site / "content" / "a.md"
    path.write_text(path.read_text().replace("---\n\n", "draft: true\n---\n\n", 1))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "draft: true" in line]
    assert said == [
        f"warning: {path}:4: draft: true, but the article is out already: this build takes its page and feed entries down, and feed readers"
        " keep what they saw (check --against stops such a deploy); remove the line to publish it again, or to take it down, delete the file (and its seed)"
    ]
    assert (site / "output" / "2024" / "05" / "b" / "index.html").is_file() and not (site / "output" / "2024" / "05" / "a").exists()
    # A preview of drafts shows it, and says nothing; published again, nothing either.
    assert build(site, overrides={"drafts": True}).warnings == []
    path.write_text(path.read_text().replace("draft: true\n", ""))
    assert build(site).warnings == [] and (site / "output" / "2024" / "05" / "a" / "index.html").is_file()


def test_a_published_article_deleted_is_named_as_taken_down_once(make_site: MakeSite, runner: CliRunner) -> None:
    """``rm content/a.md`` took a published article's page down without a word, where
    ``draft: true`` on it is warned of. Said by the build that takes it down, not by the
    builds after; never of an article readers did not see (a draft, one not yet due)."""
    drafted, due = article_md("Never out", draft="true"), article_md("Not yet due", date="2027-01-01T09:00:00+00:00")
    site = make_site(
        content={"a.md": article_md("Out"), "b.md": article_md("Other"), "c.md": drafted, "d.md": due},
        config='base_url = "https://example.org/news/"\n',
    )
    assert build(site).warnings == []
    page = site / "output" / "2024" / "05" / "a" / "index.html"
    kept = (site / "content" / "a.md").read_text()
    assert page.is_file()
    for name in ("a.md", "c.md", "d.md"):
        (site / "content" / name).unlink()
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("warning:")] == [
        f"warning: {site / 'content' / 'a.md'}: deleted, but its article was out: this build takes it down, and readers and search"
        " engines now get a 404 at https://example.org/news/2024/05/a/ (feed readers keep what they saw); to bring it back,"
        " restore the file: its id keeps its place in the feeds"
    ]
    assert not page.exists()
    # Said once: neither a build with nothing to do nor one with work says it again.
    assert "warning:" not in runner.invoke(main, ["build", "--site", str(site)]).output
    (site / "content" / "b.md").write_text(article_md("Other, edited"))
    assert build(site).warnings == []
    # Restored, it is back where it was, without a word.
    (site / "content" / "a.md").write_text(kept)
    assert build(site).warnings == [] and page.is_file()


@pytest.mark.parametrize(
    ("slug", "said"),
    [
        ("My Slug", "'My Slug' is not a slug: use lower-case ASCII letters, digits and single hyphens (did you mean 'my-slug'?)"),
        ("'Café--crème'", "'Café--crème' is not a slug: use lower-case ASCII letters, digits and single hyphens (did you mean 'cafe-creme'?)"),
        ("'---'", "'---' is not a slug: use lower-case ASCII letters, digits and single hyphens"),  # nothing a slug keeps: no guess
    ],
)
def test_a_bad_slug_is_told_the_slug_sitegen_would_make(make_site: MakeSite, runner: CliRunner, slug: str, said: str) -> None:
    """``slug: My Slug`` was refused with no suggestion."""
    site = make_site(content={"a.md": article_md("A", slug=slug), "b.md": article_md("B")})
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error: ")] == [f"error: {site / 'content' / 'a.md'}:4: slug: {said}"]


def test_a_site_with_unicode_slugs_makes_and_takes_them_in_its_own_script(make_site: MakeSite, runner: CliRunner) -> None:
    """An Arabic headline made ``lhkwm-t-ln-kht-jdyd-lltq``, which no reader can read, and a
    written Arabic slug was an error: with slugs = "unicode", the import, ``sitegen new``, a
    file with no slug line and a written slug all give Arabic addresses; tags and bylines too."""
    seeds = {"001_00000000000000aa.txt": "وزير الخارجية يزور القاهرة\n\nقال الوزير إن الزيارة مهمة.\n"}
    written = article_md("مباراة", slug="الحكومة-تعلن-خطة-جديدة-للطاقة", tags="[رياضة]", author="سارة أحمد")
    untitled = article_md("انتخابات البلدية", date="2024-05-02T09:00:00+00:00")
    site = make_site(seeds=seeds, content={"two.md": written}, config='language = "ar"\nslugs = "unicode"\n')
    (site / "content" / "بلدية").mkdir()
    (site / "content" / "بلدية" / "index.md").write_text(untitled, encoding="utf-8")
    result = runner.invoke(main, ["new", "--site", str(site), "Путин и Си: встреча"])
    assert result.exit_code == 0, result.output
    assert (site / "content" / "путин-и-си-встреча.md").is_file()  # a UTF-8 file name
    result = runner.invoke(main, ["build", "--site", str(site), "--drafts"])
    assert result.exit_code == 0, result.output
    imported = yaml.safe_load((site / "content" / "001_00000000000000aa.md").read_text(encoding="utf-8").split("---")[1])
    assert imported["slug"] == "وزير-الخارجية-يزور-القاهرة"
    out = site / "output"
    for page in ("2024/05/الحكومة-تعلن-خطة-جديدة-للطاقة/", "2024/05/انتخابات-البلدية/", "tags/رياضة/", "authors/سارة-أحمد/"):
        assert (out / page / "index.html").is_file(), page
    assert len(list(out.glob("*/*/وزير-الخارجية-يزور-القاهرة/index.html"))) == 1
    assert len(list(out.glob("*/*/путин-и-си-встреча/index.html"))) == 1
    # The same site in ASCII: the written slug is an error naming its line, the rest built.
    (site / "sitegen.toml").write_text('language = "ar"\n', encoding="utf-8")
    result = runner.invoke(main, ["build", "--site", str(site), "--drafts"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert any(e.startswith(f"error: {site / 'content' / 'two.md'}:4: slug: 'الحكومة-تعلن-خطة-جديدة-للطاقة' is not a slug: use lower-case ASCII") for e in errors)
    assert (out / "2024/05/ntkhbt-lbldy/index.html").is_file() and (out / "tags/rydy/index.html").is_file() is False


def test_unknown_front_matter_keys_are_warned_about_with_a_hint(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", titel="'Typo'", colour="red")})
    report = build(site)
    assert report.ok and report.articles == 1
    path = site / "content" / "a.md"
    assert f"{path}:4: unknown front-matter key 'titel', ignored (did you mean 'title'?)" in report.warnings
    assert any(w.startswith(f"{path}:5: unknown front-matter key 'colour', ignored (known keys: title,") for w in report.warnings)


@pytest.mark.parametrize("key", [key for key in content.FRONT_MATTER_KEYS if key not in ("title", "date", "draft")])
def test_a_known_key_written_in_another_case_is_said_to_be_lower_case(make_site: MakeSite, key: str) -> None:
    """``Language: de`` or ``Tags: a, b``, capitalised as e-mail headers and seeds are, was
    "unknown front-matter key 'Language', ignored (did you mean 'language'?)": a riddle of
    two words that read alike, or for ``TAGS`` no hint at all when misspelt too."""
    site = make_site(content={"a.md": article_md("A", slug="a", **{key.capitalize(): "x", f"{key.upper()}S": "y"})})
    report = build(site)
    assert report.ok and report.articles == 1
    path = site / "content" / "a.md"
    assert report.warnings[:2] == [
        f"{path}:5: front-matter key {key.capitalize()!r} ignored: the key is {key!r}, in lower case",
        f"{path}:6: unknown front-matter key {key.upper() + 'S'!r}, ignored (did you mean {key!r}?)",
    ]


def test_a_draft_flag_written_in_another_case_or_misspelt_keeps_the_story_out_as_an_error(make_site: MakeSite) -> None:
    """``Draft: true`` was a warning, and the story was published as it stood, in every
    feed for good: what its writer said not to do. It waits, an error at its line, as a file
    that cannot be read does; a key that only looks like draft (``drafted_by``) is not one."""
    site = make_site(
        content={
            "a.md": "---\ntitle: Storm hits coast\ndate: 2024-05-01T09:00:00Z\nDraft: true\n---\n\nNot yet.\n",
            "b.md": "---\ntitle: Flood warning\ndate: 2024-05-01T09:00:00Z\ndrat: true\n---\n\nNot yet.\n",
            "c.md": "---\ntitle: Harbour reopens\ndate: 2024-05-01T09:00:00Z\ndrafted_by: Sam\n---\n\nOut.\n",
        }
    )
    report = build(site)
    a, b = site / "content" / "a.md", site / "content" / "b.md"
    assert sorted(str(e) for e in report.errors) == [
        f"{a}:4: 'Draft' is not read, so this would be published: the key is 'draft', in lower case",
        f"{b}:4: 'drat' is not read, so this would be published: did you mean 'draft'?",
    ]
    assert report.articles == 1
    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Harbour reopens"]


def test_keys_of_hugo_jekyll_and_pelican_are_said_with_what_to_write_instead(make_site: MakeSite) -> None:
    """An article brought from another tool holds its keys: ``lastmod`` was "unknown, ignored
    (known keys: ...)", and the feeds dated no update without a word of ``updated``;
    ``permalink`` said nothing of ``aliases``, and the old address broke; and only the first
    three such keys of a file were named."""
    jekyll = "---\nlayout: post\ntitle: A\ndate: 2024-05-01 10:00:00 +0100\ncategories: news world\nk1: x\npermalink: /news/a/\nexcerpt_separator: <!--more-->\n---\n\nText.\n"
    hugo = "---\ntitle: B\ndate: 2024-05-01T09:00:00Z\nlastMod: 2024-05-03T10:00:00+02:00\ndescription: Short.\nweight: 10\npublishDate: 2024-05-01T09:00:00Z\nfeatured_image: harbour.jpg\nparams:\n  image: /images/x.jpg\n---\n\nText.\n"
    site = make_site(content={"a.md": jekyll, "b.md": hugo})
    report = build(site)
    assert report.ok and report.articles == 2
    a, b = site / "content" / "a.md", site / "content" / "b.md"
    said = "front-matter key {!r} is not read, and ignored: ".format
    keys = "; `sitegen convert --keys` does it for every file"  # those whose meaning is one of sitegen's
    assert [w for w in report.warnings if "front-matter key" in w] == [
        f"{a}:2: {said('layout')}every article is shown with the theme's article.html; a standalone page (About us) is 'page: true'",
        f"{a}:5: {said('categories')}sitegen has no categories: put them in 'tags'{keys}",
        f"{a}:7: {said('permalink')}an article's address is made from the site's 'permalink' and the article's 'slug':"
        f" to keep this old address working, list it in 'aliases' (aliases: [/news/a/]){keys}",
        f"{a}:8: {said('excerpt_separator')}the summary is 'summary', or else the start of the text (up to a <!--more--> divider, where there is one)",
        f"{a}:6: unknown front-matter key 'k1', ignored (known keys: {', '.join(content.FRONT_MATTER_KEYS)})",
        f"{b}:4: {said('lastMod')}the date of its last change is 'updated' (updated: 2024-05-03T10:00:00+02:00){keys}",
        f"{b}:5: {said('description')}the summary is 'summary', or else the start of the text (up to a <!--more--> divider, where there is one){keys}",
        f"{b}:6: {said('weight')}articles are listed by date; 'order' places a page (page: true) in the footer",
        f"{b}:7: {said('publishDate')}an article is published at its 'date'",
        f"{b}:8: {said('featured_image')}an article's picture is 'image' (image_alt: its description, image_caption, image_credit){keys}",
        # Hugo's values for its theme: was "unknown front-matter key 'params'", naming no way on.
        f"{b}:9: {said('params')}sitegen's templates read none of Hugo's params: a picture among them is 'image' (with 'image_alt', its description), a summary 'summary'",
    ]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("published: false", "'published: false' is not read, so this would be published: write 'draft: true' to keep it off the site"),
        ("status: draft", "'status: draft' is not read, so this would be published: write 'draft: true' to keep it off the site (`sitegen convert --keys` does it for every file)"),
        ("Status: hidden", "'Status: hidden' is not read, so this would be published: write 'draft: true' to keep it off the site"),
        (
            "expiryDate: 2024-06-01T00:00:00Z",
            "'expiryDate' is not read, so this would stay on the site and in the feeds after it: delete the line to keep it there, or write 'draft: true' to take it down",
        ),
        (
            "publishDate: 2024-05-02T08:00:00+02:00",
            "'publishDate' is not read, so this would be out at its date, before then: an article is published at its date; make it its date (date: 2024-05-02T08:00:00+02:00)",
        ),
    ],
    ids=["jekyll published false", "pelican status draft", "pelican status hidden", "hugo expiry", "hugo publish date ahead"],
)
def test_a_key_of_another_tool_that_keeps_the_story_off_the_site_there_is_an_error(make_site: MakeSite, written: str, said: str) -> None:
    """Jekyll's ``published: false``, Pelican's ``status: draft`` or Hugo's ``publishDate``
    ahead of the date were keys unknown, ignored: the story its writer held back went out
    at once, in every feed for good. It waits, an error at its line, as ``Draft: true`` does."""
    held = f"---\ntitle: Held back\ndate: 2024-05-01T09:00:00Z\n{written}\n---\n\nNot yet.\n"
    fine = "---\ntitle: Out\ndate: 2024-05-01T09:00:00Z\npublished: true\nstatus: published\n---\n\nOut.\n"
    site = make_site(content={"a.md": held, "b.md": fine})
    report = build(site)
    assert [str(e) for e in report.errors] == [f"{site / 'content' / 'a.md'}:4: {said}"]
    assert report.articles == 1
    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Out"]


def test_jekyll_hugo_and_pelican_syntax_a_reader_would_see_as_written_is_said_at_its_line(make_site: MakeSite) -> None:
    """Liquid tags, Hugo shortcodes and kramdown's attribute lists in an article brought
    from Jekyll or Hugo showed on its page and in every feed as
    written ({{< figure src=... >}}), without a word from the build. What a code block or
    code span shows as code, and an attribute list Python-Markdown reads, are not said."""
    body = "\n".join(
        [
            "See the [map]({{ site.baseurl }}/map.png).",  # 10
            "",
            "{% highlight python %}",  # 12
            "print(1)",
            "{% endhighlight %}",
            "",
            '{{< figure src="gull.jpg" title="A gull" >}}',  # 16
            "",
            "## Detail",
            "{: #detail}",  # 19
            "",
            "A styled paragraph.",
            "{: .lead}",
            "",
            "Code: `{{ site.baseurl }}` and `{% raw %}`.",
            "",
            "    {{< youtube abc >}}",
            "",
            "{{< youtube abc >}} {{% notice %}}Careful{{% /notice %}}",  # 28
        ]
    )
    site = make_site(content={"a.md": article_md("A", body="Text.\n\n* TOC\n{:toc}\n\n" + body), "b.md": article_md("B")})
    report = build(site)
    assert report.ok and report.articles == 2
    a = site / "content" / "a.md"
    shows = "which sitegen does not run: it shows as written"
    assert [w for w in report.warnings if "shows as written" in w or "syntax" in w] == [
        f"{a}:9: '{{:toc}}' is kramdown's table of contents, which sitegen does not make: it shows as written; delete it (and the list item over it)",
        f"{a}:11: '{{{{ site.baseurl }}}}' is Liquid (Jekyll), {shows}; write the value itself",
        f"{a}:13: '{{% highlight python %}}' is a Liquid tag (Jekyll), {shows}; put the code between ``` lines (```python)",
        f"{a}:17: and 4 more pieces of other tools' syntax, shown as written",
    ]
    site = make_site(content={"a.md": article_md("A", body=body.split("\n\n## Detail")[1])}, name="rest")
    report = build(site)
    a = site / "content" / "a.md"
    assert [w for w in report.warnings if "shows as written" in w] == [
        f"{a}:7: '{{: #detail}}' is a kramdown attribute list where it is not read: it shows as written;"
        " write it at the end of a heading's line (## Details {: #more}) or of a paragraph's last line",
        f"{a}:16: '{{{{< youtube abc >}}}}' is a Hugo shortcode, {shows}; write what it made in Markdown or HTML (an embed's <iframe>)",
        f"{a}:16: '{{{{% notice %}}}}' is a Hugo shortcode, {shows}; write what it made in Markdown or HTML (an embed's <iframe>)",
    ]
    site = make_site(content={"a.md": article_md("A", body=body.split("\n\n## Detail")[0])}, name="shortcode")
    report = build(site)
    a = site / "content" / "a.md"
    assert [w for w in report.warnings if "shows as written" in w][-1] == (
        f"{a}:12: '{{{{< figure src=\"gull.jpg\" title=\"A gull\" >}}}}' is a Hugo shortcode, {shows};"
        ' write the picture in Markdown: ![what it shows](file.jpg "caption")'
    )
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert "{{< figure" in page.text_content()  # shown, as said: sitegen runs no other tool's syntax


def test_other_tools_syntax_written_escaped_is_not_said(make_site: MakeSite) -> None:
    """A seed's text is shown as text: the importer escapes its braces, and a seed quoting
    a template ({{ site }}, {% raw %}) was said at line 1 of its content file on every
    build, with advice to write the value, where nothing is to be done; at its title's line
    when its title quotes one too (the front matter holds it as such). Written escaped by
    hand, the same. Written as such, it is said at its line, as before."""
    from conftest import seed_text

    quoted = "Second paragraph {{ site }} {{ config.title }} and {% raw %} as quoted."
    site = make_site(
        seeds={"018_3333333333333333.txt": seed_text("Templates {{ site }} in the news", "First paragraph.", quoted)},
        content={"hand.md": article_md("Hand", body="Escaped: \\{\\{ site \\}\\} and &#123;% raw %&#125;.\n\nAs such: {{ site }}.")},
    )
    report = build(site)
    assert report.ok
    hand = site / "content" / "hand.md"
    line = hand.read_text().splitlines().index("As such: {{ site }}.") + 1
    assert [w for w in report.warnings if "shows as written" in w] == [
        f"{hand}:{line}: '{{{{ site }}}}' is Liquid (Jekyll), which sitegen does not run: it shows as written; write the value itself"
    ]
    page = next((site / "output").glob("*/*/templates-site-in-the-news/index.html"))
    assert quoted in lxml_html.fromstring(page.read_bytes()).text_content()


def test_other_tools_syntax_is_looked_for_in_linear_time_however_much_code_is_left_open() -> None:
    """Code is set apart by finding each start tag's end tag once: matched by a regular
    expression, 8,000 unclosed ``<code>`` tags took 1.6 s, and 100,000 would take minutes."""
    html = "<p>{{ site.title }}</p>" + "<code>x " * 100_000 + "<pre>{% raw %}</pre>"
    started = time.process_time()  # this process's own time: a busy machine stretches the clock's
    warnings = content._other_tools_syntax("a.md", html, html)
    assert time.process_time() - started < 2  # 0.03 s
    assert len(warnings) == 1 and "'{{ site.title }}' is Liquid" in warnings[0]


def test_many_unknown_front_matter_keys_are_counted_after_the_first_few(make_site: MakeSite) -> None:
    """20,000 made-up keys took 29 s (each key's line searched for from the top of the
    file) and printed a warning each."""
    keys = {f"k{i}": str(i) for i in range(20_000)}
    site = make_site(content={"a.md": article_md("A", **keys), "b.md": article_md("B", k10="x", k1="y")})
    started = time.process_time()  # this process's own time: a busy machine stretches the clock's
    report = build(site)
    assert time.process_time() - started < 20  # 1.6 s
    assert report.ok and report.articles == 2
    a, b = site / "content" / "a.md", site / "content" / "b.md"
    assert [w.split(", ignored")[0] for w in report.warnings if "unknown" in w] == [
        f"{a}:4: unknown front-matter key 'k0'",
        f"{a}:5: unknown front-matter key 'k1'",
        f"{a}:6: unknown front-matter key 'k2'",
        f"{a}:7: and 19997 more unknown front-matter keys",
        f"{b}:4: unknown front-matter key 'k10'",
        f"{b}:5: unknown front-matter key 'k1'",
    ]


def test_markdown_files_with_the_long_suffix_are_content_too(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", slug="a")})
    assert build(site).articles == 1
    (site / "content" / "b.markdown").write_text(article_md("B", slug="b"))
    report = build(site)  # a new file of either kind is noticed: not "nothing to do"
    assert report.articles == 2 and (site / "output" / "2024/05/b/index.html").is_file()


def _article(tmp_path: Path, front: str, config: Config | None = None) -> content.ArticleRecord:
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: A\ndate: 2024-05-01T09:00:00+00:00\n{front}---\n\nBody.\n", encoding="utf-8")
    record = parse_file(str(path), config or Config(), Converter())[1]
    assert record.article is not None, record.error
    return record.article


def test_author_is_a_name_or_a_list_described_by_the_site_config(tmp_path: Path) -> None:
    config = parse_config('author = "The Desk"\n[authors.jane-doe]\nname = "Jane Doe"\nbio = "City hall."\n', Path("sitegen.toml"))
    jane = AuthorRecord("jane-doe", "Jane Doe", "City hall.", "")
    # By slug or by name; twice the same person is one byline; others by their name alone.
    assert _article(tmp_path, "author: [jane-doe, Sam  Lee, JANE DOE]\n", config).authors == (jane, AuthorRecord("sam-lee", "Sam Lee", "", ""))
    assert _article(tmp_path, "author: Jane Doe\n", config).authors == (jane,)
    # None written: the site's author, the publication's byline (an organization); none there either: no byline.
    assert _article(tmp_path, "", config).authors == (AuthorRecord("the-desk", "The Desk", "", "", "organization"),)
    assert _article(tmp_path, "author: ''\n").authors == ()


def test_a_byline_close_to_an_author_of_sitegen_toml_is_a_warning_naming_the_one_meant(make_site: MakeSite) -> None:
    """`author: sam-okafr` beside [authors.sam-okafor] built without a word: "By sam-okafr",
    and a page and three feeds of that name, which stay (empty) once out."""
    config = 'author = "Harwick Gazette Newsroom"\n[authors.sam-okafor]\nname = "Sam Okafor"\n[authors.jane-doe]\nname = "Jane Doe"\n'
    content = {
        "a.md": article_md("A", author="sam-okafr"),
        "b.md": article_md("B", tags="[Sport]", author="\n- Jane Doe\n- Sam  Okafr\n- Sam Okafr"),
        "c.md": article_md("C", author="Harwick Gazete Newsroom"),
        # Not a slip: a byline no table describes, as a site may have; the authors themselves.
        "d.md": article_md("D", author="[Jane Smith, Jo Bloggs, Harwick Gazette Newsroom]"),
        "e.md": article_md("E", author="[sam-okafor, jane doe]"),
        "f.md": article_md("F"),
    }
    site = make_site(content=content, config=config)
    folder = site / "content"
    expected = [
        f"{folder / 'a.md'}:4: author 'sam-okafr' is no author of sitegen.toml (did you mean 'sam-okafor'?): as it is written, it is a byline"
        " of its own, with a page and feeds; if that is meant, describe it in an [authors.sam-okafr] table",
        f"{folder / 'b.md'}:5: author 'Sam Okafr' is no author of sitegen.toml (did you mean 'Sam Okafor'?): as it is written, it is a byline"
        " of its own, with a page and feeds; if that is meant, describe it in an [authors.sam-okafr] table",
        f"{folder / 'c.md'}:4: author 'Harwick Gazete Newsroom' is no author of sitegen.toml (did you mean 'Harwick Gazette Newsroom'?):"
        " as it is written, it is a byline of its own, with a page and feeds; if that is meant, describe it in an [authors.harwick-gazete-newsroom] table",
    ]
    for _ in range(2):  # and again from the build cache
        report = build(site)
        assert report.ok and report.articles == 6
        assert sorted(report.warnings) == expected
    # Meant: described, it is said no more.
    (site / "sitegen.toml").write_text(config + '[authors.sam-okafr]\nname = "Sam Okafr"\n')
    report = build(site)
    assert report.ok and [w for w in report.warnings if "'sam-okafr'" in w or "'Sam Okafr'" in w] == []


@pytest.mark.parametrize("value", ["{name: x}", "[[a]]"])
def test_author_must_be_a_name_or_a_list_of_names(tmp_path: Path, value: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: A\ndate: 2024-05-01T09:00:00+00:00\nauthor: {value}\n---\n\nBody.\n", encoding="utf-8")
    record = parse_file(str(path), Config(), Converter())[1]
    assert (record.error, record.line) == ("author: must be a name or a list of names, e.g. [Jane Doe, Sam Lee]", 4)


QUOTE_IT = "but YAML reads yes, no, on, off, true and false as true or false: put such a word in quotes (\"No\")"
EMPTY_ITEM = "but an item is empty (YAML reads ~ and null as nothing too): write it, or remove it"


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("tags:\n- Sweden\n- No", f"tags: must be a list of names, e.g. [politics, asia], {QUOTE_IT}"),
        ("tags: [Town, on]", f"tags: must be a list of names, e.g. [politics, asia], {QUOTE_IT}"),
        ("tags:\n- Town\n-", f"tags: must be a list of names, e.g. [politics, asia], {EMPTY_ITEM}"),
        ("tags: [Town, ~]", f"tags: must be a list of names, e.g. [politics, asia], {EMPTY_ITEM}"),
        ("author: [Jane Doe, no]", f"author: must be a name or a list of names, e.g. [Jane Doe, Sam Lee], {QUOTE_IT}"),
        ("author: true", f"author: must be a name or a list of names, e.g. [Jane Doe, Sam Lee], {QUOTE_IT}"),
        ("related: [Yes]", f"related: must be a list of headlines, {QUOTE_IT}"),
        ("aliases: [old/, null]", f"aliases: must be a list of paths, e.g. [2019/old-story/], {EMPTY_ITEM}"),
        # Not a list at all: a tag, headline or alias YAML reads as false was taken for none.
        ("tags: no", f"tags: must be a list of names, e.g. [politics, asia], {QUOTE_IT}"),
        ("related: off", f"related: must be a list of headlines, {QUOTE_IT}"),
        ("aliases: false", f"aliases: must be a list of paths, e.g. [2019/old-story/], {QUOTE_IT}"),
    ],
)
def test_a_list_item_yaml_reads_as_no_text_is_named_with_what_to_write(tmp_path: Path, written: str, said: str) -> None:
    """``tags: [Sweden, No]`` is a list of names as the editor reads it; YAML reads Norway's
    code as false. "must be a list of names" alone left them looking for what was wrong."""
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: A\ndate: 2024-05-01T09:00:00+00:00\n{written}\n---\n\nBody.\n", encoding="utf-8")
    record = parse_file(str(path), Config(), Converter())[1]
    assert (record.error, record.line) == (said, 4)


@pytest.mark.parametrize("written", ["tags:", "tags: []", 'tags: ""', "related:", "aliases: []"])
def test_a_list_written_empty_is_none(tmp_path: Path, written: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: A\ndate: 2024-05-01T09:00:00+00:00\n{written}\n---\n\nBody.\n", encoding="utf-8")
    record = parse_file(str(path), Config(), Converter())[1]
    assert not record.error and record.article is not None
    assert (record.article.tags, record.article.related, record.article.aliases) == ((), (), ())


def test_an_updated_date_before_the_date_is_a_warning_naming_its_line(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", updated="'2024-04-01T09:00:00+00:00'"), "b.md": article_md("B", updated="'2024-06-01T09:00:00+00:00'")})
    report = build(site)
    assert report.ok and report.articles == 2
    assert [w for w in report.warnings if "updated" in w] == [
        f"{site / 'content' / 'a.md'}:4: updated 2024-04-01T09:00:00+00:00 is before date 2024-05-01T09:00:00+00:00; the date is used"
    ]
    atom = (site / "output" / "atom.xml").read_text()
    assert "<updated>2024-05-01T09:00:00+00:00</updated>" in atom and "<updated>2024-06-01T09:00:00+00:00</updated>" in atom


def test_front_matter_that_is_not_plain_is_loaded_by_yaml_once_a_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_file reads the seed hash and the article from the same front matter."""
    path = tmp_path / "a.md"
    # draft: false is a boolean, which the plain reading leaves to YAML.
    path.write_text("---\ntitle: A\ndate: 2024-05-01T09:00:00+00:00\ntags: [World, Asia]\ndraft: false\nseed_hash: sha256:00\n---\n\nText.\n")
    loads = []
    load = yaml.load

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(args[0])
        return load(*args, **kwargs)

    monkeypatch.setattr(yaml, "load", counted)
    _, record = parse_file(str(path), Config(), Converter())
    assert record.article is not None and sorted(t.name for t in record.article.tags) == ["Asia", "World"]
    assert record.seed_hash == "sha256:00" and len(loads) == 1


def test_a_body_starting_with_an_indented_code_block_keeps_it(make_site: MakeSite) -> None:
    body = "    code line 1\n    code line 2\n\nText."
    site = make_site(content={"code.md": article_md("Code", body=body), "tab.md": article_md("Tab", body="\n\n\tone tab in\n\nText.")})
    report = build(site)
    assert report.ok and report.articles == 2
    for slug, code in (("code", "code line 1\ncode line 2\n"), ("tab", "one tab in\n")):
        page = lxml_html.fromstring((site / "output" / "2024" / "05" / slug / "index.html").read_bytes())
        body = page.xpath("//div[@class='body']")[0]
        assert [child.tag for child in body] == ["pre", "p"]
        assert body.xpath("pre/code/text()") == [code] and body.xpath("p/text()") == ["Text."]


# Content hashes of bodies that do not start with code, as builds made them before the
# first line's indentation was kept (and before the text as written was hashed, not its
# HTML): an article already out must not show as updated.
PUBLISHED_HASHES = {
    "plain": ("Text.", "sha256:c4fe020a56cb6fc752d4959f3302f6daf157aa156ca92ce82511c1faf3be353e"),
    "markup": ("# Heading\n\nSome *em* text.\n\n    code in the middle\n\n- a\n- b", "sha256:78fce7c5170e1dbf183c0260fbdae9743e265d12cab898f173e8a1096f010d5d"),
    "blank-lines": ("\n\n \n\t\nAfter blank lines.   \n\n  ", "sha256:77cbc31bfc2057f69c35579cbeed4aa0076f4edd6b387522b9c97cb093f4bce3"),
    "shallow": ("  # Indented less than code\n\nText.", "sha256:4c909b89032eb42af713d8caf4f0605f1070b9b70fd059de8fe818946f457728"),
    "html": ('<div class="box">Boxed</div>\n\nText.', "sha256:90176e8aa3a6f5e18d9f3b227f2c62f6f9cb4090e08199447a73d192cb3334eb"),
    # As summaries were before they left figures out (the caption opened them): no news.
    "figure": (
        '![A crane at dawn](https://example.org/crane.jpg "The port at 6 a.m. Photo: J. Doe")\n\nThe harbour opened on Monday.',
        "sha256:dafdaca11aa425e54b155dd12a7f0b7fbc8d4e74959e689c97ca77db6de11878",
    ),
    "figure-code": (
        '<figure>\n<img src="https://example.org/chart.png" alt="A chart">\n<figcaption>Votes by ward</figcaption>\n</figure>\n\nThe count:\n\n    ward 1: 20',
        "sha256:f187264d3b7a0f046b93e61f1aba8558d5967eef431190259c3e1a60f4f5b8dc",
    ),
    # As summaries were before they left tables out (their cells opened them): no news.
    "table": ("| Road | Status |\n| --- | --- |\n| A39 | Closed |\n\nThe coast road is shut.", "sha256:689f6fef898ceb5f94a208ca319d806e13b324c79095927c7ffa50060e79399b"),
    "table-code": ("| Ward | Votes |\n| --- | --- |\n| 1 | 20 |\n\nThe count:\n\n    ward 1: 20", "sha256:b59cb2195c76e59b2d96dd25af9d961ae9495a0e10c1fec04d28eeac4a8b33ad"),
    # As summaries were before they ended at a <!--more--> divider (they went on past it): no news.
    "more": (
        "Polls have closed in every ward.\n\n<!--more-->\n\nThe first result is due at 1 a.m.",
        "sha256:02edc858d8d7b61818a116d9e31710ce5afe73f6bd84282fb237c96abcd57b0c",
    ),
}


def test_bodies_not_starting_with_code_hash_as_they_did(make_site: MakeSite) -> None:
    site = make_site(content={f"{name}.md": article_md(name.title(), body=body) for name, (body, _) in PUBLISHED_HASHES.items()})
    report = build(site)
    assert report.ok and report.articles == len(PUBLISHED_HASHES)
    for name, (_, expected) in PUBLISHED_HASHES.items():
        record = parse_file(str(site / "content" / f"{name}.md"), Config(), Converter())[1]
        assert record.article is not None and record.article.html_hash == expected, name
        assert record.article.content_hash.startswith("text:"), name


def test_a_summary_worked_out_from_the_text_leaves_its_tables_out(make_site: MakeSite) -> None:
    """A table's cells run together as a sentence ("Road Status A39 Closed B3301 Open") were
    the summary of a story that opens with one, or its middle, on the front page, in every
    feed and in the meta description. A text that is only a table is summed up by its cells,
    its only words; a summary in the front matter is kept as written."""
    table = "| Road | Status |\n| --- | --- |\n| A39 | Closed |\n| B3301 | Open |"
    site = make_site(
        content={
            "first.md": article_md("First", body=f"{table}\n\nThe coast road is shut.\n\nMore later."),
            "middle.md": article_md("Middle", date="2024-05-02T09:00:00+00:00", body=f"Heavy rain fell.\n\n{table}\n\nPolice closed it."),
            "only.md": article_md("Only", date="2024-05-03T09:00:00+00:00", body=table),
            "own.md": article_md("Own", date="2024-05-04T09:00:00+00:00", body=f"{table}\n\nText.", summary="'Roads, as written.'"),
        }
    )
    assert build(site).ok
    out = site / "output"
    expected = {
        "First": "The coast road is shut. More later.",
        "Middle": "Heavy rain fell. Police closed it.",
        "Only": "Road Status A39 Closed B3301 Open",
        "Own": "Roads, as written.",
    }
    _assert_summaries_everywhere(out, expected)
    for slug in ("first", "middle"):
        page = lxml_html.fromstring((out / "2024" / "05" / slug / "index.html").read_bytes())
        assert page.xpath("//meta[@name='description']/@content") == [expected[slug.title()]], slug
        # Still the opening of the text (no standfirst repeating it), and the table is on the page.
        assert page.xpath("//p[@class='standfirst']") == [] and page.xpath("//div[@class='body']//td"), slug


def _assert_summaries_everywhere(out: Path, expected: dict[str, str]) -> None:
    """Each article's summary (by title) as the front page's cards, Atom, RSS and JSON Feed show it."""
    front = lxml_html.fromstring((out / "index.html").read_bytes())
    assert {card.xpath("string(.//h2)").strip(): card.xpath("string(.//p[@class='summary'])") for card in front.xpath("//article")} == expected
    for name in ("atom.xml", "rss.xml"):
        assert {e.title: e.summary for e in feedparser.parse((out / name).read_bytes()).entries} == expected, name
    assert {i["title"]: i["summary"] for i in json.loads((out / "feed.json").read_text())["items"]} == expected


def test_a_summary_worked_out_from_the_text_leaves_its_headings_out(make_site: MakeSite) -> None:
    """A heading ran into the sentences around it as one ("in the post. What happens next A
    successor will be named"), on the front page, in every feed and in the meta description.
    A text that is only headings is summed up by them, its only words."""
    site = make_site(
        content={
            "middle.md": article_md("Middle", body="The harbour master resigned.\n\n## What happens next\n\nA successor will be named."),
            "first.md": article_md("First", date="2024-05-02T09:00:00+00:00", body="## Background\n\nThe quay opened in 1990."),
            "only.md": article_md("Only", date="2024-05-03T09:00:00+00:00", body="## Live updates to follow"),
        }
    )
    assert build(site).ok
    out = site / "output"
    expected = {
        "Middle": "The harbour master resigned. A successor will be named.",
        "First": "The quay opened in 1990.",
        "Only": "Live updates to follow",
    }
    _assert_summaries_everywhere(out, expected)
    for slug in ("middle", "first"):
        page = lxml_html.fromstring((out / "2024" / "05" / slug / "index.html").read_bytes())
        assert page.xpath("//meta[@name='description']/@content") == [expected[slug.title()]], slug
        # Still the opening of the text (no standfirst repeating it), and the heading is on the page.
        assert page.xpath("//p[@class='standfirst']") == [] and page.xpath("//div[@class='body']//h3"), slug


def test_a_summary_worked_out_from_the_text_ends_at_a_more_divider(make_site: MakeSite) -> None:
    """Hugo's and Jekyll's summary divider, <!--more-->, says where an article brought from them
    is summed up: its summary went on past it into the text the writer kept for the page, on
    the front page, in every feed and in the meta description. The page still shows all of it."""
    site = make_site(
        content={
            "fold.md": article_md("Fold", body="Polls have closed.\n\nTurnout was high.\n\n<!--more-->\n\nThe first result is due at 1 a.m."),
            "inline.md": article_md("Inline", date="2024-05-02T09:00:00+00:00", body="The count goes on. <!--more--> Recounts are likely."),
            "top.md": article_md("Top", date="2024-05-03T09:00:00+00:00", body="<!--more-->\n\nNothing above the divider."),
        }
    )
    assert build(site).ok
    out = site / "output"
    expected = {"Fold": "Polls have closed. Turnout was high.", "Inline": "The count goes on.", "Top": "Nothing above the divider."}
    _assert_summaries_everywhere(out, expected)
    page = lxml_html.fromstring((out / "2024" / "05" / "fold" / "index.html").read_bytes())
    assert page.xpath("//meta[@name='description']/@content") == [expected["Fold"]]
    # The summary is how the text begins: no standfirst repeats it, and the whole text is there.
    assert page.xpath("//p[@class='standfirst']") == []
    assert [p.text_content() for p in page.xpath("//div[@class='body']/p")] == ["Polls have closed.", "Turnout was high.", "The first result is due at 1 a.m."]


def test_a_more_divider_after_a_picture_a_table_a_heading_or_code_alone_is_read_past(make_site: MakeSite) -> None:
    """Hugo's posts often open with a picture, then <!--more-->: the summary was the photo's
    caption and credit, a table's cells or a heading, which a summary leaves out, and with
    only code above the divider it was empty (no meta description, an empty summary in every
    feed). What is above the divider sums the article up only when a summary reads words
    there; else the text is summed up as any."""
    figure = '![A crane at dawn](https://example.org/crane.jpg "The port at 6 a.m. Photo: J. Doe")'
    site = make_site(
        content={
            "figure.md": article_md("Figure", body=f"{figure}\n\n<!--more-->\n\nThe harbour opened on Monday."),
            "table.md": article_md("Table", date="2024-05-02T09:00:00+00:00", body="| Road | Status |\n| --- | --- |\n| A39 | Closed |\n\n<!--more-->\n\nThe coast road is shut."),
            "code.md": article_md("Code", date="2024-05-03T09:00:00+00:00", body="```\nmake all\n```\n\n<!--more-->\n\nThe build runs nightly."),
            "heading.md": article_md("Heading", date="2024-05-04T09:00:00+00:00", body="## Background\n\n<!--more-->\n\nThe quay opened in 1990."),
            "after.md": article_md("After", date="2024-05-05T09:00:00+00:00", body=f"{figure}\n\nThe harbour opened.\n\n<!--more-->\n\nCranes came back."),
        }
    )
    assert build(site).ok
    out = site / "output"
    expected = {
        "Figure": "The harbour opened on Monday.",
        "Table": "The coast road is shut.",
        "Code": "The build runs nightly.",
        "Heading": "The quay opened in 1990.",
        "After": "The harbour opened.",
    }
    _assert_summaries_everywhere(out, expected)
    page = lxml_html.fromstring((out / "2024" / "05" / "code" / "index.html").read_bytes())
    assert page.xpath("//meta[@name='description']/@content") == [expected["Code"]]


def test_a_published_article_with_no_text_is_a_warning_naming_the_file(make_site: MakeSite) -> None:
    """Its entry would go into every feed empty, and readers keep what they have seen."""
    empty = "---\ntitle: Empty\ndate: '2024-05-01T09:00:00+00:00'\n---\n\n  \n"
    draft = "---\ntitle: Later\ndate: '2024-05-01T09:00:00+00:00'\ndraft: true\n---\n"
    site = make_site(content={"empty.md": empty, "draft.md": draft, "full.md": article_md("Full")})
    report = build(site)
    assert report.ok and report.articles == 2 and report.drafts == 1
    assert report.warnings == [
        f"{site / 'content' / 'empty.md'}:4: no text after the front matter: its page and feed entries are empty"
        " (write the text, or add 'draft: true' until it is ready)"
    ]
    # A preview of drafts says nothing of a draft still being written.
    assert [w for w in build(site, overrides={"drafts": True}).warnings if "draft.md" in w] == []


def test_tags_keep_the_order_they_are_written_in(make_site: MakeSite) -> None:
    """The first tag is the section the page, its card and "More in" name: the editor's
    choice, not the alphabet's. A name given twice (in any case) counts once, where it came first."""
    site = make_site(content={"a.md": article_md("A", tags="[Transport, Business, transport, Arts]"), "b.md": article_md("B", tags="[Business, Transport]")})
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//p[@class='kicker']/a/text()") == ["Transport"]
    assert page.xpath("//p[@class='tags']/a/text()") == ["Transport", "Business", "Arts"]
    assert page.xpath("//section[@class='more']/h2/a/@href") == ["/tags/transport/"]


def test_a_date_written_in_arabic_indic_or_persian_digits_is_read(make_site: MakeSite) -> None:
    """As an Arabic or Persian keyboard types it: '٢٠٢٤-١٠-٠٥T10:00:00+03:00' was "not an ISO
    8601 date", with an example that reads the same, and the story was left out."""
    content = {
        "a.md": article_md("الموازنة", date="٢٠٢٤-١٠-٠٥T١٠:٠٠:٠٠+٠٣:٠٠"),
        "b.md": article_md("الليرة", date="۲۰۲۴-۱۰-۰۶ ۰۹:۳۰"),
    }
    site = make_site(content=content, config='language = "ar"\ntimezone = "Asia/Beirut"\n')
    report = build(site)
    assert report.ok, report.errors
    assert report.warnings == [
        f"{site / 'content' / 'b.md'}:3: date '۲۰۲۴-۱۰-۰۶ ۰۹:۳۰' gives no UTC offset, so it was read in the site's timezone"
        " (Asia/Beirut): write it as 2024-10-06T09:30:00+03:00"
    ]
    for name, written in (("a", "2024-10-05T10:00:00+03:00"), ("b", "2024-10-06T09:30:00+03:00")):
        page = lxml_html.fromstring((site / "output" / "2024" / "10" / name / "index.html").read_bytes())
        assert page.xpath("//header[@class='article-header']//time/@datetime") == [written]


@pytest.mark.parametrize("written", ["[طاقة، لبنان]", "طاقة، لبنان", "[طاقة، لبنان, مصر]", "'طاقة، لبنان، مصر'"])
def test_tags_written_with_the_arabic_comma_are_each_a_tag(make_site: MakeSite, written: str) -> None:
    """YAML parts a list's items at ASCII commas only, and an Arabic keyboard types "،":
    [طاقة، لبنان] was one tag 'طاقة، لبنان' (tags/tq-lbnn/), and neither tag had the article."""
    site = make_site(content={"a.md": article_md("الكهرباء", tags=written)}, config='language = "ar"\n')
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    expected = ["طاقة", "لبنان", "مصر"] if "مصر" in written else ["طاقة", "لبنان"]
    assert page.xpath("//p[@class='tags']/a/text()") == expected
    assert page.xpath("//p[@class='tags']/a/@href") == ["/tags/tq/", "/tags/lbnn/", "/tags/msr/"][: len(expected)]


def test_a_quoted_tag_keeps_its_ascii_comma(make_site: MakeSite) -> None:
    """Within a YAML list, a comma is part of a name only where the writer quoted it."""
    site = make_site(content={"a.md": article_md("A", tags="['Paris, Texas', Arts]")})
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//p[@class='tags']/a/text()") == ["Paris, Texas", "Arts"]


def test_an_article_keeps_at_most_thirty_bylines_and_a_hundred_aliases_and_says_so(make_site: MakeSite) -> None:
    """Each byline is a page and feeds naming every byline, each alias a page: 2,000 bylines
    in one small file took 337 s and wrote 1.3 GB, 20,000 aliases 60,000 files."""
    from sitegen.content import MAX_ALIASES, MAX_AUTHORS

    names = ", ".join(f"Writer {i}" for i in range(200))
    aliases = ", ".join(f"old/{i}/" for i in range(500))
    site = make_site(content={"a.md": article_md("A", author=f"[{names}]", aliases=f"[{aliases}]")})
    report = build(site)
    assert report.ok
    where = site / "content" / "a.md"
    assert report.warnings == [
        f"{where}:4: 200 bylines, the first {MAX_AUTHORS} kept (each is a page and feeds, and every page of the article names them all)",
        f"{where}:5: 500 aliases, the first {MAX_ALIASES} kept (each is a page)",
    ], report.warnings
    authors = sorted(p.name for p in (site / "output" / "authors").iterdir() if p.is_dir())
    assert len(authors) == MAX_AUTHORS and "writer-0" in authors and "writer-199" not in authors
    assert (site / "output" / "old" / "0" / "index.html").is_file() and (site / "output" / "old" / "99" / "index.html").is_file()
    assert not (site / "output" / "old" / "100").exists()


def test_two_tags_of_one_address_are_named_not_merged_in_silence(make_site: MakeSite) -> None:
    """``C++``, ``C`` and ``c#`` all slug to ``c``: the article kept one and lost the others
    without a word. Names meant as one (case, accents, spacing) are still merged quietly."""
    site = make_site(
        content={
            "a.md": article_md("A", tags="['C++', 'C', 'c', 'c#', 'New York', 'new-york']"),
            "b.md": article_md("B", tags="[Économie, economie]"),
            "c.md": article_md("C", date="2024-04-01T09:00:00+00:00", tags="[c]"),
        }
    )
    report = build(site)
    assert report.ok
    a, c = site / "content" / "a.md", site / "content" / "c.md"
    assert report.warnings == [
        f"{a}:4: tags 'C++' and 'C' have one address (tags/c/): 'C' is dropped; rename one of them, or give it an address of its own in sitegen.toml ([tags.<slug>] with name = \"C\")",
        f"{a}:4: tags 'C++' and 'c#' have one address (tags/c/): 'c#' is dropped; rename one of them, or give it an address of its own in sitegen.toml ([tags.<slug>] with name = \"c#\")",
        # The other file as every message names one: from the site's folder, on any machine.
        f"{c}: tag 'c' has the address of tag 'C++' (content/a.md), tags/c/: the two are listed as one tag; rename one, or give one an address of its own"
        " in sitegen.toml ([tags.<slug>] with its name), to keep them apart",
    ], report.warnings
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//p[@class='tags']/a/text()") == ["C++", "New York"]
    # Renamed apart, each has its own page, and nothing is said.
    (site / "content" / "a.md").write_text(article_md("A", tags="['C plus plus', 'C', 'C sharp']"))
    (site / "content" / "c.md").write_text(article_md("C", tags="[C]"))
    again = build(site)
    assert again.ok and again.warnings == []
    assert {"c", "c-plus-plus", "c-sharp"} <= {p.name for p in (site / "output" / "tags").iterdir()}


def test_a_tags_table_gives_a_tag_the_address_the_site_chooses(make_site: MakeSite) -> None:
    """Transliterated, قطر (Qatar) and قطار (train) are both ``qtr``, C++ and C# both ``c``:
    one of each pair was dropped from every article that had both, and a newsroom cannot
    rename a country. ``[tags.<slug>]`` gives a tag its address, whatever its spelling in
    articles (case, accents and spacing aside), for sections too; the others keep theirs."""
    config = '[tags.qatar]\nname = "قطر"\n\n[tags.c-sharp]\nname = "c#"\n\n[tags.trains]\nname = "Trians"\n'
    site = make_site(
        content={
            "a.md": article_md("A", tags="['قطر', 'قطار', 'C++', 'C#']"),
            "b.md": article_md("B", date="2024-04-01T09:00:00+00:00", tags="['قطار']"),
        },
        config='sections = ["قطر"]\n' + config,
    )
    report = build(site)
    # A table whose name no tag has (a slip) does nothing: said at its line.
    assert report.ok and report.warnings == [
        f"{site / 'sitegen.toml'}:8: tags.trains: no article out has the tag 'Trians', which the table gives an address"
    ], report.warnings
    out = site / "output" / "tags"
    assert {p.name for p in out.iterdir() if p.is_dir()} == {"qatar", "qtr", "c-sharp", "c"}
    titles = {slug: lxml_html.fromstring((out / slug / "index.html").read_bytes()).xpath("//main//h2/a/text()") for slug in ("qatar", "qtr", "c-sharp", "c")}
    assert titles == {"qatar": ["A"], "qtr": ["A", "B"], "c-sharp": ["A"], "c": ["A"]}
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//p[@class='tags']/a/text()") == ["قطر", "قطار", "C++", "C#"]
    assert page.xpath("//nav//a[text()='قطر']/@href")[0].endswith("tags/qatar/")
    # The table dropped, the two names share one address again, and the build says so.
    (site / "sitegen.toml").write_text('sections = ["قطر"]\n', encoding="utf-8")
    again = build(site)
    assert again.ok and any("tags 'قطر' and 'قطار' have one address (tags/qtr/)" in w for w in again.warnings), again.warnings
    # Their pages are gone; their feeds stay, for their subscribers, as any tag's do.
    assert not (out / "qatar" / "index.html").exists() and (out / "qatar" / "atom.xml").is_file()


def test_a_tags_table_that_takes_another_tags_address_is_named_as_the_clash(make_site: MakeSite) -> None:
    """``[tags.c]`` gives C# the address C has by its name: the two were one tag, and the
    warnings told the site to give C# a table of its own, the very table that made the
    clash. They name the table and say to choose it another slug."""
    site = make_site(
        content={
            "a.md": article_md("A", tags="['C', 'C#']"),
            "b.md": article_md("B", date="2024-04-01T09:00:00+00:00", tags="['C#']"),
        },
        config='[tags.c]\nname = "C#"\n',
    )
    report = build(site)
    assert report.ok
    a, b = site / "content" / "a.md", site / "content" / "b.md"
    said = "[tags.c] of sitegen.toml gives 'C#' the address 'C' has by its name: choose another slug for the table"
    assert report.warnings == [
        f"{a}:4: tags 'C' and 'C#' have one address (tags/c/): 'C#' is dropped; {said}",
        f"{b}: tag 'C#' has the address of tag 'C' (content/a.md), tags/c/: the two are listed as one tag; {said}",
    ], report.warnings
    # Another slug for the table, and each has its page, with nothing said.
    (site / "sitegen.toml").write_text('[tags.c-sharp]\nname = "C#"\n')
    again = build(site)
    assert again.ok and again.warnings == [], again.warnings
    assert {"c", "c-sharp"} <= {p.name for p in (site / "output" / "tags").iterdir()}


def test_a_tag_with_no_letter_has_an_address_of_its_own_not_the_tag_article_s(make_site: MakeSite) -> None:
    """Slugify keeps nothing of "!!!" or "???": every such tag was given the address
    tags/article/, the one a tag "Article" has. Each now has its own, as a byline does, and
    a section named so finds it."""
    site = make_site(
        content={
            "a.md": article_md("A", tags="['!!!', Article]"),
            "b.md": article_md("B", date="2024-04-01T09:00:00+00:00", tags="['???', '!!!']"),
        },
        config='sections = ["!!!"]\n',
    )
    report = build(site)
    assert report.ok and report.warnings == [], report.warnings
    tags = site / "output" / "tags"
    index = lxml_html.fromstring((tags / "index.html").read_bytes())
    links = {a.text_content().strip(): a.get("href") for a in index.xpath("//main//a[contains(@href, 'tags/')]")}
    assert {"!!!", "???", "Article"} <= set(links) and len({links["!!!"], links["???"], links["Article"]}) == 3, links
    bang = lxml_html.fromstring((tags / links["!!!"].split("tags/", 1)[1] / "index.html").read_bytes())
    assert sorted(bang.xpath("//main//h2/a/text()")) == ["A", "B"]
    article = lxml_html.fromstring((tags / "article" / "index.html").read_bytes())
    assert article.xpath("//main//h2/a/text()") == ["A"]
    # The masthead's section is the tag's page.
    home = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    assert links["!!!"].rstrip("/").endswith(home.xpath("//nav//a[text()='!!!']/@href")[0].rstrip("/").rsplit("/", 1)[-1])


def test_an_article_keeps_at_most_thirty_tags_and_says_so(make_site: MakeSite) -> None:
    """Each tag is a page and feeds listing the article with all its tags: a line of 600
    tags would make 600 pages of 600 links each. The first ones are kept, with a warning."""
    from sitegen.content import MAX_TAGS

    tags = ", ".join(f"t{i}" for i in range(200))
    site = make_site(content={"a.md": article_md("A", tags=f"[{tags}]")})
    report = build(site)
    assert report.ok
    assert report.warnings == [f"{site / 'content' / 'a.md'}:4: 200 tags, the first {MAX_TAGS} kept (each is a page and feeds that list the article)"]
    kept = sorted(p.name for p in (site / "output" / "tags").iterdir() if p.is_dir())
    assert len(kept) == MAX_TAGS and "t0" in kept and "t199" not in kept


def test_content_that_is_not_read_as_it_is_named_is_an_error_not_silence(make_site: MakeSite, tmp_path: Path) -> None:
    """``story.MD`` and a link to a folder of articles were skipped without a word (a seed
    named ``.TXT`` is warned of); a person meant them as articles."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text(article_md("Kept elsewhere"))
    site = make_site(content={"a.md": article_md("A")})
    (site / "content" / "Upper.MD").write_text(article_md("Upper"))
    (site / "content" / "linked").symlink_to(elsewhere, target_is_directory=True)
    report = build(site)
    assert sorted(str(e) for e in report.errors) == [
        f"{site / 'content' / 'Upper.MD'}: not read: content files end in .md, in lower case, not .MD; rename it",
        f"{site / 'content' / 'linked'}: is a symbolic link to a folder, whose files are not read: content files must be inside content/ itself",
    ]
    assert report.articles == 1 and not (site / "output" / "2024" / "05" / "kept-elsewhere").exists()
    # Put right: both are articles, and the build is clean.
    (site / "content" / "Upper.MD").rename(site / "content" / "upper.md")
    (site / "content" / "linked").unlink()
    again = build(site)
    assert again.ok and again.articles == 2


def test_html_nested_deeper_than_a_browser_builds_is_refused_at_once(make_site: MakeSite) -> None:
    """100,000 nested <div> (a 1 MB file) built for two minutes: the sanitiser's time grows
    with the square of the depth. Over the depth a browser builds, the file is an error."""
    from sitegen.text import MAX_DEPTH, nesting_depth

    deep = "<div>" * 100_000 + "x" + "</div>" * 100_000
    fine = "<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH
    assert nesting_depth(deep) > MAX_DEPTH and nesting_depth(fine) == MAX_DEPTH
    assert nesting_depth("<div/>" * 100_000) > MAX_DEPTH  # a div, whatever its slash
    # As a browser builds them: end tags HTML lets a text leave out are not depth.
    assert nesting_depth("<p>a<br>b<img src=x><hr/></p>" * 1000) == 1
    assert nesting_depth("<div>" + "<p>a paragraph" * 600 + "</div>") == 2
    assert nesting_depth("<ul>" + "<li>an item" * 700 + "</ul>") == 2
    assert nesting_depth("<table>" + "<tr><td>a<td>b" * 600 + "</table>") == 3
    site = make_site(
        content={
            "deep.md": article_md("Deep", body=deep),
            "slashes.md": article_md("Slashes", body="<div/>" * 50_000),
            "fine.md": article_md("Fine", body=fine),
            "long.md": article_md("Long", body="<div>\n" + "<p>A paragraph\n" * 700 + "</div>"),
        }
    )
    with no_spin(30):  # 2.6 s of work, where the sanitiser's took minutes (however busy the machine)
        report = build(site)
    said = f"its HTML nests elements more than {MAX_DEPTH} deep, as deep as a browser builds; simplify it"
    assert sorted(str(e) for e in report.errors) == [f"{site / 'content' / name}: {said}" for name in ("deep.md", "slashes.md")]
    assert report.articles == 2


def test_a_number_too_long_for_python_is_named_with_its_line(make_site: MakeSite) -> None:
    # Only a number tagged as one is a number: plain digits are text (below).
    site = make_site(content={"a.md": "---\ntitle: A\ndate: '2024-05-01T09:00:00+00:00'\nsummary: !!int " + "9" * 10_000 + "\n---\n\nText.\n"})
    [error] = build(site).errors
    assert str(error) == f"{site / 'content' / 'a.md'}:4: front matter has a value that cannot be read: a number of over 4,300 digits; put it in quotes if it is text"


def test_attribute_lists_are_sanitised_everywhere_too(make_site: MakeSite) -> None:
    """``{onclick=...}`` makes an attribute with no "<" in the text: sanitize_html =
    "everywhere" looked for "<" alone, and let it through."""
    body = '## Hello {onmouseover="alert(1)" #hello}\n\nText. {: onclick="alert(2)" }\n\n[link](https://x.org){onclick="alert(3)"}'
    site = make_site(content={"a.md": article_md("A", body=body)}, config='sanitize_html = "everywhere"\n')
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert [(e.tag, name) for e in page.iter() if isinstance(e.tag, str) for name in e.attrib if name.startswith("on")] == []
    assert page.xpath("//div[@class='body']/h3/@id") == ["hello"]  # an id is no script


def test_markdown_links_are_sanitised_everywhere_too(make_site: MakeSite) -> None:
    """Markdown's own links and pictures hold no "<" and no "{": sanitize_html = "everywhere"
    let ``[x](javascript:...)`` through to the page as a working link."""
    body = "Click [me](javascript:alert(1)), ![a picture](javascript:alert(2)) and [this][r].\n\nA claim[^1].\n\n[r]: data:text/html,x\n[^1]: The note."
    site = make_site(content={"a.md": article_md("A", body=body)}, config='sanitize_html = "everywhere"\n')
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    urls = page.xpath("//div[@class='body']//@href | //div[@class='body']//@src")
    assert urls == ["#fn:1", "#fnref:1"]  # the footnote and its mark still link to each other
    assert page.xpath("//div[@class='body']//*[@id='fn:1' or @id='fnref:1']/@id") == ["fnref:1", "fn:1"]
    assert check_output(site / "output", load_config(site)) == []


def test_heading_ids_keep_clear_of_every_id_the_themes_article_page_has() -> None:
    from sitegen.content import _PAGE_IDS
    from sitegen.theme import default_theme_dir

    written = set()
    for name in ("base.html", "article.html"):
        written |= set(re.findall(r'\bid="([^"{}]+)"', (default_theme_dir() / name).read_text()))
    assert written == _PAGE_IDS


def test_bidi_controls_are_removed_from_tags_bylines_and_related_headlines(make_site: MakeSite) -> None:
    """U+202E in a byline made it read backwards in feed readers' lists (a spoofed name), as
    it would in a title, from which such characters were already removed."""
    import feedparser

    meta = {"author": "'Eve\u202egnirts'", "tags": "['news\u202e', 'sp\u2067ort']", "related": "['Other \u202estory']"}
    site = make_site(content={"a.md": article_md("A", **meta)})
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    feed = feedparser.parse((out / "atom.xml").read_bytes())
    [entry] = feed.entries
    assert entry.author == "Evegnirts"
    assert sorted(t.label for t in entry.tags) == ["news", "sport"]
    page = (out / "2024" / "05" / "a" / "index.html").read_text()
    assert "Other story" in page
    for built in out.rglob("*"):
        if built.is_file() and built.suffix in (".html", ".xml", ".json"):
            text = built.read_text(encoding="utf-8")
            assert not any(c in text for c in "\u202e\u2067"), built


@pytest.mark.parametrize(
    ("text", "said", "line"),
    [
        ("+++\ntitle = 'A'\n+++\n\nText.\n", "front matter between '+++' lines (TOML) is not read: run `sitegen convert {path}` to write it in YAML between '---' lines (`sitegen convert` alone converts every such file of the site)", 1),
        ("\n\n---\ntitle: A\n---\n\nText.\n", "front matter must start on the first line: remove what comes before its '---' line", 3),
        ("Text.\n", "no front matter: start the file with a '---' line, then 'title: ...', then '---'", 1),
        ("Breaking: the mayor resigns.\n", "no front matter: start the file with a '---' line, then 'title: ...', then '---'", 1),
        (
            "Title: A\nDate: 2010-12-03 10:20\nTags: a, b\n\nText.\n",
            "metadata lines with no '---' lines around them (Title: ..., as Pelican writes them) are not read: run `sitegen convert {path}` to write it in YAML between '---' lines (`sitegen convert` alone converts every such file of the site)",
            1,
        ),
        ('{\n  "title": "A",\n  "date": "2024-05-01T09:00:00Z"\n}\n\nText.\n', "front matter in braces (JSON) is not read: run `sitegen convert {path}` to write it in YAML between '---' lines (`sitegen convert` alone converts every such file of the site)", 1),
        ("", "the file is empty: write its front matter ('---', 'title: ...', 'date: ...', '---') and its text, or delete it", 1),
        (" \n\n", "the file is empty: write its front matter ('---', 'title: ...', 'date: ...', '---') and its text, or delete it", 1),
    ],
    ids=["toml", "blank lines first", "none", "none, a word and a colon first", "pelican", "json", "empty", "blank"],
)
def test_front_matter_not_where_or_as_it_is_read_is_said_so(make_site: MakeSite, text: str, said: str, line: int) -> None:
    site = make_site(content={"a.md": article_md("Fine"), "b.md": text})
    report = build(site)
    path = site / "content" / "b.md"
    assert [(e.path, e.reason, e.line) for e in report.errors] == [(path, said.format(path=path), line)]
    assert report.articles == 1


@pytest.mark.parametrize("written", ["007", "0123", "12:30", "1_000", "3.10", "+12", "0x1F", ".inf"])
def test_a_value_yaml_would_read_as_a_number_is_the_text_written(make_site: MakeSite, written: str) -> None:
    """Front matter holds no numbers: YAML 1.1 read ``title: 12:30`` as 750 and ``007`` as 7,
    and the page showed that instead of what the editor wrote."""
    site = make_site(content={"a.md": f"---\ntitle: {written}\ndate: 2024-05-01T09:00:00Z\ntags: [{written}]\n---\n\nText.\n"})
    report = build(site)
    assert report.ok, report.errors
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//h1/text()") == [written]
    assert page.xpath("//p[@class='tags']/a/text()") == [written]


def test_a_hashtag_yaml_reads_as_a_comment_is_not_dropped_in_silence(make_site: MakeSite) -> None:
    """``title: Why #MeToo matters`` is "Why" to YAML (the rest is a comment), and
    ``title: #1 in the charts`` no title at all: the page showed a headline cut short, or
    the error asked for a title the line plainly has."""
    site = make_site(
        content={
            "cut.md": "---\ntitle: Why #MeToo matters\ndate: 2024-05-01T09:00:00Z\nsummary: Read #1 first\n---\n\nText.\n",
            "gone.md": "---\ntitle: #1 in the charts\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n",
            # A comment written as one ("# ...") is left alone.
            "meant.md": "---\ntitle: Storm  # a better headline?\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n",
            "quoted.md": "---\ntitle: 'Why #MeToo matters'\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n",
        }
    )
    report = build(site)
    cut, gone = site / "content" / "cut.md", site / "content" / "gone.md"
    assert [str(e) for e in report.errors] == [
        f"{gone}:2: title: YAML reads '#1 in the charts' as a comment, so this line gives no title; put it in quotes: title: \"#1 in the charts\""
    ]
    assert [w for w in report.warnings if "comment" in w] == [
        f"{cut}:2: title: YAML reads '#MeToo matters' as a comment and leaves it out (the title is 'Why'); put it in quotes to keep it: title: \"Why #MeToo matters\"",
        f"{cut}:4: summary: YAML reads '#1 first' as a comment and leaves it out (the summary is 'Read'); put it in quotes to keep it: summary: \"Read #1 first\"",
    ]
    assert report.articles == 3


def test_a_missing_title_or_date_names_the_key_written_for_it(make_site: MakeSite) -> None:
    """``Title:`` is not ``title:``: the error asked to add a title the file seemed to have,
    and the warning that names the misspelt key was never shown (the file failed first).
    Any case is named so (``TITLE``, ``DATE``); a page (``Page: true``) was told to add a
    date it never needs."""
    site = make_site(
        content={
            "a.md": "---\nTitle: Storm hits coast\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n",
            "b.md": "---\ntitle: Storm hits coast\nslug: b\nDate: 2024-05-01T09:00:00Z\n---\n\nText.\n",
            "c.md": "---\ntitle: Storm hits coast\nslug: c\n---\n\nText.\n",
            "d.md": "---\nTITLE: Storm hits coast\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n",
            "e.md": "---\ntitle: Storm hits coast\nslug: e\nDATE: 2024-05-01T09:00:00Z\n---\n\nText.\n",
            "about.md": "---\ntitle: About us\nPage: true\n---\n\nWho we are.\n",
        }
    )
    errors = sorted(str(e) for e in build(site).errors)
    a, b, c, d, e, about = (site / "content" / name for name in ("a.md", "b.md", "c.md", "d.md", "e.md", "about.md"))
    assert errors == [
        f"{a}:2: no title: 'Title' is not read: the key is 'title', in lower case",
        f"{about}:3: no date: 'Page' is not read, so this is an article, not a page: the key is 'page', in lower case",
        f"{b}:4: no date: 'Date' is not read: the key is 'date', in lower case",
        f"{c}:2: no date: add 'date: 2024-05-01T09:30:00+00:00' to the front matter",
        f"{d}:2: no title: 'TITLE' is not read: the key is 'title', in lower case",
        f"{e}:4: no date: 'DATE' is not read: the key is 'date', in lower case",
    ]


def test_a_jekyll_post_with_no_date_is_told_the_date_its_file_name_gives(make_site: MakeSite) -> None:
    """Jekyll dates a post by its file name (``2023-12-24-christmas-market.md``, at midnight
    in the site's zone), and most posts brought from it have no ``date`` line: the error
    offered 2024-05-01T09:30, a date the story never had, for the writer to copy into 2,000
    files. A name that gives no date (or an impossible one) is offered the example still."""
    site = make_site(
        config='timezone = "Europe/Berlin"\n',
        content={
            "2023-12-24-christmas-market.md": "---\nlayout: post\ntitle: Christmas market opens\n---\n\nText.\n",
            "2024-07-01-summer.markdown": "---\ntitle: Summer fair\n---\n\nText.\n",
            "2024-02-30-never.md": "---\ntitle: Never\n---\n\nText.\n",
            "undated.md": "---\ntitle: Undated\n---\n\nText.\n",
        },
    )
    report = build(site)
    jekyll, summer, never, undated = (site / "content" / n for n in ("2023-12-24-christmas-market.md", "2024-07-01-summer.markdown", "2024-02-30-never.md", "undated.md"))
    assert sorted(str(e) for e in report.errors) == [
        f"{jekyll}:2: no date: add 'date: 2023-12-24T00:00:00+01:00' to the front matter (the date its name gives, at midnight in Europe/Berlin, as Jekyll read it)",
        f"{never}:2: no date: add 'date: 2024-05-01T09:30:00+00:00' to the front matter",
        f"{summer}:2: no date: add 'date: 2024-07-01T00:00:00+02:00' to the front matter (the date its name gives, at midnight in Europe/Berlin, as Jekyll read it)",
        f"{undated}:2: no date: add 'date: 2024-05-01T09:30:00+00:00' to the front matter",
    ]
    assert report.articles == 0


def test_a_hugo_list_page_is_said_as_such_and_not_asked_for_a_date(make_site: MakeSite) -> None:
    """Hugo's ``_index.md`` lists its section, which sitegen does itself: copied over with the
    posts, it was told to add a date, and given one was published as a story titled "News"."""
    site = make_site(content={"_index.md": "---\ntitle: Home\ndate: 2024-05-01T09:00:00+00:00\n---\n\nWelcome.\n"})
    for name, text in (
        ("posts/_index.md", "---\ntitle: News\nsummary: All the latest news\n---\n"),
        ("posts/story.md", article_md("A story")),
        ("about/_index.md", "---\ntitle: About us\npage: true\n---\n\nWho we are.\n"),
    ):
        (site / "content" / name).parent.mkdir(exist_ok=True)
        (site / "content" / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    said = "list page of its folder, which sitegen makes itself (the front page, tags, archive): delete this file, or add 'page: true'"
    for name in ("posts/_index.md", "_index.md"):
        assert f"error: {site / 'content' / name}:2: Hugo's {said}" in result.output
    assert "no date" not in result.output
    built = site / "output"
    assert [p.parent.name for p in built.glob("2024/05/*/index.html")] == ["story"]
    # One made a page is built as one, named by its title as an index.md is.
    assert lxml_html.parse(built / "about-us" / "index.html").findtext(".//h1") == "About us"


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("date: [2024-05-01]", "[...] as a list"), ("updated: {day: 2024-05-02}", "{...} as a mapping"), ("date: yes", "yes, no, on, off, true and false as true or false")],
)
def test_a_date_yaml_reads_as_a_list_or_mapping_says_what_to_write(tmp_path: Path, written: str, read_as: str) -> None:
    """``date: [2024-05-01]`` was "not a date: ['2024-05-01']", in Python's words."""
    path = tmp_path / "a.md"
    date = "" if written.startswith("date") else "date: 2024-05-01T09:00:00+00:00\n"
    path.write_text(f"---\ntitle: A\n{date}{written}\n---\n\nBody.\n", encoding="utf-8")
    record = parse_file(str(path), Config(), Converter())[1]
    key = written.partition(":")[0]
    assert (record.error, record.line) == (f"{key}: must be one date, such as 2024-05-01T09:30:00+02:00, but YAML reads {read_as}", 3 if date == "" else 4)


def test_an_empty_date_or_draft_is_named_empty(make_site: MakeSite) -> None:
    """``date:`` with nothing after it was "not a date: None", in Python's words."""
    site = make_site(
        content={
            "a.md": "---\ntitle: A\ndate:\n---\n\nText.\n",
            "b.md": "---\ntitle: B\ndate: 2024-05-01T09:00:00Z\ndraft:\n---\n\nText.\n",
        }
    )
    a, b = site / "content" / "a.md", site / "content" / "b.md"
    assert sorted(str(e) for e in build(site).errors) == [
        f"{a}:3: date: is empty: write the date, such as 2024-05-01T09:30:00+02:00",
        f"{b}:4: draft: is empty: write true or false",
    ]
    # A draft may leave its date for later: it is not read until it is built.
    (site / "content" / "b.md").write_text("---\ntitle: B\ndate:\ndraft: true\n---\n\nText.\n")
    assert [str(e) for e in build(site).errors] == [f"{a}:3: date: is empty: write the date, such as 2024-05-01T09:30:00+02:00"]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("yes", 'title: must be text, but YAML reads yes, no, on, off, true and false as true or false: put the text in quotes: title: "yes"'),
        ("Off  # for now", 'title: must be text, but YAML reads yes, no, on, off, true and false as true or false: put the text in quotes: title: "Off"'),
        ("[Update]", 'title: must be text, but YAML reads [...] as a list: put the text in quotes: title: "[Update]"'),
        ("{Live}", 'title: must be text, but YAML reads {...} as a mapping: put the text in quotes: title: "{Live}"'),
    ],
)
def test_a_title_yaml_reads_as_something_else_says_how_to_write_it(make_site: MakeSite, written: str, said: str) -> None:
    """"title: must be text, not bool" said what was wrong in Python's words, not what to do."""
    site = make_site(content={"a.md": f"---\ntitle: {written}\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n"})
    assert [(e.reason, e.line) for e in build(site).errors] == [(said, 2)]


def test_a_link_to_another_content_file_is_a_warning_naming_its_line(make_site: MakeSite) -> None:
    """``[the earlier story](storm.md)`` works in an editor's preview and in no browser: the
    page went out with a link to nowhere, found by ``sitegen check`` at best."""
    body = "See [the earlier story](storm.md).\n\nAnd [the timeline](./world/timeline.markdown#day-1), [a manual](https://example.org/read.md), [one of ours](/readme.md)."
    site = make_site(content={"a.md": article_md("A", body=body), "storm.md": article_md("Storm", slug="storm")})
    report = build(site)
    a = site / "content" / "a.md"
    said = "in the text, left as written: a content file is not published; link to the article's address instead (as its page shows it)"
    assert [w for w in report.warnings if "content file" in w] == [
        f"{a}:6: link 'storm.md' {said}",
        f"{a}:8: link './world/timeline.markdown#day-1' {said}",
    ]
    assert report.ok and report.articles == 2



def test_a_picture_that_cannot_be_shown_written_again_is_warned_of_at_each_line(make_site: MakeSite) -> None:
    """A photo desk reuses a picture down a story; one missing (or an SVG) is said where each
    use is written, so each can be found and put right: every warning named the first line."""
    body = "Lead.\n\n![Gone](gone.jpg)\n\nThen [the chart](chart.svg).\n\n![Gone again](gone.jpg \"The same\")\n\n<img src=\"chart.svg\" alt=\"Chart\">\n\nEnd ![x](gone.jpg)."
    site = make_site(content={"a.md": article_md("A", body=body)})
    report = build(site)
    a = site / "content" / "a.md"
    assert [w.split(": ", 2)[0:2] for w in report.warnings] == [
        [f"{a}:8", "image 'gone.jpg' in the text, left as written"],
        [f"{a}:10", "SVG 'chart.svg' in the text, left as written"],
        [f"{a}:12", "image 'gone.jpg' in the text, left as written"],
        [f"{a}:14", "SVG 'chart.svg' in the text, left as written"],
        [f"{a}:16", "image 'gone.jpg' in the text, left as written"],
    ], report.warnings
    assert report.ok and report.articles == 1

@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('Lead.\n\n<div class="note">\nA note with no end.\n\nMore words.', '<div class="note"> is never closed'),
        ("Lead.\n\n<table><tr><td>A cell\n\nMore words.", "<table> is never closed"),
        ('Lead.\n\n<iframe src="https://www.youtube.com/embed/x" title="Video">\n\nMore words.', "<iframe src="),
        ('Lead.\n\n<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">\n\nMore words.', "<script async src="),
        ("Lead, with <b>bold words.\n\nMore words.", "<b> is never closed"),
        ("Lead.\n\n</div></div></article></main>\n\nMore words.", "</div> closes no element the text opened"),
    ],
)
def test_raw_html_left_open_or_closed_too_often_keeps_to_the_articles_body(make_site: MakeSite, body: str, said: str) -> None:
    # The page around the text is the theme's: an element the text leaves open would take in
    # its tags, "More in", article nav and footer (an <iframe> or <script> hides them all), and
    # an end tag too many would close the article early. Mended, and the editor told where.
    others = {f"o{n}.md": article_md(f"Other {n}", date=f"2024-04-0{n}T09:00:00+00:00", tags="[world]") for n in range(1, 3)}
    site = make_site(content={"a.md": article_md("Story", body=body, tags="[world]"), **others})
    report = build(site)
    assert report.ok
    assert any(w.startswith(f"{site / 'content' / 'a.md'}:") and w.split(": ", 1)[1].startswith(said) for w in report.warnings), report.warnings
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    (body_div,) = page.xpath("//div[@class='body']")
    for kept_out in ("//footer[@class='site-footer']", "//p[@class='tags']", "//section[@class='more']", "//nav[@class='article-nav']"):
        (element,) = page.xpath(kept_out)
        assert body_div not in element.iterancestors() and element.xpath("ancestor::b") == []
    assert [e.tag for e in page.xpath("//footer")[0].iterancestors()] == ["body", "html"]
    assert page.xpath("//p[@class='tags']")[0].getparent().tag == "article"
    assert "Lead" in body_div.text_content()


def test_balanced_raw_html_is_published_as_written(make_site: MakeSite) -> None:
    body = '<figure><img src="https://example.org/a.jpg" alt="A"><figcaption>A caption</figcaption></figure>\n\n<table><tr><td>a<td>b</tr></table>\n\n<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>'
    site = make_site(content={"a.md": article_md("Story", body=body)})
    report = build(site)
    assert report.warnings == []
    assert '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>' in (site / "output" / "2024" / "05" / "a" / "index.html").read_text()


# Elements whose content a browser never shows as words.
_HIDDEN = frozenset(("script", "style", "template", "iframe", "noscript", "noembed", "noframes", "object", "title", "textarea"))


def _shown(element: Any) -> str:
    """The words a browser shows of ``element``: not what a <script> or an <iframe> holds."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node.tag, str) and node.tag.lower() not in _HIDDEN:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        parts.append(node.tail or "")

    parts.append(element.text or "")
    for child in element:
        walk(child)
    return " ".join("".join(parts).split())


def _bodies(site: Path, path: str = "2024/05/a/") -> dict[str, Any]:
    """The article's text as the page shows it and as each feed carries it (the only article
    of ``site``), parsed: Atom and RSS as feedparser reads them, JSON Feed's content_html."""
    out = site / "output"
    page = lxml_html.fromstring((out / path / "index.html").read_bytes())
    (body,) = page.xpath("//div[@class='body']")
    found = {"page": body}
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((out / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        (entry,) = feed.entries
        found[name] = lxml_html.fragment_fromstring(entry.content[0].value, create_parent="div")
    (item,) = json.loads((out / "feed.json").read_text())["items"]
    found["feed.json"] = lxml_html.fragment_fromstring(item["content_html"], create_parent="div")
    return found


@pytest.mark.parametrize(
    ("opening", "said"),
    [
        ("<p>The minister resigned on Monday.", "<p>"),
        ('<p class="dateline">LONDON —', '<p class="dateline">'),
        ('<div class="factbox">\n<p>Three ministers have resigned this year.', '<div class="factbox">'),
        ('<iframe src="https://www.youtube.com/embed/x" title="The interview">', '<iframe src="https://www.youtube.com/embed/x" title="The interview">'),
        ('<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">', '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">'),
    ],
)
def test_a_block_of_raw_html_left_open_takes_in_none_of_the_markdown_after_it(make_site: MakeSite, opening: str, said: str) -> None:
    """Python-Markdown read a block of raw HTML that starts with a tag to the end tag closing
    it: with none, to the end of the file. Everything after it was HTML, not Markdown: its
    <https://...> link and <desk@...> address vanished as unknown tags, its heading and
    emphasis showed as ## and *, and after an <iframe> or <script> every word was hidden (or
    run as script). The block ends at its first blank line, with a warning naming its line."""
    body = (
        f"Lead paragraph.\n\n{opening}\n\n## Reaction\n\nRead *the letter* at <https://example.org/letter> or ask <desk@example.org>.\n\n"
        "- First point\n- Second point\n\nLast words."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)}, config='base_url = "https://example.org/"\n')
    report = build(site)
    assert report.ok
    a = site / "content" / "a.md"
    assert [w for w in report.warnings if "is never closed" in w] == [
        f"{a}:8: {said} is never closed, so all the text after it would be read as HTML, not Markdown:"
        f" {''.join(f'</{name}>' for name in reversed(re.findall(r'<([a-z]+)', opening)))} added at the blank line after it; write it where the element ends"
    ]
    for where, body_html in _bodies(site).items():
        shown = _shown(body_html)
        for words in ("Lead paragraph.", re.sub("<[^>]*>", "", opening).strip(), "Reaction", "Read the letter at https://example.org/letter or ask desk@example.org.", "First point", "Second point", "Last words."):
            assert words in shown, (where, shown)
        # Read as Markdown: a heading, emphasis, links and a list, not their marks as text.
        assert body_html.xpath(".//h2/text()|.//h3/text()") == ["Reaction"], where
        assert body_html.xpath(".//em/text()") == ["the letter"], where
        assert "https://example.org/letter" in body_html.xpath(".//a/@href"), where
        assert body_html.xpath(".//li/text()") == ["First point", "Second point"], where
        assert "*" not in shown and "##" not in shown, where
        # Nothing written after the tag is run as script.
        assert all("Reaction" not in (script.text or "") for script in body_html.iter("script")), where


def test_a_footnote_mark_with_no_note_is_a_warning_naming_its_line(make_site: MakeSite) -> None:
    """``[^1]`` with no ``[^1]: ...`` line showed as written, "a claim[^1]", and the build
    said nothing: the note was lost without a word."""
    body = (
        "A claim[^1] and a figure[^ons].\n\nThe claim again[^1], and one more[^2].\n\n[^ons]: Office for National Statistics.\n\n"
        "Not marks: `[^x]` in code, \\[^y] escaped, and [^z](https://example.org/z) a link."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    report = build(site)
    assert report.ok and report.articles == 1
    a = site / "content" / "a.md"
    said = "is a footnote mark with no note, so it shows as written: give the note on a line of its own after a blank line"
    assert [w for w in report.warnings if "footnote" in w] == [
        f"{a}:6: [^1] {said}, [^1]: ..., or write \\[^1] for the text",
        f"{a}:8: [^2] {said}, [^2]: ..., or write \\[^2] for the text",
    ]
    (body_html,) = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes()).xpath("//div[@class='body']")
    assert "A claim[^1] and a figure1." in _shown(body_html) and "Office for National Statistics." in _shown(body_html)
    # Said again by a build that reads the file again, and not only by the first.
    (site / "content" / "b.md").write_text(article_md("Same text", body=body, slug="b"))
    assert [w for w in build(site).warnings if "footnote" in w and str(site / "content" / "b.md") in w]


def test_a_script_style_or_iframe_tag_that_nothing_closes_is_shown_as_text(make_site: MakeSite) -> None:
    """"The <script> tag" in a sentence opened a script that nothing closed: it was closed at
    the end of the text, and every word after it was run as script, on the page and hidden in
    every feed; an <iframe> or <style> hid them the same way. Its tag now shows as text, with
    a warning naming its line."""
    body = (
        "Attackers hide code in a <script> tag, or styles in a <style> one.\n\n"
        'Watch <iframe src="https://www.youtube.com/embed/x"> the interview.\n\n'
        "The minister said nothing more."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)}, config='base_url = "https://example.org/"\n')
    report = build(site)
    assert report.ok
    a = site / "content" / "a.md"
    said = "is never closed, so all that comes after it would be hidden (or run as script): its tag is shown as text; write"
    assert [w for w in report.warnings if "never closed" in w] == [
        f"{a}:6: <script> {said} </script> where the element ends",
        f"{a}:6: <style> {said} </style> where the element ends",
        f'{a}:8: <iframe src="https://www.youtube.com/embed/x"> {said} </iframe> where the element ends',
    ]
    for where, body_html in _bodies(site).items():
        shown = _shown(body_html)
        for words in (
            "Attackers hide code in a <script> tag, or styles in a <style> one.",
            'Watch <iframe src="https://www.youtube.com/embed/x"> the interview.',
            "The minister said nothing more.",
        ):
            assert words in shown, (where, shown)
        assert body_html.xpath(".//script|.//style|.//iframe") == [], where


def test_a_heading_keeps_a_hash_that_ends_its_text(make_site: MakeSite) -> None:
    """Python-Markdown took any "#" ending a heading's line for a closing one: "## Learning C#"
    read "Learning C", on the page and in every feed, and so did one before an id. Closing
    #s come after a space ("## Results ##")."""
    body = "## Learning C#\n\nText.\n\n## Why F# beats C# {#fsharp}\n\nMore.\n\n## Results ##\n\nEnd."
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        headings = [(h.text_content(), h.get("id")) for h in body_html.xpath(".//h3")]
        assert headings == [("Learning C#", "learning-c"), ("Why F# beats C#", "fsharp"), ("Results", "results")], where


def test_a_hashtag_at_the_start_of_a_line_is_text_not_a_heading(make_site: MakeSite) -> None:
    """Python-Markdown needs no space after a heading's #s: "#MeToo started..." was an <h2>
    "MeToo started...", its # lost, on the page and in every feed, and a hashtag opening a
    line within a paragraph cut it in two around a heading. As in CommonMark, a heading's #s
    are followed by a space or end the line; every other heading reads as it did."""
    body = (
        "#MeToo started as a hashtag in 2017.\n\nSupporters wrote\n#BelieveWomen on placards.\n\n##Scores##\n\n"
        "# Reaction\n\n## Learning C#\n\n##\n\n#\tTabbed\n\nEnd."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        assert [(p.tag, _shown(p)) for p in body_html] == [
            ("p", "#MeToo started as a hashtag in 2017."),
            ("p", "Supporters wrote #BelieveWomen on placards."),
            ("p", "##Scores##"),
            ("h2", "Reaction"),
            ("h3", "Learning C#"),
            ("h3", ""),
            ("h2", "Tabbed"),
            ("p", "End."),
        ], where


def test_words_in_braces_are_text_and_not_attributes(make_site: MakeSite) -> None:
    """Attribute lists made bare words in braces attributes the page never shows: "## Election
    night {live}" read "Election night" (an <h2 live>), a cell's "{est}" vanished. A list of
    ids, classes and key=value pairs is still one."""
    body = (
        "## Election night {live}\n\n| Party | Seats {est} |\n|---|---|\n| Green | 12 |\n\n*Breaking*{update} news.\n\n"
        "## Results {#results .big}\n\nA [link](https://example.org/){: rel=nofollow}."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        shown = _shown(body_html)
        for words in ("Election night {live}", "Seats {est}", "Breaking{update} news."):
            assert words in shown, (where, shown)
        assert [h.text_content() for h in body_html.xpath(".//h3")] == ["Election night {live}", "Results"], where
        assert body_html.xpath(".//*[@live or @est or @update]") == [], where
    page = _bodies(site)["page"]
    assert page.xpath(".//h3[@id='results']/@class") == ["big"]
    assert page.xpath(".//a[@rel='nofollow']/text()") == ["link"]


def test_an_ampersand_before_a_word_and_semicolon_is_text_in_every_feed(make_site: MakeSite) -> None:
    """"R&D; spending" went out holding "&D;", a character reference HTML does not know: a
    browser shows it as written, but feedparser read "R&D spending" and an HTML checker
    refuses it. Its "&" is escaped; references HTML knows (&copy;, &#169;) are kept."""
    body = "Spending on R&D; rose, AT&T; said (&copy; 2024, &#169; &amp; &eacute;t&eacute;)."
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        assert _shown(body_html) == "Spending on R&D; rose, AT&T; said (© 2024, © & été).", where


def test_a_tag_of_a_name_no_element_has_is_shown_as_text(make_site: MakeSite) -> None:
    """"Type your <password>" or "the witness, <name withheld>, said" lost the words in angle
    brackets: read as a tag no browser knows, which shows nothing. Shown as text, with a
    warning naming the line (a misspelt <stong> is seen at once)."""
    body = "Type your <password> twice.\n\nThe witness, <name withheld>, said so.\n\nPasted from Word<o:p></o:p>, and a <time-line>custom element</time-line>."
    site = make_site(content={"a.md": article_md("Story", body=body)})
    report = build(site)
    assert report.ok
    a = site / "content" / "a.md"
    said = "names no HTML element, so a browser would show nothing of it: shown as text; write &lt; for its < to show it so"
    assert [w for w in report.warnings if "HTML element" in w] == [f"{a}:6: <password> {said}", f"{a}:8: <name withheld> {said}"]
    for where, body_html in _bodies(site).items():
        shown = _shown(body_html)
        for words in ("Type your <password> twice.", "The witness, <name withheld>, said so.", "Pasted from Word, and a custom element."):
            assert words in shown, (where, shown)


def test_lists_nested_by_two_or_three_spaces_are_nested(make_site: MakeSite) -> None:
    """Python-Markdown nests a list only four spaces in: written as editors and CommonMark
    nest them, two spaces under "- " and three under "1. ", nested lists were one flat list,
    on the page and in every feed, and a paragraph under an item's text came after the list.
    Lists nested by four spaces, and a code block indented by four after a paragraph, read as
    they did."""
    body = (
        "- Ministers\n  - Home Office\n    - Borders\n  - Treasury\n- Backbenchers\n\n"
        "1. First\n   1. First, part a\n   2. First, part b\n2. Second\n\n   More on the second.\n\n"
        "* Four spaces\n    * still nested\n        * and again\n\n"
        "After a paragraph:\n\n    indented code\n\nEnd."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        assert list_shape(body_html) == [
            ("ul", [("Ministers", [("ul", [("Home Office", [("ul", [("Borders", [])])]), ("Treasury", [])])]), ("Backbenchers", [])]),
            ("ol", [("First", [("ol", [("First, part a", []), ("First, part b", [])])]), ("Second More on the second.", [])]),
            ("ul", [("Four spaces", [("ul", [("still nested", [("ul", [("and again", [])])])])])]),
        ], where
        assert [" ".join(p.text_content().split()) for p in body_html.xpath("./pre")] == ["indented code"], where
        assert [_shown(p) for p in body_html.xpath("./p")] == ["After a paragraph:", "End."], where


def test_lists_in_a_quote_nest_as_they_do_outside_one(make_site: MakeSite) -> None:
    """A quoted list nested as CommonMark and editors' previews nest one (``> - a`` then
    ``>   - b``, three spaces under ``> 1. ``) was one flat list in the quote, on the page
    and in every feed; in a quote in a quote too, and with a paragraph under an item."""
    body = (
        "The minister listed:\n\n"
        "> - Schools\n>   - Primary\n>   - Secondary\n>     - Sixth forms\n> - Hospitals\n>\n"
        "> 1. First\n>    1. First, part a\n> 2. Second\n>\n>    More on the second.\n\n"
        "Then:\n\n> > - Quoted twice\n> >   - and nested\n\n"
        "End."
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        outer, twice = body_html.xpath("./blockquote")
        assert list_shape(outer) == [
            ("ul", [("Schools", [("ul", [("Primary", []), ("Secondary", [("ul", [("Sixth forms", [])])])])]), ("Hospitals", [])]),
            ("ol", [("First", [("ol", [("First, part a", [])])]), ("Second More on the second.", [])]),
        ], where
        assert list_shape(twice.find("blockquote")) == [("ul", [("Quoted twice", [("ul", [("and nested", [])])])])], where
        assert [_shown(p) for p in body_html.xpath("./p")] == ["The minister listed:", "Then:", "End."], where


def test_a_backslash_that_ends_a_line_is_a_line_break(make_site: MakeSite) -> None:
    """CommonMark's other line break, which editors show (two trailing spaces show nothing):
    Python-Markdown left the backslash on the page and in every feed and ran the lines
    together. An escaped backslash that ends a line, or one that ends the text, is a backslash."""
    body = "Harbour Office\\\n1 Quay Street  \nPortsmouth\n\nThe folder is C:\\\\\nthen the file.\n\nEnds in a backslash\\"
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        address, folder, last = body_html.xpath("./p")
        assert [text.strip() for text in address.xpath("text()")] == ["Harbour Office", "1 Quay Street", "Portsmouth"], where
        assert len(address.findall("br")) == 2, where
        assert folder.findall("br") == [] and _shown(folder) == "The folder is C:\\ then the file.", where
        assert _shown(last) == "Ends in a backslash\\", where


def test_a_list_right_under_a_paragraph_is_a_list(make_site: MakeSite) -> None:
    """CommonMark and editors' previews start a list on the line under a paragraph, and an
    item after a paragraph in the item before; Python-Markdown, which ends a paragraph only
    at a blank line, made the items words of the paragraph ("voted on: - the budget - the
    harbour"), on the page and in every feed, in a quote too. A number other than 1 starts
    no list there, as in CommonMark: a year that begins a line of a paragraph is text."""
    body = (
        "The council voted on:\n- the budget\n- the harbour\n\n"
        "Then:\n1. First\n\n   More on the first.\n2. Second\n\n"
        "It was\n1986. A great year.\n\n"
        "> The mayor listed:\n> * roads\n> * schools"
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        assert list_shape(body_html) == [
            ("ul", [("the budget", []), ("the harbour", [])]),
            ("ol", [("First More on the first.", []), ("Second", [])]),
        ], where
        assert [_shown(p) for p in body_html.xpath("./p")] == ["The council voted on:", "Then:", "It was 1986. A great year."], where
        (quote,) = body_html.xpath("./blockquote")
        assert [_shown(p) for p in quote.xpath("./p")] == ["The mayor listed:"], where
        assert list_shape(quote) == [("ul", [("roads", []), ("schools", [])])], where


def test_a_list_numbered_with_parentheses_is_a_list(make_site: MakeSite) -> None:
    """CommonMark numbers items "1." or "1)"; Python-Markdown knew only "1.", and ran the
    items of a list written "1) ..." together into one paragraph, on the page and in every
    feed. Nested, numbered from 3, or under a paragraph's line, they are lists as others are."""
    body = "1) The budget\n2) The harbour\n   1) its quays\n   2) its cranes\n\nDemands:\n1) pay\n2) hours\n\nLater:\n\n3) Third\n4) Fourth"
    site = make_site(content={"a.md": article_md("Story", body=body)})
    assert build(site).ok
    for where, body_html in _bodies(site).items():
        assert list_shape(body_html) == [
            ("ol", [("The budget", []), ("The harbour", [("ol", [("its quays", []), ("its cranes", [])])])]),
            ("ol", [("pay", []), ("hours", [])]),
            ("ol", [("Third", []), ("Fourth", [])]),
        ], where
        assert body_html.xpath("./ol/@start") == ["3"] and [_shown(p) for p in body_html.xpath("./p")] == ["Demands:", "Later:"], where


def test_an_article_in_another_language_than_the_sites_says_so(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("Hafen wächst", language="de"), "b.md": article_md("B", language="'zh-Hant-TW'")})
    report = build(site)
    assert report.ok and report.warnings == []  # a key sitegen knows
    records = {name: parse_file(str(site / "content" / name), Config(), Converter())[1].article for name in ("a.md", "b.md")}
    assert {name: record.language for name, record in records.items() if record is not None} == {"a.md": "de", "b.md": "zh-Hant-TW"}


@pytest.mark.parametrize("tag", ["en_GB", "en GB", "english", "en--GB"])
def test_an_articles_language_that_is_no_bcp47_tag_is_an_error_as_the_settings_is(make_site: MakeSite, tag: str) -> None:
    """Checked as the setting ``language`` is, with the same words, naming the file and line."""
    site = make_site(content={"a.md": article_md("A", language=tag), "b.md": article_md("B")})
    report = build(site)
    with pytest.raises(ConfigError) as setting:
        parse_config(f'language = "{tag}"\n', Path("sitegen.toml"))
    (error,) = report.errors
    assert (error.path, error.line, error.reason) == (site / "content" / "a.md", 4, setting.value.reason)
    assert report.articles == 1


def test_lang_is_taken_for_language(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", lang="de")})
    assert build(site).warnings == [f"{site / 'content' / 'a.md'}:4: unknown front-matter key 'lang', ignored (did you mean 'language'?)"]


HARBOUR = "---\ntitle: 'Harbour reopens'\ndate: '2024-05-01T09:00:00+00:00'\nsummary: 'The quay is open again.'\n{}---\n\nThe harbour *reopened* on Monday.\n"


def test_an_articles_language_is_part_of_what_it_reads_as_only_when_given(tmp_path: Path) -> None:
    """An article without one keeps the hash it had, and no reader is shown it as updated;
    one given a language, or another, reads otherwise: its page and feed entries say so."""

    def content_hash(front: str) -> str:
        (tmp_path / "a.md").write_text(HARBOUR.format(front), encoding="utf-8")
        article = parse_file(str(tmp_path / "a.md"), Config(), Converter())[1].article
        assert article is not None
        return article.content_hash

    assert content_hash("") == "text:5242d1f2bd229bc319b2fbb131e6bd58bf197140ccee2f57b8ffa4f6d1ca6e87"  # as builds before made it
    assert len({content_hash(""), content_hash("language: de\n"), content_hash("language: fr\n")}) == 3


def test_the_source_hash_a_parse_record_stores_is_the_one_its_article_works_out(make_site: MakeSite) -> None:
    """Every build that reuses a parse record takes its article's ``source_hash`` from the
    record: it must be what the article would work out from the file, the settings its parse
    read and the pictures it shows, in the site's folder and in one it was moved to."""
    import msgspec
    from PIL import Image

    from sitegen import cache

    site = make_site(
        content={"a.md": article_md("A", image="pic.png", image_alt="'A picture'", body="Text of A.[^1]\n\n[^1]: A note."), "b.md": article_md("B")}
    )
    Image.new("RGB", (40, 30), "red").save(site / "content" / "pic.png")
    assert build(site).ok
    moved = site.parent / "moved"
    shutil.copytree(site, moved)
    (moved / "content" / "b.md").write_text(article_md("B", body="Edited."))
    assert build(moved).ok
    for folder in (site, moved):
        state = cache.load_state(folder, cache.generator_id())
        records = cache.load_articles(folder, state)
        assert sorted(records) == [str(folder / "content" / "a.md"), str(folder / "content" / "b.md")]
        for path, record in records.items():
            assert record.article is not None and record.source_hash and record.reads
            worked_out = content.article_from_record(path, msgspec.structs.replace(record, source_hash=""), content_dir=str(folder / "content"))
            assert content.article_from_record(path, record, content_dir=str(folder / "content")) == worked_out
            assert worked_out.source_hash == record.source_hash


# Corrections: what an earlier version got wrong, published with the story.

CORRECTED = (
    "corrections:\n"
    "  - date: 2024-05-01\n"  # the day the story came out: a day alone is not before it
    "    text: An earlier version misstated the depth of the new berth.   It is 16 metres, not 60.\n"
    "  - date: 2024-05-03T10:00:00+02:00\n"
    "    text: The harbour master's name was misspelt.\n"
)


def test_corrections_are_read_newest_first_with_their_lines(tmp_path: Path) -> None:
    article = _article(tmp_path, CORRECTED)
    assert [(c.date.iso, c.text, c.line) for c in article.corrections] == [
        ("2024-05-03T10:00:00+02:00", "The harbour master's name was misspelt.", 7),
        ("2024-05-01T00:00:00+00:00", "An earlier version misstated the depth of the new berth. It is 16 metres, not 60.", 5),
    ]
    # A correction is news to a reader: the content hash, which moves `updated`, covers it.
    assert article.content_hash != _article(tmp_path, "").content_hash
    assert _article(tmp_path, "corrections: []\n").content_hash == _article(tmp_path, "").content_hash


def test_a_correction_dated_after_the_clock_is_shown_with_a_warning(make_site: MakeSite) -> None:
    later = "\n  - date: 2052-06-03\n    text: The name was misspelt."  # 2052 for 2025
    site = make_site(content={"a.md": article_md("A", slug="a", corrections=later)})
    report = build(site)
    assert report.ok and report.articles == 1, report.errors
    assert [w for w in report.warnings if "corrections" in w] == [
        f"{site / 'content' / 'a.md'}:6: corrections: date 2052-06-03T00:00:00+00:00 is after the build's clock: shown as written, and so"
        " dated on the page, in the feeds and in search engines' data; correct it"
    ]
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//aside[@class='corrections']//time/@datetime") == ["2052-06-03T00:00:00+00:00"]


def test_a_page_has_no_corrections_and_says_so(make_site: MakeSite) -> None:
    site = make_site(content={"about.md": page_md("About us", corrections="[{date: 2024-05-02, text: Fixed.}]")})
    report = build(site)
    assert report.ok, report.errors
    assert [w for w in report.warnings if "corrections" in w] == [f"{site / 'content' / 'about.md'}:4: corrections: a page (page: true) has none; it is ignored"]
    assert b"Fixed." not in (site / "output" / "about" / "index.html").read_bytes()


@pytest.mark.parametrize("order", ["99999999999999999999999999999", "-99999999999999999999999999999"])
def test_a_page_order_too_large_to_keep_is_an_error_naming_its_line(make_site: MakeSite, runner: CliRunner, order: str) -> None:
    """An order of 30 digits was read as the whole number it is, and the build crashed
    with a traceback as it saved the cache, which keeps 64-bit integers."""
    site = make_site(content={"about.md": page_md("About", order=order), "story.md": article_md("Story")})
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit)), result.output
    assert "content/about.md:4: order: must be a whole number between -9,007,199,254,740,991 and 9,007,199,254,740,991" in result.output
    assert "Traceback" not in result.output
    doc = lxml_html.parse(str(site / "output" / "2024" / "05" / "story" / "index.html"))
    assert doc.xpath("string(//h1)") == "Story"


def test_a_page_order_may_be_a_unix_time(make_site: MakeSite) -> None:
    """Pages ordered by when they were written, in seconds or milliseconds: in the footer in that order."""
    site = make_site(content={"b.md": page_md("Later", order="1700000000000"), "a.md": page_md("Earlier", order="1600000000"), "story.md": article_md("Story")})
    report = build(site)
    assert report.ok, report.errors
    footer = lxml_html.parse(str(site / "output" / "index.html")).xpath("//footer//a/text()")
    assert footer.index("Earlier") < footer.index("Later"), footer


def _article_from_record_plainly(path: str, record: Any, tags: dict[Any, Any]) -> Any:
    """article_from_record as it was first written: every field made anew, whatever it holds."""
    import msgspec

    from sitegen import urls
    from sitegen.model import Article, Author, Correction, Tag

    stored = record.article
    fields = msgspec.structs.asdict(stored)
    del fields["body_sha"]
    fields.update(
        source=path,
        authors=tuple(Author(a.name, a.slug, urls.author_path(a.slug), a.url, a.bio, a.kind) for a in stored.authors),
        image=content._image_from_record(stored.image) if stored.image else None,
        text_image=content._image_from_record(stored.text_image) if stored.text_image else None,
        published=content._date_from_record(stored.published),
        updated=content._date_from_record(stored.updated),
        tags=tuple(tags.get((t.name, t.slug)) or tags.setdefault((t.name, t.slug), Tag(t.name, t.slug)) for t in stored.tags),
        corrections=tuple(Correction(content._date_from_record(c.date), c.text, c.line) for c in stored.corrections),
        source_hash=record.source_hash,
    )
    return Article(**fields)


def _records() -> Any:
    from sitegen import cache

    dates = st.builds(cache.DateRecord, st.sampled_from(["2024-03-01T09:30:00+00:00", "2024-03-02T10:00:00+01:00", "2024-03-01T09:30:00"]), st.sampled_from(["", "Europe/Berlin"]))
    names = st.sampled_from(["Ada", "Bo", "Cy"])
    image = st.builds(cache.ArticleImage, st.just("https://example.org/a.jpg"), st.none(), names, names, names)
    article = st.builds(
        cache.ArticleRecord,
        id=names, title=names, slug=names, path=st.just("a/"), published=dates, updated=dates, summary=names, body_sha=st.just("sha"), body=st.just(b"<p>A</p>"),
        updated_in_front_matter=st.booleans(), content_hash=st.just("hash"),
        authors=st.lists(st.builds(cache.AuthorRecord, slug=names, name=names, bio=names, url=st.just("")), max_size=2).map(tuple),
        canonical=st.just(""), aliases=st.just(()), image=st.none() | image, media=st.just(()),
        tags=st.lists(st.builds(cache.TagRecord, names, names), max_size=3).map(tuple), origin=st.just(""), related=st.just(()), floating_date=st.just(""), draft=st.booleans(),
        text_image=st.none() | image, corrections=st.lists(st.builds(cache.CorrectionRecord, dates, names), max_size=2).map(tuple),
    )  # fmt: skip
    return st.builds(cache.ParseRecord, file_sha=st.just("sha"), reads=st.just({}), article=article, source_hash=st.just("source"))


@given(st.lists(_records(), min_size=1, max_size=4))
def test_an_article_made_from_its_record_is_the_one_every_field_made_anew_makes(records: list[Any]) -> None:
    # article_from_record leaves what an article lacks as stored and reads its dates once
    # when they are one: the articles it makes are those of the plain way, their tags shared.
    plain: dict[Any, Any] = {}
    shared: dict[Any, Any] = {}
    for number, record in enumerate(records):
        path = f"/site/content/{number}.md"
        made = content.article_from_record(path, record, shared)
        expected = _article_from_record_plainly(path, record, plain)
        assert made == expected
        # Equal datetimes may be in other zones: the zones and texts are the same too.
        assert [(d.isoformat(), d.tzinfo) for d in (made.published, made.updated)] == [(d.isoformat(), d.tzinfo) for d in (expected.published, expected.updated)]
        assert made.updated == made.published or record.article.updated != record.article.published
    assert sorted((tag.name, tag.slug) for tag in shared.values()) == sorted(plain)

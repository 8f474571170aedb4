"""What sitegen adds to Python-Markdown: blocks of raw HTML that nothing closes end at their
first blank line, lists nest as CommonMark nests them, headings, tables and fenced code read as
CommonMark and GitHub read them (more site-level tests, with every word on the page and in the
feeds, are in test_content.py)."""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import feedparser
import pytest
from conftest import MakeSite, article_md, list_shape, no_hang
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from markdown.blockprocessors import BlockQuoteProcessor, ParagraphProcessor

from sitegen import markdown_ext
from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.content import new_markdown
from sitegen.ledger import LEDGER_NAME


def _built(make_site: MakeSite, body: str) -> dict[str, Any]:
    """An article of ``body`` built into a site: its text as the page shows it and as the Atom
    feed and JSON Feed carry it, parsed."""
    site = make_site(content={"a.md": article_md("Story", body=body)})
    report = build(site)
    assert report.ok and report.warnings == [], report.warnings
    out = site / "output"
    (page,) = lxml_html.fromstring((out / "2024" / "05" / "a" / "index.html").read_bytes()).xpath("//div[@class='body']")
    (entry,) = feedparser.parse((out / "atom.xml").read_bytes()).entries
    (item,) = json.loads((out / "feed.json").read_text())["items"]
    return {
        "page": page,
        "atom.xml": lxml_html.fragment_fromstring(entry.content[0].value, create_parent="div"),
        "feed.json": lxml_html.fragment_fromstring(item["content_html"], create_parent="div"),
    }


def _blocks(element: Any) -> list[tuple[str, str]]:
    """The elements directly in ``element``, each as its tag and its words (those of each
    element in it apart)."""
    return [(child.tag, " ".join(" ".join(child.itertext()).split())) for child in element]


@pytest.mark.parametrize(
    ("source", "ended"),
    [
        ("<p>Open\n\n*Markdown*", "<p>Open</p>\n\n*Markdown*"),
        ('<div class="box">\n<p>Text\n\nAfter', '<div class="box">\n<p>Text</p></div>\n\nAfter'),
        ("<script async src=x>\n\nWords", "<script async src=x></script>\n\nWords"),
        ("<div>\n\nWords", "<div></div>\n\nWords"),
        # "<p>b" is left open by the </p> that closes "<p>c": each is read once more, not to the end.
        ("<p>a\n\n<p>b\n\n<p>c</p>\n\nd", "<p>a</p>\n\n<p>b</p>\n\n<p>c</p>\n\nd"),
        # Closed, blank lines and all: Python-Markdown's raw HTML, as it was.
        ("<div>\n\nRaw\n\n</div>\n\n*Markdown*", "<div>\n\nRaw\n\n</div>\n\n*Markdown*"),
        ("<p>One line, no blank line after it", "<p>One line, no blank line after it"),
        ("Inline <b>bold\n\nNext", "Inline <b>bold\n\nNext"),
        ("<!-- <p>\n\n-->\n\nText", "<!-- <p>\n\n-->\n\nText"),
    ],
)
def test_a_block_nothing_closes_ends_at_its_first_blank_line(source: str, ended: str) -> None:
    assert markdown_ext.end_open_blocks(new_markdown(), source)[0] == ended


_PIECES = st.sampled_from(
    ["<p>", "</p>", "<P>", "<div>", "</div>", "<div class='x'>", "<script>", "</script>", "<iframe src=x>", "</iframe>", "<!-- ", " -->", "<b>", "</b>"]
    + ["<hr>", "<br>", "<table>", "<tr><td>", "</table>", "<pre>", "</pre>", "<ul>", "<li>", "</ul>", "text", " ", "\n", "\n\n", "\n  \n", "    ", "*em*"]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_blocks_are_ended_as_reading_the_text_again_after_each_would_end_them(source: str) -> None:
    """The reader ends a block where it meets one nothing can close, and reads on; it must do
    what reading the whole text again after each block ended does (the definition, and
    quadratic), and leave nothing for a second pass to end."""
    md = new_markdown()
    ended, found = markdown_ext.end_open_blocks(md, source)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_ext._BlockReader, "_never_closed", lambda self, at: False)
        assert markdown_ext.end_open_blocks(md, source) == (ended, found)
        assert markdown_ext.end_open_blocks(md, ended) == (ended, [])


def test_many_blocks_left_open_are_ended_in_time_linear_in_the_text() -> None:
    """A text of paragraphs each opened with <p> and never closed, as old HTML was written,
    but for a </p> at the end: read once more per block to the end of the text, 20,000 of
    them took minutes."""
    source = "".join(f"<p>Paragraph {n} of the story.\n\n" for n in range(20_000)) + "</p>\n\n"
    with no_hang(30):
        ended, found = markdown_ext.end_open_blocks(new_markdown(), source)
    assert len(found) == 19_999 and ended.count("</p>") == 20_000


# A list as a tree: its marker ("-", "1." or "1)"), and its items, each its words and its own list, if any.
_LIST = st.recursive(
    st.tuples(st.sampled_from(["-", "*", "1.", "1)"]), st.lists(st.just(None), min_size=1, max_size=3)),
    lambda inner: st.tuples(st.sampled_from(["-", "*", "1.", "1)"]), st.lists(st.one_of(st.none(), inner), min_size=1, max_size=3)),
    max_leaves=12,
)


def _written(tree: tuple[str, list[Any]], indent: int, step: int | None, words: list[str]) -> tuple[list[str], object]:
    """``tree`` as Markdown lines, each nested list indented under its item's text (``step``
    None) or ``step`` spaces in; and the structure the HTML of it must have."""
    marker, items = tree
    lines: list[str] = []
    shape = []
    for child in items:
        words.append(f"w{len(words)}")
        word = words[-1]
        lines.append(" " * indent + f"{marker} {word}")
        nested: list[object] = []
        if child is not None:
            inner = indent + (len(marker) + 1 if step is None else step)
            more, inner_shape = _written(child, inner, step, words)
            lines += more
            nested = [inner_shape]
        shape.append((word, nested))
    return lines, ("ol" if marker[0] == "1" else "ul", shape)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_LIST, st.sampled_from([None, 4]), st.booleans(), st.sampled_from(["", "> ", "> > "]), st.booleans())
def test_lists_nest_under_their_items_text_or_four_spaces_in(tree: tuple[str, list[Any]], step: int | None, loose: bool, quote: str, intro: bool) -> None:
    """Nested as CommonMark nests them (two spaces under "- ", three under "1. ") or as
    Python-Markdown does (four), tight or with blank lines between the items, in a quote
    (``> - a`` / ``>   - b``) or not, right under a paragraph's line or after a blank line,
    a list's HTML has the shape it was written in."""
    lines, shape = _written(tree, 0, step, [])
    # (Its items are numbered 1., the only number that may start a list under a paragraph.)
    lines = (["The council voted on:"] if intro else []) + lines
    source = ("\n" + quote.rstrip() + "\n" if loose else "\n").join(quote + line for line in lines)
    html = new_markdown().convert(source)
    holder = lxml_html.fragment_fromstring(html, create_parent="div")
    for _ in range(quote.count(">")):
        [holder] = holder.findall("blockquote")
    assert list_shape(holder) == [shape], source


_ITEM_RE = re.compile(r" *(?:[*+-]|[0-9]+[.)])(?: |$)")


def _lists_after_blank_lines(lines: list[str]) -> list[str]:
    """``lines`` with a blank line before each list item that follows a line of other text:
    where Python-Markdown needs one to start a list, or a new item; and before each quote
    that follows a line other than its own, where it needs one to end a list the quote is in
    none of the items of; and before each heading indented under a line of text, which is a
    heading in the item it is indented into (CommonMark's reading) where Python-Markdown read
    a line of the item's text."""
    written: list[str] = []
    listed = False
    """Whether the line above is one of a list's items, each on the line after the one before."""
    for line in lines:
        item = bool(_ITEM_RE.match(line))
        above = written[-1] if written else ""
        quote = line.lstrip().startswith(">") and not (above.lstrip().startswith(">") and _indent(above) == _indent(line))
        heading = line.lstrip().startswith("#") and _indent(line) > 0
        if above.strip() and ((item and not listed) or quote or heading):
            written.append("")
        written.append(line)
        listed = item
    return written


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_TEXT = st.tuples(
    st.sampled_from(["", "> ", "> > "]),
    st.lists(
        st.sampled_from(["- a", "* b", "1. c", "10. d", "2) e", "Para", "# Head", "* * *", "", "> q", "    code", "x"])
        .flatmap(lambda line: st.sampled_from([0, 4, 8]).map(lambda n: " " * n + line)),
        max_size=25,
    ).map(_lists_after_blank_lines),
).map(lambda quoted: "\n".join((quoted[0] + line).rstrip() for line in quoted[1]))


class _QuotesApart(BlockQuoteProcessor):
    """Python-Markdown's quotes, but a quote after a blank line is one of its own, as sitegen
    reads them: it takes no quote before it for the one to add to."""

    def lastChild(self, parent: Any) -> None:
        return None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_TEXT)
def test_text_whose_lists_python_markdown_nests_converts_as_it_did(source: str) -> None:
    """Lines in lists nested four spaces a level, each list after a blank line, code blocks
    and all that is not in a list are left as written, in a quote or not: such a text
    converts as it did without nest_lists."""
    md = new_markdown()
    md.preprocessors.deregister("sitegen_nested_lists")
    md.parser.blockprocessors.register(_QuotesApart(md.parser), "quote", 20)
    assert new_markdown().convert(source) == md.convert(source), source
    assert markdown_ext.nest_lists(source.split("\n")) == source.split("\n")


def test_headings_read_their_closing_hashes_backslashes_and_indentation_as_commonmark_does(make_site: MakeSite) -> None:
    """A heading whose text ends in a backslash was no heading ("# C:\\" showed as written,
    "#" and all); closing #s followed by a space kept them ("## Results ##", the editor's space
    unseen); a heading indented by up to three spaces was text, and one under a list item's
    line, indented as its text, too. Four spaces in is still code."""
    body = (
        "# Files on C:\\\n\nText.\n\n## Results ##  \n\nMore.\n\n    # Code, not a heading\n\n  ### Indented ###\n\n"
        "- Budget\n  # Spending\n\n# Learning C# \\#\n\nEnd."
    )
    for where, text in _built(make_site, body).items():
        assert _blocks(text) == [
            ("h2", "Files on C:\\"),
            ("p", "Text."),
            ("h3", "Results"),
            ("p", "More."),
            ("pre", "# Code, not a heading"),
            ("h4", "Indented"),
            ("ul", "Budget Spending"),
            ("h2", "Learning C# #"),
            ("p", "End."),
        ], where
        assert [(heading.tag, heading.text_content()) for heading in text.xpath("./ul/li/*")] == [("h2", "Spending")], where


def _table(table: Any) -> list[list[str]]:
    """A table's rows, each its cells' words, the header's first."""
    return [[" ".join(cell.text_content().split()) for cell in row] for row in table.iter("tr")]


def test_a_table_right_under_a_paragraph_is_a_table(make_site: MakeSite) -> None:
    """GitHub starts a table on the line under a paragraph's; Python-Markdown, which reads a
    table only where a block starts, made it words of the paragraph, pipes and dashes and
    all, on the page and in every feed; under a list item's line and in a quote too. A line
    of pipes with no delimiter row under it is still text, and a line over dashes alone a
    heading."""
    body = (
        "The results:\n| Party | Seats |\n|:------|------:|\n| Green | 12 |\n| Red | 9 |\n\n"
        "- Turnout by ward:\n  Ward | Turnout\n  --- | ---\n  North | 61%\n- Next\n\n"
        "> The clerk's note:\n> | Spoilt |\n> | --- |\n> | 212 |\n\n"
        "Not a table:\n| in pipes |\nmore words\n\nTurnout\n---"
    )
    for where, text in _built(make_site, body).items():
        assert [tag for tag, _ in _blocks(text)] == ["p", "table", "ul", "blockquote", "p", "h3"], where
        assert _blocks(text)[0] == ("p", "The results:") and _blocks(text)[4] == ("p", "Not a table: | in pipes | more words"), where
        assert _table(text.find("table")) == [["Party", "Seats"], ["Green", "12"], ["Red", "9"]], where
        item = text.find("ul/li")
        assert (item.text.strip(), _table(item.find("table"))) == ("Turnout by ward:", [["Ward", "Turnout"], ["North", "61%"]]), where
        assert _blocks(text.find("blockquote")) == [("p", "The clerk's note:"), ("table", "Spoilt 212")], where


def test_fenced_code_in_a_list_item_is_a_code_block_in_it(make_site: MakeSite) -> None:
    """Python-Markdown reads a fence (```) only at the start of a line: one under a list
    item's text was inline code in the item's words, its lines run together, and a blank line
    in it broke the list, on the page and in every feed. As in CommonMark, it is a code block
    in the item, its lines taken as far in as its fence, and so is one in a quote, or up to
    three spaces in under a paragraph's line; four spaces in is an indented code block, which
    shows the backticks."""
    body = (
        "- Run this:\n  ```\n  make build\n  ```\n- Then this\n\n"
        "1. Install:\n\n   ```bash\n   pip install <pkg> && go\n\n     indented\n   ```\n\n   Then run it.\n2. Done\n\n"
        "> ```\n> quoted code\n> ```\n\n"
        "Text\n  ```\n  two spaces in\n  ```\nafter\n\n"
        "    ```\n    four spaces in\n    ```"
    )
    for where, text in _built(make_site, body).items():
        assert [tag for tag, _ in _blocks(text)] == ["ul", "ol", "blockquote", "p", "pre", "p", "pre"], where
        tight, loose = text.find("ul"), text.find("ol")
        assert [(li.text.strip(), [(e.tag, e.text_content()) for e in li]) for li in tight] == [
            ("Run this:", [("pre", "make build\n")]),
            ("Then this", []),
        ], where
        assert [[(e.tag, e.text_content()) for e in li] for li in loose] == [
            [("p", "Install:"), ("pre", "pip install <pkg> && go\n\n  indented\n"), ("p", "Then run it.")],
            [("p", "Done")],
        ], where
        assert loose.xpath("./li/pre/code/@class") == (["language-bash"] if where == "page" else []), where  # feeds' sanitiser drops classes
        assert [e.text_content() for e in text.xpath("./blockquote/pre")] == ["quoted code\n"], where
        assert [(tag, words) for tag, words in _blocks(text)[3:]] == [
            ("p", "Text"),
            ("pre", "two spaces in"),
            ("p", "after"),
            ("pre", "``` four spaces in ```"),
        ], where


def test_a_quote_under_a_list_item_is_in_it_only_indented_into_it(make_site: MakeSite) -> None:
    """A quote indented as an item's text, under its line, is a quote in the item, and so is
    one indented up to three spaces past it, as in CommonMark: four spaces in under "- "
    ("- Then:" then "    > We will not.") was text, "&gt;" and all. One written under the
    item's line but not indented into it ("- The budget" then "> Cuts, said the mayor") was
    in the item, as Python-Markdown reads any line under an item's as the item's; as in
    CommonMark, it ends the items it is not indented into, and the list if it is in none, in
    a quote too."""
    body = (
        "- The mayor said:\n  > We will rebuild.\n- Then:\n    > We will not.\n    > Ever.\n\n"
        "1. First\n   > quoted in the first\n   - a point\n     > quoted in the point\n   > quoted in the first again\n\n"
        "- The budget\n> Cuts, said the mayor.\n\nIn the quote:\n\n"
        "> - Quoted item\n> > quoted, out of the list"
    )
    for where, text in _built(make_site, body).items():
        assert [tag for tag, _ in _blocks(text)] == ["ul", "ol", "ul", "blockquote", "p", "blockquote"], where
        said, numbered, budget, after, _, quoted = text
        assert [_blocks(li) for li in said] == [[("blockquote", "We will rebuild.")], [("blockquote", "We will not. Ever.")]], where
        assert [li.text.strip() for li in said] == ["The mayor said:", "Then:"], where
        (first,) = numbered
        assert [(tag, words) for tag, words in _blocks(first) if tag != "p"] == [
            ("blockquote", "quoted in the first"),
            ("ul", "a point quoted in the point"),
            ("blockquote", "quoted in the first again"),
        ], where
        assert [_blocks(li) for li in first.find("ul")] == [[("blockquote", "quoted in the point")]], where
        assert _blocks(budget) == [("li", "The budget")] and _blocks(after) == [("p", "Cuts, said the mayor.")], where
        assert _blocks(quoted) == [("ul", "Quoted item"), ("blockquote", "quoted, out of the list")], where


def test_a_heading_underlined_is_the_whole_paragraph_over_the_line(make_site: MakeSite) -> None:
    """As in CommonMark, a paragraph over a line of = or - is a heading, its every line: one
    of two lines over "===" was a paragraph that showed the "===", and over "---" a paragraph
    and a rule. A list item's or a quote's line over "---" was a heading reading "- The
    budget"; it is the item, or the quote, and a rule."""
    body = (
        "Council votes\non the harbour budget\n===\n\nText.\n\nTwo lines\nof a subheading\n---\n\n"
        "- The budget\n---\n\n> Quoted\n---\n\nOne line\n  ---\n\nEnd."
    )
    for where, text in _built(make_site, body).items():
        assert _blocks(text) == [
            ("h2", "Council votes on the harbour budget"),
            ("p", "Text."),
            ("h3", "Two lines of a subheading"),
            ("ul", "The budget"),
            ("hr", ""),
            ("blockquote", "Quoted"),
            ("hr", ""),
            ("h3", "One line"),
            ("p", "End."),
        ], where


def test_a_text_that_reads_otherwise_now_is_no_update(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article whose table or fenced code is read as such now, where it was words, is no
    update to readers: its updated date, in the ledger and every feed, is the one it had, as
    an article's date moves with its words, not with the HTML made of them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    body = "The results:\n| Party | Seats |\n|---|---|\n| Green | 12 |\n\n- Run this:\n  ```\n  make build\n  ```\n- Then this"
    site = make_site(content={"a.md": article_md("Story", body=body, id="urn:test:a")})
    out = site / "output"
    with monkeypatch.context() as before:  # read as before: no table, no code
        before.setattr(markdown_ext._Paragraphs, "run", ParagraphProcessor.run)
        before.setattr(markdown_ext._Fences, "set_aside", lambda self, lines: lines)
        assert build(site).ok
        assert not lxml_html.fromstring((out / "2024" / "05" / "a" / "index.html").read_bytes()).xpath("//table|//pre")
    ledger = (site / "content" / LEDGER_NAME).read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later
    shutil.rmtree(site / CACHE_DIR)  # the new version's cache starts over
    assert build(site).ok
    page = lxml_html.fromstring((out / "2024" / "05" / "a" / "index.html").read_bytes())
    assert len(page.xpath("//div[@class='body']/table")) == 1 and len(page.xpath("//div[@class='body']/ul/li/pre")) == 1
    assert "Updated" not in page.text_content()
    assert (site / "content" / LEDGER_NAME).read_text() == ledger
    (entry,) = feedparser.parse((out / "atom.xml").read_bytes()).entries
    assert entry.updated == "2024-05-01T09:00:00+00:00" and "<table>" in entry.content[0].value
    (item,) = json.loads((out / "feed.json").read_text())["items"]
    assert item["date_modified"] == "2024-05-01T09:00:00+00:00"


def test_quotes_apart_after_a_blank_line_are_two_quotes(make_site: MakeSite) -> None:
    """As in CommonMark, a quote after a blank line is a quote of its own: two quotes one
    after the other, a blank line between them, were one, on the page and in every feed, the
    second speaker's words run on as the first's; in a quote, and in a list item, too. A line
    of ">" alone between them keeps one quote, of two paragraphs."""
    body = (
        "> We will rebuild, said the mayor.\n\n> We will not, said the council.\n\n"
        "> One quote\n>\n> of two paragraphs\n\n"
        "> > Quoted in a quote\n>\n> > and another\n\n"
        "- In an item:\n\n  > the first\n\n  > the second"
    )
    for where, text in _built(make_site, body).items():
        assert _blocks(text) == [
            ("blockquote", "We will rebuild, said the mayor."),
            ("blockquote", "We will not, said the council."),
            ("blockquote", "One quote of two paragraphs"),
            ("blockquote", "Quoted in a quote and another"),
            ("ul", "In an item: the first the second"),
        ], where
        assert _blocks(text[2]) == [("p", "One quote"), ("p", "of two paragraphs")], where
        assert _blocks(text[3]) == [("blockquote", "Quoted in a quote"), ("blockquote", "and another")], where
        assert _blocks(text.find("ul/li")) == [("p", "In an item:"), ("blockquote", "the first"), ("blockquote", "the second")], where


def test_a_heading_under_a_nested_item_is_in_the_item_its_indentation_puts_it_in(make_site: MakeSite) -> None:
    """A heading under a nested item's line, indented as that item's text, is in that item, as
    CommonMark reads it; Python-Markdown, which reads an item's lines four spaces in a level,
    put it in the outer item ("- Outer", "  - Inner", "    ## Heading"), and one indented as
    the outer item's text in the inner. Eight spaces in under "    - Inner" it was text. One
    indented into no item ends the list."""
    body = (
        "- Outer\n  - Inner\n    ## In the inner item\n    Its text.\n  ## In the outer item\n- Next\n\nOne.\n\n"
        "1. Outer\n   - Inner\n     ## In the inner numbered\n\nTwo.\n\n"
        "- Outer\n    - Inner\n        ## In the inner, four a level\n\nThree.\n\n"
        "- Item\n ## After the list"
    )
    for where, text in _built(make_site, body).items():
        assert [tag for tag, _ in _blocks(text)] == ["ul", "p", "ol", "p", "ul", "p", "ul", "h3"], where
        first, numbered, fours, last = text.xpath("./ul[1] | ./ol | ./ul[2] | ./ul[3]")
        outer, following = first
        assert _blocks(outer) == [
            ("ul", "Inner In the inner item Its text."),
            ("h3", "In the outer item"),
        ], where
        assert _blocks(outer.find("ul/li")) == [("h3", "In the inner item"), ("p", "Its text.")], where
        assert outer.find("ul/li").text.strip() == "Inner" and following.text_content().strip() == "Next", where
        assert _blocks(numbered.find("li/ul/li")) == [("h3", "In the inner numbered")], where
        assert _blocks(fours.find("li/ul/li")) == [("h3", "In the inner, four a level")], where
        assert _blocks(last) == [("li", "Item")] and _blocks(text)[-1] == ("h3", "After the list"), where


def test_a_fence_nothing_closes_is_code_to_the_end_of_what_it_is_in(make_site: MakeSite) -> None:
    """As in CommonMark, a fence (```) that nothing closes opens a code block to the end of
    the text, or of the list item or quote it is in: its backticks showed as text and the
    code after them was read as Markdown, a shell's "# " comment a heading, its "<b>" the
    article's HTML. The build warns of each, at its line, on the page and in every feed alike."""
    body = (
        "- Run this:\n  ```sh\n  make build\n  # a comment\n\n- Then this\n\n"
        "> ```\n> quoted <b>code</b>\n\nBetween.\n\n"
        "```python\nimport os\n\n# not a heading\n*not emphasis* <i>\n"
    )
    site = make_site(content={"a.md": article_md("Story", body=body)})
    report = build(site)
    path = site / "content" / "a.md"
    said = "so all that follows it (in its list item or quote, if it is in one) is shown as code: write ``` on a line of its own where the code ends"
    assert report.ok and report.warnings == [
        f"{path}:7: ```sh starts a code block that no ``` closes, {said}",
        f"{path}:13: ``` starts a code block that no ``` closes, {said}",
        f"{path}:18: ```python starts a code block that no ``` closes, {said}",
    ], report.warnings
    out = site / "output"
    (page,) = lxml_html.fromstring((out / "2024" / "05" / "a" / "index.html").read_bytes()).xpath("//div[@class='body']")
    (entry,) = feedparser.parse((out / "atom.xml").read_bytes()).entries
    for where, text in (("page", page), ("atom.xml", lxml_html.fragment_fromstring(entry.content[0].value, create_parent="div"))):
        assert [tag for tag, _ in _blocks(text)] == ["ul", "blockquote", "p", "pre"], where
        assert [_blocks(li) for li in text.find("ul")] == [[("p", "Run this:"), ("pre", "make build # a comment")], [("p", "Then this")]], where
        assert [e.text_content() for e in text.xpath(".//pre")] == [
            "make build\n# a comment\n",
            "quoted <b>code</b>\n",
            "import os\n\n# not a heading\n*not emphasis* <i>\n",
        ], where
        assert not text.xpath(".//b | .//i | .//em | .//h2 | .//h3"), where


def test_a_rule_under_a_list_item_is_in_the_item(make_site: MakeSite) -> None:
    """A rule indented into a list item is the item's, as CommonMark and editors' previews
    read it: under the item's line ("- first" then "  ***"), Python-Markdown cut the list in
    two around it; four spaces in, it was the item's text; after a blank line, the next item
    went into the item, under the rule. So in a numbered list, a nested one, a quote, with
    ``***``, ``---``, ``___`` and ``- - -``. A heading after a blank line kept the next item
    out too. A rule indented into no item ends the list, as before, and one indented into the
    outer item but not the nested one is the outer's; a line of a quote written without its
    ">", four spaces in, goes on the item's text, as in CommonMark."""
    lists = [
        "- first item\n\n    ***\n\n    more text of the first item\n- second item",
        "- first item\n\n  ---\n- second item",
        "- first item\n    ___\n\n    more text\n- second item",
        "- first item\n  - - -\n- second item",
        "1. first item\n   ***\n\n   more text\n2. second item",
        "- outer\n  - first item\n    ***\n  - second item\n- next",
        "> - first item\n>\n>   * * *\n> - second item",
        "- first item\n\n  # A heading\n- second item",
    ]
    body = "\n\nBetween.\n\n".join(lists) + "\n\nLast.\n\n- an item\n***\n- a list after the rule\n\n> - quoted\n    ***\n\n1. outer\n   1. inner\n     * * *"
    for where, text in _built(make_site, body).items():
        found = [child for child in text if child.tag in ("ul", "ol", "blockquote")]
        assert [child.tag for child in found] == ["ul", "ul", "ul", "ul", "ol", "ul", "blockquote", "ul", "ul", "ul", "blockquote", "ol"], where
        shown = [*found[:5], found[5].find("li/ul"), found[6].find("ul"), found[7]]
        for written, listed in zip(lists, shown, strict=True):
            first, second = listed  # the second item a sibling of the first, in the list
            assert second.text_content().strip() == "second item", (where, written)
            kept = [tag for tag, words in _blocks(first) if tag != "p" or words != "first item"]
            if "heading" in written:
                assert kept == ["h2"], (where, written)
            elif "more text" in written:
                assert kept == ["hr", "p"] and first[-1].text.startswith("more text"), (where, written)
            else:
                assert kept == ["hr"], (where, written)
        assert found[5][-1].text_content().strip() == "next", where  # the outer list's next item
        assert _blocks(found[-4]) == [("li", "an item")] and text[text.index(found[-4]) + 1].tag == "hr", where
        assert _blocks(found[-3]) == [("li", "a list after the rule")], where
        assert _blocks(found[-2]) == [("ul", "quoted ***")], where
        assert [tag for tag, _ in _blocks(found[-1][0])] == ["ol", "hr"] and _blocks(found[-1][0][0]) == [("li", "inner")], where

"""Python-Markdown as an article's text is read: what sitegen adds to it so that every word
an author wrote reaches the page, and what it notes on the way for the build to warn of.

Imported by ``content.new_markdown`` only when a text needs Python-Markdown (plain
paragraphs never do), as Python-Markdown itself is.
"""

from __future__ import annotations

import bisect
import html
import html.entities
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ListIndentProcessor,
    ParagraphProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.footnotes import FootnoteExtension, FootnoteInlineProcessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableProcessor
from markdown.htmlparser import HTMLExtractor, inner_blank_line_re
from markdown.inlinepatterns import ENTITY_RE, HtmlInlineProcessor, SubstituteTagInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, STX, HtmlStash

from .text import Unbalanced


@dataclass
class Findings:
    """What converting one text found wrong in it. Filled while Python-Markdown runs (hence
    not frozen); ``content.Converter`` clears it before each text and hands it on frozen."""

    unclosed: list[Unbalanced] = field(default_factory=list)
    """Blocks of raw HTML that would have taken in the rest of the text, each ended at its
    first blank line (``end_open_blocks``)."""

    missing_notes: list[str] = field(default_factory=list)
    """The labels of footnote marks (``[^1]``) that no note is given for, each once, in order."""

    open_fences: list[tuple[str, ...]] = field(default_factory=list)
    """Fenced code that nothing closes, each made a code block to the end of the text, or of
    the list item or quote it is in (``_Fences``): its fence as written (```` ```python ````),
    then the lines of its code, to find it by in the file."""

    def clear(self) -> None:
        self.unclosed.clear()
        self.missing_notes.clear()
        self.open_fences.clear()


class Additions(Extension):
    """What sitegen adds to Python-Markdown, noting what it finds in ``findings``."""

    def __init__(self, findings: Findings) -> None:
        super().__init__()
        self.findings = findings

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        fences = _Fences(md, self.findings)
        # After Python-Markdown's fenced code (25), which reads only fences that start a line,
        # and before raw HTML is looked for (20, 21): what a code block shows is code.
        md.preprocessors.register(fences, "sitegen_fences", 24)
        # After fenced code has been set aside (25, 24: a <p> shown in a code block is code)
        # and before Python-Markdown takes the blocks of raw HTML out of the text (20).
        md.preprocessors.register(_OpenBlocks(md, self.findings), "sitegen_open_blocks", 21)
        # After raw HTML has been set aside (20): what a block of it holds is passed as written.
        md.preprocessors.register(_NestedLists(md), "sitegen_nested_lists", 19)
        md.parser.blockprocessors.register(_HashHeadings(md.parser), "hashheader", 70)
        md.parser.blockprocessors.register(_SetextHeadings(md.parser, fences), "setextheader", 60)
        md.parser.blockprocessors.register(_Rules(md.parser), "hr", 50)
        md.parser.blockprocessors.register(_ItemBlocks(md.parser), "indent", 90)
        md.parser.blockprocessors.register(_Quotes(md.parser, fences), "quote", 20)
        md.parser.blockprocessors.register(_Paragraphs(md.parser), "paragraph", 10)
        # In place of sane_lists' (listed before this extension), at their priorities.
        md.parser.blockprocessors.register(_NumberedLists(md.parser), "olist", 40)
        md.parser.blockprocessors.register(_BulletLists(md.parser), "ulist", 30)
        md.inlinePatterns.register(_References(ENTITY_RE, md), "entity", 80)
        # A backslash that ends a line is a line break, as in CommonMark (two trailing spaces,
        # which an editor does not show, are the other way); Python-Markdown showed it as
        # written. After escapes (180): an escaped backslash (\\) that ends a line is a backslash.
        md.inlinePatterns.register(SubstituteTagInlineProcessor(r"\\\n", "br"), "sitegen_backslash_break", 100)
        # Before inline Markdown is read (20): a paragraph's text is still as written.
        md.treeprocessors.register(_CodeApart(md, fences), "sitegen_code_apart", 25)
        if "attr_list" in md.treeprocessors:  # the page's Markdown (content.new_markdown)
            md.treeprocessors.register(_AttrLists(md), "attr_list", 8)
        # After attribute lists (8): a picture followed by one ({.wide}) is alone once it is read.
        md.treeprocessors.register(_Figures(md), "sitegen_figures", 7)
        marks = md.inlinePatterns["footnote"]
        if isinstance(marks, FootnoteInlineProcessor):  # the footnotes extension, listed before this one
            md.inlinePatterns.register(_NoteMarks(marks.pattern, marks.footnotes, self.findings), "footnote", 175)
            # After the footnotes extension has made the notes (50), put them in order (19)
            # and added the back-links of marks used twice (15).
            md.treeprocessors.register(BacklinkTitles(md), BACKLINK_TITLES, 14)


class _HashHeadings(HashHeaderProcessor):
    """``#`` headings as CommonMark reads them:

    - the opening ``#``s are followed by a space or end the line: Python-Markdown made a
      line that starts with a hashtag ("#MeToo started as...") a heading, its "#" lost;
    - closing ``#``s are taken off only after a space: "## Learning C#" lost its last
      character ("Learning C"), as Python-Markdown takes off any ``#`` that ends the line;
      and spaces may follow them: "## Results ##" with a space after it kept its "##";
    - a backslash may end the text ("# C:\\"): the line was no heading at all, "#" and all;
    - the opening ``#``s may be indented up to three spaces (four make code), as an item's
      heading is under its text ("- Budget" then "  # Spending"): it was text.
    """

    RE = re.compile(
        r"(?:^|\n)(?P<indent>[ ]{0,3})(?P<level>#{1,6})(?=[ \t]|\n|$)"
        # Python-Markdown's heading text (an escape, or a backslash that ends the line), and a
        # "#" that ends the line (C#), found last: the shortest text that ends the line in a
        # closing sequence is taken first.
        r"(?P<header>(?:\\(?:.|(?=\n|$))|[^\\#\n]|#+(?=[^#\n])|#+(?=\n|$))*?)"
        # Closing #s follow a space ("## Title ##"), and spaces may follow them.
        r"(?:(?<=[ \t])#+[ \t]*)?(?:\n|$)"
    )

    def test(self, parent: etree.Element, block: str) -> bool:
        return self._heading(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        found = self._heading(blocks[0])
        assert found is not None  # as test() found
        if found.start():
            # The lines before it first, as Python-Markdown parses them; then the block from
            # the heading on, where Python-Markdown's run() finds it first.
            self.parser.parseBlocks(parent, [blocks[0][: found.start()]])
            blocks[0] = blocks[0][found.start() :]
        super().run(parent, blocks)

    def _heading(self, block: str) -> re.Match[str] | None:
        """The first heading of ``block``, but for one indented under a list item's line: it
        is the item's (the list's block is read first; the item's lines are read again as
        its own, where the heading is found), not a heading after the list."""
        listed = None if _RULE_RE.match(block) else _ITEM_RE.match(block)
        for found in self.RE.finditer(block):
            if not (found["indent"] and found.start() and listed):
                return found
        return None


class _Rules(HRProcessor):
    """Rules (``***``, ``---``, ``___``), but for one indented under a list item's line, which
    is the item's: Python-Markdown cut the block at any rule, so "- first" then "  ***" then
    "- second" was a list, a rule after it and another list, where CommonMark (and the
    editors that preview Markdown) put the rule in the first item. The list's block is read
    first; the item's lines are read again as its own, where the rule is found
    (``nest_lists`` indents such a rule for it, as it indents such a heading)."""

    def test(self, parent: etree.Element, block: str) -> bool:
        listed = None if _RULE_RE.match(block) else _ITEM_RE.match(block)
        # Indented as far as the item's text, or three spaces (as far as a rule may be).
        column = min(_content_column(listed, block), _NEST - 1) if listed else 0
        for found in self.SEARCH_RE.finditer(block):
            if not (listed and found.start() and len(found[0]) - len(found[0].lstrip(" ")) >= column):
                self.match = found
                return True
        return False


class _ItemBlocks(ListIndentProcessor):
    """Blocks indented into a list item, which end at a line under a rule or a heading that is
    not indented into the item: Python-Markdown reads a block that starts indented in an item
    whole in the item, as it may go on with a paragraph's lines, not indented ("    ***" then
    "- second" made "- second" a list in the item, under its rule). A rule or a heading is no
    paragraph: what is not indented under it is after the item, as in CommonMark, read next
    (the next item of the list, say)."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks[0].split("\n")
        level, _ = self.get_level(parent, blocks[0])
        indent = " " * (self.tab_length * level)
        for at in range(1, len(lines)):
            above = lines[at - 1].removeprefix(indent)
            if not lines[at].startswith(indent) and (_RULE_RE.match(above) or _HASH_HEADING_RE.match(above)):
                blocks[0:1] = ["\n".join(lines[:at]), "\n".join(lines[at:])]
                break
        super().run(parent, blocks)


class _NestedLists(Preprocessor):
    """Lists nested as CommonMark and most editors nest them (``nest_lists``)."""

    def run(self, lines: list[str]) -> list[str]:
        return nest_lists(lines)


class _Quotes(BlockQuoteProcessor):
    """Block quotes whose lists nest as CommonMark nests them (``nest_lists``), as lists
    outside quotes do, and whose fenced code is code (``_Fences``): the preprocessors read the
    lines of the text with their ">"s, where none is a list item or a fence. A quote's lines
    are read again without them, as Python-Markdown reads what the quote holds (a quote in a
    quote, in turn, by this).

    A quote after a blank line is a quote of its own, as in CommonMark: two quotes written one
    after the other ("> first", a blank line, "> second") were one, as Python-Markdown adds a
    quote to the one just before it. A line of ">" alone between them keeps them one quote,
    of two paragraphs, as it does in CommonMark."""

    def __init__(self, parser: BlockParser, fences: _Fences) -> None:
        super().__init__(parser)
        self.fences = fences

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        found = self.RE.search(block)
        assert found is not None  # as test() found
        # The lines before it first, as Python-Markdown parses them.
        self.parser.parseBlocks(parent, [block[: found.start()]])
        start = found.start() + len(found[1])  # the quote's first line (after a newline, if lines come before it)
        held = [self.clean(line) if self.RE.match(line) else _lazy(line) for line in block[start:].split("\n")]
        # Python-Markdown's quote, but always a new one: a block starts after a blank line
        # (or where a heading or a rule ended the one before), and a quote the block before
        # ended with is over.
        quote = etree.SubElement(parent, "blockquote")
        self.parser.state.set("blockquote")  # as Python-Markdown does: a quote in a list item holds paragraphs, not bare text
        self.parser.parseChunk(quote, "\n".join(nest_lists(self.fences.set_aside(held))))
        self.parser.state.reset()


def _lazy(line: str) -> str:
    """A line of a quote written without its ">", which goes on the paragraph above, as in
    CommonMark: one that looks like a rule four spaces in ("    ***", code outside the
    quote) is text, where inside the quote, in a list item, it would read as the item's
    rule. Its characters are escaped, shown as written."""
    if len(line) - len(line.lstrip(" ")) >= _NEST and _RULE_RE.match(line.lstrip(" ")):
        return re.sub(r"([-*_])", r"\\\1", line)
    return line


class _Paragraphs(ParagraphProcessor):
    """Paragraphs that end where a table starts, as GitHub ends them: a table written on the
    line under a paragraph's ("The results:" then "| Party | Seats |") was words of the
    paragraph, its pipes and dashes and all, as Python-Markdown reads a table only where a
    block starts. The paragraph is read up to the table's first row, the table from there,
    in a list item or a quote too."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks[0].split("\n")
        at = _table_start(self.parser, parent, lines)
        if at:
            blocks[0:1] = ["\n".join(lines[:at]), "\n".join(lines[at:])]
        super().run(parent, blocks)  # the paragraph; the table is the next block


def _table_start(parser: BlockParser, parent: etree.Element, lines: list[str]) -> int | None:
    """Where a table starts in a paragraph's ``lines`` after its first: a row of cells over a
    row of dashes with as many (GitHub's delimiter row, with a pipe: "---" alone makes the
    line above a heading), as the tables extension would read it at a block's start. Not
    four spaces in outside a list (where it is a line of the paragraph)."""
    if "table" not in parser.blockprocessors:
        return None  # no tables extension: no table anywhere
    tables = parser.blockprocessors["table"]
    assert isinstance(tables, TableProcessor)
    for at in range(1, len(lines) - 1):
        row, below = lines[at], lines[at + 1]
        if "|" not in below or not _DELIMITER_ROW_RE.fullmatch(below):
            continue
        if (parent.tag == "li" or len(row) - len(row.lstrip(" ")) < _NEST) and tables.test(parent, "\n".join(lines[at:])):
            return at
    return None


class _SetextHeadings(SetextHeaderProcessor):
    """Headings underlined with ``=`` or ``-`` as CommonMark reads them:

    - the heading is the whole paragraph above the line, as it is the whole of one line:
      Python-Markdown read only a block's first line over its second, so a heading of two
      lines over "===" was a paragraph ending in "===", and over "---" a paragraph and a rule;
    - a line that is no paragraph's is no heading: a list item over "---" ("- The budget")
      was a heading reading "- The budget", where it is an item and a rule; so is a quote's.

    The line may be three spaces in, as the heading's lines may be.
    """

    def __init__(self, parser: BlockParser, fences: _Fences) -> None:
        super().__init__(parser)
        self.fences = fences

    def test(self, parent: etree.Element, block: str) -> bool:
        return self._underline(parent, block.split("\n")) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")
        at = self._underline(parent, lines)
        assert at is not None  # as test() found
        heading = etree.SubElement(parent, "h1" if lines[at].strip().startswith("=") else "h2")
        heading.text = "\n".join(line.strip() for line in lines[:at])
        if at + 1 < len(lines):
            blocks.insert(0, "\n".join(lines[at + 1 :]))  # the lines after it, read next

    def _underline(self, parent: etree.Element, lines: list[str]) -> int | None:
        """The line of ``lines`` (a block) that underlines the paragraph above it, if the block
        starts with a paragraph: one that no quote, list item, rule, table or code block ends
        or interrupts before it."""
        first = lines[0]
        if not first.strip() or _QUOTE_RE.match(first) or _RULE_RE.match(first) or _ITEM_RE.match(first):
            return None
        if HTML_PLACEHOLDER_RE.fullmatch(first.strip()):
            return None  # a block of HTML, or code
        for at in range(1, len(lines)):
            line = lines[at]
            if _UNDERLINE_RE.fullmatch(line):
                # A table ends the paragraph too: its rows are no heading's lines.
                return at if _table_start(self.parser, parent, lines[:at]) is None else None
            if not line.strip() or _QUOTE_RE.match(line) or _RULE_RE.match(line) or line.strip() in self.fences.made:
                return None
        return None


# The line under a heading's (a setext heading's underline): = or -, up to three spaces in.
_UNDERLINE_RE = re.compile(r"[ ]{0,3}(?:=+|-+)[ ]*")


# A table's delimiter row, as GitHub reads one: a cell of dashes, maybe with colons, or more
# between pipes.
_DELIMITER_ROW_RE = re.compile(r"[ ]*\|?[ ]*:?-+:?[ ]*(?:\|[ ]*:?-+:?[ ]*)*\|?[ ]*")


class _Fences(Preprocessor):
    """Fenced code (```) that does not start its line, read as CommonMark reads it: in a list
    item, under the item's text ("- Run this:" then "  ```"), and up to three spaces in
    anywhere (four make an indented code block, which shows the backticks). Python-Markdown's
    fenced code reads only fences that start their line: the code was inline code in the
    item's words (``make build``, its lines run together), and its HTML, or a list item in it,
    read as such. Each is made a code block by Python-Markdown's fenced code, as one that
    starts its line is, its lines taken as far in as its fence is. Its placeholder stands
    where it was, in the item it is in.

    A fence that nothing closes opens a code block to the end of the text, or of the list
    item or quote it is in, as in CommonMark, noted in ``findings`` for the build to warn of:
    Python-Markdown showed its backticks as text and read the code after them as Markdown (a
    shell prompt's "# " a heading, "*" emphasis, a "<div>" the article's HTML)."""

    def __init__(self, md: markdown.Markdown, findings: Findings) -> None:
        super().__init__(md)
        self.findings = findings
        self.made: set[str] = set()
        """The placeholders of the code blocks made of this text's fences."""

    def run(self, lines: list[str]) -> list[str]:
        self.made.clear()
        return self.set_aside(lines)

    def set_aside(self, lines: list[str]) -> list[str]:
        """``lines`` with each fenced code block in them (Python-Markdown's, and what a quote
        holds, has none that starts its line) a placeholder of the code's HTML, in the stash."""
        out: list[str] = []
        items: list[int] = []
        """The content columns of the list items the line may be in, outermost first."""
        lazy = False
        """Whether the line above is a paragraph's, which a line not indented into its item
        may go on (CommonMark's lazy lines): it leaves the item open."""
        unclosed: dict[tuple[str, int], int] = {}
        """A fence and an item's content column -> the line up to which nothing closes such a
        fence in such an item, where Python-Markdown's fenced code made no code block of one
        (an info string it does not read): one opened before it is not looked for again (a
        text of thousands of such fences is read once, not once a fence)."""
        at = 0
        while at < len(lines):
            line = lines[at]
            at += 1
            if not line.strip():
                out.append(line)
                lazy = False
                continue
            indent = len(line) - len(line.lstrip(" "))
            item = None if _RULE_RE.match(line) else _ITEM_RE.match(line)
            start = indent
            """Where a fence would start: after the marker on an item's line (- ```)."""
            if item is not None:
                _close_columns(items, indent)
                spaces = len(item[3])
                start = item.end(2) + (spaces if 0 < spaces <= _NEST and len(line) > item.end() else 1)
                items.append(start)
            elif not (lazy and items and indent < items[-1] and not _FENCE_RE.match(line, indent)):
                _close_columns(items, indent)
            column = items[-1] if items else 0
            fence = _FENCE_RE.match(line, start) if start - column < _NEST else None
            made = self._code(lines, at, fence, start, column, unclosed) if fence is not None else None
            if made is None:
                out.append(line)
                lazy = not _starts_block(line)
                continue
            placeholder, at = made
            out.append(line[:start] + placeholder)
            lazy = False
        return out

    def _code(
        self, lines: list[str], at: int, fence: re.Match[str], start: int, column: int, unclosed: dict[tuple[str, int], int]
    ) -> tuple[str, int] | None:
        """The placeholder of the code block ``fence`` opens, its lines from ``at`` on, and the
        line after its closing fence; if nothing closes it before the item it is in ends (a
        line less indented than the item's text, ``column``), or the lines end, the code runs
        to there (blank lines at its end left after it). None if Python-Markdown's fenced
        code makes no code block of it."""
        if at <= unclosed.get((fence[1], column), -1):
            return None
        end = at
        while end < len(lines):
            line = lines[end]
            indent = len(line) - len(line.lstrip(" "))
            if line.strip() and indent < column:
                break  # the item ended: what is under it is not its code
            if line.strip() and indent - column < _NEST and line[indent:].rstrip(" ") == fence[1]:
                break
            end += 1
        closed = end < len(lines) and len(lines[end]) - len(lines[end].lstrip(" ")) >= column
        after = end + 1 if closed else end
        if not closed:
            # Blank lines are no code's: they end what they end after it (the list item's paragraph).
            while end > at and not lines[end - 1].strip():
                end -= 1
            after = end
        code = [line[min(start, len(line) - len(line.lstrip(" "))) :] for line in lines[at:end]]
        # Python-Markdown's fenced code makes the HTML, as of a fence that starts its line,
        # closed as written or where the code ends.
        made = self.md.preprocessors["fenced_code_block"].run([fence[0], *code, fence[1]])
        if len(made) != 3 or made[0] or made[2] or not HTML_PLACEHOLDER_RE.fullmatch(made[1]):
            if not closed:
                unclosed[fence[1], column] = end
            return None  # one it does not read (an info string it does not know)
        self.made.add(made[1])
        if not closed:
            self.findings.open_fences.append((fence[0].rstrip(" "), *(line.strip() for line in code)))
        return made[1], after


# A fence that opens fenced code, as CommonMark reads one: three backticks or tildes or more,
# then the info string (of backticks none: "```code``` in a sentence" is inline code).
_FENCE_RE = re.compile(r"(`{3,}|~{3,})(?:(?<=`)[^`]*|(?<=~).*)$")


def _close_columns(columns: list[int], indent: int) -> None:
    """Takes off ``columns`` (list items' content columns) those a line ``indent`` spaces in is not in."""
    while columns and indent < columns[-1]:
        columns.pop()


class _CodeApart(Treeprocessor):
    """A paragraph that holds fenced code (``_Fences``: a fence under a line of text, with
    no blank line between, as CommonMark ends a paragraph there) is cut in two around it: a
    ``<pre>`` is no part of a paragraph (browsers end the paragraph before it, and the text
    after it is left outside any). The code's own paragraph is its placeholder alone, which
    Python-Markdown replaces by the code block. Code in a list item's words is left as it
    is: an item holds a ``<pre>``."""

    def __init__(self, md: markdown.Markdown, fences: _Fences) -> None:
        super().__init__(md)
        self.fences = fences

    def run(self, root: etree.Element) -> None:
        if not self.fences.made:
            return
        for parent in list(root.iter()):
            for index in reversed(range(len(parent))):
                paragraph = parent[index]
                if paragraph.tag != "p" or len(paragraph) or not paragraph.text:
                    continue
                lines = paragraph.text.split("\n")
                cuts = [n for n, line in enumerate(lines) if line.strip() in self.fences.made]
                if not cuts or lines == [lines[cuts[0]]]:
                    continue
                parts: list[str] = []
                done = 0
                for cut in cuts:
                    parts += ["\n".join(lines[done:cut]), lines[cut].strip()]
                    done = cut + 1
                parts.append("\n".join(lines[done:]))
                made = [etree.Element("p") for part in parts if part.strip()]
                for element, part in zip(made, (part for part in parts if part.strip()), strict=True):
                    element.text = part.strip()
                    element.tail = "\n"
                made[-1].tail = paragraph.tail
                parent[index : index + 1] = made


# A number that marks a list item, as in CommonMark: "1." or "1)". Python-Markdown knew only
# "1.": a list written "1) one" / "2) two" was a paragraph, its lines run together.
_NUMBER = r"[0-9]+[.)]"


class _NumberedLists(SaneOListProcessor):
    """sane_lists' numbered lists, numbered "1." or "1)" (``_NUMBER``), each rule under an
    item's line the item's (``_items``)."""

    def __init__(self, parser: BlockParser) -> None:
        super().__init__(parser)
        self.RE = re.compile(rf"^[ ]{{0,{self.tab_length - 1}}}{_NUMBER}[ ]+(.*)")
        self.CHILD_RE = re.compile(rf"^[ ]{{0,{self.tab_length - 1}}}(({_NUMBER}))[ ]+(.*)")
        self.INDENT_RE = _nested_item_re(self.tab_length)

    def get_items(self, block: str) -> list[str]:
        return _items(block, super().get_items)


class _BulletLists(SaneUListProcessor):
    """sane_lists' bullet lists, holding lists numbered "1." or "1)" (``_NUMBER``), each rule
    under an item's line the item's (``_items``)."""

    def __init__(self, parser: BlockParser) -> None:
        super().__init__(parser)
        self.INDENT_RE = _nested_item_re(self.tab_length)

    def get_items(self, block: str) -> list[str]:
        return _items(block, super().get_items)


def _items(block: str, get_items: Callable[[str], list[str]]) -> list[str]:
    """The items of a list's ``block`` as ``get_items`` (Python-Markdown's) cuts them, but a
    rule under an item's line (``_Rules`` leaves it to the list) is a line of the item: "- - -"
    and "* * *" read as items of their own ("- -", "* *"), where they are the item's rule.
    Each is kept from Python-Markdown's item patterns by a character no text holds (STX,
    which Python-Markdown takes out of every text), taken off again in the items."""
    lines = block.split("\n")
    if not any(_RULE_RE.match(line) for line in lines[1:]):
        return get_items(block)
    masked = [lines[0], *(STX + line if _RULE_RE.match(line) else line for line in lines[1:])]
    # A masked line is never an item's first: it is added to the item above, after a newline.
    return [item.replace("\n" + STX, "\n") for item in get_items("\n".join(masked))]


def _nested_item_re(tab_length: int) -> re.Pattern[str]:
    """An item of a list nested in an item's lines, of either kind, as Python-Markdown's
    list processors find one (``OListProcessor.INDENT_RE``)."""
    return re.compile(rf"^[ ]{{{tab_length},{tab_length * 2 - 1}}}(({_NUMBER})|[*+-])[ ]+.*")


# A list item's first line, as Python-Markdown knows one: its indentation, its marker, the
# spaces after it.
_ITEM_RE = re.compile(rf"( *)([*+-]|{_NUMBER})( +|$)")
# A line of a block quote.
_QUOTE_RE = re.compile(r" *>")
# A rule ("* * *", "- - -"), which Python-Markdown reads before a list item.
_RULE_RE = re.compile(HRProcessor.RE)
# Python-Markdown's tab_length: it nests a list, or the text of an item, this many columns in
# from the item's own first line.
_NEST = 4


def nest_lists(lines: list[str]) -> list[str]:
    """``lines`` (tabs expanded, as Python-Markdown's preprocessors hand them on) with the
    lines of each list item indented as Python-Markdown needs them to nest them where
    CommonMark does.

    CommonMark (and GitHub, and the editors that preview Markdown) puts a line in a list
    item when it is indented as far as the item's text: two spaces under "- ", three under
    "1. ". Python-Markdown wants four per level: a list nested by two spaces was one flat
    list, and a paragraph indented under an item's text a paragraph after the list. Such
    lines are indented further, to four a level, keeping whatever indentation they have
    beyond the item's text (code in an item stays code). Lines Python-Markdown already
    nests, four spaces a level, are left as they are, and so is all that is not in a list:
    a text without a list nested, or a paragraph indented under an item, by fewer than four
    spaces converts as it always did.

    A list may also start right under a paragraph's last line, with no blank line between
    ("The council voted on:" then "- the budget"), and an item follow a paragraph in the item
    before: CommonMark ends the paragraph there, Python-Markdown only at a blank line (the
    items were words of the paragraph, "- the budget" and all). A blank line is put before
    such an item. As in CommonMark, an item starts a list under a paragraph only if it is a
    bullet, or numbered 1, with text: "1986. A great year." on a paragraph's line is text.
    A quote under an item's line not indented into it ends it, as a blank line does.
    One pass, each line read once."""
    out: list[str] = []
    open_items: list[tuple[int, int]] = []
    """The items the line may be in, outermost first: where each one's text starts (its
    content column, as CommonMark counts it), and the spaces added to its own first line."""
    block_start = True
    """Whether the line starts a block: it follows a blank line, a heading or a rule (or
    starts the text), where a list may start."""
    paragraph: int | None = None
    """While the lines above are a paragraph (or a quote) of a block that is not a list: how
    many of the open items it is in."""
    under = False
    """Whether the line above is a heading or a rule under an item's line, in the item."""
    for line in lines:
        if not line.strip():
            out.append(line)
            block_start = True
            paragraph = None
            under = False
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = None if _RULE_RE.match(line) else _ITEM_RE.match(line)
        if under and item is None and indent < open_items[-1][0]:
            # A line under a heading or a rule in an item, not indented into the item: after
            # it, as in CommonMark (it is no paragraph's lazy line), where Python-Markdown,
            # reading the item's lines as one block, read it into the item. A blank line
            # before it ends the item's block.
            out.append("")
            block_start = True
        under = False
        if item is not None and paragraph is not None and _ends_paragraph(item, line, open_items, paragraph):
            out.append("")
            block_start = True
            paragraph = None
        if item is None and not block_start and open_items and indent < open_items[-1][0] and _QUOTE_RE.match(line):
            # A quote under a paragraph of an item, not indented into the item: it is in none
            # of the items it is not indented into, as in CommonMark (a quote is no lazy line
            # of the paragraph), where Python-Markdown read it into the item. A blank line
            # before it ends them, and it is read as a block after one.
            out.append("")
            block_start = True
            paragraph = None
        if item is None and not block_start:
            # A line of the paragraph above, as written: Python-Markdown joins it to the
            # item's text whatever its indentation. A heading or a rule ends the items it
            # is not indented into, as in CommonMark; a heading is one up to three spaces
            # past the text of the innermost item it is in.
            inside = [content for content, _ in open_items if indent >= content]
            # The line as the innermost item it is indented into reads it.
            seen = " " * (indent - (inside[-1] if inside else 0)) + line.lstrip(" ")
            heading = bool(_HASH_HEADING_RE.match(seen))
            # A rule too: it ends the paragraph, in the item ("- first" then "    ***" is a
            # rule in the item, as CommonMark reads it, where it was the item's text).
            rule = bool(_RULE_RE.match(seen))
            block_start = heading or rule or _starts_block(line)
            if block_start:
                depth = len(open_items)
                _close(open_items, indent)
                paragraph = None
                if (heading or rule) and depth:
                    out.append(_block_in_item(line, indent, open_items, depth, rule and not heading))
                    under = bool(open_items)
                    continue
                if rule:
                    # In no item, at the start of its line: Python-Markdown may read the lines
                    # above as a list where this reads none (an item under indented code),
                    # and would take a rule indented under it for the item's (_Rules).
                    out.append(line.lstrip(" "))
                    continue
            elif paragraph is None and open_items and _QUOTE_RE.match(line) and indent >= _NEST * len(open_items):
                # A quote under an item's text, indented into it as CommonMark reads it (up
                # to three spaces past its text), which Python-Markdown, reading the item's
                # lines four spaces in a level as the item's, shows as text ("- Said:" then
                # "    > We will rebuild."): as far into the item as it is past its text.
                content = open_items[-1][0]
                if indent - content < _NEST:
                    out.append(" " * (_NEST * (len(open_items) - 1) + indent - content) + line.lstrip(" "))
                    continue
            out.append(line)
            continue
        in_list = bool(open_items)
        _close(open_items, indent)
        level = len(open_items)
        if item is not None and (in_list or (indent < _NEST and block_start)):
            # An item of the list the open items hold, a level further in, or of a new list.
            # Python-Markdown nests it as deep if it is _NEST columns in a level (or up to
            # _NEST - 1 more); if it is fewer, as far as that.
            added = open_items[-1][1] if open_items else 0
            if indent + added < _NEST * level:
                added = _NEST * level - indent
            content = _content_column(item, line)
            open_items.append((content, added))
            out.append(" " * added + line)
            block_start = False
            continue
        column = open_items[-1][0] if open_items else 0
        # A heading or a rule as the innermost item it is in reads it ("- a", a blank line,
        # then "     ---": a rule in the item, three spaces past its text).
        starts = indent - column < _NEST and _starts_block(" " * (indent - column) + line.lstrip(" "))
        if block_start:
            # A block that is no list: a paragraph or a quote, unless it is a heading, a rule or
            # code (_NEST columns further in than the text it is in).
            paragraph = None if starts or indent - column >= _NEST else len(open_items)
        # (Otherwise an item that starts no list: a line of the paragraph above, as written.)
        block_start = starts
        if not open_items:
            # Not in a list; a rule at the start of its line, as above.
            out.append(line.lstrip(" ") if _RULE_RE.match(line) else line)
            continue
        # A block in the innermost open item (after a blank line), as far into it as it is
        # indented beyond the item's text.
        content, added = open_items[-1]
        if indent + added < _NEST * level:
            added = _NEST * level - content
        out.append(" " * added + line)
    return out


def _block_in_item(line: str, indent: int, open_items: list[tuple[int, int]], depth: int, rule: bool = False) -> str:
    """A heading's or a rule's ``line``, under a paragraph of the innermost of ``depth`` items,
    indented for Python-Markdown to read it in the innermost of ``open_items`` (those it is
    indented into), as CommonMark does. Python-Markdown reads an item's lines four spaces in a
    level: as written ("- Outer" then "  - Inner" then "    ## Heading") it went to the item
    four spaces put it in (the outer), or was text (eight spaces in under "    - Inner"); a
    rule under an item's line ended the list ("- first" then "  ***"), or was text (four
    spaces in). ``_Rules`` leaves such a rule to the list, as ``_HashHeadings`` such a heading:
    a rule three spaces past the item's first line, as far as an item's text may start there."""
    if len(open_items) < depth:
        # It ends the items it is not indented into: a block of the one it is in, after
        # the list it ends, or after the list, in none (at the start of a line, where
        # Python-Markdown ends a list at a heading: a space in, the last item took it).
        return " " * (_NEST * len(open_items)) + line.lstrip(" ")
    # A line of the paragraph of the innermost item to Python-Markdown (one to three spaces
    # past the item's first line, four a level in), whose heading the item's text is read for.
    past = _NEST - 1 if rule else min(max(indent - open_items[-1][0], 1), _NEST - 1)
    return " " * (_NEST * (depth - 1) + past) + line.lstrip(" ")


def _ends_paragraph(item: re.Match[str], line: str, open_items: list[tuple[int, int]], paragraph: int) -> bool:
    """Whether a list item's ``line`` ends the paragraph on the line above it, in ``paragraph``
    of the ``open_items``, as CommonMark reads it: it is not indented into the item the
    paragraph is in (it is an item after that one, or further out), or it starts a list in
    it, which only a bullet or a 1. (or 1)), with text, may do (not indented as code, _NEST columns in)."""
    indent = len(item[1])
    if sum(1 for content, _ in open_items[:paragraph] if indent >= content) < paragraph:
        return True
    column = open_items[paragraph - 1][0] if paragraph else 0
    return indent - column < _NEST and (item[2] in ("*", "+", "-") or int(item[2][:-1]) == 1) and bool(line[item.end() :].strip())


def _content_column(item: re.Match[str], line: str) -> int:
    """Where the text of the list item ``item`` (an ``_ITEM_RE`` match of ``line``) starts,
    as CommonMark counts it: text more than _NEST spaces after the marker (or none) is code
    in the item, or nothing, and the item's own text starts a space after it."""
    spaces = len(item[3])
    return item.end(2) + (spaces if 0 < spaces <= _NEST and len(line) > item.end() else 1)


def _close(open_items: list[tuple[int, int]], indent: int) -> None:
    """Takes off ``open_items`` those a line ``indent`` spaces in is not in."""
    while open_items and indent < open_items[-1][0]:
        open_items.pop()


def _starts_block(line: str) -> bool:
    """Whether a list may start on the line after ``line`` with no blank line between: after
    a heading or a rule, as Python-Markdown ends the block there."""
    return bool(_HASH_HEADING_RE.match(line) or _RULE_RE.match(line))


# A "#" heading's line (_HashHeadings.RE), up to three spaces in.
_HASH_HEADING_RE = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]|$)")


_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# The #s that close a heading before its attribute list ("## Title ## {#id}"): after a space;
# one after a letter is the text's (C#).
_CLOSING_RE = re.compile(r"[ \t]+#+[ \t]*$")


# An attribute list's items, as Python-Markdown's scanner reads them, but for bare words:
# "#id", ".class", key=value, key="value" or key='value'.
_ATTRIBUTE = r"""(?:[#.][^ =}\n]*|[^ =}\n]+=(?:"[^"\n]*"|'[^'\n]*'|[^ =}\n]+))"""
_ATTRIBUTES = rf"\{{:?[ ]*({_ATTRIBUTE}(?:[ ]+{_ATTRIBUTE})*)[ ]*\}}"


class _AttrLists(AttrListTreeprocessor):
    """Python-Markdown's attribute lists (``{#id}``, ``{.class}``, ``{key=value}``), but:

    - words in braces are text: ``## Election night {live}`` and a cell's ``{est}`` vanished,
      made attributes (``<h2 live>``) by a list of bare words, which the page never shows;
    - a heading keeps a "#" that ends its text before one: "## Learning C# {#csharp}" lost
      it ("Learning C"), taken for a closing #.
    """

    HEADER_RE = re.compile(rf"[ ]+{_ATTRIBUTES}[ ]*$")  # type: ignore[misc]  # Final in the stubs, a class attribute run() reads
    BLOCK_RE = re.compile(rf"\n[ ]*{_ATTRIBUTES}[ ]*$")  # type: ignore[misc]
    INLINE_RE = re.compile(rf"^{_ATTRIBUTES}")  # type: ignore[misc]

    def run(self, doc: etree.Element) -> None:
        for element in doc.iter():
            if element.tag in _HEADINGS:
                self._heading(element)
        super().run(doc)  # the rest; the headings' lists are gone

    def _heading(self, heading: etree.Element) -> None:
        """``heading`` given the attribute list its text ends in, as Python-Markdown does it."""
        last = heading[-1] if len(heading) else None
        written = (last.tail if last is not None else heading.text) or ""
        found = self.HEADER_RE.search(written)
        if found is None or self.assign_attrs(heading, found.group(1), strict=True):
            return  # none, or one Python-Markdown leaves as text
        kept = _CLOSING_RE.sub("", written[: found.start()]).rstrip()
        if last is not None:
            last.tail = kept
        else:
            heading.text = kept


class _Figures(Treeprocessor):
    """A picture alone in its paragraph with a title (``![A crane](crane.jpg "The port at 6
    a.m. Photo: J. Doe")``), or a link holding only such a picture, is a ``<figure>`` whose
    ``<figcaption>`` is the title: it was a tooltip only, which a phone never shows and a
    feed reader drops, where a news site captions its pictures. The caption is the title's
    text, escaped: what the tooltip showed, never markup."""

    def run(self, root: etree.Element) -> None:
        for paragraph in [p for p in root.iter("p") if len(p) == 1 and _blank(p.text) and _blank(p[0].tail)]:
            shown = paragraph[0]
            if shown.tag == "a" and len(shown) == 1 and _blank(shown.text) and _blank(shown[0].tail):
                picture = shown[0]
            else:
                picture = shown
            title = picture.get("title") or ""
            if picture.tag != "img" or not title.strip():
                continue
            del picture.attrib["title"]  # said once, below it: a screen reader would read it twice
            paragraph.tag = "figure"
            paragraph.text = shown.tail = "\n"
            caption = etree.SubElement(paragraph, "figcaption")
            caption.tail = "\n"
            # What a browser showed of the attribute: its escapes (\*) and the character
            # references Python-Markdown writes as they are (&amp;, &copy;) read. Kept from
            # the serializer, which leaves "&copy;" in text as a reference.
            text = _ATTRIBUTE_REFERENCE_RE.sub(lambda m: html.unescape(m[0]), _UNESCAPE.unescape(title))
            caption.text = self.md.htmlStash.store(html.escape(text.strip(), quote=False))


def _blank(text: str | None) -> bool:
    return not text or text.isspace()


_UNESCAPE = UnescapeTreeprocessor()
# The references Python-Markdown's serializer leaves as they are in an attribute's value
# (markdown.serializers.RE_AMP); a browser reads them.
_ATTRIBUTE_REFERENCE_RE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);", re.IGNORECASE)


class _References(HtmlInlineProcessor):
    """Character references (``&copy;``, ``&#169;``) passed on as written, as Python-Markdown
    does, but for a name HTML does not know: "R&D; spending" went out holding "&D;", which a
    browser shows as written but a feed reader need not (feedparser read "R&D spending") and
    no HTML checker accepts. Its "&" is escaped: the same text, shown the same everywhere."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str | None, int | None, int | None]:  # type: ignore[override]  # as InlineProcessor's
        written = m.group(1)
        if not written.startswith("&#") and written[1:] not in html.entities.html5:
            return self.md.htmlStash.store("&amp;" + written[1:]), m.start(0), m.end(0)
        return super().handleMatch(m, data)


BACKLINK_TITLES = "sitegen_backlink_titles"
"""The name ``BacklinkTitles`` is registered under."""


class BacklinkTitles(Treeprocessor):
    """The title (tooltip) of each footnote's back-link, the ↩ after the note, in the text's
    language: Python-Markdown's is English ("Jump back to footnote 1 in the text") on a page
    in any other."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.title: str | None = None
        """The title for the text converted next, ``%(number)s`` its note's number (as the
        catalogs have it, i18n.NOTE_BACKLINK); None: Python-Markdown's."""

    def run(self, root: etree.Element) -> None:
        if self.title is None:
            return
        for notes in root.iter("div"):
            if notes.get("class") == "footnote":
                # The notes in the order Python-Markdown numbers them: each back-link of the
                # nth (one for each time its mark is used) says n.
                for number, note in enumerate(notes.iterfind("ol/li"), start=1):
                    for link in note.iter("a"):
                        if link.get("class") == "footnote-backref":
                            link.set("title", self.title % {"number": number})
                break  # one list of notes, as Python-Markdown makes it


class _NoteMarks(FootnoteInlineProcessor):
    """Footnote marks, as the footnotes extension makes them, noting each one that no note is
    given for: it shows as written ("a claim[^1]"), and said nothing of it."""

    def __init__(self, pattern: str, footnotes: FootnoteExtension, findings: Findings) -> None:
        super().__init__(pattern, footnotes)
        self.findings = findings

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str | None, int | None, int | None]:  # type: ignore[override]  # as InlineProcessor's
        made = super().handleMatch(m, data)
        label = m.group(1)
        # "[^1](url)" and "[^1][ref]" are links, whose text is "^1".
        if made[0] is None and data[m.end() : m.end() + 1] not in ("(", "[") and label not in self.findings.missing_notes:
            self.findings.missing_notes.append(label)
        return made


class _OpenBlocks(Preprocessor):
    """Ends the blocks of raw HTML that nothing closes (``end_open_blocks``), noting them."""

    def __init__(self, md: markdown.Markdown, findings: Findings) -> None:
        super().__init__(md)
        self.findings = findings

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" not in source:
            return lines
        ended, unclosed = end_open_blocks(self.md, source)
        if not unclosed:
            return lines
        self.findings.unclosed += unclosed
        return ended.split("\n")


# An end tag as html.parser finds one: "</", maybe spaces, a name.
_END_TAG_RE = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)")


def end_open_blocks(md: markdown.Markdown, source: str) -> tuple[str, list[Unbalanced]]:
    """``source`` (as Python-Markdown's preprocessors hand it on) with each block of raw HTML
    that nothing closes ended at its first blank line, the end tags of what it leaves open
    added there; and those blocks' first tags, in order.

    Python-Markdown reads a block that starts with a tag (``<p>``, ``<div>``, an ``<iframe>``
    or ``<script>`` embed) as HTML up to the end tag that closes it; a block with none runs
    to the end of the text. All the Markdown after it then shows as written (``## Heading``,
    ``*words*``, ``[^1]``), its ``<https://...>`` links vanish as unknown tags, and after an
    ``<iframe>`` or ``<script>`` every word is hidden, or run as script. Ended at its first
    blank line, as CommonMark ends any such block, the text after it is Markdown again. A
    block that an end tag does close is left as Python-Markdown reads it, blank lines and all.
    """
    ends: dict[str, list[int]] = {}
    for match in _END_TAG_RE.finditer(source):
        ends.setdefault(match[1].lower(), []).append(match.start())
    line_starts = [0, *(match.end() for match in re.finditer("\n", source))]
    # The extractor keeps raw HTML in the stash of the Markdown it is given: one of its own,
    # so that reading ahead here leaves nothing in the conversion's.
    kept = md.htmlStash
    md.htmlStash = HtmlStash()
    fixes: list[_End] = []
    left_open: set[int] = set()
    try:
        start = 0
        while True:
            reader = _BlockReader(md, start, line_starts, ends, fixes, left_open)
            try:
                reader.feed(source[start:])
                reader.close()
            except _ReadAgain as again:
                # Past the end tags added and the blank line, Python-Markdown starts afresh,
                # as a new reader does.
                start = again.at
                continue
            break
    finally:
        md.htmlStash = kept
    if not fixes:
        return source, []
    parts: list[str] = []
    done = 0
    for fix in fixes:
        parts += (source[done : fix.at], fix.closes)
        done = fix.at
    parts.append(source[done:])
    unclosed: list[Unbalanced] = []
    counted: dict[str, tuple[int, int]] = {}
    """Start tag as written -> how many times it is in ``source`` before where it was last counted to."""
    for fix in fixes:
        done, nth = counted.get(fix.written, (0, 0))
        nth += source.count(fix.written, done, fix.opened)
        counted[fix.written] = (fix.opened, nth)
        unclosed.append(Unbalanced(fix.written, nth, fix.closes, how="block"))
    return "".join(parts), unclosed


@dataclass(frozen=True, slots=True)
class _End:
    """A block of raw HTML nothing closes, ended at its first blank line."""

    written: str
    """Its first tag, as written."""
    opened: int
    """Where that tag is in the text."""
    at: int
    """Where its first blank line starts: where ``closes`` goes."""
    closes: str
    """The end tags of what it leaves open there."""


class _ReadAgain(Exception):
    """Raised by _BlockReader to have the text read again from ``at``, by a new reader."""

    def __init__(self, at: int) -> None:
        super().__init__(at)
        self.at = at


class _BlockReader(HTMLExtractor):
    """Python-Markdown's own reader of raw HTML blocks, given ``source`` from ``start`` on,
    which adds each block no end tag ahead can close to ``fixes``, and reads on as
    Python-Markdown reads the text with that block ended."""

    def __init__(
        self, md: markdown.Markdown, start: int, line_starts: list[int], ends: dict[str, list[int]], fixes: list[_End], left_open: set[int]
    ) -> None:
        super().__init__(md)
        self.start = start
        self.line_starts = line_starts
        """Where each line of ``source`` starts."""
        self.first_line = bisect.bisect_right(line_starts, start) - 1
        """The line of ``source`` the reading starts in (its line 1)."""
        self.ends = ends
        """Where each end tag of ``source`` is, by the name it closes."""
        self.fixes = fixes
        self.left_open = left_open
        """Where the start tags are that a block read to the end of the text left open: what
        no end tag after them closes, read again as the first tag of a block or not."""
        self.opened: list[tuple[str, int]] = []
        """The elements of the block open in ``self.stack``: their start tags as written, and where."""
        self.blank: tuple[int, tuple[str, ...]] | None = None
        """The block's first blank line, and the names open there."""

    def _at(self) -> int:
        """Where the reading is, in ``source``."""
        line, column = self.getpos()
        return self.start + column if line == 1 else self.line_starts[self.first_line + line - 1] + column

    def handle_starttag(self, tag: str, attrs: Sequence[tuple[str, str]]) -> None:  # type: ignore[override]  # as HTMLExtractor's
        at = self._at()
        depth = len(self.stack)
        super().handle_starttag(tag, attrs)
        if self.inraw and len(self.stack) > depth:
            if depth == 0:  # a new block
                self.opened, self.blank = [], None
            self.opened.append((self.get_starttag_text(), at))

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        del self.opened[len(self.stack) :]

    def handle_data(self, data: str) -> None:
        if self.inraw and self.stack and (blank := inner_blank_line_re.search(data)):
            at = self._at() + blank.start()
            if self.blank is None:
                self.blank = (at, tuple(self.stack))
            # Ended here, at its first blank line, if nothing can close it. (Found later, or
            # inside a <script> whose text is not yet read for tags, it is read to the end of
            # the text, to know all it leaves open, and then again from that blank line.)
            if self.blank[0] == at and self.cdata_elem is None and self._never_closed(at):
                super().handle_data(data[: blank.start()])
                self._end()
                # As Python-Markdown is after the end tag that ends a block, a blank line next.
                self.inraw = self.intail = False
                self.stack = []
                self.opened, self.blank = [], None
                data = data[blank.start() :]
        super().handle_data(data)

    def close(self) -> None:
        super().close()
        if self.inraw and self.stack and self.blank is not None:
            # Ran to the end of the text: the end tags ahead closed something else.
            self._end()
            self.left_open.update(at for _, at in self.opened)
            raise _ReadAgain(self.blank[0])

    def _never_closed(self, at: int) -> bool:
        """Whether no end tag after ``at`` can close the block: only one of the name of its
        first tag can, and none can if that tag was left open to the end of the text when
        read before (the end tags after it act on what is open above it as they did then).
        Otherwise the block may run to the end of the text, and is read again from its first
        blank line: "<p>a<p>b<p>c</p>", each <p> followed by a blank line, is read twice, not
        once per <p> from it to the end."""
        if self.opened[0][1] in self.left_open:
            return True
        ahead = self.ends.get(self.stack[0], [])
        return bisect.bisect_right(ahead, at) == len(ahead)

    def _end(self) -> None:
        """Adds the block being read to ``fixes``, ended at its first blank line."""
        assert self.blank is not None
        at, names = self.blank
        written, opened = self.opened[0]
        self.fixes.append(_End(written, opened, at, "".join(f"</{name}>" for name in reversed(names))))

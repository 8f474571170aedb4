"""The one place for escaping and cleaning text: seed text -> Markdown that renders
as the same visible text, XML-forbidden characters, titles, and plain-text summaries."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def decode_utf8(data: bytes) -> str:
    """Text saved as UTF-8, with or without a byte order mark (Windows editors write one).
    Raises UnicodeDecodeError, its offsets in ``data``, mark included (errors.not_utf8
    says them)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # utf-8-sig counts offsets after the mark; the file's bytes count it.
        shift = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        raise UnicodeDecodeError(e.encoding, data, e.start + shift, e.end + shift, e.reason) from None


def find_xml_illegal(text: str) -> tuple[int, str] | None:
    """(line number, character) of the first XML-forbidden character, or None."""
    match = XML_ILLEGAL_RE.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1, match.group()


def strip_xml_illegal(text: str) -> str:
    return XML_ILLEGAL_RE.sub("", text)


# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069)
# and marks (LRM, RLM, ALM). In a title they can make it read backwards or spill its
# direction into the page, feed reader or browser tab around it.
BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Categories that draw nothing by themselves: format characters (zero-width spaces and
# joiners, U+2060, U+FEFF), controls, separators, and combining marks with no base.
_INVISIBLE_CATEGORIES = frozenset(("Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"))
# Letters and symbols that render as blank space, a known way to fake an empty name.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def clean_title(text: str) -> str:
    """``text`` without bidirectional control characters, whitespace folded to single spaces."""
    return " ".join(BIDI_CONTROLS_RE.sub("", text).split())


def fold_whitespace(text: str) -> str:
    """``" ".join(text.split())``: each run of whitespace one space, none at either end.

    Made without splitting the text into its words where its only whitespace is single
    spaces, single line ends and paragraph breaks of two (Markdown as written, its HTML):
    the breaks and line ends made spaces, it is folded when no two spaces follow each other,
    none is at an end and nothing else is whitespace (no whitespace but the space is
    printable). Split into words, an article's text of 2 KB took 17 us; tests compare the two.
    """
    spaced = " ".join(text.split("\n\n")).replace("\n", " ")
    if spaced[:1] == " " or spaced[-1:] == " " or "  " in spaced or not spaced.isprintable():
        return " ".join(text.split())
    return spaced


# The commas other scripts write a list with: the Arabic one (Arabic, Persian, Urdu: what an
# Arabic keyboard types for ","), the ideographic one of Chinese and Japanese lists and the
# full-width one of their keyboards.
SCRIPT_COMMAS = "\u060c\u3001\uff0c"
_SCRIPT_COMMA_RE = re.compile(f"[{SCRIPT_COMMAS}]")
_ANY_COMMA_RE = re.compile(f"[,{SCRIPT_COMMAS}]")


def split_names(text: str, ascii_comma: bool = True) -> list[str]:
    """The names of a list written as text (``World, Asia``; ``طاقة، لبنان``), split at the
    comma of any script, each name stripped; empty ones left out. With ``ascii_comma`` false,
    the ASCII comma is kept: a YAML list's item holds one only where it was quoted on purpose."""
    pattern = _ANY_COMMA_RE if ascii_comma else _SCRIPT_COMMA_RE
    return [name for name in (part.strip() for part in pattern.split(text)) if name]


def is_visible(text: str) -> bool:
    """True when ``text`` has at least one character that shows on the page."""
    return any(
        char not in _BLANK_CHARACTERS and unicodedata.category(char) not in _INVISIBLE_CATEGORIES for char in text
    )


# For headline_key, one str.translate (a regular expression per kind took 9 µs a headline,
# and every title of the site is keyed for the related headlines of its article pages):
# quotation marks and apostrophes, straight and typographic, are left out (a headline pasted
# from a word processor has curly ones, a seed's often none at all: "Koreas", "cant"), and
# so are bidirectional controls; hyphens, dashes and minus signs are all "-".
_QUOTES = "\"'`\u00ab\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u2039\u203a\u300c\u300d\u300e\u300f\uff02\uff07"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_HEADLINE_TABLE = str.maketrans({**dict.fromkeys(_QUOTES + _BIDI), **dict.fromkeys(_DASHES, "-")})
# What may end a headline without making it another: "Rates rise." is "Rates rise".
_TRAILING = ".,;:!?\u2026 "


def headline_key(text: str) -> str:
    """A headline as it is matched with another: case, quotation marks and apostrophes,
    the kind of dash and the spaces around it ("A – B", "A - B", "A—B"), runs of spaces
    and trailing punctuation set aside, as a reader sets them aside. Two headlines an
    editor means as one have the same key."""
    if text.isascii():  # most headlines: three replaces cost a fifth of the translation
        text = text.lower().replace('"', "").replace("'", "").replace("`", "")
        # Spaces folded only where there is something to fold (titles are, as read: 3 µs).
        if "  " in text or not text.isprintable() or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
    else:
        text = " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_HEADLINE_TABLE).split())
    if "-" in text:
        text = text.replace(" -", "-").replace("- ", "-")
    return text.rstrip(_TRAILING)


# Characters Python-Markdown treats as markup anywhere in a line and accepts a backslash
# escape for (``|`` joins them once the tables extension is on, which we enable).
_INLINE_ESCAPE_RE = re.compile(r"([\\`*_\[\]{}|!])")
# Block markup recognised at the start of a line. Ordered lists and headings take a
# backslash; the rest only exist in extensions and get a numeric character reference.
_LINE_START_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(#)"), r"\\\1"),
    (re.compile(r"^([+-])(?=\s|$)"), r"\\\1"),
    (re.compile(r"^(\d+)([.)])(?=\s|$)"), r"\1\\\2"),
    (re.compile(r"^(:)"), "&#58;"),
    (re.compile(r"^(~)"), "&#126;"),
)


def escape_markdown(paragraph: str) -> str:
    """Markdown source that Python-Markdown renders as exactly ``paragraph``'s text.

    Seed text is untrusted: ``<script>``, ``# heading``, ``1. list``, ``> quote``,
    ``| table``, ``[x](javascript:…)`` must all stay visible text, never markup.
    """
    lines = []
    for raw in paragraph.split("\n"):
        # Leading indentation would start a code block; trailing double spaces a <br>.
        line = raw.strip()
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        line = _INLINE_ESCAPE_RE.sub(r"\\\1", line)
        if re.fullmatch(r"[=-]+", line):
            # A setext heading underline; a reference keeps the first one from counting.
            line = f"&#{ord(line[0])};{line[1:]}"
        else:
            for pattern, replacement in _LINE_START_RULES:
                line = pattern.sub(replacement, line, count=1)
        lines.append(line)
    return "\n".join(lines)


# Tags (start or end) after which the text reads as a new word: a browser puts what follows
# on a line, or in a cell, of its own ("<td>one<td>two" is not "onetwo", nor a tweet's
# "<p>Hello</p>&mdash; Someone" "Hello—").
_BLOCK_TAGS = frozenset((
    "p", "br", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td", "th", "caption", "table",
    "ul", "ol", "dl", "dt", "dd", "pre", "hr", "figure", "figcaption", "details", "summary", "section", "article",
    "aside", "header", "footer", "nav", "main", "address", "hgroup", "fieldset", "legend",
))  # fmt: skip


_VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))
# Elements whose text is code or hidden markup, never shown as words: left out of the
# text (a summary, the meta description) whatever the notes.
_HIDDEN_TAGS = frozenset(("script", "style", "template"))
# What Python-Markdown's footnotes extension adds around the text: the reference mark, the
# notes at the end and their back-links. Not part of what an article says first.
_NOTE_CLASSES = frozenset(("footnote", "footnote-ref", "footnote-backref"))
# Code blocks (a fenced or indented block is a <pre>): markup and code shown as they are,
# not words a summary or meta description gives of the story.
_CODE_BLOCK_TAGS = frozenset(("pre",))
# Figures (a captioned picture, a chart, a pull quote with its credit): set beside the text,
# not its running words; a story that opens with a photo opens with its first sentence, not
# the caption.
_FIGURE_TAGS = frozenset(("figure",))
# Tables (a results grid, a timetable): cells of data read across and down, which run
# together as a sentence make no sense ("Road Status A39 Closed B3301 Open"), not the
# opening words of the story.
_TABLE_TAGS = frozenset(("table",))
# Headings (## What happens next): labels over the text, not sentences of it; run into the
# words around them they read as one ("in the post. What happens next A successor will...").
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


class _TextExtractor(HTMLParser):
    def __init__(self, notes: bool = True, code: bool = True, figures: bool = True, tables: bool = True, headings: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.notes = notes
        self.code = code
        self.figures = figures
        self.tables = tables
        self.headings = headings
        self._skipping: list[str] = []
        """The open elements from a footnote element, code block, figure, table or heading in, while left out."""

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            if tag not in _VOID_TAGS:
                self._skipping.append(tag)
            return
        classes = set((dict(attrs).get("class") or "").split())
        notes = not self.notes and classes & _NOTE_CLASSES and tag not in _VOID_TAGS
        code = not self.code and tag in _CODE_BLOCK_TAGS
        figure = not self.figures and tag in _FIGURE_TAGS
        table = not self.tables and tag in _TABLE_TAGS
        heading = not self.headings and tag in _HEADING_TAGS
        if tag in _HIDDEN_TAGS or notes or code or figure or table or heading:
            self._skipping.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipping:  # closing elements left open inside it too
            while self._skipping.pop() != tag:
                pass
        elif tag in _BLOCK_TAGS and not self._skipping:
            self.parts.append(" ")


# A hidden element's start. The tag's name ends where a space, "/" or ">" follows:
# <style-guide> is a custom element whose text shows, not a <style> (\b would stop at its "-").
_HIDDEN_START_RE = re.compile(rf"<({'|'.join(sorted(_HIDDEN_TAGS))})(?=[\s/>])", re.IGNORECASE)
_HIDDEN_END_RES = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _HIDDEN_TAGS}
_COMMENT_END_RE = re.compile("-->")
_TAG_END_RE = re.compile(">")
_TAG_NAME_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")


@dataclass(frozen=True, slots=True)
class Edit:
    """A change to a text: its characters from ``start`` to ``end`` replaced by ``text``."""

    start: int
    end: int
    text: str


class EditingParser(HTMLParser):
    """An HTML parser that knows where in its ``source`` each thing it reads stands, and
    gathers edits of that source as it reads: the markup is mended or rewritten where it
    needs it and left byte for byte everywhere else (a serialised tree would change it all)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.edits: list[Edit] = []
        """In order of ``start``, none overlapping another."""
        self._line_starts = [0, *(m.end() for m in _NEWLINE_RE.finditer(source))]

    def source_offset(self) -> int:
        """Where in ``source`` the tag being handled starts (HTMLParser counts in lines)."""
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def edited(self) -> str:
        """``source`` with the edits made: the same string when there are none."""
        if not self.edits:
            return self.source
        parts: list[str] = []
        done = 0
        for edit in self.edits:
            parts += (self.source[done : edit.start], edit.text)
            done = edit.end
        parts.append(self.source[done:])
        return "".join(parts)


_NEWLINE_RE = re.compile("\n")


def read_html(parser: HTMLParser, markup: str) -> None:
    """Give ``parser`` the whole of ``markup`` and end it as browsers end a page: what it
    could not finish by the end (an unclosed comment, tag or declaration, which runs to the
    end of the text) is no text. ``HTMLParser.close()`` reads the "<" of each such thing as
    text and looks for its end again from the next one, in time quadratic in their number
    (CPython gh-135462): a seed's "Source:" line of 20,000 ``<!--x>`` took 8 s, of 2 MB half
    an hour. Raises AssertionError as the standard library's tokenizer does."""
    parser.feed(markup)
    if not parser.rawdata.startswith("<"):  # text with a character reference cut short, at most
        parser.close()


def html_to_text(
    markup: str, notes: bool = True, code: bool | None = None, figures: bool | None = None, tables: bool | None = None, headings: bool | None = None
) -> str:
    """Visible text of an HTML fragment, whitespace folded; without footnotes and their
    marks when ``notes`` is False (for a summary), and without code blocks when ``code``
    is False, figures (their captions and credits) when ``figures`` is False, tables
    when ``tables`` is False and headings when ``headings`` is False (each by default as
    ``notes`` is)."""
    # Paragraphs and nothing else (no "<" but theirs), as sitegen writes plain text: nearly
    # every article of a news site. The parser reads each tag of theirs as a space and
    # decodes the character references of the text between them: done here in one pass, a
    # tenth of its time (a clean build of 10,000 articles spent a second in it).
    spaced = _PARAGRAPH_TAG_RE.sub(" ", markup)
    if "<" not in spaced:
        return " ".join(html.unescape(spaced).split())
    return _parsed_text(markup, notes, code, figures, tables, headings)


_PARAGRAPH_TAG_RE = re.compile("</?p>")


def _parsed_text(markup: str, notes: bool, code: bool | None, figures: bool | None, tables: bool | None, headings: bool | None) -> str:
    """``html_to_text`` by the standard library's parser: any markup."""
    parser = _TextExtractor(
        notes,
        notes if code is None else code,
        notes if figures is None else figures,
        notes if tables is None else tables,
        notes if headings is None else headings,
    )
    try:
        read_html(parser, markup)
    except AssertionError:
        # The standard library's tokenizer raises AssertionError on some hand-written
        # markup (a marked section such as "<![ ]>"); such a body still needs a summary.
        return _strip_tags(markup)
    return " ".join("".join(parser.parts).split())


# What could open a tag, a comment or a declaration, as an HTML parser reads "<".
_TAG_OPEN_RE = re.compile(r"<(?=[A-Za-z/!?])")


def without_markup(line: str) -> str:
    """What a person reads in a line of plain text that may hold HTML (a seed's "Source:"
    line pasted from a web page): with a tag in it, its visible text (tags, comments and
    hidden elements removed, entities decoded); without, ``line`` as written. No tag is
    left even as text: markup escaped in it (``&lt;b&gt;``) is removed once decoded, and a
    "<" that could still open one is dropped (an unclosed ``<b`` runs to the end of the
    line and shows nothing, as in a browser)."""
    for _ in range(3):
        if not _TAG_OPEN_RE.search(line):
            return line
        text = html_to_text(line)
        if text == line:
            break
        line = text
    return _TAG_OPEN_RE.sub("", line)


def has_text(markup: str) -> bool:
    """Whether an HTML fragment shows any words: a yes or no, by the plain pattern (twenty
    times faster than html_to_text, asked of every document of the search index)."""
    return bool(_shown(markup).strip())


def has_words(markup: str) -> bool:
    """Whether an HTML fragment shows a letter or a digit: text of only punctuation ("…",
    "* * *", "<<<") shows, but a search index finds no word in it (Pagefind leaves the page
    out, and fails when it finds no other)."""
    return _ALNUM_RE.search(_shown(markup)) is not None


_ALNUM_RE = re.compile(r"[^\W_]")  # what str.isalnum() is true of
_ANY_TAG_RE = re.compile(r"<[^>]*>")
_COMMENT_OR_HIDDEN_RE = re.compile(rf"<!--|<(?:{'|'.join(sorted(_HIDDEN_TAGS))})(?=[\s/>])", re.IGNORECASE)


def _shown(markup: str) -> str:
    """The characters ``_strip_tags`` shows of ``markup`` (its spaces aside). Without a
    comment or a hidden element, which only _strip_tags reads right, it takes out from each
    "<" all to the next ">", as one pattern in C does: asked of every document of the search
    index, _strip_tags took 0.2 ms each (2 s a clean build of 10,000 articles), the pattern
    a hundredth of that."""
    if _COMMENT_OR_HIDDEN_RE.search(markup):
        return _strip_tags(markup)
    return html.unescape(_ANY_TAG_RE.sub(" ", markup))


def _strip_tags(markup: str) -> str:
    """Visible text of ``markup`` by plain patterns: what html_to_text falls back on. At each
    "<", a comment to its "-->", a hidden element whole (to its end tag), or else anything to
    the next ">" (a tag, a declaration or a marked section) is taken out; a "<" none of them
    ends stays, as text.

    Linear in the length of ``markup``: an end looked for and not found is not looked for
    again from further on. (One pattern of the three ways, ``<!--.*?-->|<(script|...).*?</\1>|<[^>]*>``,
    looked from every "<" to the end of the text: 2 MB of ``<!--x>`` took it an hour.)"""
    parts: list[str] = []
    missing: dict[re.Pattern[str], int] = {}
    """Ends found nowhere from this position on, nor from any after it."""

    def end_of(pattern: re.Pattern[str], start: int) -> int:
        """Where the first match of ``pattern`` from ``start`` ends; -1 if none."""
        if missing.get(pattern, len(markup) + 1) <= start:
            return -1
        found = pattern.search(markup, start)
        if found is None:
            missing[pattern] = start
            return -1
        return found.end()

    done = at = 0
    while (at := markup.find("<", at)) != -1:
        end = -1
        if markup.startswith("<!--", at):
            end = end_of(_COMMENT_END_RE, at + 4)
        elif hidden := _HIDDEN_START_RE.match(markup, at):
            end = end_of(_HIDDEN_END_RES[hidden[1].lower()], hidden.end())
        if end == -1:
            end = end_of(_TAG_END_RE, at + 1)
        if end == -1:
            at += 1
            continue
        name = _TAG_NAME_RE.match(markup, at, end)
        parts += (markup[done:at], " " if name and name[1].lower() in _BLOCK_TAGS else "")
        done = at = end
    parts.append(markup[done:])
    return " ".join(html.unescape("".join(parts)).split())


def summarize(text: str, limit: int = 280) -> str:
    """First ``limit`` characters of ``text``, cut at a word boundary with an ellipsis."""
    # Only the start of the text, its whitespace folded, is read: folded from twice as much
    # of it as is kept, when that is enough (a summary of a whole text read the whole text).
    # Folding a start of the text gives the start of the text folded.
    if limit > 0 and len(text) > 2 * limit and len(head := " ".join(text[: 2 * limit].split())) > limit:
        return _cut(head, limit)
    return _cut(" ".join(text.split()), limit)


def _cut(text: str, limit: int) -> str:
    """``summarize`` of ``text``, its whitespace folded."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    else:
        # A script written without spaces (Chinese, Japanese) or a very long word: cut between
        # two characters as they are shown (never "東京…" for a whole paragraph), and never
        # inside one: an accent or an emoji sequence stays with what it joins.
        end = len(cut)
        while end > 0 and _joins_previous(text, end):
            end -= 1
        cut = text[:end]
    return cut.rstrip(" ,;:.-–—") + "…"


def _joins_previous(text: str, at: int) -> bool:
    """Whether ``text[at]`` is shown as part of the character before it: a combining mark,
    a variation selector, an emoji skin tone, what a zero-width joiner joins, or the second
    letter of a flag (two regional indicators, paired from the first)."""
    char = text[at]
    if _is_regional(char):
        before = at
        while before > 0 and _is_regional(text[before - 1]):
            before -= 1
        return (at - before) % 2 == 1
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or text[at - 1] == "\u200d"
    )


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


MAX_DEPTH = 512
"""The deepest nesting of elements an article's HTML may have: as deep as browsers build a
page (Chromium's parser flattens deeper ones). The sanitiser's time grows with the square
of the depth: 100,000 nested ``<div>`` in a 1 MB file took it two minutes."""

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Start tags that end an open element of these names first, as HTML's tree builder does:
# "<p>a<p>b" is two paragraphs side by side, not one inside the other.
_ENDS_OPEN = {
    "p": {"p"}, "div": {"p"}, "ul": {"p"}, "ol": {"p"}, "table": {"p"}, "blockquote": {"p"}, "pre": {"p"},
    "h1": {"p"}, "h2": {"p"}, "h3": {"p"}, "h4": {"p"}, "h5": {"p"}, "h6": {"p"}, "figure": {"p"}, "section": {"p"},
    "li": {"li", "p"}, "dt": {"dt", "dd", "p"}, "dd": {"dt", "dd", "p"}, "tr": {"tr", "td", "th"}, "td": {"td", "th"},
    "th": {"td", "th"}, "option": {"option"},
}  # fmt: skip


def nesting_depth(markup: str) -> int:
    """How deep the elements of ``markup`` nest, as a browser builds them; past MAX_DEPTH it
    stops counting. Void elements hold nothing, an end tag closes what it names and all
    opened after it, and a start tag first ends an open element HTML lets it end (``<p>a<p>b``
    is two paragraphs side by side). ``<div/>`` opens a div, as in HTML."""
    if (tags := markup.count("<")) <= MAX_DEPTH:  # too few tags to nest deeper: the common case, at once
        return tags
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    for match in _TAG_RE.finditer(markup):
        closing, name = match[1], match[2].lower()
        if name in _VOID_TAGS:
            continue
        if closing:
            if open_count.get(name):
                while True:  # each element is taken off once: linear in all
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        ends = _ENDS_OPEN.get(name)
        while ends and stack and stack[-1] in ends:
            open_count[stack.pop()] -= 1
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        deepest = max(deepest, len(stack))
        if deepest > MAX_DEPTH:
            break
    return deepest


# Elements HTML lets a text leave open: the next cell, item or paragraph, or the end of the
# element around it, ends them. Any other left open is a mistake worth naming.
_END_OPTIONAL = frozenset(("p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "colgroup", "caption", "option", "optgroup", "rt", "rp"))
# Elements whose content is text up to their end tag: one left open takes in the rest of the page.
_RAW_TEXT = ("script", "style", "iframe", "textarea", "title", "xmp", "noembed", "noframes", "noscript")
_RAW_TEXT_END_RES = {name: re.compile(rf"</\s*{name}(?![-.a-zA-Z0-9:_])", re.IGNORECASE) for name in _RAW_TEXT}
"""An end tag that may close each of them (a little more than the parser takes for one)."""
# Where "<x/>" closes what it opens, as in XML: inside inline SVG and MathML.
_FOREIGN = frozenset(("svg", "math"))
# The elements of HTML, those browsers still know from older HTML included (WHATWG's list and
# its obsolete elements). Any other name (the text's "<name>", "<Password>") is no element: a
# browser shows nothing of the tag. A custom element has a "-" in its name, a namespaced one
# pasted from a word processor a ":" (<o:p>), and SVG and MathML have names of their own.
_HTML_ELEMENTS = frozenset((
    "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b", "base", "basefont", "bdi", "bdo",
    "bgsound", "big", "blink", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
    "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed",
    "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6",
    "head", "header", "hgroup", "hr", "html", "i", "iframe", "image", "img", "input", "ins", "isindex", "kbd", "keygen",
    "label", "legend", "li", "link", "listing", "main", "map", "mark", "marquee", "math", "menu", "menuitem", "meta", "meter",
    "multicol", "nav", "nextid", "nobr", "noembed", "noframes", "noscript", "object", "ol", "optgroup", "option", "output",
    "p", "param", "picture", "plaintext", "pre", "progress", "q", "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "script",
    "search", "section", "select", "selectedcontent", "slot", "small", "source", "spacer", "span", "strike", "strong",
    "style", "sub", "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time",
    "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr", "xmp",
))  # fmt: skip


Mend = Literal["", "block", "text", "after", "unknown"]


@dataclass(frozen=True, slots=True)
class Unbalanced:
    """A tag ``balance_html`` mended: one left open, or an end tag that closed nothing; or
    one that opened a block of raw HTML nothing closed."""

    written: str
    """The tag as written (``<div class="note">``, ``</div>``, ``<!--``)."""
    nth: int
    """How many times the same text came before it in the HTML (to find its line)."""
    closes: str
    """The end tag added for it, or "" for a tag left out or shown as text."""
    where: str = ""
    """Where ``closes`` was added: "" for the end of the text, else the end tag it was added before."""
    how: Mend = ""
    """How it was mended, if not by ``closes`` added at ``where``: "block", it opens a block of
    raw HTML that nothing closes, which Markdown would have read to the end of the text,
    ``closes`` added at its first blank line (markdown_ext.end_open_blocks); "text", its
    start tag shown as text: an element whose content is hidden or run (an ``<iframe>``, a
    ``<script>``) that nothing closes, ``closes`` the end tag it lacks, or a ``<plaintext>``,
    which no end tag closes (``closes`` ""); "after", ``closes`` added right after it: an
    ``<iframe/>``, which HTML does not end at its "/"; "unknown", shown as text: a tag of a
    name no HTML element has (``<name>``), of which a browser shows nothing."""


class _Balancer(EditingParser):
    """Reads an HTML fragment as a browser would place it inside an element of a page, and
    notes where it must be mended to leave that page's elements as they were."""

    CDATA_CONTENT_ELEMENTS = _RAW_TEXT  # type: ignore[misc]  # Final in typeshed, a class attribute HTMLParser reads

    def __init__(self, markup: str) -> None:
        super().__init__(markup)
        self.open: list[tuple[str, str, int]] = []
        """The elements open: name, start tag as written, its ``nth``."""
        self.problems: list[Unbalanced] = []
        self.seen: dict[str, int] = {}
        self.unclosed_from: dict[str, int] = {}
        """Name of a raw text element -> a place in ``markup`` from which no end tag closes one."""
        self.as_text = False
        """The start tag just read is shown as text: its content is not raw text either."""

    def _nth(self, written: str) -> int:
        nth = self.seen.get(written, 0)
        self.seen[written] = nth + 1
        return nth

    def _unknown(self, tag: str, written: str) -> bool:
        """Whether the tag being read, ``written``, is of a name no element has ("the <name>
        field", "<Password>"): then it is shown as text, and the problem noted."""
        if tag in _HTML_ELEMENTS or "-" in tag or ":" in tag or any(name in _FOREIGN for name, _, _ in self.open):
            return False
        at = self.source_offset()
        self.edits.append(Edit(at, at + 1, "&lt;"))
        self.problems.append(Unbalanced(written, self._nth(written), "", how="unknown"))
        return True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = self.get_starttag_text() or f"<{tag}>"
        if tag in _VOID_TAGS or self._unknown(tag, written):
            return
        if tag == "plaintext" or (tag in _RAW_TEXT and not self._closed_ahead(tag)):
            # Not closed: all after it would be its content, hidden (an <iframe>'s, a <style>'s),
            # run (a <script>'s) or, after a <plaintext>, which no end tag ends, the page's own
            # markup shown as text. Most likely words about the tag ("the <script> tag"): its
            # start tag is shown as such, and what follows is read as it was written.
            at = self.source_offset()
            self.edits.append(Edit(at, at + 1, "&lt;"))
            self.problems.append(Unbalanced(written, self._nth(written), f"</{tag}>" if tag != "plaintext" else "", how="text"))
            self.as_text = tag in self.CDATA_CONTENT_ELEMENTS  # (the parser sets its mode next)
            return
        ends = _ENDS_OPEN.get(tag)
        while ends and self.open and self.open[-1][0] in ends:
            self.open.pop()  # "<li>a<li>b": ended as HTML ends it
        self.open.append((tag, written, self._nth(written)))

    def _closed_ahead(self, tag: str) -> bool:
        """Whether an end tag after the one being read may close the raw text element ``tag``
        (linear in all: a place found to have none after it is not searched from again)."""
        at = self.source_offset()
        if self.unclosed_from.get(tag, len(self.source) + 1) <= at:
            return False
        if _RAW_TEXT_END_RES[tag].search(self.source, at) is None:
            self.unclosed_from[tag] = at
            return False
        return True

    def set_cdata_mode(self, elem: str, **kwargs: bool) -> None:
        if self.as_text:  # its start tag is text: what follows is not its content
            self.as_text = False
            return
        super().set_cdata_mode(elem, **kwargs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FOREIGN or any(name in _FOREIGN for name, _, _ in self.open):
            self._nth(self.get_starttag_text() or "")
            return  # <path/> in an SVG: closed
        if self._unknown(tag, self.get_starttag_text() or f"<{tag}/>"):
            return
        if tag in _RAW_TEXT and not self._closed_ahead(tag):
            # "<iframe src=... />", empty as XML writes it: in HTML its "/" closes nothing, and
            # it would take in all that follows. Ended where it was meant to end.
            written = self.get_starttag_text() or f"<{tag}/>"
            end = self.source_offset() + len(written)
            self.edits.append(Edit(end, end, f"</{tag}>"))
            self.problems.append(Unbalanced(written, self._nth(written), f"</{tag}>", how="after"))
            return
        # In HTML the "/" closes nothing: "<div/>" opens a div, "<iframe/>" takes in what follows.
        self.handle_starttag(tag, attrs)
        if tag in self.CDATA_CONTENT_ELEMENTS:
            self.set_cdata_mode(tag)

    def handle_endtag(self, tag: str) -> None:
        at = self.source_offset()
        end = self.source.find(">", at) + 1 or len(self.source)
        written = self.source[at:end]
        if self._unknown(tag, written):
            return
        nth = self._nth(written)
        names = [name for name, _, _ in self.open]
        if tag not in names:
            if tag not in _VOID_TAGS:  # ("</br>" is a line break, as browsers read it)
                # It would close an element of the page around the text (its footer, say).
                self.edits.append(Edit(at, end, ""))
                if tag not in _END_OPTIONAL:
                    self.problems.append(Unbalanced(written, nth, ""))
            return
        closed = ""
        while (top := self.open.pop())[0] != tag:
            # Closed by the end tag of an element around it. Said, as the page would not
            # close it so: a <b> or <a> goes on into each paragraph after, a table's cell
            # takes in the rest of the page.
            if top[0] not in _END_OPTIONAL:  # (an item, a cell: HTML ends it there too)
                closed += f"</{top[0]}>"
                self.problems.append(Unbalanced(top[1], top[2], f"</{top[0]}>", written))
        if closed:
            self.edits.append(Edit(at, at, closed))


def balance_html(markup: str) -> tuple[str, list[Unbalanced]]:
    """``markup`` mended so that, put inside an element of a page, it ends where it ends:
    each element it leaves open closed (at the end of the text, or where an element around
    it ends), each end tag that closes nothing it opened left out, and a comment or tag cut
    short by the end of the text ended. A browser would let such an element take in the
    rest of the page (an unclosed ``<div>`` its footer, an ``<iframe>`` everything after
    it, a ``<b>`` every paragraph) and such an end tag close part of it. Also what was
    mended, in order. Markup with nothing to mend is returned as it is."""
    parser = _Balancer(markup)
    try:
        parser.feed(markup)
    except AssertionError:
        return markup, []  # a marked section the standard library's tokenizer refuses: left as it is
    edits, problems = parser.edits, parser.problems
    rest = parser.rawdata
    if rest and not parser.cdata_elem:
        start = len(markup) - len(rest)
        if rest.startswith("<!--"):
            edits.append(Edit(len(markup), len(markup), " -->"))
            problems.append(Unbalanced("<!--", markup.count("<!--", 0, start), "-->"))
        elif rest.startswith("<"):
            # A tag with no ">": shown as text, not made a tag of the page's markup after it.
            edits.append(Edit(start, start + 1, "&lt;"))
            problems.append(Unbalanced(rest.split("\n", 1)[0], 0, ""))
    if left_open := [(name, written, nth) for name, written, nth in parser.open if name not in _END_OPTIONAL]:
        edits.append(Edit(len(markup), len(markup), "".join(f"</{name}>" for name, _, _ in reversed(left_open))))
        problems += [Unbalanced(written, nth, f"</{name}>") for name, written, nth in left_open]
    return parser.edited(), problems


# The ids Python-Markdown's footnotes extension gives a note (fn:1) and its marks (fnref:1,
# fnref2:1 for a second one): the links between them lead nowhere without.
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref[0-9]*)?:")


def _footnote_ids_only(element: str, attribute: str, value: str) -> str | None:
    return None if attribute == "id" and element in ("sup", "li") and not _FOOTNOTE_ID_RE.match(value) else value


# A clip or a recording in the text (its files copied as pictures are: images.py) is part of
# the story, as a picture is: kept with its captions, its addresses checked as an img's src
# is (no javascript: or data:), and never set to play by itself (no autoplay).
_MEDIA_ATTRIBUTES = {
    "video": {"src", "poster", "controls", "width", "height", "preload", "loop", "muted", "playsinline"},
    "audio": {"src", "controls", "preload", "loop", "muted"},
    "source": {"src", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
}
# The direction and language of a passage (an Arabic quotation in an English story): without
# them a feed reader lays it out in the direction of the text around it.
_TEXT_ATTRIBUTES = {"dir", "lang"}


def sanitize_html(markup: str) -> str:
    """``markup`` through an allowlist sanitiser (nh3): formatting, text direction, links,
    images, clips and tables stay; scripts, styles, frames, event handlers and javascript:
    URLs go. Markup with no tag but ``<p>`` has nothing to take out, and is returned as it
    is. Every other body goes through, whatever its Markdown looked like:
    ``[x](javascript:…)`` holds no "<" and makes a link all the same."""
    if "<" not in markup.replace("<p>", "").replace("</p>", ""):
        return markup
    import nh3

    # Headings keep their ids: links to a section of the text lead to them; and so do
    # footnotes and their marks, which link to each other.
    attributes = {**nh3.ALLOWED_ATTRIBUTES, **{f"h{n}": {*nh3.ALLOWED_ATTRIBUTES.get(f"h{n}", ()), "id"} for n in range(1, 7)}}
    attributes |= {tag: {*nh3.ALLOWED_ATTRIBUTES.get(tag, ()), "id"} for tag in ("sup", "li")}
    attributes |= _MEDIA_ATTRIBUTES | {"*": _TEXT_ATTRIBUTES}
    tags = nh3.ALLOWED_TAGS | _MEDIA_ATTRIBUTES.keys()
    # No rel="noopener noreferrer" added: the links are the author's, shown as written.
    return nh3.clean(markup, tags=tags, attributes=attributes, attribute_filter=_footnote_ids_only, link_rel=None)

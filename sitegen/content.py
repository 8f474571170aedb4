"""``content/*.md`` -> ``Article``: front matter, then Python-Markdown to HTML.

Content files are edited by hand and may hold anything: every problem in one becomes a
ContentError naming the file (and line where known), and the work one file can cause is
bounded (its size, YAML aliases refused, a time limit on Markdown).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import itertools
import json
import os
import re
import shlex
import signal
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from . import cache, dates, text, urls
from . import images as images_mod
from .cache import ArticleImage, ArticleRecord, AuthorRecord, DateRecord, FileRecord, FileState, ImageRecord, ParseRecord, TagRecord
from .config import FEED_SUFFIXES, Config, check_language, find_author, meant_author, table_clash, tag_slug
from .errors import ContentError, SitegenError, line_of, lines_of, not_utf8
from .i18n import NOTE_BACKLINK, TextWords
from .images import ImageError, ImageReader
from .model import Article, Author, Correction, Image, ImageSize, Tag
from .redirects import folder_alias, pattern_in, refused_alias

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    import markdown
    import yaml

    from . import markdown_ext

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]
HEADING_EXTENSIONS = ("attr_list", "toc")
"""What a text with headings below the page's own gets besides: their ids (toc) and the
attributes written on them (attr_list)."""
# Articles written by hand without an ``id`` get one named by their file name, which
# survives title, slug and URL changes (renaming the file is the one thing that moves it).
CONTENT_NAMESPACE = uuid.UUID("b7f0e0a4-2f55-5b8e-8d3c-1e9a4c6d2a70")
TEXT_HASH = "text:"
"""How content hashes of the text as written begin; those of its HTML, which ledgers written
before hold, begin "sha256:" (model.Article.reads_as)."""
MARKDOWN_SECONDS = 10.0
"""Python-Markdown is quadratic on some inputs (thousands of unclosed brackets): no article
may hold the build longer than this many seconds of processor time. Not of the clock, which
other work on the machine stretches: a text that converts in 2.5 s took 15 s of it on a busy
CI host, and was refused there alone."""
MAX_TAGS = 30
"""Tags an article keeps: each has a page and feeds listing the article with all its tags,
so a seed's line of 600 tags would make 600 pages of 600 links (70 MB, minutes)."""
MAX_AUTHORS = 30
"""Bylines an article keeps, for the same reason: each has a page and feeds."""
MAX_ALIASES = 100
"""Aliases an article keeps: each is a redirect page (20,000 made 60,000 files)."""


# Text in which no character can start a construct of Markdown or of the extensions above
# renders as nothing but paragraphs, with its backslash escapes resolved and its character
# references kept. Most news text, and all seed text once escaped (text.escape_markdown),
# is like that; skipping the parser for it saves about 2 ms an article. Tests compare the
# two ways on generated text. An escape is read as the character it escapes wherever it
# stands, the ones the importer puts at a line's start (``\#``, ``\-``, ``1\.``) included:
# seed text of many such lines took Python-Markdown seconds (65,000 of them, 13 s).
_SAFE_TOKEN_RE = re.compile(r"\\[\\`*_{}\[\]|!#+\-.()]|&(?:amp|lt|gt|#\d{1,7});")
# Characters that may start inline markup, and whitespace other than space and newline
# (control characters and what str.isspace() accepts: Python-Markdown strips or keeps it).
_MARKUP_CHAR_RE = re.compile(r"[\\`*_\[\]{}!<>&|~\x00-\x09\x0b-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Line starts that may open a block (heading, list, quote, rule, table, definition).
# Searched in "\n" + text + "\n", as trailing spaces (a line break, " \n") are, apart: as
# one more alternative they made the search try a match at every space of the text.
_MARKUP_LINE_RE = re.compile(r"\n(?:[ \-+=#>:]|\d+[.)])")
_UNESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]|!#+\-.()])")
_PARAGRAPH_BREAK_RE = re.compile(r"\n{2,}")


def plain_paragraphs(body: str) -> str | None:
    """The HTML Python-Markdown makes of ``body`` if it is plain paragraphs, else None."""
    text = body
    if _MARKUP_CHAR_RE.search(text):
        text = _SAFE_TOKEN_RE.sub("x", text)
        if _MARKUP_CHAR_RE.search(text):
            return None
    lined = f"\n{text}\n"
    if " \n" in lined or _MARKUP_LINE_RE.search(lined):
        return None
    if "\\" in body:
        body = _UNESCAPE_RE.sub(r"\1", body)
    body = body.strip("\n")
    if "\n\n\n" in body:
        return "\n".join(f"<p>{p}</p>" for p in _PARAGRAPH_BREAK_RE.split(body) if p)
    # Every break is two newlines (nearly every text): made the end and start of two paragraphs in place.
    return "<p>" + body.replace("\n\n", "</p>\n<p>") + "</p>" if body else ""




@dataclass
class ContentReport:
    articles: list[Article] = field(default_factory=list)
    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafts: int = 0
    draft_ids: dict[str, str] = field(default_factory=dict)
    """The drafts' article ids -> their files."""


def new_markdown(lower_headings: bool = True, findings: markdown_ext.Findings | None = None) -> markdown.Markdown:
    """Python-Markdown with our extensions, as pages show the text: its headings one level
    down (``#`` is an ``<h2>``), each with an id to link to (``#details``, or one written as
    ``## Details {#more}``). With ``lower_headings`` false: the headings as Markdown gives
    them, without ids, the HTML an article's hash is taken of (as it was before pages had
    either, so that no article shows as updated for it). Either way with sitegen's
    additions (markdown_ext), which note what they find in a text in ``findings``."""
    # Imported here: a build whose changed articles are all plain text never needs it.
    import markdown
    from markdown.treeprocessors import Treeprocessor

    from . import markdown_ext

    additions = markdown_ext.Additions(findings if findings is not None else markdown_ext.Findings())

    class Subheadings(Treeprocessor):
        """The text's headings one level down (``#`` is an ``<h2>``): the page's headline is
        its one ``<h1>``, for screen readers' outline and search engines alike; a writer's
        ``#`` was a heading within the story."""

        def run(self, root: Element) -> None:
            used = {found for element in root.iter() if (found := element.get("id")) is not None}
            kept: set[str] = set()
            """The headings' ids so far."""
            for element in root.iter():
                if element.tag not in _HEADINGS:
                    continue
                element.tag = _LOWER_HEADING.get(element.tag, element.tag)
                # One the writer gave (``{#main}``) kept clear of the page's ids too; and one
                # given empty (``{#}``) or given an earlier heading (``{#results}`` twice)
                # made one of its own, as a link can lead to one element only.
                given = element.get("id")
                if given is None:
                    continue
                if given in _PAGE_IDS or not given or given in kept:
                    stem = f"{given}-section" if given in _PAGE_IDS else given or _heading_id("".join(element.itertext()), "-")
                    made = urls.unique_slug(stem, used)
                    element.set("id", made)
                    used.add(made)
                kept.add(element.get("id") or "")

    if not lower_headings:
        return markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, additions], output_format="html")
    md = markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, *HEADING_EXTENSIONS, additions], extension_configs={"toc": {"slugify": _heading_id}}, output_format="html"
    )
    md.treeprocessors.register(Subheadings(md), "subheadings", 1)
    return md


_PAGE_IDS = frozenset(("main", "more-heading", "related-heading", "corrections-heading"))
"""Ids the theme's article page gives its own elements (base.html, article.html; a test
holds them to it): a heading's id never takes one."""


def _heading_id(text: str, separator: str) -> str:
    """A heading's id, as readable as a slug (``Détails`` -> ``details``): Python-Markdown's
    toc extension makes each unique within the text."""
    made = urls.slugify(text, fallback="section")
    return f"{made}-section" if made in _PAGE_IDS else made


_LOWER_HEADING = {f"h{n}": f"h{n + 1}" for n in range(1, 6)}
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
_HEADING_RE = re.compile(r"<h[2-6][\s>]")
"""A heading new_markdown may have lowered (a text without one converts the same either way)."""
_LEFT_OUT_RE = re.compile(r"<figure|<table|<h[1-6][\s>]", re.IGNORECASE)
"""A figure, table or heading a summary may have left out (a text without one is summed up the same either way)."""


@dataclass(frozen=True, slots=True)
class Converted:
    """A Markdown text as HTML, with what the conversion found wrong in it."""

    sha: str
    """SHA-256 of the Markdown text."""
    html: str
    unclosed: tuple[text.Unbalanced, ...] = ()
    """Blocks of raw HTML that would have taken in the rest of the text, ended at their first
    blank line (markdown_ext.end_open_blocks)."""
    missing_notes: tuple[str, ...] = ()
    """Labels of footnote marks (``[^1]``) no note is given for: they show as written."""
    open_fences: tuple[tuple[str, ...], ...] = ()
    """Fenced code nothing closes, made a code block to the end of what it is in: each its
    fence as written, then its code's lines (markdown_ext.Findings.open_fences)."""

    @property
    def noted(self) -> bool:
        """Whether there is something to warn of, which HTML looked up by ``sha`` would not say."""
        return bool(self.unclosed or self.missing_notes or self.open_fences)


class Converter:
    """Markdown -> HTML, converting each distinct text only once."""

    def __init__(self, known: dict[str, bytes] | None = None) -> None:
        self.known: dict[str, bytes] = dict(known or {})
        """SHA-256 of a Markdown text (and of the words written into it) -> its HTML, UTF-8
        (from the cache, and from this run): only of texts whose conversion found nothing to
        warn of."""
        self._md: dict[bool, markdown.Markdown] = {}
        self.findings: markdown_ext.Findings | None = None
        """What the last ``convert`` found wrong in its text (None until one needs Python-Markdown)."""

    def __call__(self, body: str, backlink_title: Callable[[], str] | None = None) -> Converted:
        """``body`` as HTML. ``backlink_title`` gives the title of a footnote's back-link in the
        text's language (i18n.NOTE_BACKLINK, translated): asked for only when the text may
        have a footnote, so that the conversion of no other text depends on the language."""
        title = backlink_title() if backlink_title is not None and _NOTE_MARK in body else None
        if title == NOTE_BACKLINK:
            title = None  # Python-Markdown's own: the text's HTML as it always was
        # The title is written into the HTML: part of what the HTML is known by, or a text
        # whose language changed would keep the title it had.
        key = cache.digest(body) if title is None else cache.digest(f"backlink:{title}\0{body}")
        known = self.known.get(key)
        if known is not None:
            return Converted(key, known.decode("utf-8"))
        html = self.convert(body, backlink_title=title)
        found = self.findings
        converted = Converted(key, html, tuple(found.unclosed), tuple(found.missing_notes), tuple(found.open_fences)) if found else Converted(key, html)
        if not converted.noted:
            self.known[key] = html.encode("utf-8")
        return converted

    def convert(self, body: str, lower_headings: bool = True, backlink_title: str | None = None) -> str:
        """``body`` as HTML (``new_markdown``), the back-links of its footnotes titled
        ``backlink_title`` (``%(number)s`` the note's number; None: Python-Markdown's English)."""
        if self.findings is not None:
            self.findings.clear()
        html = plain_paragraphs(body)
        if html is not None:
            return html
        from . import markdown_ext  # with Python-Markdown, which only such a text needs

        md = self._md.get(lower_headings)
        if md is None:
            if self.findings is None:
                self.findings = markdown_ext.Findings()
            md = self._md[lower_headings] = new_markdown(lower_headings, self.findings)
        md.reset()
        titles = md.treeprocessors[markdown_ext.BACKLINK_TITLES]
        assert isinstance(titles, markdown_ext.BacklinkTitles)
        titles.title = backlink_title
        try:
            with _time_limit(MARKDOWN_SECONDS):
                return md.convert(body)
        except (_TimeUp, RecursionError):
            del self._md[lower_headings]  # interrupted mid-way: start the next text with a fresh one
            raise


_NOTE_MARK = "[^"
"""What every footnote's mark and note start with: a text without it has no footnote."""


class _TimeUp(Exception):
    pass


class TooSlow(ContentError):
    """A file whose Markdown took longer than MARKDOWN_SECONDS: on a faster machine it may
    not, so its parse is not kept for the next build (cache.ParseRecord.retry)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimeUp in this thread once this process has used ``seconds`` of processor
    time more (where POSIX timers exist, in the main thread, as every build step runs;
    elsewhere no limit)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _TimeUp

    # The process's own running time (ITIMER_VIRTUAL), not the clock's (ITIMER_REAL): the
    # same text meets the limit or not however busy the machine is. Its own signal, too,
    # leaves SIGALRM and its timer to whoever runs the build (a test's guard, say).
    try:
        previous = signal.signal(signal.SIGVTALRM, expire)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)



# python-frontmatter's boundary, the '---' line (YAMLHandler.FM_BOUNDARY; a test holds the two
# to one pattern): its own import brings in YAML, which plain front matter does not need.
_FM_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)


class _NotYAML(Exception):
    """YAML's ``error`` reading front matter that is not plain: caught by ``_front_matter``
    without importing YAML, which most builds never load."""

    def __init__(self, error: yaml.YAMLError) -> None:
        super().__init__(error)
        self.error = error


@functools.lru_cache(maxsize=2)
def _load(document: str) -> tuple[Any, str]:
    """python-frontmatter's split and load, remembered for the last documents: parse_file asks
    for the front matter twice (front_fields for the seed hash, then the article), and front
    matter that is not plain would go through YAML both times. A failure is not remembered.
    What it returns is shared: read it, never change it."""
    boundaries = _boundaries(document)
    if boundaries is not None and (plain := plain_meta(document[boundaries[0].end() : boundaries[1].start()])) is not None:
        # Plain front matter (nearly every file's), between the lines python-frontmatter
        # splits at: read as its handler reads it, and the text after it as that split leaves
        # it, without the split's copies of the whole text (tests compare the two ways).
        after = document[boundaries[1].end() :]
        body = after.strip()
        return dict(plain), _with_indent(after, body) if body else body
    from .frontyaml import YAMLError  # loaded by _parse: front matter that is not plain

    try:
        return _parse(document)
    except YAMLError as e:
        raise _NotYAML(e) from e


def _parse(document: str) -> tuple[Any, str]:
    """``_load`` by python-frontmatter: any front matter."""
    import frontmatter  # and YAML: only for front matter that is not plain (most is)

    from .frontyaml import HANDLER

    meta, body = frontmatter.parse(document, handler=HANDLER)
    if body:
        body = _indented(document, body)
    return meta, body


# Python-Markdown's tab_length: a line this many columns in is a code block's.
_CODE_INDENT = 4


def _indented(document: str, body: str) -> str:
    """``body`` (python-frontmatter's, stripped) with the indentation its first line has in
    ``document`` given back when it makes that line code: stripped, an indented code block
    at the top became a paragraph. The blank lines before it stay dropped, and shallower
    indentation too (``  # Title`` stays a heading, as CommonMark reads it): every body
    that does not start with code is what it was, and so is its content hash (no reader
    sees it as updated). One that does start with code changes, rightly: it was wrong."""
    from .frontyaml import HANDLER  # loaded by _parse, the one caller

    try:
        _, after = HANDLER.split(document.strip())
    except ValueError:  # no closing line: python-frontmatter gave the whole text back
        return body
    return _with_indent(after, body)


def _with_indent(after: str, body: str) -> str:
    """``_indented``, given the text after the front matter's closing line (``after``)."""
    lead = after[: len(after) - len(after.lstrip())]  # body is after.strip()
    indent = lead[lead.rfind("\n") + 1 :]
    if indent.strip(" \t") or len(indent.expandtabs(_CODE_INDENT)) < _CODE_INDENT:
        return body
    return indent + body


_LONG_NUMBER_RE = re.compile(r"(?<![0-9_])[0-9_]{4300}")
# (Tried only where a run of digits starts: runs just short of it are not read again and again.)
"""A number longer than Python reads (sys.get_int_max_str_digits)."""


def front_matter_of(path: str, document: str) -> dict[str, Any]:
    """The front matter of the content file ``path`` (its text ``document``); ContentError,
    with the line, when there is none or it cannot be read."""
    return _front_matter(path, document)[0]


NO_TEXT = "no text after the front matter"
"""What is said of an article with no text: the build warns of a published one, and
``sitegen publish`` refuses to publish a draft with none (scaffold.publish_draft)."""


def no_text_line(path: str, document: str) -> int | None:
    """The line a message about the content file ``path`` having no text names (the last of
    its front matter, the body's place), or None when it has text; ContentError, as
    ``front_matter_of``, when its front matter cannot be read."""
    return _no_text_line(document, _front_matter(path, document)[1])


def _no_text_line(document: str, body: str) -> int | None:
    # Most likely `sitegen new --publish`, or a draft line removed too soon: its entry goes
    # into every feed as it is, and feed readers keep what they have seen.
    return None if body.strip() else document.rstrip().count("\n") + 1


_PELICAN_RE = re.compile(r"([A-Za-z]+):[ \t]")
_PELICAN_KEYS = frozenset(("title", "date", "modified", "tags", "category", "slug", "author", "authors", "summary", "lang", "status", "template"))
"""The metadata Pelican reads from the lines at the top of a Markdown file, one of which starts it."""


def pelican_key(document: str) -> str | None:
    """The key of the first line of ``document`` (``Title``) when it starts with Pelican's
    metadata lines; None when it does not."""
    key = _PELICAN_RE.match(document)
    return key[1] if key is not None and key[1].lower() in _PELICAN_KEYS else None


def _convert(path: str) -> str:
    """What to do with front matter of Hugo or Pelican: the command converting the file, to
    paste (cli.convert finds the site from the file), and the one converting every file."""
    return f"run `sitegen convert {shlex.quote(path)}` to write it in YAML between '---' lines (`sitegen convert` alone converts every such file of the site)"


def _front_matter(path: str, document: str) -> tuple[dict[str, Any], str]:
    """Split and load the front matter; every problem is a ContentError with its line."""
    if not document.startswith("---"):
        if document.startswith("+++"):  # Hugo's TOML front matter
            raise ContentError(path, f"front matter between '+++' lines (TOML) is not read: {_convert(path)}", 1)
        if document.lstrip().startswith("---"):
            blank = len(document) - len(document.lstrip())
            raise ContentError(path, "front matter must start on the first line: remove what comes before its '---' line", document.count("\n", 0, blank) + 1)
        if not document.strip():
            raise ContentError(path, "the file is empty: write its front matter ('---', 'title: ...', 'date: ...', '---') and its text, or delete it", 1)
        if document.startswith("{"):  # Hugo's JSON front matter
            raise ContentError(path, f"front matter in braces (JSON) is not read: {_convert(path)}", 1)
        if (key := pelican_key(document)) is not None:
            # Pelican's metadata lines: "no front matter" would send its writer looking for
            # what is plainly there.
            raise ContentError(path, f"metadata lines with no '---' lines around them ({key}: ..., as Pelican writes them) are not read: {_convert(path)}", 1)
        raise ContentError(path, "no front matter: start the file with a '---' line, then 'title: ...', then '---'", 1)
    if not _FM_BOUNDARY.search(document[3:]):
        raise ContentError(path, "front matter is not closed: add a '---' line after the last 'key: value' line", 1)
    try:
        meta, body = _load(document)
    except _NotYAML as e:
        problem, line = _yaml_problem(document, e.error)
        raise ContentError(path, f"front matter is not valid YAML: {problem}", line) from e.error
    except RecursionError as e:
        raise ContentError(path, "front matter is nested too deeply") from e
    except (ValueError, TypeError, OverflowError) as e:
        # The constructors' own errors, such as an integer of more than 4,300 digits.
        front = document[: document.find("\n---", 3) + 1]
        if (long := _LONG_NUMBER_RE.search(front)) is not None:
            line = document.count("\n", 0, long.start()) + 1
            raise ContentError(path, "front matter has a value that cannot be read: a number of over 4,300 digits; put it in quotes if it is text", line) from e
        raise ContentError(path, f"front matter has a value that cannot be read: {e}") from e
    if not isinstance(meta, dict):
        raise ContentError(path, "front matter must be a mapping of 'key: value' lines", 2)
    return meta, body


def _yaml_problem(document: str, error: yaml.YAMLError) -> tuple[str, int | None]:
    """What to say of front matter YAML cannot load, and the line of ``document`` to name:
    where the broken value starts when that is known (YAML finds an unclosed quote or
    bracket only lines later, at the next quote or the end of the front matter), and
    never a line past the front matter."""
    # The text YAML was given, as python-frontmatter splits it: between the first two
    # boundary lines. The opening one's match takes any blank lines after it, so YAML's
    # line 0 is the line that match ends on, not always line 1 of the file.
    from .frontyaml import FIRST_SET  # loaded: YAML raised ``error``

    opening, closing = itertools.islice(_FM_BOUNDARY.finditer(document.strip()), 2)
    head = document[opening.end() : closing.start()]
    first = document.count("\n", 0, opening.end()) + 1
    last = first + head.count("\n") - 1  # the last line before the closing '---'

    def line_of_mark(mark: yaml.Mark) -> int:
        return min(first + mark.line, last)

    problem = str(getattr(error, "problem", None) or error)
    context = str(getattr(error, "context", None) or "")
    mark, start = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    if mark is None:
        return problem, None
    if context == FIRST_SET and start is not None:
        return f"{problem} (first on line {line_of_mark(start)}): keep one", line_of_mark(mark)
    lines = head.split("\n")

    def char_at(at: yaml.Mark) -> str:
        line = lines[at.line] if at.line < len(lines) else ""
        return line[at.column] if at.column < len(line) else ""

    opened = _quoted_value_before(head, lines, mark)
    if opened is None and "quoted scalar" in context and "end of stream" in problem:
        opened = start  # where the scanner began the value it found no end to
    if opened is not None:
        quote = f" ({char_at(opened)})" if char_at(opened) in ("'", '"') else ""
        return f"the quote{quote} that opens this value is not closed on its line: close it, or remove it", line_of_mark(opened)
    if "flow" in context and start is not None:
        # An unclosed [ or { is found at the next line's ':' or at the end: named where it opens.
        bracket = "]" if "sequence" in context else "}"
        unclosed = f": is the {bracket} that ends this value missing?" if mark.line > start.line else ""
        return f"{problem}{unclosed}", line_of_mark(start)
    if "tab" in problem or char_at(mark) == "\t":
        return f"{problem}: indent with spaces; YAML does not allow tabs there", line_of_mark(mark)
    if (slip := _key_slip(lines, mark.line)) is not None:
        said, index = slip
        return f"{problem}: {said}", min(first + index, last)
    if first + mark.line > last and start is not None:
        mark = start  # found only at the end of the front matter: where the construct began
    # On the line of a key whose value is words: most likely words YAML reads as syntax
    # (a ": " inside, an "@" or quote first), which quotes make text.
    key, colon, value = (lines[mark.line] if mark.line < len(lines) else "").partition(":")
    if colon and key in _WORDS_KEYS and value[:1] in (" ", "\t") and (written := value.strip(" \t")):
        return f"{problem}; if it is text, put it in quotes: {key}: {_yaml_text(written)}", line_of_mark(mark)
    return problem, line_of_mark(mark)


# A line that starts as a key of the front matter does: its indentation, its name, and what
# follows its colon.
_KEY_START_RE = re.compile(r"( *)([A-Za-z_]+):(.?)")
# A key's line with its value on it (not a block scalar's | or >, under which lines are indented).
_KEY_AND_VALUE_RE = re.compile(r"[A-Za-z_]+:[ \t]+[^ \t|>#]")


def _key_slip(lines: list[str], upto: int) -> tuple[str, int] | None:
    """What is wrong with the first line of ``lines`` (the front matter's), up to the one
    at ``upto`` where YAML found its error, that is written as a key YAML cannot read as
    one, and that line's index; None when there is none. Indented under a value (``title:
    A``, then ``  date: ...``), or with no space after its colon (``title:A``), a key is read
    as more of the value above or as text, and YAML says so only at the next line, as
    "mapping values are not allowed in this context", which names neither the line nor
    what to do."""
    above = ""
    for index, line in enumerate(lines[: upto + 1]):
        found = _KEY_START_RE.match(line)
        if found is not None and found[2] in FRONT_MATTER_KEYS:
            indent, key, after = found.groups()
            if indent and (not above or _KEY_AND_VALUE_RE.match(above)):
                read = ", so YAML reads it as more of the line above" if above else ""
                return f"{key!r} is indented{read}: start it at the beginning of its line", index
            if not indent and after not in ("", " ", "\t"):
                return f"'{key}:' has no space after it, so YAML reads the line as text: write {key}: {line[len(key) + 1 :].strip()}", index
        if line.strip():
            above = line
    return None


def _written(document: str, key: str) -> str:
    """The value of ``key`` as written on its line of the front matter, its comment left
    out ("" when it is not there, or goes on below)."""
    line = line_of(document, key, ":")
    if line is None:
        return ""
    value = document.split("\n", line)[line - 1].partition(":")[2]
    return _COMMENT_RE.split(value, maxsplit=1)[0].strip(" \t")


def _yaml_text(written: str) -> str:
    """The text ``written`` as a quoted YAML scalar, for a message to show: its own outer
    quotes taken for quotes meant (``'It's here'``), double quotes (JSON's) unless it holds
    a double quote and no single one."""
    if len(written) > 1 and written[0] == written[-1] and written[0] in ("'", '"'):
        written = written[1:-1]
    if '"' in written and "'" not in written:
        return f"'{written}'"
    return json.dumps(written, ensure_ascii=False)


def _quoted_value_before(head: str, lines: list[str], mark: yaml.Mark) -> yaml.Mark | None:
    """The start mark of a quoted value that spans lines and ends on the line of ``mark``
    (``lines`` are ``head``'s), where YAML found its error: a value whose closing quote is
    missing, closed instead by the opening quote of a later value (``date: "2024-05-01"``);
    None if there is none."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    if not any(quote in line[: mark.column] for quote in "'\""):
        return None  # no closing quote before the error on its line: no need to scan
    import yaml  # loaded: YAML found an error

    from .frontyaml import SCANNER

    last = None
    try:
        for token in yaml.scan(head, Loader=SCANNER):
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass  # the tokens before the error are what is looked at
    if last is None or last.style not in ("'", '"') or last.end_mark.line != mark.line or last.start_mark.line == mark.line:
        return None
    opened: yaml.Mark = last.start_mark  # at the opening quote
    return opened


def _text(value: str, key: str, fail: Any) -> str:
    """Front-matter text, whitespace folded; a character XML forbids (which a YAML escape
    such as ``"\\x01"`` can make) is an error naming the key."""
    bad = text.find_xml_illegal(value)
    if bad is not None:
        raise fail(key, f"contains control character U+{ord(bad[1]):04X}, which XML forbids")
    return " ".join(value.split())


def _label(value: str, key: str, fail: Any) -> str:
    """A name shown as a label (a tag, a byline, a related headline): ``_text`` without
    bidirectional control characters, as a title is (text.clean_title): one could make a
    name read backwards in a feed reader's list, or spoof another."""
    return text.clean_title(_text(value, key, fail))


def _string(meta: dict[str, Any], key: str, fail: Any, default: str = "") -> str:
    value = meta.get(key, default)
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise fail(key, f"must be text, but YAML reads {_read_as(value)}", quote=True)
    return _text(value, key, fail)


def _read_as(value: object) -> str:
    """How YAML read ``value``, which is not text, for a message saying what to write."""
    return (
        "yes, no, on, off, true and false as true or false" if isinstance(value, bool)
        else "[...] as a list" if isinstance(value, list)
        else "{...} as a mapping" if isinstance(value, dict)
        else f"it as {type(value).__name__}"
    )  # fmt: skip


def _given(meta: dict[str, Any], key: str) -> Any:
    """``meta[key]``, or [] when it is not written or written empty (``tags:``). A value YAML
    reads as false (``tags: no``) or 0 is no list of names, not an empty one: said, by
    ``_not_words``, rather than taken for none (a tag "no" dropped without a word)."""
    value = meta.get(key)
    return [] if value is None or value == "" else value


def _not_words(key: str, value: object, wanted: str, fail: Callable[[str, str], ContentError]) -> ContentError:
    """The error about ``key``, which must be ``wanted`` (a list of names, e.g. ...) and is
    ``value``. A word YAML reads as no text is the likely slip in a list written as one
    (``tags: [Sweden, No]``: Norway's code is false to YAML; ``- `` with nothing after it,
    or ``~``, is nothing), and "must be a list of names" said nothing of it: the message
    says which, and what to write."""
    items = value if isinstance(value, list) else [value]
    if any(isinstance(item, bool) for item in items):
        return fail(key, f"{wanted}, but YAML reads {_read_as(True)}: put such a word in quotes (\"No\")")
    if any(item is None for item in items):
        return fail(key, f"{wanted}, but an item is empty (YAML reads ~ and null as nothing too): write it, or remove it")
    return fail(key, wanted)


def _date(meta: dict[str, Any], key: str, zone: dt.tzinfo, fail: Any) -> dt.datetime:
    if isinstance(meta[key], (bool, list, dict)):
        # Said in YAML's words, not Python's ("not a date: ['2024-05-01']"), with what to write.
        raise fail(key, f"must be one date, such as 2024-05-01T09:30:00+02:00, but YAML reads {_read_as(meta[key])}")
    try:
        value = dates.parse_date(meta[key], zone)
    except ValueError as e:
        raise fail(key, str(e)) from e
    return value


UNKNOWN_KEYS_SAID = 3
"""How many unknown front-matter keys of a file are named; the others are counted."""


_UPDATED = "the date of its last change is 'updated' (updated: {written})"
_SUMMARY = "the summary is 'summary', or else the start of the text (up to a <!--more--> divider, where there is one)"
_ADDRESS = "an article's address is made from the site's 'permalink' and the article's 'slug': to keep this old address working, list it in 'aliases' (aliases: [{written}])"
OTHER_TOOLS_KEYS = {
    "lastmod": _UPDATED,
    "modified": _UPDATED,
    "last_modified_at": _UPDATED,
    "description": _SUMMARY,
    "excerpt": _SUMMARY,
    "excerpt_separator": _SUMMARY,
    "categories": "sitegen has no categories: put them in 'tags'",
    "category": "sitegen has no categories: put it in 'tags'",
    "permalink": _ADDRESS,
    "url": _ADDRESS,
    "layout": "every article is shown with the theme's article.html; a standalone page (About us) is 'page: true'",
    "weight": "articles are listed by date; 'order' places a page (page: true) in the footer",
    "publishdate": "an article is published at its 'date'",
    "pubdate": "an article is published at its 'date'",
    "published": "an article is published at its 'date' unless 'draft: true'",
    "status": "an article is published at its 'date' unless 'draft: true'",
    # Hugo themes' names of an article's picture.
    "featured_image": "an article's picture is 'image' (image_alt: its description, image_caption, image_credit)",
    "featured_image_alt": "a picture's description is 'image_alt'",
    "cover": "an article's picture is 'image' (image_alt: its description, image_caption, image_credit)",
    "thumbnail": "an article's picture is 'image' (image_alt: its description, image_caption, image_credit)",
    # Hugo's values for its theme's own templates (front matter [params]).
    "params": "sitegen's templates read none of Hugo's params: a picture among them is 'image' (with 'image_alt', its description), a summary 'summary'",
}
"""Keys that Hugo, Jekyll and Pelican read (Hugo in any case: lastMod), lower-cased, each
with what a site brought from them writes instead: "did you mean" guesses at a slip of
spelling, and a key of another tool is none (its ``authors`` and ``images`` are, and get it)."""

CONVERT_KEYS = frozenset(
    ("lastmod", "modified", "last_modified_at", "description", "excerpt", "categories", "category", "permalink", "url")
    + ("featured_image", "featured_image_alt", "cover", "thumbnail", "status")
)
"""The keys of ``OTHER_TOOLS_KEYS`` whose meaning is exactly one of sitegen's, which
``sitegen convert --keys`` renames (convert.rename_keys, held to this by a test): their
warning says so, as a site brought over holds thousands of them."""


def _toml_string(text: str) -> str:
    """``text`` as a TOML string, for a line of sitegen.toml a message gives to copy."""
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _unknown_keys(path: str, document: str, unknown: list[Any]) -> list[str]:
    """A warning for each of the first few ``unknown`` keys, at its line, then one counting
    the rest: a file of 60,000 made-up keys is one mistake, not 60,000 (and each line is
    found in one pass over the file, not one search of it per key). Keys of other tools
    (``OTHER_TOOLS_KEYS``) are each said, first, with what to write instead."""
    other = [key for key in unknown if str(key).lower() in OTHER_TOOLS_KEYS]
    unknown = [key for key in unknown if str(key).lower() not in OTHER_TOOLS_KEYS]
    said = [str(key) for key in unknown[: UNKNOWN_KEYS_SAID + 1]]
    lines = lines_of(document, said + [str(key) for key in other], ":")
    warnings: list[str] = []
    for key in other:
        advice = OTHER_TOOLS_KEYS[str(key).lower()]
        if "{written}" in advice:
            advice = advice.replace("{written}", _written(document, str(key)) or "...")
        if str(key).lower() in CONVERT_KEYS:
            advice += "; `sitegen convert --keys` does it for every file"
        warnings.append(f"{path}:{lines.get(str(key), 2)}: front-matter key {key!r} is not read, and ignored: {advice}")
    for key, name in zip(unknown[:UNKNOWN_KEYS_SAID], said, strict=False):
        at = f"{path}:{lines.get(name, 2)}"
        hint = _meant_key(name)
        if hint == name.lower():
            # Not a slip of spelling but of case (Language:, as e-mail headers and seeds are
            # written): "did you mean" leaves the writer comparing two words that read alike.
            warnings.append(f"{at}: front-matter key {key!r} ignored: {_lower_case(hint)}")
            continue
        known = f"did you mean {hint!r}?" if hint else f"known keys: {', '.join(FRONT_MATTER_KEYS)}"
        warnings.append(f"{at}: unknown front-matter key {key!r}, ignored ({known})")
    if (more := len(unknown) - UNKNOWN_KEYS_SAID) > 0:
        warnings.append(f"{path}:{lines.get(said[-1], 2)}: and {more} more unknown front-matter key{'s' if more > 1 else ''}, ignored")
    return warnings


# Keys whose value is words: a '#' right before a word in one (#1, #MeToo) is meant as text.
_WORDS_KEYS = ("title", "summary", "image_alt", "image_caption", "image_credit", "source")
_COMMENT_RE = re.compile(r"(?:^|[ \t])#")


@dataclass(frozen=True, slots=True)
class _Cut:
    """A words value cut short by a '#' that YAML took for the start of a comment."""

    line: int
    written: str
    """The value as written, comment included."""
    kept: str
    """What YAML read (maybe nothing)."""
    dropped: str
    """The comment, from its '#'."""

    def quoted(self, key: str) -> str:
        """The line that keeps every word: the text in quotes."""
        return f"{key}: {_yaml_text(self.written)}"


def _cut_by_comments(document: str, meta: dict[str, Any]) -> dict[str, _Cut]:
    """The words keys of the front matter whose plain value YAML read only up to a '#'
    before a word: it starts a comment there and drops the rest of the line. A comment
    meant as one is written "# like this", and left alone."""
    if "#" not in document:
        return {}
    opening, closing = itertools.islice(_FM_BOUNDARY.finditer(document.strip()), 2)
    first = document.count("\n", 0, opening.end()) + 1
    cuts: dict[str, _Cut] = {}
    for number, line in enumerate(document[opening.end() : closing.start()].split("\n"), start=first):
        key, colon, value = line.partition(":")
        written = value.strip(" \t")
        if not colon or key not in _WORDS_KEYS or key in cuts or value[:1] not in (" ", "\t") or written[:1] in ("", *"'\"[{|>!&*"):
            continue  # not a plain value of such a key, on the line of its key
        comment = _COMMENT_RE.search(written)
        if comment is None or written[comment.end() : comment.end() + 1] in ("", " ", "\t"):
            continue
        kept, dropped = written[: comment.start()].rstrip(" \t"), written[comment.end() - 1 :]
        if meta.get(key) == (kept or None):  # as YAML read it (not a value going on below)
            cuts[key] = _Cut(number, written, kept, dropped)
    return cuts


def _not_held_back(path: str, document: str, meta: dict[str, Any]) -> None:
    """ContentError for a key of another tool that keeps the article off the site there
    (Jekyll's ``published: false``, Pelican's ``status: draft``, Hugo's ``expiryDate``):
    read as no key, it would be published as it stands, in every feed for good, as a
    ``Draft: true`` would (``parse_article``)."""
    for name, value in meta.items():
        key = str(name).lower()
        if key == "published" and value is False:
            said = f"{name}: false"
        elif key == "status" and isinstance(value, str) and value.strip().lower() in ("draft", "hidden"):
            said = f"{name}: {value.strip()}"
        elif key in ("expirydate", "unpublishdate") and value not in (None, ""):
            at = line_of(document, str(name), ":") or 2
            raise ContentError(
                path, f"{name!r} is not read, so this would stay on the site and in the feeds after it: delete the line to keep it there, or write 'draft: true' to take it down", at
            )
        else:
            continue
        # Pelican's draft is sitegen's draft: true, which `sitegen convert --keys` writes.
        keys = " (`sitegen convert --keys` does it for every file)" if key == "status" and said.endswith(": draft") else ""
        raise ContentError(path, f"{said!r} is not read, so this would be published: write 'draft: true' to keep it off the site{keys}", line_of(document, str(name), ":") or 2)


def _not_out_early(path: str, document: str, meta: dict[str, Any], published: dt.datetime, zone: dt.tzinfo) -> None:
    """ContentError for Hugo's publishDate later than ``date``: Hugo holds the article back
    until then, and sitegen, which publishes at ``date``, would put it out at once."""
    for name, value in meta.items():
        if str(name).lower() not in ("publishdate", "pubdate", "published") or isinstance(value, bool) or value in (None, ""):
            continue
        try:
            due = dates.parse_date(value, zone)
        except (ValueError, TypeError):
            continue  # no date: warned of as a key that is not read
        if due > published:
            at = line_of(document, str(name), ":") or 2
            raise ContentError(
                path, f"{name!r} is not read, so this would be out at its date, before then: an article is published at its date; make it its date (date: {dates.format_iso(due)})", at
            )


_JEKYLL_NAME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})-[^/\\]+$")
"""A Jekyll post's file name, which gives its date: ``2024-03-05-harbour-reopens.md``."""


def _add_date(path: str, zone: dt.tzinfo, zone_name: str) -> str:
    """What to write in a file that has no date: the date its Jekyll name gives, as Jekyll
    read it (midnight in the site's zone), rather than an example the story never had,
    which a writer copying it into every such file would publish them all at."""
    example = "add 'date: 2024-05-01T09:30:00+00:00' to the front matter"
    named = _JEKYLL_NAME_RE.search(path)
    if named is None:
        return example
    try:
        midnight = dates.parse_date(dt.date(int(named[1]), int(named[2]), int(named[3])), zone)
    except ValueError:
        return example  # 2024-02-30, 0999-01-01: no date a feed can carry
    return f"add 'date: {dates.format_iso(midnight)}' to the front matter (the date its name gives, at midnight in {zone_name}, as Jekyll read it)"


def _meant_key(name: str) -> str | None:
    """The known key an unknown one is most likely a slip for (``Title``, ``titel``), if any."""
    if name.lower() in FRONT_MATTER_KEYS:
        return name.lower()
    hint = difflib.get_close_matches(name.lower(), FRONT_MATTER_KEYS, n=1)
    return hint[0] if hint else None


def _lower_case(key: str) -> str:
    """What to say of ``key`` written in another case (``Language``): YAML's keys are
    case-sensitive, and every front-matter key is lower case."""
    return f"the key is {key!r}, in lower case"


def _written_for(meta: dict[str, Any], key: str) -> str | None:
    """The unknown key of ``meta`` written for the known ``key`` (``Title``, ``titel``), if any."""
    return next((str(name) for name in meta if name not in FRONT_MATTER_KEYS and _meant_key(str(name)) == key), None)


def _missing(path: str, document: str, meta: dict[str, Any], key: str, advice: str, line: int) -> ContentError:
    """The error for a required ``key`` that is not there: at the unknown key written for
    it (``Title:``), whose warning a file that fails never shows; else ``advice`` at ``line``."""
    if (name := _written_for(meta, key)) is not None:
        at = line_of(document, name, ":") or line
        if name.lower() == key:
            return ContentError(path, f"no {key}: {name!r} is not read: {_lower_case(key)}", at)
        return ContentError(path, f"no {key}: {name!r} is not a key sitegen knows: did you mean {key!r}?", at)
    return ContentError(path, f"no {key}: {advice}", line)


def _date_record(value: dt.datetime) -> DateRecord:
    # ISO text and the IANA zone it was read in, if any: cheap to store and to restore.
    return DateRecord(value.isoformat(), value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else "")


def _date_from_record(value: DateRecord) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.iso)
    return parsed.replace(tzinfo=ZoneInfo(value.zone)) if value.zone else parsed


# Every key a content file may hold: what a person writes, and what the importer stamps.
FRONT_MATTER_KEYS = (
    "title", "slug", "date", "updated", "id", "summary", "tags", "author", "draft", "canonical", "aliases", "page", "order", "language",
    "image", "image_alt", "image_caption", "image_credit",
    "source", "related", "seed", "seed_hash", "import_hash", "corrections",
)  # fmt: skip


def parse_article(
    path: str, document: str, config: Config, convert: Converter, images: ImageReader | None = None, words: TextWords | None = None
) -> tuple[ArticleRecord | None, list[str]]:
    """Parse one content file to what its article is made of (None for a draft) and its
    warnings. Raises ContentError naming file and line. ``images`` reads the image files
    it shows (default: relative to the file's own folder); ``words`` gives the words written
    into its text (a footnote's back-link title) in its language (default: English)."""
    warnings: list[str] = []
    images = images or ImageReader(os.path.dirname(path), config.max_image_bytes)
    bad = text.find_xml_illegal(document)
    if bad is not None:
        warnings.append(f"{path}:{bad[0]}: removed control characters that XML forbids")
        document = text.strip_xml_illegal(document)
    meta, body = _front_matter(path, document)

    def fail(key: str, message: str, quote: bool = False) -> ContentError:
        """The error about ``key``, at its line; with ``quote``, how to write its value as text."""
        if quote and (written := _written(document, key)):
            message += f": put the text in quotes: {key}: {_yaml_text(written)}"
        return ContentError(path, f"{key}: {message}", line_of(document, key, ":"))

    draft = _flag(meta, "draft", fail)
    if not draft and (meant := _written_for(meta, "draft")) is not None and (meant.lower() == "draft" or meta[meant] is True):
        # Draft: true (or drat: true) is no key sitegen reads: a warning would come with the
        # story published as it stands, in every feed for good, which its writer said not to
        # do. It waits, as a file that cannot be read does, until the key is right.
        said = _lower_case("draft") if meant.lower() == "draft" else "did you mean 'draft'?"
        raise ContentError(path, f"{meant!r} is not read, so this would be published: {said}", line_of(document, meant, ":") or 2)
    if not draft:
        _not_held_back(path, document, meta)
    standalone = _flag(meta, "page", fail)
    if draft and not config.drafts:
        return None, warnings
    if os.path.splitext(os.path.basename(path))[0] == "_index" and not standalone:
        # Hugo's list of a section (or, at the top, of the site), which sitegen makes itself:
        # read as an article, it asked for a date, and given one it was published as a story.
        raise ContentError(
            path,
            "Hugo's list page of its folder, which sitegen makes itself (the front page, tags, archive):"
            " delete this file, or add 'page: true' to publish its text as a page",
            line_of(document, "title", ":") or 1,
        )
    if not draft and (empty := _no_text_line(document, body)) is not None:
        warnings.append(f"{path}:{empty}: {NO_TEXT}: its page and feed entries are empty (write the text, or add 'draft: true' until it is ready)")
    warnings += _unknown_keys(path, document, [key for key in meta if key not in FRONT_MATTER_KEYS])
    # A page is not news: what files a story among others (its tags, bylines, former
    # addresses, origin) has no place on it, and an article has no place in the footer.
    ignored = [key for key in (_NEWS_KEYS if standalone else ("order",)) if meta.get(key) not in (None, "", [])]
    for key in ignored:
        what = "a page (page: true) has none" if standalone else "only a page (page: true) has a place in the footer"
        warnings.append(f"{path}:{line_of(document, key, ':') or 2}: {key}: {what}; it is ignored")
    cuts = _cut_by_comments(document, meta)
    for key, cut in cuts.items():
        if key == "title" and not cut.kept:
            continue  # no title: the error below
        said = f"and leaves it out (the {key} is {cut.kept!r}); put it in quotes to keep it" if cut.kept else f"so this line gives no {key}; put it in quotes"
        warnings.append(f"{path}:{cut.line}: {key}: YAML reads {cut.dropped!r} as a comment {said}: {cut.quoted(key)}")
    title = text.clean_title(_string(meta, "title", fail))
    if not title and (gone := cuts.get("title")) is not None:
        raise ContentError(path, f"title: YAML reads {gone.dropped!r} as a comment, so this line gives no title; put it in quotes: {gone.quoted('title')}", gone.line)
    if not title:
        raise _missing(path, document, meta, "title", "add 'title: ...' to the front matter", line_of(document, "title", ":") or 2)
    if not text.is_visible(title):
        raise fail("title", "has no visible character")
    unicode = config.slugs == "unicode"
    slug = _string(meta, "slug", fail) or default_slug(path, title, unicode)
    if problem := urls.slug_problem(slug, unicode):
        raise fail("slug", problem)
    # The zone by name, not config.zone: the parse then depends on that one setting.
    zone = dates.get_zone(config.timezone)
    if "date" not in meta and not standalone:  # a page needs none: it shows no date
        page = next((name for name in meta if str(name).lower() == "page" and meta[name] is True), None)
        if page is not None and "date" not in {str(name).lower() for name in meta}:
            # Page: true, read as no key: asking for a date sends the writer the wrong way.
            raise ContentError(path, f"no date: {page!r} is not read, so this is an article, not a page: {_lower_case('page')}", line_of(document, str(page), ":") or 2)
        raise _missing(path, document, meta, "date", _add_date(path, zone, config.timezone), 2)
    if "date" in meta and meta["date"] is None:
        raise fail("date", "is empty: write the date, such as 2024-05-01T09:30:00+02:00")
    published = _date(meta, "date", zone, fail) if "date" in meta else dates.UNDATED
    updated = _date(meta, "updated", zone, fail) if meta.get("updated") else published
    floating = ""
    for key, value in (("date", published if "date" in meta else None), ("updated", updated if meta.get("updated") else None)):
        if value is not None and not dates.has_offset(meta[key]):
            written = " ".join(str(meta[key]).split())
            floating = floating or (written if key == "date" else "")
            exact = value.replace(tzinfo=zone).utcoffset()
            rounded = ""
            if exact != value.utcoffset():
                rounded = f" (the zone's offset then, {dates.offset_text(exact)}, to the minute, as feeds need)"
            warnings.append(
                f"{path}:{line_of(document, key, ':') or 2}: {key} {written!r} gives no UTC offset, so it was read in the site's"
                f" timezone ({config.timezone}): write it as {dates.format_iso(value)}{rounded}"
            )
    if not draft and "date" in meta:
        _not_out_early(path, document, meta, published, zone)
    if updated < published and "date" in meta:
        # An update cannot come before the article: most likely a slip of the date.
        warnings.append(
            f"{path}:{line_of(document, 'updated', ':') or 2}: updated {dates.format_iso(updated)} is before date"
            f" {dates.format_iso(published)}; the date is used"
        )
        updated = published

    raw_tags = _given(meta, "tags")
    if isinstance(raw_tags, str):
        raw_tags = text.split_names(raw_tags)
    if not isinstance(raw_tags, list) or not all(isinstance(t, (str, int)) and not isinstance(t, bool) for t in raw_tags):
        raise _not_words("tags", raw_tags, "must be a list of names, e.g. [politics, asia]", fail)
    # [طاقة، لبنان], written with the comma of an Arabic keyboard, is one item to YAML, which
    # separates items at ASCII commas only: the writer meant two tags.
    raw_tags = [name for raw in raw_tags for name in (text.split_names(raw, ascii_comma=False) if isinstance(raw, str) else [raw])]

    def at(key: str) -> str:
        """Where ``key`` is written, for a warning (worked out only for one)."""
        return f"{path}:{line_of(document, key, ':') or 2}"

    tags: dict[str, TagRecord] = {}
    dropped: set[tuple[str, str]] = set()
    for raw in raw_tags:
        name = _label(str(raw), "tags", fail)
        if not name:
            continue
        address = tag_slug(name, config.tags, config.slugs == "unicode")
        kept = tags.setdefault(address, TagRecord(name=name, slug=address))
        spelt = urls.spelling(name)
        if urls.spelling(kept.name) != spelt and (address, spelt) not in dropped:
            dropped.add((address, spelt))  # "C" and "c" are one name: said once
            advice = table_clash(kept.name, name, config.tags) or (
                f"rename one of them, or give it an address of its own in sitegen.toml ([tags.<slug>] with name = {_toml_string(name)})"
            )
            warnings.append(f"{at('tags')}: tags {kept.name!r} and {name!r} have one address ({urls.tag_path(address)}): {name!r} is dropped; {advice}")
    kept_tags = _at_most(tuple(tags.values()), MAX_TAGS, "tags", "each is a page and feeds that list the article", lambda: at("tags"), warnings)

    related = _given(meta, "related")
    if not isinstance(related, list) or not all(isinstance(r, (str, int, float)) and not isinstance(r, bool) for r in related):
        raise _not_words("related", related, "must be a list of headlines", fail)

    article_id = _article_id(meta, path, fail)
    path_in_site = urls.page_path(slug) if standalone else urls.article_path(config.permalink, slug, published)
    language = _language(meta, fail)

    def backlink_title() -> str:
        # Asked for only by a text with a footnote: the setting is read (and the parse
        # depends on it) only for such a text in no language of its own.
        assert words is not None
        return words.backlink_title(language or config.language)

    try:
        conversion = convert(body, backlink_title if words is not None else None)
        body_sha, body_html = conversion.sha, conversion.html
        # Hashed with its headings where Markdown puts them (# an <h1>) and without ids, as
        # articles were before pages had those: no news to a reader. (Text that used the
        # {#id} syntax before it was read showed it: the change is news, and hashes so.)
        hashed = convert.convert(body, lower_headings=False) if _HEADING_RE.search(body_html) else body_html
    except _TimeUp as e:
        raise TooSlow(path, f"its Markdown took over {MARKDOWN_SECONDS:g} s to convert; simplify it (thousands of brackets?)") from e
    except RecursionError as e:
        raise ContentError(path, "its Markdown is nested too deeply to convert") from e
    if text.nesting_depth(body_html) > text.MAX_DEPTH:
        raise ContentError(path, f"its HTML nests elements more than {text.MAX_DEPTH} deep, as deep as a browser builds; simplify it")
    if conversion.noted:
        # Its warnings are not in the HTML: never to be looked up as such (Converter), or a
        # file of the same text would have none.
        body_sha = "noted:" + body_sha
    unbalanced = list(conversion.unclosed)
    if "<" in body:  # Markdown's own HTML is balanced; raw HTML, written by hand, may not be
        balanced, mended = text.balance_html(body_html)
        if balanced != body_html:
            body_html = balanced
            # Not what the Markdown converts to: never to be looked up as such (Converter).
            body_sha = "balanced:" + body_sha
            unbalanced += mended
    if unbalanced:
        warnings += _unbalanced(path, document, unbalanced)
    if conversion.missing_notes:
        warnings += _missing_notes(path, document, conversion.missing_notes)
    if conversion.open_fences:
        warnings += _open_fences(path, document, conversion.open_fences)
    if "{" in body_html or "%7B" in body_html:
        warnings += _other_tools_syntax(path, document, body_html)
    # What the summary reads: the text before the sanitiser takes out the classes that mark
    # footnotes (their marks were read as words: "a footnote1 and"). It takes out no words.
    readable = body_html
    # Every body, not only those with "<" (HTML) or "{" (attribute lists: ``{onclick=...}``):
    # Markdown's own links and pictures ([x](javascript:...)) need neither.
    if config.sanitize_html == "everywhere":
        sanitized = text.sanitize_html(body_html)
        if sanitized != body_html:
            body_html = sanitized
            # Not what the Markdown converts to: never to be looked up as such (Converter).
            body_sha = "sanitized:" + body_sha
        if "<" in body or "{" in body:
            # Hashed sanitised, as such bodies always were: the links the sanitiser takes
            # out of the others are no news to a reader (and no article shows as updated).
            hashed = text.sanitize_html(hashed)
    image = _image(meta, path, fail, images, warnings)
    media = [image.file] if image is not None and image.file is not None else []
    # Pictures of content/ the text only links to ("the full picture"): copied as those it
    # shows are, but not hashed with them. Left out of the hashes as they were before links
    # to them led to their copies: no article that had one shows as updated for it.
    linked_pictures: list[ImageRecord] = []
    attachments: list[FileRecord] = []
    pictures: list[tuple[ImageRecord, str]] = []
    # What a reader sees: the text as converted (the links to image copies depend on the
    # page's address, which is not news) and the pictures and linked files themselves, by
    # their bytes. Articles without them hash as they always have: no feed shows them as updated.
    converted = text.fold_whitespace(hashed)
    if "<img" in body_html or _LINKED_RE.search(body_html) or _CONTENT_LINK_RE.search(body_html) or ("<a" in body_html and _IMAGE_NAME_RE.search(body_html)):
        shown = body_html
        times_said: dict[str, int] = {}  # of each address in the text

        def warn(src: str, message: str) -> None:
            # Said in the order the text has them: the same picture written again is said at
            # its own line, not each time at the first.
            nth = times_said.get(src, 0)
            times_said[src] = nth + 1
            warnings.append(f"{path}:{_line_of_text(document, src, nth)}: {message}")

        body_html = _body_images(body_html, path, path_in_site, images, media, attachments, warn, pictures, on_top=image is None, linked_pictures=linked_pictures)
        if body_html != shown:  # Not what the Markdown converts to: never looked up as such.
            body_sha = "images:" + cache.digest(body_html)
    written_summary = _string(meta, "summary", fail)
    # The text as a summary reads it, footnote marks, code, figures, tables and headings left
    # out: the one it is cut from is the one it is the opening of (``_opens_with``). A text
    # that is only pictures, tables or headings is summed up by their captions, cells and
    # words, its only ones.
    plain = None
    divided = False  # by a <!--more--> divider
    if not written_summary:
        # Hugo's and Jekyll's summary divider: the writer of a file brought from them said
        # where its summary ends. Above it, only the words a summary reads count: a text
        # that opens with a picture, a table, a heading or code and then the divider (a
        # Hugo post's lead picture) is summed up as any, not by a caption, cells or nothing.
        if "<!--" in readable and (divider := _MORE_RE.search(readable)) is not None:
            plain = text.html_to_text(readable[: divider.start()], notes=False)
            divided = bool(plain)
        if not plain:
            plain = text.html_to_text(readable, notes=False) or text.html_to_text(readable, notes=False, figures=True, tables=True, headings=True)
    summary = written_summary or text.summarize(plain or "")
    # The hash earlier versions made, of the HTML (``html_hash``): only to recognise the
    # entries of the ledgers they wrote, never written again.
    seen_summary = summary
    if not written_summary and "<pre" in body_html:
        # Hashed as summaries were made before they left code blocks out, and figures, tables
        # and headings: the summary that lost them is no news to a reader (and no article
        # shows as updated for it).
        seen_summary = text.summarize(text.html_to_text(body_html, notes=False, code=True, figures=True, tables=True, headings=True))
    elif not written_summary and _LEFT_OUT_RE.search(readable):
        seen_summary = text.summarize(text.html_to_text(readable, notes=False, figures=True, tables=True, headings=True))
    elif divided:
        # As summaries were made before they ended at a <!--more--> divider: no news either.
        seen_summary = text.summarize(text.html_to_text(readable, notes=False))
    seen = [title, seen_summary, converted]
    if media:
        seen += [r.sha for r in media]
    if attachments:
        seen += [r.sha for r in attachments]
    if image is not None:  # a new picture is news to a reader too
        seen += [image.url, image.alt, image.caption, image.credit]
    visible = "\0".join(seen)
    # What the editor wrote that a reader sees: its updated date moves when this changes, and
    # not when sitegen (or a setting) turns the same words into other HTML, which readers
    # would be shown as an update of every such article at once. A reflow is no change.
    as_written = [title, written_summary, text.fold_whitespace(body), *(r.sha for r in media), *(f.sha for f in attachments)]
    if image is not None:
        as_written += [str(meta.get("image")), image.alt, image.caption, image.credit]
    if language:  # only when set: an article without one keeps its hash, and shows as no update
        as_written.append(f"language: {language}")
    corrections = () if standalone else _corrections(path, document, meta, zone, published)
    if corrections:  # a correction added is news to a reader: its updated date moves (only then)
        as_written += ["corrections", *(f"{c.date.iso} {c.text}" for c in corrections)]
    opening = _opens_with(body_html, summary, plain)
    if not opening and meta.get("import_hash") and summary.endswith("…") and meta.get("summary"):
        # Imports before this one copied the start of the text into ``summary``: once an
        # editor changes how the text begins, pages show the old words above the new.
        warnings.append(
            f"{path}:{line_of(document, 'summary', ':') or 2}: summary: copied from the text when it was imported, and no longer how"
            " the text begins, so pages show it above the text; delete the line to have the summary follow the text"
        )
    record = ArticleRecord(
        id=article_id,
        title=title,
        slug=slug,
        path=path_in_site,
        published=_date_record(published),
        updated=_date_record(updated),
        summary=summary,
        body_sha=body_sha,
        body=body_html.encode("utf-8"),
        updated_in_front_matter=bool(meta.get("updated")),
        content_hash=TEXT_HASH + hashlib.sha256("\0".join(as_written).encode("utf-8")).hexdigest(),
        html_hash="sha256:" + hashlib.sha256(visible.encode("utf-8")).hexdigest(),
        authors=() if standalone else _at_most(
            _authors(meta, config, fail, lambda m: warnings.append(f"{at('author')}: {m}")), MAX_AUTHORS, "bylines", "each is a page and feeds, and every page of the article names them all", lambda: at("author"), warnings
        ),
        canonical="" if standalone else _canonical(meta, fail),
        language=language,
        aliases=() if standalone else _at_most(
            _aliases(meta, config, fail, lambda m: warnings.append(f"{at('aliases')}: aliases: {m}")), MAX_ALIASES, "aliases", "each is a page", lambda: at("aliases"), warnings
        ),
        image=image,
        text_image=_text_image(image, pictures),
        media=tuple(images_mod.unique([*media, *linked_pictures])),
        attachments=tuple(images_mod.unique_linked(attachments)),
        tags=() if standalone else kept_tags,  # as written: the first is the section the theme labels it with
        origin="" if standalone else _string(meta, "source", fail),
        related=() if standalone else tuple(_label(str(r), "related", fail) for r in related),
        floating_date=floating,
        summary_is_opening=opening,
        imported=bool(meta.get("seed")),
        draft=draft,
        standalone=standalone,
        order=_order(meta, fail) if standalone else None,
        corrections=corrections,
    )
    return record, warnings


def _text_image(image: ArticleImage | None, pictures: Sequence[tuple[ImageRecord, str]]) -> ArticleImage | None:
    """The picture a shared link and search engines show of an article whose front matter
    names none (``image``): the first of content/ its text shows, with the alt text it has
    there. An article brought from another tool, its pictures in its text, was shared as a
    card without one, and search engines' data named none (Top Stories asks for one)."""
    if image is not None or not pictures:
        return None
    record, alt = pictures[0]
    return ArticleImage(url="", file=record, alt=alt, caption="", credit="")


_MORE_RE = re.compile(r"<!--\s*more\s*-->")
"""Hugo's summary divider (Jekyll's, set as its ``excerpt_separator``), as Markdown keeps it:
an HTML comment, on a line of its own or in a paragraph."""


_NEWS_KEYS = ("tags", "author", "aliases", "canonical", "related", "source", "corrections")
"""Front-matter keys of a story among others, which a standalone page has no use for."""


def _flag(meta: dict[str, Any], key: str, fail: Any) -> bool:
    """A true-or-false key (``draft``, ``page``): a YAML boolean, never text that reads as one."""
    value = meta.get(key, False)
    if value is None:  # "draft:" and nothing after it: YAML's null
        raise fail(key, "is empty: write true or false")
    if not isinstance(value, bool):
        # "true" in quotes reads as the word true, and "not 'true'" alone seems to say it is.
        quoted = ": write it without quotes" if isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS else ""
        raise fail(key, f"must be true or false, not {value!r}{quoted}")
    return value


_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off"})
"""What YAML reads as true or false when not in quotes (YAML 1.1's words, which sitegen reads)."""


def _order(meta: dict[str, Any], fail: Any) -> int | None:
    """A page's place in the footer (``order``), a whole number; None when not given."""
    written = _string(meta, "order", fail)
    if not written:
        return None
    try:
        order = int(written)
    except ValueError:
        raise fail("order", f"must be a whole number, such as 1 or 10, not {written!r}") from None
    # Bounded as the build cache stores it (a 64-bit integer): `order: 1e30` written out
    # crashed the build as it saved the cache, with a traceback naming no file.
    if abs(order) > _MAX_ORDER:
        raise fail("order", f"must be a whole number between -{_MAX_ORDER:,} and {_MAX_ORDER:,}, such as 1 or 10, not {written!r}")
    return order


_MAX_ORDER = 2**53 - 1
"""As far as JSON keeps whole numbers exactly everywhere, and far inside the cache's 64 bits:
an order may be a date's Unix time (1,700,000,000), in seconds or milliseconds."""


def _image(meta: dict[str, Any], path: str, fail: Any, images: ImageReader, warnings: list[str]) -> ArticleImage | None:
    """Front matter ``image`` (a file in content/ or an http(s) URL) with its alt text,
    caption and credit."""
    src = _string(meta, "image", fail)
    alt, caption, credit = (_string(meta, key, fail) for key in ("image_alt", "image_caption", "image_credit"))
    if not src:
        for key in ("image_alt", "image_caption", "image_credit"):
            if meta.get(key):
                where = fail(key, "")
                warnings.append(f"{path}:{where.line or 2}: {key} without image, ignored")
        return None
    if not alt:
        raise fail("image", "needs image_alt: a sentence saying what the picture shows, for readers who cannot see it")
    if urls.is_absolute_http(src):
        return ArticleImage(src, None, alt, caption, credit)
    if _SCHEME_RE.match(src):
        raise fail("image", f"must be a file in content/ (photo.jpg, /images/photo.jpg) or an http(s) URL, not {src!r}")
    try:
        record = images.read(images.resolve(src, path))
    except ImageError as e:
        raise fail("image", str(e)) from None
    return ArticleImage("", record, alt, caption, credit)


_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")
Found = TypeVar("Found", ImageRecord, FileRecord)


_LINKED_RE = re.compile("|".join(re.escape(suffix) for suffix in cache.LINKED_SUFFIXES))
"""Text that may hold a link to a linked file: only then is the HTML looked through."""
# An image file's name (cache.IMAGE_SUFFIXES), as a link may name one: "the full picture".
_IMAGE_NAME_RE = re.compile(r"\.(?:jpe?g|png|gif|webp)(?![A-Za-z0-9])", re.IGNORECASE)
_CONTENT_LINK_RE = re.compile(r"\.(?:md|markdown)(?![A-Za-z0-9])", re.IGNORECASE)
"""Text that may hold a link to a content file (``storm.md``): only then is it looked for."""
_OPENING_PICTURE_RE = re.compile(r"\s*(?:<(?:p|figure|a|picture|source)\b[^>]*>\s*)*<img\b", re.IGNORECASE)
"""HTML that opens with a picture: nothing before it but the paragraph, figure, link or
picture element holding it, and the picture's sources (HTML puts them before its img)."""
_LINKED_ATTRIBUTES = {"a": "href", "img": "src", "source": "src", "video": "src", "audio": "src", "track": "src"}
"""Where a tag of article HTML names a file to fetch or follow: a linked file named there
(a PDF, an SVG, a clip: cache.LINKED_SUFFIXES) is copied, and the address pointed at the copy."""


def _body_images(
    html: str,
    path: str,
    page: str,
    images: ImageReader,
    media: list[ImageRecord],
    attachments: list[FileRecord],
    warn: Callable[[str, str], None],
    pictures: list[tuple[ImageRecord, str]] | None = None,
    on_top: bool = False,
    linked_pictures: list[ImageRecord] | None = None,
) -> str:
    """``html`` with each image it shows from content/ (an img's src and srcset, a
    picture's source, a video's poster) pointed at its copy, and an img given width,
    height and ``srcset``; and each other file of content/ it links to or embeds (an a's
    href, an img's, source's, video's, audio's or track's src, named as one of
    cache.LINKED_SUFFIXES) pointed at its copy, added to ``attachments``. One from the root
    that content/ does not hold is left as written (a file of the theme, say); a relative
    one that names no usable file is left as written with a warning (``sitegen check``
    reports the broken link too): a picture is no reason to hold back a story. Each img of
    content/, in the text's order, is added to ``pictures`` with its alt text. A link to a
    picture of content/ (an a's href) is pointed at its copy, and the picture added to
    ``linked_pictures`` (to ``media`` when None).

    Each picture is lazy, but one the text opens with when ``on_top`` (the article has no
    picture of its own above the text): it is the first thing a reader sees."""
    # A lazy picture is fetched only once the stylesheet is in and the page laid out, where
    # one in view is seen: on a phone's slow network, after the stylesheet rather than beside
    # it. The picture a text opens with is in view, the largest thing in it (what the page's
    # Largest Contentful Paint waits for): fetched at once, beside the stylesheet.
    leading = [on_top and _OPENING_PICTURE_RE.match(html) is not None]

    def copy_of(src: str, shown: list[ImageRecord] = media) -> tuple[str, ImageRecord] | None:
        """The link to the copy of the image ``src`` names, and its record (added to
        ``shown``); None to leave ``src`` as written."""
        if not src or _SCHEME_RE.match(src.strip()) or src.strip().startswith("#"):
            return None
        written = urllib.parse.unquote(src.strip().split("#", 1)[0].split("?", 1)[0])
        if not written.endswith(cache.IMAGE_SUFFIXES):
            return None  # an SVG, say: a linked file (copy_linked)
        record = found(src, written, images.read, "image")
        if record is None:
            return None
        shown.append(record)
        return urls.relative_link(images_mod.output_path(record), page), record

    def found(src: str, written: str, read: Callable[[str], Found], what: str) -> Found | None:
        """The record ``read`` makes of the file ``written`` names (an image, or a linked
        file); None, with a warning if it cannot be used, to leave ``src`` as written."""
        try:
            file = images.resolve(written, path, linked=what != "image")
            if written.startswith("/") and not os.path.lexists(file):
                images.absent(file)  # a file of the theme, or one to be added: looked for again
                return None
            return read(file)
        except ImageError as e:
            warn(src, f"{what} {src!r} in the text, left as written: {e}")
            return None

    def copy_linked(tag: str, src: str) -> str | None:
        """The link to the copy of the linked file ``src`` names (its #fragment kept: a
        PDF's #page=3); None to leave ``src`` as written. Found as an image is (copy_of)."""
        if not src or _SCHEME_RE.match(src.strip()) or src.strip().startswith("#"):
            return None
        address, hash_sign, fragment = src.strip().partition("#")
        written = urllib.parse.unquote(address.split("?", 1)[0])
        if written.lower().endswith(".svg"):
            # Opened on its own (a link, "view image"), an SVG runs any script it holds, on the
            # site's address: content/ is no place for one, the theme's static files are. One
            # from the root may be the theme's (/static/logo.svg): left alone. (Said whether or
            # not the file is there: no build looks at SVG files of content/.)
            if not written.startswith("/"):
                warn(src, f"SVG {src!r} in the text, left as written: an SVG is not published from content/, as it can hold"
                     " script that runs on the site's address; put one you trust in templates/static/ and link it from there")
            return None
        if tag == "a" and written.lower().endswith(cache.CONTENT_SUFFIXES) and not written.startswith("/"):
            # It works in an editor's preview; on the site the file is no page. (One from
            # the root may be a file of templates/public/: left alone.)
            warn(src, f"link {src!r} in the text, left as written: a content file is not published; link to the article's address instead (as its page shows it)")
            return None
        if not written.endswith(cache.LINKED_SUFFIXES):
            return None
        record = found(src, written, images.read_linked, "linked file")
        if record is None:
            return None
        attachments.append(record)
        return urls.relative_link(images_mod.linked_path(record), page) + hash_sign + fragment

    def linked(src: str, moved: list[str]) -> str:
        found = copy_of(src)
        if found is None:
            return src
        moved.append(src)
        return found[0]

    def fix(tag: str, attrs: urls.Attributes) -> urls.Attributes:
        values = dict(attrs)
        fixed = dict(values)
        # Every address of an image in the text goes to its copy, as src does: the file
        # under content/ is not published, so a srcset candidate or a video's poster left
        # as written would lead nowhere.
        moved: list[str] = []
        if tag in ("img", "source") and (written := values.get("srcset")):
            candidates = urls.map_srcset(written, lambda src: linked(src, moved))
            if moved:  # a srcset of other sites' images stays byte for byte
                fixed["srcset"] = candidates
        if tag == "video" and (poster := values.get("poster")):
            fixed["poster"] = linked(poster, moved)
        if tag == "a" and (image := copy_of(values.get("href") or "", media if linked_pictures is None else linked_pictures)) is not None:
            # A link to a picture of content/ ("the full picture") leads to its copy, which
            # the pages that show it have too: the file under content/ is not published.
            fixed["href"] = image[0]
        elif (name := _LINKED_ATTRIBUTES.get(tag)) and (link := copy_linked(tag, values.get(name) or "")) is not None:
            fixed[name] = link
        found = copy_of(values.get("src") or "") if tag == "img" else None
        if tag == "img" and leading[0] and found is None:
            leading[0] = False  # a picture of elsewhere leads: it is left as written
        if found is None:
            return list(fixed.items()) if fixed != values else attrs
        fixed["src"], record = found
        if pictures is not None:
            pictures.append((record, " ".join((values.get("alt") or "").split())))
        if "width" not in values and "height" not in values:
            fixed.update(width=str(record.width), height=str(record.height))
        sizes = images_mod.widths(record)
        if sizes and "srcset" not in values:
            fixed["srcset"] = _srcset(record, page)
            fixed.setdefault("sizes", "(min-width: 48rem) 48rem, 100vw")
            # What reads src alone gets the largest copy, not the original: a feed reader
            # (sanitisers, feedparser's among them, drop srcset), which fetched a camera's
            # 10 MB for every entry. Browsers pick from srcset, the original still in it.
            fixed["src"] = urls.relative_link(images_mod.size_path(record, sizes[-1]), page)
        if leading[0]:
            leading[0] = False  # the one on top: those after it are lazy
        else:
            fixed.setdefault("loading", "lazy")
        fixed.setdefault("decoding", "async")
        return list(fixed.items())

    return urls.rewrite_start_tags(html, fix)


def _srcset(record: ImageRecord, page: str) -> str:
    """The ``srcset`` a picture of the text is given (``_body_images``) on the page at site
    path ``page``: its resized copies, then the original."""
    sizes = [f"{urls.relative_link(images_mod.size_path(record, w), page)} {w}w" for w in images_mod.widths(record)]
    return ", ".join([*sizes, f"{urls.relative_link(images_mod.output_path(record), page)} {record.width}w"])


def offer_webp(html: str, media: Iterable[ImageRecord], page: str) -> str:
    """The body ``html`` of the article at site path ``page`` (``Article.html``) with each
    picture of its text that has WebP copies (images.webp_widths) in a ``<picture>``, the
    copies offered first and its img, as it was, the fallback. For its page alone: feeds
    and what they hold stay JPEG and PNG, which every reader shows.

    A picture is one whose ``srcset`` is the one ``_body_images`` gave it: one written by
    hand, or already in a ``<picture>``, is left as written."""
    offered: dict[str, str] = {}
    for record in media:
        if webp := images_mod.webp_widths(record):
            offered[_srcset(record, page)] = ", ".join(f"{urls.relative_link(images_mod.webp_path(record, w), page)} {w}w" for w in webp)
    if not offered:
        return html

    def wrap(attrs: urls.Attributes) -> tuple[str, str] | None:
        values = dict(attrs)
        webp = offered.get(values.get("srcset") or "")
        if webp is None:
            return None
        sizes = values.get("sizes")
        said = f' sizes="{escape(sizes, quote=True)}"' if sizes is not None else ""
        return f'<picture><source type="image/webp" srcset="{escape(webp, quote=True)}"{said}>', "</picture>"

    return urls.wrap_images(html, wrap)


def _line_of_text(document: str, written: str, nth: int = 0, start: int = 0) -> int:
    """The line where ``written`` appears for the ``nth`` time (from 0) in the file from
    offset ``start``, or else first (1 if it does not as such)."""
    at = first = document.find(written, start)
    for _ in range(nth):
        if at < 0:
            break
        at = document.find(written, at + 1)
    at = at if at >= 0 else first
    return document.count("\n", 0, at) + 1 if at >= 0 else 1


# What the text of an article brought from Jekyll or Hugo holds for their templates to run,
# which sitegen runs no more than any text: shown to readers as written. (Pelican's
# {filename} links are said as links to a content file, or to no file, are.) Each kind is
# bounded to a line and to a length, so that a text of many braces takes linear time.
_OTHER_SYNTAX_RE = re.compile(
    r"(?P<shortcode>\{\{[<%][^\n{}]{0,300}?[>%]\}\})"
    r"|(?P<liquid>\{%-?[ \t]*(?P<tag>[a-z_]+)[^\n{}]{0,300}?%\})"
    r"|(?P<output>\{\{-?[ \t]*[a-z_][\w.\[\]'\"|: -]{0,300}?\}\})"
    r"|(?P<kramdown>\{:[^\n{}]{0,300}\})"
)
_CODE_START_RE = re.compile(r"<(pre|code|script|style)\b[^<>]{0,1000}>", re.IGNORECASE)
_CODE_END_RE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("pre", "code", "script", "style")}
OTHER_SYNTAX_SAID = 3
"""How many lines of other tools' syntax in a file are named; the others are counted."""


_SHORTCODE_ADVICE = {
    "figure": 'write the picture in Markdown: ![what it shows](file.jpg "caption")',
    "ref": "link to the article's address",
    "relref": "link to the article's address",
}
_LIQUID_ADVICE = {
    "highlight": "put the code between ``` lines (```python)",
    "raw": "delete it: nothing in the text is run",
    "endraw": "delete it: nothing in the text is run",
}


def _other_syntax_advice(match: re.Match[str]) -> str:
    """What the syntax ``match`` found is, and what to write instead."""
    found = match[0]
    if match["shortcode"]:
        name = found[3:].split(maxsplit=1)[0].strip("/>%") if found[3:].split() else ""
        instead = _SHORTCODE_ADVICE.get(name, "write what it made in Markdown or HTML (an embed's <iframe>)")
        return f"a Hugo shortcode, which sitegen does not run: it shows as written; {instead}"
    if match["liquid"]:
        instead = _LIQUID_ADVICE.get(match["tag"], "write what it made in Markdown or HTML")
        return f"a Liquid tag (Jekyll), which sitegen does not run: it shows as written; {instead}"
    if match["output"]:
        return "Liquid (Jekyll), which sitegen does not run: it shows as written; write the value itself"
    if match["kramdown"] and found[2:-1].strip() == "toc":
        return "kramdown's table of contents, which sitegen does not make: it shows as written; delete it (and the list item over it)"
    return "a kramdown attribute list where it is not read: it shows as written; write it at the end of a heading's line (## Details {: #more}) or of a paragraph's last line"


def _shown_as_code(html: str) -> list[tuple[int, int]]:
    """Where ``html`` shows code (a pre, code, script or style element, from its start tag
    to the end of its end tag), in order. One pass: after each start tag its end tag is
    looked for once, from there on, so that a text of many unclosed ``<code>`` tags takes
    linear time (a regular expression matching each to its end tag took quadratic time:
    minutes for a file of 100,000). Once a kind's end tag is found nowhere after one,
    its later start tags are passed over unsearched: none of them is closed either."""
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()
    at = 0
    while (start := _CODE_START_RE.search(html, at)) is not None:
        at = start.end()
        name = start[1].lower()
        if name in unclosed:
            continue
        end = _CODE_END_RE[name].search(html, at)
        if end is None:
            unclosed.add(name)
            continue
        spans.append((start.start(), end.end()))
        at = end.end()
    return spans


def _body_start(document: str) -> int:
    """Where the text of a content file starts: after its front matter's closing line (0
    for a file with none, which parse_article refuses before it gets here)."""
    if not document.startswith("---"):
        return 0
    closing = _FM_BOUNDARY.search(document, 3)
    return closing.end() if closing is not None else 0


def _other_tools_syntax(path: str, document: str, body_html: str) -> list[str]:
    """A warning, at its line, for each of the first few pieces of Jekyll's or Hugo's
    syntax that the text ``body_html`` shows its readers as written ({{< figure >}},
    {% highlight %}, {{ site.baseurl }}), then one counting the rest; none for what a code
    block or code span shows, as code, nor for a piece the file does not hold as such: one
    written escaped (``\\{\\{ site \\}\\}``, as the importer writes a seed's braces, or with
    entities) was meant to show as it does."""
    warnings: list[str] = []
    # How many times the text holds each piece as such: one pass over it (each piece is
    # bounded in length), not a search a piece. Its page shows it as many times or more.
    # After the front matter: a title that quotes one, the text escaping it, is no piece.
    body = _body_start(document)
    as_such = Counter(match[0] for match in _OTHER_SYNTAX_RE.finditer(document, body))
    seen: dict[str, int] = {}
    more, more_at, at = 0, 0, 0
    for code in [*_shown_as_code(body_html), None]:
        shown = unescape(urllib.parse.unquote(body_html[at : code[0] if code else len(body_html)]))
        for match in _OTHER_SYNTAX_RE.finditer(shown):
            nth = seen[match[0]] = seen.get(match[0], -1) + 1
            closing = match["shortcode"] and match[0][3:].lstrip().startswith("/")
            if closing or (match["tag"] and match["tag"].startswith("end") and match["tag"] != "endraw"):
                continue  # {% endhighlight %}, {{< /notice >}}: its opening tag is said
            if nth >= as_such[match[0]]:
                continue  # shown once more than the file holds it: written escaped
            if len(warnings) < OTHER_SYNTAX_SAID:
                written = match[0] if len(match[0]) <= 60 else match[0][:57] + "..."
                warnings.append(f"{path}:{_line_of_text(document, match[0], nth, body)}: {written!r} is {_other_syntax_advice(match)}")
            elif not more:
                more, more_at = 1, _line_of_text(document, match[0], nth, body)
            else:
                more += 1  # counted, not placed: placing it is a search of the file
        if code is not None:
            at = code[1]
            # What code shows is counted too, so that a piece is placed at its own line of
            # the file, not at the same text written before it as code.
            for match in _OTHER_SYNTAX_RE.finditer(unescape(body_html[code[0] : code[1]])):
                seen[match[0]] = seen.get(match[0], -1) + 1
    if more:
        warnings.append(f"{path}:{more_at}: and {more} more piece{'s' if more > 1 else ''} of other tools' syntax, shown as written")
    return warnings


UNBALANCED_SAID = 3
"""How many unbalanced tags of a file are named; the others are counted."""


def _unbalanced(path: str, document: str, unbalanced: list[text.Unbalanced]) -> list[str]:
    """A warning for each of the first few tags ``text.balance_html`` or the Markdown
    (markdown_ext.end_open_blocks) mended, at its line, then one counting the rest."""
    warnings: list[str] = []
    for tag in unbalanced[:UNBALANCED_SAID]:
        where = f"{path}:{_line_of_text(document, tag.written, tag.nth)}"
        if tag.how == "block":
            said = (
                f"is never closed, so all the text after it would be read as HTML, not Markdown: {tag.closes} added at the blank"
                " line after it; write it where the element ends"
            )
        elif tag.how == "text" and tag.closes:
            said = (
                "is never closed, so all that comes after it would be hidden (or run as script): its tag is shown as text;"
                f" write {tag.closes} where the element ends"
            )
        elif tag.how == "text":
            said = "is closed by no end tag in HTML, so all that comes after it would show as plain text, the page's markup included: shown as text"
        elif tag.how == "unknown":
            said = "names no HTML element, so a browser would show nothing of it: shown as text; write &lt; for its < to show it so"
        elif tag.how == "after":
            said = f"is not closed by its '/' in HTML, so all that comes after it would be hidden (or run as script): {tag.closes} added after it"
        elif tag.written == "<!--":
            said = "starts a comment that is never closed, which would hide the rest of the page: closed at the end of the text; write --> where it ends"
        elif tag.closes:
            added = f"before {tag.where}" if tag.where else "at the end of the text"
            said = f"is never closed, so it would take in what comes after it on the page: {tag.closes} added {added}; write it where the element ends"
        elif tag.written.startswith("</"):
            said = "closes no element the text opened, so it would close part of the page around the text: left out"
        else:
            said = "has no '>' to end it, so it would take in what comes after it on the page: shown as text"
        warnings.append(f"{where}: {tag.written} {said}")
    if (more := len(unbalanced) - UNBALANCED_SAID) > 0:
        warnings.append(f"{path}:{_line_of_text(document, unbalanced[UNBALANCED_SAID].written, unbalanced[UNBALANCED_SAID].nth)}: and {more} more unbalanced tag{'s' if more > 1 else ''}, mended as these")
    return warnings


def _missing_notes(path: str, document: str, labels: tuple[str, ...]) -> list[str]:
    """A warning for each of the first few footnote marks no note is given for, at the line
    of its first use, then one counting the rest."""
    warnings = [
        f"{path}:{_line_of_text(document, f'[^{label}]')}: [^{label}] is a footnote mark with no note, so it shows as written:"
        f" give the note on a line of its own after a blank line, [^{label}]: ..., or write \\[^{label}] for the text"
        for label in labels[:UNBALANCED_SAID]
    ]
    if (more := len(labels) - UNBALANCED_SAID) > 0:
        first = labels[UNBALANCED_SAID]
        warnings.append(f"{path}:{_line_of_text(document, f'[^{first}]')}: and {more} more footnote mark{'s' if more > 1 else ''} with no note")
    return warnings


def _open_fences(path: str, document: str, fences: tuple[tuple[str, ...], ...]) -> list[str]:
    """A warning for each of the first few code fences nothing closes, at its line, then one
    counting the rest."""
    lines = [_FENCE_LINE_RE.sub("", line).strip() for line in document.split("\n")]
    claimed: set[int] = set()
    said: list[tuple[int, str]] = []
    for fence, *code in fences[:UNBALANCED_SAID]:
        at = _line_of_fence(lines, fence, code, claimed)
        claimed.add(at)
        marks = fence[: len(fence) - len(fence.lstrip(fence[0]))]
        said.append((at, f"{fence} starts a code block that no {marks} closes, so all that follows it (in its list item or quote, if it is in one) is shown as code: write {marks} on a line of its own where the code ends"))
    # In the order of the file (those in quotes are found after the others).
    warnings = [f"{path}:{at + 1}: {message}" for at, message in sorted(said)]
    if (more := len(fences) - UNBALANCED_SAID) > 0:
        fence, *code = fences[UNBALANCED_SAID]
        warnings.append(f"{path}:{_line_of_fence(lines, fence, code, claimed) + 1}: and {more} more code block{'s' if more > 1 else ''} that nothing closes")
    return warnings


# What comes before a line's own text in a quote or a list item: ">"s, and spaces.
_FENCE_LINE_RE = re.compile(r"^[ \t>]*")


def _line_of_fence(lines: list[str], fence: str, code: list[str], claimed: set[int]) -> int:
    """The index in ``lines`` (a file's lines, each without the ">"s and indentation it is
    written with) of the line that opens the code block of ``fence`` and ``code``, and no
    other's (``claimed``): its fence, after any list item's marker, over the code's first lines
    (in a quote, or a list item, written further in); else the first line ending in the fence."""
    shown = code[:3]
    found = [n for n, line in enumerate(lines) if line.endswith(fence) and n not in claimed]
    for n in found:
        if lines[n + 1 : n + 1 + len(shown)] == [_FENCE_LINE_RE.sub("", line).strip() for line in shown]:
            return n
    return found[0] if found else 0


T = TypeVar("T")


def _at_most(items: tuple[T, ...], most: int, what: str, why: str, where: Callable[[], str], warnings: list[str]) -> tuple[T, ...]:
    """The first ``most`` of ``items``, with a warning when there were more. For what makes
    pages: a line of thousands of names in one small file made minutes of work and
    gigabytes (2,000 bylines: 337 s, 1.3 GB)."""
    if len(items) <= most:
        return items
    warnings.append(f"{where()}: {len(items)} {what}, the first {most} kept ({why})")
    return items[:most]


def _aliases(meta: dict[str, Any], config: Config, fail: Any, warn: Callable[[str], None]) -> tuple[str, ...]:
    """Front matter ``aliases``: more addresses of the article, as site paths, decoded
    (``café/`` for ``caf%C3%A9/``), each redirected to it. ``old/story/`` is from the base
    URL; ``/news/old/story/`` from the host's root, when the base URL's path is ``/news/``
    (as Hugo migrants write them). ``/old/story/`` outside that path is read from the base
    URL with a warning (``warn``): it may mean an address of the host this site cannot answer.
    One with no extension (``old``) is a folder's address, ``old/`` (redirects.folder_alias)."""
    raw = _given(meta, "aliases")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
        raise _not_words("aliases", raw, "must be a list of paths, e.g. [2019/old-story/]", fail)
    found: list[str] = []
    for alias in raw:
        path = urls.site_path(alias)
        if path is None:
            raise fail("aliases", f"{alias!r} is not a path of this site: write one such as 2019/old-story/")
        if alias.strip().startswith("/"):
            path = _from_root(alias, path, urls.Urls(config.site_base_url or config.base_url).base_path, fail, warn)
        path = folder_alias(path)
        if why := refused_alias(path):
            raise fail("aliases", f"{alias!r} is {why}: no article's alias may take it; remove it")
        if path.lower().endswith(FEED_SUFFIXES) and path.rpartition("/")[2] not in config.feed_aliases and path not in config.feed_aliases:
            # An old tool's feed (Hugo's index.xml, Jekyll's feed.xml) listed here would
            # answer its subscribers with this article's redirect page, which no feed
            # reader follows: the setting sends it to the feed, with a 301. A name the
            # setting has is the plan's to judge: where it is a feed's, the feed wins
            # (plan._redirects says so), and advice to add it would be no help.
            warn(
                f"{alias!r} looks like a feed's address: its redirect is a page that feed readers do not follow; to send an old"
                f" feed's subscribers to the site's feeds, add its name to feed_aliases in sitegen.toml instead"
            )
        if pattern := pattern_in(path):
            warn(
                f"{alias!r} holds {pattern!r}, which Netlify and Cloudflare Pages read in _redirects as a"
                f" {'splat' if pattern == '*' else 'placeholder'}: it gets no rule there, only its redirect page (a 200 and a"
                " refresh) and the nginx map's 301"
            )
        if path not in found:
            found.append(path)
    return tuple(found)


def _from_root(alias: str, path: str, base_path: str, fail: Any, warn: Callable[[str], None]) -> str:
    """The site path of an alias written from a root (``/...``, ``path`` decoded, its slash
    taken off). base_url is read for such aliases only: no other parse depends on it."""
    base = urllib.parse.unquote(base_path)
    if base == "/":
        return path
    if ("/" + path).startswith(base):
        inside = ("/" + path)[len(base) :]
        if not inside:
            raise fail("aliases", f"{alias!r} is the site's home page, which no article's alias may take")
        return inside
    warn(
        f"{alias!r} is outside {base}, where the site is; it is read from there, as {base}{path}: write {path}"
        f" (no leading slash) to say so; an address outside {base} is not the output folder's to redirect"
    )
    return path


_CORRECTION_EXAMPLE = "- date: 2024-06-03\n    text: An earlier version misstated the depth of the berth."


def correction_lines(document: str) -> list[int]:
    """The line of each item of front matter ``corrections`` written one under another
    (``- date: ...``); [] for a list written on one line (``[{...}]``), whose items are all
    on the key's. For messages only: what the items hold is YAML's to read."""
    start = line_of(document, "corrections", ":")
    if start is None:
        return []
    lines = document.split("\n")
    found: list[int] = []
    indent: int | None = None
    for number in range(start, len(lines)):  # the lines after the key's (0-based: ``start`` is the next)
        line = lines[number]
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.rstrip() == "---" and not line.startswith(" "):
            break  # the end of the front matter
        at = len(line) - len(stripped)
        if stripped.startswith("-") and stripped[1:2] in ("", " "):
            indent = at if indent is None else indent
            if at == indent:
                found.append(number + 1)
                continue
        if at == 0 and not stripped.startswith("-"):
            break  # the next key
    return found


def _corrections(path: str, document: str, meta: dict[str, Any], zone: dt.tzinfo, published: dt.datetime) -> tuple[cache.CorrectionRecord, ...]:
    """Front matter ``corrections``: a list of ``{date, text}``, newest first (as written
    where two have one date). Each problem is an error naming the item's line: a correction
    published wrong (no text, no date, dated before the story it corrects) would tell
    readers something false about the story, and a guess at what was meant could be worse.
    A date after the build's clock is the ledger's to warn of (ledger._corrections_ahead):
    the parse does not read the clock."""
    raw = _given(meta, "corrections")
    if isinstance(raw, list) and not raw:
        # Most stories: no item to place, so no search of the whole file for their lines
        # (two, a twentieth of a clean build's parse).
        return ()
    key_line = line_of(document, "corrections", ":") or 2
    if not isinstance(raw, list):
        raise ContentError(
            path, f"corrections: must be a list of corrections, each a date and a text, but YAML reads {_read_as(raw)}: write\ncorrections:\n  {_CORRECTION_EXAMPLE}", key_line
        )
    lines = correction_lines(document)
    found: list[tuple[dt.datetime, cache.CorrectionRecord]] = []
    for number, item in enumerate(raw, start=1):
        line = lines[number - 1] if len(lines) == len(raw) else key_line

        def fail(message: str, line: int = line, number: int = number) -> ContentError:
            return ContentError(path, f"corrections: item {number}: {message}", line)

        if not isinstance(item, dict):
            raise fail(f"must be a date and a text (date: ..., text: ...), but YAML reads {_read_as(item) if item is not None else 'nothing'}")
        if unknown := [str(key) for key in item if key not in ("date", "text")]:
            meant = [m for name in unknown if (m := _meant_key_of(name, ("date", "text")))]
            hint = f": did you mean {meant[0]!r}?" if meant else ": a correction has a date and a text"
            raise fail(f"{unknown[0]!r} is not read{hint}")
        for key in ("date", "text"):
            if item.get(key) in (None, ""):
                raise fail(f"no {key}: write one (date: 2024-06-03, text: what an earlier version got wrong)")
        written = item["date"]
        if isinstance(written, (bool, list, dict)):
            raise fail(f"date: must be one date, such as 2024-06-03, but YAML reads {_read_as(written)}")
        try:
            date = dates.parse_date(written, zone)
        except ValueError as e:
            raise fail(f"date: {e}") from e
        value = item["text"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise fail(f"text: must be text, but YAML reads {_read_as(value)}: put it in quotes")
        said = _text(value, "corrections", lambda key, message: fail(f"text: {message}"))
        if not text.is_visible(said):
            raise fail("text: has no visible character")
        # A day alone (2024-06-03, as newsrooms date corrections) is its midnight: compared by
        # the day, so a story corrected the day it came out is not before itself.
        day_only = isinstance(written, str) and ":" not in written
        before = date.date() < published.astimezone(date.tzinfo).date() if day_only else date < published
        if before:
            raise fail(f"date {dates.format_iso(date)} is before the article's date, {dates.format_iso(published)}: a correction comes after what it corrects")
        found.append((date, cache.CorrectionRecord(_date_record(date), said, line)))
    # Newest first, as newsrooms list them; sorted() keeps the written order of equal dates.
    return tuple(record for _, record in sorted(found, key=lambda pair: pair[0], reverse=True))


def _meant_key_of(name: str, keys: Sequence[str]) -> str | None:
    hint = difflib.get_close_matches(name.lower(), keys, n=1)
    return hint[0] if hint else None


def _canonical(meta: dict[str, Any], fail: Any) -> str:
    """Front matter ``canonical``: the original's address, for a syndicated story."""
    url = _string(meta, "canonical", fail)
    if url and not urls.is_absolute_http(url):
        raise fail("canonical", f"must be the original's absolute http(s) URL, such as https://example.com/story, not {url!r}")
    return url


def _language(meta: dict[str, Any], fail: Any) -> str:
    """Front matter ``language``: the BCP 47 tag of a story in another language than the
    site's (``de`` on an English site), checked as the setting is; "" when not given."""
    tag = _string(meta, "language", fail)
    if tag:
        check_language(tag, lambda message: fail("language", message))
    return tag


def _authors(meta: dict[str, Any], config: Config, fail: Any, warn: Callable[[str], None]) -> tuple[AuthorRecord, ...]:
    """The bylines front matter ``author`` gives (a name, or a list of names), else the
    site's ``author``; each described by its ``[authors.<slug>]`` table if it has one.
    ``warn`` is told of a name that is most likely a slip for an author of sitegen.toml."""
    raw = meta.get("author")
    if raw is None or raw in ("", []):
        names = [config.author]
    elif isinstance(raw, str):
        names = [raw]
    elif isinstance(raw, list) and all(isinstance(name, str) for name in raw):
        names = raw
    else:
        raise _not_words("author", raw, "must be a name or a list of names, e.g. [Jane Doe, Sam Lee]", fail)
    found: dict[str, AuthorRecord] = {}
    for written in names:
        if not (name := _label(written, "author", fail)):
            continue
        info = find_author(config, name)
        if info.slug in found:
            continue
        found[info.slug] = AuthorRecord(info.slug, info.name, info.bio, info.url, info.kind)
        # A slip in a described author's slug or name makes a byline of its own, with a page
        # and feeds that stay once out (the ledger keeps them): said at every build until put right.
        if raw is not None and (meant := meant_author(config, name)) is not None:
            warn(
                f"author {name!r} is no author of sitegen.toml (did you mean {meant!r}?): as it is written, it is a byline of its own,"
                f" with a page and feeds; if that is meant, describe it in an [authors.{info.slug}] table"
            )
    return tuple(found.values())


def _article_id(meta: dict[str, Any], path: str, fail: Any) -> str:
    """The front matter's ``id``, or one derived from the file's name."""
    written = _string(meta, "id", fail)
    if written and not urls.is_absolute_iri(written):
        # Atom requires one, and feed readers tell entries apart by it.
        raise fail("id", f"{written!r} is not an absolute URI: write one such as tag:example.org,2024:my-story, or leave id out")
    return written or id_from_name(path)


SLUG_KEYS = ("slug", "title")
"""Where an article's slug comes from: ``slug``, else its ``title`` (for ``line_in``)."""


def line_in(source: str, *keys: str) -> int | None:
    """The line of the first of ``keys`` set in the file ``source``, if any, for a message
    about what was read there (the file is read again only then)."""
    # Only for the line number: a file gone or unreadable since it was parsed has none.
    try:
        text = Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return next((line for key in keys if (line := line_of(text, key, ":")) is not None), None)


def id_from_name(path: str) -> str:
    """The id of the article in the content file ``path`` when its front matter gives none:
    one derived from the file's name."""
    return f"urn:uuid:{uuid.uuid5(CONTENT_NAMESPACE, Path(path).stem)}"


def decode_content(data: bytes) -> str:
    """A content file's text: UTF-8, with or without a byte order mark, line ends made LF.

    The one reading of a content file's bytes: the parse here and the importer (seeds.py)
    must see the same front matter. Raises UnicodeDecodeError, its offsets in ``data``.
    """
    decoded = text.decode_utf8(data)
    # Looked for first: a search for the two characters "\r\n" took twice the decoding.
    return decoded.replace("\r\n", "\n").replace("\r", "\n") if "\r" in decoded else decoded


def _boundaries(document: str) -> tuple[re.Match[str], re.Match[str]] | None:
    """The front matter's '---' lines, as python-frontmatter splits it: the first line and the
    next such line; None when it has no front matter."""
    first = _FM_BOUNDARY.match(document)
    at = first.end() if first else -1
    while first is not None and (at := document.find("\n---", at)) >= 0:
        at += 1
        if (closing := _FM_BOUNDARY.match(document, at)) is not None:
            return first, closing
    return None


def text_start(document: str) -> int:
    """Where the article's text starts in ``document`` (from ``decode_content``): past its
    front matter; 0 when it has none."""
    boundaries = _boundaries(document)
    return boundaries[1].end() if boundaries is not None else 0


FRONT_FIELDS = ("title", "slug", "date", "seed", "seed_hash")
"""The fields ``front_fields`` reads."""


def front_fields(document: str) -> dict[str, str]:
    """``title``, ``slug``, ``date``, ``seed`` and ``seed_hash`` of the front matter of
    ``document`` (from ``decode_content``), as ``parse_article`` reads them: text, its
    whitespace folded; a field that is absent, empty or not text is left out.

    The one reading of these fields outside ``parse_article``: the importer reads them to
    know the slugs taken and which seed each file came from, and whether its seed changed
    (``seed_hash``, stamped by the importer); the parse records ``seed_hash`` so that an
    unchanged file need not be read again for it. Both must agree with YAML, or a comment
    (``seed: a.txt # from the wire``) makes the import take a slug or a seed a person's
    article holds. Front matter YAML cannot load is read line by line, as best it can: it
    still claims its seed and slug, and the build reports it.
    """
    boundaries = _boundaries(document)
    if boundaries is None:
        return {}
    first, closing = boundaries
    head = document[first.end() : closing.start()]
    # A character parse_article strips first (text.strip_xml_illegal) is one that sends
    # the head to YAML (plain_meta), which is handed the document stripped as the parse
    # sees it. (Only the head is plain_meta's to read: whitespace after a '---' is the
    # line's, and a head read as YAML is the same head.)
    found = _plain_fields(head)
    if found is not None:
        return found
    if text.find_xml_illegal(document) is not None:
        document = text.strip_xml_illegal(document)
    try:
        meta, _ = _front_matter("", document)
    except (ContentError, RecursionError):
        return _line_fields(head)
    read: dict[str, str] = {}
    for key in FRONT_FIELDS:
        value = meta.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and (folded := " ".join(value.split())):
            read[key] = folded
    return read


# Reading front matter as YAML costs ~100 us a file, and the importer reads every content
# file (10,000 of them) to know which slugs and seeds are taken. Front matter made only of
# lines that YAML reads one by one (what the importer writes, and most of what people
# write) is read here by one regular expression; anything else goes to YAML. Tests
# compare the two on generated front matter.
# The scalar is an atomic group: what it took is never given back to the spaces after it,
# which would make a long line of spaces take quadratic time.
# An item of a one-line list of words (tags: [World, Middle East]): words of letters, digits
# and "_.-", the first starting with a letter, digit or "_", spaces between them. Atomic, and
# no space at either end: a long line of spaces cannot make it backtrack.
_FLOW_ITEM = r"(?>[A-Za-z0-9_][A-Za-z0-9_.-]*(?: +[A-Za-z0-9_.-]+)*)"
_SCALAR = (
    r"(?>'[^'\n]*(?:''[^'\n]*)*'"  # single-quoted
    r'|"[^"\\\n]*"'  # double-quoted, no escapes
    rf"|\[(?: *{_FLOW_ITEM} *(?:, *{_FLOW_ITEM} *)*)?\]"  # a list, empty or of words
    # Plain: not starting with an indicator, no ": " or " #" inside, no ":" at the end.
    r"|[^-?:,\[\]{}#&*!|>'\"%@`\n ][^:#\n]*(?:(?::(?=[^ \n])|(?<! )#)[^:#\n]*)*)"
)
_ONE_LINE_HEAD_RE = re.compile(
    rf"(?:\n(?: *(?:#[^\n]*)?"  # a blank line or a comment
    rf"|(?:{'|'.join(FRONT_MATTER_KEYS)}):"  # a known key, with one scalar or the items of a list
    rf"(?: +{_SCALAR} *| *(?:\n- +{_SCALAR} *)*)"
    rf"))*\n?"
)
_KEY_LINE_RE = re.compile(r"\n([a-z_]+):([^\n]*)")
# What YAML's reader refuses, and tabs and the line breaks other than LF, which YAML reads
# by rules of their own: front matter with any of them goes to YAML. Listed, not as the
# class of every other character ("[^\n -~\xa0-\u2027...]"), which took ten times as long to
# compile on every start (a test holds the two to one set).
_YAML_AWKWARD_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# A plain scalar frontyaml.Loader reads as other than text: YAML 1.1's booleans and null, the
# merge key, the value key and a lone tag, anchor or alias sign, as PyYAML's resolver finds
# them; numbers and dates the Loader leaves as text (a test holds this to the resolver).
_NOT_TEXT_RE = re.compile(r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|=|!|&|\*")


def _is_text(plain: str) -> bool:
    """Whether ``frontyaml.Loader`` reads the plain scalar ``plain`` (one line) as text."""
    return _NOT_TEXT_RE.fullmatch(plain) is None


def _plain_fields(head: str) -> dict[str, str] | None:
    """``front_fields`` of the front matter ``head``, or None when it is not plain (``plain_meta``)."""
    meta = plain_meta(head)
    if meta is None:
        return None
    return {key: folded for key in FRONT_FIELDS if isinstance(value := meta.get(key), str) and (folded := " ".join(value.split()))}


@functools.lru_cache(maxsize=2)
def plain_meta(head: str) -> dict[str, Any] | None:
    """The front matter ``head`` as ``frontyaml.Loader`` loads it, or None unless each of its
    lines is blank, a comment, a known key with one text scalar or a one-line list of words, or a text
    item of a list such a key opened, and no key is set twice: what the importer writes, and
    most of what people do.

    Remembered for the last heads, as ``_load`` is: parse_file reads the front matter
    twice (front_fields, then the article). What it returns is shared: never change it."""
    if _YAML_AWKWARD_RE.search(head) or not _ONE_LINE_HEAD_RE.fullmatch(head):
        return None
    meta: dict[str, Any] = {}
    items: list[str] = []
    lists: list[list[str]] = []
    for line in head.split("\n"):
        if line.startswith("-"):  # an item of the list the key above opened: the pattern allows no other
            item = _plain_scalar(line[1:].strip(" "))
            if item is None:
                return None
            items.append(item)
            continue
        key, colon, written = line.partition(":")
        if not colon or key[:1] in ("", " ", "#"):
            continue  # a blank line or a comment
        if key in meta:
            return None  # YAML's error
        written = written.strip(" ")
        if not written:
            meta[key] = items = []  # its items follow
            lists.append(items)
        elif written[:1] == "[":
            listed = [item.strip(" ") for item in written[1:-1].split(",")] if written != "[]" else []
            if not all(_is_text(item) for item in listed):
                return None  # [1, yes]: numbers, booleans
            meta[key] = listed
        elif (value := _plain_scalar(written)) is not None:
            meta[key] = value
        else:
            return None
    if not meta or not all(lists):
        return None  # nothing at all, or a key with no value and no items: YAML's null
    return meta


def _plain_scalar(written: str) -> str | None:
    """The text of a one-line scalar ``_ONE_LINE_HEAD_RE`` let through, or None when YAML
    reads it as something else (a number, a boolean, null, a list)."""
    if written[:1] == "'":
        return written[1:-1].replace("''", "'")
    if written[:1] == '"':
        return written[1:-1]
    if not written or written[:1] == "[" or not _is_text(written):
        return None  # a list item that is itself a list ([a]) is left to YAML too
    return written


# Front matter YAML cannot load, read line by line. The value is trimmed in Python: a lazy
# group before optional quotes and [ \t]*$ would make a long line of spaces take quadratic time.
_FIELD_RE = re.compile(r"^(title|slug|date|seed|seed_hash):(.*)$", re.MULTILINE)


def _line_fields(head: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _FIELD_RE.finditer(head):
        value = match[2].strip(" \t")
        if value[:1] in ("'", '"'):
            value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
        else:
            value = re.split(r"[ \t]#", value, maxsplit=1)[0]
        if folded := " ".join(value.split()):
            found[match[1]] = folded
    return found


def default_slug(path: str, title: str, unicode: bool = False) -> str:
    """The slug of a content file whose front matter gives none: from its file name, or
    for an ``index.md`` (``world/index.md``) from its title (``unicode``: slugs = "unicode").
    Hugo's ``_index.md`` made a page is named by its title too: its name says only that it is
    its folder's."""
    stem = Path(path).stem
    return urls.slugify(title if stem in ("index", "_index") else stem, unicode=unicode)


def read_content(path: str, max_bytes: int) -> tuple[bytes, FileState]:
    """The bytes of one content file; refused (ContentError) when it is a symbolic link, not
    a regular file, or larger than ``max_bytes``. (Folders are never entered through a link:
    cache.find_files lists what lies inside content/ itself.)"""
    if not path.endswith(cache.CONTENT_SUFFIXES) and path.lower().endswith(cache.CONTENT_SUFFIXES):  # cache.find_content
        ending = os.path.splitext(path)[1]
        raise ContentError(path, f"not read: content files end in {ending.lower()}, in lower case, not {ending}; rename it")
    try:
        return cache.read_file(path, max_bytes)
    except cache.Refused as e:
        if e.link and os.path.isdir(path):  # cache.find_content
            raise ContentError(path, "is a symbolic link to a folder, whose files are not read: content files must be inside content/ itself") from e
        raise ContentError(path, f"{e}; content files must be regular files inside content/" if e.link else str(e)) from e
    except OSError as e:
        if os.path.isdir(path):  # a folder cache.find_content could not list
            raise ContentError(path, f"folder cannot be read: {e.strerror}; the articles in it are left out of the site until it can be") from e
        raise ContentError(path, f"cannot be read: {e.strerror}") from e


def parse_file(
    path: str, config: Config, convert: Converter, images: ImageReader | None = None, words: TextWords | None = None
) -> tuple[FileState | None, ParseRecord]:
    """Read and parse one content file; the state is None if it could not be read.

    The record's ``reads`` is left empty: what the parse read of ``config`` (and of ``words``)
    is noted by whoever hands it a recording config (memo.py). ``images`` reads the image
    files it shows (default: relative to the file's folder); the record lists them in
    ``files``. ``words``: the words written into its text, in its language (parse_article).
    """
    state: FileState | None = None
    fields: dict[str, str] | None = None
    images = images or ImageReader(os.path.dirname(path), config.max_image_bytes)
    try:
        data, state = read_content(path, config.max_file_bytes)
        try:
            document = decode_content(data)
        except UnicodeDecodeError as e:
            raise ContentError(path, *not_utf8(data, e)) from e
        fields = front_fields(document)
        article, warnings = parse_article(path, document, config, convert, images, words)
    except SitegenError as e:
        return state, _record(state, fields, files=images.files, error=e.reason, line=e.line, retry=isinstance(e, TooSlow))
    except RecursionError:
        return state, _record(state, fields, files=images.files, error="is nested too deeply to read")
    if article is None:
        return state, _record(state, fields, files=images.files, warnings=tuple(warnings), draft=True, draft_id=draft_id(path, document))
    return state, _record(state, fields, files=images.files, warnings=tuple(warnings), article=article)


def draft_id(path: str, document: str) -> str:
    """The article id of the draft ``document`` ("" if its front matter gives a bad one)."""
    try:
        meta, _ = _front_matter(path, document)
        return _article_id(meta, path, lambda key, message: ContentError(path, message))
    except (SitegenError, RecursionError):
        return ""


def _record(state: FileState | None, fields: dict[str, str] | None, **outcome: Any) -> ParseRecord:
    """A parse record, with what the importer needs of the file's front matter (``fields``,
    None when it could not be read)."""
    seed_hash, seed = (fields.get("seed_hash", ""), fields.get("seed", "")) if fields is not None else ("", None)
    return ParseRecord(state.sha if state else "", {}, seed_hash=seed_hash, seed=seed, **outcome)


@dataclass(frozen=True, slots=True)
class SeedClaims:
    """Which content file is each seed's article, as the files' ``seed`` fields say."""

    owners: dict[str, str]
    """Seed file name -> the content file of its article: of the files whose ``seed`` names
    it, the one in the seed's own place (``<seed stem>.md`` in content/) if it is one, else
    the first by path. A file renamed or moved by hand is still its seed's article."""
    seeds: dict[str, str | None]
    """Every content file -> the seed it names ("" for none; None when it cannot be read)."""


def seed_claims(names: Iterable[str], content_dir: str, seed_of: Callable[[str], str | None]) -> SeedClaims:
    """The claims of the content files ``names``; ``seed_of`` gives the seed a file names
    (``seed_named``, or a parse record's ``seed`` for a file unchanged since it was made)."""
    seeds = {name: seed_of(name) for name in sorted(names)}
    owners: dict[str, str] = {}
    for name, seed in seeds.items():
        if seed and (seed not in owners or name == os.path.join(content_dir, seed.removesuffix(".txt") + ".md")):
            owners[seed] = name
    return SeedClaims(owners, seeds)


def seed_named(path: str, limit: int) -> str | None:
    """The seed the front matter of ``path`` names ("" for none), as a parse records it;
    None when it cannot be read (over ``limit`` bytes, a link, not UTF-8)."""
    fields = read_front_fields(path, limit)
    return fields.get("seed", "") if fields is not None else None


def read_front_fields(path: str, limit: int) -> dict[str, str] | None:
    """``front_fields`` of the content file ``path``; None when it cannot be read (over
    ``limit`` bytes, a link, not UTF-8)."""
    try:
        return front_fields(decode_content(cache.read_file(path, limit)[0]))
    except (cache.Refused, OSError, UnicodeDecodeError):
        return None


def taken_slugs(content_dir: Path, limit: int, unicode: bool = False) -> set[str]:
    """The slug of every content file under ``content_dir``, as the parse will find it
    (``unicode``: slugs = "unicode"): what a new article, imported or made by ``sitegen
    new``, must not take."""
    taken: set[str] = set()
    for name in cache.find_content(content_dir):
        try:
            fields = front_fields(decode_content(cache.read_file(name, limit)[0]))
        except (cache.Refused, OSError, UnicodeDecodeError):
            continue  # reported by the parse
        taken.add(fields.get("slug") or default_slug(name, fields.get("title", ""), unicode))
    return taken


_BLOCK_END_RE = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|div|figure|figcaption|td|th)>|<br\s*/?>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")


def _opens_with(body_html: str, summary: str, plain: str | None = None) -> bool:
    """Whether ``summary`` is how the text itself begins (an ellipsis aside). ``plain`` is
    the text the summary was cut from, if it was (``text.html_to_text``): compared with
    another reading, a footnote mark or a table's cells made the start of the text a
    standfirst above it. A summary written apart (an import's copy of the text) is compared
    with tags stripped by pattern, not parsed: a text the pattern reads otherwise only keeps
    its standfirst, and parsing every body again cost 0.4 ms an article."""
    opening = summary.removesuffix("…")
    if not opening:
        return False
    if plain is None:
        plain = " ".join(unescape(_TAG_RE.sub("", _BLOCK_END_RE.sub(" ", body_html))).split())
    return plain.startswith(opening)


def article_from_record(path: str, record: ParseRecord, tags: dict[TagRecord, Tag] | None = None, content_dir: str = "") -> Article:
    """The article a record describes; the same whether the record is fresh or cached.

    Fields pass through by name: a new front-matter field is read in ``parse_article`` and
    declared in ``cache.ArticleRecord`` and ``model.Article``, nothing more. ``tags`` shares
    one Tag object per tag among the articles of a build.

    Its ``source_hash`` names the files it was made from by their paths in ``content_dir``:
    the same site built in another folder (a CI cache restored on another runner) has the
    same articles, and its pages the same keys.
    """
    stored = record.article
    assert stored is not None
    shared = {} if tags is None else tags
    fields = msgspec.structs.asdict(stored)
    del fields["body_sha"]  # the cache's own: which Markdown the HTML came from
    fields["source"] = path
    fields["published"] = published = _date_from_record(stored.published)
    # Most articles were never updated: their dates are one, read once.
    fields["updated"] = published if stored.updated == stored.published else _date_from_record(stored.updated)
    fields["source_hash"] = record.source_hash or source_hash_of(path, record.file_sha, record.reads, record.files, content_dir)
    # What most articles lack (a byline of their own, a picture, a correction) is left as
    # stored, an empty tuple or None: nothing to make for 10,000 articles.
    if stored.authors:
        fields["authors"] = tuple(Author(a.name, a.slug, urls.author_path(a.slug), a.url, a.bio, a.kind) for a in stored.authors)
    if stored.image:
        fields["image"] = _image_from_record(stored.image)
    if stored.text_image:
        fields["text_image"] = _image_from_record(stored.text_image)
    if stored.tags:
        fields["tags"] = tuple(shared.get(t) or shared.setdefault(t, Tag(t.name, t.slug)) for t in stored.tags)
    if stored.corrections:
        fields["corrections"] = tuple(Correction(_date_from_record(c.date), c.text, c.line) for c in stored.corrections)
    return Article(**fields)


def source_hash_of(path: str, file_sha: str, reads: Mapping[str, str], files: Mapping[str, str], content_dir: str = "") -> str:
    """The digest of what a content file's article was made from: the file (by its path in
    ``content_dir``) and its bytes, the settings its parse ``reads`` and the other ``files``
    it read. Its article's ``source_hash``; stored in the parse record (memo.py), as every
    build that reuses a record would otherwise work it out again (10,000: 0.04 s)."""
    inside = content_dir.rstrip(os.sep) + os.sep if content_dir else ""

    def within(name: str) -> str:
        return name[len(inside) :] if inside and name.startswith(inside) else name

    return cache.digest("\0".join([within(path), file_sha, *(f"{within(k)}={v}" for k, v in sorted({**reads, **files}.items()))]))


def _image_from_record(image: ArticleImage) -> Image:
    file = image.file
    if file is None:
        return Image(image.url, image.alt, caption=image.caption, credit=image.credit)
    sizes = tuple(ImageSize(images_mod.size_path(file, w), w, images_mod.scaled_height(file, w)) for w in images_mod.widths(file))
    webp = tuple(ImageSize(images_mod.webp_path(file, w), w, images_mod.scaled_height(file, w)) for w in images_mod.webp_widths(file))
    return Image(
        images_mod.output_path(file), image.alt, file.width, file.height, image.caption, image.credit, sizes, images_mod.MEDIA_TYPES[file.format], file.length, webp
    )


@dataclass(frozen=True, slots=True)
class HeldIds:
    """The article ids the content files hold, as far as their front matter can be read."""

    files: dict[str, str]
    """Id -> the content file that holds it, drafts included."""
    drafts: dict[str, str]
    """Id -> content file of every draft: what must never be out but in a preview."""
    unreadable: tuple[SitegenError, ...] = ()
    """Files whose id cannot be read (the build reports them too): any of them may hold any id."""
    pages: dict[str, str] = field(default_factory=dict)
    """Id -> content file of every standalone page (``page: true``): no story, in no feed."""


def held_ids(content_dir: Path, config: Config) -> HeldIds:
    """The id of every content file under ``content_dir``, read from its front matter only."""
    files: dict[str, str] = {}
    drafts: dict[str, str] = {}
    pages: dict[str, str] = {}
    unreadable: list[SitegenError] = []
    for name in cache.find_content(content_dir):
        try:
            data, _ = read_content(name, config.max_file_bytes)
            document = decode_content(data)
            meta, _ = _front_matter(name, document)
            key = _article_id(meta, name, lambda field, message, name=name, document=document: ContentError(name, f"{field}: {message}", line_of(document, field, ":")))
        except UnicodeDecodeError as e:
            unreadable.append(ContentError(name, *not_utf8(data, e)))
            continue
        except SitegenError as e:
            unreadable.append(e)
            continue
        files.setdefault(key, name)
        if meta.get("draft") is True:
            drafts[key] = name
        if meta.get("page") is True:
            pages[key] = name
    return HeldIds(files, drafts, tuple(unreadable), pages)


def load_content(content_dir: Path, config: Config) -> ContentReport:
    """Every ``*.md`` under ``content_dir`` as an article; a bad file is reported, the rest
    still load. (The build does the same through memo.py, which reuses the last build's
    parse of every file that did not change.)"""
    convert = Converter()
    names = cache.find_content(content_dir)
    return collect({name: parse_file(name, config, convert, ImageReader(str(content_dir), config.max_image_bytes))[1] for name in names}, content_dir)


def collect(records: dict[str, ParseRecord], content_dir: Path | str = "") -> ContentReport:
    """The articles, errors and warnings the content files' records (by path, in
    ``content_dir``) make, in path order."""
    report = ContentReport()
    tags: dict[TagRecord, Tag] = {}
    for name in sorted(records):
        record = records[name]
        report.warnings.extend(record.warnings)
        if record.error:
            report.errors.append(ContentError(name, record.error, record.line))
        elif record.draft:
            report.drafts += 1
            if record.draft_id:
                report.draft_ids.setdefault(record.draft_id, name)
        else:
            report.articles.append(article_from_record(name, record, tags, str(content_dir)))
    return report

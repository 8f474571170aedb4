"""Site settings: ``sitegen.toml`` -> a frozen, validated ``Config``.

``parse_config`` is pure; ``load_config`` does the I/O. Every problem names the key
(and the line where it stands) so a typo is found at once.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import json
import re
import string
import tomllib
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import quote, urlsplit

from . import dates, urls
from .errors import IS_UTF16, ConfigError, SitegenError, is_utf16, line_of, not_utf8
from .text import decode_utf8

CONFIG_NAME = "sitegen.toml"
# A feed always shows its newest article, and the smallest feed of one short entry takes
# about this many bytes (RSS, the largest format): under it, every feed would be over
# budget on every build, which only `sitegen check` would say.
FEED_MIN_BYTES = 1_000


@dataclass(frozen=True)
class ImportRules:
    """Patterns (Python regular expressions) for publisher boilerplate.

    Each is matched against one line of a seed with its leading and trailing whitespace
    already removed. Seeds are untrusted, so the defaults avoid parts that compete for the
    same characters (``.+?`` before ``\\s*$``): such a pattern takes time quadratic in the
    length of a line, and one line of 50,000 spaces would stall the import for seconds.
    """

    read_more: str = r"^READ MORE:\s*(?P<text>.+)$"
    """A "read more" teaser: dropped from the body, its headline kept in ``related``."""
    related: str = r"^[•·]\s*(?P<text>.+)$"
    """A related-headline bullet: dropped from the body, kept in ``related``."""
    source: str = r"^Source:\s*(?P<text>.*)$"
    """The closing source line: dropped from the body, kept as ``source``."""
    drop: tuple[str, ...] = (
        r"^To stay up to date with all the latest news,.*sign up to one of our newsletters.*$",
    )
    """Other boilerplate lines (newsletter promos and the like): dropped entirely."""
    date: str = ""
    """A dateline such as ``Published: 2024-05-01T09:30:00Z``: its ISO 8601 ``text`` becomes
    the article's ``date``; the first line it matches is the dateline, a later one is article
    text. Empty (the default): seeds carry no date, the import time is used."""
    tags: str = ""
    """A line such as ``Tags: World, Asia``: its comma-separated ``text`` becomes ``tags`` (the
    Arabic comma, ``،``, and the ideographic one, ``、``, part them too).
    Empty (the default): imported articles start with no tags."""


SlugScript = Literal["ascii", "unicode"]
SLUG_SCRIPTS: tuple[SlugScript, ...] = get_args(SlugScript)

AuthorKind = Literal["person", "organization"]
AUTHOR_KINDS: tuple[AuthorKind, ...] = get_args(AuthorKind)


@dataclass(frozen=True)
class AuthorInfo:
    """One ``[authors.<slug>]`` table: how a byline is shown and who it is."""

    slug: str
    """The table's name: the author's page is ``authors/<slug>/``; front matter may name
    the author by it or by ``name``."""
    name: str
    """Display name (default: the slug)."""
    bio: str = ""
    """A sentence or two, shown on the author's page."""
    url: str = ""
    """Their own site or profile (an absolute http(s) URL)."""
    kind: AuthorKind = "person"
    """"person", or "organization" for a byline that is no person (a news agency, "Newsroom"):
    what the article's structured data calls it, for search engines. Not written, it is
    "organization" for the site's ``author`` (the publication's byline), else "person"."""
    aliases: tuple[str, ...] = ()
    """The byline's listing folders on the site this one came from (Hugo's ``authors/jane/``),
    as site paths ending in ``/``: each, its pages and its feeds redirect to the byline's
    (``_check_aliases``, redirects.listing_moves)."""


@dataclass(frozen=True)
class TagInfo:
    """One ``[tags.<slug>]`` table: the address of a tag's pages, chosen by the site rather
    than made of its name. A name transliterated to the slug of another (قطر and قطار both
    ``qtr``, C++ and C# both ``c``) or to a slug nobody can read gets its own this way."""

    slug: str
    """The table's name: the tag's pages and feeds are at ``tags/<slug>/``."""
    name: str
    """The tag as articles write it (case, accents and spacing aside: urls.spelling)."""
    aliases: tuple[str, ...] = ()
    """The tag's listing folders on the site this one came from (Hugo's ``categories/news/``,
    which ``sitegen convert --keys`` merged into tags), as site paths ending in ``/``: each,
    its pages and its feeds redirect to the tag's (``_check_aliases``, redirects.listing_moves)."""


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know about the site; defaults make a working site."""

    title: str = "sitegen site"
    """The site's name, shown in every page header and as the feeds' title."""
    description: str = ""
    """One sentence about the site, for the home page's meta description and the feeds."""
    copyright: str = ""
    """The rights line, such as "© 2026 Example News": at the foot of every page, and the
    feeds' own (Atom ``rights``, RSS ``copyright``). Written as it is: the year is yours to
    change. Empty: none."""
    base_url: str = "http://localhost:8000/"
    """The full URL where ``output/`` is hosted; may include a sub-path (https://example.org/news/).
    Doubled slashes in its path are collapsed; a user name, whitespace or a backslash is refused."""
    author: str = ""
    """Default author of every article (front matter ``author`` overrides it): the
    publication's byline, an organization in the articles' structured data unless its
    ``[authors.<slug>]`` table says ``kind = "person"``."""
    language: str = "en"
    """BCP 47 language tag of the content (html lang, feed language): en, en-GB, pt-BR."""
    timezone: str = "UTC"
    """IANA time zone for import dates and dates written without an offset."""
    page_size: int = 10
    """Articles per index page (home and tag pages)."""
    feed_size: int = 20
    """Newest articles listed in each feed, by order of first publication. Taken-down ones
    count (in the site's feeds): a feed gets shorter rather than bring back an old entry."""
    feed_content: str = "full"
    """What feed entries carry: "full" (the article's HTML plus a summary) or "summary"."""
    feed_max_bytes: int = 1_000_000
    """Byte budget per feed: the oldest entries are left out until the feed fits. At least
    FEED_MIN_BYTES."""
    feed_window: int = 7
    """Days: feeds also hold every article first published within this many days of the
    site's latest first publication (a taken-down article's too), however many that is, so
    that a reader polling weekly misses nothing of a burst (the byte budget still applies)."""
    archive_size: int = 50
    """Articles per RFC 5005 archive document, in order of first publication."""
    future: bool = False
    """Publish articles dated in the future now (a preview: ``sitegen build --future``).
    Otherwise they are held back until their date."""
    drafts: bool = False
    """Publish drafts too (a preview: ``sitegen build --drafts``). Otherwise ``draft: true``
    keeps an article out of the site."""
    websub_hub: str = ""
    """URL of a WebSub hub; when set, feeds advertise rel="hub" and rel="self"."""
    permalink: str = "{year}/{month}/{slug}/"
    """Article URL pattern; fields: {year} {month} {day} {slug}. Must contain {slug}."""
    slugs: SlugScript = "ascii"
    """The letters of the slugs sitegen makes of titles, tag names and bylines: "ascii" (the
    default: transliterated, ``الحكومة`` -> ``lhkwm``) or "unicode" (the text's own script,
    ``الحكومة``, as WordPress and Hugo make them); with "unicode", a written ``slug:`` or
    ``[tags.<slug>]`` may use any script's letters too. A slug written in front matter or a
    table never changes with it; one made of a title, a file name or a name does (urls.slugify)."""
    max_file_bytes: int = 2_000_000
    """Seeds and content files larger than this are refused with a message, unread: seeds
    are untrusted, and one huge file must not exhaust a build's memory or time."""
    max_image_bytes: int = 20_000_000
    """Images (front matter ``image``, pictures in the text) and linked files (a PDF, an SVG,
    a clip the text links to: images.read_linked) larger than this are refused."""
    sanitize_html: str = "feeds"
    """Raw HTML in hand-written Markdown passes an allowlist sanitiser (no script, no event
    handlers, no javascript: URLs): "feeds" (the default: in feed entries, which readers
    show inside their own pages), "everywhere" (pages too), or "off". Seed text is always
    escaped, never markup, whatever this says."""
    logo: str = ""
    """The publisher's logo for search engines' article data: a path in the output folder
    (``static/logo.png``, from ``templates/static/``) or an absolute http(s) URL."""
    compress: bool = True
    """Write a gzip (``.gz``) and a Brotli (``.br``) copy beside every text file (HTML, XML,
    JSON, CSS, JS, TXT, XSL, SVG), for servers that send them as they are (nginx
    ``gzip_static``/``brotli_static``). Hosts that compress by themselves need none."""
    webp: bool = True
    """Beside the resized copies of each JPEG and PNG picture, WebP copies of the same widths
    (the original's too), offered first in a ``<picture>``, the JPEG or PNG ``<img>`` the
    fallback: a third to a half fewer bytes for a phone. Feeds, Open Graph and article data
    keep the JPEG or PNG. Off: none are made, pages offer the JPEG or PNG alone."""
    relative: bool = False
    """Link every page to the others by relative URLs ending in ``index.html``, so that the
    output works opened from disk, with no server (a preview: ``sitegen build --relative``)."""
    force_redirects: bool = False
    """Write each rule of ``_redirects`` as ``301!``, forced: Netlify applies a rule only
    where no file is unless it is forced, and every old address has its small redirect page,
    so an unforced rule never answers there. Off by default: Cloudflare Pages reads the same
    file, applies its rules before its files anyway, and knows no ``!`` (redirects.py)."""
    noindex: bool = False
    """Ask search engines to leave every page out of their index (``<meta name="robots"
    content="noindex">``, and ``X-Robots-Tag`` in ``_headers``), and name no sitemap in
    robots.txt: a staging site's. Crawlers may still fetch pages, as they must to read the
    tag. Every preview build (``--base-url``, ``--drafts``, ``--future``, ``--relative``,
    ``sitegen serve``) has it: a preview host is public, and a page indexed there (drafts
    included) outlives the preview."""
    search: bool = True
    """A search page (``search/``, linked from every page) and its index (``pagefind/``,
    made by Pagefind with every build): article titles and text, tags and authors as
    filters. Off: neither is built."""
    search_part_size: int = 1000
    """Articles in each part of the search index, by publication number (``pagefind/1/``
    holds the first thousand published, ``pagefind/2/`` the next): an edit reindexes the
    one part that holds it, and a reader's first search fetches a few small files of every
    part. Larger parts suit a large archive (100 parts take 200 fetches); smaller ones, a
    quicker rebuild after an edit."""
    sections: tuple[str, ...] = ()
    """Tags shown as the site's sections in the masthead, in this order, before the archive
    (``["World", "Politics", "Business"]``): a news site's front desk. Each links to its tag
    page, and marks itself as the one a reader is in on its pages and its articles'. A name
    no article has as a tag is left out until one does (a warning says so)."""
    feed_aliases: tuple[str, ...] = ()
    """Other names of the feeds, as a site brought from Hugo (``index.xml``) or Jekyll
    (``feed.xml``) had them, where its subscribers still ask: in every folder that has
    feeds (the site's, each tag's and author's), each name is sent to that folder's Atom
    feed with a 301 in ``_redirects`` and the nginx map (redirects.py); no page is written
    there, as a feed reader follows none. One with a ``/`` is a path (``posts/index.xml``,
    a section's feed, which sitegen has not): that one address is sent to the site's feed."""
    site_base_url: str = ""
    """Not a setting (``NOT_SETTINGS``): sitegen.toml's ``base_url`` when a preview builds
    for another (``override``: --base-url, ``sitegen serve``). An alias written from the
    host's root (``/news/old.html``, as Hugo migrants write them) is read against it, so
    that a preview puts its redirect where the site does, under the preview's address."""
    import_rules: ImportRules = field(default_factory=ImportRules)
    """The ``[import]`` table: boilerplate patterns of the publisher of the seeds."""
    authors: tuple[AuthorInfo, ...] = ()
    """The ``[authors.<slug>]`` tables, by slug."""
    tags: tuple[TagInfo, ...] = ()
    """The ``[tags.<slug>]`` tables, sorted by slug: the tags whose address the site chose
    (``tag_slug``)."""

    @property
    def zone(self) -> dt.tzinfo:
        return dates.get_zone(self.timezone)


NOT_SETTINGS = frozenset({"site_base_url"})
"""Fields of Config that sitegen works out, never read from sitegen.toml."""
_TOP_KEYS = {f.name for f in dataclasses.fields(Config)} - {"import_rules", "authors", "tags"} - NOT_SETTINGS
_AUTHOR_KEYS = ("name", "bio", "url", "kind", "aliases")
_TAG_KEYS = ("name", "aliases")
# Settings where an empty string means nothing sensible (an empty title, language or URL).
_NOT_EMPTY = ("title", "base_url", "language", "timezone", "permalink")
_MOST = {
    "page_size": 10_000, "feed_size": 100_000, "archive_size": 100_000, "feed_window": 36_500,
    "max_file_bytes": 2**40, "max_image_bytes": 2**40, "feed_max_bytes": 2**40, "search_part_size": 1_000_000,
}  # fmt: skip
_IMPORT_KEYS = {f.name for f in dataclasses.fields(ImportRules)}
_PERMALINK_FIELDS = {"year", "month", "day", "slug"}
_EMPTY_SEGMENTS_RE = re.compile("//+")


def parse_config(text: str, path: Path) -> Config:
    """Parse and validate the TOML text of ``path``; raises ConfigError naming the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # tomllib says where at the end of its message: "... (at line 3, column 7)", or
        # "(at end of document)": the line is taken out, to be said as file:line.
        where = _TOML_WHERE_RE.search(str(e))
        message = str(e)[: where.start()] if where else str(e)
        line = None if where is None else int(where["line"]) if where["line"] else text.rstrip().count("\n") + 1
        column = f" (column {where['column']})" if where and where["column"] else ""
        if line is not None and (twice := _set_twice(text, message, line)):
            (message, line), column = twice, ""  # tomllib's place is where the second value ends
        raise ConfigError(path, f"not valid TOML: {message}{column}", line) from e
    except RecursionError as e:
        raise ConfigError(path, "not valid TOML: arrays or tables nested too deeply", _deepest_line(text)) from e
    except ValueError as e:  # an integer of more than 4,300 digits
        match = _LONG_NUMBER_RE.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        raise ConfigError(path, f"not valid TOML: {e}", line) from e

    def fail(key: str, message: str, table: tuple[str, ...] = ()) -> ConfigError:
        """An error about ``key`` of ``table`` (top level: none), placed on its line, or on
        the header of the table it names or stands in."""
        if table:
            line = _line_in_table(text, key, table) or _table_line(text, (*table, key)) or _table_line(text, table)
        else:
            line = line_of(text, key, "=") or _table_line(text, (key,))
        return ConfigError(path, f"{'.'.join((*table, key))}: {message}", line)

    def unknown(key: str, known: Sequence[str], table: tuple[str, ...]) -> ConfigError:
        """``key`` is none of ``table``'s: a typo, or a top-level setting written below a
        table header, which TOML makes the table's."""
        hint = difflib.get_close_matches(key, known, n=1)
        if not hint and (key in _TOP_KEYS or (hint := difflib.get_close_matches(key, sorted(_TOP_KEYS), n=1))):
            first = _table_line(text, ())
            rule = "top-level settings must come before the first [table] line" + (f": move it above line {first}" if first else "")
            if key in _TOP_KEYS:
                return fail(key, f"unknown key: {key} is a top-level setting, and {rule}", table)
            return fail(key, f"unknown key (did you mean {hint[0]!r}, a top-level setting? {rule.capitalize()})", table)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        return fail(key, f"unknown key{suggestion}; known: {', '.join(known)}", table)

    values: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    authors: tuple[AuthorInfo, ...] = ()
    tags: tuple[TagInfo, ...] = ()
    # Read first: the [authors.<slug>] and [tags.<slug>] tables' names are slugs of its script.
    if raw.get("slugs", "ascii") not in SLUG_SCRIPTS:
        raise fail("slugs", f"must be \"ascii\" or \"unicode\", not {_toml(raw['slugs'])}")
    unicode = raw.get("slugs") == "unicode"
    for key, value in raw.items():
        if key == "import":
            if not isinstance(value, dict):
                raise fail(key, "must be a table ([import])")
            for sub, subvalue in value.items():
                if sub not in _IMPORT_KEYS:
                    raise unknown(sub, sorted(_IMPORT_KEYS), ("import",))
                rules[sub] = _check_patterns(sub, subvalue, lambda m, s=sub: fail(s, m, ("import",)))
        elif key == "authors":
            authors = _check_authors(value, fail, unknown, unicode)
        elif key == "tags":
            tags = _check_tags(value, fail, unknown, unicode)
        elif key in _TOP_KEYS:
            values[key] = value
        else:
            known = ", ".join(sorted(_TOP_KEYS | {"[import]", "[authors.<slug>]", "[tags.<slug>]"}))
            what = "table" if isinstance(value, dict) else "key"
            tables = {"import": "[import]", "authors": "[authors.<slug>]", "tags": "[tags.<slug>]"}
            # A table is most likely a misspelt table.
            hint = (isinstance(value, dict) and difflib.get_close_matches(key, tables, n=1)) or difflib.get_close_matches(key, [*_TOP_KEYS, *tables], n=1)
            suggestion = f" (did you mean {tables.get(hint[0], repr(hint[0]))}?)" if hint else ""
            raise fail(key, f"unknown {what}{suggestion}; known: {known}")

    defaults = Config()
    for key, value in values.items():
        expected = type(getattr(defaults, key))
        if expected is tuple and not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            raise fail(key, f"must be a list of names, such as [\"World\", \"Business\"], not {_toml(value)}")
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise fail(key, f"must be a whole number, not {_toml(value)}")
        if expected is str and not isinstance(value, str):
            raise fail(key, f"must be a string, not {_toml(value)}")
        if expected is bool and not isinstance(value, bool):
            raise fail(key, f"must be true or false, not {_toml(value)}")
    for key in ("page_size", "feed_size", "archive_size", "max_file_bytes", "max_image_bytes", "feed_max_bytes", "feed_window", "search_part_size"):
        # Beyond what any site needs and what dates and files can hold (feed_window in days
        # out of datetime's range, a byte count no read takes).
        if key in values and values[key] > _MOST[key]:
            raise fail(key, f"must be at most {_MOST[key]:,}, not {values[key]:,}")
    for key in ("page_size", "feed_size", "archive_size", "max_file_bytes", "max_image_bytes", "search_part_size"):
        if key in values and values[key] < 1:
            raise fail(key, f"must be at least 1, not {values[key]}")
    if values.get("feed_max_bytes", FEED_MIN_BYTES) < FEED_MIN_BYTES:
        raise fail("feed_max_bytes", f"must be at least {FEED_MIN_BYTES:,} bytes, not {values['feed_max_bytes']:,}: no feed, even of one short entry, fits in less")
    if values.get("feed_window", 0) < 0:
        raise fail("feed_window", f"must be 0 or more days, not {values['feed_window']}")

    for key in _NOT_EMPTY:
        if key in values and not values[key].strip():
            raise fail(key, "must not be empty: leave the key out for the default")
    if "base_url" in values:
        values["base_url"] = _check_base_url(values["base_url"], lambda m: fail("base_url", m))
    # An old address written from the host's root (/news/categories/x/) is read from it.
    base_path = urllib.parse.unquote(urls.Urls(values.get("base_url", Config.base_url)).base_path)
    if values.get("feed_content", "full") not in ("full", "summary"):
        raise fail("feed_content", f"must be \"full\" or \"summary\", not {values['feed_content']!r}")
    if values.get("sanitize_html", "feeds") not in ("feeds", "everywhere", "off"):
        raise fail("sanitize_html", f"must be \"feeds\", \"everywhere\" or \"off\", not {values['sanitize_html']!r}")
    if values.get("websub_hub"):
        # Written into every feed: lxml refuses a control character (a traceback), and a hub
        # at an address with a space in it is one no subscriber reaches.
        _no_whitespace_or_controls(values["websub_hub"], lambda m: fail("websub_hub", m))
        values["websub_hub"] = _check_url(values["websub_hub"], lambda m: fail("websub_hub", m))
    if values.get("logo", "").startswith(("http:", "https:")):
        values["logo"] = _check_url(values["logo"], lambda m: fail("logo", m))
    elif values.get("logo"):
        values["logo"] = _check_site_path(values["logo"], lambda m: fail("logo", m))
    if "language" in values:
        check_language(values["language"], lambda m: fail("language", m))
    if "timezone" in values:
        try:
            dates.get_zone(values["timezone"])
        except ValueError as e:
            raise fail("timezone", str(e)) from e
    if "permalink" in values:
        values["permalink"] = _check_permalink(values["permalink"], lambda m: fail("permalink", m))
    if "sections" in values:
        values["sections"] = _check_sections(values["sections"], tags, unicode, lambda m: fail("sections", m))
    if "feed_aliases" in values:
        values["feed_aliases"] = _check_feed_aliases(values["feed_aliases"], base_path, lambda m: fail("feed_aliases", m))
    if any("aliases" in table for kind in ("tags", "authors") for table in raw.get(kind, {}).values()):
        tags, authors = _check_aliases(raw, tags, authors, base_path, fail)
    if (own := _described(authors, " ".join(values.get("author", "").split()))) is not None and "kind" not in raw["authors"][own.slug]:
        # The site's byline is the publication's: an organization, unless its table says it
        # is a person (a one-person site's).
        authors = tuple(dataclasses.replace(info, kind="organization") if info is own else info for info in authors)
    return Config(**values, import_rules=ImportRules(**rules), authors=authors, tags=tags)


def _toml(value: object) -> str:
    """``value`` as sitegen.toml spells it (``true``, ``"ten"``, ``[1, 2]``), not as Python
    would (``True``, ``'ten'``): what the person wrote, in a message."""
    try:
        # JSON's spelling of these is TOML's (a TOML basic string is a JSON string).
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)  # a date or a table


def find_author(config: Config, written: str) -> AuthorInfo:
    """The author a byline names, by slug or display name (case and spacing aside); one not
    described in sitegen.toml is known by that name alone: a person, or, the site's own
    ``author``, the publication's byline (an organization)."""
    name = " ".join(written.split())
    authors = config.authors
    if (info := _described(authors, name)) is not None:
        return info
    slug = _byline_slug(name, authors, unicode=config.slugs == "unicode")
    # The site's byline stands for the newsroom, not a person; every article that names it,
    # by default or in its front matter, says so alike.
    kind: AuthorKind = "organization" if name.casefold() == " ".join(config.author.split()).casefold() else "person"
    return AuthorInfo(slug=slug, name=name, kind=kind)


def made_author_slug(config: Config, name: str) -> str:
    """The slug the byline ``name`` makes of itself: with no table of its own, and in ASCII,
    as urls.tag_slug makes a tag's. Where its pages were before a table or slugs = "unicode"
    moved them (ledger.py), as find_author made it then."""
    name = " ".join(name.split())
    own = _described(config.authors, name)
    return _byline_slug(name, tuple(info for info in config.authors if info is not own), unicode=False)


def _byline_slug(name: str, authors: tuple[AuthorInfo, ...], unicode: bool) -> str:
    """The slug of a byline ``name`` that no table of ``authors`` describes."""
    # A name with no letter a slug can keep ("???") still needs a page of its own, and a
    # name that slugifies to a described author's slug ("Jane!" beside [authors.jane]) must
    # not take over that author's page.
    slug = urls.slugify(name, fallback="", unicode=unicode)
    if not slug or any(info.slug == slug for info in authors):
        slug = (slug + "-" if slug else "author-") + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return slug


MEANT_AUTHOR = 0.85
"""How alike (difflib's ratio) a byline and an author of sitegen.toml must be for the byline
to be taken for a slip: a letter or two in a name of eight or more (``sam-okafr``, ``Jon
Smith``), not another person's name that shares some (``Jane Smith`` beside ``Jane Doe``),
nor a short one a letter apart (``AP`` beside ``AFP``)."""


def meant_author(config: Config, written: str) -> str | None:
    """The author of sitegen.toml (a table's slug or name, or the site's ``author``) that the
    byline ``written``, which none of them is, is most likely a slip for; None when it is
    one of them, or like none: a site may have bylines no table describes."""
    name = " ".join(written.split())
    authors, site_author = config.authors, " ".join(config.author.split())
    if _described(authors, name) is not None or name.casefold() == site_author.casefold():
        return None
    known = {said.casefold(): said for info in authors for said in (info.slug, info.name)}
    if site_author:
        known.setdefault(site_author.casefold(), site_author)
    close = difflib.get_close_matches(name.casefold(), known, n=1, cutoff=MEANT_AUTHOR)
    return known[close[0]] if close else None


def _described(authors: tuple[AuthorInfo, ...], name: str) -> AuthorInfo | None:
    """The ``[authors.<slug>]`` table a byline ``name`` (its spacing folded) names, by slug
    or display name, case aside; None if none does."""
    wanted = name.casefold()
    return next((info for info in authors if wanted in (info.slug, " ".join(info.name.split()).casefold())), None)


def _slug_tables(
    value: Any, kind: str, keys: Sequence[str], example: str, fail: Callable[..., ConfigError], unknown: Callable[..., ConfigError], unicode: bool
) -> dict[str, dict[str, str]]:
    """``value``, the ``[<kind>.<slug>]`` tables (authors, tags), each named by a slug and
    holding only ``keys``, each a string; ConfigError otherwise (``example``: how one is written;
    ``unicode``: slugs = "unicode")."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise fail(kind, f"must be tables, {example}")
    for slug, table in value.items():
        if problem := urls.slug_problem(slug, unicode):
            raise fail(slug, problem, (kind,))
        for key, item in table.items():
            if key not in keys:
                raise unknown(key, keys, (kind, slug))
            if key == "aliases":  # a list, read once base_url is (_check_aliases)
                continue
            if not isinstance(item, str):
                raise fail(key, f"must be a string, not {_toml(item)}", (kind, slug))
    return value


def _check_authors(value: Any, fail: Callable[..., ConfigError], unknown: Callable[..., ConfigError], unicode: bool) -> tuple[AuthorInfo, ...]:
    """The ``[authors.<slug>]`` tables, sorted by slug."""
    found: list[AuthorInfo] = []
    for slug, table in _slug_tables(value, "authors", _AUTHOR_KEYS, 'one per author: [authors.jane-doe] then name = "Jane Doe"', fail, unknown, unicode).items():
        name = " ".join(table.get("name", "").split()) or slug
        url = table.get("url", "")
        if url:
            url = _check_url(url, lambda m, s=slug: fail("url", m, ("authors", s)))
        kind = next((k for k in AUTHOR_KINDS if k == table.get("kind", "person")), None)
        if kind is None:
            raise fail("kind", f"must be \"person\" or \"organization\", not {table['kind']!r}", ("authors", slug))
        found.append(AuthorInfo(slug=slug, name=name, bio=table.get("bio", "").strip(), url=url, kind=kind))
    # A clash is reported on the line of the name that makes it: a name not written is its
    # author's slug, which no other author has. Of two authors with one name, the later in
    # the file (tomllib keeps its order) is named.
    names = [" ".join(a.name.split()).casefold() for a in found]
    for at, info in enumerate(found):
        if "name" not in value[info.slug]:
            continue
        for before, other in enumerate(found):
            clash = "slug" if names[at] == other.slug else "name" if names[at] == names[before] and before < at else ""
            if clash and other is not info:
                raise fail("name", f"{info.name!r} is also the {clash} of [authors.{other.slug}]: bylines would be ambiguous", ("authors", info.slug))
    return tuple(sorted(found, key=lambda a: a.slug))


def _check_tags(value: Any, fail: Callable[..., ConfigError], unknown: Callable[..., ConfigError], unicode: bool) -> tuple[TagInfo, ...]:
    """The ``[tags.<slug>]`` tables, sorted by slug; ConfigError for one with no name, or
    with the name of another (the tag would have two addresses)."""
    found: dict[str, TagInfo] = {}  # by the name's spelling
    for slug, table in _slug_tables(value, "tags", _TAG_KEYS, 'one per tag: [tags.qatar] then name = "Qatar"', fail, unknown, unicode).items():
        name = " ".join(table.get("name", "").split())
        if not name:
            raise fail("name", f'must be given: the tag as articles write it, whose pages are at tags/{slug}/ (name = "Qatar")', ("tags", slug))
        spelt = urls.spelling(name)
        if spelt in found:
            raise fail("name", f"{name!r} is also the name of [tags.{found[spelt].slug}]: a tag has one address", ("tags", slug))
        found[spelt] = TagInfo(slug=slug, name=name)
    return tuple(sorted(found.values(), key=lambda t: t.slug))


def tag_table(name: str, tags: tuple[TagInfo, ...]) -> TagInfo | None:
    """The ``[tags.<slug>]`` table of the tag ``name`` (``tags``: Config.tags), or None."""
    return _by_spelling(tags).get(urls.spelling(name)) if tags else None


@functools.lru_cache(maxsize=4)
def _by_spelling(tags: tuple[TagInfo, ...]) -> dict[str, TagInfo]:
    """The tables by their names' spelling: asked for every tag of every article parsed."""
    return {urls.spelling(info.name): info for info in tags}


def tag_slug(name: str, tags: tuple[TagInfo, ...] = (), unicode: bool = False) -> str:
    """The slug of the tag (or section) ``name``: the one its ``[tags.<slug>]`` table gives
    (``tags``: Config.tags), else the one made of the name (urls.tag_slug; ``unicode``:
    slugs = "unicode")."""
    info = tag_table(name, tags)
    return info.slug if info is not None else urls.tag_slug(name, unicode)


def table_clash(one: str, other: str, tags: tuple[TagInfo, ...]) -> str | None:
    """What to do when the tags ``one`` and ``other`` share an address that a ``[tags.<slug>]``
    table gave one of them; None when no table did. Telling the site to give a tag an
    address of its own is no help when its table is what gave it the other's."""
    for mine, theirs in ((one, other), (other, one)):
        if (info := tag_table(mine, tags)) is not None and tag_table(theirs, tags) is None:
            return f"[tags.{info.slug}] of sitegen.toml gives {info.name!r} the address {theirs!r} has by its name: choose another slug for the table"
    return None


FEED_SUFFIXES = (".xml", ".rss", ".atom", ".json")
"""How the file names of feeds end, in sitegen and the tools sites come from."""


def _check_feed_aliases(names: list[str], base: str, fail: Callable[[str], ConfigError]) -> tuple[str, ...]:
    """The ``feed_aliases``, each once, in order; ConfigError for one that is no file name
    of a feed a redirect may take (redirected in every folder that has feeds), nor the path
    of one (``posts/index.xml``, a section's feed of the old site: redirected to the site's
    feed). ``base``: the base URL's path, decoded, which a path from the host's root is read from."""
    from .feeds import FORMATS
    from .headers import HEADERS_FILE
    from .redirects import LISTS

    kept: list[str] = []
    for written in names:
        name = written
        if "/" in written:
            name = _old_address(written, base, "posts/index.xml", fail)
        if "/" not in name and name in FORMATS.values():
            raise fail(f"{written!r} is the address of the site's own feed")
        if name in (*LISTS, HEADERS_FILE):
            raise fail(f"{written!r} is a file the build writes for the host")
        if not re.fullmatch(r"[\w-][\w.-]*", name.rpartition("/")[2]):
            raise fail(
                f'{written!r} must be a file name, such as "index.xml" (it is redirected in every folder that has feeds),'
                f' or the path of one, such as "posts/index.xml"'
            )
        if not name.lower().endswith(FEED_SUFFIXES):
            raise fail(f"{written!r} is no feed's name: it must end in {', '.join(FEED_SUFFIXES[:-1])} or {FEED_SUFFIXES[-1]}")
        if name not in kept:
            kept.append(name)
    return tuple(kept)


def _old_address(written: str, base: str, example: str, fail: Callable[[str], ConfigError]) -> str:
    """The site path of an address of the site this one came from, as sitegen.toml writes
    it (``categories/news/``, or ``/news/categories/news/`` from the host's root when
    ``base``, the base URL's path decoded, is ``/news/``), decoded; ConfigError for one that
    is no path of the site, one outside ``base`` or one no redirect may take."""
    from .redirects import refused_alias

    path = urls.site_path(written)
    if path is None:
        raise fail(f"{written!r} is not a path of this site: write one such as {example!r}")
    if written.strip().startswith("/") and base != "/":
        # Unlike an article's alias (a warning), nothing here can be said but an error: an
        # address outside the base path is not the output folder's to answer.
        if not ("/" + path).startswith(base):
            raise fail(f"{written!r} is outside {base}, where the site is: write the path from there, without the leading slash")
        path = ("/" + path)[len(base) :]
        if not path:
            raise fail(f"{written!r} is the site's home page")
    if why := refused_alias(path):
        raise fail(f"{written!r} is {why}: no redirect may take it")
    return path


def _check_aliases(
    raw: dict[str, Any], tags: tuple[TagInfo, ...], authors: tuple[AuthorInfo, ...], base: str, fail: Callable[..., ConfigError]
) -> tuple[tuple[TagInfo, ...], tuple[AuthorInfo, ...]]:
    """The ``aliases`` of the ``[tags.<slug>]`` and ``[authors.<slug>]`` tables: each a
    listing folder of the site this one came from (``/categories/news/``), whose pages and
    feeds redirect to the tag's or byline's (redirects.listing_moves). ConfigError for one
    that is no folder of the site, is in a table's own folder, or is another table's alias:
    an old address goes to one place."""
    from .redirects import folder_alias

    own = {urls.tag_path(info.slug): f"[tags.{info.slug}]" for info in tags}
    own.update((urls.author_path(info.slug), f"[authors.{info.slug}]") for info in authors)
    claimed: dict[str, str] = {}

    def read(kind: str, slug: str) -> tuple[str, ...]:
        table, named = (kind, slug), f"[{kind}.{slug}]"
        value = raw[kind][slug].get("aliases", [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail("aliases", f'must be a list of the old site\'s addresses of the listing, such as ["/categories/news/"], not {_toml(value)}', table)
        found: list[str] = []
        for written in value:
            path = folder_alias(_old_address(written, base, "/categories/news/", lambda m: fail("aliases", m, table)))
            if not path.endswith("/"):
                raise fail("aliases", f"{written!r} is a file's address: write the old listing's folder, such as \"/categories/news/\" (its pages and feeds are redirected too)", table)
            if (folder := next((f for f in own if path.startswith(f)), None)) is not None:
                raise fail("aliases", f"{written!r} is in the folder of {own[folder]}, which is live: no old address of it", table)
            if (other := claimed.setdefault(path, named)) != named:
                raise fail("aliases", f"{written!r} is also an alias of {other}: an old address is sent to one place", table)
            if path not in found:
                found.append(path)
        return tuple(found)

    return (
        tuple(dataclasses.replace(info, aliases=read("tags", info.slug)) for info in tags),
        tuple(dataclasses.replace(info, aliases=read("authors", info.slug)) for info in authors),
    )


def _check_site_path(value: str, fail: Callable[[str], ConfigError]) -> str:
    """A path in the output folder, written without a leading slash."""
    path = value.strip().lstrip("/")
    if not path or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", path) or {".", ".."} & set(path.split("/")) or "\\" in path or any(c.isspace() for c in path):
        raise fail(f"must be a path in the output folder such as 'static/logo.png', or an http(s) URL, not {value!r}")
    return path


def _check_url(value: str, fail: Any) -> str:
    try:
        parts = urlsplit(value)
    except ValueError as e:  # a bracket that opens no IPv6 address, as in "https://[x/"
        raise fail(f"is not a valid URL ({e}): {value!r}") from e
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise fail(f"must be an absolute http(s) URL such as 'https://example.org/', not {value!r}")
    return value


def check_base_url(value: str) -> str:
    """``value`` checked and normalised as sitegen.toml's ``base_url`` is (for ``--base-url``);
    raises ValueError saying what is wrong."""
    return _check_base_url(value, ValueError)


def _no_whitespace_or_controls(value: str, fail: Any) -> None:
    """Raise ``fail(message)`` for an address with whitespace or a control character in it.
    Checked before urlsplit, which quietly drops tabs and newlines and strips spaces."""
    for char in value:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            raise fail(f"must not contain whitespace or control characters (U+{ord(char):04X}): {value!r}")


def _check_base_url(value: str, fail: Any) -> str:
    """``value`` as the prefix of every link: no userinfo, no doubled slashes in its path."""
    _no_whitespace_or_controls(value, fail)
    if "\\" in value:
        raise fail(f"must not contain a backslash (browsers read it as /): {value!r}")
    _check_url(value, fail)
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise fail(f"must not have a query or fragment: {value!r}")
    if "@" in parts.netloc:
        raise fail(f"must not contain a user name or password: {value!r}")
    try:
        host, port = parts.hostname, parts.port  # the port raises ValueError unless it is a number
    except ValueError as e:
        raise fail(f"has a bad port: {value!r}") from e
    if not host:
        raise fail(f"has no host name: {value!r}")
    # Links are base path + site path, so "//evil.example/" as the path would make every
    # root-relative link protocol-relative: a link to another host.
    path = _EMPTY_SEGMENTS_RE.sub("/", parts.path)
    if {".", ".."} & set(path.split("/")):
        raise fail(f"must not contain . or .. in its path: {value!r}")
    path = path if path.endswith("/") else path + "/"
    # Written as a URI, all ASCII: sitemaps require it, and some feed readers too. A host
    # such as bücher.example in its IDNA form (xn--bcher-kva.example), a path's other
    # characters percent-encoded; what a browser shows is the same. And as browsers write
    # it: the host in lower case (urlsplit's hostname), no port that is the scheme's own.
    # HTTPS://News.Example.ORG:443/ named the same site in every feed and the ledger as
    # another host.
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as e:
            raise fail(f"has a host name that is not a valid internationalised domain name: {value!r}") from e
    return f"{parts.scheme}://{urls.normal_netloc(parts.scheme, host, port)}{quote(path, safe=_PATH_SAFE)}"


_PATH_SAFE = "/%!$&'()*+,;=:@~"
"""What a URI path may hold as it is (RFC 3986), besides letters, digits and -._"""


_LONG_NUMBER_RE = re.compile(r"[0-9_]{4301}")
_TOML_WHERE_RE = re.compile(r" \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$")


_DECLARED_TWICE_RE = re.compile(r"Cannot declare (\(.*\)) twice")


def _set_twice(text: str, message: str, line: int) -> tuple[str, int] | None:
    """For tomllib's error ``message`` found on ``line`` (where the second value ends), when
    a key or a table is set twice: what to say, naming it and the line it was first set on
    if it can be found, and the line of the second; None for any other error."""
    if match := _DECLARED_TWICE_RE.fullmatch(message):
        try:
            table = tuple(str(name) for name in ast.literal_eval(match[1]))  # tomllib writes the keys as a tuple
        except (ValueError, SyntaxError, TypeError):
            return None
        first = _table_line(text, table)
        where = f" (first on line {first})" if first is not None and first < line else ""
        return f"[{'.'.join(table)}] is declared twice{where}: keep one header, with every key of the table under it", line
    if message != "Cannot overwrite a value":
        return None
    lines = text.split("\n")
    # The statement is the shortest run of lines up to ``line`` that TOML reads alone,
    # after text that TOML reads too (not from inside a multi-line string or array).
    for start in range(line - 1, -1, -1):
        if lines[start].lstrip().startswith("["):
            return None  # a table header over a key that holds a value: tomllib's words do
        try:
            node: Any = tomllib.loads("\n".join(lines[start:line]))
            before: Any = tomllib.loads("\n".join(lines[:start]))
        except tomllib.TOMLDecodeError:
            continue
        break
    else:
        return None
    key: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        key.append(name)
    table = _table_at("\n".join(lines[:start]))
    for name in (*table, *key):
        before = before[-1] if isinstance(before, list) and before else before  # [[array.of.tables]]
        if not isinstance(before, dict) or name not in before:
            return None  # a dotted key under a key that holds a value: tomllib's words do
        before = before[name]
    first = (_line_in_table(text, key[0], table) if table else line_of(text, key[0], "=")) if len(key) == 1 else None
    where = f" (first on line {first})" if first is not None and first <= start else ""
    return f"{'.'.join((*table, *key))} is set twice{where}: keep one", start + 1


def _table_at(text: str) -> tuple[str, ...]:
    """The table that keys at the end of ``text`` belong to: that of its last header."""
    for match in reversed(list(_HEADER_RE.finditer(text))):
        name = _header_name(match[0])
        if name is not None:
            return name
    return ()


def _header_name(line: str) -> tuple[str, ...] | None:
    """The dotted key of a table header line (``[authors."Jane Doe"]``, ``[ import ]``,
    ``[[a.b]]``) as its parts; None for a line that only looks like one (inside a
    multi-line array or string)."""
    try:
        # TOML itself reads the header's key: quotes, escapes, spaces around dots.
        node: Any = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        parts.append(key)
        node = node[-1] if isinstance(node, list) and node else node  # [[array.of.tables]]
    return tuple(parts)


def _deepest_line(text: str) -> int | None:
    """1-based line where TOML arrays and inline tables are nested deepest (brackets in
    strings and comments left out), for an error about nesting."""
    depth = deepest = 0
    line, found = 1, None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in "\"'":
            close = char * 3 if text.startswith(char * 3, i) else char
            i += len(close)
            while i < n and not text.startswith(close, i):
                if text[i] == "\n":
                    if len(close) == 1:
                        break  # an unclosed one-line string ends with its line
                    line += 1
                elif text[i] == "\\" and char == '"':
                    i += 1  # the escaped character, which may be a line end
                    if text.startswith("\n", i):
                        line += 1
                i += 1
            i += len(close) if i < n and text.startswith(close, i) else 0
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, found = depth, line
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return found


# A well-formed BCP 47 language tag (RFC 5646, section 2.1), as html lang and the feeds'
# language need: language (and extended language), script, region, variants, extensions,
# private use; or private use alone. Well-formed, not checked against the IANA registry. The
# primary language is the 2 or 3 letters every registered one has: the 4- to 8-letter forms
# the grammar reserves are none, and would let a name such as "english" through.
_ALNUM = "[A-Za-z0-9]"
_PRIVATE = rf"x(?:-{_ALNUM}{{1,8}})+"
_LANGUAGE_TAG_RE = re.compile(
    rf"(?:[A-Za-z]{{2,3}}(?:-[A-Za-z]{{3}}){{0,3}}"  # language, extlang
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-{_PRIVATE})?"
    rf"|{_PRIVATE})",
    re.ASCII,
)


def check_language(value: str, fail: Callable[[str], SitegenError]) -> None:
    """``value`` as a well-formed BCP 47 tag, or an error with the tag it may have meant:
    the setting ``language``, and an article's own (front matter ``language``)."""
    if _LANGUAGE_TAG_RE.fullmatch(value):
        return
    # A POSIX locale (en_GB, en_GB.UTF-8, as $LANG has it) and "en GB" are the usual slips.
    guess = "-".join(re.split(r"[\s_]+", re.split(r"[.@]", value)[0].strip()))
    if _LANGUAGE_TAG_RE.fullmatch(guess):
        raise fail(f"{value!r} is not a BCP 47 language tag: did you mean {guess!r}?")
    raise fail(
        f"{value!r} is not a BCP 47 language tag: write the language's two- or three-letter code,"
        " then a region if need be, joined by a hyphen ('en', 'en-GB', 'pt-BR')"
    )


MAX_SECTIONS = 20
"""The most sections a masthead lists: more is no longer a row of links a reader scans."""


def _check_sections(names: list[str], tags: tuple[TagInfo, ...], unicode: bool, fail: Callable[[str], ConfigError]) -> tuple[str, ...]:
    """The ``sections`` as tags are named (spacing aside), each once; ConfigError for an
    empty name, two names of one tag address or too many."""
    kept: dict[str, str] = {}
    for written in names:
        name = " ".join(written.split())
        if not name:
            raise fail("a section's name must not be empty")
        slug = tag_slug(name, tags, unicode)
        if slug in kept:
            raise fail(f"{kept[slug]!r} and {name!r} are one tag ({urls.tag_path(slug)}): name it once")
        kept[slug] = name
    if len(kept) > MAX_SECTIONS:
        raise fail(f"at most {MAX_SECTIONS} sections, not {len(kept)}: list the others on the tags page")
    return tuple(kept.values())


def section_warnings(config: Config, site_dir: Path, tags: Iterable[str], read: Callable[[Path], bytes] = Path.read_bytes) -> list[str]:
    """A warning, naming the line of ``sections``, for each section no article has as a tag
    (``tags``: the slugs of those the site has): the masthead leaves it out until one does."""
    have = set(tags)
    missing = [name for name in config.sections if tag_slug(name, config.tags, config.slugs == "unicode") not in have]
    if not missing:
        return []
    place = setting_place(site_dir, "sections", read)
    if len(missing) == 1:
        return [f"{place}: sections: no article has the tag {missing[0]!r}: it is left out of the masthead until one does"]
    names = ", ".join(repr(name) for name in missing)
    return [f"{place}: sections: no article has the tags {names}: they are left out of the masthead until articles do"]


def tag_table_warnings(config: Config, site_dir: Path, tags: Iterable[tuple[str, str]], read: Callable[[Path], bytes] = Path.read_bytes) -> list[str]:
    """A warning, naming its line, for each ``[tags.<slug>]`` table whose name no tag of
    the site has (``tags``: their names and slugs): a slip in the name leaves the tag at the
    address its name makes, and the table doing nothing, without a word. (One whose address
    another tag has is a clash, which its articles' warnings say.)"""
    names, slugs = set(), set()
    for name, slug in tags:
        names.add(urls.spelling(name))
        slugs.add(slug)
    unused = [info for info in config.tags if urls.spelling(info.name) not in names and info.slug not in slugs]
    if not unused:
        return []
    path = site_dir / CONFIG_NAME
    try:
        text = _decode_config(read(path))
    except (OSError, UnicodeDecodeError):  # changed since the build read it: no line to give
        text = ""
    warnings = []
    for info in unused:
        line = _table_line(text, ("tags", info.slug))
        warnings.append(f"{path}{f':{line}' if line else ''}: tags.{info.slug}: no article out has the tag {info.name!r}, which the table gives an address")
    return warnings


def alias_errors(config: Config, site_dir: Path, live: Iterable[tuple[str, str]], read: Callable[[Path], bytes] = Path.read_bytes) -> list[ConfigError]:
    """An error, naming its line, for each alias of a ``[tags.<slug>]`` or ``[authors.<slug>]``
    table in the folder of a live tag or byline no table describes (``live``: each one's
    folder, ``tags/sport/``, and what it is, ``the tag 'Sport'``): that tag's pages are
    there, and no redirect is made (redirects.listing_moves). (One in another table's folder
    is an error of parse_config.)"""
    folders = dict(live)
    found = [
        (kind, info.slug, alias, folders[folder])
        for kind, infos in (("tags", config.tags), ("authors", config.authors))
        for info in infos
        for alias in info.aliases
        if (folder := next((f for f in folders if alias.startswith(f)), None)) is not None
    ]
    if not found:
        return []
    path = site_dir / CONFIG_NAME
    text = _config_text(path, read)
    return [
        ConfigError(path, f"{kind}.{slug}.aliases: {alias!r} is in the folder of {what}, which is live there: remove the alias", _line_in_table(text, "aliases", (kind, slug)))
        for kind, slug, alias, what in found
    ]


@dataclass(frozen=True, slots=True)
class ShadowedAlias:
    """An alias of a ``[tags.<slug>]`` or ``[authors.<slug>]`` table that gets no redirect,
    a live file of the site being there (redirects.ShadowedListing, as this module says it)."""

    table: str
    """"tags" or "authors"."""
    slug: str
    alias: str
    live: str
    """Site path of what wins; "" for an article's old address."""
    owner: str = ""
    """The content file of the article whose page (or old address) that is, if it is one's."""


def alias_warnings(site_dir: Path, shadowed: Iterable[ShadowedAlias], read: Callable[[Path], bytes] = Path.read_bytes) -> list[str]:
    """A warning, naming its line, for each alias of a table no redirect is made for, a
    live file of the site being there."""
    items = list(shadowed)
    if not items:
        return []
    path = site_dir / CONFIG_NAME
    text = _config_text(path, read)
    warnings = []
    for item in items:
        line = _line_in_table(text, "aliases", (item.table, item.slug))
        what = (f"the page of {item.owner}" if item.live else f"an old address of {item.owner}") if item.owner else f"the site's own {item.live!r}"
        warnings.append(f"{path}{f':{line}' if line else ''}: {item.table}.{item.slug}.aliases: no redirect from {item.alias!r}: {what} is there and wins; remove the alias")
    return warnings


def alias_pattern_warnings(config: Config, site_dir: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> list[str]:
    """A warning, naming its line, for each old address of sitegen.toml (``feed_aliases``
    written as a path, a table's ``aliases``) holding what Netlify and Cloudflare Pages read
    in _redirects as a pattern: it gets no rule there (redirects.pattern_in), as an article's
    alias, warned of as it is read, gets none. Unsaid, an old feed's address and a listing's
    feeds, which have no redirect page, would lose their only redirect there without a word."""
    from .redirects import pattern_in

    found: list[tuple[str, str, tuple[str, str] | None]]
    found = [(f"{kind}.{info.slug}.aliases", alias, (kind, info.slug)) for kind, infos in (("tags", config.tags), ("authors", config.authors)) for info in infos for alias in info.aliases]
    found += [("feed_aliases", alias, None) for alias in config.feed_aliases if "/" in alias]
    patterns = [(setting, alias, table, pattern) for setting, alias, table in found if (pattern := pattern_in(alias))]
    if not patterns:
        return []
    path = site_dir / CONFIG_NAME
    text = _config_text(path, read)
    warnings = []
    for setting, alias, table, pattern in patterns:
        line = _line_in_table(text, "aliases", table) if table else line_of(text, "feed_aliases", "=")
        warnings.append(
            f"{path}{f':{line}' if line else ''}: {setting}: {alias!r} holds {pattern!r}, which Netlify and Cloudflare Pages read in _redirects"
            f" as a {'splat' if pattern == '*' else 'placeholder'}: it gets no rule there, only the nginx map's 301"
            + (" (and its pages their redirect pages)" if table else "")
        )
    return warnings


def _config_text(path: Path, read: Callable[[Path], bytes]) -> str:
    try:
        return _decode_config(read(path))
    except (OSError, UnicodeDecodeError):  # changed since the build read it: no line to give
        return ""


def _check_permalink(value: str, fail: Any) -> str:
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value) if name is not None]
    except ValueError as e:
        raise fail(f"bad pattern {value!r}: {e}") from e
    names = {name for name, _, _ in fields}
    # {slug:>99999999} pads every path to that many characters (gigabytes), {slug!r} quotes it.
    if any(spec or conversion for _, spec, conversion in fields):
        raise fail(f"fields are written plain, as {{year}} {{month}} {{day}} {{slug}}: no format or conversion, not {value!r}")
    # Characters a path of the site must not hold: a query or fragment breaks every link to
    # the page, a control character every feed that names it.
    if any(c in value for c in "?#%") or any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise fail(f"must be a plain path: no ?, #, % or control character, not {value!r}")
    unknown = names - _PERMALINK_FIELDS
    if unknown:
        raise fail(f"unknown field {{{sorted(unknown)[0]}}} (known: {{year}} {{month}} {{day}} {{slug}})")
    if "slug" not in names:
        raise fail("must contain {slug}")
    if value.startswith("/") or ".." in value.split("/") or "\\" in value:
        raise fail(f"must be a relative path inside the site, not {value!r}")
    return value if value.endswith(("/", ".html")) else value + "/"


def _check_patterns(key: str, value: Any, fail: Any) -> Any:
    if key in ("date", "tags") and value == "":
        return value  # switched off
    patterns = value if key == "drop" else [value]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise fail("must be a list of strings" if key == "drop" else "must be a string")
    for pattern in patterns:
        try:
            compiled = re.compile(pattern)
        except re.error as e:
            raise fail(f"bad regular expression {pattern!r}: {e}") from e
        if key != "drop" and "text" not in compiled.groupindex:
            raise fail(f"pattern {pattern!r} needs a named group (?P<text>...)")
    return tuple(patterns) if key == "drop" else value


def _line_in_table(text: str, key: str, table: tuple[str, ...]) -> int | None:
    """1-based line of ``key = ...`` under the ``[table]`` header (not a key of that name
    elsewhere: ``title`` in ``[authors.jane]`` is not the site's ``title``)."""
    start = _table_line(text, table)
    if start is None:
        return None
    lines = text.split("\n")
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith("["):
            return None
        if re.match(rf"{re.escape(key)}\s*=", stripped):
            return number + 1
    return None


_HEADER_RE = re.compile(r"^[ \t]*\[[^\n]*", re.MULTILINE)


def _table_line(text: str, name: tuple[str, ...]) -> int | None:
    """1-based line of the first table header at or under ``[name]`` (its dotted key's
    parts), however its keys are written (``[authors."Jane Doe"]``, ``[ import ]``); of
    the first header of all for ``()``."""
    for match in _HEADER_RE.finditer(text):
        parts = _header_name(match[0])
        if parts is not None and parts[: len(name)] == name:
            return text.count("\n", 0, match.start()) + 1
    return None


def override(config: Config, **settings: object) -> Config:
    """``config`` with settings replaced from the command line (``--base-url``, ``--drafts``,
    ``--future``), each checked as it would be in sitegen.toml; raises ConfigError."""
    if not settings:
        return config
    lines = [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    given = parse_config("\n".join(lines) + "\n", Path("command line"))
    changed: dict[str, Any] = {key: getattr(given, key) for key in settings}
    if "base_url" in settings:
        changed["site_base_url"] = config.site_base_url or config.base_url
    return dataclasses.replace(config, **changed)


def _toml_value(value: object) -> str:
    return _toml(value if isinstance(value, (bool, int)) else str(value))


def logo_file(config: Config) -> str | None:
    """The file of the output folder ``logo`` names (``static/logo.png``); None when there is
    no logo or it is an http(s) URL."""
    if not config.logo or config.logo.startswith(("http:", "https:")):
        return None
    # A query or a fragment (``logo.png?v=2``) is no part of the file's name.
    return config.logo.partition("#")[0].partition("?")[0].lstrip("/")


def logo_warnings(config: Config, site_dir: Path, files: Iterable[str], read: Callable[[Path], bytes] = Path.read_bytes) -> list[str]:
    """A warning, naming the line of ``logo``, when it is a path to none of ``files`` (the
    output's). A warning, not an error: only search engines' data about the articles points
    at nothing, every page a reader sees is whole, and a site should still go out."""
    local = logo_file(config)
    if local is None or urls.output_file(local) in set(files):
        return []
    # Only the theme's static/ folder is copied as it is, under its own name.
    fix = f"add templates/{local}" if local.startswith("static/") and not local.endswith("/") else "name a file of templates/static/ (static/...)"
    return [f"{setting_place(site_dir, 'logo', read)}: logo: {config.logo!r} is not a file of the site: {fix}, or give an http(s) URL"]


def setting_place(site_dir: Path, key: str, read: Callable[[Path], bytes] = Path.read_bytes) -> str:
    """Where a top-level setting is written, for a message: ``.../sitegen.toml:3``, or the
    file alone when the key is not there (a default) or the file cannot be read."""
    path = site_dir / CONFIG_NAME
    try:
        line = line_of(_decode_config(read(path)), key, "=")
    except (OSError, UnicodeDecodeError):  # changed since the build read it: no line to give
        line = None
    return f"{path}{f':{line}' if line else ''}"


def load_config(site_dir: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> Config:
    """Read ``sitegen.toml`` from the site folder; a site without one gets the defaults."""
    path = site_dir / CONFIG_NAME
    if not path.exists():
        return Config()
    if not path.is_file() and not path.is_dir():  # a FIFO would hang the read; a folder says so below
        raise ConfigError(path, "is not a regular file")
    try:
        data = read(path)
    except OSError as e:
        raise ConfigError(path, f"cannot read: {e}") from e
    if is_utf16(data):
        raise ConfigError(path, IS_UTF16, 1)
    try:
        text = _decode_config(data)
    except UnicodeDecodeError as e:
        raise ConfigError(path, *not_utf8(data, e)) from e
    return parse_config(text, path)


def _decode_config(data: bytes) -> str:
    """The text of sitegen.toml: UTF-8, with or without a byte order mark. TOML allows none,
    but Windows editors write one, and content files and seeds are read with it too.
    Raises UnicodeDecodeError, its offsets in ``data``."""
    return decode_utf8(data)

"""The one place for slugs, site-relative paths, output file paths and absolute URLs.

A *site path* is relative to the site root with no leading slash: ``2024/05/my-story/``,
``tags/politics/page/2/``, ``atom.xml``. Templates and feeds turn site paths into links
with ``Urls.url`` (root-relative, honouring a sub-path base_url) or ``Urls.absolute``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Callable
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from .text import Edit, EditingParser, read_html, without_markup

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
# Device names Windows reserves in every folder, with any extension: a site with a page at
# con/ or tags/aux/ cannot be checked out, copied or served from Windows.
WINDOWS_DEVICE_NAMES = frozenset(("con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))))


def is_device_name(name: str) -> bool:
    """True for a name Windows keeps for a device (``con``, ``NUL.txt``, ``com1``...)."""
    return name.split(".", 1)[0].strip().lower() in WINDOWS_DEVICE_NAMES


@functools.lru_cache(maxsize=4096)  # tag names recur on every article
def slugify(text: str, fallback: str = "article", unicode: bool = False) -> str:
    """Readable slug, never a path or a device name; ``fallback`` when ``text`` has nothing
    a slug can keep. ASCII (Unicode transliterated), or with ``unicode`` (the setting
    ``slugs = "unicode"``) in the text's own script: ``unicode_slug``."""
    if unicode:
        slug = unicode_slug(text)
    else:
        from slugify import slugify as _slugify  # a build with nothing to do makes no slug

        slug = _slugify(text, max_length=MAX_SLUG, word_boundary=True, save_order=True)
    if is_device_name(slug):
        return f"{slug}-article"
    return slug or fallback


MAX_SLUG_BYTES = 160
"""The most bytes of UTF-8 a slug sitegen makes may take: a file system takes names of 255
bytes, and a slug names a folder of the output and, made by the importer or ``sitegen new``,
a content file (``<slug>-2.md``); a written one may take MAX_WRITTEN_SLUG. An Arabic or
Cyrillic letter takes 2 bytes, a Chinese character 3, an ASCII one 1."""

# Kept in a Unicode slug: letters, marks (the vowel signs of Devanagari, Arabic's harakat)
# and decimal digits of every script. Format characters (the zero-width non-joiner of a
# Persian word, a soft hyphen, direction marks) and Arabic's tatweel, which only stretches
# a line, are dropped rather than made a hyphen, so that the word they stand in stays one.
_UNICODE_KEPT = ("L", "M", "Nd")
_UNICODE_DROPPED = frozenset("\u0640")


def _kept(c: str) -> bool:
    return unicodedata.category(c).startswith(_UNICODE_KEPT) and c not in _UNICODE_DROPPED


def _composed(word: list[str]) -> str:
    """The letters of ``word`` in NFC again: a character dropped from between a letter and
    its mark (Arabic's tatweel before a madda, ``اـٓ``; a zero-width joiner) leaves the two
    side by side, which NFC writes as one (``آ``), and a slug is NFC (``_is_unicode_slug``)."""
    return unicodedata.normalize("NFC", "".join(word))


def unicode_slug(text: str) -> str:
    """``text`` as a slug in its own script ("" if it has no letter or digit): letters,
    marks and digits kept, lower-cased where the script has case, NFC; every run of
    anything else one hyphen; cut at a hyphen to MAX_SLUG characters and MAX_SLUG_BYTES
    bytes. "الحكومة تعلن خطة" -> ``الحكومة-تعلن-خطة``, "Путин и Си" -> ``путин-и-си``."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())
    words: list[str] = []
    word: list[str] = []
    for c in folded:
        if _kept(c):
            # A mark opens no word: one left after a hyphen ("-\u0301") is no letter's.
            if word or not unicodedata.category(c).startswith("M"):
                word.append(c)
        elif c in _UNICODE_DROPPED or unicodedata.category(c) == "Cf":
            continue
        elif word:
            words.append(_composed(word))
            word = []
    if word:
        words.append(_composed(word))
    slug = ""
    for each in words:
        longer = f"{slug}-{each}" if slug else each
        if len(longer) > MAX_SLUG or len(longer.encode("utf-8")) > MAX_SLUG_BYTES:
            # The first word alone too long: cut it, by characters, then by whole
            # characters' bytes (a slug is never a broken letter).
            if not slug:
                slug = each[:MAX_SLUG]
                while len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
                    slug = slug[:-1]
                # A cut may leave a mark without its letter's neighbour: harmless, but a
                # mark cut from its letter changes no other; NFC keeps it well-formed.
                slug = unicodedata.normalize("NFC", slug)
            break
        slug = longer
    return slug


_SPACING_RE = re.compile(r"[\s\-_'’.]+")


def spelling(name: str) -> str:
    """``name`` as far as two names of one tag or byline may differ and still be meant as
    one: case, accents and spacing (``Sport``, ``sport``; ``Économie``, ``economie``; ``New
    York``, ``new-york``). Names whose slugs agree but whose spellings differ (``C++`` and
    ``C``, both ``c``) are different names sharing an address. The search page's script
    reads a tag in its address the same way (templates/search.html)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _SPACING_RE.sub(" ", bare.casefold()).strip()


# An English possessive or contraction: Mayor's, don't, they're, we'll, I've, she'd, I'm.
_APOSTROPHE_RE = re.compile(r"(?<=\w)['’ʼ](?=(?:s|t|re|ll|ve|d|m)\b)", re.IGNORECASE)


def headline_slug(title: str, fallback: str = "article", unicode: bool = False) -> str:
    """The slug a new article gets from its headline: ``slugify``, with the apostrophe of an
    English possessive or contraction dropped rather than made a hyphen ("Tomorrow's match"
    -> ``tomorrows-match``, not ``tomorrow-s-match``; "l'été" stays ``l-ete``), markup pasted
    into it left out ("<b>Breaking:</b> Harbour..." -> ``breaking-harbour-...``, not
    ``b-breaking-b-harbour-...``), and currency signs too, as news sites leave them out of
    their addresses (£1bn is ``1bn`` in the Guardian's): "£2.3m" -> ``2-3m``, its digits
    kept (the transliteration spelt £ as ``ps`` and € as ``eur``). For new slugs only:
    tags, authors and files named before keep theirs, as their addresses are out, and so do
    articles slugged before (``former_headline_slugs``). ``fallback`` is the slug of a
    headline with no letter or digit to make one of ("!!!", "🎉"); ``unicode``: in the
    headline's own script (``slugify``)."""
    words = without_markup(title)
    # Unicode's currency symbols (Sc): £ € $ ¥ ₹ ₽ ¢... A space, not nothing: US$5m is us-5m.
    words = "".join(" " if unicodedata.category(c) == "Sc" else c for c in words)
    return slugify(_APOSTROPHE_RE.sub("", words), fallback, unicode)


def former_headline_slugs(title: str) -> tuple[str, str]:
    """The slugs earlier versions of sitegen made of the headline ``title``, newest first:
    its markup and currency signs spelt out (``ps2-3m``), then its apostrophes made hyphens
    too (``mayor-s-plan``). Articles are out at such addresses."""
    return slugify(_APOSTROPHE_RE.sub("", title)), slugify(title)


MAX_WRITTEN_SLUG = 200
"""The longest slug a person may write, in characters, and in bytes of UTF-8 (a made one is
MAX_SLUG characters and MAX_SLUG_BYTES bytes at most, leaving room for ``-2``)."""


def _is_unicode_slug(slug: str) -> bool:
    """Words of letters, marks and digits of any script, each opening with a letter or a
    digit, joined by single hyphens; lower case where the script has it, and NFC."""
    words = slug.split("-")
    if not all(word and all(_kept(c) for c in word) and not unicodedata.category(word[0]).startswith("M") for word in words):
        return False
    return unicodedata.normalize("NFC", slug.lower()) == slug


def slug_problem(slug: str, unicode: bool = False) -> str | None:
    """Why ``slug``, as written in a content file or sitegen.toml, cannot name a page; None
    when it can. The one wording for every place a slug is written. With ``unicode`` (the
    setting ``slugs = "unicode"``), the letters and digits of any script are a slug's too."""
    if not (SLUG_RE.fullmatch(slug) or (unicode and _is_unicode_slug(slug))):
        # The slug sitegen would make of it, when it makes one (not its fallback, "article").
        made = slugify(slug, fallback="", unicode=unicode)
        rule = "lower-case letters, marks and digits of any script" if unicode else "lower-case ASCII letters, digits"
        return f"{slug!r} is not a slug: use {rule} and single hyphens" + (f" (did you mean {made!r}?)" if made else "")
    if len(slug) > MAX_WRITTEN_SLUG:
        return f"is {len(slug)} characters long: a slug may have {MAX_WRITTEN_SLUG} at most"
    if (size := len(slug.encode("utf-8"))) > MAX_WRITTEN_SLUG:
        # It names a folder, and a file system takes names of 255 bytes.
        return (
            f"takes {size} bytes of UTF-8: a slug may take {MAX_WRITTEN_SLUG} at most, as it names a folder"
            " (an Arabic or Cyrillic letter takes 2, a Chinese character 3)"
        )
    if is_device_name(slug):
        # Well-formed, so the usual advice would be no help: say what is wrong with it.
        return (
            f"{slug!r} cannot be a slug: Windows keeps the name for a device (as it does con, prn, aux, nul, "
            f"com0 to com9 and lpt0 to lpt9), so no folder there can have it: add a word, such as '{slug}-article'"
        )
    return None


def is_valid_slug(slug: str, unicode: bool = False) -> bool:
    return slug_problem(slug, unicode) is None


def unique_slug(slug: str, taken: set[str], free: Callable[[str], bool] | None = None) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… whichever is not yet in ``taken`` (and is
    ``free``, when given: plan.OwnPaths.free_slug's test of the site's own pages)."""
    candidate, n = slug, 1
    while candidate in taken or (free is not None and not free(candidate)):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def article_path(permalink: str, slug: str, date: dt.datetime) -> str:
    return permalink.format(year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug)


def page_path(slug: str) -> str:
    """A standalone page's address (front matter ``page: true``): its slug alone, whatever
    the permalink, as an About or Privacy page has no date to file it under."""
    return f"{slug}/"


STYLESHEET = "static/feed.xsl"
"""The stylesheet every Atom and RSS feed names, which makes a feed opened in a browser a
readable page (rendered from the template ``feed.xsl``). One address for good: archive
documents, which never change, name it too."""

SITEMAP_PART_RE = re.compile(r"sitemap-(?:pages|[0-9]{4}-[0-9]{2})(?:-[0-9]+)?\.xml")
"""The site paths ``sitemap_part`` makes."""


def sitemap_part(name: str) -> str:
    """Site path of the part ``name`` of a large site's sitemap ("pages", "2024-05",
    "2024-05-2"): beside ``sitemap.xml``, as a sitemap may list only addresses at or below
    its own folder's."""
    return f"sitemap-{name}.xml"


def index_path(prefix: str, number: int) -> str:
    """Site path of page ``number`` of a paginated listing rooted at ``prefix``."""
    return prefix if number == 1 else f"{prefix}page/{number}/"


def tag_slug(name: str, unicode: bool = False) -> str:
    """The slug of the tag (or section) ``name`` (``unicode``: in its own script). A name
    with no letter or digit a slug can keep ("!!!", "???") is named by its digest: slugify's
    fallback would give every such tag one address, "article", which a tag "Article" has too."""
    return slugify(name, fallback="", unicode=unicode) or "tag-" + hashlib.sha256(spelling(name).encode("utf-8")).hexdigest()[:8]


def tag_path(tag_slug: str) -> str:
    return f"tags/{tag_slug}/"


def archive_path(year: int, month: int | None = None) -> str:
    """The archive page of one month, or of one year (its months) when ``month`` is None."""
    return f"archive/{year}/" if month is None else f"archive/{year}/{month:02d}/"


# RFC 3987: a scheme (RFC 3986's ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), a colon, then
# something without the characters an IRI may never hold as such (space, <>"{}|\^`).
_ABSOLUTE_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


def is_absolute_iri(value: str) -> bool:
    """True for an absolute IRI (``urn:uuid:…``, ``tag:example.org,2024:a``, ``https://…``):
    what an Atom ``<id>`` must be."""
    return _ABSOLUTE_IRI_RE.fullmatch(value) is not None


def is_local(url: str) -> bool:
    """Whether ``url`` is an address of this machine (a preview's), not the site's."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.") or host.endswith(".localhost")


DEFAULT_PORTS = {"http": 80, "https": 443}


def normal_netloc(scheme: str, host: str, port: int | None) -> str:
    """The host and port of a URL of ``scheme`` as browsers write them: the host (ASCII: an
    IDNA form already) in lower case, an IPv6 address in its brackets, no port that is the
    scheme's own. HTTPS://News.Example.ORG:443/ is https://news.example.org/."""
    host = host.lower()
    netloc = f"[{host}]" if ":" in host else host
    return netloc if port is None or port == DEFAULT_PORTS.get(scheme) else f"{netloc}:{port}"


def same_address(one: str, other: str) -> bool:
    """Whether two absolute URLs name the same page: the scheme and host in any case, a
    host in its Unicode or IDNA form, a port that is the scheme's own or none, the path
    percent-encoded or not (a canonical written by the tool a site moved from, against the
    address sitegen gives the page)."""
    return _compared(one) == _compared(other)


def _compared(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
        netloc = normal_netloc(parts.scheme.lower(), host, parts.port)
    except (ValueError, UnicodeError):  # no URL to split (a hand edit): as written
        return unquote(url)
    return f"{parts.scheme.lower()}://{netloc}{unquote(parts.path)}" + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def is_absolute_http(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace: safe in an href."""
    if any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# What a path may hold as written: RFC 3986's path characters (escapes included), and any
# other printable character beyond ASCII (``café/``: WordPress-era slugs), as in an IRI.
_SAFE_PATH_RE = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@%/-]|[^\x00-\x7f])+")
PLAIN_PATH_RE = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?")
"""A path ``site_path`` returns as it is written, told by one pattern: plain ASCII segments,
none empty or starting with a dot (so no "." or ".."), with or without a slash at its end.
What builds record (dates, slugs) is; a shortcut for them must agree with ``site_path``
(tests/test_urls.py holds the two together)."""
_BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Decoded, still refused: what would make the file's name ambiguous, or break the line of a
# host's file that names it (_redirects splits on spaces but gets it encoded; the nginx map
# quotes it with ").
_REFUSED_DECODED = frozenset('\\"?#')
_PATH_ENCODE_SAFE = "/!$&'()*+,;=:@-._~"


def site_path(written: str) -> str | None:
    """A path of this site as someone wrote it (``old/story/``, ``/old/story/``, ``café/``,
    ``caf%C3%A9/``), relative to the base URL and decoded: the name of the file a server
    looks for (``café/``). None when it is not one: a URL, a query, a ``..``, a bad escape,
    an escaped ``/``, a control character or a backslash."""
    path = written.strip().lstrip("/")
    if not path or not _SAFE_PATH_RE.fullmatch(path) or urlsplit(path).scheme or "//" in path:
        return None
    if _BAD_ESCAPE_RE.search(path) or "%2f" in path.lower() or not path.isprintable():
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:  # escapes of bytes that are not UTF-8
        return None
    if {".", "..", ""} & set(decoded.rstrip("/").split("/")) or _REFUSED_DECODED & set(decoded):
        return None
    # An escaped space is a space in the file's name; any other separator or control is not.
    return decoded if decoded.replace(" ", "").isprintable() else None


def encoded_path(path: str) -> str:
    """A decoded path (``café/``) as a URL writes it and a browser sends it (``caf%C3%A9/``):
    UTF-8, percent-encoded outside RFC 3986's path characters."""
    # Nearly every path is ASCII slugs already, as quote() would leave it: the feeds and the
    # sitemap ask for 30,000 at 10,000 articles, and quote() takes ten times as long.
    if not _TO_ENCODE_RE.search(path):
        return path
    return quote(path, safe=_PATH_ENCODE_SAFE)


# What quote() encodes in a path: anything but ASCII letters, digits, "_" and _PATH_ENCODE_SAFE.
_TO_ENCODE_RE = re.compile(r"[^A-Za-z0-9_" + re.escape(_PATH_ENCODE_SAFE) + "]")


def relative_link(site_path: str, page_path: str) -> str:
    """A link from the page at ``page_path`` to ``site_path``: relative, so that it works
    on any host and under any sub-path (feeds make it absolute)."""
    folder = page_path if page_path.endswith("/") else posixpath.dirname(page_path)
    return posixpath.relpath(site_path, folder or ".")


def author_path(author_slug: str) -> str:
    return f"authors/{author_slug}/"


def output_file(site_path: str) -> str:
    """The file that serves a site path: pretty URLs end in ``/`` and map to ``index.html``."""
    return site_path + "index.html" if site_path == "" or site_path.endswith("/") else site_path


def relative_url(site_path: str, page_path: str) -> str:
    """A link from the page at ``page_path`` to ``site_path`` that works in a folder opened
    from disk (``file://``): relative, and a folder's link names its ``index.html``, as
    there is no server to find it."""
    path, hash_sign, fragment = site_path.lstrip("/").partition("#")
    folder = page_path if page_path.endswith("/") else posixpath.dirname(page_path)
    return posixpath.relpath(output_file(path), folder or ".") + hash_sign + fragment


def fingerprinted(path: str, data: bytes) -> str:
    """``path`` with a digest of ``data`` before its extension (``static/style.1a2b3c4d.css``):
    a changed file gets a new URL, so that browsers and caches may keep each one for ever."""
    folder, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not stem:  # no extension, or a name such as ".hidden"
        stem, dot, extension = name, ".", ""
    digest = hashlib.sha256(data).hexdigest()[:FINGERPRINT_LENGTH]
    named = f"{stem}.{digest}{dot if extension else ''}{extension}"
    return f"{folder}/{named}" if folder else named


FINGERPRINT_LENGTH = 8
"""Hex digits of a fingerprinted file's digest: enough to tell the versions of one file apart."""


def safe_join(root: Path, relative: str, resolve: bool = True) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``.

    With ``resolve``, symbolic links on the way are followed before checking (for
    deleting); without, the check is on the path as written (for writing, on every file).
    """
    rel = PurePosixPath(relative)
    if rel.is_absolute() or ".." in rel.parts or "\\" in relative or "\0" in relative or not rel.parts:
        raise ValueError(f"path {relative!r} would leave {root}")
    if not resolve:
        return root / rel
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"path {relative!r} would leave {root}")
    return target


class Urls:
    """Turns site paths into links for a site hosted at ``base_url``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.base_path = urlsplit(self.base_url).path or "/"

    def url(self, site_path: str = "") -> str:
        """Root-relative link (``/news/2024/05/story/``): works on any page, at any depth."""
        return self.base_path + site_path.lstrip("/")

    def absolute(self, site_path: str = "") -> str:
        """Absolute URL, for canonical links, feeds and the sitemap: percent-encoded
        (``encoded_path``), as the sitemap protocol and RSS ask for URLs, not IRIs, and a
        ``<meta content>`` is no link a browser encodes. A path of ASCII slugs is as it is.
        A query or fragment after it (the logo's ``static/logo.png?v=2``, a template's
        ``'about/#team' | absolute``) is kept as written: encoded, its ``?`` or ``#`` became
        part of the file's name, an address that answers 404."""
        path = site_path.lstrip("/")
        if not _TO_ENCODE_RE.search(path):  # ASCII slugs, nearly every one: looked at once
            return self.base_url + path
        if (after := _QUERY_OR_FRAGMENT_RE.search(path)) is None:
            return self.base_url + encoded_path(path)
        return self.base_url + encoded_path(path[: after.start()]) + path[after.start() :]


_QUERY_OR_FRAGMENT_RE = re.compile(r"[?#]")


# Attributes that hold one URL in article HTML (cite: of a blockquote, q, ins or del);
# srcset holds a list and is handled apart.
URL_ATTRIBUTES = ("href", "src", "poster", "cite")
_REWRITTEN = frozenset((*URL_ATTRIBUTES, "srcset"))
_TAG_NAME_RE = re.compile(r"<\s*([^\s/>]+)")


Attributes = list[tuple[str, str | None]]


class _TagRewriter(EditingParser):
    """Finds start tags and rewrites their attributes, with their offsets in the source.

    A real HTML tokenizer, not a pattern over the text: ``href="x"`` written in a
    paragraph or in code is text (escaped by Markdown), so it is never touched, and
    unquoted attribute values are found like quoted ones.
    """

    def __init__(self, source: str, fix: Callable[[str, Attributes], Attributes]) -> None:
        super().__init__(source)
        self.fix = fix

    def handle_starttag(self, tag: str, attrs: Attributes) -> None:
        self._rewrite(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: Attributes) -> None:
        self._rewrite(tag, attrs)

    def _rewrite(self, tag: str, attrs: Attributes) -> None:
        fixed = self.fix(tag, attrs)
        if fixed == attrs:
            return
        original = self.get_starttag_text() or ""
        start = self.source_offset()
        match = _TAG_NAME_RE.match(original)
        name = match[1] if match else "a"
        parts = "".join(f" {key}" if value is None else f' {key}="{escape(value, quote=True)}"' for key, value in fixed)
        self.edits.append(Edit(start, start + len(original), f"<{name}{parts}{' />' if original.endswith('/>') else '>'}"))


def rewrite_start_tags(html: str, fix: Callable[[str, Attributes], Attributes]) -> str:
    """``html`` with the attributes of each start tag replaced by ``fix(tag, attributes)``
    (a tag whose attributes come back equal is left byte for byte); text, code, comments
    and every other byte as they are."""
    rewriter = _TagRewriter(html, fix)
    try:
        read_html(rewriter, html)
    except AssertionError:
        # The standard library's tokenizer raises AssertionError on some hand-written
        # markup (a marked section such as "<![ ]>"). The HTML then stays as written (for a
        # feed entry, ``sitegen check`` reports any link left relative): better than an
        # entry lost, or rewritten from offsets the failed tokenizer can no longer vouch for.
        return html
    return rewriter.edited()


class _ImageWrapper(EditingParser):
    """Finds each img that no picture holds, and puts the text ``wrap`` gives around it."""

    def __init__(self, source: str, wrap: Callable[[Attributes], tuple[str, str] | None]) -> None:
        super().__init__(source)
        self.wrap = wrap
        self.pictures = 0
        """How many picture elements hold the tag read: an img in one has its sources."""

    def handle_starttag(self, tag: str, attrs: Attributes) -> None:
        if tag == "picture":
            self.pictures += 1
        elif tag == "img" and not self.pictures:
            self._wrap(attrs)

    def handle_startendtag(self, tag: str, attrs: Attributes) -> None:
        if tag == "img" and not self.pictures:
            self._wrap(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture" and self.pictures:
            self.pictures -= 1

    def _wrap(self, attrs: Attributes) -> None:
        around = self.wrap(attrs)
        if around is None:
            return
        original = self.get_starttag_text() or ""
        start = self.source_offset()
        self.edits.append(Edit(start, start + len(original), around[0] + original + around[1]))


def wrap_images(html: str, wrap: Callable[[Attributes], tuple[str, str] | None]) -> str:
    """``html`` with each img that no picture element holds between the two texts
    ``wrap(attributes)`` gives (None: left alone); every other byte as it is."""
    wrapper = _ImageWrapper(html, wrap)
    try:
        read_html(wrapper, html)
    except AssertionError:
        return html  # markup the tokenizer cannot read (rewrite_start_tags): left as it is
    return wrapper.edited()


def map_srcset(srcset: str, fix: Callable[[str], str]) -> str:
    """``srcset`` with ``fix`` applied to the URL of each candidate, its descriptor
    (``2x``, ``480w``) kept."""
    candidates = []
    for candidate in srcset.split(","):
        parts = candidate.strip().split(None, 1)
        if parts:
            parts[0] = fix(parts[0])
        candidates.append(" ".join(parts))
    return ", ".join(candidates)


def links_for_disk(html: str, page_path: str, base_path: str) -> str:
    """The page ``html`` (at site path ``page_path``) with every link into the site as
    ``relative_url`` makes them: relative, a folder's naming its ``index.html``. For a
    ``--relative`` build opened from disk: a link a person wrote by hand in an article or a
    template (``../other-story/``, ``/news/2024/05/x/``) opened a folder's listing, or
    nothing. Links elsewhere, to anchors, and those already right are left byte for byte."""
    folder = page_path if page_path.endswith("/") else posixpath.dirname(page_path) + "/"

    def fix(url: str) -> str:
        stripped = url.strip()
        if not stripped or stripped.startswith(("#", "?", "//")) or _SCHEME_RE.match(stripped):
            return url
        path, query, fragment = _split_link(stripped)
        if path.startswith("/"):
            if not path.startswith(base_path):
                return url  # an address of the host outside the site: not the site's to fix
            site_path = path[len(base_path) :]
        else:
            # Relative, so that a way up past the site's top stays a ".." (an address of the
            # host outside the site, not the site's to fix).
            joined = posixpath.normpath(posixpath.join(folder, path))
            if joined == ".." or joined.startswith("../"):
                return url
            site_path = "" if joined == "." else joined + ("/" if path.endswith("/") else "")
        if not (site_path == "" or site_path.endswith("/")):
            return url if not path.startswith("/") else relative_link(site_path, page_path) + query + fragment
        return relative_url(site_path, page_path) + query + fragment

    def fix_tag(tag: str, attrs: Attributes) -> Attributes:
        return [
            (key, map_srcset(value, fix) if key == "srcset" else fix(value)) if value is not None and key in _REWRITTEN else (key, value)
            for key, value in attrs
        ]

    return rewrite_start_tags(html, fix_tag)


_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _split_link(url: str) -> tuple[str, str, str]:
    """A link's path, then its ``?query`` and its ``#fragment`` as written (each "" if none)."""
    rest, hash_sign, fragment = url.partition("#")
    path, question, query = rest.partition("?")
    return path, question + query, hash_sign + fragment


def absolutize_html(html: str, page_url: str) -> str:
    """``html`` with every URL attribute (href, src, srcset, poster; quoted or not) made
    absolute against ``page_url``; text, code and every other byte left as they are.

    Feed readers resolve relative links against nothing reliable, so feed content must
    carry absolute URLs; ``#anchor`` becomes ``page_url#anchor``. Pages keep the links as
    written, so a page works on whatever host serves it.
    """
    # No attribute has a value without an "=": nothing to rewrite, as _absolutized finds
    # (a test checks the two agree), and then no copy of the text in lower case is made.
    if "=" not in html:
        return html
    return _absolutized(html, page_url)


def _absolutized(html: str, page_url: str) -> str:
    """``absolutize_html``, for any ``html``."""
    lowered = html.lower()
    if not any(name in lowered for name in _REWRITTEN):
        return html  # no URL attribute at all: most article text

    def fix(url: str) -> str:
        stripped = url.strip()
        try:
            if not stripped or urlsplit(stripped).scheme:
                return url
            return urljoin(page_url, stripped)
        except ValueError:
            # Not a URL at all ("//[oops": urllib reads a bracket after // as the start of
            # an IPv6 address): left as written, for ``sitegen check`` to name.
            return url

    def fix_value(name: str, value: str) -> str:
        return map_srcset(value, fix) if name == "srcset" else fix(value)

    def fix_tag(tag: str, attrs: Attributes) -> Attributes:
        if not any(name in _REWRITTEN and value for name, value in attrs):
            return attrs
        return [(name, fix_value(name, value) if value and name in _REWRITTEN else value) for name, value in attrs]

    return rewrite_start_tags(html, fix_tag)

"""Lint a built site: the mistakes that make feed readers and visitors see the wrong thing.

Checks duplicate entry ids (within a feed, and across archive documents), one article
under different ids in Atom, RSS and JSON, relative URLs in feed content and RSS
descriptions, missing or naive dates (of entries and of feeds), Atom entries with no
author of their own or of their feed, feeds over the byte budget, internal links that
lead nowhere (in pages and in feed content, ``srcset`` and ``#fragment`` links
included; feed entries' own links and sitemap addresses), links that leave a sub-path
site, and markup that could run script
(``<script>``, ``on*=`` handlers, ``javascript:`` URLs) in article bodies and feed
content. Each problem names its file. A link that leads nowhere is said once, in the
page it is on, with how many feeds carry it too (an article's body is in every feed that
lists it); one written in an article's text is said for the article's content file and
line, where it is to be put right, when the build cache tells that file (origins.py), and
so is any other problem of a feed entry's text that the article's text holds (a URL no
reader can resolve), once for all the feeds that show it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from . import urls
from .compress import decompress, original_of
from .config import Config
from .errors import SAID_IN_FULL, SitegenError, shown_path
from .feeds import ARCHIVE_PREFIX
from .origins import Origins, written_links

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


@dataclass(frozen=True)
class Problem:
    path: str
    """The file it is about; "" for one about no file (an article taken down)."""
    message: str
    link: tuple[str, str] | None = dataclasses.field(default=None, compare=False, repr=False)
    """For a link that leads nowhere: (the output file of the page it is on, where it
    points); the same for that page and for each feed entry of the page's article."""
    line: int | None = None
    """The line of ``path`` it is on, when ``path`` is a content file (``_at_origin``)."""
    alone: str = dataclasses.field(default="", compare=False, repr=False)
    """For a link that leads nowhere in a feed entry, or a problem of an entry's text: the
    problem said alone, without the entry and field, as it is said when the article's content
    file is named."""
    entry: tuple[str, str, str] | None = dataclasses.field(default=None, compare=False, repr=False)
    """For a problem of a feed entry's text other than a link that leads nowhere: (the output
    file of the page of the entry's article, the URL it is about, or "" for unsafe markup,
    and the unsafe markup described, or ""), to name the article's content file by
    (``_entry_at_origin``)."""

    def __str__(self) -> str:
        if not self.path:
            return self.message
        return f"{self.path}: {self.message}" if self.line is None else f"{self.path}:{self.line}: {self.message}"


# Attributes whose value a browser follows or loads as a URL, where javascript: would run.
_SCRIPTABLE_URL_ATTRIBUTES = frozenset(
    ("href", "src", "action", "formaction", "poster", "data", "background", "cite", "longdesc", "xlink:href", "ping", "lowsrc", "dynsrc")
)
# Browsers ignore spaces and control characters around a URL and tabs and newlines inside
# it, so "java\tscript:" and " javascript:" run as well.
_URL_NOISE_RE = re.compile("[\x00-\x20\x7f]")


def _fragment(html: str) -> Any:
    """An HTML fragment parsed into a tree under one <div>, or None when it is empty."""
    return lxml_html.fragment_fromstring(html, create_parent="div") if html.strip() else None


def _unsafe_markup(tree: Any) -> Iterator[str]:
    """What in a parsed HTML tree could run script: <script>, on* handlers, javascript: URLs."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag.lower() == "script":
            yield "<script> element"
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                yield f"event handler attribute {lowered}= on <{element.tag}>"
            elif lowered in _SCRIPTABLE_URL_ATTRIBUTES and _URL_NOISE_RE.sub("", value).lower().startswith("javascript:"):
                yield f"javascript: URL in <{element.tag} {lowered}>"


def _url_values(tree: Any) -> Iterator[str]:
    """Every URL a parsed HTML fragment gives in an attribute, each ``srcset`` candidate apart."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        yield from (element.get(a) for a in urls.URL_ATTRIBUTES if element.get(a) is not None)
        if element.get("srcset"):
            yield from (c.strip().split(" ")[0] for c in element.get("srcset").split(",") if c.strip())


def _unresolvable_urls(tree: Any) -> Iterator[tuple[str, str]]:
    """What a feed reader could not resolve in a parsed HTML fragment: relative URLs, and
    values that are not URLs at all, each described, with the URL as the fragment gives it."""
    for value in _url_values(tree):
        try:
            parts = urlsplit(value.strip())
        except ValueError as e:  # "//[x": a bracket that opens no IPv6 address
            yield f"URL {value!r} that cannot be parsed ({e})", value
            continue
        if not parts.scheme:
            yield f"relative URL {value!r}", value


def _aware(value: str | None, rfc822: bool = False) -> bool:
    if not value:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(value) if rfc822 else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return False
    return parsed.tzinfo is not None


class _Entry(NamedTuple):
    id: str | None
    link: str | None
    dates: list[tuple[str, str | None, bool]]
    """(field, value, is RFC 822) of each date the entry must carry."""
    html: list[tuple[str, str]]
    """(field, HTML) of the entry's content, whose URLs must be absolute."""
    markup: list[tuple[str, str]]
    """(field, text) of other fields that readers render as HTML."""
    authored: bool = True
    """False for an Atom entry (or feed) with no ``<author>`` of its own."""


def _entries(path: Path, data: bytes) -> Iterator[_Entry]:
    """Each entry of a feed file, with its dates and the fields readers render as HTML; and
    first, an entry standing for the feed itself (id None, link "") with the feed's dates."""
    if path.suffix == ".json":
        doc = json.loads(data)
        items = doc.get("items", []) if isinstance(doc, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError("not a JSON Feed: expected an object whose items are objects")
        yield _Entry(None, "", [], [], [])
        for item in items:
            dates = [("date_published", item.get("date_published"), False)]
            if "date_modified" in item:
                dates.append(("date_modified", item.get("date_modified"), False))
            yield _Entry(item.get("id"), item.get("url"), dates, [("content_html", item.get("content_html", ""))], [])
        return
    root = etree.fromstring(data)
    if root.tag == f"{ATOM}feed":
        feed_dates = [("feed updated", root.findtext(f"{ATOM}updated"), False)]
        yield _Entry(None, "", feed_dates, [], [], root.find(f"{ATOM}author") is not None)
        for entry in root.iter(f"{ATOM}entry"):
            dates = [(f, entry.findtext(f"{ATOM}{f}"), False) for f in ("updated", "published")]
            html: list[tuple[str, str]] = []
            markup: list[tuple[str, str]] = []
            for field in ("content", "summary", "title"):
                element = entry.find(f"{ATOM}{field}")
                if element is not None and element.get("type") == "html":
                    (html if field == "content" else markup).append((field, element.text or ""))
            alternate = next((e.get("href") for e in entry.iter(f"{ATOM}link") if e.get("rel", "alternate") == "alternate"), None)
            # An entry's author may also come from the feed it was copied from (atom:source).
            authored = entry.find(f"{ATOM}author") is not None or entry.find(f"{ATOM}source/{ATOM}author") is not None
            yield _Entry(entry.findtext(f"{ATOM}id"), alternate, dates, html, markup, authored)
    else:
        channel = root.find("channel")
        feed_dates = [(f"channel {f}", channel.findtext(f), True) for f in ("lastBuildDate", "pubDate") if channel is not None and channel.find(f) is not None]
        yield _Entry(None, "", feed_dates, [], [])
        for item in root.iter("item"):
            dates = [("pubDate", item.findtext("pubDate"), True)]
            # RSS has no plain-text fields: readers render a description as HTML, so its
            # URLs must be absolute too.
            html = [("content:encoded", item.findtext(CONTENT_ENCODED) or ""), ("description", item.findtext("description") or "")]
            yield _Entry(item.findtext("guid"), item.findtext("link"), dates, html, [])


def check_feed(path: Path, rel: str, config: Config, folder: _Folder | None = None, found: _Found | None = None) -> list[Problem]:
    """The problems of one feed file; with ``folder`` (the output folder), its content's
    internal links are checked too, and with ``found``, its entries are noted for the
    checks across files."""
    problems: list[Problem] = []
    try:
        data = path.read_bytes()
    except OSError as e:
        return [Problem(rel, f"cannot be read: {e.strerror or e}")]
    if not rel.startswith(ARCHIVE_PREFIX) and len(data) > config.feed_max_bytes:
        problems.append(Problem(rel, f"{len(data):,} bytes, over the budget of {config.feed_max_bytes:,} (feed_max_bytes)"))
    try:
        entries = list(_entries(path, data))
    except (etree.XMLSyntaxError, ValueError) as e:
        return problems + [Problem(rel, f"cannot be parsed: {e}")]
    if not entries[0].authored and (anonymous := sum(not e.authored for e in entries[1:])):
        message = f"no <author> for the feed nor for {anonymous} of its entries: Atom requires one (RFC 4287 4.1.1)"
        problems.append(Problem(rel, message + "; set author in sitegen.toml"))
    links = urls.Urls(config.base_url)
    seen: set[str] = set()
    for entry_id, link, dates, contents, markup, _ in entries:
        where = f"entry {entry_id}: " if entry_id is not None else ""
        for field, value, rfc822 in dates:
            if not _aware(value, rfc822):
                problems.append(Problem(rel, f"{where}{field} is missing or has no time zone: {value!r}"))
        if entry_id is None and link == "":
            continue  # the feed's own dates
        if not entry_id:
            problems.append(Problem(rel, "an entry has no id"))
        elif entry_id in seen:
            problems.append(Problem(rel, f"duplicate entry id {entry_id}"))
        seen.add(entry_id or "")
        if found is not None and entry_id:
            found.note(rel, entry_id, link or "")
        if folder is not None and link and (missing := _missing_page(link, folder, links)) is not None:
            problems.append(Problem(rel, f"{where}link {link} leads to no page", (missing, missing)))
        page = _site_path(link, links) if link else None
        on = urls.output_file(page) if page is not None else rel
        """The page of the entry's article, whose content file made the entry's text."""
        for field, html in contents:
            if (tree := _fragment(html)) is not None:
                for url, value in _unresolvable_urls(tree):
                    problems.append(Problem(rel, f"{where}{url} in {field if field == 'description' else 'content'}", alone=url, entry=(on, value, "")))
                for unsafe in _unsafe_markup(tree):
                    problems.append(Problem(rel, f"{where}unsafe markup in {field}: {unsafe}", alone=f"unsafe markup: {unsafe}", entry=(on, "", unsafe)))
                if folder is not None and link:
                    for broken, target in _broken_links(tree, link, folder, links):
                        problems.append(Problem(rel, f"{where}{broken} in {field}", (on, target), alone=broken))
        for field, html in markup:
            if (tree := _fragment(html)) is not None:
                for unsafe in _unsafe_markup(tree):
                    problems.append(Problem(rel, f"{where}unsafe markup in {field}: {unsafe}"))
    return problems


class _Found:
    """Entries seen across the feed files of one site, for the checks no single file can make."""

    def __init__(self) -> None:
        self.archived: dict[tuple[str, str], str] = {}
        """(format, id) -> the archive document that holds it."""
        self.by_link: dict[tuple[str, str], dict[str, str]] = {}
        """(feed folder, entry link) -> subscription document -> the id it gives the entry."""
        self.problems: list[Problem] = []

    def note(self, rel: str, entry_id: str, link: str) -> None:
        if rel.startswith(ARCHIVE_PREFIX):
            fmt = "json" if rel.endswith(".json") else "rss" if rel.endswith(".rss.xml") else "atom"
            other = self.archived.setdefault((fmt, entry_id), rel)
            if other != rel:
                self.problems.append(Problem(rel, f"entry {entry_id} is also in {other}: an archive reader counts it twice"))
        elif link:
            folder = rel.rpartition("/")[0]
            self.by_link.setdefault((folder, link), {})[rel] = entry_id

    def mismatched_ids(self) -> list[Problem]:
        problems = []
        for (_, link), ids in sorted(self.by_link.items()):
            if len(set(ids.values())) > 1:
                described = ", ".join(f"{name} says {entry_id}" for name, entry_id in sorted(ids.items()))
                problems.append(Problem(min(ids), f"one article, different ids ({link}): {described}; a reader of each sees another entry"))
        return problems


def check_page(path: Path, rel: str, folder: _Folder, links: urls.Urls) -> list[Problem]:
    """Broken internal links of one page, and markup that could run script in its articles."""
    try:
        doc = cast(lxml_html.HtmlElement, lxml_html.document_fromstring(path.read_bytes()))
    except OSError as e:
        return [Problem(rel, f"cannot be read: {e.strerror or e}")]
    except etree.ParserError as e:  # "Document is empty": an empty file, or only a comment
        return [Problem(rel, f"cannot be parsed as HTML: {e}")]
    problems = check_links(doc, rel, folder, links)
    # Only the articles: the site's own templates may carry scripts on purpose.
    for article in doc.iter("article"):
        for unsafe in _unsafe_markup(article):
            problems.append(Problem(rel, f"unsafe markup in an article: {unsafe}"))
    return problems


def check_links(doc: lxml_html.HtmlElement, rel: str, folder: _Folder, links: urls.Urls) -> list[Problem]:
    """Links and resources of one page that point into the site but at no file (or at no
    element, for a #fragment), or out of its base path."""
    page_url = links.absolute(rel.removesuffix("index.html"))
    folder.page_ids(_site_path(page_url, links) or "", doc)
    return [Problem(rel, message, (rel, target)) for message, target in _broken_links(doc, page_url, folder, links)]


def _ids(tree: Any) -> set[str]:
    return {str(v) for v in tree.xpath("//@id | //a/@name")}


def _site_path(url: str, links: urls.Urls) -> str | None:
    """The path of ``url`` inside the site, or None when it is not in the site."""
    if not url.startswith(links.base_url):
        return None
    return unquote(urlsplit(url).path[len(links.base_path) :])


class _Folder:
    """The output folder being checked, each file looked up once: a site of 10,000 articles
    has 450,000 links (to 20,000 files), and following each one's path on disk took
    two minutes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, Path | ValueError | None] = {}
        self._ids: dict[str, set[str]] = {}
        self._resolved: dict[tuple[str, str], tuple[str, SplitResult, str | None]] = {}

    def file(self, relative: str) -> Path | None:
        """The regular file at ``relative`` (links on the way followed), None when there is
        none. Raises ValueError when the path leads out of the folder."""
        if relative not in self._files:
            try:
                path = urls.safe_join(self.root, relative)
                self._files[relative] = path if path.is_file() else None
            except ValueError as e:
                self._files[relative] = e
        found = self._files[relative]
        if isinstance(found, ValueError):
            raise found
        return found

    def ids(self, site_path: str, file: Path) -> set[str]:
        """The ids (and anchor names) of the page at ``site_path``, ``file``, read once."""
        ids = self._ids.get(site_path)
        if ids is None:
            try:
                ids = _ids(lxml_html.document_fromstring(file.read_bytes()))
            except (OSError, etree.ParserError):
                ids = set()
            self._ids[site_path] = ids
        return ids

    def resolve(self, page_url: str, target: str, links: urls.Urls) -> tuple[str, SplitResult, str | None]:
        """``target``, a link on the page at ``page_url``: as an absolute URL, split, and its
        path in the site (None when outside it). Raises ValueError for a URL that cannot be
        parsed. Each root-relative link (the navigation's, nearly all the theme's) is worked
        out once for every page."""
        # A root-relative link means the same on every page of the host (page URLs are
        # absolute: feed entries' links may be on another host).
        key = ("/".join(page_url.split("/", 3)[:3]) if target.startswith("/") and not target.startswith("//") else page_url, target)
        found = self._resolved.get(key)
        if found is None:
            absolute = urljoin(page_url, target)
            found = self._resolved[key] = (absolute, urlsplit(absolute), _site_path(absolute, links))
        return found

    def page_ids(self, site_path: str, doc: Any) -> None:
        """Note the ids of the page at ``site_path``, parsed already as ``doc``."""
        self._ids.setdefault(site_path, _ids(doc))


def _missing_page(url: str, folder: _Folder, links: urls.Urls) -> str | None:
    """The output file ``url`` (an absolute URL) names in the site when it is not there;
    None when it is, or when the URL is not in the site."""
    page = _site_path(url, links)
    if page is None:
        return None
    try:
        target = urls.output_file(page)
        return None if folder.file(target) is not None else target
    except ValueError:
        return page


SITEMAPS = ("sitemap.xml", "news-sitemap.xml")
def _is_sitemap(rel: str) -> bool:
    return rel in SITEMAPS or urls.SITEMAP_PART_RE.fullmatch(rel) is not None  # a large site's parts
_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def check_sitemap(path: Path, rel: str, folder: _Folder, links: urls.Urls) -> list[Problem]:
    """Each address a sitemap gives search engines must be a page of the site."""
    try:
        tree = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    except OSError as e:
        return [Problem(rel, f"cannot be read: {e.strerror or e}")]
    except etree.XMLSyntaxError as e:
        return [Problem(rel, f"cannot be parsed: {e}")]
    problems = []
    for loc in tree.iter(_LOC):
        url = (loc.text or "").strip()
        if (missing := _missing_page(url, folder, links)) is not None:
            problems.append(Problem(rel, f"<loc>{url}</loc> leads to no page", (missing, missing)))
    return problems


# One XPath for the attributes: walking every element in Python made an element object
# for each (a third of the time `sitegen check` took).
_LINK_ATTRIBUTES = etree.XPath("//@href | //@src | //@srcset")


def _targets(tree: Any) -> Iterator[tuple[str, str]]:
    """(attribute, URL) of every link and resource of ``tree``, in document order: href
    and src, and each candidate of a srcset."""
    values = cast(list[Any], _LINK_ATTRIBUTES(tree))  # attribute values: strings that know their attribute's name
    for value in values:
        if value.attrname != "srcset":
            yield value.attrname, str(value)
            continue
        for candidate in value.split(","):
            if parts := candidate.split():
                yield "srcset", parts[0]


def _broken_links(tree: Any, page_url: str, folder: _Folder, links: urls.Urls) -> Iterator[tuple[str, str]]:
    """What in ``tree`` (found at ``page_url``) points into the site at nothing: (the
    problem, where it points). A link into the site points at an output file (and
    fragment), so that it is the same whether written relative, as in a page, or absolute,
    as in a feed."""
    for attribute, target in _targets(tree):
        broken, points_at = _follow(attribute, target, page_url, folder, links)
        if broken:
            yield broken, points_at


def _follow(attribute: str, target: str, page_url: str, folder: _Folder, links: urls.Urls) -> tuple[str, str]:
    """What is wrong with ``target``, the ``attribute`` of an element of the page at
    ``page_url`` ("" when nothing is), and where it points: its output file (and fragment)
    in the site, else the absolute URL, else ``target`` itself (for ``Problem.link``)."""
    try:
        absolute, parts, site_path = folder.resolve(page_url, target.strip(), links)
    except ValueError as e:  # "//[x": a bracket that opens no IPv6 address
        return f"link {target!r} cannot be parsed as a URL ({e})", target.strip()
    if site_path is None:
        site = urlsplit(links.base_url)
        if parts.scheme == site.scheme and parts.netloc == site.netloc and site.path != "/":
            return f"link to {target!r} leaves the site's base path {site.path}: it leads nowhere where the site is hosted", absolute
        return "", absolute  # another site, mailto:
    try:
        target_file = folder.file(urls.output_file(site_path))
    except ValueError:
        return f"link to {target!r} leaves the site", absolute
    fragment = unquote(parts.fragment)
    points_at = urls.output_file(site_path) + (f"#{fragment}" if fragment else "")
    if target_file is None:
        return f"broken link: {target}", points_at
    if parts.fragment and attribute == "href" and target_file.suffix == ".html" and fragment not in folder.ids(site_path, target_file):
        return f"broken link: {target} (no element with id {fragment!r})", points_at
    return "", points_at


MAX_CHECKED_BYTES = 1 << 30
"""A file of the output folder larger than this is no page, feed or copy a build wrote, and is
not read: the folder may be restored by a CI cache or committed, and a page of gigabytes
there (sparse, costing no disk) ended the check in a MemoryError."""


def check_copy(path: Path, rel: str, original: Path, encoding: str) -> list[Problem]:
    """A precompressed copy (``page.html.gz``) must hold its original's bytes: a server
    sends it instead of the original."""
    # As for the files checked themselves (check_output): a FIFO, as either, hung the read,
    # and a link to /dev/zero filled the memory.
    if not path.is_file():
        return [Problem(rel, "is not a regular file: it cannot be checked")]
    if os.path.lexists(original) and not original.is_file():
        return [Problem(rel, f"is a compressed copy of {original.name}, which is not a regular file: it cannot be checked")]
    if max(path.stat().st_size, original.stat().st_size if original.is_file() else 0) > MAX_CHECKED_BYTES:
        return [Problem(rel, f"is a compressed copy of {original.name}, of more bytes than any file a build writes: it was not read")]
    try:
        data, expected = path.read_bytes(), original.read_bytes()
    except FileNotFoundError:
        return [Problem(rel, f"is a compressed copy of {original.name}, which is missing")]
    except OSError as e:
        return [Problem(rel, f"cannot be read: {e.strerror or e}")]
    try:
        if decompress(data, encoding) != expected:
            return [Problem(rel, f"differs from {original.name}: servers would send readers another file")]
    except ValueError as e:
        return [Problem(rel, str(e))]
    return []


def require_built(out_dir: Path) -> None:
    """Refuse a folder that holds no built site: with nothing to look at, every check
    passes, and a mistyped --output would pass as a clean site. Raises SitegenError."""
    if not out_dir.is_dir():
        raise SitegenError(out_dir, "does not exist: run `sitegen build` first, or check --output")
    if not (out_dir / "index.html").is_file():
        # Every build writes the home page: a folder without it is another folder.
        raise SitegenError(out_dir, "holds no built site (no index.html): check --output, or run `sitegen build` first")


def built_for(out_dir: Path) -> str | None:
    """The base URL the site in ``out_dir`` was built for, as its Atom feed's self link
    gives it (``https://example.org/news/atom.xml``); None when that cannot be read. A
    preview built with --base-url is checked against its own address, not sitegen.toml's
    (by which every internal link of it would be broken)."""
    if not (out_dir / "atom.xml").is_file():  # a FIFO would hang the parse (check_output names it)
        return None
    try:
        root = etree.parse(str(out_dir / "atom.xml"), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    for link in root.iterfind(f"{ATOM}link"):
        href = link.get("href") or ""
        if link.get("rel") == "self" and href.endswith("/atom.xml") and urls.is_absolute_iri(href):
            return href.removesuffix("atom.xml")
    return None


def asks_noindex(out_dir: Path) -> bool:
    """Whether the site in ``out_dir`` asks search engines to leave its pages out, as its
    home page's robots meta says (every page says it alike): a preview's (``build --drafts``
    and the other preview options), or a site whose ``noindex`` is on."""
    home = out_dir / "index.html"
    if not home.is_file() or home.stat().st_size > MAX_CHECKED_BYTES:  # check_output names such a file
        return False
    try:
        tree = lxml_html.fromstring(home.read_bytes())
    except (OSError, etree.ParserError):
        return False
    return any("noindex" in (meta.get("content") or "").lower() for meta in tree.iterfind(".//meta[@name='robots']"))


def check_output(out_dir: Path, config: Config, site_dir: Path | None = None) -> list[Problem]:
    """Every problem found in the built site under ``out_dir``, in path order. With
    ``site_dir``, the site it was built from, a link that leads nowhere from an article's
    text is named by the article's content file and line (``_at_origin``)."""
    links = urls.Urls(config.base_url)
    problems: list[Problem] = []
    found = _Found()
    folder = _Folder(out_dir)
    for path in sorted(out_dir.rglob("*")):
        rel = path.relative_to(out_dir).as_posix()
        if (copy := original_of(rel)) is not None:
            problems += check_copy(path, rel, out_dir / copy[0], copy[1])
            continue
        feed = _is_feed(rel)
        sitemap = _is_sitemap(rel)
        if (not feed and path.suffix != ".html" and not sitemap) or path.is_dir():
            continue
        if not path.is_file():  # a FIFO would hang the read; a dangling link has nothing to read
            problems.append(Problem(rel, "is not a regular file: it cannot be checked"))
        elif (size := path.stat().st_size) > MAX_CHECKED_BYTES:
            problems.append(Problem(rel, f"is {size:,} bytes, more than any page or feed a build writes: it was not read"))
        elif feed:
            problems += check_feed(path, rel, config, folder, found)
        elif sitemap:
            problems += check_sitemap(path, rel, folder, links)
        else:
            problems += check_page(path, rel, folder, links)
    origins = Origins(site_dir, out_dir) if site_dir is not None else None
    problems = _once_per_link(problems, lambda problem: _at_origin(problem, origins, folder, links))
    problems = [_why_nowhere(problem, origins) for problem in problems]
    return _once_per_entry(problems, lambda problem: _entry_at_origin(problem, origins)) + found.problems + found.mismatched_ids()


def _is_feed(rel: str) -> bool:
    return rel.rpartition("/")[2] in ("atom.xml", "rss.xml", "feed.json") or rel.startswith(ARCHIVE_PREFIX)


def _why_nowhere(problem: Problem, origins: Origins | None) -> Problem:
    """``problem`` with, for a link to the page of an article the build held back as dated in
    the future, that article's file and date: its file is there, so "broken link" alone sent
    the user looking for a typo; what to do is to publish the linking article after it."""
    if origins is None or problem.link is None or (held := origins.held_back(problem.link[1].partition("#")[0])) is None:
        return problem
    file, date = held
    return dataclasses.replace(problem, message=f"{problem.message}: the page of {shown_path(Path(file))}, dated {date} and held back until then")


def _at_origin(problem: Problem, origins: Origins | None, folder: _Folder, links: urls.Urls) -> tuple[str, int | None] | None:
    """The content file (as the user would type it) and line where the link ``problem`` is
    about is written, when it is a link of an article's text; None for one of a template (the
    site's navigation on an article's page), of a page no article made, or when the page's
    content file is not known for sure (origins.py)."""
    if origins is None or problem.link is None or (origin := origins.of(problem.link[0])) is None:
        return None
    page_url, points_at = links.absolute(origin.path), problem.link[1]
    body = _fragment(origin.body)
    if body is None or all(_follow(a, target, page_url, folder, links)[1] != points_at for a, target in _targets(body)):
        return None  # not in the article's text
    # Written as the page has it or any other way that leads there (relative or absolute,
    # or made relative by a --relative build); none for a link the Markdown made itself.
    line = next((n for n, target in written_links(origin.text, origin.opening) if _follow("href", target, page_url, folder, links)[1] == points_at), None)
    return shown_path(Path(origin.file)), line


def said(problems: Sequence[Problem], every: bool = False) -> list[str]:
    """``problems`` as ``sitegen check`` says them, each link that leads nowhere from many
    files (a story taken down that 500 articles link to) said for the first few of them,
    then counted where the next would be, unless ``every``: ``... and 497 more files link to
    2024/04/gone/index.html too (sitegen check --all lists every one)``. A link is known by
    where it leads, however each file writes it."""
    if every:
        return [str(problem) for problem in problems]
    by_target: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.link is not None:
            by_target.setdefault(problem.link[1], []).append(problem)
    lines: list[str] = []
    seen: dict[str, int] = {}
    """Where it leads -> how many of the problems of that link are behind."""
    for problem in problems:
        if problem.link is None:
            lines.append(str(problem))
            continue
        target = problem.link[1]
        group = by_target[target]
        place = seen[target] = seen.get(target, -1) + 1
        if place < SAID_IN_FULL:
            lines.append(str(problem))
        elif place == SAID_IN_FULL:
            more = len(group) - SAID_IN_FULL
            # A feed may carry it from many articles: counted as what it is, as errors.grouped counts.
            files = len({p.path for p in group[SAID_IN_FULL:]})
            counted = f"{more} more file{'s' if more > 1 else ''}" if files == more else f"{more} more, in {files} file{'s' if files > 1 else ''},"
            lines.append(f"... and {counted} link to {target} too (sitegen check --all lists every one)")
    return lines


def _entry_at_origin(problem: Problem, origins: Origins | None) -> tuple[str, int | None] | None:
    """The content file (as the user would type it) and line where what the problem of a feed
    entry's text is about is written, when the article's text as its build made it has it
    too (a URL no reader can resolve, unsafe markup): the feed may have been edited since, or
    the problem be the feed's own. The line is known for a URL written in the text."""
    if origins is None or problem.entry is None or (origin := origins.of(problem.entry[0])) is None:
        return None
    _, url, unsafe = problem.entry
    body = _fragment(origin.body)
    if body is None or (url and url not in set(_url_values(body))) or (unsafe and unsafe not in set(_unsafe_markup(body))):
        return None
    line = next((n for n, target in written_links(origin.text, origin.opening) if target == url), None) if url else None
    return shown_path(Path(origin.file)), line


def _once_per_entry(problems: list[Problem], origin: Callable[[Problem], tuple[str, int | None] | None]) -> list[Problem]:
    """``problems`` with each problem of an article's text that its feed entries show (a URL
    no reader can resolve) said once, for the article's content file and line, as ``origin``
    gives them, then the first feed that shows it and how many others do: ``content/a.md:7:
    URL '//[x' that cannot be parsed (...) (in atom.xml), and in 5 other feeds``. One whose
    content file is not known is said for each feed, as before."""
    kept: list[Problem] = []
    named: dict[tuple[str, int | None, str], tuple[int, set[str]]] = {}
    """(content file, line, the problem alone) -> where it is said in ``kept``, and the feeds that show it."""
    for problem in problems:
        written = origin(problem) if problem.entry is not None else None
        if written is None:
            kept.append(problem)
            continue
        key = (*written, problem.alone)
        if key in named:
            named[key][1].add(problem.path)
            continue
        named[key] = (len(kept), {problem.path})
        kept.append(problem)
    for (path, line, alone), (at, feeds) in named.items():
        first = kept[at].path
        others = len(feeds - {first})
        also = f", and in {others} other feed{'s' if others > 1 else ''}" if others else ""
        kept[at] = dataclasses.replace(kept[at], path=path, line=line, message=f"{alone} (in {first}){also}")
    return kept


def _once_per_link(problems: list[Problem], origin: Callable[[Problem], tuple[str, int | None] | None] = lambda problem: None) -> list[Problem]:
    """``problems`` with each link that leads nowhere said once: for the page it is on (or,
    if that page does not carry it, the first feed that does), with how many feeds carry it
    too. Sixteen lines for one mistake in an article hide the others. A link of an
    article's text is said for its content file and line, as ``origin`` gives them, with the
    file that shows it: ``content/a.md:7: broken link: /b/ (in 2024/05/a/index.html)``."""
    carriers: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        if problem.link is not None:
            carriers.setdefault(problem.link, []).append(problem)
    said: list[Problem] = []
    for problem in problems:
        if problem.link is None:
            said.append(problem)
            continue
        group = carriers[problem.link]
        shown = next((p for p in group if p.path == problem.link[0]), group[0])
        if problem is not shown:
            continue
        carrying = {p.path for p in group} - {shown.path}
        feeds = len(carrying)
        other = "" if shown.path == problem.link[0] else "other "
        noun = "feed" if all(_is_feed(p) for p in carrying) else "file"  # sitemaps carry links too
        also = f", and in {feeds} {other}{noun}{'s' if feeds > 1 else ''}" if feeds else ""
        if (written := origin(shown)) is not None:
            path, line = written
            said.append(dataclasses.replace(shown, path=path, line=line, message=f"{shown.alone or shown.message} (in {shown.path}){also}"))
        else:
            said.append(dataclasses.replace(shown, message=shown.message + also))
    return said

"""Site -> feeds: Atom 1.0 and RSS 2.0 through feedgen, JSON Feed 1.1, for the whole site and
for every tag, plus RFC 5005 archive documents behind the site's feeds in all three formats.

What a feed holds (``plan_feeds``): its newest ``feed_size`` articles by order of first
publication, every article first published within ``feed_window`` days of the site's
latest (a burst of any size reaches a reader that polls weekly), and for the site's feeds
every article after the last full archive document. Taken-down articles still count, so
that an entry that left a feed never comes back (``select``). The byte budget then leaves
out the oldest of those it may, by order of first publication, and decides one set of
entries for Atom, RSS and JSON alike. Where it left some out, the ledger keeps the number
of the oldest entry left in (its ``floors``), and no article numbered below it enters that
feed again: taking down or shortening a large article makes room that only newer articles
take (``select``, ``FeedWriter._fit``).

Archive documents are cut by order of first publication (the ledger's ``seq``): archive N
holds numbers (N-1)*archive_size+1 to N*archive_size, and is published once the last of
them is given. Its entries then never change, unless one of its articles does or is taken
down: a new or backdated article only ever lands in the subscription documents. Its bytes
change once more, when archive N+1 is published: only then does it link to it
(``next-archive``), as RFC 5005 has it. Tag feeds have no archives: every article is in
the site's, and a tag's history is on its pages.

feedgen stamps the current time on every date left unset and prepends entries unless told
otherwise, so every field here is set explicitly and entries are appended in order.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import html.entities
import re
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import msgspec
from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from . import __version__, dates, text, urls
from .config import Config, find_author
from .i18n import CORRECTION, CORRECTIONS, TextWords, human_date, other_language
from .model import Article, Image, Site

FORMATS = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
ARCHIVE_SUFFIXES = {"atom": ".xml", "rss": ".rss.xml", "json": ".json"}
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
ARCHIVE_PREFIX = "feeds/archive/"
ICON = "static/icon.png"
"""The site's square icon (512 pixels), which feed readers show beside its name (a site
replaces it with a file of its own of that name in templates/)."""
FH_NS = "http://purl.org/syndication/history/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The date of a feed that never held an article (a new site's): it has none to give, and
# a fixed one keeps the output reproducible, as the clock would not.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class FeedSet:
    """One subscription: the site's, or one tag's. Its feeds live under ``prefix``."""

    prefix: str
    title: str
    home: str
    """Site path of the page its feeds link to: the tag's or author's, or for one that
    has no page (``dormant``), the site's home page ("")."""
    articles: tuple[Article, ...]
    id: str = ""
    """Its permanent id (urn:uuid); "" for the site's base URL (a site built without a ledger)."""
    name: str = ""
    """What the ledger lists its articles under (``tag:<slug>``, ``author:<slug>``); "" for
    the site's feed, which counts every article."""
    changed: dt.datetime | None = None
    """When what it lists last changed: when every article ever listed under it (the
    ledger's, taken-down ones included), else each of its articles, last changed or
    appeared (model.Article.last_seen_change); None
    for one that never listed any. The date of its feed documents when they have no entry."""

    def path(self, fmt: str) -> str:
        return self.prefix + FORMATS[fmt]


def feed_sets(site: Site) -> list[FeedSet]:
    """The site's subscription, then one per tag and one per author, by slug: those of the
    site's articles, and those the ledger has listed a published article under that none is
    now (``dormant``)."""
    sets = [FeedSet("", site.config.title, "", site.articles, site.feed_id, changed=_last_changed(site, "", site.articles))]
    tags = [(tag.slug, tag.name, urls.tag_path(tag.slug), articles) for tag, articles in site.tags]
    tags += [(slug, slug, "", ()) for slug in dormant(site, "tag", (tag.slug for tag, _ in site.tags))]
    for slug, shown, home, articles in sorted(tags, key=lambda t: t[0]):
        path, name = urls.tag_path(slug), "tag:" + slug
        feed_id, changed = _derived_feed_id(site.feed_id, name), _last_changed(site, name, articles)
        sets.append(FeedSet(path, f"{site.config.title}: {shown}", home, articles, id=feed_id, name=name, changed=changed))
    authors = [(author.slug, author.name, author.path, articles) for author, articles in site.authors]
    authors += [(slug, _author_name(site.config, slug), "", ()) for slug in dormant(site, "author", (a.slug for a, _ in site.authors))]
    for slug, shown, home, articles in sorted(authors, key=lambda t: t[0]):
        path, name = urls.author_path(slug), "author:" + slug
        feed_id, changed = _derived_feed_id(site.feed_id, name), _last_changed(site, name, articles)
        sets.append(FeedSet(path, f"{site.config.title}: {shown}", home, articles, id=feed_id, name=name, changed=changed))
    return sets


def _last_changed(site: Site, name: str, articles: Sequence[Article]) -> dt.datetime | None:
    """``FeedSet.changed``: the ledger's date for ``name``, or without one (a site built
    without its ledger) when ``articles`` last changed or appeared."""
    found = site.changed.get(name)
    return found if found is not None else max((a.last_seen_change for a in articles), default=None)


def dormant(site: Site, kind: str, live: Iterable[str]) -> list[str]:
    """The slugs of the tags (``kind`` "tag") or bylines ("author") the ledger has listed a
    published article under and no article of the site is under now (``live``), sorted.

    Their feeds stay, with what entries remain (none): someone may be subscribed, and a
    feed that answers 404 makes readers show errors or drop the subscription. Their pages
    go, as a taken-down article's does: a listing of nothing is no page to send a reader
    or a search engine to, and no page of the site links to it any more (the tags index,
    the subscribe page and articles name live tags only). The feeds' own link is then the
    site's home page (``FeedSet.home`` ""). A name the ledger holds that is no slug (a
    hand edit) makes no feed: it could name no folder of the output."""
    prefix = kind + ":"
    known = set(live)
    # A slug one of them had before it moved (a table, the slugs setting, or a folder its
    # table's aliases name: ledger._aliased_slugs) is no dormant one: its feeds redirect to
    # the live one's (redirects.listing_moves), which its subscribers then read.
    known.update(old for slug in list(known) for old in site.moved.get(prefix + slug, ()))
    found = {name[len(prefix) :] for name in site.listed if name.startswith(prefix)}
    # Any script's: a tag named when the site had slugs = "unicode" keeps its feeds after.
    return sorted(slug for slug in found - known if urls.slug_problem(slug, unicode=True) is None)


def _author_name(config: Config, slug: str) -> str:
    """A dormant byline's name: as ``[authors.<slug>]`` or the site's ``author`` gives it,
    else its slug (the ledger keeps no names, and no article has the byline any more)."""
    described = next((info for info in config.authors if info.slug == slug), None)
    if described is None and config.author:
        described = find_author(config, config.author)
    return described.name if described is not None and described.slug == slug else slug


def _derived_feed_id(feed_id: str, name: str) -> str:
    """A tag's or author's feed's permanent id: named after the site feed's id and ``name``."""
    try:
        namespace = uuid.UUID(feed_id.removeprefix("urn:uuid:"))
    except ValueError:
        return ""
    return f"urn:uuid:{uuid.uuid5(namespace, name)}"


def _clean(value: str) -> str:
    return text.strip_xml_illegal(value)


def _shown_as_text(value: str, rss: bool) -> str:
    """Plain text for an element a reader may render: RSS readers take every
    ``<description>`` (the channel's and the items') for HTML, so there the text is escaped
    as HTML too, and "<img ...>" in a tag name or summary shows as text. Atom's subtitle
    and summary are type="text", JSON Feed's description and summary plain strings. Titles:
    ``_title``."""
    return _clean(html.escape(value, quote=False) if rss else value)


def _title(value: str, rss: bool) -> str:
    """A title (the feed's, an entry's) such that readers show it as written.

    Atom's are type="text" and JSON Feed's plain strings: the text as it is. RSS 2.0 says
    nothing of a ``<title>``'s kind, and readers part ways: newsboat shows it as text;
    feedparser (which Python readers and services build on) and SimplePie (FreshRSS,
    WordPress) take it for HTML when it looks like HTML, else for text; Miniflux decodes its
    character references. A title that does not look like HTML to them (``_guessed_html``:
    "Why <script> tags matter", "AT&T & <Verizon>") goes out as text, and every one of
    them shows it as written. One that does ("Use <b> and </b>", "Tom &amp; Jerry")
    cannot be right everywhere: sent as text, the readers that guess drop its tags and
    decode its "&amp;"; escaped as HTML, those that show text show "&lt;b&gt;". It goes
    out escaped as HTML, which the readers that guess or decode show as written: they are
    most readers, and feeds that escape titles so (WordPress's) are what they are made for.
    Authors' names and categories need no such care: feedparser and newsboat both hand
    them on as text."""
    value = _clean(value)
    return html.escape(value, quote=False) if rss and _guessed_html(value) else value


# The elements feedparser's sanitizer keeps (feedparser.sanitizer._HTMLSanitizer
# .acceptable_elements; a test checks the two agree): text naming any other it takes for text.
_GUESSED_ELEMENTS = frozenset((
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br", "button",
    "canvas", "caption", "center", "cite", "code", "col", "colgroup", "command", "datagrid", "datalist", "dd", "del",
    "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "event-source", "fieldset", "figcaption", "figure", "font",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd", "keygen",
    "label", "legend", "li", "m", "map", "menu", "meter", "multicol", "nav", "nextid", "noscript", "ol", "optgroup",
    "option", "output", "p", "pre", "progress", "q", "s", "samp", "section", "select", "small", "sound", "source", "spacer",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr",
    "tt", "u", "ul", "var", "video",
))  # fmt: skip
_END_TAG_RE = re.compile(r"</\w+>")
_REFERENCE_RE = re.compile(r"&#?\w+;")
_TAG_NAME_RE = re.compile(r"</?(\w+)")
_ENTITY_NAME_RE = re.compile(r"&(\w+);")


def _guessed_html(value: str) -> bool:
    """Whether a reader that guesses an RSS title's kind takes ``value`` for HTML: when it
    has an end tag or a character reference, and names only elements a sanitizer keeps and
    entities HTML 4 has (feedparser's guess). SimplePie's guess is wider (any "&" before a
    letter, any end tag): a title only it takes for HTML goes out as text all the same, as
    newsboat and feedparser then both show it as written."""
    if not (_END_TAG_RE.search(value) or _REFERENCE_RE.search(value)):
        return False
    if any(name.lower() not in _GUESSED_ELEMENTS for name in _TAG_NAME_RE.findall(value)):
        return False
    return all(name in html.entities.entitydefs for name in _ENTITY_NAME_RE.findall(value))


class _ArchiveMarker(BaseExtension):  # type: ignore[misc]
    """Adds RFC 5005's ``<fh:archive/>``, which marks a document as an archive."""

    def extend_ns(self) -> dict[str, str]:
        return {"fh": FH_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        etree.SubElement(feed, f"{{{FH_NS}}}archive")
        return feed


class _EntryLanguage(BaseEntryExtension):  # type: ignore[misc]
    """An Atom entry's ``xml:lang``: the language of an article written in another than its
    feed's (RFC 4287 allows it on any element; readers give it to the entry's title, summary
    and content). feedgen sets one on the feed alone."""

    language = ""

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        entry.set(XML_LANG, self.language)
        return entry


class _MediaCaption(BaseEntryExtension):  # type: ignore[misc]
    """The picture's credit and caption in its ``media:content``, as Media RSS has them:
    ``media:credit`` (feedparser gives it as ``media_credit``) and ``media:description``, plain
    text. feedgen writes neither. A licensed picture's credit must travel with it: without
    these, a reader showing the entry's picture showed it uncredited. Registered after
    feedgen's own media extension, which writes the element first."""

    credit = ""
    caption = ""

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        content = entry.findall(f"{{{MEDIA_NS}}}content")[-1]
        if self.caption:
            etree.SubElement(content, f"{{{MEDIA_NS}}}description", type="plain").text = self.caption
        if self.credit:
            # No role: the credit is written as it is shown ("Photo: J. Okafor"), whose
            # kind (a photographer, an agency) sitegen does not know.
            etree.SubElement(content, f"{{{MEDIA_NS}}}credit").text = self.credit
        return entry

    def extend_rss(self, item: etree._Element) -> etree._Element:
        return self.extend_atom(item)


class FeedWriter:
    """Renders one site's feeds; every method returns bytes for a given list of entries."""

    def __init__(self, site: Site, config: Config | None = None, reads: set[str] | None = None, words: TextWords | None = None) -> None:
        """``config``: the site's settings, or a stand-in that notes what is read in
        ``reads`` (deps.py). ``words``: the catalogs' words sitegen writes into entries (a
        correction's heading; default: English), noted in ``reads`` as read."""
        self.config = config or site.config
        self._reads = reads if reads is not None else set()
        self._words = (words or TextWords()).recording(self._reads)
        self._links = urls.Urls(site.config.base_url)
        self._bodies: OrderedDict[tuple[str, str, bool], str] = OrderedDict()
        """The last feed bodies worked out, most recent last: a feed's formats and its
        fitting reuse them. Bounded, as keeping all of them would hold every article's text
        twice (45 MiB at 10,000 articles) until the build ends. Which are kept changes
        how fast, never what, a feed is rendered: the settings are read unrecorded."""
        # A feed's formats and its fitting reuse the bodies of its own entries: room for the
        # largest feed's twice over, and at least 1,000. More would only cost memory.
        self._bodies_kept = 2 * max(site.config.feed_size, site.config.archive_size, 500)
        self._fitted: dict[tuple[object, ...], tuple[dict[str, bytes], int, frozenset[str]]] = {}
        """Feed -> the bytes of its formats not asked for yet, its floor (``_fit``), and what
        working them out read."""

    @property
    def author(self) -> str:
        """The site's byline (``author``) as readers are shown it: the name of the author it
        names, when that is described in ``[authors]`` (``author = "jane-doe"``), as on pages."""
        written = self.config.author
        return find_author(self.config, written).name if written else ""

    @property
    def links(self) -> urls.Urls:
        # Asked of the config on every use, so that a recording config notes it.
        base_url = self.config.base_url
        if base_url != self._links.base_url:
            self._links = urls.Urls(base_url)
        return self._links

    @property
    def full(self) -> bool:
        return self.config.feed_content == "full"

    def body(self, article: Article) -> str | None:
        """The article's HTML for feeds, or None when its entry carries the summary only.

        URLs are made absolute (readers resolve relative ones against nothing reliable) and
        characters XML forbids removed, once per article. An article whose HTML alone takes
        half the byte budget goes out as its summary (and link), so that one huge article
        never pushes every other one out of the feed.
        """
        if not self.full or len(article.body) > self.config.feed_max_bytes // 2:
            return None
        # Everything the body depends on is read before it is looked up, so that every
        # feed showing it notes those settings, not only the first.
        sanitize = self.config.sanitize_html != "off"
        page_url = self.links.absolute(article.path)
        corrections = self._corrections(article) if article.corrections else ""
        key = (article.id, page_url, sanitize)
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
            return body
        html = article.html + corrections
        if article.image is not None:
            html = self._figure(article.image) + "\n" + html
        if sanitize:
            html = text.sanitize_html(html)
        body = self._bodies[key] = _clean(stable_html(urls.absolutize_html(html, page_url)))
        if len(self._bodies) > self._bodies_kept:
            self._bodies.popitem(last=False)
        return body

    def _generator(
        self, feed: FeedSet, entries: Sequence[Article], self_path: str, self_type: str, rss: bool = False, brief: frozenset[str] = frozenset()
    ) -> FeedGenerator:
        config, links = self.config, self.links
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        if any(article.picture for article in entries):  # a feed with no image stays as it was
            fg.load_extension("media", atom=True, rss=True)
        fg.id(feed.id or links.absolute(feed.prefix))  # never the home page's: a dormant feed links there
        fg.title(_title(feed.title, rss))
        fg.subtitle(_shown_as_text(config.description or feed.title, rss))
        fg.language(config.language)
        fg.generator("sitegen", version=__version__)
        fg.icon(links.absolute(ICON))
        # RFC 4287 (4.1.1) wants an author of the feed unless every entry names one, and
        # a new site's author is "": the site's name stands in, as in other generators.
        # An entry's own authors still come first with readers.
        fg.author({"name": _clean(self.author or config.title)})
        if config.copyright:  # Atom's rights, and RSS's copyright (feedgen writes both of it)
            fg.rights(_clean(config.copyright))
        # A feed left with no entries (its articles taken down, its tag dropped from them)
        # says when it last changed, as far as the ledger knows: not 1970, nor the clock,
        # which would change its bytes on every build.
        quiet = feed.changed or EPOCH
        # When the feed last changed (RFC 4287 4.2.15, RSS lastBuildDate): an entry added
        # out late, dated before the others, changes it when it appears.
        updated = max((a.last_seen_change for a in entries), default=quiet)
        fg.updated(updated)
        fg.lastBuildDate(updated)
        fg.pubDate(max((a.published for a in entries), default=quiet))
        if config.websub_hub:
            fg.link(href=config.websub_hub, rel="hub")
        fg.link(href=links.absolute(self_path), rel="self", type=self_type)
        # Last, because feedgen uses the last link as the RSS channel's <link>.
        fg.link(href=links.absolute(feed.home), rel="alternate", type="text/html")
        for article in entries:
            fe = fg.add_entry(order="append")
            fe.id(article.id)  # also the RSS guid, with isPermaLink="false"
            fe.title(_title(article.title, rss))
            fe.link(href=links.absolute(article.path), rel="alternate", type="text/html")
            fe.published(article.published)
            fe.updated(article.updated)
            if article.id not in brief and (body := self.body(article)) is not None:
                fe.content(body, type="html")
            fe.summary(_shown_as_text(article.summary, rss))
            if language := other_language(article.language, config.language):
                # RSS 2.0 has a channel's language alone: an item's is Dublin Core's, which
                # feedparser (and the readers built on it) gives as the entry's language.
                if rss:
                    fe.dc.dc_language(language)
                else:
                    fe.register_extension("xml_lang", _EntryLanguage, atom=True, rss=False)
                    fe.xml_lang.language = language
            for author in article.authors:
                # Atom's uri: the author's page on this site, which lists their articles.
                fe.author({"name": _clean(author.name), "uri": links.absolute(author.path)})
                fe.dc.dc_creator(_clean(author.name))
            for tag in article.tags:
                fe.category(term=tag.slug, label=_clean(tag.name), scheme=links.absolute(urls.tag_path(tag.slug)))
            # Its picture, or the first of its text: readers show it beside the entry.
            if (image := article.picture) is not None:
                self._image(fe, image, rss)
        return fg

    def _image(self, fe: FeedEntry, image: Image, rss: bool) -> None:
        """The article's picture as Media RSS ``media:content`` (Atom and RSS), which
        readers show beside the entry, and in RSS an ``enclosure`` too.

        The file a shared link names (``Image.shared``): the largest copy 1200 pixels wide
        or more, else the original. Readers show the picture a column wide, and many fetch
        it from the reader's own device, not through a server that makes it smaller: a
        camera's original of 10 MB for every entry is a phone's data plan gone for nothing.
        A copy is made in the same build as the feed, on another worker, so its length is
        not known here: it gets no ``fileSize`` (Media RSS: optional) and no enclosure,
        whose length RSS 2.0 requires, as for a picture elsewhere. Readers that take
        pictures from enclosures (SimplePie's, Miniflux, feedparser's) read media:content
        too; a length written wrong would be worse than none."""
        shared = image.shared
        url = self.image_url(image)
        media = {"url": url, "medium": "image"}
        if image.media_type:
            media["type"] = image.media_type  # a copy is of its original's kind (images.render)
        if shared.width:
            media.update(width=str(shared.width), height=str(shared.height))
        length = image.length if shared.path == image.src else 0
        if length:
            media["fileSize"] = str(length)
        fe.media.content(media, group=None)  # no media:group: it holds versions of one thing
        if image.caption or image.credit:
            fe.register_extension("media_caption", _MediaCaption, atom=True, rss=True)
            fe.media_caption.caption, fe.media_caption.credit = _clean(image.caption), _clean(image.credit)
        if rss and length and image.media_type:
            fe.enclosure(url, str(length), image.media_type)

    def _figure(self, image: Image) -> str:
        """The article's picture as its page shows it above the text: a <figure> captioned
        with its caption and credit. JSON Feed's ``image`` has no field for a credit, and a
        reader that shows an entry's HTML, not its media:content, showed no picture: the
        credit a licensed picture must travel with reached neither. JSON Feed 1.1 has it
        that ``image`` may be in ``content_html`` too, as a hint that it is the entry's main
        picture: the same file (``image_url``), so that readers showing both know it for one.
        No ``srcset``: sanitisers, ours and feed readers', take it out."""
        shared = image.shared
        attrs = f' src="{html.escape(self.image_url(image))}" alt="{html.escape(image.alt)}"'
        if shared.width:
            attrs += f' width="{shared.width}" height="{shared.height}"'
        words = [html.escape(image.caption, quote=False)] if image.caption else []
        words += [f'<span class="credit">{html.escape(image.credit, quote=False)}</span>'] if image.credit else []
        caption = f"<figcaption>{' '.join(words)}</figcaption>" if words else ""
        return f"<figure><img{attrs}>{caption}</figure>"

    def _corrections(self, article: Article) -> str:
        """The article's corrections as its page shows them after the text, newest first,
        under a heading and dated in the site's language: a subscriber is shown what changed
        and why, where the entry's new ``updated`` date sends them. Plain elements (no class,
        a line break) that every reader's sanitiser keeps."""
        language = self.config.language
        heading = self._words.said(language, CORRECTIONS if len(article.corrections) > 1 else CORRECTION)
        # In an entry marked as in the article's own language, the site's words are marked
        # as the site's (the page has them outside the story's lang): read aloud in theirs.
        lang = f' lang="{html.escape(language)}"' if other_language(article.language, language) else ""
        items = "".join(
            f'<li><time{lang} datetime="{dates.format_iso(c.published)}">{html.escape(human_date(language, c.published))}</time><br>'
            f"{html.escape(c.text, quote=False)}</li>"
            for c in article.corrections
        )
        return f"\n<hr>\n<h2{lang}>{html.escape(heading, quote=False)}</h2>\n<ul>{items}</ul>"

    def _summary_html(self, article: Article, image: Image) -> str:
        """The HTML of a JSON Feed item that carries its summary alone: the picture as the
        full text opens with it (``_figure``), then the summary. JSON Feed has no field for a
        credit, and Atom and RSS give it in media:credit: an item of ``content_text`` alone
        gave JSON Feed readers the picture (``image``) uncredited. Readers show
        ``content_html`` over ``content_text``, which stays for those that show text."""
        return _clean(stable_html(self._figure(image) + "\n<p>" + html.escape(article.summary, quote=False) + "</p>"))

    def image_url(self, image: Image) -> str:
        """The absolute URL of the file feeds name for the picture: its shared one (``_image``)."""
        path = image.shared.path
        return path if urls.is_absolute_http(path) else self.links.absolute(path)

    def _styled(self, xml: bytes, path: str) -> bytes:
        """Insert the xml-stylesheet instruction that makes browsers show a readable page;
        ``path``: the feed document's site path."""
        declaration, rest = xml.split(b"\n", 1)
        # A relative build is opened from disk, where a root-relative address names the
        # root of the disk: the stylesheet is named from the feed's own folder, at any depth.
        url = urls.relative_url(urls.STYLESHEET, path) if self.config.relative else self.links.url(urls.STYLESHEET)
        # Its pseudo-attributes are read as an element's attributes are: a bare "&" (a
        # base_url path such as /r&d/) made browsers ignore the instruction.
        href = html.escape(url, quote=True).encode()
        return declaration + b'\n<?xml-stylesheet href="' + href + b'" type="text/xsl"?>\n' + rest

    def atom(self, feed: FeedSet, entries: Sequence[Article], place: Place | None = None, brief: frozenset[str] = frozenset()) -> bytes:
        """The Atom document of ``entries``: a subscription document, or with ``place``
        of an archive, an RFC 5005 archive document (links to its neighbours, fh:archive).
        Entries whose id is in ``brief`` carry their summary only."""
        place = place or Place()
        path = place.path("atom") or feed.path("atom")
        fg = self._generator(feed, entries, path, MEDIA_TYPES["atom"], brief=brief)
        if place.number:
            fg.register_extension("fh", _ArchiveMarker, None, atom=True, rss=False)
        for rel, href in place.links("atom"):
            fg.link(href=self.links.absolute(href), rel=rel, type=MEDIA_TYPES["atom"])
        return self._styled(fg.atom_str(pretty=True, encoding="UTF-8"), path)

    def rss(self, feed: FeedSet, entries: Sequence[Article], place: Place | None = None, brief: frozenset[str] = frozenset()) -> bytes:
        place = place or Place()
        path = place.path("rss") or feed.path("rss")
        fg = self._generator(feed, entries, path, MEDIA_TYPES["rss"], rss=True, brief=brief)
        xml = fg.rss_str(pretty=True, encoding="UTF-8")
        # feedgen writes only rel="self" as atom:link in RSS; WebSub needs rel="hub" and
        # RFC 5005 its archive links, placed after it.
        extra = [("hub", self.config.websub_hub, "")] if self.config.websub_hub else []
        extra += [(rel, self.links.absolute(href), MEDIA_TYPES["rss"]) for rel, href in place.links("rss")]
        if extra or place.number:
            xml = _after_self_link(xml, extra, archive=bool(place.number))
        return self._styled(xml, path)

    def json(self, feed: FeedSet, entries: Sequence[Article], place: Place | None = None, brief: frozenset[str] = frozenset()) -> bytes:
        config, links = self.config, self.links
        place = place or Place()
        document: dict[str, object] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": _clean(feed.title),
            "home_page_url": links.absolute(feed.home),
            "feed_url": links.absolute(place.path("json") or feed.path("json")),
            "description": _clean(config.description or feed.title),
            "icon": links.absolute(ICON),
            "favicon": links.absolute(ICON),
            "language": config.language,
        }
        if self.author:
            document["authors"] = [{"name": _clean(self.author)}]
        if config.websub_hub:
            document["hubs"] = [{"type": "WebSub", "url": config.websub_hub}]
        items = []
        for article in entries:
            item: dict[str, object] = {"id": article.id, "url": links.absolute(article.path), "title": _clean(article.title)}
            if article.id not in brief and (body := self.body(article)) is not None:
                item["content_html"] = body
            else:
                item["content_text"] = _clean(article.summary)
                if article.picture is not None:
                    item["content_html"] = self._summary_html(article, article.picture)
            item["summary"] = _clean(article.summary)
            if language := other_language(article.language, config.language):
                item["language"] = language  # JSON Feed 1.1: an item's own, unlike its feed's
            item["date_published"] = dates.format_iso(article.published)
            item["date_modified"] = dates.format_iso(article.updated)
            if article.authors:
                item["authors"] = [{"name": _clean(a.name), "url": links.absolute(a.path)} for a in article.authors]
            if article.tags:
                item["tags"] = [_clean(t.name) for t in article.tags]
            if article.picture is not None:
                item["image"] = self.image_url(article.picture)
            items.append(item)
        document["items"] = items
        # JSON Feed pages backwards with next_url: the subscription document to the newest
        # archive, each archive to the one before it.
        older = dict(place.links("json")).get("prev-archive")
        if older:
            document["next_url"] = links.absolute(older)
        return json_document(document)

    def fitted(self, job: FeedJob) -> tuple[bytes, int]:
        """The bytes of ``job``'s feed document, and its floor (``_fit``; 0 for an archive).
        A subscription document holds the entries the byte budget leaves room for in the
        largest of the feed's three formats, the same set in each: worked out once per feed
        and writer, each format's bytes kept until that format is asked for. What the work
        read of the settings is noted again for each format asking for it."""
        if job.place.number:
            return self._render(job.fmt, job.feed, job.entries, job.place), 0  # an archive holds all its articles
        key = (job.feed.prefix, job.feed.title, job.feed.id, job.place, tuple(a.digest for a in job.entries), job.required)
        found = self._fitted.get(key)
        if found is None:
            seen = set(self._reads)
            formats, floor = self._fit(job)
            found = self._fitted[key] = formats, floor, frozenset(self._reads - seen)
        formats, floor, reads = found
        self._reads.update(reads)
        data = formats.pop(job.fmt, None)
        if not formats:
            del self._fitted[key]  # every format asked for: nothing more to keep
        return (data if data is not None else self._fit(job)[0][job.fmt]), floor

    def _render(self, fmt: str, feed: FeedSet, entries: Sequence[Article], place: Place, brief: frozenset[str] = frozenset()) -> bytes:
        if fmt == "atom":
            return self.atom(feed, entries, place, brief)
        if fmt == "rss":
            return self.rss(feed, entries, place, brief)
        return self.json(feed, entries, place, brief)

    def _fit(self, job: FeedJob) -> tuple[dict[str, bytes], int]:
        """Each format's bytes, and the feed's floor: the publication number of the oldest
        entry left in when the budget left any out, else 0 (the ledger keeps it: ledger.py
        ``floors``, which ``select`` reads).

        Within the byte budget, in this order: the oldest entries the feed may do without
        are left out; then the oldest of those it may not (in no archive yet) carry their
        summary instead of their text. No entry a reader could find nowhere else is lost.

        Oldest by order of first publication, not by date: what is left is then every entry
        from the floor on, and an entry left out is below it, never to come back. Left out
        by date, a backdated article (published last, dated years ago) would go first, with
        newer numbers above it still in: room made later (an article taken down or
        shortened) would bring it back, to readers who had let it go."""

        def render(entries: Sequence[Article], brief: frozenset[str] = frozenset()) -> dict[str, bytes]:
            return {fmt: self._render(fmt, job.feed, entries, job.place, brief) for fmt in FORMATS}

        data = render(job.entries)
        budget = self.config.feed_max_bytes
        largest = max(len(d) for d in data.values())
        required = set(job.required)
        # Newest first by number; a stable sort, so without a ledger (every seq 0) by date.
        optional = sorted((a for a in job.entries if a.id not in required), key=lambda a: a.seq, reverse=True)
        count = len(optional)
        floor = 0 if required else 1  # a feed always shows at least its newest article
        entries: list[Article] = list(job.entries)
        while largest > budget and count > floor:
            count = max(floor, min(count - 1, count * budget // largest))
            kept = required | {a.id for a in optional[:count]}
            entries = [a for a in job.entries if a.id in kept]
            data = render(entries)
            largest = max(len(d) for d in data.values())
        whole = [a.id for a in entries if a.id in required]
        full = len(whole)
        while largest > budget and full > 0:
            full = max(0, min(full - 1, full * budget // largest))
            data = render(entries, frozenset(whole[full:]))
            largest = max(len(d) for d in data.values())
        oldest = min((a.seq for a in entries), default=0) if len(entries) < len(job.entries) else 0
        return data, oldest


_SELF_LINK = b"<atom:link "
# What lxml writes for these characters in an attribute's value; any other as it is.
_ATTRIBUTE_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;"))


def _attribute(value: str) -> str:
    for char, escaped in _ATTRIBUTE_ESCAPES:
        if char in value:
            value = value.replace(char, escaped)
    return value


def _after_self_link(xml: bytes, links: Sequence[tuple[str, str, str]], archive: bool) -> bytes:
    """feedgen's RSS document ``xml`` with an ``atom:link`` for each (rel, href, type; no
    type if "") of ``links``, then with ``archive`` RFC 5005's ``fh:archive``, placed right
    after the channel's self link (its only ``atom:link``), on its line.

    Written into the bytes as lxml writes them when it inserts the elements into the
    parsed document (a test checks the two agree), rather than parsed and written again: a
    tenth of an archive document's time went to that. The text before the self link is
    escaped (no "<atom:link " in it), and so is the ">" of its attributes."""
    start = xml.find(_SELF_LINK)
    end = xml.find(b"/>", start) + 2 if start >= 0 else -1
    if start < 0 or end < 2:
        raise RuntimeError("feedgen wrote an RSS feed without a channel self link")
    while xml[end : end + 1] in (b" ", b"\n"):
        end += 1
    added = "".join(
        f'<atom:link href="{_attribute(href)}" rel="{_attribute(rel)}"' + (f' type="{_attribute(kind)}"/>' if kind else "/>")
        for rel, href, kind in links
    )
    if archive:
        added += f'<fh:archive xmlns:fh="{FH_NS}"/>'
    return xml[:end] + added.encode() + xml[end:]


def archive_path(number: int, fmt: str = "atom") -> str:
    return f"{ARCHIVE_PREFIX}{number}{ARCHIVE_SUFFIXES[fmt]}"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a feed document stands in its feed's RFC 5005 history: a subscription document
    (number 0) or an archive document."""

    number: int = 0
    """The archive document's number; 0 for a subscription document."""
    newest: int = 0
    """For a subscription document, the number of the newest full archive (0: none yet)."""
    followed: bool = False
    """For an archive document, whether the next archive document is out."""

    def path(self, fmt: str) -> str:
        return archive_path(self.number, fmt) if self.number else ""

    def links(self, fmt: str) -> list[tuple[str, str]]:
        """(rel, site path) of the documents this one links to."""
        if not self.number:
            return [("prev-archive", archive_path(self.newest, fmt))] if self.newest else []
        links = [("current", FORMATS[fmt])]
        if self.number > 1:
            links.append(("prev-archive", archive_path(self.number - 1, fmt)))
        # RFC 5005 (4): next-archive unless there is no following archive. The newest
        # has none until the next is out: a link to it would lead readers paging through
        # the archives to a 404. Its entries stay as they are; only this link is added.
        if self.followed:
            links.append(("next-archive", archive_path(self.number + 1, fmt)))
        return links


@dataclass(frozen=True, slots=True)
class FeedJob:
    """One feed file to write: everything it shows, so equal jobs make equal bytes."""

    path: str
    fmt: str
    """"atom", "rss" or "json"."""
    feed: FeedSet
    entries: tuple[Article, ...]
    """Its entries, newest first, before the byte budget."""
    required: tuple[str, ...] = ()
    """Ids of the entries the byte budget may not leave out: those in no archive yet, and
    the drafts and future articles a preview shows (``select``)."""
    place: Place = Place()

    def key_values(self) -> tuple[object, ...]:
        # Its floor (``FeedWriter._fit``) follows from these too: the output's record keeps it.
        # The feed set's full article list is not shown, only its entries; its last change
        # only by a feed with none, as its date (the byte budget leaves at least one entry).
        changed = None if self.entries else self.feed.changed
        return (self.path, self.fmt, self.feed.prefix, self.feed.title, self.feed.home, self.feed.id, self.entries, self.required, self.place, changed)


def archive_chunks(site: Site) -> list[tuple[Article, ...]]:
    """The full archive documents' articles, oldest first: chunk N holds publication
    numbers (N-1)*archive_size+1 to N*archive_size, those still on the site."""
    size = site.config.archive_size
    full = site.last_seq // size
    chunks: list[list[Article]] = [[] for _ in range(full)]
    for article in sorted(site.articles, key=lambda a: a.seq):
        number = (article.seq - 1) // size
        if 0 <= number < full and article.seq > 0:
            chunks[number].append(article)
    return [tuple(chunk) for chunk in chunks]


def window_start(site: Site) -> dt.datetime | None:
    """Where every feed's window begins: ``feed_window`` days before the latest first
    appearance on the site (None: nothing published). The ledger's latest counts,
    taken-down articles included: taking down the newest brings back no older one."""
    firsts = [a.first_published for a in site.articles if a.first_published is not None]
    if site.latest_first is not None:
        firsts.append(site.latest_first)
    newest = max(firsts, default=None)
    return newest - dt.timedelta(days=site.config.feed_window) if newest is not None else None


def select(
    site: Site, articles: Sequence[Article], unarchived: bool, since: dt.datetime | None, name: str = ""
) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    """A feed's entries before the byte budget, newest first, and the ids of those the
    budget may not leave out: with ``unarchived``, those in no full archive document; in
    every feed, the drafts and future articles a preview shows (numbered after
    ``last_seq``, never recorded: already in no archive in the site's feeds). A floor
    (below) is a recorded number: were the budget to leave some of those out, none could
    say where the feed begins.

    An entry that has left a feed never comes back (readers would show it unread again):
    the newest ``feed_size`` are counted by publication number (ledger.py), taken-down
    articles included, so taking one down leaves the feed one shorter. The site's feeds
    count every number up to ``last_seq``; a tag's or an author's (``name``: what the
    ledger lists its articles under) the numbers of every article ever listed under it,
    so dropping a tag from an article holds its place too. ``since``: where the feed
    window begins (``window_start``).

    The byte budget's cut holds too: once it has left entries out of a feed, the ledger
    keeps the number of the oldest it left in (``site.floors``, ledger.py), and no article
    numbered below that is an entry again, whatever room is made, but one that no archive
    holds yet (the budget never leaves those out). Raising ``feed_max_bytes`` brings none
    back either, unlike raising ``feed_size`` or ``feed_window``: those ask for more of the
    older articles; the budget only bounds bytes, for readers' size limits, and the
    entries it let go left readers' lists as stories they had done with. The room goes to
    the articles published from then on."""
    config = site.config
    boundary = (site.last_seq // config.archive_size) * config.archive_size if unarchived else None
    listed = site.listed.get(name, ()) if name else ()
    if unarchived and site.last_seq:
        floor = site.last_seq - config.feed_size
        newest = {a.id for a in articles if a.seq > floor}
    elif listed:
        floor = listed[config.feed_size - 1] if len(listed) >= config.feed_size else 0
        newest = {a.id for a in articles if a.seq >= floor}
    else:
        # Without a ledger (every seq 0) the sort keeps the feed's order: its newest by date.
        newest = {a.id for a in heapq.nlargest(config.feed_size, articles, key=lambda a: a.seq)}
    # A tag or byline a table moved keeps the floors set at its former slugs: its
    # subscribers, redirected here, let those entries go there. A former slug that another
    # has now is that one's (its feeds are there), as the ledger counts it (ledger.py).
    kind, former = name.partition(":")[0], site.moved.get(name, ())
    if former:
        live = {tag.slug for tag, _ in site.tags} if kind == "tag" else {author.slug for author, _ in site.authors}
        former = tuple(slug for slug in former if slug not in live)
    below = max(site.floors.get(n, 0) for n in (name, *(f"{kind}:{slug}" for slug in former)))

    # An entry: in no full archive document; else at or above the floor, and among the
    # newest or inside the window. One expression, not a function called per article of
    # the site and of every tag (30,000 calls for 10,000 articles).
    entries = tuple(
        a
        for a in articles
        if (boundary is not None and a.seq > boundary)
        or (a.seq >= below and (a.id in newest or (since is not None and a.first_published is not None and a.first_published >= since)))
    )
    required = tuple(a.id for a in entries if (boundary is not None and (a.seq > boundary or a.seq == 0)) or a.seq > site.last_seq)
    return entries, required


def plan_feeds(site: Site) -> list[FeedJob]:
    """Atom, RSS and JSON Feed for the site and for every tag, and the site's archives."""
    chunks = archive_chunks(site)
    since = window_start(site)
    jobs: list[FeedJob] = []
    for feed in feed_sets(site):
        entries, required = select(site, feed.articles, unarchived=feed.prefix == "", since=since, name=feed.name)
        place = Place(newest=len(chunks)) if feed.prefix == "" else Place()
        for fmt in FORMATS:
            jobs.append(FeedJob(feed.path(fmt), fmt, feed, entries, required, place))
    for number, chunk in enumerate(chunks, start=1):
        archive = FeedSet("", f"{site.config.title} (archive {number})", "", (), site.feed_id)
        # Only the newest's links depend on how many archives there are: a new archive
        # document changes the key (and the bytes) of the one before it, and no other.
        place = Place(number=number, followed=number < len(chunks))
        for fmt in FORMATS:
            jobs.append(FeedJob(archive_path(number, fmt), fmt, archive, tuple(reversed(chunk)), place=place))
    return jobs


def json_document(document: dict[str, object]) -> bytes:
    """``json.dumps(document, ensure_ascii=False, indent=2)`` and a newline, in UTF-8:
    written by msgspec, which gives the same bytes for what a feed holds (text, integers,
    lists and mappings of them: tests compare the two) in a twelfth of the time; json's
    indented output is pure Python, a tenth of a clean build's feed time."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def render_feed(writer: FeedWriter, job: FeedJob) -> tuple[bytes, int]:
    """The bytes of one feed file: as many of its entries as fit the byte budget, the
    same entries as the feed's other formats; and its floor (``FeedWriter._fit``)."""
    return writer.fitted(job)


# Elements whose whitespace shows: left exactly as written.
_VERBATIM_RE = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
# HTML's whitespace (not \s: a no-break space shows, and stays).
_LINE_SPACE = "\t\n\r\f"
_BLOCK_END_RE = re.compile(r"(</(?:p|h[1-6]|li|ul|ol|dl|dd|dt|blockquote|div|table|thead|tbody|tr|figure|figcaption|hr)>) ", re.IGNORECASE)


def _one_space(text: str) -> str:
    """``text`` with every run of HTML's whitespace made one space: as
    ``re.sub(r"[\\t\\n\\r\\f][ \\t\\n\\r\\f]*| [ \\t\\n\\r\\f]+", " ", text)`` (a test
    checks the two agree) in a sixth of the time. The expression tried two branches at
    every space of the text; these are scans of it, and a single space between two words,
    which is most of the text, is left as it is by both."""
    for char in _LINE_SPACE:
        if char in text:
            text = text.replace(char, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def stable_html(markup: str) -> str:
    """``markup`` with its whitespace normalised as a browser shows it: one space for any
    run of spaces and line breaks (and a line break after each block), outside <pre> and
    the like. Re-wrapping a paragraph then changes no byte of any feed, so no reader
    shows the entry as changed when nothing visible did."""
    parts = _VERBATIM_RE.split(markup)
    out = []
    # split() with two groups yields: text, verbatim element, its tag name, text, ...
    for i in range(0, len(parts), 3):
        text = _BLOCK_END_RE.sub("\\1\n", _one_space(parts[i]))
        out.append("\n" + text[1:] if i and text.startswith(" ") else text)  # after a <pre>: a block too
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out).strip()

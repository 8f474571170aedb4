"""Site -> feeds: Atom 1.0 and RSS 2.0 through feedgen, JSON Feed 1.1, for the whole site and
for every tag, plus RFC 5005 archive documents behind the site's Atom feed.

feedgen stamps the current time on every date left unset and prepends entries unless told
otherwise, so every field here is set explicitly and entries are appended in order.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from . import __version__, dates, text, urls
from .config import Config
from .model import Article, Site

FORMATS = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
ARCHIVE_PREFIX = "feeds/archive/"
STYLESHEET = "static/feed.xsl"
FH_NS = "http://purl.org/syndication/history/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
# An empty feed still needs a date; a fixed one keeps the output reproducible.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class FeedSet:
    """One subscription: the site's, or one tag's. Its feeds live under ``prefix``."""

    prefix: str
    title: str
    home: str
    articles: tuple[Article, ...]

    def path(self, fmt: str) -> str:
        return self.prefix + FORMATS[fmt]


def feed_sets(site: Site) -> list[FeedSet]:
    sets = [FeedSet("", site.config.title, "", site.articles)]
    for tag, articles in site.tags:
        path = urls.tag_path(tag.slug)
        sets.append(FeedSet(path, f"{site.config.title}: {tag.name}", path, articles))
    return sets


def _clean(value: str) -> str:
    return text.strip_xml_illegal(value)


class _ArchiveMarker(BaseExtension):  # type: ignore[misc]
    """Adds RFC 5005's ``<fh:archive/>``, which marks a document as an archive."""

    def extend_ns(self) -> dict[str, str]:
        return {"fh": FH_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        etree.SubElement(feed, f"{{{FH_NS}}}archive")
        return feed


class FeedWriter:
    """Renders one site's feeds; every method returns bytes for a given list of entries."""

    def __init__(self, site: Site, config: Config | None = None) -> None:
        """``config``: the site's settings, or a stand-in that notes what is read (deps.py)."""
        self.config = config or site.config
        self._links = urls.Urls(site.config.base_url)
        self._bodies: dict[tuple[str, str, bool], str] = {}

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
        key = (article.id, page_url, sanitize)
        body = self._bodies.get(key)
        if body is None:
            html = article.html
            if sanitize and "<" in html.replace("<p>", "").replace("</p>", ""):
                html = text.sanitize_html(html)
            body = self._bodies[key] = _clean(urls.absolutize_html(html, page_url))
        return body

    def _generator(self, feed: FeedSet, entries: Sequence[Article], self_path: str, self_type: str, rss: bool = False) -> FeedGenerator:
        config, links = self.config, self.links
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        fg.id(links.absolute(feed.home))
        fg.title(_clean(feed.title))
        fg.subtitle(_clean(config.description or feed.title))
        fg.language(config.language)
        fg.generator("sitegen", version=__version__)
        if config.author:
            fg.author({"name": _clean(config.author)})
        updated = max((a.updated for a in entries), default=EPOCH)
        fg.updated(updated)
        fg.lastBuildDate(updated)
        fg.pubDate(max((a.published for a in entries), default=EPOCH))
        if config.websub_hub:
            fg.link(href=config.websub_hub, rel="hub")
        fg.link(href=links.absolute(self_path), rel="self", type=self_type)
        # Last, because feedgen uses the last link as the RSS channel's <link>.
        fg.link(href=links.absolute(feed.home), rel="alternate", type="text/html")
        for article in entries:
            fe = fg.add_entry(order="append")
            fe.id(article.id)  # also the RSS guid, with isPermaLink="false"
            fe.title(_clean(article.title))
            fe.link(href=links.absolute(article.path), rel="alternate", type="text/html")
            fe.published(article.published)
            fe.updated(article.updated)
            if (body := self.body(article)) is not None:
                fe.content(body, type="html")
            # RSS readers take <description> for HTML: the plain-text summary is escaped as
            # HTML there, so text such as "<script>" shows as text. Atom's summary is text.
            fe.summary(_clean(html.escape(article.summary, quote=False) if rss else article.summary))
            if article.author:
                fe.author({"name": _clean(article.author)})
                fe.dc.dc_creator(_clean(article.author))
            for tag in article.tags:
                fe.category(term=tag.slug, label=_clean(tag.name), scheme=links.absolute(urls.tag_path(tag.slug)))
        return fg

    def _styled(self, xml: bytes) -> bytes:
        """Insert the xml-stylesheet instruction that makes browsers show a readable page."""
        declaration, rest = xml.split(b"\n", 1)
        href = self.links.url(STYLESHEET).encode()
        return declaration + b'\n<?xml-stylesheet href="' + href + b'" type="text/xsl"?>\n' + rest

    def atom(self, feed: FeedSet, entries: Sequence[Article], prev_archive: str | None = None) -> bytes:
        fg = self._generator(feed, entries, feed.path("atom"), MEDIA_TYPES["atom"])
        if prev_archive:
            fg.link(href=self.links.absolute(prev_archive), rel="prev-archive", type=MEDIA_TYPES["atom"])
        return self._styled(fg.atom_str(pretty=True, encoding="UTF-8"))

    def archive(self, number: int, chunk: Sequence[Article]) -> bytes:
        """Archive document ``number``: marked fh:archive, linked to the main feed and the one before."""
        feed = FeedSet("", f"{self.config.title} (archive {number})", "", tuple(reversed(chunk)))
        fg = self._generator(feed, feed.articles, archive_path(number), MEDIA_TYPES["atom"])
        fg.register_extension("fh", _ArchiveMarker, None, atom=True, rss=False)
        fg.link(href=self.links.absolute(FORMATS["atom"]), rel="current", type=MEDIA_TYPES["atom"])
        if number > 1:
            fg.link(href=self.links.absolute(archive_path(number - 1)), rel="prev-archive", type=MEDIA_TYPES["atom"])
        # No next-archive link: it would change a full archive's bytes when the next one appears.
        return self._styled(fg.atom_str(pretty=True, encoding="UTF-8"))

    def rss(self, feed: FeedSet, entries: Sequence[Article]) -> bytes:
        fg = self._generator(feed, entries, feed.path("rss"), MEDIA_TYPES["rss"], rss=True)
        xml = fg.rss_str(pretty=True, encoding="UTF-8")
        if self.config.websub_hub:
            # feedgen writes only rel="self" as atom:link in RSS; WebSub needs rel="hub" too.
            root = etree.fromstring(xml)
            channel = root.find("channel")
            self_link = channel.find(f"{{{ATOM_NS}}}link") if channel is not None else None
            if channel is None or self_link is None:
                raise RuntimeError("feedgen wrote an RSS feed without a channel self link")
            hub = etree.Element(f"{{{ATOM_NS}}}link", href=self.config.websub_hub, rel="hub")
            channel.insert(list(channel).index(self_link) + 1, hub)
            xml = etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
        return self._styled(xml)

    def json(self, feed: FeedSet, entries: Sequence[Article]) -> bytes:
        config, links = self.config, self.links
        document: dict[str, object] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": _clean(feed.title),
            "home_page_url": links.absolute(feed.home),
            "feed_url": links.absolute(feed.path("json")),
            "description": _clean(config.description or feed.title),
            "language": config.language,
        }
        if config.author:
            document["authors"] = [{"name": _clean(config.author)}]
        if config.websub_hub:
            document["hubs"] = [{"type": "WebSub", "url": config.websub_hub}]
        items = []
        for article in entries:
            item: dict[str, object] = {"id": article.id, "url": links.absolute(article.path), "title": _clean(article.title)}
            if (body := self.body(article)) is not None:
                item["content_html"] = body
            else:
                item["content_text"] = _clean(article.summary)
            item["summary"] = _clean(article.summary)
            item["date_published"] = dates.format_iso(article.published)
            item["date_modified"] = dates.format_iso(article.updated)
            if article.author:
                item["authors"] = [{"name": _clean(article.author)}]
            if article.tags:
                item["tags"] = [_clean(t.name) for t in article.tags]
            items.append(item)
        document["items"] = items
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def fit(render: Callable[[Sequence[Article]], bytes], entries: Sequence[Article], budget: int) -> tuple[bytes, int]:
    """Render the most entries (newest first) that fit in ``budget`` bytes; at least one."""
    count = len(entries)
    data = render(entries[:count])
    while len(data) > budget and count > 1:
        count = max(1, min(count - 1, count * budget // len(data)))
        data = render(entries[:count])
    return data, count


def archive_chunks(site: Site) -> list[tuple[Article, ...]]:
    """Every article exactly once, oldest first, in chunks of ``archive_size``.

    Chunks fill from the oldest article, so a new article only ever changes the newest
    chunk: a full chunk's document never changes again (unless one of its articles does).
    """
    oldest_first = site.articles[::-1]
    size = site.config.archive_size
    return [oldest_first[i : i + size] for i in range(0, len(oldest_first), size)]


def archive_path(number: int) -> str:
    return f"{ARCHIVE_PREFIX}{number}.xml"


@dataclass(frozen=True, slots=True)
class FeedJob:
    """One feed file to write: everything it shows, so equal jobs make equal bytes."""

    path: str
    fmt: str
    """"atom", "rss", "json", or "archive" (an RFC 5005 archive document)."""
    feed: FeedSet
    entries: tuple[Article, ...]
    prev_archive: str | None = None
    number: int = 0
    """The archive document's number."""

    def key_values(self) -> tuple[object, ...]:
        # The feed set's full article list is not shown, only its entries.
        return (self.path, self.fmt, self.feed.prefix, self.feed.title, self.feed.home, self.entries, self.prev_archive, self.number)


def plan_feeds(site: Site) -> list[FeedJob]:
    """Atom, RSS and JSON Feed for the site and for every tag, and the site's Atom archives."""
    chunks = archive_chunks(site)
    jobs: list[FeedJob] = []
    for feed in feed_sets(site):
        entries = feed.articles[: site.config.feed_size]
        prev = archive_path(len(chunks)) if feed.prefix == "" and chunks else None
        for fmt in FORMATS:
            jobs.append(FeedJob(feed.path(fmt), fmt, feed, entries, prev if fmt == "atom" else None))
    for number, chunk in enumerate(chunks, start=1):
        jobs.append(FeedJob(archive_path(number), "archive", FeedSet("", "", "", ()), chunk, number=number))
    return jobs


def render_feed(writer: FeedWriter, job: FeedJob) -> bytes:
    """The bytes of one feed file: as many of its entries as fit the byte budget."""
    if job.fmt == "archive":
        return writer.archive(job.number, job.entries)
    renderers: dict[str, Callable[[Sequence[Article]], bytes]] = {
        "atom": lambda e: writer.atom(job.feed, e, job.prev_archive),
        "rss": lambda e: writer.rss(job.feed, e),
        "json": lambda e: writer.json(job.feed, e),
    }
    data, _ = fit(renderers[job.fmt], job.entries, writer.config.feed_max_bytes)
    return data

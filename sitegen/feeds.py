"""Site -> Atom 1.0 and RSS 2.0 feeds through feedgen.

feedgen stamps the current time on every date left unset and prepends entries unless
told otherwise, so every field here is set explicitly and entries are appended in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from . import __version__, text, urls
from .model import Article, OutputFile, Site

ATOM_PATH = "atom.xml"
RSS_PATH = "rss.xml"
# An empty site still needs a feed date; a fixed one keeps the output reproducible.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def feed_entries(articles: Sequence[Article], limit: int) -> list[Article]:
    """The newest ``limit`` articles; the site's order already breaks ties by slug."""
    return list(articles[:limit])


def _clean(value: str) -> str:
    return text.strip_xml_illegal(value)


def build_feeds(site: Site) -> list[OutputFile]:
    """The site-wide Atom and RSS feeds of the newest ``feed_size`` articles."""
    config = site.config
    links = urls.Urls(config.base_url)
    entries = feed_entries(site.articles, config.feed_size)
    updated = max((a.updated for a in entries), default=EPOCH)

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(links.absolute())
    fg.title(_clean(config.title))
    fg.subtitle(_clean(config.description or config.title))
    fg.link(href=links.absolute(), rel="alternate", type="text/html")
    fg.language(config.language)
    fg.generator("sitegen", version=__version__)
    if config.author:
        fg.author({"name": _clean(config.author)})
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.pubDate(max((a.published for a in entries), default=EPOCH))

    for article in entries:
        fe = fg.add_entry(order="append")
        fe.id(article.id)  # also the RSS guid, with isPermaLink="false"
        fe.title(_clean(article.title))
        fe.link(href=links.absolute(article.path), rel="alternate", type="text/html")
        fe.published(article.published)
        fe.updated(article.updated)
        fe.content(_clean(article.html), type="html")
        fe.summary(_clean(article.summary))
        if article.author:
            fe.author({"name": _clean(article.author)})
            fe.dc.dc_creator(_clean(article.author))
        for tag in article.tags:
            fe.category(term=tag.slug, label=_clean(tag.name), scheme=links.absolute(urls.tag_path(tag.slug)))

    # rel="self" is the feed's own URL, which differs between the two documents.
    fg.link(href=links.absolute(ATOM_PATH), rel="self", type="application/atom+xml")
    atom = fg.atom_str(pretty=True, encoding="UTF-8")
    fg.link(href=links.absolute(RSS_PATH), rel="self", type="application/rss+xml", replace=True)
    fg.link(href=links.absolute(), rel="alternate", type="text/html")
    rss = fg.rss_str(pretty=True, encoding="UTF-8")
    return [OutputFile(ATOM_PATH, atom), OutputFile(RSS_PATH, rss)]

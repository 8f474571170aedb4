"""Articles -> ``Site`` (ordered, tagged, archived) -> the list of pages to render."""

from __future__ import annotations

import collections
import datetime as dt
import difflib
import hashlib
import itertools
import os
import re
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlsplit

import msgspec

from . import dates, search, urls
from .config import Config, TagInfo, table_clash, tag_slug
from .errors import ContentError, SitegenError, line_of
from .i18n import other_language
from .model import ArchiveMonth, Article, Author, Front, Link, MonthLink, Page, Pagination, Site, Tag
from .text import headline_key, without_markup


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """Newest first; equal dates in order of first publication (the ledger's), newest first,
    then by slug, so order never depends on input order."""
    articles = list(articles)
    # Only at fixed offsets do dates compare as instants every time: a zone's date in an hour
    # that happens twice (a floating date on the night clocks go back) is neither equal to,
    # nor before, nor after another zone's date of that instant, and only the slugs put the
    # two in one order whatever the order of their files.
    if all(type(a.published.tzinfo) is dt.timezone for a in articles) and len({(a.published, a.seq) for a in articles}) == len(articles):
        # No two of one date and number, as in most sites: the slugs break no tie, and
        # sorted by them first the articles lose the order of their files, mostly by date
        # already, which the sort by date makes use of (10,000 articles: 1.6 ms, not 8.9).
        return sorted(articles, key=lambda a: (a.published, a.seq), reverse=True)
    by_slug = sorted(articles, key=lambda a: (a.slug, a.id))
    return sorted(by_slug, key=lambda a: (a.published, a.seq), reverse=True)


def unique(articles: Sequence[Article], site_dir: Path, shown_as: Mapping[str, str] | None = None) -> tuple[list[Article], list[SitegenError]]:
    """The articles less those claiming an id or a URL an earlier one has, each of those an
    error. Before the ledger: a second file with an article's id must not be numbered as if
    it were that article. Earlier is in file order, but first come the articles that read as
    readers were shown them (``shown_as``: id -> the content hash the ledger recorded): a
    copy of a story, made to start a new one, must not take the story's place by its name."""
    known = shown_as or {}
    in_file_order = sorted(articles, key=lambda a: str(a.source))
    ordered = sorted(in_file_order, key=lambda a: not a.reads_as(known.get(a.id)))
    if len({a.id for a in ordered}) == len(ordered) == len({a.path for a in ordered}):
        return ordered, []  # the usual build: no id or URL claimed twice, none to look for one by one
    return _first_claims(ordered, site_dir)


def _first_claims(ordered: Sequence[Article], site_dir: Path) -> tuple[list[Article], list[SitegenError]]:
    """``unique``'s articles, ``ordered`` as it orders them, less each claiming an id or a URL
    an earlier one has, each of those an error."""
    from .content import SLUG_KEYS, id_from_name, line_in

    errors: list[SitegenError] = []
    by_id: dict[str, Article] = {}
    by_path: dict[str, Article] = {}
    kept: list[Article] = []

    def shown(other: Article) -> str:
        # From the site folder (content/a.md): the same from whatever folder sitegen runs in.
        return Path(os.path.relpath(other.source, site_dir)).as_posix()

    for article in ordered:
        if (other := by_id.get(article.id)) is not None:
            # Two files of one name in two folders, with no id: line, have the same id. A file
            # copied to start a new story has the story's id: line, which it can lose.
            if article.id == id_from_name(article.source):
                said = f"id {article.id!r} (made from its file's name: it has no 'id'; give it one of its own) is already used by {shown(other)}; ids must be unique"
            elif article.content_hash == other.content_hash and article.path == other.path:
                # A copy not yet edited: nothing tells it from the story but its name, and
                # this file may be the story. A new id given to the story would make it a
                # new story to every feed reader.
                said = (
                    f"id {article.id!r} is already used by {shown(other)}, which holds the same article: one of the two files is a copy of"
                    " the other; delete the copy, or give the copy an id of its own (never the published story: a new id is a new story to feed readers)"
                )
            else:
                said = (
                    f"id {article.id!r} is already used by {shown(other)}; ids must be unique: give this file an id of its own,"
                    " or delete its 'id:' line and sitegen makes one from the file's name"
                )
            errors.append(ContentError(article.source, said, line_in(article.source, "id")))
            continue
        if (other := by_path.get(article.path)) is not None:
            errors.append(ContentError(article.source, f"URL /{article.path} is already used by {shown(other)}; change 'slug'", line_in(article.source, *SLUG_KEYS)))
            continue
        by_id[article.id] = by_path[article.path] = article
        kept.append(article)
    return kept, errors


def build_site(
    articles: Sequence[Article],
    config: Config,
    feed_id: str = "",
    last_seq: int = 0,
    latest_first: dt.datetime | None = None,
    listed: Mapping[str, tuple[int, ...]] | None = None,
    changed: Mapping[str, dt.datetime] | None = None,
    floors: Mapping[str, int] | None = None,
    pages: Sequence[Article] = (),
    moved: Mapping[str, tuple[str, ...]] | None = None,
) -> Site:
    """Gather articles (``unique`` ones) and standalone ``pages`` into a Site. ``feed_id``,
    ``last_seq``, ``latest_first``, ``listed``, ``changed``, ``floors`` and ``moved``
    come from the ledger."""
    ordered = one_name_per_tag(newest_first(articles))
    tag_map: dict[str, tuple[Tag, list[Article]]] = {}
    for article in ordered:
        for tag in article.tags:
            tag_map.setdefault(tag.slug, (tag, []))[1].append(article)
    # In the order of their names, as readers look a tag up (the tag list, the search page's
    # filter), not of their slugs: those of Arabic or Hebrew names are transliterated, and
    # sorted by them, اقتصاد (qtsd) and سياسة (sys) came after لبنان (lbnn).
    # Case and accents aside, as a tag's one name has them (Économie among the e's).
    tags = tuple((tag, tuple(items)) for tag, items in sorted(tag_map.values(), key=lambda t: (urls.spelling(t[0].name), t[0].slug)))
    author_map: dict[str, tuple[Author, list[Article]]] = {}
    for article in ordered:
        for author in article.authors:
            known, items = author_map.setdefault(author.slug, (author, []))
            items.append(article)
            # Two names of one slug ("Li Wei", "李伟"): the page is named the same way
            # whatever the order of the articles.
            if (author.name, author.url, author.bio) < (known.name, known.url, known.bio):
                author_map[author.slug] = (author, items)
    authors = tuple((author, tuple(items)) for _, (author, items) in sorted(author_map.items()))
    # Named as the setting spells them: the masthead is the editor's words ("World" for the
    # tag articles write "world").
    sections = tuple(Tag(name, slug) for name, slug in ((name, tag_slug(name, config.tags, config.slugs == "unicode")) for name in config.sections) if slug in tag_map)

    # By the month each article's date shows (in its own offset), newest month first. Not
    # grouped by runs of the order, which is by instant: a story dated 00:30+02:00 on June 1
    # comes before one at 23:00Z on May 31, and May would be cut in two.
    months: dict[tuple[int, int], list[Article]] = {}
    for article in ordered:
        months.setdefault((article.published.year, article.published.month), []).append(article)
    archive = tuple(ArchiveMonth(year=y, month=m, articles=tuple(months[y, m])) for y, m in sorted(months, reverse=True))
    footer = tuple(footer_order(pages))
    return Site(
        config=config, articles=tuple(ordered), tags=tags, archive=archive, authors=authors, sections=sections,
        feed_id=feed_id, last_seq=last_seq, latest_first=latest_first, listed=dict(listed or {}), changed=dict(changed or {}),
        floors=dict(floors or {}), pages=footer, page_links=tuple(Link(page.title, page.path) for page in footer),
        moved=dict(moved or {}),
    )


def footer_order(pages: Iterable[Article]) -> list[Article]:
    """Standalone pages in the order the footer lists them: those with an ``order`` first,
    by it, then by title (as readers see it, case aside), then by slug."""
    return sorted(pages, key=lambda p: (p.order is None, p.order or 0, p.title.casefold(), p.slug))


def tag_clashes(articles: Sequence[Article], site_dir: Path, tables: tuple[TagInfo, ...] = ()) -> list[str]:
    """A warning for each tag address two different names share (``C++`` and ``C``, both
    ``tags/c/``): build_site lists them as one tag, as it does names meant as one (``Sport``
    and ``sport``, urls.spelling), and only a person can tell which was meant (``tables``:
    Config.tags, when one of them gave the address)."""
    spelt: dict[str, str] = {}
    first: dict[str, tuple[str, str]] = {}  # slug -> (name, file), the first met in file order
    warnings: list[str] = []
    told: set[str] = set()
    for article in sorted(articles, key=lambda a: a.source):
        for tag in article.tags:
            name, where = first.setdefault(tag.slug, (tag.name, article.source))
            if tag.slug in told or name == tag.name:
                continue
            if name not in spelt:
                spelt[name] = urls.spelling(name)
            if tag.name not in spelt:
                spelt[tag.name] = urls.spelling(tag.name)
            if spelt[name] != spelt[tag.name]:
                told.add(tag.slug)
                advice = table_clash(name, tag.name, tables) or (
                    "rename one, or give one an address of its own in sitegen.toml ([tags.<slug>] with its name), to keep them apart"
                )
                warnings.append(
                    f"{article.source}: tag {tag.name!r} has the address of tag {name!r} ({Path(os.path.relpath(where, site_dir)).as_posix()}), {urls.tag_path(tag.slug)}:"
                    f" the two are listed as one tag; {advice}"
                )
    return warnings


def one_name_per_tag(ordered: Sequence[Article]) -> list[Article]:
    """``ordered`` (``newest_first``) with one name per tag slug, its newest article's
    ("Sport" and "sport" are one tag, one page): every article then shows it, and the
    search index files it under it, so that the search page's tag filter, which lists the
    tags by name, finds every article of one (search.guess names them so too)."""
    named: dict[str, Tag] = {}
    for article in ordered:
        for tag in article.tags:
            named.setdefault(tag.slug, tag)
    return [_with_tags(article, named) for article in ordered]


def _with_tags(article: Article, named: dict[str, Tag]) -> Article:
    """``article`` with the site's name of each of its tags (the same object when it has them)."""
    if all(named[tag.slug] is tag for tag in article.tags):
        return article
    return msgspec.structs.replace(article, tags=tuple(named[tag.slug] for tag in article.tags))


ARCHIVE_PAGE_SIZE = 500
"""Articles per page of an archive month, newest first: a big newsroom's month (9,000
stories, 2 MB as one page) goes on at ``archive/2024/05/page/2/``, as listings do."""


def paginate(articles: Sequence[Article], prefix: str, size: int) -> list[Pagination]:
    """Split a listing into pages: ``prefix``, ``prefix/page/2/``, …; an empty listing has one page."""
    chunks = [tuple(articles[i : i + size]) for i in range(0, len(articles), size)] or [()]
    total = len(chunks)
    return [
        Pagination(
            number=n,
            total=total,
            path=urls.index_path(prefix, n),
            prev_path=urls.index_path(prefix, n - 1) if n > 1 else None,
            next_path=urls.index_path(prefix, n + 1) if n < total else None,
            articles=chunk,
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def plan_pages(site: Site) -> list[Page]:
    """Every HTML and text page of the site, in a fixed order."""
    size = site.config.page_size
    pages: list[Page] = []
    for pagination in paginate(site.articles, "", size):
        # base.html follows every other title with the site's name: "Page 2 – Harbour Gazette".
        title = site.config.title if pagination.number == 1 else f"Page {pagination.number}"
        context: dict[str, object] = {"pagination": pagination, "tag": None}
        if pagination.number == 1 and site.sections:
            context["fronts"] = fronts(site, pagination.articles)
        pages.append(Page("index.html", pagination.path, title, context))
    neighbours = _Neighbours(site)
    for index, article in enumerate(site.articles):
        pages.append(Page("article.html", article.path, article.title, ArticleContext(article, index, neighbours)))
    # The tags' page shows each tag and its count, the subscribe page each tag and byline:
    # given those alone, rather than reading ``site.tags`` (every article), an edit to an
    # article re-renders neither.
    pages.append(Page("tags.html", "tags/", "Tags", {"tags": tuple((tag, len(articles)) for tag, articles in site.tags)}))
    for tag, articles in site.tags:
        for pagination in paginate(articles, urls.tag_path(tag.slug), size):
            title = f"Tag: {tag.name}" + (f" – page {pagination.number}" if pagination.number > 1 else "")
            pages.append(Page("index.html", pagination.path, title, {"pagination": pagination, "tag": tag}))
    for author, articles in site.authors:
        for pagination in paginate(articles, author.path, size):
            title = author.name + (f" – page {pagination.number}" if pagination.number > 1 else "")
            pages.append(Page("author.html", pagination.path, title, {"pagination": pagination, "author": author}))
    # The archive's index lists the months by name and count (an edit re-renders none of
    # it); each month has a page of its own, which an edit to one of its articles re-renders.
    months = tuple(MonthLink(m.year, m.month, m.name, urls.archive_path(m.year, m.month), len(m.articles), urls.archive_path(m.year)) for m in site.archive)
    pages.append(Page("archive.html", "archive/", "Archive", {"months": months}))
    for year in sorted({m.year for m in months}, reverse=True):  # the address a reader shortens a month's to
        pages.append(Page("archive.html", urls.archive_path(year), f"Archive: {year}", {"months": tuple(m for m in months if m.year == year), "year": year}))
    for i, month in enumerate(site.archive):
        newer, older = months[i - 1] if i > 0 else None, months[i + 1] if i + 1 < len(months) else None
        for pagination in paginate(month.articles, months[i].path, ARCHIVE_PAGE_SIZE):
            context = {"month": month, "year_path": months[i].year_path, "newer": newer, "older": older, "pagination": pagination}
            title = f"Archive: {month.name}" + (f" – page {pagination.number}" if pagination.number > 1 else "")
            pages.append(Page("archive-month.html", pagination.path, title, context))
    pages.append(Page("subscribe.html", "subscribe/", "Subscribe", {"tags": tuple(tag for tag, _ in site.tags), "authors": tuple(author for author, _ in site.authors)}))
    # Handed as ``article``, as an article's page is: a page whose path another file takes
    # is then left out as such an article is (plan._drop_collisions), and its pictures and
    # sitemap entry found the same way.
    pages += [Page("page.html", page.path, page.title, {"article": page}) for page in site.pages]
    # A syndicated article's canonical URL is the original's: search engines are pointed
    # there, not at this copy. Each page's article looked up once (10,000 article pages).
    entries: list[tuple[str, dt.datetime | None]] = []
    entry_months: list[str | None] = []
    month_names: dict[tuple[int, int], str] = {}
    for page in pages:
        owner = page.context.get("article")
        if not (isinstance(owner, Article) and syndicated(owner, site.config)):
            entries.append((page.path, _lastmod(page, owner)))
            entry_months.append(_month(owner, month_names))
    pages.append(Page("404.html", "404.html", "Page not found", {}))
    if site.config.search:  # not in the sitemap: a page of results is no page to index
        pages.append(Page("search.html", "search/", "Search", {"bundles": search.bundles(site), "tags": tuple(tag for tag, _ in site.tags)}))
    pages += sitemaps(entries, entry_months)
    listed = news_articles(site)
    # Google News files a story by the language its sitemap gives: a German story of an
    # English site is German news.
    languages = {article.id: news_language(article.language) for article in listed if article.language}
    news: dict[str, object] = {"articles": listed, "language": news_language(site.config.language), "languages": languages}
    pages.append(Page("news-sitemap.xml", "news-sitemap.xml", "News sitemap", news))
    pages.append(Page("robots.txt", "robots.txt", "robots.txt", {}))
    # The languages other than the site's of the stories in the feeds, whose entries the
    # stylesheet marks as the site's pages mark them: languages alone, so that it is
    # rendered again only for a new one, and a story that names the site's own changes nothing.
    spoken = {other_language(article.language, site.config.language) for article in site.articles} - {""}
    pages.append(Page("feed.xsl", urls.STYLESHEET, "Feed stylesheet", {"languages": tuple(Link("", language=tag) for tag in sorted(spoken))}))
    return pages


FRONT_SIZE = 4
"""How many stories of each section the front page lists under its newest."""


def fronts(site: Site, shown: Sequence[Article]) -> tuple[Front, ...]:
    """The front page's sections: each with its newest FRONT_SIZE articles of those not
    ``shown`` above them; a section with none left is not shown."""
    seen = {article.id for article in shown}
    by_slug = {tag.slug: articles for tag, articles in site.tags}
    found = []
    for section in site.sections:
        newest = tuple(itertools.islice((a for a in by_slug.get(section.slug, ()) if a.id not in seen), FRONT_SIZE))
        if newest:
            found.append(Front(section, newest))
    return tuple(found)


SITEMAP_URLS = 50_000
"""The most addresses one sitemap may give (sitemaps.org)."""
SITEMAP_SPLIT = 1_000
"""Over this many addresses, ``sitemap.xml`` is an index of parts (``sitemaps``)."""


def sitemaps(entries: Sequence[tuple[str, dt.datetime | None]], months: Sequence[str | None] = ()) -> list[Page]:
    """``sitemap.xml`` listing ``entries`` (site path, last change). Over SITEMAP_SPLIT of
    them, an index of parts beside it (urls.sitemap_part): ``sitemap-pages.xml`` for every
    page that is not a story (the front page, listings, tags, archive, standalone pages),
    then one per month of stories, newest first (``sitemap-2024-05.xml``; ``months`` gives
    each entry's, "YYYY-MM", or None for a page), each cut again past SITEMAP_URLS.

    By month, as the archive files stories and as news sites split their sitemaps: an edit
    changes the part of its story's month and the pages listing it, not a file of every
    address of the site (2 MB at 10,000 stories, rendered and compressed again on every
    edit), and a crawler reading the index's dates fetches those parts alone."""
    if len(entries) <= SITEMAP_SPLIT:
        return [Page("sitemap.xml", "sitemap.xml", "Sitemap", {"entries": tuple(entries)})]
    grouped: dict[str, list[tuple[str, dt.datetime | None]]] = {"pages": []}
    for entry, month in zip(entries, months or [None] * len(entries), strict=True):
        grouped.setdefault(month or "pages", []).append(entry)
    named = [("pages", grouped.pop("pages")), *sorted(grouped.items(), reverse=True)]
    parts = [
        (name if start == 0 else f"{name}-{start // SITEMAP_URLS + 1}", tuple(listed[start : start + SITEMAP_URLS]))
        for name, listed in named
        for start in range(0, len(listed), SITEMAP_URLS)
    ]
    pages = [Page("sitemap.xml", urls.sitemap_part(name), f"Sitemap {name}", {"entries": part}) for name, part in parts]
    listed_parts = tuple((page.path, max((d for _, d in part if d is not None), default=None)) for page, (_, part) in zip(pages, parts, strict=True))
    return [Page("sitemap-index.xml", "sitemap.xml", "Sitemap", {"sitemaps": listed_parts}), *pages]


NEWS_DAYS = 2
"""A Google News sitemap lists the articles of the last two days..."""
NEWS_MAX = 1000
"""...and at most 1,000 of them."""


def news_articles(site: Site) -> tuple[Article, ...]:
    """The articles of the Google News sitemap: those dated within NEWS_DAYS of the newest
    one, most recent first, at most NEWS_MAX, less syndicated ones. Counted from the
    site's newest article, never the clock: the same content always gives the same file,
    and a site that stops publishing keeps its last news listed."""
    own = [a for a in site.articles if not syndicated(a, site.config)]
    if not own:
        return ()
    since = max(a.published for a in own) - dt.timedelta(days=NEWS_DAYS)
    # By date, not by first publication: a story backdated to 2020 and published today is
    # not news, and Google News takes the date the sitemap gives (the article's).
    recent = sorted((a for a in own if a.published >= since), key=lambda a: (a.published, a.seq), reverse=True)
    return tuple(recent[:NEWS_MAX])


def news_language(language: str) -> str:
    """A BCP 47 language (the site's, an article's) as Google News wants it: an ISO 639
    code, and Chinese as zh-cn (simplified) or zh-tw (traditional)."""
    parts = language.lower().replace("_", "-").split("-")
    if parts[0] == "zh":
        return "zh-tw" if {"tw", "hk", "mo", "hant"} & set(parts[1:]) else "zh-cn"
    return parts[0]


def syndicated(article: Article, config: Config) -> bool:
    """Whether ``article`` is a copy of a story published elsewhere: its ``canonical`` names
    another address than its page's. A site moved from a tool that writes a canonical into
    every story names each one's own page there, which makes it no copy."""
    if not article.canonical:
        return False
    # The address the story is published at: the site's, not a preview's (--base-url).
    # Compared decoded: in the site's own script, the tool the site moved from wrote it raw
    # (/الحكومة/) or percent-encoded in either case (WordPress: %d8%a7...), as ours is.
    own = urls.Urls(config.site_base_url or config.base_url).absolute(article.path)
    return not urls.same_address(article.canonical, own)


@dataclass(frozen=True, slots=True)
class Source:
    """Where an imported article came from: a name, and an http(s) URL when the seed gave one."""

    name: str
    url: str = ""


# What publishers put on the "Source:" line instead of naming themselves: shown as nothing.
SOURCE_PLACEHOLDERS = ("read full article", "read the full article", "full article", "read more", "click here", "source")
MORE_IN_TAG = 4
"""How many other articles of its first tag an article page lists."""
_URL_RE = re.compile(r"https?://[^\s<>\"']+")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")


def attribution(origin: str) -> Source | None:
    """The "Source:" line as a name and a link; None when it names nobody (empty, or a
    placeholder such as "Read Full Article"). HTML in it (a link pasted from a web page)
    gives its text as the name, and the URL of its link."""
    text = " ".join(origin.split())
    match = _URL_RE.search(text)  # in an href too
    url = match.group().rstrip(".,;:)]") if match else ""
    # The URL taken out, with the punctuation after it but for a closing bracket, which
    # "(https://r.com)" must keep to be an empty pair of brackets, dropped below.
    rest = "".join(c for c in match.group()[len(url) :] if c in ")]") if match else ""
    name = without_markup(text.replace(match.group(), f" {rest}") if match else text)
    name = _EMPTY_BRACKETS_RE.sub(" ", name).strip(" -–—:|,;")
    if name.casefold().rstrip(".!…") in SOURCE_PLACEHOLDERS:
        name = ""
    if url and not name:
        name = urlsplit(url).netloc.removeprefix("www.")
    return Source(" ".join(name.split()), url) if name else None


class Neighbour(msgspec.Struct, frozen=True):
    """An article as the pages of other articles show it, and as its own page's context
    needs it besides the article itself: ``_Neighbours`` is made of these alone, so that
    what it can read of the site is what its digest covers.

    A msgspec Struct, which a build makes one of per article: made and encoded for the
    digest in a third of the time a dataclass took, to the same bytes (a map by field name)."""

    path: str
    title: str
    language: str
    tags: tuple[Tag, ...]
    related: tuple[str, ...]
    origin: str
    former_titles: tuple[str, ...]

    @classmethod
    def of(cls, article: Article) -> Neighbour:
        return cls(article.path, article.title, article.language, article.tags, article.related, article.origin, article.former_titles)


class _Neighbours:
    """What an article page shows of other articles, handed to it as page context (never
    looked up through ``site`` by the template, which would make every article page depend
    on every article): the next and previous articles, its related headlines linked to the
    articles of those titles, and a few articles of its first tag. Only titles, paths and
    languages are passed, so an edit to another article's text re-renders nothing here.

    Made of the site's articles as ``Neighbour`` records and its tags' lists of them, and
    of nothing else: ``digest`` covers all of it, so two builds whose digests are equal give
    the page of each article at the same place the same context, but for the article itself
    (``ArticleContext.neighbourhood``)."""

    def __init__(self, site: Site) -> None:
        self.shown = tuple(Neighbour.of(article) for article in site.articles)
        # One link per article, shared by every page that shows it (seven on average).
        self.links = [Link(n.title, n.path, n.language) for n in self.shown]
        self.by_path = {n.path: link for n, link in zip(self.shown, self.links, strict=True)}
        self.headlines = Headlines(self.shown)
        self.tags = {tag.slug: tuple(self.by_path.get(a.path) or _link(a) for a in articles) for tag, articles in site.tags}
        # Every field of every record, by msgspec (a third of the time deps.value_digest
        # takes to walk them): what a field added to Neighbour holds is covered by itself.
        self.digest = hashlib.sha256(msgspec.msgpack.encode((self.shown, self.tags))).hexdigest()
        self._positions: dict[str, dict[str, int]] = {}
        self._sources: dict[str, Source | None] = {}
        """Each "Source:" line's attribution: most articles of a publisher share one."""

    def context(self, index: int) -> dict[str, object]:
        """The context of the page of the article at ``index``, but for the article itself."""
        article = self.shown[index]
        more_tag = article.tags[0] if article.tags else None
        return {
            "newer": self.links[index - 1] if index > 0 else None,
            "older": self.links[index + 1] if index + 1 < len(self.links) else None,
            # Shown by the article's title as it is now (a typo fixed in it shows fixed). A
            # headline the site has no article of is one the article's front matter gives, in
            # its language.
            "related": tuple(self.by_path[found.path] if (found := self.headlines.find(h, index)) else Link(h, "", article.language) for h in article.related),
            "more_tag": more_tag,
            "more": self._more(more_tag.slug, article) if more_tag else (),
            "source": self._source(article.origin) if article.origin else None,
        }

    def _source(self, origin: str) -> Source | None:
        if origin not in self._sources:
            self._sources[origin] = attribution(origin)
        return self._sources[origin]

    def _more(self, slug: str, article: Neighbour) -> tuple[Link, ...]:
        """The articles of the tag published just before this one, topped up with those just
        after it: nearby ones rather than the newest, so a new article re-renders only the few
        pages next to it in the tag, not every page of the tag."""
        links = self.tags[slug]
        positions = self._positions.get(slug)
        if positions is None:
            positions = self._positions[slug] = {link.path: i for i, link in enumerate(links)}
        i = positions[article.path]
        older = links[i + 1 : i + 1 + MORE_IN_TAG]
        newer = links[max(0, i - (MORE_IN_TAG - len(older))) : i]
        return (*newer, *older)


class ArticleContext(Mapping[str, object]):
    """An article page's context, made when it is first read whole (by the page's render,
    or its key): the build after an edit to one article renders a few pages, and reads
    the contexts of those alone, not of every article's page. ``article`` is there at once,
    for what asks a page for its article only (the plan, the sitemap)."""

    __slots__ = ("_index", "_made", "_neighbours", "article")

    def __init__(self, article: Article, index: int, neighbours: _Neighbours) -> None:
        self.article = article
        self._index = index
        self._neighbours = neighbours
        self._made: dict[str, object] | None = None

    @property
    def neighbourhood(self) -> str:
        """What the context is made from but the article (the digest of the site's
        neighbours, and the article's place among them): equal in two builds, the contexts
        are equal but for their articles (``_Neighbours``)."""
        return f"{self._neighbours.digest} {self._index}"

    def _whole(self) -> dict[str, object]:
        if self._made is None:
            self._made = {"article": self.article, **self._neighbours.context(self._index)}
        return self._made

    def __getitem__(self, key: str) -> object:
        return self.article if key == "article" else self._whole()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


class _Titled(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def former_titles(self) -> tuple[str, ...]: ...


_T = TypeVar("_T", bound=_Titled)


class Headlines(Generic[_T]):
    """The site's articles (``Site.articles``, newest first) as a related headline names
    them: by its title (``text.headline_key``: case, quotation marks, dashes, spaces and
    trailing punctuation aside), else by a title it had before (``Article.former_titles``,
    the ledger's), so that fixing a typo in a title unlinks no headline naming it. A
    current title wins over a former one: a headline means the story of that name now.

    Of several articles of one title (a weekly "Letters to the editor"), a headline links the
    newest published before the article it is in, the one its editor could have meant when
    writing it; when every one is newer, the first after it. The order is the site's
    (``newest_first``), so the choice never depends on the order files are read in. An
    article never links itself."""

    def __init__(self, articles: Sequence[_T]) -> None:
        self.articles = articles
        self._current: dict[str, list[int]] = {}
        self._former: dict[str, list[int]] = {}
        self._keys: list[str] = []
        for index, article in enumerate(articles):
            key = headline_key(article.title)
            self._keys.append(key)
            if key:
                self._current.setdefault(key, []).append(index)
            for title in article.former_titles:
                if (former := headline_key(title)) and former != key:
                    self._former.setdefault(former, []).append(index)
        self._grams: dict[str, list[int]] | None = None

    def find(self, headline: str, index: int) -> _T | None:
        """The article a related headline of ``articles[index]`` links to, if any."""
        key = headline_key(headline)
        for titles in (self._current, self._former):
            found = self._choose(titles.get(key, ()), index)
            if found is not None:
                return self.articles[found]
        return None

    def near(self, headline: str, index: int) -> str | None:
        """The title (as written) of the article whose title a related headline of
        ``articles[index]`` that links nothing most likely meant (difflib: NEAR_TITLE of
        it alike at least), if any. Only titles sharing pairs of words with it are compared:
        a site of 10,000 articles has 30,000 such headlines, from seeds, on a clean build."""
        key = headline_key(headline)
        if not key:
            return None
        if self._grams is None:
            self._grams = {}
            for i, title in enumerate(self._keys):
                for gram in _grams(title):
                    self._grams.setdefault(gram, []).append(i)
        grams = _grams(key)
        shared = collections.Counter(itertools.chain.from_iterable(self._grams.get(gram, ()) for gram in grams))  # counted in C
        # Half of them at least: a slip of one word breaks two pairs, a word added one.
        least = max(1, len(grams) // 2)
        matcher: difflib.SequenceMatcher[str] | None = None
        best: tuple[float, int] | None = None
        for i in sorted(i for i, n in shared.items() if n >= least and i != index):
            if matcher is None:  # the headline as b, which SequenceMatcher analyses once
                matcher = difflib.SequenceMatcher(b=key)
            matcher.set_seq1(self._keys[i])
            # The cheap bounds first: most titles sharing a pair of words are no near miss.
            if matcher.real_quick_ratio() < NEAR_TITLE or matcher.quick_ratio() < NEAR_TITLE:
                continue
            if (ratio := matcher.ratio()) >= NEAR_TITLE and (best is None or ratio > best[0]):
                best = (ratio, i)
        if best is None:
            return None
        chosen = self._choose(self._current[self._keys[best[1]]], index)
        return self.articles[chosen if chosen is not None else best[1]].title

    @staticmethod
    def _choose(candidates: Sequence[int], index: int) -> int | None:
        """Of the positions ``candidates`` (ascending: newest first), the newest after
        ``index`` in the order (published before it), else the last before it."""
        before: int | None = None
        for i in candidates:
            if i > index:
                return i
            if i != index:
                before = i
        return before


NEAR_TITLE = 0.85
"""How alike (difflib's ratio, of ``headline_key``) a related headline that links nothing and
a title must be for a warning to ask whether the headline meant that title: a slip of a
letter or a word in a headline of a few words; two stories of one subject are less alike."""


def _grams(key: str) -> list[str]:
    """The pairs of words of a headline key, by which ``Headlines.near`` finds titles like it;
    its one word for a headline of one."""
    words = key.split()
    return [f"{a} {b}" for a, b in itertools.pairwise(words)] or words


def related_warnings(site: Site, read: Container[str]) -> list[str]:
    """A warning for each related headline of the articles read anew this build (``read``:
    their content files; every one in a clean build) that links to no article but is close
    to a title of the site: likely a slip, left unlinked. Said once, when its file is read:
    a headline of a story the site does not have (a seed's bullets name the publisher's) may
    look like a title of the site's, and nothing in the front matter could silence it."""
    # Not of an imported article's headlines: its seed's, the publisher's titles of its own
    # stories, many of which the site does not have; one like a title of the site's is most
    # often another story, and checking the 30,000 headlines of 10,000 seeds took a second.
    checked = [(index, article) for index, article in enumerate(site.articles) if article.related and not article.imported and article.source in read]
    if not checked:
        return []
    headlines = Headlines(site.articles)
    warnings: list[str] = []
    for index, article in checked:
        for headline in article.related:
            if headlines.find(headline, index) is None and (meant := headlines.near(headline, index)) is not None:
                line = _related_line(article.source, headline)
                warnings.append(
                    f"{article.source}{f':{line}' if line else ''}: related headline {headline!r} is no title of the site's,"
                    f" so it is not linked: did you mean {meant!r}? Write it as that title to link it"
                )
    return warnings


def _related_line(source: str, headline: str) -> int | None:
    """The line of ``headline`` among the file's ``related`` headlines (that of ``related:``
    when it is not written there as it reads), for a message; None if the file cannot be read."""
    try:
        text = Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    start = line_of(text, "related", ":")
    if start is None:
        return None
    for number, line in enumerate(text.splitlines()[start - 1 :], start=start):
        if line.rstrip() == "---":  # the end of the front matter
            break
        if headline in " ".join(line.split()):
            return number
    return start


def _link(article: Article) -> Link:
    """A link to ``article``, as an article page shows one."""
    return Link(article.title, article.path, article.language)


def _month(article: object, names: dict[tuple[int, int], str]) -> str | None:
    """The month of the story a page is of (``article``, its context's) as the archive files
    it ("2024-05"), written once per month in ``names``; None for any other page (a
    standalone one too: it is not news)."""
    if isinstance(article, Article) and not article.standalone:
        month = (article.published.year, article.published.month)
        name = names.get(month)
        if name is None:
            name = names[month] = f"{month[0]:04d}-{month[1]:02d}"
        return name
    return None


def _lastmod(page: Page, article: object) -> dt.datetime | None:
    """When a page last changed: its article's update (``article``, its context's), or the
    last change or appearance among those it lists (model.Article.last_seen_change: one out
    late, dated before the others, changes the listing when it appears, as it changes the feeds)."""
    if isinstance(article, Article):
        # A standalone page that gives no date has no last change to give.
        return None if article.standalone and article.updated == dates.UNDATED else article.updated
    pagination = page.context.get("pagination")
    if isinstance(pagination, Pagination) and pagination.articles:
        return max(a.last_seen_change for a in pagination.articles)
    month = page.context.get("month")
    if isinstance(month, ArchiveMonth):
        return max(a.last_seen_change for a in month.articles)
    return None

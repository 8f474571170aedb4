"""Data that crosses module boundaries: articles, the site, pages to render, what an import did.

The frozen dataclasses use slots: a large site holds tens of thousands of each, and every
worker process copies the memory pages of the ones it touches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from .cache import FileRecord, ImageRecord, SeedOutcome
from .config import AuthorKind, Config
from .dates import format_month
from .errors import SitegenError


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str

    def __str__(self) -> str:
        return self.name  # what {{ tag }} shows


@dataclass(frozen=True, slots=True)
class Author:
    """A byline: from front matter ``author``, described by ``[authors.<slug>]`` in sitegen.toml."""

    name: str
    slug: str
    path: str
    """Site path of the author's page (urls.author_path)."""
    url: str = ""
    """Their own site, if configured."""
    bio: str = ""
    kind: AuthorKind = "person"
    """"person" or "organization" (config.AuthorInfo.kind)."""

    def __str__(self) -> str:
        return self.name  # what {{ author }} shows


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction published with an article (front matter ``corrections``): what an
    earlier version got wrong, said where readers of the story and its feed entries see it."""

    published: dt.datetime
    """When it was made, as written (a day alone is its midnight in the site's timezone)."""
    text: str
    """Plain text: escaped wherever it is shown."""
    line: int = 0
    """Its line in the content file, for a message (0: not known)."""


SHARED_WIDTH = 1200
"""How wide a picture social networks ask for a shared link (Facebook, X): ``Image.shared``."""


@dataclass(frozen=True, slots=True)
class ImageSize:
    """One resized copy of a local image, for ``srcset``."""

    path: str
    """Site path of the file."""
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Image:
    """An article's image (front matter ``image``, ``image_alt``, ``image_caption``, ``image_credit``)."""

    src: str
    """Site path of the copy in the output folder, or an absolute URL for a remote image."""
    alt: str
    width: int = 0
    """In pixels, read from the file; 0 when unknown (a remote image)."""
    height: int = 0
    caption: str = ""
    credit: str = ""
    sizes: tuple[ImageSize, ...] = ()
    """Smaller copies, narrowest first, for ``srcset``; the original is the widest."""
    media_type: str = ""
    """The file's MIME type ("image/jpeg"), for feed enclosures; "" when unknown."""
    length: int = 0
    """The file's size in bytes (an RSS enclosure needs one); 0 when unknown."""
    webp: tuple[ImageSize, ...] = ()
    """WebP copies of a JPEG or PNG at the widths of ``sizes`` and the original's, narrowest
    first (images.webp_widths); made, and offered before it, while the setting ``webp`` is on."""

    @property
    def shared(self) -> ImageSize:
        """The file a shared link shows (Open Graph, X's card, search engines' data): the
        largest copy at least ``SHARED_WIDTH`` wide, else the original (``src``; width 0
        when unknown, a remote image). Not the original of a photo straight from the camera:
        Facebook refuses one over 8 MB, X one over 5 MB, and 8000 pixels are slow to fetch
        for a card both show at about 1200."""
        wide = [size for size in self.sizes if size.width >= SHARED_WIDTH]
        return max(wide, key=lambda size: size.width) if wide else ImageSize(self.src, self.width, self.height)


class Article(msgspec.Struct, frozen=True, dict=True):
    """One article, ready to render. All datetimes are timezone-aware.

    A frozen msgspec Struct rather than a frozen dataclass: a build makes every article
    twice (read, then dated by the ledger), and a frozen dataclass of this many fields
    takes 16 µs to make, a Struct under 1 µs (a third of a second at 10,000 articles).
    Its ``__dict__`` holds nothing but the digest, worked out on first use.
    """

    source: str
    """The content file it was read from (a str: a Path costs four times the memory)."""
    id: str
    """Permanent id (Atom id, RSS guid); minted once, never derived from title, slug or URL."""
    title: str
    slug: str
    path: str
    """Site path of its page, from the permalink pattern (urls.py)."""
    published: dt.datetime
    updated: dt.datetime
    summary: str
    """Plain text."""
    body: bytes
    """Body HTML from Markdown, links as written, as UTF-8: a str holding a single curly
    quote takes two bytes for every character, and a site holds every article's body."""
    updated_in_front_matter: bool = False
    content_hash: str = ""
    """Hash of what the editor wrote that a reader sees (title, summary, text, pictures):
    ``updated`` moves only when it changes."""
    html_hash: str = ""
    """The content hash as builds made it before: of the HTML the text became, which moved
    whenever sitegen converted the same words otherwise. Ledgers written then hold it."""
    tags: tuple[Tag, ...] = ()
    origin: str = ""
    """The publisher's "Source:" line, if the article was imported."""
    related: tuple[str, ...] = ()
    floating_date: str = ""
    """The front-matter date as written when it gave no UTC offset ("" when it did): read
    in the site's timezone, so the ledger keeps the instant it was first published at."""
    draft: bool = False
    """A draft, published only by a preview build (``--drafts``): never in the ledger."""
    source_hash: str = ""
    """What the article was made from: its file's path and bytes and the settings that shape it."""
    seq: int = 0
    """Its place in the order of first publication (1, 2, ...), from the ledger (ledger.py)."""
    first_published: dt.datetime | None = None
    """When it first appeared on the site, from the ledger: what the feed window counts."""
    former_urls: tuple[str, ...] = ()
    """The absolute URLs it was published at before its current one, from the ledger:
    redirected to it (redirects.py)."""
    former_titles: tuple[str, ...] = ()
    """The titles it was published under before its current one, from the ledger: a related
    headline that names one still links to it (site.Headlines)."""
    aliases: tuple[str, ...] = ()
    """Front matter ``aliases``: more site paths that redirect to it."""
    authors: tuple[Author, ...] = ()
    """Its bylines, in the order written; the site's author when the article names none."""
    image: Image | None = None
    text_image: Image | None = None
    """When front matter names no ``image``: the first picture of content/ its text shows,
    with its alt text there. What a shared link and search engines show of the article
    (``picture``); its page shows it where the text does, not above it."""
    media: tuple[ImageRecord, ...] = ()
    """Every image file of content/ it shows, to be copied into the output folder (images.py)."""
    attachments: tuple[FileRecord, ...] = ()
    """Every other file of content/ its text links to or embeds (a PDF, an SVG), to be
    copied into the output folder as it is (images.linked_path)."""
    canonical: str = ""
    """Absolute URL of the original, for a syndicated story (front matter ``canonical``)."""
    summary_is_opening: bool = False
    """The summary is the text's own opening, as the importer and the automatic summary make
    it: a page does not show it above the text it repeats (a standfirst), feeds and search
    engines still get it."""
    imported: bool = False
    """Made by the importer from a seed: its date is its publisher's."""
    standalone: bool = False
    """A standalone page (front matter ``page: true``: About, Contact, Privacy): at its own
    address (urls.page_path), linked from every page's footer, and in no feed, listing,
    archive, search index or ledger: it is not news. ``Site.pages`` holds them."""
    order: int | None = None
    """A page's place in the footer (front matter ``order``): those with one first, by it,
    then by title."""
    language: str = ""
    """Front matter ``language``: the BCP 47 tag of an article written in another language
    than the site's (``de``), or "". Only its own words are marked as in it: the theme's
    around them stay in the site's."""
    corrections: tuple[Correction, ...] = ()
    """Front matter ``corrections``, newest first: shown after its text, in its feed entries
    and its structured data; not on listings or cards."""

    @property
    def author(self) -> str:
        """The bylines as one line of text ("" when there is none)."""
        return ", ".join(a.name for a in self.authors)

    @property
    def html(self) -> str:
        """Body HTML from Markdown, links as written (feeds make them absolute: feeds.py)."""
        return self.body.decode("utf-8")

    @property
    def picture(self) -> Image | None:
        """The picture a shared link, search engines and feed readers show of the article:
        its ``image``, else the first picture of content/ its text shows (``text_image``)."""
        return self.image or self.text_image

    @property
    def last_seen_change(self) -> dt.datetime:
        """When readers last saw the article change or appear: its ``updated``, or when it
        first appeared if later (an article out late, dated before others already out)."""
        first = self.first_published
        return first if first is not None and first > self.updated else self.updated

    def reads_as(self, recorded: str | None) -> bool:
        """Whether a content hash the ledger recorded is of the article as it reads now: its
        ``content_hash``, or its ``html_hash`` in a ledger an earlier version wrote (whose
        articles, unchanged, must not show as updated for the new way of hashing)."""
        return bool(recorded) and recorded in (self.content_hash, self.html_hash)

    @property
    def digest(self) -> str:
        """Changes whenever anything a page or feed could show of the article changes."""
        # Worked out on first use, not when made: every article is made twice a build (read,
        # then given its dates by the ledger through msgspec.structs.replace, which leaves
        # this out of the copy), and only the second is ever keyed. Kept in the instance's
        # __dict__, which neither equality nor hashing looks at.
        found: str | None = self.__dict__.get("digest")
        if found is None:
            # Every field follows from source_hash but those the ledger sets (the dates, the
            # publication order, the former addresses and titles) and the tags' names, which the
            # site gives (one per tag, whichever way each article spells it: site.build_site).
            # Most articles were never updated and first came out when published: that date
            # is formatted once (formatting three took half the time of a digest).
            published = self.published.isoformat()
            updated = published if _same_time(self.updated, self.published) else self.updated.isoformat()
            first_published = self.first_published
            first = "" if first_published is None else published if _same_time(first_published, self.published) else first_published.isoformat()
            former = "\0".join((*self.former_urls, "", *self.former_titles))
            names = "\0".join(tag.name for tag in self.tags)
            key = f"{self.source_hash}\0{updated}\0{published}\0{self.seq}\0{first}\0{former}\0{names}"
            found = self.__dict__["digest"] = hashlib.sha256(key.encode()).hexdigest()
        return found


def _same_time(one: dt.datetime, other: dt.datetime) -> bool:
    """Whether ``one.isoformat()`` is ``other.isoformat()``, told without formatting them:
    the same datetime, or equal ones of the same zone and fold (the offset a zone gives an
    hour that happens twice depends on the fold)."""
    return one is other or (one.tzinfo is other.tzinfo and one.fold == other.fold and one == other)


@dataclass(frozen=True, slots=True)
class Link:
    """A page as another page links to it, by title and site path ("" when the site has
    none): no more, so that an edit to its text re-renders none of the pages linking to it."""

    title: str
    path: str = ""
    language: str = ""
    """Its article's own language (``Article.language``), its title marked as in it."""

    @property
    def canonical(self) -> str:
        """"": a page of the site is the canonical address of itself, as an article is but a
        syndicated one (``Article.canonical``). A template written for either reads it alike
        (redirect.html: an article's old address, or a tag's old page)."""
        return ""


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    total: int
    path: str
    prev_path: str | None
    next_path: str | None
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Front:
    """A section as the front page shows it, under the newest stories: its newest articles
    that are not among those."""

    section: Tag
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class ArchiveMonth:
    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def name(self) -> str:
        return format_month(self.year, self.month)


@dataclass(frozen=True, slots=True)
class MonthLink:
    """A month as the archive's index and its neighbours' pages show it: no articles, so
    that an edit to one re-renders none of those pages."""

    year: int
    month: int
    name: str
    path: str
    count: int
    """How many articles it has."""
    year_path: str
    """The page of its year's months."""


@dataclass(frozen=True, slots=True)
class Site:
    """Everything gathered from content/, ordered newest first with a stable tie-break."""

    config: Config
    articles: tuple[Article, ...]
    tags: tuple[tuple[Tag, tuple[Article, ...]], ...]
    archive: tuple[ArchiveMonth, ...]
    authors: tuple[tuple[Author, tuple[Article, ...]], ...] = ()
    """Every byline, by slug, with its articles newest first."""
    sections: tuple[Tag, ...] = ()
    """The tags of ``config.sections`` that articles have, in that order, named as the
    setting names them: the masthead's links (base.html). Apart from ``tags``, so that the
    pages that show them change only when a section comes or goes."""
    feed_id: str = ""
    """The site feed's permanent id, from the ledger."""
    last_seq: int = 0
    """The highest publication number ever given (ledger.py): archives up to it are full."""
    latest_first: dt.datetime | None = None
    """The latest first appearance of any article published, taken-down ones included
    (ledger.py): feed windows count back from it."""
    listed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """``tag:<slug>`` or ``author:<slug>`` -> the publication numbers of every article ever
    listed under it, taken-down ones included, newest first (ledger.py): a tag's or
    author's feed counts its newest from them."""
    changed: dict[str, dt.datetime] = field(default_factory=dict)
    """``tag:<slug>``, ``author:<slug>`` or "" (the site) -> the newest ``updated`` of every
    article ever listed under it, taken-down ones included (ledger.py): the date of its
    feed once it has no entries left."""
    floors: dict[str, int] = field(default_factory=dict)
    """``tag:<slug>``, ``author:<slug>`` or "" (the site) -> the publication number below
    which no article enters its feeds again, for those whose byte budget has left entries
    out (ledger.py): an entry readers let go never comes back."""
    pages: tuple[Article, ...] = ()
    """The standalone pages (front matter ``page: true``), in the footer's order."""
    page_links: tuple[Link, ...] = ()
    """What every page's footer shows of them (base.html): apart from ``pages``, so that an
    edit to a page's text re-renders that page alone, and a page added, renamed or removed
    every page."""
    moved: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``tag:<slug>`` or ``author:<slug>`` -> the slugs it had before, oldest first (ledger.py),
    for the tags and bylines that moved: their old pages and feeds redirect to their
    addresses now (redirects.listing_moves)."""


class Page(msgspec.Struct, frozen=True):
    """One HTML (or text) file to render from a template. A msgspec Struct, not a frozen
    dataclass: a build plans one per page of the site (13,500 for 10,000 articles), and
    makes them in a fifth of the time."""

    template: str
    path: str
    """Site path; the output file is urls.output_file(path)."""
    title: str
    context: Mapping[str, object] = msgspec.field(default_factory=dict)
    """What the template is given, by name: a dict, or for an article's page a
    site.ArticleContext, made when first read."""


@dataclass
class ImportReport:
    """What importing ``seeds/`` did, file by file."""

    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    """Content files whose seed did not change, by path: strings, as every seed of every
    build is one of them (a Path each cost 10,000 seeds 0.03 s)."""
    kept: list[Path] = field(default_factory=list)
    """Content files edited by hand whose seed changed: left as they are."""
    wrote: dict[Path, str] = field(default_factory=dict)
    """Content file -> the SHA-256 of what this import wrote in it (each of ``created`` and
    ``updated``): sitegen serve, watching content/, tells its builds' own writes from an
    editor's by it, the file as it was written or changed since."""
    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    once: list[str] = field(default_factory=list)
    """Those of ``warnings`` that tell of what this import did (an article imported again, an
    edit saved while importing): the build after does not say them again, not even one with
    nothing to do, which repeats the last build's other warnings."""
    outcomes: dict[str, SeedOutcome] = field(default_factory=dict)
    """Seed path -> what its import came to, for the cache."""

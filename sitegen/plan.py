"""Site -> the plan: every file of the output folder as an ``Output``, the one kind of thing
the build renders and writes (a text file's compressed copies are made with it: Plan.copies).

An Output has a path (in the output folder), a ``render`` that returns its bytes with what
the render read of ``site`` and ``config``, and a ``key`` that changes whenever those bytes
could. The build neither knows nor cares which kind it holds. A new kind of output is a
subclass here (or, for a page, just a template and a ``Page`` in site.py) and one line in
``plan_outputs``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import deps, urls
from .cache import FileRecord, ImageRecord, OutputRecord
from .errors import OutputError, SitegenError
from .images import HASHED
from .model import Article, Author, Link, Page, Site, Tag
from .output import BUILDING, MANIFEST, TEMP_SUFFIX
from .urls import output_file

if TYPE_CHECKING:
    from .config import Config
    from .feeds import FeedJob, FeedWriter
    from .redirects import ListingMove, Move, Shadowed, ShadowedListing
    from .render import Renderer
    from .site import ArticleContext
    from .theme import Theme


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    reads: tuple[str, ...]
    """The parts of ``site`` and ``config`` the render read (as ``site.x``, ``config.y``)."""
    floor: int = 0
    """For a feed whose byte budget left entries out, the publication number of the oldest
    entry left in (feeds.FeedWriter._fit), which the ledger keeps (its ``floors``); else 0."""


@dataclass(slots=True)
class Tools:
    """What renders outputs: made once per build, before workers are forked."""

    renderer: Renderer
    feeds: FeedWriter
    feed_reads: set[str]
    """Where the feed writer's recording config notes what it reads."""
    digests: deps.Digests
    keys: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    """Keys worked out in this build for the outputs to render, by path and reads: worked
    out when an output is looked up (``remember``) and needed again by the worker that
    renders it (which inherits them)."""
    quicks: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    """Quick keys (``Output.quick``) worked out in this build, likewise."""

    def prepare(self, outputs: Iterable[Output]) -> None:
        """Ready what rendering ``outputs`` takes, before workers are forked (they inherit
        it instead of each doing it): their templates compiled. Only those to render: a
        build that changed one article compiles a few templates, not every one."""
        self.renderer.prepare({o.page.template for o in outputs if isinstance(o, PageOutput)})

    def key(self, output: Output, reads: Iterable[str]) -> str:
        """``output.key(self, reads)``, worked out once per build."""
        return self._once(self.keys, output.path, tuple(reads), output.key)

    def quick(self, output: Output, reads: Iterable[str]) -> str:
        """``output.quick(self, reads)``, worked out once per build."""
        return self._once(self.quicks, output.path, tuple(reads), output.quick)

    def remember(self, output: Output, reads: tuple[str, ...], quick: str, key: str) -> None:
        """Keep the keys of ``output`` worked out under ``reads`` (``key`` "" when it was
        not) for its render, whose ``key`` and ``quick`` look them up: kept for the outputs
        to render alone, not for the thousands whose file stays."""
        self.quicks[(output.path, reads)] = quick
        if key:
            self.keys[(output.path, reads)] = key

    def _once(self, found: dict[tuple[str, tuple[str, ...]], str], path: str, reads: tuple[str, ...], work: Callable[[Tools, tuple[str, ...]], str]) -> str:
        """``work(self, reads)`` for the output at ``path``, looked up in ``found`` first and kept there."""
        known = found.get((path, reads))
        if known is None:
            known = found[(path, reads)] = work(self, reads)
        return known


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the output folder."""

    path: str

    @property
    def owner(self) -> Article | None:
        """The article this file is the page of, if any (it yields on a path collision)."""
        return None

    @property
    def wave(self) -> int:
        """When it is published, among the files a build changed: files that link to
        others come after them (0: article pages, static files; 1: the search index, whose
        results link to articles; 2: each part's entry, which names the index's files;
        3: listings and the other pages, the search page among them; 4: feeds)."""
        return 0

    def render(self, tools: Tools) -> Rendered:
        raise NotImplementedError

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        """Equal keys mean equal bytes, given that the render read ``reads``."""
        raise NotImplementedError

    def quick(self, tools: Tools, reads: Iterable[str]) -> str:
        """A key that is cheaper to work out than ``key``, and equal in two builds only if
        ``key`` is: a build that finds it as the last one stored it need not work out
        ``key``. "" for an output that has none (then ``key`` decides)."""
        return ""


@dataclass(frozen=True, slots=True)
class PageOutput(Output):
    """An HTML (or text) page rendered from a template."""

    page: Page

    @property
    def owner(self) -> Article | None:
        article = self.page.context.get("article")
        return article if isinstance(article, Article) else None

    @property
    def wave(self) -> int:
        return 0 if self.owner is not None else 3

    def render(self, tools: Tools) -> Rendered:
        data, reads = tools.renderer.render(self.page)
        return Rendered(data, reads)

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        renderer = tools.renderer
        return deps.page_key(renderer.template_digest(self.page.template), self.page, renderer.environment, reads, tools.digests)

    def quick(self, tools: Tools, reads: Iterable[str]) -> str:
        context = self.page.context
        if not isinstance(context, _article_context()):
            return ""
        renderer = tools.renderer
        template = renderer.template_digest(self.page.template)
        return deps.article_page_key(template, self.page, renderer.environment, context.article, context.neighbourhood, reads, tools.digests)


@functools.cache
def _article_context() -> type[ArticleContext]:
    """site.ArticleContext, imported once: site.py cannot be imported with this module (it
    imports search.py, which imports this), and an import in ``PageOutput.quick`` cost each
    of 12,800 pages' lookups its own."""
    from .site import ArticleContext

    return ArticleContext


@dataclass(frozen=True, slots=True)
class FeedOutput(Output):
    """An Atom, RSS or JSON feed, or an RFC 5005 archive document."""

    job: FeedJob

    @property
    def wave(self) -> int:
        return 4

    def render(self, tools: Tools) -> Rendered:
        from .feeds import render_feed

        tools.feed_reads.clear()
        data, floor = render_feed(tools.feeds, self.job)
        return Rendered(data, tuple(sorted(tools.feed_reads)), floor)

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        return deps.value_digest("feed", self.job.key_values(), tools.digests.reads(reads))


def feed_floors(outputs: Iterable[Output], records: Mapping[str, OutputRecord]) -> dict[str, int]:
    """Feed (as the ledger names it: "" the site's, ``tag:<slug>``, ``author:<slug>``) ->
    the floor of its subscription documents as this build leaves them (rendered now, or
    kept as they were: ``records``), for each whose byte budget left entries out
    (``Rendered.floor``). The ledger moves its ``floors`` on to them (ledger.with_floors)."""
    found: dict[str, int] = {}
    for output in outputs:
        if isinstance(output, FeedOutput) and not output.job.place.number:
            record = records.get(output.path)
            if record is not None and record.floor:
                name = output.job.feed.name
                found[name] = max(found.get(name, 0), record.floor)
    return found


@dataclass(frozen=True, slots=True)
class FileOutput(Output):
    """A file copied as it is (the theme's static files)."""

    data: bytes

    def render(self, tools: Tools) -> Rendered:
        return Rendered(self.data, ())

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        return deps.value_digest("file", self.data)


@dataclass(frozen=True, slots=True)
class RootFile(FileOutput):
    """A file of the templates' ``public/`` folder, copied to its place at the top of the
    output folder (theme.PUBLIC). It never takes the place of a file the site makes."""

    origin: Path
    """The file it is copied from, for the error when it cannot be."""


@dataclass(frozen=True, slots=True)
class ImageOutput(Output):
    """An image of content/: copied as it is (``width`` 0), or a copy resized to ``width``
    (with ``webp``, a WebP copy: images.webp_widths)."""

    image: ImageRecord
    width: int = 0
    webp: bool = False

    def render(self, tools: Tools) -> Rendered:
        from .images import ImageError, render

        try:
            return Rendered(render(self.image, self.width, self.webp), ())
        except ImageError as e:
            raise OutputError(self.image.file, str(e)) from e

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        # The file by its hash. How a copy is resized depends on Pillow's version too, which
        # the cache's generator id holds (cache._LIBRARIES): another one is a clean build.
        # A JPEG or PNG copy keeps the key it had before WebP copies were made: not made again.
        webp = ("webp",) if self.webp else ()
        return deps.value_digest("image", self.image.sha, self.image.format, self.width, *webp)


@dataclass(frozen=True, slots=True)
class LinkedOutput(Output):
    """A file of content/ an article links to or embeds (a PDF, an SVG), copied as it is.
    Read when it is rendered, not planned: a site's PDFs and clips are not held in memory."""

    file: FileRecord

    def render(self, tools: Tools) -> Rendered:
        from .images import ImageError, copy_linked

        try:
            return Rendered(copy_linked(self.file), ())
        except ImageError as e:
            raise OutputError(self.file.file, str(e)) from e

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        return deps.value_digest("linked", self.file.sha)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a build will write, and what the planning found wrong."""

    outputs: list[Output]
    """Every output file of the site, one per path."""
    errors: list[SitegenError]
    """What planning found wrong: among it, the articles that cannot have their page
    (another file takes its path)."""
    collided: list[Article]
    """Those articles: the build leaves them out of the site (build._site_that_renders)."""
    shadowed: list[Shadowed]
    """The aliases that get no redirect, a live file being there (redirects.shadowed_warnings)."""
    warnings: list[str]
    """What else planning found worth saying: an nginx map the README's recipe would not
    load (redirects.NginxMap.warnings)."""
    copies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """With ``compress``: each text file's path -> the suffixes of its compressed copies
    (compress.ENCODINGS), which are part of its output: made, written, recorded, published
    and removed with it (memo.py), never older or newer than it."""
    shadowed_listings: list[ShadowedListing] = field(default_factory=list)
    """The tables' aliases that get no redirect, a live file being there (config.alias_warnings)."""


def plan_outputs(site: Site, theme: Theme) -> Plan:
    """The plan of the site's output, but for the search index's files (``with_index``),
    which Pagefind names as it makes them: their folder is kept for them."""
    from . import feeds, images
    from . import site as site_mod
    from .redirects import LISTS

    static = dict(theme.static_files())
    # A file of the templates' static/ folder takes the place of a page rendered at its path:
    # a site's own static/feed.xsl, kept from before the stylesheet was a template.
    outputs: list[Output] = [PageOutput(path, page) for page in site_mod.plan_pages(site) if (path := output_file(page.path)) not in static]
    outputs += [FeedOutput(job.path, job) for job in feeds.plan_feeds(site)]
    fingerprints = theme.fingerprints()
    for path, data in static.items():
        # The file under its own name (for links from outside, the logo setting, feed.xsl)
        # and under its fingerprinted one, which the theme links to (``asset`` filter).
        outputs.append(FileOutput(path, data))
        if path in fingerprints:
            outputs.append(FileOutput(fingerprints[path], data))
    outputs += _host_files(site, fingerprints)
    shown = (*site.articles, *site.pages)  # the pictures and files of standalone pages too
    for image in images.unique(record for article in shown for record in article.media):
        outputs.append(ImageOutput(images.output_path(image), image))
        outputs += [ImageOutput(images.size_path(image, width), image, width) for width in images.widths(image)]
        if site.config.webp:
            outputs += [ImageOutput(images.webp_path(image, width), image, width, True) for width in images.webp_widths(image)]
    linked = images.unique_linked(record for article in shown for record in article.attachments)
    outputs += [LinkedOutput(images.linked_path(record), record) for record in linked]
    # The redirect lists come after the redirects they list, but their places are taken now;
    # the site's own root files, last, yield to every file the site makes, its manifest and
    # compressed copies included.
    reserved = [FileOutput(path, b"") for path in (*LISTS, MANIFEST, BUILDING)]
    root = [RootFile(path, data, origin) for path, data, origin in theme.root_files()]
    root, refused = _usable_root(root, outputs, site.config.compress)
    kept, errors, collided = _drop_collisions([*outputs, *reserved, *root])
    errors = refused + errors
    kept = [o for o in kept if o.path not in LISTS and o.path not in (MANIFEST, BUILDING)]
    # Redirects yield to every live file and its compressed copies.
    redirect_outputs, shadowed, warnings, shadowed_listings = _redirects(site, kept)
    kept += redirect_outputs
    copies = _copies(kept) if site.config.compress else {}
    return Plan(_once(kept, copies), errors, collided, shadowed, warnings, copies, shadowed_listings)


def with_index(planned: Plan, index: list[Output], compress: bool) -> Plan:
    """``planned`` with the search index's files (search.Indexing.outputs), and their
    compressed copies with ``compress``: in the index's own folder, which ``plan_outputs``
    kept for them, so they take no other file's place."""
    from .search import BUNDLE

    if any(not o.path.startswith(BUNDLE) for o in index):
        raise AssertionError("a file of the search index outside its folder")
    copies = planned.copies | (_copies(index) if compress else {})
    outputs = _once(planned.outputs + index, copies)
    return Plan(outputs, planned.errors, planned.collided, planned.shadowed, planned.warnings, copies, planned.shadowed_listings)


def _once(planned: list[Output], copies: Mapping[str, tuple[str, ...]]) -> list[Output]:
    """``planned``, checked to hold one file per path, compressed ``copies`` included: of
    two, one's staged file would be lost (its temp file left in the output folder for good)
    and the other published twice. A bug, never an input's."""
    paths = [o.path for o in planned]
    paths += [path + suffix for path, suffixes in copies.items() for suffix in suffixes]
    if len(set(paths)) != len(paths):
        twice = sorted(path for path, n in Counter(paths).items() if n > 1)
        raise AssertionError(f"planned more than once: {', '.join(twice)}")
    return planned


def _host_files(site: Site, fingerprints: dict[str, str]) -> list[Output]:
    """What static hosts read beside the site: ``_headers`` (Netlify, Cloudflare Pages) and
    ``.nojekyll`` (GitHub Pages publishes the folder as it is, ``_headers`` included)."""
    from .headers import HEADERS_FILE, headers_file

    return [FileOutput(HEADERS_FILE, headers_file(site.config.base_url, fingerprints.values(), site.config.noindex)), FileOutput(".nojekyll", b"")]


def _usable_root(root: list[RootFile], outputs: Iterable[Output], compress: bool) -> tuple[list[RootFile], list[SitegenError]]:
    """The root files that are neither named as sitegen's temp files (a build removes those)
    nor, with ``compress``, in the place of a compressed copy of a file the site makes
    (``ads.txt.gz`` beside ``ads.txt``: a server would send it for that file); and an error
    for each of the others."""
    from .compress import ENCODINGS, compressible

    made = {o.path for o in [*outputs, *root] if compressible(o.path)} if compress else set()
    kept: list[RootFile] = []
    errors: list[SitegenError] = []
    for output in root:
        original = next((output.path.removesuffix(s) for s in ENCODINGS.values() if output.path.endswith(s)), None)
        if output.path.endswith(TEMP_SUFFIX):  # a build removes such files, as a killed build's
            errors.append(OutputError(output.origin, f"not copied: names ending in {TEMP_SUFFIX} are sitegen's temp files"))
        elif original is not None and original in made:
            errors.append(OutputError(output.origin, f"not copied: the site makes /{output.path} itself, the compressed copy of /{original}"))
        else:
            kept.append(output)
    return kept, errors


def _copies(outputs: Sequence[Output]) -> dict[str, tuple[str, ...]]:
    """Each text file of ``outputs`` -> the suffixes of its compressed copies (Plan.copies)."""
    from .compress import ENCODINGS, compressible, original_of

    suffixes = tuple(ENCODINGS.values())
    found = {output.path: suffixes for output in outputs if compressible(output.path)}
    # A static file may be a .gz of its own: its original has no such copy.
    for output in outputs:
        if output.path.endswith(suffixes) and (original := original_of(output.path)) is not None and original[0] in found:
            found[original[0]] = tuple(suffix for suffix in found[original[0]] if original[0] + suffix != output.path)
            if not found[original[0]]:
                del found[original[0]]
    return found


def _redirects(site: Site, live: Sequence[Output]) -> tuple[list[Output], list[Shadowed], list[str], list[ShadowedListing]]:
    """A redirect page for every old address no live file takes, and the lists of them
    for hosts that answer with a real 301 (redirects.py); the aliases a live file takes;
    the warnings of the nginx map; and the tables' aliases a live file takes."""
    from . import redirects
    from .feeds import FORMATS

    moves = redirects.moves(site)
    feeds = sorted(o.path for o in live if isinstance(o, FeedOutput))
    # The listing pages of tags and bylines, looked for only when one moved or has old
    # addresses (a table's aliases); an article page's context is not a dict, and not made
    # whole here (site.ArticleContext).
    aliased = any(info.aliases for info in site.config.tags) or any(info.aliases for info in site.config.authors)
    pages = [o.page for o in live if isinstance(o, PageOutput) and type(o.page.context) is dict] if site.moved or aliased else []
    listings = [
        (f"{kind}:{item.slug}", page.path) for page in pages for kind in redirects.LISTED_KINDS if isinstance(item := page.context.get(kind), (Tag, Author))
    ]
    listing_feeds, listing_pages = redirects.listing_moves(site, feeds, listings)
    feed_moves = redirects.feed_moves(site, feeds) + redirects.feed_aliases(site, feeds)
    files: dict[str, Output] = {}
    folders: set[str] = set()
    # What is in a redirect's way, worked out only for a site that has one to make: most
    # have none, and these take a tenth of a second at 10,000 articles.
    if moves or feed_moves or listing_feeds or listing_pages:
        files = {o.path: o for o in live}
        # The lists are planned last, from the moves: no redirect may take their places either.
        files.update((path, FileOutput(path, b"")) for path in redirects.LISTS)
        if site.config.compress:  # nor a compressed copy's (a server would send it as the page)
            copies = _copies(live)
            files.update((path + suffix, FileOutput(path + suffix, b"")) for path, suffixes in copies.items() for suffix in suffixes)
        folders = {folder for o in live for folder in _folders(o.path)}
    reserved = _kept_folders()
    listings_shadowed = _shadowed_aliases(listing_pages, moves, files, folders, reserved)
    if listings_shadowed:
        # A table's alias whose own page a live file (or an article's old address) takes is
        # given up whole: its other pages and feeds would be redirects inside what another owns.
        given_up = tuple(item.move.alias for item in listings_shadowed)
        listing_pages = [t for t in listing_pages if not t.path.startswith(given_up)]
        listing_feeds = [(old, new) for old, new in listing_feeds if not old.startswith(given_up)]
    # A feed's old addresses: under a base path the site had, its names of another tool, and
    # in the folder its tag or byline had (or its table's aliases name).
    feed_moves = sorted(feed_moves + listing_feeds)
    # Each old address is sent to one place: two rules for one stop nginx loading the map
    # ("conflicting parameter"), and Netlify follows the first. A path of feed_aliases (an
    # old section's feed, sent to the site's) that a folder of feeds has among its names
    # (a tag's, a table's old folder: feed_aliases there too) is that feed's, and gives way.
    by_path = {(path, FORMATS["atom"]) for path in site.config.feed_aliases if "/" in path}
    own = {old for old, new in feed_moves if (old, new) not in by_path}
    feed_moves = [(old, new) for old, new in feed_moves if (old, new) not in by_path or old not in own]
    # The feeds' old addresses get a 301 from the lists alone, no page (redirects.py). They
    # go before the articles' old addresses: their subscribers ask there, and a story's
    # redirect page at a feed's address is a broken feed to every one of them.
    feed_pairs = [(old, new) for old, new in feed_moves if _kept_folder(old, reserved) is None and _in_the_way(old, files, folders) is None]
    feed_of = dict(feed_pairs)
    moved: list[redirects.Move] = []
    shadowed: list[Shadowed] = []
    for move in moves:
        path = output_file(move.path)
        winner = _kept_folder(path, reserved) or _in_the_way(path, files, folders)
        if winner is None and path not in feed_of:
            moved.append(move)
        elif move.path in move.target.aliases:
            # A former address is silently given up (a new article took it); an alias was
            # written by hand and the author expects it to work.
            if winner is None:
                shadowed.append(redirects.Shadowed(move, feed_of[path], feed=True))
                continue
            output = files.get(winner)
            owner = output.owner if output is not None else None
            shown = output.page.path if isinstance(output, PageOutput) else winner
            shadowed.append(redirects.Shadowed(move, shown, owner.source if owner is not None else ""))
    # A tag's or byline's old listing pages, where nothing else is: an article's old address
    # there (an alias, written by hand) is the article's.
    taken = {output_file(m.path) for m in moved} | set(feed_of)
    listing_moved = [
        t for t in listing_pages if (path := output_file(t.path)) not in taken and _kept_folder(path, reserved) is None and _in_the_way(path, files, folders) is None
    ]
    base_path = urls.Urls(site.config.base_url).base_path
    page_pairs = sorted([(m.path, m.target.path) for m in moved] + [(t.path, t.target) for t in listing_moved])
    pairs = sorted(page_pairs + feed_pairs)
    # redirect.html is given the tag or byline a listing page is of (None for the others),
    # as templates/redirect.html words each.
    unlisted: dict[str, object] = dict.fromkeys(redirects.LISTED_KINDS)
    outputs: list[Output] = [
        PageOutput(output_file(m.path), Page("redirect.html", m.path, m.target.title, {"target": m.target, **unlisted})) for m in moved
    ]
    outputs += [
        PageOutput(output_file(t.path), Page("redirect.html", t.path, t.of.name, {"target": Link(t.of.name, t.target), **unlisted, t.kind: t.of}))
        for t in listing_moved
    ]
    # Cloudflare Pages applies the first 2,000 rules of _redirects and skips the rest: the
    # feeds' go first, as an old page address past them still has its redirect page, and an
    # old feed address has nothing else.
    netlify_pairs = sorted(feed_pairs) + page_pairs
    outputs.append(FileOutput(redirects.NETLIFY_FILE, redirects.netlify(netlify_pairs, base_path, site.config.force_redirects)))
    nginx_map = redirects.nginx_map(pairs, base_path, files)
    outputs.append(FileOutput(redirects.MAP_FILE, nginx_map.data))
    return outputs, shadowed, nginx_map.warnings(), listings_shadowed


def _shadowed_aliases(
    listing_pages: Sequence[ListingMove], moves: Sequence[Move], files: Mapping[str, Output], folders: Container[str], reserved: Mapping[str, str]
) -> list[ShadowedListing]:
    """The tables' aliases (``ListingMove.alias``) whose own page is taken: by a live file, a
    kept folder or an article's old address (written by hand too, and the article's). Said,
    as an article's alias is when a live file wins."""
    from .redirects import ShadowedListing

    found = []
    olds = {output_file(m.path): m.target.source for m in moves}
    for t in listing_pages:
        if not t.alias or t.path != t.alias:
            continue
        path = output_file(t.path)
        if path in olds:
            found.append(ShadowedListing(t, "", olds[path]))
        elif (winner := _kept_folder(path, reserved) or _in_the_way(path, files, folders)) is not None:
            output = files.get(winner)
            owner = output.owner if output is not None else None
            shown = output.page.path if isinstance(output, PageOutput) else winner
            found.append(ShadowedListing(t, shown, owner.source if owner is not None else ""))
    return found


@dataclass(frozen=True, slots=True)
class FreeSlug:
    """A new article's slug (``OwnPaths.free_slug``), and why it is not the title's when
    the site's own page is why."""

    slug: str
    site_page: str = ""
    """What the title's slug would have put the article's page in the way of (``tags/index.html``
    for the slug ``tags`` under ``permalink = "{slug}/"``): "" if nothing."""

    @property
    def reason(self) -> str:
        """Why, in the words ``sitegen new`` and the import both say it ("" if nothing)."""
        return f"the title's would put its page at /{self.site_page}, which the site has for itself" if self.site_page else ""


@dataclass(frozen=True, slots=True)
class OwnPaths:
    """Where the files are that the site makes whatever its articles (its front page, tags/,
    archive/, search/, feeds, static files...): where no article's page can go."""

    files: frozenset[str]
    folders: frozenset[str]

    def taken(self, site_path: str) -> str | None:
        """What keeps an article at ``site_path`` from having its page, as the build finds it
        (``_drop_collisions``): ``tags/index.html`` for ``permalink = "{slug}/"`` and the slug
        ``tags``, a kept folder (``images/``) for the slug ``images``.
        None if nothing does."""
        path = output_file(site_path)
        return _kept_folder(path, _kept_folders()) or _in_the_way(path, self.files, self.folders)

    def free_slug(self, slug: str, taken: set[str], permalink: str, date: dt.datetime, page: bool = False) -> FreeSlug:
        """The slug of a new article (``sitegen new``, an imported seed) whose title makes
        ``slug``: that, or ``slug-2``, ``slug-3``… the first that no other article has
        (``taken``) and that does not put its page, dated ``date``, where the site has one of
        its own: the build would leave the article out (``_drop_collisions``). With ``page``,
        of a standalone page, at ``/<slug>/`` whatever the permalink and date."""

        def page_of(candidate: str) -> str | None:
            return self.taken(urls.page_path(candidate) if page else urls.article_path(permalink, candidate, date))

        found = urls.unique_slug(slug, taken, lambda candidate: page_of(candidate) is None)
        return FreeSlug(found, (page_of(slug) or "") if found != slug else "")


def own_paths(config: Config, theme: Theme) -> OwnPaths:
    """The paths of the files a site of ``config`` and ``theme`` makes with no article at all,
    which its articles' pages yield to (its root files, from templates/public/, yield to them)."""
    from .redirects import LISTS
    from .site import build_site

    planned = plan_outputs(build_site([], config), theme)
    files = {o.path for o in planned.outputs if not isinstance(o, RootFile)} | {*LISTS, MANIFEST, BUILDING}
    return OwnPaths(frozenset(files), frozenset(folder for path in files for folder in _folders(path)))


def _folders(path: str) -> list[str]:
    """The folders ``path`` is in, outermost first: ``a/b/c.html`` -> ``a``, ``a/b``."""
    found = []
    end = path.find("/")
    while end != -1:
        found.append(path[:end])
        end = path.find("/", end + 1)
    return found


def _in_the_way(path: str, files: Container[str], folders: Container[str], parents: list[str] | None = None) -> str | None:
    """What keeps ``path`` from being written beside the live files, if anything: the live
    file at ``path``, ``path`` as one of their folders (``folder/``), or a folder of ``path``
    (``parents``, if worked out already) that is a live file."""
    if path in files:
        return path
    if path in folders:
        return path + "/"
    for folder in _folders(path) if parents is None else parents:
        if folder in files:
            return folder
    return None


def _kept_folders() -> dict[str, str]:
    """The folders only some of the site's own files may be in, with why: those of files
    named by their content's hash (images.HASHED), which hosts keep a year, so any other
    file there would stay as it was for a year after it changed; and the search index's,
    whose files are planned once Pagefind has named them (``with_index``)."""
    from .search import BUNDLE

    hashed = "which only the site's own files named by their hash go in (hosts keep them a year)"
    return {**dict.fromkeys(HASHED, hashed), BUNDLE: "which only the search index goes in"}


def _kept_folder(path: str, kept: Mapping[str, str]) -> str | None:
    """The folder of ``kept`` that ``path`` is in, if any."""
    folder = path[: path.find("/") + 1]
    return folder if folder in kept else None


def _any_collide(outputs: Sequence[Output], reserved: Mapping[str, str]) -> bool:
    """Whether ``_drop_collisions`` would drop any of ``outputs``: two of one path, one
    whose path is a folder of another's, or one in a kept folder (``reserved``) but for the
    files named by their hash. Worked out on the whole set of paths and their folders,
    level by level (each path's own folder, then that folder's...), not file by file as
    ``_drop_collisions`` claims them: most sites have no collision at all."""
    paths = {o.path for o in outputs}
    if len(paths) != len(outputs):
        return True
    level = {path.rpartition("/")[0] for path in paths if "/" in path}
    folders = set(level)
    while level:
        level = {folder.rpartition("/")[0] for folder in level if "/" in folder} - folders
        folders |= level
    if not paths.isdisjoint(folders):
        return True
    if reserved.keys().isdisjoint({folder + "/" for folder in folders if "/" not in folder}):
        return False
    return any(_kept_folder(o.path, reserved) is not None for o in outputs if not isinstance(o, (ImageOutput, LinkedOutput)))


def _drop_collisions(outputs: list[Output]) -> tuple[list[Output], list[SitegenError], list[Article]]:
    """One file per path, site pages first: an article whose URL collides with one
    (``permalink = "{slug}/"`` and a slug such as ``archive``) is reported, not written,
    and returned to be left out of the site. So is one that needs a folder where the site
    has a file, or a file where it has a folder (``permalink = "{slug}.txt"``, a page at
    robots.txt/, and the slug ``robots``)."""
    from .content import SLUG_KEYS, line_in

    reserved = _kept_folders()
    # Stable sort: everything that is not an article page claims its path first, then the
    # articles, then the site's root files, which yield to every file the site makes.
    ordered = sorted(outputs, key=lambda o: 2 if isinstance(o, RootFile) else int(o.owner is not None))
    if not _any_collide(ordered, reserved):
        return ordered, [], []
    kept: dict[str, Output] = {}
    folders: set[str] = set()
    errors: list[SitegenError] = []
    collided: list[Article] = []
    for output in ordered:
        parents = _folders(output.path)
        taken = _in_the_way(output.path, kept, folders, parents)
        if not isinstance(output, (ImageOutput, LinkedOutput)):  # named by their hash
            taken = _kept_folder(output.path, reserved) or taken
        if taken is None:
            kept[output.path] = output
            folders.update(parents)
        else:
            owner = output.owner
            if isinstance(output, RootFile):
                if taken in reserved:
                    said = f"not copied: it would be in /{taken}, {reserved[taken]}"
                elif taken == output.path:
                    said = f"not copied: the site makes /{taken} itself (to change one of its pages, edit its template: README, Templates)"
                else:
                    said = f"not copied: the site has /{taken} as a {'folder' if taken.endswith('/') else 'file'}"
                errors.append(OutputError(output.origin, said))
                continue
            clash = f"its page would be in /{taken}, {reserved[taken]}" if taken in reserved else f"its page would overwrite /{taken}, which the site needs"
            if owner is None:
                errors.append(OutputError(output.path, f"{clash}; change 'slug'"))
                continue
            collided.append(owner)
            message = f"{clash}: left out of the site; change 'slug'"
            errors.append(OutputError(owner.source, message, line_in(owner.source, *SLUG_KEYS)))
    return list(kept.values()), errors, collided

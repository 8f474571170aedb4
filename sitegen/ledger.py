"""What readers have already been shown: ``content/.sitegen-updated.json`` remembers.

Feed readers trust what they saw once: an entry's id, its ``updated`` date, the archive
documents behind a feed. The ledger keeps, for every published article, what those came
from, so that every later build (and every fresh clone: it lives in content/ and is
committed with the articles) shows readers the same history:

- ``hash`` and ``updated``: the content hash and the date it was first seen with that hash.
  ``updated`` moves only when what a reader sees changes. Front matter ``updated`` wins.
  Until the text changes once the article is out (``updated`` after ``first``), it is the
  article's own date, and follows a corrected date: a date corrected alone is no update.
- ``seq``: the order of first publication (1, 2, ...). Numbers are never reused; archive
  documents are cut by them (feeds.py), so a backdated article lands in the newest, not
  in an archive nobody reads again.
- ``first``: when the article first appeared: the time of the build that first published
  it (SOURCE_DATE_EPOCH, when set), or on a site's first build, when every article
  appears at once, the article's own date. The feed window counts from it, so a burst or
  a backdated article reaches every subscriber.
- ``date`` and ``published``, for a date written without a UTC offset: the text and the
  instant it was first read as, so that changing ``timezone`` moves no published article.
  An imported article has ``published`` whatever its date: the date it was first published
  with, never moved after. Its file deleted, it is imported again with that date (seeds.py),
  not with ``first``, the build that first published it, which readers were never shown.
- ``urls``: every address the article has been published at, in order, the current one
  last. When its slug, date, the permalink pattern or the site's address change, the old
  addresses are redirected to the new one (redirects.py): links shared and indexed keep
  working.
- ``titles``: every title the article has been published under, in order, the current one
  last. A related headline naming one it had before (a typo fixed in its title, a headline
  reworded) still links to it (site.Headlines), in a clean clone as in the build that saw
  the change.
- ``listed``: every tag and byline it has been listed under while out (``tag:<slug>``,
  ``author:<slug>``). A tag's or author's feed counts its newest from them, taken-down
  articles and dropped tags included, as the site's feed counts publication numbers: taking
  down a tag's newest article (or its tag) brings back no older one to its subscribers. A
  feed left with no entries is dated by the newest ``updated`` of those articles.

The file also holds the site's permanent feed id, minted once, and ``archive_size``: how
many articles each archive document out was cut with. Changing the setting cuts every one
anew, which readers that keep archives never fetch again: the build warns, naming it.

And ``floors``: for each feed whose byte budget (``feed_max_bytes``) has left entries out
("" the site's, ``tag:<slug>``, ``author:<slug>``), the publication number of the oldest
entry it showed then. The budget keeps the newest entries that fit, and what fits changes:
taking down or shortening a large article makes room for older ones, which readers had and
let go, or never had; either way they show as new. Counting taken-down articles, as for
``feed_size`` above, cannot hold those places: what they weighed left with them. The floor
itself is kept instead, and only ever moves forward (``with_floors``): no article numbered
below it enters that feed again (feeds.select), whatever is taken down, shortened, or the
budget becomes. A feed whose budget never bound has none, and a site with none such writes
no ``floors``.

And ``tags``: for each tag whose address is not the one its name makes (a ``[tags.<slug>]``
table gave it another, or did once), by its name's spelling (urls.spelling), every slug it
has been published at, the current one last. A tag moved by a table, or from one table's
slug to another's, has its old pages and feeds redirected to its new address (redirects.py),
as an article's old addresses are: its subscribers keep getting its entries. A tag that
never had a table is not recorded: it is at the address its name makes. Its first move
needs no record either: an article of it listed under that address (``listed``) says it
was out there.

And ``authors``, likewise for bylines: the slugs of each byline not at the one its name
makes (config.made_author_slug), which an ``[authors.<slug>]`` table or slugs = "unicode"
gave it, kept and redirected as a tag's are (``_former_slugs``).
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import stat
import uuid
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import msgspec

from . import dates, urls
from .cache import Inputs
from .config import Config, made_author_slug, setting_place
from .errors import ContentError, OutputError, SitegenError, line_of
from .model import Article, Author, Tag
from .output import write_if_changed

LEDGER_NAME = ".sitegen-updated.json"
VERSION = 2


class Entry(msgspec.Struct, frozen=True):
    """What the ledger remembers of one article (a msgspec struct: msgspec decodes a ledger
    file of 10,000 entries into them in 8 ms, into a dataclass in 12)."""

    hash: str
    updated: str
    seq: int
    first: str
    date: str = ""
    """The front-matter date as written, when it gave no UTC offset."""
    published: str = ""
    """The instant ``date`` was first read as; for an imported article with no ``date``, the
    date it was first published with (``_published``)."""
    urls: tuple[str, ...] = ()
    """Every absolute URL the article has had, oldest first; the current one last."""
    listed: tuple[str, ...] = ()
    """Every tag and byline it has been listed under while out, as ``tag:<slug>`` and
    ``author:<slug>``, sorted (feeds.py counts a tag's or author's newest from them)."""
    titles: tuple[str, ...] = ()
    """Every title it has been published under, oldest first; the current one last."""


@dataclass(frozen=True, slots=True)
class Ledger:
    feed_id: str = ""
    """The site feed's permanent id (urn:uuid), minted by the first build."""
    next_seq: int = 1
    """The next publication number: one more than any recorded."""
    articles: dict[str, Entry] = field(default_factory=dict)
    """Article id -> its entry."""
    archive_size: int = 0
    """The ``archive_size`` the archive documents out were cut with (feeds.py); 0 while
    there is none (or for a ledger written before it was kept)."""
    floors: dict[str, int] = field(default_factory=dict)
    """Feed ("" the site's, ``tag:<slug>``, ``author:<slug>``) -> the publication number of
    the oldest entry it showed once its byte budget left entries out: none numbered below
    it enters that feed again (feeds.select). Only ever moves forward (``with_floors``)."""
    rehearsal: bool = False
    """Written only by builds at a local address (``base_url`` left at localhost), before any
    for readers: the first build for a public address sets it aside (``for_readers``)."""
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A tag's name as spelt (urls.spelling) -> every slug it has been published at, oldest
    first, the current one last; only for tags not at the slug their name makes (``_former_slugs``)."""
    authors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The same as ``tags``, for bylines: a byline's name as spelt -> its slugs."""


@dataclass(frozen=True, slots=True)
class History:
    """What is out, with the ledger's fields set; what is held back; what feeds need."""

    articles: list[Article]
    """The articles to publish (and, in a preview, the drafts or future ones it shows)."""
    held_back: list[Article]
    """Articles dated after now, never published yet: held back until their time, by date."""
    feed_id: str
    last_seq: int
    """The highest publication number recorded (0 for none)."""
    pages: list[Article] = field(default_factory=list)
    """The standalone pages, those that were stories once (their id is the ledger's) with the
    addresses they had (``former_urls``), redirected to them (``_as_pages``)."""
    latest_first: dt.datetime | None = None
    """The latest first appearance of any article published, taken-down ones included:
    where feed windows count back from (feeds.py)."""
    listed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """``tag:<slug>`` or ``author:<slug>`` -> the publication number of every article ever
    listed under it, taken-down ones included, newest first."""
    changed: dict[str, dt.datetime] = field(default_factory=dict)
    """``tag:<slug>``, ``author:<slug>`` or "" (the site) -> when the articles ever listed
    under it, taken-down ones included, last changed or appeared: when its feed last changed."""
    floors: dict[str, int] = field(default_factory=dict)
    """The stored ledger's ``floors`` (``Ledger.floors``), in this history's numbers: below
    which no article enters each feed whose byte budget has bound. The build moves them on
    once it knows what its feeds show (``with_floors``)."""
    moved: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``tag:<slug>`` or ``author:<slug>``, for each tag or byline of these articles that had
    other slugs -> those, oldest first: its old pages and feeds redirect to its address now
    (redirects.listing_moves)."""
    warnings: tuple[str, ...] = ()
    once: tuple[str, ...] = ()
    """Those of ``warnings`` that tell of what this build did to the ledger (renumbered it,
    published an article late or under a new id): the build after does not say them again,
    not even one with nothing to do, which repeats the last build's other warnings."""
    steady: Steady = field(default_factory=lambda: Steady(None, None))
    """The clocks a build of these articles would give this history (and its warnings) at."""
    stored: Ledger | None = None
    """The ledger as the build found it."""
    ledger: Ledger | None = None
    """The ledger to store once the build has published these articles (``write_history``)."""

    def published_before(self, article: Article) -> bool:
        """Whether ``article`` was out before this build (its number is in the stored ledger)."""
        return bool(self.stored and self.stored.articles.get(article.id, _UNNUMBERED).seq)

    @property
    def previewed(self) -> int:
        """How many of the articles shown are not published, only previewed (``--drafts``,
        ``--future``): drafts, and articles the ledger does not record (dated in the future,
        never out)."""
        recorded = self.ledger.articles if self.ledger else {}
        return sum(1 for a in self.articles if a.draft or a.id not in recorded)

    @property
    def numbered(self) -> tuple[str, ...]:
        """The ids this build publishes for the first time: numbered now, not in the stored ledger."""
        if self.ledger is None:
            return ()
        before = self.stored.articles if self.stored else {}
        return tuple(sorted(id_ for id_, entry in self.ledger.articles.items() if entry.seq and not before.get(id_, _UNNUMBERED).seq))


@dataclass(frozen=True, slots=True)
class Steady:
    """A span of clocks: from the newest recorded date up to the build's clock (None: no
    such date) to the first one after it. A clock outside warns of other articles dated
    ahead of it (``_moved_ahead``)."""

    since: dt.datetime | None
    until: dt.datetime | None


def read_history(
    content_dir: Path,
    articles: Sequence[Article],
    config: Config,
    inputs: Inputs,
    errors: list[SitegenError] | None = None,
    now: dt.datetime | None = None,
    record_urls: bool = True,
) -> History:
    """``work_out_history`` from the ledger on disk, which is then kept up to date
    (``write_history``). Raises ContentError when the ledger cannot be read."""
    stored = load_ledger(content_dir, inputs.read)
    history = work_out_history(content_dir, articles, config, stored, now, record_urls)
    write_history(content_dir, history, inputs, errors)
    return history


def withdrawn_warnings(drafts: Mapping[str, str], stored: Ledger | None) -> list[str]:
    """A warning for each of ``drafts`` (article id -> content file) that the ledger
    ``stored`` has published: ``draft: true`` takes it down, which readers cannot unsee."""
    published = stored.articles if stored is not None else {}
    warnings = []
    for article_id, file in sorted(drafts.items(), key=lambda item: item[1]):
        if (entry := published.get(article_id)) is not None and entry.seq:
            try:
                line = line_of(Path(file).read_text(encoding="utf-8", errors="replace"), "draft", ":")
            except OSError:
                line = None
            warnings.append(
                f"{file}:{line or 2}: draft: true, but the article is out already: this build takes its page and feed entries"
                " down, and feed readers keep what they saw (check --against stops such a deploy); remove the line to"
                " publish it again, or to take it down, delete the file (and its seed)"
            )
    return warnings


def deleted_warnings(gone: Mapping[str, tuple[str, str]], articles: Sequence[Article], drafts: Mapping[str, str], stored: Ledger | None) -> list[str]:
    """A warning for each article of the last build whose content file is gone (``gone``:
    article id -> its file and address then) that the ledger ``stored`` has published and
    no file of this build holds: this build takes its page down, which a deleted file
    otherwise does without a word. Said by this build only (``once``): the next one has no
    such file to miss. A file renamed (its id made from its name) is ``_republished``'s."""
    if not gone:
        return []  # the usual build: no need to look through every article
    published = stored.articles if stored is not None else {}
    present = {a.id for a in articles} | set(drafts)
    reads = {h for a in articles for h in (a.content_hash, a.html_hash)}
    warnings = []
    for article_id, (file, last_built) in sorted(gone.items(), key=lambda item: item[1]):
        entry = published.get(article_id)
        if entry is None or not entry.seq or article_id in present or entry.hash in reads:
            continue
        # The address readers have: the last one published at (none is recorded for a site
        # at a local address), else where the last build put it.
        address = entry.urls[-1] if entry.urls else last_built
        warnings.append(
            f"{file}: deleted, but its article was out: this build takes it down, and readers and search engines now get a"
            f" 404 at {address} (feed readers keep what they saw); to bring it back, restore the file: its id keeps its place"
            " in the feeds"
        )
    return warnings


def made_page_warnings(pages: Sequence[Article], stories: Container[str], stored: Ledger | None, config: Config) -> list[str]:
    """A warning for each of ``pages`` (standalone) that the last build had as a story
    (``stories``: their ids) and the ledger ``stored`` has published: ``page: true`` takes it
    out of the feeds, listings, archives and news sitemap, and moves it to ``/<slug>/``.
    Said by this build only (``once``): the next one has it as a page already. Its former
    addresses redirect to the page (``_as_pages``), when the ledger recorded any (it records
    none for a site at a local address)."""
    published = stored.articles if stored is not None else {}
    site = urls.Urls(config.base_url)
    warnings = []
    for page in sorted(pages, key=lambda p: p.source):
        entry = published.get(page.id)
        if page.id not in stories or entry is None or not entry.seq:
            continue
        address = site.absolute(page.path)
        # The story's last address, which readers and search engines have (redirects.py
        # answers only for those under the base URL).
        last = entry.urls[-1] if entry.urls else ""
        moved = f"; its address, {last}, now redirects there" if last in page.former_urls and last.startswith(config.base_url) else ""
        warnings.append(
            f"{page.source}:{_line(page, 'page') or 2}: page: true, but it was out as a story: this build takes it out of the feeds,"
            f" listings, archives and news sitemap (feed readers keep what they saw) and makes it a page at {address}{moved};"
            " to keep it a story, remove the line"
        )
    return warnings


def work_out_history(
    content_dir: Path,
    articles: Sequence[Article],
    config: Config,
    stored: Ledger | None,
    now: dt.datetime | None = None,
    record_urls: bool = True,
    pages: Sequence[Article] = (),
) -> History:
    """What of ``articles`` is out at ``now`` (default: the clock, or SOURCE_DATE_EPOCH),
    with ``updated``, ``seq``, ``first_published`` (and pinned dates) from the ledger
    ``stored`` (``load_ledger``), and the ledger to store once they are published.
    ``record_urls`` False (a preview at another address: ``--base-url``, ``sitegen
    serve``) adds no address to any article's history. ``pages`` are the standalone ones
    (``History.pages``)."""
    path = content_dir / LEDGER_NAME
    now = now or dates.now(config.zone)
    history, ledger = apply_ledger(articles, stored, config, now, record_urls, pages)
    ahead = _moved_ahead(history.articles, stored, now)
    renumbered = tuple(f"{path}: {w}" for w in history.warnings)
    once = renumbered + _recut(stored, config, history.last_seq, content_dir.parent)
    once += _republished(articles, stored) + _name_reused(articles, stored, content_dir.parent) + _out_late(history.articles, stored, ledger, now)
    warnings = renumbered + ahead + _updated_ahead(articles, now) + _corrections_ahead(articles, now) + once[len(renumbered) :]
    if ahead:  # they quote this clock: said again only at this clock
        steady = Steady(now, now + dt.timedelta(seconds=1))  # (to the second, as they quote it)
    else:
        recorded = [a.published for a in history.articles if a.id in ledger.articles]
        # A front-matter ``updated`` is used from its time on (``_updated``): the history
        # changes when the clock passes one.
        recorded += [a.updated for a in articles if a.updated_in_front_matter]
        # A correction dated ahead is warned of until its time (_corrections_ahead).
        recorded += [c.published for a in articles for c in a.corrections]
        steady = Steady(max((d for d in recorded if d <= now), default=None), min((d for d in recorded if d > now), default=None))
    return dataclasses.replace(history, warnings=warnings, once=once, steady=steady, stored=stored, ledger=ledger)


def write_history(content_dir: Path, history: History, inputs: Inputs, errors: list[SitegenError] | None = None) -> None:
    """Store the ledger ``history`` was worked out with, unless the file holds it already.

    A ledger that cannot be written (a folder in its place, a full disk) is an OutputError
    naming it: added to ``errors`` when given (the next build tries the write again);
    raised otherwise.
    """
    path = content_dir / LEDGER_NAME
    if history.ledger is None:
        return
    try:
        data = save_ledger(content_dir, history.ledger, history.stored)
    except OutputError as e:
        if errors is None:
            raise
        errors.append(e)
        # Recorded in a state no file matches: the next build finds the ledger changed, and
        # runs (and writes it) again, rather than replaying this build as "nothing to do".
        inputs.unwritten(path)
        data = None
    if data is not None:
        inputs.wrote(path, data)


def with_floors(history: History, shown: Mapping[str, int]) -> History:
    """``history`` with the ledger it stores (``History.ledger``) holding this build's
    floors: ``shown`` is, for each feed whose byte budget left entries out this build, the
    publication number of the oldest entry it shows (feeds.FeedWriter; others are not in
    it). A floor only moves forward: a lower number (an entry no archive holds yet, which
    the budget never leaves out, below an older floor) leaves it where it was.

    The drafts and future articles a preview shows (``--drafts``, or ``drafts = true`` in
    sitegen.toml, which records the rest) are numbered after ``last_seq`` and never
    recorded, and no budget leaves them out (feeds.select): a feed left with only those
    has left out every article published so far, and nothing more, which is the next
    number to be given. A floor among their numbers would shut out the articles published
    next, which are given those numbers again."""
    if history.ledger is None or not shown:
        return history
    floors = dict(history.ledger.floors)
    for name, oldest in shown.items():
        floor = min(oldest, history.last_seq + 1)
        if floor > floors.get(name, 0):
            floors[name] = floor
    if floors == history.ledger.floors:
        return history
    return dataclasses.replace(history, ledger=dataclasses.replace(history.ledger, floors=dict(sorted(floors.items()))))


def _recut(stored: Ledger | None, config: Config, last_seq: int, site_dir: Path) -> tuple[str, ...]:
    """A warning when ``archive_size`` is not the size the site's archive documents were
    cut with: this build cuts every one of them anew (archive 1 holds other articles), or
    takes them down, though they are meant never to change, and readers that keep archives
    fetch each only once. Said once: the ledger then records the new size."""
    old = stored.archive_size if stored is not None else 0
    if not old or old == config.archive_size:
        return ()
    full = last_seq // config.archive_size
    done = f"cuts them anew, into {full} of {config.archive_size} articles" if full else f"takes them down (none of {config.archive_size} is full yet)"
    return (
        f"{setting_place(site_dir, 'archive_size')}: archive_size: {config.archive_size}, but the site's archive documents"
        f" (feeds/archive/) are cut at {old} articles each: this build {done}, and feed readers that keep archives never"
        f" see the change (check --against stops such a deploy); set it back to {old} to keep them as readers have them",
    )


def _moved_ahead(articles: Sequence[Article], stored: Ledger | None, now: dt.datetime) -> tuple[str, ...]:
    """A warning for each article already published whose date now lies in the future: it
    stays out (readers have it), but feeds show it dated ahead, likely a slip of the date.
    Each says the same but for its file and line (the date's), so that many at once (a
    clock behind: a CI machine's, or SOURCE_DATE_EPOCH) are said as one, counted."""
    numbered = stored.articles if stored else {}
    warnings = []
    for article in articles:
        if article.published > now and not article.draft and numbered.get(article.id, _UNNUMBERED).seq:
            try:
                line = line_of(Path(article.source).read_text(encoding="utf-8", errors="replace"), "date", ":")
            except OSError:
                line = None
            warnings.append(
                f"{article.source}{f':{line}' if line else ''}: its date is after the build's clock ({dates.format_iso(now)}),"
                " but it is out already: it stays out, and feeds show it dated ahead"
            )
    return tuple(warnings)


def _updated_ahead(articles: Sequence[Article], now: dt.datetime) -> tuple[str, ...]:
    """A warning for each article out by its date whose front-matter ``updated`` is after
    the build's clock: a slip of the date (2052 for 2025), which ``_updated`` leaves out.
    Used, it would show readers an update still to come, date the feeds after every later
    change, and stay in the ledger as the latest change, after which every later edit
    would be dated."""
    warnings = []
    for article in articles:
        if article.updated_in_front_matter and article.updated > now and article.published <= now and not article.draft:
            warnings.append(
                f"{article.source}:{_line(article, 'updated') or 2}: updated {dates.format_iso(article.updated)} is after the"
                " build's clock: taken for a slip of the date and not used until then; correct it, or remove the line"
            )
    return tuple(warnings)


def _corrections_ahead(articles: Sequence[Article], now: dt.datetime) -> tuple[str, ...]:
    """A warning for each correction of an article out by its date that is dated after the
    build's clock: a slip of the date (2052 for 2025). Shown all the same, as written: what
    it says is what readers must be told, and holding it back until its date would hide it.
    (The parse, which never reads the clock, cannot say it.)"""
    warnings = []
    for article in articles:
        if article.published > now or article.draft:
            continue
        for c in (c for c in article.corrections if c.published > now):
            warnings.append(
                f"{article.source}:{c.line or _line(article, 'corrections') or 2}: corrections: date {dates.format_iso(c.published)} is"
                " after the build's clock: shown as written, and so dated on the page, in the feeds and in search engines' data; correct it"
            )
    return tuple(warnings)


LATE = dt.timedelta(days=2)
"""How long before its first publication an article may be dated and still be news to
the site's readers (Google News takes articles of the last two days)."""


def _out_late(articles: Sequence[Article], stored: Ledger | None, ledger: Ledger, now: dt.datetime) -> tuple[str, ...]:
    """A warning for each article this build publishes for the first time that is dated
    more than ``LATE`` before: most likely a draft published by removing its ``draft: true``
    line, dated when it was begun. It comes out below newer stories in every listing and
    feed reader, and out of Google News. A site's first build (all of its articles are old)
    says nothing, nor does an imported article (dated by its publisher)."""
    known = stored.articles if stored else {}
    if not any(entry.seq for entry in known.values()):
        return ()
    warnings = []
    for article in articles:
        # An imported article's date is its publisher's, and the importer's to keep.
        if article.draft or article.imported or known.get(article.id, _UNNUMBERED).seq or article.id not in ledger.articles or now - article.published <= LATE:
            continue
        try:
            line = line_of(Path(article.source).read_text(encoding="utf-8", errors="replace"), "date", ":")
        except OSError:
            line = None
        days = (now - article.published).days
        warnings.append(
            f"{article.source}{f':{line}' if line else ''}: out for the first time, but dated {dates.format_iso(article.published)},"
            f" {days} days ago: it is listed below newer stories and left out of Google News; if it is news, date it now"
            " (`sitegen publish` does so for a draft)"
        )
    return tuple(warnings)


def taken_over(articles: Sequence[Article], stored: Ledger | None, site_dir: Path) -> tuple[list[Article], list[SitegenError]]:
    """``articles`` less each whose id comes from its file's name (its front matter gives
    none) while the story the ledger published under that id now reads exactly as another
    file of this build: that story's file renamed, and a new story given its old name (a
    daily ``weather.md``). Published, the new story would take the old one's history: its
    number and its place in the archives, an update of it to feed readers, never shown as
    new. Each is an error (left out, as an article that cannot be read is) until it has an
    id of its own; the renamed file is told how to keep its id (``_republished``)."""
    from .content import id_from_name

    known = stored.articles if stored else {}
    # Made only for an article that may be taken over: none in most builds, which change no
    # article, or change one whose id is in its front matter.
    reading: dict[str, Article] | None = None
    kept: list[Article] = []
    errors: list[SitegenError] = []
    for article in articles:
        entry = known.get(article.id)
        if entry is None or article.draft or article.reads_as(entry.hash) or article.id != id_from_name(article.source):
            kept.append(article)
            continue
        if reading is None:
            reading = {h: a for a in reversed(articles) if not a.draft for h in (a.content_hash, a.html_hash)}  # the first file that reads so
        twin = reading.get(entry.hash)
        if twin is None or twin.id == article.id:
            kept.append(article)
            continue
        other = Path(os.path.relpath(twin.source, site_dir)).as_posix()
        where = f" at {entry.urls[-1]}" if entry.urls else ""
        errors.append(
            ContentError(
                article.source,
                f"has no 'id', so its id is made from its file's name: {article.id}, that of the article published{where},"
                f" which now reads exactly as {other} (renamed?); left out, as feed readers would take it for that article:"
                f" give it an id of its own ('id: {_own_id(article, site_dir)}'), and add 'id: {article.id}' to {other} if it is that article",
                _line(article, "title"),
            )
        )
    return kept, errors


def _own_id(article: Article, site_dir: Path) -> str:
    """An id to suggest for ``article``: the same for the same file and date on any machine."""
    seed = "\0".join((Path(os.path.relpath(article.source, site_dir)).as_posix(), dates.format_iso(article.published)))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"


def _line(article: Article, key: str) -> int | None:
    """The line of ``key`` in the article's file, for a message (None if it cannot be read)."""
    try:
        return line_of(Path(article.source).read_text(encoding="utf-8", errors="replace"), key, ":")
    except OSError:
        return None


def _name_reused(articles: Sequence[Article], stored: Ledger | None, site_dir: Path) -> tuple[str, ...]:
    """A warning for each article whose id comes from its file's name, which reads otherwise
    than the story the ledger published under that id and is dated days after that story
    first came out: an edited story, re-dated (then nothing is wrong), or a new story in
    the file of one taken down weeks before, which readers would get as an update of that
    one, in its place in the archives and perhaps in no feed. Only the author can tell:
    warned of, once, never left out (an article that is out must stay out)."""
    from .content import id_from_name

    known = stored.articles if stored else {}
    warnings = []
    for article in articles:
        entry = known.get(article.id)
        if entry is None or article.reads_as(entry.hash) or article.draft or article.id != id_from_name(article.source):
            continue
        first = _parse(entry.first, dt.UTC, article.published)
        if article.published - first <= LATE:
            continue
        line = _line(article, "title")
        where = f" at {entry.urls[-1]}" if entry.urls else ""
        warnings.append(
            f"{article.source}{f':{line}' if line else ''}: has no 'id', so its id is made from its file's name: {article.id},"
            f" that of the story first out{where} on {dates.format_iso(first)}, {(article.published - first).days} days before"
            f" this one's date: it is an update of that story to feed readers; if it is a new story, give it an id of its own"
            f" ('id: {_own_id(article, site_dir)}')"
        )
    return tuple(warnings)


def _republished(articles: Sequence[Article], stored: Ledger | None) -> tuple[str, ...]:
    """A warning for each article new to the ledger that reads exactly as one it published
    under an id no article of this build has: most likely that article, its file renamed
    (an id left out of the front matter is derived from the file's name) or its ``id``
    changed. Feed readers would show it again as new, and its old address lead nowhere.

    Only warned of, not taken for that article: two articles may read alike (a notice
    published twice, a story withdrawn and another written the same), and the one who
    knows says so in its front matter."""
    known = stored.articles if stored else {}
    fresh = [a for a in articles if a.id not in known and not a.draft]
    if not fresh:
        return ()  # the usual build: no need to look through the ledger's hashes
    wanted = {h for a in fresh for h in (a.content_hash, a.html_hash)}
    present = {a.id for a in articles}
    gone: dict[str, tuple[int, str]] = {}  # hash -> (seq, id) of the latest published one gone
    for key, entry in known.items():
        if entry.hash in wanted and key not in present and (entry.seq, key) > gone.get(entry.hash, (-1, "")):
            gone[entry.hash] = (entry.seq, key)
    warnings = []
    for article in fresh:
        found = max((gone[h] for h in (article.content_hash, article.html_hash) if h in gone), default=None)
        if found is None:
            continue
        old = found[1]
        try:
            line = line_of(Path(article.source).read_text(encoding="utf-8", errors="replace"), "id", ":") or 1
        except OSError:
            line = 1
        addresses = known[old].urls
        where = f" (at {addresses[-1]})" if addresses else ""
        warnings.append(
            f"{article.source}:{line}: reads exactly as the article published as {old}{where}, which feed readers"
            f" will show again as new: if it is that article, keep its id: add 'id: {old}' to its front matter"
        )
    return tuple(warnings)


def load_ledger(content_dir: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> Ledger | None:
    """The ledger on disk; None when there is none yet.

    The first version (a bare mapping of article id -> hash and updated) is read too: its
    articles get numbers in date order when the build that upgrades it runs. A ledger that
    cannot be read (damaged, cut short, left with merge-conflict markers, from a newer
    sitegen) raises ContentError: it holds what readers were shown, and a build that
    started its history anew would show them old entries as new and rewrite every archive.
    """
    path = content_dir / LEDGER_NAME
    # Looked at first, as every file of content/ is: a link could lead anywhere (/dev/zero
    # filled the memory) and a FIFO would hang the build.
    with contextlib.suppress(OSError):  # none, say: reading it tells
        kind = os.lstat(path).st_mode
        if stat.S_ISLNK(kind):
            raise _unreadable(path, "it is a symbolic link; the ledger is a file sitegen writes in content/")
        if not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
            raise _unreadable(path, "it is not a regular file")
    try:
        raw_bytes = read(path)
    except (FileNotFoundError, IsADirectoryError):
        return None  # none yet (a folder in its place holds no history: writing it says so)
    except OSError as e:
        raise _unreadable(path, f"{e.strerror}") from e
    try:
        stored = _LEDGER_DECODER.decode(raw_bytes)
    except (msgspec.MsgspecError, ValueError):
        return _read_leniently(raw_bytes, path)
    if stored.version != VERSION:
        return _read_leniently(raw_bytes, path)
    return Ledger(stored.feed_id, max((e.seq for e in stored.articles.values()), default=0) + 1, stored.articles, stored.archive_size, stored.floors, stored.rehearsal, stored.tags, stored.authors)


def for_readers(stored: Ledger | None, config: Config, content_dir: Path) -> tuple[Ledger | None, str]:
    """``stored``, or None when it is a rehearsal (``Ledger.rehearsal``) and ``config`` builds
    for a public address: with the warning that says so ("" otherwise). What builds at
    localhost recorded is the newsroom's, before launch: published with it, every article
    edited before then would show to readers, who never saw it, as updated, and the feeds
    would keep the numbers and byte budget floors of builds nobody read."""
    if stored is None or not stored.rehearsal or urls.is_local(config.base_url):
        return stored, ""
    return None, (
        f"{content_dir / LEDGER_NAME}: recorded by builds at a local address, before base_url named the site's: set aside, as this"
        f" is the first build for {config.base_url}; every article is published as of its date (none as updated), and from now on"
        " the ledger records what readers are shown"
    )


def _unreadable(path: Path, reason: str, line: int | None = None) -> ContentError:
    return ContentError(
        path,
        f"cannot be read as the ledger ({reason}); it holds what readers were shown, so the build stops rather than"
        f" start its history anew: restore it (git checkout -- content/{LEDGER_NAME}), or delete it to start anew",
        line,
    )


@dataclass(frozen=True, slots=True)
class OutBefore:
    """What the ledger knows of an article it has published, for one imported again."""

    date: dt.datetime
    """The date it was first published with (``published``); for an entry of a ledger
    written before that was kept, the earlier of its first appearance and its ``updated``
    (its date, unless it changed since)."""
    urls: tuple[str, ...]
    """Every address it has had, the last one last."""


def published_before(content_dir: Path, read: Callable[[Path], bytes], zone: dt.tzinfo) -> dict[str, OutBefore]:
    """Article id -> what the ledger knows of each article it has published."""
    stored = load_ledger(content_dir, read)
    found: dict[str, OutBefore] = {}
    for key, entry in (stored.articles if stored else {}).items():
        if entry.seq:
            with contextlib.suppress(ValueError):
                # Not ``first`` alone: that is when a build first put it out, later than its
                # date unless that build was the site's first (the importer's date, when it
                # imported and built in one go, and the build's clock ticked meanwhile).
                date = dates.parse_date(entry.published, zone) if entry.published else _first_dated(entry, zone)
                found[key] = OutBefore(date, entry.urls)
    return found


def _first_dated(entry: Entry, zone: dt.tzinfo) -> dt.datetime:
    """The nearest an entry without ``published`` knows of the date it was first published
    with: its ``updated`` is that date until the article changes, its ``first`` no earlier.
    Raises ValueError when ``first`` is not a date."""
    first = dates.parse_date(entry.first, zone)
    try:
        return min(first, dates.parse_date(entry.updated, zone))
    except ValueError:
        return first


class _Stored(msgspec.Struct):
    """The ledger file as this version writes it, decoded by msgspec in one go: 3x faster
    than json.loads and a check of each entry. Anything else (an older version, an entry
    of the wrong shape) is read by ``_read_leniently``, which keeps what it can."""

    version: int
    feed_id: str = ""
    archive_size: int = 0
    floors: dict[str, int] = {}
    rehearsal: bool = False
    tags: dict[str, tuple[str, ...]] = {}
    authors: dict[str, tuple[str, ...]] = {}
    articles: dict[str, Entry] = {}


_LEDGER_DECODER = msgspec.json.Decoder(_Stored)
_CONFLICT_RE = re.compile(rb"^(<{7}|>{7})( |$)", re.MULTILINE)


def _read_leniently(raw_bytes: bytes, path: Path = Path(LEDGER_NAME)) -> Ledger:
    """The ledger as far as it can be read: entries of another shape are left out, one by
    one. Raises ContentError for a file that is no ledger at all."""
    if conflict := _CONFLICT_RE.search(raw_bytes):
        line = raw_bytes.count(b"\n", 0, conflict.start()) + 1
        raise _unreadable(path, "merge-conflict markers: keep the entries of both sides, then remove the markers", line)
    try:
        data = json.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise _unreadable(path, "not UTF-8", raw_bytes.count(b"\n", 0, e.start) + 1) from e
    except json.JSONDecodeError as e:
        raise _unreadable(path, f"not JSON: {e.msg}", e.lineno) from e
    except RecursionError as e:
        raise _unreadable(path, "nested too deeply") from e
    if not isinstance(data, dict):
        raise _unreadable(path, "not a JSON object", 1)
    version = data.get("version")
    if version is None:
        legacy = {k: Entry(v["hash"], v["updated"], 0, "") for k, v in data.items() if _valid(v, {"hash": str, "updated": str})}
        return Ledger(articles=legacy)
    if version != VERSION:
        said = f"version {version}, from a newer sitegen" if isinstance(version, int) and version > VERSION else f"version {version!r}"
        raise _unreadable(path, f"{said}; this sitegen reads version {VERSION}", line_of(raw_bytes.decode("utf-8"), '"version"', ":"))
    raw = data.get("articles")
    if not isinstance(raw, dict):
        raise _unreadable(path, "its articles are not a JSON object", line_of(raw_bytes.decode("utf-8"), '"articles"', ":"))
    entries: dict[str, Entry] = {}
    names = [name for name in Entry.__struct_fields__ if name not in ("urls", "listed", "titles")]
    for key, value in raw.items():
        if _valid(value, {"hash": str, "updated": str, "seq": int, "first": str}):
            fields = {name: value.get(name, "") for name in names}
            entries[key] = Entry(**fields, urls=_strings(value.get("urls")), listed=_strings(value.get("listed")), titles=_strings(value.get("titles")))
    feed_id = data.get("feed_id")
    size = data.get("archive_size")
    raw_floors = data.get("floors")
    floors = {k: v for k, v in raw_floors.items() if type(v) is int} if isinstance(raw_floors, dict) else {}
    # next_seq is written for people reading the file; the numbers themselves decide.
    next_seq = max((e.seq for e in entries.values()), default=0) + 1
    rehearsal = data.get("rehearsal") is True
    return Ledger(
        feed_id if isinstance(feed_id, str) else "", next_seq, entries, size if type(size) is int and size > 0 else 0, floors, rehearsal,
        _slug_lists(data.get("tags")), _slug_lists(data.get("authors")),
    )


def _slug_lists(value: Any) -> dict[str, tuple[str, ...]]:
    """``tags`` or ``authors`` as written: what is not a list of strings (a hand edit) is left out."""
    if not isinstance(value, dict):
        return {}
    return {k: tuple(v) for k, v in value.items() if isinstance(v, list) and all(isinstance(s, str) for s in v)}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else ()


def _valid(value: Any, types: dict[str, type]) -> bool:
    return isinstance(value, dict) and all(type(value.get(k)) is t for k, t in types.items())


def apply_ledger(
    articles: Sequence[Article], stored: Ledger | None, config: Config, now: dt.datetime, record_urls: bool = True, pages: Sequence[Article] = ()
) -> tuple[History, Ledger]:
    """What is out, with the ledger's fields set, and the ledger to store.

    Out: every article the ledger has published (readers have it, even if its date has
    since been moved ahead or the clock went back), and every other one dated up to
    ``now`` (all of them with ``config.future``). Drafts and future articles a preview
    shows (``--drafts``, ``--future``) are numbered after all the others and not
    recorded: their numbers are given again when they are really published.
    """
    zone = config.zone
    old, renumbered = _numbered(stored.articles if stored else {})
    floors = stored.floors if stored else {}
    if renumbered and stored is not None:
        floors = _renumbered_floors(floors, stored.articles)
    # Each article's entry looked up once: those the ledger numbered, by number, then the rest.
    numbered: list[tuple[int, Article]] = []
    fresh: list[Article] = []
    for article in articles:
        if seq := old.get(article.id, _UNNUMBERED).seq:
            numbered.append((seq, article))
        else:
            fresh.append(article)
    numbered.sort(key=itemgetter(0))
    known = [article for _, article in numbered]
    held = sorted((a for a in fresh if a.published > now and not config.future), key=lambda a: a.published)
    waiting = {id(a) for a in held}
    # Articles the ledger has never numbered (all of them, for a site's first build) are
    # numbered in order of date, then of their seed or file name ("003_a.txt" before
    # "010_b.txt"): a batch imported together keeps the publisher's order.
    order = sorted((a for a in fresh if id(a) not in waiting), key=lambda a: (_is_preview(a, now), a.published, _file_order(a)))
    next_seq = max((e.seq for e in old.values()), default=0) + 1
    # A site's first build (or the first with this kind of ledger) publishes nothing new:
    # its articles appeared when they are dated.
    appearing = now if next_seq > 1 else None

    result: list[Article] = []
    texts = _Texts()
    # An article missing from this build (an error, a draft for a while) keeps its entry,
    # and so its number and its place in the archives when it comes back.
    entries = dict(old)
    recorded: list[Article] = []
    # Every address is the base URL and a path: whether it is worth remembering is the base URL's.
    remember = record_urls and not urls.is_local(config.base_url)
    for article in known + order:
        seen = old.get(article.id)
        published = article.published
        if seen is not None and article.floating_date and seen.date == article.floating_date and seen.published:
            published = texts.parse(seen.published, zone, published)
        if seen is not None and seen.seq:
            seq, first = seen.seq, texts.parse(seen.first, zone, published)
        else:
            seq, next_seq = next_seq, next_seq + 1
            first = max(published, appearing) if appearing else published
        updated = _updated(article, seen, published, first, zone, now, texts)
        url = config.base_url + article.path
        known_urls = seen.urls if seen else ()
        former = _without(known_urls, url)
        if remember:
            known_urls = (*former, url)
        # Titles are remembered whatever the address: a headline names a story, not a host.
        former_titles = _without(seen.titles, article.title) if seen else ()
        result.append(
            msgspec.structs.replace(
                article, published=published, updated=updated, seq=seq, first_published=first, former_urls=former, former_titles=former_titles
            )
        )
        if article.draft or (not (seen and seen.seq) and published > now):
            continue  # shown by a preview, not published
        recorded.append(article)
        entry = Entry(
            hash=article.content_hash,
            updated=texts.format(updated, seen.updated if seen else ""),
            seq=seq,
            first=texts.format(first, seen.first if seen else ""),
            date=article.floating_date,
            published=_published(article, seen, published, texts),
            urls=known_urls,
            listed=_listed(article, seen),
            titles=(*former_titles, article.title),
        )
        # Most articles are as the ledger has them: their stored entry is kept, and the
        # ledger holds no second copy of it.
        if entry != seen:
            entries[article.id] = entry
    pages = _as_pages(pages, old, entries, config, remember)
    tags, moved_tags = _former_slugs("tag", recorded, lambda a: a.tags, urls.tag_slug, stored.tags if stored else {}, old, remember)
    authors, moved_authors = _former_slugs(
        "author", recorded, lambda a: a.authors, lambda name: made_author_slug(config, name), stored.authors if stored else {}, old, remember
    )
    feed_id = stored.feed_id if stored else ""
    if not feed_id:  # (looked for only then: every build but the first has one)
        first_article = min(entries.items(), key=lambda item: item[1].seq or len(entries) + 1, default=("", _UNNUMBERED))[0]
        feed_id = _mint_feed_id(config, first_article)
    last_seq = max((e.seq for e in entries.values()), default=0)
    # Taken-down articles count too: removing the newest must not widen the feed window.
    shown = {a.id for a in result}
    firsts = [a.first_published for a in result if a.first_published is not None]
    firsts += [_parse(e.first, zone, EPOCH) for key, e in entries.items() if key not in shown and e.first]
    latest_first = max(firsts, default=None)
    warnings = ("publication numbers were not 1, 2, 3... (a merge, or a hand edit): renumbered in their order, so archive documents may change",) if renumbered else ()
    previews = [a for a in result if a.id not in entries]
    listed = _numbers_listed(entries, previews)
    moved = _aliased_slugs(moved_tags | moved_authors, config, listed, result)
    listed = _with_former_slugs(listed, moved, result)
    changed = _newest_updated(entries, result, previews, zone)
    history = History(
        result, held, feed_id=feed_id, last_seq=last_seq, pages=pages, latest_first=latest_first, listed=listed, changed=changed, floors=floors,
        moved=moved, warnings=warnings,
    )
    # The size the archive documents are cut with (feeds.archive_chunks), from the first one
    # out: from then on, a change of the setting cuts them anew (``_recut``).
    cut = last_seq >= config.archive_size or (stored is not None and stored.archive_size > 0)
    archive_size = config.archive_size if cut else 0
    # Kept a rehearsal while the site is built at a local address only: from the first build
    # for readers on, the ledger records what they were shown.
    rehearsal = urls.is_local(config.base_url) and (stored is None or stored.rehearsal)
    return history, Ledger(feed_id, last_seq + 1, entries, archive_size, floors, rehearsal, tags, authors)


def _former_slugs(
    kind: str,
    articles: Sequence[Article],
    named_in: Callable[[Article], Sequence[Tag | Author]],
    made_of: Callable[[str], str],
    known: Mapping[str, tuple[str, ...]],
    old: Mapping[str, Entry],
    remember: bool,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The ledger's ``tags`` (``kind`` "tag") or ``authors`` ("author") once ``articles`` are
    published (``known``: the stored ones; unchanged unless ``remember``, as a preview
    records no address), and the former slugs of their tags or bylines (``named_in`` an
    article) by ``<kind>:<slug>`` now (``History.moved``). ``made_of``: the slug a name
    makes with no table (urls.tag_slug, config.made_author_slug).

    One not recorded was at the slug its name makes, if it was out at all: an article of
    it listed there before (``old``) says so. Recorded without that, a tag or byline new to
    the site with a table of its own would be redirected from an address it never had,
    perhaps one a tag or byline taken down had: that one is not redirected anywhere."""
    # Names spelt alike have one slug (config.tag_slug, config.find_author): the first
    # article's name will do. Each spelt once, not once an article: the articles of a
    # build share their Tag and Author objects.
    spelling = {item: urls.spelling(item.name) for item in dict.fromkeys(item for article in articles for item in named_in(article))}
    named: dict[str, Tag | Author] = {}
    for item, spelt in spelling.items():
        named.setdefault(spelt, item)

    def listed_at(spelt: str, slug: str) -> bool:
        """Whether an article naming the one spelt ``spelt`` was listed at ``slug`` before."""
        name = f"{kind}:{slug}"
        return any(
            name in seen.listed for article in articles if (seen := old.get(article.id)) is not None and any(spelling[i] == spelt for i in named_in(article))
        )

    slugs = dict(known)
    moved: dict[str, tuple[str, ...]] = {}
    for spelt, item in sorted(named.items()):
        slug, made = item.slug, made_of(item.name)
        had = known.get(spelt)
        if had is None:
            # Looked for only for one a table moved and the ledger does not know yet.
            had = (made,) if made != slug and listed_at(spelt, made) else ()
        former = tuple(s for s in had if s != slug)
        if former:
            # Names spelt otherwise may share a slug now (C and C++, both tags/c/): those of both.
            key = f"{kind}:{slug}"
            moved[key] = tuple(dict.fromkeys((*moved.get(key, ()), *former)))
        if remember:
            if former or slug != made:
                slugs[spelt] = (*former, slug)
            else:
                slugs.pop(spelt, None)
    return dict(sorted(slugs.items())), dict(sorted(moved.items()))


def _as_pages(pages: Sequence[Article], old: dict[str, Entry], entries: dict[str, Entry], config: Config, remember: bool) -> list[Article]:
    """``pages`` (standalone), each that was out as a story (``page: true`` added to it) with
    the addresses the story had as ``former_urls``: redirected to the page, as a story's are
    when it moves (redirects.py), for the links shared and indexed. Its entry keeps its
    number and dates, as a story's taken down does, and records the page's address, as a
    story's new address: a page moved since, or made a story again, is redirected too.
    The ledger numbers and dates no page: one that never was a story is as it was."""
    found: list[Article] = []
    for page in pages:
        seen = old.get(page.id)
        if seen is None or not seen.seq:
            found.append(page)
            continue
        url = config.base_url + page.path
        former = tuple(u for u in seen.urls if u != url)
        if remember and not page.draft and seen.urls[-1:] != (url,):
            entries[page.id] = msgspec.structs.replace(seen, urls=(*former, url))
        found.append(msgspec.structs.replace(page, former_urls=former))
    return found


def _without(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    """``tuple(i for i in items if i != item)``, by C (twice an article, every build)."""
    return tuple(filter(item.__ne__, items))


def _listed(article: Article, seen: Entry | None) -> tuple[str, ...]:
    """The tags and bylines an article has been listed under: those it has now, and those
    it had (a tag dropped still holds its place in that tag's feed)."""
    old = seen.listed if seen is not None else ()
    # The usual case, looked for first without making a list: nothing new to remember.
    for t in article.tags:
        if "tag:" + t.slug not in old:
            break
    else:
        for a in article.authors:
            if "author:" + a.slug not in old:
                break
        else:
            return old
    now = [f"tag:{t.slug}" for t in article.tags] + [f"author:{a.slug}" for a in article.authors]
    return tuple(sorted({*now, *old}))


def _numbers_listed(entries: dict[str, Entry], previews: Sequence[Article]) -> dict[str, tuple[int, ...]]:
    """``tag:<slug>`` or ``author:<slug>`` -> the numbers of the articles ever listed under
    it, newest first; a preview's drafts and future articles (numbered, never recorded) too."""
    found: dict[str, list[int]] = {}
    for entry in entries.values():
        for name in entry.listed:
            found.setdefault(name, []).append(entry.seq)
    for article in previews:
        for name in _listed(article, None):
            found.setdefault(name, []).append(article.seq)
    return {name: tuple(sorted(numbers, reverse=True)) for name, numbers in sorted(found.items())}


def _aliased_slugs(
    moved: dict[str, tuple[str, ...]], config: Config, listed: Mapping[str, object], shown: Sequence[Article]
) -> dict[str, tuple[str, ...]]:
    """``moved`` (``History.moved``) with the slugs whose folders a live tag's or byline's
    table names among its ``aliases`` (``tags/weather/``, a tag renamed Climate) and that
    were out (``listed``: under ``tag:weather``): the table moved it from there as if by a
    slug, so its feeds are redirected there with what readers had of them (their count,
    their floor) rather than left with no entries."""
    tables = [("tag", info.slug, info.aliases) for info in config.tags if info.aliases]
    tables += [("author", info.slug, info.aliases) for info in config.authors if info.aliases]
    if not tables:
        return moved
    live = {f"tag:{tag.slug}" for article in shown for tag in article.tags} | {f"author:{a.slug}" for article in shown for a in article.authors}
    folder_of = {"tag": urls.tag_path, "author": urls.author_path}
    former = {folder_of[kind](slug): name for name in listed if (kind := name.partition(":")[0]) in folder_of and (slug := name.partition(":")[2])}
    found = dict(moved)
    for kind, slug, aliases in tables:
        key = f"{kind}:{slug}"
        if key not in live:
            continue  # a table of nothing out: its aliases are redirected nowhere (redirects.listing_moves)
        names = [name for folder in aliases if (name := former.get(folder)) is not None and name.startswith(kind + ":") and name not in live]
        if names:
            found[key] = tuple(dict.fromkeys((*found.get(key, ()), *(name.partition(":")[2] for name in names))))
    return dict(sorted(found.items()))


def _with_former_slugs(listed: dict[str, tuple[int, ...]], moved: Mapping[str, tuple[str, ...]], shown: Sequence[Article]) -> dict[str, tuple[int, ...]]:
    """``listed`` (``_numbers_listed``) with the numbers listed under the former slugs of each
    tag or byline a table moved (``moved``) counted under its slug now too: an article taken
    down before the move is listed under the old slug alone, and its redirected subscribers'
    feed must still count it. A former slug that a tag or byline of ``shown`` has now is
    that one's, and not counted."""
    found = dict(listed)
    if not moved:
        return found  # the usual build: no need to name every tag and byline shown
    live = {f"tag:{t.slug}" for a in shown for t in a.tags} | {f"author:{a.slug}" for article in shown for a in article.authors}
    for name, former in moved.items():
        kind = name.partition(":")[0]
        numbers = set(listed.get(name, ()))
        for slug in former:
            if (old := f"{kind}:{slug}") not in live:
                numbers.update(listed.get(old, ()))
        found[name] = tuple(sorted(numbers, reverse=True))
    return found


def _newest_updated(entries: dict[str, Entry], shown: Sequence[Article], previews: Sequence[Article], zone: dt.tzinfo) -> dict[str, dt.datetime]:
    """``tag:<slug>``, ``author:<slug>`` and "" (the site) -> when the articles ever listed
    under it (``_numbers_listed``), taken-down ones included, and a preview's drafts and
    future articles last changed or appeared (model.Article.last_seen_change): the date of
    its feed once it has no entries left."""
    dated = {a.id: a.last_seen_change for a in shown}  # worked out already: only taken-down ones are parsed
    found: list[tuple[tuple[str, ...], dt.datetime]] = [(_listed(a, None), a.last_seen_change) for a in previews]
    for key, entry in entries.items():
        date = dated.get(key)
        if date is None:
            try:
                date = dates.parse_date(entry.updated, zone)
            except ValueError:
                continue  # a hand edit: no date to go by
            date = max(date, _parse(entry.first, zone, date))
        found.append((entry.listed, date))
    newest: dict[str, dt.datetime] = {"": max(date for _, date in found)} if found else {}
    for names, date in found:
        for name in names:
            known = newest.get(name)
            if known is None or date > known:
                newest[name] = date
    return dict(sorted(newest.items()))


_UNNUMBERED = Entry("", "", 0, "")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _is_preview(article: Article, now: dt.datetime) -> bool:
    return article.draft or article.published > now


def _numbered(entries: dict[str, Entry]) -> tuple[dict[str, Entry], bool]:
    """``entries`` with publication numbers 1, 2, 3... as every build leaves them; when
    they are not (two branches merged, a hand edit), renumbered in their order: (entries,
    whether they were). Entries of the first ledger version have none yet (0)."""
    # Numbers 1 to n: n of them, none twice, none below 1 or above n (no sort needed).
    seqs = [e.seq for e in entries.values() if e.seq]
    if not seqs or (min(seqs) == 1 and max(seqs) == len(seqs) == len(set(seqs))):
        return entries, False
    numbered = sorted((e.seq, key) for key, e in entries.items() if e.seq)
    fixed = dict(entries)
    for n, (_, key) in enumerate(numbered, start=1):
        fixed[key] = msgspec.structs.replace(entries[key], seq=n)
    return fixed, True


def _renumbered_floors(floors: dict[str, int], entries: dict[str, Entry]) -> dict[str, int]:
    """``floors`` in the numbers ``_numbered`` gives ``entries``: each floor moves to where
    the first article numbered at or after it now is, in their order, which renumbering keeps."""
    numbers = sorted(e.seq for e in entries.values() if e.seq)
    return {name: bisect.bisect_left(numbers, floor) + 1 for name, floor in floors.items()}


def _updated(
    article: Article, seen: Entry | None, published: dt.datetime, first: dt.datetime, zone: dt.tzinfo, now: dt.datetime, texts: _Texts
) -> dt.datetime:
    written = article.updated
    # A correction is a change readers were shown when it was made: an article first seen
    # with one (a site brought from another tool), or whose written ``updated`` is older, is
    # dated by it, not said to be unchanged since before it. One dated after the clock is a
    # slip (``_corrections_ahead`` warns) and dates nothing.
    corrected = max((c.published for c in article.corrections if c.published <= now), default=published) if article.corrections else published
    if article.updated_in_front_matter:
        if written <= now or published > now:
            return max(written, published, corrected)
        # After the clock, of an article out by its date: a slip (``_updated_ahead`` warns).
        # Left out, as if not written, until its time: stored, it would stay the article's
        # latest change, and date every later edit after it.
        written = published
    if seen is None:
        return max(written, published, corrected)  # first sight: the article's own date
    before = texts.parse(seen.updated, zone, written)
    if article.reads_as(seen.hash):
        # Its text as readers have it. ``updated`` after ``first`` is a change they were
        # shown once the article was out (an edit, dated when it was seen): it stands.
        # Before that it is only the date the article had (as ``_first_dated`` reads it),
        # and follows a corrected date, earlier as later: a date corrected alone is no
        # update, and its page and feed entries would show it as one ("Updated ...").
        return max(before, published) if before > first else published
    # Changed now, and after its last change: a clock behind the last build's (a CI machine's,
    # SOURCE_DATE_EPOCH from an older commit) must not move it back (RFC 4287 4.2.15: the
    # most recent change), which readers would not take for a change at all. And after it
    # first appeared: an edit read at the second it appeared (or with a clock behind that)
    # would be stored as no later than ``first``, which the next build reads, above, as only
    # the date the article had: "Updated" on its page and in feeds, then gone again.
    second = dt.timedelta(seconds=1)
    return max(dates.import_time(zone), before + second, first + second, published)


def _published(article: Article, seen: Entry | None, published: dt.datetime, texts: _Texts) -> str:
    """The entry's ``published``: for a date without an offset, the instant it is read as
    (kept while the text is); for an imported article, the date it was first published
    with, kept whatever its date becomes. An article imported again, its file deleted, is
    dated so (``published_before``): feeds show it as they did, not as news of today."""
    if article.floating_date:
        return texts.format(published, seen.published if seen else "")
    if not article.imported:
        return ""
    if seen is not None and seen.seq and seen.published:
        return seen.published
    return dates.format_iso(published)  # first published now (or first seen by a ledger without it)


def _parse(value: str, zone: dt.tzinfo, fallback: dt.datetime) -> dt.datetime:
    """``dates.parse_date(value, zone)``, or ``fallback`` when ``value`` is no date."""
    if (read := _read(value)) is not None:
        return read
    try:
        return dates.parse_date(value, zone)
    except ValueError:
        return fallback


class _Texts:
    """The dates one build reads from the ledger, by their text: a date stored again as it
    was read (an article's ``first``; its ``updated``, unless it changed) is written as that
    text, not formatted anew (``dates.format_iso``: twice an article, 1.3 µs each)."""

    __slots__ = ("_read",)

    def __init__(self) -> None:
        self._read: dict[str, dt.datetime] = {}

    def parse(self, value: str, zone: dt.tzinfo, fallback: dt.datetime) -> dt.datetime:
        """``_parse(value, zone, fallback)``, remembered when ``value`` is the text of a date."""
        read = self._read.get(value)  # (an article's first and updated are often one text)
        if read is not None:
            return read
        read = _read(value)
        if read is None:
            return _parse(value, zone, fallback)
        self._read[value] = read
        return read

    def format(self, value: dt.datetime, was: str) -> str:
        """``dates.format_iso(value)``: ``was``, when ``parse`` read it as ``value`` (the same
        instant at the same UTC offset, which ``format_iso`` writes alike)."""
        read = self._read.get(was)
        if read is not None and (read is value or (read == value and read.utcoffset() == value.utcoffset())):
            return was
        return dates.format_iso(value)


_WRITTEN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]")
"""(An offset of "-00:60" is read as -01:00: its minutes are checked here.)"""


def _read(value: str) -> dt.datetime | None:
    """``value`` read as ``dates.parse_date`` reads it, when it is a date as the ledger writes
    them (``dates.format_iso``, whose text it gives back); None for any other text. Two a
    stored article, every build: 0.4 µs each, not 0.8 (no digits of other scripts, no "Z", no
    fraction of a second, an offset of whole minutes, a year far from overflowing in UTC)."""
    if not _WRITTEN.fullmatch(value) or value.endswith("-00:00"):  # (format_iso writes +00:00)
        return None
    try:
        read = dt.datetime.fromisoformat(value)
    except ValueError:
        return None  # a month 13, a 31 April: parse_date says why
    return read if 1000 <= read.year < 9999 else None


def _file_order(article: Article) -> tuple[int, str]:
    """Seed or content file name order, numeric prefixes by value: 9_x before 10_y."""
    name = Path(article.source).name
    digits = len(name) - len(name.lstrip("0123456789"))
    return (int(name[:digits]) if digits else -1, name)


def _mint_feed_id(config: Config, first_article: str) -> str:
    # Minted when the site first publishes, then kept: moving it to https or a sub-path
    # later changes nothing. Named after what the site was then (its address, its title and
    # its first article's id), not drawn at random, so that two clean builds of a new site
    # agree; the article's id tells apart two sites made with the default settings.
    name = "\0".join((config.base_url, config.title, first_article))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def save_ledger(content_dir: Path, ledger: Ledger, stored: Ledger | None = None) -> bytes | None:
    """Write the ledger unless it holds that already: the bytes written, or None.

    ``stored`` is the ledger as loaded: when nothing changed, the file is not even encoded.
    """
    path = content_dir / LEDGER_NAME
    if ledger == stored or (not ledger.articles and not path.exists()):
        return None
    data = _ledger_bytes(ledger)
    return data if write_if_changed(path, data) else None


_string = json.encoder.encode_basestring  # json.dumps(text, ensure_ascii=False), in C


def entry_json(e: Entry) -> str:
    """``json.dumps`` of the entry's fields (``ensure_ascii=False, sort_keys=True``), spelt
    out: a build that changes one article writes 10,000 entries (100 -> 30 ms)."""
    fields = [f'"date": {_string(e.date)}'] if e.date else []
    fields += [f'"first": {_string(e.first)}', f'"hash": {_string(e.hash)}']
    if e.listed:
        fields.append(f'"listed": [{", ".join(_string(name) for name in e.listed)}]')
    if e.date or e.published:
        fields.append(f'"published": {_string(e.published)}')
    fields.append(f'"seq": {int(e.seq)}')
    if e.titles:
        fields.append(f'"titles": [{", ".join(_string(title) for title in e.titles)}]')
    fields.append(f'"updated": {_string(e.updated)}')
    if e.urls:
        fields.append(f'"urls": [{", ".join(_string(url) for url in e.urls)}]')
    return "{" + ", ".join(fields) + "}"


class _EntryFields(msgspec.Struct, omit_defaults=True):
    """An entry's fields as ``entry_json`` writes them, for msgspec: in order of name, and
    each that it leaves out when empty with that as its default (None: always written)."""

    date: str = ""
    first: str | None = None
    hash: str | None = None
    listed: tuple[str, ...] = ()
    published: str | None = None
    seq: int | None = None
    titles: tuple[str, ...] = ()
    updated: str | None = None
    urls: tuple[str, ...] = ()


_ENCODE = msgspec.json.Encoder().encode


def _entry_bytes(e: Entry) -> bytes:
    """``entry_json(e)`` in UTF-8, written by msgspec (spaces after ``:`` and ``,`` put in by
    ``msgspec.json.format``): a build that changes one article writes 10,000 entries."""
    published = e.published if e.date or e.published else None
    fields = _EntryFields(
        date=e.date, first=e.first, hash=e.hash, listed=e.listed, published=published, seq=int(e.seq), titles=e.titles, updated=e.updated, urls=e.urls
    )
    return msgspec.json.format(_ENCODE(fields), indent=0)


def _slug_lists_json(key: str, slugs: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The lines of ``tags`` or ``authors`` (``key``) in the ledger's JSON, one a name; none when empty."""
    if not slugs:
        return []
    lines = ",\n".join(f"  {_string(name)}: [{', '.join(_string(slug) for slug in had)}]" for name, had in sorted(slugs.items()))
    return [f" {_string(key)}: {{", lines, " },"]


def dump_ledger(ledger: Ledger) -> str:
    """The ledger as JSON, one line per article: diffs of a committed ledger stay readable."""
    return "\n".join(_head_lines(ledger) + _entry_lines(ledger) + [" }", "}"]) + "\n"


def _ledger_bytes(ledger: Ledger) -> bytes:
    """``dump_ledger(ledger)`` in UTF-8, its entries written by msgspec (``_entry_bytes``):
    10,000 entries in 18 ms, 30 through ``entry_json``. Text that UTF-8 cannot carry (a lone
    surrogate, from a hand edit) is left to ``dump_ledger``, to fail as it does."""
    try:
        head = "\n".join(_head_lines(ledger)).encode() + b"\n"
        entries = [b"  " + _string(key).encode() + b": " + _entry_bytes(ledger.articles[key]) for key in sorted(ledger.articles)]
    except UnicodeEncodeError:
        return dump_ledger(ledger).encode("utf-8")
    return head + b",\n".join(entries) + (b"\n" if entries else b"") + b" }\n}\n"


def _entry_lines(ledger: Ledger) -> list[str]:
    entries = [f"  {_string(key)}: {entry_json(ledger.articles[key])}" for key in sorted(ledger.articles)]
    return [",\n".join(entries)] if entries else []


def _head_lines(ledger: Ledger) -> list[str]:
    """The lines of ``dump_ledger`` before its entries."""
    return [
        "{",
        f' "version": {VERSION},',
        f' "feed_id": {json.dumps(ledger.feed_id, ensure_ascii=False)},',
        f' "next_seq": {ledger.next_seq},',
        *([f' "archive_size": {ledger.archive_size},'] if ledger.archive_size else []),
        *([f' "floors": {{{", ".join(f"{_string(name)}: {int(n)}" for name, n in sorted(ledger.floors.items()))}}},'] if ledger.floors else []),
        *([' "rehearsal": true,'] if ledger.rehearsal else []),
        *_slug_lists_json("tags", ledger.tags),
        *_slug_lists_json("authors", ledger.authors),
        ' "articles": {',
    ]

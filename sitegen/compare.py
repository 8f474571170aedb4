"""Two builds' feeds as a subscriber sees them: what a reader would get wrong if the new
build went live.

Readers trust what they saw once: an entry's id, its ``updated`` date, an archive
document. Once a new build is deployed, a changed id shows an old article again as new, a
moved ``updated`` marks it unread, and an entry gone from the feed and from every archive
is lost to anyone who had not fetched it yet. None of that can be undone after deploying,
so ``sitegen check --against OLD`` compares the new output with the last one (a folder, or
the live site's address) before it goes live.

An old build is read through its own links: each format's subscription document, then
every archive document reached by ``prev-archive`` (``next_url`` in JSON Feed), only
ever inside the old build (its folder, or its site's address over http or https). What
is read is untrusted and bounded: documents, bytes and time in all. A document that
cannot be read is a problem too: whatever it held would go unchecked.

An entry gone from the feed and every archive is lost to readers, unless it was taken down
on purpose (a legal request, a retraction): the site's ledger records it published, and no
content file or seed of the site holds its id any more. Such a takedown is a note, not a
problem; ``--allow-removed`` lets go an entry the site's files cannot vouch for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from . import cache, dates, urls
from .check import Problem
from .config import Config
from .content import held_ids
from .errors import SitegenError, shown_path
from .feeds import FORMATS
from .ledger import LEDGER_NAME, load_ledger
from .seeds import seed_id
from .text import html_to_text

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_DOCUMENTS = 2000
"""Documents read of one old build, in all: its feeds and every archive behind them."""
MAX_BYTES = 200 * 2**20
"""Bytes read of one old build, in all."""
MAX_SECONDS = 300.0
"""Time spent reading one old build over the network, in all."""
TIMEOUT = 30
# What popular readers refuse to fetch: a feed over these limits stops updating there.
READER_LIMITS = ((5 * 2**20, "CommaFeed"), (15 * 2**20, "Miniflux"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as a reader keeps it."""

    id: str
    link: str
    title: str
    updated: str
    published: str
    text: str
    """What the entry shows (its content, else its summary), as text with spaces folded."""
    pictures: tuple[tuple[str, str], ...] = ()
    """The address and alt text of each picture it shows (in its content, and its
    media:content, enclosure or JSON Feed image, with no alt text), sorted: a picture
    replaced, or said otherwise, is an update the build dates."""
    language: str = ""
    """Its own language, when it gives one (Atom's xml:lang, JSON Feed's language): a story
    marked as in another is an update the build dates too."""
    whole: bool = True
    """Whether it carries the story's text, not its summary alone (feed_content = "summary",
    or a story too long for the byte budget): an edit of a summary's story shows in no
    word of it, yet is an update the build dates."""

    def shows_as(self, other: Entry, site: str = "", other_site: str = "") -> bool:
        """Whether a reader is shown the same of it as of ``other``, text and all: then its
        updated date should not have moved. ``site`` and ``other_site``: the addresses of
        the sites they are of, under which a picture is the same wherever the site is."""
        return (self.whole, self.text, self.title, self.published, _under(self.pictures, site), self.language) == (
            True, other.text, other.title, other.published, _under(other.pictures, other_site), other.language
        ) and other.whole


def _under(pictures: tuple[tuple[str, str], ...], site: str) -> tuple[tuple[str, str], ...]:
    """``pictures`` (Entry.pictures) with their addresses under ``site`` made relative to it:
    a site moved (base_url) moves its pictures' addresses, not the pictures."""
    if not site:
        return pictures
    return tuple(sorted((address.removeprefix(site) if address.startswith(site) else address, alt) for address, alt in pictures))


@dataclass
class Feed:
    """One format of one build's site feed: its subscription document and its archives."""

    subscription: str = ""
    """The subscription document's path (or URL)."""
    site: str = ""
    """The site's address, as the subscription document gives it (its folder)."""
    size: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    """Id -> entry, from the subscription document and every archive."""
    archives: dict[str, bytes] = field(default_factory=dict)
    """Archive document path (on the site) -> its bytes."""
    archived_ids: dict[str, list[str]] = field(default_factory=dict)
    """Archive document path -> the ids it holds, in order."""
    unreadable: list[str] = field(default_factory=list)
    """Documents that could not be read (a link to nothing, not a feed, over the limits)."""


@dataclass
class _Budget:
    """What is left of the documents, bytes and time one old build may take to read."""

    documents: int = MAX_DOCUMENTS
    bytes: int = MAX_BYTES
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)

    def take(self, size: int) -> bool:
        self.documents -= 1
        self.bytes -= size
        return self.documents >= 0 and self.bytes >= 0 and time.monotonic() < self.deadline


Fetch = Callable[[str, _Budget], bytes | None]


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed between two builds' feeds, as their subscribers see it."""

    problems: tuple[Problem, ...]
    """What readers would get wrong: the new build should not go live."""
    notes: tuple[Problem, ...] = ()
    """Changes readers may be slow to see, but nothing wrong: corrections to archived
    entries (RFC 5005 lets an archive document change; its entries may not), articles
    taken down on purpose."""


@dataclass(frozen=True, slots=True)
class Sources:
    """What the site's own files say of the articles in its feeds."""

    published: frozenset[str] = frozenset()
    """The ids the ledger records as published (it keeps them after a takedown)."""
    numbered: frozenset[str] = frozenset()
    """The ids the build of the new output published for the first time, as its cache says
    (empty when it cannot: no cache, or one of a build into another folder)."""
    files: dict[str, str] = field(default_factory=dict)
    """Id -> the content file that holds it, drafts included."""
    drafts: dict[str, str] = field(default_factory=dict)
    """Id -> content file of every draft."""
    pages: dict[str, str] = field(default_factory=dict)
    """Id -> content file of every standalone page (``page: true``): a story made one is
    taken out of the feeds on purpose."""
    seeds: dict[str, str] = field(default_factory=dict)
    """Id -> the seed in seeds/ it is imported from."""
    unreadable: tuple[str, ...] = ()
    """Content files whose id cannot be read, as their errors say: any may hold any id."""
    ledger: str = LEDGER_NAME
    """The ledger's path, as messages name it."""
    allowed: tuple[str, ...] = ()
    """Ids or addresses of entries let go whatever the files say (``--allow-removed``)."""


def read_sources(site_dir: Path, config: Config, allowed: Sequence[str] = (), out: Path | None = None) -> Sources:
    """What the content files, the seeds and the ledger of the site in ``site_dir`` say, and
    the cache of the build that made ``out``."""
    content_dir = site_dir / "content"
    state = cache.load_state(site_dir, cache.generator_id())
    made_here = out is not None and state.output_dir == str(out.resolve())
    held = held_ids(content_dir, config)
    seeds = {seed_id(Path(name).stem): name for name in cache.find_seeds(site_dir / "seeds").seeds}
    ledger = load_ledger(content_dir)
    return Sources(
        published=frozenset(ledger.articles) if ledger else frozenset(),
        numbered=frozenset(state.report.numbered) if made_here else frozenset(),
        files=held.files,
        drafts=held.drafts,
        pages=held.pages,
        seeds=seeds,
        unreadable=tuple(str(e) for e in held.unreadable),
        ledger=shown_path(content_dir / LEDGER_NAME),
        allowed=tuple(allowed),
    )


def check_against(where: str, out: Path, site_dir: Path, config: Config, now: dt.datetime, allowed: Sequence[str] = ()) -> Comparison:
    """What a subscriber would get wrong if the build in ``out`` replaced the one at
    ``where``: an output folder, or the address of the live site (or of its feed).
    ``allowed``: ids or addresses of entries that may go (``--allow-removed``).
    Raises SitegenError when ``where`` holds no feed at all."""
    if not where.startswith(("http://", "https://")) and not Path(where).is_dir():
        raise SitegenError(None, f"{where} is neither an output folder nor an http(s) address")
    if not where.startswith(("http://", "https://")) and Path(where).resolve() == out.resolve():
        # A build writes over its output folder: compared with itself, any build passes.
        raise SitegenError(
            None, f"{where} is the output folder being checked: give a copy of the last build's (made before this build) or the live site's address"
        )
    old = read_build(where)
    if not any(feed.entries for feed in old.values()):
        why = next((f" ({reason})" for feed in old.values() for reason in feed.unreadable), "")
        raise SitegenError(
            None, f"no feed found at {where}{why}: give the output folder or the address of the last build (before a site's first deploy, leave out --against)"
        )
    serves = _serves(out)
    compared = compare(old, read_build(str(out)), now, read_sources(site_dir, config, allowed, out), serves)
    site = next((feed.site for feed in old.values() if feed.site), "")
    # A feed's old address is sent on by the hosts' lists alone (a feed reader follows no
    # redirect page): a moved tag's feeds, say.
    redirected = _redirected(out, urls.Urls(config.base_url).base_path)
    return dataclasses.replace(compared, notes=compared.notes + tuple(_feeds_gone(where, site, lambda path: serves(path) or path in redirected)))


SUBSCRIBE_PAGE = "subscribe/"
"""The page that lists every feed of a build (the theme's subscribe.html)."""


def _feeds_gone(where: str, site: str, serves: Callable[[str], bool]) -> list[Problem]:
    """A note for each folder of feeds the build at ``where`` (of address ``site``) lists on
    its subscribe page that the new build has none of: a tag or byline removed or renamed,
    whose subscribers get an error from then on."""
    budget = _Budget()
    try:
        if where.startswith(("http://", "https://")):
            data = _fetch_url(_site_address(where) + SUBSCRIBE_PAGE, budget)
        else:
            data = _folder_reader(Path(where))(SUBSCRIBE_PAGE + "index.html", budget)
        links = [str(a.get("href", "")) for a in lxml_html.fromstring(data).iter("a")] if data else []
    except (ValueError, etree.ParserError, RecursionError):
        return []  # an old build without the page, or unreadable: nothing to compare
    if not site:
        return []
    gone: dict[str, list[str]] = {}
    for href in links:
        url = urljoin(site, href)
        if not url.startswith(site):  # another site's feed, or one above the base path
            continue
        folder, _, name = urlsplit(url[len(site) :]).path.rpartition("/")
        if folder and name in FORMATS.values() and not serves(f"{folder}/{name}"):
            gone.setdefault(folder, []).append(name)
    return [
        Problem(f"{folder}/", f"its feeds ({', '.join(names)}) are gone from the new build (a tag or byline removed or renamed?): their subscribers get an error from now on")
        for folder, names in sorted(gone.items())
    ]


def _serves(out: Path) -> Callable[[str], bool]:
    """Whether the build in ``out`` answers a site path (a page, or a redirect page)."""

    def serves(path: str) -> bool:
        try:
            target = urls.safe_join(out, path)
        except ValueError:
            return False
        return target.is_file() or (target / "index.html").is_file()

    return serves


def _redirected(out: Path, base_path: str) -> frozenset[str]:
    """The old addresses, as decoded site paths, that ``_redirects`` in ``out`` sends on
    with a 301 (redirects.netlify)."""
    from .redirects import listed

    base = unquote(base_path)
    return frozenset(old[len(base) :] for old in listed(out) if old.startswith(base))


def read_build(where: str) -> dict[str, Feed]:
    """Format -> the site feed of the build at ``where``: an output folder, or the address
    of a live site (or of one of its feeds)."""
    budget = _Budget()
    if where.startswith(("http://", "https://")):
        base = _site_address(where)
        return {fmt: _read_feed(base + name, base, _fetch_url, budget) for fmt, name in FORMATS.items()}
    return {fmt: _read_feed(name, "", _folder_reader(Path(where)), budget) for fmt, name in FORMATS.items()}


def _site_address(where: str) -> str:
    """The address of the site at ``where``: ``where`` itself when it names a folder
    (``https://example.org``, ``https://example.org/news``), else the folder of the feed it
    names (``https://example.org/news/atom.xml``); always ending in a slash."""
    parts = urlsplit(where)
    head, _, last = (parts.path or "/").rpartition("/")
    folder = head + "/" if "." in last else (parts.path or "/").rstrip("/") + "/"
    return f"{parts.scheme}://{parts.netloc}{folder}"


def _folder_reader(folder: Path) -> Fetch:
    def fetch(path: str, budget: _Budget) -> bytes | None:
        try:
            target = urls.safe_join(folder, path)  # never out of the folder
            if not target.is_file() or not budget.take(target.stat().st_size):
                return None
            return target.read_bytes()
        except (OSError, ValueError):
            return None

    return fetch


def _fetch_url(url: str, budget: _Budget) -> bytes | None:
    """The bytes at ``url``; None over the budget; ValueError saying why it could not be had
    (refused, no such host, a 404: what a CI log should show)."""
    request = urllib.request.Request(url, headers={"User-Agent": "sitegen check"})
    chunks: list[bytes] = []
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if urlsplit(response.geturl()).scheme not in ("http", "https"):
                return None
            # Read in pieces: a server that trickles bytes meets the overall deadline.
            while chunk := response.read(1 << 16):
                chunks.append(chunk)
                if not budget.take(0) or sum(map(len, chunks)) > budget.bytes:
                    return None
    except urllib.error.HTTPError as e:
        raise ValueError(f"cannot be read: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise ValueError(f"cannot be read: {e.reason}") from None
    except (http.client.HTTPException, OSError, ValueError) as e:
        raise ValueError(f"cannot be read: {e}") from None
    data = b"".join(chunks)
    return data if budget.take(len(data)) else None


def _read_feed(first: str, base: str, fetch: Fetch, budget: _Budget) -> Feed:
    feed = Feed(subscription=first)
    where: str | None = first
    seen: set[str] = set()
    while where and where not in seen:
        seen.add(where)
        try:
            data = fetch(where, budget)
            if data is None:
                raise ValueError("cannot be read")
            entries, older, self_url = _parse(data)
        except (etree.XMLSyntaxError, ValueError, RecursionError) as e:
            feed.unreadable.append(f"{where}: {e}")
            break
        if where == first:
            feed.size = len(data)
            feed.site = self_url.rsplit("/", 1)[0] + "/" if self_url else ""
        else:
            # By its path on the site, as in a folder: the old build read live and the new
            # one in its folder name each archive alike, so that the two are compared.
            path = where[len(base) :] if base else where
            feed.archives[path] = data
            feed.archived_ids[path] = [e.id for e in entries]
        for entry in entries:
            feed.entries.setdefault(entry.id, entry)
        if not older:
            break
        # Links are absolute, to wherever the build was meant to be hosted. Followed only
        # inside the build: on the live site, under its address; in a folder, as paths
        # under the address its subscription document gives.
        if base:
            where = urljoin(where, older)
            where = where if where.startswith(base) else None
        else:
            where = older[len(feed.site) :] if feed.site and older.startswith(feed.site) else None
    return feed


def _parse(data: bytes) -> tuple[list[Entry], str | None, str]:
    """(entries, the link to the older archive, the document's own URL)."""
    if data.lstrip()[:1] == b"{":
        doc = json.loads(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
            raise ValueError("not a JSON Feed")
        entries = [
            Entry(
                str(i.get("id", "")),
                str(i.get("url", "")),
                str(i.get("title", "")),
                str(i.get("date_modified", "")),
                str(i.get("date_published", "")),
                _text(str(i.get("content_html") or i.get("content_text") or i.get("summary") or "")),
                _pictures(str(i.get("content_html") or ""), [str(i.get(key) or "") for key in ("image", "banner_image")]),
                str(i.get("language") or ""),
                # A summary's item gives it as its text (feeds.py), with its picture as HTML.
                not i.get("content_text") or i.get("content_text") != i.get("summary"),
            )
            for i in doc["items"]
            if isinstance(i, dict)
        ]
        older = doc.get("next_url")
        return entries, older if isinstance(older, str) else None, str(doc.get("feed_url", ""))
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag == f"{ATOM}feed":
        entries = []
        for e in root.iter(f"{ATOM}entry"):
            link = next((x.get("href", "") for x in e.iter(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"), "")
            shown = e.findtext(f"{ATOM}content") or e.findtext(f"{ATOM}summary") or ""
            entries.append(
                Entry(
                    e.findtext(f"{ATOM}id") or "",
                    link,
                    e.findtext(f"{ATOM}title") or "",
                    e.findtext(f"{ATOM}updated") or "",
                    e.findtext(f"{ATOM}published") or "",
                    _text(shown),
                    _pictures(e.findtext(f"{ATOM}content") or "", _media(e)),
                    e.get(_XML_LANG) or "",
                    e.find(f"{ATOM}content") is not None,
                )
            )
        return entries, _link(root, "prev-archive"), _link(root, "self") or ""
    channel = root.find("channel")
    if channel is None:
        raise ValueError("neither Atom, RSS nor JSON Feed")
    entries = []
    for item in channel.iter("item"):
        shown = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or item.findtext("description") or ""
        entries.append(
            Entry(
                item.findtext("guid") or "",
                item.findtext("link") or "",
                item.findtext("title") or "",
                "",
                item.findtext("pubDate") or "",
                _text(shown),
                _pictures(shown, _media(item)),
            )
        )
    return entries, _link(channel, "prev-archive"), _link(channel, "self") or ""


def _link(parent: etree._Element, rel: str) -> str | None:
    return next((x.get("href") for x in parent.findall(f"{ATOM}link") if x.get("rel") == rel), None)


def _text(html: str) -> str:
    return " ".join(html_to_text(html).split())


_MEDIA = "{http://search.yahoo.com/mrss/}content"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _media(entry: etree._Element) -> list[str]:
    """The addresses an Atom entry's or RSS item's media:content and enclosures give."""
    return [x.get("url") or x.get("href") or "" for x in entry if x.tag in (_MEDIA, "enclosure") or (x.tag == f"{ATOM}link" and x.get("rel") == "enclosure")]


def _pictures(html: str, more: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """The address and alt text of each picture an entry's content ``html`` shows, with
    ``more`` (its media's addresses), sorted and each once."""
    found = [(address, "") for address in more if address]

    def note(tag: str, attrs: urls.Attributes) -> urls.Attributes:
        # Its alt text is words of the story too, which html_to_text leaves out.
        if tag == "img" and (src := (given := dict(attrs)).get("src")):
            found.append((src, " ".join((given.get("alt") or "").split())))
        return attrs

    if "<img" in html:
        urls.rewrite_start_tags(html, note)
    return tuple(sorted(set(found)))


def compare(
    old: dict[str, Feed], new: dict[str, Feed], now: dt.datetime, sources: Sources | None = None, serves: Callable[[str], bool] | None = None
) -> Comparison:
    """What a subscriber of each format would get wrong if ``new`` replaced ``old``, and
    the changes they may be slow to see. ``sources``: what the site's files say, to tell
    an article taken down on purpose from one lost, and drafts (none may be out); without
    them, every entry gone is lost. ``serves``: whether the new build answers a site path,
    to find an article's old address left with no redirect."""
    problems: list[Problem] = []
    notes: list[Problem] = []
    withheld = sources.drafts if sources else {}
    taken: dict[str, Entry] = {}  # said once, not once a format
    once: dict[str, Problem] = {}  # likewise
    relocated: dict[tuple[str, str], Problem] = {}  # likewise
    redated: dict[str, Problem] = {}  # likewise
    for fmt in FORMATS:
        before, after = old.get(fmt, Feed()), new.get(fmt, Feed())
        name = after.subscription or before.subscription
        for what, feed in (("the old build", before), ("the new build", after)):
            problems += [Problem(name, f"in {what}, {reason}: what it holds was not compared") for reason in feed.unreadable]
        changed, gone = _changes(name, before, after)
        problems += changed
        for entry_id, note in _redated(before, after):
            redated.setdefault(entry_id, note)
        for problem in _forgotten(before, after, sources) + (_unredirected(before, after, serves) if serves else []):
            once.setdefault(problem.message, problem)
        fresh = [e for e in after.entries.values() if e.id not in before.entries]
        for entry in gone:
            why = _why_lost(entry, sources, fresh)
            if why is None:
                taken.setdefault(entry.id, entry)
            else:
                lost = f"entry {entry.id} ({entry.title}) is in neither the feed nor any archive any more: readers who had not fetched it lose it"
                problems.append(Problem(name, lost + (f"; {why}" if why else "")))
        moved, corrected = _archive_changes(before, after)
        problems += moved
        notes += corrected
        if before.site and after.site and before.site != after.site:
            relocated.setdefault(
                (before.site, after.site),
                Problem(
                    "",
                    f"the site moved from {before.site} to {after.site}: its feeds and archives give the new addresses (readers that keep"
                    " archives show the old ones until they fetch them again); readers subscribed at the old address need it to redirect",
                ),
            )
        for limit, reader in READER_LIMITS:
            if after.size > limit:
                problems.append(Problem(name, f"{after.size / 2**20:.1f} MiB: over {reader}'s limit of {limit // 2**20} MiB, where it stops updating"))
        for entry in after.entries.values():
            if entry.id in withheld:
                problems.append(Problem(name, f"entry {entry.id} ({entry.title}) is out, but {withheld[entry.id]} is a draft"))
            try:
                published = dates.parse_date(entry.published, dt.UTC) if entry.published and fmt != "rss" else None
            except ValueError:
                published = None
            # One that was out before, dated in the past then (its date since moved ahead:
            # the build warns), is no scheduled article let out.
            if published is not None and published > now and not _was_out(before.entries.get(entry.id), now):
                problems.append(Problem(name, f"entry {entry.id} ({entry.title}) is dated {entry.published}, in the future: a scheduled article is out"))
    notes += _takedowns(taken.values(), sources)
    notes += redated.values()
    notes += relocated.values()
    return Comparison(tuple(problems + list(once.values())), tuple(notes))


def _forgotten(before: Feed, after: Feed, sources: Sources | None) -> list[Problem]:
    """Entries of the old build that the new one published for the first time, dated or
    placed anew: its ledger did not know they were out (the last build's content/ was not
    kept, or an older one was built on), and an article imported again is dated when it is.
    Readers may be shown it again as new. (One the same in both, the same build checked
    twice say, shows readers nothing new.)"""
    if sources is None:
        return []
    return [
        Problem(
            "",
            f"entry {entry.id} ({entry.title}) was out already, but the new build published it as new: its ledger ({sources.ledger})"
            " had no record of it. Keep what each build writes in content/ (the ledger and imported articles: commit them back),"
            " and build on the latest of it, or readers may be shown old articles as new",
        )
        for entry in before.entries.values()
        if entry.id in sources.numbered and (now := after.entries.get(entry.id)) is not None and (now.published, now.link) != (entry.published, entry.link)
    ]


def _unredirected(before: Feed, after: Feed, serves: Callable[[str], bool]) -> list[Problem]:
    """Entries whose address moved (same site address, another path) while the new build
    answers nothing at the old one: links shared or bookmarked to it break."""
    problems: list[Problem] = []
    for entry in before.entries.values():
        now = after.entries.get(entry.id)
        if now is None or now.link == entry.link or not before.site or before.site != after.site:
            continue  # a site moved to another address is not for this build to answer
        # Feeds give an address in the site's script percent-encoded; the output folder
        # holds its page at it decoded, as a host serves it.
        if entry.link.startswith(before.site) and not serves(unquote(entry.link[len(before.site) :])):
            problems.append(
                Problem("", f"entry {entry.id} ({entry.title}) moved from {entry.link} to {now.link}, and nothing answers at the old address: links to it break")
            )
    return problems


def _why_lost(entry: Entry, sources: Sources | None, fresh: Sequence[Entry]) -> str | None:
    """Why ``entry``, in neither the feed nor any archive any more, is not known as taken
    down on purpose: what to do about it ("" without ``sources``). None when it is taken
    down: let go by ``--allow-removed``, or published (the ledger says) and held by no
    content file or seed of the site any more."""
    if sources is None:
        return ""
    if entry.id in sources.allowed or (entry.link and entry.link in sources.allowed):
        return None
    if entry.id in sources.pages and entry.id not in sources.drafts:
        return None  # made a standalone page: out of the feeds on purpose (_takedowns says so)
    if (held := sources.files.get(entry.id)) is not None:
        shown = shown_path(Path(held))
        if entry.id in sources.drafts:
            return f"{shown} holds it, as a draft: to take it down, delete the file instead"
        return f"{shown} still holds it, so it is not taken down: see the build's errors; to take it down, delete the file (and its seed)"
    if (seed := sources.seeds.get(entry.id)) is not None:
        return f"its seed {shown_path(Path(seed))} is still there: see the build's errors; to take it down, delete the seed too"
    if sources.unreadable:
        more = f" and {len(sources.unreadable) - 1} more" if len(sources.unreadable) > 1 else ""
        return f"whether it is taken down is not known while content files cannot be read (they may hold it): {sources.unreadable[0]}{more}"
    if (twin := next((e for e in fresh if (e.title, e.text) == (entry.title, entry.text)), None)) is not None:
        return f"it reads exactly as {twin.id} ({twin.link}), new in this build: if it is that article (a file renamed, an id changed), add 'id: {entry.id}' to its front matter"
    if entry.id not in sources.published:
        return f"{sources.ledger} does not record it as published, so it is not known as taken down: if it is, pass --allow-removed {entry.id}"
    return None


def _takedowns(taken: Iterable[Entry], sources: Sources | None) -> list[Problem]:
    """A note for each entry taken down, and for each ``--allow-removed`` that let none go
    (a typo there would otherwise go unseen)."""
    allowed = sources.allowed if sources else ()
    notes: list[Problem] = []
    used: set[str] = set()
    for entry in taken:
        shown = f"{entry.title}, {entry.link}" if entry.link else entry.title
        if let_go := {entry.id, entry.link} & set(allowed):
            used |= let_go
            why = "let go by --allow-removed"
        elif sources is not None and (page := sources.pages.get(entry.id)) is not None:
            why = f"{shown_path(Path(page))} makes it a standalone page (page: true), in no feed"
        else:
            why = "no content file or seed holds it any more, and the ledger records it published"
        notes.append(Problem("", f"taken down: {entry.id} ({shown}): {why}; it leaves the feed and its archives"))
    notes += [Problem("", f"--allow-removed {value}: no entry of the old build is gone by that id or address") for value in allowed if value not in used]
    return notes


def _was_out(entry: Entry | None, now: dt.datetime) -> bool:
    """Whether ``entry`` of the old build was out then as a published article (not dated ahead)."""
    if entry is None or not entry.published:
        return False
    try:
        return dates.parse_date(entry.published, dt.UTC) <= now
    except ValueError:
        return False


def _changes(name: str, before: Feed, after: Feed) -> tuple[list[Problem], list[Entry]]:
    """(problems, the entries of ``before`` in neither the feed nor any archive of ``after``)."""
    new_by_link = {e.link: e for e in after.entries.values() if e.link}
    problems: list[Problem] = []
    gone: list[Entry] = []
    for entry in before.entries.values():
        now = after.entries.get(entry.id)
        moved = new_by_link.get(entry.link)
        if now is None and moved is not None:
            problems.append(Problem(name, f"entry {entry.link} changed its id from {entry.id} to {moved.id}: readers show it again as new"))
        elif now is None:
            gone.append(entry)
        elif now.updated != entry.updated and now.shows_as(entry, after.site, before.site):
            problems.append(Problem(name, f"entry {entry.id}: updated moved from {entry.updated} to {now.updated} with nothing changed: readers mark it unread"))
    return problems, gone


def _redated(before: Feed, after: Feed) -> list[tuple[str, Problem]]:
    """(id, note) of each entry out in both builds whose publication date changed: a
    correction, most likely, but readers that sort by date move it, to the top of the feed
    when it is dated later (as a lost ledger dates an article anew)."""
    found = []
    for entry in before.entries.values():
        now = after.entries.get(entry.id)
        if now is None or not entry.published or not now.published or now.published == entry.published:
            continue
        try:
            earlier, later = _feed_date(entry.published), _feed_date(now.published)
        except ValueError:
            continue
        if earlier == later:  # the same instant, written another way (another offset)
            continue
        where = "up the feed: readers that sort by date show it among the newest again" if later > earlier else "down the feed"
        said = f"entry {entry.id} ({now.title}): its publication date moved from {entry.published} to {now.published}, {where}"
        found.append((entry.id, Problem(after.subscription or before.subscription, said)))
    return found


def _feed_date(value: str) -> dt.datetime:
    """A feed's date: RFC 3339 (Atom, JSON Feed) or RFC 822 (RSS); ValueError if neither."""
    try:
        return dates.parse_date(value, dt.UTC)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)  # raises ValueError (and TypeError before 3.10)
        if parsed.tzinfo is None:
            raise ValueError(f"no offset: {value}") from None
        return parsed


def _on_site(entry: Entry | None, site: str) -> Entry | None:
    """``entry`` with its link as a path on ``site`` (the site's address), if it is under it."""
    if entry is None or not site or not entry.link.startswith(site):
        return entry
    return dataclasses.replace(entry, link=entry.link[len(site) :])


def _archive_changes(before: Feed, after: Feed) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) of the archive documents that changed. Readers that keep archives
    (RFC 5005) fetch one once: what it holds must stay the same entries in the same order.
    Their content may change (a correction: the README's CI gate must let it through),
    and an entry taken down may go (said of the entry when it is nowhere any more)."""
    problems: list[Problem] = []
    notes: list[Problem] = []
    for path, data in before.archives.items():
        current = after.archives.get(path)
        if current is None or current == data:
            continue
        was, now = before.archived_ids.get(path, []), after.archived_ids.get(path, [])
        known, kept = set(was), set(now)
        never = "readers that keep archives (RFC 5005) never fetch it again"
        if added := [i for i in now if i not in known]:
            shown = ", ".join(added[:3]) + (f" and {len(added) - 3} more" if len(added) > 3 else "")
            problems.append(Problem(path, f"an archive document gained entries ({shown}): {never} and miss them"))
        elif [i for i in was if i in kept] != now:
            problems.append(Problem(path, f"an archive document holds its entries in another order: {never}"))
        else:
            # An address that moved with the whole site is said once, of the site (compare).
            changed = [i for i in now if _on_site(before.entries.get(i), before.site) != _on_site(after.entries.get(i), after.site)]
            late = "readers that keep archives (RFC 5005) show the old version until they fetch it again"
            notes += [Problem(path, f"entry {i} ({after.entries[i].title}) corrected: {late}") for i in changed]
            if not changed and kept == known and before.site == after.site and _unlinked(data) != _unlinked(current):
                notes.append(Problem(path, f"changed, its entries the same: {late}"))
    return problems, notes


def _unlinked(data: bytes) -> bytes:
    """An archive document (Atom or RSS) without its ``next-archive`` link, which the newest
    gains when the next one is published (RFC 5005): nothing readers need to fetch again for."""
    if data.lstrip()[:1] == b"{":
        return data  # JSON Feed links backwards only
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return data
    head = root if root.tag == f"{ATOM}feed" else root.find("channel")
    if head is not None:
        for link in head.findall(f"{ATOM}link"):
            if link.get("rel") == "next-archive":
                head.remove(link)
    return bytes(etree.tostring(root))

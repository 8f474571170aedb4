"""Old addresses -> current ones: every URL an article has had (the ledger keeps them) and
its front matter ``aliases`` answer with a redirect to where it is now.

Three forms, because hosts differ: a small HTML page at each old path (``meta refresh``
plus ``rel=canonical``, ``noindex``: works on any static host, from disk too), ``_redirects``
(Netlify, Cloudflare Pages: a real 301) and ``redirects.nginx.map`` (an nginx ``map``:
a real 301). A redirect never shadows a live file, always points straight at the current
address (a chain of moves is one hop) and is dropped with its article: a story taken down
is not sent on anywhere. Feed entries are not concerned: their ids never change.

The feeds themselves are, when the site's base path moves (``https://example.org/news/`` to
``https://example.org/``): every subscriber asks the old address, and a reader that is
answered with a 301 takes the new one as the subscription. The old base paths are read
off the ledger's addresses (``former_bases``), and each feed's old address goes in the two
lists as an article's does (``feed_moves``), but gets no redirect page: a feed reader
follows no meta refresh, and a page of HTML at ``news/atom.xml`` (sent as XML, for its
name) is a broken feed to it, where a 404 at least says the feed is gone.

A tag moves too, when a ``[tags.<slug>]`` table gives it an address other than the one its
name made, or another table's, and so does a byline an ``[authors.<slug>]`` table (or the
slugs setting) moves: the ledger keeps every slug each had (``Site.moved``), and its old
folder's feeds go in the two lists as above, its old listing pages get redirect pages as an
article's old addresses do (``listing_moves``). A slug another tag (or byline) has now is
that one's, and one gone is redirected nowhere. A table's ``aliases`` (the folders of the
site it came from: Hugo's ``categories/news/``) are old folders of its tag or byline too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from . import urls
from .errors import line_of, shown_path
from .model import Article, Author, Site, Tag

MAP_FILE = "redirects.nginx.map"
NETLIFY_FILE = "_redirects"
LISTS = (NETLIFY_FILE, MAP_FILE)
"""The lists of redirects, written beside the site's pages (planned once its pages are)."""
MAP_BUCKET_SIZE = 1024
"""The ``map_hash_bucket_size`` the README's recipe sets ("Moved articles"). nginx refuses
a map holding an address longer than its hash's buckets take, and with it the whole
configuration (a reload keeps the old one, a restart leaves the site down): by default a
cache line, 64 bytes, which takes addresses of 46 bytes, where a headline's slug makes old
addresses of 90 and more. This takes 1,006 bytes (``bucket_size``): an article's address
with the longest slug a person may write (urls.MAX_WRITTEN_SLUG) under a long base path and
permalink. With the README's ``map_hash_max_size 262144``, the real nginx builds maps of
50,000 moved articles with buckets that size (tests/test_hosting.py loads 10,000)."""


def refused_alias(path: str) -> str | None:
    """Why no alias may take the site path ``path``, if none may: a redirect page there
    would be written over a file the build writes for the host (``_redirects``,
    ``_headers``, ``redirects.nginx.map``, at the top of the output folder), or over one
    of the hidden names it keeps for itself (the manifest, ``.nojekyll``, temp files)."""
    from .headers import HEADERS_FILE

    parts = path.rstrip("/").split("/")
    if any(part.startswith(".") for part in parts):
        return "a hidden name (starting with '.'), kept for the build's own files"
    if parts[0] in (*LISTS, HEADERS_FILE):
        return f"{parts[0]!r}, a file the build writes for the host"
    return None


_PATTERN = re.compile(r"\*|:[A-Za-z]\w*")
"""What Netlify and Cloudflare Pages read in a rule's address as a pattern: a splat, or a
placeholder (``:name``, a letter first: ``10:30`` is text to both)."""


def pattern_in(path: str) -> str | None:
    """The part of ``path`` that ``_redirects`` would take for a pattern (``*``, ``:a``),
    if any. No escape exists there: such an address gets no rule, lest ``2019/q:a/`` send
    every ``2019/q.../`` to it (over live pages, forced), or make Cloudflare, which reads
    100 rules with a pattern and skips the rest of the file, lose every rule after it."""
    found = _PATTERN.search(path)
    return found[0] if found else None


def folder_alias(path: str) -> str:
    """The site path an alias names, as Hugo reads it: one whose last part has no extension
    (``old``, ``2019/old-story``) is a folder's address, ``old/``, its redirect page
    ``old/index.html``. Written as the file ``old``, a static host (``python -m http.server``,
    GitHub Pages, S3) sends it as ``application/octet-stream`` and browsers download it
    instead of following it. One ending in ``/`` or with an extension (``old.html``) is a
    path as written."""
    if path.endswith("/") or "." in path.rpartition("/")[2]:
        return path
    return path + "/"


@dataclass(frozen=True, slots=True)
class Move:
    """An old address of ``target``, as a site path (relative to the base URL)."""

    path: str
    target: Article


@dataclass(frozen=True, slots=True)
class Shadowed:
    """A front matter alias no redirect is made for: a live file of the site wins there."""

    move: Move
    live: str
    """Site path of what wins: the live page at the alias, or a live file or folder in its way."""
    owner: str = ""
    """The content file of the article whose page that is, if it is one."""
    feed: bool = False
    """Whether ``live`` is a feed whose old address the alias is (``feed_aliases``, a former
    base path): the feed's 301 is made there instead."""


def moves(site: Site) -> list[Move]:
    """Every former address and alias of every article, one per path, by path.

    An old address the site can no longer answer for (another host, or outside the base
    URL's path) is left out. When two articles have had the same address, the one published
    later has it: readers following it most likely mean the newer story.
    """
    base = _recorded_base(site)
    # By the file a redirect page is written to: "old/" and "old/index.html" are one.
    claims: dict[str, Move] = {}
    # A standalone page that was a story once has its addresses too (ledger._as_pages).
    # Only those that had another address or give aliases claim one: most articles have
    # neither, and sorting every one of them took most of the planning of redirects.
    claimants = [article for article in (*site.articles, *site.pages) if article.former_urls or article.aliases]
    for article in sorted(claimants, key=lambda a: (a.seq, a.id)):
        own = urls.output_file(article.path)
        for path in (*(_site_path(url, base.netloc, base.path) for url in article.former_urls), *article.aliases):
            if path is not None and (file := urls.output_file(path)) != own:
                claims[file] = Move(path, article)
    return sorted(claims.values(), key=lambda move: move.path)


def former_bases(site: Site) -> list[str]:
    """The folders, as site paths of the current base URL, that the site was once published
    in (``news/``, for a site moved from ``/news/`` to ``/``), sorted.

    The ledger keeps no base URL, but every address an article had: of two of its addresses
    (its present one among them), one that ends with the other was that one under another
    folder. Dated folders at the end of that folder are the permalink's, not the site's: a
    pattern that lost them (``{year}/{month}/{slug}/`` made ``{slug}/``) leaves ``2024/01/``
    before each article's present path, one folder a month, and taken for bases they gave
    every feed of the site a redirect from every month of the archive (1,300 rules for 24
    articles, more than Cloudflare Pages reads). So ``news/2024/01/`` (moved from /news/ and
    made ``{slug}/`` in one build) is the base ``news/``, and ``2024/01/`` none; a site moved
    from a dated path (``/2024/``) gets no feed redirect by this, its articles theirs. Two
    addresses compared, not the present one alone: a slug changed since the move
    (``news/2024/01/old/``, then ``2024/01/old/``, now ``2024/01/new/``) keeps the base. A
    permalink that lost a plain leading folder (``posts/{slug}/``) reads as a base, which
    costs a rule per feed. A base elsewhere (another host, or outside the base URL's path)
    can get no redirect."""
    base = _recorded_base(site)
    found: set[str] = set()
    for article in site.articles:
        if not article.path or not article.former_urls:
            continue
        paths = {article.path, *(path for url in article.former_urls if (path := _site_path(url, base.netloc, base.path)) is not None)}
        for longer in paths:
            for shorter in paths:
                if len(longer) > len(shorter) and longer.endswith(shorter):
                    folder = _DATED_END_RE.sub("", longer.removesuffix(shorter))
                    if folder.endswith("/"):
                        found.add(folder)
    return sorted(found)


_DATED_END_RE = re.compile(r"(?:^|(?<=/))(?:[0-9]{4}/(?:[0-9]{2}/){0,2}|[0-9]{2}/)+$")
"""The dated folders at the end of a folder (``2024/01/``, ``2024/05/07/``), as a permalink's
``{year}``, ``{month}`` and ``{day}`` write them."""


def feed_moves(site: Site, feeds: Iterable[str]) -> list[tuple[str, str]]:
    """(old address, feed) for each of ``feeds`` (site paths) in each of ``former_bases``:
    one hop from any of them, however many moves ago, by old address."""
    return sorted((folder + feed, feed) for folder in former_bases(site) for feed in feeds)


def feed_aliases(site: Site, feeds: Iterable[str]) -> list[tuple[str, str]]:
    """(old address, feed) for each of the ``feed_aliases`` setting's names in each folder
    of ``feeds`` (site paths) that has an Atom feed: Hugo's ``tags/economy/index.xml`` to
    ``tags/economy/atom.xml``; and for each of its paths (``posts/index.xml``), the site's. Atom, whatever the old feed was: every feed reader reads it,
    and an entry's id is the same in all three."""
    from .feeds import FORMATS

    atom = FORMATS["atom"]
    feeds = list(feeds)
    folders = [feed.removesuffix(atom) for feed in feeds if feed == atom or feed.endswith("/" + atom)]
    names = [name for name in site.config.feed_aliases if "/" not in name]
    # A path (posts/index.xml: a section's feed of the old site, where sitegen has none) is
    # one address, sent to the site's own feed.
    paths = [(path, atom) for path in site.config.feed_aliases if "/" in path and atom in feeds]
    return sorted([(folder + name, folder + atom) for folder in folders for name in names] + paths)


LISTED_KINDS: dict[str, Callable[[str], str]] = {"tag": urls.tag_path, "author": urls.author_path}
"""What has listing pages and feeds at an address made of its slug, by the word the ledger
names it with (``tag:<slug>``, ``author:<slug>``) and a listing page's context holds it
under: its folder."""


@dataclass(frozen=True, slots=True)
class ListingMove:
    """An old address of a tag's or byline's listing page (``tags/economy-business/``,
    ``authors/mara-quinn/page/2/``, ``categories/economy/``)."""

    path: str
    target: str
    """The site path of the page it is now (``tags/economy/``)."""
    kind: str
    """"tag" or "author" (LISTED_KINDS)."""
    of: Tag | Author
    """The tag or byline, as it is now."""
    alias: str = ""
    """The folder of its table's ``aliases`` it is in (``categories/economy/``), if it is
    in one: written by hand, it is said when a live file wins there."""


@dataclass(frozen=True, slots=True)
class ShadowedListing:
    """A table's alias (``ListingMove.alias``) no redirect is made for: a live file wins there."""

    move: ListingMove
    live: str
    """Site path of what wins (as ``Shadowed.live``); "" when it is an article's old
    address (its alias)."""
    owner: str = ""
    """The content file of the article whose page (or old address) that is, if it is one."""


def listing_moves(site: Site, feeds: Iterable[str], listings: Iterable[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[ListingMove]]:
    """(old address, feed) for each feed of ``feeds`` (site paths) in a tag's or byline's
    folder, at each folder it had before (``Site.moved``) and each of its table's
    ``aliases`` (the site it came from: Hugo's ``categories/economy/``), with each of the
    ``feed_aliases`` names there sent to its Atom feed; and its listing pages (``listings``:
    ``<kind>:<slug>`` and the page's site path) at theirs: each old page at the same number,
    one hop from any former slug. A folder that a live tag has is that tag's (a byline's,
    that byline's: an alias there is an error, config.alias_errors); an alias goes before a
    former slug, written by hand; a former slug two had (two names once at one address,
    ``C`` and ``C++``) goes to the first by slug. A slug the ledger holds that is no slug (a
    hand edit) is no address; one in a script of its own is (the site had slugs = "unicode" then)."""
    from .config import tag_table

    config = site.config
    live: dict[str, Tag | Author] = {f"tag:{tag.slug}": tag for tag, _ in site.tags}
    live.update((f"author:{author.slug}", author) for author, _ in site.authors)
    aliases: dict[str, tuple[str, ...]] = {}  # <kind>:<slug> -> its table's aliases
    if any(info.aliases for info in config.tags) or any(info.aliases for info in config.authors):
        for tag, _ in site.tags:
            if (info := tag_table(tag.name, config.tags)) is not None and info.slug == tag.slug:
                aliases[f"tag:{tag.slug}"] = info.aliases
        aliases.update((f"author:{info.slug}", info.aliases) for info in config.authors if f"author:{info.slug}" in live)
    olds: dict[str, list[str]] = {}  # <kind>:<slug> -> the old folders redirected to it
    taken = {_listing_folder(key) for key in live}
    owned = set(taken)  # each folder redirected once, a live one never
    hand_written: set[str] = set()
    for key in sorted(aliases):
        for folder in aliases[key]:
            if folder not in owned and not any(folder.startswith(live_folder) for live_folder in taken):
                owned.add(folder)
                hand_written.add(folder)
                olds.setdefault(key, []).append(folder)
    for key in sorted(live):
        kind = key.partition(":")[0]
        for former in site.moved.get(key, ()):
            if urls.slug_problem(former, unicode=True) is None and (folder := _listing_folder(f"{kind}:{former}")) not in owned:
                owned.add(folder)
                olds.setdefault(key, []).append(folder)
    if not olds:
        return [], []
    folders = {_listing_folder(key): key for key in olds}  # "tags/economy/" -> "tag:economy"
    feed_pairs = []
    atom = _atom()
    for feed in feeds:
        folder, _, name = feed.rpartition("/")
        if (moved := folders.get(folder + "/")) is not None:
            feed_pairs += [(old + name, feed) for old in olds[moved]]
            if name == atom:  # the old tool's names of the feed (feed_aliases), there too
                feed_pairs += [(old + alias, feed) for old in olds[moved] for alias in config.feed_aliases if "/" not in alias]
    pages = []
    for key, path in listings:
        prefix = _listing_folder(key)
        if key in olds and path.startswith(prefix):
            kind = key.partition(":")[0]
            rest = path[len(prefix) :]
            pages += [ListingMove(old + rest, path, kind, live[key], old if old in hand_written else "") for old in olds[key]]
    return sorted(set(feed_pairs)), sorted(pages, key=lambda move: move.path)


def _atom() -> str:
    from .feeds import FORMATS

    return FORMATS["atom"]


def _listing_folder(key: str, slug: str | None = None) -> str:
    """The folder of the tag or byline ``key`` (``tag:economy`` -> ``tags/economy/``), or
    of its kind at ``slug``."""
    kind, _, own = key.partition(":")
    return LISTED_KINDS[kind](own if slug is None else slug)


def _recorded_base(site: Site) -> SplitResult:
    """The base URL the ledger's addresses were recorded under: sitegen.toml's, also in a
    preview for another address (--base-url, sitegen serve), which records none of its own
    and answers each old address at its own, as the site does at base_url."""
    return urlsplit(site.config.site_base_url or site.config.base_url)


def _site_path(url: str, host: str, base_path: str) -> str | None:
    """The site path of an absolute URL this site is hosted under, decoded as an alias is
    (urls.site_path), else None. The scheme does not matter: a site moved to https still
    answers for its http addresses. The ledger is a file of content/, edited as any: an
    address in it that is no path of the site (a "..", a '"' that would end the nginx map's
    quotes and add a rule of its own) is no redirect, as such an alias is an error; so is
    one that cannot be split (``http://[bad/``). ``host`` and ``base_path``: the netloc and
    path of a checked base URL (_recorded_base).

    ``moves`` and ``former_bases`` ask this of every former address of every article, each
    build: 10,000 took 0.4 s, a third of planning redirects."""
    # Nearly every address is as a build recorded it: the base URL, then plain segments (a
    # date, a slug). Such a one is its own site path (urls.PLAIN_PATH_RE), as splitting and
    # checking it (below) would find: a tenth of the time.
    if base_path.startswith("/"):
        for scheme in ("https://", "http://"):
            if url.startswith(scheme):
                start = len(scheme) + len(host)
                if url.startswith(host, len(scheme)) and url.startswith(base_path, start) and urls.PLAIN_PATH_RE.fullmatch(url, start + len(base_path)):
                    return url[start + len(base_path) :]
                break
    try:
        parts = urlsplit(url)
        # As the base URL is written (config.check_base_url): an address recorded under
        # https://News.Example.ORG:443/ by an earlier version is of this site.
        netloc = urls.normal_netloc(parts.scheme, parts.hostname or "", parts.port)
    except ValueError:  # a hand edit: "http://[bad/", a host NFKC makes a "/" of, a bad port
        return None
    if netloc != host or not parts.path.startswith(base_path):
        return None
    return urls.site_path(parts.path[len(base_path) :])


def shadowed_warnings(shadowed: Iterable[Shadowed], read: Callable[[str], str] | None = None) -> list[str]:
    """A warning for each shadowed alias, naming its content file and the line of ``aliases``
    there (read from ``read(path)``, default the file on disk, when there are any)."""
    documents: dict[str, str] = {}
    warnings = []
    for item in shadowed:
        source = item.move.target.source
        if source not in documents:
            documents[source] = (read or _read_text)(source)
        # The site's own path, as the alias is written (not under base_url's path).
        what = f"the page of {shown_path(Path(item.owner))}" if item.owner else f"the site's own {item.live!r}" if item.live else "the site's home page"
        line = line_of(documents[source], "aliases", ":")
        where = f"{source}:{line}" if line else source
        if item.feed:
            warnings.append(f"{where}: aliases: no redirect from {item.move.path!r}: it is an old address of the feed {item.live!r}, which it is sent to; remove the alias")
        else:
            warnings.append(f"{where}: aliases: no redirect from {item.move.path!r}: {what} is there and wins; remove the alias")
    return warnings


def _read_text(path: str) -> str:
    # Only for the line number: a file gone or unreadable since it was parsed has none.
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def netlify(moves: Iterable[tuple[str, str]], base_path: str, force: bool = False) -> bytes:
    """``_redirects``: one ``from to 301`` line per old address (Netlify, Cloudflare Pages),
    ``moves`` as pairs of site paths (the old one decoded). Written even when there is none,
    like the map: a host's include never misses it.

    Netlify applies a rule only where no file is, unless it is forced (``301!``); every old
    address here has its redirect page, so ``force`` (config.force_redirects) is what makes
    Netlify answer with the 301. Cloudflare Pages applies its rules before its files, and its
    format has no ``!``: the plain form is the default. An old path is written as browsers
    send it, percent-encoded (``caf%C3%A9/``): the hosts match the path as requested."""
    status = "301!" if force else "301"
    header = f"# sitegen: old address -> current address, each a {status}.\n"
    # An old address the hosts would read as a pattern is left to its redirect page and the
    # nginx map (pattern_in); its alias was warned of as it was read.
    lines = (f"{base_path}{urls.encoded_path(old)} {base_path}{urls.encoded_path(new)} {status}\n" for old, new in moves if pattern_in(old) is None)
    return (header + "".join(lines)).encode()


def listed(folder: Path) -> dict[str, str]:
    """What ``_redirects`` in the output ``folder`` sends on (``netlify``): each old address,
    decoded, with its base path (``/news/café/``) -> the address it is sent to, as written
    (percent-encoded). Empty when there is none (a build made before the lists) or it
    cannot be read."""
    try:
        lines = (folder / NETLIFY_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, str] = {}
    for line in lines:
        words = line.split()
        if len(words) == 3 and not line.startswith("#"):
            found.setdefault(unquote(words[0]), words[1])
    return found


def bucket_size(address: str) -> int:
    """The least ``map_hash_bucket_size`` with which nginx builds a map holding the string
    ``address``: a power of two, as every cache line size divides one (nginx rounds the
    setting up to a cache line). In a bucket, each string takes a pointer and its bytes with
    two more, rounded up to a pointer's size, and the bucket ends with a pointer
    (``NGX_HASH_ELT_SIZE`` in ngx_hash.c; 8-byte pointers, which 32-bit machines halve)."""
    pointer = 8
    string = (len(address.encode()) + 2 + pointer - 1) // pointer * pointer
    needed = pointer + string + pointer
    size = 64
    while size < needed:
        size *= 2
    return size


@dataclass(frozen=True, slots=True)
class NginxMap:
    """``redirects.nginx.map``, and what nginx needs to load it."""

    data: bytes
    longest: str
    """The longest address nginx keeps in the map's hash (regular expressions are apart);
    "" for none."""

    def warnings(self) -> list[str]:
        """A warning when the README's ``map_hash_bucket_size`` does not take the map: nginx
        would refuse its whole configuration."""
        if not self.longest or (needed := bucket_size(self.longest)) <= MAP_BUCKET_SIZE:
            return []
        shown = self.longest if len(self.longest) <= 60 else self.longest[:60] + "..."
        return [
            f"{MAP_FILE}: the old address {shown} has {len(self.longest.encode()):,} bytes, more than nginx takes with the README's"
            f" map_hash_bucket_size {MAP_BUCKET_SIZE}: set map_hash_bucket_size {needed} in nginx's http block, or nginx refuses its configuration"
        ]


def nginx_map(moves: Sequence[tuple[str, str]], base_path: str, live: Iterable[str] = ()) -> NginxMap:
    """Entries for an nginx ``map $uri ...`` block (README, "Moved articles"), ``moves`` as in
    ``netlify``: an old folder address is matched with and without its trailing slash and as
    its index.html. ``$uri`` is decoded (``/news/café/``), so the old path is too; the
    target goes into a Location header as it is, encoded.

    nginx looks a string up in its map in any case (it lowercases the address first): an
    old address ``About/`` redirected the live page ``about/`` (the ``if`` runs before any
    file is served), and two old addresses that differ only in case (``Old/``, ``old/``)
    made nginx refuse the whole configuration ("conflicting parameter"). An address that
    another one, or one of the ``live`` files (site paths), spells in another case is
    written as a case-sensitive regular expression instead, which matches only as written.

    Its second line says the least ``map_hash_bucket_size`` it needs (``bucket_size``), for
    its longest address: nginx's default takes 46 bytes."""
    root = unquote(base_path)
    # Each address nginx takes an old one at, as nginx looks it up, and where it is sent.
    entries: list[tuple[str, str, str]] = []
    for old, new in moves:
        target = base_path + urls.encoded_path(new)
        entries += [(variant, _nginx_lower(variant), target) for variant in _variants(root + old)]
    # Each address as nginx looks it up -> its first spelling; those spelt more than one way.
    spelt: dict[str, str] = {}
    clashes: set[str] = set()
    for key, lowered, _ in entries:
        if spelt.setdefault(lowered, key) != key:
            clashes.add(lowered)
    # A live file's spellings matter only where an old address is spelt alike but for case.
    for path in live if entries else ():
        for address in _variants(root + path, served=True):
            lowered = _nginx_lower(address)
            if spelt.get(lowered, address) != address:
                clashes.add(lowered)
    lines: list[str] = []
    longest, longest_bytes = "", 0
    for key, lowered, target in entries:
        if lowered in clashes:
            # \Q...\E: every character as it is (no path holds a backslash: urls.site_path).
            source = f"~^\\Q{key}\\E$"
        else:
            source = key
            if (size := len(key.encode())) > longest_bytes:  # the first of the longest
                longest, longest_bytes = key, size
        lines.append(f'"{source}" "{target}";\n')
    header = ["# sitegen: old address -> current address; include in a map block (README, Moved articles).\n"]
    if longest:
        header.append(f"# nginx needs map_hash_bucket_size {bucket_size(longest)} or more for this map: its longest address has {len(longest.encode()):,} bytes.\n")
    return NginxMap("".join(header + lines).encode(), longest)


def _nginx_lower(address: str) -> str:
    """``address`` as nginx looks it up in a map: its ASCII letters in lower case."""
    # str.lower() lowers other letters too ("É"), and is bytes.lower()'s only on ASCII.
    return address.lower() if address.isascii() else address.encode().lower().decode()


def _variants(path: str, served: bool = False) -> list[str]:
    """The addresses nginx takes ``path`` at: a folder's with and without its slash and as
    its index.html; with ``served``, ``path`` is a file written, and a folder's index.html
    is taken at the folder's addresses too."""
    if served and path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    if path.endswith("/"):
        return [path, path.rstrip("/"), path + "index.html"]
    return [path]

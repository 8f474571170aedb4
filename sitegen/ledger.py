"""What readers have already been shown: ``content/.sitegen-updated.json`` remembers.

Feed readers trust what they saw once: an entry's id, its ``updated`` date, the archive
documents behind a feed. The ledger keeps, for every published article, what those came
from, so that every later build (and every fresh clone: it lives in content/ and is
committed with the articles) shows readers the same history:

- ``hash`` and ``updated``: the content hash and the date it was first seen with that hash.
  ``updated`` moves only when what a reader sees changes. Front matter ``updated`` wins.
- ``seq``: the order of first publication (1, 2, ...). Numbers are never reused; archive
  documents are cut by them (feeds.py), so a backdated article lands in the newest, not
  in an archive nobody reads again.
- ``first``: when the article first appeared: the time of the build that first published
  it (SOURCE_DATE_EPOCH, when set), or on a site's first build, when every article
  appears at once, the article's own date. The feed window counts from it, so a burst or
  a backdated article reaches every subscriber.
- ``date`` and ``published``, for a date written without a UTC offset: the text and the
  instant it was first read as, so that changing ``timezone`` moves no published article.

The file also holds the site's permanent feed id, minted once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import dates
from .cache import Inputs
from .config import Config
from .errors import OutputError, SitegenError
from .model import Article
from .output import write_if_changed

LEDGER_NAME = ".sitegen-updated.json"
VERSION = 2


@dataclass(frozen=True, slots=True)
class Entry:
    """What the ledger remembers of one article."""

    hash: str
    updated: str
    seq: int
    first: str
    date: str = ""
    """The front-matter date as written, when it gave no UTC offset."""
    published: str = ""
    """The instant ``date`` was first read as."""


@dataclass(frozen=True, slots=True)
class Ledger:
    feed_id: str = ""
    """The site feed's permanent id (urn:uuid), minted by the first build."""
    next_seq: int = 1
    """The next publication number: one more than any ever given."""
    articles: dict[str, Entry] = field(default_factory=dict)
    """Article id -> its entry."""


@dataclass(frozen=True, slots=True)
class History:
    """The articles with their ledger fields set, and what the feeds need of the ledger."""

    articles: list[Article]
    feed_id: str
    last_seq: int
    """The highest publication number ever given (0 for none)."""


def update_dates(
    content_dir: Path,
    articles: Sequence[Article],
    config: Config,
    inputs: Inputs,
    errors: list[SitegenError] | None = None,
    now: dt.datetime | None = None,
) -> History:
    """The articles with ``updated``, ``seq``, ``first_published`` (and pinned dates) from
    the ledger; the ledger kept up to date on disk.

    A ledger that cannot be written (a folder in its place, a full disk) is an OutputError
    naming it: added to ``errors`` when given, and the dates are still those worked out
    (the next build tries the write again); raised otherwise. Drafts and articles dated
    after ``now`` (shown by a ``--drafts`` or ``--future`` preview) are numbered for the
    build but not remembered.
    """
    stored = load_ledger(content_dir, inputs.read)
    history, ledger = apply_ledger(articles, stored, config, now)
    try:
        data = save_ledger(content_dir, ledger, stored)
    except OutputError as e:
        if errors is None:
            raise
        errors.append(e)
        # Recorded in a state no file matches: the next build finds the ledger changed, and
        # runs (and writes it) again, rather than replaying this build as "nothing to do".
        inputs.unwritten(content_dir / LEDGER_NAME)
        data = None
    if data is not None:
        inputs.wrote(content_dir / LEDGER_NAME, data)
    return history


def load_ledger(content_dir: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> Ledger | None:
    """The ledger on disk; None when there is none (or it cannot be read as one).

    The first version (a bare mapping of article id -> hash and updated) is read too:
    its articles get numbers in date order when the build that upgrades it runs.
    """
    try:
        data = json.loads(read(content_dir / LEDGER_NAME).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("version") != VERSION:
        legacy = {k: Entry(v["hash"], v["updated"], 0, "") for k, v in data.items() if _valid(v, {"hash": str, "updated": str})}
        return Ledger(articles=legacy)
    raw = data.get("articles")
    entries: dict[str, Entry] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            if _valid(value, {"hash": str, "updated": str, "seq": int, "first": str}):
                entries[key] = Entry(**{f.name: value.get(f.name, "") for f in dataclasses.fields(Entry)})
    feed_id = data.get("feed_id")
    next_seq = data.get("next_seq")
    return Ledger(
        feed_id if isinstance(feed_id, str) else "",
        max(next_seq if type(next_seq) is int else 1, 1, *(e.seq + 1 for e in entries.values())),
        entries,
    )


def _valid(value: Any, types: dict[str, type]) -> bool:
    return isinstance(value, dict) and all(type(value.get(k)) is t for k, t in types.items())


def apply_ledger(
    articles: Sequence[Article], stored: Ledger | None, config: Config, now: dt.datetime | None = None
) -> tuple[History, Ledger]:
    """The articles with their ledger fields, and the ledger to store (without the articles
    dated after ``now``: not published yet, they are numbered after all the others)."""
    zone = config.zone
    old = stored.articles if stored else {}
    # Articles the ledger has never numbered (all of them, for a site's first build) are
    # numbered in order of date, then of their seed or file name ("003_a.txt" before
    # "010_b.txt"): a batch imported together keeps the publisher's order.
    known = sorted((a for a in articles if a.id in old and old[a.id].seq), key=lambda a: old[a.id].seq)
    new = sorted((a for a in articles if not (a.id in old and old[a.id].seq)), key=lambda a: (a.published, _file_order(a)))
    next_seq = stored.next_seq if stored else 1
    stored_next = next_seq
    # A site's first build (or the first with this kind of ledger) publishes nothing new:
    # its articles appeared when they are dated.
    appearing = (now or dates.now(zone)) if any(e.seq for e in old.values()) else None

    result: list[Article] = []
    entries: dict[str, Entry] = {}
    for article in known + new:
        seen = old.get(article.id)
        published = article.published
        if seen is not None and article.floating_date and seen.date == article.floating_date and seen.published:
            published = _parse(seen.published, zone, published)
        if seen is not None and seen.seq:
            seq, first = seen.seq, _parse(seen.first, zone, published)
        else:
            seq, next_seq = next_seq, next_seq + 1
            first = max(published, appearing) if appearing else published
        updated = _updated(article, seen, published, zone)
        result.append(dataclasses.replace(article, published=published, updated=updated, seq=seq, first_published=first))
        if article.draft or (now is not None and published > now):
            continue  # shown by a preview (--drafts, --future), not published
        stored_next = seq + 1 if seq >= stored_next else stored_next
        entries[article.id] = Entry(
            hash=article.content_hash,
            updated=dates.format_iso(updated),
            seq=seq,
            first=dates.format_iso(first),
            date=article.floating_date,
            published=dates.format_iso(published) if article.floating_date else "",
        )
    feed_id = (stored.feed_id if stored else "") or _mint_feed_id(config)
    ledger = Ledger(feed_id, stored_next, entries)
    return History(result, feed_id, stored_next - 1), ledger


def _updated(article: Article, seen: Entry | None, published: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if article.updated_in_front_matter:
        return max(article.updated, published)
    if seen is None:
        return max(article.updated, published)  # first sight: the article's own date
    if seen.hash == article.content_hash:
        return max(_parse(seen.updated, zone, article.updated), published)
    return max(dates.import_time(zone), published)


def _parse(value: str, zone: dt.tzinfo, fallback: dt.datetime) -> dt.datetime:
    try:
        return dates.parse_date(value, zone)
    except ValueError:
        return fallback


def _file_order(article: Article) -> tuple[int, str]:
    """Seed or content file name order, numeric prefixes by value: 9_x before 10_y."""
    name = Path(article.source).name
    digits = len(name) - len(name.lstrip("0123456789"))
    return (int(name[:digits]) if digits else -1, name)


def _mint_feed_id(config: Config) -> str:
    # Minted from the address the site had when it was first built, then kept: moving
    # the site to https or a sub-path later changes nothing. (A name-based uuid, not a
    # random one, so that two clean builds of a new site agree.)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, config.base_url)}"


def save_ledger(content_dir: Path, ledger: Ledger, stored: Ledger | None = None) -> bytes | None:
    """Write the ledger unless it holds that already: the bytes written, or None.

    ``stored`` is the ledger as loaded: when nothing changed, the file is not even encoded.
    """
    path = content_dir / LEDGER_NAME
    if ledger == stored or (not ledger.articles and not path.exists()):
        return None
    data = dump_ledger(ledger).encode("utf-8")
    return data if write_if_changed(path, data) else None


def dump_ledger(ledger: Ledger) -> str:
    """The ledger as JSON, one line per article: diffs of a committed ledger stay readable."""
    lines = [
        "{",
        f' "version": {VERSION},',
        f' "feed_id": {json.dumps(ledger.feed_id, ensure_ascii=False)},',
        f' "next_seq": {ledger.next_seq},',
        ' "articles": {',
    ]
    entries = []
    for key in sorted(ledger.articles):
        e = ledger.articles[key]
        fields: dict[str, object] = {"first": e.first, "hash": e.hash, "seq": e.seq, "updated": e.updated}
        if e.date:
            fields.update(date=e.date, published=e.published)
        entries.append(f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(fields, ensure_ascii=False, sort_keys=True)}")
    if entries:
        lines.append(",\n".join(entries))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"

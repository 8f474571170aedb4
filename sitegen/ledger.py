"""When did an article last really change? ``content/.sitegen-updated.json`` remembers.

Readers show an entry again when its ``updated`` moves, so it must move only when what a
reader sees changes: the ledger keeps each article's content hash and the date it was
first seen with that hash. It lives in content/ so it is committed with the articles and
every clone builds the same dates. Front matter ``updated`` always wins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from . import dates
from .cache import Inputs
from .config import Config
from .errors import OutputError, SitegenError
from .model import Article
from .output import write_if_changed

LEDGER_NAME = ".sitegen-updated.json"


def update_dates(
    content_dir: Path, articles: Sequence[Article], config: Config, inputs: Inputs, errors: list[SitegenError] | None = None
) -> list[Article]:
    """The articles with ``updated`` from the ledger; the ledger kept up to date on disk.

    A ledger that cannot be written (a folder in its place, a full disk) is an OutputError
    naming it: added to ``errors`` when given, and the dates are still those worked out
    (the next build tries the write again); raised otherwise.
    """
    stored = load_ledger(content_dir, inputs.read)
    dated, ledger = apply_ledger(articles, stored, config.zone)
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
    return dated


def load_ledger(content_dir: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(read(content_dir / LEDGER_NAME).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("hash"), str) and isinstance(v.get("updated"), str)}


def apply_ledger(
    articles: Sequence[Article], ledger: dict[str, dict[str, str]], zone: dt.tzinfo
) -> tuple[list[Article], dict[str, dict[str, str]]]:
    """Articles with ``updated`` from the ledger, and the ledger to store."""
    result: list[Article] = []
    new_ledger: dict[str, dict[str, str]] = {}
    for article in articles:
        seen = ledger.get(article.id)
        if article.updated_in_front_matter:
            updated = article.updated
        elif seen is None:
            updated = article.updated  # first sight: the article's own date
        elif seen["hash"] == article.content_hash:
            try:
                updated = max(dates.parse_date(seen["updated"], zone), article.published)
            except ValueError:
                updated = article.updated
        else:
            updated = max(dates.import_time(zone), article.published)
        new_ledger[article.id] = {"hash": article.content_hash, "updated": dates.format_iso(updated)}
        result.append(dataclasses.replace(article, updated=updated) if updated != article.updated else article)
    return result, new_ledger


def save_ledger(content_dir: Path, ledger: dict[str, dict[str, str]], stored: dict[str, dict[str, str]] | None = None) -> bytes | None:
    """Write the ledger unless it holds that already: the bytes written, or None.

    ``stored`` is the ledger as loaded: when nothing changed, the file is not even encoded.
    """
    path = content_dir / LEDGER_NAME
    if ledger == stored or (not ledger and not path.exists()):
        return None
    data = dump_ledger(ledger).encode("utf-8")
    return data if write_if_changed(path, data) else None


def dump_ledger(ledger: dict[str, dict[str, str]]) -> str:
    """``json.dumps(ledger, indent=1, sort_keys=True, ensure_ascii=False)`` plus a newline,
    without its pure-Python indenting encoder (a quarter of a second at 10,000 articles)."""
    if not ledger:
        return "{}\n"
    quote = json.encoder.encode_basestring
    entries = []
    for key in sorted(ledger):
        entry = ledger[key]
        if not entry:
            entries.append(f" {quote(key)}: {{}}")
            continue
        if len(entry) == 2 and "hash" in entry and "updated" in entry:  # what apply_ledger makes
            fields = f'  "hash": {quote(entry["hash"])},\n  "updated": {quote(entry["updated"])}'
        else:
            fields = ",\n".join(f"  {quote(k)}: {quote(v)}" for k, v in sorted(entry.items()))
        entries.append(f" {quote(key)}: {{\n{fields}\n }}")
    return "{\n" + ",\n".join(entries) + "\n}\n"

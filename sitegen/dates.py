"""The one place for dates: parsing front matter, formatting for HTML and feeds.

Every datetime in the site model is timezone-aware. Nothing here reads the clock
except ``now``: a build asks it once, to hold back articles dated in the future and to
stamp a newly imported article. SOURCE_DATE_EPOCH, when set, is "now".
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def get_zone(name: str) -> dt.tzinfo:
    """Return the tzinfo for an IANA name such as ``Europe/London``; raises ValueError."""
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:
        # OSError: a name that is a folder of the zone database ("Europe") or unreadable.
        raise ValueError(f"unknown timezone {name!r} (use an IANA name such as 'Europe/London')") from e


def now(zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """The time of this run, to the second, honouring SOURCE_DATE_EPOCH for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        current = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    else:
        current = dt.datetime.now(dt.UTC)
    return current.replace(microsecond=0).astimezone(zone)


def import_time(zone: dt.tzinfo) -> dt.datetime:
    """The time an article is imported (``now``)."""
    return now(zone)


def has_offset(value: object) -> bool:
    """True when a front-matter date says its UTC offset (``Z``, ``+02:00``): the same
    instant whatever the site's timezone."""
    if isinstance(value, dt.datetime):
        return value.tzinfo is not None
    if isinstance(value, str):
        text = value.strip()
        try:
            return text.endswith("Z") or dt.datetime.fromisoformat(text).tzinfo is not None
        except ValueError:
            return True  # not a date at all: parse_date says so
    return False


def parse_date(value: object, zone: dt.tzinfo) -> dt.datetime:
    """Parse a front-matter date (ISO 8601 string, date or datetime); naive times get ``zone``."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError as e:
            raise ValueError(f"not an ISO 8601 date: {value!r} (example: 2024-05-01T09:30:00+02:00)") from e
    else:
        raise ValueError(f"not a date: {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_iso(value: dt.datetime) -> str:
    """RFC 3339 / ISO 8601 with offset, seconds precision (front matter, Atom, sitemap)."""
    return (value.replace(microsecond=0) if value.microsecond else value).isoformat()


def format_human(value: dt.datetime | dt.date) -> str:
    """A date for readers, e.g. ``4 October 2022``: English whatever the machine's locale."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_month(year: int, month: int) -> str:
    """A month for readers, e.g. ``October 2022``."""
    return f"{MONTHS[month - 1]} {year}"

"""The one place for dates: parsing front matter, formatting for HTML and feeds.

Every datetime in the site model is timezone-aware. Nothing here reads the clock
except ``now``: a build asks it once, to hold back articles dated in the future and to
stamp a newly imported article. SOURCE_DATE_EPOCH, when set, is "now".
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

if TYPE_CHECKING:
    from babel import Locale


def get_zone(name: str) -> dt.tzinfo:
    """Return the tzinfo for an IANA name such as ``Europe/London``; raises ValueError."""
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:
        # OSError: a name that is a folder of the zone database ("Europe") or unreadable.
        raise ValueError(f"unknown timezone {name!r} (use an IANA name such as 'Europe/London')") from e


LATEST_EPOCH = 253402300799
"""9999-12-31T23:59:59Z: the last second a datetime (and a four-digit year) can hold."""


UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The date of a standalone page that gives none: no page shows it, and the sitemap gives
such a page no last change (site._lastmod)."""


def now(zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """The time of this run, to the second, honouring SOURCE_DATE_EPOCH for reproducible runs.

    Raises ConfigError for a SOURCE_DATE_EPOCH that is not a time: the clock in its place
    would make a build that cannot be reproduced, and the reproducible-builds spec asks a
    build to fail then (https://reproducible-builds.org/specs/source-date-epoch/).
    """
    epoch = source_date_epoch()
    current = dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else dt.datetime.now(dt.UTC)
    try:
        return current.replace(microsecond=0).astimezone(zone)
    except OverflowError as e:  # a time in year 9999 that is in year 10000 in the site's zone
        raise _bad_epoch(f"is after the year 9999 in the site's timezone ({zone})") from e


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number of seconds, or None when it is unset.

    Set but empty counts as unset: the spec asks for an integer and says nothing of an empty
    value, and a CI file that passes an unset variable through (``SOURCE_DATE_EPOCH: ${{ ... }}``)
    sets it empty. Anything else must be what ``date +%s`` prints: ASCII digits, from 0 to
    LATEST_EPOCH (no sign, fraction, exponent or spaces).
    """
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise _bad_epoch("is not written in digits alone")
    if int(text) > LATEST_EPOCH:
        raise _bad_epoch("is after the year 9999")
    return int(text)


def _bad_epoch(why: str) -> ConfigError:
    text = os.environ.get("SOURCE_DATE_EPOCH", "")
    return ConfigError(
        None,
        f"SOURCE_DATE_EPOCH={text!r} {why}: it must be the build time as `date +%s` prints it, a whole number of seconds "
        f"since 1970-01-01T00:00:00Z from 0 to {LATEST_EPOCH} (9999-12-31T23:59:59Z); unset it to use the clock",
    )


def import_time(zone: dt.tzinfo) -> dt.datetime:
    """The time an article is imported (``now``)."""
    return now(zone)


def _ascii_digits(text: str) -> str:
    """``text`` with its digits written 0-9: an Arabic or Persian keyboard, and the CMS of many
    an Arabic newsroom, write a date ٢٠٢٤-١٠-٠٥T10:00 or ۲۰۲۴-۱۰-۰۵, which Python's ISO
    parser refuses (as "not an ISO 8601 date", though it reads as one)."""
    if text.isascii():
        return text
    return "".join(str(int(char)) if char.isdecimal() else char for char in text)


def has_offset(value: object) -> bool:
    """True when a front-matter date says its UTC offset (``Z``, ``+02:00``): the same
    instant whatever the site's timezone."""
    if isinstance(value, dt.datetime):
        return value.tzinfo is not None
    if isinstance(value, str):
        text = _ascii_digits(value.strip())
        try:
            return text.endswith(("Z", "z")) or dt.datetime.fromisoformat(text).tzinfo is not None
        except ValueError:
            return True  # not a date at all: parse_date says so
    return False


def parse_date(value: object, zone: dt.tzinfo) -> dt.datetime:
    """Parse a front-matter date (ISO 8601 string, date or datetime); naive times get ``zone``.

    Raises ValueError for what no feed can carry: a UTC offset with seconds written out
    (``+05:30:15``), or a year before 1000 (RFC 822 and RFC 3339 dates have four digits).
    A fraction of a second (``09:30:00.123Z``, as Decap CMS writes dates) is dropped: RSS
    dates, pages and the ledger give whole seconds, and feedgen writes Atom's with the
    fraction, so the same entry was dated differently in Atom and in RSS and JSON Feed.
    """
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = _ascii_digits(value.strip())
        if text.endswith(("Z", "z")):  # RFC 3339 allows either case, as for the "T"
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError as e:
            raise ValueError(f"not an ISO 8601 date: {value!r} (example: 2024-05-01T09:30:00+02:00)") from e
    else:
        raise ValueError(f"not a date: {value!r}")
    if parsed.year < 1000:
        raise ValueError(f"year {parsed.year} is before 1000, which feeds cannot carry: a typo? (example: 2024-05-01T09:30:00+02:00)")
    if parsed.microsecond:  # asked for every date of every build: most have none
        parsed = parsed.replace(microsecond=0)
    if parsed.tzinfo is None:
        parsed = whole_minutes(parsed.replace(tzinfo=zone))
    offset = parsed.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):  # not a whole minute
        fixed = format_iso(whole_minutes(parsed.replace(tzinfo=dt.timezone(offset))))
        raise ValueError(f"UTC offset {offset_text(offset)} has seconds, which feeds cannot carry (RFC 3339): write {fixed}")
    try:
        # Feeds, the ledger and the order of articles work in UTC: an instant that is in
        # year 10000 or year 0 there (9999-12-31T23:59:59-12:00) fits no datetime.
        parsed.astimezone(dt.UTC).astimezone(parsed.tzinfo)
    except OverflowError as e:
        raise ValueError(f"{value!s} is out of range: in UTC it is not between the years 1 and 9999") from e
    return parsed


def whole_minutes(value: dt.datetime) -> dt.datetime:
    """``value`` with its UTC offset rounded to the minute, its clock time kept.

    Feeds (RFC 3339, RFC 822) give offsets in whole minutes, but a zone's offset before
    standard time was its local mean time (Europe/Amsterdam until 1937: +00:19:32). As
    with any time written without an offset, the time is read as written on the clocks.
    """
    offset = value.utcoffset()
    if offset is None or not (offset.seconds % 60 or offset.microseconds):
        return value
    minutes = round(offset / dt.timedelta(minutes=1))
    # An offset is less than a day: +23:59:30 rounds down, not to +24:00.
    rounded = dt.timedelta(minutes=max(-(24 * 60 - 1), min(24 * 60 - 1, minutes)))
    return value.replace(tzinfo=dt.timezone(rounded))


def offset_text(offset: dt.timedelta | None) -> str:
    """``+05:30:15``: an offset as ISO 8601 writes it (seconds only if it has them)."""
    if offset is None:
        return ""
    return dt.datetime(2000, 1, 1, tzinfo=dt.timezone(offset)).isoformat()[19:]


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_iso(value: dt.datetime) -> str:
    """RFC 3339 / ISO 8601 with offset, seconds precision (front matter, Atom, sitemap)."""
    return (value.replace(microsecond=0) if value.microsecond else value).isoformat()


def format_human(value: dt.datetime | dt.date, locale: Locale | None = None) -> str:
    """A date for readers: ``4 October 2022`` (English, whatever the machine's locale), or
    in ``locale``'s language as the CLDR writes it long (``4. Oktober 2022``, ``2022年10月4日``)."""
    if locale is None:
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return _cldr_day(locale, value.year, value.month, value.day)


def is_day_alone(value: dt.datetime) -> bool:
    """Whether ``value`` is a day alone: midnight, where a date written with no time (front
    matter ``date: 2024-10-05``, a correction's day) is put. Its time is shown to no reader:
    "00:00" would be made up. A story out at midnight to the second shows its day only."""
    return value.hour == value.minute == value.second == value.microsecond == 0


def format_clock(value: dt.datetime) -> str:
    """A time of day for readers, with the offset it is written in: ``14:32 UTC``,
    ``09:05 UTC+2``, ``18:30 UTC+5:30``."""
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    zone = "UTC" if not minutes else f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{value:%H:%M} {zone}"


def format_month(year: int, month: int, locale: Locale | None = None) -> str:
    """A month for readers: ``October 2022``, or in ``locale``'s language (``Oktober 2022``,
    ``2022年10月``: the CLDR's year-and-month form, which puts each in its own order)."""
    if locale is None:
        return f"{MONTHS[month - 1]} {year}"
    return _cldr_month(locale, year, month)


@functools.lru_cache(maxsize=10_000)  # a site's thousands of pages share a few thousand days
def _cldr_day(locale: Locale, year: int, month: int, day: int) -> str:
    """A date in ``locale``'s long format."""
    from babel.dates import format_date  # only for a site not in English

    value = dt.date(year, month, day)
    if day == 1 and (ordinal := _FIRST_DAY.get(locale.language)):
        # The day written as the pattern's "d", followed by its quoted ordinal ending.
        pattern = re.sub(r"(?<![d'])d(?!d)", f"d'{ordinal}'", locale.date_formats["long"].pattern, count=1)
        return str(format_date(value, format=pattern, locale=locale))
    return str(format_date(value, format="long", locale=locale))


@functools.lru_cache(maxsize=1_000)  # an archive of eighty years has as many months
def _cldr_month(locale: Locale, year: int, month: int) -> str:
    """A month by the CLDR's year-and-month skeleton (``yMMMM``) in ``locale``."""
    from babel.dates import format_skeleton  # only for a site not in English

    return str(format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale))


_FIRST_DAY = {"fr": "er"}
"""The ending a language gives the first of a month, which the CLDR's dates leave out: the
French write "1er octobre", never "1 octobre"."""

from __future__ import annotations

import datetime as dt
import locale

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import dates


def test_human_dates_are_english_whatever_the_locale() -> None:
    assert dates.format_human(dt.datetime(2022, 10, 4, 9, 30, tzinfo=dt.UTC)) == "4 October 2022"
    assert dates.format_month(2024, 1) == "January 2024"
    try:
        locale.setlocale(locale.LC_TIME, "de_DE.UTF-8")
    except locale.Error:
        return  # the machine has no other locale to try
    try:
        assert dates.format_human(dt.date(2022, 3, 1)) == "1 March 2022"
    finally:
        locale.setlocale(locale.LC_TIME, "C")


def test_iso_dates_drop_microseconds_and_keep_the_offset() -> None:
    zone = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert dates.format_iso(dt.datetime(2024, 2, 1, 10, 0, 0, 123456, tzinfo=zone)) == "2024-02-01T10:00:00+05:30"
    assert dates.format_iso(dt.datetime(2024, 2, 1, 10, 0, tzinfo=dt.UTC)) == "2024-02-01T10:00:00+00:00"


def test_a_zone_offset_with_seconds_is_rounded_to_the_minute_keeping_the_clock_time() -> None:
    amsterdam = dates.get_zone("Europe/Amsterdam")  # local mean time until 1937: +00:19:32
    parsed = dates.parse_date("1930-05-01T10:00:00", amsterdam)
    assert dates.format_iso(parsed) == "1930-05-01T10:00:00+00:20"
    assert dates.parse_date(dates.format_iso(parsed), amsterdam) == parsed
    assert dates.parse_date("2024-05-01T10:00:00", amsterdam).tzinfo is amsterdam  # whole minutes: the zone is kept


def test_rfc_3339_lower_case_t_and_z_are_read() -> None:
    assert dates.parse_date("2024-11-20t10:00:00z", dt.UTC) == dt.datetime(2024, 11, 20, 10, tzinfo=dt.UTC)
    assert dates.has_offset("2024-11-20t10:00:00z")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(24 * 3600 - 1), max_value=24 * 3600 - 1), st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]))
def test_an_offset_is_taken_exactly_when_it_is_whole_minutes(seconds: int, zone: dt.tzinfo) -> None:
    offset = dt.timedelta(seconds=seconds)
    text = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.timezone(offset)).isoformat()
    if seconds % 60:
        with pytest.raises(ValueError, match="has seconds"):
            dates.parse_date(text, zone)
    else:
        assert dates.parse_date(text, zone).utcoffset() == offset
    # A zone's own offset with seconds (local mean time) is rounded to the minute.
    rounded = dates.whole_minutes(dt.datetime(2024, 5, 1, tzinfo=dt.timezone(offset))).utcoffset()
    assert rounded is not None and rounded.total_seconds() % 60 == 0
    assert abs(rounded - offset) <= dt.timedelta(seconds=30) or abs(rounded) == dt.timedelta(hours=23, minutes=59)  # less than a day


def test_a_day_alone_is_midnight_to_the_microsecond() -> None:
    zone = dt.timezone(dt.timedelta(hours=2))
    assert dates.is_day_alone(dt.datetime(2024, 5, 2, tzinfo=zone))
    for later in (dt.timedelta(microseconds=1), dt.timedelta(seconds=1), dt.timedelta(minutes=1), dt.timedelta(hours=23, minutes=59)):
        assert not dates.is_day_alone(dt.datetime(2024, 5, 2, tzinfo=zone) + later), later

"""digest: the period, what a week's notes say, recurring improvements, counts, charts' data.

Pure: notes from text, a fixed as-of, a ``Digest`` out.
"""

from __future__ import annotations

import datetime as dt

import pytest

from vault_tools.dates import date_range, iso_week, last_complete_week, week_period

# --------------------------------------------------------------------------------------------
# The period: ISO weeks, their year edges, custom ranges


def test_iso_week_is_monday_to_sunday() -> None:
    week = iso_week("2026-W47")
    assert (week.label, week.start, week.end) == (
        "2026-W47",
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    assert iso_week("2026w47") == week  # the spelling is forgiving; the label is not


def test_2026_has_a_week_53_that_ends_in_2027() -> None:
    # 2026 begins on a Thursday, so its ISO year has 53 weeks.
    week = iso_week("2026-W53")
    assert (week.start, week.end) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))


def test_2027_w01_starts_on_the_first_monday_after_2026_w53() -> None:
    assert iso_week("2027-W01").start == dt.date(2027, 1, 4)
    # 1 to 3 January 2027 belong to the ISO year 2026.
    assert week_period(dt.date(2027, 1, 3)).label == "2026-W53"
    assert week_period(dt.date(2027, 1, 4)).label == "2027-W01"


def test_a_week_that_begins_in_the_previous_calendar_year() -> None:
    # 2026-W01 is 2025-12-29 .. 2026-01-04.
    assert iso_week("2026-W01").start == dt.date(2025, 12, 29)
    assert week_period(dt.date(2025, 12, 31)).label == "2026-W01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-W53", "2025 has no week 53; its ISO weeks are W01 to W52"),
        ("2026-W54", "2026 has no week 54; its ISO weeks are W01 to W53"),
        ("2026-W00", "2026 has no week 0; its ISO weeks are W01 to W53"),
        ("0000-W01", "years run from 0001 to 9999"),
        ("2026-47", "is not an ISO week; write it like 2026-W47"),
        ("last week", "is not an ISO week; write it like 2026-W47"),
    ],
)
def test_a_bad_week_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        iso_week(text)


@pytest.mark.parametrize(
    ("as_of", "label"),
    [
        (dt.date(2026, 11, 27), "2026-W47"),  # a Friday
        (dt.date(2026, 11, 23), "2026-W47"),  # Monday: last week just ended
        (dt.date(2026, 11, 22), "2026-W46"),  # Sunday: this week is not over yet
        (dt.date(2027, 1, 5), "2026-W53"),
        (dt.date(2027, 1, 4), "2026-W53"),
        (dt.date(2026, 1, 5), "2026-W01"),
        (dt.date(2026, 1, 4), "2025-W52"),
    ],
)
def test_the_default_is_the_last_complete_week_before_as_of(as_of: dt.date, label: str) -> None:
    week = last_complete_week(as_of)
    assert week.label == label
    assert week.end < as_of
    assert (week.start.isoweekday(), week.end.isoweekday()) == (1, 7)


def test_the_calendars_edges_do_not_crash() -> None:
    assert iso_week("9999-W52").end == dt.date.max  # would be 10000-01-02
    assert week_period(dt.date.min).start == dt.date.min  # 0001-01-01 is a Monday
    assert iso_week("0001-W01").label == "0001-W01"
    with pytest.raises(ValueError, match="no complete ISO week before 0001-01-07"):
        last_complete_week(dt.date(1, 1, 7))
    assert last_complete_week(dt.date(1, 1, 8)).label == "0001-W01"


def test_a_custom_range_is_labelled_by_its_days() -> None:
    period = date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    assert (period.label, period.start, period.end) == (
        "2026-11-01..2026-11-15",
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 15),
    )
    assert dt.date(2026, 11, 15) in period and dt.date(2026, 11, 16) not in period
    assert date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 1)).label == (
        "2026-11-01..2026-11-01"
    )
    with pytest.raises(ValueError, match="ends"):
        date_range(dt.date(2026, 11, 15), dt.date(2026, 11, 1))

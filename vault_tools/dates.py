"""Dates, datetimes, durations (``90d``, ``12w``, ``3m``) and ISO weeks, as notes write them."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_DURATION_RE = re.compile(r"^(?P<n>\d+)\s*(?P<unit>[dwm]?)$", re.IGNORECASE)
_WEEK_RE = re.compile(r"^(?P<year>\d{4})-?W(?P<week>\d{1,2})$", re.IGNORECASE)

#: ``keep_in_touch: never`` / ``false``: the person gets no keep-in-touch reminders.
NEVER = -1
#: The most days between two dates of the calendar (0001-01-01 to 9999-12-31).
CALENDAR_DAYS = (dt.date.max - dt.date.min).days
#: A cadence longer than the calendar (``keep_in_touch: 99999999999d``) is read as this:
#: every date plus it lies past the calendar's end, and no number of its digits is
#: converted (Python refuses an int of over 4,300 digits).
BEYOND_CALENDAR = CALENDAR_DAYS + 1


def quoted(text: str, limit: int = 60) -> str:
    """``text`` as a message quotes what a user wrote: its repr, cut to ``limit`` characters
    with its length said, so a megabyte argument or config value makes a one-line message."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


@dataclass(frozen=True)
class When:
    """A calendar day in the vault's time zone, with a local time when the note gave one."""

    day: dt.date
    time: dt.time | None = None

    def isoformat(self) -> str:
        if self.time is None:
            return self.day.isoformat()
        return dt.datetime.combine(self.day, self.time).isoformat(timespec="minutes")


def parse_when(value: object, tz: dt.tzinfo | None = None) -> When | None:
    """Read a front matter date or datetime; ``None`` when it is not one.

    Accepts ``2026-11-20``, Obsidian's ``2026-11-20T15:00`` and full ISO timestamps.
    A timestamp with an offset is moved into ``tz`` (the vault's zone) before taking its day.
    """
    if isinstance(value, dt.datetime):
        return _from_datetime(value, tz)
    if isinstance(value, dt.date):
        return When(value)
    if not isinstance(value, str):
        return None
    return _when_of_text(value, tz, _machine_zone() if tz is None else None)


def _machine_zone() -> tuple[object, ...]:
    """What the machine's zone is for this process (it changes with ``TZ`` and
    ``time.tzset``, which sets these)."""
    import time

    return (time.tzname, time.timezone, time.altzone)


@lru_cache(maxsize=16384)
def _when_of_text(text: str, tz: dt.tzinfo | None, machine: object) -> When | None:
    # Reports ask for the same notes' dates many times over. ``machine`` keys the answer to
    # the machine's zone where the vault's zone is that one.
    parts = _date_parts(text)
    if parts is None:
        return None
    day, clock, offset = parts
    if clock is None:
        return When(day)
    moment = dt.datetime.combine(day, clock, tzinfo=offset)
    return _from_datetime(moment, tz)


@lru_cache(maxsize=8192)
def _date_parts(text: str) -> tuple[dt.date, dt.time | None, dt.timezone | None] | None:
    """The day, clock time and offset a date text says (reports ask for the same texts
    many times over); ``None`` when it is no date. Pure: the zone is applied by the caller."""
    m = _DATE_RE.match(text.strip())
    if not m:
        return None
    try:
        day = dt.date.fromisoformat(m["date"])
        if m["time"] is None:
            return day, None, None
        clock = dt.time.fromisoformat(_pad_fraction(m["time"]))
    except ValueError:
        return None
    offset = None
    if m["tz"]:
        offset = _parse_offset(m["tz"])
        if offset is None:
            return None
    return day, clock, offset


def parse_date(value: object, tz: dt.tzinfo | None = None) -> dt.date | None:
    when = parse_when(value, tz)
    return when.day if when else None


def _pad_fraction(text: str) -> str:
    # time.fromisoformat wants 3 or 6 fraction digits.
    if "." not in text:
        return text
    whole, fraction = text.split(".")
    return f"{whole}.{(fraction + '000000')[:6]}"


def _parse_offset(text: str) -> dt.timezone | None:
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _from_datetime(moment: dt.datetime, tz: dt.tzinfo | None) -> When:
    if moment.tzinfo is not None:
        # At the edge of the calendar (0001-01-01T00:00+14:00 is still year 0 in UTC) the
        # move fails: keep the day and time as written.
        with contextlib.suppress(OverflowError, ValueError, OSError):
            moment = moment.astimezone(tz) if tz is not None else moment.astimezone()
    return When(moment.date(), moment.time().replace(tzinfo=None))


def parse_cadence(value: object) -> int | None:
    """Read ``keep_in_touch``: days as a number, ``90d``, ``12w``, ``3m`` (30-day months).

    Returns the number of days, ``NEVER`` for ``false``/``never``, ``None`` when unreadable;
    a cadence longer than the calendar is ``BEYOND_CALENDAR`` (a finding; never due).
    """
    if value is False or (isinstance(value, str) and value.strip().lower() in {"never", "false"}):
        return NEVER
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return min(value, BEYOND_CALENDAR) if value > 0 else None
    if not isinstance(value, str):
        return None
    days = _days_of(value)
    return min(days, BEYOND_CALENDAR) if days is not None and days > 0 else None


#: A duration written with more digits than this is read as ``BEYOND_CALENDAR`` days,
#: without converting them.
_MAX_DURATION_DIGITS = 18


def _days_of(text: str) -> int | None:
    """Days of ``90d``, ``12w``, ``3m`` or ``10``; ``None`` when unreadable."""
    m = _DURATION_RE.match(text.strip())
    if not m:
        return None
    digits = m["n"].lstrip("0") or "0"
    if len(digits) > _MAX_DURATION_DIGITS:
        return BEYOND_CALENDAR  # past the calendar's end, whatever the digits
    return int(digits) * {"": 1, "d": 1, "w": 7, "m": 30}[m["unit"].lower()]


def parse_duration_days(text: str) -> int | None:
    """Read a horizon like ``7d``, ``2w``, ``1m`` or ``10`` (days); ``None`` when unreadable.

    One of more than 18 digits is ``BEYOND_CALENDAR`` days: it reaches every date.
    """
    return _days_of(text)


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days, with a label such as ``2026-W47``."""

    label: str
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def iso_week(text: str) -> Period:
    """``2026-W47`` -> Monday 2026-11-16 .. Sunday 2026-11-22. Raises ValueError when bad.

    ISO week-years are not calendar years: 2026 has 53 weeks (2026-W53 is 2026-12-28 ..
    2027-01-03), 2025 has 52, and 2027-W01 starts on Monday 2027-01-04.
    """
    m = _WEEK_RE.match(text.strip())
    if not m:
        raise ValueError(f"{quoted(text)} is not an ISO week; write it like 2026-W47")
    year, week = int(m["year"]), int(m["week"])
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{quoted(text)} is not an ISO week: years run from 0001 to 9999")
    try:
        start = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        last = weeks_in_year(year)
        raise ValueError(
            f"{year} has no week {week}; its ISO weeks are W01 to W{last:02d}"
        ) from None
    return week_period(start)


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December is always the year's last week."""
    return dt.date(year, 12, 28).isocalendar().week


def week_period(day: dt.date) -> Period:
    """The ISO week (Monday to Sunday) holding ``day``.

    The calendar's last week (9999-W52) would end in the year 10000: its end is the
    calendar's last day instead.
    """
    iso = day.isocalendar()
    start = day - dt.timedelta(days=iso.weekday - 1)  # 0001-01-01 is a Monday: never before
    end = dt.date.max if start > dt.date.max - dt.timedelta(days=6) else start + dt.timedelta(6)
    return Period(f"{iso.year:04d}-W{iso.week:02d}", start, end)


def last_complete_week(as_of: dt.date) -> Period:
    """The last whole ISO week that ended before ``as_of``.

    Raises ValueError in the calendar's first week, which has no week before it.
    """
    if as_of.toordinal() <= as_of.isoweekday():
        raise ValueError(f"there is no complete ISO week before {as_of}")
    return week_period(as_of - dt.timedelta(days=as_of.isoweekday()))


def date_range(since: dt.date, until: dt.date) -> Period:
    """The days ``since`` .. ``until`` (inclusive), labelled ``2026-11-01..2026-11-15``.

    Raises ValueError when ``until`` is before ``since``.
    """
    if until < since:
        raise ValueError(f"the range ends ({until}) before it starts ({since})")
    return Period(f"{since.isoformat()}..{until.isoformat()}", since, until)


def today_in(tz: dt.tzinfo | None) -> dt.date:
    return dt.datetime.now(tz).date()


def load_zone(name: str) -> ZoneInfo:
    """A ZoneInfo by IANA name; raises ValueError with a readable reason."""
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise ValueError(
            f"unknown time zone {quoted(name)} (use an IANA name like Europe/Berlin)"
        ) from None


def add_days(day: dt.date, days: int) -> dt.date | None:
    """``day`` plus ``days``; ``None`` past the end of the calendar (``keep_in_touch: 10**9``)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


# --------------------------------------------------------------------------------------------
# Dates written other ways (``check --fix``)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = (
    r"(?:(?:\s*t|\s+(?:at\s+)?)(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_WRITTEN_DATES = (
    # 2026/11/20, 2026.11.20, 2026-11-5
    re.compile(rf"^(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_CLOCK}$"),
    # 20.11.2026 (day first, as everywhere dots are written), 20/11/2026, 11/20/2026
    re.compile(rf"^(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}){_CLOCK}$"),
    # 20 Nov 2026, Friday, 20th November 2026
    re.compile(
        rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?P<month>[a-z]+)\.?,?\s+(?P<y>\d{{4}}){_CLOCK}$"
    ),
    # Nov 20, 2026, Friday November 20th 2026
    re.compile(
        rf"^{_WEEKDAY}(?P<month>[a-z]+)\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_CLOCK}$"
    ),
)


def iso_date_text(text: str, with_time: bool = False) -> str | None:
    """A date written another way (``2026/11/20``, ``20 Nov 2026``, ``Nov 20, 2026``,
    ``20.11.2026``) as ``YYYY-MM-DD``, or with a clock time (``20 Nov 2026 3pm``) as
    ``YYYY-MM-DDTHH:MM`` when ``with_time``; ``None`` when it is not a date, is not one
    date only (``03/04/2026``: March or April?), or holds a time and ``with_time`` is off."""
    if len(text) > 60:
        return None
    written = " ".join(text.strip().lower().split())
    for number, pattern in enumerate(_WRITTEN_DATES):
        m = pattern.match(written)
        if m is None:
            continue
        groups = m.groupdict()
        year = int(m["y"])
        if number == 0:
            month, day = int(m["m"]), int(m["d"])
        elif number == 1:
            a, b = int(m["a"]), int(m["b"])
            if m["sep"] == ".":
                day, month = a, b
            elif a == b or (a > 12) != (b > 12):
                day, month = (a, b) if a > 12 or a == b else (b, a)
            else:
                return None  # 03/04/2026 reads as two dates
        else:
            found = _MONTHS.get(m["month"].rstrip("."))
            if found is None:
                return None
            month, day = found, int(m["d"])
        try:
            when = dt.date(year, month, day)
        except ValueError:
            return None
        if groups.get("wd") and _WEEKDAYS.index(groups["wd"]) != when.weekday():
            return None  # "Monday, 20 November 2026": which of the two is right?
        if groups.get("hour") is None:
            return when.isoformat()
        if not with_time:
            return None
        hour, minute = int(m["hour"]), int(m["minute"] or 0)
        if m["ampm"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if m["ampm"].startswith("p") else 0)
        elif m["minute"] is None:
            return None  # "2026/11/20 15" is no time
        if hour > 23 or minute > 59:
            return None
        return f"{when.isoformat()}T{hour:02d}:{minute:02d}"
    return None

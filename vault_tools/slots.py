"""Free meeting slots for ``vault-tools draft request``: weekly hours, busy times, three slots.

SPEC (draft): the request proposes three slots, free times inside ``[availability]``
(weekly ``hours``, ``slot_minutes``, ``days_ahead``) and outside the busy times of
``--busy FILE.ics`` (recurring events expanded), shown in the person's time zone when it is
known and in the user's.

Everything here is pure: no printing, no click. Wall-clock times are ``zoneinfo`` times, and
every comparison between two moments is made in UTC (Python compares two datetimes of the
same ``tzinfo`` by their wall clock, which is wrong across a fall-back hour).
``icalendar`` and ``recurring_ical_events`` are imported by :func:`busy_times` only, so
the start-up of the other commands is unchanged.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vault_tools.dates import quoted
from vault_tools.errors import VaultToolsError

_UTC = dt.UTC

#: Day names as ``hours`` entries write them: three letters or in full, any case.
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS: dict[str, int] = {}
for _number, _name in enumerate(_DAY_NAMES):
    _DAYS[_name] = _number
    _DAYS[_name[:3]] = _number

#: English names for the slot text (``%a``/``%b`` would follow the locale).
_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_ENTRY_RE = re.compile(
    r"^\s*(?P<days>[A-Za-z]+(?:\s*[-,]\s*[A-Za-z]+)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)
_TIME_RE = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
#: A zone abbreviation that is only an offset ("+04", "-0330"): the IANA key says more.
_NUMERIC_ABBR_RE = re.compile(r"^[+-]\d{2}(?::?\d{2})?$")

_EXAMPLE = '"Mon-Fri 09:00-17:00"'


@dataclass(frozen=True)
class WeeklyHours:
    """One ``hours`` entry (``"Mon-Fri 09:00-17:00"``): on these weekdays, from start to end."""

    days: frozenset[int]  # 0=Mon .. 6=Sun
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Busy:
    """A busy interval of the calendar, ``[start, end)``; both aware."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Slot:
    """A proposed slot, ``[start, end)``; both aware, in the user's zone."""

    start: dt.datetime
    end: dt.datetime


# --------------------------------------------------------------------------- hours


def parse_hours(entries: Sequence[str]) -> tuple[WeeklyHours, ...]:
    """The ``[availability] hours`` entries, read.

    An entry is days then a time range: ``"Mon-Fri 09:00-17:00"``, ``"Sat 10:00-12:00"``,
    ``"Mon,Wed,Fri 13:00-15:30"``, ``"Tue-Thu 9:00-12:00"``. Days are English names, three
    letters or in full, any case; a range may wrap the week (``"Sat-Mon"`` is Sat, Sun, Mon).
    The end must be after the start on the same day (no overnight hours; the last minute of
    a day is 23:59). A lone string is read as one entry. Text that is none of this raises
    :class:`VaultToolsError` naming the entry and what is wrong; the caller prefixes where
    the entry came from.
    """
    if isinstance(entries, str):
        entries = [entries]
    return tuple(_parse_entry(entry) for entry in entries)


def _parse_entry(entry: object) -> WeeklyHours:
    if not isinstance(entry, str):
        raise VaultToolsError(
            f"{entry!r} is not text: an hours entry is days and times, like {_EXAMPLE}"
        )
    shown = quoted(entry)
    match = _ENTRY_RE.match(entry)
    if match is None:
        raise VaultToolsError(
            f"{shown} is not days and a time range: write it like {_EXAMPLE} "
            f'or "Mon,Wed,Fri 13:00-15:30"'
        )
    days = _parse_days(match["days"], shown)
    start = _parse_time(match["start"], shown)
    end = _parse_time(match["end"], shown)
    if end <= start:
        raise VaultToolsError(
            f"{shown}: the end {match['end']} is not after the start {match['start']} "
            "(hours end on the day they start; write two entries for overnight hours)"
        )
    return WeeklyHours(days=days, start=start, end=end)


def _parse_days(text: str, shown: str) -> frozenset[int]:
    days: set[int] = set()
    for item in text.split(","):
        ends = [part.strip() for part in item.split("-")]
        if len(ends) > 2:
            raise VaultToolsError(
                f"{shown}: {item.strip()!r} is not a day or a range of two days (like Mon-Fri)"
            )
        numbers = [_day_number(name, shown) for name in ends]
        first, last = numbers[0], numbers[-1]
        span = (last - first) % 7  # a range may wrap the week: Sat-Mon
        days.update((first + step) % 7 for step in range(span + 1))
    return frozenset(days)


def _day_number(name: str, shown: str) -> int:
    number = _DAYS.get(name.lower())
    if number is None:
        raise VaultToolsError(
            f"{shown}: {name!r} is not a day (write Mon, Tue, Wed, Thu, Fri, Sat, Sun "
            "or the full English names)"
        )
    return number


def _parse_time(text: str, shown: str) -> dt.time:
    match = _TIME_RE.match(text)
    if match is None:  # pragma: no cover - the entry pattern only lets H:MM or HH:MM through
        raise VaultToolsError(f"{shown}: {text!r} is not a time (write HH:MM)")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise VaultToolsError(
            f"{shown}: {text!r} is not a time of day (00:00 to 23:59; overnight hours are "
            "not supported)"
        )
    return dt.time(hour, minute)


# --------------------------------------------------------------------------- busy times


def busy_times(ics: bytes, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> list[Busy]:
    """Every busy interval of the calendar ``ics`` that overlaps ``[start, end)``, by start.

    Recurring events are expanded by ``recurring_ical_events`` over this window only: only
    the window's occurrences are kept (``dateutil`` still steps through the earlier ones
    one by one, a few milliseconds for a daily event of ten years), with RRULE, RDATE,
    EXDATE and moved occurrences (RECURRENCE-ID) as that library reads them. An
    all-day event (DATE values) blocks its whole day(s), midnight to midnight in ``tz``;
    floating times (no zone) and times of a TZID the calendar does not define are read in
    ``tz``. Events marked ``TRANSP:TRANSPARENT`` or ``STATUS:CANCELLED`` are not busy, nor
    is an event of no length (a DTSTART time without DTEND or DURATION, RFC 5545 3.6.1) or
    one without a DTSTART. The intervals are in UTC, one per occurrence (overlapping ones
    are not merged). Bytes that are not an iCalendar file raise :class:`VaultToolsError`; the
    caller prefixes the file's name.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("busy_times needs aware start and end")
    import icalendar
    import recurring_ical_events  # type: ignore[import-untyped]

    calendars = _read_calendars(icalendar, ics)
    # The library compares floating times with the window's zone: give it the user's. It
    # is asked a day more on each side (an all-day event whose DTEND is its DTSTART is of
    # no length to it, and so left out once its midnight is before the window's start);
    # the intervals are cut to the window below.
    margin = dt.timedelta(days=1)
    window_start, window_end = start.astimezone(tz) - margin, end.astimezone(tz) + margin
    start_utc, end_utc = start.astimezone(_UTC), end.astimezone(_UTC)
    found: list[Busy] = []
    for calendar in calendars:
        # An event without a start has no time to block (and the library fails on it).
        calendar.subcomponents = [
            component
            for component in calendar.subcomponents
            if not (component.name == "VEVENT" and "DTSTART" not in component)
        ]
        try:
            events = recurring_ical_events.of(calendar).between(window_start, window_end)
        except (ValueError, TypeError, KeyError, OverflowError) as error:
            raise VaultToolsError(f"cannot read the calendar's events: {error}") from None
        for event in events:
            busy = _busy_of(event, tz)
            if busy is not None and busy.end > start_utc and busy.start < end_utc:
                found.append(busy)
    found.sort(key=lambda busy: (busy.start.astimezone(_UTC), busy.end.astimezone(_UTC)))
    return found


def _read_calendars(icalendar: Any, ics: bytes) -> list[Any]:
    """The VCALENDARs of the bytes (a file may hold more than one), or a clear error."""
    if ics.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
        ics = ics[3:]
    try:
        components: list[Any] = icalendar.Calendar.from_ical(ics, multiple=True)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise VaultToolsError(f"not an iCalendar (.ics) file: {error}") from None
    if not components:
        raise VaultToolsError(
            "not an iCalendar (.ics) file: no BEGIN:VCALENDAR ... END:VCALENDAR in it"
        )
    names = sorted({str(component.name) for component in components} - {"VCALENDAR"})
    if names:
        raise VaultToolsError(
            f"not an iCalendar (.ics) file: it holds {', '.join(names)}, not VCALENDAR"
        )
    return components


def _busy_of(event: Any, tz: dt.tzinfo) -> Busy | None:
    """The busy interval of one occurrence, or None when it does not make the user busy."""
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start_value = event["DTSTART"].dt
    end_prop = event.get("DTEND")
    end_value = end_prop.dt if end_prop is not None else start_value
    start = _moment(start_value, tz)
    end = _moment(end_value, tz)
    if not isinstance(start_value, dt.datetime) and end <= start:
        end = _moment(start_value + dt.timedelta(days=1), tz)  # an all-day event: a day
    if end <= start:
        return None
    return Busy(start=start, end=end)


def _moment(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """An aware moment (in UTC) for a DTSTART/DTEND value: a date is its midnight in ``tz``,
    a floating time is read in ``tz``."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0), tzinfo=tz)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(_UTC)


# --------------------------------------------------------------------------- free slots


def search_window(
    after: dt.datetime, days_ahead: int, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """The ``[start, end)`` that :func:`free_slots` looks in, for :func:`busy_times`:
    from ``after`` to the end of the day ``days_ahead`` days after ``after``'s day in ``tz``."""
    _, last_day = _day_range(after, days_ahead, tz)
    return after, _local(last_day + dt.timedelta(days=1), dt.time(0), tz)


def free_slots(
    hours: Sequence[WeeklyHours],
    busy: Iterable[Busy],
    *,
    after: dt.datetime,
    days_ahead: int,
    slot_minutes: int,
    tz: dt.tzinfo,
    count: int = 3,
) -> list[Slot]:
    """Up to ``count`` free slots of ``slot_minutes``, earliest first, spread over days.

    Candidates lie on each day's grid of the ``hours`` in the user's zone ``tz``: an entry
    09:00-17:00 with 30 minutes gives 09:00, 09:30, ... 16:30 (a slot ends by the hours'
    end). The days are ``after``'s day in ``tz`` and the ``days_ahead`` days after it; a
    slot starts no earlier than ``after`` itself (so on ``after``'s day, the grid from
    ``after`` rounded up; pass a later ``after`` for notice). A slot must not overlap any
    busy interval (touching one is fine).

    The pick: the first free slot of each of the first ``count`` days that have one; when
    fewer days have room, the remaining slots of those days are added, earliest first.

    Wall clock via ``zoneinfo``: on a DST change day 09:00-17:00 is still 09:00-17:00 local
    time; a slot of 30 minutes lasts 30 real minutes. A grid time that does not exist (the
    spring-forward gap) is skipped; one that happens twice (fall back) is taken the first
    time (fold=0). Bad numbers (a slot of no minutes, negative days) raise
    :class:`VaultToolsError`.
    """
    if after.tzinfo is None:
        raise ValueError("free_slots needs an aware `after`")
    if isinstance(slot_minutes, bool) or not isinstance(slot_minutes, int) or slot_minutes < 1:
        raise VaultToolsError(
            f"slot_minutes must be a whole number of 1 or more, not {slot_minutes!r}"
        )
    if isinstance(days_ahead, bool) or not isinstance(days_ahead, int) or days_ahead < 0:
        raise VaultToolsError(f"days_ahead must be a whole number of 0 or more, not {days_ahead!r}")
    if count < 1 or not hours:
        return []
    length = dt.timedelta(minutes=slot_minutes)
    after_utc = after.astimezone(_UTC)
    blocked = _merged(busy)
    blocked_starts = [start for start, _ in blocked]

    def is_free(start: dt.datetime, end: dt.datetime) -> bool:
        index = bisect.bisect_left(blocked_starts, end) - 1  # the last one starting before end
        return index < 0 or blocked[index][1] <= start

    first_day, last_day = _day_range(after, days_ahead, tz)
    free_by_day: list[list[Slot]] = []
    day = first_day
    while True:
        free = [
            Slot(start.astimezone(tz), end.astimezone(tz))
            for start, end in _candidates(hours, day, length, tz)
            if start >= after_utc and is_free(start, end)
        ]
        if free:
            free_by_day.append(free)
            if len(free_by_day) == count:
                break
        if day >= last_day:
            break
        day += dt.timedelta(days=1)

    picked = [free[0] for free in free_by_day]
    if len(picked) < count:
        extras = sorted(
            (slot for free in free_by_day for slot in free[1:]),
            key=lambda slot: slot.start.astimezone(_UTC),
        )
        picked.extend(extras[: count - len(picked)])
    picked.sort(key=lambda slot: slot.start.astimezone(_UTC))
    return picked


def _day_range(after: dt.datetime, days_ahead: int, tz: dt.tzinfo) -> tuple[dt.date, dt.date]:
    first_day = after.astimezone(tz).date()
    left = max(0, (dt.date.max - first_day).days - 2)  # room for the window's end in any zone
    return first_day, first_day + dt.timedelta(days=min(days_ahead, left))


def _local(day: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The moment (in UTC) of a wall-clock time in ``tz``; fold=0 when it happens twice."""
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(_UTC)


def _exists(day: dt.date, time: dt.time, tz: dt.tzinfo) -> bool:
    """Whether the wall-clock time happens in ``tz`` on that day (not in a DST gap)."""
    naive = dt.datetime.combine(day, time)
    back = naive.replace(tzinfo=tz).astimezone(_UTC).astimezone(tz).replace(tzinfo=None)
    return back == naive


def _candidates(
    hours: Sequence[WeeklyHours], day: dt.date, length: dt.timedelta, tz: dt.tzinfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The grid slots of one day, ``(start, end)`` in UTC, earliest first, no repeats."""
    weekday = day.weekday()
    slots: set[tuple[dt.datetime, dt.datetime]] = set()
    for entry in hours:
        if weekday not in entry.days:
            continue
        hours_end_wall = dt.datetime.combine(day, entry.end)
        hours_end = _local(day, entry.end, tz)
        wall = dt.datetime.combine(day, entry.start)
        while wall + length <= hours_end_wall:
            if _exists(day, wall.time(), tz):
                start = _local(day, wall.time(), tz)
                end = start + length  # real minutes (UTC arithmetic)
                if end <= hours_end:
                    slots.add((start, end))
            wall += length
    return sorted(slots)


def _merged(busy: Iterable[Busy]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The busy intervals in UTC, sorted and merged where they overlap or touch."""
    intervals = sorted(
        (item.start.astimezone(_UTC), item.end.astimezone(_UTC))
        for item in busy
        if item.end > item.start
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


# --------------------------------------------------------------------------- text


def slot_text(slot: Slot, user_tz: dt.tzinfo, person_tz: dt.tzinfo | None) -> str:
    """A slot as the request writes it: ``"Tue 8 Dec, 10:00-10:30 your time (16:00-16:30
    CET)"``.

    The user's time comes first; the person's follows in parentheses with the zone's
    abbreviation at that moment (the IANA key instead when the abbreviation is only an
    offset, like ``+04`` for ``Asia/Dubai``), and with its own day when that differs:
    ``"(Wed 9 Dec, 01:00-01:30 JST)"``. When the person's zone is unknown, or is the
    user's (the same key and the same UTC offset then), just ``"Tue 8 Dec, 10:00-10:30"``.
    """
    start, end = slot.start.astimezone(user_tz), slot.end.astimezone(user_tz)
    mine = f"{_day_text(start)}, {_range_text(start, end)}"
    if person_tz is None or _same_zone(start, user_tz, person_tz):
        return mine
    theirs_start, theirs_end = slot.start.astimezone(person_tz), slot.end.astimezone(person_tz)
    theirs = f"{_range_text(theirs_start, theirs_end)} {_zone_label(theirs_start, person_tz)}"
    if theirs_start.date() != start.date():
        theirs = f"{_day_text(theirs_start)}, {theirs}"
    return f"{mine} your time ({theirs})"


def _day_text(moment: dt.datetime) -> str:
    return f"{_WEEKDAY_ABBR[moment.weekday()]} {moment.day} {_MONTH_ABBR[moment.month - 1]}"


def _range_text(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def _zone_key(tz: dt.tzinfo) -> object:
    """A zone's identity: its IANA key when it has one, else the object (``dt.timezone``
    compares by offset and name)."""
    key = getattr(tz, "key", None)
    return key if isinstance(key, str) else tz


def _same_zone(moment: dt.datetime, user_tz: dt.tzinfo, person_tz: dt.tzinfo) -> bool:
    same_offset = moment.astimezone(user_tz).utcoffset() == moment.astimezone(person_tz).utcoffset()
    return same_offset and _zone_key(user_tz) == _zone_key(person_tz)


def _zone_label(moment: dt.datetime, tz: dt.tzinfo) -> str:
    name = moment.tzname()
    key = getattr(tz, "key", None)
    if (name is None or _NUMERIC_ABBR_RE.match(name)) and isinstance(key, str):
        return key
    if name is None:
        offset = moment.utcoffset() or dt.timedelta(0)
        return dt.timezone(offset).tzname(None)
    return name

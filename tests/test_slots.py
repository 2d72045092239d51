"""Issue #14: the free slots ``draft request`` proposes (``vault_tools.slots``): weekly
``[availability]`` hours, busy times of a ``--busy`` calendar (recurring events expanded by
``recurring_ical_events``), three slots spread over days, and their text in two zones.

Every date is fixed around the as-of 2026-11-27 (a Friday); calendars are written by hand."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from vault_tools.errors import VaultToolsError
from vault_tools.slots import (
    Busy,
    Slot,
    WeeklyHours,
    busy_times,
    free_slots,
    parse_hours,
    search_window,
    slot_text,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
DUBAI = ZoneInfo("Asia/Dubai")
UTC = dt.UTC

#: The as-of, Friday 2026-11-27, 08:00 in Berlin.
AS_OF = dt.datetime(2026, 11, 27, 8, 0, tzinfo=BERLIN)
WORKDAYS = parse_hours(["Mon-Fri 09:00-17:00"])
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def calendar(*events: str) -> bytes:
    """A VCALENDAR around VEVENT bodies (each a few content lines), CRLF as RFC 5545 says."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//slots//EN"]
    for number, body in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:event-{number}@tests", "DTSTAMP:20261101T000000Z"]
        lines += [line.strip() for line in body.strip().splitlines()]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def window(days_ahead: int = 14, after: dt.datetime = AS_OF) -> tuple[dt.datetime, dt.datetime]:
    return search_window(after, days_ahead, BERLIN)


def as_utc(busy: list[Busy]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(item.start.astimezone(UTC), item.end.astimezone(UTC)) for item in busy]


def local_starts(slots: list[Slot]) -> list[str]:
    """The slots as wall-clock start times in Berlin, with the offset: '2026-11-30 09:00+01'."""
    return [f"{s.start.astimezone(BERLIN):%Y-%m-%d %H:%M%z}"[:-2] for s in slots]


def slots(
    ics: bytes | None = None,
    *,
    hours: tuple[WeeklyHours, ...] = WORKDAYS,
    after: dt.datetime = AS_OF,
    days_ahead: int = 14,
    slot_minutes: int = 30,
    count: int = 3,
) -> list[Slot]:
    busy = busy_times(ics, *window(days_ahead, after), BERLIN) if ics is not None else []
    return free_slots(
        hours,
        busy,
        after=after,
        days_ahead=days_ahead,
        slot_minutes=slot_minutes,
        tz=BERLIN,
        count=count,
    )


# --------------------------------------------------------------------------- parse_hours


@pytest.mark.parametrize(
    ("entry", "days", "start", "end"),
    [
        ("Mon-Fri 09:00-17:00", {MON, TUE, WED, THU, FRI}, (9, 0), (17, 0)),
        ("Sat 10:00-12:00", {SAT}, (10, 0), (12, 0)),
        ("Mon,Wed,Fri 13:00-15:30", {MON, WED, FRI}, (13, 0), (15, 30)),
        ("Tue-Thu 9:00-12:00", {TUE, WED, THU}, (9, 0), (12, 0)),
        ("Sat-Mon 10:00-11:00", {SAT, SUN, MON}, (10, 0), (11, 0)),  # wraps the week
        ("monday-FRIDAY 08:15-08:45", {MON, TUE, WED, THU, FRI}, (8, 15), (8, 45)),
        ("  Mon - Tue , Sun   07:00 - 23:59 ", {MON, TUE, SUN}, (7, 0), (23, 59)),
        ("Sun-Sun 00:00-01:00", {SUN}, (0, 0), (1, 0)),
    ],
)
def test_parse_hours_reads_good_entries(
    entry: str, days: set[int], start: tuple[int, int], end: tuple[int, int]
) -> None:
    assert parse_hours([entry]) == (
        WeeklyHours(days=frozenset(days), start=dt.time(*start), end=dt.time(*end)),
    )


def test_parse_hours_keeps_every_entry_in_order_and_reads_a_lone_string() -> None:
    read = parse_hours(["Sat 10:00-12:00", "Mon-Fri 09:00-17:00"])
    assert [sorted(entry.days) for entry in read] == [[SAT], [MON, TUE, WED, THU, FRI]]
    assert parse_hours("Sat 10:00-12:00") == read[:1]
    assert parse_hours([]) == ()


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("Mon-Fri 9-17", "not days and a time range"),
        ("09:00-17:00", "not days and a time range"),
        ("Mon-Fri", "not days and a time range"),
        ("", "not days and a time range"),
        ("Funday 09:00-10:00", "'Funday' is not a day"),
        ("Mon-Fr 09:00-10:00", "'Fr' is not a day"),
        ("Mon-Tue-Wed 09:00-10:00", "not a day or a range of two days"),
        ("Mon-Fri 17:00-09:00", "is not after the start"),
        ("Mon-Fri 09:00-09:00", "is not after the start"),
        ("Mon-Fri 09:00-24:00", "not a time of day"),
        ("Mon-Fri 09:60-10:00", "not a time of day"),
    ],
)
def test_parse_hours_refuses_bad_entries_naming_them(entry: str, says: str) -> None:
    with pytest.raises(VaultToolsError) as caught:
        parse_hours(["Sat 10:00-12:00", entry])
    assert says in str(caught.value)
    assert repr(entry) in str(caught.value)


def test_parse_hours_refuses_an_entry_that_is_not_text() -> None:
    with pytest.raises(VaultToolsError, match="is not text"):
        parse_hours([900])  # type: ignore[list-item]


# --------------------------------------------------------------------------- busy_times

WEEKLY_TUESDAY = """
    SUMMARY:Team meeting
    DTSTART;TZID=Europe/Berlin:20261103T100000
    DTEND;TZID=Europe/Berlin:20261103T110000
    RRULE:FREQ=WEEKLY
"""


def test_a_weekly_recurring_meeting_blocks_each_occurrence_in_the_window() -> None:
    busy = busy_times(calendar(WEEKLY_TUESDAY), *window(), BERLIN)
    # Started 3 Nov (before the window): the Tuesdays of the window are 1 and 8 Dec.
    assert as_utc(busy) == [
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC), dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
        (dt.datetime(2026, 12, 8, 9, 0, tzinfo=UTC), dt.datetime(2026, 12, 8, 10, 0, tzinfo=UTC)),
    ]
    tuesday_ten = parse_hours(["Tue 10:00-11:00"])
    assert slots(calendar(WEEKLY_TUESDAY), hours=tuesday_ten, slot_minutes=60) == []


def test_an_exdate_frees_one_occurrence() -> None:
    ics = calendar(WEEKLY_TUESDAY + "EXDATE;TZID=Europe/Berlin:20261208T100000")
    busy = busy_times(ics, *window(), BERLIN)
    assert [item.start.astimezone(BERLIN).date() for item in busy] == [dt.date(2026, 12, 1)]
    found = slots(ics, hours=parse_hours(["Tue 10:00-11:00"]), slot_minutes=60)
    assert local_starts(found) == ["2026-12-08 10:00+01"]


def test_a_moved_occurrence_blocks_its_new_time_not_its_old_one() -> None:
    moved = """
        SUMMARY:Team meeting (moved)
        RECURRENCE-ID;TZID=Europe/Berlin:20261201T100000
        DTSTART;TZID=Europe/Berlin:20261202T140000
        DTEND;TZID=Europe/Berlin:20261202T150000
    """
    ics = calendar(WEEKLY_TUESDAY, moved).replace(b"UID:event-1@", b"UID:event-0@")
    busy = busy_times(ics, *window(), BERLIN)
    assert [f"{item.start.astimezone(BERLIN):%m-%d %H:%M}" for item in busy] == [
        "12-02 14:00",
        "12-08 10:00",
    ]


def test_an_all_day_event_blocks_its_whole_day_in_the_users_zone() -> None:
    ics = calendar("SUMMARY:Offsite\nDTSTART;VALUE=DATE:20261127")  # the as-of Friday
    busy = busy_times(ics, *window(), BERLIN)
    assert [(item.start, item.end) for item in busy] == [
        (berlin(2026, 11, 27), berlin(2026, 11, 28))
    ]
    assert local_starts(slots(ics)) == [
        "2026-11-30 09:00+01",
        "2026-12-01 09:00+01",
        "2026-12-02 09:00+01",
    ]


def test_an_all_day_event_whose_end_is_its_start_still_blocks_its_day() -> None:
    ics = calendar("DTSTART;VALUE=DATE:20261127\nDTEND;VALUE=DATE:20261127")
    busy = busy_times(ics, *window(), BERLIN)
    assert [(item.start, item.end) for item in busy] == [
        (berlin(2026, 11, 27), berlin(2026, 11, 28))
    ]


def test_an_event_without_a_start_is_not_busy_and_the_rest_is_read() -> None:
    ics = calendar(
        "SUMMARY:no start\nDTEND:20261127T100000Z",
        "SUMMARY:Monday\nDTSTART:20261130T080000Z\nDTEND:20261130T090000Z",
    )
    assert as_utc(busy_times(ics, *window(), BERLIN)) == [
        (dt.datetime(2026, 11, 30, 8, tzinfo=UTC), dt.datetime(2026, 11, 30, 9, tzinfo=UTC))
    ]


def test_a_multi_day_all_day_event_blocks_each_of_its_days() -> None:
    ics = calendar("SUMMARY:Trip\nDTSTART;VALUE=DATE:20261130\nDTEND;VALUE=DATE:20261203")
    assert local_starts(slots(ics)) == [
        "2026-11-27 09:00+01",
        "2026-12-03 09:00+01",
        "2026-12-04 09:00+01",
    ]


@pytest.mark.parametrize("line", ["TRANSP:TRANSPARENT", "STATUS:CANCELLED", "transp:transparent"])
def test_a_transparent_or_cancelled_event_does_not_block(line: str) -> None:
    body = (
        "DTSTART;TZID=Europe/Berlin:20261127T090000\n"
        f"DTEND;TZID=Europe/Berlin:20261127T170000\n{line}"
    )
    assert busy_times(calendar(body), *window(), BERLIN) == []
    assert local_starts(slots(calendar(body)))[0] == "2026-11-27 09:00+01"
    opaque = body.replace(line, "TRANSP:OPAQUE")
    assert local_starts(slots(calendar(opaque)))[0] == "2026-11-30 09:00+01"


def test_a_floating_time_is_read_in_the_users_zone_and_utc_stays_utc() -> None:
    floating = "DTSTART:20261130T090000\nDTEND:20261130T100000"
    in_utc = "DTSTART:20261201T080000Z\nDTEND:20261201T090000Z"  # 09:00-10:00 in Berlin
    busy = busy_times(calendar(floating, in_utc), *window(), BERLIN)
    assert as_utc(busy) == [
        (dt.datetime(2026, 11, 30, 8, tzinfo=UTC), dt.datetime(2026, 11, 30, 9, tzinfo=UTC)),
        (dt.datetime(2026, 12, 1, 8, tzinfo=UTC), dt.datetime(2026, 12, 1, 9, tzinfo=UTC)),
    ]


def test_only_events_overlapping_the_window_are_returned() -> None:
    ics = calendar(
        "SUMMARY:before\nDTSTART:20261127T050000Z\nDTEND:20261127T070000Z",  # ends at the start
        "SUMMARY:across\nDTSTART:20261127T060000Z\nDTEND:20261127T080000Z",
        "SUMMARY:after\nDTSTART:20261212T090000Z\nDTEND:20261212T100000Z",
        "SUMMARY:no length\nDTSTART:20261130T090000Z",
    )
    start, end = window()  # from 07:00 UTC on 27 Nov to the end of 11 Dec in Berlin
    busy = busy_times(ics, start, end, BERLIN)
    assert as_utc(busy) == [
        (dt.datetime(2026, 11, 27, 6, tzinfo=UTC), dt.datetime(2026, 11, 27, 8, tzinfo=UTC))
    ]


def test_a_daily_event_over_ten_years_is_expanded_over_the_window_only() -> None:
    ics = calendar(
        "SUMMARY:Standup\nDTSTART;TZID=Europe/Berlin:20161128T091500\n"
        "DTEND;TZID=Europe/Berlin:20161128T093000\nRRULE:FREQ=DAILY;UNTIL=20361231T000000Z"
    )
    busy = busy_times(ics, *window(), BERLIN)
    days = [item.start.astimezone(BERLIN).date() for item in busy]
    # The standup of the as-of day (09:15, after 08:00) through 11 Dec: 15 days, no more.
    assert days == [dt.date(2026, 11, 27) + dt.timedelta(days=n) for n in range(15)]
    # 09:00 overlaps the standup each day; 09:30 starts as it ends.
    assert local_starts(slots(ics))[0] == "2026-11-27 09:30+01"


@pytest.mark.parametrize(
    "ics",
    [
        b"",
        b"hello, world\n",
        b"\xff\xfe\x00B\x00E",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261130T090000Z\r\n",  # cut short
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        calendar("DTSTART:20261130T090000Z\nRRULE:FREQ=SOMETIMES"),
        calendar("DTSTART:garbage\nDTEND:20261130T100000Z"),
    ],
)
def test_a_file_that_is_not_a_readable_calendar_is_a_clear_error(ics: bytes) -> None:
    with pytest.raises(VaultToolsError) as caught:
        busy_times(ics, *window(), BERLIN)
    assert "calendar" in str(caught.value).lower()


def test_an_empty_calendar_and_a_byte_order_mark_are_fine() -> None:
    assert busy_times(calendar(), *window(), BERLIN) == []
    ics = b"\xef\xbb\xbf" + calendar("DTSTART:20261130T080000Z\nDTEND:20261130T090000Z")
    assert len(busy_times(ics, *window(), BERLIN)) == 1


def test_icalendar_is_imported_only_when_busy_times_runs() -> None:
    code = (
        "import sys, vault_tools.slots\n"
        "print(sorted(m for m in ('icalendar', 'recurring_ical_events') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- free_slots


def test_three_slots_on_three_different_days_when_possible() -> None:
    found = slots()
    assert local_starts(found) == [
        "2026-11-27 09:00+01",
        "2026-11-30 09:00+01",
        "2026-12-01 09:00+01",
    ]
    assert all(slot.end - slot.start == dt.timedelta(minutes=30) for slot in found)
    assert all(slot.start.tzinfo is BERLIN for slot in found)


def test_slots_start_no_earlier_than_after_rounded_up_to_the_grid() -> None:
    found = slots(after=berlin(2026, 11, 27, 12, 7))
    assert local_starts(found)[0] == "2026-11-27 12:30+01"
    late = slots(after=berlin(2026, 11, 27, 16, 31))  # 16:30 would end at 17:00, but started
    assert local_starts(late)[0] == "2026-11-30 09:00+01"


def test_a_slot_must_end_by_the_hours_end_and_may_touch_a_busy_time() -> None:
    hours = parse_hours(["Fri 09:00-10:15"])
    assert local_starts(slots(hours=hours, days_ahead=0, count=5)) == [
        "2026-11-27 09:00+01",
        "2026-11-27 09:30+01",
    ]
    ics = calendar("DTSTART:20261127T080000Z\nDTEND:20261127T081000Z")  # 09:00-09:10
    assert local_starts(slots(ics, hours=hours, days_ahead=0, count=5)) == ["2026-11-27 09:30+01"]


def test_fewer_free_days_give_extra_slots_on_the_same_days_earliest_first() -> None:
    # Friday is busy until 15:00; Monday is the only other working day in three days ahead.
    ics = calendar(
        "DTSTART;TZID=Europe/Berlin:20261127T090000\nDTEND;TZID=Europe/Berlin:20261127T150000"
    )
    assert local_starts(slots(ics, days_ahead=3)) == [
        "2026-11-27 15:00+01",
        "2026-11-27 15:30+01",  # an extra from Friday, earlier than Monday's second slot
        "2026-11-30 09:00+01",
    ]
    only_monday = slots(hours=parse_hours(["Mon 09:00-10:30"]), days_ahead=3)
    assert local_starts(only_monday) == [
        "2026-11-30 09:00+01",
        "2026-11-30 09:30+01",
        "2026-11-30 10:00+01",
    ]


def test_no_room_gives_no_slots_and_count_is_kept() -> None:
    assert slots(hours=parse_hours(["Sat-Sun 10:00-12:00"]), days_ahead=0) == []
    assert slots(hours=()) == []
    assert len(slots(count=5)) == 5
    assert len({slot.start.date() for slot in slots(count=5)}) == 5


def test_overlapping_hours_entries_do_not_repeat_a_slot() -> None:
    hours = parse_hours(["Fri 09:00-10:00", "Mon-Fri 09:00-09:30"])
    assert local_starts(slots(hours=hours, days_ahead=0, count=5)) == [
        "2026-11-27 09:00+01",
        "2026-11-27 09:30+01",
    ]


@pytest.mark.parametrize(
    ("days_ahead", "slot_minutes", "says"),
    [(14, 0, "slot_minutes"), (14, -30, "slot_minutes"), (-1, 30, "days_ahead")],
)
def test_bad_numbers_are_a_clear_error(days_ahead: int, slot_minutes: int, says: str) -> None:
    with pytest.raises(VaultToolsError, match=says):
        free_slots(
            WORKDAYS, [], after=AS_OF, days_ahead=days_ahead, slot_minutes=slot_minutes, tz=BERLIN
        )


# --------------------------------------------------------------------------- DST


def test_fall_back_week_keeps_wall_clock_hours_and_compares_utc_busy_times() -> None:
    """Europe/Berlin falls back on Sunday 2026-10-25 (03:00 CEST -> 02:00 CET)."""
    every_day = parse_hours(["Mon-Sun 09:00-10:00"])
    after = berlin(2026, 10, 23, 18, 0)
    ics = calendar(
        "SUMMARY:10:00 CEST on Saturday\nDTSTART:20261024T080000Z\nDTEND:20261024T090000Z",
        "SUMMARY:09:00 CET on Sunday\nDTSTART:20261025T080000Z\nDTEND:20261025T083000Z",
    )
    found = slots(ics, hours=every_day, after=after, days_ahead=7)
    assert local_starts(found) == [
        "2026-10-24 09:00+02",  # 07:00 UTC: the 08:00 UTC event is an hour later
        "2026-10-25 09:30+01",  # 09:00 CET is 08:00 UTC: busy
        "2026-10-26 09:00+01",
    ]
    assert [slot.end - slot.start for slot in found] == [dt.timedelta(minutes=30)] * 3


def test_spring_forward_week_keeps_wall_clock_hours() -> None:
    """Europe/Berlin springs forward on Sunday 2026-03-29 (02:00 CET -> 03:00 CEST)."""
    after = berlin(2026, 3, 27, 18, 0)
    found = slots(hours=parse_hours(["Mon-Sun 09:00-17:00"]), after=after, days_ahead=7)
    assert local_starts(found) == [
        "2026-03-28 09:00+01",
        "2026-03-29 09:00+02",
        "2026-03-30 09:00+02",
    ]
    # Busy 08:00-09:00 UTC on the Sunday is 10:00-11:00 CEST: 09:00 and 09:30 stay free.
    ics = calendar("DTSTART:20260329T080000Z\nDTEND:20260329T090000Z")
    sunday = slots(
        ics,
        hours=parse_hours(["Sun 09:00-11:30"]),
        after=berlin(2026, 3, 29, 0, 0),
        days_ahead=0,
        count=9,
    )
    assert local_starts(sunday) == [
        "2026-03-29 09:00+02",
        "2026-03-29 09:30+02",
        "2026-03-29 11:00+02",
    ]


def test_a_nonexistent_grid_time_is_skipped_and_a_slot_lasts_real_minutes() -> None:
    night = parse_hours(["Sun 01:00-04:00"])
    found = slots(hours=night, after=berlin(2026, 3, 29, 0, 0), days_ahead=0, count=9)
    # 02:00 and 02:30 do not exist that night; 01:30 CET + 30 minutes is 03:00 CEST.
    assert local_starts(found) == [
        "2026-03-29 01:00+01",
        "2026-03-29 01:30+01",
        "2026-03-29 03:00+02",
        "2026-03-29 03:30+02",
    ]
    assert f"{found[1].end:%H:%M%z}" == "03:00+0200"
    # Off the hour grid (45 minutes): 02:30 does not exist, and is not read as 03:30 CEST.
    found = slots(
        hours=parse_hours(["Sun 01:00-05:00"]),
        after=berlin(2026, 3, 29, 0, 0),
        days_ahead=0,
        slot_minutes=45,
        count=9,
    )
    assert local_starts(found) == [
        "2026-03-29 01:00+01",
        "2026-03-29 01:45+01",
        "2026-03-29 03:15+02",
        "2026-03-29 04:00+02",
    ]


def test_a_slot_across_the_spring_gap_must_still_end_by_the_hours_end() -> None:
    # 01:45 CET + 30 minutes is 03:15 CEST, past the hours' end of 03:00.
    found = slots(
        hours=parse_hours(["Sun 01:15-03:00"]),
        after=berlin(2026, 3, 29, 0, 0),
        days_ahead=0,
        count=9,
    )
    assert local_starts(found) == ["2026-03-29 01:15+01"]


def test_an_ambiguous_grid_time_takes_its_first_occurrence() -> None:
    night = parse_hours(["Sun 02:00-02:30"])
    found = slots(hours=night, after=berlin(2026, 10, 25, 0, 0), days_ahead=0, count=9)
    assert len(found) == 1
    assert found[0].start.astimezone(UTC) == dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # CEST
    assert found[0].start.utcoffset() == dt.timedelta(hours=2)
    # 02:30 CEST + 30 real minutes is 02:00 CET, not 03:00 CET.
    hour = slots(
        hours=parse_hours(["Sun 02:00-03:00"]),
        after=berlin(2026, 10, 25, 0, 0),
        days_ahead=0,
        count=9,
    )
    assert local_starts(hour) == ["2026-10-25 02:00+02", "2026-10-25 02:30+02"]
    assert [f"{slot.end:%H:%M%z}" for slot in hour] == ["02:30+0200", "02:00+0100"]


# --------------------------------------------------------------------------- slot_text


def slot_at(start: dt.datetime, minutes: int = 30) -> Slot:
    return Slot(start, start + dt.timedelta(minutes=minutes))


def test_slot_text_in_the_users_zone_alone() -> None:
    slot = slot_at(berlin(2026, 12, 8, 10, 0))
    assert slot_text(slot, BERLIN, None) == "Tue 8 Dec, 10:00-10:30"
    assert slot_text(slot, BERLIN, ZoneInfo("Europe/Berlin")) == "Tue 8 Dec, 10:00-10:30"


def test_slot_text_with_the_persons_zone() -> None:
    in_new_york = slot_at(dt.datetime(2026, 12, 8, 10, 0, tzinfo=NEW_YORK))
    assert slot_text(in_new_york, NEW_YORK, BERLIN) == (
        "Tue 8 Dec, 10:00-10:30 your time (16:00-16:30 CET)"
    )
    slot = slot_at(berlin(2026, 12, 8, 10, 0))
    assert slot_text(slot, BERLIN, NEW_YORK) == "Tue 8 Dec, 10:00-10:30 your time (04:00-04:30 EST)"


def test_slot_text_names_the_persons_day_when_it_differs() -> None:
    slot = slot_at(berlin(2026, 12, 8, 17, 0))
    assert slot_text(slot, BERLIN, TOKYO) == (
        "Tue 8 Dec, 17:00-17:30 your time (Wed 9 Dec, 01:00-01:30 JST)"
    )
    morning = slot_at(berlin(2026, 12, 1, 9, 0))
    assert slot_text(morning, BERLIN, NEW_YORK) == (
        "Tue 1 Dec, 09:00-09:30 your time (03:00-03:30 EST)"
    )
    early = slot_at(berlin(2026, 12, 1, 5, 0))
    assert slot_text(early, BERLIN, NEW_YORK) == (
        "Tue 1 Dec, 05:00-05:30 your time (Mon 30 Nov, 23:00-23:30 EST)"
    )


def test_slot_text_uses_the_iana_key_for_a_numeric_abbreviation() -> None:
    slot = slot_at(berlin(2026, 12, 8, 10, 0))
    assert (
        slot_text(slot, BERLIN, DUBAI)
        == "Tue 8 Dec, 10:00-10:30 your time (13:00-13:30 Asia/Dubai)"
    )


def test_slot_text_follows_each_zones_dst_at_that_moment() -> None:
    # Between the EU's fall back (25 Oct) and the US's (1 Nov), New York is five hours
    # behind Berlin, not six: EDT against CET.
    slot = slot_at(berlin(2026, 10, 26, 10, 0))
    assert (
        slot_text(slot, BERLIN, NEW_YORK) == "Mon 26 Oct, 10:00-10:30 your time (05:00-05:30 EDT)"
    )
    after_us = slot_at(berlin(2026, 11, 2, 10, 0))
    assert slot_text(after_us, BERLIN, NEW_YORK) == (
        "Mon 2 Nov, 10:00-10:30 your time (04:00-04:30 EST)"
    )


def test_slot_text_of_another_zone_with_the_same_offset_still_names_it() -> None:
    slot = slot_at(berlin(2026, 12, 8, 10, 0))
    assert slot_text(slot, BERLIN, ZoneInfo("Europe/Paris")) == (
        "Tue 8 Dec, 10:00-10:30 your time (10:00-10:30 CET)"
    )
    assert slot_text(slot, BERLIN, dt.timezone(dt.timedelta(hours=5, minutes=30))) == (
        "Tue 8 Dec, 10:00-10:30 your time (14:30-15:00 UTC+05:30)"
    )

"""What each step of the practice records in a note: the edits behind ``vault-tools log``.

SPEC's table, with the care a user expects of it: a status moves forward only (logging the
request of a note already done records the request's date and leaves ``done``), an event
already recorded changes nothing, and an event that would undo what happened (scheduling
or declining a done interview) is refused with what to do instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from vault_tools.dates import parse_when
from vault_tools.edit import (
    AddItem,
    Edit,
    EditRefused,
    SetValue,
    TickTask,
    writes_dataview,
    yaml_text,
)
from vault_tools.interview import (
    Context,
    Properties,
    date_of,
    followup_tasks,
    mentions_thanks,
    nudged_days,
    status_of,
)
from vault_tools.note import Note

#: Every event, in the order of the practice.
EVENTS = (
    "requested",
    "nudged",
    "scheduled",
    "done",
    "thanked",
    "contact",
    "declined",
    "cancelled",
)

#: How far each status is along the practice: a status only moves forward.
_STAGE = {"planned": 0, "requested": 1, "scheduled": 2, "done": 3}


@dataclass(frozen=True)
class Moment:
    """When an event happened: a day, and a clock time when one was given."""

    day: dt.date
    time: dt.time | None = None

    def date_text(self) -> str:
        return self.day.isoformat()

    def text(self) -> str:
        """As Obsidian writes a datetime property (``2026-11-20T15:00``), or the day."""
        if self.time is None:
            return self.date_text()
        return f"{self.day.isoformat()}T{self.time.strftime('%H:%M')}"


def parse_moment(text: str) -> Moment | None:
    """``2026-11-20``, ``2026-11-20T15:00`` or ``2026-11-20 15:00``; ``None`` otherwise."""
    text = text.strip()
    if len(text) > 40:
        return None
    try:
        if len(text) == 10:
            return Moment(dt.date.fromisoformat(text))
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is not None or moment.second or moment.microsecond:
        return None
    return Moment(moment.date(), moment.time())


@dataclass(frozen=True)
class LogPlan:
    """The edits an event makes, and what to tell the user about what it left alone."""

    edits: tuple[Edit, ...]
    notes: tuple[str, ...] = ()


def applies_to(note: Properties, event: str) -> bool:
    """Whether ``event`` is one that ``note`` can still record: how a person's name picks
    one of their notes."""
    status = status_of(note)
    if event == "contact":
        return True
    if event == "thanked":
        return status == "done" and note.get("thank_you_sent") is None
    if event == "done":
        return status in (None, "planned", "requested", "scheduled")
    if status in ("done", "declined", "cancelled"):
        return False
    if event == "nudged":
        return status == "requested"
    return True


def plan_event(note: Note, event: str, when: Moment, ctx: Context) -> LogPlan:
    """The edits recording ``event`` at ``when`` in ``note``; EditRefused when it would
    undo what the note records."""
    status = status_of(note)
    day = when.date_text()
    edits: list[Edit] = []
    notes: list[str] = []

    def set_status(new: str) -> None:
        if status == new:
            return
        if status in _STAGE and new in _STAGE and _STAGE[status] > _STAGE[new]:
            notes.append(f"status stays {status}")
            return
        edits.append(SetValue("status", new, new))

    if event == "requested":
        set_status("requested")
        edits.extend(_set_date(note, "requested", day, ctx, notes))
    elif event == "nudged":
        if when.day in nudged_days(note, ctx):
            notes.append(f"nudged already holds {day}")
        else:
            edits.append(_add_nudge(note, day))
    elif event == "scheduled":
        if status == "done":
            raise EditRefused(
                "the interview is done already; scheduling it would undo that. For another "
                "conversation, make a new note (vault-tools new)"
            )
        set_status("scheduled")
        if note.get("date") != when.text():
            edits.append(SetValue("date", when.text(), when.text()))
    elif event == "done":
        set_status("done")
        if note.get("date") is None:
            edits.append(SetValue("date", when.text(), when.text()))
    elif event == "thanked":
        edits.extend(_set_date(note, "thank_you_sent", day, ctx, notes))
        tasks = followup_tasks(note, ctx)
        dataview = writes_dataview(note.line_text(t.line) for t in tasks)
        for task in tasks:
            if task.open and mentions_thanks(task):
                edits.append(TickTask(task.line, day, dataview))
    elif event == "contact":
        last = date_of(note, "last_contact", ctx)
        if last is not None and last >= when.day:
            notes.append(f"last_contact is already {last.isoformat()}")
        else:
            edits.append(SetValue("last_contact", day, day))
    elif event in ("declined", "cancelled"):
        if status == "done":
            raise EditRefused(f"the interview is done already; it cannot be {event} afterwards")
        set_status(event)
    else:
        raise EditRefused(f"unknown event {event!r}: use one of {', '.join(EVENTS)}")
    return LogPlan(tuple(edits), tuple(notes))


def _set_date(note: Note, key: str, day: str, ctx: Context, notes: list[str]) -> Sequence[Edit]:
    """Set date key ``key`` to ``day``, unless it already says a day (kept, and said)."""
    current = note.get(key)
    if current is None:
        return [SetValue(key, day, day)]
    shown = parse_when(current, ctx.tz)
    if shown is not None and shown.day.isoformat() == day:
        return []
    if shown is None:
        # Not a date (VT102): the event replaces what could not be read.
        return [SetValue(key, day, day)]
    notes.append(f"{key} already says {shown.day.isoformat()}; left as it is")
    return []


def _add_nudge(note: Note, day: str) -> Edit:
    current = note.get("nudged")
    if current is None:
        return AddItem("nudged", day, day)
    before = current if isinstance(current, list) else [current]
    return AddItem("nudged", yaml_text(day), [*before, day])

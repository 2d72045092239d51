"""Due follow-ups: interview notes and as-of in, a sorted list of things to do out.

Pure: no printing, no click, no files. SPEC's "followups" section, kind by kind:

* ``thank-you``: a done interview with a date, no ``thank_you_sent`` and no done Follow-up
  task mentioning "thank"; due on the interview day plus the thank-you window rounded up to
  whole days (24 h: the next day, even for an interview at 23:30).
* ``nudge``: ``status: requested`` with ``requested`` set; due ``requested`` + nudge days.
* ``prepare``: ``status: scheduled`` with Research or Questions missing or empty; due on
  the interview day.
* ``follow-up``: ``follow_up`` later than the person's last contact; due on ``follow_up``.
* ``task``: each open task in the Follow-up section; due on its date, or undated. An
  undated open task mentioning "thank" (the template's "Send a thank-you note") is not a
  task item: the ``thank-you`` kind stands for it.
* ``keep-in-touch``: one per person, when no ``follow-up`` is pending and the cadence is not
  ``never``; due on the last contact plus the cadence.

Declined and cancelled notes make no items and count for nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vault_tools.dates import NEVER, parse_cadence, parse_date
from vault_tools.note import Note, Task, person_key, person_name
from vault_tools.rules.context import RuleContext, meaningful_lines
from vault_tools.rules.frontmatter import status_of

#: Every kind, in SPEC's order (also the tie-break order of items due on the same day).
KINDS = ("thank-you", "nudge", "prepare", "follow-up", "task", "keep-in-touch")
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}

#: Statuses whose notes make no items and count for no contact.
INACTIVE = frozenset({"declined", "cancelled"})

FOLLOW_UP_SECTION = "Follow-up"
PREPARED_SECTIONS = ("Research", "Questions")


@dataclass(frozen=True)
class FollowUp:
    """One thing to do, pointing at the note it comes from.

    ``overdue_days`` is ``as_of - due`` in days: positive when overdue, ``0`` when due on
    as-of, negative when still ahead (``-3``: due in three days); ``None`` when undated.
    ``line`` is where in the note the item comes from (the task, or the front matter key).
    ``key`` tells apart several items of one kind in one note (the text of a task).
    """

    kind: str
    path: str
    person: str  # the person's name without brackets; "" when the note names nobody
    due: dt.date | None
    title: str
    overdue_days: int | None
    line: int = 1
    key: str = ""

    @property
    def overdue(self) -> bool:
        return self.overdue_days is not None and self.overdue_days > 0

    def sort_key(self) -> tuple[Any, ...]:
        """Dated items by due date (so overdue first), undated last; then kind, path, person."""
        return (
            self.due is None,
            self.due or dt.date.max,
            _KIND_ORDER.get(self.kind, len(KINDS)),
            self.path,
            person_key(self.person),
            self.line,
        )

    def to_json(self) -> dict[str, Any]:
        """SPEC's item shape, keys in SPEC's order."""
        return {
            "kind": self.kind,
            "path": self.path,
            "person": self.person,
            "due": self.due.isoformat() if self.due else None,
            "overdue_days": self.overdue_days,
            "title": self.title,
        }


@dataclass(frozen=True)
class FollowUpReport:
    """The items a report lists, with what selected them."""

    as_of: dt.date
    horizon_days: int
    include_all: bool
    items: tuple[FollowUp, ...]

    @property
    def until(self) -> dt.date:
        """The last due day the report lists (unless ``include_all``)."""
        return add_days(self.as_of, self.horizon_days) or dt.date.max

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "as_of": self.as_of.isoformat(),
            "horizon_days": self.horizon_days,
            "all": self.include_all,
            "items": [item.to_json() for item in self.items],
        }


# --------------------------------------------------------------------------------------------
# Reading what the rules need from a note


def person_of(note: Note) -> str | None:
    """The person a note is about (``"[[People/Jane Doe|Jane]]"`` -> ``Jane Doe``)."""
    return person_name(note.get("person"))


def contact_key(note: Note) -> str:
    """Groups the notes of one person; a note that names nobody is a group of its own."""
    person = person_of(note)
    return person_key(person) if person else f"\0{note.path}"


def is_active(note: Note) -> bool:
    """Whether the note can make items: not declined, not cancelled."""
    return status_of(note) not in INACTIVE


def followup_tasks(note: Note, ctx: RuleContext) -> list[Task]:
    """Tasks inside the note's Follow-up section(s) (aliases such as Next steps included)."""
    ranges = [
        (section.first_line, section.last_line)
        for section in ctx.sections(note)
        if section.name == FOLLOW_UP_SECTION
    ]
    return [task for task in note.tasks if any(a <= task.line <= b for a, b in ranges)]


def add_days(day: dt.date, days: int) -> dt.date | None:
    """``day`` plus ``days``; ``None`` past the end of the calendar (``keep_in_touch: 10**9``)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def _date(note: Note, key: str, ctx: RuleContext) -> dt.date | None:
    return parse_date(note.get(key), ctx.tz)


def interview_day(note: Note, ctx: RuleContext) -> dt.date | None:
    """The calendar day of the interview in the vault's time zone."""
    return _date(note, "date", ctx)


def _mentions_thanks(task: Task) -> bool:
    return "thank" in task.text.casefold()


def thank_you_due(note: Note, ctx: RuleContext) -> dt.date | None:
    """When the thank-you for a done interview is due: the interview day plus the window
    rounded up to whole days; ``None`` when the note is not a dated done interview."""
    day = interview_day(note, ctx)
    if status_of(note) != "done" or day is None:
        return None
    return add_days(day, math.ceil(ctx.config.thank_you_hours / 24))


def thank_you_shown(note: Note, ctx: RuleContext) -> tuple[bool, dt.date | None]:
    """Whether gratitude was shown, and on which day when the note says so.

    Shown by ``thank_you_sent``, or by a done Follow-up task mentioning "thank" (its
    completion date, when it has one, is the day it was sent).
    """
    sent = _date(note, "thank_you_sent", ctx)
    if sent is not None:
        return True, sent
    for task in followup_tasks(note, ctx):
        if task.done and _mentions_thanks(task):
            return True, parse_date(task.completed, ctx.tz)
    return False, None


def note_contacts(note: Note, ctx: RuleContext) -> list[dt.date]:
    """Days of contact a note records: a done interview's day, ``thank_you_sent``,
    ``last_contact``, and completion dates of done Follow-up tasks."""
    if not is_active(note):
        return []
    days: list[dt.date] = []
    if status_of(note) == "done" and (day := interview_day(note, ctx)) is not None:
        days.append(day)
    for key in ("thank_you_sent", "last_contact"):
        if (day := _date(note, key, ctx)) is not None:
            days.append(day)
    for task in followup_tasks(note, ctx):
        if task.done and (day := parse_date(task.completed, ctx.tz)) is not None:
            days.append(day)
    return days


def last_contacts(notes: Iterable[Note], ctx: RuleContext) -> dict[str, dt.date]:
    """Each person's last contact (by ``contact_key``), over all their notes together."""
    latest: dict[str, dt.date] = {}
    for note in notes:
        for day in note_contacts(note, ctx):
            key = contact_key(note)
            if key not in latest or day > latest[key]:
                latest[key] = day
    return latest


def _recency(note: Note, ctx: RuleContext) -> tuple[dt.date, str]:
    """Orders one person's notes, most recent last: by interview day, else request day."""
    day = interview_day(note, ctx) or _date(note, "requested", ctx)
    return (day or dt.date.min, note.path)


# --------------------------------------------------------------------------------------------
# Items, kind by kind


def _item(
    kind: str,
    note: Note,
    person: str,
    due: dt.date | None,
    title: str,
    as_of: dt.date,
    line: int,
    key: str = "",
) -> FollowUp:
    overdue = (as_of - due).days if due is not None else None
    return FollowUp(kind, note.path, person, due, title, overdue, line, key)


def _to(person: str) -> str:
    return f" to {person}" if person else ""


def _with(person: str) -> str:
    return f" with {person}" if person else ""


def _thank_you(note: Note, ctx: RuleContext, as_of: dt.date, person: str) -> list[FollowUp]:
    due = thank_you_due(note, ctx)
    if due is None or thank_you_shown(note, ctx)[0]:
        return []
    title = f"Send a thank-you note{_to(person)}"
    return [_item("thank-you", note, person, due, title, as_of, note.key_line("date"))]


def _nudge(note: Note, ctx: RuleContext, as_of: dt.date, person: str) -> list[FollowUp]:
    requested = _date(note, "requested", ctx)
    if status_of(note) != "requested" or requested is None:
        return []
    due = add_days(requested, ctx.config.nudge_days)
    if due is None:
        return []
    title = f"Nudge{' ' + person if person else ''}: no reply since {requested}"
    return [_item("nudge", note, person, due, title, as_of, note.key_line("requested"))]


def unprepared_sections(note: Note, ctx: RuleContext) -> list[str]:
    """Of Research and Questions, those missing or empty (SPEC's meaning of empty)."""
    found = [s for s in ctx.sections(note) if s.name in PREPARED_SECTIONS]
    return [
        name
        for name in PREPARED_SECTIONS
        if not any(s.name == name and meaningful_lines(note, s, ctx) for s in found)
    ]


def _prepare(note: Note, ctx: RuleContext, as_of: dt.date, person: str) -> list[FollowUp]:
    day = interview_day(note, ctx)
    if status_of(note) != "scheduled" or day is None:
        return []
    missing = unprepared_sections(note, ctx)
    if not missing:
        return []
    title = f"Prepare for the interview{_with(person)}: write the {' and '.join(missing)}"
    return [_item("prepare", note, person, day, title, as_of, note.key_line("date"))]


def _follow_up(
    note: Note, ctx: RuleContext, as_of: dt.date, person: str, last: dt.date | None
) -> list[FollowUp]:
    planned = _date(note, "follow_up", ctx)
    if planned is None or (last is not None and planned <= last):
        return []
    title = f"Follow up{_with(person)}"
    return [_item("follow-up", note, person, planned, title, as_of, note.key_line("follow_up"))]


def _tasks(note: Note, ctx: RuleContext, as_of: dt.date, person: str) -> list[FollowUp]:
    items: list[FollowUp] = []
    seen: dict[str, int] = {}
    for task in followup_tasks(note, ctx):
        if not task.open or not task.text:
            continue
        if task.due is None and _mentions_thanks(task):
            # The template's "- [ ] Send a thank-you note": the thank-you kind covers it,
            # due once the interview is done, and gone once thank_you_sent is set.
            continue
        # The task's text keeps its item apart from the note's other tasks (for stable ICS
        # UIDs), with a counter for identical texts.
        base = " ".join(task.text.casefold().split())
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        due = parse_date(task.due, ctx.tz) if task.due else None
        items.append(_item("task", note, person, due, task.text, as_of, task.line, key))
    return items


def _keep_in_touch(
    notes: Sequence[Note],
    ctx: RuleContext,
    as_of: dt.date,
    pending: set[str],
    contacts: dict[str, dt.date],
) -> list[FollowUp]:
    people: dict[str, list[Note]] = {}
    for note in notes:
        if person_of(note):
            people.setdefault(contact_key(note), []).append(note)
    items: list[FollowUp] = []
    for key, group in people.items():
        last = contacts.get(key)
        if key in pending or last is None:
            continue
        group.sort(key=lambda n: _recency(n, ctx))
        latest = group[-1]
        # The cadence the user set most recently for this person, else the vault's default.
        cadence = next(
            (
                days
                for n in reversed(group)
                if (days := parse_cadence(n.get("keep_in_touch"))) is not None
            ),
            ctx.config.keep_in_touch_days or NEVER,
        )
        if cadence == NEVER:
            continue
        person = person_of(latest) or ""
        due = add_days(last, cadence)
        if due is None:  # a cadence beyond the calendar: never due
            continue
        title = f"Keep in touch with {person} (last contact {last})"
        line = latest.key_line("keep_in_touch")
        items.append(_item("keep-in-touch", latest, person, due, title, as_of, line))
    return items


# --------------------------------------------------------------------------------------------
# Reports


def all_followups(notes: Iterable[Note], ctx: RuleContext, as_of: dt.date) -> list[FollowUp]:
    """Every follow-up item of the notes, whatever its due date, in report order.

    ``notes`` are interview notes (``vault.interview_notes``); ``ctx`` supplies the config,
    the time zone and section names; ``as_of`` is the report's today.
    """
    active = [note for note in notes if note.readable and is_active(note)]
    contacts = last_contacts(active, ctx)
    items: list[FollowUp] = []
    pending: set[str] = set()
    for note in active:
        person = person_of(note) or ""
        key = contact_key(note)
        items += _thank_you(note, ctx, as_of, person)
        items += _nudge(note, ctx, as_of, person)
        items += _prepare(note, ctx, as_of, person)
        follow_up = _follow_up(note, ctx, as_of, person, contacts.get(key))
        if follow_up:
            pending.add(key)
        items += follow_up
        items += _tasks(note, ctx, as_of, person)
    items += _keep_in_touch(active, ctx, as_of, pending, contacts)
    return sorted(items, key=FollowUp.sort_key)


def due_followups(
    notes: Iterable[Note],
    ctx: RuleContext,
    as_of: dt.date,
    horizon_days: int,
    include_all: bool = False,
) -> list[FollowUp]:
    """The items a report lists: due on or before ``as_of + horizon_days`` (every item with
    ``include_all``), and undated tasks always, after every dated item."""
    until = add_days(as_of, horizon_days) or dt.date.max
    return [
        item
        for item in all_followups(notes, ctx, as_of)
        if include_all or item.due is None or item.due <= until
    ]


def followups_report(
    notes: Iterable[Note],
    ctx: RuleContext,
    as_of: dt.date,
    horizon_days: int,
    include_all: bool = False,
) -> FollowUpReport:
    """``due_followups`` with what selected them, for the renderers."""
    items = due_followups(notes, ctx, as_of, horizon_days, include_all)
    return FollowUpReport(as_of, horizon_days, include_all, tuple(items))


def next_due_by_path(items: Iterable[FollowUp]) -> dict[str, FollowUp]:
    """Each note's next item: the earliest due, undated last (``items`` in report order)."""
    first: dict[str, FollowUp] = {}
    for item in sorted(items, key=FollowUp.sort_key):
        first.setdefault(item.path, item)
    return first

"""Due follow-ups: interview notes (their ``Facts``) and as-of in, a sorted list of things
to do out.

Pure: no printing, no click, no files. SPEC's "followups" section, kind by kind:

* ``thank-you``: a done interview with a date, no ``thank_you_sent`` and no done Follow-up
  task mentioning "thank"; due on the interview day plus the thank-you window rounded up to
  whole days (24 h: the next day, even for an interview at 23:30).
* ``nudge``: ``status: requested`` with ``requested`` set; due the latest of ``requested``,
  ``nudged`` (a date or a list of dates) and ``last_contact``, plus nudge days.
* ``prepare``: ``status: scheduled`` with Research or Questions missing or empty; due
  ``prepare_days`` (default 1) before the interview day, while that day is still ahead
  or today.
* ``update``: ``status: scheduled`` and the interview day has passed; due the day after
  it: the user should mark it done (and write the notes), or reschedule or cancel it.
* ``follow-up``: ``follow_up`` later than the person's last contact; due on ``follow_up``.
* ``task``: each open task in the Follow-up section; due on its date, or undated. An
  open task mentioning "thank" (the template's "Send a thank-you note"), dated or not, is
  not a task item: the ``thank-you`` kind stands for it.
* ``keep-in-touch``: one per person, when no ``follow-up`` is pending and the cadence is not
  ``never``; due on the last contact plus the cadence.

Declined and cancelled notes make no items and count for nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vault_tools.dates import NEVER, add_days, parse_cadence, parse_date
from vault_tools.interview import (
    Context,
    Facts,
    contact_keys,
    date_of,
    interview_day,
    is_active,
    last_contact_of,
    last_contacts,
    mentions_thanks,
    nudged_days,
    people_of,
    person_of,
    recency,
    status_of,
    thank_you_due,
    thank_you_shown,
)
from vault_tools.note import person_key

#: Every kind, in SPEC's order (also the tie-break order of items due on the same day).
KINDS = ("thank-you", "nudge", "prepare", "update", "follow-up", "task", "keep-in-touch")
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)  # one per task: a report may hold hundreds of thousands
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
# Items, kind by kind


def _item(
    kind: str,
    note: Facts,
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


def _thank_you(note: Facts, ctx: Context, as_of: dt.date, person: str) -> list[FollowUp]:
    due = thank_you_due(note, ctx)
    if due is None or thank_you_shown(note, ctx)[0]:
        return []
    title = f"Send a thank-you note{_to(person)}"
    return [_item("thank-you", note, person, due, title, as_of, note.key_line("date"))]


def _nudge(note: Facts, ctx: Context, as_of: dt.date, person: str) -> list[FollowUp]:
    requested = date_of(note, "requested", ctx)
    if status_of(note) != "requested" or requested is None:
        return []
    # The nudge counts from the latest contact about the request: a nudge sent (``nudged``)
    # or any contact recorded (``last_contact``) starts the wait again.
    latest = max([requested, *nudged_days(note, ctx)])
    contact = date_of(note, "last_contact", ctx)
    if contact is not None and contact > latest:
        latest = contact
    due = add_days(latest, ctx.config.nudge_days)
    if due is None:
        return []
    since = f"no reply since {requested}"
    if latest != requested:
        since += f" (last contact {latest})"
    title = f"Nudge{' ' + person if person else ''}: {since}"
    return [_item("nudge", note, person, due, title, as_of, note.key_line("requested"))]


def _prepare(note: Facts, ctx: Context, as_of: dt.date, person: str) -> list[FollowUp]:
    day = interview_day(note, ctx)
    if status_of(note) != "scheduled" or day is None or day < as_of:
        return []  # once the day has passed, the update kind says what to do
    missing = note.unprepared
    if not missing:
        return []
    due = add_days(day, -ctx.config.prepare_days) or day
    title = f"Prepare for the interview{_with(person)}: write the {' and '.join(missing)}"
    return [_item("prepare", note, person, due, title, as_of, note.key_line("date"))]


def _update(note: Facts, ctx: Context, as_of: dt.date, person: str) -> list[FollowUp]:
    day = interview_day(note, ctx)
    if status_of(note) != "scheduled" or day is None or day >= as_of:
        return []
    due = add_days(day, 1)
    if due is None:
        return []
    title = (
        f"Update the note of the interview{_with(person)} on {day}: "
        "mark it done and write the notes, or reschedule"
    )
    return [_item("update", note, person, due, title, as_of, note.key_line("status"))]


def _follow_up(
    note: Facts, ctx: Context, as_of: dt.date, person: str, last: dt.date | None
) -> list[FollowUp]:
    planned = date_of(note, "follow_up", ctx)
    if planned is None or (last is not None and planned <= last):
        return []
    title = f"Follow up{_with(person)}"
    return [_item("follow-up", note, person, planned, title, as_of, note.key_line("follow_up"))]


def _tasks(note: Facts, ctx: Context, as_of: dt.date, person: str) -> list[FollowUp]:
    items: list[FollowUp] = []
    seen: dict[str, int] = {}
    days: dict[str, dt.date | None] = {}  # a note's tasks share a few due days
    for task in note.tasks:
        if not task.open or not task.text:
            continue
        if mentions_thanks(task):
            # The template's "- [ ] Send a thank-you note", dated or not (Templater's
            # "📅 <% tp.date.now(...) %>" fills a date in): the thank-you kind covers it,
            # due once the interview is done, and gone once thank_you_sent is set.
            continue
        # The task's text keeps its item apart from the note's other tasks (for stable ICS
        # UIDs), with a counter for identical texts.
        base = " ".join(task.text.casefold().split())
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        if task.due and task.due not in days:
            days[task.due] = parse_date(task.due, ctx.tz)
        due = days[task.due] if task.due else None
        items.append(_item("task", note, person, due, task.text, as_of, task.line, key))
    return items


def _keep_in_touch(
    notes: Sequence[Facts],
    ctx: Context,
    as_of: dt.date,
    pending: set[str],
    contacts: Mapping[str, dt.date],
) -> list[FollowUp]:
    # Per person (SPEC): a note of a conversation with two people is in both their groups.
    people: dict[str, list[Facts]] = {}
    names: dict[str, dict[str, str]] = {}
    for note in notes:
        names[note.path] = {person_key(name): name for name in people_of(note)}
        for key in names[note.path]:
            people.setdefault(key, []).append(note)
    items: list[FollowUp] = []
    for key, group in people.items():
        last = contacts.get(key)
        if key in pending or last is None:
            continue
        group.sort(key=lambda n: recency(n, ctx))
        latest = group[-1]
        # The person's own note's cadence wins (SPEC); else the one the user set most
        # recently in an interview note, else the vault's default.
        own = ctx.persons.get(key)
        cadence = next(
            (
                days
                for n in reversed(group)
                if (days := parse_cadence(n.get("keep_in_touch"))) is not None
            ),
            ctx.config.keep_in_touch_days or NEVER,
        )
        if own is not None and own.cadence is not None:
            cadence = own.cadence
        if cadence == NEVER:
            continue
        person = names[latest.path][key]  # the name as the latest note writes it
        due = add_days(last, cadence)
        if due is None:  # a cadence beyond the calendar: never due
            continue
        title = f"Keep in touch with {person} (last contact {last})"
        line = latest.key_line("keep_in_touch")
        items.append(_item("keep-in-touch", latest, person, due, title, as_of, line))
    return items


# --------------------------------------------------------------------------------------------
# Reports


def all_followups(
    facts: Sequence[Facts],
    ctx: Context,
    as_of: dt.date,
    contacts: Mapping[str, dt.date] | None = None,
) -> list[FollowUp]:
    """Every follow-up item of the notes, whatever its due date, in report order.

    ``facts`` are the interview notes' facts (``Session.interview_facts``); ``ctx`` supplies
    the config and the time zone; ``as_of`` is the report's today; ``contacts``: their
    ``last_contacts``, when the caller has them already.
    """
    active = [note for note in facts if note.readable and is_active(note)]
    if contacts is None:
        contacts = last_contacts(active, ctx)
    items: list[FollowUp] = []
    pending: set[str] = set()
    for note in active:
        person = person_of(note) or ""
        items += _thank_you(note, ctx, as_of, person)
        items += _nudge(note, ctx, as_of, person)
        items += _prepare(note, ctx, as_of, person)
        items += _update(note, ctx, as_of, person)
        follow_up = _follow_up(note, ctx, as_of, person, last_contact_of(note, contacts))
        if follow_up:
            pending.update(contact_keys(note))
        items += follow_up
        items += _tasks(note, ctx, as_of, person)
    items += _keep_in_touch(active, ctx, as_of, pending, contacts)
    return sorted(items, key=FollowUp.sort_key)


def due_followups(
    facts: Sequence[Facts],
    ctx: Context,
    as_of: dt.date,
    horizon_days: int,
    include_all: bool = False,
) -> list[FollowUp]:
    """The items a report lists: due on or before ``as_of + horizon_days`` (every item with
    ``include_all``), and undated tasks always, after every dated item."""
    until = add_days(as_of, horizon_days) or dt.date.max
    return [
        item
        for item in all_followups(facts, ctx, as_of)
        if include_all or item.due is None or item.due <= until
    ]


def followups_report(
    facts: Sequence[Facts],
    ctx: Context,
    as_of: dt.date,
    horizon_days: int,
    include_all: bool = False,
) -> FollowUpReport:
    """``due_followups`` with what selected them, for the renderers."""
    items = due_followups(facts, ctx, as_of, horizon_days, include_all)
    return FollowUpReport(as_of, horizon_days, include_all, tuple(items))

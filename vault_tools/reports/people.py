"""The people: one row per person across the interview notes and people's own notes, with
who introduced them and whom they introduced.

Pure: interview notes' facts (their context holding the people's own notes) and their
follow-up items in, a ``PeopleReport`` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vault_tools.dates import NEVER, parse_cadence
from vault_tools.interview import Context, Facts, people_of, recency
from vault_tools.note import person_key, person_names

if TYPE_CHECKING:  # follow-up items are made by their own report and handed in
    from vault_tools.reports.followups import FollowUp


@dataclass(frozen=True)
class PersonRow:
    """What the people report shows of one person.

    ``cadence`` is the keep-in-touch cadence in days that applies (the person's own note's,
    else the latest interview note's, else the vault's default; ``NEVER`` for never);
    ``next_due`` their earliest-due follow-up item, whatever the horizon."""

    name: str
    notes: tuple[str, ...]  # their interview notes, oldest first
    person_note: str | None
    last_contact: dt.date | None
    cadence: int
    next_due: FollowUp | None
    introduced_by: tuple[str, ...]
    introduced: tuple[str, ...]
    email: str | None = None
    timezone: str | None = None

    @property
    def latest(self) -> str | None:
        return self.notes[-1] if self.notes else None

    def to_json(self) -> dict[str, Any]:
        due = self.next_due
        return {
            "name": self.name,
            "notes": len(self.notes),
            "latest": self.latest,
            "person_note": self.person_note,
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "keep_in_touch_days": None if self.cadence == NEVER else self.cadence,
            "next_due": None
            if due is None
            else {
                "kind": due.kind,
                "due": due.due.isoformat() if due.due else None,
                "title": due.title,
                "path": due.path,
            },
            "introduced_by": list(self.introduced_by),
            "introduced": list(self.introduced),
            "email": self.email,
            "timezone": self.timezone,
        }


@dataclass(frozen=True)
class PeopleReport:
    as_of: dt.date
    people: tuple[PersonRow, ...]

    def introductions(self) -> list[tuple[str, str]]:
        """(who introduced, whom) for every introduction, in name order."""
        return sorted((by, row.name) for row in self.people for by in row.introduced_by)


def people_report(
    facts: Sequence[Facts],
    ctx: Context,
    items: Sequence[FollowUp],
    contacts: Mapping[str, dt.date],
) -> PeopleReport:
    """One row per person, by name: everyone an interview note names (as its person, or as
    who introduced them) and everyone with a note of their own in the people folder."""
    names: dict[str, str] = {}
    notes: dict[str, list[Facts]] = {}
    introduced_by: dict[str, dict[str, str]] = {}
    for note in sorted(facts, key=lambda f: recency(f, ctx)):
        by = person_names(note.get("introduced_by"))
        for name in people_of(note):
            key = person_key(name)
            names[key] = name  # the name as the latest note writes it
            notes.setdefault(key, []).append(note)
            for who in by:
                introduced_by.setdefault(key, {})[person_key(who)] = who
        for who in by:
            names.setdefault(person_key(who), who)
    for key, note_of_theirs in ctx.persons.items():
        names.setdefault(key, note_of_theirs.name)
        for who in note_of_theirs.introduced_by:
            introduced_by.setdefault(key, {})[person_key(who)] = who
            names.setdefault(person_key(who), who)
    introduced: dict[str, list[str]] = {}
    for key, introducers in introduced_by.items():
        for who_key in introducers:
            introduced.setdefault(who_key, []).append(names[key])
    due: dict[str, FollowUp] = {}
    for item in items:  # in report order: the first of a person's is their next
        key = person_key(item.person) if item.person else ""
        if key and key not in due:
            due[key] = item
    rows = []
    for key, name in names.items():
        theirs = notes.get(key, [])
        own = ctx.persons.get(key)
        rows.append(
            PersonRow(
                name=name,
                notes=tuple(n.path for n in theirs),
                person_note=own.path if own else None,
                last_contact=contacts.get(key),
                cadence=_cadence(theirs, own.cadence if own else None, ctx),
                next_due=due.get(key),
                introduced_by=tuple(sorted(introduced_by.get(key, {}).values(), key=person_key)),
                introduced=tuple(sorted(set(introduced.get(key, [])), key=person_key)),
                email=(own.email if own else None) or _text(theirs, "email"),
                timezone=(own.timezone if own else None) or _text(theirs, "timezone"),
            )
        )
    rows.sort(key=lambda r: person_key(r.name))
    return PeopleReport(ctx.as_of, tuple(rows))


def _cadence(notes: Sequence[Facts], own: int | None, ctx: Context) -> int:
    if own is not None:
        return own
    for note in reversed(notes):
        days = parse_cadence(note.get("keep_in_touch"))
        if days is not None:
            return days
    return ctx.config.keep_in_touch_days or NEVER


def _text(notes: Sequence[Facts], key: str) -> str | None:
    for note in reversed(notes):
        value = note.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None

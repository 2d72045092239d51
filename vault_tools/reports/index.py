"""The interview index: one row per interview note, with its next due follow-up.

Pure: interview notes' facts and their follow-up items in, an ``IndexReport`` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vault_tools.dates import When, parse_when
from vault_tools.interview import (
    Context,
    Facts,
    date_of,
    last_contact_of,
    last_contacts,
    person_of,
    status_of,
    text_property,
    thank_you_shown,
)

if TYPE_CHECKING:  # follow-up items are made by their own report and handed in
    from vault_tools.reports.followups import FollowUp

#: Column names, in the order every format shows them.
COLUMNS = (
    "path",
    "person",
    "company",
    "role",
    "status",
    "date",
    "requested",
    "thank_you_sent",
    "last_contact",
    "next_due",
)


@dataclass(frozen=True)
class IndexRow:
    """What the index shows of one interview note.

    ``thank_you_sent`` is the day the thank-you was sent by the rule of ``followups`` (the
    key, else the completion date of a done "thank" Follow-up task); ``thank_you_shown``
    whether it was sent at all (a done "thank" task without a completion date says so, but
    not when).
    ``last_contact`` is the person's last contact over all their notes (SPEC's derivation),
    ``next_due`` the note's earliest-due follow-up item (undated tasks last), whatever the
    horizon.
    """

    path: str
    person: str | None
    company: str | None
    role: str | None
    status: str | None
    date: When | None
    requested: dt.date | None
    thank_you_sent: dt.date | None
    last_contact: dt.date | None
    next_due: FollowUp | None
    thank_you_shown: bool = False
    #: How many error findings ``check`` has for the note: a broken note (not UTF-8, bad
    #: YAML, unreadable) keeps its row, with nothing else known, so the user sees it.
    errors: int = 0

    def to_json(self) -> dict[str, Any]:
        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "path": self.path,
            "person": self.person,
            "company": self.company,
            "role": self.role,
            "status": self.status,
            "date": self.date.isoformat() if self.date else None,
            "requested": day(self.requested),
            "thank_you_sent": day(self.thank_you_sent),
            "last_contact": day(self.last_contact),
            "next_due": (
                {
                    "kind": self.next_due.kind,
                    "due": day(self.next_due.due),
                    "title": self.next_due.title,
                }
                if self.next_due
                else None
            ),
            "thank_you_shown": self.thank_you_shown,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class IndexReport:
    rows: tuple[IndexRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "notes": [row.to_json() for row in self.rows]}


def index_rows(
    facts: Sequence[Facts],
    ctx: Context,
    items: Iterable[FollowUp],
    contacts: Mapping[str, dt.date] | None = None,
    errors: Mapping[str, int] | None = None,
) -> IndexReport:
    """One row per interview note (declined and cancelled included), by path.

    ``facts``: the interview notes' facts; ``items``: every follow-up item of the notes, in
    report order (the first of a note is its next due item); ``contacts``: their
    ``last_contacts``, when the caller has them already; ``errors``: the number of error
    findings of each note ``check`` checked (by path). A note with errors but no readable
    facts (not UTF-8, unreadable) gets a row of its own, with its path and count only.
    """
    errors = errors or {}
    chosen = sorted((n for n in facts if n.readable), key=lambda n: n.path)
    if contacts is None:
        contacts = last_contacts(chosen, ctx)
    next_due: dict[str, FollowUp] = {}
    for item in items:
        next_due.setdefault(item.path, item)
    rows: list[IndexRow] = []
    for note in chosen:
        shown, sent = thank_you_shown(note, ctx)
        rows.append(
            IndexRow(
                path=note.path,
                person=person_of(note),
                company=text_property(note.get("company")),
                role=text_property(note.get("role")),
                status=status_of(note),
                date=parse_when(note.get("date"), ctx.tz),
                requested=date_of(note, "requested", ctx),  # worked out once per note
                thank_you_sent=sent,
                last_contact=last_contact_of(note, contacts),
                next_due=next_due.get(note.path),
                thank_you_shown=shown,
                errors=errors.get(note.path, 0),
            )
        )
    known = {note.path for note in chosen}
    broken = {note.path for note in facts if not note.readable} | set(errors)
    for path in sorted(broken - known):
        # A broken note: only its path is known, and that it needs repair.
        nothing = (None, None, None, None, None, None, None, None, None)
        rows.append(IndexRow(path, *nothing, errors=errors.get(path, 0)))
    rows.sort(key=lambda row: row.path)
    return IndexReport(tuple(rows))

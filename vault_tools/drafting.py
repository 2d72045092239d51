"""``vault-tools draft``: the thank-you, the request and the keep-in-touch note, drafted
from the user's notes and templates. Nothing is sent and no note is changed: the draft is
returned for the CLI to print (text, eml or mailto).
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from pathlib import Path

from vault_tools.app import Session
from vault_tools.dates import load_zone
from vault_tools.editing import resolve_note
from vault_tools.errors import VaultToolsError
from vault_tools.files import read_note_bytes
from vault_tools.interview import PersonNote, people_of, person_of, text_property
from vault_tools.note import Note, parse_note, person_key
from vault_tools.reports.drafts import (
    TEMPLATE_NAMES,
    Draft,
    keep_in_touch,
    read_template,
    request,
    thank_you,
)
from vault_tools.slots import busy_times, free_slots, parse_hours, search_window, slot_text
from vault_tools.templates import draft_template_text

#: Which note a name means for each draft (``log``'s events: a done note is thanked, a
#: planned one requested).
EVENT_OF = {"thank-you": "thanked", "request": "requested"}


def user_zone(session: Session) -> dt.tzinfo:
    """The vault's zone, else the machine's (as a zone with its DST rules), else UTC."""
    if session.config.timezone:
        return load_zone(session.config.timezone)
    key = os.environ.get("TZ", "").lstrip(":")
    if not key:
        target = os.path.realpath("/etc/localtime")
        key = target.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in target else ""
    try:
        return zoneinfo.ZoneInfo(key) if key else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _template(session: Session, kind: str) -> Note:
    name = TEMPLATE_NAMES[kind]
    return parse_note(name, draft_template_text(session.root, session.config, name).encode())


def _own(session: Session, note: Note) -> PersonNote | None:
    person = person_of(note)
    return session.context().persons.get(person_key(person)) if person else None


def person_zone(note: Note, own: PersonNote | None) -> dt.tzinfo | None:
    """The person's zone: the note's ``timezone``, else their own note's; none that loads
    is none."""
    for key in (text_property(note.get("timezone")), own.timezone if own else None):
        if key:
            try:
                return load_zone(key)
            except ValueError:
                continue
    return None


def draft_note(
    session: Session, kind: str, target: str, busy: Path | None = None, cwd: Path | None = None
) -> Draft:
    """``draft thank-you NOTE`` or ``draft request NOTE``."""
    session.interview_facts()  # the people's own notes, for their email and zone
    path, raw = resolve_note(session, target, EVENT_OF[kind], cwd or Path.cwd())
    note = parse_note(path, raw)
    if not note.readable or note.frontmatter is None:
        raise VaultToolsError(f"{path}: its front matter cannot be read; run vault-tools check")
    if person_of(note) is None:
        raise VaultToolsError(f"{path} names no person (`person:`): a draft needs someone to go to")
    ctx, own = session.context(), _own(session, note)
    template = read_template(_template(session, kind))
    if kind == "thank-you":
        return thank_you(note, ctx, template, own)
    return request(note, ctx, template, own, proposed_slots(session, note, own, busy))


def proposed_slots(
    session: Session, note: Note, own: PersonNote | None, busy: Path | None
) -> list[str]:
    """Three free slots from the day after as-of, inside ``[availability]`` hours and
    outside the busy times of ``busy`` (an ICS file), shown in both zones."""
    config = session.config
    tz = user_zone(session)
    day_after = session.as_of + dt.timedelta(days=1)
    after = dt.datetime.combine(day_after, dt.time(0, 0), tzinfo=tz)
    taken = []
    if busy is not None:
        try:
            ics = busy.read_bytes()
        except OSError as exc:
            raise VaultToolsError(f"cannot read {busy}: {exc.strerror or exc}") from None
        start, end = search_window(after, config.days_ahead, tz)
        try:
            taken = busy_times(ics, start, end, tz)
        except VaultToolsError as exc:
            raise VaultToolsError(f"{busy}: {exc}") from None
    slots = free_slots(
        parse_hours(config.availability_hours),
        taken,
        after=after,
        days_ahead=config.days_ahead,
        slot_minutes=config.slot_minutes,
        tz=tz,
    )
    theirs = person_zone(note, own)
    return [slot_text(slot, tz, theirs) for slot in slots]


def draft_keep_in_touch(session: Session, person: str) -> Draft:
    """``draft keep-in-touch PERSON``: from their interview notes."""
    facts = session.interview_facts()
    wanted = person_key(person)
    theirs = [f for f in facts if any(person_key(p) == wanted for p in people_of(f))]
    if not theirs:
        raise VaultToolsError(f"no interview note names {person!r} as its person")
    notes = [parse_note(f.path, read_note_bytes(session.root, f.path)) for f in theirs]
    own = session.context().persons.get(wanted)
    template = read_template(_template(session, "keep-in-touch"))
    return keep_in_touch(notes, session.context(), template, own)

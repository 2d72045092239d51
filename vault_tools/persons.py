"""A person's own note: which note it is, found as Obsidian resolves a link, and what it
says of the person (SPEC "A person's own note").

Pure: the listing's paths and parsed notes in, data out. ``app.py`` reads the notes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vault_tools.dates import load_zone, parse_cadence, parse_date
from vault_tools.files import is_under
from vault_tools.interview import PersonNote, mentions_thanks, text_property
from vault_tools.note import Note, person_key, person_names


def note_name(path: str) -> str:
    """A note's name as Obsidian shows it: the file name without ``.md``."""
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name[-3:].lower() == ".md" else name


class PersonNotes:
    """Which note is a person's own, among the vault's notes that are not interviews."""

    def __init__(self, paths: Iterable[str], interviews: Iterable[str], people_folder: str):
        skip = set(interviews)
        self.people_folder = people_folder
        self.paths = {p for p in paths if p not in skip and p[-3:].lower() == ".md"}
        self.by_name: dict[str, list[str]] = {}
        for path in sorted(self.paths):
            self.by_name.setdefault(person_key(note_name(path)), []).append(path)

    def resolve(self, name: str, link_path: str | None = None) -> str | None:
        """The person's own note: the link's path when it has one, else the one note of
        that name; the people folder wins a tie, and a tie it does not settle is none."""
        if link_path:
            wanted = f"{link_path}.md"
            exact = [p for p in self.paths if p.casefold() == wanted.casefold()]
            if exact:
                return exact[0]
            # Obsidian also takes a path that ends the link's (``Jane Doe`` in a subfolder).
            ends = [p for p in self.paths if p.casefold().endswith("/" + wanted.casefold())]
            if len(ends) == 1:
                return ends[0]
        found = self.by_name.get(person_key(name), [])
        if len(found) == 1:
            return found[0]
        in_folder = [p for p in found if self.people_folder and is_under(p, self.people_folder)]
        return in_folder[0] if len(in_folder) == 1 else None


def person_note(note: Note, tz: dt.tzinfo | None) -> PersonNote:
    """What a person's own note says: its ``last_contact``, ``keep_in_touch``, ``email``,
    ``timezone`` and ``introduced_by`` (values that do not read as their type are left
    out: a person note is the user's own page, not checked as an interview is)."""
    zone = text_property(note.get("timezone"))
    if zone is not None:
        try:
            load_zone(zone)
        except ValueError:
            zone = None
    email = text_property(note.get("email"))
    return PersonNote(
        path=note.path,
        name=note_name(note.path),
        last_contact=parse_date(note.get("last_contact"), tz),
        cadence=parse_cadence(note.get("keep_in_touch")),
        email=email.strip() if email else None,
        timezone=zone,
        introduced_by=person_names(note.get("introduced_by")),
    )


def by_person(notes: Sequence[PersonNote], names: Mapping[str, str]) -> dict[str, PersonNote]:
    """Person key -> their note, for the people ``names`` (key -> the note path found)."""
    by_path = {n.path: n for n in notes}
    return {key: by_path[path] for key, path in names.items() if path in by_path}


# --------------------------------------------------------------------------------------------
# Daily notes: a note linking a person is a contact on its day, a done "thank" task in it
# the thank-you

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINK = re.compile(r"\[\[([^\]|#^]+)")


def daily_note_day(path: str, daily_folder: str | None) -> dt.date | None:
    """The day of a daily note: its name is a date (``2026-11-20.md``), in any folder, or
    it lies in Obsidian's daily notes folder and its name reads as a day; else ``None``."""
    name = note_name(path)
    if _ISO_DAY.match(name) or (daily_folder and is_under(path, daily_folder)):
        return parse_date(name)
    return None


@dataclass(frozen=True)
class Mentions:
    """Whom a daily note links (by note name), and its done tasks that mention "thank":
    each with its day (its completion date, else the note's) and the note names it links."""

    links: tuple[str, ...]
    thanks: tuple[tuple[dt.date, tuple[str, ...]], ...]


def _linked(text: str) -> tuple[str, ...]:
    names = []
    for target in _LINK.findall(text):
        name = target.strip().rsplit("/", 1)[-1]
        name = name[:-3] if name.lower().endswith(".md") else name
        if name:
            names.append(name)
    return tuple(names)


def mentions_of(note: Note, day: dt.date, tz: dt.tzinfo | None) -> Mentions:
    links = tuple(name for line in note.lines for name in _linked(line))
    thanks = []
    for task in note.tasks:
        if task.done and mentions_thanks(task):
            when = parse_date(task.completed, tz) or day
            thanks.append((when, _linked(note.line_text(task.line))))
    return Mentions(links, tuple(thanks))

"""A person's own note: which note it is, found as Obsidian resolves a link, and what it
says of the person (SPEC "A person's own note").

Pure: the listing's paths and parsed notes in, data out. What a note that is no
interview says of people — as someone's own note, and in its links and "thank" tasks —
is its ``Mentions``, which the cache keeps: a report finds it without reading the note.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from vault_tools.dates import NEVER, load_zone, parse_cadence, parse_date
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


#: Bump when what ``note_mentions`` keeps changes (the cache holds it).
MENTIONS_VERSION = 2
#: The most links and "thank" tasks kept of one note, and the longest name kept.
MAX_MENTIONS = 500
MAX_NAME_CHARS = 255
#: The front matter keys a person's own note may hold for them, and the longest value kept.
PERSON_KEYS = ("last_contact", "keep_in_touch", "email", "timezone", "introduced_by")
MAX_VALUE_CHARS = 1000


@dataclass(frozen=True)
class Mentions:
    """What a note that is no interview says of people: the note names it links (each
    once); its done tasks that mention "thank", each with its completion date as written
    (``None`` without one) and the note names it links; and, should it be someone's own
    note, its ``PERSON_KEYS`` values as text (``introduced_by`` once per person named).
    The cache keeps it for every such note, so a report finds a thank-you ticked anywhere,
    and reads a person's own note, without opening the file."""

    links: tuple[str, ...] = ()
    thanks: tuple[tuple[str | None, tuple[str, ...]], ...] = ()
    about: tuple[tuple[str, str], ...] = ()

    def to_data(self) -> list[object]:
        return [
            list(self.links),
            [[when, list(names)] for when, names in self.thanks],
            [list(pair) for pair in self.about],
        ]

    @classmethod
    def from_json(cls, text: str) -> Mentions | None:
        """From ``to_data``'s JSON as the cache holds it; ``None`` for anything else (a
        vault's cache may come from anyone: every part's type and size is checked)."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not (isinstance(data, list) and len(data) == 3):
            return None
        links, thanks, about = data
        if not _names(links) or not isinstance(thanks, list) or len(thanks) > MAX_MENTIONS:
            return None
        kept: list[tuple[str | None, tuple[str, ...]]] = []
        for item in thanks:
            if not (isinstance(item, list) and len(item) == 2):
                return None
            when, names = item
            if not (when is None or (isinstance(when, str) and len(when) <= 64)):
                return None
            if not _names(names):
                return None
            kept.append((when, tuple(names)))
        if not isinstance(about, list) or len(about) > MAX_MENTIONS:
            return None
        pairs: list[tuple[str, str]] = []
        for pair in about:
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in PERSON_KEYS):
                return None
            if not (isinstance(pair[1], str) and 0 < len(pair[1]) <= MAX_VALUE_CHARS):
                return None
            pairs.append((pair[0], pair[1]))
        return cls(tuple(links), tuple(kept), tuple(pairs))

    def person_note(self, path: str, tz: dt.tzinfo | None) -> PersonNote:
        """What the note says as a person's own note (values that do not read as their
        type are left out: it is the user's own page, not checked as an interview is)."""
        values: dict[str, str] = {}
        introduced: list[str] = []
        for key, value in self.about:
            if key == "introduced_by":
                introduced.append(value)
            else:
                values.setdefault(key, value)
        return PersonNote(
            path=path,
            name=note_name(path),
            last_contact=parse_date(values.get("last_contact"), tz),
            cadence=parse_cadence(values.get("keep_in_touch")),
            email=values.get("email"),
            timezone=values.get("timezone"),
            introduced_by=tuple(introduced),
        )


def _person_values(note: Note) -> list[tuple[str, str]]:
    """``PERSON_KEYS`` values of a note as text: a date as written or in ISO form, the
    cadence as its days (or ``never``), a zone only when it loads, each introducer once."""
    pairs: list[tuple[str, str]] = []
    written = note.get("last_contact")
    if isinstance(written, dt.date):
        pairs.append(("last_contact", written.isoformat()))
    elif isinstance(written, str) and written.strip():
        pairs.append(("last_contact", written.strip()))
    cadence = parse_cadence(note.get("keep_in_touch"))
    if cadence is not None:
        pairs.append(("keep_in_touch", "never" if cadence == NEVER else str(cadence)))
    email = text_property(note.get("email"))
    if email and email.strip():
        pairs.append(("email", email.strip()))
    zone = text_property(note.get("timezone"))
    if zone:
        try:
            load_zone(zone)
        except ValueError:
            zone = None
    if zone:
        pairs.append(("timezone", zone))
    pairs += [("introduced_by", name) for name in person_names(note.get("introduced_by"))]
    return [(key, value) for key, value in pairs if len(value) <= MAX_VALUE_CHARS][:MAX_MENTIONS]


def _names(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= MAX_MENTIONS
        and all(isinstance(n, str) and 0 < len(n) <= MAX_NAME_CHARS for n in value)
    )


def _linked(text: str) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for target in _LINK.findall(text[:100_000]):
        name = target.strip().rsplit("/", 1)[-1]
        name = name[:-3] if name.lower().endswith(".md") else name
        if name and len(name) <= MAX_NAME_CHARS:
            names.setdefault(name, None)
    return tuple(names)


def note_mentions(note: Note) -> Mentions:
    """What a note says of people, for the cache (see ``Mentions``)."""
    links: dict[str, None] = {}
    for line in note.lines:
        if "[[" in line:
            for name in _linked(line):
                links.setdefault(name, None)
                if len(links) >= MAX_MENTIONS:
                    break
    thanks: list[tuple[str | None, tuple[str, ...]]] = []
    for task in note.tasks:
        if task.done and mentions_thanks(task) and len(thanks) < MAX_MENTIONS:
            named = _linked(note.line_text(task.line))
            if named:
                when = task.completed if task.completed and len(task.completed) <= 64 else None
                thanks.append((when, named))
    return Mentions(tuple(links)[:MAX_MENTIONS], tuple(thanks), tuple(_person_values(note)))

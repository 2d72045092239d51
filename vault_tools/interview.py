"""The domain facts every rule and report needs: which notes are interviews, whose they
are, their status, sections and what counts as written in them, contacts and thank-yous,
and what a note says was learned (takeaways, what went well, what to improve).

``Context`` is what reading an interview note needs besides the note: the config, as-of,
the time zone, the section names and the template's prompts. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar

from vault_tools.config import Config
from vault_tools.dates import add_days, parse_date
from vault_tools.files import is_drawing, is_under
from vault_tools.note import (
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    Note,
    Section,
    Task,
    content_lines,
    link_text,
    list_items,
    parse_note,
    person_key,
    person_names,
    sections,
    unquoted_wikilink,
)
from vault_tools.templates import builtin_template, template_text
from vault_tools.vocabulary import FOLLOW_UP_SECTION, GENERATED_BY, normalize_heading

T = TypeVar("T")

#: Statuses whose notes make no items and count for no contact.
INACTIVE = frozenset({"declined", "cancelled"})


@dataclass(frozen=True)
class PersonNote:
    """What a person's own note records for them (``persons.py`` finds and reads it)."""

    path: str
    name: str  # the note's name: its file name without ``.md``
    last_contact: dt.date | None = None
    cadence: int | None = None  # days, ``NEVER``, or None when the note sets none
    email: str | None = None
    timezone: str | None = None  # an IANA zone that loads; another value is left out
    introduced_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What reading an interview note needs besides the note."""

    config: Config
    as_of: dt.date
    tz: dt.tzinfo | None = None
    #: normalised heading -> canonical section name (aliases included)
    section_lookup: Mapping[str, str] = field(default_factory=dict)
    #: the interview templates' texts whose prompts count as empty (vault's, built-in)
    templates: tuple[str, ...] = ()
    #: person key -> their own note, for the reports (``Session.interview_facts`` finds them)
    persons: Mapping[str, PersonNote] = field(default_factory=dict)
    #: person key -> their latest contact in a daily note (a note that links them)
    daily_contacts: Mapping[str, dt.date] = field(default_factory=dict)
    #: interview note path -> the day a done "thank" task elsewhere (a daily note) thanked
    #: its person for it: their latest done interview on or before that day
    thanked_elsewhere: Mapping[str, dt.date] = field(default_factory=dict)

    @cached_property
    def placeholders(self) -> Mapping[str, frozenset[str]]:
        """Canonical section -> normalised lines of the templates' prompt text.

        Worked out on first use, so a run that lints nothing parses no template.
        """
        merged: dict[str, frozenset[str]] = {}
        for text in self.templates:
            template = parse_note("template", text.encode("utf-8"))
            for name, lines in template_placeholders(template, self.section_lookup).items():
                merged[name] = merged.get(name, frozenset()) | lines
        return merged

    @cached_property
    def template_headings(self) -> tuple[tuple[str, str], ...]:
        """(canonical section, its heading line) in the interview template's order: the
        vault's template, else the built-in one. ``check --fix`` adds a missing section as
        the template writes it, where the template puts it."""
        for text in self.templates:
            template = parse_note("template", text.encode("utf-8"))
            found: dict[str, str] = {}
            for section in sections(template, self.section_lookup):
                if section.name is None or section.name in found:
                    continue
                written = template.line_text(section.line)
                heading = written if written.startswith("## ") else f"## {section.heading.text}"
                found[section.name] = heading.rstrip()
            if found:
                return tuple(found.items())
        return ()

    @cached_property
    def section_order(self) -> tuple[str, ...]:
        """Canonical sections in the template's order, then any the template leaves out."""
        named = [name for name, _ in self.template_headings]
        return (*named, *(name for name in self.config.aliases if name not in named))

    def memo(self, note: Note, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, remembered for ``note``: the rules ask for the same note's sections
        and section contents in turn, so only the last note's answers are kept."""
        held = self.__dict__.get("_memo")
        if held is None or held[0] is not note:
            held = (note, {})
            self.__dict__["_memo"] = held
        answers: dict[object, Any] = held[1]
        if key not in answers:
            answers[key] = compute()
        return answers[key]  # type: ignore[no-any-return]

    def forget(self, note: Note) -> None:
        """Drop what ``memo`` keeps for ``note`` (the answers hold its lines): a report
        that reads one huge note need not keep it until the report is written."""
        held = self.__dict__.get("_memo")
        if held is not None and held[0] is note:
            del self.__dict__["_memo"]

    def sections(self, note: Note) -> tuple[Section, ...]:
        return self.memo(note, "sections", lambda: sections(note, self.section_lookup))


def section_lookup(aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, more in aliases.items():
        for text in (name, *more):
            lookup.setdefault(normalize_heading(text), name)
    return lookup


def normalize_line(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_filler(text: str) -> bool:
    """A line that holds no writing: blank, a bare list marker or an empty checkbox."""
    stripped = text.strip().lstrip(">").strip()
    for marker in ("- [ ]", "* [ ]", "+ [ ]", "-", "*", "+", "1.", "1)"):
        if stripped == marker:
            return True
    return not stripped


def meaningful_lines(note: Note, section: Section, ctx: Context) -> list[tuple[int, str]]:
    """Lines of a section that hold the user's own writing.

    Blank lines, HTML and ``%%`` comments, sub-headings, and the template's prompt text
    do not count (SPEC's definition of an empty section).
    """
    return ctx.memo(
        note, ("meaningful", section.line), lambda: _meaningful_lines(note, section, ctx)
    )


def _meaningful_lines(note: Note, section: Section, ctx: Context) -> list[tuple[int, str]]:
    placeholder = ctx.placeholders.get(section.name or "", frozenset())
    sub_lines = {line for h in section.subsections for line in range(h.line, h.end_line + 1)}
    kept: list[tuple[int, str]] = []
    for number, text in content_lines(note, section.first_line, section.last_line):
        if number in sub_lines or _is_filler(text):
            continue
        if number not in note.code_lines and normalize_line(text) in placeholder:
            continue
        kept.append((number, text))
    return kept


def template_placeholders(template: Note, lookup: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Per canonical section, the normalised lines of the template's own prompt text."""
    found: dict[str, set[str]] = {}
    for section in sections(template, lookup):
        if section.name is None:
            continue
        bucket = found.setdefault(section.name, set())
        for _, text in content_lines(template, section.first_line, section.last_line):
            if text.strip():
                bucket.add(normalize_line(text))
        for sub in section.subsections:
            bucket.add(normalize_line(template.line_text(sub.line)))
    return {name: frozenset(lines) for name, lines in found.items()}


def make_context(root: Path, config: Config, as_of: dt.date) -> Context:
    """The context of a vault: its config, as-of, sections and templates' prompts."""
    # The built-in template's prompts count as placeholders in every vault, too.
    return Context(
        config=config,
        as_of=as_of,
        tz=config.tz,
        section_lookup=section_lookup(config.aliases),
        templates=(template_text(root, config), builtin_template()),
    )


# --------------------------------------------------------------------------------------------
# Which parsed notes are interviews


def _tags(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        for part in re.split(r"[,\s]+", value):
            if part:
                yield part
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, str):
                yield from _tags(item)


def has_tag(frontmatter: Mapping[str, Any], tag: str) -> bool:
    """Front matter ``tags`` (or ``tag``) holds ``tag``, or a nested tag under it."""
    wanted = tag.lstrip("#").casefold()
    for key in ("tags", "tag"):
        for found in _tags(frontmatter.get(key)):
            found = found.lstrip("#").casefold()
            if found == wanted or found.startswith(wanted + "/"):
                return True
    return False


def in_interview_folder(path: str, config: Config) -> bool:
    return any(is_under(path, folder) for folder in config.folders)


def is_generated(note: Note) -> bool:
    return bool(note.get("generated_by") == GENERATED_BY)


#: Front matter keys that mark a plugin's data file (a drawing, a board), never a note.
PLUGIN_KEYS = ("excalidraw-plugin", "kanban-plugin")


def is_plugin_file(note: Note) -> bool:
    """An Excalidraw drawing or a Kanban board: skipped wherever it lies (SPEC)."""
    if is_drawing(note.path.rsplit("/", 1)[-1]):
        return True
    fm = note.frontmatter
    return fm is not None and any(key in fm for key in PLUGIN_KEYS)


def _type_texts(value: Any) -> Iterator[str]:
    """Each text a ``type`` value names: plain text, a link's target (also its last path
    segment, as Obsidian resolves a link by name), the items of a list of either."""
    inner = unquoted_wikilink(value)
    if inner is not None:
        value = f"[[{inner}]]"
    if isinstance(value, str):
        text = value.strip()
        m = _TYPE_LINK.match(text)
        if m:
            target = m["target"].strip().strip("/")
            if target.lower().endswith(".md"):
                target = target[:-3]
            yield target
            yield target.rsplit("/", 1)[-1]
        else:
            yield text
    elif isinstance(value, list | tuple):
        for item in value[:1000]:
            if isinstance(item, str) or unquoted_wikilink(item) is not None:
                yield from _type_texts(item)
            elif isinstance(item, list) and len(item) == 1 and isinstance(item[0], str):
                yield from _type_texts(f"[[{item[0]}]]")  # [[[Interview]]] in a list


_TYPE_LINK = re.compile(r"^\[\[(?P<target>[^\]|#^]*)(?:[#^][^\]|]*)?(?:\|[^\]]*)?\]\]$")


def has_type(frontmatter: Mapping[str, Any], types: str | Iterable[str]) -> bool:
    """Front matter ``type`` (text, link or a list of either) is one of ``types``,
    ignoring case."""
    wanted = {t.strip().casefold() for t in ((types,) if isinstance(types, str) else types)}
    wanted.discard("")
    return any(found.casefold() in wanted for found in _type_texts(frontmatter.get("type")))


def is_interview(note: Note, config: Config) -> bool:
    """SPEC's "which notes are interviews": type, tag (front matter only) or folder; never
    a plugin's data file."""
    if is_plugin_file(note):
        return False
    if in_interview_folder(note.path, config):
        return not is_generated(note)
    fm = note.frontmatter
    if fm is None:
        return note.maybe_interview
    return has_type(fm, config.type) or has_tag(fm, config.tag)


class Properties(Protocol):
    """What the front matter readers below need: a parsed ``Note``, or a note's ``Facts``."""

    @property
    def path(self) -> str: ...

    def get(self, key: str) -> Any: ...


def _status(value: object) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def status_of(note: Properties) -> str | None:
    """The note's status, normalised (``Done`` -> ``done``); None when absent or not text."""
    if type(note) is Facts:
        return note.status  # worked out once: the reports ask many times over
    return _status(note.get("status"))


def text_property(value: Any) -> str | None:
    """A text property as shown: strings trimmed, numbers as written, a link as its display
    text (``"[[Acme Corp|Acme]]"`` -> ``Acme``; an unquoted ``[[Acme]]``, which YAML reads as
    a nested list, too), anything else absent."""
    if isinstance(value, bool) or value is None:
        return None
    inner = unquoted_wikilink(value)
    if inner is not None:
        value = f"[[{inner}]]"
    if isinstance(value, str):
        return link_text(value).strip() or None
    if isinstance(value, int | float):
        return str(value).strip() or None
    return None


# --------------------------------------------------------------------------------------------
# People, contacts and thank-yous: of a note's front matter (a Note or its Facts), and of
# its Follow-up tasks (its Facts)


def people_of(note: Properties) -> tuple[str, ...]:
    """The people a note is about, in order (``"[[People/Jane Doe|Jane]]"`` -> ``Jane Doe``;
    ``person: ["[[Jane Doe]]", "[[John Roe]]"]`` -> both): each is a person of the note."""
    if type(note) is Facts:
        return note.people
    return person_names(note.get("person"))


def person_of(note: Properties) -> str | None:
    """The person(s) a note is about as shown for the note: ``Jane Doe``, or the people of
    a conversation with several joined (``Jane Doe, John Roe``); None when it names nobody."""
    return ", ".join(people_of(note)) or None


def contact_keys(note: Properties) -> tuple[str, ...]:
    """The groups of one person each that a note belongs to (one per person of the note); a
    note that names nobody is a group of its own."""
    people = people_of(note)
    return tuple(person_key(p) for p in people) if people else (f"\0{note.path}",)


def last_contact_of(note: Properties, contacts: Mapping[str, dt.date]) -> dt.date | None:
    """The latest last contact of the note's people (``contacts`` from ``last_contacts``)."""
    days = [day for key in contact_keys(note) if (day := contacts.get(key)) is not None]
    return max(days, default=None)


def is_active(note: Properties) -> bool:
    """Whether the note can make items: not declined, not cancelled."""
    return status_of(note) not in INACTIVE


def followup_tasks(note: Note, ctx: Context) -> list[Task]:
    """Tasks inside the note's Follow-up section(s) (aliases such as Next steps included)."""
    ranges = [
        (section.first_line, section.last_line)
        for section in ctx.sections(note)
        if section.name == FOLLOW_UP_SECTION
    ]
    return [task for task in note.tasks if any(a <= task.line <= b for a, b in ranges)]


def date_of(note: Properties, key: str, ctx: Context) -> dt.date | None:
    """The calendar day a date key says, in the vault's time zone."""
    if type(note) is Facts:
        return note.day(key, ctx.tz)
    return parse_date(note.get(key), ctx.tz)


def interview_day(note: Properties, ctx: Context) -> dt.date | None:
    """The calendar day of the interview in the vault's time zone."""
    return date_of(note, "date", ctx)


def mentions_thanks(task: Task) -> bool:
    return "thank" in task.text.casefold()


def thank_you_due(note: Properties, ctx: Context) -> dt.date | None:
    """When the thank-you for a done interview is due: the interview day plus the window
    rounded up to whole days; ``None`` when the note is not a dated done interview."""
    day = interview_day(note, ctx)
    if status_of(note) != "done" or day is None:
        return None
    return add_days(day, math.ceil(ctx.config.thank_you_hours / 24))


def thank_you_shown(note: Facts, ctx: Context) -> tuple[bool, dt.date | None]:
    """Whether gratitude was shown, and on which day when the note says so.

    Shown by ``thank_you_sent``, or by a done Follow-up task mentioning "thank" (its
    completion date, when it has one, is the day it was sent), or by one in a daily note
    that links the person (``Context.thanked_elsewhere``).
    """
    sent = date_of(note, "thank_you_sent", ctx)
    if sent is not None:
        return True, sent
    for task in note.tasks:
        if task.done and mentions_thanks(task):
            return True, parse_date(task.completed, ctx.tz)
    elsewhere = ctx.thanked_elsewhere.get(note.path)
    if elsewhere is not None:
        return True, elsewhere
    return False, None


def nudged_days(note: Properties, ctx: Context) -> list[dt.date]:
    """The days a reminder about the request was sent: ``nudged``, a date or a list of
    dates (the ones that are not dates are VT102's, and left out here)."""
    value = note.get("nudged")
    values = value if isinstance(value, list) else [value]
    days = [parse_date(item, ctx.tz) for item in values if item is not None]
    return sorted(day for day in days if day is not None)


def note_contacts(note: Facts, ctx: Context) -> list[dt.date]:
    """Days of contact a note records: a done interview's day, ``thank_you_sent``,
    ``last_contact``, ``nudged``, and completion dates of done Follow-up tasks."""
    if not is_active(note):
        return []
    days: list[dt.date] = []
    if status_of(note) == "done" and (day := interview_day(note, ctx)) is not None:
        days.append(day)
    for key in ("thank_you_sent", "last_contact"):
        if (day := date_of(note, key, ctx)) is not None:
            days.append(day)
    days += nudged_days(note, ctx)
    for task in note.tasks:
        if task.done and (day := parse_date(task.completed, ctx.tz)) is not None:
            days.append(day)
    return days


def last_contacts(notes: Iterable[Facts], ctx: Context) -> dict[str, dt.date]:
    """Each person's last contact (by ``contact_keys``), over all their notes together."""
    latest: dict[str, dt.date] = {}
    for note in notes:
        keys = contact_keys(note)
        for day in note_contacts(note, ctx):
            for key in keys:
                if key not in latest or day > latest[key]:
                    latest[key] = day
    # The person's own note's ``last_contact`` counts too (SPEC), and a daily note that
    # links them.
    noted = {k: own.last_contact for k, own in ctx.persons.items() if own.last_contact}
    for source in (noted, ctx.daily_contacts):
        for key, day in source.items():
            if day is not None and (key not in latest or day > latest[key]):
                latest[key] = day
    return latest


def recency(note: Properties, ctx: Context) -> tuple[dt.date, str]:
    """Orders one person's notes, most recent last: by interview day, else request day."""
    day = interview_day(note, ctx) or date_of(note, "requested", ctx)
    return (day or dt.date.min, note.path)


# --------------------------------------------------------------------------------------------
# What a note says was learned: its takeaways, what went well and what to improve
#
# Only the user's own writing counts, as SPEC defines it for empty sections: HTML and ``%%``
# comments, the template's prompts and sub-headings are left out.
#
# * Takeaways: the list items of the Takeaways section (aliases such as Learnings
#   included), or its paragraphs when it holds no list.
# * Reflection: its parts are found by keywords (SPEC): "well" is what went well;
#   "improve", "better", "differently" or "wrong" is what to improve, and so is a negated
#   "well" ("didn't go well", "not so well"); the to-improve words win when a label has
#   both. A part starts at a heading of any level below the section, at a line that is only
#   a bold or italic label (``**What went well**``, ``*What to improve:*``), or is one list
#   item that starts with such a label (``- Went well: kept to time``). Each part gives its
#   items the same way as Takeaways.

TAKEAWAYS_SECTION = "Takeaways"
REFLECTION_SECTION = "Reflection"

WENT_WELL = "went well"
TO_IMPROVE = "to improve"

_IMPROVE = re.compile(r"\b(?:improv\w*|better|differently|wrong)\b")
#: "well" after a negation within two words, on normalised text (``didn't`` is ``didn t``).
_NOT_WELL = re.compile(r"\b(?:not|no|n t|didn|didnt|wasn|wasnt)\b(?:\s+\w+){0,2}?\s+well\b")
_WELL = re.compile(r"\bwell\b")

#: The most words a label holds: a longer bold or italic line is the user's text.
_LABEL_WORDS = 6
#: A line that is only a bold or italic label, its colon inside or outside the emphasis.
_LABEL_LINE = re.compile(
    r"^[ \t]*(\*\*|__|\*|_)(?P<label>[^*_\n]+?)[ \t]*:?[ \t]*\1[ \t]*:?[ \t]*$"
)
#: A list item's text that starts with a label and a colon: ``Went well: kept to time``,
#: ``**To improve:** ...``.
_LABEL_ITEM = re.compile(
    r"^(?:(?P<mark>\*\*|__|\*|_)(?P<marked>[^*_:\n]+?)[ \t]*(?::[ \t]*(?P=mark)|(?P=mark)[ \t]*:)"
    r"|(?P<plain>[^*_:\n]+?)[ \t]*:)(?=[ \t]|$)"
)
#: Labels are short: only this much of a line is looked at for one (a long line of spaces
#: or asterisks costs no more than a short one).
_LABEL_CHARS = 160
#: Heading levels run 1-6: a label line counts as a level below any heading.
_LABEL_LEVEL = 7


@dataclass(frozen=True)
class Reflection:
    """The items of a note's Reflection, by part; ``parts`` is how many went-well or
    to-improve parts were found (with or without items)."""

    went_well: tuple[str, ...] = ()
    to_improve: tuple[str, ...] = ()
    parts: int = field(default=0, compare=False)


def subsection_kind(heading_text: str) -> str | None:
    """``WENT_WELL``, ``TO_IMPROVE`` or ``None`` for a Reflection part's label or heading."""
    words = normalize_heading(heading_text)
    if _IMPROVE.search(words) or _NOT_WELL.search(words):
        return TO_IMPROVE
    if _WELL.search(words):
        return WENT_WELL
    return None


def _label(text: str) -> str | None:
    """The label of a bold or italic label line, else ``None``."""
    if len(text) > _LABEL_CHARS:
        return None
    m = _LABEL_LINE.match(text)
    if m is None or len(m["label"].split()) > _LABEL_WORDS:
        return None
    return m["label"]


def _labelled_item(text: str) -> tuple[str, str] | None:
    """``(kind, rest)`` of a list item's text that starts with a went-well or to-improve
    label, else ``None``."""
    m = _LABEL_ITEM.match(text[:_LABEL_CHARS])
    label = m and (m["marked"] or m["plain"])
    if not m or not label or len(label.split()) > _LABEL_WORDS:
        return None
    kind = subsection_kind(label)
    return None if kind is None else (kind, text[m.end() :].strip())


def written_items(note: Note, kept: Sequence[tuple[int, str]], first: int, last: int) -> list[str]:
    """The items written in lines ``first..last``, from ``kept`` (a section's meaningful lines).

    List items (marker and checkbox removed, wrapped continuation lines joined), or, when
    the lines hold no list, each paragraph as one item. Code blocks are left out.
    """
    lines = [(n, text) for n, text in kept if first <= n <= last and n not in note.code_lines]
    wanted = {n for n, _ in lines}
    starts = {n: text for n, text in list_items(note, first, last) if n in wanted}
    return _items(lines, starts)


def _items(lines: Sequence[tuple[int, str]], starts: Mapping[int, str]) -> list[str]:
    """Items of ``lines``, given the text of the list items that start among them."""
    items: list[str] = []
    previous: int | None = None
    in_item = False
    for number, text in lines:
        continues = previous is not None and number == previous + 1
        if number in starts:
            items.append(starts[number])
            in_item = True
        elif continues and (in_item or not starts):
            items[-1] = f"{items[-1]} {text.strip()}"
        elif not starts:
            items.append(text.strip())
        else:
            in_item = False  # text between list items that belongs to none of them
        previous = number
    return [" ".join(item.split()) for item in items if item.strip()]


def _sections(note: Note, ctx: Context, name: str) -> list[Section]:
    return [section for section in ctx.sections(note) if section.name == name]


def section_items(note: Note, ctx: Context, name: str) -> tuple[str, ...]:
    """What the user wrote in a section, item by item (its list items, else its
    paragraphs), in order over every section of that name."""
    found: list[str] = []
    for section in _sections(note, ctx, name):
        kept = meaningful_lines(note, section, ctx)
        found += written_items(note, kept, section.first_line, section.last_line)
    return tuple(found)


def takeaways(note: Note, ctx: Context) -> tuple[str, ...]:
    """The note's takeaways, in order (every Takeaways section, if it has two)."""
    return section_items(note, ctx, TAKEAWAYS_SECTION)


@dataclass
class _Part:
    """Lines of one Reflection part as they are read: its kind and the list items in it."""

    kind: str | None
    lines: list[tuple[int, str]] = field(default_factory=list)
    starts: dict[int, str] = field(default_factory=dict)
    single: bool = False  # one labelled list item (with its wrapped lines), then it ends


def _reflection_parts(note: Note, section: Section, ctx: Context) -> tuple[list[_Part], int]:
    """The section's lines split into parts, and how many went-well/to-improve parts start.

    Labels are looked for in every line (a template's own labels are prompt text, left out
    of the writing, yet they still start a part); items only in the user's writing."""
    kept = {n for n, _ in meaningful_lines(note, section, ctx)}
    sub_lines = {line for h in section.subsections for line in range(h.line, h.end_line + 1)}
    starts = dict(list_items(note, section.first_line, section.last_line))
    headings = section.subsections
    next_heading = 0
    kind: str | None = None
    level = 0
    found = 0
    parts = [_Part(None)]
    previous: int | None = None

    def begin(new_kind: str | None, new_level: int) -> None:
        nonlocal kind, level, found
        if new_kind is not None:
            kind, level, found = new_kind, new_level, found + 1
        elif new_level <= level:
            kind = None  # a heading or label of the same level or above ends the part
        parts.append(_Part(kind))

    for number, text in content_lines(note, section.first_line, section.last_line):
        if number in sub_lines or number in note.code_lines or not text.strip():
            continue
        while next_heading < len(headings) and headings[next_heading].line < number:
            heading = headings[next_heading]
            next_heading += 1
            begin(subsection_kind(heading.text), heading.level)
        current = parts[-1]
        if current.single and (number in starts or previous is None or number != previous + 1):
            parts.append(_Part(kind))
            current = parts[-1]
        previous = number
        label = _label(text) if number not in starts else None
        labelled = _labelled_item(starts[number]) if number in starts else None
        if label is not None:
            begin(subsection_kind(label), _LABEL_LEVEL)
        elif labelled is not None and not labelled[1]:
            begin(labelled[0], _LABEL_LEVEL)  # ``- Went well:`` over the items below it
        elif number not in kept:
            continue  # a prompt of the template, a bare marker
        elif labelled is not None:
            found += 1
            parts.append(_Part(labelled[0], [(number, text)], {number: labelled[1]}, True))
        else:
            current.lines.append((number, text))
            if number in starts:
                current.starts[number] = starts[number]
    return parts, found


def reflection(note: Note, ctx: Context) -> Reflection:
    """What went well and what to improve, from the Reflection's parts."""
    went_well: list[str] = []
    to_improve: list[str] = []
    found = 0
    for section in _sections(note, ctx, REFLECTION_SECTION):
        parts, count = _reflection_parts(note, section, ctx)
        found += count
        for part in parts:
            if part.kind is not None:
                bucket = went_well if part.kind == WENT_WELL else to_improve
                bucket += _items(part.lines, part.starts)
    return Reflection(tuple(went_well), tuple(to_improve), found)


def reflection_without_parts(note: Note, ctx: Context) -> list[Section]:
    """The Reflection sections that hold writing but no went-well or to-improve part."""
    return [
        section
        for section in _sections(note, ctx, REFLECTION_SECTION)
        if meaningful_lines(note, section, ctx) and not _reflection_parts(note, section, ctx)[1]
    ]


# --------------------------------------------------------------------------------------------
# Preparation

#: The sections a scheduled interview needs written before it is held.
PREPARED_SECTIONS = ("Research", "Questions")


def unprepared_sections(note: Note, ctx: Context) -> tuple[str, ...]:
    """Of Research and Questions, those missing or empty (SPEC's meaning of empty)."""
    found = [s for s in ctx.sections(note) if s.name in PREPARED_SECTIONS]
    return tuple(
        name
        for name in PREPARED_SECTIONS
        if not any(s.name == name and meaningful_lines(note, s, ctx) for s in found)
    )


# --------------------------------------------------------------------------------------------
# Facts: what the reports read of one interview note, kept as data in the cache
#
# A report needs a few front matter values, the Follow-up tasks, which of Research and
# Questions are unwritten, and what the note says was learned: not the whole parse. Facts
# hold raw front matter values (dates are read with the vault's zone at report time), so
# they depend on neither as-of nor the time zone; they do depend on the section names and
# the templates' prompts (``facts_key``).

#: The front matter keys the reports read.
FACT_KEYS: tuple[str, ...] = (
    "person",
    "company",
    "role",
    "status",
    "requested",
    "date",
    "thank_you_sent",
    "last_contact",
    "follow_up",
    "keep_in_touch",
    "nudged",
    "email",
    "timezone",
    "introduced_by",
)
#: Bump when the shape or the meaning of ``Facts`` (or of their data) changes.
#: 2: reflections by labels and items; 3: keys by canonical spelling, placeholders absent;
#: 4: tasks as Obsidian Tasks reads them (scheduled stands for due; titles without fields);
#: 5: ``nudged`` dates kept; 6: ``email``, ``timezone`` and ``introduced_by`` kept.
FACTS_VERSION = 6

_FACT_KEY_SET = frozenset(FACT_KEYS)
#: Values a note's facts may hold, counted over all their front matter values (nested ones
#: too), and how deep those may nest: the limits the YAML reader itself keeps to.
MAX_FACT_NODES = MAX_YAML_NODES
MAX_FACT_DEPTH = MAX_YAML_DEPTH
#: What ``Facts.unprepared`` can be: a part of ``PREPARED_SECTIONS``, in its order.
_UNPREPARED: frozenset[tuple[str, ...]] = frozenset(
    {(), *((name,) for name in PREPARED_SECTIONS), PREPARED_SECTIONS}
)
_DATA_KEYS = frozenset(
    {
        "version",
        "path",
        "readable",
        "values",
        "key_lines",
        "tasks",
        "unprepared",
        "takeaways",
        "went_well",
        "to_improve",
    }
)
#: An int of at most this many bits has fewer digits than any int-digit limit allows (640).
_SAFE_INT_BITS = 2000
#: Facts holding more characters of text than this are not data: their JSON (up to 12
#: bytes a character, escaped) could pass the 16 MiB the cache reads back, so it would be
#: written and never read; and a note that long is read again faster than that is written.
MAX_FACT_TEXT = 1 << 20


@dataclass(frozen=True)
class Facts:
    """What the reports read of one interview note: kept as data in the cache.

    ``values`` are the note's front matter values of ``FACT_KEYS`` that are present, as
    parsed; ``key_lines`` the line of each of those keys; ``tasks`` the tasks inside its
    Follow-up section(s); ``unprepared`` those of Research and Questions that are missing
    or empty; ``takeaways``, ``went_well`` and ``to_improve`` what it says was learned.
    """

    path: str
    readable: bool
    values: Mapping[str, Any]
    key_lines: Mapping[str, int]
    tasks: tuple[Task, ...]
    unprepared: tuple[str, ...]
    takeaways: tuple[str, ...]
    went_well: tuple[str, ...]
    to_improve: tuple[str, ...]

    def get(self, key: str) -> Any:
        """The front matter value of ``key`` (one of ``FACT_KEYS``), ``None`` when absent."""
        if key not in _FACT_KEY_SET:
            # A report reading a key the facts do not keep would see None, silently.
            raise KeyError(f"{key!r} is not one of FACT_KEYS")
        return self.values.get(key)

    @cached_property
    def status(self) -> str | None:
        """``status_of`` these facts, worked out once."""
        return _status(self.values.get("status"))

    @cached_property
    def people(self) -> tuple[str, ...]:
        """``people_of`` these facts, worked out once."""
        return person_names(self.values.get("person"))

    @property
    def person(self) -> str | None:
        """``person_of`` these facts: the note's people as shown, joined."""
        return ", ".join(self.people) or None

    def day(self, key: str, tz: dt.tzinfo | None) -> dt.date | None:
        """The calendar day the date key ``key`` says in ``tz``, worked out once per zone
        (kept in the instance's dict, as ``cached_property`` does)."""
        held = self.__dict__.get("_days")
        if held is None or held[0] is not tz:
            held = (tz, {})
            self.__dict__["_days"] = held
        days: dict[str, dt.date | None] = held[1]
        if key not in days:
            days[key] = parse_date(self.get(key), tz)
        return days[key]

    def key_line(self, key: str) -> int:
        """The line of ``key`` (one of ``FACT_KEYS``) in the note, 1 when it has none."""
        if key not in _FACT_KEY_SET:
            raise KeyError(f"{key!r} is not one of FACT_KEYS")
        return self.key_lines.get(key, 1)

    def to_data(self) -> dict[str, Any] | None:
        """The facts as JSON-plain data (dicts with str keys, lists, str, int, float, bool,
        None), for ``from_data``; ``None`` when a value cannot be written as JSON exactly
        (a set, bytes, a tuple, a dict with a key that is not a string, an int too long for
        ``str()``, a NaN or an infinity, nesting beyond ``MAX_FACT_DEPTH``...), or when its
        text is longer than ``MAX_FACT_TEXT`` (a pasted 20 MB value: re-read, not stored).

        Strings are kept as they are: a front matter value may hold a lone surrogate
        (YAML's ``"\\ud800"``), which JSON writes exactly only as an ``\\u`` escape.
        """
        try:
            data = {
                "version": FACTS_VERSION,
                "path": self.path,
                "readable": self.readable,
                "values": _plain_values(self.values),
                "key_lines": dict(self.key_lines),
                "tasks": [[t.line, t.status, t.text, t.due, t.completed] for t in self.tasks],
                "unprepared": list(self.unprepared),
                "takeaways": list(self.takeaways),
                "went_well": list(self.went_well),
                "to_improve": list(self.to_improve),
            }
        except (_NotData, TypeError, ValueError, AttributeError):  # facts made by hand
            return None
        if _text_length(data) > MAX_FACT_TEXT:
            return None
        # The data is what ``from_data`` accepts and gives these facts back, or none.
        return data if Facts.from_data(data) == self else None

    @classmethod
    def from_json(cls, text: str) -> Facts | None:
        """Facts from the JSON text of ``to_data``'s data (as the cache holds it); ``None``
        for anything else. JSON makes only plain values, so their types need no second
        look; NaN and infinities, which ``to_data`` never writes, are refused."""
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError, _NotData):
            return None
        try:
            return _facts_from_data(data, plain=True)
        except _NotData:
            return None

    @classmethod
    def from_data(cls, data: object) -> Facts | None:
        """Facts from data ``to_data`` made, read back from the cache; ``None`` for anything
        else. Every field is checked for its exact type and shape (a vault's cache may come
        from anyone); nothing in the data is called or executed, and this never raises."""
        try:
            return _facts_from_data(data)
        except _NotData:
            return None


class _NotData(Exception):
    """What data ``to_data`` cannot make or ``from_data`` does not accept."""


def _refuse_constant(name: str) -> object:
    raise _NotData(name)


def _text_length(data: object) -> int:
    """Characters of the strings in JSON-plain data (keys too), counted up to just past
    ``MAX_FACT_TEXT``."""
    total = 0
    stack = [data]
    while stack and total <= MAX_FACT_TEXT:
        item = stack.pop()
        if type(item) is str:
            total += len(item)
        elif type(item) is list:
            stack.extend(item)
        elif type(item) is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
    return total


def _plain_values(values: object) -> dict[str, Any]:
    """Front matter values as JSON-plain data (containers copied); ``_NotData`` when some
    value is not, or when they hold more than ``MAX_FACT_NODES`` values."""
    if type(values) is not dict and not isinstance(values, Mapping):
        raise _NotData
    budget = [MAX_FACT_NODES]
    return {_text(key): _plain(value, 1, budget) for key, value in values.items()}


def _plain(value: object, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _NotData
    if value is None or type(value) is str or type(value) is bool:
        return value
    if type(value) is int:
        if value.bit_length() > _SAFE_INT_BITS:
            try:
                str(value)  # beyond the int-digit limit JSON can neither write nor read it
            except ValueError:
                raise _NotData from None
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise _NotData
        return value
    if depth >= MAX_FACT_DEPTH:
        raise _NotData
    if type(value) is list:
        return [_plain(item, depth + 1, budget) for item in value]
    if type(value) is dict:
        return {_text(key): _plain(item, depth + 1, budget) for key, item in value.items()}
    raise _NotData  # a set, bytes, a tuple, a date, any other object


def _text(value: object) -> str:
    if type(value) is not str:
        raise _NotData
    return value


def _line(value: object) -> int:
    if type(value) is not int or value < 1:
        raise _NotData
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _texts(value: object) -> tuple[str, ...]:
    if type(value) is not list:
        raise _NotData
    for item in value:
        if type(item) is not str:
            raise _NotData
    return tuple(value)


def _task(value: object) -> Task:
    if type(value) is not list or len(value) != 5:
        raise _NotData
    line, status, text, due, completed = value
    if len(_text(status)) != 1:
        raise _NotData  # the one character between a checkbox's brackets
    return Task(_line(line), status, _text(text), _optional_text(due), _optional_text(completed))


def _facts_from_data(data: object, plain: bool = False) -> Facts:
    """``plain``: the data came from ``json.loads``, which makes nothing but dicts with str
    keys, lists, str, int, float, bool and None: values are not walked again."""
    # Exact types first: a key or value of another type is never hashed, compared or called.
    if type(data) is not dict or len(data) != len(_DATA_KEYS):
        raise _NotData
    if not all(type(key) is str and key in _DATA_KEYS for key in data):
        raise _NotData
    version = data["version"]
    if type(version) is not int or version != FACTS_VERSION:
        raise _NotData
    readable = data["readable"]
    if type(readable) is not bool:
        raise _NotData
    raw_values, raw_lines, raw_tasks = data["values"], data["key_lines"], data["tasks"]
    if type(raw_values) is not dict or type(raw_lines) is not dict or type(raw_tasks) is not list:
        raise _NotData
    if not all(type(key) is str and key in _FACT_KEY_SET for key in raw_values):
        raise _NotData
    values = raw_values if plain else _plain_values(raw_values)
    if not all(type(key) is str and key in values for key in raw_lines):
        raise _NotData
    key_lines = {key: _line(line) for key, line in raw_lines.items()}
    unprepared = _texts(data["unprepared"])
    if unprepared not in _UNPREPARED:
        raise _NotData
    facts = Facts(
        path=_text(data["path"]),
        readable=readable,
        values=values,
        key_lines=key_lines,
        tasks=tuple(_task(task) for task in raw_tasks),
        unprepared=unprepared,
        takeaways=_texts(data["takeaways"]),
        went_well=_texts(data["went_well"]),
        to_improve=_texts(data["to_improve"]),
    )
    if not readable and facts != _unreadable_facts(facts.path):
        raise _NotData  # an unreadable note has no facts but its path
    return facts


def _unreadable_facts(path: str) -> Facts:
    return Facts(path, False, {}, {}, (), (), (), (), ())


def facts_of(note: Note, ctx: Context) -> Facts:
    """The facts of an interview note (``ctx``: config, section names, template prompts;
    as-of and the time zone are not used)."""
    if not note.readable:
        return _unreadable_facts(note.path)
    front = note.frontmatter or {}
    values = {key: front[key] for key in FACT_KEYS if key in front}
    thoughts = reflection(note, ctx)
    facts = Facts(
        path=note.path,
        readable=True,
        values=values,
        key_lines={key: note.key_lines[key] for key in values if key in note.key_lines},
        tasks=tuple(followup_tasks(note, ctx)),
        unprepared=unprepared_sections(note, ctx),
        takeaways=takeaways(note, ctx),
        went_well=thoughts.went_well,
        to_improve=thoughts.to_improve,
    )
    ctx.forget(note)  # the last thing read of the note (after its lint, when linted)
    return facts


def facts_key(ctx: Context) -> str:
    """Fingerprint of what ``facts_of`` reads besides the note: the facts' version, the
    section names (aliases) and the templates' texts (their prompts count as empty).

    Not as-of, not the time zone, nor which notes are interviews: cached facts made under
    another key are stale.
    """
    import hashlib
    import json

    text = json.dumps([FACTS_VERSION, sorted(ctx.section_lookup.items()), list(ctx.templates)])
    return "f:" + hashlib.sha1(text.encode("utf-8")).hexdigest()

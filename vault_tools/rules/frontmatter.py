"""VT1xx: front matter keys, their types, values and agreement."""

from __future__ import annotations

import itertools
import re
import reprlib
from collections.abc import Iterator
from typing import Any

from vault_tools.dates import BEYOND_CALENDAR, iso_date_text, parse_cadence, parse_when
from vault_tools.diagnostics import Finding, Fix
from vault_tools.edit import key_spelling_fix, quote_links_fix, value_text_fix
from vault_tools.interview import Context, status_of
from vault_tools.note import Note, shorten, unquoted_wikilink
from vault_tools.vocabulary import STATUSES, schema_spelling

DATE_KEYS = ("requested", "date", "thank_you_sent", "last_contact", "follow_up")
TEXT_KEYS = ("person", "company", "role")


def _missing(note: Note, key: str) -> bool:
    value = note.get(key)
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _where(note: Note, key: str) -> tuple[int, int]:
    return (note.key_lines[key], 1) if key in note.key_lines else (1, 1)


def required_key_missing(note: Note, ctx: Context) -> Iterator[Finding]:
    """A required key is missing or empty: ``person`` and ``status`` always, ``date`` when the
    status is ``scheduled`` or ``done``.

    Why: without them the note cannot be placed in the practice: no follow-ups, no index
    row, no digest entry.

    Example: a done note without ``date``. Fix: ``date: 2026-11-20T15:00``.
    """
    if note.frontmatter is None:
        return
    required = ["person", "status"]
    status = status_of(note)
    if status in ("scheduled", "done"):
        required.append("date")
    for key in required:
        if _missing(note, key):
            line, column = _where(note, key)
            reason = f" (required when status is {status})" if key == "date" else ""
            yield Finding(line, column, f'missing required key "{key}"{reason}')


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _is_people(value: Any) -> bool:
    """A list of people: each item text, or an unquoted ``[[link]]`` (VT105 reports it)."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            (isinstance(item, str) and item.strip())
            or unquoted_wikilink(item) is not None
            or (isinstance(item, list) and len(item) == 1 and isinstance(item[0], str))
            for item in value
        )
    )


def wrong_type(note: Note, ctx: Context) -> Iterator[Finding]:
    """A front matter value of the wrong type: a date that is not a date, a text key holding
    a list, ``keep_in_touch`` that is not a cadence, ``tags`` that are not text.

    Why: reports would silently skip the value (a follow-up never shows, a thank-you looks
    unsent). Obsidian also shows such a property as a type mismatch.

    Example: ``follow_up: next week``. Fix: ``follow_up: 2026-12-04``. A cadence longer
    than the calendar (``keep_in_touch: 99999999999d``) is reported too: write ``never``.

    Fixable: a date written another way that reads as one date only (``2026/11/20``,
    ``20 Nov 2026``, ``Nov 20, 2026``, ``20.11.2026``) is rewritten ``2026-11-20``, which
    Obsidian shows as a date; ``03/04/2026`` (March or April?) is left to you.
    """
    fm = note.frontmatter
    if fm is None:
        return
    for key in TEXT_KEYS:
        value = fm.get(key)
        if value is None or _is_text(value) or unquoted_wikilink(value) is not None:
            continue
        if key == "person" and _is_people(value):
            continue  # SPEC: a list of one or more people, each a person of the note
        line, column = _where(note, key)
        yield Finding(line, column, f'"{key}" should be text, not {_describe(value)}')
    for key in DATE_KEYS:
        value = fm.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if parse_when(value, ctx.tz) is None:
            line, column = _where(note, key)
            example = "2026-11-20T15:00" if key == "date" else "2026-11-20"
            yield Finding(
                line,
                column,
                f'"{key}" is not a date: {_show(value)} (write it like {example})',
                _date_fix(note, key, value, value, with_time=key == "date"),
            )
    nudged = fm.get("nudged")  # a date, or a list of dates
    for value in nudged if isinstance(nudged, list) else [nudged]:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if parse_when(value, ctx.tz) is None:
            line, column = _where(note, "nudged")
            yield Finding(
                line,
                column,
                f'"nudged" is not a date or a list of dates: {_show(value)} '
                "(write it like 2026-11-20, or a list of those)",
                _date_fix(note, "nudged", nudged, value),
            )
    cadence = fm.get("keep_in_touch")
    days = parse_cadence(cadence) if cadence is not None else None
    if cadence is not None and days in (None, BEYOND_CALENDAR):
        line, column = _where(note, "keep_in_touch")
        what = "is not a cadence" if days is None else "is longer than the calendar"
        yield Finding(
            line,
            column,
            f'"keep_in_touch" {what}: {_show(cadence)} '
            "(use days like 60, or 90d, 12w, 3m, or never)",
        )
    if "status" in fm and fm["status"] is not None and not isinstance(fm["status"], str):
        line, column = _where(note, "status")
        yield Finding(line, column, f'"status" should be text, not {_describe(fm["status"])}')
    for key in ("tags", "aliases"):
        value = fm.get(key)
        if value is None or isinstance(value, str):
            continue
        # An empty item (``- `` or ``- #tag``, a YAML comment: VT109) is no wrong type.
        if isinstance(value, list) and all(v is None or _is_text(v) for v in value):
            continue
        line, column = _where(note, key)
        yield Finding(line, column, f'"{key}" should be a list of text, not {_describe(value)}')


def _date_fix(note: Note, key: str, whole: Any, value: Any, with_time: bool = False) -> Fix | None:
    """The fix of a date written another way: its ``YYYY-MM-DD`` (None when it has none)."""
    if not isinstance(value, str):
        return None
    iso = iso_date_text(value, with_time)
    if iso is None:
        return None
    expect = [iso if item == value else item for item in whole] if isinstance(whole, list) else iso
    return value_text_fix(note, key, value, iso, expect)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int | float):
        return f"a number ({shorten(_REPR.repr(value))})"
    return shorten(_REPR.repr(value))


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else _REPR.repr(value)
    return repr(text[:60] + "…" if len(text) > 60 else text)


class _ShortRepr(reprlib.Repr):
    """``repr`` of a value of any size, made from its beginning only; its first 60
    characters are the full repr's (a message shows no more)."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 60
        self.maxlist = self.maxdict = self.maxtuple = 30
        self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 30
        self.maxstring = self.maxother = 200
        self.maxlong = 200

    def repr_int(self, x: int, level: int) -> str:
        # str() of an int of over 4,300 digits raises; the readers make none, but say
        # something for one made otherwise.
        if x.bit_length() > 2000:
            return f"<{'negative ' if x < 0 else ''}{x.bit_length():,}-bit integer>"
        return super().repr_int(x, level)

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        # In the mapping's own order, as repr() shows it (reprlib sorts the keys).
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = [
            f"{self.repr1(key, level - 1)}: {self.repr1(value, level - 1)}"
            for key, value in itertools.islice(x.items(), self.maxdict)
        ]
        return "{" + ", ".join(pieces + ["..."] * (len(x) > self.maxdict)) + "}"


_REPR = _ShortRepr()


def invalid_status(note: Note, ctx: Context) -> Iterator[Finding]:
    """``status`` is not one of planned, requested, scheduled, done, declined, cancelled.

    Why: the status decides which sections are required and which follow-ups are due; an
    unknown status makes the note drop out of both.

    Example: ``status: waiting``. Fix: ``status: requested`` (a request sent, no answer yet).
    """
    value = note.get("status")
    if not isinstance(value, str) or not value.strip():
        return
    if value.strip().lower() not in STATUSES:
        line, column = _where(note, "status")
        yield Finding(
            line,
            column,
            f"status {shorten(value.strip())!r} is not one of {', '.join(STATUSES)}",
        )


def dates_disagree(note: Note, ctx: Context) -> Iterator[Finding]:
    """Dates that contradict each other or the status: a thank-you sent before the interview,
    a ``done`` interview dated in the future, a ``scheduled`` one dated in the past.

    Why: usually a typo in a date or a status not updated after the call; either way the
    follow-ups computed from it would be wrong.

    Example: ``status: scheduled`` with ``date: 2026-11-02`` when today is 2026-11-27.
    Fix: ``status: done`` (and write the notes), or correct the date.
    """
    fm = note.frontmatter
    if fm is None:
        return
    when = parse_when(fm.get("date"), ctx.tz)
    if when is None:
        return
    status = status_of(note)
    thanked = parse_when(fm.get("thank_you_sent"), ctx.tz)
    if thanked is not None and thanked.day < when.day:
        line, column = _where(note, "thank_you_sent")
        yield Finding(
            line,
            column,
            f"thank_you_sent {thanked.day} is before the interview date {when.day}",
        )
    line, column = _where(note, "date")
    if status == "done" and when.day > ctx.as_of:
        yield Finding(line, column, f"status is done but the date {when.day} is in the future")
    if status == "scheduled" and when.day < ctx.as_of:
        yield Finding(
            line,
            column,
            f"status is scheduled but the date {when.day} has passed "
            "(set status: done, or the new date)",
        )


def unquoted_wikilink_key(note: Note, ctx: Context) -> Iterator[Finding]:
    """A wikilink written in front matter without quotes, such as ``person: [[Jane Doe]]``.

    Why: YAML reads ``[[Jane Doe]]`` as a list inside a list, not a link: Obsidian does not
    show it as a link and renames do not update it. vault-tools still reads the person,
    and a ``company: [[Acme Corp]]`` or ``role: [[Data Engineer]]`` as its text.

    Example: ``person: [[Jane Doe]]``. Fix: ``person: "[[Jane Doe]]"``.

    Fixable: each unquoted link is quoted, the rest of the line kept.
    """
    fm = note.frontmatter
    if fm is None:
        return
    for key, value in fm.items():
        target = _unquoted_link_in(value)
        if target is not None:
            line, column = _where(note, key)
            fix = _quoted_list(value) if unquoted_wikilink(value) is None else None
            shown = shorten(key)
            fix = fix or f'"[[{shorten(target)}]]"'
            yield Finding(
                line,
                column,
                f'unquoted wikilink in "{shown}": write {shown}: {fix}',
                quote_links_fix(note, key),
            )


def _quoted_list(value: Any) -> str | None:
    """A list holding unquoted links, written back as a flow list of quoted texts, so the
    fix keeps every item (``person:`` with ``- [[Jane Doe]]`` and ``- [[John Roe]]`` is
    ``person: ["[[Jane Doe]]", "[[John Roe]]"]``); None when an item is not text or a link."""
    if not isinstance(value, list) or len(value) < 2:
        return None
    parts: list[str] = []
    for item in value:
        inner = unquoted_wikilink(item)
        if inner is None and isinstance(item, list) and len(item) == 1:
            inner = item[0] if isinstance(item[0], str) else None
        if inner is not None:
            text = f"[[{shorten(inner)}]]"
        elif isinstance(item, str):
            text = shorten(item)
        else:
            return None
        parts.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "[" + ", ".join(parts) + "]"


def _unquoted_link_in(value: Any) -> str | None:
    """The first unquoted link in a value: ``[[A]]`` itself, or one item of a list of them
    (``related: [[A]], [[B]]`` or a block list of ``- [[A]]``)."""
    target = unquoted_wikilink(value)
    if target is not None or not isinstance(value, list):
        return target
    for item in value:
        if isinstance(item, list) and len(item) == 1 and isinstance(item[0], str):
            return item[0]
        target = unquoted_wikilink(item)
        if target is not None:
            return target
    return None


_KEY_WRITTEN = re.compile(r"^(?P<key>[^\s#'\"?:,\[\]{}&*!|>%@`-][^:]*?)[ \t]*:(?=[ \t]|$)")


def key_spelling(note: Note, ctx: Context) -> Iterator[Finding]:
    """A key of the schema written another way: ``Status``, ``thank-you-sent``,
    ``Thank you sent``.

    Why: vault-tools reads keys ignoring case, and ``_``, ``-`` and a space alike, so the
    note is read right; but a Dataview query or a script reading the file finds a key by
    its spelling (``thank_you_sent`` does not find ``Thank-you-sent``), and a vault that
    spells one key three ways is hard to query.

    Example: ``Thank-you-sent: 2026-11-21``. Fix: ``thank_you_sent: 2026-11-21``.

    Fixable: the key is rewritten as the schema spells it, its value untouched. A key
    written twice (VT107) is left to you. Turn the rule off (``[rules] VT111 = "off"``) to
    keep a spelling of your own.
    """
    fm = note.frontmatter
    if fm is None:
        return
    for key, line in note.key_lines.items():
        spelling = schema_spelling(key)
        if spelling is None:
            continue
        m = _KEY_WRITTEN.match(note.line_text(line))
        if m is None or m["key"] == spelling:
            continue
        written = shorten(m["key"])
        yield Finding(
            line,
            1,
            f'key "{written}" is "{spelling}" spelled another way (queries and scripts '
            "match keys as written)",
            key_spelling_fix(note, key, spelling),
        )


def recommended_key_missing(note: Note, ctx: Context) -> Iterator[Finding]:
    """A recommended key is missing: ``company`` or ``role``.

    Why: research starts from who the person is and where they work; the index and the
    digest show both, and grouping by company needs them.

    Example: a note with ``person`` but no ``company``. Fix: ``company: Acme Corp``.
    """
    if note.frontmatter is None:
        return
    for key in ("company", "role"):
        if _missing(note, key):
            yield Finding(*_where(note, key), f'missing recommended key "{key}"')


def duplicate_key(note: Note, ctx: Context) -> Iterator[Finding]:
    """A front matter key written twice, in one spelling or two.

    Keys are matched ignoring case, and ``_``, ``-`` and a space are one character:
    ``Status`` and ``status``, ``thank-you-sent`` and ``thank_you_sent`` are one key.

    Why: YAML tools disagree on which value wins (Obsidian refuses the block); the value
    you edit may not be the one that counts.

    Example: two ``status:`` lines, or ``Status: done`` above ``status: planned``.
    Fix: keep one.
    """
    yield from (
        Finding(line, column, message)
        for code, line, column, message in note.problems
        if code == "VT107"
    )


_COMMENT_VALUE = re.compile(r"^[^#]*?:[ \t]+(?P<comment>#\S.*)$")
_COMMENT_ITEM = re.compile(r"^[ \t]*-[ \t]+(?P<comment>#\S.*)$")
_BLOCK_ITEM = re.compile(r"^[ \t]*-(?:[ \t]|$)")


def hash_comment(note: Note, ctx: Context) -> Iterator[Finding]:
    """An unquoted ``#`` turned a value into nothing: YAML reads ``#`` after a space as the
    start of a comment, so ``tags: #interview`` is an empty ``tags``.

    Why: the value you see in the file is not the value any tool reads: the note loses its
    tag (and may stop being an interview), or the key counts as missing.

    Example: ``tags: #interview`` or a list item ``- #informational``. Fix:
    ``tags: interview`` (Obsidian adds the ``#`` itself), or quote it: ``tags: "#interview"``.
    """
    fm = note.frontmatter
    if fm is None:
        return
    for key, value in fm.items():
        if value is not None and not (isinstance(value, list) and None in value):
            continue
        line = note.key_lines.get(key)
        if line is None:
            continue
        shown = shorten(key)
        if value is None:
            m = _COMMENT_VALUE.match(note.line_text(line))
            if m is not None:
                yield _comment_finding(line, f'"{shown}" is empty', m["comment"])
            continue
        number = line + 1
        while number < note.body_start - 1 and _BLOCK_ITEM.match(note.line_text(number)):
            m = _COMMENT_ITEM.match(note.line_text(number))
            if m is not None:
                yield _comment_finding(number, f'an item of "{shown}" is empty', m["comment"])
            number += 1


def template_placeholder(note: Note, ctx: Context) -> Iterator[Finding]:
    """A front matter value is still a template placeholder (``{{person}}``,
    ``<% tp.file.title %>``).

    Any ``{{...}}`` (``{{date}}``, ``{{date:YYYY-MM-DD}}``, ``{{title}}``) or Templater's
    ``<% ... %>`` and ``<%* ... %>``, left when a note was copied from the template instead
    of made from it, or when the plugin did not run.

    Why: the value counts as absent (a placeholder is nobody and no date), so without this
    the index would list a person called "{{person}}"; the other keys are still read.

    Example: ``person: "{{person}}"`` or ``date: {{date}}``. Fix: write the value
    (``person: "[[Jane Doe]]"``), or create the note from the template in Obsidian so the
    plugin fills it in.
    """
    yield from (
        Finding(line, column, message)
        for code, line, column, message in note.problems
        if code == "VT110"
    )


def _comment_finding(line: int, what: str, comment: str) -> Finding:
    """VT109's finding: ``what`` is empty because ``comment`` was read as a YAML comment."""
    return Finding(
        line,
        1,
        f'{what}: an unquoted "#" starts a YAML comment, so {shorten(comment.strip())} '
        'is not read (quote it, or drop the "#")',
    )

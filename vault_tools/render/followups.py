"""Output formats of ``vault-tools followups``: text, md, json, ics."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from vault_tools.dates import add_days
from vault_tools.note import person_key
from vault_tools.render import display_width, ics, json_dumps, pad, printable
from vault_tools.render.markdown import wikilink
from vault_tools.reports.followups import FollowUp, FollowUpReport

#: Longest title the text format pads to; longer titles push the path further right.
TITLE_WIDTH = 56
ICS_PRODID = "-//vault-tools//Interview follow-ups//EN"
ICS_NAME = "Interview follow-ups"


def groups(report: FollowUpReport) -> list[tuple[str, list[FollowUp]]]:
    """The report's items as (heading, items): Overdue, Due soon, Later (only with ``--all``),
    No date; empty groups left out."""
    named: dict[str, list[FollowUp]] = {"Overdue": [], "Due soon": [], "Later": [], "No date": []}
    for item in report.items:
        if item.due is None:
            named["No date"].append(item)
        elif item.due < report.as_of:
            named["Overdue"].append(item)
        elif item.due <= report.until:
            named["Due soon"].append(item)
        else:
            named["Later"].append(item)
    return [(name, items) for name, items in named.items() if items]


def when_text(item: FollowUp) -> str:
    """``6 days overdue``, ``due today``, ``in 3 days``, or ``no date``."""
    days = item.overdue_days
    if days is None:
        return "no date"
    if days == 0:
        return "due today"
    count = abs(days)
    unit = "day" if count == 1 else "days"
    return f"{count} {unit} overdue" if days > 0 else f"in {count} {unit}"


def _scope(report: FollowUpReport) -> str:
    if report.include_all:
        return f"as of {report.as_of}, every item"
    return f"as of {report.as_of}, due through {report.until}"


def render_text(report: FollowUpReport, color: bool = False) -> str:
    """Grouped lines: due date, how late, person, what to do, and the note's path.

    ``color`` adds ANSI colours (the caller decides: a terminal, and ``NO_COLOR`` unset).
    """
    style: Callable[..., str]
    if color:
        import click

        style = click.style
    else:

        def style(text: str, **_: object) -> str:
            return text

    if not report.items:
        return f"Nothing to follow up ({_scope(report)}).\n"
    person_width = max(display_width(printable(item.person)) for item in report.items)
    title_width = min(
        max(display_width(printable(item.title)) for item in report.items), TITLE_WIDTH
    )
    lines = [f"Follow-ups {_scope(report)}"]
    colours = {"Overdue": "red", "Due soon": "yellow"}
    for heading, items in groups(report):
        lines.append("")
        lines.append(style(f"{heading} ({len(items)})", bold=True, fg=colours.get(heading)))
        for item in items:
            due = item.due.isoformat() if item.due else "no date".ljust(10)
            when = (when_text(item) if item.due else "").ljust(15)
            if item.overdue:
                when = style(when, fg="red")
            elif item.overdue_days == 0:
                when = style(when, fg="yellow")
            path = style(printable(item.path), dim=True)
            lines.append(
                f"  {due}  {when}  {pad(printable(item.person), person_width)}  "
                f"{pad(printable(item.title), title_width)}  {path}".rstrip()
            )
    return "\n".join(lines) + "\n"


def render_markdown(report: FollowUpReport) -> str:
    """The body of an Obsidian note: grouped list items with a wikilink to each source note.

    Plain list items, not checkboxes, so task plugins do not count the report's lines as
    tasks of their own.
    """
    lines = ["# Follow-ups", "", f"Follow-ups {_scope(report)}."]
    if not report.items:
        lines += ["", "Nothing to follow up."]
    for heading, items in groups(report):
        lines += ["", f"## {heading}", ""]
        lines += [markdown_item(item) for item in items]
    return "\n".join(lines) + "\n"


def markdown_item(item: FollowUp) -> str:
    """One item as a Markdown list item: due day and how late, who, what, and a wikilink."""
    due = f"**{item.due}** ({when_text(item)})" if item.due else "No date"
    who = f"{printable(item.person)} · " if item.person else ""
    return f"- {due} · {who}{printable(item.title)} · {wikilink(item.path)}"


def render_json(report: FollowUpReport, ascii_only: bool = False) -> str:
    return json_dumps(report.to_json(), ascii_only=ascii_only) + "\n"


def uid(item: FollowUp) -> str:
    """A UID that stays the same while the item's kind, person and note (and, for a task,
    its text) do, so a subscribed calendar updates the to-do instead of adding another.

    Hashed as the bytes on disk: a file name that is not UTF-8 keeps its own bytes."""
    parts = [item.kind, person_key(item.person), item.path]
    if item.key:
        parts.append(item.key)
    digest = hashlib.sha1("|".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{digest}@vault-tools"


_HEAD = (
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    ics.content_line("PRODID", ics.text(ICS_PRODID)),
    "CALSCALE:GREGORIAN",
    ics.content_line("X-WR-CALNAME", ics.text(ICS_NAME)),
)


class _SharedLines:
    """The content lines that repeat from item to item (a note's tasks share kind, person
    and path), each made once: 200,000 tasks of one note make two of them, not 400,000."""

    def __init__(self) -> None:
        self._kinds: dict[str, str] = {}
        self._descriptions: dict[tuple[str, str, str], str] = {}

    def categories(self, item: FollowUp) -> str:
        line = self._kinds.get(item.kind)
        if line is None:
            line = self._kinds[item.kind] = ics.content_line("CATEGORIES", ics.texts([item.kind]))
        return line

    def description(self, item: FollowUp) -> str:
        about = (item.kind, item.person, item.path)
        line = self._descriptions.get(about)
        if line is None:
            who = printable(item.person) or "no person"
            text = f"{item.kind} · {who} · {printable(item.path)}"
            line = self._descriptions[about] = ics.content_line("DESCRIPTION", ics.text(text))
        return line


def render_ics(
    report: FollowUpReport,
    items: str = "todos",
    *,
    alarm: dt.time | None = dt.time(9, 0),
    vault_name: str = "",
) -> str:
    """An RFC 5545 calendar: one all-day VTODO (DUE as a date) per dated item, or with
    ``items="events"`` one all-day VEVENT each (:func:`_events`), which Google, Apple and
    Outlook show in a subscribed calendar (they ignore to-dos there).

    Undated tasks are left out (a to-do without a day has no place in a calendar). DTSTAMP
    is midnight UTC of as-of, so the same vault and as-of give byte-identical output. A
    calendar app subscribes to the file: ``vault-tools followups --format ics > followups.ics``.

    Written line by line (``render.ics``), as ``icalendar`` wrote it before: properties in
    its order (the calendar's VERSION and PRODID first, then by name), one string per to-do,
    so 200,000 items take a second or two and memory in proportion to the output.
    """
    stamp = ics.utc_datetime_value(dt.datetime.combine(report.as_of, dt.time(0, 0), dt.UTC))
    if items == "events":
        return _events(report, stamp, alarm, vault_name)
    parts = [ics.CRLF.join(_HEAD)]
    shared = _SharedLines()
    dues: dict[dt.date, str] = {}  # a few due days: each line made once too
    for item in report.items:
        if item.due is None:
            continue
        kind = shared.categories(item)
        description = shared.description(item)
        due = dues.get(item.due)
        if due is None:
            due = dues[item.due] = f"DUE;VALUE=DATE:{ics.date_value(item.due)}"
        summary = ics.content_line("SUMMARY", ics.text(printable(item.title)))
        parts.append(
            f"BEGIN:VTODO\r\n{kind}\r\n{description}\r\nDTSTAMP:{stamp}\r\n{due}\r\n"
            f"STATUS:NEEDS-ACTION\r\n{summary}\r\n"
            # 40 hex digits and "@vault-tools": nothing to escape, shorter than a fold.
            f"UID:{uid(item)}\r\nEND:VTODO"
        )
    parts += ("END:VCALENDAR", "")  # the last line's CRLF too, without copying the text
    return ics.CRLF.join(parts)


#: SEQUENCE counts days from here to the due day (see :func:`_events`).
_EPOCH = dt.date(1970, 1, 1)


def obsidian_url(vault_name: str, path: str) -> str:
    """``obsidian://open?vault=…&file=…``: the vault by its folder's name, the note by its
    path without ``.md``, each percent-encoded as UTF-8 (as JavaScript's
    ``encodeURIComponent``, which Obsidian decodes: a space is ``%20``, ``/`` is ``%2F``).
    A name that is not UTF-8 keeps its own bytes."""
    from urllib.parse import quote

    def encoded(value: str) -> str:
        return quote(value.encode("utf-8", "surrogateescape"), safe="")

    file = path[: -len(".md")] if path.lower().endswith(".md") else path
    return f"obsidian://open?vault={encoded(vault_name)}&file={encoded(file)}"


def _events(report: FollowUpReport, stamp: str, alarm: dt.time | None, vault_name: str) -> str:
    """One all-day VEVENT per dated item: DTSTART the due day and DTEND the next (DATE
    values, so the day is the user's own wherever the calendar is), free time
    (TRANSP:TRANSPARENT: a reminder does not block the day), the to-do's UID, a URL that
    opens the note in Obsidian, and a VALARM on the due day at ``alarm`` (none when None).

    The VALARM's TRIGGER is relative to the start of the day: ``TRIGGER:PT9H`` for 09:00,
    floating like the DATE values, so it is 09:00 in whatever zone the calendar shows the
    day in; an absolute UTC trigger would fix the moment to one zone.

    The tool keeps no history, so SEQUENCE and LAST-MODIFIED are made from what an item
    can change while its UID stays: its due day. SEQUENCE is the number of days from
    1970-01-01 to the due day and LAST-MODIFIED is 00:00 UTC of the due day, so both grow
    when the item moves later (a nudge sent, a follow-up put off, an interview moved) and
    stay the same, whatever the as-of, while it does not change.
    """
    parts = [ics.CRLF.join(_HEAD)]
    shared = _SharedLines()
    urls: dict[str, str] = {}
    days: dict[dt.date, tuple[tuple[str, ...], str]] = {}
    trigger = ""
    if alarm is not None:
        offset = dt.timedelta(hours=alarm.hour, minutes=alarm.minute)
        trigger = f"TRIGGER:{ics.duration_value(offset)}"
    for item in report.items:
        if item.due is None:
            continue
        description = shared.description(item)
        url = urls.get(item.path)
        if url is None:
            url = urls[item.path] = ics.content_line(
                "URL", ics.uri(obsidian_url(vault_name, item.path))
            )
        kind = shared.categories(item)
        day = days.get(item.due)
        if day is None:
            day = days[item.due] = _event_days(item.due)
        title = ics.text(printable(item.title))
        end, start_to_sequence = day
        lines = [
            "BEGIN:VEVENT",
            kind,
            description,
            *end,
            f"DTSTAMP:{stamp}",
            start_to_sequence,
            ics.content_line("SUMMARY", title),
            "TRANSP:TRANSPARENT",
            f"UID:{uid(item)}",
            url,
        ]
        if trigger:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                ics.content_line("DESCRIPTION", title),
                trigger,
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
        parts.append(ics.CRLF.join(lines))
    parts += ("END:VCALENDAR", "")
    return ics.CRLF.join(parts)


def _event_days(due: dt.date) -> tuple[tuple[str, ...], str]:
    """An event's lines that follow from its due day: DTEND (none after 9999-12-31, where a
    DATE start alone is one day anyway), and DTSTART, LAST-MODIFIED and SEQUENCE as one
    string (the lines between them are the same for every event)."""
    after = add_days(due, 1)
    end = (f"DTEND;VALUE=DATE:{ics.date_value(after)}",) if after else ()
    modified = ics.utc_datetime_value(dt.datetime.combine(due, dt.time(0, 0), dt.UTC))
    return end, (
        f"DTSTART;VALUE=DATE:{ics.date_value(due)}\r\n"
        f"LAST-MODIFIED:{modified}\r\n"
        f"SEQUENCE:{(due - _EPOCH).days}"
    )

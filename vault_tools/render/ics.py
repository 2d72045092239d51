"""RFC 5545 content lines: values written by ``icalendar``'s property types, lines folded
at 75 octets and joined with CRLF here.

The calendar ``followups --format ics`` writes used to be built as an ``icalendar`` object
tree (``Calendar``, one ``Todo`` per item) and serialised by it: some 160 µs and a dozen
Python objects per to-do, kept until the end, so 200,000 follow-up tasks took 40-50 s and
1.5 GB. Every value is still made by ``icalendar`` (``vText``, ``vCategory``,
``vDDDTypes``: its escaping and its formats), but only the values that differ are made,
and each line is a string: ``tests/test_results_round2.py`` compares the output with the
object tree's byte for byte and reads every calendar back with ``icalendar``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

#: RFC 5545 3.1: lines end in CRLF; a folded line continues after CRLF and one space.
CRLF = "\r\n"
_FOLD = "\r\n "
#: ``icalendar`` folds before a line would reach 75 octets (so a line holds at most 74, and
#: a continuation line its space and 74); kept, for the same bytes.
_FOLD_AT = 75


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11) as ``icalendar`` writes it: backslash, semicolon and
    comma escaped, line breaks as ``\\n`` (and a backslash before an N kept as one)."""
    from icalendar.prop import vText

    def escaped(part: str) -> str:
        return vText(part).to_ical().decode("utf-8", "surrogateescape")

    if "\\N" not in value:
        return escaped(value)
    # icalendar takes a backslash and N as a line break escaped already ("C:\\New folder"
    # would lose its N): the pieces around it are escaped by icalendar, the backslash here.
    return "\\\\N".join(escaped(part) for part in value.split("\\N"))


def texts(values: Iterable[str]) -> str:
    """A list of TEXT values (``CATEGORIES``), as ``icalendar`` writes it."""
    from icalendar.prop import vCategory

    return vCategory(list(values)).to_ical().decode("utf-8", "surrogateescape")


def uri(value: str) -> str:
    """A URI value (RFC 5545 3.3.13), as ``icalendar``'s ``vUri`` writes it: as it is."""
    from icalendar.prop import vUri

    return vUri(value).to_ical().decode("utf-8", "surrogateescape")


def date_value(day: dt.date) -> str:
    """A DATE value: ``20261128``."""
    from icalendar.prop import vDDDTypes

    return vDDDTypes(day).to_ical().decode("ascii")


def duration_value(span: dt.timedelta) -> str:
    """A DURATION value: ``PT9H``, ``PT9H30M``."""
    from icalendar.prop import vDDDTypes

    return vDDDTypes(span).to_ical().decode("ascii")


def utc_datetime_value(when: dt.datetime) -> str:
    """A DATE-TIME value in UTC: ``20261127T000000Z`` (``when`` must be aware)."""
    from icalendar.prop import vDDDTypes

    return vDDDTypes(when.astimezone(dt.UTC)).to_ical().decode("ascii")


def fold(line: str) -> str:
    """A content line folded as RFC 5545 3.1 asks: no line longer than 75 octets of UTF-8,
    never splitting a character, and (as ``icalendar`` does, for clients that need it)
    never just after a backslash or caret, so an escape stays on one line."""
    if len(line) < _FOLD_AT and (line.isascii() or len(line.encode("utf-8")) < _FOLD_AT):
        return line  # nearly every line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = 1 if char < "\x80" else len(char.encode("utf-8", "surrogatepass"))
        if current and size + width >= _FOLD_AT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                pieces.append("".join(current))
                current = [carried]
                size = len(carried.encode("utf-8", "surrogatepass"))
            else:
                pieces.append("".join(current))
                current = []
                size = 0
        current.append(char)
        size += width
    if current:
        pieces.append("".join(current))
    return _FOLD.join(pieces)


def content_line(name: str, value: str, params: str = "") -> str:
    """``NAME;PARAMS:value``, folded, without its CRLF. ``value`` is written as given:
    escape TEXT with :func:`text` first."""
    return fold(f"{name}{';' + params if params else ''}:{value}")

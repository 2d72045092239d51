"""RFC 5545 content lines, written directly: TEXT escaping, 75-octet folding, CRLF.

The calendar ``followups --format ics`` writes used to be built as an ``icalendar`` object
tree and serialised by it: some 20 µs per property, and a Python object per property and
parameter kept until the end, so 200,000 follow-up tasks took 40-50 s and 1.5 GB. The
format is small and fixed (a few properties of TEXT, DATE, DATE-TIME and a list of TEXT),
so it is written here the way ``icalendar`` 6/7 writes it, byte for byte:
``tests/test_results_round2.py`` compares the two on generated reports, and reads every
calendar back with ``icalendar``, which stays the reference (and the tests' parser).

One deliberate difference: ``icalendar`` turns a backslash followed by ``N`` in a value
into a line break (it takes the value as already escaped); here it is a backslash and an N,
as written (``\\\\N``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

#: RFC 5545 3.1: lines end in CRLF; a folded line continues after CRLF and one space.
CRLF = "\r\n"
_FOLD = "\r\n "
#: ``icalendar`` folds before a line would reach 75 octets (so a line holds at most 74, and
#: a continuation line its space and 74); kept, for the same bytes.
_FOLD_AT = 75
_TEXT_SPECIAL = re.compile(r"[\\;,\r\n]")


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, and every
    line break (CRLF, LF or a lone CR) written as ``\\n``."""
    if _TEXT_SPECIAL.search(value) is None:
        return value  # most values: nothing to escape
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def texts(values: Iterable[str]) -> str:
    """A list of TEXT values (``CATEGORIES``), each escaped, separated by commas."""
    return ",".join(text(value) for value in values)


def date_value(day: dt.date) -> str:
    """A DATE value: ``20261128``."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def utc_datetime_value(when: dt.datetime) -> str:
    """A DATE-TIME value in UTC: ``20261127T000000Z`` (``when`` must be aware)."""
    utc = when.astimezone(dt.UTC)
    return f"{date_value(utc.date())}T{utc.hour:02d}{utc.minute:02d}{utc.second:02d}Z"


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

"""Renderers: data in, string out. Nothing here reads files or decides anything.

This module is the output boundary: every path and every piece of text from a note passes
through :func:`printable` (terminals, Markdown, CSV, calendars, stderr) or
:func:`json_dumps` (JSON) on its way out, so no output can hold a byte a UTF-8 file cannot,
a control character that moves a terminal's cursor, or a bidirectional control that makes
text read differently from what it is (CVE-2021-42574, "Trojan Source").
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Bidirectional controls: the embeddings and overrides U+202A-U+202E, the isolates
#: U+2066-U+2069, and the marks U+200E (LRM), U+200F (RLM) and U+061C (ALM), which reorder
#: the neutral characters around them as a strong letter would.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, the bidirectional
# controls, and surrogates: a file name that is not UTF-8 reaches us with each undecodable
# byte as a lone surrogate (Python's surrogateescape), which no terminal or UTF-8 file can
# hold.
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]")
# The same, but line breaks and tabs kept: for formats that quote them (CSV).
_UNPRINTABLE_IN_LINES = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte the file name really holds
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep_lines: bool = False) -> str:
    """``text`` safe to show a person: control characters, bidirectional controls and the
    undecodable bytes of a file name shown as escapes (``new\\nline.md``, ``caf\\xe9.md``,
    ``evil\\u202egpj.md``), the rest unchanged. One line, unless ``keep_lines`` keeps line
    breaks and tabs (for a format that quotes them, like CSV)."""
    pattern = _UNPRINTABLE_IN_LINES if keep_lines else _UNPRINTABLE
    return pattern.sub(_escape, text)


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes: a combining mark (the diaeresis of an NFD
    "Zoë", as a macOS file name holds it) and other zero-width characters none, a wide East
    Asian character or emoji two, the rest one; so columns line up whatever the name's form."""
    if text.isascii():
        return len(text)
    import unicodedata

    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (``str.ljust`` counts
    characters, not columns)."""
    return text + " " * (width - display_width(text))


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` terminal columns, ending in an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        used += display_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…" if width > 0 else ""


def is_printable(text: str) -> bool:
    """Whether :func:`printable` leaves ``text`` as it is."""
    return _UNPRINTABLE.search(text) is None


# What json.dumps(..., ensure_ascii=False) leaves raw but a reader should not get raw: lone
# surrogates (not UTF-8 at all), C1 controls, U+2028/U+2029 (line breaks to JavaScript) and
# the bidirectional controls. json.dumps writes no such character outside a string, so each
# can become a \uXXXX escape in place.
_JSON_ESCAPED = re.compile(f"[\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]")


def json_text(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` made valid UTF-8 and safe to
    show: lone surrogates (undecodable bytes of a file name) written as ``\\udcXX`` escapes,
    which ``json.loads`` and ``os.fsencode`` turn back into the file's real name, and C1,
    line-separator and bidirectional controls as ``\\uXXXX`` escapes. The value
    ``json.loads`` reads is unchanged."""
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_dumps(payload: Any, *, indent: int | None = 2, ascii_only: bool = False) -> str:
    """``payload`` as JSON text that is valid UTF-8 (see :func:`json_text`); ``ascii_only``
    escapes every non-ASCII character (for an output stream that cannot hold UTF-8)."""
    if indent is None:
        return json_text(json.dumps(payload, ensure_ascii=ascii_only))
    return json_text(indented_json(payload, indent, ascii_only))


def indented_json(payload: Any, indent: int = 2, ascii_only: bool = False) -> str:
    """Exactly ``json.dumps(payload, indent=indent, ensure_ascii=ascii_only)`` for the
    plain data reports make (dicts with str keys, lists, str, int, float, bool, None), at
    several times its speed: the standard library indents in pure Python, one generator
    per value; strings go through its C encoder here too. Anything else is handed to
    ``json.dumps`` whole."""
    from json import encoder

    quote = encoder.encode_basestring_ascii if ascii_only else encoder.encode_basestring
    out: list[str] = []
    try:
        _indent_into(out, payload, quote, " " * indent, "\n")
    except _NotPlain:
        return json.dumps(payload, indent=indent, ensure_ascii=ascii_only)
    return "".join(out)


class _NotPlain(Exception):
    pass


def _indent_into(out: list[str], value: Any, quote: Any, step: str, newline: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(json.dumps(value))  # repr, or NaN / Infinity as json writes them
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + step
        out.append("{")
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out.append(inner if first else "," + inner)
            first = False
            out.append(quote(key))
            out.append(": ")
            _indent_into(out, item, quote, step, inner)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + step
        out.append("[")
        first = True
        for item in value:
            out.append(inner if first else "," + inner)
            first = False
            _indent_into(out, item, quote, step, inner)
        out.append(newline + "]")
    else:
        raise _NotPlain

"""Front matter in its everyday form, read without a YAML parser — exactly, or not at all.

Most notes' front matter is a flat list of ``key: value`` lines whose values are plain
words, quoted text without escapes, or a flow list ``[a, b]``. For those, reading each line
gives the same mapping as PyYAML with vault-tools' YAML 1.2 resolution, several times
faster. Anything else — indentation, block lists, comments after values, anchors, escapes,
tabs, a key written twice, a character YAML might treat specially — returns ``None`` and
the caller uses PyYAML. ``tests/test_fastyaml.py`` checks both agree on every note of the
shared corpus, ``sample_vault`` and a generated vault.

A value of any length costs its own size and no more: the patterns below repeat single
character classes only (a repeated alternation costs Python's regex engine about a hundred
bytes per character matched), and values are sliced once from their line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: Values (keys, items and containers counted, as YAML builds them) front matter may hold.
#: PyYAML's path refuses more (note.py); this reader hands such front matter over.
MAX_YAML_NODES = 100_000

#: An integer written with more digits than this (its sign, ``0x``/``0o`` and leading zeros
#: aside) is read as the text written. Python refuses to convert more than 4,300 decimal
#: digits either way (int() and str() raise, and converting is quadratic); this bound keeps
#: every integer read within the lowest limit Python can be set to (640 digits), so that
#: printing one never fails: 500 hex digits are 2,000 bits, 603 decimal digits.
MAX_INT_DIGITS = 500

# A key: words of letters, digits, ``_`` and ``-``, one space between words (checked apart:
# a repeated group here cost memory per word of a long key).
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_\- ]*):(?: +)?")
_KEY_SPACES = re.compile(r"  | \Z")
# A plain scalar vault-tools can read alone: no leading indicator, no ": " or " #", no
# trailing spaces, nothing YAML or this reader treats specially.
_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_NOT_PLAIN = re.compile(r"\n|:(?!\S)|(?<!\S)#")
_PLAIN_IN_FLOW = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\[\]{},]*")
_QUOTED = re.compile(r"\"[^\"\\\\]*\"|'[^']*'")
# Characters a YAML reader may refuse or treat as line breaks: leave them to PyYAML.
_UNUSUAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\t\\\\]")

_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_NULL = re.compile(r"~|null|Null|NULL")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_ZEROS = re.compile("0*")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def yaml_int(text: str) -> int | str:
    """The value of a YAML 1.2 integer (``[-+]?[0-9]+``, ``0o[0-7]+``, ``0x[0-9a-fA-F]+``);
    the text itself when it has more than ``MAX_INT_DIGITS`` digits. Both front matter
    readers use it, so a long number reads the same in each."""
    start = 1 if text[:1] in "+-" else 0
    base = 10
    if text.startswith(("0x", "0o"), start):
        base, start = (16 if text[start + 1] == "x" else 8), start + 2
    zeros = _ZEROS.match(text, start)  # always matches, perhaps nothing
    start = zeros.end() if zeros else start
    if len(text) - start > MAX_INT_DIGITS:
        return text  # counted, not sliced: the text may be megabytes
    value = int(text[start:] or "0", base)
    return -value if text[:1] == "-" else value


def _resolve(plain: str) -> Any:
    """A plain scalar's value under YAML 1.2's core schema (as note.py's loader reads it)."""
    first = plain[0]
    if first in "tTfF" and _BOOL.fullmatch(plain):
        return plain[0] in "tT"
    if first in "~nN" and _NULL.fullmatch(plain):
        return None
    if first in "-+0123456789.":
        if _INT.fullmatch(plain):
            return yaml_int(plain)
        if _FLOAT.fullmatch(plain):
            lowered = plain.lower()
            if lowered.endswith(".inf"):
                return float("-inf") if lowered.startswith("-") else float("inf")
            return float("nan") if lowered == ".nan" else float(plain)
    return plain


def _scalar(line: str, start: int, end: int, in_flow: bool) -> tuple[bool, Any]:
    """(understood, value) of the scalar ``line[start:end]``, written on one line."""
    if start == end:
        return (not in_flow), None
    if line[start] in "\"'":
        if _QUOTED.fullmatch(line, start, end):
            return True, line[start + 1 : end - 1]
        return False, None
    if line[start].isspace() or line[end - 1].isspace():
        return False, None
    if in_flow:
        if not _PLAIN_IN_FLOW.fullmatch(line, start, end):
            return False, None
    elif not _PLAIN_START.match(line, start) or _NOT_PLAIN.search(line, start, end):
        return False, None
    return True, _resolve(line[start:end])


def _strip_spaces(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start] == " ":
        start += 1
    while end > start and line[end - 1] == " ":
        end -= 1
    return start, end


def _value(line: str, start: int, end: int, budget: int) -> tuple[bool, Any, int]:
    """(understood, value, values it holds) of ``line[start:end]``, holding at most ``budget``
    values."""
    if start < end and line[start] == "[":
        if (
            line[end - 1] != "]"
            or line.count("[", start, end) != 1
            or line.count("]", start, end) != 1
        ):
            return False, None, 0
        first, last = _strip_spaces(line, start + 1, end - 1)
        if first == last:
            return True, [], 1
        count = line.count(",", first, last) + 2  # the items and the list itself
        if count > budget:
            return False, None, 0
        items = []
        while True:
            comma = line.find(",", first, last)
            stop = last if comma < 0 else comma
            ok, value = _scalar(line, *_strip_spaces(line, first, stop), in_flow=True)
            if not ok:
                return False, None, 0
            items.append(value)
            if comma < 0:
                return True, items, count
            first = comma + 1
    ok, value = _scalar(line, start, end, in_flow=False)
    return ok, value, 1


def read_simple(text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The mapping and the line of each key, or ``None`` when PyYAML must decide."""
    return read_simple_lines(text.split("\n"), first_line)


def read_simple_lines(
    lines: Sequence[str], first_line: int
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """``read_simple`` of the front matter's lines (as ``"\\n".join(lines)`` would be read)."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    budget = MAX_YAML_NODES - 1  # the mapping itself
    for offset, line in enumerate(lines):
        if not line or line.startswith("#"):
            if line.startswith("#") and not line.startswith("# "):
                return None  # "#" alone or "#x": a comment, but keep the cases few
            if _UNUSUAL.search(line):
                return None
            continue
        if _UNUSUAL.search(line):
            return None
        m = _KEY_LINE.match(line)
        if m is None or _KEY_SPACES.search(m.group(1)):
            return None
        key = m.group(1)
        if key in data or _resolve(key) is not key:
            return None  # a key written twice, or one YAML reads as a number or boolean
        start, end = m.end(), len(line)
        if start < end and line[start - 1] != " ":
            return None  # "key:value" is one plain scalar, not a key
        while end > start and line[end - 1] == " ":
            end -= 1
        ok, value, count = _value(line, start, end, budget - 1)
        if not ok:
            return None
        budget -= 1 + count
        if budget < 0:
            return None
        data[key] = value
        key_lines[key] = first_line + offset
    return data, key_lines

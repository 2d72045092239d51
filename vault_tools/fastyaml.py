"""Front matter in its everyday form, read without a YAML parser — exactly, or not at all.

Most notes' front matter is a flat list of ``key: value`` lines whose values are plain
words, quoted text without escapes, or a flow list ``[a, b]``. For those, reading each line
gives the same mapping as PyYAML with vault-tools' YAML 1.2 resolution, several times
faster. Anything else — indentation, block lists, comments after values, anchors, escapes,
tabs, a key written twice, a character YAML might treat specially — returns ``None`` and
the caller uses PyYAML. ``tests/test_fastyaml.py`` checks both agree on every note of the
shared corpus, ``sample_vault`` and a generated vault.
"""

from __future__ import annotations

import re
from typing import Any

#: An integer written with more digits than this (its sign, ``0x``/``0o`` and leading zeros
#: aside) is read as the text written. Python refuses to convert more than 4,300 decimal
#: digits either way (int() and str() raise, and converting is quadratic); this bound keeps
#: every integer read within the lowest limit Python can be set to (640 digits), so that
#: printing one never fails: 500 hex digits are 2,000 bits, 603 decimal digits.
MAX_INT_DIGITS = 500

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*(?: [A-Za-z0-9_\-]+)*):(?: +(.*))?")
# A plain scalar vault-tools can read alone: no leading indicator, no ": " or " #", no
# trailing spaces, nothing YAML or this reader treats specially.
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^\n:#]|:(?=\S)|(?<=\S)#)*")
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


def _scalar(text: str, in_flow: bool) -> tuple[bool, Any]:
    """(understood, value) of one scalar written on one line."""
    if not text:
        return (not in_flow), None
    if text[0] in "\"'":
        if _QUOTED.fullmatch(text):
            return True, text[1:-1]
        return False, None
    pattern = _PLAIN_IN_FLOW if in_flow else _PLAIN
    if not pattern.fullmatch(text) or text != text.strip():
        return False, None
    return True, _resolve(text)


def _value(text: str) -> tuple[bool, Any]:
    if text.startswith("["):
        if not text.endswith("]") or text.count("[") != 1 or text.count("]") != 1:
            return False, None
        inner = text[1:-1].strip()
        if not inner:
            return True, []
        items = []
        for part in inner.split(","):
            ok, value = _scalar(part.strip(), in_flow=True)
            if not ok:
                return False, None
            items.append(value)
        return True, items
    return _scalar(text, in_flow=False)


def read_simple(text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The mapping and the line of each key, or ``None`` when PyYAML must decide."""
    if _UNUSUAL.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for offset, line in enumerate(text.split("\n")):
        if not line or line.startswith("#"):
            if line.startswith("#") and not line.startswith("# "):
                return None  # "#" alone or "#x": a comment, but keep the cases few
            continue
        m = _KEY_LINE.fullmatch(line)
        if m is None:
            return None
        key = m.group(1)
        if key in data or _resolve(key) is not key:
            return None  # a key written twice, or one YAML reads as a number or boolean
        ok, value = _value((m.group(2) or "").rstrip(" "))
        if not ok:
            return None
        data[key] = value
        lines[key] = first_line + offset
    return data, lines

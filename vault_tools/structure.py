"""A fast, exact-or-nothing scan of a note body's top-level headings and code blocks.

Most notes hold only ATX headings (``## Notes``), paragraphs, lists and fenced code. For
them a line scan finds the same headings and code lines as mistune's block parser at a
fraction of the cost (no import, no tokens). Whenever a line could mean something the scan
does not model exactly — a setext underline after text, indented code, an HTML block other
than a comment, an indented heading or fence that may belong to a list item, a very long
line — it answers ``None`` and the caller asks mistune. ``tests/test_structure.py`` checks
that both agree on every note of ``sample_vault`` and of the shared corpus.
"""

from __future__ import annotations

import re

#: (first line, level, text, last line) of a heading; lines are 1-based file lines.
HeadingTuple = tuple[int, int, str, int]

_ATX = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSING = re.compile(r"(\s+|^)#+\s*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
_SETEXT_OR_BREAK = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_BREAK = re.compile(r"^(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})$")
_INDENTED = re.compile(r"^(?: {4}|\t| {1,3}\t)")
_LONG_LINE = 8192
#: First characters of lines that may not be plain paragraph text: list items, quotes,
#: tables, link reference definitions.
_NOT_PLAIN = frozenset("-*+>|[")
_ORDERED = re.compile(r"^\d{1,9}[.)]")


def scan_structure(
    lines: tuple[str, ...], body_start: int
) -> tuple[tuple[HeadingTuple, ...], frozenset[int]] | None:
    """Headings and code-block lines of ``lines[body_start - 1:]``, or ``None`` when unsure."""
    headings: list[HeadingTuple] = []
    code: set[int] = set()
    fence: tuple[str, int] | None = None  # (fence character, length) while inside a fence
    in_comment = False
    after_text = False  # the previous line is text a following line may continue
    # The plain paragraph the current text run makes, for setext headings: its first line,
    # or None when the run holds a line that may be a list item, quote, table or link
    # definition (the scan then leaves the underline to mistune).
    paragraph: int | None = None
    # The current text run starts with "[": perhaps link reference definitions, which a
    # following indented line does not continue (it is code then): mistune decides.
    definition = False
    for number in range(body_start, len(lines) + 1):
        line = lines[number - 1]
        if len(line) > _LONG_LINE:
            return None
        if fence is not None:
            code.add(number)
            stripped = line.lstrip(" ")
            if (
                len(line) - len(stripped) <= 3
                and stripped.startswith(fence[0] * fence[1])
                and not stripped.rstrip(" \t").strip(fence[0])
            ):
                fence = None
            continue
        if in_comment:
            if "-->" in line:
                in_comment = False
            continue
        if not line.strip():
            if line.strip(" \t"):
                # Only other whitespace (NEL, a form feed, an ideographic space): CommonMark
                # blank lines hold only spaces and tabs, so this may be paragraph text.
                return None
            after_text = False
            continue
        first = line[0]
        if first in " \t":
            if (not after_text or definition) and _INDENTED.match(line):
                return None  # indented code, or a list item's continuation: mistune knows
            head = line.lstrip(" ")
            if head[:1] in ("#", "`", "~", "<") and len(line) - len(head) <= 3:
                return None  # indented heading, fence or HTML: perhaps inside a list item
            if _SETEXT_OR_BREAK.match(line):
                return None
            if not after_text:
                paragraph = number
                definition = head[:1] == "["
            if head[:1] in _NOT_PLAIN or (head[:1].isdigit() and _ORDERED.match(head)):
                paragraph = None  # an indented list item or quote: not plain text
            after_text = True
            continue
        if first == "#":
            m = _ATX.match(line)
            if m:
                text = (m.group(2) or "").strip()
                if text:
                    text = _ATX_CLOSING.sub("", text)
                headings.append((number, len(m.group(1)), " ".join(text.split()), number))
                after_text = False
                continue
        elif first in "`~":
            m = _FENCE.match(line)
            if m and not (first == "`" and "`" in m.group(2)):
                fence = (first, len(m.group(1)))
                code.add(number)
                after_text = False
                continue
        elif first == "<":
            if not line.startswith("<!--"):
                return None  # an HTML block: its extent follows rules the scan does not model
            if "-->" not in line[4:]:
                in_comment = True
            after_text = False
            continue
        elif first in "=-" and after_text and _SETEXT_OR_BREAK.match(line):
            if paragraph is None:
                return None  # after a list item, quote or table: mistune decides
            text = " ".join(" ".join(lines[paragraph - 1 : number - 1]).split())
            headings.append((paragraph, 1 if first == "=" else 2, text, number))
            after_text = False
            continue
        if first in "*_-" and _BREAK.match(line):
            after_text = False  # a thematic break: an indented line after it is code
            continue
        if not after_text:
            paragraph = number
            definition = first == "["
        if first in _NOT_PLAIN or (first.isdigit() and _ORDERED.match(line)):
            paragraph = None
        after_text = True
    return tuple(headings), frozenset(code)

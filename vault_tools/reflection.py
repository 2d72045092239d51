"""What a note says was learned: its takeaways, what went well and what to improve.

Pure readers over a parsed note, for reports (the weekly digest). Only the user's own
writing counts, as SPEC defines it for empty sections: HTML and ``%%`` comments, the
template's prompts and sub-headings are left out.

* Takeaways: the list items of the Takeaways section (aliases such as Learnings
  included), or its paragraphs when it holds no list.
* Reflection: its subsections are found by keywords in their headings: "well" is what
  went well; "improve", "better" or "differently" is what to improve (these win when a
  heading has both). Each subsection gives its items the same way as Takeaways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vault_tools.interview import Context, meaningful_lines
from vault_tools.note import Heading, Note, Section, list_items
from vault_tools.vocabulary import normalize_heading

TAKEAWAYS_SECTION = "Takeaways"
REFLECTION_SECTION = "Reflection"

WENT_WELL = "went well"
TO_IMPROVE = "to improve"

_IMPROVE_WORDS = ("improve", "better", "differently")
_WELL_WORDS = ("well",)


@dataclass(frozen=True)
class Reflection:
    """The items of a note's Reflection, by subsection kind."""

    went_well: tuple[str, ...] = ()
    to_improve: tuple[str, ...] = ()


def subsection_kind(heading_text: str) -> str | None:
    """``WENT_WELL``, ``TO_IMPROVE`` or ``None`` for a Reflection subsection's heading."""
    words = normalize_heading(heading_text)
    if any(word in words for word in _IMPROVE_WORDS):
        return TO_IMPROVE
    if any(word in words for word in _WELL_WORDS):
        return WENT_WELL
    return None


def written_items(note: Note, kept: Sequence[tuple[int, str]], first: int, last: int) -> list[str]:
    """The items written in lines ``first..last``, from ``kept`` (a section's meaningful lines).

    List items (marker and checkbox removed, wrapped continuation lines joined), or, when
    the lines hold no list, each paragraph as one item. Code blocks are left out.
    """
    lines = [(n, text) for n, text in kept if first <= n <= last and n not in note.code_lines]
    wanted = {n for n, _ in lines}
    starts = {n: text for n, text in list_items(note, first, last) if n in wanted}
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


def takeaways(note: Note, ctx: Context) -> tuple[str, ...]:
    """The note's takeaways, in order (every Takeaways section, if it has two)."""
    found: list[str] = []
    for section in _sections(note, ctx, TAKEAWAYS_SECTION):
        kept = meaningful_lines(note, section, ctx)
        found += written_items(note, kept, section.first_line, section.last_line)
    return tuple(found)


def _subsection_ranges(section: Section) -> list[tuple[Heading, int, int]]:
    """Each top subsection (the shallowest heading level used) with its first and last line;
    deeper headings belong to the subsection above them."""
    if not section.subsections:
        return []
    level = min(h.level for h in section.subsections)
    tops = [h for h in section.subsections if h.level == level]
    ranges = []
    for i, heading in enumerate(tops):
        last = tops[i + 1].line - 1 if i + 1 < len(tops) else section.last_line
        ranges.append((heading, heading.end_line + 1, last))
    return ranges


def reflection(note: Note, ctx: Context) -> Reflection:
    """What went well and what to improve, from the Reflection's subsections."""
    went_well: list[str] = []
    to_improve: list[str] = []
    for section in _sections(note, ctx, REFLECTION_SECTION):
        kept = meaningful_lines(note, section, ctx)
        for heading, first, last in _subsection_ranges(section):
            kind = subsection_kind(heading.text)
            if kind is None:
                continue
            bucket = went_well if kind == WENT_WELL else to_improve
            bucket += written_items(note, kept, first, last)
    return Reflection(tuple(went_well), tuple(to_improve))

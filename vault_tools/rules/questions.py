"""VT3xx: the prepared questions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from vault_tools.diagnostics import Finding
from vault_tools.interview import Context, meaningful_lines, status_of
from vault_tools.note import Note, Section, is_list_item, list_items

CLOSED_STARTS = frozenset(
    {
        *("is", "are", "do", "does", "did", "can", "could"),
        *("would", "will", "should", "have", "has", "was", "were"),
    }
)
_FIRST_WORD = re.compile(r"^[\W_]*(?P<word>[^\W_]+)", re.UNICODE)
_EMPHASIS = re.compile(r"^(?:\*\*|__|\*|_)+")
#: The statuses before the interview: only then are the questions still to be asked.
_BEFORE_INTERVIEW = frozenset({"planned", "requested", "scheduled"})


def _questions_sections(note: Note, ctx: Context) -> list[Section]:
    return [s for s in ctx.sections(note) if s.name == "Questions"]


def prepared_questions(note: Note, section: Section) -> list[tuple[int, str]]:
    """The section's questions: each list item, and each other line ending in ``?``."""
    items = list_items(note, section.first_line, section.last_line)
    item_lines = {line for line, _ in items}
    for number in range(section.first_line, section.last_line + 1):
        text = note.line_text(number).strip()
        if (
            text.endswith("?")
            and number not in item_lines
            and number not in note.code_lines
            and not is_list_item(text)
            and not text.startswith("#")
        ):
            items.append((number, text))
    return sorted(items)


def _questions(note: Note, section: Section, ctx: Context) -> list[tuple[int, str]]:
    return ctx.memo(note, ("questions", section.line), lambda: prepared_questions(note, section))


def closed_question(note: Note, ctx: Context) -> Iterator[Finding]:
    """A prepared question that invites a yes or no: it starts with is, are, do, does, did,
    can, could, would, will, should, have, has, was or were.

    Why: informational interviews work on open questions; a yes/no question spends the
    person's time on one word. Open questions get stories, reasons and advice.

    Example: ``- Do you like working at Acme?``. Fix: ``- What do you enjoy most about
    working at Acme, and what is hard?``

    Only while the note is planned, requested or scheduled: a done interview's questions
    are history, and rewording them helps nobody.
    """
    if status_of(note) not in _BEFORE_INTERVIEW:
        return
    for section in _questions_sections(note, ctx):
        for line, text in _questions(note, section, ctx):
            body = _EMPHASIS.sub("", text)
            m = _FIRST_WORD.match(body)
            if m and m["word"].casefold() in CLOSED_STARTS:
                column = note.line_text(line).find(m["word"]) + 1 or 1
                yield Finding(
                    line,
                    column,
                    f'closed (yes/no) question starts with "{m["word"]}": '
                    "ask it open-ended (how, what, why, tell me about)",
                )


def no_question(note: Note, ctx: Context) -> Iterator[Finding]:
    """A Questions section that holds writing but no question: no list item and no line
    ending in ``?``.

    Why: the questions are what you bring to the call; prose plans ("ask about the team")
    are easy to forget in the moment. A list is easy to glance at while listening.

    Example: ``## Questions`` followed by ``I want to ask about their career path.``
    Fix: ``- How did you get from consulting to your current role?``
    """
    for section in _questions_sections(note, ctx):
        if not meaningful_lines(note, section, ctx):
            continue  # empty: VT202 reports it when the section is required
        if not _questions(note, section, ctx):
            yield Finding(section.line, 1, "Questions section holds no question")

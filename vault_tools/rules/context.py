"""What every rule may read besides the note: the config, as-of, and derived lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from vault_tools.config import Config, normalize_heading
from vault_tools.note import Note, Section, content_lines, parse_note, sections

T = TypeVar("T")


@dataclass(frozen=True)
class RuleContext:
    config: Config
    as_of: dt.date
    tz: dt.tzinfo | None = None
    #: normalised heading -> canonical section name (aliases included)
    section_lookup: Mapping[str, str] = field(default_factory=dict)
    #: the interview templates' texts whose prompts count as empty (vault's, built-in)
    templates: tuple[str, ...] = ()

    @cached_property
    def placeholders(self) -> Mapping[str, frozenset[str]]:
        """Canonical section -> normalised lines of the templates' prompt text.

        Worked out on first use, so a run that lints nothing parses no template.
        """
        merged: dict[str, frozenset[str]] = {}
        for text in self.templates:
            template = parse_note("template", text.encode("utf-8"))
            for name, lines in template_placeholders(template, self.section_lookup).items():
                merged[name] = merged.get(name, frozenset()) | lines
        return merged

    def memo(self, note: Note, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, remembered for ``note``: the rules ask for the same note's sections
        and section contents in turn, so only the last note's answers are kept."""
        held = self.__dict__.get("_memo")
        if held is None or held[0] is not note:
            held = (note, {})
            self.__dict__["_memo"] = held
        answers: dict[object, Any] = held[1]
        if key not in answers:
            answers[key] = compute()
        return answers[key]  # type: ignore[no-any-return]

    def sections(self, note: Note) -> tuple[Section, ...]:
        return self.memo(note, "sections", lambda: sections(note, self.section_lookup))


def section_lookup(aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, more in aliases.items():
        for text in (name, *more):
            lookup.setdefault(normalize_heading(text), name)
    return lookup


def normalize_line(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_filler(text: str) -> bool:
    """A line that holds no writing: blank, a bare list marker or an empty checkbox."""
    stripped = text.strip().lstrip(">").strip()
    for marker in ("- [ ]", "* [ ]", "+ [ ]", "-", "*", "+", "1.", "1)"):
        if stripped == marker:
            return True
    return not stripped


def meaningful_lines(note: Note, section: Section, ctx: RuleContext) -> list[tuple[int, str]]:
    """Lines of a section that hold the user's own writing.

    Blank lines, HTML and ``%%`` comments, sub-headings, and the template's prompt text
    do not count (SPEC's definition of an empty section).
    """
    return ctx.memo(
        note, ("meaningful", section.line), lambda: _meaningful_lines(note, section, ctx)
    )


def _meaningful_lines(note: Note, section: Section, ctx: RuleContext) -> list[tuple[int, str]]:
    placeholder = ctx.placeholders.get(section.name or "", frozenset())
    sub_lines = {line for h in section.subsections for line in range(h.line, h.end_line + 1)}
    kept: list[tuple[int, str]] = []
    for number, text in content_lines(note, section.first_line, section.last_line):
        if number in sub_lines or _is_filler(text):
            continue
        if number not in note.code_lines and normalize_line(text) in placeholder:
            continue
        kept.append((number, text))
    return kept


def template_placeholders(template: Note, lookup: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Per canonical section, the normalised lines of the template's own prompt text."""
    found: dict[str, set[str]] = {}
    for section in sections(template, lookup):
        if section.name is None:
            continue
        bucket = found.setdefault(section.name, set())
        for _, text in content_lines(template, section.first_line, section.last_line):
            if text.strip():
                bucket.add(normalize_line(text))
        for sub in section.subsections:
            bucket.add(normalize_line(template.line_text(sub.line)))
    return {name: frozenset(lines) for name, lines in found.items()}

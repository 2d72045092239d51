"""What every rule may read besides the note: the config, as-of, and derived lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from vault_tools.config import Config, normalize_heading
from vault_tools.note import Note, Section, content_lines, parse_note, sections


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

    def sections(self, note: Note) -> tuple[Section, ...]:
        # Every rule asks for the same note's sections in turn: remember the last answer.
        memo = self.__dict__.get("_sections_memo")
        if memo is not None and memo[0] is note:
            return memo[1]  # type: ignore[no-any-return]
        found = sections(note, self.section_lookup)
        self.__dict__["_sections_memo"] = (note, found)
        return found


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

"""VT2xx: the sections each stage of the practice requires."""

from __future__ import annotations

from collections.abc import Iterator

from vault_tools.diagnostics import Finding, Fix, LineEdit, fix_of
from vault_tools.interview import Context, meaningful_lines, status_of
from vault_tools.interview import reflection_without_parts as interview_reflection_without_parts
from vault_tools.note import Note, Section, shorten
from vault_tools.vocabulary import normalize_heading


def _required(note: Note, ctx: Context) -> tuple[str, tuple[str, ...]] | None:
    status = status_of(note)
    if status is None or status not in ctx.config.sections:
        return None
    return status, tuple(ctx.config.sections[status])


def missing_section(note: Note, ctx: Context) -> Iterator[Finding]:
    """A section the note's status requires is missing.

    Required by status (configurable): planned and requested need Objectives; scheduled
    adds Research and Questions; done adds Notes, Takeaways, Reflection and Follow-up.

    Why: each stage of an informational interview has its work: know what you want to
    learn before you ask, research and prepare open questions before the call, and take
    notes, reflect and follow up after it.

    Example: a done note without ``## Takeaways``. Fix: add ``## Takeaways`` with what you
    learned. The finding points at the line where the section belongs.

    Fixable: the heading is added, empty, as the interview template writes it and where
    the template puts it; then fill it in (VT202 reports it empty until you do).
    """
    required = _required(note, ctx)
    if required is None:
        return
    status, names = required
    found = ctx.sections(note)
    present = {s.name for s in found}
    order = list(ctx.section_order)
    headings = dict(ctx.template_headings)
    for name in names:
        if name in present:
            continue
        following = _following(found, order, name)
        heading = headings.get(name, f"## {name}")
        yield Finding(
            following.line if following else max(len(note.lines), 1),
            1,
            f'missing section "{name}" (required when status is {status})',
            _heading_fix(note, following, heading),
        )


def _following(found: tuple[Section, ...], order: list[str], name: str) -> Section | None:
    """The first section that comes after ``name`` in the template's order: ``name``
    belongs before its heading (at the end of the note when there is none)."""
    rank = order.index(name) if name in order else len(order)
    for section in found:
        if section.name in order and order.index(section.name) > rank:
            return section
    return None


def _heading_fix(note: Note, following: Section | None, heading: str) -> Fix:
    """Insert ``heading`` (and the blank lines around it) before ``following``, or at the
    end of the note."""
    if following is not None:
        at = following.line
        lines = [heading, ""]
        if at - 1 >= note.body_start and note.line_text(at - 1).strip():
            lines.insert(0, "")
    else:
        at = len(note.lines) + 1
        lines = [heading]
        if note.lines and note.lines[-1].strip():
            lines.insert(0, "")
    return fix_of(f'add an empty "{shorten(heading)}" heading', [LineEdit(at, 0, tuple(lines))])


def empty_section(note: Note, ctx: Context) -> Iterator[Finding]:
    """A section the note's status requires holds nothing but whitespace, comments
    (``<!-- -->``, ``%% %%``) or the template's prompt text.

    Why: a heading with nothing under it looks done at a glance but holds no objectives,
    notes or reflection to act on.

    Example: ``## Reflection`` followed only by ``<!-- What went well? -->``. Fix: write
    what went well and what to improve.
    """
    required = _required(note, ctx)
    if required is None:
        return
    status, names = required
    by_name: dict[str, list[Section]] = {}
    for section in ctx.sections(note):
        if section.name:
            by_name.setdefault(section.name, []).append(section)
    for name in names:
        copies = by_name.get(name)
        if not copies:
            continue
        if not any(meaningful_lines(note, s, ctx) for s in copies):
            yield Finding(
                copies[0].line,
                1,
                f'section "{name}" is empty (required when status is {status})',
            )


def duplicate_section(note: Note, ctx: Context) -> Iterator[Finding]:
    """A level-2 section heading that appears twice in one note.

    Why: rules, reports and readers take the first one; what is written under the second
    is easy to miss.

    Example: two ``## Objectives`` headings. Fix: merge them into one.
    """
    seen: dict[str, int] = {}
    for section in ctx.sections(note):
        key = section.name or normalize_heading(section.heading.text)
        if not key:
            continue
        if key in seen:
            yield Finding(
                section.line,
                1,
                f'section "{shorten(section.heading.text)}" appears twice '
                f"(first on line {seen[key]})",
            )
        else:
            seen[key] = section.line


def reflection_without_parts(note: Note, ctx: Context) -> Iterator[Finding]:
    """A done note's Reflection holds text but no "went well" or "to improve" part can be
    found.

    A part is a heading below the Reflection (``### What went well``, ``#### To improve``),
    a line that is only a bold or italic label (``**What went well**``, ``*What to
    improve:*``), or a list item that starts with one (``- Went well: kept to time``).

    Why: the digest gathers what went well and what to improve from these parts; a
    reflection written without them silently misses the digest and its recurring themes.

    Example: ``## Reflection`` followed only by ``Good call, but I rambled.`` Fix: put it
    under ``### What went well`` and ``### What to improve`` (or label lines such as
    ``**What went well**``).
    """
    if status_of(note) != "done":
        return
    for section in interview_reflection_without_parts(note, ctx):
        yield Finding(
            section.line,
            1,
            'the Reflection holds text but no "went well" or "to improve" part '
            "(the digest reads none of it)",
        )

"""The messages the practice asks for, drafted from the user's own notes and a template:
the thank-you, the request, the keep-in-touch note (SPEC "draft").

Pure: a parsed note (or a person's notes), the context and as-of in, a ``Draft`` out.
A template is a Markdown file: front matter ``subject``, the body below it, and fields
written ``{{name}}``; a paragraph whose field has nothing to say is left out. Nothing in a
template or a note is run: a field is replaced by text, and that is all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vault_tools.interview import (
    Context,
    PersonNote,
    followup_tasks,
    interview_day,
    mentions_thanks,
    person_of,
    section_items,
    takeaways,
    text_property,
    thank_you_due,
)
from vault_tools.note import Note, person_key
from vault_tools.vocabulary import FOLLOW_UP_SECTION

TEMPLATE_NAMES = {
    "thank-you": "Thank-you.md",
    "request": "Request.md",
    "keep-in-touch": "Keep-in-touch.md",
}

_FIELD = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
_WIKILINK = re.compile(r"\[\[([^\]|#^]+)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]")


@dataclass(frozen=True)
class Draft:
    """A message to send: to whom, its subject and body; and what the user should know
    (sent late, a field the template names that this draft does not have)."""

    kind: str
    person: str
    to: tuple[str, ...]
    subject: str
    body: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


_SUBJECT = re.compile(r"^subject[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.IGNORECASE)


def read_template(note: Note) -> Template:
    """A draft template: its ``subject`` and its body (the lines after the front matter).

    The subject is read off its line: a value holding ``{{fields}}`` is, to the note
    parser, a placeholder, and so absent."""
    subject = ""
    for line in note.lines[1 : max(note.body_start - 2, 1)]:
        if m := _SUBJECT.match(line):
            value = m["value"]
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            subject = value
            break
    body = "\n".join(note.lines[note.body_start - 1 :])
    return Template(subject, body)


def fill(template: Template, fields: Mapping[str, str]) -> tuple[str, str, list[str]]:
    """The subject and body with each ``{{field}}`` replaced; a paragraph holding a field
    with nothing to say is left out, and a field the draft does not know is kept as
    written and named in the warnings."""
    unknown: list[str] = []

    def known(name: str) -> bool:
        if name in fields:
            return True
        if name not in unknown:
            unknown.append(name)
        return False

    def replace(text: str) -> str:
        return _FIELD.sub(lambda m: fields[m[1]] if known(m[1]) else m[0], text)

    paragraphs = re.split(r"\n[ \t]*\n", template.body.strip("\n"))
    kept = [
        replace(p)
        for p in paragraphs
        if all(fields.get(name, "x").strip() for name in _FIELD.findall(p))
    ]
    subject = " ".join(replace(template.subject).split())
    warnings = [
        f"the template's field {{{{{name}}}}} is not one this draft fills" for name in unknown
    ]
    return subject, "\n\n".join(kept) + "\n", warnings


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def spoken_day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def quoted(items: Sequence[str]) -> str:
    return "\n".join(f"- “{item}”" for item in items)


def _common(note: Note, ctx: Context) -> dict[str, str]:
    person = person_of(note) or ""
    return {
        "name": person,
        "first_name": first_name(person),
        "company": text_property(note.get("company")) or "",
        "role": text_property(note.get("role")) or "",
    }


def addresses(note: Note, own: PersonNote | None) -> tuple[str, ...]:
    """Where the draft goes: the note's ``email``, else the person's own note's."""
    written = text_property(note.get("email"))
    if written:
        return (written.strip(),)
    return (own.email,) if own and own.email else ()


def suggested_people(note: Note, ctx: Context, person: str) -> list[str]:
    """The people the note's Notes and Follow-up link to, other than the person: the ones
    they suggested talking to."""
    found: dict[str, str] = {}
    for name in ("Notes", FOLLOW_UP_SECTION):
        for text in section_items(note, ctx, name):
            for match in _WIKILINK.finditer(text):
                who = (match[2] or match[1].rsplit("/", 1)[-1]).strip()
                if who and person_key(who) != person_key(person):
                    found.setdefault(person_key(who), who)
    return list(found.values())


def thank_you(note: Note, ctx: Context, template: Template, own: PersonNote | None) -> Draft:
    """The thank-you for a conversation: its day, one or two takeaways in the user's own
    words, the open Follow-up promises, thanks for introductions; a warning when it goes
    out after the window (``[followups] thank_you_hours``)."""
    fields = _common(note, ctx)
    day = interview_day(note, ctx)
    fields["date"] = spoken_day(day) if day else "[the day you spoke]"
    fields["takeaways"] = quoted(takeaways(note, ctx)[:2])
    promises = [t.text for t in followup_tasks(note, ctx) if t.open and not mentions_thanks(t)]
    fields["promises"] = (
        "As promised, I will follow up on:\n" + "\n".join(f"- {p}" for p in promises)
        if promises
        else ""
    )
    people = suggested_people(note, ctx, fields["name"])
    fields["introductions"] = (
        f"Thank you also for suggesting I talk to {_and(people)}." if people else ""
    )
    subject, body, warnings = fill(template, fields)
    due = thank_you_due(note, ctx)
    if due is not None and ctx.as_of > due:
        late = (ctx.as_of - due).days
        warnings.append(
            f"the thank-you was due by {due} ({ctx.config.thank_you_hours} hours after the "
            f"conversation): {late} day{'s' if late != 1 else ''} late; say so, or send it anyway"
        )
    if day is None:
        warnings.append(f"{note.path} has no date: fill in the day in the draft")
    return Draft("thank-you", fields["name"], addresses(note, own), subject, body, tuple(warnings))


def request(
    note: Note, ctx: Context, template: Template, own: PersonNote | None, slots: Sequence[str]
) -> Draft:
    """The request: what you know of them (Research), why you ask (Objectives), and the
    proposed slots."""
    fields = _common(note, ctx)
    objectives = [item.rstrip(".") for item in section_items(note, ctx, "Objectives")]
    fields["objectives"] = _sentence(objectives)
    research = section_items(note, ctx, "Research")
    fields["research"] = research[0] if research else ""
    fields["slots"] = "\n".join(f"- {slot}" for slot in slots)
    subject, body, warnings = fill(template, fields)
    if not slots:
        warnings.append("no free slot in [availability] hours: the draft proposes none")
    return Draft("request", fields["name"], addresses(note, own), subject, body, tuple(warnings))


def keep_in_touch(
    notes: Sequence[Note], ctx: Context, template: Template, own: PersonNote | None
) -> Draft:
    """A short note referring to the last conversation (the latest done note) and its
    takeaways, with a marked place for the article or update to share."""
    done = [n for n in notes if interview_day(n, ctx) is not None and n.get("status") == "done"]
    done.sort(key=lambda n: (interview_day(n, ctx) or dt.date.min, n.path))
    latest = done[-1] if done else notes[-1]
    fields = _common(latest, ctx)
    day = interview_day(latest, ctx) if done else None
    fields["last_date"] = spoken_day(day) if day else ""
    learned = takeaways(latest, ctx)
    fields["last_takeaway"] = f"“{learned[0]}”" if learned else ""
    subject, body, warnings = fill(template, fields)
    if not done:
        warnings.append("no done conversation with them yet: the draft cannot refer to one")
    return Draft(
        "keep-in-touch", fields["name"], addresses(latest, own), subject, body, tuple(warnings)
    )


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _sentence(items: Sequence[str]) -> str:
    """Items as one sentence: each starting lower-case, joined with commas and "and"."""
    if not items:
        return ""
    parts = [item[:1].lower() + item[1:] for item in items]
    return _and(parts) + "."

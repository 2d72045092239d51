"""The words of the practice: statuses, sections and their aliases, severities, markers.

The bottom layer: every other module may import it; it imports nothing of the package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

STATUSES = ("planned", "requested", "scheduled", "done", "declined", "cancelled")

#: Canonical section names and the aliases every vault gets.
SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "Objectives": ("Goals",),
    "Research": ("Background",),
    "Questions": (),
    "Notes": (),
    "Takeaways": ("Key takeaways", "Learnings"),
    "Reflection": ("Retrospective",),
    "Follow-up": ("Follow up", "Next steps", "Action items"),
}

#: Sections required (and required non-empty) for each status.
REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "planned": ("Objectives",),
    "requested": ("Objectives",),
    "scheduled": ("Objectives", "Research", "Questions"),
    "done": (
        "Objectives",
        "Research",
        "Questions",
        "Notes",
        "Takeaways",
        "Reflection",
        "Follow-up",
    ),
    "declined": (),
    "cancelled": (),
}

#: What ``[rules]`` may set a rule to.
SEVERITIES = ("error", "warning", "off")

#: Front matter ``generated_by`` value of the notes vault-tools writes.
GENERATED_BY = "vault-tools"

#: Front matter key a note silences rules with.
IGNORE_KEY = "vault-tools-ignore"

FOLLOW_UP_SECTION = "Follow-up"

#: The front matter keys of SPEC's schema, spelled as SPEC spells them.
SCHEMA_KEYS = (
    "type",
    "person",
    "company",
    "role",
    "status",
    "requested",
    "date",
    "thank_you_sent",
    "last_contact",
    "follow_up",
    "keep_in_touch",
    "tags",
    "aliases",
    "nudged",
    "email",
    "timezone",
    "introduced_by",
    IGNORE_KEY,
)

#: Each schema key's type and meaning, as SPEC's table gives them: the language server's
#: completion and hover text.
KEY_DOCS: dict[str, tuple[str, str]] = {
    "type": ("text, a link, or a list", "`interview` marks the note as an interview note"),
    "person": (
        'text, or a quoted wikilink `"[[Jane Doe]]"`; a list for several people',
        "who the conversation is with; required",
    ),
    "company": ("text or a quoted link", "where the person works; recommended"),
    "role": ("text or a quoted link", "the person's role; recommended"),
    "status": (
        " · ".join(STATUSES),
        "where the interview stands; required",
    ),
    "requested": ("date (`2026-11-10`)", "when the request was sent"),
    "date": (
        "date or datetime (`2026-11-20T15:00`)",
        "when the interview is or was; required for scheduled and done",
    ),
    "thank_you_sent": ("date", "when the thank-you was sent (due within 24 h)"),
    "last_contact": ("date", "the last contact of any kind (derived when absent)"),
    "follow_up": ("date", "the next contact you have planned"),
    "keep_in_touch": (
        "days as a number, or `90d`, `12w`, `3m`, or `false`/`never`",
        "how often to get back in touch (default 90 days)",
    ),
    "tags": ("a list or a single text", "Obsidian's tags; `interview` marks an interview note"),
    "aliases": ("a list or a single text", "Obsidian's other names for the note"),
    "nudged": ("a date, or a list of dates", "when a reminder about the request was sent"),
    "email": ("text", "where drafts are addressed"),
    "timezone": ("an IANA zone name (`America/New_York`)", "the person's time zone"),
    "introduced_by": ("a person (text or a quoted link)", "who made the introduction"),
    IGNORE_KEY: ("a list of rule codes (`[VT301]`)", "rules this note silences for itself"),
}

#: What each status means, for completion.
STATUS_DOCS: dict[str, str] = {
    "planned": "you mean to ask for the conversation",
    "requested": "the request is sent; a nudge comes due after a week without an answer",
    "scheduled": "a date is agreed: prepare Research and Questions",
    "done": "the conversation happened: notes, takeaways, reflection, follow-up",
    "declined": "they said no; the note makes no follow-ups",
    "cancelled": "it will not happen; the note makes no follow-ups",
}

_NOT_WORD = re.compile(r"[\W_]+")
#: Every Unicode dash (``‐ ‑ ‒ – — ―`` and the minus sign), read as a hyphen.
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
#: Leading decoration: emoji, punctuation, then numbering such as ``4.``, ``2)`` or ``1.2.``.
_LEADING = re.compile(r"^[\W_]*(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)])?")
#: What may follow a section's name when the heading says more (``Questions (TIARA)``).
_SEPARATORS = re.compile(r" \(| - | & | and | / |:")


#: A key longer than this is kept as written: no key of the schema is, and a pasted
#: megabyte-long "key" must cost no copies of itself.
MAX_CANONICAL_KEY = 256


def canonical_key(name: str) -> str:
    """A front matter key as vault-tools reads it: case ignored, and ``_``, ``-`` and a space
    one character (``Thank You Sent``, ``thank-you-sent`` -> ``thank_you_sent``)."""
    if len(name) > MAX_CANONICAL_KEY:
        return name
    key = name.strip()
    if key.islower() and " " not in key and "-" not in key:
        return key  # the everyday spelling, as it is
    return key.casefold().replace(" ", "_").replace("-", "_")


def schema_spelling(key: str) -> str | None:
    """How SPEC spells the schema key whose canonical form is ``key`` (``vault_tools_ignore``
    is ``vault-tools-ignore``); ``None`` for a key of the user's own."""
    return _SPELLINGS.get(key)


def normalize_heading(text: str) -> str:
    """Compare headings ignoring case, surrounding punctuation, emoji and inner spacing."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def heading_candidates(text: str) -> list[str]:
    """The normalised forms a heading may be matched by, the whole heading first.

    SPEC: leading numbering (``4.``, ``2)``) is ignored, any Unicode dash is a hyphen, and a
    heading that starts with a name followed by a separator (`` (``, ``:``, `` - ``,
    `` & ``, `` and ``, `` / ``) is that section: ``Questions (TIARA)``, ``4. Notes``,
    ``Follow-up & next steps``. Only a separator ends a name, so ``Notes to self`` is
    not ``Notes``.
    """
    plain = " ".join(_DASHES.sub("-", text).casefold().split())
    plain = plain[_LEADING.match(plain).end() :].strip()  # type: ignore[union-attr]
    found = [normalize_heading(plain)]
    for match in _SEPARATORS.finditer(plain):
        head = normalize_heading(plain[: match.start()])
        if head and head not in found:
            found.append(head)
    return found


def section_for(text: str, lookup: Mapping[str, str]) -> str | None:
    """The canonical section a heading's text stands for, given normalised name -> section."""
    for candidate in heading_candidates(text):
        name = lookup.get(candidate)
        if name is not None:
            return name
    return None


def canonical_section(heading: str, aliases: Mapping[str, tuple[str, ...]]) -> str | None:
    """The canonical section a heading stands for (``Next steps`` -> ``Follow-up``), if any."""
    lookup: dict[str, str] = {}
    for name, more in aliases.items():
        for text in (name, *more):
            lookup.setdefault(normalize_heading(text), name)
    return section_for(heading, lookup)


_SPELLINGS = {canonical_key(name): name for name in SCHEMA_KEYS}

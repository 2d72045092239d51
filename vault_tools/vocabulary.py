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
    "Follow-up": ("Follow up", "Next steps"),
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

_NOT_WORD = re.compile(r"[\W_]+")
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


def normalize_heading(text: str) -> str:
    """Compare headings ignoring case, surrounding punctuation, emoji and inner spacing."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def canonical_section(heading: str, aliases: Mapping[str, tuple[str, ...]]) -> str | None:
    """The canonical section a heading stands for (``Next steps`` -> ``Follow-up``), if any."""
    wanted = normalize_heading(heading)
    for name, more in aliases.items():
        if wanted == normalize_heading(name) or any(wanted == normalize_heading(a) for a in more):
            return name
    return None

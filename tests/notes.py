"""Note texts shared by tests: a clean note per status, to vary one thing at a time."""

from __future__ import annotations

DONE = """\
---
type: interview
person: "[[Jane Doe]]"
company: Acme Corp
role: Staff Data Engineer
status: done
requested: 2026-11-10
date: 2026-11-20T15:00
thank_you_sent: 2026-11-20
follow_up: 2026-12-15
keep_in_touch: 60d
tags: [interview, data-engineering]
---
# Informational interview with Jane Doe

## Objectives
- Understand how data teams at mid-size fintechs are organised.

## Research
Jane moved from consulting to Acme in 2023.

## Questions
1. How did you decide to leave consulting?
2. What does a typical week look like for your team?

## Notes
Platform team of six; analysts embedded in product squads.

## Takeaways
- Platform teams own the pipelines; analysts own the models.

## Reflection
### What went well
- Asked follow-up questions instead of reading my list.
### What to improve
- Talked too much about my own background.

## Follow-up
- [x] Send thank-you note ✅ 2026-11-20
- [ ] Share the article on data contracts 📅 2026-11-28
"""

SCHEDULED = """\
---
type: interview
person: Ana Souza
company: Beta GmbH
role: Product Analyst
status: scheduled
date: 2026-12-02T09:30
---
## Objectives
- Learn how product analytics works at Beta.

## Research
Ana leads the analytics guild.

## Questions
- What does your team measure first when a feature ships?
- How do you decide what not to measure?
"""

PLANNED = """\
---
type: interview
person: Marcus Lee
company: Gamma
role: Engineering Manager
status: planned
---
## Objectives
- Find out whether a move into management suits me.
"""


def replace(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once; fails loudly when ``old`` is not there."""
    assert old in text, f"{old!r} not in the note"
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the note")

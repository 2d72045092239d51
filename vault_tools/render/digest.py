"""Output formats of ``vault-tools digest``: md (an Obsidian note's body) and json.

The pictures are Mermaid blocks, which Obsidian and GitHub draw natively: a ``pie`` of the
pipeline by status (``showData``: each slice labelled with its count, not only a
percentage), and an ``xychart-beta`` bar chart of interviews held per week. (The
``xychart-beta`` keyword renders from Mermaid 10.6; Obsidian bundles Mermaid 11. The plain
``xychart`` spelling only came with later Mermaid 11 releases, so the beta keyword reaches
more readers.)
"""

from __future__ import annotations

from vault_tools.dates import Period
from vault_tools.render import json_dumps, printable
from vault_tools.render.followups import groups, markdown_item
from vault_tools.render.markdown import wikilink
from vault_tools.reports.digest import Digest, HeldInterview


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"**{count}** {one if count == 1 else (many or one + 's')}"


def _is_week(period: Period) -> bool:
    return ".." not in period.label


def title(period: Period) -> str:
    """``Weekly digest 2026-W47``, or ``Digest 2026-11-01 to 2026-11-15``."""
    if _is_week(period):
        return f"Weekly digest {period.label}"
    return f"Digest {period.start} to {period.end}"


def summary_line(digest: Digest) -> str:
    """The counts in one line: held, requests sent, thank-yous on time, follow-ups due."""
    stats = digest.stats
    if stats.thank_you_due:
        noun = "thank-you" if stats.thank_you_due == 1 else "thank-yous"
        thanks = f"**{stats.thank_you_on_time} of {stats.thank_you_due}** {noun} sent on time"
    else:
        thanks = "no thank-yous due"
    parts = [
        _plural(stats.interviews_held, "interview held", "interviews held"),
        _plural(stats.requests_sent, "request sent", "requests sent"),
        thanks,
        _plural(len(digest.followups.items), "follow-up due", "follow-ups due"),
    ]
    return " · ".join(parts)


def _period_line(digest: Digest) -> str:
    period = digest.period
    days = f"{period.start} to {period.end}"
    if _is_week(period):
        days += " (Monday to Sunday)"
    return f"{days}, as of {digest.as_of}."


def _when(interview: HeldInterview) -> str:
    return interview.when.isoformat().replace("T", " ")


def _interview(interview: HeldInterview) -> list[str]:
    name = interview.person or interview.path.rsplit("/", 1)[-1].removesuffix(".md")
    facts = [wikilink(interview.path)]
    facts += [printable(fact) for fact in (interview.company, interview.role) if fact]
    facts.append(_when(interview))
    lines = ["", f"### {printable(name)}", "", " · ".join(facts), ""]
    if interview.takeaways:
        lines += ["Takeaways:", ""]
        lines += [f"- {printable(text)}" for text in interview.takeaways]
    else:
        lines.append("No takeaways written.")
    return lines


def _reflections(digest: Digest, which: str) -> list[str]:
    lines: list[str] = []
    for interview in digest.interviews:
        items = interview.went_well if which == "went_well" else interview.to_improve
        lines += [f"- {printable(text)} · {wikilink(interview.path)}" for text in items]
    return lines or ["Nothing written."]


def _recurring(digest: Digest) -> list[str]:
    if not digest.recurring:
        return ["None of the improvements above also came up in the four weeks before."]
    lines = ["Improvements that also came up in the four weeks before:", ""]
    for item in digest.recurring:
        earlier = ", ".join(wikilink(path) for path in item.seen_before_in)
        lines.append(f"- {printable(item.text)} · {wikilink(item.path)} · also in {earlier}")
    return lines


def _followups(digest: Digest) -> list[str]:
    report = digest.followups
    if not report.items:
        return [f"Nothing overdue or due by {report.until}."]
    lines = [f"Overdue, or due by {report.until}:"]
    for heading, items in groups(report):
        lines += ["", f"### {heading}", ""]
        lines += [markdown_item(item) for item in items]
    return lines


def pipeline_chart(digest: Digest) -> list[str]:
    """A Mermaid pie of every interview note by status (empty slices left out)."""
    slices = [(status, count) for status, count in digest.pipeline if count]
    if not slices:
        return ["No interview notes yet."]
    lines = ["```mermaid", "pie showData", "    title Pipeline by status"]
    lines += [f'    "{status}" : {count}' for status, count in slices]
    lines.append("```")
    return lines


#: The least top of the bar chart's y-axis. Mermaid picks the ticks of ``0 --> N`` as d3
#: does (about ten "nice" steps of 1, 2 or 5 times a power of ten): from N = 8 on, every step
#: is a whole number, where ``0 --> 3`` would tick 0, 0.2, 0.4 … interviews.
WHOLE_STEPS_TOP = 8


def weekly_chart(digest: Digest) -> list[str]:
    """A Mermaid bar chart of interviews held in each week, oldest first."""
    labels = ", ".join(week.short_label for week in digest.weekly)
    counts = ", ".join(str(week.held) for week in digest.weekly)
    top = max([WHOLE_STEPS_TOP, *(week.held for week in digest.weekly)])
    return [
        "```mermaid",
        "xychart-beta",
        '    title "Interviews held per week"',
        f"    x-axis [{labels}]",
        f'    y-axis "Interviews" 0 --> {top}',
        f"    bar [{counts}]",
        "```",
    ]


def _person_link(name: str) -> str:
    """``[[Jane Doe]]``: Obsidian links to her note (or offers to make one); a name no
    link can hold (``[``, ``]``, ``|``, ``#``, ``^``) is shown as text."""
    shown = printable(name)
    return shown if any(c in shown for c in "[]|#^") else f"[[{shown}]]"


def render_markdown(digest: Digest) -> str:
    """The body of an Obsidian note: counts, the interviews held and what they taught,
    recurring themes, follow-ups due, and two charts. A period without interviews gets a
    short note: its counts, follow-ups and the pipeline."""
    lines = [f"# {title(digest.period)}", "", _period_line(digest), ""]
    if digest.empty:
        lines += [f"No interviews were held in {digest.period.label}.", ""]
    lines.append(summary_line(digest))
    if not digest.empty:
        lines += ["", "## Interviews held"]
        for interview in digest.interviews:
            lines += _interview(interview)
        lines += ["", "## What went well", "", *_reflections(digest, "went_well")]
        lines += ["", "## What to improve", "", *_reflections(digest, "to_improve")]
        lines += ["", "## Recurring themes", "", *_recurring(digest)]
    lines += ["", "## Follow-ups due", "", *_followups(digest)]
    if digest.new_people:
        lines += ["", "## New people met", ""]
        lines += [f"- {_person_link(name)}" for name in digest.new_people]
    if digest.introductions:
        lines += ["", "## Introductions received", ""]
        lines += [
            f"- {_person_link(whom)}, introduced by {_person_link(by)}"
            for by, whom in digest.introductions
        ]
    lines += ["", "## Pipeline", "", *pipeline_chart(digest)]
    if not digest.empty:
        lines += ["", "## Interviews per week", "", *weekly_chart(digest)]
    return "\n".join(lines) + "\n"


def render_json(digest: Digest, ascii_only: bool = False) -> str:
    return json_dumps(digest.to_json(), ascii_only=ascii_only) + "\n"

"""The weekly reflection digest: interview notes' facts and a period in, a ``Digest`` out.

Pure: no printing, no click, no files. SPEC's "digest" section:

* the interviews held in the period (status done, date in the period), with person,
  company, role, takeaways, what went well and what to improve;
* recurring improvements: a to-improve item whose meaning also appears in the interviews
  held in the four weeks (28 days) before the period; meaning is the text with case,
  punctuation, Markdown and a short list of stop words ignored (``improvement_key``);
* counts: interviews held, requests sent (notes whose ``requested`` date falls in the
  period, whatever their status now), and thank-yous sent on time out of those due for
  the interviews held in the period;
* the follow-ups overdue or due in the 7 days after as-of (made by the follow-ups report);
* for the pictures: every interview note by status, and interviews held in each of the
  8 ISO weeks ending with the period's last week.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vault_tools.config import Config
from vault_tools.dates import Period, When, add_days, parse_date, parse_when, week_period
from vault_tools.interview import (
    Context,
    Facts,
    interview_day,
    people_of,
    person_of,
    status_of,
    text_property,
    thank_you_due,
    thank_you_shown,
)
from vault_tools.note import person_key, person_names
from vault_tools.vocabulary import STATUSES

if TYPE_CHECKING:  # the follow-ups report is made by its own module and handed in
    from vault_tools.reports.followups import FollowUpReport

#: SPEC: the follow-ups overdue or due in the 7 days after as-of.
HORIZON_DAYS = 7
#: SPEC: a theme recurs when it also appeared in the four weeks before the period.
LOOKBACK_DAYS = 28
#: The weeks the "interviews per week" chart shows, ending with the period's last week.
CHART_WEEKS = 8
#: The pipeline's bucket for notes whose status is missing or not one of SPEC's.
OTHER_STATUS = "other"

# Words that carry no meaning of their own in a short to-improve item: articles,
# pronouns, auxiliaries and common prepositions. Negations and degree words ("not",
# "too", "more") stay: they change what an item says.
_STOP_WORDS = """
    a an the
    i im ive id me my mine myself we us our ours ourselves you your yours yourself
    he him his she her hers it its they them their theirs this that these those
    and or but so
    am is are was were be been being do does did have has had will would shall should
    can could may might must
    to of in on at for with about from by as into own just really very
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WIKILINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")


def improvement_key(text: str) -> tuple[str, ...]:
    """The words that carry an item's meaning, for comparing items written differently.

    ``"Talked too much about myself."`` and ``"I talked too much about myself"`` both give
    ``("talked", "too", "much")``. Case, punctuation, Markdown (links, emphasis, code
    marks) and ``STOP_WORDS`` are ignored; the order of the remaining words counts.
    """
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _MD_LINK.sub(r"\1", text)
    text = _APOSTROPHE.sub("", text.casefold())
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return tuple(word for word in words if word not in STOP_WORDS)


# --------------------------------------------------------------------------------------------
# Model


@dataclass(frozen=True)
class HeldInterview:
    """An interview held in the period, with what its note says was learned."""

    path: str
    person: str  # "" when the note names nobody
    company: str | None
    role: str | None
    when: When
    takeaways: tuple[str, ...]
    went_well: tuple[str, ...]
    to_improve: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "person": self.person,
            "company": self.company,
            "role": self.role,
            "date": self.when.day.isoformat(),
            "takeaways": list(self.takeaways),
            "went_well": list(self.went_well),
            "to_improve": list(self.to_improve),
        }


@dataclass(frozen=True)
class RecurringImprovement:
    """A to-improve item of the period that earlier notes (by date, then path) also name."""

    text: str
    path: str
    seen_before_in: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "path": self.path, "seen_before_in": list(self.seen_before_in)}


@dataclass(frozen=True)
class DigestStats:
    interviews_held: int
    requests_sent: int
    thank_you_on_time: int
    thank_you_due: int

    def to_json(self) -> dict[str, int]:
        return {
            "interviews_held": self.interviews_held,
            "requests_sent": self.requests_sent,
            "thank_you_on_time": self.thank_you_on_time,
            "thank_you_due": self.thank_you_due,
        }


@dataclass(frozen=True)
class WeekCount:
    """Interviews held in one ISO week."""

    week: Period
    held: int

    @property
    def short_label(self) -> str:
        """``W47``: enough to tell apart the chart's eight weeks."""
        return self.week.label.rpartition("-")[2]

    def to_json(self) -> dict[str, Any]:
        return {"week": self.week.label, "start": self.week.start.isoformat(), "held": self.held}


@dataclass(frozen=True)
class Digest:
    """Everything the digest shows for one period, as of one day."""

    period: Period
    as_of: dt.date
    stats: DigestStats
    interviews: tuple[HeldInterview, ...]
    recurring: tuple[RecurringImprovement, ...]
    followups: FollowUpReport
    pipeline: tuple[tuple[str, int], ...]  # (status, count): SPEC's statuses, then "other"
    weekly: tuple[WeekCount, ...]  # oldest first
    #: people whose first conversation was held in the period
    new_people: tuple[str, ...] = ()
    #: (who introduced, whom) for each person whose first note (a request or a
    #: conversation) falls in the period and who came through an introduction
    introductions: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        """No interview was held in the period."""
        return not self.interviews

    def to_json(self) -> dict[str, Any]:
        """SPEC's shape; ``as_of``, ``pipeline`` and ``weekly`` are additions."""
        return {
            "version": 1,
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "stats": self.stats.to_json(),
            "interviews": [interview.to_json() for interview in self.interviews],
            "recurring_improvements": [item.to_json() for item in self.recurring],
            "followups": [item.to_json() for item in self.followups.items],
            "as_of": self.as_of.isoformat(),
            "pipeline": dict(self.pipeline),
            "weekly": [week.to_json() for week in self.weekly],
            "new_people": list(self.new_people),
            "introductions_received": [
                {"person": whom, "introduced_by": by} for by, whom in self.introductions
            ],
        }


# --------------------------------------------------------------------------------------------
# Building it


def held_when(note: Facts, ctx: Context) -> When | None:
    """When a done interview was held; ``None`` for a note that is not a dated done one."""
    if status_of(note) != "done":
        return None
    return parse_when(note.get("date"), ctx.tz)


def _held(note: Facts, ctx: Context, when: When) -> HeldInterview:
    return HeldInterview(
        path=note.path,
        person=person_of(note) or "",
        company=text_property(note.get("company")),
        role=text_property(note.get("role")),
        when=when,
        takeaways=note.takeaways,
        went_well=note.went_well,
        to_improve=note.to_improve,
    )


def _recurring(
    interviews: Iterable[HeldInterview],
    earlier: Iterable[tuple[When, Facts]],
) -> list[RecurringImprovement]:
    seen: dict[tuple[str, ...], list[str]] = {}
    for _, note in earlier:  # in date order
        for text in note.to_improve:
            key = improvement_key(text)
            if key and note.path not in seen.setdefault(key, []):
                seen[key].append(note.path)
    found: list[RecurringImprovement] = []
    for interview in interviews:
        for text in interview.to_improve:
            paths = seen.get(improvement_key(text))
            if paths:
                found.append(RecurringImprovement(text, interview.path, tuple(paths)))
    return found


def _on_time(note: Facts, ctx: Context) -> tuple[bool, bool]:
    """(a thank-you is due for the note, it was sent on or before its due day).

    A thank-you shown only by a done task without a completion date was sent on a day
    the note does not tell: it is not counted as on time.
    """
    due = thank_you_due(note, ctx)
    if due is None:
        return False, False
    shown, day = thank_you_shown(note, ctx)
    return True, bool(shown and day is not None and day <= due)


def _pipeline(notes: Iterable[Facts]) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys(STATUSES, 0)
    other = 0
    for note in notes:
        status = status_of(note)
        if status in counts:
            counts[status] += 1
        else:
            other += 1
    return (*counts.items(), *(((OTHER_STATUS, other),) if other else ()))


def _weeks(period: Period) -> list[Period]:
    """The ``CHART_WEEKS`` ISO weeks ending with the one holding the period's last day
    (fewer at the calendar's start)."""
    last = week_period(period.end)
    weeks = [last]
    while len(weeks) < CHART_WEEKS:
        before = add_days(weeks[0].start, -7)
        if before is None:
            break
        weeks.insert(0, week_period(before))
    return weeks


def _sort_key(pair: tuple[When, Facts]) -> tuple[dt.date, dt.time, str]:
    when, note = pair
    return (when.day, when.time or dt.time.min, note.path)


def build_digest(
    facts: Sequence[Facts],
    ctx: Context,
    period: Period,
    as_of: dt.date,
    followups: FollowUpReport,
) -> Digest:
    """The digest of ``period`` as of ``as_of``.

    ``facts`` are the vault's interview notes' facts; ``ctx`` supplies the config and the
    time zone; ``followups`` is the follow-ups report of the same notes with the digest's
    horizon (``HORIZON_DAYS``).
    """
    readable = [note for note in facts if note.readable]
    dated = sorted(
        ((when, note) for note in readable if (when := held_when(note, ctx)) is not None),
        key=_sort_key,
    )
    in_period = [(when, note) for when, note in dated if when.day in period]
    interviews = tuple(_held(note, ctx, when) for when, note in in_period)

    lookback_end = add_days(period.start, -1)
    lookback_start = add_days(period.start, -LOOKBACK_DAYS) or dt.date.min
    earlier = [
        (when, note)
        for when, note in dated
        if lookback_end is not None and lookback_start <= when.day <= lookback_end
    ]

    thank_yous = [_on_time(note, ctx) for _, note in in_period]
    stats = DigestStats(
        interviews_held=len(interviews),
        requests_sent=sum(
            1 for note in readable if parse_date(note.get("requested"), ctx.tz) in period
        ),
        thank_you_on_time=sum(1 for due, on_time in thank_yous if due and on_time),
        thank_you_due=sum(1 for due, _ in thank_yous if due),
    )
    weekly = tuple(
        WeekCount(week, sum(1 for when, _ in dated if when.day in week)) for week in _weeks(period)
    )
    new_people, introductions = _people_of_period(readable, ctx, period)
    return Digest(
        period=period,
        as_of=as_of,
        stats=stats,
        interviews=interviews,
        recurring=tuple(_recurring(interviews, earlier)),
        followups=followups,
        pipeline=_pipeline(readable),
        weekly=weekly,
        new_people=new_people,
        introductions=introductions,
    )


def _people_of_period(
    notes: Sequence[Facts], ctx: Context, period: Period
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The people met for the first time in the period (their first done conversation),
    and the introductions received in it (a person whose first note falls in it, and who
    was introduced: ``introduced_by`` in a note of theirs or their own note)."""
    first_met: dict[str, tuple[dt.date, str]] = {}
    first_seen: dict[str, tuple[dt.date, str]] = {}
    introducers: dict[str, dict[str, str]] = {}
    for note in notes:
        held = held_when(note, ctx)
        seen = [
            d for d in (parse_date(note.get("requested"), ctx.tz), interview_day(note, ctx)) if d
        ]
        by = person_names(note.get("introduced_by"))
        for name in people_of(note):
            key = person_key(name)
            if held is not None and (key not in first_met or held.day < first_met[key][0]):
                first_met[key] = (held.day, name)
            for day in seen:
                if key not in first_seen or day < first_seen[key][0]:
                    first_seen[key] = (day, name)
            for who in by:
                introducers.setdefault(key, {})[person_key(who)] = who
    for key, own in ctx.persons.items():
        for who in own.introduced_by:
            introducers.setdefault(key, {})[person_key(who)] = who
    met = sorted((day, name) for day, name in first_met.values() if day in period)
    received = sorted(
        (by, name)
        for key, (day, name) in first_seen.items()
        if day in period
        for by in introducers.get(key, {}).values()
    )
    return tuple(name for _, name in met), tuple(received)


def digest_path(config: Config, period: Period) -> str:
    """Where ``--write`` puts the digest: ``Digests/2026-W47.md``; a custom range's note is
    ``Digests/2026-11-01 to 2026-11-15.md`` (no ``..`` in a file name)."""
    name = period.label.replace("..", " to ")
    folder = config.digests_folder.strip("/")
    return f"{folder}/{name}.md" if folder else f"{name}.md"

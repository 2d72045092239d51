"""followups: each kind's due rule and its edges, a note's text in, items out.

Reports read a note's facts: each note is parsed, then read with ``facts_of``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path

import pytest

from vault_tools.config import Config
from vault_tools.interview import Context, Facts, facts_of, make_context
from vault_tools.note import Note, parse_note
from vault_tools.reports.followups import FollowUp, all_followups, due_followups

AS_OF = dt.date(2026, 11, 27)

DONE_BODY = """\
## Research
- Read her post on streaming.

## Questions
1. How did you move into data engineering?
"""


def note(path: str, front: str, body: str = "") -> Note:
    """An interview note from its front matter lines and body."""
    text = f"---\n{textwrap.dedent(front).strip()}\n---\n# Interview\n\n{textwrap.dedent(body)}"
    return parse_note(path, text.encode("utf-8"))


def facts(notes: list[Note], ctx: Context) -> list[Facts]:
    return [facts_of(n, ctx) for n in notes]


def items(
    *notes: Note, as_of: dt.date = AS_OF, config: Config | None = None, root: Path | None = None
) -> list[FollowUp]:
    ctx = make_context(root or Path("/nonexistent-vault"), config or Config(), as_of)
    return all_followups(facts(list(notes), ctx), ctx, as_of)


def brief(found: list[FollowUp]) -> list[tuple[str, str, str | None]]:
    """(kind, person, due) of each item: what a user reads first."""
    return [(i.kind, i.person, i.due.isoformat() if i.due else None) for i in found]


def of_kind(found: list[FollowUp], kind: str) -> list[FollowUp]:
    return [i for i in found if i.kind == kind]


# --------------------------------------------------------------------------------------------
# thank-you


def test_thank_you_due_the_day_after_the_interview() -> None:
    jane = note(
        "Interviews/jane.md",
        """
        person: "[[People/Jane Doe|Jane]]"
        status: done
        date: 2026-11-20T15:00
        """,
    )
    (item,) = of_kind(items(jane), "thank-you")
    assert item.to_json() == {
        "kind": "thank-you",
        "path": "Interviews/jane.md",
        "person": "Jane Doe",
        "due": "2026-11-21",
        "overdue_days": 6,
        "title": "Send a thank-you note to Jane Doe",
    }


def test_thank_you_for_an_interview_at_23_30_is_due_the_next_day() -> None:
    late = note("Interviews/a.md", "person: Jane Doe\nstatus: done\ndate: 2026-11-20T23:30")
    assert brief(of_kind(items(late), "thank-you")) == [("thank-you", "Jane Doe", "2026-11-21")]


def test_thank_you_as_of_its_due_day_is_due_and_zero_days_overdue() -> None:
    jane = note("Interviews/a.md", "person: Jane Doe\nstatus: done\ndate: 2026-11-20T23:30")
    as_of = dt.date(2026, 11, 21)
    (item,) = of_kind(items(jane, as_of=as_of), "thank-you")
    assert item.overdue_days == 0
    # Listed even with a zero-day horizon: due today is due.
    ctx = make_context(Path("/nonexistent-vault"), Config(), as_of)
    assert item in due_followups(facts([jane], ctx), ctx, as_of, horizon_days=0)


@pytest.mark.parametrize(
    ("hours", "due"),
    [
        (0, "2026-11-20"),
        (24, "2026-11-21"),
        (25, "2026-11-22"),
        (36, "2026-11-22"),
        (48, "2026-11-22"),
    ],
)
def test_thank_you_window_is_rounded_up_to_whole_days(hours: int, due: str) -> None:
    jane = note("Interviews/a.md", "person: Jane Doe\nstatus: done\ndate: 2026-11-20T09:00")
    found = of_kind(items(jane, config=Config(thank_you_hours=hours)), "thank-you")
    assert [i.due.isoformat() for i in found if i.due] == [due]


def test_thank_you_sent_makes_no_item() -> None:
    jane = note(
        "Interviews/a.md",
        "person: Jane Doe\nstatus: done\ndate: 2026-11-20\nthank_you_sent: 2026-11-20",
    )
    assert of_kind(items(jane), "thank-you") == []


def test_a_done_follow_up_task_mentioning_thank_shows_the_thank_you() -> None:
    jane = note(
        "Interviews/a.md",
        "person: Jane Doe\nstatus: done\ndate: 2026-11-20",
        "## Follow-up\n- [x] Emailed THANKS to Jane ✅ 2026-11-21\n",
    )
    assert of_kind(items(jane), "thank-you") == []


def test_an_open_or_misplaced_thank_task_does_not_show_the_thank_you() -> None:
    open_task = note(
        "Interviews/a.md",
        "person: Jane Doe\nstatus: done\ndate: 2026-11-20",
        "## Follow-up\n- [ ] Send a thank-you note\n",
    )
    # A done "thank" task outside the Follow-up section is not a follow-up.
    elsewhere = note(
        "Interviews/b.md",
        "person: Ana Souza\nstatus: done\ndate: 2026-11-20",
        "## Notes\n- [x] Thank the organiser ✅ 2026-11-20\n\n## Follow-up\n- [ ] Call\n",
    )
    found = items(open_task, elsewhere)
    assert brief(of_kind(found, "thank-you")) == [
        ("thank-you", "Jane Doe", "2026-11-21"),  # same day: by path
        ("thank-you", "Ana Souza", "2026-11-21"),
    ]
    # The template's undated "Send a thank-you note" is the thank-you item, not a second one.
    assert [i.title for i in of_kind(found, "task")] == ["Call"]


def test_no_thank_you_before_the_interview_is_done_or_without_a_date() -> None:
    scheduled = note("Interviews/a.md", "person: A\nstatus: scheduled\ndate: 2026-11-20")
    undated = note("Interviews/b.md", "person: B\nstatus: done")
    assert of_kind(items(scheduled, undated), "thank-you") == []


# --------------------------------------------------------------------------------------------
# nudge


def test_nudge_is_due_a_week_after_the_request() -> None:
    tobias = note(
        "Interviews/t.md", "person: Tobias Schmidt\nstatus: requested\nrequested: 2026-11-12"
    )
    (item,) = items(tobias)
    assert (item.kind, item.due, item.overdue_days) == ("nudge", dt.date(2026, 11, 19), 8)
    assert "Tobias Schmidt" in item.title


def test_nudge_days_come_from_the_config() -> None:
    tobias = note("Interviews/t.md", "person: Tobias\nstatus: requested\nrequested: 2026-11-12")
    assert brief(items(tobias, config=Config(nudge_days=3))) == [("nudge", "Tobias", "2026-11-15")]


def test_no_nudge_without_a_request_date_or_once_answered() -> None:
    undated = note("Interviews/a.md", "person: A\nstatus: requested")
    answered = note("Interviews/b.md", "person: B\nstatus: planned\nrequested: 2026-11-01")
    assert of_kind(items(undated, answered), "nudge") == []


# --------------------------------------------------------------------------------------------
# prepare


def test_prepare_when_research_is_empty_or_questions_missing() -> None:
    sofia = note(
        "Interviews/s.md",
        "person: Sofia Rossi\nstatus: scheduled\ndate: 2026-12-02T09:30",
        "## Research\n<!-- Who is this person? -->\n\n## Notes\n",
    )
    (item,) = items(sofia)
    assert (item.kind, item.due) == ("prepare", dt.date(2026, 12, 1))  # the day before
    assert item.overdue_days == -4
    assert "Research and Questions" in item.title


def test_template_placeholders_count_as_empty_for_prepare() -> None:
    template_like = note(
        "Interviews/s.md",
        "person: Sofia\nstatus: scheduled\ndate: 2026-12-02",
        "## Research\n- Wrote a post on synthetic data.\n\n## Questions\n1. \n",
    )
    assert [i.title for i in items(template_like)] == [
        "Prepare for the interview with Sofia: write the Questions"
    ]


def test_no_prepare_when_research_and_questions_are_written() -> None:
    ready = note("Interviews/s.md", "person: S\nstatus: scheduled\ndate: 2026-12-02", DONE_BODY)
    assert items(ready) == []


# --------------------------------------------------------------------------------------------
# follow-up and last contact


def test_follow_up_later_than_the_last_contact_is_pending() -> None:
    ana = note(
        "Interviews/ana.md",
        "person: Ana Souza\nstatus: done\ndate: 2026-11-18T10:00\n"
        "thank_you_sent: 2026-11-18\nfollow_up: 2026-12-03",
    )
    assert brief(items(ana)) == [("follow-up", "Ana Souza", "2026-12-03")]


def test_follow_up_earlier_than_a_later_contact_is_not_pending() -> None:
    first = note(
        "Interviews/2026-10-21 Ana.md",
        'person: "[[Ana Souza]]"\nstatus: done\ndate: 2026-10-21\n'
        "thank_you_sent: 2026-10-21\nfollow_up: 2026-11-09\nkeep_in_touch: never",
    )
    # The second conversation (another note, the person written another way) came later.
    second = note(
        "Interviews/2026-11-18 Ana.md",
        "person: ana souza\nstatus: done\ndate: 2026-11-18\nthank_you_sent: 2026-11-18",
    )
    assert items(first, second) == []


def test_follow_up_on_the_day_of_the_last_contact_is_not_pending() -> None:
    ana = note(
        "Interviews/a.md",
        "person: Ana\nstatus: done\ndate: 2026-11-18\nthank_you_sent: 2026-11-20\n"
        "follow_up: 2026-11-20\nkeep_in_touch: never",
    )
    assert items(ana) == []


def test_follow_up_without_any_contact_yet_is_pending() -> None:
    mei = note("Interviews/m.md", "person: Mei Chen\nstatus: planned\nfollow_up: 2026-11-30")
    assert brief(items(mei)) == [("follow-up", "Mei Chen", "2026-11-30")]


# --------------------------------------------------------------------------------------------
# task


def test_open_follow_up_tasks_with_and_without_dates() -> None:
    jane = note(
        "Interviews/jane.md",
        "person: Jane Doe\nstatus: done\ndate: 2026-11-20\nthank_you_sent: 2026-11-20\n"
        "keep_in_touch: never",
        """\
        ## Notes
        - [ ] Not a follow-up 📅 2026-11-28

        ## Next steps
        - [ ] Share the article 📅 2026-11-28
        - [ ] Ask about the meetup
        - [x] Connect on LinkedIn ✅ 2026-11-20
        - [-] Cancelled idea 📅 2026-11-29
        """,
    )
    found = items(jane)
    assert [(i.kind, i.title, i.due) for i in found] == [
        ("task", "Share the article", dt.date(2026, 11, 28)),
        ("task", "Ask about the meetup", None),
    ]
    assert [i.overdue_days for i in found] == [-1, None]
    assert found[0].line == 14  # the task's own line, for editors


def test_dataview_and_emoji_dates_in_one_note() -> None:
    rahul = note(
        "Interviews/r.md",
        "person: Rahul Mehta\nstatus: done\ndate: 2026-11-05\nthank_you_sent: 2026-11-06",
        """\
        ## Follow-up
        - [ ] Try the library 📅 2026-11-28
        - [ ] Send the paper [due:: 2026-11-29]
        - [x] Connect [completion:: 2026-11-25]
        - [x] Share notes ✅ 2026-11-26
        """,
    )
    found = items(rahul)
    assert brief(found) == [
        ("task", "Rahul Mehta", "2026-11-28"),
        ("task", "Rahul Mehta", "2026-11-29"),
        # last contact: the latest completion date (✅ 2026-11-26), plus 90 days
        ("keep-in-touch", "Rahul Mehta", "2027-02-24"),
    ]
    assert [i.title for i in found[:2]] == ["Try the library", "Send the paper"]


def test_a_task_with_an_unreadable_date_is_undated() -> None:
    a = note(
        "Interviews/a.md",
        "person: A\nstatus: planned",
        "## Follow-up\n- [ ] Call back [due:: next week]\n",
    )
    assert brief(items(a)) == [("task", "A", None)]


# --------------------------------------------------------------------------------------------
# keep-in-touch


def test_keep_in_touch_is_due_a_cadence_after_the_last_contact() -> None:
    marcus = note(
        "Interviews/m.md",
        "person: Marcus Lee\nstatus: done\ndate: 2026-08-12\nthank_you_sent: 2026-08-13\n"
        "keep_in_touch: 90d",
    )
    (item,) = items(marcus)
    assert (item.kind, item.due, item.overdue_days) == ("keep-in-touch", dt.date(2026, 11, 11), 16)
    assert "2026-08-13" in item.title


def test_keep_in_touch_default_cadence_comes_from_the_config() -> None:
    marcus = note(
        "Interviews/m.md",
        "person: Marcus\nstatus: done\ndate: 2026-11-01\nthank_you_sent: 2026-11-01",
    )
    assert brief(items(marcus, config=Config(keep_in_touch_days=14))) == [
        ("keep-in-touch", "Marcus", "2026-11-15")
    ]


@pytest.mark.parametrize("never", ["never", "false", "Never"])
def test_keep_in_touch_never(never: str) -> None:
    marcus = note(
        "Interviews/m.md",
        f"person: Marcus\nstatus: done\ndate: 2026-08-12\nthank_you_sent: 2026-08-13\n"
        f"keep_in_touch: {never}",
    )
    assert items(marcus) == []


def test_one_keep_in_touch_per_person_across_name_forms() -> None:
    older = note(
        "Interviews/2026-09-01 Ana.md",
        'person: "[[Ana Souza]]"\nstatus: done\ndate: 2026-09-01\nthank_you_sent: 2026-09-01\n'
        "keep_in_touch: 60d",
    )
    middle = note(
        "Interviews/2026-10-01 Ana.md",
        "person: ana souza\nstatus: done\ndate: 2026-10-01\nthank_you_sent: 2026-10-02",
    )
    latest = note(
        "Interviews/2026-10-20 Ana.md",
        'person: "[[People/Ana Souza|Ana]]"\nstatus: done\ndate: 2026-10-20\n'
        "thank_you_sent: 2026-10-20\nkeep_in_touch: 30d",
    )
    (item,) = items(older, latest, middle)
    assert item.kind == "keep-in-touch"
    assert item.person == "Ana Souza"
    # the most recent note, its cadence (30 days), the latest contact of all three notes
    assert item.path == "Interviews/2026-10-20 Ana.md"
    assert item.due == dt.date(2026, 11, 19)


def test_the_most_recently_set_cadence_applies_when_the_latest_note_sets_none() -> None:
    older = note(
        "Interviews/2026-09-01 Ana.md",
        "person: Ana Souza\nstatus: done\ndate: 2026-09-01\nthank_you_sent: 2026-09-01\n"
        "keep_in_touch: never",
    )
    latest = note(
        "Interviews/2026-10-20 Ana.md",
        'person: "[[Ana Souza]]"\nstatus: done\ndate: 2026-10-20\nthank_you_sent: 2026-10-20',
    )
    assert items(older, latest) == []


def test_a_pending_follow_up_replaces_keep_in_touch() -> None:
    ana = note(
        "Interviews/a.md",
        "person: Ana\nstatus: done\ndate: 2026-08-01\nthank_you_sent: 2026-08-01\n"
        "follow_up: 2027-01-15",
    )
    assert brief(items(ana)) == [("follow-up", "Ana", "2027-01-15")]


def test_no_keep_in_touch_for_someone_never_contacted() -> None:
    mei = note("Interviews/m.md", "person: Mei Chen\nstatus: planned\nkeep_in_touch: 30d")
    assert items(mei) == []


def test_last_contact_key_counts() -> None:
    greta = note(
        "Interviews/g.md",
        "person: Greta\nstatus: requested\nrequested: 2026-11-25\nlast_contact: 2026-10-01\n"
        "keep_in_touch: 4w",
    )
    assert brief(items(greta)) == [
        ("keep-in-touch", "Greta", "2026-10-29"),
        ("nudge", "Greta", "2026-12-02"),
    ]


# --------------------------------------------------------------------------------------------
# declined, cancelled


@pytest.mark.parametrize("status", ["declined", "cancelled", "Cancelled"])
def test_declined_and_cancelled_notes_make_no_items(status: str) -> None:
    david = note(
        "Interviews/d.md",
        f"person: David Okafor\nstatus: {status}\nrequested: 2026-10-30\ndate: 2026-11-02\n"
        "follow_up: 2026-11-30\nlast_contact: 2026-11-02",
        "## Follow-up\n- [ ] Try again in spring 📅 2026-11-28\n",
    )
    assert items(david) == []


def test_a_cancelled_note_does_not_move_the_last_contact() -> None:
    done = note(
        "Interviews/1.md",
        "person: Lee\nstatus: done\ndate: 2026-08-01\nthank_you_sent: 2026-08-01\n"
        "keep_in_touch: 30d",
    )
    cancelled = note("Interviews/2.md", "person: Lee\nstatus: cancelled\nlast_contact: 2026-11-20")
    assert brief(items(done, cancelled)) == [("keep-in-touch", "Lee", "2026-08-31")]


# --------------------------------------------------------------------------------------------
# listing: horizon, order


def test_horizon_edges_and_all() -> None:
    parsed = [
        note("Interviews/a.md", "person: A\nstatus: planned\nfollow_up: 2026-12-04"),
        note("Interviews/b.md", "person: B\nstatus: planned\nfollow_up: 2026-12-05"),
        note("Interviews/c.md", "person: C\nstatus: planned\nfollow_up: 2026-11-27"),
        note("Interviews/d.md", "person: D\nstatus: planned", "## Follow-up\n- [ ] Undated\n"),
    ]
    ctx = make_context(Path("/nonexistent-vault"), Config(), AS_OF)
    notes = facts(parsed, ctx)
    # 7 days: 2026-12-04 is the last day listed; undated tasks always, last.
    assert [i.person for i in due_followups(notes, ctx, AS_OF, 7)] == ["C", "A", "D"]
    assert [i.person for i in due_followups(notes, ctx, AS_OF, 8)] == ["C", "A", "B", "D"]
    # 0 days: only what is due today or overdue.
    assert [i.person for i in due_followups(notes, ctx, AS_OF, 0)] == ["C", "D"]
    assert [i.person for i in due_followups(notes, ctx, AS_OF, 0, include_all=True)] == [
        "C",
        "A",
        "B",
        "D",
    ]


def test_overdue_first_then_by_due_date_then_kind() -> None:
    notes = [
        note("Interviews/z.md", "person: Zoe\nstatus: planned\nfollow_up: 2026-11-21"),
        note("Interviews/y.md", "person: Yan\nstatus: done\ndate: 2026-11-20T15:00"),
        note("Interviews/x.md", "person: Xia\nstatus: requested\nrequested: 2026-11-01"),
        note("Interviews/w.md", "person: Wim\nstatus: planned\nfollow_up: 2026-11-29"),
    ]
    found = items(*notes)
    assert [(i.kind, i.person) for i in found] == [
        ("nudge", "Xia"),  # 2026-11-08
        ("thank-you", "Yan"),  # 2026-11-21, before a follow-up due the same day
        ("follow-up", "Zoe"),  # 2026-11-21
        ("follow-up", "Wim"),  # 2026-11-29, not yet due
        ("keep-in-touch", "Yan"),  # 2027-02-18
    ]


def test_a_note_without_a_person_still_gets_its_items() -> None:
    tom = note("Interviews/tom.md", "status: requested\nrequested: 2026-11-23")
    (item,) = items(tom)
    assert (item.kind, item.person, item.title) == ("nudge", "", "Nudge: no reply since 2026-11-23")


def test_follow_up_json_has_spec_keys_in_order() -> None:
    item = FollowUp("task", "Interviews/a.md", "A", None, "Call", None)
    assert list(item.to_json()) == ["kind", "path", "person", "due", "overdue_days", "title"]
    assert dataclasses.replace(item, due=AS_OF, overdue_days=0).to_json()["due"] == "2026-11-27"


def test_an_offset_timestamp_counts_in_the_vaults_time_zone() -> None:
    # 23:30 UTC is already the next day in Berlin: the thank-you is due the day after that.
    late = note("Interviews/a.md", "person: Jane\nstatus: done\ndate: 2026-11-20T23:30:00+00:00")
    found = items(late, config=Config(timezone="Europe/Berlin"))
    assert brief(of_kind(found, "thank-you")) == [("thank-you", "Jane", "2026-11-22")]


@pytest.mark.parametrize(
    "front",
    [
        "person: [1, 2]\nstatus: done\ndate: 2026-11-20",
        "person: {a: 1}\nstatus: 7\nrequested: 2026-11-01",
        "person: Jane\nstatus: requested\nrequested: 2026-02-30",
        "person: Jane\nstatus: done\ndate: tomorrow\nthank_you_sent: yes",
        "person: Jane\nstatus: done\ndate: 2026-11-20\nkeep_in_touch: 999999999999d",
        "person: Jane\nstatus: done\ndate: 9999-12-31\nfollow_up: 9999-12-31",
        "person: Jane\nstatus: [done]\nfollow_up: [2026-11-30]",
        "person:\nstatus:\n",
    ],
)
def test_odd_values_never_crash(front: str) -> None:
    odd = note("Interviews/odd.md", front, "## Follow-up\n- [ ] X [due:: 2026-13-45]\n- [x]\n")
    for found in (items(odd), items(odd, config=Config(nudge_days=10**9, thank_you_hours=10**9))):
        assert all(
            i.kind in ("thank-you", "nudge", "follow-up", "task", "keep-in-touch") for i in found
        )


def test_a_horizon_past_the_end_of_the_calendar_lists_everything() -> None:
    far = note("Interviews/a.md", "person: A\nstatus: planned\nfollow_up: 9999-12-31")
    ctx = make_context(Path("/nonexistent-vault"), Config(), AS_OF)
    assert len(due_followups(facts([far], ctx), ctx, AS_OF, 10**12)) == 1

"""digest: the period, what a week's notes say, recurring improvements, counts, charts' data.

Pure: notes from text, a fixed as-of, a ``Digest`` out.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import make_vault

from vault_tools import app
from vault_tools.config import Config
from vault_tools.dates import Period, date_range, iso_week, last_complete_week, week_period
from vault_tools.interview import Context as RuleContext
from vault_tools.interview import (
    Reflection,
    facts_of,
    make_context,
    reflection,
    subsection_kind,
    takeaways,
)
from vault_tools.note import Note, parse_note
from vault_tools.reports.digest import Digest, DigestStats, digest_path, improvement_key

AS_OF = dt.date(2026, 11, 27)

# --------------------------------------------------------------------------------------------
# The period: ISO weeks, their year edges, custom ranges


def test_iso_week_is_monday_to_sunday() -> None:
    week = iso_week("2026-W47")
    assert (week.label, week.start, week.end) == (
        "2026-W47",
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    assert iso_week("2026w47") == week  # the spelling is forgiving; the label is not


def test_2026_has_a_week_53_that_ends_in_2027() -> None:
    # 2026 begins on a Thursday, so its ISO year has 53 weeks.
    week = iso_week("2026-W53")
    assert (week.start, week.end) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))


def test_2027_w01_starts_on_the_first_monday_after_2026_w53() -> None:
    assert iso_week("2027-W01").start == dt.date(2027, 1, 4)
    # 1 to 3 January 2027 belong to the ISO year 2026.
    assert week_period(dt.date(2027, 1, 3)).label == "2026-W53"
    assert week_period(dt.date(2027, 1, 4)).label == "2027-W01"


def test_a_week_that_begins_in_the_previous_calendar_year() -> None:
    # 2026-W01 is 2025-12-29 .. 2026-01-04.
    assert iso_week("2026-W01").start == dt.date(2025, 12, 29)
    assert week_period(dt.date(2025, 12, 31)).label == "2026-W01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-W53", "2025 has no week 53; its ISO weeks are W01 to W52"),
        ("2026-W54", "2026 has no week 54; its ISO weeks are W01 to W53"),
        ("2026-W00", "2026 has no week 0; its ISO weeks are W01 to W53"),
        ("0000-W01", "years run from 0001 to 9999"),
        ("2026-47", "is not an ISO week; write it like 2026-W47"),
        ("last week", "is not an ISO week; write it like 2026-W47"),
    ],
)
def test_a_bad_week_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        iso_week(text)


@pytest.mark.parametrize(
    ("as_of", "label"),
    [
        (dt.date(2026, 11, 27), "2026-W47"),  # a Friday
        (dt.date(2026, 11, 23), "2026-W47"),  # Monday: last week just ended
        (dt.date(2026, 11, 22), "2026-W46"),  # Sunday: this week is not over yet
        (dt.date(2027, 1, 5), "2026-W53"),
        (dt.date(2027, 1, 4), "2026-W53"),
        (dt.date(2026, 1, 5), "2026-W01"),
        (dt.date(2026, 1, 4), "2025-W52"),
    ],
)
def test_the_default_is_the_last_complete_week_before_as_of(as_of: dt.date, label: str) -> None:
    week = last_complete_week(as_of)
    assert week.label == label
    assert week.end < as_of
    assert (week.start.isoweekday(), week.end.isoweekday()) == (1, 7)


def test_the_calendars_edges_do_not_crash() -> None:
    assert iso_week("9999-W52").end == dt.date.max  # would be 10000-01-02
    assert week_period(dt.date.min).start == dt.date.min  # 0001-01-01 is a Monday
    assert iso_week("0001-W01").label == "0001-W01"
    with pytest.raises(ValueError, match="no complete ISO week before 0001-01-07"):
        last_complete_week(dt.date(1, 1, 7))
    assert last_complete_week(dt.date(1, 1, 8)).label == "0001-W01"


def test_a_custom_range_is_labelled_by_its_days() -> None:
    period = date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    assert (period.label, period.start, period.end) == (
        "2026-11-01..2026-11-15",
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 15),
    )
    assert dt.date(2026, 11, 15) in period and dt.date(2026, 11, 16) not in period
    assert date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 1)).label == (
        "2026-11-01..2026-11-01"
    )
    with pytest.raises(ValueError, match="ends"):
        date_range(dt.date(2026, 11, 15), dt.date(2026, 11, 1))


# --------------------------------------------------------------------------------------------
# Reading a note: takeaways, what went well, what to improve


def parse(text: str, path: str = "Interviews/note.md") -> Note:
    return parse_note(path, textwrap.dedent(text).encode("utf-8"))


def context(root: Path | None = None, as_of: dt.date = AS_OF) -> RuleContext:
    return make_context(root or Path("/nonexistent-vault"), Config(), as_of)


def test_takeaways_are_the_list_items_without_comments_or_checkboxes() -> None:
    note = parse(
        """\
        ## Key takeaways
        <!-- The three things you will remember a month from now. -->
        Intro text beside a list is not a takeaway.

        - Platform teams own the pipelines;
          analysts own the models.
        * [x] Data contracts again.
        1. Test my SQL.
        %% - a hidden thought %%

        ```
        - code is not a takeaway
        ```

        ## Reflection
        """
    )
    assert takeaways(note, context()) == (
        "Platform teams own the pipelines; analysts own the models.",
        "Data contracts again.",
        "Test my SQL.",
    )


def test_takeaways_without_a_list_are_their_paragraphs() -> None:
    note = parse(
        """\
        ## Takeaways
        Data engineering is as much operations
        as building.

        Contracts matter.
        """
    )
    assert takeaways(note, context()) == (
        "Data engineering is as much operations as building.",
        "Contracts matter.",
    )


def test_empty_or_missing_takeaways_give_nothing() -> None:
    assert takeaways(parse("## Takeaways\n<!-- fill in -->\n\n## Notes\n- x\n"), context()) == ()
    assert takeaways(parse("## Notes\n- x\n"), context()) == ()


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("What went well", "went well"),
        ("Went well ✅", "went well"),
        ("What to improve", "to improve"),
        ("Improvements", "to improve"),
        ("What could have gone better", "to improve"),
        ("What I would do differently", "to improve"),
        ("Went well, could be better", "to improve"),
        ("Other thoughts", None),
    ],
)
def test_reflection_subsections_are_found_by_keyword(heading: str, kind: str | None) -> None:
    assert subsection_kind(heading) == kind


def test_reflection_items_by_subsection() -> None:
    note = parse(
        """\
        ## Reflection
        A line before any subsection belongs to neither.
        ### What went well
        <!-- In how you prepared, asked and listened. -->
        - Asked follow-up questions.
        #### Details
        - Let the silences run.
        ### Other thoughts
        - Not a went-well item.
        ### Next time, do differently
        Talked too much about my own background.

        ## Follow-up
        - [ ] Send the article
        """
    )
    assert reflection(note, context()) == Reflection(
        went_well=("Asked follow-up questions.", "Let the silences run."),
        to_improve=("Talked too much about my own background.",),
    )


def test_reflection_with_level_four_subsections_and_template_prompts(tmp_path: Path) -> None:
    make_vault(
        tmp_path,
        {
            "Templates/Interview.md": (
                "## Reflection\n#### Went well\n- What worked?\n#### To improve\n- What not?\n"
            )
        },
    )
    note = parse(
        """\
        ## Retrospective
        #### Went well
        - What worked?
        - Kept to time.
        #### To improve
        - What not?
        """
    )
    assert reflection(note, context(tmp_path)) == Reflection(("Kept to time.",), ())


def test_a_reflection_of_comments_only_is_empty() -> None:
    note = parse("## Reflection\n<!-- fill in -->\n### What went well\n%% later %%\n")
    assert reflection(note, context()) == Reflection()


# --------------------------------------------------------------------------------------------
# Recurring improvements: the same meaning, written differently


@pytest.mark.parametrize(
    ("now", "before"),
    [
        ("Talked too much about myself.", "I talked too much about myself"),
        ("Talked too much about my own background.", "I talked too much about my own background."),
        ("**Talked** too much — about my background!", "talked TOO much about the background"),
        ("Didn't ask who else to talk to.", "I didn’t ask who else I should talk to"),
        ("Ask [[Ana Souza|Ana]] earlier", "ask Ana earlier."),
    ],
)
def test_improvements_match_ignoring_case_punctuation_and_stop_words(now: str, before: str) -> None:
    assert improvement_key(now) == improvement_key(before) != ()


@pytest.mark.parametrize(
    ("now", "before"),
    [
        ("Talked too much about myself.", "Talked too little about myself."),
        ("Ask more questions.", "Ask fewer questions."),
        ("Did not prepare.", "Did prepare."),
        ("Background first, then questions", "Questions first, then background"),
    ],
)
def test_improvements_with_another_meaning_do_not_match(now: str, before: str) -> None:
    assert improvement_key(now) != improvement_key(before)


def test_an_item_of_stop_words_only_matches_nothing() -> None:
    assert improvement_key("Do it.") == ()


# --------------------------------------------------------------------------------------------
# The digest of a period


W47 = iso_week("2026-W47")


def interview(
    path: str,
    day: str,
    *,
    status: str = "done",
    improve: tuple[str, ...] = (),
    well: tuple[str, ...] = (),
    extra: str = "",
    body: str = "",
) -> Note:
    """A note of an interview on ``day`` with a Reflection; ``extra`` adds front matter."""
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    reflection_text = "## Reflection\n### What went well\n"
    reflection_text += "".join(f"- {line}\n" for line in well)
    reflection_text += "### What to improve\n" + "".join(f"- {line}\n" for line in improve)
    text = (
        f'---\ntype: interview\nperson: "[[{name}]]"\ncompany: Acme\nrole: Engineer\n'
        f"status: {status}\ndate: {day}\n{extra}---\n# {name}\n\n"
        f"## Takeaways\n- Learned something from {name}.\n\n{reflection_text}\n{body}"
    )
    return parse_note(path, text.encode("utf-8"))


def digest_of(
    *notes: Note,
    period: Period = W47,
    as_of: dt.date = AS_OF,
    config: Config | None = None,
) -> Digest:
    ctx = make_context(Path("/nonexistent-vault"), config or Config(), as_of)
    return app.digest_of([facts_of(n, ctx) for n in notes], ctx, period)


def test_interviews_held_are_done_notes_dated_in_the_period_in_time_order() -> None:
    found = digest_of(
        interview("Interviews/Jane.md", "2026-11-20T15:00", well=("Listened.",)),
        interview("Interviews/Karim.md", "2026-11-20T11:00"),
        interview("Interviews/Ana.md", "2026-11-16"),  # Monday: in
        interview("Interviews/Sunday.md", "2026-11-22T23:30"),  # Sunday night: in
        interview("Interviews/Before.md", "2026-11-15T23:59"),
        interview("Interviews/After.md", "2026-11-23"),
        interview("Interviews/Planned.md", "2026-11-18", status="planned"),
        interview("Interviews/Scheduled.md", "2026-11-18", status="scheduled"),
    )
    assert [i.path for i in found.interviews] == [
        "Interviews/Ana.md",
        "Interviews/Karim.md",
        "Interviews/Jane.md",
        "Interviews/Sunday.md",
    ]
    jane = found.interviews[2].to_json()
    assert jane == {
        "path": "Interviews/Jane.md",
        "person": "Jane",
        "company": "Acme",
        "role": "Engineer",
        "date": "2026-11-20",
        "takeaways": ["Learned something from Jane."],
        "went_well": ["Listened."],
        "to_improve": [],
    }
    assert found.stats.interviews_held == 4


def test_an_interview_timestamp_is_read_in_the_vaults_time_zone() -> None:
    late = interview("Interviews/Late.md", "2026-11-22T23:30:00Z")  # Monday 00:30 in Berlin
    assert digest_of(late, config=Config(timezone="Europe/Berlin")).empty
    assert not digest_of(late, config=Config(timezone="UTC")).empty


def test_a_recurring_improvement_names_the_earlier_notes() -> None:
    found = digest_of(
        interview("Interviews/Jane.md", "2026-11-20", improve=("Talked too much about myself.",)),
        interview("Interviews/Ana.md", "2026-10-21", improve=("I talked too much about myself",)),
        interview("Interviews/Rahul.md", "2026-11-05", improve=("Talked too MUCH about myself!",)),
        # 29 days before the period: too long ago to count.
        interview("Interviews/Old.md", "2026-10-18", improve=("Talked too much about myself.",)),
        # In the period itself: not "before".
        interview("Interviews/Karim.md", "2026-11-19", improve=("Talked too much about myself",)),
        # Not held (planned): its reflection does not count.
        interview(
            "Interviews/Plan.md",
            "2026-11-02",
            status="planned",
            improve=("Talked too much about myself",),
        ),
    )
    assert [r.to_json() for r in found.recurring] == [
        {
            "text": "Talked too much about myself",
            "path": "Interviews/Karim.md",
            "seen_before_in": ["Interviews/Ana.md", "Interviews/Rahul.md"],
        },
        {
            "text": "Talked too much about myself.",
            "path": "Interviews/Jane.md",
            "seen_before_in": ["Interviews/Ana.md", "Interviews/Rahul.md"],
        },
    ]


def test_the_lookback_is_the_four_weeks_before_the_period() -> None:
    def recurs(earlier_day: str) -> bool:
        return bool(
            digest_of(
                interview("Interviews/Now.md", "2026-11-18", improve=("Slow down.",)),
                interview("Interviews/Then.md", earlier_day, improve=("slow down",)),
            ).recurring
        )

    assert recurs("2026-11-15")  # the day before
    assert recurs("2026-10-19")  # 28 days before: Monday of 2026-W43
    assert not recurs("2026-10-18")


def test_counts_requests_sent_in_the_period_whatever_their_status_now() -> None:
    def requested(path: str, day: str, status: str) -> Note:
        text = f"---\nperson: X\nstatus: {status}\nrequested: {day}\n---\n# X\n"
        return parse_note(path, text.encode("utf-8"))

    found = digest_of(
        requested("Interviews/a.md", "2026-11-16", "requested"),
        requested("Interviews/b.md", "2026-11-22", "declined"),
        requested("Interviews/c.md", "2026-11-17", "done"),
        requested("Interviews/d.md", "2026-11-23", "requested"),
        requested("Interviews/e.md", "not a date", "requested"),
    )
    assert found.stats.requests_sent == 3


def test_thank_yous_on_time_out_of_those_due_for_the_interviews_held() -> None:
    found = digest_of(
        # Sent the same day: on time.
        interview("Interviews/a.md", "2026-11-18T15:00", extra="thank_you_sent: 2026-11-18\n"),
        # Sent the next day (the 24-hour rule's due day): on time.
        interview("Interviews/b.md", "2026-11-18T23:30", extra="thank_you_sent: 2026-11-19\n"),
        # A done Follow-up task with its completion date: on time.
        interview(
            "Interviews/c.md",
            "2026-11-19",
            body="## Follow-up\n- [x] Send thank-you note ✅ 2026-11-20\n",
        ),
        # Two days later: late.
        interview("Interviews/d.md", "2026-11-19", extra="thank_you_sent: 2026-11-21\n"),
        # Ticked without a date: sent, on a day the note does not tell.
        interview("Interviews/e.md", "2026-11-20", body="## Follow-up\n- [x] Thank Jane\n"),
        # Not sent.
        interview("Interviews/f.md", "2026-11-20"),
        # Outside the period: not counted at all.
        interview("Interviews/g.md", "2026-11-10", extra="thank_you_sent: 2026-11-10\n"),
    )
    assert found.stats.to_json() == {
        "interviews_held": 6,
        "requests_sent": 0,
        "thank_you_on_time": 3,
        "thank_you_due": 6,
    }


def test_the_thank_you_window_comes_from_the_config() -> None:
    note = interview("Interviews/a.md", "2026-11-18", extra="thank_you_sent: 2026-11-20\n")
    assert digest_of(note).stats.thank_you_on_time == 0
    relaxed = Config(thank_you_hours=48)
    assert digest_of(note, config=relaxed).stats.thank_you_on_time == 1


def test_followups_are_those_overdue_or_due_within_seven_days_of_as_of() -> None:
    found = digest_of(
        interview(
            "Interviews/a.md",
            "2026-11-18",
            extra="thank_you_sent: 2026-11-18\n",
            body=(
                "## Follow-up\n"
                "- [ ] Overdue 📅 2026-11-20\n"
                "- [ ] Today 📅 2026-11-27\n"
                "- [ ] Last day 📅 2026-12-04\n"
                "- [ ] Too far 📅 2026-12-05\n"
                "- [ ] Some day\n"
            ),
        )
    )
    titles = [(i.title, i.due.isoformat() if i.due else None) for i in found.followups.items]
    assert titles == [
        ("Overdue", "2026-11-20"),
        ("Today", "2026-11-27"),
        ("Last day", "2026-12-04"),
        ("Some day", None),  # undated tasks are listed, as the followups report does
    ]
    assert found.followups.horizon_days == 7


def test_the_pipeline_counts_every_interview_note_by_status() -> None:
    notes = [
        interview("Interviews/a.md", "2026-11-18"),
        interview("Interviews/b.md", "2026-11-01"),
        interview("Interviews/c.md", "2026-12-01", status="scheduled"),
        interview("Interviews/d.md", "2026-12-01", status="Planned"),
    ]
    assert dict(digest_of(*notes).pipeline) == {
        "planned": 1,
        "requested": 0,
        "scheduled": 1,
        "done": 2,
        "declined": 0,
        "cancelled": 0,
    }
    odd = interview("Interviews/e.md", "2026-12-01", status="waiting")
    none = parse_note("Interviews/f.md", b"# no front matter\n")
    assert dict(digest_of(*notes, odd, none).pipeline)["other"] == 2


def test_interviews_per_week_over_the_eight_weeks_ending_with_the_period() -> None:
    found = digest_of(
        interview("Interviews/a.md", "2026-11-18"),
        interview("Interviews/b.md", "2026-11-20"),
        interview("Interviews/c.md", "2026-11-05"),
        interview("Interviews/d.md", "2026-09-28"),  # Monday of 2026-W40: the first week
        interview("Interviews/e.md", "2026-09-27"),  # before the chart
        interview("Interviews/f.md", "2026-11-23"),  # after the period
    )
    assert [(w.short_label, w.held) for w in found.weekly] == [
        ("W40", 1),
        ("W41", 0),
        ("W42", 0),
        ("W43", 0),
        ("W44", 0),
        ("W45", 1),
        ("W46", 0),
        ("W47", 2),
    ]
    assert found.weekly[0].to_json() == {"week": "2026-W40", "start": "2026-09-28", "held": 1}


def test_the_weekly_chart_crosses_the_iso_year_edge() -> None:
    found = digest_of(
        interview("Interviews/a.md", "2027-01-02"),  # Saturday of 2026-W53
        period=iso_week("2027-W01"),
        as_of=dt.date(2027, 1, 11),
    )
    assert [w.week.label for w in found.weekly] == [
        "2026-W46",
        "2026-W47",
        "2026-W48",
        "2026-W49",
        "2026-W50",
        "2026-W51",
        "2026-W52",
        "2026-W53",
        "2027-W01",
    ][1:]
    assert [w.held for w in found.weekly][-2:] == [1, 0]


def test_a_custom_range_charts_the_weeks_up_to_its_last_day() -> None:
    period = date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 18))
    found = digest_of(interview("Interviews/a.md", "2026-11-02"), period=period)
    assert found.weekly[-1].week.label == "2026-W47"
    assert found.stats.interviews_held == 1


def test_an_empty_week_is_an_empty_digest_with_its_counts() -> None:
    found = digest_of(
        interview("Interviews/a.md", "2026-11-18"),
        period=iso_week("2026-W48"),
    )
    assert found.empty
    assert found.stats == DigestStats(0, 0, 0, 0)
    assert found.recurring == ()
    assert dict(found.pipeline)["done"] == 1


#: SPEC's digest JSON keys, in SPEC's order.
SPEC_KEYS = ("version", "period", "stats", "interviews", "recurring_improvements", "followups")


def test_json_has_specs_keys_and_only_adds_to_them() -> None:
    data = digest_of(interview("Interviews/a.md", "2026-11-18")).to_json()
    assert list(data)[:6] == list(SPEC_KEYS)
    assert data["version"] == 1
    assert data["period"] == {"label": "2026-W47", "start": "2026-11-16", "end": "2026-11-22"}
    assert list(data["stats"]) == [
        "interviews_held",
        "requests_sent",
        "thank_you_on_time",
        "thank_you_due",
    ]
    additions = {"as_of", "pipeline", "weekly", "new_people", "introductions_received"}
    assert set(data) - additions == set(SPEC_KEYS)


@pytest.mark.parametrize(
    "period",
    [
        iso_week("0001-W01"),
        iso_week("9999-W52"),
        date_range(dt.date.min, dt.date.max),
    ],
    ids=["first-week", "last-week", "everything"],
)
def test_the_calendars_edges_never_crash(period: Period) -> None:
    notes = [
        interview("Interviews/a.md", "0001-01-01", improve=("x y",)),
        interview("Interviews/b.md", "9999-12-31", improve=("x y",)),
    ]
    for as_of in (dt.date.min, dt.date.max):
        found = digest_of(*notes, period=period, as_of=as_of)
        assert 1 <= len(found.weekly) <= 8
        found.to_json()


def test_the_digest_note_path_comes_from_the_config_and_has_no_dots() -> None:
    assert digest_path(Config(), W47) == "Digests/2026-W47.md"
    custom = date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    assert digest_path(Config(digests_folder="Reviews/Weekly"), custom) == (
        "Reviews/Weekly/2026-11-01 to 2026-11-15.md"
    )
    assert digest_path(Config(digests_folder=""), W47) == "2026-W47.md"

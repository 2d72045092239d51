"""digest: the period, what a week's notes say, recurring improvements, counts, charts' data.

Pure: notes from text, a fixed as-of, a ``Digest`` out.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import make_vault

from vault_tools.config import Config
from vault_tools.dates import date_range, iso_week, last_complete_week, week_period
from vault_tools.linter import make_context
from vault_tools.note import Note, parse_note
from vault_tools.reflection import Reflection, reflection, subsection_kind, takeaways
from vault_tools.rules.context import RuleContext

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

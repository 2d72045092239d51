"""VT1xx: front matter keys, types, values."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import findings
from notes import DONE, PLANNED, SCHEDULED, line_of, replace

from vault_tools.config import Config


def test_vt101_person_missing() -> None:
    text = replace(PLANNED, "person: Marcus Lee\n", "")
    assert findings(text) == [("VT101", 1)]


def test_vt101_empty_status_points_at_its_line() -> None:
    text = replace(PLANNED, "status: planned", "status:")
    assert ("VT101", line_of(text, "status:")) in findings(text)


def test_vt101_date_required_when_done() -> None:
    text = replace(DONE, "date: 2026-11-20T15:00\n", "")
    assert ("VT101", 1) in findings(text)


def test_vt101_date_not_required_when_planned() -> None:
    assert findings(PLANNED) == []


def test_vt102_date_that_is_not_a_date() -> None:
    text = replace(DONE, "follow_up: 2026-12-15", "follow_up: next week")
    assert findings(text) == [("VT102", line_of(text, "follow_up:"))]


def test_vt102_impossible_calendar_date() -> None:
    text = replace(DONE, "follow_up: 2026-12-15", "follow_up: 2026-02-30")
    assert findings(text) == [("VT102", line_of(text, "follow_up:"))]


@pytest.mark.parametrize("value", ["sometimes", "-5", "0", "9x"])
def test_vt102_unreadable_keep_in_touch(value: str) -> None:
    text = replace(DONE, "keep_in_touch: 60d", f"keep_in_touch: {value}")
    assert findings(text) == [("VT102", line_of(text, "keep_in_touch:"))]


@pytest.mark.parametrize("value", ["90", "90d", "12w", "3m", "never", "false"])
def test_keep_in_touch_forms_are_accepted(value: str) -> None:
    assert findings(replace(DONE, "keep_in_touch: 60d", f"keep_in_touch: {value}")) == []


def test_vt102_text_key_holding_a_mapping() -> None:
    text = replace(PLANNED, "role: Engineering Manager", "role: {title: EM}")
    assert findings(text) == [("VT102", line_of(text, "role:"))]


def test_yaml_12_meaning_company_no_is_text() -> None:
    text = replace(PLANNED, "company: Gamma", "company: No")
    assert findings(text) == []


def test_yaml_12_meaning_role_on_call_and_time_are_text() -> None:
    from vault_tools.note import parse_note

    note = parse_note("x.md", b"---\nrole: On call\ntime: 10:00\nn: 019\nflag: yes\n---\n")
    assert note.frontmatter == {"role": "On call", "time": "10:00", "n": 19, "flag": "yes"}


def test_obsidian_datetime_without_seconds_is_a_date() -> None:
    # PyYAML leaves "2026-11-20T15:00" as a string; it must still count as the date.
    text = replace(DONE, "date: 2026-11-20T15:00", "date: 2026-11-20T15:00")
    assert findings(text) == []
    future = replace(DONE, "date: 2026-11-20T15:00", "date: 2026-11-28T15:00")
    assert ("VT104", line_of(future, "date: 2026-11-28")) in findings(future)


def test_vt103_status_not_allowed() -> None:
    text = replace(PLANNED, "status: planned", "status: waiting")
    assert findings(text) == [("VT103", line_of(text, "status:"))]


def test_status_is_case_insensitive() -> None:
    assert findings(replace(PLANNED, "status: planned", "status: Planned")) == []


def test_vt104_thank_you_before_the_interview() -> None:
    text = replace(DONE, "thank_you_sent: 2026-11-20", "thank_you_sent: 2026-11-19")
    assert findings(text) == [("VT104", line_of(text, "thank_you_sent:"))]


def test_vt104_thank_you_on_the_interview_day_is_fine() -> None:
    # A 15:00 interview and a thank-you dated the same day: calendar days compare equal.
    assert findings(DONE) == []


def test_vt104_done_with_a_future_date() -> None:
    assert findings(DONE, as_of=dt.date(2026, 11, 19)) == [("VT104", line_of(DONE, "date:"))]


def test_vt104_scheduled_with_a_past_date() -> None:
    assert findings(SCHEDULED, as_of=dt.date(2026, 12, 3)) == [
        ("VT104", line_of(SCHEDULED, "date:"))
    ]
    assert findings(SCHEDULED, as_of=dt.date(2026, 12, 2)) == []


def test_vt105_unquoted_wikilink_still_names_the_person() -> None:
    from vault_tools.note import parse_note, person_name

    text = replace(PLANNED, "person: Marcus Lee", "person: [[People/Marcus Lee|Marcus]]")
    assert findings(text) == [("VT105", line_of(text, "person:"))]
    assert person_name(parse_note("x.md", text.encode()).get("person")) == "Marcus Lee"


def test_vt106_company_and_role_missing() -> None:
    text = replace(replace(PLANNED, "company: Gamma\n", ""), "role: Engineering Manager\n", "")
    assert findings(text) == [("VT106", 1), ("VT106", 1)]


def test_vt107_duplicate_key() -> None:
    text = replace(PLANNED, "status: planned", "status: planned\nstatus: requested")
    assert findings(text) == [("VT107", line_of(text, "status: requested"))]


def test_tabs_in_yaml_are_a_vt001_not_a_crash() -> None:
    text = replace(PLANNED, "role: Engineering Manager", "role:\n\t- EM")
    assert [code for code, _ in findings(text)] == ["VT001"]


def test_vault_tools_ignore_silences_rules_for_one_note() -> None:
    text = replace(replace(PLANNED, "company: Gamma\n", ""), "role: Engineering Manager\n", "")
    silenced = replace(text, "status: planned", "status: planned\nvault-tools-ignore: [VT106]")
    assert findings(silenced) == []
    as_text = replace(text, "status: planned", "status: planned\nvault-tools-ignore: vt106")
    assert findings(as_text) == []


def test_config_can_turn_a_rule_off_or_change_its_severity() -> None:
    from vault_tools.interview import make_context
    from vault_tools.linter import lint_note
    from vault_tools.note import parse_note

    text = replace(PLANNED, "company: Gamma\n", "")
    note = parse_note("Interviews/a.md", text.encode())
    ctx = make_context(
        __import__("pathlib").Path("/none"), Config(rules={"VT106": "error"}), dt.date(2026, 11, 27)
    )
    assert [(d.rule, d.severity) for d in lint_note(note, ctx)] == [("VT106", "error")]
    off = make_context(
        __import__("pathlib").Path("/none"), Config(rules={"VT106": "off"}), dt.date(2026, 11, 27)
    )
    assert lint_note(note, off) == []


def test_vt105_in_a_list_of_links() -> None:
    block = replace(PLANNED, "status: planned", "status: planned\nrelated:\n  - [[Ana Souza]]")
    assert findings(block) == [("VT105", line_of(block, "related:"))]
    flow = replace(PLANNED, "status: planned", "status: planned\nrelated: [[[Ana]], [[Bo]]]")
    assert findings(flow) == [("VT105", line_of(flow, "related:"))]
    quoted = replace(PLANNED, "status: planned", 'status: planned\nrelated: ["[[Ana]]"]')
    assert findings(quoted) == []

"""``vault-tools followups`` and ``vault-tools index`` end to end: formats, exit codes, writes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import make_vault, unstamped

from vault_tools.cli import cli, use_color
from vault_tools.render import followups as render
from vault_tools.reports.followups import FollowUpReport

AS_OF = "2026-11-27"

JANE = """\
---
type: interview
person: "[[People/Jane Doe|Jane]]"
company: Brightline Mobility
role: Staff Data Engineer
status: done
date: 2026-11-20T15:00
---
# Informational interview with Jane Doe

## Follow-up
- [x] Connect on LinkedIn [completion:: 2026-11-20]
- [ ] Send the article on data contracts [due:: 2026-11-28]
- [ ] Share the talk recording 📅 2026-11-29
- [ ] Ask about the meetup
"""

TOBIAS = """\
---
person: "[[Tobias Schmidt]]"
status: requested
requested: 2026-11-12
---
# Tobias
"""

PRIYA = """\
---
person: Priya Nair
status: requested
requested: 2026-12-01
---
# Priya
"""

DAVID = """\
---
person: David Okafor
status: declined
requested: 2026-10-30
---
# David
"""


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return make_vault(
        tmp_path / "vault",
        {
            ".vault-tools.toml": 'timezone = "Europe/Berlin"\n',
            "Interviews/2026-11-20 Jane Doe.md": JANE,
            "Interviews/2026-11-12 Tobias Schmidt.md": TOBIAS,
            "Interviews/2026-11-24 Priya Nair.md": PRIYA,
            "Interviews/2026-10-30 David Okafor.md": DAVID,
        },
    )


def run(*args: str | Path, env: Mapping[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def followups(vault: Path, *args: str) -> Result:
    return run("followups", "--vault", vault, "--as-of", AS_OF, *args)


# --------------------------------------------------------------------------------------------
# followups: formats


EXPECTED_TEXT = """\
Follow-ups as of 2026-11-27, due through 2026-12-04

Overdue (2)
  2026-11-19  8 days overdue   Tobias Schmidt  Nudge Tobias Schmidt: no reply since 2026-11-12  Interviews/2026-11-12 Tobias Schmidt.md
  2026-11-21  6 days overdue   Jane Doe        Send a thank-you note to Jane Doe                Interviews/2026-11-20 Jane Doe.md

Due soon (2)
  2026-11-28  in 1 day         Jane Doe        Send the article on data contracts               Interviews/2026-11-20 Jane Doe.md
  2026-11-29  in 2 days        Jane Doe        Share the talk recording                         Interviews/2026-11-20 Jane Doe.md

No date (1)
  no date                      Jane Doe        Ask about the meetup                             Interviews/2026-11-20 Jane Doe.md
"""  # noqa: E501


def test_text_groups_overdue_due_soon_and_no_date(sample: Path) -> None:
    result = followups(sample)
    assert (result.exit_code, result.stdout) == (0, EXPECTED_TEXT)
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_text_lines_say_when_who_what_and_where(sample: Path) -> None:
    lines = followups(sample).stdout.splitlines()
    assert lines[:3] == [
        "Follow-ups as of 2026-11-27, due through 2026-12-04",
        "",
        "Overdue (2)",
    ]
    nudge = lines[3].split("  ")
    assert [part.strip() for part in nudge if part.strip()] == [
        "2026-11-19",
        "8 days overdue",
        "Tobias Schmidt",
        "Nudge Tobias Schmidt: no reply since 2026-11-12",
        "Interviews/2026-11-12 Tobias Schmidt.md",
    ]
    assert lines.index("Due soon (2)") < lines.index("No date (1)")
    assert "Priya" not in "\n".join(lines)  # due 2026-12-08, beyond the 7-day horizon
    assert "David" not in "\n".join(lines)  # declined
    assert lines[-1].split()[:2] == ["no", "date"] and "Ask about the meetup" in lines[-1]


def test_text_says_so_when_nothing_is_due(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Interviews/d.md": DAVID})
    result = followups(vault)
    assert (result.exit_code, result.stdout) == (
        0,
        "Nothing to follow up (as of 2026-11-27, due through 2026-12-04).\n",
    )


def test_json_shape_and_order(sample: Path) -> None:
    data = json.loads(followups(sample, "--format", "json").stdout)
    assert (data["version"], data["as_of"], data["horizon_days"]) == (1, AS_OF, 7)
    assert [(i["kind"], i["person"], i["due"], i["overdue_days"]) for i in data["items"]] == [
        ("nudge", "Tobias Schmidt", "2026-11-19", 8),
        ("thank-you", "Jane Doe", "2026-11-21", 6),
        ("task", "Jane Doe", "2026-11-28", -1),
        ("task", "Jane Doe", "2026-11-29", -2),
        ("task", "Jane Doe", None, None),
    ]
    assert data["items"][1] == {
        "kind": "thank-you",
        "path": "Interviews/2026-11-20 Jane Doe.md",
        "person": "Jane Doe",
        "due": "2026-11-21",
        "overdue_days": 6,
        "title": "Send a thank-you note to Jane Doe",
    }


def test_markdown_is_a_note_with_wikilinks(sample: Path) -> None:
    text = followups(sample, "--format", "md").stdout
    assert text.startswith("---\ngenerated_by: vault-tools\ntype: followups\nas_of: 2026-11-27\n")
    assert "## Overdue" in text and "## Due soon" in text and "## No date" in text
    assert "[[Interviews/2026-11-12 Tobias Schmidt|2026-11-12 Tobias Schmidt]]" in text
    assert ".md]]" not in text
    assert "- [ ]" not in text  # not checkboxes: task plugins must not count them


# --------------------------------------------------------------------------------------------
# followups: horizon, --all, --quiet


@pytest.mark.parametrize(
    ("horizon", "last_due"),
    [("0d", "2026-11-21"), ("1d", "2026-11-28"), ("2", "2026-11-29"), ("11d", "2026-12-08")],
)
def test_horizon_includes_its_last_day(sample: Path, horizon: str, last_due: str) -> None:
    data = json.loads(followups(sample, "--horizon", horizon, "--format", "json").stdout)
    dated = [i["due"] for i in data["items"] if i["due"]]
    assert dated[-1] == last_due
    assert data["items"][-1]["due"] is None  # undated tasks are always listed, last


def test_horizon_default_comes_from_the_config(sample: Path) -> None:
    (sample / ".vault-tools.toml").write_text("[followups]\nhorizon_days = 11\n")
    data = json.loads(followups(sample, "--format", "json").stdout)
    assert data["horizon_days"] == 11
    assert "Priya Nair" in [i["person"] for i in data["items"]]


def test_all_lists_everything(sample: Path) -> None:
    data = json.loads(followups(sample, "--all", "--format", "json").stdout)
    kinds = [(i["kind"], i["person"]) for i in data["items"]]
    assert ("nudge", "Priya Nair") in kinds
    assert ("keep-in-touch", "Jane Doe") in kinds  # 2026-11-20 + 90 days
    assert data["all"] is True


def test_bad_horizon_is_a_usage_error(sample: Path) -> None:
    result = followups(sample, "--horizon", "soon")
    assert result.exit_code == 2
    assert "not a duration" in result.stderr
    assert result.stdout == ""


def test_quiet_prints_nothing_at_all_when_nothing_is_due(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Interviews/p.md": PRIYA, "Interviews/d.md": DAVID})
    for fmt in ("text", "md", "json", "ics"):
        result = followups(vault, "--quiet", "--format", fmt)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_prints_the_report_when_something_is_due(sample: Path) -> None:
    assert followups(sample, "--quiet").stdout == followups(sample).stdout


# --------------------------------------------------------------------------------------------
# followups: ics


def _todos(text: str) -> list[Any]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(text)
    return list(calendar.walk("VTODO"))


def test_ics_has_one_all_day_todo_per_dated_item(sample: Path) -> None:
    import datetime as dt

    text = followups(sample, "--format", "ics").stdout
    todos = _todos(text)
    dues = [todo.decoded("due") for todo in todos]
    assert dues == [
        dt.date(2026, 11, 19),
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 28),
        dt.date(2026, 11, 29),
    ]
    assert all(type(d) is dt.date for d in dues)  # all-day: a date, not a datetime
    assert "DUE;VALUE=DATE:20261121" in text
    assert [str(t["summary"]) for t in todos][1] == "Send a thank-you note to Jane Doe"
    assert len({str(t["uid"]) for t in todos}) == 4


def test_ics_uids_are_stable_across_runs_and_date_changes(sample: Path) -> None:
    def uids() -> dict[str, str]:
        text = followups(sample, "--format", "ics", "--all").stdout
        return {str(t["summary"]): str(t["uid"]) for t in _todos(text)}

    first = uids()
    assert uids() == first
    assert (
        followups(sample, "--format", "ics").stdout == followups(sample, "--format", "ics").stdout
    )
    # Moving a task's date updates the same to-do: its UID does not change.
    note = sample / "Interviews/2026-11-20 Jane Doe.md"
    note.write_text(JANE.replace("📅 2026-11-29", "📅 2026-12-01"), encoding="utf-8")
    assert uids() == first


def test_ics_with_nothing_dated_is_an_empty_calendar(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Interviews/d.md": DAVID})
    text = followups(vault, "--format", "ics").stdout
    assert text.startswith("BEGIN:VCALENDAR") and _todos(text) == []


# --------------------------------------------------------------------------------------------
# colour


def test_colour_only_on_a_terminal_without_no_color() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_color(Tty(), {}) is True
    assert use_color(Tty(), {"NO_COLOR": "1"}) is False
    assert use_color(Tty(), {"NO_COLOR": ""}) is True  # no-color.org: set and not empty
    assert use_color(io.StringIO(), {}) is False


def test_coloured_text_differs_only_by_escape_codes() -> None:
    import datetime as dt

    from vault_tools.reports.followups import FollowUp

    item = FollowUp("nudge", "Interviews/t.md", "Tobias", dt.date(2026, 11, 19), "Nudge", 8)
    report = FollowUpReport(dt.date(2026, 11, 27), 7, False, (item,))
    coloured = render.render_text(report, color=True)
    assert "\x1b[31m" in coloured
    import click

    assert click.unstyle(coloured) == render.render_text(report)


# --------------------------------------------------------------------------------------------
# --write: generated notes


def test_write_creates_the_follow_ups_note(sample: Path) -> None:
    result = followups(sample, "--write")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Interviews/Follow-ups.md" in result.stderr
    text = (sample / "Interviews/Follow-ups.md").read_text(encoding="utf-8")
    assert unstamped(text) == followups(sample, "--format", "md").stdout
    assert not list((sample / "Interviews").glob(".*.tmp"))


def test_write_replaces_its_own_note_and_honours_the_config_path(sample: Path) -> None:
    (sample / ".vault-tools.toml").write_text('[output]\nfollowups = "Reports/Due.md"\n')
    assert followups(sample, "--write").exit_code == 0
    first = (sample / "Reports/Due.md").read_text(encoding="utf-8")
    result = run("followups", "--vault", sample, "--as-of", "2026-11-28", "--write")
    assert result.exit_code == 0
    second = (sample / "Reports/Due.md").read_text(encoding="utf-8")
    assert "as_of: 2026-11-27" in first and "as_of: 2026-11-28" in second


def test_write_refuses_to_replace_a_users_note(sample: Path) -> None:
    mine = "\ufeff# Meine Follow-ups\r\n\r\n- Jane anrufen ✅\r\n".encode()
    target = sample / "Interviews/Follow-ups.md"
    target.write_bytes(mine)
    result = followups(sample, "--write")
    assert result.exit_code == 2
    assert "not written by vault-tools" in result.stderr
    assert "choose another path" in result.stderr
    assert target.read_bytes() == mine


def test_index_write_refuses_to_replace_a_users_note(sample: Path) -> None:
    mine = b"---\ntitle: my index\n---\n# Index\n"
    target = sample / "Interviews/Index.md"
    target.write_bytes(mine)
    result = run("index", "--vault", sample, "--as-of", AS_OF, "--write")
    assert result.exit_code == 2
    assert "[output]" in result.stderr
    assert target.read_bytes() == mine


def test_generated_notes_are_skipped_by_check_index_and_reports(sample: Path) -> None:
    before_index = run("index", "--vault", sample, "--format", "json", "--as-of", AS_OF).stdout
    before_due = followups(sample, "--format", "json", "--all").stdout
    # Written where the config says, inside the interview folder, with an interview tag.
    (sample / ".vault-tools.toml").write_text(
        '[output]\nindex = "Interviews/All.md"\nfollowups = "Interviews/Due.md"\n'
    )
    assert run("index", "--vault", sample, "--as-of", AS_OF, "--write").exit_code == 0
    assert followups(sample, "--write").exit_code == 0
    # A generated note from an earlier config still carries the marker: skipped too.
    old = (sample / "Interviews/Due.md").read_text(encoding="utf-8")
    (sample / "Interviews/Old follow-ups.md").write_text(
        old.replace("type: followups", "type: interview")
    )
    assert (
        run("index", "--vault", sample, "--format", "json", "--as-of", AS_OF).stdout == before_index
    )
    assert followups(sample, "--format", "json", "--all").stdout == before_due
    check = run("check", "--vault", sample, "--as-of", AS_OF, "--format", "json")
    checked = json.loads(check.stdout)
    assert checked["notes_checked"] == 4
    assert not any("Due" in d["path"] or "All" in d["path"] for d in checked["diagnostics"])


# --------------------------------------------------------------------------------------------
# index


def test_index_csv_from_the_command_line(sample: Path) -> None:
    result = run("index", "--vault", sample, "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [(r["person"], r["status"], r["next_due_kind"]) for r in rows] == [
        ("David Okafor", "declined", ""),
        ("Tobias Schmidt", "requested", "nudge"),
        ("Jane Doe", "done", "thank-you"),
        ("Priya Nair", "requested", "nudge"),
    ]


def test_index_text_md_and_json(sample: Path) -> None:
    text = run("index", "--vault", sample, "--as-of", AS_OF).stdout
    assert text.splitlines()[0].startswith("Date")
    assert len(text.splitlines()) == 2 + 4
    md = run("index", "--vault", sample, "--as-of", AS_OF, "--format", "md").stdout
    assert md.startswith("---\ngenerated_by: vault-tools\ntype: index\n---\n")
    assert "[[Interviews/2026-11-20 Jane Doe\\|2026-11-20 Jane Doe]]" in md
    data = json.loads(run("index", "--vault", sample, "--format", "json").stdout)
    assert data["version"] == 1 and len(data["notes"]) == 4


def test_help_shows_examples() -> None:
    for command in ("followups", "index"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout
        assert f"vault-tools {command} --" in result.stdout
    assert "--format ics > followups.ics" in run("followups", "--help").stdout

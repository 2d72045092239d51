"""Issue #11 point 13: follow-ups that match the practice.

VT301 only before the interview; ``nudged`` dates, and the nudge counting from the latest
contact about the request. The notes are written as a user writes them: from the
Templater template, with Tasks plugin dates, CRLF and a BOM where Windows editors save so.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import AS_OF, codes, make_vault

from vault_tools.cli import cli

QUESTIONS = """
## Objectives
- Learn how Jane's team hires analysts.

## Research
- Staff data engineer at Acme since 2021.

## Questions
- Do you like working at Acme?
- How did you move from analytics into engineering?
"""

DONE_REST = """
## Notes
- Started with one dbt project.

## Takeaways
- Start from the consumer.

## Reflection
### What went well
- Listened more than I talked.
### What to improve
- Ask about hiring sooner.

## Follow-up
- [x] Send a thank-you note ✅ 2026-11-21
"""


def _note(front: str, body: str) -> str:
    return f"---\n{front.strip()}\n---\n# Informational interview with Jane Doe\n{body}"


def _followups(root: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    command = ["followups", "--all", "--format", "json", "--vault", str(root)]
    command += ["--as-of", AS_OF.isoformat(), *args]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    items: list[dict] = json.loads(result.stdout)["items"]  # type: ignore[type-arg]
    return items


# (a) VT301 only while the questions are still to be asked ----------------------------------


def test_vt301_reports_a_closed_question_before_the_interview() -> None:
    for status in ("planned", "requested", "scheduled"):
        front = f"person: Jane Doe\ncompany: Acme\nrole: Engineer\nstatus: {status}\n"
        front += "date: 2026-12-03\n" if status == "scheduled" else ""
        assert "VT301" in codes(_note(front, QUESTIONS)), status


def test_vt301_is_quiet_once_the_interview_is_done() -> None:
    front = "person: Jane Doe\ncompany: Acme\nrole: Engineer\nstatus: done\ndate: 2026-11-20\n"
    text = _note(front, QUESTIONS + DONE_REST).replace("\n", "\r\n")
    assert "VT301" not in codes("\ufeff" + text)
    assert "VT301" not in codes(_note(front.replace("done", "cancelled"), QUESTIONS))


# (b) nudged dates ---------------------------------------------------------------------------


def _requested(tmp_path: Path, extra: str) -> list[dict]:  # type: ignore[type-arg]
    front = 'person: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\nstatus: requested\n'
    front += "requested: 2026-11-10\n" + extra
    root = make_vault(tmp_path / "vault", {"Interviews/Jane Doe.md": _note(front, QUESTIONS)})
    return [item for item in _followups(root) if item["kind"] == "nudge"]


def test_a_request_never_nudged_is_due_a_week_after_it_was_sent(tmp_path: Path) -> None:
    [nudge] = _requested(tmp_path, "")
    assert (nudge["due"], nudge["overdue_days"]) == ("2026-11-17", 10)


def test_a_recorded_nudge_starts_the_wait_again(tmp_path: Path) -> None:
    [nudge] = _requested(tmp_path, "nudged: 2026-11-24\n")
    assert (nudge["due"], nudge["overdue_days"]) == ("2026-12-01", -4)


def test_the_latest_of_several_nudges_counts(tmp_path: Path) -> None:
    [nudge] = _requested(tmp_path, "nudged:\n  - 2026-11-17\n  - 2026-11-25\n")
    assert nudge["due"] == "2026-12-02"
    assert "2026-11-25" in nudge["title"]


def test_a_later_last_contact_counts_for_the_nudge_too(tmp_path: Path) -> None:
    [nudge] = _requested(tmp_path, "Nudged: 2026-11-17\nlast-contact: 2026-11-26\n")
    assert nudge["due"] == "2026-12-03"


def test_a_nudge_is_a_contact_for_keep_in_touch(tmp_path: Path) -> None:
    front = "person: Jane Doe\ncompany: Acme\nrole: Engineer\nstatus: requested\n"
    front += "requested: 2026-08-01\nnudged: 2026-08-20\n"
    root = make_vault(tmp_path / "vault", {"Interviews/Jane Doe.md": _note(front, QUESTIONS)})
    [keep] = [item for item in _followups(root) if item["kind"] == "keep-in-touch"]
    assert keep["due"] == "2026-11-18"


# (c) prepare the day before; (d) update once the day has passed -----------------------------

UNPREPARED = """
## Objectives
- Learn how Jane's team hires analysts.

## Research

## Questions
- <% tp.file.cursor() %>
"""


def _scheduled(tmp_path: Path, date: str, config: str = "") -> list[dict]:  # type: ignore[type-arg]
    front = "person: Jane Doe\ncompany: Acme\nrole: Engineer\nstatus: scheduled\n"
    front += f"date: {date}\n"
    files = {"Interviews/Jane Doe.md": _note(front, UNPREPARED).replace("\n", "\r\n")}
    if config:
        files[".vault-tools.toml"] = config
    root = make_vault(tmp_path / "vault", files)
    return [item for item in _followups(root) if item["kind"] in ("prepare", "update")]


def test_prepare_is_due_the_day_before_the_interview(tmp_path: Path) -> None:
    [prepare] = _scheduled(tmp_path, "2026-12-03T15:00")
    assert (prepare["kind"], prepare["due"], prepare["overdue_days"]) == (
        "prepare",
        "2026-12-02",
        -5,
    )


def test_prepare_days_sets_how_long_before(tmp_path: Path) -> None:
    [prepare] = _scheduled(tmp_path, "2026-12-03", "[followups]\nprepare_days = 3\n")
    assert prepare["due"] == "2026-11-30"


def test_an_interview_today_still_asks_to_prepare(tmp_path: Path) -> None:
    [prepare] = _scheduled(tmp_path, "2026-11-27T16:30")
    assert (prepare["kind"], prepare["overdue_days"]) == ("prepare", 1)


def test_a_scheduled_interview_in_the_past_asks_for_an_update(tmp_path: Path) -> None:
    [update] = _scheduled(tmp_path, "2026-11-24T10:00")
    assert (update["kind"], update["due"], update["overdue_days"]) == ("update", "2026-11-25", 2)
    assert "mark it done" in update["title"] and "Jane Doe" in update["title"]


def test_a_bad_prepare_days_is_a_config_error(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {".vault-tools.toml": "[followups]\nprepare_days = -1\n"})
    result = CliRunner().invoke(cli, ["followups", "--vault", str(root)])
    assert result.exit_code == 2
    assert "prepare_days" in result.output


# (e) the template's thank-you task, dated or not, is the thank-you item -----------------------

# As Templater leaves the template's Follow-up section: the thank-you task dated the day after
# the interview (Tasks plugin syntax), one other task.
THANKS_OPEN = """
## Follow-up
- [ ] Send a thank-you note to Jane 📅 2026-11-21
- [ ] Share the dbt article she asked for 📅 2026-11-28
"""
THANKS_DONE = """
## Follow-up
- [x] Send a thank-you note to Jane 📅 2026-11-21 ✅ 2026-11-21
- [ ] Share the dbt article she asked for 📅 2026-11-28
"""


def _done(tmp_path: Path, follow_up: str) -> Path:
    front = "person: Jane Doe\ncompany: Acme\nrole: Engineer\nstatus: done\n"
    front += "date: 2026-11-20T15:00\nrequested: 2026-11-06\n"
    body = QUESTIONS + DONE_REST.split("## Follow-up")[0] + follow_up
    text = "\ufeff" + _note(front, body).replace("\n", "\r\n")
    return make_vault(tmp_path / "vault", {"Interviews/2026-11-20 Jane Doe.md": text})


def test_a_dated_thank_you_task_is_listed_once_as_the_thank_you(tmp_path: Path) -> None:
    items = _followups(_done(tmp_path, THANKS_OPEN))
    kinds = [(item["kind"], item["due"]) for item in items if item["kind"] != "keep-in-touch"]
    assert kinds == [("thank-you", "2026-11-21"), ("task", "2026-11-28")]


def _index(root: Path, fmt: str = "json") -> str:
    command = ["index", "--format", fmt, "--vault", str(root), "--as-of", AS_OF.isoformat()]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_index_shows_a_thank_you_sent_by_a_done_task(tmp_path: Path) -> None:
    root = _done(tmp_path, THANKS_DONE)
    [row] = json.loads(_index(root))["notes"]
    assert (row["thank_you_sent"], row["thank_you_shown"]) == ("2026-11-21", True)
    assert "thank-you" not in [item["kind"] for item in _followups(root)]


def test_the_index_shows_an_undated_done_thank_you_task_as_sent(tmp_path: Path) -> None:
    root = _done(tmp_path, "\n## Follow-up\n- [x] Thanked Jane on LinkedIn\n")
    [row] = json.loads(_index(root))["notes"]
    assert (row["thank_you_sent"], row["thank_you_shown"]) == (None, True)
    assert " yes " in _index(root, "text")


def test_the_index_shows_no_thank_you_while_the_task_is_open(tmp_path: Path) -> None:
    [row] = json.loads(_index(_done(tmp_path, THANKS_OPEN)))["notes"]
    assert (row["thank_you_sent"], row["thank_you_shown"]) == (None, False)


# (f) broken notes keep their rows in the index, with their error count ------------------------


def test_a_latin1_note_keeps_its_row_with_its_errors(tmp_path: Path) -> None:
    jane = _note("person: Jane Doe\nstatus: planned\n", QUESTIONS)
    latin1 = jane.replace("Jane Doe", "José Núñez").encode("latin-1")
    bad_yaml = "---\nperson: [Ana\nstatus: planned\n---\n## Objectives\n- Learn.\n"
    root = make_vault(
        tmp_path / "vault",
        {
            "Interviews/Jane Doe.md": jane,
            "Interviews/José Núñez.md": latin1,
            "Interviews/Ana Souza.md": bad_yaml,
        },
    )
    rows = {row["path"]: row for row in json.loads(_index(root))["notes"]}
    assert sorted(rows) == [
        "Interviews/Ana Souza.md",
        "Interviews/Jane Doe.md",
        "Interviews/José Núñez.md",
    ]
    assert rows["Interviews/Jane Doe.md"]["errors"] == 0
    assert rows["Interviews/José Núñez.md"]["errors"] >= 1
    assert rows["Interviews/José Núñez.md"]["person"] is None
    assert rows["Interviews/Ana Souza.md"]["errors"] >= 1
    check = CliRunner().invoke(
        cli, ["check", "--format", "json", "--vault", str(root), "--as-of", AS_OF.isoformat()]
    )
    assert json.loads(check.stdout)["notes_checked"] == len(rows)
    text = _index(root, "text")
    assert "José Núñez.md" in text and "(vault-tools check)" in text


def test_a_nudged_value_that_is_no_date_is_vt102() -> None:
    front = "person: Jane Doe\ncompany: Acme\nrole: Engineer\nstatus: requested\n"
    front += "requested: 2026-11-10\nnudged:\n  - 2026-11-17\n  - last Tuesday\n"
    assert "VT102" in codes(_note(front, QUESTIONS))
    assert "VT102" not in codes(_note(front.replace("last Tuesday", "2026-11-24"), QUESTIONS))

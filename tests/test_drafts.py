"""``vault-tools draft``: what each message says, from the note and the template. The
whole messages on sample_vault are golden files (tests/test_golden.py)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import make_vault

from vault_tools.cli import cli

DONE = """\
---
type: interview
person: "[[Sam Rivera]]"
company: Northwind
role: Head of Data
status: done
date: 2026-11-20T15:00
email: sam@northwind.example
---
## Objectives
- Learn how Sam hires analysts.

## Research
Sam wrote about take-home tasks.

## Questions
1. How do you judge a take-home task?

## Notes
- Clear write-ups matter more than clever SQL.
- Suggested I talk to [[Lea Park]] and [[People/Omar Aziz|Omar]].

## Takeaways
- Write-ups beat clever SQL.
- Ask for feedback on every take-home.
- A third one, not quoted.

## Reflection
### What went well
- Listened.

## Follow-up
- [ ] Send thank-you note
- [ ] Send Sam the article on hiring rubrics 📅 2026-11-28
- [x] Connect on LinkedIn ✅ 2026-11-20
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--vault", str(root)], catch_exceptions=False)


def vault(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    base = {".vault-tools.toml": 'timezone = "Europe/Berlin"\n', "Interviews/sam.md": DONE}
    return make_vault(tmp_path / "v", {**base, **(files or {})})


def test_thank_you_quotes_two_takeaways_promises_and_introductions(tmp_path: Path) -> None:
    root = vault(tmp_path)
    before = (root / "Interviews/sam.md").read_bytes()
    result = run(root, "draft", "thank-you", "Sam Rivera", "--as-of", "2026-11-21")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("To: Sam Rivera <sam@northwind.example>\nSubject: Thank you, Sam\n")
    assert "on Friday 20 November" in out
    assert "- “Write-ups beat clever SQL.”\n- “Ask for feedback on every take-home.”\n" in out
    assert "A third one" not in out
    assert "- Send Sam the article on hiring rubrics\n" in out
    assert "thank-you note" not in out and "LinkedIn" not in out  # the thanks, and done tasks
    assert "Thank you also for suggesting I talk to Lea Park and Omar." in out
    assert result.stderr == ""  # sent in time: no warning
    assert (root / "Interviews/sam.md").read_bytes() == before  # no note is changed


def test_thank_you_after_the_window_warns(tmp_path: Path) -> None:
    result = run(vault(tmp_path), "draft", "thank-you", "Sam Rivera", "--as-of", "2026-11-24")
    assert result.exit_code == 0
    assert "due by 2026-11-21" in result.stderr and "3 days late" in result.stderr


def test_a_paragraph_with_nothing_to_say_is_left_out(tmp_path: Path) -> None:
    note = DONE.replace("- Suggested I talk to [[Lea Park]] and [[People/Omar Aziz|Omar]].\n", "")
    note = note.replace("- [ ] Send Sam the article on hiring rubrics 📅 2026-11-28\n", "")
    root = vault(tmp_path, {"Interviews/sam.md": note})
    out = run(root, "draft", "thank-you", "Sam Rivera", "--as-of", "2026-11-21").stdout
    assert "As promised" not in out and "suggesting" not in out and "{{" not in out


def test_the_vaults_template_is_used_and_an_unknown_field_is_named(tmp_path: Path) -> None:
    template = '---\nsubject: "Thanks, {{first_name}}!"\n---\nDear {{name}}, {{mood}}\n'
    root = vault(tmp_path, {"Templates/Thank-you.md": template})
    result = run(root, "draft", "thank-you", "Sam Rivera", "--as-of", "2026-11-21")
    assert "Subject: Thanks, Sam!\n\nDear Sam Rivera, {{mood}}\n" in result.stdout
    assert "{{mood}}" in result.stderr


def test_the_eml_opens_as_a_draft(tmp_path: Path) -> None:
    result = run(
        vault(tmp_path),
        "draft",
        "thank-you",
        "Sam Rivera",
        "--as-of",
        "2026-11-21",
        "--format",
        "eml",
    )
    message = email.message_from_bytes(result.stdout_bytes, policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == "sam@northwind.example"
    assert "Write-ups beat clever SQL." in message.get_content()


def test_request_proposes_free_slots_on_three_days_in_both_zones(tmp_path: Path) -> None:
    planned = DONE.replace("status: done", "status: planned").replace(
        "date: 2026-11-20T15:00\n", ""
    )
    busy = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a@t\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20261130T090000\r\nDTEND;TZID=Europe/Berlin:20261130T110000\r\n"
        "RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    root = vault(
        tmp_path,
        {
            "Interviews/sam.md": planned,
            "People/Sam Rivera.md": "---\ntimezone: America/New_York\n---\n",
            "busy.ics": busy,
        },
    )
    result = run(
        root,
        "draft",
        "request",
        "Sam Rivera",
        "--as-of",
        "2026-11-27",
        "--busy",
        str(root / "busy.ics"),
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    # Mondays 09:00-11:00 are busy (weekly); the weekend is outside the hours.
    assert "- Mon 30 Nov, 11:00-11:30 your time (05:00-05:30 EST)\n" in out
    assert "- Tue 1 Dec, 09:00-09:30 your time (03:00-03:30 EST)\n" in out
    assert "- Wed 2 Dec, 09:00-09:30 your time (03:00-03:30 EST)\n" in out
    assert "What brought me to you: Sam wrote about take-home tasks." in out
    assert "learn how Sam hires analysts." in out


def test_request_with_a_file_that_is_no_calendar_is_exit_2(tmp_path: Path) -> None:
    root = vault(tmp_path, {"busy.ics": "not a calendar"})
    result = run(
        root,
        "draft",
        "request",
        "Interviews/sam.md",
        "--as-of",
        "2026-11-27",
        "--busy",
        str(root / "busy.ics"),
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_keep_in_touch_refers_to_the_latest_done_conversation(tmp_path: Path) -> None:
    older = DONE.replace("2026-11-20T15:00", "2026-06-01").replace(
        "Write-ups beat clever SQL.", "An older takeaway."
    )
    root = vault(tmp_path, {"Interviews/sam-june.md": older})
    out = run(root, "draft", "keep-in-touch", "Sam Rivera", "--as-of", "2026-12-20").stdout
    assert "our conversation on Friday 20 November, especially “Write-ups beat clever SQL.”" in out
    assert "[Share the article or update here" in out
    assert run(root, "draft", "keep-in-touch", "Nobody", "--as-of", "2026-12-20").exit_code == 2


def test_a_thank_you_without_a_date_marks_the_place_of_the_day(tmp_path: Path) -> None:
    root = vault(tmp_path, {"Interviews/sam.md": DONE.replace("date: 2026-11-20T15:00\n", "")})
    result = run(root, "draft", "thank-you", "Sam Rivera", "--as-of", "2026-11-21")
    assert "talk with me on [the day you spoke]." in result.stdout
    assert "has no date" in result.stderr

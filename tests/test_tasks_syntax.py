"""Issue #11, point 7: Follow-up tasks as Obsidian Tasks reads them.

* Any list marker (``-``, ``*``, ``+``, ``1.``, ``1)``), nested tasks too.
* Due as ``📅``, ``📆`` or ``🗓`` (with or without U+FE0F); a task with no due date but a
  scheduled date (``⏳``) is due then; a start date (``🛫``) alone is no due date.
* ``[x]``/``[X]`` done, ``[-]`` cancelled (neither open nor a contact), every other status
  (``[/]``, ``[>]``, ``[!]``, ``[?]``) open.
* A task's title, wherever it is shown (text, JSON, ICS summary), is its text without the
  Tasks fields, the ``^block-id`` and Dataview fields; so adding a block id or a priority
  to a task (Obsidian adds the id when the task is linked to) keeps its calendar UID.

The notes are written as a user writes them: Templater's front matter, Tasks plugin
syntax, CRLF line endings with a BOM, read through the CLI with a fixed ``--as-of``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import make_vault

from vault_tools.cli import cli

AS_OF = "2026-11-27"
PATH = "Interviews/2026-11-20 Priya Nair.md"

FRONT = """\
---
type: interview
person: "[[Priya Nair]]"
company: "[[Northwind Health]]"
status: done
requested: 2026-11-09
date: 2026-11-20T16:00
thank_you_sent: 2026-11-20
tags: [interview]
---
# Informational interview with Priya Nair

## Objectives
- Learn how Northwind staffs its platform team.

"""


def crlf_bom(text: str) -> bytes:
    """The note as Obsidian on Windows may leave it: CRLF line endings after a BOM."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def vault_with(tmp_path: Path, followup: str, front: str = FRONT) -> Path:
    note = front + "## Follow-up\n" + followup
    return make_vault(
        tmp_path / "vault",
        {".vault-tools.toml": 'timezone = "Europe/Berlin"\n', PATH: crlf_bom(note)},
    )


def items(root: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(
        cli,
        ["followups", "--vault", str(root), "--as-of", AS_OF, "--all", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)["items"]
    return found


def tasks(root: Path) -> list[tuple[str, str | None]]:
    """(title, due) of the task items, in the report's order."""
    return [(i["title"], i["due"]) for i in items(root) if i["kind"] == "task"]


def todos(root: Path) -> dict[str, str]:
    """SUMMARY -> UID of the calendar's to-dos."""
    from icalendar import Calendar

    result = CliRunner().invoke(
        cli,
        ["followups", "--vault", str(root), "--as-of", AS_OF, "--all", "--format", "ics"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(result.stdout)
    return {str(t["SUMMARY"]): str(t["UID"]) for t in calendar.walk("VTODO")}


def test_every_list_marker_and_nested_tasks_are_tasks(tmp_path: Path) -> None:
    root = vault_with(
        tmp_path,
        "- [ ] Dash task 📅 2026-11-28\n"
        "* [ ] Star task 📅 2026-11-29\n"
        "+ [ ] Plus task 📅 2026-11-30\n"
        "1. [ ] Ordered task 📅 2026-12-01\n"
        "2) [ ] Paren task 📅 2026-12-02\n"
        "- Send Priya the links\n"
        "    - [ ] Nested task 📅 2026-12-03\n"
        "\t- [ ] Tab-nested task 📅 2026-12-04\n",
    )
    assert tasks(root) == [
        ("Dash task", "2026-11-28"),
        ("Star task", "2026-11-29"),
        ("Plus task", "2026-11-30"),
        ("Ordered task", "2026-12-01"),
        ("Paren task", "2026-12-02"),
        ("Nested task", "2026-12-03"),
        ("Tab-nested task", "2026-12-04"),
    ]


def test_every_due_emoji_is_a_due_date(tmp_path: Path) -> None:
    root = vault_with(
        tmp_path,
        "- [ ] Calendar 📅 2026-11-28\n"
        "- [ ] Tear-off 📆 2026-11-29\n"
        "- [ ] Spiral 🗓 2026-11-30\n"
        "- [ ] Spiral emoji style 🗓\ufe0f 2026-12-01\n",
    )
    assert tasks(root) == [
        ("Calendar", "2026-11-28"),
        ("Tear-off", "2026-11-29"),
        ("Spiral", "2026-11-30"),
        ("Spiral emoji style", "2026-12-01"),
    ]


def test_scheduled_stands_for_due_only_when_there_is_no_due_date(tmp_path: Path) -> None:
    root = vault_with(
        tmp_path,
        "- [ ] Scheduled only ⏳ 2026-11-29\n"
        "- [ ] Scheduled and due ⏳ 2026-11-28 📅 2026-12-05\n"
        "- [ ] Dataview scheduled [scheduled:: 2026-11-30]\n"
        "- [ ] Started only 🛫 2026-11-25\n",
    )
    assert tasks(root) == [
        ("Scheduled only", "2026-11-29"),
        ("Dataview scheduled", "2026-11-30"),
        ("Scheduled and due", "2026-12-05"),
        ("Started only", None),  # a start date is no due date: undated, listed last
    ]


def test_cancelled_tasks_are_not_listed_and_other_states_are_open(tmp_path: Path) -> None:
    root = vault_with(
        tmp_path,
        "- [-] Cancelled 📅 2026-11-28 ❌ 2026-11-26\n"
        "- [/] In progress 📅 2026-11-29\n"
        "- [>] Forwarded 📅 2026-11-30\n"
        "- [!] Important 📅 2026-12-01\n"
        "- [?] Question 📅 2026-12-02\n"
        "- [x] Done 📅 2026-12-03 ✅ 2026-11-26\n"
        "- [X] Done too 📅 2026-12-04 ✅ 2026-11-26\n",
    )
    assert [title for title, _ in tasks(root)] == [
        "In progress",
        "Forwarded",
        "Important",
        "Question",
    ]


def test_a_cancelled_thank_you_task_is_no_thank_you(tmp_path: Path) -> None:
    front = FRONT.replace("thank_you_sent: 2026-11-20\n", "")
    root = vault_with(tmp_path, "- [-] Send Priya a thank-you note ✅ 2026-11-21\n", front)
    found = [(i["kind"], i["due"]) for i in items(root)]
    assert ("thank-you", "2026-11-21") in found  # still owed: a cancelled task sent nothing
    # ... and a cancelled task is no contact: keep-in-touch counts from the interview day.
    assert ("keep-in-touch", "2027-02-18") in found


TITLED = (
    "- [ ] Send Priya the on-call article 📅 2026-11-28 ^on-call-article\n"
    "- [ ] Intro to Sam ⏫ 🔁 every week when done 🛫 2026-11-25 📅 2026-11-29 🆔 intro1\n"
    "- [ ] Follow up on the intro ⛔ intro1, intro2 🔽 📅 2026-11-30 🏁 delete ^blk2\n"
    "- [ ] Share the talk recording [due:: 2026-12-01] (priority:: high) ^talk\n"
    "- [ ] Ask about the meetup ➕ 2026-11-20 🔺 ⏬ 🔼 📅 2026-12-02\n"
)
CLEAN = [
    ("Send Priya the on-call article", "2026-11-28"),
    ("Intro to Sam", "2026-11-29"),
    ("Follow up on the intro", "2026-11-30"),
    ("Share the talk recording", "2026-12-01"),
    ("Ask about the meetup", "2026-12-02"),
]


def test_titles_have_no_tasks_fields_block_ids_or_dataview_fields(tmp_path: Path) -> None:
    root = vault_with(tmp_path, TITLED)
    assert tasks(root) == CLEAN
    assert set(todos(root)) >= {title for title, _ in CLEAN}  # the ICS SUMMARY too


def test_a_caret_inside_the_text_stays(tmp_path: Path) -> None:
    root = vault_with(tmp_path, "- [ ] Check 2^10 and a^b with Priya 📅 2026-11-28\n")
    assert tasks(root) == [("Check 2^10 and a^b with Priya", "2026-11-28")]


def test_adding_fields_or_a_block_id_keeps_the_calendar_uid(tmp_path: Path) -> None:
    plain = "".join(f"- [ ] {title} 📅 {due}\n" for title, due in CLEAN)
    before = todos(vault_with(tmp_path / "plain", plain))
    after = todos(vault_with(tmp_path / "fields", TITLED))
    titles = [title for title, _ in CLEAN]
    assert [after[t] for t in titles] == [before[t] for t in titles]

"""Issue #11 points 2 and 3: keys as people write them, and what templates leave behind.

Keys are matched ignoring case, and ``_``, ``-`` and a space are one character (two
spellings of one key are VT107); a value still a template placeholder is absent and VT110;
``tags: #interview`` (a YAML comment, so nothing) is VT109. The notes below are written as
Obsidian's Properties panel, the core Templates plugin and Templater leave them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, findings, make_vault

from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.interview import facts_of, make_context, person_of, status_of
from vault_tools.linter import lint_note
from vault_tools.note import parse_note

BODY_DONE = """# Informational interview with Jane Doe

## Objectives
- Learn how Jane's team ships data products.

## Research
- Staff data engineer at Acme since 2021.

## Questions
- How did you move from analytics into engineering?

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
- [x] Send thank-you note ✅ 2026-11-21
"""


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, [*args, "--vault", str(root), "--as-of", AS_OF.isoformat()], catch_exceptions=False
    )
    return result.exit_code, result.stdout


def _json(root: Path, *args: str) -> dict:  # type: ignore[type-arg]
    code, out = _run(root, *args, "--format", "json")
    assert code in (0, 1), out
    data: dict = json.loads(out)  # type: ignore[type-arg]
    return data


# --------------------------------------------------------------------------------------------
# Point 2: keys ignoring case and ``_``/``-``/space


# As Obsidian's Properties panel shows them when the user types the names: capitalised,
# with spaces; saved on Windows (CRLF and a BOM).
PROPERTIES_PANEL = (
    "---\n"
    'Person: "[[Jane Doe]]"\n'
    "Company: Acme Corp\n"
    "Role: Staff Data Engineer\n"
    "Status: done\n"
    "Date: 2026-11-20T15:00\n"
    "Thank You Sent: 2026-11-21\n"
    "tags: [interview]\n"
    "---\n" + BODY_DONE
)


def test_capitalised_keys_are_the_required_keys_not_missing_ones() -> None:
    raw = ("\ufeff" + PROPERTIES_PANEL.replace("\n", "\r\n")).encode("utf-8")
    # No "missing required key person", no VT106: only each spelling's VT111 (fixable).
    assert findings(raw) == [("VT111", line) for line in range(2, 8)]
    note = parse_note("Interviews/note.md", raw)
    assert person_of(note) == "Jane Doe"
    assert status_of(note) == "done"
    assert note.get("thank_you_sent") == "2026-11-21"
    assert note.key_line("thank_you_sent") == 7


@pytest.mark.parametrize(
    "spelling", ["thank-you-sent", "Thank You Sent", "THANK_YOU_SENT", "Thank-You-Sent"]
)
def test_thank_you_sent_in_any_spelling_means_no_thank_you_is_due(
    tmp_path: Path, spelling: str
) -> None:
    front = (
        '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\nstatus: done\n'
        "date: 2026-11-24\n{line}---\n"
        + BODY_DONE.replace("- [x] Send thank-you note ✅ 2026-11-21\n", "")
    )
    unthanked = make_vault(tmp_path / "a", {"Interviews/n.md": front.format(line="")})
    kinds = [i["kind"] for i in _json(unthanked, "followups", "--all")["items"]]
    assert "thank-you" in kinds  # the control: without the key a thank-you is due
    thanked = make_vault(
        tmp_path / "b", {"Interviews/n.md": front.format(line=f"{spelling}: 2026-11-25\n")}
    )
    kinds = [i["kind"] for i in _json(thanked, "followups", "--all")["items"]]
    assert "thank-you" not in kinds


def test_the_index_reads_capitalised_keys(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"Interviews/2026-11-20 Jane Doe.md": PROPERTIES_PANEL})
    (row,) = _json(root, "index")["notes"]
    assert (row["person"], row["company"], row["role"], row["status"]) == (
        "Jane Doe",
        "Acme Corp",
        "Staff Data Engineer",
        "done",
    )
    assert row["thank_you_sent"] == "2026-11-21"


def test_the_cached_facts_read_keys_in_any_spelling() -> None:
    note = parse_note("Interviews/note.md", PROPERTIES_PANEL.encode("utf-8"))
    facts = facts_of(note, make_context(Path("/nonexistent-vault"), Config(), AS_OF))
    assert facts.person == "Jane Doe" and facts.status == "done"
    assert facts.get("thank_you_sent") == "2026-11-21"
    assert facts.key_line("thank_you_sent") == 7


def test_two_spellings_of_one_key_are_a_duplicate_and_the_last_wins() -> None:
    text = (
        '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\n'
        "Status: done\nstatus: planned\n---\n## Objectives\n- Learn about Acme.\n"
    )
    assert findings(text) == [("VT107", 6), ("VT111", 5)]
    note = parse_note("Interviews/note.md", text.encode("utf-8"))
    assert status_of(note) == "planned"  # so Takeaways etc. are not required
    (message,) = [m for code, _, _, m in note.problems if code == "VT107"]
    assert '"status"' in message and '"Status"' in message and "line 5" in message


def test_hyphen_and_underscore_spellings_are_one_key_too() -> None:
    text = (
        '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\nstatus: done\n'
        "date: 2026-11-20\nthank_you_sent: 2026-11-21\nthank-you-sent: 2026-11-22\n---\n"
        + BODY_DONE
    )
    assert findings(text) == [("VT107", 8)]


def test_the_ignore_key_works_in_any_spelling() -> None:
    text = '---\nPerson: "[[Jane Doe]]"\nStatus: planned\nVault Tools Ignore: [VT106]\n---\n'
    text += "## Objectives\n- Learn about Acme.\n"
    assert findings(text) == [("VT111", 2), ("VT111", 3), ("VT111", 4)]
    assert ("VT106", 1) in findings(text.replace("Vault Tools Ignore: [VT106]\n", ""))


# --------------------------------------------------------------------------------------------
# Point 3: template placeholders are absent, and VT110


# A note copied from the vault's template instead of created from it (core Templates
# plugin syntax), and one where Templater did not run (its commands left as written).
CORE_TEMPLATE_COPY = """---
type: interview
person: "{{person}}"
company: Acme Corp
role: "{{role}}"
status: planned
date: {{date}}
created: {{date:YYYY-MM-DD}}
aliases: ["{{title}}"]
tags: [interview]
---
# Informational interview with {{title}}

## Objectives
- Learn how the data team at Acme is organised.
"""

TEMPLATER_UNRUN = """---
type: interview
person: "[[<% tp.file.title %>]]"
company: Acme Corp
role: "<% tp.system.prompt("Role") %>"
status: planned
requested: <% tp.date.now("YYYY-MM-DD") %>
follow_up: <%* tR += tp.date.now("YYYY-MM-DD", 7) %>
tags:
  - interview
---
## Objectives
- Learn how the data team at Acme is organised.
"""


def test_core_template_placeholders_are_absent_and_each_is_vt110() -> None:
    found = findings(CORE_TEMPLATE_COPY)
    assert not any(code == "VT001" for code, _ in found)
    assert [line for code, line in found if code == "VT110"] == [3, 5, 7, 8, 9]
    assert ("VT101", 3) in found  # the person is missing, on its line
    assert ("VT106", 5) in found  # and so is the role
    note = parse_note("Interviews/note.md", CORE_TEMPLATE_COPY.encode("utf-8"))
    assert person_of(note) is None
    assert note.get("company") == "Acme Corp"  # the other keys are still read
    assert note.get("date") is None and note.get("aliases") is None


def test_templater_commands_left_in_values_are_absent_and_each_is_vt110() -> None:
    raw = ("\ufeff" + TEMPLATER_UNRUN.replace("\n", "\r\n")).encode("utf-8")
    found = findings(raw)
    assert not any(code == "VT001" for code, _ in found)
    assert [line for code, line in found if code == "VT110"] == [3, 5, 7, 8]
    assert ("VT101", 3) in found
    note = parse_note("Interviews/note.md", raw)
    assert note.get("requested") is None and note.get("follow_up") is None
    assert note.get("tags") == ["interview"]


def test_vt110_says_placeholder_left_from_a_template_as_a_warning(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"Interviews/copied.md": CORE_TEMPLATE_COPY})
    diagnostics = [d for d in _json(root, "check")["diagnostics"] if d["rule"] == "VT110"]
    first = diagnostics[0]
    assert (first["line"], first["severity"]) == (3, "warning")
    assert "placeholder left from a template" in first["message"]
    assert "{{person}}" in first["message"]


def test_the_index_lists_no_person_called_by_a_placeholder(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {"Interviews/copied.md": CORE_TEMPLATE_COPY, "Interviews/unrun.md": TEMPLATER_UNRUN},
    )
    people = [row["person"] for row in _json(root, "index")["notes"]]
    assert people == [None, None]
    code, out = _run(root, "index")
    assert code == 0 and "{{" not in out and "<%" not in out


def test_the_templates_folder_is_never_linted(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            "Templates/Interview.md": CORE_TEMPLATE_COPY,
            "Templates/Templater interview.md": TEMPLATER_UNRUN,
        },
    )
    assert _json(root, "check")["diagnostics"] == []


# --------------------------------------------------------------------------------------------
# VT109: an unquoted "#" made a value nothing


def test_hash_tag_written_as_in_the_note_body_is_vt109() -> None:
    text = (
        '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\nstatus: planned\n'
        "tags: #interview\n---\n## Objectives\n- Learn about Acme.\n"
    )
    assert findings(text) == [("VT109", 6)]
    note = parse_note("Interviews/note.md", text.encode("utf-8"))
    ctx = make_context(Path("/nonexistent-vault"), Config(), AS_OF)
    (message,) = [d.message for d in lint_note(note, ctx)]
    assert "#interview" in message and "comment" in message


def test_hash_tag_as_a_list_item_is_vt109_on_its_line() -> None:
    text = (
        '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\nstatus: planned\n'
        "tags:\n  - interview\n  - #informational\n---\n## Objectives\n- Learn about Acme.\n"
    )
    assert findings(text) == [("VT109", 8)]


@pytest.mark.parametrize(
    "line",
    [
        'tags: "#interview"',
        "tags: interview",
        "tags: [interview]",
        "follow_up: # TODO a week after",
    ],
)
def test_a_quoted_tag_or_a_written_comment_is_not_vt109(line: str) -> None:
    text = (
        '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: Engineer\nstatus: planned\n'
        f"{line}\n---\n## Objectives\n- Learn about Acme.\n"
    )
    assert not any(code == "VT109" for code, _ in findings(text))

"""Issue #11, points 5 and 6: headings and reflections as people write them.

5. A heading is its section however it is decorated: numbering, a trailing explanation
   after a separator, Unicode dashes, emoji, a trailing colon; ``Action items`` is
   Follow-up. Only a separator ends a name: ``## Notes to self`` is not Notes.
6. A Reflection's parts are headings of any level, bold or italic label lines, and
   labelled list items; a negated "well" is to improve. VT204 when a done note's
   Reflection holds text but no part can be found.

Every note here is written as a user writes it (Templater output, Tasks plugin syntax,
CRLF with a BOM), read through the CLI as the user runs it, with a fixed ``--as-of``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_vault

from vault_tools.cli import cli

AS_OF = "2026-11-27"
WEEK = "2026-W47"  # 2026-11-16 .. 2026-11-22: the notes below are held on 2026-11-20

FRONT = """\
---
type: interview
person: "[[Priya Nair]]"
company: "[[Northwind Health]]"
role: Engineering Manager
status: done
requested: 2026-11-09
date: 2026-11-20T16:00
thank_you_sent: 2026-11-20
tags: [interview]
---
# Informational interview with Priya Nair
"""


REFLECTION = "### What went well\n- Kept to time.\n### What to improve\n- Rushed the intro.\n"


def note(
    *,
    objectives: str = "## 🎯 Objectives",
    research: str = "## Research",
    questions: str = "## Questions",
    notes: str = "## Notes",
    takeaways: str = "## Takeaways",
    reflection_heading: str = "## Reflection",
    followup: str = "## Follow-up",
    reflection: str = REFLECTION,
) -> str:
    """A done note as Templater leaves it once filled in, with each heading as given."""
    return (
        FRONT
        + f"\n{objectives}\n- Learn how Northwind staffs its platform team.\n"
        + f"\n{research}\nPriya moved from Contoso to Northwind in 2024.\n"
        + f"\n{questions}\n1. How did you make the move into management?\n"
        + "2. What does your first week with a new hire look like?\n"
        + f"\n{notes}\nTeam of eight; on-call shared with the SRE group.\n"
        + f"\n{takeaways}\n- Hiring managers read the cover letter last.\n"
        + f"\n{reflection_heading}\n{reflection}"
        + f"\n{followup}\n- [x] Send thank-you note ✅ 2026-11-20\n"
        + "- [ ] Send Priya the article on on-call rotations 📅 2026-11-30\n"
    )


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def check(root: Path) -> tuple[int, list[tuple[str, str]]]:
    code, out = run("check", "--vault", str(root), "--as-of", AS_OF, "--format", "json")
    found = json.loads(out)["diagnostics"]
    return code, [(f["rule"], f["message"]) for f in found]


def digested(root: Path) -> dict[str, list[str]]:
    """The digest's went-well and to-improve lists for the one interview of the week."""
    code, out = run(
        "digest", "--vault", str(root), "--as-of", AS_OF, "--week", WEEK, "--format", "json"
    )
    assert code == 0, out
    (interview,) = json.loads(out)["interviews"]
    return {"went_well": interview["went_well"], "to_improve": interview["to_improve"]}


def vault_with(tmp_path: Path, text: str | bytes) -> Path:
    return make_vault(tmp_path / "vault", {".obsidian/app.json": "{}", "Interviews/n.md": text})


# --------------------------------------------------------------------------------------------
# 5. Headings as people decorate them


@pytest.mark.parametrize(
    ("field", "heading"),
    [
        ("questions", "## Questions (TIARA)"),
        ("questions", "## 3. Questions"),
        ("notes", "## 4. Notes"),
        ("notes", "## 4) Notes"),
        ("notes", "## 📝 Notes:"),
        ("takeaways", "## 5. Key takeaways – for next time"),
        ("reflection_heading", "## Reflection / retro"),
        ("followup", "## Follow-up & next steps"),
        ("followup", "## Action items"),
        ("followup", "## Follow\u2011up"),  # non-breaking hyphen, as some keyboards type it
        ("followup", "## Follow\u2013up"),  # en dash
        ("followup", "## Next steps: who to email"),
        ("research", "## Research and prep"),
    ],
)
def test_a_decorated_heading_is_its_section(tmp_path: Path, field: str, heading: str) -> None:
    root = vault_with(tmp_path, note(**{field: heading}))
    assert check(root) == (0, [])


def test_a_heading_that_only_starts_with_a_name_is_not_that_section(tmp_path: Path) -> None:
    # "Notes to self" is a section of its own: the done note lacks its Notes.
    root = vault_with(tmp_path, note(notes="## Notes to self"))
    code, found = check(root)
    assert code == 1
    assert found == [("VT201", 'missing section "Notes" (required when status is done)')]


def test_numbering_needs_its_dot_or_parenthesis(tmp_path: Path) -> None:
    # "2026 goals" is a heading about a year, not a numbered "Goals" (Objectives).
    root = vault_with(tmp_path, note(objectives="## 2026 goals"))
    assert [rule for rule, _ in check(root)[1]] == ["VT201"]


def test_action_items_tasks_are_the_follow_ups(tmp_path: Path) -> None:
    text = note(followup="## Action items")
    text = text.replace("- [ ] Send Priya", "* [ ] Send Priya")  # Tasks: any list marker
    root = vault_with(tmp_path, text)
    code, out = run(
        "followups", "--vault", str(root), "--as-of", AS_OF, "--horizon", "7d", "--format", "json"
    )
    assert code == 0
    titles = [item["title"] for item in json.loads(out)["items"]]
    assert "Send Priya the article on on-call rotations" in titles


def test_decorated_headings_in_a_crlf_note_with_a_bom(tmp_path: Path) -> None:
    text = note(
        questions="## Questions (TIARA)",
        notes="## 4. Notes",
        followup="## Follow\u2011up & next steps",
    )
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    root = vault_with(tmp_path, raw)
    assert check(root) == (0, [])
    assert digested(root) == {"went_well": ["Kept to time."], "to_improve": ["Rushed the intro."]}

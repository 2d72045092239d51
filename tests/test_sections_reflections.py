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
from conftest import findings, make_vault

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
        reflection="**What went well**\n- Kept to time.\n*What to improve:*\n- Rushed the intro.\n",
    )
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    root = vault_with(tmp_path, raw)
    assert check(root) == (0, [])
    assert digested(root) == {"went_well": ["Kept to time."], "to_improve": ["Rushed the intro."]}


# --------------------------------------------------------------------------------------------
# 6. Reflections as people write them


@pytest.mark.parametrize(
    ("reflection", "went_well", "to_improve"),
    [
        pytest.param(
            "**What went well**\n- Kept to time.\n- Asked about her first year.\n\n"
            "**What to improve**\n- Rushed the intro.\n",
            ["Kept to time.", "Asked about her first year."],
            ["Rushed the intro."],
            id="bold-labels",
        ),
        pytest.param(
            "*What went well:*\nShe opened up about the reorg.\n\n"
            "*What to improve:*\nI interrupted twice.\n",
            ["She opened up about the reorg."],
            ["I interrupted twice."],
            id="italic-labels-with-colons",
        ),
        pytest.param(
            "**What went well:**\n- Kept to time.\n__To improve__:\n- Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="colon-inside-and-outside-the-emphasis",
        ),
        pytest.param(
            "#### Went well\n- Kept to time.\n#### To improve\n- Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="level-four-headings",
        ),
        pytest.param(
            "### Thoughts\n#### What went well\n- Kept to time.\n"
            "#### What could be better\n- Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="headings-below-an-unnamed-heading",
        ),
        pytest.param(
            "- Went well: asked good follow-ups\n- To improve: talked too much\n"
            "  about my own background\n",
            ["asked good follow-ups"],
            ["talked too much about my own background"],
            id="labelled-list-items",
        ),
        pytest.param(
            "- **Went well:** asked good follow-ups\n- **Do differently:** send the agenda\n",
            ["asked good follow-ups"],
            ["send the agenda"],
            id="bold-labelled-list-items",
        ),
        pytest.param(
            "- Went well:\n  - Kept to time.\n- What to improve:\n  - Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="label-items-over-nested-lists",
        ),
        pytest.param(
            "### What went well\n- Kept to time.\n### What didn't go well\n- Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="didnt-go-well-is-to-improve",
        ),
        pytest.param(
            "### What went well\n- Kept to time.\n"
            "### What didn\u2019t go well\n- Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="curly-apostrophe",
        ),
        pytest.param(
            "**Went well**\n- Kept to time.\n**What went wrong**\n- Rushed the intro.\n",
            ["Kept to time."],
            ["Rushed the intro."],
            id="what-went-wrong-is-to-improve",
        ),
        pytest.param(
            "### What did not go well\n- Rushed the intro.\n### Not so well\n- Forgot her name.\n",
            [],
            ["Rushed the intro.", "Forgot her name."],
            id="other-negations",
        ),
    ],
)
def test_the_digest_reads_each_reflection_shape(
    tmp_path: Path, reflection: str, went_well: list[str], to_improve: list[str]
) -> None:
    root = vault_with(tmp_path, note(reflection=reflection))
    assert digested(root) == {"went_well": went_well, "to_improve": to_improve}
    assert check(root) == (0, [])


def test_a_label_that_is_the_templates_prompt_still_starts_its_part(tmp_path: Path) -> None:
    # A Templater template with label lines: the labels are prompt text, so they are not
    # writing of their own, yet what the user wrote under them is read by them.
    template = (
        '---\ntype: interview\nperson: "<% tp.file.title %>"\nstatus: planned\n---\n'
        "## Reflection\n**What went well**\n\n**What to improve**\n\n"
    )
    root = make_vault(
        tmp_path / "vault",
        {
            ".obsidian/app.json": "{}",
            "Templates/Interview.md": template,
            "Interviews/n.md": note(
                reflection="**What went well**\n- Kept to time.\n\n**What to improve**\n\n"
            ),
        },
    )
    assert digested(root) == {"went_well": ["Kept to time."], "to_improve": []}
    assert check(root) == (0, [])


def test_a_long_bold_line_is_writing_not_a_label() -> None:
    text = note(
        reflection="### What went well\n**It went well overall and I would talk to her again.**\n"
    )
    assert findings(text) == []


# --------------------------------------------------------------------------------------------
# VT204: a reflection the digest cannot read


def test_vt204_when_a_done_reflection_has_text_but_no_part(tmp_path: Path) -> None:
    root = vault_with(tmp_path, note(reflection="Good call overall, but I rambled at the start.\n"))
    code, found = check(root)
    assert code == 0  # a warning
    assert [rule for rule, _ in found] == ["VT204"]
    assert "went well" in found[0][1] and "to improve" in found[0][1]
    text = note(reflection="Good call overall, but I rambled at the start.\n")
    assert findings(text) == [("VT204", text.splitlines().index("## Reflection") + 1)]
    # Nothing reaches the digest, which is what VT204 warns about.
    assert digested(root) == {"went_well": [], "to_improve": []}


def test_vt204_for_headings_that_name_no_part() -> None:
    text = note(reflection="### Thoughts\n- Good call overall.\n")
    assert [code for code, _ in findings(text)] == ["VT204"]


def test_no_vt204_when_a_part_is_found_or_nothing_is_written() -> None:
    # One part is enough: the user said what went well.
    assert findings(note(reflection="**Went well**\n- Kept to time.\n")) == []
    # Nothing written is VT202's case, not VT204's.
    empty = note(reflection="<!-- later -->\n")
    assert [code for code, _ in findings(empty)] == ["VT202"]


def test_no_vt204_before_the_interview_is_done() -> None:
    text = note(reflection="Thinking about what to ask.\n").replace(
        "status: done", "status: scheduled"
    )
    text = text.replace("date: 2026-11-20T16:00", "date: 2026-12-04T16:00")
    text = text.replace("thank_you_sent: 2026-11-20\n", "")
    assert "VT204" not in {code for code, _ in findings(text)}


def test_vt204_can_be_turned_off(tmp_path: Path) -> None:
    root = vault_with(tmp_path, note(reflection="Good call overall.\n"))
    (root / ".vault-tools.toml").write_text('[rules]\nVT204 = "off"\n', encoding="utf-8")
    assert check(root) == (0, [])


def test_many_parts_and_long_label_like_lines_are_read(tmp_path: Path) -> None:
    # A reflection kept for years in one note: thousands of parts, and lines that look
    # like the start of a label for a long way (each part is read once, labels only from
    # a line's start).
    parts = "".join(
        f"#### Went well\n- Kept to time {i}.\n**To improve:**\n- Rushed intro {i}.\n"
        for i in range(3000)
    )
    odd = "**" + " " * 50_000 + "\n" + "- Went well" + " " * 50_000 + "x\n"
    root = vault_with(tmp_path, note(reflection=parts + odd))
    read = digested(root)
    assert len(read["went_well"]) == 3000 and read["went_well"][-1] == "Kept to time 2999."
    assert len(read["to_improve"]) == 3001  # the odd lines are writing under the last label
    assert read["to_improve"][:2] == ["Rushed intro 0.", "Rushed intro 1."]

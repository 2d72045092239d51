"""VT2xx: required sections per status."""

from __future__ import annotations

from conftest import findings
from notes import DONE, PLANNED, SCHEDULED, line_of, replace

from vault_tools.config import Config

TAKEAWAYS = "## Takeaways\n- Platform teams own the pipelines; analysts own the models.\n\n"


def test_vt201_missing_section_points_where_it_belongs() -> None:
    text = replace(DONE, TAKEAWAYS, "")
    # Takeaways belongs before Reflection.
    assert findings(text) == [("VT201", line_of(text, "## Reflection"))]


def test_vt201_required_sections_follow_the_status() -> None:
    planned = replace(
        PLANNED, "## Objectives\n- Find out whether a move into management suits me.\n", ""
    )
    assert findings(planned) == [("VT201", len(planned.splitlines()))]
    # Research and Questions are not required while planned ...
    assert findings(PLANNED) == []
    # ... but are once scheduled.
    scheduled = replace(SCHEDULED, "## Research\nAna leads the analytics guild.\n\n", "")
    assert findings(scheduled) == [("VT201", line_of(scheduled, "## Questions"))]


def test_declined_and_cancelled_need_no_sections() -> None:
    for status in ("declined", "cancelled"):
        bare = f"---\nperson: A\ncompany: B\nrole: C\nstatus: {status}\n---\n"
        assert findings(bare) == []


def test_sections_are_configurable() -> None:
    config = Config(sections={**Config().sections, "planned": ("Objectives", "Research")})
    assert findings(PLANNED, config=config) == [("VT201", len(PLANNED.splitlines()))]


def test_aliases_count_as_the_section() -> None:
    text = replace(DONE, "## Takeaways", "## Key takeaways 🔑")
    text = replace(text, "## Follow-up", "## Next steps:")
    assert findings(text) == []


def test_configured_alias() -> None:
    text = replace(DONE, "## Takeaways", "## Lessons")
    assert [c for c, _ in findings(text)] == ["VT201"]
    config = Config(aliases={**Config().aliases, "Takeaways": ("Lessons",)})
    assert findings(text, config=config) == []


def test_headings_match_ignoring_case_and_punctuation() -> None:
    text = replace(DONE, "## Questions", "## QUESTIONS:")
    text = replace(text, "## Reflection", "## 🪞 Reflection")
    assert findings(text) == []


def test_setext_headings_are_sections() -> None:
    text = replace(DONE, "## Notes\n", "Notes\n-----\n")
    text = replace(text, "## Research\n", "Research\n========\n")  # level 1: not a section
    assert findings(text) == [("VT201", line_of(text, "## Questions"))]


def test_heading_inside_a_fenced_code_block_is_not_a_heading() -> None:
    text = replace(
        DONE,
        TAKEAWAYS,
        "```markdown\n## Takeaways\n- fake\n```\n\n",
    )
    assert findings(text) == [("VT201", line_of(text, "## Reflection"))]


def test_heading_inside_tilde_fence_and_indented_code() -> None:
    text = replace(DONE, TAKEAWAYS, "~~~\n## Takeaways\n~~~\n\n    ## Takeaways\n\n")
    assert [c for c, _ in findings(text)] == ["VT201"]


def test_vt202_empty_section_with_only_comments() -> None:
    text = replace(
        DONE,
        "Platform team of six; analysts embedded in product squads.\n",
        "<!-- What did they say? -->\n%% private %%\n\n",
    )
    assert findings(text) == [("VT202", line_of(text, "## Notes"))]


def test_vt202_reflection_with_only_its_subheadings_is_empty() -> None:
    text = replace(DONE, "- Asked follow-up questions instead of reading my list.\n", "")
    text = replace(text, "- Talked too much about my own background.\n", "")
    assert findings(text) == [("VT202", line_of(text, "## Reflection"))]


def test_vt202_template_prompts_count_as_empty() -> None:
    text = replace(
        DONE,
        "- Platform teams own the pipelines; analysts own the models.\n",
        "<!-- What did you learn? What changes your plan? -->\n",
    )
    assert findings(text) == [("VT202", line_of(text, "## Takeaways"))]


def test_vt202_the_vaults_own_template_text_counts_as_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    template = "---\ntype: interview\n---\n## Takeaways\nWrite what you learned here.\n"
    (tmp_path / "Templates").mkdir()
    (tmp_path / "Templates" / "Interview.md").write_text(template)
    text = replace(
        DONE,
        "- Platform teams own the pipelines; analysts own the models.\n",
        "Write what you learned here.\n",
    )
    assert findings(text, root=tmp_path) == [("VT202", line_of(text, "## Takeaways"))]


def test_code_block_counts_as_content() -> None:
    text = replace(
        DONE,
        "Platform team of six; analysts embedded in product squads.\n",
        "```sql\nselect 1\n```\n",
    )
    assert findings(text) == []


def test_vt203_duplicate_heading() -> None:
    text = PLANNED + "\n## Objectives\n- And one more.\n"
    assert findings(text) == [("VT203", line_of(text, "## Objectives") + 3)]

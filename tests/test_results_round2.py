"""Wrong or unsafe results, round 2 (../shared/repros/2026-12-reliability/ 22, 25, 26, 27).

* 27: whether ``Questions`` / ``=-`` is a setext heading is CommonMark's answer (it is not:
  an underline is only ``=`` or only ``-``), from the line scan and from mistune alike, so it
  no longer depends on an HTML block elsewhere in the note.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli
from vault_tools.note import _structure, parse_note
from vault_tools.structure import scan_structure


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --------------------------------------------------------------------------------------------
# 27: a setext underline is CommonMark's, whatever else the note holds

SETEXT_NOTE = (
    "---\nperson: P\ncompany: C\nrole: R\nstatus: scheduled\n---\n"
    "## Objectives\n- o\n\nQuestions\n{underline}\n- How?\n{rest}"
)


def test_a_mixed_underline_is_no_heading_with_or_without_an_html_block(vault) -> None:  # type: ignore[no-untyped-def]
    """The repro, exactly: the same note, one with an unrelated HTML block at its end. The
    line scan answered for the first (no heading) and mistune for the second (a heading)."""
    root = vault(
        {
            "Interviews/plain.md": SETEXT_NOTE.format(underline="=-", rest=""),
            "Interviews/with-html.md": SETEXT_NOTE.format(
                underline="=-", rest="\n<div>unrelated</div>\n"
            ),
        }
    )
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--no-cache")
    missing = sorted(
        line.split(":", 1)[0] for line in result.stdout.splitlines() if '"Questions"' in line
    )
    assert missing == ["Interviews/plain.md", "Interviews/with-html.md"]


@pytest.mark.parametrize("rest", ["", "\n<div>unrelated</div>\n"], ids=["scan", "mistune"])
def test_a_true_underline_is_a_heading_with_or_without_an_html_block(vault, rest: str) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": SETEXT_NOTE.format(underline="---", rest=rest)})
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--no-cache")
    assert "VT201" in result.stdout  # Research is missing: the note was checked
    assert '"Questions"' not in result.stdout


#: Body text after a paragraph line "Questions": whether it is a setext heading (its level),
#: as CommonMark says (checked against markdown-it-py's CommonMark mode).
SETEXT_CASES = [
    ("=", 1),
    ("===", 1),
    ("-", 2),
    ("---", 2),
    ("   ===  \t", 1),  # up to three spaces before, spaces and tabs after
    ("=-", None),
    ("-=", None),
    ("==-", None),
    ("--=", None),
    ("= =", None),
    ("    ===", None),  # four spaces: a paragraph's continuation
]


@pytest.mark.parametrize(("underline", "level"), SETEXT_CASES)
@pytest.mark.parametrize("fast", [True, False], ids=["scan", "mistune"])
def test_setext_underlines_follow_commonmark(underline: str, level: int | None, fast: bool) -> None:
    note = parse_note("Interviews/a.md", f"Intro\n\nQuestions\n{underline}\n".encode())
    headings, _ = _structure(note.lines, note.body_start, fast=fast)
    expected = [(3, level, "Questions", 4)] if level else []
    assert [(h.line, h.level, h.text, h.end_line) for h in headings] == expected


def test_a_line_of_other_whitespace_is_not_blank_to_the_scan() -> None:
    """CommonMark's blank lines hold only spaces and tabs: after a NEL (U+0085) or an
    ideographic space, "---" may underline it. The scan hands such a note to mistune (it
    took the line as blank, mistune as text: found by the property test)."""
    for odd in ("\x85", "\u3000"):
        note = parse_note("Interviews/a.md", f"---\n---\n{odd}\n---\n".encode())
        assert scan_structure(note.lines, note.body_start) is None
        headings, _ = _structure(note.lines, note.body_start)
        assert [(h.line, h.level) for h in headings] == [(3, 2)]

"""Wrong or unsafe results, round 2 (../shared/repros/2026-12-reliability/ 22, 25, 26, 27).

* 27: whether ``Questions`` / ``=-`` is a setext heading is CommonMark's answer (it is not:
  an underline is only ``=`` or only ``-``), from the line scan and from mistune alike, so it
  no longer depends on an HTML block elsewhere in the note.
* 26: a person is one person whatever the Unicode form of the name: "Zoë" typed (NFC) and
  "Zoë" from a macOS file name (NFD) share contacts, follow-ups and keep-in-touch; each
  note still shows the name as written.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from notes import PLANNED, replace

from vault_tools.cli import cli
from vault_tools.note import _structure, parse_note, person_key
from vault_tools.render import display_width
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


# --------------------------------------------------------------------------------------------
# 26: one person, whatever the Unicode form of the name

NFC_ZOE = "Zo\u00eb Kim"  # ë as one character, as typed
NFD_ZOE = "Zoe\u0308 Kim"  # e and a combining diaeresis, as a macOS file name holds it

#: Met on June 1st, nothing planned since: a keep-in-touch item due on August 30th...
OLD = f"""\
---
type: interview
person: "[[{NFC_ZOE}]]"
company: Acme Corp
role: Staff Data Engineer
status: done
date: 2026-06-01T10:00
thank_you_sent: 2026-06-01
---
## Follow-up
- [ ] Share the article 📅 2026-11-28
"""
#: ...unless a follow-up with the same person is pending, as this note plans.
NEW = replace(
    replace(PLANNED, "person: Marcus Lee", f'person: "[[People/{NFD_ZOE}|Zoë]]"'),
    "status: planned",
    "status: planned\nfollow_up: 2026-12-20",
)


def test_nfc_and_nfd_spellings_of_a_name_are_one_person() -> None:
    assert NFC_ZOE != NFD_ZOE
    assert person_key(NFC_ZOE) == person_key(NFD_ZOE) == person_key("ZOE\u0308 KIM")
    assert person_key(NFC_ZOE) != person_key("Zoe Kim")


def test_a_pending_follow_up_in_the_nfd_note_covers_the_nfc_notes_person(vault) -> None:  # type: ignore[no-untyped-def]
    """The repro: a spurious 89-days-overdue keep-in-touch item for the NFC "Zoë"."""
    root = vault({"Interviews/old.md": OLD, "Interviews/new.md": NEW})
    result = run(
        "followups", "--vault", str(root), "--as-of", "2026-11-27", "--all", "--format", "json"
    )
    items = json.loads(result.stdout)["items"]
    assert [(i["kind"], i["path"], i["person"]) for i in items] == [
        ("task", "Interviews/old.md", NFC_ZOE),  # each note shows the name as written
        ("follow-up", "Interviews/new.md", NFD_ZOE),
    ]


def test_the_keep_in_touch_item_is_one_for_both_spellings(vault) -> None:  # type: ignore[no-untyped-def]
    no_follow_up = replace(NEW, "follow_up: 2026-12-20", "requested: 2026-11-25")
    root = vault({"Interviews/old.md": OLD, "Interviews/new.md": no_follow_up})
    result = run(
        "followups", "--vault", str(root), "--as-of", "2026-11-27", "--all", "--format", "json"
    )
    kept = [i for i in json.loads(result.stdout)["items"] if i["kind"] == "keep-in-touch"]
    assert [(i["path"], i["due"]) for i in kept] == [("Interviews/new.md", "2026-08-30")]


def test_the_index_gives_both_notes_the_persons_last_contact(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/old.md": OLD, "Interviews/new.md": NEW})
    result = run("index", "--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    rows = {row["path"]: row for row in json.loads(result.stdout)["notes"]}
    assert rows["Interviews/new.md"]["last_contact"] == "2026-06-01"
    assert (rows["Interviews/old.md"]["person"], rows["Interviews/new.md"]["person"]) == (
        NFC_ZOE,
        NFD_ZOE,
    )


@pytest.mark.parametrize("command", ["followups", "index"])
def test_text_columns_line_up_whatever_the_form_of_a_name(vault, command: str) -> None:  # type: ignore[no-untyped-def]
    """A combining mark takes no column of its own: the NFD name's row is not one wider."""
    root = vault({"Interviews/old.md": OLD, "Interviews/new.md": NEW})
    extra = ["--all"] if command == "followups" else []
    result = run(command, "--vault", str(root), "--as-of", "2026-11-27", *extra)
    rows = [line for line in result.stdout.splitlines() if "Interviews/" in line]
    assert len(rows) >= 2
    columns = {display_width(line[: line.index("Interviews/")]) for line in rows}
    assert len(columns) == 1, rows


def test_display_width_counts_terminal_columns() -> None:
    assert [display_width(t) for t in ("Zoë", "Zoe\u0308", "日本", "a\u200db", "")] == [
        3,
        3,
        4,
        2,
        0,
    ]

"""VT0xx: the file can be read as a note."""

from __future__ import annotations

from conftest import codes, findings
from notes import DONE, PLANNED, replace


def test_clean_notes_have_no_findings() -> None:
    assert findings(DONE) == []
    assert findings(PLANNED) == []


def test_vt001_invalid_yaml_points_at_the_error() -> None:
    text = replace(PLANNED, "company: Gamma", 'company: "Gamma')
    result = findings(text)
    assert [code for code, _ in result] == ["VT001"]
    # the error is inside the front matter block (lines 2..7)
    assert 2 <= result[0][1] <= 7


def test_vt001_reports_bad_indentation_on_its_line() -> None:
    text = replace(PLANNED, "role: Engineering Manager", "role: Engineering: Manager")
    assert findings(text) == [("VT001", 5)]


def test_vt002_latin1_bytes() -> None:
    raw = replace(PLANNED, "Marcus Lee", "Lukas Müller").encode("latin-1")
    assert findings(raw) == [("VT002", 3)]


def test_vt002_utf16_with_bom() -> None:
    assert findings(PLANNED.encode("utf-16")) == [("VT002", 1)]


def test_vt003_no_front_matter_in_interview_folder() -> None:
    assert findings("# Call with Jane\n\nNotes.\n") == [("VT003", 1)]


def test_vt003_front_matter_that_is_a_list() -> None:
    assert findings("---\n- a\n- b\n---\n# x\n") == [("VT003", 2)]


def test_note_without_front_matter_outside_interview_folders_is_ignored() -> None:
    assert findings("# Shopping list\n", path="Daily/2026-11-20.md") == []


def test_vt004_front_matter_never_closed() -> None:
    text = PLANNED.replace("---\n## Objectives", "## Objectives")
    assert findings(text) == [("VT004", 1)]


def test_bom_and_crlf_are_read_transparently() -> None:
    raw = b"\xef\xbb\xbf" + DONE.replace("\n", "\r\n").encode("utf-8")
    assert findings(raw) == []


def test_cr_only_line_endings_keep_line_numbers() -> None:
    text = replace(
        DONE, "## Takeaways\n- Platform teams own the pipelines; analysts own the models.\n", ""
    )
    expected = findings(text)
    assert expected and expected[0][0] == "VT201"
    assert findings(text.replace("\n", "\r").encode()) == expected


def test_vt005_unreadable_file_is_reported(vault, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from vault_tools import vault as vault_module
    from vault_tools.vault import load_note_version

    root = vault({"Interviews/locked.md": PLANNED})
    real = vault_module.read_note_version

    def deny(root: Path, rel: str) -> object:
        if rel.endswith("locked.md"):  # CI runs as root: simulate the permission error
            raise PermissionError(13, "Permission denied")
        return real(root, rel)

    monkeypatch.setattr(vault_module, "read_note_version", deny)
    note, version = load_note_version(root, "Interviews/locked.md")
    assert version is None  # nothing may be kept for a file that could not be read
    assert note is not None
    assert note.problems[0][0] == "VT005"
    assert "Permission denied" in note.problems[0][3]


def test_codes_helper_sees_unquoted_wikilink() -> None:
    assert codes(replace(PLANNED, "person: Marcus Lee", "person: [[Marcus Lee]]")) == {"VT105"}

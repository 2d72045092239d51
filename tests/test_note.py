"""The parser: one Note per file, with the line of every key, heading and task."""

from __future__ import annotations

from notes import DONE, line_of

from vault_tools.note import parse_note, person_name


def parse(text: str | bytes, path: str = "Interviews/a.md"):  # type: ignore[no-untyped-def]
    return parse_note(path, text if isinstance(text, bytes) else text.encode())


def test_key_lines_and_values() -> None:
    note = parse(DONE)
    assert note.key_line("status") == line_of(DONE, "status:")
    assert note.key_line("tags") == line_of(DONE, "tags:")
    assert note.get("date") == "2026-11-20T15:00"
    assert note.get("tags") == ["interview", "data-engineering"]
    assert note.body_start == line_of(DONE, "# Informational")


def test_headings_atx_and_setext_with_lines() -> None:
    text = "---\na: 1\n---\n# Title\n\nNotes\n-----\n\n## Follow-up ##\n"
    note = parse(text)
    assert [(h.line, h.level, h.text, h.end_line) for h in note.headings] == [
        (4, 1, "Title", 4),
        (6, 2, "Notes", 7),
        (9, 2, "Follow-up", 9),
    ]


def test_multi_line_setext_heading_starts_on_its_first_line() -> None:
    note = parse("Para one\ncontinued\n---\n")
    assert [(h.line, h.level, h.end_line) for h in note.headings] == [(1, 2, 3)]


def test_heading_in_fence_list_or_quote_is_not_top_level() -> None:
    text = "```\n## a\n```\n- item\n\n  ## b\n> ## c\n"
    note = parse(text)
    assert note.headings == ()
    assert note.code_lines == frozenset({1, 2, 3})


def test_unclosed_fence_runs_to_the_end() -> None:
    note = parse("## Notes\n```\n## Takeaways\n")
    assert [h.text for h in note.headings] == ["Notes"]


def test_tasks_in_both_syntaxes_with_lines() -> None:
    text = (
        "## Follow-up\n"
        "- [x] Send thank-you note ✅ 2026-11-20\n"
        "- [ ] Share the article 📅 2026-11-28 ⏫\n"
        "- [ ] Intro to Sam [due:: 2026-12-01]\n"
        "* [X] Coffee (completion:: 2026-11-22)\n"
        "- [-] Cancelled one\n"
        "```\n- [ ] not a task\n```\n"
        "> - [ ] quoted task\n"
    )
    tasks = parse(text).tasks
    assert [(t.line, t.status, t.text, t.due, t.completed) for t in tasks] == [
        (2, "x", "Send thank-you note", None, "2026-11-20"),
        (3, " ", "Share the article", "2026-11-28", None),
        (4, " ", "Intro to Sam", "2026-12-01", None),
        (5, "X", "Coffee", None, "2026-11-22"),
        (6, "-", "Cancelled one", None, None),
        (10, " ", "quoted task", None, None),
    ]
    assert [t.open for t in tasks] == [False, True, True, False, False, True]


def test_bom_crlf_and_cr_give_the_same_lines() -> None:
    lf = parse(DONE)
    crlf = parse(b"\xef\xbb\xbf" + DONE.replace("\n", "\r\n").encode())
    cr = parse(DONE.replace("\n", "\r"))
    assert lf.lines == crlf.lines == cr.lines
    assert lf.headings == crlf.headings == cr.headings
    assert lf.frontmatter == crlf.frontmatter


def test_empty_front_matter_is_an_empty_mapping() -> None:
    note = parse("---\n---\nbody\n")
    assert note.frontmatter == {} and note.has_frontmatter and note.body_start == 3


def test_front_matter_needs_dashes_on_the_first_line() -> None:
    note = parse("\n---\nstatus: done\n---\n")
    assert note.frontmatter is None and not note.has_frontmatter


def test_person_names() -> None:
    assert person_name("[[People/Jane Doe|Jane]]") == "Jane Doe"
    assert person_name("[[Jane Doe]]") == "Jane Doe"
    assert person_name("[[Jane Doe.md#Career]]") == "Jane Doe"
    assert person_name("  Ana   Souza ") == "Ana Souza"
    assert person_name([["Ana Souza"]]) == "Ana Souza"
    assert person_name(42) is None


def test_alias_bomb_is_a_finding_not_a_hang() -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    note = parse("---\n" + "\n".join(bomb) + "\n---\n")
    assert note.frontmatter is None
    assert note.problems[0][0] == "VT001" and "aliases" in note.problems[0][3]


def test_deep_nesting_is_a_finding() -> None:
    for depth in (150, 5000):
        note = parse("---\na: " + "[" * depth + "]" * depth + "\n---\n")
        assert note.frontmatter is None
        assert note.problems[0][0] == "VT001" and "nest" in note.problems[0][3]

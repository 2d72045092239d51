"""The language server's features, without the protocol: a buffer's text in, what an
editor shows out (ranges, code actions, completions, hover). tests/test_lsp.py drives the
same over stdio."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import AS_OF, CORPUS, make_vault
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.edit import apply_fixes
from vault_tools.editing import fixed_bytes
from vault_tools.lsp import features
from vault_tools.lsp.features import (
    FIX_ALL,
    QUICKFIX,
    RULES_DOC,
    Span,
    TextChange,
    Vault,
    code_actions,
    completions,
    diagnostic_span,
    hover,
    text_changes,
    vault_root_of,
)
from vault_tools.note import split_lines
from vault_tools.render.rules import rules_markdown
from vault_tools.rules import ALL_RULES
from vault_tools.vocabulary import KEY_DOCS, SCHEMA_KEYS, STATUS_DOCS, STATUSES

REL = "Interviews/2026-11-20 Jane Doe.md"

#: A done note with one finding of each kind an editor shows differently: a key (VT111,
#: fixable), a value (VT102, fixable), an unquoted link (VT105, fixable), a missing section
#: (VT201, fixable), a closed question (not fixable once done: VT301 is off for done notes).
NOTE = """\
---
type: interview
person: [[Jane Doe]]
company: Acme Corp
role: Staff Data Engineer
Status: done
date: 2026-11-20
requested: 20 Nov 2026
thank_you_sent: 2026-11-20
---
# Informational interview with Jane Doe

## Objectives
- Understand how data teams are organised.

## Research
Jane moved from consulting to Acme in 2023.

## Questions
1. How did you decide to leave consulting?

## Notes
Platform teams own the pipelines.

## Takeaways
- Analysts own the models.

## Reflection
### What went well
- Asked follow-ups.
### What to improve
- Talked too much.
"""


@pytest.fixture
def jane(tmp_path: Path) -> Vault:
    root = make_vault(tmp_path / "v", {".vault-tools.toml": "", REL: NOTE})
    return Vault(root, AS_OF)


def apply(text: str, changes: list[TextChange] | tuple[TextChange, ...]) -> str:
    """Apply changes (code-point positions) as an editor does: all against the old text."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: tuple[int, int]) -> int:
        line, column = position
        return starts[line] + column if line < len(lines) else len(text)

    out = text
    for change in sorted(changes, key=lambda c: c.start, reverse=True):
        out = out[: offset(change.start)] + change.text + out[offset(change.end) :]
    return out


def codes_and_lines(vault: Vault, text: str) -> set[tuple[str, int]]:
    _, found = vault.lint(REL, text)
    return {(d.rule, d.line) for d in found}


# --------------------------------------------------------------------------------------------
# Ranges


def test_each_finding_is_shown_on_its_key_its_value_or_its_heading(jane: Vault) -> None:
    lines = split_lines(NOTE)
    _, found = jane.lint(REL, NOTE)
    spans = {d.rule: diagnostic_span(lines, d) for d in found}
    # VT111 `Status:` is the key; VT105 the unquoted link; VT102 points at the key too.
    assert spans["VT111"] == Span(5, 0, len("Status"))
    assert lines[spans["VT105"].line].startswith("person:")
    text = lines[spans["VT102"].line]
    assert text[spans["VT102"].start : spans["VT102"].end] in ("requested", "20 Nov 2026")
    # VT201 (Follow-up missing) points at where it belongs: the end of the note.
    assert "VT201" in spans
    assert 0 <= spans["VT201"].line < len(lines)


def test_a_heading_finding_covers_the_heading_text(tmp_path: Path) -> None:
    note = NOTE.replace("## Notes\n", "## Notes\n## Notes\n")
    root = make_vault(tmp_path / "v", {".vault-tools.toml": "", REL: note})
    vault = Vault(root, AS_OF)
    lines = split_lines(note)
    _, found = vault.lint(REL, note)
    duplicate = [d for d in found if d.rule == "VT203"]
    assert duplicate, found
    span = diagnostic_span(lines, duplicate[0])
    assert lines[span.line][span.start : span.end] == "## Notes"


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        ("status: waiting", 1, (0, 6)),  # the key
        ("status: waiting", 9, (8, 15)),  # the value
        ("  - [[Jane Doe]]", 3, (2, 16)),  # an item: from the column on
        ("", 1, (0, 0)),  # an empty line: zero width
        ("1. Is it good?   ", 1, (0, 14)),  # trailing blanks left out
    ],
)
def test_spans_in_front_matter_and_body(line: str, column: int, expected: tuple[int, int]) -> None:
    from vault_tools.diagnostics import Diagnostic

    in_front = not line.startswith("1.")
    lines = ("---", line, "---") if in_front else ("---", "a: b", "---", line)
    number = 2 if in_front else 4
    d = Diagnostic("n.md", number, column, "VT000", "error", "m")
    span = diagnostic_span(lines, d)
    assert (span.line, span.start, span.end) == (number - 1, *expected)


# --------------------------------------------------------------------------------------------
# Text changes

_LINE = st.text(alphabet=st.sampled_from("ab ü😀-:"), max_size=6)
_END = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(_LINE, _END), max_size=8))
    text = "".join(a + b for a, b in lines)
    if draw(st.booleans()):
        text += draw(_LINE)  # no final line ending
    return text


@settings(max_examples=300, deadline=None)
@given(_texts(), _texts())
def test_text_changes_make_the_old_text_into_the_new(old: str, new: str) -> None:
    changes = text_changes(old, new)
    # Positions are on lines LSP counts (\r\n, \r, \n): check with that split.
    assert apply_lsp(old, changes) == new
    if old == new:
        assert changes == []


def apply_lsp(text: str, changes: list[TextChange]) -> str:
    import re

    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def offset(position: tuple[int, int]) -> int:
        line, column = position
        if line >= len(starts):
            return len(text)
        return starts[line] + column

    out = text
    for change in sorted(changes, key=lambda c: c.start, reverse=True):
        out = out[: offset(change.start)] + change.text + out[offset(change.end) :]
    return out


def test_a_change_replaces_only_the_lines_that_differ() -> None:
    old = "a\nb\nc\nd\n"
    new = "a\nB\nc\nd\ne\n"
    assert text_changes(old, new) == [
        TextChange((1, 0), (2, 0), "B\n"),
        TextChange((4, 0), (4, 0), "e\n"),
    ]


@pytest.mark.parametrize("added", [0, 1])
def test_changes_far_apart_in_a_long_note_of_repeated_lines(added: int) -> None:
    """A fix-all that touches the first and the last line of 3,000 lines of ``-``: past
    MATCH_LINES the stretch between is not matched line against line (quadratic on
    repeated lines, which held the server for seconds), and the result is still exact."""
    old = "Status: done\n" + "-\n" * 3000 + "end\n"
    new = "status: done\n" + "-\n" * 3000 + "end\n" + "x\n" * added
    new = new.replace("end\n", "END\n")
    assert features.MATCH_LINES < 3000
    changes = text_changes(old, new)
    assert apply_lsp(old, changes) == new
    if not added:  # same length: only the two lines that differ
        assert [c.start for c in changes] == [(0, 0), (3001, 0)]


# --------------------------------------------------------------------------------------------
# Code actions


def test_each_quick_fix_is_the_fix_check_fix_would_make(jane: Vault) -> None:
    raw = NOTE.encode()
    _, found = jane.lint(REL, NOTE)
    fixable = {d.rule: d for d in found if d.fix is not None}
    assert {"VT102", "VT105", "VT111", "VT201"} <= set(fixable)
    for rule, d in fixable.items():
        line = d.line - 1
        actions = code_actions(jane, REL, NOTE, line, line)
        mine = [a for a in actions if a.kind == QUICKFIX and a.diagnostics == (d,)]
        assert len(mine) == 1, (rule, actions)
        assert mine[0].preferred
        assert d.fix is not None
        after = apply(NOTE, mine[0].changes)
        assert after.encode() == apply_fixes(raw, [d.fix], REL)
        assert (rule, d.line) not in codes_and_lines(jane, after)
        # Only the lines the fix names change.
        changed = {c.start[0] for c in mine[0].changes}
        assert changed <= {e.line - 1 for e in d.fix.edits}


def test_fix_all_is_what_check_fix_writes(jane: Vault) -> None:
    actions = code_actions(jane, REL, NOTE, 5, 5)
    every = [a for a in actions if a.title.startswith("Fix all")]
    assert len(every) == 1 and every[0].kind == QUICKFIX
    expected, fixed = fixed_bytes(REL, NOTE.encode(), jane.context)
    assert apply(NOTE, every[0].changes).encode() == expected
    assert f"({len(fixed)})" in every[0].title
    # Asked for source actions only (VS Code's fix-all on save): the fix-all kind alone.
    source = code_actions(jane, REL, NOTE, 0, 0, only=["source.fixAll"])
    assert [a.kind for a in source] == [FIX_ALL]
    assert apply(NOTE, source[0].changes).encode() == expected
    assert code_actions(jane, REL, NOTE, 0, 40, only=["refactor"]) == []


def test_no_action_for_a_line_without_a_fixable_finding(jane: Vault) -> None:
    assert code_actions(jane, REL, NOTE, 12, 13) == []  # the Objectives lines


def test_actions_come_from_the_buffer_not_the_file(jane: Vault) -> None:
    """The file on disk holds the problems; the buffer has them fixed: nothing to offer."""
    fixed, _ = fixed_bytes(REL, NOTE.encode(), jane.context)
    buffer = fixed.decode()
    assert (jane.root / REL).read_text() == NOTE
    assert code_actions(jane, REL, buffer, 0, 60) == []


def test_crlf_buffer_keeps_its_line_endings(jane: Vault) -> None:
    text = NOTE.replace("\n", "\r\n")
    actions = code_actions(jane, REL, text, 5, 5)
    quick = [a for a in actions if a.kind == QUICKFIX and a.diagnostics[0].rule == "VT111"]
    assert quick
    after = apply_lsp(text, list(quick[0].changes))
    assert "status: done\r\n" in after and "\n" not in after.replace("\r\n", "")


# --------------------------------------------------------------------------------------------
# Completion


def labels(found: list[features.Completion]) -> list[str]:
    return [c.label for c in found]


def test_keys_complete_in_front_matter_without_those_present(jane: Vault) -> None:
    text = NOTE.replace("company: Acme Corp\n", "\n")
    found = completions(jane, REL, text, 3, 0)
    names = labels(found)
    assert "company" in names
    assert "person" not in names and "date" not in names and "status" not in names
    company = next(c for c in found if c.label == "company")
    assert company.insert == "company: "
    assert (company.detail, company.documentation) == KEY_DOCS["company"]
    # A key half typed is completed (and replaced from the start of the line).
    typed = NOTE.replace("company: Acme Corp\n", "comp\n")
    found = completions(jane, REL, typed, 3, 4)
    assert "company" in labels(found)
    assert next(c for c in found if c.label == "company").replace == Span(3, 0, 4)


def test_keys_present_are_left_out_while_a_key_is_half_typed(jane: Vault) -> None:
    """`pe` on a new line makes the front matter invalid YAML: the keys present are still
    known, so only the keys it may become are offered (an editor's fuzzy match of `pe`
    would otherwise take `type` too, and complete nothing)."""
    text = NOTE.replace("company: Acme Corp\n", "company: Acme Corp\npe\n")
    names = labels(completions(jane, REL, text, 4, 2))
    assert "type" not in names and "company" not in names and "date" not in names
    assert "last_contact" in names and "person" not in names  # person is written too


def test_no_key_completion_in_a_value_or_an_indented_line(jane: Vault) -> None:
    text = NOTE.replace("company: Acme Corp\n", "  \n")
    assert completions(jane, REL, text, 3, 2) == []
    assert completions(jane, REL, NOTE, 3, len("company: Ac")) == []


def test_status_values_complete_after_status(jane: Vault) -> None:
    text = NOTE.replace("Status: done", "status: re")
    found = completions(jane, REL, text, 5, len("status: re"))
    assert labels(found) == list(STATUSES)
    assert found[0].replace == Span(5, len("status: "), len("status: re"))
    assert found[1].documentation == STATUS_DOCS["requested"]


def test_missing_sections_complete_after_a_level_two_heading(jane: Vault) -> None:
    text = NOTE + "\n## \n"
    line = len(split_lines(text)) - 1
    found = completions(jane, REL, text, line, 3)
    # Only Follow-up is missing from this note.
    assert labels(found) == ["Follow-up"]
    assert "required when done" in found[0].detail
    assert completions(jane, REL, NOTE + "\n### \n", line, 4) == []


def test_sections_complete_as_the_vaults_template_writes_them(tmp_path: Path) -> None:
    template = "---\ntype: interview\n---\n## 🎯 Goals\n\n## ❓ Questions\n\n## 📝 Notes\n"
    note = "---\ntype: interview\nperson: A\nstatus: planned\n---\n## Questions\n\n## \n"
    root = make_vault(
        tmp_path / "v",
        {".vault-tools.toml": "", "Templates/Interview.md": template, "Interviews/a.md": note},
    )
    vault = Vault(root, AS_OF)
    found = completions(vault, "Interviews/a.md", note, 7, 3)
    assert labels(found)[:2] == ["🎯 Goals", "📝 Notes"]  # the template's order, as written
    assert "Questions" not in " ".join(labels(found))


def test_people_complete_after_double_brackets(tmp_path: Path) -> None:
    other = NOTE.replace("[[Jane Doe]]", '"[[Zoë Brandt]]"')
    root = make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": "",
            REL: NOTE,
            "Interviews/2026-11-21 Zoë Brandt.md": other,
            "People/Ana Souza.md": "Ana's own note\n",
        },
    )
    vault = Vault(root, AS_OF)
    text = NOTE + "\nMet [[Ja\n"
    line = len(split_lines(text)) - 1
    found = completions(vault, REL, text, line, len("Met [[Ja"))
    assert labels(found) == ["Ana Souza", "Jane Doe", "Zoë Brandt"]
    jane_item = found[1]
    assert jane_item.insert == "Jane Doe]]"
    assert jane_item.replace == Span(line, len("Met [["), len("Met [[Ja"))
    # The closing brackets are there already: not written twice.
    text = NOTE + "\nMet [[]]\n"
    found = completions(vault, REL, text, line, len("Met [["))
    assert found[1].insert == "Jane Doe"
    # A closed link: nothing to complete.
    assert completions(vault, REL, NOTE + "\n[[Jane Doe]] \n", line, 13) == []


# --------------------------------------------------------------------------------------------
# Hover


def test_hover_on_a_finding_shows_its_rules_docs(jane: Vault) -> None:
    shown = hover(jane, REL, NOTE, 5, 2)  # `Status:`: VT111, and the key's own docs
    assert shown is not None
    assert "**VT111** `key-spelling`" in shown.markdown
    assert "**status**" in shown.markdown
    assert shown.span == Span(5, 0, len("Status"))


def test_hover_on_a_key_and_on_a_rule_code(jane: Vault) -> None:
    shown = hover(jane, REL, NOTE, 3, 3)  # company
    assert shown is not None
    assert shown.markdown == f"**company**: {KEY_DOCS['company'][0]}\n\n{KEY_DOCS['company'][1]}"
    text = NOTE.replace("role:", "vault-tools-ignore: [VT301]\nrole:")
    shown = hover(jane, REL, text, 4, len("vault-tools-ignore: [VT3"))
    assert shown is not None and shown.markdown.startswith("**VT301** `closed-question`")
    assert shown.span == Span(4, len("vault-tools-ignore: ["), len("vault-tools-ignore: [VT301"))
    assert hover(jane, REL, NOTE, 13, 4) is None  # an Objectives item


def test_the_severity_shown_is_the_vaults(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {".vault-tools.toml": '[rules]\nVT111 = "error"\n'})
    shown = hover(Vault(root, AS_OF), REL, NOTE, 5, 1)
    assert shown is not None and "(error in this vault; default warning)" in shown.markdown


# --------------------------------------------------------------------------------------------
# The vault: which notes, which settings


def test_notes_check_reads_and_the_rest(jane: Vault) -> None:
    assert jane.is_note(REL)
    assert not jane.is_note("Templates/Interview.md")
    assert not jane.is_note(".obsidian/x.md")
    assert not jane.is_note("Interviews/a.txt")
    assert jane.relative(jane.root / REL) == REL
    assert jane.relative(jane.root.parent / "elsewhere.md") is None


def test_a_note_that_is_no_interview_has_no_findings(jane: Vault) -> None:
    assert jane.lint("Daily/2026-11-20.md", "# A day\n[[Jane Doe]]\n")[1] == []


def test_the_vault_of_a_note_is_the_nearest_marked_folder(tmp_path: Path) -> None:
    outer = make_vault(tmp_path / "repo", {"notes/.obsidian/app.json": "{}", "notes/a/b.md": ""})
    note = outer / "notes" / "a" / "b.md"
    assert vault_root_of(note, [outer]) == outer / "notes"
    plain = make_vault(tmp_path / "plain", {"x/y.md": ""})
    assert vault_root_of(plain / "x" / "y.md", [outer, plain]) == plain
    assert vault_root_of(tmp_path / "nowhere" / "z.md", [outer]) is None


def test_a_changed_config_is_read_again(jane: Vault) -> None:
    assert ("VT111", 6) in codes_and_lines(jane, NOTE)
    assert not jane.refresh()
    config = jane.root / ".vault-tools.toml"
    config.write_text('[rules]\nVT111 = "off"\n')
    os.utime(config, ns=(1, 1))  # a new mtime, whatever the clock's resolution
    assert jane.refresh()
    assert ("VT111", 6) not in codes_and_lines(jane, NOTE)


def test_a_config_that_no_longer_reads_keeps_the_last_good_one(jane: Vault) -> None:
    config = jane.root / ".vault-tools.toml"
    config.write_text('[rules]\nVT111 = "off"\n')
    os.utime(config, ns=(1, 1))
    assert jane.refresh()
    config.write_text("[rules\n")
    os.utime(config, ns=(2, 2))
    assert jane.refresh()
    assert jane.messages and ".vault-tools.toml" in jane.messages[-1]
    assert ("VT111", 6) not in codes_and_lines(jane, NOTE)


def test_a_changed_template_is_read_again(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {".vault-tools.toml": "", REL: NOTE})
    vault = Vault(root, AS_OF)
    text = NOTE + "\n## \n"
    line = len(split_lines(text)) - 1
    assert labels(completions(vault, REL, text, line, 3)) == ["Follow-up"]
    template = root / "Templates" / "Interview.md"
    template.parent.mkdir()
    template.write_text("---\ntype: interview\n---\n## ✅ Next steps\n")
    assert vault.refresh()
    assert labels(completions(vault, REL, text, line, 3)) == ["✅ Next steps"]


def test_without_as_of_the_day_moves_on(jane: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = Vault(jane.root)
    monkeypatch.setattr(features, "today_in", lambda tz: dt.date(2030, 1, 1))
    assert vault.refresh()
    assert vault.as_of == dt.date(2030, 1, 1) == vault.context.as_of


# --------------------------------------------------------------------------------------------
# Docs the server points at


def test_the_shipped_rules_doc_is_current() -> None:
    """vault_tools/RULES.md is what `vault-tools rules --format md` prints: regenerate it
    with that command when a rule's docs change."""
    assert RULES_DOC.read_text("utf-8") == rules_markdown(ALL_RULES)
    for rule in ALL_RULES:
        assert f'<a id="{rule.code.lower()}"></a>' in RULES_DOC.read_text("utf-8")
    assert features.rule_doc_link("VT201").endswith("RULES.md#vt201")


def test_every_schema_key_and_status_has_its_docs() -> None:
    assert set(KEY_DOCS) == set(SCHEMA_KEYS)
    assert set(STATUS_DOCS) == set(STATUSES)


# --------------------------------------------------------------------------------------------
# The server's own bookkeeping: positions in the client's units, ranged changes


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aü😀\u0301 "), max_size=12), st.data())
def test_columns_round_trip_in_every_position_encoding(line: str, data: st.DataObject) -> None:
    from vault_tools.lsp.server import _column, _units

    column = data.draw(st.integers(0, len(line)))
    for encoding in ("utf-8", "utf-16", "utf-32"):
        assert _column(line, _units(line, column, encoding), encoding) == column
    assert _units(line, column, "utf-16") == len(line[:column].encode("utf-16-le")) // 2
    assert _units(line, column, "utf-8") == len(line[:column].encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(_texts(), st.data())
def test_a_ranged_change_from_a_client_is_applied_where_it_says(
    text: str, data: st.DataObject
) -> None:
    """The server asks for whole texts; a client that sends ranges anyway is still read
    right, lines counted as LSP counts them and columns in UTF-16."""
    import re

    from lsprotocol import types

    from vault_tools.lsp.server import NotesServer, _units

    server = NotesServer()
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    a, b = sorted(data.draw(st.integers(0, len(text))) for _ in range(2))

    def position(offset: int) -> types.Position:
        line = max(i for i, s in enumerate(starts) if s <= offset)
        # An offset inside a CRLF pair is not a position: take the line's end.
        body = re.sub(r"[\r\n]+$", "", text[starts[line] :].split("\n")[0].split("\r")[0])
        column = min(offset - starts[line], len(body))
        return types.Position(line=line, character=_units(body, column, "utf-16"))

    start, end = position(a), position(b)
    new = data.draw(_LINE)
    got = server.replaced(text, types.Range(start=start, end=end), new)
    offset_a = starts[start.line] + len(
        text[starts[start.line] :].encode("utf-16-le")[: start.character * 2].decode("utf-16-le")
    )
    offset_b = starts[end.line] + len(
        text[starts[end.line] :].encode("utf-16-le")[: end.character * 2].decode("utf-16-le")
    )
    assert got == text[:offset_a] + new + text[offset_b:]


# --------------------------------------------------------------------------------------------
# Real vaults: every corpus file through every feature, as an interview note


def _corpus_sources() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (fresh clone)")
@pytest.mark.parametrize(
    "source", _corpus_sources() or [None], ids=[p.name for p in _corpus_sources()] or ["absent"]
)
def test_every_corpus_file_goes_through_every_feature(source: Path) -> None:
    """Each file as an editor would send it, taken as an interview so that every rule runs:
    ranges inside the text, code actions that apply, completion and hover that answer."""
    from vault_tools.config import Config
    from vault_tools.interview import make_context

    vault = Vault(source, AS_OF, use_cache=False)  # the corpus is never written
    vault.config = Config(folders=("",))
    vault._context = make_context(source, vault.config, AS_OF)
    paths = sorted(p for p in source.rglob("*.md") if p.is_file())
    assert paths
    for path in paths:
        rel = path.relative_to(source).as_posix()
        if not vault.is_note(rel):
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        lines = split_lines(text)
        _, found = vault.lint(rel, text)
        for d in found:
            span = diagnostic_span(lines, d)
            line = lines[span.line] if span.line < len(lines) else ""
            assert 0 <= span.start <= span.end <= max(len(line), 0), (rel, d)
            hover(vault, rel, text, span.line, span.start)
        for action in code_actions(vault, rel, text, 0, len(lines)):
            after = apply_lsp(text, list(action.changes))
            assert after != text, (rel, action.title)
        for line_number, line in enumerate(lines[:200]):
            if line.startswith(("## ", "---")) or "[[" in line:
                completions(vault, rel, text, line_number, len(line))
                completions(vault, rel, text, line_number, 0)

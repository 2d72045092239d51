"""The byte-keeping note editor (``vault_tools/edit.py``): what ``log`` and ``check --fix``
promise (SPEC "log", "Fixes", "Safety") — an edit changes only the lines of the keys it sets
(and the task it ticks), keeps every other byte (comments, key order, quoting, CRLF, CR, a
BOM, a missing final newline), reads back as intended, and refuses, saying what to do,
only front matter it cannot edit safely.

The property test generates notes whose values it knows (quoting styles, comments, flow and
block lists, Unicode, line endings, BOM), checks the generated note reads as generated, and
then holds every edit to the promise. The unit tests write each shape out by hand; their
expected notes come from SPEC's wording and YAML's meaning, not from a run.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, findings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vault_tools.config import Config
from vault_tools.edit import (
    AddItem,
    Edit,
    EditRefused,
    SetValue,
    Source,
    TickTask,
    apply_fixes,
    edit_bytes,
    key_spelling_fix,
    quote_links_fix,
    tick_line,
    unified_diff,
    value_text_fix,
    yaml_text,
)
from vault_tools.interview import make_context
from vault_tools.linter import lint_note
from vault_tools.note import parse_note

BOM = "\ufeff"
DAY = "2026-11-28"
PATH = "Interviews/note.md"

#: In CI (``CI`` set) the examples are the same on every run; locally each run explores
#: anew. tests/test_properties.py holds the long-running properties.
PROPERTY = settings(
    max_examples=300,  # about 3 s
    derandomize=bool(os.environ.get("CI")),
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def front(raw: bytes) -> dict[str, Any]:
    note = parse_note(PATH, raw)
    assert note.frontmatter is not None, note.problems
    return dict(note.frontmatter)


def edited(text: str, *edits: Edit) -> str:
    return edit_bytes(text.encode("utf-8"), list(edits), PATH).decode("utf-8")


def refusal(text: str, *edits: Edit) -> str:
    raw = text.encode("utf-8")
    with pytest.raises(EditRefused) as caught:
        edit_bytes(raw, list(edits), PATH)
    return str(caught.value)


# ============================================================================================
# The property: generated notes, generated edits


# Text a plain YAML scalar reads as itself: a letter first, then letters, digits, spaces and
# punctuation YAML gives no meaning inside a plain scalar (no ": ", no " #").
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàüöñçÅøßΩжЖ日本語中文한국"
EMOJI = "😀🎉👍📅✅"
PLAIN_REST = LETTERS + EMOJI + "0123456789 -_.,/()"
# Inside quotes anything on one line goes: quotes, backslashes, "#", ": ", brackets.
QUOTED_ALPHABET = PLAIN_REST + "\"'\\#:[]{}!&*|>%@`?"
# A flow list item: no commas or brackets (they end or nest the item).
FLOW_REST = LETTERS + EMOJI + "0123456789 -_./"
NOT_TEXT = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _plain_ok(value: str) -> bool:
    return (
        value == value.strip()
        and value.casefold() not in NOT_TEXT
        and ": " not in value
        and " #" not in value
    )


def plain_text(rest: str = PLAIN_REST) -> st.SearchStrategy[str]:
    return st.builds(
        lambda first, tail: (first + tail).rstrip(),
        st.sampled_from(LETTERS),
        st.text(rest, max_size=12),
    ).filter(_plain_ok)


def dq(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sq(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@st.composite
def scalar(draw: st.DrawFn, flow_item: bool = False) -> tuple[str, str]:
    """(YAML text, the text it reads as): plain, double- or single-quoted, or a date."""
    style = draw(st.sampled_from(["plain", "dq", "sq", "date"]))
    if style == "date":
        value = draw(st.sampled_from(["2026-11-20", "2026-11-20T15:00", "2025-01-02"]))
        return draw(st.sampled_from([value, dq(value), sq(value)])), value
    if style == "plain":
        value = draw(plain_text(FLOW_REST if flow_item else PLAIN_REST))
        return value, value
    value = draw(st.text(QUOTED_ALPHABET, max_size=12))
    return (dq(value) if style == "dq" else sq(value)), value


COMMENT = st.builds(lambda t: "# " + t, st.text(PLAIN_REST + "#:'\"", max_size=10))
TRAILING = st.one_of(st.just(""), COMMENT.map(lambda c: "  " + c), COMMENT.map(lambda c: " " + c))


@dataclass(frozen=True)
class Value:
    """A key's value as generated: its shape, its lines after ``key:``, what it reads as."""

    kind: str  # empty, scalar, flow, block, or the unsafe ones: literal, anchor, multiline
    head: str  # the rest of the key's line, after ``key:``
    more: tuple[str, ...]  # the lines below the key's line
    reads: Any

    @property
    def unsafe(self) -> bool:
        return self.kind in ("literal", "anchor", "multiline")


@st.composite
def value(draw: st.DrawFn, anchor: str) -> Value:
    kind = draw(
        st.sampled_from(
            [
                *("empty", "scalar", "scalar", "scalar", "scalar", "flow", "flow"),
                *("block", "block", "literal", "anchor", "multiline"),
            ]
        )
    )
    tail = draw(TRAILING)
    if kind == "empty":
        return Value(kind, tail, (), None)
    if kind == "scalar":
        text, reads = draw(scalar())
        return Value(kind, " " + text + tail, (), reads)
    if kind == "flow":
        items = draw(st.lists(scalar(flow_item=True), max_size=3))
        text = "[" + ", ".join(t for t, _ in items) + "]"
        return Value(kind, " " + text + tail, (), [r for _, r in items])
    if kind == "block":
        indent = draw(st.sampled_from(["", "  ", "    "]))
        items = draw(st.lists(st.tuples(scalar(), TRAILING), min_size=1, max_size=3))
        lines = tuple(f"{indent}- {text}{comment}" for (text, _), comment in items)
        return Value(kind, tail, lines, [r for (_, r), _ in items])
    word = draw(plain_text(LETTERS))
    if kind == "literal":
        return Value(kind, " |-" + tail, ("  " + word,), word)
    if kind == "anchor":
        return Value(kind, f" &{anchor} {word}", (), word)
    return Value(kind, " " + word, ("  more",), word + " more")  # multiline: a plain value


#: Keys and some of the ways people spell them (a quoted key too).
SPELLINGS = {
    "status": ["status", "Status"],
    "requested": ["requested"],
    "date": ["date", "Date"],
    "thank_you_sent": ["thank_you_sent", "Thank-you-sent", "Thank You Sent"],
    "last_contact": ["last_contact", "Last Contact"],
    "nudged": ["nudged"],
    "tags": ["tags"],
    "company": ["company", '"company"'],
    "role": ["role"],
    "person": ["person", "'person'"],
    "source": ["source"],
    "location": ["Location"],
}
SEPARATOR = st.sampled_from(["", "", "", "", "# a comment line", "  # indented comment"])

THANK_TASKS = [
    "- [ ] Send thank-you note 📅 2026-11-28",
    "- [ ] Send thank-you note 📅 2026-11-28 ^thank-1",
    "- [ ] Send a thank you [due:: 2026-11-28]",
    "- [ ] Thank Jane  ",
]


@dataclass(frozen=True)
class Generated:
    raw: bytes
    values: dict[str, Value]  # by canonical key
    spans: dict[str, tuple[int, int]]  # each key's first and last line (1-based)
    newline: str
    thank_line: int | None  # 1-based line of the open thank-you task


@st.composite
def notes(draw: st.DrawFn) -> Generated:
    keys = draw(st.permutations(sorted(SPELLINGS)))[: draw(st.integers(1, 8))]
    lines = ["---"]
    values: dict[str, Value] = {}
    spans: dict[str, tuple[int, int]] = {}
    previous = "empty"
    for number, key in enumerate(keys):
        # An indented line after a block scalar is more of its text, not a comment.
        separator = draw(SEPARATOR)
        if separator and not (previous == "literal" and separator.startswith(" ")):
            lines.append(separator)
        spelled = draw(st.sampled_from(SPELLINGS[key]))
        val = draw(value(f"a{number}"))
        values[key] = val
        previous = val.kind
        lines.append(spelled + ":" + val.head)
        lines.extend(val.more)
        spans[key] = (len(lines) - len(val.more), len(lines))
    lines.extend(s for s in [draw(SEPARATOR)] if s and not s.startswith(" "))
    lines.append("---")
    thank_line = None
    if draw(st.sampled_from([True, True, False])):
        lines += ["# Jane Doe", "", "## Notes", "- 日本 — café 😀", "", "## Follow-up"]
        if draw(st.sampled_from([True, True, False])):
            lines.append(draw(st.sampled_from(THANK_TASKS)))
            thank_line = len(lines)
        lines.append("- [ ] Send the article 📅 2026-12-01")
        lines.extend(draw(st.sampled_from([[], ["", "Last words ^end-id"]])))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    bom = draw(st.booleans())
    raw = ((BOM if bom else "") + text).encode("utf-8")
    return Generated(raw, values, spans, newline, thank_line)


@st.composite
def edits_for(draw: st.DrawFn, note: Generated, current: dict[str, Any]) -> list[Edit]:
    """Edits as ``log`` makes them: set a status or a date, add a nudge, tick the task."""
    chosen: list[Edit] = []
    if draw(st.booleans()):
        status = draw(st.sampled_from(["requested", "scheduled", "done", "declined"]))
        chosen.append(SetValue("status", status, status))
    for key in ("date", "requested", "thank_you_sent", "last_contact"):
        if draw(st.integers(0, 3)) == 0:
            day = draw(st.sampled_from([DAY, "2026-11-20T15:00"] if key == "date" else [DAY]))
            chosen.append(SetValue(key, yaml_text(day), day))
    if draw(st.booleans()):
        before = current.get("nudged")
        if before is None:
            chosen.append(AddItem("nudged", DAY, DAY))
        else:
            items = before if isinstance(before, list) else [before]
            chosen.append(AddItem("nudged", yaml_text(DAY), [*items, DAY]))
    if note.thank_line is not None and draw(st.sampled_from([True, True, False])):
        chosen.append(TickTask(note.thank_line, DAY, draw(st.booleans())))
    if not chosen:
        chosen.append(SetValue("status", "done", "done"))
    return chosen


def may_refuse(edit: Edit, values: dict[str, Value]) -> bool:
    """SPEC: a key whose value is not one line of text, a one-line list or a block list of
    one-line items is refused; so is setting a list key to one value (``set it by hand``)."""
    if isinstance(edit, TickTask) or edit.key not in values:
        return False
    val = values[edit.key]
    return val.unsafe or (isinstance(edit, SetValue) and val.kind in ("flow", "block"))


def changed_lines(before: Source, after: Source) -> tuple[set[int], set[int], list[int]]:
    """Old lines replaced or removed (1-based), old positions before which lines were
    inserted, and the new lines that are not old ones (1-based)."""
    old = list(zip(before.lines, before.ends, strict=True))
    new = list(zip(after.lines, after.ends, strict=True))
    replaced: set[int] = set()
    inserted_at: set[int] = set()
    new_lines: list[int] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        replaced.update(range(i1 + 1, i2 + 1))
        if i1 == i2:
            inserted_at.add(i1 + 1)
        new_lines.extend(range(j1 + 1, j2 + 1))
    return replaced, inserted_at, new_lines


@PROPERTY
@given(st.data())
def test_every_edit_changes_only_its_lines_and_reads_back(data: st.DataObject) -> None:
    note = data.draw(notes())
    parsed = parse_note(PATH, note.raw)
    # The generator writes what it means: the note reads as the values it generated.
    assert parsed.frontmatter is not None, (note.raw, parsed.problems)
    current = dict(parsed.frontmatter)
    assert current == {key: val.reads for key, val in note.values.items()}, note.raw
    edits = data.draw(edits_for(note, current))

    for edit in edits:
        shape = "absent"
        if not isinstance(edit, TickTask) and edit.key in note.values:
            shape = note.values[edit.key].kind
        event(f"{type(edit).__name__} on {shape if not isinstance(edit, TickTask) else 'task'}")
    try:
        result = edit_bytes(note.raw, edits, PATH)
    except EditRefused as exc:
        event("refused")
        # (d) refused only for the shapes SPEC says it cannot edit safely, saying what to do.
        assert any(may_refuse(edit, note.values) for edit in edits), (note.raw, edits, exc)
        assert "by hand" in str(exc), exc
        return
    assert not any(may_refuse(edit, note.values) for edit in edits), (note.raw, edits)

    # (a) each edited key reads as intended, every other key as before; the task is done.
    after = parse_note(PATH, result)
    assert after.frontmatter is not None
    expect = {e.key: e.expect for e in edits if not isinstance(e, TickTask)}
    assert dict(after.frontmatter) == {**current, **expect}
    tick = next((e for e in edits if isinstance(e, TickTask)), None)
    if tick is not None:
        task = next(t for t in after.tasks if t.text.startswith(("Send", "Thank")) and t.done)
        assert task.completed == DAY

    # (b) only the edited keys' lines, a new key after the last key, and the task change.
    before_src, after_src = Source.of_bytes(note.raw), Source.of_bytes(result)
    assert after_src.bom == before_src.bom
    allowed: set[int] = set()
    insert_at = {max(last for _, last in note.spans.values()) + 1}  # after the last key
    for edit in edits:
        if isinstance(edit, TickTask):
            allowed.add(edit.line)
        elif edit.key in note.spans:
            first, last = note.spans[edit.key]
            allowed.update(range(first, last + 1))
            insert_at.add(last + 1)
    replaced, inserted, new_lines = changed_lines(before_src, after_src)
    assert replaced <= allowed, (note.raw, result, edits)
    assert inserted <= insert_at, (note.raw, result, edits)
    # New and rewritten lines lie in the front matter, but for the ticked task (moved down
    # by the lines the front matter gained), which reads as tick_line writes it.
    closing = after_src.lines.index("---", 1) + 1
    moved_to = None
    if tick is not None:
        moved_to = tick.line + len(after_src.lines) - len(before_src.lines)
        assert after_src.lines[moved_to - 1] == tick_line(
            before_src.lines[tick.line - 1], DAY, tick.dataview
        )
    assert all(number < closing or number == moved_to for number in new_lines), new_lines

    # (c) every line a new or rewritten one ends as the file's lines do (the last line of a
    # file without a final newline stays without one).
    for number in new_lines:
        end = after_src.ends[number - 1]
        last = number == len(after_src.lines)
        assert end == note.newline or (last and end == "" and before_src.ends[-1] == "")


TEXTS = st.lists(
    st.sampled_from(["a", "é", "日", " ", "\n", "\r", "\r\n", BOM, "\u2028", "-"]), max_size=30
).map("".join)


@PROPERTY
@given(TEXTS, st.one_of(TEXTS, st.just(None)), st.integers(0, 40))
def test_unified_diff_is_empty_exactly_when_nothing_changed(
    a: str, b: str | None, cut: int
) -> None:
    # ``None``: ``a`` with one character dropped, or (when empty) ``a`` itself.
    other = b if b is not None else (a[:cut] + a[cut + 1 :] if a else a)
    old, new = a.encode("utf-8"), other.encode("utf-8")
    diff = unified_diff(PATH, old, new)
    assert (diff == "") == (old == new)
    if diff:
        assert diff.startswith(f"--- a/{PATH}\n+++ b/{PATH}\n")


# ============================================================================================
# Shapes, one by one


def test_set_plain_value_keeps_the_comment_after_it() -> None:
    text = "---\nstatus: planned   # moved on\ncompany: Acme\n---\n# Jane\n"
    assert edited(text, SetValue("status", "done", "done")) == (
        "---\nstatus: done   # moved on\ncompany: Acme\n---\n# Jane\n"
    )


@pytest.mark.parametrize(
    ("line", "after"),
    [
        ("status: 'planned'", "status: 'done'"),
        ('status: "planned"', 'status: "done"'),
        ('status: "planned" # was', 'status: "done" # was'),
        ('"status": planned', '"status": done'),
        ("Status: planned", "Status: done"),
    ],
)
def test_set_keeps_the_quote_style_and_the_key_as_written(line: str, after: str) -> None:
    text = f"---\n{line}\ncompany: Acme\n---\n"
    result = edited(text, SetValue("status", "done", "done"))
    assert result == f"---\n{after}\ncompany: Acme\n---\n"
    assert front(result.encode())["status"] == "done"


@pytest.mark.parametrize(
    ("line", "after"),
    [("status:", "status: done"), ("status:   # fill in", "status: done # fill in")],
)
def test_set_an_empty_key(line: str, after: str) -> None:
    result = edited(f"---\n{line}\ndate: 2026-11-20\n---\n", SetValue("status", "done", "done"))
    assert result == f"---\n{after}\ndate: 2026-11-20\n---\n"


def test_a_quoted_value_text_that_needs_its_own_quotes_is_written_as_given() -> None:
    # yaml_text quotes text YAML would read otherwise; a single-quoted old value cannot take
    # it inside its own quotes, so the new text stands as written and reads back right.
    text = "---\nrole: 'Engineer'\n---\n"
    new = yaml_text("Lead: data")
    assert new == '"Lead: data"'
    result = edited(text, SetValue("role", new, "Lead: data"))
    assert result == '---\nrole: "Lead: data"\n---\n'


def test_yaml_text_reads_back_as_the_text() -> None:
    for value in ["done", "2026-11-28", "true", "No", "12", "a: b", "x #y", "50%", "日本", ""]:
        raw = f"---\nrole: {yaml_text(value)}\n---\n".encode()
        assert front(raw)["role"] == value, value


def test_a_new_key_goes_after_the_last_key_before_trailing_comments() -> None:
    # The last key's block ends at its last item; a trailing comment or blank line stays
    # where it was, just above the closing ---.
    text = "---\nstatus: planned\ntags:\n  - a\n  - b  # two\n\n# end of keys\n---\nBody\n"
    result = edited(text, SetValue("date", DAY, DAY))
    assert result == (
        "---\nstatus: planned\ntags:\n  - a\n  - b  # two\ndate: 2026-11-28\n\n"
        "# end of keys\n---\nBody\n"
    )


def test_new_keys_in_empty_and_comment_only_front_matter() -> None:
    assert edited("---\n---\n", SetValue("status", "done", "done")) == "---\nstatus: done\n---\n"
    assert edited("---\n# c\n---", SetValue("date", DAY, DAY)) == "---\ndate: 2026-11-28\n# c\n---"


def test_two_new_keys_go_in_the_order_asked() -> None:
    result = edited(
        "---\ncompany: Acme\n---\n",
        SetValue("status", "requested", "requested"),
        SetValue("requested", DAY, DAY),
    )
    assert result == "---\ncompany: Acme\nstatus: requested\nrequested: 2026-11-28\n---\n"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_new_lines_take_the_files_ending_and_a_bom_stays(newline: str) -> None:
    text = BOM + newline.join(["---", "status: planned", "nudged: 2026-11-01", "---", "x"])
    result = edited(text, SetValue("date", DAY, DAY), AddItem("nudged", DAY, ["2026-11-01", DAY]))
    assert result == BOM + newline.join(
        [
            "---",
            "status: planned",
            "nudged:",
            "  - 2026-11-01",
            "  - 2026-11-28",
            "date: 2026-11-28",
            "---",
            "x",
        ]
    )


def test_add_to_an_absent_list_key_sets_one_value() -> None:
    result = edited("---\nstatus: requested\n---\n", AddItem("nudged", DAY, DAY))
    assert result == "---\nstatus: requested\nnudged: 2026-11-28\n---\n"


def test_add_to_an_empty_list_key() -> None:
    result = edited("---\nnudged:  # none yet\n---\n", AddItem("nudged", DAY, DAY))
    assert result == "---\nnudged: 2026-11-28 # none yet\n---\n"


def test_a_scalar_becomes_a_block_list_with_the_default_indent() -> None:
    text = "---\nnudged: 2026-11-01 # first\nstatus: requested\n---\n"
    result = edited(text, AddItem("nudged", DAY, ["2026-11-01", DAY]))
    assert result == (
        "---\nnudged: # first\n  - 2026-11-01\n  - 2026-11-28\nstatus: requested\n---\n"
    )


def test_a_scalar_becomes_a_block_list_as_the_files_lists_are_written() -> None:
    text = "---\ntags:\n- a\nnudged: '2026-11-01'\n---\n"
    result = edited(text, AddItem("nudged", DAY, ["2026-11-01", DAY]))
    assert result == "---\ntags:\n- a\nnudged:\n- '2026-11-01'\n- 2026-11-28\n---\n"


def test_a_scalar_becomes_a_flow_list_when_the_file_uses_flow_lists() -> None:
    text = "---\ntags: [a, b]\nnudged: 2026-11-01  # first\n---\n"
    result = edited(text, AddItem("nudged", DAY, ["2026-11-01", DAY]))
    assert result == "---\ntags: [a, b]\nnudged: [2026-11-01, 2026-11-28]  # first\n---\n"


@pytest.mark.parametrize(
    ("line", "after", "reads"),
    [
        ("nudged: [2026-11-01]", "nudged: [2026-11-01, 2026-11-28]", ["2026-11-01", DAY]),
        ("nudged: []", "nudged: [2026-11-28]", [DAY]),
        ("nudged: [ ]  # none", "nudged: [2026-11-28]  # none", [DAY]),
        (
            'nudged: ["2026-11-01"] # q',
            'nudged: ["2026-11-01", 2026-11-28] # q',
            ["2026-11-01", DAY],
        ),
    ],
)
def test_a_flow_list_gains_an_item(line: str, after: str, reads: list[str]) -> None:
    text = f"---\n{line}\nstatus: requested\n---\n"
    result = edited(text, AddItem("nudged", DAY, reads))
    assert result == f"---\n{after}\nstatus: requested\n---\n"


def test_a_flow_list_with_a_trailing_comma_gains_an_item() -> None:
    # ``[a, ]`` is a one-item list in YAML, as Obsidian may leave it after deleting an item.
    text = "---\nnudged: [2026-11-01, ]\n---\n"
    assert front(text.encode())["nudged"] == ["2026-11-01"]
    result = edited(text, AddItem("nudged", DAY, ["2026-11-01", DAY]))
    assert front(result.encode())["nudged"] == ["2026-11-01", DAY]
    assert result.count("\n") == text.count("\n")


@pytest.mark.parametrize("indent", ["", "  ", "    ", "\t"])
def test_a_block_list_gains_an_item_at_its_own_indent(indent: str) -> None:
    if indent == "\t":
        indent = "  "  # YAML forbids tabs as indentation: the case is the two-space one
    text = f"---\nnudged:\n{indent}- 2026-11-01  # one\n\n{indent}- 2026-11-05\nrole: PM\n---\n"
    result = edited(text, AddItem("nudged", DAY, ["2026-11-01", "2026-11-05", DAY]))
    assert result == (
        f"---\nnudged:\n{indent}- 2026-11-01  # one\n\n{indent}- 2026-11-05\n"
        f"{indent}- 2026-11-28\nrole: PM\n---\n"
    )


def test_set_on_a_list_key_is_refused_saying_to_set_it_by_hand() -> None:
    message = refusal("---\nstatus: [done]\n---\n", SetValue("status", "done", "done"))
    assert "holds a list" in message and "by hand" in message


# tick_line: as Obsidian Tasks and Dataview write a done task


@pytest.mark.parametrize(
    ("line", "dataview", "after"),
    [
        (
            "- [ ] Send thank-you note 📅 2026-11-28",
            False,
            "- [x] Send thank-you note 📅 2026-11-28 ✅ 2026-11-27",
        ),
        (
            "- [ ] Send thank-you note 📅 2026-11-28 ^thank-1",
            False,
            "- [x] Send thank-you note 📅 2026-11-28 ✅ 2026-11-27 ^thank-1",
        ),
        (
            "- [ ] Send thank-you [due:: 2026-11-28]",
            False,
            "- [x] Send thank-you [due:: 2026-11-28] [completion:: 2026-11-27]",
        ),
        ("- [ ] Thank Jane", True, "- [x] Thank Jane [completion:: 2026-11-27]"),
        ("- [ ] Thank Jane 📅 2026-11-28", True, "- [x] Thank Jane 📅 2026-11-28 ✅ 2026-11-27"),
        ("- [ ] Thank Jane  \t", False, "- [x] Thank Jane ✅ 2026-11-27  \t"),
        ("- [ ] Thank Jane ^id-2  ", False, "- [x] Thank Jane ✅ 2026-11-27 ^id-2  "),
        ("  * [ ] Thank Jane", False, "  * [x] Thank Jane ✅ 2026-11-27"),
        ("1. [ ] Thank Jane", False, "1. [x] Thank Jane ✅ 2026-11-27"),
        ("> - [ ] Thank Jane", False, "> - [x] Thank Jane ✅ 2026-11-27"),
    ],
)
def test_tick_line(line: str, dataview: bool, after: str) -> None:
    assert tick_line(line, AS_OF.isoformat(), dataview) == after


def test_tick_line_refuses_a_line_that_is_no_task() -> None:
    with pytest.raises(EditRefused, match="not a task"):
        tick_line("- Send thank-you note", "2026-11-27")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tick_task_in_a_note_reads_as_done_and_keeps_its_ending(newline: str) -> None:
    lines = ["---", "status: done", "---", "## Follow-up", "- [ ] Send thank-you note ^t", "x"]
    text = newline.join(lines)  # no final newline
    result = edited(text, TickTask(5, DAY), SetValue("thank_you_sent", DAY, DAY))
    assert result == newline.join(
        [
            "---",
            "status: done",
            "thank_you_sent: 2026-11-28",
            "---",
            "## Follow-up",
            "- [x] Send thank-you note ✅ 2026-11-28 ^t",
            "x",
        ]
    )
    task = parse_note(PATH, result.encode()).tasks[0]
    assert task.done and task.completed == DAY


def test_tick_on_the_last_line_of_a_file_without_a_final_newline() -> None:
    text = "---\r\nstatus: done\r\n---\r\n## Follow-up\r\n- [ ] Thank Jane"
    result = edited(text, TickTask(5, DAY))
    assert result == "---\r\nstatus: done\r\n---\r\n## Follow-up\r\n- [x] Thank Jane ✅ 2026-11-28"


def test_a_plain_scalar_with_a_comma_becomes_a_flow_list_of_itself_and_the_new_item() -> None:
    # ``nudged: early Nov, again`` is one text; written into a flow list unquoted it would
    # be two items. The edit must keep it one item (quoted, or as a block list).
    text = "---\ntags: [a]\nnudged: early Nov, again\n---\n"
    result = edited(text, AddItem("nudged", DAY, ["early Nov, again", DAY]))
    assert front(result.encode()) == {"tags": ["a"], "nudged": ["early Nov, again", DAY]}
    assert result.startswith("---\ntags: [a]\nnudged")


# ============================================================================================
# Refusals: what it cannot edit safely, and that the rest still can be


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("# Jane\nstatus: planned\n", "add one, or make the note with vault-tools new"),
        ("---\nstatus: planned\n# Jane\n", "never closed; fix that first"),
        ("---\nstatus: [planned\n---\n", "line 2: front matter is not valid YAML"),
        ("---\n- planned\n---\n", "not a list of keys; fix that first"),
    ],
)
def test_a_note_it_cannot_edit_at_all(text: str, says: str) -> None:
    message = refusal(text, SetValue("status", "done", "done"))
    assert says in message
    assert "add one" in message or "fix that first (vault-tools check shows it)" in message
    assert message.startswith(PATH)


UNSAFE = [
    ("person: |\n  Jane Doe", "a block scalar", "Jane Doe\n"),
    ("person: >-\n  Jane\n  Doe", "a block scalar", "Jane Doe"),
    ("person: &who Jane Doe\nwho: *who", "an anchor", "Jane Doe"),
    ("who: &who Jane Doe\nperson: *who", "an alias", "Jane Doe"),
    ("person: !!str Jane Doe", "a tag", "Jane Doe"),
    ('person: "Jane\n  Doe"', "a quoted value over several lines", "Jane Doe"),
    ("person: Jane\n  Doe", "a value over several lines", "Jane Doe"),
    ("person:\n  name: Jane Doe", "a nested value", {"name": "Jane Doe"}),
    ("person: {name: Jane Doe}", "a mapping", {"name": "Jane Doe"}),
    ("person:\n  - - Jane Doe", "a list item that is not text", [["Jane Doe"]]),
    ('person: "Jane\u2028Doe"', "a line break (U+2028", "Jane\u2028Doe"),
    ("person: 'Jane\u2029Doe'", "a line break", "Jane\u2029Doe"),
]


@pytest.mark.parametrize(("lines", "why", "reads"), UNSAFE)
def test_an_unsafe_value_is_refused_and_the_other_keys_stay_editable(
    lines: str, why: str, reads: Any
) -> None:
    text = f"---\nstatus: planned # keep\n{lines}\ncompany: Acme\n---\n# Jane\n"
    assert front(text.encode())["person"] == reads

    for edit in (
        SetValue("person", '"[[Jane Doe]]"', "[[Jane Doe]]"),
        AddItem("person", "x", ["x"]),
    ):
        message = refusal(text, edit)
        assert why in message, message
        assert "by hand, or rewrite the value on one line" in message
    assert refusal(text, SetValue("status", "done", "done"), AddItem("person", "x", ["x"]))

    result = edited(text, SetValue("status", "done", "done"), SetValue("date", DAY, DAY))
    assert result == text.replace("status: planned", "status: done").replace(
        "company: Acme\n", f"company: Acme\ndate: {DAY}\n"
    )
    assert front(result.encode())["person"] == reads


def test_a_key_written_twice_is_refused_naming_both_lines() -> None:
    text = "---\nstatus: planned\nrole: PM\nStatus: requested\n---\n"
    message = refusal(text, SetValue("status", "done", "done"))
    assert '"status" is written 2 times (lines 2, 4); keep one' in message
    result = edited(text, SetValue("date", DAY, DAY))
    assert result == "---\nstatus: planned\nrole: PM\nStatus: requested\ndate: 2026-11-28\n---\n"


def test_a_line_it_cannot_place_stops_every_edit() -> None:
    # ``? key`` (YAML's explicit key) is valid YAML but no line-by-line key: nothing is
    # edited, even another key, since the editor cannot tell which lines are whose.
    text = "---\n? status\n: planned\nrole: PM\n---\n"
    assert front(text.encode()) == {"status": "planned", "role": "PM"}
    message = refusal(text, SetValue("role", "Lead", "Lead"))
    assert "line 2 is not a key: '? status'" in message
    assert "fix it (vault-tools check shows where) and try again" in message


def test_a_refused_edit_leaves_nothing_half_done() -> None:
    # edit_bytes returns bytes or raises: nothing of the other edits is given back.
    text = "---\nstatus: planned\nperson: |\n  Jane\n---\n"
    with pytest.raises(EditRefused):
        edit_bytes(
            text.encode(), [SetValue("status", "done", "done"), SetValue("person", "J", "J")]
        )


def test_not_utf8_or_binary_is_refused() -> None:
    with pytest.raises(EditRefused, match="not valid UTF-8; save it as UTF-8"):
        edit_bytes(b"---\nstatus: caf\xe9\n---\n", [SetValue("status", "done", "done")])
    with pytest.raises(EditRefused, match="NUL"):
        edit_bytes(b"---\nstatus: a\x00\n---\n", [SetValue("status", "done", "done")])


# ============================================================================================
# Fixes: the builders on small notes, applied with apply_fixes


def fixed(text: str, fix: Any) -> str:
    assert fix is not None
    return apply_fixes(text.encode("utf-8"), [fix], PATH).decode("utf-8")


@pytest.mark.parametrize(
    ("line", "after", "reads"),
    [
        ("person: [[Jane Doe]]", 'person: "[[Jane Doe]]"', "[[Jane Doe]]"),
        (
            "person: [[Jane Doe|Jane]]  # met at PyCon",
            'person: "[[Jane Doe|Jane]]"  # met at PyCon',
            "[[Jane Doe|Jane]]",
        ),
        (
            "person:\n  - [[Jane Doe]]\n  - [[John Roe]] # boss",
            'person:\n  - "[[Jane Doe]]"\n  - "[[John Roe]]" # boss',
            ["[[Jane Doe]]", "[[John Roe]]"],
        ),
        (
            "person: [[[Jane Doe]], [[John Roe]]]",
            'person: ["[[Jane Doe]]", "[[John Roe]]"]',
            ["[[Jane Doe]]", "[[John Roe]]"],
        ),
        (
            'person: [[[Jane Doe]], "[[John Roe]]"]',
            'person: ["[[Jane Doe]]", "[[John Roe]]"]',
            ["[[Jane Doe]]", "[[John Roe]]"],
        ),
    ],
)
def test_quote_links_fix(line: str, after: str, reads: Any) -> None:
    # In a CRLF note with a BOM: the fix rewrites the link's lines, their endings kept.
    def crlf(text: str) -> str:
        return text.replace("\n", "\r\n")

    text = crlf(f"\ufeff---\nstatus: done # ok\n{line}\ncompany: Acme\n---\n# Jane\n")
    note = parse_note(PATH, text.encode())
    result = fixed(text, quote_links_fix(note, "person"))
    assert result == text.replace(crlf(line), crlf(after))
    got = front(result.encode())
    assert got["person"] == reads
    assert {k: v for k, v in got.items() if k != "person"} == {"status": "done", "company": "Acme"}


def test_quote_links_fix_has_nothing_to_do_on_quoted_links() -> None:
    note = parse_note(PATH, b'---\nperson: "[[Jane Doe]]"\n---\n')
    assert quote_links_fix(note, "person") is None


@pytest.mark.parametrize(
    ("line", "spelling", "after"),
    [
        ("Status: done  # yes", "status", "status: done  # yes"),
        ("Thank-you-sent: '2026-11-21'", "thank_you_sent", "thank_you_sent: '2026-11-21'"),
        ('"Last Contact": 2026-11-01', "last_contact", "last_contact: 2026-11-01"),
        ("Tags:\n  - a\n  - b", "tags", "tags:\n  - a\n  - b"),
        ("Person: |\n  Jane", "person", "person: |\n  Jane"),
    ],
)
def test_key_spelling_fix_changes_only_the_key(line: str, spelling: str, after: str) -> None:
    text = f"---\nrole: PM\n{line}\ncompany: Acme\n---\nbody\n"
    note = parse_note(PATH, text.encode())
    before = front(text.encode())
    result = fixed(text, key_spelling_fix(note, spelling, spelling))
    assert result == text.replace(line, after)
    assert front(result.encode()) == before


def test_key_spelling_fix_leaves_a_key_written_twice_alone() -> None:
    note = parse_note(PATH, b"---\nStatus: done\nstatus: done\n---\n")
    assert key_spelling_fix(note, "status", "status") is None


@pytest.mark.parametrize(
    ("line", "old", "after", "reads"),
    [
        ("date: 2026/11/20 # the call", "2026/11/20", "date: 2026-11-20 # the call", "2026-11-20"),
        ("date: '20 Nov 2026'", "20 Nov 2026", "date: '2026-11-20'", "2026-11-20"),
        ('date: "20 Nov 2026"', "20 Nov 2026", 'date: "2026-11-20"', "2026-11-20"),
    ],
)
def test_value_text_fix(line: str, old: str, after: str, reads: str) -> None:
    text = f"---\nstatus: done\n{line}\n---\n"
    note = parse_note(PATH, text.encode())
    result = fixed(text, value_text_fix(note, "date", old, "2026-11-20", reads))
    assert result == text.replace(line, after)
    assert front(result.encode()) == {"status": "done", "date": reads}


def test_value_text_fix_of_one_list_item() -> None:
    text = "---\nnudged:\n  - 2026-11-01\n  - 2026/11/05  # again\n---\n"
    note = parse_note(PATH, text.encode())
    fix = value_text_fix(note, "nudged", "2026/11/05", "2026-11-05", ["2026-11-01", "2026-11-05"])
    result = fixed(text, fix)
    assert result == text.replace("2026/11/05", "2026-11-05")


def test_value_text_fix_that_would_not_read_as_intended_is_not_offered() -> None:
    note = parse_note(PATH, b"---\ndate: 2026/11/20\n---\n")
    assert value_text_fix(note, "date", "2026/11/20", "2026-11-20", "something else") is None


def test_rules_fixes_through_lint_note_keep_every_other_byte() -> None:
    text = (
        "\ufeff---\r\nstatus: done\r\ndate: 20 Nov 2026 # call\r\nperson: [[Jane Doe]]\r\n"
        "Role: PM\r\ncompany: Acme\r\n---\r\n# Jane\r\n\r\n## Notes\r\nstuff\r\n"
    )
    note = parse_note(PATH, text.encode())
    ctx = make_context(Path("/nonexistent-vault"), Config(), AS_OF)
    fixes = {d.rule: d.fix for d in lint_note(note, ctx) if d.fix is not None and d.rule != "VT201"}
    assert set(fixes) >= {"VT102", "VT105", "VT111"}
    result = apply_fixes(text.encode(), list(fixes.values()), PATH).decode()
    assert result == text.replace("20 Nov 2026", "2026-11-20").replace(
        "[[Jane Doe]]", '"[[Jane Doe]]"'
    ).replace("Role:", "role:")
    assert front(result.encode()) == {
        "status": "done",
        "date": "2026-11-20",
        "person": "[[Jane Doe]]",
        "role": "PM",
        "company": "Acme",
    }


def test_vt201_fixes_add_empty_headings_in_template_order() -> None:
    text = "---\r\nstatus: done\r\ndate: 2026-11-20\r\n---\r\n# Jane\r\n\r\n## Notes\r\nstuff"
    note = parse_note(PATH, text.encode())
    ctx = make_context(Path("/nonexistent-vault"), Config(), AS_OF)
    fixes = [d.fix for d in lint_note(note, ctx) if d.rule == "VT201" and d.fix is not None]
    assert len(fixes) == 6
    result = apply_fixes(text.encode(), fixes, PATH).decode()
    assert result == (
        "---\r\nstatus: done\r\ndate: 2026-11-20\r\n---\r\n# Jane\r\n\r\n"
        "## Objectives\r\n\r\n## Research\r\n\r\n## Questions\r\n\r\n## Notes\r\nstuff\r\n"
        "\r\n## Takeaways\r\n\r\n## Reflection\r\n\r\n## Follow-up"
    )
    assert not [code for code, _ in findings(result.encode()) if code == "VT201"]
    assert front(result.encode()) == {"status": "done", "date": "2026-11-20"}

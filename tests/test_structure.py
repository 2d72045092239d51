"""The fast line scan agrees with mistune's block parser wherever it answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLE_VAULT

from vault_tools.note import _structure, parse_note
from vault_tools.structure import scan_structure


def markdown_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.is_file())


def agree(path: Path) -> bool | None:
    """True when both agree, None when the scan passed the note to mistune."""
    note = parse_note(path.name, path.read_bytes())
    if not note.readable:
        return None
    scanned = scan_structure(note.lines, note.body_start)
    if scanned is None:
        return None
    headings, code = _structure(note.lines, note.body_start, fast=False)
    expected = (tuple((h.line, h.level, h.text, h.end_line) for h in headings), code)
    assert scanned == expected, path
    return True


def test_scan_agrees_with_mistune_on_the_sample_vault() -> None:
    answered = [agree(p) for p in markdown_files(SAMPLE_VAULT)]
    assert answered.count(True) >= 10  # the scan answers for most real notes


def test_scan_agrees_with_mistune_on_a_generated_vault(tmp_path: Path) -> None:
    import datetime as dt
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate_vault import generate

    generate(tmp_path, 400, seed=7, as_of=dt.date(2026, 11, 27))
    answered = [agree(p) for p in markdown_files(tmp_path)]
    assert answered.count(True) > len(answered) * 0.9


def test_scan_agrees_with_mistune_on_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (fresh clone)")
    answered = [agree(p) for p in markdown_files(CORPUS)]
    assert answered.count(True) > len(answered) // 3


@pytest.mark.parametrize(
    "body",
    [
        "- item\n-----\n",  # a list item then an underline
        "> quote\n===\n",
        "    ## indented code\n",
        "- item\n\n    continued\n",
        "<div>\n## inside html\n</div>\n",
        "- item\n  ## in the item\n",
        "  ```\n## in an indented fence\n  ```\n",
        "x" * 9000 + "\n",
    ],
)
def test_scan_defers_what_it_does_not_model(body: str) -> None:
    note = parse_note("a.md", body.encode())
    assert scan_structure(note.lines, note.body_start) is None


@pytest.mark.parametrize(
    ("body", "headings", "code"),
    [
        ("## A ##\n#tag\n####### seven\n#\tB\n", [(1, 2, "A"), (4, 1, "B")], set()),
        ("```\n## no\n```\n## yes\n", [(4, 2, "yes")], {1, 2, 3}),
        ("~~~~\n```\n~~~\n## no\n", [], {1, 2, 3, 4}),  # unclosed: to the end
        ("```a`b\n## yes\n", [(2, 2, "yes")], set()),  # not a fence: backtick in info
        ("<!-- c\n## no\n-->\n## yes\n", [(4, 2, "yes")], set()),
        ("---\n\n## after a break\n", [(3, 2, "after a break")], set()),
        ("Title\n=====\n\nTwo\nlines\n---\n", [(1, 1, "Title"), (4, 2, "Two lines")], set()),
        ("## A\nText\n---\n", [(1, 2, "A"), (2, 2, "Text")], set()),
        ("#tag line\n---\n", [(1, 2, "#tag line")], set()),
    ],
)
def test_scan_cases(body: str, headings: list[tuple[int, int, str]], code: set[int]) -> None:
    note = parse_note("a.md", body.encode())
    scanned = scan_structure(note.lines, note.body_start)
    assert scanned is not None
    assert [(h[0], h[1], h[2]) for h in scanned[0]] == headings
    assert scanned[1] == frozenset(code)
    slow = _structure(note.lines, note.body_start, fast=False)
    assert [(h.line, h.level, h.text) for h in slow[0]] == headings
    assert slow[1] == frozenset(code)

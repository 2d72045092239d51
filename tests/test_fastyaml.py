"""The plain front matter reader agrees with PyYAML wherever it answers."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLE_VAULT

from vault_tools.fastyaml import read_simple
from vault_tools.note import _FrontMatterError, _load_yaml, split_lines


def front_matter(path: Path) -> str | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = split_lines(text)
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return "\n".join(lines[1:i])
    return None


def agree(text: str) -> bool | None:
    simple = read_simple(text, 2)
    if simple is None:
        return None
    try:
        data, key_lines, _ = _load_yaml(text, 2)
    except _FrontMatterError:
        raise AssertionError(f"read_simple accepted YAML that PyYAML refuses:\n{text}") from None
    assert simple == ({str(k): v for k, v in (data or {}).items()}, key_lines), text
    return True


def texts(root: Path) -> list[str]:
    return [t for p in sorted(root.rglob("*.md")) if (t := front_matter(p)) is not None]


def test_agrees_on_the_sample_vault() -> None:
    answered = [agree(t) for t in texts(SAMPLE_VAULT)]
    assert answered.count(True) >= 10


def test_agrees_on_a_generated_vault(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate_vault import generate

    generate(tmp_path, 300, seed=3, as_of=dt.date(2026, 11, 27))
    answered = [agree(t) for t in texts(tmp_path)]
    assert answered.count(True) > len(answered) * 0.9


def test_agrees_on_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (fresh clone)")
    answered = [agree(t) for t in texts(CORPUS)]
    assert answered.count(True) > len(answered) // 4


@pytest.mark.parametrize(
    "text",
    [
        "company: No\nrole: On call\ntime: 10:00\nn: 019\nx: 0o17\ny: 0x1F\nz: 1e3\nw: .5",
        "a: true\nb: False\nc: ~\nd: null\ne:\nf: ''\ng: \"\"",
        'person: "[[People/Jane Doe|Jane]]"\ntags: [interview, data engineering, "x y"]',
        "title: Product Manager, Data Platform\nurl: https://example.org/a#b\nlang: C#",
        "date: 2026-11-20T15:00\nempty: []\n# a comment\n\nk: v",
        "my key: value  \nother-key: 'single quoted'",
    ],
)
def test_plain_cases_agree(text: str) -> None:
    assert agree(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "a: b # comment",
        "a: [[Jane Doe]]",
        "a:\n  - x",
        "a: 'it''s'",
        'a: "esc\\"aped"',
        "a: &x 1\nb: *x",
        "a: 1\na: 2",
        "true: x",
        "a: |\n  text",
        "a:\tb",
        "a: {b: c}",
        "- a",
        "a: -5",
        "a: [x, , y]",
        "a: b: c",
        "a: x:",
    ],
)
def test_everything_else_goes_to_pyyaml(text: str) -> None:
    assert read_simple(text, 2) is None


# --------------------------------------------------------------------------------------------
# Property: on front matter built from YAML's tricky corners, the reader either hands over or
# agrees with PyYAML (hypothesis; the profile of tests/test_properties.py sets the count).

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PLAIN = st.sampled_from(
    [
        "No",
        "yes",
        "On",
        "off",
        "true",
        "False",
        "null",
        "~",
        "10:00",
        "019",
        "0o17",
        "0x1F",
        "1e3",
        ".5",
        "+3",
        ".inf",
        ".NaN",
        "2026-11-20",
        "2026-11-20T15:00",
        "a#b",
        "C#",
        "http://x.y/z#q",
        "a:b",
        "Jane",
        "Doe,",
        "Inc.",
        "é",
        "日本",
        "😀",
        "data",
        "engineering",
    ]
)
_TRICKY = st.sampled_from(
    [
        "-5",
        "[[Jane]]",
        "'q'",
        '"d"',
        "x'",
        '"y',
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "-",
        "?",
        ":",
        ",",
        "[",
        "]",
        "{",
        "}",
        "#",
    ]
)
# Mostly words the reader should take, some it must hand over.
_WORDS = st.one_of(_PLAIN, _PLAIN, _PLAIN, _TRICKY)
_SPACE = st.sampled_from(["", " ", " ", " ", "  ", "\t"])


@st.composite
def _front_matter(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(["person", "status", "tags", "my key", "a-b", "x_1", "true"]))
        key = key if key != "true" or draw(st.booleans()) else "role"
        if draw(st.booleans()):
            items = draw(st.lists(_WORDS, max_size=4))
            value = "[" + draw(st.sampled_from([", ", ","])).join(items) + "]"
        else:
            value = " ".join(draw(st.lists(_WORDS, min_size=0, max_size=3)))
            if draw(st.booleans()):
                quote = draw(st.sampled_from(['"', "'"]))
                value = quote + value + quote
        lines.append(f"{key}:{draw(_SPACE) or ' '}{value}{draw(_SPACE)}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["# comment", "", "#x", "  - nested"])))
    return "\n".join(lines)


@given(_front_matter())
def test_plain_reader_never_disagrees_with_pyyaml(text: str) -> None:
    simple = read_simple(text, 2)
    if simple is None:
        return
    try:
        data, key_lines, _ = _load_yaml(text, 2)
    except _FrontMatterError:
        raise AssertionError(f"read_simple accepted YAML that PyYAML refuses:\n{text}") from None
    expected = ({str(k): v for k, v in (data or {}).items()}, key_lines)
    # NaN is not equal to itself: compare it by its text.
    assert repr(simple) == repr(expected), text

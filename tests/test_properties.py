"""Property tests (hypothesis): no input crashes the parser, the rules or a command's core.

Every property runs ``EXAMPLES`` examples under the active profile (``ci`` unless
``VAULT_TOOLS_HYPOTHESIS_PROFILE`` names another); docs/RELIABILITY.md records the numbers
and ``test_reliability_doc_lists_every_property`` keeps that record current.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import AS_OF, REPO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vault_tools import vault as vault_module
from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.errors import VaultToolsError
from vault_tools.interview import Context as RuleContext
from vault_tools.interview import make_context
from vault_tools.linter import LintResult, lint, lint_note
from vault_tools.note import Note, parse_note, person_name
from vault_tools.render.check import render_github, render_text
from vault_tools.rules import ALL_RULES
from vault_tools.scaffold import NewNote, create_note
from vault_tools.vocabulary import SECTION_ALIASES, STATUSES

# --------------------------------------------------------------------------------------------
# Profiles: the number of examples is part of the record (docs/RELIABILITY.md).

PROFILES = {"ci": 300, "dev": 50, "deep": 5000}
for _name, _count in PROFILES.items():
    settings.register_profile(
        _name,
        max_examples=_count,
        # In CI (``CI`` set, as .ci/run runs) the examples are the same on every run, so a
        # submission passes or fails on its own merits; locally each run explores anew.
        derandomize=bool(os.environ.get("CI")),
        deadline=None,  # big inputs and a first mistune import make timings noisy
        database=None,  # CI keeps nothing between runs; a failure prints its blob instead
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
PROFILE = os.environ.get("VAULT_TOOLS_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
EXAMPLES = PROFILES[PROFILE]

#: Every note is an interview, so every rule runs on every example.
EVERY_NOTE = Config(folders=("",))
CTX = make_context(Path("/nonexistent-vault"), EVERY_NOTE, AS_OF)
DEFAULT_CTX = make_context(Path("/nonexistent-vault"), Config(), AS_OF)


def raw_findings(note: Note, ctx: RuleContext = CTX) -> list[tuple[str, int, int, str]]:
    """What each rule yields, before the linter clamps positions into the file."""
    return [
        (rule.code, f.line, f.column, f.message)
        for rule in ALL_RULES
        for f in rule.check(note, ctx)
    ]


def assert_sound(raw: bytes, path: str = "Interviews/note.md") -> Note:
    """Parsing and linting ``raw`` raises nothing, and every position lies in the file."""
    note = parse_note(path, raw)
    last = max(len(note.lines), 1)
    for code, line, column, message in raw_findings(note):
        assert 1 <= line <= last, (code, line, last, message)
        assert column >= 1, (code, column, message)
        assert message, code
    for key, line in note.key_lines.items():
        assert 1 <= line <= last, (key, line, last)
    for heading in note.headings:
        assert 1 <= heading.line <= heading.end_line <= last
    for task in note.tasks:
        assert 1 <= task.line <= last
    # Through the linter as `check` runs it, with the default config and with every note
    # an interview: sorted, stamped, within the file.
    for ctx in (CTX, DEFAULT_CTX):
        diagnostics = lint_note(note, ctx)
        for d in diagnostics:
            assert 1 <= d.line <= last and d.column >= 1
            assert d.severity in ("error", "warning")
        # One printed line per finding, whatever the message quotes from the note.
        result = LintResult(1, tuple(sorted(diagnostics)))
        assert render_text(result).count("\n") == len(diagnostics)
        assert render_github(result).count("\n") == len(diagnostics)
    return note


# --------------------------------------------------------------------------------------------
# Strategies: text that looks like notes, and front matter that looks like Obsidian's.

SECTION_NAMES = [name for name, aliases in SECTION_ALIASES.items() for name in (name, *aliases)]
KEYS = [
    "type",
    "person",
    "company",
    "role",
    "status",
    "requested",
    "date",
    "thank_you_sent",
    "last_contact",
    "follow_up",
    "keep_in_touch",
    "tags",
    "aliases",
    "vault-tools-ignore",
    "generated_by",
]
TRICKY_SCALARS = [
    "No",
    "yes",
    "on",
    "10:00",
    "019",
    "0x1F",
    "0o17",
    "1e3",
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "null",
    "",
    "true",
    "False",
    "2026-11-20",
    "2026-11-20T15:00",
    "2026-11-20 15:00:00+01:00",
    "2026-02-30",
    "9999-12-31T23:59+23:59",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-14:00",
    "0000-00-00",
    "[[Jane Doe]]",
    '"[[People/Jane Doe|Jane]]"',
    "[[a]], [[b]]",
    "90d",
    "12w",
    "3m",
    "never",
    "-5",
    "99999999999999999999999999",
    "interview",
    "[interview, x]",
    "{a: 1}",
    "&anchor x",
    "*anchor",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!python/object:os.system x",
    "!!timestamp 2026-11-20",
    "'unclosed",
    '"unclosed',
    "[unclosed",
    "{",
    "|",
    ">-",
    "- a",
    "a: b: c",
    "#comment",
    "\t",
    "x\u2028y",
    "\u0085",
    "é\u00a0",
    "📅 2026-11-28",
]
BODY_PIECES = [
    *(f"## {name}" for name in SECTION_NAMES),
    *(f"## {name.upper()} 🎯" for name in SECTION_NAMES),
    "# Title",
    "### What went well",
    "### What to improve",
    "Setext heading",
    "===",
    "---",
    "***",
    "- item",
    "- [ ] task 📅 2026-11-28",
    "- [x] done ✅ 2026-11-20",
    "- [-] cancelled",
    "- [ ] [due:: 2026-12-01] [completion:: 2026-12-02]",
    "1. How did you start?",
    "2) Do you like it?",
    "* Is it hard?",
    "Why?",
    "> quoted ## not a heading",
    "> - [ ] quoted task",
    "```",
    "~~~python",
    "    indented code",
    "\tcode with a tab",
    "<!-- comment -->",
    "<!--",
    "-->",
    "%% obsidian comment %%",
    "%%",
    "<div>",
    "</div>",
    "[ref]: https://example.com",
    "| a | b |",
    "|---|---|",
    "",
    " ",
]
LINE_ENDINGS = ["\n", "\r\n", "\r"]

yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(TRICKY_SCALARS)
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=st.timezones()),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
frontmatter_mappings = st.dictionaries(
    st.sampled_from(KEYS) | st.text(min_size=1, max_size=20), yaml_values, max_size=12
)
raw_frontmatter_lines = st.lists(
    st.tuples(st.sampled_from(KEYS) | st.text(max_size=10), st.sampled_from(TRICKY_SCALARS)).map(
        lambda kv: f"{kv[0]}: {kv[1]}"
    )
    | st.sampled_from(["---", "  - nested", "? complex", ": value", "<<: *anchor", "\t- tab"])
    | st.text(max_size=30),
    max_size=12,
)
body_lines = st.lists(st.sampled_from(BODY_PIECES) | st.text(max_size=40), max_size=40)


@st.composite
def markdown_notes(draw: st.DrawFn) -> str:
    """Front matter (dumped, hand-written, unclosed or none) and a Markdown body."""
    ending = draw(st.sampled_from(LINE_ENDINGS))
    kind = draw(st.sampled_from(["dumped", "raw", "unclosed", "none"]))
    head: list[str] = []
    if kind == "dumped":
        dumped = yaml.safe_dump(draw(frontmatter_mappings), allow_unicode=True, sort_keys=False)
        head = ["---", *dumped.splitlines(), "---"]
    elif kind == "raw":
        head = ["---", *draw(raw_frontmatter_lines), "---"]
    elif kind == "unclosed":
        head = ["---", *draw(raw_frontmatter_lines)]
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + ending.join([*head, *draw(body_lines)]) + draw(st.sampled_from(["", ending]))


# --------------------------------------------------------------------------------------------
# The parser and the rules


@given(st.binary(max_size=4096))
def test_any_bytes_as_a_note(raw: bytes) -> None:
    assert_sound(raw)


@given(st.text(max_size=4096))
def test_any_text_as_a_note(text: str) -> None:
    assert_sound(text.encode("utf-8"))


@given(markdown_notes())
def test_any_markdown_note(text: str) -> None:
    assert_sound(text.encode("utf-8"))


@given(markdown_notes())
# Found by hypothesis in CI: after a link reference definition an indented line is code.
@example("---\n{}\n---\n[ref]: https://example.com\n    indented code")
def test_line_scan_agrees_with_mistune(text: str) -> None:
    """The fast heading scan answers exactly as mistune does, or hands the note over."""
    from vault_tools.note import _structure
    from vault_tools.structure import scan_structure

    note = parse_note("Interviews/note.md", text.encode("utf-8"))
    scanned = scan_structure(note.lines, note.body_start)
    if scanned is not None:
        headings, code = _structure(note.lines, note.body_start, fast=False)
        assert scanned == (tuple((h.line, h.level, h.text, h.end_line) for h in headings), code)


@given(frontmatter_mappings)
def test_plain_reader_agrees_with_pyyaml(mapping: Mapping[str, Any]) -> None:
    """The plain front matter reader gives PyYAML's mapping and key lines, or hands over."""
    from vault_tools.fastyaml import read_simple
    from vault_tools.note import _load_yaml

    text = yaml.safe_dump(dict(mapping), allow_unicode=True, sort_keys=False).rstrip("\n")
    simple = read_simple(text, 2)
    if simple is not None:
        data, key_lines, _ = _load_yaml(text, 2)
        assert repr(simple) == repr(({str(k): v for k, v in (data or {}).items()}, key_lines))


@given(frontmatter_mappings, body_lines)
def test_any_frontmatter_mapping(mapping: Mapping[str, Any], body: list[str]) -> None:
    dumped = yaml.safe_dump(dict(mapping), allow_unicode=True, sort_keys=False)
    note = assert_sound(("---\n" + dumped + "---\n" + "\n".join(body)).encode("utf-8"))
    # safe_dump writes YAML that YAML reads back: never an invalid-YAML finding.
    assert note.frontmatter_kind == "mapping", note.problems


@given(markdown_notes().map(lambda t: t.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")))
def test_bom_and_line_endings_change_no_finding(text: str) -> None:
    """SPEC: a UTF-8 BOM and CRLF or CR line endings are read transparently."""
    expected = sorted(raw_findings(parse_note("a.md", text.encode("utf-8"))))
    for variant in ("\ufeff" + text, text.replace("\n", "\r\n"), text.replace("\n", "\r")):
        assert sorted(raw_findings(parse_note("a.md", variant.encode("utf-8")))) == expected


DATE_KEYS = ("requested", "date", "thank_you_sent", "last_contact", "follow_up")
aware_datetimes = st.datetimes(timezones=st.timezones())
date_texts = (
    st.sampled_from(TRICKY_SCALARS)
    | st.dates().map(str)
    | aware_datetimes.map(lambda d: d.isoformat(timespec="minutes"))
    | aware_datetimes.map(str)
    | st.text(max_size=30)
)


@given(
    key=st.sampled_from(DATE_KEYS),
    value=date_texts,
    quoted=st.booleans(),
    status=st.sampled_from(STATUSES),
)
def test_any_text_in_a_date_key(key: str, value: str, quoted: bool, status: str) -> None:
    """Dates at the edges of the calendar, with any offset, in any date key: a date or a
    finding, never an exception (0001-01-01T00:00+14:00 once overflowed)."""
    written = json.dumps(value) if quoted or "\n" in value else value
    text = f"---\nperson: Jane\nstatus: {status}\ndate: 2026-11-20T15:00\n{key}: {written}\n---\n"
    assert_sound(text.encode("utf-8"))


FILLED = {name: f"- {name} written? yes, how?" for name in SECTION_ALIASES}


@given(
    status=st.sampled_from(STATUSES),
    present=st.lists(st.sampled_from(list(SECTION_ALIASES)), unique=True),
    shuffle=st.randoms(use_true_random=False),
)
def test_sections_in_any_order(status: str, present: list[str], shuffle: random.Random) -> None:
    """Sections may come in any order: exactly the required ones that are absent are missing,
    none of the present ones is empty or duplicated."""
    shuffle.shuffle(present)
    body = "\n\n".join(f"## {name}\n{FILLED[name]}" for name in present)
    text = (
        "---\nperson: Jane Doe\ncompany: Acme\nrole: Engineer\n"
        f"status: {status}\ndate: 2026-11-20\nthank_you_sent: 2026-11-21\n---\n# Jane\n\n{body}\n"
    )
    note = assert_sound(text.encode("utf-8"))
    found = raw_findings(note)
    missing = {m.split('"')[1] for code, *_, m in found if code == "VT201"}
    assert missing == set(Config().sections[status]) - set(present)
    assert not [f for f in found if f[0] in ("VT202", "VT203", "VT001", "VT101", "VT102")]


# --------------------------------------------------------------------------------------------
# check: deterministic, whatever order the file system lists the notes in

note_texts = st.one_of(markdown_notes(), st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
vault_files = st.dictionaries(
    st.sampled_from(
        ["Interviews/a.md", "Interviews/b.md", "Interviews/sub/c.md", "Notes/d.md", "e.md", "f.MD"]
    ),
    st.one_of(markdown_notes().map(str.encode), st.binary(max_size=300)),
    min_size=1,
)


@given(vault_files, st.randoms(use_true_random=False))
def test_check_is_deterministic(files: dict[str, bytes], order: random.Random) -> None:
    """Same vault, same output: in-process twice, and with the folder listing shuffled."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, raw in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(raw)
        args = ["check", "--vault", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"]
        first = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert first.exit_code in (0, 1), first.output
        json.loads(first.stdout)

        real_scandir = os.scandir

        class Shuffled:
            def __init__(self, path: Any) -> None:
                with real_scandir(path) as listing:
                    self.entries = list(listing)
                order.shuffle(self.entries)

            def __enter__(self) -> Iterator[os.DirEntry[str]]:
                return iter(self.entries)

            def __exit__(self, *exc: object) -> None:
                return None

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(vault_module.os, "scandir", Shuffled)
            second = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert (second.exit_code, second.stdout) == (first.exit_code, first.stdout)

        # The linter itself: notes in any order give the same diagnostics.
        notes = [parse_note(rel, raw) for rel, raw in files.items()]
        order.shuffle(notes)
        assert lint(notes, DEFAULT_CTX) == lint(sorted(notes, key=lambda n: n.path), DEFAULT_CTX)


# --------------------------------------------------------------------------------------------
# new and init

names = st.text(min_size=1, max_size=40)


@given(
    person=names,
    company=st.text(max_size=30) | st.sampled_from(TRICKY_SCALARS),
    role=st.text(max_size=30) | st.sampled_from(TRICKY_SCALARS),
    status=st.sampled_from(STATUSES),
    day=st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
)
def test_new_writes_a_note_that_reads_back(
    person: str, company: str, role: str, status: str, day: dt.date | None
) -> None:
    """Whatever the person, company and role, `new` either refuses (exit 2) or writes a note
    inside the vault whose front matter reads back as exactly what was given."""
    from vault_tools.dates import When

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        new = NewNote(person, company, role, When(day) if day else None, status)
        try:
            rel = create_note(root, Config(), new)
        except VaultToolsError:
            assert not any(p.is_file() for p in root.rglob("*"))
            return
        path = root / rel
        assert path.resolve().is_relative_to(root.resolve()) and path.is_file()
        note = parse_note(rel, path.read_bytes())
        assert note.frontmatter_kind == "mapping", note.problems
        assert note.get("company") == company
        assert note.get("role") == role
        assert note.get("status") == status
        assert person_name(note.get("person")) is not None
        assert not [p for p in note.problems if p[0] in ("VT001", "VT002", "VT004")]
        assert not [tmp for tmp in root.rglob(".*.tmp")]


existing_files = st.dictionaries(
    st.sampled_from(
        [
            ".vault-tools.toml",
            "Templates/Interview.md",
            "Interviews/a.md",
            "Interviews",
            "Templates",
        ]
    ),
    st.binary(max_size=200),
    max_size=4,
)


@given(existing_files)
def test_init_never_overwrites(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, raw in files.items():
            target = root / rel
            if any(parent.is_file() for parent in target.parents):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.write_bytes(raw)
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        result = CliRunner().invoke(cli, ["init", "--vault", str(root)], catch_exceptions=False)
        assert result.exit_code in (0, 2), result.output
        assert {p: p.read_bytes() for p in before} == before


def test_profile_is_recorded() -> None:
    """docs/RELIABILITY.md states how many examples each property runs in CI."""
    doc = (REPO / "docs" / "RELIABILITY.md").read_text("utf-8")
    assert f"max_examples={PROFILES['ci']}" in doc
    for name in PROPERTY_TESTS:
        assert f"`{name}`" in doc, f"docs/RELIABILITY.md does not list the property {name}"


PROPERTY_TESTS = sorted(
    name
    for name, value in dict(globals()).items()
    if name.startswith("test_") and hasattr(value, "hypothesis")
)

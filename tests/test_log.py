"""`vault-tools log` end to end: what each event writes (SPEC's table, with events.py's care:
a status only moves forward, an event already recorded changes nothing, undoing a done
interview is refused), which note a NOTE argument names, what is refused (exit 2, nothing
written), and vaults shaped like real users' vaults. Every test works on a temporary copy.

The expected front matter is worked out here from the note as it was (``expected_change``),
and checked three ways: the note read back, its lines byte for byte (endings included), and
the diff on stderr applied to the old text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF, SAMPLE_VAULT, copy_sample_vault, make_vault

import vault_tools.editing
from vault_tools.cli import cli
from vault_tools.dates import parse_date
from vault_tools.note import Note, parse_note
from vault_tools.vocabulary import canonical_key

EVENTS = (
    "requested",
    "nudged",
    "scheduled",
    "done",
    "thanked",
    "contact",
    "declined",
    "cancelled",
)
ON = "2026-11-26"  # the day every event of the sample_vault matrix happened
WHEN = "2026-11-30T10:00"  # the interview's date that `scheduled` records
STAGE = {"planned": 0, "requested": 1, "scheduled": 2, "done": 3}
BOM = "\ufeff"

SAMPLE_NOTES = sorted(
    p.relative_to(SAMPLE_VAULT).as_posix() for p in (SAMPLE_VAULT / "Interviews").glob("*.md")
)


# --------------------------------------------------------------------------------------------
# Helpers


def invoke(vault: Path, *args: str) -> Result:
    runner = CliRunner(catch_exceptions=False)
    return runner.invoke(cli, [*args, "--vault", str(vault), "--as-of", AS_OF.isoformat()])


def log(vault: Path, *args: str) -> Result:
    return invoke(vault, "log", *args)


def snapshot(root: Path) -> dict[str, str]:
    """Every file of the vault (its cache folder aside): a hash of its bytes, or where a
    symlink points."""
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == ".vault-tools":
            continue
        if path.is_symlink():
            files[rel.as_posix()] = "-> " + os.readlink(path)
        elif path.is_file():
            files[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_of(raw: bytes) -> list[str]:
    """A note's lines with their endings (a BOM left out)."""
    return _LINE.findall(raw.decode("utf-8").removeprefix(BOM))


def bare(lines: list[str]) -> list[str]:
    return [line.rstrip("\r\n") for line in lines]


def front_matter_keys(lines: list[str]) -> tuple[dict[str, list[int]], int]:
    """Each top-level key's lines (0-based: the key's line and the value's lines after
    it), by canonical key, and the index of the closing ``---``."""
    keys: dict[str, list[int]] = {}
    current: str | None = None
    for i in range(1, len(lines)):
        text = lines[i].rstrip("\r\n")
        if text.rstrip() == "---":
            return keys, i
        if not text.strip() or text.lstrip().startswith("#"):
            continue  # belongs to no key
        if text[0] in " \t" or text.startswith("-"):
            if current is not None:
                keys[current].append(i)
            continue
        current = canonical_key(text.split(":", 1)[0].strip().strip("\"'"))
        keys.setdefault(current, []).append(i)
    raise AssertionError("front matter not closed")


_FOLLOW_UP = re.compile(r"^##\s+(follow[- ]?up|next steps|action items)\b", re.IGNORECASE)
_TASK = re.compile(r"^\s*[-*+]\s+\[.\]\s")
_EMOJI_DATES = ("📅", "📆", "🗓", "⏳", "🛫", "➕", "✅")
_DATAVIEW_FIELD = re.compile(r"\[[\w -]+::")


def followup_task_lines(lines: list[str]) -> list[int]:
    """The tasks in the Follow-up section (0-based lines)."""
    found: list[int] = []
    inside = False
    for i, line in enumerate(bare(lines)):
        if re.match(r"^#{1,2}\s", line):
            inside = bool(_FOLLOW_UP.match(line))
        elif inside and _TASK.match(line):
            found.append(i)
    return found


def thank_tasks(lines: list[str]) -> list[int]:
    """Open Follow-up tasks mentioning "thank" (0-based lines)."""
    return [
        i
        for i in followup_task_lines(lines)
        if "[ ]" in lines[i][:8] and "thank" in lines[i].casefold()
    ]


def dataview_note(lines: list[str]) -> bool:
    """Whether the note's Follow-up tasks date themselves Dataview's way: the first task
    with a date says (README: a tick is dated as the note's other tasks are)."""
    for i in followup_task_lines(lines):
        if _DATAVIEW_FIELD.search(lines[i]):
            return True
        if any(mark in lines[i] for mark in _EMOJI_DATES):
            return False
    return False


def ticked(line: str, day: str, dataview: bool = False) -> str:
    """A task line marked done: ``[x]``, and the stamp before a block id: ``✅ day`` as
    Obsidian Tasks writes it, ``[completion:: day]`` in a Dataview-style task (the line's
    own markers decide, else ``dataview``, the note's style)."""
    text = line.rstrip("\r\n")
    ending = line[len(text) :]
    text = text.replace("[ ]", "[x]", 1)
    if any(mark in text for mark in _EMOJI_DATES):
        dataview = False
    elif _DATAVIEW_FIELD.search(text):
        dataview = True
    stamp = f"[completion:: {day}]" if dataview else f"✅ {day}"
    block_id = re.search(r" \^[A-Za-z0-9-]+$", text)
    if block_id:
        text = text[: block_id.start()] + " " + stamp + text[block_id.start() :]
    else:
        text = text + " " + stamp
    return text + ending


class Refused(Exception):
    pass


def expected_change(note: Note, event: str, day: str, when: str) -> dict[str, Any]:
    """The front matter keys ``event`` sets in ``note`` and the value each reads back as;
    Refused when the event must be refused. SPEC's log table, with events.py's care."""
    if note.frontmatter is None or note.frontmatter_kind != "mapping":
        raise Refused("front matter that cannot be edited")
    written = note.get("status")
    status = written.strip().lower() if isinstance(written, str) else None
    changes: dict[str, Any] = {}

    def move(new: str) -> None:
        if status == new:
            return
        if status in STAGE and new in STAGE and STAGE[status] > STAGE[new]:
            return  # a status only moves forward
        changes["status"] = new

    def date_key(key: str) -> None:
        if parse_date(note.get(key)) is None:  # absent, or not a date: the event's day
            changes[key] = day

    if event == "requested":
        move("requested")
        date_key("requested")
    elif event == "nudged":
        current = note.get("nudged")
        items = [] if current is None else current if isinstance(current, list) else [current]
        if day not in {str(parse_date(item)) for item in items}:
            changes["nudged"] = day if current is None else [*items, day]
    elif event == "scheduled":
        if status == "done":
            raise Refused("scheduling a done interview")
        move("scheduled")
        if note.get("date") != when:
            changes["date"] = when
    elif event == "done":
        move("done")
        if note.get("date") is None:
            changes["date"] = day
    elif event == "thanked":
        date_key("thank_you_sent")
    elif event == "contact":
        last = parse_date(note.get("last_contact"))
        if last is None or last.isoformat() < day:
            changes["last_contact"] = day
    else:
        if status == "done":
            raise Refused(f"{event} after done")
        move(event)
    return changes


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_diff(before: list[str], diff: list[str]) -> list[str]:
    """``before`` (lines without endings) with the unified diff ``diff`` applied."""
    assert diff[0].startswith("--- a/") and diff[1].startswith("+++ b/"), diff[:2]
    out: list[str] = []
    pos = 0
    i = 2
    while i < len(diff):
        m = _HUNK.match(diff[i])
        assert m, f"not a hunk header: {diff[i]!r}"
        start = int(m[1]) - (0 if m[2] == "0" else 1)
        out.extend(before[pos:start])
        pos = start
        i += 1
        while i < len(diff) and not diff[i].startswith("@@"):
            mark, text = diff[i][:1], diff[i][1:]
            if mark in (" ", "-"):
                assert before[pos] == text, (pos, before[pos], text)
                pos += 1
                if mark == " ":
                    out.append(text)
            elif mark == "+":
                out.append(text)
            else:
                assert diff[i] == "\\ No newline at end of file", diff[i]
            i += 1
    out.extend(before[pos:])
    return out


def split_stderr(stderr: str, path: str) -> tuple[list[str], list[str]]:
    """stderr's lines about what was left alone (each naming the note), and the diff."""
    lines = stderr.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    start = next((i for i, line in enumerate(lines) if line.startswith("--- a/")), len(lines))
    said, diff = lines[:start], lines[start:]
    assert all(line.startswith(f"{path}: ") for line in said), said
    return said, diff


def assert_refused(result: Result, vault: Path, before: dict[str, str], *hints: str) -> str:
    """Exit 2 with one error line on stderr, nothing on stdout, and no file changed."""
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("vault-tools: error: "), result.stderr
    for hint in hints:
        assert hint in errors[0], (hint, errors[0])
    assert snapshot(vault) == before
    return errors[0]


def assert_logged(
    vault: Path,
    rel: str,
    before_raw: bytes,
    changes: dict[str, Any],
    ticks: list[int],
    day: str,
    result: Result,
    quiet: bool = False,
) -> bytes:
    """The note holds exactly ``changes`` and ``ticks`` and nothing else changed, in its
    front matter or its bytes; stderr shows that change as a diff (unless ``quiet``)."""
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    after_raw = (vault / rel).read_bytes()
    before, after = parse_note(rel, before_raw), parse_note(rel, after_raw)
    assert after.frontmatter is not None and before.frontmatter is not None
    for key, value in changes.items():
        assert after.get(key) == value, (key, after.get(key), value)
    for key in set(before.frontmatter) | set(after.frontmatter):
        if key not in changes:
            assert before.frontmatter.get(key) == after.frontmatter.get(key), key

    # Byte for byte: every line but the edited keys' and the ticked tasks' is kept.
    old, new = lines_of(before_raw), lines_of(after_raw)
    assert after_raw.startswith(BOM.encode()) == before_raw.startswith(BOM.encode())
    old_keys, _ = front_matter_keys(old)
    new_keys, new_close = front_matter_keys(new)
    shift = len(new) - len(old)
    old_edited = {i for key in changes for i in old_keys.get(key, [])} | set(ticks)
    new_edited = {i for key in changes for i in new_keys.get(key, [])}
    new_edited |= {i + shift for i in ticks}
    assert [x for i, x in enumerate(old) if i not in old_edited] == [
        x for i, x in enumerate(new) if i not in new_edited
    ]
    for key in changes:
        assert key in new_keys and max(new_keys[key]) < new_close, key
        if key not in old_keys:  # a new key goes after the last one
            others = [i for k, lines in new_keys.items() if k not in changes for i in lines]
            assert min(new_keys[key]) > max(others, default=0), key
        else:  # written in place: the key's first line stays where it was
            assert min(new_keys[key]) == min(old_keys[key]), key
    for i in ticks:
        assert new[i + shift] == ticked(old[i], day, dataview_note(old))

    if quiet:
        assert result.stderr == ""
    else:
        _, diff = split_stderr(result.stderr, rel)
        assert diff[:2] == [f"--- a/{rel}", f"+++ b/{rel}"]
        assert apply_diff(bare(old), diff) == bare(new)
    return after_raw


# --------------------------------------------------------------------------------------------
# 1. Every event on every interview note of sample_vault


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("rel", SAMPLE_NOTES)
def test_every_event_on_every_sample_note(tmp_path: Path, rel: str, event: str) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    raw = (vault / rel).read_bytes()
    note = parse_note(rel, raw)
    extra = [WHEN] if event == "scheduled" else []

    result = log(vault, rel, event, *extra, "--on", ON)

    try:
        changes = expected_change(note, event, ON, WHEN)
    except Refused:
        assert_refused(result, vault, before, rel)
        return
    ticks = thank_tasks(lines_of(raw)) if event == "thanked" else []
    if not changes and not ticks:
        assert result.exit_code == 0, result.stderr
        assert "already recorded, nothing to change" in result.stderr
        assert "--- a/" not in result.stderr
        assert snapshot(vault) == before
        return
    assert_logged(vault, rel, raw, changes, ticks, ON, result)
    after = snapshot(vault)
    assert {k for k in before | after if before.get(k) != after.get(k)} == {rel}


def test_the_matrix_covers_every_outcome() -> None:
    """The sample notes give the matrix each outcome: written, already recorded, refused
    by the rules, and refused for the front matter."""
    outcomes: set[str] = set()
    for rel in SAMPLE_NOTES:
        note = parse_note(rel, (SAMPLE_VAULT / rel).read_bytes())
        for event in EVENTS:
            try:
                changes = expected_change(note, event, ON, WHEN)
            except Refused as exc:
                outcomes.add("front matter" if "front matter" in str(exc) else "rules")
                continue
            outcomes.add("written" if changes else "recorded")
    assert outcomes == {"written", "recorded", "rules", "front matter"}


@pytest.mark.parametrize("event", EVENTS)
def test_quiet_writes_the_same_and_prints_nothing(tmp_path: Path, event: str) -> None:
    rel = "Interviews/2026-11-25 Mei Chen.md"  # planned, no date: every event changes it
    loud = copy_sample_vault(tmp_path / "loud")
    quiet = copy_sample_vault(tmp_path / "quiet")
    raw = (quiet / rel).read_bytes()
    extra = [WHEN] if event == "scheduled" else []

    shown = log(loud, rel, event, *extra, "--on", ON)
    result = log(quiet, rel, event, *extra, "--on", ON, "--quiet")

    changes = expected_change(parse_note(rel, raw), event, ON, WHEN)
    assert changes
    assert "--- a/" in shown.stderr
    assert_logged(quiet, rel, raw, changes, [], ON, result, quiet=True)
    assert (quiet / rel).read_bytes() == (loud / rel).read_bytes()


def test_logging_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    rel = "Interviews/2026-11-12 Tobias Schmidt.md"
    assert log(vault, rel, "nudged", "--on", ON).exit_code == 0
    once = snapshot(vault)
    again = log(vault, rel, "nudged", "--on", ON)
    assert again.exit_code == 0
    assert "already recorded" in again.stderr
    assert snapshot(vault) == once


# --------------------------------------------------------------------------------------------
# 2. Which note NOTE names


PRIYA = "Interviews/2026-11-24 Priya Nair.md"
JANE = "Interviews/2026-11-20 Jane Doe.md"
ANA_OLD = "Interviews/2026-10-21 Ana Souza.md"
ANA_NEW = "Interviews/2026-11-18 Ana Souza.md"


def changed(before: dict[str, str], vault: Path) -> set[str]:
    after = snapshot(vault)
    return {k for k in before | after if before.get(k) != after.get(k)}


@pytest.mark.parametrize(
    ("cwd", "target"),
    [
        ("Interviews", "2026-11-24 Priya Nair.md"),
        ("Interviews", "2026-11-24 Priya Nair"),
        (".", "Interviews/2026-11-24 Priya Nair.md"),
        ("..", "v/Interviews/2026-11-24 Priya Nair"),
        ("elsewhere", "Interviews/2026-11-24 Priya Nair.md"),
        ("elsewhere", "Interviews/2026-11-24 Priya Nair"),
        ("elsewhere", "2026-11-24 Priya Nair"),
        ("elsewhere", "Priya Nair"),
        ("elsewhere", "priya nair"),
    ],
)
def test_note_by_path_name_or_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, target: str
) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere" if cwd == "elsewhere" else vault / cwd)
    before = snapshot(vault)
    result = log(vault, target, "nudged", "--on", ON)
    assert result.exit_code == 0, result.stderr
    assert changed(before, vault) == {PRIYA}
    assert parse_note(PRIYA, (vault / PRIYA).read_bytes()).get("nudged") == ON


def test_jane_doe_by_note_name_and_by_person(tmp_path: Path) -> None:
    for target in ("2026-11-20 Jane Doe", "Jane Doe"):
        vault = copy_sample_vault(tmp_path / target)
        before = snapshot(vault)
        result = log(vault, target, "thanked", "--on", "2026-11-22")
        assert result.exit_code == 0, result.stderr
        assert changed(before, vault) == {JANE}
        note = parse_note(JANE, (vault / JANE).read_bytes())
        assert note.get("thank_you_sent") == "2026-11-22"


def test_a_person_with_two_notes_lists_both(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    # Both of Ana Souza's interviews are done and thanked: "thanked" fits neither.
    message = assert_refused(log(vault, "Ana Souza", "thanked", "--on", ON), vault, before)
    assert ANA_OLD in message and ANA_NEW in message


def test_a_person_with_two_notes_and_one_that_fits(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    newer = vault / ANA_NEW
    newer.write_bytes(newer.read_bytes().replace(b"thank_you_sent: 2026-11-18\n", b""))
    before = snapshot(vault)
    result = log(vault, "Ana Souza", "thanked", "--on", "2026-11-19")
    assert result.exit_code == 0, result.stderr
    assert changed(before, vault) == {ANA_NEW}
    assert parse_note(ANA_NEW, newer.read_bytes()).get("thank_you_sent") == "2026-11-19"


NOTE = """---
type: interview
person: "[[{person}]]"
company: Acme
role: Engineer
status: {status}
requested: {requested}
{extra}---
# Interview with {person}

## Follow-up
- [ ] Send thank-you note
"""


def interview(person: str, status: str, requested: str, extra: str = "") -> str:
    return NOTE.format(person=person, status=status, requested=requested, extra=extra)


def test_contact_by_name_picks_the_latest_note(tmp_path: Path) -> None:
    old, new = "Interviews/2026-09-01 Max Roe.md", "Interviews/2026-11-10 Max Roe.md"
    vault = make_vault(
        tmp_path / "v",
        {
            old: interview("Max Roe", "done", "2026-08-20", "date: 2026-09-01\n"),
            new: interview("Max Roe", "done", "2026-11-01", "date: 2026-11-10\n"),
        },
    )
    before = snapshot(vault)
    result = log(vault, "Max Roe", "contact", "--on", ON)
    assert result.exit_code == 0, result.stderr
    assert changed(before, vault) == {new}
    assert parse_note(new, (vault / new).read_bytes()).get("last_contact") == ON


def test_contact_goes_to_the_persons_own_note(tmp_path: Path) -> None:
    """SPEC's log table: contact writes ``last_contact`` "in the person's note when they
    have one" (Ana Souza has People/Ana Souza.md)."""
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    result = log(vault, "Ana Souza", "contact", "--on", ON)
    assert result.exit_code == 0, result.stderr
    person = "People/Ana Souza.md"
    assert changed(before, vault) == {person}
    assert parse_note(person, (vault / person).read_bytes()).get("last_contact") == ON


def test_a_path_outside_the_vault_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    outside = tmp_path / "outside.md"
    outside.write_text(interview("Jane Doe", "requested", "2026-11-10"), encoding="utf-8")
    kept = outside.read_bytes()
    before = snapshot(vault)
    monkeypatch.chdir(vault)
    for target in (str(outside), "../outside.md", "../outside"):
        assert_refused(log(vault, target, "done", "--on", ON), vault, before, "outside the vault")
        assert outside.read_bytes() == kept


def test_an_unknown_name_says_how_to_name_a_note(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    message = assert_refused(log(vault, "Nobody Here", "done", "--on", ON), vault, before)
    assert "Nobody Here" in message and "path" in message


# --------------------------------------------------------------------------------------------
# 3. Refusals


REL = "Interviews/2026-11-20 Jane Doe.md"
FM = "---\ntype: interview\nperson: Jane Doe\ncompany: Acme\nrole: Engineer\n"


@pytest.mark.parametrize(
    ("text", "event", "hints"),
    [
        ("# Chat with Jane\n\nNo properties yet.\n", "done", ("front matter", "add one")),
        (FM + "status: requested\n# Body\n", "done", ("never closed", "fix that first")),
        (FM + 'status: requested\ncity: "Ber\n---\n', "done", ("not valid YAML", "fix")),
        (FM + "status: |\n  requested\n---\n", "done", ("block scalar", "by hand")),
        (FM + "status: >\n  requested\n---\n", "declined", ("block scalar", "by hand")),
        (FM + "status: &s requested\n---\n", "done", ("anchor", "by hand")),
        (FM + "status: requested\n  still\n---\n", "done", ("several lines", "by hand")),
        (FM + 'status: "requested\n  still"\n---\n', "done", ("several lines", "by hand")),
        (FM + "status: requested\nnudged: |\n  2026-11-20\n---\n", "nudged", ("by hand",)),
        (FM + "status: requested\nstatus: planned\n---\n", "done", ("2 times", "keep one")),
    ],
    ids=[
        "no-front-matter",
        "unclosed",
        "invalid-yaml",
        "block-scalar",
        "folded-scalar",
        "anchor",
        "plain-multi-line",
        "quoted-multi-line",
        "nudged-block-scalar",
        "duplicate-key",
    ],
)
def test_front_matter_it_cannot_edit_is_refused(
    tmp_path: Path, text: str, event: str, hints: tuple[str, ...]
) -> None:
    vault = make_vault(tmp_path / "v", {REL: text})
    before = snapshot(vault)
    assert_refused(log(vault, REL, event, "--on", ON), vault, before, REL, *hints)
    assert (vault / REL).read_text(encoding="utf-8") == text


def test_a_read_only_note_is_refused(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v", {REL: interview("Jane Doe", "requested", "2026-11-10")})
    (vault / REL).chmod(0o444)
    before = snapshot(vault)
    try:
        assert_refused(log(vault, REL, "done", "--on", ON), vault, before, "read-only")
        assert (vault / REL).stat().st_mode & 0o777 == 0o444
    finally:
        (vault / REL).chmod(0o644)


def test_a_note_saved_meanwhile_keeps_what_was_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(tmp_path / "v", {REL: interview("Jane Doe", "requested", "2026-11-10")})
    saved = interview("Jane Doe", "scheduled", "2026-11-10", "date: 2026-12-01\n").encode()
    real: Callable[..., bytes] = vault_tools.editing.edit_bytes

    def edit_then_editor_saves(*args: Any, **kwargs: Any) -> bytes:
        new = real(*args, **kwargs)
        (vault / REL).write_bytes(saved)  # the user's editor saves between read and write
        return new

    monkeypatch.setattr(vault_tools.editing, "edit_bytes", edit_then_editor_saves)
    result = log(vault, REL, "done", "--on", ON)
    assert result.exit_code == 2, result.stderr
    assert "changed on disk" in result.stderr and "nothing was written" in result.stderr
    assert (vault / REL).read_bytes() == saved
    assert sorted(p.name for p in (vault / "Interviews").iterdir()) == [Path(REL).name]


@pytest.mark.parametrize("target", [REL, "Jane Doe"])
def test_a_symlinked_note_is_refused(tmp_path: Path, target: str) -> None:
    outside = tmp_path / "elsewhere" / "real.md"
    real = interview("Jane Doe", "requested", "2026-11-10")
    make_vault(tmp_path / "elsewhere", {"real.md": real})
    kept = outside.read_bytes()
    vault = make_vault(tmp_path / "v", {"Interviews/other.md": "# not an interview\n"})
    (vault / REL).symlink_to(outside)
    before = snapshot(vault)
    assert_refused(log(vault, target, "done", "--on", ON), vault, before)
    assert outside.read_bytes() == kept
    assert (vault / REL).is_symlink()


# --------------------------------------------------------------------------------------------
# 4. Vaults shaped like real users' vaults


def followups(vault: Path) -> list[dict[str, Any]]:
    result = invoke(vault, "followups", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    items: list[dict[str, Any]] = json.loads(result.stdout)["items"]
    return items


def test_templater_capitalised_keys_are_edited_in_place(tmp_path: Path) -> None:
    text = (
        '---\nType: interview\nPerson: "[[Nadia Karim]]"\nCompany: Lumen Health\n'
        "Role: Analyst\nStatus: requested\nRequested: 2026-11-10\ntags: interview\n---\n"
        "# Interview\n"
    )
    vault = make_vault(tmp_path / "v", {REL: text})
    raw = (vault / REL).read_bytes()
    result = log(vault, REL, "scheduled", "2026-12-01T09:30")
    new = assert_logged(
        vault, REL, raw, {"status": "scheduled", "date": "2026-12-01T09:30"}, [], ON, result
    )
    lines = bare(lines_of(new))
    assert lines[5] == "Status: scheduled"
    assert [line for line in lines if canonical_key(line.split(":")[0]) == "status"] == [
        "Status: scheduled"
    ]
    # And again: a status written "Status" moves on, still one key.
    assert log(vault, REL, "done", "--on", "2026-12-01").exit_code == 0
    lines = bare(lines_of((vault / REL).read_bytes()))
    assert [line for line in lines if line.lower().startswith("status")] == ["Status: done"]
    check = invoke(vault, "check", "--format", "json")
    assert "VT107" not in check.stdout


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    text = BOM + interview("Jane Doe", "done", "2026-11-06", "date: 2026-11-20\n")
    raw = text.replace("\n", "\r\n").encode("utf-8")
    vault = make_vault(tmp_path / "v", {REL: raw})
    result = log(vault, REL, "thanked", "--on", "2026-11-22")
    old = lines_of(raw)
    new = assert_logged(
        vault, REL, raw, {"thank_you_sent": "2026-11-22"}, thank_tasks(old), "2026-11-22", result
    )
    assert new.startswith(BOM.encode())
    assert new.count(b"\n") == new.count(b"\r\n") == raw.count(b"\r\n") + 1
    assert b"thank_you_sent: 2026-11-22\r\n---\r\n" in new
    assert b"- [x] Send thank-you note \xe2\x9c\x85 2026-11-22\r\n" in new


COMMENTED = """---
# Properties (keep this comment)
type: interview
person: "[[Jane Doe]]"   # who
company: Acme
role: Engineer
status: requested  # waiting for a reply
requested: 2026-11-10
tags:
  - interview
  - data-engineering
# end of properties
---
# Interview with Jane Doe
"""


def test_comments_and_a_block_list_of_tags(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v", {REL: COMMENTED})
    nudges = [item for item in followups(vault) if item["kind"] == "nudge"]
    assert [(n["path"], n["due"]) for n in nudges] == [(REL, "2026-11-17")]

    raw = (vault / REL).read_bytes()
    result = log(vault, REL, "nudged", "--on", "2026-11-20")
    new = assert_logged(vault, REL, raw, {"nudged": "2026-11-20"}, [], ON, result)
    assert b"  - data-engineering\nnudged: 2026-11-20\n# end of properties\n" in new
    nudges = [item for item in followups(vault) if item["kind"] == "nudge"]
    assert [(n["path"], n["due"]) for n in nudges] == [(REL, "2026-11-27")]

    # A second nudge makes a list, in the block style the tags use; a third adds an item.
    for day, listed in (("2026-11-24", ["2026-11-20", "2026-11-24"]), ("2026-11-26", None)):
        raw = (vault / REL).read_bytes()
        expect = listed or ["2026-11-20", "2026-11-24", "2026-11-26"]
        result = log(vault, REL, "nudged", "--on", day)
        new = assert_logged(vault, REL, raw, {"nudged": expect}, [], day, result)
    assert b"nudged:\n  - 2026-11-20\n  - 2026-11-24\n  - 2026-11-26\n# end" in new

    raw = (vault / REL).read_bytes()
    result = log(vault, REL, "scheduled", "2026-12-01T10:00")
    new = assert_logged(
        vault, REL, raw, {"status": "scheduled", "date": "2026-12-01T10:00"}, [], ON, result
    )
    assert b"\nstatus: scheduled  # waiting for a reply\n" in new
    assert b'person: "[[Jane Doe]]"   # who\n' in new
    assert new.startswith(b"---\n# Properties (keep this comment)\n")
    assert not [item for item in followups(vault) if item["kind"] == "nudge"]


@pytest.mark.parametrize(
    ("task", "done"),
    [
        (
            "- [ ] Send thank-you email 📅 2026-11-21 ^abc123",
            "- [x] Send thank-you email 📅 2026-11-21 ✅ 2026-11-22 ^abc123",
        ),
        (
            "- [ ] Send thank-you note [due:: 2026-11-21]",
            "- [x] Send thank-you note [due:: 2026-11-21] [completion:: 2026-11-22]",
        ),
    ],
    ids=["tasks-plugin", "dataview"],
)
def test_thanked_ticks_the_thank_you_task(tmp_path: Path, task: str, done: str) -> None:
    text = (
        FM + "status: done\nrequested: 2026-11-06\ndate: 2026-11-20\n---\n# Interview\n\n"
        f"## Follow-up\n{task}\n- [ ] Share the article 📅 2026-11-28\n"
    )
    vault = make_vault(tmp_path / "v", {REL: text})
    kinds = {(item["kind"], item["title"]) for item in followups(vault) if item["path"] == REL}
    assert "thank-you" in {kind for kind, _ in kinds}

    raw = (vault / REL).read_bytes()
    result = log(vault, REL, "thanked", "--on", "2026-11-22")
    new = assert_logged(
        vault, REL, raw, {"thank_you_sent": "2026-11-22"}, [12], "2026-11-22", result
    )
    lines = bare(lines_of(new))
    assert done in lines
    assert "- [ ] Share the article 📅 2026-11-28" in lines
    items = [item for item in followups(vault) if item["path"] == REL]
    assert "thank-you" not in {item["kind"] for item in items}
    assert [item["title"] for item in items if item["kind"] == "task"] == ["Share the article"]


# --------------------------------------------------------------------------------------------
# 5. --on and DATETIME


@pytest.mark.parametrize("on", ["2026-13-40", "yesterday", "20/11/2026", "2026-11-20T25:00"])
def test_a_bad_on_is_a_usage_error(tmp_path: Path, on: str) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    result = log(vault, PRIYA, "nudged", "--on", on)
    assert result.exit_code == 2
    assert "--on" in result.stderr and "not a date" in result.stderr
    assert "2026-11-21" in result.stderr  # how to write one
    assert snapshot(vault) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("scheduled",), "scheduled needs"),
        (("scheduled", "next week"), "not a date"),
        (("nudged", "2026-11-20"), "--on"),
    ],
)
def test_datetime_argument_mistakes(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    result = log(vault, PRIYA, *args)
    assert result.exit_code == 2
    assert says in result.stderr
    assert snapshot(vault) == before


def test_done_with_a_time_writes_the_datetime(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v", {REL: interview("Jane Doe", "requested", "2026-11-10")})
    raw = (vault / REL).read_bytes()
    result = log(vault, REL, "done", "--on", "2026-11-20T15:00")
    new = assert_logged(
        vault, REL, raw, {"status": "done", "date": "2026-11-20T15:00"}, [], ON, result
    )
    assert b"\ndate: 2026-11-20T15:00\n---\n" in new


def test_on_defaults_to_as_of(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v", {REL: interview("Jane Doe", "requested", "2026-11-10")})
    raw = (vault / REL).read_bytes()
    result = log(vault, REL, "nudged")
    assert_logged(vault, REL, raw, {"nudged": AS_OF.isoformat()}, [], ON, result)

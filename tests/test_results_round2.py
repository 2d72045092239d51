"""Wrong or unsafe results, round 2 (../shared/repros/2026-12-reliability/ 22, 25, 26, 27).

* 27: whether ``Questions`` / ``=-`` is a setext heading is CommonMark's answer (it is not:
  an underline is only ``=`` or only ``-``), from the line scan and from mistune alike, so it
  no longer depends on an HTML block elsewhere in the note.
* 26: a person is one person whatever the Unicode form of the name: "Zoë" typed (NFC) and
  "Zoë" from a macOS file name (NFD) share contacts, follow-ups and keep-in-touch; each
  note still shows the name as written.
* 22: file names and note text holding bidirectional controls (U+202A-U+202E,
  U+2066-U+2069, U+200E, U+200F, U+061C) are shown escaped by every command and format a
  terminal shows, by watch's lines and by error messages naming paths.
* 25: watch's findings are check's: a symlink loop, a note or folder that a chmod makes
  unreadable (or readable again) while it runs is reported as ``check`` reports it.
* 200,000 Follow-up tasks: ``followups --format ics`` writes them in seconds and memory in
  proportion (it took 39 s and 1.5 GB), byte for byte what the icalendar library wrote.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import AS_OF, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notes import DONE, PLANNED, replace
from test_watch import BROKEN, command, watching

from vault_tools.cli import cli
from vault_tools.note import _structure, parse_note, person_key
from vault_tools.render import display_width, printable
from vault_tools.render.followups import ICS_PRODID, render_ics, uid
from vault_tools.reports.followups import KINDS, FollowUp, FollowUpReport
from vault_tools.structure import scan_structure
from vault_tools.watch import BatchResult


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


# --------------------------------------------------------------------------------------------
# 22: bidirectional controls never reach a reader raw, in any format a terminal shows

#: Embeddings and overrides, isolates, and the marks (LRM, RLM, ALM).
BIDI_ALL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
BIDI_SET = frozenset(BIDI_ALL)
#: How ``printable`` shows them.
BIDI_SHOWN = "".join(f"\\u{ord(char):04x}" for char in BIDI_ALL)
RLO = "\u202e"
#: The repro's name: reads "invoice-exe.gpj.md" backwards from the override on.
TROJAN = f"Interviews/invoice-{RLO}gpj.exe.md"
EVIL = f"Interviews/evil {BIDI_ALL}.md"

BIDI_NOTE = f"""\
---
type: interview
person: "[[Eve {BIDI_ALL}]]"
company: Acme {BIDI_ALL}
role: Role {BIDI_ALL}
status: done
requested: 2026-11-10
date: 2026-11-18T15:00
follow_up: 2026-11-26
---
## Objectives
- Learn.
## Research
- Read.
## Questions
1. How did you start {BIDI_ALL}?
## Notes
- Notes.
## Notes {BIDI_ALL}
- Twice: a VT203 that quotes the heading.
## Takeaways
- Take {BIDI_ALL} away.
## Reflection
### What went well
- Went {BIDI_ALL} well.
### What to improve
- Improve {BIDI_ALL} this.
## Follow-up
- [ ] Task {BIDI_ALL} 📅 2026-11-28
"""


@pytest.fixture
def bidi_vault(vault) -> Path:  # type: ignore[no-untyped-def]
    return vault(  # type: ignore[no-any-return]
        {
            TROJAN: "---\nperson: P\nstatus: waiting\n---\n",
            EVIL: BIDI_NOTE,
            "Interviews/status.md": f"---\nperson: P\nstatus: wait{BIDI_ALL}\n---\n",
        }
    )


def assert_no_raw_bidi(text: str) -> None:
    raw = [line for line in text.splitlines() if BIDI_SET & set(line)]
    assert not raw, raw


BIDI_RUNS: tuple[tuple[str, ...], ...] = (
    ("check", "--no-cache", "--format", "text"),
    ("check", "--no-cache", "--format", "github"),
    ("check", "--no-cache", "--format", "json"),
    ("index", "--format", "text"),
    ("index", "--format", "md"),
    ("index", "--format", "csv"),
    ("index", "--format", "json"),
    ("index", "--write"),
    ("followups", "--all", "--format", "text"),
    ("followups", "--all", "--format", "md"),
    ("followups", "--all", "--format", "ics"),
    ("followups", "--all", "--format", "json"),
    ("followups", "--all", "--write"),
    ("digest", "--format", "md"),
    ("digest", "--format", "json"),
    ("digest", "--write"),
)
BIDI_WRITTEN = {
    "index": "Interviews/Index.md",
    "followups": "Interviews/Follow-ups.md",
    "digest": "Digests/2026-W47.md",
}


@pytest.mark.parametrize("args", BIDI_RUNS, ids=" ".join)
def test_bidi_controls_are_escaped_in_every_format(bidi_vault: Path, args: tuple[str, ...]) -> None:
    result = run(*args, "--vault", str(bidi_vault), "--as-of", "2026-11-27")
    assert result.exit_code in ((0, 1) if args[0] == "check" else (0,)), result.output
    assert_no_raw_bidi(result.stdout)
    assert_no_raw_bidi(result.stderr)
    if "--write" in args:
        shown = (bidi_vault / BIDI_WRITTEN[args[0]]).read_text("utf-8")
    else:
        shown = result.stdout
    assert_no_raw_bidi(shown)
    if args[-1] == "json":
        # JSON keeps the real text, as \u escapes: json.loads gives it back.
        payload = json.loads(shown)
        assert EVIL in json.dumps(payload, ensure_ascii=False)
    elif args[-1] == "ics":
        # RFC 5545 text: a backslash is itself escaped, "\u202e" becomes "\\u202e"; long
        # lines are folded.
        unfolded = shown.replace("\r\n ", "").replace("\n ", "")
        assert BIDI_SHOWN.replace("\\", "\\\\") in unfolded
    else:
        assert BIDI_SHOWN in shown  # each shown, as an escape, where it stood
    if args[0] == "check" and args[-1] != "json":
        assert "invoice-\\u202egpj.exe.md" in shown  # the repro's name


def test_bidi_controls_are_escaped_in_watch_lines(bidi_vault: Path) -> None:
    from vault_tools.app import read_config
    from vault_tools.render import check as render_check
    from vault_tools.render import watch as render_watch
    from vault_tools.watch import Watch

    state = Watch(bidi_vault, read_config(bidi_vault), as_of=AS_OF)
    first = state.check_all()
    (bidi_vault / EVIL).write_text(BIDI_NOTE.replace("status: done", "status: bogus"), "utf-8")
    (bidi_vault / TROJAN).unlink()
    again = state.check_changed({EVIL}, {TROJAN})
    for batch in (first, again):
        lines = render_check.render_text(batch.result) + render_watch.summary_line(batch)
        assert_no_raw_bidi(lines)
        assert_no_raw_bidi(render_watch.render_json(batch))
        assert json.loads(render_watch.render_json(batch))["changed"] == list(batch.changed)
    summary = render_watch.summary_line(again)
    assert f"(Interviews/evil {BIDI_SHOWN}.md)" in summary
    assert summary.endswith("Interviews/invoice-\\u202egpj.exe.md removed")


def test_bidi_controls_are_escaped_in_error_messages_naming_paths(
    bidi_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / f"outside {BIDI_ALL}.md"
    outside.write_text("x", "utf-8")
    monkeypatch.chdir(bidi_vault)
    runs = {
        "no such file": run("check", f"Interviews/none {BIDI_ALL}.md"),
        "in no vault": run("check", str(outside)),
        "vault not found": run("check", "--vault", str(tmp_path / f"none {BIDI_ALL}")),
        "is a file": run("check", "--vault", str(outside)),
        "not a date": run("check", "--as-of", f"2026{BIDI_ALL}"),
        "unknown rule": run("rules", f"VT{BIDI_ALL}"),
    }
    for what, result in runs.items():
        assert result.exit_code == 2, (what, result.output)
        assert_no_raw_bidi(result.stderr)
        assert BIDI_SHOWN in result.stderr, (what, result.stderr)


def test_bidi_controls_are_escaped_in_the_names_of_unreadable_folders_and_written_notes(
    bidi_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (bidi_vault / ".vault-tools.toml").write_text(
        f'[output]\nindex = "Interviews/Index {BIDI_ALL}.md"\n', encoding="utf-8"
    )
    private = bidi_vault / f"Interviews/Private {BIDI_ALL}"
    private.mkdir()
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # a folder the user may not list (CI runs as root)
        if os.fspath(path) == os.fspath(private):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("index", "--write", "--vault", str(bidi_vault), "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert_no_raw_bidi(result.stderr)
    assert f"cannot read Interviews/Private {BIDI_SHOWN}: Permission denied" in result.stderr
    assert f"wrote Interviews/Index {BIDI_SHOWN}.md" in result.stderr


# --------------------------------------------------------------------------------------------
# 25: watch's findings are check's findings, for notes that appear, change or become
# unreadable while it runs


def check_json(root: Path) -> dict[str, Any]:
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def check_findings(root: Path, rel: str) -> list[tuple[int, str, str]]:
    """What ``check`` says of one note: (line, rule, message)."""
    diagnostics = check_json(root)["diagnostics"]
    return [(d["line"], d["rule"], d["message"]) for d in diagnostics if d["path"] == rel]


def batch_findings(batch: BatchResult, rel: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.rule, d.message) for d in batch.result.diagnostics if d.path == rel]


def denied(real: Callable[..., Any], under: str) -> Callable[..., Any]:
    """``real``, raising what the file system raises for a user without the permission (the
    tests may run as root, for whom a chmod denies nothing)."""

    def call(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, str | os.PathLike):
            name = os.path.abspath(os.fspath(path))
            if name == under or name.startswith(under + os.sep):
                raise PermissionError(errno.EACCES, "Permission denied", name)
        return real(path, *args, **kwargs)

    return call


def test_watch_reports_a_symlink_loop_that_appears_as_check_does(vault) -> None:  # type: ignore[no-untyped-def]
    """The repro: ``ln -s loop.md loop.md`` while watching was silently dropped."""
    root = vault({"Interviews/a.md": DONE})
    with watching(root) as (batches, _, _):
        os.symlink("loop.md", root / "Interviews/loop.md")
        batch = batches.next()
    assert batch.changed == ("Interviews/loop.md",)
    found = batch_findings(batch, "Interviews/loop.md")
    assert [(line, rule) for line, rule, _ in found] == [(1, "VT005")]
    assert found == check_findings(root, "Interviews/loop.md")


def test_watch_reports_a_note_replaced_by_a_symlink_loop(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": DONE, "Interviews/b.md": DONE})
    with watching(root) as (batches, _, _):
        os.symlink("a.md", root / "Interviews/a.md.tmp")  # a link to itself, once renamed
        os.replace(root / "Interviews/a.md.tmp", root / "Interviews/a.md")
        batch = batches.next()
    assert (batch.changed, batch.removed) == (("Interviews/a.md",), ())
    assert batch_findings(batch, "Interviews/a.md") == check_findings(root, "Interviews/a.md")
    assert [rule for _, rule, _ in batch_findings(batch, "Interviews/a.md")] == ["VT005"]


def test_watch_reports_a_note_that_becomes_unreadable_and_readable_again(
    vault,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ``chmod`` changes nothing but the note's attributes: it was no event for the watch."""
    root = vault({"Interviews/a.md": DONE, "Interviews/b.md": DONE})
    note = root / "Interviews/a.md"
    with watching(root) as (batches, _, _):
        monkeypatch.setattr(os, "open", denied(os.open, os.fspath(note)))
        note.chmod(0o000)
        batch = batches.next()
        assert batch.changed == ("Interviews/a.md",)
        found = batch_findings(batch, "Interviews/a.md")
        assert found == [(1, "VT005", "file cannot be read: Permission denied")]
        assert found == check_findings(root, "Interviews/a.md")
        monkeypatch.undo()
        note.chmod(0o644)
        again = batches.next()
    assert again.changed == ("Interviews/a.md",)
    assert batch_findings(again, "Interviews/a.md") == []
    assert check_findings(root, "Interviews/a.md") == []


def test_watch_reports_a_folder_that_becomes_unreadable_and_readable_again(
    vault,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``check`` then lists none of its notes and says it cannot read the folder."""
    root = vault(
        {
            "Interviews/a.md": DONE,
            "Interviews/Private/b.md": DONE,
            "Interviews/Private/Deep/c.md": BROKEN,
        }
    )
    private = root / "Interviews/Private"
    inside = ("Interviews/Private/Deep/c.md", "Interviews/Private/b.md")
    with watching(root) as (batches, _, _):
        for name in ("scandir", "lstat", "stat", "open"):
            monkeypatch.setattr(os, name, denied(getattr(os, name), os.fspath(private)))
        private.chmod(0o000)
        batch = batches.next()
        assert (batch.changed, batch.removed) == ((), inside)
        assert batch.unreadable == (("Interviews/Private", "Permission denied"),)
        everything = check_json(root)
        assert everything["notes_checked"] == 1  # a.md: check does not see the folder's notes
        monkeypatch.undo()
        private.chmod(0o755)
        again = batches.until(lambda got: {p for b in got for p in b.changed} >= set(inside))
    assert {p for b in again for p in b.changed} == set(inside)
    assert {(d.path, d.rule) for b in again for d in b.result.diagnostics} == {
        ("Interviews/Private/Deep/c.md", "VT103")
    }


@pytest.mark.parametrize(
    "make",
    [
        "file",
        "symlink-inside",
        "symlink-outside",
        "dangling",
        "loop",
        "fifo",
        "in-symlinked-folder",
        "folder-named-md",
    ],
)
def test_watch_takes_a_path_as_a_note_exactly_when_check_lists_it(
    tmp_path: Path, make: str
) -> None:
    from vault_tools.config import Config
    from vault_tools.vault import list_notes
    from vault_tools.watch import note_stat

    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    (root / "Interviews/real.md").write_text(DONE, "utf-8")
    (tmp_path / "outside.md").write_text(DONE, "utf-8")
    rel = "Interviews/x.md"
    target = root / rel
    if make == "file":
        target.write_text(DONE, "utf-8")
    elif make == "symlink-inside":
        target.symlink_to("real.md")
    elif make == "symlink-outside":
        target.symlink_to(tmp_path / "outside.md")
    elif make == "dangling":
        target.symlink_to("nothing.md")
    elif make == "loop":
        target.symlink_to("x.md")
    elif make == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this platform")
        os.mkfifo(target)
    elif make == "in-symlinked-folder":
        (root / "Interviews/Sub").symlink_to(".")
        rel = "Interviews/Sub/real.md"
    else:
        target.mkdir()
    listing = list_notes(root, Config())
    listed = dict(listing.entries())
    assert note_stat(root, rel) == listed.get(rel)
    assert note_stat(root, "Interviews/real.md") == listed["Interviews/real.md"]
    assert (rel in listed) == (make in ("file", "symlink-inside", "loop"))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_the_watch_command_prints_the_loop_as_check_does(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": DONE})
    args = ("--vault", str(root), "--as-of", "2026-11-27", "--debounce", "0.05")
    with command(*args) as watch:
        watch.read_until(lambda line: "checked" in line)
        watch.read_until(lambda line: "watching" in line, "stderr")
        os.symlink("loop.md", root / "Interviews/loop.md")
        lines = watch.read_until(lambda line: "re-checked" in line)
        assert watch.interrupt() == 0
    checked = run("check", "--vault", str(root), "--as-of", "2026-11-27")
    assert lines[:-1] == checked.stdout.splitlines(keepends=True)
    assert lines[-1].endswith(" 1 note re-checked: 1 error, 0 warnings (Interviews/loop.md)\n")


# --------------------------------------------------------------------------------------------
# 200,000 Follow-up tasks: the calendar in seconds and memory in proportion, byte for byte
# what icalendar wrote


def icalendar_reference(report: FollowUpReport) -> str:
    """The calendar as the icalendar library wrote it (the renderer until this change)."""
    from icalendar import Calendar, Todo

    stamp = dt.datetime.combine(report.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", ICS_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Interview follow-ups")
    for item in report.items:
        if item.due is None:
            continue
        todo = Todo()
        todo.add("uid", uid(item))
        todo.add("dtstamp", stamp)
        todo.add("due", item.due)
        todo.add("summary", printable(item.title))
        who = printable(item.person) or "no person"
        todo.add("description", f"{item.kind} · {who} · {printable(item.path)}")
        todo.add("categories", [item.kind])
        todo.add("status", "NEEDS-ACTION")
        calendar.add_component(todo)
    data: bytes = calendar.to_ical()
    return data.decode("utf-8")


#: Text that exercises escaping (\ ; , and line breaks, which printable shows as \n),
#: folding (long, and multi-byte characters at the 75-octet edge) and the output boundary.
ics_text = st.text(
    alphabet=st.sampled_from(
        [*"ab ;,\\^:\"'\t\n\r", "é", "日", "📅", "\u0308", "\u202e", "\x85", "\udce9"]
    )
    | st.characters(codec="utf-8"),
    max_size=200,
)
followup_items = st.builds(
    FollowUp,
    kind=st.sampled_from(KINDS),
    path=ics_text.map(lambda text: f"Interviews/{text}.md"),
    person=ics_text,
    due=st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
    title=ics_text.filter(bool),
    overdue_days=st.just(None),
    line=st.integers(1, 10**6),
    key=ics_text,
)


def _without_capital_n_escape(report: FollowUpReport) -> bool:
    # icalendar reads a backslash and N in a value as a line break it was given already
    # escaped; render.ics writes the backslash: the one intended difference.
    return not any(
        "\\N" in printable(text)
        for item in report.items
        for text in (item.title, item.person, item.path)
    )


@settings(
    max_examples=300,
    derandomize=bool(os.environ.get("CI")),  # as tests/test_properties.py: fixed in CI
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.builds(
        FollowUpReport,
        as_of=st.dates(dt.date(1, 1, 2), dt.date(9999, 12, 30)),
        horizon_days=st.just(7),
        include_all=st.just(True),
        items=st.lists(followup_items, max_size=8).map(tuple),
    ).filter(_without_capital_n_escape)
)
def test_the_calendar_is_what_icalendar_wrote_byte_for_byte(report: FollowUpReport) -> None:
    assert render_ics(report) == icalendar_reference(report)


@pytest.mark.parametrize(
    "title",
    [
        "Send C:\\New folder\\notes; and, then",  # a backslash and N stays two characters
        "x" * 300,
        "é" * 80 + "\\" + "a" * 200,  # no fold just after a backslash
        "日本📅" * 40,
    ],
)
def test_icalendar_reads_the_calendar_back_exactly(title: str) -> None:
    from icalendar import Calendar

    person = "Zoë, Kim; \\ Jr"
    item = FollowUp("task", "Interviews/a, b; c.md", person, dt.date(2026, 12, 1), title, -4)
    report = FollowUpReport(AS_OF, 7, True, (item,))
    text = render_ics(report)
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    (todo,) = Calendar.from_ical(text).walk("VTODO")
    assert str(todo["SUMMARY"]) == title
    assert str(todo["DESCRIPTION"]) == f"task · {person} · Interviews/a, b; c.md"
    assert (todo.decoded("DUE"), str(todo["UID"])) == (dt.date(2026, 12, 1), uid(item))
    assert todo.categories == ["task"]


def test_the_sample_vault_calendar_is_unchanged(sample_vault: Path) -> None:
    """Every kind of item, long descriptions folded: as icalendar wrote it (the golden file
    pins the bytes; this shows the reference gives them too)."""
    from vault_tools.app import Session, followups_for

    session = Session.open(sample_vault, AS_OF, use_cache=False)
    report = followups_for(session, include_all=True)
    assert {item.kind for item in report.items} >= {"thank-you", "task", "keep-in-touch"}
    assert render_ics(report) == icalendar_reference(report)


TASKS = 200_000


def test_200000_tasks_make_a_calendar_within_half_a_gibibyte(tmp_path: Path) -> None:
    """One note whose Follow-up holds 200,000 dated tasks: 39 s and 1.5 GB before; now a
    few seconds and about 250 MB. The child runs with 512 MiB of address space."""
    import resource
    import subprocess

    head = DONE.split("## Follow-up\n")[0]
    lines = "".join(f"- [ ] task 📅 2026-12-0{1 + i % 9}\n" for i in range(TASKS))
    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    (root / "Interviews/Many.md").write_text(f"{head}## Follow-up\n{lines}", "utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))

    args = ["followups", "--vault", str(root), "--as-of", "2026-11-27", "--all", "--format"]
    done = subprocess.run(
        [sys.executable, "-m", "vault_tools", *args, "ics"],
        capture_output=True,
        preexec_fn=limit,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert (done.returncode, done.stderr) == (0, b"")
    text = done.stdout.decode("utf-8")
    assert text.count("BEGIN:VTODO\r\n") == TASKS + 1  # and the note's follow_up date
    assert text.count("\r\nSUMMARY:task\r\n") == TASKS
    assert len(set(re.findall(r"\r\nUID:(\S+)\r\n", text))) == TASKS + 1

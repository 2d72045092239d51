"""Issue #11, points 10 and 12: a quiet cron job, and ``--write`` that writes the format asked
for, never over a user's file, and not at all when nothing changed.

Point 10: ``followups --quiet`` prints nothing when no *dated* item is due; an open undated
task (Obsidian Tasks syntax, as a user types it) does not break the silence.
Point 12: ``followups --write`` writes md to ``[output] followups`` and, with ``--format ics``,
a calendar to ``[output] calendar``; other formats with ``--write`` are exit 2, as for
``index`` and ``digest`` (md only). A generated file that already holds what would be
written is left alone (its mtime too): "… is up to date".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import make_vault

from vault_tools.cli import cli

AS_OF = "2026-11-27"

#: A done interview as an Obsidian Tasks user writes it: the thank-you task ticked with its
#: ✅ date, and one open task with no date at all.
PRIYA = """\
---
type: interview
person: "[[Priya Nair]]"
company: Northwind Logistics
role: Data Platform Lead
status: done
requested: 2026-11-09
date: 2026-11-24
thank_you_sent: 2026-11-24
tags: [interview]
---
# Informational interview with Priya Nair

## Objectives
- Learn how Northwind runs its data platform team.

## Follow-up
- [x] Send thank-you note ✅ 2026-11-24
- [ ] read their blog post
"""

#: The same note with a dated task due within the week after as-of.
PRIYA_DUE = PRIYA + "- [ ] Send Priya the article on data contracts 📅 2026-11-30\n"


def vault_of(root: Path, note: str = PRIYA, config: str = "") -> Path:
    return make_vault(
        root / "vault",
        {".vault-tools.toml": config, "Interviews/2026-11-24 Priya Nair.md": note},
    )


def invoke(root: Path, *args: str) -> Result:
    runner = CliRunner()
    return runner.invoke(
        cli, [*args, "--vault", str(root), "--as-of", AS_OF], catch_exceptions=False
    )


# --------------------------------------------------------------------------------------------
# 10: --quiet is silent unless a dated item is due


def test_quiet_prints_nothing_when_only_an_undated_task_is_open(tmp_path: Path) -> None:
    root = vault_of(tmp_path)
    loud = invoke(root, "followups")
    assert loud.exit_code == 0
    assert "read their blog post" in loud.stdout  # listed without --quiet...
    quiet = invoke(root, "followups", "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")  # ...but no mail


def test_quiet_prints_the_report_when_a_dated_item_is_due(tmp_path: Path) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    quiet = invoke(root, "followups", "--quiet")
    assert quiet.exit_code == 0
    assert quiet.stdout == invoke(root, "followups").stdout
    assert "Send Priya the article on data contracts" in quiet.stdout
    assert "read their blog post" in quiet.stdout  # shown with the rest, as without --quiet


@pytest.mark.parametrize("output_format", [[], ["--format", "ics"]], ids=["md", "ics"])
def test_quiet_write_says_nothing_when_nothing_dated_is_due(
    tmp_path: Path, output_format: list[str]
) -> None:
    root = vault_of(tmp_path)
    result = invoke(root, "followups", "--quiet", "--write", *output_format)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    # The file is still kept current: it lists the undated task (md) or is an empty calendar.
    written = root / ("Interviews/Follow-ups.ics" if output_format else "Interviews/Follow-ups.md")
    assert written.is_file()


def test_quiet_write_says_what_it_wrote_when_something_is_due(tmp_path: Path) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    result = invoke(root, "followups", "--quiet", "--write")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "wrote Interviews/Follow-ups.md\n"


def console_script() -> Path:
    return Path(sys.executable).parent / "vault-tools"


@pytest.mark.skipif(
    not console_script().is_file(), reason="the vault-tools console script is not installed"
)
def test_the_readme_cron_line_mails_nothing_for_an_undated_task(tmp_path: Path) -> None:
    """As cron runs it: the console script in a bare environment from an empty $HOME."""
    root = vault_of(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [str(console_script()), "followups", "--vault", str(root), "--quiet", "--as-of", AS_OF],
        cwd=home,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert list(home.iterdir()) == []


# --------------------------------------------------------------------------------------------
# 12: --write writes the format asked for, or exits 2

#: (command and format, the file it writes).
WRITES = [
    (("followups", "--write"), "Interviews/Follow-ups.md"),
    (("followups", "--write", "--format", "md"), "Interviews/Follow-ups.md"),
    (("followups", "--write", "--format", "ics"), "Interviews/Follow-ups.ics"),
    (("index", "--write"), "Interviews/Index.md"),
    (("index", "--write", "--format", "md"), "Interviews/Index.md"),
    (("digest", "--write", "--week", "2026-W48"), "Digests/2026-W48.md"),
    (("digest", "--write", "--week", "2026-W48", "--format", "md"), "Digests/2026-W48.md"),
]
GENERATED = (
    "Interviews/Follow-ups.md",
    "Interviews/Follow-ups.ics",
    "Interviews/Index.md",
    "Digests",
)


def case_id(value: object) -> str:
    return " ".join(value) if isinstance(value, tuple) else str(value)


def generated_files(root: Path) -> list[str]:
    return [rel for rel in GENERATED if (root / rel).exists()]


@pytest.mark.parametrize(("args", "rel"), WRITES, ids=case_id)
def test_write_writes_the_format_asked_for_and_nothing_else(
    tmp_path: Path, args: tuple[str, ...], rel: str
) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    result = invoke(root, *args)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"wrote {rel}\n"
    written = (root / rel).read_bytes().decode("utf-8")
    first_line = "BEGIN:VCALENDAR\r\n" if rel.endswith(".ics") else "---\n"
    assert written.startswith(first_line)
    assert generated_files(root) == [rel.split("/")[0] if rel.startswith("Digests") else rel]


@pytest.mark.parametrize(
    ("command", "output_format", "writable"),
    [
        ("followups", "text", "--format md or --format ics"),
        ("followups", "json", "--format md or --format ics"),
        ("index", "text", "--format md"),
        ("index", "json", "--format md"),
        ("index", "csv", "--format md"),
        ("digest", "json", "--format md"),
    ],
)
def test_write_with_a_format_it_cannot_write_is_exit_2(
    tmp_path: Path, command: str, output_format: str, writable: str
) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    result = invoke(root, command, "--write", "--format", output_format)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{command} --write writes {writable}, not --format {output_format}" in result.stderr
    assert "Traceback" not in result.stderr
    assert generated_files(root) == []
    assert not (root / ".vault-tools").exists()  # refused before the vault was read


def test_ics_write_goes_to_the_configured_calendar(tmp_path: Path) -> None:
    root = vault_of(tmp_path, PRIYA_DUE, '[output]\ncalendar = "Calendars/Interviews.ics"\n')
    result = invoke(root, "followups", "--write", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "wrote Calendars/Interviews.ics\n"
    assert (root / "Calendars/Interviews.ics").is_file()
    assert generated_files(root) == []


def test_a_calendar_in_a_dot_folder_is_refused(tmp_path: Path) -> None:
    root = vault_of(tmp_path, PRIYA_DUE, '[output]\ncalendar = ".obsidian/f.ics"\n')
    result = invoke(root, "followups", "--write", "--format", "ics")
    assert result.exit_code == 2
    assert "output.calendar" in result.stderr and "dot-folder" in result.stderr
    assert not (root / ".obsidian").exists()


# --------------------------------------------------------------------------------------------
# 12: the written calendar: valid, read back, ours, refused when edited


def test_the_written_calendar_reads_back_with_icalendar(tmp_path: Path) -> None:
    import icalendar

    root = vault_of(tmp_path, PRIYA_DUE)
    assert invoke(root, "followups", "--write", "--format", "ics").exit_code == 0
    raw = (root / "Interviews/Follow-ups.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["X-GENERATED-BY"]) == "vault-tools"
    assert len(str(calendar["X-VAULT-TOOLS-SHA256"])) == 64
    todos = calendar.walk("VTODO")
    assert [str(t["SUMMARY"]) for t in todos] == ["Send Priya the article on data contracts"]
    assert todos[0].decoded("DUE").isoformat() == "2026-11-30"
    # Apart from its two marks, it is what --format ics prints.
    printed = invoke(root, "followups", "--format", "ics").stdout_bytes
    marks = (b"X-GENERATED-BY:", b"X-VAULT-TOOLS-SHA256:")
    kept = b"".join(line for line in raw.splitlines(keepends=True) if not line.startswith(marks))
    assert kept == printed


def test_an_edited_calendar_is_refused_and_replaced_with_force(tmp_path: Path) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    path = root / "Interviews/Follow-ups.ics"
    assert invoke(root, "followups", "--write", "--format", "ics").exit_code == 0
    edited = path.read_bytes().replace(
        b"SUMMARY:Send Priya", b"SUMMARY:Call Priya about"
    )  # as a calendar app that edits the to-do's title would
    path.write_bytes(edited)
    refused = invoke(root, "followups", "--write", "--format", "ics")
    assert refused.exit_code == 2
    assert "changed after vault-tools wrote it" in refused.stderr
    assert "--force" in refused.stderr
    assert path.read_bytes() == edited
    forced = invoke(root, "followups", "--write", "--format", "ics", "--force")
    assert (forced.exit_code, forced.stderr) == (0, "wrote Interviews/Follow-ups.ics\n")
    assert b"SUMMARY:Send Priya the article" in path.read_bytes()


def test_a_calendar_whose_hash_line_was_removed_counts_as_edited(tmp_path: Path) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    path = root / "Interviews/Follow-ups.ics"
    assert invoke(root, "followups", "--write", "--format", "ics").exit_code == 0
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(x for x in lines if not x.startswith(b"X-VAULT-TOOLS-SHA256")))
    refused = invoke(root, "followups", "--write", "--format", "ics")
    assert refused.exit_code == 2
    assert "changed after vault-tools wrote it" in refused.stderr


#: A calendar the user exported from their own calendar app to the default path.
USERS_CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:1@example.com\r\nDTSTAMP:20261120T090000Z\r\n"
    b"DTSTART;VALUE=DATE:20261201\r\nSUMMARY:Coffee with Priya\r\n"
    # Text in a component naming the mark does not make the calendar ours.
    b"DESCRIPTION:exported by\r\n X-GENERATED-BY:vault-tools\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_a_users_own_calendar_is_never_replaced(tmp_path: Path, force: list[str]) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    path = root / "Interviews/Follow-ups.ics"
    path.write_bytes(USERS_CALENDAR)
    result = invoke(root, "followups", "--write", "--format", "ics", *force)
    assert result.exit_code == 2
    assert "refusing to replace Interviews/Follow-ups.ics: it was not written by vault-tools" in (
        result.stderr
    )
    assert "X-GENERATED-BY:vault-tools" in result.stderr  # says what it looks for
    assert path.read_bytes() == USERS_CALENDAR


def test_a_generated_note_at_the_calendar_path_is_not_taken_for_a_calendar(
    tmp_path: Path,
) -> None:
    root = vault_of(tmp_path, PRIYA_DUE, '[output]\ncalendar = "Interviews/Index.md"\n')
    assert invoke(root, "index", "--write").exit_code == 0
    before = (root / "Interviews/Index.md").read_bytes()
    result = invoke(root, "followups", "--write", "--format", "ics", "--force")
    assert result.exit_code == 2
    assert (root / "Interviews/Index.md").read_bytes() == before


# --------------------------------------------------------------------------------------------
# 12: an unchanged generated file is not rewritten

OLD = 1_000_000_000  # 2001: an mtime no write today could leave


@pytest.mark.parametrize(("args", "rel"), WRITES, ids=case_id)
def test_a_second_identical_write_leaves_the_file_alone(
    tmp_path: Path, args: tuple[str, ...], rel: str
) -> None:
    root = vault_of(tmp_path, PRIYA_DUE)
    assert invoke(root, *args).exit_code == 0
    path = root / rel
    os.utime(path, (OLD, OLD))
    before = (path.read_bytes(), path.stat().st_ino)
    again = invoke(root, *args)
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == f"{rel} is up to date\n"
    assert path.stat().st_mtime == OLD
    assert (path.read_bytes(), path.stat().st_ino) == before


@pytest.mark.parametrize(
    ("args", "rel"),
    [
        (("followups", "--write"), "Interviews/Follow-ups.md"),
        (("followups", "--write", "--format", "ics"), "Interviews/Follow-ups.ics"),
        (("index", "--write"), "Interviews/Index.md"),
        (("digest", "--write", "--week", "2026-W48"), "Digests/2026-W48.md"),
    ],
    ids=case_id,
)
def test_a_write_after_the_notes_changed_rewrites_the_file(
    tmp_path: Path, args: tuple[str, ...], rel: str
) -> None:
    root = vault_of(tmp_path, PRIYA)
    assert invoke(root, *args).exit_code == 0
    path = root / rel
    os.utime(path, (OLD, OLD))
    # The user adds a dated task and records a contact: every report says something new.
    note = root / "Interviews/2026-11-24 Priya Nair.md"
    note.write_text(PRIYA_DUE.replace("status: done", "status: done\nlast_contact: 2026-11-25"))
    again = invoke(root, *args)
    assert (again.exit_code, again.stderr) == (0, f"wrote {rel}\n")
    assert path.stat().st_mtime != OLD

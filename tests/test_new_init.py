"""Issue 11, point 14: ``new`` and ``init`` as a careful user expects them.

``new``: a scheduled or done interview has a day; a date in the past is an interview that
happened; names Windows reserves for devices are never a note's file name. ``init`` in a git
repository keeps the cache out of git, and says what to run next.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli
from vault_tools.note import parse_note

AS_OF = "2026-12-02"
# Written out here rather than imported, so that a name missing from the code fails a test.
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(10)}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def new(vault: Path, *args: str):  # type: ignore[no-untyped-def]
    return run("new", *args, "--vault", str(vault), "--as-of", AS_OF)


def notes(vault: Path) -> list[str]:
    folder = vault / "Interviews"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def status_of(vault: Path, rel: str) -> object:
    return parse_note(rel, (vault / rel).read_bytes()).get("status")


# ---------------------------------------------------------------------------------------
# new: the status follows the date


@pytest.mark.parametrize("status", ["scheduled", "done"])
def test_new_scheduled_or_done_without_a_date_is_refused_with_the_reason(
    tmp_path: Path, status: str
) -> None:
    result = new(tmp_path, "Jane Doe", "--company", "Acme Corp", "--status", status)
    assert result.exit_code == 2
    assert f"--status {status} needs --date" in result.stderr
    assert "has a day" in result.stderr
    assert "Traceback" not in result.output
    assert notes(tmp_path) == []  # nothing written


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--date", "2026-11-20T15:00"], "done"),  # it happened: the user is writing it up
        (["--date", "2026-12-01"], "done"),
        (["--date", AS_OF], "scheduled"),  # today: not over yet
        (["--date", "2026-12-09"], "scheduled"),
        ([], "planned"),
        (["--date", "2026-11-20", "--status", "cancelled"], "cancelled"),  # asked for: wins
        (["--date", "2026-11-20", "--status", "scheduled"], "scheduled"),
        (["--date", "2026-12-09", "--status", "done"], "done"),
        (["--status", "requested"], "requested"),
        (["--status", "declined"], "declined"),  # no day needed
    ],
)
def test_new_status_follows_the_date_unless_one_is_asked_for(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    result = new(tmp_path, "Jane Doe", "--company", "Acme Corp", *args)
    assert result.exit_code == 0, result.output
    rel = result.stdout.strip()
    assert status_of(tmp_path, rel) == expected


def test_new_past_date_note_is_checked_as_a_done_interview(tmp_path: Path) -> None:
    """A note for last week's interview asks for the sections a done note needs."""
    (tmp_path / ".vault-tools.toml").write_text("")
    rel = new(tmp_path, "Jane Doe", "--company", "Acme Corp", "--date", "2026-11-25").stdout
    checked = run("check", "--vault", str(tmp_path), "--as-of", AS_OF, "--format", "json")
    assert rel.strip() in checked.stdout
    assert "required when status is done" in checked.stdout


# ---------------------------------------------------------------------------------------
# new: names Windows reserves


def windows_reserved(name: str) -> bool:
    return name.split(".", 1)[0].rstrip(" ").upper() in RESERVED


@pytest.mark.parametrize(
    "person", ["Con", "con", "NUL", "Aux", "Prn", "COM1", "lpt9", "Con.", "Con .", "Con. Smith"]
)
def test_new_never_names_a_note_as_a_windows_device(tmp_path: Path, person: str) -> None:
    result = new(tmp_path, person, "--company", "Acme Corp")
    assert result.exit_code == 0, result.output
    name = Path(result.stdout.strip()).name
    assert not windows_reserved(name), name
    assert not name[: -len(".md")].endswith((".", " "))  # Windows strips those
    assert name in notes(tmp_path)
    note = parse_note(result.stdout.strip(), (tmp_path / result.stdout.strip()).read_bytes())
    assert person.rstrip(" .").lower() in str(note.get("person")).lower()  # the name is kept


def test_a_person_named_con_gets_con_underscore_and_a_second_note_is_not_overwritten(
    tmp_path: Path,
) -> None:
    assert new(tmp_path, "Con").stdout.strip() == "Interviews/Con_.md"
    again = new(tmp_path, "Con")
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert notes(tmp_path) == ["Con_.md"]


@pytest.mark.parametrize("person", ["Conrad", "Connie", "Nula", "COM10", "Lpt"])
def test_names_that_only_start_like_a_device_are_kept(tmp_path: Path, person: str) -> None:
    assert new(tmp_path, person).stdout.strip() == f"Interviews/{person}.md"


def test_a_dated_note_of_con_keeps_the_name_the_date_already_makes_it_safe(
    tmp_path: Path,
) -> None:
    result = new(tmp_path, "Con", "--date", "2026-12-03")
    assert result.stdout.strip() == "Interviews/2026-12-03 Con.md"


def test_a_name_ending_in_a_dot_or_space_gets_a_name_windows_keeps(tmp_path: Path) -> None:
    result = new(tmp_path, "Jane Doe Jr. ")
    assert result.stdout.strip() == "Interviews/Jane Doe Jr.md"

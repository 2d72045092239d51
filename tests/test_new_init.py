"""Issue 11, point 14: ``new`` and ``init`` as a careful user expects them.

``new``: a scheduled or done interview has a day; a date in the past is an interview that
happened; names Windows reserves for devices are never a note's file name. ``init`` in a git
repository keeps the cache out of git, and says what to run next.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli
from vault_tools.note import parse_note
from vault_tools.scaffold import find_git_repository

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


# ---------------------------------------------------------------------------------------
# init in a git repository


def git_repo(folder: Path) -> Path:
    """A repository at ``folder``: a real one when git is installed (tests then also ask
    git itself), else the ``.git`` folder that marks one."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
    else:
        (folder / ".git").mkdir()
    return folder


def git_ignores_cache(repo: Path, vault_rel: str) -> bool | None:
    """What git says of the vault's cache file (None without git)."""
    if not shutil.which("git"):
        return None
    prefix = f"{vault_rel}/" if vault_rel else ""
    done = subprocess.run(
        ["git", "-C", str(repo), "check-ignore", "-q", f"{prefix}.vault-tools/cache.sqlite"],
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
        check=False,
    )
    return done.returncode == 0


def init(vault: Path):  # type: ignore[no-untyped-def]
    return run("init", "--vault", str(vault), "--as-of", AS_OF)


def test_init_at_a_repositorys_root_creates_gitignore_with_the_cache(tmp_path: Path) -> None:
    vault = git_repo(tmp_path / "Notes")
    result = init(vault)
    assert result.exit_code == 0, result.output
    assert (vault / ".gitignore").read_bytes() == b".vault-tools/\n"
    assert ".gitignore: created" in result.stdout
    assert git_ignores_cache(vault, "") in (True, None)


def test_init_in_a_vault_below_the_repositorys_root_writes_the_vaults_gitignore(
    tmp_path: Path,
) -> None:
    repo = git_repo(tmp_path / "dotfiles")
    (repo / ".gitignore").write_bytes(b"*.log\n")
    vault = repo / "Documents" / "Notes"
    vault.mkdir(parents=True)
    result = init(vault)
    assert result.exit_code == 0, result.output
    assert (vault / ".gitignore").read_bytes() == b".vault-tools/\n"
    assert (repo / ".gitignore").read_bytes() == b"*.log\n"  # outside the vault: untouched
    assert git_ignores_cache(repo, "Documents/Notes") in (True, None)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # no final newline: one is added before the line, every other byte kept
        (b"*.bak\n.obsidian/workspace.json", b"*.bak\n.obsidian/workspace.json\n.vault-tools/\n"),
        (b"*.bak\n", b"*.bak\n.vault-tools/\n"),
        # written on Windows: CRLF, a BOM, and no final newline
        (b"\xef\xbb\xbf.trash/\r\n*.bak", b"\xef\xbb\xbf.trash/\r\n*.bak\r\n.vault-tools/\r\n"),
        (b"", b".vault-tools/\n"),
        # the cache re-included by an earlier line's negation is ignored again
        (b".*/\n!.vault-tools/\n", b".*/\n!.vault-tools/\n.vault-tools/\n"),
        # a line that only looks like it: another folder, or a comment
        (b"# .vault-tools/\nvault-tools/\n", b"# .vault-tools/\nvault-tools/\n.vault-tools/\n"),
    ],
)
def test_init_appends_the_cache_to_an_existing_gitignore_keeping_every_byte(
    tmp_path: Path, before: bytes, after: bytes
) -> None:
    vault = git_repo(tmp_path / "Notes")
    (vault / ".gitignore").write_bytes(before)
    (vault / ".gitignore").chmod(0o640)
    result = init(vault)
    assert result.exit_code == 0, result.output
    assert (vault / ".gitignore").read_bytes() == after
    assert (vault / ".gitignore").stat().st_mode & 0o777 == 0o640
    assert git_ignores_cache(vault, "") in (True, None)
    again = init(vault)  # a second run adds nothing
    assert "already ignores" in again.stdout
    assert (vault / ".gitignore").read_bytes() == after


@pytest.mark.parametrize(
    "line",
    [b".vault-tools/", b".vault-tools", b"/.vault-tools/", b".vault-tools/*", b"**/.vault-tools",
     b".vault-*/", b".*"],
)  # fmt: skip
def test_init_leaves_a_gitignore_that_already_ignores_the_cache_as_it_is(
    tmp_path: Path, line: bytes
) -> None:
    vault = git_repo(tmp_path / "Notes")
    before = b"*.bak\n" + line  # no final newline, and it stays so
    (vault / ".gitignore").write_bytes(before)
    result = init(vault)
    assert result.exit_code == 0
    assert "already ignores .vault-tools/" in result.stdout
    assert (vault / ".gitignore").read_bytes() == before


@pytest.mark.parametrize("line", [".vault-tools/", "Documents/Notes/.vault-tools"])
def test_init_adds_nothing_when_the_repositorys_gitignore_already_ignores_the_cache(
    tmp_path: Path, line: str
) -> None:
    repo = git_repo(tmp_path / "home")
    (repo / ".gitignore").write_text(f"{line}\n")
    vault = repo / "Documents" / "Notes"
    vault.mkdir(parents=True)
    result = init(vault)
    assert "already ignores" in result.stdout
    assert not (vault / ".gitignore").exists()


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_init_never_writes_through_a_symlinked_gitignore_and_says_how(tmp_path: Path) -> None:
    vault = git_repo(tmp_path / "Notes")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"*.bak")
    (vault / ".gitignore").symlink_to(elsewhere)
    result = init(vault)
    assert result.exit_code == 0, result.output
    assert "not changed" in result.stdout
    assert "add the line .vault-tools/ to the vault's .gitignore yourself" in result.stdout
    assert elsewhere.read_bytes() == b"*.bak"
    assert (vault / ".gitignore").is_symlink()


def test_init_outside_a_repository_writes_no_gitignore(tmp_path: Path) -> None:
    if find_git_repository(tmp_path) is not None:
        pytest.skip(f"the temporary folder {tmp_path} lies in a git repository")
    result = init(tmp_path / "Notes")
    assert result.exit_code == 0
    assert not (tmp_path / "Notes" / ".gitignore").exists()
    assert ".gitignore" not in result.stdout


# ---------------------------------------------------------------------------------------
# init: the next step


def test_init_ends_with_a_next_step_that_works_as_printed(tmp_path: Path) -> None:
    vault = tmp_path / "My Notes"
    result = init(vault)
    last = result.stdout.splitlines()[-1]
    assert last.startswith("next: vault-tools new ")
    argv = shlex.split(last.removeprefix("next: "))
    assert argv[0] == "vault-tools" and "--vault" in argv
    made = run(*argv[1:], "--as-of", AS_OF)
    assert made.exit_code == 0, made.output
    assert made.stdout.strip() == "Interviews/2026-12-03 Jane Doe.md"
    assert status_of(vault, made.stdout.strip()) == "scheduled"
    again = init(vault)  # a vault with notes already: check them
    assert (
        again.stdout.splitlines()[-1]
        == f"next: vault-tools check --vault {shlex.quote(str(vault))}"
    )

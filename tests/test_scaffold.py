"""``init`` and ``new``: create-only, safe names, the template's prompts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import findings

from vault_tools.app import read_config
from vault_tools.cli import cli
from vault_tools.note import parse_note
from vault_tools.scaffold import safe_file_stem


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_init_creates_config_template_and_folder_and_never_overwrites(tmp_path: Path) -> None:
    first = run("init", "--vault", str(tmp_path))
    assert first.exit_code == 0
    assert (tmp_path / ".vault-tools.toml").is_file()
    assert (tmp_path / "Templates" / "Interview.md").is_file()
    assert (tmp_path / "Interviews").is_dir()
    assert read_config(tmp_path).folders == ("Interviews",)  # the written config is valid
    (tmp_path / ".vault-tools.toml").write_text("# mine\n")
    again = run("init", "--vault", str(tmp_path))
    assert again.exit_code == 0 and "exists" in again.stdout
    assert (tmp_path / ".vault-tools.toml").read_text() == "# mine\n"


def test_new_with_date_names_the_file_and_fills_front_matter(tmp_path: Path) -> None:
    args = ["--company", "Acme: Data, Inc.", "--role", "No", "--date", "2026-12-02T15:00"]
    result = run("new", "Jane Doe", "--vault", str(tmp_path), *args)
    assert result.exit_code == 0
    assert result.stdout.strip() == "Interviews/2026-12-02 Jane Doe.md"
    note = parse_note("Interviews/x.md", (tmp_path / result.stdout.strip()).read_bytes())
    assert note.get("person") == "[[Jane Doe]]"
    assert note.get("company") == "Acme: Data, Inc."
    assert note.get("role") == "No"
    assert note.get("status") == "scheduled"
    assert note.get("date") == "2026-12-02T15:00"


def test_new_without_date(tmp_path: Path) -> None:
    result = run("new", "[[People/Ana Souza|Ana]]", "--vault", str(tmp_path))
    assert result.stdout.strip() == "Interviews/Ana Souza.md"


def test_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "Interviews" / "Jane Doe.md"
    target.parent.mkdir()
    target.write_bytes(b"my own words\r\n")
    result = run("new", "Jane Doe", "--vault", str(tmp_path))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert target.read_bytes() == b"my own words\r\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["Jane Doe.md"]


@pytest.mark.parametrize(
    ("person", "stem"),
    [('A/B\\C:D*E?F"G<H>I|J', "A B C D E F G H I J"), ("  Dr. Who.  ", "Dr. Who"), ("x\ny", "x y")],
)
def test_file_names_are_safe_on_every_os(person: str, stem: str) -> None:
    assert safe_file_stem(person) == stem


def test_new_uses_the_vaults_template(tmp_path: Path) -> None:
    (tmp_path / "Templates").mkdir()
    (tmp_path / "Templates" / "Interview.md").write_text(
        '---\nperson: "{{person}}"\nstatus: {{status}}\n---\n# Chat with {{name}}\n'
    )
    result = run("new", "Jane Doe", "--vault", str(tmp_path))
    text = (tmp_path / result.stdout.strip()).read_text()
    assert text == '---\nperson: "[[Jane Doe]]"\nstatus: planned\n---\n# Chat with Jane Doe\n'


def test_a_fresh_note_from_the_builtin_template_counts_its_prompts_as_empty(tmp_path: Path) -> None:
    args = ["--status", "done", "--date", "2026-11-20", "--company", "Acme", "--role", "Engineer"]
    result = run("new", "Jane Doe", "--vault", str(tmp_path), *args)
    text = (tmp_path / result.stdout.strip()).read_text()
    found = findings(text, as_of=__import__("datetime").date(2026, 11, 27))
    # every required section is present (no VT201) but empty (VT202) until the user writes
    assert {code for code, _ in found} == {"VT202"}
    assert len(found) == 7


def test_new_status_must_be_known(tmp_path: Path) -> None:
    assert run("new", "X", "--vault", str(tmp_path), "--status", "waiting").exit_code == 2

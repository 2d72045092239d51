"""Issue #11, points 16 and 18: output polish (the index fits the terminal, the digest's
charts show counts and whole-number steps, ``--as-of`` is ``YYYY-MM-DD``) and installing
as a user (the wheel ships the template)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli, table_width
from vault_tools.render import display_width

REPO = Path(__file__).resolve().parent.parent

# A note as a user writes it after a long call: a long role, a company with its legal
# suffix, a time on the date, a follow-up task with a Tasks-plugin due date.
LONG_ROLE = """\
---
type: interview
person: "[[Priyanka Venkataraman]]"
company: Northwind Logistics & Supply Chain Solutions GmbH
role: Senior Staff Software Engineer, Payments Infrastructure and Developer Experience
status: done
requested: 2026-11-02
date: 2026-11-18T16:30
thank_you_sent: 2026-11-18
tags: [interview]
---
# Informational interview with Priyanka Venkataraman

## Objectives
- Learn how the payments platform team is organised.

## Notes
She moved from a consultancy to Northwind in 2024.

## Takeaways
- Platform teams own the pipelines.

## Reflection
### What went well
- Asked about her path first.

### What to improve
- Keep the intro to a minute.

## Follow-up
- [ ] Send her the article on ledger design 📅 2026-12-01
"""

# A second note with a name Obsidian users write in their own script.
WIDE_NAME = """\
---
type: interview
person: "[[山田 太郎]]"
company: 株式会社サンプル・テクノロジーズ・インターナショナル
role: データエンジニアリング マネージャー
status: requested
requested: 2026-11-20
tags: [interview]
---
# Informational interview with 山田 太郎

## Objectives
- 転職のきっかけを聞く。
"""


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def long_vault(vault) -> Path:  # type: ignore[no-untyped-def]
    return vault(
        {
            "Interviews/2026-11-18 Priyanka Venkataraman.md": LONG_ROLE,
            "Interviews/2026-11-20 山田 太郎.md": WIDE_NAME,
        }
    )


def index_lines(root: Path, columns: str | None) -> list[str]:
    env = {"COLUMNS": columns} if columns is not None else {"COLUMNS": ""}
    result = run("index", "--vault", str(root), "--as-of", "2026-11-27", env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


# 16: the index's text table fits the terminal -------------------------------------------


@pytest.mark.parametrize("columns", [150, 180, 220])
def test_index_fits_the_width_columns_says(long_vault: Path, columns: int) -> None:
    lines = index_lines(long_vault, str(columns))
    assert max(display_width(line) for line in lines) <= columns
    # The dates and the path are whole; the long company and role are cut with an ellipsis.
    assert "Interviews/2026-11-18 Priyanka Venkataraman.md" in lines[2]
    assert "Interviews/2026-11-20 山田 太郎.md" in lines[3]
    assert "2026-11-18 16:30" in lines[2] and "2026-11-02" in lines[2]
    assert "Senior Staff Software Engineer, Payments Infrastructure and Developer" not in lines[2]
    assert "…" in lines[2]


def test_index_shortens_the_widest_columns_first(long_vault: Path) -> None:
    lines = index_lines(long_vault, "220")
    header, row = lines[0], lines[2]
    # The narrow columns keep their width ("requested" and the whole person's name); the
    # company and the role, the widest, are cut.
    assert header.startswith("Date              Status     Person                 Company")
    assert "  Priyanka Venkataraman  Northwind Logistics" in row
    assert "Senior Staff Software" in row
    assert "Northwind Logistics & Supply Chain Solutions GmbH" not in row
    assert "Payments Infrastructure and Developer Experience" not in row
    # Every line lines up: the path starts in the same terminal column on each row.
    starts = {display_width(line[: line.index("Interviews/")]) for line in lines[2:]}
    assert len(starts) == 1


def test_index_not_on_a_terminal_keeps_whole_rows(long_vault: Path) -> None:
    """Piped into a file, grep or ``less -S`` (no COLUMNS): rows as wide as their cells."""
    row = index_lines(long_vault, None)[2]
    assert "Northwind Logistics & Supply Chain Solutions GmbH" in row
    assert "Senior Staff Software Engineer, Payments Infrastructure and…" in row


def test_index_too_narrow_still_keeps_dates_and_paths(long_vault: Path) -> None:
    """An 80-column terminal cannot hold ten columns and the path: the dates and the path
    stay whole (the terminal wraps), the text columns are at their least."""
    lines = index_lines(long_vault, "80")
    assert "Interviews/2026-11-18 Priyanka Venkataraman.md" in lines[2]
    assert "2026-11-18 16:30" in lines[2] and "2026-11-18    " in lines[2]
    assert "Priya…" in lines[2] and "Compa…" in lines[0]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_table_width_is_columns_then_the_terminal_then_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((97, 30)))
    assert table_width(_Stream(tty=False), {"COLUMNS": "132"}) == 132
    assert table_width(_Stream(tty=True), {"COLUMNS": "132"}) == 132
    assert table_width(_Stream(tty=True), {}) == 97
    assert table_width(_Stream(tty=True), {"COLUMNS": "wide"}) == 97
    assert table_width(_Stream(tty=False), {}) is None
    assert table_width(_Stream(tty=False), {"COLUMNS": "0"}) is None
    assert table_width(_Stream(tty=False), {"COLUMNS": "-5"}) is None


# 16: the digest's charts ---------------------------------------------------------------


def _done(day: int, name: str) -> str:
    return (
        LONG_ROLE.replace("Priyanka Venkataraman", name)
        .replace("date: 2026-11-18T16:30", f"date: 2026-11-{day:02d}T10:00")
        .replace("thank_you_sent: 2026-11-18", f"thank_you_sent: 2026-11-{day:02d}")
    )


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


def test_digest_pie_shows_counts_and_bar_axis_has_whole_steps(long_vault: Path) -> None:
    result = run("digest", "--vault", str(long_vault), "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    pie, bars = mermaid_blocks(result.stdout)
    assert pie.splitlines()[:2] == ["pie showData", "    title Pipeline by status"]
    assert '    "done" : 1' in pie and '    "requested" : 1' in pie
    axis = re.search(r'y-axis "Interviews" (\d+) --> (\d+)\n', bars)
    assert axis is not None
    # From 0 to 8 or more, Mermaid's (d3's) ten-odd ticks are whole numbers: 0, 1, 2 …
    assert axis.group(1) == "0" and int(axis.group(2)) >= 8


def test_digest_bar_axis_reaches_the_busiest_week(vault) -> None:  # type: ignore[no-untyped-def]
    names = [f"Person {n:02d}" for n in range(11)]
    files = {
        f"Interviews/2026-11-{16 + n % 7:02d} {name}.md": _done(16 + n % 7, name)
        for n, name in enumerate(names)
    }
    root = vault(files)
    result = run("digest", "--vault", str(root), "--as-of", "2026-11-27")
    bars = mermaid_blocks(result.stdout)[1]
    assert '    y-axis "Interviews" 0 --> 11\n' in bars
    assert bars.rstrip().endswith("0, 11]")


# 16: --as-of is YYYY-MM-DD -------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["20261127", "2026-W48-5", "2026-331", "2026-11-27T10:00", "27.11.2026"]
)
def test_as_of_takes_only_yyyy_mm_dd(sample_vault: Path, written: str) -> None:
    result = run("check", "--vault", str(sample_vault), "--as-of", written)
    assert result.exit_code == 2
    assert (
        "is not a date from 0001-01-01 to 9999-12-31 written YYYY-MM-DD; write it like 2026-11-27"
    ) in result.stderr
    assert "Traceback" not in result.output


def test_as_of_out_of_range_keeps_its_message(sample_vault: Path) -> None:
    for written in ("2026-02-30", "0000-01-01", "99999-01-01"):
        result = run("index", "--vault", str(sample_vault), "--as-of", written)
        assert result.exit_code == 2
        assert "is not a date from 0001-01-01 to 9999-12-31" in result.stderr


def test_as_of_written_right_is_taken_and_so_is_since(sample_vault: Path) -> None:
    assert run("check", "--vault", str(sample_vault), "--as-of", "2026-11-27").exit_code == 1
    result = run("digest", "--vault", str(sample_vault), "--since", "20261101")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
    assert "--as-of YYYY-MM-DD" in run("check", "--help").stdout


# 18: the wheel ships the package data --------------------------------------------------


def test_built_wheel_holds_the_template(tmp_path: Path) -> None:
    """What ``pipx install`` / ``pip install .`` installs: a wheel built from a copy of the
    source (so nothing is written into the repository), holding every template."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "vault_tools", source / "vault_tools", ignore=shutil.ignore_patterns("__pycache__")
    )
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            ".",
        ],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0 and re.search(
        r"No matching distribution|Could not find a version|connection|Network", built.stderr
    ):
        pytest.skip(f"cannot fetch the build backend (setuptools) offline: {built.stderr[-200:]}")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("vault_tools-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted((REPO / "vault_tools" / "templates").glob("*.md"))
    assert templates, "the project ships at least the interview template"
    for template in templates:
        assert f"vault_tools/templates/{template.name}" in names
    assert "vault_tools/py.typed" in names
    entry = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    )
    assert b"vault-tools = vault_tools.cli:main" in entry

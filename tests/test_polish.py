"""Issue #11, points 16 and 18: output polish (the index fits the terminal, the digest's
charts show counts and whole-number steps, ``--as-of`` is ``YYYY-MM-DD``) and installing
as a user (the wheel ships the template)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli

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
    assert "is not a date written YYYY-MM-DD; write it like 2026-11-27" in result.stderr
    assert "Traceback" not in result.output


def test_as_of_out_of_range_keeps_its_message(sample_vault: Path) -> None:
    for written in ("2026-02-30", "0000-01-01"):
        result = run("index", "--vault", str(sample_vault), "--as-of", written)
        assert result.exit_code == 2
        assert "is not a date from 0001-01-01 to 9999-12-31" in result.stderr


def test_as_of_written_right_is_taken_and_so_is_since(sample_vault: Path) -> None:
    assert run("check", "--vault", str(sample_vault), "--as-of", "2026-11-27").exit_code == 1
    result = run("digest", "--vault", str(sample_vault), "--since", "20261101")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
    assert "--as-of YYYY-MM-DD" in run("check", "--help").stdout

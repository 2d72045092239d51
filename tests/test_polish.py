"""Issue #11, points 16 and 18: output polish (the index fits the terminal, the digest's
charts show counts and whole-number steps, ``--as-of`` is ``YYYY-MM-DD``) and installing
as a user (the wheel ships the template)."""

from __future__ import annotations

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

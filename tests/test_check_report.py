"""Issue #11 point 17: an Obsidian user sees the findings in Obsidian.

``check --format md`` is a note of the findings with a link to each one's place,
``check --write`` writes it to ``[output] report`` as a generated note, and ``watch
--write-report`` keeps it current. The notes are as users write them: Templater output,
Tasks plugin syntax, CRLF line endings with a BOM.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import make_vault, unstamped
from notes import PLANNED, replace
from test_watch import command, summary, write

from vault_tools.cli import cli

AS_OF = "2026-11-27"
JANE = "Interviews/2026-11-20 Jane Doe.md"
REPORT = "Interviews/Check.md"

# A done note as Templater made it from the template (the `<% tp.date.now() %>` resolved),
# filled in after the call, with Tasks plugin follow-ups; the user forgot the Takeaways and
# the company, and left the Reflection empty.
TEMPLATER_DONE = """\
---
type: interview
person: "[[Jane Doe]]"
role: Staff Data Engineer
status: done
date: 2026-11-20T15:00
created: 2026-11-18 21:04
tags:
  - interview
---
# Informational interview with Jane Doe

## Objectives
- Understand how data teams at mid-size fintechs are organised.

## Research
Jane moved from consulting to Acme in 2023.

## Questions
1. How did you decide to leave consulting?
2. What does a typical week look like for your team?

## Notes
Platform team of six; analysts embedded in product squads.

## Reflection

## Follow-up
- [x] Send thank-you note ✅ 2026-11-20
- [ ] Share the article on data contracts 📅 2026-11-28
"""

# A scheduled note, saved on Windows (CRLF, with a BOM): a closed question under Questions.
SCHEDULED_CRLF_BOM = (
    "\ufeff"
    + """\
---
type: interview
person: Ana Souza
company: Beta GmbH
role: Product Analyst
status: scheduled
date: 2026-12-02T09:30
---
## Objectives
- Learn how product analytics works at Beta.

## Research
Ana leads the analytics guild.

## Questions
- Is the team hiring?
- How do you decide what not to measure?
""".replace("\n", "\r\n")
)
ANA = "Interviews/2026-12-02 Ana Souza.md"


def vault_of(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    chosen: dict[str, str | bytes] = (
        {".vault-tools.toml": "", JANE: TEMPLATER_DONE, ANA: SCHEDULED_CRLF_BOM}
        if files is None
        else files
    )
    return make_vault(tmp_path / "vault", chosen)


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--vault", str(root), "--as-of", AS_OF])


def finding_lines(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("- ")]


# --------------------------------------------------------------------------------------------
# --format md


def test_md_links_each_finding_to_its_heading_or_else_to_the_note(tmp_path: Path) -> None:
    root = vault_of(tmp_path)
    result = invoke(root, "check", "--format", "md")
    assert result.exit_code == 1  # check's exit code: there are errors
    report = result.stdout
    assert report.startswith("---\ngenerated_by: vault-tools\ntype: check\nas_of: 2026-11-27\n")
    assert "\n2 interview notes checked: 2 errors, 2 warnings.\n" in report
    # Grouped by note, each group headed by a link to the note.
    assert report.index("## [[Interviews/2026-11-20 Jane Doe|2026-11-20 Jane Doe]]") < report.index(
        "## [[Interviews/2026-12-02 Ana Souza|2026-12-02 Ana Souza]]"
    )
    assert finding_lines(report) == [
        # The front matter lacks the company: the place is the note.
        "- [[Interviews/2026-11-20 Jane Doe]] line 1: **VT106** warning: missing recommended "
        'key "company"',
        # Takeaways belongs before Reflection; Reflection's heading is the empty section.
        "- [[Interviews/2026-11-20 Jane Doe#Reflection]] line 26: **VT201** error: missing "
        'section "Takeaways" (required when status is done)',
        "- [[Interviews/2026-11-20 Jane Doe#Reflection]] line 26: **VT202** error: section "
        '"Reflection" is empty (required when status is done)',
        # A line under a heading: the place is its section (CRLF and BOM change nothing).
        "- [[Interviews/2026-12-02 Ana Souza#Questions]] line 16: **VT301** warning: closed "
        '(yes/no) question starts with "Is": ask it open-ended (how, what, why, tell me about)',
    ]
    assert "\r" not in report and "\ufeff" not in report


def test_md_of_a_clean_vault_says_no_findings(tmp_path: Path) -> None:
    root = vault_of(
        tmp_path, {".vault-tools.toml": "", "Interviews/2026-11-30 Marcus Lee.md": PLANNED}
    )
    result = invoke(root, "check", "--format", "md")
    assert result.exit_code == 0
    assert "\n1 interview note checked: no findings.\n" in result.stdout
    assert finding_lines(result.stdout) == [] and "\n## " not in result.stdout


def test_md_shows_quoted_note_text_as_text_not_as_links_or_tags(tmp_path: Path) -> None:
    # An unquoted wikilink in the front matter, as Obsidian's own link completion writes it,
    # in a note whose name holds a `#`, which no wikilink can hold.
    note = replace(PLANNED, "person: Marcus Lee", "person: [[Marcus Lee]]")
    name = "Interviews/2026-11-30 Marcus #1.md"
    root = vault_of(tmp_path, {".vault-tools.toml": "", name: note})
    result = invoke(root, "check", "--format", "md")
    lines = finding_lines(result.stdout)
    assert lines == [
        "- `Interviews/2026-11-30 Marcus #1.md` line 3: **VT105** warning: unquoted wikilink "
        'in "person": write person: "\\[\\[Marcus Lee\\]\\]"'
    ]
    assert "## `Interviews/2026-11-30 Marcus #1.md`" in result.stdout


# --------------------------------------------------------------------------------------------
# check --write


def test_write_writes_the_report_then_leaves_it_alone_and_keeps_checks_exit_code(
    tmp_path: Path,
) -> None:
    root = vault_of(tmp_path)
    shown = invoke(root, "check", "--format", "md").stdout
    first = invoke(root, "check", "--write")
    assert (first.exit_code, first.stdout) == (1, "")
    assert first.stderr.splitlines() == [
        f"wrote {REPORT}",
        "2 interview notes checked: 2 errors, 2 warnings; [*] 1 fixable with --fix",
    ]
    written = (root / REPORT).read_text("utf-8")
    assert unstamped(written) == shown  # what --format md prints, with its hash recorded
    again = invoke(root, "check", "--write")
    assert again.exit_code == 1
    assert again.stderr.splitlines()[0] == f"{REPORT} is up to date"
    # The user fixes the note: the report says so.
    (root / JANE).write_text(
        TEMPLATER_DONE.replace(
            "## Reflection\n",
            "## Takeaways\n- Own the pipelines.\n\n## Reflection\n- went well: listened.\n",
        ).replace("role:", "company: Acme Corp\nrole:"),
        "utf-8",
    )
    fixed = invoke(root, "check", "--write")
    assert fixed.exit_code == 0 and fixed.stderr.startswith(f"wrote {REPORT}\n")
    assert "Jane Doe" not in (root / REPORT).read_text("utf-8")


def test_write_refuses_an_edited_report_until_forced(tmp_path: Path) -> None:
    root = vault_of(tmp_path)
    assert invoke(root, "check", "--write").exit_code == 1
    edited = (root / REPORT).read_text("utf-8") + "\nAsk Jane about the Takeaways.\n"
    (root / REPORT).write_text(edited, "utf-8")
    refused = invoke(root, "check", "--write")
    assert refused.exit_code == 2
    assert "changed after vault-tools wrote it" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (root / REPORT).read_text("utf-8") == edited
    forced = invoke(root, "check", "--write", "--force")
    assert forced.exit_code == 1 and forced.stderr.startswith(f"wrote {REPORT}\n")
    assert "Ask Jane" not in (root / REPORT).read_text("utf-8")


def test_write_never_replaces_a_users_own_note_of_that_name(tmp_path: Path) -> None:
    mine = "# Check\r\n\r\nMy checklist before each call.\r\n"
    root = vault_of(tmp_path)
    (root / REPORT).write_bytes(mine.encode("utf-8"))
    for args in (("--write",), ("--write", "--force")):
        result = invoke(root, "check", *args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.stderr
    assert (root / REPORT).read_bytes() == mine.encode("utf-8")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--write", "--format", "json"), "check --write writes --format md, not --format json"),
        (("--force",), "--force goes with --write"),
        (("--write", "Interviews"), "check --write writes the report of the whole vault"),
    ],
)
def test_write_refuses_what_it_cannot_write(
    tmp_path: Path, args: tuple[str, ...], reason: str
) -> None:
    root = vault_of(tmp_path)
    result = invoke(root, "check", *args)
    assert result.exit_code == 2 and reason in result.stderr
    assert not (root / REPORT).exists()


def test_the_report_is_not_linted_nor_indexed(tmp_path: Path) -> None:
    root = vault_of(tmp_path)
    before = json.loads(invoke(root, "check", "--format", "json").stdout)
    assert invoke(root, "check", "--write").exit_code == 1
    # The report lies in the interview folder and names notes and rules: still no interview.
    after = json.loads(invoke(root, "check", "--format", "json").stdout)
    assert after == before
    rows = json.loads(invoke(root, "index", "--format", "json").stdout)["notes"]
    assert sorted(row["path"] for row in rows) == [JANE, ANA]


def test_a_configured_report_path_is_written_and_skipped_even_in_a_whole_vault(
    tmp_path: Path,
) -> None:
    config = '[interviews]\nfolders = [""]\n\n[output]\nreport = "Reports/Findings.md"\n'
    root = vault_of(tmp_path, {".vault-tools.toml": config, JANE: TEMPLATER_DONE})
    before = json.loads(invoke(root, "check", "--format", "json").stdout)
    result = invoke(root, "check", "--write")
    assert result.stderr.startswith("wrote Reports/Findings.md\n")
    assert "[[Interviews/2026-11-20 Jane Doe#Reflection]]" in (
        root / "Reports/Findings.md"
    ).read_text("utf-8")
    assert json.loads(invoke(root, "check", "--format", "json").stdout) == before


def test_a_report_path_in_a_dot_folder_is_a_config_error(tmp_path: Path) -> None:
    config = '[output]\nreport = ".obsidian/Check.md"\n'
    root = vault_of(tmp_path, {".vault-tools.toml": config, JANE: TEMPLATER_DONE})
    result = invoke(root, "check", "--write")
    assert result.exit_code == 2 and "output.report" in result.stderr
    assert not (root / ".obsidian").exists()


def test_init_writes_the_report_setting(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    assert CliRunner().invoke(cli, ["init", "--vault", str(root)]).exit_code == 0
    config = (root / ".vault-tools.toml").read_text("utf-8")
    assert 'report = "Interviews/Check.md"' in config


# --------------------------------------------------------------------------------------------
# watch --write-report

NO_COMPANY = replace(PLANNED, "company: Gamma\n", "")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_watch_write_report_keeps_the_report_current_without_retriggering(tmp_path: Path) -> None:
    root = vault_of(tmp_path, {".vault-tools.toml": "", "Interviews/a.md": NO_COMPANY})
    report = root / REPORT
    args = ("--vault", str(root), "--as-of", AS_OF, "--write-report", "--debounce", "0.05")
    with command(*args) as watch:
        watch.read_until(summary)
        watch.read_until(lambda line: "watching" in line, "stderr")
        assert '[[Interviews/a]] line 1: **VT106** warning: missing recommended key "company"' in (
            report.read_text("utf-8")
        )
        write(root, "Interviews/a.md", PLANNED)  # the user adds the company
        watch.read_until(summary)
        watch.read_until(lambda line: f"wrote {REPORT}" in line, "stderr")
        assert "1 interview note checked: no findings." in report.read_text("utf-8")
        watch.nothing_more(1.0)  # the report's own write made no pass
        assert watch.interrupt() == 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_watch_write_report_warns_once_about_an_edited_report_and_goes_on(tmp_path: Path) -> None:
    root = vault_of(tmp_path, {".vault-tools.toml": "", "Interviews/a.md": NO_COMPANY})
    report = root / REPORT
    assert invoke(root, "check", "--write").exit_code == 0
    edited = report.read_text("utf-8") + "Fix Marcus first.\n"
    report.write_text(edited, "utf-8")
    args = ("--vault", str(root), "--as-of", AS_OF, "--write-report", "--debounce", "0.05")
    with command(*args) as watch:
        watch.read_until(summary)
        started = watch.read_until(lambda line: "watching" in line, "stderr")
        assert started[0] == (
            f"vault-tools: warning: not replacing {REPORT}: it was changed after vault-tools "
            "wrote it; move your text elsewhere, or replace it with `vault-tools check --write "
            "--force`. Watching goes on\n"
        )
        write(root, "Interviews/a.md", PLANNED)
        watch.read_until(summary)  # a pass, and no second warning
        assert report.read_text("utf-8") == edited
        report.unlink()  # the user moved their text away: the watch takes the report up again
        write(root, "Interviews/a.md", replace(PLANNED, "Gamma", "Delta Labs"))
        # A loaded machine may see the note half written (a pass finds no front matter)
        # before the pass of its whole text: wait for the report of that one.
        for _ in range(5):
            watch.read_until(lambda line: f"wrote {REPORT}" in line, "stderr")
            if "no findings" in report.read_text("utf-8"):
                break
        assert "no findings" in report.read_text("utf-8")
        assert watch.interrupt() == 0
        stderr = watch.rest_of_stderr()
    assert stderr.count("not replacing") == 1 and "Traceback" not in stderr

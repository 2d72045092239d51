"""The command line: exit codes, formats, stdout vs stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from notes import DONE, PLANNED, replace

from vault_tools.cli import cli

BROKEN = replace(PLANNED, "status: planned", "status: waiting")
WARNING_ONLY = replace(PLANNED, "company: Gamma\n", "")


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    return runner.invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def mixed(vault) -> Path:  # type: ignore[no-untyped-def]
    return vault(
        {
            "Interviews/2026-11-20 Jane Doe.md": DONE,
            "Interviews/broken.md": BROKEN,
            "Interviews/warn.md": WARNING_ONLY,
        }
    )


def test_check_text_lines_are_clickable_and_summary_goes_to_stderr(mixed: Path) -> None:
    result = run("check", "--vault", str(mixed), "--as-of", "2026-11-27")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Interviews/broken.md:6:1: VT103 error: status 'waiting' is not one of "
        "planned, requested, scheduled, done, declined, cancelled",
        'Interviews/warn.md:1:1: VT106 warning: missing recommended key "company"',
    ]
    assert result.stderr.strip() == "3 interview notes checked: 1 error, 1 warning"


def test_check_exit_0_with_only_warnings_and_1_with_strict(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/warn.md": WARNING_ONLY})
    assert run("check", "--vault", str(root), "--as-of", "2026-11-27").exit_code == 0
    strict = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--strict")
    assert strict.exit_code == 1


def test_check_clean_vault_exit_0(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": DONE})
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "all clean" in result.stderr


def test_check_json_shape(mixed: Path) -> None:
    result = run("check", "--vault", str(mixed), "--as-of", "2026-11-27", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    assert payload["notes_checked"] == 3
    assert payload["summary"] == {"error": 1, "warning": 1}
    assert payload["diagnostics"][0] == {
        "path": "Interviews/broken.md",
        "line": 6,
        "column": 1,
        "rule": "VT103",
        "severity": "error",
        "message": "status 'waiting' is not one of planned, requested, scheduled, done, "
        "declined, cancelled",
        "fix": None,
    }


def test_check_github_annotations(mixed: Path) -> None:
    result = run("check", "--vault", str(mixed), "--as-of", "2026-11-27", "--format", "github")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error file=Interviews/broken.md,line=6,col=1,title=VT103::VT103 ")
    assert lines[1].startswith("::warning file=Interviews/warn.md,line=1,col=1,title=VT106::")


def test_check_paths_as_pre_commit_passes_them(
    mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mixed / ".vault-tools.toml").write_text("")  # the marker that makes it a vault
    monkeypatch.chdir(mixed)
    one = run("check", "--as-of", "2026-11-27", "Interviews/warn.md")
    assert one.exit_code == 0 and one.stdout.startswith("Interviews/warn.md:1:1: VT106")
    folder = run("check", "--as-of", "2026-11-27", "Interviews")
    assert folder.exit_code == 1 and "broken.md" in folder.stdout
    # Non-Markdown files pre-commit may pass are ignored, not errors.
    (mixed / "README.txt").write_text("x")
    assert run("check", "--as-of", "2026-11-27", "README.txt").exit_code == 0


def test_check_skips_a_path_outside_the_given_vault(mixed: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text("# not an interview, and not in the vault\n")
    inside = str(mixed / "Interviews" / "broken.md")
    result = run("check", "--vault", str(mixed), str(tmp_path / "elsewhere.md"), inside)
    assert result.exit_code == 1
    assert result.stdout.startswith("Interviews/broken.md:6:1: VT103")
    assert "elsewhere" not in result.stdout + result.stderr
    alone = run("check", "--vault", str(mixed), str(tmp_path / "elsewhere.md"))
    assert (alone.exit_code, alone.stdout) == (0, "")


def test_missing_vault_is_exit_2_with_one_line(tmp_path: Path) -> None:
    result = run("check", "--vault", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("vault-tools: error: vault not found")
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_config_is_exit_2_naming_the_key(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({".vault-tools.toml": "[followups]\nnudge_days = 'x'\n"})
    result = run("check", "--vault", str(root))
    assert result.exit_code == 2
    assert "followups.nudge_days" in result.stderr and ".vault-tools.toml" in result.stderr


def test_bad_as_of_and_unknown_format_are_usage_errors(mixed: Path) -> None:
    assert run("check", "--vault", str(mixed), "--as-of", "tomorrow").exit_code == 2
    assert run("check", "--vault", str(mixed), "--format", "xml").exit_code == 2


def test_config_severity_changes_the_exit_code(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault(
        {"Interviews/warn.md": WARNING_ONLY, ".vault-tools.toml": "[rules]\nVT106 = 'error'\n"}
    )
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27")
    assert result.exit_code == 1 and "VT106 error" in result.stdout


def test_env_var_names_the_vault(mixed: Path) -> None:
    result = run("check", "--as-of", "2026-11-27", env={"VAULT_TOOLS_VAULT": str(mixed)})
    assert result.exit_code == 1 and "broken.md" in result.stdout


def test_rules_lists_every_rule_and_explains_one() -> None:
    from vault_tools.rules import ALL_RULES

    listing = run("rules")
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == [r.code for r in ALL_RULES]
    one = run("rules", "vt301")
    assert one.exit_code == 0 and "Why" in one.stdout and "Example" in one.stdout
    assert run("rules", "VT999").exit_code == 2


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "vault_tools", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("vault-tools, version ")


class _Terminal:
    """A stand-in for stderr that says it is a terminal."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.written: list[str] = []

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_progress_bar_only_on_a_terminal_and_only_for_long_runs(
    tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from vault_tools.cli import Progress

    terminal = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", terminal)
    short = Progress()
    short(100, 200)  # a short run: never a bar
    short.close()
    assert terminal.written == []
    long = Progress()
    for done in range(0, 5001, 500):
        long(done, 5000)
    long.close()
    assert ("Reading notes" in "".join(terminal.written)) is tty

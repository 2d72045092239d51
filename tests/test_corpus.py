"""Real vaults: every Markdown file of ../shared/corpus through every command, and through
every rule with every note taken as an interview. No traceback, exit 0 or 1.

The corpus lives next to the repository (never copied into it); a fresh clone has none,
and these tests are then skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, CORPUS

from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.interview import make_context
from vault_tools.linter import lint_note
from vault_tools.note import parse_note
from vault_tools.rules import ALL_RULES

#: Each command that reads the vault, with its formats. Add index, followups and digest
#: here as they land (one line each).
CORPUS_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check", "--format", "text"),
    ("check", "--format", "json"),
    ("check", "--format", "github"),
    ("check", "--strict"),
    ("index", "--format", "json"),
    ("index", "--format", "csv"),
    ("followups", "--all", "--format", "json"),
    ("followups", "--all", "--format", "ics"),
    ("digest", "--format", "json"),
    ("digest", "--week", "2026-W01"),
    ("people", "--format", "text"),
    ("people", "--format", "md"),
    ("people", "--format", "json"),
)


def corpus_sources() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


SOURCES = corpus_sources()
SOURCE_IDS = [p.name for p in SOURCES]


@pytest.fixture(autouse=True)
def _corpus_present() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (fresh clone)")


def markdown_files(source: Path) -> list[Path]:
    return sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".md")


@pytest.mark.parametrize("source", SOURCES or [None], ids=SOURCE_IDS or ["absent"])
@pytest.mark.parametrize("command", CORPUS_COMMANDS, ids=" ".join)
def test_every_command_on_every_source(source: Path, command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(
        cli,
        # --no-cache: the corpus is shared material; nothing is written into it.
        [*command, "--vault", str(source), "--as-of", AS_OF.isoformat(), "--no-cache"],
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.output
    assert not (source / ".vault-tools").exists()
    if "json" in command:
        json.loads(result.stdout)
    if command[:3] == ("check", "--format", "json"):
        payload = json.loads(result.stdout)
        assert payload["summary"]["error"] + payload["summary"]["warning"] == len(
            payload["diagnostics"]
        )


EVERY_NOTE = Config(folders=("",))


@pytest.mark.parametrize("source", SOURCES or [None], ids=SOURCE_IDS or ["absent"])
def test_every_file_through_every_rule(source: Path) -> None:
    """With the default config few corpus notes are interviews; here every one is."""
    ctx = make_context(Path("/nonexistent-vault"), EVERY_NOTE, AS_OF)
    problems: list[str] = []
    paths = markdown_files(source)
    assert paths, f"{source} holds no Markdown"
    for path in paths:
        rel = path.relative_to(source).as_posix()
        note = parse_note(rel, path.read_bytes())
        last = max(len(note.lines), 1)
        for rule in ALL_RULES:  # the rules' own positions, before the linter clamps them
            for finding in rule.check(note, ctx):
                if not 1 <= finding.line <= last or finding.column < 1:
                    problems.append(f"{rel}: {rule.code} at {finding.line}:{finding.column}")
        for diagnostic in lint_note(note, ctx):
            if not 1 <= diagnostic.line <= last:
                problems.append(f"{rel}: {diagnostic.rule} at line {diagnostic.line} of {last}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source", SOURCES or [None], ids=SOURCE_IDS or ["absent"])
def test_drafts_of_every_source_answer_or_say_why(source: Path) -> None:
    """Each draft of up to 15 files of a source, in every format: a message, or exit 2 with
    one line saying why (a file that is no interview note names no person); never a
    traceback, and nothing written into the corpus."""
    runner = CliRunner()
    base = ["--vault", str(source), "--as-of", AS_OF.isoformat(), "--no-cache"]
    for path in markdown_files(source)[:15]:
        for kind, output in (("thank-you", "eml"), ("request", "text"), ("request", "mailto")):
            result = runner.invoke(
                cli, ["draft", kind, str(path), "--format", output, *base], catch_exceptions=False
            )
            assert result.exit_code in (0, 2), result.output
            if result.exit_code == 2:
                assert result.stderr.startswith("vault-tools: error: "), result.stderr
    assert not (source / ".vault-tools").exists()

"""The registry and the CLI keep their promises: unique codes, documented rules, helpful help."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from vault_tools.cli import cli
from vault_tools.rules import ALL_RULES


def test_rule_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"VT\d{3}", c) for c in codes)
    assert codes == sorted(codes)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)
    assert {r.severity for r in ALL_RULES} <= {"error", "warning"}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_says_what_why_and_example(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.doc
    assert len(rule.summary) > 20
    assert "Why:" in doc and "Example" in doc and "Fix" in doc


def test_every_spec_rule_is_implemented() -> None:
    from conftest import REPO

    spec = REPO.parent / "shared" / "SPEC.md"
    if not spec.exists():
        pytest.skip("../shared/SPEC.md is absent (fresh clone)")
    in_spec = set(re.findall(r"^\| (VT\d{3}) \|", spec.read_text(), re.M))
    implemented = {r.code for r in ALL_RULES}
    assert in_spec - implemented == set()


def _command_lines() -> list[tuple[str, ...]]:
    """Every command, and each subcommand of a group (``draft thank-you``)."""
    found: list[tuple[str, ...]] = []
    for name in sorted(cli.commands):
        command = cli.commands[name]
        if isinstance(command, click.Group):
            found += [(name, sub) for sub in sorted(command.commands)]
        else:
            found.append((name,))
    return found


@pytest.mark.parametrize("words", _command_lines(), ids=" ".join)
def test_every_command_has_help_with_an_example(words: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*words, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"vault-tools {' '.join(words)}" in result.stdout
    assert "--vault" in result.stdout and "--as-of" in result.stdout


def test_log_offers_every_event_the_core_records() -> None:
    """cli.py spells the events out (``--help`` imports no core): the same, in order."""
    from vault_tools.cli import EVENT_NAMES
    from vault_tools.events import EVENTS

    assert EVENT_NAMES == EVENTS

"""Run the rules over notes: stamp code and severity, apply config and per-note ignores."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from vault_tools.config import Config
from vault_tools.diagnostics import Diagnostic
from vault_tools.note import Note, parse_note
from vault_tools.rules import ALL_RULES, RULES_BY_CODE, Rule
from vault_tools.rules.context import RuleContext, section_lookup, template_placeholders
from vault_tools.vault import is_generated, is_interview, read_note_bytes

IGNORE_KEY = "vault-tools-ignore"
TEMPLATE_NAME = "Interview.md"


def builtin_template() -> str:
    return resources.files("vault_tools.templates").joinpath(TEMPLATE_NAME).read_text("utf-8")


def template_text(root: Path, config: Config) -> str:
    """The vault's ``<templates>/Interview.md`` when it exists and reads, else the built-in."""
    if config.templates:
        try:
            return read_note_bytes(root, f"{config.templates}/{TEMPLATE_NAME}").decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            pass
    return builtin_template()


def make_context(root: Path, config: Config, as_of: dt.date) -> RuleContext:
    lookup = section_lookup(config.aliases)
    template = parse_note("template", template_text(root, config).encode("utf-8"))
    placeholders = template_placeholders(template, lookup)
    # The built-in template's prompts count as placeholders in every vault, too.
    builtin = template_placeholders(parse_note("builtin", builtin_template().encode()), lookup)
    merged = {
        name: placeholders.get(name, frozenset()) | builtin.get(name, frozenset())
        for name in {*placeholders, *builtin}
    }
    return RuleContext(
        config=config,
        as_of=as_of,
        tz=config.tz,
        section_lookup=lookup,
        placeholders=merged,
    )


def ignored_codes(note: Note) -> frozenset[str]:
    value: Any = note.get(IGNORE_KEY)
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    if not isinstance(value, list):
        return frozenset()
    return frozenset(str(code).strip().upper() for code in value if str(code).strip())


def severity_of(rule: Rule, config: Config) -> str:
    return config.rules.get(rule.code, rule.severity)


@dataclass(frozen=True)
class LintResult:
    notes_checked: int
    diagnostics: tuple[Diagnostic, ...]

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


def lint_note(note: Note, ctx: RuleContext) -> list[Diagnostic]:
    """Diagnostics of one note; empty for a note that is not an interview."""
    if not is_interview(note, ctx.config) or is_generated(note):
        return []
    ignored = ignored_codes(note)
    found: list[Diagnostic] = []
    last_line = max(len(note.lines), 1)
    for rule in ALL_RULES:
        severity = severity_of(rule, ctx.config)
        if severity == "off" or rule.code in ignored:
            continue
        for finding in rule.check(note, ctx):
            found.append(
                Diagnostic(
                    path=note.path,
                    line=min(max(finding.line, 1), last_line),
                    column=max(finding.column, 1),
                    rule=rule.code,
                    severity=severity,
                    message=finding.message,
                )
            )
    return found


def lint(notes: Iterable[Note], ctx: RuleContext) -> LintResult:
    checked = 0
    diagnostics: list[Diagnostic] = []
    for note in notes:
        if is_interview(note, ctx.config) and not is_generated(note):
            checked += 1
            diagnostics.extend(lint_note(note, ctx))
    return LintResult(checked, tuple(sorted(diagnostics)))


__all__ = ["RULES_BY_CODE", "LintResult", "lint", "lint_note", "make_context"]

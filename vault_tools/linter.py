"""Run the rules over notes: stamp code and severity, apply config and per-note ignores."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from vault_tools.config import Config
from vault_tools.diagnostics import Diagnostic, LintResult
from vault_tools.interview import Context, is_generated, is_interview
from vault_tools.note import Note
from vault_tools.rules import ALL_RULES, RULES_BY_CODE, Rule
from vault_tools.vocabulary import IGNORE_KEY


def ignored_codes(note: Note) -> frozenset[str]:
    value: Any = note.get(IGNORE_KEY)
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    if not isinstance(value, list):
        return frozenset()
    return frozenset(str(code).strip().upper() for code in value if str(code).strip())


def severity_of(rule: Rule, config: Config) -> str:
    return config.rules.get(rule.code, rule.severity)


def _enabled_rules(ctx: Context) -> list[tuple[Rule, str]]:
    """(rule, severity) of every rule the config leaves on, worked out once per context."""
    enabled: list[tuple[Rule, str]] | None = ctx.__dict__.get("_enabled_rules")
    if enabled is None:
        pairs = ((rule, severity_of(rule, ctx.config)) for rule in ALL_RULES)
        enabled = [(rule, severity) for rule, severity in pairs if severity != "off"]
        ctx.__dict__["_enabled_rules"] = enabled
    return enabled


def lint_note(note: Note, ctx: Context) -> list[Diagnostic]:
    """Diagnostics of one note; empty for a note that is not an interview."""
    if not is_interview(note, ctx.config) or is_generated(note):
        return []
    ignored = ignored_codes(note)
    found: list[Diagnostic] = []
    last_line = max(len(note.lines), 1)
    for rule, severity in _enabled_rules(ctx):
        if rule.code in ignored:
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
                    fix=finding.fix,
                )
            )
    return found


def lint(notes: Iterable[Note], ctx: Context) -> LintResult:
    checked = 0
    diagnostics: list[Diagnostic] = []
    for note in notes:
        if is_interview(note, ctx.config) and not is_generated(note):
            checked += 1
            diagnostics.extend(lint_note(note, ctx))
    return LintResult(checked, tuple(sorted(diagnostics, key=Diagnostic.sort_key)))


__all__ = ["RULES_BY_CODE", "LintResult", "lint", "lint_note"]

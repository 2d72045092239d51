"""Findings of rules and the diagnostics the linter makes of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True, order=True)
class Finding:
    """What a rule yields: a 1-based position in the file and a message."""

    line: int
    column: int
    message: str


class Diagnostic(NamedTuple):
    """A finding stamped with its note's path, its rule code and its severity.

    Field order is the sort order: path, then line, column, rule. A named tuple: a large
    vault's tens of thousands are made and sorted at C speed.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The order of output: path, line, column, rule (faster than the dataclass order)."""
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_row(self) -> list[object]:
        """Compact form for the cache (the path is the row's key)."""
        return [self.line, self.column, self.rule, self.severity, self.message]

    @classmethod
    def from_row(cls, path: str, row: list[Any]) -> Diagnostic:
        """From ``to_row``'s form, as the cache stored it."""
        return cls(path, row[0], row[1], row[2], row[3], row[4])

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True)
class LintResult:
    """What ``check`` found: how many interview notes it checked, and the diagnostics."""

    notes_checked: int
    diagnostics: tuple[Diagnostic, ...]

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

"""Findings of rules and the diagnostics the linter makes of them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, order=True)
class Finding:
    """What a rule yields: a 1-based position in the file and a message."""

    line: int
    column: int
    message: str


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding stamped with its note's path, its rule code and its severity.

    Field order is the sort order: path, then line, column, rule.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }

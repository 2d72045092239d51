"""Findings of rules and the diagnostics the linter makes of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

#: Lines a fix may insert or replace, and edits it may hold: a fix is a few lines.
MAX_FIX_LINES = 64
MAX_FIX_EDITS = 16


@dataclass(frozen=True, order=True)
class LineEdit:
    """Replace ``remove`` lines from 1-based ``line`` on with ``insert`` (lines without their
    endings: the file's own are kept, and new lines take the file's). ``remove`` 0 inserts
    before ``line``; ``line`` one past the last line appends."""

    line: int
    remove: int
    insert: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "remove": self.remove, "insert": list(self.insert)}


@dataclass(frozen=True, order=True)
class Fix:
    """A finding's safe fix: what it does, its line edits, and the canonical front matter
    keys whose values it may change (every other key must read back unchanged)."""

    message: str
    edits: tuple[LineEdit, ...]
    keys: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"message": self.message, "edits": [e.to_json() for e in self.edits]}

    def to_row(self) -> list[object]:
        return [
            self.message,
            [[e.line, e.remove, list(e.insert)] for e in self.edits],
            list(self.keys),
        ]

    @classmethod
    def from_row(cls, row: object) -> Fix | None:
        """From ``to_row``'s form as the cache stored it; ``None`` when it has another shape."""
        if not (isinstance(row, list) and len(row) == 3):
            return None
        message, edits, keys = row
        if not (
            isinstance(message, str)
            and isinstance(edits, list)
            and 0 < len(edits) <= MAX_FIX_EDITS
            and isinstance(keys, list)
            and len(keys) <= MAX_FIX_EDITS
            and all(isinstance(k, str) for k in keys)
        ):
            return None
        made: list[LineEdit] = []
        for edit in edits:
            if not (isinstance(edit, list) and len(edit) == 3):
                return None
            line, remove, insert = edit
            if not (
                type(line) is int
                and type(remove) is int
                and line >= 1
                and 0 <= remove <= MAX_FIX_LINES
                and isinstance(insert, list)
                and len(insert) <= MAX_FIX_LINES
                and all(isinstance(text, str) for text in insert)
            ):
                return None
            made.append(LineEdit(line, remove, tuple(insert)))
        return cls(message, tuple(made), tuple(keys))


def fix_of(message: str, edits: Sequence[LineEdit], keys: Sequence[str] = ()) -> Fix:
    return Fix(message, tuple(sorted(edits)), tuple(keys))


@dataclass(frozen=True, order=True)
class Finding:
    """What a rule yields: a 1-based position in the file, a message, and its safe fix when
    it has one."""

    line: int
    column: int
    message: str
    fix: Fix | None = None


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
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The order of output: path, line, column, rule (faster than the dataclass order)."""
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_row(self) -> list[object]:
        """Compact form for the cache (the path is the row's key)."""
        row: list[object] = [self.line, self.column, self.rule, self.severity, self.message]
        if self.fix is not None:
            row.append(self.fix.to_row())
        return row

    @classmethod
    def from_row(cls, path: str, row: list[Any]) -> Diagnostic:
        """From ``to_row``'s form, as the cache stored it (checked: ``valid_row``)."""
        fix = Fix.from_row(row[5]) if len(row) > 5 else None
        return cls(path, row[0], row[1], row[2], row[3], row[4], fix)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "fix": None if self.fix is None else self.fix.to_json(),
        }


@dataclass(frozen=True)
class LintResult:
    """What ``check`` found: how many interview notes it checked, and the diagnostics."""

    notes_checked: int
    diagnostics: tuple[Diagnostic, ...]

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

"""Output of ``vault-tools watch``: a summary line per pass (text), or a JSON object per line.

The findings themselves are printed as ``check`` prints them (``render.check.render_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from vault_tools.render import json_dumps, printable
from vault_tools.render.check import summary_line as check_summary

if TYPE_CHECKING:
    from vault_tools.watch import BatchResult

#: How many paths a summary line names before it says "and N more".
NAMED = 3


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _names(paths: Sequence[str]) -> str:
    shown = ", ".join(printable(path) for path in paths[:NAMED])
    more = len(paths) - NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def summary_line(batch: BatchResult) -> str:
    """``12:03:04 2 notes re-checked: 1 error, 0 warnings (Interviews/a.md, Interviews/b.md)``,
    ``12:03:09 Interviews/x.md removed``; a whole-vault pass says what ``check`` says."""
    clock = batch.when.strftime("%H:%M:%S")
    if batch.full:
        return f"{clock} {check_summary(batch.result)}"
    parts = []
    if batch.changed:
        errors, warnings = batch.result.count("error"), batch.result.count("warning")
        found = (
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
            if errors or warnings
            else "all clean"
        )
        notes = _plural(len(batch.changed), "note")
        parts.append(f"{notes} re-checked: {found} ({_names(batch.changed)})")
    if batch.removed:
        parts.append(f"{_names(batch.removed)} removed")
    return f"{clock} {'; '.join(parts)}"


def render_json(batch: BatchResult) -> str:
    """One line per pass. ``changed`` lists the notes checked (every note when ``full``): their
    findings are ``diagnostics``, and a note in ``changed`` with none has none left."""
    payload = {
        "version": 1,
        "time": batch.when.isoformat(),
        "as_of": batch.as_of.isoformat(),
        "full": batch.full,
        "notes_checked": batch.result.notes_checked,
        "changed": list(batch.changed),
        "removed": list(batch.removed),
        "diagnostics": [d.to_json() for d in batch.result.diagnostics],
        "summary": {"error": batch.result.count("error"), "warning": batch.result.count("warning")},
    }
    return json_dumps(payload, indent=None) + "\n"

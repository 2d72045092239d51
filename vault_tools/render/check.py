"""Output formats of ``vault-tools check``: text, json, github."""

from __future__ import annotations

from vault_tools.diagnostics import LintResult
from vault_tools.render import json_dumps, printable


def render_text(result: LintResult) -> str:
    """One clickable line per finding: ``path:line:col: CODE severity: message``."""
    return "".join(
        f"{printable(d.path)}:{d.line}:{d.column}: {d.rule} {d.severity}: {printable(d.message)}\n"
        for d in result.diagnostics
    )


def render_json(result: LintResult, ascii_only: bool = False) -> str:
    """The JSON report; ``ascii_only`` escapes every non-ASCII character (for an output
    stream that cannot hold UTF-8)."""
    payload = {
        "version": 1,
        "notes_checked": result.notes_checked,
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "summary": {"error": result.count("error"), "warning": result.count("warning")},
    }
    return json_dumps(payload, ascii_only=ascii_only) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: LintResult) -> str:
    """GitHub Actions workflow commands: an annotation per finding on the PR's diff."""
    lines = []
    for d in result.diagnostics:
        level = "error" if d.severity == "error" else "warning"
        lines.append(
            f"::{level} file={printable(_escape_property(d.path))},line={d.line},"
            f"col={d.column},title={d.rule}::{printable(_escape_data(f'{d.rule} {d.message}'))}\n"
        )
    return "".join(lines)


def summary_line(result: LintResult, files_unreadable: int = 0) -> str:
    errors, warnings = result.count("error"), result.count("warning")
    notes = f"{result.notes_checked} interview note{'s' if result.notes_checked != 1 else ''}"
    if not errors and not warnings:
        return f"{notes} checked: all clean"
    return (
        f"{notes} checked: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )

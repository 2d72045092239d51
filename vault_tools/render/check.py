"""Output formats of ``vault-tools check``: text, json, github, md."""

from __future__ import annotations

from collections.abc import Mapping

from vault_tools.diagnostics import Diagnostic, LintResult
from vault_tools.render import json_dumps, printable
from vault_tools.render.markdown import place_link, plain_text, wikilink

#: Marks a finding that ``check --fix`` fixes, as Ruff marks its own.
FIXABLE = "[*] "


def render_text(result: LintResult) -> str:
    """One clickable line per finding: ``path:line:col: CODE severity: message``, the
    message marked ``[*]`` when ``check --fix`` fixes it."""
    return "".join(
        f"{printable(d.path)}:{d.line}:{d.column}: {d.rule} {d.severity}: "
        f"{FIXABLE if d.fix is not None else ''}{printable(d.message)}\n"
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
    """The line on stderr after the findings: the counts, and how many ``--fix`` fixes."""
    errors, warnings = result.count("error"), result.count("warning")
    notes = f"{result.notes_checked} interview note{'s' if result.notes_checked != 1 else ''}"
    if not errors and not warnings:
        return f"{notes} checked: all clean"
    fixable = sum(1 for d in result.diagnostics if d.fix is not None)
    return (
        f"{notes} checked: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
        + (f"; {FIXABLE}{fixable} fixable with --fix" if fixable else "")
    )


#: The title of the ``--format md`` note.
REPORT_TITLE = "Check"


def _counts(result: LintResult) -> str:
    errors, warnings = result.count("error"), result.count("warning")
    notes = f"{result.notes_checked} interview note{'s' if result.notes_checked != 1 else ''}"
    if not errors and not warnings:
        return f"{notes} checked: no findings"
    return (
        f"{notes} checked: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


def render_markdown(result: LintResult, places: Mapping[tuple[str, int], str]) -> str:
    """The findings as an Obsidian note: a summary line with the counts, then a section per
    note (a link to it) holding its findings, each with a link to its place in the note:
    ``[[Interviews/2026-11-20 Jane Doe#Takeaways]]`` when ``places`` names the heading of
    the finding's line (``(path, line)`` -> heading text), else the note.

    The findings' messages quote notes: they are shown as written, never as links or tags
    (which would put every quoted ``[[name]]`` in Obsidian's graph)."""
    lines = [f"# {REPORT_TITLE}", "", _counts(result) + "."]
    by_note: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_note.setdefault(d.path, []).append(d)
    for path, found in by_note.items():
        lines += ["", f"## {wikilink(path)}", ""]
        for d in found:
            link = place_link(path, places.get((d.path, d.line)))
            lines.append(
                f"- {link} line {d.line}: **{d.rule}** {d.severity}: {plain_text(d.message)}"
            )
    return "\n".join(lines) + "\n"

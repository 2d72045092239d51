"""Output formats of ``vault-tools index``: text (a table), md, json, csv."""

from __future__ import annotations

import csv
import io

from vault_tools.render import display_width, json_dumps, pad, printable
from vault_tools.render.markdown import table_cell, wikilink
from vault_tools.reports.index import COLUMNS, IndexReport, IndexRow

HEADERS = (
    "Date",
    "Status",
    "Person",
    "Company",
    "Role",
    "Requested",
    "Thank-you",
    "Last contact",
    "Next due",
    "Path",
)

#: The index's columns, with ``next_due`` spread over three for spreadsheets.
CSV_COLUMNS = (
    *COLUMNS[: COLUMNS.index("next_due")],
    "next_due_kind",
    "next_due_date",
    "next_due_title",
)


def _next_due(row: IndexRow, with_title: bool) -> str:
    item = row.next_due
    if item is None:
        return ""
    due = item.due.isoformat() if item.due else "no date"
    return f"{due} {item.kind}: {item.title}" if with_title else f"{due} {item.kind}"


def _cells(row: IndexRow, with_title: bool = True) -> list[str]:
    """The row as a table shows it, escaped (one line per cell; the path comes last, exact:
    a newline in a file name shows as ``\\n``, where one in a value becomes a space)."""
    values = [
        row.date.isoformat().replace("T", " ") if row.date else "",
        row.status or "",
        row.person or "",
        row.company or "",
        row.role or "",
        row.requested.isoformat() if row.requested else "",
        row.thank_you_sent.isoformat() if row.thank_you_sent else "",
        row.last_contact.isoformat() if row.last_contact else "",
        _next_due(row, with_title),
    ]
    return [printable(" ".join(value.split())) for value in values] + [printable(row.path)]


#: The widest a value cell of the text table gets: a megabyte company name would otherwise
#: pad every row to its width (80 MB of spaces for a 20 MB value).
TEXT_CELL_CHARS = 60


def _clipped(cells: list[str]) -> list[str]:
    """Value cells cut to ``TEXT_CELL_CHARS`` with an ellipsis; the path is kept whole."""
    return [
        cell if len(cell) <= TEXT_CELL_CHARS else cell[: TEXT_CELL_CHARS - 1] + "…"
        for cell in cells[:-1]
    ] + cells[-1:]


def render_text(report: IndexReport) -> str:
    """A plain table, columns padded to their widest cell; the next due item as its day and
    kind (the other formats add its title)."""
    if not report.rows:
        return "No interview notes.\n"
    table = [list(HEADERS), *(_clipped(_cells(row, with_title=False)) for row in report.rows)]
    widths = [max(display_width(line[i]) for line in table) for i in range(len(HEADERS))]
    table.insert(1, ["-" * width for width in widths])
    return "".join(
        "  ".join(pad(cell, width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in table
    )


def render_markdown(report: IndexReport) -> str:
    """The body of an Obsidian note: a table with a wikilink to each interview note."""
    headers = ["Note", *HEADERS[:-1]]
    lines = [
        "# Interview index",
        "",
        f"{len(report.rows)} interview note{'s' if len(report.rows) != 1 else ''}.",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    for row in report.rows:
        cells = [wikilink(row.path, in_table=True)] + [table_cell(c) for c in _cells(row)[:-1]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_json(report: IndexReport, ascii_only: bool = False) -> str:
    return json_dumps(report.to_json(), ascii_only=ascii_only) + "\n"


def render_csv(report: IndexReport) -> str:
    """RFC 4180 CSV with a header row; values keep their commas, quotes and newlines (the
    CSV quotes them), other controls and a file name's undecodable bytes are escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        data = row.to_json()
        due = data.pop("next_due") or {}
        values = [data[key] or "" for key in CSV_COLUMNS[: COLUMNS.index("next_due")]]
        values += [due.get("kind") or "", due.get("due") or "", due.get("title") or ""]
        writer.writerow([printable(value, keep_lines=True) for value in values])
    return buffer.getvalue()

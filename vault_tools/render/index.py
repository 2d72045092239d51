"""Output formats of ``vault-tools index``: text (a table), md, json, csv."""

from __future__ import annotations

import csv
import io

from vault_tools.render import clip, display_width, json_dumps, pad, printable
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
    repair = ""
    if row.errors:  # a broken note keeps its row, and says it needs repair
        repair = f"{row.errors} error{'s' if row.errors != 1 else ''} (vault-tools check)"
    if item is None:
        return repair
    due = item.due.isoformat() if item.due else "no date"
    text = f"{due} {item.kind}: {item.title}" if with_title else f"{due} {item.kind}"
    return f"{repair}; {text}" if repair else text


def _thanked(row: IndexRow) -> str:
    """The day the thank-you was sent; "yes" when a done task says it was, but not when."""
    if row.thank_you_sent:
        return row.thank_you_sent.isoformat()
    return "yes" if row.thank_you_shown else ""


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
        _thanked(row),
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


#: Columns never shortened to fit a width: a day cut short reads as another day (Date,
#: Requested, Thank-you, Last contact; and the path, which names the file).
_WHOLE = frozenset({0, 5, 6, 7, len(HEADERS) - 1})
#: The narrowest the other columns get: the next due item keeps its day (10 columns and the
#: ellipsis), the rest 6 columns ("Compa…").
_LEAST = {8: 11}
_LEAST_DEFAULT = 6
_GAP = 2


def fitted_widths(widths: list[int], total: int) -> list[int]:
    """Column widths whose table (columns ``_GAP`` apart) is at most ``total`` columns wide:
    the widest columns shortened first, all to one cap, as far as their least width; the
    dates and the path kept whole. If even the least widths are too wide, those."""
    gaps = _GAP * (len(widths) - 1)
    if sum(widths) + gaps <= total:
        return widths
    least = [
        width if i in _WHOLE else min(width, _LEAST.get(i, _LEAST_DEFAULT))
        for i, width in enumerate(widths)
    ]

    def capped(cap: int) -> list[int]:
        return [max(low, min(width, cap)) for width, low in zip(widths, least, strict=True)]

    low, high = 0, max(widths)  # the widest cap that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if sum(capped(middle)) + gaps <= total:
            low = middle
        else:
            high = middle - 1
    return capped(low)


def render_text(report: IndexReport, width: int | None = None) -> str:
    """A plain table, columns padded to their widest cell; the next due item as its day and
    kind (the other formats add its title). With ``width`` (a terminal's columns), the
    widest value columns are shortened, with an ellipsis, until a row fits."""
    if not report.rows:
        return "No interview notes.\n"
    table = [list(HEADERS), *(_clipped(_cells(row, with_title=False)) for row in report.rows)]
    widths = [max(display_width(line[i]) for line in table) for i in range(len(HEADERS))]
    if width is not None:
        fitted = fitted_widths(widths, width)
        if fitted != widths:
            widths = fitted
            table = [
                [clip(cell, column) for cell, column in zip(line, widths, strict=True)]
                for line in table
            ]
    table.insert(1, ["-" * column for column in widths])
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

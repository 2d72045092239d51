"""Output formats of ``vault-tools people``: text (a table), md (with a Mermaid graph of
introductions), json."""

from __future__ import annotations

from vault_tools.dates import NEVER
from vault_tools.render import display_width, json_dumps, pad, printable
from vault_tools.render.index import TEXT_CELL_CHARS
from vault_tools.render.markdown import table_cell, wikilink
from vault_tools.reports.people import PeopleReport, PersonRow

HEADERS = (
    "Person",
    "Notes",
    "Last contact",
    "Keep in touch",
    "Next due",
    "Introduced by",
    "Introduced",
)


def _cadence(row: PersonRow) -> str:
    return "never" if row.cadence == NEVER else f"{row.cadence}d"


def _next_due(row: PersonRow) -> str:
    item = row.next_due
    if item is None:
        return ""
    return f"{item.due.isoformat() if item.due else 'no date'} {item.kind}"


def _cells(row: PersonRow) -> list[str]:
    values = [
        row.name,
        str(len(row.notes)),
        row.last_contact.isoformat() if row.last_contact else "",
        _cadence(row),
        _next_due(row),
        ", ".join(row.introduced_by),
        ", ".join(row.introduced),
    ]
    cells = [printable(" ".join(v.split())) for v in values]
    return [c if len(c) <= TEXT_CELL_CHARS else c[: TEXT_CELL_CHARS - 1] + "…" for c in cells]


def render_text(report: PeopleReport) -> str:
    if not report.people:
        return "No people.\n"
    table = [list(HEADERS), *(_cells(row) for row in report.people)]
    widths = [max(display_width(line[i]) for line in table) for i in range(len(HEADERS))]
    table.insert(1, ["-" * w for w in widths])
    return "".join(
        "  ".join(pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip() + "\n"
        for line in table
    )


def _mermaid_label(name: str) -> str:
    # Inside a quoted Mermaid label only `"` needs care; `#quot;` is Mermaid's own escape.
    return printable(name).replace('"', "#quot;")


def mermaid_graph(report: PeopleReport) -> list[str]:
    """``graph LR`` with an arrow from who introduced to whom; the people as numbered
    nodes, so any name is a safe label."""
    pairs = report.introductions()
    if not pairs:
        return []
    ids: dict[str, str] = {}
    for by, whom in pairs:
        for name in (by, whom):
            ids.setdefault(name, f"p{len(ids) + 1}")
    lines = ["```mermaid", "graph LR"]
    lines += [f'  {node}["{_mermaid_label(name)}"]' for name, node in ids.items()]
    lines += [f"  {ids[by]} --> {ids[whom]}" for by, whom in pairs]
    lines.append("```")
    return lines


def render_markdown(report: PeopleReport) -> str:
    """An Obsidian note: a table with a link to each person's latest note (their own note
    when they have one), and the introductions as a Mermaid graph."""
    count = len(report.people)
    lines = ["# People", "", f"{count} {'person' if count == 1 else 'people'}.", ""]
    headers = [*HEADERS, "Note"]
    lines += ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in report.people:
        target = row.person_note or row.latest
        link = wikilink(target, in_table=True) if target else ""
        lines.append("| " + " | ".join([*(table_cell(c) for c in _cells(row)), link]) + " |")
    graph = mermaid_graph(report)
    if graph:
        lines += ["", "## Introductions", "", *graph]
    return "\n".join(lines) + "\n"


def render_json(report: PeopleReport, ascii_only: bool = False) -> str:
    payload = {
        "version": 1,
        "as_of": report.as_of.isoformat(),
        "people": [row.to_json() for row in report.people],
    }
    return json_dumps(payload, ascii_only=ascii_only) + "\n"

"""index: one row per interview note, its person's last contact and its next due item."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from pathlib import Path

from vault_tools.app import index_of
from vault_tools.config import Config
from vault_tools.interview import facts_of, make_context
from vault_tools.note import Note, parse_note
from vault_tools.render import index as render
from vault_tools.reports.index import IndexReport

AS_OF = dt.date(2026, 11, 27)


def note(path: str, front: str, body: str = "") -> Note:
    text = f"---\n{textwrap.dedent(front).strip()}\n---\n# Interview\n\n{textwrap.dedent(body)}"
    return parse_note(path, text.encode("utf-8"))


def report(*notes: Note) -> IndexReport:
    ctx = make_context(Path("/nonexistent-vault"), Config(), AS_OF)
    return index_of([facts_of(n, ctx) for n in notes], ctx)


JANE = note(
    "Interviews/2026-11-20 Jane Doe.md",
    """
    person: "[[People/Jane Doe|Jane]]"
    company: Brightline Mobility
    role: Staff Data Engineer
    status: done
    requested: 2026-11-06
    date: 2026-11-20T15:00
    """,
    "## Follow-up\n- [ ] Send the article [due:: 2026-11-28]\n",
)
ANA_FIRST = note(
    "Interviews/2026-10-21 Ana Souza.md",
    "person: Ana Souza\nstatus: done\ndate: 2026-10-21\nthank_you_sent: 2026-10-21",
)
ANA_SECOND = note(
    "Interviews/2026-11-18 Ana Souza.md",
    'person: "[[Ana Souza]]"\nstatus: done\ndate: 2026-11-18\nthank_you_sent: 2026-11-19\n'
    "follow_up: 2026-12-03",
    "## Follow-up\n- [ ] Share my notes 📅 2026-11-30\n",
)
DAVID = note(
    "Interviews/2026-10-30 David Okafor.md",
    "person: David Okafor\nstatus: declined\nrequested: 2026-10-30",
)


def test_one_row_per_interview_note_by_path_declined_included() -> None:
    rows = report(JANE, DAVID, ANA_SECOND, ANA_FIRST).rows
    assert [r.path for r in rows] == [
        "Interviews/2026-10-21 Ana Souza.md",
        "Interviews/2026-10-30 David Okafor.md",
        "Interviews/2026-11-18 Ana Souza.md",
        "Interviews/2026-11-20 Jane Doe.md",
    ]
    assert rows[1].status == "declined" and rows[1].next_due is None


def test_json_row_with_datetime_and_next_due() -> None:
    data = report(JANE).to_json()
    assert data == {
        "version": 1,
        "notes": [
            {
                "path": "Interviews/2026-11-20 Jane Doe.md",
                "person": "Jane Doe",
                "company": "Brightline Mobility",
                "role": "Staff Data Engineer",
                "status": "done",
                "date": "2026-11-20T15:00",
                "requested": "2026-11-06",
                "thank_you_sent": None,
                "last_contact": "2026-11-20",
                # the thank-you (due 2026-11-21) comes before the task (2026-11-28)
                "next_due": {
                    "kind": "thank-you",
                    "due": "2026-11-21",
                    "title": "Send a thank-you note to Jane Doe",
                },
                "thank_you_shown": False,
                "errors": 0,
            }
        ],
    }
    assert json.loads(render.render_json(report(JANE))) == data


def test_last_contact_is_the_persons_over_all_their_notes() -> None:
    rows = {r.path: r for r in report(ANA_FIRST, ANA_SECOND).rows}
    first = rows["Interviews/2026-10-21 Ana Souza.md"]
    second = rows["Interviews/2026-11-18 Ana Souza.md"]
    assert first.last_contact == second.last_contact == dt.date(2026, 11, 19)
    # The pending follow-up of the second note keeps the first without a keep-in-touch item.
    assert first.next_due is None
    assert second.next_due is not None
    assert (second.next_due.kind, second.next_due.due) == ("task", dt.date(2026, 11, 30))


def test_next_due_ignores_the_horizon() -> None:
    far = note(
        "Interviews/far.md", "person: Far\nstatus: planned", "## Follow-up\n- [ ] X 📅 2027-06-01\n"
    )
    (row,) = report(far).rows
    assert row.next_due is not None and row.next_due.due == dt.date(2027, 6, 1)


def test_csv_round_trips_commas_quotes_and_newlines() -> None:
    tricky = note(
        "Interviews/2026-11-01 O'Brien, Sam.md",
        """
        person: 'Sam "The Analyst" O''Brien'
        company: "Acme, Inc."
        role: |-
          Lead, Data
          and "Insights"
        status: scheduled
        date: 2026-12-01
        """,
    )
    text = render.render_csv(report(tricky))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [
        {
            "path": "Interviews/2026-11-01 O'Brien, Sam.md",
            "person": 'Sam "The Analyst" O\'Brien',
            "company": "Acme, Inc.",
            "role": 'Lead, Data\nand "Insights"',
            "status": "scheduled",
            "date": "2026-12-01",
            "requested": "",
            "thank_you_sent": "",
            "last_contact": "",
            "next_due_kind": "prepare",
            "next_due_date": "2026-11-30",  # prepare: the day before
            "next_due_title": 'Prepare for the interview with Sam "The Analyst" O\'Brien: '
            "write the Research and Questions",
        }
    ]


def test_markdown_table_links_each_note_and_escapes_bars() -> None:
    piped = note(
        "Interviews/2026-11-02 Lee.md",
        "person: Lee\ncompany: A | B\nrole: Data\nstatus: planned",
    )
    text = render.render_markdown(report(piped))
    (row,) = [line for line in text.splitlines() if "Lee" in line and line.startswith("|")]
    assert row.startswith("| [[Interviews/2026-11-02 Lee\\|2026-11-02 Lee]] |")
    assert "A \\| B" in row
    # every row has as many cells as the header
    header = next(line for line in text.splitlines() if line.startswith("| Note"))
    assert row.replace("\\|", "").count("|") == header.count("|")


def test_text_table_has_a_line_per_note_with_aligned_columns() -> None:
    lines = render.render_text(report(JANE, DAVID)).splitlines()
    assert lines[0].split()[:3] == ["Date", "Status", "Person"]
    assert lines[2].startswith("                  declined  David Okafor")
    assert lines[3].startswith("2026-11-20 15:00  done      Jane Doe")
    assert "2026-11-21 thank-you" in lines[3]
    assert lines[3].endswith("Interviews/2026-11-20 Jane Doe.md")
    assert lines[2].index("Interviews/") == lines[3].index("Interviews/")


def test_declined_and_cancelled_notes_add_no_contact() -> None:
    declined = note(
        "Interviews/2026-11-02 David.md",
        "person: David Okafor\nstatus: declined\nlast_contact: 2026-11-02",
    )
    (row,) = report(declined).rows
    assert (row.status, row.last_contact, row.next_due) == ("declined", None, None)

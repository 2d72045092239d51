"""A person's own note (SPEC): found as Obsidian resolves a link, and what it says counts
for the person in the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, make_vault

from vault_tools.app import Session
from vault_tools.cli import cli
from vault_tools.dates import NEVER
from vault_tools.persons import PersonNotes, note_name

INTERVIEW = """\
---
type: interview
person: {person}
company: Acme
role: Engineer
status: done
date: 2026-08-20
thank_you_sent: 2026-08-20
---
## Objectives
- x
"""


def interview(person: str) -> str:
    return INTERVIEW.format(person=person)


# --------------------------------------------------------------------------------------------
# Which note is a person's own


def test_the_one_note_of_that_name() -> None:
    notes = PersonNotes(["Interviews/a.md", "Contacts/Jane Doe.md"], ["Interviews/a.md"], "People")
    assert notes.resolve("Jane Doe") == "Contacts/Jane Doe.md"
    assert notes.resolve("jane doe") == "Contacts/Jane Doe.md"  # as Obsidian: any case
    assert notes.resolve("John Roe") is None


def test_the_people_folder_wins_a_tie_and_a_tie_it_does_not_settle_is_none() -> None:
    paths = ["People/Jane Doe.md", "Archive/Jane Doe.md", "A/Sam Lee.md", "B/Sam Lee.md"]
    notes = PersonNotes(paths, [], "People")
    assert notes.resolve("Jane Doe") == "People/Jane Doe.md"
    assert notes.resolve("Sam Lee") is None


def test_a_link_with_a_path_names_that_note() -> None:
    paths = ["People/Jane Doe.md", "Archive/2020/Jane Doe.md"]
    notes = PersonNotes(paths, [], "People")
    assert notes.resolve("Jane Doe", "Archive/2020/Jane Doe") == "Archive/2020/Jane Doe.md"
    # A path Obsidian completes from its end.
    assert notes.resolve("Jane Doe", "2020/Jane Doe") == "Archive/2020/Jane Doe.md"
    # A path to no note: the name decides.
    assert notes.resolve("Jane Doe", "Gone/Jane Doe") == "People/Jane Doe.md"


def test_an_interview_note_is_never_a_persons_own_note() -> None:
    notes = PersonNotes(["Interviews/Jane Doe.md"], ["Interviews/Jane Doe.md"], "People")
    assert notes.resolve("Jane Doe") is None
    assert note_name("People/Zoë.md") == "Zoë"


# --------------------------------------------------------------------------------------------
# What it says counts


def items(root: Path, *extra: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        cli,
        [
            "followups",
            "--vault",
            str(root),
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "json",
            *extra,
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["items"])


def keep_in_touch(root: Path) -> list[dict[str, object]]:
    return [i for i in items(root, "--all") if i["kind"] == "keep-in-touch"]


def test_the_person_notes_cadence_and_last_contact_count(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": "",
            "Interviews/2026-08-20 Jane Doe.md": interview('"[[Jane Doe]]"'),
        },
    )
    # Without a person note: the default 90 days after the interview.
    assert [i["due"] for i in keep_in_touch(root)] == ["2026-11-18"]
    (root / "People").mkdir()
    (root / "People" / "Jane Doe.md").write_text(
        "---\nlast_contact: 2026-10-01\nkeep_in_touch: 30d\n---\n# Jane\n", encoding="utf-8"
    )
    found = keep_in_touch(root)
    assert [(i["due"], i["path"]) for i in found] == [
        ("2026-10-31", "Interviews/2026-08-20 Jane Doe.md")
    ]
    assert "last contact 2026-10-01" in str(found[0]["title"])


def test_never_in_the_person_note_wins_over_the_interview_notes(tmp_path: Path) -> None:
    note = interview('"[[People/Jane Doe|Jane]]"').replace(
        "status: done", "keep_in_touch: 30\nstatus: done"
    )
    root = make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": "",
            "Interviews/2026-08-20 Jane Doe.md": note,
            "People/Jane Doe.md": "---\nkeep_in_touch: never\n---\n",
            "Archive/Jane Doe.md": "---\nkeep_in_touch: 10\n---\n",  # not hers: the link says
        },
    )
    assert keep_in_touch(root) == []
    session = Session.open(root, AS_OF)
    session.interview_facts()
    own = session.context().persons["jane doe"]
    assert (own.path, own.cadence) == ("People/Jane Doe.md", NEVER)


def test_email_zone_and_introduction_are_read(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": "",
            "Interviews/2026-08-20 Jane Doe.md": interview("Jane Doe"),
            "People/Jane Doe.md": (
                "---\nemail: jane@acme.example\ntimezone: America/New_York\n"
                'introduced_by: "[[Ana Souza]]"\n---\n'
            ),
            "People/Bad Zone.md": "---\ntimezone: Mars/Olympus\n---\n",
            "Interviews/2026-08-21 Bad Zone.md": interview("Bad Zone"),
        },
    )
    session = Session.open(root, AS_OF)
    session.interview_facts()
    jane = session.context().persons["jane doe"]
    assert (jane.email, jane.timezone, jane.introduced_by) == (
        "jane@acme.example",
        "America/New_York",
        ("Ana Souza",),
    )
    assert session.context().persons["bad zone"].timezone is None


def test_log_contact_writes_the_person_note_and_followups_see_it(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": "",
            "Interviews/2026-08-20 Jane Doe.md": interview('"[[Jane Doe]]"'),
            "People/Jane Doe.md": "---\ntype: person\n---\n# Jane\n",
        },
    )
    interview_bytes = (root / "Interviews/2026-08-20 Jane Doe.md").read_bytes()
    result = CliRunner().invoke(
        cli,
        ["log", "Jane Doe", "contact", "--on", "2026-11-25", "--vault", str(root), "--quiet"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (root / "People/Jane Doe.md").read_text() == (
        "---\ntype: person\nlast_contact: 2026-11-25\n---\n# Jane\n"
    )
    assert (root / "Interviews/2026-08-20 Jane Doe.md").read_bytes() == interview_bytes
    assert [i["due"] for i in keep_in_touch(root)] == ["2027-02-23"]


# --------------------------------------------------------------------------------------------
# Daily notes


def index_row(root: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        cli,
        ["index", "--vault", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"],
        catch_exceptions=False,
    )
    (row,) = json.loads(result.stdout)["notes"]
    return dict(row)


def thank_you_items(root: Path) -> list[dict[str, object]]:
    return [i for i in items(root, "--all") if i["kind"] == "thank-you"]


def daily_vault(tmp_path: Path, files: dict[str, str], config: str = "") -> Path:
    return make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": config,
            "Interviews/2026-08-20 Jane Doe.md": interview('"[[Jane Doe]]"').replace(
                "thank_you_sent: 2026-08-20\n", ""
            ),
            **files,
        },
    )


def test_a_daily_note_linking_the_person_is_a_contact_on_its_day(tmp_path: Path) -> None:
    root = daily_vault(
        tmp_path,
        {
            "Journal/2026-10-05.md": "# Monday\n- Coffee with [[Jane Doe]].\n",
            # Its interview note's name counts as her too; a later day wins.
            "Journal/2026-10-12.md": "- Reread [[2026-08-20 Jane Doe]] before the meetup.\n",
            "Journal/2026-10-30 notes.md": "- [[Jane Doe]] again (no date as its name).\n",
            "Projects/Plan.md": "- [[Jane Doe]] (not a daily note)\n",
        },
    )
    assert [i["due"] for i in keep_in_touch(root)] == ["2027-01-10"]  # 2026-10-12 + 90
    (root / ".vault-tools.toml").write_text("[people]\ndaily_notes_count = false\n")
    assert [i["due"] for i in keep_in_touch(root)] == ["2026-11-18"]  # the interview + 90


def test_obsidians_daily_notes_folder_counts(tmp_path: Path) -> None:
    root = daily_vault(
        tmp_path,
        {
            ".obsidian/daily-notes.json": '{"folder": "Days", "format": "YYYY-MM-DD"}',
            "Days/2026-10-12.md": "- Lunch with [[People/Jane Doe|Jane]].\n",
            "Days/Ideas.md": "- [[Jane Doe]] (in the folder, but its name is no day)\n",
        },
    )
    assert [i["due"] for i in keep_in_touch(root)] == ["2027-01-10"]


def test_a_thank_you_ticked_in_a_daily_note_is_the_thank_you(tmp_path: Path) -> None:
    root = daily_vault(tmp_path, {})
    assert [i["due"] for i in thank_you_items(root)] == ["2026-08-21"]
    (root / "Daily").mkdir()
    (root / "Daily/2026-08-21.md").write_text(
        "## Tasks\n- [x] Send the thank-you to [[Jane Doe]] ✅ 2026-08-21\n", encoding="utf-8"
    )
    assert thank_you_items(root) == []
    assert index_row(root)["thank_you_sent"] == "2026-08-21"


def test_a_thank_you_before_the_interview_thanks_no_interview(tmp_path: Path) -> None:
    root = daily_vault(
        tmp_path, {"Daily/2026-08-19.md": "- [x] Thank [[Jane Doe]] for replying ✅ 2026-08-19\n"}
    )
    assert [i["due"] for i in thank_you_items(root)] == ["2026-08-21"]


def test_the_digest_names_new_people_and_introductions_received(tmp_path: Path) -> None:
    def note(person: str, status: str, day: str, extra: str = "") -> str:
        key = "date" if status == "done" else "requested"
        return (
            f"---\ntype: interview\nperson: {person}\nstatus: {status}\n{key}: {day}\n{extra}---\n"
        )

    root = make_vault(
        tmp_path / "v",
        {
            ".vault-tools.toml": "",
            "Interviews/a1.md": note("Ann", "done", "2026-10-01"),
            "Interviews/a2.md": note("Ann", "done", "2026-11-18"),  # met before: not new
            "Interviews/b.md": note("Bo", "done", "2026-11-19", 'introduced_by: "[[Ann]]"\n'),
            "Interviews/c.md": note("Cy", "requested", "2026-11-17"),
            "People/Cy.md": "---\nintroduced_by: Bo\n---\n",
            "Interviews/d.md": note("Di", "requested", "2026-11-02", "introduced_by: Ann\n"),
        },
    )
    result = CliRunner().invoke(
        cli,
        ["digest", "--vault", str(root), "--as-of", "2026-11-27", "--format", "json"],
        catch_exceptions=False,
    )
    payload = json.loads(result.stdout)
    assert payload["period"]["label"] == "2026-W47"
    assert payload["new_people"] == ["Bo"]
    assert payload["introductions_received"] == [
        {"person": "Bo", "introduced_by": "Ann"},
        {"person": "Cy", "introduced_by": "Bo"},
    ]


def test_a_thank_you_ticked_in_any_note_counts_with_its_date(tmp_path: Path) -> None:
    root = daily_vault(
        tmp_path,
        {
            "Projects/Job search.md": (
                "# Plan\n- [x] Thank-you mail to [[Jane Doe]] ✅ 2026-08-22\n"
                "- [x] Thank [[Jane Doe]] again (no date: which day is unknown)\n"
            ),
        },
    )
    assert thank_you_items(root) == []
    assert index_row(root)["thank_you_sent"] == "2026-08-22"


def test_what_other_notes_say_comes_from_the_cache_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing changed: the mentions of the other notes are read from the cache, not from
    the notes; a row changed by hand to hold something else is not used."""
    import sqlite3

    from vault_tools.store import sync

    monkeypatch.setattr("vault_tools.store.cache.RACY_NS", 0)  # trust the files' times now
    root = daily_vault(
        tmp_path, {"Daily/2026-08-21.md": "- [x] Thank [[Jane Doe]] ✅ 2026-08-21\n"}
    )
    assert thank_you_items(root) == []

    def unread(note: object) -> object:
        raise AssertionError("a note was read again though nothing changed")

    with monkeypatch.context() as patched:
        patched.setattr(sync, "note_mentions", unread)
        assert thank_you_items(root) == []
    with sqlite3.connect(root / ".vault-tools" / "cache.sqlite") as db:
        db.execute(
            "UPDATE files SET facts = ? WHERE path = 'Daily/2026-08-21.md'",
            ('[["x"], [["2026-08-21", [{"not": "a name"}]]], []]',),
        )
    # The crafted row is refused and the note read again: the thank-you still counts.
    assert thank_you_items(root) == []


def test_a_person_note_edited_is_read_again_and_an_unread_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's own note is read from the cache like every other note: unchanged, it is
    not opened; edited, its new values count."""
    from vault_tools.store import sync

    monkeypatch.setattr("vault_tools.store.cache.RACY_NS", 0)
    root = daily_vault(tmp_path, {"People/Jane Doe.md": "---\nkeep_in_touch: 30\n---\n"})
    assert [i["due"] for i in keep_in_touch(root)] == ["2026-09-19"]

    def unread(note: object) -> object:
        raise AssertionError("a note was read again though nothing changed")

    with monkeypatch.context() as patched:
        patched.setattr(sync, "note_mentions", unread)
        patched.setattr("vault_tools.app.read_note_bytes", unread)
        assert [i["due"] for i in keep_in_touch(root)] == ["2026-09-19"]
    (root / "People/Jane Doe.md").write_text("---\nkeep_in_touch: 10\n---\n# Jane\n")
    assert [i["due"] for i in keep_in_touch(root)] == ["2026-08-30"]

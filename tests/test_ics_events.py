"""Issue #11 point 15: ``followups --format ics --ics-items events``, the calendar Google,
Apple and Outlook show (they ignore VTODO in a subscribed feed): all-day VEVENTs with a
VALARM on the due day, a URL that opens the note in Obsidian, and LAST-MODIFIED and
SEQUENCE that change when the item does. Each calendar is read back with ``icalendar`` and
with ``vobject``, a second, independent parser."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner, Result
from conftest import make_vault
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.cli import cli
from vault_tools.render.followups import render_ics, uid
from vault_tools.reports.followups import KINDS, FollowUp, FollowUpReport

AS_OF = "2026-11-27"

#: Written by Obsidian on Windows through the Tasks plugin: a BOM, CRLF line ends, Tasks'
#: emoji dates, a done task with its ✅ completion date.
ZOE = (
    "\ufeff---\r\n"
    "type: interview\r\n"
    'person: "[[People/Zoë Ångström|Zoë]]"\r\n'
    "company: Nordlicht AB\r\n"
    "status: done\r\n"
    "date: 2026-11-20T15:00\r\n"
    "thank_you_sent: 2026-11-20\r\n"
    "tags: [interview]\r\n"
    "---\r\n"
    "# Informational interview with Zoë Ångström\r\n"
    "\r\n"
    "## Follow-up\r\n"
    "- [x] Send a thank-you note ✅ 2026-11-20\r\n"
    "- [ ] Send the article on data contracts 📅 2026-11-28\r\n"
    "- [ ] Ask about the meetup\r\n"
)

#: What a Templater "Interview" template leaves once run: every placeholder filled in.
TOBIAS = """\
---
type: interview
person: Tobias Schmidt
company: Hafenlogistik GmbH
status: requested
requested: 2026-11-12
created: 2026-11-12 09:14
---
# Informational interview with Tobias Schmidt

## Objectives
- Hear how a logistics company runs its data platform.
"""

ZOE_PATH = "Interviews/2026-11-20 Zoë Ångström & Co.md"
VAULT_NAME = "Zoë's Notes 2026"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def calendar(vault: Path, *args: str) -> Result:
    return run("followups", "--vault", vault, "--as-of", AS_OF, "--format", "ics", *args)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A vault whose folder name has a space, an apostrophe and a non-ASCII letter."""
    return make_vault(
        tmp_path / VAULT_NAME,
        {
            ".vault-tools.toml": 'timezone = "Europe/Berlin"\n',
            ZOE_PATH: ZOE,
            "Interviews/2026-11-12 Tobias Schmidt.md": TOBIAS,
        },
    )


def events(text: str) -> list[Any]:
    from icalendar import Calendar

    return list(Calendar.from_ical(text).walk("VEVENT"))


def by_summary(text: str) -> dict[str, Any]:
    return {str(event["summary"]): event for event in events(text)}


ARTICLE = "Send the article on data contracts"
NUDGE = "Nudge Tobias Schmidt: no reply since 2026-11-12"


def test_events_are_all_day_with_a_9am_reminder_read_by_icalendar(notes: Path) -> None:
    result = calendar(notes, "--ics-items", "events")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "VTODO" not in text
    found = by_summary(text)
    assert set(found) == {ARTICLE, NUDGE}  # the undated task has no day: left out
    article = found[ARTICLE]
    # All-day: DATE values, the due day and the next (DTEND is exclusive).
    assert article.decoded("dtstart") == dt.date(2026, 11, 28)
    assert article.decoded("dtend") == dt.date(2026, 11, 29)
    assert "DTSTART;VALUE=DATE:20261128" in text
    assert str(article["categories"].cats[0]) == "task"
    assert str(article["transp"]) == "TRANSPARENT"  # a reminder does not make the day busy
    [alarm] = article.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert str(alarm["description"]) == ARTICLE
    # 09:00 on its day: nine hours after the all-day event starts.
    assert alarm.decoded("trigger") == dt.timedelta(hours=9)
    assert "TRIGGER:PT9H" in text
    assert found[NUDGE].decoded("dtstart") == dt.date(2026, 11, 19)


def test_events_read_by_a_second_library_vobject(notes: Path) -> None:
    import vobject

    text = calendar(notes, "--ics-items", "events").stdout
    parsed = vobject.readOne(text)
    found = {str(e.summary.value): e for e in parsed.vevent_list}
    assert set(found) == {ARTICLE, NUDGE}
    article = found[ARTICLE]
    assert article.dtstart.value == dt.date(2026, 11, 28)
    assert article.dtend.value == dt.date(2026, 11, 29)
    assert article.valarm.trigger.value == dt.timedelta(hours=9)
    assert article.valarm.action.value == "DISPLAY"
    assert article.url.value.startswith("obsidian://open?vault=")
    assert int(article.sequence.value) == (dt.date(2026, 11, 28) - dt.date(1970, 1, 1)).days
    assert article.last_modified.value == dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


def test_events_keep_the_uids_of_the_todos(notes: Path) -> None:
    from icalendar import Calendar

    todos = Calendar.from_ical(calendar(notes).stdout).walk("VTODO")
    uids = {str(t["summary"]): str(t["uid"]) for t in todos}
    assert uids == {
        summary: str(e["uid"])
        for summary, e in by_summary(calendar(notes, "--ics-items", "events").stdout).items()
    }


def test_url_opens_the_note_in_obsidian_with_spaces_and_unicode_encoded(notes: Path) -> None:
    text = calendar(notes, "--ics-items", "events").stdout
    url = str(by_summary(text)[ARTICLE]["url"])
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("obsidian", "open")
    # Every byte outside A-Z a-z 0-9 - _ . ~ is percent-encoded UTF-8, "/" and "&" too.
    assert url == (
        "obsidian://open?vault=Zo%C3%AB%27s%20Notes%202026"
        "&file=Interviews%2F2026-11-20%20Zo%C3%AB%20%C3%85ngstr%C3%B6m%20%26%20Co"
    )
    query = parse_qs(parts.query)
    assert query == {"vault": [VAULT_NAME], "file": [ZOE_PATH.removesuffix(".md")]}


def test_alarm_time_from_config_and_none_when_empty(notes: Path) -> None:
    config = notes / ".vault-tools.toml"
    config.write_text('[followups]\nalarm = "07:30"\n', encoding="utf-8")
    [alarm] = by_summary(calendar(notes, "--ics-items", "events").stdout)[ARTICLE].walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(hours=7, minutes=30)

    config.write_text('[followups]\nalarm = "8:05"\n', encoding="utf-8")  # one-digit hour
    [alarm] = by_summary(calendar(notes, "--ics-items", "events").stdout)[ARTICLE].walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(hours=8, minutes=5)

    config.write_text('[followups]\nalarm = ""\n', encoding="utf-8")
    text = calendar(notes, "--ics-items", "events").stdout
    assert "VALARM" not in text and "TRIGGER" not in text
    assert set(by_summary(text)) == {ARTICLE, NUDGE}  # the events are still there


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ('[followups]\nalarm = "9am"\n', "followups.alarm"),
        ('[followups]\nalarm = "24:00"\n', "followups.alarm"),
        ('[followups]\nalarm = "09:00:30"\n', "followups.alarm"),
        ("[followups]\nalarm = 9\n", "followups.alarm"),
        ('[output]\nics_items = "event"\n', "output.ics_items"),
        ("[output]\nics_items = true\n", "output.ics_items"),
    ],
)
def test_a_bad_alarm_or_ics_items_is_exit_2_naming_the_key(
    notes: Path, setting: str, key: str
) -> None:
    (notes / ".vault-tools.toml").write_text(setting, encoding="utf-8")
    result = calendar(notes)
    assert result.exit_code == 2
    assert f"{key}: must be" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_ics_items_from_config_and_the_flag_overrides_it(notes: Path) -> None:
    todos = calendar(notes).stdout
    (notes / ".vault-tools.toml").write_text('[output]\nics_items = "events"\n', encoding="utf-8")
    assert set(by_summary(calendar(notes).stdout)) == {ARTICLE, NUDGE}
    assert calendar(notes, "--ics-items", "todos").stdout == todos


def test_write_uses_the_configured_items_too(notes: Path) -> None:
    (notes / ".vault-tools.toml").write_text('[output]\nics_items = "events"\n', encoding="utf-8")
    result = run("followups", "--vault", notes, "--as-of", AS_OF, "--format", "ics", "--write")
    assert result.exit_code == 0, result.output
    written = (notes / "Interviews/Follow-ups.ics").read_bytes().split(b"\r\n")
    # The written file also records that vault-tools made it (and the hash of what it wrote).
    own = (b"X-GENERATED-BY:", b"X-VAULT-TOOLS-SHA256:")
    assert [line for line in written if not line.startswith(own)] == (
        calendar(notes).stdout_bytes.split(b"\r\n")
    )
    assert b"BEGIN:VEVENT" in written and b"BEGIN:VALARM" in written


def test_todos_stay_byte_identical_whatever_the_default(notes: Path) -> None:
    """The VTODO calendar is unchanged (tests/golden/followups.ics holds it for the sample
    vault): no flag, ``--ics-items todos`` and ``ics_items = "todos"`` agree."""
    default = calendar(notes).stdout_bytes
    assert b"BEGIN:VTODO" in default and b"VEVENT" not in default and b"VALARM" not in default
    assert calendar(notes, "--ics-items", "todos").stdout_bytes == default
    (notes / ".vault-tools.toml").write_text('[output]\nics_items = "todos"\n', encoding="utf-8")
    assert calendar(notes).stdout_bytes == default


def test_ics_items_without_the_calendar_format_is_exit_2(notes: Path) -> None:
    result = run("followups", "--vault", notes, "--as-of", AS_OF, "--ics-items", "events")
    assert result.exit_code == 2
    assert "--format ics" in result.stderr and result.stdout == ""


def test_sequence_and_last_modified_change_when_the_due_day_moves(notes: Path) -> None:
    def stamps(as_of: str) -> dict[str, tuple[int, dt.datetime, str]]:
        text = run(
            "followups", "--vault", notes, "--as-of", as_of, "--format", "ics",
            "--ics-items", "events", "--all",
        ).stdout  # fmt: skip
        return {
            summary: (int(e["sequence"]), e.decoded("last-modified"), str(e["uid"]))
            for summary, e in by_summary(text).items()
        }

    before = stamps(AS_OF)
    # Nothing changed: the same values, whatever the day the calendar is made on.
    assert stamps(AS_OF) == before
    assert stamps("2026-11-30") == before
    # The user puts the task off by three days (Tasks' date, edited in place).
    note = notes / ZOE_PATH
    note.write_bytes(note.read_bytes().replace("📅 2026-11-28".encode(), "📅 2026-12-01".encode()))
    after = stamps(AS_OF)
    assert after[ARTICLE][2] == before[ARTICLE][2]  # the same event (its UID) ...
    assert after[ARTICLE][0] == before[ARTICLE][0] + 3  # ... revised: SEQUENCE up
    assert after[ARTICLE][1] > before[ARTICLE][1]  # and LAST-MODIFIED later
    assert after[NUDGE] == before[NUDGE]  # the other item did not change


def test_a_due_day_at_the_end_of_the_calendar_is_still_an_event(tmp_path: Path) -> None:
    """``follow_up: 9999-12-31`` has no next day for DTEND: DTSTART alone (a DATE) is one
    day long, as RFC 5545 says; no crash."""
    note = TOBIAS.replace("status: requested", "status: done\ndate: 2026-11-12").replace(
        "requested: 2026-11-12", "thank_you_sent: 2026-11-12\nfollow_up: 9999-12-31"
    )
    vault = make_vault(tmp_path / "v", {"Interviews/2026-11-12 Tobias Schmidt.md": note})
    result = calendar(vault, "--ics-items", "events", "--all")
    assert result.exit_code == 0, result.output
    last = [e for e in events(result.stdout) if e.decoded("dtstart") == dt.date(9999, 12, 31)]
    assert len(last) == 1 and "dtend" not in last[0]


#: Names and titles that exercise escaping, folding and the output boundary in every field.
_TEXT = st.text(
    alphabet=st.sampled_from([*"ab ;,\\^:\"'&?#%=/\t\n", "é", "日", "📅", "\u202e", "\udce9"])
    | st.characters(codec="utf-8"),
    max_size=120,
)


@settings(
    max_examples=150,
    derandomize=bool(os.environ.get("CI")),  # fixed in CI, as tests/test_properties.py
    database=None,
    deadline=None,
)
@given(
    vault_name=_TEXT,
    items=st.lists(
        st.builds(
            FollowUp,
            kind=st.sampled_from(KINDS),
            path=_TEXT.map(lambda text: f"Interviews/{text}.md"),
            person=_TEXT,
            due=st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
            title=_TEXT.filter(bool),
            overdue_days=st.just(None),
            key=_TEXT,
        ),
        max_size=6,
    ),
    alarm=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
)
def test_any_items_make_events_both_libraries_read_back(
    vault_name: str, items: list[FollowUp], alarm: dt.time | None
) -> None:
    import vobject
    from icalendar import Calendar

    report = FollowUpReport(dt.date(2026, 11, 27), 7, True, tuple(items))
    text = render_ics(report, items="events", alarm=alarm, vault_name=vault_name)
    assert all(len(line.encode("utf-8", "surrogateescape")) <= 75 for line in text.split("\r\n"))
    assert "\u202e" not in text  # shown escaped, never raw
    dated = [item for item in items if item.due is not None]
    found = Calendar.from_ical(text).walk("VEVENT")
    assert len(found) == len(dated)
    for item, event in zip(dated, found, strict=True):
        assert event.decoded("dtstart") == item.due
        assert str(event["uid"]) == uid(item)
        query = parse_qs(urlsplit(str(event["url"])).query, errors="surrogateescape")
        assert query.get("vault", [""]) == [vault_name]
        assert query["file"] == [item.path.removesuffix(".md")]
        alarms = event.walk("VALARM")
        if alarm is None:
            assert alarms == []
        else:
            [one] = alarms
            assert one.decoded("trigger") == dt.timedelta(hours=alarm.hour, minutes=alarm.minute)
    parsed = vobject.readOne(text)
    assert [e.dtstart.value for e in getattr(parsed, "vevent_list", [])] == [
        item.due for item in dated
    ]


EVENTS = 50_000


def test_50000_tasks_make_events_within_384_mib(tmp_path: Path) -> None:
    """Memory stays in proportion: one note with 50,000 dated Tasks-plugin tasks becomes
    50,000 events (about 23 MB of calendar) in a child with 384 MiB of address space."""
    import re
    import resource
    import subprocess
    import sys

    from conftest import REPO

    tasks = "".join(f"- [ ] Task {i} 📅 2026-12-{1 + i % 28:02}\n" for i in range(EVENTS))
    note = TOBIAS.replace("status: requested", "status: done\ndate: 2026-11-12")
    note = note.replace("requested: 2026-11-12", "thank_you_sent: 2026-11-12")
    root = make_vault(tmp_path / "vault", {"Interviews/Many.md": f"{note}\n## Follow-up\n{tasks}"})

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (384 << 20, 384 << 20))

    done = subprocess.run(
        [sys.executable, "-m", "vault_tools", "followups", "--vault", str(root), "--as-of",
         AS_OF, "--all", "--format", "ics", "--ics-items", "events", "--no-cache"],
        capture_output=True,
        preexec_fn=limit,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, b"")
    text = done.stdout.decode("utf-8")
    assert text.count("\r\nBEGIN:VALARM\r\n") == text.count("BEGIN:VEVENT\r\n") >= EVENTS
    assert len(set(re.findall(r"\r\nUID:(\S+)\r\n", text))) == text.count("BEGIN:VEVENT\r\n")
